"""Shared helpers of the sample-design builders: element shorthands and the auto layout.

Layout convention (what the canvas draws): every entry is in absolute scene
coordinates, top-left corner plus size. Sites are containers side by side along x;
inside a site, a first row holds its vSphere clusters (hosts in a grid inside them) and
any hosts outside a cluster, a second row its storage arrays (LUN rows inside), a third
row its file share witnesses, CAS arrays and load balancers. VMs are rows inside their
host, LUNs rows inside their array. Global (geographic) load balancers sit in a strip
above the sites. A legend column right of the sites holds the boxes with no place in
a site: DAGs (their databases as rows inside), databases outside a DAG, consistency
groups, SRM site pairs, protection groups and recovery plans, Exchange 2007
replication and backups. Links, mirrors and Double-Take replication are drawn as lines
and disks as chips on their VM, so they have no entry.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from designer.domain import (
    Backup,
    CasArray,
    ConsistencyGroup,
    Dag,
    DatabaseCopy,
    Design,
    DesignIntent,
    DiskPlacement,
    DiskPurpose,
    ElementBase,
    EsxiHost,
    ExpectedOutcome,
    FileShareWitness,
    LayoutEntry,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    MailboxProfile,
    Mirror,
    RuleSettings,
    SavedScenario,
    ScenarioStep,
    Site,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
    Waiver,
    WanLink,
)

__all__ = [
    "DRAWABLE_KINDS",
    "LIGHT_PROFILE",
    "TYPICAL_PROFILE",
    "Kit",
    "layout_of",
    "lun_size",
    "scenario",
]

#: The capacity workload of the samples' users (issue 11): Microsoft's 150-message
#: profile at its table's 75 KB, the calculator's common example (30 logs a mailbox a
#: day); 003's 14,000 users of 2009 on one server are light users (50 messages).
TYPICAL_PROFILE = MailboxProfile(messages_per_day=150, average_message_kb=75)
LIGHT_PROFILE = MailboxProfile(messages_per_day=50, average_message_kb=75)

#: Element kinds the canvas draws as boxes, so every one needs a layout entry. Links,
#: mirrors and Double-Take replication are lines between boxes; disks are chips on
#: their VM that the canvas places itself.
DRAWABLE_KINDS = frozenset(
    {
        "site",
        "vsphere_cluster",
        "esxi_host",
        "vm",
        "storage_array",
        "lun",
        "file_share_witness",
        "cas_array",
        "load_balancer",
        "dag",
        "mailbox_database",
        "consistency_group",
        "srm_site_pair",
        "protection_group",
        "recovery_plan",
        "exchange2007_replication",
        "backup",
    }
)

PAD = 20
HEADER = 32  # room for a container's label above its first child
ROW_W, ROW_H, ROW_STEP = 160, 24, 28  # VM rows in hosts, LUN rows in arrays
HOST_W, HOST_H = 180, 110
ARRAY_MIN_H = 110
BOX_W, BOX_H = 180, 56  # witnesses, CAS arrays, load balancers
HOSTS_PER_ROW = 4
LUNS_PER_COLUMN = 10
SITE_MIN_W, SITE_MIN_H = 700, 600
SITE_GAP = 120
DAG_W, DB_W = 260, 150
LEGEND_H = 32
#: Legend sections, in order, with the minimum box width of each kind.
LEGEND_SECTIONS = (
    "consistency_group",
    "srm_site_pair",
    "protection_group",
    "recovery_plan",
    "exchange2007_replication",
    "backup",
)
LEGEND_W = {
    "consistency_group": 170,
    "srm_site_pair": 200,
    "protection_group": 170,
    "recovery_plan": 200,
    "exchange2007_replication": 200,
    "backup": 200,
}
GLOBAL_STRIP_H = BOX_H + 60

#: An Exchange 2013 Mailbox server: 2013 has no Hub Transport role, its Mailbox servers
#: run the Transport service (EX006; EX002 and SRM005 count them as Hub Transport).
MAILBOX = [VmRole.MAILBOX]
DC = [VmRole.DOMAIN_CONTROLLER]


class Kit:
    """Accumulates the elements of one sample design, then lays it out."""

    def __init__(self, name: str, description: str, intent: DesignIntent) -> None:
        self.name = name
        self.description = description
        self.intent = intent
        self.elements: list[ElementBase] = []
        self.waivers: list[Waiver] = []
        self._ids: set[str] = set()

    # -- generic -----------------------------------------------------------------------
    def add(self, element: ElementBase) -> str:
        if element.id in self._ids:
            raise ValueError(f"duplicate id {element.id}")
        self._ids.add(element.id)
        self.elements.append(element)
        return element.id

    def name_of(self, element_id: str) -> str:
        for e in self.elements:
            if e.id == element_id:
                return e.name
        raise KeyError(element_id)

    def waive(self, code: str, elements: Sequence[str], reason: str) -> None:
        self.waivers.append(Waiver(code=code, elements=list(elements), reason=reason))

    def design(self) -> Design:
        return Design(
            name=self.name,
            description=self.description,
            intent=self.intent,
            elements=list(self.elements),  # type: ignore[arg-type]
            layout=layout_of(self.elements),
            rules=RuleSettings(waivers=self.waivers),
        )

    # -- shorthands --------------------------------------------------------------------
    def site(self, id: str, name: str, **kw: object) -> str:
        return self.add(Site(id=id, name=name, **kw))  # type: ignore[arg-type]

    def link(self, id: str, name: str, a: str, b: str, **kw: object) -> str:
        return self.add(WanLink(id=id, name=name, site_a=a, site_b=b, **kw))  # type: ignore[arg-type]

    def cluster(self, id: str, name: str, site: str, **kw: object) -> str:
        return self.add(VsphereCluster(id=id, name=name, site=site, **kw))  # type: ignore[arg-type]

    def host(self, id: str, name: str, site: str, cluster: str | None, **kw: object) -> str:
        kw.setdefault("cpu_cores", 24)
        kw.setdefault("memory_gb", 256.0)
        return self.add(EsxiHost(id=id, name=name, site=site, cluster=cluster, **kw))  # type: ignore[arg-type]

    def vm(self, id: str, name: str, host: str, roles: Iterable[VmRole], **kw: object) -> str:
        return self.add(VirtualMachine(id=id, name=name, host=host, roles=list(roles), **kw))  # type: ignore[arg-type]

    def array(self, id: str, name: str, site: str, **kw: object) -> str:
        return self.add(StorageArray(id=id, name=name, site=site, **kw))  # type: ignore[arg-type]

    def lun(self, id: str, name: str, array: str, **kw: object) -> str:
        return self.add(Lun(id=id, name=name, array=array, **kw))  # type: ignore[arg-type]

    def disk(
        self,
        id: str,
        name: str,
        vm: str,
        lun: str | None,
        purpose: DiskPurpose,
        size_gb: float,
        *,
        placement: DiskPlacement = DiskPlacement.VMDK_VMFS,
        database: str | None = None,
    ) -> str:
        return self.add(
            VirtualDisk(
                id=id,
                name=name,
                vm=vm,
                lun=lun,
                purpose=purpose,
                size_gb=size_gb,
                placement=placement,
                database=database,
            )
        )

    def os_disk(self, vm: str, vm_name: str, lun: str, size_gb: float = 80.0) -> str:
        return self.disk(f"{vm}-os", f"{vm_name} C: (OS)", vm, lun, DiskPurpose.OS, size_gb)

    def db_disks(
        self,
        vm: str,
        vm_name: str,
        db: str,
        db_name: str,
        db_lun: str | None,
        log_lun: str | None,
        db_gb: float,
        *,
        placement: DiskPlacement = DiskPlacement.VMDK_VMFS,
        suffix: str = "",
        tie: bool = True,
    ) -> None:
        """A database disk and a log disk for one database (copy) on one VM.

        ``tie=False`` leaves the disks' ``database`` empty: replica volumes (Double-Take)
        that hold the files but are not a copy Exchange knows about.
        """
        tag = "-" + "-".join(suffix.lower().split()) if suffix.strip() else ""
        self.disk(
            f"{vm}-{db}{tag}-edb",
            f"{vm_name} {db_name}{suffix} database",
            vm,
            db_lun,
            DiskPurpose.DATABASE,
            round(db_gb * 1.2),
            placement=placement,
            database=db if tie else None,
        )
        self.disk(
            f"{vm}-{db}{tag}-log",
            f"{vm_name} {db_name}{suffix} logs",
            vm,
            log_lun,
            DiskPurpose.LOGS,
            max(10, round(db_gb * 0.2)),
            placement=placement,
            database=db if tie else None,
        )

    def witness(self, id: str, name: str, site: str, vm: str | None = None, **kw: object) -> str:
        return self.add(FileShareWitness(id=id, name=name, site=site, vm=vm, **kw))  # type: ignore[arg-type]

    def dag(self, id: str, name: str, members: Sequence[str], **kw: object) -> str:
        return self.add(Dag(id=id, name=name, members=list(members), **kw))  # type: ignore[arg-type]

    def database(
        self,
        id: str,
        name: str,
        *,
        copies: Sequence[tuple[str, int, float]] = (),
        **kw: object,
    ) -> str:
        return self.add(
            MailboxDatabase(
                id=id,
                name=name,
                copies=[
                    DatabaseCopy(member=m, activation_preference=p, replay_lag_days=lag)
                    for m, p, lag in copies
                ],
                **kw,  # type: ignore[arg-type]
            )
        )

    def cas_array(self, id: str, name: str, site: str, members: Sequence[str], **kw: object) -> str:
        return self.add(CasArray(id=id, name=name, site=site, members=list(members), **kw))  # type: ignore[arg-type]

    def load_balancer(self, id: str, name: str, site: str | None, **kw: object) -> str:
        return self.add(LoadBalancer(id=id, name=name, site=site, **kw))  # type: ignore[arg-type]

    def mirror(self, id: str, name: str, source: str, target: str, **kw: object) -> str:
        return self.add(Mirror(id=id, name=name, source_lun=source, target_lun=target, **kw))  # type: ignore[arg-type]

    def consistency_group(self, id: str, name: str, mirrors: Sequence[str], **kw: object) -> str:
        return self.add(ConsistencyGroup(id=id, name=name, mirrors=list(mirrors), **kw))  # type: ignore[arg-type]

    def backup(self, id: str, name: str, **kw: object) -> str:
        return self.add(Backup(id=id, name=name, **kw))  # type: ignore[arg-type]

    # -- composite ---------------------------------------------------------------------
    def infrastructure_vms(
        self,
        prefix: str,
        label: str,
        hosts: Sequence[str],
        lun: str,
        *,
        extra: Sequence[tuple[str, str, list[VmRole]]] = (),
        exchange_version: str | None = None,
        windows: str = "2012 x64",
    ) -> list[str]:
        """Two domain controllers / global catalogs, plus ``extra`` (suffix, name, roles).

        Placed round-robin on ``hosts`` with their OS disks on ``lun``.
        """
        wanted = [("dc01", f"{label}-DC01", DC), ("dc02", f"{label}-DC02", DC), *extra]
        ids = []
        for i, (suffix, name, roles) in enumerate(wanted):
            vm_id = f"vm-{prefix}-{suffix}"
            self.vm(
                vm_id,
                name,
                hosts[i % len(hosts)],
                roles,
                vcpu=2 if roles == DC else 4,
                memory_gb=8.0 if roles == DC else 16.0,
                windows_version=windows,
                exchange_version=exchange_version
                if VmRole.DOMAIN_CONTROLLER not in roles
                else None,
            )
            self.os_disk(vm_id, name, lun, 60.0)
            ids.append(vm_id)
        return ids


def scenario(
    name: str,
    description: str,
    *targets: str,
    then: Sequence[tuple[float, str, str]] = (),
    expected: ExpectedOutcome | None = None,
) -> SavedScenario:
    """A saved what-if scenario: ``targets`` fail together at time 0, then ``then``.

    ``then`` holds (seconds, action, target) with action "fail", "restore", "corrupt",
    "guest_os_failure" or an administrator action of the simulator ("run_recovery_plan",
    "switchover", …).
    ``expected`` is what the source says the outcome is ("Run all scenarios" checks it).
    """
    steps = [ScenarioStep(at_s=0.0, action="fail", target=t) for t in targets]
    for at_s, action, target in then:
        if action in ("fail", "restore", "corrupt", "guest_os_failure"):
            steps.append(ScenarioStep(at_s=at_s, action=action, target=target))  # type: ignore[arg-type]
        else:
            steps.append(
                ScenarioStep(at_s=at_s, action="admin", target=target, admin_action=action)
            )
    return SavedScenario(name=name, description=description, steps=steps, expected=expected)


def lun_size(kit: Kit, lun_id: str) -> float:
    for e in kit.elements:
        if e.id == lun_id:
            return float(e.size_gb)  # type: ignore[attr-defined]
    raise KeyError(lun_id)


# -- layout ---------------------------------------------------------------------------
Box = tuple[str, float, float]  # id, width, height


def _flow(
    boxes: Sequence[Box], per_row: int
) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Positions of boxes in rows of ``per_row``, relative to (0, 0), and the total size."""
    positions: dict[str, tuple[float, float]] = {}
    x = y = width = 0.0
    row_h = 0.0
    for i, (box_id, w, h) in enumerate(boxes):
        if i and i % per_row == 0:
            y += row_h + PAD
            x, row_h = 0.0, 0.0
        positions[box_id] = (x, y)
        x += w + PAD
        width = max(width, x - PAD)
        row_h = max(row_h, h)
    return positions, width, (y + row_h if boxes else 0.0)


