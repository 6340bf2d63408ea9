"""The review report's Availability section: written by ``dr-designer report``, with the
cut sets and, given failure figures, availability and importance (user-supplied)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from designer.availability.report import REPORT_ORDER, availability_sections, register
from designer.domain import KindFigures, ReliabilitySettings
from designer.interop.review import build_review
from designer.interop.review_html import render_html
from designer.persistence import load, save

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ReliabilitySettings(
    kinds={
        "site": KindFigures(mtbf_h=20_000.0, mttr_h=48.0, source="site log"),
        "wan_link": KindFigures(mtbf_h=4_000.0, mttr_h=8.0),
        "esxi_host": KindFigures(mtbf_h=10_000.0, mttr_h=8.0),
        "storage_array": KindFigures(mtbf_h=20_000.0, mttr_h=12.0),
        "file_share_witness": KindFigures(mtbf_h=5_000.0, mttr_h=8.0),
        "load_balancer": KindFigures(mtbf_h=8_000.0, mttr_h=4.0),
    }
)


def _sample(name: str = "three_site_stretched_dag") -> object:
    return load(ROOT / "sample_designs" / f"{name}.json")


def test_section_with_figures_gives_nines_and_importance() -> None:
    design = _sample().model_copy(update={"reliability": FIGURES})  # type: ignore[attr-defined]
    section = availability_sections(design)
    assert section is not None and section.title.startswith("Per database and site's users")
    text = " ".join(section.paragraphs)
    assert "Failure figures: user-supplied (kind); user-supplied (kind: site log)." in text
    assert "storage processors" in text and "CAS arrays" in text  # never fail here
    assert "Fussell-Vesely" in text and "Boston (site)" in text
    assert section.header[2] == "Availability"
    db01 = next(r for r in section.rows if r[0] == "DB01")
    assert db01[2].startswith("99.99") and " + " in db01[5] and "Boston" in db01[5]
    # listed likeliest first: with these figures two sites (q ≈ 0.0024 each) lead
    # q_site² ≈ 5.7e-6 > q_site·q_link ≈ 4.8e-6 > q_site·q_array ≈ 1.4e-6
    assert section.header[5] == "Likeliest cut sets"
    first = db01[5].split("; ")[0].split(" + ")
    assert set(first) <= {"Boston", "Hartford", "Worcester"} and len(first) == 2
    assert db01[5].endswith("more)")


def test_section_without_figures_lists_the_cut_sets() -> None:
    section = availability_sections(_sample())  # type: ignore[arg-type]
    assert section is not None and section.title == "Minimal cut sets"
    assert "no failure figures" in " ".join(section.paragraphs)
    db01 = next(r for r in section.rows if r[0] == "DB01")
    assert db01[2] == "0" and int(db01[3]) > 0 and f"Order {REPORT_ORDER}" in section.header
    assert db01[4].endswith(f"(and {int(db01[3]) - 6} more)")


def test_registered_provider_puts_the_section_in_the_page() -> None:
    register()
    register()  # once is enough: no second section
    design = _sample().model_copy(update={"reliability": FIGURES})  # type: ignore[attr-defined]
    data = build_review(design)
    assert len(data.availability) == 1
    page = render_html(data, None)
    assert '<h2 id="availability">Availability</h2>' in page
    assert '<a href="#availability">Availability</a>' in page


def test_report_command_writes_the_availability_section(tmp_path: Path) -> None:
    path = tmp_path / "three-site.json"
    save(_sample().model_copy(update={"reliability": FIGURES}), path)  # type: ignore[attr-defined]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run(
        [sys.executable, "-m", "designer", "report", str(path), "-o", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    section = page.split('<h2 id="availability">Availability</h2>')[1]
    assert "user-supplied" in section and "99.99" in section and "DB01" in section
