"""Wave 19's window leftovers (``ui19``, from eyes18's notes), each through the user's
door (``dr-designer gui FILE``) with real clicks, keys, drops and wheel turns:

* a VM given an Exchange role takes an Exchange version, and its Windows version
  follows the Exchange version while the user has not chosen one (an Exchange 2010
  server was left on Windows 2012, a Mailbox server with no version);
* the Problems panel's current row wraps its whole message (DAG002's last clause,
  the action to take, was cut off);
* Show N-1 overlay pressed reads as pressed;
* a palette drop and Paste put a box's top-left corner at the pointer (one rule);
* a second host dropped beside the first in a cluster lines up with it;
* the mouse wheel scrolls and Ctrl+wheel zooms (Visio's and draw.io's way), View >
  Mouse Wheel Zooms for those who want the wheel to zoom, kept in the settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from check_lists import click_check, list_rows
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QCursor, QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QInputDialog,
    QLineEdit,
    QListView,
    QMenu,
    QStyleOptionViewItem,
    QToolButton,
)
from test_canvas_support import click, wheel
from test_capacity_window import degrade_from_menu, open_tab, simulate
from test_link_fix_by_keyboard import plan_databases
from test_newcomer_drawing import _drop, _name_field

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import EsxiHost, Site, VirtualMachine, VsphereCluster
from designer.persistence import save
from designer.ui import dialogs
from designer.ui.main_window import WHEEL_ZOOMS_KEY
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/ui19-shots"))
SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
CTRL = Qt.KeyboardModifier.ControlModifier


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _cluster_design(folder: Path, *, vm: bool = False) -> Path:
    """A site with a cluster holding one host (and a VM on it: ``vm``), laid out."""
    elements = [
        Site(id="bos", name="Boston"),
        VsphereCluster(id="cl", name="BOS-Cluster", site="bos"),
        EsxiHost(id="esx-1", name="esx-bos-01", site="bos", cluster="cl"),
    ]
    layout = {
        "bos": LayoutEntry(x=0, y=0, w=900, h=600),
        "cl": LayoutEntry(x=20, y=40, w=800, h=400),
        "esx-1": LayoutEntry(x=40, y=80, w=180, h=110),
    }
    if vm:
        elements.append(VirtualMachine(id="vm-1", name="BOS-MBX01", host="esx-1"))
        layout["vm-1"] = LayoutEntry(x=50, y=112, w=160, h=24)
    path = folder / "cluster.drd.json"
    save(Design(name="Cluster", elements=elements, layout=layout), path)
    return path


def _two_site_dag(launch: Any, qtbot: Any) -> Any:
    """``dr-designer gui``, 1280 x 800, then File > New > Two-site DAG."""
    window = launch()
    window.resize(1280, 800)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()  # File > New > Two-site DAG
    qtbot.waitUntil(lambda: window.session.design.name == "Two-site DAG", timeout=3000)
    return window


def _simulating(window: Any, qtbot: Any) -> Any:
    """F5 on the canvas; the simulation controller once ready."""
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.ready, timeout=10_000)
    return controller


# -- 1. defaults that agree with the rules ------------------------------------------------
def _tick(list_view: QListView, text: str) -> None:
    """A click on the check box of ``text``'s row (not a double click)."""
    (row,) = [row for row in list_rows(list_view) if row.text() == text]
    click_check(row)


