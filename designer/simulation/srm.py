"""Site Recovery Manager with MirrorView: running a recovery plan, and mirror RPO.

A real recovery promotes the mirror targets of the plan's consistency groups and powers
the protected VMs on at the recovery site by priority; a VM fails to recover, with the
reason, where the rules forbid it (SRM001, SRM002, SRM009). A test recovery reports the
same outcome and changes nothing at the protected site [002; 000 §5.1].
"""

from __future__ import annotations

from designer.domain.enums import RecoveryPlanStep
from designer.simulation.mirrors import mirror_status
from designer.simulation.prepared import Prepared
from designer.simulation.run_state import Run

__all__ = ["release_tuple", "run_recovery_plan", "srm_obstacle"]


def release_tuple(release: str) -> tuple[int, ...]:
    """``"4.0"`` → ``(4, 0)``, for comparing product releases.

    Examples
    --------
    >>> release_tuple("6.1") >= release_tuple("6.1.0")
    False
    >>> release_tuple("5.0") < release_tuple("6.1")
    True
    """
    return tuple(int(part) for part in release.split("."))


def srm_obstacle(prep: Prepared, run: Run, site_id: str) -> str | None:
    """Why SRM cannot run a plan at the recovery site ``site_id`` now, if it cannot.

    002: "SRM relies on independent VMware VirtualCenter servers to be in place at both
    the protected (primary) site and at the recovery (secondary) site", and the
    administrator "logs in to the VMware Virtual Infrastructure client at the recovery
    site and initiates the SRM recovery plan": its vCenter Server and SRM server must run.
    """
    w = run.world
    site = prep.sites.get(site_id)
    name = site.name if site is not None else site_id
    missing = []
    for role, vms in (
        ("vCenter Server", prep.vcenters_in_site.get(site_id, [])),
        ("SRM server", prep.srm_servers_in_site.get(site_id, [])),
    ):
        if not vms:
            missing.append(f"has no {role}")
        elif not any(w.vm_up(vm) and w.site_of_vm(prep, vm) == site_id for vm in vms):
            missing.append(f"has its {role} down")
    if not missing:
        return None
    return f"recovery site {name} " + " and ".join(missing)


