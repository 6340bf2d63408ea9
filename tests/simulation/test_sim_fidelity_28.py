"""A member site lost while the DAG keeps quorum through a third-site witness (wave 28,
``fidelity28``; eyes27 item 4), against the sources, through ``dr-designer simulate``.

The newcomer followed DAG013's fix: FSW-01 in Hartford, linked to Boston and Worcester,
the DAG's intent still Manual (a new DAG's). Losing Boston kept quorum (2 of 3 votes)
and DB01 waited for "datacenter switchover of DAG DAG01 (manual site failover intent)".

Right for Manual: the intent states that activating the DR facility is "a conscious
decision that follows the change process" (000 §5.1.1); an Exchange DAG is told so by
blocking its other site's automatic activation [product fact]. With Automatic, "if there
is a complete site failure, automatic failover should occur if the secondary site is
running and a DAG node can access the file share witness" (000 §5.3.1 Fig. 12; DOMAIN §4
*Site failure*). What was wrong is that nothing said the intent, not the quorum, waits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gui_door import console_main

NEWCOMER = (
    Path(__file__).resolve().parents[1] / "ui" / "data" / "third_site_witness_newcomer.drd.json"
)

HOLDS = (
    "DAG DAG01 keeps quorum, but its site failover intent is Manual: activating its copy "
    "in site Worcester is an administrator's decision; with intent Automatic it would "
    "fail over by itself"
)


def _simulate(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    console_main()(["simulate", str(path), "--format", "json", *args])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_boston_lost_waits_under_manual_saying_why_and_fails_over_under_automatic(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = _simulate(capsys, NEWCOMER, "--fail", "Boston")
    (db01,) = data["databases"]
    assert db01["state"] == "waiting"
    assert db01["reason"] == (
        "BOS-MBX01 is down; " + HOLDS + "; needs an administrator: datacenter switchover "
        "of DAG DAG01 (manual site failover intent)"
    )
    assert [a["key"] for a in data["actions_available"]] == ["switchover:dag-1"]
    # The switchover taken: DB01 active on WOR-MBX01 (vm-2).
    data = _simulate(capsys, NEWCOMER, "--fail", "Boston", "--action", "switchover:dag-1")
    (db01,) = data["databases"]
    assert (db01["state"], db01["active_on"]) == ("active", "vm-2")
    # With intent Automatic Boston's loss fails over by itself at 1:09 (000 §5.3.1 Fig. 12).
    document = json.loads(NEWCOMER.read_text(encoding="utf-8"))
    for element in document["design"]["elements"]:
        if element["id"] == "dag-1":
            element["failover_intent"] = "automatic"
    path = tmp_path / "automatic.drd.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    data = _simulate(capsys, path, "--fail", "Boston")
    (db01,) = data["databases"]
    assert (db01["state"], db01["active_on"], db01["rto_s"]) == ("active", "vm-2", 69.0)
    assert data["actions_available"] == []
    assert not any("site failover intent" in e["text"] for e in data["events"])
    # The witness in Boston (a member site): its loss takes quorum with it (1 of 3);
    # the switchover then is the quorum's, and the intent's clause is not said.
    document = json.loads(NEWCOMER.read_text(encoding="utf-8"))
    for element in document["design"]["elements"]:
        if element["id"] == "fsw-1":
            element["site"] = "site-1"
    path = tmp_path / "witness-in-boston.drd.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    data = _simulate(capsys, path, "--fail", "Boston")
    (db01,) = data["databases"]
    assert db01["state"] == "waiting"
    assert "keeps quorum" not in db01["reason"], db01["reason"]
    assert "DAG DAG01 has no quorum" in db01["reason"], db01["reason"]
