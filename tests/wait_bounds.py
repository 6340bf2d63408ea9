"""The bounds of the suite's waits on a condition (``qtbot.waitUntil``, ``waitSignal``…):
scaled for a loaded machine, applied to pytest-qt's QtBot by tests/conftest.py.

Such a wait returns as soon as its condition holds, so its bound only ends a wait for
what never comes: on a loaded machine (nine sessions on two cores) a window's first turns
took seconds, and bounds of 3-5 s written for an idle one failed tests whose condition
came later.
"""

from __future__ import annotations

import functools
import os
from typing import Any

__all__ = ["WAIT_BOUND_MAX_MS", "WAIT_SCALE", "longer", "scale_qtbot_waits"]

#: How many times longer than its test says a wait on a condition may last before it
#: fails the test (``DR_DESIGNER_TEST_WAIT_SCALE=1``: the bounds as written).
WAIT_SCALE = float(os.environ.get("DR_DESIGNER_TEST_WAIT_SCALE", "4"))
#: The longest bound, within pytest-timeout's 300 s.
WAIT_BOUND_MAX_MS = 240_000
#: QtBot's waits with a ``timeout`` (ms, 5,000 when not given).
SCALED = ("waitUntil", "waitSignal", "waitSignals", "waitExposed", "waitActive")


def longer(method: Any) -> Any:
    """``method`` of QtBot with its ``timeout`` scaled (never below the one written)."""

    @functools.wraps(method)
    def scaled(self: Any, *args: Any, timeout: int | None = 5000, **kwargs: Any) -> Any:
        if timeout:  # (0 or None: no bound at all)
            timeout = max(timeout, min(int(timeout * WAIT_SCALE), WAIT_BOUND_MAX_MS))
        return method(self, *args, timeout=timeout, **kwargs)

    return scaled


def scale_qtbot_waits() -> None:
    from pytestqt.qtbot import QtBot

    for name in SCALED:
        method = getattr(QtBot, name)
        if not hasattr(method, "__wrapped__"):  # once
            setattr(QtBot, name, longer(method))
