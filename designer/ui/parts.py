"""A widget built a part at a time: its construction as a generator that yields between
parts, run at once or one part per event-loop turn.

Simulation mode and the Availability feature are built after a big design's first
frame in the window's idle slices; each was one turn of the UI thread (pyqtgraph's
plots: ~30 and ~17 ms CPU at 100,000 elements, 50–70 ms of wall time on a busy machine:
the one idle turn over 50 ms after opening). Built in parts, no turn holds more than one
plot. A constructor taking ``in_parts=True`` leaves its parts to :meth:`Parts.step`
(the window's slices) and :meth:`Parts.finish` (whoever needs the object whole first:
F5, a menu entry); otherwise it runs them all at once, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["Parts", "plot_frame"]


class Parts:
    """The rest of a build: ``parts`` yields after each part but the last."""

    def __init__(self, parts: Iterator[None]) -> None:
        self._parts: Iterator[None] | None = parts

    @property
    def done(self) -> bool:
        return self._parts is None

    def step(self) -> bool:
        """Run the next part; whether the build is over (the last part ends it: no call
        is left with nothing to do)."""
        if self._parts is not None:
            try:
                next(self._parts)
            except StopIteration:
                self._parts = None
        return self._parts is None

    def cancel(self) -> None:
        """Drop the parts left (a window closed before its idle build ended): the
        generator's frame would otherwise hold the half-built object and the window in a
        cycle that only the cyclic collector frees, which clears the widgets' attributes
        before Qt deletes them and calls their overrides."""
        parts, self._parts = self._parts, None
        close = getattr(parts, "close", None)
        if close is not None:
            close()

    def finish(self) -> None:
        """Run every part left."""
        while not self.step():
            pass


def plot_frame(**axes: Any) -> dict[str, Any]:
    """A pyqtgraph plot's view box and its left and bottom axes (``axes``: the plot's
    own, by side), made a part ahead of the plot: ``addPlot(**frame)`` or
    ``PlotWidget(**frame)`` then makes the rest. Made with the plot, they were about
    half of its ~15 ms of CPU, the heaviest turns of the builds after a big design's
    first frame (wave 24). Not the top and right axes: pyqtgraph shows every axis it is
    given (``PlotItem.setAxisItems``), and those two are hidden."""
    import pyqtgraph as pg  # (this module is imported before the first frame)

    return {
        "viewBox": pg.ViewBox(),
        "axisItems": {side: axes.get(side) or pg.AxisItem(side) for side in ("left", "bottom")},
    }
