"""Recovery options of one mailbox database, and DAG quorum.

For each database the engine lists the ways it could be served now (a DAG copy, a
cluster node, a Double-Take target, a lagged copy, a restore) in order of preference;
each is automatic or waits for an administrator action. The engine keeps the active
copy while it stays valid, else takes the first automatic option.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from designer.domain.elements import MailboxDatabase
from designer.domain.enums import DiskPurpose, Exchange2007Kind, FailoverMode
from designer.graph.topology import storage_processor_id
from designer.simulation.prepared import Prepared
from designer.simulation.results import Action, DagState
from designer.simulation.run_state import Run, SimulationError, queued_s
from designer.simulation.wording import ACROSS_SITES_WHY, INTENT_HOLDS_WHY, clock, count, span
from designer.simulation.world import World

__all__ = [
    "Option",
    "database_options",
    "lagged_window",
    "os_up_at",
    "quorum",
    "restart_gap",
    "restore_kind",
    "schedule_seconds",
]

_SCHEDULE_S = {"hourly": 3600.0, "daily": 86400.0, "nightly": 86400.0, "weekly": 604800.0}


def schedule_seconds(schedule: str) -> float:
    """The interval of a backup schedule ("daily", "every 4 h", "hourly"…), in seconds.

    Examples
    --------
    >>> schedule_seconds("every 4 h")
    14400.0
    """
    text = schedule.strip().lower()
    if text in _SCHEDULE_S:
        return _SCHEDULE_S[text]
    match = re.search(r"(\d+(?:\.\d+)?)\s*(m|min|h|hour|hours|d|day|days)\b", text)
    if match:
        value, unit = float(match.group(1)), match.group(2)
        return value * (60.0 if unit.startswith("m") else 3600.0 if unit[0] == "h" else 86400.0)
    return _SCHEDULE_S["daily"]


class Option:
    """One way to serve a database: on ``member``, from ``ready`` on, losing ``rpo`` s.

    ``wording`` is its sentence, or (template, database name, prepared design, server)
    to word it from when it is read (:attr:`text`): a failure lists options for every
    database it touches, the engine reads the text of the one it takes.

    A plain class with slots (not a dataclass: ~0.8 M instructions of every command
    that simulates, issue 10); never compared or printed."""

    __slots__ = ("action", "extra", "fresh", "kind", "member", "ready", "rpo", "source", "wording")

    def __init__(
        self,
        member: str,
        ready: float,
        rpo: float,
        kind: str,
        wording: str | tuple[str, str, Prepared, str],
        source: str,
        action: Action | None = None,
        fresh: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.member = member
        self.ready = ready
        self.rpo = rpo
        self.kind = kind
        self.wording = wording
        self.source = source
        self.action = action
        #: The member was down before this step (restarted, recovered): never kept as is.
        self.fresh = fresh
        #: What else the option carries (a restore: its backup); None when nothing
        #: (options are made for every database each failure touches: no empty dict each).
        self.extra = extra

    @property
    def auto(self) -> bool:
        return self.action is None

    @property
    def text(self) -> str:
        wording = self.wording
        if isinstance(wording, str):
            return wording
        template, db_name, prep, vm = wording
        return template % (db_name, _name(prep, vm))


def quorum(prep: Prepared, run: Run, w: World, dag_id: str, at: float = 0.0) -> DagState:
    """Quorum of a DAG: members, plus the witness when the member count is even; the
    connected set of sites holding more than half the votes keeps quorum.

    Static (the default, conservative model): every member votes. With the DAG's
    ``dynamic_quorum`` (Windows 2012+), only the members that held a vote at ``at``
    do: once a failure is detected the votes shrink to the members still up, so
    failures that come one at a time are outlasted.
    """
    dag = prep.dags[dag_id]
    votes, voters, _voting = _tally(prep, run, w, dag_id, at)
    best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]), default=(None, 0))
    has = best[0] is not None and best[1] * 2 > voters
    sites: tuple[str, ...] = ()
    if has:
        sites = tuple(s for s in prep.site_order if _comp(w, s) == best[0])
    return DagState(dag.id, dag.name, has, best[1], voters, sites)


def _tally(
    prep: Prepared, run: Run, w: World, dag_id: str, at: float
) -> tuple[dict[int, int], int, dict[str, int]]:
    """A DAG's votes by connected set of sites, its voters, and the members voting
    (each with its set of sites), as :func:`quorum` counts them."""
    dag = prep.dags[dag_id]
    switched = run.switchover.get(dag_id)
    evicted = switched[2] if switched else frozenset()
    members = [m for m in dag.members if m not in evicted]
    held: frozenset[str] | None = None
    if dag.dynamic_quorum and dag_id in run.dyn_votes:
        since, now, before = run.dyn_votes[dag_id]
        held = now if since <= at else before
    if held is not None:
        members = [m for m in members if m in held]
    witness = dag.alternate_witness if switched else dag.witness
    voters = len(members) + (1 if witness and len(members) % 2 == 0 else 0)
    votes: dict[int, int] = {}
    voting: dict[str, int] = {}
    for m in members:
        if not w.vm_up(m):
            continue
        site = w.site_of_vm(prep, m)
        key = _comp(w, site)
        if key is not None:
            votes[key] = votes.get(key, 0) + 1
            voting[m] = key
    if witness and voters > len(members):
        moved = run.witness_moved.get(dag_id)
        site = moved or prep.witness_site[witness]
        up = moved is not None or witness not in w.witness_down
        key = _comp(w, site) if up else None
        if key is not None:
            votes[key] = votes.get(key, 0) + 1
    return votes, voters, voting


def os_up_at(prep: Prepared, run: Run, w: World, vm: str, t: float) -> float | None:
    """When ``vm``, restarted by vSphere HA at ``t`` (or reset by its VM monitoring),
    runs its operating system again (000 Table 1: 1:33), else None."""
    tm = prep.timings
    if vm in w.vm_reset:
        vmm = tm["vm_monitoring"]
        failed_at = run.guest_failed.get(vm, t)
        return float(failed_at + vmm["failure_interval_s"] + vmm["os_boot_s"])
    if vm in w.vm_restarted:
        return float(t + tm["vsphere_ha_timeline"]["restarted_vm_os_up_s"])
    return None


def restart_gap(
    prep: Prepared, run: Run, w: World, q: DagState, at: float
) -> tuple[float, int, tuple[str, ...], int] | None:
    """When a DAG holding quorum holds it only with members whose OS vSphere HA is
    still booting (``run.os_boots``): (the time enough of them run it again, the votes
    reachable until then, the voters booting then, soonest up first, the votes it regains
    quorum with), else None.

    The DAG judges its quorum when it detects the failures (000 Table 1: 1:00); a
    member restarted then boots until 1:33 and is no voter until its OS runs (its
    cluster service is down): if the others hold no majority without it, the DAG
    loses quorum and every database dismounts (DOMAIN §4) until it is back. So does
    the file share witness whose server is restarting: its share is there only once
    that server's OS runs (wave 23, fid23)."""
    boots = run.os_boots
    detect = at + prep.timings["vsphere_ha_timeline"]["dag_peer_detects_failure_s"]
    dag = prep.dags[q.id]
    fsw = prep.witnesses.get(dag.witness or "")
    servers = (*dag.members, fsw.vm) if fsw is not None and fsw.vm else dag.members
    booting = sorted(
        (boots[m], m)
        for m in servers
        if m in boots and boots[m] > detect and (m in w.vm_restarted or m in w.vm_reset)
    )
    if not booting or (q.votes - len(booting)) * 2 > q.voters:
        return None  # none booting, or the others hold the majority by themselves
    votes, voters, voting = _tally(prep, run, w, q.id, at)
    # The witness voted (its share's server is never a member: DAG009), unless a
    # switchover moved the vote to the alternate witness.
    if (
        fsw is not None
        and fsw.vm
        and sum(votes.values()) > len(voting)
        and q.id not in run.switchover
        and q.id not in run.witness_moved
        and (key := _comp(w, prep.witness_site[fsw.id])) is not None
    ):
        voting = {**voting, fsw.vm: key}
    booting = [(up_at, m) for up_at, m in booting if m in voting]
    meanwhile = dict(votes)
    for _up_at, m in booting:
        meanwhile[voting[m]] -= 1
    lost = max(meanwhile.values(), default=0)
    if lost * 2 > voters:
        return None  # the others hold the majority by themselves
    for i, (up_at, m) in enumerate(booting):
        meanwhile[voting[m]] += 1
        if meanwhile[voting[m]] * 2 > voters:
            for later, b in booting[i + 1 :]:  # up at the same moment: voting then too
                if later <= up_at and voting[b] == voting[m]:
                    meanwhile[voting[b]] += 1
            return (up_at, lost, tuple(b for _up, b in booting), meanwhile[voting[m]])
    return None  # the votes with every member up hold no majority: no quorum to regain


