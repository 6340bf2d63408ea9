"""``dr-designer analyze --cut-sets`` and ``dr-designer availability``: minimal cut sets,
availability in nines and importance, headless (:mod:`designer.availability`)."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import TYPE_CHECKING

from designer.cli.reading import CliError, read_design

if TYPE_CHECKING:
    from designer.availability import AvailabilityReport, CutSetResult, TargetCutSets
    from designer.availability.analysis import TargetAvailability

__all__ = [
    "availability_text",
    "cmd_availability",
    "cmd_cut_sets",
    "cut_sets_text",
]

_EXIT_FAIL_ON = 1


def cmd_cut_sets(args: argparse.Namespace) -> int:
    from designer.availability import minimal_cut_sets

    conditions = getattr(args, "fail_on", []) or []
    if "targets-missed" in conditions:
        raise CliError("--fail-on targets-missed does not apply to --cut-sets")
    design = read_design(args.file)
    result = minimal_cut_sets(design, args.order or 3, workers=os.cpu_count() or 1)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(cut_sets_text(result))
    if "mailboxes-lost" in conditions:
        single = [t for t in result.databases if t.of_order(1)]
        if single:
            worst = single[0].of_order(1)[0]
            print(
                f"dr-designer: --fail-on mailboxes-lost: {len(single)} database"
                f"{'s' if len(single) != 1 else ''} with a single point of failure "
                f"(e.g. {single[0].name}: {' + '.join(worst.names)})",
                file=sys.stderr,
            )
            return _EXIT_FAIL_ON
    return 0


def _target_title(target: TargetCutSets) -> str:
    what = "database" if target.kind == "database" else "users of site"
    return f"{what} {target.name} ({target.mailboxes:,} mailboxes)"


def cut_sets_text(result: CutSetResult) -> str:
    """Each database's, then each site's users', cut sets by order."""
    lines = [
        f"Minimal cut sets up to order {result.order} (judged by the simulator: settled "
        "state, no administrator action): "
        f"{result.candidates} candidate elements, {result.judged:,} sets judged"
        + (" (cancelled)" if result.cancelled else "")
    ]
    for target in (*result.databases, *result.sites):
        lines.append("")
        if target.down_already:
            lines.append(f"{_target_title(target)}: down with nothing failed")
            continue
        counts = ", ".join(
            f"{len(target.of_order(k))} of order {k}"
            for k in range(1, result.order + 1)
            if target.of_order(k)
        )
        lines.append(f"{_target_title(target)}: {counts or 'none'}")
        for cut in target.cut_sets:
            lines.append(
                f"  {cut.order}  {' + '.join(cut.names)}  ({cut.mailboxes_affected:,} "
                "mailboxes affected)"
            )
    return "\n".join(lines) + "\n"


def cmd_availability(args: argparse.Namespace) -> int:
    from designer.availability import analyze_availability

    if args.years < 0:
        raise CliError(f"--years must be 0 or more, not {args.years}")
    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers must be at least 1, not {args.workers}")
    design = read_design(args.file)
    report = analyze_availability(
        design, order=args.order, years=args.years, seed=args.seed, workers=args.workers
    )
    if report.figures.missing:
        print(
            "dr-designer: no failure figures for "
            f"{report.figures.missing_text()}: taken never to fail",
            file=sys.stderr,
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(availability_text(report))
    return 0


def _row(row: TargetAvailability, with_mc: bool) -> str:
    from designer.availability.figures import MINUTES_PER_YEAR, minutes_text, percent_text

    title = f"{'database' if row.kind == 'database' else 'site users'} {row.name}"
    if row.down_already:
        return f"  {title:<36} {row.mailboxes:>9,}  down with nothing failed"
    n = "∞" if math.isinf(row.nines) else f"{row.nines:.1f}"
    text = (
        f"  {title:<36} {row.mailboxes:>9,}  {percent_text(row.availability):>13}  {n:>5}  "
        f"{minutes_text(row.downtime_min_per_year):>9}"
    )
    if with_mc and row.monte_carlo is not None:
        u, half = row.monte_carlo
        low, high = max(0.0, u - half), u + half
        mark = "agrees" if row.agrees else "differs"
        text += (
            f"  {minutes_text(u * MINUTES_PER_YEAR):>9} [{minutes_text(low * MINUTES_PER_YEAR)}, "
            f"{minutes_text(high * MINUTES_PER_YEAR)}] {mark}"
        )
    if row.unmodelled_cut_sets:
        text += f"  ({row.unmodelled_cut_sets} cut sets with elements without figures)"
    return text


def availability_text(report: AvailabilityReport) -> str:
    from designer.availability.figures import KIND_LABELS

    lines = [f"Availability of {report.design_name}"]
    origins = sorted(
        {
            f.origin.removeprefix("user-supplied ").strip("()")
            for f in report.figures.figures.values()
        }
    )
    lines.append(
        "Failure figures: "
        + ("user-supplied" if report.user_supplied else "partly from the catalog")
        + f" ({'; '.join(origins)})"
    )
    if report.figures.missing:
        lines.append(f"Without figures (never fail here): {report.figures.missing_text()}")
    lines.append(
        f"Cut sets up to order {report.order}, rare-event approximation (U = sum over cut "
        "sets of the product of MTTR/(MTBF+MTTR)); settled states, no administrator "
        "action, failover transients not counted"
    )
    mc = report.monte_carlo
    if mc is not None:
        lines.append(
            f"Monte Carlo: {mc.years:,} years, seed {mc.seed}, {mc.workers} process"
            f"{'es' if mc.workers != 1 else ''}, 95 % interval over {mc.chunks} chunks "
            f"({mc.failures:,} failures, {mc.states_judged:,} states judged)"
        )
    header = f"  {'':<36} {'mailboxes':>9}  {'availability':>13}  {'nines':>5}  {'min/year':>9}"
    if mc is not None:
        header += "  Monte Carlo min/year [95 %]"
    lines += ["", header]
    for row in (*report.databases, *report.sites):
        lines.append(_row(row, mc is not None))
    if report.importance:
        lines += ["", "Importance (mailbox-weighted; Fussell-Vesely: share of the downtime):"]
        for rank, item in enumerate(report.importance[:15], start=1):
            lines.append(
                f"  {rank:>2}. {item.name} ({KIND_LABELS.get(item.kind, item.kind)}"
                f"{'' if report.figures.get(item.element) else ', no figures'})  "
                f"Fussell-Vesely {item.fussell_vesely * 100:.1f} %  Birnbaum {item.birnbaum:.3g}"
            )
    return "\n".join(lines) + "\n"
