"""Events of the infrastructure layer: sites, links, hosts and vSphere HA, storage,
witnesses, load balancers and mirrors, timed from the source documents."""

from __future__ import annotations

import math

from designer.catalog import clariion, model_family
from designer.domain.enums import MirrorMode
from designer.domain.words import plural
from designer.simulation.mirrors import group_of, group_target, mirror_link, transfer_s
from designer.simulation.prepared import Prepared
from designer.simulation.run_state import Run
from designer.simulation.wording import clock, span
from designer.simulation.world import World
from designer.workload.latency import holds_logs, sync_log_write

__all__ = ["awaiting_sync_event", "infrastructure_events", "link_events", "sync_started_event"]

_TABLE1 = "000 §4.1 Table 1"


#: What follows from a host's failure on 000 Table 1's clock, called off when the host is
#: back first (the DAG's detection stays: its member was down from the failure on).
_HOST_CHAIN = frozenset(
    {
        "host_failure_detected",
        "vm_failed",
        "ha_restart",
        "ha_restart_failed",
        "vm_os_up",
        "copy_resync",
        "copies_healthy",
        "witness_away",
        "witness_up",
    }
)


#: What follows from vSphere HA's restart of a VM.
_RESTART_CHAIN = frozenset(
    {"ha_restart", "vm_os_up", "copy_resync", "copies_healthy", "witness_up"}
)


def _boot_events(prep: Prepared, run: Run, vm_id: str, start: float, why: tuple[str, ...]) -> None:
    """A VM powered on at ``start``: its OS running, and a DAG member's copies copying
    and replaying logs, then healthy, at 000 Table 1's offsets from the restart."""
    tl = prep.timings["vsphere_ha_timeline"]
    vm = prep.vms[vm_id]
    restart = tl["ha_restart_s"]
    run.event(
        start + tl["restarted_vm_os_up_s"] - restart,
        vm_id,
        "vm_os_up",
        f"VM {vm.name} operating system running",
        _TABLE1,
        because=why,
    )
    if prep.dags_of_vm.get(vm_id):
        run.event(
            start + tl["log_copy_replay_begins_s"] - restart,
            vm_id,
            "copy_resync",
            f"database copies on {vm.name} begin copying and replaying logs",
            _TABLE1,
            because=why,
        )
        run.event(
            start + tl["copies_healthy_s"] - restart,
            vm_id,
            "copies_healthy",
            f"database copies on {vm.name} healthy again (resynchronised)",
            _TABLE1,
            because=why,
        )


def _ha_restart(prep: Prepared, run: Run, w: World, vm_id: str, at: float, host_id: str) -> None:
    """vSphere HA restarts the VM of a failed host at ``at`` on the host the world
    placed it, and it boots there (kept under both hosts: either one's change before
    then calls them off)."""
    target = w.vm_restarted[vm_id]
    why = (host_id, target)
    tl = prep.timings["vsphere_ha_timeline"]
    last = "copies_healthy_s" if prep.dags_of_vm.get(vm_id) else "restarted_vm_os_up_s"
    run.ha_planned[vm_id] = (at, target, at + tl[last] - tl["ha_restart_s"])
    run.event(
        at,
        vm_id,
        "ha_restart",
        f"VM {prep.vms[vm_id].name} restarted by vSphere HA on host {prep.hosts[target].name}",
        _TABLE1,
        because=why,
    )
    _boot_events(prep, run, vm_id, at, why)
    for witness_id in prep.witness_on_vm.get(vm_id, ()):
        up = at + tl["restarted_vm_os_up_s"] - tl["ha_restart_s"]
        _witness_back(prep, run, witness_id, up, why)


