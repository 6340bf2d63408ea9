"""The stalls after single edits of a big design, many times over (wave 26, `spike26`).

usage: QT_QPA_PLATFORM=offscreen python benchmarks/probe_edit_stalls.py DESIGN.json
        [--rounds 15] [--after-s 1.3] [--tree OTHER_CHECKOUT] [--json OUT.jsonl]
        [--visited]

``bench_scale.py --parts window`` times each edit five times; a stall that comes in one
run of three needs more. The design is opened as ``bench_scale.py`` opens it, settled,
and then ``--rounds`` times each of: rename a VM, undo; move a host, undo; add a VM to
the host, undo; delete the VM, undo (one VM, one host, the same each round). After each
edit, until its findings arrived, the Overview's picture was made and ``--after-s``
more passed (the window's tidy of the edit comes a second after its last slice), a
5 ms timer on the UI thread notes every interval over 16 ms between its ticks (a
stall), with the UI thread's CPU time in it (what the code controls; on a loaded
machine the wall clock waits for a core) and what ran in it:

* each step of a job of the shared idle slices (:mod:`designer.ui.slices`), named by
  its key's last part, with its wall and CPU time;
* each collection of the cyclic collector on the UI thread (``gcN``), wall/CPU;
* each tidy of an edit (:func:`designer.collector.tidy`, wave 26), wall/CPU.

Printed per kind of edit: the worst stall and the 95th percentile (wall clock), the
worst and 95th percentile of the CPU time in a stall, then the full collections and
tidies seen, and every stall over 30 ms of wall or 12 ms of CPU with what ran in it.
``--tree`` imports another checkout's ``designer`` (and its ``benchmarks``), as
``bench_scale.py --tree`` does; run it from the newer checkout.

``--visited`` (wave 27, ``open27``) also prints, for every tidy from the design's opening
on (the opening's own included), how many objects its full collection visits (tracked and
not frozen: ``len(gc.get_objects())`` just before it; the count itself is not timed) and
their commonest types: what the first tidy of a session collects and why.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: A stall: an interval between two ticks of the 5 ms timer longer than this (ms).
STALL_MS = 16.0
TICK_MS = 5


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0-100) of ``values``; 0 for none.

    >>> percentile([1.0, 2.0, 3.0, 4.0, 100.0], 95)
    100.0
    >>> percentile([5.0, 1.0, 3.0], 50)
    3.0
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))  # ceil, at least the first
    return ordered[int(rank) - 1]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("design", type=Path)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--after-s", type=float, default=1.3, help="watched after settling")
    parser.add_argument("--tree", type=Path, default=None, help="another checkout")
    parser.add_argument("--json", type=Path, default=None, help="one line per edit")
    parser.add_argument(
        "--visited", action="store_true", help="the objects each tidy visits, by type"
    )
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tree = (args.tree or ROOT).resolve()
    sys.path.insert(0, str(tree))
    sys.argv = sys.argv[:1]
    from PySide6.QtCore import QPointF

    from benchmarks import bench_scale
    from designer import collector
    from designer.document import MoveElements, RemoveElements, SetProperty
    from designer.ui import slices
    from designer.ui.panels.overview import OverviewPanel

    main_thread = threading.get_native_id()
    #: (start, end, label) of what ran on the UI thread, perf_counter seconds.
    ran: list[tuple[float, float, str]] = []
    full: list[float] = []  # CPU ms of each generation-2 collection on the UI thread
    tidied: list[float] = []
    #: Each tidy's objects visited, with their commonest types, and its CPU ms (--visited).
    visited: list[tuple[int, list[tuple[str, int]]]] = []
    visited_cpu: list[float] = []
    clocks: dict[str, float] = {}

    def on_collection(phase: str, info: dict[str, Any]) -> None:
        if threading.get_native_id() != main_thread:
            return
        if phase == "start":
            clocks["wall"], clocks["cpu"] = time.perf_counter(), time.thread_time()
            return
        wall, cpu = time.perf_counter(), time.thread_time()
        took, own = (wall - clocks["wall"]) * 1000, (cpu - clocks["cpu"]) * 1000
        ran.append((clocks["wall"], wall, f"gc{info['generation']} {took:.1f}/{own:.1f}"))
        if info["generation"] == 2:
            full.append(own)

    real_start = slices.Slices.start

    def start(self: Any, key: Any, owner: Any, step: Any, *, long_lived: bool = False) -> None:
        words = [part for part in key if isinstance(part, str)] if isinstance(key, tuple) else []
        name = words[-1] if words else str(key)

        def timed(deadline: float) -> bool:
            wall, cpu = time.perf_counter(), time.thread_time()
            done = bool(step(deadline))
            end = time.perf_counter()
            own = (time.thread_time() - cpu) * 1000
            ran.append((wall, end, f"{name} {(end - wall) * 1000:.1f}/{own:.1f}"))
            return done

        real_start(self, key, owner, timed, long_lived=long_lived)

    slices.Slices.start = start  # type: ignore[method-assign]
    real_tidy: Callable[[], bool] | None = getattr(collector, "tidy", None)
    if real_tidy is not None:

        def tidy() -> bool:
            counted = args.visited and not collector.pauses() and gc.isenabled()
            if counted:
                objects = gc.get_objects()  # what its full collection visits
                kinds = Counter(type(o).__qualname__ for o in objects).most_common(6)
                visited.append((len(objects), kinds))
                del objects
            wall, cpu = time.perf_counter(), time.thread_time()
            done = real_tidy()
            end = time.perf_counter()
            own = (time.thread_time() - cpu) * 1000
            ran.append((wall, end, f"tidy {(end - wall) * 1000:.1f}/{own:.1f}"))
            tidied.append(own)
            if counted:
                visited_cpu.append(own)
            return done

        collector.tidy = tidy

    tools = bench_scale._qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = bench_scale._open_window(args.design)
    session = window.session

    def settled() -> bool:
        return session.findings_revision == session.document.revision and not getattr(
            session, "preparing_edits", False
        )

    run_until(settled, 900)
    run_until(lambda: False, 1.0)
    gc.callbacks.append(on_collection)

    class Ticker(tools["Ticker"]):  # type: ignore[misc]
        """bench_scale's 5 ms timer: every interval over STALL_MS, its CPU time and
        what ran in it."""

        def start(self) -> None:
            self.stalls: list[dict[str, Any]] = []
            ran.clear()
            self.last_wall, self.last_cpu = time.perf_counter(), time.thread_time()
            super().start()

        def _tick(self) -> None:
            now, cpu = time.perf_counter(), time.thread_time()
            gap = (now - self.last_wall) * 1000 - TICK_MS
            if gap > STALL_MS:
                inside = [label for a, b, label in ran if b > self.last_wall and a < now]
                stall = {"wall": gap, "cpu": (cpu - self.last_cpu) * 1000, "ran": inside}
                self.stalls.append(stall)
            self.last_wall, self.last_cpu = now, cpu

        def stop(self) -> list[dict[str, Any]]:  # type: ignore[override]
            super().stop()
            return self.stalls

    design = session.design
    host = next(e for e in design.elements if e.kind == "esxi_host")
    vm = next(e for e in design.elements if e.kind == "vm" and getattr(e, "host", "") == host.id)
    entry = design.layout[host.id]
    view = window.view
    editor = getattr(view, "editor", view)
    into_host = QPointF(entry.x + (entry.w or 180) / 2, entry.y + (entry.h or 110) / 2)
    view.centerOn(into_host)
    other = next(e for e in design.elements if e.kind == "vm" and e.id != vm.id)
    # As in a working session (and bench_scale): the edits follow an edit of another VM.
    session.push(SetProperty(other.id, "name", other.name + "-w"))
    run_until(settled, 600)
    stack = session.undo_stack
    moved = entry.model_copy(update={"x": entry.x + 20})
    edits: list[tuple[str, Callable[[], object]]] = [
        ("rename", lambda: session.push(SetProperty(vm.id, "name", vm.name + "-x"))),
        ("undo rename", stack.undo),
        ("move", lambda: session.push(MoveElements({host.id: moved}))),
        ("undo move", stack.undo),
        ("add", lambda: editor.add_element_at("vm", into_host)),
        ("undo add", stack.undo),
        ("delete", lambda: session.push(RemoveElements([vm.id]))),
        ("undo delete", stack.undo),
    ]
    overview = window.findChild(OverviewPanel)

    def pictured() -> bool:
        return overview is None or (
            overview._job is None
            and overview._measure is None
            and not overview._render_timer.isActive()
        )

    ticker = Ticker()
    out = args.json.open("w", encoding="utf-8") if args.json else None
    seen: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in edits}
    for round_ in range(args.rounds):
        for name, edit in edits:
            edit()
            ticker.start()
            run_until(settled, 600)
            run_until(lambda: False, 0.15)
            run_until(pictured, 30)
            run_until(lambda: False, args.after_s)
            stalls = ticker.stop()
            record = {
                "round": round_,
                "edit": name,
                "stall": max((s["wall"] for s in stalls), default=0.0),
                "stall cpu": max((s["cpu"] for s in stalls), default=0.0),
                "stalls": stalls,
                "load": os.getloadavg()[0],
            }
            seen[name].append(record)
            if out is not None:
                out.write(json.dumps(record) + "\n")
                out.flush()
    print(f"# {args.design.name}, tree {tree}, {args.rounds} rounds, load {os.getloadavg()}")
    print(f"{'edit':<12} {'n':>3} {'worst':>7} {'p95':>7}   {'cpu worst':>9} {'cpu p95':>8}")
    for name, records in seen.items():
        walls = [r["stall"] for r in records]
        cpus = [r["stall cpu"] for r in records]
        print(
            f"{name:<12} {len(records):>3} {max(walls):>7.1f} {percentile(walls, 95):>7.1f}"
            f"   {max(cpus):>9.1f} {percentile(cpus, 95):>8.1f}"
        )
    every = [r for records in seen.values() for r in records]
    walls = [r["stall"] for r in every]
    cpus = [r["stall cpu"] for r in every]
    print(
        f"{'all':<12} {len(every):>3} {max(walls):>7.1f} {percentile(walls, 95):>7.1f}"
        f"   {max(cpus):>9.1f} {percentile(cpus, 95):>8.1f}"
    )
    print(
        f"full collections on the UI thread: {len(full)}, worst {max(full, default=0):.1f} ms"
        f" CPU; tidies: {len(tidied)}, worst {max(tidied, default=0):.1f} ms CPU"
    )
    for n, ((count, kinds), own) in enumerate(zip(visited, visited_cpu, strict=False)):
        common = ", ".join(f"{kind} {k:,}" for kind, k in kinds)
        print(f"  tidy {n}: {count:,} objects visited, {own:.1f} ms CPU ({common})")
    for record in every:
        for stall in record["stalls"]:
            if stall["wall"] > 30 or stall["cpu"] > 12:
                print(
                    f"  {record['round']:>2} {record['edit']:<12} {stall['wall']:6.1f} ms"
                    f" ({stall['cpu']:.1f} CPU): {', '.join(stall['ran']) or '-'}"
                )
    sys.stdout.flush()
    os._exit(0)  # (the window's teardown at 100k takes seconds and measures nothing)


if __name__ == "__main__":
    raise SystemExit(main())
