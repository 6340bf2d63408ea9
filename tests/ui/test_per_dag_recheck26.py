"""A DAG's field set in the Inspector of a big design: the worker's re-check runs the
per-DAG rules for that DAG alone (wave 26, ``recheck26``), and the Problems list then
says what a fresh opening of the same design says."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox

from designer.persistence import dumps
from designer.ui.main_window import MainWindow
from designer.ui.panels import InspectorPanel
from designer.ui.panels.problems import ProblemsPanel
from designer.ui.session import SYNC_CHECK_LIMIT

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.generate import generate_design


def _settled(window: MainWindow) -> bool:
    session = window.session
    return session.findings_revision == session.document.revision and not session.checking


def _problems(window: MainWindow) -> list[tuple[str, tuple[str, ...], str]]:
    return [(f.code, f.elements, f.message) for f in window.session.findings.findings]


def test_a_dag_field_set_in_the_inspector_shows_what_a_fresh_open_shows(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path
) -> None:
    design = generate_design(8000, seed=1)
    assert len(design.elements) > SYNC_CHECK_LIMIT  # checked on the worker
    path = tmp_path / "three-dags.drd.json"
    path.write_text(dumps(design), encoding="utf-8")
    window: MainWindow = launch(path)  # the command-line argument: dr-designer gui FILE
    qtbot.waitUntil(
        lambda: _settled(window) and bool(window.session.findings.findings), timeout=60_000
    )
    before = _problems(window)
    dag = next(e for e in design.elements if e.kind == "dag")
    window.session.focus(dag.id)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == dag.id
    box = inspector.editors["dac_mode"].editor
    assert isinstance(box, QCheckBox)
    was = box.isChecked()
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: window.session.document.get(dag.id).dac_mode is not was)
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    live = window.session.live_check
    assert live.last_per_dag == {dag.id}  # the per-DAG rules ran for this DAG alone
    after = _problems(window)
    assert after != before  # DAG012 (multi-site DAG without DAC) came or went
    panel = window.findChild(ProblemsPanel)
    assert panel is not None
    # What a fresh opening of the edited design finds: the same Problems.
    saved = tmp_path / "edited.drd.json"
    saved.write_text(dumps(window.session.document.design), encoding="utf-8")
    fresh: MainWindow = launch(saved)
    qtbot.waitUntil(
        lambda: _settled(fresh) and bool(fresh.session.findings.findings), timeout=60_000
    )
    assert _problems(fresh) == after
    fresh_panel = fresh.findChild(ProblemsPanel)
    assert fresh_panel is not None
