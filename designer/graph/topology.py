"""Project a design into networkx graphs, and small pure queries over them.

:class:`Topology` holds three graphs, each built on first use (so ``import networkx``
and the build happen only for the questions that need them):

* ``graph``, the dependency graph (``nx.DiGraph``): every element and every storage
  processor a node with its ``kind``; edges point from an element to what it depends
  on (``vm -> esxi_host``, ``virtual_disk -> lun``), with their ``relation`` and their
  ``gate`` (how a failure travels, :mod:`designer.graph.failure`). The relations are
  the kind table's (``designer.domain.kinds``), plus a LUN ``served_by`` its array's
  two storage processors and the WAN links sharing a ``failure_domain`` tag
  (``same_failure_domain``). A file share witness served by a VM is ``contained_in``
  the site where that VM's host is (:attr:`Topology.witness_sites`), as the simulator
  and the quorum rules place it, whatever site it states. "What fails with X" is
  :func:`~designer.graph.failure.failure_domain`; "what X needs" is
  :func:`~designer.graph.failure.dependency_closure`.
* ``network``: sites and WAN links (``nx.MultiGraph``, one edge per link keyed by its
  id, with its ``rtt_ms`` and ``failure_domain``); path questions are in
  :mod:`designer.graph.network`.
* ``replication``: MirrorView source LUN → target LUN, one edge per mirror.

The same relations are answered without networkx by :meth:`Topology.dependents` and
:meth:`Topology.dependencies`, read from the design index: the simulator's prepared
form takes its lookups from them (``tests/graph/test_topology.py`` proves them equal
to the graph's edges, relation by relation).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from designer.domain.design import Design
from designer.domain.elements import (
    FileShareWitness,
    LoadBalancer,
    StorageArray,
    WanLink,
)
from designer.domain.enums import DiskPurpose, LoadBalancerKind
from designer.domain.index import DesignIndex
from designer.domain.kinds import KINDS
from designer.graph.gates import ALL, ANY, NO_FAILURE, RELATION_GATES

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Topology",
    "build_graph",
    "is_local_load_balancer",
    "storage_processor_id",
]

#: Relations the topology adds to the kind table's: (relation, kind of the dependent).
SERVED_BY = "served_by"
SAME_FAILURE_DOMAIN = "same_failure_domain"
_MADE = {
    ("contained_in", "storage_processor"),
    (SERVED_BY, "lun"),
    (SAME_FAILURE_DOMAIN, "wan_link"),
}


#: The relation whose target the topology moves for some elements: a file share witness
#: is ``contained_in`` the site where its server runs (:attr:`Topology.witness_sites`).
_WITNESS_IN_SITE = ("contained_in", "file_share_witness")


def storage_processor_id(array_id: str, slot: str) -> str:
    """The graph id of an array's storage processor (``arr-1/SP-A``)."""
    return f"{array_id}/SP-{slot}"


def is_local_load_balancer(lb: LoadBalancer) -> bool:
    """A load balancer in front of its own site's CAS arrays (not a geographic one)."""
    return lb.site is not None and lb.lb_kind != LoadBalancerKind.GEOGRAPHIC


