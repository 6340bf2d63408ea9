"""Designs whose long work is to stop: their window is going.

The window's end marks its design here (:func:`stop`); the capacity sizing of that design
(:func:`designer.capacity.shared.shared_sizing`) asks :func:`stopped` before it starts and
between two failure modes. A module of its own, importing nothing of the designer: the
window marks the design without importing the sizing, which a worker may be importing at
that very moment (half-imported, its module had no ``stop`` yet).

A mark lasts while the design lives (a weak reference: nothing is kept for it).
"""

from __future__ import annotations

import threading
import weakref

__all__ = ["stop", "stopped"]

_lock = threading.Lock()
_marks: dict[int, weakref.ref[object]] = {}


def stop(design: object) -> None:
    """Mark ``design``: its long work is to stop at its next step, and none to start."""
    key = id(design)

    def gone(_ref: object) -> None:
        with _lock:
            if _marks.get(key) is _ref:
                del _marks[key]

    with _lock:
        _marks[key] = weakref.ref(design, gone)


def stopped(design: object) -> bool:
    """Whether ``design`` was marked by :func:`stop`.

    >>> class Design: ...
    >>> design = Design()
    >>> stopped(design)
    False
    >>> stop(design)
    >>> stopped(design)
    True
    """
    with _lock:
        mark = _marks.get(id(design))
    return mark is not None and mark() is design
