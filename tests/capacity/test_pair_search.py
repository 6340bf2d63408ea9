"""The pair search's inputs and predictions equal straightforward references.

- :func:`dag_impacts` (which walks only DAG members' side of a site's thousands of
  touched VMs and lost copies) against a walk of everything the failure touched, on
  the states capacity reads: every single failure, site loss, double and site plus one
  it simulates, on the samples, generated designs and Hypothesis designs.
- :meth:`DagPredictor.predict` of two failures (its own path, ``_pair``) against
  activation by preference database by database (``test_capacity_fast_path``'s
  reference), for drawn sets of unusable members and lost copies, including the case
  where every server of the DAG is out.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_fast_path import _reference_predict
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.analysis import relevant_elements
from designer.capacity.search import DagImpact, DagPredictor, dag_impacts
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator
from designer.simulation.prepared import Prepared
from designer.workload import states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _sized_samples() -> list[Path]:
    return [
        p
        for p in sorted(SAMPLES.glob("*.json"))
        if states_workload(getattr(load(p), "design", load(p)))
    ]


def _reference_impacts(prep: Prepared, settled: Settled) -> dict[str, DagImpact]:
    """Every touched VM and lost copy looked at, every DAG member judged."""
    w = settled.world
    dags: set[str] = set()
    for vm in (*w.touched_vms, *w.vm_down, *w.vm_restarted, *w.vm_reset):
        dags.update(prep.dags_of_vm.get(vm, ()))
    if w.sites_down or w.links_down:
        dags.update(prep.dags)
    for dag_id, dag_state in settled.dags.items():
        base = settled.base_dags.get(dag_id) if settled.base_dags else None
        if dag_state != base:
            dags.add(dag_id)
    lost_by_vm: dict[str, set[str]] = defaultdict(set)
    for vm, db_id in (*w.copy_lost, *w.logs_lost):
        lost_by_vm[vm].add(db_id)
        dags.update(prep.dags_of_vm.get(vm, ()))
    found: dict[str, DagImpact] = {}
    for dag_id in sorted(dags):
        state = settled.dags.get(dag_id)
        quorum_lost = state is not None and not state.quorum
        unusable: set[str] = set()
        lost: set[tuple[str, str]] = set()
        for m in prep.dags[dag_id].members:
            site = w.site_of_vm(prep, m)
            if (
                not w.vm_up(m)
                or m in w.vm_restarted
                or m in w.vm_reset
                or site in w.sites_down
                or (state is not None and state.quorum and site not in state.quorum_sites)
            ):
                unusable.add(m)
            gone = lost_by_vm.get(m, set())
            if "*" in gone:
                lost.update((db_id, m) for db_id in prep.dbs_on_vm.get(m, ()))
            else:
                lost.update((db_id, m) for db_id in gone)
        if quorum_lost or unusable or lost:
            found[dag_id] = DagImpact(quorum_lost, frozenset(unusable), frozenset(lost))
    return found


def _check_impacts(design: Design) -> int:
    """Every state one sizing reads: (number of states, impacts found)."""
    sim = Simulator(design)
    prep = sim.prep
    states: list[Settled] = []
    singles, _skipped = relevant_elements(sim)
    by_element = {e: sim.placement([e]) for e in singles}
    states += by_element.values()
    states += [sim.settled([e]) for e in singles[:40]]
    report = capacity(sim, max_combined=None)
    for mode in report.evaluated:
        if mode.kind == "site_plus_one":
            states.append(sim.placement(mode.failed, after=by_element[mode.failed[0]]))
        elif mode.kind == "double":
            states.append(sim.placement(mode.failed))
    found = 0
    for settled in states:
        fast = dag_impacts(prep, settled)
        assert fast == _reference_impacts(prep, settled), settled.failed
        assert list(fast) == sorted(fast)
        found += len(fast)
    return found


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_dag_impacts_equal_the_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    _check_impacts(getattr(design, "design", design))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_dag_impacts_equal_the_reference_on_generated_designs(design: Design) -> None:
    assert _check_impacts(design) > 0


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_dag_impacts_equal_the_reference_on_generated_big_designs(size: str, seed: int) -> None:
    """Sites and arrays whose loss touches thousands of VMs and copies (the walk takes
    the DAG members' side there)."""
    from benchmarks.generate import generate_design

    assert _check_impacts(generate_design(size, seed=seed, workload=True)) > 20


# -- predictions of two failures ----------------------------------------------------------------
@cache
def _predictor(which: str = "1k") -> tuple[DagPredictor, list[str]]:
    """The generated 1k design's DAG (three copies to go to, one lagged), or a
    stretched DAG whose databases have four copies to go to."""
    from benchmarks.generate import generate_design

    design = (
        generate_design("1k", seed=1, workload=True)
        if which == "1k"
        else stretched(databases=6, members_per_site=3, copies=("bos", "wor", "bos", "wor"))
    )
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    dag_id = sorted(sim.prep.dags)[0]
    predictor = DagPredictor(sim.prep, dag_id, engine.base_active)
    return predictor, sorted(predictor.copies)


@st.composite
def _impact(draw: st.DrawFn, predictor: DagPredictor, dbs: list[str]) -> DagImpact:
    members = sorted(predictor.holders)
    few = draw(st.sampled_from([2, len(members)]))
    unusable = draw(st.sets(st.sampled_from(members), max_size=few))
    copies = [(db_id, m) for db_id in dbs for m, _lagged in predictor.copies[db_id]]
    lost = draw(st.sets(st.sampled_from(copies), max_size=40))
    return DagImpact(False, frozenset(unusable), frozenset(lost))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_pair_is_predicted_as_the_reference_places_it(data: st.DataObject) -> None:
    predictor, dbs = _predictor(data.draw(st.sampled_from(["1k", "stretched"])))
    a = data.draw(_impact(predictor, dbs))
    b = data.draw(_impact(predictor, dbs))
    assert predictor.predict((a, b)) == _reference_predict(predictor, (a, b))
    assert predictor.predict((b, a)) == _reference_predict(predictor, (b, a))


def test_a_pair_that_leaves_no_server_is_predicted_as_the_reference_places_it() -> None:
    """Each failure takes half the DAG's servers: every database goes nowhere."""
    predictor, dbs = _predictor()
    servers = sorted(predictor.holders)
    half = len(servers) // 2
    a = DagImpact(False, frozenset(servers[:half]), frozenset())
    b = DagImpact(False, frozenset(servers[half:]), frozenset([(dbs[0], servers[0])]))
    loads = predictor.predict((a, b))
    assert loads == _reference_predict(predictor, (a, b))
    assert loads is not None and set(loads.values()) == {0} and set(loads) >= set(servers)
    assert any(predictor.base.values())
    # One server left: its databases' next copies that are on it go there.
    c = DagImpact(False, frozenset(servers[1:half]), frozenset())
    assert predictor.predict((c, b)) == _reference_predict(predictor, (c, b))


def test_a_group_sent_to_a_member_out_goes_on_past_the_others_failures() -> None:
    """One failure sends a database to its second copy; the other takes that copy's
    member and the third copy (its member, or the copy itself): the database goes to
    its fourth. Every database with four copies, both orders, against the reference."""
    predictor, dbs = _predictor("stretched")
    checked = 0
    for db_id in dbs:
        order = [m for m, lagged in predictor.copies[db_id] if not lagged]
        if len(order) < 4 or predictor.active[db_id] != order[0]:
            continue
        first = DagImpact(False, frozenset([order[0]]), frozenset())
        others = [
            DagImpact(False, frozenset(order[1:3]), frozenset()),
            DagImpact(False, frozenset([order[1]]), frozenset([(db_id, order[2])])),
            DagImpact(False, frozenset([order[1], order[3]]), frozenset()),
        ]
        for other in others:
            for pair in ((first, other), (other, first)):
                assert predictor.predict(pair) == _reference_predict(predictor, pair)
                checked += 1
    assert checked >= 30


def test_a_group_whose_copies_the_other_destroys_goes_on_as_the_reference_places_it() -> None:
    """One failure takes a member; the other destroys copies on the member the first
    sends databases to: all of them, half of them, or all of them and those on a third
    member (or that member's server too). Every pair of members, both orders."""
    predictor, dbs = _predictor("stretched")
    members = sorted(predictor.holders)
    on = {m: [(db_id, m) for db_id in dbs if m in dict(predictor.copies[db_id])] for m in members}
    checked = 0
    for x in members:
        first = DagImpact(False, frozenset([x]), frozenset())
        for t in members:
            if t == x:
                continue
            others = [
                DagImpact(False, frozenset(), frozenset(on[t])),
                DagImpact(False, frozenset(), frozenset(on[t][::2])),
            ]
            for u in members:
                if u not in (x, t):
                    others.append(DagImpact(False, frozenset(), frozenset(on[t] + on[u])))
                    others.append(DagImpact(False, frozenset([u]), frozenset(on[t])))
            for other in others:
                for pair in ((first, other), (other, first)):
                    assert predictor.predict(pair) == _reference_predict(predictor, pair)
                    checked += 1
    assert checked > 200
