"""``dr-designer export FILE -o OUT.png|svg|pdf``: render a design without a display.

Qt is imported only when the command runs (``designer.cli`` stays Qt-free); the
command sets ``QT_QPA_PLATFORM=offscreen`` when no platform is chosen.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from designer.domain.errors import DesignError

__all__ = ["FORMATS", "ExportError", "add_parser", "cmd_export"]

FORMATS = ("png", "svg", "pdf")


class ExportError(DesignError):
    """The export cannot run (reported on stderr with exit code 2)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="render a design to PNG, SVG or PDF (no display needed)",
        description="Render the whole drawing of a design, with its findings markers.",
    )
    p.add_argument("file", help="the design file")
    p.add_argument("-o", "--output", required=True, help="OUT.png, OUT.svg or OUT.pdf")
    p.add_argument(
        "--scale", type=float, default=1.0, help="size factor (1 = one pixel per scene unit)"
    )
    p.add_argument(
        "--dpr", type=float, default=1.0, help="device pixel ratio of a PNG (2 for high-DPI)"
    )
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(
            f"cannot export to {args.output!r}: the name must end in .png, .svg or .pdf"
        )
    if not 0.01 <= args.scale <= 16:
        raise ExportError("--scale must be between 0.01 and 16")
    if not 1 <= args.dpr <= 4:
        raise ExportError("--dpr must be between 1 and 4")
    if not Path(args.file).exists():
        raise ExportError(f"{args.file}: no such file")
    export = importlib.import_module("designer.ui.export")
    try:
        return int(export.export_command(args.file, args.output, scale=args.scale, dpr=args.dpr))
    except (OSError, ValueError) as exc:
        raise ExportError(str(exc)) from None