def layout_of(elements: Sequence[ElementBase]) -> dict[str, LayoutEntry]:
    """Absolute, non-overlapping boxes for every drawable element (see the module doc)."""
    vms_on: dict[str, list[str]] = defaultdict(list)
    luns_of: dict[str, list[str]] = defaultdict(list)
    hosts_in: dict[str, list[str]] = defaultdict(list)
    site_rows: dict[str, list[list[str]]] = defaultdict(lambda: [[], [], []])
    sites: list[str] = []
    global_boxes: list[str] = []
    for e in elements:
        if isinstance(e, Site):
            sites.append(e.id)
        elif isinstance(e, VirtualMachine):
            vms_on[e.host].append(e.id)
        elif isinstance(e, Lun):
            luns_of[e.array].append(e.id)
        elif isinstance(e, EsxiHost):
            if e.cluster:
                hosts_in[e.cluster].append(e.id)
            else:
                site_rows[e.site][0].append(e.id)
        elif isinstance(e, VsphereCluster):
            site_rows[e.site][0].append(e.id)
        elif isinstance(e, StorageArray):
            site_rows[e.site][1].append(e.id)
        elif isinstance(e, FileShareWitness | CasArray):
            site_rows[e.site][2].append(e.id)
        elif isinstance(e, LoadBalancer):
            if e.site:
                site_rows[e.site][2].append(e.id)
            else:
                global_boxes.append(e.id)

    size: dict[str, tuple[float, float]] = {}
    inner: dict[str, dict[str, tuple[float, float]]] = {}  # container -> child offsets

    def host_size(host_id: str) -> tuple[float, float]:
        n = len(vms_on[host_id])
        return HOST_W, max(HOST_H, HEADER + n * ROW_STEP + PAD / 2)

    def array_size(array_id: str) -> tuple[float, float]:
        n = len(luns_of[array_id])
        cols = max(1, math.ceil(n / LUNS_PER_COLUMN))
        rows = math.ceil(n / cols) if n else 0
        return PAD + cols * (ROW_W + PAD / 2), max(ARRAY_MIN_H, HEADER + rows * ROW_STEP + PAD / 2)

    for e in elements:
        if isinstance(e, EsxiHost):
            size[e.id] = host_size(e.id)
        elif isinstance(e, StorageArray):
            size[e.id] = array_size(e.id)
        elif isinstance(e, FileShareWitness | CasArray | LoadBalancer):
            size[e.id] = (BOX_W, BOX_H)
    for e in elements:
        if isinstance(e, VsphereCluster):
            boxes = [(h, *size[h]) for h in hosts_in[e.id]]
            offsets, w, h = _flow(boxes, HOSTS_PER_ROW)
            inner[e.id] = offsets
            size[e.id] = (max(w, HOST_W) + 2 * PAD, HEADER + max(h, HOST_H) + PAD)

    for site_id in sites:
        offsets: dict[str, tuple[float, float]] = {}
        y, width = float(HEADER), 0.0
        for row in site_rows[site_id]:
            if not row:
                continue
            pos, w, h = _flow([(c, *size[c]) for c in row], per_row=len(row))
            for child, (cx, cy) in pos.items():
                offsets[child] = (PAD + cx, y + cy)
            y += h + PAD
            width = max(width, w)
        inner[site_id] = offsets
        size[site_id] = (max(SITE_MIN_W, width + 2 * PAD), max(SITE_MIN_H, y))
    site_h = max((size[s][1] for s in sites), default=SITE_MIN_H)

    result: dict[str, LayoutEntry] = {}

    def put(element_id: str, x: float, y: float, w: float, h: float) -> None:
        result[element_id] = LayoutEntry(x=x, y=y, w=w, h=h)

    def put_host(host_id: str, x: float, y: float) -> None:
        put(host_id, x, y, *size[host_id])
        for i, vm_id in enumerate(vms_on[host_id]):
            put(vm_id, x + (HOST_W - ROW_W) / 2, y + HEADER + i * ROW_STEP, ROW_W, ROW_H)

    def put_array(array_id: str, x: float, y: float) -> None:
        put(array_id, x, y, *size[array_id])
        luns = luns_of[array_id]
        cols = max(1, math.ceil(len(luns) / LUNS_PER_COLUMN))
        rows = math.ceil(len(luns) / cols) if luns else 1
        for i, lun_id in enumerate(luns):
            col, row = divmod(i, rows)
            put(
                lun_id,
                x + PAD / 2 + col * (ROW_W + PAD / 2),
                y + HEADER + row * ROW_STEP,
                ROW_W,
                ROW_H,
            )

    kinds = {e.id: e.kind for e in elements}  # type: ignore[attr-defined]
    sx = 0.0
    for site_id in sites:
        w, _ = size[site_id]
        put(site_id, sx, 0.0, w, site_h)
        for child, (cx, cy) in inner[site_id].items():
            x, y = sx + cx, cy
            kind = kinds[child]
            if kind == "vsphere_cluster":
                put(child, x, y, *size[child])
                for host_id, (hx, hy) in inner[child].items():
                    put_host(host_id, x + PAD + hx, y + HEADER + hy)
            elif kind == "esxi_host":
                put_host(child, x, y)
            elif kind == "storage_array":
                put_array(child, x, y)
            else:
                put(child, x, y, *size[child])
        sx += w + SITE_GAP
    strip = len(global_boxes) * (BOX_W + PAD) - PAD
    left = max(PAD, (sx - SITE_GAP - strip) / 2)  # centred over the row of sites
    for i, lb_id in enumerate(global_boxes):
        put(lb_id, left + i * (BOX_W + PAD), -GLOBAL_STRIP_H, BOX_W, BOX_H)
    result.update(_legend(elements, sx))
    return result


