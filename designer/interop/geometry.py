"""Where each element is drawn, for exports that need boxes and containers (draw.io).

The canvas' reading of the design (which box holds which) is repeated here in a few
lines because ``designer.ui`` is above this layer; the restructure moves the kind
table to ``designer.domain`` (then this module reads it from there).
"""

from __future__ import annotations

from dataclasses import dataclass

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import ElementBase

__all__ = ["CONTAINER_KINDS", "EDGE_KINDS", "Box", "boxes", "parent_of"]

EDGE_KINDS = frozenset({"wan_link", "mirror", "host_replication"})
CONTAINER_KINDS = frozenset({"site", "vsphere_cluster", "esxi_host", "storage_array", "dag"})
_PARENT_FIELD = {
    "vsphere_cluster": "site",
    "storage_array": "site",
    "file_share_witness": "site",
    "cas_array": "site",
    "load_balancer": "site",
    "vm": "host",
    "virtual_disk": "vm",
    "lun": "array",
    "mailbox_database": "dag",
}


def parent_of(element: ElementBase) -> str | None:
    """The box an element is drawn in, as on the canvas."""
    if element.kind == "esxi_host":
        return getattr(element, "cluster", None) or getattr(element, "site", None)
    name = _PARENT_FIELD.get(element.kind)
    return getattr(element, name, None) if name else None


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w


def boxes(design: Design) -> dict[str, Box]:
    """Absolute boxes of every non-edge element. Virtual disks, which the canvas draws
    as small squares on their VM's row, get one at its right end; anything else without
    a layout entry is stacked to the right of the drawing."""
    out: dict[str, Box] = {}
    layout: dict[str, LayoutEntry] = design.layout
    for element in design.elements:
        entry = layout.get(element.id)
        if entry is not None and element.kind not in EDGE_KINDS:
            out[element.id] = Box(entry.x, entry.y, entry.w or 160.0, entry.h or 28.0)
    right = max((b.right for b in out.values()), default=0.0) + 60
    y = 0.0
    disks_per_vm: dict[str, int] = {}
    for element in design.elements:
        if element.id in out or element.kind in EDGE_KINDS:
            continue
        if element.kind == "virtual_disk":
            vm_id = str(getattr(element, "vm", ""))
            vm = out.get(vm_id)
            if vm is not None:
                n = disks_per_vm.get(vm_id, 0)
                disks_per_vm[vm_id] = n + 1
                size = min(12.0, max(4.0, vm.h - 8))
                x = max(vm.x + 2, vm.right - (n + 1) * (size + 3) - 2)
                out[element.id] = Box(x, vm.y + (vm.h - size) / 2, size, size)
                continue
        out[element.id] = Box(right, y, 170.0, 28.0)
        y += 40.0
    return out
