"""New elements for the palette: sensible defaults, a free id and name, a container."""

from __future__ import annotations

import re
from typing import Any

from designer.domain.design import Design
from designer.domain.elements import (
    ELEMENT_CLASSES,
    ElementBase,
    EsxiHost,
    Lun,
    StorageArray,
    VirtualMachine,
    VsphereCluster,
)
from designer.domain.errors import DesignError

__all__ = ["CONTAINERS", "PALETTE", "PaletteEntry", "new_element", "required_container"]


class PaletteEntry:
    """One kind offered by the palette."""

    def __init__(self, kind: str, title: str, group: str) -> None:
        self.kind = kind
        self.title = title
        self.group = group


PALETTE: list[PaletteEntry] = [
    PaletteEntry("site", "Site", "Infrastructure"),
    PaletteEntry("wan_link", "WAN link", "Infrastructure"),
    PaletteEntry("vsphere_cluster", "vSphere cluster", "Infrastructure"),
    PaletteEntry("esxi_host", "ESXi host", "Infrastructure"),
    PaletteEntry("vm", "Virtual machine", "Infrastructure"),
    PaletteEntry("virtual_disk", "Virtual disk", "Storage"),
    PaletteEntry("storage_array", "Storage array", "Storage"),
    PaletteEntry("lun", "LUN", "Storage"),
    PaletteEntry("mirror", "Mirror", "Storage"),
    PaletteEntry("consistency_group", "Consistency group", "Storage"),
    PaletteEntry("dag", "DAG", "Exchange"),
    PaletteEntry("mailbox_database", "Mailbox database", "Exchange"),
    PaletteEntry("file_share_witness", "File share witness", "Exchange"),
    PaletteEntry("cas_array", "CAS array", "Exchange"),
    PaletteEntry("load_balancer", "Load balancer", "Network"),
    PaletteEntry("srm_site_pair", "SRM site pair", "Recovery"),
    PaletteEntry("protection_group", "Protection group", "Recovery"),
    PaletteEntry("recovery_plan", "Recovery plan", "Recovery"),
    PaletteEntry("backup", "Backup", "Recovery"),
    PaletteEntry("host_replication", "Double-Take replication", "Recovery"),
    PaletteEntry("exchange2007_replication", "Exchange 2007 replication", "Recovery"),
]

#: For kinds that must live in something: the field and the container kinds allowed.
CONTAINERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "vsphere_cluster": ("site", ("site",)),
    "esxi_host": ("site", ("site", "vsphere_cluster")),
    "vm": ("host", ("esxi_host",)),
    "virtual_disk": ("vm", ("vm",)),
    "storage_array": ("site", ("site",)),
    "lun": ("array", ("storage_array",)),
    "file_share_witness": ("site", ("site",)),
    "cas_array": ("site", ("site",)),
    "load_balancer": ("site", ("site",)),
}

_PREFIX = {
    "site": "site", "wan_link": "link", "vsphere_cluster": "cluster", "esxi_host": "host",
    "vm": "vm", "virtual_disk": "disk", "storage_array": "array", "lun": "lun",
    "mirror": "mirror", "consistency_group": "cg", "dag": "dag", "mailbox_database": "db",
    "file_share_witness": "fsw", "cas_array": "cas", "load_balancer": "lb",
    "srm_site_pair": "srm", "protection_group": "pg", "recovery_plan": "plan",
    "backup": "backup", "host_replication": "dt", "exchange2007_replication": "ex2007",
}  # fmt: skip


def _a(label: str) -> str:
    """The label with its indefinite article ("an ESXi host", "a LUN")."""
    vowel = label[0] in "AEIOUaeiou" or label.startswith(("ESX", "SRM"))
    return f"{'an' if vowel else 'a'} {label}"


def required_container(kind: str) -> tuple[str, tuple[str, ...]] | None:
    """The (field, allowed container kinds) a new element of ``kind`` needs, if any."""
    return CONTAINERS.get(kind)


def _free(taken: set[str], stem: str) -> str:
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def new_element(
    kind: str, design: Design, container: str | None = None, **fields: Any
) -> ElementBase:
    """A new element of ``kind`` with a free id and name, placed in ``container``.

    Raises :class:`DesignError` with the reason when the container does not fit
    (a VM must be dropped on a host, a LUN on an array…).

    Examples
    --------
    >>> from designer.domain import Site
    >>> design = Design(elements=[Site(id="site-1", name="Boston")])
    >>> new_element("esxi_host", design, "site-1").site
    'site-1'
    """
    cls = ELEMENT_CLASSES.get(kind)
    if cls is None:
        raise DesignError(f"unknown element kind {kind!r}")
    by_id = {e.id: e for e in design.elements}
    need = CONTAINERS.get(kind)
    data: dict[str, Any] = {}
    if need is not None:
        field, allowed = need
        target = by_id.get(container) if container else None
        if target is None or target.kind not in allowed:
            where = f"on {target.describe()}" if target else "on empty canvas"
            allowed_text = " or ".join(_a(ELEMENT_CLASSES[k].label) for k in allowed)
            raise DesignError(f"{_a(cls.label)} goes in {allowed_text}, not {where}")
        if kind == "esxi_host" and isinstance(target, VsphereCluster):
            data.update(site=target.site, cluster=target.id)
        else:
            data[field] = target.id
    taken_ids = set(by_id)
    stem = _PREFIX.get(kind, kind)
    element_id = _free(taken_ids, stem)
    names = {e.name for e in design.elements if e.kind == kind}
    base = (
        re.sub(r"[^A-Za-z0-9]+", "-", cls.label).strip("-").upper()
        if kind in ("dag", "lun")
        else cls.label.split()[0].capitalize()
    )
    n = 1
    while f"{base}-{n}" in names:
        n += 1
    data.update(id=element_id, name=f"{base}-{n}")
    data.update(fields)
    return cls.model_validate(data)


# Keep the type names referenced for readers of CONTAINERS.
_ = (EsxiHost, Lun, StorageArray, VirtualMachine)
