"""The design-review report with its diagram: HTML (the diagram as an inline PNG) and
PDF through Qt (QPdfWriter + QTextDocument, no browser): the summary, then the diagram
drawn as vectors on a landscape page of its own, then the rest, with each scenario's
timeline SVG rasterised by QSvgRenderer. The content comes from
:mod:`designer.interop.review` (headless)."""

from __future__ import annotations

import argparse
import html
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QMarginsF,
    QObject,
    QPointF,
    QProcess,
    QProcessEnvironment,
    QRectF,
    QSizeF,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextOption,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QProgressDialog, QWidget

from designer import collector, version
from designer.domain.design import Design
from designer.interop import capacity_section  # noqa: F401 - registers the Capacity section
from designer.interop.exporting import write_bytes_atomic
from designer.interop.report import InteropError
from designer.interop.review import ReviewData, ReviewProgress, build_review
from designer.interop.review_html import (
    Diagram,
    ImageFn,
    names_whole,
    render_html,
    report_parts,
)
from designer.ui.review_diagram import (
    MAX_LISTED,
    DiagramPage,
    diagram_scene,
    diagram_source,
    discard_diagram,
    shortened_names,
)
from designer.ui.review_handover import (
    DRAW,
    DRAWING,
    ERROR,
    hand_over_steps,
    job_folder,
    remove_stale_folders,
)

__all__ = [
    "FOOTER_PX",
    "PDF_MATRIX_COLUMNS",
    "PdfPages",
    "ReviewJob",
    "diagram_png",
    "diagram_source",
    "hyphens_joined",
    "keep_headings_with_next",
    "pdf_parts",
    "pdf_steps",
    "prepare_review",
    "render_review",
    "report_command",
    "review_steps",
    "section_pages",
    "write_review",
]

_RESOLUTION = 96
#: The RPO/RTO matrix's columns across an A4 page at the tables' 7 pt: ten of
#: "0:00 / 1:09" and a label fill it; wider, its last columns were cut off (eyes21 #8).
PDF_MATRIX_COLUMNS = 8
_log = logging.getLogger("designer.ui")


#: The report's diagram at most this many pixels (its PNG, before base64): ~2× the
#: three-site sample's at the canvas's 100 % and twice its pixel density (10.4 M).
DIAGRAM_PIXELS = 16_000_000


def diagram_png(design: Design) -> Diagram:
    """The whole drawing (with findings markers) as a PNG, light theme, at the canvas's
    100 % (smaller only where the drawing is too big for :data:`DIAGRAM_PIXELS`), at
    twice the pixel density where that fits: the page shows it at its size, readable,
    and crisp on a high-density screen or zoomed in. It was at most 2,400 pixels wide
    and shrunk to the page: the three-site sample's names drawn ~3 pixels high. The
    names it shows cut come with it (where, and whole), for the page to list."""
    from designer.ui.export import export_scene, image_size

    session, scene = diagram_scene(design)
    rect = scene.content_rect()
    area = max(rect.width() * rect.height(), 1.0)
    scale = min(1.0, (DIAGRAM_PIXELS / area) ** 0.5)
    dpr = max(1.0, min(2.0, (DIAGRAM_PIXELS / area) ** 0.5 / scale))
    size = image_size(scene, scale)
    labels = scene.labels
    labels.record = []  # what the picture shows: its cut names are listed under it
    try:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "diagram.png"
            export_scene(scene, target, scale=scale, dpr=dpr)
            data = target.read_bytes()
        drawn = list(labels.record)
    finally:
        labels.record = None
        discard_diagram(session, scene)
    found = shortened_names(drawn, design)
    listed, more = tuple(found[:MAX_LISTED]), max(0, len(found) - MAX_LISTED)
    return Diagram(data, size.width(), size.height(), scale, listed, more)


