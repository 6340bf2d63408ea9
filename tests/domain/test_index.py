"""The Document's index follows every edit in place and always equals an index built
afresh from the design (lookups, reverse relations, sites, positions, referrers)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.document import (  # noqa: E402
    AddElements,
    Command,
    Document,
    EditError,
    MoveElements,
    RemoveElements,
    SetProperty,
    UndoStack,
)
from designer.document.factory import new_element  # noqa: E402
from designer.document.gestures import plan_reparent  # noqa: E402
from designer.domain import Design, DesignIndex, structure  # noqa: E402
from designer.domain.design import LayoutEntry  # noqa: E402
from designer.domain.index import LOOKUPS, LiveIndex  # noqa: E402
from designer.domain.kinds import KINDS  # noqa: E402
from designer.domain.persistent import PersistentMap  # noqa: E402
from designer.domain.structure import checked_columns  # noqa: E402
from designer.persistence import LoadError, dumps, loads  # noqa: E402


@cache
def _design() -> Design:
    return generate_design(240, seed=3)


def _snapshot(index: DesignIndex, design: Design) -> dict[str, object]:
    ids = [e.id for e in design.elements]
    return {
        "kinds": {k: [e.id for e in index.of(k, object)] for k in KINDS},
        "lookups": {
            name: {t: [e.id for e in es] for t, es in getattr(index, name).items() if es}
            for name in LOOKUPS
        },
        "cg": dict(index.consistency_group_of_mirror),
        "sites": {i: index.site_of(i) for i in ids},
        "positions": {i: index.position_of(i) for i in ids},
        "referrers": {i: index.referrers_of(i) for i in ids},
        "names": {(e.kind, e.name): index.named(e.kind, e.name) for e in design.elements},
        "by_id": dict(index.by_id),
    }


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["add_vm", "remove", "rename", "reparent", "dag", "undo", "redo"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=25, deadline=None)
@given(_OPS)
def test_the_live_index_equals_a_fresh_one_after_any_edits(ops) -> None:  # type: ignore[no-untyped-def]
    doc = Document(_design())
    stack = UndoStack(doc)
    # Touch every lookup first, so each one is kept current rather than built late.
    _snapshot(doc.index, doc.design)
    for op, a, b in ops:
        elements = doc.design.elements
        pick = elements[a % len(elements)]
        index = doc.index
        try:
            if op == "add_vm":
                hosts = index.of("esxi_host", object)
                host = hosts[a % len(hosts)]
                stack.push(AddElements([new_element("vm", index, host.id)]))  # type: ignore[attr-defined]
            elif op == "remove":
                stack.push(RemoveElements([pick.id]))
            elif op == "rename":
                stack.push(SetProperty(pick.id, "name", f"{pick.name} {b}"))
            elif op == "reparent":
                boxes = [e for e in elements if e.kind in KINDS[pick.kind].allowed_containers]
                if boxes:
                    plan = plan_reparent(doc, pick.id, boxes[b % len(boxes)].id)
                    if isinstance(plan, Command):
                        stack.push(plan)
            elif op == "dag" and pick.kind == "mailbox_database" and index.of("dag", object):
                dag = index.of("dag", object)[b % 7 % len(index.of("dag", object))]
                stack.push(SetProperty(pick.id, "dag", dag.id if b % 3 else None))  # type: ignore[attr-defined]
            elif op == "undo" and stack.can_undo:
                stack.undo()
            elif op == "redo" and stack.index < len(stack.commands):
                stack.redo()
        except EditError:
            pass
        assert _snapshot(doc.index, doc.design) == _snapshot(DesignIndex(doc.design), doc.design)


def test_an_index_view_is_new_after_each_edit_and_the_same_between() -> None:
    doc = Document(_design())
    first = doc.index
    assert doc.index is first
    vm = doc.index.of("vm", object)[0]
    UndoStack(doc).push(SetProperty(vm.id, "vcpu", 8))  # type: ignore[attr-defined]
    assert doc.index is not first
    assert doc.index.get(vm.id).vcpu == 8  # type: ignore[attr-defined, union-attr]


@settings(max_examples=15, deadline=None)
@given(_OPS, st.integers(min_value=0, max_value=400))
def test_lookups_built_ahead_in_slices_equal_a_fresh_index(ops, stop) -> None:  # type: ignore[no-untyped-def]
    """Document.preparing_edits builds the lookups a slice at a time; an edit coming
    between two slices leaves the lookup it interrupted unbuilt (built late, at once,
    when asked), never a stale one: the index then still equals a fresh one."""
    doc = Document(_design())
    stack = UndoStack(doc)
    live = doc._live
    live_slice = live.PREPARE_SLICE
    try:
        type(live).PREPARE_SLICE = 7  # many slices on a small design
        steps = doc.preparing_edits()
        for _ in range(stop):  # part of the way (or all of it)
            if next(steps, StopIteration) is StopIteration:
                break
        for op, a, b in ops:
            elements = doc.design.elements
            pick = elements[a % len(elements)]
            try:
                if op == "add_vm":
                    hosts = doc.index.of("esxi_host", object)
                    host = hosts[a % len(hosts)]
                    stack.push(AddElements([new_element("vm", doc.index, host.id)]))  # type: ignore[attr-defined]
                elif op in ("remove", "reparent"):
                    stack.push(RemoveElements([pick.id]))
                elif op in ("rename", "dag"):
                    stack.push(SetProperty(pick.id, "name", f"{pick.name} {b}"))
                elif op == "undo" and stack.can_undo:
                    stack.undo()
                elif op == "redo" and stack.index < len(stack.commands):
                    stack.redo()
            except EditError:
                pass
            next(steps, None)  # a slice between edits
        for _ in steps:  # the rest
            pass
    finally:
        type(live).PREPARE_SLICE = live_slice
    assert _snapshot(doc.index, doc.design) == _snapshot(DesignIndex(doc.design), doc.design)


def test_lookups_built_ahead_are_those_edits_use() -> None:
    doc = Document(_design())
    live = doc._live
    assert live._names is None and live._refs is None and live._order is None
    for _ in doc.preparing_edits():
        pass
    assert live._names is not None and live._refs is not None and live._order is not None
    assert ("virtual_disk", "vm") in live._groups and ("mailbox_database", "dag") in live._groups
    assert _snapshot(doc.index, doc.design) == _snapshot(DesignIndex(doc.design), doc.design)


def test_the_layout_read_from_a_file_is_built_ahead_or_by_the_first_edit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A design read from its file has a dict of layout entries: the Document answers
    from it and builds its trie in the slices ahead of edits, or at the first edit
    that changes the layout if that comes first (part of the way, or before any):
    each way the same layout, in the same order, as the trie built at once."""
    monkeypatch.setattr(PersistentMap, "PREPARE_CHUNK", 50)  # a few slices, then the index's
    design = generate_design(240, seed=3)
    assert type(design.layout) is dict and len(design.layout) > 100
    box = next(iter(design.layout))
    moved = design.layout[box].model_copy(update={"x": design.layout[box].x + 40})
    results = []
    for slices in (0, 1, 2, None):
        doc = Document(design)
        assert not doc._layout.built and doc.layout_of(box) == design.layout[box]
        steps = doc.preparing_edits()
        for _ in zip(range(slices if slices is not None else 10**9), steps, strict=False):
            pass  # part of the way, or all of it
        assert doc._layout.built == (slices is None)  # the edit comes first, or after
        UndoStack(doc).push(MoveElements({box: moved}))
        assert doc._layout.built and doc.layout_of(box) == moved
        for _ in steps:
            pass
        results.append(list(doc.design.layout.items()))
    expected = list(PersistentMap(design.layout).set(box, moved).items())
    assert all(result == expected for result in results)


