"""The Overview: a minimap of the canvas scene with the main view's visible area.

A small view fit to the drawing; a click or a drag centres the main view on that point.
It never draws the canvas's items itself: it shows a picture of the scene (a cached
pixmap) that is re-rendered at most every :data:`RENDER_INTERVAL_MS` after the scene
changed, and only the main view's visible area is drawn live over it. A large design
scene is pictured at low detail (its boxes other than VMs, LUNs, disks and databases,
which are below a pixel at that scale), so a picture costs milliseconds, not a paint
of every item. With a session, the picture also waits (up to :data:`MAX_HOLD_MS`, or
:data:`HOLD_CHECKS` times the session's last check) for a background check to finish:
painting while the worker thread runs Python contends for the GIL at every Qt call and
takes ten times longer. While a big edit runs in steps (the session is busy), the
picture waits for its end: one picture of the result, not several of half-made designs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import shiboken6
from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.document.events import DesignReplaced
from designer.ui import slices
from designer.ui.canvas.fills import fill_rect
from designer.ui.canvas.presentation import is_detail
from designer.ui.session import EditorSession

__all__ = [
    "HOLD_CHECKS",
    "LONG_DRAWING",
    "LOW_DETAIL_ITEMS",
    "MAX_HOLD_MS",
    "MAX_LENGTHS",
    "RENDER_INTERVAL_MS",
    "WAITING_CAPTION",
    "OverviewPanel",
]

#: The picture is re-rendered at most this often while the scene keeps changing.
RENDER_INTERVAL_MS = 500
#: The longest a re-render waits for the session's background check, at least; for a
#: check that took longer last time, :data:`HOLD_CHECKS` times as long as it took.
MAX_HOLD_MS = 2000
#: How many times the session's last check a re-render waits for the current one: a
#: check of a 100k design takes 1.5-3 s, and a picture rendered while it ran (its
#: drawing's bounds over every item, then its slices) took 2-5 times its CPU time in
#: wall time (bounds 40-177 ms for 18-32 ms of CPU) on a loaded machine.
HOLD_CHECKS = 2.0
#: Shown in the minimap until the design's first picture is made.
WAITING_CAPTION = "Drawing the overview…"
#: A progressive re-render paints for about this long per event-loop turn.
_STEP_MS = 6
#: A scene with more boxes than this is pictured at low detail (see the module doc).
LOW_DETAIL_ITEMS = 2000
#: A drawing whose sides' ratio is more than this many times the minimap's (fit whole,
#: it would fill less than a third of the minimap's width or height) is pictured across
#: the minimap's short side, and the minimap follows the main view's area along the long
#: side (scrolled, and by the wheel): fit whole, the 100k design (a tall column of sites)
#: was a strip 28 px wide in a 210 px minimap (eyes29).
LONG_DRAWING = 3.0
#: A long drawing's picture is at most this many minimaps long (and no wider than the
#: minimap): a drawing longer still is shrunk to that length, as a drawing fit whole is.
MAX_LENGTHS = 8.0
#: The drawing is measured this many items between two looks at the clock (~0.4 ms).
_MEASURE_CHUNK = 128
#: Qt's order for "as the index holds them" (QGraphicsScene.items sorts otherwise).
_UNSORTED = Qt.SortOrder(-1)

#: What a measure of the drawing is for: the scene, its design and its extent's key.
_Key = tuple[QGraphicsScene, object, tuple[object, ...]]


class OverviewPanel(QGraphicsView):
    """Minimap of ``view``'s scene; click or drag to move the main view."""

    def __init__(
        self,
        view: QGraphicsView,
        parent: QWidget | None = None,
        session: EditorSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.main_view = view
        self.session = session
        self.setWindowTitle("Overview")
        self.setObjectName("overviewView")
        self.setInteractive(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMinimumSize(120, 90)
        self.setToolTip("Overview of the canvas; click or drag to move the view there")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # An empty scene in the canvas's coordinates: the minimap maps points like the
        # canvas does, but painting it visits no canvas item.
        self._frame = QGraphicsScene(self)
        self.setScene(self._frame)
        self._visible = QPolygonF()
        self._picture = QPixmap()
        #: The scene area the picture shows (the minimap's whole viewport).
        self._picture_rect = QRectF()
        #: How many times the picture was rendered (tests, benchmarks).
        self.render_count = 0
        self._dirty = True
        self._since_render = QElapsedTimer()
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render_when_idle)
        #: Relays the scene's ``changed`` to :meth:`schedule_render` without its list of
        #: rectangles: the signal goes to this timer's own (C++) slot, so PySide does not
        #: make a Python list of every changed item's rectangle (38,696 lines shown at
        #: once by a Select All at 25k: ~100 ms in that turn).
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(0)
        self._changed.timeout.connect(self.schedule_render)
        self._held = QElapsedTimer()
        #: Looks whether lines in flux at the last picture have settled (_check_settled).
        self._settled_check = QTimer(self)
        self._settled_check.setSingleShot(True)
        self._settled_check.setInterval(RENDER_INTERVAL_MS)
        self._settled_check.timeout.connect(self._check_settled)
        self._job: _RenderJob | None = None
        #: A resize or show asked for the picture: no waiting for the check.
        self._urgent = False
        #: The last drawing's bounds and what they were measured for (see _kept_rect).
        self._measured: tuple[QGraphicsScene, object, tuple[object, ...], QRectF] | None = None
        #: The drawing being measured in steps before a progressive render.
        self._measure: _Measure | None = None
        self._dragging = False
        #: The drawing is long (see :data:`LONG_DRAWING`): the minimap shows part of it.
        self._long = False
        self._scene: QGraphicsScene | None = None
        self.attach_scene()
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self.update_visible_area)
            bar.rangeChanged.connect(self.update_visible_area)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        if session is not None:
            session.findings_changed.connect(self._on_findings_changed)
            session.document_edited.connect(self._on_document_edited)
            session.busy_changed.connect(self._on_busy)

    def attach_scene(self) -> None:
        """Follow the main view's scene (the canvas may replace it on load)."""
        scene = self.main_view.scene()
        if scene is self._scene:
            return
        if self._scene is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._scene.sceneRectChanged.disconnect(self.schedule_render)
                self._scene.changed.disconnect(self._changed.start)
        self._scene = scene
        if scene is not None:
            scene.sceneRectChanged.connect(self.schedule_render)
            scene.changed.connect(self._changed.start)
        self._dirty = True
        if self.isVisible():
            self._refit_and_render_soon()

    def _on_document_edited(self, events: tuple[object, ...]) -> None:
        if any(isinstance(event, DesignReplaced) for event in events):
            self._forget_picture()

    def _forget_picture(self) -> None:
        """A new design replaced the one pictured (File > New, File > Open): the picture
        being measured or painted, and the one shown, are of the previous design, which
        the canvas no longer shows. Drop them (a blank minimap meanwhile, not the other
        design) and picture the new one soon, as after any change; a job left to finish
        showed the previous design until the next picture, seconds later while a big
        design's check runs (the picture waits for it)."""
        self._cancel_job()
        self._settled_check.stop()
        self._measured = None
        self._held.invalidate()
        self._picture = QPixmap()
        self._picture_rect = QRectF()
        self.viewport().update()
        self._dirty = True
        self._since_render.invalidate()  # not throttled by the previous design's picture
        self._render_timer.stop()
        self.schedule_render()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.update_visible_area()
        return False

    # -- the picture ---------------------------------------------------------------------
    def schedule_render(self, *_args: object) -> None:
        """The scene changed: re-render the picture soon, at most every
        :data:`RENDER_INTERVAL_MS` (a drag changes the scene on every frame)."""
        self._dirty = True
        if self._render_timer.isActive():
            return
        elapsed = self._since_render.elapsed() if self._since_render.isValid() else None
        wait = 0 if elapsed is None else max(0, RENDER_INTERVAL_MS - elapsed)
        # Let the edit's other consequences (restyles, the check) land first.
        self._render_timer.start(max(wait, 30))

    def _checking(self) -> bool:
        """The session's check of the current revision is still running."""
        session = self.session
        return session is not None and session.findings_revision != session.document.revision

    def _on_busy(self, busy: bool) -> None:
        if not busy and self._dirty:
            self.schedule_render()  # (the check of the result follows: see _render_when_idle)

    def _on_findings_changed(self) -> None:
        if self._dirty and self._held.isValid():
            self.schedule_render()

    def _hold_ms(self) -> float:
        """How long a re-render waits for the check that is running, at most."""
        last = self.session.check_ms if self.session is not None else 0.0
        return max(MAX_HOLD_MS, HOLD_CHECKS * last)

    def _render_when_idle(self) -> None:
        session = self.session
        if session is not None and session.busy and not self._urgent:
            # A big edit in steps: its steps' designs are not the result, and each
            # picture of a 100k design costs the edit's turns hundreds of ms. Pictured
            # once it is done (_on_busy).
            return
        if self._checking() and not self._urgent:
            if not self._held.isValid():
                self._held.start()
            if self._held.elapsed() < self._hold_ms():
                # findings_changed reschedules; the timer is the fallback for a check
                # whose result is dropped as stale (a newer edit is checked after it).
                self._render_timer.start(RENDER_INTERVAL_MS)
                return
        self._render(progressive=True)

    def _drawing_rect(self, items_rect: QRectF | None = None) -> QRectF:
        """The scene area pictured: the drawing (``items_rect``, else measured or kept
        now) with a margin."""
        scene = self._scene
        if scene is None:
            return QRectF()
        # The canvas pads its scene rect generously for scrolling; show the drawing.
        rect = self._items_rect(scene) if items_rect is None else items_rect
        if rect.isEmpty():
            rect = scene.sceneRect()
        if rect.isEmpty():
            return QRectF()
        margin = max(rect.width(), rect.height()) * 0.03
        return rect.adjusted(-margin, -margin, margin, margin)

    def _items_rect(self, scene: QGraphicsScene) -> QRectF:
        """``scene.itemsBoundingRect()``, measured again only when the drawing may have
        changed its extent (see :meth:`_kept_rect`): at once, here (a show or a resize:
        the user waits for the picture); a re-render after changes measures in steps
        (:class:`_Measure`)."""
        kept = self._kept_rect(scene)
        if kept is not None:
            return kept
        key = self._extent_key(scene)
        rect = scene.itemsBoundingRect()
        if key is not None:
            self._measured = (*key, QRectF(rect))
        return rect

    def _extent_key(self, scene: QGraphicsScene) -> _Key | None:
        """What the drawing's extent depends on beyond restyles: the canvas's scene and
        design, its box and line counts, scene rect and routing; None: not the canvas
        (measured every time)."""
        nodes, edges = getattr(scene, "nodes", None), getattr(scene, "edges", None)
        if not isinstance(nodes, dict) or not isinstance(edges, dict) or self.session is None:
            return None
        routing = getattr(scene, "routing_pending", None)
        return scene, self.session.design, (len(nodes), len(edges), scene.sceneRect(), routing)

    def _kept_rect(self, scene: QGraphicsScene) -> QRectF | None:
        """The last measure of the drawing, if it still holds; None: measure again.

        It holds while the design, the boxes, the lines and the routing are as they
        were (new findings only restyle items: 40 ms of the UI thread at 100,000
        elements for the same rectangle). While lines are still being made, routed or
        taken away (``routing_pending``: a Select All's 38,696 lines at 25k for tens
        of seconds) it holds too if only the lines changed: they are measured once
        settled, not at every picture meanwhile (each measure 120-310 ms of the UI
        thread at 25k, two or three of them after each Ctrl+A and Escape). Identity,
        not equality, for the design: comparing two designs compares every element."""
        key = self._extent_key(scene)
        known = self._measured
        if key is None or known is None or known[0] is not scene or known[1] is not key[1]:
            return None
        extent, was = key[2], known[2]
        if was == extent:
            return QRectF(known[3])
        if extent[3] and extent[0] == was[0] and extent[2] == was[2]:
            # Lines in flux: kept, noted as measured while routing, so that the drawing
            # is measured again once they settle (whatever their count then).
            self._measured = (scene, key[1], extent, known[3])
            return QRectF(known[3])
        return None

    def _waits_for_boxes(self) -> bool:
        """The canvas is still building a big design's boxes after its first frame
        (``DesignScene.building``): the picture waits for them (measuring or drawing the
        scene now would build them all in this turn)."""
        if not getattr(self._scene, "building", False):
            return False
        self._dirty = True
        self._render_timer.start(RENDER_INTERVAL_MS)
        return True

    def _render(self, *, progressive: bool = False) -> None:
        """Fit to the drawing and render the picture (when shown; else on show).

        ``progressive``: paint a large scene's boxes a few milliseconds at a time, over
        several event-loop turns, and show the picture once it is complete (a re-render
        after an edit); otherwise all at once (show, resize: the user waits for it).
        """
        if not self.isVisible():
            return
        if self._waits_for_boxes():
            return
        self._render_timer.stop()
        scene = self._scene
        key = self._extent_key(scene) if scene is not None else None
        measuring = self._measure
        going_on = progressive and measuring is not None and _same(measuring.key, key)
        if not going_on:
            self._cancel_job()
        self._held.invalidate()
        self._urgent = False
        self._dirty = False
        self._since_render.start()
        if going_on:
            # The measure under way is the one needed: it goes on, then the picture
            # (started again at each change of a busy scene, it would never end).
            return
        if progressive and key is not None and self._kept_rect(key[0]) is None:
            # The canvas's drawing measured in steps first (see _Measure), within the
            # turn's budget shared with the window's other slices.
            self._measure = _Measure(key)
            slices.shared().start((id(self), "render"), self, self._step)
            return
        if not self._begin_picture(self._drawing_rect()):
            return
        if progressive:
            # Within the turn's budget shared with the window's other slices.
            slices.shared().start((id(self), "render"), self, self._step)
        else:
            assert self._job is not None
            self._job.paint(float("inf"))
            self._finish_job()

    def _begin_picture(self, rect: QRectF) -> bool:
        """Fit to ``rect`` and start the picture's job (:attr:`_job`); False: nothing to
        paint (an empty drawing: no picture)."""
        if rect.isEmpty():
            self._picture = QPixmap()
            self._picture_rect = QRectF()
            self.viewport().update()
            return False
        shown, size = self._fit(rect)
        ratio = self.devicePixelRatioF()
        picture = QPixmap(size * ratio)
        picture.setDevicePixelRatio(ratio)
        scene = self._scene
        assert scene is not None
        background = scene.backgroundBrush()
        if background.style() == Qt.BrushStyle.NoBrush:
            picture.fill(self.palette().color(QPalette.ColorRole.Base))
        else:
            picture.fill(background.color())
        painter = QPainter(picture)
        target = QRectF(0, 0, size.width(), size.height())
        boxes = _low_detail_items(scene)
        zoom = self.main_view.transform().m11()
        if boxes is None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            with _textless(scene), _marks_as_on(scene, zoom):
                scene.render(painter, target, shown, Qt.AspectRatioMode.IgnoreAspectRatio)
            boxes = ([], 0)
        job = _RenderJob(picture, painter, shown, boxes, _scene_to_target(target, shown))
        job.zoom = zoom
        self._job = job
        return True

    def _fit(self, rect: QRectF) -> tuple[QRectF, QSize]:
        """Fit the minimap to the drawing ``rect``: the scene area its picture shows
        and the picture's size (pixels). Whole, with the minimap's viewport as the
        picture; a long drawing (see :data:`LONG_DRAWING`) across the minimap's short
        side, the picture as long as the drawing then is, and the minimap scrolled to
        the main view's area."""
        self._frame.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        viewport = self.viewport().rect()
        vw, vh = viewport.width(), viewport.height()
        rw, rh = rect.width(), rect.height()
        self._long = False
        if vw > 0 and vh > 0 and rw > 0 and rh > 0:
            fit, fill = min(vw / rw, vh / rh), max(vw / rw, vh / rh)
            if fill > fit * LONG_DRAWING:
                self._long = True
                scale = min(fill, fit * MAX_LENGTHS)
                # The drawing, widened along its short side to the minimap's.
                w, h = max(rw, vw / scale), max(rh, vh / scale)
                shown = QRectF(rect.center().x() - w / 2, rect.center().y() - h / 2, w, h)
                self._frame.setSceneRect(shown)
                self.setTransform(QTransform.fromScale(scale, scale))
                self._follow()
                size = QSize(max(vw, round(w * scale)), max(vh, round(h * scale)))
                return shown, size
        return self.mapToScene(viewport).boundingRect(), viewport.size()

    def _follow(self) -> None:
        """A long drawing's minimap scrolled to show the main view's area (centred on
        it once it is not wholly in sight)."""
        if not self._long:
            return
        area = self.visible_area().boundingRect()
        if area.isEmpty():
            return
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        if not seen.contains(area):
            self.centerOn(area.center())

    def _step(self, deadline: float) -> bool:
        """Measure the drawing, then paint, until ``deadline`` (at most _STEP_MS); True
        once the picture is shown."""

        def budget() -> float:
            return min(_STEP_MS, max(0.0, (deadline - time.perf_counter()) * 1000))

        measure = self._measure
        if measure is not None:
            if measure.key[0] is not self._scene or self._waits_for_boxes():
                # The canvas's scene replaced (attach_scene renders again) or built
                # again since (rendered once built): measuring it now would build it.
                self._measure = None
                return True
            if not measure.run(budget()):
                return False
            self._measure = None
            self._measured = (*measure.key, QRectF(measure.rect))
            if not self._begin_picture(self._drawing_rect(measure.rect)):
                return True
        job = self._job
        if job is None:
            return True
        if job.paint(budget()):
            self._finish_job()
            return True
        return False

    def _finish_job(self) -> None:
        job = self._job
        assert job is not None
        self._job = None
        job.painter.end()
        self._picture = job.picture
        self._picture_rect = job.shown
        self.render_count += 1
        self.update_visible_area()
        self.viewport().update()
        known = self._measured
        if known is not None and known[2][3]:
            self._settled_check.start()  # measured (or kept) while lines were in flux

    def _check_settled(self) -> None:
        """After a picture measured while the canvas's lines were being made, routed or
        taken away: once they settle, a picture of the settled drawing (its measure's key
        no longer holds), even if the scene does not change as they settle."""
        scene, known = self._scene, self._measured
        if scene is None or known is None or known[0] is not scene or not known[2][3]:
            return
        if getattr(scene, "routing_pending", False):
            self._settled_check.start()
        else:
            self.schedule_render()

    def _cancel_job(self) -> None:
        slices.shared().cancel((id(self), "render"))
        self._measure = None
        if self._job is not None:
            self._job.painter.end()
            self._job = None

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        fill_rect(painter, rect, self.palette().color(QPalette.ColorRole.Base))
        if not self._picture.isNull():
            painter.drawPixmap(self._picture_rect, self._picture, QRectF(self._picture.rect()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty or self._picture.isNull():
            self._refit_and_render_soon()  # it was skipped while the dock was hidden

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            self._refit_and_render_soon()
        else:
            self._dirty = True

    def _refit_and_render_soon(self) -> None:
        """Fit now (clicks map at once; the old picture shows scaled meanwhile) and
        re-render on the next event-loop turn, progressively and without waiting for
        the check: docks shown or resized together resize the minimap several times in
        one layout pass, which a synchronous render would pay for each time."""
        self._dirty = True
        if self._waits_for_boxes():
            self._urgent = True  # then without waiting for the check, as now
            return
        rect = self._drawing_rect()
        if not rect.isEmpty():
            self._fit(rect)
        self._urgent = True
        self._render_timer.start(0)

    # -- the main view's area ------------------------------------------------------------
    def visible_area(self) -> QPolygonF:
        """The main view's visible part of the scene, in scene coordinates."""
        main = self.main_view
        return main.mapToScene(main.viewport().rect())

    def update_visible_area(self, *_args: object) -> None:
        polygon = self.visible_area()
        if polygon != self._visible:
            self._visible = polygon
            self._follow()
            self.viewport().update()

    def drawForeground(self, painter: QPainter, rect: QRectF | object) -> None:
        if self._picture.isNull() and self._pictures_something():
            self._draw_waiting_caption(painter)
        if self._visible.isEmpty():
            return
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(highlight)
        fill.setAlpha(40)
        pen = QPen(highlight, 0)  # cosmetic: one pixel whatever the minimap's scale
        pen.setWidthF(2)
        pen.setCosmetic(True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawPolygon(self._visible)

    def _pictures_something(self) -> bool:
        """The canvas shows boxes whose picture is not made yet (a big design's picture
        waits for its boxes and its check: seconds, during which the minimap was blank
        but for the main view's frame, as if the design were empty)."""
        scene = self._scene
        if getattr(scene, "building", False):
            return True
        # The boxes built (reading ``nodes`` while building would build them all).
        built = getattr(scene, "boxes_built", None)
        return bool(built) if isinstance(built, dict) else False

    def _draw_waiting_caption(self, painter: QPainter) -> None:
        """ "Drawing the overview…" across the minimap, in the placeholder text's colour."""
        painter.save()
        painter.resetTransform()  # viewport pixels, whatever the minimap's scale
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QRectF(self.viewport().rect()).adjusted(6, 6, -6, -6),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            WAITING_CAPTION,
        )
        painter.restore()

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

    def wheelEvent(self, event: QWheelEvent) -> None:
        # The minimap shows the whole drawing, or a long one across (see _fit): the
        # wheel scrolls along it then; never a zoom.
        if self._long:
            super().wheelEvent(event)


def _same(key: _Key, other: _Key | None) -> bool:
    """Two measures' keys alike: the same scene and design (identity), the same extent."""
    return other is not None and key[0] is other[0] and key[1] is other[1] and key[2] == other[2]


def _low_detail_items(scene: QGraphicsScene) -> tuple[list[QGraphicsItem], int] | None:
    """The items a large design scene may be pictured with — its boxes, then its
    lines — and how many are boxes, not yet chosen nor ordered (see
    :meth:`_RenderJob.choose`); None: render the whole scene (small scenes, or scenes
    that are not the designer's canvas)."""
    nodes = getattr(scene, "nodes", None)
    edges = getattr(scene, "edges", None)
    if not isinstance(nodes, dict) or len(nodes) <= LOW_DETAIL_ITEMS:
        return None
    items: list[QGraphicsItem] = list(nodes.values())
    boxes = len(items)
    if isinstance(edges, dict):
        items.extend(edges.values())
    return items, boxes


def _scene_to_target(target: QRectF, source: QRectF) -> QTransform:
    """The transform QGraphicsScene.render uses to draw ``source`` into ``target``."""
    base = QTransform()
    base.translate(target.left(), target.top())
    base.scale(target.width() / source.width(), target.height() / source.height())
    base.translate(-source.left(), -source.top())
    return base


class _Measure:
    """A scene's ``itemsBoundingRect`` — the union of every item's scene bounding
    rectangle, as Qt computes it — a few milliseconds at a time: at once it took
    120-310 ms of the UI thread at 25k (63,585 items, each line's and label's bounds
    asked of Python), two or three times after each Select All and Escape.

    The items are taken in the scene's index order, unsorted (Qt sorts them by
    stacking order first, which a union does not need: ~15 ms of the 47 their list
    takes at 25k). An item deleted meanwhile is skipped; one that changed meanwhile
    changed the scene, which renders the picture again with a new measure if its
    extent may differ (:meth:`OverviewPanel._kept_rect`)."""

    def __init__(self, key: _Key) -> None:
        #: What it measures for (see OverviewPanel._extent_key), taken when it started.
        self.key = key
        self.rect = QRectF()
        self._items: list[QGraphicsItem] | None = None
        self._next = 0

    def run(self, budget_ms: float) -> bool:
        """Measure for about ``budget_ms`` (at least a chunk); True once done."""
        clock = QElapsedTimer()
        clock.start()
        items = self._items
        if items is None:
            # (the canvas's override would build the boxes still waiting: the render
            # waits for them before it starts, see _waits_for_boxes)
            items = self._items = self.key[0].items(_UNSORTED)
        rect, n = self.rect, self._next
        while n < len(items):
            for item in items[n : n + _MEASURE_CHUNK]:
                try:  # noqa: SIM105  (a context manager per item costs more than the item)
                    rect |= item.sceneBoundingRect()
                except RuntimeError:
                    pass  # deleted since the list was made
            n += _MEASURE_CHUNK
            if clock.elapsed() >= budget_ms:
                break
        self.rect, self._next = rect, n
        if n < len(items):
            return False
        self._items = None
        return True


class _RenderJob:
    """A picture being painted item by item, as QGraphicsScene.render would paint them,
    without visiting the scene's other items."""

    def __init__(
        self,
        picture: QPixmap,
        painter: QPainter,
        shown: QRectF,
        items: tuple[list[QGraphicsItem], int],
        base: QTransform,
    ) -> None:
        # The painter first: an instance's attributes are freed in the order they were
        # set, and a QPainter still active on a freed pixmap crashes in its destructor
        # (the Overview dropped mid-picture, e.g. its window closed during a big
        # design's opening).
        self.painter = painter
        self.picture = picture
        self.shown = shown
        #: The items to paint, bottom first, once chosen from the candidates.
        self.items: list[QGraphicsItem] = []
        self._candidates, self._boxes = items
        self._chosen: list[tuple[float, int, QGraphicsItem]] = []
        self._seen = 0
        self.base = base
        self.next = 0
        self.option = QStyleOptionGraphicsItem()
        #: The canvas's zoom when the picture began (its fixed-size marks, scaled).
        self.zoom = 1.0

    def choose(self, clock: QElapsedTimer, budget_ms: float) -> bool:
        """Choose the candidates pictured (visible boxes that are not details such as
        VMs, visible lines that are not details) and order them by z, stably, for
        about ``budget_ms``; True once done. At once, a 25k design's 50k candidates
        took 50-100 ms of the UI thread (a Python <-> Qt crossing or two each)."""
        candidates, chosen, boxes = self._candidates, self._chosen, self._boxes
        n = self._seen
        while n < len(candidates):
            item = candidates[n]
            if not shiboken6.isValid(item):
                pictured = False  # removed since the job started (a later render shows it)
            elif n < boxes:
                pictured = not is_detail(getattr(item, "kind", ""))
            else:
                pictured = not getattr(item, "detail", False)
            if pictured and item.isVisible():
                chosen.append((item.zValue(), n, item))
            n += 1
            if n % 256 == 0 and clock.elapsed() >= budget_ms:
                self._seen = n
                return False
        chosen.sort()  # by z, then candidate order: n is unique, items never compared
        self.items = [entry[2] for entry in chosen]
        self._candidates, self._chosen, self._seen = [], [], 0
        return True

    def paint(self, budget_ms: float) -> bool:
        """Paint items for about ``budget_ms`` (at least one); True once all are painted."""
        clock = QElapsedTimer()
        clock.start()
        if self._candidates and not self.choose(clock, budget_ms):
            return False
        painter, option, items = self.painter, self.option, self.items
        first = self.next
        while self.next < len(items) and (self.next == first or clock.elapsed() < budget_ms):
            item = items[self.next]
            self.next += 1
            if not shiboken6.isValid(item) or item.scene() is None:
                continue  # removed since the job started (a later render shows it)
            painter.save()
            painter.setTransform(item.sceneTransform() * self.base)
            option.exposedRect = item.boundingRect()
            scene = item.scene()
            with _textless(scene), _marks_as_on(scene, self.zoom):
                item.paint(painter, option, None)
            painter.restore()
        return self.next >= len(items)


@contextlib.contextmanager
def _marks_as_on(scene: QGraphicsScene | None, zoom: float) -> Iterator[None]:
    """The marks the canvas draws at a fixed size on screen (a selected box's handles
    and ports, findings markers) as it draws them at its ``zoom``, scaled to the
    minimap: at the minimap's own scale they were blobs over the boxes (eyes14)."""
    marks_as_on = getattr(scene, "marks_as_on", None)
    if marks_as_on is None:
        yield
        return
    with marks_as_on(zoom):
        yield


@contextlib.contextmanager
def _textless(scene: QGraphicsScene | None) -> Iterator[None]:
    """The minimap pictures boxes and lines: names at its scale would be noise."""
    labels = getattr(scene, "labels", None)
    if labels is None:
        yield
        return
    with labels.mute():
        yield
