"""The Capacity dock hands its figures over (eyes20 #18): Export > Copy Figures as JSON
and Save Figures as JSON… give what ``dr-designer capacity FILE --format json`` writes.

Through the user's door (``dr-designer gui FILE``), the dock's tab and button clicked."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from test_capacity_window import capacity_panel

from designer.cli.main import main as cli_main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_DESIGNER_SHOTS", "/tmp/fixk20-shots"))


def _cli_json(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    cli_main(["capacity", str(SAMPLE), "--format", "json"])
    return capsys.readouterr().out


def _choose(button: Any, entry: str, shot: str | None = None) -> None:
    """The entry ``entry`` of ``button``'s menu (triggered: the popup's own loop is
    not driven here)."""
    (action,) = [a for a in button.menu().actions() if a.text().replace("&", "") == entry]
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        button.window().grab().save(str(SHOTS / f"{shot}.png"))
    action.trigger()
    QApplication.processEvents()


def test_capacity_figures_copied_and_saved_as_the_cli_writes_them(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    window = launch(SAMPLE)
    window.resize(1400, 900)
    panel = capacity_panel(window)
    assert panel.controller.report is not None
    assert panel.export_button.isEnabled() and panel.export_button.isVisible()
    expected = _cli_json(capsys)
    assert json.loads(expected)["links"]  # figures, not an empty report

    QGuiApplication.clipboard().clear()
    _choose(panel.export_button, "Copy Figures as JSON", shot="capacity-export")
    assert QGuiApplication.clipboard().text() == expected
    assert window.statusBar().currentMessage() == "Copied the capacity figures as JSON"

    asked: list[str] = []
    target = tmp_path / "out" / "figures.json"
    target.parent.mkdir()

    def dialog(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        asked.append(start)
        return str(target), "JSON (*.json)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    _choose(panel.export_button, "Save Figures as JSON…")
    # Named after the design's file; not beside the bundled sample (wave 21, ui21): in
    # the user's Documents folder, or home when there is none.
    assert asked == [str(launch.home / "three_site_stretched_dag-capacity.json")]
    assert target.read_text(encoding="utf-8") == expected
    assert window.statusBar().currentMessage() == f"Capacity figures saved to {target}"


def test_no_export_for_a_design_stating_no_workload(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # File > New
    panel = capacity_panel(window)
    assert panel.controller.report is None
    assert not panel.export_button.isEnabled()
    assert panel.figures_json() is None
