"""The mutable state of one scenario run, and the small types around it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from designer.domain.errors import DesignError
from designer.simulation.results import Action, DagState, Event
from designer.simulation.world import World

__all__ = ["ADMIN_ACTIONS", "DbRun", "Impact", "Run", "Settled", "SimulationError", "queued_s"]

#: Administrator actions the simulator understands (the ``admin_action`` of a step).
ADMIN_ACTIONS = (
    "switchover",
    "activate_lagged_copy",
    "restore_from_backup",
    "run_recovery_plan",
    "test_recovery_plan",
    "fail_over_double_take",
    "activate_scr",
    "activate_lcr",
    "start_mirror_sync",
    "mount_with_new_logs",
)


class SimulationError(DesignError):
    """A scenario that cannot be run: unknown element, impossible action, bad time.

    ``step`` is the (1-based) step that could not be run, when one is to blame.
    """

    def __init__(self, message: str, *, step: int | None = None) -> None:
        super().__init__(message)
        self.step = step


@dataclass(slots=True)
class DbRun:
    """Where a database stands during a run (kept across steps)."""

    status: str
    active_on: str | None
    active_home: str | None
    available_at: float
    down_since: float | None
    rpo: float | None
    rto: float | None
    reason: str = ""
    data_lost: bool = False
    actions: tuple[Action, ...] = ()
    reachable: bool = True
    via: str | None = None
    source: str = ""
    #: The longest recovery of its earlier outages in the scenario (0: none). RTO is
    #: timed per outage, from its own start, and the scenario's is the longest (wave 24,
    #: fid24: a second outage's was timed from the first's start). Out of the repr (the
    #: recorded N-1 digests hold the rest as before).
    rto_before: float = field(default=0.0, repr=False)


class Run:
    """The mutable state of one scenario run (private to the engine and its helpers).

    A plain class with slots, not a dataclass: it is made on every start of a
    command that sizes or simulates, and its ~50 fields made ``@dataclass`` ~3.8 M
    instructions of ``check`` (issue 10; a run is never compared or printed). Its
    fields are the names in ``__slots__``, each set in ``__init__`` (:meth:`fork`
    copies them).
    """

    __slots__ = (
        "action_since",
        "actions",
        "base_db",
        "called_off",
        "copy_behind",
        "copy_cut_since",
        "copy_dir_cut",
        "copy_queued",
        "corrupted",
        "dag_state",
        "db",
        "degraded",
        "directions_down",
        "down_since_vm",
        "dyn_votes",
        "events",
        "failed",
        "fresh_vms",
        "guest_failed",
        "ha_planned",
        "ip_stale",
        "light",
        "lun_fill",
        "mirror_await",
        "mirror_behind",
        "mirror_broken",
        "mirror_down_since",
        "mirror_source_lost",
        "mirror_sync",
        "now",
        "offered",
        "only",
        "os_boots",
        "pending",
        "placed",
        "queue_told",
        "quorum_gap",
        "quorum_judged",
        "quorum_like",
        "quorum_lost_at",
        "quorum_restarting",
        "record",
        "recovery_points",
        "relocated",
        "repl_down_since",
        "routes",
        "routes_told",
        "scenario",
        "shipping",
        "srm_done",
        "srm_rpo",
        "switchover",
        "touched_dbs",
        "trunc_blocked",
        "vm_ready",
        "witness_moved",
        "world",
    )

    def __init__(
        self,
        world: World,
        record: bool = True,
        base_db: Mapping[str, DbRun] | None = None,
    ) -> None:
        self.world = world
        self.record = record
        #: Each database's state before any failure (the engine's baseline).
        self.base_db: Mapping[str, DbRun] = {} if base_db is None else base_db
        self.failed: dict[str, float] = {}
        self.corrupted: dict[str, float] = {}
        self.actions: dict[tuple[str, str], float] = {}
        self.db: dict[str, DbRun] = {}
        self.dag_state: dict[str, DagState] = {}
        self.switchover: dict[str, tuple[float, frozenset[str], frozenset[str]]] = {}
        self.witness_moved: dict[str, str] = {}
        self.relocated: dict[str, str] = {}
        self.vm_ready: dict[str, float] = {}
        self.srm_rpo: dict[str, float] = {}
        self.srm_done: dict[str, float] = {}
        self.copy_cut_since: dict[tuple[str, str], float] = {}
        #: (database, member) → (caught up at, seconds of logs it is behind until then).
        self.copy_behind: dict[tuple[str, str], tuple[float, float]] = {}
        self.repl_down_since: dict[str, float] = {}
        self.mirror_down_since: dict[str, float] = {}
        self.mirror_source_lost: dict[str, float] = {}
        #: Mirror → the point its secondary was left at, after the link returned and until
        #: a synchronisation completes (002: the secondary ages until then).
        self.mirror_behind: dict[str, float] = {}
        #: Mirror → (start, end) of its synchronisation.
        self.mirror_sync: dict[str, tuple[float, float]] = {}
        #: Mirror (recovery policy Manual) → when its link returned, awaiting the
        #: administrator's "start synchronisation".
        self.mirror_await: dict[str, float] = {}
        #: Mirror → why its secondary is unusable (its source was lost mid-synchronisation).
        self.mirror_broken: dict[str, str] = {}
        #: VM → when its guest OS failed.
        self.guest_failed: dict[str, float] = {}
        #: WAN link → (round-trip latency ms, bandwidth Mbit/s) while degraded.
        self.degraded: dict[str, tuple[float, float]] = {}
        #: WAN link → the direction ("a_to_b" / "b_to_a") that carries nothing, and since when.
        self.directions_down: dict[str, tuple[str, float]] = {}
        #: The routes log shipping takes between sites (``links.shipping_route``), for the
        #: network they were worked out for (links, sites and directions down).
        self.routes: tuple[Any, dict[tuple[str, str], Any]] | None = None
        #: While a step's copy queues are worked out: the log shipping on each link direction
        #: (``links.shipping_table``), the databases' states being settled for the step.
        self.shipping: dict[tuple[str, str], list[tuple[str, str, float]]] | None = None
        #: (database, member) → since when its copy receives no logs because the link's
        #: direction from the active copy is down.
        self.copy_dir_cut: dict[tuple[str, str], float] = {}
        #: (database, member) → its copy queue as (since, seconds of logs behind then, the
        #: seconds it falls behind per second from then): growing on a link whose share is
        #: below the log shipping it must carry, draining (negative) once the link carries
        #: more, frozen (0) while it receives nothing (:func:`queued_s`).
        self.copy_queued: dict[tuple[str, str], tuple[float, float, float]] = {}
        #: (WAN link, the site it ships from) → (the queued copies, their share) last told
        #: in a ``copy_queue`` event (told again only when it changes).
        self.queue_told: dict[tuple[str, str], tuple[tuple[tuple[str, str], ...], float]] = {}
        #: (site shipped from, site shipped to) → the WAN links its log shipping takes,
        #: last told in a ``copy_rerouted`` event, while it goes round a link down (told
        #: again when it changes: a second detour, the way back; wave 24, fid24).
        self.routes_told: dict[tuple[str, str], tuple[str, ...]] = {}
        #: Database → since when its logs cannot truncate (a copy is down or cut off).
        self.trunc_blocked: dict[str, float] = {}
        #: Log LUN → (when it fills, the databases whose logs fill it) while pending.
        self.lun_fill: dict[str, tuple[float, tuple[str, ...]]] = {}
        #: (action, target) → when it first became possible (it runs no earlier).
        self.action_since: dict[tuple[str, str], float] = {}
        #: DAG → when its members detect that quorum is lost.
        self.quorum_lost_at: dict[str, float] = {}
        #: DAG → (when it regains quorum, the votes until then, the voters restarting, the
        #: votes it regains quorum with)
        #: while it holds quorum only once members vSphere HA restarted run their OS
        #: again (:func:`~designer.simulation.options.restart_gap`; not by a placement).
        self.quorum_gap: dict[str, tuple[float, int, tuple[str, ...], int]] = {}
        #: DAG → (when it loses quorum, when it regains it, the votes until then) for
        #: the last such gap found, kept over the steps: a later step judged inside it
        #: finds the DAG without quorum already (it says no second loss, and its loss
        #: dates from the gap's); the state shows the DAG without quorum meanwhile.
        self.quorum_restarting: dict[str, tuple[float, float, int]] = {}
        #: DAG → (when its quorum was last judged, whether it held quorum before that
        #: judgement): steps of one second make one judgement, told once (timeline).
        self.quorum_judged: dict[str, tuple[float, bool]] = {}
        #: DAG member (or file share witness server) vSphere HA restarted (or VM
        #: monitoring reset) → when its OS runs again: no quorum vote until then (not by
        #: a placement).
        self.os_boots: dict[str, float] = {}
        #: DAG (dynamic quorum) → (from when, the members holding a vote from then, the
        #: members holding one before): the cluster adjusts the votes once it has detected
        #: a failure, so failures closer together than that count as simultaneous.
        self.dyn_votes: dict[str, tuple[float, frozenset[str], frozenset[str] | None]] = {}
        #: Database → the recovery point chosen for its lagged copy.
        self.recovery_points: dict[str, float] = {}
        #: VM recovered by SRM on another subnet without IP customisation → why unreachable.
        self.ip_stale: dict[str, str] = {}
        self.down_since_vm: dict[str, float] = {}
        self.fresh_vms: set[str] = set()
        #: The databases a step touched, kept over the steps (not by a placement).
        self.touched_dbs: set[str] = set()
        self.offered: tuple[Action, ...] = ()
        self.events: list[Event] = []
        #: The only databases resolved (``Simulator.impact(databases=…)``); None: all.
        self.only: frozenset[str] | None = None
        #: Placement only (``Simulator.placement``): where each database is active is
        #: decided as always; its texts, RPO, routes, the actions an administrator could
        #: take and the replication links' and copies' timings are not worked out.
        self.light: bool = False
        #: A scenario (``Simulator.run``), with or without events: copy queues are worked
        #: out after each step (the N-1 sweep's single failures and placements skip them).
        self.scenario: bool = False
        #: The databases the last step placed (re-resolved, or kept as they were): no
        #: other database's state changed in it (``Settled.replaced``).
        self.placed: set[str] | None = None
        #: Placement beside another's (``Simulator.placement(beside=…)``): that placement's
        #: DAG states, and the DAGs whose quorum reads there all it reads here (no member's
        #: state changed, the witness as it was): their state is taken as it is there.
        self.quorum_like: tuple[Mapping[str, DagState], AbstractSet[str]] | None = None

        #: The time of the step being settled: an event dated after it is pending.
        self.now: float = 0.0
        #: Element (or cause) → the pending events recorded about it: a later step that
        #: undoes what they follow from calls them off (:meth:`call_off`).
        self.pending: dict[str, list[Event]] = {}
        #: ``id()`` of the events called off (left out of the result).
        self.called_off: set[int] = set()
        #: VM → (when, on which host) vSphere HA restarts it, and when its boot and
        #: resynchronisation end, while some of it is still to come.
        self.ha_planned: dict[str, tuple[float, str, float]] = {}

    def event(
        self,
        t: float,
        element: str,
        kind: str,
        text: str,
        source: str = "",
        *,
        because: tuple[str, ...] = (),
    ) -> None:
        """Record an event; one dated after the current step is pending, kept under its
        element and ``because`` (what it follows from) for :meth:`call_off`."""
        if self.record:
            event = Event(float(t), element, kind, text, source)
            self.events.append(event)
            if t > self.now:
                for key in (element, *because):
                    self.pending.setdefault(key, []).append(event)

    def call_off(self, key: str, after: float, kinds: Collection[str] | None = None) -> list[Event]:
        """Call off the pending events of ``key`` (their element or cause) dated after
        ``after`` (of ``kinds``): what a later step made not happen. Returns them."""
        found = self.pending.get(key)
        if not found:
            return []
        gone = [
            e
            for e in found
            if e.t > after and id(e) not in self.called_off and (kinds is None or e.kind in kinds)
        ]
        self.called_off.update(map(id, gone))
        return gone

    def timeline(self) -> list[Event]:
        """The events recorded, without those called off."""
        if not self.called_off:
            return self.events
        return [e for e in self.events if id(e) not in self.called_off]

    def fork(self) -> Run:
        """A copy to go on from: containers copied, their (immutable) values shared."""
        copy = Run(world=self.world, record=self.record, base_db=self.base_db)
        for name in self.__slots__:
            if name in ("world", "record", "base_db", "placed"):  # placed: the next step's
                continue
            value = getattr(self, name)
            if isinstance(value, dict | set | list):
                value = type(value)(value)
            setattr(copy, name, value)
        return copy


def queued_s(queue: tuple[float, float, float] | None, t: float) -> float:
    """Seconds of logs a copy queue (``Run.copy_queued``'s value) holds at ``t``: what
    it held at its start, plus its rate since (0 once drained).

    Examples
    --------
    >>> queued_s((120.0, 0.0, 0.25), 3720.0)
    900.0
    >>> queued_s((3720.0, 900.0, -0.5), 7200.0)
    0.0
    """
    if queue is None:
        return 0.0
    since, behind, rate = queue
    return max(0.0, behind + rate * (t - since))


@dataclass(frozen=True, slots=True)
class Settled:
    """The settled state once ``failed`` are down together at time 0 (no events): the
    infrastructure, and the databases and DAGs that differ from the healthy baseline.

    What capacity sizing reads: where each database is active (:meth:`active_on`), which
    VMs are up and where, which sites and links are down.
    """

    failed: tuple[str, ...]
    world: World
    #: Databases the failure touched (their run state); the others are as in the
    #: baseline.
    databases: Mapping[str, DbRun]
    dags: Mapping[str, DagState]
    baseline: Mapping[str, DbRun]
    #: Each DAG's state before any failure.
    base_dags: Mapping[str, DagState] = field(default_factory=dict)
    #: The run it came from (to fail more on top of it), private to the engine.
    run: Run | None = field(default=None, compare=False, repr=False)
    #: Placement only (``Simulator.placement``): of the databases' states only where
    #: each is active is decided (``status`` is "active" or "down", ``active_on``,
    #: ``active_home``); their timings, RPO, reasons and routes are not worked out.
    placement: bool = False
    #: A placement made from another (``after`` or ``beside``): that one, and the
    #: databases it placed again; every other database's state is that one's, the same
    #: object (listed in ``databases`` exactly when listed there). Capacity sizing
    #: reads what moved from these alone (``CapacityEngine._moved_from``).
    went_on_from: Settled | None = field(default=None, compare=False, repr=False)
    replaced: AbstractSet[str] | None = field(default=None, compare=False, repr=False)

    def state(self, db_id: str) -> DbRun:
        return self.databases.get(db_id) or self.baseline[db_id]

    def active_on(self, db_id: str) -> str | None:
        """The member serving the database, or None while it is down or waiting."""
        st = self.state(db_id)
        return st.active_on if st.status == "active" else None


@dataclass(frozen=True, slots=True)
class Impact:
    """What a set of simultaneous failures costs once settled (the N-1 fast path)."""

    failed: tuple[str, ...]
    mailboxes_lost: int
    databases_unavailable: tuple[str, ...]
    databases_data_lost: tuple[str, ...]
    users_cut_off: int
    needs_action: bool
    #: Databases that met the RPO/RTO targets before and miss them now.
    databases_missing_targets: tuple[str, ...] = ()

    @property
    def harmful(self) -> bool:
        return bool(
            self.mailboxes_lost
            or self.databases_data_lost
            or self.users_cut_off
            or self.databases_missing_targets
        )
