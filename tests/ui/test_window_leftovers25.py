"""Wave 25's window and report leftovers (``ui25``), each through the user's door
(``dr-designer gui FILE`` or ``dr-designer report``) and real widgets:

1. the Availability dock names its Monte Carlo years and seed boxes;
2. the Capacity dock writes 1,000 Mbit/s as the report does (legend, axis, tooltip);
3. the review report: no Inventory column of "—" only; the PDF's first page holds the
   summary, each saved scenario's verdict and the contents with their pages, and every
   page its number;
4. the review PDF's diagram page lists whole the names it prints cut (LUN rows).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from gui_door import console_main
from pypdf import PdfReader
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel
from test_capacity_window import capacity_panel, choose, edge_of

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
THREE_SITES = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/ui25-shots")
MPLS = "wan-bos-hfd"  # 1,000 Mbit/s


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _view_availability(window: Any) -> None:
    """View > Availability, as the menu bar offers it."""
    (view,) = [a for a in window.menuBar().actions() if a.text().replace("&", "") == "View"]
    menu = view.menu()
    menu.aboutToShow.emit()
    (action,) = [a for a in menu.actions() if a.text() == "Availability"]
    action.trigger()


# -- 1. the Availability dock's boxes are named ---------------------------------------------
def test_the_availability_docks_years_and_seed_boxes_are_named_beside_them(
    qtbot: Any, launch: Any
) -> None:
    """eyes24: "10,000 years" and "seed 0" stood in the dock's top row with nothing
    saying what they were for. Each box has its label on its left, in the same row."""
    window = launch(THREE_SITES)
    window.resize(1280, 800)
    _view_availability(window)
    panel = window.availability.panel
    qtbot.waitUntil(lambda: panel.isVisible() and panel.seed.isVisible())
    _shot(window.availability.dock, "availability-controls")
    named = {}
    for label in panel.findChildren(QLabel):
        if label.buddy() is not None and label.isVisible():
            named[label.buddy()] = label
    for box, text in ((panel.years, "Monte Carlo"), (panel.seed, "Seed")):
        assert box in named, text
        label = named[box]
        assert label.text() == text and box.accessibleName() == text
        at, beside = label.geometry(), box.geometry()
        assert at.right() < beside.left() and beside.left() - at.right() < 20, (at, beside)
        assert at.top() < beside.center().y() < at.bottom()  # in the box's row
        assert not label.visibleRegion().isEmpty()
    assert panel.seed.text() == "0" and panel.years.text() == "10,000 years"


# -- 2. the Capacity dock's thousands -------------------------------------------------------
def _axis_texts(axis: Any) -> list[str]:
    """The tick labels the axis draws (what its paint() writes)."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]]


def test_the_capacity_dock_writes_a_thousand_megabits_with_its_separator(
    qtbot: Any, launch: Any
) -> None:
    """eyes24: the legend read "bandwidth 1000 Mbit/s" where the report says 1,000; the
    axis and the link's tooltip on the canvas read "1000" too."""
    window = launch(THREE_SITES)
    window.resize(1280, 800)
    panel = capacity_panel(window)
    choose(panel.link_combo, MPLS)
    qtbot.waitUntil(lambda: panel.bandwidth_line is not None and bool(panel.legend.items))
    _shot(panel, "capacity-legend")
    legend = [label.text for _sample, label in panel.legend.items]
    assert "bandwidth 1,000 Mbit/s" in legend, legend
    assert "1,000" in _axis_texts(panel.plot.getAxis("left"))
    edge = edge_of(window, MPLS)
    qtbot.waitUntil(lambda: "% of" in edge.toolTip())
    assert " % of 1,000 Mbit/s (normal operation)" in edge.toolTip().splitlines()[0]


# -- 3. the review report: no empty columns, a first page a customer expects ----------------
def _report(tmp_path: Path, suffix: str, design: Path = THREE_SITES) -> Path:
    out = tmp_path / f"review{suffix}"
    assert console_main()(["report", str(design), "-o", str(out)]) == 0
    return out


