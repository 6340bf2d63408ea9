"""Designs for the simulator tests, each after a figure of the source documents."""

from __future__ import annotations

from designer.domain import (
    Backup,
    CasArray,
    ConsistencyGroup,
    Dag,
    DatabaseCopy,
    Design,
    DesignIntent,
    EsxiHost,
    Exchange2007Replication,
    FileShareWitness,
    HostReplication,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    Mirror,
    PlanPriority,
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
    DiskPlacement,
    DiskPurpose,
    FailoverIntent,
    FailoverMode,
    LoadBalancerKind,
    MirrorMode,
    RecoveryPlanStep,
    RecoveryPolicy,
    VmRole,
)

__all__ = [
    "dag_with_ha",
    "double_take",
    "exchange2007",
    "lagged_dr",
    "lcr",
    "mirrorview_srm",
    "standalone_ha",
    "stretched_dag",
]


def _site_infra(site: str, hosts: int, *, memory: float = 256.0) -> list:
    """A site with an HA cluster of ``hosts`` hosts."""
    elements: list = [
        Site(id=site, name=site.upper(), users=0),
        VsphereCluster(id=f"{site}-cl", name=f"{site}-cluster", site=site),
    ]
    for i in range(1, hosts + 1):
        elements.append(
            EsxiHost(
                id=f"{site}-h{i}",
                name=f"{site}-esx{i}",
                site=site,
                cluster=f"{site}-cl",
                memory_gb=memory,
            )
        )
    return elements


def _with_users(elements: list, users: dict[str, int]) -> list:
    return [
        e.model_copy(update={"users": users[e.id]}) if isinstance(e, Site) and e.id in users else e
        for e in elements
    ]


def _cas(site: str, host: str, *, namespace: str = "mail.example.com") -> list:
    return [
        VirtualMachine(
            id=f"{site}-cas1", name=f"{site}-cas1", host=host, roles=[VmRole.CLIENT_ACCESS]
        ),
        CasArray(
            id=f"{site}-casarray",
            name=f"{site}-casarray",
            site=site,
            members=[f"{site}-cas1"],
            namespace=namespace,
        ),
        LoadBalancer(
            id=f"{site}-lb",
            name=f"{site}-lb",
            site=site,
            cas_arrays=[f"{site}-casarray"],
            lb_kind=LoadBalancerKind.HARDWARE,
        ),
    ]


def _mbx(vm_id: str, host: str) -> VirtualMachine:
    return VirtualMachine(
        id=vm_id,
        name=vm_id,
        host=host,
        memory_gb=64.0,
        roles=[VmRole.MAILBOX],
        exchange_version="2013",
    )


def dag_with_ha() -> Design:
    """000 Fig. 3–5: a two-member DAG on an HA cluster of three hosts, one site."""
    elements = _site_infra("s1", 3)
    elements = _with_users(elements, {"s1": 2000})
    elements += [
        _mbx("dag1", "s1-h1"),
        _mbx("dag2", "s1-h2"),
        FileShareWitness(id="fsw", name="fsw", site="s1"),
        Dag(id="dag", name="DAG1", members=["dag1", "dag2"], witness="fsw", anti_affinity=True),
        MailboxDatabase(
            id="db1",
            name="DB1",
            dag="dag",
            mailboxes=1000,
            copies=[
                DatabaseCopy(member="dag1", activation_preference=1),
                DatabaseCopy(member="dag2", activation_preference=2),
            ],
        ),
        MailboxDatabase(
            id="db2",
            name="DB2",
            dag="dag",
            mailboxes=1000,
            copies=[
                DatabaseCopy(member="dag2", activation_preference=1),
                DatabaseCopy(member="dag1", activation_preference=2),
            ],
        ),
        *_cas("s1", "s1-h3"),
    ]
    return Design(name="DAG with vSphere HA", elements=elements)


