"""One process-wide pause of the cyclic garbage collector, shared by background work.

A worker that allocates a lot (the live rule check of a large design, a sizing) starts
generation-1 and generation-2 collections as it goes: each runs with the interpreter
lock held, so the window's thread waits for it (20–75 ms per collection after an edit
of a 25k design). :func:`collector_paused` switches the collector off while such work
runs. Pauses nest and overlap across threads: the collector comes back on when the last
one ends, and only if it was on when the first began.

The collector is process-wide, so the window's own allocations are not collected during
a pause either; a pause should therefore last seconds, not minutes, and the work in it
should not leave reference cycles behind in bulk (the rule check leaves a few dozen
objects, collected later as usual).

This module depends on nothing else of the designer, so every layer may use it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "pauses"]

_lock = threading.Lock()
_pauses = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (see the module's docstring).

    Examples
    --------
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def pauses() -> int:
    """How many pauses are running now (tests)."""
    return _pauses