def _label_w(name: str, minimum: float) -> float:
    """A box width that fits ``name`` at the canvas' label font (about 6.5 px a char)."""
    return max(minimum, math.ceil((len(name) * 6.5 + 16) / 10) * 10)


def _legend(elements: Sequence[ElementBase], x0: float) -> dict[str, LayoutEntry]:
    """The legend column right of the sites: DAGs holding their database rows, databases
    outside any DAG in a grid, then consistency groups, SRM objects, Exchange 2007
    replication and backups, one section each, top to bottom."""
    result: dict[str, LayoutEntry] = {}
    dbs_of: dict[str, list[ElementBase]] = defaultdict(list)
    loose: list[ElementBase] = []
    sections: dict[str, list[ElementBase]] = {k: [] for k in LEGEND_SECTIONS}
    dags: list[ElementBase] = []
    for e in elements:
        kind = e.kind  # type: ignore[attr-defined]
        if kind == "dag":
            dags.append(e)
        elif kind == "mailbox_database":
            if e.dag:  # type: ignore[attr-defined]
                dbs_of[e.dag].append(e)  # type: ignore[attr-defined]
            else:
                loose.append(e)
        elif kind in sections:
            sections[kind].append(e)
    y = 0.0
    for dag in dags:
        rows = dbs_of[dag.id]
        cols = max(1, math.ceil(len(rows) / LUNS_PER_COLUMN))
        per_col = math.ceil(len(rows) / cols) if rows else 0
        w = max(_label_w(dag.name, DAG_W), PAD + cols * (DB_W + PAD / 2))
        h = max(BOX_H, HEADER + per_col * ROW_STEP + PAD / 2)
        result[dag.id] = LayoutEntry(x=x0, y=y, w=w, h=h)
        for i, db in enumerate(rows):
            col, row = divmod(i, per_col)
            result[db.id] = LayoutEntry(
                x=x0 + PAD / 2 + col * (DB_W + PAD / 2),
                y=y + HEADER + row * ROW_STEP,
                w=DB_W,
                h=ROW_H,
            )
        y += h + PAD
    if loose:
        w = max(_label_w(db.name, DB_W) for db in loose)
        for i, db in enumerate(loose):
            col, row = divmod(i, LUNS_PER_COLUMN)
            result[db.id] = LayoutEntry(
                x=x0 + col * (w + PAD / 2), y=y + row * ROW_STEP, w=w, h=ROW_H
            )
        y += min(len(loose), LUNS_PER_COLUMN) * ROW_STEP + PAD
    for kind, items in sections.items():
        if not items:
            continue
        w = max(_label_w(item.name, LEGEND_W[kind]) for item in items)
        for item in items:
            result[item.id] = LayoutEntry(x=x0, y=y, w=w, h=LEGEND_H)
            y += LEGEND_H + PAD / 2
        y += PAD / 2
    return result
