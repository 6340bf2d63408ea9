"""Wave 17, simulator fidelity leftovers (fidb17): each replayed through the user's door
(``dr-designer simulate``'s console function) on a File > New template or a sample, and
checked against DOMAIN.md §4 and the source sentence it follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.document.templates import template
from designer.entry import main
from designer.persistence import save


def simulate_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> dict:
    """``dr-designer simulate PATH ARGS --format json``, through the console function."""
    code = main(["simulate", str(path), *args, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def from_template(tmp_path: Path, key: str) -> Path:
    """The File > New template ``key`` saved as a design file."""
    path = tmp_path / f"{key}.drd.json"
    save(template(key), path)
    return path


def at(data: dict, kind: str) -> dict[str, float]:
    """The time of each element's event of ``kind``."""
    return {e["element"]: e["t"] for e in data["events"] if e["kind"] == kind}


# -- a VM whose disks go with its site fails with it ---------------------------------------
# DOMAIN.md §4: "Site failure → everything in it fails"; "Array failure → its LUNs and every
# VM disk on them fail; HA cannot restart VMs whose disks are gone". 000 Table 1: VM fails
# 0:40, HA restart 0:50, DAG peer detects the node failure 1:00.
def test_the_mailbox_vms_fail_with_their_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`simulate --fail Production` on File > New's two-site DAG: the timeline said the
    CAS, DC and witness VMs failed at 0:40 but nothing of PRD-MBX01 and PRD-MBX02, whose
    disks are on Production's arrays (storage lost and host down: neither the host's
    path nor the storage's said a word)."""
    data = simulate_json(capsys, from_template(tmp_path, "two_site_dag"), "--fail", "Production")
    failed = at(data, "vm_failed")
    for vm in ("vm-prd-mbx01", "vm-prd-mbx02", "vm-prd-cas01", "vm-prd-fs01"):
        assert failed.get(vm) == 40.0, vm
    refused = {e["element"]: e["text"] for e in data["events"] if e["kind"] == "ha_restart_failed"}
    assert refused["vm-prd-mbx01"] == (
        "VM PRD-MBX01 cannot be restarted by vSphere HA: its disks are gone"
    )
    detected = [e["text"] for e in data["events"] if e["kind"] == "dag_member_failed"]
    assert detected == [
        "DAG DAG01 detects the failure of member PRD-MBX01",
        "DAG DAG01 detects the failure of member PRD-MBX02",
    ]
    # The recovery site's members are untouched.
    assert "vm-dr-mbx01" not in failed
