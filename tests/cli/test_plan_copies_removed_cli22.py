"""``dr-designer plan-copies FILE --dag NAME --copies SITE=N -o OUT`` removes the disks
of the copies it takes off their members (wave 22, fid22), and ``--format json`` lists
them: through the installed script and the console entry function."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from designer.domain import VirtualDisk
from designer.entry import main
from designer.persistence import load

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
SCRIPT = Path(sys.executable).parent / "dr-designer"


def _disk_ids(path: Path) -> set[str]:
    return {e.id for e in load(path).elements if isinstance(e, VirtualDisk)}


def test_plan_copies_o_removes_the_disks_left_behind(tmp_path: Path) -> None:
    out = tmp_path / "planned.drd.json"
    asked = ["--dag", "DAG01", "--copies", "Boston=1", "-o", str(out)]
    run = subprocess.run(
        [str(SCRIPT), "plan-copies", str(SAMPLE), *asked],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == (
        "note: the plan removes the 8 disks of the copies it takes off their members "
        "(BOS-MBX01 DB02 database, BOS-MBX01 DB02 logs and 6 more)"
    )
    gone = _disk_ids(SAMPLE) - _disk_ids(out)
    assert len(gone) == 8 and _disk_ids(out) <= _disk_ids(SAMPLE)
    assert {g.split("-db-")[0] for g in gone} == {"vm-bos-mbx01", "vm-bos-mbx02"}
    checked = subprocess.run(
        [str(SCRIPT), "check", str(out)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert "DAG014" not in checked.stdout and "structure" not in checked.stdout.lower()


def test_plan_copies_json_lists_the_removed_disks(capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["plan-copies", str(SAMPLE), "--dag", "DAG01", "--copies", "Boston=1"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["disks"] == []
    assert len(data["removed_disks"]) == 8
    assert data["removed_disks"][0] == {
        "id": "vm-bos-mbx01-db-db02-edb",
        "name": "BOS-MBX01 DB02 database",
        "member": "BOS-MBX01",
        "database": "DB02",
        "purpose": "database",
        "lun": "BOS-MBX01 DS-DB",
        "size_gb": 480.0,
    }
    # A plan that takes no copy off a member removes nothing.
    assert main(["plan-copies", str(SAMPLE), "--dag", "DAG01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["removed_disks"] == []
