"""A value worked out when first read, once, whichever thread reads it first.

A sized report is shared (:mod:`designer.capacity.shared`): the Capacity dock reads it
on the window's thread (its log LUN table, Copy/Save JSON), the live rule check on its
worker (CAP004 reads the log LUNs) and the review report on its own thread (its
Capacity sections). Parts of it are made when first read (:class:`Deferred` report
parts, normal operation's streams per link: ``_LinkLoads``); two threads reading one
of them at once both made it (at 25k the log LUNs ~10 ms, the streams ~10–15 ms), or
one of them failed (the other had just let go of what it was made from). Here the
first reader makes it under the part's own lock and the others wait for it and read
the same object; once made, a read takes no lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Once"]

_V = TypeVar("_V")


class Once(Generic[_V]):
    """Holds ``build`` until :meth:`_value` is first called, then its result."""

    __slots__ = ("_build", "_lock", "_made")

    def __init__(self, build: Callable[[], _V]) -> None:
        self._build: Callable[[], _V] | None = build
        self._made: _V | None = None
        # One per part (a sizing has a few dozen: the log LUNs, the ESXi hosts, each
        # link's modes, normal operation's streams); not tracked by the collector.
        self._lock = threading.Lock()

    def _value(self) -> _V:
        made = self._made
        if made is None:
            with self._lock:
                made = self._made
                if made is None:  # the first reader: the others wait here for it
                    build = self._build
                    assert build is not None
                    made = self._made = build()
                    self._build = None  # its inputs let go
        return made
