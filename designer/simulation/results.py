"""What a simulation returns: per-step states, the timeline of events, the actions offered.

Plain frozen dataclasses (no pydantic): a scenario on a large design builds thousands
of them and the N-1 sweep many more, so they stay cheap to create and compare.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

from designer.simulation.wording import brief_reason, clock, span

__all__ = [
    "Action",
    "DagState",
    "DatabaseState",
    "DbStatus",
    "Event",
    "SimulationResult",
    "SiteState",
    "StepState",
    "focus_end",
]

_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots through
    their descriptors: the same signature and result as the generated one (which calls
    ``object.__setattr__`` per field, to get past the frozen ``__setattr__``), in about
    half the time. A failure builds an event per change and a state per database it
    changed, thousands at scale. Fields with a default factory are not supported."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {}
    params = []
    for f in fields(cls):  # type: ignore[arg-type]
        assert f.default_factory is MISSING and f.init, f"{cls.__name__}.{f.name}"
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names)
    # Compiled as dataclasses compiles its methods: through a command's code cache
    # (designer.codecache) while one is active, else by the builtin.
    compile_and_run = vars(dataclasses).get("exec", exec)
    compile_and_run(f"def __init__(self, {', '.join(params)}):\n{body}", namespace)
    init = namespace["__init__"]
    original = cls.__init__
    init.__qualname__ = original.__qualname__
    init.__annotations__ = dict(original.__annotations__)
    init.__doc__ = original.__doc__
    setattr(cls, "__init__", init)  # noqa: B010 (mypy refuses assigning a method)
    return cls


#: ``active``: mounted on ``active_on``; ``down``: no copy can serve it and no action
#: helps; ``waiting``: an administrator action (listed in the step's actions) brings it back.
DbStatus = Literal["active", "down", "waiting"]


@_quick_init
@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened: when (seconds from the scenario start), to what, why.

    ``kind`` is a short stable tag the GUI can animate on (``host_failed``,
    ``ha_restart``, ``db_activated`` …); ``source`` cites the document behind the timing
    or behaviour ("000 §4.1 Table 1").
    """

    t: float
    element: str
    kind: str
    text: str
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "t": self.t,
            "element": self.element,
            "kind": self.kind,
            "text": self.text,
            "source": self.source,
        }


@_quick_init
@dataclass(frozen=True, slots=True)
class Action:
    """An administrator action the current state offers.

    Take it with ``ScenarioStep(action="admin", admin_action=name, target=target)``;
    ``key`` (``name:target``) is what the CLI's ``--action`` accepts. ``since`` is when
    it becomes possible (the state it answers exists: a DAG has detected its lost
    quorum, a link is back…): a step that takes it earlier runs at ``since``.
    ``points`` are labelled choices of a parameter (the recovery points of a lagged
    copy, in seconds on the scenario's clock) for a GUI to offer.
    """

    name: str
    target: str
    label: str
    since: float = 0.0
    points: tuple[tuple[str, float], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.name}:{self.target}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "target": self.target,
            "key": self.key,
            "label": self.label,
            "since_s": self.since,
        }
        if self.points:
            data["recovery_points"] = [{"label": n, "at_s": t} for n, t in self.points]
        return data


