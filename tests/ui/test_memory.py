"""Editing in the window frees every earlier snapshot's index (issue 15: the rule
caches kept each one, 6.7 MB per edit on a 25k design)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_canvas_support import ini_settings, small_design

from designer.ui.main_window import MainWindow
from designer.ui.session import EditorSession


def test_edits_in_the_window_keep_no_old_design_index_alive(qtbot, tmp_path):
    w = MainWindow(
        EditorSession(small_design()),
        settings=ini_settings(tmp_path),
        recovery_dir=tmp_path / "recovery",
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    w.session.set_selection(["vm-b1"])
    w.view.setFocus()
    old: list[weakref.ref] = []
    for _ in range(12):
        old.append(weakref.ref(w.session.document.index))
        QTest.keyClick(w.view.viewport(), Qt.Key.Key_Right)  # nudge: one undo step
        QApplication.processEvents()
    assert w.session.undo_stack.count() >= 1 and w.session.dirty
    assert w.session.findings_revision == w.session.document.revision
    gc.collect()
    alive = [ref for ref in old if ref() is not None]
    assert alive == [], f"{len(alive)} of {len(old)} earlier indexes are still alive"
