"""Repeated options taken out of the command line before argparse sees them.

argparse looks for the next option string with a scan over all of them for every
option it consumes: 20,000 ``--fail`` arguments took 15 s (quadratic). The options that
scripts repeat by the thousand — the timed steps of ``simulate`` — are collected here in
one pass, in command-line order, into ``args.timed`` as ``(kind, value)`` pairs, exactly
what :mod:`designer.cli.timed_options` would have collected.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

TYPE_CHECKING = False  # typing itself is not imported: `--help` starts without it
if TYPE_CHECKING:
    import argparse

__all__ = ["TIMED", "apply_repeated", "quick_check", "split_repeated"]

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


def quick_check(arguments: Sequence[str]) -> argparse.Namespace | None:
    """What the parser gives for ``check FILE…`` with no option (every argument after
    the command a file name, ``-`` for standard input), found without building the
    parser or importing :mod:`argparse` (~2.5 ms of ``check``'s start, issue 10); None
    for any other command line, which the parser reads as before.

    argparse takes an argument for a positional when it is empty, ``-``, or does not
    start with ``-``; ``check`` is a command name, never a file the window opens.
    ``tests/cli/test_quick_check.py`` compares both over any command line.

    Examples
    --------
    >>> vars(quick_check(["check", "a.json", "-"]))  # doctest: +NORMALIZE_WHITESPACE
    {'verbose': 0, 'log_file': None, 'command': 'check', 'files': ['a.json', '-'],
     'format': 'text', 'scenarios': False}
    >>> quick_check(["check", "a.json", "--format", "json"]) is None
    True
    """
    if len(arguments) < 2 or arguments[0] != "check":
        return None
    files = list(arguments[1:])
    if any(name[:1] == "-" and name != "-" for name in files):
        return None
    return SimpleNamespace(  # type: ignore[return-value]  # read as argparse's Namespace
        verbose=0, log_file=None, command="check", files=files, format="text", scenarios=False
    )
