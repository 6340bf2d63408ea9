"""One-off fills after a big design's first frame run in the shared idle slices
(:mod:`designer.ui.slices`), and end as the fill done at once does.

The Databases panel: a 100k design's first DAG (400 databases × 16 members) made its
6,400 cells in one turn of ~50 ms CPU; a big table now makes its rows a slice at a time,
its findings' marks once they are all made, and anything that needs the whole table (a
cell asked for, the focus given to the table) makes the rest at once. These tests count
steps, never time them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableWidgetItem
from turns import turns as event_loop_turns

from benchmarks.generate import generate_design
from designer.document import SetProperty
from designer.domain.design import Design
from designer.domain.elements import DatabaseCopy, MailboxDatabase
from designer.persistence import dumps, load
from designer.ui import slices
from designer.ui.panels import DatabasesPanel
from designer.ui.panels import databases as databases_module
from designer.ui.parts import Parts
from designer.ui.session import EditorSession

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))
_DB_ROLE = Qt.ItemDataRole.UserRole + 1
_MEMBER_ROLE = Qt.ItemDataRole.UserRole + 2


def _with_dags() -> list[tuple[str, Design]]:
    designs = [(p.stem, load(p)) for p in SAMPLES] + [("generated-1k", generate_design(1000))]
    return [(name, d) for name, d in designs if any(e.kind == "dag" for e in d.elements)]


def _cell(item: QTableWidgetItem | None) -> tuple[Any, ...] | None:
    if item is None:
        return None
    return (
        item.text(),
        item.toolTip(),
        item.background().color().name(),
        item.data(_DB_ROLE),
        item.data(_MEMBER_ROLE),
        int(item.textAlignment()),
    )


def _header(item: QTableWidgetItem | None) -> tuple[str, str] | None:
    return None if item is None else (item.text(), item.toolTip())


def _table(panel: DatabasesPanel) -> dict[str, Any]:
    """Everything the panel shows of its DAG: cells, headers, marks, summary."""
    t = panel.table
    rows, columns = t.rowCount(), t.columnCount()
    return {
        "dags": [panel.dag_combo.itemText(i) for i in range(panel.dag_combo.count())],
        "cells": [[_cell(t.item(r, c)) for c in range(columns)] for r in range(rows)],
        "rows": [_header(t.verticalHeaderItem(r)) for r in range(rows)],
        "columns": [_header(t.horizontalHeaderItem(c)) for c in range(columns)],
        "summary": panel.summary.text(),
        "ids": (panel.database_ids, panel.member_ids),
    }


def _at_once(session: EditorSession, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(databases_module, "FILL_AT_ONCE_CELLS", 10**9)
    panel = DatabasesPanel(session)
    try:
        assert not panel.rows_pending
        return _table(panel)
    finally:
        panel.deleteLater()


def _sliced(session: EditorSession, monkeypatch: pytest.MonkeyPatch) -> DatabasesPanel:
    """A panel whose rows wait for the idle slices (not run: the test drives them)."""
    monkeypatch.setattr(databases_module, "FILL_AT_ONCE_CELLS", 0)
    panel = DatabasesPanel(session)
    slices.shared().cancel(panel._rows_job)
    return panel


def _drive(panel: DatabasesPanel) -> int:
    """Run the rows' slices one row each (a deadline already past); how many."""
    steps = 0
    while not panel._make_rows_step(time.perf_counter()):
        steps += 1
        assert steps < 100_000
    return steps + 1


def _with_marks(design: Design) -> EditorSession:
    """The design with two copies of its first DAG's first database at the same
    preference (DAG007 marks them), so that the marks are compared too."""
    session = EditorSession(design)
    dag = next(e for e in design.elements if e.kind == "dag")
    db = next(
        e
        for e in design.elements
        if isinstance(e, MailboxDatabase) and e.dag == dag.id and len(e.copies) >= 2
    )
    first, second, *rest = db.copies
    copies = [
        first,
        second.model_copy(update={"activation_preference": first.activation_preference}),
        *rest,
    ]
    session.push(SetProperty(db.id, "copies", copies))
    assert any(f.code == "DAG007" for f in session.findings.active)
    return session


