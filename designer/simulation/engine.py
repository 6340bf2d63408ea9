"""The failure simulator: a prepared :class:`Simulator` runs scenarios step by step.

Each step (fail, restore, corrupt, admin action) recomputes the infrastructure from the
set of failed elements (:func:`~designer.simulation.world.compute_world`), then
re-resolves only the databases that step can have changed, keeping the others at their
previous state. Results are pure functions of (design, scenario): no clocks, no
randomness, every iteration over sorted ids.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from importlib import import_module
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from designer.domain.design import Design, SavedScenario, ScenarioStep
from designer.domain.elements import ElementBase
from designer.domain.enums import MirrorMode
from designer.domain.index import DesignIndex
from designer.simulation import takeover
from designer.simulation.baseline import Baseline
from designer.simulation.options import (
    Option,
    check_recovery_point,
    database_options,
    os_up_at,
    quorum,
    restart_gap,
)
from designer.simulation.prepared import Prepared
from designer.simulation.results import (
    Action,
    DagState,
    SimulationResult,
    StepState,
)
from designer.simulation.run_state import (
    ADMIN_ACTIONS,
    DbRun,
    Impact,
    Run,
    Settled,
    SimulationError,
)
from designer.simulation.snapshot import (
    database_events,
    database_state,
    quorum_event,
    step_state,
)
from designer.simulation.takeover import TakeoverTable
from designer.simulation.wording import clock, count, outage_clause, span
from designer.simulation.world import World, compute_world, world_after

if TYPE_CHECKING:
    from designer.simulation.links import (
        blocked_copies,
        direction_blocked,
        direction_cuts,
        fill_events,
        log_lun_clocks,
        queue_events,
        reroute_events,
        shipping_route,
        shipping_table,
        stop_drains,
    )
    from designer.simulation.mirrors import (
        bandwidth_mbps,
        fracture_point,
        group_of,
        group_target,
        manual_policy,
        mirror_link,
        sync_duration_s,
    )
    from designer.simulation.srm import run_recovery_plan, srm_obstacle
    from designer.simulation.timeline import (
        awaiting_sync_event,
        infrastructure_events,
        link_events,
        sync_started_event,
    )

__all__ = ["ADMIN_ACTIONS", "Impact", "SimulationError", "Simulator", "simulate"]

_event_time = attrgetter("t")


def _alternate(prep: Prepared, w: World, dag_id: str) -> str:
    """How a datacenter switchover names the DAG's alternate witness: " with the
    alternate witness X", or that it is down too (lost with its site, or by itself): its
    site is where its server runs (``Prepared.witness_site``; wave 24, fid24: the site it
    states)."""
    alt = prep.witnesses.get(prep.dags[dag_id].alternate_witness or "")
    if alt is None:
        return ""
    if alt.id in w.witness_down or prep.witness_site[alt.id] in w.sites_down:
        return f" (its alternate witness {alt.name} is down too)"
    return f" with the alternate witness {alt.name}"


class _OnFirstCall:
    """A stand-in for the function ``name`` of ``module`` that imports the module when
    first called, puts the function in its place among this module's names and calls
    it: later calls go straight to the function. The WAN links', mirrors', SRM's and
    the timeline's functions serve scenarios (links down, mirrors, SRM plans, events);
    the placements of the capacity sizing (``check`` of a design that states a
    workload) call none of them, and no longer import their modules (~0.8 ms)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = getattr(import_module(self.module), self.name)
        setattr(sys.modules[__name__], self.name, function)
        return function(*args, **kwargs)


if not TYPE_CHECKING:
    for _module, _names in (
        (
            "links",
            "blocked_copies direction_blocked direction_cuts fill_events log_lun_clocks "
            "queue_events reroute_events shipping_route shipping_table stop_drains",
        ),
        (
            "mirrors",
            "bandwidth_mbps fracture_point group_of group_target manual_policy mirror_link "
            "sync_duration_s",
        ),
        ("srm", "run_recovery_plan srm_obstacle"),
        ("timeline", "awaiting_sync_event infrastructure_events link_events sync_started_event"),
    ):
        for _name in _names.split():
            globals()[_name] = _OnFirstCall(f"designer.simulation.{_module}", _name)
    del _module, _names, _name


