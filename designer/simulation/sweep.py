"""The infrastructure elements the N-1 sweep fails, one at a time.

Its own module, apart from :mod:`designer.simulation.analysis` (the N-1 analysis
and its results): the capacity sizing (the CAP rules of ``check``) fails the same
elements but ranks nothing, and need not import the analysis at every start (issue 10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from designer.graph.topology import storage_processor_id

if TYPE_CHECKING:
    from designer.simulation.engine import Simulator

__all__ = ["sweep_elements"]

_SWEPT_KINDS = (
    "site",
    "wan_link",
    "esxi_host",
    "storage_array",
    "load_balancer",
    "file_share_witness",
    "cas_array",
)


def sweep_elements(sim: Simulator) -> list[str]:
    """The infrastructure elements N-1 fails: sites, links, hosts, arrays and their
    storage processors, load balancers, witnesses and CAS arrays, in a stable order."""
    found: list[str] = []
    for kind in _SWEPT_KINDS:
        for element in sorted(sim.index.by_kind.get(kind, []), key=lambda e: e.id):
            found.append(element.id)
            if kind == "storage_array":
                found.extend(storage_processor_id(element.id, slot) for slot in ("A", "B"))
    return found
