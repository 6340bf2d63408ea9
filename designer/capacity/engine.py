"""Capacity of one design in one failure mode: link loads and server loads.

:class:`CapacityEngine` prepares the normal mode once (every stream, every member's
load) and evaluates a failure mode from the simulator's settled state, recomputing only
what the failure changed: the streams of databases whose active member changed, with a
copy on a VM it took down or moved to another site or a copy it destroyed, or whose
streams crossed a link or site it took down; the loads of the members a database moved
to or from (tests/capacity/test_capacity_fast_path.py checks it against a full
recomputation). The N-1 sweep's fast path, reused: a mode costs about what its single
failure costs the simulator.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import partial
from itertools import filterfalse, repeat
from operator import eq, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from designer.capacity.flows import Flows, Routed
from designer.capacity.lost import LostCopies
from designer.capacity.modes import NORMAL, Mode
from designer.capacity.once import Once
from designer.capacity.view import ModeView, Route
from designer.collector import collector_paused
from designer.domain.enums import MirrorMode
from designer.simulation import DbRun, Settled, Simulator
from designer.simulation.prepared import database_servers
from designer.workload import (
    STEADY_KINDS,
    Direction,
    LinkEnds,
    LinkLoad,
    Workload,
    async_transfer_s,
    copy_queue,
    sum_by_link,
)

if TYPE_CHECKING:
    from designer.simulation.world import World

__all__ = ["CapacityEngine", "LinkFigures", "LinkKey", "MemberLoad", "ModeResult"]

LinkKey = tuple[str, Direction]
#: Pseudo-kind under which a link direction keeps the MirrorView/A volume per update.
ASYNC_VOLUME = "_async_volume_gb"
#: Not yet worked out (``CapacityEngine._gone``).
_UNKNOWN: Any = object()
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class LinkFigures:
    """One direction of one link in one mode: Mbit/s needed, by kind of stream."""

    by_kind: Mapping[str, float]
    bandwidth_mbps: float

    @property
    def mbps(self) -> float:
        return sum(v for k, v in self.by_kind.items() if not k.startswith("_"))

    @property
    def steady_mbps(self) -> float:
        return sum(v for k, v in self.by_kind.items() if k in STEADY_KINDS)

    @property
    def utilisation(self) -> float:
        return self.mbps / self.bandwidth_mbps if self.bandwidth_mbps > 0 else math.inf

    def async_available_mbps(self) -> float:
        left = max(0.0, self.bandwidth_mbps - self.steady_mbps)
        async_demand = self.by_kind.get("mirrorview_a", 0.0)
        reseed = self.by_kind.get("dag_reseed", 0.0)
        if async_demand + reseed <= 0:
            return left
        return left * async_demand / (async_demand + reseed)

    def copy_queue(self, log_bytes: int) -> tuple[float, float]:
        """(logs queued, seconds behind) of the DAG copies across it after the busiest
        hour, when the steady streams need more than the link has."""
        steady = self.steady_mbps
        dag = self.by_kind.get("dag_log_shipping", 0.0) + self.by_kind.get(
            "e2007_log_shipping", 0.0
        )
        if steady <= self.bandwidth_mbps or dag <= 0:
            return 0.0, 0.0
        share = dag * self.bandwidth_mbps / steady
        return copy_queue(dag, share, log_bytes)


class MemberLoad(NamedTuple):
    """A DAG member's load in one mode, and what it needs for it (a named tuple:
    immutable and equal by value as the frozen dataclass it was, ~5 × cheaper to
    build; a 25k sizing makes ~3,900, one per member a mode changes)."""

    member: str
    up: bool
    host: str | None
    active_databases: int
    active_mailboxes: int
    passive_mailboxes: int
    #: Megacycles needed at the busy hour (active plus passive mailboxes).
    megacycles: float
    #: Memory needed: the base plus the database cache of the active mailboxes, GB.
    memory_gb: float

    @property
    def rank(self) -> tuple[int, int, float]:
        """Heavier first: active mailboxes, active databases, megacycles."""
        return (self.active_mailboxes, self.active_databases, self.megacycles)


@dataclass
class ModeResult:
    """What one mode asks of every link and of the members it changes."""

    mode: Mode
    links: dict[LinkKey, LinkFigures]
    #: Members whose load differs from normal operation (or that are down).
    members: dict[str, MemberLoad]
    #: MirrorView/A mirror → RPO in this mode, seconds (inf: the link cannot keep up).
    async_rpo: dict[str, float] = field(default_factory=dict)
    #: Full stream lists per link direction, when asked for (summed when first read).
    loads: Mapping[LinkKey, LinkLoad] | None = None


def _streams(
    base_db: Mapping[str, list[Routed]],
    mode_db: Mapping[str, list[Routed]],
    others: list[Routed],
    bandwidth: Mapping[str, float],
) -> dict[LinkKey, LinkLoad]:
    """A mode's streams per link direction: each database's (``mode_db``'s where it has
    them, else normal operation's ``base_db``), then the mirrors' and Double-Take's."""
    routed = [r for db_id, base in base_db.items() for r in mode_db.get(db_id, base)]
    routed += [r for db_id, now in mode_db.items() if db_id not in base_db for r in now]
    return sum_by_link([*routed, *others], bandwidth)


def normal_streams(
    flows: Flows,
    links: LinkEnds,
    baseline: Mapping[str, DbRun],
    base_active: Mapping[str, str | None],
) -> dict[LinkKey, LinkLoad]:
    """Normal operation's streams per link direction, made again from ``flows``'s tables
    as the engine's set-up made them (``_streams`` of its ``base_db`` and
    ``base_other``: the same streams in the same order), for a report that reads them
    after its engine is gone."""
    # With the cyclic collector paused, as the sizing made them (at 25k 8,000 streams,
    # their pairs and a list per database start ~30 collections otherwise).
    with collector_paused():
        view = ModeView(flows.prep, links, baseline)
        return _streams(flows.normal(view, base_active), {}, flows.others(view), view.bandwidth)


class _LinkLoads(Once[dict[LinkKey, LinkLoad]], Mapping[LinkKey, LinkLoad]):
    """A mode's streams per link direction (``sum_by_link``), summed when first read
    (once, whichever thread reads first: :class:`~designer.capacity.once.Once`):
    normal operation's are for the report's stream details (``LinkReport``), which
    the text and JSON outputs read and the window and the rules do not (at 25k 8,000
    streams on ~50 link directions, ~8 % of the engine's set-up); they are made again
    from the flows' tables then (:func:`normal_streams`), not kept."""

    __slots__ = ()

    def __getitem__(self, key: LinkKey) -> LinkLoad:
        return self._value()[key]

    def __iter__(self) -> Iterator[LinkKey]:
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())


#: A ``_Cost``'s fields by position (``itemgetter``: read at C speed in ``map``).
_MAILBOXES, _ACTIVE_MC, _PASSIVE_MC, _CACHE_GB = map(itemgetter, range(4))

#: A walk row's mailboxes, active megacycles, cache GB and passive megacycles.
_ROW_MAILBOXES, _ROW_ACTIVE_MC, _ROW_CACHE_GB, _ROW_PASSIVE_MC = map(itemgetter, range(1, 5))

#: See ``CapacityEngine._walk_rows``.
_WalkRow = tuple[str | None, int, float, float, float, AbstractSet[str], bool]


class _Cost(NamedTuple):
    """A database's mailboxes and what they cost where it is active or passive (a
    named tuple: 4,000 are made per engine at 25k, each ~4 × cheaper than a frozen
    dataclass)."""

    mailboxes: int
    active_mc: float
    passive_mc: float
    cache_gb: float


class _Walked:
    """What :meth:`CapacityEngine._moved_walk` added in one mode, for the modes whose
    world grows from its world (:meth:`CapacityEngine._walk_from`)."""

    __slots__ = ("_touches", "delta", "lost", "moved", "settled", "up", "world")

    def __init__(
        self,
        world: World,
        moved: Mapping[str, str | None],
        delta: dict[str, list[float]],
        up: dict[str, bool],
        lost: AbstractSet[tuple[str, str]],
        settled: Settled | None = None,
    ) -> None:
        self.world = world  # held, so its id stays its own
        self.moved = moved
        self.delta = delta
        self.up = up
        self.lost = lost
        #: The state ``moved`` was read from (a placement going on from it or placed
        #: beside it reads what moved from the databases it placed again alone).
        self.settled = settled
        #: See :meth:`touches` (made when first read).
        self._touches: dict[str | None, int] | None = None

    def touches(self, was_of: Mapping[str, str | None]) -> dict[str | None, int]:
        """Member → how many of ``moved``'s moves leave or reach it (the databases with a
        walk row: ``was_of``'s keys; a move from or to no member counts for None): the
        keys of ``delta`` are the members counted. Counted at C speed when first read
        (:meth:`CapacityEngine._walk_from` adjusts a copy by the moves that differ)."""
        found = self._touches
        if found is None:
            walked = [d for d in self.moved if d in was_of]
            found = Counter(map(was_of.__getitem__, walked))
            found.update(map(self.moved.__getitem__, walked))
            self._touches = found
        return found


