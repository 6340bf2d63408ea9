"""Availability in nines, expected downtime and importance, from the minimal cut sets
(rare-event approximation) and from a Monte Carlo of failures and repairs.

With ``q_e = MTTR_e / (MTBF_e + MTTR_e)`` the steady-state unavailability of element
``e``, and the minimal cut sets ``C`` of a target (a database; a site's users: one of
their databases down), failures being independent:

* unavailability ``U ≈ Σ_C Π_{e∈C} q_e`` (the rare-event approximation: the sum of the
  cut sets' probabilities, an upper bound that is tight while the ``q`` are small);
  availability ``A = 1 − U``, nines ``−log10 U``, downtime ``U × 525,960`` minutes a
  year (365.25 days);
* Birnbaum importance ``I_B(e) = ∂U/∂q_e = Σ_{C∋e} Π_{f∈C, f≠e} q_f``: how much the
  target's unavailability moves per unit of ``e``'s;
* Fussell–Vesely importance ``FV(e) = Σ_{C∋e} Π_{f∈C} q_f / U``: the share of the
  target's downtime in which ``e`` takes part — the box to double first.

For the whole design both are weighted by mailboxes (expected mailbox-downtime).
Availability is that of the settled states: failover transients (a minute of DAG
failover, a couple of vSphere HA restart) are not counted, and no administrator ever
acts (a database waiting for a switchover or a recovery plan is down until repairs).
Cut sets beyond ``order`` are left out (each costs a further factor of ``q``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from designer.availability.cutsets import (
    DEFAULT_ORDER,
    CutSetFinder,
    CutSetResult,
    TargetCutSets,
)
from designer.availability.figures import (
    KIND_PLURALS,
    MINUTES_PER_YEAR,
    FigureTable,
    figures_of,
)
from designer.availability.montecarlo import (
    MonteCarloResult,
    MonteCarloSetup,
    default_workers,
    run_monte_carlo,
)
from designer.domain.design import Design
from designer.domain.errors import DesignError
from designer.simulation.engine import Simulator

__all__ = [
    "AvailabilityReport",
    "ElementImportance",
    "NoFiguresError",
    "PhaseProgress",
    "TargetAvailability",
    "analyze_availability",
    "importance",
    "nines",
    "rare_event_unavailability",
]

#: ``progress(phase, done, total)`` with phase "cut sets" or "Monte Carlo"; False cancels.
PhaseProgress = Callable[[str, int, int], bool]


class NoFiguresError(DesignError):
    """The design gives no failure figures at all (and no published default applies)."""


def nines(unavailability: float) -> float:
    """``−log10 U`` (infinite for U = 0).

    Examples
    --------
    >>> nines(1e-4), nines(0.0)
    (4.0, inf)
    """
    return math.inf if unavailability <= 0 else -math.log10(unavailability)


def rare_event_unavailability(
    cut_sets: Iterable[Iterable[str]], q: Callable[[str], float]
) -> float:
    """``Σ_C Π_{e∈C} q(e)`` over the minimal cut sets.

    Examples
    --------
    Two elements in series (either one down takes the target down): ``q1 + q2``.

    >>> rare_event_unavailability([["a"], ["b"]], {"a": 1e-3, "b": 2e-3}.get)
    0.003
    """
    return float(sum(math.prod(q(e) for e in c) for c in cut_sets))


def importance(
    cut_sets: Iterable[Iterable[str]], q: Callable[[str], float]
) -> dict[str, tuple[float, float]]:
    """Element → (Birnbaum, Fussell–Vesely) over the minimal cut sets.

    Examples
    --------
    Parallel pair {a, b} in series with c: ``U = qa·qb + qc``.

    >>> q = {"a": 0.1, "b": 0.2, "c": 0.01}.get
    >>> {e: (round(b, 4), round(f, 4)) for e, (b, f) in importance([["a", "b"], ["c"]], q).items()}
    {'a': (0.2, 0.6667), 'b': (0.1, 0.6667), 'c': (1.0, 0.3333)}
    """
    sets = [tuple(c) for c in cut_sets]
    total = sum(math.prod(q(e) for e in c) for c in sets)
    birnbaum: dict[str, float] = {}
    share: dict[str, float] = {}
    for c in sets:
        p = math.prod(q(e) for e in c)
        for e in c:
            birnbaum[e] = birnbaum.get(e, 0.0) + math.prod(q(f) for f in c if f != e)
            share[e] = share.get(e, 0.0) + p
    return {e: (birnbaum[e], share[e] / total if total > 0 else 0.0) for e in birnbaum}


@dataclass(frozen=True, slots=True)
class TargetAvailability:
    """One database's (or one site's users') availability."""

    kind: str
    id: str
    name: str
    mailboxes: int
    #: Rare-event approximation over the cut sets (1.0 when down with nothing failed).
    unavailability: float
    cut_sets: int
    #: Cut sets with an element without figures (counted as never failing).
    unmodelled_cut_sets: int
    down_already: bool
    #: Monte Carlo: (unavailability, half-width of the 95 % interval), or None.
    monte_carlo: tuple[float, float] | None = None

    @property
    def availability(self) -> float:
        return 1.0 - self.unavailability

    @property
    def nines(self) -> float:
        return nines(self.unavailability)

    @property
    def downtime_min_per_year(self) -> float:
        return self.unavailability * MINUTES_PER_YEAR

    @property
    def agrees(self) -> bool | None:
        """Whether the cut-set figure lies in the Monte Carlo's 95 % interval."""
        if self.monte_carlo is None or self.down_already:
            return None
        u, half = self.monte_carlo
        return abs(self.unavailability - u) <= half

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "mailboxes": self.mailboxes,
            "down_already": self.down_already,
            "unavailability": self.unavailability,
            "availability": self.availability,
            "nines": None if math.isinf(self.nines) else self.nines,
            "downtime_min_per_year": self.downtime_min_per_year,
            "cut_sets": self.cut_sets,
            "unmodelled_cut_sets": self.unmodelled_cut_sets,
        }
        if self.monte_carlo is not None:
            u, half = self.monte_carlo
            data["monte_carlo"] = {
                "unavailability": u,
                "ci95": [max(0.0, u - half), u + half],
                "downtime_min_per_year": u * MINUTES_PER_YEAR,
                "downtime_min_per_year_ci95": [
                    max(0.0, u - half) * MINUTES_PER_YEAR,
                    (u + half) * MINUTES_PER_YEAR,
                ],
                "agrees_with_cut_sets": self.agrees,
            }
        return data


