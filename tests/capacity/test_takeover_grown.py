"""The who-takes-over table's lost copies of a world grown from another, and its
shared states.

A site loss plus one (``placement(after=…)``) and a failure placed beside another's
(``placement(beside=…)``) get their world from :func:`world_after`, which records the
world it went on from (``World.grown_from``). The table's mask of the copies such a
world loses is the earlier world's mask plus the LUNs it loses more
(``TakeoverTable._lost_mask``); it must equal the mask made from the world's own lost
(VM, database) pairs, copy by copy, on every sample, generated 1k designs (seeds 0 and
1) and Hypothesis designs. A mask that forgets the added LUNs must fail it.

The table's moved databases share one state object per (member, how it takes over,
recovery point); the states equal ``_resolve``'s (every placement is compared with
``_resolve``'s in ``tests/simulation/test_takeover.py`` and ``test_takeover_*.py`` here),
and a key without the member must fail.
"""

from __future__ import annotations

import inspect
import textwrap
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs

from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator, takeover
from designer.simulation.takeover import TakeoverTable
from designer.simulation.world import World

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


def _failable(sim: Simulator) -> list[str]:
    """Every element that can fail by itself (as tests/simulation's)."""
    ids = [e.id for e in sim.design.elements if type(e).infrastructure]
    return sorted([*ids, *sim.prep.sp_array])


def _pairs_mask(table: TakeoverTable, w: World) -> Any:
    """The mask from the world's own lost pairs (``_lost_mask``'s relocated case)."""
    import numpy as np

    lost = np.zeros(len(table.rows) * table.width, dtype=bool)
    lost[table._flat(np, (*w.copy_lost, *w.logs_lost))] = True
    return lost.reshape(len(table.rows), table.width)


def _grown_worlds(sim: Simulator) -> list[World]:
    """The worlds of each site loss plus each failable element, and of pairs placed
    beside their first element's placement (every site's, every array's and a
    sample of the rest)."""
    prep = sim.prep
    elements = _failable(sim)
    alone = {e: sim.placement([e]) for e in elements}
    found: list[World] = []
    for site in sorted(prep.sites):
        if site not in alone:
            continue
        for element in elements:
            if element != site:
                found.append(sim.placement([site, element], after=alone[site]).world)
    firsts = [e for e in elements if e in prep.arrays or e in prep.luns or e in prep.hosts]
    for first in islice(firsts, 40):
        for element in islice(elements, 80):
            if element != first:
                found.append(sim.placement([first, element], beside=alone[first]).world)
    return [w for w in found if w.grown_from is not None]


def _grown_masks_differ(design: Design) -> tuple[int, int, int]:
    """(worlds checked, worlds losing copies the table holds, masks that differ)."""
    import numpy as np

    sim = Simulator(design)
    table = sim._takeover_table()
    worlds = _grown_worlds(sim)
    losing = wrong = 0
    for w in worlds:
        expected = _pairs_mask(table, w)
        losing += bool(expected.any())
        wrong += not np.array_equal(table._lost_mask(w), expected)
    return len(worlds), losing, wrong


def test_grown_masks_of_every_sample() -> None:
    checked = []
    for path in sorted(SAMPLES.glob("*.json")):
        loaded = load(path)
        design = getattr(loaded, "design", loaded)
        sim = Simulator(design)
        if not (sim._takeover_table().rows and sim.prep.luns):
            continue
        worlds, _losing, wrong = _grown_masks_differ(design)
        assert wrong == 0, path.name
        if worlds:
            checked.append(path.name)
    assert checked, "no sample grows a world"


@pytest.mark.parametrize("seed", [0, 1])
def test_grown_masks_of_generated_designs(seed: int) -> None:
    worlds, losing, wrong = _grown_masks_differ(_generated("1k", seed))
    assert worlds > 100 and losing > 10
    assert wrong == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_grown_masks_of_hypothesis_designs(design: Design) -> None:
    _worlds, _losing, wrong = _grown_masks_differ(design)
    assert wrong == 0