def _replan_restarts(prep: Prepared, run: Run, w: World, t: float) -> None:
    """vSphere HA restarts (``run.ha_planned``) whose restart or boot is still to come
    that a later step changed: the host they were to restart on is lost, or no host
    can take them now (room, disks gone). What was still to come is called off; HA
    restarts the VM where the world now places it (at the same moment, or after the
    detection of the new failure when it had already restarted), or cannot and says
    why. A VM whose own host is back is :func:`_host_back`'s; one whose site is lost
    needs no word."""
    tl = prep.timings["vsphere_ha_timeline"]
    for vm_id, (at, target, end) in sorted(run.ha_planned.items()):
        if end <= t:
            del run.ha_planned[vm_id]
            continue
        own = prep.vms[vm_id].host or ""
        if own not in w.hosts_down or w.vm_restarted.get(vm_id) == target:
            continue
        del run.ha_planned[vm_id]
        run.call_off(vm_id, t, _RESTART_CHAIN)
        when = at if at > t else t + tl["ha_restart_s"]
        if vm_id in w.vm_restarted:
            _ha_restart(prep, run, w, vm_id, when, own)
            if vm_id in prep.witness_on_vm:
                # Its witness is away until the new boot's end (said again from now,
                # or at its first word if that was still to come).
                told = run.call_off(vm_id, t, ("witness_away",))
                up = when + tl["restarted_vm_os_up_s"] - tl["ha_restart_s"]
                hosts = (own, w.vm_restarted[vm_id])
                _witness_restarting(prep, run, w, vm_id, told[0].t if told else t, up, hosts)
            continue
        if w.site_of_vm(prep, vm_id) in w.sites_down:
            continue
        down = w.vm_down.get(vm_id, "")
        why = w.ha_refused.get(vm_id) or (
            "its disks are gone" if down == "storage_lost" else down.partition(": ")[2] or down
        )
        run.event(
            when,
            vm_id,
            "ha_restart_failed",
            f"VM {prep.vms[vm_id].name} cannot be restarted by vSphere HA: {why}",
            "000 §4.1",
            because=(own,),
        )


def _host_back(prep: Prepared, run: Run, host_id: str, t: float) -> None:
    """A host back before vSphere HA detected its failure or restarted its VMs: what
    that would have done is called off (000 Table 1's detection, the VMs' failure and
    restart elsewhere, their boot and resynchronisation there). Its VMs, powered off
    with it, start again on it now, and boot and resynchronise from now. A VM HA has
    already restarted elsewhere keeps the events of its restart."""
    pending = run.call_off(host_id, t, ("host_failure_detected",))
    waiting = {
        e.element
        for e in run.pending.get(host_id, ())
        if e.t > t and e.kind in ("ha_restart", "ha_restart_failed") and id(e) not in run.called_off
    }
    if not pending and not waiting:
        return
    host = prep.hosts[host_id]
    for vm_id in sorted(waiting):
        run.ha_planned.pop(vm_id, None)
        run.call_off(vm_id, t, _HOST_CHAIN)
        run.event(
            t,
            vm_id,
            "vm_restarted_with_host",
            f"VM {prep.vms[vm_id].name} starts again on host {host.name}, back before "
            "vSphere HA restarted it elsewhere",
            _TABLE1,
            because=(host_id,),
        )
        _boot_events(prep, run, vm_id, t, (host_id,))


def _witness_restarting(
    prep: Prepared, run: Run, w: World, vm_id: str, at: float, back: float, why: tuple[str, ...]
) -> None:
    """A file share witness whose server vSphere HA restarts (or VM monitoring resets)
    is away until that server's OS runs (000 Table 1: 1:33; the share is the server's):
    no outage by itself, but the DAGs it is the witness of are one failure from an
    outage until then (DOMAIN.md §4 "Witness failure"). A DAG with members down or
    restarting too is judged by its quorum event."""
    how = "VM monitoring resets" if vm_id in w.vm_reset else "vSphere HA restarts"
    for witness_id in prep.witness_on_vm.get(vm_id, ()):
        fsw = prep.witnesses[witness_id]
        exposed: list[str] = []
        alternate: list[str] = []
        for dag_id in prep.dags_of_witness.get(witness_id, []):
            dag = prep.dags[dag_id]
            if dag.witness != witness_id:
                alternate.append(dag.name)
            elif len(dag.members) % 2 == 0 and all(
                w.vm_up(m) and m not in w.vm_restarted and m not in w.vm_reset for m in dag.members
            ):
                exposed.append(dag.name)
        said = ""
        if exposed:
            said += (
                f"; DAG {', '.join(exposed)} runs on but is one failure from an outage until then"
            )
        if alternate:
            said += (
                f"; it is the alternate witness of DAG {', '.join(alternate)} (no vote): a "
                "datacenter switchover cannot use it until then"
            )
        run.event(
            at,
            witness_id,
            "witness_away",
            f"file share witness {fsw.name} is away while {how} its server "
            f"{prep.vms[vm_id].name}, until its operating system runs at {clock(back)}" + said,
            f"{_TABLE1}; DOMAIN §4",
            because=(*why, vm_id),
        )


