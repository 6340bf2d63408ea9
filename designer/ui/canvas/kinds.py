"""How each element kind appears on the canvas: box or line, size, depth, container.

Pure data and functions over the domain (no Qt), so the scene, the interactions and
the auto-layout agree on one reading of the design.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from designer.domain.elements import (
    Dag,
    ElementBase,
    HostReplication,
    LoadBalancer,
    Mirror,
    VirtualDisk,
    WanLink,
)

__all__ = [
    "CONTAINER_KINDS",
    "DEFAULT_SIZE",
    "DETAIL_KINDS",
    "EDGE_KINDS",
    "HEADER",
    "PLACEMENT_TAGS",
    "REFERENCE_FIELDS",
    "Relation",
    "edge_ends",
    "member_ids",
    "parent_of",
    "relations_of",
    "z_of",
]

#: Kinds drawn as a line between two boxes (the element is the line).
EDGE_KINDS = frozenset({"wan_link", "mirror", "host_replication"})
#: Boxes with a title bar that hold other boxes.
CONTAINER_KINDS = frozenset({"site", "vsphere_cluster", "esxi_host", "storage_array", "dag"})
#: Small boxes hidden when zoomed far out (their container summarises them).
DETAIL_KINDS = frozenset({"vm", "lun", "virtual_disk", "mailbox_database"})
#: Height of a container's title bar, in scene units.
HEADER = 26.0

DEFAULT_SIZE: dict[str, tuple[float, float]] = {
    "site": (700.0, 600.0),
    "vsphere_cluster": (420.0, 280.0),
    "esxi_host": (180.0, 110.0),
    "vm": (160.0, 24.0),
    "virtual_disk": (12.0, 12.0),
    "storage_array": (180.0, 110.0),
    "lun": (160.0, 24.0),
    "file_share_witness": (180.0, 40.0),
    "cas_array": (180.0, 40.0),
    "load_balancer": (180.0, 40.0),
    "dag": (260.0, 90.0),
    "mailbox_database": (150.0, 24.0),
    "consistency_group": (170.0, 28.0),
    "srm_site_pair": (200.0, 32.0),
    "protection_group": (170.0, 28.0),
    "recovery_plan": (200.0, 32.0),
    "backup": (200.0, 28.0),
    "exchange2007_replication": (200.0, 32.0),
}

_Z = {
    "site": 0.0,
    "vsphere_cluster": 1.0,
    "esxi_host": 2.0,
    "storage_array": 2.0,
    "dag": 2.0,
    "virtual_disk": 4.0,
}


def z_of(kind: str) -> float:
    """Stacking order: containers below their content, disks on their VM."""
    return _Z.get(kind, 3.0)


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
    """The box an element is drawn in (and moves with), if any."""
    kind = element.kind
    if kind == "esxi_host":
        return element.cluster or element.site  # type: ignore[attr-defined]
    field = _PARENT_FIELD.get(kind)
    return getattr(element, field) if field else None


def edge_ends(element: ElementBase) -> tuple[str, str] | None:
    """The two boxes an edge element joins (source first)."""
    if isinstance(element, WanLink):
        return element.site_a, element.site_b
    if isinstance(element, Mirror):
        return element.source_lun, element.target_lun
    if isinstance(element, HostReplication):
        return element.source, element.target
    return None


@dataclass(frozen=True)
class Relation:
    """A reference drawn as a line: ``source``'s ``field`` names ``target``."""

    source: str
    field: str
    target: str

    @property
    def key(self) -> str:
        return f"{self.source}|{self.field}|{self.target}"


def relations_of(element: ElementBase) -> Iterator[Relation]:
    """The references of ``element`` the canvas draws as lines."""
    if isinstance(element, Dag):
        for member in element.members:
            yield Relation(element.id, "members", member)
        if element.witness:
            yield Relation(element.id, "witness", element.witness)
        if element.alternate_witness:
            yield Relation(element.id, "alternate_witness", element.alternate_witness)
    elif isinstance(element, LoadBalancer):
        for cas in element.cas_arrays:
            yield Relation(element.id, "cas_arrays", cas)
    elif isinstance(element, VirtualDisk) and element.lun:
        yield Relation(element.id, "lun", element.lun)


#: Fields whose change moves an element to another box (the scene re-parents it).
PARENT_FIELDS = frozenset({"site", "cluster", "host", "vm", "array", "dag"})
#: Fields whose change redraws an element's relation lines.
RELATION_FIELDS = frozenset({"members", "witness", "alternate_witness", "cas_arrays", "lun"})


#: Short tags of the disk placements (DOMAIN §5 figure 001), in display order.
PLACEMENT_TAGS: dict[str, str] = {
    "vmdk_vmfs": "VMDK",
    "rdm_physical": "RDM-p",
    "rdm_virtual": "RDM-v",
    "nas": "NAS",
}

#: Boxes drawn loose (outside any container) whose members are only references: their
#: link lines are drawn while they are selected.
REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "consistency_group": ("mirrors",),
    "protection_group": ("consistency_groups", "vms"),
    "recovery_plan": ("protection_groups",),
    "mailbox_database": ("copies",),
    "backup": ("databases", "vms", "proxy"),
    "exchange2007_replication": ("nodes", "databases", "target"),
    "srm_site_pair": ("protected_site", "recovery_site"),
    "cas_array": ("members",),
    "file_share_witness": ("vm",),
}


def member_ids(element: ElementBase) -> list[str]:
    """The elements a loose box refers to (its members), in field order, unique."""
    found: dict[str, None] = {}
    for field in REFERENCE_FIELDS.get(element.kind, ()):
        value = getattr(element, field, None)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            ref = getattr(item, "member", item)  # a database copy names its member VM
            if isinstance(ref, str):
                found[ref] = None
    return list(found)
