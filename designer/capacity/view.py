"""A failure mode as capacity arithmetic sees it, read from the simulator's settled state.

The simulator decides (:meth:`~designer.simulation.Simulator.settled`) which copy of
each database is active, which VMs are up and where vSphere HA restarted them, which
sites and links are down; :class:`ModeView` only reads that, adding the routes data
takes between sites (:func:`designer.workload.route`) and, for a simulated scenario,
the links it degraded.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from weakref import WeakKeyDictionary

from designer.simulation import DbRun, Settled
from designer.simulation.prepared import Prepared
from designer.workload import Direction, LinkEnds, route

__all__ = ["ModeView"]

Route = tuple[tuple[str, Direction], ...]

#: Per link table (one per engine): its design's tables and each link's bandwidth as
#: drawn, shared by every view without a bandwidth of its own (read only).
_DRAWN: WeakKeyDictionary[LinkEnds, tuple[Prepared, dict[str, float]]] = WeakKeyDictionary()
_VM = itemgetter(0)


def _drawn(prep: Prepared, links: LinkEnds) -> dict[str, float]:
    """Each link's bandwidth as drawn (one dict per link table, not one per mode: a
    sizing makes ~300 views of 28 links at 25k)."""
    found = _DRAWN.get(links)
    if found is None or found[0] is not prep:
        found = _DRAWN[links] = (
            prep,
            {link.id: link.bandwidth_mbps for link in prep.links.values()},
        )
    return found[1]


class ModeView:
    """Placement and connectivity in one mode (``settled`` None: normal operation)."""

    def __init__(
        self,
        prep: Prepared,
        links: LinkEnds,
        baseline: Mapping[str, DbRun],
        settled: Settled | None = None,
        *,
        bandwidth: Mapping[str, float] | None = None,
        directions_down: Mapping[str, Direction] | None = None,
    ) -> None:
        self.prep = prep
        self.links = links
        self.baseline = baseline
        self.settled = settled
        world = settled.world if settled is not None else None
        self.world = world
        self.links_down: frozenset[str] = frozenset(world.links_down) if world else frozenset()
        self.sites_down: frozenset[str] = frozenset(world.sites_down) if world else frozenset()
        self.directions_down: dict[str, Direction] = dict(directions_down or {})
        #: Link → its bandwidth in this mode, Mbit/s (read only: without ``bandwidth``,
        #: the dict every such view of ``links`` shares).
        self.bandwidth: Mapping[str, float] = _drawn(prep, links)
        if bandwidth:
            self.bandwidth = {**self.bandwidth, **bandwidth}
        self._routes: dict[tuple[str, str], Route | None] = {}
        self._up: dict[str, bool] = {}
        self._site: dict[str, str | None] = {}
        self._any_lost = bool(world is not None and (world.copy_lost or world.logs_lost))
        self._lost: tuple[set[tuple[str, str]], set[str]] | None = None
        #: The VMs of the lost pairs (made with ``_lost`` by :meth:`lost_copies`).
        self._lost_vms: set[str] = set()

    # -- databases ---------------------------------------------------------------------
    def state(self, db_id: str) -> DbRun:
        if self.settled is not None:
            return self.settled.state(db_id)
        return self.baseline[db_id]

    def active_on(self, db_id: str) -> str | None:
        st = self.state(db_id)
        return st.active_on if st.status == "active" else None

    def changed_databases(self) -> set[str]:
        return set(self.settled.databases) if self.settled is not None else set()

    # -- VMs and storage ---------------------------------------------------------------
    def vm_up(self, vm_id: str) -> bool:
        found = self._up.get(vm_id)
        if found is None:
            w = self.world
            if w is None:
                found = vm_id in self.prep.vms
            else:
                found = vm_id not in w.vm_down and self.vm_site(vm_id) not in w.sites_down
            self._up[vm_id] = found
        return found

    def vm_site(self, vm_id: str) -> str | None:
        if vm_id in self._site:
            return self._site[vm_id]
        w = self.world
        site = self.prep.vm_site.get(vm_id)
        if w is not None and w.vm_relocated:
            site = w.vm_relocated.get(vm_id) or site
        self._site[vm_id] = site
        return site

    def vm_host(self, vm_id: str) -> str | None:
        """Where the VM runs: its own host, or where vSphere HA restarted it."""
        vm = self.prep.vms.get(vm_id)
        if vm is None:
            return None
        if self.world is not None:
            return self.world.vm_restarted.get(vm_id, vm.host)
        return vm.host

    def copy_lost(self, vm_id: str, db_id: str) -> bool:
        """The copy's database or log disks are gone (it needs a reseed)."""
        if not self._any_lost:
            return False
        lost = self._lost
        if lost is None:
            lost = self._lost = self.lost_copies()
        return (vm_id, db_id) in lost[0] or vm_id in lost[1]

    def lost_copies(self) -> tuple[set[tuple[str, str]], set[str]]:
        """The (VM, database) copies whose disks are gone, and the VMs that lost every
        copy they hold (a disk tied to no database)."""
        w = self.world
        if w is None:
            return set(), set()
        pairs = w.copy_lost | w.logs_lost
        # The VMs of the pairs gathered at C speed (kept: the engine's lost-copy
        # patterns read them), then each asked once (an array's or a site's loss:
        # ~1,000-3,000 pairs of ~100-150 VMs at 25k).
        self._lost_vms = vms = set(map(_VM, pairs))
        return pairs, {vm for vm in vms if (vm, "*") in pairs}

    def lun_down(self, lun_id: str) -> bool:
        return self.world is not None and lun_id in self.world.luns_down

    def failed(self, element_id: str) -> bool:
        return self.world is not None and element_id in self.world.failed

    # -- network -------------------------------------------------------------------------
    def route(self, a: str | None, b: str | None) -> Route | None:
        if a is None or b is None:
            return None
        key = (a, b)
        if key not in self._routes:
            self._routes[key] = route(
                self.links,
                a,
                b,
                links_down=self.links_down,
                sites_down=self.sites_down,
                directions_down=self.directions_down,
            )
        return self._routes[key]

    def link_route(self, link_id: str, from_site: str | None) -> Route | None:
        """A stream pinned to one link (a mirror's ``wan_link``): that link in the
        direction leaving ``from_site``, or None when it cannot carry it."""
        if link_id in self.links_down or from_site is None or link_id not in self.links.ends:
            return None
        ends = self.links.ends[link_id]
        if from_site not in ends:
            return None
        way: Direction = "a_to_b" if ends[0] == from_site else "b_to_a"
        if self.directions_down.get(link_id) == way:
            return None
        return ((link_id, way),)
