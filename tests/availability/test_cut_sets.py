"""Minimal cut sets: the issue's example, worked designs, minimality (hypothesis), and
the pruned search against brute force (every combination of the candidates, or of
every element that can fail, judged by the simulator one database at a time)."""

from __future__ import annotations

import sys
from functools import cache
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.availability import CutSetFinder, CutSetResult, minimal_cut_sets
from designer.bundled import sample, sample_names
from designer.domain import Design
from designer.domain.reliability import RELIABILITY_KINDS
from designer.persistence import load
from designer.simulation import Simulator

_ROOT = Path(__file__).resolve().parents[2]
for _path in (str(_ROOT), str(_ROOT / "tests" / "simulation")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import sim_designs  # noqa: E402


def _sets(result: CutSetResult, db_id: str, order: int | None = None) -> set[frozenset[str]]:
    target = result.database(db_id)
    assert target is not None
    return {frozenset(c.elements) for c in target.cut_sets if order is None or c.order == order}


# -- the example ----------------------------------------------------------------
def test_two_plus_two_dag_with_a_third_site_witness() -> None:
    """A 2+2 DAG over sites s1 and s2, its witness in s3: {site A, witness site} and
    {the A–B link, witness site} are order-2 cut sets; no single site is order 1."""
    result = minimal_cut_sets(sim_designs.stretched_dag(), 3)
    for db in ("db1", "db2"):
        order_1 = _sets(result, db, 1)
        assert not any(e in {"s1", "s2", "s3"} for c in order_1 for e in c), order_1
        order_2 = _sets(result, db, 2)
        assert frozenset({"s1", "s3"}) in order_2
        assert frozenset({"s2", "s3"}) in order_2
        assert frozenset({"l12", "s3"}) in order_2
        # …and the witness itself with a member site, the two member sites together
        assert frozenset({"fsw", "s1"}) in order_2
        assert frozenset({"s1", "s2"}) in order_2
        # losing the witness site and a link to it is not enough: s1 and s2 still talk
        assert frozenset({"l13", "s3"}) not in order_2
    site = result.site("s1")
    assert site is not None and frozenset({"s1", "s3"}) in {
        frozenset(c.elements) for c in site.cut_sets
    }
    ranked = [c.order for c in result.database("db1").cut_sets]  # type: ignore[union-attr]
    assert ranked == sorted(ranked)


def test_witness_in_a_member_site_makes_that_site_an_order_1_cut_set() -> None:
    result = minimal_cut_sets(sim_designs.stretched_dag(witness_site="s1"), 2)
    assert frozenset({"s1"}) in _sets(result, "db1", 1)
    assert frozenset({"s2"}) not in _sets(result, "db1", 1)


# -- worked designs ----------------------------------------------------------------------
def test_dag_with_ha_one_site() -> None:
    """000 Fig. 3–5: two DAG members on an HA cluster of three hosts, one CAS array behind
    one load balancer. The site, the CAS array and its load balancer are single points
    of failure; the hosts only all three together (HA restarts the others)."""
    result = minimal_cut_sets(sim_designs.dag_with_ha(), 3)
    assert _sets(result, "db1") == {
        frozenset({"s1"}),
        frozenset({"s1-casarray"}),
        frozenset({"s1-lb"}),
        frozenset({"s1-h1", "s1-h2", "s1-h3"}),
    }


def test_standalone_vm_with_ha_needs_both_storage_processors_or_both_hosts() -> None:
    result = minimal_cut_sets(sim_designs.standalone_ha(), 3)
    assert _sets(result, "db1") == {
        frozenset({"arr"}),
        frozenset({"s1"}),
        frozenset({"arr/SP-A", "arr/SP-B"}),
        frozenset({"s1-h1", "s1-h2"}),
    }
    target = result.database("db1")
    assert target is not None
    names = {c.names for c in target.cut_sets}
    assert ("arr1 SP-A", "arr1 SP-B") in {tuple(sorted(n)) for n in names}


def test_mailboxes_affected_count_every_database_a_set_takes_down() -> None:
    result = minimal_cut_sets(sim_designs.stretched_dag(), 2)
    both = next(
        c
        for c in result.database("db1").cut_sets
        if set(c.elements) == {"s1", "s3"}  # type: ignore[union-attr]
    )
    assert both.mailboxes_affected == 3000 + 1000


# -- brute force ------------------------------------------------------------------------
def brute_force(
    design: Design, order: int, *, everything: bool = False
) -> dict[str, set[frozenset[str]]]:
    """Per available database: every combination of its candidates (or of every element
    that can fail) up to ``order``, judged by a full settle, kept when no kept subset is
    inside it."""
    sim = Simulator(design)
    finder = CutSetFinder(sim, order)
    kinds = finder.topology.graph.nodes
    universe = sorted(n for n in kinds if kinds[n]["kind"] in RELIABILITY_KINDS)
    memo: dict[tuple[str, ...], set[str]] = {}

    def down(combo: tuple[str, ...]) -> set[str]:
        if combo not in memo:
            memo[combo] = set(sim.impact(combo).databases_unavailable)
        return memo[combo]

    found: dict[str, set[frozenset[str]]] = {}
    for db_id in sorted(sim.prep.dbs):
        if not sim.baseline.states[db_id].available:
            continue
        pool = universe if everything else sorted(finder.candidates(db_id))
        kept: list[frozenset[str]] = []
        for size in range(1, order + 1):
            for combo in combinations(pool, size):
                chosen = frozenset(combo)
                if any(k <= chosen for k in kept):
                    continue
                if db_id in down(combo):
                    kept.append(chosen)
        found[db_id] = set(kept)
    return found


def _found(result: CutSetResult) -> dict[str, set[frozenset[str]]]:
    return {
        t.id: {frozenset(c.elements) for c in t.cut_sets}
        for t in result.databases
        if not t.down_already
    }


@cache
def _design(name: str) -> Design:
    builders = {
        "stretched_dag": sim_designs.stretched_dag,
        "stretched_dag_witness_s1": lambda: sim_designs.stretched_dag(witness_site="s1"),
        "dag_with_ha": sim_designs.dag_with_ha,
        "standalone_small_hosts": lambda: sim_designs.standalone_ha(memory=48.0),
        "lagged_dr": sim_designs.lagged_dr,
        "double_take": sim_designs.double_take,
        "exchange2007": sim_designs.exchange2007,
        "lcr": sim_designs.lcr,
        "mirrorview_srm": sim_designs.mirrorview_srm,
    }
    if name.startswith("sample:"):
        return load(sample(name.removeprefix("sample:")))
    return builders[name]()


_SMALL = [
    "stretched_dag",
    "stretched_dag_witness_s1",
    "dag_with_ha",
    "standalone_small_hosts",
    "lagged_dr",
    "double_take",
    "exchange2007",
    "lcr",
    "mirrorview_srm",
]


@pytest.mark.parametrize("name", _SMALL)
def test_pruned_search_is_brute_force_over_every_element(name: str) -> None:
    """Order 3 over every element that can fail, not only the candidates: the closure,
    the partner rules (HA room, storage processors, load balancers side by side), the
    absorption of a host by its site and the grouping of alike databases lose nothing."""
    design = _design(name)
    assert _found(minimal_cut_sets(design, 3)) == brute_force(design, 3, everything=True)


@pytest.mark.parametrize("name", [f"sample:{n}" for n in sample_names()])
def test_pruned_search_is_brute_force_over_the_candidates_on_every_sample(name: str) -> None:
    design = _design(name)
    assert _found(minimal_cut_sets(design, 2)) == brute_force(design, 2)


def test_generated_design_matches_brute_force_over_its_candidates() -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=2)
    assert _found(minimal_cut_sets(design, 2)) == brute_force(design, 2)


