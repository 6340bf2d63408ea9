"""MirrorView secondaries over time: fractures, consistency groups, synchronisation.

What a mirror's secondary holds at a given moment decides what promoting it (an SRM
recovery) recovers [002]:

- MirrorView/S is current (RPO 0); MirrorView/A lags by its update interval plus the
  time to transfer one interval's changes.
- A lost link fractures the mirror; "any fracture to one of the LUNs in the consistency
  group will cause a fracture for all LUNs in the consistency group at the same point",
  so a group's secondaries all stay at the earliest fracture point of its members.
- When the link returns, recovery policy Automatic starts the synchronisation at once;
  Manual waits until the administrator starts it ("so that synchronization does not
  start until you are ready for it"). Either way the secondary stays at its fracture
  point until the synchronisation ends, which takes the data changed since the fracture
  over the link's bandwidth; all mirrors of a group synchronise together.
- During a synchronisation a MirrorView/S secondary "will be unusable until the sync
  completes"; a MirrorView/A secondary is protected by a snapshot of its last point.
"""

from __future__ import annotations

from dataclasses import dataclass

from designer.domain.enums import MirrorMode, RecoveryPolicy
from designer.simulation.links import async_transfer_from_share, bandwidth_mbps, mirror_link
from designer.simulation.prepared import Prepared
from designer.simulation.run_state import Run
from designer.simulation.wording import clock, span

__all__ = [
    "MirrorStatus",
    "bandwidth_mbps",
    "group_of",
    "group_target",
    "manual_policy",
    "mirror_link",
    "mirror_status",
    "sync_duration_s",
]


@dataclass(frozen=True, slots=True)
class MirrorStatus:
    """What promoting a mirror's secondary at a moment gives."""

    usable: bool
    rpo: float
    reason: str = ""


def group_of(prep: Prepared, mirror_id: str) -> tuple[str, ...]:
    """The mirrors that fracture and synchronise with this one (its consistency group)."""
    cg = prep.cg_of_mirror.get(mirror_id)
    if cg is None:
        return (mirror_id,)
    return tuple(m for m in prep.cgs[cg].mirrors if m in prep.mirrors) or (mirror_id,)


def group_target(prep: Prepared, mirror_id: str) -> str:
    """What the administrator synchronises: the consistency group, else the mirror."""
    return prep.cg_of_mirror.get(mirror_id, mirror_id)


def manual_policy(prep: Prepared, mirror_id: str) -> bool:
    """Whether the group waits for the administrator: a consistency group does when
    any of its mirrors' recovery policy is Manual (002 recommends Manual)."""
    return any(
        prep.mirrors[m].recovery_policy == RecoveryPolicy.MANUAL for m in group_of(prep, mirror_id)
    )


def sync_duration_s(prep: Prepared, run: Run, mirror_id: str, point: float, start: float) -> float:
    """Time to copy what changed between ``point`` and ``start`` (the source site's
    change rate) over the mirror's link. Mirrors sharing the link share its bandwidth
    in proportion to their changes, so each finishes when all of them do."""
    mirror = prep.mirrors[mirror_id]
    site = prep.sites.get(prep.lun_site(mirror.source_lun) or "")
    link = mirror_link(prep, mirror_id)
    if site is None or link is None or start <= point:
        return 0.0
    changed_gb = site.change_rate_gb_per_hour * (start - point) / 3600.0
    return changed_gb * 8000.0 / bandwidth_mbps(run, link)


def transfer_s(prep: Prepared, run: Run, mirror_id: str, interval_s: float) -> float:
    """MirrorView/A: the time to transfer one update interval's changes: the source
    LUNs' changes over what the link's steady streams leave of it (see
    :func:`~designer.simulation.links.async_transfer_from_share`); without a workload
    stated, the source site's change rate over the whole link."""
    if prep.workload.states:
        found = async_transfer_from_share(prep, run, mirror_id)
        if found is not None:
            return found
    mirror = prep.mirrors[mirror_id]
    site = prep.sites.get(prep.lun_site(mirror.source_lun) or "")
    link = mirror_link(prep, mirror_id)
    if site is None or link is None:
        return 0.0
    changed_mbit = site.change_rate_gb_per_hour * interval_s / 3600.0 * 8000.0
    return changed_mbit / bandwidth_mbps(run, link)


def fracture_point(prep: Prepared, run: Run, mirror_id: str, at: float) -> float | None:
    """Where the group's secondaries stopped, as of ``at``; None while current."""
    points: list[float] = []
    for m in group_of(prep, mirror_id):
        down = run.mirror_down_since.get(m)
        if down is not None and down <= at:
            points.append(down)
        behind = run.mirror_behind.get(m)
        if behind is not None:
            sync = run.mirror_sync.get(m)
            if sync is None or at < sync[1]:
                points.append(behind)
    return min(points) if points else None


def mirror_status(prep: Prepared, run: Run, mirror_id: str, at: float) -> MirrorStatus:
    """What promoting the mirror's secondary as it stood at ``at`` recovers."""
    mirror = prep.mirrors[mirror_id]
    broken = run.mirror_broken.get(mirror_id)
    if broken is not None:
        return MirrorStatus(False, 0.0, broken)
    for m in group_of(prep, mirror_id):
        sync = run.mirror_sync.get(m)
        if sync is not None and sync[0] <= at < sync[1] and prep.mirrors[m].mode == MirrorMode.SYNC:
            return MirrorStatus(False, 0.0, _syncing(prep, m, sync))
    rpo = 0.0
    if mirror.mode == MirrorMode.ASYNC:
        interval_s = mirror.update_interval_min * 60.0
        rpo = interval_s + transfer_s(prep, run, mirror_id, interval_s)
    point = fracture_point(prep, run, mirror_id, at)
    if point is not None:
        rpo += at - point
    return MirrorStatus(True, rpo)


def _syncing(prep: Prepared, mirror_id: str, sync: tuple[float, float]) -> str:
    mirror = prep.mirrors[mirror_id]
    return (
        f"mirror {mirror.name} is synchronising ({clock(sync[0])} to {clock(sync[1])}, "
        f"{span(sync[1] - sync[0])}); its secondary is unusable until the sync completes"
    )
