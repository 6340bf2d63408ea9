"""The review report's summary counts the design's elements in English (eyes17: the
three-site sample's "2 file share witnesss"). Through ``dr-designer report``."""

from __future__ import annotations

import html
import re

from test_review_headings import _report


def test_the_summary_counts_elements_with_their_plurals(tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = _report(tmp_path)
    row = re.search(r"<td>Elements</td>\s*<td>(.*?)</td>", page, re.S)
    assert row, "no Elements row in the summary"
    counts = html.unescape(row.group(1))
    assert "2 file share witnesses" in counts, counts
    assert "witnesss" not in page
    assert "3 sites" in counts and "1 DAG" in counts and "9 ESXi hosts" in counts, counts
