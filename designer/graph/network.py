"""Path questions over the site network (sites and WAN links), answered by networkx.

The rules ask them: which sites a site still reaches when others are lost or avoided
(a restricted view and its connected component), the lowest round trip between two
sites and the links it takes (Dijkstra, the ``rtt_ms`` of the best parallel link per
hop), the links between two sites, and which sites and links can separate two sites
in a few failures (node cuts of the network with each link as a node of its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from designer.graph.topology import Topology

__all__ = [
    "links_between",
    "lowest_rtt",
    "reachable_sites",
    "separating_elements",
    "site_links",
]


def reachable_sites(
    topology: Topology, site_id: str, failed: Iterable[str] = (), avoiding: Iterable[str] = ()
) -> set[str]:
    """Sites ``site_id`` reaches over WAN links, with the sites and links in ``failed``
    lost and the sites in ``avoiding`` not passed through (nor reached).

    Examples
    --------
    >>> from designer.domain import Design, Site, WanLink
    >>> from designer.graph import build_graph
    >>> topo = build_graph(Design(elements=[
    ...     Site(id="a", name="A"), Site(id="b", name="B"), Site(id="c", name="C"),
    ...     WanLink(id="ab", name="ab", site_a="a", site_b="b"),
    ...     WanLink(id="bc", name="bc", site_a="b", site_b="c")]))
    >>> sorted(reachable_sites(topo, "a")), sorted(reachable_sites(topo, "a", avoiding=["b"]))
    (['a', 'b', 'c'], ['a'])
    >>> sorted(reachable_sites(topo, "c", failed=["ab"]))
    ['b', 'c']
    """
    import networkx as nx

    network = topology.network
    lost = set(failed)
    if site_id in lost or site_id not in network:
        return set() if site_id in lost else {site_id}
    hidden_sites = (lost | set(avoiding)) - {site_id}
    hidden_links = [(u, v, k) for u, v, k in network.edges(keys=True) if k in lost]
    view = nx.restricted_view(network, hidden_sites & set(network), hidden_links)
    return set(nx.node_connected_component(view, site_id))


def site_links(topology: Topology, site_id: str) -> list[str]:
    """The WAN links of a site, in design order."""
    return list(topology.links_of_site.get(site_id, ()))


def links_between(topology: Topology, a: str, b: str) -> list[str]:
    """The WAN links joining sites ``a`` and ``b`` directly, in design order."""
    network = topology.network
    if a not in network or b not in network[a]:
        return []
    return list(network[a][b])


def lowest_rtt(topology: Topology, a: str, b: str) -> tuple[float, list[str]] | None:
    """The smallest round trip from site ``a`` to ``b`` (ms, summed over the path) and
    the WAN links it takes, or None when no path joins them.

    Parallel links: each hop takes the one with the lowest ``rtt_ms`` (the first in
    design order among equals).

    Examples
    --------
    >>> from designer.domain import Design, Site, WanLink
    >>> from designer.graph import build_graph
    >>> topo = build_graph(Design(elements=[
    ...     Site(id="a", name="A"), Site(id="b", name="B"), Site(id="c", name="C"),
    ...     WanLink(id="ab", name="ab", site_a="a", site_b="b", rtt_ms=90),
    ...     WanLink(id="ac", name="ac", site_a="a", site_b="c", rtt_ms=20),
    ...     WanLink(id="cb", name="cb", site_a="c", site_b="b", rtt_ms=30)]))
    >>> lowest_rtt(topo, "a", "b")
    (50.0, ['ac', 'cb'])
    """
    import networkx as nx

    network = topology.network
    if a not in network or b not in network:
        return None

    def best(parallel: dict[str, dict[str, Any]]) -> tuple[float, str]:
        # min keeps the first of equals: parallel links are in design order
        key, data = min(parallel.items(), key=lambda item: float(item[1]["rtt_ms"]))
        return float(data["rtt_ms"]), key

    try:
        path = nx.dijkstra_path(network, a, b, weight=lambda _u, _v, d: best(d)[0])
    except nx.NetworkXNoPath:
        return None
    total = 0.0
    links: list[str] = []
    for u, v in pairwise(path):
        rtt, link = best(network[u][v])
        total += rtt
        links.append(link)
    return total, links


def separating_elements(topology: Topology, sites: Iterable[str], order: int) -> set[str]:
    """The sites and WAN links that belong to some set of at most ``order`` of them
    whose loss separates two of ``sites`` from each other (a site of ``sites`` lost
    itself separates nothing here: it is judged as a site of its own).

    Each link is a node of its own between its two sites (links sharing a
    ``failure_domain`` tag are one node: they fail together), so a separating set is a
    node cut of that graph; networkx's node connectivity says when none is small
    enough, and the few small ones are then enumerated.

    Examples
    --------
    >>> from designer.domain import Design, Site, WanLink
    >>> from designer.graph import build_graph
    >>> topo = build_graph(Design(elements=[
    ...     Site(id="a", name="A"), Site(id="b", name="B"), Site(id="c", name="C"),
    ...     WanLink(id="ab", name="ab", site_a="a", site_b="b"),
    ...     WanLink(id="ac", name="ac", site_a="a", site_b="c"),
    ...     WanLink(id="cb", name="cb", site_a="c", site_b="b")]))
    >>> sorted(separating_elements(topo, ["a", "b"], 1))
    []
    >>> sorted(separating_elements(topo, ["a", "b"], 2))
    ['ab', 'ac', 'c', 'cb']
    """
    from itertools import combinations

    import networkx as nx

    network = topology.network
    ends = sorted(s for s in set(sites) if s in network)
    if len(ends) < 2 or order < 1:
        return set()
    split = nx.Graph()
    split.add_nodes_from(network.nodes)
    groups: dict[str, str] = {}  # link -> its node (the conduit for tagged links)
    for u, v, key, data in network.edges(keys=True, data=True):
        node = f"link:{data['failure_domain']}" if data.get("failure_domain") else f"link:{key}"
        groups[key] = node
        split.add_edge(u, node)
        split.add_edge(node, v)
    found: set[str] = set()
    removable = [n for n in split.nodes if n not in ends]
    pairs = [
        (s, t)
        for s, t in combinations(ends, 2)
        if nx.has_path(split, s, t) and nx.node_connectivity(split, s, t) <= order
    ]
    if not pairs:
        return found
    members = {node: [k for k, n in groups.items() if n == node] for node in set(groups.values())}
    for s, t in pairs:
        cuts: list[set[str]] = []
        for size in range(1, order + 1):
            for cut in combinations(removable, size):
                chosen = set(cut)
                if any(c < chosen for c in cuts):
                    continue  # a smaller cut of this pair is inside: not minimal
                if not nx.has_path(nx.restricted_view(split, chosen, []), s, t):
                    cuts.append(chosen)
        for minimal in cuts:
            for node in minimal:
                found.update(members.get(node, [node]))
    return found
