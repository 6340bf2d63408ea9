"""What crosses a WAN link in a run's current state, and what that means over time.

- The steady streams one direction of a link carries now (DAG log shipping from each
  active copy to the copies across it, MirrorView/S writes, Double-Take) at the busiest
  hour, from the workload figures (:mod:`designer.workload`). Log shipping takes the
  capacity report's routes (:func:`designer.workload.route`: the direct link while it is
  up, else the path with the fewest links round the links, sites and directions down),
  and so does Double-Take; mirrors their own link.
- MirrorView/A's updates get what the steady streams leave of the link's bandwidth (a
  degraded one's): that share decides the transfer time, so the RPO (002).
- DAG copies across a link whose share is below the log shipping they need fall behind
  (the copy queue) by the busiest hour's shortfall for each hour it lasts, and catch up
  on the spare bandwidth once the link carries them again; a failover to one loses the
  queue of that moment (``Run.copy_queued``, :func:`~designer.simulation.run_state.queued_s`).
- A link direction that fails stops what crosses that way: mirrors fracture, Double-Take
  stops; log shipping takes another route if there is one, else the DAG copies it
  served stop receiving logs.
- While a copy of a database receives no logs (its member or storage is down, it is cut
  off, its link direction is down), the active copy's logs cannot truncate; its log LUN
  fills at free space ÷ log rate ("log LUN X fills at T").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from designer.domain.elements import WanLink
from designer.domain.enums import MirrorMode
from designer.simulation.prepared import Prepared
from designer.simulation.run_state import DbRun, Run, queued_s
from designer.simulation.wording import clock, span
from designer.simulation.world import World
from designer.workload import (
    KIND_LABELS,
    Direction,
    async_transfer_s,
    copy_queue,
    direction_of,
    gb_per_hour_to_mbps,
    mirror_link_id,
    route,
)

__all__ = [
    "async_transfer_from_share",
    "bandwidth_mbps",
    "blocked_copies",
    "direction_blocked",
    "direction_cuts",
    "fill_events",
    "log_lun_clocks",
    "log_shipping",
    "mirror_link",
    "queue_events",
    "reroute_events",
    "shipping_route",
    "steady_mbps",
    "stop_drains",
]


def mirror_link(prep: Prepared, mirror_id: str) -> WanLink | None:
    """The link a mirror crosses: its own, else the direct link between the sites (the
    rules' ``mirror_ends`` take the same: ``designer.workload.mirror_link_id``)."""
    mirror = prep.mirrors[mirror_id]
    link = prep.links.get(mirror.wan_link or "")
    if link is not None:  # mirror_link_id's first answer, read at once (the usual case)
        return link
    # The rules' link too (one function: of parallel links, the lowest id).
    src, dst = prep.lun_site(mirror.source_lun), prep.lun_site(mirror.target_lun)
    link_id = mirror_link_id(prep.link_ends(), None, src, dst)
    return prep.links[link_id] if link_id is not None else None


def bandwidth_mbps(run: Run, link: WanLink) -> float:
    """The link's bandwidth now (a degradation step may have lowered it)."""
    degraded = run.degraded.get(link.id)
    return degraded[1] if degraded is not None else link.bandwidth_mbps


def _state(run: Run, base: Mapping[str, DbRun], db_id: str) -> DbRun:
    return run.db.get(db_id) or base[db_id]


def _active(run: Run, base: Mapping[str, DbRun], db_id: str) -> str | None:
    st = _state(run, base, db_id)
    return st.active_on if st.status == "active" else None


Route = tuple[tuple[str, Direction], ...]


def _network_key(run: Run) -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    w = run.world
    ways = frozenset((link_id, way) for link_id, (way, _since) in run.directions_down.items())
    return frozenset(w.links_down), frozenset(w.sites_down), ways


def network_whole(run: Run) -> bool:
    """No link, site or link direction is down: every route is the intact one."""
    w = run.world
    return not (w.links_down or w.sites_down or run.directions_down)


def shipping_route(prep: Prepared, run: Run, a: str | None, b: str | None) -> Route | None:
    """The links (and directions) log shipping from site ``a`` to site ``b`` crosses now:
    the capacity report's :func:`designer.workload.route` round the links, sites and
    link directions down (``()`` within a site, None when ``b`` cannot be reached).
    Worked out once per pair while the network stays as it is."""
    if a is None or b is None:
        return None
    if network_whole(run):
        return prep.intact_route(a, b)
    key = _network_key(run)
    cached = run.routes
    if cached is None or cached[0] != key:
        cached = run.routes = (key, {})
    found = cached[1]
    if (a, b) not in found:
        links_down, sites_down, ways = key
        found[(a, b)] = route(
            prep.link_ends(),
            a,
            b,
            links_down=links_down,
            sites_down=sites_down,
            directions_down=dict(ways),  # type: ignore[arg-type]
        )
    return found[(a, b)]


def direction_blocked(prep: Prepared, run: Run, link_id: str, from_site: str | None) -> bool:
    """Whether the link's direction leaving ``from_site`` is down."""
    down = run.directions_down.get(link_id)
    link = prep.links.get(link_id)
    if down is None or link is None or from_site is None:
        return False
    return direction_of((link.site_a, link.site_b), from_site) == down[0]


def steady_mbps(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], link_id: str, from_site: str
) -> float:
    """Steady streams leaving ``from_site`` over the link now, at the busiest hour."""
    shipping = log_shipping(prep, run, base, link_id, from_site)
    return sum(mbps for _db, _member, mbps in shipping) + _other_steady_mbps(
        prep, run, link_id, from_site
    )


