"""What the simulation shows on the canvas, drawn over the design's own items.

Transient view state only: nothing here is model data or goes on the undo stack. The
overlay reads element geometry from the scene (``rect_of`` / ``edges``) and the state
at the time cursor from the controller, and paints:

- failed elements: red hatching, a cross and "FAILED" (a mark, not colour alone);
- elements down because of what they depend on: amber hatching and "DOWN";
- broken WAN links and fractured mirrors: a red dashed line cut in the middle;
- degraded WAN links (a direction down, bandwidth cut, round trip raised): an amber
  dashed line and a badge saying how;
- VMs restarted by vSphere HA: a dashed ghost on the new host with an arrow;
- the active copy of each database: a pill on the member that serves it, which glides
  to the new member when the copy activates elsewhere;
- client paths: from each user site through the CAS array it uses to the members
  serving its databases, rerouted as the state changes; cut-off users as a red badge;
- the N-1 heat map when that overlay is on.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem, QWidget

from designer.simulation import DatabaseState, StepState
from designer.ui.simulation.words import link_changes

if TYPE_CHECKING:
    from designer.ui.canvas.items.edge import EdgeItem
    from designer.ui.canvas.scene import DesignScene
    from designer.ui.simulation.controller import SimulationController

__all__ = ["SimulationOverlay"]

FAILED = QColor("#d32f2f")
DOWN = QColor("#ef8f00")
ACTIVE = QColor("#2e7d32")
CLIENT = QColor("#1f7f8c")
GLIDE_MS = 600.0
PILL_WIDTH = 44.0
PILL_HEIGHT = 14.0
PILLS_PER_VM = 2
#: A badge's height. A box's badge sits on the box's top border, BADGE_DIP of it inside
#: (between the box's name and its container's, a box's top PAD below the container's
#: title bar), ends left of the box's findings marker and keeps off WAN links' labels:
#: "NO QUORUM" hid a DAG's marker, a link's "DOWN" its label (eyes14).
BADGE_HEIGHT = 17.0
BADGE_DIP = 5.0
#: Room kept between a badge and a link's label.
LABEL_CLEARANCE = 3.0


def _short(name: str, vm_id: str | None, overlay: SimulationOverlay) -> str:
    """A database's name without the prefix it shares with its server ("DB01" on
    DEN-MBX02 for "DEN-DB01"), so the marker does not hide the server's name."""
    vm = overlay.design_scene.session.document.get(vm_id) if vm_id else None
    if vm is None:
        return name
    common = 0
    for a, b in zip(name, vm.name, strict=False):
        if a != b:
            break
        common += 1
    cut = name.rfind("-", 0, common) + 1
    return name[cut:] or name


#: A database marker's top-left corner, scene coordinates (plain floats: thousands of
#: markers are placed on every change of state, and each Qt object costs a crossing).
Pos = tuple[float, float]


def _badge_top(rect: QRectF) -> float:
    """The top of the badge of a box drawn in ``rect`` (see BADGE_DIP)."""
    return rect.top() - BADGE_HEIGHT + BADGE_DIP


def _pill_rect(pos: Pos) -> QRectF:
    """The area a database marker at ``pos`` paints (with its antialiased edge)."""
    return QRectF(pos[0] - 2, pos[1] - 2, PILL_WIDTH + 4, PILL_HEIGHT + 4)


#: A client path's shape: the users' way to their CAS array, their entry dot (None),
#: or a line from the CAS array to a member serving them.
_Shape = QPainterPath | tuple[QPointF, QPointF] | None


#: A database marker to draw: where (x, y), its database, and whether it is the first
#: at that place (the one that shows "+N" there).
_Pill = tuple[float, float, DatabaseState, bool]


class _Drawn:
    """What the overlay paints for one state at the cursor, worked out on its first
    paint and reused by every later one (a canvas repaint, a pan, a zoom): at 25,000
    elements a paint walked thousands of databases three times (~100 ms)."""

    __slots__ = ("access", "labels", "marks", "members", "paths", "pills", "texts")

    def __init__(self) -> None:
        #: Site id → users who reach their mailboxes (see users_with_access).
        self.access: dict[str, int] | None = None
        #: Where the WAN links' labels are (badges keep off them), for the paint under way.
        self.labels: list[QRectF] | None = None
        #: (element id, its box or None, colour, text) of each failed or down element.
        self.marks: list[tuple[str, QRectF | None, QColor, str]] | None = None
        #: Client paths' shapes in paint order, each with its bounds.
        self.paths: list[tuple[QRectF, _Shape]] | None = None
        #: Database markers shown when none glides.
        self.pills: list[_Pill] | None = None
        #: Database id → its marker's text, for the markers painted so far.
        self.texts: dict[str, str] = {}
        #: Site id → the members serving its users' databases (client paths).
        self.members: dict[str | None, set[str]] | None = None


