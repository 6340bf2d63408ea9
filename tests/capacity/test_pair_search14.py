"""The pair search's grouped moves (wave 14) against the database-by-database code they
replace (kept here).

The databases active on a member a failure makes unusable come in groups of the same
candidates; :class:`DagPredictor` places each group at once (``_place``) unless the
failure destroys one of its copies where the group would go (those, and the databases
whose active copy is lost on a usable member, one by one), and moves a group on at once
when its member is out too (``_shift``: the group as a whole to its next usable
candidate unless the failure destroys one of its copies there).
Compared exactly (every field: moved, targets, the mailboxes each member gains or
loses, where each goes, the (database, member) pairs placed; the shifts' totals,
members and pairs) for every single failure's impact on each DAG of the samples with a
workload, the generated 1k (seeds 0 and 1) and 10k designs, Hypothesis designs, a
design whose members run databases of two candidate orders, and drawn unusable members
and lost copies; every member each failure sends databases to shifted. The groups
themselves are checked against the databases active on each member. The search's
results (modes chosen, pairs examined) are compared with the former code in
``test_pair_search13``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_properties import designs
from test_pair_search import _sized_samples

from designer.capacity import CapacityEngine
from designer.capacity.analysis import relevant_elements
from designer.capacity.search import DagImpact, DagPredictor, _Alone, _Shift, dag_impacts
from designer.domain import Design
from designer.domain.elements import MailboxDatabase
from designer.persistence import load
from designer.simulation import Simulator
from designer.simulation.prepared import Prepared


def _former_by_itself(predictor: DagPredictor, impact: DagImpact) -> _Alone:
    """``_by_itself`` database by database, as before wave 14."""
    unusable, lost = impact.unusable, impact.lost
    moved: set[str] = set()
    for m in unusable:
        moved.update(predictor.active_on.get(m, ()))
    if lost:
        moved.update(db_id for db_id, on in predictor.active.items() if (db_id, on) in lost)
    targets: dict[str, str | None] = {}
    delta: dict[str, int] = {}
    by_target: dict[str, list[str]] = {}
    for db_id in moved:
        target = None
        for member in predictor.candidates[db_id]:
            if member in unusable or (db_id, member) in lost:
                continue
            target = member
            break
        targets[db_id] = target
        mailboxes = predictor.mailboxes[db_id]
        was = predictor.active[db_id]
        if was is not None:
            delta[was] = delta.get(was, 0) - mailboxes
        if target is not None:
            delta[target] = delta.get(target, 0) + mailboxes
            by_target.setdefault(target, []).append(db_id)
    return _Alone(
        impact,
        frozenset(moved),
        targets,
        delta,
        {m: frozenset(dbs) for m, dbs in by_target.items()},
        frozenset((db_id, t) for db_id, t in targets.items() if t is not None),
        {},
    )


def _former_shift(predictor: DagPredictor, alone: _Alone, member: str) -> _Shift:
    unusable, lost = alone.impact.unusable, alone.impact.lost
    total = 0
    goes: dict[str, int] = {}
    pairs: list[tuple[str, str]] = []
    for db_id in alone.by_target[member]:
        mailboxes = predictor.mailboxes[db_id]
        total += mailboxes
        order = predictor.candidates[db_id]
        for other in order[order.index(member) + 1 :]:
            if other in unusable or (db_id, other) in lost:
                continue
            goes[other] = goes.get(other, 0) + mailboxes
            pairs.append((db_id, other))
            break
    return _Shift(total, goes, frozenset(goes), frozenset(pairs))


def _same(got: _Alone, want: _Alone) -> None:
    assert got.moved == want.moved
    assert got.targets == want.targets
    assert got.delta == want.delta
    assert got.by_target == want.by_target
    assert got.placed == want.placed


def _check_impact(predictor: DagPredictor, impact: DagImpact) -> int:
    """The impact's moves, and every shift of them, against the former code; how many
    databases it moved without losing a copy (the grouped path)."""
    got = predictor._by_itself(impact)
    want = _former_by_itself(predictor, impact)
    _same(got, want)
    for member, dbs in got.by_target.items():
        grouped = [d for _order, group, _mailboxes in got.groups_to.get(member, ()) for d in group]
        alone = got.singles_to.get(member, [])
        assert sorted(grouped + alone) == sorted(dbs)
    assert set(got.groups_to) | set(got.singles_to) == set(got.by_target)
    if not impact.lost:
        assert not got.singles_to
    for member in want.by_target:
        assert predictor._shift(got, member) == _former_shift(predictor, want, member)
    return 0 if impact.lost else len(got.moved)


def _check_groups(predictor: DagPredictor) -> None:
    for member, groups in predictor._groups.items():
        seen: list[str] = []
        for order, (dbs, counts) in groups.items():
            assert all(predictor.candidates[d] == order for d in dbs)
            assert counts == [predictor.mailboxes[d] for d in dbs]
            seen += dbs
        assert seen == [d for d in predictor.active_on[member]]
    assert set(predictor._groups) == {m for m, dbs in predictor.active_on.items() if dbs}


def _check(design: Design) -> int:
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    singles, _skipped = relevant_elements(sim)
    impacts = {e: dag_impacts(sim.prep, sim.placement([e])) for e in singles}
    grouped = 0
    for dag_id in sorted(sim.prep.dags):
        predictor = DagPredictor(sim.prep, dag_id, engine.base_active)
        _check_groups(predictor)
        for e in singles:
            impact = impacts[e].get(dag_id)
            if impact is not None and not impact.quorum_lost:
                grouped += _check_impact(predictor, impact)
    return grouped


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_grouped_moves_equal_the_former_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_grouped_moves_equal_the_former_on_generated_designs(size: str, seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design(size, seed=seed, workload=True)) > 50


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_grouped_moves_equal_the_former_on_hypothesis_designs(design: Design) -> None:
    _check(design)


def _mixed() -> Design:
    """A stretched DAG whose databases have four copies to go to, where the second half
    of the databases prefer their third copy to their second: databases active on the
    same member with different candidates (several groups per member)."""
    design = stretched(databases=12, members_per_site=3, copies=("bos", "wor", "bos", "wor"))
    elements = []
    for element in design.elements:
        if isinstance(element, MailboxDatabase) and int(element.id[2:]) > 6:
            swap = {2: 3, 3: 2}
            copies = [
                c.model_copy(update={"activation_preference": swap.get(pref, pref)})
                for c in element.copies
                for pref in [c.activation_preference]
            ]
            element = element.model_copy(update={"copies": copies})
        elements.append(element)
    return Design(
        name=design.name, intent=design.intent, elements=elements, capacity=design.capacity
    )


def test_a_member_with_databases_of_different_candidates_has_a_group_each() -> None:
    """The grouped moves on a design where they matter: each member runs databases
    of two candidate orders."""
    design = _mixed()
    assert _check(design) > 0
    sim = Simulator(design)
    predictor = DagPredictor(sim.prep, "dag", CapacityEngine(sim).base_active)
    assert {len(groups) for groups in predictor._groups.values()} == {2}


@cache
def _dag(which: str) -> tuple[Prepared, str, dict[str, str | None]]:
    """The generated 1k design's first DAG, or a stretched DAG whose databases have
    four copies to go to in two orders per member (``_mixed``)."""
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=1, workload=True) if which == "1k" else _mixed()
    sim = Simulator(design)
    return sim.prep, sorted(sim.prep.dags)[0], CapacityEngine(sim).base_active


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["1k", "stretched"]))
def test_grouped_moves_equal_the_former_for_drawn_impacts(data: st.DataObject, which: str) -> None:
    """Any set of unusable members and lost copies (none, a few, many), a fresh
    predictor each time (nothing cached from another draw)."""
    prep, dag_id, active = _dag(which)
    predictor = DagPredictor(prep, dag_id, active)
    members = sorted(predictor.holders)
    unusable = data.draw(st.sets(st.sampled_from(members), max_size=len(members)))
    copies = [(d, m) for d, order in sorted(predictor.candidates.items()) for m in order]
    lost = data.draw(
        st.sets(st.sampled_from(copies), max_size=data.draw(st.sampled_from([0, 3, 60])))
    )
    if unusable or lost:
        _check_impact(predictor, DagImpact(False, frozenset(unusable), frozenset(lost)))
