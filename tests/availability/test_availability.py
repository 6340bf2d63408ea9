"""Availability: worked examples by hand (series, parallel, 2-of-3 quorum with a
witness) with the formula beside the expectation; properties (a redundant copy never
lowers availability, a shorter repair never lowers it); the Monte Carlo against the
formulas and the cut sets on every sample, and the same figures whatever the number of
processes; figures' origins and importance."""

from __future__ import annotations

import math
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.availability import (
    NoFiguresError,
    analyze_availability,
    figures_of,
    importance,
    run_monte_carlo,
)
from designer.availability.analysis import monte_carlo_setup
from designer.availability.cutsets import CutSetFinder
from designer.availability.figures import MINUTES_PER_YEAR
from designer.bundled import sample, sample_names
from designer.domain import (
    Dag,
    DatabaseCopy,
    Design,
    DiskPurpose,
    EsxiHost,
    FileShareWitness,
    KindFigures,
    Lun,
    MailboxDatabase,
    ReliabilitySettings,
    Site,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
)
from designer.persistence import load
from designer.simulation import Simulator

_ROOT = Path(__file__).resolve().parents[2]
for _path in (str(_ROOT), str(_ROOT / "tests" / "simulation")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import sim_designs  # noqa: E402


def _q(mtbf: float, mttr: float) -> float:
    return mttr / (mtbf + mttr)


def _figures(**kinds: tuple[float, float]) -> ReliabilitySettings:
    return ReliabilitySettings(
        kinds={k: KindFigures(mtbf_h=m, mttr_h=r) for k, (m, r) in kinds.items()}  # type: ignore[misc]
    )


# -- worked examples ------------------------------------------------------------------------
def series_design() -> Design:
    """One Exchange server on one host (no cluster: nothing restarts it), its database
    on one array, in one site: every element is in series."""
    return Design(
        elements=[
            Site(id="s", name="S", users=100),
            EsxiHost(id="h", name="h", site="s"),
            VirtualMachine(id="vm", name="mbx", host="h"),
            StorageArray(id="cx", name="cx", site="s"),
            Lun(id="lun", name="lun", array="cx"),
            VirtualDisk(
                id="d", name="d", vm="vm", lun="lun", purpose=DiskPurpose.DATABASE, database="db"
            ),
            MailboxDatabase(
                id="db", name="DB", mailboxes=100, user_site="s", copies=[DatabaseCopy(member="vm")]
            ),
        ]
    )


def test_series_sums_the_unavailabilities() -> None:
    """Series: U = q_site + q_host + q_array + q_SPA·q_SPB (the LUN needs one of the
    array's two storage processors)."""
    fig = dict(
        site=(50_000.0, 24.0),
        esxi_host=(20_000.0, 8.0),
        storage_array=(100_000.0, 12.0),
        storage_processor=(30_000.0, 6.0),
    )
    design = series_design().model_copy(update={"reliability": _figures(**fig)})
    report = analyze_availability(design, order=3)
    q = {k: _q(*v) for k, v in fig.items()}
    expected = q["site"] + q["esxi_host"] + q["storage_array"] + q["storage_processor"] ** 2
    row = report.databases[0]
    assert row.unavailability == pytest.approx(expected, rel=1e-12)
    assert row.downtime_min_per_year == pytest.approx(expected * 525_960.0, rel=1e-12)
    assert row.nines == pytest.approx(-math.log10(expected))
    assert row.cut_sets == 4


def parallel_design() -> Design:
    """Two DAG members on two hosts (no cluster), each with a copy, the witness a
    physical server in the site: U(two hosts) = q_h1 · q_h2 when only hosts fail."""
    return Design(
        elements=[
            Site(id="s", name="S", users=100),
            EsxiHost(id="h1", name="h1", site="s", mtbf_h=10_000.0, mttr_h=20.0),
            EsxiHost(id="h2", name="h2", site="s", mtbf_h=5_000.0, mttr_h=50.0),
            VirtualMachine(id="m1", name="m1", host="h1"),
            VirtualMachine(id="m2", name="m2", host="h2"),
            FileShareWitness(id="w", name="w", site="s"),
            Dag(id="dag", name="DAG", members=["m1", "m2"], witness="w"),
            MailboxDatabase(
                id="db",
                name="DB",
                dag="dag",
                mailboxes=100,
                user_site="s",
                copies=[
                    DatabaseCopy(member="m1"),
                    DatabaseCopy(member="m2", activation_preference=2),
                ],
            ),
        ]
    )


def test_parallel_multiplies_the_unavailabilities() -> None:
    """Parallel: U = q1 · q2 (A = 1 − (1 − A1)(1 − A2)); the elements' own figures."""
    report = analyze_availability(parallel_design(), order=3)
    expected = _q(10_000.0, 20.0) * _q(5_000.0, 50.0)
    assert report.databases[0].unavailability == pytest.approx(expected, rel=1e-12)
    assert {f.origin for f in report.figures.figures.values()} == {"user-supplied (element)"}
    assert "site" in report.figures.missing and "file_share_witness" in report.figures.missing


def quorum_design() -> Design:
    """2-of-3: two DAG members and the witness vote; the database needs two votes (and a
    copy): the witness has its own figures."""
    design = parallel_design()
    return design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"mtbf_h": 4_000.0, "mttr_h": 40.0}) if e.id == "w" else e
                for e in design.elements
            ]
        }
    )


