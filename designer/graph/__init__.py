"""The design as a graph (networkx) and pure queries over it."""

from __future__ import annotations

from designer.graph.topology import (
    Topology,
    build_graph,
    dag_members_by_site,
    failure_domains,
    reachable_sites,
    storage_processor_id,
)

__all__ = [
    "Topology",
    "build_graph",
    "dag_members_by_site",
    "failure_domains",
    "reachable_sites",
    "storage_processor_id",
]
