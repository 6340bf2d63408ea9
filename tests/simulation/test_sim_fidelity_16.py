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


# -- an SCR copy falls behind on the link share capacity gives it -------------------------
def _capacity_direction(capsys: pytest.CaptureFixture[str], link: str, mode: str) -> dict:
    assert main(["capacity", str(SAMPLES / E2007), "--mode", "all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (found,) = [x for x in data["links"] if x["id"] == link]
    (row,) = [m for m in found["modes"] if m["mode_key"] == mode]
    worst = found["worst"]
    assert worst["mode"] == row["mode"]
    return worst["a_to_b"]


E2007 = "exchange2007_lcr_ccr_scr.json"


def test_losing_redmond_queues_the_scr_copies_on_the_backup_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The sample's CCR cluster fails over to RED-CCR-N2 in Bellevue, which then ships
    its logs to the SCR target in Portland over the 20 Mbit/s BEL-POR line: 35 Mbit/s
    at the busiest hour. Capacity said the SCR copies fall ~1,540 s behind; the
    simulator gave no event and the SCR copy stayed current."""
    sized = _capacity_direction(capsys, "wan-bel-por", "site-red")
    assert sized["copy_behind_s"] == pytest.approx(1540.1, abs=0.1)
    data = simulate_json(capsys, E2007, "--fail", "site-red@0")
    (queue,) = [e for e in data["events"] if e["kind"] == "copy_queue"]
    assert queue["element"] == "wan-bel-por"
    assert queue["t"] == 120  # once the CCR databases mount on RED-CCR-N2 and ship
    assert queue["text"].startswith(
        "Exchange 2007 CCR/SCR log shipping from Bellevue to Portland needs 35.0 Mbit/s "
        "at the busiest hour and gets 20.0 of WAN link BEL-POR backup line's 20: 8 copies "
        f"queue {sized['copy_queue_logs']:,} logs an hour, 25.7 min behind"
    )


def test_activating_the_scr_target_after_losing_bellevue_too_loses_the_queue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Then Bellevue is lost an hour later: activating the SCR target recovers the
    databases to what reached Portland, the queue's 1,540 s short (DOMAIN §4: a DAG
    copy's RPO is its copy queue length), not to RPO 0."""
    sized = _capacity_direction(capsys, "wan-bel-por", "site-red")
    args = ["--fail", "site-red@0", "--fail", "site-bel@1h", "--action", "activate_scr:ex-scr"]
    data = simulate_json(capsys, E2007, *args)
    ccr = [db for db in data["databases"] if db["name"].startswith("RED-CCR-")]
    assert len(ccr) == 8
    for db in ccr:
        assert (db["state"], db["active_on"]) == ("active", "vm-por-scr01")
        assert db["rpo_s"] == pytest.approx(sized["copy_behind_s"], abs=0.1)
    # Without the Redmond loss the CCR node in Redmond ships over the 100 Mbit/s line:
    # nothing queues, and the SCR target is current.
    data = simulate_json(
        capsys, E2007, "--fail", "site-bel@0", "--fail", "site-red@1h", "--action",
        "activate_scr:ex-scr",
    )  # fmt: skip
    assert not [e for e in data["events"] if e["kind"] == "copy_queue"]
    assert {db["rpo_s"] for db in data["databases"] if db["name"].startswith("RED-CCR-")} == {0}


def test_a_saved_scenario_without_events_gives_the_same_rpo() -> None:
    """A saved scenario's verdict runs the simulator without events: the queue's RPO
    is the same there."""
    from designer.domain import ScenarioStep
    from designer.persistence import load
    from designer.simulation import Simulator

    sim = Simulator(load(SAMPLES / E2007))
    steps = [
        ScenarioStep(action="fail", target="site-red"),
        ScenarioStep(action="fail", target="site-bel", at_s=3600),
        ScenarioStep(action="admin", admin_action="activate_scr", target="ex-scr", at_s=3600),
    ]
    with_events = sim.run(steps).final.database("db-red-ccr-sg1")
    without = sim.run(steps, events=False).final.database("db-red-ccr-sg1")
    assert with_events.rpo_s == without.rpo_s == pytest.approx(1540.06, abs=0.01)
