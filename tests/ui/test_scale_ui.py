"""Big designs keep the window responsive (issue 10): findings arriving in thousands are
marked on the canvas in slices, and simulation mode builds a big design's simulator only
after its docks have appeared. The sizes are made small by lowering the thresholds; the
timings themselves are measured in benchmarks/bench_scale.py, not here."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget
from test_canvas_support import small_design

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.rules.engine import CheckResult
from designer.rules.finding import Finding
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.view import DesignView
from designer.ui.session import EditorSession
from designer.ui.simulation import controller as controller_module


@pytest.fixture
def canvas(qtbot):  # type: ignore[no-untyped-def]
    session = EditorSession(small_design())
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    return session, view


def _findings(n: int, elements: list[str]) -> list[Finding]:
    return [
        Finding("VS002", f"synthetic finding {i}", (elements[i % len(elements)],)) for i in range(n)
    ]


def test_thousands_of_findings_are_marked_in_slices_between_paints(canvas, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    session, view = canvas
    scene = view.design_scene
    monkeypatch.setattr(scene_module, "MARKER_SLICE", 10)
    monkeypatch.setattr(scene_module, "MARKER_SLICE_S", -1.0)  # one chunk per turn
    monkeypatch.setattr(scene_module, "MARKER_CHUNK", 2)
    drawn = ["vm-b1", "esx-b1", "esx-w1", "lun-b1", "lun-b2", "lun-w1", "arr-b", "arr-w"]
    session.findings = CheckResult(_findings(400, drawn))
    session.findings_changed.emit()
    # The emit returned before every item was marked: the rest follows between paints.
    assert any(scene.marker_of(i) is None for i in drawn)
    # The marks are known before every item is restyled: wait for the drawn markers
    # (set with their tooltips), not only the marks (a flaky wait before).
    qtbot.waitUntil(
        lambda: (
            all(scene.marker_of(i) is not None for i in drawn)
            and all(node.marker is not None for i, node in scene.nodes.items() if i in drawn)
        ),
        timeout=5000,
    )
    assert scene.marker_of("vm-b1") == (Finding("VS002", "x", ()).severity, 50)
    assert "synthetic finding 0" in scene.nodes["vm-b1"].toolTip()
    assert "… and 38 more" in scene.nodes["vm-b1"].toolTip()


def test_findings_that_change_while_being_marked_end_as_the_latest(canvas, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    session, view = canvas
    scene = view.design_scene
    monkeypatch.setattr(scene_module, "MARKER_SLICE", 10)
    monkeypatch.setattr(scene_module, "MARKER_SLICE_S", -1.0)
    monkeypatch.setattr(scene_module, "MARKER_CHUNK", 2)
    session.findings = CheckResult(_findings(400, ["vm-b1", "esx-b1", "esx-w1", "lun-b1"]))
    session.findings_changed.emit()
    session.findings = CheckResult(_findings(20, ["esx-w1"]))
    session.findings_changed.emit()
    qtbot.waitUntil(lambda: scene._marker_job is None, timeout=5000)  # marked to the end
    assert scene.marker_of("esx-w1")[1] == 20  # type: ignore[index]
    assert scene.marker_of("vm-b1") is None and scene.marker_of("esx-b1") is None
    assert scene.nodes["vm-b1"].marker is None


def _marked_per_slice(scene, drawn: list[str]) -> list[set[str]]:  # type: ignore[no-untyped-def]
    """Run the marker slices to their end, each with no deadline (a slice then ends
    early only to let the canvas repaint): which of ``drawn`` each slice marked."""
    per_slice: list[set[str]] = []
    done: set[str] = set()
    while scene._marker_job is not None:
        scene._marker_slice(float("inf"))
        marked = {i for i in drawn if scene.nodes[i].marker is not None} - done
        per_slice.append(marked)
        done |= marked
    return per_slice


def test_marks_in_view_are_drawn_first_a_few_per_repaint(canvas, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """Restyling a marked item in view repaints it on the canvas; out of view it does
    not: the slices restyle what the view shows first, a few items per slice, each such
    slice ending its turn so that the canvas paints them; the rest follows at once."""
    session, view = canvas
    scene = view.design_scene
    monkeypatch.setattr(scene_module, "MARKER_SLICE", 2)
    monkeypatch.setattr(scene_module, "MARKER_CHUNK", 1)
    monkeypatch.setattr(scene_module, "MARKER_IN_VIEW", 1)
    # No slice ends for time (12 ms is short on a loaded machine): only for a repaint.
    monkeypatch.setattr(scene_module, "MARKER_SLICE_S", 3600.0)
    view.resetTransform()
    view.scale(4, 4)
    view.centerOn(115, 82)  # vm-b1 and its host esx-b1 fill the view
    drawn = ["lun-w1", "arr-w", "esx-w1", "lun-b2", "lun-b1", "arr-b", "esx-b1", "vm-b1"]
    session.findings = CheckResult(_findings(40, drawn))
    session.findings_changed.emit()
    slices_marked = _marked_per_slice(scene, drawn)
    assert len(slices_marked) == 3
    assert slices_marked[0] | slices_marked[1] == {"vm-b1", "esx-b1"}
    assert slices_marked[2] == set(drawn) - {"vm-b1", "esx-b1"}


def test_marks_in_view_are_restyled_neighbours_together(canvas, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """The items in view a slice restyles are neighbours (by the layout: left to right,
    top to bottom), so that each repaint covers a small part of the view, not items
    scattered over all of it."""
    session, view = canvas
    scene = view.design_scene
    monkeypatch.setattr(scene_module, "MARKER_SLICE", 2)
    monkeypatch.setattr(scene_module, "MARKER_CHUNK", 1)
    monkeypatch.setattr(scene_module, "MARKER_IN_VIEW", 2)
    monkeypatch.setattr(scene_module, "MARKER_SLICE_S", 3600.0)
    view.zoom_fit()
    drawn = ["lun-w1", "arr-w", "esx-w1", "lun-b2", "lun-b1", "arr-b", "esx-b1", "vm-b1"]
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert all(shown.contains(scene.rect_of(i)) for i in drawn)  # type: ignore[arg-type]
    layout = session.design.layout
    for order in (drawn, drawn[::-1]):
        session.findings = CheckResult(_findings(40, order))
        session.findings_changed.emit()
        batches = [b for b in _marked_per_slice(scene, drawn) if b]
        assert all(len(b) <= 2 for b in batches) and len(batches) == 4
        place = [sorted((layout[i].x, layout[i].y) for i in b) for b in batches]
        assert all(a[-1] <= b[0] for a, b in itertools.pairwise(place))
        session.findings = CheckResult([])
        session.findings_changed.emit()
        qtbot.waitUntil(lambda: scene._marker_job is None, timeout=5000)


def test_simulation_mode_builds_a_big_designs_simulator_after_its_docks_appear(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
):
    """Started at once, the worker shared the interpreter lock with the docks' first
    frames (an entry stall of 330–440 ms at 25k, bench_scale.py)."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    monkeypatch.setattr(controller_module, "SYNC_PREPARE_LIMIT", 100)  # 1k counts as big
    window = launch(path)
    controller = window.simulation.controller
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert controller.active and not controller.ready
    assert controller._pool.activeThreadCount() == 0  # not yet: the docks paint first
    dock = window.simulation.docks[1]
    qtbot.waitUntil(lambda: dock.isVisible(), timeout=3000)
    assert not controller.ready
    qtbot.waitUntil(lambda: controller.ready, timeout=10000)
    databases = [e for e in window.session.design.elements if e.kind == "mailbox_database"]
    table = window.simulation.results.table
    qtbot.waitUntil(
        lambda: (
            table.rowCount() == len(databases) and table.item(len(databases) - 1, 0) is not None
        ),
        timeout=10000,
    )
    shown = {table.item(row, 0).text() for row in range(table.rowCount())}
    assert shown == {db.name for db in databases}


