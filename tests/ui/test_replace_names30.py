"""Edit > Replace in Names in a big design: the turns around its steps (issue 10, wave
30, ``replace30``).

Through ``dr-designer gui FILE`` on a generated design of 1,000 elements, with the sizes
above which the dialog plans in slices and an edit runs in steps lowered
(``DR_DESIGNER_PLAN_ABOVE``, ``DR_DESIGNER_STEP_ABOVE``; at 100k 5,000 and 300): Ctrl+H,
"DC01" → "NYC1" typed, Replace All clicked. The renamed copies are made in the idle
slices and the edit's first step is applied in a later turn of its own; the steps'
progress is shown in the status bar; the file saved (Ctrl+S) after Replace All, Ctrl+Z
and Ctrl+Y holds what the one-edit renaming gives. The crash-recovery copy's base,
written in slices within the window's idle slices' budget, waits while the renaming's
undo runs in steps and is written whole once it is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.document import Document
from designer.document.commands import RenameElements
from designer.document.renaming import NameQuery, RenamePlan, plan_renames
from designer.domain.design import Design
from designer.persistence import dumps, load
from designer.persistence.journal import replay
from designer.ui import recovery as recovery_module
from designer.ui import slices as slices_module
from designer.ui.recovery import RecoveryKeeper
from designer.ui.replace_names import ReplaceNamesDialog

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.fixture
def opened(design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    monkeypatch.setenv("DR_DESIGNER_PLAN_ABOVE", "100")
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "20")
    path = tmp_path / "generated.json"
    path.write_text(dumps(design), encoding="utf-8")
    window = launch(path)
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: settled(window), timeout=120_000)
    return window


def _replace_all(window: Any, qtbot: Any, find: str, replace: str) -> ReplaceNamesDialog:
    """Ctrl+H, the texts typed, Replace All clicked once the preview is shown."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_H, CTRL)
    dialog = window.findChild(ReplaceNamesDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    QTest.keyClicks(dialog.find_edit, find)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, replace)
    qtbot.waitUntil(lambda: dialog.summary.text().endswith(" would change"), timeout=30_000)
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    return dialog


def _key(window: Any, qtbot: Any, key: Qt.Key) -> None:
    """Ctrl+``key`` on the canvas, the window active."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), key, CTRL)


def _saved(window: Any, qtbot: Any) -> str:
    """Ctrl+S; the design the file holds."""
    session = window.session
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    _key(window, qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: not session.dirty, timeout=30_000)
    return dumps(load(Path(session.path)))


def _bases_held(window: Any, monkeypatch: Any) -> str:
    """The first base of the recovery copy written in slices (a 100k design's sizes at
    1,000 elements: in slices of 64 elements) holds the window's idle slices as it
    starts, until the test releases them (the key returned): a base of 1,000 elements
    could be written before a test looked."""
    monkeypatch.setattr(recovery_module, "SYNC_CHECK_LIMIT", 100)
    monkeypatch.setattr(recovery_module, "RECORD_AT_ONCE_UP_TO", 10)
    monkeypatch.setattr(recovery_module, "SLICE_S", 0.0)
    key = "test: a base begun"
    held: list[bool] = []
    start_base = RecoveryKeeper._start_base

    def holding(self: RecoveryKeeper, design: Design, *, from_file: bool) -> None:
        start_base(self, design, from_file=from_file)
        if self._base_job is not None and not held:
            held.append(True)
            slices_module.shared().hold(key, window, max_ms=600_000)

    monkeypatch.setattr(RecoveryKeeper, "_start_base", holding)
    return key


def test_replace_all_applies_its_first_step_in_a_turn_after_the_copies_are_made(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """The copies' last slice and the first step were one turn (30-45 ms at 100k): the
    edit is applied by a later turn of the slices than the one that finished making it;
    the steps say how far they are; the file saved after Replace All, Ctrl+Z and Ctrl+Y
    holds the one-edit renaming's design, the design as opened, and the renaming again."""
    window = opened
    session = window.session
    expected = Document(design)
    command = plan_renames(expected, NameQuery("DC01", "NYC1")).command()
    assert command is not None and len(command.news) > 60  # (several steps)
    command.redo(expected)

    runs: list[int] = []
    run = slices_module.Slices._run

    def counted(self: slices_module.Slices) -> None:
        runs.append(len(runs))
        run(self)

    monkeypatch.setattr(slices_module.Slices, "_run", counted)
    made_in: list[int] = []
    command_in_steps = RenamePlan.command_in_steps

    def noted(self: RenamePlan, every: int = 500) -> Any:
        made = yield from command_in_steps(self, every)
        made_in.append(len(runs))
        return made

    monkeypatch.setattr(RenamePlan, "command_in_steps", noted)
    applied_in: list[int] = []
    apply = type(session).apply

    def applying(self: Any, command: Any) -> Any:
        applied_in.append(len(runs))
        return apply(self, command)

    monkeypatch.setattr(type(session), "apply", applying)
    said: list[str] = []
    session.status_message.connect(said.append)

    _replace_all(window, qtbot, "DC01", "NYC1")
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1 and not session.busy, timeout=60_000)
    assert made_in and applied_in, (made_in, applied_in)
    assert applied_in[0] > made_in[0], "the first step ran in the turn the copies were made"
    n = len(command.news)
    assert any(s.endswith(f" of {n:,} names…") for s in said), said[-5:]
    assert _saved(window, qtbot) == dumps(expected.design)

    _key(window, qtbot, Qt.Key.Key_Z)
    assert _saved(window, qtbot) == dumps(design)
    _key(window, qtbot, Qt.Key.Key_Y)
    assert _saved(window, qtbot) == dumps(expected.design)


