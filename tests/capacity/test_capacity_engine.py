"""The capacity engine against a recomputation from scratch, on every sample design
and every single failure: reusing normal operation's figures changes no number."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.capacity import CapacityEngine, relevant_elements
from designer.capacity.analysis import _mode
from designer.capacity.view import ModeView
from designer.persistence import load
from designer.simulation import Simulator

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_designs").glob("*.json"))


def _from_scratch(engine: CapacityEngine, settled) -> tuple[dict, dict]:
    view = ModeView(engine.prep, engine.links, engine.baseline, settled)
    routed = [r for db_id in engine.flows.shipping for r in engine.flows.database(db_id, view)]
    routed += engine.flows.others(view)
    totals = {
        key: {k: round(v, 6) for k, v in kinds.items() if v > 1e-9}
        for key, kinds in engine._totals(routed).items()
    }
    members = engine._member_loads(view, engine.members)
    return totals, members


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_single_failure_matches_a_recomputation(path: Path) -> None:
    sim = Simulator(load(path))
    engine = CapacityEngine(sim)
    singles, _skipped = relevant_elements(sim)
    assert singles, "every sample has something to fail"
    for element in singles:
        settled = sim.settled([element])
        result = engine.evaluate(_mode(sim, "single", (element,)), settled)
        totals, members = _from_scratch(engine, settled)
        got = {
            key: {k: round(v, 6) for k, v in fig.by_kind.items()}
            for key, fig in result.links.items()
            if fig.by_kind
        }
        assert got == {k: v for k, v in totals.items() if v}, element
        for member in engine.members:
            assert engine.member_load(result, member) == members[member], (element, member)


def test_normal_mode_keeps_its_streams_for_the_detail() -> None:
    sim = Simulator(load(SAMPLES[0].parent / "three_site_stretched_dag.json"))
    engine = CapacityEngine(sim)
    loads = engine.normal.loads
    assert loads is not None
    for key, fig in engine.normal.links.items():
        listed = loads.get(key)
        assert (listed.demand_mbps if listed else 0.0) == pytest.approx(fig.mbps)