FIRST_FRAME_PROBE = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget
from designer.ui.app import open_window

app = QApplication(sys.argv[:1])
HEAVY = (
    "networkx",
    "pyqtgraph",
    "numpy",
    "designer.ui.simulation.mode",
    "designer.ui.simulation.timeline",
    "designer.ui.availability.feature",
    "designer.interop.drawio",
    "xml.etree.ElementTree",
    "designer.interop.importing",
    "designer.interop.command",
)

class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and type(obj.parent()).__name__ == "DesignView":
            win = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
            loaded = [m for m in HEAVY if m in sys.modules]
            loaded.append("mode built" if win._simulation is not None else "mode not built")
            loaded.append("availability built" if win._availability else "availability not built")
            QTimer.singleShot(0, lambda: report(loaded))
            app.removeEventFilter(self)
        return False

def report(loaded):
    def built():
        win = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
        if win._simulation is None or win._availability is None:
            QTimer.singleShot(20, built)
            return
        dock = win.findChild(QDockWidget, "AvailabilityDock")
        print(json.dumps({
            "at first frame": loaded,
            "docks": len(win.simulation.docks),
            "availability dock": dock is not None,
            "menu": [a.text() for a in win.view_menu.actions()].count("Availability"),
        }))
        os._exit(0)
    built()