def stretched_dag(*, witness_site: str = "s3", alternate_in: str | None = "s2") -> Design:
    """000 Fig. 10–12: a DAG stretched over two sites, witness in a third site."""
    elements = _site_infra("s1", 2) + _site_infra("s2", 2)
    elements = _with_users(elements, {"s1": 3000, "s2": 1000})
    elements += [Site(id="s3", name="S3")] if witness_site == "s3" else []
    elements += (
        [
            WanLink(id="l12", name="s1-s2", site_a="s1", site_b="s2"),
            WanLink(id="l13", name="s1-s3", site_a="s1", site_b="s3"),
            WanLink(id="l23", name="s2-s3", site_a="s2", site_b="s3"),
        ]
        if witness_site == "s3"
        else [WanLink(id="l12", name="s1-s2", site_a="s1", site_b="s2")]
    )
    elements += [
        _mbx("a1", "s1-h1"),
        _mbx("a2", "s1-h2"),
        _mbx("b1", "s2-h1"),
        _mbx("b2", "s2-h2"),
        FileShareWitness(id="fsw", name="fsw", site=witness_site),
    ]
    if alternate_in:
        elements.append(FileShareWitness(id="alt", name="alt-fsw", site=alternate_in))
    elements += [
        Dag(
            id="dag",
            name="DAG1",
            members=["a1", "a2", "b1", "b2"],
            witness="fsw",
            alternate_witness="alt" if alternate_in else None,
            failover_intent=FailoverIntent.AUTOMATIC,
        ),
        MailboxDatabase(
            id="db1",
            name="DB1",
            dag="dag",
            mailboxes=3000,
            copies=[
                DatabaseCopy(member="a1", activation_preference=1),
                DatabaseCopy(member="a2", activation_preference=2),
                DatabaseCopy(member="b1", activation_preference=3),
            ],
        ),
        MailboxDatabase(
            id="db2",
            name="DB2",
            dag="dag",
            mailboxes=1000,
            copies=[
                DatabaseCopy(member="b1", activation_preference=1),
                DatabaseCopy(member="b2", activation_preference=2),
                DatabaseCopy(member="a2", activation_preference=3),
            ],
        ),
        *_cas("s1", "s1-h2"),
        *_cas("s2", "s2-h2"),
        LoadBalancer(
            id="glb",
            name="glb",
            site=None,
            lb_kind=LoadBalancerKind.GEOGRAPHIC,
            cas_arrays=["s1-casarray", "s2-casarray"],
        ),
    ]
    return Design(name="Stretched DAG", elements=elements)


def lagged_dr() -> Design:
    """000 Fig. 8–9: primary site copies, lagged copies in the DR site."""
    elements = _site_infra("s1", 2) + _site_infra("s2", 1) + [Site(id="s3", name="S3")]
    elements = _with_users(elements, {"s1": 1000})
    elements += [
        WanLink(id="l12", name="s1-s2", site_a="s1", site_b="s2"),
        WanLink(id="l13", name="s1-s3", site_a="s1", site_b="s3"),
        WanLink(id="l23", name="s2-s3", site_a="s2", site_b="s3"),
        _mbx("a1", "s1-h1"),
        _mbx("a2", "s1-h2"),
        _mbx("d1", "s2-h1"),
        _mbx("d2", "s2-h1"),
        FileShareWitness(id="fsw", name="fsw", site="s3"),
        Dag(
            id="dag",
            name="DAG1",
            members=["a1", "a2", "d1", "d2"],
            witness="fsw",
            failover_intent=FailoverIntent.AUTOMATIC,
        ),
        MailboxDatabase(
            id="db1",
            name="DB1",
            dag="dag",
            mailboxes=1000,
            copies=[
                DatabaseCopy(member="a1", activation_preference=1),
                DatabaseCopy(member="a2", activation_preference=2),
                DatabaseCopy(member="d1", activation_preference=3, replay_lag_days=7),
            ],
        ),
        Backup(id="bk", name="nightly", databases=["db1"], schedule="daily"),
    ]
    return Design(name="Lagged DR copies", elements=elements)


