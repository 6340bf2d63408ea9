"""Capacity against the N-1 sweep in callgrind instructions (issue 11), for any tree.

Runs one process under ``valgrind --tool=callgrind --instr-atstart=no`` per tree: it
generates the design (``--size``, seed ``--seed``, with its workload), prepares one
``Simulator``, freezes both out of the collector's reach (as ``bench_capacity.py`` and
the window do), warms up (one sweep, one sizing) and then counts the instructions of
each part alone, switching the instrumentation on and dumping the counters around it
with ``callgrind_control`` (the counts are deterministic: the load of a shared machine
does not move them):

* ``sweep``       ``analyze(sim)``: the N-1 sweep (the floor);
* ``all``         ``capacity(sim)``: every mode (``--max-combined``, the library's default);
* ``evals``       the ``CapacityEngine.evaluate`` calls of one sizing, recorded during
                  the warm-up and replayed on a fresh engine (not counted: its
                  construction), the collector paused as the sizing pauses it;
* ``placements``  the simulator's placements one sizing asks for, replayed alone, the
                  collector paused as the sizing pauses it (with ``--parts``, as the
                  following);
* ``engine``      ``CapacityEngine(sim)``: the engine's set-up (normal operation);
* ``impacts``     ``dag_impacts`` of each single failure's placement (the pair search's
                  input);
* ``singles``     the evaluations of the single failures and site losses alone, on a
                  fresh engine (its first-read tables included);
* ``combined``    those of the double and site-plus-one failures, on an engine that
                  evaluated the singles first (uncounted: they go on from their walks).

and prints each part's instructions, the ratio ``all ÷ sweep`` (issue 11's target: ≤ 1)
and, with several trees, each against the first. ``PYTHONHASHSEED`` is 0 in the child
unless set.

Usage (from the checkout root; each 25k tree takes ~4–6 minutes)::

    python benchmarks/callgrind_capacity.py                          # this checkout
    python benchmarks/callgrind_capacity.py --tree /tmp/base16 --tree .   # A/B
    python benchmarks/callgrind_capacity.py --parts sweep all evals placements --size 10k
    python benchmarks/callgrind_capacity.py --keep /tmp/cg     # keep the dumps for
                                                               # callgrind_annotate

Each tree's child imports that tree's ``designer`` and ``benchmarks.generate`` (put first
on ``sys.path``), with the interpreter running this script unless ``--python``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from _callgrind import (  # a sibling module: see its docstring
    against_first,
    control,
    run_under_callgrind,
)

PARTS = ("sweep", "all", "evals", "placements", "engine", "impacts", "singles", "combined")
DEFAULT_PARTS = ("sweep", "all", "evals")

__all__ = ["main", "measure"]


# -- the child: runs under valgrind ----------------------------------------------------------


def _counted(label: str, fn: Any, prepare: Any = None) -> None:
    arg = prepare() if prepare is not None else None
    control("-i", "on")
    fn() if prepare is None else fn(arg)
    control("-d", label)  # dumps the counters since the last dump (and zeroes them)
    control("-i", "off")


def _child(args: argparse.Namespace) -> None:
    import gc

    from benchmarks.generate import generate_design
    from designer.capacity import CapacityEngine, capacity
    from designer.simulation import Simulator, analyze

    max_combined = args.max_combined
    design = generate_design(args.size, seed=args.seed, workload=True)
    sim = Simulator(design)
    gc.collect()
    gc.freeze()

    # Warm-up, recording what one sizing evaluates and what it asks the simulator for.
    evaluated: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    asked: list[tuple[str, tuple[str, ...], Any, dict[str, Any]]] = []
    real_evaluate = CapacityEngine.evaluate

    def evaluate(self: Any, mode: Any, *more: Any, **named: Any) -> Any:
        if mode.failed:  # not normal operation's (the engine's own, in its set-up)
            evaluated.append(((mode, *more), named))
        return real_evaluate(self, mode, *more, **named)

    names = [n for n in ("settled", "placement") if hasattr(sim, n)]

    def recorder(name: str) -> Any:
        real = getattr(sim, name)

        def record(failed: Any, **more: Any) -> Any:
            state = real(failed, **more)
            asked.append((name, tuple(failed), state, more))
            return state

        return record

    analyze(sim)
    CapacityEngine.evaluate = evaluate  # type: ignore[method-assign]
    for name in names:
        setattr(sim, name, recorder(name))
    try:
        capacity(sim, max_combined=max_combined)
    finally:
        CapacityEngine.evaluate = real_evaluate  # type: ignore[method-assign]
        for name in names:
            delattr(sim, name)
    gc.collect()

    def sweep() -> None:
        analyze(sim)

    def every() -> None:
        capacity(sim, max_combined=max_combined)

    engine = CapacityEngine(sim)

    def evals() -> None:
        gc.disable()
        try:
            for more, named in evaluated:
                engine.evaluate(*more, **named)
        finally:
            gc.enable()

    def placements() -> None:
        # A placement that goes on from (or beside) an earlier one is given the replayed
        # state in place of the recorded one.
        made: dict[int, Any] = {}
        for name, failed, state, more in asked:
            given = {k: made.get(id(v), v) if v is not None else None for k, v in more.items()}
            made[id(state)] = getattr(sim, name)(failed, **given)

    def paused(fn: Any) -> Any:
        """``fn`` with the collector off, as a sizing of a large design runs."""

        def run(*args: Any) -> None:
            gc.disable()
            try:
                fn(*args)
            finally:
                gc.enable()

        return run

    singles = [(more, named) for more, named in evaluated if not named.get("members_only")]
    combined = [(more, named) for more, named in evaluated if named.get("members_only")]

    def fresh_engine() -> Any:
        return CapacityEngine(sim)

    def after_singles() -> Any:
        # The double and site-plus-one failures go on from the singles' walks.
        found = CapacityEngine(sim)
        for more, named in singles:
            found.evaluate(*more, **named)
        return found

    def impacts() -> None:
        from designer.capacity.search import dag_impacts

        for more, _named in singles:
            dag_impacts(sim.prep, more[1])

    fns = {"sweep": sweep, "all": every, "evals": evals, "placements": paused(placements)}
    fns["engine"] = paused(lambda: CapacityEngine(sim))
    fns["impacts"] = paused(impacts)
    fns["singles"] = paused(lambda e: [e.evaluate(*m, **n) for m, n in singles])
    fns["combined"] = paused(lambda e: [e.evaluate(*m, **n) for m, n in combined])
    prepares = {"singles": fresh_engine, "combined": after_singles}
    info = {
        "elements": len(design.elements),
        "evaluations": len(evaluated),
        "placements": len(asked),
        "designer": __import__("designer").__file__,
    }
    print("CGINFO " + json.dumps(info), flush=True)
    for part in args.parts:
        gc.collect()
        _counted(part, fns[part], prepares.get(part))


# -- the parent ------------------------------------------------------------------------------


def measure(
    tree: Path,
    parts: list[str],
    size: str,
    seed: int,
    max_combined: Any,
    python: str,
    keep: Path | None,
) -> tuple[dict[str, int], dict[str, Any]]:
    """Run one tree's child under callgrind: (instructions per part, the child's info)."""
    args = ["--size", size, "--seed", str(seed), "--max-combined", str(max_combined)]
    counts, out = run_under_callgrind(
        tree,
        str(Path(__file__).resolve()),
        [*args, "--parts", *parts],
        PARTS,
        python=python,
        prefix="callgrind-capacity-",
        keep=keep,
    )
    info: dict[str, Any] = {}
    for line in out.splitlines():
        if line.startswith("CGINFO "):
            info = json.loads(line[len("CGINFO ") :])
    missing = [p for p in parts if p not in counts]
    if missing:
        raise SystemExit(f"no dump for {missing} from {tree}: is callgrind_control working?")
    return counts, info


def _m(count: int) -> str:
    return f"{count / 1e6:10,.1f} M"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--size", default="25k")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-combined", default=None, help="default: the library's")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(DEFAULT_PARTS))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", type=Path, help="copy the callgrind dumps here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.max_combined in (None, "None", "default"):
            from designer.capacity.analysis import MAX_COMBINED

            args.max_combined = MAX_COMBINED
        else:
            args.max_combined = int(args.max_combined)
        _child(args)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind and callgrind_control are needed (apt-get install valgrind)")
        return 2
    trees = [t.resolve() for t in args.tree or [Path(__file__).resolve().parents[1]]]
    if "sweep" not in args.parts:
        args.parts.insert(0, "sweep")
    results: list[tuple[Path, dict[str, int]]] = []
    for tree in trees:
        counts, info = measure(
            tree,
            args.parts,
            args.size,
            args.seed,
            args.max_combined or "default",
            args.python,
            args.keep,
        )
        results.append((tree, counts))
        print(
            f"\n{tree}: {args.size} seed {args.seed}, {info.get('elements', 0):,} elements, "
            f"{info.get('evaluations')} evaluations, {info.get('placements')} placements"
        )
        for part in args.parts:
            print(f"  {part:<11}{_m(counts[part])}")
        if "all" in counts:
            print(f"  all ÷ sweep {counts['all'] / counts['sweep']:.3f} ×   (target ≤ 1)")
        sys.stdout.flush()
    against_first(results, args.parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
