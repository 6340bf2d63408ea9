"""Simulation mode driven like a user: F5, clicks on the canvas, the scenario bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.persistence import dumps
from designer.ui.main_window import MainWindow
from designer.ui.simulation.results_table import format_duration

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


class SimWindow:
    """The real main window on a sample design, opened as ``dr-designer gui SAMPLE``
    opens it (tests/gui_door.py), with its simulation mode."""

    def __init__(self, qtbot, launch, name: str) -> None:  # type: ignore[no-untyped-def]
        self.window: MainWindow = launch(SAMPLES / f"{name}.json")
        self.session = self.window.session
        self.view = self.window.view
        self.scene = self.view.design_scene
        self.mode = self.window.simulation
        self.controller = self.mode.controller
        self.qtbot = qtbot

    def enter(self) -> None:
        self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=3000)
        self.view.setFocus()
        QTest.keyClick(self.view.viewport(), Qt.Key.Key_F5)
        assert self.controller.active
        # The simulator comes in the turn after the canvas has painted the mode.
        self.qtbot.waitUntil(lambda: self.controller.ready, timeout=5000)

    def click(self, element_id: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
        rect = self.scene.rect_of(element_id)
        assert rect is not None, element_id
        self.view.ensureVisible(rect, 10, 10)
        # Click in the header of a box: inside the element, clear of its children.
        point = self.view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
        QTest.mouseClick(self.view.viewport(), Qt.MouseButton.LeftButton, modifier, point)

    def end(self) -> None:
        self.controller.pause()
        self.controller.set_time(self.controller.duration)
        self.qtbot.waitUntil(lambda: not self.mode.overlay.gliding, timeout=3000)


@pytest.fixture
def dag_with_ha(qtbot, launch) -> SimWindow:  # type: ignore[no-untyped-def]
    return SimWindow(qtbot, launch, "dag_with_ha")


@pytest.fixture
def three_site(qtbot, launch) -> SimWindow:  # type: ignore[no-untyped-def]
    return SimWindow(qtbot, launch, "three_site_stretched_dag")


def test_clicking_a_host_moves_database_markers_and_shows_ha_restart(dag_with_ha) -> None:  # type: ignore[no-untyped-def]
    w = dag_with_ha
    w.enter()
    before = w.mode.overlay.pill_position("db-den-db01")
    assert before is not None
    assert w.scene.rect_of("vm-den-mbx01").contains(before)
    w.click("esx-den-01")
    assert [(s.action, s.target) for s in w.controller.steps] == [("fail", "esx-den-01")]
    assert w.controller.playing, "a click starts the animation"
    assert "esx-den-01" in w.controller.state().failed
    w.end()
    after = w.mode.overlay.pill_position("db-den-db01")
    assert w.scene.rect_of("vm-den-mbx02").contains(after), "DB01's marker moved to MBX02"
    kinds = [(round(p.pos().x()), p.data().kind) for p in w.mode.timeline.scatter.points()]
    assert (50, "ha_restart") in kinds, "the timeline shows the HA restart at 0:50"
    assert w.mode.results.table.rowCount() == 4


def test_site_failure_fails_over_automatically(three_site) -> None:  # type: ignore[no-untyped-def]
    w = three_site
    w.enter()
    w.click("site-bos")
    w.end()
    state = w.controller.state()
    assert state.mailboxes_available == state.mailboxes_total == 8000
    assert {db.active_on for db in state.databases} <= {"vm-wor-mbx01", "vm-wor-mbx02"}
    assert not state.actions, "no administrator needed with a third-site witness"


def test_witness_site_lost_too_needs_switchover_button(three_site, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = three_site
    w.enter()
    w.click("site-hfd")
    w.click("site-bos", Qt.KeyboardModifier.ShiftModifier)
    assert [s.target for s in w.controller.steps] == ["site-hfd", "site-bos"]
    w.end()
    assert w.controller.state().mailboxes_available == 0
    button = w.mode.bar.action_buttons.get("switchover:dag-01")
    assert button is not None and button.isVisible()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert w.controller.steps[-1].action == "admin"
    w.end()
    assert w.controller.state().mailboxes_available == 8000


def test_play_advances_time_and_canvas_state(dag_with_ha, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = dag_with_ha
    w.enter()
    w.click("esx-den-01")
    w.controller.pause()
    w.controller.set_time(0.0)
    w.controller.set_speed(300.0)
    assert w.controller.state().database("db-den-db01").state != "active"
    QTest.mouseClick(w.mode.bar.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.controller.time > 70, timeout=5000)
    assert w.controller.state().database("db-den-db01").active_on == "vm-den-mbx02"
    assert w.mode.overlay.state is not None
    assert w.mode.overlay.state.database("db-den-db01").active_on == "vm-den-mbx02"


def test_clicking_a_failed_element_restores_it(dag_with_ha) -> None:  # type: ignore[no-untyped-def]
    w = dag_with_ha
    w.enter()
    w.click("esx-den-01")
    w.end()
    w.click("esx-den-01")
    assert [s.action for s in w.controller.steps] == ["fail", "restore"]
    w.end()
    assert "esx-den-01" not in w.controller.state().failed


def test_leaving_simulation_leaves_the_design_byte_identical(dag_with_ha) -> None:  # type: ignore[no-untyped-def]
    w = dag_with_ha
    before = dumps(w.session.design)
    stack_before = w.session.undo_stack.count()
    w.enter()
    w.click("esx-den-01")
    w.end()
    # Edits are off meanwhile: Delete does nothing, a drag moves nothing.
    QTest.keyClick(w.view.viewport(), Qt.Key.Key_Delete)
    QTest.keyClick(w.view.viewport(), Qt.Key.Key_F5)
    assert not w.controller.active
    assert not w.mode.overlay.isVisible()
    assert dumps(w.session.design) == before
    assert w.session.undo_stack.count() == stack_before
    assert not w.session.dirty


def test_n1_overlay_marks_the_single_load_balancer(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    w = SimWindow(qtbot, launch, "cas_array_edge")
    w.enter()
    QTest.mouseClick(w.mode.spof.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.mode.spof.result is not None, timeout=20_000)
    heat = w.mode.overlay.heat
    assert heat is not None and heat["lb-sea"] > 0
    named = [w.mode.spof.table.item(r, 0).text() for r in range(w.mode.spof.table.rowCount())]
    assert "SEA-EDGE-LB" in named


def test_save_scenario_and_run_all(dag_with_ha, tmp_path, _no_modal_dialogs) -> None:  # type: ignore[no-untyped-def]
    w = dag_with_ha
    w.enter()
    w.click("esx-den-01")
    w.end()
    assert w.mode.scenarios.save_current("Host esx-den-01 lost")
    saved = w.session.design.scenarios[-1]
    assert saved.name == "Host esx-den-01 lost" and saved.expected.mailboxes_available == 8000
    verdicts = dict(w.mode.scenarios.run_all())
    assert verdicts["Host esx-den-01 lost"] == []
    assert any(" passed, 0 failed" in text for _kind, text in _no_modal_dialogs)
    report = w.mode.scenarios.export_report(str(tmp_path / "report.html"))
    text = report.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") >= 4, "three key moments and the timeline"
    assert "DEN-DB01" in text and "restarted by vSphere HA" in text


def test_users_are_cut_off_until_their_databases_mount_elsewhere(three_site) -> None:  # type: ignore[no-untyped-def]
    w = three_site
    w.enter()
    w.click("site-bos")
    w.controller.pause()
    w.controller.set_time(20.0)
    during = w.mode.overlay.users_with_access(w.controller.state())
    assert during["site-bos"] < 4000, "DB01/DB02 are still failing over at 0:20"
    w.end()
    after = w.mode.overlay.users_with_access(w.controller.state())
    assert after["site-bos"] == 4000


def test_n1_overlay_replaces_a_running_scenario(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    w = SimWindow(qtbot, launch, "cas_array_edge")
    w.enter()
    w.click("site-sea")
    assert w.controller.steps
    QTest.mouseClick(w.mode.spof.run_button, Qt.MouseButton.LeftButton)
    assert not w.controller.steps, "the heat map describes the healthy design"
    qtbot.waitUntil(lambda: w.mode.spof.result is not None, timeout=20_000)


def test_readouts_say_time_in_minutes_label_events_and_fit_their_columns(dag_with_ha) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: the timeline read "time (ks)", its dots were unlabelled, the results
    columns were cut ("wai…")."""
    w = dag_with_ha
    w.enter()
    w.click("esx-den-01")
    w.end()
    axis = w.mode.timeline.axis
    assert axis.unit == "min" and axis.labelText == "time (min)"
    (major, values), *_ = axis.tickValues(0, w.controller.duration, 800)
    assert major % 60 == 0 and values, "ticks fall on whole minutes"
    assert axis.tickStrings(values, 1.0, major) == [f"{v / 60:g}" for v in values]
    labels = [item.toPlainText() for item in w.mode.timeline.labels]
    assert any("esx-den-01" in text for text in labels), labels
    table = w.mode.results.table
    metrics = table.fontMetrics()
    header = table.horizontalHeader()
    for row in range(table.rowCount()):
        for column in range(table.columnCount() - 1):  # the last column stretches
            text = table.item(row, column).text()
            assert metrics.horizontalAdvance(text) <= header.sectionSize(column), text


