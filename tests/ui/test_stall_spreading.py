"""A big design's window spreads heavy UI work over event-loop turns (issue 10): the
Problems panel makes thousands of new findings into rows in slices, simulation mode
shows its timeline plots after the canvas has painted, and no cyclic collection runs
while a worker prepares the simulator. The sizes are made small by lowering the
thresholds; the stalls themselves are measured in benchmarks/bench_scale.py."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer import collector
from designer.persistence import dumps
from designer.rules.engine import CheckResult
from designer.rules.finding import Finding
from designer.ui import slices
from designer.ui.canvas import scene as scene_module
from designer.ui.panels import ProblemsPanel
from designer.ui.panels import inspector as inspector_module
from designer.ui.panels import problems as problems_module
from designer.ui.simulation import controller as controller_module

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _problems(window) -> ProblemsPanel:  # type: ignore[no-untyped-def]
    return next(d.widget() for d in window.docks if isinstance(d.widget(), ProblemsPanel))


def test_thousands_of_findings_reach_the_problems_table_in_slices(qtbot, launch, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(problems_module, "BUILD_SLICE_S", -1.0)  # 64 rows a turn
    # One row per finding (else the 3,000 of one rule are one row that opens: wave 20's
    # test_window_leftovers20 tests that); the rows' slices are tested here.
    monkeypatch.setattr(problems_module, "GROUP_AT", 10**9)
    monkeypatch.setattr(inspector_module, "MANY_FINDINGS", 10)
    window = launch(SAMPLES / "dag_with_ha.json")
    session = window.session
    panel = _problems(window)
    vms = [e for e in session.design.elements if e.kind == "vm"]
    many = [
        Finding("VS002", f"synthetic finding {i}", (vms[i % len(vms)].id,)) for i in range(3000)
    ]
    before = panel.model.rowCount()
    session.findings = CheckResult(list(many))
    session.findings_changed.emit()
    # The signal returned before the rows were made: the table still shows the old ones.
    assert panel.building and panel.model.rowCount() == before
    assert "3,000 warnings" not in panel.windowTitle()
    qtbot.waitUntil(lambda: not panel.building, timeout=10_000)
    # Every finding is a row, in the check's order, with its element's name.
    assert panel.model.rowCount() == 3000
    shown = [panel.model.rows[n].finding for n in range(3000)]
    assert shown == many
    assert panel.model.index(7, 3).data() == vms[7 % len(vms)].name
    assert "3,000 warnings" in panel.windowTitle()
    # The Inspector's label (nothing selected: the design's counts) followed too.
    inspector = window.findChild(inspector_module.InspectorPanel)
    qtbot.waitUntil(lambda: "3,000 warning" in inspector.findings_label.text(), timeout=3000)
    # Filtered as before.
    panel.filter_edit.setText("synthetic finding 2999")
    assert [r.finding for r in panel.model.rows] == [many[2999]]
    panel.filter_edit.clear()
    assert panel.model.rowCount() == 3000
    # A click on a row selects its element.
    dock = next(d for d in window.docks if d.widget() is panel)
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: panel.table.isVisible(), timeout=3000)
    index = panel.model.index(5, 2)
    panel.table.scrollTo(index)
    rect = panel.table.visualRect(index)
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.selection == [vms[5 % len(vms)].id]


def test_a_few_findings_reach_the_problems_table_at_once(qtbot, launch):  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    session = window.session
    panel = _problems(window)
    vm = next(e for e in session.design.elements if e.kind == "vm")
    session.findings = CheckResult([Finding("VS002", "one synthetic finding", (vm.id,))])
    session.findings_changed.emit()
    assert not panel.building
    assert [r.finding.message for r in panel.model.rows] == ["one synthetic finding"]


def test_thousands_of_findings_take_turns_within_one_budget_and_all_show(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch
):
    """The Problems panel's rows and the canvas's marks are made in slices of one
    shared budget a turn (designer.ui.slices): with the budget spent by the first slice
    of each turn, one slice runs a turn and the two jobs alternate, neither waiting
    for the other to finish; at the end every finding is a row and a mark."""
    monkeypatch.setattr(slices, "TURN_BUDGET_S", -1.0)
    monkeypatch.setattr(problems_module, "BUILD_SLICE_S", -1.0)  # 64 rows a slice
    monkeypatch.setattr(problems_module, "GROUP_AT", 10**9)  # one row per finding
    monkeypatch.setattr(scene_module, "MARKER_CHUNK", 2)
    steps: list[tuple[str, float]] = []
    start = slices.Slices.start

    def logged_start(runner, key, owner, step, **options):  # type: ignore[no-untyped-def]
        def logged(deadline: float) -> bool:
            steps.append((key[1], deadline))
            return step(deadline)

        start(runner, key, owner, logged, **options)

    monkeypatch.setattr(slices.Slices, "start", logged_start)
    window = launch(SAMPLES / "dag_with_ha.json")
    session = window.session
    panel = _problems(window)
    scene = window.view.design_scene
    vms = [e.id for e in session.design.elements if e.kind == "vm"]
    many = [Finding("VS002", f"synthetic finding {i}", (vms[i % len(vms)],)) for i in range(3000)]
    steps.clear()
    session.findings = CheckResult(list(many))
    session.findings_changed.emit()
    qtbot.waitUntil(lambda: not panel.building and scene._marker_job is None, timeout=20_000)
    names = [name for name, _ in steps if name in ("rows", "markers")]
    assert "rows" in names and "markers" in names
    # Each turn ran one slice (a new deadline per slice), and the jobs overlapped.
    assert len({deadline for _, deadline in steps}) == len(steps)
    last = {name: len(names) - 1 - names[::-1].index(name) for name in ("rows", "markers")}
    assert names.index("markers") < last["rows"] and names.index("rows") < last["markers"]
    # Everything shows: every finding a row, in order, and each VM's mark counts its own.
    assert [row.finding for row in panel.model.rows] == many
    assert "3,000 warnings" in panel.windowTitle()
    for n, vm in enumerate(vms):
        expected = len(range(n, 3000, len(vms)))
        assert scene.marker_of(vm) == (many[0].severity, expected)
        assert scene.nodes[vm].marker == (many[0].severity, expected)
    # And going back to none clears every mark, in slices too (many marks going).
    monkeypatch.setattr(scene_module, "MARKER_SLICE", 2)
    session.findings = CheckResult([])
    session.findings_changed.emit()
    assert any(scene.nodes[vm].marker is not None for vm in vms)
    qtbot.waitUntil(lambda: scene._marker_job is None, timeout=20_000)
    assert all(scene.marker_of(vm) is None and scene.nodes[vm].marker is None for vm in vms)
    assert panel.model.rowCount() == 0


def test_up_to_the_slicing_threshold_every_row_is_made_at_once(qtbot, launch, monkeypatch):  # type: ignore[no-untyped-def]
    """However short the slices' budget, findings under the threshold are all rows as
    soon as the signal returns (the budget caps sliced work only)."""
    monkeypatch.setattr(problems_module, "BUILD_SLICE_S", -1.0)
    monkeypatch.setattr(problems_module, "GROUP_AT", 10**9)  # one row per finding
    window = launch(SAMPLES / "dag_with_ha.json")
    session = window.session
    panel = _problems(window)
    vm = next(e for e in session.design.elements if e.kind == "vm")
    few = [Finding("VS002", f"synthetic finding {i}", (vm.id,)) for i in range(300)]
    session.findings = CheckResult(list(few))
    session.findings_changed.emit()
    assert not panel.building
    assert [row.finding for row in panel.model.rows] == few


def _big_design_window(qtbot, launch, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    monkeypatch.setattr(controller_module, "SYNC_PREPARE_LIMIT", 100)  # 1k counts as big
    window = launch(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    return window


def test_simulation_mode_shows_its_timeline_plots_after_the_canvas_has_painted(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
):
    window = _big_design_window(qtbot, launch, tmp_path, monkeypatch)
    mode = window.simulation
    timeline, controller = mode.timeline, mode.controller
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert controller.active
    # The dock is there; its plots wait for the canvas's frame (a placeholder keeps
    # the dock's size).
    assert mode.docks[0].isVisibleTo(window) and timeline.held
    assert not timeline.graphics.isVisibleTo(timeline)
    assert timeline.placeholder.isVisibleTo(timeline)
    qtbot.waitUntil(lambda: not timeline.held, timeout=3000)
    assert timeline.graphics.isVisible() and not timeline.placeholder.isVisibleTo(timeline)
    qtbot.waitUntil(lambda: controller.ready, timeout=20_000)
    # The lookups of edits, built after opening in slices with the collector paused
    # (held while the simulator was prepared), finish in the turns after it.
    qtbot.waitUntil(lambda: not window.session.preparing_edits, timeout=20_000)
    assert gc.isenabled(), "the collector runs again once the simulator is prepared"
    # A new result: the canvas shows it first, the plots in the turn after its paint.
    host = next(e.id for e in window.session.design.elements if e.kind == "esxi_host")
    controller.click(host)
    assert controller.result is not None and controller.result.events
    assert len(timeline.scatter.points()) == 0, "not before the canvas has painted"
    # The overlay works out what it draws in a turn of its own, then the canvas repaints.
    overlay = mode.overlay
    assert overlay.state is controller.state() and overlay._drawn.marks is None
    qtbot.waitUntil(lambda: overlay._drawn.marks is not None, timeout=3000)
    assert host in {element_id for element_id, *_ in overlay._drawn.marks}
    qtbot.waitUntil(lambda: len(timeline.scatter.points()) > 0, timeout=3000)
    kinds = {p.data().kind for p in timeline.scatter.points()}
    assert {e.kind for e in controller.result.events} == kinds


def test_a_small_designs_timeline_follows_a_new_result_at_once(qtbot, launch):  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    mode = window.simulation
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    # Entering the mode is in turns for every design (the plots and the simulator after
    # the canvas's first paint, tests/ui/test_f5_spread.py); a new result is not.
    qtbot.waitUntil(lambda: not mode.timeline.held and mode.controller.ready, timeout=5000)
    assert mode.timeline.graphics.isVisibleTo(mode.timeline)
    mode.controller.click("esx-den-01")
    assert len(mode.timeline.scatter.points()) == len(mode.controller.result.events)


def test_the_collector_is_paused_while_simulators_are_prepared_and_resumed_after() -> None:
    was = gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        gc.enable()
        collector.pause()
        collector.pause()  # two jobs
        assert not gc.isenabled()
        collector.resume(freeze=True)
        assert not gc.isenabled(), "one job still builds"
        collector.resume(freeze=True)
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen  # what was built is out of its reach
        gc.disable()  # a collector that was off stays off
        collector.pause()
        collector.resume()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_a_sizing_that_ends_during_the_check_leaves_the_collector_off_until_it_ends() -> None:
    """The check, the sizing and the simulator's preparation each had their own switch:
    a sizing begun before a check and ending under it turned the collector back on for
    the rest of the check (20-75 ms collections with the interpreter lock held)."""
    from designer.capacity import shared

    was = gc.isenabled()
    gc.enable()
    frozen = gc.get_freeze_count()
    try:
        sizing = shared._no_full_collections(True)  # a sizing, on its worker
        check = collector.collector_paused()  # the live check, on another
        sizing.__enter__()
        check.__enter__()
        sizing.__exit__(None, None, None)
        assert not gc.isenabled(), "the check still runs"
        check.__exit__(None, None, None)
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen, "the sizing is frozen once the check ends"
    finally:
        # Not gc.unfreeze(): it would hand every object the suite's earlier windows froze
        # (their cycles never to be collected) to the next collection, the collector's
        # tidy in the next test's window — a segmentation fault in CI (wave 27). The few
        # objects this test froze stay frozen.
        if not was:
            gc.disable()


def test_a_report_right_after_a_new_result_pictures_the_current_timeline(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
):
    from designer.ui.simulation.scenarios import render_report

    window = _big_design_window(qtbot, launch, tmp_path, monkeypatch)
    mode = window.simulation
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: mode.controller.ready and not mode.timeline.held, timeout=20_000)
    host = next(e.id for e in window.session.design.elements if e.kind == "esxi_host")
    mode.controller.click(host)
    assert len(mode.timeline.scatter.points()) == 0  # the plots wait for the canvas
    text = render_report(mode.controller, mode.scenarios.views)
    assert "<h2>Timeline</h2>" in text
    assert len(mode.timeline.scatter.points()) == len(mode.controller.result.events)


def test_marks_being_cleared_wait_while_simulation_mode_prepares_its_simulator(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
):
    """F5 right after thousands of findings went away: the slices clearing their marks
    ran beside the simulator's worker and each of their calls into Qt waited for the
    interpreter lock (F5 stalled 458 ms at 100k instead of 200). The window's slices
    wait until the simulator is ready, then finish: every mark is gone."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    monkeypatch.setattr(controller_module, "SYNC_PREPARE_LIMIT", 100)  # 1k counts as big
    monkeypatch.setattr(slices, "TURN_BUDGET_S", -1.0)  # one slice a turn
    monkeypatch.setattr(scene_module, "MARKER_SLICE", 2)
    monkeypatch.setattr(scene_module, "MARKER_CHUNK", 1)
    window = launch(path)
    session = window.session
    controller = window.simulation.controller
    scene = window.view.design_scene
    vms = [e.id for e in session.design.elements if e.kind == "vm"]
    session.findings = CheckResult(
        [Finding("VS002", f"synthetic finding {i}", (vms[i % len(vms)],)) for i in range(3000)]
    )
    session.findings_changed.emit()
    qtbot.waitUntil(lambda: scene._marker_job is None, timeout=20_000)

    def marked() -> int:
        return sum(scene.nodes[vm].marker is not None for vm in vms)

    assert marked() == len(vms)
    session.findings = CheckResult([])
    session.findings_changed.emit()  # the marks go in slices ...
    window.simulation.action.trigger()  # ... and F5 comes before they are done
    assert controller.active and not controller.ready
    assert slices.shared().held
    counts: list[int] = []

    def ready() -> bool:
        counts.append(marked())
        return controller.ready

    qtbot.waitUntil(ready, timeout=20_000)
    assert set(counts) == {len(vms)}  # no slice ran while the simulator was prepared
    qtbot.waitUntil(lambda: scene._marker_job is None, timeout=20_000)
    assert marked() == 0 and not slices.shared().held
    controller.set_active(False)
