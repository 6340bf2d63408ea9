"""Mouse gestures on the canvas, one object per edit mode (orange-canvas style):
``start`` on press, ``move``, ``finish`` on release, ``cancel(reason)`` on Escape.

A gesture changes only transient view state until it finishes; then it pushes one
command (one undo step) or is refused with the reason in the status bar.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QScrollBar,
    QWidget,
)

from designer.document import Command, MacroCommand, MoveElements, Refusal
from designer.document.gestures import (
    done_text,
    plan_connection,
    plan_move,
    plan_reparent,
    plan_resize,
)
from designer.document.growth import resize_rect
from designer.domain.design import LayoutEntry
from designer.domain.kinds import KINDS
from designer.ui.canvas.editor import CanvasEditor
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

__all__ = [
    "Canvas",
    "ConnectInteraction",
    "Interaction",
    "MoveInteraction",
    "PanInteraction",
    "ResizeInteraction",
    "RubberBandInteraction",
    "WaypointInteraction",
]


class Canvas(Protocol):
    """What a gesture needs from the view it happens on (the view is one)."""

    session: EditorSession
    design_scene: DesignScene
    editor: CanvasEditor

    def viewport(self) -> QWidget: ...

    def horizontalScrollBar(self) -> QScrollBar: ...

    def verticalScrollBar(self) -> QScrollBar: ...

    def ids_in(self, rect: QRectF) -> list[str]:
        """Visible elements wholly inside ``rect`` (scene coordinates), in design order."""
        ...


def _sits_in(kind: str) -> tuple[str, ...]:
    info = KINDS.get(kind)
    return info.allowed_containers if info is not None else ()


class Interaction:
    """One gesture in progress on a view."""

    def __init__(self, view: Canvas) -> None:
        self.view = view
        self.scene = view.design_scene
        self.session = view.session

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None: ...

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None: ...

    def finish(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.end()

    def cancel(self, reason: str = "") -> None:
        self.end()
        if reason:
            self.session.status_message.emit(reason)

    def end(self) -> None:
        """Remove transient items (called once, by finish or cancel)."""


class MoveInteraction(Interaction):
    """Drag the selection (and what its boxes contain); containment drives the model."""

    def __init__(self, view: Canvas, roots: list[str], narrow_to: str | None = None) -> None:
        super().__init__(view)
        self.roots = roots
        #: Released without a drag, the selection becomes this element alone (a click
        #: on one box of a multi-selection picks it, as in Qt's own scenes).
        self.narrow_to = narrow_to
        self.moving = self.scene.descendants(roots)
        self.origins = {
            i: QPointF(self.scene.nodes[i].pos()) for i in self.moving if i in self.scene.nodes
        }
        self.started = False
        self.delta = QPointF()
        self._press = QPointF()
        self._press_view = QPointF()
        self._target: NodeItem | None = None

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self._press, self._press_view = scene_pos, view_pos

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        if not self.started:
            if (view_pos - self._press_view).manhattanLength() < QApplication.startDragDistance():
                return
            self.started = True
        delta = scene_pos - self._press
        anchor = self.origins.get(self.roots[0]) if self.roots else None
        if self.view.editor.snap_to_grid and anchor is not None:
            grid = self.scene.grid_size
            target = anchor + delta
            snapped = QPointF(round(target.x() / grid) * grid, round(target.y() / grid) * grid)
            delta = snapped - anchor
        self.delta = delta
        self.scene.preview_offset(self.origins, delta)
        self._highlight_target()

    def _new_rect(self, element_id: str) -> QRectF:
        node = self.scene.nodes[element_id]
        return QRectF(self.origins[element_id] + self.delta, node.rect().size())

    def _container_for(self, root: str) -> NodeItem | None:
        """The box ``root`` would be released in (None: empty canvas)."""
        kinds = _sits_in(self.scene.nodes[root].kind)
        if not kinds:
            return None
        return self.scene.container_at(self._new_rect(root).center(), kinds, exclude=self.moving)

    def _highlight_target(self) -> None:
        target = None
        for root in self.roots:
            if _sits_in(self.scene.nodes[root].kind):
                target = self._container_for(root)
                break
        if target is not self._target:
            if self._target is not None:
                self._target.drop_target = False
                self._target.update()
            if target is not None:
                target.drop_target = True
                target.update()
            self._target = target
            self._announce(target)

    def _announce(self, target: NodeItem | None) -> None:
        """Say in the status bar what releasing here does to the model, before it does."""
        if not self.roots or target is None:
            return
        plan = plan_reparent(self.session.document, self.roots[0], target.element_id)
        if isinstance(plan, Refusal):
            self.session.status_message.emit(f"Cannot drop here: {plan.reason}")
        elif plan is not None:
            self.session.status_message.emit(f"Release: {plan.text}")

    def finish(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.end()
        if not self.started:
            # A click: nothing was moved (a move shows nothing before the drag distance),
            # so nothing is put back. Putting back a site's every box re-routed their
            # lines: a click on a site's title at 25k took 0.5 s (eyes29).
            if self.narrow_to is not None:
                self.session.set_selection([self.narrow_to])
            return
        if self.delta.isNull():
            self.scene.sync_geometry(self.moving)
            return
        doc = self.session.document
        new: dict[str, LayoutEntry] = {}
        for element_id in self.origins:
            r = self._new_rect(element_id)
            old = doc.layout_of(element_id)
            color = old.color if old is not None else None
            new[element_id] = LayoutEntry(
                x=round(r.x(), 1), y=round(r.y(), 1), w=r.width(), h=r.height(), color=color
            )
        drops: dict[str, str | None] = {}
        sitting = [r for r in self.roots if _sits_in(self.scene.nodes[r].kind)]
        announced = self._container_for(sitting[0]) if sitting else None  # (highlighted)
        for root in sitting:
            target = self._container_for(root)
            if (
                target is None
                and announced is not None
                and announced.kind in _sits_in(self.scene.nodes[root].kind)
            ):
                # Dragged with the others, its centre past the box they go in (four
                # hosts into a site three wide): in with them, the box grows round it,
                # as the status bar said; the whole move was refused ("must sit in a
                # vSphere cluster or a site, not on empty canvas").
                target = announced
            drops[root] = target.element_id if target is not None else None
        plan = plan_move(doc, new, drops, self.scene, roots=self.roots)
        if isinstance(plan, Refusal):
            self.scene.sync_geometry(self.moving)
            self.session.status_message.emit(f"Move refused: {plan.reason}")
            return
        if not self.session.push(plan.command):
            self.scene.sync_geometry(self.moving)
        elif isinstance(plan.command, MacroCommand):  # moved into another box: say so
            self.session.status_message.emit(plan.says)

    def cancel(self, reason: str = "") -> None:
        super().cancel(reason)
        self.scene.sync_geometry(self.moving)

    def end(self) -> None:
        if self._target is not None:
            self._target.drop_target = False
            self._target.update()
            self._target = None


class ResizeInteraction(Interaction):
    """Drag a selected box's corner: the box follows (no smaller than what it holds);
    on release the boxes holding it grow round it and push their neighbours aside, in
    one undo step."""

    def __init__(self, view: Canvas, node: NodeItem, corner: str) -> None:
        super().__init__(view)
        self.node = node
        self.corner = corner
        self.origin = node.scene_rect()
        self.rect = QRectF(self.origin)
        self._press = QPointF()

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self._press = scene_pos
        self.session.status_message.emit(f"Resize {self.node.name}: drag, Esc to cancel")

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        d = scene_pos - self._press
        r = QRectF(self.origin)
        if "w" in self.corner:
            r.setLeft(r.left() + d.x())
        if "e" in self.corner:
            r.setRight(r.right() + d.x())
        if "n" in self.corner:
            r.setTop(r.top() + d.y())
        if "s" in self.corner:
            r.setBottom(r.bottom() + d.y())
        r = r.normalized()
        if self.view.editor.snap_to_grid:
            grid = self.scene.grid_size
            r = QRectF(
                QPointF(round(r.left() / grid) * grid, round(r.top() / grid) * grid),
                QPointF(round(r.right() / grid) * grid, round(r.bottom() / grid) * grid),
            )
        x, y, w, h = resize_rect(
            self.scene, self.node.element_id, (r.x(), r.y(), r.width(), r.height())
        )
        # Dragging a left or top corner past what the box holds keeps the other edge put.
        if "w" in self.corner:
            x = min(x, self.origin.right() - w) if w > r.width() else x
        if "n" in self.corner:
            y = min(y, self.origin.bottom() - h) if h > r.height() else y
        self.rect = QRectF(x, y, w, h)
        self.node.set_geometry(self.rect)
        self.scene.update_edges([self.node.element_id])
        self.session.status_message.emit(
            f"Resize {self.node.name}: {self.rect.width():.0f} × {self.rect.height():.0f}"
        )

    def finish(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.end()
        if self.rect == self.origin:
            return
        r = self.rect
        plan = plan_resize(
            self.session.document, self.scene, self.node.element_id,
            (r.x(), r.y(), r.width(), r.height()),
        )  # fmt: skip
        if isinstance(plan, Refusal) or not self.session.push(plan.command):
            self.scene.sync_geometry([self.node.element_id])
            if isinstance(plan, Refusal):
                self.session.status_message.emit(f"Cannot resize: {plan.reason}")
            return
        self.session.status_message.emit(plan.says)

    def cancel(self, reason: str = "") -> None:
        super().cancel(reason)
        self.scene.sync_geometry([self.node.element_id])


def _along(route: list[tuple[float, float]], p: QPointF) -> float:
    """How far along ``route`` the point nearest ``p`` lies (segment index + fraction)."""
    best, where = float("inf"), 0.0
    for i in range(len(route) - 1):
        (x0, y0), (x1, y1) = route[i], route[i + 1]
        dx, dy = x1 - x0, y1 - y0
        length = dx * dx + dy * dy
        t = (
            0.0
            if length == 0
            else max(0.0, min(1.0, ((p.x() - x0) * dx + (p.y() - y0) * dy) / length))
        )
        qx, qy = x0 + t * dx, y0 + t * dy
        d = (p.x() - qx) ** 2 + (p.y() - qy) ** 2
        if d < best:
            best, where = d, i + t
    return where


class WaypointInteraction(Interaction):
    """Drag a selected line: the route passes through where it is dragged to (a new
    waypoint, or the waypoint grabbed); one undo step. Its waypoints are layout."""

    def __init__(self, view: Canvas, key: str, scale: float) -> None:
        super().__init__(view)
        self.key = key
        self.original = list(self.scene.router.waypoints(key))
        self.points = list(self.original)
        self.scale = scale
        self.index = -1
        self.moved = False
        self._press = QPointF()

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self._press = scene_pos
        reach = 8.0 / max(self.scale, 0.05)
        for i, (x, y) in enumerate(self.points):
            if abs(x - scene_pos.x()) <= reach and abs(y - scene_pos.y()) <= reach:
                self.index = i  # move this waypoint
                return
        route = self.scene.router.drawn.get(self.key) or []
        here = _along(route, scene_pos)
        self.index = sum(1 for p in self.points if _along(route, QPointF(*p)) < here)
        self.points.insert(self.index, (scene_pos.x(), scene_pos.y()))

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        if not self.moved and (scene_pos - self._press).manhattanLength() * self.scale < 3:
            return
        self.moved = True
        x, y = scene_pos.x(), scene_pos.y()
        if self.view.editor.snap_to_grid:
            grid = self.scene.grid_size
            x, y = round(x / grid) * grid, round(y / grid) * grid
        self.points[self.index] = (x, y)
        self.scene.preview_waypoints(self.key, self.points)

    def finish(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.end()
        if not self.moved:
            return
        doc = self.session.document
        element = doc.get(self.key)
        old = doc.layout_of(self.key) or LayoutEntry()
        entry = old.model_copy(
            update={"points": tuple((round(x, 1), round(y, 1)) for x, y in self.points)}
        )
        text = f"Reshape {element.name if element is not None else self.key}"
        if not self.session.push(MoveElements({self.key: entry}, text=text)):
            self.scene.preview_waypoints(self.key, self.original)

    def cancel(self, reason: str = "") -> None:
        super().cancel(reason)
        self.scene.preview_waypoints(self.key, self.original)


class ConnectInteraction(Interaction):
    """Drag from a box's handle (or Alt-drag) to another box to connect them."""

    def __init__(self, view: Canvas, source: NodeItem) -> None:
        super().__init__(view)
        self.source = source
        pen = QPen(self.scene.theme.highlight, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.line = QGraphicsLineItem()
        self.line.setPen(pen)
        self.line.setZValue(1000)
        self.scene.addItem(self.line)
        self.target: NodeItem | None = None
        self.command: Command | None = None
        #: The element the connection creates (a WAN link, a disk) or whose reference it
        #: sets (a DAG for a member), selected once it is made.
        self.creates: str | None = None
        self.reason = ""

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        c = self.source.scene_rect().center()
        self.line.setLine(c.x(), c.y(), scene_pos.x(), scene_pos.y())
        self.session.status_message.emit(f"Connect {self.source.name} to…")

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        c = self.source.scene_rect().center()
        self.line.setLine(c.x(), c.y(), scene_pos.x(), scene_pos.y())
        target = None
        for item in self.scene.items(scene_pos):
            if isinstance(item, NodeItem) and item is not self.source and item.isVisible():
                target = item
                break
        if target is not self.target:
            if self.target is not None:
                self.target.drop_target = False
                self.target.update()
            self.target = target
            if target is None:
                self.command, self.creates, self.reason = None, None, ""
                self.view.viewport().setCursor(Qt.CursorShape.CrossCursor)
                return
            plan = plan_connection(self.session.document, self.source.element_id, target.element_id)
            if isinstance(plan, Refusal):
                self.command, self.creates, self.reason = None, None, plan.reason
            else:
                self.command, self.creates, self.reason = plan.command, plan.shows, plan.says
            if self.command is not None:
                target.drop_target = True
                target.update()
                self.view.viewport().setCursor(Qt.CursorShape.DragLinkCursor)
                self.session.status_message.emit(f"Release to {self.reason}")
            else:
                self.view.viewport().setCursor(Qt.CursorShape.ForbiddenCursor)
                self.session.status_message.emit(f"Cannot connect: {self.reason}")

    def finish(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.move(scene_pos, view_pos)
        command, target = self.command, self.target
        self.end()
        if target is None:
            self.session.status_message.emit("Connection cancelled: released on empty canvas")
        elif command is None:
            self.session.status_message.emit(f"Cannot connect: {self.reason}")
        elif self.session.push(command):
            # Not the hover's "Release to …" any more: it is done (and what followed).
            self.session.status_message.emit(done_text(command))
            # The line made is selected, as the menu's Connect To does (the Inspector
            # shows its fields at once); for a reference set, the element holding it
            # (the DAG whose members it joins).
            made = self.creates
            if made is not None and self.session.document.get(made) is not None:
                self.session.set_selection([made])

    def end(self) -> None:
        if self.target is not None:
            self.target.drop_target = False
            self.target.update()
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)
        self.view.viewport().unsetCursor()


class RubberBandInteraction(Interaction):
    """Select what lies inside a dragged rectangle (Ctrl toggles, Shift adds)."""

    def __init__(self, view: Canvas, modifiers: Qt.KeyboardModifier) -> None:
        super().__init__(view)
        self.modifiers = modifiers
        self.origin = QPointF()
        color = QColor(self.scene.theme.highlight)
        pen = QPen(color, 1.0)
        pen.setCosmetic(True)
        color.setAlpha(40)
        self.band = QGraphicsRectItem()
        self.band.setPen(pen)
        self.band.setBrush(QBrush(color))
        self.band.setZValue(1000)

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.origin = scene_pos
        self.band.setRect(QRectF(scene_pos, scene_pos))
        self.scene.addItem(self.band)

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.band.setRect(QRectF(self.origin, scene_pos).normalized())

    def finish(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        rect = QRectF(self.origin, scene_pos).normalized()
        self.end()
        if rect.width() < 2 and rect.height() < 2:
            return
        found = self.view.ids_in(rect)
        current = self.session.selection
        if self.modifiers & Qt.KeyboardModifier.ControlModifier:
            chosen = [i for i in current if i not in found] + [i for i in found if i not in current]
        elif self.modifiers & Qt.KeyboardModifier.ShiftModifier:
            chosen = current + [i for i in found if i not in current]
        else:
            chosen = found
        self.session.set_selection(chosen)

    def end(self) -> None:
        if self.band.scene() is not None:
            self.scene.removeItem(self.band)


class PanInteraction(Interaction):
    """Middle-button drag or Space-drag scrolls the view."""

    def __init__(self, view: Canvas) -> None:
        super().__init__(view)
        self.last = QPointF()

    def start(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        self.last = view_pos
        self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, scene_pos: QPointF, view_pos: QPointF) -> None:
        d = view_pos - self.last
        self.last = view_pos
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - round(d.x()))
        v.setValue(v.value() - round(d.y()))

    def end(self) -> None:
        self.view.viewport().unsetCursor()
