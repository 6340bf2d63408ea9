"""Backup and restore rules (BK…): recovery points, VCB consistency, restore time."""

from __future__ import annotations

from collections.abc import Iterator

from designer.catalog import limits, timings
from designer.domain.design import Severity
from designer.domain.elements import (
    Backup,
    Exchange2007Replication,
    MailboxDatabase,
    Mirror,
    VirtualDisk,
)
from designer.domain.enums import (
    BackupKind,
    DiskPlacement,
    DiskPurpose,
    Exchange2007Kind,
    MirrorMode,
)
from designer.domain.words import natural_key
from designer.rules.checks._exchange_facts import exchange_facts
from designer.rules.checks._replication import counted
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import rule

__all__ = [
    "database_without_recovery_point",
    "restore_too_slow",
    "vcb_of_rdm",
    "vcb_only_backup_of_vmdk",
]

#: Backups that quiesce Exchange or snapshot the LUN itself: they cover an RDM.
_RDM_CAPABLE = frozenset(
    {BackupKind.IN_GUEST_AGENT, BackupKind.ARRAY_SNAPSHOT, BackupKind.ARRAY_CLONE}
)
#: Exchange 2007 replication that keeps a second copy of the database (SCC does not).
_COPYING_2007 = frozenset({Exchange2007Kind.LCR, Exchange2007Kind.CCR, Exchange2007Kind.SCR})


def _covered(backups: list[Backup], servers: dict[str, set[str]]) -> set[str]:
    """Ids of databases that one of ``backups`` covers, by database or by server VM."""
    databases: set[str] = set()
    vms: set[str] = set()
    for backup in backups:
        databases.update(backup.databases)
        vms.update(backup.vms)
    if vms:
        databases.update(db for db, held_on in servers.items() if not held_on.isdisjoint(vms))
    return databases


@rule(
    code="BK001",
    name="database-without-recovery-point",
    severity=Severity.WARNING,
    source="000 §5.2, §6",
    reads=("backup", "mailbox_database", "virtual_disk"),
    narrow={"virtual_disk": "data"},  # ExchangeFacts.servers_of_database
    gathers="mailbox_database",
)
def database_without_recovery_point(ctx: RuleContext) -> Iterator[Finding]:
    """A mailbox database with no backup and no lagged copy.

    What it checks
    --------------
    Each mailbox database: is it covered by a backup (listed in a backup's databases,
    or held by a VM a backup lists), or does it have a copy with a replay lag? One
    finding per DAG for its databases without either (how many, the first three and
    their size; one finding too for the databases in no DAG held by the same servers),
    the database alone when one is. When a backup covers other databases of that DAG,
    the finding names it: the databases were left out of a backup that exists (a DAG
    grown after its backup was set up), not a design without backups. A database that a
    waiver of BK001 names alone keeps a finding of its own, so the waiver covers it
    alone.

    Why
    ---
    Logical corruption replicates to every up-to-date copy, to mirror targets and to
    host-based replicas. Only a backup, a snapshot or clone, or a lagged copy keeps a
    clean point in time to recover to; without one, a corrupted database is lost.

    Fix
    ---
    Back the databases up: a backup listing the DAG's members (its *VMs*) covers every
    database they hold (vSphere Data Protection Advanced with the Exchange agent, an
    array-based VSS snapshot or clone, an in-guest agent); when a backup already covers
    the DAG's other databases, add these to its *Databases* (or their servers to its
    *VMs*). Or give each database a lagged copy (a replay lag of up to 14 days). For a
    finding about several databases, *Select its N elements* on its menu in the
    Problems list selects them; *Waive one of its N mailbox databases…* there waives
    one of them alone (a database that needs no recovery point, say one whose data is
    kept elsewhere), the finding staying for the others.

    Source
    ------
    000 §5.2 (lagged copies against logical corruption: "Replay lag provides
    protection against logical database corruption", up to 14 days) and §6 (Backup and
    Restore Options: VDP Advanced's Exchange-aware agent, array-based VSS backups,
    in-guest agents).
    """
    index = ctx.index
    backups = index.of("backup", Backup)
    servers = exchange_facts(ctx).servers_of_database
    covered = _covered(backups, servers)
    alone = ctx.waived_alone("mailbox_database") if ctx.design.rules.waivers else frozenset()
    # One finding per DAG (and per servers for databases in none), naming its databases:
    # a DAG's databases share their fix (one backup of its members, or the backup that
    # already covers the others), so twelve databases of a grown DAG were twelve
    # findings of one thing to do (wave 26). A database a waiver names alone keeps a
    # finding of its own.
    bare: dict[tuple[str, ...], list[MailboxDatabase]] = {}
    for db in index.of("mailbox_database", MailboxDatabase):
        if db.id in covered or any(c.replay_lag_days > 0 for c in db.copies):
            continue
        if db.id in alone:
            yield _no_recovery_point(ctx, [db], None, backups, servers)
            continue
        key = ("dag", db.dag) if db.dag else ("servers", *sorted(servers.get(db.id, ())))
        bare.setdefault(key, []).append(db)
    for key, dbs in bare.items():
        # By id, as the findings are ordered (db-2 before db-10): rules decide by ids and
        # fields, never by names (a rename re-runs only the rules whose messages hold it).
        dbs.sort(key=lambda db: natural_key(db.id))
        yield _no_recovery_point(ctx, dbs, key[1] if key[0] == "dag" else None, backups, servers)


