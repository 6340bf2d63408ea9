"""Facts about DAGs and database copies shared by the DAG rules (``dag.py``).

Member placement, each database's copies flattened into tuples and where database
files live, built lazily once per :class:`DesignIndex` (a design
snapshot is immutable, so the facts stay true as long as the index lives). A
25,000-element design holds some 4,000 databases and 16,000 copies: one shared pass
over them keeps every DAG rule to a few milliseconds.
"""

from __future__ import annotations

from functools import cached_property
from operator import attrgetter
from weakref import WeakKeyDictionary, proxy

from designer.domain.elements import (
    Dag,
    EsxiHost,
    Lun,
    MailboxDatabase,
    VirtualDisk,
    VirtualMachine,
)
from designer.domain.enums import DiskPurpose
from designer.domain.index import DesignIndex
from designer.rules.context import RuleContext

__all__ = ["DagFacts", "Row", "dag_facts"]

_COPY_FIELDS = attrgetter("member", "activation_preference", "replay_lag_days")
_DISK_FIELDS = attrgetter("database", "vm", "lun", "purpose")


#: One database and its copies' fields as parallel tuples, in the copies' order:
#: (database, its DAG, members, activation preferences, replay lags, the members'
#: sites, primary site: the user site if a copy is there, else the preferred copy's).
#: A plain tuple: the rules unpack it, and a NamedTuple costs ~10% more to build.
Row = tuple[
    MailboxDatabase,
    Dag | None,
    tuple[str, ...],
    tuple[int, ...],
    tuple[float, ...],
    tuple[str | None, ...],
    str | None,
]


