"""The Plan copies preview shows its rows whole as soon as the window paints it (wave 22,
`fixq22`; fid22 saw one row): ``dr-designer gui SAMPLE`` (the three-site sample) at
1400×900, Databases → Plan copies…, Boston: 1 copy (a second line of notes), then 8
databases. The dock grew a turn after each change, so the window first painted the
preview squeezed (one row of four beside two lines of notes); it now grows in the turn
of the change, before the paint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDockWidget
from test_capacity_window import open_plan, type_into

from designer.ui.main_window import MainWindow
from designer.ui.panels.databases import DatabasesPanel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _rows_shown(panel: DatabasesPanel) -> int:
    """The preview's rows wholly inside its table's viewport."""
    table = panel.plan.table
    room = table.viewport().rect()
    return sum(
        1
        for row in range(table.rowCount())
        if room.contains(table.visualRect(table.model().index(row, 0)))
    )


def _dock(window: MainWindow) -> QDockWidget:
    return next(d for d in window.docks if d.objectName() == "DatabasesDock")


def test_plan_preview_rows_shown_whole_in_the_first_paint(launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, panel = open_plan(launch, SAMPLE)
    QApplication.processEvents()  # one turn: what the window paints next
    assert panel.plan.table.rowCount() == 4
    assert _rows_shown(panel) == 4
    # A second line of notes (the disks the plan removes) takes room from the table.
    type_into(panel.plan.site_spins["site-bos"], "1")
    QApplication.processEvents()
    notes = panel.plan.notes.text().splitlines()
    assert len(notes) == 2 and notes[-1].startswith("the plan removes the 8 disks"), notes
    assert _rows_shown(panel) == 4, (_dock(window).height(), panel.plan.table.viewport().height())
    window.grab().save(str(tmp_path / "plan-boston-1.png"))
    # Eight databases: eight rows and a third line of notes (the datastores overfilled).
    type_into(panel.plan.databases, "8")
    QApplication.processEvents()
    assert panel.plan.table.rowCount() == 8
    assert _rows_shown(panel) == 8, (_dock(window).height(), panel.plan.table.viewport().height())
    # Within three fifths of the window, the canvas keeping the rest.
    assert _dock(window).height() <= window.height() * 3 // 5
    window.grab().save(str(tmp_path / "plan-8-databases.png"))
    (tmp_path / "shots").mkdir()
    for shot in ("plan-boston-1.png", "plan-8-databases.png"):
        (tmp_path / shot).rename(tmp_path / "shots" / shot)
