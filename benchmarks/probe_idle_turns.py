"""What ran in the idle event loop's late turns after opening a design (wave 18, `idle18`).

usage: QT_QPA_PLATFORM=offscreen python benchmarks/probe_idle_turns.py DESIGN.json
        [--seconds 10] [--late-ms 30] [--events] [--tree OTHER_CHECKOUT] [--json OUT.json]
        [--over-ms 2] [--cpu-clock]

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
* when the first live check's findings arrived and the lookups of edits were built;
* per job of the slices (wave 25): its steps, how many ended over ``--over-ms`` past the
  deadline the runner gave them, the worst such overrun, and the longest step's CPU
  time. With ``--cpu-clock`` the slices' clock after the first frame is the UI thread's
  CPU time (``time.perf_counter`` replaced by ``time.thread_time``): a step's overrun is
  then its own work past its budget, free of the waits of a busy machine (on this
  machine's load of 10–14 the wall clock overran every job by tens of ms).

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
    parser.add_argument(
        "--over-ms", type=float, default=2.0, help="a step's overrun of its deadline to count"
    )
    parser.add_argument(
        "--cpu-clock",
        action="store_true",
        help="the slices' clock after the first frame: the UI thread's CPU time",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write what was seen")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tree = (args.tree or ROOT).resolve()
    sys.path.insert(0, str(tree))
    sys.argv = sys.argv[:1]
    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks import bench_scale
    from designer.ui import lifetime, slices

    wall_clock = time.perf_counter  # (the probe's own times: wall time, always)
    start = [0.0]  # the first frame's end (perf_counter), once known
    events: list[tuple[float, float, float, str, str, str]] = []
    steps: list[tuple[float, float, float, str]] = []
    #: Per job: its steps, those that ended over --over-ms past their deadline, the
    #: worst such overrun, the worst CPU time past the budget given, the longest
    #: step's CPU time (ms).
    overruns: dict[str, list[Any]] = {}
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
            wall, cpu = wall_clock(), time.thread_time()
            sys.setprofile(first_call)
            try:
                return super().notify(receiver, event)
            finally:
                sys.setprofile(None)
                depth[0] -= 1
                took = wall_clock() - wall
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
            wall, cpu = wall_clock(), time.thread_time()
            try:
                return bool(_step(deadline))
            finally:
                took = wall_clock() - wall
                if start[0]:
                    job = overruns.setdefault(_key, [0, 0, 0.0, 0.0, 0.0])
                    job[0] += 1
                    # (The slices' clock: with --cpu-clock, the UI thread's CPU time.)
                    past = (time.perf_counter() - deadline) * 1000
                    if past > args.over_ms:
                        job[1] += 1
                    job[2] = max(job[2], past)
                    # The step's own CPU time past the budget it was given: what the
                    # step itself overran, without the waits of a busy machine.
                    used = time.thread_time() - cpu
                    given = deadline - (cpu if args.cpu_clock else wall)
                    job[3] = max(job[3], (used - given) * 1000)
                    job[4] = max(job[4], used * 1000)
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
            wall, cpu = wall_clock(), time.thread_time()
            try:
                return work()
            finally:
                took = wall_clock() - wall
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
            late.append((wall_clock() - first - gap / 1000, gap))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(bench_scale.TICK_MS)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    marks: dict[str, float] = {}

    def run_for(ms: int) -> None:  # (Qt's timers: wall time, whatever the slices' clock)
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    if args.cpu_clock:
        # The slices' deadlines and looks at the clock (every ``time.perf_counter``
        # after the first frame) in the UI thread's CPU time: what a step overran in
        # its own work, free of the waits of a busy machine (each thread's own time in
        # a worker; a time noted before the first frame is of the other clock).
        time.perf_counter = time.thread_time
    while wall_clock() - first < args.seconds:
        run_for(250)
        now = wall_clock() - first
        if "findings" not in marks and session.findings_revision == session.document.revision:
            marks["findings"] = now
        if "findings" in marks and "prepared" not in marks and not session.preparing_edits:
            marks["prepared"] = now
    timer.stop()
    _report(late, steps, events, marks)
    _report_overruns(overruns, args.over_ms)
    if args.json:
        seen = {
            "late": late, "steps": steps, "events": events, "marks": marks,
            "overruns": overruns,
        }  # fmt: skip
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


def _report_overruns(overruns: dict[str, list[Any]], over_ms: float) -> None:
    """Per job of the slices: how many steps ran, how many ended over ``over_ms`` past
    the deadline the runner gave them (the turn's budget), the worst overrun."""
    print(f"slices' steps past their deadline (over {over_ms:g} ms of the slices' clock):")
    for key, (n, over, worst, cpu_past, cpu) in sorted(overruns.items(), key=lambda kv: -kv[1][3]):
        print(
            f"    {key}: {n} steps, {over} over, worst {worst:+.1f} ms past; CPU: "
            f"worst {cpu_past:+.1f} ms past the budget given, longest step {cpu:.1f} ms"
        )


if __name__ == "__main__":
    raise SystemExit(main())
