"""Simulation mode after each way a user gets a design into the window: the command-line
argument, no argument (the bundled sample), File > Open, File > New, a recent file and
the crash-recovery offer. Each presses F5, clicks an element on the canvas and looks at
what the user sees: the FAILED hatching in the element's pixels, the N-1 rows, the
report file.

Before the fix, every one of these failed: opening a design rebuilt the scene, whose
``clear()`` deleted the simulation overlay, so nothing was drawn and N-1 and Report
ended in "Internal C++ object (SimulationOverlay) already deleted".
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolButton

from designer.persistence import load
from designer.simulation import analyze
from designer.ui.main_window import MainWindow
from designer.ui.mime import KIND_MIME
from designer.ui.simulation.results_table import COLUMNS

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
THREE_SITE = SAMPLES / "three_site_stretched_dag.json"
DAG_WITH_HA = SAMPLES / "dag_with_ha.json"
CX4_SRM = SAMPLES / "cx4_srm_mirrorview_s.json"


# -- what the user sees --------------------------------------------------------------------
def red_share(image: QImage, area: QRect) -> float:
    """The share of ``area``'s pixels tinted red: a FAILED element's red hatching over
    its box (the samples draw sites, hosts and VMs in neutral, blue or green tones)."""
    area = area.intersected(image.rect())
    red = total = 0
    for y in range(area.top(), area.bottom(), 3):
        for x in range(area.left(), area.right(), 3):
            c = image.pixelColor(x, y)
            total += 1
            if c.red() - max(c.green(), c.blue()) > 24:
                red += 1
    return red / max(total, 1)


def on_screen(window: MainWindow, element_id: str) -> QRect:
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None, element_id
    return view.mapFromScene(rect).boundingRect()


def enter_simulation(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert window.simulation.controller.active, "F5 enters simulation mode"


def click_element(window: MainWindow, element_id: str) -> None:
    """A real click in the title bar of the element's box on the canvas."""
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None, element_id
    view.ensureVisible(rect, 10, 10)
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )


def settle(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    controller = window.simulation.controller
    controller.pause()
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: not window.simulation.overlay.gliding, timeout=3000)
    QApplication.processEvents()


def button(parent, text: str) -> QToolButton:  # type: ignore[no-untyped-def]
    found = [b for b in parent.findChildren(QToolButton) if b.text() == text]
    assert len(found) == 1, f"one {text!r} button"
    return found[0]


def assert_simulation_works(  # type: ignore[no-untyped-def]
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch, element_id: str
) -> None:
    """F5, click ``element_id``: its pixels turn FAILED red; *Show N-1 overlay* lists the
    single points of failure the headless analysis finds; *Report…* writes the report."""
    enter_simulation(window, qtbot)
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None
    view.ensureVisible(rect, 10, 10)
    QApplication.processEvents()
    before = red_share(view.viewport().grab().toImage(), on_screen(window, element_id))
    click_element(window, element_id)
    controller = window.simulation.controller
    assert element_id in controller.state().failed
    settle(window, qtbot)
    overlay = window.simulation.overlay
    assert overlay.scene() is view.design_scene and overlay.isVisible()
    after = red_share(view.viewport().grab().toImage(), on_screen(window, element_id))
    assert after > max(0.5, before + 0.3), f"not drawn FAILED ({before:.2f} → {after:.2f})"

    # Show N-1 overlay: the rows are the headless analysis' single points of failure.
    spof = window.simulation.spof
    tabs = window.simulation.tabs  # Results | Single points of failure
    tab_bar = tabs.tabBar()
    QTest.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(1).center())
    assert spof.run_button.isVisible()
    played = list(controller.steps)
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    # The scenario just played waits aside (the heat map is the healthy design's), said so.
    assert controller.steps == [] and spof.aside_note.isVisible()
    assert "1 step) is set aside" in spof.aside_note.text()
    qtbot.waitUntil(lambda: spof.result is not None and not spof.running, timeout=30000)
    expected = analyze(window.session.design, 1).entries
    assert spof.table.rowCount() == len(expected)
    assert [spof.table.item(r, 0).text() for r in range(len(expected))] == [
        ", ".join(e.names) for e in expected
    ]
    assert overlay.heat is not None and set(overlay.heat) >= {
        el for e in expected for el in e.elements
    }
    # Off: the scenario comes back, to compare with the overlay (it was cleared, eyes18).
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert overlay.heat is None and not spof.aside_note.isVisible()
    assert controller.steps == played and element_id in controller.state().failed
    settle(window, qtbot)

    # Report…: the scenario bar's button writes the page of the scenario brought back.
    report = tmp_path / "report.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(report), ""))
    )
    QTest.mouseClick(button(window.simulation.bar, "Report…"), Qt.MouseButton.LeftButton)
    text = report.read_text(encoding="utf-8")
    name = window.session.document.get(element_id).name
    assert f"<h1>Scenario report: {window.session.design.name}</h1>" in text
    assert f"fail {name}</li>" in text
    assert text.count("data:image/png;base64,") >= 3  # the diagram at key moments, timeline
    # Each database's Why reads as the Results' at the scenario's end (it gave the bare
    # reason, "" for a database nothing touched).
    result = controller.result
    assert result is not None
    controller.set_time(result.final.settled_at + 60.0)
    table = window.simulation.results.table
    column = {c: COLUMNS.index(c) for c in ("Database", "Why")}

    def as_results() -> None:
        whys = {
            table.item(r, column["Database"]).text(): table.item(r, column["Why"]).text()
            for r in range(table.rowCount())
        }
        # As many rows as the report's (none in a new design without databases).
        assert len(whys) == len(controller.result.final.databases)  # type: ignore[union-attr]
        for name, why in whys.items():
            row = rf"<tr><td>{re.escape(html.escape(name))}</td>.*?<td>([^<]*)</td></tr>"
            found = re.search(row, text)
            assert found is not None and html.unescape(found.group(1)) == why, name

    qtbot.waitUntil(as_results, timeout=10000)


