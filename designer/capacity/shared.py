"""One capacity sizing per design revision, shared by everything that reads it.

The Capacity dock, the CAP rules (and MV007) and the review report each need the
capacity report of the same design; sizing every failure mode of a large design takes
seconds, so it is done once per design object: whoever asks first computes it, anyone
asking for the same design meanwhile (another thread) waits for that computation and
reads the same result. A design is immutable once it is a document revision, so its
identity is the revision's; the last few designs asked for are kept.

```python
from designer.capacity.shared import shared_sizing

sizing = shared_sizing(design)     # computed once, then the same object
sizing.report.to_json()
```
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from designer import stopping
from designer.capacity.analysis import LARGE, capacity
from designer.capacity.engine import CapacityEngine
from designer.capacity.report import CapacityReport
from designer.collector import collector_paused
from designer.domain.design import Design
from designer.simulation import Simulator

__all__ = [
    "KEPT",
    "LARGE",
    "SharedSizing",
    "SizingStopped",
    "clear",
    "computations",
    "keep_only",
    "shared_sizing",
    "stop",
]

#: How many designs' sizings are kept (the current revision and the one before it).
KEPT = 2


@dataclass(frozen=True, slots=True)
class SharedSizing:
    """The capacity report of one design (every mode) and the engine that sized it."""

    report: CapacityReport
    engine: CapacityEngine


class SizingStopped(Exception):
    """The sizing of a design was stopped (:func:`stop`): its window is going."""


class _Entry:
    __slots__ = ("design", "lock", "sizing")

    def __init__(self, design: Design) -> None:
        self.design = design  # held, so the id stays this design's while kept
        self.lock = threading.Lock()
        self.sizing: SharedSizing | None = None

    def going_on(self, _done: int, _total: int) -> bool:
        return not stopping.stopped(self.design)


_entries: OrderedDict[int, _Entry] = OrderedDict()
_guard = threading.Lock()
_computed = 0


def shared_sizing(design: Design) -> SharedSizing:
    """The capacity sizing of ``design`` (every failure mode), computed at most once
    while it is among the last :data:`KEPT` designs asked for; a caller asking while
    another thread computes it waits for that result. The simulator gets its own index
    of the design (a document's index follows its later edits; this result is kept)."""
    global _computed
    entry = _entry(design)
    with entry.lock:
        if entry.sizing is None:
            if stopping.stopped(design):
                raise SizingStopped(design.name)
            with _no_full_collections(len(design.elements) > LARGE):
                sim = Simulator(design)
                engine = CapacityEngine(sim)
                report = capacity(sim, engine=engine, progress=entry.going_on)
                if report.cancelled:
                    raise SizingStopped(design.name)  # not kept: some modes are missing
                engine.forget_walks()  # kept: only its normal operation is read again
                entry.sizing = SharedSizing(report, engine)
            with _guard:
                _computed += 1
        return entry.sizing


def _entry(design: Design) -> _Entry:
    """``design``'s entry (made if new), now the most recently asked for."""
    key = id(design)
    with _guard:
        entry = _entries.get(key)
        if entry is None or entry.design is not design:
            entry = _Entry(design)
            _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > KEPT:
            _entries.popitem(last=False)
    return entry


def stop(design: Design) -> None:
    """Stop the sizing of ``design`` (:func:`designer.stopping.stop`, which the window
    calls without importing this module): one under way ends at its next failure mode
    and raises :class:`SizingStopped` (nothing is kept), as does any asked for later.
    The window's end waited for a whole sizing before (File > Quit during the sizing of
    a 1k design: 1.16 s)."""
    stopping.stop(design)


@contextmanager
def _no_full_collections(large: bool) -> Iterator[None]:
    """Size a large design with the cyclic collector off, then move what survived (the
    sizing: a large, long-lived object graph) out of its reach, as the window does after
    opening a design and preparing the simulator. Sizing a 10k design allocates enough
    to start a full collection over everything not frozen: 0.9 s with the interpreter
    lock held, on the worker, so the window froze that long after an edit."""
    if not large:
        yield
        return
    with collector_paused(freeze=True):
        yield


def computations() -> int:
    """How many sizings :func:`shared_sizing` has computed (tests: one per revision)."""
    return _computed


def clear() -> None:
    """Forget every kept sizing."""
    with _guard:
        _entries.clear()


def keep_only(designs: Iterable[Design]) -> None:
    """Forget the kept sizing of every design but ``designs``. A sizing holds its design
    (its report reads it): a window deleted keeps the other windows' current designs
    (``designer.ui.main_window``), not its own, which its session no longer holds."""
    kept = {id(design) for design in designs}
    with _guard:
        for key in [key for key in _entries if key not in kept]:
            del _entries[key]
