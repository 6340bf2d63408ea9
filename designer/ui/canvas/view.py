"""The canvas view: input (mouse, keys, drops), zoom and pan.

Gestures are interaction objects (``interactions``); edit operations (delete,
clipboard, nudge, align, auto-layout, a palette drop) are the :class:`CanvasEditor`'s
(``view.editor``), which the main window's actions call.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QCursor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmapCache,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsView, QToolTip, QWidget

from designer.document.layout import default_size
from designer.domain.kinds import KINDS, connectable_kinds
from designer.domain.words import with_article
from designer.ui.canvas.editor import CanvasEditor
from designer.ui.canvas.interactions import (
    ConnectInteraction,
    Interaction,
    MoveInteraction,
    PanInteraction,
    ResizeInteraction,
    RubberBandInteraction,
    WaypointInteraction,
)
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.menus import canvas_menu
from designer.ui.canvas.presentation import HEADER
from designer.ui.canvas.rename import NameField
from designer.ui.canvas.scene import DesignScene
from designer.ui.canvas.theme import Theme
from designer.ui.mime import kind_from_mime
from designer.ui.session import EditorSession

__all__ = ["DETAIL_SCALE", "HOST_SCALE", "DesignView"]

#: Below this zoom, VMs, LUNs, disks and databases are summarised by their box.
DETAIL_SCALE = 0.3
#: Below this zoom ESXi hosts are summarised by their cluster too, as VMs are by their
#: host below DETAIL_SCALE: a host is then under ~9 px wide, a dot whose name and VMs
#: were long not drawn. Fit to Window at 100k (1.3 %) met ~1,600 hosts of ~2,400
#: boxes in view: each repaint of a big edit's steps had Qt find, sort and copy each
#: one's picture (wave 30).
HOST_SCALE = 0.05
#: At most this many VMs, LUNs and databases in view are drawn one by one (a frame's
#: worth of painting); beyond it their boxes summarise them.
DETAIL_BUDGET = 400
MIN_SCALE, MAX_SCALE = 0.01, 8.0
#: Between a site added by the palette's Enter and the top-level box it is put beside:
#: room for the WAN link drawn between them to be seen, read and clicked (40 px drew
#: it as a stub under its label, hard to hit in simulation mode; eyes26).
SITE_GAP = 160.0
#: Room for the boxes' kept pictures (see NodeItem.paint), in KB.
PICTURES_KB = 96 * 1024
_PICTURE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_BY_BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect
#: Fit to Window and the first view take in the lines (and their labels) of a design
#: with at most this many: routed round the boxes, they run above and beside them.
FIT_LINES = 2000
#: The least zoom at which the first view shows a design whole: its VMs, LUNs and
#: databases still drawn one by one, their names no smaller than 8 px on screen (the
#: labels grow when zoomed out; see labels.MIN_TEXT_PX). The three-site sample fits at
#: 34 % in the default window: at 60 % its third site was off to the right.
WHOLE_SCALE = DETAIL_SCALE
#: The zoom of a first view that would be below WHOLE_SCALE: the design's top-left
#: corner at this zoom instead (the Overview shows the rest).
LEGIBLE_SCALE = 0.6
#: Room left round the drawing in the first view and Fit to Window (scene units).
FIT_MARGIN = 40.0
#: What the status bar says while the Connect tool is on.
CONNECT_HINT = "Connect: drag from one box to another (C or Esc to stop)"


def _no_connections(node: NodeItem) -> str:
    """What a press with the Connect tool on a box no line starts from says."""
    info = KINDS.get(node.kind)
    what = f" ({with_article(info.label)})" if info is not None else ""
    return f"{node.name}{what} has no connections to draw: press C or Esc to move it"


def box_tip(node: NodeItem) -> str:
    """A box's tip when it has no findings: its name, kind and second line."""
    info = KINDS.get(node.kind)
    what = f" ({info.label})" if info is not None else ""
    subtitle = node.subtitle
    said = {node.name.lower(), info.label.lower() if info is not None else ""}
    return f"{node.name}{what}" + (
        f"\n{subtitle}" if subtitle and subtitle.lower() not in said else ""
    )


