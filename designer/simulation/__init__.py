"""Headless failure simulation: scenarios, timelines, RPO/RTO and N-1 analysis.

Pure and deterministic; no Qt. A GUI prepares one :class:`Simulator` per design
snapshot and reuses it for every scenario, and runs :func:`analyze` in a worker thread
with a ``progress(done, total) -> bool`` callback that can cancel it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from designer.simulation.sweep import sweep_elements

if TYPE_CHECKING:
    from designer.simulation.analysis import AnalysisResult, ProgressFn, SpofEntry, analyze

#: The N-1 analysis's names, imported when first asked for: the capacity sizing (the
#: CAP rules of ``check``) fails the same elements (:func:`sweep_elements`) but ranks
#: nothing, and need not make its classes at every start (issue 10).
_ANALYSIS = ("AnalysisResult", "ProgressFn", "SpofEntry", "analyze")


def __getattr__(name: str) -> Any:
    if name in _ANALYSIS:
        from designer.simulation import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
