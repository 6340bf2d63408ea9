"""The pair search as wave 13 made it, against the code it replaced (kept here):
:meth:`DagPredictor.consider` (pairs whose failures do not meet read only the members
both send mailboxes to; the others predicted by ``_pair``) against ``predict`` then the
former ``_consider`` pair by pair, and each failure's moves alone looked up by the impact
object before its signature. Compared exactly: the double and site-plus-one failures
chosen, in order, how many pairs were examined, whether the search was truncated, on
every sample with a workload, generated 1k (seeds 0 and 1) and 10k designs, Hypothesis
designs, and drawn impacts (equal ones from distinct objects, quorum lost)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_properties import designs
from test_pair_search import _impact, _predictor, _sized_samples

from designer.capacity import CapacityEngine
from designer.capacity.analysis import (
    MAX_CANDIDATES_PER_DAG,
    _combined_modes,
    _mode,
    relevant_elements,
)
from designer.capacity.modes import Mode, ModeKind
from designer.capacity.search import DagImpact, DagPredictor, dag_impacts
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator

Best = dict[tuple[ModeKind, str], tuple[int, tuple[str, ...]]]


def _former_consider(
    best: Best,
    predictor: DagPredictor,
    kind: ModeKind,
    failed: tuple[str, ...],
    loads: dict[str, int] | None,
) -> None:
    if loads is None:
        return
    for member, mailboxes in loads.items():
        if mailboxes <= predictor.base.get(member, 0):
            continue
        key = (kind, member)
        if key not in best or mailboxes > best[key][0]:
            best[key] = (mailboxes, failed)


def _former_combined(
    sim: Simulator,
    engine: CapacityEngine,
    singles: list[str],
    impacts: dict[str, dict[str, DagImpact]],
) -> tuple[list[Mode], int, bool]:
    """The former ``_combined_modes``: ``predict`` and ``_consider`` pair by pair."""
    prep = sim.prep
    active = {
        db_id: (st.active_on if st.status == "active" else None)
        for db_id, st in engine.baseline.items()
    }
    wanted: dict[tuple[str, ...], tuple[ModeKind, int]] = {}
    examined = 0
    truncated = False
    for dag_id in sorted(prep.dags):
        predictor = DagPredictor(prep, dag_id, active)
        hits = [(e, impacts[e][dag_id]) for e in singles if dag_id in impacts.get(e, {})]
        sites = [(e, i) for e, i in hits if e in prep.sites and not i.quorum_lost]
        others: list[tuple[str, DagImpact]] = []
        seen: set[object] = set()
        for element, impact in hits:
            if element in prep.sites or impact.quorum_lost or impact.signature in seen:
                continue
            seen.add(impact.signature)
            others.append((element, impact))
        if len(others) > MAX_CANDIDATES_PER_DAG:
            truncated = True
            others.sort(key=lambda ei: (-len(ei[1].unusable) - len(ei[1].lost), ei[0]))
            others = sorted(others[:MAX_CANDIDATES_PER_DAG])
        best: Best = {}
        for (a, ia), (b, ib) in combinations(others, 2):
            examined += 1
            _former_consider(best, predictor, "double", (a, b), predictor.predict((ia, ib)))
        for site, isite in sites:
            for element, impact in others:
                if impact.unusable <= isite.unusable and impact.lost <= isite.lost:
                    continue
                if prep.vm_site.get(element) == site or element in prep.in_site.get(site, {}).get(
                    "hosts", ()
                ):
                    continue
                examined += 1
                loads = predictor.predict((isite, impact))
                _former_consider(best, predictor, "site_plus_one", (site, element), loads)
        for (kind, member), (load_, failed) in sorted(best.items()):
            key = tuple(sorted(failed)) if kind == "double" else failed
            excess = load_ - predictor.base.get(member, 0)
            if key not in wanted or excess > wanted[key][1]:
                wanted[key] = (kind, excess)
    ordered = sorted(wanted.items(), key=lambda kv: (-kv[1][1], kv[1][0], kv[0]))
    modes = [_mode(sim, kind, failed) for failed, (kind, _excess) in ordered]
    return modes, examined, truncated


def _check(design: Design) -> int:
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    singles, _skipped = relevant_elements(sim)
    impacts = {e: dag_impacts(sim.prep, sim.placement([e])) for e in singles}
    got = _combined_modes(sim, engine, singles, impacts)
    want = _former_combined(sim, engine, singles, impacts)
    assert got == want
    return got[1]


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_search_equals_the_former_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_the_search_equals_the_former_on_generated_designs(size: str, seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design(size, seed=seed, workload=True)) > 20


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_search_equals_the_former_on_hypothesis_designs(design: Design) -> None:
    _check(design)


def _former_pairs(
    predictor: DagPredictor,
    kind: ModeKind,
    pairs: list[tuple[tuple[str, ...], DagImpact, DagImpact]],
) -> Best:
    best: Best = {}
    for failed, ia, ib in pairs:
        _former_consider(best, predictor, kind, failed, predictor.predict((ia, ib)))
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["1k", "stretched"]))
def test_consider_equals_the_former_on_drawn_impacts(data: st.DataObject, which: str) -> None:
    """Drawn impacts (unusable members, lost copies), some the same content in another
    object, some costing the DAG its quorum, paired every way."""
    predictor, dbs = _cached_predictor(which)
    impacts = data.draw(st.lists(_impact(predictor, dbs), min_size=2, max_size=7))
    twins = [DagImpact(i.quorum_lost, frozenset(i.unusable), frozenset(i.lost)) for i in impacts]
    quorum = [DagImpact(True, i.unusable, i.lost) for i in impacts[:1]]
    every = [*impacts, *twins[: data.draw(st.integers(0, len(twins)))], *quorum]
    named = [(f"e{n}", i) for n, i in enumerate(every)]
    pairs = [((a, b), ia, ib) for (a, ia), (b, ib) in combinations(named, 2)]
    fresh, _dbs = _predictor(which)
    best: Best = {}
    fresh.consider(best, "site_plus_one", pairs)
    reference, _dbs = _predictor(which)
    assert best == _former_pairs(reference, "site_plus_one", pairs)


_PREDICTORS: dict[str, tuple[DagPredictor, list[str]]] = {}


def _cached_predictor(which: str) -> tuple[DagPredictor, list[str]]:
    if which not in _PREDICTORS:
        _PREDICTORS[which] = _predictor(which)
    return _PREDICTORS[which]