def test_the_recovery_base_waits_while_a_renaming_runs_in_steps(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """A host renamed, then after Replace All of "DC01" a fresh base of the recovery
    copy is written in slices (as at 100k after any edit of more than a thousand
    elements); Ctrl+Z meanwhile undoes the renaming in steps: no slice of the base runs
    in those turns, the base is finished once the undo is done, and the copy on disk
    gives back the design shown."""
    window = opened
    held = _bases_held(window, monkeypatch)
    session = window.session
    keeper: RecoveryKeeper = window.recovery
    slices_while: list[bool] = []
    step_base = RecoveryKeeper._step_base

    def noted(self: RecoveryKeeper, *args: Any, **kwargs: Any) -> None:
        slices_while.append(session.busy)
        step_base(self, *args, **kwargs)

    monkeypatch.setattr(RecoveryKeeper, "_step_base", noted)

    # One host renamed first (so that the undo below leaves a change to recover).
    dialog = _replace_all(window, qtbot, "esx01001", "esx01001-old")
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1 and not session.busy, timeout=60_000)
    dialog.find_edit.clear()
    dialog.replace_edit.clear()
    first = dumps(session.design)
    _replace_all(window, qtbot, "DC01", "NYC1")
    qtbot.waitUntil(lambda: session.undo_stack.count() == 2 and not session.busy, timeout=60_000)
    qtbot.waitUntil(lambda: keeper._base_job is not None, timeout=30_000)
    slices_while.clear()

    _key(window, qtbot, Qt.Key.Key_Z)
    assert session.busy, "(the undo runs in steps)"
    assert keeper._base_job is not None, "(the base was still being written)"
    slices_module.shared().release(held)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert slices_while.count(True) == 0, f"{slices_while.count(True)} base slices in steps"
    qtbot.waitUntil(lambda: keeper._base_job is None, timeout=30_000)
    assert slices_while, "(the base was written after the undo)"

    keeper.wait()
    (journal,) = keeper.folder.glob("*.journal")
    base = journal.with_name(journal.name.removesuffix(".journal") + ".base.json")
    recovered, _records = replay(base.read_bytes(), journal.read_bytes())
    assert dumps(recovered) == dumps(session.design) == first
    assert first != dumps(design)


def test_the_recovery_base_is_written_within_the_idle_slices_budget(
    opened: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """The base's slices are jobs of the window's idle slices (one budget a turn with
    the Overview's picture, the lines' routes…), not turns of their own beside them:
    while the slices are held, no part of the base is written; released, it is
    finished and the copy on disk gives back the design shown."""
    window = opened
    held = _bases_held(window, monkeypatch)
    session = window.session
    keeper: RecoveryKeeper = window.recovery
    _replace_all(window, qtbot, "DC01", "NYC1")
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1 and not session.busy, timeout=60_000)
    qtbot.waitUntil(lambda: keeper._base_job is not None, timeout=30_000)
    job = keeper._base_job
    assert job is not None
    written = len(job[3])
    qtbot.wait(200)
    assert keeper._base_job is job and len(job[3]) == written, "base slices ran while held"
    slices_module.shared().release(held)
    qtbot.waitUntil(lambda: keeper._base_job is None, timeout=30_000)

    keeper.wait()
    (journal,) = keeper.folder.glob("*.journal")
    base = journal.with_name(journal.name.removesuffix(".journal") + ".base.json")
    recovered, _records = replay(base.read_bytes(), journal.read_bytes())
    assert dumps(recovered) == dumps(session.design)


def test_a_renaming_says_once_whether_it_swaps_names(monkeypatch: Any) -> None:
    """Whether a new name is another renamed element's old one (a swap: one edit, not
    steps) is worked out once for the edit's redo and undo, or given by its plan."""
    from designer.document.steps import Pace

    design = generate_design(1000, seed=1)
    doc = Document(design)
    looked: list[int] = []
    swaps = RenameElements._swaps

    def counted(doc: Document, giving: Any) -> bool:
        looked.append(len(giving))
        return swaps(doc, giving)

    monkeypatch.setattr(RenameElements, "_swaps", staticmethod(counted))
    plan = plan_renames(doc, NameQuery("DC01", "NYC1"))
    command = plan.command()
    assert command is not None
    pace = Pace(size=16)
    for steps in (command.redo_steps, command.undo_steps, command.redo_steps):
        assert len(list(steps(doc, pace))) > 1  # (in steps: no swap)
    assert looked == []  # the plan said so
    renamed = dumps(doc.design)
    assert list(command.undo_steps(doc, pace))
    assert dumps(doc.design) == dumps(design)

    unsaid = RenameElements(list(command.news), "Rename")
    for steps in (unsaid.redo_steps, unsaid.undo_steps, unsaid.redo_steps):
        assert len(list(steps(doc, pace))) > 1
    assert looked == [len(command.news)]
    assert dumps(doc.design) == renamed


def test_a_plan_that_swaps_names_is_one_edit() -> None:
    """ "A" → "AA" in "xA" and "xAA": the first's new name is the second's old one; the
    plan's edit says it swaps, and its stepped redo and undo are one edit each."""
    from designer.document.steps import Pace
    from designer.domain import Site

    doc = Document(Design(elements=[Site(id="a", name="xA"), Site(id="b", name="xAA")]))
    command = plan_renames(doc, NameQuery("A", "AA")).command()
    assert command is not None and RenameElements._swaps(doc, command.news)
    assert list(command.redo_steps(doc, Pace(size=1))) == []
    assert [e.name for e in doc.design.elements] == ["xAA", "xAAAA"]
    assert list(command.undo_steps(doc, Pace(size=1))) == []
    assert [e.name for e in doc.design.elements] == ["xA", "xAA"]