# -- minimality (hypothesis) -------------------------------------------------------------
@cache
def _results(name: str) -> tuple[Simulator, CutSetResult]:
    sim = Simulator(_design(name))
    return sim, CutSetFinder(sim, 3).find()


_NAMES = [*_SMALL, *(f"sample:{n}" for n in sample_names())]


@st.composite
def cut_sets(draw: st.DrawFn) -> tuple[str, str, str, tuple[str, ...]]:
    name = draw(st.sampled_from(_NAMES))
    _, result = _results(name)
    targets = [t for t in (*result.databases, *result.sites) if t.cut_sets]
    target = draw(st.sampled_from(targets))
    chosen = draw(st.sampled_from(target.cut_sets))
    return name, target.kind, target.id, chosen.elements


@given(cut_sets())
def test_every_cut_set_is_minimal(case: tuple[str, str, str, tuple[str, ...]]) -> None:
    """It takes its target down; no proper subset does (the simulator judges)."""
    name, kind, target, elements = case
    sim, _ = _results(name)
    prep = sim.prep
    dbs = [target] if kind == "database" else prep.dbs_of_user_site[target]

    def down(combo: tuple[str, ...]) -> bool:
        return bool(set(sim.impact(combo).databases_unavailable) & set(dbs))

    assert down(elements)
    for size in range(len(elements)):
        for sub in combinations(elements, size):
            assert not down(sub), (sub, elements)


