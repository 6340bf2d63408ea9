"""``dr-designer plan-copies FILE --dag NAME -o OUT`` gives the copies it adds their
members' storage (wave 21, fid21), and ``dr-designer check`` says DAG014 of a copy kept
on no disk: through the installed script and the console entry function."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from designer.domain import VirtualDisk
from designer.entry import main
from designer.persistence import load, save

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "capacity"))
from cap_designs import on_rdms

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
SCRIPT = Path(sys.executable).parent / "dr-designer"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_planned_copies_get_disks_and_check_stays_quiet(tmp_path: Path) -> None:
    out = tmp_path / "planned.drd.json"
    run = _run("plan-copies", str(SAMPLE), "--dag", "DAG01", "--databases", "6", "-o", str(out))
    assert run.returncode == 0, run.stderr
    notes = [x for x in run.stdout.splitlines() if x.startswith("note: ")]
    # Boston's databases shrunk to 200 GB have their disks resized as the new ones are
    # sized (wave 22, fixq22): the members' DS-DB hold 1,920 of 2,080 GB, as before.
    assert notes[-1] == (
        "note: the new copies get 16 disks on their members' datastores, as their other "
        "copies; the databases' new sizes resize their 8 disks (BOS-MBX01 DB01 database to "
        "240 GB, BOS-MBX01 DB02 database to 240 GB and 6 more); "
        # wave 23, fid23: vSphere grows a virtual disk but cannot shrink one
        "vSphere cannot shrink a virtual disk: reseed the copies on the 8 disks made "
        "smaller on new disks of the new size, or keep the disks as they are"
    )
    planned = load(out)
    new = [e for e in planned.elements if isinstance(e, VirtualDisk) and "db05" in e.id]
    assert sorted((d.name, d.size_gb) for d in new if d.vm == "vm-wor-mbx02") == [
        ("WOR-MBX02 DB05 database", 240.0),
        ("WOR-MBX02 DB05 logs", 80.0),
    ]
    checked = _run("check", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "DAG014" not in checked.stdout and "VS005" not in checked.stdout


def test_plan_copies_json_lists_the_new_disks(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["plan-copies", str(SAMPLE), "--dag", "DAG01", "--databases", "5", "--format", "json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["disks"]) == 8
    assert data["disks"][0] == {
        "id": "disk-vm-bos-mbx01-dag-01-db05-database",
        "name": "BOS-MBX01 DB05 database",
        "member": "BOS-MBX01",
        "database": "DB05",
        "purpose": "database",
        "lun": "BOS-MBX01 DS-DB",
        "size_gb": 319.9,
    }
    assert data["notes"][-1].startswith("the new copies get 8 disks")


def test_a_member_with_nothing_to_follow_is_named_and_check_says_dag014(tmp_path: Path) -> None:
    # WOR-MBX02 keeps its databases on RDMs: a new disk cannot share a raw LUN.
    design = on_rdms(load(SAMPLE), "vm-wor-mbx02")
    before, out = tmp_path / "rdm.drd.json", tmp_path / "planned.drd.json"
    save(design, before)
    run = _run("plan-copies", str(before), "--dag", "DAG01", "--databases", "5", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith(
        "no database disk to follow on WOR-MBX02 (DB05): give those copies storage (DAG014)"
    )
    checked = _run("check", str(out))
    lines = [x for x in checked.stdout.splitlines() if "DAG014" in x]
    assert lines == [
        f"{out}: warning DAG014: database DB05 has a copy on WOR-MBX02, which keeps it on no "
        "disk (no database or log disk on a LUN naming DB05, nor an unnamed one): no storage "
        # wave 24 (rules24): an RDM member has no datastore to add a disk on
        "failure reaches the copy; give WOR-MBX02 a database disk for DB05 on a LUN of its "
        "own, as an RDM like its other database disks (a raw LUN maps one disk) "
        "[mailbox database DB05, VM WOR-MBX02]"
    ]
    # A warning: exit 0 as for any warning. No VS005 (wave 22): the databases the new
    # one shares Boston's mailboxes with have their disks resized, no datastore overfills.
    assert checked.returncode == 0 and checked.stdout.endswith("0 errors, 1 warning, 0 info\n")
    assert "overfill" not in run.stdout
