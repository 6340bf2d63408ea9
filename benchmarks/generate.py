"""Scale generator: valid, realistic designs of ~1,000 to ~25,000 elements.

``generate_design("25k")`` builds what a large enterprise would draw: sites on a
meshed WAN, vSphere clusters of ESXi hosts, stretched DAGs of 16 members with four
copies of every database (one volume per copy, database and logs together, as
Exchange 2010 allows with three or more copies), CAS arrays behind HA load balancers
and a geographic one, domain controllers, vCenter and SRM servers, backups, and
application VMs protected by SRM on MirrorView/S mirrors in consistency groups. Every
element has a layout entry: sites are big boxes in a grid, clusters inside them, hosts
inside clusters, VMs inside hosts, arrays and LUNs in a storage band of the site, DAGs
and databases in a logical column to the right.

The result has no structural errors (``structural_errors(design) == []``) and the
same ``(scale, seed)`` always gives the same design. The seed varies attributes (sizes,
mailbox counts, memory), never the structure's validity.

Usable as a module (``from benchmarks.generate import generate_design``) and as a
command::

    python benchmarks/generate.py --scale 25000 -o /tmp/big.json
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from designer.domain import (
    ArrayModel,
    Backup,
    BackupKind,
    CasArray,
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
    LayoutEntry,
    LoadBalancer,
    LoadBalancerKind,
    Lun,
    MailboxDatabase,
    MailboxProfile,
    Mirror,
    MirrorMode,
    PlanPriority,
    ProtectionGroup,
    RecoveryPlan,
    RecoveryPlanStep,
    Site,
    SiteRole,
    SrmSitePair,
    StorageArray,
    StorageProcessorSlot,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
    WanLink,
)
from designer.domain.elements import ElementBase

__all__ = ["SCALES", "Plan", "generate_design", "parse_scale", "plan_for"]

#: Named scales; an int is also accepted (the approximate element count).
SCALES: dict[str, int] = {"1k": 1_000, "10k": 10_000, "25k": 25_000}

#: Database copies per datastore LUN on a mailbox server.
COPIES_PER_DATASTORE = 10
#: The largest database a generated design holds (GB; sizes are drawn from 150 to 390) and the
#: size of its copy's disk (the database plus 20 % for its logs and growth).
LARGEST_DATABASE_GB = 390.0
DATABASE_DISK_FACTOR = 1.2
#: A mailbox server's datastore holds its ten largest copies' disks with room to spare, so a
#: generated design is never over-committed (VS005): 10 x 468 GB = 4,680 GB of 5,120 GB.
MAILBOX_LUN_GB = 5120.0
#: Application VMs per mirrored datastore, and mirrors per consistency group.
VMS_PER_MIRRORED_DATASTORE = 8
MIRRORS_PER_CG = 16


@dataclass(frozen=True)
class Plan:
    """The counts a design of ``target`` elements is built from."""

    target: int
    sites: int
    hosts: int
    hosts_per_cluster: int
    dags: int
    members_per_dag: int
    databases: int
    copies: int
    arrays_per_site: int


def parse_scale(scale: str | int) -> int:
    """The element count a scale names: ``"25k"``, ``"25000"`` or ``25000``.

    Examples
    --------
    >>> parse_scale("10k"), parse_scale("1500"), parse_scale(25_000)
    (10000, 1500, 25000)
    """
    if isinstance(scale, int):
        count = scale
    else:
        text = scale.strip().lower().replace("_", "").replace(",", "")
        if text in SCALES:
            count = SCALES[text]
        elif text.endswith("k"):
            count = round(float(text[:-1]) * 1000)
        else:
            count = int(text)
    if count < 200:
        raise ValueError(f"scale {scale!r} is below the smallest design (200 elements)")
    return count


def plan_for(target: int) -> Plan:
    """Counts that put ~85-90% of ``target`` in the Exchange estate, the rest in SRM.

    Examples
    --------
    >>> plan = plan_for(25_000)
    >>> plan.sites, plan.hosts, plan.dags, plan.members_per_dag, plan.databases
    (8, 400, 10, 16, 4000)
    """
    f = target / 25_000
    sites = max(3, min(8, round(8 * math.sqrt(f))))
    dags = max(1, round(10 * f))
    members = 16 if f >= 0.2 else 8
    copies = 4
    # A database costs itself plus one disk per copy, and a datastore LUN per
    # COPIES_PER_DATASTORE copies; keep that under ~87% of the budget.
    per_db = 1 + copies + copies / COPIES_PER_DATASTORE
    databases = max(dags * 4, min(round(4000 * f), int(0.87 * target / per_db)))
    hosts = max(6 * sites, round(400 * f))
    return Plan(
        target=target,
        sites=sites,
        hosts=hosts,
        hosts_per_cluster=8,
        dags=dags,
        members_per_dag=members,
        databases=databases,
        copies=copies,
        arrays_per_site=2,
    )


# -- layout geometry --------------------------------------------------------------------
VM_W, VM_H = 110.0, 36.0
HOST_COLS = 2
PAD = 20.0


def _grid(n: int, cols: int, w: float, h: float, gap: float = PAD) -> list[tuple[float, float]]:
    return [((i % cols) * (w + gap), (i // cols) * (h + gap)) for i in range(n)]


class _Builder:
    """Accumulates elements and layout in a deterministic order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.elements: list[ElementBase] = []
        self.layout: dict[str, LayoutEntry] = {}
        #: Database copies placed on each mailbox VM so far.
        self.copies_on: dict[str, int] = {}

    def add(self, element: ElementBase, x: float | None = None, y: float | None = None, **box):
        self.elements.append(element)
        if x is not None and y is not None:
            self.layout[element.id] = LayoutEntry(x=round(x, 1), y=round(y, 1), **box)
        return element


