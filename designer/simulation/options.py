"""Recovery options of one mailbox database, and DAG quorum.

For each database the engine lists the ways it could be served now (a DAG copy, a
cluster node, a Double-Take target, a lagged copy, a restore) in order of preference;
each is automatic or waits for an administrator action. The engine keeps the active
copy while it stays valid, else takes the first automatic option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designer.domain.elements import MailboxDatabase
from designer.domain.enums import Exchange2007Kind, FailoverIntent, FailoverMode
from designer.simulation.prepared import Prepared, database_servers
from designer.simulation.results import Action, DagState
from designer.simulation.run_state import Run
from designer.simulation.world import World

__all__ = ["Option", "database_options", "quorum", "schedule_seconds"]

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


@dataclass(slots=True)
class Option:
    """One way to serve a database: on ``member``, from ``ready`` on, losing ``rpo`` s."""

    member: str
    ready: float
    rpo: float
    kind: str
    text: str
    source: str
    action: Action | None = None
    #: The member was down before this step (restarted, recovered): never kept as is.
    fresh: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def auto(self) -> bool:
        return self.action is None


def quorum(prep: Prepared, run: Run, w: World, dag_id: str) -> DagState:
    """Static quorum of a DAG: members, plus the witness when the member count is even;
    the connected set of sites holding more than half the votes keeps quorum."""
    dag = prep.dags[dag_id]
    switched = run.switchover.get(dag_id)
    evicted = switched[2] if switched else frozenset()
    members = [m for m in dag.members if m not in evicted]
    witness = dag.alternate_witness if switched else dag.witness
    voters = len(members) + (1 if witness and len(members) % 2 == 0 else 0)
    votes: dict[int, int] = {}
    for m in members:
        if not w.vm_up(m):
            continue
        site = w.site_of_vm(prep, m)
        key = _comp(w, site)
        if key is not None:
            votes[key] = votes.get(key, 0) + 1
    if witness and voters > len(members):
        moved = run.witness_moved.get(dag_id)
        site = moved or prep.witnesses[witness].site
        up = moved is not None or witness not in w.witness_down
        key = _comp(w, site) if up else None
        if key is not None:
            votes[key] = votes.get(key, 0) + 1
    best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]), default=(None, 0))
    has = best[0] is not None and best[1] * 2 > voters
    sites: tuple[str, ...] = ()
    if has:
        sites = tuple(s for s in prep.site_order if _comp(w, s) == best[0])
    return DagState(dag.id, dag.name, has, best[1], voters, sites)


def _comp(w: World, site: str | None) -> int | None:
    if site is None or site in w.sites_down:
        return None
    if w.comp is None:
        return 0
    return w.comp.get(site)


def database_options(
    prep: Prepared, run: Run, w: World, db: MailboxDatabase, t: float, dag_q: DagState | None
) -> tuple[list[Option], list[str]]:
    """The database's options now, best first, and why the others are unavailable."""
    prep, tm = prep, prep.timings
    options: list[Option] = []
    why: list[str] = []
    corrupted_at = run.corrupted.get(db.id)
    st = run.db.get(db.id)
    copies = sorted(db.copies, key=lambda c: (c.activation_preference, c.member))
    servers = [(c.member, c.replay_lag_days) for c in copies] or [
        (vm, 0.0) for vm in database_servers(prep, db)
    ]
    dag = prep.dags.get(db.dag) if db.dag else None
    repl = prep.e2007_of_db.get(db.id)
    switched = run.switchover.get(dag.id) if dag else None
    prev_site = st.active_home if st else prep.db_home_site.get(db.id)

    def usable(vm: str) -> bool:
        if not w.vm_up(vm):
            why.append(f"{_name(prep, vm)} is down")
            return False
        if (vm, db.id) in w.copy_lost or (vm, "*") in w.copy_lost:
            why.append(f"the copy on {_name(prep, vm)} lost its storage")
            return False
        if dag is not None:
            if dag_q is None or not dag_q.quorum:
                why.append(f"DAG {dag.name} has no quorum")
                return False
            if w.site_of_vm(prep, vm) not in dag_q.quorum_sites:
                why.append(f"{_name(prep, vm)} is cut off from the DAG's quorum")
                return False
        return True

    if corrupted_at is not None:
        for vm, lag in servers:
            if lag > 0 and usable(vm):
                options.append(_lagged(prep, run, db, vm, t))
        why.append("logical corruption replicated to every non-lagged copy")
        options.extend(_restores(prep, run, w, db, servers, t))
        return options, why

    lost_storage = 0
    for vm, lag in servers:
        if (vm, db.id) in w.copy_lost or (vm, "*") in w.copy_lost:
            lost_storage += 1
        if not usable(vm):
            continue
        fresh = vm in run.fresh_vms
        ready = t
        kind, source = "mount", "000 §4.1.1"
        text = f"mailbox database {db.name} mounts on {_name(prep, vm)}"
        if vm in w.vm_relocated:
            ready = max(t, run.vm_ready.get(vm, t))
            kind, source = "srm_recovered", "002; 000 §5.1"
            text = f"mailbox database {db.name} mounts on {_name(prep, vm)} recovered by SRM"
        elif fresh:
            ready = t + tm["vsphere_ha_timeline"]["restarted_vm_os_up_s"]
            ready += tm["standalone_ha"]["exchange_services_start_s"]
            kind, source = "restart_mount", "000 §4.1.1; 000 Table 1"
        elif dag is not None:
            ready = t + tm["dag"]["automatic_failover_s"]
            kind, source = "dag_failover", "000 §4.1 Table 1"
            text = f"mailbox database {db.name} activates on DAG member {_name(prep, vm)}"
        elif repl is not None and repl.replication in (Exchange2007Kind.CCR, Exchange2007Kind.SCC):
            key = "ccr_failover_s" if repl.replication == Exchange2007Kind.CCR else "scc_failover_s"
            ready = t + tm["exchange2007"][key]
            kind, source = f"{repl.replication.value}_failover", "004; 003"
            text = f"mailbox database {db.name} fails over to cluster node {_name(prep, vm)}"
        if switched is not None and switched[0] == t:
            ready = max(ready, t + tm["dag"]["datacenter_switchover_s"])
            kind, source = "switchover", "000 §5.2.1; [product fact]"
        rpo = run.srm_rpo.get(vm, 0.0)
        cut = run.copy_cut_since.get((db.id, vm))
        if cut is not None:
            rpo = max(rpo, t - cut)
        option = Option(vm, ready, rpo, kind, text, source, fresh=fresh)
        if lag > 0 and run.actions.get(("activate_lagged_copy", db.id)) is None:
            options.append(_lagged(prep, run, db, vm, t))
            continue
        if lag > 0:
            option = _lagged(prep, run, db, vm, t)
        elif (
            dag is not None
            and dag.failover_intent == FailoverIntent.MANUAL
            and switched is None
            and prev_site is not None
            and prep.vm_site.get(vm) != prev_site
        ):
            option.action = Action(
                "switchover",
                dag.id,
                f"datacenter switchover of DAG {dag.name} (manual site failover intent)",
            )
        options.append(option)

    if dag is not None and (dag_q is None or not dag_q.quorum) and switched is None:
        for vm, _lag in servers:
            intact = (vm, db.id) not in w.copy_lost and (vm, "*") not in w.copy_lost
            if w.vm_up(vm) and intact and w.site_of_vm(prep, vm) not in w.sites_down:
                options.append(
                    Option(
                        vm,
                        t,
                        0.0,
                        "switchover",
                        f"datacenter switchover of DAG {dag.name}",
                        "000 §5.2.1",
                        action=Action(
                            "switchover", dag.id, f"datacenter switchover of DAG {dag.name}"
                        ),
                    )
                )
                break
    for other in prep.e2007s_of_db.get(db.id, []):
        if other.target and other.replication == Exchange2007Kind.SCR:
            target = other.target
            if w.vm_up(target):
                taken = run.actions.get(("activate_scr", other.id))
                ready = (taken if taken is not None else t) + tm["exchange2007"]["scr_activation_s"]
                options.append(
                    Option(
                        target,
                        ready,
                        0.0,
                        "scr_activation",
                        f"SCR target {_name(prep, target)} activated for mailbox database "
                        f"{db.name}",
                        "004",
                        action=None
                        if taken is not None
                        else Action(
                            "activate_scr", other.id, f"activate SCR target of {other.name}"
                        ),
                    )
                )
        if other.replication == Exchange2007Kind.LCR and servers:
            vm = servers[0][0]
            if w.vm_up(vm) and ((vm, db.id) in w.copy_lost or (vm, "*") in w.copy_lost):
                taken = run.actions.get(("activate_lcr", other.id))
                options.append(
                    Option(
                        vm,
                        (taken if taken is not None else t)
                        + tm["exchange2007"]["lcr_activation_s"],
                        0.0,
                        "lcr_activation",
                        f"LCR copy of mailbox database {db.name} activated on {_name(prep, vm)}",
                        "004",
                        action=None
                        if taken is not None
                        else Action(
                            "activate_lcr", other.id, f"activate the LCR copy of {other.name}"
                        ),
                    )
                )
    for vm, _lag in servers[:1]:
        for hr in prep.repls_from_vm.get(vm, []):
            if hr.id in w.failed or not w.vm_up(hr.target):
                continue
            dt = tm["double_take"]
            mailboxes = prep.vms[vm].mailboxes or db.mailboxes
            rehome = dt["rehome_s"] * mailboxes / dt["rehome_users"]
            since = run.down_since_vm.get(vm, t)
            outage = run.repl_down_since.get(hr.id)
            # Asynchronous: what was still queued at the failure is lost, plus any time
            # the replication was already down (DOMAIN §4; 003).
            queue = float(dt.get("queue_at_failure_s", 0.0))
            rpo = queue + (max(0.0, since - outage) if outage is not None else 0.0)
            text = (
                f"Double-Take fails {_name(prep, vm)} over to {_name(prep, hr.target)}; "
                f"re-homing {mailboxes:,} mailboxes; the replication queue at the failure "
                f"(assumed {queue:g} s of changes) is lost"
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
                        else Action(
                            "fail_over_double_take", hr.id, f"fail over Double-Take {hr.name}"
                        ),
                    )
                )
    for vm, _lag in servers:
        if w.vm_up(vm):
            continue
        for plan_id in prep.plans_of_vm.get(vm, []):
            pair = prep.pairs[prep.plans[plan_id].site_pair]
            if pair.protected_site in w.sites_down and plan_id not in run.srm_done:
                label = f"run SRM recovery plan {prep.plans[plan_id].name}"
                options.append(
                    Option(
                        vm,
                        t,
                        0.0,
                        "srm",
                        label,
                        "002",
                        action=Action("run_recovery_plan", plan_id, label),
                    )
                )
    if not any(o.auto for o in options) and lost_storage == len(servers) and servers:
        options.extend(_restores(prep, run, w, db, servers, t))
    return options, why