class CapacityEngine:
    """Prepared capacity arithmetic of one design (reuse it for every mode)."""

    #: ``round(value, 6)`` of the member figures already rounded (made when first read).
    _rounded: dict[float, float]
    #: See :meth:`_gone` (made when first read).
    _gone_of: dict[str, tuple[str, float, list[LinkKey]] | None]
    #: See :meth:`_walks` (made when first read).
    _walked: dict[int, _Walked]
    #: See :meth:`_was_of` (made when first read).
    _was: dict[str, str | None]
    #: See :meth:`_classes` (made when first read).
    _class_of: dict[str, tuple[tuple[str, ...], str]]
    #: See :meth:`_class_dbs` (made when first read).
    _dbs_of_class: dict[tuple[tuple[str, ...], str], list[str]]
    #: See :meth:`_async_keys` (made when first read).
    _async_on: frozenset[LinkKey]
    #: See :meth:`_base_other_of` (made when first read).
    _other_of: dict[str, Routed] | None
    #: See :meth:`_walk_classes` (made when first read).
    _walk_class_of: dict[str, tuple[str | None, frozenset[str], bool]]

    def __init__(self, sim: Simulator, workload: Workload | None = None) -> None:
        self.sim = sim
        self.prep = prep = sim.prep
        # The simulator's element tables and disks, not read from the design again.
        self.workload = workload or Workload(sim.design, sim.index, prep)
        self.figures = self.workload.figures
        self.links = LinkEnds({w.id: (w.site_a, w.site_b) for w in prep.links.values()})
        self.flows = Flows(prep, self.workload)
        self.baseline = sim.baseline.db
        #: Database → the member its active copy is on in normal operation (None: down).
        self.base_active: dict[str, str | None] = {
            db_id: (st.active_on if st.status == "active" else None)
            for db_id, st in self.baseline.items()
        }
        self.normal_view = ModeView(prep, self.links, self.baseline)
        # ``Flows.database`` of each replicated database in normal operation, in one
        # loop (the normal active member given: the view would read the baseline).
        self.base_db: dict[str, list[Routed]] = self.flows.normal(
            self.normal_view, self.base_active
        )
        self.base_other: list[Routed] = self.flows.others(self.normal_view)
        self.base_totals = self._totals(
            [r for routed in self.base_db.values() for r in routed] + self.base_other
        )
        self.dbs_on_link: dict[str, set[str]] = defaultdict(set)
        on_link = self.dbs_on_link
        # The databases gathered per route first: the view gives one route object per
        # pair of sites (at 25k 8,000 streams on 56 routes), whose links are then walked
        # once, each adding its databases at C speed.
        on_route: dict[int, tuple[Route, list[str]]] = {}
        for db_id, routed in self.base_db.items():
            for _stream, hops in routed:
                gathered = on_route.get(id(hops))
                if gathered is None:
                    on_route[id(hops)] = (hops, [db_id])
                else:
                    gathered[1].append(db_id)
        for hops, dbs_on_route in on_route.values():
            for link_id, _way in hops:
                on_link[link_id].update(dbs_on_route)
        self.dbs_in_site: dict[str, set[str]] = defaultdict(set)
        self.dag_dbs_on_vm: dict[str, list[str]] = defaultdict(list)
        in_site, dag_dbs_on_vm, site_of = self.dbs_in_site, self.dag_dbs_on_vm, prep.vm_site.get
        members_of = self.flows.copy_members
        #: Copies' members → their sites, each once in the members' order (at 25k 16
        #: distinct members tuples per DAG of 400 databases).
        sites_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        for db_id in self.flows.shipping:
            members = members_of[db_id]
            sites = sites_of.get(members)
            if sites is None:
                sites = sites_of[members] = tuple(
                    dict.fromkeys([site for member in members if (site := site_of(member))])
                )
            for site in sites:
                in_site[site].add(db_id)
            for member in members:
                dag_dbs_on_vm[member].append(db_id)
        self.repl_vms = {vm for r in prep.host_repls.values() for vm in (r.source, r.target)}
        # Every mailbox server: DAG members, and the servers that can hold a database
        # outside a DAG (its disks' VMs, Exchange 2007 cluster nodes, SCR and
        # Double-Take targets). Passive copies (DAG, CCR, SCR) cost CPU; a Double-Take
        # target's replica does not until it is activated.
        self.copies_on_vm: dict[str, list[str]] = defaultdict(list)
        #: Database → the servers holding a passive copy of it (DAG, CCR, SCR): a mode's
        #: member loads ask "does this server hold a copy of it" per database moved and
        #: per copy lost, and a string's hash is cached where a (database, server)
        #: pair's is not.
        self.passive_of: dict[str, AbstractSet[str]] = {}
        servers: set[str] = {m for dag in prep.dags.values() for m in dag.members}
        vms, copies_on_vm, passive_of = prep.vms, self.copies_on_vm, self.passive_of
        copy_members, e2007 = self.flows.copy_members, self.flows.e2007
        dbs = prep.dbs
        self.cost: dict[str, _Cost] = {}
        fig = self.figures
        per_profile: dict[int, tuple[object, float, float, float]] = {}
        #: Database → what :meth:`_moved_walk` reads of it when it moves, in one tuple:
        #: (member active in normal operation or None, mailboxes, active megacycles,
        #: cache GB, passive megacycles, the servers holding a copy, whether the normal
        #: active member is one of them). ~48,000 moves are walked per sizing at 25k.
        none: frozenset[str] = frozenset()
        self._walk_rows: dict[str, _WalkRow] = {}
        costs, walk_rows, base_active = self.cost, self._walk_rows, self.base_active
        # ``tuple.__new__``: ``_Cost._make`` without its Python frame (~2 x cheaper
        # than the named tuple's ``__new__``; 4,000 at 25k).
        new = tuple.__new__
        loads = self.workload.loads()
        #: Member → the databases active on it, and passive on it, in normal operation.
        normal_active: dict[str, list[str]] = defaultdict(list)
        normal_passive: dict[str, list[str]] = defaultdict(list)
        # Each database's holders, then (when a server holds it) its costs and walk row,
        # in one pass: a database's holders are final once its turn is over.
        dag_of_db = prep.dag_of_db
        #: (copies' members, normal active member) → (the servers holding a copy, as one
        #: frozenset shared by the databases of that layout; the lists each of its
        #: databases joins: ``copies_on_vm`` of each server held, then that server's
        #: normal active or passive list). At 25k 160 layouts for 4,000 databases: a
        #: database's turn appends to the lists worked out for its layout, without a
        #: set made for it or a test per server (16,000 copies).
        layouts: dict[tuple[tuple[str, ...], str | None], tuple[frozenset[str], list[Any]]]
        layouts = {}
        holders: AbstractSet[str]
        for db_id in sorted(dbs):
            was = base_active.get(db_id)
            if db_id in dag_of_db:  # ``db.dag``: the simulator's table (no model read)
                # Flows read the copies' members already (a DAG database with two
                # copies or more); a pydantic field read costs more than a tuple's.
                found = None if db_id in e2007 else copy_members.get(db_id)
                if found is not None:
                    layout = layouts.get((found, was))
                    if layout is None:
                        layout = layouts[(found, was)] = self._layout(
                            found, was, normal_active, normal_passive
                        )
                    holders, joins = layout
                    # Every database at 25k: the layout's holders (none before it).
                    passive_of[db_id] = holders
                    if not joins:
                        continue
                    for join in joins:
                        join(db_id)
                else:
                    held = [c.member for c in dbs[db_id].copies]
                    holding = set(held)
                    if holding:
                        passive_of[db_id] = holding
                    held = [m for m in dict.fromkeys(held) if m in vms]
                    if not held:
                        continue
                    holders = holding or none
                    self._hold(db_id, held, was, holders, normal_active, normal_passive)
            else:
                db = dbs[db_id]
                held = list(database_servers(prep, db))
                holding = set(held)
                for repl in prep.e2007s_of_db.get(db_id, []):
                    if repl.target:
                        held.append(repl.target)
                        holding.add(repl.target)
                if holding:
                    passive_of[db_id] = holding
                for vm in list(held):
                    held += [r.target for r in prep.repls_from_vm.get(vm, [])]
                held = [m for m in dict.fromkeys(held) if m in vms]
                if not held:
                    continue
                holders = holding or none
                self._hold(db_id, held, was, holders, normal_active, normal_passive)
            # ``db.mailboxes`` as the workload read it (its load's first field).
            mailboxes, profile = loads[db_id][:2]
            if profile is None:
                cost = costs[db_id] = new(_Cost, (mailboxes, 0.0, 0.0, 0.0))
            else:
                # Databases share their DAG's or site's profile: its figures are read
                # once.
                per_mailbox = per_profile.get(id(profile))
                if per_mailbox is None:
                    per_mailbox = per_profile[id(profile)] = (
                        profile,  # held, so its id stays its own
                        fig.active_megacycles_per_mailbox(profile),
                        fig.passive_megacycles_per_mailbox(profile),
                        fig.cache_mb_per_mailbox(profile),
                    )
                _profile, active_mc, passive_mc, cache_mb = per_mailbox
                cost = costs[db_id] = new(
                    _Cost,
                    (
                        mailboxes,
                        mailboxes * active_mc,
                        mailboxes * passive_mc,
                        mailboxes * cache_mb / 1024.0,
                    ),
                )
            walk_rows[db_id] = (
                was,
                mailboxes,
                cost.active_mc,
                cost.cache_gb,
                cost.passive_mc,
                holders,
                was is not None and was in holders,
            )
        # Every server holding a copy (each one a key of ``copies_on_vm`` now).
        servers.update(copies_on_vm)
        self.members: tuple[str, ...] = tuple(sorted(m for m in servers if m in prep.vms))
        self.base_members = self._normal_loads(normal_active, normal_passive)
        self.members_in_site: dict[str, list[str]] = defaultdict(list)
        for m in self.members:
            site = prep.vm_site.get(m)
            if site:
                self.members_in_site[site].append(m)
        #: The copies each array's and LUN's loss destroys (built when first needed).
        self._lost_copies: LostCopies | None = None
        self.normal = self.evaluate(NORMAL, keep_streams=True)

    def _layout(
        self,
        members: tuple[str, ...],
        was: str | None,
        normal_active: dict[str, list[str]],
        normal_passive: dict[str, list[str]],
    ) -> tuple[frozenset[str], list[Any]]:
        """The set-up's plan for the DAG databases whose copies are on ``members`` and
        active on ``was`` in normal operation: (the servers holding a copy, the
        ``append`` of each list such a database joins, in the order the set-up's pass
        over the servers held, each once and existing, joined them)."""
        holders = frozenset(members)
        vms, copies_on_vm = self.prep.vms, self.copies_on_vm
        joins: list[Any] = []
        for m in dict.fromkeys(members):
            if m not in vms:
                continue
            joins.append(copies_on_vm[m].append)
            # Normal operation's loads (every server holding a copy is up in it).
            if was == m:
                joins.append(normal_active[m].append)
            elif m in holders:
                joins.append(normal_passive[m].append)
        return holders, joins

    def _hold(
        self,
        db_id: str,
        held: list[str],
        was: str | None,
        holders: AbstractSet[str],
        normal_active: dict[str, list[str]],
        normal_passive: dict[str, list[str]],
    ) -> None:
        """The set-up's lists for a database of no layout (see :meth:`_layout`) held by
        ``held``."""
        copies_on_vm = self.copies_on_vm
        for m in held:
            copies_on_vm[m].append(db_id)
            if was == m:
                normal_active[m].append(db_id)
            elif m in holders:
                normal_passive[m].append(db_id)

    # -- links -----------------------------------------------------------------------------
    def _totals(self, routed: Iterable[Routed]) -> dict[LinkKey, dict[str, float]]:
        totals: dict[LinkKey, dict[str, float]] = {}
        for stream, hops in routed:
            kind, mbps = stream.kind, stream.mbps
            for key in hops:  # (link, direction): the route's own tuples as keys
                kinds = totals.get(key)
                if kinds is None:
                    kinds = totals[key] = {}
                kinds[kind] = kinds.get(kind, 0.0) + mbps
                if kind == "mirrorview_a":
                    kinds[ASYNC_VOLUME] = kinds.get(ASYNC_VOLUME, 0.0) + stream.volume_gb
        return totals

    @staticmethod
    def _shift(
        totals: dict[LinkKey, dict[str, float]],
        base: Mapping[LinkKey, dict[str, float]],
        gone: Iterable[Routed],
        now: Iterable[Routed],
    ) -> None:
        """Take ``gone``'s streams away from ``totals`` then add ``now``'s; a link
        direction not yet in ``totals`` starts from its figures in ``base`` (copied).
        One call per recomputed database (~22,000 per sizing at 25k), the additions in
        the order two calls (-1, then +1) made them before."""
        for routed, sign in ((gone, -1.0), (now, 1.0)):
            for stream, hops in routed:
                kind = stream.kind
                mbps = sign * stream.mbps
                for key in hops:
                    kinds = totals.get(key)
                    if kinds is None:
                        start = base.get(key)
                        kinds = totals[key] = dict(start) if start else {}
                    kinds[kind] = kinds.get(kind, 0.0) + mbps
                    if kind == "mirrorview_a":
                        kinds[ASYNC_VOLUME] = kinds.get(ASYNC_VOLUME, 0.0) + sign * stream.volume_gb

    def _gone(self, db_id: str) -> tuple[str, float, list[LinkKey]] | None:
        """(kind, minus its Mbit/s, every link direction its streams cross in order) of a
        database's streams in normal operation, when they all have the same kind and
        rate (log shipping: every replicated database's, each copy's stream at the
        database's rate); None otherwise. Made when first asked (a sizing shifts
        ~20,000 databases at 25k, ~4,000 distinct)."""
        cache = self._gone_cache()
        found = cache.get(db_id, _UNKNOWN)
        if found is not _UNKNOWN:
            return found
        routed = self.base_db.get(db_id, ())
        kinds = {stream.kind for stream, _hops in routed}
        rates = {stream.mbps for stream, _hops in routed}
        if len(kinds) == 1 and len(rates) == 1 and "mirrorview_a" not in kinds:
            # -1.0 * mbps, as _shift's sign makes it: the same float.
            found = (kinds.pop(), -1.0 * rates.pop(), [key for _s, hops in routed for key in hops])
        else:
            found = None
        cache[db_id] = found
        return found

    def _gone_cache(self) -> dict[str, tuple[str, float, list[LinkKey]] | None]:
        cache = self.__dict__.get("_gone_of")
        if cache is None:
            cache = self._gone_of = {}
        return cache

    @staticmethod
    def _shift_gone(
        totals: dict[LinkKey, dict[str, float]],
        base: Mapping[LinkKey, dict[str, float]],
        gone: tuple[str, float, list[LinkKey]],
        now: Iterable[Routed],
    ) -> None:
        """``_shift(totals, base, base_db[db_id], now)`` of a replicated database whose
        streams in normal operation are ``gone`` (see :meth:`_gone`): the same additions
        in the same order, without reading each stream's kind and rate again; ``now``'s
        streams are log shipping and reseeds (no MirrorView/A volume)."""
        kind, mbps, keys = gone
        for key in keys:
            kinds = totals.get(key)
            if kinds is None:
                start = base.get(key)
                kinds = totals[key] = dict(start) if start else {}
            kinds[kind] = kinds.get(kind, 0.0) + mbps
        for stream, hops in now:
            kind = stream.kind
            mbps = stream.mbps
            for key in hops:
                kinds = totals.get(key)
                if kinds is None:
                    start = base.get(key)
                    kinds = totals[key] = dict(start) if start else {}
                kinds[kind] = kinds.get(kind, 0.0) + mbps

    def _changed_dbs(
        self, view: ModeView, moved: Mapping[str, object], overrides: Iterable[str]
    ) -> tuple[set[str], set[str], set[str]]:
        """The replicated databases whose streams can differ from normal operation: what
        :meth:`Flows.database` reads changed for them (the member their active copy is
        on, a copy's member up or in another site, a copy lost, a route). Databases the
        failure only touched (a passive copy on a VM HA restarted in place) keep normal
        operation's streams.

        Returns those, apart the databases whose streams only take other routes (a
        link they crossed is down; nothing else of theirs changed), and apart the DAG
        databases whose only change is passive copies lost in another site than their
        active copy's while no link, site or direction is down (an array's loss: ~500
        of the ~875 databases it changes at 25k): each such copy's log shipping becomes
        its reseed, on the same route, and their other streams stay as they were."""
        shipping = self.flows.shipping
        # C's intersection of the keys (a site's loss moves thousands).
        changed: set[str] = moved.keys() & shipping.keys()
        lost_only: set[str] = set()
        w = view.world
        if w is not None:
            normal = self.normal_view
            on_vm = self.dag_dbs_on_vm
            for gone in (w.vm_down, w.vm_restarted, w.vm_relocated, w.vm_reset):
                # Only VMs holding a DAG copy matter (at 25k 160 of 1,168 VMs): asked
                # first, before the view's up and site; the smaller side is walked.
                for vm in on_vm if len(gone) > len(on_vm) else gone:
                    if vm not in gone:
                        continue
                    holding = on_vm.get(vm)
                    if holding and (
                        view.vm_up(vm) != normal.vm_up(vm) or view.vm_site(vm) != normal.vm_site(vm)
                    ):
                        changed.update(holding)
            # Before the lost copies: a site's loss loses every copy on its arrays, of
            # databases it changes anyway (each then skipped at one set read).
            for site_down in w.sites_down:
                changed.update(self.dbs_in_site.get(site_down, ()))
            if not w.vm_relocated:
                # Every VM in its normal site in this mode too.
                lost_only = self._lost_only(w, changed)
            else:
                lost_only = self._lost_relocated(view, changed)
        rerouted: set[str] = set()
        overrides = list(overrides)
        for link_id in (*view.links_down, *overrides):
            rerouted.update(self.dbs_on_link.get(link_id, ()))
        lost_only -= changed
        if view.links_down or view.sites_down or overrides or view.directions_down:
            changed |= lost_only
            lost_only = set()
        else:
            e2007, shipping = self.flows.e2007, self.flows.shipping
            full = {d for d in lost_only if d in e2007 or shipping[d] <= 0}
            changed |= full
            lost_only -= full
        return changed, rerouted - changed, lost_only

    def _lost_only(self, w: World, changed: set[str]) -> set[str]:
        """:meth:`_changed_dbs`' walk over the lost pairs of a world that relocated no
        VM (every VM in its normal site): the databases not in ``changed`` with a copy
        lost in another site than their active copy's (or not active). The same tests
        in fewer steps: most pairs' databases changed already (an array's loss: ~10 of
        every 16; a site's: all), skipped first at one set read."""
        found: set[str] = set()
        shipping, base_active, on_vm = self.flows.shipping, self.base_active, self.dag_dbs_on_vm
        site_of = self.prep.vm_site.get
        for lost in (w.copy_lost, w.logs_lost):
            for vm, db_id in lost:
                if db_id in changed:
                    continue
                if db_id != "*":
                    if db_id in shipping:
                        active = base_active[db_id]
                        if active is None or site_of(active) != site_of(vm):
                            found.add(db_id)
                    continue
                dbs = on_vm.get(vm, ())
                if changed.issuperset(dbs):
                    # Its VM's databases changed already (a VM down: an array's or a
                    # site's loss downs ~40-160 at 25k, ~100 copies each).
                    continue
                site = site_of(vm)
                for d in dbs:
                    if d in changed:
                        continue
                    active = base_active[d]
                    if active is None or site_of(active) != site:
                        found.add(d)
        return found

    def _lost_relocated(self, view: ModeView, changed: set[str]) -> set[str]:
        """:meth:`_lost_only` of a world that relocated VMs (an SRM recovery plan's):
        each lost copy's site and its database's active copy's read from the view and
        from normal operation."""
        w = view.world
        assert w is not None
        found: set[str] = set()
        shipping, base_active = self.flows.shipping, self.base_active
        vm_site, normal_site = view.vm_site, self.normal_view.vm_site
        for lost in (w.copy_lost, w.logs_lost):
            for vm, db_id in lost:
                if db_id == "*":
                    dbs: Iterable[str] = self.dag_dbs_on_vm.get(vm, ())
                    if changed.issuperset(dbs):
                        continue
                elif db_id in shipping:
                    if db_id in changed:
                        continue
                    dbs = (db_id,)
                else:
                    continue
                site, normal_vm_site = vm_site(vm), normal_site(vm)
                for d in dbs:
                    if d in changed:
                        continue
                    # Not moved: active where it was. A lost copy in its active copy's
                    # site sends nothing across a link either way (its reseed neither).
                    active = base_active[d]
                    if (
                        active is None
                        or vm_site(active) != site
                        or normal_site(active) != normal_vm_site
                    ):
                        found.add(d)
        return found

    def _reseeds(self, view: ModeView, db_id: str) -> tuple[list[Routed], list[Routed]]:
        """(normal operation's streams that change, what they become) of a database
        whose only change is passive copies lost (see :meth:`_changed_dbs`): a lost
        copy's log shipping becomes its reseed, on the same route. The database's
        streams are then what :meth:`Flows.database` gives (a test compares them)."""
        gone: list[Routed] = []
        now: list[Routed] = []
        copy_stream = self.flows.copy_stream
        for routed in self.base_db.get(db_id, ()):
            stream, hops = routed
            member = stream.target
            if member and view.copy_lost(member, db_id):
                gone.append(routed)
                now.append(
                    (copy_stream(db_id, member, stream.from_site, stream.to_site, True), hops)
                )
        return gone, now

    def _kept(self, view: ModeView, db_id: str, base: Sequence[Routed]) -> list[Routed] | None:
        """What :meth:`Flows.database` gives for a DAG database active where it was in
        normal operation (or on another member of that site), in a mode that relocated
        no VM: normal operation's streams to the members still up, each on its route
        now (the same, or None: ask :meth:`Flows.database`); None too when one of those
        members lost its copy (its stream becomes a reseed). No member can send more
        than in normal operation: its site is the same, the active copy's too, and a
        failure opens no route. A site's or an array's loss changes ~500 and ~250 such
        databases at 25k without moving them; ~6,000 move within their site per
        sizing."""
        ups, vm_up = view._up, view.vm_up
        any_lost = view._any_lost
        plain = not (view.links_down or view.sites_down or view.directions_down)
        now: list[Routed] = []
        for routed in base:
            stream = routed[0]
            member = stream.target
            up = ups.get(member)
            if not (vm_up(member) if up is None else up):
                continue
            if any_lost and view.copy_lost(member, db_id):
                return None
            if not plain and view.route(stream.from_site, stream.to_site) != routed[1]:
                return None
            now.append(routed)
        return now

    def _shift_reseeds(
        self, totals: dict[LinkKey, dict[str, float]], view: ModeView, dbs: Iterable[str]
    ) -> None:
        """``_shift(totals, base_totals, *_reseeds(view, db_id))`` for each of ``dbs``
        in turn, without making the reseeds' streams (4,000 per sizing at 25k, a frozen
        dataclass each): a lost copy's log shipping taken away, then its reseed added,
        the same figures on the same link directions in the same order (normal
        operation's streams of a database are log shipping: no MirrorView/A volume)."""
        base_totals, base_db = self.base_totals, self.base_db
        reseed_mbps = self.flows.reseed_mbps
        copy_lost = view.copy_lost
        for db_id in dbs:
            gone = [
                routed
                for routed in base_db.get(db_id, ())
                if routed[0].target and copy_lost(routed[0].target, db_id)
            ]
            if not gone:
                continue
            for stream, hops in gone:
                kind = stream.kind
                mbps = -1.0 * stream.mbps
                for key in hops:
                    kinds = totals.get(key)
                    if kinds is None:
                        start = base_totals.get(key)
                        kinds = totals[key] = dict(start) if start else {}
                    kinds[kind] = kinds.get(kind, 0.0) + mbps
            # The reseed of a DAG copy: "dag_reseed" at the database's reseed rate.
            mbps = reseed_mbps[db_id]
            for _stream, hops in gone:
                for key in hops:
                    kinds = totals.get(key)
                    if kinds is None:
                        start = base_totals.get(key)
                        kinds = totals[key] = dict(start) if start else {}
                    kinds["dag_reseed"] = kinds.get("dag_reseed", 0.0) + mbps

    # -- database classes ------------------------------------------------------------------
    #: Whether :meth:`evaluate` shifts the link totals a class's group at a time (False:
    #: database by database, the reference ``tests/capacity/test_class_groups15.py``
    #: compares with).
    grouped = True

    def _classes(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Replicated database → its class: (its copies' members in order, its active
        member in normal operation). Databases of one class send the same streams on
        the same routes in normal operation and in every mode where their active copy
        is on the same member and the same copies are lost — only their rates differ
        (at 25k, 4,000 databases in 160 classes). Only DAG databases (not Exchange
        2007's) active in normal operation, with a log rate above 0: their normal
        streams are log shipping at that rate (the others are shifted one by one).
        Made when first read."""
        found: dict[str, tuple[tuple[str, ...], str]] | None = self.__dict__.get("_class_of")
        if found is not None:
            return found
        found = self._class_of = {}
        shipping, e2007, members = self.flows.shipping, self.flows.e2007, self.flows.copy_members
        base_active = self.base_active
        # One tuple object per class: the group keys hash it once per mode.
        keys: dict[tuple[tuple[str, ...], str], tuple[tuple[str, ...], str]] = {}
        for db_id in self.base_db:
            # Flows.normal gives each such database's normal streams as log shipping
            # at its rate (tests/capacity/test_class_groups15.py checks it).
            active = base_active.get(db_id)
            if active is None or db_id in e2007 or not shipping[db_id] > 0.0:
                continue
            key = (members[db_id], active)
            found[db_id] = keys.setdefault(key, key)
        return found

    def _now(
        self,
        view: ModeView,
        db_id: str,
        rerouted: bool,
        moved: Mapping[str, str | None],
        kept: Callable[[ModeView, str, Sequence[Routed]], list[Routed] | None] | None,
    ) -> list[Routed]:
        """A recomputed database's streams in ``view`` (:meth:`evaluate`'s loop)."""
        base = self.base_db.get(db_id, ())
        if rerouted:
            now = []
            for stream, _hops in base:
                hops = view.route(stream.from_site, stream.to_site)
                if hops:
                    now.append((stream, hops))
            return now
        base_active, e2007, site_of = self.base_active, self.flows.e2007, self.prep.vm_site.get
        if db_id in moved:
            active = moved[db_id]
            was = base_active[db_id]
            found = (
                kept(view, db_id, base)
                if kept is not None
                and active is not None
                and was is not None
                and db_id not in e2007
                and site_of(active) == site_of(was)
                else None
            )
            return self.flows.database(db_id, view, active) if found is None else found
        found = None if kept is None or db_id in e2007 else kept(view, db_id, base)
        return self.flows.database(db_id, view, base_active[db_id]) if found is None else found

    def _shift_groups(
        self,
        view: ModeView,
        totals: dict[LinkKey, dict[str, float]],
        dbs: AbstractSet[str],
        rerouted: AbstractSet[str],
        moved: Mapping[str, str | None],
        kept: Callable[[ModeView, str, Sequence[Routed]], list[Routed] | None] | None,
    ) -> None:
        """:meth:`evaluate`'s loop over the recomputed databases ``dbs`` (in id order)
        for the link totals alone, a group at a time: the databases of one class
        (:meth:`_classes`) rerouted alike, or active on the same member now with the
        same copies lost, send the same streams on the same routes, at their own rates.
        The first one's streams are worked out (:meth:`_now`); the group's log
        shipping is taken away at the sum of its rates on normal operation's routes and
        added back, with the reseeds at the sum of theirs, on the routes now. A
        database of no class is shifted alone, as before. The groups come in the order
        of their first database, so each link direction and each kind within it first
        appears in ``totals`` in the order the database-by-database loop gave (the
        figures are the same sums, added in another order: they may differ in the
        last bits; the report rounds them to 3 decimals): :meth:`_link_groups`."""
        classes = self._classes()
        base_db, shipping = self.base_db, self.flows.shipping
        groups = self._link_groups(view, dbs, rerouted, moved)
        shift, reseed = self._shift, self.flows.reseed_mbps
        base_totals = self.base_totals
        for group in groups:
            first = group[0]
            base = base_db.get(first, ())
            now = self._now(view, first, first in rerouted, moved, kept)
            if now == base:
                continue  # the same streams on the same routes: nothing to add
            if first not in classes:
                shift(totals, base_totals, base, now)
                continue
            rate = shipping[first]
            if len(group) == 1:
                ship, again = rate, reseed[first]
            else:
                ship = sum(map(shipping.__getitem__, group))
                again = -1.0  # the reseeds' sum, when first needed
            gone = -1.0 * ship
            for stream, hops in base:
                kind = stream.kind
                for key_ in hops:
                    kinds = totals.get(key_)
                    if kinds is None:
                        start = base_totals.get(key_)
                        kinds = totals[key_] = dict(start) if start else {}
                    kinds[kind] = kinds.get(kind, 0.0) + gone
            for stream, hops in now:
                kind = stream.kind
                if kind == "dag_log_shipping":
                    mbps = ship
                else:
                    # A lost copy's reseed (Flows._copy_stream).
                    if again < 0.0:
                        again = sum(map(reseed.__getitem__, group))
                    mbps = again
                for key_ in hops:
                    kinds = totals.get(key_)
                    if kinds is None:
                        start = base_totals.get(key_)
                        kinds = totals[key_] = dict(start) if start else {}
                    kinds[kind] = kinds.get(kind, 0.0) + mbps

    def _link_groups(
        self,
        view: ModeView,
        dbs: AbstractSet[str],
        rerouted: AbstractSet[str],
        moved: Mapping[str, str | None],
    ) -> list[list[str]]:
        """:meth:`_shift_groups`' groups of ``dbs``, each in id order, in the order of
        their first database: a database of no class alone; a class's databases
        rerouted together, the others by their active member now and, when one of
        their copies may be lost and not another's, by which (:meth:`_lost_pattern`).

        Found a class at a time (:meth:`_class_dbs`): its databases among ``dbs``
        picked and their active members now read at C speed; a class whose databases
        are all active on one member now, none rerouted and none with a lost copy that
        could tell them apart, is one group (a site's loss recomputes ~2,000 databases
        in ~80 classes at 25k; a key per database cost ~1,900 instructions); the others
        database by database (:meth:`_class_groups`). Then sorted by first database:
        the groups, and their order, of a key per database in id order."""
        classes = self._classes()
        lost = view._lost if view._any_lost else None
        if lost is None and view._any_lost:
            lost = view._lost = view.lost_copies()  # as view.copy_lost keeps them
        lost_pairs = lost[0] if lost is not None else set()
        # Only a copy on a member up can differ from one database of a class to the
        # next (the streams of a member down are not read): the members up of the lost
        # pairs (none in a site's loss: its VMs are down).
        vm_up = view.vm_up
        lost_members = {vm for vm in view._lost_vms if vm_up(vm)} if lost is not None else set()
        get_class, moved_get = classes.get, moved.get
        class_dbs = self._class_dbs()
        # Each group in id order; a database of no class alone (shifted as before).
        # (``filterfalse`` walks ``dbs``: a set less ``classes.keys()`` would walk the
        # 4,000 classed databases at 25k.)
        groups: list[list[str]] = [[db_id] for db_id in filterfalse(classes.__contains__, dbs)]
        touched = set(map(get_class, dbs))
        touched.discard(None)
        for cls in touched:
            assert cls is not None
            picked = list(filter(dbs.__contains__, class_dbs[cls]))
            if (rerouted and not rerouted.isdisjoint(picked)) or (
                lost_members and not lost_members.isdisjoint(cls[0])
            ):
                groups += self._class_groups(
                    view, cls, picked, rerouted, moved, lost_members, lost_pairs
                )
                continue
            # Its active member now: where it moved (None: down), else its class's.
            actives = list(map(moved_get, picked, repeat(cls[1])))
            if actives.count(actives[0]) == len(actives):
                groups.append(picked)
                continue
            by_active: dict[str | None, list[str]] = {}
            for db_id, active in zip(picked, actives, strict=True):
                found = by_active.get(active)
                if found is None:
                    by_active[active] = [db_id]
                else:
                    found.append(db_id)
            groups += by_active.values()
        groups.sort(key=itemgetter(0))
        return groups

    def _class_groups(
        self,
        view: ModeView,
        cls: tuple[tuple[str, ...], str],
        picked: list[str],
        rerouted: AbstractSet[str],
        moved: Mapping[str, str | None],
        lost_members: AbstractSet[str],
        lost_pairs: AbstractSet[tuple[str, str]],
    ) -> Iterable[list[str]]:
        """:meth:`_shift_groups`' groups of class ``cls``'s databases ``picked`` (in
        id order) database by database: those rerouted together, the others by their
        active member now and, when a lost copy can tell them apart (one of
        ``lost_members``, the lost pairs' members up, holds a copy of the class), by
        which of :meth:`_lost_pattern`'s members lost theirs; in the order of their
        first."""
        groups: dict[object, list[str]] = {}
        maybe: tuple[str, ...] | None = None
        patterned = bool(lost_members) and not lost_members.isdisjoint(cls[0])
        for db_id in picked:
            if rerouted and db_id in rerouted:
                key: object = True
            else:
                active = moved.get(db_id, cls[1])
                if patterned:
                    if maybe is None:
                        maybe = self._lost_pattern(view, cls)
                    key = (active, tuple([(m, db_id) in lost_pairs for m in maybe]))
                else:
                    key = (active, None)
            found = groups.get(key)
            if found is None:
                groups[key] = [db_id]
            else:
                found.append(db_id)
        return groups.values()

    def _class_dbs(self) -> dict[tuple[tuple[str, ...], str], list[str]]:
        """Class (:meth:`_classes`) → its databases in id order (made when first
        read)."""
        found: dict[tuple[tuple[str, ...], str], list[str]] | None = self.__dict__.get(
            "_dbs_of_class"
        )
        if found is None:
            found = self._dbs_of_class = {}
            classes = self._classes()
            for db_id in sorted(classes):
                cls = classes[db_id]
                listed = found.get(cls)
                if listed is None:
                    found[cls] = [db_id]
                else:
                    listed.append(db_id)
        return found

    @staticmethod
    def _lost_pattern(view: ModeView, cls: tuple[tuple[str, ...], str]) -> tuple[str, ...]:
        """The members of class ``cls`` whose copy is lost for some of its databases
        and not for others in ``view`` (its lost copies read): those with a lost pair,
        but those that lost every copy they hold. Which of them lost a database's copy
        tells its lost copies apart as all its members would (the others' copies are
        lost for each database of the class, or for none), at half the pair reads or
        fewer (an array's loss loses the copies of one site's members)."""
        assert view._lost is not None
        stars, vms = view._lost[1], view._lost_vms
        return tuple([m for m in cls[0] if m in vms and m not in stars])

    def _shift_reseed_groups(
        self, totals: dict[LinkKey, dict[str, float]], view: ModeView, dbs: Sequence[str]
    ) -> None:
        """:meth:`_shift_reseeds` a group at a time: the databases of one class
        (:meth:`_classes`) that lost the same copies lose the same log shipping and
        reseed them on the same routes, at their own rates (summed per group, in id
        order; groups in the order of their first database)."""
        classes = self._classes()
        lost = view._lost
        if lost is None:
            lost = view._lost = view.lost_copies()  # as view.copy_lost keeps them
        lost_pairs = lost[0]
        groups: dict[object, list[str]] = {}
        patterns: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}
        for db_id in dbs:
            cls = classes.get(db_id)
            if cls is None:
                key: object = db_id
            else:
                maybe = patterns.get(cls)
                if maybe is None:
                    maybe = patterns[cls] = self._lost_pattern(view, cls)
                key = (cls, tuple([(m, db_id) in lost_pairs for m in maybe]))
            found = groups.get(key)
            if found is None:
                groups[key] = [db_id]
            else:
                found.append(db_id)
        base_totals, base_db = self.base_totals, self.base_db
        shipping, reseed_mbps = self.flows.shipping, self.flows.reseed_mbps
        copy_lost = view.copy_lost
        for key, group in groups.items():
            if type(key) is str:
                self._shift_reseeds(totals, view, group)
                continue
            first = group[0]
            gone = [
                routed
                for routed in base_db.get(first, ())
                if routed[0].target and copy_lost(routed[0].target, first)
            ]
            if not gone:
                continue
            if len(group) == 1:
                ship, again = shipping[first], reseed_mbps[first]
            else:
                ship = sum(map(shipping.__getitem__, group))
                again = sum(map(reseed_mbps.__getitem__, group))
            for stream, hops in gone:
                kind = stream.kind
                mbps = -1.0 * ship
                for key_ in hops:
                    kinds = totals.get(key_)
                    if kinds is None:
                        start = base_totals.get(key_)
                        kinds = totals[key_] = dict(start) if start else {}
                    kinds[kind] = kinds.get(kind, 0.0) + mbps
            for _stream, hops in gone:
                for key_ in hops:
                    kinds = totals.get(key_)
                    if kinds is None:
                        start = base_totals.get(key_)
                        kinds = totals[key_] = dict(start) if start else {}
                    kinds["dag_reseed"] = kinds.get("dag_reseed", 0.0) + again

    def _moved(self, view: ModeView) -> dict[str, str | None]:
        """Databases whose active member (or none) differs from normal operation, with
        the member they are active on now (None: down)."""
        settled = view.settled
        if settled is None:
            return {}
        base_active = self.base_active
        found: dict[str, str | None] = {}
        for db_id, st in settled.databases.items():
            now = st.active_on if st.status == "active" else None
            if base_active[db_id] != now:
                found[db_id] = now
        return found

    def _moved_from(
        self, before: Mapping[str, str | None], settled: Settled, replaced: AbstractSet[str]
    ) -> dict[str, str | None] | None:
        """:meth:`_moved` of a placement that went on from (or was placed beside) the
        state whose moves are ``before``, having placed ``replaced`` again: every other
        database's state is that state's, and its databases are listed in that state's
        order, those newly listed after them in id order (a step's writes). So
        ``before`` with the databases of ``replaced`` read again is :meth:`_moved`,
        in its order too. None (read them all) when a database listed there without
        having moved moved now (it comes in its place, not last). A site loss plus one
        or a double failure places ~100 of the ~530 databases its state lists at 25k."""
        found = dict(before)
        base_active, databases = self.base_active, settled.databases
        went_on_from = settled.went_on_from
        listed = went_on_from.databases if went_on_from is not None else {}
        for db_id in sorted(replaced):
            st = databases.get(db_id)
            now = (
                base_active[db_id]  # its baseline state: active where it was
                if st is None
                else (st.active_on if st.status == "active" else None)
            )
            if base_active[db_id] == now:
                found.pop(db_id, None)
            elif db_id in found:
                found[db_id] = now  # in its place
            elif db_id in listed:
                return None
            else:
                found[db_id] = now  # newly listed: after the others, in id order
        return found

    def _others_changed(self, view: ModeView, overrides: Iterable[str]) -> bool:
        w = view.world
        if w is None:
            return bool(list(overrides))
        prep = self.prep
        return bool(
            w.links_down
            or w.sites_down
            or w.luns_down
            or any(f in prep.mirrors or f in prep.host_repls for f in w.failed)
            or any(vm in self.repl_vms for vm in w.vm_down)
            or any(vm in self.repl_vms for vm in w.vm_restarted)
            or list(overrides)
        )

    def _others_diff(self, others: list[Routed]) -> tuple[list[Routed], list[Routed]]:
        """(normal operation's mirror and Double-Take streams that are not in
        ``others``, those of ``others`` that are not normal operation's), each in its
        list's order: a stream sent as in normal operation, on the same route, is
        neither taken away nor added again (a link's or an array's loss stops or
        reroutes a few of the ~110 mirrors at 25k)."""
        base = self.base_other
        if len(others) == len(base) and all(map(eq, others, base)):
            return [], []
        # Each stream's element (a mirror, a Double-Take replication) sends one stream
        # at most: a stream is in the other list when the other's stream of its element
        # equals it (a string read each, where a set of streams hashes every field).
        before = self._base_other_of()
        now = {routed[0].element: routed for routed in others}
        if before is None or len(now) != len(others):
            in_before, in_now = set(base), set(others)
            return [r for r in base if r not in in_now], [r for r in others if r not in in_before]
        now_get, before_get = now.get, before.get
        return (
            [r for r in base if now_get(r[0].element) != r],
            [r for r in others if before_get(r[0].element) != r],
        )

    def _base_other_of(self) -> dict[str, Routed] | None:
        """Element → its stream in :attr:`base_other` (None: an element sends two; made
        when first read)."""
        found = self.__dict__.get("_other_of", _UNKNOWN)
        if found is _UNKNOWN:
            of = {routed[0].element: routed for routed in self.base_other}
            found = self._other_of = of if len(of) == len(self.base_other) else None
        return found

    # -- members ---------------------------------------------------------------------------
    def _member_loads(self, view: ModeView, members: Iterable[str]) -> dict[str, MemberLoad]:
        """Loads of ``members`` in ``view``, from the databases with a copy on each."""
        loads: dict[str, MemberLoad] = {}
        passive_of = self.passive_of
        for m in members:
            active: list[str] = []
            passive: list[str] = []
            up = view.vm_up(m)
            for db_id in self.copies_on_vm.get(m, ()):
                if view.active_on(db_id) == m:
                    active.append(db_id)
                elif up and m in passive_of.get(db_id, ()) and not view.copy_lost(m, db_id):
                    passive.append(db_id)
            loads[m] = self._load(view, m, active, passive)
        return loads

    def _normal_loads(
        self, active: Mapping[str, list[str]], passive: Mapping[str, list[str]]
    ) -> dict[str, MemberLoad]:
        """``_member_loads(self.normal_view, self.members)`` from each member's
        databases active and passive in normal operation, listed by the set-up's pass
        over the copies (in ``copies_on_vm``'s order; the view would read the baseline's
        state through two calls per copy, 16,000 copies at 25k); no copy is lost in
        normal operation and every server holding one is up."""
        view, load = self.normal_view, self._load
        none: list[str] = []
        return {m: load(view, m, active.get(m, none), passive.get(m, none)) for m in self.members}

    def _load(
        self, view: ModeView, member: str, active: list[str], passive: list[str]
    ) -> MemberLoad:
        up = view.vm_up(member)
        if not up:
            return MemberLoad(member, False, view.vm_host(member), 0, 0, 0, 0.0, 0.0)
        read = self.cost.__getitem__
        # Each database's costs read once; every sum adds the same terms in the same
        # order as one generator per figure did, the terms picked at C speed (the
        # set-up's normal loads: 16,000 copies at 25k).
        held = list(map(read, active))
        spare = list(map(read, passive))
        mbx = sum(map(_MAILBOXES, held))
        mc = sum(map(_ACTIVE_MC, held)) + sum(map(_PASSIVE_MC, spare))
        cache = sum(map(_CACHE_GB, held))
        memory = (self.figures.base_memory_gb + cache) if (active or passive) else 0.0
        return MemberLoad(
            member,
            True,
            view.vm_host(member),
            len(active),
            mbx,
            sum(map(_MAILBOXES, spare)),
            round(mc, 6),
            round(memory, 6),
        )

    def _member_changes(
        self,
        view: ModeView,
        moved: Mapping[str, str | None] | None = None,
        *,
        record: bool = False,
    ) -> dict[str, MemberLoad]:
        """Members whose load differs from normal: those a database moved to or from,
        that lost a copy, that are down or were restarted elsewhere. Normal operation's
        loads plus what moved (only the databases the failure changed are read).

        ``record``: keep what the moves added (before the lost copies are taken away)
        for the modes whose world grows from this one's (:meth:`_walk_from`)."""
        w = view.world
        if w is None:
            return {}
        base_members, vm_up = self.base_members, view.vm_up
        down: set[str] = set()
        for gone in (w.vm_down, w.vm_restarted, w.vm_reset, w.vm_relocated):
            # A site's loss takes thousands of VMs down, few of them members.
            if len(gone) > len(base_members):
                down.update(m for m in base_members if m in gone and not vm_up(m))
            else:
                down.update(m for m in gone if m in base_members and not vm_up(m))
        for site in w.sites_down:
            down.update(m for m in self.members_in_site.get(site, ()) if not vm_up(m))
        # Not copied when one of them is empty (an array's loss destroys thousands).
        lost = (
            (w.copy_lost | w.logs_lost)
            if w.copy_lost and w.logs_lost
            else (w.copy_lost or w.logs_lost)
        )
        grown = w.grown_from
        kept = None if grown is None else self._walks().get(id(grown))
        if kept is not None and kept.world is grown:
            # A double failure placed beside a single's placement, a site loss plus one
            # going on from the site's: the single's sums plus what differs.
            settled = view.settled
            replaced: AbstractSet[str] | None = None
            if (
                moved is None
                and self.grouped
                and settled is not None
                and kept.settled is not None
                and settled.went_on_from is kept.settled
                and settled.replaced is not None
                # Worth it when few are placed again (at 25k ~100 of ~530 listed; on a
                # small design most can be, then reading them all costs less).
                and 2 * len(settled.replaced) <= len(settled.databases)
            ):
                replaced = settled.replaced
            if replaced is not None and settled is not None:
                moved = self._moved_from(kept.moved, settled, replaced)
                if moved is None:
                    replaced = None
            if moved is None:
                moved = self._moved(view)
            delta = self._walk_from(kept, moved, lost, vm_up, replaced)
        else:
            if moved is None:
                moved = self._moved(view)
            up: dict[str, bool] = {}
            delta = self._moved_walk(moved, lost, vm_up, up)
            if record:
                self._walks()[id(w)] = _Walked(
                    w, moved, {m: row.copy() for m, row in delta.items()}, up, lost, view.settled
                )
        if lost:
            # Passive copies the failure destroyed (their member still up): summed per
            # lost array and LUN, else pair by pair.
            if self._lost_copies is None:
                self._lost_copies = LostCopies(
                    self.prep, self.base_members, self.cost, self.base_active, self.passive_of
                )
            multi = self._lost_copies.subtract(w, moved, lost, down, delta)
            self._lost_walk(lost if multi is None else multi, moved, down, delta)
        return self._changed_loads(view, delta, down)

    def _moved_walk(
        self,
        moved: Mapping[str, str | None],
        lost: AbstractSet[tuple[str, str]],
        vm_up: Callable[[str], bool],
        up: dict[str, bool] | None = None,
    ) -> dict[str, list[float]]:
        """Member → [active databases, active mailboxes, passive mailboxes, megacycles,
        cache GB] gained (or lost) against normal operation by the databases that
        moved. ``up``: filled with whether each member a database holding a copy left
        is up (read by :meth:`_walk_from`).

        A group at a time: the databases that left the same member for the same member,
        held by the same servers, each still holding its (now passive) copy on the
        member it left or each not (:meth:`_walk_classes`; at 25k a single failure's
        ~60 moves, a site's ~1,700, come in groups of ~25) add their mailboxes, and
        their megacycles and cache summed in the moves' order (the same integers; the
        floats the same terms added in another order, as :meth:`_walk_from`'s:
        ``MemberLoad`` rounds them to 6 decimals). The groups come in the order of
        their first move, so the members come in the walk's order (each move's member
        left, then reached). ``grouped`` False: move by move
        (:meth:`_moved_walk_each`, the reference)."""
        if up is None:
            up = {}
        if not self.grouped:
            return self._moved_walk_each(moved, lost, vm_up, up)
        classes = self._walk_classes()
        get_class = classes.get
        groups: dict[tuple[tuple[str | None, frozenset[str], bool], str | None, bool], list[str]]
        groups = {}
        #: Class → whether each of its databases keeps a (now passive) copy on the
        #: member it left, or that member (a string: asked per database, its copies
        #: lost for some); the member's up and "*" read once per class.
        keeps_of: dict[tuple[str | None, frozenset[str], bool], bool | str] = {}
        for db_id, now in moved.items():
            cls = get_class(db_id)
            if cls is None:
                continue
            found_keeps = keeps_of.get(cls)
            if found_keeps is None:
                found_keeps = False
                was = cls[0]
                if cls[2] and was is not None:  # its normal active member holds a copy
                    was_up = up.get(was)
                    if was_up is None:
                        was_up = up[was] = vm_up(was)
                    if was_up:
                        found_keeps = True if not lost else (was, "*") not in lost and was
                keeps_of[cls] = found_keeps
            keeps = (
                found_keeps
                if found_keeps is True or found_keeps is False
                else (found_keeps, db_id) not in lost
            )
            key = (cls, now, keeps)
            found = groups.get(key)
            if found is None:
                groups[key] = [db_id]
            else:
                found.append(db_id)
        delta: dict[str, list[float]] = {}
        rows = self._walk_rows
        for (cls, now, keeps), group in groups.items():
            was, holders = cls[0], cls[1]
            if len(group) == 1:
                row_ = rows[group[0]]
                n, mailboxes, active_mc, cache_gb, passive_mc = 1, *row_[1:5]
            else:
                # Each sum at C speed, its terms in the group's order (the same floats).
                found_rows = list(map(rows.__getitem__, group))
                n = len(group)
                mailboxes = sum(map(_ROW_MAILBOXES, found_rows))
                active_mc = sum(map(_ROW_ACTIVE_MC, found_rows))
                cache_gb = sum(map(_ROW_CACHE_GB, found_rows))
                passive_mc = sum(map(_ROW_PASSIVE_MC, found_rows))
            if was is not None:
                row = delta.get(was)
                if row is None:
                    row = delta[was] = [0, 0, 0, 0.0, 0.0]
                row[0] -= n
                row[1] -= mailboxes
                row[3] -= active_mc
                row[4] -= cache_gb
                if keeps:  # each still holds a (now passive) copy
                    row[2] += mailboxes
                    row[3] += passive_mc
            if now is not None:
                row = delta.get(now)
                if row is None:
                    row = delta[now] = [0, 0, 0, 0.0, 0.0]
                row[0] += n
                row[1] += mailboxes
                row[3] += active_mc
                row[4] += cache_gb
                if now in holders:
                    row[2] -= mailboxes
                    row[3] -= passive_mc
        return delta

    def _walk_classes(self) -> dict[str, tuple[str | None, frozenset[str], bool]]:
        """Database → its walk row's class: (its normal active member, the servers
        holding a copy, whether the first is one of the second); one tuple object per
        class (made when first read)."""
        found: dict[str, tuple[str | None, frozenset[str], bool]] | None = self.__dict__.get(
            "_walk_class_of"
        )
        if found is None:
            found = self._walk_class_of = {}
            keys: dict[object, tuple[str | None, frozenset[str], bool]] = {}
            for db_id, row in self._walk_rows.items():
                key = (row[0], frozenset(row[5]), row[6])
                found[db_id] = keys.setdefault(key, key)
        return found

    def _moved_walk_each(
        self,
        moved: Mapping[str, str | None],
        lost: AbstractSet[tuple[str, str]],
        vm_up: Callable[[str], bool],
        up: dict[str, bool] | None = None,
    ) -> dict[str, list[float]]:
        """:meth:`_moved_walk` move by move (the reference the tests compare with)."""
        delta: dict[str, list[float]] = {}
        rows = self._walk_rows
        #: Member → up (a mode's moves leave a few members; a dict read is cheaper
        #: than the view's cached method, 48,000 moves per sizing at 25k).
        if up is None:
            up = {}
        for db_id, now in moved.items():
            found = rows.get(db_id)
            if found is None:
                continue
            was, mailboxes, active_mc, cache_gb, passive_mc, holders, was_holds = found
            if was is not None:
                row = delta.get(was)
                if row is None:
                    row = delta[was] = [0, 0, 0, 0.0, 0.0]
                row[0] -= 1
                row[1] -= mailboxes
                row[3] -= active_mc
                row[4] -= cache_gb
                if was_holds:
                    was_up = up.get(was)
                    if was_up is None:
                        was_up = up[was] = vm_up(was)
                else:
                    was_up = False
                if was_up and (
                    not lost or ((was, db_id) not in lost and (was, "*") not in lost)
                ):  # still holds a (now passive) copy
                    row[2] += mailboxes
                    row[3] += passive_mc
            if now is not None:
                row = delta.get(now)
                if row is None:
                    row = delta[now] = [0, 0, 0, 0.0, 0.0]
                row[0] += 1
                row[1] += mailboxes
                row[3] += active_mc
                row[4] += cache_gb
                if now in holders:
                    row[2] -= mailboxes
                    row[3] -= passive_mc
        return delta

    def _walks(self) -> dict[int, _Walked]:
        """World (by id) → what :meth:`_moved_walk` added in the mode evaluated in it
        (each single failure and site loss of a sizing; made when first read)."""
        walks = self.__dict__.get("_walked")
        if walks is None:
            walks = self._walked = {}
        return walks

    def forget_walks(self) -> None:
        """Drop what :meth:`_walks` kept for a sizing's modes (~4.7 MB at 25k, its
        worlds with their lost pairs): an engine kept after its sizing (the window's
        :func:`~designer.capacity.shared.shared_sizing`) does not need it; a mode
        evaluated later walks its moves."""
        self.__dict__.pop("_walked", None)

    def _walk_from(
        self,
        base: _Walked,
        moved: Mapping[str, str | None],
        lost: AbstractSet[tuple[str, str]],
        vm_up: Callable[[str], bool],
        replaced: AbstractSet[str] | None = None,
    ) -> dict[str, list[float]]:
        """:meth:`_moved_walk` of a mode whose world grew from ``base``'s (a double
        failure placed beside a single's placement, a site loss plus one going on from
        the site's: ~530 moves each, all but ~50 the base's own at 25k): the base's sums,
        less what its moves that differ added, plus what this mode's add. A move's
        figures depend on its database, the member it left and reached, and whether
        the member it left still holds its (passive) copy: up, the copy not lost; that
        last term is judged again for every move whose member was or is up. The same
        members; the same integers; megacycles and cache the same terms added in
        another order (``MemberLoad`` rounds them to 6 decimals;
        ``tests/capacity/test_member_walk.py`` compares both on every mode)."""
        rows = self._walk_rows
        get = rows.get
        delta = {m: row.copy() for m, row in base.delta.items()}
        before_moved, up_before, lost_before = base.moved, base.up, base.lost
        before_get = before_moved.get
        up: dict[str, bool] = {}
        if replaced is None:
            changed = [d for d, now in moved.items() if before_get(d, _UNKNOWN) != now]
            gone = [d for d in before_moved if d not in moved]
        else:
            # Only the databases placed again can have moved otherwise than in the
            # base's mode (``moved`` is :meth:`_moved_from`'s), in id order.
            placed = sorted(replaced)
            changed = [d for d in placed if d in moved and before_get(d, _UNKNOWN) != moved[d]]
            gone = [d for d in placed if d in before_moved and d not in moved]
        #: Members a database holding a copy left, up in the base's mode or this one's:
        #: whether each still holds its (passive) copy is judged again.
        again = {m for m, was_up in up_before.items() if was_up or vm_up(m)}
        if again:
            for db_id, now in moved.items():
                found = get(db_id)
                if (
                    found is None
                    or not found[6]
                    or found[0] not in again
                    or before_get(db_id, _UNKNOWN) != now
                ):
                    continue
                was = found[0]
                kept_before = up_before[was] and (
                    not lost_before
                    or ((was, db_id) not in lost_before and (was, "*") not in lost_before)
                )
                was_up = up.get(was)
                if was_up is None:
                    was_up = up[was] = vm_up(was)
                kept_now = was_up and (
                    not lost or ((was, db_id) not in lost and (was, "*") not in lost)
                )
                if kept_now != kept_before:
                    row = delta[was]
                    sign = 1 if kept_now else -1
                    row[2] += sign * found[1]
                    row[3] += sign * found[4]
        step = self._step
        # The members a move of this mode leaves or reaches (the walk's keys): the
        # base's, counted by its moves, less the moves that differ, plus this mode's
        # own (a few hundred reads where reading every move cost ~800 at 25k).
        touches = dict(base.touches(self._was_of()))
        for db_id in changed:
            found = get(db_id)
            if found is None:
                continue
            left = found[0]
            before = before_get(db_id, _UNKNOWN)
            if before is not _UNKNOWN:
                step(delta, found, db_id, before, -1, up_before, lost_before)
                touches[left] -= 1
                touches[before] -= 1
            now = moved[db_id]
            step(delta, found, db_id, now, 1, up, lost, vm_up)
            touches[left] = touches.get(left, 0) + 1
            touches[now] = touches.get(now, 0) + 1
        for db_id in gone:
            found = get(db_id)
            if found is not None:
                before = before_moved[db_id]
                step(delta, found, db_id, before, -1, up_before, lost_before)
                touches[found[0]] -= 1
                touches[before] -= 1
        # In the base's walk order, then this mode's (the order of a mode's members is
        # read nowhere: its loads are looked up or compared member by member).
        return {m: delta[m] for m, n in touches.items() if n and m is not None}

    def _was_of(self) -> dict[str, str | None]:
        """Database → the member its walk row says it leaves (made when first read)."""
        found = self.__dict__.get("_was")
        if found is None:
            found = self._was = {db_id: row[0] for db_id, row in self._walk_rows.items()}
        return found

    @staticmethod
    def _step(
        delta: dict[str, list[float]],
        found: _WalkRow,
        db_id: str,
        now: str | None,
        sign: int,
        up: dict[str, bool],
        lost: AbstractSet[tuple[str, str]],
        vm_up: Callable[[str], bool] | None = None,
    ) -> None:
        """One move's figures (:meth:`_moved_walk`'s) added to ``delta`` (``sign`` -1:
        taken away; ``up`` then holds the member it left, as the base's walk read
        it)."""
        was, mailboxes, active_mc, cache_gb, passive_mc, holders, was_holds = found
        if was is not None:
            row = delta.get(was)
            if row is None:
                row = delta[was] = [0, 0, 0, 0.0, 0.0]
            row[0] -= sign
            row[1] -= sign * mailboxes
            row[3] -= sign * active_mc
            row[4] -= sign * cache_gb
            if was_holds:
                was_up = up.get(was)
                if was_up is None:
                    assert vm_up is not None
                    was_up = up[was] = vm_up(was)
            else:
                was_up = False
            if was_up and (not lost or ((was, db_id) not in lost and (was, "*") not in lost)):
                row[2] += sign * mailboxes
                row[3] += sign * passive_mc
        if now is not None:
            row = delta.get(now)
            if row is None:
                row = delta[now] = [0, 0, 0, 0.0, 0.0]
            row[0] += sign
            row[1] += sign * mailboxes
            row[3] += sign * active_mc
            row[4] += sign * cache_gb
            if now in holders:
                row[2] -= sign * mailboxes
                row[3] -= sign * passive_mc

    def _lost_walk(
        self,
        lost: Iterable[tuple[str, str]],
        moved: Mapping[str, str | None],
        down: AbstractSet[str],
        delta: dict[str, list[float]],
    ) -> None:
        """Take the passive copies in ``lost`` away from ``delta``, pair by pair: those
        on a member still up, active there neither in normal operation nor now."""
        base_members, passive_of = self.base_members, self.passive_of
        costs, base_active = self.cost, self.base_active
        none: frozenset[str] = frozenset()
        for vm, db in lost:
            if vm not in base_members or vm in down:
                continue
            dbs = self.copies_on_vm.get(vm, ()) if db == "*" else (db,)
            for db_id in dbs:
                cost = costs.get(db_id)
                if (
                    cost is None
                    or db_id not in base_active
                    or vm not in passive_of.get(db_id, none)
                ):
                    continue
                # Active on it neither in normal operation nor now.
                if (
                    base_active[db_id] != vm
                    and (moved[db_id] if db_id in moved else base_active[db_id]) != vm
                ):
                    row = delta.get(vm)
                    if row is None:
                        row = delta[vm] = [0, 0, 0, 0.0, 0.0]
                    row[2] -= cost.mailboxes
                    row[3] -= cost.passive_mc

    def _changed_loads(
        self, view: ModeView, delta: Mapping[str, list[float]], down: AbstractSet[str]
    ) -> dict[str, MemberLoad]:
        """Normal operation's loads plus ``delta``, and the members ``down``."""
        w = view.world
        assert w is not None
        changes: dict[str, MemberLoad] = {}
        base_members = self.base_members
        # Where each runs: its host in normal operation (``vm_host`` of the normal
        # view: the model's field, read there once), unless vSphere HA restarted it;
        # a load by ``tuple.__new__`` (``_make`` without its Python frame).
        host_of, new = w.vm_restarted.get, tuple.__new__
        for m in down:
            changes[m] = new(
                MemberLoad, (m, False, host_of(m, base_members[m].host), 0, 0, 0, 0.0, 0.0)
            )
        #: ``round(value, 6)`` of the figures met so far in this sizing (~1 µs each by
        #: the float's decimal digits; ~4,500 per 25k sizing, three in four a figure
        #: another mode had already).
        rounded = self.__dict__.get("_rounded")
        if rounded is None:
            rounded = self._rounded = {}
        no_change = [0, 0, 0, 0.0, 0.0]
        for m in set(delta) | {vm for vm in w.vm_restarted if vm in base_members}:
            # A server outside the DAGs that took a member's database over (a Double-Take
            # target, once the DAG has lost quorum) is not one of the members sized here.
            if m in down or m not in base_members:
                continue
            normal = base_members[m]
            row = delta.get(m, no_change)
            cache = row[4]
            holds = (
                normal.active_databases + int(row[0]) > 0 or normal.passive_mailboxes + row[2] > 0
            )
            # As _load: the base memory only while the member holds a copy (a member
            # whose every copy the failure destroyed needs none).
            if not holds:
                memory = 0.0
            elif normal.memory_gb:
                memory = normal.memory_gb + cache
            else:
                memory = self.figures.base_memory_gb + cache
            # round(max(0.0, x), 6): max keeps 0.0 unless x is greater.
            megacycles = normal.megacycles + row[3]
            if megacycles > 0.0:
                found = rounded.get(megacycles)
                if found is None:
                    found = rounded[megacycles] = round(megacycles, 6)
                megacycles = found
            else:
                megacycles = 0.0
            if memory > 0.0:
                found = rounded.get(memory)
                if found is None:
                    found = rounded[memory] = round(memory, 6)
                memory = found
            else:
                memory = 0.0
            changes[m] = new(
                MemberLoad,
                (
                    m,
                    True,
                    host_of(m, normal.host),
                    normal.active_databases + int(row[0]),
                    normal.active_mailboxes + int(row[1]),
                    normal.passive_mailboxes + int(row[2]),
                    megacycles,
                    memory,
                ),
            )
        return changes

    # -- MirrorView/A --------------------------------------------------------------------
    def _async_rpo(
        self, view: ModeView, links: Mapping[LinkKey, LinkFigures], routed: Iterable[Routed]
    ) -> dict[str, float]:
        rpo: dict[str, float] = {}
        for stream, hops in routed:
            if stream.kind != "mirrorview_a":
                continue
            transfer = 0.0
            for key in hops:
                fig = links.get(key)
                if fig is None:
                    continue
                volume = fig.by_kind.get(ASYNC_VOLUME, 0.0)
                transfer = max(transfer, async_transfer_s(volume, fig.async_available_mbps()))
            rpo[stream.element] = stream.interval_s + transfer
        return rpo

    def _async_keys(self) -> frozenset[LinkKey]:
        """The link directions normal operation's MirrorView/A streams cross (made when
        first read)."""
        found: frozenset[LinkKey] | None = self.__dict__.get("_async_on")
        if found is None:
            found = self._async_on = frozenset(
                key
                for stream, hops in self.base_other
                if stream.kind == "mirrorview_a"
                for key in hops
            )
        return found

    # -- a mode --------------------------------------------------------------------------
    def evaluate(
        self,
        mode: Mode,
        settled: Settled | None = None,
        *,
        bandwidth: Mapping[str, float] | None = None,
        directions_down: Mapping[str, Direction] | None = None,
        keep_streams: bool = False,
        members_only: bool = False,
    ) -> ModeResult:
        """The capacity figures of ``mode`` (``settled``: the simulator's state of it,
        computed here when not given; ``bandwidth`` / ``directions_down``: links a
        scenario degraded; ``members_only``: the server loads alone, for the double and
        site-plus-one failures that are searched for them)."""
        if settled is None and mode.failed:
            settled = self.sim.settled(mode.failed)
        if members_only:
            view = ModeView(self.prep, self.links, self.baseline, settled)
            # What moved is read in _member_changes: from the state it went on from,
            # when it did.
            return ModeResult(mode, {}, self._member_changes(view))
        view = ModeView(
            self.prep,
            self.links,
            self.baseline,
            settled,
            bandwidth=bandwidth,
            directions_down=directions_down,
        )
        overrides = sorted({*(bandwidth or {}), *(directions_down or {})})
        directions_changed = bool(directions_down)
        moved = self._moved(view)
        changed, rerouted, lost_only = self._changed_dbs(
            view, moved, overrides if directions_changed else ()
        )
        # Only the link directions a stream of the mode changes, copied from normal
        # operation's as they are first changed; the others are as in normal operation.
        base_totals = self.base_totals
        totals: dict[LinkKey, dict[str, float]] = {}
        mode_db: dict[str, list[Routed]] = {}
        base_db, base_active, database = self.base_db, self.base_active, self.flows.database
        shift, shift_gone, gone_cache = self._shift, self._shift_gone, self._gone_cache()
        # Without a VM relocated, a database not moved keeps its active copy's site
        # and each copy's: its streams are normal operation's to the members still up
        # (see _kept).
        kept = self._kept if view.world is None or not view.world.vm_relocated else None
        e2007, site_of = self.flows.e2007, self.prep.vm_site.get
        if not keep_streams and self.grouped:
            # Databases of one class with the same fate in this mode, a group at a time.
            self._shift_groups(view, totals, changed | rerouted, rerouted, moved, kept)
            if lost_only:
                self._shift_reseed_groups(totals, view, sorted(lost_only))
            changed = rerouted = lost_only = set()
        for db_id in sorted(changed | rerouted):
            base = base_db.get(db_id, ())
            if db_id in rerouted:
                # The same streams as in normal operation, each on its route now (or
                # none: what Flows.database gives when only routes changed).
                now = []
                for stream, _hops in base:
                    hops = view.route(stream.from_site, stream.to_site)
                    if hops:
                        now.append((stream, hops))
            elif db_id in moved:
                # Moved to a member in the site its active copy was in: each copy's
                # site and the active copy's are as in normal operation (the members
                # it left and reached send to no one else), as for one not moved.
                active = moved[db_id]
                was = base_active[db_id]
                found = (
                    kept(view, db_id, base)
                    if kept is not None
                    and active is not None
                    and was is not None
                    and db_id not in e2007
                    and site_of(active) == site_of(was)
                    else None
                )
                now = database(db_id, view, active) if found is None else found
            else:
                # Not moved: active where it was in normal operation.
                found = None if kept is None or db_id in e2007 else kept(view, db_id, base)
                now = database(db_id, view, base_active[db_id]) if found is None else found
            mode_db[db_id] = now
            if now == base:
                # The same streams on the same routes (~6,000 of the 22,000 databases
                # the modes of a 25k design recompute: a database moved within its
                # site, a link down that none of its routes needed): nothing to add.
                continue
            gone = gone_cache.get(db_id, _UNKNOWN)
            if gone is _UNKNOWN:
                gone = self._gone(db_id)
            if gone is None:
                shift(totals, base_totals, base, now)
            else:
                shift_gone(totals, base_totals, gone, now)
        if keep_streams:
            for db_id in sorted(lost_only):
                gone, now = self._reseeds(view, db_id)
                # In Flows.database's order.
                instead = {id(old): new for old, new in zip(gone, now, strict=True)}
                mode_db[db_id] = [instead.get(id(r), r) for r in base_db[db_id]]
                shift(totals, base_totals, gone, now)
        elif lost_only:
            self._shift_reseeds(totals, view, sorted(lost_only))
        others = self.base_other
        if self._others_changed(view, overrides if directions_changed else ()):
            others = self.flows.others(view)
            shift(totals, base_totals, *self._others_diff(others))
        links = self._link_figures(view, totals, bandwidth or {})
        # A sizing's single failures and site losses: the double and site-plus-one
        # failures placed from theirs go on from their sums (not a scenario's state).
        record = mode.kind in ("single", "site") and settled is not None and settled.placement
        result = ModeResult(mode, links, self._member_changes(view, moved, record=record))
        normal: ModeResult | None = self.__dict__.get("normal")
        if (
            normal is not None
            and others is self.base_other
            and not bandwidth
            and all(links.get(key) is normal.links.get(key) for key in self._async_keys())
        ):
            # The same MirrorView/A streams on the same link directions' figures (the
            # same objects) as normal operation's: its RPOs (most single failures).
            result.async_rpo = dict(normal.async_rpo)
        else:
            result.async_rpo = self._async_rpo(view, links, others)
        if keep_streams:
            # (Its inputs held, not the engine: no reference cycle through its normal
            # operation's result, which a sizing freed by reference counting keeps.)
            build: Callable[[], dict[LinkKey, LinkLoad]]
            if (
                view.world is None
                and not mode_db
                and others is self.base_other
                and not (bandwidth or directions_down)
            ):
                # Normal operation's (the set-up's): made again from the tables when
                # read, not kept (at 25k 20,000 objects: its streams, their routes'
                # pairs, the lists per database, which the first collection after a
                # sizing walked because the report held them; the text and JSON
                # outputs read them, the window and the rules do not).
                build = partial(
                    normal_streams,
                    self.flows.detached(),
                    self.links,
                    self.baseline,
                    self.base_active,
                )
            else:
                build = partial(_streams, self.base_db, mode_db, others, view.bandwidth)
            result.loads = _LinkLoads(build)
        return result

    def _link_figures(
        self,
        view: ModeView,
        totals: Mapping[LinkKey, dict[str, float]],
        bandwidth: Mapping[str, float],
    ) -> dict[LinkKey, LinkFigures]:
        """Every link direction's figures: from ``totals`` where the mode changed them,
        normal operation's own (the same figures) where it did not and its bandwidth is
        as in normal operation."""
        #: None while normal operation itself is evaluated.
        normal: ModeResult | None = getattr(self, "normal", None)
        same = normal.links if normal is not None else {}
        bw = view.bandwidth
        base_totals = self.base_totals
        if normal is not None and not bandwidth and all(key in base_totals for key in totals):
            # Normal operation's figures but where the mode changed them (most modes
            # change a few link directions, if any): normal operation's dict copied
            # keeps the order the loops below would give (normal operation's are
            # theirs, with nothing changed).
            links = dict(same)
            for key, kinds in totals.items():
                links[key] = LinkFigures(
                    {k: v for k, v in kinds.items() if v > _EPS}, bw.get(key[0], 0.0)
                )
            return links
        links = {}
        for key, kinds in base_totals.items():
            found = totals.get(key)
            if found is None and key in same and key[0] not in bandwidth:
                links[key] = same[key]
                continue
            clean = {k: v for k, v in (kinds if found is None else found).items() if v > _EPS}
            links[key] = LinkFigures(clean, bw.get(key[0], 0.0))
        for key, kinds in totals.items():
            if key not in base_totals:
                clean = {k: v for k, v in kinds.items() if v > _EPS}
                links[key] = LinkFigures(clean, bw.get(key[0], 0.0))
        for link_id in self.prep.links:
            for way in ("a_to_b", "b_to_a"):
                key = (link_id, way)
                if key not in links:
                    links[key] = (
                        same[key]
                        if key in same and link_id not in bandwidth
                        else LinkFigures({}, bw.get(link_id, 0.0))
                    )
        return links

    def member_load(self, result: ModeResult, member: str) -> MemberLoad:
        return result.members.get(member) or self.base_members[member]

    def async_mirrors(self) -> list[str]:
        return sorted(
            m for m, mirror in self.prep.mirrors.items() if mirror.mode == MirrorMode.ASYNC
        )