@dataclass
class _SiteParts:
    site: Site
    x: float
    y: float
    hosts: list[EsxiHost]
    host_xy: dict[str, tuple[float, float]]
    vms_on_host: dict[str, int]
    arrays: list[StorageArray]
    array_xy: dict[str, tuple[float, float]]
    luns_on_array: dict[str, int]
    os_datastore: dict[str, Lun]  # cluster id -> datastore LUN of the OS disks
    next_host: int = 0
    height: float = 0.0
    host_count: int = 0


def generate_design(scale: str | int, seed: int = 0, *, workload: bool = False) -> Design:
    """A valid design of about ``scale`` elements (``"1k"``, ``"10k"``, ``"25k"`` or a count).

    With ``workload``, every production site states a mailbox profile (150 messages a
    day at 75 KB, Microsoft's example profile), so the capacity rules and
    ``benchmarks/bench_capacity.py`` size the design; without it (the default, as the
    other benchmarks measure), nothing is sized.

    Examples
    --------
    >>> from designer.domain import structural_errors
    >>> design = generate_design("1k")
    >>> structural_errors(design)
    []
    >>> 900 <= len(design.elements) <= 1100
    True
    """
    plan = plan_for(parse_scale(scale))
    b = _Builder(seed)
    sites = _build_sites(b, plan)
    _build_wan(b, sites)
    _build_compute(b, plan, sites)
    _build_storage(b, plan, sites)
    infra = _build_site_services(b, sites)
    logical_x = max(p.x for p in sites) + _SITE_W + 4 * PAD
    dag_bottom = _build_dags(b, plan, sites, infra, logical_x)
    _build_srm(b, plan, sites, logical_x, dag_bottom)
    order = {kind: i for i, kind in enumerate(_KIND_ORDER)}
    elements = sorted(b.elements, key=lambda e: order[e.kind])
    if workload:
        profile = MailboxProfile(messages_per_day=150, average_message_kb=75)
        elements = [
            e.model_copy(update={"mailbox_profile": profile})
            if isinstance(e, Site) and e.role is SiteRole.PRODUCTION
            else e
            for e in elements
        ]
    return Design(
        name=f"Generated enterprise ({plan.target:,} elements, seed {seed})",
        description=(
            f"{plan.sites} sites, {plan.hosts} ESXi hosts, {plan.dags} DAGs of "
            f"{plan.members_per_dag} members, {plan.databases} databases x {plan.copies} "
            "copies, SRM-protected application VMs on MirrorView/S. Made by "
            "benchmarks/generate.py."
        ),
        intent=DesignIntent(rpo_target_min=60, rto_target_min=240, srm_release="5.0"),
        elements=elements,
        layout=b.layout,
    )


