"""A mode's evaluation after wave 14 against the code it replaced, kept here as
references.

- :meth:`CapacityEngine._changed_loads` (``MemberLoad`` a named tuple, each figure's
  ``round(max(0.0, x), 6)`` read from the figures already rounded in the sizing)
  against the former method building frozen dataclasses and rounding every figure;
- a recomputed database's streams taken away from the link totals in one loop over the
  link directions they crossed (:meth:`CapacityEngine._shift_gone`, :meth:`_gone`)
  against :meth:`CapacityEngine._shift` over its normal operation's streams;
- :class:`designer.capacity.lost.LostCopies` summing each LUN in its one pass over the
  lost pairs (a LUN holding a pair found on two LUNs summed again) against the former
  class (each LUN summed when first lost, in a second pass).

Each comparison is exact: the same values of the same types (floats unrounded, the
additions made in the same order), dict keys in the same order. The capacity report
(JSON and text, every mode) with the references patched in is the report without them,
on every sample with a workload, generated 1k designs (seeds 0 and 1) and Hypothesis
designs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_engine_trims import _figures
from test_lost_copies import _states

import designer.capacity.engine as engine_module
from designer.capacity import CapacityEngine, capacity
from designer.capacity.engine import MemberLoad
from designer.capacity.lost import LostCopies
from designer.capacity.modes import Mode
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.simulation.prepared import Prepared
from designer.simulation.world import lun_loss


# -- the references (the code before wave 14) ---------------------------------------------
@dataclass(frozen=True, slots=True)
class _OldMemberLoad:
    member: str
    up: bool
    host: str | None
    active_databases: int
    active_mailboxes: int
    passive_mailboxes: int
    megacycles: float
    memory_gb: float

    @property
    def rank(self) -> tuple[int, int, float]:
        return (self.active_mailboxes, self.active_databases, self.megacycles)


def _old_changed_loads(
    self: CapacityEngine,
    view: ModeView,
    delta: Mapping[str, list[float]],
    down: AbstractSet[str],
) -> dict[str, _OldMemberLoad]:
    """The former :meth:`CapacityEngine._changed_loads`."""
    w = view.world
    assert w is not None
    changes: dict[str, _OldMemberLoad] = {}
    for m in down:
        changes[m] = _OldMemberLoad(m, False, view.vm_host(m), 0, 0, 0, 0.0, 0.0)
    for m in set(delta) | {vm for vm in w.vm_restarted if vm in self.base_members}:
        if m in down:
            continue
        normal = self.base_members[m]
        row = delta.get(m, [0, 0, 0, 0.0, 0.0])
        cache = row[4]
        holds = normal.active_databases + int(row[0]) > 0 or normal.passive_mailboxes + row[2] > 0
        if not holds:
            memory = 0.0
        elif normal.memory_gb:
            memory = normal.memory_gb + cache
        else:
            memory = self.figures.base_memory_gb + cache
        changes[m] = _OldMemberLoad(
            m,
            True,
            view.vm_host(m),
            normal.active_databases + int(row[0]),
            normal.active_mailboxes + int(row[1]),
            normal.passive_mailboxes + int(row[2]),
            round(max(0.0, normal.megacycles + row[3]), 6),
            round(max(0.0, memory), 6),
        )
    return changes


class _OldLostCopies(LostCopies):
    """The former build: one pass keeping each LUN's eligible pairs, each LUN summed
    when first lost (a second pass over its pairs)."""

    def __init__(
        self,
        prep: Prepared,
        members: AbstractSet[str] | Mapping[str, object],
        costs: Mapping[str, Any],
        base_active: Mapping[str, str | None],
        passive_of: Mapping[str, AbstractSet[str]],
    ) -> None:
        self.prep = prep
        self.costs = costs
        eligible: dict[str, AbstractSet[str]] = {}
        for db_id, holders in passive_of.items():
            if db_id not in costs or db_id not in base_active:
                continue
            was = base_active[db_id]
            eligible[db_id] = {vm for vm in holders if vm in members and vm != was}
        self.pair_lun: dict[tuple[str, str], str] = {}
        self._found: dict[str, tuple[list[tuple[str, str]], set[str]]] = {}
        pair_lun = self.pair_lun
        multi: set[tuple[str, str]] = set()
        for lun in prep.disks_on_lun:
            loss = lun_loss(prep, lun)
            pairs: list[tuple[str, str]] = []
            stars: set[str] = set()
            for listed in (loss.copies, loss.logs):
                for pair in listed:
                    vm, db_id = pair
                    if db_id == "*":
                        if vm in members:
                            stars.add(vm)
                        continue
                    counted = eligible.get(db_id)
                    if counted is None or vm not in counted:
                        continue
                    if pair in pair_lun:
                        multi.add(pair)
                    else:
                        pair_lun[pair] = lun
                    pairs.append(pair)
            self._found[lun] = (pairs, stars)
        for pair in multi:
            del pair_lun[pair]
        self.multi = multi
        self._luns = {}
        self._arrays = {}

    def _lun(self, lun: str) -> Any:
        from designer.capacity.lost import _Part

        part = self._luns.get(lun)
        if part is None:
            part = self._luns[lun] = _Part()
            found = self._found.get(lun)
            if found is None:
                return part
            pairs, stars = found
            part.stars = stars
            costs, multi, sums = self.costs, self.multi, part.sums
            for pair in pairs:
                if multi and pair in multi:
                    part.multi.add(pair)
                    continue
                vm = pair[0]
                cost = costs[pair[1]]
                row = sums.get(vm)
                if row is None:
                    sums[vm] = [cost.mailboxes, cost.passive_mc]
                else:
                    row[0] += cost.mailboxes
                    row[1] += cost.passive_mc
        return part


def _no_gone(self: CapacityEngine, db_id: str) -> None:
    """Every recomputed database through :meth:`CapacityEngine._shift`."""
    self._gone_cache()[db_id] = None


@pytest.fixture(autouse=True, scope="module")
def _database_by_database() -> Iterator[None]:
    """These references add each database's figures in turn: the engine's
    database-by-database path is compared with them (exactly); the grouped path
    (wave 15) is compared with that path in ``test_class_groups15.py``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CapacityEngine, "grouped", False)
        yield


def _patch_old(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(CapacityEngine, "_changed_loads", _old_changed_loads)
    patch.setattr(CapacityEngine, "_gone", _no_gone)
    patch.setattr(engine_module, "LostCopies", _OldLostCopies)


def _typed(result: Any) -> list[object]:
    """:func:`_figures` with each member's figures as (type, value) pairs."""
    links, members, rpo = _figures(result)
    assert isinstance(members, list)
    typed = [
        (m, [(type(v).__name__, v) for v in (load.up, load.host, *_numbers(load))])
        for m, load in members
    ]
    return [links, typed, rpo]


def _numbers(load: Any) -> tuple[object, ...]:
    return (
        load.active_databases,
        load.active_mailboxes,
        load.passive_mailboxes,
        load.megacycles,
        load.memory_gb,
    )


def _parts(lost: LostCopies) -> dict[str, object]:
    prep = lost.prep
    luns = {
        lun: (list(part.sums.items()), sorted(part.multi), sorted(part.stars))
        for lun in prep.disks_on_lun
        for part in [lost._lun(lun)]
    }
    arrays = {
        array: (list(part.sums.items()), sorted(part.multi), sorted(part.stars))
        for array in sorted(prep.luns_of_array)
        for part in [lost._array(array)]
    }
    return {"luns": luns, "arrays": arrays, "multi": sorted(lost.multi), "pairs": lost.pair_lun}


# -- the checks -----------------------------------------------------------------------------
def _check_parts(design: Design) -> int:
    """Each change against its reference on every state capacity evaluates; returns how
    many databases' streams went through :meth:`CapacityEngine._shift_gone`."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    with pytest.MonkeyPatch.context() as patch:
        _patch_old(patch)
        old = CapacityEngine(sim)
    args = (engine.prep, engine.base_members, engine.cost, engine.base_active, engine.passive_of)
    assert _parts(LostCopies(*args)) == _parts(_OldLostCopies(*args))
    for state in _states(sim, engine):
        mode = Mode("scenario", tuple(state.failed), "the state")
        for kwargs in ({}, {"members_only": True}):
            new = engine.evaluate(mode, state, **kwargs)  # type: ignore[arg-type]
            with pytest.MonkeyPatch.context() as patch:
                _patch_old(patch)
                ref = old.evaluate(mode, state, **kwargs)  # type: ignore[arg-type]
            assert _typed(new) == _typed(ref), (state.failed, kwargs)
    gone = [db_id for db_id, found in engine._gone_cache().items() if found is not None]
    for db_id in gone:
        kind, mbps, keys = engine._gone_cache()[db_id]  # type: ignore[misc]
        routed = engine.base_db[db_id]
        assert {s.kind for s, _hops in routed} == {kind}
        assert {-1.0 * s.mbps for s, _hops in routed} == {mbps}
        assert keys == [key for _s, hops in routed for key in hops]
    return len(gone)


def _report(design: Design, *, old: bool) -> str:
    with pytest.MonkeyPatch.context() as patch:
        if old:
            _patch_old(patch)
        report = capacity(design, max_combined=None)
    return json.dumps(report.to_json(all_modes=True)) + report.to_text(all_modes=True)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_evaluation_equals_its_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check_parts(design)
    assert _report(design, old=False) == _report(design, old=True)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_evaluation_equals_its_reference_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=seed, workload=True)
    assert _check_parts(design) > 50
    assert _report(design, old=False) == _report(design, old=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_evaluation_equals_its_reference_on_generated_designs(design: Design) -> None:
    _check_parts(design)
    assert _report(design, old=False) == _report(design, old=True)


def test_a_member_load_is_an_immutable_value() -> None:
    load_a = MemberLoad("mbx1", True, "esx1", 2, 300, 100, 1234.5, 12.25)
    load_b = MemberLoad("mbx1", True, "esx1", 2, 300, 100, 1234.5, 12.25)
    assert load_a == load_b
    assert hash(load_a) == hash(load_b)
    assert load_a != load_b._replace(megacycles=1234.6)
    assert load_a.rank == (300, 2, 1234.5)
    with pytest.raises((AttributeError, FrozenInstanceError)):
        load_a.megacycles = 1.0  # type: ignore[misc]


def test_luns_holding_copies_on_two_luns_are_summed_as_before() -> None:
    """Samples whose copies keep their logs on another LUN than their database (each
    such pair on two LUNs): both LUNs are summed again without it, as the former class
    summed them."""
    checked = 0
    for path in _sized_samples():
        design = load(path)
        engine = CapacityEngine(Simulator(getattr(design, "design", design)))
        args = (engine.prep, engine.base_members, engine.cost, engine.base_active)
        new = LostCopies(*args, engine.passive_of)
        assert _parts(new) == _parts(_OldLostCopies(*args, engine.passive_of)), path.stem
        if new.multi:
            checked += 1
            assert any(part.multi for part in new._luns.values()), path.stem
    assert checked >= 3


def test_member_figures_are_rounded_as_before_whatever_their_digits() -> None:
    """Each member's megacycles and memory rounded as ``round(max(0.0, x), 6)`` was:
    deltas with many decimals, negative and zero sums, and the same figure met twice
    (read from the figures already rounded)."""
    from benchmarks.generate import generate_design

    sim = Simulator(generate_design("1k", seed=0, workload=True))
    engine = CapacityEngine(sim)
    members = sorted(engine.base_members)
    for element in sorted(sim.prep.hosts)[:3]:
        state = sim.placement([element])
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        down = {m for m in members if not view.vm_up(m)}
        for scale in (0.1234567891, -0.0000004999, 1e-7, 3.0000005, -1e9):
            delta = {
                m: [i % 2, i % 3, -(i % 2), scale * (i + 1), scale / (i + 7)]
                for i, m in enumerate(members)
            }
            for _twice in range(2):
                new = engine._changed_loads(view, delta, down)
                old = _old_changed_loads(engine, view, delta, down)
                assert list(new) == list(old)
                for m, found in new.items():
                    assert [(type(v), v) for v in found] == [
                        (type(v), v)
                        for v in (
                            old[m].member,
                            old[m].up,
                            old[m].host,
                            *_numbers(old[m]),
                        )
                    ], (m, scale)
