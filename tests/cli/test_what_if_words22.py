"""What `check` says of a design changed after its scenarios were saved (eyes22): the
three-site sample with its witness moved into Worcester and a fifth DAG member in
Boston (Boston 3, Worcester 2). Its saved "Fig. 12" (Boston lost) then leaves every
database down: the verdict said "worst RPO inf s; expected at most 0", and DAG001 said
losing Worcester "leaves the other without quorum" while Boston keeps 3 of 5 votes
(the witness has no vote with five members; the simulator agrees)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)

from designer.persistence import load, save

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _changed(tmp_path: Path) -> Path:
    """The sample as the architect left it: witness HFD-FS01's share moved to Worcester
    (on WOR-FS01), BOS-VDP01 (a Boston VM) made a fifth DAG member."""
    design = load(SAMPLE)
    elements = []
    for element in design.elements:
        if element.id == "fsw-hfd":
            element = element.model_copy(update={"site": "site-wor", "vm": "vm-wor-fs01"})
        elif element.id == "dag-01":
            element = element.model_copy(update={"members": [*element.members, "vm-bos-vdp01"]})
        elements.append(element)
    path = tmp_path / "after-change.json"
    save(design.model_copy(update={"elements": elements}), path)
    return path


def test_a_scenario_leaving_databases_down_says_so_not_inf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _changed(tmp_path)
    code, out = run(capsys, "check", str(path), "--scenarios")
    assert code == 1
    (fig12,) = [line for line in out.splitlines() if line.startswith("scenario Fig. 12")]
    assert "inf" not in fig12, fig12
    assert (
        "worst RPO none (a database is not active); expected at most 0 s; "
        "worst RTO none (a database is not active); expected at most 69 s" in fig12
    ), fig12
    # The JSON's figures stay numbers or null, as before.
    code, out = run(capsys, "check", str(path), "--scenarios", "--format", "json")
    verdict = {s["name"]: s for s in json.loads(out)["scenarios"]}[
        "Fig. 12: automatic site failover"
    ]
    assert verdict["actual"]["max_rpo_s"] is None and verdict["actual"]["max_rto_s"] is None
    assert any("worst RTO none" in problem for problem in verdict["problems"])


def test_dag001_says_what_losing_the_witness_s_site_costs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _changed(tmp_path)
    code, out = run(capsys, "check", str(path))
    assert code == 1
    assert (
        "its witness HFD-FS01 share is in member site Worcester, not in a third "
        "site; when site Worcester fails, DAG DAG01 keeps quorum with 3 of 5 votes: one vote fewer "
        "and its databases dismount (the witness votes only with an even member count)" in out
    ), out
    assert (
        "loses quorum: 2 of 5 votes reachable; its databases dismount [DAG DAG01, file" not in out
    )
    assert (
        "DAG DAG01 has 3 members in site Boston, 2 in site Worcester; when site Boston fails" in out
    )
    # The simulator agrees: losing Worcester keeps every database.
    code, out = run(capsys, "simulate", str(path), "--fail", "Worcester")
    assert "Mailboxes: 8,000 of 8,000 available" in out
    # With four members (the witness votes) the clause stays as it was.
    design = load(path)
    four = [
        e.model_copy(update={"members": e.members[:4]}) if e.id == "dag-01" else e
        for e in design.elements
    ]
    save(design.model_copy(update={"elements": four}), path)
    code, out = run(capsys, "check", str(path))
    assert (
        "not in a third site; when site Worcester fails, DAG DAG01 loses quorum: 2 of 5 votes "
        "reachable; its databases dismount" in out
    )