def _witness_back(
    prep: Prepared, run: Run, witness_id: str, at: float, why: tuple[str, ...]
) -> None:
    """The file share witness of a server booting again is back once its OS runs."""
    fsw = prep.witnesses[witness_id]
    run.event(
        at,
        witness_id,
        "witness_up",
        f"file share witness {fsw.name} is back: the operating system of its server "
        f"{prep.vms[fsw.vm or ''].name if fsw.vm in prep.vms else fsw.name} is running",
        _TABLE1,
        because=(*why, fsw.vm or witness_id),
    )


def _witness_role(prep: Prepared, w: World, witness_id: str) -> str:
    """What a witness's loss means to the DAGs it serves (DOMAIN.md §4: "Witness failure
    alone → no outage, but the DAG can no longer survive the loss of a member site").
    Said only of a DAG whose members are all up: one that lost members with it (its
    site) is judged by its quorum event. An alternate witness has no vote: only a
    datacenter switchover would use it."""
    voting: list[str] = []
    alternate: list[str] = []
    for dag_id in prep.dags_of_witness.get(witness_id, []):
        dag = prep.dags[dag_id]
        if dag.witness == witness_id:
            if all(w.vm_up(m) for m in dag.members):
                voting.append(dag.name)
        else:
            alternate.append(dag.name)
    said = ""
    if voting:
        said += f"; DAG {', '.join(voting)} runs on but is one failure from an outage"
    if alternate:
        said += (
            f"; it is the alternate witness of DAG {', '.join(alternate)} (no vote): a "
            "datacenter switchover cannot use it"
        )
    return said


