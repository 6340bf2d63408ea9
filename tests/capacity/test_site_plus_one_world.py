"""A site loss plus one is placed from the site's world, not from scratch.

``Simulator.placement(failed, after=site)`` (capacity's site-plus-one modes) goes on
from the site's settled state; the world of the site plus the new element is derived
from the site's (:func:`designer.simulation.world.world_after`) instead of
``compute_world`` walking the site's hosts, arrays and LUNs again. It must give
``compute_world``'s world, field for field, or decline (None). Checked for every site
and every element capacity fails (plus VMs, LUNs, storage processors, CAS arrays, load
balancers and witnesses) on every sample design, generated 1k and 10k designs (seeds
0 and 1) and Hypothesis designs; from other failures too (a host, a LUN, two
elements) on the 1k designs; and through capacity: every placement, and the report
(JSON and text, byte for byte), equal to those made with the derivation turned off.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs

import designer.simulation.engine as sim_engine
from designer.capacity import capacity, relevant_elements
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator
from designer.simulation.prepared import Prepared
from designer.simulation.world import World, compute_world, world_after

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
#: What a world is (not its memos of what it was derived from or of its lost copies).
FIELDS = [f.name for f in fields(World) if f.compare]


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.json"))


def _design(path: Path) -> Design:
    loaded = load(path)
    return getattr(loaded, "design", loaded)


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


def _extras(prep: Prepared, singles: Iterable[str], rng: random.Random) -> list[str]:
    """What capacity fails, and a few of each kind it does not."""
    found = list(singles)
    for kind in (prep.vms, prep.luns, prep.sp_array, prep.cas, prep.lbs, prep.witnesses):
        found += rng.sample(sorted(kind), min(25, len(kind)))
    return list(dict.fromkeys(found))


def _compare(prep: Prepared, bases: Iterable[frozenset[str]], extras: list[str]) -> int:
    """Each base plus each extra: the derived world equals compute_world's (dicts as
    mappings: their order follows set iteration in compute_world too). How many were
    derived (not declined)."""
    derived = 0
    for failed in bases:
        base = compute_world(prep, failed)
        for extra in extras:
            both = failed | {extra}
            found = world_after(prep, base, both)
            if found is None:
                continue
            derived += 1
            scratch = compute_world(prep, both)
            wrong = [k for k in FIELDS if getattr(found, k) != getattr(scratch, k)]
            assert wrong == [], (sorted(failed), extra, wrong)
    return derived


def _site_plus_one(design: Design, seed: int = 0) -> tuple[int, int]:
    sim = Simulator(design)
    prep = sim.prep
    singles, _ = relevant_elements(sim)
    extras = _extras(prep, singles, random.Random(seed))
    bases = [frozenset([site]) for site in sorted(prep.sites)]
    return _compare(prep, bases, extras), len(bases) * len(extras)


@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.stem)
def test_site_plus_one_worlds_of_every_sample(path: Path) -> None:
    derived, asked = _site_plus_one(_design(path))
    assert asked == 0 or derived > 0


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0), ("10k", 1)])
def test_site_plus_one_worlds_of_generated_designs(size: str, seed: int) -> None:
    derived, asked = _site_plus_one(_generated(size, seed), seed)
    # Most are derived: declined are links, sites and hosts of clusters the site cut.
    assert derived > asked // 2


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_site_plus_one_worlds_of_stretched_designs(design: Design) -> None:
    _site_plus_one(design)


@pytest.mark.parametrize("seed", [0, 1])
def test_worlds_after_other_failures(seed: int) -> None:
    """Not only a site: a host, a LUN, a VM, two elements, then one more."""
    sim = Simulator(_generated("1k", seed))
    prep = sim.prep
    singles, _ = relevant_elements(sim)
    rng = random.Random(seed)
    pool = _extras(prep, singles, rng)
    bases = [frozenset([e]) for e in rng.sample(pool, 40)]
    bases += [frozenset(rng.sample(pool, 2)) for _ in range(15)]
    extras = rng.sample(pool, min(120, len(pool)))
    assert _compare(prep, bases, extras) > len(bases) * len(extras) // 2


def test_the_derivation_declines_what_it_cannot_add() -> None:
    """Sites, WAN links, unknown elements, and a host in a cluster the base already cut
    (vSphere HA would place the stranded VMs differently) are computed from scratch."""
    design = _generated("1k", 0)
    prep = Prepared(design)
    site, other = sorted(prep.sites)[:2]
    base = compute_world(prep, frozenset([site]))
    link = sorted(prep.links)[0]
    assert world_after(prep, base, frozenset([site, other])) is None
    assert world_after(prep, base, frozenset([site, link])) is None
    assert world_after(prep, base, frozenset([site, "no-such-element"])) is None
    host = sorted(prep.hosts)[0]
    cluster = prep.hosts[host].cluster
    mates = [h for h in prep.hosts_in_cluster.get(cluster or "", ()) if h != host]
    assert mates
    alone = compute_world(prep, frozenset([host]))
    assert world_after(prep, alone, frozenset([host, mates[0]])) is None
    # Neither is a base that is not a part of the failures.
    assert world_after(prep, alone, frozenset([mates[0]])) is None


class _Recording(Simulator):
    def __init__(self, design: Design) -> None:
        super().__init__(design)
        self.placed: list[tuple[tuple[str, ...], str, Settled]] = []

    def placement(
        self, failed: Any, *, after: Settled | None = None, beside: Settled | None = None
    ) -> Settled:
        found = super().placement(failed, after=after, beside=beside)
        how = "after" if after is not None else "beside" if beside is not None else "alone"
        self.placed.append((tuple(failed), how, found))
        return found


def _sized(design: Design, derive: bool) -> tuple[_Recording, str, str]:
    with pytest.MonkeyPatch.context() as mp:
        if not derive:
            mp.setattr(sim_engine, "world_after", lambda *_args: None)
        sim = _Recording(design)
        report = capacity(sim, max_combined=None)
    return sim, json.dumps(report.to_json(all_modes=True)), report.to_text(all_modes=True)


def _same_capacity(design: Design) -> int:
    fast, fast_json, fast_text = _sized(design, True)
    slow, slow_json, slow_text = _sized(design, False)
    assert [(f, h) for f, h, _ in fast.placed] == [(f, h) for f, h, _ in slow.placed]
    after = 0
    for (failed, how, a), (_f, _h, b) in zip(fast.placed, slow.placed, strict=True):
        assert list(a.databases.items()) == list(b.databases.items()), failed
        assert dict(a.dags) == dict(b.dags), failed
        for name in FIELDS:
            assert getattr(a.world, name) == getattr(b.world, name), (failed, name)
        after += how == "after"
    assert fast_json == slow_json
    assert fast_text == slow_text
    return after


@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.stem)
def test_capacity_of_every_sample_is_the_same(path: Path) -> None:
    _same_capacity(_design(path))


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0), ("10k", 1)])
def test_capacity_of_generated_designs_is_the_same(size: str, seed: int) -> None:
    assert _same_capacity(_generated(size, seed)) > 0


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_capacity_of_stretched_designs_is_the_same(design: Design) -> None:
    _same_capacity(design)


def test_site_plus_one_placements_derive_the_world() -> None:
    """It is used: capacity's site-plus-one and double placements at 1k derive their
    world."""
    calls: list[bool] = []

    def counted(prep: Prepared, base: World, failed: frozenset[str]) -> World | None:
        found = world_after(prep, base, failed)
        calls.append(found is not None)
        return found

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim_engine, "world_after", counted)
        sim, _json, _text = _sized(_generated("1k", 0), True)
    # Every site plus one, and the doubles placed beside a single's placement.
    assert len(calls) > sum(how == "after" for _f, how, _s in sim.placed) > 0
    assert sum(calls) > len(calls) // 2
