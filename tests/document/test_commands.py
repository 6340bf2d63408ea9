"""Document and undoable commands, driven headless (no QApplication)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.document import (
    AddElements,
    Document,
    EditError,
    ElementChanged,
    ElementsRemoved,
    MoveElements,
    RemoveElements,
    SetProperty,
    UndoStack,
    copy_payload,
    paste_elements,
)
from designer.domain import (
    Dag,
    DatabaseCopy,
    Design,
    EsxiHost,
    LayoutEntry,
    MailboxDatabase,
    Site,
    VirtualDisk,
    VirtualMachine,
    structural_errors,
)


def dag_design() -> Design:
    return Design(
        elements=[
            Site(id="s1", name="Boston"),
            EsxiHost(id="h1", name="esx01", site="s1"),
            EsxiHost(id="h2", name="esx02", site="s1"),
            VirtualMachine(id="m1", name="mbx01", host="h1"),
            VirtualMachine(id="m2", name="mbx02", host="h2"),
            VirtualDisk(id="d1", name="mbx01-os", vm="m1"),
            Dag(id="dag", name="DAG1", members=["m1", "m2"]),
            MailboxDatabase(
                id="db1",
                name="DB01",
                dag="dag",
                copies=[
                    DatabaseCopy(member="m1"),
                    DatabaseCopy(member="m2", activation_preference=2),
                ],
            ),
        ],
        layout={"s1": LayoutEntry(x=0, y=0, w=500, h=400), "h1": LayoutEntry(x=10, y=10)},
    )


def test_remove_cascades_and_undo_restores_exactly() -> None:
    doc = Document(dag_design())
    stack = UndoStack(doc)
    before = doc.design
    removal = RemoveElements(["h1"])
    stack.push(removal)
    assert removal.text == "Remove ESXi host esx01 and 2 dependents (changes 2 others)"
    # Exactly what goes with it and what loses it (issue 13: no silent loss).
    assert removal.status_note == (
        "Remove ESXi host esx01 with 1 VM (mbx01) and 1 virtual disk (mbx01-os); "
        "DAG DAG1 loses mbx01 from its members; "
        "mailbox database DB01 loses mbx01 from its copies; "
        "mailbox database DB01 renumbers its remaining copies' activation preferences 1…n, "
        "as Exchange does. Undo brings them back"
    )
    ids = {e.id for e in doc.design.elements}
    assert "h1" not in ids and "m1" not in ids and "d1" not in ids, "dependents go too"
    dag = doc.get("dag")
    assert dag.members == ["m2"], "the DAG only loses the member"
    db = doc.get("db1")
    assert [c.member for c in db.copies] == ["m2"], "the copy on the removed member goes"
    assert db.copies[0].activation_preference == 1, "the copy left moves up, as in Exchange"
    assert "h1" not in doc.design.layout
    assert structural_errors(doc.design) == []
    stack.undo()
    assert doc.design == before
    stack.redo()
    assert "m1" not in {e.id for e in doc.design.elements}


def test_invalid_edit_is_refused_and_changes_nothing() -> None:
    doc = Document(dag_design())
    stack = UndoStack(doc)
    before = doc.design
    with pytest.raises(EditError, match="does not exist"):
        stack.push(SetProperty("m1", "host", "nowhere"))
    with pytest.raises(EditError, match="a site"):
        stack.push(SetProperty("m1", "host", "s1"))
    with pytest.raises(EditError, match="cpu_cores"):
        stack.push(SetProperty("h1", "cpu_cores", -3))
    with pytest.raises(EditError, match="already used"):
        stack.push(SetProperty("h1", "name", "esx02"))
    with pytest.raises(EditError, match="not a member"):
        stack.push(SetProperty("dag", "members", ["m1"]))
    assert doc.design == before
    assert not stack.can_undo


def test_events_are_emitted() -> None:
    doc = Document(dag_design())
    seen: list[object] = []
    doc.subscribe(seen.append)
    stack = UndoStack(doc)
    stack.push(SetProperty("h1", "memory_gb", 256))
    assert ElementChanged("h1", "memory_gb", 128.0, 256.0) in seen
    stack.push(RemoveElements(["d1"]))
    assert ElementsRemoved(("d1",)) in seen


def test_property_edits_merge_into_one_step() -> None:
    doc = Document(dag_design())
    stack = UndoStack(doc)
    for value in (100, 150, 200):
        stack.push(SetProperty("h1", "memory_gb", value))
    assert len(stack.commands) == 1
    stack.undo()
    assert doc.get("h1").memory_gb == 128.0


def test_move_is_one_step_and_undoable() -> None:
    doc = Document(dag_design())
    stack = UndoStack(doc)
    stack.push(MoveElements({"h1": LayoutEntry(x=50, y=60), "h2": LayoutEntry(x=5, y=5)}))
    assert doc.layout_of("h1").x == 50
    stack.undo()
    assert doc.layout_of("h1").x == 10
    assert doc.layout_of("h2") is None


def test_copy_paste_keeps_internal_links_with_new_ids() -> None:
    doc = Document(dag_design())
    payload = copy_payload(doc.design, ["h1", "m1", "d1"])
    elements, layout = paste_elements(doc.design, payload)
    by_old = {e.id.split("-copy")[0]: e for e in elements}
    assert {e.id for e in elements}.isdisjoint({e.id for e in doc.design.elements})
    assert by_old["m1"].host == by_old["h1"].id, "VM follows its pasted host"
    assert by_old["d1"].vm == by_old["m1"].id
    assert by_old["h1"].site == "s1", "outside reference kept"
    assert layout[by_old["h1"].id].x == 40
    UndoStack(doc).push(AddElements(elements, layout))
    assert structural_errors(doc.design) == []
    # Numbered names take the next free number (esx02 is taken); the disk named after
    # its VM follows the pasted VM's name (it read "mbx01-os (copy)": eyes28).
    assert doc.get(by_old["h1"].id).name == "esx03"
    assert doc.get(by_old["m1"].id).name == "mbx03"
    assert doc.get(by_old["d1"].id).name == "mbx03-os"


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["remove", "prop", "move", "add"]),
        st.sampled_from(["s1", "h1", "h2", "m1", "m2", "d1", "dag", "db1"]),
        st.integers(min_value=1, max_value=512),
    ),
    max_size=12,
)


@given(_OPS)
def test_random_edits_then_undo_all_restore_the_start(ops) -> None:  # type: ignore[no-untyped-def]
    doc = Document(dag_design())
    stack = UndoStack(doc)
    start = doc.design
    for n, (op, target, value) in enumerate(ops):
        if doc.get(target) is None and op != "add":
            continue
        try:
            if op == "remove":
                stack.push(RemoveElements([target]))
            elif op == "prop":
                stack.push(SetProperty(target, "name", f"{target}-{value}"))
            elif op == "move":
                stack.push(MoveElements({target: LayoutEntry(x=value, y=-value)}))
            else:
                stack.push(AddElements([Site(id=f"new{n}", name=f"Site {n}")]))
        except EditError:
            pass
        assert structural_errors(doc.design) == []
    while stack.can_undo:
        stack.undo()
    assert doc.design == start