def _no_recovery_point(
    ctx: RuleContext,
    dbs: list[MailboxDatabase],
    dag_id: str | None,
    backups: list[Backup],
    servers: dict[str, set[str]],
) -> Finding:
    """BK001's finding about ``dbs`` (of DAG ``dag_id`` when given): what they lack, and
    the backup to add them to when one covers other databases of their DAG."""
    dag_id = dag_id or dbs[0].dag
    siblings = ctx.index.group("mailbox_database", "dag").get(dag_id, ()) if dag_id else ()
    others = {db.id for db in siblings} - {db.id for db in dbs}
    # A backup that covers other databases of the DAG: these were left out of it.
    partial = [b for b in backups if others and not others.isdisjoint(_covered([b], servers))]
    size = sum(db.size_gb for db in dbs)
    if len(dbs) == 1:
        subject = f"mailbox database {dbs[0].name} has no backup and no lagged copy"
        what = f"its {size:,.0f} GB have no recovery point"
        them = "it"
    else:
        dag = ctx.index.get(dag_id) if dag_id else None
        whose = f" of DAG {dag.name}" if dag is not None else ""
        subject = (
            f"{counted([db.name for db in dbs], 'mailbox database')}{whose} have no backup "
            "and no lagged copy"
        )
        what = f"their {size:,.0f} GB have no recovery point"
        them = "them"
    if partial:
        backup = partial[0]
        where = "Databases" if backup.databases else "VMs (their servers)"
        fix = (
            f"add {them} to backup {backup.name} ({where}), which covers the DAG's other databases"
        )
    elif dag_id:
        fix = (
            "back up the DAG's members (a backup listing their VMs covers every database "
            f"they hold), or give {them} a lagged copy"
        )
    else:
        fix = f"back {them} up (by database, or by the server holding {them}), or add a lagged copy"
    return ctx.finding(f"{subject}; {what}: {fix}", dbs)


@rule(
    code="BK002",
    name="vcb-of-rdm",
    severity=Severity.WARNING,
    source="001",
    reads=("backup", "mailbox_database", "virtual_disk"),
    follows=("vm",),
)
def vcb_of_rdm(ctx: RuleContext) -> Iterator[Finding]:
    """A VCB proxy backup of Exchange data on an RDM.

    What it checks
    --------------
    For each VCB proxy backup, the database and log disks of the VMs it backs up (its
    ``vms``, and the VMs holding its ``databases``) that are RDMs, unless an in-guest
    agent or an array snapshot/clone backup also covers that database or VM.

    Why
    ---
    VCB takes a VMFS snapshot and cannot quiesce Exchange. A virtual-mode RDM can be
    snapshotted, but even with pre/post scripts the result is only crash-consistent,
    and without them only a cold or warm (dismounted) database can be backed up. A
    physical-mode RDM bypasses VMFS: no VMFS snapshot of it can be taken at all.

    Fix
    ---
    Back the RDM up with an Exchange-aware in-guest agent or an array-based snapshot
    or clone; or move the database to a VMDK backed up in-guest.

    Source
    ------
    001 (Option 2: Database on Physical RDM LUN; Option 3: Database on Virtual RDM LUN).
    """
    index = ctx.index
    backups = index.of("backup", Backup)
    servers = exchange_facts(ctx).servers_of_database
    capable = [b for b in backups if b.backup_kind in _RDM_CAPABLE]
    safe_dbs = _covered(capable, servers)
    safe_vms = {vm for b in capable for vm in b.vms}
    for backup in backups:
        if backup.backup_kind is not BackupKind.VCB_PROXY:
            continue
        vms = dict.fromkeys(backup.vms)
        for db_id in backup.databases:
            vms.update(dict.fromkeys(sorted(servers.get(db_id, ()))))
        for vm_id in vms:
            if vm_id in safe_vms:
                continue
            for disk in index.disks_of_vm.get(vm_id, []):
                if disk.purpose is DiskPurpose.OS or disk.database in safe_dbs:
                    continue
                problem = _rdm_problem(disk, backup)
                if problem:
                    vm = index.get(vm_id)
                    yield ctx.finding(
                        f"VCB backup {backup.name} of VM {vm.name if vm else vm_id}: {problem}",
                        [backup, vm_id, disk],
                    )


