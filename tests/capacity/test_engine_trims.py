"""The engine's wave 11 trims against the code they replaced, kept here as references.

- :meth:`CapacityEngine._shift` (a recomputed database's old streams taken away and its
  new ones added, in one call) against two calls of the former ``_apply`` (-1, then +1);
- :meth:`Flows.mirrors` from the mirrors prepared once (``_mirror_plan``) against the
  former walk over every mirror, reading each LUN's site per mode;
- :meth:`CapacityEngine._changed_dbs` looking only at the VMs that hold a DAG copy
  against the former pass over every VM the failure took down, restarted, relocated or
  reset (a site's loss: thousands);
- the engine's set-up: ``passive_of``, ``copies_on_vm`` and ``members`` built in one
  pass (the DAG copies' members read from ``Flows``) against the former construction
  through a set of (database, server) pairs.

Each comparison is exact: the same floats (the additions are made in the same order),
the same dict keys in the same order, the same streams. End to end, the capacity
report (JSON and text, every mode) with the references patched in is byte for byte the
report without them, on every sample with a workload, generated 1k designs (seeds 0 and
1), a generated 10k design and Hypothesis designs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_lost_copies import _states

from designer.capacity import CapacityEngine, capacity
from designer.capacity.engine import ASYNC_VOLUME, LinkKey, MemberLoad, ModeResult
from designer.capacity.flows import Flows, Routed
from designer.capacity.modes import Mode
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.simulation.prepared import database_servers
from designer.workload import Stream


# -- the references (the code before wave 11) ---------------------------------------------
def _old_apply(
    totals: dict[LinkKey, dict[str, float]],
    routed: Iterable[Routed],
    sign: float,
    base: Mapping[LinkKey, dict[str, float]] | None = None,
) -> None:
    for stream, hops in routed:
        kind = stream.kind
        mbps = sign * stream.mbps
        for key in hops:
            kinds = totals.get(key)
            if kinds is None:
                start = base.get(key) if base is not None else None
                kinds = totals[key] = dict(start) if start else {}
            kinds[kind] = kinds.get(kind, 0.0) + mbps
            if kind == "mirrorview_a":
                kinds[ASYNC_VOLUME] = kinds.get(ASYNC_VOLUME, 0.0) + sign * stream.volume_gb


def _old_shift(
    totals: dict[LinkKey, dict[str, float]],
    base: Mapping[LinkKey, dict[str, float]],
    gone: Iterable[Routed],
    now: Iterable[Routed],
) -> None:
    if gone:
        _old_apply(totals, gone, -1.0, base)
    if now:
        _old_apply(totals, now, 1.0, base)


def _old_mirrors(self: Flows, view: ModeView) -> Iterator[Routed]:
    prep = self.prep
    for mirror_id in sorted(prep.mirrors):
        mirror = prep.mirrors[mirror_id]
        rate = self.mirror_rate[mirror_id]
        if rate <= 0 or view.failed(mirror_id):
            continue
        if view.lun_down(mirror.source_lun) or view.lun_down(mirror.target_lun):
            continue
        src, dst = prep.lun_site(mirror.source_lun), prep.lun_site(mirror.target_lun)
        if src is None or dst is None or src == dst:
            continue
        if src in view.sites_down or dst in view.sites_down:
            continue
        hops = (
            view.link_route(mirror.wan_link, src)
            if mirror.wan_link and mirror.wan_link in prep.links
            else view.route(src, dst)
        )
        if not hops:
            continue
        stream = self._mirror_streams.get(mirror_id)
        if stream is None:
            stream = self._mirror_streams[mirror_id] = self._mirror_stream(
                mirror_id, rate, src, dst
            )
        yield stream, hops


def _old_holders(
    engine: CapacityEngine,
) -> tuple[dict[str, set[str]], dict[str, list[str]], tuple[str, ...]]:
    """The former (passive_of, copies_on_vm, members)."""
    prep = engine.prep
    copies_on_vm: dict[str, list[str]] = defaultdict(list)
    passive_on: set[tuple[str, str]] = set()
    servers: set[str] = {m for dag in prep.dags.values() for m in dag.members}
    for db_id in sorted(prep.dbs):
        db = prep.dbs[db_id]
        if db.dag:
            held = [c.member for c in db.copies]
            passive_on.update((db_id, m) for m in held)
        else:
            held = list(database_servers(prep, db))
            passive_on.update((db_id, m) for m in held)
            for repl in prep.e2007s_of_db.get(db_id, []):
                if repl.target:
                    held.append(repl.target)
                    passive_on.add((db_id, repl.target))
            for vm in list(held):
                held += [r.target for r in prep.repls_from_vm.get(vm, [])]
        held = [m for m in dict.fromkeys(held) if m in prep.vms]
        if not held:
            continue
        servers.update(held)
        for m in held:
            copies_on_vm[m].append(db_id)
    members = tuple(sorted(m for m in servers if m in prep.vms))
    passive_of: dict[str, set[str]] = defaultdict(set)
    for db_id, m in passive_on:
        passive_of[db_id].add(m)
    return passive_of, copies_on_vm, members


def _old_member_loads(engine: CapacityEngine, view: ModeView) -> dict[str, MemberLoad]:
    """The former ``_member_loads`` and ``_load`` (one generator per figure)."""
    cost = engine.cost
    loads: dict[str, MemberLoad] = {}
    for m in engine.members:
        active: list[str] = []
        passive: list[str] = []
        up = view.vm_up(m)
        for db_id in engine.copies_on_vm.get(m, ()):
            if view.active_on(db_id) == m:
                active.append(db_id)
            elif up and m in engine.passive_of.get(db_id, ()) and not view.copy_lost(m, db_id):
                passive.append(db_id)
        if not up:
            loads[m] = MemberLoad(m, False, view.vm_host(m), 0, 0, 0, 0.0, 0.0)
            continue
        mbx = sum(cost[d].mailboxes for d in active)
        mc = sum(cost[d].active_mc for d in active) + sum(cost[d].passive_mc for d in passive)
        cache = sum(cost[d].cache_gb for d in active)
        memory = (engine.figures.base_memory_gb + cache) if (active or passive) else 0.0
        loads[m] = MemberLoad(
            m,
            True,
            view.vm_host(m),
            len(active),
            mbx,
            sum(cost[d].mailboxes for d in passive),
            round(mc, 6),
            round(memory, 6),
        )
    return loads


# -- the comparisons ------------------------------------------------------------------------
def _figures(result: ModeResult) -> list[object]:
    """Everything a mode's result says, floats unrounded, dicts in their order but the
    members' (by member: the order of a mode's members is read nowhere, each is looked
    up or compared alone; ``_changed_loads`` lists them from a set)."""
    return [
        [(key, list(fig.by_kind.items()), fig.bandwidth_mbps) for key, fig in result.links.items()],
        sorted(result.members.items()),
        list(result.async_rpo.items()),
    ]


def _check_parts(design: Design) -> int:
    """Each trim against its reference on every state capacity evaluates; returns how
    many states had a VM down, restarted, relocated or reset."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    passive_of, copies_on_vm, members = _old_holders(engine)
    assert dict(engine.passive_of) == dict(passive_of)
    assert dict(engine.copies_on_vm) == dict(copies_on_vm)
    assert list(engine.copies_on_vm) == list(copies_on_vm)
    assert engine.members == members
    # Normal operation's member loads (read from base_active) and any view's.
    normal = _old_member_loads(engine, engine.normal_view)
    assert list(engine.base_members.items()) == list(normal.items())
    assert engine._member_loads(engine.normal_view, engine.members) == normal
    touched = 0
    for state in _states(sim, engine):
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        w = view.world
        assert w is not None
        assert list(engine.flows.mirrors(view)) == list(_old_mirrors(engine.flows, view))
        moved = engine._moved(view)
        if w.vm_down or w.vm_restarted or w.vm_relocated or w.vm_reset:
            touched += 1
        found = engine._changed_dbs(view, moved, ())
        assert found == _old_changed_dbs(engine, view, moved, ()), state.failed
        # The mode's figures, unrounded: every link direction's kinds (in order).
        mode = Mode("scenario", tuple(state.failed), "the state")
        new = engine.evaluate(mode, state)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(CapacityEngine, "_shift", staticmethod(_old_shift))
            patch.setattr(Flows, "mirrors", _old_mirrors)
            old_result = engine.evaluate(mode, state)
        assert _figures(new) == _figures(old_result), state.failed
        assert engine._member_loads(view, engine.members) == _old_member_loads(engine, view)
    return touched


