"""Turns of the event loop, counted rather than timed: what a test that checks that
nothing happens meanwhile lets pass (a fixed wait is one turn on a loaded machine and
dozens on an idle one)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer

__all__ = ["turns"]


def turns(qtbot: Any, n: int = 30) -> None:
    """``n`` turns of the event loop, each after every timer due in the one before (a
    zero-interval timer of the window's, such as the slices' own, runs in each)."""
    done: list[int] = []

    def turn() -> None:
        done.append(1)
        if len(done) < n:
            QTimer.singleShot(1, turn)

    QTimer.singleShot(1, turn)
    qtbot.waitUntil(lambda: len(done) == n, timeout=60_000)
