"""A site deleted reaches the window's views once per edit, not once per event (issue 10,
wave 27, ``views27``).

A site's deletion at 100k edits ~4,000 survivors: 6,073 events, and each went through
the session's handler (a note for the live check, a Qt signal, a look at the
selection) to the canvas (its bounds measured, its repaints and name caches, its member
lines), the Databases panel (its filters), the Inspector and seven more views: ~0.7 s
of the UI thread for the deletion, ~1.1 s for its undo. The views now take the events
of one edit as one tuple (``EditorSession.document_edited``).

Counted here, not timed, through ``dr-designer gui FILE``: a click on the site's title,
the Delete key, then Ctrl+Z. The canvas and the Databases panel afterwards show what a
fresh window on the saved file shows, and after Ctrl+Z what they showed before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title as _click_title
from generated import generated_file
from generated import settled as _settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_databases_first_fill24 import _shown

from designer.rules.incremental import LiveCheck
from designer.ui.canvas.scene import DesignScene
from designer.ui.panels import DatabasesPanel


def _drawing(scene: DesignScene) -> tuple[dict[str, tuple[float, ...]], dict[str, bool]]:
    """Each box's place, and each line drawn (whether shown)."""
    boxes = {i: tuple(node.box()) for i, node in scene.nodes.items()}
    return boxes, {k: e.isVisible() for k, e in scene.edges.items()}


def _open(launch: Any, qtbot: Any, path: Path) -> Any:
    window = launch(path)
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    panel = window.findChild(DatabasesPanel)
    panel.fill_now()  # (a tab behind another fills in idle slices)
    return window


