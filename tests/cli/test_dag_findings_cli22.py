"""`dr-designer check` on eyes22's changed three-site design (rules22; eyes22 #12, #14):
the witness's share moved onto WOR-FS01 in Worcester, where the alternate witness
already is, and BOS-VDP01 made a fifth DAG member with no database copy. DAG015 says
the alternate witness goes down with the witness; DAG016 names the member with no copy.
The sample itself has neither."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)
from test_what_if_words22 import SAMPLE, _changed


def test_check_names_the_alternate_witness_and_the_member_with_no_copy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = run(capsys, "check", str(SAMPLE), "--format", "json")
    assert code == 0
    assert not {f["code"] for f in json.loads(out)["findings"]} & {"DAG015", "DAG016"}
    path = _changed(tmp_path)
    code, out = run(capsys, "check", str(path))
    assert code == 1  # DAG001's error; DAG015 warns, DAG016 informs
    assert (
        "DAG DAG01 alternate witness WOR-FS01 alt. witness is on server WOR-FS01 with its "
        "witness HFD-FS01 share: when site Worcester fails, it is down too: a "
        "datacenter switchover cannot use it" in out
    ), out
    assert (
        "DAG DAG01 member BOS-VDP01 holds no database copy: it votes for quorum but takes "
        "over no database when another member fails" in out
    ), out
    code, out = run(capsys, "check", str(path), "--format", "json")
    found = {f["code"]: f for f in json.loads(out)["findings"]}
    assert found["DAG015"]["severity"] == "warning"
    assert found["DAG015"]["elements"] == ["dag-01", "fsw-wor", "fsw-hfd"]
    assert found["DAG016"]["severity"] == "info"
    assert found["DAG016"]["elements"] == ["dag-01", "vm-bos-vdp01"]
