"""Lookups over a design, kept current edit by edit.

:class:`DesignIndex` answers what rules, the simulator and the UI ask of a design again
and again: an element by id, unique name or kind, where an element stands in the
design, who refers to it, the common reverse relations (the VMs on a host, the disks
on a LUN…) and the site an element lives in.

``DesignIndex(design)`` builds it in one pass. A :class:`~designer.document.Document`
builds it once per load and then tells it what each edit changed
(:meth:`LiveIndex.apply`), which costs what the edit touches: no lookup is rebuilt by
re-walking the design. The Document hands out one ``DesignIndex`` per revision; it is
valid until the Document's next edit (caches keyed on it see a new key after each
edit). The lists and maps it returns are the live ones: read them, do not change them,
and copy one before editing the design while going through it. Use the Document's
index from the thread that edits; a worker checking a snapshot builds its own.

The whole API:

* elements: :meth:`~DesignIndex.get`, :meth:`~DesignIndex.typed`, :meth:`~DesignIndex.of`,
  ``by_id``, ``by_kind``, :meth:`~DesignIndex.resolve`, :meth:`~DesignIndex.named`,
  :meth:`~DesignIndex.position_of`, :meth:`~DesignIndex.in_design_order`;
* references: :meth:`~DesignIndex.referrers_of`, :meth:`~DesignIndex.referrer_ids`,
  :meth:`~DesignIndex.referring`,
  :meth:`~DesignIndex.group` and the named groups (``vms_on_host``, …);
* placement: :meth:`~DesignIndex.site_of`, :meth:`~DesignIndex.array_of_lun`.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import compress
from operator import attrgetter, itemgetter, not_
from typing import TYPE_CHECKING, Any, TypeVar

from designer.domain.design import Design
from designer.domain.elements import ELEMENT_CLASSES, ElementBase, Lun, StorageArray
from designer.domain.errors import DesignError
from designer.domain.kinds import KINDS
from designer.domain.refs import (
    RefSite,
    holds_one_reference,
    iter_refs,
    ref_fields,
    ref_ids,
    targets_reader,
)
from designer.domain.structure import Columns

if TYPE_CHECKING:  # imported when the positions are first needed (a check needs none)
    from sortedcontainers import SortedList

__all__ = ["LOOKUPS", "DesignIndex", "LiveIndex", "UnknownElementError"]

E = TypeVar("E", bound=ElementBase)

#: The named reverse relations: property name → (kind, field). ``vms_on_host[h]`` lists
#: the VMs whose ``host`` is ``h``, in design order.
LOOKUPS: dict[str, tuple[str, str]] = {
    "vms_on_host": ("vm", "host"),
    "hosts_in_cluster": ("esxi_host", "cluster"),
    "disks_of_vm": ("virtual_disk", "vm"),
    "disks_on_lun": ("virtual_disk", "lun"),
    "luns_of_array": ("lun", "array"),
    "mirrors_from_lun": ("mirror", "source_lun"),
    "mirrors_to_lun": ("mirror", "target_lun"),
    "databases_of_dag": ("mailbox_database", "dag"),
}


#: :meth:`LiveIndex.follow` gives up when more elements than this fraction differ.
REBUILD_FRACTION = 0.05


def _sort_keys(count: int) -> SortedList:
    """The sort keys ``0.0 … count - 1``: :mod:`sortedcontainers` is imported with the
    first positions an index builds (``check`` builds none: ~0.6 ms of its start)."""
    from sortedcontainers import SortedList

    return SortedList(map(float, range(count)))


#: More elements of one kind than this added or removed at once, and more than one
#: in :data:`BULK_SHARE` of the kind's members: the kind's list of members is made again
#: in one pass (see :meth:`LiveIndex.apply`).
BULK_OF_A_KIND = 64
#: Fewer than one in this many of a kind's members added or removed: each is put in
#: or taken out of its place (a search each), not the whole list made again — a step
#: of a site's undo at 100k restoring 300 of 68,000 disks sorted them all again, ~30 ms
#: a step; in their places, ~7 ms (wave 28).
BULK_SHARE = 32


def _sorted_keys(keys: Iterable[float]) -> SortedList:
    """The sort keys ``keys`` (in any order) as :data:`_sort_keys` holds them."""
    from sortedcontainers import SortedList

    return SortedList(keys)


def _many_of_a_kind(
    elements: Iterable[ElementBase], members: Mapping[str, list[ElementBase]]
) -> dict[str, set[str]]:
    """The ids of ``elements`` by kind, for the kinds with more than
    :data:`BULK_OF_A_KIND` of them and more than one in :data:`BULK_SHARE` of their
    ``members``."""
    by_kind: dict[str, set[str]] = {}
    for element in elements:
        by_kind.setdefault(element.kind, set()).add(element.id)
    return {
        kind: ids
        for kind, ids in by_kind.items()
        if len(ids) > BULK_OF_A_KIND and len(ids) * BULK_SHARE > len(members.get(kind, ()))
    }


#: One reverse relation: target id → the elements naming it in the field, design order.
GroupMap = dict[str, list[ElementBase]]


_ID = attrgetter("id")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


def _sort_in_order(members: list[ElementBase], order: dict[str, float]) -> None:
    """Sort ``members`` into design order by ``order``'s keys, read in C (a kind's
    68,000 disks at 100k: a Python key function called per element cost ~20 ms)."""
    keys = list(map(order.__getitem__, map(_ID, members)))
    members[:] = map(_SECOND, sorted(zip(keys, members, strict=True), key=_FIRST))


def _without(members: list[ElementBase], gone: set[str]) -> None:
    """Drop from ``members`` the elements whose ids are ``gone``, in one pass in C."""
    members[:] = compress(members, map(not_, map(gone.__contains__, map(_ID, members))))


class UnknownElementError(DesignError):
    """No element has that id or unique name."""


def _site_fields(kind: str) -> tuple[tuple[str, bool], ...]:
    """The fields followed to find where an element of ``kind`` lives: (field, names a
    site directly)."""
    info = KINDS.get(kind)
    if info is None:
        return ()
    if info.spec.site_via is not None:
        return tuple((name, False) for name in info.spec.site_via)
    direct = tuple((name, True) for name, kinds in info.containers if "site" in kinds)
    return direct or tuple((name, False) for name, _ in info.containers)


class _Cut:
    """The places a list of the index loses in one edit, taken out in one pass (a step
    of a site's deletion at 100k took 300 disks of 68,000 out of the kind's list one
    ``del`` each: the list's tail moved 300 times, ~7 ms)."""

    __slots__ = ("groups", "members", "places", "target")

    def __init__(self, members: list[ElementBase], groups: GroupMap | None, target: str) -> None:
        self.members = members
        self.groups = groups
        self.target = target
        #: Each place's first index (in the list as it was) → how many to take from it
        #: (an element listed once per reference it holds to the same target).
        self.places: dict[int, int] = {}

    def note(self, place: int, element_id: str) -> None:
        self.places[place] = self.places.get(place, 0) + 1

    def apply(self) -> None:
        members, places = self.members, self.places
        if len(places) < 4:
            for place in sorted(places, reverse=True):
                del members[place : place + places[place]]
        else:
            kept: list[ElementBase] = []
            start = 0
            for place in sorted(places):
                kept += members[start:place]
                start = place + places[place]
            kept += members[start:]
            members[:] = kept
        if not members and self.groups is not None:
            del self.groups[self.target]


class _Join:
    """The elements a list of the index gains in one edit, put in their places in one
    pass once they all have their keys (a step of a site's undo at 100k put 300 disks
    into the kind's list of 68,000 one ``insort`` each: ~17 key calls and the list's
    tail moved, each)."""

    __slots__ = ("coming", "members")

    def __init__(self, members: list[ElementBase]) -> None:
        self.members = members
        self.coming: list[ElementBase] = []

    def apply(self, order: dict[str, float]) -> None:
        members = self.members
        coming = sorted(self.coming, key=lambda e: order[e.id])  # (stable: as insort)
        if len(coming) < 4:
            for element in coming:
                insort(members, element, key=lambda e: order[e.id])
            return
        joined: list[ElementBase] = []
        start = 0
        for element in coming:
            place = bisect_right(members, order[element.id], lo=start, key=lambda e: order[e.id])
            joined += members[start:place]
            joined.append(element)
            start = place
        joined += members[start:]
        members[:] = joined


def _join(joins: dict[int, _Join], members: list[ElementBase], element: ElementBase) -> None:
    join = joins.get(id(members))
    if join is None:
        join = joins[id(members)] = _Join(members)
    join.coming.append(element)


class LiveIndex:
    """The lookups of one design, updated in place by :meth:`apply` (the Document's)."""

    def __init__(self, design: Design, columns: Columns | None = None) -> None:
        """``columns``: what the structure check read of ``design``'s elements (a
        load's: :func:`designer.domain.structure.take_columns`); the index takes their
        dict by id and their elements by kind (else groups them by the kinds read) as
        its own, without reading every element again (~25 ms at 100,000)."""
        self.design = design
        self.revision = 0
        self.by_kind: dict[str, list[ElementBase]] = {}
        by_kind = self.by_kind
        if columns is not None and columns.by_kind is not None:
            self.by_id: dict[str, ElementBase] = columns.by_id
            self.by_kind = by_kind = columns.by_kind  # the check's groups, its own now
        elif columns is not None:
            self.by_id = columns.by_id
            for kind, element in zip(columns.kinds, columns.elements, strict=True):
                members = by_kind.get(kind)
                if members is None:
                    by_kind[kind] = [element]
                else:
                    members.append(element)
        else:
            self.by_id = {}
            by_id = self.by_id
            for element in design.elements:
                by_id[element.id] = element
                members = by_kind.get(element.kind)
                if members is None:
                    by_kind[element.kind] = [element]
                else:
                    members.append(element)
        # The rest is built on first use (a check needs none of it) and then kept current.
        self._order: dict[str, float] | None = None
        #: Every sort key, ascending: an element's position is the count of keys before its
        #: own (a SortedList: O(log n) inserts, removals and positions). Set with
        #: ``_order``, by :attr:`order` (or :meth:`prepare`), which every reader asks first.
        self._keys: SortedList
        self._names: dict[tuple[str, str], str] | None = None
        self._by_name: dict[str, list[str]] = {}
        self._refs: dict[str, dict[str, list[str]]] | None = None
        self._groups: dict[tuple[str, str], dict[str, list[ElementBase]]] = {}
        #: Per element class: the reverse relations its elements are in (each field's
        #: reader and groups): an edit of an element goes through these, not through
        #: every relation of every kind (see :meth:`_groups_of`).
        self._class_groups: dict[type, list[tuple[Callable[[Any], list[str]], GroupMap]]] = {}
        self._sites: dict[str, str | None] = {}
        self._first_cg: dict[str, str] | None = None
        #: What the last :meth:`follow` found changed: (elements added, elements removed,
        #: (old, new) pairs replaced); the live check re-runs per DAG what it can
        #: (:mod:`designer.rules.incremental`).
        self.followed: tuple[
            tuple[ElementBase, ...],
            tuple[ElementBase, ...],
            tuple[tuple[ElementBase, ElementBase], ...],
        ] = ((), (), ())

    @property
    def order(self) -> dict[str, float]:
        """Sort keys in design order: positions without renumbering on every insert."""
        if self._order is None:
            elements = self.design.elements
            self._order = {e.id: float(i) for i, e in enumerate(elements)}
            self._keys = _sort_keys(len(elements))
        return self._order

    @property
    def names(self) -> dict[tuple[str, str], str]:
        """(kind, name) → id of the first element so named."""
        if self._names is None:
            names: dict[tuple[str, str], str] = {}
            by_name: dict[str, list[str]] = {}
            for element in self.design.elements:
                names.setdefault((element.kind, element.name), element.id)
                by_name.setdefault(element.name, []).append(element.id)
            self._names, self._by_name = names, by_name
        return self._names

    @property
    def refs(self) -> dict[str, dict[str, list[str]]]:
        """Target id → referrer id → the paths of its references to the target."""
        if self._refs is None:
            self._refs = {}
            for element in self.design.elements:
                self._add_refs(element)
        return self._refs

    # -- built ahead of the first edit -----------------------------------------------------
    #: Elements looked at between two yields of :meth:`prepare` (at most) ...
    PREPARE_SLICE = 1000
    #: ... and the longest a slice runs before it yields, seconds (checked every 16
    #: elements: at 100k the last thousand elements, with fifty references each,
    #: took 100 ms where the first thousand took 2).
    PREPARE_SLICE_S = 0.002

    def prepare(self, groups: Iterable[tuple[str, str]] = ()) -> Iterator[None]:
        """Build what edits look up (positions, names, references and the reverse
        relations ``groups``) a slice at a time: a generator that yields after each
        slice, for a caller that runs it between events, so that neither the opening
        of a big design nor its first edit waits for them. Each lookup is built from
        the design as it stands when that lookup starts, and kept only if no edit came
        meanwhile (an edit that needs one first builds it at once, as it would have)."""
        if self._order is None:
            revision = self.revision
            order: dict[str, float] = {}
            yield from self._sliced(
                self.design.elements, lambda i, e: order.__setitem__(e.id, float(i)), revision
            )
            if self.revision == revision and self._order is None:
                self._order = order
                self._keys = _sort_keys(len(order))
        if self._names is None:
            revision = self.revision
            names: dict[tuple[str, str], str] = {}
            by_name: dict[str, list[str]] = {}

            def name(_i: int, e: ElementBase) -> None:
                names.setdefault((e.kind, e.name), e.id)
                by_name.setdefault(e.name, []).append(e.id)

            yield from self._sliced(self.design.elements, name, revision)
            if self.revision == revision and self._names is None:
                self._names, self._by_name = names, by_name
        if self._refs is None:
            revision = self.revision
            refs: dict[str, dict[str, list[str]]] = {}

            def refer(_i: int, e: ElementBase) -> None:
                for ref in iter_refs(e):
                    refs.setdefault(ref.target, {}).setdefault(e.id, []).append(ref.path)

            yield from self._sliced(self.design.elements, refer, revision)
            if self.revision == revision and self._refs is None:
                self._refs = refs
        for kind, field in groups:
            if (kind, field) in self._groups:
                continue
            revision = self.revision
            found: dict[str, list[ElementBase]] = {}

            def gather(
                _i: int,
                e: ElementBase,
                field: str = field,
                found: dict[str, list[ElementBase]] = found,
            ) -> None:
                for target in _targets(e, field):
                    found.setdefault(target, []).append(e)

            yield from self._sliced(list(self.by_kind.get(kind, ())), gather, revision)
            if self.revision == revision and (kind, field) not in self._groups:
                self._groups[kind, field] = found
                self._class_groups.clear()

    def _sliced(
        self, items: Iterable[Any], visit: Callable[[int, Any], None], revision: int
    ) -> Iterator[None]:
        """Visit ``items`` a slice at a time (:data:`PREPARE_SLICE` items or
        :data:`PREPARE_SLICE_S`, whichever comes first), yielding after each; stops
        early when an edit came (the index's revision is no longer ``revision``)."""
        clock = time.perf_counter
        count = 0
        until = clock() + self.PREPARE_SLICE_S
        for i, item in enumerate(items):
            if self.revision != revision:
                return
            visit(i, item)
            count += 1
            if count >= self.PREPARE_SLICE or (not count & 15 and clock() > until):
                yield
                count = 0
                until = clock() + self.PREPARE_SLICE_S

    # -- maintenance ----------------------------------------------------------------------
    def apply(
        self,
        design: Design,
        *,
        added: Sequence[tuple[int, ElementBase]] = (),
        removed: Iterable[ElementBase] = (),
        replaced: Iterable[tuple[ElementBase, ElementBase]] = (),
        refs_of: Mapping[str, list[RefSite]] | None = None,
    ) -> None:
        """Follow one edit that turned the indexed design into ``design``.

        ``added``: (position in ``design``, element), ascending; ``removed``: elements
        no longer there; ``replaced``: (old, new) pairs with the same id and kind.
        ``refs_of``: the references of added elements by id (``iter_refs``), where the
        caller has them already (the Document's check of an insertion walked them).
        """
        removed = list(removed)
        # A kind's list of members loses or gains many at once (a site's 8,600 disks of
        # 68,000 at 100k) in one pass, not by moving its tail once per element (0.2 s
        # of a site's deletion, 0.3 s of its undo); so do the lists of its reverse
        # relations (a site's 8,600 disks by VM and by LUN).
        leaving = _many_of_a_kind(removed, self.by_kind)
        emptied: dict[tuple[int, str], tuple[GroupMap, str, set[str]]] = {}
        many = bool(removed) and len(removed) * 16 > len(self.order)  # (keys made again)
        cuts: dict[int, _Cut] = {}  # the lists that lose elements: cut once each, below
        for element in removed:
            gone = leaving.get(element.kind)
            self._drop(element, gone is not None, many, cuts)
            if gone is not None:
                for read, groups in self._groups_of(element):
                    for target in read(element):
                        emptied[id(groups), target] = (groups, target, gone)
        for cut in cuts.values():
            cut.apply()
        # (Their keys kept until the lists are cut: the cuts' places were found by them.)
        order, keys = self.order, self._keys
        for element in removed:
            key = order.pop(element.id)
            if not many:
                keys.remove(key)
        if many:
            # Many gone: the sorted keys made again from those left (sorted in C), not
            # each removed from them (a site's 10,500 of 100,000: ~30 ms).
            self._keys = _sorted_keys(self.order.values())
        for kind, gone in leaving.items():
            members = self.by_kind.get(kind)
            if members is not None:
                _without(members, gone)
        for groups, target, gone in emptied.values():
            members = groups.get(target)
            if members is not None:
                _without(members, gone)
                if not members:
                    del groups[target]
        for old, new in replaced:
            self._replace(old, new)
        # Every element after an added one is indexed already unless it is added too: the
        # first indexed one after a run of added positions is past the run's end (found
        # once per run, not by a scan over the rest of the run per element: a paste or a
        # plan of 8,000 elements scanned 32 M of them).
        past = [0] * len(added)
        following = -1  # the position of the next added element
        for k in range(len(added) - 1, -1, -1):
            position = added[k][0]
            past[k] = past[k + 1] if position + 1 == following else position + 1
            following = position
        coming = _many_of_a_kind((e for _, e in added), self.by_kind)
        # Many added: the neighbours' keys are read from a plain list of the elements
        # (made in C), not through the persistent list's index per element.
        elements = list(design.elements) if len(added) > BULK_OF_A_KIND else design.elements
        rekey = bool(added) and len(added) * 16 > len(self.order)  # (as for a removal)
        joins: dict[int, _Join] | None = {} if len(added) > 1 else None
        for (position, element), scan_from in zip(added, past, strict=True):
            self._insert(
                elements,
                position,
                element,
                scan_from,
                element.kind in coming,
                refs_of.get(element.id) if refs_of is not None else None,
                rekey,
                joins,
            )
        order = self.order
        for join in (joins or {}).values():
            join.apply(order)
        if rekey:
            self._keys = _sorted_keys(order.values())
        grown: dict[int, list[ElementBase]] = {}
        for kind in coming:
            members = self.by_kind.setdefault(kind, [])
            members.extend(e for _, e in added if e.kind == kind)
            _sort_in_order(members, order)  # (two sorted runs: merged)
            for _, element in added:
                if element.kind == kind:
                    for read, groups in self._groups_of(element):
                        for target in read(element):
                            members = groups.get(target)
                            if members is None:
                                members = groups[target] = []
                            members.append(element)
                            grown[id(members)] = members
        for members in grown.values():
            _sort_in_order(members, order)
        self.design = design
        self.revision += 1
        if self._first_cg is not None and any(
            e.kind == "consistency_group"
            for e in (*(e for _, e in added), *removed, *(n for _, n in replaced))
        ):
            self._first_cg = None

    def follow(self, design: Design) -> bool:
        """Follow whatever turned the indexed design into ``design`` (another revision of
        it: elements are immutable, so one that is not the same object changed) by the
        elements that differ; False, leaving the index as it was, when more than
        :data:`REBUILD_FRACTION` of them differ or elements kept changed places or kinds
        (a new index is then the cheaper and the safe way). Two revisions of a
        :class:`~designer.domain.persistent.PersistentList` share every chunk an edit
        did not touch: only the others are gone through."""
        before = self.by_id
        get = before.get
        order = self.order.__getitem__
        elements = design.elements
        limit = max(100, int(len(elements) * REBUILD_FRACTION))
        old_list = self.design.elements
        from designer.domain.persistent import PersistentList  # the Document's lists

        if isinstance(elements, PersistentList) and isinstance(old_list, PersistentList):
            old_chunks = {id(c): c for c in old_list.chunks}  # alive: self.design holds them
            new_chunks = elements.chunks
        else:
            old_chunks, new_chunks = {}, (tuple(elements),)
        added: list[tuple[int, ElementBase]] = []
        replaced: list[tuple[ElementBase, ElementBase]] = []
        seen: set[str] = set()  # the ids in the chunks gone through
        shared: set[int] = set()
        last = float("-inf")
        position = 0
        for chunk in new_chunks:
            if not chunk:
                continue
            if id(chunk) in old_chunks:  # untouched: the same elements in the same order
                shared.add(id(chunk))
                first, final = order(chunk[0].id), order(chunk[-1].id)
                if first <= last:
                    return False
                last = final
                position += len(chunk)
                continue
            for element in chunk:
                seen.add(element.id)
                old = get(element.id)
                if old is None:
                    added.append((position, element))
                    if len(added) > limit:
                        return False
                else:
                    key = order(element.id)
                    if key <= last or old.kind != element.kind:
                        return False
                    last = key
                    if old is not element:
                        replaced.append((old, element))
                        if len(replaced) > limit:
                            return False
                position += 1
        removed = [
            element
            for cid, chunk in old_chunks.items()
            if cid not in shared
            for element in chunk
            if element.id not in seen
        ]
        if not old_chunks:  # not chunked: the elements no longer there
            removed = [e for i, e in before.items() if i not in seen]
        if len(removed) > limit:
            return False
        self.apply(design, added=added, removed=removed, replaced=replaced)
        self.followed = (tuple(e for _, e in added), tuple(removed), tuple(replaced))
        return True

    def _key_for(
        self,
        elements: Sequence[ElementBase],
        position: int,
        scan_from: int,
        keys_later: bool = False,
    ) -> float:
        """The sort key of the element added at ``position`` of ``elements`` (the
        design's): between its neighbours'. The one after it is the first indexed
        element from ``scan_from`` on (those between are added after it).
        ``keys_later``: the sorted keys are made again after this edit (see
        :meth:`apply`)."""
        before = self.order[elements[position - 1].id] if position > 0 else None
        after = None
        j = len(elements)
        for j in range(scan_from, len(elements)):
            after = self.order.get(elements[j].id)
            if after is not None:
                break
        if before is None:
            return (after - 1.0) if after is not None else 0.0
        if after is None:
            return before + 1.0
        # Its share of the gap, as the elements added after it into the same gap will
        # have theirs: halving the gap at each of a run's elements (a site's 12,000
        # restored by an undo) used the float's precision up every ~50, and each time
        # every element was numbered afresh and every group sorted again (0.2 s at 100k).
        middle = before + (after - before) / max(2, j - position + 1)
        if before < middle < after:
            return middle
        # Float precision is used up between these two: the keys round them are spread
        # out again, or if there is no room, everything is numbered afresh.
        if self._spread(elements, position, keys_later):
            return self._key_for(elements, position, scan_from, keys_later)
        order = self.order
        known = [e for e in elements if e.id in order]
        self._order = {e.id: float(i) for i, e in enumerate(known)}
        self._keys = _sort_keys(len(known))
        self._regroup()
        return self._key_for(elements, position, scan_from, keys_later)

    #: A key gap left between two neighbours after spreading (see :meth:`_spread`), as
    #: a share of the keys' size: room for ~30 halvings more.
    SPREAD_ROOM = 2.0**-22

    def _spread(self, elements: Sequence[ElementBase], position: int, keys_later: bool) -> bool:
        """Give the indexed elements round ``position`` of ``elements`` keys evenly
        spaced between the keys of the indexed elements just outside them, in the same
        order (so no list sorted by the keys moves), widening the stretch until the
        space between two is ample (the whole design at most: its ends are free);
        False if no element is indexed yet.

        A site's undo at 100k puts back each VM's disks in turn (since wave 29, see
        :func:`designer.document.steps.referrers_first_in_steps`), each into the gap
        the VM before left (the disks of a site's VMs alternate in a generated design):
        the same gap was halved past the float's precision, and numbering all 100,000
        keys afresh and sorting every group again took that step ~1 s under cProfile."""
        order = self.order
        size = len(elements)
        half = 32
        while True:
            half *= 4
            lo, hi = max(0, position - half), min(size, position + half)
            whole = lo == 0 and hi == size
            left = next(
                (k for j in range(lo - 1, -1, -1) if (k := order.get(elements[j].id)) is not None),
                None,
            )
            right = next(
                (k for j in range(hi, size) if (k := order.get(elements[j].id)) is not None),
                None,
            )
            members = [e.id for e in elements[lo:hi] if e.id in order]
            if not members:
                if whole:
                    return False
                continue
            count = len(members)
            if left is None:
                left = order[members[0]] - count - 1.0
            if right is None:
                right = order[members[-1]] + count + 1.0
            gap = (right - left) / (count + 1)
            if whole or gap > max(abs(left), abs(right), 1.0) * self.SPREAD_ROOM:
                break
        keys = self._keys
        for k, element_id in enumerate(members, 1):
            key = left + gap * k
            if not keys_later:
                keys.remove(order[element_id])
                keys.add(key)
            order[element_id] = key
        return True

    def _regroup(self) -> None:
        order = self.order
        for members in self.by_kind.values():
            _sort_in_order(members, order)
        for groups in self._groups.values():
            for members in groups.values():
                _sort_in_order(members, order)

    def _insert(
        self,
        elements: Sequence[ElementBase],
        position: int,
        element: ElementBase,
        scan_from: int,
        bulk: bool = False,
        refs: list[RefSite] | None = None,
        rekey: bool = False,
        joins: dict[int, _Join] | None = None,
    ) -> None:
        """``bulk``: the kind's list of members and its reverse relations gain it later;
        ``refs``: its references, when known; ``rekey``: the sorted keys are made again
        later (see :meth:`apply`); ``joins``: the lists that gain it take it in once the
        edit's elements all have their keys."""
        key = self._key_for(elements, position, scan_from, rekey)
        self.order[element.id] = key
        if not rekey:
            self._keys.add(key)
        self.by_id[element.id] = element
        self._name(element)
        if self._refs is not None:
            self._add_refs(element, refs)
        if bulk:
            return
        if joins is None:
            self._place(self.by_kind.setdefault(element.kind, []), element)
            self._group_add(element)
            return
        _join(joins, self.by_kind.setdefault(element.kind, []), element)
        for read, groups in self._groups_of(element):
            for target in read(element):
                _join(joins, groups.setdefault(target, []), element)

    def _drop(
        self,
        element: ElementBase,
        bulk: bool = False,
        keys: bool = False,
        cuts: dict[int, _Cut] | None = None,
    ) -> None:
        """``bulk``: the kind's list of members and its reverse relations lose it later;
        ``keys``: the sorted keys are made again later (see :meth:`apply`); ``cuts``:
        the lists that lose it are cut once all the edit's removals are noted, and its
        key goes after that (:meth:`apply` takes it)."""
        self._forget_site(element.id)
        if not bulk:
            if cuts is None:
                self._group_remove(element)
            else:
                for read, groups in self._groups_of(element):
                    for target in read(element):
                        members = groups.get(target)
                        if members is not None:
                            self._cut(cuts, members, element.id, groups, target)
        if self._refs is not None:
            self._remove_refs(element)
        self._unname(element)
        if not bulk:
            members = self.by_kind.get(element.kind, [])
            if cuts is None:
                del members[self._slot(members, element.id)]
            else:
                self._cut(cuts, members, element.id)
        if cuts is None:
            key = self.order.pop(element.id)
            if not keys:
                self._keys.remove(key)
        del self.by_id[element.id]

    def _replace(self, old: ElementBase, new: ElementBase) -> None:
        """What an element's fields changed: its references and reverse relations only
        when a field holding references changed (a rename: none), its name only when
        it changed; otherwise the new version takes the old one's places."""
        was, now = old.__dict__, new.__dict__
        if any(getattr(old, f) != getattr(new, f) for f, _ in _site_fields(old.kind)):
            self._forget_site(old.id)
        same_refs = all(was[f] == now[f] for f in ref_fields(type(old)))
        for read, groups in self._groups_of(old):
            before = read(old)
            after = read(new)
            if before == after:
                for target in dict.fromkeys(after):
                    self._swap(groups[target], old, new)
                continue
            kept, taken = set(before), set(after)
            if len(kept) == len(before) and len(taken) == len(after):
                # Each target named once (a database's copies, a DAG's members): the
                # lists of the targets it still names take the new version in place.
                for target in before:
                    if target in taken:
                        self._swap(groups[target], old, new)
                    else:
                        self._leave(groups, target, old)
                for target in after:
                    if target not in kept:
                        self._place(groups.setdefault(target, []), new)
                continue
            for target in before:
                self._leave(groups, target, old)
            for target in after:
                self._place(groups.setdefault(target, []), new)
        if self._refs is not None and not same_refs:
            self._remove_refs(old)
            self._add_refs(new)
        if was["name"] != now["name"]:
            self._unname(old)
            self._name(new)
        self._swap(self.by_kind[old.kind], old, new)
        self.by_id[new.id] = new

    def _swap(self, members: list[ElementBase], old: ElementBase, new: ElementBase) -> None:
        """Put ``new`` in ``old``'s places in ``members`` (in design order: every place
        of ``old``'s id, the same element listed once per reference it holds)."""
        at = self._slot(members, old.id)
        element_id = old.id
        while at < len(members) and members[at].id == element_id:
            members[at] = new
            at += 1

    def _groups_of(self, element: ElementBase) -> list[tuple[Callable[[Any], list[str]], GroupMap]]:
        """The reverse relations built for ``element``'s kind: (its field's reader,
        the groups)."""
        cls = type(element)
        found = self._class_groups.get(cls)
        if found is None:
            kind = element.kind
            found = self._class_groups[cls] = [
                (targets_reader(cls, field), groups)
                for (of_kind, field), groups in self._groups.items()
                if of_kind == kind
            ]
        return found

    def _slot(self, members: list[ElementBase], element_id: str) -> int:
        order = self.order
        return bisect_left(members, order[element_id], key=lambda e: order[e.id])

    def _place(self, members: list[ElementBase], element: ElementBase) -> None:
        order = self.order
        insort(members, element, key=lambda e: order[e.id])

    def _name(self, element: ElementBase) -> None:
        if self._names is not None:
            self._names.setdefault((element.kind, element.name), element.id)
            self._by_name.setdefault(element.name, []).append(element.id)

    def _unname(self, element: ElementBase) -> None:
        if self._names is None:
            return
        if self._names.get((element.kind, element.name)) == element.id:
            del self._names[element.kind, element.name]
        same = self._by_name.get(element.name, [])
        if element.id in same:
            same.remove(element.id)
            if not same:
                del self._by_name[element.name]

    def _add_refs(self, element: ElementBase, found: list[RefSite] | None = None) -> None:
        """``found``: the element's references (``iter_refs``) when known."""
        refs = self._refs
        assert refs is not None
        element_id = element.id
        for path, target, _ in iter_refs(element) if found is None else found:
            by_target = refs.get(target)
            if by_target is None:
                refs[target] = {element_id: [path]}
            else:
                paths = by_target.get(element_id)
                if paths is None:
                    by_target[element_id] = [path]
                else:
                    paths.append(path)

    def _remove_refs(self, element: ElementBase) -> None:
        # The targets alone (no paths: half the walk's cost).
        refs = self._refs
        assert refs is not None
        element_id = element.id
        for target in ref_ids(element):
            by_target = refs.get(target)
            if by_target is not None:
                by_target.pop(element_id, None)
                if not by_target:
                    del refs[target]

    # -- reverse relations by field ----------------------------------------------------------
    def group(self, kind: str, field: str) -> dict[str, list[ElementBase]]:
        groups = self._groups.get((kind, field))
        if groups is None:
            groups = {}
            # A field of one id or None is read from the element's fields as they are
            # (its ``__dict__``), not through the reader and the model's attribute hook:
            # 16,000 databases by DAG took ~11 ms at 100k, ~3 this way (the Databases
            # panel's first fill after opening); 68,000 disks by VM ~37 and ~12.
            cls = ELEMENT_CLASSES.get(kind)
            one = cls if cls is not None and holds_one_reference(cls, field) else None
            for element in self.by_kind.get(kind, ()):
                if type(element) is one:
                    target = element.__dict__[field]
                    if target is not None:
                        found = groups.get(target)
                        if found is None:
                            groups[target] = [element]
                        else:
                            found.append(element)
                    continue
                for target in _targets(element, field):
                    groups.setdefault(target, []).append(element)
            self._groups[kind, field] = groups
            self._class_groups.clear()
        return groups

    def _group_add(self, element: ElementBase) -> None:
        for read, groups in self._groups_of(element):
            for target in read(element):
                self._place(groups.setdefault(target, []), element)

    def _cut(
        self,
        cuts: dict[int, _Cut],
        members: list[ElementBase],
        element_id: str,
        groups: GroupMap | None = None,
        target: str = "",
    ) -> None:
        """Note that ``members`` (``groups[target]``'s, if given) loses one place of
        ``element_id`` (found now, while its key is known)."""
        cut = cuts.get(id(members))
        if cut is None:
            cut = cuts[id(members)] = _Cut(members, groups, target)
        cut.note(self._slot(members, element_id), element_id)

    def _group_remove(self, element: ElementBase) -> None:
        for read, groups in self._groups_of(element):
            for target in read(element):
                self._leave(groups, target, element)

    def _leave(self, groups: GroupMap, target: str, element: ElementBase) -> None:
        """Take ``element`` out of the elements naming ``target`` (once)."""
        members = groups.get(target)
        if members is None:
            return
        del members[self._slot(members, element.id)]
        if not members:
            del groups[target]

    # -- placement ---------------------------------------------------------------------------
    def site_of(self, element_id: str) -> str | None:
        sites = self._sites
        if element_id in sites:
            return sites[element_id]
        element = self.by_id.get(element_id)
        found: str | None = None
        if element is not None:
            if element.kind == "site":
                found = element.id
            else:
                for name, direct in _site_fields(element.kind):
                    value = getattr(element, name)
                    if value:
                        found = value if direct else self.site_of(value)
                        break
        sites[element_id] = found
        return found

    def _forget_site(self, element_id: str) -> None:
        """Forget where ``element_id`` and what lives through it are (it moved)."""
        if self._sites.pop(element_id, "?") == "?":
            return  # never asked: nor was anything placed through it
        if self._refs is None:
            # Who lives through it is not indexed (a worker's index, or before the
            # references are prepared): forget every placement rather than build them.
            self._sites.clear()
            return
        for referrer, paths in self.refs.get(element_id, {}).items():
            element = self.by_id.get(referrer)
            if element is not None and any(
                p == name for name, _ in _site_fields(element.kind) for p in paths
            ):
                self._forget_site(referrer)

    def first_consistency_group(self) -> dict[str, str]:
        if self._first_cg is None:
            groups = self.group("consistency_group", "mirrors")
            self._first_cg = {mirror: cgs[0].id for mirror, cgs in groups.items()}
        return self._first_cg


def _targets(element: ElementBase, field: str) -> list[str]:
    return targets_reader(type(element), field)(element)


class DesignIndex:
    """Read-only lookups over one :class:`Design` (see the module for the whole API).

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost, Site, VirtualMachine
    >>> index = DesignIndex(Design(elements=[
    ...     Site(id="s1", name="Boston"), EsxiHost(id="h1", name="esx01", site="s1"),
    ...     VirtualMachine(id="vm1", name="mbx01", host="h1")]))
    >>> index.resolve("Boston").id, index.site_of("vm1"), [v.id for v in index.vms_on_host["h1"]]
    ('s1', 's1', ['vm1'])
    """

    __slots__ = ("__weakref__", "_live", "design")

    def __init__(self, design: Design) -> None:
        self._live = LiveIndex(design)
        self.design = design

    @classmethod
    def of_live(cls, live: LiveIndex) -> DesignIndex:
        """The index of ``live`` as it is now (valid until its next :meth:`LiveIndex.apply`)."""
        index = cls.__new__(cls)
        index._live = live
        index.design = live.design
        return index

    # -- elements --------------------------------------------------------------------------
    @property
    def by_id(self) -> Mapping[str, ElementBase]:
        return self._live.by_id

    @property
    def by_kind(self) -> Mapping[str, list[ElementBase]]:
        """Elements per kind, in design order."""
        return self._live.by_kind

    def get(self, element_id: str | None) -> ElementBase | None:
        return None if element_id is None else self._live.by_id.get(element_id)

    def of(self, kind: str, cls: type[E]) -> list[E]:
        """The elements of ``kind`` (typed as ``cls``), in design order."""
        return self._live.by_kind.get(kind, [])  # type: ignore[return-value]

    def typed(self, element_id: str | None, cls: type[E]) -> E | None:
        element = self.get(element_id)
        return element if isinstance(element, cls) else None

    def named(self, kind: str, name: str) -> str | None:
        """The id of the element of ``kind`` called ``name`` (names are unique per kind)."""
        return self._live.names.get((kind, name))

    def position_of(self, element_id: str) -> int:
        """Where the element stands in ``design.elements`` (``KeyError`` if absent)."""
        live = self._live
        key = live.order[element_id]
        return int(live._keys.bisect_left(key))

    def resolve(self, key: str) -> ElementBase:
        """The element whose id, or else whose unique name, is ``key``."""
        live = self._live
        if key in live.by_id:
            return live.by_id[key]
        _ = live.names
        matches = [live.by_id[i] for i in live._by_name.get(key, ())]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            matches.sort(key=lambda e: live.order[e.id])
            kinds = ", ".join(f"{m.label} {m.id}" for m in matches)
            raise UnknownElementError(f"name {key!r} is ambiguous ({kinds}); use the id")
        raise UnknownElementError(
            f"no element has the id or name {key!r}{_did_you_mean(key, live._by_name)}"
        )

    # -- references ------------------------------------------------------------------------
    def referring(self, element_id: str) -> Collection[str]:
        """Ids of the elements that refer to ``element_id``, in no particular order:
        :meth:`referrer_ids` without sorting them into design order, for a caller to
        whom the order does not matter (a removal's plan asks ~30,000 times at 100k)."""
        found = self._live.refs.get(element_id)
        return found.keys() if found else ()

    def in_design_order(self, ids: Iterable[str]) -> list[str]:
        """``ids`` (of elements of the design) sorted into design order."""
        return sorted(ids, key=self._live.order.__getitem__)

    def referrer_ids(self, element_id: str) -> list[str]:
        """Ids of the elements that refer to ``element_id``, in design order."""
        live = self._live
        found = live.refs.get(element_id)
        if not found:
            return []
        return sorted(found, key=live.order.__getitem__)

    def referrers_of(self, element_id: str) -> list[tuple[ElementBase, str]]:
        """(element, field path) of every reference to ``element_id``, in design order."""
        live = self._live
        found = live.refs.get(element_id, {})
        return [(live.by_id[i], path) for i in self.referrer_ids(element_id) for path in found[i]]

    def group(self, kind: str, field: str) -> Mapping[str, list[ElementBase]]:
        """The elements of ``kind`` per id their ``field`` names (design order)."""
        return self._live.group(kind, field)

    @property
    def vms_on_host(self) -> Mapping[str, list[Any]]:
        return self._live.group("vm", "host")

    @property
    def hosts_in_cluster(self) -> Mapping[str, list[Any]]:
        return self._live.group("esxi_host", "cluster")

    @property
    def disks_of_vm(self) -> Mapping[str, list[Any]]:
        return self._live.group("virtual_disk", "vm")

    @property
    def disks_on_lun(self) -> Mapping[str, list[Any]]:
        return self._live.group("virtual_disk", "lun")

    @property
    def luns_of_array(self) -> Mapping[str, list[Any]]:
        return self._live.group("lun", "array")

    @property
    def mirrors_from_lun(self) -> Mapping[str, list[Any]]:
        return self._live.group("mirror", "source_lun")

    @property
    def mirrors_to_lun(self) -> Mapping[str, list[Any]]:
        return self._live.group("mirror", "target_lun")

    @property
    def databases_of_dag(self) -> Mapping[str, list[Any]]:
        return self._live.group("mailbox_database", "dag")

    @property
    def consistency_group_of_mirror(self) -> Mapping[str, str]:
        """For each mirror, the first consistency group (in design order) listing it."""
        return self._live.first_consistency_group()

    # -- placement -------------------------------------------------------------------------
    def site_of(self, element_id: str | None) -> str | None:
        """The site an element lives in (None for links, DAGs and other spanning kinds)."""
        return self._live.site_of(element_id) if element_id else None

    def array_of_lun(self, lun_id: str | None) -> StorageArray | None:
        lun = self.typed(lun_id, Lun)
        return self.typed(lun.array, StorageArray) if lun else None


def _did_you_mean(key: str, names: Iterable[str]) -> str:
    """ "; did you mean 'Boston'?" naming the names closest to ``key`` (a typo on the
    command line: ``--fail Bostn``, eyes30), three at most, in order; else "".

    Examples
    --------
    >>> _did_you_mean("Bostn", ["Boston", "Worcester"]), _did_you_mean("XYZ", ["Boston"])
    ("; did you mean 'Boston'?", '')
    >>> _did_you_mean("DC0l", [f"DC0{n}" for n in range(1, 9)])
    "; did you mean 'DC01', 'DC02' or 'DC03'?"
    """
    if len(key) > 200:  # quoted at most 200 characters anyway: no guess
        return ""
    import difflib  # only on this error's way: not in every command's start-up

    close = difflib.get_close_matches(key, list(names), n=20, cutoff=0.7)
    if not close:
        return ""
    score = {name: difflib.SequenceMatcher(None, key, name).ratio() for name in close}
    best = max(score.values())
    named = [repr(name) for name in sorted(n for n in close if score[n] == best)[:3]]
    said = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    return f"; did you mean {said}?"
