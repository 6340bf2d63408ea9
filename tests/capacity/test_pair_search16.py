"""The pair search's scoring (:meth:`DagPredictor.consider`) and :func:`dag_impacts`'
lost copies, wave 16, against straightforward references.

- ``consider`` (its fast path for pairs that do not meet, its reading of ``_pair``'s
  prediction): its best pair per (kind, member) equals the one a loop over every member
  of every prediction (``predict``) keeps, on every pair a sizing scores, on the
  samples, generated designs (members that lose copies to arrays and sites) and
  Hypothesis designs, and on a prediction that sends mailboxes to a server the DAG does
  not list. (Wave 16 tried picking the members above normal operation with
  ``compress``/``map`` in C: no fewer instructions for 16 members; this stays as the
  reference for whoever tries next.)
- ``dag_impacts`` walks the lost pairs one by one only when a member lost some without
  its "*" (``test_pair_search``'s reference compares its every impact; here both cases
  are met on the generated designs and compared again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.modes import ModeKind
from designer.capacity.search import DagImpact, DagPredictor
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator

Best = dict[tuple[ModeKind, str], tuple[int, tuple[str, ...]]]
Pairs = list[tuple[tuple[str, ...], DagImpact, DagImpact]]


def _reference(predictor: DagPredictor, best: Best, kind: ModeKind, pairs: Pairs) -> None:
    for failed, ia, ib in pairs:
        loads = predictor.predict([ia, ib])
        if loads is None:
            continue
        for member, mailboxes in loads.items():
            if mailboxes <= predictor.base.get(member, 0):
                continue
            key = (kind, member)
            found = best.get(key)
            if found is None or mailboxes > found[0]:
                best[key] = (mailboxes, failed)


def _check(design: Design) -> int:
    """Every ``consider`` call of one sizing replayed on fresh predictors both ways."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    calls: list[tuple[str, tuple[Any, ...], ModeKind, Pairs]] = []
    real, real_init = DagPredictor.consider, DagPredictor.__init__
    made: dict[int, tuple[str, tuple[Any, ...]]] = {}

    def init(self: DagPredictor, prep: Any, dag_id: str, active: Any, *more: Any) -> None:
        real_init(self, prep, dag_id, active, *more)
        made[id(self)] = (dag_id, more)

    def record(self: DagPredictor, best: Best, kind: ModeKind, pairs: Any) -> None:
        pairs = list(pairs)
        calls.append((*made[id(self)], kind, pairs))
        real(self, best, kind, pairs)

    DagPredictor.consider = record  # type: ignore[method-assign]
    DagPredictor.__init__ = init  # type: ignore[method-assign]
    try:
        capacity(sim, engine=engine, max_combined=None)
    finally:
        DagPredictor.consider = real  # type: ignore[method-assign]
        DagPredictor.__init__ = real_init  # type: ignore[method-assign]
    scored = 0
    for dag_id, more, kind, pairs in calls:
        # Replayed on predictors made as the sizing made them (its classes, the
        # failures' classed lost copies in ``pairs``).
        fast: Best = {}
        slow: Best = {}
        DagPredictor(sim.prep, dag_id, engine.base_active, *more).consider(fast, kind, pairs)
        _reference(DagPredictor(sim.prep, dag_id, engine.base_active, *more), slow, kind, pairs)
        assert fast == slow, (dag_id, kind)
        scored += len(pairs)
    return scored


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_consider_equals_the_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_consider_equals_the_reference_on_generated_designs(size: str, seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design(size, seed=seed, workload=True)) > 50


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_consider_equals_the_reference_on_hypothesis_designs(design: Design) -> None:
    _check(design)


def test_consider_reads_a_server_the_dag_does_not_list() -> None:
    """A copy on a server the DAG does not list (``wor-mbx2``): a pair that takes
    every listed member but it sends the databases there, and ``consider`` keeps the
    pair for it as the reference does."""
    from test_pair_search15 import _unlisted

    sim = Simulator(_unlisted())
    engine = CapacityEngine(sim)
    predictor = DagPredictor(sim.prep, "dag", engine.base_active)
    assert "wor-mbx2" not in predictor.members
    listed = sorted(predictor.members)
    half = len(listed) // 2
    first = DagImpact(False, frozenset(listed[:half]), frozenset())
    second = DagImpact(False, frozenset(listed[half:]), frozenset())
    pairs: Pairs = [(("a", "b"), first, second), (("b", "c"), second, first)]
    best: Best = {}
    predictor.consider(best, "double", pairs)
    slow: Best = {}
    _reference(DagPredictor(sim.prep, "dag", engine.base_active), slow, "double", pairs)
    assert best == slow
    assert best[("double", "wor-mbx2")][1] == ("a", "b")
    assert best[("double", "wor-mbx2")][0] > 0
    assert all(member != m for _kind, m in best for member in listed)


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_dag_impacts_both_ways_of_reading_lost_copies(size: str, seed: int) -> None:
    """Members that lost their "*" (the pairs not walked) and members that lost copies
    without it (walked) both occur, and every impact equals the reference."""
    from test_pair_search import _reference_impacts

    from benchmarks.generate import generate_design
    from designer.capacity.analysis import relevant_elements
    from designer.capacity.search import dag_impacts

    sim = Simulator(generate_design(size, seed=seed, workload=True))
    prep = sim.prep
    members = {m for dag in prep.dags.values() for m in dag.members}
    starred = walked = 0
    for element in relevant_elements(sim)[0]:
        state = sim.placement([element])
        w = state.world
        for vm in {vm for vm, _db in w.copy_lost | w.logs_lost} & members:
            if (vm, "*") in w.copy_lost or (vm, "*") in w.logs_lost:
                starred += 1
            else:
                walked += 1
        assert dag_impacts(prep, state) == _reference_impacts(prep, state), element
    assert starred > 0 and walked > 0
