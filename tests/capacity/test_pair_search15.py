"""The pair search's set-up (wave 15, ``capb15``): :class:`DagPredictor` works out each
distinct servers tuple's candidates once, its holders from those tuples and its active
pairs at C speed. Against the former expressions database by database: the candidates
(equal values), the holders, and what an array's or a site's lost copies intersect of the
active pairs; on the samples, generated 1k designs, Hypothesis designs and a design whose
databases share members but not lags or preferences."""

from __future__ import annotations

from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs

from designer.capacity import CapacityEngine
from designer.capacity.analysis import relevant_elements
from designer.capacity.search import DagPredictor, dag_impacts
from designer.domain import Dag, Design, MailboxDatabase
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _sized_samples() -> list[Path]:
    return [
        p
        for p in sorted(SAMPLES.glob("*.json"))
        if states_workload(getattr(load(p), "design", load(p)))
    ]


def _check(design: Design) -> int:
    """The predictors of every DAG against the former set-up; how many databases."""
    sim = Simulator(design)
    prep = sim.prep
    active = CapacityEngine(sim).base_active
    singles, _skipped = relevant_elements(sim)
    impacts = [dag_impacts(prep, sim.placement([e])) for e in singles]
    seen = hit = 0
    for dag_id in sorted(prep.dags):
        predictor = DagPredictor(prep, dag_id, active)
        holders = set(prep.dags[dag_id].members)
        pairs = set()
        for db_id in prep.dbs_of_dag.get(dag_id, []):
            db = prep.dbs[db_id]
            servers = prep.servers_of(db) if db.copies else ()
            assert predictor.candidates[db_id] == tuple(m for m, lag in servers if not lag > 0), (
                db_id
            )
            holders.update(m for m, _lag in servers)
            if active.get(db_id) is not None:
                pairs.add((db_id, active[db_id]))
            seen += 1
        assert predictor.holders == holders
        assert {p for p in predictor._active_pairs if p[1] is not None} == pairs
        for impact in impacts:
            found = impact.get(dag_id)
            if found is not None:
                assert found.lost & predictor._active_pairs == found.lost & pairs
                hit += bool(found.lost & pairs)
    return seen if hit or not any(i for i in impacts) else -1


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_set_up_equals_the_former_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_set_up_equals_the_former_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design("1k", seed=seed, workload=True)) > 50  # lost copies met


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_set_up_equals_the_former_on_generated_designs(design: Design) -> None:
    _check(design)


def _lagged() -> Design:
    """Databases on the same four members: some with their third copy lagged, some
    preferring their third copy to their second, the others as drawn."""
    design = stretched(databases=12, members_per_site=2, copies=("bos", "wor", "bos", "wor"))
    elements = []
    for element in design.elements:
        if isinstance(element, MailboxDatabase):
            number = int(element.id[2:])
            copies = list(element.copies)
            if number % 3 == 1:
                copies = [
                    c.model_copy(update={"replay_lag_days": 1.0})
                    if c.activation_preference == 3
                    else c
                    for c in copies
                ]
            elif number % 3 == 2:
                swap = {2: 3, 3: 2}
                copies = [
                    c.model_copy(
                        update={"activation_preference": swap.get(c.activation_preference, 0)}
                    )
                    if c.activation_preference in swap
                    else c
                    for c in copies
                ]
            element = element.model_copy(update={"copies": copies})
        elements.append(element)
    return Design(
        name=design.name, intent=design.intent, elements=elements, capacity=design.capacity
    )


def test_databases_of_the_same_members_with_other_lags_or_orders_keep_their_own() -> None:
    design = _lagged()
    assert _check(design) == 12
    sim = Simulator(design)
    predictor = DagPredictor(sim.prep, "dag", CapacityEngine(sim).base_active)
    orders = set(predictor.candidates.values())
    assert len(orders) >= 3  # lagged, swapped and plain databases differ
    assert any(len(order) == 3 for order in orders)  # a lagged copy left out


def _unlisted() -> Design:
    """Databases of two copies on different members, the DAG not listing one of them
    (``wor-mbx2``)."""
    design = stretched(databases=4, members_per_site=2, copies=("bos", "wor"))
    elements = [
        e.model_copy(update={"members": [m for m in e.members if m != "wor-mbx2"]})
        if isinstance(e, Dag)
        else e
        for e in design.elements
    ]
    return Design(
        name=design.name, intent=design.intent, elements=elements, capacity=design.capacity
    )


def test_a_copy_on_a_server_the_dag_does_not_list_is_a_holder() -> None:
    """The holders come from every distinct servers tuple, not the members alone."""
    design = _unlisted()
    assert _check(design) == 4
    sim = Simulator(design)
    predictor = DagPredictor(sim.prep, "dag", CapacityEngine(sim).base_active)
    assert "wor-mbx2" in predictor.holders
    assert "wor-mbx2" not in predictor.members