@_quick_init
@dataclass(frozen=True, slots=True)
class DatabaseState:
    """One mailbox database after a step.

    ``rpo_s`` / ``rto_s`` are None while the database has no recovery (down or waiting);
    ``available_at`` is when it (re)mounted, which :meth:`SimulationResult.state_at`
    uses to show it still failing over at an earlier time.
    """

    id: str
    name: str
    state: DbStatus
    active_on: str | None
    rpo_s: float | None
    rto_s: float | None
    meets_targets: bool
    mailboxes: int
    reachable: bool
    reason: str = ""
    available_at: float = 0.0
    data_lost: bool = False
    #: Its passive copies' worst copy queue (``Run.copy_queued``: since, seconds of logs
    #: behind then, change per second), None while they are current.
    #: Out of the repr (the recorded results' digests hold the rest as before).
    copies_queue: tuple[float, float, float] | None = field(default=None, repr=False)
    #: While it is still mounted after the step, until its DAG dismounts it (the DAG
    #: losing quorum when it detects the failures, 000 Table 1: 1:00), else None:
    #: :meth:`SimulationResult.state_at` shows it as it was before the step until then.
    mounted_until: float | None = field(default=None, repr=False)
    #: The site of its users, and the CAS array they reach it through while it is
    #: available: :meth:`SimulationResult.state_at` sums the sites' users with access
    #: at the time asked from these (out of the repr and of comparisons, as above).
    user_site: str | None = field(default=None, repr=False, compare=False)
    via: str | None = field(default=None, repr=False, compare=False)

    @property
    def available(self) -> bool:
        """Mounted and reachable by its users."""
        return self.state == "active" and self.reachable

    @property
    def copies_behind_s(self) -> float:
        """Seconds of logs its passive copies lack (at the state's time: a queue that
        still grows or drains is re-based by :meth:`SimulationResult.state_at`); not
        data lost until a failover to them (DOMAIN.md §4, RPO)."""
        return 0.0 if self.copies_queue is None else self.copies_queue[1]

    def why(self, before: DatabaseState | None) -> str:
        """Why it stands as it does, against its state ``before`` the scenario (the
        window's Results, the scenario report and the review report read this): "not
        affected" when it is as it was, else the simulator's reason; and its copies'
        queue while they are behind (not data lost until a failover: exposed). One down
        or out of its users' reach before the scenario as after it says why, as before.

        Examples
        --------
        >>> db = DatabaseState("d", "DB1", "active", "vm1", 0.0, 0.0, True, 10, True, "r")
        >>> db.why(db), replace(db, active_on="vm2").why(db)
        ('not affected', 'r')
        >>> replace(db, copies_queue=(0.0, 90.0, 0.0)).why(db)
        'copies behind 90 s'
        >>> down = replace(db, state="down", active_on=None, reason="no copy can serve it")
        >>> down.why(down)
        'as before the scenario: no copy can serve it'
        """
        untouched = self.untouched(before)
        why = "not affected" if untouched else self.reason
        if untouched and not self.available:
            # Down as it was before: "not affected" beside "down" and "misses targets"
            # read as a contradiction (eyes30: a database with no copies).
            why = (
                f"as before the scenario: {self.reason}"
                if self.reason
                else "as before the scenario"
            )
        if self.copies_behind_s:
            behind = f"copies behind {span(self.copies_behind_s)}"
            why = behind if untouched or not why else f"{why}; {behind}"
        return why

    def brief_why(self, before: DatabaseState | None) -> str:
        """:meth:`why` on a table's line: an earlier outage's RTO clause in a few words
        (:func:`~designer.simulation.wording.brief_reason`; the window's Results show
        this, the full :meth:`why` in the cell's tooltip)."""
        return brief_reason(self.why(before))

    def untouched(self, before: DatabaseState | None) -> bool:
        """As it was ``before`` the scenario (mounted where it was, as reachable, never
        down meanwhile): its reason reads "not affected" (see :meth:`why`)."""
        return (
            before is not None
            and self.state == before.state
            and self.active_on == before.active_on
            and self.reachable == before.reachable
            and not self.rto_s  # back as it was, but it was down: say how it came back
        )

    def affected(self, before: DatabaseState | None) -> bool:
        """Its reason reads other than "not affected" (the window's Results count
        these: "3 of 4,000 databases affected")."""
        return not self.untouched(before) or bool(self.copies_behind_s)

    def at(self, t: float) -> DatabaseState:
        """This state with its copy queue as it stands at ``t``."""
        if self.copies_queue is None:
            return self
        since, behind, rate = self.copies_queue
        return replace(self, copies_queue=(t, max(0.0, behind + rate * (t - since)), rate))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "active_on": self.active_on,
            "rpo_s": self.rpo_s,
            "rto_s": self.rto_s,
            "meets_targets": self.meets_targets,
            "mailboxes": self.mailboxes,
            "reachable": self.reachable,
            "reason": self.reason,
            # Only while its copies are behind (the key is absent otherwise).
            **({"copies_behind_s": self.copies_behind_s} if self.copies_behind_s else {}),
        }


