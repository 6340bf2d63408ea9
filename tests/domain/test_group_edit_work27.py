"""A group edit's model work per element (wave 27, issue 10): a site's deletion at 100k
edits ~4,000 survivors and removes ~10,500 elements, so what the Document, its index
and the removal's plan do per element is counted here (walks of an element's
references, sorts, list rebuilds), not timed; and what they give is the same as the
generic ways they replace (the index equals one built afresh after every step, a
survivor's fix equals the dump-and-walk fix)."""

from __future__ import annotations

import random
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.document import Document, RemoveElements, UndoStack  # noqa: E402
from designer.document import commands as commands_module  # noqa: E402
from designer.document import document as document_module  # noqa: E402
from designer.document.renaming import NameQuery, plan_renames  # noqa: E402
from designer.domain import Design  # noqa: E402
from designer.domain import index as index_module  # noqa: E402
from designer.domain import refs as refs_module  # noqa: E402
from designer.domain.index import DesignIndex, LiveIndex  # noqa: E402
from designer.domain.persistent import PersistentList  # noqa: E402
from designer.domain.refs import _ref_fields, _ref_of, drop_refs, iter_refs  # noqa: E402
from designer.persistence import load  # noqa: E402

SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


@cache
def _designs() -> list[tuple[str, Design]]:
    return [(p.stem, load(p)) for p in SAMPLES] + [("generated", generate_design(600, seed=5))]


@cache
def _big() -> Design:
    return generate_design(1500, seed=2)


def _prepared(design: Design) -> Document:
    """A Document with every lookup an edit uses built, as the window's idle time
    builds them after opening."""
    doc = Document(design)
    for _ in doc.preparing_edits():
        pass
    return doc


# -- the survivor's fix ----------------------------------------------------------------------


class _Dead(Exception):
    pass


def _dump_and_walk(element: Any, doomed: set[str]) -> dict[str, Any] | None:
    """``drop_refs`` as it was until wave 27: the element dumped, every reference field
    walked by its annotation (the oracle)."""

    def fix(value: Any, annotation: Any, optional: bool) -> Any:
        if value is None:
            return None
        if _ref_of(annotation) is not None:
            if value in doomed:
                if optional:
                    return None
                raise _Dead
            return value
        origin = get_origin(annotation)
        if origin is not None and origin.__name__ == "Annotated":  # pragma: no cover
            return fix(value, get_args(annotation)[0], optional)
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            return fix(value, args[0], optional or len(args) < len(get_args(annotation)))
        if origin is list:
            (item_ann,) = get_args(annotation)
            kept = []
            for item in value:
                try:
                    kept.append(fix(item, item_ann, False))
                except _Dead:
                    continue
            return kept
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            hints = dict(_ref_fields(annotation))
            return {k: fix(v, hints[k], False) if k in hints else v for k, v in value.items()}
        return value

    data = element.model_dump()
    try:
        for name, ann in _ref_fields(type(element)):
            data[name] = fix(data[name], ann, False)
    except _Dead:
        return None
    return data