def test_a_vm_given_an_exchange_role_takes_an_exchange_version_and_windows_follows_it(
    launch: Any, qtbot: Any
) -> None:
    window = launch(_cluster_design(launch.home, vm=True))
    window.resize(1280, 800)
    session, view = window.session, window.view
    view.set_zoom(1.0)
    view.centerOn(300, 200)
    click(view, (130, 124))  # the VM's box
    assert session.selection == ["vm-1"]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "vm-1"
    vm = session.document.get("vm-1")
    assert (vm.exchange_version, vm.windows_version) == (None, "2012 x64")  # the blank VM's

    roles = inspector.editors["roles"].editor
    assert isinstance(roles, QListView)
    inspector.scroll_area.ensureWidgetVisible(roles)
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    # Hub Transport: Exchange 2013 has no such role (EX006), so the newest version that
    # has it (a Mailbox server ticked first takes 2013, whose Windows is the VM's already:
    # wave 26, tests/ui/test_window26_after_drawing.py).
    _tick(roles, "Hub Transport")
    vm = session.document.get("vm-1")
    # The rules knew no version until the user picked one; Windows 2012 is not one
    # every Exchange 2010 supports (2010 SP3 only): 2008 R2, as the catalog says.
    assert [r.value for r in vm.roles] == ["hub_transport"]
    assert (vm.exchange_version, vm.windows_version) == ("2010", "2008 R2 x64")
    combo = inspector.editors["exchange_version"].editor
    windows = inspector.editors["windows_version"].editor
    assert isinstance(combo, QComboBox) and isinstance(windows, QLineEdit)
    assert combo.currentText() == "2010" and windows.text() == "2008 R2 x64"
    assert window.statusBar().currentMessage() == (
        "Also set, to agree: Exchange version 2010, Windows version 2008 R2 x64 (yours to change)"
    )
    _shot(inspector, "inspector-mailbox-role-defaults")
    # One undo step, named after what the user did.
    assert session.undo_stack.undoText() == "Set roles of BOS-MBX01"
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, CTRL)
    vm = session.document.get("vm-1")
    assert (vm.roles, vm.exchange_version, vm.windows_version) == ([], None, "2012 x64")
    QTest.keyClick(view.viewport(), Qt.Key.Key_Y, CTRL)

    # Exchange 2007 picked with the keyboard: Windows 2008 x64, which EX003 asks for.
    inspector.scroll_area.ensureWidgetVisible(combo)
    combo.setFocus()
    while combo.currentText() != "2007":
        QTest.keyClick(combo, Qt.Key.Key_Up)
    vm = session.document.get("vm-1")
    assert (vm.exchange_version, vm.windows_version) == ("2007", "2008 x64")
    qtbot.waitUntil(lambda: not session.checking, timeout=10_000)
    assert not [f for f in session.findings.active if f.code == "EX003"]
    # A Windows version the user typed stays when the Exchange version changes.
    windows.setFocus()
    windows.selectAll()
    QTest.keyClicks(windows, "2008 R2 x64 SP1")
    QTest.keyClick(windows, Qt.Key.Key_Return)
    assert session.document.get("vm-1").windows_version == "2008 R2 x64 SP1"
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)
    vm = session.document.get("vm-1")
    assert (vm.exchange_version, vm.windows_version) == ("2010", "2008 R2 x64 SP1")


# -- 2. the Problems panel's long messages ------------------------------------------------
def test_the_current_problem_row_wraps_its_whole_message(launch: Any, qtbot: Any) -> None:
    window = _two_site_dag(launch, qtbot)
    session = window.session
    qtbot.waitUntil(
        lambda: any(f.code == "DAG002" for f in session.findings.active), timeout=10_000
    )
    problems = window.findChild(ProblemsPanel)
    assert problems is not None
    table, model = problems.table, problems.table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    (row,) = [
        r for r in range(model.rowCount()) if model.index(r, 0).data(FINDING_ROLE).code == "DAG002"
    ]
    message = model.index(row, 2).data()
    assert message.endswith("or move the witness to a third site linked to both member sites")
    one_line = table.verticalHeader().defaultSectionSize()  # (the first row is current)
    metrics = table.fontMetrics()
    assert metrics.horizontalAdvance(message) > table.columnWidth(2)  # cut off, one line
    cell = table.visualRect(model.index(row, 2))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert table.currentIndex().row() == row
    tall = table.rowHeight(row)
    # Tall enough for the message wrapped at the column's width: every word shows.
    width = table.columnWidth(2) - 8
    needed = metrics.boundingRect(0, 0, width, 100_000, Qt.TextFlag.TextWordWrap, message)
    assert tall >= needed.height() > 2 * metrics.height() and tall > one_line
    # Drawn wrapped (the delegate's option), the other rows not.
    option = QStyleOptionViewItem()
    table.itemDelegate().initStyleOption(option, model.index(row, 2))
    assert option.features & QStyleOptionViewItem.ViewItemFeature.WrapText
    _shot(problems, "problems-current-row-wrapped")
    _shot(window, "problems-current-row-wrapped-window")
    # A narrower panel: the row grows with the lines the message now takes.
    width = table.columnWidth(2)
    window.resize(1000, 800)
    qtbot.waitUntil(lambda: table.columnWidth(2) < width, timeout=3000)
    qtbot.waitUntil(lambda: table.rowHeight(row) > tall, timeout=3000)