def test_a_mask_without_the_added_luns_is_caught() -> None:
    source = textwrap.dedent(inspect.getsource(TakeoverTable._lost_mask))
    old = "luns = luns - base.luns_down"
    assert old in source
    space: dict[str, Any] = {}
    exec(compile(source.replace(old, "luns = set()"), "<mutant>", "exec"), vars(takeover), space)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_lost_mask", space["_lost_mask"])
        _worlds, _losing, wrong = _grown_masks_differ(_generated("1k", 0))
    assert wrong > 0


def test_a_grown_world_reads_its_base_mask_once() -> None:
    """The base world's mask is the world's memo: a site's is worked out once for all
    its site-plus-one placements."""
    sim = Simulator(_generated("1k", 0))
    site = sorted(sim.prep.sites)[0]
    alone = sim.placement([site])
    table = sim._takeover_table()
    calls: list[int] = []
    flat = TakeoverTable._flat

    def counted(self: TakeoverTable, *args: Any) -> Any:
        calls.append(1)
        return flat(self, *args)

    base_mask = table._lost_mask(alone.world)
    assert alone.world.lost_mask is not None and alone.world.lost_mask[1] is base_mask
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_flat", counted)
        for element in _failable(sim)[:30]:
            if element != site:
                sim.placement([site, element], after=alone)
    # Only LUNs no earlier world lost are read (the site's never again).
    assert len(calls) < len(alone.world.luns_down)


def test_shared_states_equal_resolved_states() -> None:
    """The moved databases of a site's loss and of an array's share fewer state
    objects than there are moves, and every state equals ``_resolve``'s (the table
    never used)."""
    design = _generated("1k", 0)
    placed: dict[int, list[Any]] = {}
    for threshold in (0, 10**9):
        sim = Simulator(design)
        before = takeover.TAKEOVER_MIN_AFFECTED
        takeover.TAKEOVER_MIN_AFFECTED = threshold
        try:
            failures = [[sorted(sim.prep.sites)[0]], [sorted(sim.prep.arrays)[0]]]
            placed[threshold] = [sim.placement(f) for f in failures]
        finally:
            takeover.TAKEOVER_MIN_AFFECTED = before
    for fast, slow in zip(placed[0], placed[10**9], strict=True):
        states = [st for st in fast.databases.values() if st.status == "active"]
        assert len({id(st) for st in states}) < len(states), fast.failed
        assert list(fast.databases.items()) == list(slow.databases.items()), fast.failed


@pytest.mark.parametrize(
    ("old", "new", "loop"),
    [
        # The row-by-row loop's key (the coded path switched off).
        (
            "key = (chosen[j], restarted_at[j], rpo_code[r])",
            "key = (0, restarted_at[j], rpo_code[r])",
            True,
        ),
        # The coded path's (wave 18: plain moves coded per member, way, recovery point).
        ("codes = ((chosen_at * 2 + fresh_at)", "codes = ((0 * chosen_at + fresh_at)", False),
    ],
    ids=["loop", "coded"],
)
def test_a_state_shared_across_members_is_caught(old: str, new: str, loop: bool) -> None:
    """The shared states' key must hold the member: one state for every move is
    wrong."""
    source = textwrap.dedent(inspect.getsource(TakeoverTable.place))
    assert old in source
    space: dict[str, Any] = {}
    exec(compile(source.replace(old, new), "<m>", "exec"), vars(takeover), space)
    design = _generated("1k", 0)
    sim, plain = Simulator(design), Simulator(design)
    if loop:
        sim._takeover_table()._never_down = False
    site = sorted(sim.prep.sites)[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "place", space["place"])
        mp.setattr(takeover, "TAKEOVER_MIN_AFFECTED", 0)
        mp.setattr(takeover, "CODED_MIN_MOVES", 0)
        wrong = sim.placement([site])
    mp2 = pytest.MonkeyPatch()
    mp2.setattr(takeover, "TAKEOVER_MIN_AFFECTED", 10**9)
    try:
        right = plain.placement([site])
    finally:
        mp2.undo()
    assert list(wrong.databases.items()) != list(right.databases.items())


