"""vSphere and storage rules (VS…)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import compress, repeat
from operator import attrgetter, lt

from designer.catalog import limits
from designer.domain.design import Severity
from designer.domain.elements import (
    Lun,
    MailboxDatabase,
    VirtualDisk,
    VirtualMachine,
    VsphereCluster,
)
from designer.domain.enums import DiskPlacement, DiskPurpose, LunUsage
from designer.rules.checks._exchange_facts import exchange_facts
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import rule

__all__ = [
    "cluster_cannot_absorb_host_failure",
    "database_and_logs_on_same_spindles",
    "database_disk_smaller_than_database",
    "datastore_over_committed",
    "exchange_data_on_nas",
    "too_many_users_per_vm",
]


@rule(
    code="VS002",
    name="too-many-users-per-vm",
    severity=Severity.WARNING,
    source="002",
    reads=("mailbox_database", "virtual_disk", "vm"),
    narrow={"virtual_disk": "data"},  # a database without copies is active on its disks' VM
)
def too_many_users_per_vm(ctx: RuleContext) -> Iterator[Finding]:
    """More than the recommended number of Exchange users in one VM.

    What it checks
    --------------
    Each VM's Exchange users against the recommended limit of Exchange users per VM:
    the mailboxes it states (``mailboxes``), or, when more, the mailboxes of the
    databases it runs actively in normal operation (those whose preferred copy it
    holds, and those without copies whose disks it holds).

    Why
    ---
    EMC's SRM/MirrorView guidance recommends at most 4,000 Exchange users within a VM;
    beyond it the VM's storage and recovery time grow past what was validated. The
    users a VM serves are those of its active databases whatever figure it states.

    Fix
    ---
    Spread the mailboxes over more mailbox server VMs.

    Source
    ------
    002 ("a recommended limit of 4,000 Exchange users within a VM").
    """
    cap = limits()["max_users_per_vm"]
    active = exchange_facts(ctx).active_mailboxes
    for vm in ctx.index.of("vm", VirtualMachine):
        serving = active.get(vm.id, 0)
        if vm.mailboxes > cap and vm.mailboxes >= serving:
            yield ctx.finding(
                f"VM {vm.name} hosts {vm.mailboxes:,} users; the recommended limit is {cap:,}",
                [vm],
            )
        elif serving > cap:
            stated = f"; it states {vm.mailboxes:,}" if vm.mailboxes else ""
            yield ctx.finding(
                f"VM {vm.name} runs mailbox databases of {serving:,} users actively{stated}; "
                f"the recommended limit is {cap:,}",
                [vm],
            )


@rule(
    code="VS001",
    name="cluster-cannot-absorb-host-failure",
    severity=Severity.WARNING,
    source="000 §4.1",
    reads=("esxi_host", "vm", "vsphere_cluster"),
)
def cluster_cannot_absorb_host_failure(ctx: RuleContext) -> Iterator[Finding]:
    """An HA cluster cannot restart its VMs after losing its largest host.

    What it checks
    --------------
    For each vSphere cluster with HA on: remove its largest hosts (by memory, then CPU
    cores), as many as the cluster's ``host_failures_tolerated`` (at least one), and
    compare the memory of every VM in the cluster with the memory of the hosts left.
    CPU is not compared: the source asks for "spare capacity" without a CPU measure,
    and a host's cores are shared by its VMs' vCPUs, so a vCPU-to-core limit would be a
    figure no source gives.

    Why
    ---
    vSphere HA restarts the VMs of a failed host "on other production servers with
    spare capacity"; with no spare capacity the restart fails and the Exchange server
    stays down until the host is repaired.

    Fix
    ---
    Add a host or memory to the cluster, or move VMs out so that N-1 hosts hold them.

    Source
    ------
    000 §4.1 (vSphere HA, DRS and vMotion).
    """
    vms_on_host = ctx.index.vms_on_host
    for cluster in ctx.index.of("vsphere_cluster", VsphereCluster):
        if not cluster.ha_enabled:
            continue
        hosts = ctx.index.hosts_in_cluster.get(cluster.id, [])
        vm_memory = sum(vm.memory_gb for h in hosts for vm in vms_on_host.get(h.id, []))
        if not hosts or vm_memory <= 0:
            continue
        ranked = sorted(hosts, key=lambda h: (-h.memory_gb, -h.cpu_cores, h.id))
        lost = ranked[: max(1, cluster.host_failures_tolerated)]
        left = ranked[len(lost) :]
        left_memory = sum(h.memory_gb for h in left)
        if vm_memory > left_memory:
            lost_names = ", ".join(h.name for h in lost)
            if left:
                after = (
                    f"its {len(left)} remaining host{'' if len(left) == 1 else 's'} "
                    f"hold{'s' if len(left) == 1 else ''} {left_memory:,.0f} GB"
                )
            else:  # a cluster of one host said "its 0 remaining hosts hold 0 GB" (eyes25)
                after = "no host is left in it to restart them on"
            yield ctx.finding(
                f"vSphere cluster {cluster.name} runs {vm_memory:,.0f} GB of VM memory; "
                f"after losing {lost_names} {after}",
                [cluster, *lost],
            )


@rule(
    code="VS003",
    name="exchange-data-on-nas",
    severity=Severity.ERROR,
    source="000 §7",
    reads=("lun", "virtual_disk"),
    follows=("vm",),
)
def exchange_data_on_nas(ctx: RuleContext) -> Iterator[Finding]:
    """Exchange database or log files on NAS / NFS storage.

    What it checks
    --------------
    Every virtual disk holding Exchange data (purpose database or logs, or tied to a
    mailbox database) whose placement is NAS, or whose datastore LUN is an NFS export.

    Why
    ---
    Network-attached storage is not supported for Exchange data, whether the Exchange
    server is physical or virtual; only Fibre Channel or iSCSI storage (VMDK on VMFS or
    RDM) is.

    Fix
    ---
    Move the database and log disks to a VMFS datastore or an RDM on FC or iSCSI storage.

    Source
    ------
    000 §7 (Additional Information).
    """
    index = ctx.index
    nfs = {lun.id for lun in index.of("lun", Lun) if lun.usage is LunUsage.NFS_EXPORT}
    nas = DiskPlacement.NAS
    for disk in exchange_facts(ctx).data_disks:
        if disk.placement is not nas and disk.lun not in nfs:
            continue
        vm = index.get(disk.vm)
        owner = vm.name if vm else disk.vm
        yield ctx.finding(
            f"virtual disk {disk.name} of VM {owner} keeps Exchange {disk.purpose.value} "
            "data on NAS/NFS storage",
            [disk, disk.vm, *([disk.lun] if disk.lun in nfs else [])],
        )


@rule(
    code="VS004",
    name="database-and-logs-on-same-spindles",
    severity=Severity.WARNING,
    source="002, 004",
    reads=("mailbox_database", "virtual_disk"),
    follows=("lun", "storage_array", "vm"),
)
def database_and_logs_on_same_spindles(ctx: RuleContext) -> Iterator[Finding]:
    """Database and log LUNs of one storage group share spindles (one RAID group).

    What it checks
    --------------
    For each VM and storage group (the database's ``storage_group``, else the database
    itself; untagged disks group per VM), the RAID groups under its database disks and
    under its log disks: a RAID group of one array holding both is reported.

    Why
    ---
    With the database and its logs on separate spindles, losing one RAID group leaves
    the other: lost logs mean a database that is still current, lost database files can
    be restored and rolled forward with the surviving logs. On the same spindles, one
    RAID group failure loses both; it also mixes random database I/O with sequential
    log writes.

    Fix
    ---
    Put the log LUN on another RAID group (set of spindles) than the database LUN.

    Source
    ------
    002 ("Keep the database LUN and log LUN for the same storage group on separate
    spindles"); 004 (separate RAID arrays for databases and transaction logs).
    """
    index = ctx.index
    logs_purpose = DiskPurpose.LOGS
    data_disks = exchange_facts(ctx).data_disks
    log_disks = [d for d in data_disks if d.purpose is logs_purpose and d.lun is not None]
    if not log_disks:
        return
    log_vms = {d.vm for d in log_disks}
    db_purpose = DiskPurpose.DATABASE
    group_of = _storage_groups(ctx)
    spindles: dict[tuple[str, str], dict[tuple[str, str], Lun]] = defaultdict(dict)
    for disk in data_disks:
        if disk.vm in log_vms and disk.purpose is db_purpose:
            lun = index.typed(disk.lun, Lun)
            if lun is not None:
                key = (disk.vm, group_of.get(disk.database or "", "Exchange data"))
                spindles[key].setdefault((lun.array, lun.raid_group), lun)
    reported: set[tuple[str, str, str, str]] = set()
    for disk in log_disks:
        key = (disk.vm, group_of.get(disk.database or "", "Exchange data"))
        log_lun = index.typed(disk.lun, Lun)
        if log_lun is None:
            continue
        spot = (log_lun.array, log_lun.raid_group)
        db_lun = spindles.get(key, {}).get(spot)
        if db_lun is None or (*key, *spot) in reported:
            continue
        reported.add((*key, *spot))
        vm_id, group = key
        vm = index.get(vm_id)
        array = index.get(log_lun.array)
        yield ctx.finding(
            f"{group} of VM {vm.name if vm else vm_id} keeps database LUN "
            f"{db_lun.name} and log LUN {log_lun.name} on RAID group "
            f"{log_lun.raid_group} of array {array.name if array else log_lun.array}",
            list(dict.fromkeys([vm_id, db_lun.id, log_lun.id])),
        )


def _storage_groups(ctx: RuleContext) -> dict[str, str]:
    """For each mailbox database id, how its storage group is named in messages."""
    return {
        db.id: (
            f"storage group {db.storage_group}"
            if db.storage_group
            else f"mailbox database {db.name}"
        )
        for db in ctx.index.of("mailbox_database", MailboxDatabase)
    }


_size = attrgetter("size_gb")

#: How a LUN holding more than its size is named in VS005's message, by its usage.
_LUN_WORDS = {
    LunUsage.VMFS_DATASTORE: "datastore",
    LunUsage.NFS_EXPORT: "NFS export",
    LunUsage.RDM: "raw LUN",
}


@rule(
    code="VS005",
    name="datastore-over-committed",
    severity=Severity.WARNING,
    source="[product fact]; 001; 000 §3.1",
    reads=("lun", "virtual_disk"),
)
def datastore_over_committed(ctx: RuleContext) -> Iterator[Finding]:
    """The virtual disks on a datastore (or LUN) add up to more than its size.

    What it checks
    --------------
    Each LUN against the virtual disks placed on it (the VMDKs on a VMFS datastore, the
    disks on an NFS export, the disk mapping a raw LUN): their sizes (``size_gb``) added
    up, against the LUN's size. Only the disks' stated sizes count: the sources give no
    figure for an Exchange database's content index, its growth or a datastore's free
    space, so a database disk is expected to be sized with those in (as Microsoft's
    calculator sizes it); the LUN's free space (``free_gb``, the log-LUN clock's) is not
    read.

    Why
    ---
    A VMFS datastore (or an NFS export) holds its virtual disks' files within its
    capacity, and an RDM maps one raw LUN of a given size. Disks that add up to more
    cannot all be thick-provisioned on it; thin-provisioned, they over-commit it, and
    when they fill it the datastore runs out of space: vSphere pauses the VMs that
    write to it, so the Exchange databases and logs on it stop (and a DAG copy kept
    there fails with them).

    Fix
    ---
    Grow the LUN and its datastore (vSphere adds storage while the VMs run), move disks
    to another datastore, or size the disks to what they need.

    Source
    ------
    [product fact] (a VMFS datastore's capacity bounds its VMDKs; a thin disk that
    cannot grow pauses its VM); 001 (Exchange data in a VMDK on VMFS, or on an RDM
    volume); 000 §3.1 ("the storage capacity serving Exchange environments can be
    reduced or increased during operations with the hot add/remove storage
    functionality in vSphere").
    """
    # The disks per LUN: the index's group, which SRM003 builds on every check anyway.
    on_lun = ctx.index.disks_on_lun
    for lun in ctx.index.of("lun", Lun):
        disks = on_lun.get(lun.id)
        if not disks:
            continue
        total = sum(map(_size, disks))  # ~40 → ~25 ms at 100k (68,752 disks)
        over = total - lun.size_gb
        if over <= 1e-6 * max(1.0, lun.size_gb):
            continue
        what = _LUN_WORDS.get(lun.usage, "LUN")
        count = (
            "the virtual disk on it takes"
            if len(disks) == 1
            else (f"the {len(disks)} virtual disks on it take")
        )
        tenths = over < 10  # "0.5 GB more" of "500.5 GB", not "1 GB more" of "500 GB"
        yield ctx.finding(
            f"{what} {lun.name} is {_gb(lun.size_gb, tenths)} GB; {count} "
            f"{_gb(total, tenths)} GB, {_gb(over, tenths)} GB more",
            [lun, *disks],
        )


def _gb(value: float, tenths: bool) -> str:
    """GB as VS005's message writes them: whole, or to a tenth (without a ".0").

    >>> _gb(4224.0, False), _gb(500.5, True), _gb(500.0, True)
    ('4,224', '500.5', '500')
    """
    return f"{value:,.1f}".removesuffix(".0") if tenths else f"{value:,.0f}"


@rule(
    code="VS006",
    name="database-disk-smaller-than-database",
    severity=Severity.WARNING,
    source="000 §4.3; DOMAIN.md §2; [product fact]",
    reads=("mailbox_database", "virtual_disk"),
    narrow={"virtual_disk": "data"},  # only database disks naming a database count
)
def database_disk_smaller_than_database(ctx: RuleContext) -> Iterator[Finding]:
    """A database disk is smaller than the mailbox database it holds.

    What it checks
    --------------
    Each VM's database disks (purpose database) naming a mailbox database (a DAG
    member's copy, or the server of a database without copies): their sizes
    (``size_gb``) added up against the database's stated size (``size_gb``). Only the
    database's stated size counts: the sources (DOMAIN.md and the reference documents)
    give no figure for the space an Exchange database needs beside itself (its content
    index, white space, growth), so, as VS005 expects, a database disk is taken to be
    sized with those in. A disk of no purpose database, or naming no database (an
    unnamed database disk holds whichever databases its VM keeps no disk for), is not
    checked; neither are log disks (CAP004 judges the log LUN's space).

    Why
    ---
    Each copy of a database is the whole database: a DAG member keeps its own full
    copy on its own disks (000 §4.3), and a disk smaller than the database cannot
    hold it. The copy cannot be seeded there, or dismounts when its volume fills,
    while every other check (the simulator, the copies' failure domains, the
    datastore's space in VS005) counts it as a healthy copy.

    Fix
    ---
    Grow the database disk (and its datastore) to the database's size and what it
    needs beside it, or correct the database's stated size in the Inspector. A disk
    still at its default size (40 GB, a palette drop's) made a database's disk in the
    Inspector (its *Database* or *Purpose* set) takes the database's size, so a newly
    drawn design does not start with this finding.

    Source
    ------
    DOMAIN.md §2 (a mailbox database's size; a virtual disk's purpose: database or
    logs); 000 §4.3 (each DAG member keeps its own copy of each database it holds);
    [product fact] (a database file lives on one volume and cannot exceed it). The
    reference documents give no database-volume overhead: 004's "30 and 50GB" is a
    size limit for backup and restore, not a volume figure.
    """
    # One pass over the disks, in C (``map``, ``compress``: ~20 ms CPU at 100k against
    # VS005's ~35 ms, most of it reading the disks' fields), keeps those smaller than the
    # database they name (a disk naming none is compared with 0 GB): in the usual design
    # none. Only their VMs' other disks are then looked at (the index's disks of a VM),
    # for a database spread over two or more disks.
    ix = ctx.index
    sizes = dict(map(_ID_AND_SIZE, ix.of("mailbox_database", MailboxDatabase)))
    disks = ix.of("virtual_disk", VirtualDisk)
    needed = map(sizes.get, map(_DATABASE, disks), repeat(0.0))
    database = DiskPurpose.DATABASE
    small = [
        d for d in compress(disks, map(lt, map(_size, disks), needed)) if d.purpose is database
    ]
    seen: set[tuple[str, str | None]] = set()
    for first in small:
        key = (first.vm, first.database)
        if key in seen:
            continue
        seen.add(key)
        db = ix.typed(first.database, MailboxDatabase)
        if db is None:
            continue
        on = [
            d
            for d in ix.disks_of_vm.get(first.vm, ())
            if d.database == db.id and d.purpose is database
        ]
        size = sum(map(_size, on))
        if size >= db.size_gb - 1e-6 * max(1.0, db.size_gb):
            continue
        vm = ix.get(first.vm)
        who = vm.name if vm is not None else first.vm
        short = db.size_gb - size
        tenths = short < 10
        what = "its database disk is" if len(on) == 1 else "its database disks add up to"
        yield ctx.finding(
            f"mailbox database {db.name} is {_gb(db.size_gb, tenths)} GB; on {who} "
            f"{what} {_gb(size, tenths)} GB, {_gb(short, tenths)} GB short: "
            "it cannot hold the database",
            [db, first.vm, *on],
        )


_ID_AND_SIZE = attrgetter("id", "size_gb")
_DATABASE = attrgetter("database")