def _old_changed_dbs(
    self: CapacityEngine, view: ModeView, moved: Iterable[str], overrides: Iterable[str]
) -> tuple[set[str], set[str], set[str]]:
    """The former ``CapacityEngine._changed_dbs``: its first pass over every VM the
    failure took down, restarted, relocated or reset."""
    shipping = self.flows.shipping
    changed = {d for d in moved if d in shipping}
    lost_only: set[str] = set()
    w = view.world
    if w is not None:
        normal = self.normal_view
        for vm in {*w.vm_down, *w.vm_restarted, *w.vm_relocated, *w.vm_reset}:
            if view.vm_up(vm) != normal.vm_up(vm) or view.vm_site(vm) != normal.vm_site(vm):
                changed.update(self.dag_dbs_on_vm.get(vm, ()))
        base_active = self.base_active
        vm_site, normal_site = view.vm_site, normal.vm_site
        for lost in (w.copy_lost, w.logs_lost):
            for vm, db_id in lost:
                if db_id == "*":
                    dbs: Iterable[str] = self.dag_dbs_on_vm.get(vm, ())
                elif db_id in shipping:
                    if db_id in changed:
                        continue
                    dbs = (db_id,)
                else:
                    continue
                site, normal_vm_site = vm_site(vm), normal_site(vm)
                for d in dbs:
                    if d in changed:
                        continue
                    # Not moved: active where it was. A lost copy in its active
                    # copy's site sends nothing across a link either way (its
                    # reseed neither).
                    active = base_active[d]
                    if (
                        active is None
                        or vm_site(active) != site
                        or normal_site(active) != normal_vm_site
                    ):
                        lost_only.add(d)
        for site in w.sites_down:
            changed.update(self.dbs_in_site.get(site, ()))
    rerouted: set[str] = set()
    overrides = list(overrides)
    for link_id in (*view.links_down, *overrides):
        rerouted.update(self.dbs_on_link.get(link_id, ()))
    lost_only -= changed
    if view.links_down or view.sites_down or overrides or view.directions_down:
        changed |= lost_only
        lost_only = set()
    else:
        e2007, shipping = self.flows.e2007, self.flows.shipping
        full = {d for d in lost_only if d in e2007 or shipping[d] <= 0}
        changed |= full
        lost_only -= full
    return changed, rerouted - changed, lost_only


