"""The other group edits at 100k never hold the window for a turn (issue 10, wave 28,
``edits28``): Edit > Replace in Names plans its preview in the idle slices, and a
pasted (or clicked) host's dozens of disk lines are routed there too.

Through ``dr-designer gui FILE`` on a generated design of 1,000 elements, with the
size above which the dialog plans in slices lowered (``DR_DESIGNER_PLAN_ABOVE``; at
100k it is 5,000): Ctrl+H, the texts typed; while the preview is being planned the
event loop turns (a zero-delay timer fires and sees "Looking through the names…"),
then the preview lists each name that changes, and Replace All changes exactly those;
a clash is still refused with the elements named; Replace All pressed before the
preview is ready replaces once it is. Ctrl+C / Ctrl+V of a host (4 VMs, 84 disks):
no line is routed in the paste's own turn (counted), and once idle every pasted line
is shown on its route."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title, open_settled
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.document import Document
from designer.document import renaming as renaming_module
from designer.document.commands import RenameElements
from designer.document.renaming import NameQuery, plan_renames
from designer.domain.design import Design
from designer.persistence import dumps
from designer.ui.canvas.router import Router
from designer.ui.replace_names import ReplaceNamesDialog

LOOKING = "Looking through the names…"


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.fixture
def opened(design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    # A big design's size for planning (default: above 5,000 elements).
    monkeypatch.setenv("DR_DESIGNER_PLAN_ABOVE", "100")
    return open_settled(design, launch, qtbot, tmp_path)


class _Watch:
    """A zero-delay timer: what the dialog's summary said at each turn of the loop."""

    def __init__(self, window: Any, dialog: ReplaceNamesDialog) -> None:
        self.said: list[str] = []
        self.timer = QTimer(window)
        self.timer.setInterval(0)
        self.timer.timeout.connect(lambda: self.said.append(dialog.summary.text()))
        self.timer.start()


def _open_dialog(window: Any, qtbot: Any) -> ReplaceNamesDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ReplaceNamesDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    return dialog


def _type(dialog: ReplaceNamesDialog, find: str, replace: str) -> None:
    QTest.keyClicks(dialog.find_edit, find)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, replace)


def _rows(dialog: ReplaceNamesDialog) -> list[tuple[str, str, str]]:
    model = dialog.table.model()
    return [
        tuple(str(model.index(r, c).data()) for c in range(3))  # type: ignore[misc]
        for r in range(model.rowCount())
    ]


def _renamed(design: Design, find: str, replace: str) -> tuple[Document, RenameElements]:
    """``design`` renamed headless (the one-edit renaming), and its edit."""
    expected = Document(design)
    command = plan_renames(expected, NameQuery(find, replace)).command()
    assert command is not None
    command.redo(expected)
    return expected, command


def test_replace_in_names_plans_in_slices_and_replaces_what_it_showed(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """Ctrl+H, "DC01" → "NYC1": the preview planned over several turns (the summary
    says it is looking meanwhile), then each of the 96 names listed; Replace All
    renames exactly the names listed, to the new names listed."""
    monkeypatch.setattr(renaming_module, "PLAN_STEP", 50)  # (1,000 names: 20+ steps)
    window = opened
    session = window.session
    expected, command = _renamed(design, "DC01", "NYC1")
    n = len(command.news)

    dialog = _open_dialog(window, qtbot)
    watch = _Watch(window, dialog)
    _type(dialog, "DC01", "NYC1")
    qtbot.waitUntil(lambda: dialog.summary.text() == f"{n:,} names would change", timeout=30_000)
    watch.timer.stop()
    # The loop turned while the plan was made: a turn saw it under way.
    assert LOOKING in watch.said, watch.said[-5:]
    rows = _rows(dialog)
    assert len(rows) == n
    before = {e.id: e for e in session.design.elements}

    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    # (The renamed elements are made in the slices too, then renamed in steps.)
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1 and not session.busy, timeout=60_000)
    assert dumps(session.document.design) == dumps(expected.design)
    changed = [
        (e.label, before[e.id].name, e.name)
        for e in session.design.elements
        if e.name != before[e.id].name
    ]
    assert sorted(changed) == sorted(rows)  # the preview was what changed
    qtbot.waitUntil(lambda: not dialog.planning, timeout=30_000)
    assert dialog.summary.text() == f"Replaced 'DC01' in {n:,} names (Ctrl+Z undoes it)"
    assert _rows(dialog) == []  # (planned again: nothing left to replace)


