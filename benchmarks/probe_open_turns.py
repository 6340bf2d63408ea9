"""A design opened in a running window, by File > Open or File > Open Recent, with a 5 ms
timer on the UI thread (wave 30, ``open30``): the UI thread's CPU and the wall clock of
every turn of its event loop from the menu's action on, and when the design is shown.

    QT_QPA_PLATFORM=offscreen python benchmarks/probe_open_turns.py TREE open|recent DESIGN
        [--settle S] [--after S]

``TREE`` is the source tree to measure (``/tmp/base30`` or ``.``; run both in one
sitting, interleaved). The window is ``dr-designer gui`` (the bundled sample) in a user
folder of its own below ``/tmp``; after ``--settle`` seconds (default 8: the sample
checked, simulation mode imported) the design is opened through the menu's action
(File > Open's dialog answered with ``DESIGN``; Open Recent's first entry, ``DESIGN``
added to the recent files first), then ``--after`` seconds (default 12) are watched.
Prints: the action's own call (wall, UI CPU: the whole read when it is read on the UI
thread), the turns during it (the read beside the window: its event loop runs), the
worst turns after it by UI CPU and by wall clock, and the machine's load.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time


def main() -> None:
    tree, mode, design = sys.argv[1], sys.argv[2], sys.argv[3]
    settle = float(sys.argv[sys.argv.index("--settle") + 1]) if "--settle" in sys.argv else 8.0
    after = float(sys.argv[sys.argv.index("--after") + 1]) if "--after" in sys.argv else 12.0
    sys.path.insert(0, tree)
    os.environ["PYTHONPATH"] = tree
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="probe-open-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    app = QApplication(["dr-designer"])
    import designer
    from designer.entry import main as dr_designer
    from designer.ui.main_window import MainWindow

    print("tree", designer.__file__, "door", mode, flush=True)
    ticks: list[tuple[float, float, float]] = []  # (when, wall gap, UI CPU gap)
    last = [time.perf_counter(), time.thread_time()]
    marks: dict[str, float] = {}

    def tick() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        ticks.append((now, now - last[0], cpu - last[1]))
        last[0], last[1] = now, cpu

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "returned" in marks:
                marks.setdefault("paint", time.perf_counter())
            return False

    paints = Paints()

    def window() -> MainWindow:
        return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))

    def act() -> None:
        shown = window()
        shown.view.viewport().installEventFilter(paints)
        if mode == "recent":
            shown.recent.add(design)
        ticker.start()
        QTimer.singleShot(300, go)

    def go() -> None:
        shown = window()
        marks["start"] = time.perf_counter()
        cpu = time.thread_time()
        if mode == "recent":
            shown.recent_menu.aboutToShow.emit()
            shown.recent_menu.actions()[0].trigger()
        else:
            QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (design, ""))  # type: ignore[method-assign]
            shown.act_open.trigger()
        marks["returned"] = time.perf_counter()
        marks["action_cpu"] = time.thread_time() - cpu
        QTimer.singleShot(int(after * 1000), finish)

    def finish() -> None:
        start = marks["start"]
        print(
            f"the action's call: wall {marks['returned'] - start:.2f} s, "
            f"UI CPU {marks['action_cpu']:.2f} s; first paint after it "
            f"{marks.get('paint', float('nan')) - start:.2f} s"
        )
        seen = [(at - start, gap, cpu) for at, gap, cpu in ticks if at > start + 0.001]
        during = [t for t in seen if t[0] < marks["returned"] - start]
        print(
            f"turns during the call: {len(during)}; worst UI CPU ms",
            sorted(round(c * 1000) for _, _, c in during)[-5:],
            "worst wall ms",
            sorted(round(g * 1000) for _, g, _ in during)[-5:],
        )
        by_cpu = sorted(seen, key=lambda t: -t[2])[:6]
        by_wall = sorted(seen, key=lambda t: -t[1])[:4]
        print("worst turns by UI CPU (at s, wall ms, CPU ms):", _shown(by_cpu))
        print("worst turns by wall clock:", _shown(by_wall))
        print(
            "turns over 50 ms: UI CPU",
            sum(1 for t in seen if t[2] > 0.05),
            "wall",
            sum(1 for t in seen if t[1] > 0.05),
        )
        shown = window()
        print(f"{len(shown.session.design.elements):,} elements shown; load {os.getloadavg()}")
        sys.stdout.flush()
        os._exit(0)

    QTimer.singleShot(int(settle * 1000), act)
    dr_designer(["gui"])


def _shown(turns: list[tuple[float, float, float]]) -> list[tuple[float, int, int]]:
    return [(round(at, 2), round(gap * 1000), round(cpu * 1000)) for at, gap, cpu in turns]


if __name__ == "__main__":
    main()