probe = Probe()
app.installEventFilter(probe)
open_window(sys.argv[1])
QTimer.singleShot(60000, lambda: os._exit(3))
app.exec()
"""


def test_the_first_frame_does_not_wait_for_simulation_mode(tmp_path: Path) -> None:
    """Simulation mode (its docks, timeline and networkx; about a second of a cold start
    before) and the Availability dock (pyqtgraph, numpy, the simulator) are imported and
    built after the window's first frame."""
    import json
    import os
    import subprocess
    import sys

    from designer.persistence import load

    design = load(Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json")
    path = tmp_path / "design.json"
    path.write_text(dumps(design), encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "DR_DESIGNER_LOG_DIR": str(tmp_path / "logs"),
    }
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Neither simulation mode nor the Availability dock (pyqtgraph, numpy, networkx and
    # the simulator) is waited for by the first frame; both are built after it. Nor is
    # draw.io's writer (xml.etree): an export imports it; nor are File > Import's
    # readers (the import does).
    assert result["at first frame"] == ["mode not built", "availability not built"]
    assert result["docks"] >= 2
    assert result["availability dock"] and result["menu"] == 1


def test_f5_before_simulation_mode_is_built_builds_and_enters_it(qtbot, launch, monkeypatch):  # type: ignore[no-untyped-def]
    from designer.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "_import_simulation_in_background", lambda self: None)
    window = launch(Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json")
    assert window._simulation is None
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    mode = window.simulation
    assert mode.controller.active and window.simulate_action.isChecked()
    # One mode: one overlay on the canvas, one set of docks.
    overlays = [
        i for i in window.view.design_scene.items() if type(i).__name__ == "SimulationOverlay"
    ]
    assert overlays == [mode.overlay]
    titles = [d.windowTitle() for d in window.findChildren(QDockWidget)]
    assert titles.count("Timeline") == 1
    assert window.session.design.elements[0].id
    host = next(e.id for e in window.session.design.elements if e.kind == "esxi_host")
    rect = window.view.design_scene.rect_of(host)
    window.view.ensureVisible(rect, 10, 10)
    point = window.view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(
        window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    assert host in mode.controller.state().failed  # a click fails it, as in the mode
    qtbot.waitUntil(lambda: all(dock.isVisible() for dock in mode.docks), timeout=3000)
    assert window.session.read_only
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert not mode.controller.active and not window.session.read_only


def test_building_simulation_mode_after_the_first_frame_leaves_the_canvas_as_it_was(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch
):
    from designer.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "_import_simulation_in_background", lambda self: None)
    window = launch(Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json")
    view = window.view
    before = (view.viewport().size(), view.mapToScene(view.viewport().rect()).boundingRect())
    docks = {d.objectName(): d.size() for d in window.findChildren(QDockWidget) if d.isVisible()}
    _ = window.simulation
    QApplication.processEvents()
    assert (
        view.viewport().size(),
        view.mapToScene(view.viewport().rect()).boundingRect(),
    ) == before
    assert {
        d.objectName(): d.size() for d in window.findChildren(QDockWidget) if d.isVisible()
    } == docks


def test_a_burst_of_edits_on_a_big_design_is_checked_once_for_the_last(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """Checks of a design past SYNC_CHECK_LIMIT run on the worker; one that an edit has
    overtaken before it starts is skipped (each took ~0.4 s of the CPU at 25k)."""
    import sys

    from designer.document import SetProperty
    from designer.ui import session as session_module

    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 5)
    checked: list[int] = []
    real_check = session_module.LiveCheck.check

    def counting(self, design, **kwargs):  # type: ignore[no-untyped-def]
        checked.append(len(design.elements))
        return real_check(self, design, **kwargs)

    monkeypatch.setattr(session_module.LiveCheck, "check", counting)
    session = EditorSession(small_design())
    session.wait_for_findings()
    checked.clear()
    interval = sys.getswitchinterval()
    for n in range(20):
        session.push(SetProperty("vm-b1", "mailboxes", 100 + n))
    session.wait_for_findings()
    qtbot.waitUntil(lambda: session.findings_revision == session.document.revision, timeout=5000)
    assert 1 <= len(checked) < 20
    assert sys.getswitchinterval() == interval  # the worker's short interval is undone


def test_the_workers_check_runs_with_the_collector_off_and_turns_it_back_on(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """A check on the worker starts no cyclic collection (each held the interpreter
    lock 20-75 ms at 25k while the window waited); the collector is on again after."""
    import gc

    from designer.document import SetProperty
    from designer.ui import session as session_module

    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 5)
    seen: list[bool] = []
    real_check = session_module.LiveCheck.check

    def watching(self, design, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real_check(self, design, **kwargs)

    monkeypatch.setattr(session_module.LiveCheck, "check", watching)
    session = EditorSession(small_design())
    session.wait_for_findings()
    session.push(SetProperty("vm-b1", "mailboxes", 123))
    session.wait_for_findings()
    qtbot.waitUntil(lambda: session.findings_revision == session.document.revision, timeout=5000)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_reference_choices_from_the_index_are_those_of_a_scan() -> None:
    """The Inspector's reference editors read their choices from the index (a scan of
    every element per field, at every selection, grew with the design)."""
    from designer.domain.elements import ELEMENT_CLASSES
    from designer.domain.index import DesignIndex
    from designer.ui.panels.field_editors import _ref_entries
    from designer.ui.panels.field_specs import field_specs

    design = generate_design(1000, seed=0)
    index = DesignIndex(design)
    kinds = {spec.kinds for cls in ELEMENT_CLASSES.values() for spec in field_specs(cls)}
    kinds.discard(())
    assert len(kinds) > 5
    for wanted in kinds:
        assert _ref_entries(design, wanted, index) == _ref_entries(design, wanted), wanted


def test_a_big_results_table_shows_its_rows_while_it_fills(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path: Path
):
    """The table's updates stayed off across the event-loop turns between its slices:
    for the whole fill (a second at 10k) the Results dock was a black rectangle."""
    from designer.ui.simulation import results_table

    monkeypatch.setattr(results_table, "LAZY_ROWS", 10)
    monkeypatch.setattr(results_table, "FILL_SLICE_S", 0.0)  # 16 rows per slice
    panel_class = results_table.ResultsPanel
    seen: list[tuple[bool, int]] = []
    real_slice = panel_class._fill_slice

    def slice_then_look(panel):  # type: ignore[no-untyped-def]
        real_slice(panel)
        if panel._pending is not None and not seen:
            # Between two slices, as the user sees the table: its viewport's pixels.
            image = panel.table.viewport().grab().toImage()
            dark = sum(
                1
                for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)
                if image.pixelColor(x, y).lightness() < 40
            )
            total = len(range(0, image.width(), 7)) * len(range(0, image.height(), 7))
            seen.append((panel.table.updatesEnabled(), dark * 100 // total))

    monkeypatch.setattr(panel_class, "_fill_slice", slice_then_look)
    # 160 databases: more than the rows in sight, which a slice fills all at once.
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    window = launch(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.ready and bool(seen), timeout=10000)
    updates_enabled, dark_percent = seen[0]
    assert updates_enabled, "the table paints between its slices"
    assert dark_percent < 5, f"{dark_percent} % of the table is black while it fills"
    table = window.simulation.results.table
    qtbot.waitUntil(lambda: table.item(159, 0) is not None, timeout=5000)
    assert table.updatesEnabled()


def test_a_filling_results_table_shows_the_newest_state_in_its_visible_rows(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path: Path
):
    """A site failed and the playhead taken to the end while the table's rows are still
    being built: the rows in sight read the newest state at once, not the one the fill
    started from (at 25k ~200 rows read "waiting / — / no" for a second while the bar
    said 497,956 / 497,956 mailboxes: the newest state was applied only when the fill
    ended, and the rows on top were the oldest)."""
    from designer.ui.simulation import results_table

    monkeypatch.setattr(results_table, "LAZY_ROWS", 10)
    monkeypatch.setattr(results_table, "FILL_SLICE_S", 0.0)  # 16 rows per slice
    panel_class = results_table.ResultsPanel
    real_slice = panel_class._fill_slice
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")  # 160 databases
    window = launch(path)
    controller = window.simulation.controller
    bar = window.simulation.bar
    view = window.view
    looked: list[list[tuple[str, str, str, str]]] = []
    acted: list[bool] = []

    def sight(panel) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
        """The rows in sight, as the user reads them: name, state, active on, meets."""
        table = panel.table
        top, bottom = table.rowAt(0), table.rowAt(table.viewport().height() - 1)
        bottom = table.rowCount() - 1 if bottom < 0 else bottom
        rows = []
        for row in range(max(top, 0), bottom + 1):
            cells = [table.item(row, column) for column in (0, 1, 2, 5)]
            if all(cell is not None for cell in cells):
                rows.append(tuple(cell.text() for cell in cells))
        return rows

    def act_between_slices(panel):  # type: ignore[no-untyped-def]
        if panel._pending is not None and panel.table.item(47, 0) is not None and not acted:
            # The user, between two slices of the fill (48 rows made), fails site DC01
            # on the canvas, then takes the playhead to the end (End on the scenario
            # bar's slider).
            acted.append(True)
            rect = view.design_scene.rect_of("site-01")
            view.ensureVisible(rect, 10, 10)
            point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
            bar.slider.setFocus()
            QTest.keyClick(bar.slider, Qt.Key.Key_End)
            real_slice(panel)
            looked.append(sight(panel))
            return
        real_slice(panel)

    monkeypatch.setattr(panel_class, "_fill_slice", act_between_slices)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bool(looked), timeout=10000)
    assert controller.time == controller.duration > 0
    state = controller.state()
    assert [(s.action, s.target) for s in controller.steps] == [("fail", "site-01")]
    names = {db.name: db for db in state.databases}
    table = window.simulation.results.table
    assert table.rowCount() == len(names) == 160
    shown = looked[0]
    assert 8 <= len(shown) < 48, shown  # rows made before out of sight: updated at the end

    def reads(name: str) -> tuple[str, str, str]:
        """What the newest state says of a database: state, active on, meets targets."""
        db = names[name]
        word = {"active": "active", "down": "down", "waiting": "waiting"}[db.state]
        if db.state == "active" and not db.reachable:
            word = "unreachable"
        server = window.session.document.get(db.active_on) if db.state == "active" else None
        return word, server.name if server else "—", "yes" if db.meets_targets else "no"

    # The newest state is not the one the fill started from (DC01's databases now run
    # elsewhere): a row left from that one contradicts it.
    before = {db.name: db.active_on for db in controller.simulator.initial.databases}
    assert any(before[row[0]] != names[row[0]].active_on for row in shown)
    stale = [row for row in shown if row[1:] != reads(row[0])]
    assert not stale, f"rows in sight read an older state than the bar's: {stale}"
    qtbot.waitUntil(lambda: window.simulation.results._pending is None, timeout=5000)
    every = [tuple(table.item(r, c).text() for c in (0, 1, 2, 5)) for r in range(table.rowCount())]
    assert all(row[1:] == reads(row[0]) for row in every)


def test_the_session_remembers_how_long_its_last_check_on_the_worker_took(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """From the check's start to its findings: what the Overview waits on (a picture
    rendered while the check runs contends with it for the GIL)."""
    import time

    from designer.document import SetProperty
    from designer.ui import session as session_module

    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 5)
    real_check = session_module.LiveCheck.check

    def slow(self, design, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        return real_check(self, design, **kwargs)

    monkeypatch.setattr(session_module.LiveCheck, "check", slow)
    session = EditorSession(small_design())
    assert session.check_ms == 0.0
    session.push(SetProperty("vm-b1", "mailboxes", 123))
    qtbot.waitUntil(lambda: session.findings_revision == session.document.revision, timeout=5000)
    assert 200 <= session.check_ms < 5000
