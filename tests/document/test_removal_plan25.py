"""A removal's plan fixes each survivor once per removed element it refers to (wave
25, ``edit25``).

Removing VMs edits the databases with copies on them and the DAG that lists them. The
plan fixed each survivor (its data without the doomed references) once per doomed
element it refers to, then once more to make the edit, and the command asked for the
whole plan twice (once to say what it does): the DAG losing two members was fixed six
times. Counted at two sizes, through the command the canvas's Delete key pushes."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.generate import generate_design
from designer.document import Document, RemoveElements, UndoStack
from designer.document import commands as commands_module
from designer.domain.elements import ElementBase
from designer.domain.index import LiveIndex
from designer.domain.refs import iter_refs


@pytest.mark.parametrize("size", [300, 1000])
def test_removing_vms_fixes_each_survivor_once(size: int, monkeypatch: Any) -> None:
    design = generate_design(size, seed=1)
    doc = Document(design)
    stack = UndoStack(doc)
    dag: Any = next(e for e in design.elements if e.kind == "dag")
    doomed = list(dag.members[:2])  # two members: their databases lose two copies each
    fixed: list[str] = []
    drop_refs = commands_module.drop_refs

    def counted(element: Any, ids: set[str]) -> Any:
        fixed.append(element.id)
        return drop_refs(element, ids)

    monkeypatch.setattr(commands_module, "drop_refs", counted)
    before = {e.id: e for e in doc.design.elements}
    stack.push(RemoveElements(doomed))
    edited = [i for i, e in before.items() if doc.get(i) is not None and doc.get(i) != e]
    gone = [i for i in before if doc.get(i) is None]
    assert set(doomed) <= set(gone)
    assert edited, "databases and the DAG lose the removed members"
    shared = [
        i for i in edited if sum(c.member in doomed for c in getattr(before[i], "copies", ())) == 2
    ]
    assert shared, "a database with copies on both removed VMs"
    # Each survivor fixed once per removed element it refers to (one of the removed VMs,
    # then the other), not again to make its edit nor to say what the removal does.
    for element_id in edited:
        refs = {r.target for r in iter_refs(before[element_id])} & set(gone)
        assert fixed.count(element_id) <= len(refs), (element_id, fixed.count(element_id))
    assert set(edited) <= set(fixed)
    stack.undo()
    assert doc.design.elements == design.elements


@pytest.mark.parametrize("size", [300, 1000])
def test_undoing_a_removal_numbers_nothing_afresh(size: int, monkeypatch: Any) -> None:
    """Ctrl+Z of a removal puts the elements back where they were, a run of them
    between two that stayed (here every virtual disk, as Select Same Kind on a disk and
    Delete remove them: 246 and 694 in a row): each takes its share of the gap between
    the two in the document's order keys. Halving the gap at each element used the
    float's precision up every ~40 and numbered every element of the design afresh and
    sorted every group again each time (32 times for a site's undo at 100k: ~6 s of
    its ~9.5 under cProfile)."""
    design = generate_design(size, seed=1)
    doc = Document(design)
    stack = UndoStack(doc)
    disks = [e.id for e in design.elements if e.kind == "virtual_disk"]
    renumbered: list[int] = []
    regroup = LiveIndex._regroup

    def counted(index: LiveIndex) -> None:
        renumbered.append(1)
        regroup(index)

    monkeypatch.setattr(LiveIndex, "_regroup", counted)
    stack.push(RemoveElements(disks))
    assert len(design.elements) - len(doc.design.elements) == len(disks)
    stack.undo()
    assert doc.design.elements == design.elements
    assert renumbered == []
    # The order the index keeps is the design's (its groups in design order).
    index = doc.index
    for kind in ("vm", "virtual_disk", "mailbox_database"):
        ids = [e.id for e in design.elements if e.kind == kind]
        assert [e.id for e in index.of(kind, ElementBase)] == ids, kind