def _comp(w: World, site: str | None) -> int | None:
    if site is None or site in w.sites_down:
        return None
    if w.comp is None:
        return 0
    return w.comp.get(site)


def _action(run: Run, name: str, target: str, label: str, since: float, **extra: Any) -> Action:
    """An action offered now; it keeps the time it first became possible."""
    return Action(name, target, label, run.action_since.get((name, target), since), **extra)


def _lost(w: World, vm: str, db_id: str) -> str | None:
    """What the copy of ``db_id`` on ``vm`` lost of its storage, if anything."""
    if not w.copy_lost and not w.logs_lost:
        return None
    if (vm, db_id) in w.copy_lost or (vm, "*") in w.copy_lost:
        return "database"
    if (vm, db_id) in w.logs_lost or (vm, "*") in w.logs_lost:
        return "logs"
    return None


#: How the options of the main loop read (``%s``: the database's name, the server's).
_SRM_RECOVERED = "mailbox database %s mounts on %s recovered by SRM"
_VM_RESET = (
    "mailbox database %s mounts on %s after vSphere HA VM monitoring reset its failed guest OS"
)
_MOUNTS = "mailbox database %s mounts on %s"
_DAG_FAILOVER = "mailbox database %s activates on DAG member %s"
_DAG_REGAINED = "mailbox database %s mounts on DAG member %s once its DAG regains quorum"
_CLUSTER_FAILOVER = "mailbox database %s fails over to cluster node %s"

