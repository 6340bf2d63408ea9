"""A big edit in steps, each an ordinary Document edit that leaves a valid design.

Deleting a site at 100,000 elements removes ~10,500 elements and edits ~4,000 others;
done as one Document edit it held the window 1.5–1.8 s in one turn of the event loop.
A command that can touch that many elements (:class:`~designer.document.commands.
RemoveElements`, :class:`~designer.document.commands.RenameElements`) also gives its
``redo`` and ``undo`` as a sequence of steps: generators that make one Document edit of
at most :attr:`Pace.size` elements and yield between edits. The session runs them in
turns of the event loop while the window is busy (:mod:`designer.ui.session`); headless
callers (the CLI, :class:`~designer.document.commands.UndoStack`, the core tests) run
``redo``/``undo``, which exhaust them unpaced: one Document edit of each sort, exactly
the edit of old, events included.

Each step is structurally valid on its own, so the design after every step is one the
Document accepts (a removal: the survivors that lose a reference first, then the doomed
elements referrers first; its undo the reverse) and the listeners (the canvas, the
panels, the live check's notes) see ordinary edits.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from designer.domain.kinds import KINDS
from designer.domain.refs import iter_refs

if TYPE_CHECKING:
    from designer.document.document import Document
    from designer.domain.elements import ElementBase

__all__ = ["Pace", "Progress", "referrers_first", "referrers_first_in_steps", "targets_first"]

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """How far a stepped edit is: ``done`` of ``total`` elements, and the phase of the
    edit its next steps belong to (a removal edits the survivors, then removes; its undo
    restores, then gives the survivors their references back). The elements of one
    phase cost alike, another's not (at 100k a disk removed ~0.05 ms, a box restored
    ~0.3 ms): the session sizes its steps afresh when the phase changes. A command
    announces a phase with a step of its own, before any of its elements' work."""

    done: int
    total: int
    phase: str = ""
    #: Elements in the phase's first step, where its elements are dearer than most (a
    #: removal's survivors: each checked with what reads it, its lines redrawn); None:
    #: the session's usual first size.
    first: int | None = None


@dataclass
class Pace:
    """How a command's steps cut its work.

    ``size``: elements per step (None: all at once, the headless way); read again before
    each step, so the driver may change it as it measures the steps. ``above``: an edit
    touching at most this many elements is done all at once even when paced (small
    edits stay one synchronous edit, as of old).

    Examples
    --------
    >>> pace = Pace(size=2)
    >>> [part for part in pace.parts([1, 2, 3, 4, 5])]
    [[1, 2], [3, 4], [5]]
    >>> Pace().paced(10_000), Pace(size=100, above=300).paced(300)
    (False, False)
    """

    size: int | None = None
    above: int = 0

    def paced(self, total: int) -> bool:
        """Whether an edit of ``total`` elements is cut into steps."""
        return self.size is not None and total > self.above

    def parts(self, items: Sequence[T]) -> Iterator[list[T]]:
        """``items`` in parts of :attr:`size` (all of them in one when not paced)."""
        start = 0
        while start < len(items):
            size = max(1, self.size or len(items))
            yield list(items[start : start + size])
            start += size


def referrers_first(doc: Document, doomed: set[str]) -> tuple[list[str], int]:
    """``doomed`` ordered so that each element comes after every doomed element that
    refers to it (a removal in that order, part by part, never leaves a reference to a
    removed element), and how many elements at the end must go in one step (those in a
    cycle of references, which no order separates; usually 0).

    Examples
    --------
    >>> from designer.domain import Design, EsxiHost, Site, VirtualMachine
    >>> from designer.document import Document
    >>> doc = Document(Design(elements=[
    ...     Site(id="s", name="Denver"), EsxiHost(id="h", name="esx01", site="s"),
    ...     VirtualMachine(id="v", name="MBX01", host="h")]))
    >>> referrers_first(doc, {"s", "h", "v"})
    (['v', 'h', 's'], 0)
    """
    steps = referrers_first_in_steps(doc, doomed, every=len(doomed) + 1)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: tuple[list[str], int] = done.value
            return result


