"""The canvas's background grid: thin antialiased lines every ``step`` scene units.

Drawn line by line, the grid was ~24 M instructions of a big design's first paint (Qt's
antialiased cosmetic lines: a blend per pixel of each line, ~100,000 at the first view's
60 % zoom). Where the view paints at a zoom whose lines all fall on whole pixels (60 %,
100 %, 150 %...: each ``x * scale + dx`` a whole number, as Qt maps it), every line
covers the same pixels in the same way, one period apart: the grid is copied from a
tile of its own pixels (the background and a period's lines, drawn once by the same
painter settings) and only the exposed rect's edges are drawn line by line (the lines
at and past its right and bottom edges are not drawn, and the background's fill may
cover an edge in part). The pixels are the same as the lines' (tests/ui/test_grid22.py
compares both at many zooms, scroll positions and exposed rects). Anything else (a
zoom whose lines fall between pixels, a 2x screen, an export painting the scene) draws
the lines.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QTransform

__all__ = ["draw_grid", "grid_lines"]

#: Tiles of the grid's pixels, by zoom, phase, colours and render hints (a few: the
#: zooms and scroll phases of a session's recent paints).
_TILES: dict[tuple[object, ...], QPixmap] = {}
_MAX_TILES = 16
#: A tile is at least this many pixels wide (whole periods of the grid): fewer copies.
_TILE_PX = 192


def grid_lines(rect: QRectF, step: float) -> list[QLineF]:
    """The grid's lines across ``rect``: from the last multiple of ``step`` at or before
    its left (top) edge to the last one before its right (bottom) edge."""
    xs, ys = _positions(rect, step)
    return _lines(rect, xs, ys)


def _positions(rect: QRectF, step: float) -> tuple[list[float], list[float]]:
    """Where :func:`grid_lines`'s vertical and horizontal lines are (in Python floats:
    the edges' pass reads them without a call into Qt per line)."""
    xs: list[float] = []
    x = int(rect.left() // step) * step
    while x < rect.right():
        xs.append(x)
        x += step
    ys: list[float] = []
    y = int(rect.top() // step) * step
    while y < rect.bottom():
        ys.append(y)
        y += step
    return xs, ys


def _lines(rect: QRectF, xs: list[float], ys: list[float]) -> list[QLineF]:
    top, bottom, left, right = rect.top(), rect.bottom(), rect.left(), rect.right()
    return [QLineF(x, top, x, bottom) for x in xs] + [QLineF(left, y, right, y) for y in ys]


def draw_grid(
    painter: QPainter,
    rect: QRectF,
    step: float,
    colour: QColor,
    background: QColor,
    *,
    tiled: bool,
) -> None:
    """The grid's lines over ``rect`` (already filled with ``background``); ``tiled``:
    from a tile of its pixels where that gives the same pixels (see the module)."""
    pen = QPen(colour, 1.0)
    pen.setCosmetic(True)
    painter.setPen(pen)
    xs, ys = _positions(rect, step)
    if not (tiled and _draw_tiled(painter, rect, step, pen, background, xs, ys)):
        painter.drawLines(_lines(rect, xs, ys))


def _whole(value: float) -> int | None:
    n = round(value)
    return n if abs(value - n) <= 1e-6 else None


def _on_pixels(xs: list[float], ys: list[float], scale: float, dx: float, dy: float) -> bool:
    """Whether each line falls on a whole pixel, mapped as Qt maps it."""
    return all((x * scale + dx).is_integer() for x in xs) and all(
        (y * scale + dy).is_integer() for y in ys
    )


def _draw_tiled(
    painter: QPainter,
    rect: QRectF,
    step: float,
    pen: QPen,
    background: QColor,
    xs: list[float],
    ys: list[float],
) -> bool:
    world = painter.worldTransform()
    if (
        world.m12() != 0.0
        or world.m21() != 0.0
        or world.isRotating()
        or world.m11() != world.m22()
        or background.alpha() != 255
    ):
        return False
    device = painter.device()
    if device is None or device.devicePixelRatioF() != 1.0:
        return False
    # The widget's place in the window's backing store (the painter's redirection):
    # a whole-pixel translation from the world's coordinates to the device's.
    painter.save()
    painter.resetTransform()
    base = painter.deviceTransform()
    painter.restore()
    ox, oy = _whole(base.dx()), _whole(base.dy())
    if ox is None or oy is None or base != QTransform.fromTranslate(base.dx(), base.dy()):
        return False
    to_device = painter.deviceTransform()
    if to_device != world * base:
        return False
    scale = world.m11()
    n = _whole(step * scale)
    dx, dy = to_device.dx(), to_device.dy()
    px, py = _whole(dx), _whole(dy)
    mapped = to_device.mapRect(rect)
    edges = [_whole(v) for v in (mapped.left(), mapped.top(), mapped.right(), mapped.bottom())]
    if n is None or n < 2 or px is None or py is None:
        return False
    left, top, right, bottom = edges
    if left is None or top is None or right is None or bottom is None:
        return False
    if right - left < 3 or bottom - top < 3 or not _on_pixels(xs, ys, scale, dx, dy):
        return False
    size = n * math.ceil(_TILE_PX / n)
    hints = painter.renderHints()
    key = (scale, step, px % n, py % n, size, pen.color().rgba(), background.rgba(), hints)
    tile = _TILES.get(key)
    if tile is None:
        made = _tile(size, scale, step, px % n, py % n, pen, background, hints)
        if made is None:
            return False
        if len(_TILES) >= _MAX_TILES:
            _TILES.clear()
        tile = _TILES[key] = made
    # The tile inside; the edges as the lines draw them. (Device pixels, drawn from the
    # world's coordinates less the redirection.)
    painter.save()
    painter.resetTransform()
    shift_x, shift_y = px - px % n, py - py % n
    painter.drawTiledPixmap(
        QRect(left + 1 - ox, top + 1 - oy, right - left - 2, bottom - top - 2),
        tile,
        QPoint((left + 1 - shift_x) % size, (top + 1 - shift_y) % size),
    )
    painter.restore()
    width, height = right - left, bottom - top
    for strip in (
        QRect(left, top, width, 1),
        QRect(left, bottom - 1, width, 1),
        QRect(left, top + 1, 1, height - 2),
        QRect(right - 1, top + 1, 1, height - 2),
    ):
        near = _near(rect, xs, ys, strip, scale, dx, dy)
        if not near:
            continue
        painter.save()
        painter.resetTransform()
        painter.setClipRect(strip.translated(-ox, -oy), Qt.ClipOperation.IntersectClip)
        painter.setWorldTransform(world)
        painter.drawLines(near)
        painter.restore()
    return True


#: Pixels of a line kept on each side of an edge's strip: its pixels there are drawn as
#: the whole line's are (an end farther than this changes none of them).
_REACH = 3


def _near(
    rect: QRectF,
    xs: list[float],
    ys: list[float],
    strip: QRect,
    scale: float,
    dx: float,
    dy: float,
) -> list[QLineF]:
    """The parts of the lines that reach into ``strip`` (device pixels): the lines within
    two pixels of it, cut to ``_REACH`` pixels beyond it (their own ends kept where they
    are nearer), so that the clipped pass walks a few pixels of each, not its length."""
    x0, x1 = strip.left(), strip.right() + 1
    y0, y1 = strip.top(), strip.bottom() + 1
    top, bottom, left, right = rect.top(), rect.bottom(), rect.left(), rect.right()
    near = []
    for x in xs:  # vertical: across x, along y
        if x0 - 2 <= x * scale + dx <= x1 + 2:
            start, end = _cut(top, bottom, y0, y1, scale, dy)
            if start <= end:
                near.append(QLineF(x, start, x, end))
    for y in ys:
        if y0 - 2 <= y * scale + dy <= y1 + 2:
            start, end = _cut(left, right, x0, x1, scale, dx)
            if start <= end:
                near.append(QLineF(start, y, end, y))
    return near


def _cut(
    first: float, last: float, lo: int, hi: int, scale: float, offset: float
) -> tuple[float, float]:
    """A line's ends along it (scene units), cut to ``_REACH`` pixels beyond
    ``lo``..``hi`` (device pixels) where they reach farther."""
    start = first if first * scale + offset >= lo - _REACH else (lo - _REACH - offset) / scale
    end = last if last * scale + offset <= hi + _REACH else (hi + _REACH - offset) / scale
    return start, end


def _tile(
    size: int,
    scale: float,
    step: float,
    phase_x: int,
    phase_y: int,
    pen: QPen,
    background: QColor,
    hints: QPainter.RenderHint,
) -> QPixmap | None:
    """``size`` × ``size`` pixels of the background and the grid's lines, drawn at
    ``scale`` with the lines where the view's fall (``phase``: its translation modulo
    the period); None if the tile's lines would not fall on whole pixels."""
    at = QTransform(scale, 0, 0, scale, phase_x, phase_y)
    area = at.inverted()[0].mapRect(QRectF(0, 0, size, size))
    area = area.adjusted(-step, -step, step, step)
    xs, ys = _positions(area, step)
    if not _on_pixels(xs, ys, scale, phase_x, phase_y):
        return None
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(background)
    into = QPainter(image)
    into.setRenderHints(hints)
    into.setWorldTransform(at)
    into.setPen(pen)
    into.drawLines(_lines(area, xs, ys))
    into.end()
    return QPixmap.fromImage(image)
