"""What closed and deleted windows leave behind (docs/reliability.md, "A session's
lifetime"): wave 15's quick-close probe, for any tree.

Each run is a child process with a user folder of its own: ``open_window`` on the bundled
sample (as ``dr-designer gui`` opens it), File > Open of a big design, the window closed
and deleted ``--close-ms`` later; ``--windows`` windows a run. It prints the sessions
still alive and the new top-level widgets, with the cyclic collector off and after a
full collection (with how many unreachable objects it found)::

    python benchmarks/probe_window_lifetime.py [--tree /tmp/base16] [--runs 3]
        [--windows 5] [--design big.json] [--close-ms 100]

Without ``--design`` a 10k design is generated (``benchmarks/generate.py``, seed 0).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: A user's folders below the run's home (environment variable: sub-folder).
FOLDERS = {
    "HOME": "",
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
    "XDG_CACHE_HOME": ".cache",
    "DR_DESIGNER_LOG_DIR": "logs",
}

CHILD = r"""
import collections, gc, sys, time, weakref
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
app = QApplication([])
from designer.ui.app import open_window
big, windows, close_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def pump(ms):
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)
def main():
    before = list(app.topLevelWidgets())
    sessions = []
    for _ in range(windows):
        window = open_window(None)
        pump(300)
        window.open_file(big, ask=False)
        sessions.append(weakref.ref(window.session))
        pump(close_ms)
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        del window
        pump(50)
    pump(500)
    def report(when):
        left = collections.Counter(
            type(w).__name__ for w in app.topLevelWidgets()
            if w.parent() is None and not any(w is b for b in before)
        )
        alive = sum(ref() is not None for ref in sessions)
        print(f"{when}: sessions alive {alive} of {windows}, top-level left {dict(left)}")
    gc.disable()
    report("collector off")
    gc.enable()
    found = gc.collect()
    report(f"after gc.collect() ({found} objects unreachable)")
main()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to probe")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--design", type=Path, help="the big design File > Open opens")
    parser.add_argument("--close-ms", type=float, default=100.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        design = args.design
        if design is None:
            sys.path.insert(0, str(ROOT))
            from benchmarks.generate import generate_design
            from designer.persistence import dumps

            design = Path(tmp) / "big.json"
            design.write_text(dumps(generate_design("10k", seed=0)), encoding="utf-8")
        for run in range(1, args.runs + 1):
            home = Path(tmp) / f"home{run}"  # settings, recovery copies, logs of its own
            env = {**os.environ, **{name: str(home / sub) for name, sub in FOLDERS.items()}}
            env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
            env["PYTHONPATH"] = str(args.tree.resolve())
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(design), str(args.windows), str(args.close_ms)],
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp,  # not the checkout: PYTHONPATH's tree is the one imported
                timeout=600,
            )
            lines = [line for line in done.stdout.splitlines() if line.strip()]
            print(f"run {run} ({args.tree}): " + " | ".join(lines or [done.stderr[-500:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