@pytest.mark.parametrize(
    "name, design", _with_dags(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_databases_rows_made_in_slices_equal_the_rows_made_at_once(
    qtbot, monkeypatch, name: str, design: Design
) -> None:
    session = _with_marks(design)
    whole = _at_once(session, monkeypatch)
    panel = _sliced(session, monkeypatch)
    qtbot.addWidget(panel)
    rows = panel.table.rowCount()
    assert panel.rows_pending and panel.table.item(rows - 1, 0) is None
    assert _drive(panel) == rows  # one row a step: the fill spans as many turns
    assert not panel.rows_pending
    assert _table(panel) == whole
    assert any(cell is not None and cell[1] for row in whole["cells"] for cell in row)  # marks


def test_edits_while_the_rows_are_made_show_in_the_finished_table(qtbot, monkeypatch) -> None:
    session = _with_marks(generate_design(1000))
    panel = _sliced(session, monkeypatch)
    qtbot.addWidget(panel)
    for _ in range(2):
        assert not panel._make_rows_step(time.perf_counter())
    made, late = (session.document.get(i) for i in (panel.database_ids[0], panel.database_ids[-1]))
    assert isinstance(made, MailboxDatabase) and isinstance(late, MailboxDatabase)
    # A copy changed in a row already made, one in a row still to make, a rename.
    for db in (made, late):
        member = panel.member_ids[-1]
        copies = [c for c in db.copies if c.member != member]
        copies.append(DatabaseCopy(member=member, activation_preference=len(copies) + 1))
        session.push(SetProperty(db.id, "copies", copies))
    session.push(SetProperty(late.id, "name", late.name + "-renamed"))
    assert panel.rows_pending  # the edits did not make the whole table
    _drive(panel)
    assert _table(panel) == _at_once(session, monkeypatch)


def test_a_click_into_the_table_makes_every_row_and_edits_the_last(qtbot, monkeypatch) -> None:
    session = _with_marks(generate_design(1000))
    panel = _sliced(session, monkeypatch)
    qtbot.addWidget(panel)
    panel.resize(560, 520)
    panel.show()
    qtbot.waitExposed(panel)
    slices.shared().cancel(panel._rows_job)  # showing it ran the event loop
    assert panel.rows_pending
    table = panel.table
    last = table.rowCount() - 1
    table.scrollToBottom()
    rect = table.visualRect(table.model().index(last, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not panel.rows_pending
    assert table.currentRow() == last and table.item(last, 0) is not None
    assert _table(panel) == _at_once(session, monkeypatch)
    # F2 edits that cell: it is a cell of the database of its row.
    QTest.keyClick(table, Qt.Key.Key_F2)
    editor = table.findChild(databases_module.CopyEditor)
    assert editor is not None and editor.isVisible()


def test_a_big_designs_databases_panel_fills_in_slices_through_the_cli(
    qtbot, launch, tmp_path, monkeypatch
) -> None:
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    steps: list[int] = []
    step = DatabasesPanel._make_rows_step

    def counted(self: DatabasesPanel, deadline: float) -> bool:
        steps.append(self._made)
        return step(self, deadline)

    monkeypatch.setattr(DatabasesPanel, "_make_rows_step", counted)
    monkeypatch.setattr(databases_module, "FILL_AT_ONCE_CELLS", 0)
    window = launch(path)  # dr-designer gui FILE
    panel = window.findChild(DatabasesPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.dag_combo.count() > 0 and not panel.rows_pending, timeout=20000)
    assert steps  # made by the slices
    assert _table(panel) == _at_once(window.session, monkeypatch)


# -- simulation mode and the Availability feature, built after the first frame ----------
SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json"


def _window_parts(window: Any) -> dict[str, Any]:
    """What building the two features adds to the window: docks, menus, the canvas's
    overlay."""
    from PySide6.QtWidgets import QDockWidget, QToolBar

    docks = sorted(
        (d.objectName(), d.windowTitle(), window.dockWidgetArea(d).name, d.isVisible())
        for d in window.findChildren(QDockWidget)
    )
    menus = {
        m.title(): [a.text() for a in m.actions()]
        for m in (a.menu() for a in window.menuBar().actions())
        if m is not None
    }
    overlays = [
        type(i).__name__
        for i in window.view.design_scene.items()
        if type(i).__name__ == "SimulationOverlay"
    ]
    toolbars = [
        (t.objectName(), window.toolBarArea(t).name, t.isVisible(), [a.text() for a in t.actions()])
        for t in window.findChildren(QToolBar)
    ]
    # What the two features' docks hold, widget by widget (order, kinds, names, texts,
    # what is shown), and the plots' items: built in parts, each the same.
    built = {}
    for name in ("AvailabilityDock", "TimelineDock", "ResultsDock"):
        dock = window.findChild(QDockWidget, name)
        built[name] = None if dock is None else _widgets(dock)
    plots = []
    if window._simulation is not None:
        timeline = window._simulation.timeline
        for plot in (timeline.events_plot, timeline.mailbox_plot):
            plots.append(
                (
                    [type(i).__name__ for i in plot.items],
                    {a: plot.getAxis(a).labelText for a in ("left", "bottom")},
                    plot.getAxis("left").fixedWidth,
                )
            )
    if window._availability is not None:
        chart = window._availability.panel.chart.getPlotItem()
        plots.append(([type(i).__name__ for i in chart.items], chart.getAxis("bottom").labelText))
    return {
        "docks": docks,
        "menus": menus,
        "overlays": overlays,
        "toolbars": toolbars,
        "built": built,
        "plots": plots,
        "focus": _focus_chain(window),
    }


def _settled_parts(qtbot: Any, window: Any) -> dict[str, Any]:
    """:func:`_window_parts` once the window has settled: what waits for the canvas's
    next paint done (the Results table sizes its columns then, or after
    frames.HOLD_MAX_MS without a paint), and the parts the same over a few more turns of
    the event loop. A fixed 200 ms ended before that on a loaded machine: the window
    built at once still showed its Results table's horizontal scroll bar."""

    def waiting() -> bool:
        mode = window._simulation
        canvas = None if mode is None else mode.results._canvas
        return canvas is not None and canvas.waiting

    qtbot.waitUntil(lambda: not waiting(), timeout=20_000)
    parts = _window_parts(window)
    for _ in range(100):
        event_loop_turns(qtbot, 5)
        again = _window_parts(window)
        if again == parts and not waiting():
            return again
        parts = again
    raise AssertionError("the window's parts kept changing")


def _widgets(root: Any) -> list[tuple[Any, ...]]:
    """A widget tree, depth first: kind, name, text, whether shown beside its parent."""
    from PySide6.QtWidgets import QWidget

    rows: list[tuple[Any, ...]] = []

    def walk(widget: Any, depth: int) -> None:
        text = widget.text() if hasattr(widget, "text") and callable(widget.text) else None
        rows.append(
            (depth, type(widget).__name__, widget.objectName(), text, widget.isVisibleTo(root))
        )
        for child in widget.children():
            if isinstance(child, QWidget):
                walk(child, depth + 1)

    walk(root, 0)
    return rows


def _focus_chain(window: Any) -> list[tuple[str, str]]:
    """The window's tab order: kinds and names, from the window round to it again."""
    chain, widget = [], window.nextInFocusChain()
    while widget is not window and len(chain) < 5000:
        chain.append((type(widget).__name__, widget.objectName()))
        widget = widget.nextInFocusChain()
    return chain


def _no_background_build(monkeypatch: pytest.MonkeyPatch) -> None:
    from designer.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "_import_simulation_in_background", lambda self: None)


def test_the_availability_feature_and_simulation_mode_are_built_in_turns_of_their_own(
    qtbot, launch, monkeypatch
) -> None:
    from designer.ui.availability.feature import AvailabilityFeature
    from designer.ui.simulation.mode import SimulationMode

    turns = [0]
    run = slices.Slices._run

    def counted_run(self: slices.Slices) -> None:
        turns[0] += 1
        run(self)

    built: list[tuple[str, int, int]] = []
    for cls, name in ((SimulationMode, "simulation"), (AvailabilityFeature, "availability")):
        init = cls.__init__

        def noted(self: Any, *args: Any, _init: Any = init, _name: str = name, **kw: Any) -> None:
            built.append((_name, turns[0], id(args[0])))
            _init(self, *args, **kw)

        monkeypatch.setattr(cls, "__init__", noted)
    monkeypatch.setattr(slices.Slices, "_run", counted_run)
    window = launch(SAMPLE)  # dr-designer gui FILE: built after the first frame
    qtbot.waitUntil(lambda: window._simulation is not None, timeout=20000)
    mine = [(what, turn) for what, turn, parent in built if parent == id(window)]
    assert [what for what, _ in mine] == ["availability", "simulation"]
    assert 0 < mine[0][1] < mine[1][1]  # two turns of the slices, one each
    sliced = _settled_parts(qtbot, window)  # (a tab bar of tabified docks comes laid out)

    monkeypatch.setattr(slices.Slices, "_run", run)
    _no_background_build(monkeypatch)
    other = launch(SAMPLE)
    assert other._simulation is None
    _ = other.availability  # each at once (F5 builds the mode so), in the slices' order
    _ = other.simulation
    assert _settled_parts(qtbot, other) == sliced


def test_f5_between_the_two_turns_builds_and_enters_simulation_mode(
    qtbot, launch, monkeypatch
) -> None:
    _no_background_build(monkeypatch)
    window = launch(SAMPLE)
    window._build_simulation()  # as the background import's end does
    # One event-loop pass at a time (qtbot.waitUntil waits 10 ms a poll: both turns
    # can pass within one of its waits).
    deadline = time.monotonic() + 60  # a hang's bound: the turns come however slowly
    while window._availability is None and time.monotonic() < deadline:
        QApplication.processEvents()
    assert window._availability is not None
    assert window._simulation is None  # its turn is still to come
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    mode = window.simulation
    assert mode.controller.active and window.simulate_action.isChecked()
    qtbot.waitUntil(lambda: not slices.shared().running(("build simulation", id(window))))
    assert window.simulation is mode  # the slices' turn did not build another
    assert _window_parts(window)["overlays"] == ["SimulationOverlay"]
    assert mode.controller.active


def _build_turns(window: Any, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Per step of the idle build of the two features (each step ends its turn of the
    slices): what it made of pyqtgraph's plots, and the simulation toolbar or docks the
    window showed after it (none may show while the mode is off)."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QDockWidget, QToolBar

    key = ("build simulation", id(window))
    turns: list[list[str]] = []
    made: list[str] = []
    init = pg.PlotItem.__init__

    def noted(self: Any, *args: Any, **kw: Any) -> None:
        made.append("plot")
        init(self, *args, **kw)

    step_of_parts = Parts.step

    def part(self: Parts) -> bool:
        made.append("part")
        return step_of_parts(self)

    start = slices.Slices.start

    def watched(self: slices.Slices, job: Any, owner: Any, step: Any, **kw: Any) -> None:
        def counted(deadline: float) -> bool:
            made.clear()
            done = bool(step(deadline))
            shown = [
                w.objectName()
                for w in (
                    window.findChild(QToolBar, "ScenarioToolBar"),
                    window.findChild(QDockWidget, "TimelineDock"),
                    window.findChild(QDockWidget, "ResultsDock"),
                )
                if w is not None and w.isVisible()
            ]
            if made:  # (not a turn already partly spent, which it leaves)
                plots = ["plot"] * made.count("plot")
                turns.append(["part", *plots, *shown])  # (a part may be a part's part)
            return done

        start(self, job, owner, counted if job == key else step, **kw)

    monkeypatch.setattr(pg.PlotItem, "__init__", noted)
    monkeypatch.setattr(Parts, "step", part)
    monkeypatch.setattr(slices.Slices, "start", watched)
    return turns


def test_the_two_builds_come_a_part_a_turn_a_plot_at_most_and_nothing_shown_meanwhile(
    qtbot, launch, monkeypatch
) -> None:
    """Each was one turn of the UI thread (~17 and ~30 ms CPU, 50-70 ms of wall time on
    a busy machine at 100k, the one idle turn over 50 ms after opening): now a part a
    turn, no turn making more than one of the three plots, and the mode's toolbar and
    docks, off, never shown between two parts."""
    _no_background_build(monkeypatch)
    window = launch(SAMPLE)
    turns = _build_turns(window, monkeypatch)
    window._build_simulation()  # as the background import's end does
    qtbot.waitUntil(lambda: window._simulation is not None, timeout=20000)
    assert window._availability is not None
    assert sum(t.count("plot") for t in turns) == 3
    assert all(t in (["part"], ["part", "plot"]) for t in turns), turns
    # Availability 4 parts, simulation mode 9 (idle24: the chart, the timeline's plots'
    # widget and its items, the mode's panels each apart from what comes after them; the
    # mailbox plot's view box and axes a part ahead of it).
    assert len(turns) == 13


@pytest.mark.parametrize("parts_before", [1, 3, 4, 7, 11])
def test_f5_in_the_middle_of_the_parts_finishes_the_build_and_enters_the_mode(
    qtbot, launch, monkeypatch, parts_before: int
) -> None:
    """F5 after some parts of the idle build: the rest of the mode is built at once and
    the mode entered; the slices then finish what is left of the other feature; the
    window ends as one whose two features were built at once."""
    import pyqtgraph as pg

    _no_background_build(monkeypatch)
    window = launch(SAMPLE)
    start, init = slices.Slices.start, pg.PlotItem.__init__
    turns = _build_turns(window, monkeypatch)
    window._build_simulation()
    deadline = time.monotonic() + 60  # a hang's bound: the turns come however slowly
    while len(turns) < parts_before and time.monotonic() < deadline:
        QApplication.processEvents()
    assert len(turns) == parts_before
    assert window._simulation is None
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    mode = window._simulation
    assert mode is not None and mode.controller.active and window.simulate_action.isChecked()
    qtbot.waitUntil(lambda: not slices.shared().running(("build simulation", id(window))))
    assert window.simulation is mode and window._availability is not None
    assert _window_parts(window)["overlays"] == ["SimulationOverlay"]
    window.simulate_action.trigger()  # leave the mode: as the window was
    assert not mode.controller.active
    parts = _settled_parts(qtbot, window)

    monkeypatch.setattr(slices.Slices, "start", start)
    monkeypatch.setattr(pg.PlotItem, "__init__", init)
    other = launch(SAMPLE)
    availability_first = parts_before > 3  # (joins the window when its last part is made)
    if availability_first:
        _ = other.availability
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other, timeout=3000)
    other.view.setFocus()
    QTest.keyClick(other.view.viewport(), Qt.Key.Key_F5)
    other.simulate_action.trigger()
    if not availability_first:
        _ = other.availability
    at_once = _settled_parts(qtbot, other)
    # The tab order through the docks follows when each joined the window, and a
    # feature half built when F5 came joins it later: the same widgets, maybe in
    # another order.
    assert sorted(at_once.pop("focus")) == sorted(parts.pop("focus"))
    assert at_once == parts


def test_a_big_designs_simulation_mode_is_built_once_its_live_check_has_reported(
    qtbot, launch, tmp_path, monkeypatch, gates
) -> None:
    """Beside the live check's worker every call into Qt waits for the interpreter lock:
    the two builds wait for its findings (the check is held back here until the
    background import is over, so that it is surely running then)."""
    from designer.ui import main_window as main_window_module
    from designer.ui import session as session_module
    from designer.ui.availability.feature import AvailabilityFeature

    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", 20)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 20)
    # The builds wait for the check however long it is held (their time limit, for a
    # check that never reports, ran out on a loaded machine before the test looked).
    monkeypatch.setattr(main_window_module, "SIMULATION_BUILD_WAIT_S", 3600.0)
    path = tmp_path / "big.json"
    path.write_text(dumps(generate_design(300, seed=1)), encoding="utf-8")
    checks: list[bool] = []  # whether the check was running when the import ended
    state: list[tuple[str, bool]] = []
    check_job = session_module._CheckJob
    release = gates()

    class Slow(check_job):  # type: ignore[misc, valid-type]
        def run(self) -> None:
            release.wait()
            super().run()

    monkeypatch.setattr(session_module, "_CheckJob", Slow)
    build = main_window_module.MainWindow._build_simulation

    def noted_build(self: Any) -> None:
        session = self.session
        checks.append(session.findings_revision != session.document.revision)
        build(self)

    monkeypatch.setattr(main_window_module.MainWindow, "_build_simulation", noted_build)
    init = AvailabilityFeature.__init__

    def noted(self: Any, window: Any, session: Any, *args: Any, **kw: Any) -> None:
        state.append(("availability", session.findings_revision == session.document.revision))
        init(self, window, session, *args, **kw)

    monkeypatch.setattr(AvailabilityFeature, "__init__", noted)
    window = launch(path)
    try:
        qtbot.waitUntil(lambda: bool(checks), timeout=20000)  # the import is over
        assert checks[0]  # the check was running then
        for _ in range(20):
            QApplication.processEvents()
        assert window._availability is None and window._simulation is None  # waiting
    finally:
        release.set()
    qtbot.waitUntil(lambda: window._simulation is not None, timeout=20000)
    assert state == [("availability", True)]  # built after the findings came


# -- the last step of a load's routing: every line spread, then drawn, in steps ---------
def _spreading(scene: Any) -> dict[str, Any]:
    router = scene.router
    return {
        "drawn": router.drawn,
        "nudged": router._nudged,
        "among": router._checked_among,
        "spread": {k: router._channels.spread(k) for k in router.raw},
        "unsettled": router._unsettled,
    }


def _drawing(scene: Any) -> dict[str, Any]:
    out = {}
    for key, edge in scene.edges.items():
        r = edge.label_scene_rect()
        label = None if r is None else (r.x(), r.y(), r.width(), r.height())
        path = edge.path()
        out[key] = (
            label,
            [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())],
        )
    return out


def _routed_scene(
    design: Design, monkeypatch: pytest.MonkeyPatch, *, last_batch_open: bool = False
) -> Any:
    """A scene whose lines are all routed in its slices (driven here), not spread yet;
    ``last_batch_open``: the last batch has routed its last line, its steps not ended
    (a slice's deadline came just then)."""
    from designer.ui.canvas import scene as scene_module
    from designer.ui.canvas.scene import DesignScene

    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 0)  # every line in the slices
    scene = DesignScene(EditorSession(design))
    slices.shared().cancel(scene._routing_key)
    while scene._unrouted or scene._route_batch is not None:
        batch = scene._route_batch
        if last_batch_open and not scene._unrouted and batch and batch[1] == batch[0]:
            break
        scene._route_slice(time.perf_counter())  # (the last one takes a first step on)
    return scene


def _at_once_scene(design: Design, monkeypatch: pytest.MonkeyPatch) -> Any:
    from designer.ui.canvas import scene as scene_module
    from designer.ui.canvas.scene import DesignScene

    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 0)
    scene = DesignScene(EditorSession(design))
    slices.shared().cancel(scene._routing_key)
    scene.finish_routing()  # routed in one batch, spread with settle_all, drawn
    assert not scene.routing_pending
    return scene


