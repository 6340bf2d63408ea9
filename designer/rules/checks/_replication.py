"""Shared facts of the SRM and MirrorView rules, derived once per design index.

The rules of ``srm.py`` and ``mirrorview.py`` ask the same questions of every mirror
(which arrays, which sites, which WAN link) and of every protection group (which VMs,
consistency groups, mirrors, datastores). Answering them once per
:class:`~designer.domain.index.DesignIndex` keeps each rule linear and the whole
family within the catalogue's time budget on large designs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from weakref import WeakKeyDictionary

from designer.domain.elements import (
    ConsistencyGroup,
    Lun,
    Mirror,
    ProtectionGroup,
    StorageArray,
    WanLink,
)
from designer.domain.enums import LunUsage
from designer.domain.index import DesignIndex
from designer.domain.words import plural
from designer.workload import LinkEnds, mirror_link_id

__all__ = [
    "MirrorEnds",
    "SrmScope",
    "consistency_group_arrays",
    "counted",
    "listing",
    "mirror_ends",
    "release_tuple",
    "srm_scope",
]


# -- text -------------------------------------------------------------------------------
def release_tuple(text: str) -> tuple[int, int, int]:
    """A release string as a comparable triple.

    Examples
    --------
    >>> release_tuple("6.1") > release_tuple("5.0.3")
    True
    """
    parts = [int(p) for p in text.split(".") if p.isdigit()][:3]
    parts += [0] * (3 - len(parts))
    return (parts[0], parts[1], parts[2])


def counted(names: Iterable[str], noun: str, shown: int = 3) -> str:
    """How many, then the first ``shown`` names (the tail summarised): a finding about
    many elements of one kind says how many and names a few.

    Examples
    --------
    >>> counted(["DB01", "DB02", "DB03", "DB04"], "database")
    '4 databases (DB01, DB02, DB03 and 1 more)'
    """
    items = list(names)
    listed = ", ".join(items[:shown])
    more = len(items) - shown
    return f"{plural(len(items), noun)} ({listed}{f' and {more} more' if more > 0 else ''})"


def listing(names: Iterable[str], limit: int = 4) -> str:
    """Names joined by commas, the tail summarised: ``A, B, C and 2 more``.

    Examples
    --------
    >>> listing(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    """
    items = list(names)
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


# -- SRM scope --------------------------------------------------------------------------
class SrmScope:
    """What the design's protection groups put under SRM, keyed by id.

    A plain class with slots (not a dataclass: ~0.4 M instructions of every
    ``check``, issue 10); never compared or printed."""

    __slots__ = ("consistency_groups", "datastores", "mirrors", "vms")

    def __init__(self) -> None:
        #: Protected VM id -> the protection groups naming it.
        self.vms: dict[str, list[ProtectionGroup]] = {}
        #: Consistency group id -> the protection groups naming it.
        self.consistency_groups: dict[str, list[ProtectionGroup]] = {}
        #: Mirror id (member of a protected consistency group) -> its protection group.
        self.mirrors: dict[str, ProtectionGroup] = {}
        #: VMFS datastore LUN id (source of a protected mirror) -> its protection group.
        self.datastores: dict[str, ProtectionGroup] = {}


_SCOPES: WeakKeyDictionary[DesignIndex, SrmScope] = WeakKeyDictionary()


def srm_scope(index: DesignIndex) -> SrmScope:
    """The SRM scope of the indexed design, computed once per index.

    Examples
    --------
    >>> from designer.domain import Design
    >>> srm_scope(DesignIndex(Design())).vms
    {}
    """
    cached = _SCOPES.get(index)
    if cached is not None:
        return cached
    scope = SrmScope()
    for pg in index.of("protection_group", ProtectionGroup):
        for vm_id in dict.fromkeys(pg.vms):
            scope.vms.setdefault(vm_id, []).append(pg)
        for cg_id in dict.fromkeys(pg.consistency_groups):
            scope.consistency_groups.setdefault(cg_id, []).append(pg)
    by_id = index.by_id
    for cg_id, pgs in scope.consistency_groups.items():
        cg = by_id.get(cg_id)
        if not isinstance(cg, ConsistencyGroup):
            continue
        for mirror_id in cg.mirrors:
            scope.mirrors.setdefault(mirror_id, pgs[0])
            mirror = by_id.get(mirror_id)
            lun = by_id.get(mirror.source_lun) if isinstance(mirror, Mirror) else None
            if isinstance(lun, Lun) and lun.usage is LunUsage.VMFS_DATASTORE:
                scope.datastores.setdefault(lun.id, pgs[0])
    _SCOPES[index] = scope
    return scope


# -- mirrors ----------------------------------------------------------------------------
class MirrorEnds(NamedTuple):
    """Where one mirror runs: its arrays, their sites and the WAN link it crosses."""

    mirror: Mirror
    source_array: StorageArray | None
    target_array: StorageArray | None
    source_site: str | None
    target_site: str | None
    #: The mirror's ``wan_link``, else the direct link between its arrays' sites.
    link: WanLink | None

    @property
    def arrays(self) -> tuple[StorageArray, ...]:
        """The arrays that exist, source first, each once."""
        src, dst = self.source_array, self.target_array
        if src is not None and dst is not None and src.id != dst.id:
            return (src, dst)
        return tuple(a for a in (src, dst) if a is not None)

    @property
    def pair(self) -> tuple[str, str]:
        """Source and target array ids ("" when missing)."""
        return (
            self.source_array.id if self.source_array else "",
            self.target_array.id if self.target_array else "",
        )


_ENDS: WeakKeyDictionary[DesignIndex, dict[str, MirrorEnds]] = WeakKeyDictionary()


def mirror_ends(index: DesignIndex) -> dict[str, MirrorEnds]:
    """Every mirror's :class:`MirrorEnds` by mirror id, computed once per index.

    Examples
    --------
    >>> from designer.domain import Design
    >>> mirror_ends(DesignIndex(Design()))
    {}
    """
    cached = _ENDS.get(index)
    if cached is not None:
        return cached
    by_id = index.by_id
    wans = {wan.id: wan for wan in index.of("wan_link", WanLink)}
    links = LinkEnds({wan_id: (wan.site_a, wan.site_b) for wan_id, wan in wans.items()})

    ends: dict[str, MirrorEnds] = {}
    for mirror in index.of("mirror", Mirror):
        # Inlined lookups: this runs once per mirror on designs of tens of thousands.
        lun = by_id.get(mirror.source_lun)
        src = by_id.get(lun.array) if isinstance(lun, Lun) else None
        src = src if isinstance(src, StorageArray) else None
        lun = by_id.get(mirror.target_lun)
        dst = by_id.get(lun.array) if isinstance(lun, Lun) else None
        dst = dst if isinstance(dst, StorageArray) else None
        src_site = src.site if src else None
        dst_site = dst.site if dst else None
        # The simulator's link too (one function: of parallel links, the lowest id).
        link_id = mirror_link_id(links, mirror.wan_link, src_site, dst_site)
        link = wans[link_id] if link_id is not None else None
        ends[mirror.id] = MirrorEnds(mirror, src, dst, src_site, dst_site, link)
    _ENDS[index] = ends
    return ends


_CG_ARRAYS: WeakKeyDictionary[DesignIndex, dict[str, dict[str, StorageArray]]] = WeakKeyDictionary()


def consistency_group_arrays(index: DesignIndex) -> dict[str, dict[str, StorageArray]]:
    """For each consistency group id, the arrays its mirrors join (a group lives on both
    ends), by array id in first-seen order; computed once per index.

    Examples
    --------
    >>> from designer.domain import Design
    >>> consistency_group_arrays(DesignIndex(Design()))
    {}
    """
    cached = _CG_ARRAYS.get(index)
    if cached is not None:
        return cached
    ends = mirror_ends(index)
    result: dict[str, dict[str, StorageArray]] = {}
    for cg in index.of("consistency_group", ConsistencyGroup):
        arrays: dict[str, StorageArray] = {}
        for mirror_id in cg.mirrors:
            end = ends.get(mirror_id)
            if end is None:
                continue
            if end.source_array is not None:
                arrays[end.source_array.id] = end.source_array
            if end.target_array is not None:
                arrays[end.target_array.id] = end.target_array
        result[cg.id] = arrays
    _CG_ARRAYS[index] = result
    return result
