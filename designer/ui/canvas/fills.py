"""Rectangles filled with one colour, without making QGradient's Python type for the first
frame (issue 10, wave 24 ``open24a``).

PySide makes a Qt class's Python type on its first use, its Python enums with it. The
first ``QPainter.fillRect`` call of a process (any overload: its resolution weighs
``fillRect(QRect, QGradient.Preset)``) makes QGradient's, whose ``Preset`` enum has ~180
members: ~12.5 M instructions (~4 ms), paid in a big design's first frame by the scene's
background, the Overview's and the boxes' accent bars; so does the one-argument
``QBrush(color)`` (it weighs ``QBrush(QGradient)``; the theme and the lines give the
brush style). :func:`fill_rect` fills the same pixels (``drawRect`` of the rectangle with
no pen and a solid brush, the painter's state saved and restored round it) until the type
exists, then calls ``fillRect``: the window makes the type in its first idle turn after
the first frame (:func:`make_gradients`), and so does :func:`fill_rect` itself after
:data:`SLOW_FILLS` fills (an export, a test's scene: ~4 µs a fill the slow way against
~1 µs), so the slow way costs a process a few milliseconds at most.

A hot caller tests :data:`ready` itself and calls ``painter.fillRect`` when it is true
(the boxes far out, a fill per box in the Overview's picture of a big design).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter

__all__ = ["SLOW_FILLS", "fill_rect", "make_gradients", "ready"]

#: QGradient's Python type exists: ``painter.fillRect`` costs no more than the fill.
ready = False
#: Fills the slow way before :func:`fill_rect` makes the type itself (a painting without
#: the window: an export, a test).
SLOW_FILLS = 1000

_NO_PEN = Qt.PenStyle.NoPen
_SOLID = Qt.BrushStyle.SolidPattern
_slow = 0


def fill_rect(painter: QPainter, rect: QRectF | QRect, color: QColor | QBrush) -> None:
    """``painter.fillRect(rect, color)``: the same pixels, without making QGradient's
    Python type while it does not exist yet (see the module's docstring)."""
    global _slow
    if ready:
        painter.fillRect(rect, color)
        return
    painter.save()  # the pen and brush given back (cheaper than reading and setting them)
    painter.setPen(_NO_PEN)
    painter.setBrush(color if isinstance(color, QBrush) else QBrush(color, _SOLID))
    painter.drawRect(rect if isinstance(rect, QRectF) else QRectF(rect))
    painter.restore()
    _slow += 1
    if _slow >= SLOW_FILLS:
        make_gradients()


def make_gradients() -> None:
    """QGradient's Python type made now (~12.5 M instructions): the window calls it in an
    idle turn after its first frame; fills then go through ``fillRect``."""
    global ready
    if ready:
        return
    from PySide6.QtGui import QGradient

    ready = QGradient is not None
