"""Memory over repeated work (issue 15: the rule caches kept every checked design).

* ``cycles``: load + check the same ``--scale`` design ``--cycles`` times, headless;
  resident memory after each (a floor: after the first cycle) and designs still alive.
* ``edits``: open the design in the window (offscreen) and make ``--edits`` edits
  (one nudge each, the check of each finished); resident memory per edit.

Prints MB and the growth per cycle / per edit. Resident memory includes the
allocator's free lists, so compare the growth, not the absolute figure.

    python benchmarks/bench_memory.py --scale 25k --cycles 10 --edits 50
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import weakref
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate_design
from designer.persistence import load, save
from designer.rules import check


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cycles(path: Path, count: int) -> None:
    alive: list[weakref.ref] = []
    figures: list[float] = []
    for _ in range(count):
        design = load(path)
        check(design)
        alive.append(weakref.ref(design))
        del design
        gc.collect()
        figures.append(rss_mb())
    still = sum(ref() is not None for ref in alive)
    growth = (figures[-1] - figures[0]) / max(count - 1, 1)
    print(f"load+check × {count}: RSS {figures[0]:.0f} → {figures[-1]:.0f} MB "
          f"({growth:+.1f} MB per cycle); designs still alive: {still} of {count}")  # fmt: skip


def edits(path: Path, count: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from designer.ui.main_window import MainWindow
    from designer.ui.session import EditorSession

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(EditorSession(), settings=settings, recovery_dir=Path(tmp) / "r")
        window.show()
        window.open_file(path, ask=False)
        window.session.wait_for_findings()
        app.processEvents()
        vm = next(e.id for e in window.session.design.elements if e.kind == "vm")
        window.session.set_selection([vm])
        gc.collect()
        start = rss_mb()
        figures = []
        for _ in range(count):
            # The canvas editor has the nudge (older checkouts: the view itself).
            getattr(window.view, "editor", window.view).nudge(10, 0)
            app.processEvents()
            window.session.wait_for_findings()
            app.processEvents()
            gc.collect()
            figures.append(rss_mb())
        growth = (figures[-1] - start) / count
        print(f"window edits × {count}: RSS {start:.0f} → {figures[-1]:.0f} MB "
              f"({growth:+.2f} MB per edit)")  # fmt: skip
        recovery = getattr(window, "recovery", None)
        journal = getattr(recovery, "journal", None)
        if journal is not None:
            journal.close()
        window.session.undo_stack.setClean()
        window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="25k")
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "design.json"
        save(generate_design(args.scale), path)
        gc.collect()
        print(f"{args.scale} design, {path.stat().st_size / 1e6:.1f} MB file; "
              f"RSS at start {rss_mb():.0f} MB")  # fmt: skip
        if args.cycles:
            cycles(path, args.cycles)
        if args.edits:
            edits(path, args.edits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