def run_recovery_plan(prep: Prepared, run: Run, plan_id: str, t: float, *, test: bool) -> None:
    """Run (or test) an SRM recovery plan at time ``t``; records events, and for a real
    recovery relocates the recovered VMs to the recovery site."""
    tm = prep.timings["srm"]
    support = prep.timings["srm_support"]
    plan = prep.plans[plan_id]
    pair = prep.pairs.get(plan.site_pair)
    what = "test recovery" if test else "recovery"
    prefix = f"SRM {what} of plan {plan.name}"
    if pair is None:
        return
    w = run.world
    rsite = pair.recovery_site
    kind = "srm_test_failed" if test else "srm_failed"
    if rsite in w.sites_down:
        run.event(t, plan_id, kind, f"{prefix} fails: recovery site is down", "002")
        return
    obstacle = srm_obstacle(prep, run, rsite)
    if obstacle is not None:
        run.event(t, plan_id, kind, f"{prefix} cannot run: {obstacle}", "002 'Failover'")
        return
    release = release_tuple(prep.intent.srm_release)
    rdm_ok = release >= release_tuple(support["rdm_supported_from_release"])
    blocks = test or release < release_tuple(
        support["unprotected_vm_blocks_only_test_from_release"]
    )
    pgs = [prep.pgs[p] for p in plan.protection_groups if p in prep.pgs]
    cgs = sorted({cg for pg in pgs for cg in pg.consistency_groups if cg in prep.cgs})
    plan_mirrors = {m for cg in cgs for m in prep.cgs[cg].mirrors if m in prep.mirrors}
    protected = sorted({vm for pg in pgs for vm in pg.vms if vm in prep.vms})
    if test:
        arrays = sorted({prep.luns[prep.mirrors[m].target_lun].array for m in plan_mirrors})
        lacking = [prep.arrays[a].name for a in arrays if not prep.arrays[a].snapview]
        if lacking:
            # 002 "Testing failover": SRM starts "a snap session at the recovery site for
            # each mirrored target LUN"; without SnapView there is nothing to test on.
            run.event(
                t,
                plan_id,
                "srm_test_failed",
                f"{prefix} cannot run: recovery array {', '.join(lacking)} has no SnapView "
                "for the snapshots of the mirror targets; production is untouched",
                "002 'Testing failover' (MV009)",
            )
            return
    status = {
        m: mirror_status(prep, run, m, run.mirror_source_lost.get(m, t))
        for m in sorted(plan_mirrors)
        if prep.mirrors[m].target_lun not in w.luns_down
    }
    promoted = {m for m, st in status.items() if st.usable}
    rpo_of = {m: status[m].rpo for m in promoted}
    promote_done = t + tm["mirror_promote_s"]
    if promoted:
        worst = max(rpo_of.values())
        run.event(
            promote_done,
            plan_id,
            "srm_promote" if not test else "srm_test_snapshots",
            f"{prefix}: {len(promoted)} mirror targets of {len(cgs)} consistency groups "
            + ("promoted" if not test else "snapshotted, network isolated")
            + f" (RPO {worst / 60:.1f} min)",
            "002",
        )
    unusable = {m: st.reason for m, st in status.items() if not st.usable}
    blocked: dict[str, str] = {}
    for m in sorted(plan_mirrors):
        lun = prep.mirrors[m].source_lun
        for disk in prep.disks_on_lun.get(lun, []):
            if disk.vm not in protected:
                blocked.setdefault(lun, disk.vm)
    priority = {p.vm: p.priority for p in plan.priorities}
    recovered: list[tuple[int, str, float]] = []
    for vm in sorted(protected, key=lambda v: (priority.get(v, 3), v)):
        reason, rpo = _vm_obstacle(
            prep, vm, plan_mirrors, promoted, rdm_ok, blocked, blocks, unusable
        )
        if reason:
            run.event(
                promote_done,
                vm,
                "srm_vm_failed",
                f"{prefix}: VM {prep.vms[vm].name} cannot be recovered: {reason}",
                "002 Table 1; DOMAIN §3 SRM001/SRM002/SRM009",
            )
            continue
        rpo = max([rpo, *(rpo_of.get(m, 0.0) for m in _vm_mirrors(prep, vm, plan_mirrors))])
        recovered.append((priority.get(vm, 3), vm, rpo))
    stale = _stale_addresses(prep, plan_id)
    start = promote_done
    for level in sorted({p for p, _, _ in recovered}):
        ready = start + tm["per_vm_power_on_s"]
        for _, vm, rpo in (r for r in recovered if r[0] == level):
            run.event(
                ready,
                vm,
                "srm_power_on" if not test else "srm_test_power_on",
                f"{prefix}: VM {prep.vms[vm].name} powered on at site "
                f"{prep.sites[rsite].name} (priority {level})",
                "002; 000 §5.1",
            )
            if not test:
                run.relocated[vm] = rsite
                run.vm_ready[vm] = ready
                run.srm_rpo[vm] = rpo
                run.touched_dbs.update(prep.dbs_on_vm.get(vm, []))
                if stale is not None and _is_exchange(prep, vm):
                    run.ip_stale[vm] = stale
                    run.event(
                        ready,
                        vm,
                        "srm_ip_stale",
                        f"{prefix}: VM {prep.vms[vm].name} comes up with its protected-site "
                        f"address: {stale}",
                        "002 'Failover' (SRM006)",
                    )
        start = ready + tm["priority_group_gap_s"]
    if test:
        run.event(
            t,
            plan_id,
            "srm_test",
            f"{prefix}: production at the protected site is untouched",
            "002",
        )
        return
    run.srm_done[plan_id] = t
    moved = {vm for _, vm, _ in recovered}
    for dag_id in sorted({d for vm in moved for d in prep.dags_of_vm.get(vm, [])}):
        run.touched_dbs.update(prep.dbs_of_dag.get(dag_id, []))
        if RecoveryPlanStep.WITNESS_UPDATE in plan.steps:
            run.witness_moved[dag_id] = rsite
            run.event(
                start,
                dag_id,
                "witness_update",
                f"{prefix}: DAG {prep.dags[dag_id].name} witness moved to the recovery site",
                "000 §5.1.1",
            )
        else:
            run.event(
                start,
                dag_id,
                "witness_not_updated",
                f"{prefix}: DAG {prep.dags[dag_id].name} keeps its witness in the lost site "
                "(no witness update step)",
                "000 §5.1.1 (SRM006)",
            )
    run.event(
        start,
        plan_id,
        "srm_resync_needed",
        f"{prefix}: mirrors need a full resynchronisation before DR protection is back",
        "002 'Failback'",
    )


