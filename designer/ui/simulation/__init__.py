"""Simulation mode: click to fail, animated failover, timeline, results, N-1 overlay.

The names below are imported on first use: importing this package (for the toggle in
``designer.ui.simulation.toggle``) does not import pyqtgraph, numpy or the simulator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from designer.ui.simulation.controller import SimulationController
    from designer.ui.simulation.mode import SimulationMode

__all__ = ["SimulationController", "SimulationMode"]

_HOMES = {
    "SimulationController": "designer.ui.simulation.controller",
    "SimulationMode": "designer.ui.simulation.mode",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
