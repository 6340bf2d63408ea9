"""The simulator's shortcuts give what the straightforward path gives.

A failure re-resolves only the databases it can change, and of those, one whose active
copy nothing touched keeps its state without its options being listed
(``Simulator._keep``); a step's public state reuses the baseline's for a database kept
as it was; :meth:`Simulator.impact` settles without the mirrors and the actions offered
(nothing follows it) and skips the databases kept as they were. The reference lists the
options of every database the failure touches (``_FullResolution``) and judges each
of them as :meth:`Simulator.impact` always did (``_reference_impact``): for every
single failure and pairs of them on the samples and the simulator's test designs, the
impact, the settled state (also a ``final`` one, settled as the impact is), a one-step
run and the N-1 ranking must be equal.

``tests/snapshots/simulation_n1.json`` holds, per sample, the N-1 ranking and a digest
of every single failure's settled state, recorded before the sweep was made faster.
When the simulator's behaviour changes on purpose, refresh it with::

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -q tests/simulation/test_sim_fast_paths.py

and review the diff.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Iterable
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields, replace
from functools import cache
from itertools import combinations, islice
from pathlib import Path

import pytest
import sim_designs as designs

from designer.bundled import sample, sample_names
from designer.domain import Design, ScenarioStep
from designer.persistence import load
from designer.simulation import DbRun, Impact, Simulator, analyze
from designer.simulation.engine import _rerouted
from designer.simulation.results import Action, DagState, DatabaseState, Event
from designer.simulation.world import World

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "simulation_n1.json"


class _FullResolution(Simulator):
    """Every database a failure touches has its options listed and the best one taken,
    even when nothing under its active copy changed."""

    def _keep(
        self, run: object, w: World, db_id: str, st: DbRun, dag_q: DagState | None
    ) -> DbRun | None:
        return None


def _reference_impact(sim: Simulator, failed: Iterable[str]) -> Impact:
    """The settled cost the straightforward way: a whole settle, then every database
    the failure touched judged against its baseline."""
    ids = tuple(sorted(set(failed)))
    run = sim._settled_run(ids)
    prep = sim.prep
    lost = 0
    unavailable: list[str] = []
    data_lost: list[str] = []
    missing: list[str] = []
    needs_action = False
    cut_sites: dict[str | None, int] = {}
    for db_id in sorted(run.touched_dbs):
        st = run.db.get(db_id)
        if st is None:
            continue
        base = sim.baseline.db[db_id]
        was = base.status == "active" and base.reachable
        now = st.status == "active" and st.reachable
        if was and not now:
            lost += prep.dbs[db_id].mailboxes
            unavailable.append(db_id)
            site = prep.db_user_site[db_id]
            cut_sites[site] = cut_sites.get(site, 0) + prep.dbs[db_id].mailboxes
        if st.data_lost or (st.rpo or 0.0) > 0.0:
            data_lost.append(db_id)
        meets_now = (
            now and (st.rpo or 0.0) <= sim.rpo_target_s and (st.rto or 0.0) <= sim.rto_target_s
        )
        if sim.baseline.states[db_id].meets_targets and not meets_now:
            missing.append(db_id)
        needs_action = needs_action or st.status == "waiting"
    users = 0
    for site_id, mailboxes in cut_sites.items():
        home = prep.sites.get(site_id or "")
        total = sum(prep.dbs[d].mailboxes for d in prep.dbs_of_user_site[site_id])
        if home is not None and total:
            users += home.users * mailboxes // total
    return Impact(
        ids, lost, tuple(unavailable), tuple(data_lost), users, needs_action, tuple(missing)
    )


def _test_designs() -> list[tuple[str, Design]]:
    return [
        *((name, load(sample(name))) for name in sample_names()),
        ("lcr", designs.lcr()),
        ("mirrorview_srm", designs.mirrorview_srm()),
        ("double_take_manual", designs.double_take(mode=designs.FailoverMode.MANUAL)),
        ("exchange2007_scc", designs.exchange2007(kind="scc")),
        ("stretched_dag_witness_s1", designs.stretched_dag(witness_site="s1")),
        ("standalone_small_hosts", designs.standalone_ha(memory=48.0)),
        ("lagged_dr", designs.lagged_dr()),
    ]


def _failable(sim: Simulator) -> list[str]:
    ids = [e.id for e in sim.design.elements if type(e).infrastructure]
    return sorted([*ids, *sim.prep.sp_array])


@pytest.mark.parametrize(
    ("name", "design"), _test_designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_shortcuts_give_the_full_resolutions_results(name: str, design: Design) -> None:
    sim, full = Simulator(design), _FullResolution(design)
    failable = _failable(sim)
    singles = [(e,) for e in failable]
    pairs = list(islice(combinations(failable, 2), 80))
    for failed in [*singles, *pairs]:
        assert sim.impact(failed) == _reference_impact(full, failed), failed
        settled = sim.settled(failed)
        assert dict(settled.databases) == dict(full.settled(failed).databases)
        final = sim.settled(failed, final=True)
        assert final.run is None
        assert (dict(final.databases), dict(final.dags)) == (
            dict(settled.databases),
            dict(settled.dags),
        )
        assert final.world.vm_down == settled.world.vm_down
    for failed in pairs[:20]:
        # A final state cannot be gone on from: given as ``after``, all is settled anew.
        on_final = sim.settled(failed, after=sim.settled(failed[:1], final=True))
        assert dict(on_final.databases) == dict(sim.settled(failed).databases)
    for (element,) in singles:
        steps = [ScenarioStep(action="fail", target=element)]
        assert sim.run(steps) == full.run(steps), element
    assert analyze(sim) == analyze(full)
    assert analyze(sim, depth=2, max_pairs=100) == analyze(full, depth=2, max_pairs=100)


def test_a_rerouted_state_is_the_state_with_its_new_route() -> None:
    values = {
        "status": "active",
        "active_on": "vm-1",
        "active_home": "s1",
        "available_at": 60.0,
        "down_since": 1.0,
        "rpo": 2.0,
        "rto": 59.0,
        "reason": "why",
        "data_lost": True,
        "actions": (object(),),
        "reachable": False,
        "via": "cas-1",
        "source": "000",
        "rto_before": 30.0,
    }
    assert set(values) == {f.name for f in fields(DbRun)}, "a new DbRun field: carry it over"
    st = DbRun(**values)  # type: ignore[arg-type]
    assert _rerouted(st, True, "cas-2") == replace(st, reachable=True, via="cas-2", actions=())


# -- the N-1 snapshot ------------------------------------------------------------------------
def _settled_digest(sim: Simulator, element: str) -> str:
    settled = sim.settled([element])
    text = repr(sorted(settled.databases.items())) + repr(sorted(settled.dags.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def _record(name: str) -> dict[str, object]:
    sim = Simulator(load(sample(name)))
    return {
        "n1": analyze(sim).to_json(),
        "settled": {e: _settled_digest(sim, e) for e in _failable(sim)},
    }


@pytest.mark.parametrize("name", sample_names())
def test_n1_results_and_settled_states_match_the_snapshot(name: str) -> None:
    found = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    if os.environ.get("UPDATE_SNAPSHOTS"):
        found[name] = _record(name)
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert name in found, f"no snapshot for {name}: run with UPDATE_SNAPSHOTS=1"
    assert _record(name) == found[name]


# -- the quicker init of the result types -------------------------------------------------
@pytest.mark.parametrize("cls", [Event, Action, DatabaseState, DagState], ids=lambda c: c.__name__)
def test_a_quick_init_builds_what_the_dataclass_init_builds(cls: type) -> None:
    """``results._quick_init`` replaces the generated ``__init__`` of the result types a
    failure builds by the thousand: same parameters and defaults, same values, still
    frozen."""
    spec = fields(cls)
    namespace = {f.name: f.default for f in spec if f.default is not MISSING}
    namespace["__annotations__"] = {f.name: f.type for f in spec}
    plain = dataclass(frozen=True)(type(cls.__name__, (), namespace))
    quick, generated = inspect.signature(cls), inspect.signature(plain)
    assert [(p.name, p.default, p.kind) for p in quick.parameters.values()] == [
        (p.name, p.default, p.kind) for p in generated.parameters.values()
    ]
    required = [f for f in spec if f.default is MISSING]
    values = [f"value {i}" for i in range(len(required))]
    built, expected = cls(*values), plain(*values)
    assert [getattr(built, f.name) for f in spec] == [getattr(expected, f.name) for f in spec]
    everything = {f.name: f"keyword {i}" for i, f in enumerate(spec)}
    built, expected = cls(**everything), plain(**everything)
    assert [getattr(built, f.name) for f in spec] == [getattr(expected, f.name) for f in spec]
    with pytest.raises(FrozenInstanceError):
        built.__setattr__(spec[0].name, "changed")
    with pytest.raises(TypeError):
        cls(*values, *range(len(spec)))  # too many
