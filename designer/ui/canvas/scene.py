"""The scene: observes the session's Document and keeps one item per drawn element.

Every document event is applied incrementally (an edit touches only its items); the
whole scene is rebuilt only when a new design is loaded. What each kind looks like on
the canvas (box, line or part; its container; its drawn relations and members) comes
from the kind table. Geometry comes from ``design.layout`` (absolute scene
coordinates); a box without an entry gets a place from the layout module's
:class:`~designer.document.layout.Placer` (view state, never saved). Where lines run is
decided by :mod:`designer.ui.canvas.routing`; this module only keeps items in step.
"""

from __future__ import annotations

import gc
import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import compress, islice, repeat
from operator import add, attrgetter, is_, is_not, itemgetter, ne
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView

from designer import collector
from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    ElementsAdded,
    ElementsRemoved,
    LayoutChanged,
)
from designer.document.layout import Placer, Rect, default_size
from designer.domain.design import Design, Severity
from designer.domain.elements import ElementBase, FileShareWitness, Site, WanLink
from designer.domain.enums import SiteRole
from designer.domain.kinds import KINDS, KindInfo, connectable_kinds
from designer.domain.persistent import PersistentMap
from designer.domain.sites import witnesses_only
from designer.rules.finding import Finding
from designer.ui import lifetime, slices
from designer.ui.canvas import routing
from designer.ui.canvas.fills import fill_rect
from designer.ui.canvas.grid import draw_grid
from designer.ui.canvas.items.edge import EdgeItem, load_percent
from designer.ui.canvas.items.node import NodeItem, disk_tags, enum_words, name_tokens
from designer.ui.canvas.labels import Fit, Labels, NameEnds, forget_metrics
from designer.ui.canvas.layers import CanvasLayers, group_of
from designer.ui.canvas.markers import Mark, iter_marks
from designer.ui.canvas.presentation import (
    HEADER,
    PLACEMENT_TAGS,
    holds_only_detail,
    holds_only_far,
    is_detail,
    z_of,
)
from designer.ui.canvas.reach import MarksReach
from designer.ui.canvas.router import Router
from designer.ui.canvas.spots import RectGrid
from designer.ui.canvas.theme import Theme
from designer.ui.session import EditorSession

__all__ = [
    "DRAG_ROUTE_S",
    "REROUTE_AT_ONCE",
    "ROUTE_AT_ONCE",
    "SELECTION_ROUTE_S",
    "DesignScene",
]

#: Where a box's map title goes at one zoom: its room and fit (item coordinates), the
#: rectangle its text takes, as (x, y, width, height) floats, the boxes whose findings
#: markers are drawn again over it (it could not keep off them), its room before it
#: kept off the markers, and the markers it met there (see ``_markers_under``).
_TitlePlace = tuple[
    QRectF,
    Fit,
    tuple[float, float, float, float],
    tuple[str, ...],
    QRectF,
    tuple[float, tuple[str, ...]],
]

#: Up to this many lines are routed while the scene is built; more are drawn straight
#: first and routed in slices between events (a 25,000-element design opens as fast as
#: before; its lines take their routes within a second or so).
ROUTE_AT_ONCE = 150

#: The room left around the drawing to scroll into (px), on each side of the scene rect.
SCENE_MARGIN = 2000
#: How long one slice of background routing may hold the event loop (at most: it
#: shares the turn's budget with the window's other slices, :mod:`designer.ui.slices`).
ROUTE_SLICE_S = 0.012
#: Lines routed together in one batch of the background routing (legs they share are
#: searched once).
ROUTE_BATCH = 4
#: Lines drawn per step once a load's routing has spread them all (~90 µs a line at
#: 25k, its label placed again included); a slice draws steps until its deadline.
DRAW_STEP_LINES = 16
#: How long one step of a drag may spend routing the lines to what stays put; the
#: lines it has no time for are drawn straight until the drop routes them.
DRAG_ROUTE_S = 0.008
#: A move that reroutes more lines than this (a whole site at 25k: ~70) draws them
#: straight and routes them in slices after it, as an open does.
REROUTE_AT_ONCE = 24
#: How long a selection's lines may be routed in its own turn (the UI thread's CPU
#: time, s); those not routed by then are routed in the idle slices, each shown once it
#: is routed and spread, as Select All's hundreds are. In a big design (more elements
#: than the session's ``plan_above``, 5,000) none is: a pasted host's 3 lines at 100k
#: searched across the drawing for 40-130 ms of the paste's turn, one search step alone
#: 20-40 ms.
SELECTION_ROUTE_S = 0.010
#: A change of the document that gives more events than this is a group edit (a DAG's
#: deletion edits its 400 databases); more lines than :data:`GROUP_REROUTE_AT_ONCE` it
#: makes or moves are drawn straight and routed in slices after it (the ~20 lines of
#: a DAG's undo at 100k: ~45 ms of searches in the edit's turn).
GROUP_EVENTS = 16
GROUP_REROUTE_AT_ONCE = 4
#: ... but one line alone (a host's line to its DAG) may take this long.
DRAG_ROUTE_ALONE_S = 0.012

#: Up to this many findings are marked on the canvas at once; more, in slices.
MARKER_SLICE = 500
#: The longest slice of marking findings between two turns of the event loop, seconds.
MARKER_SLICE_S = 0.012
#: Items marked (or restyled) between two looks at the clock.
MARKER_CHUNK = 32
#: Items in view restyled per slice: each such slice ends its turn, so that the canvas
#: repaints a few newly marked rows at a time (their pictures and labels are painted
#: anew: ~0.5 ms a row), not every row in view in one turn; the rows of a slice are
#: neighbours, so that its repaint covers a small part of the view.
MARKER_IN_VIEW = 8


#: A big design opened in a window builds first only the boxes its first frame shows
#: (see :meth:`DesignScene.build_view`); the rest in slices of at most this long.
BUILD_SLICE_S = 0.010
#: Boxes built between two looks at the clock.
BUILD_CHUNK = 16
#: Parts (disks) whose container, placement and drawn relation a slice notes after a
#: big design's first frame (~5 ms on the reference machine).
PARTS_CHUNK = 5_000
#: Boxes whose places a slice reads between two looks at the clock, after a big design's
#: first frame (see :meth:`DesignScene._read_boxes`).
READ_CHUNK = 512
#: Around the opening view, the boxes built with it: what a box near the edge draws
#: beyond its rectangle (its marker, a label) is in the first frame too (scene units).
BUILD_MARGIN = 120.0

_NO_PICTURE = QGraphicsItem.CacheMode.NoCache

#: A box not built yet: (element, x, y, w, h, stacking order).
_Pending = tuple[ElementBase, float, float, float, float, float]
#: An area (left, top, right, bottom) and the boxes not built yet when it was measured
#: that meet it, in design order, with their places (id, x, y, w, h).
_Near = tuple[float, float, float, float, list[tuple[str, float, float, float, float]]]


#: Spots a pass of label placement asks by scanning every label and the scene's
#: index; past that (hundreds of lines drawn at once: Select All) it files the labels
#: and the boxes in grids (:class:`RectGrid`) and asks those: the same answers.
SCAN_SPOTS = 64
#: Labels or boxes filed between two looks at the clock while the drawing slices make
#: their :class:`_Placing` in steps (at 25k: 38,696 lines, 25,000 boxes).
PLACING_STEP = 256


class _Placing:
    """What :meth:`DesignScene._draw_routes` keeps while it places labels: the labels'
    scene rectangles (line key → rect, each label placed replacing its own), the visible
    top-level boxes' rectangles, and, once many spots were asked, the labels and the
    visible boxes filed in grids."""

    __slots__ = ("_asked", "_boxes", "_grid", "_nodes", "labels", "ready", "tops")

    def __init__(
        self, labels: dict[str, QRectF], tops: list[QRectF], nodes: dict[str, NodeItem]
    ) -> None:
        self.labels = labels
        self.tops = tops
        self._nodes = nodes
        self._asked = 0
        self._grid: RectGrid[str] | None = None
        self._boxes: RectGrid[str] | None = None
        #: False while it is made in steps (:meth:`DesignScene._placing_ready`).
        self.ready = True

    def label_grid_steps(self) -> Iterator[None]:
        """File the labels in their grid, in steps."""
        grid: RectGrid[str] = RectGrid()
        for n, (key, placed) in enumerate(list(self.labels.items()), 1):
            grid[key] = placed
            if not n % PLACING_STEP:
                yield
        self._grid = grid

    def box_grid_steps(self) -> Iterator[None]:
        """File the visible boxes (a container's title bar) in their grid, in steps."""
        boxes: RectGrid[str] = RectGrid()
        for n, (box, node) in enumerate(list(self._nodes.items()), 1):
            if node.isVisible():
                where = node.scene_rect()
                if node.container:
                    where.setHeight(HEADER)
                boxes[box] = where
            if not n % PLACING_STEP:
                yield
        self._boxes = boxes

    def placed(self, key: str, rect: QRectF) -> None:
        self.labels[key] = rect
        if self._grid is not None:
            self._grid[key] = rect

    def covers_label(self, rect: QRectF, own: str) -> bool:
        """Whether ``rect`` meets the label of a line other than ``own``."""
        grid = self._grid
        if grid is None:
            self._asked += 1
            if self._asked <= SCAN_SPOTS:
                return any(k != own and r.intersects(rect) for k, r in self.labels.items())
            for _ in self.label_grid_steps():
                pass
            grid = self._grid
            assert grid is not None
        return grid.hits(rect, own)

    def covers_box(self, rect: QRectF) -> bool | None:
        """Whether ``rect`` meets a visible leaf box or a visible container's title bar
        (what the scene's index says of the boxes whose bounds meet it), or None while
        the scene's index is asked (the first spots of a pass)."""
        boxes = self._boxes
        if boxes is None:
            if self._asked <= SCAN_SPOTS:
                return None
            for _ in self.box_grid_steps():
                pass
            boxes = self._boxes
            assert boxes is not None
        nodes = self._nodes

        def meets(box: str, r: QRectF) -> bool:  # (a leaf's filed rectangle is its box)
            return boxes[box].intersects(r) and (
                not nodes[box].container or nodes[box].scene_rect().intersects(r)
            )

        return boxes.meeting(rect, meets)


#: Per kind: whether its boxes are details (``is_detail``), asked once per kind.
_DETAIL: dict[str, bool] = {}


class _Waiting:
    """A line's end whose box is not built yet: what the line asks of it."""

    __slots__ = ("detail", "element_id", "rect_tuple")

    def __init__(self, box: _Pending) -> None:
        element, x, y, w, h, _z = box
        # The model's fields from its dict (not through pydantic's attribute hook),
        # whether its kind is a detail asked once per kind: 1,750 ends at 100k.
        fields = element.__dict__
        self.element_id = fields["id"]
        kind = fields["kind"]
        detail = _DETAIL.get(kind)
        if detail is None:
            detail = _DETAIL[kind] = is_detail(kind)
        self.detail = detail  # NodeItem.detail
        #: (x, y, w, h), as ``_rect(self.scene_rect())`` (a slot: read for each of
        #: the 2,500 ends of 100k's waiting lines, no call).
        self.rect_tuple = (x, y, w, h)

    def scene_rect(self) -> QRectF:
        return QRectF(*self.rect_tuple)


class _BoxesWaiting(Mapping[str, _Pending]):
    """:attr:`DesignScene.boxes_waiting`: the boxes to build, those whose places are
    read (``_pending``) and those not read yet (``_unread``: read when asked for)."""

    __slots__ = ("_scene",)

    def __init__(self, scene: DesignScene) -> None:
        self._scene = scene

    def __contains__(self, key: object) -> bool:
        scene = self._scene
        return key in scene._pending or key in scene._unread

    def __getitem__(self, key: str) -> _Pending:
        scene = self._scene
        if key in scene._unread:
            scene._read_boxes([key])
        return scene._pending[key]

    def __iter__(self) -> Iterator[str]:
        scene = self._scene
        return iter([*scene._pending, *scene._unread])

    def __len__(self) -> int:
        scene = self._scene
        return len(scene._pending) + len(scene._unread)


class _Nodes:
    """``DesignScene.nodes`` while the scene is only partly built: reading it builds the
    rest first (see :meth:`DesignScene.build_view`). Once the scene is whole, ``nodes``
    is a plain attribute of the instance again (this descriptor defines no setter, so
    the instance's attribute wins: no cost on the many reads of a built scene)."""

    def __get__(self, scene: DesignScene | None, owner: type) -> dict[str, NodeItem]:
        assert scene is not None
        if scene.painting_view is None and not scene._partial_reads:
            scene.finish_build()
        return scene._nodes


class _Edges:
    """``DesignScene.edges`` while a big design's lines wait to be made (see
    :meth:`DesignScene._wait_for_lines`): reading it makes the rest of the scene first,
    as :class:`_Nodes` does; a plain attribute of the instance again once whole."""

    def __get__(self, scene: DesignScene | None, owner: type) -> dict[str, EdgeItem]:
        assert scene is not None
        if scene.painting_view is None and not scene._partial_reads:
            scene.finish_build()
        return scene._edges


#: A line not made yet (a big design just opened): its style, ends, element, the WAN
#: link it draws (its label), whether it goes with the rows when far out, its family,
#: the rectangle round its two ends' boxes (left, top, right, bottom), and its two
#: ends' boxes (x, y, w, h): its straight route runs between them (the boxes do not
#: move until it is made; see :func:`_waiting_route`).
_LineWaiting = tuple[
    str,
    str,
    str,
    str | None,
    WanLink | None,
    bool,
    str,
    tuple[float, float, float, float],
    tuple[Rect, Rect],
]
#: A kind's boxes in boxes (a VM's disks) filed a run of one holder at a time
#: (_file_in_runs) when there are more than RUNS_FROM and their runs are RUN_LENGTH
#: long on average (in a sample of the first RUNS_FROM, then in all).
RUNS_FROM = 64
RUN_LENGTH = 8
#: Around a line not made yet, what its item's bounds take in beyond its ends' points
#: (EdgeItem.boundingRect: 40 for its findings badge; its 8-wide hit corridor, its
#: arrow's wings): the first view's fit (DesignView.drawing_rect) measures it so.
LINE_BOUNDS_PAD = 48.0


#: A waiting line's rectangle round its two ends' boxes (left, top, right, bottom).
_ENDS_UNION = itemgetter(7)


def _waiting_route(line: _LineWaiting) -> list[routing.Point]:
    """A waiting line's straight route between its two ends' boxes (the two points),
    worked out when asked: the first view's fit needs few (see
    :meth:`DesignScene.waiting_lines_beyond`), the line's item when it is made."""
    return routing.straight(*line[8])


def _end_rect(end: NodeItem | _Waiting) -> Rect:
    """A line's end's rectangle, as ``_rect(end.scene_rect())`` gives it (a box's
    kept geometry: each drag step of a site drew its lines straight between ends read
    from Qt, four calls an end)."""
    return end.rect_tuple if isinstance(end, _Waiting) else end.box()


#: The boxes and rows in view a big renaming's boxes repaint per turn once it is done.
RENAMED_REPAINT_AT_ONCE = 24

#: The fields whose change may alter a box's siblings' pictures (a name's elision
#: depends on its neighbours' names; a box moved to another box changes both boxes'
#: rows): an element's other fields change its own picture and its box's only.
_NEIGHBOUR_FIELDS = frozenset({"name", *(f for info in KINDS.values() for f in info.spec.inside)})


def _ids_of(event: DocumentEvent, *, moved: bool = False) -> tuple[str, ...]:
    """The elements whose name, box or existence an edit changed (what the other
    boxes' pictures may depend on; moves: see ``DesignScene._forget_summaries``), and
    with ``moved`` those moved too."""
    if isinstance(event, ElementsAdded | ElementsRemoved) or (
        moved and isinstance(event, LayoutChanged)
    ):
        return event.ids
    if isinstance(event, ElementChanged):
        return (event.id,)  # its name, or the box it sits in
    return ()


def _member_of(box: str, key: str) -> str | None:
    """The member a member line of ``box`` ends on (its key ``"box|member|id"``)."""
    prefix = f"{box}|member|"
    return key[len(prefix) :] if key.startswith(prefix) else None


def _wan_label(link: WanLink) -> str:
    # A new link states no distance (it read "0 km": sites side by side; wave 26).
    distance = "distance not set" if link.distance_km is None else f"{link.distance_km:,g} km"
    return f"{link.name} · {link.rtt_ms:,g} ms · {distance}"


def _rect(r: QRectF) -> Rect:
    return (r.x(), r.y(), r.width(), r.height())


def _points(points: list[routing.Point]) -> list[QPointF]:
    return [QPointF(x, y) for x, y in points]


def _look_of(kind: str, looks: dict[str, tuple[float, float, float]]) -> tuple[float, float, float]:
    """A kind's default box size and stacking order, noted in ``looks``."""
    look = looks[kind] = (*default_size(kind), z_of(kind))
    return look


def _has_places(layout: Mapping[str, Any], ids: dict[str, Any]) -> bool:
    """Whether each of ``ids`` has a layout entry (the build's boxes in boxes: 30,000 at
    100k), by the key views in C where the layout is a dict (a design as read) or
    answers from one (:meth:`PersistentMap.has_all`), not a ``get`` call per id."""
    if type(layout) is dict:
        return ids.keys() <= layout.keys()
    if isinstance(layout, PersistentMap):
        return layout.has_all(ids)
    return all(map(layout.__contains__, ids))


def _file_in_runs(
    table: defaultdict[Any, Any],
    holders: Sequence[Any],
    items: Sequence[Any],
    one: Callable[[Any, Any], object],
    many: Callable[[Any, Any], object],
) -> bool:
    """``one(table[holder], item)`` for each holder and item of these aligned lists,
    in order, in C (a box's boxes: ``set.add``; a VM's disks: ``list.append``); when
    the holders come in long runs (a DAG's databases, a cluster's hosts: how a design
    is usually written), a run at a time by ``many`` (``set.update``,
    ``list.extend``): ~13 M instructions less at 100k than a call per item. The same
    tables either way, each filled in the same order. True when filed by runs."""
    runs = _runs(holders) if len(holders) > RUNS_FROM else None
    if runs is None:
        deque(map(one, map(table.__getitem__, holders), items), 0)
        return False
    for start, end in runs:
        many(table[holders[start]], items[start:end])
    return True


def _runs(holders: Sequence[Any]) -> list[tuple[int, int]] | None:
    """The runs of equal holders, (start, end) each, in order, when they are
    RUN_LENGTH long on average; None otherwise (decided on a sample of the first
    RUNS_FROM first: no work on a column written otherwise, as the bench's disks).
    Each run's end is found by doubling steps then halving them (a few Python steps a
    run), then the run checked whole in C (``list.count``: the references read are
    each their own string, equal, not the same object); a run that is not whole (a
    holder coming back after another) gives None."""
    count = len(holders)
    if sum(map(ne, islice(holders, 1, RUNS_FROM + 1), holders)) * RUN_LENGTH >= RUNS_FROM:
        return None
    runs: list[tuple[int, int]] = []
    start = 0
    while start < count:
        holder = holders[start]
        known, step = start, 1  # holders[known] is the holder; past ``beyond`` it is not
        beyond = count
        while known + step < count:
            if holders[known + step] != holder:
                beyond = known + step
                break
            known += step
            step *= 2
        while beyond - known > 1:
            middle = (known + beyond) // 2
            if holders[middle] == holder:
                known = middle
            else:
                beyond = middle
        if holders[start:beyond].count(holder) != beyond - start:
            return None
        runs.append((start, beyond))
        if len(runs) * RUN_LENGTH > beyond + RUNS_FROM:
            return None  # short runs after all (past the sample)
        start = beyond
    return runs


def _info(kind: str) -> KindInfo | None:
    return KINDS.get(kind)


#: (the kind's entry, a part, has lines, a line, its container fields, its drawn fields)
_BuildPlan = tuple[KindInfo, bool, bool, bool, tuple[str, ...], tuple[str, ...]]
_UNPLANNED: Any = object()
#: What :attr:`DesignScene.boxes_parent` gives for an id that is no box's.
_NOT_A_BOX: Any = object()
T = TypeVar("T")
#: A big design's parts' tables while they wait (see DesignScene._wait_for_parts).
_PartsTables = tuple[
    dict[str, str],
    dict[str, tuple[str, str]],
    dict[str, str | None],
    defaultdict[str, set[str]],
]


def _build_plan(element: ElementBase) -> _BuildPlan | None:
    """What :meth:`DesignScene._rebuild` asks of an element's kind (None: not drawn)."""
    info = KINDS.get(element.kind)
    if info is None:
        return None
    spec = info.spec
    part = spec.shape == "part"
    lined = spec.ends is not None or (bool(spec.drawn) and not part)
    return info, part, lined, spec.shape == "line", tuple(spec.inside), tuple(spec.drawn)


class _CheckColumns(Protocol):
    """What the loader's structure check read of a design a column at a time
    (``designer.domain.structure.Columns``, kept by the Document until its first edit:
    ``Document.load_columns``): the scene's build reads these (all set with
    ``by_kind``; see :meth:`DesignScene._check_columns`)."""

    #: Every element's id, in design order.
    ids: list[str]
    #: Each kind's elements in design order (the index's own lists), None if not read.
    by_kind: dict[str, list[ElementBase]] | None
    #: By kind, aligned with ``by_kind``: the elements' ids and their fields (``__dict__``).
    group_ids: dict[str, list[str]]
    group_fields: dict[str, list[dict[str, Any]]]
    #: (kind, field) → a plain reference's column (an id or None), aligned likewise.
    refs: dict[tuple[str, str], list[str | None]]
    #: (kind, count) of each run of elements of one kind, in design order.
    runs: list[tuple[str, int]]


def _note_parts(
    parts: Iterable[ElementBase],
    plans: dict[type, _BuildPlan | None],
    placement_of: dict[str, str],
    part_lines: dict[str, tuple[str, str]],
    box_parent: dict[str, str | None] | None = None,
    box_children: defaultdict[str, set[str]] | None = None,
) -> None:
    """Note each part's placement value and drawn relation (``KindInfo.drawn_of``: the
    last of them), as :meth:`DesignScene._rebuild` did in its loop (``_note_part``,
    inline; the placements are counted apart); with ``box_parent`` and
    ``box_children``, its container too (``KindInfo.container_of``: the first of its
    ``inside`` fields set)."""
    for element in parts:
        plan = plans[type(element)]
        assert plan is not None
        element_id = element.id
        fields = element.__dict__
        if box_parent is not None and box_children is not None:
            parent = None
            for name in plan[4]:
                value = fields[name]
                if value:
                    parent = value if type(value) is str else str(value)
                    break
            box_parent[element_id] = parent
            if parent is not None:
                box_children[parent].add(element_id)
        placement = fields.get("placement")
        if placement is not None:
            placement_of[element_id] = placement._value_
        for name in plan[5]:
            value = fields[name]
            if value is None:
                continue
            if type(value) is str:  # a plain reference (a disk's LUN)
                part_lines[element_id] = (name, value)
                continue
            for target in value if isinstance(value, list) else (value,):
                part_lines[element_id] = (name, target)


