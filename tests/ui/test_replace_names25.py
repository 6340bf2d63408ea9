"""Edit > Replace in Names… (Ctrl+H; wave 25, ``replace25``): a consultant renames a
sample for a customer in one step. Opened with ``dr-designer gui FILE``; the dialog
driven with real keys and clicks; asserted on what the user sees (the preview, the
canvas's names, the Inspector, the Problems panel, the written file)."""

from __future__ import annotations

import shutil
from pathlib import Path

from gui_door import activate
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_canvas_support import click

from designer.persistence import load
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import ProblemsPanel
from designer.ui.replace_names import ReplaceNamesDialog

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_designs"
CTRL = Qt.KeyboardModifier.ControlModifier


def _open_dialog(qtbot, window) -> ReplaceNamesDialog:  # type: ignore[no-untyped-def]
    """Ctrl+H on the window: the dialog, its Find box focused."""
    QTest.keyClick(window, Qt.Key.Key_H, CTRL)
    dialog = window.findChild(ReplaceNamesDialog)
    assert dialog is not None, "Ctrl+H opened no Replace in Names dialog"
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    return dialog


def _type(qtbot, dialog: ReplaceNamesDialog, find: str, replace: str, said: str) -> None:  # type: ignore[no-untyped-def]
    """Type the text to find, Tab, the replacement; wait for the preview to say ``said``."""
    QTest.keyClicks(dialog.find_edit, find)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.replace_edit
    QTest.keyClicks(dialog.replace_edit, replace)
    qtbot.waitUntil(lambda: dialog.summary.text() == said)


def _preview(dialog: ReplaceNamesDialog) -> list[tuple[str, str, str]]:
    model = dialog.table.model()
    return [
        tuple(str(model.index(row, col).data()) for col in range(3))  # type: ignore[misc]
        for row in range(model.rowCount())
    ]


def test_ctrl_h_renames_a_sample_for_a_customer_in_one_undo_step(  # type: ignore[no-untyped-def]
    launch, qtbot, tmp_path: Path
) -> None:
    path = tmp_path / "customer.drd.json"
    shutil.copy(SAMPLES / "three_site_stretched_dag.json", path)
    window = launch(path)
    session, view = window.session, window.view
    scene = view.design_scene
    original = {e.id: e.name for e in session.design.elements}
    # The user clicks BOS-MBX01 on the canvas first: the Inspector shows it.
    view.set_zoom(1.0)
    rect = scene.rect_of("vm-bos-mbx01")
    assert rect is not None
    view.centerOn(rect.center())
    click(view, (rect.center().x(), rect.center().y()))
    qtbot.waitUntil(lambda: session.selection == ["vm-bos-mbx01"])
    inspector = window.findChild(InspectorPanel)
    qtbot.waitUntil(lambda: inspector.element_id == "vm-bos-mbx01")
    assert inspector.editors["name"].editor.text() == "BOS-MBX01"

    dialog = _open_dialog(qtbot, window)
    _type(qtbot, dialog, "BOS", "NYC", "44 names would change")
    shown = _preview(dialog)
    assert len(shown) == 44
    assert ("VM", "BOS-MBX01", "NYC-MBX01") in shown
    assert ("WAN link", "BOS-WOR dark fiber", "NYC-WOR dark fiber") in shown
    assert session.design == load(path)  # a preview changes nothing
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)

    assert dialog.summary.text() == "Replaced 'BOS' in 44 names (Ctrl+Z undoes it)"
    assert window.statusBar().currentMessage() == "Renamed 44 elements"
    # The canvas's names, a line's label and the Inspector follow.
    assert scene.nodes["vm-bos-mbx01"].name == "NYC-MBX01"
    assert scene.nodes["arr-bos-1"].name == "NYC-SAN1"
    assert scene.nodes["site-bos"].name == "Boston"  # "Boston" holds no "BOS" (match case)
    assert "NYC-WOR dark fiber" in scene.edges["wan-bos-wor"].label_text()
    qtbot.waitUntil(lambda: inspector.editors["name"].editor.text() == "NYC-MBX01")
    stack = session.undo_stack
    assert stack.count() == 1 and stack.text(0) == 'Replace "BOS" with "NYC" in 44 names'

    # Esc closes the dialog; Ctrl+Z undoes every name at once.
    QTest.keyClick(dialog.replace_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    activate(window)
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert {e.id: e.name for e in session.design.elements} == original
    assert scene.nodes["vm-bos-mbx01"].name == "BOS-MBX01"
    qtbot.waitUntil(lambda: inspector.editors["name"].editor.text() == "BOS-MBX01")
    # Redo, save: the file the customer gets.
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not session.dirty, timeout=10_000)
    written = {e.id: e.name for e in load(path).elements}
    assert written["vm-bos-mbx01"] == "NYC-MBX01" and written["site-bos"] == "Boston"
    assert sum(written[i] != original[i] for i in original) == 44


