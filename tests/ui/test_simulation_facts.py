"""Simulation mode's per-state facts (one walk over a state's databases, the first
state's on the worker) give what the overlay and the scenario bar worked out before.

The reference functions below are the overlay's and the scenario bar's own code before
the facts (wave 7, `f5`), kept here as the oracle."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import designer.ui.simulation.controller as controller_module
from benchmarks.generate import generate_design
from designer.domain.design import ScenarioStep
from designer.persistence import dumps, load
from designer.simulation import SimulationError, Simulator, StepState
from designer.ui.simulation.facts import state_facts
from designer.ui.simulation.overlay import PILL_HEIGHT, PILL_WIDTH, PILLS_PER_VM

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))


# -- the oracle: the code the facts replaced -------------------------------------------------
def old_site_totals(state: StepState, user_site: dict[str, str | None]):  # type: ignore[no-untyped-def]
    total: dict[str | None, int] = defaultdict(int)
    available: dict[str | None, int] = defaultdict(int)
    members: dict[str | None, set[str]] = defaultdict(set)
    for db in state.databases:
        site_id = user_site.get(db.id)
        if site_id is None:
            continue
        total[site_id] += db.mailboxes
        if db.state == "active" and db.reachable:
            available[site_id] += db.mailboxes
            if db.active_on:
                members[site_id].add(db.active_on)
    return dict(total), dict(available), dict(members)


def old_pill_targets(state: StepState, rect_of):  # type: ignore[no-untyped-def]
    targets: dict[str, tuple[float, float]] = {}
    slots: dict[str, int] = defaultdict(int)
    anchors: dict[str, tuple[float, float] | None] = {}
    for db in state.databases:
        member = db.active_on
        if db.state != "active" or member is None:
            continue
        if member not in anchors:
            rect = rect_of(member)
            anchors[member] = (
                None if rect is None else (rect.right(), rect.top() + rect.height() / 2)
            )
        anchor = anchors[member]
        if anchor is None:
            continue
        slot = min(slots[member], PILLS_PER_VM - 1)
        slots[member] += 1
        right, middle = anchor
        targets[db.id] = (right - (slot + 1) * (PILL_WIDTH + 3), middle - PILL_HEIGHT / 2)
    overflow = {vm: n - PILLS_PER_VM + 1 for vm, n in slots.items() if n > PILLS_PER_VM}
    return targets, overflow


def old_pill_list(state: StepState, positions, gliding: bool):  # type: ignore[no-untyped-def]
    pills = []
    taken: set[tuple[int, int]] = set()
    for db in state.databases:
        pos = positions.get(db.id)
        if pos is None or db.state != "active":
            continue
        key = (round(pos[0]), round(pos[1]))
        first = key not in taken
        if not first and not gliding:
            continue
        taken.add(key)
        pills.append((pos[0], pos[1], db, first))
    return pills


def _states(simulator: Simulator, limit: int = 6) -> list[StepState]:
    """The initial state and the states of a few failures: a site, a host, an array,
    a database's member VM (the kinds that move markers and cut users off)."""
    states = [simulator.initial]
    design = simulator.design
    picked: list[str] = []
    for kind in ("site", "esxi_host", "storage_array", "vm", "wan_link"):
        picked += [e.id for e in design.elements if e.kind == kind][:1]
    for target in picked[:limit]:
        try:
            result = simulator.run([ScenarioStep(at_s=0.0, action="fail", target=target)])
        except SimulationError:
            continue
        states += [result.initial, *result.steps]
        states += [result.state_at(t) for t in sorted({e.t for e in result.events})[:4]]
    return states


def _assert_facts_as_before(simulator: Simulator) -> int:
    checked = 0
    user_site = simulator.prep.db_user_site
    for state in _states(simulator):
        facts = state_facts(state, user_site)
        assert facts.mailboxes_available == state.mailboxes_available
        assert facts.mailboxes_total == state.mailboxes_total
        total, available, members = old_site_totals(state, user_site)
        assert {k: v for k, v in facts.site_total.items() if v} == {
            k: v for k, v in total.items() if v
        }
        for site in state.sites:  # what the overlay reads, per site
            assert facts.site_total.get(site.id) == total.get(site.id)
            assert facts.site_available.get(site.id, 0) == available.get(site.id, 0)
            assert facts.site_members.get(site.id, set()) == members.get(site.id, set())
        active = [db for db in state.databases if db.state == "active" and db.active_on is not None]
        assert list(facts.active_on) == list(dict.fromkeys(db.active_on for db in active))
        for member, group in facts.active_on.items():
            assert group == [db.id for db in active if db.active_on == member]
        checked += 1
    return checked


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_state_facts_equal_the_views_own_sums_on_every_sample(path: Path) -> None:
    simulator = Simulator(load(path))
    assert _assert_facts_as_before(simulator) >= 1


def test_state_facts_equal_the_views_own_sums_on_a_generated_design() -> None:
    simulator = Simulator(generate_design(1000, seed=1))
    assert _assert_facts_as_before(simulator) > 5


