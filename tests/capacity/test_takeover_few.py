"""The who-takes-over table's path for few databases places as its full path.

A placement step that can change few of the table's databases (a site loss plus one
going on from the site's state; a double failure placed beside the heavier single's)
looks only at their rows and members (``FEW_AFFECTED_SHARE``). Forced for every step
(and the table forced for every step, ``TAKEOVER_MIN_AFFECTED`` 0), every placement
``capacity(sim, max_combined=None)`` asks for equals ``_resolve``'s one by one
(``test_takeover_placement._differences``: databases in order, DAGs, world, the
report), on every sample, generated 1k and 10k designs (seeds 0 and 1) and
Hypothesis designs; and never taken, capacity's placements and report equal those of
the default (the table forced too). A mutated lost-copy check must fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs
from test_takeover_placement import _differences, _mutant, _placements_and_report, _threshold

from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator, takeover
from designer.simulation.takeover import TakeoverTable

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
#: The share that sends every step down the few-rows path (a step is "few" when its
#: databases × the share are fewer than the table's rows; 10**9 sent none, wave 18).
ALWAYS = 0


@contextmanager
def _share(value: int) -> Iterator[None]:
    before = takeover.FEW_AFFECTED_SHARE
    takeover.FEW_AFFECTED_SHARE = value
    try:
        yield
    finally:
        takeover.FEW_AFFECTED_SHARE = before


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_few_path_places_every_sample_as_resolve_does(path: Path) -> None:
    loaded = load(path)
    with _share(ALWAYS):
        found, _sim = _differences(getattr(loaded, "design", loaded))
    assert found == []


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0), ("10k", 1)])
def test_the_few_path_places_generated_designs_as_resolve_does(size: str, seed: int) -> None:
    with _share(ALWAYS):
        found, _sim = _differences(_generated(size, seed))
    assert found == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_few_path_places_stretched_designs_as_resolve_does(design: Design) -> None:
    with _share(ALWAYS):
        found, _sim = _differences(design)
    assert found == []


def _placed(design: Design, share: int) -> tuple[list[Any], str]:
    with _share(share):
        return _placements_and_report(design)


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0), ("10k", 1)])
def test_capacity_is_the_same_with_and_without_the_few_path(size: str, seed: int) -> None:
    design = _generated(size, seed)
    calls: list[int] = []

    def counting(real: Any) -> Any:
        def counted(self: TakeoverTable, *args: Any) -> Any:
            found = real(self, *args)
            calls.append(len(found))
            return found

        return counted

    with pytest.MonkeyPatch.context() as mp, _threshold(0):
        # The few-rows path's two ways in (wave 18: a step with few moved VMs, every
        # pair in quorum, finds its rows from those VMs' rows).
        for name in ("_rows_in", "_rows_active_on"):
            mp.setattr(TakeoverTable, name, counting(getattr(TakeoverTable, name)))
        default = _placed(design, takeover.FEW_AFFECTED_SHARE)
        assert calls  # the default uses it (site plus one, doubles, hosts)
        assert default == _placed(design, 0)


def _lost_rows_differ(design: Design) -> int:
    """Worlds of single LUNs, arrays, SPs, hosts, sites and pairs of them: how many
    give a ``_lost_rows`` over every row other than ``_lost_mask``."""
    import numpy as np

    sim = Simulator(design)
    prep = sim.prep
    table = sim._takeover_table()
    rows = np.arange(len(table.rows), dtype=np.intp)
    failable = sorted([*prep.luns, *prep.arrays, *prep.sp_array, *prep.hosts, *prep.sites])
    sets = [[e] for e in failable[:400]]
    sets += [[a, b] for a, b in zip(failable[::7], failable[3::11], strict=False)]
    lost = 0
    wrong = 0
    for failed in sets:
        w = sim.placement(failed).world
        full = table._lost_mask(w)
        lost += int(full.sum())
        wrong += not np.array_equal(table._lost_rows(np, w, rows), full)
    assert lost > 0
    return wrong


def test_lost_rows_of_every_sample() -> None:
    """Every sample with DAG databases in the table and LUNs to lose (the others have
    no row a lost copy could mark)."""
    checked = []
    for path in sorted(SAMPLES.glob("*.json")):
        loaded = load(path)
        design = getattr(loaded, "design", loaded)
        sim = Simulator(design)
        if sim._takeover_table().rows and sim.prep.luns:
            assert _lost_rows_differ(design) == 0, path.name
            checked.append(path.name)
    assert checked, "no sample has DAG rows and LUNs to lose"


@pytest.mark.parametrize("seed", [0, 1])
def test_lost_rows_of_generated_designs(seed: int) -> None:
    assert _lost_rows_differ(_generated("1k", seed)) == 0


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(('every = (vm, "*")', 'every = (vm, "?")'), id="star"),
        pytest.param(("if (pair in copy_lost", "if False and (pair in copy_lost"), id="own"),
    ],
)
def test_a_wrong_lost_check_is_caught(mutate: tuple[str, str]) -> None:
    """A copy lost through its VM's "*" or its own (VM, database) pair is lost."""
    wrong = _mutant(TakeoverTable._lost_rows, *mutate)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_lost_rows", wrong)
        assert _lost_rows_differ(_generated("1k", 0)) > 0
