"""Simulation mode in the main window: the toggle, clicks on the canvas, the docks.

While it is on, the canvas does not edit: clicks fail and restore elements, and the
session refuses every command (the design and the undo stack stay as they were).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QGraphicsView,
    QInputDialog,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolBar,
)

from designer.domain.elements import WanLink
from designer.graph import storage_processor_id
from designer.ui import lifetime
from designer.ui.alt_keys import plain
from designer.ui.parts import Parts
from designer.ui.simulation.controller import SimulationController
from designer.ui.simulation.overlay import SimulationOverlay
from designer.ui.simulation.results_table import ResultsPanel, results_title
from designer.ui.simulation.scenario_bar import ScenarioBar
from designer.ui.simulation.scenarios import ReportViews, ScenarioActions
from designer.ui.simulation.spof_panel import SpofPanel
from designer.ui.simulation.timeline import TimelinePanel
from designer.ui.simulation.toggle import SIMULATE_SHORTCUT, simulate_action
from designer.ui.window_layout import LAYOUT_VERSION

if TYPE_CHECKING:
    from designer.ui.canvas.scene import DesignScene
    from designer.ui.canvas.view import DesignView
    from designer.ui.session import EditorSession

__all__ = ["SIMULATE_SHORTCUT", "SimulationMode", "element_at", "simulate_action"]

#: The simulation docks' first sizes: the canvas keeps most of the window.
TIMELINE_HEIGHT = 200
RESULTS_WIDTH = 400
#: The Results dock takes this share of a wider window (at most MAX_RESULTS_WIDTH): its
#: Why column reads beside the figures (at 1600 px, 400 left it off to the right).
RESULTS_SHARE = 0.38
MAX_RESULTS_WIDTH = 640
#: A Results dock kept at the width the user set leaves the canvas this share at least
#: (the window may have been made narrower since).
MIN_CANVAS_SHARE = 0.3
#: Entering the mode zooms the canvas out when its docks leave it less than this share
#: of its size along a side (what the user was looking at would go off-screen).
KEEP_IN_VIEW_SHRINK = 0.95
#: Scene units kept round the boxes the user was looking at (a WAN link's lane and a
#: DAG's lines run above its sites; Fit to Window's margin).
KEEP_MARGIN = 40.0
#: Below this zoom the canvas moves to a new failure (its names would not be read).
FOLLOW_BELOW = 0.5
SHIFT = Qt.KeyboardModifier.ShiftModifier


def element_at(scene: object, view: QGraphicsView, pos: object) -> str | None:
    """The element id under a viewport position: a box, or a line that is an element
    (WAN link, mirror). Zoomed out, a box's name drawn over its content (a site's
    "DC03" at Fit to Window) is that box, not the host under the name."""
    scene_pos = view.mapToScene(pos)  # type: ignore[call-overload]
    titled_at = getattr(scene, "titled_at", None)
    if titled_at is not None:
        under = scene.node_at(scene_pos)  # type: ignore[attr-defined]
        titled = titled_at(scene_pos, under, view.transform().m11())
        if titled is not None:
            return str(titled.element_id)
    for item in view.items(pos):  # type: ignore[call-overload]
        element_id = getattr(item, "element_id", None)
        if element_id and getattr(item, "isVisible", lambda: True)():
            return str(element_id)
        parent = item.parentItem() if hasattr(item, "parentItem") else None
        if parent is not None and getattr(parent, "element_id", None):
            return str(parent.element_id)
    del scene_pos
    return None


@contextmanager
def _one_layout(window: QMainWindow) -> Iterator[None]:
    """Docks shown and hidden inside are laid out once, after: each show or hide laid
    the window out at once (the canvas resized four times, ~10 ms of entering the
    mode at 25,000 elements)."""
    layout = window.layout()
    if layout is None or not layout.isEnabled():
        yield
        return
    layout.setEnabled(False)
    try:
        yield
    finally:
        layout.setEnabled(True)
        layout.invalidate()
        layout.activate()  # now, as each show or hide did: the docks have their places


class SimulationMode(QObject):
    """Adds simulation mode to a window that has a session, a design scene and a view."""

    def __init__(
        self,
        window: QMainWindow,
        session: EditorSession,
        scene: DesignScene,
        view: DesignView,
        action: QAction | None = None,
        *,
        in_parts: bool = False,
    ) -> None:
        """``action``: the window's Simulate toggle, when the window made it before this
        mode existed (see MainWindow.simulation); otherwise the mode makes its own.
        ``in_parts``: built by :attr:`building`'s steps (see :mod:`designer.ui.parts`:
        the timeline's plots a part each, the window's toolbar and docks added in the
        last part, as they are hidden); otherwise at once."""
        super().__init__(window)
        self.window = window
        self.session = session
        self.scene = scene
        self.view = view
        self.building = Parts(self._build(action))
        if not in_parts:
            self.building.finish()

    def _build(self, action: QAction | None) -> Iterator[None]:
        """The controller, overlay and scenario bar; the timeline a plot a part; then
        the results, the docks and the wiring (see :meth:`__init__`)."""
        window, session, scene, view = self.window, self.session, self.scene, self.view
        self.controller = SimulationController(session)
        self.controller.follow_canvas(view.viewport())
        self.overlay = SimulationOverlay(scene, self.controller)
        if action is None:
            action = simulate_action(window)
            window.addAction(action)
        self.action = action
        self.action.toggled.connect(self.controller.set_active)
        self.controller.mode_changed.connect(self._on_mode)
        self.controller.error.connect(lambda text: self._status(text))
        self.controller.result_changed.connect(self._follow_failure)
        self._followed: set[str] = set()

        self.bar = ScenarioBar(self.controller)
        self.toolbar = QToolBar("Scenario", window)
        self.toolbar.setObjectName("ScenarioToolBar")
        self.toolbar.addWidget(self.bar)
        self.toolbar.setMovable(False)
        yield

        self.timeline = TimelinePanel(self.controller, in_parts=True)
        lifetime.delete_with(window, self.timeline)  # parentless until docked
        try:
            while not self.timeline.building.step():
                yield
        finally:
            # This build cancelled (a window closed mid-build): the timeline's own parts
            # too, whose frame holds the timeline, parentless until its dock, in a cycle.
            self.timeline.building.cancel()
        yield
        self.timeline.follow_canvas(view.viewport())
        self.results = ResultsPanel(self.controller)
        self.results.follow_canvas(view.viewport())
        self.spof = SpofPanel(self.controller, self.overlay)
        yield  # the panels, then the docks and the wiring
        # Results and single points of failure share one dock as tabs (tabified docks'
        # tab bars linger once hidden): the canvas keeps its room.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("SimulationTabs")
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(self.spof, "Single points of failure")
        self.spof.run_button.toggled.connect(self.timeline.show_n1_overlay)
        # The toolbar and the docks join the window in the part that hides them (the
        # mode starts off): a window on screen never shows them meanwhile.
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.toolbar)
        self.docks: list[QDockWidget] = []
        for title, name, widget, area in (
            ("Timeline", "TimelineDock", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("Results", "ResultsDock", self.tabs, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock = QDockWidget(title, window)
            dock.setObjectName(name)
            dock.setWidget(widget)
            window.addDockWidget(area, dock)
            self.docks.append(dock)
        results_dock = self.docks[1]
        self.results.summary_changed.connect(
            lambda summary: results_dock.setWindowTitle(results_title(summary))
        )
        results_dock.setWindowTitle(results_title(self.results.summary))
        # Side by side, never tabified: tab bars of hidden tabified docks linger. Their
        # sizes are set when the mode is entered (_on_mode): set here, they resized the
        # visible editing docks and so the canvas of a window already on screen.
        self.scenarios = ScenarioActions(
            window,
            self.controller,
            ReportViews(scene, self.overlay, self.timeline.picture),
            self._status,
        )
        self.scenarios.steps_set_aside = lambda: (
            len(self.spof.set_aside[0]) if self.spof.set_aside else 0
        )
        self.bar.save_requested.connect(self.scenarios.save_current)
        self.bar.run_all_requested.connect(self.scenarios.run_all)
        self.bar.play_saved_requested.connect(self.scenarios.play_saved)
        self.bar.report_requested.connect(self.scenarios.export_report)
        self.bar.review_requested.connect(self._review_report)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        self._saved_state: QByteArray | None = None
        self._hidden: list[QDockWidget] = []
        #: The view before the mode zoomed out to keep it whole (its zoom and centre),
        #: and the zoom it set: leaving puts it back unless the user zoomed meanwhile.
        self._view_before: tuple[float, QPointF, float] | None = None
        #: The timeline's height and the Results dock's width the user set, kept for the
        #: next time the mode is entered (None: the first sizes, see _dock_sizes).
        self._user_sizes: tuple[int | None, int | None] = (None, None)
        self._on_mode(False, left=False)

    @property
    def active(self) -> bool:
        return self.controller.active

    def editing_layout(self) -> QByteArray | None:
        """The window's editing layout, which leaving the mode puts back, while the mode
        is on (the window keeps it for the next session rather than the mode's own)."""
        return self._saved_state if self.controller.active else None

    def _review_report(self) -> None:
        """The design-review report, from the scenario bar's Report… menu."""
        interop = getattr(self.window, "interop", None)
        if interop is not None:
            interop.review_dialog()

    def stop_workers(self, *, wait: bool = True) -> None:
        """Cancel the N-1 sweep and wait for its thread, then for the simulator's
        preparation unless not ``wait`` (the process's end; a mode built in part may
        have neither yet)."""
        spof = getattr(self, "spof", None)
        if spof is not None:
            spof.stop()
        controller = getattr(self, "controller", None)
        if controller is not None:
            controller.stop_workers(wait=wait)

    def _status(self, text: str) -> None:
        bar = self.window.statusBar()
        bar.showMessage(text, 8000)

    def _on_mode(self, active: bool, *, left: bool = True) -> None:
        """The mode entered or (``left``) left; with neither, its first state (off)."""
        if self.action.isChecked() != active:
            self.action.setChecked(active)
        view = self.view
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        zoom = view.scale_factor
        with _one_layout(self.window):
            self._swap_docks(active)
        self._keep_in_view(active, seen, zoom)
        if active:
            self.session.set_selection([])
            self._status(
                "Simulation mode: click an element (or select it, Enter) to fail it (F5 to leave)"
            )
        else:
            self.spof.stop()
            self.spof.run_button.setChecked(False)
            self.overlay.set_heat(None)
            if left:
                # The mode's own words ("… (F5 to leave)", the last scenario's) went on
                # being shown for 8 s after it was left (eyes26).
                self._status("Editing again: the simulation changed nothing in the design")
        self.view.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if active else Qt.CursorShape.ArrowCursor
        )

    def _keep_in_view(self, active: bool, seen: QRectF, zoom: float) -> None:
        """What the user was looking at stays in view: the Results and Timeline docks
        shrink the canvas on entering the mode (the recovery site and the DAG went half
        off-screen, eyes18), so a view that showed the whole drawing zooms out until
        it fits again, one transform, about its centre; leaving puts the zoom and
        centre back unless the user changed the zoom in the mode."""
        view = self.view
        now = view.viewport().size()
        if active:
            self._view_before = None
            # The whole drawing in view (Fit to Window, a small design's first view): it
            # stays whole, the empty canvas round it may go. A part of a bigger one
            # keeps its zoom about the same centre (the resize anchor): zooming out
            # would paint more boxes in F5's stall (~28 -> ~87 ms at 25k, measured).
            # The boxes' union is kept by the scene: no walk over them.
            content = self.scene.content_rect()
            if content.isEmpty() or now.isEmpty() or not seen.contains(content):
                return
            drawn = seen.intersected(
                content.adjusted(-KEEP_MARGIN, -KEEP_MARGIN, KEEP_MARGIN, KEEP_MARGIN)
            )
            scale = min(now.width() / drawn.width(), now.height() / drawn.height())
            if scale >= zoom * KEEP_IN_VIEW_SHRINK:
                return  # (it fits, or little is lost: the zoom stays the user's)
            view.set_zoom(scale)
            view.centerOn(drawn.center())
            self._view_before = (zoom, seen.center(), view.scale_factor)
            return
        before, self._view_before = self._view_before, None
        if before is not None and abs(view.scale_factor - before[2]) < 1e-9:
            view.set_zoom(before[0])
            view.centerOn(before[1])

    def _swap_docks(self, active: bool) -> None:
        """The editing docks make way for the simulation's; leaving restores them."""
        window = self.window
        if not active and self._saved_state is not None:
            self._keep_user_sizes()  # (before the docks are hidden)
        if active:
            self._saved_state = window.saveState(LAYOUT_VERSION)
            self._hidden = [
                dock
                # (Docks are the window's children: not a walk over every widget.)
                for dock in window.findChildren(
                    QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
                )
                if dock not in self.docks and dock.isVisible()
            ]
            for dock in self._hidden:
                dock.hide()
        if active:
            # The canvas repaints at its new size first, the timeline's plots after.
            self.timeline.hold_until_painted()
        self.toolbar.setVisible(active)
        for dock in self.docks:
            dock.setVisible(active)
        if active:
            height, width = self._dock_sizes()
            self.window.resizeDocks([self.docks[0]], [height], Qt.Orientation.Vertical)
            self.window.resizeDocks([self.docks[1]], [width], Qt.Orientation.Horizontal)
        elif self._saved_state is not None:
            window.restoreState(self._saved_state, LAYOUT_VERSION)
            for dock in self._hidden:
                dock.show()
            self.toolbar.setVisible(False)
            for dock in self.docks:
                dock.hide()
            self._saved_state = None
            self._hidden = []

    def _first_sizes(self) -> tuple[int, int]:
        """The timeline's height and the Results dock's width the mode first opens with:
        the canvas keeps most of the window, the Results a share of a wide one."""
        share = round(self.window.width() * RESULTS_SHARE)
        return TIMELINE_HEIGHT, min(MAX_RESULTS_WIDTH, max(RESULTS_WIDTH, share))

    def _dock_sizes(self) -> tuple[int, int]:
        """The simulation docks' sizes on entering the mode: those the user set the last
        time (a Results dock made wider or narrower stays so), else the first sizes. A
        width kept from a wider window leaves the canvas at least MIN_CANVAS_SHARE."""
        first = self._first_sizes()
        height, width = (
            kept if kept is not None else size
            for kept, size in zip(self._user_sizes, first, strict=True)
        )
        return height, min(width, round(self.window.width() * (1 - MIN_CANVAS_SHARE)))

    def _keep_user_sizes(self) -> None:
        """Note the simulation docks' sizes on leaving the mode, where the user changed
        them from the first sizes (a separator dragged); else forget them, so that the
        next entry sizes them for the window as it is then."""
        timeline, results = self.docks[0], self.docks[1]
        first_height, first_width = self._first_sizes()

        def kept(dock: QDockWidget, size: int, first: int) -> int | None:
            changed = abs(size - first) > 2
            return size if changed and dock.isVisible() and not dock.isFloating() else None

        self._user_sizes = (
            kept(timeline, timeline.height(), first_height),
            kept(results, results.width(), first_width),
        )

    def _follow_failure(self) -> None:
        """A new failure the user cannot see (a scenario played, a row of the N-1
        table, or a canvas too far out to read): the view moves and zooms to it."""
        if not self.controller.active:
            self._followed = set()
            return
        # An administrator's action (the scenario bar's buttons) is not a failure: the
        # view stays where the user is looking (it zoomed onto the DAG's box).
        failed = {
            f for step in self.controller.steps if step.action != "admin" and (f := step.target)
        }
        new = failed - self._followed
        self._followed = failed
        scene, view = self.scene, self.view
        rects = [r for r in (scene.rect_of(i) for i in new) if r is not None]
        if not rects:
            return
        area = rects[0]
        for rect in rects[1:]:
            area = area.united(rect)
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        scale = view.transform().m11()
        if shown.contains(area) and scale >= FOLLOW_BELOW:
            return
        # Round it: room to see what hangs off it, at a readable zoom.
        margin = max(area.width(), area.height()) / 4 + 120.0
        target = area.adjusted(-margin, -margin / 2, margin, margin / 2)
        view.fitInView(target, Qt.AspectRatioMode.KeepAspectRatio)
        # At most 100 %; through set_zoom, as any zoom, so the level of detail and the
        # status bar's zoom figure follow (they stayed those of the view before).
        view.set_zoom(min(view.transform().m11(), 1.0))
        view.centerOn(area.center())

    # -- input while simulating -----------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Events keep coming while the window is torn down; the view may be gone.
        if not self.controller.active or not shiboken6.isValid(self.view):
            return False
        kind = event.type()
        if watched is self.view.viewport():
            if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
                return self._on_press(event)
            if kind in (
                QEvent.Type.MouseButtonRelease,
                QEvent.Type.MouseButtonDblClick,
                QEvent.Type.DragEnter,
                QEvent.Type.Drop,
            ):
                return True
            if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
                # Hover is fine; dragging (moving items, rubber band) is an edit.
                return event.buttons() != Qt.MouseButton.NoButton and not (
                    event.buttons() & Qt.MouseButton.MiddleButton
                )
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._on_key(event)
        return False

    def _on_press(self, event: QMouseEvent) -> bool:
        if event.button() == Qt.MouseButton.MiddleButton:
            return False  # panning stays available
        element_id = element_at(self.scene, self.view, event.position().toPoint())
        if event.button() == Qt.MouseButton.RightButton:
            self._context_menu(element_id, event.globalPosition().toPoint())
            return True
        if event.button() != Qt.MouseButton.LeftButton:
            return True
        if element_id is None:
            return True
        self._fail_or_restore(element_id, add=bool(event.modifiers() & SHIFT))
        return True

    def _fail_or_restore(self, element_id: str, *, add: bool) -> None:
        """What a click on the element does: it fails (alone, or with ``add`` alongside
        the others) or, failed, is restored; a refusal when it cannot fail by itself."""
        element = self.session.document.get(element_id)
        if element is None or not type(element).infrastructure:
            label = element.describe() if element is not None else element_id
            self._status(f"{label} cannot fail by itself; fail what it runs on")
            return
        self.controller.click(element_id, add=add)

    def _context_menu(self, element_id: str | None, at: QPoint) -> None:
        """The simulation's menu for ``element_id`` at the global position ``at``."""
        element = self.session.document.get(element_id) if element_id else None
        if element is None:
            return
        menu = QMenu(self.view)
        failed = self.controller.failed_now()
        if type(element).infrastructure:
            verb = "&Restore" if element.id in failed else "&Fail"
            text = f"{verb} {plain(element.name)}"
            menu.addAction(text, lambda: self.controller.click(element.id, add=True))
        if element.kind == "storage_array":
            for slot in ("A", "B"):
                sp = storage_processor_id(element.id, slot)
                verb = "Restore" if sp in failed else "Fail"
                menu.addAction(
                    f"{verb} storage processor &{slot}",
                    partial(self.controller.click, sp, add=True),
                )
        if element.kind == "vm" and element.id not in failed:
            menu.addAction(
                "&Guest OS failure (HA VM monitoring resets it)",
                lambda: self.controller.fail_guest_os(element.id),
            )
        if isinstance(element, WanLink):
            self._degrade_menu(menu, element)
        if element.kind == "mailbox_database":
            menu.addAction(
                "&Inject logical corruption",
                lambda: self.controller.inject_corruption(element.id),
            )
        if not menu.isEmpty():
            menu.exec(at)
        menu.deleteLater()  # its entry has run: not one menu more per right-click

    def _keyboard_menu(self) -> None:
        """The Menu key or Shift+F10: the simulation's menu for the selected element, at
        its box (or line) when it is in view, else at the middle of the canvas."""
        selection = self.session.selection
        if not selection:
            self._status("Select an element first (Ctrl+F finds one by name)")
            return
        viewport = self.view.viewport()
        at = viewport.rect().center()
        rect = self.scene.rect_of(selection[0])
        if rect is not None:
            shown = self.view.mapFromScene(rect.center())
            if viewport.rect().contains(shown):
                at = shown
        self._context_menu(selection[0], viewport.mapToGlobal(at))

    def _degrade_menu(self, menu: QMenu, link: WanLink) -> None:
        """What-if steps on a WAN link (capacity, issue 11): less bandwidth, a longer
        round trip, one direction down; restore its design. Each entry has a key of
        its own: B the first bandwidth, then the share's first digit (2, 1, 5), W the
        typed one; R and T the round trips, P the typed one; F and D the directions."""
        sub = menu.addMenu("&Degrade")
        sub.setObjectName("DegradeMenu")
        degrade = self.controller.degrade_link
        for share, key in ((0.5, "&Bandwidth to 50"), (0.25, "Bandwidth to &25"),
                           (0.1, "Bandwidth to &10"), (0.05, "Bandwidth to &5")):  # fmt: skip
            mbps = link.bandwidth_mbps * share
            sub.addAction(
                f"{key} % ({mbps:,g} Mbit/s)", partial(degrade, link.id, bandwidth_mbps=mbps)
            )
        # The figure a WAN provider quotes, typed (eyes19: fixed steps only).
        sub.addAction("Band&width…", partial(self._ask_bandwidth, link))
        sub.addSeparator()
        for extra, key in ((10.0, "&Round trip"), (50.0, "Round &trip")):
            sub.addAction(
                f"{key} +{extra:,g} ms ({link.rtt_ms + extra:,g} ms)",
                partial(degrade, link.id, latency_ms=link.rtt_ms + extra),
            )
        sub.addAction("Round tri&p…", partial(self._ask_round_trip, link))
        sub.addSeparator()
        document = self.session.document
        a = plain(getattr(document.get(link.site_a), "name", link.site_a))
        b = plain(getattr(document.get(link.site_b), "name", link.site_b))
        sub.addAction(
            f"&Fail direction {a} → {b}", partial(degrade, link.id, failed_direction="a_to_b")
        )
        sub.addAction(
            f"Fail &direction {b} → {a}", partial(degrade, link.id, failed_direction="b_to_a")
        )
        if link.id in self.controller.degraded_now():
            menu.addAction(
                f"R&estore {plain(link.name)}'s design",
                partial(self.controller.restore_link, link.id),
            )

    def _ask_bandwidth(self, link: WanLink) -> None:
        mbps, ok = QInputDialog.getDouble(
            self.view,
            "Degrade bandwidth",
            f"{link.name}'s bandwidth in this scenario, Mbit/s (its design: "
            f"{link.bandwidth_mbps:,g}):",
            link.bandwidth_mbps / 2,
            0.001,
            1e9,
            3,
        )
        if ok:
            self.controller.degrade_link(link.id, bandwidth_mbps=mbps)

    def _ask_round_trip(self, link: WanLink) -> None:
        ms, ok = QInputDialog.getDouble(
            self.view,
            "Degrade round trip",
            f"{link.name}'s round trip in this scenario, ms (its design: {link.rtt_ms:,g}):",
            link.rtt_ms + 10.0,
            0.0,
            1e6,
            1,
        )
        if ok:
            self.controller.degrade_link(link.id, latency_ms=ms)

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        shift = bool(event.modifiers() & SHIFT)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # The keyboard's click (eyes20 #5): the selection (Find's, a table row's)
            # fails or is restored; Shift+Enter adds it to the scenario.
            for number, element_id in enumerate(self.session.selection):
                self._fail_or_restore(element_id, add=shift or number > 0)
            return True
        if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift):
            self._keyboard_menu()
            return True
        if key == Qt.Key.Key_Space:
            self.controller.toggle_play()
            return True
        if key == Qt.Key.Key_Right:
            self.controller.step_forward()
            return True
        if key == Qt.Key.Key_Left:
            self.controller.step_back()
            return True
        if key == Qt.Key.Key_Escape:
            self.controller.set_active(False)
            return True
        # Every other key that would edit (Delete, arrows with items, paste…) is off.
        return (
            key
            in (
                Qt.Key.Key_Delete,
                Qt.Key.Key_Backspace,
                Qt.Key.Key_Up,
                Qt.Key.Key_Down,
            )
            or bool(event.matches(QKeySequence.StandardKey.Paste))
            or bool(event.matches(QKeySequence.StandardKey.Cut))
        )
