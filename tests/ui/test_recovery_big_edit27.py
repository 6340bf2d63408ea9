"""The recovery journal after a big edit of a big design: no record of thousands of
elements in one turn (issue 10, wave 27).

A record compares and writes out, on the UI thread and in one turn, every element the
changes since the last record touched: a site's deletion at 100k (14,592 elements) cost
~90 ms there once its steps were done. In a design too big to write out at once, such a
change starts a fresh base instead, written in slices. Through ``dr-designer gui FILE``
of a generated design above that size: a click on a site's title, Delete (run in steps),
then Ctrl+Z and Ctrl+Y; after each, no record was asked to compare more than
``RECORD_AT_ONCE_UP_TO`` elements, and the journal on disk gives back the design shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generated import click_title, generated_file, settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.persistence import dumps
from designer.persistence.journal import RecoveryJournal, Touched, replay
from designer.ui.recovery import RECORD_AT_ONCE_UP_TO
from designer.ui.session import SYNC_CHECK_LIMIT


def _recovered(window: Any) -> str:
    window.recovery.wait()
    (journal,) = window.recovery.folder.glob("*.journal")
    base = journal.with_name(journal.name.removesuffix(".journal") + ".base.json")
    design, _records = replay(base.read_bytes(), journal.read_bytes())
    return dumps(design)


def _records_counted(monkeypatch: Any) -> list[int]:
    """How many elements each record of the journal is asked to compare, as they come."""
    asked: list[int] = []
    record = RecoveryJournal.record

    def counted(
        self: RecoveryJournal, design: Any, touched: Touched | None = None, *a: Any
    ) -> bool:
        asked.append(len(touched.elements) if touched is not None else -1)
        return record(self, design, touched, *a)

    monkeypatch.setattr(RecoveryJournal, "record", counted)
    return asked


def _opened_8k(launch: Any, qtbot: Any, tmp_path: Path) -> Any:
    window = launch(generated_file(tmp_path, 8000))
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: settled(window), timeout=120_000)
    return window


def test_a_site_deleted_and_restored_in_a_big_design_is_never_one_big_record(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    asked = _records_counted(monkeypatch)
    window = _opened_8k(launch, qtbot, tmp_path)
    session = window.session
    design = session.design
    assert len(design.elements) > SYNC_CHECK_LIMIT
    site = next(e for e in design.elements if e.kind == "site")

    click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
    assert session.document.get(site.id) is None
    gone = len(design.elements) - len(session.design.elements)
    assert gone > RECORD_AT_ONCE_UP_TO and len(session.design.elements) > SYNC_CHECK_LIMIT
    assert _recovered(window) == dumps(session.design)
    assert all(n <= RECORD_AT_ONCE_UP_TO for n in asked), asked

    deleted = dumps(session.design)

    # Ctrl+Z: back to the design as opened, so nothing to recover; Ctrl+Y: the site's
    # deletion again, recorded (as a fresh base) like the first time.
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
    assert dumps(session.design) == dumps(design) and not session.dirty
    window.recovery.wait()
    assert not list(window.recovery.folder.glob("*.journal"))
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
    assert dumps(session.design) == deleted
    assert _recovered(window) == deleted
    assert all(n <= RECORD_AT_ONCE_UP_TO for n in asked), asked


def test_a_big_edit_made_while_a_fresh_base_is_written_is_not_one_big_record(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A site deleted starts a fresh base, written in slices; a second site deleted
    meanwhile (at once: 1,000+ elements) used to be recorded, all of it, in the turn
    the base was done (an undo of 50 VMs at 100k: one turn of 60-130 ms). It starts a
    fresh base of its own instead, and the journal gives back the design shown
    (wave 28, edits28)."""
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "1000000")  # (each deletion at once)
    monkeypatch.setenv("DR_DESIGNER_PLAN_ABOVE", "1000000")
    asked = _records_counted(monkeypatch)
    window = _opened_8k(launch, qtbot, tmp_path)
    session = window.session
    first, second = [e for e in session.design.elements if e.kind == "site"][:2]
    viewport = window.view.viewport()
    click_title(window, first.id)
    QTest.keyClick(viewport, Qt.Key.Key_Delete)
    keeper = window.recovery
    qtbot.waitUntil(lambda: keeper._base_job is not None, timeout=60_000)
    before = len(session.design.elements)
    click_title(window, second.id)
    QTest.keyClick(viewport, Qt.Key.Key_Delete)
    assert before - len(session.design.elements) > RECORD_AT_ONCE_UP_TO
    assert keeper._base_job is not None  # (made while the first base was being written)
    qtbot.waitUntil(lambda: keeper._base_job is None, timeout=60_000)
    assert _recovered(window) == dumps(session.design)
    assert all(n <= RECORD_AT_ONCE_UP_TO for n in asked), asked