@_quick_init
@dataclass(frozen=True, slots=True)
class DagState:
    """A DAG's quorum at a step: the votes it has of its voters, and where."""

    id: str
    name: str
    quorum: bool
    votes: int
    voters: int
    quorum_sites: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "quorum": self.quorum,
            "votes": self.votes,
            "voters": self.voters,
        }


@dataclass(frozen=True, slots=True)
class SiteState:
    """A site's users at a step: how many still reach their mail, and through what."""

    id: str
    name: str
    users: int
    users_with_access: int
    via: tuple[str, ...]
    down: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "users": self.users,
            "users_with_access": self.users_with_access,
            "via": list(self.via),
            "down": self.down,
        }


@dataclass(frozen=True, slots=True)
class StepState:
    """The settled state after one scenario step (index -1: before any step)."""

    step: int
    t: float
    databases: tuple[DatabaseState, ...]
    dags: tuple[DagState, ...]
    sites: tuple[SiteState, ...]
    actions: tuple[Action, ...]
    failed: tuple[str, ...]
    down: tuple[str, ...]
    #: When the last database of this state mounts: from then on it holds as is.
    settled_at: float = 0.0
    #: (VM, host) for each VM vSphere HA restarted on another host (its ``ha_restart``
    #: event says when).
    vm_restarted: tuple[tuple[str, str], ...] = ()
    #: (VM, when its OS runs again) for each VM vSphere HA VM monitoring reset after a
    #: guest OS failure: :meth:`SimulationResult.state_at` shows it down until then.
    vm_resetting: tuple[tuple[str, float], ...] = ()
    #: (DAG, when it loses quorum, when it regains it, its votes meanwhile, its
    #: databases) for each DAG holding quorum only with members vSphere HA restarted once
    #: their OS runs again: :meth:`SimulationResult.state_at` shows it without quorum in
    #: between, and its databases waiting for it then.
    #: (Out of the repr: the recorded results' digests hold the rest as before.)
    quorum_gaps: tuple[tuple[str, float, float, int, tuple[str, ...]], ...] = field(
        default=(), repr=False
    )
    #: Per user site, (its mailboxes, those available) and the databases reached
    #: through each CAS array, as ``sites`` sums them: :meth:`SimulationResult.state_at`
    #: moves them by the databases that stand otherwise at the time asked. None: no
    #: sums (the sites as they are). Out of the repr and of comparisons.
    site_sums: (
        tuple[Mapping[str | None, tuple[int, int]], Mapping[str | None, Mapping[str, int]]] | None
    ) = field(default=None, repr=False, compare=False)

    @property
    def mailboxes_total(self) -> int:
        return sum(db.mailboxes for db in self.databases)

    @property
    def mailboxes_available(self) -> int:
        return sum(db.mailboxes for db in self.databases if db.available)

    def database(self, key: str) -> DatabaseState:
        """The database with this id or name."""
        for db in self.databases:
            if key in (db.id, db.name):
                return db
        raise KeyError(key)

    def dag(self, key: str) -> DagState:
        for dag in self.dags:
            if key in (dag.id, dag.name):
                return dag
        raise KeyError(key)

    def site(self, key: str) -> SiteState:
        for site in self.sites:
            if key in (site.id, site.name):
                return site
        raise KeyError(key)

    @property
    def max_rpo_s(self) -> float:
        """The worst RPO (inf when a database has none yet)."""
        return max((_inf(db.rpo_s) for db in self.databases), default=0.0)

    @property
    def max_rto_s(self) -> float:
        return max((_inf(db.rto_s) for db in self.databases), default=0.0)


