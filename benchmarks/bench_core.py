"""Core benchmark: file size, load, full check, against floors measured in the same run.

For each size it writes the generated design with ``designer.persistence.save``, then
times (best of ``--repeat`` runs, median shown too):

* ``json``   plain ``json.loads`` of the same bytes: the floor any loader pays;
* ``load``   ``designer.persistence.load`` of the file (parse, validate, structure);
* ``check``  ``designer.rules.check`` of the loaded design (index + graph + every rule);

and prints the ratios ``load/json`` and ``check/load``. Targets at 25,000 elements:
load ≤ 1 s, check ≤ 250 ms and check ≤ load. ``--per-rule`` also times each rule in
``RULES`` on its own (on a warm index and graph) so slow rules can be named.

Usage::

    python benchmarks/bench_core.py                 # 1k, 10k, 25k
    python benchmarks/bench_core.py --sizes 25k --repeat 7 --per-rule
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate_design
from designer.domain import DesignIndex, structural_errors
from designer.domain.index import LOOKUPS
from designer.graph.topology import build_graph
from designer.persistence import load, save
from designer.rules import RULES, RuleContext, check, load_all_rules

__all__ = ["main", "time_best"]

TARGET_LOAD_S = 1.0
TARGET_CHECK_S = 0.250


#: Best CPU time of the last time_best call: on a shared machine the wall clock also
#: counts other people's processes, the CPU time of this one does not.
LAST_CPU: list[float] = [0.0]


def time_best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best, median) wall time of ``repeat`` calls, and the last result.

    A collection runs before each call so one call does not pay for the previous one's
    garbage. The best CPU time is left in ``LAST_CPU[0]``.
    """
    times: list[float] = []
    cpu: list[float] = []
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    LAST_CPU[0] = min(cpu)
    return min(times), statistics.median(times), result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def bench_size(scale: str, repeat: int, folder: Path) -> dict[str, Any]:
    design = generate_design(scale)
    path = folder / f"design-{scale}.json"
    save(design, path)
    raw = path.read_bytes()
    json_best, json_med, _ = time_best(lambda: json.loads(raw), repeat)
    json_cpu = LAST_CPU[0]
    load_best, load_med, loaded = time_best(lambda: load(path), repeat)
    load_cpu = LAST_CPU[0]
    assert loaded == design, "load is not the identity on the generated design"
    struct_best, _, _ = time_best(lambda: structural_errors(loaded), repeat)
    check_best, check_med, result = time_best(lambda: check(loaded), repeat)
    check_cpu = LAST_CPU[0]
    return {
        "scale": scale,
        "elements": len(design.elements),
        "bytes": len(raw),
        "json": (json_best, json_med),
        "load": (load_best, load_med),
        "structure": struct_best,
        "check": (check_best, check_med),
        "cpu": (json_cpu, load_cpu, check_cpu),
        "findings": len(result.findings),
        "summary": result.summary(),
        "design": loaded,
    }


def shared_costs(design: Any, repeat: int) -> list[tuple[str, float]]:
    """Best CPU time of what rules share: the index, each of its cached lookups, the graph.

    The first rule to touch a cached lookup pays for it inside ``check``; timed here on
    their own so that cost is not charged to whichever rule happens to run first.
    """
    time_best(lambda: DesignIndex(design), repeat)
    rows = [("DesignIndex()", LAST_CPU[0])]
    for name in (*LOOKUPS, "consistency_group_of_mirror"):

        def build(name: str = name) -> Any:
            return getattr(DesignIndex(design), name)

        time_best(build, repeat)
        rows.append((f"index.{name}", max(0.0, LAST_CPU[0] - rows[0][1])))
    ids = [e.id for e in design.elements]

    def sites() -> Any:
        index = DesignIndex(design)
        return [index.site_of(i) for i in ids]

    time_best(sites, repeat)
    rows.append(("index.site_of (every element)", max(0.0, LAST_CPU[0] - rows[0][1])))
    # The graphs are built on first use: time the site network (what the rules ask)
    # and the dependency graph (what the simulator's analyses ask) apart.
    time_best(lambda: build_graph(design).network, repeat)
    rows.append(("build_graph().network", LAST_CPU[0]))
    time_best(lambda: build_graph(design).graph, repeat)
    rows.append(("build_graph().graph", LAST_CPU[0]))
    return rows


