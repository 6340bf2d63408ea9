"""The who-takes-over table's plain rows (wave 19): few-rows steps decided row by row.

A few-rows placement step with nothing relocated or reset is decided in plain Python
(``TakeoverTable._place_rows``) rather than through ~30 small numpy calls when it has
few rows to look at (``PLAIN_MAX_ROWS``: a host's failure, ~25 rows) or goes on from
another step (``PLAIN_MAX_ROWS_AFTER``: a site's loss plus a host's, ~100 rows, whose
rows the site's step moved are decided from their state, not left to ``_resolve``).

- Forced for every step it can take (and the few-rows and moved-VMs paths forced), every
  placement ``capacity(sim, max_combined=None)`` asks for equals ``_resolve``'s one by
  one (``test_takeover_placement._differences``) on the samples, generated 1k and 10k
  designs and Hypothesis designs; so do a host's failure going on from a host's, an
  array's and a link's, and crafted worlds (logs or databases lost, a copy cut off
  from its DAG's quorum, a DAG without quorum) row by row against ``_resolve``.
- Never taken, capacity's placements (states and order) and report equal the default's,
  which takes it (counted).
- Mutants fail: the active copy kept on a restarted member, lagged copies taken, the
  last copy by preference among equals, lost logs or databases or a cut-off copy taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs
from test_takeover_placement import (
    _differences,
    _mutant,
    _placements_and_report,
    _sample_differences,
    _threshold,
)

from designer.domain import Design
from designer.domain.elements import MailboxDatabase
from designer.simulation import Simulator, takeover
from designer.simulation.takeover import TakeoverTable

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
ALWAYS = 10**9
#: ``PLAIN_MAX_ROWS`` that no step takes (a step with no row to look at takes 0).
NEVER = -1


@contextmanager
def _plain(rows: int | None, *, forced: bool = True) -> Iterator[None]:
    """``PLAIN_MAX_ROWS`` and ``PLAIN_MAX_ROWS_AFTER`` set to ``rows`` (None: as they
    are); ``forced``: the few-rows and moved-VMs paths taken by every step that can (so
    every such step can reach the plain rows)."""
    with pytest.MonkeyPatch.context() as mp:
        if rows is not None:  # None: the defaults
            mp.setattr(takeover, "PLAIN_MAX_ROWS", rows)
            mp.setattr(takeover, "PLAIN_MAX_ROWS_AFTER", rows)
        if forced:
            mp.setattr(takeover, "FEW_VMS", ALWAYS)
            mp.setattr(takeover, "FEW_AFFECTED_SHARE", 0)
        yield


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


def _counting() -> tuple[list[int], Any]:
    calls: list[int] = []
    real = TakeoverTable._place_rows

    def counted(self: TakeoverTable, run: Any, w: Any, affected: Any, t: float, rows: Any) -> Any:
        calls.append(len(rows))
        return real(self, run, w, affected, t, rows)

    return calls, counted


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_plain_rows_place_every_sample_as_resolve_does(path: Path) -> None:
    with _plain(ALWAYS):
        assert _sample_differences(path) == []


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_the_plain_rows_place_generated_designs_as_resolve_does(size: str, seed: int) -> None:
    calls, counted = _counting()
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", counted)
        found, _sim = _differences(_generated(size, seed))
    assert found == []
    assert calls and max(calls) > 0  # taken, with rows to decide


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_plain_rows_place_stretched_designs_as_resolve_does(design: Design) -> None:
    with _plain(ALWAYS):
        found, _sim = _differences(design)
    assert found == []


@pytest.mark.parametrize(
    ("size", "seed", "forced"), [("1k", 0, True), ("1k", 1, True), ("10k", 0, False)]
)
def test_capacity_is_the_same_with_and_without_the_plain_rows(
    size: str, seed: int, forced: bool
) -> None:
    """The default ``PLAIN_MAX_ROWS`` against never. At 10k a host's failure takes the
    plain rows by default; at 1k a host's failure is not a few-rows step (its databases
    are more than 1/8 of the table's): the few-rows paths are forced there."""
    design = _generated(size, seed)
    calls, counted = _counting()
    with pytest.MonkeyPatch.context() as mp, _threshold(0):
        mp.setattr(TakeoverTable, "_place_rows", counted)
        with _plain(None, forced=forced):
            default = _placements_and_report(design)
        assert calls and max(calls) > 0
        taken = len(calls)
        with _plain(NEVER, forced=forced):
            never = _placements_and_report(design)
        assert len(calls) == taken  # not taken
    assert default == never


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # The active copy kept though its member was restarted.
        ("            if vm in fresh:\n", "            if vm in fresh and vm != active:\n"),
        # Lagged copies taken.
        ("if not to_activate or vm in down", "if vm in down"),
        # The last copy by preference among equals.
        ("if failover < soonest:", "if failover <= soonest:"),
    ],
    ids=["restarted-active-kept", "lagged-taken", "last-among-equals"],
)
def test_a_wrong_plain_row_is_caught(old: str, new: str) -> None:
    """On a generated design whose second copies by preference are lagged (a host's
    failure then leaves a lagged copy first among those up)."""
    wrong = _mutant(TakeoverTable._place_rows, old, new)
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", wrong)
        found, _sim = _differences(_second_copies_lagged(_generated("1k", 0)))
    assert found