def standalone_ha(
    *,
    ha: bool = True,
    memory: float = 256.0,
    backup_kind: str = "tape",
    size_gb: float = 75.0,
    log_lun: str | None = None,
) -> Design:
    """000 Fig. 1: one Exchange VM protected by vSphere HA alone.

    ``log_lun`` adds a log disk on that LUN (``"lun-db"`` shares the database's LUN,
    ``"lun-log"`` a LUN of its own in another RAID group).
    """
    elements = _site_infra("s1", 2, memory=memory)
    elements = _with_users(elements, {"s1": 500})
    if not ha:
        elements = [
            e.model_copy(update={"ha_enabled": False}) if isinstance(e, VsphereCluster) else e
            for e in elements
        ]
    elements += [
        StorageArray(id="arr", name="arr1", site="s1"),
        Lun(id="lun-os", name="lun-os", array="arr"),
        Lun(id="lun-db", name="lun-db", array="arr"),
        _mbx("ex1", "s1-h1"),
        VirtualDisk(id="ex1-os", name="ex1-os", vm="ex1", lun="lun-os"),
        VirtualDisk(
            id="ex1-db",
            name="ex1-db",
            vm="ex1",
            lun="lun-db",
            purpose=DiskPurpose.DATABASE,
            database="db1",
        ),
        MailboxDatabase(
            id="db1",
            name="DB1",
            mailboxes=500,
            size_gb=size_gb,
            copies=[DatabaseCopy(member="ex1")],
        ),
        Backup(
            id="bk", name=backup_kind, databases=["db1"], backup_kind=backup_kind, schedule="daily"
        ),
    ]
    if log_lun is not None:
        if log_lun != "lun-db":
            elements.append(Lun(id=log_lun, name=log_lun, array="arr", raid_group="RG-LOG"))
        elements.append(
            VirtualDisk(
                id="ex1-log",
                name="ex1-log",
                vm="ex1",
                lun=log_lun,
                purpose=DiskPurpose.LOGS,
                database="db1",
            )
        )
    return Design(name="Standalone VM with HA", elements=elements)


