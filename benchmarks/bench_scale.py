"""Size sweep (issue 10): every step's time against design size, its floor and growth.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_scale.py
        [--sizes 1k 10k 25k 50k 100k] [--repeat 5] [--opens 3]
        [--parts core open window (also: mode idle select save groups)]
        [--idle-seconds 60] [--json out.json] [--plot out.png] [--tree OTHER_CHECKOUT]
        [--no-size-limit] [--report earlier.json]

For each size a generated design (``benchmarks.generate``, seed 0) is saved to a file
(cached in the temp folder), then measured in child processes so that every start is
cold and one size cannot warm the next (the package's modules compiled first, as pip
does when it installs the wheel: ``PYTHONDONTWRITEBYTECODE`` is dropped for them):

* **core** (headless, CPU time, best of ``--repeat``): ``json.loads`` of the file (the
  floor of the steps that read it), ``designer.persistence.load``, the rule check, the
  simulator's preparation, a site failure and the N-1 sweep;
* **open** (wall time, median of ``--opens`` fresh processes): from starting the
  process to the end of the window's first painted frame showing the design, the way
  ``dr-designer gui FILE`` opens it (``designer.ui.app.open_window``); its floor is
  ``2 × json.loads`` of the file plus the import floor (a process that imports PySide6
  and pydantic and creates the QApplication, median of as many runs);
* **mode** (``--opens`` processes per size, the window opened the same way and
  settled: checked, simulation mode built, its lines routed): the idle floor, then
  3,000 findings arriving and entering simulation mode, as at the end of **window**;
* **idle** (``--opens`` processes per size, the window opened the same way and left
  alone for ``--idle-seconds``): the idle event loop's worst lateness over that time
  and after the findings arrived, and when the findings, the lookups of edits and the
  lines' routes were ready;
* **select** (``--opens`` processes per size, the window opened the same way and
  settled: checked, every box built and every line routed): Ctrl+A then Escape sent to
  the canvas; each key event's CPU time, then until the lines it shows or hides are
  routed, drawn or gone, the worst event-loop stall and the UI thread's CPU time;
* **save** (one process per size): the CPU time of ``designer.persistence.dumps``
  (best of ``--repeat``) against its floor, ``json.dumps`` of the same dict with the
  file's options (``sort_keys``, ``indent=2``; the dict made beforehand); then, in the
  window opened the same way and settled, File > Save As to a new file ``--repeat``
  times (``MainWindow.save_to``): the worst lateness of a 5 ms timer of the UI thread
  during and right after each save (the window's longest turn: the whole save when it
  runs on the UI thread), the save's wall time, and whether the file written is byte
  for byte the generated file (it is canonical: 1.0);
* **groups** (one process per size, the window opened the same way and settled): the
  edits of many elements at once (:data:`GROUP_EDITS`: a host with its VMs, a DAG with
  its databases, 50 VMs, a site, a pasted host, a site's and a DAG's field, Replace in
  Names of the first site's name in every name), each with its undo and redo,
  ``--repeat`` times after a warm-up round: the UI thread's CPU time of the edit with
  its handlers, and the worst stall until its findings are shown;
* **window** (one process per size, the window opened through the same door): how
  long after the first frame the findings arrive and the lookups edits use are built
  (in idle time), the first edit after that (a rename), then, after
  one more edit so that undo never returns to the saved state, each edit — rename a
  VM, add one (a palette drop), delete one, move a host, undo, redo — ``--repeat``
  times after a warm-up round: its direct cost (the edit with every
  handler it triggers, synchronous; wall time, and the UI thread's own CPU time,
  which a loaded machine moves far less), the time to the end of the next painted frame,
  and the worst event-loop stall while the live check runs afterwards (a 5 ms timer's
  lateness); 3,000 findings arriving (synthetic, the generated designs are clean);
  entering simulation mode (F5: the worst stall until the simulator is ready).

The edits' floor is the same edit on the smallest size (target ≤ 2×); the stalls' is
an idle event loop's lateness (target ≤ 50 ms, simulation mode ≤ 50 ms at 25k and
≤ 100 ms at 100k). The growth exponent ``k`` is the slope of log(time) against
log(elements) over the sizes (1: linear, 0: independent of size). ``--tree`` runs the
children on another checkout's code (e.g. the main branch, for before/after tables);
``--no-size-limit`` lifts the loader's file-size limit in the children (older code
refused the 100k file). ``--plot`` writes a PNG of time against size (pyqtgraph's
exporter); ``--report RUN.json`` prints and plots an earlier ``--json`` run again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make the checkout importable
    # A child of a --tree run imports that checkout (its PYTHONPATH), not this one: put
    # first, this checkout shadowed it and "before" measured the code of "after".
    sys.path.insert(0, os.environ.get("BENCH_SCALE_TREE") or str(ROOT))
    from _callgrind import environment_with, fresh_home_env  # a sibling module
else:  # imported as ``benchmarks.bench_scale`` (the tests)
    from ._callgrind import environment_with, fresh_home_env

__all__ = ["fit_exponent", "main"]

DEFAULT_SIZES = ["1k", "10k", "25k", "50k", "100k"]
SIZE_WORDS = {"1k": 1_000, "10k": 10_000, "25k": 25_000, "50k": 50_000, "100k": 100_000}
EDITS = ("rename", "undo", "redo", "move", "add", "delete", "undo delete")
STALL_MS = 50.0
TICK_MS = 5


# -- shared helpers ------------------------------------------------------------------------
def fit_exponent(points: Iterable[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x): 1 linear growth, 0 none.

    >>> round(fit_exponent([(1_000, 2.0), (10_000, 20.0), (100_000, 200.0)]), 2)
    1.0
    >>> round(fit_exponent([(1_000, 5.0), (100_000, 5.0)]), 2)
    0.0
    """
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    var = sum((p[0] - mx) ** 2 for p in pts)
    if var == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / var