#: Why a server cannot serve a database, by kind (``{}``: the server's name).
_WHY = {
    "down": "{} is down",
    "storage": "the copy on {} lost its storage",
    "logs": "the copy on {} lost its log disk",
    "cut_off": "{} is cut off from the DAG's quorum",
}


def database_options(
    prep: Prepared, run: Run, w: World, db: MailboxDatabase, t: float, dag_q: DagState | None
) -> tuple[list[Option], list[str]]:
    """The database's options now, best first, and why the others are unavailable.

    When one option serves by itself (no action), only those that do are certain to be
    listed, and no reason is given: the engine takes the soonest of them, and reads
    the actions and the reasons only when there is none.

    A placement run (``run.light``) lists the same options that serve by itself, in
    the same order, without their texts and RPO, and, while no action has been taken,
    none that waits for an action (nor reasons): only where it goes is read."""
    tm = prep.timings
    options: list[Option] = []
    #: Reasons, or (kind of reason, server) worked out into one only when read.
    why: list[str | tuple[str, str]] = []
    # The database's and its DAG's fields read once (pydantic fields cost more to read).
    db_id = db.id
    dag_id = db.dag
    corrupted_at = run.corrupted.get(db_id)
    st = run.db.get(db_id)
    servers = prep.servers_of(db)
    dag = prep.dags.get(dag_id) if dag_id else None
    repl = prep.e2007_of_db.get(db_id)
    switched = run.switchover.get(dag.id) if dag is not None else None
    prev_site = st.active_home if st else prep.db_home_site.get(db_id)

    if corrupted_at is not None:
        for vm, lag in servers:
            if lag > 0 and _usable(prep, w, db, dag_q, vm, why):
                lagged = _lagged(prep, run, db, vm, lag, t)
                if lagged is not None:
                    options.append(lagged)
                else:
                    why.append(
                        f"the lagged copy on {_name(prep, vm)} has already replayed the "
                        "corruption (it happened more than the lag ago)"
                    )
        why.append("logical corruption replicated to every non-lagged copy")
        options.extend(_restores(prep, run, w, db, servers, t))
        return options, _reasons(prep, why)

    light = run.light
    # Read once for every server (this loop runs for every database a failure touches).
    any_lost = bool(w.copy_lost or w.logs_lost)
    vm_down = w.vm_down
    fresh_vms = run.fresh_vms
    boots = run.os_boots
    quorum_sites = dag_q.quorum_sites if dag_q is not None and dag_q.quorum else None
    copy_rpo = bool(
        run.srm_rpo or run.copy_cut_since or run.copy_dir_cut or run.copy_queued or run.copy_behind
    )
    #: A DAG whose manual site failover intent makes a copy in another site an action:
    #: only when the database's site is lost to the DAG (down, or cut off from the side
    #: with quorum). A server's loss (its host, its disks, its guest) is not a site's:
    #: Active Manager activates the best copy wherever it is, across sites too (000
    #: §5.1.1: "With DAGs, a failover can occur automatically at the database or server
    #: level", while "the choice to activate the DR facility" is the conscious decision;
    #: 000 §4.3.1, §5.3.1 Fig. 11; DOMAIN §4 "Database activation"; wave 27, fidelity27:
    #: a two-member stretched DAG's host lost waited for a datacenter switchover).
    manual = None
    #: The sites whose copies serve with no switchover while ``manual`` holds: the one it
    #: ran in, and its home (its preferred copy's): going back home after losing the site
    #: a server's loss moved it to is no activation of the DR facility (000 §5.1.1).
    held_off: tuple[str | None, ...] = ()
    #: Its site kept, in a manual-intent DAG (and the DAG's name): a copy in another site
    #: activates by itself, and its wording says why (the intent waits only for a site's
    #: loss). Placement reads no wording.
    kept = None
    if (
        dag is not None
        and dag_id in prep.manual_intent_dags
        and switched is None
        and prev_site is not None
    ):
        if quorum_sites is None or prev_site not in quorum_sites:
            manual = dag
            held_off = (prev_site, prep.db_home_site.get(db_id))
        elif not light:
            kept = (prev_site, dag.name)
    lagged_taken = run.actions.get(("activate_lagged_copy", db_id))
    dag_ready = t + tm["dag"]["automatic_failover_s"]
    gap = run.quorum_gap.get(dag_id) if dag_id and run.quorum_gap else None
    gap_ready = 0.0
    if gap is not None:
        tl = tm["vsphere_ha_timeline"]
        gap_ready = gap[0] + tm["dag"]["automatic_failover_s"] - tl["dag_peer_detects_failure_s"]
    #: (place in ``options``, member, lag) of lagged copies whose activation is an action.
    lagged_later: list[tuple[int, str, float]] = []
    copy_lost, logs_lost = w.copy_lost, w.logs_lost
    db_name = db.name
    vm_relocated, vm_site = w.vm_relocated, prep.vm_site
    for vm, lag in servers:
        # Whether the copy on ``vm`` can serve (else why not), as ``_usable`` tells.
        if vm in vm_down:
            why.append(("down", vm))
            continue
        lost = None
        if any_lost:  # _lost, inlined
            if (vm, db_id) in copy_lost or (vm, "*") in copy_lost:
                lost = "database"
            elif (vm, db_id) in logs_lost or (vm, "*") in logs_lost:
                lost = "logs"
        if lost == "database":
            why.append(("storage", vm))
            continue
        if lost == "logs":
            why.append(("logs", vm))
            continue
        if dag is not None:
            if quorum_sites is None:
                why.append(f"DAG {dag.name} has no quorum")
                continue
            # w.site_of_vm, inlined
            if (vm_relocated.get(vm) or vm_site.get(vm)) not in quorum_sites:
                why.append(("cut_off", vm))
                continue
        fresh = vm in fresh_vms
        if lag > 0:
            # A lagged copy serves only through its activation: an action until taken,
            # listed (at its place) only when no option serves by itself (below).
            if lagged_taken is None:
                lagged_later.append((len(options), vm, lag))
                continue
            lagged = _lagged(prep, run, db, vm, lag, t)
            if lagged is not None:
                options.append(lagged)
            continue
        if vm in vm_relocated:
            ready = max(t, run.vm_ready.get(vm, t))
            kind, source = "srm_recovered", "002; 000 §5.1"
            text = _SRM_RECOVERED
        elif fresh and vm in w.vm_reset:
            failed_at = run.guest_failed.get(vm, t)
            vmm = tm["vm_monitoring"]
            ready = max(
                t,
                failed_at
                + vmm["failure_interval_s"]
                + vmm["os_boot_s"]
                + tm["standalone_ha"]["exchange_services_start_s"],
            )
            kind, source = "vm_monitoring_reset", "000 §4.1; vm_monitoring in the catalog"
            text = _VM_RESET
        elif fresh or (boots and boots.get(vm, t) > t):
            # Restarted by vSphere HA at this step, or at an earlier one and its OS still
            # booting (000 Table 1: 1:33), then Exchange's services start.
            if fresh:
                ready = t + tm["vsphere_ha_timeline"]["restarted_vm_os_up_s"]
            else:
                ready, fresh = boots[vm], True
            ready += tm["standalone_ha"]["exchange_services_start_s"]
            kind, source = "restart_mount", "000 §4.1.1; 000 Table 1"
            text = _MOUNTS
        elif dag is not None:
            ready = dag_ready
            kind, source = "dag_failover", "000 §4.1 Table 1"
            text = _DAG_FAILOVER
        elif repl is not None and repl.replication in (Exchange2007Kind.CCR, Exchange2007Kind.SCC):
            key = "ccr_failover_s" if repl.replication == Exchange2007Kind.CCR else "scc_failover_s"
            ready = t + tm["exchange2007"][key]
            kind, source = f"{repl.replication.value}_failover", "004; 003"
            text = _CLUSTER_FAILOVER
        else:
            ready = t
            kind, source = "mount", "000 §4.1.1"
            text = _MOUNTS
        if switched is not None and switched[0] == t:
            ready = max(ready, t + tm["dag"]["datacenter_switchover_s"])
            kind, source = "switchover", "000 §5.2.1; [product fact]"
        if gap is not None and ready < gap_ready:
            # Quorum is lost until restarted members are back: the databases mount
            # again as after a failure's detection (000 Table 1: 9 s).
            ready = gap_ready
            kind, source = "dag_quorum_regained", "000 §4.1 Table 1; DOMAIN §4 [product fact]"
            text = _DAG_REGAINED
        rpo = 0.0
        if copy_rpo and not light:
            rpo = run.srm_rpo.get(vm, 0.0)
            # Cut off since ``cut``, after queueing on a short link until then (the queue
            # stopped growing when its logs stopped): short by both.
            cut_s = 0.0
            cut = run.copy_cut_since.get((db_id, vm))
            if cut is not None:
                cut_s = t - cut
            cut = run.copy_dir_cut.get((db_id, vm))
            if cut is not None:
                cut_s = max(cut_s, t - cut)
            rpo = max(rpo, cut_s + queued_s(run.copy_queued.get((db_id, vm)), t))
            behind = run.copy_behind.get((db_id, vm))
            if behind is not None and t < behind[0]:
                rpo = max(rpo, behind[1])
        if manual is not None and light and prep.vm_site.get(vm) not in held_off:
            continue  # an action's option (below): placement does not list it
        option = Option(vm, ready, rpo, kind, (text, db_name, prep, vm), source, None, fresh)
        if kept is not None and kind == "dag_failover":
            there = vm_relocated.get(vm) or vm_site.get(vm)
            if there is not None and there != kept[0]:
                option.wording = _across_sites(prep, db_name, vm, kept[1], kept[0], there)
                option.source = "000 §4.1 Table 1; 000 §5.1.1, §5.3.1 Fig. 11"
        if manual is not None and prep.vm_site.get(vm) not in held_off:
            option.action = _action(
                run,
                "switchover",
                manual.id,
                f"datacenter switchover of DAG {manual.name} (manual site failover intent)",
                _decided(prep, t, dag),
            )
        options.append(option)
    if manual is not None and not light:
        why.extend(_intent_holds(prep, options, manual.name))

    #: Placement with no action taken: the options below that wait for one are not listed.
    quiet = light and not run.actions
    if not light and dag is not None and (dag_q is None or not dag_q.quorum) and switched is None:
        for vm, _lag in servers:
            if (
                w.vm_up(vm)
                and _lost(w, vm, db_id) is None
                and w.site_of_vm(prep, vm) not in w.sites_down
            ):
                options.append(
                    Option(
                        vm,
                        t,
                        0.0,
                        "switchover",
                        f"datacenter switchover of DAG {dag.name}",
                        "000 §5.2.1",
                        action=_action(
                            run,
                            "switchover",
                            dag.id,
                            f"datacenter switchover of DAG {dag.name}",
                            run.quorum_lost_at.get(dag.id, _decided(prep, t, dag)),
                        ),
                    )
                )
                break
    for other in () if quiet else prep.e2007s_of_db.get(db_id, ()):
        if other.target and other.replication == Exchange2007Kind.SCR:
            target = other.target
            if w.vm_up(target):
                taken = run.actions.get(("activate_scr", other.id))
                ready = (taken if taken is not None else t) + tm["exchange2007"]["scr_activation_s"]
                # Behind by the logs its link's share could not carry (DOMAIN §4: the copy
                # queue length), and by the time a partition has cut it off (as a DAG copy).
                cut = run.copy_cut_since.get((db_id, target))
                queued = queued_s(run.copy_queued.get((db_id, target)), t)
                options.append(
                    Option(
                        target,
                        ready,
                        queued if cut is None else queued + t - cut,
                        "scr_activation",
                        f"SCR target {_name(prep, target)} activated for mailbox database "
                        f"{db.name}",
                        "004",
                        action=None
                        if taken is not None
                        else _action(
                            run, "activate_scr", other.id, f"activate SCR target of {other.name}", t
                        ),
                    )
                )
        if other.replication == Exchange2007Kind.LCR and servers:
            lcr = _lcr(prep, run, w, db, other.id, servers[0][0], t, why)
            if lcr is not None:
                options.append(lcr)
    first = servers[0][0] if servers else None
    new_logs = any_lost and not quiet  # the first server may have lost just its logs
    for vm in (first,) if first is not None and new_logs and first not in vm_down else ():
        if _lost(w, vm, db_id) == "logs" and not any(o.auto for o in options):
            # 004: with the logs lost, the up-to-date database "will let you continue
            # normal operations with new transaction logs".
            taken = run.actions.get(("mount_with_new_logs", db.id))
            options.append(
                Option(
                    vm,
                    (taken if taken is not None else t)
                    + tm["exchange_storage"]["new_logs_mount_s"],
                    0.0,
                    "new_logs",
                    f"mailbox database {db.name} mounted on {_name(prep, vm)} with new "
                    "transaction logs (its database disk survived the lost log disk)",
                    "004 'Best Practices for Exchange'",
                    action=None
                    if taken is not None
                    else _action(
                        run,
                        "mount_with_new_logs",
                        db.id,
                        f"mount mailbox database {db.name} with new transaction logs",
                        t,
                    ),
                )
            )
    for vm in (first,) if first is not None else ():
        for hr in prep.repls_from_vm.get(vm, ()):
            if hr.id in w.failed or not w.vm_up(hr.target):
                continue
            dt = tm["double_take"]
            mailboxes = prep.vms[vm].mailboxes or db.mailboxes
            rehome = dt["rehome_s"] * mailboxes / dt["rehome_users"]
            since = run.down_since_vm.get(vm, t)
            outage = run.repl_down_since.get(hr.id)
            # Asynchronous: what was still queued at the failure is lost, plus what the
            # source wrote after the replication was cut (DOMAIN §4; 003): until its VM
            # went down, else until its databases dismounted (its DAG lost quorum: a
            # partition leaves the source up, writing until then), else until now.
            queue = float(dt.get("queue_at_failure_s", 0.0))
            last_write = since
            dismounted = run.quorum_lost_at.get(dag_id) if dag_id else None
            if vm not in run.down_since_vm and dismounted is not None:
                last_write = dismounted
            unsent = max(0.0, last_write - outage) if outage is not None else 0.0
            rpo = queue + unsent
            lost = f"the replication queue at the failure (assumed {queue:g} s of changes)"
            if unsent:
                lost += (
                    f" and what the source wrote from the replication's cut at "
                    f"{clock(outage or 0.0)} to its last write at {clock(last_write)} are"
                )
            else:
                lost += " is"
            text = (
                f"Double-Take fails {_name(prep, vm)} over to {_name(prep, hr.target)}; "
                f"re-homing {mailboxes:,} mailboxes; {lost} lost"
            )
            if hr.failover == FailoverMode.AUTOMATIC:
                ready = since + hr.failover_timeout_s + rehome
                options.append(Option(hr.target, max(t, ready), rpo, "double_take", text, "003"))
            else:
                taken = run.actions.get(("fail_over_double_take", hr.id))
                options.append(
                    Option(
                        hr.target,
                        (taken if taken is not None else t) + rehome,
                        rpo,
                        "double_take",
                        text,
                        "003",
                        action=None
                        if taken is not None
                        else _action(
                            run,
                            "fail_over_double_take",
                            hr.id,
                            f"fail over Double-Take {hr.name}",
                            since,
                        ),
                    )
                )
    for vm in prep.planned_servers(db) if vm_down and not light else ():
        if vm not in vm_down:
            continue
        for plan_id in prep.plans_of_vm[vm]:
            pair = prep.pairs[prep.plans[plan_id].site_pair]
            if pair.protected_site in w.sites_down and plan_id not in run.srm_done:
                # Imported when a plan could run: sizing never gets here (check's start).
                from designer.simulation.srm import srm_obstacle

                obstacle = srm_obstacle(prep, run, pair.recovery_site)
                if obstacle is not None:
                    why.append(f"SRM recovery plan {prep.plans[plan_id].name}: {obstacle}")
                    continue
                label = f"run SRM recovery plan {prep.plans[plan_id].name}"
                options.append(
                    Option(
                        vm,
                        t,
                        0.0,
                        "srm",
                        label,
                        "002",
                        action=_action(
                            run,
                            "run_recovery_plan",
                            plan_id,
                            label,
                            run.down_since_vm.get(vm, t),
                        ),
                    )
                )
    if quiet:
        # Placement: the actions and the reasons are not read.
        return options, []
    for o in options:
        if o.action is None:
            # The engine takes an automatic option: the actions and the reasons are not
            # read.
            return options, []
    if servers and all(_lost(w, vm, db_id) == "database" for vm, _ in servers):
        options.extend(_restores(prep, run, w, db, servers, t))
    for place, vm, lag in reversed(lagged_later):  # the later first: the places hold
        lagged = _lagged(prep, run, db, vm, lag, t)
        if lagged is not None:
            options.insert(place, lagged)
    return options, _reasons(prep, why)


