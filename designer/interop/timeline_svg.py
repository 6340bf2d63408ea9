"""A scenario's timeline as a small self-contained SVG: mailboxes available over time
(a step line), each event as a tick with its text as tooltip, the RTO target as a
dashed line. Headless, so the HTML report needs no Qt for it; the PDF rasterises the
same SVG with QSvgRenderer."""

from __future__ import annotations

import html

from designer.domain.words import plural
from designer.interop.review import format_duration
from designer.simulation import Event, SimulationResult
from designer.simulation.results import focus_end

__all__ = ["timeline_svg"]

W, H = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 40
#: The width of the "RTO target" label (11 px sans-serif) and a gap.
RTO_LABEL_W = 70


def _nice_step(span: float) -> float:
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400):
        if span / step <= 8:
            return float(step)
    return 86400.0 * max(1, round(span / 86400 / 8))


def timeline_svg(result: SimulationResult, rto_target_s: float | None = None) -> str:
    # Every change (a database mounting after vSphere HA's restart has no event), to the
    # scenario's window's end (an hour of a copy queue still growing).
    times = sorted({0.0, *result.change_times()})
    end = result.end_s * 1.15 + 10
    near, later = _later_events(result, times)
    if later:  # a failover over in a minute, a log LUN full in 23 h: chart the failover
        end = near * 1.5 + 10
        times = [t for t in times if t <= end]
    if rto_target_s is not None and rto_target_s <= end * 1.5:
        end = max(end, rto_target_s * 1.1)
    total = max(result.final.mailboxes_total, result.initial.mailboxes_total, 1)

    def x(t: float) -> float:
        return LEFT + (W - LEFT - RIGHT) * t / end

    def y(n: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - n / total)

    points: list[tuple[float, float]] = []
    last = None
    for t in [*times, end]:
        available = result.state_at(t).mailboxes_available
        if last is not None:
            points.append((x(t), y(last)))
        points.append((x(t), y(available)))
        last = available
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11">',
        f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>',
        f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{W - RIGHT}" y2="{y(0):.1f}" stroke="#444"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{y(0):.1f}" stroke="#444"/>',
        f'<text x="{LEFT - 6}" y="{y(total) + 4:.1f}" text-anchor="end">{total:,}</text>',
        f'<text x="{LEFT - 6}" y="{y(0) + 4:.1f}" text-anchor="end">0</text>',
        f'<text x="12" y="{(TOP + H - BOTTOM) / 2:.1f}" transform="rotate(-90 12 '
        f'{(TOP + H - BOTTOM) / 2:.1f})" text-anchor="middle">mailboxes available</text>',
    ]
    step = _nice_step(end)
    t = 0.0
    while t <= end:
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{y(0):.1f}" x2="{x(t):.1f}" y2="{y(0) + 4:.1f}" '
            f'stroke="#444"/><text x="{x(t):.1f}" y="{y(0) + 16:.1f}" text-anchor="middle">'
            f"T+{format_duration(t)}</text>"
        )
        t += step
    if rto_target_s is not None and rto_target_s <= end:
        parts.append(
            f'<line x1="{x(rto_target_s):.1f}" y1="{TOP}" x2="{x(rto_target_s):.1f}" '
            f'y2="{y(0):.1f}" stroke="#d62728" stroke-dasharray="5,4"/>'
            # left of its line, or right of it when that would cover the axis' "8,000"
            + (
                f'<text x="{x(rto_target_s) - 4:.1f}" y="{TOP + 10}" text-anchor="end" '
                if x(rto_target_s) - LEFT > RTO_LABEL_W
                else f'<text x="{x(rto_target_s) + 4:.1f}" y="{TOP + 10}" text-anchor="start" '
            )
            + 'fill="#d62728">RTO target</text>'
        )
    elif rto_target_s is not None:
        parts.append(
            f'<text x="{W - RIGHT}" y="{TOP + 10}" text-anchor="end" fill="#d62728">'
            f"RTO target T+{format_duration(rto_target_s)}, beyond the chart</text>"
        )
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#2ca02c" stroke-width="2.5"/>')
    for event in result.events:
        if event.t > end:
            continue
        parts.append(
            f'<circle cx="{x(event.t):.1f}" cy="{y(0) - 5:.1f}" r="3" fill="#1f77b4">'
            f"<title>T+{format_duration(event.t)} {html.escape(event.text)}</title></circle>"
        )
    if later:
        first = later[0].text.split(": ")[0].split(" at T+")[0]  # its time is said
        first = first if len(first) <= 40 else first[:39] + "…"
        parts.append(
            f'<text x="{LEFT}" y="{H - 6}" fill="#555">not drawn: '
            f"{plural(len(later), 'later event')} from T+{format_duration(later[0].t)} "
            f"({html.escape(first)})<title>{html.escape(_later_text(later))}</title></text>"
        )
    parts.append(
        f'<text x="{W - RIGHT}" y="{H - 6}" text-anchor="end" fill="#555">time since the '
        "first failure</text></svg>"
    )
    return "".join(parts)


def _later_events(result: SimulationResult, times: list[float]) -> tuple[float, list[Event]]:
    """The last change before a far gap (:func:`focus_end`) and the events after it,
    when none of them changes a mailbox's availability (a log LUN's clock, copies
    caught up): left off the chart so that the failover before them is readable.
    No events when there is no far gap or a mailbox comes or goes after it."""
    near = focus_end(times)
    if near is None:
        return 0.0, []
    available = result.state_at(near).mailboxes_available
    if any(result.state_at(t).mailboxes_available != available for t in times if t > near):
        return near, []
    return near, [e for e in result.events if e.t > near]


def _later_text(events: list[Event]) -> str:
    return "; ".join(f"T+{format_duration(e.t)} {e.text}" for e in events)