def _rdm_problem(disk: VirtualDisk, backup: Backup) -> str | None:
    if disk.placement is DiskPlacement.RDM_PHYSICAL:
        return (
            f"physical-mode RDM {disk.name} cannot be VMFS-snapshotted; "
            "an array or in-guest backup is needed"
        )
    if disk.placement is DiskPlacement.RDM_VIRTUAL:
        if backup.scripts:
            return f"virtual-mode RDM {disk.name} is only crash-consistent with pre/post scripts"
        return (
            f"virtual-mode RDM {disk.name} without pre/post scripts is consistent "
            "only for a cold or warm database"
        )
    return None


@rule(
    code="BK003",
    name="restore-too-slow",
    severity=Severity.WARNING,
    source="004; 001; 002",
    reads=("backup", "exchange2007_replication", "mailbox_database", "mirror", "virtual_disk"),
    narrow={"virtual_disk": "data"},  # servers_of_database and database disks
)
def restore_too_slow(ctx: RuleContext) -> Iterator[Finding]:
    """A database with no second copy is too large, or too slow to restore, for its RTO.

    What it checks
    --------------
    Each mailbox database with fewer than two copies, no Exchange 2007 continuous
    replication (LCR, CCR or SCR) and no MirrorView/S mirror of every LUN holding its
    files: its size against the 50 GB restore guidance, and its estimated restore time
    against the design's RTO target. The estimate takes the fastest backup that covers
    the database, at its kind's rate from the catalog (tape: 75 GB in about 8 hours plus
    fetching the tapes; array clones and snapshots in minutes), plus an OS rebuild when
    that backup does not hold the whole server; with no backup, tape is assumed.

    Why
    ---
    Without a second copy, losing the database means restoring it from backup: "eight
    hours to restore that 75GB database from tape — and that doesn't even include the
    time spent getting the tapes from the offsite storage facility or reinstalling the
    operating system". Databases above 30–50 GB become impractical to restore. A
    synchronous mirror is a second, current copy (002: "MirrorView/S synchronously keeps
    the Exchange mirrored targets up to date at the recovery site, so the recovery point
    objective (RPO) will be zero").

    Fix
    ---
    Add a DAG copy (or LCR/CCR/SCR for Exchange 2007), split the database, or use a
    faster restore path: 001 "Secondary storage on same SAN is the best and fastest way
    to restore the data" (array clones or snapshots, disk-based backup).

    Source
    ------
    004 (Best Practices for Exchange; Challenges of Tape Backup); 001 (Recovery and
    Restore); 002 (MirrorView/S RPO, Replication Manager clones for rapid recovery).
    """
    index = ctx.index
    cap_gb = float(limits()["max_db_without_copy_gb"])
    restore = timings()["restore"]
    kinds: dict[str, dict[str, float | str | bool]] = restore["kinds"]
    rebuild_h = float(restore["os_rebuild_s"]) / 3600
    rto_h = ctx.design.intent.rto_target_min / 60
    replicated: set[str] = set()
    for rep in index.of("exchange2007_replication", Exchange2007Replication):
        if rep.replication in _COPYING_2007:
            replicated.update(rep.databases)
    replicated.update(_sync_mirrored(ctx))
    servers = exchange_facts(ctx).servers_of_database
    backups = index.of("backup", Backup)
    for db in index.of("mailbox_database", MailboxDatabase):
        if len(db.copies) >= 2 or db.id in replicated:
            continue
        covering = [b for b in backups if db.id in _covered([b], servers)]
        estimates = [
            (_restore_h(kinds, b.backup_kind.value, db.size_gb, rebuild_h), b) for b in covering
        ]
        if estimates:
            restore_h, best = min(estimates, key=lambda e: (e[0], e[1].id))
            kind = best.backup_kind.value.replace("_", " ")
            how = f"a restore from {kind} backup {best.name} takes"
        else:
            # "a restore from tape, as no backup covers it, takes" read as if a backup
            # it just said was missing would be restored (eyes23): the tape is the
            # estimate's assumption.
            restore_h, how = (
                _restore_h(kinds, "tape", db.size_gb, rebuild_h),
                "no backup covers it: a restore from tape would take",
            )
        reasons = []
        if db.size_gb > cap_gb:
            reasons.append(f"{db.size_gb:,.0f} GB exceeds the {cap_gb:,.0f} GB guidance")
        if restore_h > rto_h:
            reasons.append(
                f"{how} an estimated {restore_h:,.1f} h, over the RTO target of {rto_h:,.1f} h"
            )
        if reasons:
            yield ctx.finding(
                f"mailbox database {db.name} has no second copy: {'; '.join(reasons)}",
                [db],
            )


