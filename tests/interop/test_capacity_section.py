"""The review report's Capacity section (issue 11 through issue 12's hook): written by
``dr-designer report``, it holds each link's normal and worst figures with the mode,
each server's load and sizing, and the log LUN clocks."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from designer.interop.capacity_section import capacity_sections
from designer.persistence import load

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "exchange2007_lcr_ccr_scr.json"


def test_sections_of_a_sized_design_and_none_of_an_unsized_one() -> None:
    design = load(SAMPLE)
    titles = [s.title for s in capacity_sections(design)]
    assert titles == ["WAN links", "Mailbox servers"]  # no DAG: no log LUN clocks
    links = capacity_sections(design)[0]
    row = next(r for r in links.rows if r[0] == "BEL-POR backup line")
    assert row[4] == "loss of site Redmond" and row[6] == "175 %"
    assert any("Over budget in some mode: BEL-POR backup line" in p for p in links.paragraphs)
    bare = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"mailbox_profile": None}) if e.kind == "site" else e
                for e in design.elements
            ]
        }
    )
    assert capacity_sections(bare) == []


def test_report_command_writes_the_capacity_section(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "review.html"
    run = subprocess.run(
        [sys.executable, "-m", "designer", "report", str(SAMPLE), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    page = html.unescape(re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8")))
    text = re.sub(r"\s+", " ", page)
    assert "Capacity" in text and "WAN links" in text and "Mailbox servers" in text
    assert "BEL-POR backup line 20" in text
    assert "loss of site Redmond" in text
    assert "RED-CCR-N1 8 vCPU, 48 GB 8 / 4,000" in text


def test_the_reports_inventory_states_a_mailbox_profile_in_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The Inventory's "mailbox profile" cell of Redmond read like Python,
    "messages_per_day=150.0 average_message_kb=75.0 peak_factor=None"."""
    out = tmp_path / "review.html"
    run = subprocess.run(
        [sys.executable, "-m", "designer", "report", str(SAMPLE), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    start = page.index("<h3>site (3)</h3>")
    site_table = page[start : page.index("</table>", start)]
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", site_table)]
    assert "150 messages a day of 75 KB" in cells
    assert not any("messages_per_day" in c or "=None" in c for c in cells)
