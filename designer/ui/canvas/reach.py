"""How far past its box a box's bounds reach: a selected or hovered box draws its
resize handles and connection ports at a fixed size on screen, partly outside the box
(a small box's ports sit on its border, clear of its name). Qt repaints an item's
bounds only (when it moves, or its state changes), so the bounds of a box showing
those marks take them in; a dragged selected box left a trail of its handles' corners
otherwise (eyes18 ui #18, wave 19).

The reach is in scene units for the canvas's zoom, rounded up to a power of two: a
zoom re-files the boxes' bounds only when it halves or doubles. A box grows or shrinks
at once, up to :data:`REACH_AT_ONCE` in a turn of the event loop; the rest of a big
selection (Select All of 25,000 boxes: ~100 ms of re-filing in Qt's index) in idle
slices. A box draws its marks only once its bounds take them in
(:meth:`designer.ui.canvas.items.node.NodeItem.marks_fit`)."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import shiboken6

from designer.ui import slices
from designer.ui.canvas.items.node import MARKS_PX

if TYPE_CHECKING:
    from PySide6.QtWidgets import QGraphicsScene

    from designer.ui.canvas.items.node import NodeItem

__all__ = ["REACH_AT_ONCE", "MarksReach", "reach_at"]

#: The zoom below which no mark is drawn (a box is a plain rectangle there).
MARKS_MIN_LOD = 0.12
#: Boxes whose bounds follow their marks at once in one turn; more go in slices.
REACH_AT_ONCE = 64


def reach_at(scale: float) -> float:
    """The reach (scene units) of a box showing its marks at the canvas's ``scale``."""
    return 2.0 ** math.ceil(math.log2(MARKS_PX / max(scale, MARKS_MIN_LOD)))


class MarksReach:
    """The boxes whose bounds reach past them, kept in step with their marks and the
    canvas's zoom (one per scene)."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        #: The reach at the canvas's zoom (scene units).
        self.reach = reach_at(1.0)
        self._reaching: set[NodeItem] = set()
        self._queue: dict[NodeItem, None] = {}
        self._now = 0  # boxes changed at once since the last paint or slice

    @property
    def _key(self) -> tuple[int, str]:
        return (id(self._scene), "marks reach")

    def want(self, node: NodeItem) -> None:
        """``node``'s marks came or went: its bounds follow, now or in a slice."""
        if not self._queue and self._now < REACH_AT_ONCE:
            if not self._now:
                self._follow_view()  # (the canvas may have zoomed since it painted)
                if self._queue:
                    slices.shared().start(self._key, self._scene, self._slice)
            self._now += 1
            self._apply(node)
            return
        if not self._queue:
            slices.shared().start(self._key, self._scene, self._slice)
        self._queue[node] = None

    def zoomed(self, scale: float) -> None:
        """Before the canvas paints: the boxes showing marks follow its zoom."""
        self._now = 0
        reach = reach_at(scale)
        if reach != self.reach:
            self.reach = reach
            for node in list(self._reaching):
                self.want(node)

    def _follow_view(self) -> None:
        views = self._scene.views()
        if views:
            reach = reach_at(views[0].transform().m11())
            if reach != self.reach:
                self.reach = reach
                for node in self._reaching:
                    self._queue[node] = None

    def reaching(self) -> list[NodeItem]:
        """The boxes whose bounds reach past them now (in the scene)."""
        return [n for n in self._reaching if shiboken6.isValid(n) and n.scene() is self._scene]

    def clear(self) -> None:
        """The scene dropped every box (a rebuild)."""
        slices.shared().cancel(self._key)
        self._reaching.clear()
        self._queue.clear()
        self._now = 0

    def _slice(self, deadline: float) -> bool:
        self._now = 0
        queue = self._queue
        self._follow_view()
        while queue:
            node = next(iter(queue))
            del queue[node]
            self._apply(node)
            if time.perf_counter() >= deadline:
                break
        return not queue

    def _apply(self, node: NodeItem) -> None:
        if not shiboken6.isValid(node) or node.scene() is not self._scene:
            self._reaching.discard(node)
            return
        reach = self.reach if node.shows_marks() else 0.0
        node.set_reach(reach)
        if reach:
            self._reaching.add(node)
        else:
            self._reaching.discard(node)
