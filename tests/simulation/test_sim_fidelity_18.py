"""Wave 18, simulator fidelity leftovers (fid18): each through the user's door
(``dr-designer simulate`` / ``check``'s console function) on a sample, against
DOMAIN.md and the source sentence it follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.domain.elements import WanLink
from designer.entry import main
from designer.persistence import load, save

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
CX4 = SAMPLES / "cx4_srm_mirrorview_s.json"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    """``dr-designer ARGS --format json`` through the console function."""
    code = main([*args, "--format", "json"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return json.loads(out)


# -- MV006: one estimate, one meaning (rule and timeline) ------------------------------------
# 002 'Latency': "10 milliseconds average for log writes (< 40 ms max)". The simulator said
# it for each of the link's 27 MirrorView/S mirrors (OS and database LUNs too) in words of
# its own; MV006 counts the 12 that hold logs.
@pytest.mark.parametrize("rtt", [20.0, 38.0])
def test_a_degraded_link_says_what_mv006_says_of_a_link_that_slow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rtt: float
) -> None:
    design = load(CX4)
    slow = [
        e.model_copy(update={"rtt_ms": rtt}) if e.id == "wan-phl-wil" else e
        for e in design.elements
    ]
    path = tmp_path / "slow-link.drd.json"
    save(design.model_copy(update={"elements": slow}), path)
    findings = run_json(capsys, "check", str(path))["findings"]
    (finding,) = [f for f in findings if f["code"] == "MV006"]
    data = run_json(capsys, "simulate", str(CX4), "--degrade", f"wan-phl-wil:latency={rtt:g}ms@0")
    events = [e for e in data["events"] if e["kind"] == "mirror_latency"]
    assert [(e["element"], e["text"]) for e in events] == [("wan-phl-wil", finding["message"])]
    assert "of 12 MirrorView/S log mirrors" in finding["message"]  # of 27 on the link
    links = {e.id: e for e in design.elements if isinstance(e, WanLink)}
    assert sum(1 for e in design.elements if e.kind == "mirror") == 27
    assert links["wan-phl-wil"].rtt_ms < 8  # the design's own link: no finding


def test_a_degraded_link_under_the_limit_says_nothing_of_log_writes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, "simulate", str(CX4), "--degrade", "wan-phl-wil:latency=8ms@0")
    assert not [e for e in data["events"] if e["kind"] == "mirror_latency"]  # 2 + 8 = 10 ms


# -- the scenario's window: a database back on its own server, a copy queue growing --------
# 000 §4.1.1 / Table 1: a stand-alone mailbox server restarted by vSphere HA (0:50) runs
# its OS at 1:33 and mounts its databases once its services start (120 s).
def test_a_database_back_on_its_restarted_server_says_when_it_mounts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sample = SAMPLES / "standalone_vm_ha.json"
    data = run_json(capsys, "simulate", str(sample), "--fail", "esx-chi-01")
    mounts = [(e["t"], e["text"]) for e in data["events"] if e["kind"] == "db_active"]
    assert (213.0, "mailbox database CHI-DB01 mounts on CHI-EX01") in mounts  # none before
    (db,) = [d for d in data["databases"] if d["name"] == "CHI-DB01"]
    assert (db["state"], db["rto_s"]) == ("active", 213.0)


def test_the_reports_chart_runs_to_the_scenarios_end() -> None:
    """The review report's timeline (its x axis ran to 1.15 × the last event + 10 s:
    CHI-DB01's mount at 3:33, with no event, fell beyond it, the curve never rose) and
    a copy queue still growing: an hour of it (the window's timeline ends there too)."""
    from designer.domain import ScenarioStep
    from designer.interop.timeline_svg import timeline_svg
    from designer.simulation import Simulator

    sim = Simulator(load(SAMPLES / "standalone_vm_ha.json"))
    result = sim.run([ScenarioStep(action="fail", target="esx-chi-01")])
    assert result.end_s == 213.0
    points = timeline_svg(result).split('<polyline points="', 1)[1].split('"', 1)[0].split()
    top = min(float(p.split(",")[1]) for p in points)
    assert float(points[-1].split(",")[1]) == top  # every mailbox back at the chart's end
    e2007 = Simulator(load(SAMPLES / "exchange2007_lcr_ccr_scr.json"))
    queued = e2007.run([ScenarioStep(action="fail", target="wan-red-por")])
    assert max(e.t for e in queued.events) == 0.0 and queued.end_s == 3600.0
