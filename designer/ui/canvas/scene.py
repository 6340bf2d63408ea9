"""The scene: observes the session's Document and keeps one item per element.

Every document event is applied incrementally (an edit touches only its items); the
whole scene is rebuilt only when a new design is loaded. Geometry comes from
``design.layout`` (absolute scene coordinates); elements without an entry get an
automatic place inside their container, which is view state and never saved.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

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
from designer.ui.canvas.items.edge import EdgeItem, clip_to_rect
from designer.ui.canvas.items.node import NodeItem, disk_tags, name_tokens
from designer.ui.canvas.kinds import (
    DEFAULT_SIZE,
    DETAIL_KINDS,
    EDGE_KINDS,
    HEADER,
    PARENT_FIELDS,
    PLACEMENT_TAGS,
    REFERENCE_FIELDS,
    RELATION_FIELDS,
    edge_ends,
    member_ids,
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


def _crosses(line: QLineF, rect: QRectF) -> bool:
    """Whether ``line`` passes through ``rect``."""
    if rect.contains(line.p1()) or rect.contains(line.p2()):
        return True
    corners = [rect.topLeft(), rect.topRight(), rect.bottomRight(), rect.bottomLeft()]
    for i in range(4):
        side = QLineF(corners[i], corners[(i + 1) % 4])
        if line.intersects(side)[0] == QLineF.IntersectionType.BoundedIntersection:
            return True
    return False


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
        self._mixed: bool | None = None
        self._indexed = False
        self._affixes: dict[tuple[str | None, str], Counter[str]] = {}
        #: Top-level containers (what a WAN link must not cross) and the WAN links per
        #: pair of sites; None until needed, forgotten when elements come or go.
        self._top_boxes: list[str] | None = None
        self._top_all: list[str] | None = None
        self._wan_pairs: dict[frozenset[str], list[str]] | None = None
        #: Rectangles of the boxes in a container (mirror routing), until one moves.
        self._rects_in: dict[str, list[tuple[str, QRectF]]] = {}
        #: Loose boxes selected → the keys of their member lines.
        self._member_lines: dict[str, list[str]] = {}
        #: How many disks of the design use each placement.
        self._placements: Counter[str] = Counter()
        self._disk_placement: dict[str, str] = {}
        self.detail_visible = True
        self.show_grid = True
        self.grid_size = 10.0
        #: Items drawn over the design that outlive a rebuild (the simulation overlay).
        self._kept: list[QGraphicsItem] = []
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
    def keep_across_rebuilds(self, item: QGraphicsItem) -> None:
        """Add ``item`` (not part of the design, e.g. the simulation overlay) so that a
        rebuild, which clears the scene and so deletes its items, leaves it in place."""
        self._kept.append(item)
        self.addItem(item)

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
        for item in self._kept:  # clear() deletes what it finds: take these out first
            self.removeItem(item)
        self.clear()
        for item in self._kept:
            self.addItem(item)
        self.nodes.clear()
        self.edges.clear()
        self._edges_at.clear()
        self._relations_of.clear()
        self.box_parent.clear()
        self.box_children.clear()
        self._auto_slots.clear()
        self._child_rects.clear()
        self._affixes.clear()
        self._top_boxes = self._top_all = self._wan_pairs = None
        self._rects_in.clear()
        self._member_lines.clear()
        self._marks.clear()
        self._selected = set()
        self._disk_lun.clear()
        self._disk_wanted = set()
        self._placements.clear()
        self._disk_placement.clear()
        design = self.session.design
        layout = design.layout
        right = max((e.x + (e.w or 0.0) for e in layout.values()), default=0.0)
        top = min((e.y for e in layout.values()), default=0.0)
        self._free = QPointF(right + 120.0 if layout else 0.0, top)
        later: list[ElementBase] = []
        # Bulk adds are cheaper unindexed; the BSP tree is built once at the end.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._indexed = False
        for element in design.elements:
            kind = element.kind
            if kind in EDGE_KINDS:
                continue
            parent = parent_of(element)
            self.box_parent[element.id] = parent
            if parent is not None:
                self.box_children[parent].add(element.id)
            if kind == "virtual_disk":
                self._note_placement(element)
                continue  # drawn by its VM (a count), not as a box of its own
            if element.id in layout:
                self._add_node(element)
            else:
                later.append(element)
        later.sort(key=lambda e: z_of(e.kind))
        for unplaced in later:
            self._add_node(unplaced)
        self._mixed = None
        self._refresh_disk_tags()
        for element in design.elements:
            self._add_lines(element)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._indexed = True
        # Again now that all are known: carriers between the same sites run side by
        # side, and labels can look for a free spot in the index.
        for edge in self.edges.values():
            if edge.style_key == "wan_link":
                a, b = self._end_node(edge.source), self._end_node(edge.target)
                if a is not None and b is not None:
                    self._route(edge, a, b)
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
                    self._add_edge(
                        relation.key, "lun", relation.source, relation.target,
                        label=self._disk_label(relation.source),
                    )  # fmt: skip
                    keys.append(relation.key)
                continue
            if self._add_edge(relation.key, relation.field, relation.source, relation.target):
                keys.append(relation.key)
        if keys:
            self._relations_of[element.id] = keys

    def sibling_words(self, element_id: str) -> Counter[str]:
        """How many of a box's siblings (same kind, same container; loose boxes of a
        kind together) have each word in their name: shared words elide first."""
        parent = self.box_parent.get(element_id)
        node = self.nodes.get(element_id)
        key = (parent, node.kind if node is not None else "")
        found = self._affixes.get(key)
        if found is None:
            if parent is not None:
                ids: Iterable[str] = self.box_children.get(parent, ())
            else:
                ids = (i for i, p in self.box_parent.items() if p is None)
            found = Counter()
            for i in ids:
                sibling = self.nodes.get(i)
                if sibling is not None and sibling.kind == key[1]:
                    found.update(set(name_tokens(sibling.name)))
                    found[""] += 1
            self._affixes[key] = found
        return found

    def _note_placement(self, disk: ElementBase) -> None:
        placement = str(disk.placement)  # type: ignore[attr-defined]
        self._disk_placement[disk.id] = placement
        self._placements[placement] += 1

    def _forget_placement(self, disk_id: str) -> None:
        placement = self._disk_placement.pop(disk_id, None)
        if placement is not None:
            self._placements[placement] -= 1

    def _count_disks(self, vm_id: str | None) -> None:
        if not self._refresh_disk_tags():
            self._set_disk_tags(vm_id)

    def _refresh_disk_tags(self) -> bool:
        """Placement tags show only where the design mixes placements (in an all-VMDK
        design they would repeat one word on every VM). True if every VM was redone."""
        mixed = sum(1 for n in self._placements.values() if n) > 1
        if mixed == self._mixed:
            return False
        self._mixed = mixed
        for element_id, node in self.nodes.items():
            if node.kind == "vm":
                self._set_disk_tags(element_id)
        return True

    def _set_disk_tags(self, vm_id: str | None) -> None:
        node = self.nodes.get(vm_id) if vm_id else None
        if node is None or node.kind != "vm":
            return
        doc = self.session.document
        disks = [doc.get(d) for d in self.box_children.get(node.element_id, ())]
        node.disk_count = len(disks)
        node.disk_tags = (
            disk_tags([str(d.placement) for d in disks if d is not None])  # type: ignore[attr-defined]
            if self._mixed
            else []
        )
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
        self._route(edge, a, b)
        # Lines to VMs, LUNs and databases go with them when far out.
        edge.detail = a.kind in DETAIL_KINDS or b.kind in DETAIL_KINDS
        if edge.detail and not self.detail_visible:
            edge.setVisible(False)
        self.addItem(edge)
        self.edges[key] = edge
        self._edges_at[source].add(key)
        self._edges_at[target].add(key)
        return True

    # -- routing ------------------------------------------------------------------------
    def _route(self, edge: EdgeItem, a: NodeItem, b: NodeItem) -> None:
        if edge.style_key == "wan_link":
            if not self._indexed:
                edge.set_ends(a.scene_rect(), b.scene_rect())  # routed once all are in
                return
            self._route_wan(edge, a.scene_rect(), b.scene_rect())
        elif edge.style_key == "mirror" and a.kind == b.kind == "lun":
            self._route_mirror(edge, a, b)
        else:
            edge.set_ends(a.scene_rect(), b.scene_rect())
        if edge.has_label and self._indexed:
            self._place_label_clear(edge)

    def _wan_siblings_reset(self) -> None:
        self._wan_pairs = defaultdict(list)
        for k, e in self.edges.items():
            if e.style_key == "wan_link":
                self._wan_pairs[frozenset((e.source, e.target))].append(k)

    def _wan_siblings(self, edge: EdgeItem) -> tuple[int, int]:
        """(index, count) of the WAN links between the same two sites (carriers)."""
        pair = frozenset((edge.source, edge.target))
        if self._wan_pairs is None:
            self._wan_siblings_reset()
        assert self._wan_pairs is not None
        same = self._wan_pairs[pair]
        if edge.key not in same:
            same.append(edge.key)
        same.sort()
        return same.index(edge.key), len(same)

    def _route_wan(self, edge: EdgeItem, a: QRectF, b: QRectF) -> None:
        """A WAN link runs straight between its sites unless a third site is in the way
        (a line across a site reads as transiting it): then it leaves the top (or the
        bottom) of its sites, near the sides facing each other, and bows around."""
        index, count = self._wan_siblings(edge)
        if self._top_boxes is None:
            # Sites and every other box of their level (a global load balancer…).
            self._top_boxes = [i for i in self.nodes if self.box_parent.get(i) is None]
        spread = (index - (count - 1) / 2) * 14.0
        ca, cb = a.center(), b.center()
        p1, p2 = clip_to_rect(ca, cb, a), clip_to_rect(cb, ca, b)
        line = QLineF(p1, p2)
        if line.length() > 0:
            normal = line.normalVector().unitVector()
            shift = QPointF(normal.dx() * spread, normal.dy() * spread)
            p1, p2 = p1 + shift, p2 + shift
        others = [
            self.nodes[i].scene_rect()
            for i in self._top_boxes
            if i in self.nodes and i not in (edge.source, edge.target)
        ]
        line = QLineF(p1, p2)
        span_rect = QRectF(p1, p2).normalized().adjusted(-9, -9, 9, 9)
        blocked = [
            r for r in others
            if r.intersects(span_rect) and _crosses(line, r.adjusted(-8, -8, 8, 8))
        ]  # fmt: skip
        if not blocked:
            edge.set_route([p1, p2])
        else:
            right = cb.x() >= ca.x()
            inset_a = min(60.0, a.width() / 4) + max(0.0, spread)
            inset_b = min(60.0, b.width() / 4) + max(0.0, spread)
            x1 = a.right() - inset_a if right else a.left() + inset_a
            x2 = b.left() + inset_b if right else b.right() - inset_b
            lo, hi = min(x1, x2), max(x1, x2)
            span = [r for r in others if r.right() > lo and r.left() < hi]
            gap = 56.0 + index * 14.0
            top = min([a.top(), b.top(), *(r.top() for r in span)]) - gap
            bottom = max([a.bottom(), b.bottom(), *(r.bottom() for r in span)]) + gap
            up = (a.top() + b.top()) / 2 - top <= bottom - (a.bottom() + b.bottom()) / 2
            y = top if up else bottom
            ya, yb = (a.top(), b.top()) if up else (a.bottom(), b.bottom())
            edge.set_route([QPointF(x1, ya), QPointF(x1, y), QPointF(x2, y), QPointF(x2, yb)])

    def _place_label_clear(self, edge: EdgeItem) -> None:
        """Put a line's label where it covers no box: along the line if it can, else
        (a WAN link) just outside the boxes with a leader to the line."""
        wan = edge.style_key == "wan_link"
        spots = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)
        if edge.style_key == "lun":
            spots = (0.75, 0.65, 0.85, 0.55, 0.45, 0.35, 0.25)
        for t in spots:
            for above in (True, False):
                rect = edge.label_rect_at(t, above)
                if rect is not None and not self._covers_box(rect, wan, edge):
                    edge.put_label(rect)
                    return
        rect = edge.label_rect_at(spots[0])
        if rect is None or edge.style_key != "wan_link":
            return
        anchor = edge.label_anchor()
        for node_id in (edge.source, edge.target):
            node = self.nodes.get(node_id)
            if node is None:
                continue
            for dy in range(0, 400, 12):
                up = rect.translated(0, node.scene_rect().top() - rect.bottom() - 6 - dy)
                if not self._covers_box(up, wan):
                    edge.put_label(up, anchor)
                    return
        edge.put_label(rect)

    def _covers_box(
        self, rect: QRectF, top_level: bool = False, edge: EdgeItem | None = None
    ) -> bool:
        """Whether ``rect`` covers a box (``top_level``: any top-level box; else a leaf
        box or a title bar) or, for ``edge``, another line's label."""
        if top_level:
            # Everything lies inside the top-level boxes: checking those is enough, and
            # needs no scene index (which a first query would build mid-load).
            if self._top_all is None:
                self._top_all = [i for i in self.nodes if self.box_parent.get(i) is None]
            return any(
                self.nodes[i].isVisible() and self.nodes[i].scene_rect().intersects(rect)
                for i in self._top_all
                if i in self.nodes
            )
        for item in self.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, NodeItem) and item.isVisible():
                if not item.container:
                    return True
                # On a container's body is fine, on its title bar is not.
                header = item.scene_rect()
                header.setHeight(HEADER)
                if header.intersects(rect):
                    return True
            owner = item.parentItem()
            if edge is not None and isinstance(owner, EdgeItem) and owner is not edge:
                return True  # another line's label
        return False

    def _route_mirror(self, edge: EdgeItem, a: NodeItem, b: NodeItem) -> None:
        """A mirror leaves its LUN row at the side facing the target and enters the
        target row at its side; where other LUN columns are in the way it runs in the
        gap under the row, so it never strikes through a LUN's name."""
        ra, rb = a.scene_rect(), b.scene_rect()
        pa = self.nodes.get(self.box_parent.get(a.element_id) or "")
        pb = self.nodes.get(self.box_parent.get(b.element_id) or "")
        box_a = pa.scene_rect() if pa is not None else ra
        box_b = pb.scene_rect() if pb is not None else rb
        if box_a.right() > box_b.left() and box_b.right() > box_a.left():
            edge.set_ends(ra, rb)  # arrays above one another: a plain line
            return
        s = 1.0 if box_b.center().x() > box_a.center().x() else -1.0
        p1 = QPointF(ra.right() if s > 0 else ra.left(), ra.center().y())
        p2 = QPointF(rb.left() if s > 0 else rb.right(), rb.center().y())
        out_a = box_a.right() + 6 if s > 0 else box_a.left() - 6
        in_b = box_b.left() - 6 if s > 0 else box_b.right() + 6
        head = self._row_exit(a, ra, p1, out_a, s)
        tail = self._row_exit(b, rb, p2, in_b, -s)
        points = [*head, *reversed(tail)]
        edge.set_route(points, curve_at=len(head) - 1)

    def _row_exit(
        self, node: NodeItem, rect: QRectF, start: QPointF, x_out: float, s: float
    ) -> list[QPointF]:
        """Points from a LUN row's side to ``x_out`` (outside its array), in the gap
        under the row when boxes of the array stand between."""
        parent = self.box_parent.get(node.element_id) or ""
        boxes = self._rects_in.get(parent)
        if boxes is None:
            boxes = [
                (c, self.nodes[c].scene_rect())
                for c in self.box_children.get(parent, ())
                if c in self.nodes
            ]
            self._rects_in[parent] = boxes
        siblings = [r for c, r in boxes if c != node.element_id]
        lo, hi = sorted((start.x(), x_out))
        y = start.y()
        if not any(r.left() < hi and r.right() > lo and r.top() < y < r.bottom() for r in siblings):
            return [start, QPointF(x_out, y)]
        below = [
            r.top() for r in siblings
            if r.top() >= rect.bottom() - 1 and r.left() < rect.right() and r.right() > rect.left()
        ]  # fmt: skip
        gap = min(below, default=rect.bottom() + 6) - rect.bottom()
        lane = rect.bottom() + max(0.0, min(gap, 8.0)) / 2
        x_turn = start.x() + 4 * s
        return [start, QPointF(x_turn, y), QPointF(x_turn, lane), QPointF(x_out, lane)]

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
        self._rects_in.clear()
        if not isinstance(event, LayoutChanged):
            self._affixes.clear()  # names or boxes changed
            self._top_boxes = self._top_all = self._wan_pairs = None
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
        if self._member_lines and not isinstance(event, LayoutChanged | DesignReplaced):
            # Members may have changed: draw the selected boxes' lines afresh.
            for keys in self._member_lines.values():
                for key in keys:
                    self._remove_edge(key)
            self._member_lines.clear()
            self._show_member_lines(self._selected)

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
                self._note_placement(element)
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
            self._forget_placement(element_id)
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
        if event.field == "placement" and element.kind == "virtual_disk":
            self._forget_placement(event.id)
            self._note_placement(element)
            self._count_disks(self.box_parent.get(event.id))
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
            self._place_label_clear(edge)  # a longer text may no longer fit on the line

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
        self._rects_in.pop(self.box_parent.get(element_id) or "", None)
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
            if node is not None and node.container and self.box_parent.get(element_id) is None:
                # WAN links route around sites: any site moving can change their path.
                if self._wan_pairs is None:
                    self._wan_siblings_reset()
                assert self._wan_pairs is not None
                keys.extend(k for same in self._wan_pairs.values() for k in same)
            for key in dict.fromkeys(keys):
                edge = self.edges.get(key)
                if edge is None:
                    continue
                a, b = self._end_node(edge.source), self._end_node(edge.target)
                if a is not None and b is not None:
                    self._route(edge, a, b)

    # -- transient geometry (a drag in progress; the model is untouched) ---------------
    def preview_offset(self, origins: dict[str, QPointF], delta: QPointF) -> None:
        self._rects_in.clear()
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
        self._show_member_lines(new)

    def _disk_label(self, disk_id: str) -> str:
        """What a disk → LUN line says: how the disk is placed and what it holds."""
        disk = self.session.document.get(disk_id)
        if disk is None:
            return ""
        tag = PLACEMENT_TAGS.get(str(disk.placement), str(disk.placement))  # type: ignore[attr-defined]
        return f"{tag} · {disk.purpose.value}"  # type: ignore[attr-defined]

    def _show_member_lines(self, selected: set[str]) -> None:
        """A loose box (database, consistency group, protection group, recovery plan,
        backup…) shows lines to its members while it is selected."""
        for box in [b for b in self._member_lines if b not in selected or b not in self.nodes]:
            for key in self._member_lines.pop(box):
                self._remove_edge(key)
        doc = self.session.document
        for box in selected:
            node = self.nodes.get(box)
            if node is None or box in self._member_lines or node.kind not in REFERENCE_FIELDS:
                continue
            element = doc.get(box)
            if element is None:
                continue
            keys = []
            for member in member_ids(element):
                edge = self.edges.get(member)
                end = edge.source if edge is not None and edge.element_id else member
                key = f"{box}|member|{member}"
                if key not in self.edges and self._add_edge(key, f"member:{node.kind}", box, end):
                    keys.append(key)
            self._member_lines[box] = keys

    def member_lines_of(self, box: str) -> list[str]:
        """Keys of the member lines shown for a selected loose box."""
        return list(self._member_lines.get(box, ()))

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
            if self._add_edge(key, "lun", disk, self._disk_lun[disk], label=self._disk_label(disk)):
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
