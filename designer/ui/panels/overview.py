"""The Overview: a minimap of the canvas scene with the main view's visible area.

A second, non-interactive view on the same scene, always fit to the scene rect; a
click or a drag centres the main view on that point.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

__all__ = ["OverviewPanel"]


class OverviewPanel(QGraphicsView):
    """Minimap of ``view``'s scene; click or drag to move the main view."""

    def __init__(self, view: QGraphicsView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.main_view = view
        self.setWindowTitle("Overview")
        self.setObjectName("overviewView")
        self.setInteractive(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setMinimumSize(120, 90)
        self.setToolTip("Overview of the canvas; click or drag to move the view there")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._visible = QPolygonF()
        # Items move often (drags); refit at most a few times a second.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(150)
        self._fit_timer.timeout.connect(self._fit)
        self._dragging = False
        self._scene: QGraphicsScene | None = None
        self.attach_scene()
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self.update_visible_area)
            bar.rangeChanged.connect(self.update_visible_area)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    def attach_scene(self) -> None:
        """Follow the main view's scene (the canvas may replace it on load)."""
        scene = self.main_view.scene()
        if scene is self._scene:
            return
        if self._scene is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._scene.sceneRectChanged.disconnect(self._fit)
                self._scene.changed.disconnect(self._schedule_fit)
        self._scene = scene
        self.setScene(scene)
        if scene is not None:
            scene.sceneRectChanged.connect(self._fit)
            scene.changed.connect(self._schedule_fit)
        self._fit()

    def _schedule_fit(self, *_args: object) -> None:
        if not self._fit_timer.isActive():
            self._fit_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.update_visible_area()
        return False

    # -- geometry ------------------------------------------------------------------------
    def _fit(self, *_args: object) -> None:
        scene = self.scene()
        if scene is None:
            return
        # The canvas pads its scene rect generously for scrolling; show the drawing.
        rect = scene.itemsBoundingRect()
        if rect.isEmpty():
            rect = scene.sceneRect()
        if rect.isEmpty():
            return
        margin = max(rect.width(), rect.height()) * 0.03
        rect = rect.adjusted(-margin, -margin, margin, margin)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.update_visible_area()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def visible_area(self) -> QPolygonF:
        """The main view's visible part of the scene, in scene coordinates."""
        main = self.main_view
        return main.mapToScene(main.viewport().rect())

    def update_visible_area(self, *_args: object) -> None:
        polygon = self.visible_area()
        if polygon != self._visible:
            self._visible = polygon
            self.viewport().update()

    def drawForeground(self, painter: QPainter, rect: QRectF | object) -> None:
        if self._visible.isEmpty():
            return
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(highlight)
        fill.setAlpha(40)
        pen = QPen(highlight, 0)  # cosmetic: one pixel whatever the minimap's scale
        pen.setWidthF(2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawPolygon(self._visible)

    # -- navigation ----------------------------------------------------------------------
    def centre_main_view(self, scene_pos: QPointF) -> None:
        self.main_view.centerOn(scene_pos)
        self.update_visible_area()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self.centre_main_view(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self.centre_main_view(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: object) -> None:
        # The minimap always shows the whole scene: no scrolling or zooming here.
        return