def _svg_image(svg: str, width: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    height = max(1, round(width * size.height() / max(size.width(), 1)))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _document(html_text: str, width: float, images: dict[str, QImage]) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setPointSizeF(9)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(
        "h1 { color: #1d4f8c; } h2 { color: #1d4f8c; } th { background-color: #eef2f7; }"
        ".muted { color: #666666; }"
        # Tables in a smaller type, so that a kind's many columns fit the page's width
        # with their words whole (eyes17: "Productio/n", "User/s" at 9 pt).
        "td, th { font-size: 7pt; }"
    )
    # Lines break between words, never inside one (Qt's default breaks a word that
    # does not fit its column's width).
    option = doc.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    for key, image in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(key), image)
    doc.setHtml(html_text)
    doc.setPageSize(QSizeF(width, 10))  # width first: the height is set per page below
    return doc


def keep_headings_with_next(doc: QTextDocument) -> int:
    """A heading that would end a page, what follows it on the next, starts the next
    page instead (a page break before it): the review PDF's "Log LUNs" and "Capacity"
    headings stood alone at a page's foot, their tables overleaf (eyes21 #8, eyes22 #11).
    Qt's rich text has no "keep with next": the document is laid out again after each
    break, so a heading over a heading moves with it. Returns the breaks added.

    A break moves only the text from its heading on, so each search resumes at the
    heading just moved (or the headings right over it, which it may leave alone), not at
    the document's start: one walk over the blocks in all, where a 10k estate's report
    (733 pages) was walked once per break and once more to find none (pdf28)."""
    height = doc.pageSize().height()
    added = 0
    block = doc.begin()
    for _ in range(200):  # a break per heading at most; each moves only later text
        # Laid out whole first: Qt lays a document out as it is read, and a block's
        # format set while the rest waited left a layout that lost the later pages.
        doc.pageCount()
        layout = doc.documentLayout()
        lonely = None
        while block.isValid():
            form = block.blockFormat()
            top = layout.blockBoundingRect(block).top()
            if (
                form.headingLevel() > 0
                # (at a page's top already, a break before it would move nothing)
                and top % height > layout.blockBoundingRect(block).height()
                and not form.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
            ):
                following = _next_content(block)
                if following is not None and int(top // height) != int(
                    layout.blockBoundingRect(following).top() // height
                ):
                    lonely = block
                    break
            block = block.next()
        if lonely is None:
            return added
        cursor = QTextCursor(lonely)
        form = lonely.blockFormat()
        form.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        cursor.setBlockFormat(form)
        added += 1
        block = _heading_run_start(lonely)
    return added


def _heading_run_start(block: QTextBlock) -> QTextBlock:
    """The first of the headings (and empty blocks) right over ``block``, or ``block``:
    what a break before ``block`` can newly leave alone at a page's foot."""
    start = block
    previous = block.previous()
    while previous.isValid() and (
        previous.blockFormat().headingLevel() > 0 or not previous.text().strip()
    ):
        start = previous
        previous = previous.previous()
    return start


#: A document's layout cut into this many parts by :func:`_laid_out`.
LAYOUT_PARTS = 200


