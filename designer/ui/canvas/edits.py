"""What a canvas gesture means for the model: commands for connections, containment,
alignment and auto-layout. Plain Python over the Document (no Qt), so the rules of
"what may connect to what" and "what may sit in what" are testable alone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from designer.document import AddElements, Command, Document, SetProperty
from designer.document.factory import CONTAINERS, new_element
from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import (
    Dag,
    ElementBase,
    EsxiHost,
    LoadBalancer,
    Lun,
    Mirror,
    VirtualDisk,
    VsphereCluster,
)
from designer.domain.errors import DesignError
from designer.ui.canvas.kinds import DEFAULT_SIZE, EDGE_KINDS, HEADER, parent_of

__all__ = [
    "CONNECTABLE",
    "ChangeElements",
    "auto_layout",
    "host_move_text",
    "plan_connection",
    "plan_reparent",
]

#: Kinds a connection can start from (the hover handle is shown on these).
CONNECTABLE = frozenset(
    {"site", "lun", "vm", "dag", "file_share_witness", "load_balancer", "cas_array"}
)


class ChangeElements(Command):
    """Replace several elements at once (checked together), e.g. a cluster moved to
    another site with its hosts: changing them one by one would break an invariant
    half-way."""

    def __init__(self, news: Sequence[ElementBase], text: str = "Change elements") -> None:
        self.news = list(news)
        self.text = text
        self._old: list[ElementBase] = []

    def redo(self, doc: Document) -> None:
        self._old = doc.replace_elements(list(self.news))

    def undo(self, doc: Document) -> None:
        doc.replace_elements(list(self._old))


def _a(element: ElementBase) -> str:
    label = element.label
    article = "an" if label[0] in "AEIOUaeiou" or label.startswith(("ESX", "SRM", "LUN")) else "a"
    return f"{article} {label}"


# -- connections ---------------------------------------------------------------------------
def plan_connection(doc: Document, source_id: str, target_id: str) -> tuple[Command | None, str]:
    """The command that connects ``source_id`` to ``target_id``, or None and the reason.

    The reason is a sentence for the status bar; the description of an allowed
    connection says what releasing will create.
    """
    a, b = doc.get(source_id), doc.get(target_id)
    if a is None or b is None:
        return None, "nothing to connect to here"
    if a.id == b.id:
        return None, f"{a.describe()} cannot be connected to itself"
    ka, kb = a.kind, b.kind
    design = doc.design
    try:
        if ka == kb == "site":
            name = _unique_name(design, "wan_link", f"{a.name} – {b.name}")
            link = new_element("wan_link", design, site_a=a.id, site_b=b.id, name=name)
            return AddElements([link]), f"add a WAN link between {a.name} and {b.name}"
        if ka == kb == "lun":
            assert isinstance(a, Lun) and isinstance(b, Lun)
            if a.array == b.array:
                array = doc.get(a.array)
                where = array.name if array else a.array
                return None, f"a mirror's target is on another array; both LUNs are on {where}"
            for m in design.elements:
                if isinstance(m, Mirror) and {m.source_lun, m.target_lun} == {a.id, b.id}:
                    return None, f"{a.name} and {b.name} are already mirrored ({m.name})"
            mirror = new_element(
                "mirror", design, source_lun=a.id, target_lun=b.id,
                name=_unique_name(design, "mirror", f"MV {a.name} → {b.name}"),
            )  # fmt: skip
            return AddElements([mirror]), f"mirror {a.name} to {b.name}"
        if ka == kb == "vm":
            replication = new_element(
                "host_replication", design, source=a.id, target=b.id,
                name=_unique_name(design, "host_replication", f"DT {a.name} → {b.name}"),
            )  # fmt: skip
            return AddElements([replication]), f"replicate {a.name} to {b.name} (Double-Take)"
        if {ka, kb} == {"dag", "vm"}:
            dag, vm = (a, b) if ka == "dag" else (b, a)
            assert isinstance(dag, Dag)
            if vm.id in dag.members:
                return None, f"{vm.name} is already a member of DAG {dag.name}"
            return (
                SetProperty(
                    dag.id, "members", [*dag.members, vm.id], f"Add {vm.name} to {dag.name}"
                ),
                f"add {vm.name} to DAG {dag.name}",
            )
        if {ka, kb} == {"dag", "file_share_witness"}:
            dag, fsw = (a, b) if ka == "dag" else (b, a)
            assert isinstance(dag, Dag)
            if fsw.id in (dag.witness, dag.alternate_witness):
                return None, f"{fsw.name} is already a witness of DAG {dag.name}"
            field = "witness" if dag.witness is None else "alternate_witness"
            if dag.witness is not None and dag.alternate_witness is not None:
                return None, (
                    f"DAG {dag.name} already has a witness and an alternate witness; "
                    "change them in the Inspector"
                )
            word = field.replace("_", " ")
            return (
                SetProperty(dag.id, field, fsw.id, f"Set {word} of {dag.name}"),
                f"make {fsw.name} the {word} of DAG {dag.name}",
            )
        if {ka, kb} == {"load_balancer", "cas_array"}:
            lb, cas = (a, b) if ka == "load_balancer" else (b, a)
            assert isinstance(lb, LoadBalancer)
            if cas.id in lb.cas_arrays:
                return None, f"{lb.name} already fronts {cas.name}"
            return (
                SetProperty(
                    lb.id, "cas_arrays", [*lb.cas_arrays, cas.id], f"{lb.name} fronts {cas.name}"
                ),
                f"put {lb.name} in front of CAS array {cas.name}",
            )
        if {ka, kb} == {"virtual_disk", "lun"}:
            disk, lun = (a, b) if ka == "virtual_disk" else (b, a)
            assert isinstance(disk, VirtualDisk)
            if disk.lun == lun.id:
                return None, f"{disk.name} is already on {lun.name}"
            return (
                SetProperty(disk.id, "lun", lun.id, f"Place {disk.name} on {lun.name}"),
                f"place disk {disk.name} on LUN {lun.name}",
            )
        if {ka, kb} == {"vm", "lun"}:
            vm, lun = (a, b) if ka == "vm" else (b, a)
            disk = new_element("virtual_disk", design, vm.id, lun=lun.id)
            return AddElements([disk]), f"add a disk to {vm.name} on LUN {lun.name}"
    except (DesignError, ValueError) as exc:
        return None, str(exc)
    return None, f"{_a(a)} cannot be connected to {_a(b)}"


def _unique_name(design: Design, kind: str, wanted: str) -> str:
    names = {e.name for e in design.elements if e.kind == kind}
    name, n = wanted[:190], 2
    while name in names:
        name = f"{wanted[:180]} ({n})"
        n += 1
    return name


# -- containment -------------------------------------------------------------------------
def container_kinds(kind: str) -> tuple[str, ...] | None:
    """The kinds an element of ``kind`` must sit in (None: it may sit anywhere)."""
    need = CONTAINERS.get(kind)
    return need[1] if need else None


def plan_reparent(doc: Document, element_id: str, container_id: str | None) -> Command | str | None:
    """The command that moves an element into ``container_id`` (None if it already is
    there), or the reason it cannot go there."""
    element = doc.get(element_id)
    if element is None:
        return None
    kind: str = element.kind
    allowed = container_kinds(kind)
    if allowed is None:
        return None
    container = doc.get(container_id) if container_id else None
    if container is None or container.kind not in allowed:
        where = container.describe() if container else "empty canvas"
        kinds = " or ".join(f"a {k.replace('_', ' ')}" for k in allowed)
        return f"{element.describe()} must sit in {kinds}, not on {where}"
    if parent_of(element) == container.id:
        return None
    text = f"Move {element.name} into {container.name}"
    if isinstance(element, EsxiHost):
        if isinstance(container, VsphereCluster):
            new = element.model_copy(update={"site": container.site, "cluster": container.id})
        else:
            new = element.model_copy(update={"site": container.id, "cluster": None})
        return ChangeElements([new], host_move_text(doc, element, container))
    if isinstance(element, VsphereCluster):
        news: list[ElementBase] = [element.model_copy(update={"site": container.id})]
        for referrer in doc.referrers_of(element.id):
            host = doc.get(referrer)
            if isinstance(host, EsxiHost) and host.cluster == element.id:
                news.append(host.model_copy(update={"site": container.id}))
        return ChangeElements(news, text)
    field = CONTAINERS[kind][0]
    return ChangeElements([element.model_copy(update={field: container.id})], text)


def host_move_text(doc: Document, host: EsxiHost, container: ElementBase) -> str:
    """What moving ``host`` into ``container`` does, said plainly: leaving a cluster
    takes the host out of vSphere HA and DRS, which a drag alone would hide."""
    old = doc.get(host.cluster) if host.cluster else None
    if not isinstance(old, VsphereCluster):
        return f"Move {host.name} into {container.name}"
    lost = [name for name, on in (("vSphere HA", old.ha_enabled), ("DRS", old.drs_enabled)) if on]
    if isinstance(container, VsphereCluster):
        return f"{host.name} moves from cluster {old.name} to cluster {container.name}"
    where = "" if container.id == host.site else f", moves to {container.name}"
    note = f" (no {' or '.join(lost)})" if lost else ""
    return f"{host.name} leaves cluster {old.name}{where}{note}"


# -- auto-layout ---------------------------------------------------------------------------
_P, _G = 12.0, 12.0
_ROW_W, _ROW_H, _ROW_STEP = 168.0, 24.0, 28.0


def auto_layout(design: Design) -> dict[str, LayoutEntry | None]:
    """A tidy layout by site: sites side by side; in each, a row of clusters (hosts in a
    grid), a row of storage arrays (LUN columns), a row of witnesses, CAS arrays and
    load balancers. VMs and LUNs are rows in their box (a VM shows its disks as a
    count); everything without a site is laid out in a column to the right."""
    by_parent: dict[str | None, list[ElementBase]] = defaultdict(list)
    for element in design.elements:
        if element.kind in EDGE_KINDS or element.kind == "virtual_disk":
            continue
        by_parent[parent_of(element)].append(element)
    out: dict[str, LayoutEntry | None] = {}

    def rows_box(box: ElementBase, x: float, y: float, per_column: int) -> tuple[float, float]:
        rows = by_parent.get(box.id, [])
        cols = max(1, math.ceil(len(rows) / per_column))
        n_rows = min(len(rows), per_column)
        w = max(DEFAULT_SIZE[box.kind][0], cols * (_ROW_W + 8) + 8)
        h = max(80.0, HEADER + 6 + n_rows * _ROW_STEP + 6)
        out[box.id] = LayoutEntry(x=x, y=y, w=w, h=h)
        for i, row in enumerate(rows):
            out[row.id] = LayoutEntry(
                x=x + 8 + (i // per_column) * (_ROW_W + 8),
                y=y + HEADER + 6 + (i % per_column) * _ROW_STEP,
                w=_ROW_W,
                h=_ROW_H,
            )
        return w, h

    def grid(boxes: list[tuple[float, float]], cols: int) -> list[tuple[float, float]]:
        # Positions of boxes of various sizes in a grid of ``cols`` columns.
        col_w = max((w for w, _ in boxes), default=0.0)
        result, row_h, y = [], 0.0, 0.0
        for i, (_, h) in enumerate(boxes):
            if i and i % cols == 0:
                y += row_h + _G
                row_h = 0.0
            result.append(((i % cols) * (col_w + _G), y))
            row_h = max(row_h, h)
        return result

    def place_tree(box: ElementBase, x: float, y: float) -> tuple[float, float]:
        kind = box.kind
        if kind in ("esxi_host", "storage_array"):
            return rows_box(box, x, y, 12 if kind == "esxi_host" else 10)
        if kind == "dag":
            return rows_box(box, x, y, 16)
        w, h = DEFAULT_SIZE.get(kind, (170.0, 28.0))
        out[box.id] = LayoutEntry(x=x, y=y, w=w, h=h)
        return w, h

    def cluster(box: ElementBase, x: float, y: float) -> tuple[float, float]:
        hosts = by_parent.get(box.id, [])
        sizes = [_measure(h) for h in hosts]
        cols = min(3, max(1, len(hosts)))
        spots = grid(sizes, cols)
        for host, (dx, dy) in zip(hosts, spots, strict=True):
            place_tree(host, x + _P + dx, y + HEADER + 8 + dy)
        inner_w = max((dx + w for (dx, _), (w, _) in zip(spots, sizes, strict=True)), default=160)
        inner_h = max((dy + h for (_, dy), (_, h) in zip(spots, sizes, strict=True)), default=40)
        w, h = inner_w + 2 * _P, HEADER + 8 + inner_h + _P
        out[box.id] = LayoutEntry(x=x, y=y, w=w, h=h)
        return w, h

    def _measure(box: ElementBase) -> tuple[float, float]:
        n = len(by_parent.get(box.id, []))
        per = 12 if box.kind == "esxi_host" else 10
        cols = max(1, math.ceil(n / per))
        return max(180.0, cols * (_ROW_W + 8) + 8), max(80.0, HEADER + 12 + min(n, per) * _ROW_STEP)

    x = 0.0
    global_lbs = [e for e in by_parent.get(None, []) if e.kind == "load_balancer"]
    top = 0.0
    if global_lbs:
        for i, lb in enumerate(global_lbs):
            out[lb.id] = LayoutEntry(x=i * 200.0, y=0.0, w=180.0, h=40.0)
        top = 90.0
    sites = [e for e in by_parent.get(None, []) if e.kind == "site"]
    for site in sites:
        y = top + HEADER + 12
        inner_w = 0.0
        content = by_parent.get(site.id, [])
        rows = [
            [e for e in content if e.kind in ("vsphere_cluster", "esxi_host")],
            [e for e in content if e.kind == "storage_array"],
            [e for e in content if e.kind not in ("vsphere_cluster", "esxi_host", "storage_array")],
        ]
        for row in rows:
            if not row:
                continue
            cx, row_h = x + 16, 0.0
            for box in row:
                if box.kind == "vsphere_cluster":
                    w, h = cluster(box, cx, y)
                else:
                    w, h = place_tree(box, cx, y)
                cx += w + 16
                row_h = max(row_h, h)
            inner_w = max(inner_w, cx - x)
            y += row_h + 16
        w = max(DEFAULT_SIZE["site"][0] / 1.5, inner_w)
        h = max(240.0, y - top)
        out[site.id] = LayoutEntry(x=x, y=top, w=w, h=h)
        x += w + 120
    # Everything not in a site: a column of boxes to the right.
    y = top
    for box in by_parent.get(None, []):
        if box.kind in ("site", "load_balancer") and box.id in out:
            continue
        w, h = place_tree(box, x, y)
        y += h + 16
    return out
