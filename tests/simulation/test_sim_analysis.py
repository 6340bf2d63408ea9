"""N-1 / N-2 analysis: single points of failure, ranking, progress and cancellation."""

from __future__ import annotations

import sim_designs as designs

from designer.simulation import Simulator, analyze, sweep_elements


def test_sweep_covers_infrastructure_and_storage_processors() -> None:
    sim = Simulator(designs.standalone_ha())
    swept = sweep_elements(sim)
    assert {"s1", "s1-h1", "s1-h2", "arr", "arr/SP-A", "arr/SP-B"} <= set(swept)
    assert "ex1" not in swept and "db1" not in swept


def test_single_points_of_failure_ranked_by_mailboxes() -> None:
    result = analyze(designs.stretched_dag(witness_site="s1"))
    first = result.entries[0]
    # Losing s1 (members and witness) stops the whole DAG: 4,000 mailboxes.
    assert first.elements == ("s1",)
    assert first.mailboxes_affected == 4000
    assert first.needs_action
    affected = [e.mailboxes_affected for e in result.entries]
    assert affected == sorted(affected, reverse=True)
    assert "s2" not in [e.elements[0] for e in result.entries if e.mailboxes_affected == 4000]


def test_third_site_witness_removes_the_site_spof() -> None:
    result = analyze(designs.stretched_dag())
    assert ("s1",) not in [e.elements for e in result.entries]
    assert ("s2",) not in [e.elements for e in result.entries]


def test_storage_array_is_a_spof_for_a_standalone_server() -> None:
    result = analyze(designs.standalone_ha())
    spofs = {e.elements for e in result.entries}
    assert ("arr",) in spofs and ("s1",) in spofs
    assert ("arr/SP-A",) not in spofs  # trespass, no outage
    assert ("s1-h1",) not in spofs  # vSphere HA restarts the VM


def test_depth_two_finds_pairs_harmless_alone() -> None:
    result = analyze(designs.stretched_dag(), depth=2)
    pairs = [e.elements for e in result.entries if len(e.elements) == 2]
    assert ("fsw", "s1") in pairs or ("s1", "fsw") in pairs
    assert result.examined == result.total


def test_progress_reports_and_cancels() -> None:
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 3

    result = analyze(designs.stretched_dag(), depth=2, progress=progress)
    assert result.cancelled
    assert result.examined == 3
    assert [d for d, _ in seen] == [1, 2, 3]


def test_pairs_are_capped() -> None:
    result = analyze(designs.stretched_dag(), depth=2, max_pairs=5)
    assert result.truncated
    assert result.examined == len(sweep_elements(Simulator(designs.stretched_dag()))) + 5
