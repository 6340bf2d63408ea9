"""After File > New or File > Open of another design, the Overview pictures the design
the canvas shows: a picture of the previous design still being painted when it was
replaced is dropped, not finished and shown (eyes14: the previous design stayed in the
Overview until its next picture, seconds later while a big design's check ran)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from designer.ui import slices
from designer.ui.canvas.theme import KIND_HUES
from designer.ui.main_window import MainWindow
from designer.ui.panels import overview as overview_module
from designer.ui.panels.overview import OverviewPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path("/tmp/fixa15-shots")


def _exact(rect: QRectF) -> tuple[float, float, float, float]:
    return (rect.x(), rect.y(), rect.width(), rect.height())


def _overview(window: MainWindow) -> OverviewPanel:
    overview = window.findChild(OverviewPanel)
    assert overview is not None and overview.isVisible()
    return overview


def _hue_pixels(image: QImage, hues: list[str]) -> int:
    """Pixels of the grab within a few levels of one of ``hues`` (boxes' borders)."""
    wanted = [QColor(h) for h in hues]
    found = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            for hue in wanted:
                if (
                    abs(pixel.red() - hue.red()) <= 6
                    and abs(pixel.green() - hue.green()) <= 6
                    and abs(pixel.blue() - hue.blue()) <= 6
                ):
                    found += 1
                    break
    return found


def _picture_under_way(qtbot: Any, overview: OverviewPanel) -> tuple[float, ...]:
    """The previous design's picture is being painted, a box a turn; the area it shows."""
    qtbot.waitUntil(lambda: overview._job is not None and overview._job.next > 0, timeout=30000)
    assert overview._job is not None
    return _exact(overview._job.shown)


def _each_turn_until_pictured(qtbot: Any, overview: OverviewPanel) -> list[Any]:
    """Run the event loop a turn at a time until the new design is pictured and nothing
    is left to paint; at each turn, the area of the picture shown (None: none)."""
    shown: list[Any] = []
    for _ in range(5000):
        QApplication.processEvents()
        qtbot.wait(1)
        picture = None if overview._picture.isNull() else _exact(overview._picture_rect)
        shown.append(picture)
        if (
            picture is not None
            and not overview._dirty
            and not overview._render_timer.isActive()
            and not slices.shared().running((id(overview), "render"))
        ):
            return shown
    raise AssertionError("the Overview never pictured the new design")


@pytest.fixture
def painted_a_box_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every design pictured box by box (as a big design's is), one box per turn.
    monkeypatch.setattr(overview_module, "LOW_DETAIL_ITEMS", 0)
    monkeypatch.setattr(overview_module, "_STEP_MS", 0)


@pytest.mark.usefixtures("painted_a_box_a_turn")
def test_file_new_drops_the_previous_designs_picture(qtbot: Any, launch: Any) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")  # dr-designer gui FILE
    window.resize(1600, 1000)
    overview = _overview(window)
    previous = _picture_under_way(qtbot, overview)

    window.act_new.trigger()  # File > New > Blank Design
    shown = _each_turn_until_pictured(qtbot, overview)

    # Never the previous design's picture: blank, then the blank design's.
    assert previous not in shown, shown
    grab = overview.grab()
    SHOTS.mkdir(exist_ok=True)
    grab.save(str(SHOTS / "1-overview-after-new.png"))
    # Nothing of the previous design's boxes: no DAG, host or VM hue in the minimap.
    hues = [KIND_HUES[kind] for kind in ("dag", "esxi_host", "vm")]
    assert _hue_pixels(grab.toImage(), hues) == 0


@pytest.mark.usefixtures("painted_a_box_a_turn")
def test_file_open_pictures_the_opened_design_not_the_previous_one(
    qtbot: Any, launch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1600, 1000)
    overview = _overview(window)
    previous = _picture_under_way(qtbot, overview)

    other = SAMPLES / "standalone_vm_ha.json"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(other), ""))
    )
    window.act_open.trigger()  # File > Open…
    assert window.session.path == other.resolve()
    shown = _each_turn_until_pictured(qtbot, overview)

    assert previous not in shown, shown
    assert shown[-1] != previous  # (the two drawings' extents differ)
    grab = overview.grab()
    grab.save(str(SHOTS / "1-overview-after-open.png"))
    # The picture the Overview shows is the one it makes of this design at once.
    stepped = overview._picture.toImage()
    overview._render()
    assert overview._picture.toImage() == stepped