def _other_steady_mbps(prep: Prepared, run: Run, link_id: str, from_site: str) -> float:
    """The steady streams other than log shipping leaving ``from_site`` over the link
    now: MirrorView/S writes and Double-Take at the busiest hour."""
    link = prep.links[link_id]
    w = run.world
    wl = prep.workload
    total = 0.0
    for mirror_id, mirror in prep.mirrors.items():
        if mirror.mode != MirrorMode.SYNC or mirror_id in run.mirror_down_since:
            continue
        if (
            mirror_link(prep, mirror_id) is not link
            or prep.lun_site(mirror.source_lun) != from_site
        ):
            continue
        rate = wl.mirror_gb_per_hour(mirror_id)
        total += gb_per_hour_to_mbps(rate) * wl.mirror_peak_factor(mirror_id)
    way = (link_id, direction_of((link.site_a, link.site_b), from_site))
    for repl_id, repl in prep.host_repls.items():
        if repl_id in run.repl_down_since or repl_id in w.failed:
            continue
        if not w.vm_up(repl.source):
            continue
        src, dst = w.site_of_vm(prep, repl.source), w.site_of_vm(prep, repl.target)
        # The capacity report's route (the direct link, else the fewest links round
        # what is down), as log shipping's: not only the direct link.
        hops = shipping_route(prep, run, src, dst) if src != dst else None
        if hops and way in hops:
            rate = wl.host_replication_gb_per_hour(repl_id)
            total += gb_per_hour_to_mbps(rate) * wl.host_replication_peak_factor(repl_id)
    return total


def _queued_elsewhere(run: Run, key: tuple[str, str]) -> bool:
    """Whether a link direction other than the one being worked out (taken out of
    ``run.queue_told`` first) queues the copy ``key``: its route crosses several."""
    return any(key in told[0] for told in run.queue_told.values())


def _shipped(prep: Prepared, run: Run, base: Mapping[str, DbRun], db_id: str, vm: str) -> bool:
    """Whether the server ``vm`` receives the database's logs now (over some route)."""
    w = run.world
    active = _active(run, base, db_id)
    if active is None or not w.vm_up(vm) or vm not in prep.shipping_receivers(db_id, active):
        return False
    here, there = w.site_of_vm(prep, active), w.site_of_vm(prep, vm)
    return here == there or shipping_route(prep, run, here, there) is not None


def log_shipping(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], link_id: str, from_site: str
) -> list[tuple[str, str, float]]:
    """(database, receiving server, Mbit/s at the busiest hour) of the log shipping that
    crosses the link now in the direction leaving ``from_site``: DAG copies (compressed
    as the design says) and Exchange 2007 CCR/SCR copies (uncompressed: compression came
    with 2010), each from its active copy to the servers up that receive its logs whose
    route (:func:`shipping_route`) takes that way, as the capacity model's flows count
    them."""
    link = prep.links[link_id]
    way = (link_id, direction_of((link.site_a, link.site_b), from_site))
    if run.shipping is not None:
        return run.shipping.get(way, [])
    return shipping_table(prep, run, base, way).get(way, [])