@dataclass(frozen=True, slots=True)
class ElementImportance:
    element: str
    name: str
    kind: str
    birnbaum: float
    fussell_vesely: float

    def to_json(self) -> dict[str, Any]:
        return {
            "element": self.element,
            "name": self.name,
            "kind": self.kind,
            "birnbaum": self.birnbaum,
            "fussell_vesely": self.fussell_vesely,
        }


@dataclass(frozen=True)
class AvailabilityReport:
    """Everything ``dr-designer availability`` prints and the Availability panel shows."""

    design_name: str
    order: int
    figures: FigureTable
    cut_sets: CutSetResult
    databases: tuple[TargetAvailability, ...]
    sites: tuple[TargetAvailability, ...]
    #: Design-wide, mailbox-weighted; largest Fussell–Vesely first.
    importance: tuple[ElementImportance, ...]
    monte_carlo: MonteCarloResult | None = None
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _kinds: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def target_importance(self, kind: str, target_id: str) -> tuple[ElementImportance, ...]:
        """The importance of each element for one database or site's users."""
        target = (
            self.cut_sets.database(target_id)
            if kind == "database"
            else self.cut_sets.site(target_id)
        )
        if target is None:
            return ()
        return self._ranked(importance((c.elements for c in target.cut_sets), self.figures.q))

    def _ranked(self, values: dict[str, tuple[float, float]]) -> tuple[ElementImportance, ...]:
        rows = [
            ElementImportance(e, self._names.get(e, e), self._kinds.get(e, ""), b, fv)
            for e, (b, fv) in values.items()
            if b > 0 or fv > 0
        ]
        return tuple(sorted(rows, key=lambda r: (-r.fussell_vesely, -r.birnbaum, r.element)))

    @property
    def user_supplied(self) -> bool:
        return self.figures.all_user_supplied

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "design": self.design_name,
            "order": self.order,
            "method": {
                "cut_sets": "rare-event approximation: U ≈ Σ over minimal cut sets of Π q, "
                "q = MTTR / (MTBF + MTTR)",
                "states": "settled states, no administrator action, failover transients "
                "not counted",
                "year_minutes": MINUTES_PER_YEAR,
            },
            "figures": {
                "user_supplied": self.user_supplied,
                "elements": {e: f.to_json() for e, f in sorted(self.figures.figures.items())},
                "without_figures_never_fail": self.figures.missing,
            },
            "databases": [t.to_json() for t in self.databases],
            "sites": [t.to_json() for t in self.sites],
            "importance": [i.to_json() for i in self.importance],
        }
        if self.monte_carlo is not None:
            mc = self.monte_carlo
            data["monte_carlo"] = {
                "years": mc.years,
                "seed": mc.seed,
                "chunks": mc.chunks,
                "processes": mc.workers,
                "failures_drawn": mc.failures,
                "states_judged": mc.states_judged,
                "cancelled": mc.cancelled,
                "interval": "95 %, batch means over the chunks",
            }
        return data