def _usable(
    prep: Prepared,
    w: World,
    db: MailboxDatabase,
    dag_q: DagState | None,
    vm: str,
    why: list[str | tuple[str, str]],
) -> bool:
    """Whether the copy of ``db`` on ``vm`` can serve; if not, why not goes to ``why``."""
    if not w.vm_up(vm):
        why.append(("down", vm))
        return False
    lost = _lost(w, vm, db.id)
    if lost == "database":
        why.append(("storage", vm))
        return False
    if lost == "logs":
        why.append(("logs", vm))
        return False
    dag = prep.dags.get(db.dag) if db.dag else None
    if dag is not None:
        if dag_q is None or not dag_q.quorum:
            why.append(f"DAG {dag.name} has no quorum")
            return False
        if w.site_of_vm(prep, vm) not in dag_q.quorum_sites:
            why.append(("cut_off", vm))
            return False
    return True


def _reasons(prep: Prepared, why: list[str | tuple[str, str]]) -> list[str]:
    return [
        text if isinstance(text, str) else _WHY[text[0]].format(_name(prep, text[1]))
        for text in why
    ]


def lagged_window(
    prep: Prepared, run: Run, db: MailboxDatabase, lag_days: float, at: float
) -> tuple[float, float, str]:
    """The recovery points a lagged copy offers when activated at ``at``: from the point
    it has replayed up to (``at`` minus the lag) to the latest clean point (just before
    a corruption, else the failure: every copied log), and what that latest point is.

    000 §5.2: recover "up to the last copied and inspected log file, or to a specific
    point in time within the lag window".
    """
    replayed = at - lag_days * 86400.0
    corrupted_at = run.corrupted.get(db.id)
    if corrupted_at is not None:
        return replayed, corrupted_at, "the corruption"
    st = run.db.get(db.id)
    failed_at = st.down_since if st is not None and st.down_since is not None else at
    return replayed, min(failed_at, at), "the failure"


