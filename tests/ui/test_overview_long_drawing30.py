"""The Overview of a drawing much taller than the minimap (wave 30, ``canvas30``).

Fit whole, the 100k design (a tall column of sites) was a strip 28 px wide in a 210 px
minimap (eyes29). A drawing whose sides' ratio is more than ``LONG_DRAWING`` times the
minimap's is now pictured across the minimap's width, and the minimap follows the main
view's area up and down it. Through ``dr-designer gui FILE`` with real clicks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generated import settled as _settled
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.panels.overview import OverviewPanel


def _tall_design(path: Path) -> Path:
    """A generated design (three sites side by side, ~4 times wider than high) with its
    drawing turned on its side: x and y, widths and heights swapped (every box still in
    its box), ~4 times taller than wide."""
    data = json.loads(dumps(generate_design(300, seed=1)))
    for entry in data["design"]["layout"].values():
        entry["x"], entry["y"] = entry["y"], entry["x"]
        entry["w"], entry["h"] = entry["h"], entry["w"]
        entry["points"] = [[p[1], p[0]] for p in entry.get("points") or []]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _idle(qtbot: Any, overview: OverviewPanel) -> None:
    qtbot.waitUntil(
        lambda: (
            overview.render_count > 0
            and not overview._dirty
            and not overview._render_timer.isActive()
            and not slices.shared().running((id(overview), "render"))
        ),
        timeout=30_000,
    )


def _drawn_columns(overview: OverviewPanel) -> int:
    """How many of the minimap's pixel columns show something but its background."""
    image = overview.viewport().grab().toImage()
    base = QColor(overview.palette().color(QPalette.ColorRole.Base)).rgb()
    return sum(
        1
        for x in range(image.width())
        if any(image.pixel(x, y) != base for y in range(0, image.height(), 2))
    )


def test_a_tall_drawing_fills_the_overview_across_and_it_follows_the_view(
    launch: Any, qtbot: Any, no_modal_dialogs: Any, tmp_path: Path
) -> None:
    """The tall drawing takes the minimap's width (not a thin strip); scrolled to the
    drawing's bottom, the main view's area stays in the minimap's sight; a click in the
    minimap centres the main view there."""
    window = launch(_tall_design(tmp_path / "tall.json"))
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    overview = window.findChild(OverviewPanel)
    assert overview is not None and overview.isVisible()
    _idle(qtbot, overview)
    width = overview.viewport().width()
    window.grab().save(str(tmp_path / "tall-overview.png"))
    assert _drawn_columns(overview) > 0.8 * width
    view = window.view
    scene = view.design_scene
    lowest = max(scene.nodes.values(), key=lambda node: node.scene_rect().bottom())
    bar = view.verticalScrollBar()
    before = overview.mapToScene(overview.viewport().rect()).boundingRect()
    # The main view scrolled down to the drawing's lowest box, as its scroll bar does.
    while view.mapToScene(view.viewport().rect()).boundingRect().bottom() < (
        lowest.scene_rect().bottom()
    ):
        bar.setValue(bar.value() + bar.pageStep())
    qtbot.wait(50)
    seen = overview.mapToScene(overview.viewport().rect()).boundingRect()
    area = overview.visible_area().boundingRect()
    assert seen.contains(area.center()), (seen, area)
    assert seen.top() > before.bottom(), "the minimap scrolled down with the view"
    window.grab().save(str(tmp_path / "tall-overview-bottom.png"))
    # A click in the minimap, above the main view's area: the view is centred there.
    spot = QPoint(width // 2, 10)
    target = overview.mapToScene(spot)
    QTest.mouseClick(overview.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), spot)
    centre = view.mapToScene(view.viewport().rect().center())
    assert abs(centre.y() - target.y()) < 5 / view.scale_factor + 1, (centre, target)
