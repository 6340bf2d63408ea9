"""Simulation benchmark: single-failure scenarios and the N-1 sweep, against floors.

For each size it generates a design (``benchmarks.generate``), prepares a
``Simulator`` once, then times (best of ``--repeat``, median shown too):

* ``index``    ``DesignIndex(design)``: one pass over every element, the floor a
  whole-design computation pays;
* ``prepare``  ``Simulator(design)`` (lookups and the baseline state);
* ``host``     a scenario failing the ESXi host with the most DAG members (HA restarts,
  DAG failovers, events);
* ``array``    a scenario failing one storage array (thousands of copies lose disks);
* ``site``     a scenario failing one site (the largest single failure);
* ``sweep``    ``analyze(sim, depth=1)`` over every swept infrastructure element;

and prints ``host/index`` (a single failure should cost far less than one pass over
the design) and ``sweep / (elements × host)``: near or below 1 means the sweep costs
what its single failures cost, with no per-scenario overhead growing with the design.
Targets at ≥ 20,000 elements: host scenario ≤ 50 ms, sweep ≤ 5 s; ``OVER TARGET`` and
exit code 1 otherwise.

Usage::

    python benchmarks/bench_simulation.py                 # 1k, 10k, 25k
    python benchmarks/bench_simulation.py --sizes 25k --repeat 7
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from designer.domain import Design, DesignIndex, ScenarioStep
from designer.simulation import Simulator, analyze, sweep_elements

__all__ = ["main", "time_best"]

TARGET_SINGLE_S = 0.050
TARGET_SWEEP_S = 5.0


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
    except ImportError:  # the generator lives beside this file in the checkout
        raise SystemExit("benchmarks/generate.py is needed to build the designs") from None
    return generate_design(size, seed=0)


def _first(sim: Simulator, kind: str) -> str:
    elements = sorted(sim.index.by_kind.get(kind, []), key=lambda e: e.id)
    if not elements:
        raise SystemExit(f"the generated design has no {kind}")
    return elements[0].id


def _busiest_host(sim: Simulator) -> str:
    """The host running the most DAG members (the Table 1 scenario at scale)."""
    prep = sim.prep
    return max(
        sorted(prep.hosts),
        key=lambda h: sum(1 for vm in prep.vms_on_host.get(h, []) if prep.dags_of_vm.get(vm)),
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def bench(size: str, repeat: int) -> bool:
    design = _design(size)
    n = len(design.elements)
    index_best, _, _ = time_best(lambda: DesignIndex(design), repeat)
    prep_best, _, sim = time_best(lambda: Simulator(design), max(1, repeat // 2))
    swept = sweep_elements(sim)
    print(f"\n{size}: {n:,} elements, {len(swept)} swept, {sim.total_mailboxes:,} mailboxes")
    print(f"  index   {_ms(index_best)}   (floor: one pass over the design)")
    print(f"  prepare {_ms(prep_best)}")
    results: dict[str, float] = {}
    for label, kind in (("host", "esxi_host"), ("array", "storage_array"), ("site", "site")):
        target = _busiest_host(sim) if kind == "esxi_host" else _first(sim, kind)
        steps = [ScenarioStep(action="fail", target=target)]
        best, median, result = time_best(lambda steps=steps: sim.run(steps), repeat)
        results[label] = best
        print(
            f"  {label:<7} {_ms(best)}   median {_ms(median)}   "
            f"{len(result.events):5d} events   fail {target}"
        )
    sweep_best, sweep_median, analysis = time_best(lambda: analyze(sim), max(1, repeat // 2))
    print(
        f"  sweep   {_ms(sweep_best)}   median {_ms(sweep_median)}   "
        f"{len(analysis.entries)} single points of failure"
    )
    host = results["host"]
    print(f"  host/index                 {host / index_best:8.3f}")
    print(f"  sweep/(elements × host)    {sweep_best / (len(swept) * host):8.3f}")
    ok = True
    if n >= 20_000:
        if host > TARGET_SINGLE_S:
            print(f"  OVER TARGET: host scenario {host * 1000:.1f} ms > 50 ms")
            ok = False
        if sweep_best > TARGET_SWEEP_S:
            print(f"  OVER TARGET: sweep {sweep_best:.2f} s > 5 s")
            ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "10k", "25k"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}")
    ok = all([bench(size, max(1, args.repeat)) for size in args.sizes])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