def test_a_clash_is_named_and_nothing_is_replaced(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    session = window.session
    before = session.design
    dialog = _open_dialog(qtbot, window)
    said = (
        "1 name would change, but 1 of them cannot (below): nothing is replaced until it is settled"
    )
    _type(qtbot, dialog, "Boston", "Worcester", said)
    assert dialog.problems.isVisible()
    assert dialog.problems.toPlainText() == (
        "site Boston → Worcester: site Worcester already has that name"
    )
    assert not dialog.replace_button.isEnabled()
    QTest.keyClick(dialog.replace_edit, Qt.Key.Key_Return)  # the default button is off
    # A double-click on the refused row shows its element on the canvas.
    table = dialog.table
    row = table.visualRect(table.model().index(0, 1)).center()
    # A real double-click: a click, then the double-click event.
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=row)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=row)
    qtbot.waitUntil(lambda: session.selection == ["site-bos"])
    assert session.design is before and session.undo_stack.count() == 0
    # Whole words and a kind: "DC0" in VM names only; the scope chosen by keyboard.
    dialog.find_edit.clear()
    dialog.replace_edit.clear()
    dialog.scope.setFocus()
    QTest.keyClicks(dialog.scope, "VMs")
    assert dialog.scope.currentData() == "vm"
    dialog.find_edit.setFocus()
    _type(qtbot, dialog, "DC0", "AD0", "5 names would change")
    assert {row[0] for row in _preview(dialog)} == {"VM"}
    QTest.keyClick(dialog.replace_edit, Qt.Key.Key_Return)  # Enter: Replace All
    names = {e.name for e in session.design.elements}
    assert {"BOS-AD01", "WOR-AD02"} <= names and "BOS-DC01 C: (OS)" in names


def test_the_live_check_words_its_findings_with_the_new_names(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "exchange2007_lcr_ccr_scr.json")
    problems = window.findChild(ProblemsPanel)

    def messages() -> list[str]:
        model = problems.model
        return [str(model.index(r, 2).data()) for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: any("loss of site Redmond" in m for m in messages()), timeout=20_000)
    dialog = _open_dialog(qtbot, window)
    dialog.scope.setFocus()
    QTest.keyClicks(dialog.scope, "Sites")
    dialog.find_edit.setFocus()
    _type(qtbot, dialog, "Redmond", "Seattle", "1 name would change")
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("loss of site Seattle" in m for m in messages()), timeout=20_000)
    assert not any("Redmond" in m for m in messages())


def test_simulation_mode_turns_replace_in_names_off(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    assert window.act_replace_names.isEnabled()
    dialog = _open_dialog(qtbot, window)
    _type(qtbot, dialog, "BOS", "NYC", "44 names would change")
    assert dialog.replace_button.isEnabled()
    activate(window)
    QTest.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.session.read_only)
    assert not window.act_replace_names.isEnabled()
    assert not dialog.replace_button.isEnabled()


def test_the_selection_as_scope(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    session, view = window.session, window.view
    dialog = _open_dialog(qtbot, window)
    dialog.scope.setFocus()
    QTest.keyClicks(dialog.scope, "The")  # (a space would open its list)
    assert dialog.scope.currentData() == "selection"
    dialog.find_edit.setFocus()
    _type(qtbot, dialog, "BOS", "NYC", "Nothing is selected: select elements on the canvas")
    # The user clicks a storage array on the canvas, the dialog still open.
    view.set_zoom(1.0)
    rect = view.design_scene.rect_of("arr-bos-1")
    assert rect is not None
    view.centerOn(rect.center())
    click(view, (rect.center().x(), rect.top() + 8))
    qtbot.waitUntil(lambda: session.selection == ["arr-bos-1"])
    qtbot.waitUntil(lambda: dialog.summary.text() == "1 name would change")
    assert dialog.scope.currentText() == "The selection (1 element)"
    assert _preview(dialog) == [("storage array", "BOS-SAN1", "NYC-SAN1")]
    activate(dialog)  # (a real click on it would)
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    renamed = [e.name for e in session.design.elements if "NYC" in e.name]
    assert renamed == ["NYC-SAN1"]
    # Ctrl+Z at once, in the dialog (Replace All, now off, passed the focus to Close).
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is dialog
    QTest.keyClick(focused, Qt.Key.Key_Z, CTRL)
    assert not any("NYC" in e.name for e in session.design.elements)
    qtbot.waitUntil(lambda: dialog.summary.text() == "1 name would change")
