"""How the canvas presents each kind, derived from the kind table
(:mod:`designer.domain.kinds`): stacking order, level of detail, disk placement tags."""

from __future__ import annotations

from functools import cache

from designer.document.layout import HEADER
from designer.domain.kinds import KINDS, container_kinds

__all__ = ["HEADER", "PLACEMENT_TAGS", "holds_only_far", "is_detail", "is_far_detail", "z_of"]

#: Short tags of the disk placements (DOMAIN §5 figure 001), in display order.
PLACEMENT_TAGS: dict[str, str] = {
    "vmdk_vmfs": "VMDK",
    "rdm_physical": "RDM-p",
    "rdm_virtual": "RDM-v",
    "nas": "NAS",
}


def _height(kind: str, seen: frozenset[str] = frozenset()) -> int:
    """How many levels of containers can nest inside a box of ``kind``."""
    inner = [
        info.kind
        for info in KINDS.values()
        if info.shape == "box" and kind in info.allowed_containers and info.kind not in seen
    ]
    nested = [k for k in inner if k in container_kinds()]
    return 1 + max((_height(k, seen | {kind}) for k in nested), default=-1) if nested else 0


@cache
def _z(kind: str, containers: frozenset[str]) -> float:
    info = KINDS.get(kind)
    if info is None:
        return 3.0
    if info.shape == "part":
        return 4.0  # on its container (a disk on its VM)
    if kind in containers:
        return float(max(0, 2 - _height(kind)))  # containers below their content
    return 3.0


def z_of(kind: str) -> float:
    """Stacking order: a site (0) below its clusters (1), below hosts, arrays and DAGs
    (2), below the leaf boxes (3), below the parts drawn on them (4)."""
    return _z(kind, container_kinds())


@cache
def holds_only_detail(kind: str) -> bool:
    """Whether every box a box of ``kind`` may hold is a detail box (:func:`is_detail`:
    a host's VMs, an array's LUNs, a DAG's databases): far zoomed out its content is
    summarised in its own picture, not drawn as boxes over it."""
    inner = [i.kind for i in KINDS.values() if i.shape == "box" and kind in i.allowed_containers]
    return bool(inner) and all(is_detail(k) for k in inner)


def is_far_detail(kind: str) -> bool:
    """Boxes hidden when zoomed farther out still (below the view's ``HOST_SCALE``,
    where they are a few pixels wide): ESXi hosts, drawn then as bars by the cluster
    (or site) they sit in, as a host draws its VMs as bars below ``DETAIL_SCALE``. At
    Fit to Window at 100k the canvas met ~1,600 hosts in ~2,400 boxes, each a picture
    Qt finds, sorts and copies at every repaint of a big edit's steps."""
    return kind == "esxi_host"


@cache
def holds_only_far(kind: str) -> bool:
    """Whether every box a box of ``kind`` may hold is a far detail (:func:`is_far_detail`:
    a cluster's hosts): farther out, its content is summarised in its own picture."""
    inner = [i.kind for i in KINDS.values() if i.shape == "box" and kind in i.allowed_containers]
    return bool(inner) and all(is_far_detail(k) for k in inner)


def is_detail(kind: str) -> bool:
    """Small boxes hidden when zoomed far out (their container summarises them): the
    rows of a container (VMs, LUNs, databases) and the parts drawn on them."""
    info = KINDS.get(kind)
    return info is not None and (info.spec.row or info.shape == "part")
