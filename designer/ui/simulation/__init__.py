"""Simulation mode: click to fail, animated failover, timeline, results, N-1 overlay."""

from __future__ import annotations

from designer.ui.simulation.controller import SimulationController
from designer.ui.simulation.mode import SimulationMode

__all__ = ["SimulationController", "SimulationMode"]
