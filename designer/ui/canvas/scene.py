"""The scene: observes the session's Document and keeps one item per element.

Every document event is applied incrementally (an edit touches only its items); the
whole scene is rebuilt only when a new design is loaded. Geometry comes from
``design.layout`` (absolute scene coordinates); elements without an entry get an
automatic place inside their container, which is view state and never saved.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene

from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    ElementsAdded,
    ElementsRemoved,
    LayoutChanged,
)
from designer.domain.design import Severity
from designer.domain.elements import ElementBase, WanLink
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.kinds import (
    DEFAULT_SIZE,
    DETAIL_KINDS,
    EDGE_KINDS,
    HEADER,
    PARENT_FIELDS,
    RELATION_FIELDS,
    edge_ends,
    parent_of,
    relations_of,
    z_of,
)
from designer.ui.canvas.theme import Theme
from designer.ui.session import EditorSession

__all__ = ["DesignScene"]

PAD = 12.0
GAP = 8.0
_SEVERITY_WORD = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def _wan_label(link: WanLink) -> str:
    return f"{link.name} · {link.rtt_ms:g} ms · {link.distance_km:g} km"


class DesignScene(QGraphicsScene):
    """Items for one session's design, kept in step with its events."""

    def __init__(self, session: EditorSession, theme: Theme | None = None) -> None:
        super().__init__()
        self.session = session
        self.theme = theme or Theme()
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self._edges_at: dict[str, set[str]] = defaultdict(set)
        self._relations_of: dict[str, list[str]] = {}
        self.box_parent: dict[str, str | None] = {}
        self.box_children: dict[str, set[str]] = defaultdict(set)
        self._auto_slots: dict[str | None, int] = defaultdict(int)
        self._free = QPointF(0.0, 0.0)
        self._marks: dict[str, tuple[Severity, int, str]] = {}
        self._selected: set[str] = set()
        self._disk_lun: dict[str, str] = {}
        self._disk_wanted: set[str] = set()
        self._child_rects: dict[str, list[QRectF]] = {}
        self.detail_visible = True
        self.show_grid = True
        self.grid_size = 10.0
        self.setBackgroundBrush(self.theme.background)
        session.document_changed.connect(self._on_event)
        session.findings_changed.connect(self.refresh_markers)
        session.selection_changed.connect(self._on_selection)
        self.rebuild()

    def set_theme(self, theme: Theme) -> None:
        """New colours (the desktop switched light/dark): restyle every item."""
        self.theme = theme
        self.setBackgroundBrush(theme.background)
        self.rebuild()

    # -- lookups ---------------------------------------------------------------------
    def item_for(self, element_id: str) -> NodeItem | EdgeItem | None:
        return self.nodes.get(element_id) or self.edges.get(element_id)

    def rect_of(self, element_id: str) -> QRectF | None:
        node = self._end_node(element_id)
        return node.scene_rect() if node is not None else None

    def descendants(self, ids: Iterable[str]) -> list[str]:
        """``ids`` and everything drawn inside them, parents before children."""
        seen: dict[str, None] = {}
        queue = list(ids)
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen[current] = None
            queue.extend(sorted(self.box_children.get(current, ())))
        return list(seen)

    def roots(self, ids: Iterable[str]) -> list[str]:
        """The ids none of whose ancestors is also in ``ids``."""
        wanted = set(ids)
        result = []
        for element_id in ids:
            parent = self.box_parent.get(element_id)
            while parent is not None and parent not in wanted:
                parent = self.box_parent.get(parent)
            if parent is None:
                result.append(element_id)
        return result

    def container_at(
        self, pos: QPointF, kinds: Iterable[str], exclude: Iterable[str] = ()
    ) -> NodeItem | None:
        """The innermost visible box of one of ``kinds`` under ``pos``."""
        allowed, skip = set(kinds), set(exclude)
        for item in self.items(pos):
            if isinstance(item, NodeItem) and item.kind in allowed and item.element_id not in skip:
                return item
        return None

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem) and item.isVisible():
                return item
        return None

    # -- building --------------------------------------------------------------------
    def rebuild(self) -> None:
        """Drop every item and build the scene for the current design (a load)."""
        # Tens of thousands of new wrappers would each trigger the cyclic GC, which then
        # walks the whole design: collect once afterwards instead.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._rebuild()
        finally:
            if was_enabled:
                gc.enable()

    def _rebuild(self) -> None:
        self.clear()
        self.nodes.clear()
        self.edges.clear()
        self._edges_at.clear()
        self._relations_of.clear()
        self.box_parent.clear()
        self.box_children.clear()
        self._auto_slots.clear()
        self._child_rects.clear()
        self._marks.clear()
        self._selected = set()
        self._disk_lun.clear()
        self._disk_wanted = set()
        design = self.session.design
        layout = design.layout
        right = max((e.x + (e.w or 0.0) for e in layout.values()), default=0.0)
        top = min((e.y for e in layout.values()), default=0.0)
        self._free = QPointF(right + 120.0 if layout else 0.0, top)
        later: list[ElementBase] = []
        # Bulk adds are cheaper unindexed; the BSP tree is built once at the end.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        for element in design.elements:
            kind = element.kind
            if kind in EDGE_KINDS:
                continue
            parent = parent_of(element)
            self.box_parent[element.id] = parent
            if parent is not None:
                self.box_children[parent].add(element.id)
            if kind == "virtual_disk":
                continue  # drawn by its VM (a count), not as a box of its own
            if element.id in layout:
                self._add_node(element)
            else:
                later.append(element)
        later.sort(key=lambda e: z_of(e.kind))
        for unplaced in later:
            self._add_node(unplaced)
        for vm, kids in self.box_children.items():
            node = self.nodes.get(vm)
            if node is not None and node.kind == "vm":
                node.disk_count = len(kids)
        for element in design.elements:
            self._add_lines(element)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._on_selection()
        self.refresh_markers()
        self._update_scene_rect()

    def _update_scene_rect(self) -> None:
        bounds = self.content_rect()
        self.setSceneRect(bounds.adjusted(-2000, -2000, 2000, 2000))

    def content_rect(self) -> QRectF:
        """The union of the boxes (edges run between boxes, so they lie inside)."""
        if not self.nodes:
            return QRectF()
        left = top = float("inf")
        right = bottom = float("-inf")
        for node in self.nodes.values():
            p, r = node.pos(), node.rect()
            left, top = min(left, p.x()), min(top, p.y())
            right, bottom = max(right, p.x() + r.width()), max(bottom, p.y() + r.height())
        return QRectF(left, top, right - left, bottom - top)

    def _layout_rect(self, element: ElementBase) -> QRectF | None:
        entry = self.session.design.layout.get(element.id)
        if entry is None:
            return None
        dw, dh = DEFAULT_SIZE.get(element.kind, (160.0, 28.0))
        return QRectF(entry.x, entry.y, entry.w or dw, entry.h or dh)

    def _auto_rect(self, element: ElementBase) -> QRectF:
        kind: str = element.kind
        w, h = DEFAULT_SIZE.get(kind, (160.0, 28.0))
        parent = self.box_parent.get(element.id)
        parent_node = self.nodes.get(parent) if parent else None
        slot = self._auto_slots[parent]
        self._auto_slots[parent] = slot + 1
        if parent_node is None:
            rect = QRectF(self._free.x(), self._free.y(), w, h)
            self._free = QPointF(self._free.x(), self._free.y() + h + 16.0)
            return rect
        pr = parent_node.scene_rect()
        if kind == "virtual_disk":
            return QRectF(pr.right() - 4 - (slot + 1) * (w + 3), pr.center().y() - h / 2, w, h)
        w = min(w, max(20.0, pr.width() - 2 * PAD))
        laid = [
            self.nodes[c].scene_rect().bottom()
            for c in self.box_children.get(parent or "", ())
            if c in self.nodes and not self.nodes[c].auto_placed
        ]
        start = max([pr.top() + HEADER + 6, *[b + GAP for b in laid]])
        cols = max(1, int((pr.width() - 2 * PAD + GAP) // (w + GAP)))
        return QRectF(
            pr.left() + PAD + (slot % cols) * (w + GAP), start + (slot // cols) * (h + GAP), w, h
        )

    def _add_node(self, element: ElementBase) -> NodeItem:
        rect = self._layout_rect(element)
        auto = rect is None
        if rect is None:
            rect = self._auto_rect(element)
        node = NodeItem(self, element, rect)
        node.auto_placed = auto
        kind = node.kind
        node.setZValue(z_of(kind))
        if kind in DETAIL_KINDS and not self.detail_visible:
            node.setVisible(False)
        self.addItem(node)
        self.nodes[element.id] = node
        return node

    def _add_lines(self, element: ElementBase) -> None:
        ends = edge_ends(element)
        if ends is not None:
            label = _wan_label(element) if isinstance(element, WanLink) else ""
            kind = element.kind
            self._add_edge(element.id, kind, ends[0], ends[1], element.id, label)
        keys = []
        for relation in relations_of(element):
            if relation.field == "lun":
                # Disk → LUN lines would hide everything else: drawn for the selection only,
                # and built only then (a big design has one per disk).
                self._disk_lun[relation.source] = relation.target
                if relation.source in self._disk_wanted:
                    self._add_edge(relation.key, "lun", relation.source, relation.target)
                    keys.append(relation.key)
                continue
            if self._add_edge(relation.key, relation.field, relation.source, relation.target):
                keys.append(relation.key)
        if keys:
            self._relations_of[element.id] = keys

    def _count_disks(self, vm_id: str | None) -> None:
        node = self.nodes.get(vm_id) if vm_id else None
        if node is not None and node.kind == "vm":
            node.disk_count = len(self.box_children.get(vm_id, ()))  # type: ignore[arg-type]
            node.update()

    def _end_node(self, element_id: str) -> NodeItem | None:
        """The box a line ends on: the element's own, or a disk's VM."""
        node = self.nodes.get(element_id)
        if node is None and element_id in self.box_parent:
            parent = self.box_parent[element_id]
            node = self.nodes.get(parent) if parent else None
        return node

    def _add_edge(
        self,
        key: str,
        style: str,
        source: str,
        target: str,
        element_id: str | None = None,
        label: str = "",
    ) -> bool:
        a, b = self._end_node(source), self._end_node(target)
        if a is None or b is None:
            return False
        edge = EdgeItem(self.theme, key, style, source, target, element_id, label)
        edge.set_ends(a.scene_rect(), b.scene_rect())
        # Lines to VMs, LUNs and databases go with them when far out.
        edge.detail = a.kind in DETAIL_KINDS or b.kind in DETAIL_KINDS
        if edge.detail and not self.detail_visible:
            edge.setVisible(False)
        self.addItem(edge)
        self.edges[key] = edge
        self._edges_at[source].add(key)
        self._edges_at[target].add(key)
        return True

    def _remove_edge(self, key: str) -> None:
        edge = self.edges.pop(key, None)
        if edge is None:
            return
        self._edges_at[edge.source].discard(key)
        self._edges_at[edge.target].discard(key)
        self.removeItem(edge)

    def _remove_node(self, element_id: str) -> None:
        for key in list(self._edges_at.pop(element_id, ())):
            self._remove_edge(key)
        node = self.nodes.pop(element_id, None)
        if node is not None:
            self.removeItem(node)
        parent = self.box_parent.pop(element_id, None)
        if parent is not None:
            self.box_children[parent].discard(element_id)
        self._marks.pop(element_id, None)

    # -- document events -------------------------------------------------------------
    def _on_event(self, event: DocumentEvent) -> None:
        if isinstance(event, DesignReplaced):
            self.rebuild()
        elif isinstance(event, ElementsAdded):
            self._on_added(event.ids)
        elif isinstance(event, ElementsRemoved):
            self._on_removed(event.ids)
        elif isinstance(event, ElementChanged):
            self._on_changed(event)
        elif isinstance(event, LayoutChanged):
            self._on_layout(event.ids)

    def _on_added(self, ids: Iterable[str]) -> None:
        doc = self.session.document
        elements = [e for e in (doc.get(i) for i in ids) if e is not None]
        boxes = [e for e in elements if e.kind not in EDGE_KINDS]
        for element in boxes:
            parent = parent_of(element)
            self.box_parent[element.id] = parent
            if parent is not None:
                self.box_children[parent].add(element.id)
        boxes.sort(key=lambda e: (e.id not in doc.design.layout, z_of(e.kind)))
        for element in boxes:
            if element.kind == "virtual_disk":
                self._count_disks(self.box_parent.get(element.id))
            else:
                self._add_node(element)
        for element in elements:
            self._add_lines(element)
        self._forget_summaries(ids)
        self._restyle(ids)

    def _on_removed(self, ids: Iterable[str]) -> None:
        for element_id in ids:
            for key in self._relations_of.pop(element_id, []):
                self._remove_edge(key)
            self._disk_lun.pop(element_id, None)
            self._disk_wanted.discard(element_id)
            if element_id in self.edges:
                self._remove_edge(element_id)
            parent = self.box_parent.get(element_id)
            self._remove_node(element_id)
            self.box_children.pop(element_id, None)
            self._count_disks(parent)
            self._child_rects.pop(element_id, None)
            if parent is not None:
                self._child_rects.pop(parent, None)

    def _on_changed(self, event: ElementChanged) -> None:
        element = self.session.document.get(event.id)
        if element is None:
            return
        if event.field == "vm" and element.kind == "virtual_disk":
            old_parent = self.box_parent.get(event.id)
            if old_parent is not None:
                self.box_children[old_parent].discard(event.id)
            self.box_parent[event.id] = element.vm  # type: ignore[attr-defined]
            self.box_children[element.vm].add(event.id)  # type: ignore[attr-defined]
            self._count_disks(old_parent)
            self._count_disks(element.vm)  # type: ignore[attr-defined]
            self.update_edges([event.id])
        node = self.nodes.get(event.id)
        if node is not None:
            node.set_element(element)
            if event.field in PARENT_FIELDS:
                new_parent = parent_of(element)
                old_parent = self.box_parent.get(event.id)
                if new_parent != old_parent:
                    if old_parent is not None:
                        self.box_children[old_parent].discard(event.id)
                    if new_parent is not None:
                        self.box_children[new_parent].add(event.id)
                    self.box_parent[event.id] = new_parent
                    self._forget_summaries([event.id, old_parent or ""])
                    if node.auto_placed:
                        self._place(event.id)
        if event.field in RELATION_FIELDS or (
            event.id in self.edges
            and event.field in ("site_a", "site_b", "source_lun", "target_lun", "source", "target")
        ):
            for key in self._relations_of.pop(event.id, []):
                self._remove_edge(key)
            self._disk_lun.pop(event.id, None)
            if event.id in self.edges:
                self._remove_edge(event.id)
            self._add_lines(element)
            self._restyle([event.id])
        edge = self.edges.get(event.id)
        if isinstance(element, WanLink) and edge is not None:
            edge.set_label(_wan_label(element))

    def _on_layout(self, ids: Iterable[str]) -> None:
        moved: list[str] = []
        for element_id in ids:
            if element_id in self.nodes:
                self._place(element_id)
                moved.append(element_id)
        # Auto-placed content follows its container.
        for element_id in moved:
            for child in self.box_children.get(element_id, ()):
                if self.nodes.get(child) is not None and self.nodes[child].auto_placed:
                    self._reflow(child)
        self._forget_summaries(moved)

    def _reflow(self, element_id: str) -> None:
        self._place(element_id)
        for child in self.box_children.get(element_id, ()):
            node = self.nodes.get(child)
            if node is not None and node.auto_placed:
                self._reflow(child)

    def _place(self, element_id: str) -> None:
        node = self.nodes[element_id]
        element = self.session.document.get(element_id)
        if element is None:
            return
        rect = self._layout_rect(element)
        node.auto_placed = rect is None
        if rect is None:
            rect = self._auto_rect(element)
        node.set_geometry(rect)
        self.update_edges([element_id])

    def update_edges(self, ids: Iterable[str]) -> None:
        for element_id in ids:
            keys = list(self._edges_at.get(element_id, ()))
            node = self.nodes.get(element_id)
            if node is not None and node.disk_count:
                for disk in self.box_children.get(element_id, ()):
                    keys.extend(self._edges_at.get(disk, ()))
            for key in keys:
                edge = self.edges[key]
                a, b = self._end_node(edge.source), self._end_node(edge.target)
                if a is not None and b is not None:
                    edge.set_ends(a.scene_rect(), b.scene_rect())

    # -- transient geometry (a drag in progress; the model is untouched) ---------------
    def preview_offset(self, origins: dict[str, QPointF], delta: QPointF) -> None:
        for element_id, origin in origins.items():
            node = self.nodes.get(element_id)
            if node is not None:
                node.setPos(origin + delta)
        self.update_edges(origins)

    def sync_geometry(self, ids: Iterable[str]) -> None:
        """Put items back where the model says (a cancelled or refused drag)."""
        for element_id in ids:
            if element_id in self.nodes:
                self._place(element_id)

    # -- selection and findings --------------------------------------------------------
    def _on_selection(self) -> None:
        new = set(self.session.selection)
        for element_id in self._selected ^ new:
            self._restyle([element_id], selected=new)
        self._selected = new
        self._show_disk_lines(new)

    def _show_disk_lines(self, selected: set[str]) -> None:
        wanted: set[str] = set()
        for element_id in selected:
            node = self.nodes.get(element_id)
            if node is None:
                if element_id in self._disk_lun:
                    wanted.add(element_id)
                continue
            if node.kind == "vm":
                wanted.update(
                    c for c in self.box_children.get(element_id, ()) if c in self._disk_lun
                )
            elif node.kind == "lun":
                wanted.update(d for d, lun in self._disk_lun.items() if lun == element_id)
        wanted &= set(self._disk_lun)
        for disk in self._disk_wanted - wanted:
            self._remove_edge(f"{disk}|lun|{self._disk_lun[disk]}")
            self._relations_of.pop(disk, None)
        for disk in wanted - self._disk_wanted:
            key = f"{disk}|lun|{self._disk_lun[disk]}"
            if self._add_edge(key, "lun", disk, self._disk_lun[disk]):
                self._relations_of[disk] = [key]
        self._disk_wanted = wanted

    def _restyle(self, ids: Iterable[str], selected: set[str] | None = None) -> None:
        chosen = selected if selected is not None else set(self.session.selection)
        for element_id in ids:
            mark = self._marks.get(element_id)
            marker = (mark[0], mark[1]) if mark else None
            node = self.nodes.get(element_id)
            if node is None and element_id in self.box_parent:  # a disk: shown on its VM
                vm = self.box_parent[element_id]
                node = self.nodes.get(vm) if vm else None
                if node is not None:
                    element_id = node.element_id
                    mark = self._marks.get(element_id)
                    marker = (mark[0], mark[1]) if mark else None
            if node is not None:
                node.selected = element_id in chosen or any(
                    c in chosen for c in self.box_children.get(element_id, ()) if node.disk_count
                )
                node.marker = marker
                node.setToolTip(mark[2] if mark else "")
                node.update()
            edge = self.edges.get(element_id)
            if edge is not None:
                edge.set_state(element_id in chosen, marker)
                edge.setToolTip(mark[2] if mark else "")

    def refresh_markers(self) -> None:
        """Markers follow the session's findings (only changed items are touched)."""
        per: dict[str, list] = defaultdict(list)
        for finding in self.session.findings.active:
            shown: set[str] = set()
            for element_id in finding.elements:
                if element_id not in self.nodes and element_id not in self.edges:
                    # A disk's finding shows on its VM.
                    parent = self.box_parent.get(element_id)
                    element_id = parent if parent in self.nodes else element_id
                if element_id not in shown:
                    shown.add(element_id)
                    per[element_id].append(finding)
        marks: dict[str, tuple[Severity, int, str]] = {}
        for element_id, findings in per.items():
            worst = min(f.severity.rank for f in findings)
            severity = next(f.severity for f in findings if f.severity.rank == worst)
            lines = [
                f"{_SEVERITY_WORD[f.severity]} {f.code}: {f.message}"
                for f in sorted(findings, key=lambda f: f.sort_key())
            ]
            if len(lines) > 12:
                lines = [*lines[:12], f"… and {len(lines) - 12} more"]
            marks[element_id] = (severity, len(findings), "\n".join(lines))
        changed = [i for i in set(marks) | set(self._marks) if marks.get(i) != self._marks.get(i)]
        self._marks = marks
        self._restyle(changed)

    def marker_of(self, element_id: str) -> tuple[Severity, int] | None:
        node = self._end_node(element_id)
        mark = self._marks.get(node.element_id if node is not None else element_id)
        return (mark[0], mark[1]) if mark else None

    # -- level of detail ---------------------------------------------------------------
    def set_detail_visible(self, visible: bool) -> None:
        """Far zoomed out, VMs, LUNs, disks and databases are summarised by their box."""
        if visible == self.detail_visible:
            return
        self.detail_visible = visible
        for node in self.nodes.values():
            if node.kind in DETAIL_KINDS:
                node.setVisible(visible)
        for edge in self.edges.values():
            if edge.detail:
                edge.setVisible(visible)

    def _forget_summaries(self, ids: Iterable[str]) -> None:
        """Drop the cached summaries of these boxes and of the boxes they sit in."""
        for element_id in ids:
            self._child_rects.pop(element_id, None)
            parent = self.box_parent.get(element_id)
            if parent is not None:
                self._child_rects.pop(parent, None)

    def child_rects(self, element_id: str) -> list[QRectF]:
        """Rectangles of the hidden detail inside a box, relative to it (summary paint)."""
        rects = self._child_rects.get(element_id)
        if rects is None:
            origin = self.nodes[element_id].pos()
            rects = [
                self.nodes[c].scene_rect().translated(-origin)
                for c in self.box_children.get(element_id, ())
                if c in self.nodes and self.nodes[c].kind in DETAIL_KINDS
            ]
            self._child_rects[element_id] = rects
        return rects

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)
        painter.fillRect(rect, self.theme.background)
        if not self.show_grid:
            return
        scale = painter.worldTransform().m11()
        step = self.grid_size * 4
        if scale * step < 14:
            return
        pen = QPen(self.theme.grid, 1.0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        lines = []
        x = left
        while x < rect.right():
            lines.append(QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            lines.append(QLineF(rect.left(), y, rect.right(), y))
            y += step
        painter.drawLines(lines)
        painter.setPen(Qt.PenStyle.NoPen)