_KIND_ORDER = (
    "site",
    "wan_link",
    "vsphere_cluster",
    "esxi_host",
    "vm",
    "storage_array",
    "lun",
    "virtual_disk",
    "mirror",
    "consistency_group",
    "file_share_witness",
    "dag",
    "mailbox_database",
    "cas_array",
    "load_balancer",
    "srm_site_pair",
    "protection_group",
    "recovery_plan",
    "backup",
    "host_replication",
    "exchange2007_replication",
)

_SITE_W = 4 * (HOST_COLS * (VM_W + PAD) + PAD) * 2 + 2 * PAD  # 2,280 px, as before
_SITE_COLS = 3
#: A site's clusters per row: three of 620 px fit its 2,280 px (four overflowed it into
#: the next site, and under its witness: eyes21, wave 21).
CLUSTER_COLS = 3
#: The distance between rows of sites, at least: a row as tall as its tallest site
#: (and a gap) when that is more (50k and 100k designs: sites of 5 and 9 cluster rows).
_SITE_ROW_H = 6000.0


def _site_height(plan: Plan, hosts: int) -> float:
    rows = math.ceil(math.ceil(hosts / plan.hosts_per_cluster) / CLUSTER_COLS)
    host_h = 4 * (VM_H + PAD) + PAD
    cluster_h = math.ceil(plan.hosts_per_cluster / 2) * (host_h + PAD) + PAD
    return rows * (cluster_h + PAD) + 900.0


