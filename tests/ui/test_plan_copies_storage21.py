"""Plan copies… gives the copies it adds their members' storage (wave 21, fid21), as
``dr-designer plan-copies`` does: ``dr-designer gui SAMPLE`` (the three-site sample,
every copy with a database and a log disk), Databases → Plan copies…, 6 databases: the
preview says the 8 new copies get 16 disks (and the shrunk databases' disks resized), Apply
adds them in the plan's one undoable step, the same disks the CLI writes, and DAG014
(a copy without a database disk) stays quiet; Ctrl+Z takes them away."""

from __future__ import annotations

from pathlib import Path

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_plan, type_into

from designer.domain import Design, VirtualDisk
from designer.persistence import load

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/fid21-shots")


def _disks(design: Design) -> dict[str, VirtualDisk]:
    return {e.id: e for e in design.elements if isinstance(e, VirtualDisk)}


def test_plan_copies_gives_the_new_copies_disks_as_the_cli_does(launch, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, panel = open_plan(launch, SAMPLE)
    session = window.session
    before = _disks(session.document.design)
    type_into(panel.plan.databases, "6")
    QApplication.processEvents()
    notes = panel.plan.notes.text().splitlines()
    assert notes[-1].startswith(
        "the new copies get 16 disks on their members' datastores, as their other copies; "
        "the databases' new sizes resize their 8 disks"  # Boston's, shrunk (wave 22)
    ), notes
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "plan-copies-storage-preview.png"))
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    after = _disks(session.document.design)
    added = {k: v for k, v in after.items() if k not in before}
    assert len(added) == 16 and set(before) <= set(after)
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Plan copies of DAG01: 8 cells changed, 2 databases added, 16 disks added")
        or "16 disks added" in window.statusBar().currentMessage()
    )
    session.wait_for_findings()
    assert not [f for f in session.findings.active if f.code == "DAG014"]
    # `dr-designer plan-copies SAMPLE --dag DAG01 --databases 6 -o OUT`: the same disks.
    out = tmp_path / "cli.drd.json"
    args = ["plan-copies", str(SAMPLE), "--dag", "DAG01", "--databases", "6", "-o", str(out)]
    assert console_main()(args) == 0
    by_cli = _disks(load(out))
    assert by_cli == after
    # One undo step takes the databases and their disks away.
    assert session.undo_stack.undoText() == "Plan copies of DAG01"
    session.undo_stack.undo()
    QApplication.processEvents()
    assert _disks(session.document.design) == before
