"""Wave 16, simulator fidelity (fida16): what eyes15 and fixb15 found the simulator
saying against DOMAIN.md §4 and the sources, each replayed through the user's door
(``dr-designer simulate``'s console function) or the simulator the window runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.entry import main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def simulate_json(capsys: pytest.CaptureFixture[str], name: str, *args: str) -> dict:
    """``dr-designer simulate SAMPLE ARGS --format json``, through the console function."""
    code = main(["simulate", str(SAMPLES / name), *args, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def texts(data: dict, kind: str) -> list[str]:
    return [e["text"] for e in data["events"] if e["kind"] == kind]


# -- the db_waiting event names the actions as the database lines do ---------------------
def test_a_waiting_database_event_names_the_action_by_its_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Losing Atlanta leaves DAG-ATL without quorum: its databases wait for a datacenter
    switchover. The timeline said "waiting for an administrator: switchover:dag-atl" (the
    CLI's --action key) while the database line and the window's Why say "datacenter
    switchover of DAG DAG-ATL"."""
    data = simulate_json(capsys, "stretched_dag_lagged.json", "--fail", "site-atl@0")
    waiting = texts(data, "db_waiting")
    assert waiting, data["events"]
    for text in waiting:
        assert text.endswith("waiting for an administrator: datacenter switchover of DAG DAG-ATL")
        assert "switchover:" not in text
    reasons = [db["reason"] for db in data["databases"] if db["state"] == "waiting"]
    assert reasons and all("datacenter switchover of DAG DAG-ATL" in r for r in reasons)

