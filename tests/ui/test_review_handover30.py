"""The review report's content is worked out in the report's own process (wave 30,
``handover30``): the window pickles only the design, a part at a time between its event
loop's turns, and no thread of the window's process computes or pickles the content
(the drawn file is put in place by a thread that waits for the disk, not the window).
Beside such a worker thread, the window's thread waited for Python's lock 0.3-0.55 s at
a time on a loaded machine (the 10k estate's report, wave 29). A window killed
mid-report no longer leaves the job's folder behind.

Through the doors: ``dr-designer gui FILE``, an edit on the canvas, Ctrl+R with the file
chosen in the save dialog; a report's job in a process of its own, killed mid-report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from gui_door import activate
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QPushButton

from designer.domain.elements import WanLink
from designer.ui import review, review_handover
from designer.ui.main_window import MainWindow
from designer.ui.review_handover import (
    FOLDER_PREFIX,
    LOCK_NAME,
    hand_over_steps,
    job_folder,
    take_over,
)

ROOT = Path(__file__).resolve().parents[2]
THREE_SITES = ROOT / "sample_designs" / "three_site_stretched_dag.json"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the job's folder lock is fcntl's (POSIX)"
)


@pytest.fixture
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, for this test: a folder of its own (no other
    program's report folders seen or removed)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    for name in ("TMPDIR", "TEMP", "TMP"):  # (and the processes this one starts)
        monkeypatch.setenv(name, str(folder))
    return folder


def _ask_report(window: MainWindow, monkeypatch: Any, target: Path) -> None:
    """Ctrl+R on the canvas, ``target`` chosen in the save dialog."""
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    activate(window)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.interop.review_job is not None


def test_the_report_of_an_edited_design_is_made_without_a_thread_of_the_window(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path, own_temp: Path
) -> None:
    window: MainWindow = launch(THREE_SITES)  # dr-designer gui three_site_stretched_dag.json
    links = [e for e in window.session.design.elements if isinstance(e, WanLink)]
    gone = next(e for e in links if e.name == "WOR-HFD MPLS (carrier 2)")
    window.session.set_selection([gone.id])
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)  # the edit, on the canvas
    assert all(e.id != gone.id for e in window.session.design.elements)
    computed_here: list[str] = []
    prepare = review.prepare_review

    def counted(*args: Any, **kwargs: Any) -> Any:
        computed_here.append("computed")
        return prepare(*args, **kwargs)

    monkeypatch.setattr(review, "prepare_review", counted)
    pickled_by: list[threading.Thread] = []
    steps = review.hand_over_steps

    def watched(*args: Any, **kwargs: Any) -> Any:
        for step in steps(*args, **kwargs):
            pickled_by.append(threading.current_thread())
            yield step

    monkeypatch.setattr(review, "hand_over_steps", watched)
    written_by: list[threading.Thread] = []
    write = review.write_bytes_atomic

    def put(*args: Any, **kwargs: Any) -> None:
        written_by.append(threading.current_thread())
        write(*args, **kwargs)

    monkeypatch.setattr(review, "write_bytes_atomic", put)
    target = tmp_path / "review.html"
    _ask_report(window, monkeypatch, target)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=120_000)
    assert window.statusBar().currentMessage().startswith("Review report written")
    assert computed_here == []  # the content: not in the window's process
    # The design: pickled by the window's own thread (no worker holding Python's lock).
    assert pickled_by and set(pickled_by) == {threading.main_thread()}
    # The drawn file put in place by a thread that waits for the disk, not the window's.
    assert len(written_by) == 1 and written_by[0] is not threading.main_thread()
    text = target.read_text(encoding="utf-8")
    # The design as edited in the window, its content worked out (N-2, the matrix):
    assert "WAN link (2)" in text and gone.name not in text and "WOR-HFD MPLS" not in text
    assert "N-2: pairs of failures" in text and "RPO/RTO matrix" in text
    assert list(own_temp.iterdir()) == []  # the job's folder removed


def test_the_design_handed_over_is_the_design(tmp_path: Path, monkeypatch: Any) -> None:
    """What the window hands over in parts, a yield after each, is what the report's
    process reads back: the same design (elements, layout, every other field, the
    fields set), so the same report."""
    from designer.persistence import load

    monkeypatch.setattr(review_handover, "HAND_OVER_PART", 7)  # many parts of each
    design = load(THREE_SITES)
    assert len(design.elements) > 7 * 3 and len(design.layout) > 7 * 3
    path = tmp_path / "design.pickle"
    steps = hand_over_steps(design, THREE_SITES.name, path)
    parts = sum(1 for _ in steps)
    assert parts == 1 + -(-len(design.elements) // 7) + -(-len(design.layout) // 7)
    back, source = take_over(path)
    assert source == THREE_SITES.name and back is not design
    assert back.model_dump() == design.model_dump()
    assert back.model_fields_set == design.model_fields_set

    def image(key: str, _svg: str) -> str:
        return key

    mine = review.prepare_review(back, source=source)
    theirs = review.prepare_review(design, source=THREE_SITES.name)
    assert review.pdf_parts(mine, image) == review.pdf_parts(theirs, image)


#: A window's report job in a process of its own (``sys.argv[1:]``: the design, the
#: report), killed (SIGKILL, as by the system) once the report's process is at work:
#: its folder and the process's id are its last line.
_KILLED_WINDOW = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
from designer.persistence import load
from designer.ui.review import ReviewJob
parent = QWidget()
job = ReviewJob(parent, load(sys.argv[1]), sys.argv[2])
def watch():
    if job.dialog.labelText().startswith(("N-2", "RPO", "Laying", "Drawing")):
        print(job._folder, job._drawing.processId(), flush=True)
        os.kill(os.getpid(), 9)
timer = QTimer()
timer.timeout.connect(watch)
timer.start(1)
job.start()
app.exec()
"""


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie nobody reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_window_killed_mid_report_leaves_no_folder_behind(tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    environment = {**os.environ, "TMPDIR": str(temp)}
    run = subprocess.run(
        [sys.executable, "-c", _KILLED_WINDOW, str(THREE_SITES), str(tmp_path / "review.pdf")],
        capture_output=True, text=True, env=environment, timeout=120,
    )  # fmt: skip
    assert run.returncode == -signal.SIGKILL, run.stderr
    folder, pid = run.stdout.split()
    assert Path(folder).parent == temp and Path(folder).name.startswith(FOLDER_PREFIX)
    # The report's process finds its window gone at its next line, removes the folder
    # and ends (before: it drew on, and the folder stayed).
    deadline = time.monotonic() + 60
    while (_running(int(pid)) or Path(folder).exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(int(pid)) and not Path(folder).exists()
    assert list(temp.iterdir()) == [] and not (tmp_path / "review.pdf").exists()


def test_a_folder_its_window_left_is_removed_at_the_next_report(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path, own_temp: Path
) -> None:
    """A folder whose window was killed with its report's process (nothing removed
    it) goes at the next report; one a live window holds stays."""
    left = subprocess.run(
        [sys.executable, "-c", "from designer.ui.review_handover import job_folder; "
         "import tempfile, sys; tempfile.tempdir = sys.argv[1]; print(job_folder()[0])",
         str(own_temp)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(left) / "design.pickle").write_bytes(b"left")
    held, lock = job_folder()  # a live window's report under way
    assert lock is not None
    old = time.time() - 3600  # both made an hour ago
    for folder in (Path(left), held):
        os.utime(folder / LOCK_NAME, (old, old))
    window: MainWindow = launch(THREE_SITES)
    target = tmp_path / "review.html"
    _ask_report(window, monkeypatch, target)
    assert not Path(left).exists() and held.exists()  # at once, at the report's start
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=120_000)
    assert target.exists() and held.exists()
    assert [p.name for p in own_temp.iterdir()] == [held.name]
    lock.close()


def test_cancel_mid_drawing_leaves_nothing_in_the_temporary_folder(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path, own_temp: Path
) -> None:
    """Cancel kills the report's process mid-drawing: its own temporary folder (the
    PDF half drawn) was in the system's temporary folder, and stayed there after every
    cancelled PDF (one ``dr-designer-report-*/review.pdf`` each); it is in the job's
    folder now, removed with it."""
    from generated import generated_file

    window: MainWindow = launch(generated_file(tmp_path, 1000))
    qtbot.waitUntil(lambda: not window.session.checking, timeout=120_000)
    target = tmp_path / "review.pdf"
    _ask_report(window, monkeypatch, target)
    job = window.interop.review_job
    assert job is not None
    qtbot.waitUntil(
        lambda: job.dialog.labelText().startswith("Drawing the report: page "), timeout=300_000
    )
    job.dialog.show()
    cancel = next(b for b in job.dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert window.statusBar().currentMessage() == "Design review report cancelled"
    assert not target.exists() and list(own_temp.iterdir()) == []
