"""Wave 12 review: the findings while a big design's first check runs, when the user
opens another design (or File > New) before it reports."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from benchmarks.generate import generate_design
from designer.domain import (
    Design,
    EsxiHost,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    Site,
    VirtualMachine,
)
from designer.persistence import dumps, save
from designer.rules import check, incremental
from designer.ui import main_window as main_window_module
from designer.ui import session as session_module
from designer.ui.main_window import MainWindow
from designer.ui.panels import InspectorPanel, ProblemsPanel

BIG = 20


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", BIG)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", BIG)
    big = tmp_path / "big.json"
    big.write_text(dumps(generate_design(300, seed=1)), encoding="utf-8")
    small = Design(
        elements=[
            Site(id="s", name="Boston"),
            EsxiHost(id="h", name="esx01", site="s"),
            VirtualMachine(id="vm1", name="mbx01", host="h", mailboxes=9000),
        ],
        rules=RuleSettings(severities={"VS002": RuleSeverity(level=RuleLevel.ERROR)}),
    )
    save(small, tmp_path / "small.json")
    return tmp_path / "small.json", big


def _ctrl_o(window: MainWindow, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def _views(window: MainWindow) -> tuple[str, str, int, str]:
    problems = window.findChild(ProblemsPanel)
    inspector = window.findChild(InspectorPanel)
    assert problems is not None and inspector is not None
    return (
        window.findings_label.text(),
        problems.windowTitle(),
        problems.table.model().rowCount(),
        inspector.findings_label.text(),
    )


def _all_done(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    session = window.session
    qtbot.waitUntil(
        lambda: (
            not session.holding
            and not session.preparing_edits
            and session.findings_revision == session.document.revision
        ),
        timeout=20000,
    )
    session._pool.waitForDone()
    for _ in range(20):
        QApplication.processEvents()
        QTest.qWait(10)


@pytest.mark.parametrize("running", [False, True], ids=["queued", "running"])
def test_opening_the_first_design_again_before_the_big_ones_check_reports(  # type: ignore[no-untyped-def]
    qtbot, launch, files, monkeypatch, running, gates
):
    small, big = files
    # The worker's check holds at its first rule until the small design is open again:
    # unheld, a loaded machine could see it report before the test asked whether it
    # still ran (it failed so on the base code too).
    in_rules, gate = threading.Event(), gates()
    real_run_rule = incremental.run_rule

    def held_run_rule(*args, **kwargs):  # type: ignore[no-untyped-def]
        if running and threading.current_thread() is not threading.main_thread():
            in_rules.set()
            gate.wait()
        return real_run_rule(*args, **kwargs)

    monkeypatch.setattr(incremental, "run_rule", held_run_rule)
    window = launch(small)
    before = _views(window)
    assert before[0].startswith("1 error ·") and before[1] == "Problems — 1 error"
    _ctrl_o(window, monkeypatch, big)
    assert window.findings_label.text() == "checking…"
    if running:  # the big design's check runs its rules on the worker, not yet reported
        session = window.session
        qtbot.waitUntil(
            lambda: (
                session._check_started is not None
                and session._check_started[0] == session.document.revision
            ),
            timeout=20000,
        )
        qtbot.waitUntil(in_rules.is_set, timeout=60_000)  # the check runs its rules
        assert session.checking
    _ctrl_o(window, monkeypatch, small)  # before the big design's check reported
    gate.set()
    _all_done(qtbot, window)
    assert window.session.path == small.resolve()
    assert _views(window) == before
    assert window.session.findings.findings == check(window.session.design).findings


def test_file_new_while_a_big_designs_first_check_runs(  # type: ignore[no-untyped-def]
    qtbot, launch, files, monkeypatch
):
    small, big = files
    window = launch(small)
    _ctrl_o(window, monkeypatch, big)
    assert window.findings_label.text() == "checking…"
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    _all_done(qtbot, window)
    assert window.session.path is None and not window.session.design.elements
    label, title, rows, inspector = _views(window)
    assert label == "0 errors · 0 warnings · 0 info"
    assert title == "Problems — none" and rows == 0
    assert inspector == "Check: no findings"


def test_a_second_big_design_opened_while_the_first_ones_check_runs(  # type: ignore[no-untyped-def]
    qtbot, launch, files, monkeypatch, tmp_path
):
    small, big = files
    other = tmp_path / "other.json"
    other.write_text(dumps(generate_design(300, seed=2)), encoding="utf-8")
    window = launch(small)
    _ctrl_o(window, monkeypatch, big)
    _ctrl_o(window, monkeypatch, other)
    assert window.findings_label.text() == "checking…"
    problems = window.findChild(ProblemsPanel)
    assert problems is not None and problems.windowTitle() == "Problems — checking…"
    assert problems.table.model().rowCount() == 0 and not window.session.findings.findings
    _all_done(qtbot, window)
    assert window.session.path == other.resolve()
    label, title, rows, inspector = _views(window)
    assert label == "0 errors · 0 warnings · 0 info"
    assert title == "Problems — none" and rows == 0
    assert inspector == "Check: no findings"
