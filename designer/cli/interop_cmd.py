"""``import``, ``diff`` and the headless ``export`` formats: the interop commands (issue
12; their options are in :mod:`designer.cli.parser`). ``report`` draws the diagram and
writes the PDF with Qt, so :mod:`designer.entry` hands it to ``designer.ui.review``.
Exit codes as everywhere: 0 done / the designs are the same, 1 the designs differ
(diff), 2 an input cannot be read or an option is wrong, 4 the output cannot be
written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from designer.domain.errors import DesignError
from designer.interop.report import InteropError

__all__ = ["cmd_diff", "cmd_export_headless", "cmd_import", "exports_headless"]


def exports_headless(output: str) -> bool:
    """True for ``export`` outputs written without Qt: .drawio, .graphml, .gexf, DIR/."""
    if output == "-":
        return False
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        return True
    return Path(output).suffix.casefold() in (".drawio", ".graphml", ".gexf")


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
    print(f"wrote {out} ({len(result.design.elements):,} elements)", file=sys.stderr)
    return 0


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
    from designer.cli.reading import read_design
    from designer.interop.drawio import SimulationMoment
    from designer.interop.exporting import export_design

    design = read_design(args.file)
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
        print(f"wrote {path}", file=sys.stderr)
    return 0