def _lagged(
    prep: Prepared, run: Run, db: MailboxDatabase, vm: str, lag_days: float, t: float
) -> Option | None:
    """A lagged copy's activation, or None when it cannot help (it has replayed the
    corruption already)."""
    tm = prep.timings["dag"]
    taken = run.actions.get(("activate_lagged_copy", db.id))
    at = taken if taken is not None else t
    earliest, latest, what = lagged_window(prep, run, db, lag_days, at)
    if earliest >= latest:
        return None
    if taken is None:
        corrupted = db.id in run.corrupted
        since = run.corrupted[db.id] if corrupted else t + tm_detect(prep)
        return Option(
            vm,
            at + tm["lagged_copy_activation_s"],
            0.0,
            "lagged_activation",
            f"lagged copy of mailbox database {db.name} on {_name(prep, vm)}",
            "000 §5.2.1",
            action=_action(
                run,
                "activate_lagged_copy",
                db.id,
                f"activate the lagged copy of mailbox database {db.name}",
                since,
                points=_lag_points(what, latest, earliest),
            ),
        )
    point = run.recovery_points.get(db.id, latest)
    replay = tm["lagged_replay"]
    ratio = float(replay["window_s"]) / float(replay["duration_s"])
    replay_s = max(0.0, point - earliest) / ratio
    ready = at + tm["lagged_copy_activation_s"] + replay_s
    rpo = max(0.0, latest - point)
    before = "before the corruption" if what == "the corruption" else "of the failure"
    text = (
        f"lagged copy of mailbox database {db.name} on {_name(prep, vm)} activated: logs "
        f"replayed from {clock(earliest)} up to {clock(point)}, {span(latest - point)} "
        f"{before} at {clock(latest)} (replaying {span(point - earliest)} of logs takes "
        f"{span(replay_s)} at 000 Table 1's replay rate, an assumption)"
        if point < latest
        else f"lagged copy of mailbox database {db.name} on {_name(prep, vm)} activated: logs "
        f"replayed from {clock(earliest)} up to {clock(point)}, just {before} at "
        f"{clock(latest)} (replaying {span(point - earliest)} of logs takes {span(replay_s)} "
        "at 000 Table 1's replay rate, an assumption)"
    )
    return Option(vm, ready, rpo, "lagged_activation", text, "000 §5.2; 000 Table 1")