def test_two_of_three_quorum_with_a_witness() -> None:
    """2-of-3 voters: U = q1q2 + q1qw + q2qw (rare-event); exactly
    U = q1q2 + q1qw + q2qw − 2·q1q2qw. The Monte Carlo's interval holds both."""
    q1, q2, qw = _q(10_000.0, 20.0), _q(5_000.0, 50.0), _q(4_000.0, 40.0)
    rare = q1 * q2 + q1 * qw + q2 * qw
    exact = rare - 2 * q1 * q2 * qw
    report = analyze_availability(quorum_design(), order=3, years=3000, seed=7, workers=1)
    row = report.databases[0]
    assert row.unavailability == pytest.approx(rare, rel=1e-12)
    assert {frozenset(c.elements) for c in report.cut_sets.databases[0].cut_sets} == {
        frozenset({"s"}),  # the site: no figures, never fails here
        frozenset({"h1", "h2"}),
        frozenset({"h1", "w"}),
        frozenset({"h2", "w"}),
    }
    low, high = report.monte_carlo.interval(0)  # type: ignore[union-attr]
    assert low <= exact <= high and low <= rare <= high, (low, exact, rare, high)
    assert row.agrees is True


def test_importance_of_the_quorum_voters() -> None:
    """Birnbaum of h1 = q2 + qw (∂U/∂q1); Fussell–Vesely of h1 = (q1q2 + q1qw) / U."""
    q1, q2, qw = _q(10_000.0, 20.0), _q(5_000.0, 50.0), _q(4_000.0, 40.0)
    rare = q1 * q2 + q1 * qw + q2 * qw
    report = analyze_availability(quorum_design(), order=3)
    by = {i.element: i for i in report.target_importance("database", "db")}
    assert by["h1"].birnbaum == pytest.approx(q2 + qw)
    assert by["h1"].fussell_vesely == pytest.approx((q1 * q2 + q1 * qw) / rare)
    assert by["h2"].fussell_vesely > by["h1"].fussell_vesely  # the worse host first
    assert report.importance[0].element == "h2"


def test_importance_formulas() -> None:
    q = {"a": 0.1, "b": 0.2, "c": 0.01}.get
    values = importance([["a", "b"], ["c"]], q)  # U = qa·qb + qc = 0.03
    assert values["c"] == pytest.approx((1.0, 0.01 / 0.03))
    assert values["a"] == pytest.approx((0.2, 0.02 / 0.03))


def test_no_figures_at_all_is_a_clear_error() -> None:
    with pytest.raises(NoFiguresError, match="reliability table"):
        analyze_availability(series_design())


