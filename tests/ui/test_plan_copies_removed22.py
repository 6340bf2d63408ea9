"""Plan copies… removes the disks of the copies it takes off their members (wave 22,
fid22), as ``dr-designer plan-copies -o`` does: ``dr-designer gui SAMPLE`` (the
three-site sample, every copy with a database and a log disk), Databases → Plan
copies…, Boston: 1 copy: the preview's last line names the 8 disks the plan removes,
Apply removes them in the plan's one undoable step (the status line says so), the same
design the CLI writes; Ctrl+Z brings them back in their places."""

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
SHOTS = Path("/tmp/fid22-shots")


def _disks(design: Design) -> dict[str, VirtualDisk]:
    return {e.id: e for e in design.elements if isinstance(e, VirtualDisk)}


def test_plan_copies_removes_the_disks_left_behind_as_the_cli_does(launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, panel = open_plan(launch, SAMPLE)
    session = window.session
    before = list(session.document.design.elements)
    type_into(panel.plan.site_spins["site-bos"], "1")
    QApplication.processEvents()
    notes = panel.plan.notes.text().splitlines()
    assert notes[-1] == (
        "the plan removes the 8 disks of the copies it takes off their members "
        "(BOS-MBX01 DB02 database, BOS-MBX01 DB02 logs and 6 more)"
    ), notes
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "plan-copies-removed-preview.png"))
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    after = _disks(session.document.design)
    assert set(_disks(Design(elements=before))) - set(after) == {
        f"vm-bos-mbx0{m}-db-db0{d}-{p}"
        for m, ds in ((1, "24"), (2, "13"))
        for d in ds
        for p in ("edb", "log")
    }
    assert "8 disks removed" in window.statusBar().currentMessage()
    session.wait_for_findings()
    assert not [f for f in session.findings.active if f.code == "DAG014"]
    # `dr-designer plan-copies SAMPLE --dag DAG01 --copies Boston=1 -o OUT`: the same design.
    out = tmp_path / "cli.drd.json"
    args = ["plan-copies", str(SAMPLE), "--dag", "DAG01", "--copies", "Boston=1", "-o", str(out)]
    assert console_main()(args) == 0
    assert load(out).elements == session.document.design.elements
    # One undo step brings the copies and their disks back, in their places.
    assert session.undo_stack.undoText() == "Plan copies of DAG01"
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert list(session.document.design.elements) == before
