"""The window's start as ``dr-designer gui`` makes it, start after start (issue 10): the
UI thread's instructions of the window's imports and of opening the bundled sample, in
a process that keeps its caches for the next one.

``callgrind_window.py`` counts from ``MainWindow()`` on (its child imports the window's
modules first, to hook them); this counts what comes before: the designer's window
modules beyond the import floor (PySide6, ``import pydantic`` and a ``QApplication``),
imported inside the command's code-cache block (``designer.entry``:
``compiled_dataclasses("gui")``), then ``open_window(None)``. Each tree runs ``--runs``
processes (default 2) one after the other with a cache folder of its own
(``DR_DESIGNER_CACHE_DIR``): the first is a first start (nothing cached), the next ones
what a user's later starts pay. Before wave 24 (``open24a``) the window never wrote its
code cache (it ends its process inside the block), so every start was a first one::

    python benchmarks/callgrind_gui_start.py --tree /tmp/base24 --tree .

Runs under ``valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes`` (the
UI thread's dumps only: the font database's and the file's threads are others),
``QT_QPA_PLATFORM=offscreen``, a fresh home per process, ``PYTHONHASHSEED`` 0; ~30 s a
process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _callgrind import (  # a sibling module: see its docstring
    control,
    fresh_home_env,
    run_under_callgrind,
)

LABELS = ("imports", "open")


def _child() -> None:
    import pydantic  # noqa: F401  # the import floor (bench_scale.py's)
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from designer.codecache import compiled_dataclasses

    block = compiled_dataclasses("gui")  # as designer.entry does; never left, as there
    block.__enter__()
    control("-i", "on")
    import designer.ui.app as window_app
    import designer.ui.main_window  # noqa: F401

    control("-d", "imports")
    window_app.apply_runtime_settings()
    window_app.open_window(None)  # the bundled sample
    control("-d", "open")
    control("-i", "off")
    print("OPENED", flush=True)
    del app
    os._exit(0)


def measure(tree: Path, cache: Path, python: str) -> dict[str, int]:
    home = Path(tempfile.mkdtemp(prefix="callgrind-gui-start-home-"))
    try:
        counts, out = run_under_callgrind(
            tree,
            str(Path(__file__).resolve()),
            [],
            LABELS,
            python=python,
            prefix="callgrind-gui-start-",
            env={**fresh_home_env(home), "DR_DESIGNER_CACHE_DIR": str(cache)},
            separate_threads=True,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if "OPENED" not in out:
        raise SystemExit(f"the child under valgrind did not open the sample for {tree}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--runs", type=int, default=2, help="starts per tree (one cache)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child()
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind and callgrind_control are needed (apt-get install valgrind)")
        return 2
    trees = [t.resolve() for t in args.tree or [Path(__file__).resolve().parents[1]]]
    for tree in trees:
        subprocess.run([args.python, "-m", "compileall", "-q", str(tree / "designer")], check=True)
        cache = Path(tempfile.mkdtemp(prefix="callgrind-gui-start-cache-"))
        print(f"\n{tree}:")
        for run in range(1, args.runs + 1):
            counts = measure(tree, cache, args.python)
            cells = "  ".join(f"{label} {counts.get(label, 0) / 1e6:9,.1f} M" for label in LABELS)
            print(f"  start {run}: {cells}", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
