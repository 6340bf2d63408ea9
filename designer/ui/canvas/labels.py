"""Every text the canvas draws goes through :class:`Labels`: never smaller than
:data:`MIN_TEXT_PX` on screen, never over another label.

Zoomed out, a text too small to read is drawn larger if its box has the room (a row's
name at 8 px in a row 9 px high), else not at all; the boxes that hold it say instead
what they hold ("4 VMs"); a column of loose rows (databases at the top level) is
summarised over itself ("12 databases"). Labels are kept per paint pass in the order Qt paints items
(containers under their content, lines, then rows): the first to claim a spot on the
screen keeps it, a later one that would overlap it is left out. The scene starts a new
pass in ``drawBackground``; there it first claims the map titles of the top-level boxes
zoomed out too far for their title bars (:meth:`fit`, :meth:`claim`), which it draws
over their content at the pass's end (:meth:`paint_claimed`).

``Labels.record`` (None unless asked for) lists what each pass drew, in device pixels:
the legibility tests assert on it (no text under 8 px, no two overlapping). Boxes keep
their picture between paints (a cached pixmap per box): setting ``record`` has every box
painted afresh in the next pass (``on_record``), so that the pass lists all it shows.

A box painted into its kept picture says where that picture lies on the view
(:meth:`Labels.painting`): the labels it claims are then where they show on the view,
not in the pixmap, and the box keeps them. A box shown from its picture in a later pass
is not painted: the view claims its kept labels before the pass draws (:meth:`keep`),
and they count, as in a pass that paints every box, only for what is painted above the
box (a higher z value: lines over containers, rows over lines).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPainter,
    QPixmap,
    QTransform,
)

__all__ = [
    "MIN_TEXT_PX",
    "PART",
    "DrawnLabel",
    "Fit",
    "Labels",
    "Metrics",
    "NameEnds",
    "by_parts",
    "distinguishing_ends",
    "em_px",
    "forget_metrics",
    "metrics_for",
    "readable",
]

#: The smallest text drawn, in device pixels (the font's em size on screen).
MIN_TEXT_PX = 8.0
#: A text is drawn at most this many times its own size when zoomed out.
MAX_GROWTH = 3.0
#: On a page (the review report's PDF diagram, File > Export as PDF: drawn as vectors,
#: read on paper or zoomed in a viewer) a name too long for its room at MIN_TEXT_PX is
#: drawn whole down to this size, in points, before it is cut: the three-site sample's
#: diagram page read "WOR…X01" and "WOR-…E-LB" (ui24).
PRINT_MIN_TEXT_PT = 5.0
_CELL = 64.0
#: Fits kept at most (then all are forgotten): a few screens' worth of texts.
_MAX_FITS = 20_000

Elide = Callable[[QFontMetricsF, str, float], str]
#: How a text fits its room: the font drawn, its size on the device, the text shown and
#: the rectangle it takes (item coordinates).
Fit = tuple[QFont, float, str, QRectF]


#: Fonts whose measured texts are kept (:func:`metrics_for`; then all are forgotten), and
#: texts kept per font.
_MAX_FONTS = 64
_MAX_ADVANCES = 5_000


class Metrics(QFontMetricsF):
    """A font's metrics that keep each text's width (``horizontalAdvance``): a paint
    pass measures the same names and figures several times (a VM's name by its
    elision, its readability, its disks' room; a host's "32c · 768 GB" by the
    subtitle's room and its label): 301 measurements of 170 texts in a 100k design's
    first frame, each a shaping of the text (wave 21)."""

    def __init__(self, font: QFont) -> None:
        super().__init__(font)
        self._advances: dict[str, float] = {}

    def horizontalAdvance(self, text: str, *args: object) -> float:
        if args or not isinstance(text, str):
            return super().horizontalAdvance(text, *args)  # type: ignore[call-overload]
        advances = self._advances
        try:
            return advances[text]
        except KeyError:
            if len(advances) >= _MAX_ADVANCES:
                advances.clear()
            width = advances[text] = super().horizontalAdvance(text)
            return width


_METRICS: dict[QFont, Metrics] = {}


def metrics_for(font: QFont) -> Metrics:
    """``QFontMetricsF(font)``, one per font (compared by value) and kept, with the
    widths it measured (:class:`Metrics`)."""
    try:
        return _METRICS[font]
    except KeyError:
        if len(_METRICS) >= _MAX_FONTS:
            _METRICS.clear()
        font = QFont(font)  # a copy: the caller's may change after
        metrics = _METRICS[font] = Metrics(font)
        return metrics


def forget_metrics() -> None:
    """Measure every font anew (new fonts: the theme changed)."""
    _METRICS.clear()


@dataclass(frozen=True)
class DrawnLabel:
    """One text drawn in a pass: what, where on the device, how big, for which element."""

    text: str
    rect: QRectF
    px: float
    owner: str


def _scale(painter: QPainter) -> float:
    t = painter.worldTransform()
    return math.sqrt(abs(t.m11() * t.m22() - t.m12() * t.m21())) or 1.0


def em_px(painter: QPainter, font: QFont) -> float:
    """How tall ``font``'s em is on the painter's device, in pixels."""
    device = painter.device()
    dpi = device.logicalDpiY() if device is not None else 96
    size = font.pointSizeF()
    base = size * dpi / 72 if size > 0 else float(font.pixelSize())
    return base * _scale(painter)


def readable(shown: str, text: str, min_chars: int = 2, tail: str = "") -> bool:
    """Whether ``shown`` (``text`` elided) still tells what it names: at least
    ``min_chars`` characters, and when cut, at least four and two fifths of the name,
    or (three at least) the whole of ``tail``, the end of the name that tells it from
    its siblings ("…0001" of DAG01-DB0001 beside DAG01-DB0002 …: wave 21, eyes21: the
    generated designs' 60 px database boxes showed no name at any zoom), or its start
    up to three characters into ``tail``."""
    kept = len(shown.replace("…", ""))
    if kept < min(min_chars, len(text)):
        return False
    if shown == text or (kept >= min(4, len(text)) and kept >= 0.4 * len(text)):
        return True
    if not tail or kept < min(3, len(text)):
        return False
    # Or its start, cut where three characters of ``tail`` are kept ("DAG01 alt…" of
    # DAG01 alternate witness beside DAG00 witness: wave 29, eyes28).
    start = shown[:-1]
    reaches = len(start) >= len(text) - len(tail) + 3 and text.startswith(start)
    return shown.endswith(tail) or (shown.endswith("…") and reaches)


class NameEnds:
    """The names of a group of boxes, to tell each from the others by its end: what
    follows the longest start it shares with any of them (:meth:`get`). The names that
    share the longest start with a name are next to it in order: one sort of the group,
    then two comparisons per name asked (a DAG's 400 databases sorted, the ~30 in view
    worked out)."""

    __slots__ = ("_found", "_ordered", "_twice")

    def __init__(self, names: Iterable[str]) -> None:
        counts = Counter(names)
        self._ordered = sorted(counts)
        self._twice = {name for name, count in counts.items() if count > 1}
        self._found: dict[str, tuple[str, int]] = {}

    @property
    def names(self) -> list[str]:
        """The group's names, in order, each once."""
        return self._ordered

    def get(self, name: str, default: tuple[str, int] | None = None) -> tuple[str, int] | None:
        """``name``'s distinguishing end and the length of the start it shares; ("", 0)
        for a name no other starts like, or one given twice (nothing tells it apart by
        its end); ``default`` for a name not in the group."""
        found = self._found.get(name)
        if found is not None:
            return found
        ordered = self._ordered
        at = bisect_left(ordered, name)
        if at == len(ordered) or ordered[at] != name:
            return default
        shared = 0
        if name not in self._twice:
            for other in ordered[max(at - 1, 0) : at] + ordered[at + 1 : at + 2]:
                shared = max(shared, _common_start(name, other))
        found = (name[shared:], shared) if 0 < shared < len(name) else ("", 0)
        self._found[name] = found
        return found


def _common_start(a: str, b: str) -> int:
    size = min(len(a), len(b))
    for k in range(size):
        if a[k] != b[k]:
            return k
    return size


def distinguishing_ends(names: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Each name's end that tells it from the others, and the length of the start it
    shares (:class:`NameEnds`).

    Examples
    --------
    >>> ends = distinguishing_ends(["DC01-APP0013", "DC01-APP0045", "DC01-AD1"])
    >>> ends["DC01-APP0013"], ends["DC01-AD1"]
    (('13', 10), ('D1', 6))
    >>> distinguishing_ends(["DAG01-MBX-DC01-01", "DC01-APP0025", "x", "x"])
    {'DAG01-MBX-DC01-01': ('AG01-MBX-DC01-01', 1), 'DC01-APP0025': ('C01-APP0025', 1), 'x': ('', 0)}
    """
    ends = NameEnds(names)
    return {name: ends.get(name) or ("", 0) for name in ends.names}


def _kept(shown: str) -> int:
    return len(shown.replace("…", "").replace("\n", ""))


def _wrapped(metrics: QFontMetricsF, text: str, width: float, height: float) -> str | None:
    """``text`` on as many lines as ``height`` holds, broken between words, the last
    line (or a word wider than a line) cut in the middle; None if one line is all."""
    count = int(height // metrics.lineSpacing())
    if count < 2:
        return None
    words = text.split(" ")
    lines: list[str] = []
    i = 0
    while i < len(words) and len(lines) < count - 1:
        line = words[i]
        i += 1
        while i < len(words) and metrics.horizontalAdvance(f"{line} {words[i]}") <= width:
            line = f"{line} {words[i]}"
            i += 1
        lines.append(metrics.elidedText(line, Qt.TextElideMode.ElideMiddle, width))
    if i < len(words):
        rest = " ".join(words[i:])
        lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideMiddle, width))
    return "\n".join(lines)


def _whole_in_print(
    font: QFont, px: float, text: str, width: float, least_px: float
) -> tuple[QFont, float] | None:
    """``font`` (``px`` on the page) made small enough for ``text`` whole in ``width``
    (item units), and its size on the page, if that is no smaller than ``least_px``;
    else None."""
    advance = metrics_for(font).horizontalAdvance(text)
    if advance <= 0 or font.pointSizeF() <= 0:
        return None
    ratio = width / advance
    while px * ratio >= least_px:
        smaller = QFont(font)
        smaller.setPointSizeF(font.pointSizeF() * ratio)
        if metrics_for(smaller).horizontalAdvance(text) <= width:
            return smaller, px * ratio
        ratio *= 0.97  # (a font's widths do not scale exactly with its size)
    return None


def _plain(metrics: QFontMetricsF, text: str, width: float) -> str:
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


#: Between the facts of a box's subtitle ("16c · 128 GB").
PART = " · "


def by_parts(metrics: QFontMetricsF, text: str, width: float) -> str:
    """``text``, facts joined by " · ", cut after its last fact that fits whole
    ("16c · …"), never inside one: a host's "16c · 128 GB" read "16c · 1…" beside its
    name, a number cut to a wrong one (eyes26). A first fact too long is cut as any text."""
    if metrics.horizontalAdvance(text) <= width or PART not in text:
        return _plain(metrics, text, width)
    parts = text.split(PART)
    while len(parts) > 1:
        parts.pop()
        shown = PART.join(parts) + PART + "…"
        if metrics.horizontalAdvance(shown) <= width:
            return shown
    return _plain(metrics, text, width)


class Labels:
    """The labels of one paint pass (see the module)."""

    def __init__(self, on_record: Callable[[], None] | None = None) -> None:
        self._taken: dict[tuple[int, int], list[QRectF]] = defaultdict(list)
        self._record: list[DrawnLabel] | None = None
        self._on_record = on_record
        #: Where the painter's device lies on the view (a box painting into its kept
        #: picture): added to each label's device rectangle.
        self._shift: tuple[float, float] = (0.0, 0.0)
        #: Per pass, the labels of the boxes shown from their kept pictures:
        #: cell -> [(device rect, z value, owner)]; and each owner's.
        self._kept: dict[tuple[int, int], list[tuple[QRectF, float, str]]] = defaultdict(list)
        self._kept_of: dict[str, list[tuple[QRectF, float, str]]] = {}
        #: What is painting: its z value (kept labels below it count) and owner.
        self._z = math.inf
        self._owner: str | None = None
        #: The labels claimed by the box painting its picture (see :meth:`painting`).
        self._claimed: list[QRectF] | None = None
        #: Per pass: whether a box's rows are too small to name (asked by the rows and
        #: the box alike, whichever is painted: see ``DesignScene.summarises``).
        self.decided: dict[str, bool] = {}
        #: No text at all (a minimap picture of the scene).
        self.muted = False
        #: Boxes whose rows are too small to name: the box says what it holds instead;
        #: and loose rows (at the top level) whose column says what it holds.
        self.summarised: set[str] = set()
        #: How each text fitted its room, kept across passes (fitting measures the text
        #: several times; a repaint draws the same texts in the same rooms again):
        #: key -> (font, px, shown, used) or None (not drawable). See :meth:`forget`.
        self._fits: dict[tuple[object, ...], tuple[QFont, float, str, QRectF] | None] = {}
        #: The texts each box shows on the view, as drawn (its picture's, its map
        #: title's): the hover tooltip names a box only if its name is not among them
        #: (see :meth:`shows_whole`).
        self._shown: dict[str, set[str]] = {}
        #: The fits of texts drawn whole, kept when the others are forgotten: a text
        #: that fits its room whole is drawn so whatever its neighbours are called (its
        #: elision and its distinguishing end only matter once it is cut). Key: as
        #: :attr:`_fits`', without the end and with the elision's function, not the
        #: box it is bound to. Replace in Names at 100k (wave 29): each step's repaint
        #: of the ~50 boxes in view fitted every name again, ~10 ms a turn.
        self._whole: dict[tuple[object, ...], tuple[QFont, float, str, QRectF]] = {}
        #: How many texts were fitted (measured, not found kept): the tests count them.
        self.fitted = 0

    @property
    def record(self) -> list[DrawnLabel] | None:
        """What each pass drew, when a test asks (``[]``); None: not kept."""
        return self._record

    @record.setter
    def record(self, value: list[DrawnLabel] | None) -> None:
        self._record = value
        if value is not None and self._on_record is not None:
            self._on_record()  # every box painted (and listed) in the next pass

    @contextmanager
    def painting(self, owner: str, z: float, dx: float, dy: float) -> Iterator[list[QRectF]]:
        """A box (``owner``, at ``z``) paints meanwhile, into a device that lies at
        (dx, dy) on the view (its kept picture; (0, 0): the view itself). Its labels
        kept for this pass are dropped (it claims them anew); yields the list of the
        device rectangles it claims."""
        for entry in self._kept_of.pop(owner, ()):
            for cell in self._cells(entry[0]):
                self._kept[cell].remove(entry)
        claimed: list[QRectF] = []
        self._shown[owner] = set()  # its picture painted anew: its texts too
        was = (self._shift, self._z, self._owner, self._claimed)
        self._shift, self._z, self._owner, self._claimed = (dx, dy), z, owner, claimed
        try:
            yield claimed
        finally:
            self._shift, self._z, self._owner, self._claimed = was

    @contextmanager
    def at_z(self, z: float) -> Iterator[None]:
        """Something at ``z`` (a line, its label) paints meanwhile."""
        was, self._z = self._z, z
        try:
            yield
        finally:
            self._z = was

    def keep(self, owner: str, z: float, rects: list[QRectF]) -> None:
        """The labels (device rectangles) of a box at ``z`` shown from its kept picture
        in this pass (not painted)."""
        entries = [(rect, z, owner) for rect in rects]
        self._kept_of[owner] = entries
        for entry in entries:
            for cell in self._cells(entry[0]):
                self._kept[cell].append(entry)

    def forget(self) -> None:
        """Fit every text anew (names, or the neighbours an elision depends on, changed),
        but those drawn whole (see :attr:`_whole`)."""
        self._fits.clear()

    @contextmanager
    def mute(self) -> Iterator[None]:
        """Paint without any text meanwhile (the Overview's picture)."""
        was, self.muted = self.muted, True
        try:
            yield
        finally:
            self.muted = was

    def begin(self) -> None:
        """A new paint pass: every spot is free again."""
        self._taken.clear()
        self._kept.clear()
        self._kept_of.clear()
        self.summarised.clear()
        self.decided.clear()
        if self.record is not None:
            self.record.clear()

    def _cells(self, rect: QRectF) -> list[tuple[int, int]]:
        x0, x1 = int(rect.left() // _CELL), int(rect.right() // _CELL)
        y0, y1 = int(rect.top() // _CELL), int(rect.bottom() // _CELL)
        return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def free(self, device_rect: QRectF) -> bool:
        """Whether no label of this pass covers ``device_rect``."""
        inner = device_rect.adjusted(0.5, 0.5, -0.5, -0.5)
        cells = self._cells(inner)
        if any(taken.intersects(inner) for cell in cells for taken in self._taken[cell]):
            return False
        if not self._kept:
            return True
        z, owner = self._z, self._owner
        return not any(
            kept_z <= z and kept_owner != owner and rect.intersects(inner)
            for cell in cells
            for rect, kept_z, kept_owner in self._kept.get(cell, ())
        )

    def claim(self, device_rect: QRectF) -> None:
        for cell in self._cells(device_rect):
            self._taken[cell].append(device_rect)
        if self._claimed is not None:
            self._claimed.append(device_rect)

    def fitted_font(
        self, painter: QPainter, font: QFont, room_height: float, *, grow: bool = True
    ) -> tuple[QFont, float] | None:
        """``font`` as drawn: as is if readable, else enlarged to :data:`MIN_TEXT_PX` if
        ``room_height`` (scene units) holds it; None when it cannot be read."""
        px = em_px(painter, font)
        if px >= MIN_TEXT_PX:
            return font, px
        if not grow or px <= 0 or MIN_TEXT_PX / px > MAX_GROWTH:
            return None
        if room_height * _scale(painter) < MIN_TEXT_PX:
            return None
        bigger = QFont(font)
        bigger.setPointSizeF(font.pointSizeF() * MIN_TEXT_PX / px)
        return bigger, MIN_TEXT_PX

    def _fit(
        self,
        painter: QPainter,
        rect: QRectF,
        text: str,
        font: QFont,
        flags: Qt.AlignmentFlag,
        grow: bool,
        elide: Elide | None,
        min_chars: int,
        wrap: bool,
        tail: str = "",
    ) -> tuple[QFont, float, str, QRectF] | None:
        """How ``text`` fits ``rect`` (see :meth:`draw`): the font drawn, its size on
        the device, the text shown and the rectangle it takes; None if not readable."""
        fitted = self.fitted_font(painter, font, rect.height(), grow=grow)
        if fitted is None:
            return None
        font, px = fitted
        metrics = metrics_for(font)
        shown = (elide or _plain)(metrics, text, rect.width())
        if wrap and shown != text and " " in text:
            lines = _wrapped(metrics, text, rect.width(), rect.height())
            if lines is not None and _kept(lines) > _kept(shown):
                shown = lines
        cut = "…" in shown and "…" not in text  # (not when wrapped whole)
        page = painter.device()
        if cut and isinstance(page, QPagedPaintDevice):
            least = PRINT_MIN_TEXT_PT * page.logicalDpiY() / 72
            whole = _whole_in_print(font, px, text, rect.width(), least)
            if whole is not None:
                font, px = whole
                metrics = metrics_for(font)
                shown = text
        if not readable(shown.replace("\n", " "), text, min_chars, tail):
            return None
        used = metrics.boundingRect(rect, int(flags), shown)
        if used.width() > rect.width() + 1 and shown != text:
            return None
        return font, px, shown, used

    def _cached_fit(
        self,
        painter: QPainter,
        rect: QRectF,
        text: str,
        font: QFont,
        flags: Qt.AlignmentFlag,
        grow: bool,
        elide: Elide | None,
        min_chars: int,
        wrap: bool,
        tail: str = "",
    ) -> Fit | None:
        """:meth:`_fit`, kept across passes (see :attr:`_fits`)."""
        device_dpi = painter.device()
        key = (
            text,
            font,  # compared by value (its hash is coarse but cheap; key() is not)
            _scale(painter),
            device_dpi.logicalDpiY() if device_dpi is not None else 96,
            # A page's fit may be under the screen's least size (see _whole_in_print):
            # never one the canvas reuses (File > Export as PDF draws the window's scene).
            isinstance(device_dpi, QPagedPaintDevice),
            rect.x(),
            rect.y(),
            rect.width(),
            rect.height(),
            int(flags),
            grow,
            elide,
            min_chars,
            wrap,
            tail,
        )
        try:
            return self._fits[key]
        except KeyError:
            pass
        copied = (text, QFont(font), *key[2:])  # the caller's font may change after
        if len(self._fits) > _MAX_FITS:
            self._fits.clear()
        whole_key = (*key[:11], getattr(elide, "__func__", elide), min_chars, wrap)
        fit = self._whole.get(whole_key)
        if fit is None:
            self.fitted += 1
            fit = self._fit(painter, rect, text, font, flags, grow, elide, min_chars, wrap, tail)
            if fit is not None and fit[2] == text:
                if len(self._whole) > _MAX_FITS:
                    self._whole.clear()
                self._whole[(*copied[:11], *whole_key[11:])] = fit
        self._fits[copied] = fit
        return fit

    def draw(
        self,
        painter: QPainter,
        rect: QRectF,
        text: str,
        font: QFont,
        *,
        owner: str,
        flags: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        grow: bool = True,
        elide: Elide | None = None,
        pill: QColor | None = None,
        min_chars: int = 2,
        wrap: bool = False,
        claim: bool = True,
        tail: str = "",
    ) -> QRectF | None:
        """Draw ``text`` in ``rect`` (item coordinates) if it can be read and claims a
        free spot; the rectangle the text took (item coordinates), or None. With
        ``wrap``, a name too long for one line goes on two or more, whole, where the
        height allows, before it is cut. Without ``claim``, drawn over what is there
        (a marker's count drawn again over a map title), claiming nothing. ``tail``: see
        :func:`readable`."""
        if not text or self.muted:
            return None
        fit = self._cached_fit(painter, rect, text, font, flags, grow, elide, min_chars, wrap, tail)
        if fit is None:
            return None
        device = self._device(painter, fit[3])
        if claim:
            if not self.free(device):
                return None
            self.claim(device)
        return self.paint_claimed(painter, rect, fit, device, owner=owner, flags=flags, pill=pill)

    def _device(self, painter: QPainter, used: QRectF) -> QRectF:
        device = painter.worldTransform().mapRect(QRectF(used))
        if self._shift != (0.0, 0.0):
            device.translate(*self._shift)
        return device

    def fit(
        self,
        painter: QPainter,
        rect: QRectF,
        text: str,
        font: QFont,
        *,
        elide: Elide | None = None,
        grow: bool = True,
        min_chars: int = 2,
        tail: str = "",
    ) -> Fit | None:
        """How ``text`` fits ``rect`` (one line, as :meth:`draw` with these options),
        None if not readable: to claim its spot (:meth:`free`, :meth:`claim`) and draw
        it later in the pass (:meth:`paint_claimed`)."""
        if not text or self.muted:
            return None
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        return self._cached_fit(
            painter, rect, text, font, flags, grow, elide, min_chars, False, tail
        )

    def paint_claimed(
        self,
        painter: QPainter,
        rect: QRectF,
        fit: Fit,
        device: QRectF,
        *,
        owner: str,
        flags: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        pill: QColor | None = None,
    ) -> QRectF:
        """Draw a fitted text whose spot is claimed (see :meth:`draw`, :meth:`fit`)."""
        used = self._paint_fit(painter, rect, fit, flags, pill)
        if self._owner == owner:  # in its picture on the view (not an export's page)
            self._shown[owner].add(fit[2])
        if self.record is not None:
            self.record.append(DrawnLabel(fit[2], device, fit[1], owner))
        return used

    def shows_whole(self, owner: str, text: str) -> bool:
        """Whether the box ``owner`` shows ``text`` uncut on the view (its picture as
        last painted, or its map title): "DAG03 alternate witness" drawn "…te witness",
        or not drawn at all, is not."""
        return any(shown.replace("\n", " ") == text for shown in self._shown.get(owner, ()))

    def picture(
        self, painter: QPainter, rect: QRectF, fit: Fit, pill: QColor
    ) -> tuple[QPixmap, QPointF]:
        """A fitted text and its pill drawn once into a pixmap of device pixels, at the
        painter's transform, and where the pixmap's top-left lies from the text's on
        the device: a text drawn over the boxes in every pass (a map title) is copied
        (:meth:`paint_picture`), not laid out and drawn anew each time."""
        used = fit[3]
        pad = 3.0 / _scale(painter)
        world = painter.worldTransform()
        device = world.mapRect(used.adjusted(-pad, -pad / 3, pad, pad / 3))
        text = world.mapRect(used)
        ratio = painter.device().devicePixelRatioF() or 1.0
        pixmap = QPixmap(
            max(1, math.ceil(device.width() * ratio)), max(1, math.ceil(device.height() * ratio))
        )
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        into = QPainter(pixmap)
        into.setRenderHints(painter.renderHints())
        into.setPen(painter.pen())
        into.setWorldTransform(world * QTransform.fromTranslate(-device.left(), -device.top()))
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        self._paint_fit(into, rect, fit, left, pill)
        into.end()
        return pixmap, device.topLeft() - text.topLeft()

    def paint_picture(
        self,
        painter: QPainter,
        picture: tuple[QPixmap, QPointF],
        fit: Fit,
        device: QRectF,
        *,
        owner: str,
    ) -> None:
        """Copy a text's :meth:`picture` to the device where its text takes ``device``
        (its spot claimed)."""
        pixmap, offset = picture
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(device.topLeft() + offset, pixmap)
        painter.restore()
        self._shown.setdefault(owner, set()).add(fit[2])  # a map title, drawn on the view
        if self.record is not None:
            self.record.append(DrawnLabel(fit[2], device, fit[1], owner))

    @staticmethod
    def _paint_fit(
        painter: QPainter,
        rect: QRectF,
        fit: Fit,
        flags: Qt.AlignmentFlag,
        pill: QColor | None,
    ) -> QRectF:
        font, _px, shown, used = fit
        used = QRectF(used)
        if pill is not None:
            pen = painter.pen()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pill)
            pad = 3.0 / _scale(painter)
            painter.drawRoundedRect(used.adjusted(-pad, -pad / 3, pad, pad / 3), pad, pad)
            painter.setPen(pen)
        painter.setFont(font)
        painter.drawText(rect, int(flags), shown)
        return used
