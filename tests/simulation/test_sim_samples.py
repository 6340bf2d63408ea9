"""The reference designs of sample_designs/ behave as their figures describe."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.persistence import load
from designer.simulation import Simulator, analyze
from designer.simulation.expectations import compare

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
FILES = sorted(SAMPLES.glob("*.json"))


def _sample(name: str) -> Simulator:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    return Simulator(load(path))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_saved_scenarios_meet_their_expectations(path: Path) -> None:
    design = load(path)
    sim = Simulator(design)
    assert sim.initial.mailboxes_available == sim.total_mailboxes
    for scenario in design.scenarios:
        result = sim.run(scenario)
        assert compare(scenario.expected, result.final) == [], scenario.name
        times = [e.t for e in result.events]
        assert times == sorted(times)


def test_dag_with_ha_sample_follows_table_1() -> None:
    sim = _sample("dag_with_ha.json")
    scenario = next(s for s in sim.design.scenarios if "host" in s.name.lower())
    result = sim.run(scenario)
    mounted = [e.t for e in result.events if e.kind == "db_active"]
    assert mounted and set(mounted) == {69.0}
    assert any(e.kind == "ha_restart" and e.t == 50 for e in result.events)
    assert any(e.kind == "copies_healthy" and e.t == 182 for e in result.events)


def test_three_site_sample_has_no_site_spof() -> None:
    sim = _sample("three_site_stretched_dag.json")
    result = analyze(sim)
    sites = set(sim.prep.sites)
    assert not [e for e in result.entries if e.elements[0] in sites]
