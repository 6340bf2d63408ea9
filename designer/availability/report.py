"""The review report's Availability sections (``designer.interop.review``'s provider
hook): per database and per site's users, the minimal cut sets up to order
:data:`REPORT_ORDER` and, with failure figures, availability, nines and downtime from
them (rare-event approximation; the report runs no Monte Carlo), then the elements
that matter most. The figures are said to be user-supplied, with their sources.
"""

from __future__ import annotations

import math

from designer.availability.analysis import NoFiguresError, analyze_availability
from designer.availability.cutsets import CutSetFinder
from designer.availability.figures import KIND_LABELS, MINUTES_PER_YEAR, percent_text
from designer.domain.design import Design
from designer.interop.review import CapacitySection, register_availability_provider
from designer.simulation.engine import Simulator

__all__ = ["REPORT_ORDER", "availability_sections", "register"]

#: The largest cut sets the report lists (order 3 can take minutes on a large design).
REPORT_ORDER = 2
#: Cut sets listed per target, at most.
LISTED = 6


def availability_sections(design: Design) -> CapacitySection | None:
    """The report's availability section (one table), or None for a design without
    mailbox databases."""
    if not any(e.kind == "mailbox_database" for e in design.elements):
        return None
    sim = Simulator(design)
    finder = CutSetFinder(sim, REPORT_ORDER)
    cuts = finder.find()
    try:
        report = analyze_availability(sim, order=REPORT_ORDER, cut_sets=cuts)
    except NoFiguresError:
        report = None
    paragraphs = [
        f"Minimal cut sets up to order {REPORT_ORDER}: the smallest sets of elements whose "
        "joint failure leaves a database (or a site's users) without service with no "
        "administrator action, as the failure simulator judges them (quorum, witness "
        "and activation count)."
    ]
    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = []
    if report is None:
        paragraphs.append(
            "The design gives no failure figures (MTBF, MTTR), so no availability is "
            "computed; no published source gives them: state them per kind in the design."
        )
        header = ("Target", "Mailboxes", "Order 1", f"Order {REPORT_ORDER}", "Smallest cut sets")
        for target in (*cuts.databases, *cuts.sites):
            listed = "; ".join(" + ".join(c.names) for c in target.cut_sets[:LISTED])
            if len(target.cut_sets) > LISTED:
                listed += f" (and {len(target.cut_sets) - LISTED} more)"
            rows.append(
                (
                    ("" if target.kind == "database" else "users of ") + target.name,
                    f"{target.mailboxes:,}",
                    str(len(target.of_order(1))),
                    str(len(target.of_order(REPORT_ORDER))),
                    listed or "none",
                )
            )
        return CapacitySection("Minimal cut sets", tuple(paragraphs), header, tuple(rows))
    origins = sorted({f.origin for f in report.figures.figures.values()})
    paragraphs.append(
        "Availability from them (rare-event approximation, U = sum over cut sets of the "
        "product of MTTR/(MTBF+MTTR)); settled states, failover transients not counted. "
        f"Failure figures: {'; '.join(origins)}."
    )
    if report.figures.missing:
        paragraphs.append(f"Without figures, taken never to fail: {report.figures.missing_text()}.")
    top = report.importance[:5]
    if top:
        paragraphs.append(
            "Most important (Fussell-Vesely, mailbox-weighted share of the downtime): "
            + "; ".join(
                f"{i.name} ({KIND_LABELS.get(i.kind, i.kind)}) {i.fussell_vesely * 100:.0f} %"
                for i in top
            )
            + "."
        )
    header = ("Target", "Mailboxes", "Availability", "Nines", "Min/year", "Likeliest cut sets")
    by_key = {(t.kind, t.id): t for t in (*cuts.databases, *cuts.sites)}
    q = report.figures.q
    for row in (*report.databases, *report.sites):
        target = by_key[(row.kind, row.id)]
        # the cut sets that take most of the downtime: their product of q, largest first
        likeliest = sorted(target.cut_sets, key=lambda c: -math.prod(map(q, c.elements)))
        listed = "; ".join(" + ".join(c.names) for c in likeliest[:LISTED])
        if len(likeliest) > LISTED:
            listed += f" (and {len(likeliest) - LISTED} more)"
        n = row.nines
        rows.append(
            (
                ("" if row.kind == "database" else "users of ") + row.name,
                f"{row.mailboxes:,}",
                "down" if row.down_already else percent_text(row.availability),
                "—" if row.down_already or math.isinf(n) else f"{n:.1f}",
                "—" if row.down_already else f"{row.unavailability * MINUTES_PER_YEAR:.3g}",
                listed or "none",
            )
        )
    return CapacitySection(
        f"Per database and site's users (cut sets up to order {REPORT_ORDER})",
        tuple(paragraphs),
        header,
        tuple(rows),
    )


def register() -> None:
    """Give the review report its availability section (idempotent)."""
    register_availability_provider(availability_sections)