def _warm_context(design: Any) -> RuleContext:
    context = RuleContext(design, DesignIndex(design))
    for name in (*LOOKUPS, "consistency_group_of_mirror"):
        getattr(context.index, name)
    for element in design.elements:
        context.index.site_of(element.id)
    _ = context.topology.network  # the rules' path questions
    return context


def per_rule(design: Any, repeat: int) -> list[tuple[str, float, int]]:
    """Best CPU time of each rule alone, on a context whose index and graph are already built."""
    rules = load_all_rules()
    context = _warm_context(design)
    rows = []
    for code, rule in rules.items():
        context.current_code, context.current_severity = code, rule.severity
        context.current_source = rule.source

        def run(rule: Any = rule) -> list[Any]:
            return list(rule.check(context))

        try:
            _, _, produced = time_best(run, repeat)
            rows.append((code, LAST_CPU[0], len(produced)))
        except Exception as exc:  # report, keep timing the others
            rows.append((f"{code} ({type(exc).__name__})", float("nan"), 0))
    return sorted(rows, key=lambda row: -row[1] if row[1] == row[1] else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time load and full check per design size.")
    parser.add_argument("--sizes", nargs="+", default=["1k", "10k", "25k"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per-rule", action="store_true", help="time each rule on the largest")
    args = parser.parse_args(argv)

    load_all_rules()
    print(
        f"# {platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPUs · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {len(RULES)} rules"
    )
    print(f"# best of {args.repeat} wall, then the median and the best CPU time; in ms")
    header = (
        f"{'size':>5} {'elements':>8} {'MB':>6} {'json':>8} {'load':>8} {'load/json':>9} "
        f"{'struct':>8} {'check':>8} {'check/load':>10} {'check/json':>10} findings"
    )
    print(header)
    last: dict[str, Any] = {}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.sizes:
            r = bench_size(scale, args.repeat, Path(tmp))
            (jb, jm), (lb, lm), (cb, cm) = r["json"], r["load"], r["check"]
            print(
                f"{scale:>5} {r['elements']:>8} {r['bytes'] / 1e6:6.1f} {_ms(jb)} {_ms(lb)} "
                f"{lb / jb:9.2f} {_ms(r['structure'])} {_ms(cb)} {cb / lb:10.2f} "
                f"{cb / jb:10.2f} {r['findings']} {r['summary']}"
            )
            print(f"{'':>5} {'median':>8} {'':>6} {_ms(jm)} {_ms(lm)} {'':>9} {'':>8} {_ms(cm)}")
            jc, lc, cc = r["cpu"]
            print(
                f"{'':>5} {'cpu':>8} {'':>6} {_ms(jc)} {_ms(lc)} {lc / jc:9.2f} {'':>8} "
                f"{_ms(cc)} {cc / lc:10.2f} {cc / jc:10.2f}"
            )
            last = r
            if r["elements"] >= 20_000:
                if lb > TARGET_LOAD_S:
                    failures.append(f"load {lb:.3f} s > {TARGET_LOAD_S} s")
                if cb > TARGET_CHECK_S:
                    failures.append(f"check {cb * 1000:.0f} ms > {TARGET_CHECK_S * 1000:.0f} ms")
                if cb > lb:
                    failures.append("check slower than load")
    if args.per_rule and last:
        print(
            f"\n# per rule on {last['scale']} ({last['elements']} elements), best of {args.repeat}"
        )
        for name, best in shared_costs(last["design"], args.repeat):
            print(f"{name:>32} {_ms(best)} ms  (shared)")
        total = 0.0
        for code, best, produced in per_rule(last["design"], args.repeat):
            total += best if best == best else 0.0
            print(f"{code:>32} {_ms(best)} ms  {produced} findings")
        print(f"{'sum of rules':>32} {_ms(total)} ms")
    if failures:
        print("\nOVER TARGET: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