class DesignView(QGraphicsView):
    """Shows a :class:`DesignScene` and turns input into commands on the session."""

    #: The zoom factor changed (1.0 is 100 %).
    zoom_changed = Signal(float)
    #: The Connect tool was switched on or off.
    connect_mode_changed = Signal(bool)

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        self.session = session
        self.design_scene = DesignScene(session)
        self.editor = CanvasEditor(session, self.design_scene)
        self.editor.on_pasted = self._show_pasted
        super().__init__(self.design_scene, parent)
        self.design_scene.setParent(self)
        self.setObjectName("DesignView")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        # The boxes' kept pictures live in Qt's pixmap cache (10 MB by default): a box
        # as large as the view is ~8 MB on a full-HD screen; pictures pushed out are
        # painted again at the next frame.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PICTURES_KB))
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._interaction: Interaction | None = None
        self._space = False
        #: The Connect tool (C): a drag from any box draws a connection.
        self.connect_mode = False
        #: The status bar's last message (the Connect tool's hint is cleared when the
        #: tool goes off only while it is still what the bar says).
        self._last_message = ""
        session.status_message.connect(self._heard_message)
        self._name_field: NameField | None = None
        # Scrolling re-decides the level of detail, at most every 60 ms.
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(60)
        self._detail_timer.timeout.connect(self._apply_detail)
        session.focus_requested.connect(self.reveal)
        #: The drawing the first view of a design shows, kept in place while the window
        #: settles (docks laid out, tabs raised: each resize kept the view's centre and
        #: moved the drawing's top out of sight); None once anything else scrolls it.
        self._first_view: QRectF | None = None
        self._placing = False
        #: The mouse wheel zooms (True) or scrolls, Ctrl+wheel zooming (False: Visio's,
        #: draw.io's and Qt's own convention, and a touchpad's two-finger swipe pans).
        #: View > Mouse Wheel Zooms; the window keeps the choice in its settings.
        self.wheel_zooms = False

    # -- helpers ---------------------------------------------------------------------
    @property
    def snap_to_grid(self) -> bool:
        return self.editor.snap_to_grid

    @snap_to_grid.setter
    def snap_to_grid(self, on: bool) -> None:
        self.editor.snap_to_grid = on

    @property
    def scale_factor(self) -> float:
        return self.transform().m11()

    def ids_in(self, rect: QRectF) -> list[str]:
        """Visible elements wholly inside ``rect`` (scene coordinates), in design order."""
        found: set[str] = set()
        for item in self.design_scene.items(rect, Qt.ItemSelectionMode.ContainsItemShape):
            if not item.isVisible():
                continue
            element_id = item.element_id if isinstance(item, NodeItem | EdgeItem) else None
            if element_id is not None:
                found.add(element_id)
        # A box showing its marks (selected, hovered) has bounds past it, which Qt asks
        # to be inside too: the box itself is what counts.
        for node in self.design_scene.marks_reach.reaching():
            if node.isVisible() and rect.contains(node.scene_rect()):
                found.add(node.element_id)
        doc = self.session.document
        return sorted(found, key=doc.position_of)

    # -- zoom --------------------------------------------------------------------------
    def set_zoom(self, scale: float, anchor: QPointF | None = None) -> None:
        scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        factor = scale / self.scale_factor
        if not self._placing:
            self._first_view = None  # zoomed: the first view is over
        self.scale(factor, factor)
        self._cover()
        self._update_detail()

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.scale_factor * factor)

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    def zoom_actual(self) -> None:
        self.set_zoom(1.0)

    def reset_zoom(self) -> None:
        """100 % with the view's transform reset (a new blank design): the level of
        detail and the status bar's zoom follow, as after any zoom (File > New from the
        sample at 34 % left "34 %" in the status bar over the new design's 100 %: eyes25)."""
        self.resetTransform()
        self._update_detail()

    def drawing_rect(self) -> QRectF:
        """What Fit to Window and the first view show: the top-level boxes, and the lines
        with their labels where there are few enough to measure (a WAN link's lane and a
        DAG's membership lines run above its sites: the first view of File > New's
        two-site DAG cut them off)."""
        scene = self.design_scene
        bounds = QRectF()
        box_parent = scene.boxes_parent
        for node in scene.nodes.values():
            # The dictionary first: most boxes sit in another (no Qt call for them).
            if box_parent.get(node.element_id) is None and node.parentItem() is None:
                bounds = bounds.united(node.scene_rect())
        if bounds.isEmpty():
            return scene.itemsBoundingRect()
        if len(scene.lines_built) + len(scene.lines_waiting) <= FIT_LINES:
            # (A big design's lines not made yet: those whose bounds may reach past the
            # rest, made now: their bounds as drawn, whatever their count.)
            edges = list(scene.edges.values())
            bounds = self._with_lines(bounds, edges)
            beyond = scene.waiting_lines_beyond(bounds)
            bounds = self._with_lines(bounds, scene.make_lines(beyond))
        return bounds

    @staticmethod
    def _with_lines(bounds: QRectF, edges: Iterable[EdgeItem]) -> QRectF:
        for edge in edges:
            if edge.isVisible():
                bounds = bounds.united(edge.sceneBoundingRect())
                bounds = bounds.united(edge.mapRectToScene(edge.childrenBoundingRect()))
        return bounds

    def zoom_fit(self) -> None:
        self._fit(self.drawing_rect())

    def _fit(self, bounds: QRectF) -> None:
        if bounds.isEmpty():
            self.reset_zoom()
            return
        self.fitInView(
            bounds.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN),
            Qt.AspectRatioMode.KeepAspectRatio,
        )
        if self.scale_factor > 1.5:
            self.set_zoom(1.5)
        self._update_detail()

    def zoom_to_open(self) -> None:
        """The first view of a design: all of it if its names stay legible and its VMs
        shown (WHOLE_SCALE), else a legible zoom on its top-left corner (the Overview
        shows the rest). Kept in place while the window settles round it (see
        _place_first_view)."""
        # What is detailed is decided once, at the zoom it ends at (each decision
        # restyles every box of a big design).
        scene = self.design_scene
        # A big design just opened has its top-level boxes built (all the fit needs),
        # then those of this view (DesignScene.build_view), the rest after its first
        # frame.
        with scene.partial_reads():
            self._detail_held = True
            self._placing = True
            try:
                drawing = self.drawing_rect()
                self._fit(drawing)
                if self.scale_factor < WHOLE_SCALE and scene.nodes:
                    self.set_zoom(LEGIBLE_SCALE)
                self._first_view = None if drawing.isEmpty() else drawing
                self._place_first_view()
            finally:
                self._detail_held = False
                self._placing = False
            scene.build_view(self._visible_rect())
            self._update_detail()

    def _place_first_view(self) -> None:
        """Show the first view's drawing: centred along each side it fits in, else from
        its top (or left) edge with a margin."""
        drawing = self._first_view
        if drawing is None:
            return
        visible = self._visible_rect()
        margin = FIT_MARGIN * 0.75
        x = (
            drawing.center().x()
            if drawing.width() + 2 * margin <= visible.width()
            else drawing.left() - margin + visible.width() / 2
        )
        y = (
            drawing.center().y()
            if drawing.height() + 2 * margin <= visible.height()
            else drawing.top() - margin + visible.height() / 2
        )
        placing, self._placing = self._placing, True
        try:
            self.centerOn(x, y)
        finally:
            self._placing = placing

    def _visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def _cover(self) -> None:
        """What the view shows is built (a big design just opened builds the boxes
        of its first view first, the rest after its first frame): before a paint (a
        scroll or a resize shows more at the next one; the window's layout resizes
        the canvas a few times before its first frame), a zoom, the level of detail."""
        scene = self.design_scene
        if scene.building:
            scene.cover(self._visible_rect())

    def _update_detail(self) -> None:
        if getattr(self, "_detail_held", False):
            return
        self._apply_detail()
        self.zoom_changed.emit(self.scale_factor)

    def _apply_detail(self) -> None:
        """Show VMs, LUNs and databases when they are legible and few enough to paint
        within a frame; otherwise their boxes summarise them (and farther out, below
        HOST_SCALE, the clusters their hosts)."""
        scene = self.design_scene
        visible = self.scale_factor >= DETAIL_SCALE
        self._cover()
        with scene.partial_reads():  # what it reads is in view: built
            if visible and self.scale_factor < 1.0:
                rect = self.mapToScene(self.viewport().rect()).boundingRect()
                count = 0
                for item in scene.items(rect):
                    if isinstance(item, NodeItem) and item.container:
                        # The rows in view, not all of a box's: a DAG's edge in view
                        # counted its 400 databases, and the box found by Ctrl+F beside
                        # it was summarised at 60 %, its found row not drawn (eyes29).
                        rows = scene.child_rects(item.element_id)
                        seen = rect.translated(-item.pos())
                        count += sum(1 for row in rows if row.intersects(seen))
                        if count > DETAIL_BUDGET:
                            visible = False
                            break
            scene.set_detail_visible(visible, hosts=self.scale_factor >= HOST_SCALE)

    def paintEvent(self, event: QPaintEvent) -> None:
        scene = self.design_scene
        self._cover()
        # The boxes showing marks past their edges: their bounds at this zoom.
        scene.marks_reach.before_paint(self.transform().m11(), self._visible_rect())
        scene.painting_view = self  # boxes painting their pictures ask where they show
        try:
            super().paintEvent(event)
        finally:
            scene.painting_view = None

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """Boxes about to be painted in the canvas for the first time keep their picture
        from now on (see :meth:`NodeItem.paint`): a repaint of the view (a new size, the
        simulation's overlay, findings' markers) then copies the boxes it did not
        change instead of painting each again. Not set when a box is made: most boxes
        of a big design are never seen, and setting it costs a few microseconds each."""
        shown: list[NodeItem] = []
        scene = self.design_scene
        # The boxes in boxes, outer first, whose map titles the scene draws over them.
        nested = scene.nested_in_pass = []
        boxes_parent = scene.boxes_parent
        pictured = scene.pictured
        # (Qt's items() of a rect are the visible ones; whether a box keeps its picture
        # is read from the box, not asked of Qt: ~2,300 boxes at Fit to Window at 100k.)
        for item in scene.items(QRectF(rect), _BY_BOUNDS, Qt.SortOrder.AscendingOrder):
            if isinstance(item, NodeItem):
                if item.container and boxes_parent.get(item.element_id) is not None:
                    nested.append(item)
                if not item.keeps_picture:
                    if not (item.selected or item.hovered):  # see NodeItem._decorated
                        item.setCacheMode(_PICTURE)
                        pictured.add(item.element_id)
                elif item.kept_labels is not None:
                    shown.append(item)
        super().drawBackground(painter, rect)  # a new pass of labels
        # The labels of the boxes this pass may show from their pictures (a box painted
        # after all claims its own anew).
        labels = self.design_scene.labels
        to_view = self.viewportTransform()
        sx, sy = to_view.m11(), to_view.m22()
        for item in shown:
            assert item.kept_labels is not None
            kept_sx, kept_sy, rects = item.kept_labels
            if rects and kept_sx == sx and kept_sy == sy:
                at = to_view.map(item.pos())
                dx, dy = at.x(), at.y()
                labels.keep(item.element_id, item.zValue(), [r.translated(dx, dy) for r in rects])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Light/dark switch of the desktop: colours come from the new palette.
            self.design_scene.set_theme(Theme(self.palette()))

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if not self._placing:
            self._first_view = None  # scrolled (or zoomed) by the user or for a reveal
        self._detail_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        placing, self._placing = self._placing, True
        try:
            super().resizeEvent(event)  # (the resize anchor scrolls: not the user)
        finally:
            self._placing = placing
        self._place_first_view()
        self._detail_timer.start()

    def viewportEvent(self, event: QEvent) -> bool:
        """A box with no tip of its own (its findings') says what it is when hovered, if
        its name is cut or not drawn: zoomed out, a box too small to name itself (the
        Backup under a DAG at Fit to Window, a grey pill; eyes27 #5) is told apart this
        way; a box showing its whole name shows no tip (it came up on every box at any
        zoom: window28)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            # The topmost item under the pointer with a tip of its own (a line over a
            # site's body, a box's findings) keeps it: Qt's own tooltip then.
            for item in self.items(event.pos()):
                if not item.isVisible():
                    continue
                if item.toolTip():
                    break
                if isinstance(item, NodeItem):
                    if self.design_scene.labels.shows_whole(item.element_id, item.name):
                        QToolTip.hideText()
                    else:
                        QToolTip.showText(event.globalPos(), box_tip(item), self.viewport())
                    return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._first_view = None
        modifiers = event.modifiers()
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            # Shift+wheel scrolls sideways (Visio, browsers); Qt's own scroll bar would
            # take Shift as "a page at a time" up and down. (Some platforms already
            # turn it sideways: kept as it is.)
            angle, pixels = event.angleDelta(), event.pixelDelta()
            if angle.y():
                angle, pixels = QPoint(angle.y(), angle.x()), QPoint(pixels.y(), pixels.x())
            sideways = QWheelEvent(
                event.position(),
                event.globalPosition(),
                pixels,
                angle,
                event.buttons(),
                modifiers & ~Qt.KeyboardModifier.ShiftModifier,
                event.phase(),
                event.inverted(),
            )
            QApplication.sendEvent(self.horizontalScrollBar(), sideways)
            event.accept()
            return
        if not (self.wheel_zooms or modifiers & Qt.KeyboardModifier.ControlModifier):
            super().wheelEvent(event)  # scrolls
            return
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.zoom_by(1.0015**delta)
        event.accept()

    def reveal(self, element_id: str) -> None:
        """Select and centre an element (Problems panel, Find, …)."""
        rect = self.design_scene.rect_of(element_id)
        item = self.design_scene.item_for(element_id)
        if rect is None and isinstance(item, EdgeItem):
            rect = item.sceneBoundingRect()
        if rect is None:
            return
        if self.scale_factor < 0.6:
            self.set_zoom(1.0)
        centre = rect.center()
        if not isinstance(item, EdgeItem):
            # A box larger than the view (a site, a DAG of 400 databases at 100 %) shows
            # its top-left corner, where its name is: its middle showed only its
            # children, the element found named nowhere in sight (eyes28).
            seen = self.mapToScene(self.viewport().rect()).boundingRect()
            margin = 24 / max(self.scale_factor, 1e-6)
            if rect.width() + 2 * margin > seen.width():
                centre.setX(rect.left() - margin + seen.width() / 2)
            if rect.height() + 2 * margin > seen.height():
                centre.setY(rect.top() - margin + seen.height() / 2)
        self.centerOn(centre)

    # -- mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._first_view = None  # the user is at work on the view: it stays as it is
        if self._interaction is not None:
            return
        view_pos = event.position()
        scene_pos = self.mapToScene(view_pos.toPoint())
        button = event.button()
        modifiers = event.modifiers()
        self.setFocus()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self._begin(PanInteraction(self), scene_pos, view_pos)
            return
        if button != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        under = self.design_scene.node_at(scene_pos)
        # Zoomed out, a box's name drawn over its content picks that box, as its title
        # bar does, not the box under the name.
        titled = self.design_scene.titled_at(scene_pos, under, self.scale_factor)
        if titled is not None:
            under = titled
        disks = under.disk_at(under.mapFromScene(scene_pos)) if under is not None else ()
        if disks:
            # A disk chip (or placement tag) on its VM: the disk itself is picked.
            if modifiers & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            ):
                self.session.set_selection([*self.session.selection, *disks])
            else:
                self.session.set_selection(list(disks))
            return
        # A selected box's corners resize it; a shown port starts a connection (they
        # may lie over another box, so they come first).
        for decorated in self._decorated_nodes(scene_pos):
            local = decorated.mapFromScene(scene_pos)
            corner = decorated.handle_at(local, self.scale_factor)
            if corner is not None:
                self._begin(ResizeInteraction(self, decorated, corner), scene_pos, view_pos)
                return
            if decorated.port_at(local, self.scale_factor) is not None:
                self._begin(ConnectInteraction(self, decorated), scene_pos, view_pos)
                return
        line = self._selected_line_at(scene_pos)
        if line is not None and not modifiers:
            # A selected line is reshaped by dragging it (its route through that point).
            self._begin(WaypointInteraction(self, line, self.scale_factor), scene_pos, view_pos)
            return
        node = under
        if node is not None:
            local = node.mapFromScene(scene_pos)
            alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
            if node.kind in connectable_kinds() and (alt or self.connect_mode):
                self._begin(ConnectInteraction(self, node), scene_pos, view_pos)
                return
            additive = modifiers & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            )
            selected = node.element_id in self.session.selection
            if node.container and node is not titled:
                # A line over a container's body is picked before the container.
                line = self._line_at(scene_pos)
                if line is not None:
                    self._click_select(line, modifiers)
                    return
            if node is not titled and not node.takes_press(local) and not selected:
                if not additive:
                    self.session.set_selection([])
                self._begin(RubberBandInteraction(self, modifiers), scene_pos, view_pos)
                return
            self._click_select(node.element_id, modifiers)
            if self.connect_mode:
                # The Connect tool draws lines and moves nothing: a host dragged with it
                # on went into the site under the pointer (uiq23).
                self.session.status_message.emit(_no_connections(node))
                return
            if node.element_id in self.session.selection:
                roots = self.design_scene.roots(self.editor.selected_boxes())
                # A press on one of several selected boxes drags them all; released
                # without a drag, it was a click on that box: it alone stays selected.
                several = not additive and len(self.session.selection) > 1
                narrow_to = node.element_id if several else None
                self._begin(MoveInteraction(self, roots, narrow_to), scene_pos, view_pos)
            return
        edge = self._line_at(scene_pos)
        if edge is not None:
            self._click_select(edge, modifiers)
            return
        if not modifiers & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            self.session.set_selection([])
        self._begin(RubberBandInteraction(self, modifiers), scene_pos, view_pos)

    def _decorated_nodes(self, scene_pos: QPointF) -> list[NodeItem]:
        """Boxes showing handles or ports near ``scene_pos``: the selected ones, and
        the hovered one under the pointer."""
        scene = self.design_scene
        found = [scene.nodes[i] for i in self.session.selection if i in scene.nodes]
        for item in scene.items(scene_pos):
            if isinstance(item, NodeItem) and item.hovered and item not in found:
                found.append(item)
        return [n for n in found if n.isVisible()]

    def _selected_line_at(self, scene_pos: QPointF) -> str | None:
        """A selected line element (a WAN link, a mirror) under ``scene_pos``."""
        selection = set(self.session.selection)
        for item in self.design_scene.items(scene_pos):
            if (
                isinstance(item, EdgeItem)
                and item.element_id in selection
                and item.element_id == item.key
                and item.isVisible()
            ):
                return item.element_id
        return None

    def _line_at(self, scene_pos: QPointF) -> str | None:
        """The element a click on a line picks: the line's own (a WAN link, a mirror),
        or for a drawn relation the element it belongs to (a DAG's member line: the
        DAG). A line's label picks its line too: a link between two sites that nearly
        touch is a stub whose label, on its leader, is what the user sees of it."""
        for item in self.design_scene.items(scene_pos):
            parent = item.parentItem()
            line = parent if isinstance(parent, EdgeItem) else item
            if isinstance(line, EdgeItem) and line.isVisible() and item.isVisible():
                return line.element_id or line.source
        return None

    def _click_select(self, element_id: str, modifiers: Qt.KeyboardModifier) -> None:
        current = self.session.selection
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            if element_id in current:
                current.remove(element_id)
            else:
                current.append(element_id)
            self.session.set_selection(current)
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            if element_id not in current:
                self.session.set_selection([*current, element_id])
        elif element_id not in current:
            self.session.set_selection([element_id])

    def _begin(self, interaction: Interaction, scene_pos: QPointF, view_pos: QPointF) -> None:
        self._interaction = interaction
        interaction.start(scene_pos, view_pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._interaction is not None:
            view_pos = event.position()
            self._interaction.move(self.mapToScene(view_pos.toPoint()), view_pos)
            return
        super().mouseMoveEvent(event)
        self._hover_cursor(self.mapToScene(event.position().toPoint()))

    def _hover_cursor(self, scene_pos: QPointF) -> None:
        """The pointer says what a press does: resize at a corner, connect at a port."""
        if self._space:
            return
        shape = None
        for node in self._decorated_nodes(scene_pos):
            local = node.mapFromScene(scene_pos)
            corner = node.handle_at(local, self.scale_factor)
            if corner is not None:
                shape = (
                    Qt.CursorShape.SizeFDiagCursor
                    if corner in ("nw", "se")
                    else Qt.CursorShape.SizeBDiagCursor
                )
                break
            if node.port_at(local, self.scale_factor) is not None:
                shape = Qt.CursorShape.CrossCursor
                break
        if shape is None and self.connect_mode:
            # Over a box no line starts from (a host), a press draws nothing.
            under = self.design_scene.node_at(scene_pos)
            shape = (
                Qt.CursorShape.ForbiddenCursor
                if under is not None
                and under.kind not in connectable_kinds()
                and under.takes_press(under.mapFromScene(scene_pos))
                else Qt.CursorShape.CrossCursor
            )
        if shape is None:
            self.viewport().unsetCursor()
        else:
            self.viewport().setCursor(shape)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        interaction, self._interaction = self._interaction, None
        if interaction is not None:
            view_pos = event.position()
            interaction.finish(self.mapToScene(view_pos.toPoint()), view_pos)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        scene_pos = self.mapToScene(event.position().toPoint())
        line = self._selected_line_at(scene_pos)
        if line is not None and self.editor.remove_waypoint(line, scene_pos, self.scale_factor):
            return
        node = self.design_scene.node_at(scene_pos)
        node = self.design_scene.titled_at(scene_pos, node, self.scale_factor) or node
        if node is not None:
            self.session.focus(node.element_id)

    # -- keys --------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._first_view = None
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            if self._interaction is not None:
                interaction, self._interaction = self._interaction, None
                interaction.cancel("Cancelled")
            elif self.connect_mode:
                self.set_connect_mode(False)
            else:
                self.session.set_selection([])
            return
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        steps = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key in steps and self.editor.selected_boxes():
            fine = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            step = 1.0 if fine or not self.snap_to_grid else self.design_scene.grid_size
            dx, dy = steps[key]
            self.editor.nudge(dx * step, dy * step)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.editor.delete_selection()
            return
        if key == Qt.Key.Key_F2:
            self.rename()
            return
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift):
            centre = self.viewport().rect().center()
            self.contextMenuEvent(
                QContextMenuEvent(
                    QContextMenuEvent.Reason.Keyboard, centre, self.viewport().mapToGlobal(centre)
                )
            )
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    # -- drops from the palette ----------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if kind_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        kind = kind_from_mime(event.mimeData())
        pos = self.mapToScene(event.position().toPoint())
        if kind is None or not self.editor.accepts_drop(kind, pos):
            event.ignore()
            return
        event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        kind = kind_from_mime(event.mimeData())
        if kind is None:
            event.ignore()
            return
        event.acceptProposedAction()
        added = self.editor.add_element_at(kind, self.mapToScene(event.position().toPoint()))
        if added is not None:
            # rename() scrolls the box's header (its name field) into sight first
            self.rename(added, just_added=True)  # type the name, Enter

    # -- naming and adding by keyboard ---------------------------------------------------
    def rename(self, element_id: str | None = None, *, just_added: bool = False) -> bool:
        """Open the name field over ``element_id`` (default: the selected element)."""
        if self._name_field is not None:
            self._name_field.commit()
        if element_id is None:
            selection = self.session.selection
            element_id = selection[0] if selection else None
        scene = self.design_scene
        if element_id is None or scene.item_for(element_id) is None or self.session.read_only:
            return False
        node = scene.nodes.get(element_id)
        if node is not None:
            # The name is typed where it shows: scroll its start into sight first (a
            # box added at the view's edge, or one Enter put in a box scrolled half
            # out of sight: the name was typed blind).
            self.ensureVisible(self._name_corner(node.scene_rect()), 10, 10)
        self._name_field = NameField(self, element_id, just_added=just_added)
        self._name_field.destroyed.connect(self._forget_name_field)
        return True

    def view_rect(self, scene_rect: QRectF) -> QRectF:
        return QRectF(self.mapFromScene(scene_rect).boundingRect())

    def _forget_name_field(self, *_args: object) -> None:
        self._name_field = None

    def add_kind(self, kind: str) -> str | None:
        """The palette's Enter or double-click: an element of ``kind`` in the selected
        box if it may sit there, else beside it (in the box that holds it, if it may sit
        there), else at the middle of the view (on the empty canvas: clear of the boxes
        there); then its name field."""
        scene = self.design_scene
        allowed = self.editor.drop_targets(kind)
        selected = self.editor.selected_boxes()
        target = next((b for b in selected if scene.nodes[b].kind in allowed), None)
        if target is None:
            # Beside the selection: a second host with the first selected goes in the
            # first's cluster, not in whatever box is at the middle of the view (eyes20:
            # esx-wor-02 went into Boston's cluster).
            target = next(
                (
                    parent
                    for b in selected
                    if (parent := scene.box_container(b)) is not None
                    and scene.nodes[parent].kind in allowed
                ),
                None,
            )
        # A new box's top-left corner lands at the point given (drop_rect): half its
        # size up and left of the middle, it sits in the middle.
        w, h = default_size(kind)
        if target is not None:
            corner = scene.nodes[target].scene_rect().center() - QPointF(w / 2, h / 2)
        else:
            middle = self.mapToScene(self.viewport().rect().center())
            corner = middle - QPointF(w / 2, h / 2)
            # (add_element_at puts it in the box under that corner, if any)
            if not allowed or scene.container_at(corner, allowed) is None:
                room = QRectF(corner.x(), corner.y(), w, h)
                if kind == "site":  # in a row with the sites, a WAN link's room between
                    corner = self._clear_of_top_boxes(room, SITE_GAP, in_row=True)
                else:
                    corner = self._clear_of_top_boxes(room)
        added = self.editor.add_element_at(kind, corner, target)
        if added is None:
            return None
        rect = scene.rect_of(added)
        if rect is not None:
            self.ensureVisible(rect, 40, 40)
        self.rename(added, just_added=True)
        return added

    def _clear_of_top_boxes(
        self, rect: QRectF, gap: float = 40.0, *, in_row: bool = False
    ) -> QPointF:
        """The top-left corner of ``rect`` moved right, past the top-level boxes it would
        cover, until it covers none: a second site added by Enter landed exactly on the
        first (the same middle of the view) and hid it, a DAG covered a site's hosts.
        ``in_row``: moved past a box, it also takes that box's top (sites side by side)."""
        scene = self.design_scene
        taken = [r for b in scene.boxes_in(None) if (r := scene.rect_of(b)) is not None]
        moved = QRectF(rect)
        for _ in range(len(taken) + 1):
            margin = moved.adjusted(-gap / 2, -gap / 2, gap / 2, gap / 2)
            covered = [r for r in taken if r.intersects(margin)]
            if not covered:
                break
            beside = max(covered, key=QRectF.right)
            moved.moveLeft(beside.right() + gap)
            if in_row:
                moved.moveTop(beside.top())
        return moved.topLeft()

    # -- context menu, paste, the Connect tool ---------------------------------------------
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.session.read_only:  # simulation mode has its own menu
            event.accept()
            return
        scene = self.design_scene
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            at = self.mapToScene(event.pos())
            element_id = (
                self._line_at(at) if self._line_at(at) and not self._box_has_priority(at) else None
            )
            if element_id is None:
                node = scene.node_at(at)
                element_id = node.element_id if node is not None else None
            if element_id is not None and element_id not in self.session.selection:
                self.session.set_selection([element_id])
            global_pos = event.globalPos()
        else:  # the Menu key or Shift+F10: the selection's
            selection = self.session.selection
            element_id = selection[0] if selection else None
            rect = scene.rect_of(element_id) if element_id else None
            at = (
                rect.center()
                if rect is not None
                else self.mapToScene(self.viewport().rect().center())
            )
            global_pos = self.viewport().mapToGlobal(self.mapFromScene(at))
        self._menu = canvas_menu(self, self, element_id, at)
        self._menu.popup(global_pos)
        event.accept()

    def _box_has_priority(self, at: QPointF) -> bool:
        node = self.design_scene.node_at(at)
        return node is not None and not node.container

    def paste_at(self, at: QPointF | None = None) -> None:
        """Edit > Paste: at the pointer if it is over the canvas, else the middle."""
        if at is None:
            local = self.viewport().mapFromGlobal(QCursor.pos())
            inside = self.viewport().rect().contains(local)
            at = self.mapToScene(local if inside else self.viewport().rect().center())
        self.editor.paste(at)

    def _show_pasted(self, ids: list[str]) -> None:
        """Scroll what a paste added into sight: a host pasted over its cluster's hosts
        takes the free place nearest the pointer, often below the view, and the user
        saw nothing change (eyes29). Its outermost boxes if they fit, else the first
        one's name corner; a view already showing the first one's top-left corner stays as
        it is (a box pasted at the pointer near the view's edge: nothing moves under it)."""
        scene = self.design_scene
        pasted = set(ids)
        rects = [
            rect
            for element_id in ids
            if element_id in scene.nodes
            and scene.box_container(element_id) not in pasted
            and (rect := scene.rect_of(element_id)) is not None
        ]
        if not rects:
            return
        seen = self._visible_rect()
        if seen.contains(rects[0].topLeft() + QPointF(1, 1)):
            return
        whole = rects[0]
        for rect in rects[1:]:
            whole = whole.united(rect)
        margin = 40 / max(self.scale_factor, 1e-6)
        if whole.width() + 2 * margin > seen.width() or whole.height() + 2 * margin > seen.height():
            whole = self._name_corner(rects[0])
        self.ensureVisible(whole, 40, 40)

    def _name_corner(self, rect: QRectF) -> QRectF:
        """The top-left corner of a box's ``rect`` where its name is (its title bar's
        first 200 px on screen)."""
        return QRectF(
            rect.left(),
            rect.top(),
            min(rect.width(), 200 / self.scale_factor),
            min(rect.height(), HEADER),
        )

    def set_connect_mode(self, on: bool) -> None:
        """The Connect tool: a drag from any box to another connects them."""
        self.connect_mode = on
        if on:
            self.session.status_message.emit(CONNECT_HINT)
        elif self._last_message == CONNECT_HINT:
            # Only the hint goes: "Done: Add WAN link …" stays for the user to read.
            self.session.status_message.emit("")
        if not on:
            self.viewport().unsetCursor()
        self.connect_mode_changed.emit(on)

    def _heard_message(self, text: str) -> None:
        self._last_message = text

    def auto_layout(self) -> None:
        """Arrange > Auto-Layout: tidy the drawing, then show all of it."""
        if self.editor.auto_layout():
            self.zoom_fit()
