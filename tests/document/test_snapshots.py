"""The Document's snapshots share structure, yet each one stays exactly what it was.

Snapshots keep their elements and layout in persistent containers
(designer.domain.persistent): an edit must copy only what it changes, never alter an
earlier snapshot (the undo stack and a check running on a worker hold those), and the
result must be the design its file says (save, load, compare).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.document import (  # noqa: E402
    AddElements,
    Document,
    EditError,
    MoveElements,
    RemoveElements,
    SetProperty,
    UndoStack,
)
from designer.document.factory import new_element  # noqa: E402
from designer.domain import Design, LayoutEntry, persistent  # noqa: E402
from designer.domain.persistent import PersistentList, PersistentMap  # noqa: E402
from designer.persistence import dumps, loads  # noqa: E402


@cache
def _design(size: int = 3000) -> Design:
    return generate_design(size, seed=5)


def test_a_rename_shares_the_layout_and_all_but_one_chunk() -> None:
    doc = Document(_design())
    before = doc.design
    vm = next(e for e in before.elements if e.kind == "vm")
    UndoStack(doc).push(SetProperty(vm.id, "name", "renamed"))
    after = doc.design
    assert isinstance(before.elements, PersistentList)
    assert isinstance(after.elements, PersistentList)
    assert after.layout is before.layout
    shared = [a is b for a, b in zip(before.elements._chunks, after.elements._chunks, strict=True)]
    assert len(shared) > 1 and shared.count(False) == 1
    assert next(e for e in before.elements if e.id == vm.id).name == vm.name


def test_a_move_shares_the_element_list() -> None:
    doc = Document(_design())
    before = doc.design
    host = next(e for e in before.elements if e.kind == "esxi_host")
    UndoStack(doc).push(MoveElements({host.id: LayoutEntry(x=1, y=2, w=100, h=50)}))
    assert doc.design.elements is before.elements
    assert isinstance(doc.design.layout, PersistentMap)
    assert doc.design.layout[host.id].x == 1 and before.layout[host.id].x != 1


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "remove", "rename", "move", "undo", "redo"]),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=20, deadline=None)
@given(_OPS)
def test_every_snapshot_stays_as_it_was_and_reads_back_from_its_file(ops) -> None:  # type: ignore[no-untyped-def]
    saved, persistent.CHUNK = persistent.CHUNK, 8  # many chunks: splits, merges, empties
    try:
        _edit_and_compare(ops)
    finally:
        persistent.CHUNK = saved


def _edit_and_compare(ops) -> None:  # type: ignore[no-untyped-def]
    doc = Document(_design(300))
    stack = UndoStack(doc)
    seen = [(doc.design, dumps(doc.design))]
    for op, a in ops:
        elements = doc.design.elements
        pick = elements[a % len(elements)]
        try:
            if op == "add":
                hosts = doc.index.of("esxi_host", object)
                host = hosts[a % len(hosts)]
                stack.push(AddElements([new_element("vm", doc.index, host.id)]))  # type: ignore[attr-defined]
            elif op == "remove":
                stack.push(RemoveElements([pick.id]))
            elif op == "rename":
                stack.push(SetProperty(pick.id, "name", f"{pick.name} {a}"))
            elif op == "move":
                stack.push(MoveElements({pick.id: LayoutEntry(x=a, y=a % 97, w=80, h=40)}))
            elif op == "undo" and stack.can_undo:
                stack.undo()
            elif op == "redo" and stack.index < len(stack.commands):
                stack.redo()
        except EditError:
            pass
        seen.append((doc.design, dumps(doc.design)))
    read_back = loads(seen[-1][1])
    assert read_back == doc.design  # the file says what the snapshot holds
    assert list(read_back.elements) == list(doc.design.elements)  # in design order
    for design, text in seen:  # no later edit changed an earlier snapshot
        assert dumps(design) == text
    while stack.can_undo:
        stack.undo()
    assert dumps(doc.design) == seen[0][1]
