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
