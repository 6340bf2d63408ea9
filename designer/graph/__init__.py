"""The design as networkx graphs (dependencies, the site network, replication) and the
pure queries over them: what fails with what, what a database needs, site paths."""

from __future__ import annotations

from designer.graph.failure import dependency_closure, failure_domain, failure_group
from designer.graph.network import lowest_rtt, reachable_sites
from designer.graph.topology import (
    Topology,
    build_graph,
    storage_processor_id,
)

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
