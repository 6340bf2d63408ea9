"""A mode's evaluation after wave 12 against the code it replaced, kept here as
references.

- :class:`designer.capacity.lost.LostCopies` built in one pass over the lost LUNs' pairs
  (a pair's check a string-keyed read, a moved database's lost copy found by its
  (pair → LUN) entry) against the former class (two passes, a set of pairs per LUN and
  per array merged);
- :meth:`CapacityEngine.evaluate` (the databases whose only change is lost passive
  copies shifted without making their reseeds' streams) against the former
  ``evaluate``;
- :meth:`CapacityEngine._link_figures` (normal operation's dict copied, the link
  directions the mode changed replaced) against the former loops over every link
  direction.

Each comparison is exact: the same floats (the additions are made in the same order),
the same dict keys in the same order. End to end, the capacity report (JSON and text,
every mode) with the references patched in is byte for byte the report without them,
on every sample with a workload, generated 1k designs (seeds 0 and 1), a generated 10k
design and Hypothesis designs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
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
from designer.capacity.engine import _EPS, LinkFigures, LinkKey, ModeResult
from designer.capacity.flows import Routed
from designer.capacity.lost import LostCopies
from designer.capacity.modes import Mode
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator
from designer.simulation.prepared import Prepared
from designer.simulation.world import World, lun_loss
from designer.workload import Direction, sum_by_link


# -- the references (the code before wave 12) ---------------------------------------------
class _OldPart:
    __slots__ = ("multi", "pairs", "stars", "sums")

    def __init__(self) -> None:
        self.sums: dict[str, list[float]] = {}
        self.pairs: set[tuple[str, str]] = set()
        self.multi: set[tuple[str, str]] = set()
        self.stars: set[str] = set()

    def add(self, other: _OldPart) -> None:
        for vm, (mbx, mc) in other.sums.items():
            row = self.sums.get(vm)
            if row is None:
                self.sums[vm] = [mbx, mc]
            else:
                row[0] += mbx
                row[1] += mc
        self.pairs |= other.pairs
        self.multi |= other.multi
        self.stars |= other.stars


class _OldLostCopies:
    """The former :class:`LostCopies`."""

    def __init__(
        self,
        prep: Prepared,
        members: AbstractSet[str] | Mapping[str, object],
        costs: Mapping[str, Any],
        base_active: Mapping[str, str | None],
        passive_of: Mapping[str, AbstractSet[str]],
    ) -> None:
        self.prep = prep
        self.members = members
        self.costs = costs
        self.base_active = base_active
        self.passive_of = passive_of
        seen: dict[tuple[str, str], int] = {}
        for lun in prep.disks_on_lun:
            loss = lun_loss(prep, lun)
            for pair in (*loss.copies, *loss.logs):
                if pair[0] in members:
                    seen[pair] = seen.get(pair, 0) + 1
        self.multi = {pair for pair, n in seen.items() if n > 1}
        self._luns: dict[str, _OldPart] = {}
        self._arrays: dict[str, _OldPart] = {}

    def _lun(self, lun: str) -> _OldPart:
        part = self._luns.get(lun)
        if part is None:
            members, costs, base_active = self.members, self.costs, self.base_active
            passive_of, multi = self.passive_of, self.multi
            part = self._luns[lun] = _OldPart()
            loss = lun_loss(self.prep, lun)
            for pair in (*loss.copies, *loss.logs):
                vm, db_id = pair
                if vm not in members:
                    continue
                if db_id == "*":
                    part.stars.add(vm)
                    continue
                if pair in multi:
                    part.multi.add(pair)
                    continue
                cost = costs.get(db_id)
                if (
                    cost is None
                    or db_id not in base_active
                    or vm not in passive_of.get(db_id, ())
                    or base_active[db_id] == vm
                ):
                    continue
                part.pairs.add(pair)
                row = part.sums.get(vm)
                if row is None:
                    part.sums[vm] = [cost.mailboxes, cost.passive_mc]
                else:
                    row[0] += cost.mailboxes
                    row[1] += cost.passive_mc
        return part

    def _array(self, array: str) -> _OldPart:
        part = self._arrays.get(array)
        if part is None:
            part = self._arrays[array] = _OldPart()
            for lun in self.prep.luns_of_array.get(array, ()):
                part.add(self._lun(lun))
        return part

    def subtract(
        self,
        world: World,
        moved: Mapping[str, str | None],
        lost: AbstractSet[tuple[str, str]],
        down: AbstractSet[str],
        delta: dict[str, list[float]],
    ) -> set[tuple[str, str]] | None:
        if world.vm_relocated:
            return None
        parts: list[_OldPart] = []
        covered: set[str] = set()
        luns_of_array = self.prep.luns_of_array
        for array in world.arrays_down:
            parts.append(self._array(array))
            covered.update(luns_of_array.get(array, ()))
        parts += [self._lun(lun) for lun in world.luns_down if lun not in covered]
        multi: set[tuple[str, str]] = set()
        for part in parts:
            if part.stars and not part.stars <= down:
                return None
            if part.multi:
                multi |= part.multi
        for part in parts:
            for vm, (mbx, mc) in part.sums.items():
                if vm in down:
                    continue
                row = delta.get(vm)
                if row is None:
                    row = delta[vm] = [0, 0, 0, 0.0, 0.0]
                row[2] -= mbx
                row[3] -= mc
        costs = self.costs
        for db_id, now in moved.items():
            if now is None or now in down or (now, db_id) not in lost:
                continue
            pair = (now, db_id)
            if any(pair in part.pairs for part in parts):
                cost = costs[db_id]
                row = delta[now]
                row[2] += cost.mailboxes
                row[3] += cost.passive_mc
        return multi


def _old_evaluate(
    self: CapacityEngine,
    mode: Mode,
    settled: Settled | None = None,
    *,
    bandwidth: Mapping[str, float] | None = None,
    directions_down: Mapping[str, Direction] | None = None,
    keep_streams: bool = False,
    members_only: bool = False,
) -> ModeResult:
    """The former :meth:`CapacityEngine.evaluate`."""
    if settled is None and mode.failed:
        settled = self.sim.settled(mode.failed)
    if members_only:
        view = ModeView(self.prep, self.links, self.baseline, settled)
        return ModeResult(mode, {}, self._member_changes(view, self._moved(view)))
    view = ModeView(
        self.prep,
        self.links,
        self.baseline,
        settled,
        bandwidth=bandwidth,
        directions_down=directions_down,
    )
    overrides = sorted({*(bandwidth or {}), *(directions_down or {})})
    directions_changed = bool(directions_down)
    moved = self._moved(view)
    changed, rerouted, lost_only = self._changed_dbs(
        view, moved, overrides if directions_changed else ()
    )
    base_totals = self.base_totals
    totals: dict[LinkKey, dict[str, float]] = {}
    mode_db: dict[str, list[Routed]] = {}
    base_db, base_active, database = self.base_db, self.base_active, self.flows.database
    shift = self._shift
    for db_id in sorted(changed | rerouted):
        base = base_db.get(db_id, ())
        if db_id in rerouted:
            now = []
            for stream, _hops in base:
                hops = view.route(stream.from_site, stream.to_site)
                if hops:
                    now.append((stream, hops))
        else:
            now = database(db_id, view, moved[db_id] if db_id in moved else base_active[db_id])
        mode_db[db_id] = now
        if now == base:
            continue
        shift(totals, base_totals, base, now)
    for db_id in sorted(lost_only):
        gone, now = self._reseeds(view, db_id)
        if keep_streams:
            instead = {id(old): new for old, new in zip(gone, now, strict=True)}
            mode_db[db_id] = [instead.get(id(r), r) for r in base_db[db_id]]
        shift(totals, base_totals, gone, now)
    others = self.base_other
    if self._others_changed(view, overrides if directions_changed else ()):
        others = self.flows.others(view)
        shift(totals, base_totals, self.base_other, others)
    links = self._link_figures(view, totals, bandwidth or {})
    result = ModeResult(mode, links, self._member_changes(view, moved))
    result.async_rpo = self._async_rpo(view, links, others)
    if keep_streams:
        routed = [r for db_id, base in self.base_db.items() for r in mode_db.get(db_id, base)]
        routed += [r for db_id, now in mode_db.items() if db_id not in self.base_db for r in now]
        result.loads = sum_by_link([*routed, *others], view.bandwidth)
    return result


def _old_link_figures(
    self: CapacityEngine,
    view: ModeView,
    totals: Mapping[LinkKey, dict[str, float]],
    bandwidth: Mapping[str, float],
) -> dict[LinkKey, LinkFigures]:
    """The former :meth:`CapacityEngine._link_figures`."""
    normal: ModeResult | None = getattr(self, "normal", None)
    same = normal.links if normal is not None else {}
    links: dict[LinkKey, LinkFigures] = {}
    bw = view.bandwidth
    base_totals = self.base_totals
    for key, kinds in base_totals.items():
        found = totals.get(key)
        if found is None and key in same and key[0] not in bandwidth:
            links[key] = same[key]
            continue
        clean = {k: v for k, v in (kinds if found is None else found).items() if v > _EPS}
        links[key] = LinkFigures(clean, bw.get(key[0], 0.0))
    for key, kinds in totals.items():
        if key not in base_totals:
            clean = {k: v for k, v in kinds.items() if v > _EPS}
            links[key] = LinkFigures(clean, bw.get(key[0], 0.0))
    for link_id in self.prep.links:
        for way in ("a_to_b", "b_to_a"):
            key = (link_id, way)
            if key not in links:
                links[key] = (
                    same[key]
                    if key in same and link_id not in bandwidth
                    else LinkFigures({}, bw.get(link_id, 0.0))
                )
    return links


@pytest.fixture(autouse=True, scope="module")
def _database_by_database() -> Iterator[None]:
    """These references add each database's figures in turn: the engine's
    database-by-database path is compared with them (exactly); the grouped path
    (wave 15) is compared with that path in ``test_class_groups15.py``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CapacityEngine, "grouped", False)
        yield


