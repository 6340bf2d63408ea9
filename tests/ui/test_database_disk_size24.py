"""VS006 (wave 24, rulesq24) through the user's doors: eyes24 raised DB01 of the
three-site sample to 600 GB in the Inspector while its copies sit on 480 GB database
disks, and every check passed. ``dr-designer gui DESIGN``, the Inspector's *Size (GB)*
typed: the Problems dock names the four copies' disks, the saved file's ``dr-designer
check`` prints the same four; a disk grown to the database's size leaves the list.
A disk still at its default size made the disk of a database takes the database's size
(a palette disk is 40 GB, a new database 100 GB): it does not light the rule up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox

from designer.domain import DiskPurpose, VirtualDisk
from designer.persistence import load, save
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/rulesq24-shots")
DB01_DISKS = [f"vm-{m}-db-db01-edb" for m in ("bos-mbx01", "bos-mbx02", "wor-mbx01", "wor-mbx02")]


def _rows(window: Any) -> list[Any]:
    """The Problems panel's VS006 findings, as its table holds them."""
    panel = window.findChild(ProblemsPanel)
    assert panel is not None
    model = panel.table.model()
    found = [model.index(r, 0).data(FINDING_ROLE) for r in range(model.rowCount())]
    return [f for f in found if f is not None and f.code == "VS006"]


def _inspect(window: Any, qtbot: Any, element_id: str) -> InspectorPanel:
    window.session.focus(element_id)
    qtbot.waitUntil(lambda: window.session.selection == [element_id], timeout=3000)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == element_id
    return inspector


def _type(inspector: InspectorPanel, field: str, text: str) -> None:
    spin = inspector.editors[field].editor
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, text)
    QTest.keyClick(spin, Qt.Key.Key_Return)


def test_a_database_larger_than_its_copies_disks_is_a_problem(
    launch: Any, qtbot: Any, tmp_path: Path, capsys: Any
) -> None:
    window = launch(SAMPLE)  # the command-line argument: dr-designer gui FILE
    window.resize(1280, 800)
    session = window.session
    session.wait_for_findings()
    assert _rows(window) == []  # 400 GB databases on 480 GB disks
    _type(_inspect(window, qtbot, "db-db01"), "size_gb", "600")
    assert session.document.get("db-db01").size_gb == 600
    qtbot.waitUntil(lambda: len(_rows(window)) == 4, timeout=20_000)
    found = _rows(window)
    assert [f.elements[2] for f in found] == DB01_DISKS
    assert found[0].message == (
        "mailbox database DB01 is 600 GB; on BOS-MBX01 its database disk is 480 GB, "
        "120 GB short: it cannot hold the database"
    )
    SHOTS.mkdir(exist_ok=True)
    window.findChild(ProblemsPanel).grab().save(str(SHOTS / "vs006-problems.png"))
    # The saved file: `dr-designer check` prints the same four.
    out = tmp_path / "db01-600.drd.json"
    save(session.document.design, out)
    capsys.readouterr()
    assert console_main()(["check", str(out)]) == 0  # warnings: exit 0
    printed = [x for x in capsys.readouterr().out.splitlines() if "VS006" in x]
    assert [x.split("warning VS006: ")[1].split(" [")[0] for x in printed] == [
        f.message for f in found
    ]
    # BOS-MBX01's disk grown to 600 GB holds the database: three are left.
    _type(_inspect(window, qtbot, DB01_DISKS[0]), "size_gb", "600")
    qtbot.waitUntil(lambda: len(_rows(window)) == 3, timeout=20_000)
    assert [f.elements[2] for f in _rows(window)] == DB01_DISKS[1:]


def test_a_new_disk_made_a_database_s_disk_takes_its_size(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # A disk as a palette drop on BOS-MBX01 makes it (40 GB), its purpose database.
    design = load(SAMPLE)
    disk = VirtualDisk(
        id="disk-new", name="Disk-01", vm="vm-bos-mbx01", purpose=DiskPurpose.DATABASE
    )
    assert disk.size_gb == 40
    path = tmp_path / "new-disk.drd.json"
    save(design.model_copy(update={"elements": [*design.elements, disk]}), path)
    window = launch(path)
    window.resize(1280, 800)
    session = window.session
    session.wait_for_findings()
    inspector = _inspect(window, qtbot, "disk-new")
    combo = inspector.editors["database"].editor
    assert isinstance(combo, QComboBox)
    target = combo.findText("DB01")
    assert target >= 0
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:  # the keys a user presses on the closed combo
        QTest.keyClick(combo, key)
    qtbot.waitUntil(lambda: session.document.get("disk-new").database == "db-db01", timeout=5000)
    assert session.document.get("disk-new").size_gb == 400  # DB01's size, not 40 GB
    qtbot.waitUntil(lambda: inspector.editors["size_gb"].editor.value() == 400, timeout=5000)
    session.wait_for_findings()
    assert _rows(window) == []
    # One undo step takes the database and the size back together.
    window.act_undo.trigger()
    assert session.document.get("disk-new").database is None
    assert session.document.get("disk-new").size_gb == 40
