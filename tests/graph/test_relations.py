"""One topology: the relations the simulator's prepared form reads without networkx
(``Topology.dependents`` / ``dependencies``) are the dependency graph's edges, relation
by relation, on every sample design and a generated one; and the site network's path
questions (the rules' WAN reachability and round trips) on small worked networks."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

from designer.bundled import sample, sample_names
from designer.domain import Design, Site, WanLink
from designer.graph import build_graph
from designer.graph.network import (
    links_between,
    lowest_rtt,
    reachable_sites,
    separating_elements,
)
from designer.persistence import load


def _generated() -> Design:
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    from benchmarks.generate import generate_design

    return generate_design("1k", seed=1)


def _designs() -> list[tuple[str, Design]]:
    found = [(name, load(sample(name))) for name in sample_names()]
    return [*found, ("generated_1k", _generated())]


@pytest.mark.parametrize(
    ("name", "design"), _designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_index_relations_are_the_graphs_edges(name: str, design: Design) -> None:
    topo = build_graph(design)
    graph = topo.graph
    preds: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    succs: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for u, v, data in graph.edges(data=True):
        key = (data["relation"], graph.nodes[u]["kind"])
        preds[key][v].append(u)
        succs[key][u].append(v)
    assert preds, name
    for key in preds:
        dependents = {t: sorted(s) for t, s in topo.dependents(*key).items()}
        dependencies = {s: sorted(t) for s, t in topo.dependencies(*key).items()}
        assert dependents == {t: sorted(s) for t, s in preds[key].items()}, key
        assert dependencies == {s: sorted(t) for s, t in succs[key].items()}, key


def test_simulator_lookups_come_from_the_topology() -> None:
    from designer.simulation.prepared import Prepared

    design = _generated()
    prep = Prepared(design)
    topo = prep.topology
    for site, placed in prep.in_site.items():
        assert placed["hosts"] == topo.dependents("contained_in", "esxi_host").get(site, [])
    assert dict(prep.vms_on_host) == dict(topo.dependents("runs_on", "vm"))
    assert prep.sp_array == topo.storage_processors
    assert dict(prep.links_of_site) == dict(topo.links_of_site)


# -- the site network -------------------------------------------------------------------
def _net(*links: tuple[str, str, str, float, str | None]) -> Design:
    sites = sorted({s for link in links for s in link[1:3]})
    return Design(
        elements=[Site(id=s, name=s.upper()) for s in sites]
        + [
            WanLink(id=i, name=i, site_a=a, site_b=b, rtt_ms=rtt, failure_domain=tag)
            for i, a, b, rtt, tag in links
        ]
    )


def test_lowest_rtt_takes_the_best_parallel_link_and_the_first_of_equals() -> None:
    topo = build_graph(
        _net(
            ("ab-slow", "a", "b", 40.0, None),
            ("ab-1", "a", "b", 10.0, None),
            ("ab-2", "a", "b", 10.0, None),
            ("bc", "b", "c", 5.0, None),
        )
    )
    assert lowest_rtt(topo, "a", "c") == (15.0, ["ab-1", "bc"])
    assert lowest_rtt(topo, "c", "a") == (15.0, ["bc", "ab-1"])
    assert links_between(topo, "b", "a") == ["ab-slow", "ab-1", "ab-2"]


def test_no_path_is_none_and_a_site_reaches_itself() -> None:
    topo = build_graph(
        _net(("ab", "a", "b", 1.0, None)).model_copy(
            update={
                "elements": [*_net(("ab", "a", "b", 1.0, None)).elements, Site(id="z", name="Z")]
            }
        )
    )
    assert lowest_rtt(topo, "a", "z") is None
    assert lowest_rtt(topo, "a", "a") == (0.0, [])
    assert reachable_sites(topo, "z") == {"z"}


def test_avoiding_a_site_is_not_passing_through_it() -> None:
    topo = build_graph(_net(("ab", "a", "b", 1.0, None), ("bc", "b", "c", 1.0, None)))
    assert reachable_sites(topo, "a", avoiding=["b"]) == {"a"}
    assert reachable_sites(topo, "a", failed=["bc"]) == {"a", "b"}
    assert reachable_sites(topo, "a", failed=["a"]) == set()


def test_separating_elements_follow_menger() -> None:
    """Two independent paths between a and b: no single element separates them, any
    one element of each path together does; a conduit shared by both paths is one."""
    square = _net(
        ("ac", "a", "c", 1.0, None),
        ("cb", "c", "b", 1.0, None),
        ("ad", "a", "d", 1.0, None),
        ("db", "d", "b", 1.0, None),
    )
    topo = build_graph(square)
    assert separating_elements(topo, ["a", "b"], 1) == set()
    assert separating_elements(topo, ["a", "b"], 2) == {"ac", "cb", "c", "ad", "db", "d"}
    shared = _net(
        ("ac", "a", "c", 1.0, "duct"),
        ("cb", "c", "b", 1.0, None),
        ("ad", "a", "d", 1.0, "duct"),
        ("db", "d", "b", 1.0, None),
    )
    assert separating_elements(build_graph(shared), ["a", "b"], 1) == {"ac", "ad"}


# -- the simulator's partitions are the network's components ------------------------------
def _partition(comp: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = defaultdict(set)
    for site, number in comp.items():
        groups[number].add(site)
    return {frozenset(g) for g in groups.values()}


def _conduits() -> Design:
    """Four sites in a ring with a diagonal; two links of the ring share one conduit."""
    return _net(
        ("ab", "a", "b", 5, "duct-1"),
        ("cd", "c", "d", 5, "duct-1"),
        ("bc", "b", "c", 5, None),
        ("da", "d", "a", 5, None),
        ("ac", "a", "c", 9, None),
    )


@pytest.mark.parametrize(
    "name", ["three_site_stretched_dag", "stretched_dag_lagged", "generated", "conduits"]
)
def test_simulator_partitions_are_the_networks_components(name: str) -> None:
    """The simulator keeps its own walk for the sites still joined (it runs for every
    state judged); for every single and every pair of site and link failures it finds
    the connected components networkx finds on the network with those lost (a link
    with its conduit's other links)."""
    from itertools import combinations

    from designer.graph import failure_group
    from designer.simulation.prepared import Prepared
    from designer.simulation.world import compute_world

    design = {"generated": _generated, "conduits": _conduits}.get(
        name, lambda: load(sample(name))
    )()
    prep = Prepared(design)
    topo = prep.topology
    failable = sorted([*prep.sites, *prep.links])
    pairs = [frozenset(p) for p in combinations(failable, 2)]
    split = 0
    for failed in [frozenset([e]) for e in failable] + pairs[:400]:
        world = compute_world(prep, failed)
        comp = world.comp or {}
        lost = set().union(*(failure_group(topo, e) for e in failed))
        up = [s for s in prep.site_order if s not in failed]
        expected = {frozenset(reachable_sites(topo, s, failed=lost)) for s in up}
        split += len(expected) > 1
        if world.comp is None:  # nothing partitioned: one component of the survivors
            assert len(expected) == 1, failed
            continue
        assert _partition(comp) == expected, sorted(failed)
    assert split > 0, "no failure split the network: nothing compared"
