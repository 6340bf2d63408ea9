"""The canvas's idle slices after a big design opens keep their budget (issue 10, wave 25).

After opening 100k the scene's jobs of the shared idle slices (``parts``: the disks'
tables; ``boxes``: the places read, the boxes and lines built; ``routes``: the lines
routed, spread and drawn) overran their 8 ms slice by 5–12 ms: a step went on past its
deadline for a unit of work that grew with the design (one pass over every box's place
once the last was read, the boxes' table put in design order in one go, the labels'
rectangles made afresh for the few lines a routing slice drew after its deadline), or
for a fixed unit too big (5,000 disks). Here work is counted, not timed: the Python
lines a step runs (``sys.settrace``), every step given a deadline that has already
passed (a budget of 0: one unit each), in the same generated design with and without
1,200 more boxes; or a test clock moved by the test. The scene they settle to is the one
built at once (as in tests/ui/test_open_first_view.py). A unit that takes a whole turn
or more (a model's build) runs alone in a turn of its own (``Slices.own_turn``).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Hashable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.domain import LayoutEntry
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.scene import DesignScene
from designer.ui.panels import capacity as capacity_module
from tests.ui.test_open_first_view import (  # noqa: F401  (big: a fixture)
    ROUTE_IN_SLICES,
    _generated,
    _same_as_built_at_once,
    _settle,
    big,
)

pytestmark = [pytest.mark.usefixtures("big")]  # designs over 20 elements open as big ones

#: The canvas's jobs measured (the second part of their keys).
JOBS = ("parts", "boxes", "routes")


def _open_counting(
    qtbot: Any, launch: Any, monkeypatch: pytest.MonkeyPatch, path: Path
) -> tuple[dict[str, list[int]], Any]:
    """Open ``path`` as ``dr-designer gui FILE`` does, with every idle slice given a
    deadline already passed, its lines routed in slices, until the scene is settled;
    per job of the canvas, the Python lines each of its steps ran."""
    monkeypatch.setattr(capacity_module, "DEBOUNCE_MS", 10**7)  # no loads in between
    monkeypatch.setattr(slices, "TURN_BUDGET_S", 0.0)
    monkeypatch.setattr(DesignScene, "_start_routing", ROUTE_IN_SLICES)
    # Units small enough that the two sizes below have many of them.
    monkeypatch.setattr(scene_module, "PARTS_CHUNK", 8)
    monkeypatch.setattr(scene_module, "READ_CHUNK", 8)
    monkeypatch.setattr(scene_module, "BUILD_CHUNK", 2)
    monkeypatch.setattr(scene_module, "ROUTE_BATCH", 2)
    monkeypatch.setattr(scene_module, "PLACING_STEP", 8)
    counted: dict[str, list[int]] = defaultdict(list)
    start = slices.Slices.start

    def counting_start(
        self: slices.Slices, key: Hashable, owner: Any, step: Any, **kwargs: Any
    ) -> None:
        job = key[1] if isinstance(key, tuple) and key[1] in JOBS else None
        if job is None:
            start(self, key, owner, step, **kwargs)
            return

        def counted_step(deadline: float) -> bool:
            lines = [0]

            def trace(frame: FrameType, event: str, _arg: object) -> Any:
                if event == "line":
                    lines[0] += 1
                return trace

            was = sys.gettrace()
            sys.settrace(trace)
            try:
                return bool(step(deadline))
            finally:
                sys.settrace(was)
                counted[job].append(lines[0])

        start(self, key, owner, counted_step, **kwargs)

    monkeypatch.setattr(slices.Slices, "start", counting_start)
    window = launch(path)  # dr-designer gui FILE
    scene = window.view.design_scene
    qtbot.waitUntil(lambda: not window.session.holding, timeout=20000)
    qtbot.waitUntil(
        lambda: not scene.building and not scene.routing_pending and not scene._parts_tables,
        timeout=120000,
    )
    return counted, window


def _with_more_luns(tmp_path: Path, more: int) -> Path:
    """The generated design of 300 elements and ``more`` LUNs in its first array, laid
    out in rows below it (boxes without lines or parts: the same per-box work, more
    places to read and boxes to build)."""
    design = generate_design(300, seed=3)
    lun = next(e for e in design.elements if e.kind == "lun")
    below = max(entry.y + (entry.h or 0) for entry in design.layout.values()) + 100
    extra = [
        lun.model_copy(update={"id": f"{lun.id}-more{i}", "name": f"{lun.name}-more{i}"})
        for i in range(more)
    ]
    layout = dict(design.layout)
    for i, element in enumerate(extra):
        layout[element.id] = LayoutEntry(x=30.0 + (i % 40) * 40, y=below + (i // 40) * 20)
    design = design.model_copy(update={"elements": [*design.elements, *extra], "layout": layout})
    path = tmp_path / f"generated-300-more-{more}.json"
    path.write_text(dumps(design), encoding="utf-8")
    return path


def test_no_step_of_the_canvas_idle_slices_grows_with_the_number_of_boxes(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path
):
    """The same design with 1,200 more boxes (LUNs): the longest step of each job runs
    as many lines, give or take. Before wave 25 the step that read the last place
    looked at every box's place (to build the first view again), and the step that
    built the last box put the whole boxes' table in design order: both grew with the
    design (at 100k, 30,717 boxes: units of 5–10 ms)."""
    few, window = _open_counting(qtbot, launch, monkeypatch, _with_more_luns(tmp_path, 0))
    assert window.view.design_scene.nodes  # (settled: the whole scene built)
    window.close()
    QApplication.processEvents()
    many, window = _open_counting(qtbot, launch, monkeypatch, _with_more_luns(tmp_path, 1200))
    assert len(window.view.design_scene.nodes) >= 1200
    worst = {job: (max(few[job], default=0), max(many[job], default=0)) for job in JOBS}
    for job, (at_few, at_many) in worst.items():
        assert at_few and at_many, f"no step of {job!r} ran: {worst}"
        assert at_many <= 1.2 * at_few, (job, worst)


def test_the_scene_settled_through_one_unit_steps_is_the_scene_built_at_once(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path
):
    """Every job of the canvas one unit a turn (parts, places, boxes, lines, routes
    and their drawing), through ``dr-designer gui FILE``: the same items, places,
    routes, labels and pixels as the scene built and routed at once."""
    _counted, window = _open_counting(qtbot, launch, monkeypatch, _generated(tmp_path, 600))
    monkeypatch.setattr(slices, "TURN_BUDGET_S", 0.008)  # (the rest: the findings' marks)
    scene = _settle(qtbot, window)
    _same_as_built_at_once(window, scene)


class _Clock:
    """The canvas's clock (``time.perf_counter`` in designer.ui.canvas.scene), moved
    by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now


