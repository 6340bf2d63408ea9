"""Wave 16's cheaper set-up pieces against what they replace.

- :class:`ModeView`'s bandwidths: every view of one engine's link table without a
  bandwidth of its own shares one dict of the links as drawn (equal to the
  comprehension every view made before); a view with a bandwidth override gets its own
  dict with the override, and the shared one is left as drawn.
- :meth:`ModeView.lost_copies`' VMs that lost every copy ("*") picked from the VMs of
  the pairs, against the comprehension over every pair, on every state a sizing reads.
- Normal operation's streams (:meth:`Flows.normal`), the databases' loads and costs
  made by ``tuple.__new__``: instances of their named tuples, equal field by field to
  :meth:`Flows.database` (the per-database reference) and the named tuples' own
  constructors; :meth:`Flows.normal`'s plans per (copies' members, active member)
  against that reference on the samples (DAGs in one site among them), generated
  designs and Hypothesis designs.
- A member's normal load (``CapacityEngine._load``, its sums over ``map``) against the
  sums of each field over the member's databases, as the generators made them; the
  set-up's databases per link (gathered per route), per site and per member (each
  members tuple's sites once) against the loops over every stream and copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs
from test_lost_copies import _states

from designer.capacity import CapacityEngine
from designer.capacity.engine import _Cost
from designer.capacity.view import ModeView
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import DatabaseLoad, Stream


def _check_views(design: Design) -> int:
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    prep = engine.prep
    drawn = {link.id: link.bandwidth_mbps for link in prep.links.values()}
    states = _states(sim, engine)
    views = [ModeView(prep, engine.links, engine.baseline, state) for state in states]
    for view in [engine.normal_view, *views]:
        assert view.bandwidth == drawn
        assert view.bandwidth is engine.normal_view.bandwidth
    checked = 0
    for view in views:
        pairs, vms = view.lost_copies()
        assert pairs == view.world.copy_lost | view.world.logs_lost  # type: ignore[union-attr]
        assert vms == {vm for vm, db_id in pairs if db_id == "*"}
        checked += bool(pairs)
    if prep.links:
        link_id = sorted(prep.links)[0]
        own = ModeView(prep, engine.links, engine.baseline, states[0], bandwidth={link_id: 1.5})
        assert own.bandwidth == {**drawn, link_id: 1.5}
        assert engine.normal_view.bandwidth == drawn
        # The override's mode through the engine: its link's figures at that bandwidth.
        result = engine.evaluate(engine.normal.mode, bandwidth={link_id: 1.5})
        assert result.links[(link_id, "a_to_b")].bandwidth_mbps == 1.5
        assert (
            engine.evaluate(engine.normal.mode).links[(link_id, "a_to_b")].bandwidth_mbps
            == (drawn[link_id])
        )
    return checked


def _check_normal(design: Design) -> int:
    """Normal operation's streams against ``Flows.database`` database by database."""
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    flows, view = engine.flows, engine.normal_view
    streams = 0
    for db_id, routed in engine.base_db.items():
        active = engine.base_active[db_id]
        reference = flows.database(db_id, view, active)
        assert routed == reference, db_id
        for stream, _hops in routed:
            assert type(stream) is Stream
            assert stream == Stream(*stream), db_id
            streams += 1
    # The set-up's lookups against the loops they replace.
    on_link: dict[str, set[str]] = {}
    for db_id, routed in engine.base_db.items():
        for _stream, hops in routed:
            for link_id, _way in hops:
                on_link.setdefault(link_id, set()).add(db_id)
    assert dict(engine.dbs_on_link) == on_link
    in_site: dict[str, set[str]] = {}
    on_vm: dict[str, list[str]] = {}
    for db_id in flows.shipping:
        for member in flows.copy_members[db_id]:
            site = engine.prep.vm_site.get(member)
            if site:
                in_site.setdefault(site, set()).add(db_id)
            on_vm.setdefault(member, []).append(db_id)
    assert dict(engine.dbs_in_site) == in_site
    assert dict(engine.dag_dbs_on_vm) == on_vm
    cost_of = engine.cost
    for member, load_ in engine.base_members.items():
        if not load_.up:
            continue
        active = [d for d in engine.copies_on_vm.get(member, ()) if engine.base_active[d] == member]
        passive = [
            d
            for d in engine.copies_on_vm.get(member, ())
            if engine.base_active[d] != member and member in engine.passive_of.get(d, ())
        ]
        assert load_.active_databases == len(active), member
        assert load_.active_mailboxes == sum(cost_of[d].mailboxes for d in active), member
        assert load_.passive_mailboxes == sum(cost_of[d].mailboxes for d in passive), member
        megacycles = sum(cost_of[d].active_mc for d in active) + sum(
            cost_of[d].passive_mc for d in passive
        )
        assert load_.megacycles == round(megacycles, 6), member
        cache = sum(cost_of[d].cache_gb for d in active)
        memory = (engine.figures.base_memory_gb + cache) if (active or passive) else 0.0
        assert load_.memory_gb == round(memory, 6), member
    for db_id, cost in engine.cost.items():
        assert type(cost) is _Cost and cost == _Cost(*cost), db_id
    for db_id, load_ in engine.workload.loads().items():
        assert type(load_) is DatabaseLoad and load_ == DatabaseLoad(*load_), db_id
    return streams


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_views_and_normal_streams_on_the_samples(path: Path) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check_views(design)
    _check_normal(design)


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_views_and_normal_streams_on_generated_designs(size: str, seed: int) -> None:
    from benchmarks.generate import generate_design

    design = generate_design(size, seed=seed, workload=True)
    assert _check_views(design) > 0  # array and site losses lose copies
    assert _check_normal(design) > 100


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_views_and_normal_streams_on_hypothesis_designs(design: Design) -> None:
    _check_views(design)
    _check_normal(design)