def _second_copies_lagged(design: Design) -> Design:
    """``design`` with each database's second copy by preference lagged (7 days) and its
    others not, where it has three copies or more."""
    elements = []
    for element in design.elements:
        copies = getattr(element, "copies", None)
        if isinstance(element, MailboxDatabase) and copies and len(copies) >= 3:
            ordered = sorted(copies, key=lambda c: c.activation_preference)
            second = ordered[1].member
            element = element.model_copy(
                update={
                    "copies": [
                        c.model_copy(update={"replay_lag_days": 7.0 if c.member == second else 0.0})
                        for c in copies
                    ]
                }
            )
        elements.append(element)
    return design.model_copy(update={"elements": elements})


def test_the_lagged_design_is_placed_as_resolve_does() -> None:
    """The mutants' design itself: the plain rows (taken, with lagged copies among
    them) place it as ``_resolve`` does."""
    calls, counted = _counting()
    design = _second_copies_lagged(_generated("1k", 0))
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", counted)
        found, sim = _differences(design)
    assert found == [] and calls
    table = sim._takeover_table()
    assert table._row_copies is not None
    # Second by preference and lagged, in the rows the plain path reads.
    assert sum(not row[1][2] for row in table._row_copies if len(row) >= 3) > 10


# -- crafted worlds: what capacity's steps never show the plain rows -------------------------
# (a copy whose logs alone are lost, a copy up but outside its DAG's quorum, a DAG without
# quorum): each row decided as ``_resolve`` decides it from the same run.


def _host_runs(sim: Simulator, count: int) -> Iterator[tuple[Any, set[str]]]:
    """Placement runs of hosts' failures (databases not yet written) and the step's
    databases on their touched VMs."""
    prep = sim.prep
    hosts = [
        h
        for h in sorted(prep.hosts)
        if any(v in prep.dbs_on_vm for v in prep.vms_on_host.get(h, ()))
    ]
    for host in hosts[:count]:
        run = sim._settled_run((host,), final=True, light=True)
        run.db = {}
        affected = {d for vm in run.world.touched_vms for d in prep.dbs_on_vm.get(vm, ())}
        yield run, affected


def _as_resolve_does(sim: Simulator, run: Any, affected: set[str]) -> tuple[int, int]:
    """(rows the plain rows moved, rows they left to ``_resolve``), each row checked
    against ``_resolve``'s decision from the same run."""
    table = sim._takeover_table()
    rows = table._rows_of(affected)
    decided, rest = table._place_rows(run, run.world, affected, 0.0, rows)
    moved = left = 0
    for r in rows:
        db_id = table.rows[r]
        if db_id in rest:
            left += 1
            continue  # left to _resolve itself
        expected = sim._resolve(run, db_id, 0.0)
        if db_id in decided:
            assert decided[db_id] == expected, db_id
            moved += 1
        else:
            assert expected is sim._base_db[db_id], db_id
    return moved, left


