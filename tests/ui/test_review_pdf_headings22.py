"""The review PDF keeps each heading on the page of what follows it (wave 22, ``ui22``;
eyes22 #11, eyes21 #8): "Log LUNs", "Capacity", "Virtual disk (28)" stood alone at a
page's foot with their tables overleaf. Qt's rich text has no "keep with next": a page
break goes before such a heading (``designer.ui.review.keep_headings_with_next``).

Through the door: ``dr-designer report SAMPLE -o review.pdf``; the documents the PDF's
pages are drawn from are read as drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_door import console_main
from PySide6.QtGui import QTextDocument

from designer.ui import review

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _lonely_headings(doc: QTextDocument) -> list[str]:
    """Headings (not at a page's top) whose next text is on a later page."""
    height = doc.pageSize().height()
    layout = doc.documentLayout()
    out: list[str] = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            rect = layout.blockBoundingRect(block)
            following = block.next()
            while following.isValid() and not following.text().strip():
                following = following.next()
            if (
                following.isValid()
                and rect.top() % height > rect.height()
                and int(rect.top() // height)
                != int(layout.blockBoundingRect(following).top() // height)
            ):
                out.append(block.text())
        block = block.next()
    return out


@pytest.mark.parametrize(
    "sample", ["backup_options", "disk_placements", "three_site_stretched_dag"]
)
def test_no_heading_ends_a_page(qtbot: Any, monkeypatch: Any, tmp_path: Path, sample: str) -> None:
    drawn: list[tuple[int, list[str], list[str]]] = []
    draw = review._page_steps

    def watched(writer: Any, painter: Any, doc: QTextDocument, pages: Any) -> Any:
        yield from draw(writer, painter, doc, pages)
        headings = []
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                headings.append(block.text())
            block = block.next()
        drawn.append((doc.pageCount(), headings, _lonely_headings(doc)))

    monkeypatch.setattr(review, "_page_steps", watched)
    out = tmp_path / "review.pdf"
    assert console_main()(["report", str(SAMPLES / f"{sample}.json"), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    (_summary, (pages, headings, lonely)) = drawn[0], drawn[-1]
    assert pages >= 3 and {"Inventory", "Findings", "Capacity"} <= set(headings)
    assert lonely == []
