"""What the user does while a big design's parts are still being made in the idle
slices (the Databases panel's rows, the canvas's boxes) must work as it does once
they are made: File > New, File > Open of another design, … (review10, wave 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_door import user_folders
from PySide6.QtWidgets import QApplication, QFileDialog

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.panels import DatabasesPanel
from designer.ui.panels import databases as databases_module

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _slices_done(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = slices.shared()
    qtbot.waitUntil(lambda: not runner._jobs, timeout=30000)
    QApplication.processEvents()


@pytest.mark.parametrize(
    ("door", "then"),
    [
        ("new", None),
        ("open", "exchange2007_lcr_ccr_scr.json"),  # no DAG in it
        ("open", "dag_with_ha.json"),
    ],
)
def test_file_new_or_open_while_the_databases_rows_are_made(
    qtbot, launch, tmp_path, monkeypatch, door, then
) -> None:
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    monkeypatch.setattr(databases_module, "FILL_AT_ONCE_CELLS", 0)
    step = DatabasesPanel._make_rows_step
    # One row a slice: the rows are still being made when the user acts.
    monkeypatch.setattr(DatabasesPanel, "_make_rows_step", lambda self, _d: step(self, 0.0))
    window = launch(path)  # dr-designer gui FILE
    panel = window.findChild(DatabasesPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.rows_pending and panel._made > 0, timeout=20000)
    if door == "new":
        window.act_new.trigger()  # File > New > Blank Design
    else:
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(SAMPLES / then), ""))
        )
        window.act_open.trigger()  # File > Open…
    _slices_done(qtbot)  # an exception in a slice fails the test (pytest-qt)
    assert not panel.rows_pending
    dags = [e for e in window.session.document.design.elements if e.kind == "dag"]
    if not dags:
        assert panel.table.rowCount() == 0
        assert panel.summary.text() == "No DAG in the design: add one from the palette."
    else:
        databases = [
            e
            for e in window.session.document.design.elements
            if e.kind == "mailbox_database" and e.dag == dags[0].id
        ]
        assert panel.table.rowCount() == len(databases)
        assert [panel.table.verticalHeaderItem(r).text() for r in range(len(databases))] == [
            d.name for d in databases
        ]
        assert all(
            panel.table.item(r, c) is not None
            for r in range(len(databases))
            for c in range(panel.table.columnCount())
        )


_CLOSE_MID_RENDER = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from designer.entry import main
from designer.ui.main_window import MainWindow
from designer.ui.panels.overview import OverviewPanel as Overview
from designer.ui import slices

slices.TURN_BUDGET_S = 0.0  # one slice a turn: the picture stays unfinished a while
seen = []

def poll() -> None:
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            overview = window.findChild(Overview)
            if overview is not None and overview._job is not None:
                seen.append(True)
                window.close()
                window.deleteLater()  # the window, its Overview and its unfinished job
                QTimer.singleShot(200, QApplication.quit)
                return
    QTimer.singleShot(1, poll)

real_exec = QApplication.exec

def exec_(*_args):
    QTimer.singleShot(0, poll)
    QTimer.singleShot(20000, QApplication.quit)
    return real_exec()

QApplication.exec = staticmethod(exec_)
main(["gui", sys.argv[1]])
print("closed mid-render" if seen else "never mid-render", flush=True)
"""


def test_closing_the_window_while_the_overview_paints_in_slices(tmp_path) -> None:
    """The window deleted while the Overview's picture is painted in the idle slices
    (dr-designer gui FILE, then the window closed): the process must not crash."""
    import os
    import subprocess
    import sys

    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **user_folders(tmp_path)}
    child = subprocess.run(
        [sys.executable, "-c", _CLOSE_MID_RENDER, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "closed mid-render" in child.stdout, child.stdout + child.stderr