class _PartsNoted(Generic[T]):
    """A table that holds the parts (``DesignScene._disk_placement``, ``_part_lines``,
    ``box_parent``, ``box_children``) while a big design's parts wait to be noted (see
    :meth:`DesignScene._wait_for_parts`): reading it notes them first. Once they are,
    the table is a plain attribute of the instance again (no setter here: the
    instance's attribute wins, no cost per read)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, scene: DesignScene | None, owner: type) -> T:
        assert scene is not None
        scene._note_waiting_parts()
        table: T = scene.__dict__[self.name]
        return table


#: The fields whose change can move a file share witness to another site than the one
#: it states (see DesignScene.witness_runs_in).
_WITNESS_FIELDS = frozenset({"site", "vm", "host", "name"})
#: The fields whose change can make a site a witness site or no longer one (see
#: :meth:`DesignScene.witness_site_words`).
_SITE_WORDS_FIELDS = frozenset(
    {"roles", "exchange_version", "host", "site", "vm", "users", "role", "subnet"}
)


class DesignScene(QGraphicsScene):
    """Items for one session's design, kept in step with its events."""

    #: The boxes by element id (an attribute of the instance once the scene is whole).
    nodes = _Nodes()
    #: The lines by key (likewise).
    edges = _Edges()
    #: Each part's placement value (a disk's "vmdk_vmfs"), and its drawn relation (a
    #: disk's LUN: drawn for the selection only); see :meth:`_note_waiting_parts`.
    _disk_placement: _PartsNoted[dict[str, str]] = _PartsNoted()
    _part_lines: _PartsNoted[dict[str, tuple[str, str]]] = _PartsNoted()
    #: The box each element is drawn in (parts too: a disk's VM), and the reverse (a
    #: big design's parts noted after its first frame, as the two tables above).
    box_parent: _PartsNoted[dict[str, str | None]] = _PartsNoted()
    box_children: _PartsNoted[defaultdict[str, set[str]]] = _PartsNoted()

    def __init__(self, session: EditorSession, theme: Theme | None = None) -> None:
        super().__init__()
        self.session = session
        self.theme = theme or Theme()
        self._nodes: dict[str, NodeItem] = {}
        self.__dict__["nodes"] = self._nodes
        #: A big design opened in a window: the boxes not built yet (element id →
        #: what building one needs), the boxes in design order (the order in which
        #: the build adds them to the scene, as a whole build does), how far the
        #: slices are through it, and each box's parts (a VM's disks).
        self._pending: dict[str, _Pending] = {}
        self._order: list[str] = []
        #: The boxes in boxes whose places are not read yet (element id → element, in
        #: design order): read when a view reaches them (:meth:`_shown_from_tops`), a
        #: line ends on them, or by the slices after the first frame (:meth:`_read_boxes`).
        self._unread: dict[str, ElementBase] = {}
        #: The places read so far (x, y, w, h), by element id (every box's once read).
        self._rects: dict[str, tuple[float, float, float, float]] = {}
        #: The top-level boxes of a partial build (their places in :attr:`_rects`).
        self._tops: list[str] = []
        #: Union (left, top, right, bottom) of the places read after the build's loop,
        #: and what reading needs: the layout's getter, each kind's size and stacking.
        self._read_union = [math.inf, math.inf, -math.inf, -math.inf]
        self._read_layout: Callable[[str], Any] = dict[str, Any]().get
        self._looks: dict[str, tuple[float, float, float]] = {}
        self._build_pos = 0
        self._parts_of: dict[str, list[ElementBase]] = {}
        #: Areas of the scene whose boxes are all built (the views built so far).
        self._built_rects: list[QRectF] = []
        #: Round the views built so far: an area (left, top, right, bottom) and the boxes
        #: of :attr:`_order` meeting it, with their places (see :meth:`_build_boxes_in`).
        self._near: _Near | None = None
        #: Reads of the built part are enough (:meth:`partial_reads`).
        self._partial_reads = 0
        #: The routing slices wait for the whole scene.
        self._route_when_built = False
        #: The lines by key (:attr:`edges`: an attribute of the instance once whole).
        self._edges: dict[str, EdgeItem] = {}
        self.__dict__["edges"] = self._edges
        #: A big design opened in a window: its lines not made yet (key → what making
        #: one needs), in design order, and how far the slices are through them.
        self._lines: dict[str, _LineWaiting] = {}
        #: Their two ends as they were planned (the router's entry: see _line_step).
        self._line_ends: dict[str, tuple[NodeItem | _Waiting, NodeItem | _Waiting]] = {}
        self._line_order: list[str] = []
        self._line_pos = 0
        #: While a selection's lines are added: the lines to route at the end.
        self._lines_batch: list[str] | None = None
        self._lines_batch_removed = False
        #: While the events of one change of the document arrive (see
        #: :meth:`_on_changes_applied`): the lines to route at their end, whether one
        #: was removed, and the boxes and loose kinds whose pictures to repaint then
        #: (None: no change under way). A removal that edits 400 databases gives 400
        #: events: each one routed its lines and walked its box's rows (482,000 repaints
        #: and 100 reroutes for 50 VMs deleted at 100k, 13 s).
        self._edit_lines: list[str] | None = None
        self._edit_removed = False
        #: How many events the change under way has given (a group edit gives many).
        self._edit_events = 0
        #: While the events of one edit are applied (:meth:`_on_edited`): the WAN links
        #: whose labels to write and place once they all are (None: not in an edit).
        self._labels_waiting: dict[str, None] | None = None
        self._edit_boxes: set[str] = set()
        self._edit_leaving: list[EdgeItem] = []
        self._edit_new: list[str] = []
        self._edit_loose: set[str] = set()
        #: The boxes whose own picture (not their rows') to repaint then: an element's
        #: field other than its name or its box changed (see _NEIGHBOUR_FIELDS).
        self._edit_alone: set[str] = set()
        #: The boxes whose disks to tag again in the idle slices (see
        #: :meth:`_refresh_disk_tags`: the design's mix of placements changed in a step
        #: of a big edit).
        self._retag: list[str] = []
        #: WAN link → (utilisation, tooltip) shown on the canvas (see set_link_loads).
        self.link_loads: dict[str, tuple[float, str]] = {}
        #: What a simulated scenario has done to a WAN link ("Atlanta → Charlotte down").
        self.link_notes: dict[str, str] = {}
        self._edges_at: dict[str, set[str]] = defaultdict(set)
        self._relations_of: dict[str, list[str]] = {}
        #: The union of the boxes (:meth:`content_rect`) as (left, top, right, bottom),
        #: kept as boxes are built, added, moved and removed (None: to walk again).
        self._content: tuple[float, float, float, float] | None = None
        self.__dict__["box_parent"] = {}
        self.__dict__["box_children"] = defaultdict(set)
        self._placer = Placer(session.design, self._box_rect)
        self._marks: dict[str, Mark] = {}
        self._marker_job: Iterator[bool] | None = None
        self._selected: set[str] = set()
        #: Drawn relations of parts (a disk's LUN): drawn for the selection only.
        self.__dict__["_part_lines"] = {}
        self._part_wanted: set[str] = set()
        self._child_rects: dict[str, list[QRectF]] = {}
        #: The hosts in a box, by box, relative to it (see :meth:`far_rects`).
        self._far_rects: dict[str, list[QRectF]] = {}
        self._mixed: bool | None = None
        #: While a big design's parts wait to be noted: whether they mix placements.
        self._parts_mixed = False
        #: The kinds that draw parts (a VM: its disks).
        self._holders: set[str] = set()
        self._indexed = False
        self._affixes: dict[tuple[str | None, str], Counter[str]] = {}
        #: Per group of boxes (:meth:`sibling_tail`), each name's distinguishing end.
        self._tails: dict[tuple[str, str | None, str], NameEnds] = {}
        #: Each box's distinguishing end, once worked out (see :meth:`sibling_tail`).
        self._tail_of: dict[str, str] = {}
        #: Top-level boxes in the order they were drawn (see :meth:`_top_level`); None
        #: until needed. Kept as boxes come and go (an edit): made again, a walk over
        #: every box (3–8 ms at 100k), it was most of the paint after each edit.
        self._top_boxes: list[str] | None = None
        #: This pass's map titles of top-level boxes (see :meth:`_reserve_map_titles`).
        self._map_titles: list[tuple[NodeItem, _TitlePlace, QRectF]] = []
        #: Where each top-level box's map title goes, at the zoom, name, size, marker
        #: and theme it was placed for (the same in every pass at one zoom), and the
        #: design's revision, markers set and boxes built when it last looked for the
        #: findings markers under it.
        self._map_title_places: dict[
            str, tuple[tuple[object, ...], tuple[int, int, int], _TitlePlace | None]
        ] = {}
        #: Markers set or cleared so far: a map title placed before looks again for
        #: the findings markers under it (:meth:`_map_title_place` keeps off them).
        self._markers_changed = 0
        #: Each map title drawn, as a picture copied in every pass, with the entry of
        #: :attr:`_map_title_places` it shows (placed anew: a new picture).
        self._map_title_pictures: dict[str, tuple[object, tuple[QPixmap, QPointF]]] = {}
        #: How many boxes there were when :attr:`_top_boxes` was last up to date.
        self._top_of = 0
        #: While :meth:`_draw_routes` places labels: the labels' scene rectangles (line
        #: key → rect) and the visible top-level boxes' (asked of every label spot
        #: tried: 1,266 lines and their labels, at 100k, made one slice of routes
        #: drawn take 30–160 ms). None otherwise.
        self._placing: _Placing | None = None
        #: What the slices drawing spread lines in steps keep of :attr:`_placing` from
        #: one slice to the next, with what it was made from (:meth:`_placing_state`);
        #: dropped by anything else that moves, adds or removes boxes, lines or labels.
        #: Made again for each step, it was most of the drawing of a 10k Select All's
        #: 15,000 lines (a walk over every label and box per 16 lines drawn).
        self._kept_placing: tuple[object, _Placing] | None = None
        #: The kept rectangles being made in steps (see :meth:`_placing_ready`).
        self._placing_build: tuple[_Placing, Iterator[None]] | None = None
        #: Columns of loose rows too small to name in this paint pass (drawn summarised).
        self._loose_summaries: list[list[str]] = []
        #: The loose rows summarised in the last paint pass (their pictures say nothing).
        self._loose_summarised: set[str] = set()
        #: Where the lines run (routing is the router's; this scene draws its points).
        self.router = Router(self)
        #: Lines not routed yet (a big design routes them in slices after it opens).
        self._unrouted: list[str] = []
        #: The lines to spread once the slices are done (None: every line, after a load).
        self._settle_after: dict[str, None] | None = None
        #: The boxes a big edit's steps took away or brought back, whose lines going
        #: through or near them are looked for once the edit is done (see
        #: :meth:`_reroute_crossing`).
        self._crossing_after: list[Rect] = []
        #: Lines a selection showed that wait for their routes, hidden: drawn once
        #: routed and spread, in the order an immediate reroute draws them, and shown
        #: once all are drawn (:attr:`_unveil`): a view and Overview painted after each
        #: slice of them cost ~0.25 s each at 1k.
        self._held: set[str] = set()
        self._unveil: dict[str, None] = {}
        #: Lines a selection took away in a big batch (Escape after Select All): hidden
        #: at once, taken out of the scene in the idle slices (a removal from the
        #: scene's index took ~130 µs a line at 10k: 2 s for 15,000 in the key event).
        self._leaving: list[EdgeItem] = []
        #: A big selection's lines to make (("add", key, style, source, target, element,
        #: label)) and to take away (("remove", key)), in order, in the idle slices; the
        #: lines they add and reroute so far; whether one was removed; and whether
        #: _add_edge and _remove_edge queue them (see :meth:`_select`).
        self._line_ops: list[tuple[Any, ...]] = []
        self._ops_batch: list[str] = []
        self._ops_removed = False
        self._deferring = False
        self._making_hidden = False
        #: The batch being routed in steps: its keys, those routed so far, its steps
        #: (:meth:`Router.route_many_steps`; one search of a 100k design's site takes
        #: up to a second, so a batch spans turns of the event loop).
        self._route_batch: tuple[list[str], list[str], Iterator[str | None]] | None = None
        #: After a load's lines are all routed, their spreading in steps
        #: (:meth:`Router.settle_all_steps`), then the lines to draw as spread.
        self._settling: Iterator[bool] | None = None
        #: A selection's lines all routed: their spreading in steps
        #: (:meth:`Router.settle_steps`; one settle of Select All's 15,000 lines at 10k
        #: took 1.7 s of CPU in one turn), then the lines to draw as spread.
        self._spreading: Iterator[dict[str, list[routing.Point]] | None] | None = None
        self._drawing: list[str] = []
        #: Where the boxes of a drag in progress were before it (their lines' detours).
        self._dragged_from: dict[str, Rect] = {}
        #: A drag in progress: the routes, as at its start, of the lines that move whole.
        self._dragged_lines: dict[str, list[QPointF]] = {}
        self._dragged_keys: list[str] = []
        self._drag_cost: dict[str, float] = {}
        #: Loose boxes selected → the keys of their member lines.
        self._member_lines: dict[str, list[str]] = {}
        #: How many disks of the design use each placement.
        self._placements: Counter[str] = Counter()
        self.__dict__["_disk_placement"] = {}
        #: A big design just opened: its parts whose placements and drawn relations are
        #: noted after the first frame (or when first read), and the tables they go to.
        self._parts_waiting: list[ElementBase] = []
        self._parts_tables: _PartsTables | None = None
        self._parts_plans: dict[type, _BuildPlan | None] = {}
        self._parts_noted = 0
        self.detail_visible = True
        #: False when zoomed farther out still: ESXi hosts hidden, their clusters
        #: drawing them as bars (see presentation.is_far_detail).
        self.hosts_visible = True
        #: Every text of a paint pass (readable size, no overlaps; see labels.py).
        self.labels = Labels(on_record=self._repaint_pictures)
        #: The view whose paint event is under way (see NodeItem.paint).
        self.painting_view: QGraphicsView | None = None
        #: The boxes in other boxes (hosts, clusters, arrays) that this paint pass of
        #: the canvas meets, outer before inner: the view lists them as it walks the
        #: pass's items (CanvasView.drawBackground); their map titles are the scene's.
        self.nested_in_pass: list[NodeItem] = []
        #: While the scene is pictured at another scale (the Overview): the canvas's
        #: zoom, at which the marks drawn at a fixed size on screen (a selected box's
        #: handles and ports, findings markers) are drawn, so that the picture shows
        #: them as the canvas does, scaled; None: at the painter's own scale.
        self.marks_lod: float | None = None
        #: The boxes given a kept picture (by the view, as it first paints them).
        self.pictured: set[str] = set()
        #: The boxes whose bounds take in their handles and ports (see reach.py).
        self.marks_reach = MarksReach(self)
        #: Families shown or hidden, findings markers, dimming (view state; layers.py).
        self.layers = CanvasLayers(self)
        self.show_grid = True
        self.grid_size = 10.0
        #: Items drawn over the design that outlive a rebuild (the simulation overlay).
        self._kept: list[QGraphicsItem] = []
        self.setBackgroundBrush(self.theme.background)
        #: The boxes (and loose kinds) whose rows a big renaming's steps renamed: their
        #: other rows and the box itself are repainted once the edit is done.
        self._renamed_in: set[str] = set()
        self._renamed_loose: set[str] = set()
        session.busy_changed.connect(self._on_busy)
        session.document_edited.connect(self._on_edited)
        session.changes_applied.connect(self._on_changes_applied)
        session.findings_changed.connect(self.refresh_markers)
        session.selection_changed.connect(self._on_selection)
        self.rebuild()

    def set_theme(self, theme: Theme) -> None:
        """New colours (the desktop switched light/dark): restyle every item."""
        self._kept_placing = None
        self.theme = theme
        forget_metrics()  # its fonts measured anew
        self.setBackgroundBrush(theme.background)
        self.rebuild()

    # -- lookups ---------------------------------------------------------------------
    def item_for(self, element_id: str) -> NodeItem | EdgeItem | None:
        return self.nodes.get(element_id) or self.edges.get(element_id)

    def rect_of(self, element_id: str) -> QRectF | None:
        node = self._end_node(element_id)
        return node.scene_rect() if node is not None else None

    def _box_rect(self, element_id: str) -> Rect | None:
        node = self.nodes.get(element_id)
        return _rect(node.scene_rect()) if node is not None else None

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

    def titled_at(self, pos: QPointF, under: NodeItem | None, scale: float) -> NodeItem | None:
        """The box whose map title (its name over its content, zoomed out: see
        :meth:`_reserve_map_titles`) lies under ``pos`` at the view's ``scale``, or
        None. ``under`` is the box under ``pos`` (:meth:`node_at`): the title's box is
        it or one that holds it, looked at outermost first, as their titles claim their
        spots. At Fit to Window a click on "DC03" over a site picked the host under
        the name, and in simulation mode failed that host (eyes30, 25k)."""
        chain: list[str] = []
        element_id = under.element_id if under is not None else None
        while element_id is not None:
            chain.append(element_id)
            element_id = self.box_parent.get(element_id)
        places = self._map_title_places
        for element_id in reversed(chain):
            known = places.get(element_id)
            node = self.nodes.get(element_id)
            if known is None or node is None:
                continue
            key, _under, place = known
            box = node.box()
            placed_at = key[0]
            if (
                place is None
                or key[2] != box
                or not isinstance(placed_at, float)
                or not math.isclose(placed_at, scale, rel_tol=1e-6)
            ):
                continue  # placed at another zoom or size: not what is drawn now
            x, y, w, h = place[2]
            if QRectF(box[0] + x, box[1] + y, w, h).contains(pos):
                return node
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
        self._drop_waiting_parts()
        self._kept_placing = None
        slices.shared().cancel(self._building_key)
        slices.shared().cancel(self._leaving_key)
        self._leaving = []  # (clear() deletes them)
        slices.shared().cancel(self._retag_key)
        self._retag = []
        slices.shared().cancel(self._line_ops_key)
        self._line_ops = []
        self._ops_batch = []
        self._ops_removed = False
        self._end_partial()
        for item in self._kept:  # clear() deletes what it finds: take these out first
            self.removeItem(item)
        self.clear()
        for item in self._kept:
            self.addItem(item)
        self.marks_reach.clear()
        self._nodes.clear()
        self.edges.clear()
        self._edges_at.clear()
        self._relations_of.clear()
        self.box_parent.clear()
        self.box_children.clear()
        self._child_rects.clear()
        self._far_rects.clear()
        self._affixes.clear()
        self._tails.clear()
        self._tail_of.clear()
        self.pictured.clear()
        self._renamed_in.clear()
        self._renamed_loose.clear()
        self.labels.forget()
        self._top_boxes = None
        self._content = None
        self._stop_routing()
        self.router.clear()
        self._unrouted = []
        self._settle_after = None
        self._crossing_after = []
        self._held.clear()
        self._unveil.clear()
        self._member_lines.clear()
        self._marks.clear()
        self._marker_job = None
        self._selected = set()
        self._part_lines.clear()
        self._part_wanted = set()
        self._placements.clear()
        self._disk_placement.clear()
        design = self.session.design
        layout = design.layout
        self._placer = Placer(design, self._box_rect)
        later: list[ElementBase] = []
        # Bulk adds are cheaper unindexed; the BSP tree is built once at the end.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._indexed = False
        box_parent, box_children = self.box_parent, self.box_children
        lined: list[tuple[ElementBase, KindInfo]] = []
        #: The parts (a VM's disks), in design order.
        parts: list[ElementBase] = []
        #: Each box's parts (a VM's disks), in design order.
        parts_of: defaultdict[str, list[ElementBase]] = defaultdict(list)
        add_item, node_shown = self.addItem, self.layers.node_shown
        layout_get = layout.getter() if isinstance(layout, PersistentMap) else layout.get
        #: Per kind: its default box size and its stacking order.
        looks: dict[str, tuple[float, float, float]] = {}
        self._looks, self._read_layout = looks, layout_get
        left = top = math.inf
        right = bottom = -math.inf
        #: Per element class: what the loop asks of its kind (asked once per class).
        plans: dict[type, _BuildPlan | None] = {}
        # A big design opened in a window on screen (its first frame held): only the
        # top-level boxes now (the view's fit and the loose rows need them all), the
        # boxes the first frame shows once the view has its zoom (build_view), the
        # rest in slices after that frame. A whole build otherwise.
        session = self.session
        defer = session.holding and not session.selection and not session.findings.active
        pending, order, rects, unread = self._pending, self._order, self._rects, self._unread
        tops = self._tops
        nodes = self._nodes
        #: Per element class, what the loop below does with it (None: skips it): the
        #: parts when their kind's elements are taken whole from the index (_parts_apart).
        steps = plans
        apart = self._parts_apart(plans) if defer else None
        elements: Iterable[ElementBase] = design.elements
        #: What the loader's structure check read, a column at a time (None: not at hand).
        columns = self._check_columns(design, apart) if apart is not None else None
        #: The loop below takes the top-level boxes only: the rest noted by columns.
        noted = False
        if apart is not None:
            steps = {type(apart[0]): None}
            top_boxes = self._note_by_columns(columns, plans, lined) if columns else None
            if top_boxes is not None:
                elements, noted = top_boxes, True
            else:
                # Left out in C, not skipped one by one below (68,752 of 100,000
                # elements: ~14 M instructions before the first frame).
                elements = compress(
                    elements, map(is_not, map(type, elements), repeat(type(apart[0])))
                )
        for element in elements:
            cls = type(element)
            plan = steps.get(cls, _UNPLANNED)
            if plan is _UNPLANNED:
                plan = plans[cls] = steps[cls] = _build_plan(element)
            if plan is None:
                continue
            info, part, is_lined, is_line, inside, _drawn = plan
            if is_lined and not noted:
                lined.append((element, info))
            if is_line:
                continue
            # The model's fields read from its dict: an attribute of a model goes through
            # pydantic's __getattr__ hook (~3 times the cost, per box).
            fields = element.__dict__
            element_id = fields["id"]
            # KindInfo.container_of, on the model's fields.
            parent = None
            for name in inside:
                value = fields[name]
                if value:
                    parent = value if type(value) is str else str(value)
                    break
            if part:
                # Drawn by its container (a VM's disk count), not as a box; its lines
                # (a disk's LUN) only for the selection, and nothing is selected yet.
                # Its placement and drawn relation are noted after the loop; a big
                # design's, and its container, after its first frame (_wait_for_parts).
                if parent is not None:
                    parts_of[parent].append(element)
                parts.append(element)
                if defer:
                    continue
            box_parent[element_id] = parent
            if parent is not None:
                box_children[parent].add(element_id)
            if part:
                continue
            if defer and parent is not None:
                # A box in a box: its place is read when a view reaches it (the first
                # view from the top-level boxes down: _shown_from_tops) or after the
                # first frame (_read_boxes): 30,000 places at 100k, ~70 % of this loop.
                order.append(element_id)
                unread[element_id] = element
                continue
            entry = layout_get(element_id)
            if entry is None:
                later.append(element)
                continue
            # _add_node, with what it looks up per kind asked once per kind, and the
            # union of the boxes (content_rect) kept on the way.
            kind = fields["kind"]
            look = looks.get(kind) or _look_of(kind, looks)
            place = entry.__dict__
            x, y = place["x"], place["y"]
            w, h = place["w"] or look[0], place["h"] or look[1]
            if defer:
                if not noted:
                    order.append(element_id)
                rects[element_id] = (x, y, w, h)
                tops.append(element_id)
            node = NodeItem(self, element, QRectF(x, y, w, h))
            node.setZValue(look[2])
            if not node_shown(node):
                node.setVisible(False)
            add_item(node)
            nodes[element_id] = node
            # min/max of the union, as comparisons (30,000 boxes: four calls each)
            if x < left:
                left = x
            if y < top:
                top = y
            if x + w > right:
                right = x + w
            if y + h > bottom:
                bottom = y + h
        if noted and later:  # (in design order with the rest, not boxes now: see below)
            dropped = {e.id for e in later}
            order[:] = [i for i in order if i not in dropped]
        self._read_union = [math.inf, math.inf, -math.inf, -math.inf]
        if unread and not _has_places(layout, unread):
            # A box in a box without a place (rare in a big design): every place now,
            # those without one placed after their laid-out siblings (below).
            unplaced_boxes = self._read_boxes(list(unread))
            later.extend(unplaced_boxes)
            dropped = {e.id for e in unplaced_boxes}
            order[:] = [i for i in order if i not in dropped]
            read_left, read_top, read_right, read_bottom = self._read_union
            left, top = min(left, read_left), min(top, read_top)
            right, bottom = max(right, read_right), max(bottom, read_bottom)
        partial = bool(pending or unread)
        if apart is not None:
            parts = self._group_parts(apart, plans, parts_of, columns)
        if defer and parts:
            # Only the counts now (whether tags show: _mixed); the tables of 70,000
            # disks at 100k (~40 ms) after the first frame, or when first read.
            self._wait_for_parts(parts, plans, columns)
        else:
            _note_parts(parts, plans, self._disk_placement, self._part_lines)
            self._placements.update(self._disk_placement.values())
        if later and partial:
            # Boxes without a place are placed after their laid-out siblings: all of
            # them built first (rare in a big design: no partial build then).
            self._parts_of = parts_of
            self._build_rest()
            partial = False
        later.sort(key=lambda e: z_of(e.kind))
        for unplaced in later:
            x, y, w, h = _rect(self._add_node(unplaced).scene_rect())
            left, top = min(left, x), min(top, y)
            right, bottom = max(right, x + w), max(bottom, y + h)
        if nodes or partial:
            self._content = (left, top, right, bottom)
        self._mixed = None
        self._tag_built_disks(parts_of)
        if partial:
            self._parts_of = parts_of
        planned = self._plan_lines(lined) if partial else None
        if planned is not None:
            self._wait_for_lines(*planned)
        else:
            for lined_element, lined_info in lined:
                self._add_lines(lined_element, lined_info)
            if partial and len(self.edges) <= ROUTE_AT_ONCE:
                self._build_rest()  # its lines are routed now, among all the boxes
                partial = False
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._indexed = True
        # Now that every box is known: route all lines, spread the ones sharing a
        # channel, and let labels look for a free spot in the index.
        self.route_all()
        self._on_selection()
        self.refresh_markers()
        self._update_scene_rect()
        if partial:
            del self.__dict__["nodes"]  # partly built: reading nodes builds the rest
            if self._lines:
                del self.__dict__["edges"]  # (and reading edges)
            self.session.after_first_frame(self._start_building)
        else:
            self._end_partial()

    # -- a big design's parts: their tables after the first frame ------------------------
    def _parts_apart(self, plans: dict[type, _BuildPlan | None]) -> list[ElementBase] | None:
        """A big design's parts (a VM's disks: 68,752 of 100,000 elements) taken whole
        from the document's index by kind, in design order, instead of one by one in
        the build's loop (~7 ms less CPU at 100k): when they are of one kind, drawn by their
        box alone (no line of their own while nothing is selected) and in one container
        field. None otherwise (the loop takes them)."""
        by_kind = self.session.document.index.by_kind
        found = [
            members
            for kind, members in by_kind.items()
            if members and (info := KINDS.get(kind)) is not None and info.shape == "part"
        ]
        if len(found) != 1:
            return None
        parts = found[0]
        plan = plans.get(type(parts[0]), _UNPLANNED)
        if plan is _UNPLANNED:
            plan = plans[type(parts[0])] = _build_plan(parts[0])
        if plan is None or plan[2] or len(plan[4]) != 1:
            return None
        return list(parts)

    def _check_columns(self, design: Design, apart: list[ElementBase]) -> _CheckColumns | None:
        """What the loader's structure check read of ``design`` a column at a time, kept
        by the Document while no edit has come since the load (``load_columns``): each
        kind's elements (the index's own lists: ``apart`` is one), ids, fields and
        plain references, and the runs of one kind in design order. None when not at
        hand (a design not read from a file, an edit since; a Document without them)."""
        columns: _CheckColumns | None = getattr(self.session.document, "load_columns", None)
        if columns is None or columns.by_kind is None or not columns.runs:
            return None
        if None in (columns.ids, columns.group_ids, columns.group_fields, columns.refs):
            return None  # (a Columns made without them)
        kind = apart[0].kind
        if len(columns.ids) != len(design.elements) or (
            columns.by_kind.get(kind) is not self.session.document.index.by_kind.get(kind)
        ):
            return None
        return columns

    def _note_by_columns(
        self,
        columns: _CheckColumns,
        plans: dict[type, _BuildPlan | None],
        lined: list[tuple[ElementBase, KindInfo]],
    ) -> list[ElementBase] | None:
        """What the build's loop notes of a big design's elements but its parts (taken
        whole: :meth:`_parts_apart`), by the structure check's columns (``columns``),
        a run of one kind at a time in C instead of a Python step per element (30,000
        boxes in boxes at 100k: ~205 M instructions against ~80 M): the lines and the
        boxes drawing relations (``lined``), every box's container (:attr:`box_parent`,
        :attr:`box_children`), the boxes in design order (:attr:`_order`) and the boxes
        in boxes, whose places wait (:attr:`_unread`). Returns the top-level boxes, in
        design order, for the loop to build (it notes neither their order nor their
        lines again); None, noting nothing, when a container field was not read as a
        column (the loop takes every element then)."""
        by_kind, group_ids, refs = columns.by_kind, columns.group_ids, columns.refs
        assert by_kind is not None
        # Each run's elements, plan and containers (a list, or None: top-level boxes).
        runs: list[tuple[str, int, int, list[ElementBase], _BuildPlan, list[Any] | None]] = []
        ends: dict[str, int] = {}
        for kind, count in columns.runs:
            start = ends.get(kind, 0)
            end = ends[kind] = start + count
            members = by_kind[kind]
            run = members[start:end] if start or end != len(members) else members
            plan = plans.get(type(run[0]), _UNPLANNED)
            if plan is _UNPLANNED:
                plan = plans[type(run[0])] = _build_plan(run[0])
            if plan is None or plan[1]:  # not drawn; the parts (taken whole)
                continue
            inside = plan[4]
            found = [refs[kind, name][start:end] for name in inside if (kind, name) in refs]
            if len(found) != len(inside):
                return None
            containers: list[Any] | None = None
            if len(inside) == 1:
                containers = found[0]
            elif inside:  # KindInfo.container_of: the first set (a host's cluster, else site)
                containers = [
                    next(filter(None, values), None) for values in zip(*found, strict=True)
                ]
            runs.append((kind, start, end, run, plan, containers))
        box_parent, children = self.box_parent, self.box_children
        order, unread = self._order, self._unread
        tops: list[ElementBase] = []
        for kind, start, end, run, (info, _, is_lined, is_line, _, _), containers in runs:
            if is_lined:
                lined.extend(zip(run, repeat(info)))
            if is_line:
                continue
            ids = group_ids[kind][start:end]
            order.extend(ids)
            if containers is None:
                box_parent.update(dict.fromkeys(ids))
                tops.extend(run)
                continue
            # A reference the check read is an element's id or None (never "").
            box_parent.update(zip(ids, containers, strict=True))
            if all(containers):  # every one in a box (most runs): no picking out
                inner, members, holders = ids, run, containers
            else:
                inner = list(compress(ids, containers))
                members = list(compress(run, containers))
                holders = list(filter(None, containers))
            _file_in_runs(children, holders, inner, set.add, set.update)
            unread.update(zip(inner, members, strict=True))
            if len(inner) != len(ids):
                tops.extend(compress(run, map(is_, containers, repeat(None))))
        return tops

    @staticmethod
    def _group_parts(
        parts: list[ElementBase],
        plans: dict[type, _BuildPlan | None],
        parts_of: defaultdict[str, list[ElementBase]],
        columns: _CheckColumns | None = None,
    ) -> list[ElementBase]:
        """Each box's parts (``parts_of``), in design order, as the build's loop notes
        them (the container: the part's one ``inside`` field, when set; its column as
        the structure check read it, from ``columns``, when at hand). Returns
        ``parts``."""
        plan = plans[type(parts[0])]
        assert plan is not None
        # Appended in C (each part to its box's list, made on first use by the
        # defaultdict): no Python step per part (68,752 disks at 100k: ~30 M
        # instructions less than a loop); an unset container's list dropped after.
        read: Sequence[Any] | None = None
        if columns is not None:
            read = columns.refs.get((parts[0].kind, plan[4][0]))
        if read is None:  # (through the models' attribute hook: ~40 M more at 100k)
            read = list(map(attrgetter(plan[4][0]), parts))
        _file_in_runs(parts_of, read, parts, list.append, list.extend)
        for unset in (None, ""):
            parts_of.pop(unset, None)  # type: ignore[arg-type]
        for key in [key for key in parts_of if type(key) is not str]:  # (a str subclass)
            parts_of[str(key)] = parts_of.pop(key)
        return parts

    def _wait_for_parts(
        self,
        parts: list[ElementBase],
        plans: dict[type, _BuildPlan | None],
        columns: _CheckColumns | None = None,
    ) -> None:
        """Count the placements of ``parts`` now (whether the VMs show tags); note their
        placements and drawn relations in slices after the first frame, or all at once
        when either table is read first (:class:`_PartsNoted`)."""
        fields = columns.group_fields.get(parts[0].kind) if columns is not None else None
        try:  # in C: one kind of part (the fields the check read: no attribute hook)
            if fields is not None:
                placements = list(map(itemgetter("placement"), fields))
            else:
                placements = list(map(attrgetter("placement"), parts))
            # One value throughout (most designs): counted by identity first, in C (an
            # enum's member is one object), not hashed into a set (~12 M less at 100k).
            one = placements[0]
            distinct = {one} if placements.count(one) == len(placements) else set(placements)
        except (AttributeError, KeyError):
            distinct = {p.__dict__.get("placement") for p in parts}
        distinct.discard(None)
        # Whether they mix placements (two or more), now; their counts once they are
        # noted (_tables_back: a set is ~24 M instructions cheaper than a Counter here).
        self._parts_mixed = len(distinct) > 1
        self._parts_plans = plans
        self._parts_waiting = parts
        self._parts_noted = 0
        # The instance's tables out of the way: reads go through _PartsNoted.
        self._parts_tables = (
            self.__dict__.pop("_disk_placement"),
            self.__dict__.pop("_part_lines"),
            self.__dict__.pop("box_parent"),
            self.__dict__.pop("box_children"),
        )
        self.session.after_first_frame(self._start_noting_parts)

    @property
    def _parts_key(self) -> tuple[int, str]:
        return (id(self), "parts")

    def _start_noting_parts(self) -> None:
        if self._parts_tables is not None:
            slices.shared().start(self._parts_key, self, self._note_parts_slice, long_lived=True)

    def _note_parts_slice(self, deadline: float) -> bool:
        """One slice of the parts' tables after the first frame (a job of :mod:`slices`)."""
        tables = self._parts_tables
        if tables is None:
            return True
        parts, start = self._parts_waiting, self._parts_noted
        end = min(start + PARTS_CHUNK, len(parts))
        _note_parts(islice(parts, start, end), self._parts_plans, *tables)
        self._parts_noted = end
        if end < len(parts):
            return False
        self._tables_back()
        return True

    def _note_waiting_parts(self) -> None:
        """Note every waiting part now (a table read before the slices are through)."""
        tables = self._parts_tables
        if tables is not None:
            slices.shared().cancel(self._parts_key)
            parts = self._parts_waiting
            _note_parts(islice(parts, self._parts_noted, None), self._parts_plans, *tables)
            self._tables_back()

    def _tables_back(self) -> None:
        assert self._parts_tables is not None
        placements, lines, parents, children = self._parts_tables
        self._placements.update(placements.values())  # (see _wait_for_parts)
        self.__dict__["_disk_placement"], self.__dict__["_part_lines"] = placements, lines
        self.__dict__["box_parent"], self.__dict__["box_children"] = parents, children
        self._parts_tables = None
        self._parts_waiting = []
        self._parts_noted = 0

    def _boxes_tables(self) -> tuple[dict[str, str | None], defaultdict[str, set[str]]]:
        """:attr:`box_parent` and :attr:`box_children` as they are, without noting the
        waiting parts: for readers of boxes only (a part is never a box)."""
        tables = self._parts_tables
        if tables is not None:
            return tables[2], tables[3]
        return self.__dict__["box_parent"], self.__dict__["box_children"]

    @property
    def boxes_parent(self) -> dict[str, str | None]:
        """:attr:`box_parent` for a box's entry: every box's is there, while a big
        design's parts' may still wait for the slices after its first frame (reading
        :attr:`box_parent` itself notes them all first)."""
        return self._boxes_tables()[0]

    @property
    def parts_waiting(self) -> frozenset[str]:
        """The ids of the parts not noted yet (in no table: see :attr:`boxes_parent`)."""
        if self._parts_tables is None:
            return frozenset()
        return frozenset(map(attrgetter("id"), self._parts_waiting[self._parts_noted :]))

    @property
    def boxes_children(self) -> defaultdict[str, set[str]]:
        """:attr:`box_children` for the boxes in a box (as :attr:`boxes_parent`)."""
        return self._boxes_tables()[1]

    def _drop_waiting_parts(self) -> None:
        """A rebuild: the waiting parts are the old design's (their tables are cleared)."""
        if self._parts_tables is not None:
            slices.shared().cancel(self._parts_key)
            self._tables_back()

    # -- a big design's boxes: those of the first frame first ----------------------------
    @property
    def building(self) -> bool:
        """Some boxes or lines are not built yet (a big design just opened: see
        build_view)."""
        return bool(self._order) or bool(self._line_order)

    @property
    def boxes_built(self) -> dict[str, NodeItem]:
        """The boxes built so far (all of them once :attr:`building` is over)."""
        return self._nodes

    @property
    def boxes_waiting(self) -> Mapping[str, _Pending]:
        """The boxes still to build, by element id (see :meth:`build_view`); a box's
        place is read when its entry is asked for (:meth:`_read_boxes`)."""
        return _BoxesWaiting(self)

    @contextmanager
    def partial_reads(self) -> Iterator[None]:
        """Within: :attr:`nodes` is what is built so far (opening's first view: the
        top-level boxes, and those of the view once :meth:`build_view` has run)."""
        self._partial_reads += 1
        try:
            yield
        finally:
            self._partial_reads -= 1

    def build_view(self, rect: QRectF) -> None:
        """Build the boxes the view on ``rect`` (scene coordinates) shows: those that
        meet it (with a margin), their rows (a box draws or counts them) and their
        siblings (a name elides the words it shares with them), and the lines that
        meet it; the rest is built in slices after the first frame (or at once when
        anything reads the whole scene: :attr:`nodes`, :attr:`edges`, :meth:`items`, an
        edit; a scroll out of ``rect`` builds what it shows)."""
        pending = self._pending
        if not self.building or any(built.contains(rect) for built in self._built_rects):
            return
        margin = max(BUILD_MARGIN, 0.1 * max(rect.width(), rect.height()))
        area = rect.adjusted(-margin, -margin, margin, margin)
        left, top, right, bottom = area.left(), area.top(), area.right(), area.bottom()
        self._built_rects.append(QRectF(rect))
        if pending:
            self._build_boxes_in(left, top, right, bottom)
        # The lines meeting it (drawn straight between their boxes until routed; a
        # label sits on its line, within the margin).
        lines = self._lines
        meeting = [
            key
            for key, (x0, y0, x1, y1) in zip(lines, map(_ENDS_UNION, lines.values()), strict=True)
            if x0 <= right and x1 >= left and y0 <= bottom and y1 >= top
        ]
        for key in meeting:
            self._make_line(key)

    def _build_boxes_in(self, left: float, top: float, right: float, bottom: float) -> None:
        """Build the boxes of :meth:`build_view`'s area."""
        pending = self._pending
        # (Boxes only: the parts' containment may wait for the first frame.)
        box_parent, box_children = self._boxes_tables()
        if self._unread:
            shown = self._shown_from_tops(left, top, right, bottom, box_children)
        else:
            shown = self._shown_of_all(left, top, right, bottom)
        wanted: set[str] = set(shown)
        for element_id in shown:
            wanted.update(box_children.get(element_id, ()))
            parent = box_parent.get(element_id)
            if parent is not None:
                wanted.update(box_children.get(parent, ()))
            while parent is not None and parent not in wanted:  # a box's holder decides
                wanted.add(parent)  # whether its rows are named (even one laid out apart)
                parent = box_parent.get(parent)
        unread = self._unread
        # In design order: a pass in C over every box's id (30,717 at 100k), per view.
        for element_id in list(filter(wanted.__contains__, self._order)):
            if element_id in pending or element_id in unread:
                self._build_box(element_id)

    def _shown_from_tops(
        self,
        left: float,
        top: float,
        right: float,
        bottom: float,
        box_children: defaultdict[str, set[str]],
    ) -> list[str]:
        """The boxes meeting the area, found from the top-level boxes down: a box's
        boxes are looked at (their places read) when it meets the area. A box laid out
        outside the box it is in is found once every place is read (the slices after
        the first frame: :meth:`_reading_done`)."""
        rects, unread = self._rects, self._unread
        queue = [
            box
            for box in self._tops
            if (r := rects[box])[0] <= right
            and r[0] + r[2] >= left
            and r[1] <= bottom
            and r[1] + r[3] >= top
        ]
        shown: list[str] = []
        while queue:
            box = queue.pop()
            shown.append(box)
            inner = box_children.get(box)
            if not inner:
                continue
            self._read_boxes([child for child in inner if child in unread])
            for child in inner:
                place = rects.get(child)
                if (
                    place is not None
                    and place[0] <= right
                    and place[0] + place[2] >= left
                    and place[1] <= bottom
                    and place[1] + place[3] >= top
                ):
                    queue.append(child)
        return shown

    def _shown_of_all(self, left: float, top: float, right: float, bottom: float) -> list[str]:
        """The boxes meeting the area, every place read (:attr:`_rects`)."""
        near = self._near
        if near is None or not (
            near[0] <= left and near[1] <= top and near[2] >= right and near[3] >= bottom
        ):
            # One pass over every box (~5 ms at 100k) for an area three times the view's
            # each way: the views built next (the window laid out round the canvas
            # before its first frame, a scroll nearby) pick from what it found.
            dx, dy = right - left, bottom - top
            wide = (left - dx, top - dy, right + dx, bottom + dy)
            w_left, w_top, w_right, w_bottom = wide
            found = [
                (element_id, x, y, w, h)
                for element_id, (x, y, w, h) in self._rects.items()
                if x <= w_right and x + w >= w_left and y <= w_bottom and y + h >= w_top
            ]
            near = self._near = (*wide, found)
        return [
            element_id
            for element_id, x, y, w, h in near[4]
            if x <= right and x + w >= left and y <= bottom and y + h >= top
        ]

    def _read_boxes(self, ids: list[str]) -> list[ElementBase]:
        """Read the places of these boxes not read yet (:attr:`_unread`), as the build's
        loop reads a top-level box's: each becomes a box to build (:attr:`_pending`).
        Returns those without a layout entry (only before the build's loop has checked
        that every box has one). Once none is left unread, :meth:`_reading_done`."""
        unread, pending, rects, looks = self._unread, self._pending, self._rects, self._looks
        layout_get = self._read_layout
        left, top, right, bottom = self._read_union
        unplaced: list[ElementBase] = []
        read: list[tuple[float, float, float, float]] = []
        for element_id in ids:
            element = unread.pop(element_id)
            entry = layout_get(element_id)
            if entry is None:
                unplaced.append(element)
                continue
            kind = element.__dict__["kind"]
            look = looks.get(kind) or _look_of(kind, looks)
            place = entry.__dict__
            rect = (place["x"], place["y"], place["w"] or look[0], place["h"] or look[1])
            pending[element_id] = (element, *rect, look[2])
            rects[element_id] = rect
            read.append(rect)
        if read:  # the union with what they take, in C
            xs, ys = list(map(itemgetter(0), read)), list(map(itemgetter(1), read))
            self._read_union = [
                min(left, *xs),
                min(top, *ys),
                max(right, *map(add, xs, map(itemgetter(2), read))),
                max(bottom, *map(add, ys, map(itemgetter(3), read))),
            ]
        if ids and not unread:
            self._reading_done()
        return unplaced

    def _reading_done(self) -> None:
        """Every box's place is read: the union of the boxes (the scene's rectangle)
        takes in those laid out outside the top-level boxes, and the views built so far
        the boxes laid out outside their container that meet them."""
        left, top, right, bottom = self._read_union
        known = self._content
        if known is not None and left <= right and top <= bottom:
            was_left, was_top, was_right, was_bottom = known
            if left < was_left or top < was_top or right > was_right or bottom > was_bottom:
                self._content = (
                    min(left, was_left),
                    min(top, was_top),
                    max(right, was_right),
                    max(bottom, was_bottom),
                )
                whole = self.content_rect()
                m = SCENE_MARGIN
                self.setSceneRect(self.sceneRect().united(whole.adjusted(-m, -m, m, m)))
        views, self._built_rects = self._built_rects, []
        self._near = None
        for view in views:
            self.build_view(view)

    def cover(self, rect: QRectF) -> None:
        """The view is about to show ``rect`` (the window laid out, a scroll, a zoom):
        its boxes and lines are built first."""
        if self.building and not self._partial_reads:
            self.build_view(rect)

    def finish_build(self) -> None:
        """Build every box and line not built yet, now (anything that reads the whole
        scene)."""
        if self.building and not self._partial_reads:
            slices.shared().cancel(self._building_key)
            self._build_rest()

    @property
    def _building_key(self) -> tuple[int, str]:
        return (id(self), "boxes")

    def _start_building(self) -> None:
        if self.building:
            slices.shared().start(self._building_key, self, self._build_slice, long_lived=True)

    def _build_slice(self, deadline: float) -> bool:
        """One slice of the build after the first frame (a job of :mod:`designer.ui.slices`)."""
        if not self.building:
            return True
        deadline = min(deadline, time.perf_counter() + BUILD_SLICE_S)
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            unread = self._unread
            while unread:  # every place read first (_build_step builds in design order)
                self._read_boxes(list(islice(unread, READ_CHUNK)))
                if time.perf_counter() >= deadline:
                    return False
            while self._build_step(BUILD_CHUNK):
                if time.perf_counter() >= deadline:
                    return False
        finally:
            if was_enabled:
                gc.enable()
        return True

    def _build_rest(self) -> None:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            if self._unread:
                self._read_boxes(list(self._unread))
            while self._build_step(len(self._order) + len(self._line_order)):
                pass
        finally:
            if was_enabled:
                gc.enable()

    def _build_step(self, count: int) -> bool:
        """The next ``count`` boxes in design order: built, or (built early, for the
        first frame) added to the scene again, so that boxes stack as a whole build
        stacks them (at the same height, in the order added); then the lines likewise.
        False once all are."""
        order, pending, nodes = self._order, self._pending, self._nodes
        start = self._build_pos
        if start == len(order):
            return self._line_step(count)
        end = min(start + count, len(order))
        step = order[start:end]
        # The boxes built early taken out first, all of them, then added again in
        # their turn (Qt's index purges what was taken out at the next addition:
        # once per step, not once per box).
        for element_id in step:
            if element_id not in pending:
                self.removeItem(nodes[element_id])
        for element_id in step:
            if element_id in pending:
                self._build_box(element_id)
            else:
                node = nodes[element_id]
                self.addItem(node)
                if node.hovered:  # the scene forgot it was under the mouse
                    node.hovered = False
                    node.update()
        self._build_pos = end
        if end < len(order):
            return True
        # Whole: the boxes in design order (what iterates them sees what a whole build
        # gives), the view's reads of them free again; the lines next, then their routing.
        built = [(element_id, nodes[element_id]) for element_id in order]
        nodes.clear()
        nodes.update(built)
        self._top_boxes = None
        self.__dict__["nodes"] = nodes
        return self._line_step(0)

    def _line_step(self, count: int) -> bool:
        """The next ``count`` lines, as :meth:`_build_step` the boxes (made, or made
        early for the first frame and added again in their turn). False once all are."""
        order, edges = self._line_order, self._edges
        start = self._line_pos
        end = min(start + count, len(order))
        step = order[start:end]
        waiting = self._lines
        for key in step:
            if key not in waiting:
                self.removeItem(edges[key])
        ends, router = self._line_ends, self.router
        for key in step:
            if key in waiting:
                edge = self._make_line(key)
            else:
                edge = edges[key]
                self.addItem(edge)
            a, b = ends.pop(key)
            router.add(
                key,
                a.element_id,
                b.element_id,
                self._waypoints_of(edge.element_id),
                self._bundle(key, a, b),
                wide=edge.style_key == "wan_link",
            )
        self._line_pos = end
        if end < len(order):
            return True
        if order:  # the lines in design order, as a whole build makes them
            made = [(key, edges.pop(key)) for key in order]
            rest = list(edges.items())
            edges.clear()
            edges.update(made)
            edges.update(rest)
        route = self._route_when_built
        self._end_partial()
        if route:
            self._start_routing()
        return False

    def _end_partial(self) -> None:
        self._pending.clear()
        self._order = []
        self._unread.clear()
        self._rects.clear()
        self._tops.clear()
        self._build_pos = 0
        self._parts_of = {}
        self._built_rects = []
        self._near = None
        self._route_when_built = False
        self.__dict__["nodes"] = self._nodes
        self._lines = {}
        self._line_ends = {}
        self._line_order = []
        self._line_pos = 0
        self.__dict__["edges"] = self._edges

    def _build_box(self, element_id: str) -> NodeItem:
        if element_id in self._unread:
            self._read_boxes([element_id])
        element, x, y, w, h, z = self._pending.pop(element_id)
        node = NodeItem(self, element, QRectF(x, y, w, h))
        node.setZValue(z)
        if not self.layers.node_shown(node):
            node.setVisible(False)
        self.addItem(node)
        self._nodes[element_id] = node
        parts = self._parts_of.get(element_id)
        if parts is not None:
            self._tag_disks(node, parts)
        mark = self._marks.get(element_id)
        if mark is not None:  # findings came before it was built (see _restyle)
            node.marker = (mark.severity, mark.findings)
            node.setToolTip(mark.tip)
        return node

    def _update_scene_rect(self) -> None:
        bounds = self.content_rect()
        self.setSceneRect(bounds.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN))

    def _grow_scene_rect(self, ids: Iterable[str]) -> None:
        """Grow the scene rect (and so the view's scroll bars) when an edit put a box or
        a line's bends past it: set on a rebuild only, a design drawn from File > New
        scrolled only within the empty design's ±2000 px (eyes20). It keeps at least half
        the margin around what the edit touched (``ids``: the elements it added, changed
        or moved; once for all the events of an edit). Only the edit's own items are
        measured, a box inside another touched box not (no walk of the scene); it never
        shrinks (a removal does not make the view jump)."""
        nodes, edges, parent_of = self._nodes, self._edges, self.box_parent
        touched = set(ids)
        reach = QRectF()
        for element_id in touched:
            if parent_of.get(element_id) in touched:
                continue  # inside its box, measured too (a move of every box: the few outer)
            node = nodes.get(element_id)
            if node is not None:
                reach = reach.united(node.scene_rect())
                continue
            edge = edges.get(element_id)
            if edge is not None:
                reach = reach.united(edge.sceneBoundingRect())
        scene_rect = self.sceneRect()
        m = SCENE_MARGIN
        if reach.isEmpty() or scene_rect.contains(reach.adjusted(-m / 2, -m / 2, m / 2, m / 2)):
            return  # room enough left around it (grown in steps, not a pixel per nudge)
        self.setSceneRect(scene_rect.united(reach.adjusted(-m, -m, m, m)))

    def content_rect(self) -> QRectF:
        """The union of the boxes (edges run between boxes, so they lie inside)."""
        count = len(self._nodes) + len(self._pending) + len(self._unread)
        if not count:
            return QRectF()
        known = self._content
        if known is None:
            known = self._content = self._boxes_edges()
        left, top, right, bottom = known
        return QRectF(left, top, right - left, bottom - top)

    def _boxes_edges(self) -> tuple[float, float, float, float]:
        left = top = float("inf")
        right = bottom = float("-inf")
        for node in self.nodes.values():
            x, y, w, h = node.box()
            left, top = min(left, x), min(top, y)
            right, bottom = max(right, x + w), max(bottom, y + h)
        return (left, top, right, bottom)

    def box_moved(
        self, was: tuple[float, float, float, float], now: tuple[float, float, float, float]
    ) -> None:
        """A box moved or changed size (an edit, a drag): the union of the boxes
        (:meth:`content_rect`) takes in where it is now, and is walked again (every
        box: ~100 ms at 100k, which F5 after any edit paid, wave 24) only when it was
        on the union's edge (the union may shrink)."""
        if was != now:
            self._box_gone(was)
            self._box_came(now)

    def _box_came(self, box: tuple[float, float, float, float]) -> None:
        known = self._content
        if known is not None:
            x, y, w, h = box
            left, top, right, bottom = known
            if x < left or y < top or x + w > right or y + h > bottom:
                self._content = (min(left, x), min(top, y), max(right, x + w), max(bottom, y + h))

    def _box_gone(self, box: tuple[float, float, float, float]) -> None:
        known = self._content
        if known is not None:
            x, y, w, h = box
            left, top, right, bottom = known
            if x <= left or y <= top or x + w >= right or y + h >= bottom:
                self._content = None  # (it held an edge up: walked again when asked)

    def _layout_rect(self, element: ElementBase) -> QRectF | None:
        entry = self.session.design.layout.get(element.id)
        if entry is None:
            return None
        dw, dh = default_size(element.kind)
        return QRectF(entry.x, entry.y, entry.w or dw, entry.h or dh)

    def _placed_rect(self, element: ElementBase) -> QRectF:
        """A place for a box without a layout entry, after its container's laid-out content."""
        parent = self.box_parent.get(element.id)
        laid = [
            _rect(self.nodes[c].scene_rect())
            for c in self.box_children.get(parent or "", ())
            if c in self.nodes and not self.nodes[c].auto_placed
        ]
        return QRectF(*self._placer.place(element, parent, laid))

    def _add_node(self, element: ElementBase) -> NodeItem:
        rect = self._layout_rect(element)
        auto = rect is None
        if rect is None:
            rect = self._placed_rect(element)
        node = NodeItem(self, element, rect)
        node.auto_placed = auto
        node.setZValue(z_of(node.kind))
        if not self.layers.node_shown(node):
            node.setVisible(False)
        self.addItem(node)
        drawn = len(self.nodes)
        self.nodes[element.id] = node
        self._box_came(node.box())
        top = self._top_boxes
        if top is not None:
            if self._top_of == drawn and len(self.nodes) == drawn + 1:  # a new box
                self._top_of += 1
                if self.box_parent.get(element.id) is None:
                    top.append(element.id)
            else:
                self._top_boxes = None
        return node

    def _add_lines(self, element: ElementBase, info: KindInfo | None = None) -> None:
        info = info or KINDS.get(element.kind)
        if info is None:
            return
        ends = info.ends_of(element)
        if ends is not None:
            label = self._link_label(element) if isinstance(element, WanLink) else ""
            if self._add_edge(element.id, element.kind, ends[0], ends[1], element.id, label):
                found = self.link_loads.get(element.id) if isinstance(element, WanLink) else None
                if found is not None:  # a rebuild: the link shows its load as it did
                    edge = self.edges[element.id]
                    edge.set_load(found[0])
                    edge.setToolTip(self._line_tip(element.id))
        keys = []
        for field, target in info.drawn_of(element):
            key = f"{element.id}|{field}|{target}"
            if info.shape == "part":
                # A part's lines (a disk's LUN) would hide everything else: drawn for
                # the selection only, and built only then (a big design has one per disk).
                self._part_lines[element.id] = (field, target)
                if element.id in self._part_wanted:
                    label = self._part_label(element.id)
                    self._add_edge(key, field, element.id, target, label=label)
                    keys.append(key)
                continue
            if self._add_edge(key, field, element.id, target):
                keys.append(key)
        if keys:
            self._relations_of[element.id] = keys

    # -- a big design's lines: those of the first frame first ---------------------------
    def _plan_lines(
        self, lined: list[tuple[ElementBase, KindInfo]]
    ) -> tuple[list[tuple[Any, ...]], dict[str, list[str]]] | None:
        """A big design's lines as :meth:`_add_lines` would make them (key, style,
        ends, element, the WAN link, the two ends as the line asks them), and each
        element's drawn relations' keys; None when they are few enough to route at
        once (the whole scene is built then) or a part has lines of its own."""
        planned: list[tuple[Any, ...]] = []
        relations: dict[str, list[str]] = {}
        line_end = self._line_end
        found: list[tuple[ElementBase, tuple[str, str] | None, list[tuple[str, str]]]] = []
        named: list[str] = []
        for element, info in lined:
            if info.shape == "part":
                return None
            # KindInfo.ends_of and drawn_of, on the model's fields (its dict: not
            # through pydantic's attribute hook; each name is a field of the model).
            fields, spec = element.__dict__, info.spec
            pair = spec.ends
            ends = (fields[pair[0]], fields[pair[1]]) if pair is not None else None
            drawn = [
                (name, target)
                for name in spec.drawn
                if (value := fields[name]) is not None
                for target in (value if isinstance(value, list) else (value,))
            ]
            found.append((element, ends, drawn))
            if ends is not None:
                named += ends
            named += [target for _, target in drawn]
        unread = self._unread
        if unread:  # the places of the boxes the lines end on, read together
            self._read_boxes([i for i in dict.fromkeys(named) if i in unread])
        for element, ends, drawn in found:
            fields = element.__dict__
            element_id = fields["id"]
            if ends is not None:
                a, b = line_end(ends[0]), line_end(ends[1])
                if a is not None and b is not None:
                    link = element if isinstance(element, WanLink) else None
                    planned.append((element_id, fields["kind"], *ends, element_id, link, a, b))
            keys = []
            if drawn:  # (its end asked once: the same box, or what waits for it, each time)
                a = line_end(element_id)
                for field, target in drawn:
                    key = f"{element_id}|{field}|{target}"
                    b = line_end(target)
                    if a is not None and b is not None:
                        planned.append((key, field, element_id, target, None, None, a, b))
                        keys.append(key)
            if keys:
                relations[element_id] = keys
        if len(planned) <= ROUTE_AT_ONCE:
            return None
        return planned, relations

    def _wait_for_lines(
        self, planned: list[tuple[Any, ...]], relations: dict[str, list[str]]
    ) -> None:
        """Note the planned lines (:meth:`_plan_lines`) as :meth:`_add_edge` does (the
        lines at each element, the relations; the router's entries, in design order,
        as the slices reach each line: nothing asks the router before they are all
        made), without their items (~55 µs a line: 70 ms for 100k's 1,266 lines, ~10
        in its first view):
        those the first view meets are made by :meth:`build_view`, the labelled ones
        (a WAN link's) now (the first view's fit measures their labels), the rest in
        the slices after the first frame, or at once when anything reads
        :attr:`edges`; they are drawn straight until routed, as they would be."""
        lines, edges_at, get = self._lines, self._edges_at, self.session.document.get
        ends = self._line_ends
        #: The built boxes' rectangles (a DAG ends ~20 lines: four Qt calls each, once)
        #: and each element class's family (its kind's), asked once.
        built: dict[str, Rect] = {}
        families: dict[type, str] = {type(None): ""}
        for key, style, source, target, element_id, link, a, b in planned:
            ends[key] = (a, b)
            owner = get(element_id or source)
            family = families.get(type(owner))
            if family is None:
                family = families[type(owner)] = group_of(owner.__dict__["kind"])
            if type(a) is _Waiting:
                ra = a.rect_tuple
            else:
                ra = built.get(a.element_id) or built.setdefault(a.element_id, _end_rect(a))
            if type(b) is _Waiting:
                rb = b.rect_tuple
            else:
                rb = built.get(b.element_id) or built.setdefault(b.element_id, _end_rect(b))
            ax, ay, aw, ah = ra
            bx, by, bw, bh = rb
            lines[key] = (
                style,
                source,
                target,
                element_id,
                link,
                a.detail or b.detail,
                family,
                (min(ax, bx), min(ay, by), max(ax + aw, bx + bw), max(ay + ah, by + bh)),
                (ra, rb),
            )
            edges_at[source].add(key)
            edges_at[target].add(key)
        self._relations_of.update(relations)
        self._line_order = list(lines)
        for key in [key for key, line in lines.items() if line[4] is not None]:
            self._make_line(key)

    def _make_line(self, key: str) -> EdgeItem:
        """Make a waiting line (:meth:`_wait_for_lines`), straight between its boxes."""
        line = self._lines.pop(key)
        style, source, target, element_id, link, detail, family, _, _ends = line
        label = self._link_label(link) if link is not None else ""
        edge = EdgeItem(self.theme, key, style, source, target, element_id, label, self.labels)
        edge.detail = detail
        edge.family = family
        if not self.layers.edge_shown(edge):
            edge.setVisible(False)
        edge.set_route(_points(_waiting_route(line)))
        self.addItem(edge)
        self._edges[key] = edge
        if link is not None and (found := self.link_loads.get(key)) is not None:
            edge.set_load(found[0])
            edge.setToolTip(self._line_tip(key))
        mark = self._marks.get(key)
        if mark is not None:  # findings came before it was made (see _restyle)
            edge.set_state(False, (mark.severity, mark.findings))
            edge.setToolTip(self._line_tip(key))
        return edge

    def make_lines(self, keys: Iterable[str]) -> list[EdgeItem]:
        """Make these waiting lines now (the first view's fit: see
        :meth:`waiting_line_rects`)."""
        return [self._make_line(key) for key in keys if key in self._lines]

    @property
    def lines_waiting(self) -> dict[str, _LineWaiting]:
        """A big design's lines not made yet, by key (see :meth:`_wait_for_lines`)."""
        return self._lines

    @property
    def lines_built(self) -> dict[str, EdgeItem]:
        """The lines made so far (all of them once :attr:`building` is over)."""
        return self._edges

    def waiting_line_rects(self) -> dict[str, QRectF]:
        """Round the bounds the waiting lines shown would have, by key (straight
        between their boxes: :data:`LINE_BOUNDS_PAD` round their ends' points; a line's
        bounds as drawn lie inside, up to 4 px in)."""
        shown: dict[str, QRectF] = {}
        hidden, detail_visible = self.layers.hidden, self.detail_visible
        for key, line in self._lines.items():
            detail, family = line[5], line[6]
            if family in hidden or (detail and not detail_visible):
                continue
            (x1, y1), (x2, y2) = _waiting_route(line)
            pad = LINE_BOUNDS_PAD
            shown[key] = QRectF(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1)).adjusted(
                -pad, -pad, pad, pad
            )
        return shown

    def waiting_lines_beyond(self, bounds: QRectF) -> list[str]:
        """The keys of the waiting lines whose :meth:`waiting_line_rects` rectangle
        ``bounds`` does not contain (``not bounds.contains(rect)``), by the same
        arithmetic on the coordinates (as ``QRectF``'s, in doubles): no rectangle made
        per line (1,238 at 100k: three Qt calls each, ~3 ms of the first view's fit)."""
        left = right = bounds.x()
        top = bottom = bounds.y()
        width, height = bounds.width(), bounds.height()
        if width < 0:
            left += width
        else:
            right += width
        if height < 0:
            top += height
        else:
            bottom += height
        if left == right or top == bottom:  # contains nothing (QRectF::contains)
            return list(self.waiting_line_rects())
        beyond: list[str] = []
        hidden, detail_visible = self.layers.hidden, self.detail_visible
        pad = LINE_BOUNDS_PAD
        # A straight route (routing.straight) runs between its two ends' centres,
        # clipped to their borders, or from the inner box's centre up to the outer's
        # top: its points lie within x from one centre's to the other's, y from the
        # higher of the first centre and the second box's top down to the lower
        # centre. A line whose such box, padded (and a unit more, for the rounding of
        # the arithmetic below), lies inside is inside, without its route worked out.
        inner_left, inner_top = left + pad + 1.0, top + pad + 1.0
        inner_right, inner_bottom = right - pad - 1.0, bottom - pad - 1.0
        for key, line in self._lines.items():
            detail, family, ((ax, ay, aw, ah), (bx, by, bw, bh)) = line[5], line[6], line[8]
            if family in hidden or (detail and not detail_visible):
                continue
            if (  # (the second box's top is above its centre)
                inner_left <= ax + aw / 2 <= inner_right
                and inner_left <= bx + bw / 2 <= inner_right
                and inner_top <= ay + ah / 2 <= inner_bottom
                and inner_top <= by
                and by + bh / 2 <= inner_bottom
            ):
                continue
            (x1, y1), (x2, y2) = _waiting_route(line)
            # QRectF(min x, min y, |dx|, |dy|).adjusted(-pad, -pad, pad, pad): its edges.
            x, y = min(x1, x2) - pad, min(y1, y2) - pad
            w, h = (abs(x2 - x1) + pad) - -pad, (abs(y2 - y1) + pad) - -pad
            r, b = x + w, y + h
            if x < left or r > right or y < top or b > bottom or x == r or y == b:
                beyond.append(key)
        return beyond

    def sibling_words(self, element_id: str) -> Counter[str]:
        """How many of a box's siblings (same kind, same container; loose boxes of a
        kind together) have each word in their name: shared words elide first."""
        key = self._siblings_key(element_id)
        found = self._affixes.get(key)
        if found is None:
            found = Counter()
            for sibling in self._siblings(key):
                found.update(set(name_tokens(sibling.name)))
                found[""] += 1
            self._affixes[key] = found
        return found

    def _siblings_key(self, element_id: str) -> tuple[str | None, str]:
        """(container, kind) of a box: its siblings are that container's boxes of its
        kind (boxes only: their siblings are boxes)."""
        node = self.nodes.get(element_id)
        return self.boxes_parent.get(element_id), node.kind if node is not None else ""

    def _siblings(self, key: tuple[str | None, str]) -> Iterator[NodeItem]:
        """The built boxes of ``kind`` in ``parent`` (in no box: ``None``), in no set
        order (their readers count them)."""
        parent, kind = key
        if parent is None:
            # From the top-level boxes' list, not from every box's entry: a big
            # design's first paint asked this of its ~50,000 boxes' table for the few
            # hundred top-level boxes (14 M instructions; wave 23, open23b).
            boxes_parent, nodes = self.boxes_parent, self.nodes
            for i in self._top_level():
                box = nodes[i]
                if box.kind == kind and boxes_parent.get(i, _NOT_A_BOX) is None:
                    yield box
            return
        for i in self.boxes_children.get(parent, ()):
            sibling = self.nodes.get(i)
            if sibling is not None and sibling.kind == kind:
                yield sibling

    def sibling_tail(self, element_id: str) -> str:
        """The end of a box's name that tells it from its siblings' names (siblings as
        :meth:`sibling_words`): what follows the longest start it shares with one of
        them ("13" of DC01-APP0013 beside DC01-APP0045, "0001" of DAG01-DB0001 beside
        DAG01-DB0002); labels.readable's ``tail``. A name that shares no start of three
        characters with a sibling (DAG01-MBX-DC01-01 on a host beside DC01-APP0025) is
        told from its cousins, the boxes of its kind in the boxes beside its own (the
        other hosts of its cluster: DAG01-MBX-DC01-02). "" when nothing tells it apart
        by its end (ui22: a VM's name in a 110 px box at 60 % kept its two fifths by one
        letter, "…P0013", or showed nothing; the siblings' common start was "DC01-A"
        beside DC01-AD1, "D" beside a mailbox server)."""
        kept = self._tail_of.get(element_id)
        if kept is not None:
            return kept  # (a row asks at each of its fits: its name, its icon's room…)
        node = self.nodes.get(element_id)
        if node is None:
            return ""
        parent, kind = self._siblings_key(element_id)
        tail, shared = self._group_tails(("siblings", parent, kind)).get(node.name) or ("", 0)
        if shared < 3 and parent is not None:
            grandparent = self.boxes_parent.get(parent)
            if grandparent is not None:
                found = self._group_tails(("cousins", grandparent, kind)).get(node.name)
                if found is not None and found[1] > shared:
                    tail = found[0]
        self._tail_of[element_id] = tail
        return tail

    def _group_tails(self, key: tuple[str, str | None, str]) -> NameEnds:
        """Each name's distinguishing end in a group of boxes: ``("siblings", container,
        kind)`` or ``("cousins", container, kind)`` (the boxes of ``kind`` in the boxes in
        ``container``); kept until a name or a box changes."""
        found = self._tails.get(key)
        if found is None:
            group, parent, kind = key
            if group == "siblings":
                boxes: Iterable[NodeItem] = self._siblings((parent, kind))
            else:
                children = self.boxes_children.get(parent or "", ())
                boxes = (b for c in children for b in self._siblings((c, kind)))
            found = self._tails[key] = NameEnds(b.name for b in boxes)
        return found

    # -- disks: drawn by their VM --------------------------------------------------------
    def _note_part(self, part: ElementBase) -> None:
        placement = getattr(part, "placement", None)
        if placement is not None:
            tag: str = placement.value
            self._disk_placement[part.id] = tag
            self._placements[tag] += 1

    def _forget_part(self, part_id: str) -> None:
        placement = self._disk_placement.pop(part_id, None)
        if placement is not None:
            self._placements[placement] -= 1

    def _count_parts(self, box_id: str | None) -> None:
        if not self._refresh_disk_tags():
            self._set_disk_tags(box_id)

    def _refresh_disk_tags(self, position_of: Callable[[str], int] | None = None) -> bool:
        """Placement tags show only where the design mixes placements (in an all-VMDK
        design they would repeat one word on every VM). True if every VM was redone.
        ``position_of``: where a part stands in the design (default: the document's)."""
        self._note_waiting_parts()  # (their counts: an edit has noted them already)
        mixed = self._mixed_placements()
        if mixed == self._mixed:
            return False
        self._mixed = mixed
        holders = {
            k for info in KINDS.values() if info.shape == "part" for k in info.allowed_containers
        }
        if position_of is None and self.session.busy:
            # A step of a big edit (a site's deletion at 100k took the design's last
            # RDM disks: every VM tagged again in that step's turn, ~50 ms): the boxes
            # the steps touch are tagged as they go, the others in the idle slices.
            self._retag = [i for i, node in self.nodes.items() if node.kind in holders]
            slices.shared().start(self._retag_key, self, self._retag_slice)
            return False
        for element_id, node in self.nodes.items():
            if node.kind in holders:
                self._set_disk_tags(element_id, position_of)
        return True

    @property
    def _retag_key(self) -> tuple[int, str]:
        return (id(self), "retag")

    def _retag_slice(self, deadline: float) -> bool:
        """Tag the disks of the boxes waiting in :attr:`_retag` until ``deadline``;
        whether all are."""
        retag = self._retag
        while retag:
            for box in retag[-64:]:
                self._set_disk_tags(box)
            del retag[-64:]
            if time.perf_counter() >= deadline:
                break
        return not retag

    @property
    def retag_pending(self) -> bool:
        """Some boxes' disk tags wait for the idle slices (see :meth:`_refresh_disk_tags`)."""
        return bool(self._retag)

    def finish_retag(self) -> None:
        """Tag the disks still waiting, now (an export, a picture of the whole scene)."""
        if self._retag:
            slices.shared().cancel(self._retag_key)
            self._retag_slice(math.inf)

    def _mixed_placements(self) -> bool:
        """Whether the design's parts mix placements (VMDK and RDM disks: tags show)."""
        if self._parts_tables is not None:  # a big design's parts wait to be noted
            return self._parts_mixed
        return sum(1 for n in self._placements.values() if n) > 1

    def _tag_built_disks(self, parts_of: dict[str, list[ElementBase]]) -> None:
        """:meth:`_refresh_disk_tags` for a scene just built, from the parts the build
        found for each box, in design order (no look-ups, no sorting)."""
        self._mixed = self._mixed_placements()
        holders = {
            k for info in KINDS.values() if info.shape == "part" for k in info.allowed_containers
        }
        self._holders = holders
        nodes = self._nodes
        for box_id, parts in parts_of.items():
            node = nodes.get(box_id)
            if node is not None:
                self._tag_disks(node, parts)

    def _tag_disks(self, node: NodeItem, parts: list[ElementBase]) -> None:
        if node.kind not in self._holders:
            return
        node.disk_count = len(parts)
        node.disk_ids = [p.id for p in parts]
        if self._parts_tables is None:
            placement_of = self._disk_placement
            placed = [(p.id, placement_of[p.id]) for p in parts if p.id in placement_of]
        else:  # a big design's first frame: from the parts, what their table will hold
            placed = [
                (p.id, placement._value_)
                for p in parts
                if (placement := p.__dict__.get("placement")) is not None
            ]
        node.disk_tag_of = {i: PLACEMENT_TAGS.get(tag, tag) for i, tag in placed}
        node.disk_tags = disk_tags([tag for _, tag in placed]) if self._mixed else []
        node.update()

    def _disks_gone(self, box_id: str, gone: set[str]) -> bool:
        """:meth:`_set_disk_tags` of a box some of whose disks were removed and none
        added, from what it draws: its other disks keep their order and tags (a step of
        a site's deletion at 100k took the disks of ~10 VMs of ~48 disks each; each VM's
        disks listed, looked up and sorted again: ~1 ms a VM). False, changing nothing,
        if ``gone`` are not all disks it draws (a VM removed from its host: the host
        draws no disks)."""
        node = self.nodes.get(box_id)
        if node is None:
            return True  # (removed too, or not built: nothing drawn to change)
        drawn = node.disk_tag_of
        if len(node.disk_ids) != node.disk_count or not all(d in drawn for d in gone):
            return False
        kept = [d for d in node.disk_ids if d not in gone]
        node.disk_count = len(kept)
        node.disk_ids = kept
        node.disk_tag_of = {d: tag for d, tag in drawn.items() if d not in gone}
        placement_of = self._disk_placement
        placed = [placement_of[d] for d in kept if d in placement_of]
        node.disk_tags = disk_tags(placed) if self._mixed else []
        node.update()
        return True

    def _set_disk_tags(
        self, box_id: str | None, position_of: Callable[[str], int] | None = None
    ) -> None:
        """A box's disks as it draws them: how many, their ids in design order, each
        one's placement tag and (where the design mixes placements) the box's tags.
        Asked for each holder of the parts an edit adds or removes: a step of a site's
        undo at 100k re-added 8 disks to ~20 VMs of ~48 disks each, and each VM's disks
        were looked up, sorted by a bisection each and tagged again (~14 ms a step,
        2.5 s of the undo's 7.5 s of step CPU): read by id here, sorted by the
        index's design-order keys (wave 28)."""
        nodes = self.nodes
        node = nodes.get(box_id) if box_id else None
        if node is None:
            return
        doc = self.session.document
        get = doc.get
        parts = [d for d in self.box_children.get(node.element_id, ()) if d not in nodes]
        parts = [d for d in parts if get(d) is not None]
        if not parts and not node.disk_count:
            return
        node.disk_count = len(parts)
        node.disk_ids = (
            doc.index.in_design_order(parts)
            if position_of is None
            else sorted(parts, key=position_of)
        )
        placement_of = self._disk_placement
        placed = [(d, placement_of[d]) for d in parts if d in placement_of]
        node.disk_tag_of = {d: PLACEMENT_TAGS.get(tag, tag) for d, tag in placed}
        node.disk_tags = disk_tags([tag for _, tag in placed]) if self._mixed else []
        node.update()

    def _part_label(self, part_id: str) -> str:
        """What a disk → LUN line says: how the disk is placed and what it holds."""
        disk = self.session.document.get(part_id)
        placement = self._disk_placement.get(part_id)
        if disk is None or placement is None:
            return ""
        purpose = getattr(disk, "purpose", None)
        tag = PLACEMENT_TAGS.get(placement, placement)
        return f"{tag} · {enum_words(purpose)}" if purpose is not None else tag

    def _end_node(self, element_id: str) -> NodeItem | None:
        """The box a line ends on: the element's own, or a part's container."""
        nodes = self._nodes
        node = nodes.get(element_id)
        if node is None and (self._pending or self._unread):  # its box is built first
            waiting = self.boxes_waiting
            if element_id in waiting:
                return self._build_box(element_id)
            parent = self.box_parent.get(element_id)
            if parent is not None and parent in waiting:
                return self._build_box(parent)
        if node is None and element_id in self.box_parent:
            parent = self.box_parent[element_id]
            node = nodes.get(parent) if parent else None
        return node

    def _line_end(self, element_id: str) -> NodeItem | _Waiting | None:
        """:meth:`_end_node`, or what a line asks of it while its box is not built
        (a big design's lines are made before the boxes not in its first view)."""
        pending, unread = self._pending, self._unread
        if pending or unread:
            box: str | None = element_id
            if element_id not in self._nodes and element_id not in pending:
                if element_id in unread:
                    self._read_boxes([element_id])
                else:
                    box = self.box_parent.get(element_id)
                    if box in unread:
                        self._read_boxes([box])
            waiting = pending.get(box) if box is not None else None
            if waiting is not None:
                return _Waiting(waiting)
        return self._end_node(element_id)

    def _add_edge(
        self,
        key: str,
        style: str,
        source: str,
        target: str,
        element_id: str | None = None,
        label: str = "",
    ) -> bool:
        a, b = self._line_end(source), self._line_end(target)
        if a is None or b is None:
            return False
        if self._deferring:  # made in the idle slices (see _select)
            self._line_ops.append(("add", key, style, source, target, element_id, label))
            return True
        self._kept_placing = None
        edge = EdgeItem(self.theme, key, style, source, target, element_id, label, self.labels)
        siblings = self.router.add(
            key,
            a.element_id,
            b.element_id,
            self._waypoints_of(element_id),
            self._bundle(key, a, b),
            wide=style == "wan_link",  # the other lines keep a band off it
        )
        # Lines to VMs, LUNs and databases go with them when far out.
        edge.detail = a.detail or b.detail
        owner = self.session.document.get(element_id or source)
        edge.family = group_of(owner.kind) if owner is not None else ""
        if self._making_hidden:  # (see _run_line_ops)
            edge.waiting = True
            self._unveil[key] = None
        if self._making_hidden or not self.layers.edge_shown(edge):
            edge.setVisible(False)  # (before it is added: no repaint, no scene change)
        self.addItem(edge)
        self.edges[key] = edge
        self._edges_at[source].add(key)
        self._edges_at[target].add(key)
        if self._indexed and self._lines_batch is not None:
            self._lines_batch.extend([key, *siblings])  # routed once at the batch's end
        elif self._indexed and self._edit_lines is not None:
            self._edit_lines.extend([key, *siblings])  # routed once the change is done
            self._edit_new.append(key)
        elif self._indexed:
            self.reroute([key, *siblings])
        else:
            self._unrouted.append(key)
        return True

    # -- routing (the geometry is the router's) -----------------------------------------
    def box_rect(self, box: str) -> Rect | None:
        node = self.nodes.get(box)
        return node.box() if node is not None else None

    # (The boxes only, as the readers below: a big design's parts may wait to be noted.)
    def witness_runs_in(self, witness_id: str) -> str:
        """ "runs in Hartford" for a file share witness whose server runs in another site
        than the one it states: its box stays where it is drawn (in the stated site, as
        the user placed it), and says where the rules, the simulator and the graph place
        it (``Topology.witness_sites``; DAG017 asks to set the two alike); else ""."""
        index = self.session.document.index
        witness = index.typed(witness_id, FileShareWitness)
        if witness is None or not witness.vm:
            return ""
        runs_in = index.site_of(witness.vm)
        if runs_in is None or runs_in == witness.site:
            return ""
        site = index.get(runs_in)
        return f"runs in {site.name if site is not None else runs_in}"

    def witness_site_words(self, site_id: str) -> str:
        """ "Witness site (role: Production) · 10.4.0.0/24" for a site that holds file
        share witnesses and no Exchange server nor users while its role says otherwise
        (a new site's default is Production: the canvas said "Production" of a site
        holding only a witness; the review's inventory names it so since wave 28); else
        ""."""
        index = self.session.document.index
        site = index.typed(site_id, Site)
        if site is None or site.role == SiteRole.WITNESS_ONLY or not witnesses_only(site, index):
            return ""
        said = f"Witness site (role: {enum_words(site.role)})"
        return f"{said} · {site.subnet}" if site.subnet else said

    def _refresh_site_words(self, events: tuple[DocumentEvent, ...]) -> None:
        """The site boxes' second lines worked out again when an edit may have changed
        what a site holds (:meth:`witness_site_words`): elements added or removed, a
        VM's roles, version or host, a host's, witness's or site's placement, users or
        role. (A few sites; each answers at its users, or from its witnesses.)"""
        if not any(
            isinstance(event, ElementsAdded | ElementsRemoved)
            or (isinstance(event, ElementChanged) and event.field in _SITE_WORDS_FIELDS)
            for event in events
        ):
            return
        for site in self.session.document.index.by_kind.get("site", ()):
            node = self.nodes.get(site.id)
            if node is not None:
                node.refresh_subtitle()

    def _witnesses_moved(self, element: ElementBase, field: str) -> None:
        """The witness boxes whose second line ``element``'s change of ``field`` can
        change (where a witness's server runs, and that site's name) work it out again:
        a witness's site or server, its server's host, that host's site, a site's name."""
        kind = element.kind
        if kind == "file_share_witness" and field in ("site", "vm"):
            witnesses = [element.id]
        elif kind == "vm" and field == "host":
            index = self.session.document.index
            witnesses = [w.id for w in index.group("file_share_witness", "vm").get(element.id, ())]
        elif (kind == "esxi_host" and field == "site") or (kind == "site" and field == "name"):
            index = self.session.document.index
            witnesses = [w.id for w in index.by_kind.get("file_share_witness", ())]
        else:
            return  # (most of a group edit's changes: no index asked for)
        for witness in witnesses:
            node = self.nodes.get(witness)
            if node is not None:
                node.refresh_subtitle()

    def box_container(self, box: str) -> str | None:
        return self.boxes_parent.get(box)

    def _top_level(self) -> list[str]:
        """The top-level boxes (in no box), in the order they were drawn. Kept up to date
        as boxes come, go or change box (:meth:`_add_node`, :meth:`_remove_node`,
        :meth:`_reparent`); made again when boxes were drawn otherwise (the build)."""
        top = self._top_boxes
        if top is None or self._top_of != len(self.nodes):
            box_parent = self.boxes_parent
            top = self._top_boxes = [i for i in self.nodes if box_parent.get(i) is None]
            self._top_of = len(self.nodes)
        return top

    def boxes_in(self, box: str | None) -> Iterable[str]:
        if box is None:
            return self._top_level()
        return [c for c in self.boxes_children.get(box, ()) if c in self.nodes]

    def box_header(self, box: str) -> float:
        node = self.nodes.get(box)
        return HEADER if node is not None and node.container else 0.0

    def box_is_row(self, box: str) -> bool:
        node = self.nodes.get(box)
        info = KINDS.get(node.kind) if node is not None else None
        return info is not None and info.spec.row

    def box_end(self, box: str) -> routing.End:
        node = self.nodes[box]
        info = KINDS.get(node.kind)
        sides = "lr" if info is not None and info.spec.row else "lrtb"
        return routing.End(_rect(node.scene_rect()), sides, HEADER if node.container else 0.0)

    def _waypoints_of(self, element_id: str | None) -> list[routing.Point]:
        entry = self.session.design.layout.get(element_id) if element_id else None
        points = getattr(entry, "points", None) if entry is not None else None
        return [(p[0], p[1]) for p in points] if points else []

    def _bundle(self, key: str, a: NodeItem | _Waiting, b: NodeItem | _Waiting) -> str:
        """Lines of one box and one relation (a DAG's members) form one bundle, and so
        do the replication lines of one kind between the same two boxes' holders (the
        mirrors from one array to another: a cable run, not twenty lines side by side).
        A WAN link is its own."""
        parts = key.split("|")
        if len(parts) == 3:
            return "|".join(parts[:2])
        box_parent = self.boxes_parent  # (a line's ends are boxes)
        holder_a, holder_b = box_parent.get(a.element_id), box_parent.get(b.element_id)
        if holder_a and holder_b and (a.detail or b.detail):
            element = self.session.document.get(key)
            kind = element.kind if element is not None else key
            return f"{kind}|{holder_a}|{holder_b}"
        return key

    def preview_waypoints(self, key: str, waypoints: list[routing.Point]) -> None:
        """Route a line through ``waypoints`` while they are dragged (view state; the
        model is untouched until the drag ends)."""
        self.router.set_waypoints(key, waypoints)
        self.reroute([key])

    def route_all(self) -> None:
        """Route every line afresh (a load, a rebuild) and spread shared channels; a
        big drawing's lines are drawn straight now and routed in slices afterwards."""
        self._kept_placing = None
        self._stop_routing()
        self._held.clear()  # (the hidden ones are shown once drawn: _unveil)
        if self._line_order:
            # A big design's lines being made (straight, as below) as its first frame
            # needs them and in slices after it: routed once all are made.
            self._unrouted = list(self._line_order)
            self._settle_after = None
            self.session.after_first_frame(self._start_routing)
            return
        if len(self.edges) <= ROUTE_AT_ONCE:
            self.router.route_many(self.edges)
            self._unrouted = []
            self._draw_routes(self.router.settle_all())
            self._unveil_lines()
            return
        for edge in self.edges.values():
            a, b = self._line_end(edge.source), self._line_end(edge.target)
            if a is not None and b is not None:
                edge.set_route(
                    _points(routing.straight(_rect(a.scene_rect()), _rect(b.scene_rect())))
                )
        self._unrouted = list(self.edges)
        self._settle_after = None
        # A big design being opened: its first frame comes before the routing slices
        # (its lines are drawn straight meanwhile).
        self.session.after_first_frame(self._start_routing)

    def _start_routing(self) -> None:
        if self.building:  # the router asks every box where it is: once all are built
            self._route_when_built = True
            return
        if self._unrouted or self._route_batch is not None or self._settle_after is not None:
            # (``_settle_after`` alone: the channels of lines taken away, to spread.)
            # A selection's lines stay while it does, and a load's (every line routed
            # afresh: no spreading of some lines asked, ``_settle_after``) while the
            # design does: routed with the cyclic collector paused, and frozen out of
            # its reach at the end (slices' long_lived). A selection's full collections,
            # each over every object made since the design opened, took 8 s of the 10k
            # Select All's slices (one 0.3–1.1 s turn each, load 12); a load's routes,
            # left to the collector, were the 30–60k objects the window's first tidy
            # after opening 100k visited (27–29 ms of CPU in one turn, wave 27).
            long_lived = bool(self._held) or self._settle_after is None
            slices.shared().start(self._routing_key, self, self._route_slice, long_lived=long_lived)

    @property
    def _routing_key(self) -> tuple[int, str]:
        return (id(self), "routes")

    def _stop_routing(self) -> None:
        """No routing slices (the lines still waiting stay in ``_unrouted``; a load's
        spreading or drawing under way is dropped: whoever stops them routes and
        spreads again)."""
        self._requeue_batch()
        self._settling = None
        self._spreading = None
        self._drawing = []
        slices.shared().cancel(self._routing_key)

    def _requeue_batch(self) -> None:
        """End the batch being routed in steps; its lines not routed yet wait again."""
        batch, self._route_batch = self._route_batch, None
        if batch is None:
            return
        keys, routed, _steps = batch
        self.router.interrupt()
        done = set(routed)
        self._unrouted[:0] = [k for k in keys if k not in done]

    def _route_later(self, keys: list[str], straight: Iterable[str] | None = None) -> None:
        """Draw these lines (or those of them in ``straight``: the lines at the boxes that
        moved; the others stay as they are drawn meanwhile) straight now and route them
        in slices (a big move)."""
        self._kept_placing = None
        self._requeue_batch()
        self._spreading = None  # (spread again with these lines once they are routed)
        # Lines of an earlier move spread but not drawn yet: drawn with these (the next
        # spreading's list of lines to draw replaced theirs, and a line drawn straight
        # until then stayed straight: eyes21).
        undrawn, self._drawing = self._drawing, []
        redraw = set(keys if straight is None else straight)
        for key in keys:
            if key not in redraw:
                continue
            edge = self.edges[key]
            a, b = self._end_node(edge.source), self._end_node(edge.target)
            if a is not None and b is not None:
                edge.set_route(
                    _points(routing.straight(_rect(a.scene_rect()), _rect(b.scene_rect())))
                )
        loading = (bool(self._unrouted) or self._settling is not None) and (
            self._settle_after is None
        )
        waiting = set(self._unrouted)
        self._unrouted.extend(k for k in keys if k not in waiting)
        if not loading:  # a load's slices still running spread every line at their end
            self._settle_after = {
                **(self._settle_after or {}),
                **dict.fromkeys(undrawn),
                **dict.fromkeys(keys),
            }
        self._start_routing()

    @property
    def _leaving_key(self) -> tuple[int, str]:
        return (id(self), "leaving")

    def _leave_slice(self, deadline: float) -> bool:
        """Take lines a selection hid out of the scene until ``deadline``; whether done."""
        leaving = self._leaving
        while leaving:
            for edge in leaving[-32:]:
                self.removeItem(edge)
            del leaving[-32:]
            if time.perf_counter() >= deadline:
                break
        return not leaving

    @property
    def routing_pending(self) -> bool:
        """Whether some lines still wait for their routes (drawn straight meanwhile), or
        lines a selection took away are still to leave the scene."""
        return (
            bool(self._leaving)
            or bool(self._line_ops)
            or bool(self._unrouted)
            or self._route_batch is not None
            or self._settling is not None
            or self._settle_after is not None
            or bool(self._crossing_after)
            or self._spreading is not None
            or bool(self._drawing)
        )

    def finish_routing(self) -> None:
        """Route the lines still waiting, now (an export, a test, a benchmark): in one
        batch, so that the legs they share are routed once; and spread them all. A batch
        under way counts even when it has routed all its lines (its steps not ended: a
        slice's deadline came right after its last line): they are still to spread.
        The disks' tags waiting for the slices too (an export draws them)."""
        self.finish_retag()
        self._flush_line_ops()
        spreading = (
            self._settling is not None
            or self._spreading is not None
            or bool(self._drawing)
            or self._route_batch is not None
        )
        self._stop_routing()
        if not self._unrouted and not spreading:
            if self._settle_after is not None:  # (only the channels of lines taken away)
                self._settle_after = None
                self._draw_routes(self.router.settle([]))
            return
        keys = [k for k in self._unrouted if k in self.edges]
        self._unrouted = []
        self._settle_after = None
        self._held.clear()
        self.router.route_many(keys)
        self._draw_routes(self.router.settle_all())
        self._unveil_lines()

    def _route_slice(self, deadline: float) -> bool:
        """One slice of the background routing (a job of :mod:`designer.ui.slices`):
        batches of :data:`ROUTE_BATCH` lines, each routed in steps of its searches
        (:meth:`Router.route_many_steps`) until ``deadline`` or :data:`ROUTE_SLICE_S`;
        the lines routed are drawn; the last slice spreads them. Whatever else uses the
        router between two slices (an edit's rerouting) ends the batch in progress:
        its lines not routed yet are routed again from the start. The lookups of edits
        go first (:attr:`EditorSession.preparing_edits_now`)."""
        if self.session.preparing_edits_now:
            return False
        deadline = min(deadline, time.perf_counter() + ROUTE_SLICE_S)
        done: list[str] = []
        while True:
            batch = self._route_batch
            if batch is None:
                if not self._unrouted:
                    break
                # A selection's lines in one batch (the legs and boxes they share asked
                # once, as an immediate reroute does), a load's a few at a time.
                size = ROUTE_BATCH
                if self._unrouted[0] in self._held:
                    held = self._held
                    size = next(
                        (i for i, k in enumerate(self._unrouted) if k not in held),
                        len(self._unrouted),
                    )
                keys = [k for k in self._unrouted[:size] if k in self.edges]
                del self._unrouted[:size]
                batch = self._route_batch = (keys, [], self.router.route_many_steps(keys))
            keys, routed, steps = batch
            try:
                key = next(steps)
            except StopIteration:  # done, or ended by another use of the router
                self._requeue_batch()
            else:
                if key is not None:
                    routed.append(key)
                    done.append(key)
            if time.perf_counter() >= deadline:
                break
        if self._unrouted or self._route_batch is not None:
            raw, held = self.router.raw, self._held
            self._draw_routes({k: raw[k] for k in done if k in raw and k not in held})
            return False
        if self._settle_after is not None:
            # Spread in steps, then drawn in steps below (the lines of a Select All:
            # thousands); an edit meanwhile (any other use of the router) ends the
            # spreading, which starts again (what it had not spread, the edit's did).
            if self._spreading is None:
                self._spreading = self.router.settle_steps(list(self._settle_after))
            for changed in self._spreading:
                if changed is not None:
                    break
                if time.perf_counter() >= deadline:
                    return False
            else:
                self._spreading = None  # ended by another use of the router
                return False
            self._spreading = None
            self._drawing = list(changed)
            self._settle_after = None
            self._held.clear()
        elif not self._drawing:
            # A load's lines all routed: spread every line afresh, in steps; an edit
            # meanwhile (any other use of the router) ends them, and they start again.
            if self._settling is None:
                self._settling = self.router.settle_all_steps()
            for finished in self._settling:
                if finished:
                    break
                if time.perf_counter() >= deadline:
                    return False
            else:
                self._settling = None  # ended by another use of the router
                return False
            self._settling = None
            self._drawing = list(self.router.drawn)
            # A selection's lines made meanwhile were routed with the load's (its own
            # spreading waits for a load's: _route_later): they are spread now, drawn
            # below and shown at the end (held, they stayed hidden for good: fixn21).
            self._held.clear()
        # Then drawn as spread, as many as the slice has time for (each as the router
        # has it when drawn; one pass of label placement a slice: its grids are made
        # once, not for every few lines).
        drawing = self._drawing
        if drawing:
            if not self._placing_ready(deadline):
                return False
            drawn = self.router.drawn
            done_n = self._draw_routes(
                ((k, drawn.get(k)) for k in drawing), deadline, keep_placing=True
            )
            del drawing[:done_n]
            if drawing:
                return False
        self._unveil_lines()
        return True

    def _unveil_lines(self) -> None:
        """Show the lines held hidden while they were routed (see :attr:`_held`)."""
        if self._held or not self._unveil:
            return
        edges, shown = self.edges, self.layers.edge_shown
        for key in self._unveil:
            edge = edges.get(key)
            if edge is not None:
                edge.waiting = False
                edge.setVisible(shown(edge))
        self._unveil = {}

    def reroute(self, keys: Iterable[str], *, settle: bool = True) -> None:
        """Route these lines afresh and redraw them and their channel neighbours; a
        drag in progress (``settle=False``) draws them as routed, unspread from their
        neighbours (the drop settles them), to stay within a frame."""
        keys = [k for k in dict.fromkeys(keys) if k in self.edges]
        self.router.route_many(keys)
        if settle:
            self._draw_routes(self.router.settle(keys))
        else:
            raw = self.router.raw
            self._draw_routes({k: raw[k] for k in keys if k in raw})

    def _draw_routes(
        self,
        routes: dict[str, list[routing.Point]] | Iterable[tuple[str, list[routing.Point] | None]],
        deadline: float | None = None,
        *,
        keep_placing: bool = False,
    ) -> int:
        """Draw these lines as routed (None: not routed, left as it is), placing their
        labels; with a ``deadline``, stop there (at a multiple of
        :data:`DRAW_STEP_LINES` lines, at least that many). Returns how many of
        ``routes`` were taken. ``keep_placing``: the rectangles label placement asks
        are kept for the next such call (:attr:`_kept_placing`)."""
        taken = 0
        items = routes.items() if isinstance(routes, dict) else routes
        kept = self._kept_placing
        self._kept_placing = None
        state = self._placing_state() if keep_placing else None
        if kept is not None and kept[0] == state and kept[1].ready:
            self._placing = kept[1]
        try:
            for key, points in items:
                if (
                    deadline is not None
                    and taken
                    and not taken % DRAW_STEP_LINES
                    and time.perf_counter() >= deadline
                ):
                    break
                taken += 1
                edge = self.edges.get(key)
                if edge is None or points is None:
                    continue
                waypoints = self.router.waypoints(key)
                shown = (tuple(points), waypoints)
                if edge.drawn_from == shown:
                    continue  # drawn so already (a line routed in a slice, then spread alike)
                edge.waypoints = _points(list(waypoints))
                edge.set_route(_points(points))
                edge.drawn_from = shown
                if edge.has_label and self._indexed:
                    self._place_label_noted(edge)
        finally:
            if keep_placing and self._placing is not None:
                self._kept_placing = (state, self._placing)
            self._placing = None
        return taken

    def _placing_state(self) -> object:
        """What a kept :attr:`_placing` depends on beyond what drops it explicitly."""
        return (
            self.session.document.revision,
            len(self._nodes),
            len(self.edges),
            self.detail_visible,
            frozenset(self.layers.hidden),
            id(self.theme),
        )

    def _placing_ready(self, deadline: float) -> bool:
        """Make the rectangles label placement asks (:attr:`_kept_placing`: the labels,
        the top boxes and both grids) in steps until ``deadline``, for the drawing
        slices; whether they are made. Made at once in the first slice of Select All's
        drawing, they took one turn of ~70 ms at 10k (15,452 lines, 10,000 boxes). The
        grids answer what the scan of the first spots answers (see :class:`_Placing`).
        Anything that drops the kept rectangles meanwhile makes the drawing make them
        at once, as it did before (:meth:`_draw_routes`)."""
        state = self._placing_state()
        kept = self._kept_placing
        if kept is not None and kept[0] == state and kept[1].ready:
            return True
        build = self._placing_build
        if build is None or kept is None or kept[1] is not build[0] or kept[0] != state:
            if build is not None:
                # Dropped before it was made: made at once now (as before), so that
                # drops in every turn cannot keep the lines from being drawn.
                self._placing_build = None
                return True
            placing = _Placing({}, [], self._nodes)
            placing.ready = False
            self._kept_placing = (state, placing)
            # The grids too when the pass asks more spots than are scanned (a line with
            # a label asks one at least): made then anyway, at its 65th spot.
            edges = self.edges
            labelled = sum(1 for k in self._drawing if k in edges and edges[k].has_label)
            steps = self._placing_steps(placing, grids=labelled > SCAN_SPOTS)
            build = self._placing_build = (placing, steps)
        for _ in build[1]:
            if time.perf_counter() >= deadline:
                return False
        build[0].ready = True
        self._placing_build = None
        return True

    def _placing_steps(self, placing: _Placing, *, grids: bool) -> Iterator[None]:
        """:meth:`_labels_and_top_boxes` (and the grids), in steps."""
        edges, labels = self.edges, placing.labels
        for n, key in enumerate(list(edges), 1):
            edge = edges.get(key)
            placed = edge.label_scene_rect() if edge is not None and edge.has_label else None
            if placed is not None:
                labels[key] = placed
            if not n % PLACING_STEP:
                yield
        nodes = self.nodes
        placing.tops = [
            nodes[i].scene_rect() for i in self._top_level() if i in nodes and nodes[i].isVisible()
        ]
        if grids:
            yield
            yield from placing.label_grid_steps()
            yield
            yield from placing.box_grid_steps()

    def _labels_and_top_boxes(self) -> _Placing | None:
        """What :attr:`_placing` keeps (None: nothing kept, every spot asks the items)."""
        labels = {}
        for key, edge in self.edges.items():
            placed = edge.label_scene_rect() if edge.has_label else None
            if placed is not None:
                labels[key] = placed
        nodes = self.nodes
        tops = [
            nodes[i].scene_rect() for i in self._top_level() if i in nodes and nodes[i].isVisible()
        ]
        return _Placing(labels, tops, self._nodes)

    def _place_label_clear(self, edge: EdgeItem) -> None:
        """Put a line's label where it covers no box: along the line if it can, else
        (a WAN link) just outside the boxes with a leader to the line."""
        wan = edge.style_key == "wan_link"
        spots = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)
        if edge.source in self._part_lines:
            # A part's line (disk → LUN): near its far end, where the lines of one box fan out.
            spots = (0.75, 0.65, 0.85, 0.55, 0.45, 0.35, 0.25)
        for t in spots:
            for above in (True, False):
                rect = edge.label_rect_at(t, above)
                if rect is not None and not self._covers_box(rect, wan, edge):
                    edge.put_label(rect)
                    return
        rect = edge.label_rect_at(spots[0])
        if rect is None or not wan:
            return
        anchor = edge.label_anchor()
        for node_id in (edge.source, edge.target):
            node = self.nodes.get(node_id)
            if node is None:
                continue
            for dy in range(0, 400, 12):
                up = rect.translated(0, node.scene_rect().top() - rect.bottom() - 6 - dy)
                if not self._covers_box(up, wan, edge):
                    edge.put_label(up, anchor)
                    return
        edge.put_label(rect)

    def _covers_box(
        self, rect: QRectF, top_level: bool = False, edge: EdgeItem | None = None
    ) -> bool:
        """Whether ``rect`` covers a box (``top_level``: any top-level box; else a leaf
        box or a title bar) or, for ``edge``, another line's label."""
        placing = self._placing
        if placing is not None and edge is not None:
            # The same as below, from the rectangles kept while routes are drawn.
            if placing.covers_label(rect, edge.key):
                return True
            if top_level:
                return any(r.intersects(rect) for r in placing.tops)
            covered = placing.covers_box(rect)
            if covered is not None:
                return covered
        elif edge is not None:
            for other in self.edges.values():
                placed = other.label_scene_rect() if other is not edge else None
                if placed is not None and placed.intersects(rect):
                    return True  # another line's label
        if top_level:
            # Everything lies inside the top-level boxes: checking those is enough, and
            # needs no scene index (which a first query would build mid-load).
            return any(
                self.nodes[i].isVisible() and self.nodes[i].scene_rect().intersects(rect)
                for i in self._top_level()
                if i in self.nodes
            )
        for item in self.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, NodeItem) and item.isVisible():
                # The box itself (its bounds take in a selected box's marks: reach.py).
                # On a container's body is fine, on its title bar is not.
                box = item.scene_rect()
                if item.container:
                    box.setHeight(HEADER)
                if box.intersects(rect):
                    return True
        return False

    def _remove_edge(self, key: str) -> None:
        if self._deferring:  # taken away in the idle slices (see _select); hidden now
            edge = self.edges.get(key)
            if edge is not None:
                edge.waiting = True
                edge.setVisible(False)
                self._line_ops.append(("remove", key))
            return
        edge = self.edges.pop(key, None)
        if edge is None:
            return
        self._kept_placing = None
        self._edges_at[edge.source].discard(key)
        self._edges_at[edge.target].discard(key)
        if self._lines_batch is not None:
            edge.setVisible(False)  # out of the scene after the batch (see _leaving)
            self._leaving.append(edge)
        elif self._edit_lines is not None:
            edge.setVisible(False)
            self._edit_leaving.append(edge)  # (out once the change is done)
        else:
            self.removeItem(edge)
        lanes = self.router.remove(key)
        self._held.discard(key)
        self._unveil.pop(key, None)
        if self._indexed and self._lines_batch is not None:
            # Routed (and its channel spread) once at the batch's end.
            self._lines_batch.extend(lanes)
            self._lines_batch_removed = True
        elif self._indexed and self._edit_lines is not None:
            self._edit_lines.extend(lanes)  # (the same, once the change is done)
            self._edit_removed = True
        elif lanes and self._indexed:
            self.reroute(lanes)

    def _remove_node(self, element_id: str) -> None:
        for key in list(self._edges_at.pop(element_id, ())):
            self._remove_edge(key)
        node = self.nodes.pop(element_id, None)
        if node is not None:
            self.removeItem(node)
            self._box_gone(node.box())
        self.pictured.discard(element_id)
        parent = self.box_parent.pop(element_id, None)
        top = self._top_boxes
        if node is not None and top is not None:
            self._top_of -= 1
            if parent is None:
                try:
                    top.remove(element_id)
                except ValueError:
                    self._top_boxes = None
        if parent is not None:
            self.box_children[parent].discard(element_id)
        self._marks.pop(element_id, None)

    # -- document events -------------------------------------------------------------
    def _on_edited(self, events: tuple[DocumentEvent, ...]) -> None:
        """The events of one edit of the document (``EditorSession.document_edited``):
        each applied to the items in order; what does not depend on each once for all
        (the boxes to repaint around them, the names' caches, the selected boxes' member
        lines, the dimming, the scene's bounds). A site's deletion at 100k is 6,073
        events: each one's bounds, repaints and caches took ~0.2 s of the UI thread."""
        self._flush_line_ops()  # (an edit applies to a selection's lines as they are)
        self._kept_placing = None
        if any(isinstance(event, DesignReplaced) for event in events):
            # A new design (its event comes alone): drawn afresh.
            self._forget_names()
            self.link_loads = {}  # another design's: its own come with its sizing
            self.link_notes = {}
            self.rebuild()
            if self.layers.dim_unrelated:
                self.layers.refocus()
            return
        self.finish_build()  # an edit applies to the whole scene
        if self._edit_lines is None:
            self._edit_lines = []  # until the change's last event (_on_changes_applied)
            self._edit_events = 0
        self._edit_events += len(events)
        touched = [i for event in events for i in _ids_of(event)]
        # (A field that no neighbour shows: its box's picture only, not all its rows: a
        # step of a site's undo at 100k gave back copies to 40 databases, each of
        # their DAGs' 400 rows repainted twice, ~10 ms a step.)
        alone = {
            event.id
            for event in events
            if isinstance(event, ElementChanged) and event.field not in _NEIGHBOUR_FIELDS
        }
        if alone:
            self._repaint_alone(alone)
            touched = [i for i in touched if i not in alone]
        if self.session.busy:
            renamed = {
                event.id
                for event in events
                if isinstance(event, ElementChanged) and event.field == "name"
            }
            if renamed:
                self._renamed_later(renamed)
                touched = [i for i in touched if i not in renamed]
        self._repaint_neighbours(touched)  # where they were
        names = not all(isinstance(event, LayoutChanged) for event in events)
        if names:
            self._forget_names()  # names or boxes changed
        self._labels_waiting = {}
        try:
            for event in events:
                self._kept_placing = None
                if isinstance(event, ElementChanged):
                    self._on_changed(event)
                elif isinstance(event, ElementsAdded):
                    self._on_added(event.ids)
                elif isinstance(event, ElementsRemoved):
                    self._on_removed(event.ids)
                elif isinstance(event, LayoutChanged):
                    self._on_layout(event.ids)
        finally:
            waiting, self._labels_waiting = self._labels_waiting, None
        if waiting:
            self._place_wan_labels(list(waiting))
        if names:
            self._forget_names()  # (what the events before the last measured)
            if self._member_lines:
                self._refresh_member_lines(events)  # members may have changed
            if self.layers.dim_unrelated:
                self.layers.refocus()  # new items are drawn in full; relations may change
        self._repaint_neighbours(touched)  # where they are
        if alone:
            self._repaint_alone(alone)
        self._grow_scene_rect(
            i
            for event in events
            if not isinstance(event, ElementsRemoved)
            for i in _ids_of(event, moved=True)
        )
        self._refresh_site_words(events)

    def _renamed_later(self, ids: set[str]) -> None:
        """A step of a big renaming (Edit > Replace in Names in steps) renamed these
        elements: each renamed box repaints itself (its name; ``NodeItem.set_element``),
        the rest of their boxes once the edit is done (:meth:`_on_busy`). At 100k each
        step renamed a third of every host's VMs in view, and each step's turn repainted
        every box in view again beside the step's own work, ~35 ms (wave 29). Meanwhile
        a row whose neighbour was renamed may show its own name shortened as it was."""
        box_parent = self.box_parent
        for element_id in ids:
            if element_id in box_parent:
                parent = box_parent[element_id]
                if parent is not None:
                    self._renamed_in.add(parent)
                else:
                    node = self.nodes.get(element_id)
                    if node is not None:
                        self._renamed_loose.add(node.kind)

    def _on_busy(self, busy: bool) -> None:
        if not busy and self._crossing_after:
            lifetime.soon(self, self._reroute_crossed)
        if not busy and (self._renamed_in or self._renamed_loose):
            # In a turn of its own: not beside the edit's last step.
            lifetime.soon(self, self._repaint_renamed)

    def _repaint_renamed(self) -> None:
        """The boxes a big renaming renamed rows in, with all their rows (see
        :meth:`_renamed_later`): their names' shortenings and summaries as they are now.
        Those out of view at once (nothing is painted for them); those in view
        :data:`RENAMED_REPAINT_AT_ONCE` boxes and rows a turn, each turn's repaint a
        part of the view (all of it in one turn was ~40 ms at 100k)."""
        boxes, self._renamed_in = self._renamed_in, set()
        loose, self._renamed_loose = self._renamed_loose, set()
        nodes, children = self.nodes, self.box_children
        seen = self._view_rects()
        now: set[str] = set()
        later: list[str] = []
        count = 0
        for box in sorted(b for b in boxes if b in nodes):
            rect = nodes[box].scene_rect()
            if not any(view.intersects(rect) for view in seen):
                now.add(box)
            elif count < RENAMED_REPAINT_AT_ONCE:
                now.add(box)
                count += 1 + len(children.get(box, ()))
            else:
                later.append(box)
        self._repaint_boxes(now, loose)
        if later:
            self._renamed_in.update(later)
            lifetime.soon(self, self._repaint_renamed)

    def _forget_names(self) -> None:
        """Drop what was measured of the boxes' names (an edit changed names or boxes)."""
        self._affixes.clear()
        self._tails.clear()
        self._tail_of.clear()
        self.labels.forget()  # a name's elision depends on its neighbours' names

    def _on_changes_applied(self) -> None:
        """The last event of a change of the document has arrived: repaint the boxes
        and route the lines its events touched, once."""
        lines, removed = self._edit_lines, self._edit_removed
        if lines is None:
            return
        self._edit_lines, self._edit_removed = None, False
        boxes, self._edit_boxes = self._edit_boxes, set()
        loose, self._edit_loose = self._edit_loose, set()
        alone, self._edit_alone = self._edit_alone, set()
        self._repaint_boxes(boxes, loose, alone)
        leaving, self._edit_leaving = self._edit_leaving, []
        new, self._edit_new = self._edit_new, []
        for edge in leaving:
            self.removeItem(edge)
        lines = [k for k in dict.fromkeys(lines) if k in self.edges]
        group = self._edit_events > GROUP_EVENTS and len(lines) > GROUP_REROUTE_AT_ONCE
        if len(lines) > REROUTE_AT_ONCE or group or ((lines or removed) and self.session.busy):
            # As a big move's: the new lines drawn straight now, every one routed in
            # the idle slices (50 VMs deleted at 100k: ~100 lines, 0.2 s at once). A
            # step of a big edit in steps (few events each) too: a site's undo routed
            # the lines of each step's few boxes in that step's turn, 30-350 ms a step
            # at 100k (wave 27); and a step that only took lines away spread their
            # channels again in its turn, 40-90 ms of a site's deletion at 100k with
            # the site in view (wave 30): in the idle slices too.
            self._route_later(lines, [k for k in new if k in self.edges])
        elif lines or removed:
            self.reroute(lines)  # (none: the channels the removed lines left spread again)

    def _on_added(self, ids: Iterable[str]) -> None:
        doc = self.session.document
        elements = [e for e in (doc.get(i) for i in ids) if e is not None]
        boxes: list[tuple[ElementBase, KindInfo]] = []
        for element in elements:
            info = _info(element.kind)
            if info is None or info.is_line:
                continue
            parent = info.container_of(element)
            self.box_parent[element.id] = parent
            if parent is not None:
                self.box_children[parent].add(element.id)
            boxes.append((element, info))
        layout = doc.design.layout
        boxes.sort(key=lambda b: (b[0].id not in layout, z_of(b[0].kind)))
        added: list[Rect] = []
        holders: dict[str | None, None] = {}  # (counted once each: a VM's 14 disks)
        for element, info in boxes:
            if info.shape == "part":
                self._note_part(element)
                holders[self.box_parent.get(element.id)] = None
            else:
                added.append(_rect(self._add_node(element).scene_rect()))
        for holder in holders:
            self._count_parts(holder)
        if added:  # new boxes may stand in the way of lines
            self._reroute_crossing(added)
        for element in elements:
            self._add_lines(element)
        self._forget_summaries(ids)
        self._restyle(ids)

    def _on_removed(self, ids: Iterable[str]) -> None:
        gone = [_rect(self.nodes[i].scene_rect()) for i in ids if i in self.nodes]
        self._removed_boxes(ids)
        if gone:  # lines that went round them may run straighter now
            self._reroute_crossing(gone)

    def _reroute_crossing(self, rects: list[Rect]) -> None:
        """Route again the lines running through or near ``rects`` (boxes that came or
        went). During a big edit in steps, once it is done, for all its boxes at once
        (:meth:`_on_busy`): each step of a site's deletion at 100k asked every line
        against its boxes, 20-50 ms of a step's turn (wave 30); at the end the site's
        box holds them all (``Router.crossing`` keeps the outermost)."""
        if self.session.busy:
            self._crossing_after.extend(rects)
            return
        self._reroute_in_change(self.router.crossing(rects))

    def _reroute_crossed(self) -> None:
        """The lines crossing the boxes a big edit took away or brought back, routed in
        the slices (drawn as they are until then)."""
        rects, self._crossing_after = self._crossing_after, []
        if not rects or self.session.busy:
            self._crossing_after[:0] = rects  # (another big edit began: at its end)
            return
        keys = [k for k in self.router.crossing(rects) if k in self.edges]
        if keys:
            self._route_later(keys, [])

    def _reroute_in_change(self, keys: list[str]) -> None:
        """Route these lines again: with the change's other lines once its events are
        all out (see :meth:`_on_changes_applied`), or now outside a change."""
        if self._edit_lines is not None and self._indexed:
            self._edit_lines.extend(keys)
        else:
            self.reroute(keys)

    def _removed_boxes(self, ids: Iterable[str]) -> None:
        holders: dict[str | None, None] = {}  # (counted once each, after the removals)
        gone: dict[str, set[str]] = {}  # each box's disks removed (its others kept as drawn)
        for element_id in ids:
            for key in self._relations_of.pop(element_id, []):
                self._remove_edge(key)
            self._part_lines.pop(element_id, None)
            self._part_wanted.discard(element_id)
            if element_id in self.edges:
                self._remove_edge(element_id)
            parent = self.box_parent.get(element_id)
            self._forget_part(element_id)
            self._remove_node(element_id)
            self.box_children.pop(element_id, None)
            holders[parent] = None
            self._child_rects.pop(element_id, None)
            self._far_rects.pop(element_id, None)
            if parent is not None:
                self._child_rects.pop(parent, None)
                self._far_rects.pop(parent, None)
                gone.setdefault(parent, set()).add(element_id)
        for holder in holders:
            if self._refresh_disk_tags():
                break  # (every box tagged again)
            if holder is None or not self._disks_gone(holder, gone[holder]):
                self._set_disk_tags(holder)

    def _reparent(self, element_id: str, new_parent: str | None) -> str | None:
        """Move an element to another box in the maps; returns the old box."""
        old_parent = self.box_parent.get(element_id)
        if new_parent != old_parent:
            if (old_parent is None) != (new_parent is None):
                self._top_boxes = None  # in or out of the top level (rare): made again
            if old_parent is not None:
                self.box_children[old_parent].discard(element_id)
            if new_parent is not None:
                self.box_children[new_parent].add(element_id)
            self.box_parent[element_id] = new_parent
        return old_parent

    def _on_changed(self, event: ElementChanged) -> None:
        element = self.session.document.get(event.id)
        info = _info(element.kind) if element is not None else None
        if element is None or info is None:
            return
        if event.field in _WITNESS_FIELDS:
            self._witnesses_moved(element, event.field)
        if info.shape == "part":
            if event.field in info.spec.inside:
                old_parent = self._reparent(event.id, info.container_of(element))
                self._count_parts(old_parent)
                self._count_parts(self.box_parent.get(event.id))
                self.update_edges([event.id])
            elif event.field == "placement":
                # (Its name or size: nothing its box counts or tags. Replace in Names
                # at 100k renamed 596 disks, each box's disks sorted again per disk.)
                self._forget_part(event.id)
                self._note_part(element)
                self._count_parts(self.box_parent.get(event.id))
        node = self.nodes.get(event.id)
        if node is not None:
            node.set_element(element)
            if event.field in info.spec.inside:
                new_parent = info.container_of(element)
                old_parent = self.box_parent.get(event.id)
                if new_parent != old_parent:
                    self._reparent(event.id, new_parent)
                    self._forget_summaries([event.id, old_parent or ""])
                    if node.auto_placed:
                        self._place(event.id)
        ends = info.spec.ends or ()
        if event.field in info.spec.drawn or (event.id in self.edges and event.field in ends):
            if event.id in self.edges or info.shape == "part" or self._deferring:
                for key in self._relations_of.pop(event.id, []):
                    self._remove_edge(key)
                self._part_lines.pop(event.id, None)
                if event.id in self.edges:
                    self._remove_edge(event.id)
                self._add_lines(element)
            else:
                self._redraw_relations(element, info)
            self._restyle([event.id])
        if isinstance(element, WanLink) and event.id in self.edges:
            if self._labels_waiting is not None:
                self._labels_waiting[event.id] = None  # (once the edit is applied)
            else:
                self._place_wan_labels([event.id])

    def _redraw_relations(self, element: ElementBase, info: KindInfo) -> None:
        """The lines of a box's drawn references after one of them changed: those it
        no longer has taken away, the new ones drawn, the others kept as they are (with
        their routes). A database that lost one of its three copies lost one line; all
        three were drawn afresh, and routed again: deleting 50 VMs at 100k took and
        drew again ~100 lines in one step's turn, ~10 ms (wave 29)."""
        element_id = element.id
        old = self._relations_of.pop(element_id, [])
        wanted = {
            f"{element_id}|{field}|{target}": (field, target)
            for field, target in info.drawn_of(element)
        }
        for key in old:
            if key not in wanted:
                self._remove_edge(key)
        edges = self.edges
        keys = []
        for key, (field, target) in wanted.items():
            if key in edges or self._add_edge(key, field, element_id, target):
                keys.append(key)
        if keys:
            self._relations_of[element_id] = keys

    def _place_wan_labels(self, link_ids: list[str]) -> None:
        """Write these WAN links' labels afresh and place each where it covers no box
        (a longer text may no longer fit on the line), in turn. Several: asking the
        label and box rectangles kept for the call (as a drawing of routes does), not
        every line's label for each spot tried: Replace in Names at 100k renamed 7
        links, ~95,000 labels looked at."""
        document = self.session.document
        kept = self._placing
        try:
            for link_id in link_ids:
                edge = self.edges.get(link_id)
                link = document.get(link_id)
                if edge is None or not isinstance(link, WanLink):
                    continue
                edge.set_label(_wan_label(link))
                if len(link_ids) > 1:
                    self._place_label_noted(edge)
                else:
                    self._place_label_clear(edge)
        finally:
            self._placing = kept

    def _on_layout(self, ids: Iterable[str]) -> None:
        ids = [i for i in ids if i in self.nodes or i in self.edges]
        # Where the boxes were before (a drag already shows them at their new place), and
        # what is placed in them automatically (it follows them).
        boxes = [i for i in ids if i in self.nodes]
        before = {i: self._dragged_from.get(i) or self.nodes[i].box() for i in boxes}
        for element_id in boxes:
            for child in self.box_children.get(element_id, ()):
                node = self.nodes.get(child)
                if node is not None and node.auto_placed and child not in before:
                    before[child] = self._dragged_from.get(child) or node.box()
                    boxes.append(child)
        self._dragged_from = {}
        self._dragged_lines = {}
        moved: list[str] = []
        for element_id in ids:
            if element_id in self.nodes:
                self._place(element_id, route=False)
                moved.append(element_id)
            elif element_id in self.edges:
                self.router.set_waypoints(element_id, self._waypoints_of(element_id))
        # Auto-placed content follows its container.
        for element_id in list(moved):
            for child in self.box_children.get(element_id, ()):
                if self.nodes.get(child) is not None and self.nodes[child].auto_placed:
                    moved.extend(self._reflow(child))
        self._forget_summaries(moved)
        moves: dict[str, tuple[Rect | None, Rect | None]] = {}
        for element_id, old in before.items():
            node = self.nodes.get(element_id)
            new = node.box() if node is not None else None
            if new != old:
                moves[element_id] = (old, new)
        keys = self._lines_at(moved)
        keys += [k for k in ids if k in self.edges]
        attached = set(keys)
        # Lines whose legs ran among these boxes where they were or are now (any other
        # line's route is what a full routing of the moved drawing would give).
        keys += self.router.affected(moves)
        keys = [k for k in dict.fromkeys(keys) if k in self.edges]
        if len(keys) > REROUTE_AT_ONCE and self._indexed:
            self._route_later(keys, attached)
        else:
            self.reroute(keys)

    def _reflow(self, element_id: str) -> list[str]:
        self._place(element_id, route=False)
        placed = [element_id]
        for child in self.box_children.get(element_id, ()):
            node = self.nodes.get(child)
            if node is not None and node.auto_placed:
                placed.extend(self._reflow(child))
        return placed

    def _place(self, element_id: str, *, route: bool = True) -> None:
        self._kept_placing = None
        node = self.nodes[element_id]
        element = self.session.document.get(element_id)
        if element is None:
            return
        rect = self._layout_rect(element)
        node.auto_placed = rect is None
        if rect is None:
            rect = self._placed_rect(element)
        node.set_geometry(rect)
        if route:
            self.update_edges([element_id])

    def _lines_at(self, ids: Iterable[str]) -> list[str]:
        """The keys of the lines ending on these boxes (or on the parts they draw)."""
        keys: list[str] = []
        for element_id in ids:
            keys.extend(self._edges_at.get(element_id, ()))
            node = self.nodes.get(element_id)
            if node is not None and node.disk_count:
                for part in self.box_children.get(element_id, ()):
                    keys.extend(self._edges_at.get(part, ()))
        return keys

    def update_edges(self, ids: Iterable[str]) -> None:
        """Route the lines of these boxes afresh (they moved)."""
        self.reroute(self._lines_at(ids))

    # -- transient geometry (a drag in progress; the model is untouched) ---------------
    def preview_offset(self, origins: dict[str, QPointF], delta: QPointF) -> None:
        """Show the boxes ``origins`` (and what is drawn in them) moved by ``delta``: a
        line between two of them moves whole; the lines to boxes that stay are routed
        (unspread) as long as a frame allows, the rest drawn straight until the drop."""
        self._kept_placing = None
        first = not self._dragged_from
        for element_id, origin in origins.items():
            node = self.nodes.get(element_id)
            if node is not None:
                if element_id not in self._dragged_from:
                    # Its kept geometry (_rect(scene_rect()) read from Qt: ~3 µs a box,
                    # 2 ms of a site's first step at 25k).
                    self._dragged_from[element_id] = node.box()
                node.setPos(origin + delta)
        if first:
            # The lines at the dragged boxes, once a drag: they are the same at each step.
            self._dragged_keys = list(dict.fromkeys(self._lines_at(origins)))
            self._dragged_lines = {}
            self._drag_cost = {}
            for key in self._dragged_keys:
                edge = self.edges.get(key)
                if edge is not None and self._moves_whole(edge, origins):
                    self._dragged_lines[key] = _points(self.router.drawn.get(key) or [])
        deadline = time.perf_counter() + DRAG_ROUTE_S
        unknown = 0.0 if first else math.inf
        alone = True  # the first line routed in a step may take a little longer
        for key in self._dragged_keys:
            edge = self.edges.get(key)
            if edge is None:
                continue
            whole = self._dragged_lines.get(key)
            now = time.perf_counter()
            # What routing it took before, at its quickest: a line that took more than
            # the frame (a long WAN link), or that the first step had no time for,
            # stays straight until the drop.
            cost = self._drag_cost.get(key, unknown)
            if whole:
                edge.set_route([p + delta for p in whole])
            elif now + cost < deadline or (alone and cost < DRAG_ROUTE_ALONE_S):
                self.reroute([key], settle=False)
                took = time.perf_counter() - now
                self._drag_cost[key] = min(self._drag_cost.get(key, took), took)
                alone = False
            else:
                a, b = self._end_node(edge.source), self._end_node(edge.target)
                if a is not None and b is not None:
                    ra, rb = _end_rect(a), _end_rect(b)
                    edge.set_route(_points(routing.straight(ra, rb)))

    def _moves_whole(self, edge: EdgeItem, origins: dict[str, QPointF]) -> bool:
        a, b = self._end_node(edge.source), self._end_node(edge.target)
        return a is not None and b is not None and {a.element_id, b.element_id} <= origins.keys()

    def sync_geometry(self, ids: Iterable[str]) -> None:
        """Put items back where the model says (a cancelled or refused drag)."""
        self._kept_placing = None
        placed = []
        for element_id in ids:
            if element_id in self.nodes:
                self._place(element_id, route=False)
                placed.append(element_id)
                self._dragged_from.pop(element_id, None)
        self._dragged_lines = {}
        self.update_edges(placed)

    # -- selection and findings --------------------------------------------------------
    def _on_selection(self) -> None:
        self._flush_line_ops()  # (a selection's lines still being made or taken away)
        new = set(self.session.selection)
        many = len(new ^ self._selected) > ROUTE_AT_ONCE
        if many:
            collector.pause()  # (thousands of lines made: see _start_routing)
        try:
            self._select(new, many)
        finally:
            if many:
                collector.resume()

    def _select(self, new: set[str], many: bool = False) -> None:
        self._kept_placing = None
        if new:
            self.finish_build()  # the selection's boxes, lines and members, all built
        for element_id in self._selected ^ new:
            self._restyle([element_id], selected=new)
        self._selected = new
        # The lines a selection shows or hides, added and removed together and routed
        # once: one by one, each was routed and its channel spread again (Select All
        # of a 1k design added hundreds: ~20 s; Escape took them away: ~15 s). Hundreds
        # (``many`` boxes selected or unselected) are made and taken away in the idle
        # slices (:meth:`_line_ops_slice`): 15,318 lines made took 0.7 s of the Ctrl+A
        # key event at 10k, and taking them away 0.4 s of Escape's.
        batch: list[str] = []
        self._lines_batch = batch
        self._lines_batch_removed = False
        self._deferring = many
        try:
            self._show_part_lines(new)
            self._show_member_lines(new)
        finally:
            self._lines_batch = None
            self._deferring = False
        if self._line_ops:
            if len(self._line_ops) > ROUTE_AT_ONCE:
                slices.shared().start(
                    self._line_ops_key, self, self._line_ops_slice, long_lived=True
                )
                if self.layers.dim_unrelated:
                    self.layers.refocus()
                return
            self._run_line_ops(math.inf)
            return
        self._lines_shown(batch, self._lines_batch_removed)

    @property
    def _line_ops_key(self) -> tuple[int, str]:
        return (id(self), "selection lines")

    def _line_ops_slice(self, deadline: float) -> bool:
        """Make and take away a selection's lines until ``deadline`` (a job of
        :mod:`designer.ui.slices`); whether done."""
        return self._run_line_ops(deadline)

    def _flush_line_ops(self) -> None:
        """Make and take away, now, the lines a selection still has to (before anything
        else changes the selection, the design or the routing)."""
        if self._line_ops:
            slices.shared().cancel(self._line_ops_key)
            self._run_line_ops(math.inf)

    def _run_line_ops(self, deadline: float) -> bool:
        """Run the lines' additions and removals a selection queued (in its order: the
        same lines, lanes and batch as at once) until ``deadline``; once all ran, route
        the batch (:meth:`_lines_shown`). Whether all ran."""
        ops = self._line_ops
        self._lines_batch = self._ops_batch
        self._lines_batch_removed = self._ops_removed
        done = 0
        try:
            for op in ops:
                done += 1
                if op[0] == "add":
                    # Hidden until routed, spread and drawn (a line made but not routed
                    # yet has no path): shown by _unveil_lines.
                    self._making_hidden = True
                    try:
                        self._add_edge(*op[1:])
                    finally:
                        self._making_hidden = False
                else:
                    self._remove_edge(op[1])
                if not done % MARKER_CHUNK and time.perf_counter() >= deadline:
                    break
        finally:
            del ops[:done]
            self._ops_removed = self._lines_batch_removed
            self._lines_batch = None
        if ops:
            return False
        batch, removed = self._ops_batch, self._ops_removed
        self._ops_batch, self._ops_removed = [], False
        self._lines_shown(batch, removed)
        return True

    def _lines_shown(self, batch: list[str], removed: bool) -> None:
        """After a selection's lines were added (``batch``: they and the lines whose
        lanes they change) and removed: route them."""
        # Once each: a line's lanes are named again by every later line between the
        # same two boxes (a pair of many lines: quadratically many names).
        batch = list(dict.fromkeys(batch))
        if len(self._leaving) <= ROUTE_AT_ONCE:
            self._leave_slice(math.inf)
        else:
            slices.shared().start(self._leaving_key, self, self._leave_slice)
        if len(batch) > ROUTE_AT_ONCE:
            # Hundreds (Select All): routed in the idle slices, each line drawn once it
            # is routed and spread (its searches took 1.5 s at 1k, 40 s at 10k).
            self._route_held(batch, batch)
        elif batch or removed:
            # (None: the channels the removed lines left spread again.) As many as
            # :data:`SELECTION_ROUTE_S` allows now, the others in the idle slices; in a
            # big design all of them there (one search step across a 100k drawing, its
            # obstacles gathered, took 20-40 ms).
            keys = [k for k in batch if k in self.edges]
            session = self.session
            if len(session.document.design.elements) > session.plan_above:
                left = keys
            else:
                left = self._route_for_a_while(keys, SELECTION_ROUTE_S)
            if left:
                self._route_held(keys, left)
            else:
                self._draw_routes(self.router.settle(keys))
                self._unveil_lines()
        if self.layers.dim_unrelated:
            self.layers.refocus()

    def _route_for_a_while(self, keys: list[str], budget_s: float) -> list[str]:
        """Route ``keys`` (not spread) for at most about ``budget_s`` of the UI thread's
        time, a search's step at a time; the keys left unrouted (none: all routed)."""
        if not keys:
            return []
        routed: set[str] = set()
        end = time.thread_time() + budget_s
        for key in self.router.route_many_steps(keys):
            if key is not None:
                routed.add(key)
            if time.thread_time() >= end and len(routed) < len(keys):
                self.router.interrupt()  # (the lines not routed yet keep what they had)
                return [k for k in keys if k not in routed]
        return []

    def _route_held(self, batch: list[str], unrouted: list[str]) -> None:
        """A selection's lines ``batch`` routed in the idle slices (those of them in
        ``unrouted``; the others are routed already) and spread together; the new ones
        hidden until then."""
        self._held.update(batch)
        for key in batch:
            edge = self.edges.get(key)
            if edge is not None and edge.drawn_from is None:  # new: not drawn yet
                edge.waiting = True
                edge.setVisible(False)
                self._unveil[key] = None
        self._route_later(unrouted, straight=())
        if self._settle_after is not None:
            self._settle_after.update(dict.fromkeys(batch))

    def _show_member_lines(self, selected: set[str]) -> None:
        """A loose box (database, consistency group, protection group, recovery plan,
        backup…) shows lines to its members while it is selected."""
        for box in [b for b in self._member_lines if b not in selected or b not in self.nodes]:
            for key in self._member_lines.pop(box):
                self._remove_edge(key)
        doc = self.session.document
        for box in selected:
            node = self.nodes.get(box)
            info = _info(node.kind) if node is not None else None
            if node is None or box in self._member_lines or info is None or not info.spec.members:
                continue
            element = doc.get(box)
            if element is None:
                continue
            keys = []
            for member in info.members_of(element):
                edge = self.edges.get(member)
                end = edge.source if edge is not None and edge.element_id else member
                key = f"{box}|member|{member}"
                if key not in self.edges and self._add_edge(key, f"member:{node.kind}", box, end):
                    keys.append(key)
            self._member_lines[box] = keys

    def _refresh_member_lines(self, events: tuple[DocumentEvent, ...]) -> None:
        """Draw afresh the member lines of the selected boxes an edit may have changed:
        after changes of elements only, only the lines of a box changed when its members
        are not the ones drawn, or to a member changed (a member line's end is that
        line's), added and removed together and routed once as a selection's
        (:meth:`_select`), once for the edit's events. Every event redrew every selected
        box's lines, each routed on its own: Mailboxes set on 72 selected databases (72
        events, 288 lines) kept the window busy ~60 s CPU."""
        if all(isinstance(event, ElementChanged | LayoutChanged) for event in events):
            changed = {event.id for event in events if isinstance(event, ElementChanged)}
            stale = [
                box
                for box, keys in self._member_lines.items()
                if (box in changed and not self._members_drawn(box, keys))
                or any(_member_of(box, key) in changed for key in keys)
            ]
        else:
            stale = list(self._member_lines)
        if not stale:
            return
        batch: list[str] = []
        self._lines_batch = batch
        self._lines_batch_removed = False
        try:
            for box in stale:
                for key in self._member_lines.pop(box):
                    self._remove_edge(key)
            self._show_member_lines(self._selected)
        finally:
            self._lines_batch = None
        self._lines_shown(batch, self._lines_batch_removed)

    def _members_drawn(self, box: str, keys: list[str]) -> bool:
        """Whether ``keys`` are the lines to every member ``box`` has now."""
        element = self.session.document.get(box)
        node = self.nodes.get(box)
        info = _info(node.kind) if node is not None else None
        if element is None or info is None:
            return False
        return {f"{box}|member|{m}" for m in info.members_of(element)} == set(keys)

    def member_lines_of(self, box: str) -> list[str]:
        """Keys of the member lines shown for a selected loose box."""
        return list(self._member_lines.get(box, ()))

    def _show_part_lines(self, selected: set[str]) -> None:
        """A part's lines (disk → LUN) show while the part, its box or the other end
        is selected."""
        wanted: set[str] = set()
        for element_id in selected:
            if element_id in self._part_lines:
                wanted.add(element_id)
            if element_id not in self.nodes:
                continue
            wanted.update(c for c in self.box_children.get(element_id, ()) if c in self._part_lines)
            wanted.update(self._parts_naming(element_id))
        wanted = {p for p in wanted if p in self._part_lines}  # not a set of every part
        for part in self._part_wanted - wanted:
            field, target = self._part_lines[part]
            self._remove_edge(f"{part}|{field}|{target}")
            self._relations_of.pop(part, None)
        for part in wanted - self._part_wanted:
            field, target = self._part_lines[part]
            key = f"{part}|{field}|{target}"
            if self._add_edge(key, field, part, target, label=self._part_label(part)):
                self._relations_of[part] = [key]
        self._part_wanted = wanted

    def _parts_naming(self, element_id: str) -> list[str]:
        """The parts whose drawn lines end on ``element_id`` (the disks on a LUN)."""
        index = self.session.document.index
        return [
            part.id
            for info in KINDS.values()
            if info.shape == "part"
            for field in info.spec.drawn
            for part in index.group(info.kind, field).get(element_id, ())
        ]

    def _restyle(self, ids: Iterable[str], selected: set[str] | None = None) -> None:
        chosen = selected if selected is not None else set(self.session.selection)
        for element_id in ids:
            mark = self._marks.get(element_id)
            # The boxes built (findings arriving while a big design's boxes are built
            # in slices mark the others as they are built: _build_box).
            node = self._nodes.get(element_id)
            if node is None:  # a part: shown on its box
                box = self._parent_of(element_id)
                node = self._nodes.get(box) if box else None
                if node is not None:
                    element_id = node.element_id
                    mark = self._marks.get(element_id)
            marker = (mark.severity, mark.findings) if mark else None
            if node is not None:
                node.selected = element_id in chosen or (
                    bool(chosen)  # (nothing chosen: the parts' tables may wait)
                    and bool(node.disk_count)
                    and any(c in chosen for c in self.box_children.get(element_id, ()))
                )
                if node.marker != marker:
                    self._markers_changed += 1  # the map titles keep off the markers
                node.marker = marker
                node.setToolTip(mark.tip if mark else "")
                node.update()
            edge = self._edges.get(element_id)  # (the lines made: the others as made)
            if edge is not None:
                edge.set_state(element_id in chosen, marker)
                edge.setToolTip(self._line_tip(element_id))

    def _shown_on(self, element_id: str) -> str | None:
        nodes, pending = self._nodes, self.boxes_waiting  # built, or to build
        if element_id in nodes or element_id in pending:
            return element_id
        if element_id in self._edges or element_id in self._lines:  # made, or to make
            return element_id
        parent = self._parent_of(element_id)
        return parent if parent in nodes or parent in pending else None

    def _parent_of(self, element_id: str) -> str | None:
        """:attr:`box_parent`'s entry for ``element_id`` without noting a big design's
        waiting parts: findings on a few disks arriving before the idle slices noted
        them read their VM from the element itself (reading :attr:`box_parent` noted all
        68,752 disks of the 100k design at once: a 70-75 ms turn when its first
        findings came, wave 22)."""
        tables = self._parts_tables
        if tables is None:
            return self.box_parent.get(element_id)
        parents = tables[2]
        if element_id in parents:
            return parents[element_id]
        element = self.session.document.get(element_id)
        plan = self._parts_plans.get(type(element)) if element is not None else None
        if plan is None:  # not a waiting part (every box's entry is in the table)
            return None
        fields = element.__dict__
        for name in plan[4]:
            value = fields[name]
            if value:
                return value if type(value) is str else str(value)
        return None

    def refresh_markers(self) -> None:
        """Markers follow the session's findings (only changed items are touched).

        Up to MARKER_SLICE findings are marked at once; more (3,000 findings took
        60–110 ms at once) a slice at a time between turns of the event loop, within
        the turn's budget shared with the window's other slices (:mod:`designer.ui.slices`),
        so the window keeps painting while they arrive; the items in view first."""
        findings = self.session.findings.active
        self._marker_job = self._mark(findings)
        # Thousands of marks going away cost as much as thousands arriving.
        if len(findings) + len(self._marks) <= MARKER_SLICE:
            for _ in self._marker_job:
                pass
            self._marker_job = None
        else:
            runner = slices.shared()
            runner.start((id(self), "markers"), self, self._marker_slice, long_lived=True)

    def _marker_slice(self, deadline: float) -> bool:
        job = self._marker_job
        if job is None:
            return True  # rebuilt since: the new scene is marked as it is built
        deadline = min(deadline, time.perf_counter() + MARKER_SLICE_S)
        for repaint in job:
            if repaint:
                # The canvas repaints these rows next, in a turn of its own.
                slices.shared().end_turn()
                return False
            if time.perf_counter() > deadline:
                return False
        self._marker_job = None
        return True

    def _mark(self, findings: list[Finding]) -> Iterator[bool]:
        """Mark ``findings`` a chunk per step; a step yields True when the canvas
        should repaint before the next (items in view were restyled)."""
        marks: dict[str, Mark] = {}
        for n, (item, mark) in enumerate(iter_marks(findings, self._shown_on)):
            marks[item] = mark
            if n % MARKER_CHUNK == MARKER_CHUNK - 1:
                yield False
        old = self._marks
        changed = [i for i in set(marks) | set(old) if marks.get(i) != old.get(i)]
        self._marks = marks
        if len(changed) > MARKER_CHUNK:
            # What the views show first: restyling it repaints the canvas, the rest
            # (out of view) does not, so the repaints come in the first slices only.
            # By the layout's rectangles (no call into Qt per item); lines, and boxes
            # without a layout entry, count as out of view.
            layout = self.session.design.layout
            views = [(r.left(), r.top(), r.right(), r.bottom()) for r in self._view_rects()]
            shown: list[str] = []
            hidden: list[str] = []
            for n, element_id in enumerate(changed, 1):
                entry = layout.get(element_id)
                seen = entry is not None and any(
                    entry.x < right
                    and entry.y < bottom
                    and entry.x + (entry.w or 0) > left
                    and entry.y + (entry.h or 0) > top
                    for left, top, right, bottom in views
                )
                (shown if seen else hidden).append(element_id)
                if n % (MARKER_CHUNK * 8) == 0:
                    yield False
            # Neighbours together (a host's rows, then the next host's below): each
            # repaint then covers a small part of the view (the grid, the boxes and
            # lines under it), not rows scattered across all of it (set order).
            shown.sort(key=lambda i: (layout[i].x, layout[i].y))
            for start in range(0, len(shown), MARKER_IN_VIEW):
                self._restyle(shown[start : start + MARKER_IN_VIEW])
                yield True
            changed = hidden
        for start in range(0, len(changed), MARKER_CHUNK):
            self._restyle(changed[start : start + MARKER_CHUNK])
            yield False

    def _view_rects(self) -> list[QRectF]:
        """The parts of the scene the views show."""
        return [v.mapToScene(v.viewport().rect()).boundingRect() for v in self.views()]

    def set_link_loads(
        self, loads: dict[str, tuple[float, str]] | None, notes: dict[str, str] | None = None
    ) -> None:
        """Show each WAN link's utilisation (capacity, issue 11): its line's width and
        colour, ``· N %`` after its label and the figures in its tooltip; None (or a
        link left out) restores the normal look. ``notes``: what a simulated scenario
        has done to a link ("Atlanta → Charlotte down"), after its label too."""
        self._kept_placing = None
        self.link_loads = dict(loads or {})
        self.link_notes = dict(notes or {})
        try:
            # The lines made (a big design's WAN links are made before its first frame;
            # a line made later takes its load then: _make_line).
            for edge in self._edges.values():
                if edge.style_key != "wan_link" or edge.element_id is None:
                    continue
                link = self.session.document.get(edge.element_id)
                found = self.link_loads.get(edge.element_id)
                edge.set_load(found[0] if found else None)
                if isinstance(link, WanLink) and edge.has_label:
                    label = self._link_label(link)
                    if label != edge.label_text():
                        edge.set_label(label)
                        self._place_link_label(edge)
                edge.setToolTip(self._line_tip(edge.element_id))
        finally:
            self._placing = None

    def _line_tip(self, element_id: str) -> str:
        """A line's tooltip: a WAN link's load figures while they are shown, then its
        findings (a finding arriving, or the line selected, keeps the figures)."""
        found = self.link_loads.get(element_id)
        mark = self._marks.get(element_id)
        return "\n".join(t for t in (found[1] if found else "", mark.tip if mark else "") if t)

    def _place_link_label(self, edge: EdgeItem) -> None:
        """Place a WAN link's label whose text its load changed as the routes place
        labels (a clear spot), whether the loads came before its line was routed or
        after: the capacity sizing comes 250 ms after an open, before the routing's end
        on a busy machine, after it on an idle one (set_label alone put the longer text
        in the middle of the line, over the boxes). A big design's boxes still being
        built: its lines are routed, and their labels placed, once they are."""
        if not self._indexed or self.building:
            return
        self._place_label_noted(edge)

    def _place_label_noted(self, edge: EdgeItem) -> None:
        """Place ``edge``'s label clear of the boxes, asking (and adding to) the label
        and box rectangles :attr:`_placing` keeps for the call."""
        placing = self._placing
        if placing is None:
            placing = self._placing = self._labels_and_top_boxes()
        self._place_label_clear(edge)
        placed = edge.label_scene_rect()
        if placing is not None and placed is not None:
            placing.placed(edge.key, placed)

    def _link_label(self, link: WanLink) -> str:
        """A WAN link's label: with ``· N %`` while its load is shown and what a
        simulated scenario did to it (set_link_loads)."""
        label = _wan_label(link)
        found = self.link_loads.get(link.id)
        if found:
            label = f"{label} · {load_percent(found[0])} %"
        note = self.link_notes.get(link.id)
        if note:
            label = f"{label} · {note}"
        return label

    def marker_of(self, element_id: str) -> tuple[Severity, int] | None:
        node = self._end_node(element_id)
        mark = self._marks.get(node.element_id if node is not None else element_id)
        return (mark.severity, mark.findings) if mark else None

    # -- level of detail ---------------------------------------------------------------
    def set_detail_visible(self, visible: bool, *, hosts: bool = True) -> None:
        """Far zoomed out, VMs, LUNs, disks and databases are summarised by their box;
        farther out still (``hosts`` False), ESXi hosts by their cluster (shown
        whenever their VMs are)."""
        self._kept_placing = None
        hosts = hosts or visible
        if visible == self.detail_visible and hosts == self.hosts_visible:
            return
        self.detail_visible = visible
        self.hosts_visible = hosts
        self.layers.apply()
        for element_id in self.pictured:
            node = self.nodes.get(element_id)
            if node is not None and node.container:
                self._repaint(element_id)  # its picture shows its rows summarised or not

    def _forget_summaries(self, ids: Iterable[str]) -> None:
        """Drop the cached summaries of these boxes and of the boxes they sit in (and
        the pictures that show them, with their rows': see :meth:`_repaint_neighbours`)."""
        for element_id in ids:
            self._child_rects.pop(element_id, None)
            self._far_rects.pop(element_id, None)
            parent = self.box_parent.get(element_id)
            if parent is not None:
                self._child_rects.pop(parent, None)
                self._far_rects.pop(parent, None)
        self._repaint_neighbours(ids)

    # -- the boxes' kept pictures (NodeItem.paint) ---------------------------------------
    def _repaint_neighbours(self, ids: Iterable[str]) -> None:
        """A box keeps its picture until it is updated. What a change of these
        elements' names, number or boxes may alter beyond their own: the picture of
        their box ("4 VMs", its summary bars, whether it names its rows), and of its
        other rows (a name's elision depends on its siblings' names; their box may now
        summarise them). Loose boxes (no box): the other loose boxes of that kind."""
        boxes: set[str] = set()
        loose: set[str] = set()
        for element_id in ids:
            if element_id in self.box_parent:
                parent = self.box_parent[element_id]
                if parent is None:
                    node = self.nodes.get(element_id)
                    if node is not None:
                        loose.add(node.kind)
                else:
                    boxes.add(parent)
        if self._edit_lines is not None:  # once the change is done (_on_changes_applied)
            self._edit_boxes |= boxes
            self._edit_loose |= loose
            return
        self._repaint_boxes(boxes, loose)

    def _repaint_alone(self, ids: Iterable[str]) -> None:
        """The boxes these elements sit in, their own pictures only (see
        :data:`_NEIGHBOUR_FIELDS`; the elements repaint themselves)."""
        parent_of = self.boxes_parent
        boxes = {p for i in ids if (p := parent_of.get(i)) is not None}
        if self._edit_lines is not None:  # once the change is done (_on_changes_applied)
            self._edit_alone |= boxes
        else:
            self._repaint_boxes(set(), set(), boxes)

    def _repaint_boxes(self, boxes: set[str], loose: set[str], alone: Iterable[str] = ()) -> None:
        """Repaint these boxes with their rows, the top-level boxes of these loose
        kinds (see :meth:`_repaint_neighbours`), and the ``alone`` boxes without their
        rows (see :meth:`_repaint_alone`)."""
        repaint = self._repaint
        for box in alone:
            if box not in boxes:
                repaint(box)
        for box in boxes:
            repaint(box)
            for child in self.box_children.get(box, ()):
                repaint(child)
        if loose:
            for element_id in self.pictured:
                node = self.nodes.get(element_id)
                if node is not None and node.kind in loose and self.is_top_level(element_id):
                    self._repaint(element_id)

    def _repaint(self, element_id: str) -> None:
        # (Only a box given a picture keeps one: the others paint afresh anyway. Asked
        # of the set the view fills, not of the item: Qt's cacheMode() and its enum
        # cost ~3 µs a box, 690,000 asked in a site's undo at 100k.)
        if element_id in self.pictured:
            node = self.nodes.get(element_id)
            if node is not None:
                node.update()

    def _repaint_pictures(self) -> None:
        """Every box painted afresh in the next pass (a test lists what a pass draws)."""
        for element_id in self.pictured:
            self._repaint(element_id)

    def items(self, *args: Any, **kwargs: Any) -> list[QGraphicsItem]:
        """Qt's, of the whole scene (built first: see :meth:`build_view`); a view
        painting what it shows asks only its part."""
        if self.building and self.painting_view is None and not self._partial_reads:
            self.finish_build()
        return super().items(*args, **kwargs)

    def itemsBoundingRect(self) -> QRectF:  # Qt's name
        self.finish_build()
        return super().itemsBoundingRect()

    def render(
        self,
        painter: QPainter,
        target: QRectF | QRect = QRectF(),  # noqa: B008  # Qt's own defaults
        source: QRectF | QRect = QRectF(),  # noqa: B008
        mode: Qt.AspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio,
    ) -> None:
        """The scene drawn elsewhere (an export, the Overview's picture, a report):
        every box painted directly. Kept pictures are the canvas view's: Qt would keep
        others for this painter, at its scale, with labels claimed in their pixmaps."""
        self.finish_build()
        kept = [
            node
            for element_id in self.pictured
            if (node := self.nodes.get(element_id)) is not None and node.keeps_picture
        ]
        for node in kept:
            node.setCacheMode(_NO_PICTURE)
        try:
            super().render(painter, target, source, mode)
        finally:
            for node in kept:
                node.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @contextmanager
    def marks_as_on(self, lod: float) -> Iterator[None]:
        """Draw the fixed-size marks as the canvas draws them at zoom ``lod`` meanwhile
        (see :attr:`marks_lod`)."""
        self.marks_lod = lod
        try:
            yield
        finally:
            self.marks_lod = None

    def summarises(self, box: str, painter: QPainter) -> bool:
        """Whether ``box`` says what it holds ("4 VMs") instead of its rows naming
        themselves, at the painter's zoom: decided once a paint pass, the same whichever
        of the box and its rows is painted in it (the others show their kept pictures)."""
        decided = self.labels.decided
        found = decided.get(box)
        if found is None:
            node = self.nodes.get(box)
            found = node is not None and node.isVisible() and node.rows_unreadable(painter)
            decided[box] = found
        return found

    def selected_ids(self) -> set[str]:
        return self._selected

    def reach(self, node: NodeItem) -> None:
        self.marks_reach.want(node)

    def connectable(self, kind: str) -> bool:
        return kind in connectable_kinds()

    @property
    def show_findings(self) -> bool:
        return self.layers.show_findings

    def lines_of(self, element_id: str) -> list[str]:
        """The keys of the lines drawn at an element (its box's, its own)."""
        keys = list(self._edges_at.get(element_id, ()))
        if element_id in self.edges:
            keys.append(element_id)
        return keys

    def is_top_level(self, element_id: str) -> bool:
        """Whether a box sits in no other (boxes only: see :attr:`boxes_parent`)."""
        return self.boxes_parent.get(element_id) is None

    def titles_over(self, node: NodeItem) -> bool:
        """Whether the canvas draws ``node``'s map title over its content (see
        :meth:`_reserve_map_titles`): a box whose content is drawn as boxes of their
        own, over it (a site's, a cluster's hosts; a host's VMs while they are shown).
        A host whose VMs are summarised in its picture names itself there, kept with
        the picture (named by the scene, ~100 hosts of a zoomed-out 25k view cost ~1.5
        ms a pass)."""
        if not self.hosts_visible and holds_only_far(node.kind):
            return False  # a cluster drawing its hosts as bars names itself there too
        return self.detail_visible or not holds_only_detail(node.kind)

    def rows_in(self, element_id: str) -> list[NodeItem]:
        return [
            self.nodes[c]
            for c in self.boxes_children.get(element_id, ())
            if c in self.nodes and self.nodes[c].detail
        ]

    def contents_summary(self, element_id: str) -> str:
        """What a box holds that is too small to name, in words: "4 VMs · 2 LUNs"."""
        return self._in_words(
            node.kind
            for child in self.boxes_children.get(element_id, ())
            if (node := self.nodes.get(child)) is not None and node.detail
        )

    def _in_words(self, kinds: Iterable[str]) -> str:
        counts: Counter[str] = Counter(kinds)
        parts = []
        for kind, n in sorted(counts.items(), key=lambda item: -item[1]):
            info = KINDS.get(kind)
            stem = info.spec.stem if info is not None else kind
            parts.append(f"{n} {stem}{'' if n == 1 else 's'}")
        return " · ".join(parts)

    def child_rects(self, element_id: str) -> list[QRectF]:
        """Rectangles of the hidden detail inside a box, relative to it (summary paint)."""
        return self._inner_rects(element_id, self._child_rects, "detail")

    def far_rects(self, element_id: str) -> list[QRectF]:
        """Rectangles of the hosts inside a box, relative to it (drawn by the box while
        they are hidden: see :attr:`hosts_visible`)."""
        return self._inner_rects(element_id, self._far_rects, "far")

    def _inner_rects(
        self, element_id: str, kept: dict[str, list[QRectF]], flag: str
    ) -> list[QRectF]:
        """The rectangles, relative to the box, of its children whose ``flag`` (a
        NodeItem attribute: ``detail``, ``far``) is set; kept in ``kept`` once made."""
        rects = kept.get(element_id)
        if rects is None:
            # From the boxes' kept geometry (Python floats, the same sums as their
            # scene_rect's): a removal step's repaint at Fit to Window at 100k made
            # again a few hundred boxes' bars, ~4 Qt calls a bar.
            origin = self.nodes[element_id].pos()
            ox, oy = -origin.x(), -origin.y()
            nodes = self.nodes
            rects = []
            for c in self.boxes_children.get(element_id, ()):
                node = nodes.get(c)
                if node is not None and getattr(node, flag):
                    x, y, w, h = node.box()
                    rects.append(QRectF(x + ox, y + oy, w, h))
            kept[element_id] = rects
        return rects

    def loose_columns(self) -> list[list[str]]:
        """The rows drawn loose at the top level (databases, protection groups) in
        columns: the same kind, left edge and width, stacked with gaps of less than a
        row's height; top to bottom."""
        nodes = self.nodes
        rows = [nodes[i] for i in self._top_level() if i in nodes and nodes[i].detail]
        keyed: dict[tuple[str, int, int], list[NodeItem]] = defaultdict(list)
        for node in rows:
            x, _, w, _ = node.box()
            keyed[(node.kind, round(x), round(w))].append(node)
        columns: list[list[str]] = []
        for stack in keyed.values():
            stack.sort(key=lambda n: n.box()[1])
            bottom = None
            for node in stack:
                _, y, _, h = node.box()
                if bottom is None or y - bottom > h:
                    columns.append([])
                columns[-1].append(node.element_id)
                bottom = y + h
        return columns

    def _summarise_loose_rows(self, painter: QPainter) -> None:
        """At a zoom where a loose row's name cannot be read, its whole column is
        summarised ("12 databases" over it, drawn in the foreground) and its rows draw
        no name, as a box summarises the rows it holds."""
        self._loose_summaries = []
        if self.labels.muted:
            return
        was = self._loose_summarised
        self._loose_summarised = set()
        if self.detail_visible:
            for column in self.loose_columns():
                nodes = [self.nodes[i] for i in column if self.nodes[i].isVisible()]
                if len(nodes) < 2 or all(n.name_readable(painter) for n in nodes):
                    continue
                self.labels.summarised.update(column)
                self._loose_summaries.append(column)
                self._loose_summarised.update(column)
        for element_id in was ^ self._loose_summarised:
            self._repaint(element_id)  # its kept picture names it, or not: painted anew

    def _reserve_map_titles(self, painter: QPainter, rect: QRectF) -> None:
        """Zoomed out, a box that holds others (a site, a cluster, a host, an array)
        too thin in its title bar for its name is named over its top-left, as a map
        names a region: over its content, so that no box in it hides the name. The spot
        is claimed before the pass paints any label (no label of its content goes over
        it); :meth:`drawForeground` draws it. The top-level boxes first (a few sites,
        kept in a list), then the boxes in them that the pass meets (the view's list,
        outer before inner: :attr:`nested_in_pass`). A host's own name was painted in
        its picture, under its VMs' boxes (ui20)."""
        self._map_titles = []
        nested, self.nested_in_pass = self.nested_in_pass, []
        if self.painting_view is None or self.labels.muted:
            return
        nodes = self.nodes
        world = painter.worldTransform()
        scale = world.m11()
        # The canvas is neither rotated nor scaled apart: a scale and a translation.
        at = (scale, world.dx(), world.dy())
        # (The exposed rect met as QRectF.intersects meets it, from the kept boxes.)
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        for element_id in self._top_level():
            node = nodes.get(element_id)
            if node is None or not node.container or not node.isVisible():
                continue
            x, y, w, h = node.box()
            if (
                left < right
                and top < bottom
                and x < right
                and left < x + w
                and y < bottom
                and top < y + h
            ):
                self._reserve_map_title(painter, node, scale, at)
        # A box not taller than a host's map title's em and margins has no room for it
        # (map_title_room's test, asked first: most boxes of a far view fail it).
        lowest = (9.0 + 8.0) / scale
        for node in nested:
            if node.box()[3] > lowest and self.titles_over(node):
                self._reserve_map_title(painter, node, scale, at)

    def _reserve_map_title(
        self, painter: QPainter, node: NodeItem, scale: float, at: tuple[float, float, float]
    ) -> None:
        """Claim ``node``'s map title's spot, if it has one at this zoom and it is free.
        ``at``: the painter's scale and translation (x, y) to the device. In Python
        floats from the kept box and place: a few hundred boxes a pass, zoomed out."""
        element_id = node.element_id
        box = node.box()
        key = (scale, node.name, box, node.marker is None, self.theme, self.show_findings)
        # What may move the findings markers under it: an edit, a marker set or cleared,
        # a box built. Then the markers it meets are looked for again (~15 µs), and only
        # if they changed is it fitted again (~0.3 ms).
        under = (self.session.document.revision, self._markers_changed, len(self._nodes))
        places = self._map_title_places
        known = places.get(element_id)
        if known is None or known[0] != key:
            known = places[element_id] = (key, under, self._map_title_place(painter, node))
        elif known[1] != under:
            place = known[2]
            if place is not None and self._markers_under(node, place[4], scale) != place[5]:
                place = self._map_title_place(painter, node)
            known = places[element_id] = (key, under, place)
        place = known[2]
        if place is None:
            return
        ux, uy, uw, uh = place[2]
        s, dx, dy = at
        device = QRectF((box[0] + ux) * s + dx, (box[1] + uy) * s + dy, uw * s, uh * s)
        if self.labels.free(device):
            self.labels.claim(device)
            self._map_titles.append((node, place, device))

    def _map_title_place(self, painter: QPainter, node: NodeItem) -> _TitlePlace | None:
        """Where ``node``'s map title goes (item coordinates), how it fits and the
        rectangle its text takes (x, y, width, height), at the painter's zoom; None
        when its title bar shows its name, or it has no room."""
        painter.save()
        painter.translate(node.pos())
        try:
            if node.header_holds_name(painter):
                return None
            place = node.map_title_room(painter)
            if place is None:
                return None
            room, font = place
            full, fit = room, None
            met = self._markers_under(node, room, painter.worldTransform().m11())
            clear, marked = met
            if marked:
                # Shortened to end before the first findings marker under it (a cluster's
                # long name covered its first host's marker at 20 %) while it stays
                # readable; else the markers are drawn again over it.
                short = QRectF(room)
                short.setRight(clear)
                fit = self.labels.fit(
                    painter, short, node.name, font, elide=node.elide, grow=False, min_chars=3
                )
                if fit is not None:
                    room, marked = short, ()
            if fit is None:
                fit = self.labels.fit(
                    painter, room, node.name, font, elide=node.elide, grow=False, min_chars=3
                )
            if fit is None:
                return None
            used = fit[3]
            return room, fit, (used.x(), used.y(), used.width(), used.height()), marked, full, met
        finally:
            painter.restore()

    def _markers_under(
        self, node: NodeItem, room: QRectF, scale: float
    ) -> tuple[float, tuple[str, ...]]:
        """The boxes whose findings markers ``node``'s map title in ``room`` (item
        coordinates) would cover (its own, those of the boxes it is drawn over), and
        where it must end to keep off them all (a gap before the leftmost, item
        coordinates). The boxes are walked down from ``node`` by their kept geometry,
        only those that reach into the title's band."""
        if not self.show_findings or scale < 0.12:  # far out, a marker is an outline
            return room.right(), ()
        ox, oy, _, _ = node.box()
        left, top = ox + room.left(), oy + room.top()
        right, bottom = ox + room.right(), oy + room.bottom()
        band = QRectF(left, top, right - left, bottom - top)
        reach = 60.0  # a marker's largest size (NodeItem.marker_rect): its overhang
        clear = right
        marked: list[str] = []
        nodes, children = self._nodes, self.boxes_children
        todo = [node]
        while todo:
            box = todo.pop()
            if box.marker is not None and box.isVisible():
                x, y, _, _ = box.box()
                mark = box.marker_rect(box.rect(), scale).translated(x, y)
                if mark.intersects(band):
                    clear = min(clear, mark.left() - 4.0 / scale)
                    marked.append(box.element_id)
            for child_id in children.get(box.element_id, ()):
                child = nodes.get(child_id)
                if child is None:
                    continue
                x, y, w, h = child.box()
                near = x - reach < right and x + w + reach > left  # (floats: no Qt call)
                if near and y - reach < bottom and y + h + reach > top:
                    todo.append(child)
        return clear - ox, tuple(marked)

    def _draw_map_titles(self, painter: QPainter) -> None:
        """Draw this pass's map titles over the boxes: each copied from its picture,
        made at its first pass at this zoom (laid out and drawn anew in every pass,
        the ~30 titles of a zoomed-out 25k view took ~1.7 ms a pass; copied, ~0.1)."""
        background = QColor(self.theme.background)
        background.setAlpha(215)
        pictures = self._map_title_pictures
        for node, placed, device in self._map_titles:
            room, fit, _, over = placed[:4]
            picture = pictures.get(node.element_id)
            if picture is None or picture[0] is not placed:
                painter.save()
                painter.translate(node.pos())
                painter.setPen(self.theme.text_pen)
                picture = pictures[node.element_id] = (
                    placed,
                    self.labels.picture(painter, room, fit, background),
                )
                painter.restore()
            self.labels.paint_picture(painter, picture[1], fit, device, owner=node.element_id)
            for element_id in over:  # the title could not keep off them: over it
                marked = self._nodes.get(element_id)
                if marked is not None and marked.marker is not None and marked.isVisible():
                    painter.save()
                    painter.translate(marked.pos())
                    marked.paint_marker_over(painter)
                    painter.restore()

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        self._draw_map_titles(painter)
        for column in self._loose_summaries:
            nodes = [self.nodes[i] for i in column if i in self.nodes and self.nodes[i].isVisible()]
            if not nodes:
                continue
            area = QRectF()
            for node in nodes:
                area = area.united(node.scene_rect())
            if not area.intersects(QRectF(rect)):
                continue
            text = self._in_words(n.kind for n in nodes)
            background = QColor(self.theme.background)
            background.setAlpha(215)
            painter.setPen(self.theme.text_pen)
            self.labels.draw(
                painter,
                area,
                text,
                self.theme.font,
                owner=column[0],
                flags=Qt.AlignmentFlag.AlignCenter,
                pill=background,
                min_chars=len(text),
            )

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        self.labels.begin()  # a new paint pass: every spot for a label is free again
        self._summarise_loose_rows(painter)
        rect = QRectF(rect)
        self._reserve_map_titles(painter, rect)
        fill_rect(painter, rect, self.theme.background)
        if not self.show_grid:
            return
        scale = painter.worldTransform().m11()
        step = self.grid_size * 4
        if scale * step < 14:
            return
        # In the view, from a tile of its pixels where they are the same (grid.py).
        tiled = self.painting_view is not None
        draw_grid(painter, rect, step, self.theme.grid, self.theme.background, tiled=tiled)
        painter.setPen(Qt.PenStyle.NoPen)