# -- 3. Show N-1 overlay pressed ------------------------------------------------------------
def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_the_n1_overlay_button_reads_as_pressed(launch: Any, qtbot: Any) -> None:
    window = _two_site_dag(launch, qtbot)
    _simulating(window, qtbot)
    tabs, spof = window.simulation.tabs, window.simulation.spof
    QTest.mouseClick(
        tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center()
    )
    button = spof.run_button
    edge = QPoint(5, button.height() // 2)  # inside the frame, clear of the words
    raised = button.grab().toImage().pixelColor(edge)
    raised_height = button.height()
    assert button.text() == "Show N-1 overlay"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: spof.result is not None and not spof.running, timeout=30_000)
    assert button.isChecked() and button.text() == "Hide N-1 overlay"
    assert button.height() == raised_height  # nothing under it jumps
    pressed = button.grab().toImage().pixelColor(edge)
    highlight = button.palette().color(QPalette.ColorRole.Highlight)
    # The selection colour, far from the raised look (Fusion's pressed shade was a few
    # levels darker than it).
    assert _distance(pressed, highlight) < 40, (pressed.name(), highlight.name())
    assert _distance(pressed, raised) > 150, (pressed.name(), raised.name())
    _shot(spof, "n1-overlay-pressed")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.isChecked() and button.text() == "Show N-1 overlay"
    _shot(spof, "n1-overlay-raised")


# -- 4. and 5. where a new box lands -----------------------------------------------------
def test_a_dropped_and_a_pasted_box_land_with_their_top_left_corner_at_the_pointer(
    launch: Any,
) -> None:
    path = launch.home / "blank.drd.json"
    save(Design(name="Blank"), path)
    window = launch(path)
    window.resize(1280, 800)
    session, view = window.session, window.view
    view.set_zoom(1.0)
    view.centerOn(600, 400)
    _drop(view, "site", (100, 100))  # the palette's Site, released at (100, 100)
    field = _name_field(window)
    QTest.keyClicks(field, "Boston")
    QTest.keyClick(field, Qt.Key.Key_Return)
    (site,) = session.design.elements
    entry = session.document.layout_of(site.id)
    assert (entry.x, entry.y) == (100.0, 100.0)  # it was centred there: (-250, -200)
    click(view, (300, 110))  # its title bar
    assert session.selection == [site.id]
    QTest.keyClick(view.viewport(), Qt.Key.Key_C, CTRL)
    target = QPoint(view.viewport().width() - 80, 60)  # the view's top-right corner
    QCursor.setPos(view.viewport().mapToGlobal(target))
    QTest.mouseMove(view.viewport(), target)
    QTest.keyClick(view.viewport(), Qt.Key.Key_V, CTRL)  # Edit > Paste: at the pointer
    pasted = [e for e in session.design.elements if e.id != site.id]
    assert [e.kind for e in pasted] == ["site"]
    there = session.document.layout_of(pasted[0].id)
    at = view.mapToScene(target)
    assert (there.x, there.y) == (round(at.x(), 1), round(at.y(), 1))
    _shot(window, "drop-and-paste-top-left")