def referrers_first_in_steps(
    doc: Document, doomed: set[str], *, every: int = 1000
) -> Generator[None, None, tuple[list[str], int]]:
    """:func:`referrers_first`, yielding after every ``every`` elements looked up (the
    10,500 elements of a site at 100k: ~50 ms); its result is the generator's return
    value (``order = yield from …``).

    The elements drawn in one box come together (a VM's disks, then the VM once they
    are gone, then the next VM's), the boxes in design order: a removal in parts then
    touches each box in one or two parts. In the order the ids came (a set's: random),
    each part of 300 at 100k took one disk or two from each of ~40 VMs of ~48 disks,
    and each of those VMs listed and tagged its disks again in every part (the canvas's
    disk tags: 2.3–2.6 s of a site's deletion)."""
    waiting: dict[str, int] = dict.fromkeys(doc.index.in_design_order(doomed), 0)
    targets_of: dict[str, list[str]] = {}
    for count, target in enumerate(waiting, 1):
        for referrer in dict.fromkeys(doc.referrers_of(target)):
            if referrer in waiting and referrer != target:
                waiting[target] += 1
                targets_of.setdefault(referrer, []).append(target)
        if count % every == 0:
            yield
    ready = yield from _by_box(
        doc, [i for i, count in waiting.items() if count == 0], waiting, every
    )
    order: list[str] = []
    while ready:
        element_id = ready.pop()
        order.append(element_id)
        for target in targets_of.get(element_id, ()):
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
        if not len(order) % every:
            yield  # (10,500 at 100k in one part: 30 ms of a turn beside load, wave 30)
    if len(order) < len(doomed):
        placed = set(order)
        tail = [i for i in waiting if i not in placed]
        return order + tail, len(tail)
    return order, 0


def _by_box(
    doc: Document, ready: list[str], rank_of: dict[str, int], every: int
) -> Generator[None, None, list[str]]:
    """``ready`` (ids in design order) as a stack (the last is taken first) that gives
    the elements drawn in one box together, boxes in design order; ``rank_of`` holds
    every id of the removal, in design order."""
    rank = {element_id: n for n, element_id in enumerate(rank_of)}
    get = doc.get
    keys: list[tuple[int, int]] = []
    for count, element_id in enumerate(ready, 1):
        element = get(element_id)
        info = KINDS.get(element.kind) if element is not None else None
        box = info.container_of(element) if info is not None else None
        own = rank[element_id]
        keys.append((rank.get(box, own) if box is not None else own, own))
        if count % every == 0:
            yield
    return [element_id for _, element_id in sorted(zip(keys, ready, strict=True), reverse=True)]


def targets_first(elements: Sequence[ElementBase]) -> tuple[list[str], int]:
    """The ids of ``elements`` (not yet in a design: a paste) ordered so that each comes
    after the elements among them it refers to, and how many at the end must be added
    in one step (a cycle of references; usually 0).

    Examples
    --------
    >>> from designer.domain import EsxiHost, Site, VirtualMachine
    >>> targets_first([VirtualMachine(id="v", name="MBX01", host="h"),
    ...     EsxiHost(id="h", name="esx01", site="s"), Site(id="s", name="Denver")])
    (['s', 'h', 'v'], 0)
    """
    ids = {e.id for e in elements}
    waiting: dict[str, int] = {}
    referrers: dict[str, list[str]] = {}
    for element in elements:
        targets = {r.target for r in iter_refs(element)} & ids
        targets.discard(element.id)
        waiting[element.id] = len(targets)
        for target in targets:
            referrers.setdefault(target, []).append(element.id)
    ready = [e.id for e in reversed(elements) if waiting[e.id] == 0]
    order: list[str] = []
    while ready:
        element_id = ready.pop()
        order.append(element_id)
        for referrer in referrers.get(element_id, ()):
            waiting[referrer] -= 1
            if waiting[referrer] == 0:
                ready.append(referrer)
    if len(order) < len(waiting):
        placed = set(order)
        tail = [e.id for e in elements if e.id not in placed]
        return order + tail, len(tail)
    return order, 0
