"""Crash recovery as a journal, in the real window (issue 15, "Data loss").

Every change is recorded at the next idle moment (not every 30 s), one copy per window
(two windows never discard each other's), every copy is offered after a crash, a full
disk is reported and leaves no partial temp file, a copy that cannot be read is kept.
The crash itself is simulated here by stopping a window's journal without removing it
(the process of a crash is gone; in this process its token is no longer live);
``test_recovery_crash.py`` kills a real process with SIGKILL.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from test_canvas_support import ini_settings, small_design

from designer.domain import Site
from designer.persistence import atomic, dumps, load, save
from designer.persistence.journal import pending_recoveries
from designer.ui import recovery as recovery_module
from designer.ui.main_window import MainWindow
from designer.ui.session import EditorSession


class Questions:
    """Answers QMessageBox.question in turn and records what was asked."""

    def __init__(self, monkeypatch, *answers: QMessageBox.StandardButton) -> None:
        self.asked: list[str] = []
        self.answers = list(answers)
        monkeypatch.setattr(QMessageBox, "question", staticmethod(self._ask))

    def _ask(self, parent, title, text, *args, **kwargs):
        if not title.startswith("Recover"):  # "save changes?" when a window closes
            return QMessageBox.StandardButton.Discard
        self.asked.append(text)
        return self.answers.pop(0) if self.answers else QMessageBox.StandardButton.Cancel


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "recovery"


@pytest.fixture
def window(qtbot, tmp_path, folder):
    made: list[MainWindow] = []

    def make(design=None, path: Path | None = None) -> MainWindow:
        w = MainWindow(
            EditorSession(design or small_design()),
            settings=ini_settings(tmp_path),
            recovery_dir=folder,
        )
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        QApplication.processEvents()
        if path is not None:
            save(w.session.design, path)
            assert w.open_file(path, ask=False)
        made.append(w)
        return w

    yield make
    for w in made:
        w.recovery.journal.close()


def nudge(w: MainWindow, element: str = "vm-b1", times: int = 1) -> None:
    """Real key presses: select, then arrow keys on the canvas (one change each)."""
    w.session.set_selection([element])
    for _ in range(times):
        QTest.keyClick(w.view.viewport(), Qt.Key.Key_Right)
        QApplication.processEvents()  # the idle moment: the change is recorded


def crash(w: MainWindow) -> None:
    """The window's process dies: its journal stops where it is, nothing is removed."""
    w.recovery.abandon()


def journal_records(folder: Path) -> int:
    return sum(p.read_bytes().count(b"\n") - 1 for p in folder.glob("*.journal"))


def test_every_change_is_recorded_at_the_next_idle_moment(window, tmp_path, folder):
    w = window(path=tmp_path / "d.json")
    assert pending_recoveries(folder) == [] and not list(folder.glob("*.journal"))
    for n in range(1, 6):
        nudge(w)
        w.recovery.journal.wait()
        assert journal_records(folder) == n  # not every 30 s: every change
    # The base is the opened file's bytes (copied, not serialised again).
    (base,) = folder.glob("*.base.json")
    assert base.read_bytes() == (tmp_path / "d.json").read_bytes()


def test_a_crash_loses_nothing_and_the_copy_is_offered(window, tmp_path, folder, monkeypatch):
    path = tmp_path / "design.json"
    w = window(path=path)
    nudge(w, times=3)
    w.session.set_selection(["lun-b2"])
    QTest.keyClick(w.view.viewport(), Qt.Key.Key_Delete)
    QApplication.processEvents()
    edited = w.session.design
    crash(w)
    questions = Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    fresh = window()
    assert fresh.offer_recovery()
    assert "design.json" in questions.asked[0] and "4 changes" in questions.asked[0]
    assert dumps(fresh.session.design) == dumps(edited)
    assert fresh.session.dirty and fresh.session.path == path.resolve()
    # The restored window keeps a copy of its own; the old one is gone.
    assert [p.token for p in pending_recoveries(folder)] == []
    assert fresh.save()
    assert load(path) == edited
    fresh.recovery.journal.wait()
    assert not list(folder.glob("*.journal"))