def test_figures_fall_back_field_by_field_and_name_their_origin() -> None:
    design = series_design().model_copy(
        update={
            "reliability": ReliabilitySettings(
                kinds={"esxi_host": KindFigures(mtbf_h=1000.0, mttr_h=10.0, source="ops log 2024")}
            ),
        }
    )
    table = figures_of(design, [("h", "esxi_host"), ("s", "site")])
    assert table.figures["h"].origin == "user-supplied (kind: ops log 2024)"
    assert table.missing == {"site": ["s"]}
    own = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"mttr_h": 2.0}) if e.id == "h" else e for e in design.elements
            ]
        }
    )
    mixed = figures_of(own, [("h", "esxi_host")]).figures["h"]
    assert (mixed.mtbf_h, mixed.mttr_h, mixed.origin) == (1000.0, 2.0, "user-supplied (element)")


# -- properties -----------------------------------------------------------------------------
_KINDS = (
    "site",
    "wan_link",
    "esxi_host",
    "storage_array",
    "storage_processor",
    "load_balancer",
    "file_share_witness",
    "cas_array",
)


@st.composite
def figure_tables(draw: st.DrawFn, rare: bool = False) -> ReliabilitySettings:
    """Figures per kind; ``rare``: each q = MTTR/(MTBF+MTTR) under 1 %, the regime of
    the rare-event approximation (where it is what the figures mean)."""
    kinds = {}
    for kind in _KINDS:
        mtbf = draw(st.floats(500.0, 200_000.0))
        mttr = draw(st.floats(0.5, mtbf / 100 if rare else 200.0))
        kinds[kind] = KindFigures(mtbf_h=mtbf, mttr_h=mttr)
    return ReliabilitySettings(kinds=kinds)  # type: ignore[arg-type]


_DAG_DESIGNS = {
    "stretched_dag": sim_designs.stretched_dag,
    "stretched_dag_witness_s1": lambda: sim_designs.stretched_dag(witness_site="s1"),
    "dag_with_ha": sim_designs.dag_with_ha,
    "lagged_dr": sim_designs.lagged_dr,
}


@cache
def _dag_design(name: str) -> Design:
    return _DAG_DESIGNS[name]()


def _with_copy(design: Design, db_id: str, member: str) -> Design:
    elements = []
    for e in design.elements:
        if e.id == db_id:
            worst = max(c.activation_preference for c in e.copies)  # type: ignore[attr-defined]
            copies = [*e.copies, DatabaseCopy(member=member, activation_preference=worst + 1)]  # type: ignore[attr-defined]
            e = e.model_copy(update={"copies": copies})
        elements.append(e)
    return design.model_copy(update={"elements": elements})


@st.composite
def redundant_copies(draw: st.DrawFn) -> tuple[Design, Design, str]:
    name = draw(st.sampled_from(sorted(_DAG_DESIGNS)))
    design = _dag_design(name).model_copy(update={"reliability": draw(figure_tables(rare=True))})
    dbs = [e for e in design.elements if isinstance(e, MailboxDatabase) and e.dag]
    db = draw(st.sampled_from(dbs))
    dag = next(e for e in design.elements if isinstance(e, Dag) and e.id == db.dag)
    free = [m for m in dag.members if m not in {c.member for c in db.copies}]
    if not free:
        free = list(dag.members)
        db = db.model_copy(update={"copies": db.copies[:1]})
        design = design.model_copy(
            update={"elements": [db if e.id == db.id else e for e in design.elements]}
        )
        free = [m for m in dag.members if m != db.copies[0].member]
    member = draw(st.sampled_from(free))
    return design, _with_copy(design, db.id, member), db.id


@given(redundant_copies())
def test_a_redundant_copy_never_lowers_availability(case: tuple[Design, Design, str]) -> None:
    """Every cut set after the copy holds one from before (a set that takes the database
    down with the copy does without it), so with every q under 1 % the sum over cut sets
    cannot grow. With large q it can (one pair replaced by a dozen triples whose third
    elements' q sum over 1: hypothesis found such a case at q ≈ 0.25); the true
    unavailability, which the Monte Carlo measures, still falls."""
    before, after, db_id = case
    old = next(r for r in analyze_availability(before, order=3).databases if r.id == db_id)
    new = next(r for r in analyze_availability(after, order=3).databases if r.id == db_id)
    assert new.unavailability <= old.unavailability * (1 + 1e-12), (old, new)


