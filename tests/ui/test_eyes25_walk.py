"""A newcomer's first hour (wave 25, ``eyes25``): a two-site DAG drawn from File > New
with the palette's Enter, typed names and the Connect tool, through the user's doors
(``dr-designer gui``, Ctrl+N, real drags on the viewport, the Inspector's list)."""

from __future__ import annotations

from check_lists import list_rows, row_valued
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListView, QToolBar
from test_canvas_support import click, drag
from test_newcomer_keyboard20 import _blank, _enter, _pick

from designer.domain.elements import VirtualMachine
from designer.domain.enums import VmRole
from designer.ui.main_window import MainWindow
from designer.ui.panels import ProblemsPanel
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
    # Exchange 2013, the newest (wave 26), whose Windows the VM had already: unsaid.
    assert (bos.exchange_version, bos.windows_version) == ("2013", "2012 x64")
    assert status.currentMessage() == (
        "Done: Add BOS-MBX01 to DAG01 as a Mailbox server. Also set, to agree: role Mailbox, "
        "Exchange version 2013 (yours to change)"
    )
    # What the user sees: the VM's Inspector has Mailbox ticked.
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)  # leaves the Connect tool
    assert not view.connect_mode
    click(view, _centre(window, ids["BOS-MBX01"]))
    assert window.session.selection == [ids["BOS-MBX01"]]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == ids["BOS-MBX01"]
    roles = inspector.editors["roles"].editor
    assert isinstance(roles, QListView)
    ticked = [
        row.data(Qt.ItemDataRole.UserRole)
        for row in list_rows(roles)
        if row.checkState() == Qt.CheckState.Checked
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
    assert isinstance(members, QListView)
    row = row_valued(members, ids["WOR-MBX01"])
    members.scrollTo(row.index)
    members.setCurrentIndex(row.index)
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


def test_a_vm_dragged_onto_a_file_share_witness_serves_its_share(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # BOS-FS01 dragged onto the witness BOS-FSW with the Connect tool: "Cannot connect:
    # a VM cannot be connected to a file share witness", the Inspector's VM field the
    # only way to say which server holds the share.
    window = _blank(launch)
    window.resize(1280, 800)
    boston = _enter(window, "site", "Boston")
    assert boston is not None
    _pick(window, boston)
    _enter(window, "vsphere_cluster", "BOS-CL01")
    _enter(window, "esxi_host", "esx-bos-01")
    server = _enter(window, "vm", "BOS-FS01")
    _pick(window, boston)
    witness = _enter(window, "file_share_witness", "BOS-FSW")
    assert server is not None and witness is not None
    window.act_zoom_fit.trigger()
    view, doc = window.view, window.session.document
    toolbar = window.findChild(QToolBar)
    assert toolbar is not None
    QTest.mouseClick(toolbar.widgetForAction(window.act_connect), Qt.MouseButton.LeftButton)
    drag(view, _centre(window, server), _centre(window, witness))
    assert doc.get(witness).vm == server  # type: ignore[union-attr]
    assert window.statusBar().currentMessage() == "Done: Set server of BOS-FSW"
    # Again: it says it is done already, and nothing changes.
    drag(view, _centre(window, server), _centre(window, witness))
    assert window.statusBar().currentMessage() == (
        "Cannot connect: BOS-FS01 already serves file share witness BOS-FSW"
    )
    # The witness selected shows its Inspector's VM field naming the server.
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    click(view, _centre(window, witness))
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == witness
    field = inspector.editors["vm"].editor
    assert field.currentText() == "BOS-FS01"  # type: ignore[attr-defined]
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, CTRL)
    assert doc.get(witness).vm is None  # type: ignore[union-attr]


def _problem_texts(window: MainWindow, code: str) -> list[str]:
    """The Problems table's Message cells of ``code``'s rows, as the user reads them."""
    panel = window.findChild(ProblemsPanel)
    assert panel is not None
    model = panel.table.model()
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    code_at, message_at = columns.index("Code"), columns.index("Message")
    return [
        model.index(r, message_at).data()
        for r in range(model.rowCount())
        if model.index(r, code_at).data() == code
    ]


def test_a_cluster_of_one_host_says_no_host_is_left(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # The first host and VM of a newcomer's cluster: "after losing esx-bos-01 its 0
    # remaining hosts hold 0 GB".
    window = _blank(launch)
    boston = _enter(window, "site", "Boston")
    assert boston is not None
    _pick(window, boston)
    _enter(window, "vsphere_cluster", "BOS-CL01")
    _enter(window, "esxi_host", "esx-bos-01")
    _enter(window, "vm", "BOS-MBX01")
    qtbot.waitUntil(lambda: bool(_problem_texts(window, "VS001")), timeout=20_000)
    assert _problem_texts(window, "VS001") == [
        "vSphere cluster BOS-CL01 runs 16 GB of VM memory; after losing esx-bos-01 no host "
        "is left in it to restart them on"
    ]


def test_file_new_shows_the_blank_designs_zoom(launch) -> None:  # type: ignore[no-untyped-def]
    # From the sample, opened whole at 34 %, Ctrl+N: the blank design is at 100 % (its
    # first boxes are drawn so), but the status bar still said "34 %".
    window = launch()
    assert window.view.scale_factor < 0.9
    assert window.zoom_label.text() == f"{window.view.scale_factor * 100:.0f} %"
    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    assert window.session.design.elements == []
    assert window.view.scale_factor == 1.0
    assert window.zoom_label.text() == "100 %"
