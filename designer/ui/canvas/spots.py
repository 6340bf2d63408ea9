"""Rectangles filed in a grid of cells, for the question label placement asks of every
spot it tries: does this rectangle meet one of them? A scan of every rectangle per spot
made placing the labels of hundreds of lines (Select All) quadratic: the grid asks only
the rectangles filed in the cells the spot touches, with the same test
(``QRectF.intersects``), so the answer is the scan's."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

from PySide6.QtCore import QRectF

__all__ = ["CELL", "RectGrid"]

#: The side of a cell (scene units): a few labels wide, about a leaf box.
CELL = 256.0
#: A rectangle over more cells than this is not filed by cell but asked every time.
MAX_CELLS = 4096

K = TypeVar("K", bound=Hashable)

_Cells = tuple[int, int, int, int]


_EMPTY = "empty"
_EVERYWHERE = "everywhere"


def _cells(rect: QRectF) -> _Cells | str:
    """The cells (x0, y0, x1, y1, inclusive) a rectangle's closed area touches;
    ``_EMPTY`` when it has no area (``QRectF.intersects`` is false for it either way),
    ``_EVERYWHERE`` when it is not finite or spans more than :data:`MAX_CELLS`."""
    x0, y0, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    if not all(map(math.isfinite, (x0, y0, w, h))):
        return _EVERYWHERE
    if not (w and h):
        return _EMPTY
    x1, y1 = x0 + w, y0 + h
    if x1 < x0:
        x0, x1 = x1, x0
    if y1 < y0:
        y0, y1 = y1, y0
    cx0, cy0 = math.floor(x0 / CELL), math.floor(y0 / CELL)
    cx1, cy1 = math.floor(x1 / CELL), math.floor(y1 / CELL)
    if (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > MAX_CELLS:
        return _EVERYWHERE
    return (cx0, cy0, cx1, cy1)


class RectGrid(Generic[K]):
    """key → rectangle, filed by cell; :meth:`hits` is ``any(r.intersects(rect) for
    every filed r but skip's)`` and :meth:`meeting` the keys that pass ``test``."""

    __slots__ = ("_at", "_grid", "_loose", "_rects")

    def __init__(self) -> None:
        self._rects: dict[K, QRectF] = {}
        self._at: dict[K, _Cells | str] = {}
        self._grid: dict[tuple[int, int], set[K]] = {}
        #: The rectangles asked every time (see :func:`_cells`).
        self._loose: set[K] = set()

    def __len__(self) -> int:
        return len(self._rects)

    def __contains__(self, key: object) -> bool:
        return key in self._rects

    def __getitem__(self, key: K) -> QRectF:
        return self._rects[key]

    def __setitem__(self, key: K, rect: QRectF) -> None:
        if key in self._rects:
            self._unfile(key)
        self._rects[key] = rect
        cells = self._at[key] = _cells(rect)
        if cells is _EMPTY:
            return  # meets nothing
        if cells is _EVERYWHERE:
            self._loose.add(key)
            return
        assert not isinstance(cells, str)
        grid = self._grid
        x0, y0, x1, y1 = cells
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                filed = grid.get((cx, cy))
                if filed is None:
                    grid[(cx, cy)] = {key}
                else:
                    filed.add(key)

    def _unfile(self, key: K) -> None:
        cells = self._at.pop(key)
        if isinstance(cells, str):
            self._loose.discard(key)
            return
        grid = self._grid
        x0, y0, x1, y1 = cells
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                grid[(cx, cy)].discard(key)

    def _near(self, rect: QRectF) -> Iterator[K]:
        """The keys filed in the cells ``rect`` touches (a key once per cell), and the
        loose ones; every key if ``rect`` itself is loose."""
        cells = _cells(rect)
        if cells is _EMPTY:
            return
        if isinstance(cells, str):
            yield from self._rects
            return
        yield from self._loose
        grid = self._grid
        x0, y0, x1, y1 = cells
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                filed = grid.get((cx, cy))
                if filed:
                    yield from filed

    def hits(self, rect: QRectF, skip: object = None) -> bool:
        """Whether a filed rectangle (but ``skip``'s) meets ``rect``."""
        rects = self._rects
        return any(k != skip and rects[k].intersects(rect) for k in self._near(rect))

    def meeting(self, rect: QRectF, test: Callable[[K, QRectF], bool]) -> bool:
        """Whether ``test(key, rect)`` holds for a key filed near ``rect``."""
        return any(test(k, rect) for k in self._near(rect))