def monte_carlo_setup(
    design: Design, sim: Simulator, figures: FigureTable, cut_sets: CutSetResult
) -> tuple[MonteCarloSetup, list[TargetCutSets]]:
    """The Monte Carlo's elements (every one with figures) and targets (each database
    served with nothing failed, then each site's users over those databases)."""
    elements = sorted(figures.figures)
    targets: list[TargetCutSets] = []
    dbs_of: list[tuple[str, ...]] = []
    for target in cut_sets.databases:
        if not target.down_already:
            targets.append(target)
            dbs_of.append((target.id,))
    served = {t.id for t in targets}
    for target in cut_sets.sites:
        dbs = tuple(d for d in sim.prep.dbs_of_user_site.get(target.id, []) if d in served)
        if dbs:
            targets.append(target)
            dbs_of.append(dbs)
    setup = MonteCarloSetup(
        design,
        tuple(elements),
        tuple(figures.figures[e].mtbf_h for e in elements),
        tuple(figures.figures[e].mttr_h for e in elements),
        tuple(dbs_of),
    )
    return setup, targets


def analyze_availability(
    design_or_sim: Design | Simulator,
    *,
    order: int = DEFAULT_ORDER,
    years: int = 0,
    seed: int = 0,
    workers: int | None = None,
    progress: PhaseProgress | None = None,
    cut_sets: CutSetResult | None = None,
) -> AvailabilityReport:
    """Cut sets, availability and importance; with ``years`` > 0 also a Monte Carlo of
    that many years (seeded; ``workers`` processes). Raises :class:`NoFiguresError`
    when no element has figures."""
    sim = design_or_sim if isinstance(design_or_sim, Simulator) else Simulator(design_or_sim)
    design = sim.design
    finder = CutSetFinder(sim, order, workers=workers or default_workers())
    kinds = finder.kinds
    figures = figures_of(design, ((n, k) for n, k in kinds.items()))
    if not figures.figures:
        listed = ", ".join(KIND_PLURALS[k] for k in figures.missing) or "none"
        raise NoFiguresError(
            "the design gives no failure figures (MTBF, MTTR): none is published for "
            f"its kinds ({listed}), so state them in its reliability table per kind, or "
            "on the elements"
        )
    if cut_sets is None:
        phase = None if progress is None else (lambda d, t: progress("cut sets", d, t))
        cut_sets = finder.find(progress=phase)
    q = figures.q
    modelled = figures.figures

    def target_row(target: TargetCutSets) -> TargetAvailability:
        sets = [c.elements for c in target.cut_sets]
        unmodelled = sum(1 for c in sets if any(e not in modelled for e in c))
        u = (
            1.0
            if target.down_already and target.kind == "database"
            else (rare_event_unavailability(sets, q))
        )
        return TargetAvailability(
            target.kind,
            target.id,
            target.name,
            target.mailboxes,
            min(1.0, u),
            len(sets),
            unmodelled,
            target.down_already,
        )

    databases = [target_row(t) for t in cut_sets.databases]
    sites = [target_row(t) for t in cut_sets.sites]
    mc: MonteCarloResult | None = None
    if years > 0 and not cut_sets.cancelled:
        setup, targets = monte_carlo_setup(design, sim, figures, cut_sets)
        phase = None if progress is None else (lambda d, t: progress("Monte Carlo", d, t))
        mc = run_monte_carlo(setup, years, seed, workers=workers, sim=sim, progress=phase)
        found = {
            (t.kind, t.id): (mc.unavailability[i], mc.half_width[i]) for i, t in enumerate(targets)
        }
        databases = [_with_mc(r, found) for r in databases]
        sites = [_with_mc(r, found) for r in sites]
    names = {e: finder.name(e) for e in kinds}
    # Design-wide importance: weighted by each database's mailboxes.
    weighted: dict[str, list[float]] = {}
    total_mailboxes = sum(t.mailboxes for t in cut_sets.databases if not t.down_already) or 1
    expected = sum(row.mailboxes * row.unavailability for row in databases if not row.down_already)
    for target in cut_sets.databases:
        if target.down_already:
            continue
        for element, (b, _) in importance((c.elements for c in target.cut_sets), q).items():
            shares = weighted.setdefault(element, [0.0, 0.0])
            shares[0] += target.mailboxes * b / total_mailboxes
        for c in target.cut_sets:
            p = math.prod(q(e) for e in c.elements)
            for element in c.elements:
                weighted.setdefault(element, [0.0, 0.0])[1] += target.mailboxes * p
    report = AvailabilityReport(
        design.name,
        order,
        figures,
        cut_sets,
        tuple(databases),
        tuple(sites),
        (),
        mc,
        names,
        dict(kinds),
    )
    ranked = report._ranked(
        {e: (b, share / expected if expected > 0 else 0.0) for e, (b, share) in weighted.items()}
    )
    return AvailabilityReport(
        design.name,
        order,
        figures,
        cut_sets,
        tuple(databases),
        tuple(sites),
        ranked,
        mc,
        names,
        dict(kinds),
    )


def _with_mc(
    row: TargetAvailability, found: dict[tuple[str, str], tuple[float, float]]
) -> TargetAvailability:
    value = found.get((row.kind, row.id))
    if value is None:
        return row
    return TargetAvailability(
        row.kind,
        row.id,
        row.name,
        row.mailboxes,
        row.unavailability,
        row.cut_sets,
        row.unmodelled_cut_sets,
        row.down_already,
        value,
    )