def _patch_old(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(engine_module, "LostCopies", _OldLostCopies)
    patch.setattr(CapacityEngine, "evaluate", _old_evaluate)
    patch.setattr(CapacityEngine, "_link_figures", _old_link_figures)


def _old_engine(sim: Simulator) -> CapacityEngine:
    with pytest.MonkeyPatch.context() as patch:
        _patch_old(patch)
        return CapacityEngine(sim)


# -- the checks -----------------------------------------------------------------------------
def _more_states(sim: Simulator, engine: CapacityEngine) -> list[Settled]:
    """States capacity's own list may miss: each server holding a copy failing alone
    (a passive copy's member down while its database stays where it was), and each
    site lost with each link (streams between the other sites rerouted or cut)."""
    prep = engine.prep
    found = [sim.placement([vm]) for vm in sorted(engine.copies_on_vm)[:40]]
    pairs = [(site, link) for site in sorted(prep.sites) for link in sorted(prep.links)]
    found += [sim.placement(list(pair)) for pair in pairs[:40]]
    return found


def _check_parts(design: Design) -> int:
    """Each change against its reference on every state capacity evaluates (and with a
    link's bandwidth cut and a direction down); returns how many states lost copies."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    old = _old_engine(sim)
    assert _figures(engine.normal) == _figures(old.normal)
    assert engine.normal.loads == old.normal.loads
    lost_states = 0
    new_lost = LostCopies(
        engine.prep, engine.base_members, engine.cost, engine.base_active, engine.passive_of
    )
    old_lost = _OldLostCopies(
        engine.prep, engine.base_members, engine.cost, engine.base_active, engine.passive_of
    )
    links = sorted(engine.prep.links)
    for state in [*_states(sim, engine), *_more_states(sim, engine)]:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        w = view.world
        assert w is not None
        moved = engine._moved(view)
        lost = w.copy_lost | w.logs_lost
        if lost:
            lost_states += 1
            down = {m for m in engine.members if not view.vm_up(m)}
            mine = engine._moved_walk(moved, lost, view.vm_up)
            theirs = engine._moved_walk(moved, lost, view.vm_up)
            found = new_lost.subtract(w, moved, lost, down, mine)
            found_old = old_lost.subtract(w, moved, lost, down, theirs)
            assert (found is None) == (found_old is None), state.failed
            if found is not None and found_old is not None:
                # The former class also handed the walk the pairs on two LUNs that are
                # no passive copy (the walk skips them); the others are the same.
                assert found <= found_old, state.failed
                skipped: dict[str, list[float]] = {}
                engine._lost_walk(found_old - found, moved, down, skipped)
                assert skipped == {}, state.failed
            assert list(mine.items()) == list(theirs.items()), state.failed
        # Every link direction changed alone, and every one normal operation leaves
        # empty added (its place among the others as before).
        for key in [
            *engine.base_totals,
            *(k for k in engine.normal.links if k not in engine.base_totals),
        ]:
            totals = {key: {"dag_log_shipping": 1.0, "dag_reseed": 0.0}}
            assert list(engine._link_figures(view, totals, {}).items()) == list(
                _old_link_figures(engine, view, totals, {}).items()
            ), key
        mode = Mode("scenario", tuple(state.failed), "the state")
        for kwargs in ({}, {"members_only": True}, {"keep_streams": True}):
            new = engine.evaluate(mode, state, **kwargs)  # type: ignore[arg-type]
            with pytest.MonkeyPatch.context() as patch:
                _patch_old(patch)
                ref = old.evaluate(mode, state, **kwargs)  # type: ignore[arg-type]
            assert _figures(new) == _figures(ref), (state.failed, kwargs)
            assert new.loads == ref.loads
        if links:
            cut = {"bandwidth": {links[0]: 1.0}, "directions_down": {links[-1]: "b_to_a"}}
            new = engine.evaluate(mode, state, **cut)  # type: ignore[arg-type]
            with pytest.MonkeyPatch.context() as patch:
                _patch_old(patch)
                ref = old.evaluate(mode, state, **cut)  # type: ignore[arg-type]
            assert _figures(new) == _figures(ref), (state.failed, "cut")
    return lost_states


def _report(design: Design, *, old: bool) -> str:
    with pytest.MonkeyPatch.context() as patch:
        if old:
            _patch_old(patch)
        report = capacity(design, max_combined=None)
    return json.dumps(report.to_json(all_modes=True)) + report.to_text(all_modes=True)


def _check_report(design: Design) -> None:
    assert _report(design, old=False) == _report(design, old=True)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_evaluation_equals_its_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check_parts(design)
    _check_report(design)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_evaluation_equals_its_reference_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=seed, workload=True)
    assert _check_parts(design) > 20
    _check_report(design)


def test_the_report_equals_the_reference_on_a_generated_10k_design() -> None:
    from benchmarks.generate import generate_design

    _check_report(generate_design("10k", seed=0, workload=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_evaluation_equals_its_reference_on_generated_designs(design: Design) -> None:
    _check_parts(design)
    _check_report(design)


def test_a_database_moved_to_its_lost_copy_is_given_back_as_before() -> None:
    """The placement never activates a destroyed copy; with moves sent to lost copies
    by hand (every array's loss of a generated 1k design), the new sums are the former
    class's exactly."""
    from benchmarks.generate import generate_design

    sim = Simulator(generate_design("1k", seed=0, workload=True))
    engine = CapacityEngine(sim)
    args = (engine.prep, engine.base_members, engine.cost, engine.base_active, engine.passive_of)
    new_lost, old_lost = LostCopies(*args), _OldLostCopies(*args)
    given_back = 0
    for array in sorted(sim.prep.arrays):
        state = sim.placement([array])
        w = state.world
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        moved = engine._moved(view)
        lost = w.copy_lost | w.logs_lost
        down = {m for m in engine.members if not view.vm_up(m)}
        for vm, db_id in sorted(lost):
            if (
                db_id in engine.cost
                and engine.base_active.get(db_id) not in (None, vm)
                and vm in engine.passive_of.get(db_id, ())
                and vm not in down
            ):
                moved[db_id] = vm
                given_back += 1
        mine = engine._moved_walk(moved, lost, view.vm_up)
        theirs = engine._moved_walk(moved, lost, view.vm_up)
        found = new_lost.subtract(w, moved, lost, down, mine)
        found_old = old_lost.subtract(w, moved, lost, down, theirs)
        assert (found is None) == (found_old is None), array
        assert list(mine.items()) == list(theirs.items()), array
    assert given_back > 50


def _check_kept(design: Design) -> tuple[int, int, int]:
    """:meth:`CapacityEngine._kept` gives what :meth:`Flows.database` gives, or None,
    for every database a state changed without moving it or moved to a member in the
    same site; also with one of its streams' routes made another in the view."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    flows, checked, poked_checked, moved_kept = engine.flows, 0, 0, 0
    links = sorted(engine.prep.links)
    for state in [*_states(sim, engine), *_more_states(sim, engine)]:
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        moved = engine._moved(view)
        changed, _rerouted, _lost_only = engine._changed_dbs(view, moved, ())
        site_of = engine.prep.vm_site.get
        for db_id in sorted(changed):
            was = engine.base_active[db_id]
            active = moved.get(db_id, was)
            if db_id in flows.e2007 or (
                # Moved, but not from a member to another in the same site.
                db_id in moved
                and (active is None or was is None or site_of(active) != site_of(was))
            ):
                continue
            base = engine.base_db.get(db_id, [])
            kept = engine._kept(view, db_id, base)
            full = flows.database(db_id, view, active)
            assert kept is None or kept == full, (state.failed, db_id)
            moved_kept += db_id in moved and kept is not None
            checked += kept is not None
            alive = [(s, h) for s, h in base if view.vm_up(s.target)]
            if not (links and alive):
                continue
            # Another route in this mode for a stream to a member still up (a link's
            # direction down: routes may have changed).
            poked = ModeView(
                engine.prep,
                engine.links,
                engine.baseline,
                state,
                directions_down={links[0]: "a_to_b"},
            )
            stream, hops = alive[0]
            poked._routes[(stream.from_site, stream.to_site)] = (*hops, *hops)
            poked_checked += 1
            kept = engine._kept(poked, db_id, base)
            assert kept is None or kept == flows.database(db_id, poked, active), (
                state.failed,
                db_id,
            )
    return checked, poked_checked, moved_kept


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_a_database_not_moved_keeps_the_streams_flows_gives_on_the_samples(path: Path) -> None:
    design = load(path)
    _check_kept(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_a_database_not_moved_keeps_the_streams_flows_gives_on_a_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    checked, poked, moved = _check_kept(generate_design("1k", seed=seed, workload=True))
    assert checked > 100
    assert poked > 10
    assert moved > 10
