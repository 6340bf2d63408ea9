"""Lines: WAN links, mirrors, Double-Take replication, and drawn references
(DAG membership, witness, load balancer → CAS array, disk → LUN)."""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
)

from designer.domain.design import Severity
from designer.ui.canvas.labels import Labels
from designer.ui.canvas.theme import Theme

__all__ = ["AMBER_FROM", "MIN_LINK", "EdgeItem", "load_percent", "route_path"]

#: A WAN link's line turns amber from this utilisation (docs/capacity.md), red over 1.
AMBER_FROM = 0.7
#: A WAN link is drawn over a casing of the canvas's colour this much wider on each
#: side (screen pixels): lines beneath it stop short of it.
CASING_PX = 3.0
#: A straight WAN link shorter than this (scene units: two sites that nearly touch) is
#: drawn this long across its middle, over the sites' edges, and picked there: a 10 px
#: stub between them, its label away on a leader, was hard to see or click (eyes18 ui #13).
MIN_LINK = 48.0
#: A findings badge's diameter and its gap from the label it sits beside (screen
#: pixels at 100 % and closer; kept on screen as the view zooms out, down to 20 %).
BADGE_PX = 16.0
BADGE_GAP_PX = 5.0
#: Room (scene units) a label keeps at its right end for its line's badge: the badge
#: and gap at the farthest zoom that keeps them on screen (lod 0.2).
_BADGE_ROOM = (BADGE_PX + BADGE_GAP_PX) / 0.2


def _on_screen(px: float, lod: float) -> float:
    """``px`` screen pixels in scene units at ``lod`` (never smaller than at 100 %)."""
    return px / max(lod, 0.2) if lod < 1 else px


def load_percent(fraction: float) -> str:
    """A link's utilisation as its label and tooltip say it (without " %"): whole
    percent, but never rounded across a colour's threshold — 69.96 % is "69.9", not
    "70" (still green), and 100.2 % is "100.2", not "100" (red: over its bandwidth).

    >>> load_percent(0.3495), load_percent(0.699), load_percent(1.002), load_percent(0.7)
    ('35', '69.9', '100.2', '70')
    """
    if math.isinf(fraction):
        return "∞"
    pct = fraction * 100
    text = f"{pct:.0f}"
    if fraction < AMBER_FROM and float(text) >= AMBER_FROM * 100:
        return f"{math.floor(round(pct * 10, 6)) / 10:.1f}"
    if fraction > 1.0 + 1e-9 and float(text) <= 100:
        return f"{math.ceil(round(pct * 10, 6)) / 10:.1f}"
    return text


#: (pen width, dash style, directed) per edge kind (element kinds or relation fields).
_STYLE: dict[str, tuple[float, Qt.PenStyle, bool, str]] = {
    "wan_link": (3.0, Qt.PenStyle.SolidLine, False, "wan_link"),
    "mirror": (2.0, Qt.PenStyle.SolidLine, True, "mirror"),
    "host_replication": (2.0, Qt.PenStyle.DashLine, True, "host_replication"),
    # Long reference lines stay solid: Qt strokes every dash of a cosmetic dashed line
    # even off screen (a millisecond each for DAG lines across a 25k-element drawing).
    "members": (1.0, Qt.PenStyle.SolidLine, False, "dag"),
    # A DAG's witness lines are dashed: they leave the DAG's box beside its member
    # lines, in the same colour, and ran with them in their channel (eyes18 ui #19).
    # One pixel wide, Qt's cosmetic stroker dashes only what is on screen.
    "witness": (1.0, Qt.PenStyle.DashLine, True, "file_share_witness"),
    "alternate_witness": (1.0, Qt.PenStyle.DashLine, True, "file_share_witness"),
    "cas_arrays": (1.6, Qt.PenStyle.SolidLine, True, "load_balancer"),
    "lun": (1.4, Qt.PenStyle.DashLine, True, "virtual_disk"),
}


