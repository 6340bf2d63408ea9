"""A plan that shares mailboxes over more databases resizes the shrunk databases' disks
(wave 22, `fixq22`), as it sizes the new copies' disks (the followed disk scaled by the
databases' sizes): ``dr-designer gui SAMPLE`` (the three-site sample: DB01 and DB02 hold
Boston's 4,000 mailboxes in 400 GB, each copy on a 480 GB database disk), Databases →
Plan copies…, 6 databases: DB01 and DB02 shrink to 200 GB and their 8 database disks to
240 GB (the new DB05 and DB06 get 240 GB disks), said on the preview's last line and in
Apply's status line; the log disks keep their 80 GB; the same design as
``dr-designer plan-copies … -o``, whose JSON lists the resized disks; one Ctrl+Z."""

from __future__ import annotations

import json
from pathlib import Path

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_plan, type_into

from designer.domain import Design, DiskPurpose, Lun, MailboxDatabase, VirtualDisk
from designer.persistence import load

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
MEMBERS = ("bos-mbx01", "bos-mbx02", "wor-mbx01", "wor-mbx02")


def _disks(design: Design) -> dict[str, VirtualDisk]:
    return {e.id: e for e in design.elements if isinstance(e, VirtualDisk)}


def test_plan_resizes_the_disks_of_the_databases_it_shrinks(launch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    window, panel = open_plan(launch, SAMPLE)
    session = window.session
    before = list(session.document.design.elements)
    type_into(panel.plan.databases, "6")
    QApplication.processEvents()
    assert panel.plan.notes.text().splitlines()[-1] == (
        "the new copies get 16 disks on their members' datastores, as their other copies; "
        "the databases' new sizes resize their 8 disks (BOS-MBX01 DB01 database to 240 GB, "
        "BOS-MBX01 DB02 database to 240 GB and 6 more); "
        # wave 23, fid23: vSphere grows a virtual disk but cannot shrink one
        "vSphere cannot shrink a virtual disk: reseed the copies on the 8 disks made "
        "smaller on new disks of the new size, or keep the disks as they are"
    )
    window.grab().save(str(tmp_path / "plan-resized-preview.png"))
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    design = session.document.design
    dbs = {e.name: e for e in design.elements if isinstance(e, MailboxDatabase)}
    assert (dbs["DB01"].size_gb, dbs["DB03"].size_gb, dbs["DB05"].size_gb) == (200, 400, 200)
    disks = _disks(design)
    for member in MEMBERS:
        for db, size in (("db01", 240), ("db02", 240), ("db03", 480), ("db04", 480)):
            assert disks[f"vm-{member}-db-{db}-edb"].size_gb == size, (member, db)
            assert disks[f"vm-{member}-db-{db}-log"].size_gb == 80
    # The members' DS-DB hold what they held (1,920 of 2,080 GB): no VS005.
    luns = {e.id: e for e in design.elements if isinstance(e, Lun)}
    for member in MEMBERS:
        on = [
            d.size_gb
            for d in disks.values()
            if d.lun == f"lun-{member}-db" and d.purpose is DiskPurpose.DATABASE
        ]
        assert sum(on) == 1920 <= luns[f"lun-{member}-db"].size_gb
    assert "8 disks resized" in window.statusBar().currentMessage()
    session.wait_for_findings()
    assert not [f for f in session.findings.active if f.code in ("VS005", "DAG014")]
    # `dr-designer plan-copies SAMPLE --dag DAG01 --databases 6 -o OUT`: the same design,
    # and its JSON lists the resized disks with their new sizes.
    out = tmp_path / "cli.drd.json"
    args = ["plan-copies", str(SAMPLE), "--dag", "DAG01", "--databases", "6"]
    assert console_main()([*args, "-o", str(out)]) == 0
    assert load(out).elements == design.elements
    capsys.readouterr()
    assert console_main()([*args, "--format", "json"]) == 0
    resized = json.loads(capsys.readouterr().out)["resized_disks"]
    assert len(resized) == 8
    assert resized[0] == {
        "id": "vm-bos-mbx01-db-db01-edb",
        "name": "BOS-MBX01 DB01 database",
        "member": "BOS-MBX01",
        "database": "DB01",
        "purpose": "database",
        "lun": "BOS-MBX01 DS-DB",
        "size_gb": 240.0,
    }
    # One undo step brings the sizes back with the rest.
    assert session.undo_stack.undoText() == "Plan copies of DAG01"
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert list(session.document.design.elements) == before
