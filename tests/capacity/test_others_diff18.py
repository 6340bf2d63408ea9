"""A mode's mirror and Double-Take streams shifted only where they differ (wave 18).

:meth:`CapacityEngine.evaluate` used to take every one of normal operation's mirror and
Double-Take streams away from the link totals and add the mode's back whenever a link,
site, LUN or replication failed. It now shifts only the streams that differ
(:meth:`CapacityEngine._others_diff`: normal operation's streams the mode does not send,
and the mode's that normal operation does not send), found by each stream's element.
Checked against a diff of the two lists as sets on every state capacity evaluates
(every sample with a workload, generated 1k designs with each link's, LUN's and
replication's failure, Hypothesis designs), and the mode's link figures against those
of the full shift within float rounding. A mutant that keeps a stream whose route
changed fails it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_lost_copies import _states

from designer.capacity import CapacityEngine
from designer.capacity.flows import Routed
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator


def _reference(base: list[Routed], others: list[Routed]) -> tuple[list[Routed], list[Routed]]:
    before, now = set(base), set(others)
    return [r for r in base if r not in now], [r for r in others if r not in before]


def _check(design: Design, more: bool = False) -> int:
    """Asserts the diffs; returns how many modes changed a stream."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    states = _states(sim, engine)
    if more:
        prep = sim.prep
        for element in sorted({*prep.links, *prep.luns, *prep.mirrors, *prep.host_repls}):
            states.append(sim.placement([element]))
    differ = 0
    for state in states:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        others = engine.flows.others(view)
        mine = engine._others_diff(others)
        assert mine == _reference(engine.base_other, others), state.failed
        differ += bool(mine[0] or mine[1])
        # The link figures as the full shift gives them, within float rounding.
        full: dict[object, dict[str, float]] = {}
        engine._shift(full, engine.base_totals, engine.base_other, others)
        some: dict[object, dict[str, float]] = {}
        engine._shift(some, engine.base_totals, *mine)
        for key, kinds in full.items():
            got = some.get(key, engine.base_totals.get(key, {}))
            for kind, value in kinds.items():
                assert math.isclose(got.get(kind, 0.0), value, rel_tol=1e-9, abs_tol=1e-9), (
                    state.failed,
                    key,
                    kind,
                )
    return differ


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_streams_that_differ_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_streams_that_differ_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design("1k", seed=seed, workload=True), more=True) > 10


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_streams_that_differ_on_generated_designs(design: Design) -> None:
    _check(design)


def test_an_element_sending_twice_is_diffed_as_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two streams of one element (not made today) fall back to the sets' diff."""
    from benchmarks.generate import generate_design

    engine = CapacityEngine(Simulator(generate_design("1k", seed=0, workload=True)))
    base = engine.base_other
    assert base
    twice = [*base, base[0]]
    monkeypatch.setattr(engine, "base_other", twice)
    assert engine._base_other_of() is None
    assert engine._others_diff(base) == _reference(twice, base)


def test_a_rerouted_stream_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not vacuous: a diff that matched streams by their element alone
    (their routes not compared) is caught."""
    from benchmarks.generate import generate_design

    def by_element(self: CapacityEngine, others: list[Routed]) -> tuple[list[Routed], list[Routed]]:
        now = {r[0].element for r in others}
        before = {r[0].element for r in self.base_other}
        return (
            [r for r in self.base_other if r[0].element not in now],
            [r for r in others if r[0].element not in before],
        )

    monkeypatch.setattr(CapacityEngine, "_others_diff", by_element)
    with pytest.raises(AssertionError):
        _check(generate_design("1k", seed=0, workload=True), more=True)
