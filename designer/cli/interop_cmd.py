"""``import``, ``report`` and ``diff``: the interop commands (issue 12).

``import`` and ``diff`` run headless; ``report`` draws the diagram and writes the PDF
with Qt, imported only when it runs (like ``export``). Exit codes as everywhere: 0
done / the designs are the same, 1 the designs differ (diff), 2 an input cannot be
read or an option is wrong, 4 the output cannot be written.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from designer.domain.errors import DesignError
from designer.interop.report import InteropError

__all__ = ["add_parser", "cmd_diff", "cmd_import", "cmd_report"]

def _epilog(same: str = "", one: str | None = None) -> str:
    lines = ["exit codes:", f"  0  done{same}"]
    if one:
        lines.append(f"  1  {one}")
    lines += [
        "  2  an input cannot be read, or a usage error (one line on stderr naming it)",
        "  3  an internal error (a bug): one line on stderr, the details in the log",
        "  4  the output cannot be written",
    ]
    return "\n".join(lines)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from designer.interop.importing import KINDS

    p = subparsers.add_parser(
        "import",
        help="make a design from calculator CSVs, Exchange PowerShell exports or RVTools",
        description="Read the sources into a new design (or merge them by name into "
        "--into), lay it out by site and save it. Rows that cannot be mapped are listed "
        "(file, row, column, why), never dropped silently; each element notes the rows it "
        "came from.",
        epilog="kinds:\n"
        + "\n".join(f"  {k:<11} {what}" for k, (_, what) in KINDS.items())
        + "\n\n"
        + _epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("kind", choices=sorted(KINDS), metavar="KIND", help=" | ".join(KINDS))
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="the files to read")
    p.add_argument("-o", "--output", required=True, help="the design file to write")
    p.add_argument("--into", help="an existing design to merge into (update, not duplicate)")
    p.add_argument(
        "--report", help="also write every unmapped row to this file (.json, .csv or text)"
    )
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser(
        "report",
        help="write the design-review report (HTML or PDF)",
        description="Summary, diagram, inventory, copy layout, findings with waivers, "
        "N-1 and N-2 tables, every saved scenario (expected vs actual, timeline) and the "
        "RPO/RTO matrix. HTML is self-contained; PDF is written with Qt (no browser).",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help="the design file")
    p.add_argument("-o", "--output", required=True, help="review.html or review.pdf")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser(
        "diff",
        help="what changed between two designs",
        description="Elements added, removed and changed field by field (matched by id), "
        "layout-only changes on one line, findings added and cleared, N-1 changes and "
        "saved scenarios whose outcome changed.",
        epilog=_epilog(" (the designs are the same)", "the designs differ")
        + "\n\nas a git diff driver (docs/interop.md):\n"
        "  git config diff.drdesign.command 'dr-designer diff --git-external'\n"
        "  echo '*.json diff=drdesign' >> .gitattributes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="A B (git passes 7 arguments)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--ignore-layout", action="store_true", help="layout-only changes do not count")
    p.add_argument(
        "--no-analysis",
        action="store_true",
        help="compare elements only (no findings, N-1 or scenario runs)",
    )
    p.add_argument(
        "--git-external",
        action="store_true",
        help="called by git as GIT_EXTERNAL_DIFF (path old-file … new-file …); always exits 0",
    )
    p.set_defaults(func=cmd_diff)


def _write_output(path: Path, text: str) -> None:
    from designer.interop.exporting import write_text_atomic

    write_text_atomic(path, text)


def cmd_import(args: argparse.Namespace) -> int:
    from designer.interop.importing import import_sources
    from designer.persistence import load, save

    into = load(args.into) if args.into else None
    result = import_sources(args.kind, args.sources, into)
    out = Path(args.output)
    try:
        save(result.design, out)
    except OSError as exc:
        print(f"dr-designer: {out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 4
    report = result.report
    if args.report:
        target = Path(args.report)
        suffix = target.suffix.casefold()
        text = (
            report.to_json()
            if suffix == ".json"
            else report.to_csv()
            if suffix == ".csv"
            else report.to_text()
        )
        try:
            _write_output(target, text)
        except InteropError as exc:
            print(f"dr-designer: {exc}", file=sys.stderr)
            return 4
    sys.stderr.write(report.to_text(limit=20))
    print(f"wrote {out} ({len(result.design.elements):,} elements)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    suffix = Path(args.output).suffix.casefold()
    if suffix not in (".html", ".htm", ".pdf"):
        raise InteropError(f"cannot write a report to {args.output!r}: use .html or .pdf")
    if not Path(args.file).exists():
        raise InteropError(f"{args.file}: no such file")
    review = importlib.import_module("designer.ui.review")
    try:
        return int(review.report_command(args.file, args.output))
    except InteropError as exc:
        if "cannot write" in str(exc):
            print(f"dr-designer: {exc}", file=sys.stderr)
            return 4
        raise


def cmd_diff(args: argparse.Namespace) -> int:
    from designer.interop.diff import diff_designs
    from designer.persistence import load

    files = list(args.files)
    label_a = label_b = None
    if args.git_external:
        if len(files) != 7:
            raise InteropError(
                f"--git-external expects git's 7 arguments (path old-file old-hex old-mode "
                f"new-file new-hex new-mode), got {len(files)}"
            )
        label_a, label_b = f"a/{files[0]}", f"b/{files[0]}"
        files = [files[1], files[4]]
    if len(files) != 2:
        raise InteropError(f"diff takes two design files, got {len(files)}")
    try:
        a, b = load(files[0]), load(files[1])
    except DesignError as exc:
        if args.git_external:
            print(f"dr-designer diff: {exc}")
            return 0
        raise
    result = diff_designs(a, b, analysis=not args.no_analysis)
    name_a, name_b = label_a or files[0], label_b or files[1]
    if args.format == "json":
        sys.stdout.write(result.to_json())
    elif args.format == "markdown":
        sys.stdout.write(result.to_markdown(name_a, name_b))
    else:
        sys.stdout.write(result.to_text(name_a, name_b))
    if args.git_external:
        return 0
    return 1 if result.differs(ignore_layout=args.ignore_layout) else 0


def cmd_export_headless(args: argparse.Namespace) -> int:
    """``export FILE -o out.drawio|out.graphml|out.gexf|DIR/`` (no Qt)."""
    from designer.interop.drawio import SimulationMoment
    from designer.interop.exporting import export_design
    from designer.persistence import load

    design = load(args.file)
    moment = None
    scenario_name = getattr(args, "scenario", None)
    at = getattr(args, "at", None)
    if scenario_name is not None:
        scenario = next((s for s in design.scenarios if s.name == scenario_name), None)
        if scenario is None:
            names = ", ".join(repr(s.name) for s in design.scenarios) or "none"
            raise InteropError(f"{args.file}: no saved scenario {scenario_name!r} (saved: {names})")
        moment = SimulationMoment(scenario.steps, at, scenario.name)
    elif at is not None:
        moment = SimulationMoment((), at, "Healthy design")
    try:
        written = export_design(design, args.output, moment=moment)
    except InteropError as exc:
        if "cannot" in str(exc):
            print(f"dr-designer: {exc}", file=sys.stderr)
            return 4
        raise
    for path in written:
        print(f"wrote {path}")
    return 0
