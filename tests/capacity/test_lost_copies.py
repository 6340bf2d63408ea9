"""Two shortcuts of a mode's evaluation against what they replace, on every mode.

- The passive copies a failure destroyed, summed per lost array and LUN
  (:class:`designer.capacity.lost.LostCopies`), against the walk over every lost
  (member, database) pair (:meth:`CapacityEngine._lost_walk`): the same members, the
  same passive mailboxes, the same megacycles within float rounding.
- The databases whose only change is passive copies lost in another site
  (:meth:`CapacityEngine._changed_dbs`' third set): their streams, normal operation's
  with each lost copy's log shipping turned into its reseed
  (:meth:`CapacityEngine._reseeds`), against :meth:`Flows.database` of the mode.

Every mode capacity evaluates (single failures, site losses, double and site-plus-one
failures, every one the search proposes) on every sample with a workload, generated
1k designs (arrays whose loss destroys hundreds of copies) and Hypothesis designs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.lost import LostCopies
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator


def _lost_copies(engine: CapacityEngine) -> LostCopies:
    return LostCopies(
        engine.prep, engine.base_members, engine.cost, engine.base_active, engine.passive_of
    )


def _states(sim: Simulator, engine: CapacityEngine) -> list[Settled]:
    """Every state capacity evaluates, as it places them."""
    found: list[Settled] = []
    real = sim.placement

    def record(*args: object, **kwargs: object) -> Settled:
        state = real(*args, **kwargs)  # type: ignore[arg-type]
        found.append(state)
        return state

    sim.placement = record  # type: ignore[method-assign]
    try:
        capacity(sim, engine=engine, max_combined=None)
    finally:
        del sim.placement
    return found


def _check(design: Design) -> tuple[int, int]:
    """(modes whose lost copies were summed, databases whose reseeds were checked)."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    summed = reseeded = 0
    lost_copies = _lost_copies(engine)
    for state in _states(sim, engine):
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        w = view.world
        assert w is not None
        moved = engine._moved(view)
        lost = w.copy_lost | w.logs_lost
        down = {m for m in engine.members if not view.vm_up(m)}
        walked = engine._moved_walk(moved, lost, view.vm_up)
        engine._lost_walk(lost, moved, down, walked)
        sums = engine._moved_walk(moved, lost, view.vm_up)
        multi = lost_copies.subtract(w, moved, lost, down, sums) if lost else None
        if multi is not None:
            engine._lost_walk(multi, moved, down, sums)
            summed += 1
            for member in set(walked) | set(sums):
                a = walked.get(member, [0, 0, 0, 0.0, 0.0])
                b = sums.get(member, [0, 0, 0, 0.0, 0.0])
                assert a[:3] == b[:3], (state.failed, member)
                assert math.isclose(a[3], b[3], rel_tol=1e-9, abs_tol=1e-6), (state.failed, member)
                assert a[4] == b[4], (state.failed, member)
        _changed, _rerouted, lost_only = engine._changed_dbs(view, moved, ())
        for db_id in lost_only:
            gone, now = engine._reseeds(view, db_id)
            instead = {id(old): new for old, new in zip(gone, now, strict=True)}
            mine = [instead.get(id(r), r) for r in engine.base_db[db_id]]
            assert mine == engine.flows.database(db_id, view, engine.base_active[db_id])
            assert gone, db_id  # something changed, or it would not be listed
            reseeded += 1
    return summed, reseeded


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_shortcuts_equal_the_walks_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_shortcuts_equal_the_walks_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    summed, reseeded = _check(generate_design("1k", seed=seed, workload=True))
    assert summed > 10
    assert reseeded > 50


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_shortcuts_equal_the_walks_on_generated_designs(design: Design) -> None:
    _check(design)


def _copy_luns(sim: Simulator) -> dict[tuple[str, str], set[str]]:
    """(member, database) → the LUNs whose loss destroys that copy."""
    from designer.simulation.world import lun_loss

    found: dict[tuple[str, str], set[str]] = {}
    for lun in sim.prep.disks_on_lun:
        loss = lun_loss(sim.prep, lun)
        for pair in (*loss.copies, *loss.logs):
            found.setdefault(pair, set()).add(lun)
    return found


def _compare(engine: CapacityEngine, state: Settled, moved: dict[str, str | None]) -> bool:
    view = ModeView(engine.prep, engine.links, engine.baseline, state)
    w = view.world
    assert w is not None
    lost = w.copy_lost | w.logs_lost
    down = {m for m in engine.members if not view.vm_up(m)}
    walked = engine._moved_walk(moved, lost, view.vm_up)
    engine._lost_walk(lost, moved, down, walked)
    sums = engine._moved_walk(moved, lost, view.vm_up)
    multi = _lost_copies(engine).subtract(w, moved, lost, down, sums)
    if multi is None:
        return False
    engine._lost_walk(multi, moved, down, sums)
    for member in set(walked) | set(sums):
        a = walked.get(member, [0, 0, 0, 0.0, 0.0])
        b = sums.get(member, [0, 0, 0, 0.0, 0.0])
        assert a[:3] == b[:3], (state.failed, member)
        assert math.isclose(a[3], b[3], rel_tol=1e-9, abs_tol=1e-6), (state.failed, member)
    return True


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_a_copy_on_two_lost_luns_is_taken_away_once(path: Path) -> None:
    """A copy whose database and log disks are on two LUNs, both lost while its
    member stays up: the sums leave it to the walk, so it counts once."""
    design = load(path)
    sim = Simulator(getattr(design, "design", design))
    engine = CapacityEngine(sim)
    checked = 0
    for (vm, db_id), luns in sorted(_copy_luns(sim).items()):
        if len(luns) < 2 or db_id == "*" or vm not in engine.base_members:
            continue
        state = sim.placement(sorted(luns))
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        if not view.vm_up(vm) or vm not in engine.passive_of.get(db_id, ()):
            continue
        assert _compare(engine, state, engine._moved(view))
        checked += 1
    assert checked or not any(
        len(luns) > 1 for pair, luns in _copy_luns(sim).items() if pair[0] in engine.base_members
    )


def test_a_database_moved_to_its_lost_copy_is_not_taken_away() -> None:
    """The placement never activates a destroyed copy, but the member loads must not
    rely on it: with moves sent to lost copies by hand, the sums equal the walk."""
    from benchmarks.generate import generate_design

    sim = Simulator(generate_design("1k", seed=0, workload=True))
    engine = CapacityEngine(sim)
    checked = 0
    for array in sorted(sim.prep.arrays):
        state = sim.placement([array])
        w = state.world
        moved = engine._moved(ModeView(engine.prep, engine.links, engine.baseline, state))
        for vm, db_id in sorted(w.copy_lost | w.logs_lost):
            if (
                db_id in engine.cost
                and engine.base_active.get(db_id) not in (None, vm)
                and vm in engine.passive_of.get(db_id, ())
            ):
                moved[db_id] = vm
        if _compare(engine, state, moved):
            checked += 1
    assert checked