def _restore_h(
    kinds: dict[str, dict[str, float | str | bool]], kind: str, size_gb: float, rebuild_h: float
) -> float:
    """Hours to restore ``size_gb`` from a backup of ``kind`` (catalog rates)."""
    figures = kinds.get(kind, kinds["tape"])
    rate = float(figures["rate_gb_per_hour"])
    hours = (size_gb / rate if rate > 0 else 0.0) + float(figures["fixed_s"]) / 3600
    hours += float(figures["media_retrieval_s"]) / 3600
    return hours + (0.0 if figures["whole_server"] else rebuild_h)


def _sync_mirrored(ctx: RuleContext) -> set[str]:
    """Databases whose every database and log LUN has a MirrorView/S mirror."""
    index = ctx.index
    sync_sources = {m.source_lun for m in index.of("mirror", Mirror) if m.mode is MirrorMode.SYNC}
    luns: dict[str, set[str | None]] = {}
    for disk in index.of("virtual_disk", VirtualDisk):
        if disk.database and disk.purpose is not DiskPurpose.OS:
            luns.setdefault(disk.database, set()).add(disk.lun)
    return {db for db, held in luns.items() if held and held <= sync_sources}


@rule(
    code="BK004",
    name="vcb-only-backup-of-vmdk",
    severity=Severity.WARNING,
    source="001",
    reads=("backup", "mailbox_database", "virtual_disk"),
)
def vcb_only_backup_of_vmdk(ctx: RuleContext) -> Iterator[Finding]:
    """A database on a VMDK whose only backup is VCB has no hot, consistent backup.

    What it checks
    --------------
    Each mailbox database covered by a VCB proxy backup and by no other kind (an
    Exchange-aware in-guest agent, VDP Advanced with its Exchange agent, an array-based
    VSS snapshot or clone, a tape backup by an agent), whose database disks are VMDKs
    (or not modelled). Databases on RDMs are BK002's finding.

    Why
    ---
    VCB takes a VMFS snapshot and cannot quiesce Exchange, whatever the disk: with
    pre/post scripts the image is crash-consistent, without them only a cold or warm
    (dismounted) database is consistent. A hot, consistent (online) backup needs an
    Exchange-aware agent in the guest or the array's VSS-integrated snapshots.

    Fix
    ---
    Back the database up with an Exchange-aware in-guest agent (VDP Advanced or another
    vendor's) or array-based VSS snapshots or clones; keep VCB for the server image.

    Source
    ------
    001 (Option 3: "VCB cannot yet quiesce the exchange database before taking snapshot
    … Hot consistent backup (online) can only be done using either option 1 or option
    2").
    """
    index = ctx.index
    backups = index.of("backup", Backup)
    if not any(b.backup_kind is BackupKind.VCB_PROXY for b in backups):
        return
    servers = exchange_facts(ctx).servers_of_database
    vcb = [b for b in backups if b.backup_kind is BackupKind.VCB_PROXY]
    hot = _covered([b for b in backups if b.backup_kind is not BackupKind.VCB_PROXY], servers)
    rdm_dbs = {
        d.database
        for d in exchange_facts(ctx).data_disks
        if d.database
        and d.placement in (DiskPlacement.RDM_PHYSICAL, DiskPlacement.RDM_VIRTUAL)
        and d.purpose is not DiskPurpose.LOGS
    }
    for db in index.of("mailbox_database", MailboxDatabase):
        if db.id in hot or db.id in rdm_dbs:
            continue
        covering = [b for b in vcb if db.id in _covered([b], servers)]
        if not covering:
            continue
        names = ", ".join(b.name for b in covering)
        scripted = all(b.scripts for b in covering)
        how = (
            "crash-consistent at best with its pre/post scripts"
            if scripted
            else "consistent only for a cold or warm (dismounted) database"
        )
        yield ctx.finding(
            f"mailbox database {db.name} is backed up only by VCB ({names}): {how}; "
            "VCB cannot quiesce Exchange, so there is no hot consistent backup",
            [db, *covering],
        )