def infrastructure_events(prep: Prepared, run: Run, prev: World, w: World, t: float) -> None:
    """Record what the step did to the infrastructure (only what changed)."""
    prep, tl = prep, prep.timings["vsphere_ha_timeline"]
    for site_id in sorted(w.sites_down - prev.sites_down):
        placed = prep.in_site.get(site_id, {})
        # "with 2 hosts and 1 WAN link": a zero count is left out (eyes18 read "0 arrays").
        counts = (
            (len(placed.get("hosts", [])), "host"),
            (len(placed.get("arrays", [])), "array"),
            (len(prep.links_of_site.get(site_id, [])), "WAN link"),
        )
        held = [plural(n, noun) for n, noun in counts if n]
        what = ", ".join(held[:-1]) + " and " + held[-1] if len(held) > 1 else "".join(held)
        run.event(
            t,
            site_id,
            "site_down",
            f"site {prep.sites[site_id].name} is down" + (f" with {what}" if what else ""),
            "DOMAIN §4",
        )
    for link_id in sorted(w.links_down - prev.links_down):
        link = prep.links[link_id]
        if link_id in w.failed:
            continue
        ends = {link.site_a, link.site_b}
        if ends & w.sites_down:
            continue
        run.event(
            t,
            link_id,
            "link_down",
            f"WAN link {link.name} is down with its failure domain {link.failure_domain}",
            "004 (shared failure domain)",
        )
    for host_id in sorted(prev.hosts_down - w.hosts_down):
        _host_back(prep, run, host_id, t)
    #: VMs whose vSphere HA restart is still to come or booting: _replan_restarts
    #: tells what a step changes of them.
    replanned = {vm for vm, planned in run.ha_planned.items() if planned[2] > t}
    if run.ha_planned:
        _replan_restarts(prep, run, w, t)
    #: Host → the VMs vSphere HA restarted on it at an earlier step, booted there: they
    #: fail with it and HA restarts them again (wave 24, fid24: they moved silently).
    guests: dict[str, list[str]] = {}
    for vm_id, host_id in prev.vm_restarted.items():
        if host_id in w.hosts_down and host_id not in prev.hosts_down and vm_id not in replanned:
            guests.setdefault(host_id, []).append(vm_id)
    for host_id in sorted(w.hosts_down - prev.hosts_down):
        host = prep.hosts[host_id]
        # Each event of the host's failure is kept under the host (``because``): the
        # host back before they happen calls them off (_host_back).
        why = (host_id,)
        run.event(
            t + tl["host_failure_detected_s"],
            host_id,
            "host_failure_detected",
            f"ESXi host {host.name} failure detected",
            _TABLE1,
        )
        for vm_id in sorted((*prep.vms_on_host.get(host_id, []), *guests.get(host_id, []))):
            vm = prep.vms[vm_id]
            restarted = vm_id in w.vm_restarted and (
                vm_id not in prev.vm_restarted or prev.vm_restarted[vm_id] == host_id
            )
            refused = not restarted and vm_id in w.ha_refused and vm_id not in prev.ha_refused
            # A VM whose disks went with the host (its site or array lost in the same
            # step) fails with the host, and HA cannot restart it anywhere.
            diskless = w.vm_down.get(vm_id) == "storage_lost" and vm_id not in prev.vm_down
            if restarted or refused or diskless:
                run.event(
                    t + tl["vm_fails_s"],
                    vm_id,
                    "vm_failed",
                    f"VM {vm.name} fails",
                    _TABLE1,
                    because=why,
                )
            if restarted:
                _ha_restart(prep, run, w, vm_id, t + tl["ha_restart_s"], host_id)
                if vm_id in prep.witness_on_vm:
                    _witness_restarting(
                        prep,
                        run,
                        w,
                        vm_id,
                        t + tl["vm_fails_s"],
                        t + tl["restarted_vm_os_up_s"],
                        (host_id, w.vm_restarted[vm_id]),
                    )
            if vm_id in w.vm_restarted or vm_id in w.ha_refused or diskless:
                for dag_id in prep.dags_of_vm.get(vm_id, []):
                    run.event(
                        t + tl["dag_peer_detects_failure_s"],
                        dag_id,
                        "dag_member_failed",
                        f"DAG {prep.dags[dag_id].name} detects the failure of member {vm.name}",
                        _TABLE1,
                    )
            if refused or diskless:
                reason = w.ha_refused[vm_id] if refused else "its disks are gone"
                run.event(
                    t + tl["ha_restart_s"],
                    vm_id,
                    "ha_restart_failed",
                    f"VM {vm.name} cannot be restarted by vSphere HA: {reason}",
                    "000 §4.1",
                    because=why,
                )
    vmm = prep.timings["vm_monitoring"]
    for vm_id in sorted(set(w.vm_reset) - set(prev.vm_reset)):
        failed_at = run.guest_failed.get(vm_id, t)
        name = prep.vms[vm_id].name
        detected = failed_at + vmm["failure_interval_s"]
        run.event(
            detected,
            vm_id,
            "vm_monitoring_reset",
            f"vSphere HA VM monitoring misses the heartbeats of VM {name} for "
            f"{vmm['failure_interval_s']} s and resets it on its host",
            "000 §4.1; vm_monitoring in the catalog ([product fact] preset)",
        )
        run.event(
            detected + vmm["os_boot_s"],
            vm_id,
            "vm_os_up",
            f"VM {name} operating system running again",
            _TABLE1,
        )
        if vm_id in prep.witness_on_vm:
            back = detected + vmm["os_boot_s"]
            _witness_restarting(prep, run, w, vm_id, failed_at, back, ())
            for witness_id in prep.witness_on_vm[vm_id]:
                _witness_back(prep, run, witness_id, back, ())
        for dag_id in prep.dags_of_vm.get(vm_id, []):
            run.event(
                failed_at + tl["dag_peer_detects_failure_s"],
                dag_id,
                "dag_member_failed",
                f"DAG {prep.dags[dag_id].name} detects the failure of member {name}",
                _TABLE1,
            )
    for vm_id, reason in sorted(w.vm_down.items()):
        if reason.startswith("guest_os_failed") and prev.vm_down.get(vm_id) != reason:
            run.event(
                t,
                vm_id,
                "ha_restart_failed",
                f"VM {prep.vms[vm_id].name} stays down after its guest OS failure: "
                f"{w.ha_refused.get(vm_id, 'no VM monitoring')}",
                "000 §4.1",
            )
    support = clariion()["support"]
    for sp in sorted(w.sps_down - prev.sps_down):
        array = prep.arrays[prep.sp_array[sp]]
        slot = sp.rsplit("-", 1)[-1]
        peer = f"{array.id}/SP-{'B' if slot == 'A' else 'A'}"
        if peer in w.sps_down:
            run.event(
                t,
                array.id,
                "array_down",
                f"storage array {array.name} lost both storage processors; its LUNs are down",
                "002",
            )
            continue
        run.event(
            t,
            sp,
            "trespass",
            f"LUNs of storage processor {slot} on array {array.name} trespass to SP "
            f"{peer.rsplit('-', 1)[-1]}; no outage",
            "002 'SP failure'",
        )
        family = model_family(array.model)
        if support["write_cache_survives_sp_failure"].get(family, True) is False:
            run.event(
                t,
                array.id,
                "write_cache_off",
                f"array {array.name} ({array.model}) turns write caching off while an SP is "
                "down: expect higher Exchange latency",
                "002 'SP failure'",
            )
    for vm_id, reason in sorted(w.vm_down.items()):
        host_down = prep.vms[vm_id].host in w.hosts_down
        if reason == "storage_lost" and prev.vm_down.get(vm_id) != reason and not host_down:
            run.event(
                t,
                vm_id,
                "vm_storage_lost",
                f"VM {prep.vms[vm_id].name} lost its disks; vSphere HA cannot restart it",
                "DOMAIN §4",
            )
        if vm_id not in prev.vm_down and not host_down:
            # A member down by itself (failed, its disks or guest OS lost): its DAG
            # detects it as it does a host's (000 Table 1), before judging its quorum.
            for dag_id in prep.dags_of_vm.get(vm_id, []):
                run.event(
                    t + tl["dag_peer_detects_failure_s"],
                    dag_id,
                    "dag_member_failed",
                    f"DAG {prep.dags[dag_id].name} detects the failure of member "
                    f"{prep.vms[vm_id].name}",
                    _TABLE1,
                )
    for witness_id in sorted(w.witness_down - prev.witness_down):
        run.event(
            t,
            witness_id,
            "witness_down",
            f"file share witness {prep.witnesses[witness_id].name} is down"
            + _witness_role(prep, w, witness_id),
            "DOMAIN §4",
        )
    for lb_id in sorted(w.lbs_down - prev.lbs_down):
        lb = prep.lbs[lb_id]
        units = "both units of the HA pair" if lb.ha_pair else "its single unit"
        run.event(t, lb_id, "lb_down", f"load balancer {lb.name} is down ({units})", "000 §4.2")
    for cas_id in sorted(set(w.cas_down) - set(prev.cas_down)):
        run.event(
            t,
            cas_id,
            "cas_unreachable",
            f"CAS array {prep.cas[cas_id].name} is unreachable: {w.cas_down[cas_id]}",
            "000 §4.2, §5.3.1",
        )
    fracture = clariion()["guidelines"]["sync_fracture_after_link_loss_s"]
    for mirror_id in sorted(run.mirror_down_since):
        if run.mirror_down_since[mirror_id] != t:
            continue
        mirror = prep.mirrors[mirror_id]
        if mirror.mode == MirrorMode.SYNC:
            run.event(
                t + fracture,
                mirror_id,
                "mirror_fractured",
                f"mirror {mirror.name} (MirrorView/S) fractures after losing its link; the "
                "secondary ages until the link returns",
                "002 'Loss of the mirrored link'",
            )
        else:
            run.event(
                t,
                mirror_id,
                "mirror_paused",
                f"mirror {mirror.name} (MirrorView/A) tracks changes on the primary; the "
                "secondary ages until the link returns",
                "002 'Loss of the mirrored link'",
            )


