"""Findings in the natural order of their elements' ids (eyes19): a design imported from
the Exchange calculator's CSVs numbers its databases db-1 … db-72, and the Problems
panel (and `check`) listed DAG-nn-DB01, DB10, DB11 … DB19, DB02, DB20 …: the ids
compared as strings. Through the doors: `dr-designer import calculator`, then
`dr-designer check` and `dr-designer gui FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.entry import main
from designer.ui.main_window import MainWindow
from designer.ui.panels.problems import FINDING_ROLE, GROUP_ROLE, ProblemsPanel

CALCULATOR = Path(__file__).resolve().parents[1] / "interop" / "data" / "calculator-prod"
IN_ORDER = [f"DAG-nn-DB{n:02d}" for n in range(1, 73)]


@pytest.fixture
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "calc.drd.json"
    sources = [str(p) for p in sorted(CALCULATOR.glob("*.csv"))]
    assert main(["import", "calculator", *sources, "-o", str(out)]) == 0
    capsys.readouterr()
    return out


def _names(messages: list[str]) -> list[str]:
    return [m.split("mailbox database ", 1)[1].split(" ", 1)[0] for m in messages]


def test_check_lists_the_imported_databases_in_order(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(imported), "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    cap006 = [f["message"] for f in findings if f["code"] == "CAP006"]
    assert _names(cap006) == IN_ORDER


def test_the_problems_panel_lists_them_in_order(qtbot, launch, imported: Path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(imported)
    problems = window.findChild(ProblemsPanel)
    assert problems is not None
    model = problems.table.model()

    def group() -> int | None:
        rows = (r for r in range(model.rowCount()) if model.index(r, 0).data(GROUP_ROLE) == 72)
        return next(rows, None)

    def cap006() -> list[str]:
        found = (
            model.index(r, 0).data(FINDING_ROLE)
            for r in range(model.rowCount())
            if model.index(r, 0).data(GROUP_ROLE) is None
        )
        return [f.message for f in found if f is not None and f.code == "CAP006"]

    # The 72 are one row (wave 20, ui20), opened with → on it: in order under it.
    qtbot.waitUntil(lambda: group() is not None, timeout=20_000)
    table = problems.table
    table.setCurrentIndex(model.index(group(), 0))
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(cap006()) == 72, timeout=20_000)
    assert _names(cap006()) == IN_ORDER