def test_two_windows_crash_and_both_copies_are_offered(window, tmp_path, folder, monkeypatch):
    a = window(path=tmp_path / "a.json")
    b = window(design=small_design().model_copy(update={"name": "Other"}))
    nudge(a, times=2)
    nudge(b, "lun-w1")
    design_a, design_b = a.session.design, b.session.design
    crash(a)
    crash(b)
    assert len(pending_recoveries(folder)) == 2  # neither discarded the other's
    questions = Questions(
        monkeypatch, QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes
    )
    fresh = window()
    assert fresh.offer_recovery()
    assert len(questions.asked) == 2
    (sibling,) = fresh.sibling_windows
    try:
        restored = {dumps(fresh.session.design), dumps(sibling.session.design)}
        assert restored == {dumps(design_a), dumps(design_b)}
        assert sibling.isVisible() and sibling.session.dirty
    finally:
        sibling.recovery.journal.close()
        sibling.close()


def test_cancel_keeps_a_copy_for_the_next_start_and_no_discards_it(
    window, tmp_path, folder, monkeypatch
):
    w = window(path=tmp_path / "d.json")
    nudge(w)
    crash(w)
    Questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert not window().offer_recovery()
    assert len(pending_recoveries(folder)) == 1
    Questions(monkeypatch, QMessageBox.StandardButton.No)
    assert not window().offer_recovery()
    assert pending_recoveries(folder) == [] and list(folder.iterdir()) == []


def test_saving_or_undoing_to_the_saved_state_removes_the_copy(window, tmp_path, folder):
    w = window(path=tmp_path / "d.json")
    nudge(w, times=2)
    w.recovery.wait()
    assert list(folder.glob("*.journal"))
    w.session.undo_stack.undo()  # the two nudges merged into one step
    QApplication.processEvents()
    w.recovery.wait()
    assert not w.session.dirty and list(folder.iterdir()) == []
    nudge(w)
    w.recovery.wait()
    assert list(folder.glob("*.journal"))
    assert w.save()
    w.recovery.wait()
    assert list(folder.iterdir()) == []


def test_edits_after_saves_are_recovered_and_a_second_save_keeps_the_clean_map(
    window, tmp_path, folder, monkeypatch
):
    """Save after an edit, save again without one, edit, crash: the copy restores the
    edited design. The clean design's map of elements (the journal's first record
    starts from it) is taken in a turn after the save, not in the save's own, and a
    second save of the same design keeps it (wave 15, ``save15``: ~6 ms of the last
    turn of a save at 100k)."""
    path = tmp_path / "design.json"
    w = window(path=path)
    nudge(w)
    assert w.save()
    saved_map = w.recovery._clean_by_id
    assert saved_map is None  # not in the save's turn
    QApplication.processEvents()
    saved_map = w.recovery._clean_by_id
    assert saved_map is not None and set(saved_map) == {e.id for e in w.session.design.elements}
    assert w.save()  # the same design again
    QApplication.processEvents()
    assert w.recovery._clean_by_id is saved_map
    nudge(w, times=2)
    w.recovery.wait()
    edited = w.session.design
    crash(w)
    Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    fresh = window()
    assert fresh.offer_recovery()
    assert dumps(fresh.session.design) == dumps(edited)
    assert load(path) != edited


def test_a_full_disk_is_reported_and_leaves_no_partial_file(window, tmp_path, folder, monkeypatch):
    w = window(path=tmp_path / "d.json")
    real = atomic._write_all

    def full(fd: int, data: bytes) -> None:
        real(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", full)
    nudge(w)
    w.recovery.wait()
    QApplication.processEvents()  # the writer's report reaches the window
    assert w.recovery_label.isVisible()
    assert "No space left on device" in w.recovery_label.text()
    assert "No space left on device" in w.statusBar().currentMessage()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    # Space again: the next change writes a complete copy, and the warning goes.
    monkeypatch.setattr(atomic, "_write_all", real)
    nudge(w)
    w.recovery.wait()
    QApplication.processEvents()
    assert not w.recovery_label.isVisible()
    (copy,) = pending_recoveries_of(folder, w)
    assert dumps(copy.load()) == dumps(w.session.design)


def pending_recoveries_of(folder: Path, w: MainWindow):
    w.recovery.abandon()
    return [p for p in pending_recoveries(folder) if p.token == w.recovery.journal.token]


def test_a_big_designs_base_is_serialised_in_slices(window, folder, monkeypatch):
    monkeypatch.setattr(recovery_module, "SYNC_CHECK_LIMIT", 0)  # any design is "big"
    w = window()  # not from a file: the base must be serialised
    w.session.set_selection(["vm-b1"])
    QTest.keyClick(w.view.viewport(), Qt.Key.Key_Right)
    w.recovery.flush()
    assert w.recovery._base_job is not None  # started, not done in one go
    w.recovery._step_base(budget_s=0.0)
    w.recovery.wait()
    (copy,) = pending_recoveries_of(folder, w)
    assert dumps(copy.load()) == dumps(w.session.design)


def test_a_copy_that_cannot_be_read_is_kept_not_deleted(window, tmp_path, folder, monkeypatch):
    w = window(path=tmp_path / "d.json")
    nudge(w)
    crash(w)
    (base,) = folder.glob("*.base.json")
    base.write_text("{broken")
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda p, t, text, *a, **k: shown.append(text))
    )
    Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    fresh = window()
    assert not fresh.offer_recovery()
    assert shown and str(folder) in shown[0]
    kept = sorted(p.name for p in folder.iterdir())
    assert kept and all(name.endswith(".unrecoverable") for name in kept)


