"""The review report is drawn in a process of its own (wave 29, ``pdf29``): File > Export >
Design Review Report of a big estate stopped the window while its pages were drawn (the
10k estate's PDF: 9.2 s, then 5.7 s, on the UI thread even in pdf28's slices; its HTML
5 s). Qt's rich text holds Python's lock on a thread, so the drawing runs as
``python -m designer.ui.review_drawing``; the window reads its count and puts the file in
place.

Through the door: ``dr-designer gui FILE`` of a generated design of some 1,000 elements
(~75 pages), Ctrl+R on the canvas, the file chosen in the save dialog. The UI thread's
CPU between two ticks of a 5 ms timer is counted (``time.thread_time``: what the
window's thread did, whatever the machine's load), not the wall clock."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from generated import generated_file
from gui_door import ask_review_report
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from designer.ui import review
from designer.ui.main_window import MainWindow

SIZE = 1000
#: A turn of the window's thread this long (CPU) is a stop the user sees.
LONG_TURN_S = 0.1


def _open(launch: Any, qtbot: Any, tmp_path: Path) -> MainWindow:
    window: MainWindow = launch(generated_file(tmp_path, SIZE))
    qtbot.waitUntil(lambda: not window.session.checking, timeout=120_000)
    return window


class _Turns:
    """A 5 ms timer's ticks: the UI thread's CPU since the tick before each."""

    def __init__(self, parent: MainWindow) -> None:
        self.cpu: list[float] = []
        self._last = time.thread_time()
        self.timer = QTimer(parent)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.thread_time()
        self.cpu.append(now - self._last)
        self._last = now

    def long(self) -> list[float]:
        return [round(cpu, 3) for cpu in self.cpu if cpu > LONG_TURN_S]


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_the_window_turns_while_a_big_report_is_drawn(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path, suffix: str
) -> None:
    window = _open(launch, qtbot, tmp_path)
    drawn_here: list[str] = []
    steps = review.review_steps

    def counted(*args: Any, **kwargs: Any) -> Any:
        drawn_here.append("drawn")
        return steps(*args, **kwargs)

    monkeypatch.setattr(review, "review_steps", counted)
    target = tmp_path / f"review{suffix}"
    turns = _Turns(window)
    ask_review_report(window, monkeypatch, target)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=300_000)
    turns.timer.stop()
    assert target.exists() and window.statusBar().currentMessage().startswith(
        "Review report written"
    )
    assert drawn_here == []  # not in the window's process
    assert len(turns.cpu) > 20 and turns.long() == [], turns.long()
    if suffix == ".pdf":
        assert target.read_bytes().startswith(b"%PDF")
    else:
        assert "Design review: " in target.read_text(encoding="utf-8")


def test_cancel_ends_the_drawing_at_once_and_writes_nothing(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    window = _open(launch, qtbot, tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "review.pdf"
    ask_review_report(window, monkeypatch, target)
    job = window.interop.review_job
    assert job is not None
    qtbot.waitUntil(
        lambda: job.dialog.labelText().startswith("Drawing the report: page "), timeout=300_000
    )
    drawing = job._drawing
    assert drawing is not None
    pid = drawing.processId()
    assert pid > 0
    job.dialog.show()
    cancel = job.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert not target.exists() and list(folder.iterdir()) == []
    assert window.statusBar().currentMessage() == "Design review report cancelled"
    with pytest.raises(ProcessLookupError):  # the drawing's process is gone (and reaped)
        os.kill(pid, 0)
    assert not list(Path(job._folder).parent.glob(Path(job._folder).name))  # its folder too


THREE_SITES = (
    Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
)


def test_a_drawing_that_cannot_start_says_why_and_ends(
    qtbot: Any, launch: Any, no_modal_dialogs: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    window = launch(THREE_SITES)  # dr-designer gui three_site_stretched_dag.json
    missing = str(tmp_path / "no-python")
    monkeypatch.setattr(review.sys, "executable", missing)
    target = tmp_path / "review.pdf"
    ask_review_report(window, monkeypatch, target)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=120_000)
    assert not target.exists()
    shown = [text for _kind, text in no_modal_dialogs]
    assert len(shown) == 1 and "its drawing could not start" in shown[0] and missing in shown[0]
    assert window.statusBar().currentMessage() == "The design review report was not written"