# -- the doors -------------------------------------------------------------------------
def test_command_line_argument(launch, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    assert window.session.path == DAG_WITH_HA.resolve()
    assert_simulation_works(window, qtbot, tmp_path, monkeypatch, "esx-den-01")


def test_no_argument_opens_the_bundled_sample(launch, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    assert window.session.design.name == load(THREE_SITE).name
    assert window.session.document.get("site-bos") is not None
    assert_simulation_works(window, qtbot, tmp_path, monkeypatch, "site-bos")


def test_file_open(launch, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(CX4_SRM), ""))
    )
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.session.path == CX4_SRM.resolve(), "Ctrl+O opened the chosen file"
    assert_simulation_works(window, qtbot, tmp_path, monkeypatch, "esx-phl-01")


def test_file_new_then_draw(launch, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not window.session.design.elements, "Ctrl+N gave an empty design"
    # Drop a site from the palette onto the empty canvas.
    view = window.view
    mime = QMimeData()
    mime.setData(KIND_MIME, b"site")
    pos = view.viewport().rect().center() - QPoint(200, 150)
    copy, left, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    for event in (
        QDragEnterEvent(pos, copy, mime, left, none),
        QDragMoveEvent(pos, copy, mime, left, none),
        QDropEvent(QPointF(pos), copy, mime, left, none),
    ):
        QApplication.sendEvent(view.viewport(), event)
    (site,) = window.session.design.elements
    assert site.kind == "site"
    assert_simulation_works(window, qtbot, tmp_path, monkeypatch, site.id)


def test_recent_file(launch, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = launch(CX4_SRM)  # an earlier session opened this file…
    first.close()
    window = launch(THREE_SITE)  # …today's starts on another one
    window.recent_menu.aboutToShow.emit()
    entries = {a.toolTip(): a for a in window.recent_menu.actions()}
    assert str(CX4_SRM.resolve()) in entries, list(entries)
    assert entries[str(CX4_SRM.resolve())].text() == f"&2 {CX4_SRM.name}"
    entries[str(CX4_SRM.resolve())].trigger()
    assert window.session.path == CX4_SRM.resolve()
    assert_simulation_works(window, qtbot, tmp_path, monkeypatch, "site-phl")


def test_recovery_offer(launch, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    crashed = launch(DAG_WITH_HA)
    crashed.session.set_selection(["site-den"])
    crashed.view.setFocus()
    QTest.keyClick(crashed.view.viewport(), Qt.Key.Key_Right)  # an unsaved edit
    assert crashed.session.dirty
    QApplication.processEvents()  # the next idle moment journals the edit
    crashed.recovery.abandon()  # its process is gone: a crash leaves the copy
    moved = crashed.session.design.layout["site-den"]
    crashed.session.undo_stack.setClean()  # leave without deleting the copy or asking
    crashed.hide()
    answers: list[str] = []

    def restore(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        answers.append(title)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(restore))
    window = launch()  # no argument: the offer comes first
    assert answers == ["Recover unsaved changes?"]
    assert window.session.design.layout["site-den"] == moved and window.session.dirty
    assert_simulation_works(window, qtbot, tmp_path, monkeypatch, "esx-den-02")


def test_the_command_runs_its_event_loop_until_the_window_closes(  # type: ignore[no-untyped-def]
    launch, qtbot, tmp_path, monkeypatch
) -> None:
    """``dr-designer gui FILE`` with its own ``exec()``: the user's steps run from the
    event loop; closing the window ends the command with exit code 0."""
    seen: list[str] = []

    def user(window: MainWindow) -> None:
        watchdog = QTimer(window)  # a failing step must not leave exec() running
        watchdog.setSingleShot(True)
        watchdog.timeout.connect(lambda: (seen.append("watchdog"), QApplication.quit()))
        watchdog.start(60_000)
        try:
            qtbot.waitExposed(window)
            window.activateWindow()
            assert_simulation_works(window, qtbot, tmp_path, monkeypatch, "esx-den-01")
            seen.append("simulated")
        finally:
            window.close()  # the last window: exec() returns

    assert launch.with_event_loop(user, DAG_WITH_HA) == 0
    assert seen == ["simulated"]
