"""The review PDF of a big estate is drawn in slices (wave 28, ``pdf28``): File > Export >
Design Review Report as PDF of the generated 10k estate (733 pages) froze the window for
over a minute behind a dialog whose Cancel had been taken away. Now the text is laid out
and the pages drawn a part at a time between the event loop's turns, the dialog counts
them, and Cancel stops the drawing with nothing written.

Through the door: ``dr-designer gui FILE`` of a generated design (some 30 pages), Ctrl+R
on the canvas, the file chosen in the save dialog."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from generated import generated_file
from gui_door import ask_review_report, console_main
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from designer.ui.main_window import MainWindow

SIZE = 400


def _open(launch: Any, qtbot: Any, tmp_path: Path) -> MainWindow:
    window: MainWindow = launch(generated_file(tmp_path, SIZE))
    qtbot.waitUntil(lambda: not window.session.checking, timeout=60_000)
    return window


def _watch_labels(window: MainWindow) -> tuple[QTimer, list[str]]:
    """The review dialog's words, read by a timer at each turn of the event loop."""
    seen: list[str] = []
    timer = QTimer(window)
    timer.setInterval(0)

    def read() -> None:
        job = window.interop.review_job
        if job is not None and (not seen or seen[-1] != job.dialog.labelText()):
            seen.append(job.dialog.labelText())

    timer.timeout.connect(read)
    timer.start()
    return timer, seen


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0,
    reason="needs pdftotext (poppler-utils) to read the PDF",
)
def test_the_window_turns_while_the_pdf_is_drawn_and_counts_its_pages(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    window = _open(launch, qtbot, tmp_path)
    target = tmp_path / "review.pdf"
    timer, seen = _watch_labels(window)
    ask_review_report(window, monkeypatch, target)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=240_000)
    timer.stop()
    assert target.exists()
    # The timer fired between the pages: the dialog said how far the drawing was, more
    # than once, counting up.
    pages = [s for s in seen if s.startswith("Drawing the report: page ")]
    assert len(pages) >= 3, seen
    counts = [int(s.split()[4].replace(",", "")) for s in pages]
    total = int(pages[-1].split()[-1].replace(",", ""))
    assert counts == sorted(counts) and len(set(counts)) >= 3 and total >= 10, pages
    # And between the parts of the text's layout before them (one turn of ~19 s at 10k).
    laying = [s for s in seen if s.startswith("Laying out the report's pages: ")]
    percents = [int(s.split()[-2]) for s in laying]
    assert len(laying) >= 3 and percents == sorted(percents), seen
    assert seen.index(laying[-1]) < seen.index(pages[0])
    # The same pages as the report written at once from the command line.
    at_once = tmp_path / "at-once.pdf"
    design = tmp_path / f"generated-{SIZE}.json"
    assert console_main()(["report", str(design), "-o", str(at_once)]) == 0
    assert _pdf_text(target) == _pdf_text(at_once)
    assert f"page {total} of {total}" in _pdf_text(target)


def test_cancel_while_the_pdf_is_drawn_writes_nothing(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    window = _open(launch, qtbot, tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "review.pdf"
    ask_review_report(window, monkeypatch, target)
    job = window.interop.review_job
    assert job is not None
    ended: list[str] = []
    job.cancelled.connect(lambda: ended.append("cancelled"))
    qtbot.waitUntil(
        lambda: job.dialog.labelText().startswith("Drawing the report: page "), timeout=240_000
    )
    job.dialog.show()
    cancel = job.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.isVisible() and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert ended == ["cancelled"] and not target.exists()
    assert list(folder.iterdir()) == []  # no temporary file left behind
    assert window.statusBar().currentMessage() == "Design review report cancelled"
