"""Wave 19 (canvas19): eyes18's leftovers about lines, through the real window
(``dr-designer gui``, File > New's Two-site DAG) with real mouse events.

* ui #13: a WAN link between two sites that nearly touch (10 px apart) was a 10 px stub
  with its label 50 px above on a dotted leader: hard to see or click.
* ui #19: the DAG's witness line ran in the channel of its member lines, in their
  colour, solid: the witness relation was hard to tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtWidgets import QApplication
from test_canvas_support import click, drag
from test_eyes_leftovers18 import _two_site_dag

from designer.ui.canvas.items.edge import MIN_LINK

SHOTS = Path("/tmp/canvas19-shots")


def _shot(view: Any, around: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    rect = view.mapFromScene(around).boundingRect().adjusted(-40, -40, 40, 40)
    view.viewport().grab(rect).save(str(SHOTS / f"{name}.png"))


def _opened(launch: Any, qtbot: Any) -> tuple[Any, Any, Any]:
    """``dr-designer gui``, File > New's Two-site DAG: the window, its view and scene."""
    window = _two_site_dag(launch, qtbot)
    return window, window.view, window.view.scene()


def test_a_wan_link_between_sites_that_nearly_touch_is_drawn_and_picked_whole(
    launch: Any, qtbot: Any
) -> None:
    window, view, scene = _opened(launch, qtbot)
    session = window.session
    view.resetTransform()  # 100 %
    view.centerOn(QPointF(660, 120))
    QApplication.processEvents()
    # The Recovery site dragged by its title bar up to Production (10 px apart).
    prd, dr = session.design.layout["site-prd"], session.design.layout["site-dr"]
    gap = dr.x - (prd.x + prd.w)
    drag(view, (dr.x + 200, dr.y + 12), (dr.x + 200 - gap + 10, dr.y + 12), steps=6)
    qtbot.waitUntil(lambda: session.design.layout["site-dr"].x < dr.x, timeout=3000)
    dr = session.design.layout["site-dr"]
    assert dr.x - (prd.x + prd.w) <= 12
    link = scene.edges["link-prd-dr"]
    qtbot.waitUntil(lambda: link.path().length() <= 12, timeout=5000)
    ends = QLineF(link.path().pointAtPercent(0), link.path().pointAtPercent(1))
    middle = ends.center()
    # Drawn MIN_LINK long across its middle, over the sites' edges (not a 10 px tick).
    drawn = link.drawn_line()
    assert drawn is not None and abs(drawn.length() - MIN_LINK) < 1e-6
    assert drawn.center() == middle and drawn.dy() == 0
    session.set_selection([])
    view.centerOn(middle)
    QApplication.processEvents()
    _shot(view, link.sceneBoundingRect().adjusted(-160, 0, 160, 0), "short-link")
    # A click on it inside the Recovery site (past the stub's end) picks the link.
    click(view, (middle.x() + MIN_LINK / 2 - 4, middle.y()))
    qtbot.waitUntil(lambda: session.selection == ["link-prd-dr"], timeout=3000)
    _shot(view, link.sceneBoundingRect().adjusted(-160, 0, 160, 0), "short-link-selected")
    # So does a click on the dotted leader to its label, half-way up.
    label = link.label_scene_rect()
    assert label is not None and label.bottom() < middle.y() - 40  # away, on a leader
    session.set_selection([])
    QApplication.processEvents()
    click(view, (middle.x(), (label.bottom() + middle.y()) / 2))
    qtbot.waitUntil(lambda: session.selection == ["link-prd-dr"], timeout=3000)
    # A long link is drawn as routed, end to end.
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: link.path().length() > MIN_LINK, timeout=5000)
    assert link.drawn_line() is None


def test_a_dags_witness_lines_are_dashed_beside_its_solid_member_lines(
    launch: Any, qtbot: Any
) -> None:
    _window, view, scene = _opened(launch, qtbot)
    witness = scene.edges["dag-1|witness|fsw-prd"]
    alternate = scene.edges["dag-1|alternate_witness|fsw-dr"]
    members = [e for k, e in scene.edges.items() if k.startswith("dag-1|members|")]
    assert len(members) == 4
    assert witness.pen().style() == Qt.PenStyle.DashLine
    assert alternate.pen().style() == Qt.PenStyle.DashLine
    assert all(m.pen().style() == Qt.PenStyle.SolidLine for m in members)
    # One pixel wide: Qt's cosmetic stroker dashes only what is on screen.
    assert witness.pen().isCosmetic() and witness.pen().widthF() == 1.0
    # As eyes18 saw them: the witness line beside the Production members' trunk.
    view.set_zoom(0.75)
    view.centerOn(QPointF(850, 200))
    QApplication.processEvents()
    _shot(view, witness.sceneBoundingRect(), "witness-lines")
