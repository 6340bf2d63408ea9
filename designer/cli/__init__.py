"""The headless command line (:mod:`designer.cli.main` and the command modules), and
what its modules share without :mod:`argparse`: the exit codes, the window's commands,
standard input's name and the usage error. :mod:`designer.cli.parser` re-exports them;
``check FILE`` (:func:`designer.cli.argv.quick_check`) runs without importing the parser
or argparse, and without a module more than the package itself."""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "GUI_COMMANDS",
    "STDIN",
    "UsageError",
]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OUTPUT = 0, 1, 2, 3, 4
#: The commands that run in designer.ui (they load Qt); the others run headless.
GUI_COMMANDS = ("gui", "export", "report")
#: A file argument of "-": standard input (or standard output for -o).
STDIN = "-"


class UsageError(Exception):
    """A bad argument: one line on stderr, exit code 2."""
