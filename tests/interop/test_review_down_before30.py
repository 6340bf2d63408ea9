"""The review's summary of single failures when a database is down before any failure
(eyes30: a design whose only database had no copy read, in green, "none: every single
failure keeps every mailbox available"). Through the ``dr-designer report`` door."""

from __future__ import annotations

import html
import re
from pathlib import Path

from designer.domain.elements import MailboxDatabase
from designer.entry import main
from designer.interop.review_html import BAD, OK
from designer.persistence import load, save

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _summary_row(page: str) -> str:
    (row,) = re.findall(r"<tr>(?:(?!</tr>).)*Single points of failure \(N-1\).*?</tr>", page, re.S)
    return row


def _report(design_path: Path, tmp_path: Path) -> str:
    out = tmp_path / "review.html"
    assert main(["report", str(design_path), "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_a_database_no_copy_serves_is_no_clean_bill(tmp_path: Path) -> None:
    design = load(SAMPLE)
    healthy = tmp_path / "healthy.drd.json"
    save(design, healthy)
    row = _summary_row(_report(healthy, tmp_path))
    assert "every single failure keeps every mailbox available" in row and OK in row

    loose = MailboxDatabase(id="db-loose", name="DB-ARCHIVE", mailboxes=50)
    broken = tmp_path / "loose.drd.json"
    save(design.model_copy(update={"elements": [*design.elements, loose]}), broken)
    row = _summary_row(_report(broken, tmp_path))
    text = html.unescape(re.sub(r"<[^>]+>", "", row))
    assert "every mailbox available" not in text
    assert (
        "none makes it worse, but mailbox database DB-ARCHIVE is down before any failure: "
        "no copy can serve it" in text
    )
    assert BAD in row and OK not in row
