"""The site network's path questions answered without networkx (``Topology.site_adjacency``,
so that ``dr-designer check`` does not import it) give networkx's answers: the same
sites reached, the same links between two sites, and the same lowest round trip along
the same path — also among paths of equal cost — on random networks drawn by
hypothesis (parallel links, equal round trips, links to sites not in the design, lost
sites and links, avoided sites) and on every sample design."""

from __future__ import annotations

import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.domain import Design, Site, WanLink
from designer.graph.network import links_between, lowest_rtt, reachable_sites
from designer.graph.topology import Topology, build_graph
from designer.persistence import load

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


# -- the networkx answers (the code these functions had before) --------------------------
def nx_reachable(topology: Topology, site: str, failed: list[str], avoiding: list[str]) -> set[str]:
    network = topology.network
    lost = set(failed)
    if site in lost or site not in network:
        return set() if site in lost else {site}
    hidden_sites = (lost | set(avoiding)) - {site}
    hidden_links = [(u, v, k) for u, v, k in network.edges(keys=True) if k in lost]
    view = nx.restricted_view(network, hidden_sites & set(network), hidden_links)
    return set(nx.node_connected_component(view, site))


def nx_links_between(topology: Topology, a: str, b: str) -> list[str]:
    network = topology.network
    if a not in network or b not in network[a]:
        return []
    return list(network[a][b])


def nx_lowest_rtt(topology: Topology, a: str, b: str) -> tuple[float, list[str]] | None:
    network = topology.network
    if a not in network or b not in network:
        return None

    def best(parallel: dict[str, dict[str, Any]]) -> tuple[float, str]:
        key, data = min(parallel.items(), key=lambda item: float(item[1]["rtt_ms"]))
        return float(data["rtt_ms"]), key

    try:
        path = nx.dijkstra_path(network, a, b, weight=lambda _u, _v, d: best(d)[0])
    except nx.NetworkXNoPath:
        return None
    hops = [best(network[u][v]) for u, v in pairwise(path)]
    return sum((rtt for rtt, _ in hops), 0.0), [link for _, link in hops]


def assert_same_answers(topology: Topology, failed: list[str], avoiding: list[str]) -> None:
    sites = [*topology.network.nodes, "nowhere"]
    assert list(topology.site_adjacency) == list(topology.network.nodes)
    for a in sites:
        got = reachable_sites(topology, a, failed=failed, avoiding=avoiding)
        assert got == nx_reachable(topology, a, failed, avoiding), (a, failed, avoiding)
        assert reachable_sites(topology, a) == nx_reachable(topology, a, [], [])
        for b in sites:
            assert links_between(topology, a, b) == nx_links_between(topology, a, b), (a, b)
            assert lowest_rtt(topology, a, b) == nx_lowest_rtt(topology, a, b), (a, b)


@st.composite
def networks(draw: st.DrawFn) -> tuple[Design, list[str], list[str]]:
    count = draw(st.integers(1, 7))
    sites = [f"s{i}" for i in range(count)]
    ends = st.sampled_from([*sites, "ghost"])  # a link may name a site not in the design
    pairs = draw(st.lists(st.tuples(ends, ends).filter(lambda p: p[0] != p[1]), max_size=14))
    rtts = draw(
        st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=len(pairs), max_size=len(pairs))
    )
    shuffled = draw(st.permutations(sites))  # design order differs from the names' order
    elements: list[Any] = [Site(id=s, name=s.upper()) for s in shuffled]
    links = [f"l{i}" for i in range(len(pairs))]
    elements += [
        WanLink(id=link, name=link, site_a=a, site_b=b, rtt_ms=rtt)
        for link, (a, b), rtt in zip(links, pairs, rtts, strict=True)
    ]
    order = draw(st.permutations(range(len(elements))))
    design = Design(elements=[elements[i] for i in order])
    failed = draw(st.lists(st.sampled_from([*sites, *links, "ghost"]), max_size=4))
    avoiding = draw(st.lists(st.sampled_from([*sites, "ghost"]), max_size=3))
    return design, failed, avoiding


@given(networks())
def test_paths_without_networkx_are_networkx_paths(
    drawn: tuple[Design, list[str], list[str]],
) -> None:
    design, failed, avoiding = drawn
    assert_same_answers(build_graph(design), failed, avoiding)


def test_equal_round_trips_take_networkx_path() -> None:
    # a-b-d and a-c-d both cost 2: the path networkx takes, whichever that is
    sites: list[Any] = [Site(id=s, name=s.upper()) for s in "abcd"]
    rtts = {"ac": 1.0, "ab": 1.0, "cd": 1.0, "bd": 1.0, "ad": 3.0}  # in this design order
    links = [WanLink(id=k, name=k, site_a=k[0], site_b=k[1], rtt_ms=r) for k, r in rtts.items()]
    design = Design(elements=sites + links)
    topology = build_graph(design)
    assert (
        lowest_rtt(topology, "a", "d") == nx_lowest_rtt(topology, "a", "d") == (2.0, ["ac", "cd"])
    )
    assert lowest_rtt(topology, "a", "a") == (0.0, [])


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_sample_networks_answer_as_networkx(sample: Path) -> None:
    topology = build_graph(load(sample))
    sites = list(topology.network.nodes)
    links = [key for _, _, key in topology.network.edges(keys=True)]
    assert_same_answers(topology, [], [])
    for site in sites:
        assert_same_answers(topology, [site], [])
        assert_same_answers(topology, [], [site])
    for link in links:
        assert_same_answers(topology, [link], sites[:1])


def test_checking_the_samples_does_not_import_networkx() -> None:
    code = (
        "import sys\n"
        "from designer.persistence import load\n"
        "from designer.rules.engine import check\n"
        f"for path in {[str(s) for s in SAMPLES]!r}:\n"
        "    check(load(path))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'networkx'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert run.stdout.strip() == "[]"
