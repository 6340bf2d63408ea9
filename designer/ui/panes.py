"""Moving between the main window's panes by keyboard (eyes20 #21).

F6 and Shift+F6 move the focus from pane to pane, as in Office and Visio: the canvas,
the palette, the Inspector, the Problems panel, then the other docks on screen (a dock
tabbed away behind another is skipped). Escape in a dock (the palette, the Inspector,
Problems, Databases, Capacity, Availability, History) or the Find box returns the focus
to the canvas, unless the focused widget uses it (an open editor or list, a filter box
with text to clear).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea, QWidget

__all__ = ["PaneKeys"]

#: The docks first in the F6 order; the others follow in the window's order.
FIRST = ("PaletteDock", "InspectorDock", "ProblemsDock")
#: The docks whose Escape returns to the canvas.
ESCAPE_TO_CANVAS = (
    "PaletteDock",
    "InspectorDock",
    "ProblemsDock",
    "DatabasesDock",
    "CapacityDock",
    "AvailabilityDock",
    "HistoryDock",
)


class PaneKeys(QObject):
    """F6 / Shift+F6 over ``canvas`` and ``docks()``; Escape back to the canvas."""

    def __init__(
        self,
        window: QWidget,
        canvas: QWidget,
        docks: Callable[[], list[QDockWidget]],
        escape_from: list[QWidget],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._canvas = canvas
        self._docks = docks
        for key, step in (("F6", 1), ("Shift+F6", -1)):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda step=step: self.move(step))
        for dock in docks():
            if dock.objectName() in ESCAPE_TO_CANVAS:
                dock.installEventFilter(self)
        for widget in escape_from:
            widget.installEventFilter(self)

    def panes(self) -> list[QWidget]:
        """The panes F6 walks, in order: the canvas and the docks on screen."""
        docks = [d for d in self._docks() if d.isVisible() and not d.visibleRegion().isEmpty()]
        rank = {name: i for i, name in enumerate(FIRST)}
        docks.sort(key=lambda d: rank.get(d.objectName(), len(FIRST)))  # stable
        # A dock with nothing to type into (the Overview, an empty Inspector) is no stop.
        return [self._canvas, *(d for d in docks if _focus_target(d) is not None)]

    def current(self) -> int:
        """The index in ``panes()`` of the pane holding the focus (0 if none does)."""
        return self._index(self.panes())

    @staticmethod
    def _index(panes: list[QWidget]) -> int:
        focus = QApplication.focusWidget()
        for i, pane in enumerate(panes):
            if focus is not None and (focus is pane or pane.isAncestorOf(focus)):
                return i
        return 0

    def move(self, step: int) -> QWidget | None:
        """Focus the next (``step`` 1) or previous (-1) pane; returns the widget focused."""
        panes = self.panes()
        target = _focus_target(panes[(self._index(panes) + step) % len(panes)])
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target

    def to_canvas(self) -> None:
        self._canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An Escape the focused field did not use (a combo's open list, the Find box's
        # completer take theirs first) reaches its dock, or the Find box, here.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.to_canvas()
            return True
        return False


def _focus_target(pane: QWidget) -> QWidget | None:
    """The widget that takes the focus for ``pane``: its focus proxy, or its first
    Tab stop (a scroll area's own stop skipped for the fields inside it)."""
    if isinstance(pane, QDockWidget):
        inner = pane.widget()
        if inner is None:
            return None
        pane = inner
    if not isinstance(pane, QScrollArea) and (
        pane.focusProxy() is not None or pane.focusPolicy() & Qt.FocusPolicy.TabFocus
    ):
        return pane
    wanted = Qt.FocusPolicy.TabFocus
    widget = pane.nextInFocusChain()
    for _ in range(10_000):
        if widget is None or widget is pane:
            break
        if (
            pane.isAncestorOf(widget)
            and widget.focusPolicy() & wanted == wanted
            and widget.focusProxy() is None
            and widget.isVisibleTo(pane)
            and widget.isEnabled()
            and not isinstance(widget, QScrollArea)
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None
