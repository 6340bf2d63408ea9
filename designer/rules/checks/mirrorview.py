"""MirrorView rules on CLARiiON (MV…): limits, supported models, distance, latency, RPO.

Every limit and guideline comes from ``resources/catalog/clariion_mirrorview.json``
(002 Tables 2 and 3 and its MirrorView sections) through :mod:`designer.catalog`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache

from designer.catalog import MirrorLimits, clariion, mirror_limits, model_family
from designer.domain.design import Severity
from designer.domain.elements import (
    ConsistencyGroup,
    Mirror,
    Site,
    StorageArray,
    WanLink,
)
from designer.domain.enums import ArrayModel, MirrorMode, Protocol, RecoveryPolicy
from designer.domain.index import DesignIndex
from designer.domain.words import word_for
from designer.rules.checks._replication import (
    consistency_group_arrays,
    listing,
    mirror_ends,
    srm_scope,
)
from designer.rules.checks.capacity import capacity_facts
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import EVERYTHING, rule
from designer.workload.latency import holds_logs, sync_log_write

__all__ = [
    "async_rpo_over_target",
    "cgs_per_array_over_limit",
    "mirror_link",
    "mirror_policy_not_recommended",
    "mirrored_pairs_over_limit",
    "mirrors_per_cg_over_limit",
    "no_snapview_on_recovery_array",
    "sync_latency_over_limit",
    "sync_over_distance",
    "unsupported_model_or_protocol",
]

#: Megabits in a (decimal) gigabyte: change rates are GB, link bandwidths Mbit/s.
_MBIT_PER_GB = 8_000.0


def _label(mode: MirrorMode) -> str:
    return "MirrorView/S" if mode is MirrorMode.SYNC else "MirrorView/A"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@cache
def _limits(model: str, mode: MirrorMode) -> MirrorLimits | None:
    return mirror_limits(model, mode)


def mirror_link(index: DesignIndex, mirror: Mirror) -> WanLink | None:
    """The WAN link ``mirror`` crosses: its ``wan_link``, else the direct link between
    its arrays' sites (None when there is none or both arrays share a site).

    Examples
    --------
    >>> from designer.domain import Design
    >>> mirror_link(DesignIndex(Design()), Mirror(id="m", name="m", source_lun="a",
    ...                                          target_lun="b")) is None
    True
    """
    end = mirror_ends(index).get(mirror.id)
    return end.link if end is not None else None


def _tightest(
    arrays: Iterable[StorageArray], mode: MirrorMode, attribute: str
) -> tuple[StorageArray, MirrorLimits] | None:
    best: tuple[StorageArray, MirrorLimits] | None = None
    for array in arrays:
        limits = _limits(str(array.model), mode)
        if limits is None:
            continue
        if best is None or getattr(limits, attribute) < getattr(best[1], attribute):
            best = (array, limits)
    return best


# -- limits (002 Tables 2, 3) --------------------------------------------------------
@rule(
    code="MV001",
    name="consistency-group-over-model-limit",
    severity=Severity.ERROR,
    source="002 Tables 2, 3",
    reads=("consistency_group", "mirror", "wan_link"),
    follows=("lun", "storage_array"),
)
def mirrors_per_cg_over_limit(ctx: RuleContext) -> Iterator[Finding]:
    """A consistency group holds more mirrors than the array model allows.

    What it checks
    --------------
    The number of mirrors in each consistency group against the "maximum LUNs per
    consistency group" of its mode (S or A) on the models of the arrays it joins; the
    tighter limit counts.

    Why
    ---
    MirrorView refuses to add a mirror beyond the model's limit, so the design as drawn
    cannot be built; the storage group's LUNs would end up in several groups and lose
    their common fracture point.

    Fix
    ---
    Split the mirrors over more consistency groups (keeping each storage group's
    database and log LUNs together), or use a model with a higher limit.

    Source
    ------
    002 Table 2 (MirrorView/S) and Table 3 (MirrorView/A), "Maximum LUNs per
    consistency group".
    """
    index = ctx.index
    cg_arrays = consistency_group_arrays(index)
    for cg in index.of("consistency_group", ConsistencyGroup):
        mirror_ids = list(dict.fromkeys(cg.mirrors))
        arrays = cg_arrays.get(cg.id, {})
        tightest = _tightest(arrays.values(), cg.mode, "max_luns_per_cg")
        if tightest is None:
            continue
        array, limits = tightest
        if len(mirror_ids) > limits.max_luns_per_cg:
            yield ctx.finding(
                f"consistency group {cg.name} holds {len(mirror_ids)} mirrors; "
                f"{limits.model} {limits.mode_label} allows {limits.max_luns_per_cg}",
                [cg, array],
            )


@rule(
    code="MV002",
    name="consistency-groups-per-array-over-limit",
    severity=Severity.ERROR,
    source="002 Tables 2, 3",
    reads=("consistency_group", "mirror", "wan_link"),
    follows=("lun", "storage_array"),
)
def cgs_per_array_over_limit(ctx: RuleContext) -> Iterator[Finding]:
    """An array takes part in more consistency groups than its model allows.

    What it checks
    --------------
    For each array and mode, the consistency groups with a mirror whose source or target
    LUN is on the array (a group exists on both of its arrays), against the model's
    "maximum consistency groups per array".

    Why
    ---
    The array cannot hold more groups; the surplus mirrors would have to stay outside a
    consistency group, which SRM does not manage (SRM002).

    Fix
    ---
    Merge small consistency groups (within MV001's limit), spread the mirrors over more
    arrays, or use a model with a higher limit.

    Source
    ------
    002 Table 2 (MirrorView/S) and Table 3 (MirrorView/A), "Maximum consistency groups
    per array".
    """
    index = ctx.index
    cg_arrays = consistency_group_arrays(index)
    counts: Counter[tuple[str, MirrorMode]] = Counter()
    for cg in index.of("consistency_group", ConsistencyGroup):
        for array_id in cg_arrays.get(cg.id, ()):
            counts[(array_id, cg.mode)] += 1
    yield from _over_array_limit(ctx, counts, "max_cgs_per_array", "consistency groups")


@rule(
    code="MV003",
    name="mirrored-pairs-per-array-over-limit",
    severity=Severity.ERROR,
    source="002 Tables 2, 3",
    reads=("mirror", "wan_link"),
    follows=("lun", "storage_array"),
)
def mirrored_pairs_over_limit(ctx: RuleContext) -> Iterator[Finding]:
    """An array holds more mirrored pairs than its model allows.

    What it checks
    --------------
    For each array and mode, the mirrors with their source or target LUN on the array,
    against the model's "max mirrored pairs" (for /S: with write intent log support).

    Why
    ---
    MirrorView cannot create the surplus mirrors on that model: those LUNs would not be
    replicated and the recovery site would miss their data.

    Fix
    ---
    Move some mirrored LUNs to another array pair, or use a model with a higher limit.

    Source
    ------
    002 Table 2 (MirrorView/S) and Table 3 (MirrorView/A), "Max mirrored pairs".
    """
    counts: Counter[tuple[str, MirrorMode]] = Counter()
    for end in mirror_ends(ctx.index).values():
        mode, src, dst = end.mirror.mode, end.source_array, end.target_array
        if src is not None:
            counts[(src.id, mode)] += 1
        if dst is not None and dst is not src:
            counts[(dst.id, mode)] += 1
    yield from _over_array_limit(ctx, counts, "max_mirrored_pairs", "mirrored pairs")


def _over_array_limit(
    ctx: RuleContext, counts: Counter[tuple[str, MirrorMode]], attribute: str, what: str
) -> Iterator[Finding]:
    for (array_id, mode), count in counts.items():
        array = ctx.index.typed(array_id, StorageArray)
        limits = _limits(str(array.model), mode) if array else None
        if array is None or limits is None:
            continue
        allowed = getattr(limits, attribute)
        if count > allowed:
            yield ctx.finding(
                f"storage array {array.name} holds {count} {limits.mode_label} {what}; "
                f"{limits.model} allows {allowed}",
                [array],
            )


# -- support ---------------------------------------------------------------------------
@rule(
    code="MV004",
    name="unsupported-model-or-protocol",
    severity=Severity.ERROR,
    source="002",
    reads=("mirror", "wan_link"),
    follows=("lun", "storage_array"),
)
def unsupported_model_or_protocol(ctx: RuleContext) -> Iterator[Finding]:
    """An array in a mirror has a model, protocol or FLARE release SRM with MirrorView lacks.

    What it checks
    --------------
    Every CLARiiON array holding a mirror's source or target: the model must be one SRM
    with MirrorView supports (the AX4-5 only as the fibre AX4-5F), iSCSI mirroring needs
    a model that mirrors over iSCSI (CX3 combo "c" models, CX4), and a CX3 needs FLARE
    26 or later. Generic arrays are not judged.

    Why
    ---
    Outside these models and releases the MirrorView adapter for SRM is not supported:
    discovery, test failover or failover may not work, and EMC will not support it.

    Fix
    ---
    Use a supported model (AX4-5F, CX3 with FLARE 26+, a "c" model for iSCSI, or a CX4),
    mirror over Fibre Channel, or upgrade FLARE.

    Source
    ------
    002 "CLARiiON model considerations" and Table 1.
    """
    index = ctx.index
    support = clariion()["support"]
    models = set(support["mirrorview_models"])
    iscsi_models = support["iscsi_mirroring_models"]
    min_flare: dict[str, int] = support["min_flare_release"]
    mirrored: dict[str, StorageArray] = {}
    for end in mirror_ends(index).values():
        for array in end.arrays:
            mirrored.setdefault(array.id, array)
    for array in mirrored.values():
        model = str(array.model)
        if array.model is ArrayModel.GENERIC:
            continue
        if model not in models:
            yield ctx.finding(
                f"storage array {array.name} model {model} is not supported for MirrorView "
                f"with SRM; supported: {listing(sorted(models), limit=len(models))}",
                [array],
            )
        elif array.protocol is Protocol.ISCSI and model not in iscsi_models:
            yield ctx.finding(
                f"storage array {array.name} mirrors over iSCSI on a {model}; iSCSI "
                f"mirroring needs {listing(iscsi_models, limit=len(iscsi_models))}",
                [array],
            )
        family = model_family(model)
        needed = min_flare.get(family)
        flare = array.flare_release
        if needed is not None and flare is not None and flare < needed:
            yield ctx.finding(
                f"storage array {array.name} ({model}) runs FLARE {array.flare_release}; "
                f"{family} MirrorView with SRM needs {needed} or later",
                [array],
            )


# -- distance and latency (MirrorView/S) -------------------------------------------
@rule(
    code="MV005",
    name="sync-mirror-over-distance",
    severity=Severity.WARNING,
    source="002",
    reads=("mirror", "wan_link"),
    follows=("lun", "storage_array"),
)
def sync_over_distance(ctx: RuleContext) -> Iterator[Finding]:
    """MirrorView/S runs over 100 km or more.

    What it checks
    --------------
    The distance of the WAN link each MirrorView/S mirror crosses (its ``wan_link``, or
    the direct link between its arrays' sites) against the recommended maximum
    (``sync_max_distance_km``); findings are grouped by link. A link that states no
    distance (a new one) is named too: the recommendation cannot be judged without it.

    Why
    ---
    Each synchronous write waits for the remote array, so latency grows with distance;
    EMC recommends less than 100 km between synchronously mirrored sites for Exchange.

    Fix
    ---
    Choose a closer recovery site, or mirror these LUNs with MirrorView/A; state the
    link's distance where it is not set.

    Source
    ------
    002 "MirrorView/S considerations".
    """
    index = ctx.index
    limit = clariion()["guidelines"]["sync_max_distance_km"]
    by_link: dict[str, tuple[WanLink, list[Mirror]]] = {}
    for end in mirror_ends(index).values():
        link = end.link
        if (
            end.mirror.mode is MirrorMode.SYNC
            and link is not None
            and (link.distance_km is None or link.distance_km >= limit)
        ):
            by_link.setdefault(link.id, (link, []))[1].append(end.mirror)
    for link, mirrors in by_link.values():
        carries = (
            f"WAN link {link.name} carries {len(mirrors)} MirrorView/S "
            f"{word_for(len(mirrors), 'mirror')}"
        )
        if link.distance_km is None:
            yield ctx.finding(
                f"{carries} and states no distance; EMC recommends less than {limit} km: "
                "set its distance",
                [link, *mirrors],
                fix_field="distance_km",
            )
            continue
        yield ctx.finding(
            f"{carries} over {_fmt(link.distance_km)} km; EMC recommends less than {limit} km",
            [link, *mirrors],
        )


@rule(
    code="MV006",
    name="sync-mirror-log-latency",
    severity=Severity.WARNING,
    source="002",
    reads=("mirror", "virtual_disk", "wan_link"),
    follows=("lun", "storage_array"),
)
def sync_latency_over_limit(ctx: RuleContext) -> Iterator[Finding]:
    """Synchronous mirroring pushes the estimated log-write latency over Exchange's limit.

    What it checks
    --------------
    For each MirrorView/S mirror whose source LUN holds Exchange logs (a ``logs`` disk,
    or a ``database`` disk of a database with no separate logs disk on that VM: logs
    kept with the database), the estimated average log-write latency: the local
    log-write latency plus one WAN round trip per write (``sync_latency_model`` in the
    catalog), against 10 ms average (``log_write_latency_avg_ms``), and against the
    40 ms maximum (``latency_max_ms``): every synchronous write waits the round trip,
    so the estimate is also about the least a log write takes, and at 40 ms or more no
    log write stays under the maximum (the finding says so). Findings are grouped by
    link. Database reads are served by the local array and gain no mirroring latency,
    so their limits (20 ms average, 40 ms maximum) are not affected; the model has no
    spread of latencies, so a maximum under an average within its limit is not
    estimated.

    Why
    ---
    A synchronous write completes only when the remote array has stored it, so every
    Exchange log write pays the link's round trip; Microsoft's guideline asks for 10 ms
    average log writes and less than 40 ms at most, and slower log writes stall the
    database.

    Fix
    ---
    Choose a closer recovery site or a lower-latency link, improve the local response
    time first, or mirror the log LUNs with MirrorView/A.

    Source
    ------
    002 "Latency" ("20 milliseconds average for database reads (< 40 ms max)", "10
    milliseconds average for log writes (< 40 ms max)") and "MirrorView/S considerations"
    (each write waits for the remote array's acknowledgement).
    """
    index = ctx.index
    slow = {
        link.id: latency
        for link in index.of("wan_link", WanLink)
        if (latency := sync_log_write(link.rtt_ms)).over
    }
    if not slow:
        return
    by_link: dict[str, tuple[WanLink, list[Mirror]]] = {}
    for end in mirror_ends(index).values():
        link, mirror = end.link, end.mirror
        if (
            link is not None
            and link.id in slow
            and mirror.mode is MirrorMode.SYNC
            and holds_logs(index, mirror.source_lun)
        ):
            by_link.setdefault(link.id, (link, []))[1].append(mirror)
    for link, mirrors in by_link.values():
        yield ctx.finding(slow[link.id].words(link.name, len(mirrors)), [link, *mirrors])


# -- RPO (MirrorView/A) ---------------------------------------------------------------
@rule(
    code="MV007",
    name="async-rpo-over-target",
    severity=Severity.ERROR,
    source="002",
    reads=EVERYTHING,  # the capacity sizing reads the whole design
)
def async_rpo_over_target(ctx: RuleContext) -> Iterator[Finding]:
    """MirrorView/A cannot meet the design's RPO target.

    What it checks
    --------------
    For each MirrorView/A mirror: RPO = update interval + transfer time, where the
    transfer time is one interval's changes of the source site
    (``change_rate_gb_per_hour`` × interval) over the bandwidth of the link the mirror
    crosses (its ``wan_link`` or the direct link). The RPO must not exceed the design's
    ``rpo_target_min``; a transfer time as long as the interval means the link cannot
    keep up at all. Findings are grouped by site, link and interval; each group is
    charged the site's whole change rate (conservative when a site's mirrors are spread
    over several links). When the design states its capacity workload (a mailbox
    profile, or an array or LUN change rate), the transfer comes from the capacity
    figures instead: each source LUN's change rate, over what the link's steady streams
    (DAG log shipping, MirrorView/S, Double-Take at the busiest hour) leave of it.

    Why
    ---
    MirrorView/A's RPO "is the update frequency plus the time the update takes to finish
    replicating the changes" (30 min + 15 min = 45 min in 002); the frequency the
    environment can sustain depends on the bandwidth and the change rate.

    Fix
    ---
    Shorten the update interval (if the link keeps up), add bandwidth, or use
    MirrorView/S over a short distance.

    Source
    ------
    002 "MirrorView/A considerations".
    """
    index = ctx.index
    target = ctx.design.intent.rpo_target_min
    facts = capacity_facts(ctx)
    shared = (
        {m.mirror.id: m.normal_rpo_s for m in facts.report.mirrors if m.normal_rpo_s is not None}
        if facts is not None
        else {}
    )
    groups: dict[tuple[str, str, float], tuple[WanLink | None, list[Mirror]]] = {}
    for end in mirror_ends(index).values():
        mirror, link = end.mirror, end.link
        if mirror.mode is not MirrorMode.ASYNC:
            continue
        key = (end.source_site or "", link.id if link else "", mirror.update_interval_min)
        groups.setdefault(key, (link, []))[1].append(mirror)
    for (site_id, _, interval), (link, mirrors) in groups.items():
        site = index.typed(site_id, Site)
        transfer = 0.0
        if site is not None and link is not None:
            changed_gb = site.change_rate_gb_per_hour * interval / 60.0
            transfer = changed_gb * _MBIT_PER_GB / link.bandwidth_mbps / 60.0
        from_share = [shared[m.id] for m in mirrors if m.id in shared]
        if from_share:
            transfer = max(from_share) / 60.0 - interval
        rpo = interval + transfer
        subject = (
            f"MirrorView/A {word_for(len(mirrors), 'mirror')} {listing(m.name for m in mirrors)}"
            + (f" from site {site.name}" if site else "")
            + (f" over WAN link {link.name}" if link else "")
        )
        refs = [*mirrors, *([link] if link else []), *([site] if site else [])]
        if math.isinf(transfer):
            yield ctx.finding(
                f"{subject} cannot keep up: the link's steady replication streams leave "
                "nothing for its updates",
                refs,
            )
        elif transfer >= interval:
            yield ctx.finding(
                f"{subject} cannot keep up: one update interval's changes take "
                f"{_fmt(transfer)} min to send; the interval is {_fmt(interval)} min",
                refs,
            )
        elif rpo > target:
            yield ctx.finding(
                f"{subject} {'reaches' if len(mirrors) == 1 else 'reach'} an RPO of "
                f"{_fmt(rpo)} min ({_fmt(interval)} min updates "
                f"+ {_fmt(transfer)} min transfer); the design's target is {_fmt(target)} min",
                refs,
            )


# -- configuration --------------------------------------------------------------------
@rule(
    code="MV008",
    name="mirror-policy-not-recommended",
    severity=Severity.WARNING,
    source="002",
    reads=("mirror",),
)
def mirror_policy_not_recommended(ctx: RuleContext) -> Iterator[Finding]:
    """A mirror lacks the write intent log (/S) or has an automatic recovery policy.

    What it checks
    --------------
    Every MirrorView/S mirror must use the write intent log; every mirror's recovery
    policy must be Manual.

    Why
    ---
    The write intent log keeps a persistent record of mirrored writes, so a power outage
    or the loss of a storage processor needs a partial, not a full, resynchronisation.
    A Manual recovery policy lets the administrator copy the secondary (the most recent
    good replica) before a full resynchronisation overwrites it.

    Fix
    ---
    Enable the write intent log on the mirror; set its recovery policy to Manual.

    Source
    ------
    002 "Write intent log", "Other MirrorView guidelines" and "Loss of the mirrored link".
    """
    for mirror in ctx.index.of("mirror", Mirror):
        if mirror.mode is MirrorMode.SYNC and not mirror.write_intent_log:
            yield ctx.finding(
                f"MirrorView/S mirror {mirror.name} runs without the write intent log",
                [mirror],
                fix_field="write_intent_log",
            )
        if mirror.recovery_policy is not RecoveryPolicy.MANUAL:
            yield ctx.finding(
                f"{_label(mirror.mode)} mirror {mirror.name} has recovery policy "
                f"{mirror.recovery_policy.value}; 002 recommends manual",
                [mirror],
                fix_field="recovery_policy",
            )


@rule(
    code="MV009",
    name="no-snapview-on-recovery-array",
    severity=Severity.WARNING,
    source="002",
    reads=("mirror", "protection_group", "wan_link"),
    follows=("consistency_group", "lun", "storage_array"),
)
def no_snapview_on_recovery_array(ctx: RuleContext) -> Iterator[Finding]:
    """The recovery array of SRM-protected mirrors has no SnapView for test failover.

    What it checks
    --------------
    Every CLARiiON array holding the target LUN of a mirror in a protection group's
    consistency group must have SnapView (``snapview``).

    Why
    ---
    An SRM test failover starts a snap session on each mirrored target LUN and mounts
    the snapshots at the recovery site; without SnapView the test cannot run, and
    recovery readiness can be proven only by a real failover (and a full resync).

    Fix
    ---
    License and enable SnapView on the recovery array.

    Source
    ------
    002 Table 1 (storage "with MirrorView and SnapView") and "Testing failover".
    """
    index = ctx.index
    targets: dict[str, list[str]] = {}
    pgs: dict[str, dict[str, str]] = {}
    ends = mirror_ends(index)
    arrays: dict[str, StorageArray] = {}
    for mirror_id, pg in srm_scope(index).mirrors.items():
        end = ends.get(mirror_id)
        array = end.target_array if end is not None else None
        if array is None or array.snapview:
            continue
        arrays[array.id] = array
        targets.setdefault(array.id, []).append(mirror_id)
        pgs.setdefault(array.id, {})[pg.id] = pg.name
    for array_id, mirror_ids in targets.items():
        array = arrays[array_id]
        groups = pgs[array_id]
        yield ctx.finding(
            f"storage array {array.name}, recovery array of protection group "
            f"{listing(groups.values())}, lacks SnapView; SRM test failover needs snap "
            f"sessions of its {len(mirror_ids)} mirror {word_for(len(mirror_ids), 'target')}",
            [array, *groups],
            fix_field="snapview",
        )
