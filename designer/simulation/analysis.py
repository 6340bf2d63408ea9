"""N-1 (and N-2) analysis: fail infrastructure elements one (or two) at a time and rank
those whose loss cuts users off or loses data — the single points of failure.

Built for a GUI worker thread: ``progress(done, total)`` is called after every
scenario and cancels the sweep when it returns False; the partial result says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, islice
from typing import Any

from designer.domain.design import Design
from designer.simulation.engine import Impact, Simulator
from designer.simulation.sweep import sweep_elements

__all__ = ["AnalysisResult", "ProgressFn", "SpofEntry", "analyze", "sweep_elements"]

#: ``progress(done, total)``; return False to cancel.
ProgressFn = Callable[[int, int], bool]


@dataclass(frozen=True, slots=True)
class SpofEntry:
    """Elements whose loss (together, for pairs) harms the design, and how much."""

    elements: tuple[str, ...]
    names: tuple[str, ...]
    mailboxes_affected: int
    mailboxes_unavailable: int
    databases_unavailable: tuple[str, ...]
    databases_data_lost: tuple[str, ...]
    users_cut_off: int
    needs_action: bool
    databases_missing_targets: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "elements": list(self.elements),
            "names": list(self.names),
            "mailboxes_affected": self.mailboxes_affected,
            "mailboxes_unavailable": self.mailboxes_unavailable,
            "databases_unavailable": list(self.databases_unavailable),
            "databases_data_lost": list(self.databases_data_lost),
            "users_cut_off": self.users_cut_off,
            "needs_action": self.needs_action,
            "databases_missing_targets": list(self.databases_missing_targets),
        }


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """Harmful failures ranked by mailboxes affected (most first; singles before pairs)."""

    depth: int
    entries: tuple[SpofEntry, ...]
    examined: int
    total: int
    cancelled: bool = False
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "depth": self.depth,
            "examined": self.examined,
            "total": self.total,
            "cancelled": self.cancelled,
            "truncated": self.truncated,
            "single_points_of_failure": [e.to_json() for e in self.entries],
        }


def _entry(sim: Simulator, impact: Impact) -> SpofEntry:
    dbs = sim.prep.dbs
    affected = set(impact.databases_unavailable) | set(impact.databases_data_lost)
    names = tuple(sim.index.by_id[e].name if e in sim.index.by_id else e for e in impact.failed)
    return SpofEntry(
        impact.failed,
        names,
        sum(dbs[d].mailboxes for d in affected),
        impact.mailboxes_lost,
        impact.databases_unavailable,
        impact.databases_data_lost,
        impact.users_cut_off,
        impact.needs_action,
        impact.databases_missing_targets,
    )


def _rank(entries: list[SpofEntry]) -> tuple[SpofEntry, ...]:
    return tuple(
        sorted(
            entries,
            key=lambda e: (-e.mailboxes_affected, -e.users_cut_off, len(e.elements), e.elements),
        )
    )


def analyze(
    design: Design | Simulator,
    depth: int = 1,
    *,
    progress: ProgressFn | None = None,
    max_pairs: int = 20_000,
) -> AnalysisResult:
    """Rank the failures that cut users off or lose data.

    ``depth=1`` fails each swept element alone. ``depth=2`` also fails pairs of
    elements that are harmless alone (at most ``max_pairs`` pairs, in a stable order;
    ``truncated`` says when more existed) and reports the harmful pairs.

    Examples
    --------
    >>> from designer.domain.elements import Site
    >>> analyze(Design(elements=[Site(id="s1", name="Boston")])).examined
    1
    """
    if depth not in (1, 2):
        raise ValueError(f"depth is 1 or 2, not {depth}")
    sim = design if isinstance(design, Simulator) else Simulator(design)
    elements = sweep_elements(sim)
    harmless: list[str] = []
    entries: list[SpofEntry] = []
    n_pairs = 0
    truncated = False
    total = len(elements)
    if depth == 2:
        # Pairs are counted up front from the worst case so the progress bar never shrinks.
        all_pairs = len(elements) * (len(elements) - 1) // 2
        n_pairs = min(all_pairs, max_pairs)
        total += n_pairs
    done = 0
    for element in elements:
        impact = sim.impact([element])
        done += 1
        if impact.harmful:
            entries.append(_entry(sim, impact))
        else:
            harmless.append(element)
        if progress is not None and not progress(done, total):
            return AnalysisResult(depth, _rank(entries), done, total, cancelled=True)
    if depth == 2:
        # Streamed: pairs are made one at a time and never beyond the cap (a list of
        # every pair of 8,000 hosts is 32 million tuples before the first is examined).
        n_harmless = len(harmless)
        all_harmless_pairs = n_harmless * (n_harmless - 1) // 2
        truncated = all_harmless_pairs > max_pairs
        total = len(elements) + min(all_harmless_pairs, max_pairs)
        for pair in islice(combinations(harmless, 2), max_pairs):
            impact = sim.impact(pair)
            done += 1
            if impact.harmful:
                entries.append(_entry(sim, impact))
            if progress is not None and not progress(done, total):
                return AnalysisResult(
                    depth, _rank(entries), done, total, cancelled=True, truncated=truncated
                )
    return AnalysisResult(depth, _rank(entries), done, total, truncated=truncated)