def _same_index(doc: Document) -> None:
    """The Document's index equals one built afresh from its design, element for element."""
    fresh = LiveIndex(doc.design)
    live = doc._live
    assert list(live.by_id.items()) == list(fresh.by_id.items())
    assert all(a is b for a, b in zip(live.by_id.values(), fresh.by_id.values(), strict=True))
    assert list(live.by_kind) == list(fresh.by_kind)
    for kind, members in fresh.by_kind.items():
        assert live.by_kind[kind] == members
        assert all(a is b for a, b in zip(live.by_kind[kind], members, strict=True))
    assert _snapshot(doc.index, doc.design) == _snapshot(DesignIndex(doc.design), doc.design)


def test_the_document_of_a_design_just_loaded_starts_its_index_from_the_check() -> None:
    """The loader keeps what its structure check read (each element by id, the kinds in
    order); the Document that opens that design next takes it, once, as its index's
    start: the same index as one built by reading every element again. Another
    design's Document, a second Document of the same design, or a design that broke
    an invariant find nothing kept."""
    raw = dumps(generate_design(300, seed=4)).encode()  # as a file gives it
    design = loads(raw)
    kept = structure._KEPT[-1]
    assert kept.elements is design.elements
    doc = Document(design)
    assert doc._live.by_id is kept.by_id  # taken, not built again
    assert not structure._KEPT
    _same_index(doc)
    UndoStack(doc).push(RemoveElements([design.elements[7].id]))  # and it follows edits
    _same_index(doc)

    again = Document(design)  # nothing kept any more: built by reading the elements
    assert again._live.by_id is not kept.by_id
    _same_index(again)

    other = loads(dumps(generate_design(200, seed=5)))
    first = loads(raw)  # kept last: this one's columns
    mixed = Document(other)  # another design: the kept columns are not its, dropped
    assert mixed._live.by_id is not structure._KEPT and not structure._KEPT
    _same_index(mixed)
    late = Document(first)
    _same_index(late)

    with pytest.raises(LoadError):
        loads(raw.replace(b'"host": "', b'"host": "gone-', 1))
    assert not structure._KEPT