def _clip_line(line: QLineF, rect: QRectF) -> QLineF | None:
    """The part of ``line`` inside ``rect`` (Liang–Barsky), or None."""
    x0, y0, dx, dy = line.x1(), line.y1(), line.dx(), line.dy()
    t0, t1 = 0.0, 1.0
    for p, q in (
        (-dx, x0 - rect.left()),
        (dx, rect.right() - x0),
        (-dy, y0 - rect.top()),
        (dy, rect.bottom() - y0),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    return QLineF(x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)


def _lengthened(line: QLineF, length: float) -> QLineF | None:
    """``line`` drawn ``length`` long across its middle when it is shorter (a line whose
    ends coincide: across, left to right), else None."""
    have = line.length()
    if have >= length:
        return None
    middle = line.center()
    dx, dy = (line.dx() / have, line.dy() / have) if have > 0 else (1.0, 0.0)
    half = QPointF(dx * length / 2, dy * length / 2)
    return QLineF(middle - half, middle + half)


def _corridor(stroker: QPainterPathStroker, line: QLineF) -> QPainterPath:
    path = QPainterPath(line.p1())
    path.lineTo(line.p2())
    return stroker.createStroke(path)


def route_path(
    points: list[QPointF], curve_at: int | None = None, radius: float = 8.0
) -> QPainterPath:
    """A path through ``points`` with rounded corners; segment ``curve_at`` (from
    ``points[i]`` to ``points[i + 1]``) is an S-curve with horizontal ends."""
    path = QPainterPath(points[0])
    n = len(points)
    for i in range(1, n):
        p, q = points[i - 1], points[i]
        if curve_at is not None and i - 1 == curve_at:
            mid = (p.x() + q.x()) / 2
            path.cubicTo(QPointF(mid, p.y()), QPointF(mid, q.y()), q)
            continue
        if i == n - 1 or (curve_at is not None and i == curve_at):
            path.lineTo(q)
            continue
        nxt = points[i + 1]
        a, b = QLineF(q, p), QLineF(q, nxt)
        r = min(radius, a.length() / 2, b.length() / 2)
        if r < 0.5:
            path.lineTo(q)
            continue
        path.lineTo(a.pointAt(r / a.length()))
        path.quadTo(q, b.pointAt(r / b.length()))
    return path


def _beside(text: QRectF, lod: float) -> QRectF:
    """The findings badge's rectangle at the right end of a label drawn in ``text``."""
    d = _on_screen(BADGE_PX, lod)
    left = text.right() + _on_screen(BADGE_GAP_PX, lod)
    return QRectF(left, text.center().y() - d / 2, d, d)


class _LabelItem(QGraphicsSimpleTextItem):
    """Text on a pill of the canvas colour, readable over lines and boxes; drawn
    through the scene's labels (readable size, never over another label)."""

    theme: Theme
    labels: Labels
    owner: str
    #: Room kept at the right end for the line's findings badge (see EdgeItem.set_state).
    badge_room = 0.0

    def text_rect(self) -> QRectF:
        """The label as laid out (item coordinates), pill included."""
        return super().boundingRect().adjusted(-3, -1, 3, 1)

    def paint(self, painter, option, widget=None) -> None:
        theme = self.theme
        background = QColor(theme.background)
        background.setAlpha(225)
        painter.setPen(QPen(theme.text))
        text = super().boundingRect()
        # Zoomed out the text may be drawn larger than laid out: centred on its place.
        room = text.adjusted(-text.width(), -text.height(), text.width(), text.height())
        line = self.parentItem()
        with self.labels.at_z(line.zValue() if line is not None else self.zValue()):
            used = self.labels.draw(
                painter,
                room,
                self.text(),
                self.font(),
                owner=self.owner,
                flags=Qt.AlignmentFlag.AlignCenter,
                pill=background,
                min_chars=len(self.text()),
            )
        if isinstance(line, EdgeItem) and line.shows_badge():
            # The line's findings badge beside the label as drawn (eyes17: drawn over
            # the label's place first, it kept the label out).
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            badge = _beside(used if used is not None else text, lod)
            line.paint_badge(painter, lod, badge)
            line.badge_drawn = (self, badge)

    def boundingRect(self) -> QRectF:
        # Room for the text drawn up to three times its size (see labels.MAX_GROWTH),
        # and for the line's findings badge at its right end when it has one.
        r = super().boundingRect()
        return r.adjusted(
            -r.width() - 3, -r.height() - 1, r.width() + 3 + self.badge_room, r.height() + 1
        )

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.text_rect())
        return path


