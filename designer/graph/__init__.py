"""The design as networkx graphs (dependencies, the site network, replication) and the
pure queries over them: what fails with what, what a database needs, site paths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designer.graph.network import lowest_rtt, reachable_sites
from designer.graph.topology import (
    Topology,
    build_graph,
    storage_processor_id,
)

if TYPE_CHECKING:
    from designer.graph.failure import dependency_closure, failure_domain, failure_group

#: The failure-domain queries' names, imported when first asked for: ``check`` (the
#: rules, the simulator's placements) reads the topology and the site network only.
_FAILURE = ("dependency_closure", "failure_domain", "failure_group")


def __getattr__(name: str) -> Any:
    if name in _FAILURE:
        from designer.graph import failure

        return getattr(failure, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Topology",
    "build_graph",
    "dependency_closure",
    "failure_domain",
    "failure_group",
    "lowest_rtt",
    "reachable_sites",
    "storage_processor_id",
]