def test_a_copy_of_an_earlier_release_is_still_offered(window, tmp_path, folder, monkeypatch):
    folder.mkdir(parents=True)
    design = small_design().model_copy(update={"elements": [Site(id="s9", name="Old")]})
    design = design.model_copy(update={"layout": {}})
    (folder / "d-0123456789ab.recovery.json").write_text(dumps(design))
    (folder / "d-0123456789ab.meta.json").write_text(
        json.dumps({"original": None, "saved_at": 1.0, "pid": 0})
    )
    Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    fresh = window()
    assert fresh.offer_recovery()
    assert fresh.session.design == design
    assert not (folder / "d-0123456789ab.recovery.json").exists()


def test_the_recovery_folder_is_private(window, tmp_path, folder):
    w = window(path=tmp_path / "d.json")
    nudge(w)
    w.recovery.wait()
    for path in folder.iterdir():
        assert os.stat(path).st_mode & 0o077 == 0, path


def test_saving_a_recovered_design_notices_the_file_changed_since_the_crash(
    window, tmp_path, folder, monkeypatch
):
    from test_save_conflicts import DialogAnswer, someone_else_saves

    path = tmp_path / "design.json"
    w = window(path=path)
    nudge(w)
    crash(w)
    theirs = someone_else_saves(path)  # e.g. a git pull before the designer restarts
    Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    fresh = window()
    assert fresh.offer_recovery()
    answer = DialogAnswer("Cancel")
    assert not fresh.save()
    assert answer.buttons and "changed by another program" in answer.texts[0]
    assert path.read_bytes() == theirs
    fresh.recovery.wait()
    (copy,) = pending_recoveries_of(folder, fresh)  # a second crash would still know
    assert copy.original_digest is not None


def test_the_first_window_closed_while_a_recovered_sibling_stays_is_freed(
    qtbot, tmp_path, folder, monkeypatch
):
    """Two copies restored (the second in a sibling window), then the first window closed
    with the title bar's close while the sibling stays open: the process goes on, and
    the closed window's session, design and undo history are freed at the next turn,
    the collector off (before: kept until the process ended); the sibling works on."""
    import gc
    import weakref

    crashed = []
    for name in ("A", "B"):
        w = MainWindow(
            EditorSession(small_design().model_copy(update={"name": name})),
            settings=ini_settings(tmp_path),
            recovery_dir=folder,
        )
        qtbot.addWidget(w)
        w.show()
        nudge(w)
        crash(w)
        crashed.append(w)
    Questions(monkeypatch, QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes)
    first = MainWindow(settings=ini_settings(tmp_path), recovery_dir=folder)
    first.show()
    qtbot.waitExposed(first)
    assert first.offer_recovery()
    (sibling,) = first.sibling_windows
    refs = [weakref.ref(first.session), weakref.ref(first.session.design)]
    was = gc.isenabled()
    gc.disable()
    try:
        assert first.close()  # "Save the changes?" answered Discard
        del first
        qtbot.wait(50)
        assert [r() is None for r in refs] == [True, True]
    finally:
        if was:
            gc.enable()
    assert sibling.isVisible()
    nudge(sibling)
    assert sibling.session.undo_stack.count() >= 1
    sibling.recovery.journal.close()
    sibling.close()
