"""The pair search's classes and batch (wave 19, ``capa19``).

:class:`DagPredictor` given the failures it will be asked about merges the databases no
prediction can tell apart (the same member active, the same copies by preference, the
same copies lost in each failure) into one of their summed mailboxes, and
:meth:`DagPredictor.consider` predicts every pair at once in numpy. Checked here:

- every pair's prediction on the classes (with the failures' classed lost copies)
  equals the prediction database by database, on the samples, generated 1k designs,
  Hypothesis designs and drawn failures (lost copies that split the classes);
- the classes are fewer than the databases where they can be (the merging is not
  vacuous), and a split is made where a failure loses part of a class's copies;
- ``consider`` predicted in several numpy passes (a small ``CHUNK``) keeps the same
  pairs as the former walk (``test_pair_search13``'s reference), ties to the first.

``test_pair_search13`` (the whole search against the wave 12 code, database by database)
and ``test_pair_search16`` (``consider`` against ``predict``) are the end-to-end proof.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_properties import designs
from test_pair_search import _impact, _sized_samples
from test_pair_search13 import _check as _search_check
from test_pair_search13 import _former_pairs

from designer.capacity import CapacityEngine
from designer.capacity import search as search_module
from designer.capacity.analysis import relevant_elements
from designer.capacity.search import DagImpact, DagPredictor, dag_impacts
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator


def _same_predictions(plain: DagPredictor, classed: DagPredictor, impacts: list[DagImpact]) -> int:
    """Every pair (and every failure alone) predicted both ways."""
    assert classed.base == plain.base
    assert classed.holders == plain.holders
    assert classed.members == plain.members
    assert sum(classed.mailboxes.values()) == sum(plain.mailboxes.values())
    assert len(classed.classed) == len(impacts)
    both = list(zip(impacts, classed.classed, strict=True))
    compared = 0
    for (ia, ca), (ib, cb) in combinations(both, 2):
        assert ca.quorum_lost == ia.quorum_lost and ca.unusable == ia.unusable
        assert classed.predict([ca, cb]) == plain.predict([ia, ib]), (ia, ib)
        compared += 1
    for ia, ca in both:
        assert classed.predict([ca]) == plain.predict([ia])
    return compared


def _check(design: Design) -> tuple[int, int, int]:
    """(pairs compared, databases, classes) over every DAG of one sizing's failures."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    singles, _skipped = relevant_elements(sim)
    impacts = {e: dag_impacts(sim.prep, sim.placement([e])) for e in singles}
    loads = engine.workload.loads()
    compared = databases = classes = 0
    for dag_id in sorted(sim.prep.dags):
        hits = [impacts[e][dag_id] for e in singles if dag_id in impacts[e]]
        plain = DagPredictor(sim.prep, dag_id, engine.base_active, loads)
        classed = DagPredictor(sim.prep, dag_id, engine.base_active, loads, hits)
        compared += _same_predictions(plain, classed, hits)
        databases += len(plain.candidates)
        classes += len(classed.candidates)
    return compared, databases, classes


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_classes_predict_as_the_databases_on_the_samples(path: Any) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


def test_the_classes_predict_as_the_databases_on_generated_designs() -> None:
    """Generated 1k designs, seeds 0 and 1: databases of one member, order and lost
    copies are one class, far fewer than the databases."""
    from benchmarks.generate import generate_design

    for seed in (0, 1):
        compared, databases, classes = _check(generate_design("1k", seed=seed, workload=True))
        assert compared > 50 and classes * 4 <= databases, (seed, compared, classes, databases)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_classes_predict_as_the_databases_on_hypothesis_designs(design: Design) -> None:
    _check(design)


def _made(which: str) -> tuple[Simulator, CapacityEngine, str]:
    from benchmarks.generate import generate_design

    design = (
        generate_design("1k", seed=1, workload=True)
        if which == "1k"
        else stretched(databases=6, members_per_site=3, copies=("bos", "wor", "bos", "wor"))
    )
    sim = Simulator(design)
    return sim, CapacityEngine(sim), sorted(sim.prep.dags)[0]


_MADE: dict[str, tuple[Simulator, CapacityEngine, str]] = {}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["1k", "stretched"]), st.sampled_from([0, 10**9]))
def test_the_classes_predict_as_the_databases_for_drawn_impacts(
    data: st.DataObject, which: str, small: int
) -> None:
    """Drawn unusable members and lost copies (any copy of any database: the classes
    are split wherever a failure loses part of one's copies on a member); ``consider``
    in numpy (``SMALL`` 0) and walking the pairs (``SMALL`` huge)."""
    search_module._Batch.SMALL, kept = small, search_module._Batch.SMALL
    try:
        _drawn(data, which)
    finally:
        search_module._Batch.SMALL = kept


def _drawn(data: st.DataObject, which: str) -> None:
    if which not in _MADE:
        _MADE[which] = _made(which)
    sim, engine, dag_id = _MADE[which]
    plain = DagPredictor(sim.prep, dag_id, engine.base_active)
    dbs = sorted(plain.copies)
    impacts = data.draw(st.lists(_impact(plain, dbs), min_size=1, max_size=6))
    classed = DagPredictor(sim.prep, dag_id, engine.base_active, None, impacts)
    _same_predictions(plain, classed, impacts)
    named = [(f"e{n}", c) for n, c in enumerate(classed.classed)]
    pairs = [((a, b), ca, cb) for (a, ca), (b, cb) in combinations(named, 2)]
    best: dict[Any, Any] = {}
    classed.consider(best, "double", pairs)
    reference = DagPredictor(sim.prep, dag_id, engine.base_active)
    plain_pairs = [
        ((a, b), ia, ib)
        for (a, ia), (b, ib) in combinations([(f"e{n}", i) for n, i in enumerate(impacts)], 2)
    ]
    assert best == _former_pairs(reference, "double", plain_pairs)