class DagFacts:
    """Placement of DAG members and database files of one design, computed once (the
    site network's paths are the topology's: :mod:`designer.graph.network`)."""

    def __init__(self, index: DesignIndex, dags: frozenset[str] | None = None) -> None:
        """``dags``: only these DAGs and their databases (ids; a database outside any
        DAG by its own id), in design order (see :attr:`RuleContext.dags`)."""
        # A weak proxy: the cache below is keyed weakly by the index, and a value that
        # held the index itself would keep it (and its design) alive for ever.
        self.index: DesignIndex = proxy(index)
        self.scoped = dags is not None
        if dags is None:
            self.dags: list[Dag] = index.of("dag", Dag)
            self.databases: list[MailboxDatabase] = index.of("mailbox_database", MailboxDatabase)
            return
        of_dag = index.group("mailbox_database", "dag")
        found_dags: list[Dag] = []
        found_dbs: list[MailboxDatabase] = []
        for unit in dags:
            element = index.get(unit)
            if isinstance(element, Dag):
                found_dags.append(element)
            elif isinstance(element, MailboxDatabase) and not element.dag:
                found_dbs.append(element)
            found_dbs.extend(of_dag.get(unit, ()))  # type: ignore[arg-type]
        position = index.position_of
        self.dags = sorted(found_dags, key=lambda e: position(e.id))
        self.databases = sorted(found_dbs, key=lambda e: position(e.id))

    def name(self, element_id: str | None) -> str:
        element = self.index.get(element_id)
        return element.name if element is not None else str(element_id)

    @cached_property
    def host_of(self) -> dict[str, str]:
        """VM id → ESXi host id, for the VMs DAGs and database copies name: reached
        through them, not by going through every VM (a VM they do not name changes no
        DAG rule's findings: the live check after adding one re-runs none of them)."""
        get = self.index.get
        found: dict[str, str] = {}
        for vm_id in self._named_vms:
            vm = get(vm_id)
            if isinstance(vm, VirtualMachine):
                found[vm_id] = vm.host
        return found

    @cached_property
    def _named_vms(self) -> dict[str, None]:
        """The VMs DAGs name as members and databases as copy holders, in that order."""
        named: dict[str, None] = {}
        for dag in self.dags:
            named.update(dict.fromkeys(dag.members))
        for db in self.databases:
            named.update(dict.fromkeys(c.member for c in db.copies))
        return named

    @cached_property
    def cluster_of(self) -> dict[str, str]:
        """ESXi host id → vSphere cluster id (the hosts of :attr:`host_of`, in a cluster)."""
        get = self.index.get
        found: dict[str, str] = {}
        for host_id in dict.fromkeys(self.host_of.values()):
            host = get(host_id)
            if isinstance(host, EsxiHost) and host.cluster:
                found[host_id] = host.cluster
        return found

    @cached_property
    def vm_site(self) -> dict[str, str]:
        """VM id → site id (through its host), for the VMs of :attr:`host_of`."""
        get = self.index.get
        site_of_host: dict[str, str] = {}
        for host_id in dict.fromkeys(self.host_of.values()):
            host = get(host_id)
            if isinstance(host, EsxiHost):
                site_of_host[host_id] = host.site
        return {
            vm_id: site_of_host[host]
            for vm_id, host in self.host_of.items()
            if host in site_of_host
        }

    @cached_property
    def rows(self) -> list[Row]:
        """Every database with its copies flattened (see ``Row``)."""
        site_get = self.vm_site.get
        dags = self.dag_by_id
        rows: list[Row] = []
        for db in self.databases:
            members: tuple[str, ...] = ()
            prefs: tuple[int, ...] = ()
            lags: tuple[float, ...] = ()
            sites: tuple[str | None, ...] = ()
            primary = db.user_site
            dag = dags.get(db.dag) if db.dag else None
            if db.copies:
                members, prefs, lags = zip(*map(_COPY_FIELDS, db.copies), strict=True)
                sites = tuple(map(site_get, members))
                # users homed in a site without DAG members (a branch office) are served
                # from the preferred copy's site: that is the database's primary site
                if primary is None or primary not in sites:
                    primary = sites[prefs.index(min(prefs))]
            rows.append((db, dag, members, prefs, lags, sites, primary))
        return rows

    @cached_property
    def members_by_site(self) -> dict[str, dict[str, list[str]]]:
        """DAG id → member site id → member VM ids, sites in order of first member."""
        result: dict[str, dict[str, list[str]]] = {}
        for dag in self.dags:
            sites: dict[str, list[str]] = {}
            for vm_id in dict.fromkeys(dag.members):
                site = self.vm_site.get(vm_id)
                if site is not None:
                    sites.setdefault(site, []).append(vm_id)
            result[dag.id] = sites
        return result

    @cached_property
    def dag_by_id(self) -> dict[str, Dag]:
        return {dag.id: dag for dag in self.dags}

    @cached_property
    def database_disks(self) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
        """Where databases keep their files: by database, and the VMs' unnamed data disks.

        The first map gives, per database id, the (VM, LUN) of each disk naming it; the
        second, per VM, the LUNs of its database and log disks that name no database
        (they hold whichever databases the VM has no disk of their own for).
        """
        named: dict[str, list[tuple[str, str]]] = {}
        unnamed: dict[str, list[str]] = {}
        if self.scoped:
            return self._database_disks_of_dags()
        for database, vm, lun, purpose in map(
            _DISK_FIELDS, self.index.of("virtual_disk", VirtualDisk)
        ):
            if not lun:
                continue
            if database:
                named.setdefault(database, []).append((vm, lun))
            elif purpose is not DiskPurpose.OS:
                unnamed.setdefault(vm, []).append(lun)
        return named, unnamed

    def _database_disks_of_dags(
        self,
    ) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
        """:attr:`database_disks` of these DAGs' databases and the VMs they name, from
        the disks naming each database and each VM's disks (design order, as the
        whole design's pass gives them), not from every disk of the design."""
        named: dict[str, list[tuple[str, str]]] = {}
        unnamed: dict[str, list[str]] = {}
        by_database = self.index.group("virtual_disk", "database")
        for db in self.databases:
            disks: list[VirtualDisk] = by_database.get(db.id, [])  # type: ignore[assignment]
            found = [(d.vm, d.lun) for d in disks if d.lun]
            if found:
                named[db.id] = found
        by_vm = self.index.group("virtual_disk", "vm")
        for vm in self._named_vms:
            own: list[VirtualDisk] = by_vm.get(vm, [])  # type: ignore[assignment]
            luns = [
                disk.lun
                for disk in own
                if disk.lun and not disk.database and disk.purpose is not DiskPurpose.OS
            ]
            if luns:
                unnamed[vm] = luns
        return named, unnamed

    @cached_property
    def array_of_lun(self) -> dict[str, str]:
        return {lun.id: lun.array for lun in self.index.of("lun", Lun)}


_CACHE: WeakKeyDictionary[DesignIndex, DagFacts] = WeakKeyDictionary()


def dag_facts(ctx: RuleContext) -> DagFacts:
    """The facts of ``ctx``'s design, built on first use and kept with its index (of
    the DAGs of :attr:`RuleContext.dags` alone when it names some: kept with the
    context)."""
    if ctx.dags is not None:
        scoped = ctx.__dict__.get("_dag_facts")
        if scoped is None:
            scoped = ctx.__dict__["_dag_facts"] = DagFacts(ctx.index, ctx.dags)
        return scoped
    facts = _CACHE.get(ctx.index)
    if facts is None:
        facts = _CACHE[ctx.index] = DagFacts(ctx.index)
    return facts
