"""A reviewer opening a big design (wave 23, ``eyesq23``): the Overview stayed blank, but
for the main view's frame, while its picture waited for the design's boxes and check
(12-14 s for 25,000 elements on a loaded machine), as if the design were empty. It now
says it is drawing, until the picture comes. Through ``dr-designer gui FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui.panels.overview import OverviewPanel

SHOTS = Path("/tmp/eyesq23-shots")


def _grey_text_pixels(image: QImage, grey: QColor) -> int:
    """Pixels of the caption's colour, or anti-aliased towards it (greys darker than the
    minimap's white base; the main view's frame is the highlight's blue, not grey)."""
    count = 0
    for y in range(0, image.height(), 1):
        for x in range(0, image.width(), 1):
            colour = image.pixelColor(x, y)
            r, g, b = colour.red(), colour.green(), colour.blue()
            if max(r, g, b) - min(r, g, b) <= 6 and r <= max(grey.red() + 40, 200):
                count += 1
    return count


def test_the_overview_says_it_is_drawing_until_its_picture_comes(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "big.drd.json"
    path.write_text(dumps(generate_design(3000, seed=0)), encoding="utf-8")
    window = launch(path)
    overview = window.findChild(OverviewPanel)
    assert overview is not None and overview.isVisible()
    grey = overview.palette().color(overview.palette().ColorRole.PlaceholderText)
    assert overview.render_count == 0 and overview._picture.isNull(), "picture already made"
    before = overview.grab().toImage()
    SHOTS.mkdir(exist_ok=True)
    before.save(str(SHOTS / "overview-waiting.png"))
    assert _grey_text_pixels(before, grey) > 40, "the minimap says nothing while it waits"
    qtbot.waitUntil(lambda: overview.render_count > 0, timeout=120000)
    QApplication.processEvents()
    after = overview.grab().toImage()
    after.save(str(SHOTS / "overview-pictured.png"))
    # The caption goes with the picture: the picture has its own greys (lines), so the
    # check is that the caption's own pixels no longer are where it was drawn.
    assert not overview._picture.isNull()
    assert after != before