def _reference_rest(
    table: TakeoverTable, run: Any, affected: Any, fallback: list[str]
) -> list[str]:
    """``_rest`` as it was: the earlier steps' databases walked whatever their count."""
    rest = [d for d in table.others if d in affected]
    rest += fallback
    done = set(fallback)
    rest += [d for d in run.db if d in table.row_of and d in affected and d not in done]
    return rest


def test_rest_walks_the_smaller_side_to_the_same_databases() -> None:
    """Every ``_rest`` a capacity sizing asks for (site losses plus one: few affected
    databases beside the site's many; singles: no earlier step) lists the reference's
    databases (the caller sorts them), and both sides of the walk are taken."""
    from designer.capacity import capacity

    design = _generated("10k", 0)
    rest = TakeoverTable._rest
    sides: set[bool] = set()
    checked: list[int] = []

    def compared(self: TakeoverTable, run: Any, affected: Any, fallback: list[str]) -> Any:
        found = rest(self, run, affected, fallback)
        assert sorted(found) == sorted(_reference_rest(self, run, affected, fallback))
        sides.add(len(affected) < len(run.db))
        checked.append(len(found))
        return found

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_rest", compared)
        mp.setattr(takeover, "TAKEOVER_MIN_AFFECTED", 0)
        # The masks' path (a site loss plus a host's takes the plain rows by default,
        # which leave nothing a step before changed to ``_rest``: test_takeover_plain19).
        mp.setattr(takeover, "PLAIN_MAX_ROWS", -1)
        mp.setattr(takeover, "PLAIN_MAX_ROWS_AFTER", -1)
        capacity(Simulator(design), max_combined=None)
    assert sides == {True, False}
    assert any(checked)


def test_a_rest_without_the_earlier_check_is_caught() -> None:
    """Walking ``affected`` must keep only the databases an earlier step changed."""
    source = textwrap.dedent(inspect.getsource(TakeoverTable._rest))
    old = "if d in earlier and d in row_of and d not in done]"
    assert old in source
    space: dict[str, Any] = {}
    exec(
        compile(source.replace(old, "if d in row_of and d not in done]"), "<m>", "exec"),
        vars(takeover),
        space,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_rest", space["_rest"])
        with pytest.raises(AssertionError):
            test_rest_walks_the_smaller_side_to_the_same_databases()


def _reference_vms_changed(prep: Any, prev: World, w: World) -> set[str]:
    """``_vms_changed`` as it was: the two worlds' sets compared."""
    vms = set(w.vm_down.keys() ^ prev.vm_down.keys())
    for now, before in (
        (w.vm_restarted, prev.vm_restarted),
        (w.vm_reset, prev.vm_reset),
        (w.vm_relocated, prev.vm_relocated),
    ):
        vms.update(vm for vm in now.keys() | before.keys() if now.get(vm) != before.get(vm))
    vms.update(vm for vm, _db in (w.copy_lost ^ prev.copy_lost) | (w.logs_lost ^ prev.logs_lost))
    vms.update(prep.disk_by_id[d].vm for d in w.lcr_disks_lost ^ prev.lcr_disks_lost)
    return vms


def _vms_changed_differ(design: Design) -> tuple[int, int]:
    """(grown worlds whose VMs changed, those where world_after's note differs)."""
    from designer.simulation.engine import _vms_changed

    sim = Simulator(design)
    changed = wrong = 0
    for w in _grown_worlds(sim):
        assert w.grown_from is not None and w.grown_vms is not None
        expected = _reference_vms_changed(sim.prep, w.grown_from, w)
        changed += bool(expected)
        wrong += _vms_changed(sim.prep, w.grown_from, w) != expected
    return changed, wrong


def test_grown_vms_of_every_sample() -> None:
    for path in sorted(SAMPLES.glob("*.json")):
        loaded = load(path)
        _changed, wrong = _vms_changed_differ(getattr(loaded, "design", loaded))
        assert wrong == 0, path.name


@pytest.mark.parametrize("seed", [0, 1])
def test_grown_vms_of_generated_designs(seed: int) -> None:
    changed, wrong = _vms_changed_differ(_generated("1k", seed))
    assert changed > 100
    assert wrong == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_grown_vms_of_hypothesis_designs(design: Design) -> None:
    assert _vms_changed_differ(design)[1] == 0


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(
            ("lost_vms.update(vm for vm, db in loss.copies", "(0 for vm, db in loss.copies"),
            id="copies",
        ),
        pytest.param(
            ("w.grown_vms = frozenset(lost_vms.union(gone))", "w.grown_vms = frozenset(lost_vms)"),
            id="down",
        ),
    ],
)
def test_a_wrong_grown_note_is_caught(mutate: tuple[str, str]) -> None:
    import designer.simulation.engine as sim_engine
    from designer.simulation import world

    source = inspect.getsource(world.world_after)
    old, new = mutate
    assert old in source
    space: dict[str, Any] = {}
    exec(compile(source.replace(old, new), "<m>", "exec"), vars(world), space)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(world, "world_after", space["world_after"])
        mp.setattr(sim_engine, "world_after", space["world_after"])
        _changed, wrong = _vms_changed_differ(_generated("1k", 0))
    assert wrong > 0


