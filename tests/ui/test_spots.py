"""RectGrid (label placement's grid of rectangles) answers what a scan of every
rectangle answers: ``any(r.intersects(rect))``, after any sequence of filings."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRectF

from designer.ui.canvas.spots import CELL, RectGrid

# Corners on and around cell borders, sizes from none to several cells, some negative.
_coord = st.one_of(
    st.integers(-4, 4).map(lambda i: i * CELL),
    st.floats(-3 * CELL, 3 * CELL, allow_nan=False),
)
_size = st.one_of(st.just(0.0), st.floats(-2 * CELL, 4 * CELL, allow_nan=False))
_rect = st.builds(QRectF, _coord, _coord, _size, _size)
_odd = st.builds(
    QRectF,
    st.sampled_from([0.0, math.inf, -math.inf, math.nan, 1e300]),
    _coord,
    st.sampled_from([1.0, math.inf, 1e300, math.nan]),
    _size,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.one_of(_rect, _odd)), max_size=40),
    st.lists(st.tuples(st.one_of(_rect, _odd), st.integers(-1, 12)), min_size=1, max_size=12),
)
def test_grid_hits_what_a_scan_hits(
    filings: list[tuple[int, QRectF]], queries: list[tuple[QRectF, int]]
) -> None:
    grid: RectGrid[int] = RectGrid()
    plain: dict[int, QRectF] = {}
    for key, rect in filings:  # a key filed again replaces its rectangle
        grid[key] = rect
        plain[key] = rect
    assert len(grid) == len(plain)
    for rect, skip in queries:
        scan = any(k != skip and r.intersects(rect) for k, r in plain.items())
        assert grid.hits(rect, skip) == scan
        assert grid.meeting(rect, lambda k, q: plain[k].intersects(q)) == any(
            r.intersects(rect) for r in plain.values()
        )


def test_grid_finds_rectangles_meeting_across_cell_borders() -> None:
    grid: RectGrid[str] = RectGrid()
    grid["a"] = QRectF(CELL - 5, CELL - 5, 10, 10)  # over the corner of four cells
    grid["b"] = QRectF(-3 * CELL, 0, 6 * CELL, 4)  # a long thin one over six cells
    grid["n"] = QRectF(-10, -10, 5, 5)  # left of and above the origin
    assert grid.hits(QRectF(-9, -9, 1, 1))
    assert grid.hits(QRectF(-CELL - 1, 1, 2, 1))
    assert grid.hits(QRectF(CELL + 1, CELL + 1, 2, 2))
    assert not grid.hits(QRectF(CELL + 1, CELL + 1, 2, 2), "a")
    assert grid.hits(QRectF(2 * CELL + 7, 1, 1, 1))
    assert not grid.hits(QRectF(CELL + 5, CELL + 5, 3, 3))  # touching is not meeting
    grid["a"] = QRectF(10 * CELL, 10 * CELL, 5, 5)  # moved: not where it was
    assert not grid.hits(QRectF(CELL, CELL, 2, 2))
    assert grid.hits(QRectF(10 * CELL + 1, 10 * CELL + 1, 1, 1))
