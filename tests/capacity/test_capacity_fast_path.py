"""The fast path of capacity sizing equals a straightforward reference.

:func:`designer.capacity.capacity` evaluates each failure mode from what the failure
changed (the databases whose active member, copies or routes changed; the members a
database moved to or from), predicts double failures from each failure's moves alone,
and aggregates the report from the members and hosts each mode touched. Here every
mode is recomputed from scratch instead — every stream of every database, every
member's load from every database it holds, every pair predicted by walking the
activation preferences, every host and member over every mode — and compared with
it, on every sample design that states a workload and on small generated designs.

Capacity reads the simulator's placement (``Simulator.placement``: where each database
is active, without texts, RPO, routes or actions) instead of its full settled states:
the report (its JSON, every mode) must be the same byte for byte as sized from
``Simulator.settled``, on the samples, a generated 1k design and generated designs.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.analysis import MAX_COMBINED, copy_log_luns, relevant_elements
from designer.capacity.engine import ModeResult
from designer.capacity.modes import NORMAL, Mode
from designer.capacity.report import CapacityReport
from designer.capacity.search import DagImpact, DagPredictor, dag_impacts
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator
from designer.workload import states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _sized_samples() -> list[Path]:
    found = []
    for path in sorted(SAMPLES.glob("*.json")):
        design = load(path)
        if states_workload(getattr(design, "design", design)):
            found.append(path)
    return found


# -- the reference ---------------------------------------------------------------------------
def _settled(sim: Simulator, report: CapacityReport) -> dict[str, Settled | None]:
    """Each evaluated mode's settled state, as capacity settles it (a site loss plus one
    goes on from the site's state)."""
    states: dict[str, Settled | None] = {NORMAL.key: None}
    for mode in report.evaluated[1:]:
        if mode.kind == "site_plus_one":
            site = sim.settled([mode.failed[0]])
            states[mode.key] = sim.settled(mode.failed, after=site)
        else:
            states[mode.key] = sim.settled(mode.failed)
    return states


def _reference_links(engine: CapacityEngine, view: ModeView) -> dict[tuple[str, str], dict]:
    flows = engine.flows
    routed = [r for db_id in sorted(flows.shipping) for r in flows.database(db_id, view)]
    routed += flows.others(view)
    totals = engine._totals(routed)
    out: dict[tuple[str, str], dict] = {}
    for link_id in engine.prep.links:
        for way in ("a_to_b", "b_to_a"):
            kinds = totals.get((link_id, way), {})
            out[(link_id, way)] = {k: v for k, v in kinds.items() if v > 1e-9}
    return out


def _same_kinds(fast: dict, slow: dict) -> bool:
    keys = set(fast) | set(slow)
    return all(math.isclose(fast.get(k, 0.0), slow.get(k, 0.0), abs_tol=1e-6) for k in keys)


def _check_modes(sim: Simulator, engine: CapacityEngine, report: CapacityReport) -> None:
    states = _settled(sim, report)
    for mode in report.evaluated:
        settled = states[mode.key]
        members_only = mode.kind in ("double", "site_plus_one")
        fast: ModeResult = (
            engine.normal
            if mode.kind == "normal"
            else engine.evaluate(mode, settled, members_only=members_only)
        )
        view = ModeView(engine.prep, engine.links, engine.baseline, settled)
        if not members_only:
            slow = _reference_links(engine, view)
            for key, kinds in slow.items():
                assert _same_kinds(dict(fast.links[key].by_kind), kinds), (mode.label, key)
        slow_members = engine._member_loads(view, engine.members)
        for member in engine.members:
            a, b = engine.member_load(fast, member), slow_members[member]
            assert (a.up, a.host, a.active_databases, a.active_mailboxes) == (
                b.up,
                b.host,
                b.active_databases,
                b.active_mailboxes,
            ), (mode.label, member)
            assert a.passive_mailboxes == b.passive_mailboxes, (mode.label, member)
            assert math.isclose(a.megacycles, b.megacycles, abs_tol=1e-4), (mode.label, member)
            assert math.isclose(a.memory_gb, b.memory_gb, abs_tol=1e-4), (mode.label, member)