class EdgeItem(QGraphicsPathItem):
    """One line. ``element_id`` is set for edges that are elements (selectable)."""

    #: Hidden until routed (a line a big selection shows: see DesignScene._held).
    waiting = False
    #: Where its findings badge was last painted: (the item painting it, its rectangle).
    badge_drawn: tuple[QGraphicsItem, QRectF] | None = None

    def __init__(
        self,
        theme: Theme,
        key: str,
        style_key: str,
        source: str,
        target: str,
        element_id: str | None = None,
        label: str = "",
        labels: Labels | None = None,
    ) -> None:
        super().__init__()
        self._labels = labels or Labels()
        self.key = key
        #: The router's points (and waypoints) the line was last drawn from by the scene
        #: (None: drawn otherwise since, straight or carried along a drag).
        self.drawn_from: object = None
        self.style_key = style_key
        self.source = source
        self.target = target
        self.element_id = element_id
        self.selected = False
        #: True when an end is a VM, LUN or database (hidden with them when far out).
        self.detail = False
        #: The family it belongs to (the palette group of its kind or of its owner).
        self.family = ""
        self.marker: tuple[Severity, int] | None = None
        if style_key.startswith("member:"):
            # A loose box's link to a member, drawn while the box is selected.
            width, dash, self.directed, hue = 1.4, Qt.PenStyle.DashLine, True, style_key[7:]
        else:
            width, dash, self.directed, hue = _STYLE.get(
                style_key, (1.2, Qt.PenStyle.SolidLine, False, "element")
            )
        self._theme = theme
        self._pen = theme.edge_pen(hue, width, dash)
        self._base_pen = QPen(self._pen)
        #: The share of its bandwidth the link carries (capacity), or None.
        self.load: float | None = None
        if style_key in ("members", "alternate_witness"):
            color = self._pen.color()
            color.setAlpha(130)  # references read as secondary to links and mirrors
            self._pen.setColor(color)
        self.setPen(self._pen)
        self.setBrush(QBrush(self._pen.color(), Qt.BrushStyle.SolidPattern))
        # WAN links run only between sites: above everything, so their label reads.
        # Lines drawn for the selection (members, disk → LUN) come above the boxes.
        self._z = 4.5 if style_key == "wan_link" else 2.5
        if style_key.startswith("member:") or style_key == "lun":
            self._z = 3.6
        self.setZValue(self._z)
        self._label: _LabelItem | None = None
        if label:
            self._label = _LabelItem(label, self)
            self._label.theme = theme
            self._label.labels = self._labels
            self._label.owner = element_id or key
            self._label.setFont(theme.small_font if style_key != "wan_link" else theme.font)
            self._label.setBrush(theme.text)
        self._line = QLineF()
        #: The line as drawn when it is drawn longer than it is (see MIN_LINK), or None.
        self._drawn: QLineF | None = None
        self._route = QPainterPath()
        self._routed = False
        self._middle = QPointF()
        self._leader: QLineF | None = None
        self._arrow = QPolygonF()
        #: The user's waypoints of the route (scene coordinates): handles when selected.
        self.waypoints: list[QPointF] = []
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    @property
    def has_label(self) -> bool:
        return self._label is not None

    def set_label(self, text: str) -> None:
        # The same text keeps its place: re-placing it dropped the leader the label
        # pass gave a crowded label (and re-filed the line in the scene's index, ~1 ms
        # a WAN link at 100,000 elements, for each link on entering simulation mode).
        if self._label is not None and self._label.text() != text:
            self._label.setText(text)
            self._place_label()

    def set_route(self, points: list[QPointF], curve_at: int | None = None) -> None:
        """Run the line through ``points`` (two points: a straight line; one point: a
        line whose ends coincide)."""
        if len(points) < 2:
            points = [points[0], points[0]]
        self.drawn_from = None
        p1, p2 = points[0], points[-1]
        self.prepareGeometryChange()
        self._routed = len(points) > 2
        self._line = QLineF(p1, p2)
        self._drawn = (
            _lengthened(self._line, MIN_LINK)
            if self.style_key == "wan_link" and not self._routed
            else None
        )
        path = route_path(points, curve_at) if self._routed else QPainterPath(p1)
        if not self._routed:
            path.lineTo(p2)
        self._route = QPainterPath(path)
        # The label and findings badge go where the line is in the open: the middle of
        # the S-curve between two arrays, else the middle of the line.
        self._middle = (
            (points[curve_at] + points[curve_at + 1]) / 2
            if curve_at is not None
            else (path.pointAtPercent(0.5) if self._routed else self._line.center())
        )
        before = points[-2]
        if curve_at is not None and curve_at == len(points) - 2:
            before = QPointF(p2.x() - (p2.x() - points[-2].x()) / 2, p2.y())
        if self.directed and QLineF(points[0], p2).length() > 12:
            angle = math.atan2(before.y() - p2.y(), before.x() - p2.x())
            size = 9.0 if self.style_key not in ("lun", "members") else 6.0
            left = QPointF(
                p2.x() + size * math.cos(angle + 0.4), p2.y() + size * math.sin(angle + 0.4)
            )
            right = QPointF(
                p2.x() + size * math.cos(angle - 0.4), p2.y() + size * math.sin(angle - 0.4)
            )
            self._arrow = QPolygonF([p2, left, right, p2])
            path.addPolygon(self._arrow)
        else:
            self._arrow = QPolygonF()
        self.setPath(path)
        self._leader = None
        self._place_label()

    def drawn_line(self) -> QLineF | None:
        """The straight line as drawn when it is drawn longer than it is (MIN_LINK)."""
        return QLineF(self._drawn) if self._drawn is not None else None

    def label_scene_rect(self) -> QRectF | None:
        """Where the label sits as laid out (scene coordinates), or None."""
        if self._label is None:
            return None
        return self._label.mapRectToScene(self._label.text_rect())

    def label_text(self) -> str:
        return self._label.text() if self._label is not None else ""

    def label_anchor(self) -> QPointF:
        """Where the label sits (the findings badge beside it): the middle of the line."""
        return self._middle

    def label_rect_at(self, t: float, above: bool = True) -> QRectF | None:
        """The label's scene rectangle centred at fraction ``t`` of the line."""
        if self._label is None:
            return None
        r = self._label.text_rect()
        p = self._route.pointAtPercent(t) if self._routed else self._line.pointAt(t)
        y = p.y() - r.height() - 3 if above else p.y() + 3
        return QRectF(p.x() - r.width() / 2, y, r.width(), r.height())

    def put_label(self, rect: QRectF, leader_to: QPointF | None = None) -> None:
        """Place the label (scene rectangle from :meth:`label_rect_at`), with a thin
        leader to the line when it had to sit away from it."""
        if self._label is None:
            return
        if self._leader is not None or leader_to is not None:
            # The line's bounds take in the leader only (see boundingRect): a label
            # moved or re-lettered without one leaves them as they are, and telling
            # the scene otherwise re-files a long line in its index (~1 ms a WAN link
            # at 100,000 elements, when simulation mode shows the links' loads).
            self.prepareGeometryChange()
        inner = self._label.text_rect()
        self._label.setPos(rect.x() - inner.x(), rect.y() - inner.y())
        if leader_to is None:
            self._leader = None
        else:
            end = QPointF(
                rect.center().x(), rect.bottom() if leader_to.y() > rect.bottom() else rect.top()
            )
            self._leader = QLineF(end, leader_to)

    def _place_label(self) -> None:
        if self._label is None:
            return
        # A disk's label sits near its LUN, where the lines from one VM fan out.
        rect = self.label_rect_at(0.75 if self.style_key == "lun" else 0.5)
        if rect is not None:
            self.put_label(rect)

    def set_load(self, fraction: float | None) -> None:
        """Draw a WAN link by what it carries: thicker with its utilisation, green below
        70 %, amber up to 100 %, red over its bandwidth (its label's figure, from
        :func:`load_percent`, never reads across those); None: its normal look."""
        if fraction == self.load:
            return
        self.load = fraction
        if fraction is None:
            self._pen = QPen(self._base_pen)
        else:
            color = QColor(
                "#2e7d32"
                if fraction < AMBER_FROM
                else "#ef8f00"
                if fraction <= 1.0 + 1e-9
                else "#d32f2f"
            )
            pen = QPen(color, 2.5 + 8.0 * min(max(fraction, 0.0), 1.25))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pen = pen
        self.set_state(self.selected, self.marker)

    def set_state(self, selected: bool, marker: tuple[Severity, int] | None) -> None:
        if self._label is not None and (marker is None) != (self.marker is None):
            # The label paints the badge beside itself: its bounds take it in.
            self._label.prepareGeometryChange()
            self._label.badge_room = 0.0 if marker is None else _BADGE_ROOM
        if marker is None:
            self.badge_drawn = None
        if (selected, marker) != (self.selected, self.marker):
            # The badge and the waypoint handles are painted by this item: repaint it
            # even when its pen stays the same (a link drawn by its load keeps the
            # load's colour, and setPen then repaints nothing: a badge came late, or
            # stayed after its findings had gone). A label paints the badge beside it.
            self.update()
            if self._label is not None:
                self._label.update()
        self.selected = selected
        self.marker = marker
        if selected:
            pen = QPen(self._theme.highlight, self._pen.widthF() + 1.5)
            pen.setCosmetic(True)
        elif marker is not None and self.load is None:  # a load's colour says more
            pen = QPen(self._pen)
            pen.setColor(QColor(self._theme.severity[marker[0]]))
        else:
            pen = self._pen
        self.setPen(pen)
        self.setBrush(QBrush(pen.color(), Qt.BrushStyle.SolidPattern))
        # A selected or flagged line comes above the boxes it passes behind.
        # Mirrors stay under the LUN rows (their route runs beside them, never across
        # a name); other lines come above the boxes they pass behind.
        raised = 2.9 if self.style_key == "mirror" else max(self._z, 3.5)
        self.setZValue(raised if selected or marker is not None else self._z)

    def paint(self, painter, option, widget=None) -> None:
        # Stroke only the part of the line in the exposed area: Qt strokes a cosmetic
        # line over its whole length before clipping (a millisecond for a WAN link
        # across a big drawing).
        findings = getattr(self.scene(), "show_findings", True)
        pen = self.pen() if findings or self.selected else self._pen
        if self.style_key == "wan_link":
            # A casing of the canvas's colour first: the lines that pass beneath the
            # link, or run beside it in its channel (a DAG's members), stop short of it
            # instead of merging with it, and the link reads as one line (eyes14).
            casing = QPen(self._theme.background, pen.widthF() + 2 * CASING_PX)
            casing.setCosmetic(True)
            casing.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(casing)
            self._stroke(painter, option)
        painter.setPen(pen)
        self._stroke(painter, option)
        if self._leader is not None:
            leader = QPen(self.pen().color(), 1.0, Qt.PenStyle.DotLine)
            leader.setCosmetic(True)
            painter.setPen(leader)
            painter.drawLine(self._leader)
            painter.setPen(self.pen())
        if not self._arrow.isEmpty():
            painter.setBrush(self.brush())
            painter.drawPolygon(self._arrow)
        if self.selected and self.waypoints:
            # Waypoint handles: drag one to move it, double-click to take it away.
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            half = 4.5 / max(lod, 0.05)
            handle = QPen(self._theme.highlight, 1.2)
            handle.setCosmetic(True)
            painter.setPen(handle)
            painter.setBrush(self._theme.background)
            for p in self.waypoints:
                painter.drawRect(QRectF(p.x() - half, p.y() - half, 2 * half, 2 * half))
        if self._label is None and self.shows_badge():
            # A findings badge at the middle of the line (its colour alone could read
            # as the kind's colour); a labelled line's sits beside its label.
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            d = _on_screen(BADGE_PX, lod)
            centre = self._middle
            badge = QRectF(centre.x() - d / 2, centre.y() - d / 2, d, d)
            self.paint_badge(painter, lod, badge)
            self.badge_drawn = (self, badge)

    def shows_badge(self) -> bool:
        """Whether the line has a findings badge to paint (findings shown)."""
        return self.marker is not None and getattr(self.scene(), "show_findings", True)

    def badge_centre(self) -> QPointF:
        """Where the findings badge was last painted (scene coordinates); before it was,
        where it sits at 100 %: at the right end of the label as laid out, else at the
        middle of the line."""
        if self.badge_drawn is not None:
            item, rect = self.badge_drawn
            return item.mapToScene(rect.center())
        if self._label is None:
            return QPointF(self._middle)
        return _beside(self._label.mapRectToScene(self._label.text_rect()), 1.0).center()

    def paint_badge(self, painter: QPainter, lod: float, badge: QRectF) -> None:
        """The findings badge (a disc of the severity's colour with the count) in
        ``badge`` (the painter's coordinates)."""
        assert self.marker is not None
        severity, count = self.marker
        d = badge.height()
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(self._theme.background, 1.5))
        painter.setBrush(self._theme.severity[severity])
        painter.drawEllipse(badge)
        font = self._theme.badge_font
        if d > BADGE_PX:
            font = type(font)(font)
            font.setPointSizeF(7.0 * d / BADGE_PX)
        painter.setPen(QColor("white"))
        with self._labels.at_z(self.zValue()):
            self._labels.draw(
                painter,
                badge,
                str(count),
                font,
                owner=self.element_id or self.key,
                flags=Qt.AlignmentFlag.AlignCenter,
                min_chars=1,
            )

    def _stroke(self, painter: QPainter, option: QStyleOptionGraphicsItem) -> None:
        """Draw the line with the painter's pen."""
        if self._routed:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._route)
        else:
            line = self._drawn if self._drawn is not None else self._line
            segment = _clip_line(line, option.exposedRect.adjusted(-20, -20, 20, 20))
            if segment is not None:
                painter.drawLine(segment)

    def boundingRect(self) -> QRectF:
        # Room for the findings badge drawn at the middle (and a short link drawn
        # longer: MIN_LINK / 2 past each end at most), and the label's leader.
        rect = super().boundingRect().adjusted(-40, -40, 40, 40)
        if self._leader is not None:
            rect = rect.united(QRectF(self._leader.p1(), self._leader.p2()).normalized())
        return rect

    def shape(self) -> QPainterPath:
        # Thin cosmetic lines are hard to hit: a fixed-width corridor in scene units.
        stroker = QPainterPathStroker()
        stroker.setWidth(8.0)
        shape = stroker.createStroke(self.path())
        # A short link is picked where it is drawn, and by the leader to its label (a
        # link between sites that nearly touch is little more than its leader).
        for extra in (self._drawn, self._leader):
            if extra is not None:
                shape = shape.united(_corridor(stroker, extra))
        return shape
