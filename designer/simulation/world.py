"""The infrastructure after a set of failures: what is down, what vSphere HA restarted.

:func:`compute_world` walks only from the failed elements outwards (site → hosts,
arrays, links…; host → VMs; array or both SPs → LUNs → disks → VMs), so its cost is
proportional to what the failures touch, not to the design.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final
from weakref import WeakKeyDictionary

from designer.domain.enums import DiskPurpose
from designer.simulation.prepared import Prepared

__all__ = ["World", "components", "compute_world", "lost_elements", "lun_loss", "world_after"]


@dataclass(slots=True)
class World:
    """Settled infrastructure state. Sets hold only what differs from a healthy design.

    A world's sets and dicts are written only while :func:`compute_world` or
    :func:`world_after` makes it: a world grown from another may hold that one's very
    sets (those the new failures do not change), so a reader must not write them."""

    failed: frozenset[str]
    sites_down: set[str] = field(default_factory=set)
    links_down: set[str] = field(default_factory=set)
    #: Site → connected-component number; None while no site or link is down.
    comp: dict[str, int] | None = None
    hosts_down: set[str] = field(default_factory=set)
    arrays_down: set[str] = field(default_factory=set)
    sps_down: set[str] = field(default_factory=set)
    luns_down: set[str] = field(default_factory=set)
    vm_down: dict[str, str] = field(default_factory=dict)
    #: VM → the host vSphere HA restarted it on.
    vm_restarted: dict[str, str] = field(default_factory=dict)
    #: VMs that failed with their host and could not be restarted → why.
    ha_refused: dict[str, str] = field(default_factory=dict)
    #: (VM, database or "*") whose copy's database (or OS) disks are gone.
    copy_lost: set[tuple[str, str]] = field(default_factory=set)
    #: (VM, database or "*") whose copy's log disks are gone (the database may live).
    logs_lost: set[tuple[str, str]] = field(default_factory=set)
    #: Disks of LCR passive copies that are lost.
    lcr_disks_lost: set[str] = field(default_factory=set)
    #: (array, RAID group) of every lost LUN.
    raid_sets_down: set[tuple[str, str]] = field(default_factory=set)
    #: VM → its host, for VMs whose guest OS failed and vSphere HA VM monitoring reset.
    vm_reset: dict[str, str] = field(default_factory=dict)
    witness_down: set[str] = field(default_factory=set)
    lbs_down: set[str] = field(default_factory=set)
    cas_down: dict[str, str] = field(default_factory=dict)
    #: VMs brought up elsewhere by SRM → their new site.
    vm_relocated: dict[str, str] = field(default_factory=dict)
    touched_vms: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    #: (user site, active site) → (reachable, CAS array): memo of the engine, per world.
    reach_memo: dict[tuple[str | None, str | None], tuple[bool, str | None]] = field(
        default_factory=dict
    )
    #: The world :func:`world_after` went on from (its lost LUNs are among this one's):
    #: the placement's who-takes-over table adds only the LUNs this one loses more.
    grown_from: World | None = field(default=None, compare=False, repr=False)
    #: (the who-takes-over table, its mask of the copies this world loses): its memo.
    lost_mask: tuple[Any, Any] | None = field(default=None, compare=False, repr=False)
    #: With ``grown_from``: the VMs world_after took down, or whose copies' disks or
    #: logs, or LCR copy disks, it lost that ``grown_from`` had not (what
    #: ``_vms_changed`` reads of those, without comparing the two worlds' sets).
    grown_vms: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def vm_up(self, vm: str) -> bool:
        return vm not in self.vm_down

    def site_of_vm(self, prep: Prepared, vm: str) -> str | None:
        return self.vm_relocated.get(vm) or prep.vm_site.get(vm)

    def connected(self, a: str | None, b: str | None) -> bool:
        if a is None or b is None:
            return a == b
        if a in self.sites_down or b in self.sites_down:
            return False
        if self.comp is None:
            return True
        return self.comp.get(a, -1) == self.comp.get(b, -2) or a == b


class _LunLoss:
    """What losing one LUN does to the disks on it, in disk order (each field is fed to
    its own set or dict in the order the disks come, as a disk-by-disk walk would).

    A plain class with slots (not a frozen dataclass: ~0.65 M instructions of every
    command that simulates, issue 10, wave 22); made once per LUN and never changed,
    compared or printed."""

    __slots__ = ("copies", "lcr_disks", "logs", "os_vms", "vms")

    def __init__(
        self,
        vms: tuple[str, ...],
        lcr_disks: tuple[str, ...],
        os_vms: tuple[str, ...],
        logs: tuple[tuple[str, str], ...],
        copies: tuple[tuple[str, str], ...],
    ) -> None:
        #: The VM of every disk on it.
        self.vms: Final = vms
        #: Disks holding an LCR passive copy (lost, nothing more).
        self.lcr_disks: Final = lcr_disks
        #: VMs whose OS disk it holds.
        self.os_vms: Final = os_vms
        #: (VM, database or "*") of its log disks, and of its other disks.
        self.logs: Final = logs
        self.copies: Final = copies


#: Per prepared design, LUN → what losing it does (built on first loss: a lost site or
#: array loses hundreds of LUNs in every state the cut sets and the Monte Carlo judge).
_LUN_LOSSES: WeakKeyDictionary[Prepared, dict[str, _LunLoss]] = WeakKeyDictionary()


def _lun_loss(prep: Prepared, lun: str) -> _LunLoss:
    losses = _LUN_LOSSES.get(prep)
    if losses is None:
        losses = _LUN_LOSSES[prep] = {}
    found = losses.get(lun)
    if found is None:
        vms: list[str] = []
        lcr: list[str] = []
        os_vms: list[str] = []
        logs: list[tuple[str, str]] = []
        copies: list[tuple[str, str]] = []
        for disk in prep.disks_on_lun.get(lun, []):
            vms.append(disk.vm)
            if disk.id in prep.lcr_copy_disks:
                lcr.append(disk.id)
                continue
            if disk.purpose == DiskPurpose.OS:
                os_vms.append(disk.vm)
            pair = (disk.vm, disk.database or "*")
            (logs if disk.purpose == DiskPurpose.LOGS else copies).append(pair)
        found = losses[lun] = _LunLoss(
            tuple(vms), tuple(lcr), tuple(os_vms), tuple(logs), tuple(copies)
        )
    return found


def lun_loss(prep: Prepared, lun: str) -> _LunLoss:
    """What losing ``lun`` does to the disks on it (worked out once per prepared
    design): its ``copies`` and ``logs`` are the (VM, database or "*") pairs
    :func:`compute_world` adds to ``copy_lost`` and ``logs_lost`` for it (no VM
    relocated)."""
    return _lun_loss(prep, lun)


def components(prep: Prepared, sites_down: set[str], links_down: set[str]) -> dict[str, int]:
    """Connected components of the surviving sites over the surviving links."""
    comp: dict[str, int] = {}
    number = 0
    for start in prep.site_order:
        if start in sites_down or start in comp:
            continue
        comp[start] = number
        stack = [start]
        while stack:
            here = stack.pop()
            for link_id in prep.links_of_site.get(here, []):
                if link_id in links_down:
                    continue
                link = prep.links[link_id]
                there = link.site_b if link.site_a == here else link.site_a
                if there in sites_down or there in comp:
                    continue
                comp[there] = number
                stack.append(there)
        number += 1
    return comp


def compute_world(
    prep: Prepared,
    failed: frozenset[str],
    relocated: dict[str, str] | None = None,
    guest_failed: frozenset[str] = frozenset(),
) -> World:
    """The infrastructure once ``failed`` are down and vSphere HA has acted.

    ``relocated`` are VMs an SRM recovery plan brought up at another site: they are up
    there whatever happened to their original host and storage. ``guest_failed`` are
    VMs whose guest OS failed: vSphere HA VM monitoring resets them on their host (000
    §4.1) when the cluster has HA and VM monitoring on; otherwise they stay down.
    """
    w = World(failed=failed)
    relocated = relocated or {}
    w.vm_relocated = dict(relocated)
    for element in sorted(failed):
        if element in prep.sites:
            w.sites_down.add(element)
        elif element in prep.links:
            w.links_down.update(prep.link_domain_peers[element])
        elif element in prep.hosts:
            w.hosts_down.add(element)
        elif element in prep.arrays:
            w.arrays_down.add(element)
        elif element in prep.sp_array:
            w.sps_down.add(element)
        elif element in prep.luns:
            w.luns_down.add(element)
        elif element in prep.vms:
            w.vm_down[element] = "failed"
        elif element in prep.witnesses:
            w.witness_down.add(element)
        elif element in prep.lbs:
            w.lbs_down.add(element)
        elif element in prep.cas:
            w.cas_down[element] = "failed"
        elif element in prep.mirrors or element in prep.host_repls:
            pass  # replication links: read by the engine from ``failed``
        else:
            w.unknown.append(element)
    for site in w.sites_down:
        placed = prep.in_site.get(site, {})
        w.hosts_down.update(placed.get("hosts", []))
        w.arrays_down.update(placed.get("arrays", []))
        w.witness_down.update(placed.get("witnesses", []))
        w.lbs_down.update(placed.get("lbs", []))
        for cas in placed.get("cas", []):
            w.cas_down.setdefault(cas, f"site {prep.sites[site].name} is down")
        w.links_down.update(prep.links_of_site.get(site, []))
    if w.sites_down or w.links_down:
        w.comp = components(prep, w.sites_down, w.links_down)
    # Storage: an array, or both of its storage processors, takes its LUNs with it.
    dead_arrays = set(w.arrays_down)
    by_array: dict[str, int] = {}
    for sp in w.sps_down:
        array = prep.sp_array[sp]
        by_array[array] = by_array.get(array, 0) + 1
        if by_array[array] == 2:
            dead_arrays.add(array)
    for array in dead_arrays:
        w.luns_down.update(prep.luns_of_array.get(array, []))
    for lun in w.luns_down:
        raid_set = prep.raid_set(lun)
        if raid_set is not None:
            w.raid_sets_down.add(raid_set)
        if not relocated:  # the usual case: what losing the LUN does, worked out once
            loss = _lun_loss(prep, lun)
            w.touched_vms.update(loss.vms)
            w.lcr_disks_lost.update(loss.lcr_disks)
            for vm in loss.os_vms:
                w.vm_down.setdefault(vm, "storage_lost")
            w.logs_lost.update(loss.logs)
            w.copy_lost.update(loss.copies)
            continue
        for disk in prep.disks_on_lun.get(lun, []):
            if disk.vm in relocated:
                continue
            w.touched_vms.add(disk.vm)
            if disk.id in prep.lcr_copy_disks:
                w.lcr_disks_lost.add(disk.id)
                continue
            if disk.purpose == DiskPurpose.OS:
                w.vm_down.setdefault(disk.vm, "storage_lost")
            if disk.purpose == DiskPurpose.LOGS:
                w.logs_lost.add((disk.vm, disk.database or "*"))
            else:
                w.copy_lost.add((disk.vm, disk.database or "*"))
    # Hosts and vSphere HA.
    stranded: dict[str | None, list[str]] = {}
    for host in sorted(w.hosts_down):
        for vm in prep.vms_on_host.get(host, []):
            w.touched_vms.add(vm)
            if vm in w.vm_down:
                continue
            stranded.setdefault(prep.hosts[host].cluster, []).append(vm)
    for cluster_id, vms in sorted(stranded.items(), key=lambda kv: kv[0] or ""):
        _ha_restart(prep, w, cluster_id, vms)
    for vm in sorted(guest_failed):
        host_id = prep.vms[vm].host if vm in prep.vms else None
        if vm in w.vm_down or host_id is None or host_id in w.hosts_down:
            continue  # lost anyway, or its host's failure decides
        machine_host = prep.hosts.get(host_id)
        cluster = (
            prep.clusters.get(machine_host.cluster or "") if machine_host is not None else None
        )
        w.touched_vms.add(vm)
        if cluster is not None and cluster.ha_enabled and cluster.vm_monitoring:
            w.vm_reset[vm] = host_id
        else:
            why = (
                "no vSphere cluster"
                if cluster is None
                else f"HA is off in {cluster.name}"
                if not cluster.ha_enabled
                else f"VM monitoring is off in {cluster.name}"
            )
            w.vm_down[vm] = f"guest_os_failed: {why}"
            w.ha_refused[vm] = why
    for vm in relocated:
        w.vm_down.pop(vm, None)
        w.touched_vms.add(vm)
    w.touched_vms.update(w.vm_down)
    # Witnesses, load balancers and CAS arrays follow their VMs and sites.
    for vm in w.vm_down:
        for witness in prep.witness_on_vm.get(vm, []):
            w.witness_down.add(witness)
    cas_check: set[str] = set()
    for vm in w.vm_down:
        cas_check.update(prep.cas_of_vm.get(vm, []))
    for lb in w.lbs_down:
        cas_check.update(prep.lbs[lb].cas_arrays)
    for cas_id in sorted(cas_check):
        if cas_id in w.cas_down:
            continue
        cas_array = prep.cas[cas_id]
        if cas_array.members and all(m in w.vm_down for m in cas_array.members):
            w.cas_down[cas_id] = "every member server is down"
            continue
        # The site's own load balancers front the array; a geographic one only sends
        # clients to it (000 §5.3.1: with the local load balancer down the array is
        # inaccessible, and clients go to another site's array).
        front = prep.lbs_of_cas.get(cas_id) or prep.geo_lbs_of_cas.get(cas_id, [])
        if front and all(lb in w.lbs_down for lb in front):
            names = ", ".join(prep.lbs[lb].name for lb in front)
            w.cas_down[cas_id] = f"load balancer {names} is down"
    return w


def _dead_arrays(prep: Prepared, arrays_down: set[str], sps_down: set[str]) -> set[str]:
    """The arrays down, and those with both storage processors down (compute_world's)."""
    found = set(arrays_down)
    by_array: dict[str, int] = {}
    for sp in sps_down:
        array = prep.sp_array[sp]
        by_array[array] = by_array.get(array, 0) + 1
        if by_array[array] == 2:
            found.add(array)
    return found


def world_after(prep: Prepared, base: World, failed: frozenset[str]) -> World | None:
    """:func:`compute_world` of ``failed`` (nothing relocated, no guest failed) from
    ``base``, the world of some of them (``base.failed``, computed the same way), by
    adding what the others do: a site loss plus one element works the site out once.

    The sets and the dicts' contents are :func:`compute_world`'s (the dicts' order may
    differ: it follows set iteration there too, and no reader depends on it). None when
    the others are sites or WAN links (they cut the network anew), an element that is
    not in the design, or when they would change what vSphere HA did in ``base``: a
    VM it restarted or refused goes down first (a VM failure, its OS disk lost), or a
    host fails in a cluster that already lost hosts (fewer survivors).
    """
    if base.vm_relocated or base.vm_reset or base.unknown or not base.failed <= failed:
        return None
    stranded_before = base.vm_restarted.keys() | base.ha_refused.keys()
    new_hosts: list[str] = []
    new_arrays: list[str] = []
    new_sps: list[str] = []
    new_luns: list[str] = []
    new_vms: list[str] = []
    new_witnesses: list[str] = []
    new_lbs: list[str] = []
    new_cas: list[str] = []
    for element in sorted(failed - base.failed):
        if element in prep.sites or element in prep.links:
            return None
        if element in prep.hosts:
            new_hosts.append(element)
        elif element in prep.arrays:
            new_arrays.append(element)
        elif element in prep.sp_array:
            new_sps.append(element)
        elif element in prep.luns:
            new_luns.append(element)
        elif element in prep.vms:
            if element in stranded_before:
                return None
            new_vms.append(element)
        elif element in prep.witnesses:
            new_witnesses.append(element)
        elif element in prep.lbs:
            new_lbs.append(element)
        elif element in prep.cas:
            new_cas.append(element)
        elif element in prep.mirrors or element in prep.host_repls:
            pass  # replication links: read by the engine from ``failed``
        else:
            return None
    # vSphere HA: a new host's cluster must not have lost hosts in ``base``.
    hosts = [h for h in new_hosts if h not in base.hosts_down]
    for host in hosts:
        cluster = prep.hosts[host].cluster
        if cluster is not None and any(
            h in base.hosts_down for h in prep.hosts_in_cluster.get(cluster, ())
        ):
            return None
    # Storage: the arrays dead now that were not, and their LUNs.
    luns: set[str] = set(new_luns)
    if new_sps or new_arrays:
        sps_down = base.sps_down.union(new_sps)
        arrays_down = base.arrays_down.union(new_arrays)
        for array in _dead_arrays(prep, arrays_down, sps_down) - _dead_arrays(
            prep, base.arrays_down, base.sps_down
        ):
            luns.update(prep.luns_of_array.get(array, []))
    else:
        sps_down, arrays_down = base.sps_down, base.arrays_down
    luns -= base.luns_down
    losses = [_lun_loss(prep, lun) for lun in luns]
    if any(not stranded_before.isdisjoint(loss.os_vms) for loss in losses):
        return None
    # What the new failures cannot change is ``base``'s very set (a world's sets are
    # not changed once it is made: only compute_world and this function write them,
    # while they make it), not a copy: sites and links (never among the new ones),
    # and without a new LUN lost the storage's (a site's or an array's loss plus a
    # host: thousands of lost copies, hundreds of LUNs, copied per mode before).
    w = World(
        failed=failed,
        sites_down=base.sites_down,
        links_down=base.links_down,
        comp=base.comp,
        hosts_down=base.hosts_down.union(hosts) if hosts else base.hosts_down,
        arrays_down=arrays_down,
        sps_down=sps_down,
        luns_down=base.luns_down | luns if luns else base.luns_down,
        vm_down=dict(base.vm_down),
        vm_restarted=dict(base.vm_restarted),
        ha_refused=dict(base.ha_refused),
        copy_lost=set(base.copy_lost) if luns else base.copy_lost,
        logs_lost=set(base.logs_lost) if luns else base.logs_lost,
        lcr_disks_lost=set(base.lcr_disks_lost) if luns else base.lcr_disks_lost,
        raid_sets_down=set(base.raid_sets_down) if luns else base.raid_sets_down,
        witness_down=base.witness_down.union(new_witnesses),  # written below
        lbs_down=base.lbs_down.union(new_lbs) if new_lbs else base.lbs_down,
        cas_down=dict(base.cas_down),
        touched_vms=set(base.touched_vms),
        grown_from=base,
    )
    vm_down = w.vm_down
    before = set(vm_down)
    for vm in new_vms:
        vm_down[vm] = "failed"
    for cas_id in new_cas:
        w.cas_down[cas_id] = "failed"
    #: VMs whose lost copies, logs or LCR copy disks differ from ``base``'s.
    lost_vms: set[str] = set()
    for lun, loss in zip(luns, losses, strict=True):
        raid_set = prep.raid_set(lun)
        if raid_set is not None:
            w.raid_sets_down.add(raid_set)
        w.touched_vms.update(loss.vms)
        lcr_lost = base.lcr_disks_lost
        lost_vms.update(prep.disk_by_id[d].vm for d in loss.lcr_disks if d not in lcr_lost)
        w.lcr_disks_lost.update(loss.lcr_disks)
        for vm in loss.os_vms:
            vm_down.setdefault(vm, "storage_lost")
        lost_vms.update(vm for vm, db in loss.logs if (vm, db) not in base.logs_lost)
        lost_vms.update(vm for vm, db in loss.copies if (vm, db) not in base.copy_lost)
        w.logs_lost.update(loss.logs)
        w.copy_lost.update(loss.copies)
    stranded: dict[str | None, list[str]] = {}
    for host in sorted(hosts):
        for vm in prep.vms_on_host.get(host, []):
            w.touched_vms.add(vm)
            if vm in vm_down:
                continue
            stranded.setdefault(prep.hosts[host].cluster, []).append(vm)
    for cluster_id, vms in sorted(stranded.items(), key=lambda kv: kv[0] or ""):
        _ha_restart(prep, w, cluster_id, vms)
    gone = [vm for vm in vm_down if vm not in before]
    w.grown_vms = frozenset(lost_vms.union(gone))
    w.touched_vms.update(gone)
    for vm in gone:
        for witness in prep.witness_on_vm.get(vm, []):
            w.witness_down.add(witness)
    # CAS arrays that the new down VMs or load balancers can take down; one down in
    # ``base`` for its members or load balancers is judged again (its members first).
    cas_check: set[str] = set()
    for vm in gone:
        cas_check.update(prep.cas_of_vm.get(vm, []))
    for lb in new_lbs:
        cas_check.update(prep.lbs[lb].cas_arrays)
    for cas_id in sorted(cas_check):
        if cas_id in failed or any(
            cas_id in prep.in_site.get(site, {}).get("cas", []) for site in w.sites_down
        ):
            continue  # down by itself or with its site, whatever else happens
        cas_array = prep.cas[cas_id]
        if cas_array.members and all(m in vm_down for m in cas_array.members):
            w.cas_down[cas_id] = "every member server is down"
            continue
        if cas_id in w.cas_down:
            continue
        front = prep.lbs_of_cas.get(cas_id) or prep.geo_lbs_of_cas.get(cas_id, [])
        if front and all(lb in w.lbs_down for lb in front):
            names = ", ".join(prep.lbs[lb].name for lb in front)
            w.cas_down[cas_id] = f"load balancer {names} is down"
    return w


def lost_elements(prep: Prepared, w: World) -> set[str]:
    """Every element ``w`` has lost: what failed; the sites, WAN links, hosts, arrays
    (with their storage processors), storage processors, LUNs (with the disks on them),
    VMs, witnesses, load balancers and CAS arrays down; and the VMs vSphere HA
    restarted elsewhere (they failed, then came back).

    For a single failure it is the dependency graph's failure domain of that element
    (``designer.graph.failure_domain``), quorum and activation aside:
    ``tests/graph/test_failure_domains.py``.
    """
    lost = set(w.failed)
    lost.update(w.sites_down, w.links_down, w.hosts_down, w.arrays_down, w.sps_down)
    lost.update(sp for sp, array in prep.sp_array.items() if array in w.arrays_down)
    lost.update(w.luns_down)
    lost.update(d.id for lun in w.luns_down for d in prep.disks_on_lun.get(lun, ()))
    lost.update(w.vm_down, w.vm_restarted, w.witness_down, w.lbs_down, w.cas_down)
    return lost


def _ha_restart(prep: Prepared, w: World, cluster_id: str | None, vms: list[str]) -> None:
    """Place the VMs of failed hosts on the cluster's survivors, largest first.

    Capacity is host memory minus the memory of every VM registered on the host (a
    failed VM keeps its reservation) and of the VMs already restarted there; a VM
    never gets more vCPUs than a host has cores.
    """
    cluster = prep.clusters.get(cluster_id) if cluster_id else None
    if cluster is None or not cluster.ha_enabled:
        why = "no vSphere cluster" if cluster is None else f"HA is off in {cluster.name}"
        for vm in vms:
            w.vm_down[vm] = f"host_down: {why}"
            w.ha_refused[vm] = why
        return
    survivors = [
        h for h in sorted(prep.hosts_in_cluster.get(cluster.id, [])) if h not in w.hosts_down
    ]
    free = {h: prep.hosts[h].memory_gb - prep.host_used_gb.get(h, 0.0) for h in survivors}
    for vm_id in sorted(vms, key=lambda v: (-prep.vms[v].memory_gb, v)):
        machine = prep.vms[vm_id]
        best: str | None = None
        for h in survivors:
            fits = free[h] + 1e-9 >= machine.memory_gb and prep.hosts[h].cpu_cores >= machine.vcpu
            if fits and (best is None or free[h] > free[best]):
                best = h
        if best is None:
            why = (
                f"no surviving host in {cluster.name}"
                if not survivors
                else f"no surviving host in {cluster.name} has {machine.memory_gb:g} GB free"
            )
            w.vm_down[vm_id] = f"host_down: {why}"
            w.ha_refused[vm_id] = why
            continue
        free[best] -= machine.memory_gb
        w.vm_restarted[vm_id] = best
