"""The recovery journals of several windows share the process's one syncer thread.

Since wave 13 each window's journal ran two threads, a writer and a syncer (the fsyncs
off the writer's path): with N windows open that was 2 × N threads. The writer stays
per window (its records in order); the syncer is one for the process, started with the
first journal and stopped with the last. These tests open the windows the user's way
(``dr-designer gui FILE``), edit with real key presses on the canvas, and check the
threads, that each window's failed flush is told to that window only, and that
closing the windows stops the threads.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_canvas_support import small_design

from designer.persistence import dumps, save
from designer.persistence.journal import pending_recoveries
from designer.ui.main_window import MainWindow


def _files(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = tmp_path / f"design{n}.json"
        save(small_design(), path)
        paths.append(path)
    return paths


def _nudge(window: MainWindow) -> None:
    """A real edit: an element selected, the arrow key on the canvas, the idle moment."""
    window.session.set_selection(["vm-b1"])
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)
    QApplication.processEvents()
    assert window.session.dirty


def _alive(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name and t.is_alive()]


def test_three_windows_run_three_writers_and_one_syncer(
    launch: Callable[..., MainWindow], tmp_path: Path
) -> None:
    writers_before = set(_alive("recovery-journal"))
    windows = [launch(path) for path in _files(tmp_path, 3)]
    for window in windows:
        _nudge(window)
        window.recovery.wait()
    writers = set(_alive("recovery-journal")) - writers_before
    assert len(writers) == 3  # one per window: each window's records in order
    syncers = _alive("recovery-sync")
    assert len(syncers) == 1, syncers  # was one per window (3)
    # Every window's copy is written and holds its own edit.
    folder = windows[0].recovery.folder
    tokens = {w.recovery.journal.token: w for w in windows}
    for window in windows:
        window.recovery.abandon()  # as a crash leaves it (the copy stays)
    copies = [c for c in pending_recoveries(folder) if c.token in tokens]
    assert len(copies) == 3
    for copy in copies:
        assert dumps(copy.load()) == dumps(tokens[copy.token].session.design)
    # All three journals stopped: their writers and (no other journal open) the
    # syncer are gone.
    assert not any(t.is_alive() for t in writers)
    if not _alive("recovery-journal"):
        assert not _alive("recovery-sync")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd")
def test_a_failed_flush_is_shown_by_its_own_window_only(
    launch: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    """The shared syncer flushes both windows' files; the disk refuses to flush the
    second window's: that window shows the warning, the first does not, and the
    second's next edit (the disk well again) writes a complete copy from a new base."""
    first, second = (launch(path) for path in _files(tmp_path, 2))
    token = second.recovery.journal.token
    real_fsync = os.fsync
    refused: list[str] = []

    def fsync(fd: int) -> None:
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        if name.startswith(token):
            refused.append(name)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    _nudge(first)
    _nudge(second)
    first.recovery.wait()
    second.recovery.wait()
    message = "The recovery copy could not be written: " + os.strerror(errno.EIO)
    # The syncer's report crosses to the window's thread.
    qtbot.waitUntil(second.recovery_label.isVisible, timeout=10_000)
    assert refused
    assert second.recovery_label.isVisible()
    assert message in second.recovery_label.text()
    assert not first.recovery_label.isVisible()
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert second.recovery.journal.needs_base  # the chain may not be on the disk
    _nudge(second)
    second.recovery.wait()
    QApplication.processEvents()
    assert not second.recovery_label.isVisible()
    second.recovery.abandon()
    (copy,) = [c for c in pending_recoveries(second.recovery.folder) if c.token == token]
    assert dumps(copy.load()) == dumps(second.session.design)


def test_a_refused_flush_stays_told_while_the_writer_goes_on(
    launch: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The syncer refuses the base file's flush while the writer still writes the
    generation's journal and marker: those writes succeeding must not take the warning
    back, the files being still not on the disk (it did: the clean-clone CI of wave 25
    saw the label never shown when the syncer came first). Only a fresh base, the disk
    well again, does."""
    window = launch(_files(tmp_path, 1)[0])
    journal = window.recovery.journal
    real_fsync = os.fsync
    told = threading.Event()

    def fsync(fd: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(journal.token):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    real_sync_failed = journal._sync_failed
    real_write_file = journal._write_file

    def sync_failed(reason: str | None) -> None:
        real_sync_failed(reason)
        told.set()

    def write_file(path: Path, data: bytes) -> None:
        real_write_file(path, data)
        if path.name.endswith(".base.json"):  # the syncer flushes it before we go on
            assert told.wait(timeout=30)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(journal, "_sync_failed", sync_failed)
    monkeypatch.setattr(journal, "_write_file", write_file)
    _nudge(window)
    window.recovery.wait()  # the generation's other files written after the refusal
    QApplication.processEvents()
    assert told.is_set()
    assert window.recovery_label.isVisible()
    assert os.strerror(errno.EIO) in window.recovery_label.text()
    monkeypatch.setattr(os, "fsync", real_fsync)
    _nudge(window)  # a fresh base, the disk well again
    window.recovery.wait()
    QApplication.processEvents()
    assert not window.recovery_label.isVisible()
