"""A mode's member loads gone on from the single failure's or site loss's whose world
it grew from (:meth:`CapacityEngine._walk_from`: a double failure placed beside a
single's placement, a site loss plus one going on from the site's) against the walk
over every move of the mode (:meth:`CapacityEngine._moved_walk`).

The same members, the same integers (databases, mailboxes), the
same megacycles and cache within float rounding (the same terms added in another
order), on every double and site-plus-one failure capacity evaluates, on every sample
with a workload, the generated 1k designs (seeds 0 and 1) and Hypothesis designs; the
capacity report (JSON and text, every mode) is the report sized without going on from
a single's. Also with moves changed by hand: databases the single moved sent elsewhere
or left where they were, a member the single left up taken down, a base whose members
all kept their copies, and each moved database's walk row looked for.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.engine import _Walked
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator


def _same(walked: dict[str, list[float]], full: dict[str, list[float]], what: object) -> None:
    # The same members (in another order: a mode's members are looked up or compared
    # one by one, never read in order; the reports below are the same).
    assert sorted(walked) == sorted(full), what
    for member, row in full.items():
        mine = walked[member]
        assert mine[:3] == row[:3], (what, member)
        for i in (3, 4):
            assert math.isclose(mine[i], row[i], rel_tol=1e-9, abs_tol=1e-9), (what, member)


def _lost(state: Settled) -> set[tuple[str, str]]:
    w = state.world
    assert w is not None
    return w.copy_lost | w.logs_lost


def _members_only_states(sim: Simulator, engine: CapacityEngine) -> list[Settled]:
    """The double and site-plus-one failures one sizing evaluates, in its order."""
    found: list[Settled] = []
    real = engine.evaluate

    def record(mode: object, settled: Settled | None = None, **kwargs: object) -> object:
        if kwargs.get("members_only") and settled is not None:
            found.append(settled)
        return real(mode, settled, **kwargs)  # type: ignore[arg-type]

    engine.evaluate = record  # type: ignore[method-assign,assignment]
    try:
        capacity(sim, engine=engine, max_combined=None)
    finally:
        del engine.evaluate
    return found


def _check(design: Design) -> tuple[int, int]:
    """(modes gone on from a single's, moves changed by hand checked)."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    went_on = by_hand = 0
    for state in _members_only_states(sim, engine):
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        w = view.world
        assert w is not None
        base = None if w.grown_from is None else engine._walks().get(id(w.grown_from))
        if base is None:
            continue
        assert base.world is w.grown_from
        went_on += 1
        moved = engine._moved(view)
        lost = _lost(state)
        full = engine._moved_walk(moved, lost, view.vm_up)
        _same(engine._walk_from(base, moved, lost, view.vm_up), full, state.failed)
        # A moved database without a walk row (none has one at all) moves nothing.
        rowless = {**moved, "no-such-database": next(iter(engine.base_members))}
        _same(engine._walk_from(base, rowless, lost, view.vm_up), full, (state.failed, "rows"))
        # Moves changed by hand: the single's first moves sent to another member that
        # holds a copy, or left where they were; a member it left taken down.
        changed = dict(moved)
        for i, db_id in enumerate(list(base.moved)[:6]):
            holders = sorted(engine.passive_of.get(db_id, ()))
            now = changed.get(db_id)
            others = [m for m in holders if m != now]
            if others and i % 2:
                changed[db_id] = others[0]
            else:
                changed.pop(db_id, None)
            by_hand += 1
        downed = {m for m, up in base.up.items() if up}
        vm_up = view.vm_up

        def up_but(member: str, downed: set[str] = downed, vm_up: Any = vm_up) -> bool:
            return False if member in downed else bool(vm_up(member))

        for ups in (vm_up, up_but):
            full = engine._moved_walk(changed, lost, ups)
            _same(engine._walk_from(base, changed, lost, ups), full, (state.failed, "by hand"))
        # A base whose members all stayed up with every copy (each member a database
        # left keeps it as passive): those this mode takes down or whose copy it
        # destroyed do not.
        up_before: dict[str, bool] = {}
        sums = engine._moved_walk(base.moved, set(), lambda m: True, up_before)
        every_up = _Walked(base.world, base.moved, sums, up_before, set())
        full = engine._moved_walk(moved, lost, vm_up)
        _same(engine._walk_from(every_up, moved, lost, vm_up), full, (state.failed, "up"))
    return went_on, by_hand


def _report(design: Design, *, go_on: bool) -> str:
    with pytest.MonkeyPatch.context() as patch:
        if not go_on:
            patch.setattr(CapacityEngine, "_walks", lambda self: {})
        report = capacity(design, max_combined=None)
    return json.dumps(report.to_json(all_modes=True)) + report.to_text(all_modes=True)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_member_loads_gone_on_equal_the_walk_on_the_samples(path: Path) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check(design)
    assert _report(design, go_on=True) == _report(design, go_on=False)


@pytest.mark.parametrize("seed", [0, 1])
def test_member_loads_gone_on_equal_the_walk_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=seed, workload=True)
    went_on, by_hand = _check(design)
    assert went_on >= 10
    assert by_hand >= 50
    assert _report(design, go_on=True) == _report(design, go_on=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_member_loads_gone_on_equal_the_walk_on_generated_designs(design: Design) -> None:
    _check(design)


def test_a_sizing_goes_on_from_the_singles() -> None:
    """Every double and site-plus-one failure of a generated 1k design whose world grew
    from a single's goes on from that single's sums (the walk is not run for it)."""
    from benchmarks.generate import generate_design

    sim = Simulator(generate_design("1k", seed=0, workload=True))
    engine = CapacityEngine(sim)
    walked: list[int] = []
    real = engine._moved_walk

    def counting(*args: object, **kwargs: object) -> dict[str, list[float]]:
        walked.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    engine._moved_walk = counting  # type: ignore[method-assign,assignment]
    states = _members_only_states(sim, engine)
    grown = [s for s in states if s.world is not None and s.world.grown_from is not None]
    assert len(grown) >= 10
    singles = len(walked) - (len(states) - len(grown))
    walked.clear()
    for state in grown:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        engine._member_changes(view, engine._moved(view))
    assert walked == []
    assert singles > 0


def test_only_a_sizing_keeps_its_singles_sums() -> None:
    """A scenario's state evaluated later (the Capacity dock at the time cursor) keeps
    nothing, and the window's shared sizing drops what its sizing kept."""
    from benchmarks.generate import generate_design
    from designer.capacity import Mode, shared

    design = generate_design("1k", seed=0, workload=True)
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    for host in sorted(sim.prep.hosts)[:5]:
        engine.evaluate(Mode("scenario", (host,), "scenario"), sim.settled([host]))
    assert engine._walks() == {}
    capacity(sim, engine=engine, max_combined=None)
    assert len(engine._walks()) > 10
    shared.clear()
    try:
        sizing = shared.shared_sizing(design)
        assert sizing.engine._walks() == {}
    finally:
        shared.clear()