class Topology:
    """The graphs of one design (built on first use) and the index they come from."""

    def __init__(self, design: Design, index: DesignIndex | None = None) -> None:
        self.design = design
        self.index = index or DesignIndex(design)
        self._dependents: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._dependencies: dict[tuple[str, str], dict[str, list[str]]] = {}

    # -- the relations, read from the index (no networkx) ------------------------------
    def _declared(self, relation: str) -> Iterator[tuple[str, str, bool]]:
        """(kind declaring it, field, reverse) of each kind-table field making
        ``relation`` edges."""
        for kind, info in KINDS.items():
            for name, rel, _ in info.graph_readers:
                if rel.name == relation:
                    yield kind, name, rel.reverse

    def _pairs(self, relation: str, kind: str) -> Iterator[tuple[str, str]]:
        """(source, target) of every ``relation`` edge from a ``kind`` node, in the
        graph's edge order within each declaring field."""
        index = self.index
        for owner, field, reverse in self._declared(relation):
            if reverse:  # edges from what ``field`` names to the owner
                for target, owners in index.group(owner, field).items():
                    named = index.get(target)
                    if named is not None and named.kind == kind:
                        for element in owners:
                            yield target, element.id
            elif owner == kind:
                read = next(r for name, _, r in KINDS[owner].graph_readers if name == field)
                moved = self.witness_sites if (relation, kind) == _WITNESS_IN_SITE else {}
                for element in index.by_kind.get(owner, ()):
                    for target in read(element):
                        yield element.id, moved.get(element.id, target)
        if relation == "contained_in" and kind == "storage_processor":
            yield from ((sp, array) for sp, array in self.storage_processors.items())
        elif relation == SERVED_BY and kind == "lun":
            arrays = self._arrays
            for lun in index.by_kind.get("lun", ()):
                array: str = lun.array  # type: ignore[attr-defined]
                if array in arrays:
                    for slot in "AB":
                        yield lun.id, storage_processor_id(array, slot)
        elif relation == SAME_FAILURE_DOMAIN and kind == "wan_link":
            for link, peers in self.conduit_peers.items():
                for peer in peers:
                    yield link, peer

    def dependents(self, relation: str, kind: str) -> Mapping[str, list[str]]:
        """Node → the ids of the ``kind`` nodes with a ``relation`` edge to it (its
        predecessors in :attr:`graph` by that relation).

        Examples
        --------
        >>> from designer.domain import EsxiHost, Site, VirtualMachine
        >>> topo = Topology(Design(elements=[Site(id="s", name="S"),
        ...     EsxiHost(id="h", name="h", site="s"), VirtualMachine(id="v", name="v", host="h")]))
        >>> topo.dependents("runs_on", "vm")["h"], topo.dependents("contained_in", "esxi_host")["s"]
        (['v'], ['h'])
        """
        key = (relation, kind)
        found = self._dependents.get(key)
        if found is None:
            found = {}
            declared = list(self._declared(relation))
            mine = [field for owner, field, _ in declared if owner == kind]
            if (
                (relation, kind) in _MADE
                or ((relation, kind) == _WITNESS_IN_SITE and self.witness_sites)
                or len(mine) > 1  # keep design order across the fields
                or any(reverse for *_, reverse in declared)
            ):
                for source, target in self._pairs(relation, kind):
                    found.setdefault(target, []).append(source)
            else:  # straight from the index's groups (cached, and live in the editor)
                for owner, field, _ in declared:
                    if owner == kind:
                        for target, elements in self.index.group(owner, field).items():
                            found.setdefault(target, []).extend(e.id for e in elements)
            self._dependents[key] = found
        return found

    def dependencies(self, relation: str, kind: str) -> Mapping[str, list[str]]:
        """Id of a ``kind`` node → the nodes its ``relation`` edges point to (its
        successors in :attr:`graph` by that relation).

        Examples
        --------
        >>> from designer.domain import CasArray, LoadBalancer, Site
        >>> topo = Topology(Design(elements=[Site(id="s", name="S"),
        ...     CasArray(id="c", name="c", site="s"),
        ...     LoadBalancer(id="lb", name="lb", site="s", cas_arrays=["c"])]))
        >>> topo.dependencies("fronted_by", "cas_array")["c"]
        ['lb']
        """
        key = (relation, kind)
        found = self._dependencies.get(key)
        if found is None:
            found = {}
            for source, target in self._pairs(relation, kind):
                found.setdefault(source, []).append(target)
            self._dependencies[key] = found
        return found

    @cached_property
    def witness_sites(self) -> dict[str, str]:
        """File share witness → the site it is in, for each one that is not in the site
        it states: a witness served by a VM on a placed host is where that host is (its
        ``contained_in`` edge points there), as the rules (``witness_site`` of
        ``designer.rules.checks.dag``: DAG001, DAG002, DAG015) and the simulator
        (``Prepared.witness_site``) place it; DAG017 says that the two differ. A witness
        on a physical server (no VM) is in the site it states.

        Examples
        --------
        >>> from designer.domain import EsxiHost, FileShareWitness, Site, VirtualMachine
        >>> topo = Topology(Design(elements=[Site(id="a", name="A"), Site(id="b", name="B"),
        ...     EsxiHost(id="h", name="h", site="b"), VirtualMachine(id="v", name="v", host="h"),
        ...     FileShareWitness(id="w", name="w", site="a", vm="v")]))
        >>> topo.witness_sites, topo.dependencies("contained_in", "file_share_witness")
        ({'w': 'b'}, {'w': ['b']})
        """
        index = self.index
        moved: dict[str, str] = {}
        for witness in index.of("file_share_witness", FileShareWitness):
            runs_in = index.site_of(witness.vm) if witness.vm else None
            if runs_in is not None and runs_in != witness.site:
                moved[witness.id] = runs_in
        return moved

    @cached_property
    def _arrays(self) -> dict[str, StorageArray]:
        return {a.id: a for a in self.index.of("storage_array", StorageArray)}

    @cached_property
    def storage_processors(self) -> dict[str, str]:
        """Storage processor id (``arr/SP-A``) → its array's id, arrays in design order."""
        return {storage_processor_id(array, slot): array for array in self._arrays for slot in "AB"}

    @cached_property
    def links_of_site(self) -> dict[str, list[str]]:
        """Site → the WAN links joining it, in design order (the ``joins`` edges)."""
        return dict(self.dependents("joins", "wan_link"))

    @cached_property
    def conduit_peers(self) -> dict[str, list[str]]:
        """WAN link → the other links with its ``failure_domain`` tag (sorted)."""
        tagged: dict[str, list[str]] = {}
        for link in self.index.of("wan_link", WanLink):
            if link.failure_domain:
                tagged.setdefault(link.failure_domain, []).append(link.id)
        return {
            link: sorted(p for p in peers if p != link)
            for peers in tagged.values()
            if len(peers) > 1
            for link in peers
        }

    # -- the graphs ---------------------------------------------------------------------
    @cached_property
    def graph(self) -> nx.DiGraph:
        """The dependency graph (see the module)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from((e.id, {"kind": e.kind}) for e in self.design.elements)
        graph.add_nodes_from((sp, {"kind": "storage_processor"}) for sp in self.storage_processors)
        graph.add_edges_from(self._edges())
        return graph

    @cached_property
    def hard_graph(self) -> nx.DiGraph:
        """:attr:`graph`'s nodes with only its ``"any"`` edges (a failure travels along
        each). A graph of its own, not a filtered view: the walks over it (ancestors of
        every candidate of a cut-set search) would filter every step."""
        import networkx as nx

        graph = self.graph
        hard = nx.DiGraph()
        hard.add_nodes_from(graph)
        hard.add_edges_from((u, v) for u, v, gate in graph.edges(data="gate") if gate == ANY)
        return hard

    def _edges(self) -> Iterator[tuple[str, str, dict[str, str]]]:
        attrs: dict[tuple[str, str], dict[str, str]] = {}

        def edge(u: str, v: str, relation: str, gate: str) -> tuple[str, str, dict[str, str]]:
            data = attrs.get((relation, gate))
            if data is None:
                data = attrs[relation, gate] = {"relation": relation, "gate": gate}
            return (u, v, data)

        fronted = self._fronted_locally
        witness_sites = self.witness_sites
        readers: dict[str, list[tuple[str, bool, Any]]] = {}
        for element in self.design.elements:
            kind: str = element.kind
            found = readers.get(kind)
            if found is None:
                info = KINDS.get(kind)
                found = readers[kind] = [
                    (rel.name, rel.reverse, read)
                    for _, rel, read in (info.graph_readers if info else ())
                ]
            here = element.id
            for relation, reverse, read in found:
                gate = RELATION_GATES.get(relation, ANY)
                if relation == "uses_disk":
                    os_disk = getattr(element, "purpose", None) is DiskPurpose.OS
                    gate = ANY if os_disk else NO_FAILURE
                elif relation == "member":
                    gate = ALL if kind == "cas_array" else NO_FAILURE
                elif relation == "contained_in" and here in witness_sites:
                    yield edge(here, witness_sites[here], relation, gate)  # where it runs
                    continue
                for target in read(element):
                    if reverse:
                        if relation == "fronted_by":
                            local = is_local_load_balancer(element)  # type: ignore[arg-type]
                            gate = ALL if local or target not in fronted else NO_FAILURE
                        yield edge(target, here, relation, gate)
                    else:
                        yield edge(here, target, relation, gate)
        for sp, array in self.storage_processors.items():
            yield edge(sp, array, "contained_in", ANY)
        for array, luns in self.dependents("contained_in", "lun").items():
            if array in self._arrays:
                for lun in luns:
                    for slot in "AB":
                        yield edge(lun, storage_processor_id(array, slot), SERVED_BY, ALL)
        for link, peers in self.conduit_peers.items():
            for peer in peers:
                yield edge(link, peer, SAME_FAILURE_DOMAIN, NO_FAILURE)

    @cached_property
    def _fronted_locally(self) -> set[str]:
        """CAS arrays with a load balancer of their own site in front (a geographic one
        then only sends clients their way: 000 §5.3.1)."""
        return {
            cas
            for lb in self.index.of("load_balancer", LoadBalancer)
            if is_local_load_balancer(lb)
            for cas in lb.cas_arrays
        }

    @cached_property
    def site_adjacency(self) -> dict[str, dict[str, dict[str, WanLink]]]:
        """:attr:`network` as plain dicts, without networkx: site → neighbouring site →
        the WAN links joining the two (id → link, in design order), sites and neighbours
        in the network's own order. The path questions of :mod:`designer.graph.network`
        walk it, so a check that asks them does not import networkx (~0.15 s of a
        command's start)."""
        adjacency: dict[str, dict[str, dict[str, WanLink]]] = {
            site.id: {} for site in self.index.by_kind.get("site", ())
        }
        for link in self.index.of("wan_link", WanLink):
            a, b = link.site_a, link.site_b
            joined = adjacency.setdefault(a, {}).get(b)
            if joined is None:
                joined = adjacency[a][b] = {}
                adjacency.setdefault(b, {})[a] = joined
            joined[link.id] = link
        return adjacency

    @cached_property
    def network(self) -> nx.MultiGraph:
        """Sites and WAN links: one edge per link, keyed by its id, with its ``rtt_ms``
        and ``failure_domain``; every site a node."""
        import networkx as nx

        network = nx.MultiGraph()
        network.add_nodes_from(site.id for site in self.index.by_kind.get("site", ()))
        for link in self.index.of("wan_link", WanLink):
            network.add_edge(
                link.site_a,
                link.site_b,
                key=link.id,
                rtt_ms=link.rtt_ms,
                failure_domain=link.failure_domain,
            )
        return network

    @cached_property
    def replication(self) -> nx.DiGraph:
        """Source LUN → target LUN, one edge per mirror (``mirror`` attribute): the
        source does not fail with its target, so it is no dependency."""
        import networkx as nx

        replication = nx.DiGraph()
        for mirror in self.index.by_kind.get("mirror", ()):
            replication.add_edge(
                mirror.source_lun,  # type: ignore[attr-defined]
                mirror.target_lun,  # type: ignore[attr-defined]
                mirror=mirror.id,
            )
        return replication


def build_graph(design: Design, index: DesignIndex | None = None) -> Topology:
    """Project ``design`` into a :class:`Topology` (its graphs are built on first use).

    Examples
    --------
    >>> from designer.domain.elements import Site, EsxiHost
    >>> topo = build_graph(Design(elements=[Site(id="s", name="A"),
    ...                                     EsxiHost(id="h", name="esx", site="s")]))
    >>> list(topo.graph.successors("h"))
    ['s']
    """
    return Topology(design, index)
