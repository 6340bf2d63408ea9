"""What every scenario on one design needs, computed once: lookups and the baseline.

The simulator reuses one :class:`Prepared` across runs (and the N-1 sweep across
thousands of them), so a single failure only walks what it touches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Final

from designer.catalog import timings
from designer.domain.design import Design, DesignIntent
from designer.domain.elements import (
    Backup,
    CasArray,
    ConsistencyGroup,
    Dag,
    EsxiHost,
    Exchange2007Replication,
    FileShareWitness,
    HostReplication,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    Mirror,
    ProtectionGroup,
    RecoveryPlan,
    Site,
    SrmSitePair,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VsphereCluster,
    WanLink,
)
from designer.domain.enums import (
    DiskPurpose,
    Exchange2007Kind,
    FailoverIntent,
    MirrorMode,
    VmRole,
)
from designer.domain.index import DesignIndex
from designer.graph.topology import Topology, is_local_load_balancer
from designer.workload import (
    Direction,
    LinkEnds,
    Workload,
    direction_of,
    gb_per_hour_to_mbps,
    route,
)

__all__ = ["CasPath", "Prepared", "database_servers"]

#: A CAS array users may reach, and the geographic load balancers of which one must be
#: up on the way (empty: their own array or one of their namespace needs none).
CasPath = tuple[str, tuple[str, ...]]


#: What a site holds directly, by the key of ``Prepared.in_site``.
_IN_SITE = (
    ("hosts", "esxi_host"),
    ("arrays", "storage_array"),
    ("witnesses", "file_share_witness"),
    ("cas", "cas_array"),
    ("lbs", "load_balancer"),
)


class _Disk:
    """A VM's disk: the LUN it is on, what it holds, whether it is a raw mapping.

    A plain class with slots (not a frozen dataclass: ~0.7 M instructions of every
    command that simulates, issue 10); made once per disk and never changed,
    compared or printed."""

    __slots__ = ("database", "id", "lun", "purpose", "rdm", "vm")

    def __init__(
        self,
        id: str,
        vm: str,
        lun: str | None,
        purpose: DiskPurpose,
        database: str | None,
        rdm: bool,
    ) -> None:
        self.id: Final = id
        self.vm: Final = vm
        self.lun: Final = lun
        self.purpose: Final = purpose
        self.database: Final = database
        self.rdm: Final = rdm


def database_servers(prep: Prepared, db: MailboxDatabase) -> list[str]:
    """The servers that can hold ``db``: its copies' members, else its Exchange 2007
    cluster nodes, else the VMs with a disk tied to it."""
    if db.copies:
        return [c.member for c in db.copies]
    repl = prep.e2007_of_db.get(db.id)
    if repl is not None and repl.nodes:
        return list(repl.nodes)
    return sorted({d.vm for d in prep.disks_of_db.get(db.id, [])})


class Prepared:
    """Read-only lookups over one design, shaped for the simulator, with the figures
    (catalog timings, the design's targets and product releases) every helper needs."""

    def __init__(
        self, design: Design, index: DesignIndex | None = None, topology: Topology | None = None
    ) -> None:
        self.design = design
        if topology is None:
            topology = Topology(design, index)
        #: The design's topology: the placement and dependency lookups below are its
        #: relations (the dependency graph's edges, read without building the graph).
        self.topology = topology
        self.index = ix = topology.index
        self.intent: DesignIntent = design.intent
        self.timings: dict[str, Any] = timings()
        self.rpo_target_s = design.intent.rpo_target_min * 60.0
        self.rto_target_s = design.intent.rto_target_min * 60.0
        self.sites: dict[str, Site] = {s.id: s for s in ix.of("site", Site)}
        self.links: dict[str, WanLink] = {w.id: w for w in ix.of("wan_link", WanLink)}
        self.clusters: dict[str, VsphereCluster] = {
            c.id: c for c in ix.of("vsphere_cluster", VsphereCluster)
        }
        self.hosts: dict[str, EsxiHost] = {h.id: h for h in ix.of("esxi_host", EsxiHost)}
        self.vms: dict[str, VirtualMachine] = {v.id: v for v in ix.of("vm", VirtualMachine)}
        self.arrays: dict[str, StorageArray] = {
            a.id: a for a in ix.of("storage_array", StorageArray)
        }
        self.luns: dict[str, Lun] = {lun.id: lun for lun in ix.of("lun", Lun)}
        self.mirrors: dict[str, Mirror] = {m.id: m for m in ix.of("mirror", Mirror)}
        self.cgs: dict[str, ConsistencyGroup] = {
            c.id: c for c in ix.of("consistency_group", ConsistencyGroup)
        }
        self.witnesses: dict[str, FileShareWitness] = {
            w.id: w for w in ix.of("file_share_witness", FileShareWitness)
        }
        self.dags: dict[str, Dag] = {d.id: d for d in ix.of("dag", Dag)}
        self.dbs: dict[str, MailboxDatabase] = {
            d.id: d for d in ix.of("mailbox_database", MailboxDatabase)
        }
        self.cas: dict[str, CasArray] = {c.id: c for c in ix.of("cas_array", CasArray)}
        self.lbs: dict[str, LoadBalancer] = {
            lb.id: lb for lb in ix.of("load_balancer", LoadBalancer)
        }
        self.pairs: dict[str, SrmSitePair] = {p.id: p for p in ix.of("srm_site_pair", SrmSitePair)}
        self.pgs: dict[str, ProtectionGroup] = {
            p.id: p for p in ix.of("protection_group", ProtectionGroup)
        }
        self.plans: dict[str, RecoveryPlan] = {
            p.id: p for p in ix.of("recovery_plan", RecoveryPlan)
        }
        self.backups: dict[str, Backup] = {b.id: b for b in ix.of("backup", Backup)}
        self.host_repls: dict[str, HostReplication] = {
            r.id: r for r in ix.of("host_replication", HostReplication)
        }
        self.e2007: dict[str, Exchange2007Replication] = {
            r.id: r for r in ix.of("exchange2007_replication", Exchange2007Replication)
        }
        self._placement()
        self._storage()
        self._exchange()
        self._clients()
        self._workload: Workload | None = None
        self._dbs_across: dict[str, list[str]] | None = None
        self._steady_bound: dict[str, dict[str, float]] = {}
        self._link_ends: LinkEnds | None = None
        self._shipping_bound: dict[tuple[str, Direction], float] | None = None
        self._shipping_dbs: list[str] | None = None
        self._intact_routes: dict[tuple[str, str], tuple[tuple[str, Direction], ...] | None] = {}
        self._e2007_shipping: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None
        self._servers: dict[str, tuple[tuple[str, float], ...]] = {}
        #: :meth:`servers_of` of each database asked for so far, by id (read-only).
        self.servers_known: Mapping[str, tuple[tuple[str, float], ...]] = self._servers
        self._planned: dict[str, tuple[str, ...]] = {}

    # -- placement -------------------------------------------------------------------
    def _placement(self) -> None:
        self.site_order = sorted(self.sites)
        topo = self.topology
        by_site: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        # What a site's failure takes directly: its "contained_in" dependents.
        for key, kind in _IN_SITE:
            for site_id, ids in topo.dependents("contained_in", kind).items():
                if site_id in self.sites:
                    by_site[site_id][key] = ids
        self.in_site = by_site
        self.links_of_site: dict[str, list[str]] = defaultdict(list, topo.links_of_site)
        peers = topo.conduit_peers
        #: A link → what failing it takes down: itself and its conduit peers (sorted).
        self.link_domain_peers: dict[str, list[str]] = {
            link: sorted([link, *peers.get(link, ())]) for link in self.links
        }
        self.vms_on_host: dict[str, list[str]] = defaultdict(list, topo.dependents("runs_on", "vm"))
        self.hosts_in_cluster: dict[str, list[str]] = defaultdict(
            list,
            {
                c: hosts
                for c, hosts in topo.dependents("contained_in", "esxi_host").items()
                if c in self.clusters
            },
        )
        self.host_used_gb: dict[str, float] = {
            h: sum(self.vms[v].memory_gb for v in vms) for h, vms in self.vms_on_host.items()
        }
        self.vm_site: dict[str, str] = {}
        for vm in self.vms.values():
            host = self.hosts.get(vm.host)
            if host is not None:
                self.vm_site[vm.id] = host.site
        self.witness_on_vm: dict[str, list[str]] = defaultdict(
            list, topo.dependents("runs_on", "file_share_witness")
        )
        #: Witness → the site it is in: where its server runs (its VM's host's site),
        #: else the site it states (a physical server's), as DAG015 and DAG017 place it
        #: (wave 24, fid24: a site's loss took the witnesses stating it, whose servers
        #: may run elsewhere, and the quorum counted their vote on that site's side).
        #: ``in_site`` holds it there already: the topology's ``contained_in`` edge of a
        #: witness points where it runs (``Topology.witness_sites``, wave 25).
        self.witness_site: dict[str, str] = {}
        for fsw in self.witnesses.values():
            runs_in = self.vm_site.get(fsw.vm) if fsw.vm else None
            self.witness_site[fsw.id] = runs_in or fsw.site
        #: Site → the vCenter Server and SRM server VMs placed there (002: SRM relies
        #: on independent vCenter servers at both sites).
        self.vcenters_in_site: dict[str, list[str]] = defaultdict(list)
        self.srm_servers_in_site: dict[str, list[str]] = defaultdict(list)
        for vm in sorted(self.vms.values(), key=lambda v: v.id):
            site = self.vm_site.get(vm.id)
            if site is None:
                continue
            if VmRole.VCENTER in vm.roles:
                self.vcenters_in_site[site].append(vm.id)
            if VmRole.SRM_SERVER in vm.roles:
                self.srm_servers_in_site[site].append(vm.id)

    # -- storage ---------------------------------------------------------------------
    def _storage(self) -> None:
        topo = self.topology
        self.luns_of_array: dict[str, list[str]] = defaultdict(
            list, topo.dependents("contained_in", "lun")
        )
        self.sp_array: dict[str, str] = topo.storage_processors
        self.disks_of_vm: dict[str, list[_Disk]] = defaultdict(list)
        self.disks_on_lun: dict[str, list[_Disk]] = defaultdict(list)
        self.disks_of_db: dict[str, list[_Disk]] = defaultdict(list)
        #: Disk id → the LCR replication whose passive copy it holds (004 Fig. 3).
        self.lcr_copy_disks: dict[str, str] = {}
        for r in sorted(self.e2007.values(), key=lambda r: r.id):
            if r.replication == Exchange2007Kind.LCR:
                for disk_id in r.copy_disks:
                    self.lcr_copy_disks.setdefault(disk_id, r.id)
        self.disk_by_id: dict[str, _Disk] = {}
        for d in self.index.of("virtual_disk", VirtualDisk):
            disk = _Disk(d.id, d.vm, d.lun, d.purpose, d.database, d.placement.value[:3] == "rdm")
            self.disk_by_id[d.id] = disk
            self.disks_of_vm[d.vm].append(disk)
            if d.lun:
                self.disks_on_lun[d.lun].append(disk)
            if d.database:
                self.disks_of_db[d.database].append(disk)
        self.mirrors_from_lun: dict[str, list[str]] = defaultdict(list)
        for m in self.mirrors.values():
            self.mirrors_from_lun[m.source_lun].append(m.id)
        self.cg_of_mirror: dict[str, str] = {}
        for cg in self.cgs.values():
            for mirror_id in cg.mirrors:
                self.cg_of_mirror.setdefault(mirror_id, cg.id)

    def raid_set(self, lun_id: str | None) -> tuple[str, str] | None:
        """(array, RAID group) of a LUN: LUNs sharing one fail together (004)."""
        lun = self.luns.get(lun_id or "")
        return (lun.array, lun.raid_group) if lun is not None else None

    def lun_site(self, lun_id: str) -> str | None:
        lun = self.luns.get(lun_id)
        array = self.arrays.get(lun.array) if lun else None
        return array.site if array else None

    # -- Exchange --------------------------------------------------------------------
    def _exchange(self) -> None:
        self.dbs_of_dag: dict[str, list[str]] = defaultdict(list)
        self.e2007_of_db: dict[str, Exchange2007Replication] = {}
        self.e2007s_of_db: dict[str, list[Exchange2007Replication]] = defaultdict(list)
        for r in sorted(self.e2007.values(), key=lambda r: r.id):
            for db_id in r.databases:
                self.e2007s_of_db[db_id].append(r)
                if r.replication.value in ("ccr", "scc", "lcr") or db_id not in self.e2007_of_db:
                    self.e2007_of_db.setdefault(db_id, r)
        self.dbs_on_vm: dict[str, list[str]] = defaultdict(list)
        self.db_home_site: dict[str, str | None] = {}
        self.db_user_site: dict[str, str | None] = {}
        self.dags_of_vm: dict[str, list[str]] = defaultdict(
            list, self.topology.dependents("member", "dag")
        )
        self.dags_of_witness: dict[str, list[str]] = defaultdict(list)
        #: DAGs whose site failover intent is manual.
        self.manual_intent_dags = frozenset(
            d.id for d in self.dags.values() if d.failover_intent == FailoverIntent.MANUAL
        )
        for dag in self.dags.values():
            for w in (dag.witness, dag.alternate_witness):
                if w:
                    self.dags_of_witness[w].append(dag.id)
        #: Database → its DAG (databases in one).
        self.dag_of_db: dict[str, str] = {}
        #: Database → its copies' members in the copies' order (databases with copies):
        #: :func:`database_servers`' list, kept (capacity's streams read every database's,
        #: 16,000 model field reads at 25k otherwise).
        self.copy_members: dict[str, tuple[str, ...]] = {}
        for db in self.dbs.values():
            if db.dag:
                self.dbs_of_dag[db.dag].append(db.id)
                self.dag_of_db[db.id] = db.dag
            servers = database_servers(self, db)
            if db.copies:
                self.copy_members[db.id] = tuple(servers)
            for vm in servers:
                if db.id not in self.dbs_on_vm[vm]:
                    self.dbs_on_vm[vm].append(db.id)
            for disk in self.disks_of_db.get(db.id, []):
                if db.id not in self.dbs_on_vm[disk.vm]:
                    self.dbs_on_vm[disk.vm].append(db.id)
            preferred = sorted(db.copies, key=lambda c: (c.activation_preference, c.member))
            home = self.vm_site.get(preferred[0].member) if preferred else None
            if home is None and servers:
                home = self.vm_site.get(servers[0])
            self.db_home_site[db.id] = home
            self.db_user_site[db.id] = db.user_site or home
        self.repls_from_vm: dict[str, list[HostReplication]] = defaultdict(list)
        for hr in sorted(self.host_repls.values(), key=lambda r: r.id):
            self.repls_from_vm[hr.source].append(hr)
        for cluster in self.e2007.values():
            for vm in [*cluster.nodes, *([cluster.target] if cluster.target else [])]:
                for db_id in cluster.databases:
                    if db_id not in self.dbs_on_vm[vm]:
                        self.dbs_on_vm[vm].append(db_id)
        for hr in self.host_repls.values():
            for db_id in list(self.dbs_on_vm.get(hr.source, [])):
                if db_id not in self.dbs_on_vm[hr.target]:
                    self.dbs_on_vm[hr.target].append(db_id)
        self.backups_of_db: dict[str, list[str]] = defaultdict(list)
        self.dbs_of_backup: dict[str, list[str]] = defaultdict(list)
        for b in sorted(self.backups.values(), key=lambda b: b.id):
            covered = set(b.databases)
            for vm in b.vms:
                covered.update(self.dbs_on_vm.get(vm, []))
            for db_id in sorted(covered):
                self.backups_of_db[db_id].append(b.id)
                self.dbs_of_backup[b.id].append(db_id)
        self.plans_of_site: dict[str, list[str]] = defaultdict(list)
        self.plans_of_vm: dict[str, list[str]] = defaultdict(list)
        for plan in sorted(self.plans.values(), key=lambda p: p.id):
            pair = self.pairs.get(plan.site_pair)
            if pair:
                self.plans_of_site[pair.protected_site].append(plan.id)
            for pg_id in plan.protection_groups:
                pg = self.pgs.get(pg_id)
                for vm in pg.vms if pg else []:
                    if plan.id not in self.plans_of_vm[vm]:
                        self.plans_of_vm[vm].append(plan.id)

    # -- clients ---------------------------------------------------------------------
    def _clients(self) -> None:
        # The load balancers in front of each CAS array (its "fronted_by" edges): the
        # site's own, and the geographic ones that send clients its way.
        self.lbs_of_cas: dict[str, list[str]] = defaultdict(list)
        self.geo_lbs_of_cas: dict[str, list[str]] = defaultdict(list)
        for cas, lbs in self.topology.dependencies("fronted_by", "cas_array").items():
            for lb_id in sorted(set(lbs)):
                local = is_local_load_balancer(self.lbs[lb_id])
                (self.lbs_of_cas if local else self.geo_lbs_of_cas)[cas].append(lb_id)
        self.cas_of_vm: dict[str, list[str]] = defaultdict(
            list,
            {
                vm: sorted(set(arrays))
                for vm, arrays in self.topology.dependents("member", "cas_array").items()
            },
        )
        self.cas_of_site: dict[str, list[str]] = defaultdict(list)
        self.cas_of_namespace: dict[str, list[str]] = defaultdict(list)
        for array in sorted(self.cas.values(), key=lambda c: c.id):
            self.cas_of_site[array.site].append(array.id)
            self.cas_of_namespace[array.namespace].append(array.id)
        self.dbs_of_user_site: dict[str | None, list[str]] = defaultdict(list)
        for db_id in sorted(self.dbs):
            self.dbs_of_user_site[self.db_user_site[db_id]].append(db_id)
        self.link_of_sites: dict[frozenset[str], str] = {}
        for link in sorted(self.links.values(), key=lambda link: link.id):
            self.link_of_sites.setdefault(frozenset((link.site_a, link.site_b)), link.id)

    @property
    def workload(self) -> Workload:
        """Log generation, change rates and log LUNs (built on first use: the N-1
        sweep never needs it)."""
        if self._workload is None:
            self._workload = Workload(self.design, self.index)
        return self._workload

    def servers_of(self, db: MailboxDatabase) -> tuple[tuple[str, float], ...]:
        """The servers that can hold ``db`` with the replay lag (days) of its copy on
        each: its copies by activation preference (then member), else
        :func:`database_servers` with no lag. Worked out once per database (every
        failure that touches a database asks again)."""
        found = self._servers.get(db.id)
        if found is None:
            copies = sorted(db.copies, key=lambda c: (c.activation_preference, c.member))
            found = tuple((c.member, c.replay_lag_days) for c in copies) or tuple(
                (vm, 0.0) for vm in database_servers(self, db)
            )
            self._servers[db.id] = found
        return found

    def planned_servers(self, db: MailboxDatabase) -> tuple[str, ...]:
        """The servers of :meth:`servers_of` that an SRM recovery plan protects, in that
        order (worked out once per database)."""
        found = self._planned.get(db.id)
        if found is None:
            found = tuple(vm for vm, _ in self.servers_of(db) if self.plans_of_vm.get(vm))
            self._planned[db.id] = found
        return found

    def dag_dbs_across(self, link_id: str) -> list[str]:
        """DAG databases with copies at both ends of a link (what its log shipping can
        carry)."""
        if self._dbs_across is None:
            found: dict[str, list[str]] = defaultdict(list)
            for db_id in sorted(self.dbs):
                db = self.dbs[db_id]
                if not db.dag or len(db.copies) < 2:
                    continue
                sites = {self.vm_site.get(c.member) for c in db.copies} - {None}
                for link in self.links.values():
                    if link.site_a in sites and link.site_b in sites:
                        found[link.id].append(db_id)
            self._dbs_across = dict(found)
        return self._dbs_across.get(link_id, [])

    def e2007_shipping(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Exchange 2007 databases that ship logs to another server → (CCR nodes, SCR
        targets) of their replication (004), as capacity's flows read them."""
        if self._e2007_shipping is None:
            found: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
            for db_id in sorted(self.e2007s_of_db):
                db = self.dbs.get(db_id)
                if db is None or (db.dag and len(db.copies) >= 2):
                    continue
                repls = self.e2007s_of_db[db_id]
                nodes = tuple(
                    dict.fromkeys(
                        n for r in repls if r.replication == Exchange2007Kind.CCR for n in r.nodes
                    )
                )
                targets = tuple(
                    dict.fromkeys(
                        r.target
                        for r in repls
                        if r.replication == Exchange2007Kind.SCR and r.target
                    )
                )
                if nodes or targets:
                    found[db_id] = (nodes, targets)
            self._e2007_shipping = found
        return self._e2007_shipping

    def shipping_receivers(self, db_id: str, active: str) -> list[str]:
        """The servers the database's active copy on ``active`` ships its logs to: every
        other DAG copy; for Exchange 2007, the CCR cluster's other node and, from the
        cluster's active node (or the source server), each SCR target (004)."""
        found = self.e2007_shipping().get(db_id)
        if found is None:
            return [c.member for c in self.dbs[db_id].copies if c.member != active]
        nodes, targets = found
        receivers = [n for n in nodes if n != active]
        if active in nodes or not nodes:
            receivers += [t for t in targets if t != active]
        return receivers

    def link_ends(self) -> LinkEnds:
        """The sites each WAN link joins, for routing (as the capacity engine's)."""
        if self._link_ends is None:
            self._link_ends = LinkEnds({w.id: (w.site_a, w.site_b) for w in self.links.values()})
        return self._link_ends

    def shipping_dbs(self) -> list[str]:
        """Every database that ships logs to another server: DAG databases with two
        copies or more, and Exchange 2007 databases with CCR nodes or SCR targets."""
        if self._shipping_dbs is None:
            dag = [d for d, db in self.dbs.items() if db.dag and len(db.copies) >= 2]
            self._shipping_dbs = sorted({*dag, *self.e2007_shipping()})
        return self._shipping_dbs

    def intact_route(self, a: str, b: str) -> tuple[tuple[str, Direction], ...] | None:
        """:func:`designer.workload.route` from ``a`` to ``b`` with every link and site up."""
        key = (a, b)
        if key not in self._intact_routes:
            self._intact_routes[key] = route(self.link_ends(), a, b)
        return self._intact_routes[key]

    def _log_shipping_bound(self) -> dict[tuple[str, Direction], float]:
        """Per link direction, the most log shipping it could carry with every link and
        site up (see :meth:`steady_bound`): per database, from the one of its servers'
        sites that sends most that way. Databases whose servers lie in the same sites
        share their routes' count (worked out once per pattern)."""
        wl = self.workload
        e2007 = self.e2007_shipping()
        most_of: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[Any, int]] = {}
        bound: dict[tuple[str, Direction], float] = {}
        for db_id in self.shipping_dbs():
            db = self.dbs[db_id]
            nodes, targets = e2007.get(db_id, ((), ()))
            servers = [*nodes, *targets] if db_id in e2007 else [c.member for c in db.copies]
            sites = tuple(sorted(s for vm in servers if (s := self.vm_site.get(vm)) is not None))
            actives = (self.vm_site.get(vm) for vm, _lag in self.servers_of(db))
            sources = tuple(sorted({*sites, *(s for s in actives if s is not None)}))
            most = most_of.get((sites, sources))
            if most is None:
                most = {}
                for source in sources:
                    crossing: dict[Any, int] = {}
                    for there in sites:
                        if there != source:
                            for hop in self.intact_route(source, there) or ():
                                crossing[hop] = crossing.get(hop, 0) + 1
                    for hop, n in crossing.items():
                        most[hop] = max(most.get(hop, 0), n)
                most_of[(sites, sources)] = most
            if not most:
                continue
            mbps = wl.database(db_id).peak_mbps if db_id in e2007 else wl.shipping_mbps(db_id)
            for hop, n in most.items():
                bound[hop] = bound.get(hop, 0.0) + mbps * n
        return bound

    def steady_bound(self, link_id: str) -> dict[str, float]:
        """Per end of a link, the most its steady streams could need leaving that end at
        the busiest hour with every link and site up: every database whose log shipping
        the routes (the capacity report's: the direct link, else the fewest links) take
        over it that way, from whichever of its servers' sites is the most, to each of
        its servers beyond; and every MirrorView/S mirror and Double-Take replication
        across it up. A link direction whose bandwidth covers it never queues log
        shipping while the network is whole (the simulator looks no further)."""
        found = self._steady_bound.get(link_id)
        if found is not None:
            return found
        link = self.links[link_id]
        wl = self.workload
        if self._shipping_bound is None:
            self._shipping_bound = self._log_shipping_bound()
        found = {
            here: self._shipping_bound.get(
                (link_id, direction_of((link.site_a, link.site_b), here)), 0.0
            )
            for here in (link.site_a, link.site_b)
        }
        for mirror_id, mirror in self.mirrors.items():
            src = self.lun_site(mirror.source_lun)
            if mirror.mode == MirrorMode.SYNC and src in found:
                rate = gb_per_hour_to_mbps(wl.mirror_gb_per_hour(mirror_id))
                found[src] += rate * wl.mirror_peak_factor(mirror_id)
        for repl_id, repl in self.host_repls.items():
            src, dst = self.vm_site.get(repl.source), self.vm_site.get(repl.target)
            if src is None or dst is None:
                continue
            # Over the links of its route (as the simulator counts it), not only a
            # link of its source's site.
            for hop_link, way in self.intact_route(src, dst) or ():
                if hop_link == link_id:
                    here = link.site_a if way == "a_to_b" else link.site_b
                    rate = gb_per_hour_to_mbps(wl.host_replication_gb_per_hour(repl_id))
                    found[here] += rate * wl.host_replication_peak_factor(repl_id)
        self._steady_bound[link_id] = found
        return found

    def link_between(self, a: str, b: str) -> str | None:
        """The (first) direct WAN link between two sites."""
        return self.link_of_sites.get(frozenset((a, b)))

    def db_change_gb_per_hour(self, db_id: str) -> float:
        """The logs a database writes per hour: its mailbox profile's, else its share of
        its users' site's mail change rate, by mailboxes (by count when no database
        states mailboxes)."""
        return self.workload.database(db_id).log_gb_per_hour

    def cas_options(self, site: str | None) -> list[str]:
        """CAS arrays the users of ``site`` may use, own site first (see
        :meth:`cas_paths`)."""
        return [cas_id for cas_id, _ in self.cas_paths(site)]

    def cas_paths(self, site: str | None) -> list[CasPath]:
        """CAS arrays the users of ``site`` may use, own site first, each with the
        geographic load balancers one of which must be up to get there: their own
        arrays and those sharing a namespace with them need none; another site's array
        reached only through a geographic load balancer needs one of its own; any array
        will do when the site has none of its own. An array with no member servers
        serves nobody and is never a path."""
        own = [c for c in self.cas_of_site.get(site or "", []) if self.cas[c].members]
        paths: list[CasPath] = [(c, ()) for c in own]
        seen = set(own)
        free: set[str] = set()
        if not self.cas_of_site.get(site or ""):
            free.update(self.cas)
        for cas_id in own:
            free.update(self.cas_of_namespace[self.cas[cas_id].namespace])
        for cas_id in sorted(free - seen):
            if self.cas[cas_id].members:
                paths.append((cas_id, ()))
                seen.add(cas_id)
        for cas_id in sorted(c for c in self.cas if self.geo_lbs_of_cas.get(c)):
            if cas_id not in seen and self.cas[cas_id].members:
                paths.append((cas_id, tuple(self.geo_lbs_of_cas[cas_id])))
        return paths
