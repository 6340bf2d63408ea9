"""Where each element is drawn, for exports that need boxes and containers (draw.io).

Which box holds which, and which kinds are lines, come from the kind table
(:mod:`designer.domain.kinds`), as on the canvas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import ElementBase
from designer.domain.kinds import KINDS, container_kinds

__all__ = ["CONTAINER_KINDS", "EDGE_KINDS", "Box", "boxes", "parent_of"]

#: Kinds drawn as a line between two boxes (a WAN link, a mirror, a replication).
EDGE_KINDS = frozenset(kind for kind, info in KINDS.items() if info.is_line)
#: Kinds drawn as boxes that hold other boxes.
CONTAINER_KINDS = container_kinds()


def parent_of(element: ElementBase) -> str | None:
    """The box an element is drawn in, as on the canvas."""
    info = KINDS.get(element.kind)
    return info.container_of(element) if info is not None else None


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
    layout: Mapping[str, LayoutEntry] = design.layout
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
