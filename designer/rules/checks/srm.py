"""Site Recovery Manager rules (SRM…), mostly from EMC's SRM + MirrorView guide (002).

What SRM protects is derived once per design (:func:`srm_scope`): the VMs of the
protection groups, the consistency groups they name, those groups' mirrors, and the
*protected datastores* (VMFS LUNs that are the source of such a mirror).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from designer.catalog import clariion
from designer.domain.design import Severity
from designer.domain.elements import (
    ConsistencyGroup,
    Dag,
    EsxiHost,
    Exchange2007Replication,
    Lun,
    MailboxDatabase,
    Mirror,
    ProtectionGroup,
    RecoveryPlan,
    Site,
    SrmSitePair,
    VirtualDisk,
    VirtualMachine,
)
from designer.domain.enums import (
    DiskPlacement,
    DiskPurpose,
    Exchange2007Kind,
    LunUsage,
    RecoveryPlanStep,
    VmRole,
)
from designer.domain.index import DesignIndex
from designer.domain.words import word_for
from designer.rules.checks._exchange_facts import is_exchange, runs_transport
from designer.rules.checks._replication import (
    listing,
    mirror_ends,
    release_tuple,
    srm_scope,
)
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import rule

__all__ = [
    "anti_affinity_not_at_recovery",
    "clustered_exchange_2007_protected",
    "design_srm_release",
    "exchange_luns_split_across_consistency_groups",
    "mirror_not_in_consistency_group",
    "missing_vcenter_or_adapter",
    "protected_rdm_not_recoverable",
    "recovery_plan_missing_exchange_steps",
    "recovery_site_lacks_cas_or_hub",
    "srm_lun_not_one_to_one",
    "unprotected_vm_on_protected_datastore",
]

_RDM = (DiskPlacement.RDM_PHYSICAL, DiskPlacement.RDM_VIRTUAL)
_EXCHANGE_DATA = (DiskPurpose.DATABASE, DiskPurpose.LOGS)


# -- helpers ---------------------------------------------------------------------------
def design_srm_release(ctx: RuleContext) -> tuple[int, int, int]:
    """The SRM release the design assumes (``intent.srm_release``)."""
    return release_tuple(ctx.design.intent.srm_release)


def _is_mailbox_server(index: DesignIndex, vm: VirtualMachine) -> bool:
    if VmRole.MAILBOX in vm.roles:
        return True
    return any(d.database for d in index.disks_of_vm.get(vm.id, []))


def _vm_sites(index: DesignIndex) -> Iterator[tuple[VirtualMachine, str]]:
    """Each VM with the site of its host (straight from the host: no site cache needed)."""
    by_id = index.by_id
    for vm in index.of("vm", VirtualMachine):
        host = by_id.get(vm.host)
        if isinstance(host, EsxiHost):
            yield vm, host.site


def _site_name(index: DesignIndex, site_id: str | None) -> str:
    site = index.typed(site_id, Site)
    return site.name if site else str(site_id)


# -- rules ---------------------------------------------------------------------------
@rule(
    code="SRM001",
    name="protected-rdm-not-recoverable",
    severity=Severity.ERROR,
    source="002 Table 1; [product fact]",
    reads=("mirror", "protection_group", "virtual_disk", "wan_link"),
    follows=("consistency_group", "lun", "storage_array", "vm"),
)
def protected_rdm_not_recoverable(ctx: RuleContext) -> Iterator[Finding]:
    """A VM protected by SRM has a raw device mapping SRM cannot recover.

    What it checks
    --------------
    Every RDM disk (physical or virtual compatibility) of a VM in a protection group.
    With the design's SRM release at or before 002's era (``srm_releases`` in the
    catalog) any such disk is reported. With a later release, an RDM is reported when
    its LUN is not mirrored, or is mirrored between another array pair than the VM's
    mirrored VMFS datastores.

    Why
    ---
    The MirrorView adapter of 002's era fails over VMFS datastores only ("RDMs are not
    currently supported"): the VM would power on at the recovery site without its data.
    Later releases recover an RDM with the VM's datastores only by merging them into one
    datastore group, which needs its LUN mirrored between the same two arrays.

    Fix
    ---
    Move the data onto a VMDK on a mirrored VMFS datastore, or (with a later SRM
    release) mirror the RDM's LUN to the recovery array of the VM's datastores.

    Source
    ------
    002 Table 1 ("SRM failover protection is available for VMFS datastores. RDMs are
    not currently supported"); [product fact] for later SRM releases.
    """
    index = ctx.index
    release = ctx.design.intent.srm_release
    era = design_srm_release(ctx) <= release_tuple(clariion()["srm_releases"]["vmfs_only_through"])
    ends = mirror_ends(index)
    disks_of_vm = index.disks_of_vm
    for vm_id in srm_scope(index).vms:
        disks = disks_of_vm.get(vm_id, [])
        rdms = [d for d in disks if d.placement in _RDM]
        vm = index.typed(vm_id, VirtualMachine) if rdms else None
        if vm is None:
            continue
        if era:
            for disk in rdms:
                yield ctx.finding(
                    f"protected VM {vm.name} has RDM disk {disk.name}; SRM {release} with "
                    "the MirrorView adapter recovers VMFS datastores only",
                    [vm, disk, *([disk.lun] if disk.lun else [])],
                )
            continue
        pairs = {
            ends[m.id].pair
            for d in disks
            if d.placement is DiskPlacement.VMDK_VMFS and d.lun
            for m in index.mirrors_from_lun.get(d.lun, [])
        }
        for disk in rdms:
            mirrors = index.mirrors_from_lun.get(disk.lun, []) if disk.lun else []
            if not mirrors:
                yield ctx.finding(
                    f"protected VM {vm.name} has RDM disk {disk.name} on an unmirrored LUN; "
                    f"SRM {release} recovers an RDM only with a mirror of its LUN",
                    [vm, disk, *([disk.lun] if disk.lun else [])],
                )
            elif pairs and not pairs & {ends[m.id].pair for m in mirrors}:
                src, dst = (_name(index, a) for a in ends[mirrors[0].id].pair)
                yield ctx.finding(
                    f"protected VM {vm.name} has RDM disk {disk.name} mirrored from array "
                    f"{src} to {dst}, not between its datastores' arrays; SRM {release} "
                    "cannot merge them into one datastore group",
                    [vm, disk, mirrors[0]],
                )


@rule(
    code="SRM002",
    name="mirror-not-in-consistency-group",
    severity=Severity.ERROR,
    source="002",
    reads=("consistency_group", "mirror", "protection_group", "virtual_disk"),
    follows=("lun", "vm"),
)
def mirror_not_in_consistency_group(ctx: RuleContext) -> Iterator[Finding]:
    """A mirror SRM has to manage is in no consistency group.

    What it checks
    --------------
    Every mirror whose source LUN holds a disk of a VM in a protection group must be a
    member of a consistency group.

    Why
    ---
    "SRM requires that all mirrors it manages be placed in consistency groups": SRM
    discovers and fails over replicated LUNs by consistency group, so a loose mirror is
    invisible to it and the VM recovers without that disk.

    Fix
    ---
    Add the mirror to the consistency group of the VM's other mirrors (or a new one),
    and name that group in the protection group.

    Source
    ------
    002 "Consistency groups".
    """
    index = ctx.index
    cg_of = index.consistency_group_of_mirror
    protected = srm_scope(index).vms
    loose = [m for m in index.of("mirror", Mirror) if m.id not in cg_of] if protected else []
    disks_on_lun = index.disks_on_lun if loose else {}
    for mirror in loose:
        for disk in disks_on_lun.get(mirror.source_lun, ()):
            pgs = protected.get(disk.vm)
            vm = index.typed(disk.vm, VirtualMachine) if pgs else None
            if pgs and vm is not None:
                yield ctx.finding(
                    f"mirror {mirror.name} of protected VM {vm.name} (protection group "
                    f"{pgs[0].name}) is in no consistency group; SRM manages mirrors only "
                    "through consistency groups",
                    [mirror, mirror.source_lun, vm, pgs[0]],
                )
                break


@rule(
    code="SRM003",
    name="exchange-luns-split-across-consistency-groups",
    severity=Severity.WARNING,
    source="002",
    reads=("consistency_group", "mirror", "virtual_disk"),
    follows=("mailbox_database", "vm"),
)
def exchange_luns_split_across_consistency_groups(ctx: RuleContext) -> Iterator[Finding]:
    """The database and log LUNs of one Exchange storage group are not in one consistency group.

    What it checks
    --------------
    For each VM and each storage group on it (a mailbox database's ``storage_group``, or
    the database itself), the LUNs of its database and log disks. Once any of them is
    mirrored, all must be mirrored, and all their mirrors must be in one consistency
    group (a warning). When they are, a VM OS disk whose LUN is outside that group is
    reported as advice (info): it can join it.

    Why
    ---
    A consistency group fractures all its mirrors at the same point, so the database
    and its logs stay consistent with each other at the recovery site; split across
    groups (or unmirrored), the recovered database may not mount. 002 also notes that
    one server's data LUNs and guest OS can usually share one consistency group.

    Fix
    ---
    Put the mirrors of the storage group's database and log LUNs in one consistency
    group; optionally add the OS datastore's mirror to it.

    Source
    ------
    002 "Consistency groups" and "Setup" (data LUNs plus GOS in one consistency group).
    """
    index = ctx.index
    cg_of = index.consistency_group_of_mirror
    mirrors_from_lun, by_id = index.mirrors_from_lun, index.by_id
    # Only VMs with Exchange data on a mirrored LUN can break the rule: start from the
    # mirrors (few) rather than from every disk (tens of thousands in large designs).
    disks_on_lun, disks_of_vm = index.disks_on_lun, index.disks_of_vm
    vms = {
        disk.vm: None
        for lun in mirrors_from_lun
        for disk in disks_on_lun.get(lun, ())
        if disk.database is not None and disk.purpose in _EXCHANGE_DATA
    }
    groups: dict[tuple[str, str], tuple[MailboxDatabase, dict[str, None]]] = {}
    for disk in (d for vm_id in vms for d in disks_of_vm.get(vm_id, ())):
        if disk.database is None or disk.lun is None or disk.purpose not in _EXCHANGE_DATA:
            continue
        db = by_id.get(disk.database)
        if not isinstance(db, MailboxDatabase):
            continue
        key = (disk.vm, db.storage_group or db.id)
        entry = groups.get(key)
        if entry is None:
            groups[key] = entry = (db, {})
        entry[1][disk.lun] = None
    data_cgs: dict[str, set[str]] = {}
    for (vm_id, _), (db, lun_set) in groups.items():
        luns = list(lun_set)
        cgs: dict[str | None, None] = {}
        unmirrored: list[str] = []
        for lun in luns:
            mirrors = mirrors_from_lun.get(lun)
            if not mirrors:
                unmirrored.append(lun)
            for mirror in mirrors or ():
                cgs[cg_of.get(mirror.id)] = None
        if not cgs:
            continue
        named = [cg for cg in cgs if cg is not None]
        if unmirrored:
            mirrored = [lun for lun in luns if lun not in unmirrored]
            yield ctx.finding(
                f"{_storage_group(db)} on VM {_name(index, vm_id)} mirrors LUN "
                f"{listing(_name(index, lun) for lun in mirrored)} but not LUN "
                f"{listing(_name(index, lun) for lun in unmirrored)}; its database and logs "
                "would recover from different points in time",
                [vm_id, *luns],
            )
        elif len(cgs) > 1 or (None in cgs and len(luns) > 1):
            where = [_cg_name(index, cg) for cg in named]
            if None in cgs:
                where.append("no consistency group")
            yield ctx.finding(
                f"{_storage_group(db)} on VM {_name(index, vm_id)} has its database and log "
                f"mirrors in {listing(where)}; they belong in 1 consistency group",
                [vm_id, *luns, *named],
            )
        elif named:
            data_cgs.setdefault(vm_id, set()).update(named)
    for vm_id, cg_ids in data_cgs.items():
        if len(cg_ids) != 1:
            continue
        (cg_id,) = cg_ids
        vm = index.typed(vm_id, VirtualMachine)
        for disk in disks_of_vm.get(vm_id, ()):
            if disk.purpose is not DiskPurpose.OS or not disk.lun:
                continue
            os_cgs = {cg_of.get(m.id) for m in index.mirrors_from_lun.get(disk.lun, [])}
            if cg_id in os_cgs:
                continue
            yield ctx.finding(
                f"OS disk {disk.name} of VM {vm.name if vm else vm_id} is outside consistency "
                f"group {_cg_name(index, cg_id)} of its Exchange data; it can join it",
                [vm_id, disk, disk.lun, cg_id],
                severity=Severity.INFO,
            )


def _storage_group(db: MailboxDatabase) -> str:
    return (
        f"storage group {db.storage_group}" if db.storage_group else f"mailbox database {db.name}"
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _cg_name(index: DesignIndex, cg_id: str) -> str:
    cg = index.typed(cg_id, ConsistencyGroup)
    return cg.name if cg else cg_id


@rule(
    code="SRM004",
    name="missing-vcenter-or-adapter",
    severity=Severity.ERROR,
    source="002",
    reads=("srm_site_pair", "vm"),
    follows=("esxi_host", "site"),
)
def missing_vcenter_or_adapter(ctx: RuleContext) -> Iterator[Finding]:
    """An SRM site lacks its vCenter server or the array's replication adapter.

    What it checks
    --------------
    For each SRM site pair, both the protected and the recovery site need a VM with the
    ``vcenter`` role, a VM with the ``srm_server`` role (the adapter is installed on it)
    and the MirrorView adapter (``adapter_at_protected`` / ``adapter_at_recovery``).

    Why
    ---
    SRM relies on independent vCenter servers at the protected and at the recovery site,
    and the storage replication adapter for MirrorView is installed at both sites on a
    machine running SRM; without either side, SRM can neither discover the mirrors nor
    promote them.

    Fix
    ---
    Add the missing vCenter server or SRM server VM to the site, and install the
    MirrorView storage replication adapter there.

    Source
    ------
    002 "VMware Site Recovery Manager".
    """
    index = ctx.index
    vcenter_sites: set[str] = set()
    srm_sites: set[str] = set()
    for vm, site in _vm_sites(index):
        if VmRole.VCENTER in vm.roles:
            vcenter_sites.add(site)
        if VmRole.SRM_SERVER in vm.roles:
            srm_sites.add(site)
    for pair in index.of("srm_site_pair", SrmSitePair):
        ends = (
            ("protected", pair.protected_site, pair.adapter_at_protected),
            ("recovery", pair.recovery_site, pair.adapter_at_recovery),
        )
        for role, site_id, adapter in ends:
            missing = []
            if site_id not in vcenter_sites:
                missing.append("a vCenter server")
            if site_id not in srm_sites:
                missing.append("an SRM server")
            if not adapter:
                missing.append("the MirrorView replication adapter")
            if missing:
                yield ctx.finding(
                    f"{role} site {_site_name(index, site_id)} of SRM site pair {pair.name} "
                    f"lacks {' and '.join(missing)}; SRM needs them at both sites",
                    [pair, site_id],
                )


@rule(
    code="SRM005",
    name="recovery-site-lacks-cas-or-hub",
    severity=Severity.ERROR,
    source="002; [product fact]",
    reads=("protection_group", "virtual_disk", "vm"),
    follows=("consistency_group", "esxi_host", "lun", "mirror", "site", "srm_site_pair"),
)
def recovery_site_lacks_cas_or_hub(ctx: RuleContext) -> Iterator[Finding]:
    """A site that runs recovered mailbox servers has no Client Access or Hub Transport server.

    What it checks
    --------------
    The recovery site of every SRM site pair whose protection groups hold a mailbox
    server (a VM with the ``mailbox`` role or a disk holding a mailbox database) must
    run a VM with the ``client_access`` role and one with the ``hub_transport`` role (an
    Exchange 2013 Mailbox server counts as one, as it runs the Transport service; when
    every recovered mailbox server is such a server, it brings its own transport).

    Why
    ---
    After failover, the mailbox databases are active at the recovery site; clients reach
    them only through a Client Access server and mail flows only through a Hub Transport
    server. 002 expects a CAS server configured at each site (SRM need not protect it)
    and the Hub Transport role available at each site.

    Fix
    ---
    Run a Client Access server and a Hub Transport server (possibly one VM with both
    roles) at the recovery site, in the same Windows domain.

    Source
    ------
    002 Table 1 ("Exchange CAS and Hub Transport servers at each site") and "Setup";
    [product fact] Exchange 2013's Mailbox servers run the Transport service.
    """
    index = ctx.index
    mailbox_vms_by_pair: dict[str, dict[str, None]] = {}
    #: Pairs whose every recovered mailbox server runs the Transport service itself.
    own_transport: dict[str, bool] = {}
    for vm_id, pgs in srm_scope(index).vms.items():
        server = index.typed(vm_id, VirtualMachine)
        if server is None or not _is_mailbox_server(index, server):
            continue
        for pg in pgs:
            mailbox_vms_by_pair.setdefault(pg.site_pair, {})[server.name] = None
            own_transport[pg.site_pair] = own_transport.get(pg.site_pair, True) and (
                VmRole.MAILBOX in server.roles and runs_transport(server)
            )
    if not mailbox_vms_by_pair:
        return
    cas_sites: set[str] = set()
    hub_sites: set[str] = set()
    for vm, site in _vm_sites(index):
        if VmRole.CLIENT_ACCESS in vm.roles:
            cas_sites.add(site)
        if runs_transport(vm):
            hub_sites.add(site)
    for pair_id, vm_names in mailbox_vms_by_pair.items():
        pair = index.typed(pair_id, SrmSitePair)
        if pair is None:
            continue
        site_id = pair.recovery_site
        missing = []
        if site_id not in cas_sites:
            missing.append("a Client Access server")
        if site_id not in hub_sites and not own_transport[pair_id]:
            missing.append("a Hub Transport server")
        if missing:
            yield ctx.finding(
                f"recovery site {_site_name(index, site_id)} of SRM site pair {pair.name} "
                f"lacks {' and '.join(missing)} of its own for recovered mailbox "
                f"{word_for(len(vm_names), 'server')} {listing(vm_names)}",
                [site_id, pair],
            )


@rule(
    code="SRM006",
    name="recovery-plan-missing-exchange-steps",
    severity=Severity.WARNING,
    source="000 §5.1.1; 002",
    reads=("dag", "recovery_plan", "virtual_disk"),
    follows=("protection_group", "site", "srm_site_pair", "vm"),
)
def recovery_plan_missing_exchange_steps(ctx: RuleContext) -> Iterator[Finding]:
    """A recovery plan for Exchange servers lacks IP customization on another subnet, or
    for DAG members the witness, DAG IP or DNS steps.

    What it checks
    --------------
    Every recovery plan that recovers an Exchange server (a VM with an Exchange role or
    version, or holding a mailbox database), through its protection groups or its
    priorities. When the protected and recovery sites both declare a subnet and they
    differ, the plan needs IP customization. For DAG members it also needs the witness
    update step (always) and, on another subnet, the DAG IP update step (unless every
    DAG involved is IP-less) and the DNS update step.

    Why
    ---
    A VM recovered on another subnet keeps its old address unless the plan customizes
    it: users cannot reach the Exchange server. Recovered DAG members also come up
    without their file share witness, so the DAG has no quorum until the witness is
    moved; on another subnet the DAG needs an address in the new subnet and clients DNS
    records that point to the new addresses.

    Fix
    ---
    Turn on IP customization in the recovery plan (a customization specification per
    VM); for DAG members add the witness update step, and on another subnet the DAG IP
    update and DNS update steps.

    Source
    ------
    002 ("If the VMs at the recovery site are on a different subnet from the VMs at the
    protected site, you must go through a few additional steps before the new Exchange
    VM can be accessed by users … a customized specification"); 000 §5.1.1 (SRM
    recovery of a DAG: witness, DAG IP and DNS updates).
    """
    index = ctx.index
    dag_of_member: dict[str, Dag] = {}
    for dag in index.of("dag", Dag):
        for member in dag.members:
            dag_of_member.setdefault(member, dag)
    for plan in index.of("recovery_plan", RecoveryPlan):
        vm_ids: dict[str, None] = {}
        for pg_id in plan.protection_groups:
            pg = index.typed(pg_id, ProtectionGroup)
            if pg is not None:
                vm_ids.update(dict.fromkeys(pg.vms))
        vm_ids.update(dict.fromkeys(p.vm for p in plan.priorities))
        dags = list(
            {dag_of_member[v].id: dag_of_member[v] for v in vm_ids if v in dag_of_member}.values()
        )
        exchange = [
            vm
            for v in vm_ids
            if (vm := index.typed(v, VirtualMachine)) is not None
            and (v in dag_of_member or _is_exchange_server(index, vm))
        ]
        if not exchange:
            continue
        dag_names = listing(d.name for d in dags)
        if dags and RecoveryPlanStep.WITNESS_UPDATE not in plan.steps:
            yield ctx.finding(
                f"recovery plan {plan.name} recovers members of DAG {dag_names} without the "
                "witness update step",
                [plan, *dags],
                fix_field="steps",
            )
        pair = index.typed(plan.site_pair, SrmSitePair)
        if pair is None:
            continue
        protected = index.typed(pair.protected_site, Site)
        recovery = index.typed(pair.recovery_site, Site)
        if not (protected and recovery and protected.subnet and recovery.subnet):
            continue
        if protected.subnet == recovery.subnet:
            continue
        missing = []
        if not plan.ip_customization:
            missing.append("IP customization")
        if dags:
            if (
                any(d.ip_per_subnet for d in dags)
                and RecoveryPlanStep.DAG_IP_UPDATE not in plan.steps
            ):
                missing.append("the DAG IP update step")
            if RecoveryPlanStep.DNS_UPDATE not in plan.steps:
                missing.append("the DNS update step")
        if not missing:
            continue
        what = (
            f"members of DAG {dag_names}"
            if dags
            else f"Exchange {word_for(len(exchange), 'server')} "
            f"{listing(vm.name for vm in exchange)}"
        )
        yield ctx.finding(
            f"recovery plan {plan.name} recovers {what} into site {recovery.name} on another "
            f"subnet without {_and(missing)}; subnets {protected.subnet} and "
            f"{recovery.subnet}" + ("" if dags else ": users cannot reach them"),
            [plan, *(dags or exchange), recovery],
            # The first thing missing: the plan's IP customization, else its steps.
            fix_field="ip_customization" if not plan.ip_customization else "steps",
        )


def _is_exchange_server(index: DesignIndex, vm: VirtualMachine) -> bool:
    """A VM running Exchange: an Exchange version, an Exchange role or a database."""
    return is_exchange(vm) or _is_mailbox_server(index, vm)


@rule(
    code="SRM007",
    name="clustered-exchange-2007-protected",
    severity=Severity.ERROR,
    source="002",
    reads=("exchange2007_replication", "protection_group"),
    follows=("consistency_group", "lun", "mirror"),
)
def clustered_exchange_2007_protected(ctx: RuleContext) -> Iterator[Finding]:
    """SRM protects a node of a Windows-clustered Exchange 2007 mailbox server.

    What it checks
    --------------
    Every node of an Exchange 2007 single copy cluster (SCC) or cluster continuous
    replication (CCR) pair that is a VM in a protection group.

    Why
    ---
    "SRM cannot be configured as an application for failover with Microsoft Windows
    clusters": a recovered cluster node finds neither its quorum nor its peer, and
    the clustered mailbox server does not come online.

    Fix
    ---
    Move the mailboxes to a non-clustered virtual mailbox server (002 recommends mailbox
    migration) and rely on vSphere HA for local protection and SRM for site recovery.

    Source
    ------
    002 "Planning to virtualize Exchange".
    """
    index = ctx.index
    protected = srm_scope(index).vms
    clustered = (Exchange2007Kind.SCC, Exchange2007Kind.CCR)
    for repl in index.of("exchange2007_replication", Exchange2007Replication):
        if repl.replication not in clustered:
            continue
        nodes = [n for n in dict.fromkeys(repl.nodes) if n in protected]
        if not nodes:
            continue
        names = [_name(index, n) for n in nodes]
        pgs = list({pg.id: pg for n in nodes for pg in protected[n]}.values())
        yield ctx.finding(
            f"Exchange 2007 {repl.replication.value.upper()} cluster {repl.name} has "
            f"{word_for(len(names), 'node')} "
            f"{listing(names)} in protection group {listing(pg.name for pg in pgs)}; SRM "
            "cannot fail over a Windows-clustered mailbox server",
            [repl, *nodes, *pgs],
        )


def _name(index: DesignIndex, element_id: str) -> str:
    element = index.get(element_id)
    return element.name if element else element_id


@rule(
    code="SRM008",
    name="srm-lun-not-one-to-one",
    severity=Severity.ERROR,
    source="002",
    reads=("mirror", "protection_group", "virtual_disk", "wan_link"),
    follows=("consistency_group", "lun", "storage_array", "vm"),
)
def srm_lun_not_one_to_one(ctx: RuleContext) -> Iterator[Finding]:
    """A LUN managed by SRM does not have exactly one mirror target.

    What it checks
    --------------
    LUNs managed by SRM are the sources of mirrors in protected consistency groups and
    the LUNs holding disks of protected VMs. Each must be the source of exactly one
    mirror (a VMFS datastore of a protected VM with none is reported too; an unmirrored
    RDM is SRM001's), and each target of those mirrors must receive exactly one.

    Why
    ---
    "There is a one-to-one source (primary) / target (secondary) relationship for all
    mirrors managed with SRM": SRM promotes one secondary image per LUN. A datastore
    with no mirror has nothing at the recovery site to promote.

    Fix
    ---
    Keep one mirror per protected LUN (remove the extra secondary or move it out of
    SRM's scope); mirror every datastore that holds a protected VM's disks.

    Source
    ------
    002 "Bi-directional mirroring".
    """
    index = ctx.index
    scope = srm_scope(index)
    ends = mirror_ends(index)
    managed: dict[str, VirtualDisk | None] = {}
    for mirror_id in scope.mirrors:
        end = ends.get(mirror_id)
        if end is not None:
            managed[end.mirror.source_lun] = None
    disks_of_vm = index.disks_of_vm
    for vm_id in scope.vms:
        for vm_disk in disks_of_vm.get(vm_id, ()):
            if vm_disk.lun and vm_disk.placement is not DiskPlacement.NAS:
                managed.setdefault(vm_disk.lun, vm_disk)
    mirrors_from_lun, by_id = index.mirrors_from_lun, index.by_id
    fan_in = Counter(end.mirror.target_lun for end in ends.values())
    shared_targets: dict[str, None] = {}
    for lun_id, disk in managed.items():
        mirrors = mirrors_from_lun.get(lun_id, ())
        for mirror in mirrors:
            if fan_in[mirror.target_lun] > 1:
                shared_targets[mirror.target_lun] = None
        if len(mirrors) == 1:
            continue
        lun = by_id.get(lun_id)
        if not isinstance(lun, Lun):
            continue
        if len(mirrors) > 1:
            yield ctx.finding(
                f"LUN {lun.name} managed by SRM is mirrored to "
                f"{listing(_name(index, m.target_lun) for m in mirrors)}; SRM needs exactly 1 "
                f"mirror target, not {len(mirrors)}",
                [lun, *mirrors],
            )
        elif (
            not mirrors
            and disk is not None
            and disk.placement is DiskPlacement.VMDK_VMFS
            and lun.usage is LunUsage.VMFS_DATASTORE
        ):
            yield ctx.finding(
                f"datastore LUN {lun.name} holds disk {disk.name} of protected VM "
                f"{_name(index, disk.vm)} but has no mirror; SRM needs exactly 1 mirror target",
                [lun, disk, disk.vm],
            )
    for target_id in shared_targets:
        sources = index.mirrors_to_lun.get(target_id, ())
        if len(sources) > 1:
            yield ctx.finding(
                f"LUN {_name(index, target_id)} is the target of mirrors "
                f"{listing(m.name for m in sources)}; SRM needs one-to-one mirrors, not "
                f"{len(sources)} sources",
                [target_id, *sources],
            )


@rule(
    code="SRM009",
    name="unprotected-vm-on-protected-datastore",
    severity=Severity.ERROR,
    source="[product fact]",
    reads=("protection_group", "virtual_disk"),
    follows=("consistency_group", "lun", "mirror"),
)
def unprotected_vm_on_protected_datastore(ctx: RuleContext) -> Iterator[Finding]:
    """A VM outside every protection group has a disk on a protected datastore.

    What it checks
    --------------
    Each protected datastore (a VMFS LUN that is the source of a mirror in a protection
    group's consistency group) against the VMs with disks on it: every one must be in a
    protection group. An error up to SRM 6.1 (``srm_releases`` in the catalog), a
    warning from then on.

    Why
    ---
    SRM recovers whole datastores. Up to SRM 5.x, a datastore that also holds an
    unprotected VM makes the protection group's recovery fail for every VM on it; from
    SRM 6.1 the real recovery proceeds but test recovery and planned migration fail.

    Fix
    ---
    Add the VM to the protection group, or move its disks off the mirrored datastore.

    Source
    ------
    [product fact] (VMware SRM: a protection group protects all VMs on its datastores).
    """
    index = ctx.index
    scope = srm_scope(index)
    release = ctx.design.intent.srm_release
    lenient = design_srm_release(ctx) >= release_tuple(
        clariion()["srm_releases"]["unprotected_vm_test_only_from"]
    )
    protected, disks_on_lun = scope.vms, index.disks_on_lun
    for lun_id, pg in scope.datastores.items():
        strays = list(
            dict.fromkeys(d.vm for d in disks_on_lun.get(lun_id, ()) if d.vm not in protected)
        )
        lun = index.typed(lun_id, Lun) if strays else None
        if lun is None:
            continue
        names = listing(_name(index, v) for v in strays)
        if lenient:
            yield ctx.finding(
                f"protected datastore {lun.name} (protection group {pg.name}) holds disks of "
                f"unprotected {word_for(len(strays), 'VM')} {names}; test recovery and planned "
                f"migration of it fail with SRM {release}",
                [lun, pg, *strays],
                severity=Severity.WARNING,
            )
        else:
            yield ctx.finding(
                f"protected datastore {lun.name} (protection group {pg.name}) holds disks of "
                f"unprotected {word_for(len(strays), 'VM')} {names}; its recovery fails for every "
                f"VM on it with SRM {release}",
                [lun, pg, *strays],
            )


@rule(
    code="SRM010",
    name="anti-affinity-not-at-recovery",
    severity=Severity.WARNING,
    source="[product fact]",
    reads=("dag", "protection_group"),
    follows=("consistency_group", "lun", "mirror", "vm"),
)
def anti_affinity_not_at_recovery(ctx: RuleContext) -> Iterator[Finding]:
    """SRM recovers DAG members without their anti-affinity rule.

    What it checks
    --------------
    Every DAG with two or more members in protection groups, unless the DAG's
    ``anti_affinity_at_recovery`` says the rule is also set on SRM's placeholder VMs at
    the recovery site.

    Why
    ---
    DRS anti-affinity rules belong to the protected site's cluster; SRM does not carry
    them to the recovery site. Recovered DAG members can then be placed on one ESXi
    host, where a single host failure takes several database copies at once.

    Fix
    ---
    Create the anti-affinity rule on the placeholder VMs in the recovery site's cluster
    (and mark it in the DAG), or add it in a recovery plan step.

    Source
    ------
    [product fact] (VMware SRM does not replicate DRS rules); 000 §4.3.1 (DAG members
    kept apart by anti-affinity rules).
    """
    index = ctx.index
    protected = srm_scope(index).vms
    for dag in index.of("dag", Dag):
        if dag.anti_affinity_at_recovery:
            continue
        members = [m for m in dict.fromkeys(dag.members) if m in protected]
        if len(members) < 2:
            continue
        yield ctx.finding(
            f"DAG {dag.name} members {listing(_name(index, m) for m in members)} recover "
            "through SRM without an anti-affinity rule on their placeholder VMs; "
            f"{len(members)} members could land on 1 host",
            [dag, *members],
            fix_field="anti_affinity_at_recovery",
        )
