"""Starting points for File > New: small, complete designs to edit rather than a blank
canvas. Each is valid, laid out by the one layout algorithm (:func:`auto_layout`), and
checks clean or has only findings that say what is left to decide (tests assert which).

* **Two-site DAG**: an Exchange 2010 DAG stretched over a production and a recovery
  datacenter, two members in each, the witness in production, one VMware HA cluster
  per site, storage in each site, CAS arrays behind load balancers;
* **Three-site DAG with witness**: the same, with the witness in a third site so that
  either datacenter can fail over automatically (DOMAIN §5, 000 §5.3.1);
* **SRM pair with MirrorView**: a protected and a recovery site, Exchange VMs on
  MirrorView/S mirrored datastores in a consistency group, protected by SRM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from designer.document.layout import auto_layout
from designer.domain.design import Design, DesignIntent, LayoutEntry
from designer.domain.elements import (
    Backup,
    CasArray,
    ConsistencyGroup,
    Dag,
    DatabaseCopy,
    ElementBase,
    EsxiHost,
    FileShareWitness,
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
from designer.domain.enums import DiskPurpose, MirrorMode, SiteRole, Trigger, VmRole
from designer.domain.workload import MailboxProfile


@cache
def _profile() -> MailboxProfile:
    """The users' mail: Microsoft's 150-message profile at 75 KB (30 logs of 1 MB a
    mailbox a day, 3 megacycles and 9 MB of cache per active mailbox:
    resources/catalog/capacity.json), so that File > New's designs are sized from the
    start ("Not sized" before). Made when first used, not at import: validating it
    built the model's validator before a window's first frame (the window builds the
    models after it)."""
    return MailboxProfile(messages_per_day=150, average_message_kb=75)


__all__ = ["TEMPLATES", "Template", "template"]


@dataclass(frozen=True)
class Template:
    """A starting point: its menu title, what it is, and how to build it."""

    key: str
    title: str
    says: str
    build: Callable[[], Design]
    #: The Exchange version of its servers (File > New says it: eyes20 #20).
    exchange: str = "2010"


@dataclass
class _Kit:
    """A design being put together, element by element."""

    elements: list[ElementBase] = field(default_factory=list)

    def add(self, element: ElementBase) -> str:
        self.elements.append(element)
        return element.id

    def site(self, key: str, name: str, role: SiteRole, users: int = 0) -> str:
        profile = _profile() if users else None
        return self.add(
            Site(id=f"site-{key}", name=name, role=role, users=users, mailbox_profile=profile)
        )

    def compute(self, site: str, key: str, hosts: int) -> list[str]:
        cluster = self.add(
            VsphereCluster(id=f"cluster-{key}", name=f"{key.upper()}-Cluster", site=site)
        )
        return [
            self.add(
                EsxiHost(
                    id=f"host-{key}-{n:02d}",
                    name=f"esx-{key}-{n:02d}",
                    site=site,
                    cluster=cluster,
                    cpu_cores=24,
                    memory_gb=256,
                )
            )
            for n in range(1, hosts + 1)
        ]

    def array(
        self, site: str, key: str, *, snapview: bool = False, change_rate: float | None = None
    ) -> str:
        return self.add(
            StorageArray(
                id=f"array-{key}", name=f"{key.upper()}-SAN", site=site, snapview=snapview,
                change_rate_gb_per_hour=change_rate,
            )
        )  # fmt: skip

    def lun(self, array: str, name: str, size_gb: float, raid_group: str) -> str:
        return self.add(
            Lun(
                id=f"lun-{name.lower()}",
                name=name,
                array=array,
                size_gb=size_gb,
                raid_group=raid_group,
            )
        )

    def vm(
        self,
        host: str,
        name: str,
        roles: list[VmRole],
        *,
        mailboxes: int = 0,
        memory_gb: float = 16,
        vcpu: int = 4,
    ) -> str:
        exchange = any(r in _EXCHANGE_ROLES for r in roles)
        return self.add(
            VirtualMachine(
                id=f"vm-{name.lower()}",
                name=name,
                host=host,
                roles=roles,
                exchange_version="2010" if exchange else None,
                mailboxes=mailboxes,
                memory_gb=memory_gb,
                vcpu=vcpu,
            )
        )

    def domain_controllers(self, hosts: list[str], key: str) -> None:
        """Two domain controllers / global catalogs, on two hosts (NET005)."""
        for n in (1, 2):
            self.vm(
                hosts[(n - 1) % len(hosts)],
                f"{key.upper()}-DC{n:02d}",
                [VmRole.DOMAIN_CONTROLLER],
                memory_gb=8,
            )

    def disk(self, vm: str, lun: str, purpose: DiskPurpose, size_gb: float) -> str:
        name = f"{vm.removeprefix('vm-')}-{purpose.value}"
        return self.add(
            VirtualDisk(
                id=f"disk-{name}", name=name, vm=vm, lun=lun, purpose=purpose, size_gb=size_gb
            )
        )

    def design(self, name: str, description: str, intent: DesignIntent) -> Design:
        design = Design(name=name, description=description, intent=intent, elements=self.elements)
        layout: dict[str, LayoutEntry] = {
            k: v for k, v in auto_layout(design).items() if v is not None
        }
        return design.model_copy(update={"layout": layout})


_MBX = [VmRole.MAILBOX]
_CAS_HUB = [VmRole.CLIENT_ACCESS, VmRole.HUB_TRANSPORT]
_EXCHANGE_ROLES = {
    VmRole.MAILBOX,
    VmRole.CLIENT_ACCESS,
    VmRole.HUB_TRANSPORT,
    VmRole.EDGE_TRANSPORT,
    VmRole.UNIFIED_MESSAGING,
}


def _stretched_dag(witness_site: str | None) -> tuple[_Kit, str, str]:
    """Two datacenters with a DAG of four members (two in each), storage, CAS arrays
    behind load balancers; the witness in production, or in ``witness_site``."""
    kit = _Kit()
    prod = kit.site("prd", "Production", SiteRole.PRODUCTION, users=4000)
    dr = kit.site("dr", "Recovery", SiteRole.RECOVERY)
    kit.add(
        WanLink(
            id="link-prd-dr", name="PRD-DR WAN", site_a=prod, site_b=dr,
            rtt_ms=4.0, distance_km=150.0, bandwidth_mbps=1000.0,
        )
    )  # fmt: skip
    members: list[str] = []
    for site, key in ((prod, "prd"), (dr, "dr")):
        hosts = kit.compute(site, key, 2)
        for n, host in enumerate(hosts, start=1):
            # Each member's database on its own array: one array lost costs one copy.
            array = kit.array(site, f"{key}{n}")
            name = f"{key.upper()}-MBX{n:02d}"
            # 8 vCPUs: a member carries its partner's 2,000 mailboxes too after a host's
            # loss (4,000 active at 3 megacycles each: CPU 56 %, memory 82 %; with 4 vCPUs
            # CPU 113 %, CAP003). Its mailboxes: those of its active database, below.
            vm = kit.vm(host, name, _MBX, memory_gb=48, vcpu=8)
            members.append(vm)
            kit.disk(vm, kit.lun(array, f"{name}-OS", 100, "RG0"), DiskPurpose.OS, 80)
            db_lun = kit.lun(array, f"{name}-DB", 1200, "RG1")
            kit.disk(vm, db_lun, DiskPurpose.DATABASE, 1000)
        cas = [kit.vm(hosts[i], f"{key.upper()}-CAS{i + 1:02d}", _CAS_HUB) for i in (0, 1)]
        kit.domain_controllers(hosts, key)
        cas_array = kit.add(
            CasArray(id=f"cas-{key}", name=f"{key.upper()} CAS array", site=site, members=cas,
                     namespace="mail.contoso.com")
        )  # fmt: skip
        kit.add(
            LoadBalancer(
                id=f"lb-{key}", name=f"{key.upper()}-LB", site=site, cas_arrays=[cas_array]
            )
        )
    if witness_site is None:
        fsw_host = kit.vm("host-prd-01", "PRD-FS01", [VmRole.FILE_SHARE_WITNESS], memory_gb=4)
        witness = kit.add(
            FileShareWitness(id="fsw-prd", name="PRD-FS01 share", site=prod, vm=fsw_host)
        )
        alternate = kit.add(FileShareWitness(id="fsw-dr", name="DR-FS01 share", site=dr))
    else:
        witness = kit.add(FileShareWitness(id="fsw-wit", name="WIT-FS01 share", site=witness_site))
        alternate = None
    dag = kit.add(
        Dag(
            id="dag-1",
            name="DAG01",
            members=members,
            witness=witness,
            alternate_witness=alternate,
            failover_intent=Trigger.AUTOMATIC if witness_site else Trigger.MANUAL,
            dac_mode=True,
            anti_affinity=True,
        )
    )
    databases = []
    for n in (1, 2):
        # Database n active on production's member n, then its production partner, then
        # recovery's members in the same turn: a member's loss keeps its database in
        # production, and production's loss sends one database to each recovery member
        # (what `plan-copies` gives; a rotation over all four sent both to DR-MBX01).
        turn = [0, 1] if n == 1 else [1, 0]
        order = [members[i] for i in turn] + [members[2 + i] for i in turn]
        copies = [
            DatabaseCopy(member=m, activation_preference=p) for p, m in enumerate(order, start=1)
        ]
        databases.append(
            kit.add(
                MailboxDatabase(
                    id=f"db-{n:02d}", name=f"DB{n:02d}", dag=dag, size_gb=500,
                    mailboxes=2000, copies=copies, user_site=prod,
                )
            )
        )  # fmt: skip
    kit.add(Backup(id="backup-1", name="Nightly database backup", databases=databases))
    # Each member states the users of the databases it runs actively (VS002 counts them
    # anyway): 2,000 on each production member, none on the recovery members.
    active: dict[str, int] = {}
    for element in kit.elements:
        if isinstance(element, MailboxDatabase):
            first = min(element.copies, key=lambda c: c.activation_preference).member
            active[first] = active.get(first, 0) + element.mailboxes
    kit.elements = [
        e.model_copy(update={"mailboxes": active[e.id]}) if e.id in active else e
        for e in kit.elements
    ]
    return kit, prod, dr


def two_site_dag() -> Design:
    kit, _, _ = _stretched_dag(None)
    return kit.design(
        "Two-site DAG",
        "An Exchange 2010 DAG for 4,000 mailboxes (two databases of 2,000, 150 messages "
        "a day) stretched over two datacenters: two members and the witness in "
        "production, two members and the alternate witness in recovery, DAC mode on. "
        "Losing production needs a manual datacenter switchover (the witness goes with it).",
        DesignIntent(rpo_target_min=15, rto_target_min=120),
    )


def three_site_dag() -> Design:
    kit = _Kit()
    witness = kit.site("wit", "Witness", SiteRole.WITNESS_ONLY)
    base, prod, dr = _stretched_dag(witness)
    base.elements.insert(2, kit.elements[0])  # after the two datacenters
    for other in (prod, dr):
        base.add(
            WanLink(
                id=f"link-{other.removeprefix('site-')}-wit",
                name=f"{other.removeprefix('site-').upper()}-WIT WAN",
                site_a=other, site_b=witness, rtt_ms=8.0, distance_km=300.0,
                bandwidth_mbps=100.0,
            )
        )  # fmt: skip
    host = base.add(EsxiHost(id="host-wit-01", name="esx-wit-01", site=witness))
    fs = base.vm(host, "WIT-FS01", [VmRole.FILE_SHARE_WITNESS], memory_gb=4)
    base.elements = [
        e.model_copy(update={"vm": fs}) if e.id == "fsw-wit" else e for e in base.elements
    ]
    return base.design(
        "Three-site DAG with witness",
        "An Exchange 2010 DAG for 4,000 mailboxes (two databases of 2,000, 150 messages "
        "a day) stretched over two datacenters with its witness in a third site: either "
        "datacenter can fail and the DAG fails over automatically (000 §5.3.1).",
        DesignIntent(rpo_target_min=5, rto_target_min=30),
    )


def srm_mirrorview() -> Design:
    kit = _Kit()
    prod = kit.site("prd", "Protected", SiteRole.PRODUCTION, users=2000)
    dr = kit.site("dr", "Recovery", SiteRole.RECOVERY)
    link = kit.add(
        WanLink(
            id="link-prd-dr", name="PRD-DR MirrorView link", site_a=prod, site_b=dr,
            rtt_ms=1.0, distance_km=40.0, bandwidth_mbps=1000.0,
        )
    )  # fmt: skip
    prod_hosts = kit.compute(prod, "prd", 2)
    dr_hosts = kit.compute(dr, "dr", 2)
    for hosts, key in ((prod_hosts, "prd"), (dr_hosts, "dr")):
        kit.domain_controllers(hosts, key)
        kit.vm(hosts[0], f"{key.upper()}-VC01", [VmRole.VCENTER], memory_gb=16)
        kit.vm(hosts[1], f"{key.upper()}-SRM01", [VmRole.SRM_SERVER], memory_gb=8)
    # The recovery site's own Client Access and Hub Transport for the recovered mailboxes.
    kit.vm(dr_hosts[0], "DR-CAS01", _CAS_HUB)
    # What MirrorView/S replicates: 2,000 mailboxes' logs at 150 messages a day (30 MB a
    # mailbox a day: 2.5 GB/h) and about as many database writes.
    prod_array = kit.array(prod, "prd", change_rate=5.0)
    dr_array = kit.array(dr, "dr", snapview=True)  # test failovers snap the mirror targets
    mirrors = []
    vms = []
    for name, roles, mailboxes, host in (
        ("PRD-MBX01", _MBX, 2000, prod_hosts[0]),
        ("PRD-CAS01", _CAS_HUB, 0, prod_hosts[1]),
    ):
        vm = kit.vm(host, name, roles, mailboxes=mailboxes, memory_gb=32 if mailboxes else 16)
        vms.append(vm)
        for purpose, size in (
            (DiskPurpose.OS, 100),
            *(((DiskPurpose.DATABASE, 800),) if mailboxes else ()),
        ):
            label = f"{name}-{purpose.value.upper()}"
            source = kit.lun(prod_array, label, size + 20, "RG1")
            target = kit.lun(dr_array, f"{label}-SEC", size + 20, "RG1")
            kit.disk(vm, source, purpose, size)
            mirrors.append(
                kit.add(
                    Mirror(
                        id=f"mv-{label.lower()}", name=f"MV {label}", source_lun=source,
                        target_lun=target, mode=MirrorMode.SYNC, wan_link=link,
                    )
                )
            )  # fmt: skip
    group = kit.add(ConsistencyGroup(id="cg-prd", name="CG-PRD-EXCH", mirrors=mirrors))
    pair = kit.add(
        SrmSitePair(id="srm-1", name="SRM PRD → DR", protected_site=prod, recovery_site=dr)
    )
    pg = kit.add(
        ProtectionGroup(
            id="pg-exch", name="PG-Exchange", site_pair=pair, consistency_groups=[group], vms=vms
        )
    )
    kit.add(RecoveryPlan(id="plan-1", name="RP-Exchange", site_pair=pair, protection_groups=[pg]))
    return kit.design(
        "SRM pair with MirrorView",
        "Exchange 2010 VMs for 2,000 mailboxes (150 messages a day) on MirrorView/S "
        "mirrored datastores in one consistency group, protected by VMware Site Recovery "
        "Manager from the protected to the recovery site (002).",
        DesignIntent(rpo_target_min=1, rto_target_min=60, srm_release="5.0"),
    )


#: The templates in File > New's order.
TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "two_site_dag", "Two-site DAG", "DAG stretched over two datacenters", two_site_dag
        ),
        Template(
            "three_site_dag", "Three-site DAG with witness",
            "DAG over two datacenters, its witness in a third", three_site_dag,
        ),
        Template(
            "srm_mirrorview", "SRM pair with MirrorView",
            "SRM-protected Exchange on MirrorView/S mirrors", srm_mirrorview,
        ),
    )
}  # fmt: skip


def template(key: str) -> Design:
    """A new design from the template ``key`` (see :data:`TEMPLATES`).

    Examples
    --------
    >>> design = template("two_site_dag")
    >>> design.name, sum(e.kind == "dag" for e in design.elements)
    ('Two-site DAG', 1)
    """
    return TEMPLATES[key].build()
