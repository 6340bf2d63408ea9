"""The design-review report: every sample's HTML and PDF open and hold every finding
code (waived ones with their reasons) and every scenario name; the PDF has the diagram
on a page of its own."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from designer.interop.review import CapacitySection, build_review, register_capacity_provider
from designer.interop.review_html import render_html
from designer.persistence import load

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_html_report_of_every_sample_has_every_finding_and_scenario(sample):
    design = load(sample)
    data = build_review(design, source=sample.name)
    page = render_html(data, b"\x89PNG fake")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for finding in data.findings.findings:
        assert finding.code in page
        if finding.waived:
            assert html.escape(finding.waiver_reason or "") in page
    for scenario in design.scenarios:
        assert html.escape(scenario.name) in page
    assert page.count("<svg") == len(design.scenarios)  # one timeline each
    for section in (
        "Summary",
        "Diagram",
        "Inventory",
        "Copy layout",
        "Findings",
        "N-1: single failures",
        "N-2: pairs of failures",
        "Saved scenarios",
        "RPO/RTO matrix",
    ):
        assert re.search(f"<h2[^>]*>{re.escape(section)}</h2>", page), section
    assert "data:image/png;base64," in page


def test_scenario_verdicts_match_check_scenarios():
    from designer.simulation.expectations import compare

    design = load(ROOT / "sample_designs" / "three_site_stretched_dag.json")
    data = build_review(design)
    for review in data.scenarios:
        assert review.result is not None
        assert review.passed == (not compare(review.scenario.expected, review.result.final))


def test_rpo_rto_matrix_has_each_database_against_each_site_host_and_array():
    design = load(ROOT / "sample_designs" / "three_site_stretched_dag.json")
    data = build_review(design)
    kinds = {e.id: e.kind for e in design.elements}
    assert {kinds[f] for f, _ in data.matrix_failures} == {"site", "esxi_host", "storage_array"}
    dbs = [e.id for e in design.elements if e.kind == "mailbox_database"]
    assert {(d, f) for d in dbs for f, _ in data.matrix_failures} == set(data.matrix)
    # Losing Boston: every database fails over to Worcester within the targets.
    for db in dbs:
        cell = data.matrix[(db, "site-bos")]
        assert cell.state == "active" and cell.ok


def test_capacity_figures_appear_when_a_provider_gives_them(monkeypatch):  # type: ignore[no-untyped-def]
    from designer.interop import review

    # Without providers (capacity's own registers once designer.interop.capacity_section
    # is imported: tests/interop/test_capacity_section.py covers it).
    monkeypatch.setattr(review, "_CAPACITY_PROVIDERS", [])
    design = load(ROOT / "sample_designs" / "dag_with_ha.json")
    assert 'id="capacity"' not in render_html(build_review(design), None)

    def provider(d):  # type: ignore[no-untyped-def]
        return CapacitySection(
            "Mailbox storage",
            ("Sized for 2 GB mailboxes.",),
            ("database", "GB"),
            (("DB01", "412"),),
        )

    register_capacity_provider(provider)
    page = render_html(build_review(design), None)
    assert '<h2 id="capacity">Capacity</h2>' in page and "Sized for 2 GB mailboxes." in page


def _pdf_pages(path: Path) -> list[str]:
    # A hyphen in a table's cell is followed by a word joiner (the name stays on one
    # line): pypdf reads the run after it as a word of its own ("DEN-\tSAN1").
    return [
        _flat((page.extract_text() or "").replace("-\t", "-")) for page in PdfReader(path).pages
    ]


#: Samples whose whole PDF text is read (pypdf needs about a second a page).
FULL_TEXT = ("dag_with_ha", "three_site_stretched_dag", "srm_dag_recovery")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_pdf_report_of_every_sample_has_the_diagram_on_its_own_page(sample, qapp, tmp_path):
    from designer.ui.review import write_review

    design = load(sample)
    out = write_review(design, tmp_path / "review.pdf", source=sample.name)
    reader = PdfReader(out)
    landscape = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    # The drawing, on a landscape page of its own; the names it shortens listed under it,
    # or (no room left there) on the landscape pages that follow it (wave 25).
    n, last = landscape[0], landscape[-1]
    assert landscape == list(range(n, last + 1))
    for page in reader.pages[n + 1 : last + 1]:
        assert _flat(page.extract_text()).startswith("Names shortened on the diagram")
    before = _flat(reader.pages[n - 1].extract_text())
    after = _flat(reader.pages[last + 1].extract_text())
    # The first page's contents name the sections and where they start: the Inventory
    # on the page after the drawing's.
    assert "Summary" in before and f"Inventory {last + 2}" in before
    assert after.startswith("Inventory")
    if sample.stem not in FULL_TEXT:
        return
    pages = _pdf_pages(out)
    assert pages[n].startswith(f"Diagram — {_flat(design.name)}")
    assert "Summary" not in pages[n] and "Inventory" not in pages[n]
    text = " ".join(pages)
    findings = build_review(design).findings.findings
    assert findings or design.scenarios
    for finding in findings:
        assert finding.code in text
        if finding.waived:
            assert _flat(finding.waiver_reason or "")[:40] in text
    for scenario in design.scenarios:
        assert _flat(scenario.name) in text


def test_report_command_writes_html_and_pdf_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    sample = str(ROOT / "sample_designs" / "srm_dag_recovery.json")
    for name in ("review.html", "review.pdf"):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "designer",
                "report",
                sample,
                "-o",
                str(tmp_path / name),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        assert (tmp_path / name).stat().st_size > 10_000
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "data:image/png;base64,iVBOR" in page  # the diagram, inline
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "designer",
            "report",
            sample,
            "-o",
            str(tmp_path / "r.txt"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert run.returncode == 2 and "use .html or .pdf" in run.stderr


def test_a_failing_scenario_says_so_and_from_which_step():
    design = load(ROOT / "sample_designs" / "three_site_stretched_dag.json")
    scenario = design.scenarios[0]
    wrong = scenario.model_copy(
        update={"expected": scenario.expected.model_copy(update={"mailboxes_available": 1})}
    )
    design = design.model_copy(update={"scenarios": [wrong, *design.scenarios[1:]]})
    data = build_review(design)
    assert data.scenarios[0].passed is False and data.scenarios[1].passed is True
    page = render_html(data, None)
    assert "does NOT meet its expected outcome" in page
    assert (
        "No moment of the run meets the expected outcome: "
        "mailboxes available 8,000; expected 1." in page
    )
    assert "1 of" not in page.split("Saved scenarios</td>")[0]  # summary row is further on
    assert f"{len(design.scenarios) - 1} of {len(design.scenarios)} meet" in page


def test_report_counts_one_warning_in_the_singular(tmp_path):
    # The Exchange 2007 sample has one CAP002 warning: "1 warning", as `check` says it.
    from designer.entry import main

    out = tmp_path / "review.html"
    sample = ROOT / "sample_designs" / "exchange2007_lcr_ccr_scr.json"
    assert main(["report", str(sample), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "0 errors, 1 warning, 0 info (4 waived with a reason)" in text
    assert "1 warnings" not in text
