"""Room on the canvas (issue 13): a selected box resized by its corner, containers
growing round what is put in them and pushing neighbours aside, a drop on a full box
taking a free slot, lines picked over a container's body. Real mouse and drop events
on the view's viewport; assertions on the model and the scene."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from test_canvas_support import click, drag, small_design, vp

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import Lun, Mirror
from designer.ui.canvas.view import DesignView
from designer.ui.session import EditorSession


@pytest.fixture
def canvas(qtbot):  # type: ignore[no-untyped-def]
    session = EditorSession(small_design())
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 250)
    return session, view


def _rect(session: EditorSession, box: str) -> tuple[float, float, float, float]:
    e = session.design.layout[box]
    return (e.x, e.y, e.w or 0.0, e.h or 0.0)


def _overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_a_selected_box_is_resized_by_its_corner_and_its_site_grows(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view = canvas
    before = session.design
    click(view, (100, 50))  # esx-b1's title bar
    assert session.selection == ["esx-b1"]
    drag(view, (220, 140), (700, 160))  # its bottom-right corner, past Boston's edge
    host, bos, wor = _rect(session, "esx-b1"), _rect(session, "bos"), _rect(session, "wor")
    assert host[2] == pytest.approx(680, abs=10) and host[3] == pytest.approx(120, abs=10)
    assert host[0] + host[2] <= bos[0] + bos[2]  # Boston grew round it
    assert not _overlap(bos, wor)  # and pushed Worcester aside
    assert session.undo_stack.count() == 1
    assert session.undo_stack.text(0) == "Resize esx-b1"
    session.undo_stack.undo()
    assert session.design == before
    assert view.design_scene.nodes["esx-b1"].scene_rect().width() == 200


def test_a_container_cannot_be_resized_over_what_it_holds(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view = canvas
    click(view, (100, 205))  # the Boston array's title bar
    drag(view, (220, 320), (60, 220))  # its corner dragged up over its LUNs
    array = _rect(session, "arr-b")
    for lun in ("lun-b1", "lun-b2"):
        r = _rect(session, lun)
        assert array[0] <= r[0] and r[0] + r[2] <= array[0] + array[2]
        assert array[1] <= r[1] and r[1] + r[3] <= array[1] + array[3]


def _drop(view: DesignView, kind: str, at: tuple[float, float]) -> None:
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    from designer.ui.panels.palette import kind_mime_data

    pos = vp(view, *at)
    mime = kind_mime_data(kind)
    a, left, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    for event in (
        QDragEnterEvent(pos, a, mime, left, none),
        QDragMoveEvent(pos, a, mime, left, none),
        QDropEvent(QPointF(pos), a, mime, left, none),
    ):
        QApplication.sendEvent(view.viewport(), event)


def test_a_lun_dropped_on_a_full_array_takes_a_free_slot_and_the_array_grows(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view = canvas
    for _ in range(3):
        _drop(view, "lun", (120, 270))  # right on LUN-B2, three times
    luns = [e.id for e in session.design.elements if e.kind == "lun" and e.array == "arr-b"]  # type: ignore[attr-defined]
    assert len(luns) == 5
    rects = [_rect(session, lun) for lun in luns]
    array = _rect(session, "arr-b")
    for i, a in enumerate(rects):
        assert array[1] <= a[1] and a[1] + a[3] <= array[1] + array[3]
        assert all(not _overlap(a, b) for b in rects[i + 1 :])
    assert array[3] > 120  # it grew
    assert session.undo_stack.count() == 3  # one step per drop
    assert view.design_scene.nodes[luns[-1]].scene_rect().y() == pytest.approx(rects[-1][1])


def _with_mirror() -> Design:
    design = small_design()
    mirror = Mirror(id="mv-1", name="MV-1", source_lun="lun-b1", target_lun="lun-w1")
    extra = Lun(id="lun-b3", name="LUN-B3", array="arr-b")
    layout = dict(design.layout)
    layout["lun-b3"] = LayoutEntry(x=30, y=290, w=170, h=24)
    return design.model_copy(
        update={"elements": [*design.elements, extra, mirror], "layout": layout}
    )


def test_a_line_over_a_sites_body_is_picked_not_the_site(qtbot) -> None:  # type: ignore[no-untyped-def]
    session = EditorSession(_with_mirror())
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 250)
    scene = view.design_scene
    route = scene.router.drawn["mv-1"]
    bos = scene.nodes["bos"].scene_rect()
    # A point of the mirror's route inside Boston's body, away from any other box.
    inside = None
    for p, q in itertools.pairwise(route):
        mid = QPointF((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
        hit = [n for n in scene.items(mid) if getattr(n, "element_id", None) not in ("bos", "mv-1")]
        if bos.contains(mid) and not hit:
            inside = mid
            break
    assert inside is not None, route
    click(view, (inside.x(), inside.y()))
    assert session.selection == ["mv-1"]


def _link_design() -> Design:
    from designer.domain.elements import WanLink

    design = small_design()
    link = WanLink(id="wan-1", name="BOS-WOR", site_a="bos", site_b="wor")
    return design.model_copy(update={"elements": [*design.elements, link]})


def test_dragging_a_selected_line_gives_it_a_waypoint_kept_in_the_layout(qtbot) -> None:  # type: ignore[no-untyped-def]
    session = EditorSession(_link_design())
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 250)
    scene = view.design_scene
    route = scene.router.drawn["wan-1"]
    assert len(route) == 2  # straight across the gap between the sites
    (x0, y0), (x1, y1) = route
    middle = ((x0 + x1) / 2, (y0 + y1) / 2)
    click(view, middle)
    assert session.selection == ["wan-1"]
    drag(view, middle, (middle[0], middle[1] + 230))
    entry = session.design.layout["wan-1"]
    assert len(entry.points) == 1
    wx, wy = entry.points[0]
    assert wy == pytest.approx(middle[1] + 230, abs=10)
    drawn = scene.router.drawn["wan-1"]
    assert any(abs(x - wx) < 1 and abs(y - wy) < 1 for x, y in drawn)  # through it
    assert session.undo_stack.text(session.undo_stack.count() - 1) == "Reshape BOS-WOR"
    # Double-clicking the waypoint takes it away again: a straight line.
    from PySide6.QtTest import QTest

    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=vp(view, wx, wy))
    assert session.design.layout["wan-1"].points == ()
    assert len(scene.router.drawn["wan-1"]) == 2
    session.undo_stack.undo()
    assert len(session.design.layout["wan-1"].points) == 1
    assert view.editor.reset_route("wan-1")
    assert session.design.layout["wan-1"].points == ()


def test_a_vms_disk_is_picked_by_its_chip(qtbot) -> None:  # type: ignore[no-untyped-def]
    from designer.domain.elements import VirtualDisk

    design = small_design()
    disks = [
        VirtualDisk(id="d-os", name="MBX-B1 OS", vm="vm-b1", lun="lun-b1"),
        VirtualDisk(id="d-db", name="MBX-B1 DB", vm="vm-b1", lun="lun-b2"),
    ]
    session = EditorSession(design.model_copy(update={"elements": [*design.elements, *disks]}))
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 250)
    node = view.design_scene.nodes["vm-b1"]
    view.viewport().grab()  # the chips are laid out as they are painted
    assert node.disk_ids == ["d-os", "d-db"]
    hits = {ids: rect for rect, ids in node._disk_hits}
    chip = node.mapToScene(hits[("d-db",)].center())
    click(view, (chip.x(), chip.y()))
    assert session.selection == ["d-db"]
    assert "d-db|lun|lun-b2" in view.design_scene.edges  # its line to its LUN shows


def test_a_vms_name_comes_before_its_disk_chips(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Six chips would cut the name: fewer are drawn, the last standing for the rest."""
    from designer.domain.elements import VirtualDisk

    design = small_design()
    disks = [
        VirtualDisk(id=f"d-{i}", name=f"MBX-B1 D{i}", vm="vm-b1", lun="lun-b1") for i in range(6)
    ]
    elements = [
        e.model_copy(update={"name": "MBX-B1-LONGEST"}) if e.id == "vm-b1" else e
        for e in design.elements
    ]
    session = EditorSession(design.model_copy(update={"elements": [*elements, *disks]}))
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 250)
    scene = view.design_scene
    scene.labels.record = []
    view.viewport().grab()
    node = scene.nodes["vm-b1"]
    names = [r.text for r in scene.labels.record if r.owner == "vm-b1"]
    assert "MBX-B1-LONGEST" in names
    assert 1 <= len(node._disk_hits) < 6
    assert {d for _, ids in node._disk_hits for d in ids} == {d.id for d in disks}


