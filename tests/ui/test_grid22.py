"""The canvas's grid copied from a tile of its own pixels (wave 22, ``open22b``): the
same pixels as its lines drawn one by one, at every zoom, scroll position and exposed
rect; the lines themselves wherever a tile could differ (a zoom whose lines fall
between pixels, an export painting the scene)."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QPoint, QRect, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform
from PySide6.QtWidgets import QApplication

from designer.ui.canvas import grid as grid_module
from designer.ui.canvas.grid import draw_grid

W, H = 700, 460
THEMES = ((QColor("#ffffff"), QColor("#ededed")), (QColor("#1e1e1e"), QColor("#2f2f2f")))


def _paint(
    transform: QTransform, clip: QRect, background: QColor, colour: QColor, *, tiled: bool
) -> QImage:
    """What the view's background pass paints over ``clip`` (the exposed region): the
    fill of its scene rect and the grid, over a window background of the same colour
    (the viewport fills itself with the palette's Base, the theme's background)."""
    image = QImage(W, H, QImage.Format.Format_RGB32)
    image.fill(background)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.setClipRect(clip)
    painter.setWorldTransform(transform)
    rect = transform.inverted()[0].mapRect(QRectF(clip))
    painter.fillRect(rect, background)
    draw_grid(painter, rect, 40.0, colour, background, tiled=tiled)
    painter.end()
    return image


@pytest.fixture
def tiles_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each tiled call drew from a tile (True) or fell back to the lines."""
    used: list[bool] = []
    real = grid_module._draw_tiled

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        done = real(*args, **kwargs)
        used.append(done)
        return done

    monkeypatch.setattr(grid_module, "_draw_tiled", spy)
    return used


def test_the_tiled_grid_has_the_lines_pixels(qapp: QApplication, tiles_used: list[bool]) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(22)
    cases = 0
    for background, colour in THEMES:
        for scale in (0.6, 1.0, 1.5, 0.75, 0.5, 2.0, 0.35, 0.7, 1.2):
            for trial in range(6):
                scroll_x, scroll_y = rng.randint(-500, 60000), rng.randint(-500, 40000)
                transform = QTransform(scale, 0, 0, scale, -scroll_x, -scroll_y)
                if trial % 2:  # a strip exposed by a scroll, a box's repaint
                    x, y = rng.randint(0, W - 3), rng.randint(0, H - 3)
                    clip = QRect(x, y, rng.randint(2, W - x), rng.randint(2, H - y))
                else:
                    clip = QRect(0, 0, W, H)
                lines = _paint(transform, clip, background, colour, tiled=False)
                tiled = _paint(transform, clip, background, colour, tiled=True)
                assert tiled == lines, (scale, scroll_x, scroll_y, clip)
                cases += 1
    # The whole-pixel zooms (60 %, 100 %, 150 %, 75 %, 50 %, 200 %) drew from tiles.
    assert tiles_used.count(True) >= cases // 2
    assert len(tiles_used) == cases


def test_a_tile_is_drawn_once_per_zoom_and_phase(
    qapp: QApplication, tiles_used: list[bool]
) -> None:  # type: ignore[no-untyped-def]
    grid_module._TILES.clear()
    background, colour = THEMES[0]
    for scroll in (0, 24, 48, 240):  # the same phase of a 24-pixel period at 60 %
        _paint(
            QTransform(0.6, 0, 0, 0.6, -scroll, -scroll),
            QRect(0, 0, W, H),
            background,
            colour,
            tiled=True,
        )
    assert tiles_used == [True] * 4
    assert len(grid_module._TILES) == 1


def test_the_canvas_paints_the_same_grid_and_an_export_draws_its_lines(  # type: ignore[no-untyped-def]
    qtbot, launch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ``dr-designer gui``: the canvas at the zooms a user reaches (the opening's
    60 %, 100 %, zoomed in and out) and scrolled, grabbed with the tile and with the
    lines one by one: the same pixels. The scene rendered for an export draws lines."""
    real = grid_module._draw_tiled
    lines_only: list[bool] = []
    used: list[bool] = []

    def tiled_unless_told(*args, **kwargs):  # type: ignore[no-untyped-def]
        done = False if lines_only else real(*args, **kwargs)
        used.append(done)
        return done

    monkeypatch.setattr(grid_module, "_draw_tiled", tiled_unless_told)
    window = launch()
    view = window.view

    scene = view.design_scene
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60_000)
    qtbot.waitUntil(lambda: not window.session.checking, timeout=60_000)
    # The Capacity dock's sizing in too: it restyles the WAN links (labels, widths), and
    # arriving between the two grabs compared it made them differ where no grid is.
    if window.capacity_controller is not None:
        window.capacity_controller.wait()
    QApplication.processEvents()

    def grab(*, tiled: bool) -> tuple[QImage, QImage]:
        """The canvas alone, and in the window (painted at its place in the window's
        pixels, as the screen's frames are: the canvas's part of it)."""
        lines_only[:] = [] if tiled else [True]
        QApplication.processEvents()
        place = QRect(view.viewport().mapTo(window, QPoint(0, 0)), view.viewport().size())
        return view.viewport().grab().toImage(), window.grab().toImage().copy(place)

    for zoom in (0.6, 1.0, 1.5, 0.75):
        view.set_zoom(zoom)
        for _scroll in range(2):
            used.clear()
            assert grab(tiled=True) == grab(tiled=False), zoom
            assert used[:2] == [True, True], zoom  # both grabs drew from tiles
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 37)
            view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 11)
    used.clear()
    lines_only.clear()
    image = QImage(400, 300, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    view.design_scene.render(painter)
    painter.end()
    assert used == []  # a scene rendered for an export: its lines