@pytest.mark.parametrize("name, design", _designs(), ids=[n for n, _ in _designs()])
def test_a_survivors_fix_is_the_dump_and_walk_fix(name: str, design: Design) -> None:
    """Each element losing one, several or all of its targets: ``drop_refs`` (read from
    the element's fields, unchanged nested models kept as they are) validates to the
    element the dump-and-walk fix gives, and gives None exactly when it does."""
    rng = random.Random(7)
    tried = 0
    for element in design.elements:
        targets = [r.target for r in iter_refs(element)]
        if not targets:
            continue
        cases = [{t} for t in targets] + [set(targets), set(rng.sample(targets, len(targets) // 2))]
        for doomed in cases:
            expected = _dump_and_walk(element, doomed)
            found = drop_refs(element, doomed)
            assert (found is None) == (expected is None), (element.id, doomed)
            if found is not None:
                cls = type(element)
                assert cls.model_validate(found) == cls.model_validate(expected), element.id
            tried += 1
    assert tried > 20


# -- the index after group edits -------------------------------------------------------------


def _same_as_fresh(doc: Document) -> None:
    """Every lookup the Document's index keeps (reverse relations of every field it
    built, references with their paths, names, kinds' lists) equals a fresh index's."""
    live: LiveIndex = doc._live
    fresh = LiveIndex(doc.design)
    assert live.by_id.keys() == fresh.by_id.keys()
    assert all(live.by_id[i] is e for i, e in fresh.by_id.items())
    for kind, members in fresh.by_kind.items():
        assert [e.id for e in live.by_kind.get(kind, ())] == [e.id for e in members], kind
        assert all(a is b for a, b in zip(live.by_kind[kind], members, strict=True))
    assert sorted(k for k, v in live.by_kind.items() if v) == sorted(fresh.by_kind)
    for (kind, field), groups in live._groups.items():
        want = fresh.group(kind, field)
        assert {t: [e.id for e in es] for t, es in groups.items()} == {
            t: [e.id for e in es] for t, es in want.items()
        }, (kind, field)
        for target, members in groups.items():
            assert all(a is b for a, b in zip(members, want[target], strict=True))
    assert live.refs == fresh.refs
    assert live.names == fresh.names
    assert {n: sorted(i) for n, i in live._by_name.items()} == {
        n: sorted(i) for n, i in fresh._by_name.items()
    }
    view = DesignIndex.of_live(live)
    assert [view.position_of(e.id) for e in doc.design.elements] == list(
        range(len(doc.design.elements))
    )


@pytest.mark.parametrize("bulk", [64, 2])
def test_the_index_after_group_edits_equals_a_fresh_one(bulk: int, monkeypatch: Any) -> None:
    """A site, a DAG, fifty VMs and a host deleted, each undone and redone, a site's
    name replaced in every name and undone: after each, the index equals a fresh one
    (``bulk`` 2: every kind's removed or added elements leave and join their lists in
    one pass)."""
    monkeypatch.setattr(index_module, "BULK_OF_A_KIND", bulk)
    doc = _prepared(_big())
    stack = UndoStack(doc)
    elements = doc.design.elements
    site = next(e for e in elements if e.kind == "site")
    dag = next(e for e in elements if e.kind == "dag")
    host = next(e for e in elements if e.kind == "esxi_host")
    vms = [e.id for e in elements if e.kind == "vm"]
    edits: list[Callable[[], object]] = [
        lambda: stack.push(RemoveElements([site.id])),
        lambda: stack.push(RemoveElements([dag.id])),
        lambda: stack.push(RemoveElements(vms[:: max(1, len(vms) // 50)][:50])),
        lambda: stack.push(RemoveElements([host.id])),
        lambda: stack.push(
            plan_renames(doc, NameQuery(site.name, site.name + "R")).command()  # type: ignore[arg-type]
        ),
    ]
    for edit in edits:
        before = list(doc.design.elements)
        edit()
        _same_as_fresh(doc)
        stack.undo()
        _same_as_fresh(doc)
        assert list(doc.design.elements) == before
        stack.redo()
        _same_as_fresh(doc)
        stack.undo()


def test_a_stepped_removal_and_undo_keep_a_kinds_list_in_place(monkeypatch: Any) -> None:
    """A site's deletion and its undo in steps of a few elements (the window's way at
    100k): each step's elements leave and join their kind's list (and its reverse
    relations) in their places, not by the list made again (wave 28: a step restoring
    300 of 68,000 disks sorted them all, ~30 ms a step); the index equals a fresh one
    after every step."""
    from designer.document.steps import Pace

    monkeypatch.setattr(index_module, "BULK_OF_A_KIND", 2)  # (a step of 8 is "many")
    calls: dict[str, list[int]] = {"sort": [], "without": []}

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def run(members: list[Any], *args: Any) -> Any:
            calls[name].append(len(members))
            return real(members, *args)

        return run

    monkeypatch.setattr(
        index_module, "_sort_in_order", counted("sort", index_module._sort_in_order)
    )
    monkeypatch.setattr(index_module, "_without", counted("without", index_module._without))
    design = _big()
    doc = _prepared(design)
    site = next(e for e in doc.design.elements if e.kind == "site")
    command = RemoveElements([site.id])
    for _ in command.redo_steps(doc, Pace(size=8)):
        _same_as_fresh(doc)
    for _ in command.undo_steps(doc, Pace(size=8)):
        _same_as_fresh(doc)
    assert list(doc.design.elements) == list(design.elements)
    # A list made again only when a step's elements are more than one in 32 of it.
    most = 32 * 8 + 8
    assert max(calls["sort"], default=0) <= most, sorted(calls["sort"])[-5:]
    assert max(calls["without"], default=0) <= most, sorted(calls["without"])[-5:]


# -- counted work --------------------------------------------------------------------------


@contextmanager
def _walks(monkeypatch: Any) -> Iterator[dict[str, list[str]]]:
    """The walks of an element's references by the Document, its index and the
    removal's commands, by walker: the ids of the elements walked."""
    walked: dict[str, list[str]] = {}

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def walk(element: Any, *args: Any) -> Any:
            walked.setdefault(name, []).append(element.id)
            return real(element, *args)

        return walk

    for module in (index_module, document_module, commands_module):
        for name in ("iter_refs", "iter_refs_in", "ref_targets"):
            real = getattr(module, name, None)
            if real is not None:
                monkeypatch.setattr(module, name, counting(name, real))
    yield walked


def test_an_undone_removal_walks_each_element_put_back_once(monkeypatch: Any) -> None:
    """Ctrl+Z of a site's deletion puts ~1/4 of the design back: the check of each
    element put back and the index's references share one walk of it (they walked it
    twice: 21,000 walks of 10,500 elements at 100k)."""
    doc = _prepared(_big())
    stack = UndoStack(doc)
    site = next(e for e in doc.design.elements if e.kind == "site")
    stack.push(RemoveElements([site.id]))
    command = stack.commands[-1]
    assert isinstance(command, RemoveElements)
    back = [e.id for part in command._parts for _, e, _ in part]
    assert len(back) > 200
    with _walks(monkeypatch) as walked:
        stack.undo()
    full = walked.get("iter_refs", [])
    assert max(full.count(i) for i in back) == 1, "one walk with paths per element put back"
    assert sum(full.count(i) for i in back) == len(back)


def test_a_rename_of_many_walks_no_reference(monkeypatch: Any) -> None:
    """Edit > Replace in Names changes names only: neither the check nor the index walks
    a renamed element's references (each was walked three times: its check, its old
    version's removal from the references and its new version's addition)."""
    doc = _prepared(_big())
    stack = UndoStack(doc)
    site = next(e for e in doc.design.elements if e.kind == "site")
    command = plan_renames(doc, NameQuery(site.name, site.name + "R")).command()
    assert command is not None
    with _walks(monkeypatch) as walked:
        stack.push(command)
    renamed = [e for e in doc.design.elements if site.name + "R" in e.name]
    assert len(renamed) > 20
    assert not any(walked.values()), {k: len(v) for k, v in walked.items()}


def test_a_removals_plan_sorts_no_referrers(monkeypatch: Any) -> None:
    """The plan of a site's deletion asks who refers to each doomed element ~2 × 10,500
    times at 100k: it takes them in no order (they were sorted into design order each
    time), and the removal asks the order only of the one left behind (none here)."""
    doc = _prepared(_big())
    sorts: list[str] = []
    real = DesignIndex.referrer_ids

    def referrer_ids(self: DesignIndex, element_id: str) -> list[str]:
        sorts.append(element_id)
        return real(self, element_id)

    monkeypatch.setattr(DesignIndex, "referrer_ids", referrer_ids)
    site = next(e for e in doc.design.elements if e.kind == "site")
    UndoStack(doc).push(RemoveElements([site.id]))
    assert doc.get(site.id) is None
    assert sorts == []


def test_a_removals_survivors_are_edited_in_design_order() -> None:
    """The plan gives its edits in design order (it gave them in the order of a set of
    ids: the same removal's events came in another order from run to run)."""
    doc = _prepared(_big())
    site = next(e for e in doc.design.elements if e.kind == "site")
    _, edits = commands_module.plan_removal(doc, [site.id])
    assert len(edits) > 20
    positions = [doc.position_of(i) for i in edits]
    assert positions == sorted(positions)


def test_many_survivors_replaced_make_the_element_list_once(monkeypatch: Any) -> None:
    """A removal's ~4,000 survivors go into the next snapshot's element list together:
    each chunk changed made once and the chunks' tuple once (it was made again per
    survivor: 4,000 tuples of ~1,500 chunks at 100k)."""
    items = list(range(20_000))
    plain = PersistentList(items)
    made: list[int] = []
    real = PersistentList._of.__func__  # type: ignore[attr-defined]

    def of(cls: Any, chunks: Any, starts: Any = None) -> Any:
        made.append(len(chunks))
        return real(cls, chunks, starts)

    monkeypatch.setattr(PersistentList, "_of", classmethod(of))
    changes = {i: -i for i in range(0, 20_000, 7)}
    changed = plain.set_many(changes)
    assert len(made) == 1
    expected = list(items)
    for i, v in changes.items():
        expected[i] = v
    assert list(changed) == expected
    shared = {id(c) for c in plain.chunks}
    assert [id(c) in shared for c in changed.chunks] == [
        not any(start <= i < start + len(c) for i in changes)
        for start, c in zip(plain._starts, plain.chunks, strict=False)
    ]


def test_refs_module_keeps_its_walkers_per_class() -> None:
    """``iter_refs_in`` gives what ``iter_refs`` gives in those fields, in order."""
    for _, design in _designs():
        for element in design.elements[:400]:
            fields = refs_module.ref_fields(type(element))
            for field in fields:
                assert refs_module.iter_refs_in(element, {field}) == [
                    r for r in iter_refs(element) if r.path.split("[")[0].split(".")[0] == field
                ]


def test_ref_ids_are_the_walks_targets() -> None:
    """``ref_ids`` (each class's reference fields sorted into shapes once, read from
    the element's fields) gives the targets ``iter_refs`` walks, in its order."""
    for _, design in _designs():
        for element in design.elements:
            assert refs_module.ref_ids(element) == [r.target for r in iter_refs(element)]


def test_iter_refs_gives_the_generic_walks_sites() -> None:
    """``iter_refs`` read by each class's shapes (an id, a list of ids, a list of
    models holding one id) gives the generic walk's references: the same paths,
    targets, kinds and order, on every sample and a generated design."""
    for _, design in _designs():
        for element in design.elements:
            generic: list[Any] = []
            refs_module._collect(element, refs_module._compiled(type(element)), "", generic)
            assert list(iter_refs(element)) == generic, element.id
