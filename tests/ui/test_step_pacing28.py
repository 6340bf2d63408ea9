"""A big edit's steps are sized by phase: each phase of a site's deletion (the survivors
edited, then the elements removed) and of its undo (the elements restored, then the
survivors given their references back) starts again from the first step's size and
grows from there, at most twice the elements of the step before (issue 10, wave 28,
``site28``).

At 100k the removal's survivors and its order (steps of no element) had grown the step
to 300 elements, and the first removal of 300 boxes took 70 ms; the undo restored each
removal's part whole, whatever the undo's own pace (a part of 300 disks, 15 ms to
remove, took 90 ms to restore).

Through ``dr-designer gui FILE`` on a generated design (1,000 elements; the size above
which an edit is stepped lowered), a click on a site's title, Delete, Ctrl+Z, Ctrl+Y.
Counts, not times: every step is let grow (the turn's time budget made long, so that
each step fits and the size doubles), and the elements each Document edit touched are
counted. The designs end as the one-turn edits make them."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from generated import click_title, generated_file
from generated import settled as _settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.document import Document, RemoveElements
from designer.document.events import DocumentEvent, ElementChanged, ElementsAdded, ElementsRemoved
from designer.persistence import dumps
from designer.ui import session as session_module
from designer.ui.session import STEP_FIRST_SIZE, STEP_MOST


class _Edits:
    """What each Document edit touched: (sort, elements), in order."""

    def __init__(self) -> None:
        self.edits: list[tuple[str, int]] = []

    def __call__(self, events: tuple[DocumentEvent, ...]) -> None:
        for event in events:
            if isinstance(event, ElementsRemoved):
                self.edits.append(("removed", len(event.ids)))
            elif isinstance(event, ElementsAdded):
                self.edits.append(("added", len(event.ids)))
        changed = {e.id for e in events if isinstance(e, ElementChanged)}
        if changed:
            self.edits.append(("changed", len(changed)))

    def phases(self) -> list[tuple[str, list[int]]]:
        """The edits in runs of one sort: (sort, sizes)."""
        runs: list[tuple[str, list[int]]] = []
        for sort, size in self.edits:
            if runs and runs[-1][0] == sort:
                runs[-1][1].append(size)
            else:
                runs.append((sort, [size]))
        return runs


def _paced_by_phase(runs: list[tuple[str, list[int]]], sorts: list[str]) -> None:
    assert [sort for sort, _ in runs] == sorts, runs
    for sort, sizes in runs:
        # Each phase from the first size, each step at most twice the one before.
        assert sizes[0] <= STEP_FIRST_SIZE, (sort, sizes)
        for before, size in pairwise(sizes):
            assert size <= min(STEP_MOST, 2 * before), (sort, sizes)
        assert len(sizes) > 1, (sort, sizes)


@pytest.fixture
def opened(launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    monkeypatch.setenv("DR_DESIGNER_PLAN_ABOVE", "0")
    window = launch(generated_file(tmp_path, 1000))
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    return window


def test_a_sites_deletion_and_its_undo_size_their_steps_afresh_in_each_phase(
    opened: Any, qtbot: Any, monkeypatch: Any
) -> None:
    window = opened
    session = window.session
    document = session.document
    design = document.design
    site = next(e for e in design.elements if e.kind == "site")
    expected = Document(design)
    RemoveElements([site.id]).redo(expected)
    # Every step fits in the turn: each grows as much as the pace lets it.
    monkeypatch.setattr(session_module, "STEP_TURN_S", 60.0)
    edits = _Edits()
    document.subscribe_events(edits)

    click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert dumps(document.design) == dumps(expected.design)
    # The survivors edited, then the elements removed: the removal from the first
    # size again (the base carried the survivors' grown size into it).
    _paced_by_phase(edits.phases(), ["changed", "removed"])
    removed = edits.phases()[1][1]
    assert sum(removed) == len(design.elements) - len(expected.design.elements)

    edits.edits.clear()
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert dumps(document.design) == dumps(design)
    # Restored in parts of the undo's own pace (the base: the removal's parts, whole),
    # then the survivors' references back, from the first size again.
    _paced_by_phase(edits.phases(), ["added", "changed"])
    assert sum(edits.phases()[0][1]) == sum(removed)

    edits.edits.clear()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert dumps(document.design) == dumps(expected.design)
    _paced_by_phase(edits.phases(), ["changed", "removed"])
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)


def test_a_step_of_no_element_keeps_the_size_and_a_new_phase_starts_afresh() -> None:
    from designer.document.steps import Pace, Progress
    from designer.ui.session import STEP_TURN_S, _sized

    pace = Pace(size=64)
    # An order worked out (no element): the size stays, its cost is what it took.
    assert _sized(pace, Progress(0, 900, "a"), Progress(0, 900, "a"), 0.001) == 0.001
    assert pace.size == 64
    # 64 elements in a quarter of the turn: twice as many next, twice the cost.
    spent = STEP_TURN_S / 4
    assert _sized(pace, Progress(0, 900, "a"), Progress(64, 900, "a"), spent) == 2 * spent
    assert pace.size == 128
    # 128 in twice the turn: half as many.
    assert _sized(pace, Progress(64, 900, "a"), Progress(192, 900, "a"), 2 * STEP_TURN_S) == (
        pytest.approx(STEP_TURN_S)
    )
    assert pace.size == 64
    # Another phase: from the first size, in a turn of its own.
    assert _sized(pace, Progress(192, 900, "a"), Progress(192, 900, "b"), 0.0) == STEP_TURN_S
    assert pace.size == STEP_FIRST_SIZE
