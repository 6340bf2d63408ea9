"""The UI-thread CPU of a group edit's listeners (issue 10, wave 27, `views27`).

usage: QT_QPA_PLATFORM=offscreen python benchmarks/probe_listeners.py DESIGN.json
        [--rounds 3] [--tree OTHER_CHECKOUT] [--only "delete site,replace in names"]

The design is opened as ``bench_scale.py`` opens it and settled; then, ``--rounds``
times, each group edit (a DAG deleted, 50 VMs across the design deleted, a host copied
and pasted, Edit > Replace in Names of the first site's name, the first site deleted),
its undo and its redo (then undone). For each: the UI thread's CPU time of the edit
with every handler it triggers (``direct``), the part of it spent in what the Document
calls — the session's handler with every Qt receiver of the signals it emits, and the
listeners told after a change (``listeners``) — and how many such calls there were
(``calls``: one per event before wave 27, one per Document edit since). Printed: the
median of the rounds after the first (which warms what an edit builds once), ms.
``--tree`` imports another checkout's ``designer`` (and its ``benchmarks``), as
``bench_scale.py --tree`` does; give each tree its own ``DR_DESIGNER_CACHE_DIR`` and a
fresh ``HOME`` (a leftover recovery journal makes the window ask).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The Document's lists of listeners, in every tree: one-by-one, per edit, settled.
LISTENER_LISTS = ("_listeners", "_events_listeners", "_settled_listeners")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("design", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--only", default="", help="comma-separated group edits")
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree))
    from PySide6.QtCore import QPointF

    from benchmarks import bench_scale
    from designer.document import RemoveElements
    from designer.document.renaming import NameQuery, plan_renames

    tools = bench_scale._qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = bench_scale._open_window(args.design)
    session = window.session

    def settled() -> bool:
        return bool(session.findings_revision == session.document.revision)

    run_until(settled, 900)
    run_until(lambda: settled() and not getattr(session, "preparing_edits", False), 900)
    run_until(lambda: False, 0.5)
    spent = {"cpu": 0.0, "calls": 0}

    def timed(listener: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            c0 = time.thread_time()
            try:
                return listener(*args)
            finally:
                spent["cpu"] += time.thread_time() - c0
                spent["calls"] += 1

        return call

    document = session.document
    for name in LISTENER_LISTS:
        listeners = getattr(document, name, None)
        if isinstance(listeners, list):
            listeners[:] = [timed(f) for f in listeners]
    elements = session.design.elements
    site = next(e for e in elements if e.kind == "site")
    host = next(e for e in elements if e.kind == "esxi_host")
    dag = next(e for e in elements if e.kind == "dag")
    vms = [e.id for e in elements if e.kind == "vm"]
    fifty = vms[:: max(1, len(vms) // 50)][:50]
    editor = getattr(window.view, "editor", window.view)
    entry = session.design.layout[host.id]
    spot = QPointF(entry.x + (entry.w or 180) + 400, entry.y)
    stack = session.undo_stack

    def paste() -> None:
        session.set_selection([host.id])
        editor.copy()
        editor.paste(spot)

    def replace_in_names() -> None:
        session.push(
            plan_renames(session.document, NameQuery(site.name, site.name + "R")).command()
        )

    groups: list[tuple[str, Callable[[], object]]] = [
        ("delete DAG", lambda: session.push(RemoveElements([dag.id]))),
        ("delete 50 VMs", lambda: session.push(RemoveElements(fifty))),
        ("paste host", paste),
        ("replace in names", replace_in_names),
        ("delete site", lambda: session.push(RemoveElements([site.id]))),
    ]
    if args.only:
        wanted = args.only.split(",")
        groups = [g for g in groups if g[0] in wanted]
    samples: dict[str, list[tuple[float, float, int]]] = {}
    for round_ in range(args.rounds):
        for name, edit in groups:
            steps: list[tuple[str | None, Callable[[], object]]] = [
                (name, edit),
                (f"undo {name}", stack.undo),
                (f"redo {name}", stack.redo),
                (None, stack.undo),
            ]
            for step, action in steps:
                spent["cpu"], spent["calls"] = 0.0, 0
                c0 = time.thread_time()
                action()
                direct = (time.thread_time() - c0) * 1000
                listeners_ms, calls = spent["cpu"] * 1000, int(spent["calls"])
                run_until(settled, 900)
                run_until(lambda: False, 0.1)
                if step is not None:
                    samples.setdefault(step, []).append((direct, listeners_ms, calls))
                    print(f"round {round_} {step}: {direct:.1f} {listeners_ms:.1f} {calls}")
    print(f"{'edit':24s} {'direct':>8s} {'listeners':>10s} {'calls':>6s}  (ms, UI thread CPU)")
    for step, values in samples.items():
        kept = values[1:] or values
        direct = statistics.median(v[0] for v in kept)
        listeners_ms = statistics.median(v[1] for v in kept)
        print(f"{step:24s} {direct:8.1f} {listeners_ms:10.1f} {kept[-1][2]:6d}")
    sys.stdout.flush()
    os._exit(0)  # (the window's teardown is not measured)


if __name__ == "__main__":
    main()
