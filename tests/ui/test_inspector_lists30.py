"""Wave 30 (`inspector30`): what a big design's Inspector lists, Find and File > New cost
is what the user sees. A DAG's Members list is a list view over a model (it made every
VM of the design a row item, and marked each, whenever a DAG was shown: ~0.2 s at 100k);
Find's popup measures one row, not each name it offers (the first letter typed at 100k:
~0.5 s); File > New lets the old design go in the idle slices after its turn. Each
through ``dr-designer gui FILE`` on a generated estate, with real clicks and keys."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from check_lists import click_check, list_rows
from generated import click_title, generated_file
from PySide6.QtCore import QModelIndex, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QListView
from test_eyes28_walk import _find, _inspector, _opened, _two_dags

from designer.document import SetProperty
from designer.domain import Dag
from designer.ui import session as session_module
from designer.ui.panels.field_editors import CheckListModel

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_dags_members_list_draws_the_rows_in_sight_and_edits_as_before(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    asked: set[int] = set()
    data = CheckListModel.data

    def counted(self: CheckListModel, index: QModelIndex, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            asked.add(index.row())
        return data(self, index, role)

    monkeypatch.setattr(CheckListModel, "data", counted)
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    session = window.session
    click_title(window, "dag-01")
    inspector = _inspector(window)
    assert inspector.element_id == "dag-01"
    members = inspector.editors["members"].editor
    assert isinstance(members, QListView)
    inspector.scroll_area.ensureWidgetVisible(members)
    qtbot.waitUntil(members.isVisible)
    asked.clear()
    members.viewport().repaint()
    rows = list_rows(members)
    dag = session.document.get("dag-01")
    assert isinstance(dag, Dag)
    vms = [e for e in session.design.elements if e.kind == "vm"]
    # Every VM is offered, the DAG's own members first and ticked, then Mailbox servers.
    assert len(rows) == len(vms) > 20
    names = {vm.id: vm.name for vm in vms}
    assert [row.text() for row in rows[: len(dag.members)]] == sorted(
        (names[m] for m in dag.members), key=str.lower
    )
    ticked = [
        row.data(Qt.ItemDataRole.UserRole)
        for row in rows
        if row.checkState() == Qt.CheckState.Checked
    ]
    assert sorted(ticked) == sorted(dag.members)
    assert members.toolTip().startswith(f"{len(dag.members)} chosen: ")
    # Drawn, the list asked for the rows in its sight (a few), not all of them.
    assert 0 < len(asked) < 15 < len(rows), sorted(asked)
    # The keyboard: the next VM (current, Space) joins the DAG, last.
    other = rows[len(dag.members)]
    vm = session.document.get(other.data(Qt.ItemDataRole.UserRole))
    assert vm is not None and vm.id not in dag.members
    members.scrollTo(other.index)
    members.setCurrentIndex(other.index)
    members.setFocus()
    QTest.keyClick(members, Qt.Key.Key_Space)
    joined = session.document.get("dag-01")
    assert isinstance(joined, Dag) and joined.members == [*dag.members, vm.id]
    assert list_rows(members)[len(dag.members)].checkState() == Qt.CheckState.Checked
    # A click on its box takes it out again; the list shows it unticked.
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    click_check(list_rows(members)[len(dag.members)])
    left = session.document.get("dag-01")
    assert isinstance(left, Dag) and left.members == dag.members
    assert list_rows(members)[len(dag.members)].checkState() == Qt.CheckState.Unchecked
    # A member renamed elsewhere: its row says its new name, still ticked.
    first = dag.members[0]
    assert session.push(SetProperty(first, "name", "AAA-RENAMED-MBX"))
    row = list_rows(members)[0]
    assert row.text() == "AAA-RENAMED-MBX" and row.checkState() == Qt.CheckState.Checked
    assert row.data(Qt.ItemDataRole.UserRole) == first


def test_find_offers_names_in_rows_of_one_height_and_goes_to_the_one_chosen(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.find_edit)
    QTest.keyClicks(window.find_edit, "dag0")
    completer = window.find_edit.completer()
    assert completer is not None
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    # One row measured for all (each name measured: the first letter at 100k took 0.5 s).
    assert isinstance(popup, QListView) and popup.uniformItemSizes()
    offered = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert offered and all("dag0" in text.lower() for text in offered), offered
    assert "DAG01 (DAG)" in offered
    wanted = offered.index("DAG01 (DAG)")
    for _ in range(wanted + 1):
        QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert window.session.selection == ["dag-01"]


def test_file_new_lets_the_old_design_go_after_its_turn(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(session_module, "LET_GO_ABOVE", 100)  # (the 1k estate: freed so)
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    session = window.session
    element = weakref.ref(session.design.elements[0])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_N, CTRL)  # File > New > Blank Design
    # The new empty design is there at once; the old one is let go of afterwards.
    assert len(session.design.elements) == 0
    assert not window.view.design_scene.nodes
    assert session.letting_go > 0
    qtbot.waitUntil(lambda: session.letting_go == 0, timeout=20_000)
    qtbot.waitUntil(lambda: element() is None, timeout=5_000)
    assert window.windowTitle().startswith("Untitled design (unsaved)")


def test_a_disks_lun_is_chosen_from_the_keyboard_in_a_combo_of_every_lun(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # A virtual disk's VM, LUN and database combos offered 28,000 items at 100k, each
    # made one by one (~110 ms of the turn that showed the disk): now a model's rows.
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    session = window.session
    _find(window, qtbot, "DC01-AD1-os")
    assert session.selection == ["dc-01-1-os"]
    inspector = _inspector(window)
    lun = inspector.editors["lun"].editor
    assert isinstance(lun, QComboBox)
    luns = sorted(
        (e for e in session.design.elements if e.kind == "lun"), key=lambda e: e.name.lower()
    )
    # "(none)" first (a disk's LUN is optional), then every LUN by name, its id as tooltip.
    assert lun.count() == len(luns) + 1
    assert lun.itemText(0) == "(none)" and lun.itemData(0) is None
    assert [lun.itemText(i) for i in range(1, lun.count())] == [e.name for e in luns]
    assert lun.itemData(1, Qt.ItemDataRole.ToolTipRole) == luns[0].id
    assert lun.currentData() == "cx-01-1-lun0000"
    assert lun.currentText() == session.document.get("cx-01-1-lun0000").name
    popup = lun.view()
    assert isinstance(popup, QListView) and popup.uniformItemSizes()
    # The next LUN by the keyboard (Down on the closed combo): the disk moves to it.
    following = luns[lun.currentIndex()]  # (row i + 1 holds luns[i])
    inspector.scroll_area.ensureWidgetVisible(lun)
    lun.setFocus()
    QTest.keyClick(lun, Qt.Key.Key_Down)
    assert session.document.get("dc-01-1-os").lun == following.id
    assert lun.currentText() == following.name
    # Undone (Ctrl+Z on the canvas): the combo shows the LUN it had.
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, CTRL)
    assert session.document.get("dc-01-1-os").lun == "cx-01-1-lun0000"
    qtbot.waitUntil(lambda: lun.currentData() == "cx-01-1-lun0000")


def test_two_dags_selected_take_a_member_ticked_in_their_mixed_members_list(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # The Members list of two DAGs selected together says "mixed"; a tick there raised
    # TypeError (the list's value read the "mixed" marker as the members shown). An edit
    # of a mixed field sets it on all of them, one step, as the Inspector's other fields.
    window = _opened(launch, qtbot, _two_dags(tmp_path / "two-dags.drd.json"))
    session, view = window.session, window.view
    click_title(window, "a")
    rect = view.design_scene.nodes["b"].scene_rect()
    spot = QPointF(rect.left() + 12, rect.top() + 6)
    view.centerOn(spot)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, CTRL, view.mapFromScene(spot))
    assert sorted(session.selection) == ["a", "b"]
    inspector = _inspector(window)
    members = inspector.editors["members"]
    assert isinstance(members.editor, QListView)
    assert members.editor.toolTip() == "2 different values among the selected elements"
    inspector.scroll_area.ensureWidgetVisible(members.editor)
    (row,) = [row for row in list_rows(members.editor) if row.text() == "MBX11"]
    assert row.checkState() == Qt.CheckState.Unchecked  # (DAG-A's members are shown)
    click_check(row)
    # Each DAG takes the tick into its own members: DAG-B keeps its six (a tick set
    # DAG-A's list on both, DAG-B's own members lost).
    members_of = {"a": [*(f"v{i}" for i in range(6)), "v11"], "b": [f"v{i}" for i in range(6, 12)]}
    for dag_id, want in members_of.items():
        dag = session.document.get(dag_id)
        assert isinstance(dag, Dag)
        assert dag.members == want, dag_id
    assert session.undo_stack.count() == 1
    members = _inspector(window).editors["members"]
    (row,) = [row for row in list_rows(members.editor) if row.text() == "MBX00"]
    assert row.checkState() == Qt.CheckState.Checked
    click_check(row)  # unticked: taken out of the DAG that had it, the other unchanged
    dag_a, dag_b = session.document.get("a"), session.document.get("b")
    assert isinstance(dag_a, Dag) and isinstance(dag_b, Dag)
    assert dag_a.members == [*(f"v{i}" for i in range(1, 6)), "v11"]
    assert dag_b.members == members_of["b"]
