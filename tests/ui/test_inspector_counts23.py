"""A reviewer opening a big design (wave 23, ``eyesq23``): the Inspector said "design ·
25001 elements" under the status bar's "Opened design-25k.json: 25,001 elements", and a
Select All "25001 elements selected". Its counts are thousands separated as the status
bar's are. Through ``dr-designer gui FILE`` and Ctrl+A on the canvas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui.panels.inspector import InspectorPanel


def test_the_inspectors_counts_read_as_the_status_bars(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    design = generate_design(5000, seed=0)
    count = len(design.elements)
    assert count >= 4000
    path = tmp_path / "big.drd.json"
    path.write_text(dumps(design), encoding="utf-8")
    window = launch(path)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    assert window.statusBar().currentMessage() == f"Opened big.drd.json: {count:,} elements"
    assert inspector.header_detail.text() == f"design · {count:,} elements"
    Path("/tmp/eyesq23-shots").mkdir(exist_ok=True)
    inspector.grab().save("/tmp/eyesq23-shots/inspector-design.png")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    # What Select All selects (the boxes and lines it draws): over a thousand here.
    qtbot.waitUntil(lambda: len(window.session.selection) >= 1000, timeout=30000)
    selected = len(window.session.selection)
    qtbot.waitUntil(lambda: "selected" in inspector.header.text(), timeout=30000)
    assert inspector.header.text() == f"{selected:,} elements selected"
    Path("/tmp/eyesq23-shots").mkdir(exist_ok=True)
    inspector.grab().save("/tmp/eyesq23-shots/inspector-select-all.png")
    # Each kind's count too: "400 ESXi hosts, 1,234 virtual disks, …".
    for part in inspector.header_detail.text().split(", "):
        figure = part.split(" ")[0]
        assert figure == f"{int(figure.replace(',', '')):,}", part
