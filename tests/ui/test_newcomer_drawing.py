"""A newcomer drawing a design from nothing (wave 14, ``eyes14``): what went wrong on
the way, through the user's doors (``dr-designer gui FILE``, the Connect tool, real
mouse drags and keys on the viewport)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from check_lists import list_rows
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from test_canvas_support import drag, small_design, vp

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import (
    Dag,
    DatabaseCopy,
    MailboxDatabase,
    VirtualMachine,
    VmRole,
)
from designer.persistence import save
from designer.ui.mime import kind_mime_data
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel
from designer.ui.simulation.results_table import COLUMNS


def _two_mailbox_servers_and_a_dag(tmp_path: Path, *, joined: bool = False) -> Path:
    """small_design with a VM in each site (Mailbox role) and an empty DAG below;
    ``joined``: both VMs in the DAG, and database DB01 with a copy on each."""
    design = small_design()
    mbx = [
        VirtualMachine(id="vm-b1", name="MBX-B1", host="esx-b1", roles=[VmRole.MAILBOX]),
        VirtualMachine(id="vm-w1", name="MBX-W1", host="esx-w1", roles=[VmRole.MAILBOX]),
    ]
    elements = [e for e in design.elements if e.id != "vm-b1"] + mbx
    if not joined:
        elements.append(Dag(id="dag-1", name="DAG1"))
    else:
        elements.append(Dag(id="dag-1", name="DAG1", members=["vm-b1", "vm-w1"]))
        copies = [
            DatabaseCopy(member="vm-b1"),
            DatabaseCopy(member="vm-w1", activation_preference=2),
        ]
        elements.append(MailboxDatabase(id="db-1", name="DB01", dag="dag-1", copies=copies))
    layout = {
        **design.layout,
        "vm-w1": LayoutEntry(x=750, y=100, w=150, h=24),
        "dag-1": LayoutEntry(x=400, y=500, w=300, h=100),
    }
    path = tmp_path / "two-members.drd.json"
    save(Design(name="Two members", elements=elements, layout=layout), path)
    return path


def _centre(window, element_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    rect = window.view.design_scene.rect_of(element_id)
    return rect.center().x(), rect.center().y()


def _drop(view, kind: str, at: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    """A palette kind dragged onto the viewport and released at scene point ``at``."""
    pos = vp(view, *at)
    mime = kind_mime_data(kind)
    a, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    for event in (
        QDragEnterEvent(pos, a, mime, left, none),
        QDragMoveEvent(pos, a, mime, left, none),
        QDropEvent(QPointF(pos), a, mime, left, none),
    ):
        QApplication.sendEvent(view.viewport(), event)


def _name_field(window) -> QLineEdit:  # type: ignore[no-untyped-def]
    (field,) = [
        f
        for f in window.view.viewport().findChildren(QLineEdit, "CanvasNameField")
        if f.isVisible()
    ]
    return field


def test_each_member_joined_with_the_connect_tool_is_its_own_undo_step(launch) -> None:  # type: ignore[no-untyped-def]
    # Joining MBX-W1 to the DAG right after MBX-B1 merged into the first step, still
    # called "Add MBX-B1 to DAG1": one Ctrl+Z took both members away.
    window = launch(_two_mailbox_servers_and_a_dag(launch.home))
    session, view = window.session, window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_C)  # the Connect tool
    assert view.connect_mode
    drag(view, _centre(window, "vm-b1"), _centre(window, "dag-1"))
    drag(view, _centre(window, "vm-w1"), _centre(window, "dag-1"))
    QTest.keyClick(view, Qt.Key.Key_Escape)
    stack = session.undo_stack
    assert session.document.get("dag-1").members == ["vm-b1", "vm-w1"]  # type: ignore[union-attr]
    assert [stack.text(i) for i in range(stack.count())] == [
        "Add MBX-B1 to DAG1",
        "Add MBX-W1 to DAG1",
    ]
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.document.get("dag-1").members == ["vm-b1"]  # type: ignore[union-attr]
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.document.get("dag-1").members == []  # type: ignore[union-attr]


def test_the_status_bar_says_what_was_done_not_what_was_about_to_be(launch) -> None:  # type: ignore[no-untyped-def]
    # After a drop named by typing, the status bar still said "Added VM VM-01 in
    # esx-w1" (the default name); after a connection, still the hover's "Release to
    # add MBX-B1 to DAG DAG1", as if nothing had happened.
    window = launch(_two_mailbox_servers_and_a_dag(launch.home))
    view, status = window.view, window.statusBar()
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    _drop(view, "vm", _centre(window, "esx-w1"))
    field = _name_field(window)
    QTest.keyClicks(field, "MBX-W2")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert status.currentMessage() == "Added VM MBX-W2 in esx-w1"
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_C)
    drag(view, _centre(window, "vm-b1"), _centre(window, "dag-1"))
    assert window.session.document.get("dag-1").members == ["vm-b1"]  # type: ignore[union-attr]
    assert status.currentMessage() == "Done: Add MBX-B1 to DAG1"


def test_exports_of_a_drd_json_file_suggest_its_name_without_drd(  # type: ignore[no-untyped-def]
    launch, monkeypatch
) -> None:
    # README's design files are *.drd.json; File > Export as PNG of "two-site.drd.json"
    # suggested "two-site.drd.png", the review report "two-site.drd-review.html".
    suggested: list[str] = []

    def cancel(_parent, _title, start, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        suggested.append(Path(start).name)
        return "", ""

    source = _two_mailbox_servers_and_a_dag(launch.home)
    path = source.with_name("two-site.drd.json")
    source.rename(path)
    window = launch(path)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(cancel))
    for action in (window.act_export_png, window.act_export_svg, window.act_export_pdf):
        action.trigger()
    export_menu = next(a.menu() for a in window.file_menu.actions() if a.text() == "&Export")
    next(a for a in export_menu.actions() if a.text() == "d&raw.io Diagram…").trigger()
    report = next(a for a in window.file_menu.actions() if a.text() == "&Design Review Report…")
    report.trigger()
    assert suggested == [
        "two-site.png",
        "two-site.svg",
        "two-site.pdf",
        "two-site.drawio",
        "two-site-review.html",
    ]


def test_a_database_down_then_back_does_not_read_not_affected(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    # F5, click esx-b1 (fails), click it again (restored at the playhead): DB01 came back
    # on MBX-B1 with an RTO of minutes, yet the Results row's "Why" said "not affected".
    window = launch(_two_mailbox_servers_and_a_dag(launch.home, joined=True))
    view = window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    assert controller.active

    def click_host() -> None:
        rect = view.design_scene.rect_of("esx-b1")
        point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)  # its title bar
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)

    def row_of_db01() -> dict[str, str]:
        controller.pause()
        controller.set_time(controller.duration)
        QApplication.processEvents()
        table = window.simulation.results.table
        (row,) = range(table.rowCount())
        return {name: table.item(row, c).text() for c, name in enumerate(COLUMNS)}

    click_host()
    assert row_of_db01()["State"] == "waiting"
    click_host()  # restored
    row = row_of_db01()
    # The DAG regains quorum once MBX-B1 votes again, and DB01 mounts on the copy that is
    # ready first, MBX-W1's, while MBX-B1's services still start. (Until wave 27 the
    # DAG's manual site failover intent held the copy in Worcester for a datacenter
    # switchover, so DB01 waited for MBX-B1: the intent is a site's loss's, 000 §5.1.1.)
    assert (row["State"], row["Active on"]) == ("active", "MBX-W1")
    assert row["RTO"] not in ("—", "0:00")
    assert row["Why"] != "not affected"
    assert row["Why"] == (
        "mailbox database DB01 activates on DAG member MBX-W1 in site Worcester by itself: "
        "a server was lost, not site Boston"
    )


def test_rename_is_in_the_edit_menu_with_f2_and_f2_still_edits_a_table_cell(  # type: ignore[no-untyped-def]
    launch, qtbot
) -> None:
    # README: "F2 renames"; no menu said so (Edit had Cut…Delete, not Rename).
    window = launch(_two_mailbox_servers_and_a_dag(launch.home, joined=True))
    session, view = window.session, window.view
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    edit.aboutToShow.emit()
    (rename,) = [a for a in edit.actions() if a.text() == "Re&name…"]
    assert rename.shortcut().toString() == "F2"
    session.set_selection([])
    assert not rename.isEnabled()
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    rect = view.design_scene.rect_of("esx-w1")
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.mapFromScene(rect.topLeft()) + QPoint(40, 8),
    )
    assert session.selection == ["esx-w1"] and rename.isEnabled()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F2)
    field = _name_field(window)
    QTest.keyClicks(field, "esx-wor-01")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert session.document.get("esx-w1").name == "esx-wor-01"  # type: ignore[union-attr]
    # F2 in the Databases panel's table still opens the cell's editor.
    from designer.ui.panels.databases import CopyEditor, DatabasesPanel

    panel = window.findChild(DatabasesPanel)
    panel.parentWidget().show()
    panel.parentWidget().raise_()
    qtbot.waitUntil(lambda: panel.cell_item("db-1", "vm-w1") is not None, timeout=3000)
    table = panel.table
    table.setCurrentItem(panel.cell_item("db-1", "vm-w1"))
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_F2)
    assert [e for e in table.findChildren(CopyEditor) if e.isVisible()], "no cell editor"


def test_the_single_points_of_failure_tab_says_how_to_fill_it(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    # F5, tab "Single points of failure": an empty table under a button, no word.
    window = launch(_two_mailbox_servers_and_a_dag(launch.home, joined=True))
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    tabs = window.simulation.tabs
    (index,) = [i for i in range(tabs.count()) if tabs.tabText(i) == "Single points of failure"]
    tabs.setCurrentIndex(index)
    spof = window.simulation.spof
    qtbot.waitExposed(spof)
    assert spof.table.rowCount() == 0
    assert spof.summary.isVisible()
    assert spof.summary.text().startswith("Press Show N-1 overlay")
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not spof.running and spof.result is not None, timeout=20000)
    assert "single point" in spof.summary.text() and spof.table.rowCount() >= 1


def test_a_member_the_inspector_cannot_remove_says_whose_copy_keeps_it(launch) -> None:  # type: ignore[no-untyped-def]
    # Unticking MBX-W1 in the DAG's Members (DB01 has a copy on it) was refused with
    # "has a copy on 'vm-w1', which is not a member of DAG DAG1" under the list: no
    # subject (it read as the DAG's copy) and an id for a name.
    from designer.ui.panels.inspector import InspectorPanel

    window = launch(_two_mailbox_servers_and_a_dag(launch.home, joined=True))
    session, view = window.session, window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    rect = view.design_scene.rect_of("dag-1")
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.mapFromScene(rect.topLeft()) + QPoint(40, 8),
    )
    assert session.selection == ["dag-1"]
    inspector = window.findChild(InspectorPanel)
    members = inspector.editors["members"]
    listing = members.editor
    (item,) = [row for row in list_rows(listing) if row.text() == "MBX-W1"]
    box = listing.visualRect(item.index)
    QTest.mouseClick(
        listing.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(box.x() + 8, box.center().y())
    )
    assert session.document.get("dag-1").members == ["vm-b1", "vm-w1"]  # type: ignore[union-attr]
    assert item.checkState() == Qt.CheckState.Checked
    assert members.error.isVisible()
    assert members.error.text() == (
        "mailbox database DB01 has a copy on MBX-W1, which is not a member of DAG DAG1"
    )


def test_save_as_suggests_the_desktops_file_type(launch, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # File > New, then Ctrl+S: the dialog suggested "Untitled design.json", while README
    # and docs/file-format.md name design files *.drd.json (what install-desktop
    # registers, and what exports strip from the name).
    window = launch()
    suggested: list[str] = []
    target = launch.home / "saved"

    def choose(_parent, _title, start, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        suggested.append(Path(start).name)
        return str(target.with_name(Path(start).name)), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    QTest.keySequence(window, QKeySequence.StandardKey.New)
    QTest.keySequence(window, QKeySequence.StandardKey.Save)
    assert suggested == ["Untitled design.drd.json"]
    written = launch.home / "Untitled design.drd.json"
    qtbot.waitUntil(lambda: written.exists() and not window.isWindowModified(), timeout=10_000)
    assert window.session.path == written


# -- wave 15 (``fixb15``): what eyes14 saw and wave 14 left --------------------------------
def _simulate_json(path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    """``dr-designer simulate PATH ARGS --format json`` run as the user runs it."""
    script = Path(sys.executable).parent / "dr-designer"
    run = subprocess.run(
        [str(script), "simulate", str(path), *args, "--format", "json"],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def _fail_host_and_read_db01(window, qtbot) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """F5, a click in esx-b1's title bar (it fails), the Results row of DB01 at the end."""
    view = window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    assert controller.active
    rect = view.design_scene.rect_of("esx-b1")
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert "esx-b1" in controller.state().failed
    controller.pause()
    controller.set_time(controller.duration)
    QApplication.processEvents()
    table = window.simulation.results.table
    (row,) = range(table.rowCount())
    return {name: table.item(row, c).text() for c, name in enumerate(COLUMNS)}


