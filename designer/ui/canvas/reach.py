"""How far past its box a box's bounds reach: a selected or hovered box draws its
resize handles and connection ports at a fixed size on screen, partly outside the box
(a small box's ports sit on its border, clear of its name). Qt repaints an item's
bounds only (when it moves, or its state changes), so the bounds of a box showing
those marks take them in; a dragged selected box left a trail of its handles' corners
otherwise (eyes18 ui #18, wave 19).

The reach is in scene units for the canvas's zoom, rounded up to a power of two: a
zoom re-files the boxes' bounds only when it halves or doubles. A box grows or shrinks
at once, up to :data:`REACH_AT_ONCE` in a turn of the event loop; the rest of a big
selection when the canvas is about to paint them (those in view: Select All of 25,000
boxes re-filed ~100 ms in Qt's index, and as much again at Escape, for boxes mostly
never seen selected). A box draws its marks only once its bounds take them in
(:meth:`designer.ui.canvas.items.node.NodeItem.marks_fit`); a box left larger than
it needs (out of view since) only costs a little more repainting."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QGraphicsScene

from designer.ui.canvas.items.node import MARKS_PX, NodeItem

if TYPE_CHECKING:
    from PySide6.QtCore import QRectF

__all__ = ["REACH_AT_ONCE", "MarksReach", "reach_at"]

#: The zoom below which no mark is drawn (a box is a plain rectangle there).
MARKS_MIN_LOD = 0.12
#: Boxes whose bounds follow their marks at once in one turn; more wait to be painted.
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
        #: Boxes whose marks came or went, to follow when next painted.
        self._waiting: set[NodeItem] = set()
        self._now = 0  # boxes changed at once since the last paint

    def want(self, node: NodeItem) -> None:
        """``node``'s marks came or went: its bounds follow, now or before it is next
        painted."""
        if node in self._waiting:
            return  # (restyled again meanwhile: followed when painted, as it is then)
        if self._now < REACH_AT_ONCE:
            if not self._now:
                views = self._scene.views()  # (the canvas may have zoomed since)
                if views:
                    self._follow(views[0].transform().m11())
            self._now += 1
            self._apply(node)
            return
        self._waiting.add(node)

    def before_paint(self, scale: float, shown: QRectF) -> None:
        """The canvas, at zoom ``scale``, is about to paint ``shown`` (scene
        coordinates): the boxes there follow their marks and its zoom."""
        self._now = 0
        self._follow(scale)
        if not self._waiting or scale < MARKS_MIN_LOD:
            return  # (no mark drawn that far out)
        waiting = self._waiting
        near = shown.adjusted(-self.reach, -self.reach, self.reach, self.reach)
        # (Qt's own: the scene's would build a big design's boxes still to come.)
        for item in QGraphicsScene.items(self._scene, near):
            if item in waiting and isinstance(item, NodeItem):
                waiting.discard(item)
                self._apply(item)

    def _follow(self, scale: float) -> None:
        reach = reach_at(scale)
        if reach != self.reach:
            self.reach = reach
            self._waiting |= self._reaching

    def reaching(self) -> list[NodeItem]:
        """The boxes whose bounds reach past them now (in the scene)."""
        return [n for n in self._reaching if shiboken6.isValid(n) and n.scene() is self._scene]

    def clear(self) -> None:
        """The scene dropped every box (a rebuild)."""
        self._reaching.clear()
        self._waiting.clear()
        self._now = 0

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
