"""Wave 18 (fixf18): eyes18's leftovers, each through the real window (``dr-designer
gui`` and File > New's Two-site DAG) with real clicks, at 1280 x 800."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from check_lists import click_check, list_rows
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLineEdit,
    QListView,
)

from designer.domain.enums import VmRole
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

SHOTS = Path("/tmp/fixf18-shots")


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _two_site_dag(launch: Any, qtbot: Any) -> Any:
    window = launch()  # dr-designer gui
    window.resize(1280, 800)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()  # File > New > Two-site DAG
    qtbot.waitUntil(lambda: window.session.design.name == "Two-site DAG", timeout=3000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def test_a_dags_inspector_lists_its_mailbox_servers_first_and_greys_the_others(
    launch: Any, qtbot: Any
) -> None:
    """The Two-site DAG's DAG01 offered every VM as a member, domain controllers and
    Client Access servers among the Mailbox servers, in name order (eyes18, ui #17): a
    DAG's members are Mailbox servers (DOMAIN.md), a DC as a member is DAG009."""
    window = _two_site_dag(launch, qtbot)
    window.session.focus("dag-1")
    qtbot.waitUntil(lambda: window.session.selection == ["dag-1"], timeout=3000)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "dag-1"
    members = inspector.editors["members"].editor
    assert isinstance(members, QListView)
    document = window.session.document
    rows = list_rows(members)
    vms = [document.get(item.data(Qt.ItemDataRole.UserRole)) for item in rows]
    mailbox = [VmRole.MAILBOX in vm.roles for vm in vms]
    assert any(mailbox) and not all(mailbox)
    # The Mailbox servers first (the four members among them, ticked), the others after.
    assert mailbox == sorted(mailbox, reverse=True)
    first = [item.text() for item, m in zip(rows, mailbox, strict=True) if m]
    assert first == ["DR-MBX01", "DR-MBX02", "PRD-MBX01", "PRD-MBX02"]
    assert all(rows[i].checkState() == Qt.CheckState.Checked for i in range(4))
    # A domain controller's row is greyed with its reason, and a click cannot tick it.
    (dc,) = [i for i, vm in enumerate(vms) if vm.name == "PRD-DC01"]
    item = rows[dc]
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "Not a Mailbox server" in item.toolTip() and "DAG009" in item.toolTip()
    assert all(rows[i].flags() & Qt.ItemFlag.ItemIsEnabled for i in range(4))
    inspector.scroll_area.ensureWidgetVisible(members)
    _shot(inspector, "dag-members")
    members.scrollTo(item.index)
    QApplication.processEvents()
    changed: list[str] = []

    def clicked(top: Any, bottom: Any, roles: Any) -> None:
        # A row's box clicked (the whole list shown again after an edit names no role).
        if top == bottom and Qt.ItemDataRole.CheckStateRole in roles:
            changed.append(top.data())

    members.model().dataChanged.connect(clicked)

    def tick(row: int) -> None:  # a click on the row's check box (not a double click)
        qtbot.wait(QApplication.doubleClickInterval() + 50)
        click_check(rows[row])

    before = (document.revision, document.get("dag-1"))
    tick(dc)
    assert changed == [] and (document.revision, document.get("dag-1")) == before
    # The same click on a member's box does reach it (refused: DB01 has a copy there).
    members.scrollToTop()
    tick(0)
    assert changed == ["DR-MBX01"] and "not a member of DAG DAG01" in (
        window.statusBar().currentMessage()
    )


def test_the_n1_overlay_sets_the_scenario_aside_and_brings_it_back(launch: Any, qtbot: Any) -> None:
    """Single points of failure > Show N-1 overlay emptied the scenario just played
    (fail a site, a switchover) with no word (eyes18, ui #12): it waits aside, the panel
    says so, and turning the overlay off brings it back at the same time cursor."""
    window = _two_site_dag(launch, qtbot)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.ready, timeout=10_000)
    site = next(e.id for e in window.session.design.elements if e.name == "Production")
    controller.click(site)
    controller.pause()
    controller.set_time(controller.duration / 2)
    played, at = list(controller.steps), controller.time
    assert at > 0
    spof = window.simulation.spof
    tabs = window.simulation.tabs
    tab = tabs.tabBar().tabRect(1).center()  # Results | Single points of failure
    QTest.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tab)
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: spof.result is not None and not spof.running, timeout=30_000)
    assert controller.steps == [] and spof.aside_note.isVisible()
    assert spof.aside_note.text().startswith("The scenario you played (1 step) is set aside")
    _shot(window, "n1-overlay-scenario-aside")
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert controller.steps == played and controller.time == at
    assert site in controller.state().failed and not spof.aside_note.isVisible()
    # A scenario built while the overlay showed is the user's latest: it stays.
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: spof.result is not None and not spof.running, timeout=30_000)
    other = next(e.id for e in window.session.design.elements if e.name == "Recovery")
    controller.click(other)
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert [s.target for s in controller.steps] == [other]


