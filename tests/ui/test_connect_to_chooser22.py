"""*Connect To…* says what each target makes, and one Enter picks what was typed (wave 22,
``ui22``; eyes22 #8): a VM's entry for a DAG read "DAG01 (DAG) — DAG's members" (as if it
listed them) where every other entry says what it makes ("— new virtual disk"), and the
chooser's editable list took the first Enter to complete "DAG" and a second for OK.

Through the door: ``dr-designer gui three_site_stretched_dag.json``, a VM right-clicked
on the canvas (its menu offers more targets than a submenu holds: the chooser), "DAG01"
typed, Enter once. The VM states no role (since wave 28 a VM of other roles only, as
WOR-FS01's file share witness, is not offered a DAG: window28)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QMenu

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def test_one_enter_connects_the_target_typed(qtbot: Any, launch: Any, tmp_path: Path) -> None:
    data = json.loads((SAMPLES / "three_site_stretched_dag.json").read_text(encoding="utf-8"))
    for element in data["design"]["elements"]:
        if element["id"] == "vm-wor-fs01":
            element["roles"] = []  # no role yet: it may become a Mailbox server
    path = tmp_path / "three_site_stretched_dag.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    window = launch(path)
    QTest.qWaitForWindowExposed(window)
    view, session = window.view, window.session
    rect = view.design_scene.rect_of("vm-wor-fs01")
    assert rect is not None
    view.ensureVisible(rect, 10, 10)
    # Its middle (the sample opens whole at 34 % since ui24: 8 px down left the row).
    pos = view.mapFromScene(rect.center())
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    (chooser,) = [a for a in menu.actions() if a.text().replace("&", "").startswith("Connect To…")]
    seen: dict[str, Any] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        box = dialog.findChild(QComboBox)
        seen["items"] = [box.itemText(i) for i in range(box.count())]
        QTest.keyClicks(box, "DAG01")
        QTest.keyClick(box, Qt.Key.Key_Return)  # once
        seen["open after one Enter"] = dialog.isVisible()
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(100, answer)
    chooser.trigger()
    assert "DAG01 (DAG) — joins its members" in seen["items"]
    assert any(item.endswith("— new virtual disk") for item in seen["items"])
    assert seen["open after one Enter"] is False
    assert "vm-wor-fs01" in session.document.get("dag-01").members  # type: ignore[union-attr]
    # (A VM of no role joins as a Mailbox server: the rest of the line says so.)
    assert window.statusBar().currentMessage().startswith("Done: Add WOR-FS01 to DAG01 ")