def _is_exchange(prep: Prepared, vm: str) -> bool:
    machine = prep.vms[vm]
    return machine.exchange_version is not None or bool(prep.dbs_on_vm.get(vm))


def _stale_addresses(prep: Prepared, plan_id: str) -> str | None:
    """Why recovered Exchange servers cannot be reached: the recovery site is on
    another subnet and the plan has no IP customisation (002: "If the VMs at the
    recovery site are on a different subnet … you must go through a few additional
    steps before the new Exchange VM can be accessed by users")."""
    plan = prep.plans[plan_id]
    pair = prep.pairs.get(plan.site_pair)
    if pair is None or plan.ip_customization:
        return None
    protected = prep.sites.get(pair.protected_site)
    recovery = prep.sites.get(pair.recovery_site)
    if not (protected and recovery and protected.subnet and recovery.subnet):
        return None
    if protected.subnet == recovery.subnet:
        return None
    return (
        f"subnet {protected.subnet} in site {recovery.name} (subnet {recovery.subnet}), "
        "with no IP customisation in the plan: users cannot reach it"
    )


def _vm_mirrors(prep: Prepared, vm: str, plan_mirrors: set[str]) -> list[str]:
    found = []
    for disk in prep.disks_of_vm.get(vm, []):
        for m in prep.mirrors_from_lun.get(disk.lun or "", []):
            if m in plan_mirrors:
                found.append(m)
    return found


def _vm_obstacle(
    prep: Prepared,
    vm: str,
    plan_mirrors: set[str],
    promoted: set[str],
    rdm_ok: bool,
    blocked: dict[str, str],
    blocks: bool,
    unusable: dict[str, str],
) -> tuple[str, float]:
    release = prep.intent.srm_release
    for disk in prep.disks_of_vm.get(vm, []):
        if disk.lun is None:
            continue
        lun = prep.luns[disk.lun]
        if disk.rdm and not rdm_ok:
            return f"RDM disk on LUN {lun.name} (SRM {release} recovers VMFS datastores only)", 0.0
        mirrors = prep.mirrors_from_lun.get(disk.lun, [])
        if not mirrors:
            return f"disk on LUN {lun.name} is not mirrored", 0.0
        in_plan = [m for m in mirrors if m in plan_mirrors]
        if not in_plan:
            m = prep.mirrors[mirrors[0]]
            cg = prep.cg_of_mirror.get(m.id)
            if cg is None:
                return f"mirror {m.name} is in no consistency group", 0.0
            return (
                f"consistency group {prep.cgs[cg].name} of mirror {m.name} is not in the plan",
                0.0,
            )
        if not any(m in promoted for m in in_plan):
            why = next((unusable[m] for m in in_plan if m in unusable), None)
            return why or f"the mirror target of LUN {lun.name} is down", 0.0
        if disk.lun in blocked and blocks:
            other = prep.vms[blocked[disk.lun]].name
            return (
                f"unprotected VM {other} has a disk on protected datastore {lun.name} "
                f"(SRM {release})",
                0.0,
            )
    return "", 0.0