def _inf(value: float | None) -> float:
    return math.inf if value is None else value


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """The states after each step and the timeline of events, sorted by time."""

    initial: StepState
    steps: tuple[StepState, ...]
    events: tuple[Event, ...] = field(default_factory=tuple)

    @property
    def final(self) -> StepState:
        return self.steps[-1] if self.steps else self.initial

    @property
    def actions_available(self) -> tuple[Action, ...]:
        return self.final.actions

    def change_times(self) -> list[float]:
        """The times at which :meth:`state_at` (or what is drawn from it) can change:
        the steps, the events, the actions offered, and when each database mounts (a
        database back on its own server after vSphere HA's restart mounts with no event
        of its own). Between two consecutive ones the state is the same, but for copy
        queues growing or draining; each interval is closed on its left."""
        times = {state.t for state in self.steps}
        times.update(event.t for event in self.events)
        for state in self.steps:
            times.update(action.since for action in state.actions)
        for state in (self.initial, *self.steps):
            times.add(state.settled_at)
            for db in state.databases:
                at = db.available_at
                if isinstance(at, (int, float)) and math.isfinite(at):
                    times.add(float(at))
                if db.mounted_until is not None:
                    times.add(db.mounted_until)
        return sorted(t for t in times if math.isfinite(t))

    @property
    def end_s(self) -> float:
        """The scenario's window: its last change (:meth:`change_times`) and, while a
        copy queue is still growing at the end, an hour of its growth (the ``copy_queue``
        event's figure is per hour); while one drains, until it is empty. The window's
        timeline and the review report's chart end here.

        Examples
        --------
        >>> SimulationResult(StepState(-1, 0.0, (), (), (), (), (), ()), ()).end_s
        0.0
        """
        end = max(self.change_times(), default=0.0)
        for db in self.final.databases:
            if db.copies_queue is not None:
                since, behind, rate = db.copies_queue
                if rate > 0:
                    end = max(end, since + 3600.0)
                elif rate < 0:
                    end = max(end, since + behind / -rate)
        return end

    def state_at(self, t: float) -> StepState:
        """The state at time ``t``: the last step at or before it, databases still
        failing over (mounting later than ``t``) shown as waiting."""
        current = self.initial
        #: The states up to ``current``, the last first (a database still mounted after
        #: a step is shown as the states before it had it).
        earlier: list[StepState] = []
        for state in self.steps:
            if state.t <= t:
                earlier.append(current)
                current = state
        #: The step's settled databases, while others stand otherwise at ``t``.
        settled = current.databases
        moved = False
        if earlier and any(
            db.mounted_until is not None and db.mounted_until > t for db in current.databases
        ):
            current = replace(current, databases=_still_mounted(current, earlier, t))
            moved = True
        if any(a.since > t for a in current.actions):
            # An action is offered only once the state it answers exists.
            current = replace(current, actions=tuple(a for a in current.actions if a.since <= t))
        gaps = {g[0]: g for g in current.quorum_gaps if g[1] <= t < g[2]}
        if gaps:
            current = replace(
                current,
                dags=tuple(
                    replace(dag, quorum=False, votes=gaps[dag.id][3], quorum_sites=())
                    if dag.id in gaps
                    else dag
                    for dag in current.dags
                ),
            )
        resetting = [vm for vm, up in current.vm_resetting if up > t and vm not in current.down]
        if resetting:
            current = replace(current, down=tuple(sorted((*current.down, *resetting))))
        if any(db.copies_queue is not None for db in current.databases):
            # Copy queues grow or drain between steps: each as it stands at ``t``.
            current = replace(current, databases=tuple(db.at(t) for db in current.databases))
        if t >= current.settled_at:
            return _with_sites(current, settled) if moved else current
        #: Why a database of a DAG without quorum until restarted servers run waits.
        no_quorum = {
            db_id: f"DAG {dag.name} has no quorum until {clock(gaps[dag.id][2])}"
            for dag in current.dags
            if dag.id in gaps
            for db_id in gaps[dag.id][4]
        }
        databases = tuple(
            replace(
                db,
                state="waiting",
                reason=no_quorum.get(db.id, "failing over"),
                rto_s=None,
                meets_targets=False,
            )
            if db.state == "active" and db.available_at > t
            else db
            for db in current.databases
        )
        return _with_sites(replace(current, databases=databases), settled)

    def events_until(self, t: float) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.t <= t)

    def to_json(self, at: float | None = None) -> dict[str, Any]:
        """The CLI's JSON shape (state at ``at``, else the final settled state)."""
        state = self.final if at is None else self.state_at(at)
        events = self.events if at is None else self.events_until(at)
        return {
            "databases": [db.to_json() for db in state.databases],
            "dags": [dag.to_json() for dag in state.dags],
            "sites": [site.to_json() for site in state.sites],
            "events": [e.to_json() for e in events],
            "actions_available": [a.to_json() for a in state.actions],
            "mailboxes": {
                "total": state.mailboxes_total,
                "available": state.mailboxes_available,
            },
        }


