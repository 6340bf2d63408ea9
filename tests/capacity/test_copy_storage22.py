"""A plan that takes copies off members removes the disks they leave there (wave 22,
fid22): the member's database and log disks naming the database go with the plan, its
unnamed disks stay, and the datastores' fill the note reports counts them gone."""

from __future__ import annotations

from pathlib import Path

from designer.capacity import plan_copies
from designer.domain import Design, DiskPurpose, VirtualDisk, structural_errors
from designer.domain.elements import Exchange2007Replication
from designer.persistence import load
from designer.rules import check

SAMPLE = Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json"
# Boston keeps one copy of each database (was two): BOS-MBX01 loses DB02 and DB04,
# BOS-MBX02 loses DB01 and DB03.
GONE = [
    "vm-bos-mbx01-db-db02-edb",
    "vm-bos-mbx01-db-db02-log",
    "vm-bos-mbx01-db-db04-edb",
    "vm-bos-mbx01-db-db04-log",
    "vm-bos-mbx02-db-db01-edb",
    "vm-bos-mbx02-db-db01-log",
    "vm-bos-mbx02-db-db03-edb",
    "vm-bos-mbx02-db-db03-log",
]


def _disks(design: Design) -> dict[str, VirtualDisk]:
    return {e.id: e for e in design.elements if isinstance(e, VirtualDisk)}


def test_copies_taken_off_members_take_their_disks_with_them() -> None:
    design = load(SAMPLE)
    plan = plan_copies(design, "DAG01", copies_per_site={"Boston": 1})
    assert [d.id for d in plan.removed_disks] == GONE
    applied = plan.apply(design)
    assert structural_errors(applied) == []
    assert sorted(set(_disks(design)) - set(_disks(applied))) == GONE
    # Every copy the plan keeps still has its disks: no DAG014; the disks left all name a
    # database whose copy their member holds.
    assert not check(applied, codes=["DAG014"]).findings
    held = {
        (c.member, e.id)
        for e in applied.elements
        if e.kind == "mailbox_database"
        for c in e.copies  # type: ignore[attr-defined]
    }
    for disk in _disks(applied).values():
        if disk.database is not None:
            assert (disk.vm, disk.database) in held, disk.id
    assert plan.storage_note == (
        "the plan removes the 8 disks of the copies it takes off their members "
        "(BOS-MBX01 DB02 database, BOS-MBX01 DB02 logs and 6 more)"
    )
    assert plan.cli_notes[-1] == plan.storage_note


def test_the_freed_room_counts_against_the_new_disks() -> None:
    """BOS-MBX01's DS-DB (2,080 GB) holds four 480 GB database disks; planned to six
    databases with one copy in Boston, it loses DB02's and DB04's and gains DB05's
    240 GB (DB01's resized to 240 GB): 960 GB, not overfilled (counting the disks that
    go: 1,920 of 2,080; without the resizing WOR-MBX01's held 2,400)."""
    design = load(SAMPLE)
    plan = plan_copies(design, "DAG01", databases=6, copies_per_site={"Boston": 1})
    on_bos1 = [d for d in plan.disks if d.vm == "vm-bos-mbx01"]
    assert [d.name for d in on_bos1] == ["BOS-MBX01 DB05 database", "BOS-MBX01 DB05 logs"]
    assert "BOS-MBX01 DS-DB" not in plan.storage_note
    assert "overfill" not in plan.storage_note
    sized = {d.id: d.size_gb for d in plan.resized_disks}
    assert sized["vm-bos-mbx01-db-db01-edb"] == 240 and "vm-bos-mbx01-db-db02-edb" not in sized
    assert len(plan.removed_disks) == 8
    assert check(plan.apply(design), codes=["DAG014"]).findings == []


def test_a_plan_as_it_stands_removes_nothing() -> None:
    design = load(SAMPLE)
    plan = plan_copies(design, "DAG01")
    assert plan.removed_disks == [] and plan.storage_note == ""


def test_unnamed_disks_and_disks_something_names_stay() -> None:
    design = load(SAMPLE)
    disks = _disks(design)
    # BOS-MBX02's DB01 database disk unnamed (it holds any database), its DB01 log disk
    # named by an LCR's copy disks: neither goes.
    unnamed = disks["vm-bos-mbx02-db-db01-edb"].model_copy(update={"database": None})
    lcr = Exchange2007Replication(
        id="lcr-x", name="LCR", replication="lcr", copy_disks=["vm-bos-mbx02-db-db01-log"]
    )
    elements = [unnamed if e.id == unnamed.id else e for e in design.elements] + [lcr]
    design = design.model_copy(update={"elements": elements})
    plan = plan_copies(design, "DAG01", copies_per_site={"Boston": 1})
    assert [d.id for d in plan.removed_disks] == [
        g for g in GONE if g not in {"vm-bos-mbx02-db-db01-edb", "vm-bos-mbx02-db-db01-log"}
    ]
    assert all(d.purpose in (DiskPurpose.DATABASE, DiskPurpose.LOGS) for d in plan.removed_disks)
