"""Whole scenario results stay what they were: every event (time, element, kind,
wording, source), every step's states (databases with their RPO, RTO and reasons, DAGs,
sites, actions offered, what is down) and every timing.

``tests/snapshots/simulation_results.json`` holds, per design, a digest of the full
result of failing each element (every failable element of the samples; every site, host,
storage array and storage processor, and a few of each other kind, of a generated
design with workload figures), of a site failure followed by its restore, and of the
impact of each single failure. It was recorded before the per-database work of a
failure was made cheaper (issue 10), so any change of wording or figure shows here.
When the simulator's behaviour changes on purpose, refresh it with::

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -q tests/simulation/test_sim_results_snapshot.py

and review why each digest changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

import pytest

from designer.bundled import sample, sample_names
from designer.domain import Design, ScenarioStep
from designer.persistence import load
from designer.simulation import Simulator

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "simulation_results.json"
GENERATED = "generated-1k-workload"
#: Of a generated design every failure of these kinds is recorded; of the others a few.
_ALL_OF = frozenset({"site", "esxi_host", "storage_array"})


def _design(name: str) -> Design:
    if name == GENERATED:
        from benchmarks.generate import generate_design

        return generate_design("1k", seed=3, workload=True)
    return load(sample(name))


def _failures(sim: Simulator, name: str) -> list[str]:
    elements = [e for e in sim.design.elements if type(e).infrastructure]
    if name != GENERATED:
        return sorted([*(e.id for e in elements), *sim.prep.sp_array])
    chosen: list[str] = []
    per_kind: dict[str, int] = {}
    for e in sorted(elements, key=lambda e: e.id):
        if e.kind in _ALL_OF or per_kind.get(e.kind, 0) < 3:
            chosen.append(e.id)
            per_kind[e.kind] = per_kind.get(e.kind, 0) + 1
    return [*chosen, *sorted(sim.prep.sp_array)[:2]]


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


@cache
def _record(name: str) -> dict[str, str]:
    sim = Simulator(_design(name))
    found: dict[str, str] = {"initial": _digest(sim.initial)}
    for element in _failures(sim, name):
        found[element] = _digest(sim.run([ScenarioStep(action="fail", target=element)]))
        found[f"impact {element}"] = _digest(sim.impact([element]))
    for site in sorted(sim.prep.sites):
        steps = [
            ScenarioStep(action="fail", target=site),
            ScenarioStep(action="restore", target=site, at_s=3600.0),
        ]
        found[f"restore {site}"] = _digest(sim.run(steps))
    return found


@pytest.mark.parametrize("name", [*sample_names(), GENERATED])
def test_every_failure_gives_the_recorded_result(name: str) -> None:
    found = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    if os.environ.get("UPDATE_SNAPSHOTS"):
        found[name] = _record(name)
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert name in found, f"no snapshot for {name}: run with UPDATE_SNAPSHOTS=1"
    recorded = found[name]
    now = _record(name)
    assert sorted(now) == sorted(recorded)
    assert [k for k in recorded if now[k] != recorded[k]] == []
