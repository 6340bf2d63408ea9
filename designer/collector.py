"""One process-wide pause of the cyclic garbage collector, shared by background work.

A worker that allocates a lot (the live rule check of a large design, a sizing) starts
generation-1 and generation-2 collections as it goes: each runs with the interpreter
lock held, so the window's thread waits for it (20–75 ms per collection after an edit
of a 25k design). :func:`collector_paused` switches the collector off while such work
runs. Pauses nest and overlap across threads: the collector comes back on when the last
one ends, and only if it was on when the first began. Every part of the designer that
pauses the collector (loading a design, opening it in the window, the live check,
sizing, preparing the simulator) goes through this module: with separate switches, a
sizing that ended during a check turned the collector back on under the check.
What an opening builds to last (the design, the window's boxes, its lines' routes,
simulation mode's modules and parts) is made in such pauses and frozen at their end, so
that the window's first :func:`tidy` after opening visits what later ones do.

The collector is process-wide, so the window's own allocations are not collected during
a pause either; a pause should therefore last seconds, not minutes, and the work in it
should not leave reference cycles behind in bulk (the rule check leaves a few dozen
objects, collected later as usual).

Between pauses the collector runs as usual, and its full collections visit every object
that is neither frozen nor freed: at 100,000 elements, what a session's edits had left
(their undo commands, element versions, findings, the canvas's new items) made each
full collection longer than the last (12-23 ms of CPU after the first edits, 48 ms
after a hundred), one in the middle of an edit's repaint or picture now and then (the
rare stall of 50-65 ms after an edit, waves 24-25). :func:`tidy`, called once the
window is idle after an edit, collects what was made since the last freeze and freezes
what survives: each collection then visits only what the latest edits made.

Nothing unfreezes (``tests/test_nothing_unfreezes.py``). What is frozen is freed by
reference counting when it is dropped, or, if it is left in a reference cycle, never
collected: no collection visits it. ``gc.unfreeze()`` would hand every such object
(in a test process, all the suite's earlier windows) to the next collection. Wave 27's
one CI segmentation fault was inside that collection (docs/architecture.md, "The cyclic
collector's freezes").

This module depends on nothing else of the designer, so every layer may use it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "pause", "pauses", "resume", "tidy"]

_lock = threading.Lock()
_pauses = 0
_was_enabled = True
_freeze_at_end = False


def pause() -> None:
    """Switch the collector off until the matching :func:`resume` (which may come
    from another thread: a job paused by the UI thread and resumed by its worker)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1


def resume(*, freeze: bool = False) -> None:
    """End one pause. With ``freeze``, what exists when the last pause ends (a loaded
    design, a prepared simulator, a sizing: large, long-lived object graphs) is moved
    out of later collections' reach (``gc.freeze``), as soon as no pause runs."""
    global _pauses, _freeze_at_end
    with _lock:
        _pauses -= 1
        _freeze_at_end = _freeze_at_end or freeze
        if _pauses == 0:
            if _freeze_at_end:
                gc.freeze()
                _freeze_at_end = False
            if _was_enabled:
                gc.enable()


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector off (see the module's docstring and
    :func:`resume` for ``freeze``).

    Examples
    --------
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    pause()
    try:
        yield
    finally:
        resume(freeze=freeze)


def tidy() -> bool:
    """Collect what was made since the last freeze, then freeze what survived (see the
    module's docstring); False, doing nothing, while a pause runs or the collector is
    off (the work in a pause is frozen, or collected, when it ends).

    A collection visits only the objects not frozen, so one made between two tidies
    costs what happened between them. Objects frozen and later left in reference cycles
    are not collected (as for the other freezes; a deleted window's cycles are broken
    by :mod:`designer.ui.lifetime`).

    Examples
    --------
    >>> import gc
    >>> before = gc.get_freeze_count()
    >>> made = [[] for _ in range(100)]
    >>> tidy(), gc.get_freeze_count() >= before + 100
    (True, True)
    >>> with collector_paused():
    ...     tidy()
    False
    """
    with _lock:
        if _pauses or not gc.isenabled():
            return False
    gc.collect()
    gc.freeze()
    return True


def pauses() -> int:
    """How many pauses are running now (tests)."""
    return _pauses
