"""A world grown from another shares what the new failures cannot change (wave 21).

:func:`designer.simulation.world.world_after` gives its base's very sets (not copies)
for what the new failures leave as it was: the sites and links always, and without a
new LUN lost the storage's (lost copies and logs, LUNs, RAID sets, LCR disks); a site's
or an array's loss plus a host shared thousands of lost copies per mode that way. So
the base must come out of it, and out of the placements going on from it, exactly as
it went in; and a placement going on from the step before (``placement(after=…)``)
looks again only at the VMs whose state changed, and must leave the run as the walk
over every touched VM does (the VMs' times down, the fresh VMs, the DAGs' quorum).
"""

from __future__ import annotations

import copy
import random
from dataclasses import fields
from typing import Any

import pytest

import designer.simulation.engine as sim_engine
from designer.capacity import relevant_elements
from designer.domain import Design
from designer.simulation import Simulator
from designer.simulation.prepared import Prepared
from designer.simulation.world import World, compute_world, world_after

#: What a world is (not its memos of what it was derived from or of its lost copies).
FIELDS = [f.name for f in fields(World) if f.compare and f.name != "reach_memo"]
#: The sets world_after shares with its base when no new LUN is lost.
STORAGE = ("luns_down", "copy_lost", "logs_lost", "lcr_disks_lost", "raid_sets_down")


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


def _snapshot(w: World) -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(w, name)) for name in FIELDS}


@pytest.mark.parametrize("seed", [0, 1])
def test_world_after_leaves_its_base_as_it_was(seed: int) -> None:
    """Every site and array, then each element capacity fails and a sample of VMs,
    LUNs, storage processors and witnesses: the base's every field unchanged, and the
    grown world still compute_world's."""
    prep = Prepared(_generated("1k", seed))
    rng = random.Random(seed)
    extras = sorted(prep.hosts) + sorted(prep.arrays)
    for kind in (prep.vms, prep.luns, prep.sp_array, prep.witnesses):
        extras += rng.sample(sorted(kind), min(20, len(kind)))
    bases = [frozenset([s]) for s in sorted(prep.sites)]
    bases += [frozenset([a]) for a in sorted(prep.arrays)]
    grown = 0
    for failed in bases:
        base = compute_world(prep, failed)
        before = _snapshot(base)
        made = {e: world_after(prep, base, failed | {e}) for e in extras}
        worlds = {e: w for e, w in made.items() if w is not None}
        grown += len(worlds)
        # All grown first (each could have written the base's shared sets), then read.
        assert _snapshot(base) == before, sorted(failed)
        wrong = {
            e: [k for k in FIELDS if getattr(w, k) != getattr(compute_world(prep, w.failed), k)]
            for e, w in worlds.items()
        }
        assert {e: names for e, names in wrong.items() if names} == {}, sorted(failed)
    assert grown > len(bases) * len(extras) // 2


def test_a_host_after_a_site_shares_the_storage_and_a_lun_does_not() -> None:
    prep = Prepared(_generated("1k", 0))
    site = sorted(prep.sites)[0]
    base = compute_world(prep, frozenset([site]))
    assert base.copy_lost  # the site's storage loses copies
    host = next(h for h in sorted(prep.hosts) if h not in base.hosts_down)
    cluster = prep.hosts[host].cluster
    if cluster is not None:
        assert not any(h in base.hosts_down for h in prep.hosts_in_cluster.get(cluster, ()))
    grown = world_after(prep, base, frozenset([site, host]))
    assert grown is not None
    for name in STORAGE:
        assert getattr(grown, name) is getattr(base, name), name
    assert grown.touched_vms is not base.touched_vms  # the host's VMs are added
    assert grown.vm_down is not base.vm_down
    lun = next(
        lun for lun in sorted(prep.luns) if lun not in base.luns_down and prep.disks_on_lun.get(lun)
    )
    before = _snapshot(base)
    with_lun = world_after(prep, base, frozenset([site, lun]))
    assert with_lun is not None
    assert lun in with_lun.luns_down and lun not in base.luns_down
    for name in STORAGE:
        assert getattr(with_lun, name) is not getattr(base, name), name
    assert _snapshot(base) == before


def _runs(design: Design, derive: bool) -> list[tuple[tuple[str, ...], Any]]:
    """Each site loss (capacity's site plus one), and a few hosts' (vSphere HA restarts
    their VMs: fresh in the first step, no longer in the second), plus each host,
    placed after the first one's placement: the run."""
    with pytest.MonkeyPatch.context() as mp:
        if not derive:
            mp.setattr(sim_engine, "world_after", lambda *_args: None)
        sim = Simulator(design)
        prep = sim.prep
        singles, _ = relevant_elements(sim)
        hosts = [e for e in singles if e in prep.hosts]
        found = []
        for first in sorted(prep.sites) + hosts[::7]:
            state = sim.placement([first])
            before = _snapshot(state.world)
            for host in hosts:
                if host == first:
                    continue
                after = sim.placement([first, host], after=state)
                assert after.run is not None
                found.append(((first, host), after))
            assert _snapshot(state.world) == before
    return found


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_going_on_from_the_step_before_leaves_the_run_as_the_full_walk(
    size: str, seed: int
) -> None:
    design = _generated(size, seed)
    fast = _runs(design, True)
    slow = _runs(design, False)
    assert [f for f, _ in fast] == [f for f, _ in slow]
    grown = fresh_before = 0
    for (failed, a), (_f, b) in zip(fast, slow, strict=True):
        grown += a.world.grown_from is not None
        fresh_before += bool(a.world.vm_restarted.keys() - a.run.fresh_vms)
        assert b.world.grown_from is None
        ra, rb = a.run, b.run
        assert ra is not None and rb is not None
        assert ra.down_since_vm == rb.down_since_vm, failed
        assert ra.fresh_vms == rb.fresh_vms, failed
        assert ra.dag_state == rb.dag_state, failed
        assert ra.dyn_votes == rb.dyn_votes, failed
        assert ra.quorum_lost_at == rb.quorum_lost_at, failed
        assert ra.placed == rb.placed, failed
        assert list(a.databases.items()) == list(b.databases.items()), failed
    assert grown > len(fast) // 2
    assert fresh_before > 0  # VMs restarted (fresh) in the first step, not the second


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_beside_an_array_takes_the_dags_it_does_not_change_as_they_are(
    size: str, seed: int
) -> None:
    """A host's failure placed beside an array's loss (capacity's doubles): the DAGs
    none of whose members the host changes keep the array's placement's state (the
    very object), and every DAG's state, database and world equals the placement of
    both from scratch."""
    sim = Simulator(_generated(size, seed))
    prep = sim.prep
    singles, _ = relevant_elements(sim)
    hosts = [e for e in singles if e in prep.hosts]
    taken = compared = 0
    for array in sorted(prep.arrays):
        alone = sim.placement([array])
        for host in hosts:
            beside = sim.placement([array, host], beside=alone)
            scratch = sim.placement([array, host])
            assert dict(beside.dags) == dict(scratch.dags), (array, host)
            assert {d: beside.state(d).active_on for d in prep.dbs} == {
                d: scratch.state(d).active_on for d in prep.dbs
            }, (array, host)
            assert [
                k for k in FIELDS if getattr(beside.world, k) != getattr(scratch.world, k)
            ] == []
            compared += 1
            taken += sum(
                beside.dags[d] is alone.dags[d] and alone.dags[d] is not sim._base_dag[d]
                for d in prep.dags
            )
    assert compared > 0 and taken > 0