def test_a_routing_slice_draws_no_line_once_its_deadline_has_passed(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path
):
    """A routing slice routes until its deadline; the lines it routed are drawn at the
    start of the next slice, within that one's time. Before wave 25 it drew them
    after its deadline, the labels' rectangles made afresh for them (at 100k ~5–10
    ms past the slice's 8 ms)."""
    monkeypatch.setattr(capacity_module, "DEBOUNCE_MS", 10**7)
    window = launch(_generated(tmp_path, 600))  # dr-designer gui FILE
    scene, session = window.view.design_scene, window.session
    qtbot.waitUntil(lambda: not session.holding and not scene.building, timeout=20000)
    qtbot.waitUntil(lambda: not session.preparing_edits, timeout=20000)
    assert scene.routing_pending  # (the ``big`` fixture keeps the routing slices off)
    clock = _Clock()
    monkeypatch.setattr(scene_module, "time", clock)
    deadline = [clock.now + 1.0]
    drawn_late: list[str] = []
    set_route = EdgeItem.set_route

    def noted(edge: EdgeItem, points: Any) -> None:
        if clock.now >= deadline[0]:
            drawn_late.append(edge.key)
        set_route(edge, points)

    monkeypatch.setattr(EdgeItem, "set_route", noted)
    route_many_steps = scene.router.route_many_steps

    def passing(keys: list[str]) -> Iterator[str | None]:
        """The router's steps, the clock passing the deadline at a batch's third."""
        for n, key in enumerate(route_many_steps(keys)):
            if n == 2:
                clock.now = deadline[0] + 0.001
            yield key

    monkeypatch.setattr(scene.router, "route_many_steps", passing)
    routed = 0
    for _ in range(20):  # slices, each started before its deadline
        if not scene._unrouted:
            break
        deadline[0] = clock.now + 1.0
        before = len(scene.router.raw)
        assert scene._route_slice(deadline[0]) is False
        routed += len(scene.router.raw) - before
    assert routed >= 3
    assert not drawn_late, f"drawn past the deadline: {drawn_late}"


def test_a_parts_step_notes_parts_until_its_deadline_a_chunk_at_a_time(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch, tmp_path
):
    """The disks' tables after the first frame: a step notes a chunk, looks at the
    clock, and goes on until its deadline (before wave 25: one chunk of 5,000 disks a
    step whatever its time, ~14 ms past the slice at 100k)."""
    monkeypatch.setattr(scene_module, "PARTS_CHUNK", 8)
    monkeypatch.setattr(DesignScene, "_start_noting_parts", lambda _self: None)  # (by hand)
    window = launch(_generated(tmp_path, 600))  # dr-designer gui FILE
    scene = window.view.design_scene
    qtbot.waitUntil(lambda: not window.session.holding, timeout=20000)
    tables = scene._parts_tables
    assert tables is not None and len(scene._parts_waiting) > 3 * 8
    clock = _Clock()
    monkeypatch.setattr(scene_module, "time", clock)
    note_parts = scene_module._note_parts

    def passing(*args: Any) -> None:
        note_parts(*args)
        clock.now += 1.0  # each chunk takes a second of the test's clock

    monkeypatch.setattr(scene_module, "_note_parts", passing)
    assert scene._note_parts_slice(clock.now + 0.5) is False  # past it after one chunk
    assert len(tables[0]) == 8
    assert scene._note_parts_slice(clock.now + 2.5) is False  # three more chunks
    assert len(tables[0]) == 4 * 8
    assert scene._note_parts_slice(clock.now + 10**6) is True  # the rest, in one step
    assert scene._parts_tables is None and len(scene._disk_placement) == len(
        [e for e in window.session.design.elements if e.kind == "virtual_disk"]
    )
