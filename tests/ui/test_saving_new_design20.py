"""Saving a new design (wave 20, ``fixj20``; eyes20 #7, #19, #17): where File > Save's
dialog starts, the name the design takes from its file, the "Save the changes?" keys.
Through the user's door (``dr-designer gui FILE``, as ``./scripts/run`` starts it) and
the real actions and dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from designer import bundled
from designer.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("no_modal_dialogs")


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
