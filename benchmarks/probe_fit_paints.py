"""What the canvas paints between a big edit's steps at Fit to Window (wave 30, ``canvas30``).

    QT_QPA_PLATFORM=offscreen python benchmarks/probe_fit_paints.py \\
        [--tree OTHER_CHECKOUT] [--design design-100k-seed0-v7.json] [--actions do,undo,redo]

Opens the design as ``dr-designer gui FILE`` does (``bench_scale``'s door, a fresh home in
a child process), sizes the window 1280 × 800, settles, presses Fit to Window, then
deletes the first site and undoes and redoes it (each a big edit in steps). For each it
prints, in UI-thread CPU (``time.thread_time``, robust to a loaded machine): the steps'
turns (count, CPU), the canvas's paints (count, CPU, mean, worst), the worst turns between
two ticks of a 5 ms ticker, how many exceed 40 and 50 ms, and for each turn over 35 ms
its paint's and its steps' share. ``--tree`` runs another checkout's code (before/after).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH = Path(tempfile.gettempdir()) / "dr-designer-bench-scale"


def _child(design: Path, actions: list[str]) -> None:
    sys.path.insert(0, str(HERE))
    import bench_scale  # (a sibling script, found after the path above)

    import designer
    from designer.ui.canvas.view import DesignView

    print(f"code {Path(designer.__file__).parent}", flush=True)

    paints: list[float] = []
    turn: dict[str, float] = {"paint": 0.0, "steps": 0.0}
    paint_event = DesignView.paintEvent

    def timed_paint(self: DesignView, event: Any) -> None:
        start = time.thread_time()
        try:
            paint_event(self, event)
        finally:
            paints.append((time.thread_time() - start) * 1000)
            turn["paint"] += paints[-1]

    DesignView.paintEvent = timed_paint  # type: ignore[method-assign]  # (before the view is made)
    tools = bench_scale._qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = bench_scale._open_window(design)
    from PySide6.QtCore import Qt, QTimer

    from designer.document import RemoveElements

    window.resize(1280, 800)
    session = window.session
    view = window.view

    def settled() -> bool:
        return session.findings_revision == session.document.revision and not getattr(
            session, "preparing_edits", False
        )

    run_until(settled, 900)
    run_until(lambda: False, 0.5)
    steps: list[float] = []
    step_turn = session._step_turn

    def timed_turn() -> None:
        start = time.thread_time()
        try:
            step_turn()
        finally:
            steps.append((time.thread_time() - start) * 1000)
            turn["steps"] += steps[-1]

    session._step_timer.timeout.disconnect()
    session._step_timer.timeout.connect(timed_turn)
    turns: list[float] = []
    big: list[tuple[float, float, float]] = []
    last = [time.thread_time()]

    def tick() -> None:
        now = time.thread_time()
        turns.append((now - last[0]) * 1000)
        last[0] = now
        if turns[-1] > 35:
            big.append((round(turns[-1], 1), round(turn["paint"], 1), round(turn["steps"], 1)))
        turn["paint"] = turn["steps"] = 0.0

    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    view.zoom_fit()
    run_until(lambda: False, 1.0)
    print(f"zoom {view.scale_factor:.4f}", flush=True)
    site = next(e.id for e in session.design.elements if e.kind == "site")
    stack = session.undo_stack
    do = {
        "do": lambda: session.push(RemoveElements([site])),
        "undo": stack.undo,
        "redo": stack.redo,
    }
    for action in actions:
        paints.clear()
        steps.clear()
        turns.clear()
        big.clear()
        turn["paint"] = turn["steps"] = 0.0
        last[0] = time.thread_time()
        ticker.start()
        started = time.perf_counter()
        do[action]()
        run_until(lambda: not session.busy, 900)
        done = time.perf_counter() - started
        run_until(lambda: False, 0.3)
        ticker.stop()
        tick()
        figures = {
            "steps": len(steps),
            "steps cpu": round(sum(steps)),
            "paints": len(paints),
            "paints cpu": round(sum(paints)),
            "paint mean": round(sum(paints) / max(1, len(paints)), 1),
            "paint worst": [round(p, 1) for p in sorted(paints, reverse=True)[:3]],
            "turn worst": [round(t, 1) for t in sorted(turns, reverse=True)[:3]],
            "turns > 40": sum(t > 40 for t in turns),
            "turns > 50": sum(t > 50 for t in turns),
            "done s": round(done, 2),
            "turns > 35 (turn, paint, steps)": big[:],
        }
        print(action, json.dumps(figures), flush=True)
        run_until(settled, 900)
        run_until(lambda: False, 0.5)
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="run this checkout's code")
    parser.add_argument("--design", type=Path, default=BENCH / "design-100k-seed0-v7.json")
    parser.add_argument("--actions", default="do,undo,redo")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    actions = args.actions.split(",")
    if args.child:
        _child(args.design, actions)
        return 0
    sys.path.insert(0, str(HERE))
    from _callgrind import environment_with, fresh_home_env

    tree = (args.tree or HERE.parent).resolve()
    home = Path(tempfile.mkdtemp(prefix="probe-fit-home-"))
    env = {
        **fresh_home_env(home),
        "PYTHONPATH": str(tree),
        # (bench_scale puts its own checkout first otherwise: "before" ran "after"'s code)
        "BENCH_SCALE_TREE": str(tree),
        "DR_DESIGNER_CACHE_DIR": str(home / "designer-cache"),
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--design"]
    command += [str(args.design), "--actions", args.actions]
    return subprocess.call(command, env=environment_with(env), cwd=tree)


if __name__ == "__main__":
    raise SystemExit(main())