def test_a_second_host_dropped_beside_the_first_lines_up_with_it(launch: Any) -> None:
    window = launch(_cluster_design(launch.home))
    window.resize(1280, 800)
    session, view = window.session, window.view
    view.set_zoom(1.0)
    view.centerOn(420, 260)
    # eyes18: dropped 15 px lower than the first host, it stayed 15 px lower.
    _drop(view, "esxi_host", (300, 95))
    QTest.keyClick(_name_field(window), Qt.Key.Key_Return)
    (host,) = [e for e in session.design.elements if e.kind == "esxi_host" and e.id != "esx-1"]
    entry, first = session.document.layout_of(host.id), session.document.layout_of("esx-1")
    assert host.cluster == "cl"  # type: ignore[attr-defined]
    assert entry.y == first.y and entry.x == 300.0
    # Dropped under it, a little to the right: in its column.
    _drop(view, "esxi_host", (52, 240))
    QTest.keyClick(_name_field(window), Qt.Key.Key_Return)
    third = session.document.layout_of(session.selection[0])
    assert (third.x, third.y) == (first.x, 240.0)
    # Far from both (more than 24 px): where dropped.
    _drop(view, "esxi_host", (560, 300))
    QTest.keyClick(_name_field(window), Qt.Key.Key_Return)
    fourth = session.document.layout_of(session.selection[0])
    assert (fourth.x, fourth.y) == (560.0, 300.0)
    _shot(window, "hosts-lined-up")


# -- 6. the mouse wheel ---------------------------------------------------------------------
def test_the_wheel_scrolls_ctrl_wheel_zooms_and_view_menu_makes_the_wheel_zoom(
    launch: Any,
) -> None:
    window = launch(_cluster_design(launch.home))
    window.resize(1280, 800)
    view = window.view
    view.set_zoom(2.0)  # room to scroll both ways
    view.centerOn(450, 300)
    QApplication.processEvents()
    down, across = view.verticalScrollBar(), view.horizontalScrollBar()
    y, x, zoom = down.value(), across.value(), view.scale_factor
    wheel(view, -120)  # the wheel alone: down the drawing, as in Visio and draw.io
    assert down.value() > y and view.scale_factor == zoom
    wheel(view, -120, Qt.KeyboardModifier.ShiftModifier)  # Shift+wheel: sideways
    assert across.value() > x and view.scale_factor == zoom
    wheel(view, 120, CTRL)  # Ctrl+wheel zooms
    assert view.scale_factor > zoom

    # View > Mouse Wheel Zooms: the wheel alone zooms, and the choice is kept.
    (entry,) = [a for a in window.view_menu.actions() if a.text() == "Mouse &Wheel Zooms"]
    assert entry.isCheckable() and not entry.isChecked()
    entry.trigger()
    zoom, y = view.scale_factor, down.value()
    wheel(view, -120)
    assert view.scale_factor < zoom
    assert QSettings().value(WHEEL_ZOOMS_KEY, False, type=bool) is True
    window.close()
    again = launch(_cluster_design(launch.home))  # the next start reads it back
    assert again.act_wheel_zooms.isChecked() and again.view.wheel_zooms
    again.act_wheel_zooms.trigger()  # off again: back to scrolling
    assert QSettings().value(WHEEL_ZOOMS_KEY, True, type=bool) is False
    assert QKeySequence(again.act_wheel_zooms.shortcut()).isEmpty()


