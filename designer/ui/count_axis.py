"""A pyqtgraph axis that writes its figures as the rest of the window does: "1,000" and
"2,000,000", not pyqtgraph's "1000" and "2e+06". Its own module, imported where a plot
is made: pyqtgraph is not imported before the window's first frame."""

from __future__ import annotations

import pyqtgraph as pg

__all__ = ["CountAxis"]


class CountAxis(pg.AxisItem):
    """An axis of counts or rates (mailboxes, Mbit/s) with thousands separators."""

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing >= 1:
            return [f"{round(v * scale):,}" for v in values]
        return [f"{v * scale:,g}" for v in values]
