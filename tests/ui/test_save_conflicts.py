"""Saving from the window (issue 15, "Lost update"): a file another program changed
since it was opened is not overwritten without asking (Reload / Overwrite / Save As,
answered here in the real dialog); a read-only file is refused with a clear message;
a symlink and a hard link survive a save. Files are opened through File > Open."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from test_canvas_support import ini_settings, small_design

from designer.domain import Site
from designer.persistence import dumps, load, save
from designer.ui.main_window import MainWindow
from designer.ui.session import EditorSession


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = MainWindow(EditorSession(), settings=ini_settings(tmp_path), recovery_dir=tmp_path / "r")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    yield w
    w.recovery.journal.close()


def open_through_the_menu(w: MainWindow, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    w.act_open.trigger()
    assert w.session.path == path.resolve() or w.session.path == path.absolute()


def edit(w: MainWindow) -> None:
    """A real edit: select, then the arrow key on the canvas (a nudge)."""
    w.session.set_selection(["vm-b1"])
    QTest.keyClick(w.view.viewport(), Qt.Key.Key_Right)
    assert w.session.dirty


class DialogAnswer:
    """Clicks ``button`` in the next modal message box, as a user would."""

    def __init__(self, button: str) -> None:
        self.button = button
        self.texts: list[str] = []
        self.buttons: list[list[str]] = []
        QTimer.singleShot(0, self._click)

    def _click(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, self._click)
            return
        self.texts.append(box.text())
        self.buttons.append([b.text() for b in box.buttons()])
        for button in box.buttons():
            if button.text() == self.button:
                button.click()
                return
        raise AssertionError(f"no button {self.button!r} in {self.buttons[-1]}")


def someone_else_saves(path: Path) -> bytes:
    other = small_design().model_copy(
        update={"elements": [*small_design().elements, Site(id="x", name="Theirs")]}
    )
    replacement = path.with_name("tmp-other.json")
    save(other, replacement)
    os.replace(replacement, path)  # as editors do: a new file renamed over the old
    return path.read_bytes()


@pytest.fixture
def opened(window, tmp_path, monkeypatch):
    path = tmp_path / "design.json"
    save(small_design(), path)
    open_through_the_menu(window, monkeypatch, path)
    edit(window)
    return path


def test_overwrite_after_asking(window, opened):
    theirs = someone_else_saves(opened)
    answer = DialogAnswer("Overwrite")
    assert window.act_save.isEnabled()
    window.act_save.trigger()
    assert answer.buttons == [["Reload", "Overwrite", "Save As…", "Cancel"]]
    assert "changed by another program" in answer.texts[0]
    assert opened.read_bytes() != theirs
    assert load(opened) == window.session.design and not window.session.dirty


def test_reload_shows_what_is_on_disk(window, opened):
    someone_else_saves(opened)
    answer = DialogAnswer("Reload")  # kept: a timer holds its method weakly
    window.act_save.trigger()
    assert answer.buttons, "the question was asked"
    assert any(e.name == "Theirs" for e in window.session.design.elements)
    assert not window.session.dirty
    edit(window)  # and a save after the reload is a normal save
    window.act_save.trigger()
    assert load(opened) == window.session.design


def test_save_as_keeps_both(window, opened, tmp_path, monkeypatch):
    theirs = someone_else_saves(opened)
    elsewhere = tmp_path / "mine.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(elsewhere), ""))
    )
    answer = DialogAnswer("Save As…")  # kept: a timer holds its method weakly
    window.act_save.trigger()
    assert answer.buttons, "the question was asked"
    assert opened.read_bytes() == theirs
    assert load(elsewhere) == window.session.design
    assert window.session.path == elsewhere.resolve()


def test_cancel_writes_nothing(window, opened):
    theirs = someone_else_saves(opened)
    answer = DialogAnswer("Cancel")  # kept: a timer holds its method weakly
    window.act_save.trigger()
    assert answer.buttons, "the question was asked"
    assert opened.read_bytes() == theirs and window.session.dirty


def test_a_touched_but_unchanged_file_saves_without_asking(window, opened):
    os.utime(opened, (1, 1))
    window.act_save.trigger()  # no dialog: a modal one would block this test
    assert load(opened) == window.session.design and not window.session.dirty


def test_a_read_only_file_is_refused_with_a_clear_message(window, opened, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda p, title, text, *a, **k: shown.append(text))
    )
    before = opened.read_bytes()
    opened.chmod(0o444)
    window.act_save.trigger()
    assert opened.read_bytes() == before and window.session.dirty
    assert shown and "read-only" in shown[0] and "Save As" in shown[0]
    assert stat.S_IMODE(opened.stat().st_mode) == 0o444


def test_saving_through_a_symlink_keeps_the_link(window, tmp_path, monkeypatch):
    real = tmp_path / "real" / "design.json"
    real.parent.mkdir()
    save(small_design(), real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    open_through_the_menu(window, monkeypatch, link)
    edit(window)
    window.act_save.trigger()
    assert link.is_symlink()
    assert dumps(load(real)) == dumps(window.session.design)


def test_saving_keeps_hard_links_and_permissions(window, tmp_path, monkeypatch):
    path = tmp_path / "design.json"
    save(small_design(), path)
    path.chmod(0o640)
    twin = tmp_path / "twin.json"
    os.link(path, twin)
    open_through_the_menu(window, monkeypatch, path)
    edit(window)
    window.act_save.trigger()
    assert load(twin) == window.session.design
    assert path.stat().st_nlink == 2 and stat.S_IMODE(path.stat().st_mode) == 0o640