class SimulationOverlay(QGraphicsObject):
    """One item over the whole scene; repaints when the state at the cursor changes."""

    def __init__(self, scene: DesignScene, controller: SimulationController) -> None:
        super().__init__()
        self.design_scene = scene
        self.controller = controller
        self.setZValue(10_000)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        # A non-zero granularity takes Qt's per-view update path, which honours
        # update(rect); the compatibility path (taken while anything listens to the
        # scene's changed signal) repaints this item's whole bounding rect — the whole
        # drawing — on every glide frame.
        self.setBoundingRegionGranularity(0.01)
        self._paint_area = QRectF()
        #: The painter's level of detail (the boxes' findings markers grow zoomed out).
        self._lod = 1.0
        #: The area being painted as (left, top, right, bottom).
        self._area = (0.0, 0.0, 0.0, 0.0)
        self.state: StepState | None = None
        self._drawn = _Drawn()
        #: Element id → mailboxes its loss affects (N-1 heat map), or None when off.
        self.heat: dict[str, int] | None = None
        self._pill_pos: dict[str, Pos] = {}
        self._pill_overflow: dict[str, int] = {}
        self._bounds = QRectF()
        self._measured_for = QRectF()
        #: The design measured (its drawing changes with it; the scene rect only when an
        #: edit leaves too little room round it, or on a rebuild).
        self._measured_design: object = None
        self._restarted: dict[str, str] = {}
        self._pill_from: dict[str, Pos] = {}
        self._pill_to: dict[str, Pos] = {}
        self._glide = QElapsedTimer()
        self._glide_timer = QTimer(self)
        self._glide_timer.setInterval(16)
        self._glide_timer.timeout.connect(self._glide_step)
        self._prime_timer = QTimer(self)
        self._prime_timer.setSingleShot(True)
        self._prime_timer.setInterval(0)
        self._prime_timer.timeout.connect(self._prime)
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.setInterval(0)
        self._paint_timer.timeout.connect(self._show_primed)
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        scene.keep_across_rebuilds(self)  # a design opened later must not delete it
        scene.sceneRectChanged.connect(self._update_bounds)
        controller.time_changed.connect(self.refresh)
        controller.result_changed.connect(self.refresh)
        controller.mode_changed.connect(self._on_mode)
        self.setVisible(controller.active)

    # -- state ---------------------------------------------------------------------------
    def _on_mode(self, active: bool) -> None:
        self._pill_pos.clear()
        self._drawn = _Drawn()
        self.state = None  # redraw even if the controller hands back the same state
        if active and not self.controller.ready:
            # Nothing to draw until the simulator is ready: measuring the drawing (a
            # walk over its boxes) and showing this item (which repaints the canvas
            # under all of it) wait for its first state (see _show_primed), not in the
            # frame that shows the docks.
            self.setVisible(False)
        else:
            self.setVisible(active)
            self._update_bounds()
        self.refresh()

    def _content_rect(self) -> QRectF:
        """The union of the outermost boxes (what is drawn inside them lies inside
        them): a walk over the few top-level boxes, not every box of the design (the
        scene's content_rect takes ~0.3 s at 25,000 elements)."""
        scene = self.design_scene
        parent = scene.boxes_parent  # (the boxes' entries)
        bounds = QRectF()
        for element_id, node in scene.nodes.items():
            if parent.get(element_id) is None:
                bounds = bounds.united(node.scene_rect())
        return bounds if not bounds.isEmpty() else scene.content_rect()

    def _update_bounds(self, *_args: object) -> None:
        # Measured again when the scene rect (a rebuild) or the design (an edit) changed:
        # entering the mode again without an edit does not walk the boxes again. Keyed on
        # the scene rect alone, a design drawn from File > New kept the empty design's
        # bounds (the scene rect is set on a rebuild only) and nothing of a simulation
        # was painted where its boxes are (eyes20).
        scene_rect = self.design_scene.sceneRect()
        design = self.design_scene.session.design
        if (
            scene_rect == self._measured_for
            and design is self._measured_design
            and not self._bounds.isEmpty()
        ):
            return
        self._measured_for = scene_rect
        self._measured_design = design
        bounds = self._content_rect().adjusted(-60, -60, 260, 60)
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds

    def set_heat(self, heat: dict[str, int] | None) -> None:
        self.heat = heat
        self.update()

    def refresh(self, *_args: object) -> None:
        # The bounds follow the scene rect (sceneRectChanged) and the mode, not each
        # frame: measuring the content walks every box (~60 ms at 25,000 elements).
        if not self.controller.active:
            self.state = None
            self.update()
            return
        state = self.controller.state()
        if state is not None and state is self.state:
            # The controller hands back the same object while nothing at the cursor
            # changed: most frames of playback repaint nothing on the canvas.
            return
        self.state = state
        self._drawn = _Drawn()
        self._restarted = self._compute_restarted(self.state)
        targets = self._pill_targets(self.state) if self.state is not None else {}
        moved = False
        positions = self._pill_pos
        if not positions:  # the mode's first state: every marker starts in its place
            positions.update(targets)
        else:
            for db_id, target in targets.items():
                current = positions.get(db_id)
                if current is None:
                    positions[db_id] = target
                elif abs(current[0] - target[0]) + abs(current[1] - target[1]) > 0.5:
                    self._pill_from[db_id] = current
                    self._pill_to[db_id] = target
                    moved = True
            for db_id in list(positions):
                if db_id not in targets:
                    del positions[db_id]
        if moved:
            self._glide.start()
            self._glide_timer.start()
        if self.state is not None and self.controller.spread:
            # What a paint of this state draws is worked out in a turn of its own, and
            # the canvas repaints in the next: at 25,000 elements the two together made
            # one 100 ms frame when the simulator arrived.
            self._prime_timer.start()
        elif self.state is not None:
            self._show_primed()  # (shown with the first state on entering the mode)
        else:
            self.update()

    def _prime(self) -> None:
        """Work out what the state at the cursor draws (see _Drawn), then repaint."""
        state = self.state
        if state is not None and self.controller.active:
            drawn = self._drawn
            if drawn.access is None:
                self._site_totals(state)
            if drawn.paths is None:
                drawn.paths = self._client_paths(state)
            if drawn.pills is None and not self.gliding:
                drawn.pills = self._pill_list(state)
            if drawn.marks is None:
                drawn.marks = self._marks(state)
            # The canvas repaints in the next turn, not in this one.
            self._paint_timer.start()
        else:
            self.update()

    def _show_primed(self) -> None:
        """Repaint what _prime worked out; on entering the mode, show this item first
        (measured now: see _on_mode)."""
        if self.controller.active and not self.isVisible():
            self._update_bounds()
            self.setVisible(True)
        self.update()

    def _glide_step(self) -> None:
        progress = min(1.0, self._glide.elapsed() / GLIDE_MS)
        ease = 1 - (1 - progress) ** 3
        dirty: list[QRectF] = []
        for db_id, end in list(self._pill_to.items()):
            start = self._pill_from.get(db_id, end)
            before = self._pill_pos.get(db_id, start)
            now = (start[0] + (end[0] - start[0]) * ease, start[1] + (end[1] - start[1]) * ease)
            self._pill_pos[db_id] = now
            dirty.append(_pill_rect(before).united(_pill_rect(now)))
        if progress >= 1.0:
            self._glide_timer.stop()
            self._pill_from.clear()
            self._pill_to.clear()
            self._drawn.pills = None
            self.update()  # pills that met collapse under "+N": redraw all once
            return
        # Only where the moving markers were and are: the rest of the canvas (every box
        # under this full-scene item) is not repainted on each of the ~40 glide frames.
        for rect in dirty:
            self.update(rect)

    @property
    def gliding(self) -> bool:
        return self._glide_timer.isActive()

    def settle(self) -> None:
        """Show the state at the controller's time at once, each marker in its place
        (no glide): reports and screenshots take the picture right after."""
        self.refresh()
        self._glide_timer.stop()
        self._pill_from.clear()
        self._pill_to.clear()
        if self.state is not None:
            self._pill_pos = self._pill_targets(self.state)
        self._drawn.pills = None
        self._show_primed()

    def pill_position(self, database_id: str) -> QPointF | None:
        """Where the active marker of a database is drawn now (scene coordinates)."""
        pos = self._pill_pos.get(database_id)
        return None if pos is None else QPointF(*pos)

    def _pill_targets(self, state: StepState) -> dict[str, Pos]:
        targets: dict[str, Pos] = {}
        overflow: dict[str, int] = {}
        last = PILLS_PER_VM - 1
        # Thousands of databases share a few hundred members: each member's box is
        # looked up once (every call into Qt may wait for the interpreter lock while a
        # worker runs), its databases grouped by the state's facts.
        for member, databases in self.controller.facts(state).active_on.items():
            rect = self._rect(member, state)
            if rect is None:
                continue
            n = len(databases)
            if n > PILLS_PER_VM:
                overflow[member] = n - last
            # Right-aligned inside the member's box, stacked leftwards; the last slot
            # collects the rest ("+N").
            right, middle = rect.right(), rect.top() + rect.height() / 2 - PILL_HEIGHT / 2
            for slot, db_id in enumerate(databases[:last]):
                targets[db_id] = (right - (slot + 1) * (PILL_WIDTH + 3), middle)
            if n > last:
                rest = (right - PILLS_PER_VM * (PILL_WIDTH + 3), middle)
                targets.update(dict.fromkeys(databases[last:], rest))
        self._pill_overflow = overflow
        return targets

    def restarted(self, state: StepState | None) -> dict[str, str]:
        """VM → new host, for the HA restarts that have happened by the time cursor."""
        if state is self.state:
            return self._restarted
        return self._compute_restarted(state)

    def _compute_restarted(self, state: StepState | None) -> dict[str, str]:
        if state is None or not state.vm_restarted or self.controller.result is None:
            return {}
        now = self.controller.time
        done = {
            e.element
            for e in self.controller.result.events
            if e.kind == "ha_restart" and e.t <= now
        }
        return {vm: host for vm, host in state.vm_restarted if vm in done}

    def _rect(self, element_id: str, state: StepState | None = None) -> QRectF | None:
        """Where an element is drawn; a VM restarted elsewhere is drawn at its new host."""
        restarted = self.restarted(state)
        if element_id in restarted:
            ghost = self._ghost_rect(element_id, restarted[element_id])
            if ghost is not None:
                return ghost
        return self.design_scene.rect_of(element_id)

    def _ghost_rect(self, vm_id: str, host_id: str) -> QRectF | None:
        vm_rect = self.design_scene.rect_of(vm_id)
        host_rect = self.design_scene.rect_of(host_id)
        if vm_rect is None or host_rect is None:
            return None
        # Just under the new host, stacked if several VMs restart on it.
        height = min(vm_rect.height(), 22.0)
        width = min(vm_rect.width(), host_rect.width() - 12)
        others = sorted(vm for vm, host in self._restarted.items() if host == host_id)
        slot = others.index(vm_id) if vm_id in others else 0
        top = host_rect.bottom() + 4 + slot * (height + 3)
        return QRectF(host_rect.left() + 6, top, width, height)

    # -- painting --------------------------------------------------------------------------
    def _exposed(self, rect: QRectF, left: float = 10, top: float = 20, right: float = 200) -> bool:
        """Whether ``rect`` (with room for its badge) meets the area being painted."""
        return self._paint_area.intersects(rect.adjusted(-left, -top, right, top))

    def boundingRect(self) -> QRectF:
        # The drawing plus room for badges; never the scene rect, which grows with items.
        return self._bounds

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        # Only what meets the exposed area is drawn (a glide step exposes a few pills).
        self._paint_area = (
            QRectF(option.exposedRect) if not option.exposedRect.isEmpty() else self._bounds
        )
        area = self._paint_area
        self._area = (area.left(), area.top(), area.right(), area.bottom())
        self._lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        # The links' labels grow as the view zooms out: where they are at this paint.
        self._drawn.labels = None
        if self.heat is not None and not self.controller.steps:
            self._paint_heat(painter)
        state = self.state
        if state is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_client_paths(painter, state)
        drawn = self._drawn
        if drawn.marks is None:
            drawn.marks = self._marks(state)
        meets = self._meets
        for element_id, rect, color, text in drawn.marks:
            if rect is None or meets(
                rect.left() - 10, rect.top() - 20, rect.right() + 200, rect.bottom() + 20
            ):
                self._mark(painter, element_id, color, text, rect)
        self._paint_degraded(painter)
        self._paint_restarts(painter, state)
        self._paint_pills(painter, state)
        self._paint_sites(painter, state)

    def _marks(self, state: StepState) -> list[tuple[str, QRectF | None, QColor, str]]:
        """The failed and down elements' marks, in paint order, with their boxes."""
        failed = set(state.failed)
        down = set(state.down) - failed
        rect_of = self.design_scene.rect_of
        marks = [(e, rect_of(e), DOWN, "DOWN") for e in sorted(down)]
        marks += [(e, rect_of(e), FAILED, "FAILED") for e in sorted(failed)]
        return marks

    def degraded_links(self) -> dict[str, str]:
        """WAN link → what the scenario has done to it by the time cursor ("Atlanta →
        Charlotte down", "50 Mbit/s", "round trip 59 ms"): the marks a degraded link gets."""
        controller = self.controller
        steps = controller.steps
        if not any(step.action == "degrade" for step in steps):
            return {}
        return link_changes(steps, controller.time, self.design_scene.session.document)

    def _paint_degraded(self, painter: QPainter) -> None:
        """A degraded WAN link: an amber dashed line over it and a badge saying how (a
        failed direction drawn like a healthy link at 0 % read as nothing wrong)."""
        for link_id, text in self.degraded_links().items():
            edge = self.design_scene.edges.get(link_id)
            if edge is None:
                continue
            path = edge.path()
            bounds = path.boundingRect()
            if not self._exposed(bounds, 20, 30, 200):
                continue
            pen = QPen(DOWN, 4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            # Under the line, off the link's own label.
            mid = path.pointAtPercent(0.5)
            painter.setFont(self._bold)
            width = painter.fontMetrics().horizontalAdvance(f"⚠ {text}") + 10
            at = self._off_label(
                edge, QRectF(mid.x() - width / 2, mid.y() + 8, width, BADGE_HEIGHT)
            )
            self._badge(painter, at, f"⚠ {text}", DOWN)

    def _meets(self, left: float, top: float, right: float, bottom: float) -> bool:
        """Whether the box (left, top, right, bottom) meets the area being painted
        (plain floats: no Qt call for each of thousands of markers)."""
        x0, y0, x1, y1 = self._area
        return left <= x1 and right >= x0 and top <= y1 and bottom >= y0

    def _mark(
        self, painter: QPainter, element_id: str, color: QColor, text: str, rect: QRectF | None
    ) -> None:
        if rect is not None:
            if not self._exposed(rect):
                return
            tint = QColor(color)
            tint.setAlpha(60)
            painter.setPen(QPen(color, 2.5))
            painter.setBrush(QBrush(tint))
            painter.drawRoundedRect(rect, 6, 6)
            hatch = QColor(color)
            hatch.setAlpha(110)
            painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect, 6, 6)
            if rect.height() < 40:
                # A row (VM, LUN): a cross at its right end keeps its name readable.
                centre = QPointF(rect.right() - 9, rect.center().y())
                painter.setBrush(color)
                painter.drawEllipse(centre, 7, 7)
                painter.setPen(QPen(QColor("white"), 2))
                painter.drawLine(centre + QPointF(-3, -3), centre + QPointF(3, 3))
                painter.drawLine(centre + QPointF(-3, 3), centre + QPointF(3, -3))
            else:
                # Sites: the top-right corner carries the users badge; use the middle.
                middle = rect.width() > 300
                self._box_badge(painter, element_id, rect, f"✕ {text}", color, middle=middle)
            return
        edge = self.design_scene.edges.get(element_id)
        if edge is not None:
            path = edge.path()
            mid = path.pointAtPercent(0.5)
            pen = QPen(color, 4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            start, end = path.pointAtPercent(0.0), path.pointAtPercent(1.0)
            gap = 0.08
            painter.drawLine(start, path.pointAtPercent(0.5 - gap))
            painter.drawLine(path.pointAtPercent(0.5 + gap), end)
            # In the line's gap, or beside the link's label if it would cover it.
            painter.setFont(self._bold)
            width = painter.fontMetrics().horizontalAdvance(f"✕ {text}") + 10
            badge = QRectF(mid.x() - width / 2, mid.y() - BADGE_HEIGHT / 2, width, BADGE_HEIGHT)
            self._badge(painter, self._off_label(edge, badge), f"✕ {text}", color)

    def _box_badge(
        self,
        painter: QPainter,
        element_id: str,
        rect: QRectF,
        text: str,
        color: QColor,
        *,
        middle: bool = False,
    ) -> None:
        """A badge on the top border of the box ``rect``, at its right end (or from 40
        left of its middle), clear of its findings marker and of WAN links' labels."""
        painter.setFont(self._bold)
        width = painter.fontMetrics().horizontalAdvance(text) + 10
        if middle:
            left = rect.center().x() - 40.0
        else:
            left = self._badge_right(element_id, rect) - 4 - width
        badge = QRectF(left, _badge_top(rect), width, BADGE_HEIGHT)
        for label in self._link_labels():
            if label.intersects(badge):
                badge.moveRight(label.left() - LABEL_CLEARANCE)
        self._badge(painter, badge.topLeft(), text, color)

    def _link_labels(self) -> list[QRectF]:
        """The WAN links' labels as placed (scene coordinates), once per paint."""
        drawn = self._drawn
        if drawn.labels is None:
            scene = self.design_scene
            found: list[QRectF] = []
            for link in scene.session.document.index.by_kind.get("wan_link", ()):
                edge = scene.edges.get(link.id)
                label = edge.label_scene_rect() if edge is not None and edge.isVisible() else None
                if label is not None:
                    found.append(label)
            drawn.labels = found
        return drawn.labels

    def _badge_right(self, element_id: str, rect: QRectF) -> float:
        """Where a box's badges end on the right (see :meth:`_badge`'s ``right``): its
        right edge, or left of its findings marker if it shows one."""
        scene = self.design_scene
        node = scene.nodes.get(element_id)
        if node is None or node.marker is None or not scene.show_findings:
            return rect.right()
        return node.marker_rect(rect, self._lod).left()

    def _off_label(self, edge: EdgeItem, badge: QRectF) -> QPointF:
        """The top-left corner for a link's ``badge``: where asked, or past the link's
        label (on the side away from it) if it would cover the label."""
        label = edge.label_scene_rect()
        if label is None or not label.intersects(badge):
            return badge.topLeft()
        if label.center().y() <= badge.center().y():
            badge.moveTop(label.bottom() + LABEL_CLEARANCE)
        else:
            badge.moveBottom(label.top() - LABEL_CLEARANCE)
        return badge.topLeft()

    def _badge(
        self, painter: QPainter, at: QPointF, text: str, color: QColor, *, right: bool = False
    ) -> QRectF:
        """A rounded label; ``at`` is its top-left corner (top-right with ``right``)."""
        painter.setFont(self._bold)
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(text) + 10
        left = at.x() - width - 4 if right else at.x()
        rect = QRectF(left, at.y(), width, BADGE_HEIGHT)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return rect

    def _paint_restarts(self, painter: QPainter, state: StepState) -> None:
        for vm_id, host_id in self.restarted(state).items():
            ghost = self._ghost_rect(vm_id, host_id)
            old = self.design_scene.rect_of(vm_id)
            if ghost is None or old is None:
                continue
            painter.setPen(QPen(ACTIVE, 2, Qt.PenStyle.DashLine))
            fill = QColor(ACTIVE)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.drawRoundedRect(ghost, 5, 5)
            element = self.design_scene.session.document.get(vm_id)
            painter.setFont(self._font)
            painter.setPen(
                self.design_scene.theme.text
                if hasattr(self.design_scene.theme, "text")
                else QColor("black")
            )
            name = element.name if element is not None else vm_id
            painter.drawText(
                ghost.adjusted(6, 0, -4, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"↻ {name} (HA)",
            )
            self._arrow(painter, old.center(), ghost.center(), ACTIVE)

    def _arrow(self, painter: QPainter, a: QPointF, b: QPointF, color: QColor) -> None:
        path = QPainterPath(a)
        mid = (a + b) / 2 + QPointF(40, 0)
        path.quadTo(mid, b)
        painter.setPen(QPen(color, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        angle = math.atan2(b.y() - mid.y(), b.x() - mid.x())
        head = QPainterPath(b)
        for sign in (-1, 1):
            head.lineTo(
                b - QPointF(math.cos(angle + sign * 0.45) * 10, math.sin(angle + sign * 0.45) * 10)
            )
            head.moveTo(b)
        painter.drawPath(head)

    def _paint_pills(self, painter: QPainter, state: StepState) -> None:
        painter.setFont(self._font)
        gliding = self.gliding
        pills = self._drawn.pills
        if pills is None or gliding:
            pills = self._pill_list(state)
            if not gliding:
                self._drawn.pills = pills
        meets = self._meets
        texts = self._drawn.texts
        metrics = painter.fontMetrics()
        white = QColor("white")
        for x, y, db, first in pills:
            if not meets(x - 2, y - 2, x + PILL_WIDTH + 2, y + PILL_HEIGHT + 2):
                continue
            # Worked out for the markers painted only (thousands at 25,000 elements);
            # kept once the markers are in place ("+N" depends on where they are).
            text = None if gliding else texts.get(db.id)
            if text is None:
                text = metrics.elidedText(
                    self._pill_text(db, (x, y), state, first),
                    Qt.TextElideMode.ElideRight,
                    int(PILL_WIDTH - 4),
                )
                if not gliding:
                    texts[db.id] = text
            rect = QRectF(x, y, PILL_WIDTH, PILL_HEIGHT)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ACTIVE if db.reachable else DOWN)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(white)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _pill_list(self, state: StepState) -> list[_Pill]:
        """The database markers to draw, where they are now: one per database, or,
        when none glides, one per place (those that share it are under its "+N")."""
        pills: list[_Pill] = []
        taken: set[tuple[int, int]] = set()
        gliding = self.gliding
        positions = self._pill_pos
        # Databases stacked on a member's last slot share its position: each position
        # is rounded once (32,000 round() calls at 100,000 elements otherwise).
        keys: dict[Pos, tuple[int, int]] = {}
        for db in state.databases:
            pos = positions.get(db.id)
            if pos is None or db.state != "active":
                continue
            key = keys.get(pos)
            if key is None:
                key = keys[pos] = (round(pos[0]), round(pos[1]))
            first = key not in taken
            if not first and not gliding:
                continue  # collected under the "+N" pill
            taken.add(key)
            pills.append((pos[0], pos[1], db, first))
        return pills

    def _pill_text(self, db: DatabaseState, pos: Pos, state: StepState, first: bool) -> str:
        """A marker's text: the database's short name, or "+N" on a member's last slot
        when more of its databases are active there than it has slots."""
        extra = self._pill_overflow.get(db.active_on or "", 0)
        if (
            db.active_on is not None
            and extra
            and first
            and self._is_last_slot(db.active_on, pos, state)
        ):
            return f"+{extra}"
        return _short(db.name, db.active_on, self)

    def _is_last_slot(self, vm_id: str, pos: Pos, state: StepState) -> bool:
        rect = self._rect(vm_id, state)
        if rect is None:
            return False
        return abs(pos[0] - (rect.right() - PILLS_PER_VM * (PILL_WIDTH + 3))) < 1

    def _paint_client_paths(self, painter: QPainter, state: StepState) -> None:
        """Users of a site enter at its left edge, go to the CAS array they use (their
        own, or another site's after a reroute), and on to the members serving them."""
        paths = self._drawn.paths
        if paths is None:
            paths = self._drawn.paths = self._client_paths(state)
        area = self._paint_area
        thick, dotted = QPen(CLIENT, 3), QPen(CLIENT, 1.4, Qt.PenStyle.DotLine)
        painter.setFont(self._bold)
        for bounds, shape in paths:
            if not area.intersects(bounds):
                continue
            if isinstance(shape, QPainterPath):
                painter.setPen(thick)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(shape)
            elif shape is None:  # the users' entry: a "U" dot
                painter.setPen(thick)
                painter.setBrush(CLIENT)
                painter.drawEllipse(bounds.center(), 7, 7)
                painter.setPen(QColor("white"))
                painter.drawText(bounds, Qt.AlignmentFlag.AlignCenter, "U")
            else:
                painter.setPen(dotted)
                painter.drawLine(*shape)

    def _client_paths(self, state: StepState) -> list[tuple[QRectF, _Shape]]:
        """The client paths' shapes for ``state``, in paint order, each with its bounds."""
        if state is not self.state or self._drawn.members is None:
            self._site_totals(state)  # (already done for the state shown: _prime)
        members_of = self._drawn.members or {}
        shapes: list[tuple[QRectF, _Shape]] = []
        for site in state.sites:
            site_rect = self.design_scene.rect_of(site.id)
            if site_rect is None or not site.users or site.down:
                continue
            for cas_id in site.via:
                cas_rect = self._rect(cas_id, state)
                if cas_rect is None:
                    continue
                entry = QPointF(site_rect.left() - 26, cas_rect.center().y())
                if not site_rect.contains(cas_rect.center()):
                    entry = QPointF(site_rect.left() - 26, site_rect.top() + 40)
                path = QPainterPath(entry)
                target = QPointF(cas_rect.left(), cas_rect.center().y())
                path.cubicTo(entry + QPointF(60, 0), target - QPointF(60, 0), target)
                shapes.append((path.boundingRect().adjusted(-2, -2, 2, 2), path))
                shapes.append((QRectF(entry.x() - 7, entry.y() - 7, 14, 14), None))
                for member in sorted(members_of.get(site.id, ())):
                    member_rect = self._rect(member, state)
                    if member_rect is None:
                        continue
                    a, b = cas_rect.center(), member_rect.center()
                    bounds = QRectF(a, b).normalized().adjusted(-1, -1, 1, 1)
                    shapes.append((bounds, (a, b)))
        return shapes

    def users_with_access(self, state: StepState) -> dict[str, int]:
        """Per site, the users who reach their mailboxes at the time cursor: the share of
        the site's mailboxes whose databases are available now (still mounting counts
        as not yet)."""
        if state is self.state and self._drawn.access is not None:
            return self._drawn.access
        return self._site_totals(state)

    def _site_totals(self, state: StepState) -> dict[str, int]:
        """One pass over the databases for what the sites show: their users with
        access (returned) and, for the client paths, the members serving each site's
        users (kept with the state's drawing)."""
        facts = self.controller.facts(state)
        total, available, members = facts.site_total, facts.site_available, facts.site_members
        result: dict[str, int] = {}
        for site in state.sites:
            if total.get(site.id):
                share = min(
                    site.users_with_access, site.users * available[site.id] // total[site.id]
                )
                result[site.id] = share
            else:
                result[site.id] = site.users_with_access
        if state is self.state:
            self._drawn.access = result
            self._drawn.members = members
        return result

    def _paint_sites(self, painter: QPainter, state: StepState) -> None:
        access = self.users_with_access(state)
        for site in state.sites:
            rect = self.design_scene.rect_of(site.id)
            if rect is None or not site.users or not self._exposed(rect):
                continue
            cut = site.users - access.get(site.id, site.users_with_access)
            if cut > 0:
                self._box_badge(painter, site.id, rect, f"⚠ {cut:,} users cut off", FAILED)
            else:
                self._box_badge(painter, site.id, rect, f"{site.users:,} users connected", CLIENT)
        for dag in state.dags:
            if dag.quorum:
                continue
            rect = self.design_scene.rect_of(dag.id)
            if rect is not None and self._exposed(rect):
                text = f"✕ NO QUORUM ({dag.votes} of {dag.voters} votes)"
                self._box_badge(painter, dag.id, rect, text, FAILED)
            element = self.design_scene.session.document.get(dag.id)
            for member in getattr(element, "members", []):
                member_rect = self._rect(member, state)
                if (
                    member_rect is not None
                    and member not in state.down
                    and self._exposed(member_rect, 4, 4, 4)
                ):
                    painter.setPen(QPen(FAILED, 2, Qt.PenStyle.DashLine))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRoundedRect(member_rect.adjusted(-2, -2, 2, 2), 5, 5)

    def _paint_heat(self, painter: QPainter) -> None:
        assert self.heat is not None
        worst = max(self.heat.values(), default=0) or 1
        for element_id, mailboxes in self.heat.items():
            rect = self.design_scene.rect_of(element_id)
            if rect is None or not self._exposed(rect, top=10):
                continue
            share = mailboxes / worst
            color = QColor.fromHsvF(max(0.0, 0.33 * (1 - share)), 0.85, 0.85)
            tint = QColor(color)
            tint.setAlpha(70 if mailboxes else 35)
            painter.setPen(QPen(color, 3 if mailboxes else 1.5))
            painter.setBrush(tint)
            painter.drawRoundedRect(rect, 6, 6)
            if mailboxes:
                self._badge(
                    painter,
                    QPointF(rect.left() + 4, rect.bottom() - 8),
                    f"N-1: {mailboxes:,} mailboxes",
                    color.darker(130),
                )
