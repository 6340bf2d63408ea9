"""A newcomer designing a two-site DAG from File > New with the keyboard first (wave 20,
``eyes20``): what went wrong on the way, through the user's doors (``dr-designer gui``,
Ctrl+N, the palette's Enter, typed names, Tab, F5 and a click on the canvas)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)
from test_canvas_support import click, small_design
from test_capacity_window import open_tab

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import (
    Dag,
    MailboxDatabase,
    ProtectionGroup,
    RecoveryPlan,
    SrmSitePair,
    VirtualMachine,
)
from designer.domain.enums import VmRole
from designer.persistence import save
from designer.ui.main_window import MainWindow
from designer.ui.panels import ProblemsPanel
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.palette import PalettePanel

CTRL = Qt.KeyboardModifier.ControlModifier


def _blank(launch) -> MainWindow:  # type: ignore[no-untyped-def]
    """``dr-designer gui``, then Ctrl+N: a blank design."""
    window: MainWindow = launch()
    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    assert window.session.design.elements == []
    return window


def _enter(window: MainWindow, kind: str, name: str | None = None) -> str | None:
    """The palette's ``kind`` chosen and Enter pressed; ``name`` typed into the new box's
    name field, Enter. The id of what was added (None: nothing was)."""
    palette = next(d.widget() for d in window.docks if isinstance(d.widget(), PalettePanel))
    before = {e.id for e in window.session.design.elements}
    palette.tree.setFocus()
    palette.tree.setCurrentItem(palette.items[kind])
    QTest.keyClick(palette.tree, Qt.Key.Key_Return)
    added = [e.id for e in window.session.design.elements if e.id not in before]
    if not added:
        return None
    if name is not None:
        fields = [
            f
            for f in window.view.viewport().findChildren(QLineEdit, "CanvasNameField")
            if f.isVisible()
        ]
        assert len(fields) == 1, "no name field over the new box"
        QTest.keyClicks(fields[0], name)
        QTest.keyClick(fields[0], Qt.Key.Key_Return)
    (element_id,) = added
    return element_id


def _click_title(window: MainWindow, element_id: str) -> None:
    """A click in the box's title bar."""
    rect = window.view.design_scene.rect_of(element_id)
    assert rect is not None
    window.view.ensureVisible(rect, 10, 10)
    click(window.view, (rect.left() + 30, rect.top() + 8))


def _pick(window: MainWindow, element_id: str) -> None:
    _click_title(window, element_id)
    assert window.session.selection == [element_id]


def test_a_design_drawn_from_file_new_shows_the_failed_host_on_the_canvas(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # The simulation drew nothing on the canvas of a design drawn from File > New: its
    # overlay kept the bounds measured on the empty design (they followed the scene
    # rect, set on a rebuild only), and Qt paints an item inside its bounds only.
    window: MainWindow = launch()
    # Built once the window has painted, in its idle time (a user takes longer than
    # that to press Ctrl+N); a test asks for it.
    assert window.simulation is not None
    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    site = _enter(window, "site", "Boston")
    host = _enter(window, "esxi_host", "esx-bos-01")
    _enter(window, "vm", "BOS-MBX01")
    assert site is not None and host is not None
    doc = window.session.document
    assert doc.get(host).site == site  # type: ignore[union-attr]
    view, controller = window.view, window.simulation.controller
    window.activateWindow()
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: controller.ready, timeout=20000)
    _click_title(window, host)  # fails it
    qtbot.waitUntil(lambda: host in (controller.state().failed or ()), timeout=5000)  # type: ignore[union-attr]
    overlay = window.simulation.overlay
    rect = view.design_scene.rect_of(host)
    assert rect is not None
    assert overlay.boundingRect().contains(rect)
    # And it is painted: the FAILED mark's red over the host's box.
    qtbot.waitUntil(lambda: _red_pixels(window, host) > 20, timeout=5000)


