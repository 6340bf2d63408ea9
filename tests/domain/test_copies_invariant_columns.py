"""The databases' invariant (each copy on a member of the database's DAG) asked by the
loader's structure check from the columns it has already read
(:attr:`designer.domain.invariants.Invariant.holds_read`, wave 23): the same verdict as
each database asked alone, whatever the order of the databases, their DAGs and their
copies; and through ``dr-designer check``, the same message where it breaks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.domain import Design, structural_errors  # noqa: E402
from designer.domain.elements import (  # noqa: E402
    Dag,
    DatabaseCopy,
    ElementBase,
    EsxiHost,
    MailboxDatabase,
    Site,
    VirtualMachine,
)
from designer.domain.invariants import copies_on_dag_members  # noqa: E402
from designer.domain.refs import targets_columns  # noqa: E402
from designer.domain.structure import _whole_columns  # noqa: E402
from designer.entry import main  # noqa: E402
from designer.persistence import dumps, save  # noqa: E402

_VMS = [f"vm{i}" for i in range(6)]
#: Two DAGs (of the first four VMs and of the last three), a VM that is no DAG, none.
_DAGS = {"dag1": _VMS[:4], "dag2": _VMS[3:]}


def _fixed() -> list[ElementBase]:
    return [
        Site(id="s", name="Boston"),
        EsxiHost(id="h", name="esx01", site="s"),
        *(VirtualMachine(id=v, name=v.upper(), host="h") for v in _VMS),
        *(Dag(id=d, name=d.upper(), members=m) for d, m in _DAGS.items()),
    ]


_databases = st.lists(
    st.tuples(
        st.sampled_from(["dag1", "dag2", None, "vm0"]),
        st.lists(st.sampled_from(_VMS), max_size=4),
    ),
    max_size=12,
)


def _design(databases: list[tuple[str | None, list[str]]]) -> Design:
    dbs = [
        MailboxDatabase(
            id=f"db{i}",
            name=f"DB{i}",
            dag=dag,
            copies=[DatabaseCopy(member=m, activation_preference=j + 1) for j, m in enumerate(ms)],
        )
        for i, (dag, ms) in enumerate(databases)
    ]
    return Design(elements=[*_fixed(), *dbs])


def _held_from_columns(dbs: list[MailboxDatabase]) -> bool:
    """The invariant's ``holds_read`` given the columns the check reads."""
    fields: list[dict[str, Any]] = [db.__dict__ for db in dbs]
    targets = {
        name: list(column[1](fields))
        for name, column in targets_columns(MailboxDatabase)
        if column is not None
    }
    by_id = {e.id: e for e in _fixed()}
    assert copies_on_dag_members.holds_read is not None
    assert set(copies_on_dag_members.targets) <= targets.keys()
    return copies_on_dag_members.holds_read(fields, targets, by_id.get)


@settings(max_examples=300, deadline=None)
@given(_databases)
def test_the_invariant_from_the_columns_agrees_with_each_database(
    databases: list[tuple[str | None, list[str]]],
) -> None:
    design = _design(databases)
    dbs = [e for e in design.elements if isinstance(e, MailboxDatabase)]
    by_id = {e.id: e for e in design.elements}
    alone = all(not list(copies_on_dag_members(db, by_id.get)) for db in dbs)
    assert _held_from_columns(dbs) == alone == copies_on_dag_members.held_by(dbs, by_id.get)
    # the whole check: a design passes the columns exactly when the walk finds nothing
    assert (_whole_columns(design) is not None) == (not structural_errors(design))


def test_runs_of_one_dag_are_told_apart() -> None:
    """A copy off its DAG in the first, a middle or the last database of a run of one
    DAG, or right after a database with no copies, is found; a copy on the next run's
    DAG member, where its own run ends, too."""
    ok = [("dag1", ["vm0", "vm1"]), ("dag1", []), ("dag1", ["vm2"]), ("dag2", ["vm4", "vm5"])]
    assert _held_from_columns(_dbs(ok))
    for i, j in ((0, 1), (2, 0), (3, 0), (3, 1)):
        broken = [(dag, list(ms)) for dag, ms in ok]
        broken[i][1][j] = "vm5" if broken[i][0] == "dag1" else "vm0"
        assert not _held_from_columns(_dbs(broken)), (i, j)
    # the same members in databases of no DAG, or of one that is not a DAG: not its to say
    assert _held_from_columns(_dbs([(None, ["vm5"]), ("vm0", ["vm5"]), ("dag2", ["vm5"])]))


def _dbs(databases: list[tuple[str | None, list[str]]]) -> list[MailboxDatabase]:
    return [e for e in _design(databases).elements if isinstance(e, MailboxDatabase)]


@pytest.mark.parametrize("where", ["first", "last"])
def test_check_says_which_copy_is_off_its_dag(tmp_path: Path, capsys, where: str) -> None:
    """``dr-designer check`` of a generated design whose first (or last) database of a
    DAG has a copy on a VM outside it: the structure error names that copy, as it did
    before the invariant read the columns."""
    design = generate_design(1_000, seed=0)
    elements = list(design.elements)
    dbs = [i for i, e in enumerate(elements) if isinstance(e, MailboxDatabase) and e.dag]
    dag_id = elements[dbs[0]].dag
    run = [i for i in dbs if elements[i].dag == dag_id]
    i = run[0] if where == "first" else run[-1]
    db = elements[i]
    assert isinstance(db, MailboxDatabase)
    dag = next(e for e in elements if e.id == dag_id)
    assert isinstance(dag, Dag)
    outsider = next(
        e for e in elements if isinstance(e, VirtualMachine) and e.id not in dag.members
    )
    copies = [*db.copies[:-1], db.copies[-1].model_copy(update={"member": outsider.id})]
    elements[i] = db.model_copy(update={"copies": copies})
    broken = design.model_copy(update={"elements": elements})
    path = tmp_path / "broken.json"
    path.write_text(dumps(broken))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.endswith(
        f"broken.json: design.elements[{i}].copies[{len(copies) - 1}].member: "
        f"mailbox database {db.name} ({db.id}) has a copy on {outsider.name}, "
        f"which is not a member of DAG {dag.name}\n"
    )
    assert "Traceback" not in err
    # the same design with the copy put back checks clean of structure errors
    save(design, path)
    assert main(["check", str(path), "--format", "json"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("persistent", [False, True])
def test_a_layout_entry_for_no_element_fails_the_columns(persistent: bool) -> None:
    """The layout's keys are compared with the ids as sets when the layout is a dict (a
    loaded design's), one by one when it is a ``PersistentMap`` (a Document's snapshot):
    an entry for no element fails the columns either way, and the walk names it."""
    from designer.domain.design import LayoutEntry
    from designer.domain.persistent import PersistentMap

    design = _design([("dag1", ["vm0"])])
    ids = [e.id for e in design.elements]
    for extra, whole in (([], True), (["gone"], False), ([ids[0], "vm9"], False)):
        entries = {key: LayoutEntry(x=1.0) for key in [*ids[::2], *extra]}
        layout = PersistentMap(entries) if persistent else entries
        laid = design.model_copy(update={"layout": layout})
        assert type(laid.layout) is (PersistentMap if persistent else dict)
        assert (_whole_columns(laid) is not None) == whole, extra
        assert [e.path for e in structural_errors(laid)] == [
            f"design.layout.{key}" for key in extra if key not in ids
        ]
