"""The window's layout kept from one session to the next: where each dock sits, which
tab is in front, the dock areas' heights and widths (and which of them the user set by
hand), and the window's own place and size; View > Reset Layout puts the first layout
back (wave 23, ``ui23``).

Written when the window closes, read when the next one opens. Closed in simulation mode,
the window keeps the editing layout the mode will give back, not the mode's own (before,
the next start showed the canvas alone: every editing dock hidden). A dock area's
height set by hand stays set by hand (:mod:`designer.ui.dock_heights`): a Databases tab
in front no longer grows it back at the next start. A layout saved by an older version
(before wave 23 Qt's version 0) is taken as it is, unless it hides every editing dock
(saved in simulation mode); one that Qt cannot read, or that is no layout at all, is
ignored: the window opens with its first layout.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLayout, QMainWindow, QTabBar

from designer.ui import lifetime
from designer.ui.dock_heights import DockHeights

__all__ = ["LAYOUT_VERSION", "WindowLayout"]

#: The version of the docks' layout written (``QMainWindow.saveState``); the layouts
#: of older versions were written as version 0.
LAYOUT_VERSION = 1
_OLDER_VERSION = 0
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
#: The dock areas whose height the user set by hand (their ``Qt.DockWidgetArea`` values).
BY_HAND_KEY = "window/dock_areas_sized_by_hand"

#: A dock's first size: (dock, size in px, along which orientation).
FirstSize = tuple[QDockWidget, int, Qt.Orientation]


def _layout_bytes(value: object) -> QByteArray | None:
    """A layout read back from the settings, or None for anything else (a hand-edited
    file may hold a word or a number there)."""
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def _areas(value: object) -> set[Qt.DockWidgetArea]:
    """The dock areas named by ``value`` ("8,1"); what is not one is left out."""
    areas: set[Qt.DockWidgetArea] = set()
    known = {int(area.value): area for area in Qt.DockWidgetArea}
    for word in str(value or "").split(","):
        word = word.strip()
        if word.isdigit() and int(word) in known and int(word) != 0:
            areas.add(known[int(word)])
    return areas


class WindowLayout:
    """Keeps ``window``'s layout in ``settings``: :meth:`restore` once its docks exist,
    :meth:`save` when it closes, :meth:`reset` for View > Reset Layout."""

    def __init__(
        self,
        window: QMainWindow,
        settings: QSettings,
        dock_heights: DockHeights,
        editing_docks: list[QDockWidget],
        first_sizes: list[FirstSize],
        place_first: Callable[[], None],
    ) -> None:
        """``editing_docks``: the docks the window edits with (simulation mode hides
        them); ``first_sizes``: their sizes in the first layout, set once it is shown;
        ``place_first``: puts every dock in its first place and tab, shown."""
        self.window = window
        self.settings = settings
        self.dock_heights = dock_heights
        self.editing_docks = editing_docks
        self.first_sizes = first_sizes
        self.place_first = place_first
        #: The last session's layout was put back (else the first sizes are to be set
        #: once the window is shown: :meth:`apply_first_sizes`).
        self.restored = False

    def restore(self) -> bool:
        """The last session's window geometry and layout, if there is a usable one."""
        geometry = _layout_bytes(self.settings.value(GEOMETRY_KEY))
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        state = _layout_bytes(self.settings.value(STATE_KEY))
        self.restored = state is not None and self._restore_state(state)
        if self.restored:
            self.dock_heights.by_hand = _areas(self.settings.value(BY_HAND_KEY))
        return self.restored

    def _restore_state(self, state: QByteArray) -> bool:
        window = self.window
        if window.restoreState(state, LAYOUT_VERSION):
            return True
        if not window.restoreState(state, _OLDER_VERSION):
            return False  # (Qt leaves the layout as it was)
        if self.editing_docks and all(dock.isHidden() for dock in self.editing_docks):
            # An older version's, written in simulation mode: the canvas alone.
            self.place_first()
            return False
        return True

    def apply_first_sizes(self) -> None:
        """The docks' first sizes (once the window is laid out: the canvas gets the
        room), unless the last session's layout was put back."""
        if not self.restored:
            self._set_first_sizes()

    def _set_first_sizes(self) -> None:
        """The docks at their first sizes. A dock sharing its column with one other (the
        Overview under the Palette) is sized with it: alone, Qt split the difference
        with the other from the heights they had then (the Overview's first 180 px
        were 194 or 228 at 1600 x 1000 as the window's start went, 196-278 after View >
        Reset Layout).

        The window is laid out again only where a size is read: before a dock's height
        is (a vertical size), not before a width is set. A dock tabbed with others is
        given its tab bar's height at once (Qt counts the bar in the size: the Problems
        dock's first rows were one tab bar short, window27), checked when the window is
        next laid out. Three layouts of the whole window instead of five (each ~6 M
        instructions of a big design's opening before its first frame, wave 29)."""
        window = self.window
        layout = window.layout()
        #: Tabbed docks resized with their tab bar counted: (dock, size wanted, given).
        tabbed: list[tuple[QDockWidget, int, int]] = []
        for dock, size, orientation in self.first_sizes:
            docks, sizes = [dock], [size]
            if orientation == Qt.Orientation.Vertical:
                self._lay_out(layout, tabbed)  # the docks at their places: heights now
                column = [
                    other
                    for other in self.editing_docks
                    if other is not dock
                    and window.dockWidgetArea(other) == window.dockWidgetArea(dock)
                    and other.isVisible()
                    and not other.isFloating()
                    and not other.visibleRegion().isEmpty()
                    and other.x() == dock.x()
                ]
                if len(column) == 1:
                    (other,) = column
                    docks.insert(0, other)
                    sizes.insert(0, max(0, other.height() + dock.height() - size))
                else:
                    sizes = [size + self._tab_bar_height(dock)]
                    tabbed.append((dock, size, sizes[0]))
            window.resizeDocks(docks, sizes, orientation)
        if tabbed:
            self._lay_out(layout, tabbed)

    def _tab_bar_height(self, dock: QDockWidget) -> int:
        """The height of the tab bar under ``dock`` if it is tabbed with others (0 if
        not, or no bar holds its tab yet)."""
        window = self.window
        if not window.tabifiedDockWidgets(dock):
            return 0
        title = dock.windowTitle()
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for bar in window.findChildren(QTabBar, options=direct):
            if any(bar.tabText(i) == title for i in range(bar.count())):
                return bar.sizeHint().height()
        return 0

    def _lay_out(self, layout: QLayout | None, tabbed: list[tuple[QDockWidget, int, int]]) -> None:
        """The window laid out; then each tabbed dock of ``tabbed`` (emptied) given what
        it lacks of the size wanted, if its tab bar was not what was counted (the
        window then laid out once more)."""
        if layout is None:
            tabbed.clear()
            return
        layout.activate()
        short = [
            (dock, given + size - dock.height())
            for dock, size, given in tabbed
            if 0 < abs(size - dock.height()) < size // 2
        ]
        tabbed.clear()
        for dock, size in short:
            self.window.resizeDocks([dock], [size], Qt.Orientation.Vertical)
        if short:
            layout.activate()

    def save(self, editing_state: QByteArray | None = None) -> None:
        """Written for the next session: ``editing_state`` is the editing layout when
        simulation mode has put its own in place (it gives that one back on leaving)."""
        self.settings.setValue(GEOMETRY_KEY, self.window.saveGeometry())
        state = (
            editing_state if editing_state is not None else self.window.saveState(LAYOUT_VERSION)
        )
        self.settings.setValue(STATE_KEY, state)
        by_hand = sorted(int(area.value) for area in self.dock_heights.by_hand)
        self.settings.setValue(BY_HAND_KEY, ",".join(map(str, by_hand)))

    def reset(self) -> None:
        """View > Reset Layout: every editing dock back in its first place, tab and size;
        no area's height counts as set by hand any more. The window keeps its size."""
        window = self.window
        size = window.size()
        self.place_first()
        # (Docks piled up while they move made it taller: 760 -> 1045 px at 780 wide.)
        window.resize(size)
        self.dock_heights.by_hand.clear()
        self.restored = False
        # Once the docks are laid out in their places (the sizes apply to them; set in
        # this turn, a dock docked again from floating took the sizes of its place's
        # former neighbour).
        lifetime.soon(window, self._set_first_sizes)