def _next_copies(sim: Simulator, run: Any, affected: set[str]) -> list[tuple[str, str]]:
    """(database, member) of each moved row's first copy up that is not its active one."""
    table = sim._takeover_table()
    found = []
    for r in table._rows_of(affected):
        db_id = table.rows[r]
        active = sim._base_db[db_id].active_on
        if active not in run.world.touched_vms:
            continue
        for vm, lag in sim.prep.servers_of(sim.prep.dbs[db_id]):
            if vm != active and not lag > 0 and vm not in run.world.vm_down:
                found.append((db_id, vm))
                break
    return found


def _crafted(how: str) -> tuple[int, int]:
    """Hosts' failures at 1k with ``how`` added to their worlds or DAGs: (rows moved,
    rows left to ``_resolve``), each checked."""
    from dataclasses import replace

    sim = Simulator(_generated("1k", 0))
    prep = sim.prep
    moved = left = 0
    for run, affected in _host_runs(sim, 12):
        w = run.world
        nexts = _next_copies(sim, run, affected)
        if how == "logs":
            w.logs_lost.update((vm, db_id) for db_id, vm in nexts)
        elif how == "database":
            w.copy_lost.update((vm, db_id) for db_id, vm in nexts)
        elif how == "every":  # every copy on the first next member
            w.copy_lost.update((vm, "*") for _db, vm in nexts[:1])
        elif how in ("cut_off", "no_quorum"):
            for db_id, vm in nexts[:3]:
                dag_id = prep.dbs[db_id].dag
                q = run.dag_state[dag_id]
                if how == "no_quorum":
                    run.dag_state[dag_id] = replace(q, quorum=False, quorum_sites=())
                else:
                    sites = tuple(s for s in q.quorum_sites if s != prep.vm_site.get(vm))
                    run.dag_state[dag_id] = replace(q, quorum_sites=sites)
        found = _as_resolve_does(sim, run, affected)
        moved += found[0]
        left += found[1]
    return moved, left


@pytest.mark.parametrize("how", ["logs", "database", "every", "cut_off", "no_quorum", "as_is"])
def test_crafted_worlds_are_placed_as_resolve_does(how: str) -> None:
    moved, left = _crafted(how)
    if how == "no_quorum":
        assert left > 10  # a DAG without quorum: no copy serves by itself
    else:
        assert moved > 20


@pytest.mark.parametrize(
    ("old", "new", "how"),
    [
        ("or (vm, db_id) in logs_lost\n", "\n", "logs"),
        ("(vm, db_id) in copy_lost\n", "False\n", "database"),
        ("or site not in sites:", ":", "cut_off"),
    ],
    ids=["lost-logs-taken", "lost-database-taken", "cut-off-taken"],
)
def test_a_wrong_plain_row_is_caught_in_a_crafted_world(old: str, new: str, how: str) -> None:
    wrong = _mutant(TakeoverTable._place_rows, old, new)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", wrong)
        with pytest.raises(AssertionError):
            _crafted(how)


def _steps_after(design: Design, table: bool) -> list[Any]:
    """A host's failure going on from another host's, from an array's and from a
    link's (``placement(after=...)``), for pairs of the first hosts: each placement's
    databases (in order) and DAGs; with the table or ``_resolve`` alone."""
    with _threshold(0 if table else 10**9):
        sim = Simulator(design)
        prep = sim.prep
        hosts = [h for h in sorted(prep.hosts) if prep.vms_on_host.get(h)][:8]
        firsts = [*hosts[:4], *sorted(prep.arrays)[:2], *sorted(prep.links)[:2]]
        placed = []
        for first in firsts:
            alone = sim.placement([first])
            # The hosts its moved databases went to, too: their rows move again.
            went = sorted(
                {prep.vms[st.active_on].host for st in alone.databases.values() if st.active_on}
            )
            for host in dict.fromkeys([*hosts, *[h for h in went if h][:4]]):
                if host != first:
                    st = sim.placement([first, host], after=alone)
                    placed.append((first, host, list(st.databases.items()), dict(st.dags)))
    return placed


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1)])
def test_a_host_after_another_step_is_placed_as_resolve_does(size: str, seed: int) -> None:
    """A step going on from another whose every pair is in quorum (a host's failure
    after a host's, an array's or a link's): the plain rows take every row of the
    step's databases, those the first step moved going on from their state."""
    design = _generated(size, seed)
    calls, counted = _counting()
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", counted)
        fast = _steps_after(design, table=True)
    assert calls and max(calls) > 0
    assert fast == _steps_after(design, table=False)