def _build_sites(b: _Builder, plan: Plan) -> list[_SiteParts]:
    parts = []
    counts, hosts_left = [], plan.hosts
    for i in range(plan.sites):
        counts.append(hosts_left // (plan.sites - i))
        hosts_left -= counts[-1]
    row_h = max(_SITE_ROW_H, max(_site_height(plan, n) for n in counts) + 6 * PAD)
    for i in range(plan.sites):
        witness_only = plan.sites == 3 and i == 2
        role = SiteRole.WITNESS_ONLY if witness_only else SiteRole.PRODUCTION
        users = 0 if witness_only else b.rng.randrange(20_000, 60_000, 500)
        site = Site(
            id=f"site-{i + 1:02d}",
            name=f"DC{i + 1:02d}",
            role=role,
            subnet=f"10.{i + 1}.0.0/16",
            users=users,
            peak_concurrent_connections=users * 4,
            change_rate_gb_per_hour=round(b.rng.uniform(1.0, 4.0), 2),
        )
        hosts = counts[i]
        height = _site_height(plan, hosts)
        x = (i % _SITE_COLS) * (_SITE_W + 6 * PAD)
        y = (i // _SITE_COLS) * row_h
        b.add(site, x, y, w=_SITE_W, h=height)
        part = _SiteParts(site, x, y, [], {}, {}, [], {}, {}, {}, height=height, host_count=hosts)
        parts.append(part)
    return parts


def _km_between(a: int, b: int) -> float:
    return 60.0 * abs(a - b) + (0 if abs(a - b) < 2 else 150.0 * (abs(a - b) - 1))


def _build_wan(b: _Builder, sites: list[_SiteParts]) -> None:
    for i in range(len(sites)):
        for j in range(i + 1, len(sites)):
            km = _km_between(i, j)
            b.add(
                WanLink(
                    id=f"wan-{i + 1:02d}-{j + 1:02d}",
                    name=f"WAN DC{i + 1:02d}-DC{j + 1:02d}",
                    site_a=sites[i].site.id,
                    site_b=sites[j].site.id,
                    distance_km=km,
                    rtt_ms=round(1.0 + km / 100.0, 2),
                    bandwidth_mbps=10_000.0 if km < 100 else 2_000.0,
                    failure_domain=f"conduit-{i + 1:02d}-{j + 1:02d}",
                )
            )


def _build_compute(b: _Builder, plan: Plan, sites: list[_SiteParts]) -> None:
    host_w = HOST_COLS * (VM_W + PAD) + PAD
    host_h = 4 * (VM_H + PAD) + PAD
    cluster_w = 2 * (host_w + PAD) + PAD
    cluster_h = math.ceil(plan.hosts_per_cluster / 2) * (host_h + PAD) + PAD
    for s, part in enumerate(sites):
        count = part.host_count
        clusters = math.ceil(count / plan.hosts_per_cluster)
        origins = _grid(clusters, CLUSTER_COLS, cluster_w, cluster_h)
        for c in range(clusters):
            cluster = VsphereCluster(
                id=f"cl-{s + 1:02d}-{c + 1:02d}",
                name=f"DC{s + 1:02d}-Cluster{c + 1:02d}",
                site=part.site.id,
                host_failures_tolerated=1,
            )
            cx, cy = part.x + PAD + origins[c][0], part.y + 60 + origins[c][1]
            b.add(cluster, cx, cy, w=cluster_w, h=cluster_h)
            in_cluster = min(plan.hosts_per_cluster, count - c * plan.hosts_per_cluster)
            for h, (hx, hy) in enumerate(_grid(in_cluster, 2, host_w, host_h)):
                n = c * plan.hosts_per_cluster + h + 1
                host = EsxiHost(
                    id=f"esx-{s + 1:02d}-{n:03d}",
                    name=f"esx{s + 1:02d}{n:03d}",
                    site=part.site.id,
                    cluster=cluster.id,
                    cpu_cores=b.rng.choice((24, 32, 40)),
                    memory_gb=float(b.rng.choice((384, 512, 768))),
                )
                x, y = cx + PAD + hx, cy + 40 + hy
                b.add(host, x, y, w=host_w, h=host_h)
                part.hosts.append(host)
                part.host_xy[host.id] = (x, y)
                part.vms_on_host[host.id] = 0


def _build_storage(b: _Builder, plan: Plan, sites: list[_SiteParts]) -> None:
    model = ArrayModel.CX4_960 if plan.target >= 10_000 else ArrayModel.CX4_480
    for s, part in enumerate(sites):
        base_y = part.y + part.height - 820
        for a in range(plan.arrays_per_site):
            array = StorageArray(
                id=f"cx-{s + 1:02d}-{a + 1}",
                name=f"DC{s + 1:02d}-CX{a + 1}",
                site=part.site.id,
                model=model,
                flare_release=29,
                snapview=True,
            )
            x, y = part.x + PAD + a * (_SITE_W / 2), base_y
            b.add(array, x, y, w=_SITE_W / 2 - 2 * PAD, h=780)
            part.arrays.append(array)
            part.array_xy[array.id] = (x, y)
            part.luns_on_array[array.id] = 0
        # One shared VMFS datastore per cluster for the OS disks of Exchange VMs.
        clusters = sorted({h.cluster for h in part.hosts if h.cluster})
        for cluster_id in clusters:
            part.os_datastore[cluster_id] = _add_lun(
                b, part, part.arrays[0], "os", size_gb=2048.0, raid_group="RG-OS"
            )


def _add_lun(
    b: _Builder, part: _SiteParts, array: StorageArray, tag: str, *, size_gb: float, raid_group: str
) -> Lun:
    n = part.luns_on_array[array.id]
    part.luns_on_array[array.id] = n + 1
    lun = Lun(
        id=f"{array.id}-lun{n:04d}",
        name=f"{array.name}-{tag}-{n:04d}",
        array=array.id,
        size_gb=size_gb,
        raid_group=raid_group,
        owner_sp=StorageProcessorSlot.A if n % 2 == 0 else StorageProcessorSlot.B,
    )
    ax, ay = part.array_xy[array.id]
    cols = 24
    b.add(lun, ax + 10 + (n % cols) * 36, ay + 40 + (n // cols) * 22, w=30, h=16)
    return lun


def _place_vm(b: _Builder, part: _SiteParts, vm_id: str, host: EsxiHost) -> tuple[float, float]:
    k = part.vms_on_host[host.id]
    part.vms_on_host[host.id] = k + 1
    hx, hy = part.host_xy[host.id]
    col, row = k % HOST_COLS, (k // HOST_COLS) % 4
    return hx + PAD + col * (VM_W + PAD), hy + 30 + row * (VM_H + PAD)


def _next_host(part: _SiteParts) -> EsxiHost:
    host = part.hosts[part.next_host % len(part.hosts)]
    part.next_host += 1
    return host


def _add_vm(
    b: _Builder,
    part: _SiteParts,
    vm_id: str,
    name: str,
    roles: list[VmRole],
    *,
    host: EsxiHost | None = None,
    vcpu: int = 4,
    memory_gb: float = 16.0,
    exchange: bool = False,
    mailboxes: int = 0,
    os_lun: Lun | None = None,
) -> VirtualMachine:
    host = host or _next_host(part)
    vm = VirtualMachine(
        id=vm_id,
        name=name,
        host=host.id,
        vcpu=vcpu,
        memory_gb=memory_gb,
        roles=roles,
        exchange_version="2010" if exchange else None,
        windows_version="2008 R2 x64",
        windows_domain="corp.example.com",
        mailboxes=mailboxes,
    )
    x, y = _place_vm(b, part, vm_id, host)
    b.add(vm, x, y, w=VM_W, h=VM_H)
    lun = os_lun or part.os_datastore[host.cluster or ""]
    b.add(
        VirtualDisk(
            id=f"{vm_id}-os",
            name=f"{name}-os",
            vm=vm.id,
            purpose=DiskPurpose.OS,
            lun=lun.id,
            size_gb=80.0,
        ),
        x + VM_W - 14,
        y + 4,
        w=10,
        h=10,
    )
    return vm


@dataclass
class _SiteServices:
    cas: list[VirtualMachine]
    hubs: list[VirtualMachine]
    proxy: VirtualMachine
    witness_server: VirtualMachine


def _build_site_services(b: _Builder, sites: list[_SiteParts]) -> dict[str, _SiteServices]:
    """DCs, vCenter, SRM, backup proxy and file server in every site; CAS, hub, LBs where
    Exchange runs."""
    result: dict[str, _SiteServices] = {}
    cas_arrays: list[CasArray] = []
    for s, part in enumerate(sites):
        tag = f"{s + 1:02d}"
        site_id = part.site.id
        exchange_site = part.site.role is SiteRole.PRODUCTION
        for d in range(2):
            _add_vm(b, part, f"dc-{tag}-{d + 1}", f"DC{tag}-AD{d + 1}", [VmRole.DOMAIN_CONTROLLER])
        _add_vm(b, part, f"vc-{tag}", f"DC{tag}-vCenter", [VmRole.VCENTER], memory_gb=24.0)
        _add_vm(b, part, f"srm-{tag}", f"DC{tag}-SRM", [VmRole.SRM_SERVER], memory_gb=8.0)
        proxy = _add_vm(b, part, f"bkp-{tag}", f"DC{tag}-VDP", [VmRole.BACKUP_PROXY])
        fsw = _add_vm(b, part, f"fs-{tag}", f"DC{tag}-FS", [VmRole.FILE_SHARE_WITNESS])
        cas: list[VirtualMachine] = []
        hubs: list[VirtualMachine] = []
        if exchange_site:
            for c in range(4):
                cas.append(
                    _add_vm(
                        b,
                        part,
                        f"cas-{tag}-{c + 1}",
                        f"DC{tag}-CAS{c + 1}",
                        [VmRole.CLIENT_ACCESS],
                        vcpu=8,
                        exchange=True,
                    )
                )
            for h in range(2):
                hubs.append(
                    _add_vm(
                        b,
                        part,
                        f"hub-{tag}-{h + 1}",
                        f"DC{tag}-HUB{h + 1}",
                        [VmRole.HUB_TRANSPORT],
                        exchange=True,
                    )
                )
            cas_array = CasArray(
                id=f"casarr-{tag}",
                name=f"outlook-{tag}.corp.example.com",
                site=site_id,
                members=[v.id for v in cas],
                namespace="mail.example.com",
            )
            b.add(cas_array, part.x + _SITE_W - 420, part.y + 10, w=200, h=40)
            cas_arrays.append(cas_array)
            b.add(
                LoadBalancer(
                    id=f"lb-{tag}",
                    name=f"DC{tag}-LB",
                    site=site_id,
                    lb_kind=LoadBalancerKind.HARDWARE,
                    ha_pair=True,
                    pool=[v.id for v in cas],
                    cas_arrays=[cas_array.id],
                ),
                part.x + _SITE_W - 200,
                part.y + 10,
                w=160,
                h=40,
            )
        result[site_id] = _SiteServices(cas, hubs, proxy, fsw)
    b.add(
        LoadBalancer(
            id="glb",
            name="Global load balancer",
            site=None,
            lb_kind=LoadBalancerKind.GEOGRAPHIC,
            ha_pair=True,
            cas_arrays=[c.id for c in cas_arrays],
        ),
        -400.0,
        -200.0,
        w=200,
        h=50,
    )
    return result


def _build_dags(
    b: _Builder,
    plan: Plan,
    sites: list[_SiteParts],
    services: dict[str, _SiteServices],
    logical_x: float,
) -> float:
    """Stretched DAGs: half the members in each of two sites, witness in a third."""
    rng = b.rng
    production = [p for p in sites if p.site.role is SiteRole.PRODUCTION]
    per_dag = [plan.databases // plan.dags] * plan.dags
    for i in range(plan.databases % plan.dags):
        per_dag[i] += 1
    half = plan.members_per_dag // 2
    db_serial = 0
    y = 0.0
    for d in range(plan.dags):
        tag = f"{d + 1:02d}"
        side_a = production[d % len(production)]
        side_b = production[(d + 1) % len(production)]
        witness_site = sites[(sites.index(side_b) + 1) % len(sites)]
        if witness_site in (side_a, side_b):
            witness_site = next(p for p in sites if p not in (side_a, side_b))
        # Members per side: member k keeps its copies on array k % 2 of its site, so two
        # copies in one site never share an array (DAG011); distinct hosts (DAG008).
        sides: list[tuple[_SiteParts, list[VirtualMachine], list[list[Lun]]]] = []
        for part in (side_a, side_b):
            members: list[VirtualMachine] = []
            stores: list[list[Lun]] = []
            start = part.next_host
            for k in range(half):
                host = part.hosts[(start + k) % len(part.hosts)]
                vm_id = f"mbx-{tag}-{part.site.id[-2:]}-{k + 1:02d}"
                members.append(
                    _add_vm(
                        b,
                        part,
                        vm_id,
                        f"DAG{tag}-MBX-DC{part.site.id[-2:]}-{k + 1:02d}",
                        [VmRole.MAILBOX],
                        host=host,
                        vcpu=8,
                        memory_gb=64.0,
                        exchange=True,
                    )
                )
                stores.append([])
            part.next_host = start + half
            sides.append((part, members, stores))
        witness = FileShareWitness(
            id=f"fsw-{tag}",
            name=f"DAG{tag} witness",
            site=witness_site.site.id,
            vm=services[witness_site.site.id].witness_server.id,
        )
        alternate = FileShareWitness(
            id=f"fsw-{tag}-alt",
            name=f"DAG{tag} alternate witness",
            site=side_b.site.id,
            vm=services[side_b.site.id].witness_server.id,
        )
        wx, wy = witness_site.x + _SITE_W - 420, witness_site.y + 60
        b.add(witness, wx, wy + d * 30, w=120, h=24)
        b.add(alternate, side_b.x + _SITE_W - 280, side_b.y + 60 + d * 30, w=120, h=24)
        dag = Dag(
            id=f"dag-{tag}",
            name=f"DAG{tag}",
            members=[vm.id for _, ms, _ in sides for vm in ms],
            witness=witness.id,
            alternate_witness=alternate.id,
            ip_per_subnet=True,
            failover_intent=FailoverIntent.AUTOMATIC,
            dac_mode=True,
            anti_affinity=True,
        )
        db_count = per_dag[d]
        cols = 20
        dag_h = 60 + math.ceil(db_count / cols) * 30
        b.add(dag, logical_x, y, w=cols * 70 + 40, h=dag_h)
        mailboxes_on: dict[str, int] = {}
        primaries = [0, 0]
        lagged = d % 2 == 0
        databases: list[MailboxDatabase] = []
        for j in range(db_count):
            db_serial += 1
            primary = j % 2
            first, second = sides[primary], sides[1 - primary]
            n = primaries[primary]
            primaries[primary] += 1
            # Partners differ in parity so their copies sit on different arrays.
            placements = [
                (first, n % half),
                (first, (n + 3) % half if half > 3 else (n + 1) % half),
                (second, n % half),
                (second, (n + 3) % half if half > 3 else (n + 1) % half),
            ][: plan.copies]
            db_id = f"db-{db_serial:05d}"
            size = float(rng.randrange(150, int(LARGEST_DATABASE_GB) + 10, 10))
            mailboxes = rng.randrange(100, 150)
            copies = []
            for pref, ((part, members, stores), k) in enumerate(placements, start=1):
                vm = members[k]
                copies.append(
                    DatabaseCopy(
                        member=vm.id,
                        activation_preference=pref,
                        replay_lag_days=7.0 if lagged and pref == 4 else 0.0,
                    )
                )
                placed = b.copies_on.get(vm.id, 0)
                if len(stores[k]) * COPIES_PER_DATASTORE <= placed:
                    array = part.arrays[k % len(part.arrays)]
                    stores[k].append(
                        _add_lun(
                            b, part, array, "mbx", size_gb=MAILBOX_LUN_GB, raid_group=f"RG-{k % 8}"
                        )
                    )
                b.copies_on[vm.id] = placed + 1
                lx, ly = b.layout[vm.id].x, b.layout[vm.id].y
                b.add(
                    VirtualDisk(
                        id=f"{db_id}-c{pref}",
                        name=f"{db_id}-copy{pref}",
                        vm=vm.id,
                        placement=DiskPlacement.VMDK_VMFS,
                        purpose=DiskPurpose.DATABASE,
                        lun=stores[k][-1].id,
                        size_gb=size * DATABASE_DISK_FACTOR,
                        database=db_id,
                    ),
                    lx + 4 + (placed % 10) * 10,
                    ly + VM_H - 10,
                    w=8,
                    h=8,
                )
            mailboxes_on[copies[0].member] = mailboxes_on.get(copies[0].member, 0) + mailboxes
            database = MailboxDatabase(
                id=db_id,
                name=f"DAG{tag}-DB{j + 1:04d}",
                dag=dag.id,
                size_gb=size,
                mailboxes=mailboxes,
                copies=copies,
                user_site=first[0].site.id,
            )
            b.add(database, logical_x + 20 + (j % cols) * 70, y + 50 + (j // cols) * 30, w=60, h=22)
            databases.append(database)
        # The users a member serves are those of the databases it holds active (VS002).
        for i, element in enumerate(b.elements):
            if isinstance(element, VirtualMachine) and element.id in mailboxes_on:
                b.elements[i] = element.model_copy(update={"mailboxes": mailboxes_on[element.id]})
        proxy_site = side_a.site.id
        for k in range(0, db_count, 50):
            chunk = databases[k : k + 50]
            b.add(
                Backup(
                    id=f"bk-{tag}-{k // 50 + 1:03d}",
                    name=f"DAG{tag} backup {k // 50 + 1}",
                    backup_kind=BackupKind.VDP_ADVANCED,
                    databases=[db.id for db in chunk],
                    proxy=services[proxy_site].proxy.id,
                    target=f"vdp-{proxy_site}",
                    schedule="daily 22:00",
                ),
                logical_x - 260,
                y + (k // 50) * 30,
                w=200,
                h=24,
            )
        y += dag_h + 4 * PAD
    return y


def _build_srm(
    b: _Builder, plan: Plan, sites: list[_SiteParts], logical_x: float, top: float
) -> None:
    """Application VMs on mirrored datastores, protected by SRM to the neighbouring site.

    Fills the budget left after the Exchange estate; each mirrored datastore carries
    VMS_PER_MIRRORED_DATASTORE VMs (2 elements each) plus 3 elements (LUN, target
    LUN, mirror), and every MIRRORS_PER_CG mirrors add a consistency group and a
    protection group.
    """
    production = [p for p in sites if p.site.role is SiteRole.PRODUCTION]
    fixed = len(production) * 2  # a site pair and a recovery plan per protected site
    per_store = 2 * VMS_PER_MIRRORED_DATASTORE + 3 + 2 / MIRRORS_PER_CG
    remaining = plan.target - len(b.elements) - fixed
    stores_total = max(len(production), int(remaining / per_store))
    y = top
    for s, part in enumerate(production):
        # Neighbouring sites (60 km) protect each other: MirrorView/S stays under 100 km.
        mate = s ^ 1 if (s ^ 1) < len(production) else s - 1
        partner = production[mate]
        tag = part.site.id[-2:]
        stores = stores_total // len(production) + (1 if s < stores_total % len(production) else 0)
        pair = SrmSitePair(
            id=f"srm-pair-{tag}",
            name=f"SRM DC{tag} to DC{partner.site.id[-2:]}",
            protected_site=part.site.id,
            recovery_site=partner.site.id,
        )
        b.add(pair, logical_x, y, w=220, h=30)
        source_array, target_array = part.arrays[-1], partner.arrays[-1]
        mirrors: list[Mirror] = []
        vms_of_mirror: dict[str, list[str]] = {}
        serial = 0
        for st in range(stores):
            source = _add_lun(b, part, source_array, "srm", size_gb=4096.0, raid_group="RG-SRM")
            target = _add_lun(
                b, partner, target_array, f"srm{tag}", size_gb=4096.0, raid_group="RG-SRM"
            )
            mirror = Mirror(
                id=f"mv-{tag}-{st + 1:04d}",
                name=f"MV DC{tag} {st + 1:04d}",
                source_lun=source.id,
                target_lun=target.id,
                mode=MirrorMode.SYNC,
                write_intent_log=True,
            )
            b.add(mirror)
            mirrors.append(mirror)
            vms_of_mirror[mirror.id] = []
            for _ in range(VMS_PER_MIRRORED_DATASTORE):
                serial += 1
                vm = _add_vm(
                    b,
                    part,
                    f"app-{tag}-{serial:04d}",
                    f"DC{tag}-APP{serial:04d}",
                    [],
                    vcpu=b.rng.choice((2, 4)),
                    memory_gb=float(b.rng.choice((8, 16))),
                    os_lun=source,
                )
                vms_of_mirror[mirror.id].append(vm.id)
        groups: list[ProtectionGroup] = []
        for g in range(0, len(mirrors), MIRRORS_PER_CG):
            chunk = mirrors[g : g + MIRRORS_PER_CG]
            n = g // MIRRORS_PER_CG + 1
            cg = ConsistencyGroup(
                id=f"cg-{tag}-{n:03d}",
                name=f"CG DC{tag} {n:03d}",
                mode=MirrorMode.SYNC,
                mirrors=[m.id for m in chunk],
            )
            b.add(cg, logical_x + 240, y + (n - 1) * 28, w=160, h=24)
            group = ProtectionGroup(
                id=f"pg-{tag}-{n:03d}",
                name=f"PG DC{tag} {n:03d}",
                site_pair=pair.id,
                consistency_groups=[cg.id],
                vms=[vm for m in chunk for vm in vms_of_mirror[m.id]],
            )
            b.add(group, logical_x + 420, y + (n - 1) * 28, w=160, h=24)
            groups.append(group)
        first_vms = [vm for g in groups[:1] for vm in g.vms[:8]]
        b.add(
            RecoveryPlan(
                id=f"rp-{tag}",
                name=f"Recover DC{tag} applications",
                site_pair=pair.id,
                protection_groups=[g.id for g in groups],
                priorities=[PlanPriority(vm=vm, priority=1) for vm in first_vms],
                ip_customization=True,
                steps=[RecoveryPlanStep.DNS_UPDATE],
            ),
            logical_x + 600,
            y,
            w=200,
            h=30,
        )
        y += max(1, len(groups)) * 28 + 3 * PAD


# -- command line -----------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1k", help="1k, 10k, 25k or an element count")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", required=True, help="the design file to write")
    parser.add_argument(
        "--workload", action="store_true", help="state a mailbox profile (capacity sizing)"
    )
    args = parser.parse_args(argv)
    from designer.persistence import save

    design = generate_design(args.scale, seed=args.seed, workload=args.workload)
    save(design, args.output)
    kinds: dict[str, int] = {}
    for element in design.elements:
        kinds[element.kind] = kinds.get(element.kind, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in kinds.items())
    print(f"{args.output}: {len(design.elements):,} elements ({summary})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
