"""Capacity benchmark: sizing every failure mode against the N-1 sweep, in one run.

For each size it generates a design with a stated workload
(``benchmarks.generate.generate_design(size, workload=True)``), prepares one
``Simulator`` and times (best of ``--repeat``, median shown too):

* ``sweep``     ``analyze(sim, depth=1)``: the N-1 sweep, the floor (issue 11's target:
  capacity of a 25k design for all modes ≤ the sweep time);
* ``engine``    ``CapacityEngine(sim)``: normal operation's streams and loads;
* ``normal``    ``capacity(sim, modes="normal")`` (the engine included);
* ``singles``   ``capacity(sim, max_combined=0)``: every single failure and site loss;
* ``all``       ``capacity(sim)``: also the double and site-plus-one failures the search
  simulates (``--max-combined``, default the library's);

and prints each against the sweep. ``OVER TARGET`` and exit code 1 when ``all`` takes
longer than the sweep on a design of ≥ 20,000 elements.

Usage::

    python benchmarks/bench_capacity.py                    # 1k, 10k, 25k
    python benchmarks/bench_capacity.py --sizes 25k --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_simulation import time_best
from designer.capacity import CapacityEngine, capacity
from designer.capacity.analysis import MAX_COMBINED
from designer.simulation import Simulator, analyze

__all__ = ["bench", "main"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def bench(size: str, repeat: int, max_combined: int) -> bool:
    from benchmarks.generate import generate_design

    design = generate_design(size, seed=0, workload=True)
    n = len(design.elements)
    sim = Simulator(design)
    # As the window does with its prepared simulator: the design and the simulator are
    # long-lived, out of the cyclic collector's reach, so neither measurement pays for
    # scanning them (each still pays for what it allocates itself).
    gc.collect()
    gc.freeze()
    examined = analyze(sim).examined
    report = capacity(sim, max_combined=max_combined)
    kinds: dict[str, int] = {}
    for mode in report.evaluated:
        kinds[mode.kind] = kinds.get(mode.kind, 0) + 1
    pairs = (report.pairs_examined, report.pairs_simulated)
    del report
    sweep, sweep_median, _ = time_best(lambda: analyze(sim).examined, repeat)
    engine, _, _ = time_best(lambda: CapacityEngine(sim) and None, repeat)
    normal, _, _ = time_best(lambda: capacity(sim, modes="normal") and None, repeat)
    singles, _, _ = time_best(lambda: capacity(sim, max_combined=0) and None, repeat)
    every, every_median, _ = time_best(
        lambda: capacity(sim, max_combined=max_combined) and None, repeat
    )
    gc.unfreeze()
    print(f"\n{size}: {n:,} elements, {examined} swept by N-1, modes {kinds}")
    print(f"  sweep   {_ms(sweep)}   median {_ms(sweep_median)}   (floor)")
    for label, value in (("engine", engine), ("normal", normal), ("singles", singles)):
        print(f"  {label:<7} {_ms(value)}   {value / sweep:6.2f} × sweep")
    print(
        f"  all     {_ms(every)}   median {_ms(every_median)}   {every / sweep:6.2f} × sweep   "
        f"({pairs[0]} pairs ranked, {pairs[1]} simulated)"
    )
    if n >= 20_000 and every > sweep:
        print(f"  OVER TARGET: capacity of every mode {every:.2f} s > the N-1 sweep {sweep:.2f} s")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "10k", "25k"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-combined", type=int, default=MAX_COMBINED)
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}")
    ok = all([bench(size, max(1, args.repeat), args.max_combined) for size in args.sizes])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
