"""A deleted window's Python objects freed at once, not by the cyclic collector.

A window's Python side is a web of reference cycles: each panel holds the session and
the window, the window its panels, the session's document its subscriber (a bound
method of the session), a scene its boxes' callbacks. Cycles that pass through a Qt
object's C++ side (a lambda connected to a signal of a parentless object that the
lambda's own object holds) were never collectable at all; the rest waited for the
collector — and a window is built with the collector paused and frozen after
(:mod:`designer.collector`), so its cycles were never collected either. A closed and
deleted window kept its session, design, undo history and charts until the process
ended (docs/reliability.md, "A session's lifetime").

Every Qt object of a window is now owned by it (the session, the scene, the sizing
controller included), so deleting the window deletes them all and drops their
connections. :func:`gather` lists the window's Python objects before that deletion and
:func:`release` then empties the instance dictionaries of the designer's own among them:
with the attributes that formed the cycles gone, reference counting frees the rest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from types import GeneratorType

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QGraphicsScene, QWidget

from designer.ui import slices
from designer.ui.parts import Parts

__all__ = [
    "delete_with",
    "gather",
    "let_go",
    "letting_go",
    "process_ending",
    "release",
    "soon",
    "unless_ending",
]


#: The process is ending (:func:`designer.ui.app.end_session`): what its windows made
#: goes with the process, and freeing it object by object first is time lost.
_ending = False
_ending_lock = threading.Lock()


def process_ending(ending: bool | None = None) -> bool:
    """Whether the process is ending (set by its end with ``ending=True``): deleted
    windows then leave their Python side to the process's end (25k: 0.13 s of CPU less at
    the end of ``dr-designer gui``), and a background thread's :func:`unless_ending`
    work no longer runs."""
    global _ending
    if ending is not None:
        with _ending_lock:
            _ending = ending
    return _ending


def unless_ending(work: Callable[[], object]) -> None:
    """Run ``work`` (from any thread) unless the process is ending; the end's
    ``process_ending(True)`` waits for a ``work`` under way. A background import tells
    its window it is done this way: once the end has begun it touches no window (the
    end may delete it, or end the process, without waiting for the import)."""
    with _ending_lock:
        if not _ending:
            work()


def soon(context: QObject, work: Callable[[], object]) -> None:
    """Call ``work`` in the event loop's next turn, unless ``context`` is deleted first.

    Not ``QTimer.singleShot(0, context, work)``: PySide 6.11 does not always release
    ``work`` when ``context`` goes first (always for a bound method or a partial, now and
    then for a lambda), and the method's object (a session, a panel) then lived as long
    as the process (tests/ui/test_session_lifetime.py)."""

    def run() -> None:
        if shiboken6.isValid(context):
            work()

    QTimer.singleShot(0, run)


#: How many objects :func:`let_go` frees between two looks at the clock.
LET_GO_SLICE = 100
#: A collection of more items than this is taken apart by :func:`let_go` (its items
#: held, it goes), not freed whole.
TAKE_APART_ABOVE = 16
#: What :func:`let_go` still holds, by its owner's id (dropped with the owner).
_let_go_held: dict[int, list[object]] = {}


def let_go(owner: QObject, objects: Iterable[object]) -> None:
    """Free ``objects`` in the shared idle slices (:mod:`designer.ui.slices`), not in
    this turn: they are held, then let go of one by one, each freeing what nothing else
    holds; a collection of more than :data:`TAKE_APART_ABOVE` items is taken apart
    first (a dictionary of 100,000 lists freed whole is one long turn). A replaced
    design's elements and lookups (File > New after the 100k design: ~55 ms of its turn
    freed the old design's lookups, wave 30). Owned by ``owner``: what is left goes at
    once if it is deleted first."""
    held = _let_go_held.get(id(owner))
    if held is None:
        held = _let_go_held[id(owner)] = []
        number = id(owner)
        owner.destroyed.connect(lambda *_: _let_go_held.pop(number, None))
    held.extend(objects)
    key = (id(owner), "let go")
    if slices.shared().running(key):
        return

    def step(deadline: float) -> bool:
        freed = 0
        while held:
            item = held.pop()
            if (
                isinstance(item, Collection)
                and not isinstance(item, str | bytes)
                and len(item) > TAKE_APART_ABOVE
            ):
                held.extend(item.values() if isinstance(item, Mapping) else item)
                del item  # (the collection alone: what it held is held here)
                freed = LET_GO_SLICE  # a look at the clock after each
            else:
                del item
                freed += 1
            if freed >= LET_GO_SLICE:
                freed = 0
                if time.perf_counter() >= deadline:
                    return False
        return True

    slices.shared().start(key, owner, step)


def letting_go(owner: QObject) -> int:
    """How many objects :func:`let_go` still holds for ``owner`` (a collection counts
    as one until it is taken apart)."""
    return len(_let_go_held.get(id(owner), ()))


def delete_with(owner: QObject, widget: QWidget) -> None:
    """Delete ``widget`` when ``owner`` is destroyed, if it has no parent by then: a panel
    built in parts (:mod:`designer.ui.parts`) has none until its last part docks it, and a
    window deleted before that left it, with its charts and what its connections hold
    (the session), as a top-level widget for the rest of the process; so did the
    Inspector's forms kept for reuse while another is shown.

    Its labelled pyqtgraph items are parted from their labels first
    (:func:`_part_from_label`, as :func:`release` does for a window's objects): not among
    the window's objects (:func:`gather` found no parent), the timeline's RTO line and its
    label stayed in their cycle, frozen with the window, for the rest of the process
    (wave 28, ``gc28``). The rest of the panel goes by reference counting once nothing
    holds it; its attributes stay until then (simulation mode's build, closed by the
    window's own release, still reads its timeline's)."""

    def orphaned(*_args: object) -> None:
        if shiboken6.isValid(widget) and widget.parent() is None:
            if not process_ending():
                for obj in gather(widget):
                    if _ours(obj):
                        for value in list(getattr(obj, "__dict__", {}).values()):
                            _part_from_label(value)
            shiboken6.delete(widget)

    owner.destroyed.connect(orphaned)


def gather(root: QObject) -> list[object]:
    """``root``, its Qt descendants and the items of their graphics scenes: the objects
    whose Python attributes :func:`release` empties once they are deleted."""
    objects: list[object] = [root]
    for child in root.findChildren(QObject):
        objects.append(child)
        if isinstance(child, QGraphicsScene):
            objects.extend(child.items())
    return objects


def _ours(obj: object) -> bool:
    return type(obj).__module__.startswith("designer.")


def release(objects: Iterable[object]) -> int:
    """Empty the instance dictionary of each of ``objects`` whose class is the
    designer's (not Qt's, nor pyqtgraph's: their own cycles hold nothing of ours once
    ours let go of them); how many were emptied. For objects whose Qt side has been
    deleted: nothing may use them after this.

    The builds under way in their attributes (a generator, or its :class:`Parts`) are
    closed first, while every attribute is still there: a build's ``finally`` reads its
    object's attributes (a mode cancels its timeline's own parts)."""
    ours = [obj for obj in objects if _ours(obj) and getattr(obj, "__dict__", None)]
    for obj in ours:
        for value in list(vars(obj).values()):
            if isinstance(value, Parts):
                value.cancel()
            elif isinstance(value, GeneratorType):
                value.close()
            else:
                _part_from_label(value)
    for obj in ours:
        vars(obj).clear()
    return len(ours)


def _part_from_label(item: object) -> None:
    """A pyqtgraph item with a label of its own (an ``InfiniteLine`` made with
    ``label=``: the timeline's RTO line) and its label hold each other (``line.label``,
    ``label.line``): a cycle of ~36 objects left to the collector, which a window's
    objects never meet (frozen). Parted here, reference counting frees both."""
    if not type(item).__module__.startswith("pyqtgraph."):
        return
    label = getattr(item, "__dict__", {}).get("label")
    if label is not None and getattr(label, "line", None) is item:
        label.line = None