def link_events(prep: Prepared, run: Run, link_id: str, t: float) -> None:
    """What a degraded link means for what crosses it: MirrorView/S adds a round trip
    to every log write (MV006's estimate, :mod:`designer.workload.latency`: said once
    for the link's MirrorView/S mirrors of log LUNs, as the rule counts them); DAG
    members need less than 500 ms between sites; MirrorView/A transfers take longer."""
    link = prep.links[link_id]
    latency, bandwidth = run.degraded.get(link_id, (link.rtt_ms, link.bandwidth_mbps))
    log_write = sync_log_write(latency)
    crossing = [m for m in sorted(prep.mirrors) if mirror_link(prep, m) is link]
    if log_write.over:
        logs = [
            m
            for m in crossing
            if prep.mirrors[m].mode == MirrorMode.SYNC
            and holds_logs(prep.index, prep.mirrors[m].source_lun)
        ]
        if logs:
            run.event(
                t,
                link_id,
                "mirror_latency",
                log_write.words(link.name, len(logs)),
                "002 'Latency' (MV006)",
            )
    for mirror_id in crossing:
        mirror = prep.mirrors[mirror_id]
        if mirror.mode == MirrorMode.ASYNC and bandwidth < link.bandwidth_mbps:
            interval = mirror.update_interval_min * 60.0
            transfer = transfer_s(prep, run, mirror_id, interval)
            took = "never finishes" if math.isinf(transfer) else f"now takes {span(transfer)}"
            run.event(
                t,
                mirror_id,
                "mirror_slow",
                f"MirrorView/A mirror {mirror.name}: an update of {span(interval)} {took} to "
                f"transfer at {bandwidth:,g} Mbit/s"
                + (" (what the link's steady streams leave)" if prep.workload.states else "")
                + "; the RPO grows with it",
                "002 'MirrorView/A considerations'",
            )
    cap = float(prep.timings["limits"]["max_dag_rtt_ms"])
    if latency > cap:
        ends = {link.site_a, link.site_b}
        for dag_id in sorted(prep.dags):
            sites = {prep.vm_site.get(m) for m in prep.dags[dag_id].members}
            if ends <= sites:
                run.event(
                    t,
                    dag_id,
                    "dag_latency",
                    f"DAG {prep.dags[dag_id].name}: {latency:g} ms between its sites is over "
                    f"the {cap:g} ms Exchange supports for cluster heartbeats",
                    "004 (reliably less than 500 ms); DAG010",
                )


