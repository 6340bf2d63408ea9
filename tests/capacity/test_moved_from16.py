"""What moved in a placement that went on from another, read from the databases it
placed again alone (wave 16, ``capa16``).

A sizing's double failures are placed beside a single failure's placement and its site
losses plus one go on from the site's (``Simulator.placement(beside=…)`` /
``(after=…)``): every database but those placed again (``Settled.replaced``) keeps that
placement's state, the same object, listed in its order; those newly listed come after,
in id order. :meth:`CapacityEngine._moved_from` reads what moved from the single's moves
and the databases placed again, and :meth:`CapacityEngine._walk_from` walks only those
(at 25k ~100 of the ~530 databases such a state lists, in 64 modes).

Checked on every such mode a sizing evaluates (the samples with a workload, generated 1k
designs, seeds 0 and 1, Hypothesis designs): ``_moved_from`` equals the full read
(:meth:`CapacityEngine._moved`) — the same databases, members and order — or declines
(None) only where a database listed there without having moved moves now; the states
not placed again are the same objects; the member figures of each such mode equal
those of the full read and of the move-by-move walk; the capacity report (JSON and text,
every mode) is byte for byte the report with the full read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_class_groups15 import _calls, _same_result

from designer.capacity import CapacityEngine, capacity
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator


def _check(design: Design) -> dict[str, int]:
    """Every mode placed from another against the full read; returns counts."""
    sim = Simulator(design)
    calls = _calls(sim)
    engine = CapacityEngine(sim)
    full = CapacityEngine(sim)
    counts = {"derived": 0, "declined": 0, "grown": 0}
    for mode, settled, kwargs in calls[1:]:
        if settled is not None and settled.went_on_from is not None:
            counts["grown"] += 1
            base = settled.went_on_from
            assert settled.placement and base.placement
            replaced = settled.replaced
            assert replaced is not None
            # The states not placed again are that placement's own, listed in its order.
            kept = [d for d in base.databases if d not in replaced]
            assert all(settled.databases[d] is base.databases[d] for d in kept), mode
            assert [d for d in settled.databases if d not in replaced] == kept, mode
            view = ModeView(engine.prep, engine.links, engine.baseline, settled)
            want = engine._moved(view)
            got = engine._moved_from(
                engine._moved(ModeView(engine.prep, engine.links, engine.baseline, base)),
                settled,
                replaced,
            )
            if got is None:
                counts["declined"] += 1
                # Only when a database listed there without having moved moves now.
                before = engine._moved(ModeView(engine.prep, engine.links, engine.baseline, base))
                assert any(
                    d in base.databases and d not in before and d in want for d in replaced
                ), mode
            else:
                counts["derived"] += 1
                assert list(got.items()) == list(want.items()), mode
        mine = engine.evaluate(mode, settled, **kwargs)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(CapacityEngine, "_moved_from", lambda *_a: None)
            theirs = full.evaluate(mode, settled, **kwargs)
        # The same members in the same order, integers, floats within their rounding
        # (the walk's steps in id order here, in the full read's order there).
        _same_result(mine, theirs, mode.failed)
    return counts


def _report(design: Design, *, derived: bool) -> str:
    with pytest.MonkeyPatch.context() as patch:
        if not derived:
            patch.setattr(CapacityEngine, "_moved_from", lambda *_a: None)
        report = capacity(design, max_combined=None)
    return json.dumps(report.to_json(all_modes=True)) + report.to_text(all_modes=True)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_what_moved_is_read_from_the_databases_placed_again_on_the_samples(path: Path) -> None:
    design: Any = load(path)
    design = getattr(design, "design", design)
    _check(design)
    assert _report(design, derived=True) == _report(design, derived=False)


@pytest.mark.parametrize("seed", [0, 1])
def test_what_moved_is_read_from_the_databases_placed_again_on_a_generated_1k_design(
    seed: int,
) -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=seed, workload=True)
    counts = _check(design)
    assert counts["grown"] > 5 and counts["derived"] > 0, counts
    assert _report(design, derived=True) == _report(design, derived=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_what_moved_is_read_from_the_databases_placed_again_on_generated_designs(
    design: Design,
) -> None:
    _check(design)
    assert _report(design, derived=True) == _report(design, derived=False)


def test_a_database_listed_unmoved_that_moves_now_is_read_in_full() -> None:
    """``_moved_from`` declines when a database the earlier placement listed without
    moving it moves now (its place in the order is not last); given a state made so by
    hand, the sizing's figures are the full read's."""
    from dataclasses import replace as dc_replace

    from benchmarks.generate import generate_design

    sim = Simulator(generate_design("1k", seed=0, workload=True))
    engine = CapacityEngine(sim)
    site = sorted(sim.prep.sites)[0]
    base = sim.placement([site])
    before = engine._moved(ModeView(engine.prep, engine.links, engine.baseline, base))
    unmoved = [d for d in base.databases if d not in before]
    databases = dict(base.databases)
    if unmoved:
        target = unmoved[0]
    else:
        # None listed unmoved: list one as it is in normal operation.
        target = next(d for d in sorted(engine.base_active) if d not in base.databases)
        databases[target] = sim.baseline.db[target]
        base = dc_replace(base, databases=dict(databases))
    # It moves now: active where a moved database is active, another member than its own.
    moved_db = next(
        d for d, now in before.items() if now is not None and now != engine.base_active[target]
    )
    state = dc_replace(
        base,
        databases={**databases, target: base.databases[moved_db]},
        went_on_from=base,
        replaced=frozenset({target}),
    )
    assert engine._moved_from(before, state, frozenset({target})) is None
    view = ModeView(engine.prep, engine.links, engine.baseline, state)
    assert target in engine._moved(view)
