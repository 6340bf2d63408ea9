"""The UI thread's side of opening a design (issue 10: opening 100k to the first frame),
stage by stage, in callgrind instructions, for any tree.

Runs one process per tree under ``valgrind --tool=callgrind --instr-atstart=no
--separate-threads=yes``: it opens the design (``--file``, default the 100k bench design)
the way ``bench_scale.py --parts open`` does (``bench_scale._open_window``: the byte
check's child, ``designer.ui.app.open_window``, the first-paint watch on the canvas
viewport, ``bench_scale._watch_canvas``), switches the instrumentation on as
``MainWindow()`` starts and dumps the counters (``callgrind_control -d STAGE``) at each
stage's end, until the first frame showing the design has ended:

* ``window``          ``MainWindow()``;
* ``show``            ``window.show()``;
* ``show_to_load``    the show's end to the end of ``load_with_stamp`` (the reading:
                      validate_json and the structure check; not in the total below);
* ``before_rebuild``  the load's end to the scene's build (the Document's load);
* ``rebuild``         the scene's build (``DesignScene._rebuild``);
* ``before_zoom``     the build's end to ``DesignView.zoom_to_open``;
* ``zoom``            ``zoom_to_open``;
* ``before_paint``    the zoom's end to the first paint of the canvas viewport showing
                      the design (the event loop: Qt painting the window's other widgets,
                      zero-delay callbacks);
* ``paint``           that paint (the watch sees it first) to ``DesignView.paintEvent``'s
                      return;
* ``frame_end``       the paint's return to the watch's zero-delay timer (the rest of
                      the frame: the backing store's flush);
* ``late_timers``     apart, in no stage: the callbacks of timers with a delay that fire
                      before the first paint only because callgrind runs the window ~50
                      times slower (the level of detail's 60 ms, the Overview's render:
                      natively they come after it; :data:`LATE_TIMERS`).

Only the UI thread's counts are read (the dumps' ``-01`` files: thread 1); the file's
read-ahead and digest threads are other threads, the byte check another process. Prints
each stage in millions of instructions, the total without ``show_to_load`` (``UI
thread``) and, with several trees, each stage against the first tree's::

    python benchmarks/callgrind_window.py --tree /tmp/base23 --tree .
    python benchmarks/callgrind_window.py --tree . --skip-load        # faster: the
        # reading's stage is not counted (instrumentation off during it)
    python benchmarks/callgrind_window.py --tree . --keep /tmp/cgw    # for
        # callgrind_annotate /tmp/cgw/TREE/cg.out.PID.N-01 (N: the stage's dump number)

Each child imports its tree's ``designer`` (first on ``sys.path``) with this checkout's
``bench_scale`` (so that every tree is opened by the same door), in a fresh home (no
settings, recent files or recovery offer), ``QT_QPA_PLATFORM=offscreen``,
``PYTHONHASHSEED`` 0. A 100k opening takes ~4–8 minutes per tree on a loaded machine
(~2 with ``--skip-load``). The dumps happen inside ``callgrind_control``'s wait: part of
its ``subprocess.run`` (~1 M) is counted in the stages on each side, the same in every tree.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from _callgrind import (  # a sibling module: see its docstring
    control,
    dump_counts,
    fresh_home_env,
    run_under_callgrind,
)

STAGES = (
    "window",
    "show",
    "show_to_load",
    "before_rebuild",
    "rebuild",
    "before_zoom",
    "zoom",
    "before_paint",
    "paint",
    "frame_end",
)
#: The stages of the UI thread's own work (the reading is ``callgrind_open.py``'s).
UI_STAGES = tuple(s for s in STAGES if s != "show_to_load")
DEFAULT_FILE = Path("/tmp/dr-designer-bench-scale/design-100k-seed0-v7.json")
#: The label of the timers' callbacks counted apart (see :data:`LATE_TIMERS`).
LATE = "late_timers"
#: The callbacks of timers with a delay (the level of detail's 60 ms after a zoom or a
#: scroll, the Overview's render 30-500 ms after a change) that fire before the first
#: paint under callgrind only: natively the paint comes first (checked at 100k; a small
#: design's opening can run them before its first paint natively too). Counted apart
#: (``late_timers``), in no stage.
LATE_TIMERS = (
    ("designer.ui.canvas.view.DesignView", "_apply_detail"),
    ("designer.ui.panels.overview.OverviewPanel", "_render_when_idle"),
)

__all__ = ["LATE", "STAGES", "UI_STAGES", "main", "measure", "ui_thread_counts"]


# -- the child: runs under valgrind ------------------------------------------------------------


class _Stages:
    """The stages in their order: :meth:`end` dumps a stage's counters only when it is the
    next one (a hook that runs again later, or too early, changes nothing)."""

    def __init__(self, skip_load: bool) -> None:
        self.done = 0
        self.skip_load = skip_load

    @property
    def next(self) -> str | None:
        return STAGES[self.done] if self.done < len(STAGES) else None

    def start(self) -> None:
        control("-i", "on")

    def end(self, stage: str) -> None:
        if stage != self.next:
            return
        self.done += 1
        if stage == "show_to_load" and self.skip_load:
            control("-i", "on")  # switched off as the reading began: nothing to dump
            control("-d", stage)
            return
        control("-d", stage)  # the counters since the last dump (and zeroes them)
        if stage == "show" and self.skip_load:
            control("-i", "off")
        if self.next is None:
            control("-i", "off")

    def aside(self, fn: Any) -> Any:
        """``fn`` counted apart (``late_timers``) when the event loop calls it during
        the stages before the first paint's end (what the stage had counted by then is
        dumped first, under the stage's label)."""

        def counted(*args: Any, **kwargs: Any) -> Any:
            stage = self.next
            from_loop = sys._getframe(1).f_code.co_name == "run_until"
            if not from_loop or stage not in ("before_paint", "paint"):
                return fn(*args, **kwargs)
            control("-d", stage)
            try:
                return fn(*args, **kwargs)
            finally:
                control("-d", LATE)

        return counted


