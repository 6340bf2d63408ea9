"""The lost copies' databases from their LUNs (wave 18) against the walk over the pairs.

:meth:`CapacityEngine._changed_dbs` used to walk every lost (VM, database) pair of a
mode's world to find the databases whose streams change without moving (a copy lost in
another site than the active copy's). :class:`LostPairs` works that out once per lost
LUN (and array), and a mode reads it when its world's lost pairs are exactly those of
its lost LUNs. The three sets ``_changed_dbs`` returns must be the walk's on every state
capacity evaluates: every sample with a workload, generated 1k designs (with each LUN's
loss alone too) and Hypothesis designs; a world whose pairs are not its LUNs' (a pair
added) goes back to the walk. A mutant fails it: the site test dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_lost_copies import _states

from designer.capacity import CapacityEngine
from designer.capacity.lost import LostPairs
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator


def _check(design: Design, luns: bool = False) -> int:
    """Asserts the fast path's sets are the walk's; returns how many modes took it."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    states = _states(sim, engine)
    if luns:
        states += [sim.placement([lun]) for lun in sorted(sim.prep.disks_on_lun)]
    by_lun = engine._lost_pairs()
    taken = 0
    for state in states:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        w = view.world
        if w is None or not (w.copy_lost or w.logs_lost):
            continue
        moved = engine._moved(view)
        fast = engine._changed_dbs(view, moved, ())
        taken += by_lun.of(w) is not None
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(LostPairs, "of", lambda self, world: None)
            walked = engine._changed_dbs(view, moved, ())
        assert fast == walked, state.failed
    return taken


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_lost_pairs_change_the_walks_databases_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_lost_pairs_change_the_walks_databases_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design("1k", seed=seed, workload=True), luns=True) > 50


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_lost_pairs_change_the_walks_databases_on_generated_designs(design: Design) -> None:
    _check(design)


def test_a_world_with_other_pairs_walks_them() -> None:
    """A world whose lost pairs are not exactly its lost LUNs' is walked."""
    from benchmarks.generate import generate_design

    sim = Simulator(generate_design("1k", seed=0, workload=True))
    engine = CapacityEngine(sim)
    array = sorted(sim.prep.arrays)[0]
    state = sim.placement([array])
    w = state.world
    assert w is not None
    by_lun = engine._lost_pairs()
    assert by_lun.of(w) is not None
    w.copy_lost.add(("no-such-vm", "no-such-database"))
    try:
        assert by_lun.of(w) is None
    finally:
        w.copy_lost.discard(("no-such-vm", "no-such-database"))
    assert by_lun.of(w) is not None


def test_the_check_is_not_vacuous(monkeypatch: pytest.MonkeyPatch) -> None:
    """The site test dropped (every lost copy's database taken) is caught. (The VMs that
    lose every copy left out is not, on these designs: such a VM lost its system disk
    too, so it is down and its databases changed anyway.)"""
    from benchmarks.generate import generate_design

    real = LostPairs._lun

    def across(self: LostPairs, lun: str) -> object:
        found = real(self, lun)
        found.cross |= {d for _vm, d in (*found.copies, *found.logs) if d in self.shipping}
        return found

    monkeypatch.setattr(LostPairs, "_lun", across)
    with pytest.raises(AssertionError):
        _check(generate_design("1k", seed=0, workload=True), luns=True)
