"""Designs for the capacity tests: a DAG stretched over two sites (witness in a third),
with optional MirrorView mirrors and Double-Take between the sites."""

from __future__ import annotations

from designer.domain import (
    CapacitySettings,
    ConsistencyGroup,
    Dag,
    DatabaseCopy,
    Design,
    DesignIntent,
    DiskPlacement,
    DiskPurpose,
    EsxiHost,
    FailoverIntent,
    FileShareWitness,
    Lun,
    MailboxDatabase,
    MailboxProfile,
    Mirror,
    MirrorMode,
    Site,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
    WanLink,
)

__all__ = ["SITES", "on_rdms", "stretched"]

SITES = ("bos", "wor")


def stretched(
    *,
    databases: int = 4,
    mailboxes: int = 2000,
    members_per_site: int = 2,
    copies: tuple[str, ...] = ("bos", "wor", "bos", "wor"),
    profile: MailboxProfile | None = None,
    bandwidth_mbps: float = 1000.0,
    settings: CapacitySettings | None = None,
    mirror_rate_gb_per_hour: float | None = None,
    mirror_mode: MirrorMode = MirrorMode.ASYNC,
    mirror_interval_min: float = 30.0,
    log_lun_gb: float = 200.0,
    log_free_gb: float | None = None,
    vcpu: int = 8,
    memory_gb: float = 64.0,
    rto_target_min: float = 240.0,
) -> Design:
    """Databases ``DB01…`` whose copies go, in preference order, to the sites in
    ``copies`` (members of a site taken in turn), on a DAG with ``members_per_site``
    members in Boston and Worcester and its witness in Hartford."""
    profile = profile or MailboxProfile(messages_per_day=150, average_message_kb=75)
    elements: list = []
    members: dict[str, list[str]] = {}
    for site in (*SITES, "hfd"):
        elements.append(Site(id=site, name=site.upper()))
        elements.append(VsphereCluster(id=f"{site}-cl", name=f"{site}-cluster", site=site))
        elements.append(StorageArray(id=f"{site}-cx", name=f"{site.upper()}-CX", site=site))
        hosts = members_per_site + 1 if site in SITES else 1
        for i in range(1, hosts + 1):
            elements.append(
                EsxiHost(
                    id=f"{site}-h{i}",
                    name=f"{site}-esx{i}",
                    site=site,
                    cluster=f"{site}-cl",
                    memory_gb=512.0,
                    cpu_cores=32,
                )
            )
        if site in SITES:
            members[site] = []
            for i in range(1, members_per_site + 1):
                vm_id = f"{site}-mbx{i}"
                members[site].append(vm_id)
                elements.append(
                    VirtualMachine(
                        id=vm_id,
                        name=f"{site.upper()}-MBX{i:02d}",
                        host=f"{site}-h{i}",
                        vcpu=vcpu,
                        memory_gb=memory_gb,
                        roles=[VmRole.MAILBOX],
                        exchange_version="2010",
                    )
                )
                elements.append(
                    Lun(
                        id=f"{vm_id}-log",
                        name=f"{site.upper()}-MBX{i:02d}-LOG",
                        array=f"{site}-cx",
                        size_gb=log_lun_gb,
                        raid_group=f"RG-LOG-{i}",
                        free_gb=log_free_gb,
                    )
                )
    elements.append(FileShareWitness(id="fsw", name="HFD-FSW", site="hfd"))
    for a, b in (("bos", "wor"), ("bos", "hfd"), ("wor", "hfd")):
        elements.append(
            WanLink(
                id=f"wan-{a}-{b}",
                name=f"{a.upper()}-{b.upper()}",
                site_a=a,
                site_b=b,
                bandwidth_mbps=bandwidth_mbps if (a, b) == ("bos", "wor") else 100.0,
                failure_domain=f"{a}-{b}",
            )
        )
    all_members = [m for site in SITES for m in members[site]]
    elements.append(
        Dag(
            id="dag",
            name="DAG01",
            members=all_members,
            witness="fsw",
            failover_intent=FailoverIntent.AUTOMATIC,
            dac_mode=True,
            mailbox_profile=profile,
        )
    )
    for k in range(databases):
        used: dict[str, int] = {}
        db_copies: list[DatabaseCopy] = []
        taken: set[str] = set()
        for pref, site in enumerate(copies, start=1):
            pool = members[site]
            start = k + used.get(site, 0)
            member = next(
                pool[(start + j) % len(pool)]
                for j in range(len(pool))
                if pool[(start + j) % len(pool)] not in taken
            )
            taken.add(member)
            used[site] = used.get(site, 0) + 1
            db_copies.append(DatabaseCopy(member=member, activation_preference=pref))
        db_id = f"db{k + 1}"
        elements.append(
            MailboxDatabase(
                id=db_id,
                name=f"DB{k + 1:02d}",
                dag="dag",
                mailboxes=mailboxes,
                size_gb=200.0,
                copies=db_copies,
            )
        )
        for copy in db_copies:
            elements.append(
                VirtualDisk(
                    id=f"{db_id}-{copy.member}-log",
                    name=f"{db_id}-{copy.member}-log",
                    vm=copy.member,
                    purpose=DiskPurpose.LOGS,
                    lun=f"{copy.member}-log",
                    database=db_id,
                    size_gb=50.0,
                )
            )
    if mirror_rate_gb_per_hour is not None:
        elements += [
            Lun(
                id="bos-app",
                name="BOS-APP",
                array="bos-cx",
                raid_group="RG-APP",
                change_rate_gb_per_hour=mirror_rate_gb_per_hour,
            ),
            Lun(id="wor-app", name="WOR-APP", array="wor-cx", raid_group="RG-APP"),
            Mirror(
                id="mv-app",
                name="MV-APP",
                source_lun="bos-app",
                target_lun="wor-app",
                mode=mirror_mode,
                update_interval_min=mirror_interval_min,
            ),
            ConsistencyGroup(id="cg-app", name="CG-APP", mode=mirror_mode, mirrors=["mv-app"]),
        ]
    return Design(
        name="Capacity test design",
        intent=DesignIntent(rto_target_min=rto_target_min),
        elements=elements,
        capacity=settings or CapacitySettings(),
    )


def on_rdms(design: Design, vm: str) -> Design:
    """``design`` with ``vm``'s database disks made physical RDMs (wave 21: a new copy's
    disk cannot share a raw LUN, so plan-copies has nothing to follow there)."""
    elements = [
        e.model_copy(update={"placement": DiskPlacement.RDM_PHYSICAL})
        if isinstance(e, VirtualDisk) and e.vm == vm and e.purpose is DiskPurpose.DATABASE
        else e
        for e in design.elements
    ]
    return design.model_copy(update={"elements": elements})
