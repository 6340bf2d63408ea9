"""Headless failure simulation: scenarios, timelines, RPO/RTO and N-1 analysis.

Pure and deterministic; no Qt. A GUI prepares one :class:`Simulator` per design
snapshot and reuses it for every scenario, and runs :func:`analyze` in a worker thread
with a ``progress(done, total) -> bool`` callback that can cancel it.
"""

from __future__ import annotations

from designer.simulation.analysis import (
    AnalysisResult,
    ProgressFn,
    SpofEntry,
    analyze,
    sweep_elements,
)
from designer.simulation.engine import ADMIN_ACTIONS, Impact, SimulationError, Simulator, simulate
from designer.simulation.results import (
    Action,
    DagState,
    DatabaseState,
    Event,
    SimulationResult,
    SiteState,
    StepState,
)
from designer.simulation.run_state import DbRun, Settled

__all__ = [
    "ADMIN_ACTIONS",
    "Action",
    "AnalysisResult",
    "DagState",
    "DatabaseState",
    "DbRun",
    "Event",
    "Impact",
    "ProgressFn",
    "Settled",
    "SimulationError",
    "SimulationResult",
    "Simulator",
    "SiteState",
    "SpofEntry",
    "StepState",
    "analyze",
    "simulate",
    "sweep_elements",
]