def _red_pixels(window: MainWindow, element_id: str) -> int:
    view = window.view
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    rect = view.mapFromScene(view.design_scene.rect_of(element_id)).boundingRect()  # type: ignore[arg-type]
    red = 0
    for x in range(max(rect.left(), 0), min(rect.right(), image.width()), 2):
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height()), 2):
            c = QColor(image.pixel(QPoint(x, y)))
            red += c.red() > 170 and c.green() < 110 and c.blue() < 110
    return red


def test_enter_puts_a_new_box_beside_the_selection_not_over_other_boxes(launch) -> None:  # type: ignore[no-untyped-def]
    window = _blank(launch)
    scene, doc = window.view.design_scene, window.session.document
    boston = _enter(window, "site", "Boston")
    # Boston selected, Enter on Site: the second site landed exactly on the first (the
    # same middle of the view), hiding it and both names.
    worcester = _enter(window, "site", "Worcester")
    assert boston is not None and worcester is not None
    assert not scene.rect_of(boston).intersects(scene.rect_of(worcester))  # type: ignore[union-attr]
    _pick(window, boston)
    cl_b = _enter(window, "vsphere_cluster", "BOS-CL01")
    _pick(window, worcester)
    cl_w = _enter(window, "vsphere_cluster", "WOR-CL01")
    wor_1 = _enter(window, "esxi_host", "esx-wor-01")
    assert cl_b is not None and cl_w is not None and wor_1 is not None
    assert doc.get(wor_1).cluster == cl_w  # type: ignore[union-attr]
    # esx-wor-01 selected and Boston's cluster at the middle of the view: Enter on ESXi
    # host put the new host in Boston's cluster; it goes beside the selected one.
    _pick(window, wor_1)
    window.view.centerOn(scene.rect_of(cl_b).center())  # type: ignore[union-attr]
    wor_2 = _enter(window, "esxi_host", "esx-wor-02")
    assert wor_2 is not None
    assert (doc.get(wor_2).cluster, doc.get(wor_2).site) == (cl_w, worcester)  # type: ignore[union-attr]
    # A DAG (it sits in no box) added at the middle of the view covers none of the boxes.
    window.view.centerOn(scene.rect_of(boston).center())  # type: ignore[union-attr]
    dag = _enter(window, "dag", "DAG01")
    assert dag is not None
    dag_rect = scene.rect_of(dag)
    for top in (boston, worcester):
        assert not dag_rect.intersects(scene.rect_of(top)), top  # type: ignore[union-attr]


def test_srm_site_pair_protection_group_and_recovery_plan_come_from_the_palette(launch) -> None:  # type: ignore[no-untyped-def]
    # Each of the three was refused in every design with pydantic's words ("Cannot add
    # here: 2 validation errors for SrmSitePair"): only the SRM template had them.
    window = _blank(launch)
    doc = window.session.document
    assert _enter(window, "srm_site_pair") is None
    assert window.statusBar().currentMessage() == (
        "Cannot add here: an SRM site pair joins a protected site and a recovery site: "
        "add two sites first"
    )
    assert _enter(window, "protection_group") is None
    assert "a protection group needs an SRM site pair" in window.statusBar().currentMessage()
    boston = _enter(window, "site", "Boston")
    worcester = _enter(window, "site", "Worcester")
    pair = _enter(window, "srm_site_pair", "SRM BOS-WOR")
    assert pair is not None
    element = doc.get(pair)
    assert isinstance(element, SrmSitePair) and element.name == "SRM BOS-WOR"
    assert (element.protected_site, element.recovery_site) == (boston, worcester)
    group = _enter(window, "protection_group", "PG-Exchange")
    plan = _enter(window, "recovery_plan", "RP-Exchange")
    assert group is not None and plan is not None
    pg, rp = doc.get(group), doc.get(plan)
    assert isinstance(pg, ProtectionGroup) and pg.site_pair == pair
    assert isinstance(rp, RecoveryPlan) and (rp.site_pair, rp.protection_groups) == (pair, [group])
    # Each was one undo step.
    stack = window.session.undo_stack
    assert stack.text(stack.count() - 1) == "Add recovery plan RP-Exchange"