@lru_cache(maxsize=256)
def _lag_points(what: str, latest: float, earliest: float) -> tuple[tuple[str, float], ...]:
    """The recovery points a GUI offers for a lagged copy (labels on the scenario's clock)."""
    return (
        (f"latest clean point, just before {what} ({clock(latest)})", latest),
        (f"one hour before {what} ({clock(latest - 3600)})", latest - 3600)
        if latest - 3600 > earliest
        else (f"start of the lag window ({clock(earliest)})", earliest),
        (f"no replay: where the copy stands ({clock(earliest)})", earliest),
    )


def _decided(prep: Prepared, t: float, dag: object) -> float:
    """When a DAG decides (fails over, or finds it cannot): once its members detect
    the loss; at once without a DAG."""
    return t + tm_detect(prep) if dag is not None else t


def tm_detect(prep: Prepared) -> float:
    return float(prep.timings["vsphere_ha_timeline"]["dag_peer_detects_failure_s"])


def check_recovery_point(
    prep: Prepared, run: Run, db: MailboxDatabase, at: float, point: float
) -> None:
    """Refuse a lagged copy's recovery point outside the window it can replay to."""
    lags = [c.replay_lag_days for c in db.copies if c.replay_lag_days > 0]
    if not lags:
        return
    earliest, latest, what = lagged_window(prep, run, db, max(lags), at)
    if point > latest:
        raise SimulationError(
            f"recovery point {clock(point)} of mailbox database {db.name} is after "
            f"{what} at {clock(latest)}"
        )
    if point < earliest:
        raise SimulationError(
            f"recovery point {clock(point)} of mailbox database {db.name} is outside the lag "
            f"window: the lagged copy has replayed its logs up to {clock(earliest)}"
        )