def _designs_with_lines() -> list[tuple[str, Design]]:
    """Every sample that draws lines (two draw none), and a generated 1k design."""
    lineless = {"disk_placements", "standalone_vm_ha"}
    designs = [(p.stem, load(p)) for p in SAMPLES if p.stem not in lineless]
    return [*designs, ("generated-1k", generate_design(1000))]


@pytest.mark.parametrize(
    "name, design", _designs_with_lines(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_lines_spread_and_drawn_in_steps_end_as_spread_and_drawn_at_once(
    qapp, monkeypatch, name: str, design: Design
) -> None:
    from designer.ui.canvas import router as router_module
    from designer.ui.canvas import scene as scene_module

    monkeypatch.setattr(router_module, "SETTLE_STEP_LINES", 3)
    monkeypatch.setattr(scene_module, "DRAW_STEP_LINES", 2)
    scene = _routed_scene(design, monkeypatch)
    before = (dict(scene.router.drawn), dict(scene.router._nudged))
    assert scene.routing_pending  # the spreading is still to come
    turns = 0
    while scene.routing_pending:
        done = scene._route_slice(time.perf_counter())  # a deadline past: one step each
        turns += 1
        if scene._settling is not None:  # nothing of the spreading shows before its end
            assert (scene.router.drawn, scene.router._nudged) == before
        assert done == (not scene.routing_pending)
    lines = len(scene.router.raw)
    # Filed, then spread, 3 lines a step; then drawn, 2 a step: as many turns.
    assert turns >= 2 * (lines // 3) + lines // 2 - 1
    whole = _at_once_scene(design, monkeypatch)
    assert _spreading(scene) == _spreading(whole)
    assert _drawing(scene) == _drawing(whole)


def test_edits_while_the_lines_are_spread_or_drawn_end_as_a_fresh_routing(
    qapp, monkeypatch
) -> None:
    from designer.document import MoveElements
    from designer.ui.canvas import router as router_module
    from designer.ui.canvas import scene as scene_module

    monkeypatch.setattr(router_module, "SETTLE_STEP_LINES", 3)
    monkeypatch.setattr(scene_module, "DRAW_STEP_LINES", 2)
    design = generate_design(1000)
    scene = _routed_scene(design, monkeypatch)
    session = scene.session
    hosts = [i for i, n in scene.nodes.items() if n.kind == "esxi_host"]
    layout = session.design.layout
    restarted = drawing = 0
    for phase, host in (("settling", hosts[0]), ("drawing", hosts[1])):
        for _ in range(10_000):  # into the middle of that phase
            scene._route_slice(time.perf_counter())
            if phase == "settling" and scene._settling is not None:
                break
            if phase == "drawing" and len(scene._drawing) > 4:
                break
        else:
            pytest.fail(f"no {phase} phase")
        entry = layout[host]
        assert session.push(MoveElements({host: entry.model_copy(update={"x": entry.x + 30})}))
        layout = session.design.layout
        if phase == "settling":
            settling = scene._settling
            scene._route_slice(time.perf_counter())
            restarted += settling is not scene._settling  # ended by the move's rerouting
        else:
            drawing += bool(scene._drawing)
    assert restarted and drawing
    while scene.routing_pending:
        scene._route_slice(time.perf_counter())
    fresh = _at_once_scene(session.design, monkeypatch)
    assert scene.router.raw == fresh.router.raw
    assert scene.router.drawn == fresh.router.drawn
    assert _drawing(scene) == _drawing(fresh)
    session.undo_stack.setClean()
    session.wait_for_findings()


def test_finish_routing_in_the_middle_of_the_spreading_spreads_and_draws_every_line(
    qapp, monkeypatch
) -> None:
    """An export (or anything needing the whole drawing) asks finish_routing: with every
    line routed but the last batch's steps not ended (a slice's deadline just after its
    last line), routed but not yet spread, or spread but not all drawn, it ends them at
    once."""
    from designer.ui.canvas import router as router_module
    from designer.ui.canvas import scene as scene_module

    monkeypatch.setattr(router_module, "SETTLE_STEP_LINES", 3)
    monkeypatch.setattr(scene_module, "DRAW_STEP_LINES", 2)
    design = generate_design(1000)
    whole = _drawing(_at_once_scene(design, monkeypatch))
    for phase in ("routed", "settling", "drawing"):
        scene = _routed_scene(design, monkeypatch, last_batch_open=phase == "routed")
        while not (scene._settling is not None if phase == "settling" else scene._drawing):
            if phase == "routed":
                assert scene._route_batch is not None and not scene._unrouted
                batch_keys, routed, _steps = scene._route_batch
                assert routed == batch_keys and not scene.router.drawn
                break
            scene._route_slice(time.perf_counter())
        scene.finish_routing()
        assert not scene.routing_pending
        assert _drawing(scene) == whole


@pytest.mark.parametrize("first", ["F5", "idle build"])
def test_the_n1_panels_cut_sets_come_from_the_availability_feature_however_built(
    qtbot, launch, monkeypatch, first: str
) -> None:
    """F5 before the idle build builds simulation mode alone; the N-1 panel's "List
    minimal cut sets" then builds the Availability feature, and its cut sets show in
    the panel, as they do once the idle build made both."""
    if first == "F5":
        _no_background_build(monkeypatch)
    window = launch(SAMPLE)
    if first == "F5":
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        window.view.setFocus()
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
        assert window._simulation is not None and window._availability is None
    else:
        qtbot.waitUntil(lambda: window._simulation is not None, timeout=20000)
        assert window._availability is not None
    spof = window.simulation.spof
    if not window.simulation.controller.active:
        window.simulate_action.trigger()
    qtbot.waitUntil(lambda: window.simulation.controller.ready, timeout=10000)
    assert spof.cut_summary.text() == ""
    spof.cut_button.click()
    assert window._availability is not None
    qtbot.waitUntil(lambda: spof.cut_summary.text() != "", timeout=20000)
    assert "minimal cut sets up to order 2" in spof.cut_summary.text()
    assert spof.cut_table.rowCount() > 0


def test_closing_the_window_in_the_middle_of_the_parts_leaves_nothing_half_built(
    qtbot, launch, monkeypatch
) -> None:
    """A window closed while the idle build is part way: the parts left are dropped
    with it. Kept, the build's generator held the half-built feature and the window in
    a cycle that only the cyclic collector freed; its clearing emptied the widgets'
    attributes before Qt deleted them and called their overrides ("'DesignView' object
    has no attribute '_detail_timer'", seen in a later test of the suite)."""
    import gc

    _no_background_build(monkeypatch)
    window = launch(SAMPLE)
    turns = _build_turns(window, monkeypatch)
    window._build_simulation()
    deadline = time.monotonic() + 60  # a hang's bound: the turns come however slowly
    while len(turns) < 5 and time.monotonic() < deadline:
        QApplication.processEvents()
    assert len(turns) == 5 and window._simulation is None  # the mode is part way
    partly = window._simulation_partly
    assert partly is not None and not partly.building.done
    window.close()
    assert window._simulation_partly is None and window._availability_partly is None
    assert partly.building.done
    del partly
    gc.collect()
    QApplication.processEvents()
