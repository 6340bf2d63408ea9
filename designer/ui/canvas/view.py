"""The canvas view: input (mouse, keys, drops), zoom and pan, and the edit operations
the main window's actions call (delete, clipboard, align, auto-layout, find)."""

from __future__ import annotations

import atexit

from PySide6.QtCore import QEvent, QMimeData, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from designer.document import (
    CLIPBOARD_MIME,
    AddElements,
    ClipboardError,
    MoveElements,
    RemoveElements,
    copy_payload,
    paste_elements,
)
from designer.document.factory import new_element
from designer.domain.design import LayoutEntry
from designer.domain.errors import DesignError
from designer.ui.canvas.edits import CONNECTABLE, auto_layout, container_kinds
from designer.ui.canvas.interactions import (
    ConnectInteraction,
    Interaction,
    MoveInteraction,
    PanInteraction,
    RubberBandInteraction,
)
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.kinds import DEFAULT_SIZE, EDGE_KINDS, HEADER
from designer.ui.canvas.scene import DesignScene
from designer.ui.canvas.theme import Theme
from designer.ui.session import EditorSession

__all__ = ["DETAIL_SCALE", "KIND_MIME", "DesignView"]

KIND_MIME = "application/x-dr-designer-kind"
#: Below this zoom, VMs, LUNs, disks and databases are summarised by their box.
DETAIL_SCALE = 0.3
#: At most this many VMs, LUNs and databases in view are drawn one by one (a frame's
#: worth of painting); beyond it their boxes summarise them.
DETAIL_BUDGET = 400
MIN_SCALE, MAX_SCALE = 0.01, 8.0