# -- eyes19's notes ---------------------------------------------------------------------------
def test_ctrl_a_in_a_panels_table_selects_its_cells_not_the_canvas(launch: Any, qtbot: Any) -> None:
    # eyes19: Plan copies' preview, a cell clicked, Ctrl+A: every box on the canvas was
    # selected (64 elements, the Inspector switched to them), not the table's cells.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session = window.session
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    table = panel.plan.table
    qtbot.waitUntil(lambda: table.rowCount() > 0 and table.isVisible(), timeout=5000)
    before = list(session.selection)
    cell = table.visualItemRect(table.item(0, 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert table.hasFocus()
    QTest.keyClick(table, Qt.Key.Key_A, CTRL)
    assert session.selection == before
    cells = table.rowCount() * table.columnCount()
    assert len(table.selectedIndexes()) == cells > 1
    _shot(panel, "plan-copies-ctrl-a")
    # On the canvas, Ctrl+A still selects the design's elements.
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_A, CTRL)
    assert len(session.selection) > 50


def test_plan_copies_apply_says_what_it_changed(launch: Any, qtbot: Any) -> None:
    # eyes19: Apply closed the preview and said nothing; the user compared the grid.
    window = _two_site_dag(launch, qtbot)
    plan_databases(window, 4)
    assert window.statusBar().currentMessage() == (
        "Plan copies of DAG01: 8 cells changed, 2 databases added (Ctrl+Z undoes it)"
    )


def test_a_plain_click_that_starts_a_new_scenario_says_so(launch: Any, qtbot: Any) -> None:
    # eyes19: a degraded link, then a click on a site: the degrade step vanished from the
    # scenario bar with no word.
    window = _two_site_dag(launch, qtbot)
    view = window.view
    controller = _simulating(window, qtbot)
    scene = view.design_scene

    def title_bar(name: str) -> tuple[float, float]:
        element = next(e for e in window.session.design.elements if e.name == name)
        rect = scene.rect_of(element.id)
        view.ensureVisible(rect.left(), rect.top(), 60, 20)
        return rect.left() + 40, rect.top() + 8

    click(view, title_bar("esx-prd-01"))
    click(view, title_bar("esx-dr-01"), Qt.KeyboardModifier.ShiftModifier)
    assert len(controller.steps) == 2
    click(view, title_bar("Recovery"))  # a plain click: a new scenario
    recovery = next(e.id for e in window.session.design.elements if e.name == "Recovery")
    assert [s.target for s in controller.steps] == [recovery]
    assert window.statusBar().currentMessage() == (
        "A new scenario: site Recovery fails, in place of the 2 steps played before "
        "(Shift-click adds to a scenario)"
    )


def test_save_scenario_offers_a_name_from_its_steps_and_holds_the_play(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eyes19: the name field started empty, and the play ran on behind the dialog.
    window = _two_site_dag(launch, qtbot)
    view = window.view
    controller = _simulating(window, qtbot)
    site = next(e for e in window.session.design.elements if e.name == "Production")
    rect = view.design_scene.rect_of(site.id)
    view.ensureVisible(rect.left(), rect.top(), 60, 20)
    click(view, (rect.left() + 40, rect.top() + 8))  # fail Production: it plays
    assert controller.playing
    asked: list[tuple[str, bool]] = []

    def answer(*_args: Any, text: str = "", **_kwargs: Any) -> tuple[str, bool]:
        asked.append((text, controller.playing))
        return text, True

    monkeypatch.setattr(dialogs, "ask_text", answer)
    save = next(
        b
        for b in window.simulation.bar.findChildren(QToolButton)
        if b.text().startswith("Save scenario")
    )
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)  # again: a name of its own
    assert asked == [("fail Production", False), ("fail Production (2)", False)]
    assert controller.playing  # played on once the dialog closed
    names = [s.name for s in window.session.design.scenarios]
    assert names == ["fail Production", "fail Production (2)"]


def test_cut_set_outlines_say_what_they_are_when_the_availability_dock_is_not_in_sight(
    launch: Any, qtbot: Any
) -> None:
    # eyes19: a database clicked with the Capacity tab in front: a site outlined in thick
    # red with a red badge, nothing saying why (no legend in sight); read as an error.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    feature = window.availability
    qtbot.waitUntil(lambda: feature.building.done, timeout=10_000)
    open_tab(window, "Capacity")
    assert feature.dock.visibleRegion().isEmpty()  # behind another tab

    def find(name: str) -> None:  # the toolbar's Find box: Ctrl+F, the name, Enter
        QTest.keyClick(window, Qt.Key.Key_F, CTRL)
        QTest.keyClicks(window.find_edit, name)
        QTest.keyClick(window.find_edit, Qt.Key.Key_Return)

    find("DB01")
    assert window.session.selection == ["db-db01"]
    qtbot.waitUntil(lambda: feature.model.current and not feature.model.running, timeout=60_000)
    qtbot.waitUntil(lambda: bool(feature.highlight.orders), timeout=5000)
    assert window.statusBar().currentMessage() == (
        "Outlined: what takes DB01 down (orange: two together, blue: three or more); "
        "View > Availability lists them"
    )
    _shot(window, "cut-sets-outlined-said")
    # With the dock in sight its table says it: no status line then.
    feature.show()
    find("DB02")
    qtbot.waitUntil(
        lambda: feature.highlight.target is not None and feature.highlight.target.id == "db-db02",
        timeout=10_000,
    )
    assert window.statusBar().currentMessage() == "Found mailbox database DB02"


def test_a_links_degrade_menu_takes_a_typed_bandwidth_and_round_trip(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eyes19: Degrade offered fixed steps only (50/25/10/5 %, +10/+50 ms), not the
    # figure a WAN provider quotes (200 Mbit/s).
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    asked: list[tuple[str, float]] = []

    def answer(_parent: Any, title: str, _label: str, value: float, *_a: Any) -> Any:
        asked.append((title, value))
        return (200.0 if "bandwidth" in title else 95.0), True

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(answer))
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Bandwidth…"])
    qtbot.waitUntil(lambda: len(chosen) == 2, timeout=3000)
    qtbot.waitUntil(lambda: bool(asked), timeout=3000)
    controller = window.simulation.controller
    assert [(s.action, s.target, s.bandwidth_mbps) for s in controller.steps] == [
        ("degrade", "wan-atl-clt", 200.0)
    ]
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Round trip…"])
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=3000)
    assert [s.latency_ms for s in controller.steps] == [None, 95.0]
    assert [t for t, _ in asked] == ["Degrade bandwidth", "Degrade round trip"]
    assert asked[0][1] == 500.0  # half its design's 1,000 Mbit/s, offered