_FORKED = """
import json, sys
sys.path.insert(0, {sims!r})
import sim_designs
from designer.availability import cutsets
from designer.availability.analysis import monte_carlo_setup
from designer.availability.figures import figures_of
from designer.availability.montecarlo import _context, run_monte_carlo
from designer.domain import KindFigures, ReliabilitySettings
from designer.simulation import Simulator
assert "PySide6" not in sys.modules and cutsets._fork_context() is not None
assert _context().get_start_method() == "fork"
cutsets._PARALLEL_FROM = 8
design = sim_designs.stretched_dag().model_copy(update={{"reliability": ReliabilitySettings(
    kinds={{k: KindFigures(mtbf_h=3000.0, mttr_h=20.0) for k in ("site", "wan_link",
    "esxi_host", "file_share_witness", "load_balancer", "cas_array")}})}})
sim = Simulator(design)
finder = cutsets.CutSetFinder(sim, 3, workers=2)
result = finder.find()
setup, _ = monte_carlo_setup(design, sim, figures_of(design, finder.kinds.items()), result)
mc = run_monte_carlo(setup, 60, seed=4, workers=2, sim=sim)
print(json.dumps({{"cuts": {{t.id: sorted(sorted(c.elements) for c in t.cut_sets)
    for t in result.databases}}, "judged": result.judged, "mc": mc.unavailability,
    "workers": mc.workers}}))
"""


def test_forked_workers_find_the_same_cut_sets_and_monte_carlo() -> None:
    """Outside a Qt process the CLI forks its workers (they inherit the prepared
    simulator): run that path in a fresh interpreter and compare with one process."""
    import json
    import subprocess

    from designer.availability.analysis import monte_carlo_setup
    from designer.availability.figures import figures_of
    from designer.availability.montecarlo import run_monte_carlo
    from designer.domain import KindFigures, ReliabilitySettings

    script = _FORKED.format(sims=str(_ROOT / "tests" / "simulation"))
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=False
    )
    assert run.returncode == 0, run.stderr
    forked = json.loads(run.stdout)
    kinds = ("site", "wan_link", "esxi_host", "file_share_witness", "load_balancer", "cas_array")
    design = sim_designs.stretched_dag().model_copy(
        update={
            "reliability": ReliabilitySettings(
                kinds={k: KindFigures(mtbf_h=3000.0, mttr_h=20.0) for k in kinds}  # type: ignore[misc]
            )
        }
    )
    sim = Simulator(design)
    finder = CutSetFinder(sim, 3)
    result = finder.find()
    assert forked["cuts"] == {
        t.id: sorted(sorted(c.elements) for c in t.cut_sets) for t in result.databases
    }
    assert forked["judged"] == result.judged
    setup, _ = monte_carlo_setup(design, sim, figures_of(design, finder.kinds.items()), result)
    local = run_monte_carlo(setup, 60, seed=4, workers=1)
    assert forked["workers"] == 2 and forked["mc"] == list(local.unavailability)