def _laid_out(doc: QTextDocument) -> Iterator[PdfProgress]:
    """``doc`` laid out whole, a part at a time, a yield after each (pdf28): Qt lays a
    document out lazily, as far as the block asked for, in the steps that
    ``pageCount()`` would take at once (the same layout: a 10k estate's 733 pages took
    one turn of ~19 s of CPU)."""
    layout, end = doc.documentLayout(), doc.characterCount()
    for part in range(1, LAYOUT_PARTS + 1):
        layout.blockBoundingRect(doc.findBlock(end * part // LAYOUT_PARTS - 1))
        yield "layout", part, LAYOUT_PARTS
    doc.pageCount()  # (whatever is left: nothing)


def _next_content(block: QTextBlock) -> QTextBlock | None:
    """The block after ``block`` with text (a table's first cell, the next paragraph)."""
    following = block.next()
    while following.isValid() and not following.text().strip():
        following = following.next()
    return following if following.isValid() else None


#: The foot of each PDF page (its title and number), in the page's pixels.
FOOTER_PX = 26


def _draw_pages(writer: QPdfWriter, painter: QPainter, doc: QTextDocument, pages: PdfPages) -> None:
    """``doc`` laid out on the writer's pages, each begun by ``pages``."""
    for _ in _page_steps(writer, painter, doc, pages):
        pass


def _page_steps(
    writer: QPdfWriter, painter: QPainter, doc: QTextDocument, pages: PdfPages
) -> Iterator[None]:
    """:func:`_draw_pages` a page at a time: each page drawn, then a yield."""
    page = QRectF(0, 0, writer.width(), writer.height() - FOOTER_PX)
    if doc.pageSize() != page.size():
        # Laid out at another size: again, with its headings kept. Set to the size it
        # has, Qt lays the whole document out again all the same (a 10k estate's 733
        # pages: a third of the drawing's time, for the same pages) (pdf28).
        doc.setPageSize(page.size())
        keep_headings_with_next(doc)
    for n in range(doc.pageCount()):
        with pages.page():
            painter.save()
            painter.translate(0, -n * page.height())
            doc.drawContents(painter, QRectF(0, n * page.height(), page.width(), page.height()))
            painter.restore()
        yield


def section_pages(doc: QTextDocument) -> list[tuple[str, int]]:
    """Each section heading (``<h2>``) of ``doc`` as laid out on its pages, and the
    page (from 0) it starts on."""
    doc.pageCount()  # laid out whole
    layout, height = doc.documentLayout(), doc.pageSize().height()
    found = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 2:
            top = layout.blockBoundingRect(block).top()
            found.append((block.text().strip(), int(top // height)))
        block = block.next()
    return found


#: The contents in the text's size (the tables' cells are smaller: see _document).
_CONTENTS = "font-size: 9pt"


def _contents(sections: list[tuple[str, int]]) -> str:
    """The PDF's contents, page numbers from 1."""
    rows = "".join(
        f'<tr><td style="{_CONTENTS}">{html.escape(title)}</td>'
        f'<td style="{_CONTENTS}" align="right">{page}</td></tr>'
        for title, page in sections
    )
    return f'<h2>Contents</h2><table border="0" cellpadding="2" width="60%">{rows}</table>'


class PdfPages:
    """The PDF's pages after the first, each begun (:meth:`page`) and given its foot: the
    report's title and "page N of M", drawn after the page's content (a text extractor
    reads a page as drawn: its heading first)."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, title: str, total: int) -> None:
        self.writer, self.painter, self.title, self.total = writer, painter, title, total
        self.number = 0

    @contextmanager
    def page(self) -> Iterator[None]:
        """A page (a new one but for the first) to draw on meanwhile, then its foot."""
        if self.number:
            self.writer.newPage()
        self.number += 1
        yield
        painter, width = self.painter, self.writer.width()
        foot = QRectF(0, self.writer.height() - FOOTER_PX + 8, width, FOOTER_PX - 8)
        painter.save()
        font = QFont()
        font.setPointSizeF(7)
        painter.setFont(font)
        painter.setPen(QColor("#666666"))
        painter.drawLine(QPointF(0, foot.top() - 4), QPointF(width, foot.top() - 4))
        painter.drawText(foot, Qt.AlignmentFlag.AlignLeft, self.title)
        painter.drawText(foot, Qt.AlignmentFlag.AlignRight, f"page {self.number} of {self.total}")
        painter.restore()


def pdf_parts(data: ReviewData, image: ImageFn) -> tuple[str, str]:
    """The PDF's rich text before the diagram and after it: the report's, its matrix in
    tables as wide as the page (:data:`PDF_MATRIX_COLUMNS`)."""
    summary, body = report_parts(data, image, matrix_columns=PDF_MATRIX_COLUMNS, details=False)
    # Anchors are for the browser's contents line; in Qt's rich text an anchor splits the
    # heading's text in the PDF ("I" "nventory" for a text extractor or a screen reader).
    summary, body = (re.sub(r'<h2 id="[^"]*">', "<h2>", part) for part in (summary, body))
    # "PRD-MBX01", not "PRD-" over "MBX01": the cells' nowrap (names_whole, which
    # Chromium honours) is lost on Qt's spans, so the PDF joins a hyphen to what follows.
    return hyphens_joined(summary), hyphens_joined(names_whole(body))


#: A hyphen inside a word (BOS-MBX01, RP-Philadelphia), in the text between tags.
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_TEXT = re.compile(r">([^<]+)<")
_CELL = re.compile(r"<td\b.*?</td>", re.DOTALL)
#: The Unicode word joiner: no line break on either side, drawn as nothing; a PDF
#: reader (poppler's pdftotext) reads "BOS-MBX01" as typed.
WORD_JOINER = "\u2060"


def hyphens_joined(rich_text: str) -> str:
    """``rich_text`` with every hyphen inside a word of a table's cell followed by a
    word joiner: Qt's rich text broke lines after a hyphen, so a narrow column split an
    element's name over two lines ("BOS-CAS01, BOS-" over "CAS02" in a pool, "copies on
    DEN-" over "SAN1" in a finding's message: the eyes27 walk's PDF), even inside the
    report's nowrap spans (Qt honours nowrap on a cell, not on a span). The cells' lines
    now break between words only. Headings and prose, tags and attributes are left as
    they are.

    >>> hyphens_joined('<p>a-b</p><td class="a-b">BOS-MBX01, x - y</td>') == (
    ...     '<p>a-b</p><td class="a-b">BOS-\u2060MBX01, x - y</td>'
    ... )
    True
    """

    def joined(cell: re.Match[str]) -> str:
        return _TEXT.sub(
            lambda m: ">" + _INNER_HYPHEN.sub("-" + WORD_JOINER, m.group(1)) + "<", cell.group(0)
        )

    return _CELL.sub(joined, rich_text)


def write_pdf(data: ReviewData, path: Path) -> None:
    """The review PDF of ``data`` written to ``path`` (at once: see :func:`pdf_steps`)."""
    for _ in pdf_steps(data, path):
        pass


#: What :func:`pdf_steps` yields: ``("page", drawn, of)`` once the pages are known,
#: ``("layout", part, of)`` while the text is laid out, ``("", 0, 0)`` between.
PdfProgress = tuple[str, int, int]


def pdf_steps(data: ReviewData, path: Path) -> Iterator[PdfProgress]:
    """The review PDF written a step at a time, each step a page (or a stage of the
    layout before the pages), so that the window draws a big estate's report in slices
    between its event loop's turns, with Cancel (pdf28): a 10k estate's 733 pages froze
    it for over a minute. Closed before its end, it leaves ``path`` incomplete."""
    images: dict[str, QImage] = {}

    def image(key: str, svg: str) -> str:
        images[key] = _svg_image(svg, 1400)
        return f'<img src="{key}" width="640">'

    summary, body = pdf_parts(data, image)
    yield "", 0, 0
    writer = QPdfWriter(str(path))
    title = f"Design review — {data.design.name}"
    writer.setTitle(title)
    writer.setCreator(f"DR Designer {version()}")
    writer.setResolution(_RESOLUTION)
    portrait = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 15),
        QPageLayout.Unit.Millimeter,
    )
    landscape = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )
    writer.setPageLayout(portrait)
    width, height = writer.width(), writer.height() - FOOTER_PX
    # The rest laid out first: the first page's contents give each section's page.
    rest = _document(body, width, images)
    rest.setPageSize(QSizeF(width, height))
    yield from _laid_out(rest)
    keep_headings_with_next(rest)
    yield "", 0, 0
    sections = section_pages(rest)
    # The diagram: a landscape page of its own, drawn as vectors (and the names it
    # shortens listed under it, or on the page after).
    diagram = DiagramPage(data.design, landscape, _RESOLUTION, FOOTER_PX)
    first = _document(summary, width, {})
    first_pages = 1
    for _ in range(3):  # the contents may take the summary onto a page more
        listed = [("Diagram", first_pages + 1)] + [
            (name, first_pages + diagram.page_count + 1 + page) for name, page in sections
        ]
        first = _document(summary + _contents(listed), width, {})
        first.setPageSize(QSizeF(width, height))
        keep_headings_with_next(first)
        if first.pageCount() == first_pages:
            break
        first_pages = first.pageCount()
        yield "", 0, 0
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    pages = PdfPages(writer, painter, title, first_pages + diagram.page_count + rest.pageCount())
    try:
        for _ in _page_steps(writer, painter, first, pages):
            yield "page", pages.number, pages.total
        writer.setPageLayout(landscape)
        diagram.draw(painter, pages.page)
        yield "page", pages.number, pages.total
        writer.setPageLayout(portrait)
        for _ in _page_steps(writer, painter, rest, pages):
            yield "page", pages.number, pages.total
    finally:
        painter.end()
        diagram.close()


def write_review(design: Design, output: str | Path, *, source: str = "") -> Path:
    """Write the review report to ``output`` (.html or .pdf), atomically."""
    path = _report_path(output)
    return render_review(prepare_review(design, source=source), path)


def _report_path(output: str | Path) -> Path:
    path = Path(output)
    if path.suffix.casefold() not in (".html", ".htm", ".pdf"):
        raise InteropError(f"cannot write a report to {path.name}: use .html or .pdf")
    return path


def prepare_review(
    design: Design, *, source: str = "", progress: ReviewProgress | None = None
) -> ReviewData:
    """The report's content (the N-2 sweep and the matrix: most of the time). Headless,
    so :class:`ReviewJob` runs it off the UI thread."""
    from designer.availability.report import register as register_availability

    register_availability()  # its section of the report (issue 16)
    return build_review(design, source=source, progress=progress)


def render_review(data: ReviewData, output: str | Path) -> Path:
    """Draw ``data`` with its diagram to ``output`` (.html or .pdf), atomically; on the
    UI thread (the diagram is a scene)."""
    for _ in review_steps(data, output):
        pass
    return _report_path(output)


def review_steps(data: ReviewData, output: str | Path) -> Generator[PdfProgress, None, None]:
    """:func:`render_review` a step at a time (a PDF's page each: :func:`pdf_steps`);
    the file is put in place after the last step only, so a run closed before its end
    writes nothing (pdf28)."""
    path = _report_path(output)
    suffix = path.suffix.casefold()
    # Rendered in a private folder, then put in place by the designer's one atomic
    # writer (symlinks, permissions, read-only files, no temp file left behind).
    with tempfile.TemporaryDirectory(prefix="dr-designer-report-") as folder:
        tmp = Path(folder) / f"review{suffix}"
        try:
            if suffix == ".pdf":
                yield from pdf_steps(data, tmp)
            else:
                tmp.write_text(render_html(data, diagram_png(data.design)), encoding="utf-8")
            content = tmp.read_bytes()
        except OSError as exc:
            raise InteropError(f"{path}: cannot write: {exc.strerror or exc}") from None
    write_bytes_atomic(path, content)


class ReviewJob(QObject):
    """The review report from the window, made in a process of its own
    (:mod:`designer.ui.review_drawing`) behind a progress dialog with Cancel: the window
    hands the design over (pickled a part at a time between its event loop's turns), the
    process works out the content (N-2 and the RPO/RTO matrix take tens of seconds on a
    10k design) and draws it, saying its stages and each page for the dialog's count,
    and the window puts the file in place when it is drawn (pdf29, handover30). Drawn on
    the UI thread, a 10k estate's PDF stopped the window for seconds at a time, even in
    slices (pdf28), and its HTML for 5 s; the content computed and handed over by a
    worker thread of the window held Python's lock, and the window's thread waited for
    it 0.3-0.55 s at a time on a loaded machine (wave 29).

    ``finished(path)`` when written, ``failed(message)`` on an error, ``cancelled()``
    when the user stopped it (the process is ended at once, nothing written). The
    design is an immutable snapshot: edits made meanwhile (none: the dialog is
    window-modal) would not change what is reported.
    """

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    #: (From the writer's thread.) The drawn file is put in place, or failed to be.
    _written = Signal()

    #: The UI thread's CPU a turn of the design's hand-over may take (seconds).
    HAND_OVER_SLICE_S = 0.008

    def __init__(
        self, parent: QWidget, design: Design, output: str | Path, *, source: str = ""
    ) -> None:
        super().__init__(parent)
        self.path = _report_path(output)
        self._design = design
        self._source = source
        remove_stale_folders()  # a window killed mid-report left its folder
        #: The job's private folder: the design handed over, the drawing's temporary
        #: files, the drawing; held (locked) while the job runs.
        try:
            self._folder, self._held = job_folder()
        except OSError as exc:
            raise InteropError(
                f"cannot write the review report: no folder for its drawing in "
                f"{tempfile.gettempdir()}: {exc.strerror or exc}"
            ) from None
        self._content = self._folder / "design.pickle"
        self._drawn = self._folder / f"review{self.path.suffix.casefold()}"
        self.dialog = QProgressDialog("Preparing the design review…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Design review report")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        #: The design's hand-over under way (a part a step), and its turns' timer.
        self._handing: Generator[None, None, None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._hand_over_slice)
        #: The process under way (:mod:`designer.ui.review_drawing`).
        self._drawing: QProcess | None = None
        #: Whether the design is handed over and the process told to read it.
        self._asked = False
        #: Whether the job has ended (finished, failed or cancelled said once).
        self._over = False
        self._stop = False
        #: How the process ended (exit status, a normal exit, its standard error), the
        #: last line of a failure it gave, or why it could not start.
        self._end: tuple[int, bool, str] = (0, False, "")
        self._error = ""
        self._start_error = ""
        #: The thread putting the drawn file in place (:meth:`_put_in_place`), if any.
        self._writer: threading.Thread | None = None
        self._write_error: BaseException | None = None
        self._written.connect(self._was_written)

    def start(self) -> None:
        # The process starts first (Python, Qt and the designer imported while the
        # design is handed over), then waits for the word to read it.
        self._launch()
        self._handing = hand_over_steps(self._design, self._source, self._content)
        # The pickling's temporary objects (each element's state) made the collector
        # run its full collections between parts: ~45 ms of a turn at 10k. They are
        # freed as they go, in no cycle: the collector waits until the hand-over ends.
        collector.pause()
        self._timer.start()

    def cancel(self) -> None:
        if self._writer is not None:
            return  # the file being put in place: whole, or not at all
        self._stop = True
        if self._handing is not None:  # the process not told yet: ended here and now
            self._end_hand_over()
            self._end_drawing()
            self._cancelled()
        elif self._drawing is not None:
            self._drawing.kill()  # ends in _ended: cancelled, nothing written

    def stop(self) -> None:
        """Cancel and wait for the process's end: no report is written (or, if it was
        being put in place, once it is)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.join()  # (then nothing more said of it)
        self.cancel()
        self._end_hand_over()
        self._end_drawing()
        self._tidy()

    def is_running(self) -> bool:
        return self._handing is not None or self._drawing is not None or self._writer is not None

    def _tidy(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
        if self._held is not None:
            self._held.close()

    def _end_hand_over(self) -> None:
        """The design's hand-over stopped, if under way (its file closed)."""
        handing, self._handing = self._handing, None
        self._timer.stop()
        if handing is not None:
            handing.close()
            collector.resume()

    def _end_drawing(self) -> None:
        """The process ended now, if it runs (nothing more said of it)."""
        drawing, self._drawing = self._drawing, None
        if drawing is not None:
            drawing.finished.disconnect(self._ended)
            drawing.errorOccurred.disconnect(self._not_started)
            drawing.kill()
            drawing.waitForFinished(5_000)

    def _hand_over_slice(self) -> None:
        """A turn's part of the design's hand-over (:data:`HAND_OVER_SLICE_S` of the UI
        thread's CPU); at its end, the process told to read it."""
        handing = self._handing
        if handing is None:
            return
        end = time.thread_time() + self.HAND_OVER_SLICE_S
        try:
            for _ in handing:
                if time.thread_time() >= end:
                    return
        except Exception as exc:  # said to the user, never left running
            self._end_hand_over()
            self._end_drawing()
            if isinstance(exc, OSError):
                self._failed(f"The review report could not be written: {exc}")
                return
            _log.error("the review report's hand-over failed", exc_info=exc)
            self._failed(
                f"The review report could not be written: internal error "
                f"({type(exc).__name__}: {exc}). The details are in the log."
            )
            return
        self._handing = None
        self._timer.stop()
        collector.resume()
        self._asked = True
        if self._drawing is None:  # it ended, or never started, meanwhile
            self._report_end()
            return
        self._drawing.write(f"{DRAW}\n".encode())
        self._drawing.closeWriteChannel()

    def _launch(self) -> None:
        """The process started: the same code and Python as the window's; its temporary
        files in the job's folder (removed with it, whatever happens)."""
        import designer

        drawing = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        code = str(Path(designer.__file__).resolve().parents[1])
        paths = environment.value("PYTHONPATH")
        environment.insert("PYTHONPATH", os.pathsep.join([code, paths]) if paths else code)
        environment.insert("QT_QPA_PLATFORM", "offscreen")
        for name in ("TMPDIR", "TEMP", "TMP"):
            environment.insert(name, str(self._folder))
        drawing.setProcessEnvironment(environment)
        drawing.readyReadStandardOutput.connect(self._read)
        drawing.finished.connect(self._ended)
        drawing.errorOccurred.connect(self._not_started)
        self._drawing = drawing
        drawing.start(
            sys.executable,
            ["-m", "designer.ui.review_drawing", str(self._content), str(self._drawn)],
        )

    def _read(self) -> None:
        """The process's lines: the dialog's words and count."""
        drawing = self._drawing
        if drawing is None:
            return
        stage, done, total = "", 0, 0
        while drawing.canReadLine():
            line = bytes(drawing.readLine().data()).decode("utf-8", "replace").rstrip("\n")
            fields = line.split("\t")
            if fields[0] == ERROR and len(fields) == 2:
                self._error = fields[1]
            elif len(fields) == 3 and fields[1].isdigit() and fields[2].isdigit():
                stage, done, total = fields[0], int(fields[1]), int(fields[2])
        if stage == DRAWING:
            self.dialog.setLabelText("Drawing the report…")
            self.dialog.setRange(0, 0)
        elif total:
            # The words first: a modal dialog's setValue turns the event loop, where
            # the process's next lines may be read and said (not overwritten after).
            if stage == "page":
                self.dialog.setLabelText(f"Drawing the report: page {done:,} of {total:,}")
            elif stage == "layout":
                percent = done * 100 // total
                self.dialog.setLabelText(f"Laying out the report's pages: {percent} %")
            else:
                self.dialog.setLabelText(f"{stage}: {done:,} of {total:,}")
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _ended(self, code: int, status: QProcess.ExitStatus) -> None:
        """The process ended: what it said kept, and said once the design is handed over
        (:meth:`_report_end`)."""
        drawing = self._drawing
        if drawing is None:
            return
        self._read()
        self._drawing = None
        errors = bytes(drawing.readAllStandardError().data()).decode("utf-8", "replace")
        self._end = (code, status == QProcess.ExitStatus.NormalExit, errors)
        if self._asked:
            self._report_end()

    def _not_started(self, error: QProcess.ProcessError) -> None:
        """The process could not start (no ``finished`` then)."""
        drawing = self._drawing
        if error != QProcess.ProcessError.FailedToStart or drawing is None:
            return
        self._drawing = None
        self._start_error = (
            f"The review report could not be written: its drawing could not start "
            f"({sys.executable}: {drawing.errorString()})."
        )
        if self._asked:
            self._report_end()

    def _report_end(self) -> None:
        """The process is over: the file put in place, or why not."""
        if self._stop or self.dialog.wasCanceled():
            self._cancelled()
            return
        if self._start_error:
            self._failed(self._start_error)
            return
        code, normal, errors = self._end
        if normal and code == 0 and self._drawn.exists():
            self._put_in_place()
            return
        if normal and code == 2 and self._error:
            self._failed(self._error)
            return
        _log.error("the review report's drawing failed (exit %s):\n%s", code, errors)
        last = errors.strip().splitlines()[-1] if errors.strip() else f"exit status {code}"
        self._failed(
            f"The review report could not be written: internal error ({last}). "
            "The details are in the log."
        )

    def _put_in_place(self) -> None:
        """The drawn file written to the chosen path by a thread of its own: reading it,
        writing it and its fsyncs wait for the disk without Python's lock (on the UI
        thread, the 10k estate's 9.4 MB PDF took 56-71 ms, 10-15 ms of it CPU, on this
        loaded machine: wave 30). Cancel no longer applies: the file is written whole,
        or not at all."""
        self.dialog.setLabelText("Writing the report…")
        self.dialog.setRange(0, 0)
        self._writer = threading.Thread(target=self._write, name="review-report-write")
        self._writer.daemon = True
        self._writer.start()

    def _write(self) -> None:
        """(On the writer's thread.) The file put in place; the outcome to the window."""
        try:
            write_bytes_atomic(self.path, self._drawn.read_bytes())
        except BaseException as exc:  # said on the UI thread (_was_written)
            self._write_error = exc
        self._written.emit()

    def _was_written(self) -> None:
        """The file is in place, or why not (unless :meth:`stop` ended the job)."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        writer.join()
        outcome = self._write_error
        if outcome is None:
            if self._ending():
                self.finished.emit(self.path)
        elif isinstance(outcome, (InteropError, OSError)):
            self._failed(str(outcome))
        else:
            _log.error("the review report could not be put in place", exc_info=outcome)
            self._failed(
                f"The review report could not be written: internal error "
                f"({type(outcome).__name__}: {outcome}). The details are in the log."
            )

    def _ending(self) -> bool:
        """The job's end: its folder removed, its dialog closed; False if it had ended
        already (each end is said once)."""
        self._tidy()
        self.dialog.close()
        over, self._over = self._over, True
        return not over

    def _cancelled(self) -> None:
        if self._ending():
            self.cancelled.emit()

    def _failed(self, message: str) -> None:
        if self._ending():
            self.failed.emit(message)


def report_command(args: argparse.Namespace) -> int:
    """``dr-designer report FILE -o review.html|review.pdf`` (headless Qt)."""
    output = str(args.output)
    if Path(output).suffix.casefold() not in (".html", ".htm", ".pdf"):
        raise InteropError(f"cannot write a report to {output!r}: use .html or .pdf")
    if not Path(args.file).exists():
        raise InteropError(f"{args.file}: no such file")
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from designer.persistence import load

    design = load(args.file)
    app = QGuiApplication.instance() or QApplication(sys.argv[:1])
    try:
        out = write_review(design, output, source=Path(args.file).name)
    except InteropError as exc:
        if "cannot write" not in str(exc):
            raise
        print(f"dr-designer: {exc}", file=sys.stderr)
        return 4
    print(f"wrote {out}", file=sys.stderr)
    del app
    return 0