def test_select_same_kind_selects_every_element_of_the_selected_kind(
    launch: Any, qtbot: Any
) -> None:
    # eyes19: 72 imported databases to edit together were 72 Ctrl-clicks.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session, view = window.session, window.view
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)  # the Find box: DB01, Enter
    QTest.keyClicks(window.find_edit, "DB01")
    QTest.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert session.selection == ["db-db01"]
    (entry,) = [a for a in window.menuBar().actions() if a.text() == "&Edit"]
    same = next(a for a in entry.menu().actions() if a.text() == "Select Same &Kind")
    assert same is window.act_select_same_kind and same.isEnabled()
    same.trigger()  # Edit > Select Same Kind
    databases = [e.id for e in session.design.elements if e.kind == "mailbox_database"]
    assert session.selection == databases and len(databases) == 4
    assert window.statusBar().currentMessage() == "Selected 4 mailbox databases"
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id is None  # the shared fields
    _shot(window, "select-same-kind")
    # From the canvas's menu on a host: every ESXi host.
    host = view.design_scene.rect_of("esx-bos-01")
    view.ensureVisible(host, 10, 10)
    QApplication.processEvents()
    point = view.mapFromScene(QPointF(host.left() + 40, host.top() + 8))
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
    )
    QApplication.sendEvent(view.viewport(), event)  # a right-click's menu
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    (entry,) = [a for a in menu.actions() if a.text() == "Select Same &Kind"]
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(entry).center())
    hosts = [e.id for e in session.design.elements if e.kind == "esxi_host"]
    qtbot.waitUntil(lambda: session.selection == hosts, timeout=3000)
    assert window.statusBar().currentMessage() == f"Selected {len(hosts)} ESXi hosts"
