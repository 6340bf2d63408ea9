"""What ran in the idle event loop's late turns after opening a design (wave 18, `idle18`).

usage: QT_QPA_PLATFORM=offscreen python benchmarks/probe_idle_turns.py DESIGN.json
        [--seconds 10] [--late-ms 30] [--events] [--tree OTHER_CHECKOUT] [--json OUT.json]

``bench_scale.py --parts idle`` says how late the idle event loop came (a 5 ms timer's
worst lateness per second after the first frame); this says what made it late. The
design is opened as ``bench_scale.py`` opens it (``dr-designer gui FILE``'s
``open_window``, the first frame the canvas's first paint), then for ``--seconds``:

* every tick of a 5 ms timer later than ``--late-ms``, at its time after the first frame;
* every step of a job of the shared idle slices (:mod:`designer.ui.slices`) over 10 ms:
  its job's key, wall time and the UI thread's CPU time (wall far above CPU: the thread
  waited for the interpreter lock or for a core); likewise every call of
  :func:`designer.ui.lifetime.soon` over 4 ms (the held work of the first frame), named
  ``soon: <function>``;
* with ``--events``, every top-level event over 4 ms: its receiver's class (and its
  parent's), the event's type, wall and CPU time and the first Python function it
  entered. The application's ``notify`` is then a Python override: every event crosses
  into Python, which makes turns longer beside a worker (use it to name, not to time);
* when the first live check's findings arrived and the lookups of edits were built.

Each late tick is printed with the steps and events that overlap it. Wave 18 found
this way the idle turn over 50 ms after opening 100k: the window relaid out and
repainted whole right after the first frame (a MainWindow ``LayoutRequest`` then
``UpdateRequest``, 15-20 ms of CPU, 40-90 ms of wall time beside the first check's
worker), which ``--events`` showed as the only long events of the first 0.3 s.
``--tree`` imports another checkout's ``designer`` (its ``benchmarks`` too), as
``bench_scale.py --tree`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("design", type=Path)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--late-ms", type=float, default=30.0)
    parser.add_argument("--events", action="store_true", help="name every long event")
    parser.add_argument("--tree", type=Path, default=None, help="another checkout")
    parser.add_argument("--json", type=Path, default=None, help="also write what was seen")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tree = (args.tree or ROOT).resolve()
    sys.path.insert(0, str(tree))
    sys.argv = sys.argv[:1]
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks import bench_scale
    from designer.ui import lifetime, slices

    start = [0.0]  # the first frame's end (perf_counter), once known
    events: list[tuple[float, float, float, str, str, str]] = []
    steps: list[tuple[float, float, float, str]] = []
    depth = [0]
    entered: list[str | None] = [None]

    def first_call(frame: Any, event: str, _arg: object) -> None:
        if event == "call":
            code = frame.f_code
            entered[0] = f"{code.co_qualname} ({Path(code.co_filename).name}:{frame.f_lineno})"
            sys.setprofile(None)

    class Timed(QApplication):
        def notify(self, receiver: QObject, event: QEvent) -> bool:  # type: ignore[override]
            if depth[0] or not start[0]:
                depth[0] += 1
                try:
                    return super().notify(receiver, event)
                finally:
                    depth[0] -= 1
            depth[0] += 1
            entered[0] = None
            kind = event.type()
            wall, cpu = time.perf_counter(), time.thread_time()
            sys.setprofile(first_call)
            try:
                return super().notify(receiver, event)
            finally:
                sys.setprofile(None)
                depth[0] -= 1
                took = time.perf_counter() - wall
                if took > 0.004:
                    parent = receiver.parent() if hasattr(receiver, "parent") else None
                    who = type(receiver).__name__ + (
                        f" <{type(parent).__name__}>" if parent else ""
                    )
                    events.append(
                        (
                            wall - start[0],
                            took * 1000,
                            (time.thread_time() - cpu) * 1000,
                            who,
                            getattr(kind, "name", str(kind)),
                            entered[0] or "",
                        )
                    )

    (Timed if args.events else QApplication)(sys.argv[:1])
    real_start = slices.Slices.start

    def timed_start(self: Any, key: Any, owner: QObject, step: Any, **kwargs: Any) -> None:
        def timed(deadline: float, _step: Any = step, _key: str = repr(key)) -> bool:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return bool(_step(deadline))
            finally:
                took = time.perf_counter() - wall
                if start[0] and took > 0.010:
                    steps.append(
                        (wall - start[0], took * 1000, (time.thread_time() - cpu) * 1000, _key)
                    )

        real_start(self, key, owner, timed, **kwargs)

    slices.Slices.start = timed_start  # type: ignore[method-assign]
    real_soon = lifetime.soon

    def timed_soon(context: QObject, work: Any) -> None:
        # The held work of a big design's first frame runs in such turns (idle24: the
        # Databases panel's fill was the worst of them); named like the slices' steps.
        def timed() -> object:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return work()
            finally:
                took = time.perf_counter() - wall
                if start[0] and took > 0.004:
                    name = getattr(work, "__qualname__", None) or repr(work)
                    steps.append(
                        (wall - start[0], took * 1000, (time.thread_time() - cpu) * 1000,
                         f"soon: {name}")
                    )  # fmt: skip

        real_soon(context, timed)

    lifetime.soon = timed_soon  # type: ignore[assignment]
    bench_scale._lift_size_limit()
    _app, window, first = bench_scale._open_window(args.design)
    start[0] = first
    session = window.session
    late: list[tuple[float, float]] = []
    clock = QElapsedTimer()
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gap = now - last[0] - bench_scale.TICK_MS
        if gap > args.late_ms:
            late.append((time.perf_counter() - first - gap / 1000, gap))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(bench_scale.TICK_MS)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    marks: dict[str, float] = {}
    run_until = bench_scale._qt_tools()["run_until"]
    while time.perf_counter() - first < args.seconds:
        run_until(lambda: False, 0.25)
        now = time.perf_counter() - first
        if "findings" not in marks and session.findings_revision == session.document.revision:
            marks["findings"] = now
        if "findings" in marks and "prepared" not in marks and not session.preparing_edits:
            marks["prepared"] = now
    timer.stop()
    _report(late, steps, events, marks)
    if args.json:
        seen = {"late": late, "steps": steps, "events": events, "marks": marks}
        args.json.write_text(json.dumps(seen, indent=1), encoding="utf-8")
    sys.stdout.flush()
    os._exit(0)  # no teardown of a big scene


def _report(
    late: list[tuple[float, float]],
    steps: list[tuple[float, float, float, str]],
    events: list[tuple[float, float, float, str, str, str]],
    marks: dict[str, float],
) -> None:
    print("seconds after the first frame: " + ", ".join(f"{k} {v:.2f}" for k, v in marks.items()))
    print(f"{len(late)} late ticks; worst {max((g for _, g in late), default=0.0):.1f} ms")
    for at, gap in late:
        print(f"tick {gap:.1f} ms late, from {at:.3f} s")
        for when, wall, cpu, key in steps:
            if when + wall / 1000 >= at - 0.003 and when <= at + gap / 1000:
                what = key if key.startswith("soon: ") else f"slices' step {key}"
                print(f"    {when:.3f} s: {wall:.1f} ms wall, {cpu:.1f} CPU, {what}")
        for when, wall, cpu, who, kind, entered in events:
            if when + wall / 1000 >= at - 0.003 and when <= at + gap / 1000:
                print(f"    event {when:.3f} s: {wall:.1f} ms wall, {cpu:.1f} CPU, {kind} to {who}")
                if entered:
                    print(f"        entered {entered}")


if __name__ == "__main__":
    raise SystemExit(main())