def awaiting_sync_event(prep: Prepared, run: Run, mirror_id: str, t: float) -> None:
    target = group_target(prep, mirror_id)
    what = prep.cgs[target].name if target in prep.cgs else prep.mirrors[target].name
    run.event(
        t,
        target,
        "mirror_awaiting_sync",
        f"the link of {what} is back; recovery policy Manual: its secondaries stay at "
        "their fracture point until the administrator starts the synchronisation",
        "002 'Loss of the mirrored link' (Set the recovery policy … to Manual)",
    )


def sync_started_event(
    prep: Prepared, run: Run, group: list[str], point: float, t: float, duration: float
) -> None:
    first = prep.mirrors[group[0]]
    target = group_target(prep, group[0])
    what = prep.cgs[target].name if target in prep.cgs else first.name
    site = prep.sites.get(prep.lun_site(first.source_lun) or "")
    link = mirror_link(prep, group[0])
    rate = site.change_rate_gb_per_hour if site is not None else 0.0
    gb = rate * (t - point) / 3600.0
    how = (
        f"{gb:.3g} GB changed since the fracture at {clock(point)} cross WAN link "
        f"{link.name} in {span(duration)}"
        if link is not None and rate
        else "the site states no change rate, so it is taken as immediate"
    )
    sync = first.mode == MirrorMode.SYNC and len(group_of(prep, group[0])) >= 1
    run.event(
        t,
        target,
        "mirror_sync_started",
        f"synchronisation of {what} starts: {how}; "
        + (
            "the secondaries are unusable until it completes"
            if sync
            else "the secondaries keep the snapshot of their last point until it completes"
        ),
        "002 'Loss of the mirrored link'",
    )