def shipping_table(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], only: tuple[str, str] | None = None
) -> dict[tuple[str, str], list[tuple[str, str, float]]]:
    """:func:`log_shipping` of every link direction at once (of ``only`` alone when
    given): each stream's route worked out once, not once per link asked."""
    w = run.world
    wl = prep.workload
    e2007 = prep.e2007_shipping()
    table: dict[tuple[str, str], list[tuple[str, str, float]]] = {}
    for db_id in prep.shipping_dbs():
        active = _active(run, base, db_id)
        if active is None:
            continue
        here = w.site_of_vm(prep, active)
        mbps: float | None = None
        for vm in prep.shipping_receivers(db_id, active):
            there = w.site_of_vm(prep, vm)
            if there == here or not w.vm_up(vm):
                continue
            for hop in shipping_route(prep, run, here, there) or ():
                if only is not None and hop != only:
                    continue
                if mbps is None:
                    database = wl.database(db_id)
                    mbps = database.peak_mbps if db_id in e2007 else wl.shipping_mbps(db_id)
                table.setdefault(hop, []).append((db_id, vm, mbps))
    return table


def async_transfer_from_share(prep: Prepared, run: Run, mirror_id: str) -> float | None:
    """Seconds one update of the MirrorView/A mirrors crossing the mirror's link in its
    direction takes over what the steady streams leave of the link (None when the
    mirror crosses no link)."""
    mirror = prep.mirrors[mirror_id]
    link = mirror_link(prep, mirror_id)
    src = prep.lun_site(mirror.source_lun)
    if link is None or src is None:
        return None
    wl = prep.workload
    volume = 0.0
    for other_id, other in prep.mirrors.items():
        if other.mode != MirrorMode.ASYNC or other_id in run.mirror_down_since:
            continue
        if mirror_link(prep, other_id) is link and prep.lun_site(other.source_lun) == src:
            volume += wl.mirror_gb_per_hour(other_id) * other.update_interval_min / 60.0
    if volume <= 0:
        volume = wl.mirror_gb_per_hour(mirror_id) * mirror.update_interval_min / 60.0
    available = bandwidth_mbps(run, link) - steady_mbps(prep, run, run.base_db, link.id, src)
    return async_transfer_s(volume, available)


def blocked_copies(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], w: World, db_ids: Iterable[str]
) -> dict[str, list[str]]:
    """Per database (of ``db_ids``) with an active copy, the members whose copies
    receive no logs now: down, storage lost, cut off, or behind a failed direction."""
    found: dict[str, list[str]] = {}
    for db_id in db_ids:
        active = _active(run, base, db_id)
        if active is None:
            continue
        stopped = [
            c.member
            for c in prep.dbs[db_id].copies
            if c.member != active
            and (
                not w.vm_up(c.member)
                or w.site_of_vm(prep, c.member) in w.sites_down
                or (c.member, db_id) in w.copy_lost
                or (c.member, "*") in w.copy_lost
                or (db_id, c.member) in run.copy_cut_since
                or (db_id, c.member) in run.copy_dir_cut
            )
        ]
        if stopped:
            found[db_id] = stopped
    return found


def direction_cuts(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], w: World, t: float
) -> list[tuple[str, str, float]]:
    """Start or end the cuts of DAG copies behind a failed link direction; returns the
    copies that receive logs again with how long they were cut (to catch up)."""
    now: set[tuple[str, str]] = set()
    if run.directions_down:
        # A copy whose site the network still joins to its active copy's, but with no
        # route its logs can take (the capacity report's routing, round the failed
        # directions): a copy cut off by a partition is tracked as such, not here.
        for db_id in prep.shipping_dbs():
            db = prep.dbs[db_id]
            if not db.dag:
                continue
            active = _active(run, base, db_id)
            here = w.site_of_vm(prep, active) if active else None
            if here is None:
                continue
            for copy in db.copies:
                there = w.site_of_vm(prep, copy.member)
                if copy.member == active or there == here or not w.connected(here, there):
                    continue
                if shipping_route(prep, run, here, there) is None:
                    now.add((db_id, copy.member))
    back: list[tuple[str, str, float]] = []
    for key in sorted(set(run.copy_dir_cut) - now):
        since = run.copy_dir_cut.pop(key)
        back.append((key[0], key[1], t - since))
    for key in sorted(now):
        run.copy_dir_cut.setdefault(key, t)
    return back


