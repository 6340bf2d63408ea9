"""The review report's scenario chart (mailboxes available over time) as a reader sees
it (eyes19): a failover over in 69 s must not be squashed into the y axis by a log
LUN's clock 23 h later, and the "RTO target" label must not cover the axis' "8,000"."""

from __future__ import annotations

import re
from pathlib import Path

from designer.domain import ScenarioStep
from designer.entry import main
from designer.interop.timeline_svg import LEFT, timeline_svg
from designer.persistence import load
from designer.simulation import Simulator

ROOT = Path(__file__).resolve().parents[2]
THREE_SITE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="middle">T\+([0-9:]+)</text>', svg)


def _seconds(text: str) -> int:
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


def _curve_tops(svg: str) -> list[float]:
    points = svg.split('<polyline points="', 1)[1].split('"', 1)[0].split()
    return [float(p.split(",")[1]) for p in points]


def test_a_site_failover_is_charted_and_the_far_log_lun_clock_named() -> None:
    """Boston lost: half the mailboxes until 1:09, then all; the log LUNs fill at
    T+22:53:17 (mailboxes unchanged). The chart ran to T+32:00:00, the failover a
    vertical line on the axis; now it ends within two minutes and names what it leaves
    out."""
    sim = Simulator(load(THREE_SITE))
    result = sim.run([ScenarioStep(action="fail", target="site-bos")])
    assert result.end_s > 80_000  # the far event is there
    svg = timeline_svg(result, rto_target_s=1800)
    ticks = _ticks(svg)
    assert ticks[0] == "0:00" and _seconds(ticks[-1]) <= 120, ticks
    tops = _curve_tops(svg)
    assert max(tops) > min(tops)  # the dip is drawn: 4,000 then 8,000
    assert tops[-1] == min(tops)  # every mailbox back within the chart
    assert "not drawn: 2 later events from T+22:53:17 (log LUN WOR-MBX01 DS-LOG fills)" in svg
    assert "RTO target T+30:00, beyond the chart" in svg
    # no event dot beyond the chart's right edge
    xs = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)"', svg)]
    assert xs and max(xs) <= 720


def test_a_mailbox_change_after_a_far_gap_keeps_the_whole_window() -> None:
    """A host lost at 0 and Worcester 5 h later: the second failover changes the
    mailboxes available, so the chart runs to it (nothing left out)."""
    sim = Simulator(load(THREE_SITE))
    result = sim.run(
        [
            ScenarioStep(action="fail", target="esx-bos-01"),
            ScenarioStep(action="fail", target="site-wor", at_s=18_000),
        ]
    )
    svg = timeline_svg(result, rto_target_s=1800)
    assert "not drawn" not in svg
    assert _seconds(_ticks(svg)[-1]) >= 18_000


def test_the_rto_label_stays_off_the_axis_labels() -> None:
    """An RTO target near the chart's left edge: its label goes right of its line
    (it was drawn leftwards over the "8,000" of the y axis)."""
    sim = Simulator(load(THREE_SITE))
    result = sim.run([ScenarioStep(action="fail", target="site-bos")])
    svg = timeline_svg(result, rto_target_s=5)
    line_x = float(
        re.search(
            r'<line x1="([0-9.]+)" y1="20" x2="[0-9.]+" y2="[0-9.]+" '
            r'stroke="#d62728"',
            svg,
        ).group(1)
    )  # type: ignore[union-attr]
    label = re.search(
        r'<text x="([0-9.]+)" y="30" text-anchor="(\w+)" fill="#d62728">'
        r"RTO target</text>",
        svg,
    )
    assert label is not None
    assert label.group(2) == "start" and float(label.group(1)) > line_x > LEFT
    far = timeline_svg(result, rto_target_s=100)  # well inside: left of its line
    assert 'text-anchor="end" fill="#d62728">RTO target</text>' in far


def test_the_report_through_its_command(tmp_path: Path) -> None:
    """`dr-designer report`: the three-site sample's "automatic site failover" chart
    ends within minutes, not at T+32:00:00."""
    out = tmp_path / "review.html"
    assert main(["report", str(THREE_SITE), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    section = page.split("automatic site failover</h3>", 1)[1].split("</svg>", 1)[0]
    ticks = _ticks(section)
    assert ticks and _seconds(ticks[-1]) <= 120, ticks
    assert "not drawn: 2 later events from T+22:53:17" in section