def _denver_in_view(launch):  # type: ignore[no-untyped-def]
    """The DAG-with-HA sample opened the user's way, its Denver site in view at 60 %."""
    from pathlib import Path

    window = launch(Path(__file__).parents[2] / "sample_designs" / "dag_with_ha.json")
    window.view.set_zoom(0.6)
    site = window.view.design_scene.nodes["site-den"].scene_rect()
    window.view.centerOn(site.center())
    return window, site


def test_dragging_a_site_moves_its_inner_lines_whole_and_routes_the_rest_at_the_drop(
    launch,
) -> None:  # type: ignore[no-untyped-def]
    """A drag step does not route every line of a big box (a site at 25k has dozens):
    a line inside what moves is carried along, the lines out to what stays are routed
    as long as a frame allows (else straight), and the drop routes them all."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    window, site = _denver_in_view(launch)
    view = window.view
    scene = view.design_scene
    edges = scene.edges.items()
    inner = next(k for k, e in edges if {e.source, e.target} == {"lb-den", "casarr-den"})
    outer = next(k for k, e in edges if "fsw-den" in (e.source, e.target))
    before = scene.edges[inner].path().boundingRect()
    routed: list[str] = []
    route_many = scene.router.route_many

    def counted(keys):  # type: ignore[no-untyped-def]
        keys = list(keys)
        routed.extend(keys)
        route_many(keys)

    scene.router.route_many = counted  # type: ignore[method-assign]
    viewport = view.viewport()
    start = vp(view, site.left() + 40, site.top() + 8)  # the site's title bar
    QTest.mouseMove(viewport, start)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 4):
        QTest.mouseMove(viewport, start + QPoint(0, 30 * step))
    moved = scene.nodes["site-den"].scene_rect().top() - site.top()
    assert moved > 0
    during = scene.edges[inner].path().boundingRect()
    assert abs(during.top() - before.top() - moved) < 0.01  # carried along, not rerouted
    assert abs(during.left() - before.left()) < 0.01
    assert inner not in routed
    end = start + QPoint(0, 90)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    # Dropped: every line at the site is routed and spread as the router has it.
    assert inner in routed and outer in routed
    for key in (inner, outer):
        drawn = scene.router.drawn[key]
        path = scene.edges[key].path()
        assert abs(path.elementAt(0).x - drawn[0][0]) < 0.01, key
        assert abs(path.elementAt(0).y - drawn[0][1]) < 0.01, key
    assert window.session.design.layout["site-den"].y == pytest.approx(site.top() + moved, abs=1)


def test_a_move_of_many_lines_routes_them_in_slices_after_the_drop(
    launch, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A whole site at 25k has ~70 lines to reroute: the drop draws them straight and
    routes them in slices afterwards (as an open does) instead of stalling."""
    from designer.ui.canvas import scene as scene_module

    monkeypatch.setattr(scene_module, "REROUTE_AT_ONCE", 1)
    window, site = _denver_in_view(launch)
    view = window.view
    scene = view.design_scene
    title = (site.left() + 40, site.top() + 8)
    drag(view, title, (title[0], title[1] + 60))
    assert window.session.design.layout["site-den"].y > site.top() + 20
    lines = [k for k, e in scene.edges.items() if "fsw-den" in (e.source, e.target)]
    assert lines and scene.routing_pending
    straight = scene.edges[lines[0]].path()  # meanwhile one segment (then its arrow)
    assert straight.elementCount() == 2 or straight.elementAt(2).isMoveTo()
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=30000)
    for key in lines:
        drawn = scene.router.drawn[key]
        path = scene.edges[key].path()
        assert (path.elementAt(0).x, path.elementAt(0).y) == pytest.approx(drawn[0], abs=0.01)
        assert len(drawn) > 2  # routed round the boxes, not straight