def _requeue(run: Run, key: tuple[str, str], t: float, rate: float) -> None:
    """The copy ``key``'s queue from ``t`` on: what it holds then, changing by ``rate``
    seconds of logs a second (dropped once it is empty and not growing)."""
    behind = queued_s(run.copy_queued.get(key), t)
    if behind <= 0.0 and rate <= 0.0:
        run.copy_queued.pop(key, None)
    else:
        run.copy_queued[key] = (t, behind, rate)


def stop_drains(prep: Prepared, run: Run, base: Mapping[str, DbRun], t: float) -> None:
    """Copies catching up on a queue (a link that carries them again) that receive no
    logs any more (their database mounted nowhere, their server down, no route) stay
    behind by what they still lacked: their queue stops draining at ``t``."""
    for key, (_since, _behind, rate) in list(run.copy_queued.items()):
        if rate < 0 and not _shipped(prep, run, base, *key):
            _requeue(run, key, t, 0.0)


def reroute_events(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], gone: Iterable[str], t: float
) -> None:
    """Log shipping whose route crossed a link that just went down (``gone``) and now
    goes round it (the capacity report's routing, :func:`shipping_route`): one event per
    pair of sites, which way it goes now (eyesq23: failing a link showed "1 event",
    every database "not affected", nothing of where their copies' logs went). A stream
    already going round is told again when its way changes: a link of its detour lost
    too (a second detour), a link back (a shorter detour, or its own route again:
    ``copy_route_back``; wave 24, fid24: both went untold). Streams left with no route
    are told cut off (``copy_cut_off``), and so are streams whose own route is lost
    with no way round."""
    down = set(gone)
    told_before = run.routes_told
    if not down and not told_before:
        return
    w = run.world
    streams: dict[tuple[str, str], int] = {}
    for db_id in prep.shipping_dbs():
        active = _active(run, base, db_id)
        if active is None or not w.vm_up(active):
            continue
        here = w.site_of_vm(prep, active)
        for vm in prep.shipping_receivers(db_id, active):
            there = w.site_of_vm(prep, vm)
            if here is None or there is None or there == here or not w.vm_up(vm):
                continue
            if (here, there) not in told_before:
                intact = prep.intact_route(here, there)
                if not intact or not any(link_id in down for link_id, _way in intact):
                    continue
            streams[(here, there)] = streams.get((here, there), 0) + 1
    told_now: dict[tuple[str, str], tuple[str, ...]] = {}
    # A pair of sites shipping both ways round the same links: one event "between".
    told: dict[tuple[str, str, frozenset[str]], tuple[str, Route, int, bool]] = {}
    #: Streams told going round that now have no route at all: (a, b) → (from, copies,
    #: both ways).
    cut: dict[tuple[str, str], tuple[str, int, bool]] = {}
    for (here, there), copies in sorted(streams.items()):
        hops = shipping_route(prep, run, here, there)
        if hops is None:
            # A detour that lost every route, or a route lost with no way round (its
            # own link down: wave 27, fidelity27; the timeline said nothing of copies cut
            # off there): its copies are cut off (remembered as such, an empty way, so
            # that a route back is told).
            told_now[(here, there)] = ()
            if told_before.get((here, there), True):
                a, b = sorted((here, there))
                was_cut = cut.get((a, b))
                cut[(a, b)] = (
                    (here, copies, False)
                    if was_cut is None
                    else (
                        was_cut[0],
                        was_cut[1] + copies,
                        True,
                    )
                )
            continue
        if not hops:
            continue
        ids = tuple(link_id for link_id, _way in hops)
        own = tuple(link_id for link_id, _way in prep.intact_route(here, there) or ())
        if ids != own:
            told_now[(here, there)] = ids
        if ids == told_before.get((here, there), own):
            continue  # the way it was told, or its own still (no link of it lost)
        a, b = sorted((here, there))
        key = (a, b, frozenset(ids))
        was = told.get(key)
        told[key] = (
            (here, hops, copies, False) if was is None else (*was[:2], was[2] + copies, True)
        )
    for pair, way in told_before.items():
        # Nothing ships between them now (their databases dismounted, moved or their
        # servers down): the way it was told stands until it ships again.
        if pair not in streams:
            told_now[pair] = way
    run.routes_told = told_now
    for (a, b), (here, copies, both) in cut.items():
        there = b if here == a else a
        _cut_off_event(prep, run, here, there, copies, both, told_before.get((here, there), ()), t)
    for (a, b, _links), (here, hops, copies, both) in told.items():
        there = b if here == a else a
        sites = _sites_on(prep, here, hops)
        crossed = [prep.sites[s].name for s in sites[1:-1]]
        intact = prep.intact_route(here, there) or ()
        names = [prep.links[link_id].name for link_id, _way in hops]
        over = f"WAN link{'s' if len(names) > 1 else ''} {' and '.join(names)}"
        ends = (
            f"between {prep.sites[here].name} and {prep.sites[there].name}"
            if both
            else f"from {prep.sites[here].name} to {prep.sites[there].name}"
        )
        what = f"log shipping {ends} ({copies} database cop{'y' if copies == 1 else 'ies'})"
        if (here, there) not in told_now:
            run.event(
                t,
                hops[0][0],
                "copy_route_back",
                f"{what} takes its own route again, over {over}",
                "DOMAIN §4; the capacity report's routing",
            )
            continue
        # The links it goes round: those of its own route, then of its detour, down now.
        detour = told_before.get((here, there), ())
        lost_ids = dict.fromkeys(i for i in (*(i for i, _ in intact), *detour) if i in w.links_down)
        lost = " and ".join(prep.links[i].name for i in lost_ids)
        run.event(
            t,
            hops[0][0],
            "copy_rerouted",
            f"{what} goes round WAN link{'s' if len(lost_ids) > 1 else ''} {lost}"
            + (f" by {' and '.join(crossed)}" if crossed else "")
            + f", over {over}",
            "DOMAIN §4; the capacity report's routing",
        )