def _lcr(
    prep: Prepared,
    run: Run,
    w: World,
    db: MailboxDatabase,
    repl_id: str,
    vm: str,
    t: float,
    why: list[str | tuple[str, str]],
) -> Option | None:
    """Activating the LCR copy: only when the active copy lost its storage and the LCR
    copy's database disk is alive, with its own logs or the active ones (004, Fig. 3:
    "If either the RAID controller or the array fails, you still have your database
    and transaction logs on the other array")."""
    repl = prep.e2007[repl_id]
    if not w.vm_up(vm) or _lost(w, vm, db.id) is None:
        return None
    disks = [prep.disk_by_id[d] for d in repl.copy_disks if d in prep.disk_by_id]
    if not disks:
        why.append(f"LCR {repl.name} has no copy disks in the design")
        return None
    databases = [d for d in disks if d.purpose != DiskPurpose.LOGS]
    logs = [d for d in disks if d.purpose == DiskPurpose.LOGS]
    copy_db_ok = bool(databases) and not any(d.id in w.lcr_disks_lost for d in databases)
    copy_logs_ok = bool(logs) and not any(d.id in w.lcr_disks_lost for d in logs)
    active_logs_ok = _lost(w, vm, db.id) == "database" and _logs_survive(prep, w, db.id, vm)
    if not copy_db_ok or not (copy_logs_ok or active_logs_ok):
        why.append(f"the LCR copy of {repl.name} lost its disks too")
        return None
    taken = run.actions.get(("activate_lcr", repl_id))
    return Option(
        vm,
        (taken if taken is not None else t) + prep.timings["exchange2007"]["lcr_activation_s"],
        0.0,
        "lcr_activation",
        f"LCR copy of mailbox database {db.name} activated on {_name(prep, vm)}",
        "004",
        action=None
        if taken is not None
        else _action(run, "activate_lcr", repl_id, f"activate the LCR copy of {repl.name}", t),
    )


def restore_kind(prep: Prepared, kind: str) -> dict[str, Any]:
    """The catalog's restore figures for a backup kind (tape when unknown)."""
    kinds: dict[str, dict[str, Any]] = prep.timings["restore"]["kinds"]
    return kinds.get(kind, kinds["tape"])


