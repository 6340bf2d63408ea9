"""Wave 24 (rules24): the rule leftovers as the window's Problems list shows them, through
the real door (``dr-designer gui FILE``) and real widgets:

- the witness's server moved onto a Boston host in the Inspector: DAG001 judges the
  witness in member site Boston, in the simulator's words, and names the stated site
  (Hartford) nowhere: DAG017 says that, once; Ctrl+Z takes both away;
- the alternate witness's system disk moved to Hartford's datastore in the Inspector:
  DAG015 (it fails with the witness's site);
- a design imported from the calculator's exports: one DAG014 row per server (four),
  not a group of 160, each saying to import the servers' RVTools export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox
from test_rule_leftovers23 import _findings, _rows  # the table's rows of their own

from designer.entry import main
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import ProblemsPanel

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
CALCULATOR = ROOT / "tests" / "interop" / "data" / "calculator"
SHOTS = Path("/tmp/rules24-shots")  # the Problems panel with the findings, looked at


def _shot(window: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    window.findChild(ProblemsPanel).grab().save(str(SHOTS / f"{name}.png"))


def _choose(qtbot: Any, window: Any, element: str, field: str, text: str) -> None:
    """In the Inspector of ``element``, the closed combo of ``field`` moved to ``text``
    with the arrow keys, as a user does."""
    session = window.session
    session.focus(element)
    qtbot.waitUntil(lambda: session.selection == [element], timeout=3000)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == element
    combo = inspector.editors[field].editor
    assert isinstance(combo, QComboBox)
    target = combo.findText(text)
    assert target >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        QTest.keyClick(combo, key)


def test_the_witness_is_judged_where_its_server_runs(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    assert not {f.code for f in session.findings.active} & {"DAG001", "DAG015", "DAG017"}
    # HFD-FS01, the witness's server, onto Boston's esx-bos-04.
    _choose(qtbot, window, "vm-hfd-fs01", "host", "esx-bos-04")
    assert session.document.get("vm-hfd-fs01").host == "esx-bos-04"
    qtbot.waitUntil(
        lambda: len(_rows(window, "DAG001")) == 1 and len(_rows(window, "DAG017")) == 1,
        timeout=20_000,
    )
    _shot(window, "dag001-witness-on-boston")
    (dag001,) = _rows(window, "DAG001")
    assert dag001.elements == ("dag-01", "fsw-hfd", "site-bos")
    assert dag001.message == (
        "DAG DAG01 fails over automatically but its witness HFD-FS01 share is in "
        "member site Boston (where its server HFD-FS01 runs: DAG017), not in a third site; "
        "when site Boston fails, DAG DAG01 loses quorum: 2 of 5 votes reachable; its "
        "databases dismount"
    )
    assert [f for f in _findings(window) if "Hartford" in f.message] == _rows(window, "DAG017")
    window.act_undo.trigger()
    qtbot.waitUntil(
        lambda: _rows(window, "DAG001") == [] and _rows(window, "DAG017") == [],
        timeout=20_000,
    )
    # WOR-FS01's system disk (the alternate witness's server) onto Hartford's datastore.
    _choose(qtbot, window, "vm-wor-fs01-os", "lun", "HFD-SAN1 DS-OS")
    assert session.document.get("vm-wor-fs01-os").lun == "lun-hfd-os"
    qtbot.waitUntil(lambda: len(_rows(window, "DAG015")) == 1, timeout=20_000)
    _shot(window, "dag015-system-disk")
    (dag015,) = _rows(window, "DAG015")
    assert dag015.elements == ("dag-01", "fsw-wor", "fsw-hfd")
    assert dag015.message.startswith(
        "DAG DAG01 alternate witness WOR-FS01 alt. witness keeps its system disk on storage "
        "array HFD-SAN1 in site Hartford, and its witness HFD-FS01 share is in site "
        "Hartford: when site Hartford fails, it is down too: a datacenter switchover cannot "
        "use it"
    )


def test_a_calculator_import_shows_one_storage_problem_per_server(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "imported.json"
    sources = ("ServersV7.6.csv", "MailboxDatabasesV7.6.csv", "MailboxDatabaseCopiesV7.6.csv")
    assert (
        main(["import", "calculator", *(str(CALCULATOR / s) for s in sources), "-o", str(path)])
        == 0
    )
    window = launch(path)
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: len(_rows(window, "DAG014")) == 4, timeout=20_000)
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    _shot(window, "calculator-import-problems")
    assert len([f for f in session.findings.active if f.code == "DAG014"]) == 4
    rows = _rows(window, "DAG014")
    assert [f.elements[0] for f in rows] == ["vm-1", "vm-2", "vm-3", "vm-4"]
    for finding, server in zip(
        rows, ("srv-nn-01", "srv-nn-02", "srv-nn-03", "srv-nn-04"), strict=True
    ):
        assert finding.message.startswith(
            f"{server} keeps its copies of 40 databases (DAG-nn-DB01, DAG-nn-DB02, DAG-nn-DB03 "
            "and 37 more) on no disk"
        )
        assert "import its vCenter's RVTools export into this design (File > Import > " in (
            finding.message
        )
    # The Problems filter finds a server's finding by one of its databases.
    panel = window.findChild(ProblemsPanel)
    QTest.keyClicks(panel.filter_edit, "DAG-nn-DB07")
    qtbot.waitUntil(lambda: len(_findings(window)) == 5, timeout=5000)
    assert sorted(f.code for f in _findings(window)) == ["CAP006", *["DAG014"] * 4]
