"""What a canvas gesture means for the model, decided here, Qt-free.

The canvas maps mouse and drop events to these functions and pushes what they
return. Each returns a :class:`Proposal` (the command and what it does, said before it
is done, so the canvas can show it while dragging) or a
:class:`~designer.document.document.Refusal` (element, field, reason). What may connect
to what and what may sit in what comes from the kind table
(:mod:`designer.domain.kinds`), not from pairs of kinds written out here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from designer.document.clipboard import ClipboardError, Taken, paste_elements
from designer.document.commands import (
    AddElements,
    ChangeElements,
    Command,
    MacroCommand,
    MoveElements,
    RemoveElements,
    SetProperty,
    SetReference,
)
from designer.document.document import Document, Refusal
from designer.document.factory import fit_in_container, free_name, joining_members, new_element
from designer.document.growth import (
    BoxGeometry,
    LayoutGeometry,
    entries,
    free_slot,
    make_room,
    resize_rect,
    shrink_to_content,
)
from designer.document.layout import Rect, default_size, drop_rect
from designer.domain.design import LayoutEntry
from designer.domain.elements import (
    Dag,
    ElementBase,
    EsxiHost,
    FileShareWitness,
    MailboxDatabase,
    VirtualMachine,
    VsphereCluster,
)
from designer.domain.errors import DesignError
from designer.domain.field_words import field_phrase
from designer.domain.kinds import KINDS, Connection, connections_between
from designer.domain.refs import ref_kinds
from designer.domain.structure import invariant_breaks
from designer.domain.words import plural, with_article

if TYPE_CHECKING:
    from designer.capacity import CopyLayout

__all__ = [
    "Proposal",
    "connection_targets",
    "done_text",
    "host_move_text",
    "place_new",
    "plan_connection",
    "plan_copies_command",
    "plan_drop",
    "plan_fit",
    "plan_move",
    "plan_paste",
    "plan_reparent",
    "plan_resize",
]


@dataclass(frozen=True)
class Proposal:
    """A gesture the model accepts: the command to push and what it does, in words
    ("add a WAN link between Boston and Worcester"); ``element`` is the element it
    creates, if any (the canvas selects it); ``makes``, for a connection, the kind of
    line it draws or the reference it sets, in a few words ("new WAN link", "joins its
    members": the canvas menu's *Connect To* entries say it); ``holder``, for a
    connection that sets a reference, the element holding it (a DAG for its members).
    """

    command: Command
    says: str
    element: str | None = None
    makes: str = ""
    holder: str | None = None

    @property
    def shows(self) -> str | None:
        """The element whose fields the gesture made, for the canvas to select (the
        Inspector then shows them at once): the new element, else the holder of the
        reference set (a line joining a VM to a DAG is the DAG's ``members``; the
        selection stayed where it was, often on something unrelated: closing-note25)."""
        return self.element if self.element is not None else self.holder


# -- connections ----------------------------------------------------------------------------
def plan_connection(doc: Document, source_id: str, target_id: str) -> Proposal | Refusal:
    """Connect the box ``source_id`` to the box ``target_id`` (a line drawn between them).

    Examples
    --------
    >>> from designer.domain import Design, Site
    >>> doc = Document(Design(elements=[Site(id="a", name="Boston"),
    ...                                 Site(id="b", name="Worcester")]))
    >>> plan_connection(doc, "a", "b").says
    'add a WAN link between Boston and Worcester'
    """
    a, b = doc.get(source_id), doc.get(target_id)
    if a is None or b is None:
        return Refusal("nothing to connect to here")
    if a.id == b.id:
        return Refusal(f"{a.describe()} cannot be connected to itself", element=a.id)
    first: Refusal | None = None
    for connection in connections_between(a.kind, b.kind):
        if connection.creates:
            plan = _create(doc, connection, a, b)
        else:
            plan = _fill(doc, connection, a, b)
        if isinstance(plan, Proposal):
            return plan
        first = first or plan
    return first or Refusal(
        f"{with_article(a.label)} cannot be connected to {with_article(b.label)}"
    )


def connection_targets(
    doc: Document, source_id: str, *, limit: int = 600
) -> list[tuple[ElementBase, Proposal]]:
    """What the box ``source_id`` may be connected to, by name, with what each
    connection does (the canvas's "Connect to…"); at most ``limit`` candidates are
    asked (a design's thousands of LUNs for a mirror).

    Examples
    --------
    >>> from designer.domain import Design, Site
    >>> doc = Document(Design(elements=[Site(id="a", name="Boston"),
    ...                                 Site(id="b", name="Worcester")]))
    >>> [(e.name, p.says) for e, p in connection_targets(doc, "a")]
    [('Worcester', 'add a WAN link between Boston and Worcester')]
    """
    source = doc.get(source_id)
    if source is None:
        return []
    index = doc.index
    found: list[tuple[ElementBase, Proposal]] = []
    asked = 0
    for kind in KINDS:
        if not connections_between(source.kind, kind):
            continue
        for candidate in index.by_kind.get(kind, ()):
            if candidate.id == source.id:
                continue
            asked += 1
            if asked > limit:
                break
            plan = plan_connection(doc, source.id, candidate.id)
            if isinstance(plan, Proposal):
                found.append((candidate, plan))
    found.sort(key=lambda item: (item[0].name.lower(), item[0].id))
    return found


def _create(
    doc: Document, connection: Connection, a: ElementBase, b: ElementBase
) -> Proposal | Refusal:
    """A new element of the connection's kind joining ``a`` and ``b`` (drag order)."""
    info = KINDS[connection.kind]
    first, second = (a, b) if a.kind == connection.a else (b, a)
    field_a, field_b = connection.fields
    index = doc.index
    if info.spec.distinct:
        for existing in index.group(info.kind, field_a).get(first.id, []):
            if getattr(existing, field_b) == second.id:
                return _already(first, second, existing)
        for existing in index.group(info.kind, field_a).get(second.id, []):
            if getattr(existing, field_b) == first.id:
                return _already(first, second, existing)
    fields: dict[str, object] = {field_b: second.id}
    container = None
    if field_a in info.spec.inside:
        container = first.id
    else:
        fields[field_a] = first.id
    if info.spec.connect_name:
        wanted = info.spec.connect_name.format(a=first.name, b=second.name)
        fields["name"] = free_name(index, info.kind, wanted)
    try:
        element = new_element(info.kind, index, container, **fields)
    except (DesignError, ValueError) as exc:
        return Refusal(_first_line(exc))
    for _, clause in invariant_breaks(element, index.get):
        return Refusal(f"{with_article(info.label)} {clause}")
    says = info.spec.connect_says.format(a=first.name, b=second.name)
    return Proposal(
        AddElements([element]), says or f"add {element.describe()}", element.id, f"new {info.label}"
    )


def _already(first: ElementBase, second: ElementBase, existing: ElementBase) -> Refusal:
    return Refusal(
        f"{first.name} and {second.name} are already joined by {existing.describe()}",
        element=existing.id,
    )


def _fill(
    doc: Document, connection: Connection, a: ElementBase, b: ElementBase
) -> Proposal | Refusal:
    """Set (or extend) a reference of the owner (the box of the connection's kind)."""
    fill = connection.fill
    assert fill is not None
    owner, other = (a, b) if a.kind == connection.kind else (b, a)
    names = {"a": owner.name, "b": other.name}
    chosen: tuple[str, object] | None = None
    for name in fill.fields:
        value = getattr(owner, name)
        if value == other.id or (isinstance(value, list) and other.id in value):
            return Refusal(fill.done.format(**names, field=field_phrase(name)), owner.id, name)
        if chosen is None and isinstance(value, list):
            chosen = (name, [*value, other.id])
        elif chosen is None and value is None:
            chosen = (name, other.id)
    if chosen is None:
        if fill.full:
            return Refusal(fill.full.format(**names), owner.id, fill.fields[-1])
        chosen = (fill.fields[-1], other.id)  # a single reference is pointed elsewhere
    name, value = chosen
    changed = owner.model_copy(update={name: value})
    # A VM of no role joining a DAG becomes its Mailbox server in the same step (eyes25).
    joins_dag = isinstance(owner, Dag) and name == "members"
    joining = joining_members(doc.index, [other.id]) if joins_dag else []
    refusal = doc.check_replace([changed, *joining])
    if refusal is not None:
        return refusal
    text = fill.text.format(**names, field=field_phrase(name))
    says = fill.says.format(**names, field=field_phrase(name))
    command: Command = SetReference(owner.id, name, value, text)
    if joining:
        text = f"{text} as a Mailbox server"
        command = MacroCommand(text, [command, ChangeElements(joining, text)])
        command.status_note = _joined_note(other, joining[0])
        says = f"{says} as a Mailbox server"
    return Proposal(command, says, makes=_fill_makes(owner, b, name), holder=owner.id)


def done_text(command: Command) -> str:
    """What the status bar says once a connection is made, with what followed it.

    >>> done_text(SetReference("d", "members", ["v"], "Add BOS-MBX01 to DAG01"))
    'Done: Add BOS-MBX01 to DAG01'
    """
    note = f". {command.status_note}" if command.status_note else ""
    return f"Done: {command.text}{note}"


def _joined_note(was: ElementBase, vm: VirtualMachine) -> str:
    """What a VM joining a DAG was given besides, in the Inspector's words for fields
    that follow an edit ("Also set, to agree: …")."""
    said = ["role Mailbox"]
    for field, label in (
        ("exchange_version", "Exchange version"),
        ("windows_version", "Windows version"),
    ):
        value = getattr(vm, field)
        if value is not None and value != getattr(was, field):
            said.append(f"{label} {value}")
    return f"Also set, to agree: {', '.join(said)} (yours to change)"


def _fill_makes(owner: ElementBase, target: ElementBase, name: str) -> str:
    """What a reference set does, said after the target of a *Connect To* entry: the
    source "joins its members" (a VM's menu: "DAG01 (DAG) — joins its members"), "becomes
    its witness"; from the owner's menu the target is "added to the DAG's members" or
    "becomes the DAG's witness". It said "DAG's members", which read as a list of them,
    where every other entry says what it makes ("— new WAN link") (eyes22 #8)."""
    field = field_phrase(name)
    many = isinstance(getattr(owner, name), list)
    if owner is target:
        return f"joins its {field}" if many else f"becomes its {field}"
    label = KINDS[owner.kind].label
    return f"added to the {label}'s {field}" if many else f"becomes the {label}'s {field}"


# -- drops from the palette -----------------------------------------------------------------
def plan_drop(
    doc: Document,
    kind: str,
    at: tuple[float, float],
    container: str | None,
    container_rect: Rect | None = None,
    *,
    grid: float | None = None,
    boxes: BoxGeometry | None = None,
) -> Proposal | Refusal:
    """Add an element of ``kind`` dropped at ``at`` on the box ``container`` (the
    innermost box under the pointer that the kind may sit in; None: empty canvas).

    ``container_rect`` is where that box is drawn (the new box is kept inside it);
    ``grid`` snaps the new box's corner. With ``boxes`` (where everything is drawn),
    the new box takes a free slot (a row under the others, a box where it covers
    nothing) and its containers grow round it, pushing their neighbours aside: one
    undo step.

    Examples
    --------
    >>> from designer.domain import Dag, Design
    >>> doc = Document(Design(elements=[Dag(id="dag-1", name="DAG-01")]))
    >>> drop = plan_drop(doc, "mailbox_database", (50, 50), "dag-1")
    >>> drop.command.elements[0].dag, drop.says
    ('dag-1', 'Added mailbox database DB-01 in DAG-01')
    """
    info = KINDS.get(kind)
    if info is None:
        return Refusal(f"unknown element kind {kind!r}")
    if info.is_line:
        assert info.spec.ends is not None
        end = KINDS[ref_kinds(info.cls, info.spec.ends[0])[0]]
        return Refusal(
            f"to add {with_article(info.label)}, drag from one {end.label}'s handle "
            f"(or Alt-drag) to another {end.label}, or select {with_article(end.label)} "
            "and choose Connect To in its menu (Menu key or Shift+F10)"
        )
    box = doc.get(container) if container else None
    if box is not None and box.kind not in info.allowed_containers:
        box, container_rect = None, None
    try:
        element = new_element(kind, doc.index, box.id if box is not None else None)
    except (DesignError, ValueError) as exc:
        return Refusal(_first_line(exc))
    refusal = doc.check_insert([element])
    if refusal is not None:
        return refusal
    layout: dict[str, LayoutEntry] = {}
    room: dict[str, LayoutEntry] = {}
    if info.shape == "box":  # a part (a VM's disk) is drawn by its container
        rect = drop_rect(kind, at, container_rect if box is not None else None, grid)
        if boxes is not None and box is not None and boxes.box_rect(box.id) is not None:
            rect = _free_place(boxes, box.id, kind, _aligned(boxes, box.id, rect), at)
            grown = make_room(boxes, {element.id: rect}, {element.id: box.id})
            room = entries({k: r for k, r in grown.items() if k != element.id}, doc.design.layout)
        x, y, w, h = rect
        layout[element.id] = LayoutEntry(x=x, y=y, w=w, h=h)
    where = f" in {box.name}" if box is not None else ""
    add = AddElements([element], layout)
    command: Command = add
    if room:
        command = MacroCommand(add.text, [add, MoveElements(room, text=add.text)])
    return Proposal(command, f"Added {element.describe()}{where}", element.id)


def place_new(
    doc: Document, boxes: BoxGeometry, elements: Sequence[ElementBase]
) -> tuple[dict[str, LayoutEntry], dict[str, LayoutEntry]]:
    """Where new ``elements`` (not in ``doc`` yet) are drawn, as a palette drop puts
    them: each box in a free slot of the box that holds it (a row under the rows
    there, each after the one before), the containers grown round them pushing their
    neighbours aside. The new boxes' layout entries, and the entries of the boxes that
    move to make room (for a :class:`MoveElements` in the same undo step). A box whose
    container is not drawn gets no entry (the canvas places it).

    Examples
    --------
    >>> from designer.domain import Dag, Design, MailboxDatabase
    >>> from designer.document.growth import LayoutGeometry
    >>> design = Design(
    ...     elements=[Dag(id="d", name="D"), MailboxDatabase(id="db1", name="DB1", dag="d")],
    ...     layout={"d": LayoutEntry(x=0, y=0, w=200, h=66),
    ...             "db1": LayoutEntry(x=8, y=32, w=168, h=24)})
    >>> doc = Document(design)
    >>> new = [MailboxDatabase(id=f"db{i}", name=f"DB{i}", dag="d") for i in (2, 3)]
    >>> placed, room = place_new(doc, LayoutGeometry(design), new)
    >>> [(placed[k].x, placed[k].y) for k in ("db2", "db3")], (room["d"].h)
    ([(8.0, 60.0), (8.0, 88.0)], 120.0)
    """
    adding = _Adding(boxes)
    for element in elements:
        info = KINDS.get(element.kind)
        if info is None or info.shape != "box":
            continue
        holder = info.container_of(element)
        c = boxes.box_rect(holder) if holder is not None else None
        if holder is None or c is None:
            continue
        size = default_size(element.kind)
        if info.spec.row:  # as wide as the rows of its kind there
            size = next(
                (
                    (r[2], size[1])
                    for b in adding.boxes_in(holder)
                    if _same_kind(doc, b, element) and (r := adding.box_rect(b)) is not None
                ),
                size,
            )
        adding.put(element.id, holder, free_slot(adding, holder, size, c[:2], row=info.spec.row))
    grown = make_room(boxes, adding.rects, adding.parents)
    placed = entries(adding.rects, {})
    room = entries({k: r for k, r in grown.items() if k not in placed}, doc.design.layout)
    return placed, room


def plan_copies_command(
    doc: Document, layout: CopyLayout, boxes: BoxGeometry | None = None
) -> Command | None:
    """One undoable step applying a copy layout (:func:`designer.capacity.plan_copies`):
    the changed databases' copies (and mailboxes, when new databases take a share of
    them), then the new databases, each drawn in a free row of its DAG's box, which
    grows round them as for a palette drop (:func:`place_new`; ``boxes``: where the
    canvas draws the boxes, by default where the design's layout puts them), then the
    backups the new databases join, then the disks of the copies new to their members
    (:func:`designer.capacity.copy_storage.copy_disks`), the new sizes of the database
    disks of the databases it resizes, and last the removal of the disks the copies it
    takes off their members leave there. None when it changes nothing.
    The window's Plan copies… Apply pushes it; ``dr-designer plan-copies`` runs it on
    the file's design, so both draw the new databases in the same places and give the
    new copies the same disks.
    """
    commands: list[Command] = []
    for db_id, copies in layout.copies.items():
        db = doc.get(db_id)
        if isinstance(db, MailboxDatabase) and db.copies != copies:
            commands.append(SetProperty(db_id, "copies", list(copies)))
    for db_id, (mailboxes, size_gb) in layout.shares.items():  # the new ones' share
        commands += [SetProperty(db_id, "mailboxes", mailboxes)]
        commands += [SetProperty(db_id, "size_gb", size_gb)]
    if layout.new_databases:
        news = [
            db.model_copy(update={"copies": layout.copies[db.id]}) for db in layout.new_databases
        ]
        geometry = boxes if boxes is not None else LayoutGeometry(doc.design)
        placed, room = place_new(doc, geometry, news)
        commands.append(AddElements(news, placed))
        if room:
            commands.append(MoveElements(room, text=f"Make room in {layout.dag.name}"))
    # After the databases they list: the backups the new databases join, and the new
    # copies' disks (drawn inside their VMs, as any disk: no layout entry).
    commands += [SetProperty(b, "databases", list(dbs)) for b, dbs in layout.backups.items()]
    commands += [SetProperty(d.id, "size_gb", d.size_gb) for d in layout.resized_disks]
    if layout.disks:
        commands.append(AddElements(layout.disks, {}))
    if layout.removed_disks:
        removed = [disk.id for disk in layout.removed_disks]
        commands.append(RemoveElements(removed, text=f"Remove {plural(len(removed), 'disk')}"))
    if not commands:
        return None
    return MacroCommand(f"Plan copies of {layout.dag.name}", commands)


def _same_kind(doc: Document, box: str, element: ElementBase) -> bool:
    other = doc.get(box)
    return other is not None and other.kind == element.kind


class _Adding:
    """A drawing with new boxes put in it (see :func:`place_new`)."""

    def __init__(self, boxes: BoxGeometry) -> None:
        self.boxes = boxes
        self.rects: dict[str, Rect] = {}
        self.parents: dict[str, str | None] = {}

    def put(self, box: str, holder: str, rect: Rect) -> None:
        self.rects[box] = rect
        self.parents[box] = holder

    def box_rect(self, box: str) -> Rect | None:
        return self.rects.get(box) or self.boxes.box_rect(box)

    def box_container(self, box: str) -> str | None:
        return self.parents[box] if box in self.parents else self.boxes.box_container(box)

    def boxes_in(self, box: str | None) -> list[str]:
        return [*self.boxes.boxes_in(box), *(b for b, p in self.parents.items() if p == box)]


def _free_place(
    boxes: BoxGeometry, container: str, kind: str, rect: Rect, at: tuple[float, float]
) -> Rect:
    """``rect`` if it covers nothing in ``container``, else a free slot near it (the
    one nearest the pointer ``at`` first); a row (a VM, a LUN, a database) always under
    the rows already there."""
    info = KINDS[kind]
    row = info.spec.row
    if not row:
        taken = [r for b in boxes.boxes_in(container) if (r := boxes.box_rect(b)) is not None]
        if not any(_overlaps(rect, r) for r in taken):
            return rect
        slot = free_slot(boxes, container, (rect[2], rect[3]), at, row=row)
        return _aligned(boxes, container, slot)
    return free_slot(boxes, container, (rect[2], rect[3]), at, row=row)


def _aligned(boxes: BoxGeometry, container: str, rect: Rect) -> Rect:
    """``rect`` moved onto the row (top edge) and column (left edge) of the boxes
    beside it in ``container`` when it is within ALIGN_SNAP of them (a second host
    dropped in a cluster lined up with the first, as Visio's shape-to-shape snap does),
    unless the move would make it cover one of them.

    Examples
    --------
    >>> from designer.document.growth import LayoutGeometry
    >>> from designer.domain import Design, EsxiHost, LayoutEntry, Site
    >>> design = Design(
    ...     elements=[Site(id="s", name="S"), EsxiHost(id="h", name="H", site="s")],
    ...     layout={"s": LayoutEntry(x=0, y=0, w=600, h=400),
    ...             "h": LayoutEntry(x=8, y=34, w=180, h=110)})
    >>> _aligned(LayoutGeometry(design), "s", (210.0, 49.0, 180.0, 110.0))
    (210.0, 34.0, 180.0, 110.0)
    """
    x, y, w, h = rect
    others = [r for b in boxes.boxes_in(container) if (r := boxes.box_rect(b)) is not None]
    tops = [r[1] for r in others if abs(r[1] - y) <= ALIGN_SNAP]
    lefts = [r[0] for r in others if abs(r[0] - x) <= ALIGN_SNAP]
    top = min(tops, key=lambda t: abs(t - y), default=y)
    left = min(lefts, key=lambda v: abs(v - x), default=x)
    for moved in ((left, top, w, h), (x, top, w, h), (left, y, w, h)):
        if moved != rect and not any(_overlaps(moved, r) for r in others):
            return moved
    return rect


#: How near (scene units, 100 % zoom: pixels) a dropped box's top or left edge must come
#: to a neighbour's to be lined up with it.
ALIGN_SNAP = 24.0


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


# -- moving boxes ---------------------------------------------------------------------------
def plan_reparent(
    doc: Document, element_id: str, container_id: str | None
) -> Command | Refusal | None:
    """Put an element in the box ``container_id`` (None: on the canvas, outside any box).

    None when nothing changes (it is there already, or its kind sits in nothing); the
    elements inside it follow (a cluster's hosts change site with it).
    """
    element = doc.get(element_id)
    if element is None:
        return None
    info = KINDS.get(element.kind)
    if info is None or not info.containers:
        return None
    container = doc.get(container_id) if container_id else None
    if container is not None and container.kind not in info.allowed_containers:
        container = None
    if container is None and info.needs_container:
        allowed = " or ".join(with_article(KINDS[k].label) for k in info.allowed_containers)
        return Refusal(
            f"{element.describe()} must sit in {allowed}, not on empty canvas",
            element=element.id,
            field=info.containers[-1][0],
        )
    fields = fit_in_container(info, container)
    if all(getattr(element, k) == v for k, v in fields.items()):
        return None
    moved = element.model_copy(update=fields)
    news = [moved, *_followers(doc, moved)]
    refusal = doc.check_replace(news)
    if refusal is not None:
        return refusal
    if container is None:
        text = f"Move {element.name} out of its container"
    elif isinstance(element, EsxiHost):
        text = host_move_text(doc, element, container)
    elif isinstance(element, FileShareWitness):
        text = _witness_move_text(doc, element, container)
    else:
        text = f"Move {element.name} into {container.name}"
    return ChangeElements(news, text)


def _followers(doc: Document, moved: ElementBase) -> list[ElementBase]:
    """The elements inside ``moved`` whose other container fields must follow it."""
    out: list[ElementBase] = []
    queue = [moved]
    while queue:
        box = queue.pop()
        for referrer_id in doc.referrers_of(box.id):
            inner = doc.get(referrer_id)
            info = KINDS.get(inner.kind) if inner is not None else None
            if inner is None or info is None or info.container_of(inner) != box.id:
                continue
            fields = fit_in_container(info, box)
            if any(getattr(inner, k) != v for k, v in fields.items()):
                follower = inner.model_copy(update=fields)
                out.append(follower)
                queue.append(follower)
    return out


def host_move_text(doc: Document, host: EsxiHost, container: ElementBase) -> str:
    """What moving ``host`` into ``container`` does, said plainly: leaving a cluster
    takes the host out of vSphere HA and DRS, which a drag alone would hide."""
    old = doc.get(host.cluster) if host.cluster else None
    if not isinstance(old, VsphereCluster):
        return f"Move {host.name} into {container.name}"
    lost = [name for name, on in (("vSphere HA", old.ha_enabled), ("DRS", old.drs_enabled)) if on]
    if isinstance(container, VsphereCluster):
        return f"{host.name} moves from cluster {old.name} to cluster {container.name}"
    where = "" if container.id == host.site else f", moves to {container.name}"
    note = f" (no {' or '.join(lost)})" if lost else ""
    return f"{host.name} leaves cluster {old.name}{where}{note}"


def _witness_move_text(doc: Document, witness: FileShareWitness, container: ElementBase) -> str:
    """What moving a file share witness's box into ``container`` does: its share's site
    changes, not the server it runs on. A witness dragged from Hartford into Worcester
    kept its VM in Hartford with no word (eyes22): the simulator then loses it with
    either site. The VM is named when it stays in another site."""
    text = f"Move {witness.name} into {container.name}"
    server = doc.get(witness.vm) if witness.vm else None
    site = doc.index.site_of(server.id) if server is not None else None
    where = doc.get(site) if site else None
    if server is None or where is None or where.id == container.id:
        return text
    return f"{text} (its VM {server.name} stays in {where.name})"


def plan_move(
    doc: Document,
    layout: Mapping[str, LayoutEntry],
    drops: Mapping[str, str | None] | None = None,
    boxes: BoxGeometry | None = None,
    roots: Sequence[str] = (),
) -> Proposal | Refusal:
    """A drag released: new layout entries, and for each dragged root box the box it
    was dropped on (``drops``; None: empty canvas). With ``boxes``, the containers the
    boxes end up in grow round them (pushing their neighbours aside), a row moved
    into another box takes the free place under its rows, and a box released over a box
    of the container it is dropped in (its own or another) takes the free place nearest
    (a host dropped on a host lay over it). One undo step, named after
    the boxes dragged (``roots``; what they hold and the neighbours pushed aside move
    with them), else after the layout entries it changes."""
    moved = dict(layout)
    commands: list[Command] = []
    parents: dict[str, str | None] = {}
    staying: dict[str, str] = {}  # dropped back in the box they were in
    for root, container in (drops or {}).items():
        plan = plan_reparent(doc, root, container)
        if isinstance(plan, Refusal):
            return plan
        if plan is not None:
            commands.append(plan)
            parents[root] = container
        elif container is not None and boxes is not None and boxes.box_container(root) == container:
            staying[root] = container
    if boxes is not None:
        rects = {
            k: (
                e.x,
                e.y,
                e.w or default_size(_kind(doc, k))[0],
                e.h or default_size(_kind(doc, k))[1],
            )
            for k, e in moved.items()
        }
        settled: set[str] = set()
        for root, container in [*parents.items(), *staying.items()]:
            element = doc.get(root)
            info = KINDS.get(element.kind) if element is not None else None
            if container is None or info is None or root not in rects:
                continue
            if root in staying and info.spec.row:
                continue  # a row moved within its box stays where released
            if info.spec.row:
                slot = free_slot(boxes, container, rects[root][2:], rects[root][:2], row=True)
            else:
                found = _uncovering_slot(boxes, rects, parents, settled, root, container)
                settled.add(root)
                if found is None:
                    continue
                slot = found
            dx, dy = slot[0] - rects[root][0], slot[1] - rects[root][1]
            for k, r in list(rects.items()):
                if k == root or _inside_of(boxes, k, root):
                    rects[k] = (r[0] + dx, r[1] + dy, r[2], r[3])
        grown = make_room(boxes, rects, parents)
        moved = {**moved, **entries(grown, doc.design.layout)}
        for k, entry in layout.items():  # keep what the drag itself said (colour…)
            moved[k] = entry.model_copy(update=moved[k].model_dump(include={"x", "y", "w", "h"}))
    named = [e for e in (doc.get(r) for r in roots) if e is not None]
    text = None
    if len(named) == 1:
        text = f"Move {named[0].describe()}"
    elif named:
        text = f"Move {plural(len(named), 'element')}"
    commands.insert(0, MoveElements(moved, text=text))
    if len(commands) == 1:
        return Proposal(commands[0], commands[0].text)
    says = "; ".join(c.text for c in commands[1:])
    return Proposal(MacroCommand(commands[1].text, commands), says)


def _uncovering_slot(
    boxes: BoxGeometry,
    rects: dict[str, Rect],
    parents: Mapping[str, str | None],
    settled: set[str],
    root: str,
    container: str,
) -> Rect | None:
    """Where a box dragged into a container (another, or the one it is in) goes when it
    was released over a box already there: a free slot near where it was released, as a
    palette drop takes one (None: it covers nothing, it stays where released). A host
    dragged onto the host of another site lay exactly over it, hiding it and its own
    name (eyes23); onto a host of its own cluster, too (uiq23). The boxes
    this drag moves are passed over, but for the roots already put in their place."""
    geometry = _Adding(boxes)
    geometry.rects = rects
    geometry.parents = {r: c for r, c in parents.items() if r in settled}
    moving = set(rects) - settled
    rect = rects[root]
    siblings = [
        r
        for b in geometry.boxes_in(container)
        if b not in moving and (r := geometry.box_rect(b)) is not None
    ]
    if not any(_overlaps(rect, r) for r in siblings):
        return None
    centre = (rect[0] + rect[2] / 2, rect[1] + rect[3] / 2)
    return _aligned(
        geometry, container, free_slot(geometry, container, (rect[2], rect[3]), centre, skip=moving)
    )


def plan_paste(
    doc: Document,
    payload: str,
    at: tuple[float, float] | None,
    container_at: Callable[[tuple[str, ...]], str | None],
    boxes: BoxGeometry,
    *,
    verb: str = "Paste",
) -> Proposal | Refusal:
    """Paste the clipboard's elements with their top-left corner at ``at`` (the
    pointer): a box that must sit in a box goes into the one under the pointer if it
    may (``container_at(kinds)``: the innermost box of those kinds there), else into a
    free slot of the box it was copied from; the boxes they land in grow round them.
    ``at`` None (Duplicate): beside the originals, in free slots. One undo step.
    """
    try:
        taken = Taken(
            lambda i: doc.get(i) is not None, lambda k, n: doc.name_holder(k, n) is not None
        )
        elements, layout = paste_elements(doc.design, payload, offset=(0.0, 0.0), taken=taken)
    except ClipboardError as exc:
        return Refusal(str(exc))
    by_id = {e.id: e for e in elements}
    rects: dict[str, Rect] = {}
    for element_id, entry in layout.items():
        w, h = default_size(_kind_of(by_id, doc, element_id))
        rects[element_id] = (entry.x, entry.y, entry.w or w, entry.h or h)
    roots = [e for e in elements if _holder(e) not in by_id]
    laid = [rects[e.id] for e in roots if e.id in rects]
    left = min((r[0] for r in laid), default=0.0)
    top = min((r[1] for r in laid), default=0.0)
    if at is None:  # beside the originals
        right = max((r[0] + r[2] for r in laid), default=0.0)
        dx, dy = right - left + 40.0, 0.0
    else:
        dx, dy = at[0] - left, at[1] - top
    parents: dict[str, str | None] = {}
    moved: set[str] = set()
    for root in roots:
        info = KINDS.get(root.kind)
        if info is None or info.shape != "box":
            continue
        family = [root.id, *_inside_pasted(elements, root.id)]
        target = container_at(info.allowed_containers) if info.containers and at else None
        holder = _holder(root)
        if target is not None:
            fields = fit_in_container(info, doc.get(target))
            by_id[root.id] = root.model_copy(update=fields)
            holder = target
        elif holder is not None and root.id in rects:
            # It keeps the box it was copied from: a free slot there, not on the original.
            r = rects[root.id]
            slot = free_slot(boxes, holder, (r[2], r[3]), (r[0], r[1]), row=info.spec.row)
            _shift(rects, family, slot[0] - r[0], slot[1] - r[1])
            moved.update(family)
            parents[root.id] = holder
            continue
        if holder is not None:
            parents[root.id] = holder
        _shift(rects, family, dx, dy)
        moved.update(family)
        if holder is not None and root.id in rects:
            r = rects[root.id]
            slot = free_slot(boxes, holder, (r[2], r[3]), (r[0], r[1]), row=True)
            _shift(rects, family, slot[0] - r[0], slot[1] - r[1])
    pasted = _refit(list(by_id.values()))
    refusal = doc.check_insert(pasted)
    if refusal is not None:
        return refusal
    new_layout = entries({k: r for k, r in rects.items() if k in moved or k in layout}, layout)
    grown = make_room(boxes, {k: rects[k] for k in parents if k in rects}, parents)
    room = entries({k: r for k, r in grown.items() if k not in by_id}, doc.design.layout)
    text = _paste_text(verb, pasted, [by_id[r.id] for r in roots])
    add = AddElements(pasted, new_layout, text=text)
    command: Command = MacroCommand(text, [add, MoveElements(room, text=text)]) if room else add
    return Proposal(command, text)


def _paste_text(verb: str, pasted: list[ElementBase], roots: list[ElementBase]) -> str:
    """The step's name in History and the status bar: what was pasted, by name ("Paste
    VM BOS-MBX03", "Paste vSphere cluster REC-Cluster with 4 elements in it"), not
    "Paste 5 elements"."""
    if len(pasted) == 1:
        return f"{verb} {pasted[0].describe()}"
    if len(roots) == 1:
        return f"{verb} {roots[0].describe()} with {plural(len(pasted) - 1, 'element')} in it"
    return f"{verb} {plural(len(pasted), 'element')}"


def _holder(element: ElementBase) -> str | None:
    info = KINDS.get(element.kind)
    return info.container_of(element) if info is not None else None


def _kind_of(by_id: Mapping[str, ElementBase], doc: Document, element_id: str) -> str:
    element = by_id.get(element_id) or doc.get(element_id)
    return element.kind if element is not None else ""


def _inside_pasted(elements: list[ElementBase], root: str) -> list[str]:
    """The pasted elements drawn inside ``root``, at any depth."""
    inside: list[str] = []
    holders = {root}
    changed = True
    while changed:
        changed = False
        for element in elements:
            if element.id not in holders and _holder(element) in holders:
                holders.add(element.id)
                inside.append(element.id)
                changed = True
    return inside


def _shift(rects: dict[str, Rect], ids: list[str], dx: float, dy: float) -> None:
    for i in ids:
        if i in rects:
            x, y, w, h = rects[i]
            rects[i] = (x + dx, y + dy, w, h)


def _refit(elements: list[ElementBase]) -> list[ElementBase]:
    """The pasted elements with the container fields of those inside a re-homed box
    following it (a host put in another cluster takes that cluster's site)."""
    by_id = {e.id: e for e in elements}
    out: list[ElementBase] = []
    for element in elements:
        info = KINDS.get(element.kind)
        holder = _holder(element)
        if info is not None and holder in by_id:
            fields = fit_in_container(info, by_id[holder])
            element = element.model_copy(update=fields)
            by_id[element.id] = element
        out.append(element)
    return out


def _kind(doc: Document, element_id: str) -> str:
    element = doc.get(element_id)
    return element.kind if element is not None else ""


def _inside_of(boxes: BoxGeometry, box: str, holder: str) -> bool:
    parent = boxes.box_container(box)
    while parent is not None:
        if parent == holder:
            return True
        parent = boxes.box_container(parent)
    return False


def plan_resize(doc: Document, boxes: BoxGeometry, box_id: str, wanted: Rect) -> Proposal | Refusal:
    """Resize a box to ``wanted`` (no smaller than what it holds); the boxes holding it
    grow round it and push their neighbours aside. One undo step.

    Examples
    --------
    >>> from designer.domain import Design, Site
    >>> from designer.document.growth import LayoutGeometry
    >>> doc = Document(Design(elements=[Site(id="s", name="Boston")],
    ...                       layout={"s": LayoutEntry(x=0, y=0, w=300, h=200)}))
    >>> plan = plan_resize(doc, LayoutGeometry(doc.design), "s", (0, 0, 500, 260))
    >>> plan.says, plan.command.new["s"].w
    ('Resize Boston', 500.0)
    """
    element = doc.get(box_id)
    if element is None or boxes.box_rect(box_id) is None:
        return Refusal("nothing to resize here")
    rect = resize_rect(boxes, box_id, wanted)
    grown = make_room(boxes, {box_id: rect})
    text = f"Resize {element.name}"
    return Proposal(MoveElements(entries(grown, doc.design.layout), text=text), text)


def plan_fit(doc: Document, boxes: BoxGeometry, box_id: str) -> Proposal | Refusal:
    """Shrink (or grow) a container round what it holds: Arrange > Fit to Content."""
    element = doc.get(box_id)
    rect = shrink_to_content(boxes, box_id) if element is not None else None
    if element is None or rect is None:
        return Refusal("only a box holding other boxes fits round its content", element=box_id)
    grown = make_room(boxes, {box_id: rect})
    text = f"Fit {element.name} to its content"
    return Proposal(MoveElements(entries(grown, doc.design.layout), text=text), text)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]
