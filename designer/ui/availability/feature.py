"""The Availability feature: the dock, the cut-set highlight and the selection kept
together (see :mod:`designer.ui.availability`)."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow
from shiboken6 import isValid

from designer.availability import TargetCutSets
from designer.ui import lifetime
from designer.ui.availability import (
    PANEL_MINIMUM_HEIGHT,
)
from designer.ui.availability.highlight import CutSetHighlight
from designer.ui.availability.model import AvailabilityModel, Request
from designer.ui.availability.panel import AvailabilityPanel
from designer.ui.canvas.scene import DesignScene
from designer.ui.parts import Parts
from designer.ui.session import EditorSession

__all__ = ["AUTO_CUT_SETS_UP_TO", "AvailabilityFeature"]

#: Designs up to this many elements get their cut sets on the first selection.
AUTO_CUT_SETS_UP_TO = 3000
#: The dock's height when :meth:`AvailabilityFeature.show` raises it.
SHOWN_HEIGHT = 330


class AvailabilityFeature(QObject):
    """Builds the dock and keeps the panel, the highlight and the selection together."""

    def __init__(
        self,
        window: QMainWindow,
        session: EditorSession,
        scene: DesignScene,
        dock: QDockWidget,
        view_action: QAction,
        compute_action: QAction,
        *,
        in_parts: bool = False,
    ) -> None:
        """``dock``, ``view_action`` (View > Availability) and ``compute_action`` (F9)
        are the window's own (:func:`~designer.ui.availability.availability_dock` and
        the action makers), made with the window: the feature is built after its first
        frame, and the dock must exist before the window restores its saved state so
        that it comes back where the user left it. The window routes the actions to
        :meth:`view_triggered` and :meth:`compute`.

        ``in_parts``: built by :attr:`building`'s steps, the panel's chart a part of its
        own (see :mod:`designer.ui.parts`); otherwise at once."""
        super().__init__(window)
        self.window = window
        self.session = session
        self.dock = dock
        self.view_action = view_action
        self.compute_action = compute_action
        #: The target whose outlines the status bar last explained (see _say_outlined).
        self._said_for: str | None = None
        self.building = Parts(self._build(scene))
        if not in_parts:
            self.building.finish()

    def _build(self, scene: DesignScene) -> Iterator[None]:
        """The model, the panel (a part at a time), then the highlight and the wiring."""
        self.model = AvailabilityModel(self.session, self)
        self.panel = AvailabilityPanel(self.model, in_parts=True)
        lifetime.delete_with(self.window, self.panel)  # parentless until docked
        try:
            while not self.panel.building.step():
                yield
        finally:
            # This build cancelled (a window closed mid-build): the panel's own parts
            # too, whose frame holds the panel, parentless until its dock, in a cycle.
            self.panel.building.cancel()
        yield
        self.highlight = CutSetHighlight(scene)
        self.panel.setMinimumHeight(PANEL_MINIMUM_HEIGHT)
        self.dock.setWidget(self.panel)
        self.session.selection_changed.connect(self._on_selection)
        self.model.changed.connect(self._show_highlight)
        self.panel.target_selected.connect(self._on_target)
        self.dock.visibilityChanged.connect(lambda _visible: self._show_highlight())

    def stop_workers(self) -> None:
        """Cancel a run and wait for its thread: the window closing (its thread must end
        before the window and the thread object go; only once the close is accepted, not
        when it is asked: a quit the user cancels at "Save the changes?" keeps the run),
        the process's end (a feature built in part may have no model yet)."""
        model = getattr(self, "model", None)
        if model is not None:
            model.cancel()

    def view_triggered(self) -> None:
        """View > Availability: show and raise the dock, or hide it when in front."""
        dock = self.dock
        in_front = dock.isVisible() and not dock.visibleRegion().isEmpty()
        if in_front:
            dock.hide()
        else:
            self.show()
        self.view_action.setChecked(not dock.isHidden())

    def compute(self) -> None:
        """F9: show the panel and compute (nothing when a run is going on)."""
        if self.model.running:
            return
        self.show()
        self.panel.compute()

    def show(self) -> None:
        """Show and raise the Availability dock, tall enough for its chart: its area
        grown to that, not shrunk (the Databases tab beside it held 432 px at 1280 x
        800, and went from 330 back to 432 at each switch: eyes21 #6), nor grown past
        a height the user dragged it to."""
        self.dock.show()
        self.dock.raise_()
        heights = getattr(self.window, "dock_heights", None)
        if heights is not None:
            heights.grow(self.dock, SHOWN_HEIGHT)
        else:
            self.window.resizeDocks([self.dock], [SHOWN_HEIGHT], Qt.Orientation.Vertical)

    def _target_of_selection(self) -> tuple[str, str] | None:
        selection = self.session.selection
        if len(selection) != 1:
            return None
        element = self.session.document.get(selection[0])
        if element is None:
            return None
        if element.kind == "mailbox_database":
            return ("database", element.id)
        if element.kind == "site":
            return ("site", element.id)
        return None

    def _on_selection(self) -> None:
        target = self._target_of_selection()
        if target is None:
            self.highlight.show_target(None)
            return
        self.panel.select_target(*target)
        small = len(self.session.design.elements) <= AUTO_CUT_SETS_UP_TO
        if small and not self.model.current and not self.model.running:
            self.model.start(Request(order=self.panel.order.value(), cut_sets_only=True))
        self._show_highlight()

    def _on_target(self, target: tuple[str, str]) -> None:
        _kind, target_id = target
        if self.session.selection != [target_id]:
            self.session.set_selection([target_id])
        self._show_highlight()

    def _show_highlight(self) -> None:
        if not isValid(self.highlight):  # the scene went with the window
            return
        shown = self.panel.selected_target() if self.model.current else None
        self.highlight.show_target(shown)
        self._say_outlined(shown)

    def _say_outlined(self, shown: TargetCutSets | None) -> None:
        """Say what the outlines are when the Availability dock is not in sight (eyes19:
        a whole site outlined in red with no word read as an error), once a target."""
        key = shown.id if shown is not None and shown.cut_sets else None
        said, self._said_for = self._said_for, key
        in_sight = self.dock.isVisible() and not self.dock.visibleRegion().isEmpty()
        if shown is None or key is None or key == said or in_sight:
            return
        levels = sorted({min(cut.order, 3) for cut in shown.cut_sets})  # as order_color
        words = {1: "red: alone", 2: "orange: two together", 3: "blue: three or more"}
        colours = ", ".join(words[level] for level in levels)
        self.session.status_message.emit(
            f"Outlined: what takes {shown.name} down ({colours}); View > Availability lists them"
        )
