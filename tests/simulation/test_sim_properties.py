"""Properties: the simulator is deterministic, and failing more never helps."""

from __future__ import annotations

import math
import sys
from functools import cache
from pathlib import Path

import sim_designs as designs
from hypothesis import given
from hypothesis import strategies as st

from designer.domain import Design, ScenarioStep
from designer.simulation import Simulator


def _generated() -> Design:
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
        sys.path.insert(0, root)
    from benchmarks.generate import generate_design

    return generate_design("1k", seed=3)


_BUILDERS = {
    "dag_with_ha": designs.dag_with_ha,
    "stretched_dag": designs.stretched_dag,
    "stretched_dag_witness_s1": lambda: designs.stretched_dag(witness_site="s1"),
    "lagged_dr": designs.lagged_dr,
    "standalone_ha": designs.standalone_ha,
    "standalone_small_hosts": lambda: designs.standalone_ha(memory=48.0),
    "mirrorview_srm": designs.mirrorview_srm,
    "double_take": designs.double_take,
    "exchange2007": designs.exchange2007,
    "generated_1k": _generated,
}


@cache
def _design(name: str) -> Design:
    return _BUILDERS[name]()


@cache
def _simulator(name: str) -> Simulator:
    return Simulator(_design(name))


def _failable(name: str) -> list[str]:
    sim = _simulator(name)
    ids = [e.id for e in _design(name).elements if type(e).infrastructure]
    return sorted(ids + [sp for sp in sim.prep.sp_array])


@st.composite
def failure_sets(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    name = draw(st.sampled_from(sorted(_BUILDERS)))
    elements = _failable(name)
    sub = draw(st.lists(st.sampled_from(elements), unique=True, max_size=4))
    more = draw(st.lists(st.sampled_from(elements), unique=True, max_size=3))
    return name, sorted(sub), sorted(set(sub) | set(more))


def _steps(ids: list[str]) -> list[ScenarioStep]:
    return [ScenarioStep(action="fail", target=i) for i in ids]


def _inf(value: float | None) -> float:
    return math.inf if value is None else value


@given(failure_sets())
def test_same_input_same_output(case: tuple[str, list[str], list[str]]) -> None:
    name, _, ids = case
    first = Simulator(_design(name)).run(_steps(ids))
    second = _simulator(name).run(_steps(ids))
    assert first == second
    assert first.final.failed == tuple(ids)


@given(failure_sets())
def test_failing_more_never_helps(case: tuple[str, list[str], list[str]]) -> None:
    name, sub, sup = case
    sim = _simulator(name)
    small = sim.run(_steps(sub)).final
    large = sim.run(_steps(sup)).final
    assert large.mailboxes_available <= small.mailboxes_available
    for before, after in zip(small.databases, large.databases, strict=True):
        assert _inf(after.rpo_s) >= _inf(before.rpo_s), (before, after)
        if not before.available:
            assert not after.available, (before, after)
    for before_site, after_site in zip(small.sites, large.sites, strict=True):
        assert after_site.users_with_access <= before_site.users_with_access


@given(failure_sets())
def test_impact_agrees_with_full_run(case: tuple[str, list[str], list[str]]) -> None:
    name, _, ids = case
    sim = _simulator(name)
    final = sim.run(_steps(ids), events=False).final
    impact = sim.impact(ids)
    assert sim.base_available - impact.mailboxes_lost == final.mailboxes_available


@given(failure_sets(), st.data())
def test_offered_actions_are_always_accepted(
    case: tuple[str, list[str], list[str]], data: st.DataObject
) -> None:
    name, _, ids = case
    sim = _simulator(name)
    steps = _steps(ids)
    for at in (60.0, 120.0):
        offered = sim.run(steps, events=False).final.actions
        if not offered:
            break
        action = data.draw(st.sampled_from(offered))
        steps.append(
            ScenarioStep(at_s=at, action="admin", admin_action=action.name, target=action.target)
        )
    result = sim.run(steps)
    assert len(result.steps) == len(steps)
    # An administrator action never makes fewer mailboxes available.
    before = sim.run(_steps(ids), events=False).final.mailboxes_available
    assert result.final.mailboxes_available >= before
