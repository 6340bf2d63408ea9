"""The window's first tidy after opening a design costs what later ones do (issue 10,
wave 27, ``open27``).

Once an edit's findings have arrived the window collects and freezes what was made
since the last time (:func:`designer.collector.tidy`, wave 26): a full collection that
visits every object neither frozen nor freed. The first one of a session visited what
the opening had made outside the collector's pauses: the lines' routes of a big design
(routed in idle slices after the first frame, with the collector on: 30,000-60,000
objects at 100,000 elements, 27-42 ms of CPU in one turn) and simulation mode's modules,
imported in the background (~25,000 objects). Both are long-lived: they are now made
with the collector paused and frozen when the pause ends, as the window's other
long-lived opening jobs are.

Counted here, not timed: the objects each tidy visits, from ``dr-designer gui FILE`` to
an edit made with the mouse and keys and tidied away."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from generated import generated_file as _generated
from generated import settled as _settled

from designer import collector
from designer.ui import slices
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.scene import DesignScene

#: What a tidy may visit: what the event loop and pytest-qt's wait make (10 objects here);
#: the opening's routes and simulation mode's modules were ~9,000 before (wave 27).
FEW = 1_000


def test_the_first_tidy_after_opening_visits_no_more_than_a_few_objects(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # The lines routed in the idle slices a step a slice, once the opening's other
    # long-lived jobs have ended, as a big design's are (at 100k they ran seconds after
    # them; at this size they would end inside their pause of the collector, frozen
    # with what they made).
    real_route_all = DesignScene.route_all

    def route_all(self: DesignScene) -> None:
        # The design's 19 lines routed as a big design's are: in the idle slices.
        with monkeypatch.context() as patch:
            patch.setattr(scene_module, "ROUTE_AT_ONCE", 10)
            real_route_all(self)

    monkeypatch.setattr(DesignScene, "route_all", route_all)
    monkeypatch.setattr(scene_module, "ROUTE_SLICE_S", 0.0)
    collector_on: list[bool] = []
    real_slice = DesignScene._route_slice

    def route_slice(self: DesignScene, deadline: float) -> bool:
        if set(slices.shared()._paused) - {self._routing_key}:
            return False  # after the opening's other long-lived jobs, as at 100k
        collector_on.append(gc.isenabled())
        return real_slice(self, deadline)

    monkeypatch.setattr(DesignScene, "_route_slice", route_slice)
    gc.collect()
    gc.freeze()  # what this process made before the test is not counted
    visited: list[int] = []
    real_tidy = collector.tidy

    def counting_tidy() -> bool:
        if not collector.pauses() and gc.isenabled():
            visited.append(len(gc.get_objects()))  # what its full collection visits
        return real_tidy()

    monkeypatch.setattr(collector, "tidy", counting_tidy)
    tidies = slices.shared().tidies
    window = launch(_generated(tmp_path, 1000))  # dr-designer gui FILE
    scene = window.view.design_scene
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    # The opening's own tidy: a second after its first check, once no pause runs.
    qtbot.waitUntil(lambda: slices.shared().tidies > tidies, timeout=30_000)

    assert visited and visited[0] < FEW, f"objects each tidy visited: {visited}"
    assert len(collector_on) > 10, "the lines were routed in the idle slices"
    assert not any(collector_on), "routed with the collector paused"
    unfrozen = {id(o) for o in gc.get_objects()}
    routes = [scene.router.raw[k] for k in scene.edges if k in scene.router.raw]
    assert routes and not any(id(route) in unfrozen for route in routes), "routes frozen"
