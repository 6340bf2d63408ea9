"""Saving a new design (wave 20, ``fixj20``; eyes20 #7, #19, #17): where File > Save's
dialog starts, the name the design takes from its file, the "Save the changes?" keys.
Through the user's door (``dr-designer gui FILE``, as ``./scripts/run`` starts it) and
the real actions and dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_door import activate, console_main
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from designer import bundled
from designer.document.commands import SetDesignMeta
from designer.persistence import load
from designer.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("no_modal_dialogs")

#: Qt's own "Save the changes?" dialog, before no_modal_dialogs replaces it.
_REAL_QUESTION = QMessageBox.question


class _SaveDialog:
    """QFileDialog.getSaveFileName: records where it started, answers ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.starts: list[Path] = []
        self.answer = ""
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(self._ask))

    def _ask(self, _parent, _title, start, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        self.starts.append(Path(start))
        return self.answer, ""


def _new_design(window: MainWindow) -> None:
    window.act_new.trigger()
    assert window.session.path is None


def test_a_new_designs_first_save_starts_in_documents_not_among_the_samples(
    launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ./scripts/run opens the default sample by its path: it enters the recent files.
    sample = bundled.sample()
    window = launch(sample)
    assert window.recent.paths()[0] == str(sample.resolve())
    documents = launch.home / "Documents"
    documents.mkdir()
    dialog = _SaveDialog(monkeypatch)
    _new_design(window)
    window.act_save.trigger()  # cancelled: nothing saved
    assert dialog.starts[-1].parent == documents
    assert window.session.path is None
    # A design saved elsewhere: the next new design's dialog starts there.
    mine = tmp_path / "mine"
    mine.mkdir()
    dialog.answer = str(mine / "first.json")
    window.act_save.trigger()
    assert window.session.path == (mine / "first.json").resolve()
    _new_design(window)
    window.act_save.trigger()
    assert dialog.starts[-1].parent == mine
    # The sample opened again by path: its folder is still never offered to a new design.
    window.open_file(sample, ask=False)
    _new_design(window)
    window.act_save_as.trigger()
    assert dialog.starts[-1].parent == mine


def test_a_new_design_saved_as_a_file_takes_its_name_and_the_report_says_it(
    launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = launch()
    dialog = _SaveDialog(monkeypatch)
    _new_design(window)
    assert window.session.design.name == "Untitled design"
    target = tmp_path / "boston-dr.drd.json"
    dialog.answer = str(target)
    window.act_save.trigger()
    assert window.session.design.name == "boston-dr"
    assert load(target).name == "boston-dr"
    assert not window.session.dirty
    name_field = window.findChild(QLineEdit, "design_name")
    assert name_field is not None and name_field.text() == "boston-dr"  # the Inspector
    # The review report of the saved file (`dr-designer report`, the user's door).
    report = tmp_path / "review.html"
    assert console_main()(["report", str(target), "-o", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "Design review: boston-dr" in page and "Untitled design" not in page
    # One step of its own: undone, the design is untitled again (and changed since saved).
    window.act_undo.trigger()
    assert window.session.design.name == "Untitled design" and window.session.dirty
    window.act_redo.trigger()
    # A design its user named keeps its name when saved under another.
    window.session.apply(SetDesignMeta(name="Boston DR"))
    dialog.answer = str(tmp_path / "copy.json")
    window.act_save_as.trigger()
    assert (
        window.session.design.name == "Boston DR"
        and load(tmp_path / "copy.json").name == "Boston DR"
    )


def test_save_the_changes_discard_has_an_alt_key(
    launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = launch()
    window.session.apply(SetDesignMeta(name="Boston DR"))
    assert window.session.dirty
    monkeypatch.setattr(QMessageBox, "question", _REAL_QUESTION)  # the real dialog
    seen: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append([b.text() for b in box.buttons()])
        box.grab().save(str(tmp_path / "save-changes.png"))
        # Had Alt+D done nothing, Escape (Cancel) ends the dialog: the test fails, not hangs.
        QTimer.singleShot(2000, lambda: _escape_any_dialog())
        activate(box)  # as on a desktop (offscreen the window stays the active one)
        QTest.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)

    QTimer.singleShot(0, answer)
    window.act_new.trigger()  # "Save the changes to Boston DR?"
    # No real dialog at the window's close, whatever happened.
    discard = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: discard))
    assert seen and "&Discard" in seen[0], seen
    # Discarded: the new blank design replaced the edited one.
    assert window.session.design.name == "Untitled design"
    assert not window.session.dirty


def _escape_any_dialog() -> None:
    box = QApplication.activeModalWidget()
    if box is not None:
        QTest.keyClick(box, Qt.Key.Key_Escape)


def test_the_inspector_says_mixed_for_vms_on_different_hosts(launch, tmp_path: Path) -> None:
    """eyes20 #9 (wave 20, ``fixj20``): the Host combo of several VMs on different
    hosts says "(mixed)", not one host's name; choosing "(mixed)" changes nothing."""
    from designer.domain.elements import VirtualMachine
    from designer.ui.panels.inspector import InspectorPanel

    window = launch()  # the bundled sample
    vms = [e for e in window.session.design.elements if isinstance(e, VirtualMachine)]
    one = vms[0]
    other = next(v for v in vms if v.host != one.host)
    window.session.set_selection([one.id, other.id])
    panel = window.findChild(InspectorPanel)
    assert panel is not None
    combo = panel.editors["host"].editor
    assert combo.currentText() == "(mixed)"
    panel.grab().save(str(tmp_path / "inspector-mixed.png"))
    before = window.session.undo_stack.count()
    combo.activated.emit(0)  # "(mixed)" chosen again
    assert window.session.undo_stack.count() == before
    # A host chosen: both VMs move to it, one step.
    target = combo.findData(one.host)
    combo.setCurrentIndex(target)
    combo.activated.emit(target)
    assert window.session.undo_stack.count() == before + 1
    hosts = {e.id: e.host for e in window.session.design.elements if e.id in (one.id, other.id)}
    assert set(hosts.values()) == {one.host}


def test_file_new_templates_say_their_exchange_version(launch) -> None:
    """eyes20 #20 (wave 20, ``fixj20``): each template's menu entry and status tip name
    the Exchange version its servers are, as the design it makes states them."""
    from designer.document.templates import TEMPLATES
    from designer.domain.elements import VirtualMachine

    window = launch()
    for key, entry in TEMPLATES.items():
        action = window.act_templates[key]
        assert action.text().endswith(f"(Exchange {entry.exchange})")
        assert f"Exchange {entry.exchange}" in action.statusTip()
        action.trigger()  # the unchanged sample: no question
        versions = {
            e.exchange_version
            for e in window.session.design.elements
            if isinstance(e, VirtualMachine) and e.exchange_version
        }
        assert versions == {entry.exchange}, key