def test_columns_are_given_only_by_a_check_that_finds_nothing() -> None:
    design = generate_design(200, seed=6)
    errors, columns = checked_columns(design)
    assert errors == [] and columns is not None
    assert columns.elements is design.elements and columns.kinds == [
        e.kind for e in design.elements
    ]
    assert columns.by_id == {e.id: e for e in design.elements}
    twin = design.elements[3].model_copy(update={"id": design.elements[4].id})
    broken = design.model_copy(
        update={"elements": [*design.elements[:3], twin, *design.elements[4:]]}
    )
    assert checked_columns(broken)[0] and checked_columns(broken)[1] is None
    vm = next(i for i, e in enumerate(design.elements) if e.kind == "vm")
    lost = design.elements[vm].model_copy(update={"host": "gone"})
    dangling = design.model_copy(
        update={"elements": [*design.elements[:vm], lost, *design.elements[vm + 1 :]]}
    )
    assert checked_columns(dangling)[0] and checked_columns(dangling)[1] is None
    stray = design.model_copy(update={"layout": {**design.layout, "nowhere": LayoutEntry()}})
    assert checked_columns(stray)[0] and checked_columns(stray)[1] is None


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 239), st.integers(1, 60)), min_size=1, max_size=5))
def test_runs_of_added_elements_take_the_keys_and_places_a_fresh_index_gives(runs) -> None:  # type: ignore[no-untyped-def]
    """Elements added together (a paste, a plan of copies: runs of neighbouring
    positions, at the start, inside, at the end) are indexed as a fresh index of the
    design indexes them, each one's key between its neighbours' (the one after a run is
    found once per run, not scanned for per element: 8,000 added disks took 20 s)."""
    full = _design()
    held = {p for start, length in runs for p in range(start, min(start + length, 240))}
    kept = [e for i, e in enumerate(full.elements) if i not in held]
    live = LiveIndex(full.model_copy(update={"elements": kept}))
    _snapshot(DesignIndex.of_live(live), live.design)  # every lookup made, then kept current
    live.apply(full, added=[(i, e) for i, e in enumerate(full.elements) if i in held])
    after, fresh = _snapshot(DesignIndex.of_live(live), full), _snapshot(DesignIndex(full), full)
    # The design without the runs lacks some elements' boxes (no edit makes one): the
    # sites read from it before are not the question here.
    del after["sites"], fresh["sites"]
    assert after == fresh
    keys = [live.order[e.id] for e in full.elements]
    assert keys == sorted(set(keys))  # ascending in design order, no two alike
