"""The canvas's build of an opened design (``DesignScene._rebuild``), in callgrind
instructions, call by call, for any tree (issue 10: opening 100k to the first frame).

Runs one process per tree under ``valgrind --tool=callgrind --instr-atstart=no
--separate-threads=yes``: it opens the design (``--file``; default the 100k bench
design) as ``bench_scale.py``'s children do (``dr-designer gui FILE``'s path, the
first-paint watch on the canvas viewport), with the instrumentation on from the start
of the big design's ``_rebuild`` to the first frame's end, and a dump before and after
each of the build's calls in ``CALLS`` (``gap_NAME``: what the build did between the
call before and this one: e.g. ``gap__group_parts`` is the loop over the top-level
boxes), then ``before_zoom``, ``zoom`` (``DesignView.zoom_to_open``) and ``to_frame_end``.
Counts are the UI thread's (each dump's ``-01`` file); each dump adds ~0.3 M (the
``callgrind_control`` call). Deterministic: the load of a shared machine does not move
them. Prints each part in millions and the build's total, each tree against the first
(``--tree /tmp/base --tree .``). ~3–5 minutes per tree at 100k (the reading not counted).
``benchmarks/callgrind_window.py`` (open23b) gives the whole UI thread's stages.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from _callgrind import control, run_under_callgrind  # a sibling module: see its docstring

#: The build's calls, each with a dump before (``gap_NAME``) and after (``NAME``).
CALLS = (
    "clear",
    "setItemIndexMethod",
    "_parts_apart",
    "_check_columns",
    "_note_by_columns",
    "_group_parts",
    "_wait_for_parts",
    "_tag_built_disks",
    "_plan_lines",
    "_wait_for_lines",
    "route_all",
    "_on_selection",
    "refresh_markers",
    "_update_scene_rect",
)
DESIGN = Path("/tmp/dr-designer-bench-scale/design-100k-seed0-v7.json")
#: A design this big is the one measured (the window's empty design is built too).
BIG = 1000

__all__ = ["CALLS", "main"]


def _child(path: Path) -> None:
    tree = os.getcwd()
    os.environ["BENCH_SCALE_TREE"] = tree
    sys.path.insert(0, os.path.join(tree, "benchmarks"))
    import bench_scale

    from designer.ui.canvas.scene import DesignScene
    from designer.ui.canvas.view import DesignView

    state = {"on": False, "n": 0}

    def dump(label: str) -> None:
        if state["on"]:
            state["n"] += 1
            control("-d", f"s{state['n']:02d}_{label}")

    def wrapped(name: str) -> Any:
        found = DesignScene.__dict__.get(name)
        call = getattr(DesignScene, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            dump(f"gap_{name}")
            result = call(*args, **kwargs)
            dump(name)
            return result

        return staticmethod(timed) if isinstance(found, staticmethod) else timed

    for name in CALLS:
        setattr(DesignScene, name, wrapped(name))
    rebuild = DesignScene._rebuild

    def measured(scene: Any) -> None:
        if len(scene.session.design.elements) < BIG:
            rebuild(scene)
            return
        control("-i", "on")
        state["on"] = True
        dump("start")
        rebuild(scene)
        dump("gap_end")
        state["on"] = False

    zoom = DesignView.zoom_to_open

    def zoomed(view: Any) -> None:
        control("-d", "zz_before_zoom")
        zoom(view)
        control("-d", "zz_zoom")

    DesignScene._rebuild = measured  # type: ignore[method-assign, assignment]
    DesignView.zoom_to_open = zoomed  # type: ignore[method-assign, assignment]
    bench_scale._open_window(path)
    control("-d", "zz_to_frame_end")
    control("-i", "off")
    print("FIRST-FRAME", flush=True)
    os._exit(0)  # no teardown of a 100k scene


def _measured(label: str) -> bool:
    """A dump of the build's parts or of the opening's end (not the start's)."""
    return re.match(r"s\d+_|zz_", label) is not None


def _run(tree: Path, path: Path, python: str) -> dict[str, int]:
    counts, out = run_under_callgrind(
        tree,
        str(Path(__file__).resolve()),
        [str(path)],
        _measured,
        python=python,
        prefix="callgrind-build-",
        env={"QT_QPA_PLATFORM": "offscreen"},
        separate_threads=True,  # the UI thread's dumps (its reading threads' apart)
    )
    if "FIRST-FRAME" not in out:
        raise SystemExit(f"the child under valgrind did not reach the first frame for {tree}")
    return counts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        _child(Path(args[1]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", type=Path, help="a checkout (repeatable)")
    parser.add_argument("--file", type=Path, default=DESIGN, help="the design opened")
    parser.add_argument("--python", default=sys.executable, help="the interpreter run")
    options = parser.parse_args(args)
    trees = options.tree or [Path.cwd()]
    results = [(tree, _run(tree, options.file, options.python)) for tree in trees]
    labels = sorted({label for _, counts in results for label in counts})
    print(f"{options.file}: the UI thread, millions of instructions")
    print(f"{'part':32}" + "".join(f"{tree.resolve().name[-14:]:>16}" for tree, _ in results))
    for label in labels:
        row = "".join(f"{counts.get(label, 0) / 1e6:16.2f}" for _, counts in results)
        print(f"{label:32}{row}")
    build = [sum(v for k, v in c.items() if k.startswith("s")) for _, c in results]
    print(f"{'the build (every s* dump)':32}" + "".join(f"{b / 1e6:16.2f}" for b in build))
    for (tree, _), total in zip(results[1:], build[1:], strict=True):
        print(f"  {tree}: the build {total / build[0] - 1:+.1%} against {trees[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