def _cut_off_event(
    prep: Prepared,
    run: Run,
    here: str,
    there: str,
    copies: int,
    both: bool,
    detour: tuple[str, ...],
    t: float,
) -> None:
    """Log shipping told going round (``detour``, its links), or on its own route (no
    ``detour``), that has no route left: its copies receive no logs and fall behind
    from ``t`` (wave 25, fid25: the timeline left it going round, and the copies read
    current; wave 27, fidelity27: a WAN link's own failure with no way round told
    nothing)."""
    w = run.world
    intact = prep.intact_route(here, there) or ()
    lost_ids = dict.fromkeys(i for i in (*(i for i, _ in intact), *detour) if i in w.links_down)
    # (A link down with a site at either end: the site is named, below.)
    names = [
        prep.links[i].name
        for i in lost_ids
        if prep.links[i].site_a not in w.sites_down and prep.links[i].site_b not in w.sites_down
    ]
    lost = [f"WAN link{'s' if len(names) > 1 else ''} {' and '.join(names)}"] if names else []
    crossed: list[str] = []
    start = here
    for link_id in detour or tuple(i for i, _ in intact):
        link = prep.links[link_id]
        start = link.site_b if link.site_a == start else link.site_a
        if start in w.sites_down and start != there:
            crossed.append(f"site {prep.sites[start].name}")
    gone = [*lost, *crossed]
    ends = (
        f"between {prep.sites[here].name} and {prep.sites[there].name}"
        if both
        else f"from {prep.sites[here].name} to {prep.sites[there].name}"
    )
    where = (
        f"{prep.sites[here].name} and {prep.sites[there].name}" if both else prep.sites[there].name
    )
    run.event(
        t,
        next(iter(lost_ids), detour[0] if detour else here),
        "copy_cut_off",
        f"log shipping {ends} ({copies} database cop{'y' if copies == 1 else 'ies'}) has no "
        f"route left ({' and '.join(gone) or 'its detour'} down): its copies in {where} "
        "are cut off, receive no logs and fall further behind each second (a failover to "
        "one loses what it missed)",
        "DOMAIN §4 (RPO: copy queue length); the capacity report's routing",
    )


