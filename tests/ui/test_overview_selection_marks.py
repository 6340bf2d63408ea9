"""The Overview pictures a selected box as the canvas draws it, scaled: its handles and
ports (and the findings markers), which the canvas draws at a fixed size on screen, are
drawn at the canvas's zoom, not at the minimap's (eyes14: a selected DAG's ports were
blobs twice the height of its box in the minimap)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest

from designer.ui import slices
from designer.ui.main_window import MainWindow
from designer.ui.panels.overview import OverviewPanel

DATA = Path(__file__).resolve().parent / "data"
SHOTS = Path("/tmp/fixa15-shots")


def _idle(qtbot: Any, overview: OverviewPanel, after: int) -> None:
    """A picture made after the first ``after``, none waiting nor being painted."""
    qtbot.wait(50)
    qtbot.waitUntil(
        lambda: (
            overview.render_count > after
            and not overview._dirty
            and not overview._render_timer.isActive()
            and not slices.shared().running((id(overview), "render"))
        ),
        timeout=20000,
    )


def _near_the_dag(window: MainWindow, overview: OverviewPanel, dag: str) -> set[tuple[int, int]]:
    """The minimap's pixels a selection of ``dag`` may change: its box and its lines
    (restyled when it is selected), two pixels around."""
    scene = window.view.design_scene
    near: set[tuple[int, int]] = set()

    def around(point: QPoint, reach: int = 2) -> None:
        for dx in range(-reach, reach + 1):
            for dy in range(-reach, reach + 1):
                near.add((point.x() + dx, point.y() + dy))

    box: QRect = overview.mapFromScene(scene.rect_of(dag)).boundingRect().adjusted(-2, -2, 2, 2)
    for x in range(box.left(), box.right() + 1):
        for y in range(box.top(), box.bottom() + 1):
            near.add((x, y))
    for key, edge in scene.edges.items():
        if key.split("|")[0] == dag or dag in key.split("|"):
            path = edge.path()
            for step in range(401):
                around(overview.mapFromScene(path.pointAtPercent(step / 400)))
    return near


def test_a_selected_dag_is_pictured_as_the_canvas_draws_it(launch: Any, qtbot: Any) -> None:
    window = launch(DATA / "two_site_newcomer.drd.json")  # dr-designer gui FILE
    window.resize(1600, 1000)
    view, scene = window.view, window.view.design_scene
    overview = window.findChild(OverviewPanel)
    assert overview is not None and overview.isVisible()
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=20000)
    _idle(qtbot, overview, 0)
    # The minimap is at a scale where the boxes' details are drawn (not the far-out
    # summary, which draws no handles nor ports), the canvas at its own zoom.
    assert 0.12 < overview.transform().m11() < view.transform().m11()
    before = overview._picture.toImage()
    pictures = overview.render_count

    rect = scene.rect_of("dag-1")
    view.ensureVisible(rect, 10, 10)
    click = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=click)
    assert window.session.selection == ["dag-1"]
    _idle(qtbot, overview, pictures)
    after = overview._picture.toImage()
    SHOTS.mkdir(exist_ok=True)
    overview.grab().scaled(overview.width() * 4, overview.height() * 4).save(
        str(SHOTS / "5-overview-selected-dag-4x.png")
    )

    changed = {
        (x, y)
        for y in range(after.height())
        for x in range(after.width())
        if after.pixel(x, y) != before.pixel(x, y)
    }
    assert changed, "the selection shows in the minimap"
    outside = changed - _near_the_dag(window, overview, "dag-1")
    assert sorted(outside) == [], f"{len(outside)} pixels beyond the DAG's box and lines"