def _design_file(size: str) -> Path:
    from designer.persistence import CURRENT_SCHEMA_VERSION

    folder = Path(tempfile.gettempdir()) / "dr-designer-bench-scale"
    folder.mkdir(exist_ok=True)
    # The schema version in the name: a file kept from an older version would be
    # migrated on every open, which a design the app has saved never is.
    path = folder / f"design-{size}-seed0-v{CURRENT_SCHEMA_VERSION}.json"
    if not path.exists():
        from benchmarks.generate import generate_design
        from designer.persistence import dumps

        text = dumps(generate_design(SIZE_WORDS.get(size, size), seed=0))  # type: ignore[arg-type]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def _lift_size_limit() -> None:
    import designer.persistence.file_format as file_format

    file_format.MAX_FILE_BYTES = 10**10  # older code refused the 100k file


# -- child: headless steps -----------------------------------------------------------------
def _child_core(path: Path, repeat: int) -> dict[str, Any]:
    import gc

    from designer.domain import ScenarioStep
    from designer.persistence import load
    from designer.rules import check
    from designer.simulation import Simulator, analyze

    raw = path.read_bytes()

    def best(fn: Callable[[], Any], n: int = repeat) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(n):
            gc.collect()
            start = time.process_time()
            result = fn()
            times.append(time.process_time() - start)
        return min(times) * 1000, result

    out: dict[str, Any] = {"bytes": len(raw)}
    out["json.loads"], _ = best(lambda: json.loads(raw))
    out["load"], design = best(lambda: load(path))
    out["elements"] = len(design.elements)
    out["check"], _ = best(lambda: check(design))
    out["simulator prepare"], sim = best(lambda: Simulator(design), max(1, repeat // 2))
    site = next(e.id for e in design.elements if e.kind == "site")
    out["site failure"], _ = best(
        lambda: sim.run([ScenarioStep(action="fail", target=site)]), repeat
    )
    out["N-1 sweep"], _ = best(lambda: analyze(sim), 1)
    return out


# -- child: the window -----------------------------------------------------------------------
def _qt_tools() -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        """When paints of the canvas viewport showing a design end: the paint runs as
        usual, and a zero-delay timer started as it begins (the first of the viewport's
        event filters sees the paint before anything else does: see
        :func:`_watch_canvas`) notes the time as soon as the paint has returned to the
        event loop, before whatever the window itself started then; :meth:`poll`
        (``run_until``'s condition) says whether one has ended."""

        def __init__(self) -> None:
            super().__init__()
            self.ends: list[float] = []
            self.pending = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() != QEvent.Type.Paint:
                return False
            view = obj.parent()
            if type(view).__name__ != "DesignView":
                return False
            session = getattr(view, "session", None)
            if session is not None and len(session.design.elements) and not self.pending:
                self.pending = True
                QTimer.singleShot(0, self.poll)
            return False

        def poll(self) -> bool:
            if self.pending:
                self.pending = False
                self.ends.append(time.perf_counter())
            return bool(self.ends)

    class Ticker(QObject):
        """A 5 ms timer on the UI thread: the worst lateness between its ticks."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(TICK_MS)
            self.timer.timeout.connect(self._tick)
            self.clock = QElapsedTimer()
            self.worst = 0.0
            self.last = 0.0
            #: The most UI-thread CPU time between two ticks (the longest turns' own
            #: work, robust to a loaded machine), ms.
            self.cpu_worst = 0.0
            self.cpu_last = 0.0

        def start(self) -> None:
            self.worst = 0.0
            self.cpu_worst = 0.0
            self.clock.start()
            self.last = 0.0
            self.cpu_last = time.thread_time()
            self.timer.start()

        def _tick(self) -> None:
            now = self.clock.nsecsElapsed() / 1e6
            self.worst = max(self.worst, now - self.last - TICK_MS)
            self.last = now
            cpu = time.thread_time()
            self.cpu_worst = max(self.cpu_worst, (cpu - self.cpu_last) * 1000)
            self.cpu_last = cpu

        def stop(self) -> float:
            self._tick()
            self.timer.stop()
            return max(self.worst, 0.0)

    def run_until(cond: Callable[[], bool], timeout_s: float) -> bool:
        if cond():
            return True
        loop = QEventLoop()
        deadline = time.perf_counter() + timeout_s
        poll = QTimer()
        poll.setInterval(1)

        def check() -> None:
            if cond() or time.perf_counter() > deadline:
                loop.quit()

        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()
        return cond()

    return {
        "FirstPaint": FirstPaint,
        "Ticker": Ticker,
        "run_until": run_until,
        "QApplication": QApplication,
    }


def _open_window(path: Path) -> tuple[Any, Any, Any]:
    """The window as ``dr-designer gui FILE`` opens it, and the end of its first frame.

    As the command does before it imports the window (``designer.entry``), a big file's
    keys are counted by a child process (``designer.bytecheck``, wave 19; a tree without
    it opens as it did)."""
    import designer

    # Its own file in the tree's package (an editable install of another tree could
    # answer the import otherwise).
    if (Path(designer.__file__).parent / "bytecheck.py").is_file():
        from designer import bytecheck

        bytecheck.start(path)
    _code_cache_block()
    tools = _qt_tools()
    app = tools["QApplication"].instance() or tools["QApplication"](sys.argv[:1])
    from PySide6.QtWidgets import QMessageBox

    from designer.ui.app import apply_runtime_settings, open_window

    def refuse(_parent: object, title: str, text: str, *_: object, **__: object) -> None:
        print(f"{title}: {text}", file=sys.stderr, flush=True)
        os._exit(3)  # a modal box would wait forever offscreen

    QMessageBox.critical = refuse  # type: ignore[method-assign, assignment]

    apply_runtime_settings()
    watch = tools["FirstPaint"]()
    with _watch_canvas(watch):
        window: Any = open_window(str(path))
    # First again among the viewport's filters (Qt runs the one installed last first):
    # the window installs its own after-the-first-paint filters there as it opens.
    viewport = window.view.viewport()
    viewport.installEventFilter(watch)
    tools["run_until"](watch.poll, 600)
    viewport.removeEventFilter(watch)
    return app, window, watch.ends[0]


#: The command's code-cache block, entered and never left (as the window's process ends
#: inside it): see :func:`_code_cache_block`.
_BLOCK: list[Any] = []


def _code_cache_block() -> None:
    """The code cache's block the command runs the window in (``designer.entry``:
    ``compiled_dataclasses("gui")``, wave 8): the dataclasses' methods and named tuples
    of the window's modules come from the cache folder's ``gui`` file when it has them
    (``$DR_DESIGNER_CACHE_DIR``; a fresh home's cache folder is empty). Before wave 24
    (``open24a``) the benchmark opened the window outside it: the same compiling as the
    command then, whose block was never saved. Entered once per process, never left
    (the command's process ends inside it); a tree without the module opens as before."""
    import designer

    if _BLOCK or not (Path(designer.__file__).parent / "codecache.py").is_file():
        return
    from designer.codecache import compiled_dataclasses

    block = compiled_dataclasses("gui")
    block.__enter__()
    _BLOCK.append(block)


@contextlib.contextmanager
def _watch_canvas(watch: Any) -> Iterator[None]:
    """``watch`` filters the events of each canvas viewport made meanwhile (from its
    view's construction). Not an application-wide filter (wave 19's): that one ran a
    Python call for every event of every widget of the window's start (~60 M
    instructions of a 100k opening, which the floor does not pay); the paint it
    watches for is the viewport's own, seen first all the same (wave 20, ``open20a``,
    docs/performance.md)."""
    from designer.ui.canvas.view import DesignView

    made = DesignView.__init__

    def init(view: Any, *args: Any, **kwargs: Any) -> None:
        made(view, *args, **kwargs)
        view.viewport().installEventFilter(watch)

    DesignView.__init__ = init  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        DesignView.__init__ = made  # type: ignore[method-assign]


def _child_open(path: Path) -> None:
    _open_window(path)
    print("FIRST-FRAME", flush=True)
    os._exit(0)  # the measurement is over: no teardown of a 100k scene


def _child_floor() -> None:
    import pydantic  # noqa: F401  # the model's library: the window cannot start without it
    from PySide6.QtWidgets import QApplication

    QApplication(sys.argv[:1])
    print("IMPORTED", flush=True)
    os._exit(0)


def _child_window(path: Path, repeat: int) -> dict[str, Any]:
    from PySide6.QtCore import QPointF

    from designer.document import MoveElements, RemoveElements, SetProperty

    tools = _qt_tools()
    run_until = tools["run_until"]
    start = time.perf_counter()
    _app, window, first_frame = _open_window(path)
    out: dict[str, Any] = {"open in process": (first_frame - start) * 1000}
    session = window.session
    view = window.view
    paints = tools["FirstPaint"]()
    view.viewport().installEventFilter(paints)
    ticker = tools["Ticker"]()

    def settled() -> bool:
        return session.findings_revision == session.document.revision

    def prepared() -> bool:  # the lookups edits use, built in idle time after opening
        return settled() and not getattr(session, "preparing_edits", False)

    run_until(settled, 600)
    out["findings after the first frame"] = (time.perf_counter() - first_frame) * 1000
    run_until(prepared, 600)
    out["edits prepared after the first frame"] = (time.perf_counter() - first_frame) * 1000
    run_until(lambda: False, 0.3)
    # Idle floor: the ticker's lateness with nothing to do.
    ticker.start()
    run_until(lambda: False, 1.0)
    out["idle stall"] = ticker.stop()

    design = session.design
    host = next(e for e in design.elements if e.kind == "esxi_host")
    vm = next(e for e in design.elements if e.kind == "vm" and getattr(e, "host", "") == host.id)
    entry = design.layout[host.id]
    editor = getattr(view, "editor", view)
    into_host = QPointF(entry.x + (entry.w or 180) / 2, entry.y + (entry.h or 110) / 2)
    view.centerOn(into_host)
    run_until(lambda: False, 0.2)

    def timed(action: Callable[[], object]) -> tuple[float, float, float, float]:
        paints.ends.clear()
        paints.pending = False
        t0 = time.perf_counter()
        c0 = time.thread_time()
        action()
        direct = (time.perf_counter() - t0) * 1000
        cpu = (time.thread_time() - c0) * 1000  # the UI thread's own: robust to load
        run_until(paints.poll, 1.0)
        frame = ((paints.ends[0] if paints.ends else time.perf_counter()) - t0) * 1000
        ticker.start()
        run_until(settled, 600)
        run_until(lambda: False, 0.15)
        return direct, frame, ticker.stop(), cpu

    stack = session.undo_stack
    steps: list[tuple[str, Callable[[], object]]] = [
        ("rename", lambda: session.push(SetProperty(vm.id, "name", vm.name + "-x"))),
        ("undo", stack.undo),
        ("redo", stack.redo),
        ("undo", stack.undo),
        (
            "move",
            lambda: session.push(
                MoveElements({host.id: entry.model_copy(update={"x": entry.x + 20})})
            ),
        ),
        ("undo", stack.undo),
        ("add", lambda: editor.add_element_at("vm", into_host)),
        ("undo", stack.undo),
        ("delete", lambda: session.push(RemoveElements([vm.id]))),
        ("undo delete", stack.undo),
    ]
    samples: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in EDITS}
    first_rename = timed(steps[0][1])
    stack.undo()
    run_until(settled, 600)
    # The timed edits follow an edit of another VM, as in a working session: undoing
    # them never returns to the saved state, whose first edit after it restarts the
    # recovery journal (a pass over every element; "first rename" above pays it).
    other = next(e for e in design.elements if e.kind == "vm" and e.id != vm.id)
    session.push(SetProperty(other.id, "name", other.name + "-w"))
    run_until(settled, 600)
    run_until(lambda: False, 0.3)
    for round_ in range(repeat + 1):
        for name, action in steps:
            sample = timed(action)
            if round_:  # the first round warms what an edit builds once
                samples[name].append(sample)
    out["first rename"] = first_rename[0]
    out["first rename: cpu"] = first_rename[3]
    for name, values in samples.items():
        out[f"{name}: direct"] = statistics.median(v[0] for v in values)
        out[f"{name}: cpu"] = statistics.median(v[3] for v in values)
        out[f"{name}: frame"] = statistics.median(v[1] for v in values)
        out[f"{name}: stall"] = max(v[2] for v in values)

    _findings_and_f5(window, ticker, run_until, out)
    stack.setClean()
    sys.stdout.flush()
    return out


#: The edits of many elements at once (``--parts groups``), each followed by its undo
#: and redo: a host with its VMs, a DAG with its databases, ~50 VMs across the design,
#: a site with everything in it, a copied host pasted, a site renamed (every label
#: under it), a DAG's Inspector field (its copies' findings), Edit > Replace in Names
#: of the first site's name in every name (a site's worth: 96 names at 1k, 2,253 at
#: 100k; through the dialog: typed, its preview planned, Replace All clicked).
GROUP_EDITS = (
    "rename site",
    "DAG field",
    "delete host",
    "delete DAG",
    "delete 50 VMs",
    "paste host",
    "replace in names",
    "delete site",
)


def _child_groups(path: Path, repeat: int) -> dict[str, Any]:
    """The window opened and settled; each of :data:`GROUP_EDITS`, its undo and its
    redo (then undone), ``repeat`` times after a warm-up round: the UI thread's CPU
    time of the edit with every handler it triggers (``: cpu``; at 1k the live check
    runs in it, synchronously), and the worst event-loop stall until the re-check's
    findings are shown (``: stall``)."""
    from PySide6.QtCore import QPointF, Qt, QTimer

    from designer.document import RemoveElements, SetProperty
    from designer.document.renaming import NameQuery

    tools = _qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = _open_window(path)
    session = window.session
    view = window.view
    ticker = tools["Ticker"]()

    def settled() -> bool:
        return session.findings_revision == session.document.revision

    run_until(settled, 600)
    run_until(lambda: settled() and not getattr(session, "preparing_edits", False), 600)
    run_until(lambda: False, 0.3)
    design = session.design
    elements = design.elements
    site = next(e for e in elements if e.kind == "site")
    host = next(e for e in elements if e.kind == "esxi_host")
    dag = next(e for e in elements if e.kind == "dag")
    vms = [e.id for e in elements if e.kind == "vm"]
    fifty = vms[:: max(1, len(vms) // 50)][:50]
    editor = getattr(view, "editor", view)
    entry = design.layout[host.id]
    spot = QPointF(entry.x + (entry.w or 180) + 400, entry.y)
    stack = session.undo_stack

    def paste() -> None:
        session.set_selection([host.id])
        editor.copy()
        editor.paste(spot)

    # Edit > Replace in Names as a user works it: the dialog open, the find and replace
    # texts typed, its preview planned (at once or in the idle slices, by the tree), then
    # Replace All clicked; the edit is done once that click's renaming is. The dialog
    # stays open for the undo and the redo (it plans again after each), then closes.
    from designer.ui.replace_names import ReplaceNamesDialog

    dialog: Any = ReplaceNamesDialog(session, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    #: What an edit still waits for after its action returned (the dialog's click).
    pending: list[Callable[[], bool]] = []
    polls: list[Any] = []

    def replace_in_names() -> None:
        dialog.show()
        query = NameQuery(site.name, site.name + "R")
        dialog.find_edit.setText("")
        dialog.find_edit.setText(query.find)
        dialog.replace_edit.setText(query.replace)
        clicked: list[bool] = []
        poll = QTimer()
        poll.setInterval(1)

        def ready() -> None:
            plan = dialog.plan
            if (
                dialog._timer.isActive()
                or getattr(dialog, "planning", False)
                or plan is None
                or plan.query != dialog.query()
                or dialog._planned_revision != session.document.revision
            ):
                return
            poll.stop()
            assert plan.ok, plan.summary()
            clicked.append(True)
            dialog.replace_button.click()

        poll.timeout.connect(ready)
        poll.start()
        polls[:] = [poll]
        # Done once clicked and its edit made (a tree that makes it in slices) and run.
        pending.append(lambda: bool(clicked) and not getattr(dialog, "planning", False))

    edits: dict[str, Callable[[], object]] = {
        "rename site": lambda: session.push(SetProperty(site.id, "name", site.name + "X")),
        "DAG field": lambda: session.push(SetProperty(dag.id, "dac_mode", not dag.dac_mode)),
        "delete host": lambda: session.push(RemoveElements([host.id])),
        "delete DAG": lambda: session.push(RemoveElements([dag.id])),
        "delete 50 VMs": lambda: session.push(RemoveElements(fifty)),
        "paste host": paste,
        "replace in names": replace_in_names,
        "delete site": lambda: session.push(RemoveElements([site.id])),
    }

    def timed(action: Callable[[], object]) -> tuple[float, ...]:
        w0 = time.perf_counter()
        c0 = time.thread_time()
        action()
        cpu = (time.thread_time() - c0) * 1000  # the UI thread's own: robust to load
        wall = (time.perf_counter() - w0) * 1000
        ticker.start()
        run_until(lambda: all(p() for p in pending) and not getattr(session, "busy", False), 600)
        pending.clear()
        done = (time.perf_counter() - w0) * 1000
        run_until(settled, 600)
        run_until(lambda: False, 0.15)
        stall = ticker.stop()
        return cpu, stall, max(cpu, ticker.cpu_worst), max(wall, stall), done

    other = next(e for e in elements if e.kind == "vm" and e.id not in fifty)
    session.push(SetProperty(other.id, "name", other.name + "-w"))  # (see _child_window)
    run_until(settled, 600)
    samples: dict[str, list[tuple[float, ...]]] = {}
    only = [n for n in os.environ.get("GROUP_EDITS_ONLY", "").split(",") if n]
    for round_ in range(repeat + 1):
        for name in only or GROUP_EDITS:
            for step, action in (
                (name, edits[name]),
                (f"undo {name}", stack.undo),
                (f"redo {name}", stack.redo),
            ):
                sample = timed(action)
                if round_:  # the first round warms what an edit builds once
                    samples.setdefault(step, []).append(sample)
            timed(stack.undo)
            dialog.hide()
    out: dict[str, Any] = {}
    for step, values in samples.items():
        out[f"{step}: cpu"] = statistics.median(v[0] for v in values)
        out[f"{step}: stall"] = max(v[1] for v in values)
        out[f"{step}: turn cpu"] = max(v[2] for v in values)
        out[f"{step}: turn wall"] = max(v[3] for v in values)
        out[f"{step}: done"] = statistics.median(v[4] for v in values)
    stack.setClean()
    sys.stdout.flush()
    return out


def _findings_and_f5(
    window: Any, ticker: Any, run_until: Callable[..., bool], out: dict[str, Any]
) -> None:
    """3,000 findings arriving (then the same again; synthetic: the designs are clean),
    then entering simulation mode: the worst event-loop stall of each."""
    from designer.rules.engine import CheckResult
    from designer.rules.finding import Finding

    session = window.session
    vms = [e.id for e in session.design.elements if e.kind == "vm"]
    many = [Finding("VS002", f"synthetic finding {i}", (vms[i % len(vms)],)) for i in range(3000)]
    clean = session.findings
    for label in ("3,000 findings arrive", "the same 3,000 again"):
        session.findings = CheckResult(list(many))
        ticker.start()
        t0 = time.perf_counter()
        session.findings_changed.emit()
        direct = (time.perf_counter() - t0) * 1000
        run_until(lambda: False, 1.0)
        out[f"{label}: stall"] = max(direct, ticker.stop())
    session.findings = clean
    session.findings_changed.emit()
    run_until(lambda: False, 0.3)

    # Entering simulation mode.
    controller = window.simulation.controller
    run_until(lambda: False, 0.3)
    ticker.start()
    t0 = time.perf_counter()
    window.simulation.action.trigger()
    out["F5: handler"] = (time.perf_counter() - t0) * 1000
    run_until(lambda: controller.ready, 600)
    run_until(lambda: False, 0.3)
    out["F5: stall"] = max(out["F5: handler"], ticker.stop())
    controller.set_active(False)


def _child_mode(path: Path) -> dict[str, Any]:
    """The window opened, settled; its idle lateness, then findings and F5 only."""
    tools = _qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = _open_window(path)
    session = window.session
    run_until(lambda: session.findings_revision == session.document.revision, 600)
    built = getattr(window, "_simulation", True)  # the mode, built after the first frame
    run_until(lambda: built is True or window._simulation is not None, 60)
    # Settled: the lines are routed too (in slices after opening, for many seconds at
    # 25k; slices of the canvas's, not of what is measured here, and as long as some
    # run they made the idle floor 150–400 ms).
    scene = window.view.design_scene
    run_until(lambda: not getattr(scene, "routing_pending", False), 600)
    run_until(lambda: False, 0.5)
    ticker = tools["Ticker"]()
    ticker.start()
    run_until(lambda: False, 1.0)
    out: dict[str, Any] = {"idle stall": ticker.stop()}
    _findings_and_f5(window, ticker, run_until, out)
    return out


def _child_select(path: Path) -> dict[str, Any]:
    """The window opened and settled (checked, the edits' lookups built, every box
    built and every line routed); then Ctrl+A and Escape sent to the canvas, as the
    user presses them: each key event's CPU time on the UI thread, then until the lines
    it shows or hides are routed, drawn or gone, the worst turn of the event loop (a 5
    ms timer's lateness) and the UI thread's CPU time (paints included)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    tools = _qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = _open_window(path)
    session = window.session
    scene = window.view.design_scene
    run_until(lambda: session.findings_revision == session.document.revision, 1800)
    run_until(lambda: not getattr(session, "preparing_edits", False), 1800)
    scene.finish_build()
    run_until(lambda: not getattr(scene, "routing_pending", False), 1800)
    run_until(lambda: False, 0.5)
    window.view.setFocus()
    viewport = window.view.viewport()
    ticker = tools["Ticker"]()
    out: dict[str, Any] = {}
    keys = (
        ("select all", Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier),
        ("escape", Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    )
    for name, key, modifier in keys:
        start = time.thread_time()
        QTest.keyClick(viewport, key, modifier)
        keyed = time.thread_time()
        ticker.start()
        run_until(lambda: not getattr(scene, "routing_pending", False), 3600)
        run_until(lambda: False, 0.3)
        out[f"{name}: key event cpu"] = (keyed - start) * 1000
        out[f"{name}: worst stall"] = ticker.stop()
        out[f"{name}: cpu until drawn"] = (time.thread_time() - keyed) * 1000
        if name == "select all":
            out["select all: lines"] = float(len(scene.edges))
    return out


def _child_save(path: Path, repeat: int) -> dict[str, Any]:
    """See **save** in the module's docstring."""
    import gc

    from designer.persistence import dumps, load
    from designer.persistence.migrations import CURRENT_SCHEMA_VERSION

    design = load(path)

    def best(fn: Callable[[], Any]) -> float:
        times = []
        for _ in range(repeat):
            gc.collect()
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
        return min(times) * 1000

    out: dict[str, Any] = {"save: dumps (cpu)": best(lambda: dumps(design))}
    envelope = {
        "format": "dr-designer",
        "schema_version": CURRENT_SCHEMA_VERSION,
        "design": design.model_dump(mode="json"),
    }
    out["save: json.dumps floor"] = best(
        lambda: json.dumps(envelope, sort_keys=True, indent=2, ensure_ascii=False)
    )
    tools = _qt_tools()
    run_until = tools["run_until"]
    _app, window, _first = _open_window(path)
    session = window.session
    run_until(lambda: session.findings_revision == session.document.revision, 600)
    run_until(lambda: False, 0.5)
    target = Path(tempfile.mkdtemp(prefix="bench-scale-save-")) / "saved.json"
    ticker = tools["Ticker"]()
    stalls, walls = [], []
    for _ in range(repeat):
        ticker.start()
        run_until(lambda: False, 0.2)
        start = time.perf_counter()
        if not window.save_to(target):
            raise SystemExit("the save failed")
        walls.append((time.perf_counter() - start) * 1000)
        run_until(lambda: False, 0.2)  # a save on the UI thread: the tick comes late now
        stalls.append(ticker.stop())
    out["save: stall"] = statistics.median(stalls)
    out["save: stall (spread)"] = (min(stalls), max(stalls))
    out["save: wall"] = statistics.median(walls)
    out["save: wall (spread)"] = (min(walls), max(walls))
    out["save: same bytes"] = float(target.read_bytes() == path.read_bytes())
    return out


def _child_idle(path: Path, seconds: float) -> dict[str, Any]:
    """The window opened and left alone for ``seconds`` after its first frame: the idle
    event loop's worst lateness (a 5 ms timer's) over that time and after the findings
    arrived, how many of its one-second windows had a turn over 50 ms (of how many: a
    turn of seconds makes a window as long), and when the findings, the
    lookups of edits and the lines' routes were ready (seconds after the first frame;
    ``seconds`` itself if not by then)."""
    tools = _qt_tools()
    run_until = tools["run_until"]
    _app, window, first = _open_window(path)
    session = window.session
    scene = window.view.design_scene
    ticker = tools["Ticker"]()
    marks: dict[str, float] = {}
    worst: list[tuple[float, float]] = []  # (seconds after the first frame, lateness)
    while time.perf_counter() - first < seconds:
        ticker.start()
        run_until(lambda: False, 1.0)
        now = time.perf_counter() - first
        worst.append((now, ticker.stop()))
        if "findings" not in marks and session.findings_revision == session.document.revision:
            marks["findings"] = now
        if "findings" in marks and "prepared" not in marks and not session.preparing_edits:
            marks["prepared"] = now
        if "routed" not in marks and not getattr(scene, "routing_pending", False):
            marks["routed"] = now
    after = [w for t, w in worst if t > marks.get("findings", seconds) + 1.0]
    return {
        f"idle {seconds:.0f} s: worst stall": max(w for _, w in worst),
        "idle after findings: worst stall": max(after, default=0.0),
        "idle: seconds with a stall > 50 ms": float(sum(w > STALL_MS for _, w in worst)),
        "idle: one-second windows measured": float(len(worst)),
        "idle: findings at (s)": marks.get("findings", seconds),
        "idle: edits prepared at (s)": marks.get("prepared", seconds),
        "idle: lines routed at (s)": marks.get("routed", seconds),
    }


# -- parent ------------------------------------------------------------------------------------
def _env(tree: Path | None, lift: bool) -> dict[str, str | None]:
    """What every child's environment adds to this one's (a name given ``None``: removed);
    :func:`_child` puts a fresh home of its own over it."""
    env: dict[str, str | None] = {
        "PYTHONPATH": str(tree or ROOT),
        "BENCH_SCALE_TREE": str(tree or ROOT),
    }
    if lift:
        env["BENCH_SCALE_NO_SIZE_LIMIT"] = "1"
    return env


def _child(args: list[str], env: dict[str, str | None], marker: str | None = None) -> Any:
    """Run this script as a child; with ``marker``, the seconds until it prints it."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    # Each child its own home: a window killed while dirty leaves a recovery copy there,
    # and the next window would offer it in a modal dialog and wait forever.
    home = Path(tempfile.mkdtemp(prefix="bench-scale-home-"))
    environment = environment_with({**fresh_home_env(home), **env})
    start = time.perf_counter()
    with subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            if marker is not None and line.strip() == marker:
                elapsed = time.perf_counter() - start
                process.kill()
                return elapsed * 1000
            output.append(line)
        process.wait()
    if process.returncode:
        raise SystemExit(f"child {args} failed with exit code {process.returncode}")
    return json.loads(output[-1])


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["core", "open", "window"],
        help="also: mode, idle, select, save, groups",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=60.0, help="idle: how long after the first frame"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--tree", type=Path, help="run the children on this checkout's code")
    parser.add_argument("--no-size-limit", action="store_true")
    parser.add_argument(
        "--report", type=Path, help="print (and --plot) the results of an earlier --json run"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import faulthandler
        import signal

        faulthandler.register(signal.SIGUSR1, all_threads=True)  # where a stuck child is
        if os.environ.get("BENCH_SCALE_NO_SIZE_LIMIT"):
            _lift_size_limit()
        part, rest = args.child[0], args.child[1:]
        if part == "floor":
            _child_floor()
        elif part == "open":
            _child_open(Path(rest[0]))
        elif part == "core":
            print(json.dumps(_child_core(Path(rest[0]), int(rest[1]))), flush=True)
        elif part == "mode":
            print(json.dumps(_child_mode(Path(rest[0]))), flush=True)
            os._exit(0)
        elif part == "idle":
            print(json.dumps(_child_idle(Path(rest[0]), float(rest[1]))), flush=True)
            os._exit(0)
        elif part == "save":
            print(json.dumps(_child_save(Path(rest[0]), int(rest[1]))), flush=True)
            os._exit(0)
        elif part == "select":
            print(json.dumps(_child_select(Path(rest[0]))), flush=True)
            os._exit(0)
        elif part == "groups":
            print(json.dumps(_child_groups(Path(rest[0]), int(rest[1]))), flush=True)
            os._exit(0)
        elif part == "window":
            result = _child_window(Path(rest[0]), int(rest[1]))
            print(json.dumps(result), flush=True)
            os._exit(0)
        return 0

    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        sizes = [s for s in args.sizes if s in saved] or list(saved)
        _report(saved, sizes)
        if args.plot:
            _plot(saved, sizes, args.plot)
        return 0
    env = _env(args.tree, args.no_size_limit)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str((args.tree or ROOT) / "designer")],
        env=environment_with({"PYTHONDONTWRITEBYTECODE": None, **env}),
        check=True,
    )
    results: dict[str, dict[str, Any]] = {}
    floors: list[float] = []
    for size in args.sizes:
        path = _design_file(size)
        row: dict[str, Any] = {"file": str(path), "MB": path.stat().st_size / 1e6}
        print(f"# {size}: {row['MB']:.1f} MB", file=sys.stderr, flush=True)
        if "core" in args.parts:
            row.update(_child(["core", str(path), str(args.repeat)], env))
        if "open" in args.parts:
            opens, floor_runs = [], []
            for _ in range(args.opens):
                floor_runs.append(_child(["floor"], env, "IMPORTED"))
                opens.append(_child(["open", str(path)], env, "FIRST-FRAME"))
            floors.extend(floor_runs)
            row["open: first frame"] = statistics.median(opens)
            row["open: first frame (spread)"] = (min(opens), max(opens))
            row["import floor"] = statistics.median(floor_runs)
        if "window" in args.parts:
            row.update(_child(["window", str(path), str(args.repeat)], env))
        if "groups" in args.parts:
            row.update(_child(["groups", str(path), str(args.repeat)], env))
        if "idle" in args.parts:
            idle = ["idle", str(path), str(args.idle_seconds)]
            _medians(row, [_child(idle, env) for _ in range(args.opens)])
        if "mode" in args.parts:
            _medians(row, [_child(["mode", str(path)], env) for _ in range(args.opens)])
        if "save" in args.parts:
            row.update(_child(["save", str(path), str(args.repeat)], env))
        if "select" in args.parts:
            _medians(row, [_child(["select", str(path)], env) for _ in range(args.opens)])
        results[size] = row
    _report(results, args.sizes)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.plot:
        _plot(results, args.sizes, args.plot)
    return 0


def _medians(row: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    """Each figure of ``runs`` (one per process) into ``row``: median and spread."""
    for key in runs[0]:
        values = [r[key] for r in runs]
        row[key] = statistics.median(values)
        row[f"{key} (spread)"] = (min(values), max(values))


def _n(row: dict[str, Any]) -> float:
    return float(row.get("elements") or SIZE_WORDS.get(row.get("size", ""), 0) or 0)


def _report(results: dict[str, dict[str, Any]], sizes: list[str]) -> None:
    first = results[sizes[0]]
    for size in sizes:
        results[size].setdefault("elements", SIZE_WORDS.get(size, 0))
    keys = [k for k in first if isinstance(first[k], int | float) and k not in ("bytes", "MB")]
    keys = [k for k in keys if k != "elements"]
    widths = [30] + [26] * len(sizes) + [7, 10]
    print(_row(["step (ms)", *sizes, "k", "floor"], widths))
    for key in keys:
        cells, points = [key], []
        for size in sizes:
            row = results[size]
            value = row.get(key)
            if not isinstance(value, int | float):
                cells.append("—")
                continue
            floor, _floor_name = _floor(key, row, first)
            ratio = f" ({value / floor:.1f}×)" if floor else ""
            spread = row.get(f"{key} (spread)")
            if isinstance(spread, list | tuple):
                ratio += f" [{spread[0]:,.0f}–{spread[1]:,.0f}]"
            cells.append(f"{value:,.1f}{ratio}")
            points.append((_n(row), value))
        exponent = fit_exponent(points)
        cells.append("—" if exponent is None else f"{exponent:.2f}")
        cells.append(_floor(key, first, first)[1])
        print(_row(cells, widths))


def _floor(key: str, row: dict[str, Any], first: dict[str, Any]) -> tuple[float | None, str]:
    """The floor a step is compared with, and its name."""
    if key in ("load", "check", "simulator prepare", "N-1 sweep"):
        return row.get("json.loads"), "json.loads"
    if key == "save: dumps (cpu)":
        return row.get("save: json.dumps floor"), "json.dumps"
    if key == "open: first frame" or key == "open in process":
        if "json.loads" in row and "import floor" in row:
            return 2 * row["json.loads"] + row["import floor"], "2×json+imp"
        return None, ""
    if key.endswith((": direct", ": frame", ": cpu")) or key == "first rename":
        return first.get(key), "smallest"
    if key.endswith((": stall", "worst stall")):
        return None, "≤ 50 ms"
    return None, ""


def _plot(results: dict[str, dict[str, Any]], sizes: list[str], out: Path) -> None:
    """Time against size, log-log, one panel per group, as a PNG (pyqtgraph's exporter:
    the app's own plotting library, no extra dependency)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from pyqtgraph.exporters import ImageExporter
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    groups = {
        "reading and checking (CPU)": ["json.loads", "load", "check", "N-1 sweep"],
        "open to the first frame (wall)": ["open: first frame", "import floor"],
        "edits in the window (direct)": [f"{e}: direct" for e in EDITS],
        "stalls (worst event-loop lateness)": [
            "rename: stall",
            "add: stall",
            "undo delete: stall",
            "3,000 findings arrive: stall",
            "F5: stall",
        ],
    }
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]

    def has_data(keys: list[str]) -> bool:
        return any(isinstance(results[s].get(k), int | float) for s in sizes for k in keys)

    groups = {title: keys for title, keys in groups.items() if has_data(keys)}
    layout = pg.GraphicsLayoutWidget()
    layout.resize(460 * len(groups), 560)
    layout.show()  # laid out (offscreen) at its size before the export
    ticks = [[(math.log10(_n(results[s])), s) for s in sizes]]
    for column, (title, keys) in enumerate(groups.items()):
        plot = layout.addPlot(row=0, col=column, title=title)
        plot.getAxis("bottom").setTicks(ticks)
        plot.setLogMode(x=True, y=True)
        plot.showGrid(x=True, y=True, alpha=0.3)
        plot.setLabel("bottom", "elements")
        plot.setLabel("left", "ms")
        legend = plot.addLegend(offset=(5, 5), labelTextSize="7pt")
        for n, key in enumerate(keys):
            points = [
                (_n(results[s]), float(results[s][key]))
                for s in sizes
                if isinstance(results[s].get(key), int | float) and results[s][key] > 0
            ]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            colour = colours[n % len(colours)]
            plot.plot(
                list(xs),
                list(ys),
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=6,
                symbolBrush=colour,
                name=key,
            )
        if title.startswith("stalls"):
            plot.plot(
                [_n(results[sizes[0]]), _n(results[sizes[-1]])],
                [STALL_MS, STALL_MS],
                pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine),
                name="50 ms target",
            )
        legend.setParentItem(plot.vb)
    QApplication.processEvents()
    exporter = ImageExporter(layout.scene())
    exporter.parameters()["width"] = 460 * len(groups)
    exporter.export(str(out))
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