def _sites_on(prep: Prepared, start: str, hops: Route) -> list[str]:
    """The sites a route from ``start`` passes, in order, both ends included."""
    sites = [start]
    for link_id, _way in hops:
        link = prep.links[link_id]
        sites.append(link.site_b if link.site_a == sites[-1] else link.site_a)
    return sites


def queue_events(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], link_id: str, t: float
) -> None:
    """DAG and Exchange 2007 CCR/SCR copies across a link whose share is below their
    busiest-hour log shipping: each falls behind by the shortfall for each hour it lasts
    (``copy_queued``: the capacity model's ``copy_queue`` of the same figures per hour),
    and drains on the spare bandwidth once the link carries it again; the event says so
    when the queue starts or changes, and when the link carries its copies again."""
    link = prep.links[link_id]
    bandwidth = bandwidth_mbps(run, link)
    w = run.world
    wl = prep.workload
    gone = link_id in w.links_down
    # What could cross each way at most: a direction its bandwidth covers never queues
    # (SRM-recovered servers may sit elsewhere than designed: then every link is looked at).
    bound = prep.steady_bound(link_id) if not run.relocated and network_whole(run) else None
    for here, there in ((link.site_a, link.site_b), (link.site_b, link.site_a)):
        told = run.queue_told.get((link_id, here))
        if told is None and bound is not None and bound[here] <= bandwidth:
            continue
        shipped = [] if gone else log_shipping(prep, run, base, link_id, here)
        copies = [(db_id, vm) for db_id, vm, _ in shipped]
        needs = sum(mbps for _db, _vm, mbps in shipped)
        steady = needs + _other_steady_mbps(prep, run, link_id, here) if shipped else 0.0
        if not copies or steady <= bandwidth or needs <= 0:
            # Copies still shipped to over a link that now carries them catch up on what
            # the link has to spare; those shipped nothing any more (the link or their
            # server down, their database mounted nowhere) stay behind by their queue:
            # those logs never arrived (the queue stops growing).
            if told is not None:
                del run.queue_told[(link_id, here)]
            spare = bandwidth - (steady - needs)
            drain = 1.0 - spare / needs if needs > 0 else -1.0
            for key in copies:
                if key in run.copy_queued and not _queued_elsewhere(run, key):
                    _requeue(run, key, t, min(0.0, drain))
            if told is not None:
                # Copies whose logs now take another route (the link's failure over,
                # or a route round it) are shipped to again: no longer behind here.
                moved = [k for k in told[0] if k not in copies and _shipped(prep, run, base, *k)]
                for key in moved:
                    if not _queued_elsewhere(run, key):
                        run.copy_queued.pop(key, None)
                for key in told[0]:
                    if key not in copies and key not in moved and key in run.copy_queued:
                        _requeue(run, key, t, 0.0)
                if copies or moved:
                    left = max((queued_s(run.copy_queued.get(k), t) for k in copies), default=0.0)
                    catch_up = (
                        f" and catch up on {span(left)} of logs in {span(left / -drain)}"
                        if left > 0 and drain < 0
                        else ""
                    )
                    run.event(
                        t,
                        link_id,
                        "copy_queue_ended",
                        f"log shipping from {prep.sites[here].name} to "
                        f"{prep.sites[there].name} "
                        + (
                            f"fits WAN link {link.name} again"
                            if copies
                            else f"no longer crosses WAN link {link.name} (another route)"
                        )
                        + f": its copies no longer fall behind{catch_up}",
                        "Microsoft's log shipping sizing (resources/catalog/capacity.json)",
                    )
            continue
        share = needs * bandwidth / steady
        logs, behind = copy_queue(needs, share, wl.figures.log_bytes_default)
        run.queue_told.pop((link_id, here), None)
        # From when the active copies ship (a failover's databases mount later).
        since = max([t, *(_state(run, base, d).available_at for d, _ in copies)])
        for key in copies:
            # Behind by ``behind`` more for each hour the link stays short; a stream routed
            # over several short links falls behind as fast as the shortest makes it.
            was = run.copy_queued.get(key)
            rate = behind / 3600.0
            if was is not None and _queued_elsewhere(run, key):
                rate = max(rate, was[2])
            _requeue(run, key, since, rate)
        now = (tuple(sorted(copies)), round(share, 3))
        run.queue_told[(link_id, here)] = now
        if told == now:
            continue
        e2007 = prep.e2007_shipping()
        kinds = {"e2007_log_shipping" if d in e2007 else "dag_log_shipping" for d, _ in copies}
        what = " and ".join(KIND_LABELS[k] for k in sorted(kinds))
        run.event(
            since,
            link_id,
            "copy_queue",
            f"{what} from {prep.sites[here].name} to {prep.sites[there].name} needs "
            f"{needs:,.1f} Mbit/s at the busiest hour and gets {share:,.1f} of WAN link "
            f"{link.name}'s {bandwidth:,g}: {len(copies)} "
            f"cop{'y' if len(copies) == 1 else 'ies'} queue {logs:,.0f} logs an hour, "
            f"{span(behind)} behind for each hour the link stays short (a failover to "
            "them loses the queue)",
            "Microsoft's log shipping sizing (resources/catalog/capacity.json); DOMAIN.md §4",
        )


