"""Work a big design's window does in idle time after opening runs in slices of the
event loop's turns (:mod:`designer.ui.slices`), never in one long turn: the routing of
its lines (one A* search of a site at 100k took up to 1.4 s) in steps of its searches,
and the lookups of edits with the collector paused. These tests prove the slicing by
counting steps, not by timing them, and that the sliced work ends where the work done
at once does."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate_design
from designer.document import MoveElements
from designer.domain.design import Design
from designer.domain.index import LiveIndex
from designer.persistence import load
from designer.ui import session as session_module
from designer.ui import slices
from designer.ui.canvas import routing
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))


def _designs() -> list[tuple[str, Design]]:
    return [(p.stem, load(p)) for p in SAMPLES] + [("generated-1k", generate_design(1000))]


def _labels(scene: DesignScene) -> dict[str, tuple[float, float, float, float] | None]:
    out = {}
    for key, edge in scene.edges.items():
        r = edge.label_scene_rect()
        out[key] = None if r is None else (r.x(), r.y(), r.width(), r.height())
    return out


def _sliced_scene(session: EditorSession) -> DesignScene:
    """A scene whose lines all wait for the background routing (not started)."""
    scene = DesignScene(session)
    slices.shared().cancel(scene._routing_key)
    return scene


def _drive(scene: DesignScene, limit: int = 1_000_000) -> int:
    """Run the routing slices one step each (a deadline already past); how many."""
    turns = 0
    while scene.routing_pending:
        scene._route_slice(time.perf_counter())
        turns += 1
        assert turns < limit
    return turns


@pytest.mark.parametrize(
    ("name", "design"), _designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_lines_routed_in_steps_of_their_searches_end_as_routed_at_once(
    qapp, monkeypatch, name: str, design: Design
) -> None:
    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 0)  # every line in the slices
    monkeypatch.setattr(routing, "SEARCH_STEP", 4)  # searches of small designs span steps
    scene = _sliced_scene(EditorSession(design))
    lines = len(scene.edges)
    steps: list[str | None] = []
    real = scene.router.route_many_steps

    def counted(keys):  # type: ignore[no-untyped-def]
        for step in real(keys):
            steps.append(step)
            yield step

    monkeypatch.setattr(scene.router, "route_many_steps", counted)
    turns = _drive(scene)
    searched = steps.count(None)
    # Each line's key is yielded once it is routed; the searches yielded in between, and
    # each slice (one step here) returned to the event loop.
    assert sorted(s for s in steps if s is not None) == sorted(scene.edges)
    if name == "generated-1k":  # its lines go round boxes: A* searches, in steps
        assert searched > lines
    assert turns >= lines + searched
    at_once = DesignScene(EditorSession(design))
    at_once.finish_routing()
    assert scene.router.raw == at_once.router.raw
    assert scene.router.drawn == at_once.router.drawn
    assert _labels(scene) == _labels(at_once)


def test_an_edit_between_two_steps_of_a_batch_routes_its_lines_again(qapp, monkeypatch) -> None:
    """A move between two steps of a batch reroutes what it concerns at once (which
    ends the batch: the router is used meanwhile); the batch's lines not yet routed
    wait again; the drawing ends as a full routing of the moved design draws it."""
    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 0)
    monkeypatch.setattr(routing, "SEARCH_STEP", 2)
    session = EditorSession(generate_design(1000))
    scene = _sliced_scene(session)
    interrupted = 0
    for _ in range(200):  # part of the way, then a move at a batch's middle
        scene._route_slice(time.perf_counter())
        batch = scene._route_batch
        if batch is not None and 0 < len(batch[1]) < len(batch[0]):
            break
    batch = scene._route_batch
    assert batch is not None and len(batch[1]) < len(batch[0])
    waiting = [k for k in batch[0] if k not in batch[1]]
    hosts = [i for i, n in scene.nodes.items() if n.kind == "esxi_host"]
    layout = session.design.layout
    moved = {h: layout[h].model_copy(update={"x": layout[h].x + 30}) for h in hosts[:1]}
    assert session.push(MoveElements(moved))
    scene._route_slice(time.perf_counter())  # finds its batch ended
    assert scene._route_batch is None or scene._route_batch[0] != batch[0]
    assert all(k in scene._unrouted or k in (scene._route_batch or ((), ()))[0] for k in waiting)
    interrupted += 1
    _drive(scene)
    fresh = DesignScene(EditorSession(session.design))
    fresh.finish_routing()
    assert scene.router.raw == fresh.router.raw
    assert scene.router.drawn == fresh.router.drawn
    assert interrupted
    session.undo_stack.setClean()
    session.wait_for_findings()


def test_labels_placed_from_kept_rectangles_as_from_the_items(qapp, monkeypatch) -> None:
    """Placing labels while routes are drawn keeps the labels' and top-level boxes'
    rectangles (asked of every spot tried): the labels end where asking the items
    puts them, on every sample and a generated design."""
    kept = []
    for _name, design in _designs():
        scene = DesignScene(EditorSession(design))
        scene.finish_routing()
        kept.append(_labels(scene))
    monkeypatch.setattr(DesignScene, "_labels_and_top_boxes", lambda self: None)
    asked = []
    for _name, design in _designs():
        scene = DesignScene(EditorSession(design))
        scene.finish_routing()
        asked.append(_labels(scene))
    assert sum(r is not None for labels in kept for r in labels.values()) > 10
    assert kept == asked


def test_lookups_of_edits_are_built_in_shared_slices_with_the_collector_paused(
    qapp, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr(LiveIndex, "PREPARE_SLICE", 7)  # many slices on a small design
    monkeypatch.setattr(session_module, "PREPARE_SLICE_S", 0.0)  # one per turn
    session = EditorSession(load(SAMPLES[0]))
    assert session.findings_revision == session.document.revision  # checked at once
    frozen = gc.get_freeze_count()
    turns: list[bool] = []
    real = session._prepare_slice

    def counted(deadline: float) -> bool:
        turns.append(gc.isenabled())
        return real(deadline)

    monkeypatch.setattr(session, "_prepare_slice", counted)
    assert gc.isenabled()
    session.prepare_edits()
    assert session.preparing_edits and slices.shared().running((id(session), "prepare edits"))
    assert not gc.isenabled()  # paused while the lookups are built
    qtbot.waitUntil(lambda: not session.preparing_edits, timeout=10000)
    assert len(turns) > 3 and not any(turns)
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen  # what they built is out of later collections' way
    live = session.document._live
    assert live._names is not None and live._refs is not None


def test_kept_rectangles_answer_what_the_items_answer(qapp) -> None:
    """Whether a spot covers a box or another line's label, from the rectangles kept
    while routes are drawn and from the items, for spots on every label (each other
    line's label covers it) and beside it, for every labelled line."""
    design = generate_design(1000)
    scene = DesignScene(EditorSession(design))
    scene.finish_routing()
    labelled = [e for e in scene.edges.values() if e.label_scene_rect() is not None]
    assert len(labelled) >= 3
    spots = []
    for edge in labelled:
        r = edge.label_scene_rect()
        assert r is not None
        spots += [r, r.translated(r.width() * 0.6, 0), r.translated(0, 40), r.translated(300, 0)]
    answers = {True: [], False: []}
    for keep in (True, False):
        for edge in labelled:
            for wan in (False, True):
                scene._placing = scene._labels_and_top_boxes() if keep else None
                answers[keep] += [scene._covers_box(spot, wan, edge) for spot in spots]
        scene._placing = None
    assert answers[True] == answers[False]
    assert any(answers[True]) and not all(answers[True])


def test_the_lookups_of_edits_go_before_the_routing(qapp, qtbot, monkeypatch) -> None:
    """While the lookups of edits are built, a routing slice leaves its turn to them;
    the routing goes on once they are built."""
    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 0)
    monkeypatch.setattr(LiveIndex, "PREPARE_SLICE", 7)
    monkeypatch.setattr(session_module, "PREPARE_SLICE_S", 0.0)
    session = EditorSession(generate_design(1000))
    scene = DesignScene(session)
    waiting = list(scene._unrouted)
    session.prepare_edits()
    assert session.preparing_edits_now and waiting
    scene._route_slice(time.perf_counter() + 1.0)
    assert scene._unrouted == waiting and scene._route_batch is None
    qtbot.waitUntil(lambda: not session.preparing_edits, timeout=20000)
    assert not session.preparing_edits_now
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60000)
    assert all(key in scene.router.raw for key in scene.edges)
