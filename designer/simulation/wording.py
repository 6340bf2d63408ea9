"""Small wording helpers for event texts: counts and durations people read easily."""

from __future__ import annotations

import re

from designer.domain.words import plural as count

__all__ = [
    "ACROSS_SITES_WHY",
    "INTENT_HOLDS_WHY",
    "brief_reason",
    "clock",
    "count",
    "outage_clause",
    "span",
]

#: How :func:`outage_clause` ends: why a database's RTO is its longest outage's.
_OUTAGE_WHY = ": each outage is timed from its own start, and the longest counts"
#: :func:`outage_clause`'s text, read back by :func:`brief_reason`.
_OUTAGE = re.compile(
    r"; down again from (?P<at>\S+): (?:RTO (?P<now>.+?) for this outage, .+? for an "
    r"earlier one|back in (?P<back>.+?) this time; its RTO stays .+?, an earlier outage's)"
    + re.escape(_OUTAGE_WHY)
)

#: Why a manual-intent DAG's database activates in another site by itself after a
#: server's loss (``{}``: the DAG's name), read back by :func:`brief_reason`.
ACROSS_SITES_WHY = (
    "; DAG {}'s manual site failover intent waits for an administrator only when a site "
    "is lost or cut off"
)
#: Why a manual-intent DAG's copies in another site wait while the DAG keeps quorum
#: (a site lost, the witness in a third site): its intent, not its quorum, holds them,
#: and intent Automatic would not (eyes27 item 4; 000 §5.1.1, §5.3.1 Fig. 12).
INTENT_HOLDS_WHY = (
    "DAG {dag} keeps quorum, but its site failover intent is Manual: activating its "
    "{copies}{where} is an administrator's decision; with intent Automatic it would fail "
    "over by itself"
)
_ACROSS = re.compile(re.escape(ACROSS_SITES_WHY).replace(re.escape("{}"), ".+?") + "$")


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


def outage_clause(down_since: float, rto: float, rto_before: float) -> str:
    """What a database's reason adds when it was down again after an earlier outage:
    each outage timed from its own start, the longest its RTO (wave 24, fid24).

    Examples
    --------
    >>> outage_clause(7200, 69, 69).removesuffix(_OUTAGE_WHY)
    '; down again from T+2:00:00: RTO 69 s for this outage, 69 s for an earlier one'
    """
    said = (
        f"back in {span(rto)} this time; its RTO stays {span(rto_before)}, an earlier outage's"
        if rto_before > rto
        else f"RTO {span(rto)} for this outage, {span(rto_before)} for an earlier one"
    )
    return f"; down again from {clock(down_since)}: {said}{_OUTAGE_WHY}"


def brief_reason(reason: str) -> str:
    """``reason`` with :func:`outage_clause` said in a few words, for a table's line
    (the Results' Why: the clause took ~5 lines there; wave 25, fid25): the RTO
    column gives the longest outage's, the full reason is the cell's tooltip.

    Examples
    --------
    >>> brief_reason("mounted" + outage_clause(7200, 69, 69))
    'mounted; down again from T+2:00:00, back in 69 s'
    >>> brief_reason("mounted" + outage_clause(7200, 69, 960))
    'mounted; down again from T+2:00:00, back in 69 s (RTO: an earlier outage)'
    >>> brief_reason("activates in site B by itself" + ACROSS_SITES_WHY.format("D1"))
    'activates in site B by itself'
    """
    if "manual site failover intent waits" in reason:
        reason = _ACROSS.sub("", reason)
    if "; down again from " not in reason:
        return reason

    def brief(found: re.Match[str]) -> str:
        if found["now"] is not None:
            return f"; down again from {found['at']}, back in {found['now']}"
        return f"; down again from {found['at']}, back in {found['back']} (RTO: an earlier outage)"

    return _OUTAGE.sub(brief, reason)
