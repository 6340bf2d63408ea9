"""Structural invariants of a design: what must hold for it to be a design at all.

Design *rules* (``designer.rules``) report findings and never block an edit; these
invariants are enforced by the loader and the Document and raise typed errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from designer.domain import invariants as inv
from designer.domain.design import Design
from designer.domain.elements import ELEMENT_CLASSES, ElementBase
from designer.domain.errors import StructuralError
from designer.domain.invariants import Invariant, Lookup
from designer.domain.kinds import KINDS
from designer.domain.refs import (
    TargetWalker,
    iter_refs,
    ref_paths,
    targets_columns,
    targets_plan,
)

__all__ = [
    "Columns",
    "check_structure",
    "checked_columns",
    "child_plan",
    "invariant_breaks",
    "keep_columns",
    "relation_errors",
    "structural_errors",
    "take_columns",
]


class Columns(NamedTuple):
    """What the structure check read of a design that breaks no invariant: its
    elements, each by id, and their kinds in element order. The Document's index of
    the same elements, built right after a load, starts from them (:func:`keep_columns`,
    :func:`take_columns`) instead of reading 100,000 elements again."""

    elements: Sequence[ElementBase]
    by_id: dict[str, ElementBase]
    kinds: list[str]
    #: The elements of each kind, in element order (None: not read; the index groups
    #: them by ``kinds``).
    by_kind: dict[str, list[ElementBase]] | None = None
    #: With ``by_kind``, what the canvas's build of the design reads (the Document keeps
    #: them until its first edit: ``Document.load_columns``): every element's id, each
    #: kind's ids and fields (its elements' ``__dict__``s) aligned with ``by_kind``, each
    #: plain reference read (``(kind, field)`` → an id or None per element, aligned
    #: likewise) and the runs of one kind in element order (kind, length).
    ids: list[str] | None = None
    group_ids: dict[str, list[str]] | None = None
    group_fields: dict[str, list[dict[str, Any]]] | None = None
    refs: dict[tuple[str, str], list[str | None]] | None = None
    runs: list[tuple[str, int]] | None = None


def structural_errors(design: Design) -> list[StructuralError]:
    """Every broken invariant, in element order, each naming a JSON path.

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> bad = Design(elements=[EsxiHost(id="h1", name="esx01", site="nowhere")])
    >>> print(structural_errors(bad)[0])
    design.elements[0].site: ESXi host esx01 (h1) refers to 'nowhere', which does not exist
    """
    return checked_columns(design)[0]


def checked_columns(
    design: Design, *, vouched: Vouched = False
) -> tuple[list[StructuralError], Columns | None]:
    """:func:`structural_errors`, and the columns it read when there is none.

    ``vouched``: the loader's word that ``design`` breaks no invariant, read from the
    very JSON objects it was validated from (the byte-check child's answer for a file
    of the current version, every key given once: :func:`child_plan`), or a function
    asking for it, asked once the columns are read (the child may say it meanwhile).
    Given, only the columns are read, none of the verdicts (names, the layout's keys,
    the references' kinds, the relation invariants); a design whose columns cannot be
    read so (an id given twice) is checked in full."""
    # The loader runs this over every element of the design it opens: a whole design
    # is checked a column at a time first (:func:`_whole_columns`); only a design that
    # breaks something is walked element by element, its paths and names spelt.
    whole = _whole_columns(design, vouched=vouched)
    if whole is not None:
        return [], whole
    elements = design.elements
    unbroken = _unbroken_ids_and_names(elements)
    if unbroken is None:
        errors, kinds, by_id = _ids_and_names(elements)
    else:
        errors = []
        kinds, by_id, _in_order = unbroken
    get = by_id.get
    plans = _PLANS
    leaves = _LEAVES
    for i, element in enumerate(elements):
        leaf = leaves.get(type(element))
        if leaf is not None:  # plain references only, no invariants: most elements
            fields = element.__dict__
            for name, ok in leaf:
                value = fields[name]
                if value is not None and kinds.get(value) not in ok:
                    errors.extend(_ref_errors(element, f"design.elements[{i}]", kinds))
                    break
            continue
        plan = plans.get(type(element))
        if plan is None:
            plan = _plan(element)
        refs, invariants = plan
        fields = element.__dict__
        for name, allowed, walk in refs:
            value = fields[name]
            if value is None:
                continue
            if allowed is not None:
                broken = kinds.get(value) not in allowed
            else:
                found: list[tuple[str, tuple[str, ...]]] = []
                walk(value, found)
                broken = any(kinds.get(target) not in ok for target, ok in found)
            if broken:
                errors.extend(_ref_errors(element, f"design.elements[{i}]", kinds))
                break
        if invariants:
            breaks = [found for invariant in invariants for found in invariant(element, get)]
            if breaks:
                who = f"{element.label} {element.name} ({element.id})"
                errors.extend(
                    StructuralError(
                        f"{who} {clause}",
                        path=f"design.elements[{i}].{where}",
                        element=element.id,
                    )
                    for where, clause in breaks
                )
    if all(map(kinds.__contains__, design.layout)):
        if errors or unbroken is None:
            return errors, None
        return errors, Columns(elements, by_id, unbroken[2])
    for key in design.layout:
        if key not in kinds:
            errors.append(
                StructuralError(
                    f"layout entry for {key!r}, which is not an element",
                    path=f"design.layout.{key}",
                )
            )
    return errors, None


#: The relation invariants the byte-check child checks on a file's JSON objects, by the
#: name it knows each by (:data:`designer.bytecheck.INVARIANTS`).
CHILD_INVARIANTS: tuple[tuple[Invariant, str], ...] = (
    (inv.host_in_its_clusters_site, "host_in_its_clusters_site"),
    (inv.mirror_between_two_arrays, "mirror_between_two_arrays"),
    (inv.copies_on_dag_members, "copies_on_dag_members"),
)
#: :func:`child_plan`'s text, made once (empty: there is none).
_CHILD_PLAN: list[bytes | None] = []


def child_plan() -> bytes | None:
    """What the byte-check child (:mod:`designer.bytecheck`) needs to check a design
    file's structure on the JSON objects it parsed, as this check does on the models:
    per kind, where its references stand (:func:`designer.domain.refs.ref_paths`) and
    the names of its relation invariants; one line of JSON. None when some kind cannot
    be told so (a reference a path cannot place, an invariant the child does not know,
    an element's id, kind or name not a required field under its own name): then the
    child vouches for nothing and the loader checks in full.

    The models of a file of the current version are its JSON objects validated: no
    field of theirs is renamed, coerced (a JSON string stays the same string) or
    filled by a default other than "nothing" (:func:`ref_paths` refuses one), so what
    holds of the objects holds of the models (tests/persistence/test_child_structure.py).
    """
    if _CHILD_PLAN:
        return _CHILD_PLAN[0]
    _CHILD_PLAN.append(_child_plan())
    return _CHILD_PLAN[0]


def _child_plan() -> bytes | None:
    import json

    known = {id(invariant): name for invariant, name in CHILD_INVARIANTS}
    refs: dict[str, list[list[Any]]] = {}
    invariants: dict[str, list[str]] = {}
    for kind, cls in ELEMENT_CLASSES.items():
        for name in ("id", "kind", "name"):
            field = cls.model_fields[name]
            if field.alias not in (None, name) or field.validation_alias not in (None, name):
                return None
            if name != "kind" and not field.is_required():
                return None
        paths = ref_paths(cls)
        info = KINDS.get(kind)
        if paths is None or info is None:
            return None
        refs[kind] = [[list(path), list(ok)] for path, ok in paths]
        names = [known.get(id(invariant)) for invariant in info.spec.invariants]
        if None in names:
            return None
        invariants[kind] = [n for n in names if n is not None]
    text = json.dumps({"refs": refs, "invariants": invariants}, separators=(",", ":"))
    return text.encode("ascii") + b"\n"


def _whole_columns(design: Design, *, vouched: Vouched = False) -> Columns | None:
    """The columns of ``design`` if it breaks no invariant, else None (the element walk
    of :func:`checked_columns` then says what breaks). ``vouched``: the verdicts may be
    the loader's (see :func:`checked_columns`), asked once the columns are read.

    Each element class's references are read a column at a time (one field of all the
    class's elements, in C: :func:`designer.domain.refs.targets_columns`) and tested
    against the set of the ids they may name in one ``issuperset``. Only a reference of
    another shape and the relation invariants (few kinds: hosts, mirrors, databases)
    are still read element by element."""
    elements = design.elements
    # Each element's fields, read by name (a model keeps them in its ``__dict__``): in C,
    # without the model's attribute hook (pydantic's ``__getattr__`` makes every
    # attribute read look the class up three times: ~4 × a dict's item).
    fields = list(map(_FIELDS, elements))
    ids = list(map(_ID_FIELD, fields))
    by_id = dict(zip(ids, elements, strict=True))
    count = len(ids)
    if len(by_id) != count:
        return None
    kinds = list(map(_KIND_FIELD, fields))
    # The elements by class, a run of one class at a time (a design's elements mostly
    # come in runs: a generated 100,000-element design has ~20), with their fields and
    # ids (the same runs of the columns read above).
    groups: dict[type, tuple[list[ElementBase], list[dict[str, Any]], list[str]]] = {}
    runs: list[tuple[str, int]] = []
    start = 0
    one_kind = True  # each class's elements all of one kind (the class's own)
    for cls, run in groupby(elements, type):
        members: list[ElementBase] = list(run)
        end = start + len(members)
        runs.append((kinds[start], end - start))
        if one_kind and kinds[start:end].count(kinds[start]) != end - start:
            one_kind = False
        known = groups.get(cls)
        if known is None:
            groups[cls] = (members, fields[start:end], ids[start:end])
        else:
            known[0].extend(members)
            known[1].extend(fields[start:end])
            known[2].extend(ids[start:end])
        start = end
    ids_of: dict[str, list[str]] = {}
    by_kind: dict[str, list[ElementBase]] | None = {}
    for group, _, group_ids in groups.values():
        kind = group[0].kind
        ids_of[kind] = group_ids
        if by_kind is not None:
            if not one_kind or kind in by_kind:
                by_kind = None
            else:
                by_kind[kind] = group
    #: The plain references read, kept as columns (see Columns.refs); the same lists
    #: per class and field for the verdicts.
    kept: dict[tuple[str, str], list[str | None]] = {}
    plain: dict[type, dict[str, list[Any]]] = {}
    for cls, (group, group_fields, _) in groups.items():
        read_here = plain[cls] = {}
        for name, column in targets_columns(cls):
            if column is not None and _one_each(column[1]):
                values = read_here[name] = list(column[1](group_fields))
                kept[group[0].kind, name] = values
    # The verdicts, unless the loader vouches for them by now (asked only here: the
    # byte-check child has had the columns' time to say so).
    if not (vouched() if callable(vouched) else vouched) and not _holds(
        design, fields, kinds, by_id, groups, ids_of, plain
    ):
        return None
    if by_kind is None:
        return Columns(elements, by_id, kinds, None)
    return Columns(
        elements,
        by_id,
        kinds,
        by_kind,
        ids,
        ids_of,
        {group[0].kind: group_fields for group, group_fields, _ in groups.values()},
        kept,
        runs,
    )


#: The loader's word on a design's structure (:func:`checked_columns`): given, or asked.
Vouched = bool | Callable[[], bool]


def _one_each(read: Any) -> bool:
    """Whether a column reader reads one value per element (a plain reference)."""
    return isinstance(read, partial) and read.func is map


def _holds(
    design: Design,
    fields: list[dict[str, Any]],
    kinds: list[str],
    by_id: dict[str, ElementBase],
    groups: dict[type, tuple[list[ElementBase], list[dict[str, Any]], list[str]]],
    ids_of: dict[str, list[str]],
    plain: dict[type, dict[str, list[Any]]],
) -> bool:
    """The verdicts of :func:`_whole_columns` from what it has read: no name given
    twice within a kind, the layout's keys all elements', every reference naming an
    element of a kind it may name, the relation invariants."""
    count = len(fields)
    names = list(map(_NAME_FIELD, fields))
    # Names distinct across kinds are distinct within each: the pairs only if not (a
    # set of 100,000 names costs a quarter of a set of as many (kind, name) tuples).
    if len(set(names)) != count and len(set(zip(kinds, names, strict=True))) != count:
        return False
    if not _all_in(design.layout, by_id):
        return False
    named: dict[tuple[str, ...], set[str | None]] = {}

    def may_name(ok: tuple[str, ...]) -> set[str | None]:
        """The ids of the elements of ``ok``'s kinds, and None (an unset reference)."""
        found = named.get(ok)
        if found is None:
            found = named[ok] = {None}
            for kind in ok:
                found.update(ids_of.get(kind, ()))
        return found

    get = by_id.get
    for cls, (group, group_fields, _) in groups.items():
        plan = _PLANS.get(cls)
        if plan is None:
            plan = _plan(group[0])
        refs, invariants = plan
        #: The targets read per reference field (for the invariants that take them).
        targets: dict[str, list[Any]] = {}
        read_here = plain[cls]
        for (name, _, walk), (_, column) in zip(refs, targets_columns(cls), strict=True):
            if column is not None:
                ok, read = column
                values = read_here.get(name)
                if values is None:
                    values = list(read(group_fields))
                targets[name] = values
                if not may_name(ok).issuperset(values):
                    return False
                continue
            pairs: list[tuple[str, tuple[str, ...]]] = []
            for value in map(itemgetter(name), group_fields):
                if value is not None:
                    walk(value, pairs)
            if not all(target in may_name(ok) for target, ok in set(pairs)):
                return False
        for invariant in invariants:
            if invariant.holds_read is not None and all(
                map(targets.__contains__, invariant.targets)
            ):
                if not invariant.holds_read(group_fields, targets, get):
                    return False
            elif not invariant.held_by(group, get):
                return False
    return True


def _all_in(layout: Mapping[str, Any], by_id: dict[str, ElementBase]) -> bool:
    """True if every key of ``layout`` is an element's id. A dict's keys (a loaded
    design's layout) are compared as sets, in C without a call per key (a
    ``PersistentMap``'s would be compared by ``collections.abc.Set``'s Python loop)."""
    if type(layout) is dict:
        return by_id.keys() >= layout.keys()
    return all(map(by_id.__contains__, layout))


#: The columns of the last design the loader found whole (one at most).
_KEPT: list[Columns] = []


def keep_columns(columns: Columns) -> None:
    """Keep ``columns`` for the index built next from the same elements (the loader's,
    for the Document that opens the design it read); the last kept only."""
    _KEPT[:] = [columns]


def take_columns(elements: Sequence[ElementBase]) -> Columns | None:
    """The columns kept for ``elements`` (this very sequence), once; None if the last
    kept were another's (they are dropped) or none are kept."""
    try:
        kept = _KEPT.pop()
    except IndexError:
        return None
    return kept if kept.elements is elements else None


_ID, _KIND, _NAME = attrgetter("id"), attrgetter("kind"), attrgetter("name")
_FIELDS = attrgetter("__dict__")
_ID_FIELD, _KIND_FIELD, _NAME_FIELD = itemgetter("id"), itemgetter("kind"), itemgetter("name")


def _unbroken_ids_and_names(
    elements: Sequence[ElementBase],
) -> tuple[dict[str, str], dict[str, ElementBase], list[str]] | None:
    """Every id's kind and element (and the kinds in element order), if no id and no
    name within a kind is used twice (built in C, a column at a time); None if one is
    (:func:`_ids_and_names` says which)."""
    ids = list(map(_ID, elements))
    kinds_in_order = list(map(_KIND, elements))
    kinds = dict(zip(ids, kinds_in_order, strict=True))
    if len(kinds) != len(ids):
        return None
    names = list(map(_NAME, elements))
    # Names distinct across kinds are distinct within each: the pairs only if not (a
    # set of 100,000 names costs a quarter of a set of as many (kind, name) tuples).
    count = len(ids)
    if len(set(names)) != count and len(set(zip(kinds_in_order, names, strict=True))) != count:
        return None
    return kinds, dict(zip(ids, elements, strict=True)), kinds_in_order


def _ids_and_names(
    elements: Sequence[ElementBase],
) -> tuple[list[StructuralError], dict[str, str], dict[str, ElementBase]]:
    """The duplicate ids and names within a kind, in element order; every id's kind
    (its first element's) and element (its last, as a dict of them has)."""
    errors: list[StructuralError] = []
    kinds: dict[str, str] = {}
    positions: dict[str, int] = {}
    names: dict[tuple[str, str], str] = {}
    by_id: dict[str, ElementBase] = {}
    for i, element in enumerate(elements):
        element_id = element.id
        kind: str = element.kind
        by_id[element_id] = element  # the last of a duplicate id, as a dict of them has
        if element_id in kinds:
            errors.append(
                StructuralError(
                    f"duplicate id {element_id!r} (also design.elements[{positions[element_id]}])",
                    path=f"design.elements[{i}].id",
                    element=element_id,
                )
            )
            continue
        kinds[element_id] = kind
        positions[element_id] = i
        other = names.setdefault((kind, element.name), element_id)
        if other != element_id:
            errors.append(
                StructuralError(
                    f"{element.label} name {element.name!r} is used by {other} too",
                    path=f"design.elements[{i}].name",
                    element=element_id,
                )
            )
    return errors, kinds, by_id


#: Per element class: its reference fields (name, kinds of a plain reference or None,
#: the walker of a nested one) and its kind's relation invariants.
_Plan = tuple[tuple[tuple[str, "tuple[str, ...] | None", TargetWalker], ...], tuple[Invariant, ...]]
_PLANS: dict[type, _Plan] = {}


#: Per element class whose references are all plain and which has no invariants: its
#: reference fields and the kinds each may name.
_LEAVES: dict[type, tuple[tuple[str, tuple[str, ...]], ...]] = {}


def _plan(element: ElementBase) -> _Plan:
    info = KINDS.get(element.kind)
    plan = (
        tuple(targets_plan(type(element))),
        tuple(info.spec.invariants) if info is not None else (),
    )
    _PLANS[type(element)] = plan
    refs, invariants = plan
    if not invariants and all(allowed is not None for _, allowed, _ in refs):
        _LEAVES[type(element)] = tuple(
            (name, allowed) for name, allowed, _ in refs if allowed is not None
        )
    return plan


def _ref_errors(element: ElementBase, path: str, kinds: dict[str, str]) -> list[StructuralError]:
    """The element's broken references, each with its path (the slow walk, only for an
    element that has one)."""
    errors: list[StructuralError] = []
    who = f"{element.label} {element.name} ({element.id})"
    for ref in iter_refs(element):
        target_kind = kinds.get(ref.target)
        if target_kind is None:
            errors.append(
                StructuralError(
                    f"{who} refers to {ref.target!r}, which does not exist",
                    path=f"{path}.{ref.path}",
                    element=element.id,
                )
            )
        elif target_kind not in ref.kinds:
            errors.append(
                StructuralError(
                    f"{who} refers to {ref.target!r}, a {target_kind}; "
                    f"expected {' or '.join(ref.kinds)}",
                    path=f"{path}.{ref.path}",
                    element=element.id,
                )
            )
    return errors


def relation_errors(element: ElementBase, get: Lookup) -> list[tuple[str, str]]:
    """The kind's relation invariants that ``element`` breaks: (field path, message).

    ``get`` finds the elements it names (a dict's ``get`` will do). The message names
    the element ("ESXi host esx01 (h1) is in site 'bos' but its cluster …").

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost, VsphereCluster
    >>> cluster = VsphereCluster(id="c1", name="CL-1", site="wor")
    >>> relation_errors(EsxiHost(id="h1", name="esx01", site="bos", cluster="c1"),
    ...                 {"c1": cluster}.get)[0][0]
    'cluster'
    """
    breaks = invariant_breaks(element, get)
    if not breaks:
        return []
    who = f"{element.label} {element.name} ({element.id})"
    return [(path, f"{who} {clause}") for path, clause in breaks]


def invariant_breaks(element: ElementBase, get: Lookup) -> list[tuple[str, str]]:
    """Like :func:`relation_errors`, each clause without its subject ("mirrors to a LUN
    on its own array CX-1; …"), for an element that does not exist yet."""
    info = KINDS.get(element.kind)
    if info is None or not info.spec.invariants:
        return []
    return [
        (path, clause)
        for invariant in info.spec.invariants
        for path, clause in invariant(element, get)
    ]


def check_structure(design: Design) -> None:
    """Raise the first :class:`StructuralError`, if any (see :func:`structural_errors`)."""
    errors = structural_errors(design)
    if errors:
        raise errors[0]