class DesignView(QGraphicsView):
    """Shows a :class:`DesignScene` and turns input into commands on the session."""

    #: The zoom factor changed (1.0 is 100 %).
    zoom_changed = Signal(float)

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        self.session = session
        self.design_scene = DesignScene(session)
        super().__init__(self.design_scene, parent)
        self.setObjectName("DesignView")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.snap_to_grid = True
        self._interaction: Interaction | None = None
        self._space = False
        # Scrolling re-decides the level of detail, at most every 60 ms.
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(60)
        self._detail_timer.timeout.connect(self._apply_detail)
        session.focus_requested.connect(self.reveal)

    # -- helpers ---------------------------------------------------------------------
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
        doc = self.session.document
        return sorted(found, key=doc.position_of)

    def _selected_boxes(self) -> list[str]:
        return [i for i in self.session.selection if i in self.design_scene.nodes]

    # -- zoom --------------------------------------------------------------------------
    def set_zoom(self, scale: float, anchor: QPointF | None = None) -> None:
        scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        factor = scale / self.scale_factor
        self.scale(factor, factor)
        self._update_detail()

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.scale_factor * factor)

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    def zoom_actual(self) -> None:
        self.set_zoom(1.0)

    def zoom_fit(self) -> None:
        scene = self.design_scene
        bounds = QRectF()
        for node in scene.nodes.values():
            if node.parentItem() is None and scene.box_parent.get(node.element_id) is None:
                bounds = bounds.united(node.scene_rect())
        if bounds.isEmpty():
            bounds = scene.itemsBoundingRect()
        if bounds.isEmpty():
            self.resetTransform()
            return
        self.fitInView(bounds.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.scale_factor > 1.5:
            self.set_zoom(1.5)
        self._update_detail()

    def zoom_to_open(self) -> None:
        """The first view of a design: all of it if that stays legible, else a legible
        zoom on its top-left corner (the Overview shows the rest)."""
        self.zoom_fit()
        legible = 0.6
        if self.scale_factor < legible and self.design_scene.nodes:
            bounds = self.design_scene.content_rect()
            self.set_zoom(legible)
            visible = self.mapToScene(self.viewport().rect()).boundingRect()
            self.centerOn(
                bounds.left() - 30 + visible.width() / 2, bounds.top() - 30 + visible.height() / 2
            )

    def _update_detail(self) -> None:
        self._apply_detail()
        self.zoom_changed.emit(self.scale_factor)

    def _apply_detail(self) -> None:
        """Show VMs, LUNs and databases when they are legible and few enough to paint
        within a frame; otherwise their boxes summarise them."""
        scene = self.design_scene
        visible = self.scale_factor >= DETAIL_SCALE
        if visible and self.scale_factor < 1.0:
            rect = self.mapToScene(self.viewport().rect()).boundingRect()
            count = 0
            for item in scene.items(rect):
                if isinstance(item, NodeItem) and item.container:
                    count += len(scene.child_rects(item.element_id))
                    if count > DETAIL_BUDGET:
                        visible = False
                        break
        scene.set_detail_visible(visible)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Light/dark switch of the desktop: colours come from the new palette.
            self.design_scene.set_theme(Theme(self.palette()))

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._detail_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._detail_timer.start()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)
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
        self.centerOn(rect.center())

    # -- mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
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
        node = self.design_scene.node_at(scene_pos)
        if node is not None:
            local = node.mapFromScene(scene_pos)
            alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
            if node.kind in CONNECTABLE and (alt or node.on_connector(local)):
                self._begin(ConnectInteraction(self, node), scene_pos, view_pos)
                return
            additive = modifiers & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            )
            selected = node.element_id in self.session.selection
            if node.container and not node.in_header(local) and not selected:
                if not additive:
                    self.session.set_selection([])
                self._begin(RubberBandInteraction(self, modifiers), scene_pos, view_pos)
                return
            self._click_select(node.element_id, modifiers)
            if node.element_id in self.session.selection:
                roots = self.design_scene.roots(self._selected_boxes())
                self._begin(MoveInteraction(self, roots), scene_pos, view_pos)
            return
        edge = self._edge_at(scene_pos)
        if edge is not None:
            self._click_select(edge, modifiers)
            return
        if not modifiers & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            self.session.set_selection([])
        self._begin(RubberBandInteraction(self, modifiers), scene_pos, view_pos)

    def _edge_at(self, scene_pos: QPointF) -> str | None:
        for item in self.design_scene.items(scene_pos):
            if isinstance(item, EdgeItem) and item.element_id and item.isVisible():
                return item.element_id
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

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        interaction, self._interaction = self._interaction, None
        if interaction is not None:
            view_pos = event.position()
            interaction.finish(self.mapToScene(view_pos.toPoint()), view_pos)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        node = self.design_scene.node_at(self.mapToScene(event.position().toPoint()))
        if node is not None:
            self.session.focus(node.element_id)

    # -- keys --------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            if self._interaction is not None:
                interaction, self._interaction = self._interaction, None
                interaction.cancel("Cancelled")
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
        if key in steps and self._selected_boxes():
            fine = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            step = 1.0 if fine or not self.snap_to_grid else self.design_scene.grid_size
            dx, dy = steps[key]
            self.nudge(dx * step, dy * step)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    # -- drops from the palette ----------------------------------------------------------
    def _kind_of(self, mime: QMimeData) -> str | None:
        if not mime.hasFormat(KIND_MIME):
            return None
        return bytes(mime.data(KIND_MIME).data()).decode("utf-8", "replace")

    def dragEnterEvent(self, event) -> None:
        if self._kind_of(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        kind = self._kind_of(event.mimeData())
        if kind is None:
            event.ignore()
            return
        pos = self.mapToScene(event.position().toPoint())
        kinds = container_kinds(kind)
        if kinds and self.design_scene.container_at(pos, kinds) is None:
            event.ignore()
            return
        event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        kind = self._kind_of(event.mimeData())
        if kind is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_element_at(kind, self.mapToScene(event.position().toPoint()))

    def add_element_at(self, kind: str, pos: QPointF) -> str | None:
        """Create an element of ``kind`` at ``pos`` in the box under it (a palette drop)."""
        if kind in EDGE_KINDS:
            how = {
                "wan_link": "drag from one site's handle (or Alt-drag) to another site",
                "mirror": "drag from one LUN's handle (or Alt-drag) to a LUN on another array",
                "host_replication": "drag from one VM's handle (or Alt-drag) to another VM",
            }[kind]
            self.session.status_message.emit(f"To add a {kind.replace('_', ' ')}, {how}")
            return None
        kinds = container_kinds(kind)
        container = self.design_scene.container_at(pos, kinds) if kinds else None
        design = self.session.design
        try:
            element = new_element(kind, design, container.element_id if container else None)
        except (DesignError, ValueError) as exc:
            self.session.status_message.emit(f"Cannot add here: {_first_line(exc)}")
            return None
        w, h = DEFAULT_SIZE.get(kind, (160.0, 28.0))
        x, y = pos.x() - w / 2, pos.y() - h / 2
        if container is not None:
            box = container.scene_rect()
            w = min(w, max(12.0, box.width() - 16))
            x = min(max(x, box.left() + 8), box.right() - 8 - w)
            y = min(
                max(y, box.top() + HEADER + 4), max(box.top() + HEADER + 4, box.bottom() - 8 - h)
            )
        if self.snap_to_grid:
            g = self.design_scene.grid_size
            x, y = round(x / g) * g, round(y / g) * g
        entry = LayoutEntry(x=x, y=y, w=w, h=h)
        # A disk is drawn by its VM: it needs no place of its own.
        layout = {} if kind == "virtual_disk" else {element.id: entry}
        if self.session.push(AddElements([element], layout)):
            self.session.set_selection([element.id])
            where = f" in {container.name}" if container else ""
            self.session.status_message.emit(f"Added {element.describe()}{where}")
            return element.id
        return None

    # -- edit operations (menu actions) ---------------------------------------------------
    def _entry(self, element_id: str, dx: float = 0.0, dy: float = 0.0) -> LayoutEntry:
        node = self.design_scene.nodes[element_id]
        r = node.scene_rect()
        old = self.session.document.layout_of(element_id)
        return LayoutEntry(
            x=round(r.x() + dx, 1),
            y=round(r.y() + dy, 1),
            w=r.width(),
            h=r.height(),
            color=old.color if old else None,
        )

    def nudge(self, dx: float, dy: float) -> None:
        roots = self.design_scene.roots(self._selected_boxes())
        ids = [i for i in self.design_scene.descendants(roots) if i in self.design_scene.nodes]
        if not ids:
            return
        new = {i: self._entry(i, dx, dy) for i in ids}
        self.session.push(MoveElements(new, text="Nudge", mergeable=True))

    def delete_selection(self) -> None:
        ids = self.session.selection
        if ids:
            self.session.push(RemoveElements(ids))

    def _copy_ids(self) -> list[str]:
        scene = self.design_scene
        ids = set(scene.descendants(self.session.selection))
        for key, edge in scene.edges.items():
            if edge.element_id and edge.source in ids and edge.target in ids:
                ids.add(key)
        doc = self.session.document
        return sorted(ids, key=doc.position_of)

    def copy(self) -> bool:
        ids = self._copy_ids()
        if not ids:
            return False
        payload = copy_payload(self.session.design, ids)
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, payload.encode("utf-8"))
        mime.setText(payload)
        QApplication.clipboard().setMimeData(mime)
        _clear_clipboard_at_exit()
        self.session.status_message.emit(f"Copied {len(ids)} element(s)")
        return True

    def cut(self) -> None:
        if self.copy():
            self.session.push(RemoveElements(self.session.selection, text="Cut"))

    def paste(self) -> None:
        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(CLIPBOARD_MIME):
            self.session.status_message.emit("The clipboard holds no DR Designer elements")
            return
        self._paste(bytes(mime.data(CLIPBOARD_MIME).data()).decode("utf-8"), "Paste")

    def duplicate(self) -> None:
        ids = self._copy_ids()
        if ids:
            self._paste(copy_payload(self.session.design, ids), "Duplicate")

    def _paste(self, payload: str, verb: str) -> None:
        try:
            elements, layout = paste_elements(self.session.design, payload)
        except ClipboardError as exc:
            self.session.status_message.emit(str(exc))
            return
        n = len(elements)
        if self.session.push(AddElements(elements, layout, text=f"{verb} {n} element(s)")):
            self.session.set_selection([e.id for e in elements])

    def select_all(self) -> None:
        scene = self.design_scene
        ids = [*scene.nodes, *(e.element_id for e in scene.edges.values() if e.element_id)]
        doc = self.session.document
        self.session.set_selection(sorted(ids, key=doc.position_of))

    def align(self, how: str) -> None:
        """Align the selected boxes: left, right, top, bottom, hcenter, vcenter;
        or distribute them: hdistribute, vdistribute (three or more)."""
        scene = self.design_scene
        roots = scene.roots(self._selected_boxes())
        if len(roots) < 2 or (how.endswith("distribute") and len(roots) < 3):
            self.session.status_message.emit("Select more boxes to align or distribute")
            return
        rects = {i: scene.nodes[i].scene_rect() for i in roots}
        shifts: dict[str, tuple[float, float]] = {}
        if how == "left":
            edge = min(r.left() for r in rects.values())
            shifts = {i: (edge - r.left(), 0.0) for i, r in rects.items()}
        elif how == "right":
            edge = max(r.right() for r in rects.values())
            shifts = {i: (edge - r.right(), 0.0) for i, r in rects.items()}
        elif how == "top":
            edge = min(r.top() for r in rects.values())
            shifts = {i: (0.0, edge - r.top()) for i, r in rects.items()}
        elif how == "bottom":
            edge = max(r.bottom() for r in rects.values())
            shifts = {i: (0.0, edge - r.bottom()) for i, r in rects.items()}
        elif how == "hcenter":
            mid = sum(r.center().x() for r in rects.values()) / len(rects)
            shifts = {i: (mid - r.center().x(), 0.0) for i, r in rects.items()}
        elif how == "vcenter":
            mid = sum(r.center().y() for r in rects.values()) / len(rects)
            shifts = {i: (0.0, mid - r.center().y()) for i, r in rects.items()}
        elif how in ("hdistribute", "vdistribute"):
            horizontal = how == "hdistribute"
            order = sorted(rects, key=lambda i: rects[i].left() if horizontal else rects[i].top())
            size = sum(rects[i].width() if horizontal else rects[i].height() for i in order)
            first, last = rects[order[0]], rects[order[-1]]
            span = (last.right() - first.left()) if horizontal else (last.bottom() - first.top())
            gap = (span - size) / (len(order) - 1)
            at = first.left() if horizontal else first.top()
            for i in order:
                r = rects[i]
                shifts[i] = (at - r.left(), 0.0) if horizontal else (0.0, at - r.top())
                at += (r.width() if horizontal else r.height()) + gap
        new: dict[str, LayoutEntry] = {}
        for root, (dx, dy) in shifts.items():
            for i in scene.descendants([root]):
                if i in scene.nodes:
                    new[i] = self._entry(i, dx, dy)
        words = {"hcenter": "centres", "vcenter": "middles"}
        text = (
            f"Distribute {len(roots)} boxes"
            if how.endswith("distribute")
            else f"Align {words.get(how, how)}"
        )
        self.session.push(MoveElements(new, text=text))

    def auto_layout(self) -> None:
        new = auto_layout(self.session.design)
        # None entries clear a layout entry (Document.set_layout accepts them).
        command = MoveElements(new, text="Auto-layout by site")  # type: ignore[arg-type]
        if new and self.session.push(command):
            self.zoom_fit()


_CLEANUP_INSTALLED = False


def _clear_clipboard_at_exit() -> None:
    """PySide6 6.11 (offscreen and xcb) crashes at exit while the application still owns
    clipboard data we set: hand it back before the interpreter shuts down."""
    global _CLEANUP_INSTALLED
    if _CLEANUP_INSTALLED:
        return
    _CLEANUP_INSTALLED = True

    def clear() -> None:
        if QApplication.instance() is not None:
            QApplication.clipboard().clear()

    atexit.register(clear)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]
