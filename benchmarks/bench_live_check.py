"""The live check after an edit: its CPU time per edit, at the sizes asked.

    python benchmarks/bench_live_check.py [--sizes 25k 100k] [--repeat 3] [--tree DIR]

The edits of ``bench_scale.py --parts window`` (rename a VM, undo, redo, undo, move a
host, undo, add a VM into a host, undo, delete a VM, undo the delete; the undos named
by what they undo) through the
document and its undo stack, each followed by the check the window's worker runs: the
incremental :class:`designer.rules.incremental.LiveCheck` when the checkout has it
(``--tree`` of an older checkout: the full ``designer.rules.check``). The check's own
thread CPU time (``time.thread_time``: robust to the load of a shared machine), median
[spread] of ``--repeat`` rounds after a warm-up round, ms; the floor is the full check
of the same design in the same process. The last result is compared with the full
check's findings (``same findings``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: the checkout asked for comes first
    sys.path.insert(0, os.environ.get("BENCH_LIVE_CHECK_TREE") or str(ROOT))

__all__ = ["main"]

EDITS = (
    "rename",
    "undo rename",
    "redo rename",
    "move",
    "undo move",
    "add",
    "undo add",
    "delete",
    "undo delete",
)


def _child(size: str, repeat: int) -> dict[str, Any]:
    import gc

    sys.path.insert(1, str(ROOT))  # this checkout's benchmark helpers (design files)
    from benchmarks.bench_scale import _design_file, _lift_size_limit
    from designer.document import (
        AddElements,
        Document,
        MoveElements,
        RemoveElements,
        SetProperty,
        UndoStack,
    )
    from designer.document.factory import new_element
    from designer.persistence import load
    from designer.rules import check

    _lift_size_limit()
    design = load(_design_file(size))
    doc = Document(design)
    stack = UndoStack(doc)
    try:
        from designer.document.events import change_of
        from designer.rules.incremental import LiveCheck
    except ImportError:  # an older checkout: the worker checks the whole design

        def checker() -> Any:
            return check(doc.design)

        incremental = False
    else:
        live = LiveCheck()
        doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))

        def checker() -> Any:
            return live.check(doc.design, revision=doc.revision)

        incremental = True

    def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
        gc.collect()
        gc.disable()  # as on the worker (collector_paused)
        try:
            t0 = time.thread_time()
            result = fn()
            return (time.thread_time() - t0) * 1000, result
        finally:
            gc.enable()

    cpu(checker)  # the first check: every rule (and the imports)
    full_ms = [cpu(lambda: check(doc.design))[0] for _ in range(2)]
    vm = next(e for e in doc.design.elements if e.kind == "vm")
    host = next(e for e in doc.design.elements if e.kind == "esxi_host")
    entry = doc.design.layout[host.id]
    steps: list[tuple[str, Callable[[], object]]] = [
        ("rename", lambda: stack.push(SetProperty(vm.id, "name", vm.name + "-x"))),
        ("undo rename", stack.undo),
        ("redo rename", stack.redo),
        ("undo rename", stack.undo),
        ("move", lambda: stack.push(MoveElements({host.id: entry.model_copy(update={"x": 20})}))),
        ("undo move", stack.undo),
        ("add", lambda: stack.push(AddElements([new_element("vm", doc.design, host.id)]))),
        ("undo add", stack.undo),
        ("delete", lambda: stack.push(RemoveElements([vm.id]))),
        ("undo delete", stack.undo),
    ]
    samples: dict[str, list[float]] = {name: [] for name in EDITS}
    result = None
    for round_ in range(repeat + 1):
        for name, action in steps:
            action()
            ms, result = cpu(checker)
            if round_:
                samples[name].append(ms)
    same = result is not None and result.findings == check(doc.design).findings
    return {
        "size": size,
        "elements": len(doc.design.elements),
        "incremental": incremental,
        "full check": statistics.median(full_ms),
        "same findings": same,
        **{name: values for name, values in samples.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["25k", "100k"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tree", type=Path, help="run on this checkout's code")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.repeat)))
        return 0
    env = dict(os.environ)
    tree = args.tree or ROOT
    env["PYTHONPATH"] = str(tree)
    env["BENCH_LIVE_CHECK_TREE"] = str(tree)
    rows = []
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", size, "--repeat", str(args.repeat)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{size} ({row['elements']:,} elements, tree {tree}, "
            f"{'incremental' if row['incremental'] else 'full'} check; full check "
            f"{row['full check']:.0f} ms CPU; same findings: {row['same findings']})"
        )
        for name in EDITS:
            values = row[name]
            print(
                f"  {name:12s} {statistics.median(values):8.1f} ms "
                f"[{min(values):.1f}-{max(values):.1f}]"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
