"""A big edit never freezes the window: it runs in steps, turns of the event loop
apart, the status bar saying how far it is (issue 10, wave 27, ``slice27``).

Through ``dr-designer gui FILE`` on a generated design, with the size above which an
edit is stepped lowered (``DR_DESIGNER_STEP_ABOVE``) so that a site of a 1,000-element
design (593 elements removed or edited) is a big edit: a click on the site's title,
Delete; while it runs a timer of the test fires between its steps, the status bar says
"Removing site …: N of 593 elements…", a second Delete is refused with a message and
Ctrl+S waits for it and saves the finished design. The design is the one the Document
makes headless, the canvas the one a fresh window draws of it; Ctrl+Z and Ctrl+Y run in
steps too and end where the one-turn edits did (the recovery journal too); one undo
step all along."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title, open_settled
from generated import settled as _settled
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.document import Document, RemoveElements
from designer.domain import structural_errors
from designer.domain.design import Design
from designer.persistence import dumps
from designer.persistence.journal import replay
from designer.ui.canvas.scene import DesignScene


def _drawing(scene: DesignScene) -> tuple[dict[str, tuple[float, ...]], list[str]]:
    boxes = {i: tuple(node.box()) for i, node in scene.nodes.items()}
    return boxes, sorted(scene.edges)


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.fixture
def opened(design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    # The plan worked out on a worker whatever the design's size (default: above 5,000).
    monkeypatch.setenv("DR_DESIGNER_PLAN_ABOVE", "0")
    return open_settled(design, launch, qtbot, tmp_path)


class _Turns:
    """Counts a zero-delay timer's firings and the status bar's messages meanwhile."""

    def __init__(self, window: Any) -> None:
        self.fired = 0
        self.messages: list[str] = []
        self.timer = QTimer(window)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._tick)
        window.statusBar().messageChanged.connect(self.messages.append)

    def _tick(self) -> None:
        self.fired += 1

    def start(self) -> None:
        self.fired = 0
        self.messages.clear()
        self.timer.start()


def test_deleting_a_big_site_runs_in_steps_and_ends_as_the_one_turn_edit(
    opened: Any, design: Design, launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = opened
    session = window.session
    document = session.document
    scene = window.view.design_scene
    stack = session.undo_stack
    site = next(e for e in design.elements if e.kind == "site")
    before = _drawing(scene)
    expected = Document(design)
    RemoveElements([site.id]).redo(expected)
    turns = _Turns(window)

    # Delete on the selected site: a worker works out what it takes with it; the key's
    # turn returns at once.
    click_title(window, site.id)
    turns.start()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert session.busy, "a site of 593 elements is a big edit"
    assert document.get(site.id) is not None, "not removed in the key's turn"
    assert turns.messages[-1] == f"Working out what removing site {site.name} takes with it…"
    # The event loop turns between the steps, the status bar saying how far.
    qtbot.waitUntil(
        lambda: turns.fired >= 2 and session._job is not None and session._job.progress.done > 0
    )
    assert session.busy
    assert stack.count() == 1 and stack.text(0).startswith(f"Remove site {site.name}")
    progress = [m for m in turns.messages if m.startswith(f"Removing site {site.name}: ")]
    assert progress and progress[-1].endswith(" of 593 elements…"), turns.messages
    shot = tmp_path / "progress.png"
    window.grab().save(str(shot))

    # A second Delete meanwhile: the key does nothing (Delete is off while it runs), and
    # an edit asked for is refused, with a message (the site is still selected).
    assert not window.act_delete.isEnabled()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert stack.count() == 1 and session.busy
    refusal = session.apply(RemoveElements([site.id]))
    assert refusal is not None and "wait for it to finish" in refusal.reason
    assert stack.count() == 1

    # Ctrl+S meanwhile: the save waits for the removal, then writes the finished design.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not session.busy
    saved = Path(session.path)
    assert saved.read_text(encoding="utf-8") == dumps(expected.design)
    assert dumps(document.design) == dumps(expected.design)
    assert stack.count() == 1 and stack.index() == 1 and not session.dirty
    assert turns.fired >= 2
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    after = _drawing(scene)
    assert site.id not in after[0]

    # A fresh window on the saved file draws the same boxes and lines.
    fresh = launch(saved)
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    assert _drawing(fresh.view.design_scene) == after
    fresh.close()

    # Ctrl+Z: in steps too, back to the design and drawing of before.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    turns.start()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.busy and not window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert turns.fired >= 2
    assert any(m.startswith(f"Restoring site {site.name}: ") for m in turns.messages)
    assert dumps(document.design) == dumps(design)
    assert stack.index() == 0 and window.act_redo.isEnabled()
    # The recovery journal, written once the undo was done, gives back that design.
    window.recovery.wait()
    (journal,) = window.recovery.folder.glob("*.journal")
    base = journal.with_name(journal.name.removesuffix(".journal") + ".base.json")
    recovered, _records = replay(base.read_bytes(), journal.read_bytes())
    assert dumps(recovered) == dumps(design)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == before

    # Ctrl+Y: in steps, the removal again.
    turns.start()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert session.busy
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert turns.fired >= 2
    assert dumps(document.design) == dumps(expected.design)
    assert stack.count() == 1 and stack.index() == 1
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == after


def test_closing_during_a_big_edit_finishes_it_then_asks(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """File > Quit (Ctrl+Q) while a site's removal runs: the removal is finished first,
    then "Save the changes?" is asked about the finished design, as after any edit."""
    from PySide6.QtWidgets import QMessageBox

    window = opened
    session = window.session
    session.plan_above = 10**9  # the plan in the key's turn (a design under 5,000)
    site = next(e for e in design.elements if e.kind == "site")
    expected = Document(design)
    RemoveElements([site.id]).redo(expected)
    asked: list[tuple[bool, str]] = []

    def question(*_args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        asked.append((session.busy, dumps(session.design)))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert session.busy and session._job is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert asked == [(False, dumps(expected.design))]
    assert window.isVisible(), "cancelled: the window stays"
    assert session.undo_stack.count() == 1 and not session.busy


def test_pasting_a_copied_site_runs_in_steps_and_selects_what_it_added(
    opened: Any, design: Design, qtbot: Any
) -> None:
    """Ctrl+C on a selected site, Ctrl+V on an empty spot: its 400-odd elements added
    in steps (a timer firing between them), then selected; Ctrl+Z and Ctrl+Y in steps."""
    window = opened
    session = window.session
    document = session.document
    stack = session.undo_stack
    viewport = window.view.viewport()
    site = next(e for e in design.elements if e.kind == "site")
    click_title(window, site.id)
    QTest.keyClick(viewport, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    turns = _Turns(window)
    turns.start()
    QTest.keyClick(viewport, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert session.busy and stack.count() == 1
    assert any(m.startswith("Adding ") for m in turns.messages), turns.messages
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert turns.fired >= 2
    added = {e.id for e in document.design.elements} - {e.id for e in design.elements}
    assert len(added) > 100
    assert set(session.selection) == added
    assert not structural_errors(document.design)
    pasted = dumps(document.design)

    turns.start()
    QTest.keyClick(viewport, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert turns.fired >= 2 and dumps(document.design) == dumps(design)
    QTest.keyClick(viewport, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert dumps(document.design) == pasted and stack.count() == 1


def test_replace_in_names_of_many_names_runs_in_steps(
    opened: Any, design: Design, qtbot: Any
) -> None:
    """Ctrl+H, "DC01" → "NYC1", Replace: the names renamed in steps (a timer firing
    between them, the status bar counting names), the dialog saying what it replaced
    once all are, the design the one-edit renaming's; Ctrl+Z in steps back."""
    from PySide6.QtWidgets import QApplication

    from designer.document.renaming import NameQuery, plan_renames
    from designer.ui.replace_names import ReplaceNamesDialog

    window = opened
    session = window.session
    document = session.document
    expected = Document(design)
    command = plan_renames(expected, NameQuery("DC01", "NYC1")).command()
    assert command is not None and len(command.news) > 50
    command.redo(expected)
    n = len(command.news)
    session.step_above = 50  # (96 names: a big edit at this size)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ReplaceNamesDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    QTest.keyClicks(dialog.find_edit, "DC01")
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, "NYC1")
    qtbot.waitUntil(lambda: dialog.summary.text() == f"{n:,} names would change")
    turns = _Turns(window)
    turns.start()
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    # (A big design's renamed elements are made in the idle slices first: wave 28.)
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1 and not session.busy, timeout=60_000)
    assert turns.fired >= 2
    assert any(m.endswith(f" of {n:,} names…") for m in turns.messages), turns.messages
    assert dumps(document.design) == dumps(expected.design)
    assert dialog.summary.text() == f"Replaced 'DC01' in {n:,} names (Ctrl+Z undoes it)"
    assert window.statusBar().currentMessage() == f"Renamed {n:,} elements"
    assert session.undo_stack.count() == 1

    QTest.keyClick(dialog.replace_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    turns.start()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.busy
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert turns.fired >= 2 and dumps(document.design) == dumps(design)


def test_a_big_edits_steps_route_no_line_in_their_own_turn(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """Each step of a big edit is a few boxes: under the size at which a change's lines
    are drawn straight and routed in the idle slices, each step routed its lines in its
    own turn (30-350 ms a step of a site's undo at 100k). Now, while the edit runs, a
    step's lines wait for the slices; once done, every line runs along the route it had
    before the deletion."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    site = next(e for e in design.elements if e.kind == "site")
    routes = {k: e.drawn_from for k, e in scene.edges.items()}
    at_once: list[int] = []
    reroute = DesignScene.reroute

    def counted(self: DesignScene, keys: Any, *args: Any, **kwargs: Any) -> Any:
        keys = list(keys)
        if session.busy and keys:  # (none: the channels removed lines left spread again)
            at_once.append(len(keys))
        return reroute(self, keys, *args, **kwargs)

    monkeypatch.setattr(DesignScene, "reroute", counted)
    click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.busy
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert at_once == [], "no step routed lines in its own turn"
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert {k: e.drawn_from for k, e in scene.edges.items()} == routes