class Simulator:
    """A design prepared for simulation; reuse one for many scenarios.

    Examples
    --------
    >>> from designer.domain.elements import Site
    >>> sim = Simulator(Design(elements=[Site(id="s1", name="Boston")]))
    >>> sim.run([ScenarioStep(action="fail", target="s1")]).final.site("s1").down
    True
    """

    def __init__(self, design: Design, index: DesignIndex | None = None) -> None:
        self.design = design
        self.prep = prep = Prepared(design, index)
        self.index = prep.index
        self.timings: dict[str, Any] = prep.timings
        self.rpo_target_s = prep.rpo_target_s
        self.rto_target_s = prep.rto_target_s
        self._cas_paths = {site: prep.cas_paths(site) for site in prep.dbs_of_user_site if site}
        self._cas_paths_none = prep.cas_paths(None)
        cas_options = {site: [c for c, _ in paths] for site, paths in self._cas_paths.items()}
        base_run = Run(world=World(failed=frozenset()), record=False)
        self._base_db: dict[str, DbRun] = {}
        self._base_dag: dict[str, DagState] = {
            dag_id: quorum(prep, base_run, base_run.world, dag_id) for dag_id in sorted(prep.dags)
        }
        base_run.dag_state = self._base_dag
        for db_id in sorted(prep.dbs):
            self._base_db[db_id] = self._resolve(base_run, db_id, 0.0, initial=True)
        db_order = tuple(sorted(prep.dbs))
        states = {d: database_state(prep, d, self._base_db[d]) for d in db_order}
        site_totals: dict[str | None, tuple[int, int]] = {}
        site_via: dict[str | None, dict[str, int]] = {}
        for db_id in db_order:
            site_id = prep.db_user_site.get(db_id)
            state = states[db_id]
            total, available = site_totals.get(site_id, (0, 0))
            site_totals[site_id] = (
                total + state.mailboxes,
                available + state.mailboxes * state.available,
            )
            via = self._base_db[db_id].via
            if state.available and via:
                counts = site_via.setdefault(site_id, {})
                counts[via] = counts.get(via, 0) + 1
        self.baseline = Baseline(
            prep,
            self._base_db,
            self._base_dag,
            states,
            db_order,
            tuple(sorted(prep.dags)),
            site_totals,
            site_via,
            cas_options,
            tuple(states[d] for d in db_order),
            {d: place for place, d in enumerate(db_order)},
        )
        self._base_dbs_via: dict[str, list[str]] = {}
        for db_id in db_order:
            base = self._base_db[db_id]
            if base.via:
                self._base_dbs_via.setdefault(base.via, []).append(db_id)
        self._base_unreachable = [d for d in db_order if not self._base_db[d].reachable]
        #: The two as sets (a step limited to a few databases meets them with those).
        self._base_via_sets = {cas: frozenset(dbs) for cas, dbs in self._base_dbs_via.items()}
        self._base_unreachable_set = frozenset(self._base_unreachable)
        #: Databases whose baseline state costs nothing in an :class:`Impact` (not data
        #: lost, no RPO, not waiting): kept as they were, :meth:`impact` skips them.
        self._base_quiet = frozenset(
            d
            for d, base in self._base_db.items()
            if not base.data_lost and not (base.rpo or 0.0) > 0.0 and base.status != "waiting"
        )
        #: Placement's who-takes-over table (numpy; built when a placement first needs it).
        self._takeover: TakeoverTable | None = None
        #: DAG → its members and witness (:meth:`_quorum_as_normal`; made when first read).
        self._dag_inputs: dict[str, tuple[frozenset[str], str | None]] | None = None
        #: Database → the VMs it is on (``prep.dbs_on_vm`` turned round; built when a
        #: placement limited to a few databases first asks).
        self._vms_of_db: dict[str, frozenset[str]] | None = None
        self.initial = step_state(self.baseline, base_run, -1, 0.0)
        self.total_mailboxes = sum(db.mailboxes for db in prep.dbs.values())
        self.base_available = self.initial.mailboxes_available

    # -- public ----------------------------------------------------------------------
    def run(
        self, scenario: SavedScenario | Sequence[ScenarioStep], *, events: bool = True
    ) -> SimulationResult:
        """Run the steps in order; the result holds the state after each step."""
        steps = scenario.steps if isinstance(scenario, SavedScenario) else list(scenario)
        run = Run(world=World(failed=frozenset()), record=events, base_db=self._base_db)
        run.scenario = True
        run.dag_state = dict(self._base_dag)
        run.offered = self.initial.actions
        states: list[StepState] = []
        last_t = 0.0
        deferred = False
        for number, step in enumerate(steps, start=1):
            if step.at_s < last_t:
                after = (
                    f"step {number - 1}, which ran at {last_t:g} s when its action became possible"
                    if deferred
                    else f"the previous step at {last_t:g} s"
                )
                error = SimulationError(
                    f"step {number} at {step.at_s:g} s comes before {after}", step=number
                )
                raise error
            try:
                t = self._step(run, step, number)
            except SimulationError as exc:
                if exc.step is None:
                    exc.step = number
                raise
            deferred = t > step.at_s
            last_t = t
            states.append(step_state(self.baseline, run, number, t))
        self._advance(run, float("inf"))
        # By time; events at the same time in the order they happened (a stable sort).
        ordered = tuple(sorted(run.timeline(), key=_event_time))
        return SimulationResult(self.initial, tuple(states), ordered)

    def _settled_run(
        self,
        ids: tuple[str, ...],
        databases: Iterable[str] | None = None,
        *,
        final: bool = False,
        light: bool = False,
        world: World | None = None,
        quorum_like: tuple[Mapping[str, DagState], AbstractSet[str]] | None = None,
    ) -> Run:
        """``world``: ``compute_world(prep, frozenset(ids))`` when the caller has it;
        ``quorum_like``: see :attr:`Run.quorum_like`."""
        run = Run(world=World(failed=frozenset()), record=False, base_db=self._base_db)
        if databases is not None:
            run.only = frozenset(databases)
        run.light = light
        run.quorum_like = quorum_like
        run.dag_state = dict(self._base_dag)
        for element in ids:
            self._check_failable(element)
            run.failed[element] = 0.0
        self._settle(run, 0.0, final=final, world=world)
        return run

    def _settled_after(
        self, after: Settled, failed: Iterable[str], *, final: bool
    ) -> tuple[Run, tuple[str, ...]]:
        """``after``'s run with ``failed`` failing too, as a second step at time 0."""
        assert after.run is not None
        run = after.run.fork()
        new = tuple(sorted(set(failed) - set(after.failed)))
        for element in new:
            self._check_failable(element)
            run.failed[element] = 0.0
        self._settle(run, 0.0, final=final)
        return run, (*after.failed, *new)

    def settled(
        self, failed: Iterable[str], *, after: Settled | None = None, final: bool = False
    ) -> Settled:
        """The settled state of failing ``failed`` together at time 0, without events:
        where each database is active, what is down (the N-1 sweep's fast path, for
        analyses such as capacity sizing that need more than the :meth:`impact`).

        ``after``: a settled state to fail more on top of, as a second step at time 0
        (``run([fail A, fail B])``): only what the new failures touch is re-resolved.

        ``final``: nothing will be failed on top of this state, so the mirrors' state
        and the actions offered, which only later steps read, are not worked out (as
        in :meth:`impact`); the databases, DAGs and world are the same. Such a state
        has no run to go on from: given as ``after``, it is settled again from the
        start, as is a :meth:`placement`."""
        if after is not None and after.run is not None and not after.placement:
            run, ids = self._settled_after(after, failed, final=final)
        else:
            ids = tuple(sorted(set(failed)))
            run = self._settled_run(ids, final=final)
        return self._state_of(ids, run, None if final else run)

    def _state_of(
        self,
        ids: tuple[str, ...],
        run: Run,
        go_on: Run | None,
        *,
        placement: bool = False,
        went_on_from: Settled | None = None,
        replaced: AbstractSet[str] | None = None,
    ) -> Settled:
        return Settled(
            ids,
            run.world,
            run.db,
            run.dag_state,
            self._base_db,
            self._base_dag,
            run=go_on,
            placement=placement,
            went_on_from=went_on_from,
            replaced=replaced,
        )

    def placement(
        self,
        failed: Iterable[str],
        *,
        after: Settled | None = None,
        beside: Settled | None = None,
    ) -> Settled:
        """Where each database is active once ``failed`` are down together at time 0:
        :meth:`settled` reduced to what capacity sizing reads (the world, the DAGs'
        quorum, each database's active member or none), decided by the same code.

        A database is re-resolved when :meth:`settled` would re-resolve it, and goes
        where it would go (the option that serves soonest, the kept active copy); what
        only scenarios read is not worked out: the options' texts and RPO, the routes of
        users (``reachable``, ``via``), the actions an administrator could take (a
        database no option serves by itself is "down", never "waiting"), mirrors',
        Double-Take links' and copies' timings. A database kept as it was is not listed
        in ``databases`` (:meth:`Settled.state` gives its baseline state).

        ``after``: a placement to fail more on top of, as a second step at time 0 (as
        :meth:`settled`'s ``after``).

        ``beside``: the placement of some of ``failed`` failing by themselves (from the
        healthy state, not ``after`` another). The rest fail at the same time as they
        do, as without it; but when the rest are hosts, arrays, storage processors,
        LUNs, VMs or witnesses, only the databases on a VM whose state they change, or
        in a DAG whose quorum they change, are resolved again: the others have every
        input of their resolution as in ``beside`` and are placed as there. Such a
        placement has no run to go on from."""
        if after is not None and after.run is not None and after.placement:
            run, ids = self._settled_after(after, failed, final=True)
            # The second step wrote the databases it placed only (run.db is a copy of
            # ``after``'s, its other states the same objects).
            return self._state_of(
                ids, run, run, placement=True, went_on_from=after, replaced=run.placed
            )
        ids = tuple(sorted(set(failed)))
        if beside is not None and beside.placement and set(beside.failed) <= set(ids):
            found = self._placement_beside(ids, beside)
            if found is not None:
                return found
        run = self._settled_run(ids, final=True, light=True)
        return self._state_of(ids, run, run, placement=True)

    def _placement_beside(self, ids: tuple[str, ...], beside: Settled) -> Settled | None:
        """:meth:`placement` of ``ids`` from ``beside`` (see there); None when the
        failures it adds are not all of the kinds it knows how to add."""
        prep = self.prep
        for element in set(ids) - set(beside.failed):
            self._check_failable(element)
            if not (
                element in prep.hosts
                or element in prep.arrays
                or element in prep.sp_array
                or element in prep.luns
                or element in prep.vms
                or element in prep.witnesses
            ):
                return None
        failed = frozenset(ids)
        # The world too goes on from ``beside``'s: only what the rest add is worked out.
        world = world_after(prep, beside.world, failed) or compute_world(prep, failed)
        dbs: set[str] = set()
        changed = _vms_changed(prep, beside.world, world)
        for vm in changed:
            dbs.update(prep.dbs_on_vm.get(vm, ()))
        like: tuple[Mapping[str, DagState], AbstractSet[str]] | None = None
        if world.grown_from is beside.world and not beside.world.vm_relocated:
            # The DAGs none of whose quorum's inputs changed keep ``beside``'s state (an
            # array's loss touches ~4 DAGs, a host beside it changes ~1).
            like = (beside.dags, self._dags_as_there(beside.world, world, changed))
        run = self._settled_run(ids, dbs, final=True, light=True, world=world, quorum_like=like)
        before = beside.dags
        quorum_moved = [
            d for d, q in run.dag_state.items() if q is not (b := before.get(d)) and q != b
        ]
        if quorum_moved:
            for dag_id in quorum_moved:
                dbs.update(prep.dbs_of_dag.get(dag_id, ()))
            run = self._settled_run(ids, dbs, final=True, light=True, world=world, quorum_like=like)
        # ``beside``'s states but those placed again (in its order, each placed again
        # and still listed in its place), then the others placed again (in id order):
        # its states copied and the few placed again taken out or replaced (an array's
        # loss beside: ~500 states, ~100 placed again). ``went_on_from`` below: a
        # reader can go on from ``beside``'s order as from a step's.
        databases = dict(beside.databases)
        placed = run.db
        for d in dbs:
            if d not in placed:
                databases.pop(d, None)
        databases.update(placed)
        run.db = databases
        # ``dbs`` is not changed from here on: the state's ``replaced`` (not copied).
        return self._state_of(ids, run, None, placement=True, went_on_from=beside, replaced=dbs)

    def impact(self, failed: Iterable[str], *, databases: Iterable[str] | None = None) -> Impact:
        """The settled cost of failing ``failed`` together at time 0, without events.

        ``databases`` limits the databases resolved (and reported) to those: a database
        is resolved from the infrastructure, its DAG and its own state only, so the
        others need not be (minimal cut sets judge a few representatives this way).
        """
        ids = tuple(sorted(set(failed)))
        run = self._settled_run(ids, databases, final=True)
        lost = 0
        unavailable: list[str] = []
        data_lost: list[str] = []
        needs_action = False
        missing: list[str] = []
        cut_sites: dict[str | None, int] = {}
        base_db = self._base_db
        quiet = self._base_quiet
        for db_id in sorted(run.touched_dbs):
            st = run.db.get(db_id)
            base = base_db[db_id]
            if st is None or (st is base and db_id in quiet):
                continue  # not resolved, or kept as it was: it costs nothing
            was = base.status == "active" and base.reachable
            now = st.status == "active" and st.reachable
            if was and not now:
                mailboxes = self.prep.dbs[db_id].mailboxes
                lost += mailboxes
                unavailable.append(db_id)
                site = self.prep.db_user_site[db_id]
                cut_sites[site] = cut_sites.get(site, 0) + mailboxes
            if st.data_lost or (st.rpo or 0.0) > 0.0:
                data_lost.append(db_id)
            if self.baseline.states[db_id].meets_targets and not (
                now
                and (st.rpo or 0.0) <= self.rpo_target_s
                and (st.rto or 0.0) <= self.rto_target_s
            ):
                missing.append(db_id)
            needs_action = needs_action or st.status == "waiting"
        users = 0
        for site_id, mailboxes in cut_sites.items():
            home = self.prep.sites.get(site_id or "")
            total = sum(self.prep.dbs[d].mailboxes for d in self.prep.dbs_of_user_site[site_id])
            if home is not None and total:
                users += home.users * mailboxes // total
        return Impact(
            ids, lost, tuple(unavailable), tuple(data_lost), users, needs_action, tuple(missing)
        )

    def resolve(self, key: str) -> ElementBase | str:
        """An element by id or unique name; a storage processor as ``ARRAY/SP-A``
        (array by id or name)."""
        if key in self.prep.sp_array:
            return key
        array_key, sep, slot = key.rpartition("/SP-")
        if sep and slot in ("A", "B") and key not in self.index.by_id:
            array = self.index.resolve(array_key)
            sp = f"{array.id}/SP-{slot}"
            if sp in self.prep.sp_array:
                return sp
        return self.index.resolve(key)

    # -- steps -----------------------------------------------------------------------
    def _check_failable(self, element: str) -> None:
        if element in self.prep.sp_array:
            return
        found = self.index.get(element)
        if found is None:
            raise SimulationError(f"no element has the id {element!r}")
        if not type(found).infrastructure:
            raise SimulationError(
                f"{found.label} {found.name} cannot fail by itself; fail what it runs on"
            )

    def _step(self, run: Run, step: ScenarioStep, number: int) -> float:
        """Apply one step; return the time it took effect (an action given before it
        was possible runs when it becomes possible)."""
        t = step.at_s
        target = step.target
        if step.action != "admin" and not target:
            raise SimulationError(f"step {number}: {step.action} needs a target")
        if step.action == "fail":
            assert target is not None
            self._check_failable(target)
            if target not in run.failed:
                run.failed[target] = t
                label = self._label(target)
                run.event(t, target, "failed", f"{label} fails", "DOMAIN §4")
        elif step.action == "guest_os_failure":
            assert target is not None
            if target not in self.prep.vms:
                raise SimulationError(
                    f"step {number}: only a VM's guest OS can fail, not {self._label(target)}"
                )
            if target not in run.guest_failed:
                run.guest_failed[target] = t
                run.event(
                    t,
                    target,
                    "guest_os_failed",
                    f"the guest operating system of VM {self.prep.vms[target].name} fails",
                    "000 §4.1",
                )
        elif step.action == "degrade":
            assert target is not None
            self._degrade(run, step, number)
        elif step.action == "restore":
            assert target is not None
            self._restore(run, target, t, number)
        elif step.action == "corrupt":
            assert target is not None
            if target not in self.prep.dbs:
                raise SimulationError(
                    f"step {number}: only a mailbox database can be corrupted, not {target!r}"
                )
            run.corrupted.setdefault(target, t)
            run.touched_dbs.add(target)
            name = self.prep.dbs[target].name
            run.event(
                t,
                target,
                "corrupted",
                f"mailbox database {name} is logically corrupted; the corruption replicates "
                "to every non-lagged copy, MirrorView secondary and Double-Take target",
                "000 §5.2; 002; 003",
            )
        else:
            t = self._admin(run, step, number)
        self._settle(run, t)
        return t

    def _restore(self, run: Run, target: str, t: float, number: int) -> None:
        found = False
        if target in run.failed:
            del run.failed[target]
            found = True
        if target in run.guest_failed:
            del run.guest_failed[target]
            found = True
        if target in run.degraded or target in run.directions_down:
            run.degraded.pop(target, None)
            run.directions_down.pop(target, None)
            found = True
            # Its copy queues drain from here (links.queue_events), not at once.
            run.touched_dbs.update(self._dbs_over_link(target))
        if not found:
            raise SimulationError(
                f"step {number}: {self._label(target)} is not failed, so it cannot be restored"
            )
        run.event(t, target, "restored", f"{self._label(target)} is back", "DOMAIN §4")

    def _degrade(self, run: Run, step: ScenarioStep, number: int) -> None:
        """A WAN link's latency or bandwidth changes, or one of its directions fails
        (002: latency and bandwidth decide MirrorView/S write latency and MirrorView/A's
        transfer time; what crosses a failed direction stops)."""
        prep, target, t = self.prep, step.target or "", step.at_s
        link = prep.links.get(target)
        if link is None:
            raise SimulationError(
                f"step {number}: only a WAN link can be degraded, not {self._label(target)}"
            )
        if step.latency_ms is None and step.bandwidth_mbps is None and not step.failed_direction:
            raise SimulationError(
                f"step {number}: degrade {link.name} needs a latency, a bandwidth or a "
                "failed direction"
            )
        run.touched_dbs.update(self._dbs_over_link(target))
        if step.failed_direction:
            a = prep.sites[link.site_a].name if link.site_a in prep.sites else link.site_a
            b = prep.sites[link.site_b].name if link.site_b in prep.sites else link.site_b
            ends = (a, b) if step.failed_direction == "a_to_b" else (b, a)
            run.directions_down[target] = (step.failed_direction, t)
            run.touched_dbs.update(prep.dag_dbs_across(target))
            run.event(
                t,
                target,
                "link_direction_failed",
                f"WAN link {link.name} stops carrying traffic from {ends[0]} to {ends[1]}: "
                "what replicates that way (DAG log shipping, mirrors, Double-Take) stops",
                "DOMAIN §4 (replication link loss)",
            )
        if step.latency_ms is None and step.bandwidth_mbps is None:
            return
        before = run.degraded.get(target, (link.rtt_ms, link.bandwidth_mbps))
        latency = step.latency_ms if step.latency_ms is not None else before[0]
        bandwidth = step.bandwidth_mbps if step.bandwidth_mbps is not None else before[1]
        run.degraded[target] = (latency, bandwidth)
        run.event(
            t,
            target,
            "link_degraded",
            f"WAN link {link.name} degraded: round trip {latency:,g} ms (designed "
            f"{link.rtt_ms:,g}), bandwidth {bandwidth:,g} Mbit/s "
            f"(designed {link.bandwidth_mbps:,g})",
            "002 'Latency'",
        )
        if run.record:
            link_events(prep, run, target, t)

    def _dbs_over_link(self, link_id: str) -> list[str]:
        prep = self.prep
        found: set[str] = set()
        for mirror_id in prep.mirrors:
            if mirror_link(prep, mirror_id) is prep.links.get(link_id):
                for disk in prep.disks_on_lun.get(prep.mirrors[mirror_id].source_lun, []):
                    found.update(prep.dbs_on_vm.get(disk.vm, []))
        return sorted(found)

    def _admin(self, run: Run, step: ScenarioStep, number: int) -> float:
        prep = self.prep
        name, target, t = step.admin_action or "", step.target or "", step.at_s
        if name not in ADMIN_ACTIONS:
            raise SimulationError(
                f"step {number}: unknown administrator action {name!r}; "
                f"known: {', '.join(ADMIN_ACTIONS)}"
            )
        if name == "test_recovery_plan" and target in prep.plans:
            run_recovery_plan(prep, run, target, t, test=True)
            return t
        offered = {(a.name, a.target): a for a in run.offered}
        action = offered.get((name, target))
        if action is None:
            keys = ", ".join(a.key for a in run.offered) or "none"
            raise SimulationError(
                f"step {number}: action {name}:{target} is not available at {t:g} s "
                f"(available: {keys})"
            )
        # An action runs no earlier than the state it answers exists.
        t = max(t, action.since)
        if name == "activate_lagged_copy":
            db = prep.dbs[target]
            if step.recovery_point_s is not None:
                check_recovery_point(prep, run, db, t, step.recovery_point_s)
                run.recovery_points[target] = step.recovery_point_s
        run.actions[(name, target)] = t
        run.event(
            t, target, "admin_action", f"administrator takes action {name} on {self._label(target)}"
        )
        if name == "run_recovery_plan":
            run_recovery_plan(prep, run, target, t, test=False)
        elif name == "switchover":
            self._switchover(run, target, t)
        elif name == "restore_from_backup":
            run.touched_dbs.update(prep.dbs_of_backup.get(target, []))
        elif name in ("activate_lagged_copy", "mount_with_new_logs"):
            run.touched_dbs.add(target)
        elif name == "start_mirror_sync":
            self._start_sync(run, target, t)
        else:
            run.touched_dbs.update(self._dbs_of_repl(target))
        return t

    def _switchover(self, run: Run, dag_id: str, t: float) -> None:
        prep, w = self.prep, run.world
        dag = prep.dags[dag_id]
        groups: dict[int, list[str]] = {}
        for m in dag.members:
            site = w.site_of_vm(prep, m)
            if not w.vm_up(m) or site is None or site in w.sites_down:
                continue
            key = w.comp.get(site, -1) if w.comp is not None else 0
            groups.setdefault(key, []).append(m)
        if not groups:
            raise SimulationError(f"DAG {dag.name} has no surviving member to switch over to")
        key, keep = max(groups.items(), key=lambda kv: (len(kv[1]), -kv[0]))
        evicted = frozenset(m for m in dag.members if m not in keep)
        sites = frozenset(w.site_of_vm(prep, m) or "" for m in keep)
        run.switchover[dag_id] = (t, sites, evicted)
        run.touched_dbs.update(prep.dbs_of_dag.get(dag_id, []))
        run.event(
            t,
            dag_id,
            "switchover",
            f"DAG {dag.name}: datacenter switchover stops the members in the failed site "
            f"({len(evicted)}) and restarts the DAG with {len(keep)} "
            f"member{'' if len(keep) == 1 else 's'}"
            + _alternate(prep, w, dag_id).replace(" with ", " and ", 1),
            "000 §5.2.1; [product fact]",
        )

    def _start_sync(self, run: Run, target: str, t: float) -> None:
        """The administrator starts the synchronisation of a consistency group (or a
        mirror outside any group) whose link is back."""
        prep = self.prep
        mirrors = [
            m for m, _ in sorted(run.mirror_await.items()) if group_target(prep, m) == target
        ]
        for m in mirrors:
            run.mirror_await.pop(m, None)
        if mirrors:
            self._sync_group(run, mirrors[0], t)

    def _sync_group(self, run: Run, mirror_id: str, t: float) -> None:
        """Start synchronising every fractured mirror of ``mirror_id``'s group at ``t``:
        002 "all mirrors within a consistency group must be synchronized at the same
        time"; the data changed since the fracture crosses the link."""
        prep = self.prep
        group = [m for m in group_of(prep, mirror_id) if m in run.mirror_behind]
        if not group:
            return
        point = min(run.mirror_behind[m] for m in group)
        duration = sync_duration_s(prep, run, group[0], point, t)
        for m in group:
            run.mirror_sync[m] = (t, t + duration)
            run.mirror_await.pop(m, None)
        if run.record:
            sync_started_event(prep, run, group, point, t, duration)

    def _dbs_of_repl(self, repl_id: str) -> list[str]:
        prep = self.prep
        if repl_id in prep.e2007:
            return list(prep.e2007[repl_id].databases)
        if repl_id in prep.host_repls:
            return list(prep.dbs_on_vm.get(prep.host_repls[repl_id].source, []))
        return []

    # -- settling --------------------------------------------------------------------
    def _settle(
        self, run: Run, t: float, *, final: bool = False, world: World | None = None
    ) -> None:
        """Recompute the infrastructure after a step and re-resolve what it can have
        changed. ``final``: nothing follows but reading the databases (:meth:`impact`),
        so the mirrors' state and the actions offered are not worked out. ``world``:
        the infrastructure of ``run.failed`` alone (nothing relocated, no guest
        failed), when the caller computed it already."""
        prep = self.prep
        self._advance(run, t)
        run.now = t
        prev = run.world
        failed = frozenset(run.failed)
        fresh_world = not run.relocated and not run.guest_failed
        found: World | None = None
        if world is not None and fresh_world and world.failed == failed:
            found = world
        elif fresh_world and run.light and not run.record and prev.failed:
            # A placement going on from an earlier step (a site loss plus one): only
            # what the new failures add is worked out, the site's world is not again.
            found = world_after(prep, prev, failed)
        if found is not None:
            w = found
        else:
            w = compute_world(prep, failed, run.relocated, frozenset(run.guest_failed))
        if w.unknown:
            raise SimulationError(f"no element has the id {w.unknown[0]!r}")
        run.world = w
        light = run.light
        #: The VMs whose state differs from ``prev``'s, when world_after grew ``w`` from
        #: it (a placement going on from the step before: a site loss plus a host).
        changed: set[str] | None = None
        looked: AbstractSet[str] | list[str]
        if light and w.grown_from is prev and w.grown_vms is not None:
            changed = _vms_changed(prep, prev, w)
            # Only they can be fresh, back or newly down: a VM down in both worlds has
            # its time down noted already (the step before noted every VM down then),
            # one up in both is neither, and its time down is dropped if the step
            # before had it fresh (the only VMs up then that kept one).
            looked = [vm for vm in changed if vm in w.touched_vms or vm in prev.touched_vms]
            for vm in run.fresh_vms:
                if vm not in changed and w.vm_up(vm):
                    run.down_since_vm.pop(vm, None)
        else:
            looked = w.touched_vms | prev.touched_vms
        fresh: set[str] = set()
        dags_of_vm = prep.dags_of_vm
        witness_vms = prep.witness_on_vm
        #: VMs back after being down (not restarted elsewhere): seconds they were away.
        returning: dict[str, float] = {}
        for vm in looked:
            if not w.vm_up(vm):
                run.down_since_vm.setdefault(vm, t)
                continue
            restarted = (
                (vm in w.vm_restarted and vm not in prev.vm_restarted)
                # Restarted again: the host HA restarted it on at an earlier step is
                # lost (wave 24, fid24: its new boot was not a boot for quorum).
                or (vm in w.vm_restarted and prev.vm_restarted.get(vm) in w.hosts_down)
                or (vm in w.vm_relocated and vm not in prev.vm_relocated)
                or (vm in w.vm_reset and vm not in prev.vm_reset)
            )
            newly = not prev.vm_up(vm) or restarted
            if newly:
                fresh.add(vm)
                down = run.down_since_vm.setdefault(vm, t)
                if not restarted and t > down:
                    returning[vm] = t - down
                elif restarted and (vm in dags_of_vm or (not light and vm in witness_vms)):
                    # A DAG member's boot: no vote until its OS runs (placement too: a
                    # later step activates no copy on it before); a file share witness
                    # server's: its witness has none either (wave 23, fid23; placement
                    # reads where databases go, which no witness changes).
                    up = os_up_at(prep, run, w, vm, t)
                    if up is not None:
                        run.os_boots[vm] = up
            else:
                run.down_since_vm.pop(vm, None)
        run.fresh_vms = fresh
        if not light:  # placement: Double-Take's link state only sets an option's RPO
            self._replication_links(run, prev, w, t, mirrors=not final)
        if run.record:
            infrastructure_events(prep, run, prev, w, t)
        partitioned = self._partition_changed(prev, w)
        affected = self._affected(run, prev, w, partitioned, changed)
        if run.only is not None:
            affected &= run.only
        dags: set[str] = set(filter(None, map(prep.dag_of_db.get, affected)))
        dags |= self._dags_hit(prev, w)
        # (Grown from ``prev``: a DAG none of whose members changed, its witness as it
        # was, has its quorum's every input as in the step before, which decided it.)
        for vm in looked:
            dags.update(prep.dags_of_vm.get(vm, []))
        if partitioned:
            dags.update(prep.dags)
        detect = float(self.timings["vsphere_ha_timeline"]["dag_peer_detects_failure_s"])
        resync: list[tuple[str, str, float]] = []
        if run.quorum_gap:
            run.quorum_gap.clear()  # the step that found one has decided its databases
        for dag_id in sorted(dags):
            q_before = run.dag_state.get(dag_id) or self._base_dag[dag_id]
            if q_before.quorum:
                resync += self._rejoin(run, w, dag_id, q_before, returning, t)
            if light and self._quorum_as_normal(run, w, dag_id):
                q_now = self._base_dag[dag_id]  # placement: quorum's very inputs unchanged
            elif (like := run.quorum_like) is not None and dag_id in like[1]:
                q_now = like[0][dag_id]  # placement beside another's: its inputs there
            else:
                q_now = quorum(prep, run, w, dag_id, t)
            run.dag_state[dag_id] = q_now
            gap = None
            if q_now.quorum and not light and run.os_boots:
                gap = restart_gap(prep, run, w, q_now, t)
            # Judged inside the gap an earlier step found (members it restarted still
            # booting when the DAG detects this step's failures): the DAG is without
            # quorum already, since that gap's loss.
            lost_before = None
            if run.quorum_restarting:
                restarting = run.quorum_restarting.pop(dag_id, None)
                if restarting is not None and restarting[0] < t + detect < restarting[1]:
                    lost_before = restarting[0]
            if gap is not None:
                run.quorum_gap[dag_id] = gap
                run.quorum_restarting[dag_id] = (
                    t + detect if lost_before is None else lost_before,
                    gap[0],
                    gap[1],
                )
            told = q_before if lost_before is None else replace(q_before, quorum=False)
            if (
                q_now.quorum,
                q_now.quorum_sites,
            ) != (q_before.quorum, q_before.quorum_sites) or gap is not None:
                # A quorum that moves or goes (if only until restarted members are
                # back) re-decides every database of the DAG.
                affected.update(prep.dbs_of_dag.get(dag_id, []))
            if q_before.quorum and not q_now.quorum:
                run.quorum_lost_at[dag_id] = t + detect if lost_before is None else lost_before
                self._drop_pending_votes(run, dag_id, t)
            elif q_now.quorum:
                run.quorum_lost_at.pop(dag_id, None)
            if run.record and (
                (q_now.quorum, q_now.votes) != (told.quorum, told.votes) or gap is not None
            ):
                quorum_event(prep, run, dag_id, told, q_now, t)
            if q_now.quorum:
                self._dynamic_votes(run, w, dag_id, q_now, t)
        if run.only is not None:
            affected &= run.only
        if not light:  # placement: copies cut off or behind only set an RPO
            self._track_copy_cuts(run, w, affected, t, partitioned, resync)
            for vm, away in sorted(returning.items()):
                gone = run.down_since_vm.get(vm, t - away)
                for db_id in prep.dbs_on_vm.get(vm, []):
                    if prep.dbs[db_id].dag and any(c.member == vm for c in prep.dbs[db_id].copies):
                        # A copy misses the logs its active copy wrote while it was away
                        # (000 Table 1: the returning node copies and replays the logs of
                        # the node that mounted the databases). A database dismounted the
                        # whole time wrote none: nothing to copy, no RPO from it; one
                        # dismounted part of the time, only what it wrote while mounted.
                        st = run.db.get(db_id) or self._base_db[db_id]
                        missed = logs_missed(st, gone, t)
                        if missed > 0:
                            resync.append((db_id, vm, missed))
            self._copy_resync(run, w, resync, t)
            # (A placement reads none: its steps going on from another ask what changed.)
            run.touched_dbs.update(affected)
        # The only databases whose state this step can change (the loop below writes
        # none other; Settled.replaced of a placement going on from another).
        run.placed = affected
        run_db, base_db, record, resolve = run.db, self._base_db, run.record, self._resolve
        # What _resolve's _keep reads, for placement's inlined check below.
        corrupted, touched, fresh_now = run.corrupted, w.touched_vms, run.fresh_vms
        dag_of_db, dag_state, relocated, vm_site = (
            prep.dag_of_db,
            run.dag_state,
            w.vm_relocated,
            prep.vm_site,
        )
        order: Iterable[str] | None = None
        decided: dict[str, DbRun] | None = None
        if light and not record and len(affected) >= takeover.TAKEOVER_MIN_AFFECTED:
            # Placement: the DAG databases placed from normal operation are decided for
            # all at once (who takes over by activation preference, numpy); the rest
            # one by one below, as ever, into ``out`` (merged in the loop's order).
            placed = self._takeover_table().place(run, w, affected, t)
            if placed is not None:
                decided, rest = placed
                order = sorted(rest)
        out = run_db if decided is None else {}
        for db_id in sorted(affected) if order is None else order:
            if record:
                before = run_db.get(db_id) or base_db[db_id]
                now = run_db[db_id] = resolve(run, db_id, t)
                if now is not before:  # a state kept as it was has nothing to tell
                    database_events(prep, run, db_id, before, now, t)
            elif light:  # a state kept as it was is not listed (placement)
                before = run_db.get(db_id) or base_db[db_id]
                # _resolve keeps an active database whose member nothing touched and
                # whose DAG's quorum still includes its site (_keep; placement returns
                # the state as it was): decided here without the two calls, for the
                # ~30,000 databases the single failures of a 25k design touch so.
                member = before.active_on
                if (
                    member
                    and before.status == "active"
                    and member not in touched
                    and member not in fresh_now
                    and db_id not in corrupted
                ):
                    its_dag = dag_of_db.get(db_id)
                    dag_q = dag_state.get(its_dag) if its_dag else None
                    if dag_q is None or (
                        dag_q.quorum
                        and (relocated.get(member) or vm_site.get(member)) in dag_q.quorum_sites
                    ):
                        continue
                now = resolve(run, db_id, t)
                if now is not before:
                    out[db_id] = now
            else:
                run_db[db_id] = resolve(run, db_id, t)
        if decided is not None:
            # Listed in the order the loop alone lists them (capacity sums in it): the
            # table's databases come in its rows' order, sorted already, so only the
            # others resolved one by one need a merge.
            if out:
                decided.update(out)
                for db_id in sorted(decided):
                    run_db[db_id] = decided[db_id]
            else:
                run_db.update(decided)
        if run.directions_down or run.copy_dir_cut:
            # After the databases settled: which copies a failed direction cuts off
            # depends on where each database is active now.
            self._copy_resync(run, w, direction_cuts(prep, run, run.base_db, w, t), t)
        if run.copy_behind and not light:
            self._catch_ups(run, w, t)
        if run.record and prep.workload.states:
            self._log_clocks(run, prev, w, t)
        if run.scenario and prep.workload.states:
            # With or without events (a saved scenario's verdict reads the RPO too).
            self._queues(run, prev, w, affected, t)
        elif run.scenario and (w.links_down - prev.links_down or run.routes_told):
            # No workload stated, so no queues: where log shipping goes, or that it is
            # cut off, is the network's to tell all the same (wave 27, fidelity27: a
            # two-site DAG's WAN link lost told nothing of its copies cut off).
            reroute_events(prep, run, run.base_db, w.links_down - prev.links_down, t)
        if final:
            return
        run.offered = self._actions(run, w, t)
        since = run.action_since
        for key in [k for k in since if all((a.name, a.target) != k for a in run.offered)]:
            del since[key]
        for action in run.offered:
            since.setdefault((action.name, action.target), action.since)

    def _quorum_as_normal(self, run: Run, w: World, dag_id: str) -> bool:
        """Whether :func:`quorum` of ``dag_id`` reads what it read in normal operation,
        so its state is normal operation's (a placement's host failure: every member
        restarted by vSphere HA; 190 of a 25k sizing's 467 DAG states): no site down or
        cut off, no VM relocated, none of its members down, its witness up, no
        switchover, vote change or moved witness of it."""
        if w.comp is not None or w.sites_down or w.vm_relocated:
            return False
        if dag_id in run.switchover or dag_id in run.dyn_votes or dag_id in run.witness_moved:
            return False
        members, witness = self._dag_input_table()[dag_id]
        return members.isdisjoint(w.vm_down) and (witness is None or witness not in w.witness_down)

    def _dag_input_table(self) -> dict[str, tuple[frozenset[str], str | None]]:
        """DAG → its members and witness (what its static quorum reads of a world)."""
        inputs = self._dag_inputs
        if inputs is None:
            inputs = self._dag_inputs = {
                d: (frozenset(dag.members), dag.witness) for d, dag in self.prep.dags.items()
            }
        return inputs

    def _dags_as_there(self, there: World, w: World, changed: AbstractSet[str]) -> frozenset[str]:
        """The DAGs whose quorum reads in ``w`` what it read in ``there``, ``w`` grown
        from ``there`` (the same sites and links down, nothing relocated) with
        ``changed`` the VMs whose state differs: none of their members changed, their
        witness down in both or in neither (at time 0 in a new run, with no
        switchover, vote or witness moved, all else :func:`quorum` reads)."""
        down, before = w.witness_down, there.witness_down
        return frozenset(
            d
            for d, (members, witness) in self._dag_input_table().items()
            if members.isdisjoint(changed)
            and (witness is None or (witness in down) == (witness in before))
        )

    def _takeover_table(self) -> TakeoverTable:
        """The placement's who-takes-over table (built when first needed)."""
        table = self._takeover
        if table is None:
            table = self._takeover = TakeoverTable(self.prep, self._base_db)
        return table

    def _log_clocks(self, run: Run, prev: World, w: World, t: float) -> None:
        """Log LUN clocks of the databases a step can have blocked or unblocked."""
        prep = self.prep
        dbs: set[str] = set(run.trunc_blocked)
        dbs.update(d for d, _ in run.copy_cut_since)
        dbs.update(d for d, _ in run.copy_dir_cut)
        for vm in w.touched_vms | prev.touched_vms:
            dbs.update(prep.dbs_on_vm.get(vm, ()))
        dbs.update(run.touched_dbs)
        log_lun_clocks(prep, run, run.base_db, w, sorted(d for d in dbs if prep.dbs[d].dag), t)

    def _queues(self, run: Run, prev: World, w: World, affected: set[str], t: float) -> None:
        """Copy queues of the links whose log shipping a step can have changed: the
        links of the sites where something went down or came back, where the touched
        databases are active now, of the links down, degraded or queued before."""
        prep = self.prep
        sites: set[str | None] = set(w.sites_down ^ prev.sites_down)
        sites.update(w.site_of_vm(prep, vm) for vm in w.touched_vms | prev.touched_vms)
        for db_id in affected:
            st = run.db.get(db_id)
            if st is not None and st.status == "active" and st.active_on:
                sites.add(w.site_of_vm(prep, st.active_on))
        links = {link for site in sites if site for link in prep.links_of_site.get(site, ())}
        links.update(w.links_down ^ prev.links_down, run.degraded, run.directions_down)
        if w.links_down != prev.links_down or run.directions_down or prev.links_down:
            # Log shipping routed round a link down may cross any other (the capacity
            # report's routing): every link is looked at while the network is cut.
            links.update(prep.links)
        links.update(link for link, _site in run.queue_told)
        if w.links_down - prev.links_down or run.routes_told:
            # (While a detour is told, at every step: a link or a site it crosses lost
            # cuts it off, one back gives a route, databases mounted again ship anew.)
            reroute_events(prep, run, run.base_db, w.links_down - prev.links_down, t)
        if len(links) > 2:
            # Each stream's route once for every link looked at (not once per link).
            run.shipping = shipping_table(prep, run, run.base_db)
        try:
            for link_id in sorted(links):
                if link_id in prep.links:
                    queue_events(prep, run, run.base_db, link_id, t)
            if run.copy_queued:
                stop_drains(prep, run, run.base_db, t)
        finally:
            run.shipping = None

    def _advance(self, run: Run, t: float) -> None:
        """Finish the synchronisations and copy resynchronisations that ended by ``t``
        (each event at its own end time)."""
        prep = self.prep
        if run.lun_fill:
            fill_events(prep, run, t)
        done: dict[str, float] = {}
        for m, (_start, end) in sorted(run.mirror_sync.items()):
            if end <= t:
                del run.mirror_sync[m]
                run.mirror_behind.pop(m, None)
                done.setdefault(group_target(prep, m), end)
        for target, end in sorted(done.items()):
            what = (
                f"consistency group {prep.cgs[target].name}"
                if target in prep.cgs
                else f"mirror {prep.mirrors[target].name}"
            )
            run.event(
                end,
                target,
                "mirror_synchronised",
                f"{what} synchronised: its secondaries are current again",
                "002 'Loss of the mirrored link'",
            )
        for key, (until, behind) in sorted(run.copy_behind.items()):
            if until <= t:
                del run.copy_behind[key]
                db_id, vm = key
                run.event(
                    until,
                    vm,
                    "copy_healthy",
                    f"copy of mailbox database {prep.dbs[db_id].name} on {prep.vms[vm].name} "
                    f"caught up: {span(behind)} of logs copied and replayed",
                    "000 §4.3; 000 Table 1",
                )

    def _rejoin(
        self, run: Run, w: World, dag_id: str, q: DagState, returning: dict[str, float], t: float
    ) -> list[tuple[str, str, float]]:
        """Members evicted by a datacenter switchover rejoin once they are up and reach
        the DAG's quorum again; their copies resynchronise. Returns the copies behind."""
        switched = run.switchover.get(dag_id)
        if switched is None or not switched[2]:
            return []
        prep = self.prep
        t0, sites, evicted = switched
        back = sorted(
            m
            for m in evicted
            if w.vm_up(m)
            and (site := w.site_of_vm(prep, m)) not in w.sites_down
            and any(w.connected(site, s) for s in q.quorum_sites)
        )
        if not back:
            return []
        run.switchover[dag_id] = (t0, sites, evicted - set(back))
        names = ", ".join(prep.vms[m].name for m in back)
        run.event(
            t,
            dag_id,
            "dag_member_rejoined",
            f"DAG {prep.dags[dag_id].name}: {names} rejoin{'s' if len(back) == 1 else ''} "
            "the DAG after the switchover; their copies resynchronise",
            "000 §4.3; [product fact]",
        )
        behind: list[tuple[str, str, float]] = []
        for m in back:
            away = returning.pop(m, t - t0)
            for db_id in prep.dbs_of_dag.get(dag_id, []):
                if any(c.member == m for c in prep.dbs[db_id].copies):
                    st = run.db.get(db_id) or self._base_db[db_id]
                    behind.append((db_id, m, logs_missed(st, t - away, t)))
        return behind

    @staticmethod
    def _drop_pending_votes(run: Run, dag_id: str, t: float) -> None:
        """Dynamic quorum adjusts the votes only while the cluster holds quorum: a vote
        change not yet in force (its failure not yet detected) when quorum is lost never
        comes into force. Without this, a later, unrelated step re-judging the quorum
        against the smaller set of votes would bring a DAG back that lost several
        members at once (a later failure would seem to heal it)."""
        pending = run.dyn_votes.get(dag_id)
        if pending is None or pending[0] <= t:
            return
        # Its announcement goes too (it was dated at the detection to come).
        run.events[:] = [
            e
            for e in run.events
            if not (e.kind == "dynamic_quorum" and e.element == dag_id and e.t == pending[0])
        ]
        if pending[2] is None:
            del run.dyn_votes[dag_id]
        else:
            run.dyn_votes[dag_id] = (t, pending[2], pending[2])

    def _dynamic_votes(self, run: Run, w: World, dag_id: str, q: DagState, t: float) -> None:
        """Dynamic quorum (Windows 2012+): once the DAG holds quorum after a change, the
        members still up and in touch hold the votes; the next failure is judged
        against them. Members that come back get their vote again."""
        prep = self.prep
        dag = prep.dags[dag_id]
        if not dag.dynamic_quorum:
            return
        switched = run.switchover.get(dag_id)
        evicted = switched[2] if switched else frozenset()
        holders = frozenset(
            m
            for m in dag.members
            if m not in evicted and w.vm_up(m) and w.site_of_vm(prep, m) in q.quorum_sites
        )
        detect = float(self.timings["vsphere_ha_timeline"]["dag_peer_detects_failure_s"])
        previous = run.dyn_votes.get(dag_id)
        current = previous[1] if previous is not None else frozenset(dag.members) - evicted
        if previous is not None and previous[0] > t:
            current = previous[2] if previous[2] is not None else current
        if holders == current:
            return
        run.dyn_votes[dag_id] = (t + detect, holders, current)
        run.event(
            t + detect,
            dag_id,
            "dynamic_quorum",
            f"DAG {dag.name} (dynamic quorum): {count(len(holders), 'member')} now hold the "
            "votes; the next failure is judged against them",
            "DOMAIN §4 [product fact: Windows 2012 dynamic quorum]",
        )

    def _catch_ups(self, run: Run, w: World, t: float) -> None:
        """A copy catching up copies the logs it missed from its database's active copy
        (000 Table 1): once that stops — the database mounted nowhere, the copy's server
        or storage lost, the copy cut off — the catch-up stops, the copy stays behind by
        what it missed (no "caught up" to come, and an activation loses it); it
        starts again, over as before, once its database is active elsewhere and the
        copy receives logs. A copy activated while behind has taken that loss (its RPO):
        nothing is left to catch up."""
        prep = self.prep
        going = [key for key, (until, _) in run.copy_behind.items() if until > t]
        if not going:
            return
        blocked = blocked_copies(prep, run, run.base_db, w, sorted({d for d, _ in going}))
        again: dict[float, list[tuple[str, str, float]]] = {}
        for key in sorted(going):
            db_id, vm = key
            until, behind = run.copy_behind[key]
            st = run.db.get(db_id) or self._base_db[db_id]
            active = st.active_on if st.status == "active" else None
            if active == vm:
                del run.copy_behind[key]
                continue
            stopped = active is None or vm in blocked.get(db_id, ())
            if stopped and until != math.inf:
                run.copy_behind[key] = (math.inf, behind)
                if run.record:
                    run.event(
                        t,
                        vm,
                        "copy_resync_stopped",
                        f"copy of mailbox database {prep.dbs[db_id].name} on "
                        f"{prep.vms[vm].name} stops catching up ("
                        + (
                            "its database is mounted nowhere"
                            if active is None
                            else f"it receives no logs from {prep.vms[active].name}"
                        )
                        + f"): still {span(behind)} behind",
                        "000 §4.3; 000 Table 1",
                    )
            elif not stopped and until == math.inf:
                # Mounted again on a copy that missed logs too: those are lost with it
                # (its RPO); this copy is behind the new active one by the rest only.
                assert active is not None
                rest = behind - (st.rpo or 0.0)
                start = max(t, st.available_at or t)
                if rest > 0:
                    again.setdefault(start, []).append((db_id, vm, rest))
                    continue
                del run.copy_behind[key]
                if run.record:
                    run.event(
                        start,
                        vm,
                        "copy_healthy",
                        f"copy of mailbox database {prep.dbs[db_id].name} on "
                        f"{prep.vms[vm].name} as current as the active copy on "
                        f"{prep.vms[active].name} (the logs both missed are lost with it)",
                        "000 §4.3; 000 Table 1",
                    )
        for start, copies in sorted(again.items()):
            self._copy_resync(run, w, copies, start)

    def _copy_resync(
        self, run: Run, w: World, behind: list[tuple[str, str, float]], t: float
    ) -> None:
        """Copies that come back behind catch up over time: across sites, the logs they
        missed cross the link (shared in proportion by every copy catching up over it,
        so all finish together); in the same site, at 000 Table 1's replay rate."""
        if not behind:
            return
        prep = self.prep
        replay = self.timings["dag"]["lagged_replay"]
        ratio = float(replay["window_s"]) / float(replay["duration_s"])
        over_link: dict[str, list[tuple[str, str, float]]] = {}
        for db_id, vm, away in behind:
            st = run.db.get(db_id) or self._base_db[db_id]
            active = w.site_of_vm(prep, st.active_on) if st.active_on else None
            here = w.site_of_vm(prep, vm)
            # The logs take log shipping's route (the capacity report's): the narrowest
            # link on it sets the pace.
            hops = shipping_route(prep, run, active, here) if active != here else None
            via = (
                min((h for h, _way in hops), key=lambda h: (bandwidth_mbps(run, prep.links[h]), h))
                if hops
                else None
            )
            if via is None:
                run.copy_behind[(db_id, vm)] = (t + away / ratio, away)
            else:
                over_link.setdefault(via, []).append((db_id, vm, away))
        for link_id, copies in sorted(over_link.items()):
            link = prep.links[link_id]
            bandwidth = bandwidth_mbps(run, link)
            gb = sum(prep.db_change_gb_per_hour(db) * away / 3600.0 for db, _, away in copies)
            duration = gb * 8000.0 / bandwidth
            for db_id, vm, away in copies:
                run.copy_behind[(db_id, vm)] = (t + max(duration, away / ratio), away)
            if run.record and copies:
                run.event(
                    t,
                    link_id,
                    "copy_resync",
                    f"{count(len(copies), 'database copy', 'database copies')} catch up over "
                    f"WAN link {link.name}: {gb:.3g} GB of logs at {bandwidth:,g} Mbit/s take "
                    f"{span(duration)}",
                    "000 §4.3 (copies resynchronise after a failure)",
                )

    def _partition_changed(self, prev: World, w: World) -> bool:
        """Whether sites alive before and after are grouped differently now."""
        if prev.comp is None and w.comp is None:
            return False
        forward: dict[int, int] = {}
        backward: dict[int, int] = {}
        for site in self.prep.site_order:
            if site in w.sites_down or site in prev.sites_down:
                continue
            a = prev.comp.get(site, -1) if prev.comp is not None else 0
            b = w.comp.get(site, -1) if w.comp is not None else 0
            if forward.setdefault(a, b) != b or backward.setdefault(b, a) != a:
                return True
        return False

    def _affected(
        self,
        run: Run,
        prev: World,
        w: World,
        partitioned: bool,
        changed: set[str] | None = None,
    ) -> set[str]:
        """Databases this step can change (their DAG's quorum is checked separately).
        ``changed``: ``_vms_changed(prep, prev, w)`` when the caller has it."""
        prep = self.prep
        if partitioned:
            return set(prep.dbs)
        if run.light and prev.failed:
            # Placement going on from an earlier step at the same time: a database
            # changes only if something it is placed by changed (a VM's state, a copy's
            # storage; DAG quorum is checked separately), not each one touched before.
            affected = set(run.corrupted)
            if changed is None:
                changed = _vms_changed(prep, prev, w)
            vms = changed | set(run.relocated)
        else:
            affected = set(run.touched_dbs)
            affected.update(run.corrupted)
            vms = w.touched_vms | prev.touched_vms | set(run.relocated)
        only = run.only
        if only is not None and len(only) < 8 * len(vms):
            # The step is limited to a few databases (a failure placed beside another's:
            # ~100, where the ~30 mailbox servers an array's loss touched hold ~4,000
            # copies): only they are asked whether they are on a VM it touched (_settle
            # keeps only them anyway).
            vms_of_db = self._vms_of_db
            if vms_of_db is None:
                vms_of_db = self._vms_of_db = _vms_of_db(prep)
            none: frozenset[str] = frozenset()
            affected.update(d for d in only if not vms_of_db.get(d, none).isdisjoint(vms))
        else:
            for vm in vms:
                affected.update(prep.dbs_on_vm.get(vm, []))
        for hr_id in set(w.failed) | set(prev.failed):
            if hr_id in prep.host_repls:
                affected.update(self._dbs_of_repl(hr_id))
        cas_changed = set(w.cas_down) ^ set(prev.cas_down)
        if cas_changed:
            # Only databases served through a CAS array that changed, or not reachable at
            # all, can change route: the others keep their (preferred) CAS array.
            run_db = run.db
            if only is not None and len(only) < len(self._base_db) // 8:
                # Limited to a few databases (a failure placed beside an array's loss:
                # ~100 where the array's CAS array serves thousands): only they are
                # met with those sets, at C speed (the step keeps only them anyway).
                for cas_id in cas_changed:
                    via = self._base_via_sets.get(cas_id, frozenset())
                    affected.update(only.intersection(via).difference(run_db))
                affected.update(only.intersection(self._base_unreachable_set))
            else:
                for cas_id in cas_changed:
                    affected.update(
                        d for d in self._base_dbs_via.get(cas_id, ()) if d not in run_db
                    )
                affected.update(self._base_unreachable)
            affected.update(
                d for d, st in run_db.items() if not st.reachable or st.via in cas_changed
            )
        return affected

    def _dags_hit(self, prev: World, w: World) -> set[str]:
        prep = self.prep
        hit: set[str] = set()
        for witness in w.witness_down ^ prev.witness_down:
            hit.update(prep.dags_of_witness.get(witness, []))
        return hit

    def _track_copy_cuts(
        self,
        run: Run,
        w: World,
        affected: set[str],
        t: float,
        partitioned: bool,
        resync: list[tuple[str, str, float]],
    ) -> None:
        """Copies cut off from their active copy queue logs: their RPO grows from now;
        once reconnected they are behind until they catch up (``resync``)."""
        if w.comp is None:
            for (db_id, vm), since in sorted(run.copy_cut_since.items()):
                resync.append((db_id, vm, t - since))
            run.copy_cut_since.clear()
            return
        if not partitioned:
            return
        prep = self.prep
        for db_id in affected:
            st = run.db.get(db_id) or self._base_db[db_id]
            if st.status != "active" or st.active_on is None:
                continue
            active_site = w.site_of_vm(prep, st.active_on)
            if active_site is None or active_site in w.sites_down:
                continue
            # The servers its logs ship to: the DAG's other copies, or an Exchange 2007
            # CCR node's partner and SCR targets (004).
            for member in prep.shipping_receivers(db_id, st.active_on):
                site = w.site_of_vm(prep, member)
                if site is None or site in w.sites_down:
                    continue
                key = (db_id, member)
                if w.connected(site, active_site):
                    if key in run.copy_cut_since:
                        cut = run.copy_cut_since.pop(key)
                        resync.append((db_id, member, t - cut))
                else:
                    run.copy_cut_since.setdefault(key, t)

    def _replication_links(
        self, run: Run, prev: World, w: World, t: float, *, mirrors: bool = True
    ) -> None:
        """When mirror and Double-Take links went down and came back, when their sources
        were lost, and what MirrorView does about it (see :mod:`.mirrors`).

        ``mirrors=False``: the Double-Take links only (a database's options read those;
        the mirrors matter to later steps, the actions offered and the events)."""
        prep = self.prep
        if not prep.mirrors and not prep.host_repls:
            return
        # Links and their sources depend only on sites, WAN links, LUNs, the replication
        # elements themselves and (Double-Take) source VMs: skip the walk when none moved.
        moved = (
            w.sites_down
            or w.links_down
            or w.luns_down
            or prev.sites_down
            or prev.links_down
            or prev.luns_down
            or run.mirror_down_since
            or run.repl_down_since
            or run.mirror_source_lost
            or any(f in prep.mirrors or f in prep.host_repls for f in w.failed)
            or any(vm in prep.repls_from_vm for vm in w.vm_down)
            or run.directions_down
        )
        if not moved:
            return
        returned: list[str] = []
        for mirror_id, mirror in prep.mirrors.items() if mirrors else ():
            src_site = prep.lun_site(mirror.source_lun)
            dst_site = prep.lun_site(mirror.target_lun)
            source_lost = mirror.source_lun in w.luns_down or src_site in w.sites_down
            crossed = mirror_link(prep, mirror_id) if run.directions_down else None
            link_down = (
                mirror_id in w.failed
                or (mirror.wan_link is not None and mirror.wan_link in w.links_down)
                or mirror.target_lun in w.luns_down
                or (not source_lost and not w.connected(src_site, dst_site))
                or (crossed is not None and direction_blocked(prep, run, crossed.id, src_site))
            )
            if source_lost:
                run.mirror_await.pop(mirror_id, None)
                if mirror_id not in run.mirror_source_lost:
                    run.mirror_source_lost[mirror_id] = t
                    self._interrupt_sync(run, mirror_id, t, "its source was lost")
            else:
                run.mirror_source_lost.pop(mirror_id, None)
                run.mirror_broken.pop(mirror_id, None)
            if link_down and not source_lost:
                if mirror_id not in run.mirror_down_since:
                    run.mirror_down_since[mirror_id] = t
                    self._interrupt_sync(run, mirror_id, t, "its link went down again")
                run.mirror_await.pop(mirror_id, None)
            elif not link_down and not source_lost and mirror_id in run.mirror_down_since:
                point = fracture_point(prep, run, mirror_id, t)
                del run.mirror_down_since[mirror_id]
                if point is not None:
                    run.mirror_behind[mirror_id] = min(
                        point, run.mirror_behind.get(mirror_id, point)
                    )
                returned.append(mirror_id)
        handled: set[str] = set()
        for mirror_id in returned:
            group = group_of(prep, mirror_id)
            if group_target(prep, mirror_id) in handled:
                continue
            handled.add(group_target(prep, mirror_id))
            if any(m in run.mirror_down_since for m in group):
                continue  # the group synchronises once all its links are back
            if manual_policy(prep, mirror_id):
                for m in group:
                    if m in run.mirror_behind:
                        run.mirror_await.setdefault(m, t)
                if run.record:
                    awaiting_sync_event(prep, run, mirror_id, t)
            elif not any(m in run.mirror_sync for m in group):
                self._sync_group(run, mirror_id, t)
        for hr_id, hr in prep.host_repls.items():
            src, dst = w.site_of_vm(prep, hr.source), w.site_of_vm(prep, hr.target)
            src_up = w.vm_up(hr.source) and src not in w.sites_down
            # Cut when no route is left: the capacity report's route round the links,
            # sites and link directions down (the direct link, else a way round it).
            down = hr_id in w.failed or (
                src_up and src != dst and shipping_route(prep, run, src, dst) is None
            )
            if down and src_up:
                run.repl_down_since.setdefault(hr_id, t)
            elif src_up:
                run.repl_down_since.pop(hr_id, None)

    def _interrupt_sync(self, run: Run, mirror_id: str, t: float, why: str) -> None:
        """A synchronisation cut short: a MirrorView/S secondary it was overwriting is
        unusable (002); a MirrorView/A one keeps the snapshot of its last point."""
        sync = run.mirror_sync.pop(mirror_id, None)
        if sync is None or sync[1] <= t:
            return
        mirror = self.prep.mirrors[mirror_id]
        if mirror.mode == MirrorMode.SYNC:
            run.mirror_broken[mirror_id] = (
                f"mirror {mirror.name}'s secondary was being overwritten by a synchronisation "
                f"({clock(sync[0])} to {clock(sync[1])}) when {why} at {clock(t)}, and is "
                "unusable"
            )
        run.event(
            t,
            mirror_id,
            "mirror_sync_interrupted",
            f"synchronisation of mirror {mirror.name} interrupted: {why}; "
            + (
                "its secondary is unusable (002: it 'will be unusable until the sync completes')"
                if mirror.mode == MirrorMode.SYNC
                else "its secondary keeps the snapshot of its last point"
            ),
            "002 'Loss of the mirrored link'",
        )

    # -- databases -------------------------------------------------------------------
    def _resolve(self, run: Run, db_id: str, t: float, *, initial: bool = False) -> DbRun:
        prep = self.prep
        db = prep.dbs[db_id]
        w = run.world
        st = None if initial else (run.db.get(db_id) or self._base_db[db_id])
        dag_id = db.dag
        dag_q = run.dag_state.get(dag_id) if dag_id else None
        if st is not None and st.status == "active" and st.active_on and db_id not in run.corrupted:
            kept = self._keep(run, w, db_id, st, dag_q)
            if kept is not None:
                return kept
        options, why = database_options(self.prep, run, w, db, t, dag_q)
        # The option that serves soonest wins (a copy that is up beats a server still
        # restarting); among equals, the first in the order of preference.
        best: Option | None = None
        keep = False
        active_on = st.active_on if st is not None and st.status == "active" else None
        #: When its DAG dismounts it, mounted until then (see below), else None.
        dismounted: float | None = None
        for o in options:
            if o.action is None:
                if best is None or o.ready < best.ready:
                    best = o
                if o.member == active_on and active_on is not None and not o.fresh:
                    # (Not while its DAG is without quorum until members restart: it
                    # dismounts and mounts again.)
                    keep = dag_q is None or dag_q.id not in run.quorum_gap
                    if not keep and st is not None and dag_q is not None:
                        dismounted = self._mounted_until_gap(run, dag_q.id, st, t)
        if keep and st is not None:
            if run.light:  # placement: where it is active, not how its users reach it
                return st
            via_ok, via = self._reach(run, w, db_id, st.active_on)
            return _rerouted(st, via_ok, via)
        if best is not None:
            if initial or st is None:
                return self._active(run, db_id, best, 0.0, 0.0, 0.0, w)
            # When its outage began: when it went down, else now (it was serving; also
            # one its DAG was to dismount later: this step takes it first), or when its
            # DAG dismounts it (inlined: this runs for every database a failure moves).
            down_since, rto_before = _outage(st, t)
            if dismounted is not None:
                down_since = dismounted
            elif down_since is None or down_since > t:
                down_since = t
            rto = max(0.0, best.ready - down_since)
            rpo = best.rpo if st.rpo is None or st.status != "active" else max(st.rpo, best.rpo)
            if st.status == "active" and st.active_on == best.member and st.rpo is not None:
                rpo = max(st.rpo, best.rpo)
            active = self._active(run, db_id, best, best.ready, rpo, rto, w, down_since)
            if rto_before:
                active.rto_before = rto_before
                if rto_before > rto:
                    active.rto = rto_before
                if not run.light:  # placement: no text
                    active.reason += outage_clause(down_since, rto, rto_before)
            return active
        by_key: dict[str, Action] = {}
        for o in options:
            if o.action is not None:
                by_key.setdefault(o.action.key, o.action)
        actions = tuple(by_key.values())
        reason = "; ".join(dict.fromkeys(why)) or "no copy can serve it"
        data_lost = all(
            (vm, db_id) in w.copy_lost or (vm, "*") in w.copy_lost
            for vm in (c.member for c in db.copies)
        ) and bool(db.copies)
        down_since, rto_before = _outage(st, t) if st is not None else (None, 0.0)
        if down_since is None or down_since > t:
            down_since = t  # serving until now (or to be dismounted later: now)
        if dag_q is not None and not dag_q.quorum and st is not None and not run.light:
            dismounted = self._mounted_until_quorum_loss(run, w, dag_q.id, st, t)
            if dismounted is not None:
                down_since = dismounted
        return DbRun(
            "waiting" if actions else "down",
            None,
            # Where it last ran: a manual-intent DAG must not fail it over elsewhere later.
            st.active_home if st is not None else self.prep.db_home_site.get(db_id),
            # Waiting from when the first action is possible (the loss is detected).
            max(t, min(a.since for a in actions)) if actions else 0.0,
            down_since,
            None,
            None,
            reason,
            data_lost or (st.data_lost if st is not None else False),
            actions,
            False,
            None,
            "",
            rto_before,
        )

    @staticmethod
    def _mounted_until_gap(run: Run, dag_id: str, st: DbRun, t: float) -> float | None:
        """When a database mounted at ``t`` (or until its DAG dismounts it) on a member
        up all along dismounts, its DAG losing quorum until members vSphere HA restarted
        run their OS again: when the DAG detects the failures (000 Table 1: 1:00), not
        at the step (wave 23, fid23: it read waiting from 0:00 and its RTO counted from
        then). None when it was not mounted then."""
        restarting = run.quorum_restarting.get(dag_id)
        if restarting is None or restarting[0] <= t:
            return None
        mounted = st.available_at <= t or (st.down_since is not None and st.down_since > t)
        return restarting[0] if mounted else None

    @staticmethod
    def _mounted_until_quorum_loss(
        run: Run, w: World, dag_id: str, st: DbRun, t: float
    ) -> float | None:
        """When a database its DAG's loss of quorum takes down dismounts, if it was
        mounted at ``t`` on a member the step left alone: when the DAG detects the loss
        (000 Table 1: 1:00; the ``db_waiting`` event's time), not at the step (wave 23,
        fid23: the state read it down from the step, the mailboxes curve dropped at
        0:00). None otherwise (its own server or storage went: down from the step)."""
        lost_at = run.quorum_lost_at.get(dag_id)
        member = st.active_on if st.status == "active" else None
        if lost_at is None or lost_at <= t or member is None:
            return None
        if member in w.touched_vms or member in run.fresh_vms:
            return None
        if st.available_at > t and (st.down_since is None or st.down_since <= t):
            return None  # not mounted at ``t`` (mounting later)
        # (Mounted at ``t`` after an earlier outage too: wave 24, fid24, it read down
        # from the step, its RTO timed from it.)
        return lost_at

    def _keep(
        self, run: Run, w: World, db_id: str, st: DbRun, dag_q: DagState | None
    ) -> DbRun | None:
        """The database's state when nothing under its active copy changed, else None."""
        member = st.active_on
        if member is None or member in w.touched_vms or member in run.fresh_vms:
            return None
        prep = self.prep
        # w.site_of_vm, inlined: this runs for most databases every failure touches
        site = w.vm_relocated.get(member) or prep.vm_site.get(member)
        if dag_q is not None and (
            not dag_q.quorum
            or site not in dag_q.quorum_sites
            or (run.quorum_gap and dag_q.id in run.quorum_gap)
        ):
            return None
        if run.light:  # placement: where it is active, not how its users reach it
            return st
        # _reach's memo, read here first
        found = (
            w.reach_memo.get((prep.db_user_site.get(db_id), site))
            if prep.cas and member not in run.ip_stale
            else None
        )
        ok, via = found if found is not None else self._reach(run, w, db_id, member)
        if ok == st.reachable and via == st.via and not st.actions:
            return st
        return _rerouted(st, ok, via)

    def _active(
        self,
        run: Run,
        db_id: str,
        option: Option,
        ready: float,
        rpo: float,
        rto: float,
        w: World,
        down_since: float | None = None,
    ) -> DbRun:
        light = run.light  # placement: no route, no text
        ok, via = (True, None) if light else self._reach(run, w, db_id, option.member)
        return DbRun(
            "active",
            option.member,
            self.prep.vm_site.get(option.member),
            ready,
            down_since,
            rpo,
            rto,
            "" if light else option.text,
            False,
            (),
            ok,
            via,
            option.source,
        )

    def _reach(self, run: Run, w: World, db_id: str, member: str | None) -> tuple[bool, str | None]:
        """Whether the database's users reach it, and through which CAS array."""
        prep = self.prep
        if member is None or member in run.ip_stale:
            return False, None
        if not prep.cas:
            return True, None
        site = prep.db_user_site.get(db_id)
        active_site = w.vm_relocated.get(member) or prep.vm_site.get(member)  # w.site_of_vm
        key = (site, active_site)
        found = w.reach_memo.get(key)
        if found is not None:
            return found
        paths = self._cas_paths.get(site or "") if site else self._cas_paths_none
        if paths is None:
            paths = prep.cas_paths(site)
        found = (False, None)
        for cas_id, geo in paths:
            if cas_id in w.cas_down or (geo and all(lb in w.lbs_down for lb in geo)):
                continue
            if w.connected(prep.cas[cas_id].site, active_site):
                found = (True, cas_id)
                break
        w.reach_memo[key] = found
        return found

    def _actions(self, run: Run, w: World, t: float) -> tuple[Action, ...]:
        prep = self.prep
        found: dict[tuple[str, str], Action] = {}
        for db_id in run.touched_dbs:
            st = run.db.get(db_id)
            if st is not None:
                for action in st.actions:
                    found.setdefault((action.name, action.target), action)
        for dag_id, state in run.dag_state.items():
            if state.quorum or dag_id in run.switchover:
                continue
            dag = prep.dags[dag_id]
            if any(w.vm_up(m) and w.site_of_vm(prep, m) not in w.sites_down for m in dag.members):
                label = f"datacenter switchover of DAG {dag.name}" + _alternate(prep, w, dag_id)
                key = ("switchover", dag_id)
                since = run.action_since.get(key, run.quorum_lost_at.get(dag_id, 0.0))
                found[key] = Action("switchover", dag_id, label, since)
        for site in w.sites_down:
            for plan_id in prep.plans_of_site.get(site, []):
                if plan_id in run.srm_done:
                    continue
                plan = prep.plans[plan_id]
                pair = prep.pairs.get(plan.site_pair)
                if pair is None or srm_obstacle(prep, run, pair.recovery_site) is not None:
                    continue
                lost_at = run.failed.get(site, t)
                for name, verb in (("run_recovery_plan", "run"), ("test_recovery_plan", "test")):
                    key = (name, plan_id)
                    found[key] = Action(
                        name,
                        plan_id,
                        f"{verb} SRM recovery plan {plan.name}",
                        run.action_since.get(key, lost_at),
                    )
        for mirror_id, since in sorted(run.mirror_await.items()):
            target = group_target(prep, mirror_id)
            what = (
                f"consistency group {prep.cgs[target].name}"
                if target in prep.cgs
                else f"mirror {prep.mirrors[target].name}"
            )
            found.setdefault(
                ("start_mirror_sync", target),
                Action(
                    "start_mirror_sync",
                    target,
                    f"start MirrorView synchronisation of {what} (recovery policy Manual)",
                    run.action_since.get(("start_mirror_sync", target), since),
                ),
            )
        return tuple(found[key] for key in sorted(found))

    def describe(self, element: str) -> str:
        """How an element (or a storage processor ``ARRAY/SP-A``) reads in a sentence:
        ``ESXi host esx01``."""
        return self._label(element)

    def _label(self, element: str) -> str:
        found = self.index.get(element)
        if found is not None:
            return found.describe()
        if element in self.prep.sp_array:
            array = self.prep.arrays[self.prep.sp_array[element]]
            return f"storage processor {element.rsplit('/', 1)[-1]} of array {array.name}"
        return element