def _lagged(prep: Prepared, run: Run, db: MailboxDatabase, vm: str, t: float) -> Option:
    taken = run.actions.get(("activate_lagged_copy", db.id))
    ready = (taken if taken is not None else t) + prep.timings["dag"]["lagged_copy_activation_s"]
    return Option(
        vm,
        ready,
        0.0,
        "lagged_activation",
        f"lagged copy of mailbox database {db.name} on {_name(prep, vm)} activated "
        "(logs replayed up to the failure; the lag window is a recovery point, not data loss)",
        "000 §5.2.1",
        action=None
        if taken is not None
        else Action(
            "activate_lagged_copy", db.id, f"activate the lagged copy of mailbox database {db.name}"
        ),
    )


def _restores(
    prep: Prepared,
    run: Run,
    w: World,
    db: MailboxDatabase,
    servers: list[tuple[str, float]],
    t: float,
) -> list[Option]:
    prep, restore = prep, prep.timings["restore"]
    target = next((vm for vm, _ in servers if w.vm_up(vm)), None)
    if target is None:
        return []
    result = []
    for backup_id in prep.backups_of_db.get(db.id, []):
        backup = prep.backups[backup_id]
        taken = run.actions.get(("restore_from_backup", backup_id))
        duration = db.size_gb / restore["tape_rate_gb_per_hour"] * 3600.0
        if backup.backup_kind.value == "tape":
            duration += restore["tape_retrieval_s"]
        result.append(
            Option(
                target,
                (taken if taken is not None else t) + duration,
                schedule_seconds(backup.schedule),
                "restore",
                f"mailbox database {db.name} restored from backup {backup.name} "
                f"({backup.schedule}) onto {_name(prep, target)}",
                "004",
                action=None
                if taken is not None
                else Action("restore_from_backup", backup_id, f"restore from backup {backup.name}"),
                extra={"backup": backup_id},
            )
        )
    return result


def _name(prep: Any, vm: str) -> str:
    element = prep.vms.get(vm)
    return element.name if element is not None else vm
