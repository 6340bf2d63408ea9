"""The workload of one design: logs each database writes, data each mirror carries.

:class:`Workload` answers, per element and independently of any failure, what the
users generate: a database's transaction logs (its mailboxes × the logs per mailbox
per day of its profile × the log file size), a LUN's change rate (what MirrorView
replicates), a Double-Take source's writes. Which copies receive them, and over which
links, is the simulator's and the capacity package's business.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import compress
from typing import NamedTuple, Protocol

from designer.domain.design import Design
from designer.domain.elements import (
    Dag,
    EsxiHost,
    HostReplication,
    Lun,
    MailboxDatabase,
    Mirror,
    Site,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
)
from designer.domain.enums import DiskPurpose
from designer.domain.index import DesignIndex
from designer.domain.workload import MailboxProfile
from designer.workload.figures import BYTES_PER_GB, Figures, figures_for, gb_per_hour_to_mbps

__all__ = [
    "DatabaseLoad",
    "DiskLike",
    "Workload",
    "WorkloadTables",
    "states_workload",
    "unsized_site_figures",
]


#: The fields that state a workload, per kind (see states_workload).
_WORKLOAD_FIELDS = (
    ("site", "mailbox_profile"),
    ("dag", "mailbox_profile"),
    ("mailbox_database", "mailbox_profile"),
    ("storage_array", "change_rate_gb_per_hour"),
    ("lun", "change_rate_gb_per_hour"),
)
_is_set = functools.partial(operator.is_not, None)
#: A database's copies by activation preference, then member.
_PREFERENCE = operator.attrgetter("activation_preference", "member")
_MEMBER = operator.attrgetter("member")
_VERSION = operator.attrgetter("exchange_version")


def states_workload(design: Design, index: DesignIndex | None = None) -> bool:
    """Whether the design states the capacity workload: a mailbox profile (design,
    site, DAG or database) or an array or LUN change rate. The capacity rules size a
    design that does; one that does not is not judged on figures it never gave.
    ``index`` (of ``design``): look only at the fields concerned, at C speed (the window
    asks after every edit; a scan of every element took 0.1-0.5 s at 25k-100k)."""
    if design.capacity.mailbox_profile is not None:
        return True
    if index is not None:
        by_kind = index.by_kind
        return any(
            any(map(_is_set, map(operator.attrgetter(field), by_kind.get(kind, ()))))
            for kind, field in _WORKLOAD_FIELDS
        )
    for element in design.elements:
        if isinstance(element, (Site, Dag, MailboxDatabase)) and element.mailbox_profile:
            return True
        if isinstance(element, (StorageArray, Lun)) and element.change_rate_gb_per_hour is not None:
            return True
    return False


def unsized_site_figures(design: Design, index: DesignIndex | None = None) -> str:
    """What the sites of a design that states no workload (:func:`states_workload`)
    say nonetheless, and what it is used for: a site's change rate is what its LUNs
    replicate with MirrorView/A when no array or LUN states one (MV007's RPO, the
    simulator's), and its users are counted, but neither says how much mail a mailbox
    writes, so they size no server, log copy or link (eyes28 item 15: a site stated
    3.27 GB/h and 40,000 users and the Capacity tab said the design stated nothing).
    "" when no site states either.

    Examples
    --------
    >>> design = Design(elements=[Site(id="s", name="DC01", change_rate_gb_per_hour=3.27,
    ...     users=40000), Site(id="t", name="DC02")])
    >>> unsized_site_figures(design)
    "Site DC01 states a change rate of 3.27 GB/h and 40,000 users: a site's change rate is \
what its LUNs replicate with MirrorView/A (the RPO of MV007 and of the simulator), and its \
users need a mailbox profile (messages a day, their size) before they size anything."
    """
    sites = (
        list(index.by_kind.get("site", ()))
        if index is not None
        else [e for e in design.elements if isinstance(e, Site)]
    )
    stating = [s for s in sites if isinstance(s, Site) and (s.change_rate_gb_per_hour or s.users)]
    if not stating:
        return ""
    rated = [s for s in stating if s.change_rate_gb_per_hour]
    peopled = [s for s in stating if s.users]
    if len(stating) == 1:
        site = stating[0]
        said = []
        if rated:
            said.append(f"a change rate of {site.change_rate_gb_per_hour:,g} GB/h")
        if peopled:
            said.append(f"{site.users:,} users")
        head = f"Site {site.name} states {' and '.join(said)}"
    else:
        names = ", ".join(s.name for s in stating[:3]) + (", …" if len(stating) > 3 else "")
        what = " and ".join(
            w for w, there in (("change rates", rated), ("users", peopled)) if there
        )
        head = f"{len(stating):,} sites ({names}) state {what}"
    parts = []
    if rated:
        parts.append(
            "a site's change rate is what its LUNs replicate with MirrorView/A (the RPO "
            "of MV007 and of the simulator)"
        )
    if peopled:
        parts.append(
            f"{'its' if len(stating) == 1 else 'their'} users need a mailbox profile "
            "(messages a day, their size) before they size anything"
        )
    return f"{head}: {', and '.join(parts)}."


class DatabaseLoad(NamedTuple):
    """What one database generates, and where the figure came from.

    A named tuple (immutable, equal by value, as the frozen dataclass it was): a 25k
    sizing makes one per database, 4,000, each ~3 × cheaper to build."""

    mailboxes: int
    profile: MailboxProfile | None
    #: "database DB01", "DAG DAG01", "site Boston", "design", "site change rate" or "".
    origin: str
    logs_per_mailbox_per_day: float
    log_bytes: int
    #: Transaction logs per day, GB (decimal).
    log_gb_per_day: float
    peak_factor: float

    @property
    def log_gb_per_hour(self) -> float:
        """The day's average hour."""
        return self.log_gb_per_day / 24.0

    @property
    def log_mbps(self) -> float:
        """Average log generation, Mbit/s."""
        return gb_per_hour_to_mbps(self.log_gb_per_hour)

    @property
    def peak_mbps(self) -> float:
        """Log generation in the busiest hour, Mbit/s."""
        return self.log_mbps * self.peak_factor

    @property
    def logs_per_day(self) -> float:
        return self.log_gb_per_day * BYTES_PER_GB / self.log_bytes if self.log_bytes else 0.0


_NO_LOAD = DatabaseLoad(0, None, "", 0.0, 0, 0.0, 1.0)


class DiskLike(Protocol):
    """What the workload reads of a virtual disk (a :class:`VirtualDisk`, or the
    simulator's prepared copy of one)."""

    @property
    def vm(self) -> str: ...
    @property
    def lun(self) -> str | None: ...
    @property
    def purpose(self) -> DiskPurpose: ...
    @property
    def database(self) -> str | None: ...


class WorkloadTables(Protocol):
    """The element tables a :class:`Workload` reads, by id in design order, and the
    disks of each database in design order (a prepared simulator has them)."""

    @property
    def sites(self) -> dict[str, Site]: ...
    @property
    def hosts(self) -> dict[str, EsxiHost]: ...
    @property
    def vms(self) -> dict[str, VirtualMachine]: ...
    @property
    def dags(self) -> dict[str, Dag]: ...
    @property
    def dbs(self) -> dict[str, MailboxDatabase]: ...
    @property
    def arrays(self) -> dict[str, StorageArray]: ...
    @property
    def luns(self) -> dict[str, Lun]: ...
    @property
    def mirrors(self) -> dict[str, Mirror]: ...
    @property
    def host_repls(self) -> dict[str, HostReplication]: ...
    @property
    def disks_of_db(self) -> Mapping[str, Sequence[DiskLike]]: ...
    @property
    def disks_on_lun(self) -> Mapping[str, Sequence[DiskLike]]: ...


class Workload:
    """Per-element workload figures of a design (computed lazily, cached)."""

    sites: dict[str, Site]
    hosts: dict[str, EsxiHost]
    vms: dict[str, VirtualMachine]
    dags: dict[str, Dag]
    dbs: dict[str, MailboxDatabase]
    arrays: dict[str, StorageArray]
    luns: dict[str, Lun]
    mirrors: dict[str, Mirror]
    host_repls: dict[str, HostReplication]
    #: Database → its disks in design order (read only: a simulator's may be shared).
    disks_of_db: Mapping[str, Sequence[DiskLike]]

    def __init__(
        self,
        design: Design,
        index: DesignIndex | None = None,
        tables: WorkloadTables | None = None,
    ) -> None:
        self.design = design
        self.index = ix = index or DesignIndex(design)
        self.figures: Figures = figures_for(design.capacity)
        if tables is not None:
            # A prepared simulator's tables of the same design (the capacity engine's:
            # the same elements in the same order, read once for both; at 25k its
            # 17,000 disks grouped again cost ~3 ms).
            self.sites = tables.sites
            self.hosts = tables.hosts
            self.vms = tables.vms
            self.dags = tables.dags
            self.dbs = tables.dbs
            self.arrays = tables.arrays
            self.luns = tables.luns
            self.mirrors = tables.mirrors
            self.host_repls = tables.host_repls
            self.disks_of_db = tables.disks_of_db
            self._disks_on_lun: Mapping[str, Sequence[DiskLike]] | None = tables.disks_on_lun
        else:
            self._disks_on_lun = None
            self.sites = {s.id: s for s in ix.of("site", Site)}
            self.hosts = {h.id: h for h in ix.of("esxi_host", EsxiHost)}
            self.vms = {v.id: v for v in ix.of("vm", VirtualMachine)}
            self.dags = {d.id: d for d in ix.of("dag", Dag)}
            self.dbs = {d.id: d for d in ix.of("mailbox_database", MailboxDatabase)}
            self.arrays = {a.id: a for a in ix.of("storage_array", StorageArray)}
            self.luns = {lun.id: lun for lun in ix.of("lun", Lun)}
            self.mirrors = {m.id: m for m in ix.of("mirror", Mirror)}
            self.host_repls = {r.id: r for r in ix.of("host_replication", HostReplication)}
            disks_of_db: dict[str, list[VirtualDisk]] = defaultdict(list)
            for disk in ix.of("virtual_disk", VirtualDisk):
                if disk.database:
                    disks_of_db[disk.database].append(disk)
            self.disks_of_db = disks_of_db
        self._dbs_on_vm: dict[str, list[str]] | None = None
        self._loads: dict[str, DatabaseLoad] = {}
        self._lun_rates: dict[str, float] | None = None
        self._site_dbs: dict[str | None, list[str]] | None = None
        self._site_mailboxes: dict[str | None, int] = {}
        self._lun_dbs: dict[str, list[str]] | None = None
        #: id(profile) → (profile, logs per mailbox per day, busiest hour's factor): a
        #: site's, DAG's or the design's profile serves thousands of databases.
        self._per_profile: dict[int, tuple[MailboxProfile, float, float]] = {}
        #: The design states its workload (see :func:`states_workload`).
        self.states = states_workload(design, ix)

    @property
    def dbs_on_vm(self) -> dict[str, list[str]]:
        """Server → the databases it holds a copy of (its copies' members, else the VMs
        with a disk of it). Built when first asked: only Double-Take's figures read it
        (4,000 databases at 25k)."""
        found = self._dbs_on_vm
        if found is None:
            found = self._dbs_on_vm = defaultdict(list)
            for db in self.dbs.values():
                members = [c.member for c in db.copies] or [
                    d.vm for d in self.disks_of_db.get(db.id, ())
                ]
                for vm in dict.fromkeys(members):
                    found[vm].append(db.id)
        return found

    # -- placement helpers ---------------------------------------------------------------
    def vm_site(self, vm_id: str) -> str | None:
        vm = self.vms.get(vm_id)
        host = self.hosts.get(vm.host) if vm else None
        return host.site if host else None

    def lun_site(self, lun_id: str) -> str | None:
        lun = self.luns.get(lun_id)
        array = self.arrays.get(lun.array) if lun else None
        return array.site if array else None

    def user_site(self, db: MailboxDatabase) -> str | None:
        """The site whose users the database serves: stated, else its preferred copy's."""
        if db.user_site:
            return db.user_site
        if db.copies:
            # The first by preference (then member): what sorting would put first.
            first = min(db.copies, key=_PREFERENCE)
            return self.vm_site(first.member)
        disks = self.disks_of_db.get(db.id)
        return self.vm_site(disks[0].vm) if disks else None

    def exchange_version(self, db: MailboxDatabase) -> str | None:
        """The Exchange version of the first of its copies' servers (else of the VMs
        with a disk of it) that states one."""
        vms = self.vms
        copies = db.copies
        # The copies' members read one by one, not listed first: the first usually
        # states it (4,000 databases at 25k).
        for vm_id in (
            map(_MEMBER, copies) if copies else [d.vm for d in self.disks_of_db.get(db.id, ())]
        ):
            vm = vms.get(vm_id)
            if vm is not None and vm.exchange_version:
                return vm.exchange_version
        return None

    # -- databases -----------------------------------------------------------------------
    def profile(self, db: MailboxDatabase) -> tuple[MailboxProfile | None, str]:
        """The profile that applies to a database and where it is stated: the
        database's own, else its DAG's, else its users' site's, else the design's."""
        if db.mailbox_profile is not None:
            return db.mailbox_profile, f"database {db.name}"
        dag = self.dags.get(db.dag or "")
        if dag is not None and dag.mailbox_profile is not None:
            return dag.mailbox_profile, f"DAG {dag.name}"
        site = self.sites.get(self.user_site(db) or "")
        if site is not None and site.mailbox_profile is not None:
            return site.mailbox_profile, f"site {site.name}"
        if self.figures.default_profile is not None:
            return self.figures.default_profile, "design"
        return None, ""

    def database(self, db_id: str) -> DatabaseLoad:
        """What a database generates (zero when it has no profile and its site states no
        change rate)."""
        found = self._loads.get(db_id)
        if found is not None:
            return found
        db = self.dbs.get(db_id)
        if db is None:
            return _NO_LOAD
        profile, origin = self.profile(db)
        log_bytes = self.figures.log_bytes(self.exchange_version(db))
        if profile is not None:
            known = self._per_profile.get(id(profile))
            if known is None or known[0] is not profile:
                known = self._per_profile[id(profile)] = (
                    profile,
                    self.figures.logs_per_mailbox_per_day(profile),
                    self.figures.peak(profile),
                )
            per_mailbox = known[1]
            gb_per_day = db.mailboxes * per_mailbox * log_bytes / BYTES_PER_GB
            load = DatabaseLoad(
                db.mailboxes, profile, origin, per_mailbox, log_bytes, gb_per_day, known[2]
            )
        else:
            # No profile: the users' site's mail change rate, shared by mailboxes (what
            # the simulator's catch-up already uses).
            gb_per_hour = self._site_change_share(db)
            load = DatabaseLoad(
                db.mailboxes,
                None,
                "site change rate" if gb_per_hour else "",
                0.0,
                log_bytes,
                gb_per_hour * 24.0,
                self.figures.peak_factor,
            )
        self._loads[db_id] = load
        return load

    def loads(self) -> Mapping[str, DatabaseLoad]:
        """Every database's :meth:`database` by id, the same values worked out in one
        pass (a sizing reads every database's: 4,000 at 25k): the profile a DAG or a
        users' site gives its databases resolved once per (DAG, site), the servers'
        Exchange versions read once."""
        loads = self._loads
        dbs = self.dbs
        if loads.keys() >= dbs.keys():  # every one worked out (a set comparison in C)
            return loads
        fig = self.figures
        override, by_version = fig.log_bytes_override, fig.log_bytes_by_version
        default_bytes = fig.log_bytes_default
        stated: dict[str, str] = {}
        if override is None:
            # Every server's version read at C speed; those that state one kept.
            versions = list(map(_VERSION, self.vms.values()))
            stated = dict(compress(zip(self.vms, versions, strict=True), versions))
        disks_of_db = self.disks_of_db
        per_profile, new = self._per_profile, tuple.__new__
        #: (DAG, users' site) → (profile, origin) of a database without its own.
        inherited: dict[tuple[str | None, str], tuple[MailboxProfile | None, str]] = {}
        fresh = not loads  # none asked yet (a sizing's set-up): none to skip
        for db_id, db in dbs.items():
            if not fresh and db_id in loads:
                continue
            # The model's fields read from its ``__dict__``, once: a pydantic model's
            # attribute read takes the slow path (``BaseModel.__getattr__``), ~400
            # instructions more than a dict's item, five fields a database.
            fields = db.__dict__
            profile = fields["mailbox_profile"]
            if profile is not None:
                origin = f"database {fields['name']}"
            elif user_site := fields["user_site"]:
                key = (fields["dag"], user_site)
                found = inherited.get(key)
                if found is None:
                    found = inherited[key] = self.profile(db)
                profile, origin = found
            else:
                profile, origin = self.profile(db)
            if profile is None:
                loads[db_id] = self.database(db_id)
                continue
            version: str | None = None
            if stated:
                copies = fields["copies"]
                # The first copy's server usually states it: read alone first.
                version = stated.get(copies[0].member) if copies else None
                if not version:
                    for vm_id in (
                        map(_MEMBER, copies)
                        if copies
                        else [d.vm for d in disks_of_db.get(db_id, ())]
                    ):
                        version = stated.get(vm_id)
                        if version:
                            break
            log_bytes = (
                override if override is not None else by_version.get(version or "", default_bytes)
            )
            known = per_profile.get(id(profile))
            if known is None or known[0] is not profile:
                known = per_profile[id(profile)] = (
                    profile,
                    fig.logs_per_mailbox_per_day(profile),
                    fig.peak(profile),
                )
            per_mailbox = known[1]
            mailboxes = fields["mailboxes"]
            # ``tuple.__new__``: ``DatabaseLoad._make`` without its Python frame (~2 x
            # cheaper than the named tuple's ``__new__``).
            loads[db_id] = new(
                DatabaseLoad,
                (
                    mailboxes,
                    profile,
                    origin,
                    per_mailbox,
                    log_bytes,
                    mailboxes * per_mailbox * log_bytes / BYTES_PER_GB,
                    known[2],
                ),
            )
        return loads

    def _site_change_share(self, db: MailboxDatabase) -> float:
        if self._site_dbs is None:
            self._site_dbs = defaultdict(list)
            for other in self.dbs.values():
                self._site_dbs[self.user_site(other)].append(other.id)
            self._site_mailboxes = {
                site: sum(self.dbs[d].mailboxes for d in peers)
                for site, peers in self._site_dbs.items()
            }
        site = self.sites.get(self.user_site(db) or "")
        if site is None or not site.change_rate_gb_per_hour:
            return 0.0
        peers = self._site_dbs.get(site.id, [])
        total = self._site_mailboxes.get(site.id, 0)
        share = db.mailboxes / total if total else 1 / max(len(peers), 1)
        return site.change_rate_gb_per_hour * share

    def shipping_mbps(self, db_id: str) -> float:
        """DAG log shipping to one copy at the busiest hour, after compression."""
        load = self._loads.get(db_id) or self.database(db_id)
        # ``load.peak_mbps`` with its properties inlined, the same operations in the same
        # order (Flows asks for every replicated database: 4,000 at 25k).
        log_mbps = load.log_gb_per_day / 24.0 * 8000.0 / 3600.0
        return log_mbps * load.peak_factor * (1.0 - self.figures.compression_pct / 100.0)

    # -- storage -------------------------------------------------------------------------
    def lun_change_gb_per_hour(self, lun_id: str) -> float:
        """Data written to a mirrored source LUN, GB/h: its own figure, else its share of
        its array's, else of its site's change rate (shared equally among the mirrored
        source LUNs without a figure of their own)."""
        if self._lun_rates is None:
            self._lun_rates = self._mirror_rates()
        lun = self.luns.get(lun_id)
        if lun is not None and lun.change_rate_gb_per_hour is not None:
            return lun.change_rate_gb_per_hour
        return self._lun_rates.get(lun_id, 0.0)

    def _mirror_rates(self) -> dict[str, float]:
        sources = sorted({m.source_lun for m in self.mirrors.values() if m.source_lun in self.luns})
        unstated = [s for s in sources if self.luns[s].change_rate_gb_per_hour is None]
        by_array: dict[str, list[str]] = defaultdict(list)
        by_site: dict[str, list[str]] = defaultdict(list)
        for lun_id in unstated:
            array = self.arrays.get(self.luns[lun_id].array)
            if array is not None and array.change_rate_gb_per_hour is not None:
                by_array[array.id].append(lun_id)
            elif array is not None:
                by_site[array.site].append(lun_id)
        rates: dict[str, float] = {}
        for array_id, luns in by_array.items():
            rate = self.arrays[array_id].change_rate_gb_per_hour or 0.0
            for lun_id in luns:
                rates[lun_id] = rate / len(luns)
        for site_id, luns in by_site.items():
            site = self.sites.get(site_id)
            rate = site.change_rate_gb_per_hour if site else 0.0
            for lun_id in luns:
                rates[lun_id] = rate / len(luns)
        return rates

    def mirror_gb_per_hour(self, mirror_id: str) -> float:
        mirror = self.mirrors.get(mirror_id)
        return self.lun_change_gb_per_hour(mirror.source_lun) if mirror else 0.0

    def mirror_peak_factor(self, mirror_id: str) -> float:
        """The busiest hour of what a mirror carries: that of the databases whose
        disks are on its source LUN, else the design's."""
        mirror = self.mirrors.get(mirror_id)
        factors = [
            self.database(d).peak_factor
            for d in self._dbs_on_lun(mirror.source_lun if mirror else "")
            if self.database(d).profile is not None
        ]
        return max(factors) if factors else self.figures.peak_factor

    def _dbs_on_lun(self, lun_id: str) -> list[str]:
        """The databases with a disk on ``lun_id``, a mirror's source LUN (sorted; its
        only caller is :meth:`mirror_peak_factor`). Only the mirrors' source LUNs are
        gathered (at 25k 114 of 1,884 LUNs), in one pass over the disks, or from the
        simulator's disks by LUN when the workload reads its tables."""
        if self._lun_dbs is None and self._disks_on_lun is not None:
            # The simulator's disks by LUN: only the source LUNs' read.
            on_lun = self._disks_on_lun
            lun_dbs: dict[str, list[str]] = {}
            for source in {m.source_lun for m in self.mirrors.values()}:
                held = {d.database for d in on_lun.get(source, ()) if d.database}
                if held:
                    lun_dbs[source] = sorted(held)
            self._lun_dbs = lun_dbs
        if self._lun_dbs is None:
            sources = {m.source_lun for m in self.mirrors.values()}
            found: dict[str, set[str]] = defaultdict(set)
            for db_id, disks in self.disks_of_db.items():
                for disk in disks:
                    lun = disk.lun
                    if lun in sources:
                        found[lun].add(db_id)
            self._lun_dbs = {lun: sorted(dbs) for lun, dbs in found.items()}
        return self._lun_dbs.get(lun_id, [])

    # -- Double-Take -----------------------------------------------------------------------
    def host_replication_gb_per_hour(self, repl_id: str) -> float:
        """What Double-Take sends: the source server's log generation × the write factor
        (databases and logs both replicate)."""
        repl = self.host_repls.get(repl_id)
        if repl is None:
            return 0.0
        logs = sum(self.database(d).log_gb_per_hour for d in self.dbs_on_vm.get(repl.source, []))
        return logs * self.figures.host_replication_factor

    def host_replication_peak_factor(self, repl_id: str) -> float:
        """The busiest hour of what Double-Take sends: that of the source server's
        databases (those with a mailbox profile), else the design's."""
        repl = self.host_repls.get(repl_id)
        factors = [
            self.database(d).peak_factor
            for d in self.dbs_on_vm.get(repl.source if repl else "", [])
            if self.database(d).profile is not None
        ]
        return max(factors) if factors else self.figures.peak_factor

    # -- log LUNs --------------------------------------------------------------------------
    def log_luns(self, db_id: str, member: str) -> list[str]:
        """The LUNs holding a copy's transaction logs: its log disks, else (logs beside
        the database) its database disks."""
        disks = [d for d in self.disks_of_db.get(db_id, []) if d.vm == member and d.lun]
        logs = [d.lun for d in disks if d.purpose == DiskPurpose.LOGS and d.lun]
        if logs:
            return sorted(set(logs))
        return sorted({d.lun for d in disks if d.purpose == DiskPurpose.DATABASE and d.lun})

    def lun_free_gb(self, lun_id: str) -> tuple[float, bool]:
        """(free GB, stated): the LUN's ``free_gb``, else the catalog's share of its size."""
        lun = self.luns[lun_id]
        if lun.free_gb is not None:
            return lun.free_gb, True
        return lun.size_gb * self.figures.log_lun_free_pct / 100.0, False
