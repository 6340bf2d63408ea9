"""Project a design into a networkx graph, and small pure queries over it.

Edges point from an element to what it depends on (``vm -> esxi_host``,
``virtual_disk -> lun``), so "what fails with X" is ``nx.ancestors(graph, X)``.
WAN links are also kept in a separate undirected ``network`` graph of sites, and
MirrorView replication in a ``replication`` graph of LUNs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from designer.domain.design import Design
from designer.domain.elements import (
    Dag,
    DatabaseCopy,
    EsxiHost,
    Lun,
    Mirror,
    StorageArray,
    VirtualMachine,
    WanLink,
)
from designer.domain.index import DesignIndex
from designer.domain.kinds import KINDS

__all__ = [
    "Topology",
    "build_graph",
    "dag_members_by_site",
    "failure_domains",
    "reachable_sites",
    "storage_processor_id",
]


def storage_processor_id(array_id: str, slot: str) -> str:
    """The graph id of an array's storage processor (``arr-1/SP-A``)."""
    return f"{array_id}/SP-{slot}"


class Topology:
    """The dependency graph, the site network and the index they came from."""

    def __init__(self, design: Design, index: DesignIndex | None = None) -> None:
        self.design = design
        self.index = index or DesignIndex(design)
        self.graph: nx.DiGraph = nx.DiGraph()
        self.network: nx.MultiGraph = nx.MultiGraph()
        #: Source LUN → target LUN, one edge per mirror (``mirror`` attribute).
        self.replication: nx.DiGraph = nx.DiGraph()
        self._build()

    def _build(self) -> None:
        # Edges come from the kind table (designer.domain.kinds): each kind's graph
        # relations, read field by field. Arrays, mirrors and WAN links also feed the
        # graphs of their own below.
        g = self.graph
        edges: list[tuple[str, str, dict[str, str]]] = []
        relations: dict[str, list[tuple[dict[str, str], bool, Any]]] = {}
        attrs: dict[str, dict[str, str]] = {}
        for element in self.design.elements:
            kind: str = element.kind
            g.add_node(element.id, kind=kind)
            readers = relations.get(kind)
            if readers is None:
                info = KINDS.get(kind)
                readers = relations[kind] = [
                    (attrs.setdefault(rel.name, {"relation": rel.name}), rel.reverse, read)
                    for _, rel, read in (info.graph_readers if info else ())
                ]
            here = element.id
            for attr, reverse, read in readers:
                for target in read(element):
                    edges.append((target, here, attr) if reverse else (here, target, attr))
            if isinstance(element, StorageArray):
                for slot in ("A", "B"):
                    sp = storage_processor_id(element.id, slot)
                    g.add_node(sp, kind="storage_processor")
                    edges.append((sp, element.id, attrs.setdefault("contained_in", _CONTAINED)))
            elif isinstance(element, Mirror):
                # Replication is no dependency (the source does not fail with its
                # target), so it has a graph of its own.
                self.replication.add_edge(element.source_lun, element.target_lun, mirror=element.id)
            elif isinstance(element, WanLink):
                self.network.add_edge(element.site_a, element.site_b, key=element.id)
        for site in self.index.by_kind.get("site", []):
            self.network.add_node(site.id)
        g.add_edges_from(edges)


_CONTAINED = {"relation": "contained_in"}


def build_graph(design: Design, index: DesignIndex | None = None) -> Topology:
    """Project ``design`` into a :class:`Topology`.

    Examples
    --------
    >>> from designer.domain.elements import Site, EsxiHost
    >>> topo = build_graph(Design(elements=[Site(id="s", name="A"),
    ...                                     EsxiHost(id="h", name="esx", site="s")]))
    >>> list(topo.graph.successors("h"))
    ['s']
    """
    return Topology(design, index)


def failure_domains(topology: Topology, database_id: str, copy: DatabaseCopy) -> list[str]:
    """What a database copy fails with: VM → host → cluster → site, disk → LUN → array.

    The list is ordered from the nearest domain outwards and has no duplicates.
    """
    index = topology.index
    domains: list[str] = []

    def add(element_id: str | None) -> None:
        if element_id and element_id not in domains:
            domains.append(element_id)

    vm = index.typed(copy.member, VirtualMachine)
    if vm is None:
        return domains
    add(vm.id)
    host = index.typed(vm.host, EsxiHost)
    if host:
        add(host.id)
        add(host.cluster)
        add(host.site)
    for disk in index.disks_of_vm.get(vm.id, []):
        if disk.database not in (None, database_id) or not disk.lun:
            continue
        lun = index.typed(disk.lun, Lun)
        if lun:
            add(lun.id)
            add(lun.array)
            add(index.site_of(lun.array))
    return domains


def reachable_sites(topology: Topology, site_id: str, failed: Iterable[str] = ()) -> set[str]:
    """Sites reachable from ``site_id`` over WAN links that are not in ``failed``."""
    down = set(failed)
    if site_id in down:
        return set()
    seen = {site_id}
    stack = [site_id]
    net = topology.network
    while stack:
        here = stack.pop()
        if here not in net:
            continue
        for _, there, key in net.edges(here, keys=True):
            if key in down or there in down or there in seen:
                continue
            seen.add(there)
            stack.append(there)
    return seen


def dag_members_by_site(topology: Topology, dag_id: str) -> dict[str, list[str]]:
    """The DAG's member VMs grouped by the site they run in."""
    index = topology.index
    dag = index.typed(dag_id, Dag)
    result: dict[str, list[str]] = {}
    if dag is None:
        return result
    for vm_id in dag.members:
        site = index.site_of(vm_id)
        if site:
            result.setdefault(site, []).append(vm_id)
    return result
