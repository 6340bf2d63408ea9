"""Reliability analysis of a drawn design: minimal cut sets, availability in nines,
importance of each element, and a Monte Carlo of failures and repairs, all judged by
the failure simulator on the topology graph. Headless (no Qt)."""

from __future__ import annotations

from designer.availability.cutsets import (
    CutSet,
    CutSetFinder,
    CutSetResult,
    TargetCutSets,
    minimal_cut_sets,
)

__all__ = ["CutSet", "CutSetFinder", "CutSetResult", "TargetCutSets", "minimal_cut_sets"]
