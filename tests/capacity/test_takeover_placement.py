"""The who-takes-over table places databases as ``_resolve`` does, one by one.

``Simulator.placement`` decides the DAG databases a step can change from index arrays
(:class:`designer.simulation.takeover.TakeoverTable`: copies by activation preference,
boolean masks of the world, a vectorised first pick) and leaves the rest to
``_resolve``. Here every placement one ``capacity(sim, max_combined=None)`` asks for —
every single failure and site loss, every double and site-plus-one failure the search
proposes (``after`` and ``beside`` included) — is made twice, the table forced for every
step (``TAKEOVER_MIN_AFFECTED`` 0) and never used, on every sample design, generated 1k
and 10k designs (seeds 0 and 1) and Hypothesis designs: each placement's databases
(state and order), DAGs and world are the same, and so is the report (JSON, numbers
within 1e-9 relative). A mutated table (lagged copies taken, a restarted member
preferred) must fail the comparison.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_properties import designs

from designer.capacity import capacity
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Settled, Simulator, takeover
from designer.simulation.takeover import TakeoverTable

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
NEVER = 10**9

Placed = list[tuple[tuple[str, ...], str, Settled]]


@contextmanager
def _threshold(value: int) -> Iterator[None]:
    before = takeover.TAKEOVER_MIN_AFFECTED
    takeover.TAKEOVER_MIN_AFFECTED = value
    try:
        yield
    finally:
        takeover.TAKEOVER_MIN_AFFECTED = before


class _Recording(Simulator):
    """A simulator that keeps every placement it makes."""

    def __init__(self, design: Design) -> None:
        super().__init__(design)
        self.placed: Placed = []

    def placement(
        self, failed: Any, *, after: Settled | None = None, beside: Settled | None = None
    ) -> Settled:
        found = super().placement(failed, after=after, beside=beside)
        how = "after" if after is not None else "beside" if beside is not None else "alone"
        self.placed.append((tuple(failed), how, found))
        return found


def _sized(design: Design, threshold: int) -> tuple[_Recording, dict[str, Any]]:
    with _threshold(threshold):
        sim = _Recording(design)
        report = capacity(sim, max_combined=None).to_json(all_modes=True)
    return sim, report


def _close(a: Any, b: Any, where: str = "") -> None:
    """Equal, numbers within 1e-9 relative."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), where
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key in a:
            _close(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def _differences(design: Design) -> tuple[list[str], _Recording]:
    """What differs between the table's placements and ``_resolve``'s alone (empty:
    none), and the table's recording simulator."""
    table, table_report = _sized(design, 0)
    plain, plain_report = _sized(design, NEVER)
    found: list[str] = []
    assert [(f, h) for f, h, _ in table.placed] == [(f, h) for f, h, _ in plain.placed]
    for (failed, how, fast), (_f, _h, slow) in zip(table.placed, plain.placed, strict=True):
        if list(fast.databases.items()) != list(slow.databases.items()):
            found.append(f"{how} {failed}: databases")
        if dict(fast.dags) != dict(slow.dags):
            found.append(f"{how} {failed}: DAGs")
        if (fast.world.vm_down, fast.world.copy_lost) != (slow.world.vm_down, slow.world.copy_lost):
            found.append(f"{how} {failed}: world")
    if not found:
        _close(table_report, plain_report)
        assert json.dumps(table_report) == json.dumps(plain_report)
    return found, table


def _sample_differences(path: Path) -> list[str]:
    """:func:`_differences` of a sample design file."""
    loaded = load(path)
    return _differences(getattr(loaded, "design", loaded))[0]


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.stem)
def test_the_table_places_every_sample_as_resolve_does(path: Path) -> None:
    design = load(path)
    found, _sim = _differences(getattr(design, "design", design))
    assert found == []


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0), ("10k", 1)])
def test_the_table_places_generated_designs_as_resolve_does(size: str, seed: int) -> None:
    from benchmarks.generate import generate_design

    found, sim = _differences(generate_design(size, seed=seed, workload=True))
    assert found == []
    # The table decided most of what moved (site losses, arrays, hosts), not _resolve.
    table = sim._takeover
    assert table is not None and len(table.rows) == len(sim.prep.dbs)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_table_places_stretched_designs_as_resolve_does(design: Design) -> None:
    found, _sim = _differences(design)
    assert found == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(200, 700), st.integers(0, 10_000))