def test_a_clash_planned_in_slices_is_refused_naming_the_elements(
    opened: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """ "DC01" → "DC02": the site DC02 keeps that name; the plan, made in slices, says
    so naming both, and Replace All stays off."""
    monkeypatch.setattr(renaming_module, "PLAN_STEP", 50)
    window = opened
    dialog = _open_dialog(window, qtbot)
    watch = _Watch(window, dialog)
    _type(dialog, "DC01", "DC02")
    qtbot.waitUntil(lambda: dialog.problems.isVisible(), timeout=30_000)
    watch.timer.stop()
    assert LOOKING in watch.said
    assert "site DC01 → DC02: site DC02 already has that name" in dialog.problems.toPlainText()
    assert "cannot (below): nothing is replaced" in dialog.summary.text()
    assert not dialog.replace_button.isEnabled()


def test_replace_all_pressed_before_the_preview_replaces_once_planned(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """The texts typed and Enter pressed at once (before the preview follows): nothing
    is planned in that key's turn; the plan is made in slices, then applied."""
    monkeypatch.setattr(renaming_module, "PLAN_STEP", 50)
    window = opened
    session = window.session
    expected, _command = _renamed(design, "DC01", "NYC1")
    dialog = _open_dialog(window, qtbot)
    _type(dialog, "DC01", "NYC1")
    QTest.keyClick(dialog.replace_edit, Qt.Key.Key_Return)
    assert dialog.planning and session.undo_stack.count() == 0
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1 and not session.busy, timeout=60_000)
    assert dumps(session.document.design) == dumps(expected.design)


def test_a_pasted_hosts_lines_are_routed_after_the_paste_not_in_its_turn(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """Ctrl+C on a host (4 VMs, 84 disks), Ctrl+V: the pasted host is selected and
    shows its disks' lines. In a design counted big (``plan_above`` lowered; at 100k a
    pasted host's 3 lines took 40-130 ms of searches) none is searched in the paste's
    turn, and once the window is idle every pasted line is shown on its route. In a
    design not counted big a VM's few lines are still routed in its click's turn."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    viewport = window.view.viewport()
    host = next(e for e in design.elements if e.kind == "esxi_host")
    click_title(window, host.id)
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60_000)
    QTest.keyClick(viewport, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    searched: list[str] = []
    route = Router._route

    def counted(self: Router, key: str, later: bool = False) -> Any:
        searched.append(key)
        return route(self, key, later)

    monkeypatch.setattr(Router, "_route", counted)
    before = set(scene.edges)
    QTest.keyClick(viewport, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert not session.busy
    added = {e.id for e in session.design.elements} - {e.id for e in design.elements}
    assert set(session.selection) == added
    pasted = [k for k in set(scene.edges) - before if k.split("|", 1)[0] in added]
    assert len(pasted) > 50  # (the host's disk lines)
    # No routing of the selection's lines in the paste's own turn (the paste's edit
    # reroutes the few lines near the new box, as any edit does).
    assert not set(searched) & set(pasted), len(set(searched) & set(pasted))
    assert all(not scene.edges[k].isVisible() for k in pasted)  # shown once routed
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60_000)
    drawn = scene.router.drawn
    for key in pasted:
        edge = scene.edges[key]
        assert edge.isVisible() and not edge.waiting, key
        assert edge.drawn_from is not None and list(edge.drawn_from[0]) == list(drawn[key]), key

    # A few lines (a VM's disks) are routed and drawn in the click's own turn, in a
    # design not counted big (more than plan_above elements: all in the slices).
    session.plan_above = 5000
    QTest.keyClick(viewport, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60_000)
    vm = next(
        e
        for e in reversed(design.elements)
        if e.kind == "vm" and e.host != host.id and scene.box_children.get(e.id)
    )
    click_title(window, vm.id)
    lines = [k for k in scene.edges if k.split("|", 1)[0] in scene.box_children.get(vm.id, ())]
    assert 0 < len(lines) < 10
    assert not scene.routing_pending
    assert all(scene.edges[k].isVisible() and scene.edges[k].drawn_from for k in lines)
