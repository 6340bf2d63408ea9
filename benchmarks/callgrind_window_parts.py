"""The UI thread's instructions of chosen functions while a design opens to its first frame
(issue 10), each counted on its own, for any tree: where ``callgrind_window.py``'s stages
go, down to a panel's constructor.

Runs one process per tree under ``valgrind --tool=callgrind --instr-atstart=no
--separate-threads=yes``, opening the design (``--file``, default the 100k bench design)
as ``bench_scale.py --parts open`` does (``bench_scale._open_window``). Each ``--wrap
MODULE:QUALNAME`` (a function or a method; default: :data:`DEFAULT_WRAPS`, the window's
constructor, its parts and its panels, its show and the docks' first sizes) is replaced
by a wrapper that switches the instrumentation on at the outermost wrapped call and dumps
the counters as each call ends. A wrapped call inside another dumps the outer's count so
far first: each figure is the function's own instructions, less those of the wrapped
functions it called (the constructor's figure is what its wrapped parts leave). A
function called several times: its calls summed::

    python benchmarks/callgrind_window_parts.py --tree /tmp/base29 --tree .
    python benchmarks/callgrind_window_parts.py --tree . \\
        --wrap designer.ui.panels.databases:DatabasesPanel.__init__ \\
        --wrap designer.ui.panels.plan_copies:PlanCopiesPreview.__init__

Each child imports its tree's ``designer`` (``BENCH_SCALE_TREE``) in a fresh home,
``QT_QPA_PLATFORM=offscreen``, ``PYTHONHASHSEED`` 0. Each ``callgrind_control`` call
(~1 M instructions in the child, two per wrapped call) is counted outside the figures
only in part: compare trees, not a figure against ``callgrind_window.py``'s stages.
~4–8 minutes a tree at 100k on a loaded machine (wave 29, ``open29``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from _callgrind import control, fresh_home_env, run_under_callgrind

DEFAULT_FILE = Path("/tmp/dr-designer-bench-scale/design-100k-seed0-v7.json")
DEFAULT_WRAPS = (
    "designer.ui.main_window:MainWindow.__init__",
    "designer.ui.main_window:MainWindow._build_actions",
    "designer.ui.main_window:MainWindow._build_menus",
    "designer.ui.main_window:MainWindow._build_status",
    "designer.ui.main_window:MainWindow._add_panels",
    "designer.ui.main_window:MainWindow._add_simulation",
    "designer.ui.main_window:MainWindow._add_interop",
    "designer.ui.main_window:MainWindow._add_availability",
    "designer.ui.canvas.view:DesignView.__init__",
    "designer.ui.session:EditorSession.__init__",
    "designer.ui.panels:create_panels",
    "designer.ui.panels.problems:ProblemsPanel.__init__",
    "designer.ui.panels.inspector:InspectorPanel.__init__",
    "designer.ui.panels.databases:DatabasesPanel.__init__",
    "designer.ui.panels.capacity:CapacityPanel.__init__",
    "designer.ui.panels.palette:PalettePanel.__init__",
    "designer.ui.panels.overview:OverviewPanel.__init__",
    "designer.ui.main_window:MainWindow.show",
    "designer.ui.window_layout:WindowLayout.apply_first_sizes",
)

__all__ = ["DEFAULT_WRAPS", "label_of", "main"]


def label_of(spec: str) -> str:
    """A wrapped function's dump label (``_callgrind.DESC`` reads one word)."""
    return spec.partition(":")[2].replace(".", "_")


def _wrap_all(specs: list[str]) -> None:
    stack: list[str] = []
    for spec in specs:
        module_name, _, qualname = spec.partition(":")
        module = importlib.import_module(module_name)
        *owners, name = qualname.split(".")
        owner: Any = module
        for part in owners:
            owner = getattr(owner, part)
        found = owner.__dict__.get(name) if isinstance(owner, type) else None
        real = found if found is not None else getattr(owner, name)
        static = isinstance(real, staticmethod)
        function = real.__func__ if static else real

        def hooked(*args: Any, _fn: Any = function, _label: str = label_of(spec), **kw: Any) -> Any:
            if stack:
                control("-d", stack[-1])  # the outer call's own count so far
            else:
                control("-i", "on")
            stack.append(_label)
            try:
                return _fn(*args, **kw)
            finally:
                control("-d", stack.pop())
                if not stack:
                    control("-i", "off")

        setattr(owner, name, staticmethod(hooked) if static else hooked)
        if owner is module:  # a module's function others imported by name
            for other in list(sys.modules.values()):
                if getattr(other, "__name__", "").startswith("designer.ui") and (
                    getattr(other, name, None) is function
                ):
                    setattr(other, name, hooked)


def _child(file: Path, specs: list[str]) -> None:
    import bench_scale  # this checkout's (the script's folder is first on sys.path)

    import designer.ui.main_window  # noqa: F401  # (its imports by name are wrapped too)

    _wrap_all(specs)
    bench_scale._open_window(file)
    print("FIRST-FRAME", flush=True)
    os._exit(0)  # no teardown of a 100k scene


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="a design file")
    parser.add_argument("--wrap", action="append", help="MODULE:QUALNAME (repeatable)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    specs = list(args.wrap or DEFAULT_WRAPS)
    if args.child:
        _child(args.file, specs)
        return 0
    trees = [t.resolve() for t in (args.tree or [Path(".")])]
    results: list[dict[str, int]] = []
    for tree in trees:
        home = Path(tempfile.mkdtemp(prefix="callgrind-parts-home-"))
        env = {
            **fresh_home_env(home),
            "BENCH_SCALE_TREE": str(tree),
            "QT_QPA_PLATFORM": "offscreen",
        }
        wraps = [x for spec in specs for x in ("--wrap", spec)]
        counts, _ = run_under_callgrind(
            tree,
            str(Path(__file__).resolve()),
            ["--file", str(args.file), *wraps],
            lambda _label: True,
            python=args.python,
            prefix="callgrind-parts-",
            env=env,
            separate_threads=True,
        )
        results.append(counts)
    print(f"{args.file}: instructions of each function's own work (M)")
    print(f"{'function':48}" + "".join(f"{t.name[:14]:>16}" for t in trees))
    for spec in specs:
        label = label_of(spec)
        cells = "".join(f"{r.get(label, 0) / 1e6:16.1f}" for r in results)
        print(f"{spec.partition(':')[2]:48}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
