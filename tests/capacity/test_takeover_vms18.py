"""The who-takes-over table's few-rows path found from the moved VMs, and its quorum mask
kept whole (wave 18).

A few-rows placement step (a host's failure: ~3 VMs touched, ~100 databases affected)
whose every (DAG, member) pair is in its DAG's quorum finds the rows that can move from
the touched and restarted VMs' rows (``FEW_VMS``) instead of every affected row's masks;
the quorum mask is kept whole per the DAGs' quorum states, and the terms always true in
a world (no copy lost, every pair in quorum) are left out of the usable mask.

- Forced for every step (``FEW_VMS`` and ``FEW_AFFECTED_SHARE`` always, the table for
  every step), every placement ``capacity(sim, max_combined=None)`` asks for equals
  ``_resolve``'s one by one (``test_takeover_placement._differences``) on the samples,
  generated 1k and 10k designs and Hypothesis designs.
- Never taken, capacity's placements (states and order) and report equal the default's,
  which takes it (counted).
- The kept whole mask equals one made afresh for every placement step of a sizing.
- A mutant that lists the rows unsorted fails; the rows are those of the step's
  databases only (a step placed beside another is given some of the moved members'
  databases: the others are placed as there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs
from test_takeover_placement import _differences, _mutant, _placements_and_report, _threshold

from designer.capacity import capacity
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator, takeover
from designer.simulation.takeover import TakeoverTable

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
ALWAYS = 10**9
#: ``FEW_AFFECTED_SHARE`` for the few-rows path on every step (a step is "few" when its
#: databases × the share are fewer than the table's rows).
FEW_ALWAYS = 0


@contextmanager
def _forced(vms: int, share: int | None = None) -> Iterator[None]:
    before = takeover.FEW_VMS, takeover.FEW_AFFECTED_SHARE
    takeover.FEW_VMS = vms
    if share is not None:
        takeover.FEW_AFFECTED_SHARE = share
    try:
        yield
    finally:
        takeover.FEW_VMS, takeover.FEW_AFFECTED_SHARE = before


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_moved_vms_path_places_every_sample_as_resolve_does(path: Path) -> None:
    loaded = load(path)
    with _forced(ALWAYS, FEW_ALWAYS):
        found, _sim = _differences(getattr(loaded, "design", loaded))
    assert found == []


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_the_moved_vms_path_places_generated_designs_as_resolve_does(size: str, seed: int) -> None:
    with _forced(ALWAYS, FEW_ALWAYS):
        found, _sim = _differences(_generated(size, seed))
    assert found == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_moved_vms_path_places_stretched_designs_as_resolve_does(design: Design) -> None:
    with _forced(ALWAYS, FEW_ALWAYS):
        found, _sim = _differences(design)
    assert found == []


def _placed(design: Design, vms: int, share: int | None = None) -> tuple[list[Any], str]:
    with _forced(vms, share):
        return _placements_and_report(design)


@pytest.mark.parametrize(
    ("size", "seed", "share"),
    [("1k", 0, FEW_ALWAYS), ("1k", 1, FEW_ALWAYS), ("10k", 0, None), ("10k", 0, FEW_ALWAYS)],
)
def test_capacity_is_the_same_with_and_without_the_moved_vms_path(
    size: str, seed: int, share: int | None
) -> None:
    """``share`` None: the default few-rows share (a 10k host's failure takes it)."""
    design = _generated(size, seed)
    calls: list[int] = []
    real = TakeoverTable._rows_active_on

    def counted(self: TakeoverTable, *args: Any) -> Any:
        found = real(self, *args)
        calls.append(len(found))
        return found

    with pytest.MonkeyPatch.context() as mp, _threshold(0):
        mp.setattr(TakeoverTable, "_rows_active_on", counted)
        default = _placed(design, takeover.FEW_VMS, share)
        assert calls and max(calls) > 0  # the default takes it (hosts' failures)
        assert default == _placed(design, 0, share)


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("10k", 0)])
def test_the_kept_quorum_mask_equals_one_made_afresh(size: str, seed: int) -> None:
    design = _generated(size, seed)
    steps: list[tuple[Any, dict[str, Any]]] = []
    place = TakeoverTable.place

    def recording(self: TakeoverTable, run: Any, w: Any, *args: Any) -> Any:
        steps.append((w, dict(run.dag_state)))
        return place(self, run, w, *args)

    sim = Simulator(design)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "place", recording)
        capacity(sim, max_combined=None)
    table = sim._takeover_table()
    assert len(steps) > 10 and len(table._whole_quorum) < len(steps)  # kept and reused
    for w, dag_state in steps:
        kept, every = table._quorum_mask(w, dag_state)
        fresh = TakeoverTable(sim.prep, sim._base_db)
        made, made_every = fresh._quorum_mask(w, dag_state)
        assert np.array_equal(kept, made) and every == made_every == bool(made.all())
        assert not kept.flags.writeable


