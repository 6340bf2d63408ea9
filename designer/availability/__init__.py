"""Reliability analysis of a drawn design: minimal cut sets, availability in nines,
expected downtime, Birnbaum and Fussell–Vesely importance, and a Monte Carlo of
failures and repairs, all judged by the failure simulator on the topology graph.
Headless (no Qt)."""

from __future__ import annotations

from designer.availability.analysis import (
    AvailabilityReport,
    ElementImportance,
    NoFiguresError,
    TargetAvailability,
    analyze_availability,
    importance,
    nines,
    rare_event_unavailability,
)
from designer.availability.cutsets import (
    CutSet,
    CutSetFinder,
    CutSetResult,
    TargetCutSets,
    minimal_cut_sets,
)
from designer.availability.figures import Figures, FigureTable, figures_of
from designer.availability.montecarlo import MonteCarloResult, run_monte_carlo

__all__ = [
    "AvailabilityReport",
    "CutSet",
    "CutSetFinder",
    "CutSetResult",
    "ElementImportance",
    "FigureTable",
    "Figures",
    "MonteCarloResult",
    "NoFiguresError",
    "TargetAvailability",
    "TargetCutSets",
    "analyze_availability",
    "figures_of",
    "importance",
    "minimal_cut_sets",
    "nines",
    "rare_event_unavailability",
    "run_monte_carlo",
]
