"""An architect's what-if session on the three-site sample (eyes22), through
``dr-designer gui FILE``: F5, the N-1 sweep finds no single point of failure; leaving
the mode, the witness moves into Worcester and a fifth DAG member joins in Boston, so
losing Boston now takes every database. Back in the mode, the "Single points of
failure" tab still said "No single point of failure among 37 elements" over the old
empty table: it now asks for the sweep again, and the sweep finds Boston."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton
from test_canvas_support import drag

from designer.document import ChangeElements, SetProperty

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _open(launch: Any, qtbot: Any) -> Any:
    """``dr-designer gui`` on the sample, its window active (F5 and Ctrl+F reach it)."""
    window = launch(SAMPLE)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def _spof_tab(tabs: Any) -> None:
    """A click on the Results dock's "Single points of failure" tab."""
    bar = tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())


def _sweep(qtbot: Any, spof: Any) -> None:
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: spof.result is not None and not spof.running, timeout=30_000)


def _f5(window: Any) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)


def test_the_n1_tab_does_not_keep_a_sweep_of_the_design_before_an_edit(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = _open(launch, qtbot)
    mode = window.simulation
    controller, spof, tabs = mode.controller, mode.spof, mode.tabs
    prompt = spof.summary.text()
    assert prompt.startswith("Press Show N-1 overlay")
    _f5(window)
    assert controller.active
    _spof_tab(tabs)
    _sweep(qtbot, spof)
    assert spof.summary.text().startswith("No single point of failure among")
    assert spof.table.rowCount() == 0
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)  # Hide N-1 overlay
    # Leaving and coming back without an edit keeps the sweep: it is still true.
    _f5(window)
    _f5(window)
    assert spof.summary.text().startswith("No single point of failure among")
    _f5(window)
    assert not controller.active
    session = window.session
    news = []
    for element in session.design.elements:
        if element.id == "fsw-hfd":
            news.append(element.model_copy(update={"site": "site-wor", "vm": "vm-wor-fs01"}))
        elif element.id == "dag-01":
            news.append(element.model_copy(update={"members": [*element.members, "vm-bos-vdp01"]}))
    assert session.push(ChangeElements(news, "Move the witness, add a member"))
    _f5(window)
    assert controller.active
    assert tabs.currentWidget() is spof
    assert spof.summary.text() == prompt, spof.summary.text()
    assert spof.table.rowCount() == 0 and spof.result is None
    qtbot.wait(100)
    window.grab().save(str(tmp_path / "n1-after-edit.png"))
    _sweep(qtbot, spof)
    assert spof.summary.text().startswith("1 single point of failure among")
    assert spof.table.item(0, 0).text() == "Boston"
    assert spof.table.item(0, 1).text() == "8,000"
    # Its cut sets say "1 single point of failure" (it read "1 single points").
    QTest.mouseClick(spof.cut_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(spof.cut_summary.text()), timeout=60_000)
    text = spof.cut_summary.text()
    assert text.endswith("minimal cut sets up to order 2 (1 single point of failure)"), text