# -- in the window ---------------------------------------------------------------------------
def _enter(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    assert window.simulation.controller.active


@pytest.mark.parametrize(
    "name", ["dag_with_ha", "three_site_stretched_dag", "stretched_dag_lagged", "srm_dag_recovery"]
)
def test_overlay_markers_and_users_are_placed_as_before(qtbot, launch, name: str) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / f"{name}.json")
    mode = window.simulation
    overlay, controller = mode.overlay, mode.controller
    _enter(qtbot, window)
    qtbot.waitUntil(lambda: controller.ready and overlay.state is not None, timeout=5000)
    simulator = controller.simulator
    compared = 0
    for state in _states(simulator):
        overlay.state = state  # what refresh() sets; the rest follows from it
        overlay._restarted = overlay._compute_restarted(state)
        targets = overlay._pill_targets(state)
        old_targets, old_overflow = old_pill_targets(state, lambda m, s=state: overlay._rect(m, s))
        assert targets == old_targets
        assert overlay._pill_overflow == old_overflow
        # The markers drawn: in place, and half-way through a glide from elsewhere.
        overlay._pill_pos = dict(targets)
        assert overlay._pill_list(state) == old_pill_list(state, targets, False)
        halfway = {
            d: (x + 0.3 * (i % 7), y - 0.5 * (i % 3))
            for i, (d, (x, y)) in enumerate(targets.items())
        }
        overlay._pill_pos = halfway
        assert overlay._pill_list(state) == old_pill_list(state, halfway, False)
        overlay._glide_timer.start()
        assert overlay._pill_list(state) == old_pill_list(state, halfway, True)
        overlay._glide_timer.stop()
        total, available, _members = old_site_totals(state, simulator.prep.db_user_site)
        access = overlay._site_totals(state)
        for site in state.sites:
            expected = site.users_with_access
            if total.get(site.id):
                expected = min(expected, site.users * available.get(site.id, 0) // total[site.id])
            assert access[site.id] == expected
        compared += 1
    assert compared > 3
    # Entering the mode placed every active database's marker where it belongs.
    controller.set_active(False)
    controller.set_active(True)
    qtbot.waitUntil(lambda: overlay.state is not None, timeout=5000)
    expected_pos, _ = old_pill_targets(controller.state(), lambda m: overlay._rect(m))
    assert {d: (p.x(), p.y()) for d in expected_pos if (p := overlay.pill_position(d))} == (
        expected_pos
    )
    clock = mode.bar.mailboxes.text()
    initial = simulator.initial
    assert clock == f"{initial.mailboxes_available:,} / {initial.mailboxes_total:,} mailboxes"


def test_a_big_designs_first_facts_come_from_the_worker(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
):
    """The first state's walk over the databases happens on the worker that prepares
    the simulator, not in the UI turn the simulator arrives in."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    monkeypatch.setattr(controller_module, "SYNC_PREPARE_LIMIT", 100)  # 1k counts as big
    window = launch(path)
    controller = window.simulation.controller
    real = controller_module.state_facts
    ui_calls: list[StepState] = []
    ui_thread = QApplication.instance().thread()  # type: ignore[union-attr]

    def counted(state, user_site, *before):  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QThread

        if QThread.currentThread() is ui_thread:
            ui_calls.append(state)
        return real(state, user_site, *before)

    monkeypatch.setattr(controller_module, "state_facts", counted)
    _enter(qtbot, window)
    qtbot.waitUntil(lambda: controller.ready, timeout=10000)
    overlay = window.simulation.overlay
    qtbot.waitUntil(lambda: overlay._drawn.access is not None, timeout=5000)
    initial = controller.simulator.initial
    assert ui_calls == [], "the first state's facts were worked out on the UI thread"
    assert controller.facts(initial).mailboxes_total == initial.mailboxes_total
    bar = window.simulation.bar.mailboxes.text()
    assert bar == f"{initial.mailboxes_available:,} / {initial.mailboxes_total:,} mailboxes"
    assert overlay.pill_position(next(iter(controller.facts(initial).active_on.values()))[0])
    # A later state's facts are worked out once, on the UI thread, for all the views.
    site = next(e.id for e in window.session.design.elements if e.kind == "site")
    controller.set_steps([ScenarioStep(at_s=0.0, action="fail", target=site)])
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: overlay._drawn.access is not None, timeout=5000)
    assert any(s is controller.state() for s in ui_calls)
    assert len(ui_calls) == len({id(s) for s in ui_calls}), "a state walked twice"


def test_a_line_is_refiled_in_the_index_only_when_its_leader_changes(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch
) -> None:
    """A WAN link's label re-lettered (simulation mode shows the links' loads) leaves
    the line's bounds as they are, so the scene's index is not told (a long line is
    re-filed at ~1 ms each at 100k); a leader added or taken away changes the bounds and
    still tells it."""
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    scene = window.view.design_scene
    edge = next(e for e in scene.edges.values() if e.style_key == "wan_link" and e.has_label)
    told: list[QRectF] = []
    original = edge.prepareGeometryChange

    def spy() -> None:
        told.append(edge.boundingRect())
        original()

    monkeypatch.setattr(edge, "prepareGeometryChange", spy)
    rect = edge.label_rect_at(0.5)
    assert rect is not None
    edge.put_label(rect)  # on the line: no leader
    told.clear()
    bounds = edge.sceneBoundingRect()
    edge.set_label(edge.label_text() + " · 250 %")
    assert "250 %" in edge.label_text()
    assert edge.sceneBoundingRect() == bounds and told == []
    far = bounds.bottomRight() + QPointF(400, 400)
    moved = rect.translated(far - rect.center())
    edge.put_label(moved, leader_to=edge.label_anchor())
    assert len(told) == 1 and told[0] == bounds, "the index was told before the leader came"
    on_leader = (QPointF(moved.center().x(), moved.top()) + edge.label_anchor()) / 2
    assert not bounds.contains(on_leader) and edge.sceneBoundingRect().contains(on_leader)
    edge.set_label(edge.label_text())  # the same text: the label stays where it is
    assert len(told) == 1 and edge.sceneBoundingRect().contains(on_leader)
    edge.put_label(rect)
    assert len(told) == 2, "the index was told before the leader went"
    assert edge.sceneBoundingRect() == bounds