def _child(path: Path, skip_load: bool) -> None:
    import bench_scale  # this checkout's (the script's folder is first on sys.path)

    from designer.ui import main_window
    from designer.ui.canvas.scene import DesignScene
    from designer.ui.canvas.view import DesignView

    stages = _Stages(skip_load)

    def wrap(owner: Any, name: str, before: str | None, after: str | None) -> None:
        real = getattr(owner, name)

        def hooked(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                stages.end(before)
            result = real(*args, **kwargs)
            if after is not None:
                stages.end(after)
            return result

        setattr(owner, name, hooked)

    window_init = main_window.MainWindow.__init__

    def init(window: Any, *args: Any, **kwargs: Any) -> None:
        if stages.done == 0:
            stages.start()
        window_init(window, *args, **kwargs)
        stages.end("window")

    main_window.MainWindow.__init__ = init  # type: ignore[method-assign]
    wrap(main_window.MainWindow, "show", None, "show")
    wrap(main_window, "load_with_stamp", None, "show_to_load")
    wrap(DesignScene, "_rebuild", "before_rebuild", "rebuild")
    wrap(DesignView, "zoom_to_open", "before_zoom", "zoom")
    wrap(DesignView, "paintEvent", None, "paint")
    # Timers that fire before the first paint only because callgrind runs the window ~50
    # times slower (natively they come after it): counted apart.
    for owner, name in LATE_TIMERS:
        module, _, cls = owner.rpartition(".")
        klass = getattr(importlib.import_module(module), cls)
        setattr(klass, name, stages.aside(getattr(klass, name)))

    tools = bench_scale._qt_tools()
    watch_class = tools["FirstPaint"]

    class Watch(watch_class):  # type: ignore[misc, valid-type]
        """The benchmark's first-paint watch, ending the stages around the paint."""

        def eventFilter(self, obj: Any, event: Any) -> bool:
            was = self.pending
            result = super().eventFilter(obj, event)
            if self.pending and not was and not self.ends:
                stages.end("before_paint")
            return bool(result)

        def poll(self) -> bool:
            if self.pending and not self.ends:
                stages.end("frame_end")
            return bool(super().poll())

    bench_scale._qt_tools = lambda: {**tools, "FirstPaint": Watch}
    bench_scale._open_window(path)
    if stages.next is not None:
        print(f"the opening ended before the stage {stages.next!r}", file=sys.stderr)
        os._exit(4)
    print("FIRST-FRAME", flush=True)
    os._exit(0)  # the measurement is over: no teardown of a 100k scene


# -- the parent ---------------------------------------------------------------------------------


def _env(tree: Path, home: Path) -> dict[str, str | None]:
    """The child's environment over this one's (``None``: removed)."""
    return {
        **fresh_home_env(home),  # fresh settings: no recovery offer, no restored state
        "BENCH_SCALE_TREE": str(tree),  # bench_scale puts it first on sys.path
    }


def ui_thread_counts(folder: Path) -> dict[str, int]:
    """The UI thread's instructions by stage from the dumps in ``folder`` (thread 1's
    files only; a stage cut by late timers: its parts summed; ``late_timers`` 0 if none)."""
    counts = dump_counts(folder, (*STAGES, LATE), main_thread_only=True)
    counts.setdefault(LATE, 0)
    return counts


def measure(
    tree: Path, file: Path, python: str, *, skip_load: bool, keep: Path | None
) -> dict[str, int]:
    """One tree's child under callgrind: the UI thread's instructions of each stage."""
    home = Path(tempfile.mkdtemp(prefix="callgrind-window-home-"))
    try:
        counts, out = run_under_callgrind(
            tree,
            str(Path(__file__).resolve()),
            ["--file", str(file), *(["--skip-load"] if skip_load else [])],
            (*STAGES, LATE),
            python=python,
            prefix="callgrind-window-",
            env=_env(tree, home),
            keep=keep,
            separate_threads=True,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if "FIRST-FRAME" not in out:
        raise SystemExit(f"the child under valgrind did not reach the first frame for {tree}")
    counts.setdefault(LATE, 0)
    missing = [s for s in STAGES if s not in counts]
    if missing:
        raise SystemExit(f"no dump for {missing} from {tree}: is callgrind_control working?")
    return counts


def _print(tree: Path, counts: dict[str, int], base: dict[str, int] | None) -> None:
    print(f"\n{tree}:")
    rows = [*STAGES, "UI thread", LATE]
    total = sum(counts[s] for s in UI_STAGES)
    base_total = sum(base[s] for s in UI_STAGES) if base else 0
    for stage in rows:
        value = total if stage == "UI thread" else counts[stage]
        line = f"  {stage:<16}{value / 1e6:12,.1f} M"
        if base is not None:
            was = base_total if stage == "UI thread" else base[stage]
            if was:
                line += f"   {value / was - 1:+7.1%}  ({(value - was) / 1e6:+,.1f} M)"
        print(line)
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="a design file")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--skip-load", action="store_true", help="do not count the reading (show_to_load)"
    )
    parser.add_argument("--keep", type=Path, help="copy the callgrind dumps to DIR/TREE_NAME")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.file, args.skip_load)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind and callgrind_control are needed (apt-get install valgrind)")
        return 2
    trees = [t.resolve() for t in args.tree or [Path(__file__).resolve().parents[1]]]
    file = args.file.resolve()
    print(f"{file} ({file.stat().st_size / 1e6:.1f} MB); stages against the first tree")
    base: dict[str, int] | None = None
    for tree in trees:
        counts = measure(tree, file, args.python, skip_load=args.skip_load, keep=args.keep)
        _print(tree, counts, base)
        base = base or counts
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
