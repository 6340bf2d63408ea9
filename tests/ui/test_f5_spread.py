"""Entering simulation mode (F5) on a mid-sized design (over ``SPREAD_LIMIT`` elements,
up to ``SYNC_PREPARE_LIMIT``), through ``dr-designer gui FILE`` and the F5 key: the
docks and the canvas come first, the simulator is built on the UI thread in the turn
after the canvas has painted (no worker), the views' first work in turns of their own.
What the mode shows once settled — the results table, the timeline, the canvas with
its overlay — is what it showed when all of it was done in the F5 turn, on entering
and after a failure clicked on the canvas. The stalls themselves are measured in
benchmarks/bench_scale.py (``mode``) and the probe of docs/performance.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui.simulation import controller as controller_module
from designer.ui.simulation import frames as frames_module
from designer.ui.simulation.results_table import COLUMNS


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spread") / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    return path


class _Paints(QObject):
    """Notes, at each paint of the canvas, whether the simulator was ready."""

    def __init__(self, widget: QObject, controller: Any) -> None:
        super().__init__()
        self.controller = controller
        self.ready_at_paint: list[bool] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.ready_at_paint.append(self.controller.ready)
        return False


def _enter(qtbot, launch, path: Path):  # type: ignore[no-untyped-def]
    window = launch(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    mode = window.simulation
    qtbot.wait(200)  # the window settles (docks laid out)
    return window, mode


def _settled(mode) -> bool:  # type: ignore[no-untyped-def]
    controller, results, timeline, overlay = (
        mode.controller, mode.results, mode.timeline, mode.overlay
    )  # fmt: skip
    state = controller.state()
    return (
        controller.ready
        and state is not None
        and results._pending is None
        and results.table.rowCount() == len(state.databases)
        and not (results._canvas is not None and results._canvas.waiting)
        and not (timeline._canvas is not None and timeline._canvas.waiting)
        and not timeline.held
        and overlay.isVisible()
        and not overlay._prime_timer.isActive()
        and not overlay._paint_timer.isActive()
        and not overlay.gliding
    )


def _content(window, mode) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What simulation mode shows: the table's cells, the timeline's dots, curve and
    caption, the overlay's markers, and the canvas's and plots' pixels."""
    controller, results, timeline, overlay = (
        mode.controller, mode.results, mode.timeline, mode.overlay
    )  # fmt: skip
    state = controller.state()
    assert state is not None
    table = results.table
    cells = sorted(
        tuple(
            (table.item(row, col).text(), table.item(row, col).foreground().color().name())
            for col in range(len(COLUMNS))
        )
        for row in range(table.rowCount())
    )
    curve = timeline.curve
    return {
        "cells": cells,
        "caption": timeline.caption.text(),
        "dots": [(p.pos().x(), p.pos().y(), p.data().text) for p in timeline.scatter.points()],
        "curve": (
            None if curve.xData is None else [float(x) for x in curve.xData],
            None if curve.yData is None else [float(y) for y in curve.yData],
        ),
        "pills": {db.id: overlay.pill_position(db.id) for db in state.databases},
        "canvas": window.view.viewport().grab().toImage(),
        "plots": timeline.graphics.grab().toImage(),
    }


def _fail_a_host(qtbot, window, mode) -> None:  # type: ignore[no-untyped-def]
    """A click on a host's header on the canvas fails it; the cursor goes to the end."""
    scene, view, controller = window.view.design_scene, window.view, mode.controller
    host = next(e.id for e in window.session.design.elements if e.kind == "esxi_host")
    rect = scene.rect_of(host)
    assert rect is not None
    view.ensureVisible(rect, 10, 10)
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     point)  # fmt: skip
    assert [s.target for s in controller.steps] == [host]
    controller.pause()
    controller.set_time(controller.duration)


def _session(qtbot, launch, path: Path, *, at_once: bool = False) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """F5, then a host failed: what the mode shows after each, once settled.
    ``at_once``: the simulator built in the F5 turn, as before the mode entered in
    turns."""
    window, mode = _enter(qtbot, launch, path)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert mode.controller.active
    if at_once:
        mode.controller.wait_until_ready()
        assert mode.controller.ready
    qtbot.waitUntil(lambda: _settled(mode), timeout=20_000)
    qtbot.wait(50)
    shown = [_content(window, mode)]
    _fail_a_host(qtbot, window, mode)
    qtbot.waitUntil(lambda: _settled(mode), timeout=20_000)
    qtbot.wait(50)
    shown.append(_content(window, mode))
    return shown


def test_f5_on_a_mid_sized_design_builds_the_simulator_after_the_canvas_has_painted(  # type: ignore[no-untyped-def]
    qtbot, launch, generated: Path, monkeypatch
):
    # What waits for the canvas's paint waits for it, however loaded the machine (the
    # fallback is for a canvas that never paints).
    monkeypatch.setattr(frames_module, "HOLD_MAX_MS", 60_000)
    window, mode = _enter(qtbot, launch, generated)
    controller, results, timeline = mode.controller, mode.results, mode.timeline
    elements = len(window.session.design.elements)
    assert controller_module.SPREAD_LIMIT < elements <= controller_module.SYNC_PREPARE_LIMIT
    assert controller.spread and not controller.large
    started: list[object] = []
    monkeypatch.setattr(controller._pool, "start", started.append)  # no worker
    paints = _Paints(window.view.viewport(), controller)

    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    # The F5 turn shows the docks only: no simulator, no rows, the plots held.
    assert controller.active and not controller.ready
    assert results.table.rowCount() == 0 and timeline.held
    assert all(dock.isVisibleTo(window) for dock in mode.docks)
    qtbot.waitUntil(lambda: controller.ready, timeout=20_000)
    # Built on the UI thread, after the canvas had painted at its new size.
    assert started == []
    assert paints.ready_at_paint and paints.ready_at_paint[0] is False
    qtbot.waitUntil(lambda: _settled(mode), timeout=20_000)
    state = controller.state()
    assert state is not None and len(state.databases) > 0
    assert results.table.rowCount() == len(state.databases)

    # Leaving and entering again: the simulator is kept (the design did not change).
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert not controller.active
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert controller.active and controller.ready
    qtbot.waitUntil(lambda: _settled(mode), timeout=20_000)


def test_f5_in_turns_shows_what_f5_at_once_showed(  # type: ignore[no-untyped-def]
    qtbot, launch, generated: Path, monkeypatch
):
    monkeypatch.setattr(frames_module, "HOLD_MAX_MS", 60_000)
    spread = _session(qtbot, launch, generated)
    monkeypatch.setattr(controller_module, "SPREAD_LIMIT", 10**9)  # a result's work at once
    at_once = _session(qtbot, launch, generated, at_once=True)
    for (label, a), b in zip(
        (("entered", spread[0]), ("a host failed", spread[1])), at_once, strict=True
    ):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == b[key], f"{label}: {key} differs"
    # Something to compare: the failure changed what is shown.
    assert spread[0]["cells"] != spread[1]["cells"]
    assert spread[1]["dots"]