def _inventory_tables(page: str) -> dict[str, list[list[str]]]:
    """The Inventory's tables by their heading: rows of cells (the head row first)."""
    part = page[page.index('<h2 id="inventory">') : page.index('<h2 id="copies">')]
    tables = {}
    for title, table in re.findall(r"<h3>(.*?)</h3>(<table.*?</table>)", part, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        tables[html.unescape(title)] = [
            [
                html.unescape(re.sub(r"<[^>]+>", "", c))
                for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)
            ]
            for r in rows
        ]
    return tables


def test_the_reports_inventory_has_no_column_of_dashes_only(tmp_path: Path) -> None:
    """eyes24: with no failure figures stated, every kind's table ended in MTBF (h) and
    MTTR (h) columns of "—" (the storage arrays' FLARE release too). A field no element
    states is said once in words; the columns hold what the design states."""
    page = _report(tmp_path, ".html").read_text(encoding="utf-8")
    tables = _inventory_tables(page)
    assert "ESXi host (9)" in tables and "LUN (13)" in tables
    for title, (head, *rows) in tables.items():
        for column, heading in enumerate(head[1:], start=1):
            assert any(row[column] != "—" for row in rows), (title, heading)
    assert "Not stated for any element: MTBF (h), MTTR (h)." in page
    assert "Not stated for any of them: FLARE release, Change rate (GB/h)." in page
    assert "Memory (GB)" in tables["ESXi host (9)"][0]


