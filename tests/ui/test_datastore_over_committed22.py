"""VS005 (wave 22, fid22) in the live check: ``dr-designer gui DESIGN`` (the three-site
sample, every datastore within its size, its databases stating no mailboxes: the new
databases then share none and take the last one's 400 GB, so the planned disks add up;
with the sample's mailboxes shared the shrunk databases' disks shrink too and nothing
overfills, fixq22), Databases → Plan copies…, 6 databases: the
preview's note says the new disks overfill the members' DS-DB datastores; after Apply
the Problems dock names each of them (VS005, with the LUN and its disks), the same
findings ``dr-designer check`` prints for the CLI's ``-o`` file; Ctrl+Z and they go."""

from __future__ import annotations

from pathlib import Path

from design_variants import without_mailboxes
from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_plan, open_tab, type_into

from designer.persistence import load, save
from designer.ui.panels.problems import ProblemsPanel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/fid22-shots")
DS_DB = ["lun-bos-mbx01-db", "lun-bos-mbx02-db", "lun-wor-mbx01-db", "lun-wor-mbx02-db"]


def test_planned_disks_overfilling_datastores_are_problems(launch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "no-mailboxes.drd.json"
    save(without_mailboxes(load(SAMPLE)), source)
    window, panel = open_plan(launch, source)
    session = window.session
    assert not [f for f in session.findings.active if f.code == "VS005"]
    type_into(panel.plan.databases, "6")
    QApplication.processEvents()
    assert "grow the datastores their disks overfill" in panel.plan.notes.text()
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    session.wait_for_findings()
    QApplication.processEvents()
    found = [f for f in session.findings.active if f.code == "VS005"]
    assert [f.elements[0] for f in found] == DS_DB
    assert found[0].message == (
        "datastore BOS-MBX01 DS-DB is 2,080 GB; the 6 virtual disks on it take 2,880 GB, "
        "800 GB more"
    )
    problems = window.findChild(ProblemsPanel)
    assert problems is not None
    # CAP006: no mailboxes, one finding for the DAG's six databases (rules25)
    assert problems.windowTitle() == "Problems — 4 warnings, 1 info"
    open_tab(window, "Problems")
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "vs005-problems.png"))
    # The CLI's -o file: `dr-designer check` prints the same four.
    out = tmp_path / "cli.drd.json"
    args = ["plan-copies", str(source), "--dag", "DAG01", "--databases", "6", "-o", str(out)]
    assert console_main()(args) == 0
    capsys.readouterr()
    assert console_main()(["check", str(out)]) == 0  # warnings: exit 0
    printed = [x for x in capsys.readouterr().out.splitlines() if "VS005" in x]
    assert [x.split("warning VS005: ")[1].split(" [")[0] for x in printed] == [
        f.message for f in found
    ]
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    session.wait_for_findings()
    assert not [f for f in session.findings.active if f.code == "VS005"]