def test_a_database_waiting_for_an_administrator_says_for_what_as_the_cli_does(  # type: ignore[no-untyped-def]
    launch, qtbot
) -> None:
    # MBX-B1's host fails; DAG1 (two members, no witness) loses quorum and only an
    # administrator's switchover brings DB01 back. The Why said only "MBX-B1 is down" while the CLI
    # named the switchover: now both read the simulator's one wording.
    path = _two_mailbox_servers_and_a_dag(launch.home, joined=True)
    window = launch(path)
    row = _fail_host_and_read_db01(window, qtbot)
    assert row["State"] == "waiting"
    (db,) = _simulate_json(path, "--fail", "esx-b1")["databases"]
    assert db["state"] == "waiting"
    assert (
        row["Why"]
        == db["reason"]
        == (
            "MBX-B1 is down; DAG DAG1 has no quorum; needs an administrator: datacenter "
            "switchover of DAG DAG1"
        )
    )
    # The scenario bar offers that very action.
    labels = [b.text() for b in window.simulation.bar.action_buttons.values()]
    assert any("DAG1" in text for text in labels), labels


def test_databases_without_mailboxes_say_so(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    # A new database holds 0 mailboxes: the scenario bar read "0 / 0 mailboxes" and
    # nothing said why. Now the Problems panel lists CAP006 on it (info) and the bar
    # says the figure is not stated, with what to do in its tooltip.
    window = launch(_two_mailbox_servers_and_a_dag(launch.home, joined=True))
    problems = window.findChild(ProblemsPanel)
    assert problems is not None

    def cap006() -> list[str]:
        model = problems.table.model()
        found = (model.index(r, 0).data(FINDING_ROLE) for r in range(model.rowCount()))
        return [f.message for f in found if f.code == "CAP006"]

    qtbot.waitUntil(lambda: bool(cap006()), timeout=20000)
    assert cap006() == [
        "mailbox database DB01 states 0 mailboxes: simulation, availability and capacity "
        "count no users on it"
    ]
    _fail_host_and_read_db01(window, qtbot)
    label = window.simulation.bar.mailboxes
    assert label.text() == "no mailboxes stated"
    assert "Mailboxes in the Inspector" in label.toolTip()
    assert "no database states its mailboxes" in window.simulation.timeline.caption.text()