def mirrorview_srm(
    *,
    mode: MirrorMode = MirrorMode.ASYNC,
    srm_release: str = "5.0",
    rdm: bool = False,
    in_cg: bool = True,
    unprotected_neighbour: bool = False,
    policy: RecoveryPolicy = RecoveryPolicy.MANUAL,
    snapview: bool = True,
    second_vm: bool = False,
) -> Design:
    """002 Fig. 1: Exchange VM on a CX4 protected by SRM with MirrorView.

    With MirrorView/A the site changes 9 GB/h and the link carries 40 Mbit/s: a
    30-minute interval's 4.5 GB take 15 minutes, so the RPO is 45 minutes (002). The
    recovery site runs its own vCenter Server and SRM server (002). ``second_vm`` adds
    a second Exchange VM whose database LUN is mirrored in the same consistency group.
    """
    elements = _site_infra("p", 1) + _site_infra("r", 1)
    elements = [
        e.model_copy(update={"users": 800, "change_rate_gb_per_hour": 9.0})
        if isinstance(e, Site) and e.id == "p"
        else e
        for e in elements
    ]
    elements += [
        WanLink(id="pr", name="p-r", site_a="p", site_b="r", bandwidth_mbps=40.0),
        StorageArray(id="pa", name="CX4-prod", site="p", model="CX4-240"),
        StorageArray(id="ra", name="CX4-dr", site="r", model="CX4-240", snapview=snapview),
        Lun(id="p-os", name="p-os", array="pa"),
        Lun(id="p-db", name="p-db", array="pa", usage="rdm" if rdm else "vmfs_datastore"),
        Lun(id="r-os", name="r-os", array="ra"),
        Lun(id="r-db", name="r-db", array="ra"),
        Mirror(
            id="m-os",
            name="m-os",
            source_lun="p-os",
            target_lun="r-os",
            mode=mode,
            recovery_policy=policy,
        ),
        Mirror(
            id="m-db",
            name="m-db",
            source_lun="p-db",
            target_lun="r-db",
            mode=mode,
            recovery_policy=policy,
        ),
        ConsistencyGroup(
            id="cg", name="cg-exch", mode=mode, mirrors=["m-os", "m-db"] if in_cg else ["m-os"]
        ),
        _mbx("ex1", "p-h1"),
        VirtualDisk(id="ex1-os", name="ex1-os", vm="ex1", lun="p-os"),
        VirtualDisk(
            id="ex1-db",
            name="ex1-db",
            vm="ex1",
            lun="p-db",
            purpose=DiskPurpose.DATABASE,
            database="db1",
            placement=DiskPlacement.RDM_PHYSICAL if rdm else DiskPlacement.VMDK_VMFS,
        ),
        MailboxDatabase(id="db1", name="DB1", mailboxes=800, copies=[DatabaseCopy(member="ex1")]),
        SrmSitePair(id="pair", name="p-to-r", protected_site="p", recovery_site="r"),
        ProtectionGroup(
            id="pg", name="pg-exch", site_pair="pair", consistency_groups=["cg"], vms=["ex1"]
        ),
        RecoveryPlan(
            id="plan",
            name="plan-exch",
            site_pair="pair",
            protection_groups=["pg"],
            priorities=[PlanPriority(vm="ex1", priority=1)],
            steps=[RecoveryPlanStep.DNS_UPDATE],
        ),
        VirtualMachine(id="r-vc", name="r-vcenter", host="r-h1", roles=[VmRole.VCENTER]),
        VirtualMachine(id="r-srm", name="r-srm", host="r-h1", roles=[VmRole.SRM_SERVER]),
        VirtualMachine(id="p-vc", name="p-vcenter", host="p-h1", roles=[VmRole.VCENTER]),
        VirtualMachine(id="p-srm", name="p-srm", host="p-h1", roles=[VmRole.SRM_SERVER]),
    ]
    if second_vm:
        elements += [
            Lun(id="p-db2", name="p-db2", array="pa"),
            Lun(id="r-db2", name="r-db2", array="ra"),
            Mirror(
                id="m-db2",
                name="m-db2",
                source_lun="p-db2",
                target_lun="r-db2",
                mode=mode,
                recovery_policy=policy,
            ),
            _mbx("ex2", "p-h1"),
            VirtualDisk(id="ex2-os", name="ex2-os", vm="ex2", lun="p-os"),
            VirtualDisk(
                id="ex2-db",
                name="ex2-db",
                vm="ex2",
                lun="p-db2",
                purpose=DiskPurpose.DATABASE,
                database="db2",
            ),
            MailboxDatabase(
                id="db2", name="DB2", mailboxes=400, copies=[DatabaseCopy(member="ex2")]
            ),
        ]
        elements = [
            e.model_copy(update={"mirrors": [*e.mirrors, "m-db2"]})
            if isinstance(e, ConsistencyGroup)
            else e.model_copy(update={"vms": [*e.vms, "ex2"]})
            if isinstance(e, ProtectionGroup)
            else e
            for e in elements
        ]
    if unprotected_neighbour:
        elements += [
            VirtualMachine(id="other", name="other", host="p-h1"),
            VirtualDisk(id="other-os", name="other-os", vm="other", lun="p-os"),
        ]
    return Design(
        name="SRM with MirrorView",
        elements=elements,
        intent=DesignIntent(srm_release=srm_release, rpo_target_min=60.0),
    )


def double_take(*, mode: FailoverMode = FailoverMode.AUTOMATIC) -> Design:
    """003: a stand-alone Exchange server replicated by Double-Take to a DR site."""
    elements = _site_infra("p", 1) + _site_infra("r", 1)
    elements = _with_users(elements, {"p": 14000})
    elements += [
        WanLink(id="pr", name="p-r", site_a="p", site_b="r"),
        VirtualMachine(id="src", name="src", host="p-h1", mailboxes=14000),
        VirtualMachine(id="dst", name="dst", host="r-h1"),
        MailboxDatabase(id="db1", name="DB1", mailboxes=14000, copies=[DatabaseCopy(member="src")]),
        HostReplication(
            id="dt", name="dt", source="src", target="dst", failover=mode, failover_timeout_s=300.0
        ),
    ]
    return Design(name="Double-Take", elements=elements)