def test_the_scenario_report_pictures_the_failover_not_the_page_the_playhead_reached(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Worcester lost, played on past 1:40: the timeline turned its page (1:40-3:20, no
    event in it) and the scenario report's "Timeline" pictured that page. It now
    pictures the failover (as the panel opens on a new result) and leaves the user's
    page as it was."""
    window = _open(launch, qtbot)
    mode = window.simulation
    controller, timeline = mode.controller, mode.timeline
    _f5(window)
    controller.wait_until_ready()
    controller.click("site-wor")
    controller.set_speed(200.0)
    controller.play()
    qtbot.waitUntil(lambda: controller.time > 150.0, timeout=20_000)
    controller.pause()
    (page, _y) = timeline.events_plot.getViewBox().viewRange()
    assert page[0] > 60.0, page  # the page the playhead turned to: after the failover
    pictured: list[tuple[float, float]] = []
    grab = timeline.graphics.grab

    def recorded() -> Any:
        (x0, x1), _ = timeline.events_plot.getViewBox().viewRange()
        pictured.append((x0, x1))
        return grab()

    monkeypatch.setattr(timeline.graphics, "grab", recorded)
    target = tmp_path / "site-b.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    (report,) = [b for b in mode.bar.findChildren(QToolButton) if b.text() == "Report…"]
    QTest.mouseClick(report, Qt.MouseButton.LeftButton)
    assert target.exists()
    ((x0, x1),) = pictured
    assert x0 <= 0.0 and 69.0 < x1 < 150.0, (x0, x1)  # the failover: mounted at 1:09
    assert timeline.events_plot.getViewBox().viewRange()[0] == page
    assert "Timeline" in target.read_text(encoding="utf-8")


def test_dragging_the_witness_into_another_site_says_its_vm_stays(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    """The witness HFD-FS01's box dragged from Hartford into Worcester changes its share's
    site only: its VM HFD-FS01 runs in Hartford still (the simulator then loses the
    witness with either site). The drag said "Move HFD-FS01 share into
    Worcester" and nothing of it; it now names the VM left behind, before the release
    and in the undo step."""
    window = launch(SAMPLE)
    view, scene, session = window.view, window.view.design_scene, window.session
    witness = scene.nodes["fsw-hfd"].scene_rect()
    worcester = scene.nodes["site-wor"].scene_rect()
    view.centerOn(QPointF(worcester.right(), witness.center().y()))
    # The box's body, off its ports (the middle of each side starts a connection).
    start = (witness.left() + witness.width() / 4, witness.center().y() + 6)
    end = (worcester.right() - 200, worcester.bottom() - 40)
    said: list[str] = []
    session.status_message.connect(said.append)
    drag(view, start, end, steps=6)
    moved = session.document.get("fsw-hfd")
    assert moved.site == "site-wor" and moved.vm == "vm-hfd-fs01"
    text = "Move HFD-FS01 share into Worcester (its VM HFD-FS01 stays in Hartford)"
    assert f"Release: {text}" in said, said
    assert text in session.undo_stack.undoText()
    window.grab().save(str(tmp_path / "witness-dragged.png"))


def test_the_cut_sets_order_shown_is_the_order_listed(launch: Any, qtbot: Any) -> None:
    """Cut sets listed at "order ≤ 2"; after an edit, a site found with Ctrl+F in
    simulation mode outlines what takes it down, computed at the Availability panel's
    order 3, and the N-1 tab's list became "… up to order 3" under "order ≤ 2"."""
    window = _open(launch, qtbot)
    mode = window.simulation
    spof, tabs = mode.spof, mode.tabs
    _f5(window)
    _spof_tab(tabs)
    assert spof.cut_order.value() == 2
    QTest.mouseClick(spof.cut_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "up to order 2" in spof.cut_summary.text(), timeout=60_000)
    _f5(window)
    assert window.session.push(SetProperty("site-wor", "users", 4100))
    _f5(window)
    find = window.find_edit
    find.setFocus()
    QTest.keyClicks(find, "Worcester")
    QTest.keyClick(find, Qt.Key.Key_Return)
    assert window.session.selection == ["site-wor"]
    qtbot.waitUntil(lambda: "up to order 3" in spof.cut_summary.text(), timeout=60_000)
    assert spof.cut_order.value() == 3


def test_the_scenario_report_is_offered_under_the_scenario_s_name(
    launch: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """Report… proposed "scenario-report.html" for every scenario; now the design's file
    and the scenario: the saved one played (Saved scenarios menu), else the words Save
    scenario… offers ("fail Hartford"), with no path separators from the name."""
    window = _open(launch, qtbot)
    mode = window.simulation
    bar, controller = mode.bar, mode.controller
    _f5(window)
    controller.wait_until_ready()
    bar.saved_button.menu().aboutToShow.emit()  # the menu fills as it opens
    (fig12,) = [a for a in bar.saved_button.menu().actions() if a.data() == SAVED]
    fig12.trigger()
    controller.pause()
    offered: list[str] = []

    def save_as(*args: Any, **_kw: Any) -> tuple[str, str]:
        offered.append(Path(args[2]).name)
        return "", ""  # cancelled

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    report = _button(bar, "Report…")
    QTest.mouseClick(report, Qt.MouseButton.LeftButton)
    QTest.mouseClick(_button(bar, "Clear"), Qt.MouseButton.LeftButton)
    controller.click("site-hfd")
    QTest.mouseClick(report, Qt.MouseButton.LeftButton)
    assert offered == [
        "three_site_stretched_dag - Fig. 12 automatic site failover.html",
        "three_site_stretched_dag - fail Hartford.html",
    ]


SAVED = "Fig. 12: automatic site failover"


def _button(bar: Any, text: str) -> Any:
    (button,) = [b for b in bar.findChildren(QToolButton) if b.text() == text]
    return button
