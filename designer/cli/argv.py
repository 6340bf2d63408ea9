"""Repeated options taken out of the command line before argparse sees them.

argparse looks for the next option string with a scan over all of them for every
option it consumes: 20,000 ``--fail`` arguments took 15 s (quadratic). The options that
scripts repeat by the thousand — the timed steps of ``simulate`` — are collected here in
one pass, in command-line order, into ``args.timed`` as ``(kind, value)`` pairs, exactly
what :mod:`designer.cli.timed_options` would have collected.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["TIMED", "apply_repeated", "split_repeated"]

#: Option string -> the kind :mod:`designer.cli.timed_options` records for it.
TIMED = {
    "--fail": "fail",
    "--restore": "restore",
    "--corrupt": "corrupt",
    "--fail-guest": "fail_guest",
    "--degrade": "degrade",
    "--action": "action",
}


def split_repeated(argv: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """``argv`` without the timed options, and those as ``(kind, value)`` in order.

    Examples
    --------
    >>> split_repeated(["simulate", "d.json", "--fail", "a", "--restore=a@1h", "--at", "5"])
    (['simulate', 'd.json', '--at', '5'], [('fail', 'a'), ('restore', 'a@1h')])
    """
    rest: list[str] = []
    taken: list[tuple[str, str]] = []
    i, n = 0, len(argv)
    while i < n:
        arg = argv[i]
        if arg == "--":  # everything after it is positional
            rest.extend(argv[i:])
            break
        kind = TIMED.get(arg)
        if kind is not None and i + 1 < n:
            taken.append((kind, argv[i + 1]))
            i += 2
            continue
        option, eq, value = arg.partition("=")
        kind = TIMED.get(option) if eq else None
        if kind is not None:
            taken.append((kind, value))
        else:
            rest.append(arg)
        i += 1
    return rest, taken


def apply_repeated(
    parser: argparse.ArgumentParser, args: argparse.Namespace, taken: list[tuple[str, str]]
) -> None:
    """Put the collected steps where argparse would have (``args.timed``); a command
    without timed steps gets argparse's own usage error."""
    if not taken:
        return
    if not hasattr(args, "timed"):
        kind, value = taken[0]
        option = next(o for o, k in TIMED.items() if k == kind)
        parser.error(f"unrecognized arguments: {option} {value}")
    args.timed = [*(args.timed or []), *taken]
