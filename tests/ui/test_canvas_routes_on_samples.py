"""Issue 13's routing proof: on every bundled sample, no line crosses a box that is
not one of its ends (a line may enter the boxes that hold its ends: a DAG's line to a
VM goes into the VM's site, cluster and host, but through no other box and through
none of their title bars), and every line runs in horizontal and vertical runs."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from designer.persistence import load
from designer.ui.canvas.routing import route_crosses
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))


def _holders(scene: DesignScene, box: str) -> list[str]:
    chain = [box]
    while scene.box_parent.get(chain[-1]) is not None:
        chain.append(scene.box_parent[chain[-1]])  # type: ignore[arg-type]
    return chain


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_no_line_crosses_a_box_that_is_not_one_of_its_ends(qapp, sample: Path) -> None:
    scene = DesignScene(EditorSession(load(sample)))
    scene.finish_routing()
    for key, edge in scene.edges.items():
        path = edge.path()
        points = [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]
        route = scene.router.drawn[key]
        assert all(abs(p[0] - q[0]) < 1e-6 or abs(p[1] - q[1]) < 1e-6 for p, q in pairwise(route))
        assert points[0] == pytest.approx(route[0]) and points[-1] == pytest.approx(route[-1])
        a, b = scene._end_node(edge.source), scene._end_node(edge.target)
        assert a is not None and b is not None
        holders = set(_holders(scene, a.element_id)) | set(_holders(scene, b.element_id))
        crossed = []
        for box, node in scene.nodes.items():
            r = node.scene_rect()
            rect = (r.x(), r.y(), r.width(), r.height())
            if box in (a.element_id, b.element_id):
                continue
            if box in holders:
                rect = (r.x(), r.y(), r.width(), 26.0) if node.container else rect
                if not node.container:
                    continue
            if route_crosses(route, rect):
                crossed.append(box)
        assert crossed == [], f"{key} crosses {crossed}"


def _moves(scene: DesignScene) -> list[str]:
    """The boxes to move: the host with the most lines at it and its VMs (a DAG
    member's), a top-level box with lines inside it, and a row (a VM)."""
    hosts = [i for i, n in scene.nodes.items() if n.kind == "esxi_host"]
    tops = [i for i in scene.nodes if scene.box_parent.get(i) is None]

    def lines(box: str) -> int:
        return len(scene._lines_at(scene.descendants([box])))

    picked = [max(hosts, key=lines)] if hosts else []
    picked += [max(tops, key=lines)] if tops else []
    rows = [i for i in scene.nodes if scene.box_is_row(i) and scene._lines_at([i])]
    return picked + rows[:1]


def _move_and_compare(session: EditorSession, scene: DesignScene, box: str, dx: float) -> None:
    from designer.document import MoveElements

    ids = [i for i in scene.descendants([box]) if i in session.design.layout]
    if not ids:
        return
    layout = session.design.layout
    session.push(
        MoveElements({i: layout[i].model_copy(update={"x": layout[i].x + dx}) for i in ids})
    )
    scene.finish_routing()
    fresh = DesignScene(EditorSession(session.design))
    fresh.finish_routing()
    assert scene.router.raw == fresh.router.raw, f"after moving {box}"
    assert scene.router.drawn == fresh.router.drawn, f"after moving {box}"
    session.wait_for_findings()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_a_moved_box_reroutes_its_lines_as_routing_the_moved_drawing_afresh(
    qapp, sample: Path
) -> None:
    """Issue 13: a move reroutes only the lines it concerns (the legs it did not touch
    are remembered, only the channels the rerouted lines use are spread again), and
    the drawing ends up as a full route of the moved layout would draw it."""
    session = EditorSession(load(sample))
    scene = DesignScene(session)
    scene.finish_routing()
    for box in _moves(scene):
        for dx in (30.0, -60.0):
            _move_and_compare(session, scene, box, dx)
    session.undo_stack.setClean()


def test_moves_on_a_generated_design_reroute_as_routing_it_afresh(qapp) -> None:
    from benchmarks.generate import generate_design

    session = EditorSession(generate_design(1000, seed=0))
    scene = DesignScene(session)
    scene.finish_routing()
    for box in _moves(scene):
        _move_and_compare(session, scene, box, 40.0)
    session.undo_stack.setClean()