def _reference_predict(
    predictor: DagPredictor, impacts: tuple[DagImpact, ...]
) -> dict[str, int] | None:
    """Activation by preference, database by database (what the search predicts)."""
    unusable: set[str] = set()
    lost: set[tuple[str, str]] = set()
    for impact in impacts:
        if impact.quorum_lost:
            return None
        unusable |= impact.unusable
        lost |= impact.lost
    moved = {
        db_id
        for db_id, on in predictor.active.items()
        if on is not None and (on in unusable or (db_id, on) in lost)
    }
    loads = dict(predictor.base)
    for db_id in moved:
        was = predictor.active[db_id]
        loads[was] = loads.get(was, 0) - predictor.mailboxes[db_id]  # type: ignore[index]
        for member, lagged in predictor.copies[db_id]:
            if lagged or member in unusable or (db_id, member) in lost:
                continue
            loads[member] = loads.get(member, 0) + predictor.mailboxes[db_id]
            break
    for m in unusable:
        loads[m] = 0
    return loads


def _check_predictions(sim: Simulator, engine: CapacityEngine) -> None:
    prep = sim.prep
    singles, _skipped = relevant_elements(sim)
    impacts = {e: dag_impacts(prep, sim.settled([e])) for e in singles}
    active = {
        db_id: (st.active_on if st.status == "active" else None)
        for db_id, st in engine.baseline.items()
    }
    for dag_id in sorted(prep.dags):
        predictor = DagPredictor(prep, dag_id, active)
        hits = [impacts[e][dag_id] for e in singles if dag_id in impacts[e]]
        for pair in combinations(hits, 2):
            assert predictor.predict(pair) == _reference_predict(predictor, pair)
        for impact in hits:
            assert predictor.predict((impact,)) == _reference_predict(predictor, (impact,))


def _check_report(engine: CapacityEngine, sim: Simulator, report: CapacityReport) -> None:
    """Members' and hosts' worst modes, over every mode read in full."""
    states = _settled(sim, report)
    results = [engine.normal] + [
        engine.evaluate(
            mode, states[mode.key], members_only=mode.kind in ("double", "site_plus_one")
        )
        for mode in report.evaluated[1:]
    ]
    for member_report in report.members:
        member = member_report.vm.id
        base = engine.base_members[member]
        worst: dict[str, tuple[object, object]] = {}
        for result in results[1:]:
            load = engine.member_load(result, member)
            current = worst.get(result.mode.kind)
            if current is None or load.rank > current[1].rank:  # type: ignore[attr-defined]
                worst[result.mode.kind] = (result.mode, load)
        for kind, (_mode, load) in list(worst.items()):
            if load.rank <= base.rank:  # type: ignore[attr-defined]
                worst[kind] = (NORMAL, base)
        assert list(member_report.worst_by_kind) == list(worst)
        assert member_report.worst_by_kind == worst
    on_host: dict[str, list[str]] = defaultdict(list)
    for member, load in engine.base_members.items():
        if load.host:
            on_host[load.host].append(member)

    def host_load(result: ModeResult, host: str) -> tuple[int, int]:
        if host in (result.mode.failed or ()):
            return (0, 0)
        running = {m for m in engine.members if engine.member_load(result, m).host == host}
        loads = [engine.member_load(result, m) for m in running]
        return sum(x.active_databases for x in loads), sum(x.active_mailboxes for x in loads)

    for host_report in report.hosts:
        host = host_report.host.id
        assert host_report.normal == host_load(results[0], host)
        worst_host: dict[str, tuple[object, tuple[int, int]]] = {}
        for result in results[1:]:
            value = host_load(result, host)
            kind = result.mode.kind
            if kind not in worst_host or value[1] > worst_host[kind][1][1]:
                worst_host[kind] = (result.mode, value)
        assert host_report.worst_by_kind == worst_host, host


def _check(design: Design) -> None:
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    report = capacity(sim, engine=engine, max_combined=None)
    _check_modes(sim, engine, report)
    _check_predictions(sim, engine)
    _check_report(engine, sim, report)


