"""A site deleted soon after a big design opened: what the removal takes with it is
worked out on a worker once the lookups of edits are built, those built in turns of
their own, the window painting between them (issue 10, wave 30, ``site30``).

At 100k the lookups of edits (positions, names, references, the reverse relations,
the layout's trie: ~0.7 s of the UI thread) are built in the idle slices after the
first frame and the first check. A Delete before they were done worked the plan out in
the key's turn instead, building them there: the window froze 3.5–5.2 s with the status
bar saying "Working out what removing … takes with it…", and the first steps built the
rest (turns of 80–180 ms).

Through ``dr-designer gui FILE`` on a generated design of 4,000 elements (checked on the
worker, its lookups built after the first frame, as at 100k), the size above which an
edit is stepped and planned on the worker lowered; a click on a site's title and Delete
while the lookups are still being built.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from generated import click_title, generated_file
from generated import settled as _settled
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from designer.document import Document, RemoveElements
from designer.persistence import dumps, load


def test_a_delete_before_the_lookups_are_built_plans_on_the_worker_after_them(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Delete on a site while the window still builds the lookups of edits: the key's
    turn neither plans nor builds them (the design unchanged, the status bar saying what
    is worked out); they are built over several turns of the event loop, then the plan
    runs on a worker thread with all of them built; the removal ends as the one-turn
    edit does, Ctrl+Z gives the design back and Ctrl+Y removes it again."""
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    monkeypatch.setenv("DR_DESIGNER_PLAN_ABOVE", "0")
    path = generated_file(tmp_path, 4000)
    design = load(path)
    site = next(e for e in design.elements if e.kind == "site")
    expected = Document(design)
    RemoveElements([site.id]).redo(expected)
    planned: list[tuple[bool, bool]] = []  # (on the UI thread, lookups still being built)
    plan = RemoveElements.plan

    def noted_plan(command: RemoveElements, doc: Document) -> None:
        planned.append(
            (threading.current_thread() is threading.main_thread(), session.preparing_edits)
        )
        plan(command, doc)

    monkeypatch.setattr(RemoveElements, "plan", noted_plan)
    window = launch(path)
    window.resize(1600, 1000)
    session = window.session
    # The first frame shown, the check on the worker: the lookups wait for it.
    qtbot.waitUntil(lambda: session.preparing_edits, timeout=60_000)
    click_title(window, site.id)
    turns = [0]
    ticker = QTimer(window)
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    ticker.start()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)

    assert session.busy and planned == [], "no plan in the key's turn"
    assert session.preparing_edits, "the lookups are not built in the key's turn"
    assert session.document.get(site.id) is not None
    assert said[-1] == f"Working out what removing site {site.name} takes with it…"
    qtbot.waitUntil(lambda: bool(planned), timeout=60_000)
    assert planned == [(False, False)], "on the worker, the lookups all built"
    assert turns[0] >= 3, "the window's event loop turned while they were built"
    assert window.act_undo.isEnabled() is False  # busy: no undo meanwhile
    qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
    ticker.stop()
    assert dumps(session.design) == dumps(expected.design)
    assert site.id not in window.view.design_scene.nodes
    assert session.undo_stack.count() == 1

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
    assert dumps(session.design) == dumps(design)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert site.id in window.view.design_scene.nodes
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
    assert dumps(session.design) == dumps(expected.design)


def test_a_step_that_takes_lines_away_leaves_their_channels_to_the_slices(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Delete on a site (a big edit in steps): no step spreads the channels of the lines
    it took away in its own turn (at 100k with the site selected, 40-90 ms a step), nor
    looks for the lines that went round the boxes it took away (20-50 ms); the idle
    slices spread them, and the lines crossing the site are looked for once it is done:
    once settled, nothing is left to spread and each line is drawn as the router spread
    it."""
    from designer.ui.canvas.router import Router

    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    window = launch(generated_file(tmp_path, 1000))
    window.resize(1600, 1000)
    session = window.session
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    site = next(e for e in session.design.elements if e.kind == "site")
    spread_in_steps: list[int] = []
    in_step = [False]
    step, settle, crossing = type(session)._step, Router.settle, Router.crossing

    def noted_step(self: Any, job: Any) -> bool:
        in_step[0] = True
        try:
            more: bool = step(self, job)
        finally:
            in_step[0] = False
        return more

    def noted_settle(router: Router, keys: Any) -> Any:
        if in_step[0]:
            spread_in_steps.append(1)
        return settle(router, keys)

    def noted_crossing(router: Router, rects: Any) -> Any:
        if in_step[0]:
            spread_in_steps.append(2)
        return crossing(router, rects)

    monkeypatch.setattr(type(session), "_step", noted_step)
    monkeypatch.setattr(Router, "settle", noted_settle)
    monkeypatch.setattr(Router, "crossing", noted_crossing)
    click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert session.busy
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert spread_in_steps == []
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    # Spread since, by the slices: nothing left to spread, each line drawn as spread.
    scene = window.view.design_scene
    router = scene.router
    assert not router._unsettled
    assert router.drawn and set(router.drawn) == set(scene.edges)
    for key, edge in scene.edges.items():
        assert edge.drawn_from == (tuple(router.drawn[key]), router.waypoints(key)), key


def test_the_survivors_phases_start_with_a_small_step(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Delete on a site, then Ctrl+Z: the survivors' edits (databases losing copies,
    DAGs losing members; in the undo the DAGs first, each checked with its databases)
    start with a step of at most :data:`SURVIVORS_FIRST_STEP` elements, not the usual
    first size; the design ends as the one-turn edits leave it."""
    from designer.document.commands import SURVIVORS_FIRST_STEP
    from designer.document.events import ElementChanged

    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    path = generated_file(tmp_path, 1000)
    design = load(path)
    window = launch(path)
    window.resize(1600, 1000)
    session = window.session
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    site = next(e for e in design.elements if e.kind == "site")
    expected = Document(design)
    RemoveElements([site.id]).redo(expected)
    changed: list[int] = []  # the elements each edit of survivors changed
    session.document.subscribe_events(
        lambda events: changed.append(len({e.id for e in events if isinstance(e, ElementChanged)}))
    )
    click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    removal = [n for n in changed if n]
    assert len(removal) > 1 and 0 < removal[0] <= SURVIVORS_FIRST_STEP, removal
    assert dumps(session.design) == dumps(expected.design)
    changed.clear()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    undo = [n for n in changed if n]
    assert len(undo) > 1 and 0 < undo[0] <= SURVIVORS_FIRST_STEP, undo
    assert dumps(session.design) == dumps(design)