def _report(design: Design, *, old: bool, monkeypatch: pytest.MonkeyPatch | None) -> str:
    if old:
        assert monkeypatch is not None
        with monkeypatch.context() as patch:
            patch.setattr(CapacityEngine, "_shift", staticmethod(_old_shift))
            patch.setattr(Flows, "mirrors", _old_mirrors)
            report = capacity(design, max_combined=None)
    else:
        report = capacity(design, max_combined=None)
    return json.dumps(report.to_json(all_modes=True)) + report.to_text(all_modes=True)


def _check_report(design: Design, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _report(design, old=False, monkeypatch=None) == _report(
        design, old=True, monkeypatch=monkeypatch
    )


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_trims_equal_their_references_on_the_samples(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check_parts(design)
    _check_report(design, monkeypatch)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_trims_equal_their_references_on_a_generated_1k_design(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=seed, workload=True)
    assert _check_parts(design) > 20
    _check_report(design, monkeypatch)


def test_the_report_equals_the_references_on_a_generated_10k_design(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks.generate import generate_design

    _check_report(generate_design("10k", seed=0, workload=True), monkeypatch)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_trims_equal_their_references_on_generated_designs(design: Design) -> None:
    _check_parts(design)
    with pytest.MonkeyPatch.context() as patch:
        _check_report(design, patch)


_KEYS: list[LinkKey] = [("w1", "a_to_b"), ("w1", "b_to_a"), ("w2", "a_to_b")]
_KINDS = ["dag_log_shipping", "dag_reseed", "mirrorview_a", "mirrorview_s"]


@st.composite
def _routed(draw: st.DrawFn) -> list[Routed]:
    found: list[Routed] = []
    for _ in range(draw(st.integers(0, 4))):
        stream = Stream(
            draw(st.sampled_from(_KINDS)),
            "db",
            "dag",
            "bos",
            "wor",
            draw(st.floats(0.001, 1e4)),
            volume_gb=draw(st.floats(0.0, 1e3)),
        )
        hops = tuple(draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=2, unique=True)))
        found.append((stream, hops))
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(_KEYS),
        st.dictionaries(st.sampled_from([*_KINDS, ASYNC_VOLUME]), st.floats(0.0, 1e4)),
    ),
    _routed(),
    _routed(),
)
def test_shift_adds_as_two_applies_did(
    base: dict[LinkKey, dict[str, float]], gone: list[Routed], now: list[Routed]
) -> None:
    """The same floats, kinds in the same order, as ``_apply(-1)`` then ``_apply(+1)``
    (adding in another order would change the last bits)."""
    mine: dict[LinkKey, dict[str, float]] = {}
    theirs: dict[LinkKey, dict[str, float]] = {}
    CapacityEngine._shift(mine, base, gone, now)
    _old_shift(theirs, base, gone, now)
    assert [(k, list(v.items())) for k, v in mine.items()] == [
        (k, list(v.items())) for k, v in theirs.items()
    ]
