"""Site Recovery Manager with MirrorView: running a recovery plan, and mirror RPO.

A real recovery promotes the mirror targets of the plan's consistency groups and powers
the protected VMs on at the recovery site by priority; a VM fails to recover, with the
reason, where the rules forbid it (SRM001, SRM002, SRM009). A test recovery reports the
same outcome and changes nothing at the protected site [002; 000 §5.1].
"""

from __future__ import annotations

from designer.domain.enums import MirrorMode, RecoveryPlanStep
from designer.simulation.prepared import Prepared
from designer.simulation.run_state import Run

__all__ = ["mirror_rpo_s", "release_tuple", "run_recovery_plan"]


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


def mirror_rpo_s(prep: Prepared, run: Run, mirror_id: str, now: float) -> float:
    """Data lost by promoting a mirror's target now.

    MirrorView/S loses nothing; MirrorView/A loses its update interval plus the time to
    transfer one interval's changes (site change rate over the link's bandwidth). A link
    that was down before the source was lost adds its whole outage [002].
    """
    mirror = prep.mirrors[mirror_id]
    rpo = 0.0
    if mirror.mode == MirrorMode.ASYNC:
        interval_s = mirror.update_interval_min * 60.0
        rpo = interval_s + _transfer_s(prep, mirror_id, interval_s)
    down_since = run.mirror_down_since.get(mirror_id)
    lost_at = run.mirror_source_lost.get(mirror_id, now)
    if down_since is not None and down_since <= lost_at:
        rpo += lost_at - down_since
    return rpo


def _transfer_s(prep: Prepared, mirror_id: str, interval_s: float) -> float:
    mirror = prep.mirrors[mirror_id]
    source_site = prep.lun_site(mirror.source_lun)
    target_site = prep.lun_site(mirror.target_lun)
    site = prep.sites.get(source_site or "")
    link = prep.links.get(mirror.wan_link or "")
    if link is None:
        for link_id in sorted(prep.links_of_site.get(source_site or "", [])):
            candidate = prep.links[link_id]
            if {candidate.site_a, candidate.site_b} == {source_site, target_site}:
                link = candidate
                break
    if site is None or link is None:
        return 0.0
    changed_mbit = site.change_rate_gb_per_hour * interval_s / 3600.0 * 8000.0
    return changed_mbit / link.bandwidth_mbps


def run_recovery_plan(prep: Prepared, run: Run, plan_id: str, t: float, *, test: bool) -> None:
    """Run (or test) an SRM recovery plan at time ``t``; records events, and for a real
    recovery relocates the recovered VMs to the recovery site."""
    prep, tm = prep, prep.timings["srm"]
    support = prep.timings["srm_support"]
    plan = prep.plans[plan_id]
    pair = prep.pairs.get(plan.site_pair)
    what = "test recovery" if test else "recovery"
    prefix = f"SRM {what} of plan {plan.name}"
    if pair is None:
        return
    w = run.world
    rsite = pair.recovery_site
    if rsite in w.sites_down:
        run.event(t, plan_id, "srm_failed", f"{prefix} fails: recovery site is down", "002")
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
    promoted = {m for m in plan_mirrors if prep.mirrors[m].target_lun not in w.luns_down}
    rpo_of = {m: mirror_rpo_s(prep, run, m, t) for m in sorted(promoted)}
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
    if test:
        for array_id in sorted({prep.luns[prep.mirrors[m].target_lun].array for m in plan_mirrors}):
            array = prep.arrays[array_id]
            if not array.snapview:
                run.event(
                    t,
                    array_id,
                    "srm_test_warning",
                    f"{prefix}: recovery array {array.name} has no SnapView for the snapshots",
                    "002 (MV009)",
                )
    blocked: dict[str, str] = {}
    for m in sorted(plan_mirrors):
        lun = prep.mirrors[m].source_lun
        for disk in prep.disks_on_lun.get(lun, []):
            if disk.vm not in protected:
                blocked.setdefault(lun, disk.vm)
    priority = {p.vm: p.priority for p in plan.priorities}
    recovered: list[tuple[int, str, float]] = []
    for vm in sorted(protected, key=lambda v: (priority.get(v, 3), v)):
        reason, rpo = _vm_obstacle(prep, vm, plan_mirrors, promoted, rdm_ok, blocked, blocks)
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
            return f"the mirror target of LUN {lun.name} is down", 0.0
        if disk.lun in blocked and blocks:
            other = prep.vms[blocked[disk.lun]].name
            return (
                f"unprotected VM {other} has a disk on protected datastore {lun.name} "
                f"(SRM {release})",
                0.0,
            )
    return "", 0.0