class _Counts:
    """What one user action made the window do, per Document edit."""

    def __init__(self, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.edits = 0
        self.events = 0
        self.notes = 0
        self.bounds = 0
        self.refills = 0
        document = window.session.document
        real_emit = type(document)._emit

        def emit(doc: Any, *events: Any) -> None:
            if doc is document and events:
                self.edits += 1
                self.events += len(events)
            real_emit(doc, *events)

        def counting(cls: type, name: str, attribute: str) -> None:
            real = getattr(cls, name)

            def counted(obj: Any, *args: Any, **kwargs: Any) -> Any:
                setattr(self, attribute, getattr(self, attribute) + 1)
                return real(obj, *args, **kwargs)

            monkeypatch.setattr(cls, name, counted)

        monkeypatch.setattr(type(document), "_emit", emit)
        counting(LiveCheck, "note", "notes")
        counting(DesignScene, "_grow_scene_rect", "bounds")
        counting(DatabasesPanel, "refresh", "refills")

    def reset(self) -> None:
        self.edits = self.events = self.notes = self.bounds = self.refills = 0


def test_a_site_deleted_and_undone_reaches_each_view_once_per_edit(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The site's deletion made in the key's turn, one Document edit or two, as the counts
    # here pin it (a big edit runs in steps by default since wave 27, each step one
    # edit told once: tests/ui/test_big_edit_steps27.py).
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100000")
    window = _open(launch, qtbot, generated_file(tmp_path, 1000))
    session = window.session
    scene = window.view.design_scene
    panel = window.findChild(DatabasesPanel)
    document = session.document
    site = next(e for e in document.design.elements if e.kind == "site")
    drawn_before = _drawing(scene)
    table_before = _shown(panel)
    counts = _Counts(window, monkeypatch)
    batches: list[int] = []
    session.document_edited.connect(lambda events: batches.append(len(events)))

    # The user clicks the site's title and presses Delete.
    _click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert document.get(site.id) is None, "deleted"
    # Hundreds of events (a survivor losing a reference: one each), given to the views
    # in one signal per Document edit; the live check noted once per edit, the canvas
    # measured its bounds once per edit, the Databases table refilled once. The old
    # code: a note, a signal and a measure per event (here ~250 events).
    assert counts.events > 100, counts.events
    assert 1 <= counts.edits <= 3, counts.edits
    assert sum(batches) == counts.events
    assert len(batches) == counts.edits
    assert counts.notes == counts.edits, (counts.notes, counts.edits)
    assert counts.bounds <= counts.edits, (counts.bounds, counts.edits)
    assert counts.refills == 1, counts.refills

    # What the canvas and the Databases panel show is what a fresh window on the
    # saved design shows.
    saved = tmp_path / "after.json"
    assert window.save_to(saved)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    drawn_after = _drawing(scene)
    table_after = _shown(panel)
    assert site.id not in drawn_after[0]
    assert table_after != table_before, "the site's DAG members left the table"
    fresh = _open(launch, qtbot, saved)
    assert _drawing(fresh.view.design_scene) == drawn_after
    assert _shown(fresh.findChild(DatabasesPanel)) == table_after
    fresh.close()

    # Ctrl+Z: the site back, told to the views once per edit again.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    counts.reset()
    batches.clear()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.get(site.id) is not None
    assert counts.events > 100 and 1 <= counts.edits <= 3, (counts.events, counts.edits)
    assert len(batches) == counts.edits and counts.notes == counts.edits
    assert counts.bounds <= counts.edits and counts.refills == 1
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == drawn_before
    assert _shown(panel) == table_before


def test_a_listener_of_single_events_still_gets_each(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    """``document_changed`` is given each event while something connects to it (a view
    written for single events keeps working), and not emitted while nothing does."""
    window = _open(launch, qtbot, generated_file(tmp_path, 300))
    session = window.session
    dag = next(e for e in session.design.elements if e.kind == "dag")
    singles: list[object] = []
    batches: list[tuple[object, ...]] = []
    session.document_changed.connect(singles.append)
    session.document_edited.connect(batches.append)
    _click_title(window, dag.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert session.document.get(dag.id) is None
    assert len(singles) > 1 and singles == [e for batch in batches for e in batch]
    session.document_changed.disconnect(singles.append)
    assert not session.isSignalConnected(session._each_event)


def _labels(scene: DesignScene) -> dict[str, tuple[str, tuple[float, ...] | None]]:
    """Each line's label: its text and where it is placed."""
    out: dict[str, tuple[str, tuple[float, ...] | None]] = {}
    for key, edge in scene.edges.items():
        rect = edge.label_scene_rect()
        where = None if rect is None else (rect.x(), rect.y(), rect.width(), rect.height())
        out[key] = (edge.label_text(), where)
    return out


def _replace_in_names(qtbot: Any, window: Any, find: str, replace: str) -> None:
    """Ctrl+H, the text to find, Tab, the replacement, Replace All."""
    from gui_door import activate
    from PySide6.QtWidgets import QApplication

    from designer.ui.replace_names import ReplaceNamesDialog

    activate(window)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ReplaceNamesDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    QTest.keyClicks(dialog.find_edit, find)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, replace)
    qtbot.waitUntil(lambda: dialog.summary.text().endswith("names would change"))
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text().startswith(f"Replaced '{find}' in ")
    QTest.keyClick(dialog.replace_edit, Qt.Key.Key_Escape)


def test_links_renamed_together_get_the_labels_one_by_one_gave(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Edit > Replace in Names renaming a site's name in every name renames its WAN
    links too: their labels are written and placed once the edit is applied, asking the
    label and box rectangles kept for the call (not every line's label at each spot):
    where each lands is where placing them one by one, in turn, puts it."""
    path = generated_file(tmp_path, 1000)
    together = _open(launch, qtbot, path)
    scene = together.view.design_scene
    links = [e.id for e in together.session.design.elements if e.kind == "wan_link"]
    renamed = [i for i in links if "DC01" in together.session.document.get(i).name]
    assert len(renamed) >= 2, "the edit renames several links"
    placed: list[list[str]] = []
    real = DesignScene._place_wan_labels

    def noted(scene_: DesignScene, link_ids: list[str]) -> None:
        placed.append(list(link_ids))
        real(scene_, link_ids)

    monkeypatch.setattr(DesignScene, "_place_wan_labels", noted)
    _replace_in_names(qtbot, together, "DC01", "DC01R")
    assert placed == [renamed], "all of the edit's links placed in one call"
    shown = _labels(scene)
    for link_id in renamed:
        assert shown[link_id][0].startswith(together.session.document.get(link_id).name)

    def one_by_one(scene_: DesignScene, link_ids: list[str]) -> None:
        for link_id in link_ids:
            real(scene_, [link_id])  # each asking every line's label, as before

    monkeypatch.setattr(DesignScene, "_place_wan_labels", one_by_one)
    alone = _open(launch, qtbot, path)
    _replace_in_names(qtbot, alone, "DC01", "DC01R")
    assert _labels(alone.view.design_scene) == shown
