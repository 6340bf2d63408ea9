"""The replication streams of one mode: who sends what to whom, over which links.

- DAG log shipping: from the site of a database's active copy to each other copy that
  is up and reachable (lagged copies receive logs too; only their replay waits), at the
  busiest hour's log rate after compression.
- Reseed: a copy whose disks the failure destroyed is seeded again from the active copy
  once its storage is back: the database's size within the reseed window.
- MirrorView/S: every write of the source LUN, at the busiest hour; MirrorView/A: one
  update interval's changes per interval (002); both stop while their LUNs, sites or
  link are down.
- Double-Take: the source server's writes to its target while both run (003).

Only streams between different sites reach a WAN link.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from copy import copy
from typing import Any

from designer.capacity.view import ModeView, Route
from designer.domain.enums import Exchange2007Kind, MirrorMode
from designer.simulation.prepared import Prepared
from designer.workload import Stream, Workload, gb_per_hour_to_mbps

__all__ = ["ASK", "Flows"]

#: ``Flows.database``'s ``active`` when the caller does not know it: read the view.
ASK = object()
#: Not yet in a view's routes (None there: no route).
_UNROUTED: Any = object()

Routed = tuple[Stream, Route]
#: A copy that receives a database's logs in normal operation: (its member, its site,
#: the route there).
_Send = tuple[str, str, Route]


class Flows:
    """Stream arithmetic of one design, reused for every mode."""

    def __init__(self, prep: Prepared, workload: Workload) -> None:
        self.prep = prep
        fig = workload.figures
        self.shipping: dict[str, float] = {}
        self.reseed_mbps: dict[str, float] = {}
        self.copy_members: dict[str, tuple[str, ...]] = {}
        #: DAG database → its logs' GB per hour (``Workload.database(db_id)
        #: .log_gb_per_hour``, the same operation): what the log LUNs read of the
        #: workload, kept in a dict of floats (one object the cyclic collector does not
        #: track) rather than the 4,000 database loads at 25k.
        self.log_gb_per_hour: dict[str, float] = {}
        #: What the log LUNs read of the figures (see :class:`DagCopies`).
        self.log_lun_free_pct = fig.log_lun_free_pct
        #: Exchange 2007 database → (CCR nodes, SCR targets, group) of its replication.
        self.e2007: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {}
        # Every database's load at once; ``Workload.shipping_mbps`` and the reseed rate
        # inlined (the same operations in the same order), the members read by C.
        loads = workload.loads()
        shipping, reseed_mbps, copy_members = self.shipping, self.reseed_mbps, self.copy_members
        hourly_of = self.log_gb_per_hour
        kept = 1.0 - fig.compression_pct / 100.0
        reseed_s = fig.reseed_window_h * 3600.0
        members_of, dag_of_db = prep.copy_members, prep.dag_of_db
        for db_id, db in prep.dbs.items():
            # The copies' members as the simulator's tables keep them (a model field
            # read costs more than a dict's).
            members = members_of.get(db_id)
            if members is not None and len(members) >= 2 and db_id in dag_of_db:
                load = loads[db_id]
                hourly = hourly_of[db_id] = load.log_gb_per_day / 24.0
                log_mbps = hourly * 8000.0 / 3600.0
                shipping[db_id] = log_mbps * load.peak_factor * kept
                reseed_mbps[db_id] = db.size_gb * 8000.0 / reseed_s
                copy_members[db_id] = members
                continue
            repls = prep.e2007s_of_db.get(db_id, [])
            ccr = [r for r in repls if r.replication in (Exchange2007Kind.CCR,) and r.nodes]
            scr = [r for r in repls if r.replication == Exchange2007Kind.SCR and r.target]
            if not ccr and not scr:
                continue
            nodes = tuple(dict.fromkeys(n for r in ccr for n in r.nodes))
            targets = tuple(dict.fromkeys(r.target for r in scr if r.target))
            group = (ccr or scr)[0].id
            self.e2007[db_id] = (nodes, targets, group)
            # Exchange 2007 ships its logs uncompressed (compression came with 2010).
            self.shipping[db_id] = workload.database(db_id).peak_mbps
            self.copy_members[db_id] = (*nodes, *targets)
        self.mirror_rate = {m: workload.mirror_gb_per_hour(m) for m in prep.mirrors}
        self.mirror_peak = {m: workload.mirror_peak_factor(m) for m in prep.mirrors}
        self.repl_rate = {r: workload.host_replication_gb_per_hour(r) for r in prep.host_repls}
        self.repl_peak = {r: workload.host_replication_peak_factor(r) for r in prep.host_repls}
        #: (database, copy's member, from site, to site, reseed) → its log shipping or
        #: reseed stream: streams are immutable, and the same copy sends the same
        #: stream in many modes (a frozen dataclass is slow to build). Filled as the
        #: modes ask (:meth:`_known`), not by :meth:`normal`: at 25k no mode asks.
        self._copy_streams: dict[tuple[str, str, str, str, bool], Stream] = {}
        #: What :meth:`normal` last gave (database → its streams): a mode's copy that
        #: sends as in normal operation is given normal operation's stream object.
        self._normal: Mapping[str, list[Routed]] = {}
        #: Mirror → its stream (from its source LUN's site to its target LUN's).
        self._mirror_streams: dict[str, Stream] = {}
        #: The mirrors that can send anything (a rate, LUNs in two known sites), in id
        #: order: (mirror, source LUN, target LUN, source site, target site, the link it
        #: is pinned to or None, its way's number). What a mode can change of them is
        #: read per mode.
        self._mirror_plan: list[tuple[str, str, str, str, str, str | None, int]] = []
        #: (source site, target site, pinned link) → its number: a mode's route of each
        #: is worked out once for the mirrors that share it (at 25k 114 mirrors, ~20
        #: ways).
        ways: dict[tuple[str, str, str | None], int] = {}
        for mirror_id in sorted(prep.mirrors):
            mirror = prep.mirrors[mirror_id]
            if self.mirror_rate[mirror_id] <= 0:
                continue
            src, dst = prep.lun_site(mirror.source_lun), prep.lun_site(mirror.target_lun)
            if src is None or dst is None or src == dst:
                continue
            pinned = mirror.wan_link if mirror.wan_link and mirror.wan_link in prep.links else None
            way = ways.setdefault((src, dst, pinned), len(ways))
            self._mirror_plan.append(
                (mirror_id, mirror.source_lun, mirror.target_lun, src, dst, pinned, way)
            )
        self._mirror_ways = len(ways)

    def detached(self) -> Flows:
        """The same tables (shared: none changes after the set-up) without the streams
        made so far: what a sized report keeps to make normal operation's streams again
        when they are read (:func:`designer.capacity.engine.normal_streams`), instead of
        the ~8,000 streams themselves at 25k (each an object the first collection after
        the sizing walks) or the engine's cache of every mode's."""
        found = copy(self)
        found._copy_streams = {}
        found._mirror_streams = {}
        found._normal = {}
        return found

    # -- DAG -----------------------------------------------------------------------------
    def database(
        self, db_id: str, view: ModeView, active: str | object | None = ASK
    ) -> list[Routed]:
        """Log shipping (and reseeds) of one replicated database across sites in this
        mode: a DAG's copies, or an Exchange 2007 CCR cluster's other node and SCR
        targets. ``active``: the member its active copy is on in ``view``, when the
        caller knows it (None: down; read from ``view`` when not given)."""
        mbps = self.shipping.get(db_id)
        if mbps is None:
            return []
        if active is ASK:
            active = view.active_on(db_id)
        if active is None:
            return []
        assert isinstance(active, str)
        if db_id in self.e2007:
            return self._e2007(db_id, active, view.vm_site(active), mbps, view)
        # The view's lookups inlined (its caches read directly): this runs for every
        # database a failure changes, hundreds per mode.
        vm_up, vm_site, route = view.vm_up, view.vm_site, view.route
        ups, sites, routes = view._up, view._site, view._routes
        here = sites[active] if active in sites else vm_site(active)
        any_lost = view._any_lost
        found: list[Routed] = []
        streams = self._copy_streams
        for member in self.copy_members[db_id]:
            if member == active:
                continue
            up = ups.get(member)
            if not (vm_up(member) if up is None else up):
                continue
            there = sites[member] if member in sites else vm_site(member)
            if there == here or here is None or there is None:
                continue
            hops = routes.get((here, there), _UNROUTED)
            if hops is _UNROUTED:
                hops = route(here, there)
            if not hops:
                continue
            lost = any_lost and view.copy_lost(member, db_id)
            if not lost and mbps <= 0:
                continue
            key = (db_id, member, here, there, lost)
            stream = streams.get(key)
            if stream is None:
                stream = streams[key] = self._known(key)
            found.append((stream, hops))
        return found

    def normal(
        self, view: ModeView, active_of: Mapping[str, str | None]
    ) -> dict[str, list[Routed]]:
        """``database(db_id, view, active_of[db_id])`` of every replicated database, in
        id order, in normal operation's ``view`` (no world: every VM of the design up in
        its own site, no copy lost, nothing down): one loop with the view's lookups
        read from the design's tables (4,000 databases at 25k), the same streams on the
        same routes (the same objects are then given to the modes: :meth:`_known`).

        What a DAG database sends where depends on its copies' members and its active
        one only (its rate aside): each such pair's copies that send across a link,
        their sites and routes are worked out once (:meth:`_sends`; at 25k 160 pairs
        for 4,000 databases), then each database's streams made from them."""
        if view.world is not None:
            raise ValueError("normal operation's view only")
        # ``db.dag`` as the simulator's table keeps it (a database with a DAG is listed
        # with it; a pydantic field read costs ~400 instructions more, 4,000 at 25k).
        dag_of = self.prep.dag_of_db.get
        #: (copies' members, active member) → (active site, the copies that send).
        plans: dict[tuple[tuple[str, ...], str], tuple[str, list[_Send]]] = {}
        new = tuple.__new__
        shipping, e2007, copy_members = self.shipping, self.e2007, self.copy_members
        found: dict[str, list[Routed]] = {}
        self._normal = found
        for db_id in sorted(shipping):
            active = active_of[db_id]
            if active is None:
                found[db_id] = []
                continue
            mbps = shipping[db_id]
            if db_id in e2007:
                found[db_id] = self._e2007(db_id, active, view.vm_site(active), mbps, view)
                continue
            sent: list[Routed] = []
            found[db_id] = sent
            if mbps <= 0:
                continue  # nothing leaves the site (no copy is lost: no reseed)
            key = (copy_members[db_id], active)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = self._sends(view, *key)
            here, sends = plan
            if not sends:
                continue
            group = dag_of(db_id) or db_id
            # The fields in order, by ``tuple.__new__`` (what ``Stream._make`` does in a
            # Python frame of its own; the named tuple's ``__new__`` with its defaults
            # costs ~2 x more): 8,000 streams at 25k. Not filed by copy (a 5-tuple key
            # and an entry each, which no mode read at 25k): see :meth:`_known`.
            for member, there, hops in sends:
                sent.append(
                    (
                        new(
                            Stream,
                            ("dag_log_shipping", db_id, group, here, there, mbps, 0.0, 0.0, member),
                        ),
                        hops,
                    )
                )
        return found

    def _sends(
        self, view: ModeView, members: tuple[str, ...], active: str
    ) -> tuple[str, list[_Send]]:
        """In normal operation, the site of a DAG database's active copy on ``active``
        and, of its copies on ``members`` (in order), those that receive its logs across
        a link: (member, its site, the route there); none when the active copy's site
        is not known (its site then "")."""
        prep = self.prep
        vms, vm_site = prep.vms, prep.vm_site
        here = vm_site.get(active)
        sends: list[_Send] = []
        if here is None:
            return "", sends
        for member in members:
            if member == active or member not in vms:
                continue
            there = vm_site.get(member)
            if there == here or there is None:
                continue
            hops = view.route(here, there)
            if hops:
                sends.append((member, there, hops))
        return here, sends

    def copy_stream(self, db_id: str, member: str, here: str, there: str, lost: bool) -> Stream:
        """The log shipping (``lost``: the reseed) of the database's copy on ``member``
        from its active copy's site ``here`` to ``there`` (the one stream object)."""
        key = (db_id, member, here, there, lost)
        stream = self._copy_streams.get(key)
        if stream is None:
            stream = self._copy_streams[key] = self._known(key)
        return stream

    def _known(self, key: tuple[str, str, str, str, bool]) -> Stream:
        """The stream of ``key``'s copy (see :attr:`_copy_streams`): normal operation's
        own object when the copy sends as in normal operation (a mode's lists then
        compare with normal operation's at identity), else a new one."""
        db_id, member, here, there, lost = key
        if not lost:
            for routed in self._normal.get(db_id, ()):
                stream = routed[0]
                if (
                    stream.target == member
                    and stream.from_site == here
                    and stream.to_site == there
                    and stream.kind == "dag_log_shipping"
                ):
                    return stream
        return self._copy_stream(db_id, member, here, there, lost)

    def _copy_stream(self, db_id: str, member: str, here: str, there: str, lost: bool) -> Stream:
        db = self.prep.dbs[db_id]
        if lost:
            return Stream(
                "dag_reseed",
                db_id,
                db.dag or db_id,
                here,
                there,
                self.reseed_mbps[db_id],
                volume_gb=db.size_gb,
                target=member,
            )
        return Stream(
            "dag_log_shipping",
            db_id,
            db.dag or db_id,
            here,
            there,
            self.shipping[db_id],
            target=member,
        )

    def _e2007(
        self, db_id: str, active: str, here: str | None, mbps: float, view: ModeView
    ) -> list[Routed]:
        """CCR ships to the cluster's other node; SCR from the cluster's active node (or
        the source server) to its standby target (004)."""
        nodes, targets, group = self.e2007[db_id]
        receivers = [n for n in nodes if n != active]
        if active in nodes or not nodes:
            receivers += [t for t in targets if t != active]
        found: list[Routed] = []
        for member in receivers:
            if not view.vm_up(member):
                continue
            there = view.vm_site(member)
            if there == here or here is None or there is None or mbps <= 0:
                continue
            hops = view.route(here, there)
            if hops:
                stream = Stream(
                    "e2007_log_shipping", db_id, group, here, there, mbps, target=member
                )
                found.append((stream, hops))
        return found

    # -- MirrorView ----------------------------------------------------------------------
    def mirrors(self, view: ModeView) -> Iterator[Routed]:
        w = view.world
        failed = w.failed if w is not None else ()
        luns_down = w.luns_down if w is not None else ()
        sites_down = view.sites_down
        #: Each way's route in this mode (None: none), worked out when first needed.
        routes: list[Route | None] = [_UNROUTED] * self._mirror_ways
        for mirror_id, source_lun, target_lun, src, dst, pinned, way in self._mirror_plan:
            if mirror_id in failed or source_lun in luns_down or target_lun in luns_down:
                continue
            hops = routes[way]
            if hops is _UNROUTED:
                if src in sites_down or dst in sites_down:
                    hops = None
                elif pinned is not None:
                    hops = view.link_route(pinned, src)
                else:
                    hops = view.route(src, dst)
                routes[way] = hops
            if not hops:
                continue
            # A mirror's stream depends on nothing but its sites: built once, reused
            # in every mode that keeps it (as the copies' streams are).
            stream = self._mirror_streams.get(mirror_id)
            if stream is None:
                stream = self._mirror_streams[mirror_id] = self._mirror_stream(
                    mirror_id, self.mirror_rate[mirror_id], src, dst
                )
            yield stream, hops

    def _mirror_stream(self, mirror_id: str, rate: float, src: str, dst: str) -> Stream:
        mirror = self.prep.mirrors[mirror_id]
        group = self.prep.cg_of_mirror.get(mirror_id, mirror_id)
        if mirror.mode == MirrorMode.SYNC:
            mbps = gb_per_hour_to_mbps(rate) * self.mirror_peak[mirror_id]
            return Stream("mirrorview_s", mirror_id, group, src, dst, mbps)
        interval_s = mirror.update_interval_min * 60.0
        return Stream(
            "mirrorview_a",
            mirror_id,
            group,
            src,
            dst,
            gb_per_hour_to_mbps(rate),
            volume_gb=rate * interval_s / 3600.0,
            interval_s=interval_s,
        )

    # -- Double-Take -----------------------------------------------------------------------
    def host_replications(self, view: ModeView) -> Iterator[Routed]:
        prep = self.prep
        for repl_id in sorted(prep.host_repls):
            repl = prep.host_repls[repl_id]
            rate = self.repl_rate[repl_id]
            if rate <= 0 or view.failed(repl_id):
                continue
            if not (view.vm_up(repl.source) and view.vm_up(repl.target)):
                continue
            src, dst = view.vm_site(repl.source), view.vm_site(repl.target)
            if src is None or dst is None or src == dst:
                continue
            hops = view.route(src, dst)
            if not hops:
                continue
            mbps = gb_per_hour_to_mbps(rate) * self.repl_peak[repl_id]
            yield Stream("double_take", repl_id, repl_id, src, dst, mbps, target=repl.target), hops

    def others(self, view: ModeView) -> list[Routed]:
        return [*self.mirrors(view), *self.host_replications(view)]
