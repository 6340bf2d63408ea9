"""Building blocks the Exchange 2007-era samples (001-004) share."""

from __future__ import annotations

from collections.abc import Sequence

from _kit import Kit, lun_size

from designer.domain import (
    MirrorMode,
    Protocol,
    VmRole,
)

__all__ = [
    "ALL_ROLES",
    "DOMAIN",
    "HUBCAS",
    "MBX",
    "W2008",
    "esx_cluster",
    "exchange2007_vm",
    "infrastructure",
    "mirrored_exchange_vm",
    "srm_site",
    "waive_restore_time",
]


DOMAIN = "corp.fabrikam.com"
W2008 = "2008 x64"  # 002: Windows 2008 x64 for Microsoft's SVVP support
MBX = [VmRole.MAILBOX]
HUBCAS = [VmRole.HUB_TRANSPORT, VmRole.CLIENT_ACCESS]
ALL_ROLES = [VmRole.MAILBOX, VmRole.HUB_TRANSPORT, VmRole.CLIENT_ACCESS]


def waive_restore_time(kit: Kit, databases: Sequence[str], reason: str) -> None:
    for db in databases:
        kit.waive("BK003", [db], reason)


def esx_cluster(kit: Kit, key: str, label: str, site: str, hosts: int) -> list[str]:
    cluster = kit.cluster(f"cl-{key}", f"{label}-ESX", site, host_failures_tolerated=1)
    return [
        kit.host(
            f"esx-{key}-{i:02d}",
            f"esx-{label.lower()}-{i:02d}",
            site,
            cluster,
            cpu_cores=16,
            memory_gb=128.0,
        )
        for i in range(1, hosts + 1)
    ]


def exchange2007_vm(
    kit: Kit, vm_id: str, name: str, host: str, roles: list[VmRole], os_lun: str, **kw: object
) -> str:
    kw.setdefault("vcpu", 4)
    kw.setdefault("memory_gb", 16.0)
    vm = kit.vm(vm_id, name, host, roles, exchange_version="2007", windows_version=W2008, **kw)
    kit.os_disk(vm, name, os_lun, 60.0)
    return vm


def infrastructure(
    kit: Kit, key: str, label: str, hosts: Sequence[str], lun: str, srm: bool = False
) -> list[str]:
    extra = []
    if srm:
        extra = [
            ("vc01", f"{label}-VC01", [VmRole.VCENTER]),
            ("srm01", f"{label}-SRM01", [VmRole.SRM_SERVER]),
        ]
    return kit.infrastructure_vms(key, label, list(hosts), lun, extra=extra, windows=W2008)


def mirrored_exchange_vm(
    kit: Kit,
    key: str,
    name: str,
    host: str,
    source_array: str,
    target_array: str,
    link: str,
    *,
    storage_groups: int,
    users: int,
    mode: MirrorMode,
    cg_size: int,
    roles: list[VmRole] = MBX,
    db_gb: float = 50.0,
) -> tuple[str, list[str], list[str]]:
    """An Exchange 2007 VM whose OS, database and log datastores are all mirrored.

    One VMFS datastore per storage group database and one per its logs, on separate
    RAID groups (002), mirrored to ``target_array``; mirrors are grouped in consistency
    groups of at most ``cg_size`` LUNs, never splitting a storage group (002: add another
    CG when one is full). Returns the VM, its databases and its consistency groups.
    """
    os_lun = kit.lun(
        f"lun-{key}-os", f"{name} DS-OS", source_array, size_gb=100.0, raid_group=f"RG-{name}-OS"
    )
    vm = exchange2007_vm(
        kit,
        f"vm-{key}",
        name,
        host,
        roles,
        os_lun,
        vcpu=4 if users else 2,
        memory_gb=32.0 if users else 8.0,
        mailboxes=users,
    )
    groups: list[list[str]] = [[os_lun]]
    databases = []
    per_sg = users // storage_groups if storage_groups else 0
    for sg in range(1, storage_groups + 1):
        db = kit.database(
            f"db-{key}-sg{sg}",
            f"{name}-SG{sg}-DB",
            size_gb=db_gb,
            mailboxes=per_sg,
            storage_group=f"{name} SG{sg}",
        )
        databases.append(db)
        db_lun = kit.lun(
            f"lun-{key}-sg{sg}-db",
            f"{name} SG{sg} DB",
            source_array,
            size_gb=80.0,
            raid_group=f"RG-{name}-DB{(sg + 1) // 2}",
        )
        log_lun = kit.lun(
            f"lun-{key}-sg{sg}-log",
            f"{name} SG{sg} LOG",
            source_array,
            size_gb=20.0,
            raid_group=f"RG-{name}-LOG{(sg + 1) // 2}",
            owner_sp="B",
        )
        kit.db_disks(vm, name, db, f"SG{sg}", db_lun, log_lun, db_gb)
        if len(groups[-1]) + 2 > cg_size:
            groups.append([])
        groups[-1] += [db_lun, log_lun]
    cgs = []
    label = "MV/S" if mode is MirrorMode.SYNC else "MV/A"
    for n, luns in enumerate(groups, start=1):
        mirrors = []
        for lun in luns:
            tail = lun.removeprefix("lun-")
            target = kit.lun(
                f"lun-{tail}-secondary",
                f"{kit.name_of(lun)} (sec)",
                target_array,
                size_gb=lun_size(kit, lun),
                raid_group=f"RG-MV-{name}",
            )
            mirrors.append(
                kit.mirror(f"mv-{tail}", f"{label} {tail}", lun, target, mode=mode, wan_link=link)
            )
        cgs.append(kit.consistency_group(f"cg-{key}-{n}", f"CG-{name}-{n}", mirrors, mode=mode))
    return vm, databases, cgs


def srm_site(
    kit: Kit, key: str, label: str, site: str, model: str, flare: int, hosts: int = 3
) -> tuple[list[str], str, str]:
    host_ids = esx_cluster(kit, key, label, site, hosts)
    array = kit.array(
        f"arr-{key}-1",
        f"{label}-{model}",
        site,
        model=model,
        flare_release=flare,
        protocol=Protocol.FC,
        snapview=True,
    )
    local = kit.lun(
        f"lun-{key}-local-os",
        f"{label} DS-LOCAL-OS",
        array,
        size_gb=1024.0,
        raid_group=f"RG-{label}-LOCAL",
    )
    infrastructure(kit, key, label, host_ids, local, srm=True)
    return host_ids, array, local
