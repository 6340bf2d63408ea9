"""What every command shares: reading a design (a file, or standard input for ``-``)
and the one-line usage error. Apart from ``main`` so that the commands it runs import
this, not ``main`` back."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from designer.cli import STDIN, UsageError

if TYPE_CHECKING:
    from designer.domain.design import Design

__all__ = ["CliError", "read_design"]


class CliError(UsageError):
    """A usage problem reported as one line on stderr with exit code 2."""


def read_design(name: str) -> Design:
    """The design in file ``name``, or on standard input for ``-``."""
    from designer.persistence import MAX_FILE_BYTES, LoadError, load, loads

    if name == STDIN:
        if sys.stdin is None:  # closed (``<&-``): bad input, not an internal error
            raise LoadError("standard input is closed", where="<stdin>")
        return loads(sys.stdin.buffer.read(MAX_FILE_BYTES + 1), where="<stdin>")
    return load(name)