def _logs_survive(prep: Prepared, w: World, db_id: str, vm: str) -> bool:
    """Whether the database's logs on ``vm`` survived on storage of their own: a log
    disk on a LUN that is up and whose RAID group lost nothing (004: keep databases and
    logs on separate RAID arrays)."""
    logs = [
        d
        for d in prep.disks_of_vm.get(vm, [])
        if d.purpose == DiskPurpose.LOGS
        and d.database in (db_id, None)
        and d.id not in prep.lcr_copy_disks
    ]
    if not logs or (vm, db_id) in w.logs_lost or (vm, "*") in w.logs_lost:
        return False
    return all(
        d.lun is not None
        and d.lun not in w.luns_down
        and prep.raid_set(d.lun) not in w.raid_sets_down
        for d in logs
    )


def _restores(
    prep: Prepared,
    run: Run,
    w: World,
    db: MailboxDatabase,
    servers: Sequence[tuple[str, float]],
    t: float,
) -> list[Option]:
    target = next((vm for vm, _ in servers if w.vm_up(vm)), None)
    if target is None:
        return []
    result = []
    db_luns = {d.lun for d in prep.disks_of_db.get(db.id, []) if d.lun}
    for backup_id in prep.backups_of_db.get(db.id, []):
        backup = prep.backups[backup_id]
        kind = backup.backup_kind.value
        figures = restore_kind(prep, kind)
        survives = figures.get("survives")
        if survives == "source_lun" and db_luns & w.luns_down:
            continue  # a snapshot goes with the LUN it shares blocks with
        if survives == "array" and any(
            _array_dead(w, prep.luns[lun].array) for lun in db_luns if lun in prep.luns
        ):
            continue  # a clone lives on the same array
        taken = run.actions.get(("restore_from_backup", backup_id))
        rate = float(figures["rate_gb_per_hour"])
        duration = (db.size_gb / rate * 3600.0 if rate > 0 else 0.0) + float(figures["fixed_s"])
        duration += float(figures["media_retrieval_s"])
        # 004: with the logs intact, "apply the current day's transaction logs to bring
        # it up-to-date"; logs lost too (or a corruption to avoid): the backup's age.
        current = db.id not in run.corrupted and _logs_survive(prep, w, db.id, target)
        rpo = 0.0 if current else schedule_seconds(backup.schedule)
        tail = (
            " and brought up to date with its surviving transaction logs"
            if current
            else f"; the changes since the backup ({backup.schedule}) are lost"
        )
        result.append(
            Option(
                target,
                (taken if taken is not None else t) + duration,
                rpo,
                "restore",
                f"mailbox database {db.name} restored from {kind.replace('_', ' ')} backup "
                f"{backup.name} onto {_name(prep, target)} in {span(duration)}{tail}",
                "004; 001; restore rates by backup kind in the catalog",
                action=None
                if taken is not None
                else _action(
                    run, "restore_from_backup", backup_id, f"restore from backup {backup.name}", t
                ),
                extra={"backup": backup_id},
            )
        )
    return result


def _array_dead(w: World, array_id: str) -> bool:
    return (
        array_id in w.arrays_down
        or {
            storage_processor_id(array_id, "A"),
            storage_processor_id(array_id, "B"),
        }
        <= w.sps_down
    )


def _across_sites(prep: Prepared, db: str, vm: str, dag: str, home: str, there: str) -> str:
    """How a manual-intent DAG's database activating in another site after a server's
    loss reads: why it needs no administrator (eyes26: a newcomer could not tell whether
    the simulator meant it to wait). The Results' Why says it without the last clause
    (:func:`~designer.simulation.wording.brief_reason`)."""
    return (
        f"mailbox database {db} activates on DAG member {_name(prep, vm)} in site "
        f"{prep.sites[there].name} by itself: a server was lost, not site "
        f"{prep.sites[home].name}" + ACROSS_SITES_WHY.format(dag)
    )


def _intent_holds(prep: Prepared, options: list[Option], dag: str) -> list[str]:
    """Why the copies a manual-intent DAG's intent holds wait, the DAG keeping quorum
    (those options exist only then): the intent, not the quorum, waits (eyes27 item 4: a
    newcomer who had just put the witness in a third site, as DAG013 asks, read "needs an
    administrator" with no word of why). 000 §5.1.1: "the choice to activate the DR
    facility be a conscious decision"; 000 §5.3.1 Fig. 12: with automated failover the
    surviving site fails over by itself when a DAG node can access the witness. Empty when
    no copy waits for the intent."""
    held = [o.member for o in options if o.action is not None and o.action.name == "switchover"]
    if not held:
        return []
    sites = [
        prep.sites[site].name
        for site in dict.fromkeys(prep.vm_site.get(vm) for vm in held)
        if site is not None and site in prep.sites
    ]
    where = f" in site {' and '.join(sites)}" if sites else ""
    copies = "copy" if len(held) == 1 else f"{count(len(held), 'copy', 'copies')}"
    return [INTENT_HOLDS_WHY.format(dag=dag, copies=copies, where=where)]


def _name(prep: Any, vm: str) -> str:
    element = prep.vms.get(vm)
    return element.name if element is not None else vm
