"""The review PDF's diagram page: the drawing as vectors on a landscape page of its own,
and under it the names it could not print whole.

A name too long for its box is printed smaller, down to 5 pt, before it is cut (see
:data:`designer.ui.canvas.labels.PRINT_MIN_TEXT_PT`); the three-site sample's LUN rows
are too short for their names even then ("…N1 DS-OS" for BOS-SAN1 DS-OS and WOR-SAN1
DS-OS alike: eyes24). Smaller print is unreadable on paper and a row holds one line, so
the page lists each shortened name whole, by the box it is drawn in, under the drawing
where there is room, else beside a drawing narrower than the page, else on the page
after it. Which names the drawing shortened is
read from what it drew (:attr:`Labels.record`) in a first drawing on a page of the
same size that is thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextOption,
)

from designer.domain.design import Design
from designer.domain.kinds import KINDS
from designer.domain.words import natural_key
from designer.interop.review_html import ShortenedName, shortened_table
from designer.ui import lifetime
from designer.ui.canvas.labels import DrawnLabel
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

__all__ = [
    "DiagramPage",
    "ShortenedName",
    "diagram_scene",
    "diagram_source",
    "discard_diagram",
    "shortened_names",
]

#: Room above the drawing for the page's title, in the page's pixels.
TITLE_PX = 40
#: Shortened names listed at most (a huge design's page shows few names at all).
MAX_LISTED = 300
#: What cut the names the page lists.
PRINT_CUT = "too long for their boxes even in 5 pt print"
#: The list's columns of (box, shown, name) across the landscape page.
LIST_GROUPS = 3
#: The width one (box, shown, name) column of the list takes at least, in pixels: beside
#: a drawing narrower than the page, the list takes as many as the room there holds.
GROUP_PX = 300


def diagram_scene(design: Design) -> tuple[EditorSession, DesignScene]:
    """The design drawn for a report (light theme, details shown, no grid), and the
    session behind it (kept alive as long as the scene is used)."""
    from designer.ui.export import light_theme

    session = EditorSession(design)
    session.wait_for_findings()
    QGuiApplication.processEvents()
    scene = DesignScene(session, light_theme())
    scene.set_detail_visible(True)
    scene.show_grid = False
    return session, scene


def discard_diagram(session: EditorSession, scene: DesignScene) -> None:
    """Free a report's diagram now, as a deleted window is freed (:mod:`designer.ui.lifetime`):
    its workers stopped, its Qt objects deleted, the cycles of their Python side broken.

    Left to the cyclic collector, the session, the scene and its boxes were one web of
    cycles. The next freeze, at the next File > Open or sizing, kept it in the process for
    good (the sample's diagram: 4,000 objects frozen as garbage, with the scene's C++ side;
    wave 28, ``gc28``). A collection that came first deleted a scene that Python owns
    together with the Python-derived items in it: the kind of collection that crashes
    PySide (docs/architecture.md, "The cyclic collector's freezes")."""
    import shiboken6

    session.stop_workers(wait=True)
    parts = [*lifetime.gather(scene), *lifetime.gather(session)]
    for qt_object in (scene, session):
        if shiboken6.isValid(qt_object):
            shiboken6.delete(qt_object)
    lifetime.release(parts)


def diagram_source(scene: DesignScene) -> QRectF:
    """What the PDF's diagram page shows: the drawing with its lines and their labels
    (as the PNG and SVG exports), 20 units round it. The boxes alone cut off a WAN
    link's label where its route leaves a site's left side ("te · 1 ms · 0 km":
    eyes21 #7)."""
    from designer.ui.export import drawing_rect

    scene.finish_routing()  # a big drawing's lines may still be drawn straight
    return drawing_rect(scene).adjusted(-20, -20, 20, 20)


def shortened_names(drawn: list[DrawnLabel], design: Design) -> list[ShortenedName]:
    """The elements' names ``drawn`` shows cut ("…N2 DS-OS" of BOS-SAN2 DS-OS), once
    each, by the name of the box they are in, by name within a box (a reader looks a name
    up: an array's grid of LUN rows read row by row zig-zags through it). A label that
    is not its element's name cut (a line's "65 km", a box's "3 LUNs") is none.

    >>> from designer.document.templates import template
    >>> from PySide6.QtCore import QRectF
    >>> design = template("three_site_dag")
    >>> lun = next(e for e in design.elements if e.kind == "lun")
    >>> cut = DrawnLabel("…" + lun.name[-6:], QRectF(0, 0, 40, 8), 8.0, lun.id)
    >>> [s.name == lun.name and s.box != "" for s in shortened_names([cut], design)]
    [True]
    """
    by_id = {e.id: e for e in design.elements}
    found: dict[str, ShortenedName] = {}
    for label in sorted(drawn, key=lambda d: (d.rect.top(), d.rect.left())):
        element = by_id.get(label.owner)
        if element is None or element.id in found or "…" not in label.text:
            continue
        shown = label.text.replace("\n", " ")
        pieces = [piece.strip() for piece in shown.split("…") if piece.strip()]
        if "…" in element.name or not pieces or not all(p in element.name for p in pieces):
            continue
        kind = KINDS.get(element.kind)
        container = kind.container_of(element) if kind is not None else None
        holder = by_id.get(container) if container else None
        at = label.rect.toAlignedRect()
        found[element.id] = ShortenedName(
            holder.name if holder else "",
            shown,
            element.name,
            (at.left(), at.top(), at.right() + 1, at.bottom() + 1),
        )
    return sorted(found.values(), key=lambda s: (natural_key(s.box), natural_key(s.name)))


def _list_document(
    names: list[ShortenedName], more: int, width: float, columns: int = LIST_GROUPS
) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setPointSizeF(8)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet("td, th { font-size: 7pt; } th { background-color: #eef2f7; }")
    option = doc.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    doc.setHtml(shortened_table(names, more, columns=columns, why=PRINT_CUT))
    doc.setTextWidth(width)
    return doc


class DiagramPage:
    """The diagram of ``design`` on pages of ``layout`` at ``resolution`` dpi, with its
    list of shortened names (:attr:`names`): :attr:`page_count` pages, drawn by
    :meth:`draw`. Building it draws the diagram once, on a page thrown away."""

    def __init__(self, design: Design, layout: QPageLayout, resolution: int, footer_px: int):
        self.design = design
        self._session, self.scene = diagram_scene(design)
        self.source = diagram_source(self.scene)
        trial = QBuffer()
        trial.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(trial)
        writer.setResolution(resolution)
        writer.setPageLayout(layout)
        self.width, self.height = float(writer.width()), float(writer.height() - footer_px)
        room = QRectF(0, TITLE_PX, self.width, self.height - TITLE_PX)
        scale = min(room.width() / self.source.width(), room.height() / self.source.height())
        size = QSizeF(self.source.width() * scale, self.source.height() * scale)
        # At the page's top, centred across it: the room left under it takes the list.
        left = room.left() + (room.width() - size.width()) / 2
        self.target = QRectF(left, room.top(), size.width(), size.height())
        labels = self.scene.labels
        labels.record = []
        painter = QPainter(writer)
        try:
            self._render(painter)
        finally:
            painter.end()
            drawn, labels.record = list(labels.record), None
        found = shortened_names(drawn, design)
        self.names, more = found[:MAX_LISTED], max(0, len(found) - MAX_LISTED)
        self.listing: QTextDocument | None = None
        #: Where the list is drawn on the drawing's page (its top-left), or None: on the
        #: pages after it.
        self.list_at: QPointF | None = None
        if self.names:
            self._place_list(more)

    def _place_list(self, more: int) -> None:
        """The list under the drawing where the room left there holds it, else beside a
        drawing narrower than the page (the drawing moved to the left), else on pages of
        its own after it."""
        below = self.height - self.target.bottom() - 12
        listing = _list_document(self.names, more, self.width)
        if listing.size().height() <= below:
            self.listing, self.list_at = listing, QPointF(0, self.target.bottom() + 12)
            return
        side = self.width - self.target.width() - 16
        if side >= GROUP_PX:
            beside = _list_document(self.names, more, side, int(side // GROUP_PX))
            if beside.size().height() <= self.height - TITLE_PX:
                self.target.moveLeft(0)
                self.listing, self.list_at = beside, QPointF(self.target.right() + 16, TITLE_PX)
                return
        listing.setPageSize(QSizeF(self.width, self.height))
        self.listing = listing

    @property
    def page_count(self) -> int:
        if self.listing is None or self.list_at is not None:
            return 1
        return 1 + self.listing.pageCount()

    def _render(self, painter: QPainter) -> None:
        title = QFont()
        title.setPointSizeF(14)
        title.setBold(True)
        painter.setFont(title)
        painter.drawText(
            QRectF(0, 0, self.width, 30),
            Qt.AlignmentFlag.AlignLeft,
            f"Diagram — {self.design.name}",
        )
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        self.scene.render(painter, self.target, self.source, Qt.AspectRatioMode.KeepAspectRatio)

    def close(self) -> None:
        """The pages are drawn: the diagram's scene and session freed now
        (:func:`discard_diagram`)."""
        discard_diagram(self._session, self.scene)

    def draw(self, painter: QPainter, page: Callable[[], AbstractContextManager[None]]) -> None:
        """Draw the pages, each within ``page()`` (a new page, then its foot)."""
        listing, at = self.listing, self.list_at
        with page():
            self._render(painter)
            if listing is not None and at is not None:
                painter.save()
                painter.translate(at)
                size = listing.size()
                listing.drawContents(painter, QRectF(0, 0, size.width(), size.height()))
                painter.restore()
        if listing is None or at is not None:
            return
        for n in range(listing.pageCount()):
            with page():
                painter.save()
                painter.translate(0, -n * self.height)
                listing.drawContents(painter, QRectF(0, n * self.height, self.width, self.height))
                painter.restore()
