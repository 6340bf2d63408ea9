"""Availability benchmark: minimal cut sets at scale, and the Monte Carlo over processes.

For each size (``benchmarks.generate``) it prepares a ``Simulator`` once, then times:

* ``index``     ``DesignIndex(design)``: the floor, one pass over the design;
* ``cut sets``  every database's and user site's minimal cut sets up to ``--order``
  (default 2) over ``--workers`` processes (default: every core), best of ``--repeat``,
  and once in one process for the ratio;

and, on the ``--mc-size`` design (default 1k), ``--years`` years (default 100,000) of
failures and repairs through the simulator, single-process and over every core in the
same run, with the ratio (the figures must be identical: same seed, same chunks).

The failure figures are the benchmark's own (no source publishes any; see
``resources/catalog/reliability.json``): a site every 10 years for 48 h, a WAN link
yearly for 8 h, a host every 5 years for 8 h, an array every 10 years for 12 h, a
storage processor every 5 years for 6 h, a load balancer every 3 years for 4 h, a
witness every 2 years for 8 h, a CAS array every 10 years for 2 h.

Targets (this machine, its cores): order-2 cut sets of a 25k design ≤ 10 s; 100,000
simulated years of a 1k design ≤ 10 s over the cores. ``OVER TARGET`` and exit code 1
otherwise.

Usage::

    python benchmarks/bench_availability.py                      # 1k, 10k, 25k; MC on 1k
    python benchmarks/bench_availability.py --sizes 25k --repeat 3 --years 100000
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from designer.availability import CutSetFinder, figures_of
from designer.availability.analysis import monte_carlo_setup
from designer.availability.montecarlo import run_monte_carlo
from designer.domain import Design, DesignIndex, KindFigures, ReliabilitySettings
from designer.simulation import Simulator

__all__ = ["FIGURES", "main"]

TARGET_CUT_SETS_S = 10.0
TARGET_MC_S = 10.0
YEAR_H = 8766.0

FIGURES = ReliabilitySettings(
    kinds={
        "site": KindFigures(mtbf_h=10 * YEAR_H, mttr_h=48.0, source="benchmark"),
        "wan_link": KindFigures(mtbf_h=YEAR_H, mttr_h=8.0, source="benchmark"),
        "esxi_host": KindFigures(mtbf_h=5 * YEAR_H, mttr_h=8.0, source="benchmark"),
        "storage_array": KindFigures(mtbf_h=10 * YEAR_H, mttr_h=12.0, source="benchmark"),
        "storage_processor": KindFigures(mtbf_h=5 * YEAR_H, mttr_h=6.0, source="benchmark"),
        "load_balancer": KindFigures(mtbf_h=3 * YEAR_H, mttr_h=4.0, source="benchmark"),
        "file_share_witness": KindFigures(mtbf_h=2 * YEAR_H, mttr_h=8.0, source="benchmark"),
        "cas_array": KindFigures(mtbf_h=10 * YEAR_H, mttr_h=2.0, source="benchmark"),
    }
)


def time_best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best, median) wall time of ``repeat`` calls, and the last result."""
    times: list[float] = []
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def _design(size: str) -> Design:
    try:
        from benchmarks.generate import generate_design
    except ImportError:
        raise SystemExit("benchmarks/generate.py is needed to build the designs") from None
    return generate_design(size, seed=0).model_copy(update={"reliability": FIGURES})


def bench_cut_sets(size: str, order: int, repeat: int, workers: int) -> bool:
    design = _design(size)
    n = len(design.elements)
    index_best, _, _ = time_best(lambda: DesignIndex(design), repeat)
    sim = Simulator(design)
    sim.prep.topology.graph  # noqa: B018 - built once, as the GUI's session does
    one_s, _, _ = time_best(lambda: CutSetFinder(sim, order).find(), 1)
    best, median, result = time_best(
        lambda: CutSetFinder(sim, order, workers=workers).find(), repeat
    )
    per_order = {k: sum(len(t.of_order(k)) for t in result.databases) for k in range(1, order + 1)}
    print(f"\n{size}: {n:,} elements, {len(result.databases):,} databases")
    print(f"  index     {index_best * 1000:8.1f} ms   (floor)")
    print(
        f"  cut sets  {best:8.2f} s    median {median:.2f} s   order {order}: "
        f"{result.candidates} candidates, {result.judged:,} sets judged, "
        + ", ".join(f"{count:,} of order {k}" for k, count in per_order.items())
    )
    print(f"  cut sets, 1 process   {one_s:8.2f} s   ratio {workers}/1: {best / one_s:.2f}")
    print(f"  cut sets / index          {best / index_best:8.1f}")
    if n >= 20_000 and order == 2 and best > TARGET_CUT_SETS_S:
        print(f"  OVER TARGET: order-2 cut sets {best:.2f} s > {TARGET_CUT_SETS_S:g} s")
        return False
    return True


def bench_monte_carlo(size: str, years: int, workers: int) -> bool:
    design = _design(size)
    sim = Simulator(design)
    finder = CutSetFinder(sim, 2)
    cuts = finder.find()
    figures = figures_of(design, finder.kinds.items())
    setup, _ = monte_carlo_setup(design, sim, figures, cuts)
    print(
        f"\nMonte Carlo, {size} ({len(design.elements):,} elements): {years:,} years, "
        f"{len(setup.elements)} elements failing, {len(setup.targets)} targets"
    )
    one_s, _, one = time_best(lambda: run_monte_carlo(setup, years, 1, workers=1, sim=sim), 1)
    many_s, _, many = time_best(
        lambda: run_monte_carlo(setup, years, 1, workers=workers, sim=sim), 1
    )
    print(
        f"  1 process   {one_s:8.2f} s   {one.failures:,} failures, "
        f"{one.states_judged:,} states judged"
    )
    print(f"  {many.workers} processes {many_s:8.2f} s   ratio {many_s / one_s:.2f}")
    if one.unavailability != many.unavailability:
        print("  MISMATCH: the figures differ with the number of processes")
        return False
    print("  same figures with 1 and with all processes")
    if many_s > TARGET_MC_S:
        print(f"  OVER TARGET: {years:,} years {many_s:.2f} s > {TARGET_MC_S:g} s")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "10k", "25k"])
    parser.add_argument("--order", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mc-size", default="1k")
    parser.add_argument("--years", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    ok = all(
        [bench_cut_sets(size, args.order, max(1, args.repeat), args.workers) for size in args.sizes]
    )
    if args.years > 0:
        ok = bench_monte_carlo(args.mc_size, args.years, args.workers) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
