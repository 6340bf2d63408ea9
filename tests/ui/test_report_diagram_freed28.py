"""The review report's diagram is freed when the report is written (wave 28, ``gc28``).

The report draws the design in a session and scene of its own. Left to the cyclic
collector, they were one web of cycles. The window's next freeze (File > Open, a sizing)
kept them for the rest of the process (the sample's: 4,000 objects, with the scene's C++
side), and a collection that came first deleted a scene that Python owns together
with the Python-derived boxes in it. They are now freed as a deleted window is:
by reference counting, as soon as the report is written (docs/architecture.md, "The
cyclic collector's freezes"). Since wave 29 (``pdf29``) the window's report is drawn in a
process of its own: the window makes no diagram at all, and none is left."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from gui_door import activate
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from designer import collector
from designer.ui import review, review_diagram

THREE_SITES = (
    Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
)


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_ctrl_r_frees_the_reports_diagram_once_it_is_written(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, suffix: str
) -> None:
    window = launch(THREE_SITES)  # dr-designer gui three_site_stretched_dag.json
    made: list[weakref.ref[object]] = []
    draw = review_diagram.diagram_scene

    def diagram_scene(design: Any) -> Any:
        session, scene = draw(design)
        made.extend([weakref.ref(session), weakref.ref(scene)])
        return session, scene

    monkeypatch.setattr(review, "diagram_scene", diagram_scene)
    monkeypatch.setattr(review_diagram, "diagram_scene", diagram_scene)
    target = tmp_path / f"review{suffix}"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    collections: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    # Freed by reference counting alone, or not at all: the collector is off for the
    # report, through a pause of its own. (It was switched off here and ``gc.enable``
    # stubbed: a live check's pause running when the test began made it read "off",
    # and that pause's end was swallowed, so the collector stayed off for every later
    # test of the process: `test_scale_ui`, `test_slices`… failed under load, wave 29.)
    collector.pause()
    gc.callbacks.append(watch)
    try:
        activate(window)
        window.view.setFocus()
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=120_000)
        assert target.stat().st_size > 0  # the report is written
        alive = [ref() for ref in made if ref() is not None]
        assert collections == []
    finally:
        gc.callbacks.remove(watch)
        collector.resume()
    assert made == []  # no diagram in the window: the drawing is a process of its own (pdf29)
    assert alive == []
