"""The PDF review report's tables read whole (eyes17, the two-site template's report:
"Productio/n", "User/s", "PRD-/MBX01" broken over two lines in their narrow columns,
and "4000" users). Tables are set in a smaller type, lines break between words only,
names and one-word cells stay on one line, and numbers carry thousands separators as
the window writes them. Through the door: ``dr-designer report FILE -o review.pdf``."""

from __future__ import annotations

from pathlib import Path

from gui_door import console_main
from pypdf import PdfReader

from designer.document.templates import template
from designer.persistence import save


def test_the_pdf_reports_tables_keep_their_words_whole(tmp_path: Path) -> None:
    design = tmp_path / "two-site.drd.json"
    save(template("two_site_dag"), design)
    out = tmp_path / "review.pdf"
    assert console_main()(["report", str(design), "-o", str(out)]) == 0
    # A hyphen in a cell is followed by a word joiner (it keeps the name on one line):
    # pypdf reads the run after it as a word of its own ("PRD-\tMBX01"); poppler does not.
    pages = [(page.extract_text() or "").replace("-\t", "-") for page in PdfReader(out).pages]
    (inventory,) = [p for p in pages if p.lstrip().startswith("Inventory")]
    # pypdf gives each line of a cell on a line of its own.
    lines = [line.strip() for line in inventory.splitlines()]
    # The users with a thousands separator; each cell whole.
    assert "4,000" in lines and "4000" not in lines
    for whole in ("Production", "Users", "corp.example.com", "PRD-MBX01", "esx-prd-01"):
        assert whole in lines, whole
    # No word cut at a line's end (the head "Users" over "User"/"s", a name over
    # "PRD-"/"MBX01", a site over "Productio"/"n").
    for cut in ("Productio", "User", "PRD-", "esx-", "Recover", "n", "s"):
        assert cut not in lines, cut
