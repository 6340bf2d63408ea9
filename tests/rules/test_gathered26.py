"""BK001 gathered per DAG (wave 26, rules26): one finding per real problem, with the
fix; a waiver naming one database alone takes it out, the finding stays for the rest."""

from __future__ import annotations

from pathlib import Path

from _misc_fixtures import build, findings, two_sites, vm

from designer.domain import Backup, BackupKind, Dag, DatabaseCopy, MailboxDatabase, VmRole
from designer.domain.design import Design, RuleSettings, Waiver
from designer.rules import check
from designer.rules.registry import RULES

MBX = [VmRole.MAILBOX]


def _dag(n: int, *, backup: Backup | None = None, lagged: int = 0) -> list:
    copies = [
        DatabaseCopy(member="mbx-b", activation_preference=1),
        DatabaseCopy(member="mbx-c", activation_preference=2),
    ]
    lag = [
        DatabaseCopy(member="mbx-b", activation_preference=1),
        DatabaseCopy(member="mbx-c", activation_preference=2, replay_lag_days=7),
    ]
    return [
        *two_sites(),
        vm("mbx-b", "h1", roles=MBX),
        vm("mbx-c", "h2", roles=MBX),
        Dag(id="dag1", name="DAG1", members=["mbx-b", "mbx-c"]),
        *(
            MailboxDatabase(
                id=f"db{i}",
                name=f"DB{i:02d}",
                dag="dag1",
                size_gb=100,
                copies=lag if i <= lagged else copies,
            )
            for i in range(1, n + 1)
        ),
        *([backup] if backup else []),
    ]


def test_bk001_gathers_a_dags_databases_into_one_finding_with_its_fix() -> None:
    (finding,) = findings(build(*_dag(12)), "BK001")
    assert finding.elements == tuple(f"db{i}" for i in range(1, 13))  # natural id order
    assert finding.message == (
        "12 mailbox databases (DB01, DB02, DB03 and 9 more) of DAG DAG1 have no backup and "
        "no lagged copy; their 1,200 GB have no recovery point: back up the DAG's members "
        "(a backup listing their VMs covers every database they hold), or give them a "
        "lagged copy"
    )


def test_bk001_names_the_backup_that_covers_the_dags_other_databases() -> None:
    nightly = Backup(id="bk", name="Nightly", databases=["db1", "db2"])
    (finding,) = findings(build(*_dag(5, backup=nightly)), "BK001")
    assert finding.elements == ("db3", "db4", "db5")
    assert finding.message.endswith(
        "their 300 GB have no recovery point: add them to backup Nightly (Databases), "
        "which covers the DAG's other databases"
    ), finding.message
    # One left out: said of it alone.
    nightly = nightly.model_copy(update={"databases": ["db1", "db2", "db3", "db4"]})
    (finding,) = findings(build(*_dag(5, backup=nightly)), "BK001")
    assert finding.message == (
        "mailbox database DB05 has no backup and no lagged copy; its 100 GB have no "
        "recovery point: add it to backup Nightly (Databases), which covers the DAG's "
        "other databases"
    )


def test_bk001_lagged_copies_and_backups_by_server_still_cover() -> None:
    # Databases with a lagged copy are covered; the rest are gathered.
    (finding,) = findings(build(*_dag(4, lagged=2)), "BK001")
    assert finding.elements == ("db3", "db4")
    by_vm = Backup(id="bk", name="agent", backup_kind=BackupKind.IN_GUEST_AGENT, vms=["mbx-c"])
    assert findings(build(*_dag(4, backup=by_vm)), "BK001") == []


def test_a_waiver_of_one_database_takes_it_out_and_the_finding_stays_for_the_rest() -> None:
    design = build(*_dag(4))
    waiver = Waiver(code="BK001", elements=["db2"], reason="journaling database")
    design = design.model_copy(update={"rules": RuleSettings(waivers=[waiver])})
    bk = [f for f in check(design).findings if f.code == "BK001"]
    assert [(f.elements, f.waived) for f in bk] == [
        (("db1", "db3", "db4"), False),
        (("db2",), True),
    ]
    assert bk[0].message.startswith("3 mailbox databases (DB01, DB03, DB04) of DAG DAG1")
    assert bk[1].waiver_reason == "journaling database"
    # Not stale: no INT002.
    assert not [f for f in check(design).findings if f.code == "INT002"]


def test_the_rules_that_gather_say_which_kind() -> None:
    gathering = {code: r.gathers for code, r in RULES.items() if r.gathers}
    assert gathering == {
        "BK001": "mailbox_database",
        "CAP006": "mailbox_database",
        "DAG011": "mailbox_database",
        "DAG014": "mailbox_database",
    }


def _calculator_import() -> Design:
    from designer.interop.importing import import_sources

    data = Path(__file__).resolve().parents[1] / "interop" / "data" / "calculator"
    sources = [
        data / n
        for n in ("MailboxDatabasesV7.6.csv", "MailboxDatabaseCopiesV7.6.csv", "ServersV7.6.csv")
    ]
    return import_sources("calculator", sources, into=Design()).design


def test_a_waiver_of_one_copy_takes_it_out_of_its_members_dag014_finding() -> None:
    design = _calculator_import()
    before = [f for f in check(design).findings if f.code == "DAG014"]
    assert [len(f.elements) for f in before] == [41] * 4  # a member and its 40 databases
    member = before[0].elements[0]
    # As the Problems list's Waive one of its 40 mailbox databases… writes it.
    waiver = Waiver(code="DAG014", elements=["db-7", member], reason="seeded later")
    design = design.model_copy(update={"rules": RuleSettings(waivers=[waiver])})
    after = [f for f in check(design).findings if f.code == "DAG014"]
    waived = [f for f in after if f.waived]
    assert [(f.elements, f.waiver_reason) for f in waived] == [(("db-7", member), "seeded later")]
    assert waived[0].message.startswith("database DAG-nn-DB07 has a copy on ")
    ours = [f for f in after if not f.waived and f.elements[0] == member]
    assert len(ours) == 1 and len(ours[0].elements) == 40 and "db-7" not in ours[0].elements
    # The other members' findings keep their 40 databases.
    others = [f for f in after if not f.waived and f.elements[0] != member]
    assert [len(f.elements) for f in others] == [41] * 3
    assert not [f for f in check(design).findings if f.code == "INT002"]
