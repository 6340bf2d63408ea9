"""Wave 22 (rules22): eyes22's #14 and #12 as findings the window shows after the edit
that causes them, through the real door (``dr-designer gui FILE``) and real widgets:
DAG015 (the alternate witness is the witness itself) and DAG016 (a DAG member holding
no database copy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from check_lists import row_valued
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QListView

from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path("/tmp/rules22-shots")  # the Problems panel with the new finding, looked at


def _rows(window: Any, code: str) -> list[Any]:
    """The Problems panel's findings of ``code``, as its table holds them (and, with a
    finding, a picture of the panel in SHOTS)."""
    panel = window.findChild(ProblemsPanel)
    assert panel is not None
    model = panel.table.model()
    found = [model.index(r, 0).data(FINDING_ROLE) for r in range(model.rowCount())]
    rows = [f for f in found if f is not None and f.code == code]
    if rows:
        SHOTS.mkdir(exist_ok=True)
        panel.grab().save(str(SHOTS / f"{code.lower()}-problems.png"))
    return rows


def _dag_inspector(window: Any, qtbot: Any) -> InspectorPanel:
    window.session.focus("dag-01")
    qtbot.waitUntil(lambda: window.session.selection == ["dag-01"], timeout=3000)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "dag-01"
    return inspector


def test_the_alternate_witness_made_the_witness_is_found(launch: Any, qtbot: Any) -> None:
    # eyes22 #14: the Inspector's Witness set to "WOR-FS01 alt. witness", the DAG's
    # alternate witness already: nothing said the switchover had no witness left.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session = window.session
    assert "DAG015" not in {f.code for f in session.findings.active}
    inspector = _dag_inspector(window, qtbot)
    combo = inspector.editors["witness"].editor
    assert isinstance(combo, QComboBox)
    target = combo.findText("WOR-FS01 alt. witness (Worcester)")
    assert target >= 0
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:  # the keys a user presses on the closed combo
        QTest.keyClick(combo, key)
    assert session.document.get("dag-01").witness == "fsw-wor"
    qtbot.waitUntil(lambda: len(_rows(window, "DAG015")) == 1, timeout=20_000)
    (finding,) = _rows(window, "DAG015")
    assert finding.elements == ("dag-01", "fsw-wor")
    assert finding.message.startswith(
        "DAG DAG01 alternate witness WOR-FS01 alt. witness is also its witness: when site "
        "Worcester fails, it is down too: a datacenter switchover cannot use it"
    )
    # Undo (Ctrl+Z) takes the finding away again.
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: _rows(window, "DAG015") == [], timeout=20_000)


def test_a_member_ticked_into_the_dag_with_no_copies_is_found(launch: Any, qtbot: Any) -> None:
    # eyes22 #12: a fifth member added with no database copy, and nothing said so.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session = window.session
    assert "DAG016" not in {f.code for f in session.findings.active}
    # Edit > Duplicate of BOS-MBX02: a Mailbox server of its own, holding no copy.
    ids = {e.id for e in session.document.design.elements}
    session.set_selection(["vm-bos-mbx02"])
    window.act_duplicate.trigger()
    qtbot.waitUntil(lambda: len(session.document.design.elements) > len(ids), timeout=5000)
    (vm,) = [e for e in session.document.design.elements if e.id not in ids and e.kind == "vm"]
    assert vm.id not in session.document.get("dag-01").members
    inspector = _dag_inspector(window, qtbot)
    members = inspector.editors["members"].editor
    assert isinstance(members, QListView)
    row = row_valued(members, vm.id)
    members.scrollTo(row.index)
    members.setCurrentIndex(row.index)
    members.setFocus()
    QTest.keyClick(members, Qt.Key.Key_Space)  # ticks the current row's box
    qtbot.waitUntil(lambda: vm.id in session.document.get("dag-01").members, timeout=5000)
    qtbot.waitUntil(lambda: len(_rows(window, "DAG016")) == 1, timeout=20_000)
    (finding,) = _rows(window, "DAG016")
    assert finding.elements == ("dag-01", vm.id)
    assert finding.message.startswith(f"DAG DAG01 member {vm.name} holds no database copy")
