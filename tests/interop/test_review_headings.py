"""The review report's Inventory heads its columns as the Inspector labels its fields
(wave 14, ``eyes14``): "Memory (GB)", "MTBF (h)", "DAC mode", not the raw field names
"memory gb", "mtbf h", "dac mode". Through ``dr-designer report`` as a child process."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def _headings(page: str, title: str) -> list[str]:
    start = page.index(f"<h3>{title}</h3>")
    table = page[start : page.index("</table>", start)]
    return [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]


def test_the_inventory_heads_columns_with_the_inspectors_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
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
    hosts = _headings(page, "ESXi host (9)")
    assert hosts[:4] == ["Name", "Site", "Cluster", "CPU cores"], hosts
    assert "Memory (GB)" in hosts and "MTBF (h)" in hosts and "MTTR (h)" in hosts
    dags = _headings(page, "DAG (1)")
    assert "DAC mode" in dags and "IP per subnet" in dags, dags
    sites = _headings(page, "site (3)")
    assert "Change rate (GB/h)" in sites, sites
    raw = re.compile(r"^[a-z]+( [a-z]+)*$")  # "memory gb", "change rate gb per hour"
    assert not [h for h in hosts + dags + sites if raw.match(h)]
