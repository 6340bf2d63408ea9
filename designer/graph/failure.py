"""How a failure travels through the dependency graph: gates, failure groups, domains.

Every edge of :attr:`Topology.graph <designer.graph.topology.Topology.graph>` points
from an element to something it depends on, and carries a ``gate`` saying what the
loss of that something does to it:

* ``"any"``: the element fails when this one dependency fails (a VM with its host, a
  host with its site, a disk with its LUN, a VM with its OS disk, a WAN link with
  either of its sites, a storage processor with its array);
* ``"all"``: the element fails when *every* dependency of this relation has failed (a
  CAS array when all its member servers are down, or all the load balancers in front
  of it; a LUN when both storage processors of its array are down);
* ``""``: no failure travels this way; what follows is the simulator's business
  (a database copy on its member: activation; a DAG's members and witness: quorum; a
  VM's database or log disk: the copy loses its storage, the VM runs on; a mirror's
  LUNs: replication).

A *failure group* is what one failure event takes down at once: the element itself and,
for a WAN link tagged with a ``failure_domain``, every link with the same tag (one
conduit, one carrier). A site that goes down takes its own links, not their conduit
peers.

:func:`failure_domain` is then everything that is lost with a set of failures: the
ancestors of the failure groups over the ``"any"`` edges, grown through ``"all"``
gates whose inputs are all lost, until nothing changes. The simulator's settled
infrastructure state agrees with it for every single failure (quorum and activation
aside): ``tests/graph/test_failure_domains.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from designer.graph.gates import ALL, ANY, NO_FAILURE, RELATION_GATES

if TYPE_CHECKING:
    from designer.graph.topology import Topology

__all__ = [
    "ALL",
    "ANY",
    "NO_FAILURE",
    "RELATION_GATES",
    "dependency_closure",
    "failure_domain",
    "failure_group",
]


def failure_group(topology: Topology, element: str) -> set[str]:
    """What one failure of ``element`` takes down at once: itself, and the WAN links
    sharing its ``failure_domain`` tag.

    Examples
    --------
    >>> from designer.domain import Design, Site, WanLink
    >>> from designer.graph import build_graph
    >>> topo = build_graph(Design(elements=[
    ...     Site(id="a", name="A"), Site(id="b", name="B"), Site(id="c", name="C"),
    ...     WanLink(id="ab", name="ab", site_a="a", site_b="b", failure_domain="duct-7"),
    ...     WanLink(id="ac", name="ac", site_a="a", site_b="c", failure_domain="duct-7")]))
    >>> sorted(failure_group(topo, "ab"))
    ['ab', 'ac']
    """
    return {element, *topology.conduit_peers.get(element, ())}


def failure_domain(
    topology: Topology, failed: Iterable[str], recovered: Iterable[str] = ()
) -> set[str]:
    """Every node of the dependency graph lost when ``failed`` fail together.

    The failure groups of ``failed``, their ancestors over ``"any"`` edges, and the
    elements whose ``"all"`` gates have every input lost (and their ancestors), until
    nothing more is lost. ``recovered`` come back by themselves (the VMs vSphere HA
    restarts on another host): they, and what would fail only through them, are not
    lost. Unknown ids raise ``KeyError``.

    Examples
    --------
    >>> from designer.domain import Design, EsxiHost, Site, StorageArray, Lun, VirtualMachine
    >>> from designer.graph import build_graph
    >>> topo = build_graph(Design(elements=[
    ...     Site(id="s", name="S"), EsxiHost(id="h", name="h", site="s"),
    ...     VirtualMachine(id="vm", name="vm", host="h"),
    ...     StorageArray(id="cx", name="cx", site="s"), Lun(id="l", name="l", array="cx")]))
    >>> sorted(failure_domain(topo, ["h"]))
    ['h', 'vm']
    >>> sorted(failure_domain(topo, ["cx/SP-A"]))      # the LUN needs one SP of the two
    ['cx/SP-A']
    >>> sorted(failure_domain(topo, ["cx/SP-A", "cx/SP-B"]))
    ['cx/SP-A', 'cx/SP-B', 'l']
    """
    import networkx as nx

    graph = topology.graph
    spared = set(recovered)
    hard = nx.restricted_view(topology.hard_graph, spared, []) if spared else topology.hard_graph
    seeds: set[str] = set()
    for element in failed:
        if element not in graph:
            raise KeyError(element)
        seeds |= failure_group(topology, element)
    seeds -= spared
    down: set[str] = set()
    while seeds:
        reached = set(seeds)
        for node in seeds:
            reached |= nx.ancestors(hard, node)
        new = reached - down
        down |= new
        seeds = {
            dependent
            for node in new
            for dependent, data in graph.pred[node].items()
            if data["gate"] == ALL
            and dependent not in down
            and dependent not in spared
            and _gate_closed(graph, dependent, data["relation"], down)
        }
    return down


def _gate_closed(graph: Any, node: str, relation: str, down: set[str]) -> bool:
    """Whether every ``"all"`` input of ``node``'s ``relation`` is lost."""
    return all(
        target in down
        for target, data in graph.succ[node].items()
        if data["relation"] == relation and data["gate"] == ALL
    )


def dependency_closure(topology: Topology, element: str) -> set[str]:
    """Everything ``element`` depends on, directly or not, whatever the gate: its
    descendants in the dependency graph (a database: its copies' servers, their hosts,
    disks, LUNs, arrays, storage processors and sites, its DAG's members and witness).

    Examples
    --------
    >>> from designer.domain import Design, EsxiHost, Site, VirtualMachine
    >>> from designer.graph import build_graph
    >>> topo = build_graph(Design(elements=[
    ...     Site(id="s", name="S"), EsxiHost(id="h", name="h", site="s"),
    ...     VirtualMachine(id="vm", name="vm", host="h")]))
    >>> sorted(dependency_closure(topo, "vm"))
    ['h', 's']
    """
    import networkx as nx

    return set(nx.descendants(topology.graph, element))