def test_the_table_places_small_generated_designs_as_resolve_does(size: int, seed: int) -> None:
    from benchmarks.generate import generate_design

    found, _sim = _differences(generate_design(size, seed=seed, workload=True))
    assert found == []


def test_the_table_decides_the_moves_of_a_site_loss_and_an_array_loss() -> None:
    """It is used: at 1k a site's loss and an array's loss move databases the table
    places (not ``_resolve``), to the copy the activation preference says."""
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=0, workload=True)
    calls: list[tuple[int, int]] = []
    place = TakeoverTable.place

    def counted(self: TakeoverTable, *args: Any) -> Any:
        found = place(self, *args)
        assert found is not None
        calls.append((len(found[0]), len(found[1])))
        return found

    with _threshold(0), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "place", counted)
        sim = Simulator(design)
        site = sorted(sim.prep.sites)[0]
        array = sorted(sim.prep.arrays)[0]
        for element in (site, array):
            state = sim.placement([element])
            decided, rest = calls[-1]
            assert decided > 0 and decided >= rest, element
            for db_id, st_now in state.databases.items():
                if st_now.status != "active":
                    continue
                ordered = sim.prep.servers_of(sim.prep.dbs[db_id])
                w = state.world
                usable = [
                    vm
                    for vm, lag in ordered
                    if lag == 0
                    and vm not in w.vm_down
                    and (vm, db_id) not in w.copy_lost
                    and (vm, db_id) not in w.logs_lost
                    and sim.prep.vm_site.get(vm) not in w.sites_down
                ]
                assert st_now.active_on in usable, (element, db_id)


def _placements_and_report(design: Design) -> tuple[list[Any], str]:
    """Every placement ``capacity(sim, max_combined=None)`` makes (what failed, the
    databases in order, the DAGs) and its JSON report (all modes)."""
    placed: list[Any] = []

    class Recording(Simulator):
        def placement(self, failed: Any, **kw: Any) -> Any:
            found = super().placement(failed, **kw)
            placed.append((tuple(failed), list(found.databases.items()), dict(found.dags)))
            return found

    report = capacity(Recording(design), max_combined=None)
    return placed, json.dumps(report.to_json(all_modes=True))


def _mutant(function: Any, old: str, new: str, module: Any = takeover) -> Any:
    """``function`` (of ``module``, the takeover module unless given; a method of a
    class or not) compiled again with ``old`` replaced by ``new`` in its source (which
    must hold ``old``)."""
    import inspect
    import textwrap

    source = textwrap.dedent(inspect.getsource(function))
    assert old in source
    space: dict[str, Any] = {}
    exec(compile(source.replace(old, new), "<mutant>", "exec"), vars(module), space)
    return space[function.__name__]


def _mutated(mutate: Any) -> Any:
    """TakeoverTable.place with ``mutate(table)`` applied first."""
    place = TakeoverTable.place

    def wrong(self: TakeoverTable, *args: Any) -> Any:
        mutate(self)
        return place(self, *args)

    return wrong


@pytest.mark.parametrize(
    "mutate",
    [
        # The copies to activate are ``_open`` (valid and not lagged, made once).
        pytest.param(lambda t: t._open.__setitem__(..., t.valid), id="lagged-copies-taken"),
        pytest.param(lambda t: setattr(t, "_failover_s", 1e9), id="restart-preferred"),
    ],
)
def test_a_wrong_table_is_caught(mutate: Any) -> None:
    from benchmarks.generate import generate_design

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "place", _mutated(mutate))
        found, _sim = _differences(generate_design("1k", seed=0, workload=True))
    assert found


def test_numpy_is_not_imported_with_the_simulator() -> None:
    """The table imports numpy when it is first built, not at import."""
    import subprocess
    import sys

    code = (
        "import sys; import designer.simulation, designer.capacity, designer.rules; "
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
