"""The UI-thread turns of a big design's Inspector, Find and File > New (wave 30,
`inspector30`).

usage: QT_QPA_PLATFORM=offscreen python benchmarks/probe_inspector_turns.py
        [DESIGN.json] [--tree OTHER_CHECKOUT] [--parts early-find,find,dag,edit,new]

The design (default: ``bench_scale.py``'s generated 100k file) is opened as
``bench_scale.py`` opens it (``dr-designer gui FILE``'s way, the byte-check child
included); then, with a 5 ms timer on the UI thread noting the most UI-thread CPU
between two of its ticks (the longest turn's own work; on a loaded machine the wall
clock waits for a core):

* ``early-find``: Ctrl+F one second after the first frame (the find box's names may
  still be being made in the idle slices: then made at once);
* ``find``: once settled, Ctrl+F, then "DAG0" typed a key at a time (each key's turn:
  the completer filters the names and its popup shows them), then Escape;
* ``dag``: the first DAG selected (its form built), a second DAG (the form kept and
  refilled for it), the first again;
* ``kinds``: the first element of each kind selected, nothing, then it again (its
  form built, then kept and reused);
* ``edit``: with the DAG shown, one of its members renamed, then the rename undone
  (each refills the Members list's names and the form's fields);
* ``new``: File > New (the design not dirty), and the turns after it until the old
  design is let go of (``EditorSession.letting_go``, where the tree has it), with the
  UI CPU of its parts (the scene's rebuild and its ``clear()``, the document's load, the
  session's ``replace_design``).

Each line: the action's own UI CPU (the call), the worst turn's UI CPU from the action
until 1.5 s after it settled, the worst gap of the 5 ms timer (wall clock), the load.
Run base and yours in the same minutes, interleaved (``--tree``); run it from the newer
checkout, in a fresh home (a recovery offer would wait forever offscreen).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DESIGN = Path(os.environ.get("TMPDIR", "/tmp")) / "dr-designer-bench-scale"
PARTS = ("early-find", "find", "dag", "edit", "new")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("design", type=Path, nargs="?", default=None)
    parser.add_argument("--tree", type=Path, default=None, help="another checkout")
    parser.add_argument("--parts", default=",".join(PARTS))
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tree = (args.tree or ROOT).resolve()
    sys.path.insert(0, str(tree))
    sys.argv = sys.argv[:1]
    from benchmarks import bench_scale

    design_path = args.design or DESIGN / "design-100k-seed0-v7.json"
    tools = bench_scale._qt_tools()
    run_until: Callable[[Callable[[], bool], float], bool] = tools["run_until"]
    _app, window, _first = bench_scale._open_window(design_path)
    window.resize(1600, 1000)
    window.maybe_save = lambda: True  # (File > New asks nothing of a probe)
    session = window.session
    ticker = tools["Ticker"]()
    print(f"# {design_path.name}, tree {tree}, load {os.getloadavg()}", flush=True)

    def settled() -> bool:
        return (
            session.findings_revision == session.document.revision
            and not getattr(session, "preparing_edits", False)
            and not getattr(session, "holding", False)
        )

    def measure(
        name: str,
        action: Callable[[], object],
        after: float = 1.5,
        until: Callable[[], bool] | None = None,
    ) -> None:
        ticker.start()
        cpu = time.thread_time()
        action()
        own = (time.thread_time() - cpu) * 1000
        if until is not None:
            run_until(until, 600)
        run_until(lambda: False, after)
        gap = ticker.stop()
        print(
            f"{name:<14} call {own:7.1f} ms   worst turn {ticker.cpu_worst:7.1f} ms CPU   "
            f"gap {gap:7.1f} ms wall   load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

    if "early-find" in parts:
        run_until(lambda: False, 1.0)
        measure("early Ctrl+F", window.act_find.trigger, after=1.0)
        window.find_edit.clear()
        window.view.setFocus()
    run_until(settled, 900)
    from designer.ui import slices

    run_until(lambda: not slices.shared().running(window._find_job_key), 120)
    run_until(lambda: False, 2.0)
    dags = [e for e in session.design.elements if e.kind == "dag"]
    if "find" in parts:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        measure("Ctrl+F", window.act_find.trigger)
        for key in "DAG0":
            measure(f"key {key}", lambda key=key: QTest.keyClick(window.find_edit, key), 0.5)
        popup = window.find_edit.completer().popup()
        measure("Escape", lambda: QTest.keyClick(popup, Qt.Key.Key_Escape), 0.3)
        window.find_edit.clear()
        window.view.setFocus()
        run_until(lambda: False, 0.5)
    if "dag" in parts:
        measure("DAG shown", lambda: session.set_selection([dags[0].id]))
        if len(dags) > 1:
            measure("another DAG", lambda: session.set_selection([dags[1].id]))
            measure("the first again", lambda: session.set_selection([dags[0].id]))
    if "kinds" in parts:
        seen: dict[str, str] = {}
        for element in session.design.elements:
            seen.setdefault(element.kind, element.id)
        for kind, element_id in seen.items():
            measure(kind, lambda element_id=element_id: session.set_selection([element_id]))
            measure(f"{kind}, again", lambda: session.set_selection([]), 0.3)
            measure(
                f"{kind}, 2nd", lambda element_id=element_id: session.set_selection([element_id])
            )
    if "edit" in parts:
        from designer.document import SetProperty

        session.set_selection([dags[0].id])
        run_until(lambda: False, 0.5)
        vm = session.document.get(dags[0].members[0])
        rename = SetProperty(vm.id, "name", vm.name + "-x")
        measure("member renamed", lambda: session.push(rename), until=settled)
        measure("its undo", session.undo_stack.undo, until=settled)
    if "new" in parts:
        timings = _time_new_parts()
        steps = _time_slices_steps()
        measure("File > New", window.new_design, after=0.0)

        def let_go() -> bool:
            return getattr(session, "letting_go", 0) == 0 and not slices.shared().running(
                (id(session), "let go")
            )

        measure("after it", lambda: None, after=0.1, until=let_go)
        print("  its parts (UI CPU, ms):", {k: round(v, 1) for k, v in timings.items()})
        print("  idle slices' worst step (UI CPU, ms):", {k: round(v, 1) for k, v in steps.items()})
    os._exit(0)  # (as bench_scale's children: the window's teardown is not measured)


def _time_slices_steps() -> dict[str, float]:
    """The worst UI CPU of a step of each job of the shared idle slices started from now
    on, by its key's last word."""
    from designer.ui import slices

    worst: dict[str, float] = {}
    start = slices.Slices.start

    def timed_start(self: Any, key: Any, owner: Any, step: Any, **options: Any) -> None:
        words = [part for part in key if isinstance(part, str)] if isinstance(key, tuple) else []
        name = words[-1] if words else str(key)

        def timed(deadline: float) -> bool:
            cpu = time.thread_time()
            try:
                return bool(step(deadline))
            finally:
                own = (time.thread_time() - cpu) * 1000
                worst[name] = max(worst.get(name, 0.0), own)

        start(self, key, owner, timed, **options)

    slices.Slices.start = timed_start  # type: ignore[method-assign]
    return worst


def _time_new_parts() -> dict[str, float]:
    """The UI CPU of File > New's parts, summed per part as they run."""
    from PySide6.QtWidgets import QGraphicsScene

    from designer.document.document import Document
    from designer.ui import session as session_module
    from designer.ui.canvas.scene import DesignScene

    timings: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            cpu = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + (time.thread_time() - cpu) * 1000

        return run

    DesignScene.clear = timed("scene clear()", QGraphicsScene.clear)  # type: ignore[method-assign]
    DesignScene._rebuild = timed("scene rebuild", DesignScene._rebuild)  # type: ignore[method-assign]
    Document._load = timed("document load", Document._load)  # type: ignore[method-assign]
    editor_session = session_module.EditorSession
    editor_session.replace_design = timed(  # type: ignore[method-assign]
        "replace_design", editor_session.replace_design
    )
    return timings


if __name__ == "__main__":
    sys.exit(main())