def exchange2007(*, kind: str = "ccr") -> Design:
    """004: an Exchange 2007 CCR pair in one site, with an SCR target in a DR site."""
    elements = _site_infra("p", 2, memory=64.0) + _site_infra("r", 1)
    elements = _with_users(elements, {"p": 1200})
    elements += [
        WanLink(id="pr", name="p-r", site_a="p", site_b="r"),
        _mbx("n1", "p-h1"),
        _mbx("n2", "p-h2"),
        _mbx("scr1", "r-h1"),
        MailboxDatabase(id="db1", name="SG1-DB1", mailboxes=1200, storage_group="SG1"),
        Exchange2007Replication(
            id="ccr", name="ccr", replication=kind, nodes=["n1", "n2"], databases=["db1"]
        ),
        Exchange2007Replication(
            id="scr",
            name="scr",
            replication="scr",
            nodes=["n1", "n2"],
            databases=["db1"],
            target="scr1",
        ),
    ]
    return Design(name="Exchange 2007 CCR + SCR", elements=elements)


def lcr(*, copy_on_own_luns: bool = True) -> Design:
    """004 Fig. 3: an Exchange 2007 server with LCR. The database and its logs are on
    two LUNs in separate RAID groups; the LCR copy of each lives on the other one (the
    copy of the database beside the active logs, the copy of the logs beside the active
    database), or with ``copy_on_own_luns`` on two LUNs of its own."""
    elements = _site_infra("p", 1)
    elements = _with_users(elements, {"p": 600})
    db_lun, log_lun = "lun-a", "lun-b"
    copy_db_lun, copy_log_lun = ("lun-c", "lun-d") if copy_on_own_luns else (log_lun, db_lun)
    elements += [
        StorageArray(id="arr", name="arr", site="p"),
        Lun(id="lun-os", name="lun-os", array="arr", raid_group="RG-OS"),
        Lun(id="lun-a", name="lun-a", array="arr", raid_group="RG-A"),
        Lun(id="lun-b", name="lun-b", array="arr", raid_group="RG-B"),
        VirtualMachine(
            id="ex07",
            name="ex07",
            host="p-h1",
            memory_gb=32.0,
            roles=[VmRole.MAILBOX, VmRole.HUB_TRANSPORT, VmRole.CLIENT_ACCESS],
            exchange_version="2007",
        ),
        VirtualDisk(id="os", name="os", vm="ex07", lun="lun-os"),
        VirtualDisk(
            id="db", name="db", vm="ex07", lun=db_lun, purpose=DiskPurpose.DATABASE, database="db1"
        ),
        VirtualDisk(
            id="log", name="log", vm="ex07", lun=log_lun, purpose=DiskPurpose.LOGS, database="db1"
        ),
        VirtualDisk(
            id="lcr-db",
            name="lcr-db",
            vm="ex07",
            lun=copy_db_lun,
            purpose=DiskPurpose.DATABASE,
            database="db1",
        ),
        VirtualDisk(
            id="lcr-log",
            name="lcr-log",
            vm="ex07",
            lun=copy_log_lun,
            purpose=DiskPurpose.LOGS,
            database="db1",
        ),
        MailboxDatabase(id="db1", name="SG1-DB1", mailboxes=600, storage_group="SG1"),
        Exchange2007Replication(
            id="lcr",
            name="lcr",
            replication="lcr",
            nodes=["ex07"],
            databases=["db1"],
            copy_disks=["lcr-db", "lcr-log"],
        ),
    ]
    if copy_on_own_luns:
        elements += [
            Lun(id="lun-c", name="lun-c", array="arr", raid_group="RG-C"),
            Lun(id="lun-d", name="lun-d", array="arr", raid_group="RG-D"),
        ]
    return Design(name="Exchange 2007 LCR", elements=elements)