@given(
    st.sampled_from(sorted(_DAG_DESIGNS)),
    figure_tables(),
    st.sampled_from(_KINDS),
    st.floats(0.01, 0.99),
)
def test_a_shorter_repair_never_lowers_availability(
    name: str, table: ReliabilitySettings, kind: str, factor: float
) -> None:
    design = _dag_design(name).model_copy(update={"reliability": table})
    kinds = dict(table.kinds)
    old_figures = kinds[kind]  # type: ignore[index]
    kinds[kind] = old_figures.model_copy(update={"mttr_h": old_figures.mttr_h * factor})  # type: ignore[index]
    faster = design.model_copy(update={"reliability": ReliabilitySettings(kinds=kinds)})
    sim_old, sim_new = Simulator(design), Simulator(faster)
    cuts = CutSetFinder(sim_old, 3).find()  # the same structure: cut sets do not change
    before = analyze_availability(sim_old, cut_sets=cuts)
    after = analyze_availability(sim_new, cut_sets=cuts)
    for old_row, new_row in zip(
        before.databases + before.sites, after.databases + after.sites, strict=True
    ):
        assert new_row.unavailability <= old_row.unavailability * (1 + 1e-12)


# -- the Monte Carlo ------------------------------------------------------------------------
#: Figures for the samples: failures frequent enough (q ≈ 0.3–1 %) that a few hundred
#: years see every cut set of order two many times.
_TEST_FIGURES = _figures(
    site=(6_000.0, 30.0),
    wan_link=(3_000.0, 15.0),
    esxi_host=(2_500.0, 12.0),
    storage_array=(5_000.0, 25.0),
    storage_processor=(3_000.0, 10.0),
    load_balancer=(4_000.0, 8.0),
    file_share_witness=(2_000.0, 20.0),
    cas_array=(8_000.0, 6.0),
)


@pytest.mark.parametrize("name", sample_names())
def test_monte_carlo_agrees_with_the_cut_sets_on_every_sample(name: str) -> None:
    design = load(sample(name)).model_copy(update={"reliability": _TEST_FIGURES})
    report = analyze_availability(design, order=3, years=600, seed=11, workers=1)
    rows = [r for r in (*report.databases, *report.sites) if not r.down_already]
    assert rows
    for row in rows:
        assert row.monte_carlo is not None
        assert row.agrees, (row.kind, row.name, row.unavailability, row.monte_carlo)


def test_monte_carlo_gives_the_same_figures_whatever_the_number_of_processes() -> None:
    design = sim_designs.stretched_dag().model_copy(update={"reliability": _TEST_FIGURES})
    sim = Simulator(design)
    finder = CutSetFinder(sim, 2)
    cuts = finder.find()
    table = figures_of(design, finder.kinds.items())
    setup, _ = monte_carlo_setup(design, sim, table, cuts)
    one = run_monte_carlo(setup, 120, seed=5, workers=1)
    two = run_monte_carlo(setup, 120, seed=5, workers=2)
    assert two.workers == 2
    assert one.unavailability == two.unavailability and one.half_width == two.half_width
    assert one.failures == two.failures > 0
    other = run_monte_carlo(setup, 120, seed=6, workers=1)
    assert other.unavailability != one.unavailability


def test_monte_carlo_over_processes_judges_each_state_once() -> None:
    """Judging is the cost: over processes each distinct set of failed elements is judged
    once (a sweep round, then the states shared out), not once per process."""
    design = sim_designs.stretched_dag().model_copy(update={"reliability": _TEST_FIGURES})
    sim = Simulator(design)
    finder = CutSetFinder(sim, 2)
    setup, _ = monte_carlo_setup(
        design, sim, figures_of(design, finder.kinds.items()), finder.find()
    )
    seen: list[tuple[int, int]] = []
    two = run_monte_carlo(
        setup, 60, seed=5, workers=2, progress=lambda d, t: seen.append((d, t)) is None
    )
    one = run_monte_carlo(setup, 60, seed=5, workers=1)
    assert two.states_judged == one.states_judged > 0
    assert two.unavailability == one.unavailability and two.chunks == one.chunks == 60
    assert seen[-1] == (120, 120) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    # cancelled while the chunks are swept: nothing judged, nothing kept
    stopped = run_monte_carlo(setup, 60, seed=5, workers=2, progress=lambda d, _t: d < 20)
    assert stopped.cancelled and stopped.chunks == 0 and stopped.years == 0


