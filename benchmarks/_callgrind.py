"""What the callgrind benchmarks share (``callgrind_capacity.py``, ``callgrind_routing.py``):
switching a child's instrumentation from inside it, and reading its dumps' counts.

Imported as a sibling module (the scripts run as files, so their folder is
``sys.path[0]``), not through ``benchmarks.``: the child puts the measured tree first on
its path, and that tree's own ``benchmarks`` folder may predate this module."""

from __future__ import annotations

import os
import re
import subprocess

__all__ = ["DESC", "TOTALS", "control"]

# ``totals`` (the dump's cost lines summed): ``summary`` can be garbage after the
# instrumentation was switched off and on (valgrind 3.19 printed 2**64 minus a little).
TOTALS = re.compile(r"^totals:\s*(\d+)", re.MULTILINE)
#: The part a dump counted: the label of its ``callgrind_control -d LABEL`` trigger.
DESC = re.compile(r"^desc: Trigger: .*?(\w+)\s*$", re.MULTILINE)


def control(*args: str) -> None:
    """``callgrind_control`` on this very process (valgrind's gdbserver answers it)."""
    subprocess.run(
        ["callgrind_control", *args, str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
