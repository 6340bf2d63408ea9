"""A class's lost-copy pattern (wave 17) against the one it replaced, on every mode.

:meth:`CapacityEngine._shift_groups` and :meth:`_shift_reseed_groups` tell the databases
of one class apart by which of their copies a mode lost. They used to ask it of every
member of the class ((member, database) lost, or the member lost every copy it holds);
they now ask it only of :meth:`CapacityEngine._lost_pattern`'s members (those with a lost
pair, but those that lost every copy): the others answer alike for every database of the
class. The groups, and so the sums added in each group's order, must be the same: two
databases of a class share the new pattern exactly when they shared the old one.

Every state capacity evaluates on every sample with a workload, generated 1k designs
(with each LUN's loss alone: it loses the copies of some databases of a class, not of
the others) and Hypothesis designs; a mutant that leaves out a member whose copies
differ is caught on the 1k designs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_lost_copies import _states

from designer.capacity import CapacityEngine
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator


def _check(design: Design, luns: bool = False) -> int:
    """Asserts the partitions are the same; returns how many classes a mode split.
    ``luns``: each LUN's loss alone too (a LUN holds some databases of a class)."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    states = _states(sim, engine)
    if luns:
        states += [sim.placement([lun]) for lun in sorted(sim.prep.disks_on_lun)]
    by_class: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for db_id, cls in sorted(engine._classes().items()):
        by_class[cls].append(db_id)
    split = 0
    for state in states:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        if not view._any_lost:
            continue
        pairs, stars = view._lost = view.lost_copies()
        assert view._lost_vms == {vm for vm, _db in pairs}
        for cls, dbs in by_class.items():
            maybe = engine._lost_pattern(view, cls)
            old = [tuple([(m, d) in pairs or m in stars for m in cls[0]]) for d in dbs]
            new = [tuple([(m, d) in pairs for m in maybe]) for d in dbs]
            # The same partition: each old pattern goes with one new one, and back.
            assert len(set(old)) == len(set(new)) == len(set(zip(old, new, strict=True))), (
                state.failed,
                cls,
            )
            split += len(set(new)) > 1
    return split


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_patterns_group_alike_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_patterns_group_alike_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design("1k", seed=seed, workload=True), luns=True) > 10


def test_a_member_left_out_splits_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not vacuous: a pattern without its first member groups otherwise."""
    from benchmarks.generate import generate_design

    real = CapacityEngine._lost_pattern

    def short(view: ModeView, cls: tuple[tuple[str, ...], str]) -> tuple[str, ...]:
        return real(view, cls)[1:]

    monkeypatch.setattr(CapacityEngine, "_lost_pattern", staticmethod(short))
    with pytest.raises(AssertionError):
        _check(generate_design("1k", seed=0, workload=True), luns=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_patterns_group_alike_on_generated_designs(design: Design) -> None:
    _check(design)
