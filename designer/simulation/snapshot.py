"""Building the public state of a step, and the events of databases and DAGs."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import cache

from designer.domain.elements import MailboxDatabase
from designer.simulation.baseline import Baseline
from designer.simulation.prepared import Prepared
from designer.simulation.results import DagState, DatabaseState, SiteState, StepState
from designer.simulation.run_state import DbRun, Run, queued_s

__all__ = [
    "database_events",
    "database_state",
    "quorum_event",
    "step_state",
    "waiting_reason",
]


def quorum_event(
    prep: Prepared, run: Run, dag_id: str, before: DagState, now: DagState, t: float
) -> None:
    """Record a DAG keeping or losing quorum, with the static-quorum caveat."""
    dag = prep.dags[dag_id]
    if dag.dynamic_quorum:
        note = "dynamic quorum: the votes follow the members still up after each failure"
    elif any(_has_dynamic_quorum(prep, vm) for vm in dag.members):
        note = (
            "static quorum model: Windows 2012 dynamic quorum can outlast failures that "
            "come one at a time; this is the conservative view"
        )
    else:
        # Members on Windows 2008 R2 (or older) have only the static model: the note
        # about Windows 2012 is noise there (eyes18).
        note = "static quorum"
    dt = prep.timings["vsphere_ha_timeline"]["dag_peer_detects_failure_s"]
    source = "DOMAIN §4 [product fact]; 000 §5.3"
    gap = run.quorum_gap.get(dag_id)
    regain = f"{dag_id} regains quorum"  # what a gap's events are kept under
    foreseen = [e for e in run.pending.get(regain, ()) if e.t > t and id(e) not in run.called_off]
    if gap is not None and any(e.t == gap[0] for e in foreseen):
        return  # an earlier step told this gap (the member still boots)
    # A new judgement: what an earlier step foresaw of this DAG's quorum from here on
    # (the same second's other failures: one judgement when the DAG detects them all).
    run.call_off(regain, t + dt - 1e-6)
    judged = run.quorum_judged.get(dag_id)
    had = before.quorum
    if judged is not None and judged[0] == t + dt:
        # Steps of one second: the DAG judges them together, told once, against its
        # quorum before them (two steps at 0:00 said "keeps quorum" and "loses quorum",
        # or "loses quorum" twice, at 1:00).
        run.call_off(dag_id, t + dt - 1e-6, ("quorum_kept", "quorum_lost"))
        had = judged[1]
    else:
        run.quorum_judged[dag_id] = (t + dt, had)
    if gap is not None:
        run.call_off(dag_id, t + dt - 1e-6, ("quorum_kept", "quorum_lost"))
        # Quorum only once members being restarted run their OS again (000 Table 1).
        back_at, meanwhile, booting, regained = gap
        names = _servers(prep, dag.members, booting)
        up = [m for m in booting if run.os_boots[m] <= back_at]
        back = ("operating systems of " if len(up) > 1 else "operating system of ") + _servers(
            prep, dag.members, up
        )
        run.event(
            t + dt,
            dag_id,
            "quorum_lost",
            f"DAG {dag.name} loses quorum: {meanwhile} of {now.voters} votes ({names} "
            f"restarting); its databases dismount ({note})",
            f"{source}; 000 Table 1",
            because=(regain,),
        )
        run.event(
            back_at,
            dag_id,
            "quorum_kept",
            f"DAG {dag.name} regains quorum with {regained} of {now.voters} votes: the "
            f"{back} {'are' if len(up) > 1 else 'is'} running; its databases mount again",
            f"{source}; 000 Table 1",
            because=(regain,),
        )
        return
    if not had and not now.quorum:
        return  # still without quorum: its loss was told (wave 23, fid23: told twice)
    if now.quorum:
        verb = "keeps" if had else "regains"
        text = f"DAG {dag.name} {verb} quorum with {now.votes} of {now.voters} votes"
        if (now.votes - 1) * 2 <= now.voters:
            # DOMAIN.md §4: more than half of the votes keep quorum; at the least majority
            # the DAG is one failure from an outage (the witness's loss announced it when
            # the members were all up: from here the quorum event says it).
            text += ": one vote fewer and its databases dismount"
        kind = "quorum_kept"
    else:
        text = (
            f"DAG {dag.name} loses quorum: {now.votes} of {now.voters} votes reachable; "
            "its databases dismount"
        )
        kind = "quorum_lost"
    run.event(t + dt, dag_id, kind, f"{text} ({note})", source)


def _servers(prep: Prepared, members: Sequence[str], vms: Iterable[str]) -> str:
    """The names of DAG members, then file share witness servers ("BOS-MBX01, BOS-MBX02
    and witness server HFD-FS01")."""
    names = [prep.vms[m].name for m in vms if m in members]
    names += [f"witness server {prep.vms[m].name}" for m in vms if m not in members]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _has_dynamic_quorum(prep: Prepared, vm_id: str) -> bool:
    """Whether DAG member ``vm_id`` runs Windows 2012 or later (dynamic quorum came with
    Windows Server 2012 [product fact]); a version naming no year counts as such (the
    note stays: the conservative reading)."""
    vm = prep.vms.get(vm_id)
    return vm is None or _windows_has_dynamic_quorum(vm.windows_version)


@cache
def _windows_has_dynamic_quorum(version: str) -> bool:
    """``"2012 x64"``, ``"2016"``, ``"Windows Server 2012 R2"``: yes; ``"2008 R2 x64"``:
    no (a few distinct strings per design: read once each)."""
    year = re.search(r"\b(?:19|20)\d\d\b", version)
    return year is None or int(year.group()) >= 2012


#: The events :func:`database_events` records.
_DB_KINDS = frozenset({"db_unreachable", "db_mounting", "db_active", "db_waiting", "db_down"})


def database_events(
    prep: Prepared, run: Run, db_id: str, before: DbRun, now: DbRun, t: float
) -> None:
    """Record what changed for one database: mounting, active, waiting, down. What an
    earlier step foresaw for it and has not happened yet (a failover still to mount) is
    called off when its state changes: the new state's events replace them."""
    db: MailboxDatabase = prep.dbs[db_id]
    moved = (before.status, before.active_on) != (now.status, now.active_on)
    # Still to mount where it was going, but later now (its server restarts first); or
    # mounted, and to mount again on the same server once it is back (vSphere HA's
    # restart of a stand-alone server: its mount had no event, and the timeline ended
    # before it).
    later = (
        not moved
        and now.status == "active"
        and now.available_at > t
        and now.available_at != before.available_at
    )
    if db_id in run.pending and (moved or later):
        run.call_off(db_id, t, _DB_KINDS)
    if not moved and not later:
        if before.reachable and not now.reachable and now.status == "active":
            run.event(
                t,
                db_id,
                "db_unreachable",
                f"mailbox database {db.name} is mounted but its users reach no CAS array",
                "000 §5.3.1",
            )
        return
    if now.status == "active":
        tl = prep.timings["vsphere_ha_timeline"]
        # A DAG failover from the step, or from the DAG's regaining quorum (the mount
        # as after a failure's detection: 000 Table 1).
        mount_s = prep.timings["dag"]["automatic_failover_s"]
        start: float | None = t if now.available_at - t == mount_s else None
        gap = run.quorum_gap.get(db.dag) if start is None and db.dag else None
        if (
            gap is not None
            and now.available_at - gap[0] == mount_s - tl["dag_peer_detects_failure_s"]
        ):
            start = gap[0] - tl["dag_peer_detects_failure_s"]
        if start is not None:
            begin = start + tl["databases_begin_mount_s"]
            run.event(
                begin,
                db_id,
                "db_mounting",
                f"mailbox database {db.name} begins to mount",
                "000 §4.1 Table 1",
            )
        run.event(now.available_at, db_id, "db_active", now.reason, now.source)
        return
    if now.status == "waiting":
        # The actions' labels, as the database lines and the window's Why word them
        # (waiting_reason), not their CLI keys ("switchover:dag-atl").
        labels = "; ".join(dict.fromkeys(a.label for a in now.actions))
        run.event(
            max(t, now.available_at),
            db_id,
            "db_waiting",
            f"mailbox database {db.name} is down ({now.reason}); waiting for an "
            f"administrator: {labels}",
            "000 §5.2.1",
        )
    else:
        run.event(
            t,
            db_id,
            "db_down",
            f"mailbox database {db.name} is down ({now.reason})",
            "DOMAIN §4",
        )


def waiting_reason(st: DbRun) -> str:
    """Why a database waits, and for what: the one wording of the CLI's database lines,
    its JSON ``reason`` and the window's Results *Why* ("MBX1 is down; needs an
    administrator: datacenter switchover of DAG DAG1 (manual site failover intent)")."""
    if not st.actions:
        return st.reason
    labels = "; ".join(dict.fromkeys(a.label for a in st.actions))
    return f"{st.reason}; needs an administrator: {labels}"


def database_state(prep: Prepared, db_id: str, st: DbRun) -> DatabaseState:
    db = prep.dbs[db_id]
    return _database_state(prep, db_id, db.name, db.mailboxes, st)


def _database_state(
    prep: Prepared, db_id: str, name: str, mailboxes: int, st: DbRun, t: float | None = None
) -> DatabaseState:
    active = st.status == "active"
    rpo = st.rpo if active else None
    rto = st.rto if active else None
    meets = (
        active
        and st.reachable
        and (rpo or 0.0) <= prep.rpo_target_s
        and (rto or 0.0) <= prep.rto_target_s
    )
    return DatabaseState(
        db_id,
        name,
        "active" if active else ("waiting" if st.status == "waiting" else "down"),
        st.active_on,
        rpo,
        rto,
        meets,
        mailboxes,
        st.reachable and active,
        waiting_reason(st) if st.status == "waiting" else st.reason,
        st.available_at,
        st.data_lost,
        None,
        # Mounted after the step ``t`` until its DAG dismounts it (a quorum lost until
        # members vSphere HA restarted run their OS again: the engine's down_since).
        st.down_since
        if t is not None and st.down_since is not None and st.down_since > t
        else None,
        prep.db_user_site.get(db_id),
        st.via if active and st.reachable else None,
    )


def _with_copy_queues(
    run: Run, in_order: list[DatabaseState], place: Mapping[str, int], t: float
) -> None:
    """Give each active database whose passive copies are behind its worst copy queue
    as it stands at ``t`` (the Results and the CLI say so: not data lost yet). A copy
    cut off from its active copy (a partition, a failed link direction: no route left
    for its logs) falls one second behind each second from the cut, on top of the queue
    it had then: a failover to it loses that much (wave 25, fid25: a detour that lost
    every route kept reading the queue it had, frozen, or nothing)."""
    worst: dict[str, tuple[float, float, float]] = {}
    cuts = (run.copy_cut_since, run.copy_dir_cut)
    keys = dict.fromkeys((*run.copy_queued, *cuts[0], *cuts[1]))
    for key in keys:
        db_id, member = key
        state = in_order[place[db_id]]
        if state.state != "active" or member == state.active_on:
            continue
        queue = run.copy_queued.get(key)
        behind, rate = (queued_s(queue, t), queue[2]) if queue is not None else (0.0, 0.0)
        cut = max((c[key] for c in cuts if key in c), default=None)
        if cut is not None and cut <= t:
            behind, rate = queued_s(queue, cut) + (t - cut), 1.0
        now = (t, behind, rate)
        if (now[1] > 0 or now[2] > 0) and (db_id not in worst or now > worst[db_id]):
            worst[db_id] = now
    for db_id, queue in worst.items():
        in_order[place[db_id]] = replace(in_order[place[db_id]], copies_queue=queue)


def step_state(base: Baseline, run: Run, number: int, t: float) -> StepState:
    prep = base.prep
    base_states = base.states
    # A database the step kept as it was in the baseline (the same run state) has the
    # baseline's public state: only the others are built, and swapped in at their place.
    base_db = base.db
    changed: dict[str, DatabaseState] = {}
    # When the last database mounts (0 with none resolved), found on the way.
    settled_at = -math.inf if run.db else 0.0
    for db_id, st in run.db.items():
        if st.available_at > settled_at:
            settled_at = st.available_at
        if st is not base_db[db_id]:
            before = base_states[db_id]  # its name and mailboxes, read from a dataclass
            changed[db_id] = _database_state(prep, db_id, before.name, before.mailboxes, st, t)
    in_order = list(base.state_order)
    place = base.db_place
    for db_id, state in changed.items():
        in_order[place[db_id]] = state
    if (run.copy_queued or run.copy_cut_since or run.copy_dir_cut) and not run.light:
        _with_copy_queues(run, in_order, place, t)
    databases = tuple(in_order)
    dags = tuple(run.dag_state.get(d) or base.dag[d] for d in base.dag_order)
    # Per-site sums start from the baseline and move by the databases that changed.
    totals = dict(base.site_totals)
    via_count = {site: dict(counts) for site, counts in base.site_via.items()}
    for db_id, now in changed.items():
        site_id = prep.db_user_site.get(db_id)
        was_state = base_states[db_id]  # DatabaseState.available, inlined
        was = was_state.state == "active" and was_state.reachable
        is_ = now.state == "active" and now.reachable
        old_via = base.db[db_id].via if was else None
        new_via = run.db[db_id].via if is_ else None
        if was == is_ and old_via == new_via:
            continue
        total, available = totals.get(site_id, (0, 0))
        available += (is_ - was) * now.mailboxes
        totals[site_id] = (total, available)
        counts = via_count.setdefault(site_id, {})
        if old_via:
            counts[old_via] -= 1
        if new_via:
            counts[new_via] = counts.get(new_via, 0) + 1
    sites = []
    w = run.world
    for site_id in prep.site_order:
        site = prep.sites[site_id]
        total, available = totals.get(site_id, (0, 0))
        via = sorted(v for v, n in via_count.get(site_id, {}).items() if n > 0)
        if total:
            with_access = site.users * available // total
        else:
            options = base.cas_options.get(site_id) or prep.cas_options(site_id)
            reach = not prep.cas or any(c not in w.cas_down for c in options)
            with_access = site.users if reach else 0
        sites.append(
            SiteState(
                site_id, site.name, site.users, with_access, tuple(via), site_id in w.sites_down
            )
        )
    vmm = prep.timings["vm_monitoring"]
    down = sorted(
        set(w.sites_down)
        | w.links_down
        | w.hosts_down
        | w.arrays_down
        | w.luns_down
        | set(w.vm_down)
        | w.witness_down
        | w.lbs_down
        | set(w.cas_down)
    )
    return StepState(
        number,
        t,
        databases,
        dags,
        tuple(sites),
        run.offered if number >= 0 else (),
        tuple(sorted(run.failed)),
        tuple(down),
        settled_at,
        tuple(sorted(w.vm_restarted.items())),
        tuple(
            (vm, run.guest_failed.get(vm, t) + vmm["failure_interval_s"] + vmm["os_boot_s"])
            for vm in sorted(w.vm_reset)
        ),
        tuple(
            (dag_id, *gap, tuple(prep.dbs_of_dag.get(dag_id, ())))
            for dag_id, gap in sorted(run.quorum_restarting.items())
            if gap[1] > t
        ),
        (totals, via_count),
    )