def test_monte_carlo_progress_and_cancel() -> None:
    design = sim_designs.dag_with_ha().model_copy(update={"reliability": _TEST_FIGURES})
    sim = Simulator(design)
    finder = CutSetFinder(sim, 2)
    setup, _ = monte_carlo_setup(
        design, sim, figures_of(design, finder.kinds.items()), finder.find()
    )
    seen: list[tuple[int, int]] = []

    def stop_after_three(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 3

    result = run_monte_carlo(setup, 50, seed=1, workers=1, progress=stop_after_three)
    assert result.cancelled and result.chunks == 3 and result.years == 3
    assert seen == [(1, 50), (2, 50), (3, 50)]


def test_downtime_minutes_per_year() -> None:
    report = analyze_availability(parallel_design(), order=2)
    row = report.databases[0]
    assert row.downtime_min_per_year == pytest.approx(row.unavailability * MINUTES_PER_YEAR)
    assert MINUTES_PER_YEAR == 365.25 * 24 * 60


def test_spawned_workers_build_their_own_simulator_and_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The GUI's processes are spawned (never forked from a Qt process): each builds its
    simulator from the design in its initializer; the figures are the same."""
    import multiprocessing

    from designer.availability import montecarlo

    monkeypatch.setattr(montecarlo, "_context", lambda: multiprocessing.get_context("spawn"))
    design = sim_designs.dag_with_ha().model_copy(update={"reliability": _TEST_FIGURES})
    sim = Simulator(design)
    finder = CutSetFinder(sim, 2)
    setup, _ = monte_carlo_setup(
        design, sim, figures_of(design, finder.kinds.items()), finder.find()
    )
    spawned = run_monte_carlo(setup, 40, seed=3, workers=2)
    local = run_monte_carlo(setup, 40, seed=3, workers=1)
    assert spawned.unavailability == local.unavailability
    assert spawned.states_judged >= local.states_judged


def test_a_cancel_while_spawned_workers_start_ends_them_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Closing the window (or quitting) while a Monte Carlo's spawned processes still
    start: the cancel is asked and seen before any chunk comes back, and the processes
    are ended, not waited for (they import numpy and build their simulator first: the
    window froze 3-4 s in its close on a busy machine). Nothing is kept."""
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor
    from typing import Any

    from designer.availability import montecarlo

    pools: list[ProcessPoolExecutor] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(montecarlo, "_context", lambda: multiprocessing.get_context("spawn"))
    monkeypatch.setattr(montecarlo, "ProcessPoolExecutor", Recorded)
    design = sim_designs.dag_with_ha().model_copy(update={"reliability": _TEST_FIGURES})
    sim = Simulator(design)
    finder = CutSetFinder(sim, 2)
    setup, _ = monte_carlo_setup(
        design, sim, figures_of(design, finder.kinds.items()), finder.find()
    )
    asked: list[tuple[int, int]] = []
    processes: list[multiprocessing.process.BaseProcess] = []

    def cancel_at_once(done: int, total: int) -> bool:
        asked.append((done, total))
        processes.extend(getattr(pools[-1], "_processes", {}).values())
        return False

    stopped = run_monte_carlo(setup, 40, seed=3, workers=2, progress=cancel_at_once)
    assert asked == [(0, 80)]  # asked while no chunk had come back, not after the first
    assert stopped.cancelled and stopped.chunks == 0 and stopped.years == 0
    assert processes and all(p.exitcode == -signal.SIGTERM for p in processes)
    assert not multiprocessing.active_children()
