"""A long session's File > Open keeps no earlier design (wave 28, ``gc28``).

What opening a design builds is frozen out of the cyclic collector's reach
(:mod:`designer.collector`), and nothing unfreezes: an object frozen and later left in
a reference cycle is never collected. Opening one design after another in the same
window must therefore free each earlier design, its scene's items and its check by
reference counting alone; what stays frozen is what the window holds now, the same
after the third opening as after the second (docs/architecture.md, "The cyclic
collector's freezes")."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from benchmarks.generate import generate_design
from designer import collector
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.main_window import MainWindow


def _ctrl_o(window: MainWindow, monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def _settled(qtbot, window: MainWindow, path: Path) -> int:  # type: ignore[no-untyped-def]
    """Once the opening of ``path`` and its check are done and the window's slices idle:
    what is frozen after the window's tidy (collect, then freeze what survived)."""
    session = window.session
    runner = slices.shared()
    qtbot.waitUntil(
        lambda: (
            session.path == path.resolve()
            and not session.holding
            and not session.preparing_edits
            and session.findings_revision == session.document.revision
            and not runner._jobs
            and not collector.pauses()
        ),
        timeout=60_000,
    )
    session._pool.waitForDone()
    QApplication.processEvents()
    assert collector.tidy()
    return gc.get_freeze_count()


def test_opening_one_design_after_another_frees_the_earlier_ones(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path
) -> None:
    path = tmp_path / "estate.json"
    path.write_text(dumps(generate_design(400, seed=3)), encoding="utf-8")
    window = launch(path)  # dr-designer gui estate.json
    frozen = [_settled(qtbot, window, path)]
    designs = [weakref.ref(window.session.design)]
    boxes = len(window.view.scene().items())
    for _ in range(3):  # File > Open (Ctrl+O) of the same file, three times
        _ctrl_o(window, monkeypatch, path)
        frozen.append(_settled(qtbot, window, path))
        designs.append(weakref.ref(window.session.design))
    assert len(window.view.scene().items()) == boxes  # the same design, drawn once
    # Every earlier design is gone, freed by reference counting (the collector never
    # visits what was frozen).
    assert [ref() is None for ref in designs] == [True, True, True, False]
    # What stays frozen does not grow with each opening: a design left in a frozen
    # cycle would add its thousands of objects every time.
    assert abs(frozen[3] - frozen[2]) < 500, frozen


def test_simulation_mode_in_and_out_keeps_nothing_more_each_time(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path
) -> None:
    path = tmp_path / "estate.json"
    path.write_text(dumps(generate_design(400, seed=3)), encoding="utf-8")
    window = launch(path)  # dr-designer gui estate.json
    _settled(qtbot, window, path)
    controller = window.simulation.controller
    frozen = []
    for _ in range(3):
        window.view.setFocus()
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)  # simulation mode
        qtbot.waitUntil(lambda: controller.active and controller.ready, timeout=60_000)
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)  # back to editing
        qtbot.waitUntil(lambda: not controller.active, timeout=60_000)
        frozen.append(_settled(qtbot, window, path))
    assert abs(frozen[2] - frozen[1]) < 500, frozen