def test_unsorted_rows_are_caught() -> None:
    wrong = _mutant(TakeoverTable._rows_active_on, "found.sort()", "found.sort(reverse=True)")
    design = _generated("1k", 0)
    with pytest.MonkeyPatch.context() as mp, _threshold(0):
        mp.setattr(TakeoverTable, "_rows_active_on", wrong)
        unsorted = _placed(design, ALWAYS, FEW_ALWAYS)
    assert unsorted != _placed(design, 0, FEW_ALWAYS)


def test_the_rows_found_are_the_steps_databases_active_on_the_vms() -> None:
    sim = Simulator(_generated("1k", 0))
    table = sim._takeover_table()
    members = [vm for vm, i in table.vm_index.items() if i in table.rows_by_base_member]
    assert len(members) >= 2
    on = {
        vm: [table.rows[r] for r in table.rows_by_base_member[table.vm_index[vm]]] for vm in members
    }
    chosen = members[:2]
    every = on[chosen[0]] + on[chosen[1]]
    some = set(every[::2])  # the step's databases: every other one
    found = table._rows_active_on([*chosen, "no-such-vm"], some)
    assert found == sorted(table.row_of[d] for d in some)
    assert table._rows_active_on(chosen, set()) == []


class _Counted:
    """An index array whose reads are counted (the coded path alone reads it)."""

    def __init__(self, array: Any) -> None:
        self.array = array
        self.reads = 0

    def __getitem__(self, at: Any) -> Any:
        self.reads += 1
        return self.array[at]


def _placed_loop(design: Design, loop: bool) -> tuple[list[Any], str, int]:
    """Capacity's placements and report with the plain moves coded (the default) or
    each row through the loop (``_never_down`` false: the coded path is never taken);
    and how many steps took the coded path."""
    placed: list[Any] = []
    counted: list[_Counted] = []

    class Recording(Simulator):
        def placement(self, failed: Any, **kw: Any) -> Any:
            table = self._takeover_table()
            if loop:
                table._never_down = False
            if not counted:
                counted.append(_Counted(table._rpo_code))
                table._rpo_code = counted[0]  # type: ignore[assignment]
            found = super().placement(failed, **kw)
            placed.append((tuple(failed), list(found.databases.items()), dict(found.dags)))
            return found

    with _threshold(0), pytest.MonkeyPatch.context() as mp:
        mp.setattr(takeover, "CODED_MIN_MOVES", 0)  # every plain step coded
        report = capacity(Recording(design), max_combined=None)
    return placed, json.dumps(report.to_json(all_modes=True)), counted[0].reads


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_the_coded_moves_equal_the_loops(size: str, seed: int) -> None:
    """Plain moves' states made per (member, way, recovery point) code and paired at C
    speed: the same states, in the same order, the same report as row by row."""
    design = _generated(size, seed)
    fast = _placed_loop(design, loop=False)
    slow = _placed_loop(design, loop=True)
    assert fast[:2] == slow[:2]
    assert fast[2] > 0 and slow[2] == 0  # the coded path taken, and not


def test_a_wrong_code_is_caught() -> None:
    wrong = _mutant(TakeoverTable.place, "bool(how & 1)", "not (how & 1)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "place", wrong)
        mp.setattr(takeover, "CODED_MIN_MOVES", 0)
        found, _sim = _differences(_generated("1k", 0))
    assert found
