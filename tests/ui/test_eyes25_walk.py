"""A newcomer's first hour (wave 25, ``eyes25``): a two-site DAG drawn from File > New
with the palette's Enter, typed names and the Connect tool, through the user's doors
(``dr-designer gui``, Ctrl+N, real drags on the viewport, the Inspector's list)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListWidget, QToolBar
from test_canvas_support import click, drag
from test_newcomer_keyboard20 import _blank, _enter, _pick

from designer.domain.elements import VirtualMachine
from designer.domain.enums import VmRole
from designer.ui.main_window import MainWindow
from designer.ui.panels.inspector import InspectorPanel

CTRL = Qt.KeyboardModifier.ControlModifier


def _two_sites(launch) -> tuple[MainWindow, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Ctrl+N, then Boston and Worcester, a cluster, a host and a VM in each, and DAG01,
    each chosen in the palette, Enter, its name typed."""
    window = _blank(launch)
    window.resize(1280, 800)
    ids: dict[str, str] = {}
    for site, stem in (("Boston", "BOS"), ("Worcester", "WOR")):
        ids[site] = _enter(window, "site", site) or ""
        _pick(window, ids[site])
        _enter(window, "vsphere_cluster", f"{stem}-CL01")
        _enter(window, "esxi_host", f"esx-{stem.lower()}-01")
        ids[f"{stem}-MBX01"] = _enter(window, "vm", f"{stem}-MBX01") or ""
    ids["DAG01"] = _enter(window, "dag", "DAG01") or ""
    window.act_zoom_fit.trigger()
    return window, ids


def _centre(window: MainWindow, element_id: str) -> tuple[float, float]:
    rect = window.view.design_scene.rect_of(element_id)
    assert rect is not None
    return rect.center().x(), rect.center().y()


def _title(window: MainWindow, element_id: str) -> tuple[float, float]:
    rect = window.view.design_scene.rect_of(element_id)
    assert rect is not None
    return rect.left() + 30, rect.top() + 8


def _vm(window: MainWindow, element_id: str) -> VirtualMachine:
    vm = window.session.document.get(element_id)
    assert isinstance(vm, VirtualMachine)
    return vm


def test_a_vm_of_no_role_joined_to_a_dag_becomes_its_mailbox_server(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # BOS-MBX01 drawn from the palette states no role; joined to DAG01 with the Connect
    # tool it held the DAG's copies as a server of no role, and nothing said so: the
    # rules and counts that look for Mailbox servers passed it by (runs_transport, EX002,
    # the Inspector's own "a DAG's members are its Mailbox servers").
    window, ids = _two_sites(launch)
    view, status = window.view, window.statusBar()
    toolbar = window.findChild(QToolBar)
    assert toolbar is not None
    QTest.mouseClick(toolbar.widgetForAction(window.act_connect), Qt.MouseButton.LeftButton)
    assert view.connect_mode
    drag(view, _centre(window, ids["BOS-MBX01"]), _title(window, ids["DAG01"]))
    dag = window.session.document.get(ids["DAG01"])
    assert dag is not None and dag.members == [ids["BOS-MBX01"]]  # type: ignore[attr-defined]
    bos = _vm(window, ids["BOS-MBX01"])
    assert bos.roles == [VmRole.MAILBOX]
    assert bos.exchange_version is not None, "its version follows, as a ticked role's does"
    assert status.currentMessage() == (
        "Done: Add BOS-MBX01 to DAG01 as a Mailbox server. Also set, to agree: role Mailbox, "
        f"Exchange version {bos.exchange_version}, Windows version {bos.windows_version} "
        "(yours to change)"
    )
    # What the user sees: the VM's Inspector has Mailbox ticked.
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)  # leaves the Connect tool
    assert not view.connect_mode
    click(view, _centre(window, ids["BOS-MBX01"]))
    assert window.session.selection == [ids["BOS-MBX01"]]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == ids["BOS-MBX01"]
    roles = inspector.editors["roles"].editor
    assert isinstance(roles, QListWidget)
    ticked = [
        roles.item(r).data(Qt.ItemDataRole.UserRole)
        for r in range(roles.count())
        if roles.item(r).checkState() == Qt.CheckState.Checked
    ]
    assert ticked == [VmRole.MAILBOX.value]
    # One undo step takes both back: no member, no role.
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, CTRL)
    assert window.session.document.get(ids["DAG01"]).members == []  # type: ignore[union-attr]
    assert _vm(window, ids["BOS-MBX01"]).roles == []


def test_a_vm_of_no_role_ticked_in_the_dags_members_becomes_a_mailbox_server(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window, ids = _two_sites(launch)
    _pick(window, ids["DAG01"])
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == ids["DAG01"]
    members = inspector.editors["members"].editor
    assert isinstance(members, QListWidget)
    (row,) = [
        r for r in range(members.count())
        if members.item(r).data(Qt.ItemDataRole.UserRole) == ids["WOR-MBX01"]
    ]  # fmt: skip
    members.scrollToItem(members.item(row))
    members.setCurrentRow(row)
    members.setFocus()
    QTest.keyClick(members, Qt.Key.Key_Space)  # ticks the current row's box
    doc = window.session.document
    qtbot.waitUntil(lambda: ids["WOR-MBX01"] in doc.get(ids["DAG01"]).members, timeout=5000)  # type: ignore[union-attr]
    assert _vm(window, ids["WOR-MBX01"]).roles == [VmRole.MAILBOX]
    assert _vm(window, ids["BOS-MBX01"]).roles == [], "only the VM ticked"
    assert window.statusBar().currentMessage() == (
        "Also set, to agree: WOR-MBX01 role Mailbox (yours to change)"
    )
    stack = window.session.undo_stack
    stack.undo()
    assert doc.get(ids["DAG01"]).members == []  # type: ignore[union-attr]
    assert _vm(window, ids["WOR-MBX01"]).roles == []
