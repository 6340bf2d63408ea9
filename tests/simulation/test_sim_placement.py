"""``Simulator.placement`` decides where each database is active as ``settled`` does.

Placement is capacity sizing's fast path: the settled state without the options'
texts and RPO, users' routes, the actions an administrator could take, or mirrors',
Double-Take links' and copies' timings. Here, on every sample design and the
simulator's test designs, for every element N-1 fails and every VM (alone), for pairs
of them, and for a site loss with one more failure on top (``after``): the world, the
DAGs' quorum and each database's active member (or none) equal ``settled``'s (going
on from a placement, or placing a pair beside one's placement, re-resolves only the
databases the other failure can change).
"""

from __future__ import annotations

from itertools import combinations, islice

import pytest
import sim_designs as designs

from designer.bundled import sample, sample_names
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator


def _active(state: Settled, db_id: str) -> str | None:
    st = state.state(db_id)
    return st.active_on if st.status == "active" else None


def _same(sim: Simulator, fast: Settled, full: Settled) -> None:
    assert fast.placement and not full.placement
    assert fast.failed == full.failed
    assert fast.world.vm_down == full.world.vm_down
    assert fast.world.vm_restarted == full.world.vm_restarted
    assert fast.world.copy_lost == full.world.copy_lost
    assert fast.world.sites_down == full.world.sites_down
    assert fast.world.links_down == full.world.links_down
    assert dict(fast.dags) == dict(full.dags), fast.failed
    for db_id in sim.prep.dbs:
        assert _active(fast, db_id) == _active(full, db_id), (fast.failed, db_id)
        # A database the placement lists is one it re-resolved to another state.
        if db_id in fast.databases:
            assert fast.databases[db_id] is not sim.baseline.db[db_id]


def _designs() -> list[tuple[str, Design]]:
    return [
        *((name, load(sample(name))) for name in sample_names()),
        ("dag_with_ha", designs.dag_with_ha()),
        ("stretched_dag", designs.stretched_dag()),
        ("stretched_dag_witness_s1", designs.stretched_dag(witness_site="s1")),
        ("lagged_dr", designs.lagged_dr()),
        ("standalone_small_hosts", designs.standalone_ha(memory=48.0)),
        ("mirrorview_srm", designs.mirrorview_srm()),
        ("double_take", designs.double_take()),
        ("double_take_manual", designs.double_take(mode=designs.FailoverMode.MANUAL)),
        ("exchange2007_scc", designs.exchange2007(kind="scc")),
        ("lcr", designs.lcr()),
    ]


def _failable(sim: Simulator) -> list[str]:
    """Every element that can fail by itself (what N-1 sweeps, VMs, LUNs, mirrors…)."""
    ids = [e.id for e in sim.design.elements if type(e).infrastructure]
    return sorted([*ids, *sim.prep.sp_array])


@pytest.mark.parametrize(
    ("name", "design"), _designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_placement_agrees_with_settled(name: str, design: Design) -> None:
    sim = Simulator(getattr(design, "design", design))
    elements = _failable(sim)
    assert elements, name
    alone = {}
    for element in elements:
        alone[element] = sim.placement([element])
        _same(sim, alone[element], sim.settled([element]))
    for pair in islice(combinations(elements, 2), 250):
        full = sim.settled(pair)
        _same(sim, sim.placement(pair), full)
        # Beside either one's placement: only what the other changes is placed again.
        for first in pair:
            _same(sim, sim.placement(pair, beside=alone[first]), full)
    # One failure on top of another (a site loss plus one, as capacity asks; and
    # others): placement re-resolves only what the second changes.
    firsts = [*sorted(sim.prep.sites), *elements[:: max(1, len(elements) // 4)]]
    for first in dict.fromkeys(firsts):
        fast_first, full_first = sim.placement([first]), sim.settled([first])
        for element in elements:
            if element == first:
                continue
            fast = sim.placement([first, element], after=fast_first)
            full = sim.settled([first, element], after=full_first)
            _same(sim, fast, full)


def test_a_placement_is_not_gone_on_from_as_a_settled_state() -> None:
    """``settled(after=placement)`` settles again from the start: a placement's
    database states are not what a scenario's next step may read."""
    sim = Simulator(designs.stretched_dag())
    site = sorted(sim.prep.sites)[0]
    state = sim.settled([site], after=sim.placement([site]))
    assert not state.placement
    assert state == sim.settled([site])


@pytest.mark.parametrize("name", ["stretched_dag", "generated 1k"])
def test_a_pair_placed_beside_one_lists_the_states_in_a_steps_order(name: str) -> None:
    """A pair placed beside one failure's placement lists that placement's states in
    its order, each placed again in its place (or gone, back to its baseline state),
    then those placed again it did not list, in the order they were placed: as a step
    going on from it lists them (since wave 16: capacity reads what moved from the
    databases placed again alone, ``CapacityEngine._moved_from``; before, each placed
    again came after the others)."""
    if name == "generated 1k":
        from benchmarks.generate import generate_design

        design = generate_design("1k", seed=0, workload=True)
    else:
        design = designs.stretched_dag()
    sim = Simulator(design)
    elements = _failable(sim)
    alone = {element: sim.placement([element]) for element in elements}
    seen: list[tuple[set[str], dict]] = []
    real = sim._settled_run

    def spy(ids, databases=None, **kwargs):  # type: ignore[no-untyped-def]
        run = real(ids, databases, **kwargs)
        seen.append((set(databases or ()), dict(run.db)))
        return run

    sim._settled_run = spy  # type: ignore[method-assign]
    checked = 0
    pairs = list(combinations(elements, 2))
    for pair in pairs[:: max(1, len(pairs) // 400)]:
        first = max(pair, key=lambda e: len(alone[e].databases))
        seen.clear()
        fast = sim.placement(pair, beside=alone[first])
        if not seen or fast.run is not None:
            continue  # placed from scratch (not a kind placed beside)
        again, placed = seen[-1]
        want = {d: st for d, st in alone[first].databases.items() if d not in again or d in placed}
        want.update(placed)
        assert list(fast.databases.items()) == list(want.items()), pair
        assert fast.went_on_from is alone[first] and fast.replaced == again, pair
        kept = [d for d in alone[first].databases if d not in again]
        assert all(fast.databases[d] is alone[first].databases[d] for d in kept), pair
        checked += bool(alone[first].databases) and bool(again)
    assert checked > 10