def test_the_two_site_templates_dag002_names_the_step_left_and_takes_it(
    launch: Any, qtbot: Any
) -> None:
    """File > New > Two-site DAG opened with DAG002 asking for what the template has
    (an alternate witness in the other site, DAC mode on, manual intent): the user could
    not clear it (eyes18, fid #3). It now names the step left, a waiver with the
    switchover plan as its reason, which Waive… takes."""
    window = _two_site_dag(launch, qtbot)
    session = window.session
    qtbot.waitUntil(
        lambda: any(f.code == "DAG002" for f in session.findings.active), timeout=10_000
    )
    (finding,) = [f for f in session.findings.active if f.code == "DAG002"]
    assert "alternate witness DR-FS01 share in Recovery and DAC mode are set" in finding.message
    assert "waive this finding with the switchover plan as its reason" in finding.message
    problems = window.findChild(ProblemsPanel)
    assert problems is not None
    model = problems.table.model()
    (row,) = [
        r for r in range(model.rowCount()) if model.index(r, 0).data(FINDING_ROLE).code == "DAG002"
    ]
    problems.table.setCurrentIndex(model.index(row, 0))
    _shot(window, "dag002-two-site")

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        QTest.keyClicks(edit, "Datacenter switchover plan: DR-FS01 as alternate witness, DAC on")
        QTest.keyClick(edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    QTest.mouseClick(problems.waive_button, Qt.MouseButton.LeftButton)
    (waiver,) = session.design.rules.waivers
    assert waiver.code == "DAG002" and "switchover plan" in waiver.reason
    qtbot.waitUntil(
        lambda: not any(f.code == "DAG002" for f in session.findings.active), timeout=10_000
    )


def test_f5_keeps_what_the_user_was_looking_at_in_view(launch: Any, qtbot: Any) -> None:
    """After F5 the Results and Timeline docks shrink the canvas and the view was not
    refitted: the Recovery site and the DAG went half off-screen (eyes18, ui #11). What
    the view showed stays in it; F5 again puts the zoom and centre back."""
    window = _two_site_dag(launch, qtbot)
    window.resize(1600, 1000)  # eyes18's screen
    QApplication.processEvents()
    view = window.view
    view.zoom_fit()
    QApplication.processEvents()
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    drawing = view.drawing_rect()
    assert seen.contains(drawing)
    zoom, centre = view.scale_factor, seen.center()
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    assert window.simulation.controller.active
    QApplication.processEvents()
    now = view.mapToScene(view.viewport().rect()).boundingRect()
    assert now.contains(drawing), (now, drawing)
    assert view.scale_factor < zoom  # (one transform: zoomed out as little as that needs)
    _shot(window, "f5-kept-in-view")
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    assert not window.simulation.controller.active
    QApplication.processEvents()
    assert abs(view.scale_factor - zoom) < 1e-9
    back = view.mapToScene(view.viewport().rect()).boundingRect().center()
    assert abs(back.x() - centre.x()) < 2 / zoom and abs(back.y() - centre.y()) < 2 / zoom
