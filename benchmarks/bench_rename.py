"""Replace in Names (wave 25, ``replace25``) at several design sizes: what finding costs
(every name in scope read once) and what the edit costs (one ``ChangeElements``: it
should cost what it changes, not the design's size).

Headless, the Document with its undo stack as the window's session drives it (no scene,
no check). Cases, on the bench designs (``design-SIZE-seed0-v7.json``):

- ``one site``: ``DC01`` → ``BOS`` in the sites only (one name changes at every size);
- ``DC01 everywhere``: ``DC01`` → ``BOS`` in all names (a site's worth of names: grows
  with the design);
- ``nothing``: a text no name holds, in all names (the scan alone).

    python benchmarks/bench_rename.py [--sizes 1k 100k] [--repeat 5] [--folder DIR]

Prints per size and case the names changed and the best CPU ms of the plan, the edit and
its undo, and the edit's µs per name changed. CPU time of this process: the machine is
shared (README.md).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from designer.document import Document, UndoStack
from designer.document.renaming import NameQuery, plan_renames
from designer.persistence import load

__all__ = ["main", "rename_costs"]

FOLDER = Path("/tmp/dr-designer-bench-scale")
CASES: dict[str, tuple[NameQuery, list[str] | None]] = {
    "one site": (NameQuery("DC01", "BOS"), ["site"]),
    "DC01 everywhere": (NameQuery("DC01", "BOS"), None),
    "nothing": (NameQuery("no name holds this", "x"), None),
}


def _cpu_ms(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1000


def rename_costs(path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Per case: names changed, best CPU ms of plan, edit and undo."""
    doc = Document(load(path))
    stack = UndoStack(doc)
    # The first look builds the lookups (as the window's idle preparation does).
    plan_renames(doc, NameQuery("DC01", "DC01x"))
    gc.collect()
    gc.freeze()
    results: dict[str, dict[str, float]] = {}
    for case, (q, k) in CASES.items():
        best = {"plan": float("inf"), "edit": float("inf"), "undo": float("inf")}
        changed = 0
        for _ in range(repeat):
            plan = plan_renames(doc, q, kinds=k)
            best["plan"] = min(
                best["plan"], _cpu_ms(functools.partial(plan_renames, doc, q, kinds=k))
            )
            changed = len(plan.changes)
            command = plan.command()
            if command is None:
                continue
            best["edit"] = min(best["edit"], _cpu_ms(lambda: stack.push(command)))  # noqa: B023
            best["undo"] = min(best["undo"], _cpu_ms(stack.undo))
        results[case] = {"changed": changed, **best}
    return results


def _child_window(path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """The same cases in the window (``dr-designer gui FILE`` as bench_scale opens it):
    the dialog's preview (what each pause in the typing costs the UI thread), then
    Replace All (the UI thread's CPU for the edit and what its events do to the canvas,
    the Inspector and the panels) and the worst event-loop stall until the live check's
    findings are in; then Ctrl+Z the same way."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_scale

    tools = bench_scale._qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = bench_scale._open_window(path)
    session = window.session

    def settled() -> bool:
        return session.findings_revision == session.document.revision and not getattr(
            session, "preparing_edits", False
        )

    run_until(settled, 900)
    run_until(lambda: False, 1.0)
    window.replace_in_names()
    dialog = window.replace_names_dialog
    ticker = tools["Ticker"]()
    results: dict[str, dict[str, float]] = {}

    def cpu_ms(action: Callable[[], object]) -> float:
        start = time.thread_time()
        action()
        return (time.thread_time() - start) * 1000

    def stall_after(action: Callable[[], object]) -> tuple[float, float, float]:
        """The action's UI-thread CPU; the UI thread's CPU until the live check's
        findings are in and 0.2 s more (what the edit makes it do: robust to load); the
        worst event-loop stall meanwhile (wall clock: meaningless on a busy machine)."""
        ticker.start()
        start = time.thread_time()
        cpu = cpu_ms(action)
        run_until(settled, 600)
        run_until(lambda: False, 0.2)
        return cpu, (time.thread_time() - start) * 1000, ticker.stop()

    for case, (query, kinds) in CASES.items():
        dialog.find_edit.setText(query.find)
        dialog.replace_edit.setText(query.replace)
        dialog.scope.setCurrentIndex(dialog.scope.findData(kinds[0] if kinds else "all"))
        preview = min(cpu_ms(dialog.refresh) for _ in range(repeat))
        changed = len(dialog.plan.changes) if dialog.plan is not None else 0
        row = {"changed": float(changed), "preview": preview}
        if changed:
            edits, undos = [], []
            for _ in range(repeat):
                edits.append(stall_after(dialog.replace_all))
                undos.append(stall_after(session.undo_stack.undo))
                dialog.refresh()
            for label, runs in (("edit", edits), ("undo", undos)):
                row[f"{label} cpu"] = min(r[0] for r in runs)
                row[f"{label} settled cpu"] = min(r[1] for r in runs)
                row[f"{label} stall"] = max(r[2] for r in runs)
        results[case] = row
    session.undo_stack.setClean()
    return results


def _window_costs(path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """:func:`_child_window` in a child process (a fresh window per size)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child-window", str(path), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if done.returncode != 0:
        raise SystemExit(f"the window child failed: {done.stderr[-2000:]}")
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "100k"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=FOLDER)
    parser.add_argument("--window", action="store_true", help="also in the window")
    parser.add_argument("--child-window", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_window is not None:
        out = _child_window(args.child_window, args.repeat)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
        __import__("os")._exit(0)
    print(
        f"{'size':>6} {'case':<16} {'names':>6} {'plan ms':>8} {'edit ms':>8} {'undo ms':>8} "
        f"{'µs/name':>8}"
    )
    for size in args.sizes:
        path = args.folder / f"design-{size}-seed0-v7.json"
        for case, r in rename_costs(path, args.repeat).items():
            per = r["edit"] / r["changed"] * 1000 if r["changed"] else float("nan")
            edit = f"{r['edit']:8.2f}" if r["changed"] else f"{'-':>8}"
            undo = f"{r['undo']:8.2f}" if r["changed"] else f"{'-':>8}"
            print(
                f"{size:>6} {case:<16} {int(r['changed']):>6} {r['plan']:8.2f} {edit} {undo} "
                f"{per:8.1f}"
            )
    if args.window:
        keys = [
            f"{a} {b}".strip() for a in ("edit", "undo") for b in ("cpu", "settled cpu", "stall")
        ]
        print(
            f"\nwindow (ms; cpu: the UI thread's): {'size':>6} {'case':<16} {'names':>6} "
            f"{'preview':>8} " + " ".join(f"{k:>16}" for k in keys)
        )
        for size in args.sizes:
            path = args.folder / f"design-{size}-seed0-v7.json"
            for case, r in _window_costs(path, args.repeat).items():
                cells = [f"{r.get(k, float('nan')):16.1f}" for k in keys]
                print(
                    f"{'':35}{size:>6} {case:<16} {int(r['changed']):>6} {r['preview']:8.1f} "
                    + " ".join(cells)
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