def _texts(page: Any) -> list[tuple[float, str]]:
    """A PDF page's texts and their heights from its foot (points), as drawn."""
    found: list[tuple[float, str]] = []

    def seen(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            found.append((cm[1] * tm[4] + cm[3] * tm[5] + cm[5], " ".join(text.split())))

    page.extract_text(visitor_text=seen)
    return found


def test_the_review_pdfs_first_page_is_a_summary_with_its_contents(tmp_path: Path) -> None:
    """eyes24: page 1 of the PDF held the title and the summary's five rows, the rest of
    it blank, and no page had a number. It now holds what a customer reads first: the
    summary, each saved scenario's verdict ("At a glance") and the contents with the page
    each section starts on (read here from the pages themselves); each page says its
    number of the whole."""
    pages = PdfReader(_report(tmp_path, ".pdf")).pages
    first = _texts(pages[0])
    words = " ".join(text for _y, text in first)
    for scenario in ("Fig. 11: single server failure", "Witness site lost, then Boston"):
        assert f"{scenario} meets" in words, words
    texts = [[t for _y, t in _texts(page)] for page in pages]
    for number, text in enumerate(texts, start=1):
        assert " ".join(text).endswith(f"page {number} of {len(pages)}"), (number, text[-3:])
    headings = ("Inventory", "Copy layout", "Findings", "N-2: pairs of failures", "Capacity")
    starts = {h: next(n for n, t in enumerate(texts[1:], start=2) if h in t) for h in headings}
    starts["Diagram"] = next(n for n, t in enumerate(texts, 1) if t[0].startswith("Diagram —"))
    listed = dict(re.findall(r"((?:[A-Z][\w:/ -]*?)) (\d+)(?= |$)", words.split("Contents")[1]))
    assert {h: int(listed[h]) for h in starts} == starts, (listed, starts)
    # Filled: its last line (above the page's foot) lies in the lower third of the page.
    height = float(pages[0].mediabox.height)
    foot = min(y for y, _t in first)
    lowest = min(y for y, _t in first if y > foot + 1)
    assert lowest < height / 3, (lowest, height)


# -- 4. the review PDF's diagram names its shortened names in full --------------------------
def test_the_review_pdfs_diagram_lists_the_lun_names_it_prints_cut(tmp_path: Path) -> None:
    """eyes24: the three-site sample's LUN rows read "…N1 DS-OS" for BOS-SAN1 DS-OS and
    WOR-SAN1 DS-OS alike, even in 5 pt print; a row holds one line. Under the drawing,
    the page lists each shortened name in full by the box it is drawn in."""
    from designer.persistence import load

    design = load(THREE_SITES)
    luns = {e.name for e in design.elements if e.kind == "lun"}
    pages = PdfReader(_report(tmp_path, ".pdf")).pages
    (diagram,) = [p for p in pages if p.mediabox.width > p.mediabox.height]
    texts = _texts(diagram)
    lines = [t for _y, t in texts]
    assert "Names shortened on the diagram" in " ".join(lines)
    listed = [y for y, t in texts if t in luns]
    assert set(lines) >= luns, luns - set(lines)
    # Below the drawing (its lowest box name) and above the page's foot.
    drawing = [y for y, t in texts if t == "BOS-HFD MPLS (carrier 1) · 4 ms · 160 km"]
    assert drawing and max(listed) < min(drawing), (listed, drawing)
    # Each cut row is listed beside what the drawing shows ("BOS-SAN…": a cut name keeps
    # its start since wave 29; it read "…N2 DS-OS").
    row = " ".join(lines)
    assert "BOS-SAN2 BOS-SAN… BOS-SAN2 DS-OS" in row, row


def _stacked(tmp_path: Path) -> Path:
    """The three-site sample with its top-level boxes stacked in one column (each moved
    with its content, the lines' waypoints dropped): a drawing taller than wide."""
    from designer.domain.kinds import KINDS
    from designer.persistence import load, save

    design = load(THREE_SITES)
    by_id = {e.id: e for e in design.elements}

    def top(element: Any) -> str:
        while (holder := KINDS[element.kind].container_of(element)) in by_id:
            element = by_id[holder]  # type: ignore[index]
        return str(element.id)

    layout = dict(design.layout)
    boxes = [e for e in design.elements if not KINDS[e.kind].is_line]
    shift, y = {}, 0.0
    for element in sorted((e for e in boxes if top(e) == e.id), key=lambda e: layout[e.id].y):
        place = layout[element.id]
        shift[element.id] = (-place.x, y - place.y)
        y += place.h + 60
    for element in design.elements:
        place = layout.get(element.id)
        if place is None:
            continue
        if KINDS[element.kind].is_line:
            layout[element.id] = place.model_copy(update={"points": []})
        else:
            dx, dy = shift[top(element)]
            layout[element.id] = place.model_copy(update={"x": place.x + dx, "y": place.y + dy})
    path = tmp_path / "stacked.drd.json"
    save(design.model_copy(update={"layout": layout}), path)
    return path


def test_beside_a_tall_drawing_the_list_takes_the_room_on_its_right(tmp_path: Path) -> None:
    """A drawing taller than wide leaves no room under it on the landscape page but half
    the page beside it: the list stands there, on the drawing's page (not on a page of its
    own after it, with the drawing centred between two empty margins)."""
    pages = PdfReader(_report(tmp_path, ".pdf", _stacked(tmp_path))).pages
    landscape = [p for p in pages if p.mediabox.width > p.mediabox.height]
    assert len(landscape) == 1
    placed: list[tuple[float, str]] = []

    def seen(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            placed.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4], " ".join(text.split())))

    landscape[0].extract_text(visitor_text=seen)
    texts = [t for _x, t in placed]
    start = next(i for i, t in enumerate(texts) if t.startswith("Names shortened"))
    drawing = [x for x, t in placed[1:start]]  # (after the page's title)
    listed = [x for x, t in placed[start:] if not t.startswith(("Design review", "page "))]
    assert drawing and listed and min(listed) > max(drawing), (max(drawing), min(listed))
    assert "esx-bos-01" in texts[start:]  # a host's name, cut over its box at this size
