"""Wave 23 (rules23): the rule leftovers as the window's Problems list shows them, through
the real door (``dr-designer gui FILE``) and real widgets:

- the alternate witness's server moved onto Hartford's host in the Inspector: DAG015
  (which read only the alternate witness's stated site) and the new DAG017 appear, and
  go with Ctrl+Z;
- a design just imported from Exchange's exports: no NET005/EX002 for the placeholder
  site "Unplaced (import)", and DAG014 says what to give a server with no storage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox

from designer.entry import main
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
EXCHANGE = ROOT / "tests" / "interop" / "data" / "exchange"
SHOTS = Path("/tmp/rules23-shots")  # the Problems panel with the findings, looked at


def _findings(window: Any) -> list[Any]:
    """The findings the Problems panel's table holds, in its order."""
    panel = window.findChild(ProblemsPanel)
    assert panel is not None
    model = panel.table.model()
    found = [model.index(r, 0).data(FINDING_ROLE) for r in range(model.rowCount())]
    return [f for f in found if f is not None]


def _rows(window: Any, code: str) -> list[Any]:
    return [f for f in _findings(window) if f.code == code]


def _shot(window: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    window.findChild(ProblemsPanel).grab().save(str(SHOTS / f"{name}.png"))


def test_the_alternate_witness_server_moved_beside_the_witness_is_found(
    launch: Any, qtbot: Any
) -> None:
    window = launch(SAMPLE)
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    assert not {f.code for f in session.findings.active} & {"DAG015", "DAG017"}
    # The Inspector's Host of WOR-FS01 (the alternate witness's server) set to Hartford's.
    session.focus("vm-wor-fs01")
    qtbot.waitUntil(lambda: session.selection == ["vm-wor-fs01"], timeout=3000)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "vm-wor-fs01"
    combo = inspector.editors["host"].editor
    assert isinstance(combo, QComboBox)
    target = combo.findText("esx-hfd-01")
    assert target >= 0
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:  # the keys a user presses on the closed combo
        QTest.keyClick(combo, key)
    assert session.document.get("vm-wor-fs01").host == "esx-hfd-01"
    qtbot.waitUntil(
        lambda: len(_rows(window, "DAG015")) == 1 and len(_rows(window, "DAG017")) == 1,
        timeout=20_000,
    )
    _shot(window, "dag015-dag017-problems")
    (dag015,) = _rows(window, "DAG015")
    assert dag015.elements == ("dag-01", "fsw-wor", "fsw-hfd")
    assert dag015.message.startswith(
        "DAG DAG01 alternate witness WOR-FS01 alt. witness is in site Hartford with its "
        "witness HFD-FS01 share: when site Hartford fails, it is down too"
    )
    (dag017,) = _rows(window, "DAG017")
    assert dag017.elements == ("fsw-wor", "vm-wor-fs01", "site-hfd")
    assert dag017.message.startswith(
        "file share witness WOR-FS01 alt. witness states site Worcester, but its server "
        "WOR-FS01 runs on host esx-hfd-01 in site Hartford"
    )
    # Undo (Ctrl+Z) takes both away again.
    window.act_undo.trigger()
    qtbot.waitUntil(
        lambda: _rows(window, "DAG015") == [] and _rows(window, "DAG017") == [],
        timeout=20_000,
    )


def test_a_fresh_import_asks_nothing_of_its_placeholder_site(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "imported.json"
    sources = [
        EXCHANGE / "Get-DatabaseAvailabilityGroup.csv",
        EXCHANGE / "Get-MailboxDatabase.csv",
        EXCHANGE / "Get-MailboxDatabaseCopyStatus.csv",
    ]
    assert main(["import", "exchange", *map(str, sources), "-o", str(path)]) == 0
    window = launch(path)
    window.resize(1280, 800)
    session = window.session
    # Four servers with no disk at all (BOS-MBX01… hold DB01 and DB02): one finding each
    # (wave 24, rules24: there were eight, one per copy).
    qtbot.waitUntil(lambda: len(_rows(window, "DAG014")) == 4, timeout=20_000)
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    _shot(window, "import-problems")
    codes = {f.code for f in _findings(window)}
    assert "NET005" not in codes and "EX002" not in codes, codes
    assert not [f for f in _findings(window) if "Unplaced (import)" in f.message]
    first = next(f for f in _rows(window, "DAG014") if f.elements[0] == "vm-1")
    assert first.elements == ("vm-1", "db-1", "db-2")
    assert first.message.endswith(
        "(BOS-MBX01 has no database or log disk on any LUN): no storage failure reaches "
        "them; import its vCenter's RVTools export into this design (File > Import > "
        "RVTools Export…) to bring its host and disks, or give BOS-MBX01 a virtual disk for "
        "them (purpose database) on a LUN of a storage array, as a VMFS datastore or an RDM"
    )
