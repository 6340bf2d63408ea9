"""Entering simulation mode (F5) on a big design, through ``dr-designer gui FILE`` and the
F5 key: the window is laid out once, and the mode's work comes in event-loop turns of
its own — the overlay works out the first state, the canvas paints it, the results
table's first rows follow; the timeline's axes are drawn ahead of its first paint. The
docks show the simulator's first state. The sizes are made small by lowering the
threshold; the stalls themselves are measured in benchmarks/bench_scale.py (``mode``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui.simulation import controller as controller_module
from designer.ui.simulation import frames as frames_module
from designer.ui.simulation import results_table as results_module
from designer.ui.simulation.results_table import COLUMNS


class _Turns(QObject):
    """Counts the event loop's passes (a zero-interval timer fires once in each) and
    notes, for the widgets it watches, the pass of each paint and what was true then."""

    def __init__(self) -> None:
        super().__init__()
        self.turn = 0
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.watched: dict[QObject, tuple[str, object]] = {}
        #: (name, turn, what the probe said) for each paint of a watched widget.
        self.paints: list[tuple[str, int, object]] = []
        self.resizes: dict[str, int] = {}

    def _tick(self) -> None:
        self.turn += 1

    def watch(self, widget: QObject, name: str, probe: object = None) -> None:
        self.watched[widget] = (name, probe)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Before the widget handles the event: what is ready ahead of the paint.
        if watched in self.watched:
            name, probe = self.watched[watched]
            if event.type() == QEvent.Type.Paint:
                self.paints.append((name, self.turn, probe() if callable(probe) else None))
            elif event.type() == QEvent.Type.Resize:
                self.resizes[name] = self.resizes.get(name, 0) + 1
        return False

    def first(self, name: str, where: object = None) -> tuple[int, object]:
        for paint_name, turn, said in self.paints:
            if paint_name == name and (where is None or where(said)):  # type: ignore[operator]
                return turn, said
        raise AssertionError(f"{name} never painted so")


def _editing_docks(window) -> dict[str, object]:  # type: ignore[no-untyped-def]
    mode = window.simulation
    return {
        dock.objectName(): dock.geometry()
        for dock in window.findChildren(QDockWidget)
        if dock.isVisible() and dock not in mode.docks
    }


def test_f5_on_a_big_design_shows_the_first_state_in_turns_of_its_own(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
):
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    monkeypatch.setattr(controller_module, "SYNC_PREPARE_LIMIT", 100)  # 1k counts as big
    monkeypatch.setattr(results_module, "LAZY_ROWS", 50)  # and its 128 databases many
    # What waits for the canvas's paint waits for it, however loaded the machine (the
    # fallback is for a canvas that never paints).
    monkeypatch.setattr(frames_module, "HOLD_MAX_MS", 60_000)
    window = launch(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    mode = window.simulation
    controller, overlay, results, timeline = (
        mode.controller, mode.overlay, mode.results, mode.timeline
    )  # fmt: skip
    qtbot.wait(200)  # the window settles (docks laid out)
    docks_before = _editing_docks(window)
    canvas_before = window.view.viewport().size()
    assert docks_before, "the window shows its editing docks"
    axes = [plot.getAxis(name) for plot in (timeline.events_plot, timeline.mailbox_plot)
            for name in ("left", "bottom")]  # fmt: skip

    turns = _Turns()
    turns.watch(
        window.view.viewport(),
        "canvas",
        lambda: (overlay.isVisible(), overlay._drawn.pills is not None, len(results._items)),
    )
    turns.watch(
        timeline.graphics.viewport(),
        "timeline",
        # (None: a paint of the plots' background while they are held, see _Plots)
        lambda: (
            None
            if timeline.graphics.held
            else all(a.picture is not None for a in axes if a.isVisible())
        ),
    )
    rows_at: list[int] = []
    results._fill_timer.timeout.connect(lambda: rows_at.append(turns.turn))
    primed_at: list[int] = []
    overlay._prime_timer.timeout.connect(lambda: primed_at.append(turns.turn))

    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert controller.active and not controller.ready
    qtbot.waitUntil(lambda: controller.ready, timeout=20_000)
    state = controller.state()
    assert state is not None
    qtbot.waitUntil(lambda: len(results._items) == len(state.databases), timeout=10_000)
    qtbot.waitUntil(lambda: not timeline.held, timeout=3000)
    qtbot.wait(100)

    # The docks came in one layout of the window: the canvas was resized once (each
    # show and hide laid the window out, four resizes).
    assert turns.resizes.get("canvas") == 1
    # The frame that shows the docks paints no overlay (nothing to draw yet).
    _, said = turns.first("canvas")
    assert said == (False, False, 0)
    # The simulator's first state: the overlay works out what it draws in one turn,
    # the canvas paints it in a later one, the table's first rows come after that.
    shown_at, said = turns.first("canvas", lambda s: s[0])
    _, primed, rows = said  # type: ignore[misc]
    assert primed and rows == 0
    assert primed_at and primed_at[0] < shown_at
    assert rows_at and min(rows_at) > shown_at
    # The timeline's axes were drawn ahead of its plots' first paint.
    _, axes_ready = turns.first("timeline", lambda s: s is not None)
    assert axes_ready is True

    # What the docks show: one row per database of the first state, the plots shown.
    table = results.table
    assert table.rowCount() == len(state.databases)
    names = {table.item(row, COLUMNS.index("Database")).text() for row in range(table.rowCount())}
    assert names == {db.name for db in state.databases}
    active = sum(db.state == "active" for db in state.databases)
    states = [table.item(row, COLUMNS.index("State")).text() for row in range(table.rowCount())]
    assert states.count("active") == active > 0
    assert timeline.graphics.isVisible() and not timeline.graphics.held
    assert timeline.caption.text() == "Click an element on the canvas to fail it."
    assert all(overlay.pill_position(db.id) is not None for db in state.databases
               if db.state == "active")  # fmt: skip
    editing_hidden = [
        dock for dock in window.findChildren(QDockWidget)
        if dock.objectName() in docks_before and dock.isVisible()
    ]  # fmt: skip
    assert editing_hidden == [] and all(d.isVisible() for d in mode.docks)

    # Leaving gives the editing docks and the canvas back as they were.
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert not controller.active
    qtbot.wait(100)
    assert _editing_docks(window) == docks_before
    assert window.view.viewport().size() == canvas_before
    assert not any(d.isVisible() for d in mode.docks)
