"""Each element's failure figures: its own, else its kind's in the design, else a
published catalog default (none ships: see ``resources/catalog/reliability.json``).

``q = MTTR / (MTBF + MTTR)`` is the element's steady-state unavailability (the fraction
of time an alternating fail/repair process spends failed), ``1 / MTBF`` its failure rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from designer.catalog import reliability_defaults
from designer.domain.design import Design
from designer.domain.reliability import RELIABILITY_KINDS

__all__ = [
    "HOURS_PER_YEAR",
    "KIND_LABELS",
    "KIND_PLURALS",
    "MINUTES_PER_YEAR",
    "FigureTable",
    "Figures",
    "figures_of",
    "minutes_text",
    "percent_text",
]

#: A year of 365.25 days.
HOURS_PER_YEAR = 8766.0
MINUTES_PER_YEAR = HOURS_PER_YEAR * 60.0

#: Kind → its label in outputs; ``KIND_PLURALS`` the plural.
KIND_LABELS = {
    "site": "site",
    "wan_link": "WAN link",
    "esxi_host": "ESXi host",
    "storage_array": "storage array",
    "storage_processor": "storage processor",
    "load_balancer": "load balancer",
    "file_share_witness": "file share witness",
    "cas_array": "CAS array",
}
KIND_PLURALS = {
    kind: label + "es" if label.endswith("s") else label + "s"
    for kind, label in KIND_LABELS.items()
}


@dataclass(frozen=True, slots=True)
class Figures:
    """MTBF and MTTR of one element (hours), and where they come from."""

    mtbf_h: float
    mttr_h: float
    #: "user-supplied (element)", "user-supplied (kind: SOURCE)", "catalog: SOURCE".
    origin: str

    @property
    def unavailability(self) -> float:
        """Steady-state fraction of time failed: MTTR / (MTBF + MTTR)."""
        return self.mttr_h / (self.mtbf_h + self.mttr_h)

    @property
    def user_supplied(self) -> bool:
        return self.origin.startswith("user-supplied")

    def to_json(self) -> dict[str, Any]:
        return {
            "mtbf_h": self.mtbf_h,
            "mttr_h": self.mttr_h,
            "unavailability": self.unavailability,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class FigureTable:
    """The figures of every element that can fail, and the kinds that have none."""

    figures: dict[str, Figures]
    #: Kind → the elements of that kind present without figures (never fail here).
    missing: dict[str, list[str]]

    def get(self, element: str) -> Figures | None:
        return self.figures.get(element)

    def q(self, element: str) -> float:
        """The element's unavailability (0 for an element without figures)."""
        found = self.figures.get(element)
        return found.unavailability if found is not None else 0.0

    @property
    def all_user_supplied(self) -> bool:
        return all(f.user_supplied for f in self.figures.values())

    def missing_text(self) -> str:
        """ "ESXi hosts (12), CAS arrays (2)": the kinds taken never to fail."""
        return ", ".join(
            f"{KIND_PLURALS.get(kind, kind)} ({len(ids)})" for kind, ids in self.missing.items()
        )


def figures_of(design: Design, elements: Iterable[tuple[str, str]]) -> FigureTable:
    """The figures of ``elements`` ((id, kind) pairs): the element's own ``mtbf_h`` and
    ``mttr_h`` (each falls back alone), its kind's in ``design.reliability``, a catalog
    default; elements with none are listed in ``missing``.

    Examples
    --------
    >>> from designer.domain import Design, KindFigures, ReliabilitySettings, Site
    >>> design = Design(elements=[Site(id="s", name="S", mttr_h=24.0)],
    ...     reliability=ReliabilitySettings(kinds={"site": KindFigures(mtbf_h=87_600, mttr_h=72)}))
    >>> f = figures_of(design, [("s", "site")]).figures["s"]
    >>> f.mtbf_h, f.mttr_h, f.origin
    (87600.0, 24.0, 'user-supplied (element)')
    """
    by_id = {e.id: e for e in design.elements}
    kinds = design.reliability.kinds
    catalog = reliability_defaults()
    found: dict[str, Figures] = {}
    missing: dict[str, list[str]] = {}
    for element_id, kind in elements:
        if kind not in RELIABILITY_KINDS:
            continue
        element = by_id.get(element_id)
        own_mtbf = getattr(element, "mtbf_h", None)
        own_mttr = getattr(element, "mttr_h", None)
        kind_figures = kinds.get(kind)  # type: ignore[call-overload]
        default = catalog.get(kind)
        mtbf: float | None = own_mtbf
        mttr: float | None = own_mttr
        origin = "user-supplied (element)"
        if kind_figures is not None:
            if mtbf is None or mttr is None:
                source = f": {kind_figures.source}" if kind_figures.source else ""
                origin = (
                    "user-supplied (element)"
                    if own_mtbf is not None or own_mttr is not None
                    else f"user-supplied (kind{source})"
                )
            mtbf = mtbf if mtbf is not None else kind_figures.mtbf_h
            mttr = mttr if mttr is not None else kind_figures.mttr_h
        if (mtbf is None or mttr is None) and default is not None:
            if mtbf is None and mttr is None:
                origin = f"catalog: {default.get('source', '')}"
            mtbf = mtbf if mtbf is not None else float(default["mtbf_h"])
            mttr = mttr if mttr is not None else float(default["mttr_h"])
        if mtbf is None or mttr is None:
            missing.setdefault(kind, []).append(element_id)
            continue
        found[element_id] = Figures(float(mtbf), float(mttr), origin)
    return FigureTable(found, dict(sorted(missing.items())))


def percent_text(availability: float) -> str:
    """An availability as a percentage with decimals down to the first digit that is
    not a nine.

    >>> percent_text(0.9999963), percent_text(0.99), percent_text(1.0)
    ('99.99963 %', '99.0 %', '100 %')
    """
    if availability >= 1.0:
        return "100 %"
    if availability <= 0.0:
        return "0 %"
    digits = max(2, min(8, math.ceil(-math.log10(1.0 - availability)) + 1))
    return f"{availability * 100:.{max(0, digits - 2)}f} %"


def minutes_text(value: float) -> str:
    """Minutes (a year) as a table shows them.

    >>> minutes_text(0), minutes_text(0.004), minutes_text(30.234), minutes_text(1234.5)
    ('0', '4.0e-03', '30.23', '1,234')
    """
    if value == 0:
        return "0"
    if value < 0.01:
        return f"{value:.1e}"
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
