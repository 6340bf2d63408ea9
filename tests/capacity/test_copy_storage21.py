"""The copies a copy layout adds get their members' storage (wave 21, fid21): a database
(and log) disk following each member's other copies, or a note and DAG014 when the
member has no disk to follow (000 §4.3: a DAG keeps each copy on its member's storage)."""

from __future__ import annotations

from pathlib import Path

from cap_designs import on_rdms

from designer.capacity import plan_copies
from designer.document.templates import two_site_dag
from designer.domain import Design, DiskPurpose, VirtualDisk, structural_errors
from designer.persistence import load
from designer.rules import check

SAMPLE = Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _dag014(design: Design) -> list[tuple[str, ...]]:
    return [f.elements for f in check(design, codes=["DAG014"]).findings]


def test_new_databases_copies_get_disks_like_the_members_other_copies() -> None:
    design = load(SAMPLE)
    plan = plan_copies(design, "DAG01", databases=6)
    new = {d.id for d in plan.new_databases}
    assert len(new) == 2
    disks = {d.id: d for d in design.elements if isinstance(d, VirtualDisk)}
    # Each new copy: a database disk and a log disk, on the LUNs of the member's DB01
    # disks, the database disk scaled by size (480 GB for DB01's 400 GB).
    assert len(plan.disks) == 16
    sizes = {d.id: d.size_gb for d in plan.new_databases}
    for disk in plan.disks:
        assert disk.database in new
        like = disks[
            f"{disk.vm}-db-db01-{'edb' if disk.purpose is DiskPurpose.DATABASE else 'log'}"
        ]
        assert (disk.lun, disk.placement, disk.purpose) == (like.lun, like.placement, like.purpose)
        db_name = plan.names[disk.database]
        assert disk.name == like.name.replace("DB01", db_name)
        if disk.purpose is DiskPurpose.DATABASE:
            assert disk.size_gb == round(480 * sizes[disk.database] / 400, 1)
        else:
            assert disk.size_gb == 80
    assert len({d.id for d in plan.disks} | set(disks)) == len(disks) + 16
    applied = plan.apply(design)
    assert structural_errors(applied) == []
    assert _dag014(applied) == []
    # Without them, DAG014 names the 8 new copies, once per member (wave 24, rules24).
    plan.disks = []
    assert _dag014(plan.apply(design)) == [
        (member, "dag-01-db05", "dag-01-db06")
        for member in ("vm-bos-mbx01", "vm-bos-mbx02", "vm-wor-mbx01", "vm-wor-mbx02")
    ]
    # The note says so, and that Boston's databases, shrunk to 200 GB, have their disks
    # resized as the new ones are sized (wave 22): no datastore overfills.
    assert plan.storage_note == (
        "the new copies get 16 disks on their members' datastores, as their other copies; "
        "the databases' new sizes resize their 8 disks (BOS-MBX01 DB01 database to 240 GB, "
        "BOS-MBX01 DB02 database to 240 GB and 6 more); "
        # wave 23, fid23: vSphere grows a virtual disk but cannot shrink one
        "vSphere cannot shrink a virtual disk: reseed the copies on the 8 disks made "
        "smaller on new disks of the new size, or keep the disks as they are"
    )
    assert plan.storage_note in plan.cli_notes and plan.cli_notes[-1] == plan.storage_note


def test_copies_the_database_had_get_no_disk() -> None:
    design = load(SAMPLE)
    plan = plan_copies(design, "DAG01")  # the DAG as it stands
    assert plan.disks == [] and plan.storage_note == ""


def test_unnamed_database_disks_hold_the_new_copies() -> None:
    """The templates give each member one unnamed database disk: it holds every
    database, so the new databases need no disk and DAG014 stays quiet."""
    design = two_site_dag()
    plan = plan_copies(design, "DAG01", databases=4)
    assert len(plan.new_databases) == 2
    assert plan.disks == [] and plan.storage_note == ""
    assert _dag014(plan.apply(design)) == []


def test_a_member_with_no_disk_to_follow_is_named() -> None:
    # WOR-MBX02's database disks are RDMs: a raw LUN maps one disk, a new one cannot
    # share it.
    design = on_rdms(load(SAMPLE), "vm-wor-mbx02")
    plan = plan_copies(design, "DAG01", databases=6)
    assert {d.vm for d in plan.disks} == {"vm-bos-mbx01", "vm-bos-mbx02", "vm-wor-mbx01"}
    assert plan.storage_note.endswith(
        "no database disk to follow on WOR-MBX02 (DB05, DB06): give those copies storage (DAG014)"
    )
    assert _dag014(plan.apply(design)) == [("vm-wor-mbx02", "dag-01-db05", "dag-01-db06")]