def logs_missed(st: DbRun, gone: float, t: float) -> float:
    """Seconds of logs a copy away from ``gone`` to ``t`` missed: the time its database
    was mounted in between, wherever it was (000 Table 1: a returning node copies the
    logs the node that mounted the databases wrote). ``st`` is the database's state at
    ``t``: mounted until its outage began (``down_since``) and again from when it
    mounted after it (``available_at``); a database still down wrote none since.

    Examples
    --------
    >>> up = DbRun("active", "m2", "s2", 960.0, 0.0, 0.0, 960.0)
    >>> logs_missed(up, 0.0, 1200.0)  # dismounted 0-960 (waiting for a switchover)
    240.0
    >>> logs_missed(DbRun("waiting", None, "s1", 0.0, 100.0, None, None), 0.0, 500.0)
    100.0
    """
    before = max(0.0, st.down_since - gone) if st.down_since is not None else 0.0
    if st.status != "active":
        return before if st.down_since is not None else t - gone
    if st.down_since is None or (st.down_since <= gone and st.available_at <= gone):
        return t - gone
    return min(t - gone, before + max(0.0, t - max(gone, st.available_at)))


def _vms_of_db(prep: Prepared) -> dict[str, frozenset[str]]:
    """Database → the VMs ``prep.dbs_on_vm`` lists it on."""
    found: dict[str, set[str]] = {}
    for vm, dbs in prep.dbs_on_vm.items():
        for db_id in dbs:
            found.setdefault(db_id, set()).add(vm)
    return {db_id: frozenset(vms) for db_id, vms in found.items()}


