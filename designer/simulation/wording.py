"""Small wording helpers for event texts: counts and durations people read easily."""

from __future__ import annotations

from designer.domain.words import plural as count

__all__ = ["clock", "count", "span"]


def span(seconds: float) -> str:
    """A duration in the largest unit that reads well: ``"45 s"``, ``"12.5 min"``,
    ``"3.2 h"``, ``"7 days"``.

    Examples
    --------
    >>> span(45), span(750), span(11520), span(7 * 86400)
    ('45 s', '12.5 min', '3.2 h', '7 days')
    """
    s = abs(seconds)
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    if s < 2 * 86400:
        return f"{s / 3600:.3g} h"
    return count(round(s / 86400, 1) if s % 86400 else int(s // 86400), "day")


def clock(t: float) -> str:
    """A time on the scenario's clock: ``"T+1:00"``, ``"T+2:00:00"``, ``"T−7 days"``.

    Examples
    --------
    >>> clock(60), clock(7200), clock(-3 * 86400)
    ('T+1:00', 'T+2:00:00', 'T−3 days')
    """
    if t < 0:
        return f"T−{span(-t)}"
    total = round(t)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"T+{hours}:{minutes:02d}:{secs:02d}" if hours else f"T+{minutes}:{secs:02d}"
