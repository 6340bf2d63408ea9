"""A WAN link stays readable where other lines meet it: the lines that pass beneath it,
or run beside it in its channel, stop short of it (eyes14: drawing two sites and a DAG
from nothing, the DAG's membership lines ran along the Boston – Worcester link and
crossed it, so that the link read as a bundle of pink and blue lines).

The design is the newcomer's own (tests/ui/data/two_site_newcomer.drd.json, saved by
eyes14): its DAG's two membership lines and its witness line are routed through the
channel between the sites, next to the link: they now run a band away from it
(routing.BAND), the link drawn over its casing still where they cross it."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QColor, QImage

from designer.ui.canvas.items.edge import CASING_PX
from designer.ui.canvas.routing import BAND

DATA = Path(__file__).resolve().parent / "data"
SHOTS = Path("/tmp/fixa15-shots")


def _off_the_link(pixel: QColor, link: QColor, ground: QColor) -> float:
    """How far (RGB levels) ``pixel`` is from every blend of the link's colour and the
    canvas's: 0 for the link, the canvas and the link's anti-aliased edges."""
    p = (pixel.red(), pixel.green(), pixel.blue())
    a = (ground.red(), ground.green(), ground.blue())
    b = (link.red(), link.green(), link.blue())
    ab = [bj - aj for aj, bj in zip(a, b, strict=True)]
    length = sum(c * c for c in ab) or 1
    t = max(0.0, min(1.0, sum((pj - aj) * c for pj, aj, c in zip(p, a, ab, strict=True)) / length))
    return math.dist(p, [aj + t * c for aj, c in zip(a, ab, strict=True)])


def test_lines_meeting_a_wan_link_stop_short_of_it(launch: Any, qtbot: Any) -> None:
    window = launch(DATA / "two_site_newcomer.drd.json")  # dr-designer gui FILE
    window.resize(1600, 1000)
    view, scene = window.view, window.view.design_scene
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=20000)
    qtbot.wait(100)
    link = scene.edges["link-1"]
    path = link.path()
    start, end = (
        view.mapFromScene(path.pointAtPercent(0)),
        view.mapFromScene(path.pointAtPercent(1)),
    )
    assert start.y() == end.y(), "a straight link across the channel"
    # The other lines meet the link: they run within a few pixels of it on screen.
    near = [
        key
        for key, edge in scene.edges.items()
        if edge is not link
        and edge.isVisible()
        and any(
            abs(view.mapFromScene(edge.path().pointAtPercent(t / 200)).y() - start.y()) <= 3
            for t in range(201)
        )
    ]
    assert {"dag-1|members|vm-1", "dag-1|members|vm-2"} <= set(near), near

    image: QImage = view.viewport().grab().toImage()
    SHOTS.mkdir(exist_ok=True)
    image.save(str(SHOTS / "4-wan-link-over-lines.png"))
    label = view.mapFromScene(link.label_scene_rect()).boundingRect()
    colour, ground = link.pen().color(), scene.theme.background
    band = int(link.pen().widthF() / 2 + CASING_PX - 1)
    stray = []
    for x in range(min(start.x(), end.x()) + 4, max(start.x(), end.x()) - 4):
        for y in range(start.y() - band, start.y() + band + 1):
            if label.contains(x, y):
                continue
            pixel = image.pixelColor(x, y)
            if _off_the_link(pixel, colour, ground) > 60:
                stray.append((x, y, pixel.name()))
    assert stray == [], stray[:10]
    # (the link itself is drawn: its colour along its middle)
    middle = QPointF((start.x() + end.x()) / 2 + 20, start.y()).toPoint()
    assert _off_the_link(image.pixelColor(middle), colour, colour) < 40
    assert QRect(0, 0, image.width(), image.height()).contains(middle)


def _runs_beside(scene: Any, link_key: str) -> list[tuple[str, float, float, float]]:
    """The runs of the other lines parallel to the WAN link ``link_key`` (straight and
    horizontal here), along its stretch: (line, distance from it, from, to)."""
    link = scene.router.drawn[link_key]
    (x0, y), (x1, _) = link[0], link[-1]
    lo, hi = min(x0, x1), max(x0, x1)
    out = []
    for key, points in scene.router.drawn.items():
        if key == link_key:
            continue
        for p, q in itertools.pairwise(points):
            if abs(p[1] - q[1]) < 1e-6 and min(p[0], q[0]) < hi and max(p[0], q[0]) > lo:
                out.append((key, abs(p[1] - y), min(p[0], q[0]), max(p[0], q[0])))
    return out


def test_lines_are_routed_a_band_away_from_a_wan_link(launch: Any, qtbot: Any) -> None:
    """The DAG's member and witness lines ran in the lanes beside the link (2 and 5
    units from it, under its casing: the link read as a bundle into each site); now
    no other line runs along the link closer than a band's width."""
    window = launch(DATA / "two_site_newcomer.drd.json")  # dr-designer gui FILE
    window.resize(1600, 1000)
    scene = window.view.design_scene
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=20000)
    beside = _runs_beside(scene, "link-1")
    # The three lines still come up the channel between the sites, along the link ...
    assert {b[0] for b in beside} == {
        "dag-1|members|vm-1",
        "dag-1|members|vm-2",
        "dag-1|witness|fsw-1",
    }, beside
    # ... a band away from it, on either side, and clear of its label (above it).
    assert all(b[1] >= BAND - 0.5 for b in beside), beside
    label = scene.edges["link-1"].label_scene_rect()
    for key, points in scene.router.drawn.items():
        if key == "link-1":
            continue
        for p, q in itertools.pairwise(points):
            if (
                abs(p[1] - q[1]) < 1e-6
                and min(p[0], q[0]) < label.right()
                and max(p[0], q[0]) > label.left()
            ):
                assert not label.top() - 1 < p[1] < label.bottom() + 1, (key, p, q, label)
    shots = Path("/tmp/uib16-shots")
    shots.mkdir(exist_ok=True)
    window.view.viewport().grab().save(str(shots / "lines-a-band-from-the-link.png"))
