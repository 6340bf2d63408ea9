"""Regenerate docs/screenshots/review-report*.png: the design-review report of the
three-site sample (docs/interop.md).

    .venv/bin/python scripts/report_screenshots.py

- ``review-report.png``: the HTML report's first 1280 × 2200 px as headless Chromium
  shows it (title, summary, diagram, the inventory's first tables).
- ``review-report-pdf-diagram.png``: the PDF report's diagram page (its landscape page)
  rendered by ``pdftoppm`` at 100 dpi.

Both reports are written by ``dr-designer report`` (the console command's own function),
as a user writes them. Needs ``chromium`` (or ``chromium-browser``, ``google-chrome``)
and ``pdftoppm`` (poppler-utils) on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("SHOTS_DIR") or ROOT / "docs" / "screenshots")
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    sys.exit(f"report_screenshots: {' or '.join(names)} not found on the PATH")


def _report(target: Path) -> None:
    """``dr-designer report SAMPLE -o TARGET``."""
    (script,) = entry_points(group="console_scripts", name="dr-designer")
    code = script.load()(["report", str(SAMPLE), "-o", str(target)])
    if code != 0:
        sys.exit(f"report_screenshots: dr-designer report exited {code}")


def _landscape_page(pdf: Path) -> int:
    """The number of the PDF's first landscape page (the diagram's)."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    for number, width, height in re.findall(r"Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info):
        if float(width) > float(height):
            return int(number)
    sys.exit("report_screenshots: the PDF has no landscape (diagram) page")


def main() -> None:
    browser = _tool(*BROWSERS)
    pdftoppm = _tool("pdftoppm")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        html, pdf = tmp / "review.html", tmp / "review.pdf"
        _report(html)
        _report(pdf)
        shot = OUT / "review-report.png"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={tmp / 'browser'}",
                "--window-size=1280,2200",
                f"--screenshot={shot}",
                html.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        page = _landscape_page(pdf)
        stem = OUT / "review-report-pdf-diagram"
        pages = ["-f", str(page), "-l", str(page)]
        subprocess.run(
            [pdftoppm, *pages, "-r", "100", "-png", "-singlefile", str(pdf), str(stem)], check=True
        )
    print(f"wrote {shot} and {stem}.png")


if __name__ == "__main__":
    main()
