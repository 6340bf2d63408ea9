"""What a canvas gesture means for the model, decided here, Qt-free.

The canvas maps mouse and drop events to these functions and pushes what they
return. Each returns a :class:`Proposal` (the command and what it does, said before it
is done, so the canvas can show it while dragging) or a
:class:`~designer.document.document.Refusal` (element, field, reason). What may connect
to what and what may sit in what comes from the kind table
(:mod:`designer.domain.kinds`), not from pairs of kinds written out here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from designer.document.commands import (
    AddElements,
    ChangeElements,
    Command,
    MacroCommand,
    MoveElements,
    SetProperty,
)
from designer.document.document import Document, Refusal
from designer.document.factory import fit_in_container, free_name, new_element
from designer.document.layout import Rect, drop_rect
from designer.domain.design import LayoutEntry
from designer.domain.elements import ElementBase, EsxiHost, VsphereCluster
from designer.domain.errors import DesignError
from designer.domain.kinds import KINDS, Connection, connections_between
from designer.domain.refs import ref_kinds
from designer.domain.structure import invariant_breaks
from designer.domain.words import with_article

__all__ = [
    "Proposal",
    "host_move_text",
    "plan_connection",
    "plan_drop",
    "plan_move",
    "plan_reparent",
]


@dataclass(frozen=True)
class Proposal:
    """A gesture the model accepts: the command to push and what it does, in words
    ("add a WAN link between Boston and Worcester"); ``element`` is the element it
    creates, if any (the canvas selects it)."""

    command: Command
    says: str
    element: str | None = None


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
    return Proposal(AddElements([element]), says or f"add {element.describe()}", element.id)


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
            return Refusal(fill.done.format(**names, field=_words(name)), owner.id, name)
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
    refusal = doc.check_replace([changed])
    if refusal is not None:
        return refusal
    text = fill.text.format(**names, field=_words(name))
    says = fill.says.format(**names, field=_words(name))
    return Proposal(SetProperty(owner.id, name, value, text), says)


def _words(field: str) -> str:
    return field.replace("_", " ")


# -- drops from the palette -----------------------------------------------------------------
def plan_drop(
    doc: Document,
    kind: str,
    at: tuple[float, float],
    container: str | None,
    container_rect: Rect | None = None,
    *,
    grid: float | None = None,
) -> Proposal | Refusal:
    """Add an element of ``kind`` dropped at ``at`` on the box ``container`` (the
    innermost box under the pointer that the kind may sit in; None: empty canvas).

    ``container_rect`` is where that box is drawn (the new box is kept inside it);
    ``grid`` snaps the new box's corner.

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
            f"(or Alt-drag) to another {end.label}"
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
    if info.shape == "box":  # a part (a VM's disk) is drawn by its container
        x, y, w, h = drop_rect(kind, at, container_rect if box is not None else None, grid)
        layout[element.id] = LayoutEntry(x=x, y=y, w=w, h=h)
    where = f" in {box.name}" if box is not None else ""
    return Proposal(
        AddElements([element], layout), f"Added {element.describe()}{where}", element.id
    )


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


def plan_move(
    doc: Document,
    layout: Mapping[str, LayoutEntry],
    drops: Mapping[str, str | None] | None = None,
) -> Proposal | Refusal:
    """A drag released: new layout entries, and for each dragged root box the box it
    was dropped on (``drops``; None: empty canvas). One undo step."""
    commands: list[Command] = [MoveElements(dict(layout))]
    for root, container in (drops or {}).items():
        plan = plan_reparent(doc, root, container)
        if isinstance(plan, Refusal):
            return plan
        if plan is not None:
            commands.append(plan)
    if len(commands) == 1:
        return Proposal(commands[0], commands[0].text)
    says = "; ".join(c.text for c in commands[1:])
    return Proposal(MacroCommand(commands[1].text, commands), says)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]
