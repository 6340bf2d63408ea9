"""Building blocks the Exchange 2013 samples (000) share: a site's cluster, VMs and storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from _kit import MAILBOX, Kit

from designer.domain import (
    BackupKind,
    EdgeSize,
    LoadBalancerKind,
    LoadBalancerLayer,
    LunUsage,
    VmRole,
)

__all__ = [
    "CAS",
    "DOMAIN",
    "FS",
    "SHARED_ARRAYS",
    "ExchangeSite",
    "database_ids",
    "exchange_site",
    "member_storage",
    "rotating_databases",
    "set_mailboxes",
    "vdp_backup",
    "waive_shared_arrays",
]

#: An Exchange 2013 Client Access server; transport (queues, Safety Net) runs on Mailbox.
CAS = [VmRole.CLIENT_ACCESS]


@dataclass
class ExchangeSite:
    site: str
    label: str
    cluster: str
    hosts: list[str]
    mailbox: list[tuple[str, str]]  # (vm id, vm name)
    cas: list[str]
    arrays: list[tuple[str, str]]  # (array id, array name)
    os_luns: list[str]
    infra: list[str] = field(default_factory=list)
    cas_array: str | None = None
    load_balancer: str | None = None


def exchange_site(
    kit: Kit,
    key: str,
    label: str,
    site: str,
    *,
    hosts: int,
    mailbox: int,
    cas: int,
    arrays: int = 2,
    extra: Sequence[tuple[str, str, list[VmRole]]] = (),
    namespace: str = "mail.contoso.com",
    edge: bool = True,
    mailbox_gb: float = 64.0,
    mailbox_vcpu: int = 8,
    array_model: str = "generic",
    snapview: bool = False,
    flare_release: int | None = None,
    separate_mailbox_os: bool = False,
) -> ExchangeSite:
    """A vSphere HA/DRS cluster with Exchange 2013 mailbox and CAS VMs, two DCs and SAN.

    Mailbox VM *i* runs on host *i* and keeps its OS on array *i mod arrays*, so DAG
    members spread over hosts and arrays; CAS and infrastructure VMs fill the hosts
    from the other end. With ``cas`` > 0 the CAS VMs form a CAS array behind an Edge
    (or hardware) load balancer HA pair.
    """
    cluster = kit.cluster(
        f"cl-{key}",
        f"{label}-EXCH",
        site,
        ha_enabled=True,
        drs_enabled=True,
        host_failures_tolerated=1,
    )
    host_ids = [
        kit.host(f"esx-{key}-{i:02d}", f"esx-{label.lower()}-{i:02d}", site, cluster)
        for i in range(1, hosts + 1)
    ]
    array_ids: list[tuple[str, str]] = []
    os_luns: list[str] = []
    for i in range(1, arrays + 1):
        name = f"{label}-SAN{i}"
        array_id = kit.array(
            f"arr-{key}-{i}",
            name,
            site,
            model=array_model,
            snapview=snapview,
            flare_release=flare_release,
        )
        array_ids.append((array_id, name))
        os_luns.append(
            kit.lun(
                f"lun-{key}-{i}-os",
                f"{name} DS-OS",
                array_id,
                size_gb=2048.0,
                raid_group=f"RG-{label}{i}-OS",
                usage=LunUsage.VMFS_DATASTORE,
            )
        )
    mailbox_os = os_luns
    if separate_mailbox_os:
        # SRM protects the mailbox VMs only: their OS disks get datastores of their own so
        # no unprotected VM shares a mirrored datastore (SRM009).
        mailbox_os = [
            kit.lun(
                f"lun-{key}-{i}-mbxos",
                f"{name} DS-MBXOS",
                array_id,
                size_gb=1024.0,
                raid_group=f"RG-{label}{i}-MBXOS",
                usage=LunUsage.VMFS_DATASTORE,
            )
            for i, (array_id, name) in enumerate(array_ids, start=1)
        ]
    mbx: list[tuple[str, str]] = []
    for i in range(1, mailbox + 1):
        name = f"{label}-MBX{i:02d}"
        vm_id = kit.vm(
            f"vm-{key}-mbx{i:02d}",
            name,
            host_ids[(i - 1) % hosts],
            MAILBOX,
            vcpu=mailbox_vcpu,
            memory_gb=mailbox_gb,
            exchange_version="2013",
        )
        kit.os_disk(vm_id, name, mailbox_os[(i - 1) % arrays], 100.0)
        mbx.append((vm_id, name))
    cas_ids: list[str] = []
    for i in range(1, cas + 1):
        name = f"{label}-CAS{i:02d}"
        vm_id = kit.vm(
            f"vm-{key}-cas{i:02d}",
            name,
            host_ids[-1 - (i - 1) % hosts],
            CAS,
            vcpu=4,
            memory_gb=16.0,
            exchange_version="2013",
        )
        kit.os_disk(vm_id, name, os_luns[(i - 1) % arrays], 80.0)
        cas_ids.append(vm_id)
    infra_hosts = list(reversed(host_ids))
    infra = kit.infrastructure_vms(key, label, infra_hosts, os_luns[0], extra=extra)
    result = ExchangeSite(
        site, label, cluster, host_ids, mbx, cas_ids, array_ids, mailbox_os, infra
    )
    if cas_ids:
        result.cas_array = kit.cas_array(
            f"casarr-{key}", f"{label} CAS array", site, cas_ids, namespace=namespace
        )
        kind = LoadBalancerKind.EDGE if edge else LoadBalancerKind.HARDWARE
        result.load_balancer = kit.load_balancer(
            f"lb-{key}",
            f"{label}-EDGE-LB" if edge else f"{label}-LB",
            site,
            lb_kind=kind,
            ha_pair=True,
            layer=LoadBalancerLayer.L7,
            pool=cas_ids,
            edge_size=EdgeSize.X_LARGE if edge else None,
            cas_arrays=[result.cas_array],
        )
    return result


def member_storage(
    kit: Kit,
    site: ExchangeSite,
    index: int,
    databases: Sequence[tuple[str, str, float]],
    *,
    suffix: str = "",
) -> tuple[str, str]:
    """Database and log datastores for mailbox VM ``index`` of ``site`` and its copies.

    Each member gets its own pair of VMFS datastores on the array that holds its OS
    disk, on separate RAID groups (002: database and logs on separate spindles).
    """
    vm_id, vm_name = site.mailbox[index]
    array_id, _ = site.arrays[index % len(site.arrays)]
    total = sum(size for _, _, size in databases)
    key = vm_id.removeprefix("vm-")
    db_lun = kit.lun(
        f"lun-{key}-db",
        f"{vm_name} DS-DB",
        array_id,
        size_gb=max(500.0, round(total * 1.3)),
        raid_group=f"RG-{vm_name}-DB",
        usage=LunUsage.VMFS_DATASTORE,
    )
    log_lun = kit.lun(
        f"lun-{key}-log",
        f"{vm_name} DS-LOG",
        array_id,
        size_gb=max(200.0, round(total * 0.3)),
        raid_group=f"RG-{vm_name}-LOG",
        usage=LunUsage.VMFS_DATASTORE,
        owner_sp="B",
    )
    for db_id, db_name, size in databases:
        kit.db_disks(vm_id, vm_name, db_id, db_name, db_lun, log_lun, size, suffix=suffix)
    return db_lun, log_lun


DOMAIN = "corp.contoso.com"
FS = [VmRole.FILE_SHARE_WITNESS]


def rotating_databases(
    kit: Kit,
    dag: str,
    site: str | None,
    names: list[str],
    members: list[str],
    *,
    size_gb: float,
    mailboxes: int,
    lag_on: dict[str, float] | None = None,
    first: int = 1,
) -> dict[str, list[tuple[str, str, float]]]:
    """Databases whose copies rotate their activation preference over ``members``.

    Database *k* prefers member *k mod n*, then the next ones in order. Returns, per
    member, the (database id, name, size) of the copies it holds.
    """
    per_member: dict[str, list[tuple[str, str, float]]] = {m: [] for m in members}
    lag_on = lag_on or {}
    n = len(members)
    for k, name in enumerate(names):
        db_id = f"db-{name.lower()}"
        order = [members[(k + j) % n] for j in range(n)]
        kit.database(
            db_id,
            name,
            dag=dag,
            size_gb=size_gb,
            mailboxes=mailboxes,
            user_site=site,
            copies=[(m, p, lag_on.get(m, 0.0)) for p, m in enumerate(order, start=first)],
        )
        for m in order:
            per_member[m].append((db_id, name, size_gb))
    return per_member


SHARED_ARRAYS = (
    "000 §4.3: on redundant enterprise-class SAN arrays the design keeps three copies on "
    "two arrays instead of adding arrays; losing an array leaves the copy on the other "
    "one active and the lost copies are reseeded"
)


def waive_shared_arrays(kit: Kit, *sites: ExchangeSite) -> None:
    """Waive DAG011 where two copies of a database share an array (see SHARED_ARRAYS)."""
    array_of = {
        vm: s.arrays[i % len(s.arrays)][0] for s in sites for i, (vm, _) in enumerate(s.mailbox)
    }
    for element in list(kit.elements):
        if element.kind != "mailbox_database":  # type: ignore[attr-defined]
            continue
        seen: dict[str, int] = {}
        for copy in element.copies:  # type: ignore[attr-defined]
            array = array_of[copy.member]
            seen[array] = seen.get(array, 0) + 1
        for array, count in seen.items():
            if count > 1:
                kit.waive("DAG011", [element.id, array], SHARED_ARRAYS)


def set_mailboxes(kit: Kit, counts: dict[str, int]) -> None:
    """Set ``mailboxes`` on VMs already added (the users whose active copy they hold)."""
    for i, element in enumerate(kit.elements):
        if element.id in counts:
            kit.elements[i] = element.model_copy(update={"mailboxes": counts[element.id]})


def vdp_backup(kit: Kit, key: str, databases: list[str], vms: list[str]) -> str:
    label = key.upper()
    return kit.backup(
        f"bk-{key}-vdp",
        f"{label} VDP Advanced nightly",
        backup_kind=BackupKind.VDP_ADVANCED,
        databases=databases,
        vms=vms,
        proxy=f"vm-{key}-vdp01",
        target=f"VDP Advanced appliance {label}-VDP01 (deduplicated store)",
        schedule="daily 22:00 from a passive copy, Exchange-aware agent",
    )


def database_ids(kit: Kit) -> list[str]:
    return [e.id for e in kit.elements if e.kind == "mailbox_database"]  # type: ignore[attr-defined]