def _with_sites(state: StepState, settled: tuple[DatabaseState, ...]) -> StepState:
    """``state`` with each site's users with access (and the CAS arrays they go
    through) summed from its databases as they stand at its time, which differ from
    the step's ``settled`` ones: a database still failing over counts as not yet
    served, one still mounted until its DAG dismounts it as served (wave 24, fid24: the
    sites read the step's settled view). The step's sums (``site_sums``, as
    :func:`designer.simulation.snapshot.step_state` made them) move by the databases
    that changed; the same division as the step's."""
    if state.site_sums is None:
        return state
    moved: dict[str | None, int] = {}
    via_moved: dict[str | None, dict[str, int]] = {}
    for before, now in zip(settled, state.databases, strict=True):
        if before is now:
            continue
        was = before.state == "active" and before.reachable
        is_ = now.state == "active" and now.reachable
        old_via = before.via if was else None
        new_via = now.via if is_ else None
        if was == is_ and old_via == new_via:
            continue
        where = now.user_site
        moved[where] = moved.get(where, 0) + (is_ - was) * now.mailboxes
        counts = via_moved.setdefault(where, {})
        if old_via:
            counts[old_via] = counts.get(old_via, 0) - 1
        if new_via:
            counts[new_via] = counts.get(new_via, 0) + 1
    if not moved:
        return state
    totals, vias = state.site_sums
    sites = list(state.sites)
    for i, site in enumerate(sites):
        if site.id not in moved:
            continue
        total, available = totals.get(site.id, (0, 0))
        if not total:
            continue
        counts = dict(vias.get(site.id, {}))
        for via, n in via_moved[site.id].items():
            counts[via] = counts.get(via, 0) + n
        sites[i] = replace(
            site,
            users_with_access=site.users * (available + moved[site.id]) // total,
            via=tuple(sorted(v for v, n in counts.items() if n > 0)),
        )
    return replace(state, sites=tuple(sites))


def _still_mounted(
    current: StepState, earlier: list[StepState], t: float
) -> tuple[DatabaseState, ...]:
    """``current``'s databases at ``t``, each still mounted then (``mounted_until``) as
    the last state before it that had it so (the states share one order)."""
    databases = list(current.databases)
    for i, db in enumerate(databases):
        back = len(earlier)
        while db.mounted_until is not None and db.mounted_until > t and back:
            back -= 1
            db = earlier[back].databases[i]
        databases[i] = db
    return tuple(databases)


#: An event this many times later than the last one before it, and over an hour after it,
#: is far: the view opens on the events before it (see focus_end).
FAR_RATIO = 10.0
FAR_GAP_S = 3600.0


def focus_end(times: list[float]) -> float | None:
    """Where a timeline's view opens to: the last of ``times`` before a far gap (a log
    LUN that fills in 45 h after a failover over in a minute), or ``None`` when nothing
    is far (the view shows everything).

    Examples
    --------
    >>> focus_end([0, 32, 69, 164795]), focus_end([0, 700, 3000, 10000]), focus_end([])
    (69, None, None)
    """
    ordered = sorted(times)
    if not ordered:
        return None
    near = ordered[0]
    for t in ordered[1:]:
        if t > near * FAR_RATIO and t - near > FAR_GAP_S:
            return near
        near = t
    return None
