"""N-2 analysis streams its pairs (issue 15: ``analyze --depth 2`` built every pair
before cutting to ``--max-pairs``; 8,000 hosts took 2.26 GB with ``--max-pairs 10``)."""

from __future__ import annotations

import itertools

import pytest

from designer.domain import Design, EsxiHost, Site
from designer.simulation import analysis, analyze


def many_hosts(n: int) -> Design:
    return Design(
        elements=[Site(id="s", name="S")]
        + [EsxiHost(id=f"h{i:05d}", name=f"esx{i:05d}", site="s") for i in range(n)]
    )


@pytest.fixture
def counted_pairs(monkeypatch):
    """Counts the pairs the analysis takes out of itertools.combinations."""
    taken = {"pairs": 0}
    real = itertools.combinations

    def counting(items, r):
        for pair in real(items, r):
            taken["pairs"] += 1
            yield pair

    monkeypatch.setattr(analysis, "combinations", counting)
    return taken


@pytest.mark.parametrize("hosts", [60, 600])
def test_pairs_beyond_the_cap_are_never_made(counted_pairs, hosts: int) -> None:
    result = analyze(many_hosts(hosts), 2, max_pairs=10)
    assert result.truncated
    harmless = hosts + 1  # no host (nor the empty site) harms anything alone
    assert result.examined == harmless + 10
    assert result.total == harmless + 10
    # The pairs taken do not grow with hosts²: the cap, and not one more.
    assert counted_pairs["pairs"] <= 10


def test_without_the_cap_every_pair_is_examined(counted_pairs) -> None:
    result = analyze(many_hosts(20), 2, max_pairs=1000)
    assert not result.truncated
    assert result.examined == 21 + 21 * 20 // 2
    assert counted_pairs["pairs"] == 21 * 20 // 2


def test_the_progress_total_never_shrinks(counted_pairs) -> None:
    seen: list[tuple[int, int]] = []
    analyze(many_hosts(30), 2, max_pairs=50, progress=lambda d, t: seen.append((d, t)) or True)
    totals = [t for _, t in seen]
    assert totals == sorted(totals, reverse=True)  # never grows
    assert seen[-1][0] == seen[-1][1]