def test_a_failure_out_of_sight_is_brought_into_view_at_a_readable_zoom(three_site) -> None:  # type: ignore[no-untyped-def]
    from designer.domain.design import ScenarioStep

    w = three_site
    w.enter()
    w.view.set_zoom(0.2)
    w.view.centerOn(-5000, -5000)  # looking at nothing
    w.controller.set_steps([ScenarioStep(at_s=0, action="fail", target="esx-bos-01")])
    shown = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert shown.contains(w.scene.rect_of("esx-bos-01"))
    assert w.view.transform().m11() >= 0.5


def test_results_list_the_databases_by_name_first_to_last(dag_with_ha) -> None:  # type: ignore[no-untyped-def]
    # Qt's sort indicator starts at "descending": the table listed DB04 … DB01. The
    # affected come first (wave 25, fid25); a click on "Database" lists them by name,
    # first to last.
    w = dag_with_ha
    w.enter()
    w.click("esx-den-01")
    w.end()
    table = w.mode.results.table
    results = w.mode.results
    w.qtbot.waitUntil(lambda: results._pending is None and table.rowCount() == 4, timeout=3000)
    header = table.horizontalHeader()

    def click_name() -> None:
        QTest.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(header.sectionViewportPosition(0) + 10, header.height() // 2),
        )

    click_name()
    names = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert names == sorted(names) and len(set(names)) == 4
    # A second click turns the order round (the user's choice).
    click_name()
    assert [table.item(row, 0).text() for row in range(4)] == sorted(names, reverse=True)


