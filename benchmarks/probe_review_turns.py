"""The review report written by the window's job (``ReviewJob``) with a 5 ms timer on the
UI thread: the UI thread's CPU between two ticks (``time.thread_time``: what the window's
thread did, whatever the machine's load) and the wall-clock gaps, each with the dialog's
words at the time, and the time until written (wave 29, ``pdf29``; the wall gaps over
50 and 100 ms counted, and what of them the UI thread was blocked rather than waiting
for a core: wave 30, ``handover30``).

    python benchmarks/probe_review_turns.py TREE DESIGN OUT.pdf|OUT.html

``TREE`` is the source tree to measure (``/tmp/base29`` or ``.``): run both in one sitting.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path


def _queued() -> float:
    """The UI thread's time waiting for a core so far (s; Linux), or 0."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except OSError:
        return 0.0


def main() -> None:
    tree, design_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    sys.path.insert(0, tree)
    os.environ["PYTHONPATH"] = tree
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    import designer.ui.review as review
    from designer.persistence import load

    print(review.__file__, flush=True)
    loaded = load(Path(design_path))
    design = getattr(loaded, "design", loaded)
    parent = QWidget()
    job = review.ReviewJob(parent, design, out, source=Path(design_path).name)
    # (wall gap, UI CPU, the UI thread's wait for a core, the dialog's words)
    ticks: list[tuple[float, float, float, str]] = []
    last = [time.perf_counter(), time.thread_time(), _queued()]

    def tick() -> None:
        now, cpu, queued = time.perf_counter(), time.thread_time(), _queued()
        ticks.append((now - last[0], cpu - last[1], queued - last[2], job.dialog.labelText()))
        last[0], last[1], last[2] = now, cpu, queued

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    ended: list[str] = []
    job.finished.connect(lambda _path: ended.append("finished"))
    job.failed.connect(lambda message: ended.append(f"failed {message}"))
    job.cancelled.connect(lambda: ended.append("cancelled"))
    start, cpu = time.perf_counter(), time.thread_time()
    job.start()
    while not ended:
        app.processEvents()
        time.sleep(0.0005)
    print(
        "ended", ended, f"wall until written {time.perf_counter() - start:.1f} s",
        f"UI cpu in all {time.thread_time() - cpu:.2f} s",
    )  # fmt: skip
    worst = sorted(((round(c, 3), words) for _, c, _, words in ticks), reverse=True)[:5]
    print("ticks", len(ticks), "worst UI cpu turns", worst)
    gaps = sorted(((round(g, 3), words) for g, _, _, words in ticks), reverse=True)[:5]
    print("worst wall gaps", gaps)
    over = sum(1 for _, c, _, _ in ticks if c > 0.05), sum(1 for _, c, _, _ in ticks if c > 0.016)
    print("UI cpu turns > 50 ms:", over[0], "> 16 ms:", over[1])
    # A wall gap with little CPU is the UI thread waiting: for a core (the machine's
    # load: Linux's run-queue wait, /proc/thread-self/schedstat), or blocked (Python's
    # lock beside a worker thread, a file): the user sees it all the same (wave 30).
    waits = sum(1 for g, _, _, _ in ticks if g > 0.05), sum(1 for g, _, _, _ in ticks if g > 0.1)
    print("wall gaps > 50 ms:", waits[0], "> 100 ms:", waits[1])
    blocked = sorted(
        ((round(g - c - q, 3), round(q, 3), words) for g, c, q, words in ticks), reverse=True
    )
    print("worst blocked (gap - cpu - core wait, core wait):", blocked[:5])
    print("blocked > 50 ms:", sum(1 for b, _, _ in blocked if b > 0.05))
    print("load", os.getloadavg(), "threads", [t.name for t in threading.enumerate()])


if __name__ == "__main__":
    main()
