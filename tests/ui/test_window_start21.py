"""The window's start before a big design's first frame, wave 21 (issue 10, `open21b`):

* Qt's font database (fontconfig's configuration and list of fonts: the window's first
  text populated it on the UI thread) is populated on a thread from the moment the
  application object exists, beside the window's imports and construction
  (``designer.ui.app.fonts_ahead``);
* the empty design a window starts with is made without asking ``inspect.signature`` of
  its fields' default factories (pydantic's ``model_construct`` did: a parse of
  ``list``'s text signature that compiled :mod:`tokenize`'s patterns).

The first through the console command's own function in a child process
(``designer.entry.main(["gui", FILE])``), so that nothing the test process already
populated counts.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from test_open_imports import FIRST_FRAME, run_child

from designer.domain.design import Design, empty_design, unvalidated_default
from designer.domain.workload import CapacitySettings

ROOT = Path(__file__).resolve().parents[2]

# The child: the font database watched, then (FIRST_FRAME) the console door on FILE and
# at_first_frame at the opened design's first paint.
CHILD = (
    """
import json, os, sys, threading
import designer.ui.app as door
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

calls = []
real = door.QFontDatabase

class Spy:  # the font database as fonts_ahead sees it: who populates it, and when
    @staticmethod
    def families(*args):
        calls.append({
            "thread": threading.current_thread().name,
            "main thread": threading.current_thread() is threading.main_thread(),
            "window imported": "designer.ui.main_window" in sys.modules,
        })
        found = real.families(*args)
        calls[-1]["families"] = len(found)
        return found

door.QFontDatabase = Spy
report = {}

def at_first_frame(view):
    window = view.window()
    door._fonts_thread[0].join(30)
    report["calls"] = calls
    report["thread ended"] = not door._fonts_thread[0].is_alive()
    report["daemon"] = door._fonts_thread[0].daemon
    find = window.find_edit
    report["find box"] = [find.placeholderText(), find.fontMetrics().height()]
    QTimer.singleShot(0, lambda: (print(json.dumps(report), flush=True), os._exit(0)))
"""
    + FIRST_FRAME
)


def test_the_gui_door_populates_the_font_database_on_a_thread_beside_the_imports(
    tmp_path: Path,
) -> None:
    report: Any = run_child(tmp_path, tmp_path / "cache", CHILD)
    # Once (run_gui's call; open_window's finds it started), on its own thread, started
    # before the window's modules were imported, and over before the first frame.
    assert report["calls"] == [
        {
            "thread": "fonts ahead",
            "main thread": False,
            "window imported": False,
            "families": report["calls"][0]["families"],
        }
    ]
    assert report["calls"][0]["families"] > 0  # the database it populated has fonts
    assert report["thread ended"] is True
    assert report["daemon"] is True  # never holds the process's end
    placeholder, height = report["find box"]
    assert placeholder and height > 0  # the window's texts laid out with those fonts


def test_fonts_ahead_needs_the_application_object(  # type: ignore[no-untyped-def]
    qapp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a GUI application there is no platform font database to populate:
    nothing starts (and a later call, once there is one, may still start it)."""
    import designer.ui.app as door

    started: list[object] = []
    monkeypatch.setattr(door, "_fonts_thread", [])
    monkeypatch.setattr(door.threading.Thread, "start", lambda self: started.append(self))
    for instance in (None, object()):  # none, or a core (not GUI) application
        monkeypatch.setattr(door.QCoreApplication, "instance", staticmethod(lambda i=instance: i))
        door.fonts_ahead()
        assert started == [] and door._fonts_thread == []
    monkeypatch.undo()  # the real application: it starts
    monkeypatch.setattr(door, "_fonts_thread", [])
    monkeypatch.setattr(door.threading.Thread, "start", lambda self: started.append(self))
    door.fonts_ahead()
    assert [t.name for t in door._fonts_thread] == ["fonts ahead"] and started == door._fonts_thread


def test_the_empty_design_asks_no_factory_for_its_signature(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[object] = []
    real = inspect.Signature.from_callable  # what inspect.signature (pydantic's) calls

    def spy(cls: type[inspect.Signature], obj: object, **kwargs: object) -> inspect.Signature:
        asked.append(obj)
        return real(obj, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(inspect.Signature, "from_callable", classmethod(spy))
    made = empty_design()
    assert asked == []
    assert made == Design()
    assert made.model_fields_set == set()
    assert made.model_dump_json() == Design().model_dump_json()
    assert unvalidated_default(CapacitySettings) == CapacitySettings()
    # Each design its own lists and dicts (a factory's call each, not a shared default).
    other = empty_design()
    assert made.elements is not other.elements and made.layout is not other.layout


def test_a_frame_measures_each_text_once_per_font(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch
):
    """``dr-designer gui FILE``: the canvas's texts are measured once per font and kept
    (``designer.ui.canvas.labels.metrics_for``): a VM's name was shaped for its
    elision, its readability and its disks' room, a host's figures for the subtitle's
    room and its label, in each frame. Still measured anew with new fonts (a theme)."""
    from collections import Counter

    from PySide6.QtGui import QFontMetricsF

    from designer.ui.canvas.labels import forget_metrics, metrics_for

    forget_metrics()  # (this process's earlier windows measured with the same fonts)
    measured: Counter[tuple[float, float, float, str]] = Counter()
    real = QFontMetricsF.horizontalAdvance

    def spy(self: QFontMetricsF, text: str, *args: object) -> float:
        measured[(self.height(), self.averageCharWidth(), self.maxWidth(), text)] += 1
        return real(self, text, *args)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(QFontMetricsF, "horizontalAdvance", spy)
    window = launch(ROOT / "sample_designs" / "disk_placements.json")
    scene = window.view.design_scene
    qtbot.waitUntil(lambda: bool(measured))  # the first frame painted its boxes
    scene.labels.record = []  # every box painted afresh in the next pass, and listed
    window.view.viewport().repaint()
    names = {label.text for label in scene.labels.record}
    assert any(node.name in names for node in scene.nodes.values())  # names drawn
    assert max(measured.values()) == 1, measured.most_common(3)
    # The widths are QFontMetricsF's own.
    font = scene.theme.font
    for _, _, _, text in list(measured)[:20]:
        assert metrics_for(font).horizontalAdvance(text) == real(QFontMetricsF(font), text)
    # New fonts (the desktop's light/dark switch): measured again.
    before = sum(measured.values())
    scene.set_theme(type(scene.theme)(window.view.palette()))
    scene.labels.record = []
    window.view.viewport().repaint()
    assert sum(measured.values()) > before