def test_n1_overlay_counts_one_single_point_of_failure_in_the_singular(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # The lagged stretched DAG has exactly one: "1 single point of failure", not "points".
    w = SimWindow(qtbot, launch, "stretched_dag_lagged")
    w.enter()
    spof = w.mode.spof
    spof.run_button.click()  # "Show N-1 overlay"
    qtbot.waitUntil(lambda: spof.result is not None, timeout=30000)
    assert spof.table.rowCount() == 1
    assert spof.summary.text() == "1 single point of failure among 23 elements"


def test_long_administrator_actions_read_apart_on_their_buttons(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # Losing Philadelphia offers "Run recovery plan: RP-Philadelphia-Exchange…" and "Test
    # recovery plan: …": their buttons clipped the text at both ends, and both read
    # "ecovery plan: RP-Philadelphia-Exch".
    w = SimWindow(qtbot, launch, "cx4_srm_mirrorview_s")
    w.enter()
    w.click("site-phl")
    w.end()
    buttons = w.mode.bar.action_buttons
    plans = {key.split(":")[0]: b for key, b in buttons.items() if "recovery_plan" in key}
    assert set(plans) == {"run_recovery_plan", "test_recovery_plan"}
    for name, button in plans.items():
        assert button.isVisible()
        verb = name.replace("_", " ").capitalize()  # "Run recovery plan"
        assert button.text().startswith(f"{verb}: RP-") and button.text().endswith("…")
        assert button.toolTip().endswith("recovery plan RP-Philadelphia-Exchange")
        # The whole text fits the button: nothing is cut off at either end.
        assert button.sizeHint().width() <= button.width() <= button.maximumWidth()


SHOTS = Path("/tmp/ux10-shots")


@pytest.mark.parametrize("width", [1200, 1024])
def test_simulation_mode_keeps_a_laptop_window_width_with_actions_reachable(
    qtbot,
    launch,
    width: int,  # type: ignore[no-untyped-def]
) -> None:
    # The scenario bar in one row asked ~1,330 px (~1,665 px with two administrator
    # actions): F5 grew a 1,200 px window past a laptop's screen.
    w = SimWindow(qtbot, launch, "cx4_srm_mirrorview_s")
    w.window.resize(width, 800)
    qtbot.waitUntil(lambda: w.window.width() == width, timeout=3000)
    w.enter()
    w.click("site-phl")
    w.end()
    bar = w.mode.bar
    qtbot.waitUntil(lambda: len(bar.action_buttons) >= 2, timeout=3000)
    QApplication.processEvents()
    SHOTS.mkdir(exist_ok=True)
    w.window.grab().save(str(SHOTS / f"scenario-bar-{width}.png"))
    assert w.window.width() <= width
    assert bar.minimumSizeHint().width() <= width
    keys = list(bar.action_buttons)
    for key in keys:
        button = bar.action_buttons[key]
        # Shown whole inside the window, where the user can click it.
        assert button.isVisible()
        top_left = button.mapTo(w.window, QPoint(0, 0))
        assert top_left.x() >= 0 and top_left.x() + button.width() <= w.window.width()
    for key in keys:
        w.end()
        button = w.mode.bar.action_buttons.get(key)
        if button is None:  # an earlier action made it moot
            continue
        expected = len(w.controller.steps) + 1
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=expected: len(w.controller.steps) == n, timeout=3000)
        step = w.controller.steps[-1]
        assert step.action == "admin" and step.admin_action == key.split(":")[0]
        w.controller.remove_step(len(w.controller.steps) - 1)


def test_site_loss_timeline_opens_on_the_failover_with_far_events_at_the_edge(
    three_site,  # type: ignore[no-untyped-def]
) -> None:
    # Losing Boston: "log LUN … fills at T+45:46:35" (T+22:53:17 since the passive
    # copies' logs count too) stretched the time axis to 45 h, and every failover event
    # sat at 0.
    w = three_site
    w.enter()
    w.click("site-bos")
    w.end()
    timeline = w.mode.timeline
    far = [p.data() for p in timeline.scatter.points() if p.data().kind == "log_lun_full"]
    assert far and min(e.t for e in far) > 20 * 3600
    near = [p.data() for p in timeline.scatter.points() if p.data().t < 3600]
    assert near, "the failover's events"
    view = timeline.events_plot.getViewBox()
    (x0, x1), _ = view.viewRange()
    # The view opens on the failover: its events spread over the plot, not all at 0.
    assert x0 <= 0 and max(e.t for e in near) < x1 < 600
    # The far events are named at the right edge, and "Fit all" shows them.
    edge = [item.toPlainText() for item in timeline.off_range]
    assert any("log LUN" in text and "T+22:53:17 →" in text for text in edge), edge
    # The RTO target (30 min) beyond the view is named at the mailbox plot's edge.
    rto = timeline.rto_line.value()
    assert rto > x1 and timeline.rto_edge is not None
    assert timeline.rto_edge.toPlainText() == f"RTO target T+{format_duration(rto)} →"
    SHOTS.mkdir(exist_ok=True)
    timeline.grab().save(str(SHOTS / "timeline-site-loss.png"))
    QTest.mouseClick(timeline.fit_button, Qt.MouseButton.LeftButton)
    (x0, x1), _ = view.viewRange()
    assert x1 > max(e.t for e in far)
    assert not timeline.off_range and timeline.rto_edge is None
    timeline.grab().save(str(SHOTS / "timeline-site-loss-fit-all.png"))
    QTest.mouseClick(timeline.fit_button, Qt.MouseButton.LeftButton)
    assert view.viewRange()[0][1] < 600


def test_a_failure_followed_into_view_shows_the_zoom_and_detail_of_the_new_view(three_site) -> None:  # type: ignore[no-untyped-def]
    """Following a failure zooms the view: the status bar's zoom figure and the level of
    detail (VMs and databases drawn, or summarised by their boxes) follow it, as after
    any other zoom (they stayed those of the far view: "20 %", the VMs summarised)."""
    w = three_site
    w.enter()
    w.view.setFocus()
    while w.view.scale_factor >= 0.25:  # Ctrl+- until the rows are summarised
        QTest.keyClick(w.view.viewport(), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    far = f"{w.view.scale_factor * 100:.0f} %"
    assert w.window.zoom_label.text() == far and not w.scene.detail_visible
    rect = w.scene.rect_of("esx-bos-01")
    assert rect is not None
    w.view.ensureVisible(rect, 10, 10)
    point = w.view.mapFromScene(rect.center().x(), rect.top() + 8)
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert "esx-bos-01" in w.controller.state().failed
    scale = w.view.scale_factor
    assert scale >= 0.5, "followed at a readable zoom"
    assert w.window.zoom_label.text() == f"{scale * 100:.0f} %" != far
    assert w.scene.detail_visible, "the host's VMs are drawn at a readable zoom"


def test_the_timeline_follows_the_playhead_while_playing(three_site, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Losing Boston, the timeline opens on the failover (its first few minutes) while
    the scenario runs for 45 hours: played, the playhead ran off the view's right edge
    and the plots stayed where they were. They now turn a page when it gets there, the
    view as wide as it was; a view the user chose is left alone while paused."""
    w = three_site
    w.enter()
    w.click("site-bos")
    w.end()
    timeline = w.mode.timeline
    view = timeline.events_plot.getViewBox()
    (x0, x1), _ = view.viewRange()
    width = x1 - x0
    assert x1 < 600 < w.controller.duration
    w.controller.set_time(0.0)
    w.controller.set_speed(x1 / 0.5)  # the view's width in half a second
    QTest.mouseClick(w.mode.bar.play_button, Qt.MouseButton.LeftButton)
    assert w.controller.playing
    qtbot.waitUntil(lambda: w.controller.time > 2.5 * x1, timeout=10_000)
    seen = []
    for _ in range(20):
        (a, b), _ = view.viewRange()
        seen.append((a, b, w.controller.time))
        qtbot.wait(30)
    QTest.mouseClick(w.mode.bar.play_button, Qt.MouseButton.LeftButton)  # pause
    assert not w.controller.playing
    for a, b, t in seen:
        assert a <= t <= b + 1e-6, (a, b, t)
        assert b - a == pytest.approx(width, rel=1e-6)  # the same zoom, a page on
    assert seen[-1][0] > x1 / 2  # it has moved on from the failover's page
    SHOTS.mkdir(exist_ok=True)
    timeline.grab().save(str(SHOTS / "timeline-follows-the-playhead.png"))
    # Paused, a time set beyond the view (a results row, a step) leaves the view as is.
    (a, b), _ = view.viewRange()
    w.controller.set_time(b + width)
    assert view.viewRange()[0] == pytest.approx([a, b])