def _limited_steps_differ(design: Design) -> tuple[int, int]:
    """Every placement step of a sizing (``max_combined=None``) limited to some
    databases: (how many took the limited walk, how many of them affect other
    databases than the walk over every touched VM would)."""
    from designer.capacity import capacity

    affected = Simulator._affected
    taken = wrong = 0

    def compared(
        self: Simulator,
        run: Any,
        prev: World,
        w: World,
        partitioned: bool,
        changed: set[str] | None = None,
    ) -> Any:
        nonlocal taken, wrong
        found = affected(self, run, prev, w, partitioned, changed)
        only = run.only
        if only is not None:
            run.only = None
            try:
                slow = affected(self, run, prev, w, partitioned, changed)
            finally:
                run.only = only
            if found != slow:
                taken += 1
                wrong += (found & only) != (slow & only)
        return found

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Simulator, "_affected", compared)
        capacity(Simulator(design), max_combined=None)
    return taken, wrong


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0), ("10k", 1)])
def test_a_limited_step_affects_what_the_full_walk_does(size: str, seed: int) -> None:
    taken, wrong = _limited_steps_differ(_generated(size, seed))
    assert wrong == 0
    if size == "10k":  # at 1k an array's loss touches too few VMs to be limited
        assert taken > 0


def test_limited_steps_of_every_sample() -> None:
    for path in sorted(SAMPLES.glob("*.json")):
        loaded = load(path)
        assert _limited_steps_differ(getattr(loaded, "design", loaded))[1] == 0, path.name


def test_a_wrong_limited_walk_is_caught() -> None:
    source = textwrap.dedent(inspect.getsource(Simulator._affected))
    old = "if not vms_of_db.get(d, none).isdisjoint(vms))"
    assert old in source
    import designer.simulation.engine as sim_engine

    space: dict[str, Any] = {}
    exec(
        compile(source.replace(old, "if vms_of_db.get(d, none).isdisjoint(vms))"), "<m>", "exec"),
        vars(sim_engine),
        space,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Simulator, "_affected", space["_affected"])
        _taken, wrong = _limited_steps_differ(_generated("10k", 0))
    assert wrong > 0