def test_a_failure_losing_part_of_a_class_splits_it() -> None:
    """Half the databases of one (member, order) lose their copy on their second
    candidate: they become a class of their own, named by their first, and the pair
    that sends the class there predicts as database by database."""
    sim, engine, dag_id = _made("stretched")
    plain = DagPredictor(sim.prep, dag_id, engine.base_active)
    whole = DagPredictor(sim.prep, dag_id, engine.base_active, None, [])
    on, groups = next(iter(plain._groups.items()))
    order, (dbs, _counts) = next(iter(groups.items()))
    assert len(dbs) >= 2 and len(order) >= 2
    half = sorted(dbs)[: len(dbs) // 2]
    down = DagImpact(False, frozenset([on]), frozenset())
    part = DagImpact(False, frozenset(), frozenset((db_id, order[1]) for db_id in half))
    classed = DagPredictor(sim.prep, dag_id, engine.base_active, None, [down, part])
    assert len(classed.candidates) == len(whole.candidates) + 1
    assert classed.classed[0] is down  # nothing lost: kept as it is
    assert classed.classed[1].lost == {(half[0], order[1])}
    assert half[0] in classed.candidates
    _same_predictions(plain, classed, [down, part])


@pytest.mark.parametrize("chunk", [1, search_module._Batch.CHUNK])
def test_consider_in_numpy_keeps_the_same_pairs(monkeypatch: Any, chunk: int) -> None:
    """Every search in numpy (``SMALL`` 0), a pass per pair (``CHUNK`` 1) and the
    default: the search's modes, pairs examined and truncation equal the former's on a
    generated 1k design and the samples."""
    from benchmarks.generate import generate_design

    monkeypatch.setattr(search_module._Batch, "SMALL", 0)
    monkeypatch.setattr(search_module._Batch, "CHUNK", chunk)
    assert _search_check(generate_design("1k", seed=0, workload=True)) > 20
    for path in _sized_samples():
        design = load(path)
        _search_check(getattr(design, "design", design))


def test_a_small_search_walks_its_pairs_and_a_large_one_takes_numpy(monkeypatch: Any) -> None:
    """The sample (a few pairs) is walked: no batch made, numpy not needed; with
    ``SMALL`` 0 the same search makes its batches and keeps the same modes."""
    made: list[object] = []
    real = search_module._Batch.__init__

    def counted(self: Any, predictor: DagPredictor) -> None:
        made.append(predictor)
        real(self, predictor)

    monkeypatch.setattr(search_module._Batch, "__init__", counted)
    path = next(p for p in _sized_samples() if p.stem == "dag_with_ha")
    design = load(path)
    walked = _search_check(getattr(design, "design", design))
    assert not made
    monkeypatch.setattr(search_module._Batch, "SMALL", 0)
    assert _search_check(getattr(design, "design", design)) == walked
    assert made


def _within(design: Design) -> int:
    """Every two impacts on one DAG of one sizing's failures: ``lost_within`` against
    the sets' own comparison; how many were decided by member."""
    sim = Simulator(design)
    singles, _skipped = relevant_elements(sim)
    impacts = {e: dag_impacts(sim.prep, sim.placement([e])) for e in singles}
    by_member = 0
    for dag_id in sorted(sim.prep.dags):
        hits = [impacts[e][dag_id] for e in singles if dag_id in impacts[e]]
        for a in hits:
            for b in hits:
                assert a.lost_within(b) == (a.lost <= b.lost), (a, b)
                by_member += bool(a.lost and a.lost_by_member and a.lost <= b.lost)
    return by_member


@pytest.mark.parametrize("seed", [0, 1])
def test_lost_within_equals_the_subset_test_on_generated_designs(seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _within(generate_design("1k", seed=seed, workload=True)) > 10


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_lost_within_equals_the_subset_test_on_the_samples(path: Any) -> None:
    design = load(path)
    _within(getattr(design, "design", design))


def test_lost_within_without_members_compares_the_sets() -> None:
    a = DagImpact(False, frozenset(), frozenset([("db1", "m1")]))
    b = DagImpact(False, frozenset(), frozenset([("db1", "m1"), ("db2", "m1")]), (("m1", ["db1"]),))
    assert a.lost_within(b) and not b.lost_within(a)
    listed = ["db1", "db2"]
    c = DagImpact(False, frozenset(), frozenset([("db1", "m1"), ("db2", "m1")]), (("m1", listed),))
    d = DagImpact(False, frozenset(), frozenset([("db1", "m1"), ("db2", "m1")]), (("m1", listed),))
    other = DagImpact(False, frozenset(), frozenset([("db3", "m1")]), (("m1", ["db3"]),))
    assert c.lost_within(d) and d.lost_within(c)
    assert not other.lost_within(c) and not c.lost_within(other)
