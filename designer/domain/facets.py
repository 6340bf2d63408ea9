"""Facets: the parts of a kind that some rules go through, and nothing else of it.

Most rules that read VMs look only at Exchange servers, and most that read virtual disks
only at disks holding Exchange data; a VM without Exchange (a domain controller, a file
server) and its system disk are none of their business. A rule declares that with
``@rule(..., narrow={"vm": "exchange"})`` (:attr:`designer.rules.Rule.narrow`), and the
live check (:mod:`designer.rules.incremental`) does not re-run it when elements outside
that facet are added or removed (a *change* of an element of the kind still re-runs it:
the change may move the element into the facet or out of it).

:func:`facets_of` names the facets an element is in (``"vm.exchange"``), which
:func:`designer.document.events.change_of` adds to what an edit added or removed. The
rules' helpers use the same predicates (:func:`is_exchange`, :func:`is_data_disk`), so
what a rule goes through and what its declaration says cannot drift apart.

Examples
--------
>>> from designer.domain.elements import VirtualDisk, VirtualMachine
>>> facets_of(VirtualMachine(id="v1", name="DC1", host="h1", roles=["domain_controller"]))
()
>>> facets_of(VirtualMachine(id="v2", name="MBX1", host="h1", roles=["mailbox"]))
('vm.exchange',)
>>> facets_of(VirtualDisk(id="d1", name="d", vm="v2", purpose="database"))
('virtual_disk.data',)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from designer.domain.enums import DiskPurpose, VmRole

if TYPE_CHECKING:  # not imported to run: the rules' registry imports this module
    from designer.domain.elements import ElementBase, VirtualDisk, VirtualMachine

__all__ = ["EXCHANGE_ROLES", "FACETS", "all_facets", "facets_of", "is_data_disk", "is_exchange"]

#: The roles of Exchange servers (the other roles of a VM are infrastructure).
EXCHANGE_ROLES = frozenset(
    {
        VmRole.MAILBOX,
        VmRole.CLIENT_ACCESS,
        VmRole.HUB_TRANSPORT,
        VmRole.EDGE_TRANSPORT,
        VmRole.UNIFIED_MESSAGING,
    }
)


def is_exchange(vm: VirtualMachine) -> bool:
    """A VM running Exchange: it has an Exchange version or an Exchange role."""
    return vm.exchange_version is not None or bool(EXCHANGE_ROLES.intersection(vm.roles))


def is_data_disk(disk: VirtualDisk) -> bool:
    """A disk holding Exchange data: purpose database or logs, or tied to a database."""
    return disk.purpose is not DiskPurpose.OS or disk.database is not None


#: Per kind, its facets by name and the predicate of each.
FACETS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "vm": {"exchange": is_exchange},
    "virtual_disk": {"data": is_data_disk},
}


def facets_of(element: ElementBase) -> tuple[str, ...]:
    """The facets ``element`` is in, as ``"kind.facet"``."""
    facets = FACETS.get(element.kind)
    if not facets:
        return ()
    return tuple(f"{element.kind}.{name}" for name, test in facets.items() if test(element))


def all_facets(kind: str) -> tuple[str, ...]:
    """Every facet of ``kind`` (what an element of it whose facets are unknown may be in)."""
    return tuple(f"{kind}.{name}" for name in FACETS.get(kind, ()))
