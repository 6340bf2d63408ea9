"""The selected database's (or site's users') minimal cut sets, drawn on the canvas.

One item over the scene, like the simulation overlay: each element of a cut set gets a
thick outline in the colour of the smallest cut set it is in (order 1 red, order 2
amber, order 3 and more blue) and a badge saying so ("1" ... "3"); a WAN link in a cut
set is traced over its line. Transient view state: nothing here is model data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.availability import TargetCutSets

if TYPE_CHECKING:
    from designer.ui.canvas.scene import DesignScene

__all__ = ["ORDER_COLORS", "CutSetHighlight", "order_color"]

ORDER_COLORS = {1: QColor("#d32f2f"), 2: QColor("#ef8f00"), 3: QColor("#1e63b5")}
BADGE = 15.0


def order_color(order: int) -> QColor:
    return ORDER_COLORS.get(order, ORDER_COLORS[3])


class CutSetHighlight(QGraphicsObject):
    """Outlines the elements of one target's cut sets."""

    def __init__(self, scene: DesignScene) -> None:
        super().__init__()
        self.design_scene = scene
        self.setZValue(9_000)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.target: TargetCutSets | None = None
        #: Element id (an array for a storage processor) → smallest order it is in.
        self.orders: dict[str, int] = {}
        self._bounds = QRectF()
        self._font = QFont()
        self._font.setPointSizeF(8.0)
        self._font.setBold(True)
        scene.keep_across_rebuilds(self)

    def show_target(self, target: TargetCutSets | None) -> None:
        """Outline ``target``'s cut sets (None: nothing)."""
        self.prepareGeometryChange()
        self.target = target
        orders: dict[str, int] = {}
        for cut in target.cut_sets if target is not None else ():
            for element in cut.elements:
                shown = element.split("/SP-")[0]  # a storage processor: on its array
                orders[shown] = min(orders.get(shown, cut.order), cut.order)
        self.orders = orders
        self._bounds = self._compute_bounds()
        self.update()

    def _shape_of(self, element: str) -> tuple[QRectF | None, QPainterPath | None]:
        scene = self.design_scene
        rect = scene.rect_of(element)
        if rect is not None:
            return rect, None
        item = scene.item_for(element)
        if isinstance(item, QGraphicsPathItem):  # a WAN link: its line
            return item.sceneBoundingRect(), item.mapToScene(item.path())
        return None, None

    def _compute_bounds(self) -> QRectF:
        bounds = QRectF()
        for element in self.orders:
            rect, _ = self._shape_of(element)
            if rect is not None:
                bounds = bounds.united(rect.adjusted(-12, -BADGE - 8, BADGE + 12, 12))
        return bounds

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        if not self.orders:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        for element, order in sorted(self.orders.items(), key=lambda kv: -kv[1]):
            rect, path = self._shape_of(element)
            if rect is None:
                continue
            color = order_color(order)
            pen = QPen(color, 4.0)
            pen.setCosmetic(True)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(pen)
            if path is not None:
                painter.drawPath(path)
                corner = rect.center()
            else:
                painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 6, 6)
                corner = rect.topRight() + QPointF(3, -3)
            badge = QRectF(corner.x() - BADGE / 2, corner.y() - BADGE / 2, BADGE, BADGE)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(color))
            painter.drawEllipse(badge)
            painter.setPen(QPen(QColor("white")))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(order))
