"""The review report's Capacity section (issue 11 through issue 12's hook): written by
``dr-designer report``, it holds each link's normal and worst figures with the mode,
each server's load and sizing, and the log LUN clocks."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert [(s.title, s.rows) for s in capacity_sections(bare)] == [("Not sized", ())]


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``dr-designer report SAMPLE -o …`` as a child process, once for the tests that only
    read its page."""
    out = tmp_path_factory.mktemp("report") / "review.html"
    run = subprocess.run(
        [sys.executable, "-m", "designer", "report", str(SAMPLE), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return out.read_text(encoding="utf-8")


def test_report_command_writes_the_capacity_section(sample_page: str) -> None:
    page = html.unescape(re.sub(r"<[^>]+>", " ", sample_page))
    text = re.sub(r"\s+", " ", page)
    assert "Capacity" in text and "WAN links" in text and "Mailbox servers" in text
    assert "BEL-POR backup line 20" in text
    assert "loss of site Redmond" in text
    assert "RED-CCR-N1 8 vCPU, 48 GB 8 / 4,000" in text


def test_the_reports_inventory_states_a_mailbox_profile_in_words(sample_page: str) -> None:
    """The Inventory's "mailbox profile" cell of Redmond read like Python,
    "messages_per_day=150.0 average_message_kb=75.0 peak_factor=None"."""
    page = sample_page
    start = page.index("<h3>Site (3)</h3>")
    site_table = page[start : page.index("</table>", start)]
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", site_table)]
    assert "150 messages a day of 75 KB" in cells
    assert not any("messages_per_day" in c or "=None" in c for c in cells)


def _report_text(design: Path, out: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "designer", "report", str(design), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    page = html.unescape(re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", page)


def test_the_report_of_a_design_without_a_workload_says_it_is_not_sized(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """eyes13: a design stating no workload had no Capacity section at all, while the
    Availability section explains why it has no figures. It now has the Capacity
    heading with `dr-designer capacity`'s "Not sized" sentence, word for word."""
    data = json.loads((ROOT / "sample_designs" / "dag_with_ha.json").read_text("utf-8"))
    body = data["design"]
    body.pop("capacity", None)
    for element in body["elements"]:
        element.pop("mailbox_profile", None)
        element.pop("change_rate_gb_per_hour", None)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(data), encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "designer", "capacity", str(bare)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    # (Its lines: why, then what the site's users are for; the report's paragraphs.)
    not_sized = " ".join(cli.stdout.strip().splitlines())
    assert not_sized.startswith("Not sized: this design states no capacity workload.")
    text = _report_text(bare, tmp_path / "bare.html")
    assert '<a href="#capacity">Capacity</a>' in (tmp_path / "bare.html").read_text("utf-8")
    capacity = text[text.index(" Capacity Not sized ") :]
    assert capacity.startswith(" Capacity Not sized " + not_sized + " ")


def test_the_reports_assumptions_are_named_in_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The Mailbox servers paragraph listed the assumed figures by their field names
    ("log lun free; megacycles per vcpu"); now as docs/capacity.md names them."""
    text = _report_text(ROOT / "sample_designs" / "dag_with_ha.json", tmp_path / "r.html")
    start = text.index("Microsoft's per-mailbox figures; assumptions: ")
    said = text[start : text.index(").", start)]
    assert said == (
        "Microsoft's per-mailbox figures; assumptions: peak factor; log shipping "
        "compression; Double-Take write factor; reseed window; log LUN free share; vCPU "
        "megacycles"
    )


def test_the_sections_keep_no_design_once_its_sizing_is_forgotten() -> None:
    """A window's end forgets its designs' sizings (``shared.keep_only``); the review
    report's sections then keep nothing of them either (they kept the last design they
    reported on, and its report, for the process's life). Reference counting alone, the
    collector off."""
    import gc
    import weakref

    from designer.capacity import shared

    design = load(SAMPLE)
    assert [s.title for s in capacity_sections(design)] == ["WAN links", "Mailbox servers"]
    ref = weakref.ref(design)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        shared.keep_only([])  # the window's end: no live window
        del design
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_wan_link_table_writes_bandwidths_as_the_inventory_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """eyes24: the Capacity section's WAN links read "FRA-MUC dark fiber 10000" (and
    "1000") under a bare "Mbit/s", a page after the Inventory's "10,000" and "1,000"."""
    three_site = ROOT / "sample_designs" / "three_site_stretched_dag.json"
    out = tmp_path / "review.html"
    run = subprocess.run(
        [sys.executable, "-m", "designer", "report", str(three_site), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    start = page.index("<h3>WAN links</h3>")
    table = page[start : page.index("</table>", start)]
    lines = [
        [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    assert lines[0][:2] == ["link", "bandwidth Mbit/s"]
    rows = {line[0]: line[1] for line in lines[1:]}
    assert rows == {
        "BOS-HFD MPLS (carrier 1)": "1,000",
        "BOS-WOR dark fiber": "10,000",
        "WOR-HFD MPLS (carrier 2)": "1,000",
    }