def test_tab_leaves_the_problems_table(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # With findings, Tab moved the current cell inside the table and wrapped at the
    # last: a keyboard user never got out (Shift+Tab and Ctrl+Tab neither).
    window = _blank(launch)
    _enter(window, "mailbox_database", "DB01")
    _enter(window, "mailbox_database", "DB02")
    panel = next(d.widget() for d in window.docks if isinstance(d.widget(), ProblemsPanel))
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 2, timeout=5000)
    table = panel.table
    assert isinstance(table, QTableView)
    table.setFocus()
    table.setCurrentIndex(panel.model.index(0, 0))
    assert QApplication.focusWidget() is table
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is not table


def _dag_without_copies(tmp_path: Path) -> Path:
    """small_design with two mailbox VMs in each site, all four in DAG01, and two
    databases without any copy yet."""
    design = small_design()
    vms = [
        VirtualMachine(
            id=f"vm-{h}{i}", name=f"MBX-{h}{i}", host=f"esx-{h}1", roles=[VmRole.MAILBOX]
        )
        for h in ("b", "w")
        for i in (1, 2)
    ]
    elements = [e for e in design.elements if e.kind != "vm"] + vms
    elements.append(Dag(id="dag-1", name="DAG01", members=[v.id for v in vms]))
    elements += [MailboxDatabase(id=f"db-{i}", name=f"DB0{i}", dag="dag-1") for i in (1, 2)]
    layout = {k: v for k, v in design.layout.items() if k != "vm-b1"}
    layout["dag-1"] = LayoutEntry(x=400, y=500, w=300, h=100)
    path = tmp_path / "no-copies.drd.json"
    save(Design(name="No copies", elements=elements, layout=layout), path)
    return path


def test_plan_copies_starts_at_two_per_site_and_tab_goes_through_the_sites(launch) -> None:  # type: ignore[no-untyped-def]
    # A DAG whose databases had no copy yet was offered 0 copies in every site ("no site
    # is asked to hold a copy"), and Tab went from Databases to Lagged copies, past the
    # sites' boxes.
    window = launch(_dag_without_copies(launch.home))
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    button = panel.findChild(QPushButton, "PlanCopiesButton")
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    plan = panel.plan
    assert plan.isVisible()
    spins = list(plan.site_spins.values())
    assert [s.value() for s in spins] == [2, 2]
    assert plan.apply_button.isEnabled()
    plan.databases.setFocus()
    seen = []
    for _ in range(3):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [*spins, plan.lagged]
    QTest.mouseClick(plan.apply_button, Qt.MouseButton.LeftButton)
    databases = [e for e in window.session.design.elements if isinstance(e, MailboxDatabase)]
    assert [len(d.copies) for d in databases] == [4, 4]


def test_tab_goes_round_the_window_past_the_docks_tabbed_away(launch) -> None:  # type: ignore[no-untyped-def]
    # From the canvas, Tab went through 13 widgets of the docks whose tab is not the
    # current one (Databases, History, Capacity, Availability: Qt keeps them shown, off
    # screen) before the Inspector's fields: the focus out of sight for 13 presses.
    window = _blank(launch)
    _enter(window, "site", "Boston")  # the Inspector shows the site's fields
    view = window.view
    window.activateWindow()
    view.setFocus()
    stops = []
    for _ in range(60):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is view:
            break
        stops.append(widget)
    else:
        raise AssertionError("Tab never came back to the canvas")
    unseen = [
        type(w).__name__ for w in stops if _dock_of(w) and _dock_of(w).visibleRegion().isEmpty()
    ]
    assert unseen == []
    names = [w.objectName() for w in stops]
    assert "FindEdit" in names and "field_name" in names
    assert isinstance(next(w for w in stops if isinstance(w, QTableView)), QTableView)
    # And back the same way.
    back = []
    for _ in range(len(stops)):
        QTest.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier
        )
        back.append(QApplication.focusWidget())
    assert back == stops[::-1]


def _dock_of(widget: QWidget) -> QDockWidget | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent
