"""Capacity's evaluations and set-up a class or a layout at a time (wave 20, ``capb20``).

- :meth:`CapacityEngine._link_groups` (the link shifts' groups, found a class at a
  time) gives the groups, in the order, of the key per database it replaced, on every
  state capacity evaluates: the samples with a workload, generated 1k designs with each
  LUN's loss alone (a LUN loses the copies of some databases of a class, not the
  others'), links down (rerouted classes) and Hypothesis designs. Mutants fail: a class
  taken whole though a lost copy tells its databases apart, or though some are rerouted.
- The engine's set-up shares one holders' set among the databases of a layout (and
  ``LostCopies`` their eligible sets), with the same contents as a set per database.
- Normal operation's streams per link direction are summed when first read: not by the
  sizing, and then equal to ``sum_by_link`` of every stream; the engine is not held by
  them (a dropped sizing is freed by reference counting).
- A placement's plain rows make a choice once per copies' layout, active member and DAG
  in a step with no copy lost, the copies' tuples interned per layout; the placements
  are ``_resolve``'s (``test_takeover_plain19`` compares every row of every step).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_lost_copies import _states
from test_takeover_placement import _mutant
from test_takeover_plain19 import ALWAYS, _plain, _steps_after

from designer.capacity import CapacityEngine, capacity
from designer.capacity import engine as engine_module
from designer.capacity.lost import LostCopies
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import sum_by_link


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


# -- the link groups ---------------------------------------------------------------------------
def _key_per_database(
    engine: CapacityEngine,
    view: ModeView,
    dbs: list[str],
    rerouted: set[str],
    moved: Mapping[str, str | None],
) -> list[list[str]]:
    """The groups of the loop ``_link_groups`` replaced (wave 17's): a key per database
    in id order, the groups in the order of their first database."""
    classes = engine._classes()
    groups: dict[object, list[str]] = {}
    lost = view._lost if view._any_lost else None
    if lost is None and view._any_lost:
        lost = view._lost = view.lost_copies()
    lost_pairs = lost[0] if lost is not None else set()
    lost_members = {vm for vm in view._lost_vms if view.vm_up(vm)} if lost is not None else set()
    for db_id in dbs:
        cls = classes.get(db_id)
        if cls is None:
            groups[db_id] = [db_id]
            continue
        if rerouted and db_id in rerouted:
            key: object = (cls, True)
        else:
            active = moved.get(db_id, cls[1])
            if lost_members and not lost_members.isdisjoint(cls[0]):
                maybe = engine._lost_pattern(view, cls)
                key = (cls, active, tuple([(m, db_id) in lost_pairs for m in maybe]))
            else:
                key = (cls, active, None)
        groups.setdefault(key, []).append(db_id)
    return list(groups.values())


def _compare(design: Design, *, luns: bool = False, links: bool = False) -> tuple[int, int]:
    """Asserts ``_link_groups`` == the key per database on every state; returns (states
    compared, classes split in them)."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    states = _states(sim, engine)
    prep = sim.prep
    luns_of = prep.disks_on_lun if luns else {}
    if luns:
        states += [sim.placement([lun]) for lun in sorted(prep.disks_on_lun)]
    if links:
        states += [sim.placement([link]) for link in sorted(prep.links)]
    if luns and prep.links:
        # With a link down, a lost copy's database is recomputed whole (not as a reseed
        # alone), and a class's databases rerouted or not: classes split.
        for link in sorted(prep.links):
            states += [sim.placement([lun, link]) for lun in sorted(prep.disks_on_lun)]
        states += [sim.placement([host, min(prep.links)]) for host in sorted(prep.hosts)]
        # A host's failure recomputes its members' databases without moving those
        # active elsewhere; a LUN's loss beside it loses some of their copies.
        states += [
            sim.placement([host, lun]) for host in sorted(prep.hosts) for lun in sorted(luns_of)
        ]
    compared = split = 0
    if links and prep.links:
        # Crafted: half of each class's databases rerouted, the others recomputed as
        # they are (a scenario's overrides reroute what they carry): two groups each.
        view = ModeView(prep, engine.links, engine.baseline, sim.placement([min(prep.links)]))
        for dbs in engine._class_dbs().values():
            rerouted = set(dbs[::2])
            found = engine._link_groups(view, set(dbs), rerouted, {})
            assert found == _key_per_database(engine, view, dbs, rerouted, {})
    for state in states:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        moved = engine._moved(view)
        changed, rerouted, _lost_only = engine._changed_dbs(view, moved, ())
        found = engine._link_groups(view, changed | rerouted, rerouted, moved)
        # A fresh view: the reference reads the lost copies itself.
        again = ModeView(engine.prep, engine.links, engine.baseline, state)
        expected = _key_per_database(engine, again, sorted(changed | rerouted), rerouted, moved)
        assert found == expected, state.failed
        compared += 1
        classes = engine._classes()
        split += len(found) - len({classes.get(g[0], g[0]) for g in found})
    return compared, split


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_link_groups_are_the_key_per_databases_on_the_samples(path: Path) -> None:
    design = load(path)
    compared, _split = _compare(getattr(design, "design", design), links=True)
    assert compared


@pytest.mark.parametrize("seed", [0, 1])
def test_the_link_groups_are_the_key_per_databases_on_a_generated_1k_design(seed: int) -> None:
    compared, split = _compare(_generated("1k", seed), luns=True, links=True)
    assert compared > 100 and split > 10  # classes told apart by moves and lost copies


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_link_groups_are_the_key_per_databases_on_generated_designs(design: Design) -> None:
    _compare(design, links=True)


#: ``_link_groups`` mutants: a class taken whole though a lost copy can tell its databases
#: apart, or though some of them are rerouted (the source replaced, by what).
WRONG_GROUPS = {
    "lost-copies": ("lost_members and not lost_members.isdisjoint(cls[0])\n", "False\n"),
    "rerouted": ("(rerouted and not rerouted.isdisjoint(picked))", "(False)"),
}


@pytest.mark.parametrize("wrong", sorted(WRONG_GROUPS))
def test_a_wrong_class_at_a_time_is_caught(wrong: str) -> None:
    mutant = _mutant(CapacityEngine._link_groups, *WRONG_GROUPS[wrong], engine_module)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CapacityEngine, "_link_groups", mutant)
        with pytest.raises(AssertionError):
            _compare(_generated("1k", 0), luns=True, links=True)


# -- the set-up by layout -------------------------------------------------------------------
def test_the_databases_of_a_layout_share_their_holders() -> None:
    engine = CapacityEngine(Simulator(_generated("1k", 0)))
    copy_members = engine.flows.copy_members
    by_layout: dict[tuple[tuple[str, ...], str | None], set[int]] = {}
    for db_id, holders in engine.passive_of.items():
        members = copy_members.get(db_id)
        if members is None or db_id in engine.flows.e2007:
            continue
        assert holders == set(members)
        by_layout.setdefault((members, engine.base_active.get(db_id)), set()).add(id(holders))
    assert len(by_layout) >= 8 and len(engine.passive_of) > 4 * len(by_layout)
    assert all(len(ids) == 1 for ids in by_layout.values())
    # LostCopies sums alike from the shared sets as from a set per database.
    args = (engine.prep, engine.base_members, engine.cost, engine.base_active)
    shared = LostCopies(*args, engine.passive_of)
    apart = LostCopies(*args, {d: set(h) for d, h in engine.passive_of.items()})
    assert {lun: part.sums for lun, part in shared._luns.items()} == {
        lun: part.sums for lun, part in apart._luns.items()
    }
    assert any(part.sums for part in shared._luns.values())
    assert shared.multi == apart.multi and shared.pair_lun == apart.pair_lun


# -- normal operation's streams ------------------------------------------------------------
def test_normal_operations_streams_are_summed_when_first_read() -> None:
    sim = Simulator(_generated("1k", 0))
    engine = CapacityEngine(sim)
    loads = engine.normal.loads
    assert loads is not None and loads._made is None  # type: ignore[attr-defined]
    report = capacity(sim, engine=engine, modes="normal")
    assert loads._made is None  # type: ignore[attr-defined]  # the sizing did not sum them
    link = report.links[0]
    assert link.streams("a_to_b") or link.streams("b_to_a")
    assert loads._made is not None  # type: ignore[attr-defined]
    routed = [r for routed in engine.base_db.values() for r in routed] + engine.base_other
    assert dict(loads) == sum_by_link(routed, engine.normal_view.bandwidth)
    assert link.loads is loads


def test_the_deferred_streams_do_not_hold_the_engine() -> None:
    gc.disable()
    try:
        engine = CapacityEngine(Simulator(_generated("1k", 0)))
        ref = weakref.ref(engine)
        loads = engine.normal.loads
        del engine
        assert ref() is None
        assert loads is not None and len(loads) > 0  # still summed from what it holds
    finally:
        gc.enable()


# -- the plain rows' shared choices --------------------------------------------------------
def test_the_rows_of_a_layout_share_their_copies_and_their_choice() -> None:
    """The copies' tuples are interned per layout (the choice's key holds one by id),
    and a host's failure going on from another step places as ``_resolve`` does with
    the choices shared (``test_takeover_plain19`` compares every row of every step)."""
    design = _generated("1k", 0)
    sim = Simulator(design)
    table = sim._takeover_table()
    copies, _dags = table._plain_rows()
    assert len({id(c) for c in copies}) == len(set(copies)) < len(copies) / 4
    with _plain(ALWAYS):
        assert _steps_after(design, table=True) == _steps_after(design, table=False)
