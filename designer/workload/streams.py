"""Replication streams on WAN links, and what a link's share of them means.

A :class:`Stream` is one flow of data between two sites: DAG log shipping to a passive
copy, a reseed of a lost copy, MirrorView/S writes, MirrorView/A updates, Double-Take.
:func:`route` finds the links it crosses; :class:`LinkLoad` sums what crosses one
direction of a link. Steady streams (log shipping, MirrorView/S, Double-Take) need
their busiest-hour rate; elastic ones (MirrorView/A updates, reseeds) take what the
steady ones leave, which is what decides MirrorView/A's RPO (:func:`async_rpo_s`) and a
DAG copy's queue when the link is short (:func:`copy_queue`).

All rates are Mbit/s (10^6 bit/s), volumes GB (10^9 bytes), times seconds.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

__all__ = [
    "KIND_LABELS",
    "STEADY_KINDS",
    "Direction",
    "LinkEnds",
    "LinkLoad",
    "Stream",
    "async_rpo_s",
    "async_transfer_s",
    "copy_queue",
    "direction_of",
    "mirror_link_id",
    "route",
    "stream_label",
]

Direction = Literal["a_to_b", "b_to_a"]

#: How each kind of stream reads, in stacking order.
KIND_LABELS: dict[str, str] = {
    "dag_log_shipping": "DAG log shipping",
    "e2007_log_shipping": "Exchange 2007 CCR/SCR log shipping",
    "mirrorview_s": "MirrorView/S",
    "double_take": "Double-Take",
    "mirrorview_a": "MirrorView/A",
    "dag_reseed": "DAG reseed",
}


def stream_label(kind: str, group: str) -> str:
    """How outputs name a stream: its kind's words and the name of what it groups by
    ("DAG log shipping DAG1"). A name that already says the kind is not prefixed with it
    again (a Double-Take replication named "Double-Take NYC-EXCH01 → PHL-EXCH01" read
    "Double-Take Double-Take NYC-EXCH01 → …")."""
    what = KIND_LABELS.get(kind, kind)
    if what.casefold() in group.casefold():
        return group
    return f"{what} {group}"


#: Streams that must be carried as they come (the others take what is left).
STEADY_KINDS = frozenset({"dag_log_shipping", "e2007_log_shipping", "mirrorview_s", "double_take"})


class Stream(NamedTuple):
    """One flow of data from ``from_site`` to ``to_site``.

    ``mbps`` is what it needs: the busiest hour for steady streams, the average for
    MirrorView/A (its ``volume_gb`` crosses once per ``interval_s``) and for a reseed
    (``volume_gb`` within the reseed window). ``group`` is what outputs aggregate by
    (a DAG, a consistency group, a mirror, a Double-Take replication).

    A named tuple (immutable, equal by value, as the frozen dataclass it was): a 25k
    sizing makes ~30,000 (normal operation's 12,000 among them), each ~3 × cheaper to
    build than a frozen dataclass's.
    """

    kind: str
    element: str
    group: str
    from_site: str
    to_site: str
    mbps: float
    volume_gb: float = 0.0
    interval_s: float = 0.0
    target: str = ""

    @property
    def steady(self) -> bool:
        return self.kind in STEADY_KINDS


class LinkEnds:
    """Which sites each link joins, and the links of each site (for routing)."""

    def __init__(self, ends: Mapping[str, tuple[str, str]]) -> None:
        self.ends = dict(ends)
        self.of_site: dict[str, list[str]] = {}
        for link_id in sorted(self.ends):
            a, b = self.ends[link_id]
            self.of_site.setdefault(a, []).append(link_id)
            self.of_site.setdefault(b, []).append(link_id)
        self.direct: dict[frozenset[str], str] = {}
        for link_id in sorted(self.ends):
            self.direct.setdefault(frozenset(self.ends[link_id]), link_id)


def direction_of(ends: tuple[str, str], from_site: str) -> Direction:
    """The direction of a link that leaves ``from_site``.

    Examples
    --------
    >>> direction_of(("bos", "wor"), "wor")
    'b_to_a'
    """
    return "a_to_b" if ends[0] == from_site else "b_to_a"


def mirror_link_id(
    links: LinkEnds, wan_link: str | None, a: str | None, b: str | None
) -> str | None:
    """The link a mirror crosses: the one it names (``wan_link``, when it is a link),
    else the direct link between its arrays' sites ``a`` and ``b`` (of parallel links,
    the lowest id, as :func:`route` takes); None within a site or with no direct link.
    The rules (MV006 and the other MirrorView checks) and the simulator read it, so
    both name the same link of two in parallel.

    Examples
    --------
    >>> ends = LinkEnds({"ab-2": ("a", "b"), "ab-1": ("b", "a")})
    >>> mirror_link_id(ends, None, "a", "b"), mirror_link_id(ends, "ab-2", "a", "b")
    ('ab-1', 'ab-2')
    >>> mirror_link_id(ends, None, "a", "a") is None
    True
    """
    if wan_link and wan_link in links.ends:
        return wan_link
    if a is None or b is None or a == b:
        return None
    return links.direct.get(frozenset((a, b)))


def route(
    links: LinkEnds,
    a: str,
    b: str,
    *,
    links_down: Iterable[str] = (),
    sites_down: Iterable[str] = (),
    directions_down: Mapping[str, Direction] | None = None,
) -> tuple[tuple[str, Direction], ...] | None:
    """The links (and directions) data from site ``a`` to site ``b`` crosses: the
    direct link when it is up, else the path with the fewest links (ties: link ids in
    order); ``()`` within a site; None when ``b`` cannot be reached.

    Examples
    --------
    >>> ends = LinkEnds({"ab": ("a", "b"), "bc": ("b", "c"), "ac": ("a", "c")})
    >>> route(ends, "a", "c")
    (('ac', 'a_to_b'),)
    >>> route(ends, "a", "c", links_down={"ac"})
    (('ab', 'a_to_b'), ('bc', 'a_to_b'))
    >>> route(ends, "a", "c", links_down={"ac"}, sites_down={"b"}) is None
    True
    """
    if a == b:
        return ()
    down = set(links_down)
    dead = set(sites_down)
    cut = directions_down or {}
    if a in dead or b in dead:
        return None

    def usable(link_id: str, here: str) -> bool:
        if link_id in down:
            return False
        failed = cut.get(link_id)
        return failed is None or direction_of(links.ends[link_id], here) != failed

    direct = links.direct.get(frozenset((a, b)))
    if direct is not None and usable(direct, a):
        return ((direct, direction_of(links.ends[direct], a)),)
    previous: dict[str, tuple[str, str]] = {a: ("", "")}
    queue = deque([a])
    while queue:
        here = queue.popleft()
        if here == b:
            break
        for link_id in links.of_site.get(here, []):
            if not usable(link_id, here):
                continue
            x, y = links.ends[link_id]
            there = y if x == here else x
            if there in previous or there in dead:
                continue
            previous[there] = (here, link_id)
            queue.append(there)
    if b not in previous:
        return None
    hops: list[tuple[str, Direction]] = []
    here = b
    while here != a:
        before, link_id = previous[here]
        hops.append((link_id, direction_of(links.ends[link_id], before)))
        here = before
    return tuple(reversed(hops))


def async_transfer_s(volume_gb: float, available_mbps: float) -> float:
    """Time to send ``volume_gb`` at ``available_mbps`` (inf when nothing is left).

    Examples
    --------
    >>> async_transfer_s(5.0, 400 / 9)  # 002: 15 minutes
    900.0
    """
    if volume_gb <= 0:
        return 0.0
    if available_mbps <= 0:
        return math.inf
    return volume_gb * 8000.0 / available_mbps


def async_rpo_s(interval_s: float, transfer_s: float) -> float:
    """MirrorView/A RPO: the update interval plus the time the update takes to finish
    replicating (002: 30 min + 15 min = 45 min).

    Examples
    --------
    >>> async_rpo_s(1800.0, 900.0) / 60
    45.0
    """
    return interval_s + transfer_s


def copy_queue(demand_mbps: float, share_mbps: float, log_bytes: int) -> tuple[float, float]:
    """DAG copies behind a link whose share is below their busiest-hour demand: the
    logs queued after that hour and how far behind (seconds of logs) that leaves them.

    Examples
    --------
    >>> logs, behind = copy_queue(20.0, 10.0, 1_048_576)
    >>> round(logs), behind
    (4292, 1800.0)
    """
    if demand_mbps <= share_mbps or demand_mbps <= 0:
        return 0.0, 0.0
    short_mbit = (demand_mbps - share_mbps) * 3600.0
    logs = short_mbit * 1e6 / 8.0 / log_bytes if log_bytes else 0.0
    behind = short_mbit / demand_mbps
    return logs, behind


@dataclass
class LinkLoad:
    """What crosses one direction of a link, and what the link's share gives each."""

    link: str
    direction: Direction
    bandwidth_mbps: float
    streams: list[Stream] = field(default_factory=list)

    @property
    def steady_mbps(self) -> float:
        return sum(s.mbps for s in self.streams if s.steady)

    @property
    def elastic_mbps(self) -> float:
        return sum(s.mbps for s in self.streams if not s.steady)

    @property
    def demand_mbps(self) -> float:
        return self.steady_mbps + self.elastic_mbps

    @property
    def utilisation(self) -> float:
        return self.demand_mbps / self.bandwidth_mbps if self.bandwidth_mbps > 0 else math.inf

    def steady_share(self) -> float:
        """The fraction of its demand each steady stream gets (1 while they fit)."""
        steady = self.steady_mbps
        if steady <= self.bandwidth_mbps or steady <= 0:
            return 1.0
        return self.bandwidth_mbps / steady

    def async_available_mbps(self) -> float:
        """What MirrorView/A updates get: what the steady streams leave, shared with the
        reseeds in proportion to their demand."""
        left = max(0.0, self.bandwidth_mbps - self.steady_mbps)
        async_demand = sum(s.mbps for s in self.streams if s.kind == "mirrorview_a")
        reseed = sum(s.mbps for s in self.streams if s.kind == "dag_reseed")
        if async_demand + reseed <= 0:
            return left
        return left * async_demand / (async_demand + reseed)

    def async_volume_gb(self) -> float:
        return sum(s.volume_gb for s in self.streams if s.kind == "mirrorview_a")

    def by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for s in self.streams:
            totals[s.kind] = totals.get(s.kind, 0.0) + s.mbps
        return {k: totals[k] for k in KIND_LABELS if k in totals}

    def grouped(self) -> list[dict[str, Any]]:
        """The streams summed by (kind, group), largest first."""
        groups: dict[tuple[str, str], list[Stream]] = {}
        for s in self.streams:
            groups.setdefault((s.kind, s.group), []).append(s)
        rows: list[dict[str, Any]] = [
            {
                "kind": kind,
                "group": group,
                "mbps": sum(s.mbps for s in members),
                "count": len(members),
                "volume_gb": sum(s.volume_gb for s in members),
                "from_site": members[0].from_site,
                "to_site": members[0].to_site,
            }
            for (kind, group), members in groups.items()
        ]
        rows.sort(key=lambda r: (-float(r["mbps"]), str(r["kind"]), str(r["group"])))
        return rows


def sum_by_link(
    streams: Sequence[tuple[Stream, tuple[tuple[str, Direction], ...]]],
    bandwidth: Mapping[str, float],
) -> dict[tuple[str, Direction], LinkLoad]:
    """Streams with their routes, collected per link direction."""
    loads: dict[tuple[str, Direction], LinkLoad] = {}
    for stream, hops in streams:
        for link_id, way in hops:
            key = (link_id, way)
            load = loads.get(key)
            if load is None:
                load = loads[key] = LinkLoad(link_id, way, bandwidth.get(link_id, 0.0))
            load.streams.append(stream)
    return loads
