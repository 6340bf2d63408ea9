"""Fast lookups over a design: by id, kind and name, and the common reverse relations.

Built once per design snapshot (the design is immutable), so rules and the simulator
share it instead of re-scanning the element list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import TypeVar

from designer.domain.design import Design
from designer.domain.elements import (
    CasArray,
    ElementBase,
    EsxiHost,
    FileShareWitness,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    Mirror,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VsphereCluster,
)
from designer.domain.errors import DesignError
from designer.domain.refs import iter_refs

__all__ = ["DesignIndex", "UnknownElementError"]

#: Kinds whose ``site`` field says where they live.
_SITED_KINDS = frozenset(
    cls.model_fields["kind"].default
    for cls in (VsphereCluster, EsxiHost, StorageArray, FileShareWitness, CasArray, LoadBalancer)
)

E = TypeVar("E", bound=ElementBase)


class UnknownElementError(DesignError):
    """No element has that id or unique name."""


class DesignIndex:
    """Read-only lookups over one :class:`Design`.

    Examples
    --------
    >>> from designer.domain.elements import Site
    >>> index = DesignIndex(Design(elements=[Site(id="s1", name="Boston")]))
    >>> index.resolve("Boston").id
    's1'
    """

    def __init__(self, design: Design) -> None:
        self.design = design
        self.by_id: dict[str, ElementBase] = {}
        self.by_kind: dict[str, list[ElementBase]] = defaultdict(list)
        for element in design.elements:
            self.by_id[element.id] = element
            self.by_kind[element.kind].append(element)

    # -- lookups ---------------------------------------------------------------------
    def get(self, element_id: str | None) -> ElementBase | None:
        return None if element_id is None else self.by_id.get(element_id)

    def of(self, kind: str, cls: type[E]) -> list[E]:
        return self.by_kind.get(kind, [])  # type: ignore[return-value]

    def typed(self, element_id: str | None, cls: type[E]) -> E | None:
        element = self.get(element_id)
        return element if isinstance(element, cls) else None

    @cached_property
    def _by_name(self) -> dict[str, list[ElementBase]]:
        names: dict[str, list[ElementBase]] = defaultdict(list)
        for element in self.design.elements:
            names[element.name].append(element)
        return names

    def resolve(self, key: str) -> ElementBase:
        """The element whose id, or else whose unique name, is ``key``."""
        if key in self.by_id:
            return self.by_id[key]
        matches = self._by_name.get(key, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            kinds = ", ".join(f"{m.label} {m.id}" for m in matches)
            raise UnknownElementError(f"name {key!r} is ambiguous ({kinds}); use the id")
        raise UnknownElementError(f"no element has the id or name {key!r}")

    # -- reverse relations -----------------------------------------------------------
    @cached_property
    def referrers(self) -> dict[str, list[tuple[ElementBase, str]]]:
        """For each id, the elements that reference it and the field path used."""
        result: dict[str, list[tuple[ElementBase, str]]] = defaultdict(list)
        for element in self.design.elements:
            for ref in iter_refs(element):
                result[ref.target].append((element, ref.path))
        return result

    @cached_property
    def vms_on_host(self) -> dict[str, list[VirtualMachine]]:
        return _group(self.of("vm", VirtualMachine), lambda vm: vm.host)

    @cached_property
    def hosts_in_cluster(self) -> dict[str, list[EsxiHost]]:
        return _group(
            (h for h in self.of("esxi_host", EsxiHost) if h.cluster), lambda h: h.cluster or ""
        )

    @cached_property
    def disks_of_vm(self) -> dict[str, list[VirtualDisk]]:
        return _group(self.of("virtual_disk", VirtualDisk), lambda d: d.vm)

    @cached_property
    def disks_on_lun(self) -> dict[str, list[VirtualDisk]]:
        return _group(
            (d for d in self.of("virtual_disk", VirtualDisk) if d.lun), lambda d: d.lun or ""
        )

    @cached_property
    def luns_of_array(self) -> dict[str, list[Lun]]:
        return _group(self.of("lun", Lun), lambda lun: lun.array)

    @cached_property
    def mirrors_from_lun(self) -> dict[str, list[Mirror]]:
        return _group(self.of("mirror", Mirror), lambda m: m.source_lun)

    @cached_property
    def mirrors_to_lun(self) -> dict[str, list[Mirror]]:
        return _group(self.of("mirror", Mirror), lambda m: m.target_lun)

    @cached_property
    def databases_of_dag(self) -> dict[str, list[MailboxDatabase]]:
        return _group(
            (d for d in self.of("mailbox_database", MailboxDatabase) if d.dag),
            lambda d: d.dag or "",
        )

    @cached_property
    def consistency_group_of_mirror(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for cg in self.by_kind.get("consistency_group", []):
            for mirror_id in cg.mirrors:  # type: ignore[attr-defined]
                result.setdefault(mirror_id, cg.id)
        return result

    # -- placement -------------------------------------------------------------------
    def site_of(self, element_id: str | None) -> str | None:
        """The site an element lives in (None for links, DAGs and other spanning kinds)."""
        return self._site_cache.get(element_id) if element_id else None

    @cached_property
    def _site_cache(self) -> dict[str, str]:
        sites: dict[str, str] = {}
        by_id = self.by_id

        # Dispatch on the kind string, most numerous kinds first: at 25,000 elements a
        # chain of isinstance tests over unions cost more than the rest of the index.
        def site(element: ElementBase | None) -> str | None:
            if element is None:
                return None
            kind = element.kind
            if kind == "virtual_disk":
                return site(by_id.get(element.vm))  # type: ignore[attr-defined]
            if kind == "vm":
                host = by_id.get(element.host)  # type: ignore[attr-defined]
                return host.site if isinstance(host, EsxiHost) else None
            if kind == "lun":
                array = by_id.get(element.array)  # type: ignore[attr-defined]
                return array.site if isinstance(array, StorageArray) else None
            if kind in _SITED_KINDS:
                return element.site  # type: ignore[attr-defined]
            if kind == "site":
                return element.id
            if kind == "mirror":
                return site(by_id.get(element.source_lun))  # type: ignore[attr-defined]
            return None

        for element in self.design.elements:
            found = site(element)
            if found is not None:
                sites[element.id] = found
        return sites

    def host_of_vm(self, vm_id: str) -> EsxiHost | None:
        vm = self.typed(vm_id, VirtualMachine)
        return self.typed(vm.host, EsxiHost) if vm else None

    def array_of_lun(self, lun_id: str | None) -> StorageArray | None:
        lun = self.typed(lun_id, Lun)
        return self.typed(lun.array, StorageArray) if lun else None


def _group(items: Iterable[E], key: object) -> dict[str, list[E]]:
    result: dict[str, list[E]] = defaultdict(list)
    for item in items:
        result[key(item)].append(item)  # type: ignore[operator]
    return dict(result)