def _vms_changed(prep: Prepared, prev: World, w: World) -> set[str]:
    """The VMs whose state differs between two worlds: down, restarted (where), reset,
    relocated (where), a copy's disks or logs lost, an LCR copy disk lost."""
    if w.grown_from is prev and w.grown_vms is not None:
        # world_after grew ``w`` from ``prev`` (its sets hold ``prev``'s and more): the
        # VMs it took down or whose copies it lost are noted (a site's loss has
        # thousands of each to compare); restarts, resets and relocations are few.
        vms = set(w.grown_vms)
    else:
        vms = set(w.vm_down.keys() ^ prev.vm_down.keys())
    for now, before in (
        (w.vm_restarted, prev.vm_restarted),
        (w.vm_reset, prev.vm_reset),
        (w.vm_relocated, prev.vm_relocated),
    ):
        vms.update(vm for vm in now.keys() | before.keys() if now.get(vm) != before.get(vm))
    if w.grown_from is prev and w.grown_vms is not None:
        return vms
    vms.update(vm for vm, _db in (w.copy_lost ^ prev.copy_lost) | (w.logs_lost ^ prev.logs_lost))
    vms.update(prep.disk_by_id[d].vm for d in w.lcr_disks_lost ^ prev.lcr_disks_lost)
    return vms