# -- the tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_fast_path_equals_the_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_fast_path_equals_the_reference_on_generated_designs(design: Design) -> None:
    _check(design)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_fast_path_equals_the_reference_on_a_generated_1k_design(seed: int) -> None:
    """The generated designs' shape (arrays whose loss destroys hundreds of copies,
    stretched DAGs with lagged copies, a full WAN mesh): every mode's links and member
    loads, every pair's prediction and the report's worst modes against the reference."""
    from benchmarks.generate import generate_design

    _check(generate_design("1k", seed=seed, workload=True))


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_degraded_links_are_figured_as_the_reference_does(path: Path) -> None:
    """A scenario's degraded links (the Capacity dock's what-if): a link's bandwidth
    cut or one direction down, alone and with a failure; the figures of every link
    direction equal the reference's, and a cut link carries its new bandwidth (not
    normal operation's figures, which the fast path reuses for untouched links)."""
    design = load(path)
    design = getattr(design, "design", design)
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    failures = [None, *(sim.settled([e]) for e in relevant_elements(sim)[0][:3])]
    for link_id in sorted(engine.prep.links):
        cuts: list[tuple[dict[str, float], dict[str, str]]] = [
            ({link_id: 1.0}, {}),
            ({}, {link_id: "a_to_b"}),
            ({link_id: 2.5}, {link_id: "b_to_a"}),
        ]
        for settled in failures:
            for bandwidth, directions in cuts:
                mode = NORMAL if settled is None else Mode("scenario", settled.failed, "what-if")
                fast = engine.evaluate(
                    mode,
                    settled,
                    bandwidth=bandwidth,
                    directions_down=directions,  # type: ignore[arg-type]
                )
                view = ModeView(
                    engine.prep,
                    engine.links,
                    engine.baseline,
                    settled,
                    bandwidth=bandwidth,
                    directions_down=directions,  # type: ignore[arg-type]
                )
                for key, kinds in _reference_links(engine, view).items():
                    assert _same_kinds(dict(fast.links[key].by_kind), kinds), (link_id, key)
                    assert fast.links[key].bandwidth_mbps == view.bandwidth[key[0]], key
                for link, bw in bandwidth.items():
                    assert fast.links[(link, "a_to_b")].bandwidth_mbps == bw


def test_copies_log_luns_equal_the_workloads_own() -> None:
    """The report's log LUNs read each copy's log LUNs in one pass over a database's
    disks; the same as :meth:`Workload.log_luns` for every copy's server, and a server
    without a disk of the database has none."""
    from benchmarks.generate import generate_design

    designs = [getattr(d, "design", d) for d in map(load, _sized_samples())]
    designs.append(generate_design("1k", seed=0, workload=True))
    checked = 0
    for design in designs:
        sim = Simulator(design)
        workload = CapacityEngine(sim).workload
        for db_id, db in sim.prep.dbs.items():
            found = copy_log_luns(sim.prep, db_id)
            servers = {c.member for c in db.copies} | set(found) | set(sim.prep.vms)
            for server in sorted(servers):
                assert found.get(server, []) == workload.log_luns(db_id, server), (db_id, server)
                checked += 1
    assert checked > 1000


# -- the simulator's placement against its settled states --------------------------------------
class _SettledOnly(Simulator):
    """Capacity sized from the simulator's full settled states instead of its placement
    (what it read before ``Simulator.placement`` existed)."""

    def placement(
        self, failed: Iterable[str], *, after: Settled | None = None, beside: Settled | None = None
    ) -> Settled:
        return self.settled(failed, after=after)


def _report_json(sim: Simulator, *, max_combined: int | None = None) -> str:
    report = capacity(sim, max_combined=max_combined)
    return json.dumps(report.to_json(all_modes=True), sort_keys=True)


def _same_report(design: Design, *, max_combined: int | None = None) -> None:
    fast = _report_json(Simulator(design), max_combined=max_combined)
    full = _report_json(_SettledOnly(design), max_combined=max_combined)
    assert fast == full


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_placement_sizes_the_samples_as_settled_states_do(path: Path) -> None:
    design = load(path)
    _same_report(getattr(design, "design", design))


def test_placement_sizes_a_generated_design_as_settled_states_do() -> None:
    from benchmarks.generate import generate_design

    _same_report(generate_design("1k", seed=0, workload=True), max_combined=MAX_COMBINED)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_placement_sizes_generated_designs_as_settled_states_do(design: Design) -> None:
    _same_report(design)