def log_lun_clocks(
    prep: Prepared, run: Run, base: Mapping[str, DbRun], w: World, dbs: Iterable[str], t: float
) -> None:
    """Start, move or stop the clocks of log LUNs whose logs cannot truncate.

    Logs truncate only once every copy has them (DOMAIN.md §4; the catalog's
    ``log_lun_free`` source): while a copy of a database receives none, every copy that
    still does — the active one and the passive ones that receive its logs — keeps
    them, so each of their log LUNs grows by the database's log rate (the capacity
    report's log LUNs count the same copies, ``capacity/rollup.py``). A copy that
    receives no logs writes none."""
    wl = prep.workload
    blocked = blocked_copies(prep, run, base, w, dbs)
    for db_id in list(run.trunc_blocked):
        if db_id not in blocked:
            del run.trunc_blocked[db_id]
    for db_id in blocked:
        run.trunc_blocked.setdefault(db_id, t)
    per_lun: dict[str, list[str]] = {}
    for db_id in sorted(run.trunc_blocked):
        active = _active(run, base, db_id)
        if active is None:
            continue
        stopped = blocked.get(db_id, ())
        members = [active] + [
            c.member
            for c in prep.dbs[db_id].copies
            if c.member != active and c.member not in stopped
        ]
        for member in members:
            for lun_id in wl.log_luns(db_id, member):
                held = per_lun.setdefault(lun_id, [])
                if not held or held[-1] != db_id:
                    held.append(db_id)
    for lun_id in list(run.lun_fill):
        if lun_id not in per_lun:
            del run.lun_fill[lun_id]
    for lun_id, db_ids in per_lun.items():
        if lun_id not in prep.luns or lun_id in w.luns_down:
            run.lun_fill.pop(lun_id, None)
            continue
        rates = [(wl.database(d).log_gb_per_hour / 3600.0, run.trunc_blocked[d]) for d in db_ids]
        rate = sum(r for r, _ in rates)
        if rate <= 0:
            continue
        free, _stated = wl.lun_free_gb(lun_id)
        when = (free + sum(r * since for r, since in rates)) / rate
        run.lun_fill[lun_id] = (max(when, t), tuple(db_ids))


def fill_events(prep: Prepared, run: Run, until: float) -> None:
    """Record the log LUNs that filled by ``until`` (each at its own time)."""
    for lun_id, (when, db_ids) in sorted(run.lun_fill.items(), key=lambda kv: kv[1][0]):
        if when > until:
            continue
        del run.lun_fill[lun_id]
        lun = prep.luns[lun_id]
        names = ", ".join(prep.dbs[d].name for d in db_ids)
        since = min(run.trunc_blocked.get(d, when) for d in db_ids)
        free, stated = prep.workload.lun_free_gb(lun_id)
        run.event(
            when,
            lun_id,
            "log_lun_full",
            f"log LUN {lun.name} fills at {clock(when)}: the logs of {names} could not "
            f"truncate since {clock(since)} (a copy receives none), and its "
            f"{free:,.1f} GB{'' if stated else ' (assumed free)'} ran out; Exchange "
            "dismounts the database then (reported, not simulated)",
            "Exchange Team Blog on transaction log space (2011-11-09); DOMAIN.md §4",
        )