def _rerouted(st: DbRun, reachable: bool, via: str | None) -> DbRun:
    """``st`` reached through ``via`` (or not at all), no action pending: what
    ``dataclasses.replace`` gives, built directly (it runs for every database whose
    route a failure changes)."""
    return DbRun(
        st.status,
        st.active_on,
        st.active_home,
        st.available_at,
        st.down_since,
        st.rpo,
        st.rto,
        st.reason,
        st.data_lost,
        (),
        reachable,
        via,
        st.source,
        st.rto_before,
    )


def _outage(st: DbRun, t: float) -> tuple[float | None, float]:
    """When the outage of a database that changes at ``t`` began (None: it begins now,
    or later) and the longest recovery of its earlier outages. A database mounted at
    ``t`` after an earlier outage starts an outage of its own: RTO is the time to
    recover from an outage, timed from its start (DOMAIN.md §4: a DAG's automatic
    failover ≈ 1 min, per failure; 002: "as low as a few minutes to switch over"),
    and the scenario's is its longest outage's, as its RPO is its worst loss (wave 24,
    fid24: a second outage two hours on read an RTO of 2:01:09).

    Examples
    --------
    >>> mounted = DbRun("active", "m2", "s1", 69.0, 0.0, 0.0, 69.0)
    >>> _outage(mounted, 7200.0), _outage(mounted, 30.0)
    ((None, 69.0), (0.0, 0.0))
    """
    down_since = st.down_since
    if (
        st.status == "active"
        and st.available_at <= t
        and st.rto is not None
        and (down_since is None or down_since <= t)
    ):
        return None, max(st.rto_before, st.rto)
    return down_since, st.rto_before


def simulate(design: Design, scenario: SavedScenario | Sequence[ScenarioStep]) -> SimulationResult:
    """Run one scenario on a design (prepares a :class:`Simulator`; reuse one for many).

    Examples
    --------
    >>> from designer.domain.elements import Site
    >>> design = Design(elements=[Site(id="s1", name="Boston", users=100)])
    >>> simulate(design, [ScenarioStep(action="fail", target="s1")]).final.sites[0].down
    True
    """
    return Simulator(design).run(scenario)
