"""Wave 17's set-up reads from the simulator's tables instead of the models' fields.

- :attr:`Prepared.copy_members`: each database with copies → its copies' members in the
  copies' order (what :func:`database_servers` returns for it); no entry for a
  database without copies. :class:`Flows` takes its DAG databases' members from it.
- :class:`CapacityEngine`'s per-database pass reads a database's DAG from
  ``prep.dag_of_db`` and its mailboxes from the workload's loads: its costs' and walk
  rows' mailboxes are the models' ``mailboxes``.
- :class:`DagPredictor` given the workload's loads and the simulator's known servers
  builds the same tables as from the models alone (fresh simulator, nothing known),
  and both equal a reference made from the models' fields.
- :meth:`TakeoverTable._rows_in`: the sorted rows of the databases it holds, for sets,
  lists and generators, with ids outside the table; the few-rows path as a whole is
  ``test_takeover_few``'s.

Samples, generated 1k designs (seeds 0 and 1) and Hypothesis designs.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs

from designer.capacity import CapacityEngine
from designer.capacity.search import DagPredictor
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator


def _reference_predictor(sim: Simulator, dag_id: str, active: dict[str, str | None]) -> dict:
    """What a predictor's tables hold, from the models' fields alone."""
    prep = sim.prep
    mailboxes: dict[str, int] = {}
    candidates: dict[str, tuple[str, ...]] = {}
    servers_of: dict[str, tuple[tuple[str, float], ...]] = {}
    for db_id in prep.dbs_of_dag.get(dag_id, []):
        db = prep.dbs[db_id]
        copies = sorted(db.copies, key=lambda c: (c.activation_preference, c.member))
        servers = tuple((c.member, c.replay_lag_days) for c in copies)
        servers_of[db_id] = servers
        candidates[db_id] = tuple(m for m, lag in servers if not lag > 0)
        mailboxes[db_id] = db.mailboxes
    return {"mailboxes": mailboxes, "candidates": candidates, "servers": servers_of}


def _check(design: Design) -> int:
    sim = Simulator(design)
    prep = sim.prep
    checked = 0
    for db_id, db in prep.dbs.items():
        if db.copies:
            assert prep.copy_members[db_id] == tuple(c.member for c in db.copies), db_id
        else:
            assert db_id not in prep.copy_members, db_id
    # A predictor on a fresh simulator (no servers known yet, the models' mailboxes).
    fresh: dict[str, DagPredictor] = {}
    engine0 = CapacityEngine(Simulator(design))
    engine0.prep._servers.clear()  # nothing known: every database's worked out again
    assert not engine0.prep.servers_known
    for dag_id in sorted(engine0.prep.dags):
        fresh[dag_id] = DagPredictor(engine0.prep, dag_id, engine0.base_active)
    engine = CapacityEngine(sim)
    flows = engine.flows
    for db_id in flows.shipping:
        if db_id in flows.e2007:
            continue
        db = prep.dbs[db_id]
        assert flows.copy_members[db_id] == tuple(c.member for c in db.copies), db_id
        checked += 1
    for db_id, cost in engine.cost.items():
        assert cost.mailboxes == prep.dbs[db_id].mailboxes, db_id
        assert engine._walk_rows[db_id][1] == prep.dbs[db_id].mailboxes, db_id
    loads = engine.workload.loads()
    for dag_id in sorted(prep.dags):
        fast = DagPredictor(prep, dag_id, engine.base_active, loads)
        slow = fresh[dag_id]
        reference = _reference_predictor(sim, dag_id, engine.base_active)
        for predictor in (fast, slow):
            assert predictor.mailboxes == reference["mailboxes"], dag_id
            assert predictor.candidates == reference["candidates"], dag_id
            assert predictor._servers == reference["servers"], dag_id
        assert fast.base == slow.base and fast.active == slow.active, dag_id
        assert fast._groups == slow._groups and fast.holders == slow.holders, dag_id
        assert list(fast.candidates) == list(slow.candidates), dag_id  # the same order
        checked += len(reference["mailboxes"])
    return checked


def _check_rows_in(design: Design) -> int:
    import numpy as np

    sim = Simulator(design)
    table = sim._takeover_table()
    ids = [*sorted(sim.prep.dbs), "not-a-database"]
    rng = random.Random(17)
    checked = 0
    for size in (0, 1, 3, len(ids) // 2, len(ids)):
        chosen = rng.sample(ids, min(size, len(ids)))
        want = sorted(table.row_of[d] for d in chosen if d in table.row_of)
        for given_ in (set(chosen), list(chosen), iter(chosen), frozenset(chosen)):
            found = table._rows_in(np, given_)
            assert found.dtype == np.intp
            assert found.tolist() == want
        checked += len(want)
    return checked


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_setup_reads_on_the_samples(path: Path) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check(design)
    _check_rows_in(design)


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_setup_reads_on_generated_designs(size: str, seed: int) -> None:
    from benchmarks.generate import generate_design

    design = generate_design(size, seed=seed, workload=True)
    assert _check(design) > 100
    assert _check_rows_in(design) > 100


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_setup_reads_on_hypothesis_designs(design: Design) -> None:
    _check(design)
    _check_rows_in(design)
