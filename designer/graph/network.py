"""Path questions over the site network (sites and WAN links).

The rules ask them: which sites a site still reaches when others are lost or avoided
(a breadth-first walk), the lowest round trip between two sites and the links it takes
(Dijkstra, the ``rtt_ms`` of the best parallel link per hop), the links between two
sites — all over :attr:`~designer.graph.topology.Topology.site_adjacency`, plain dicts,
so that ``dr-designer check`` does not import networkx for them (the same answers as
networkx's, ``tests/graph/test_site_paths.py``) — and which sites and links can separate
two sites in a few failures (node cuts of the network with each link as a node of its
own, by networkx).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from heapq import heappop, heappush
from itertools import count, pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from designer.domain.elements import WanLink
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
    adjacency = topology.site_adjacency
    lost = set(failed)
    if site_id in lost or site_id not in adjacency:
        return set() if site_id in lost else {site_id}
    hidden = (lost | set(avoiding)) - {site_id}
    reached = {site_id}
    todo = [site_id]
    while todo:
        for neighbour, links in adjacency[todo.pop()].items():
            if neighbour in reached or neighbour in hidden:
                continue
            if not lost or any(link not in lost for link in links):
                reached.add(neighbour)
                todo.append(neighbour)
    return reached


def site_links(topology: Topology, site_id: str) -> list[str]:
    """The WAN links of a site, in design order."""
    return list(topology.links_of_site.get(site_id, ()))


def links_between(topology: Topology, a: str, b: str) -> list[str]:
    """The WAN links joining sites ``a`` and ``b`` directly, in design order."""
    joined = topology.site_adjacency.get(a, {}).get(b)
    return list(joined) if joined else []


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
    adjacency = topology.site_adjacency
    if a not in adjacency or b not in adjacency:
        return None

    def best(parallel: dict[str, WanLink]) -> tuple[float, str]:
        # min keeps the first of equals: parallel links are in design order
        key, link = min(parallel.items(), key=lambda item: float(item[1].rtt_ms))
        return float(link.rtt_ms), key

    path = _dijkstra_path(adjacency, a, b, lambda joined: best(joined)[0])
    if path is None:
        return None
    total = 0.0
    links: list[str] = []
    for u, v in pairwise(path):
        rtt, link = best(adjacency[u][v])
        total += rtt
        links.append(link)
    return total, links


def _dijkstra_path(
    adjacency: dict[str, dict[str, dict[str, WanLink]]],
    source: str,
    target: str,
    cost: Callable[[dict[str, WanLink]], float],
) -> list[str] | None:
    """The path networkx's ``dijkstra_path`` finds from ``source`` to ``target`` (the
    same among paths of equal cost: the heap breaks ties by the order nodes were
    reached, a node's predecessor is the first that reached it at its lowest cost), or
    None when no path joins them."""
    if source == target:
        return [source]
    done: dict[str, float] = {}
    seen = {source: 0.0}
    previous: dict[str, str] = {}
    order = count()
    fringe: list[tuple[float, int, str]] = [(0.0, next(order), source)]
    while fringe:
        here_cost, _, here = heappop(fringe)
        if here in done:
            continue
        done[here] = here_cost
        if here == target:
            break
        for there, joined in adjacency[here].items():
            there_cost = here_cost + cost(joined)
            if there in done:  # settled (round trips are positive)
                continue
            if there not in seen or there_cost < seen[there]:
                seen[there] = there_cost
                heappush(fringe, (there_cost, next(order), there))
                previous[there] = here
    if target not in done:
        return None
    path = [target]
    while path[-1] != source:
        path.append(previous[path[-1]])
    path.reverse()
    return path


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
