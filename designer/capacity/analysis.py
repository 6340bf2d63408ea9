"""Capacity over every failure mode: the sweep, the worst modes, the report.

:func:`capacity` fails each element N-1 analysis sweeps (plus each DAG member server)
through the simulator, evaluates each settled state with :class:`CapacityEngine`, then
searches double and site-plus-one failures for member loads (:mod:`.search`), and
collects per link, member, ESXi host, log LUN and MirrorView/A mirror the normal and
the worst figures with the mode that causes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from itertools import combinations
from typing import Literal, TypeVar

from designer.capacity.engine import CapacityEngine, LinkKey, MemberLoad, ModeResult
from designer.capacity.modes import NORMAL, Mode, ModeKind
from designer.capacity.report import (
    CapacityReport,
    Deferred,
    LinkReport,
    MemberReport,
    MirrorReport,
    ModeLoad,
    ModeLoads,
)
from designer.capacity.rollup import DagCopies, copy_log_luns, host_reports, log_lun_reports
from designer.capacity.search import DagImpact, DagPredictor, dag_impacts
from designer.collector import collector_paused
from designer.domain.design import Design
from designer.simulation import Settled, Simulator, sweep_elements

__all__ = ["LARGE", "ProgressFn", "capacity", "copy_log_luns", "relevant_elements"]

_T = TypeVar("_T")

#: ``progress(done, total)``; return False to cancel (the report says it is partial).
ProgressFn = Callable[[int, int], bool]
ModeSet = Literal["normal", "all"]

#: At most this many candidate elements per DAG are paired (the heaviest first).
MAX_CANDIDATES_PER_DAG = 48
#: At most this many double and site-plus-one failures are simulated by default: those
#: predicted to add the most mailboxes to a member first.
MAX_COMBINED = 64
#: Designs above this many elements are sized with the cyclic garbage collector paused
#: (:mod:`designer.collector`): a sizing allocates hundreds of thousands of objects that
#: reference counting frees (states, streams, loads), yet they start hundreds of
#: collections, generation-2 ones over everything not frozen: ~11 % of a 25k sizing's
#: CPU, finding nothing to collect.
LARGE = 1000


def relevant_elements(sim: Simulator) -> tuple[list[str], int]:
    """The single failures worth sizing: what N-1 sweeps whose loss can change a
    replication stream or where a database is active, plus every DAG member server;
    and how many swept elements were left out because their loss changes neither
    (load balancers, CAS arrays, single storage processors, hosts and arrays that
    carry no Exchange server, replication endpoint or mirrored LUN)."""
    prep = sim.prep
    relevant_vms = set(prep.dbs_on_vm) | {m for d in prep.dags.values() for m in d.members}
    relevant_vms |= {vm for r in prep.host_repls.values() for vm in (r.source, r.target)}
    mirrored = {m.source_lun for m in prep.mirrors.values()} | {
        m.target_lun for m in prep.mirrors.values()
    }
    chosen: list[str] = []
    skipped = 0
    for element in sweep_elements(sim):
        if element in prep.hosts:
            keep = any(vm in relevant_vms for vm in prep.vms_on_host.get(element, ()))
        elif element in prep.arrays:
            keep = any(
                lun in mirrored or any(d.vm in relevant_vms for d in prep.disks_on_lun.get(lun, ()))
                for lun in prep.luns_of_array.get(element, ())
            )
        elif element in prep.sp_array or element in prep.lbs or element in prep.cas:
            keep = False
        else:
            keep = True
        if keep:
            chosen.append(element)
        else:
            skipped += 1
    # A DAG member server fails on its own too (the calculator's failure unit); when its
    # host runs no other member, the host's failure already is that (HA restarts the
    # VM, but its databases have moved), so only members sharing a host are added.
    members = sorted({m for d in prep.dags.values() for m in d.members if m in prep.vms})
    dag_vms = set(members)
    for m in members:
        host = prep.vms[m].host
        shared = sum(1 for vm in prep.vms_on_host.get(host, ()) if vm in dag_vms) > 1
        if shared or host not in chosen:
            chosen.append(m)
    return chosen, skipped


def _mode(sim: Simulator, kind: ModeKind, failed: tuple[str, ...]) -> Mode:
    prep = sim.prep
    names = []
    for element in failed:
        text = sim.describe(element)
        if element in prep.sites:
            names.append(f"loss of {text}")
        else:
            names.append(f"failure of {text}")
    label = names[0] if len(names) == 1 else f"{names[0]} and {names[1].split(' of ', 1)[1]}"
    if kind == "site_plus_one" and len(names) == 2:
        label = f"{names[0]} and {names[1]}"
    return Mode(kind, failed, label)


def capacity(
    design: Design | Simulator,
    *,
    modes: ModeSet = "all",
    progress: ProgressFn | None = None,
    engine: CapacityEngine | None = None,
    max_combined: int | None = MAX_COMBINED,
) -> CapacityReport:
    """The capacity report of a design: normal operation only (``modes="normal"``) or
    every failure mode the sweep reaches (``"all"``). ``max_combined`` caps the double
    and site-plus-one failures simulated (None: every one the search proposes).

    A design of more than :data:`LARGE` elements is sized with the cyclic collector
    paused (the window's :func:`~designer.capacity.shared.shared_sizing` pauses it
    around this too, and freezes the result)."""
    plain = design.design if isinstance(design, Simulator) else design
    with collector_paused() if len(plain.elements) > LARGE else nullcontext():
        sim = design if isinstance(design, Simulator) else Simulator(design)
        return _capacity(
            sim,
            modes=modes,
            progress=progress,
            engine=engine or CapacityEngine(sim),
            max_combined=max_combined,
        )


def _capacity(
    sim: Simulator,
    *,
    modes: ModeSet,
    progress: ProgressFn | None,
    engine: CapacityEngine,
    max_combined: int | None,
) -> CapacityReport:
    results: list[ModeResult] = [engine.normal]
    skipped = 0
    cancelled = False
    pairs_examined = 0
    pairs_simulated = 0
    truncated = False
    if modes == "all":
        singles, skipped = relevant_elements(sim)
        prep = sim.prep
        impacts: dict[str, dict[str, DagImpact]] = {}
        #: Each single failure's placement: a site loss plus one goes on from the site's,
        #: a double failure is placed beside the failure that moved more databases.
        single_states: dict[str, Settled] = {}
        total = len(singles)
        for done, element in enumerate(singles, start=1):
            # Where each database goes is all the sizing reads: the simulator's placement
            # (its settled state without texts, RPO, routes or actions).
            settled = sim.placement([element])
            single_states[element] = settled
            kind: ModeKind = "site" if element in prep.sites else "single"
            results.append(engine.evaluate(_mode(sim, kind, (element,)), settled))
            impacts[element] = dag_impacts(prep, settled)
            if progress is not None and not progress(done, total + 1):
                cancelled = True
                break
        if not cancelled and (max_combined is None or max_combined > 0):
            extra, pairs_examined, truncated = _combined_modes(sim, engine, singles, impacts)
            if max_combined is not None and len(extra) > max_combined:
                extra, truncated = extra[:max_combined], True
            pairs_simulated = len(extra)
            for mode in extra:
                if progress is not None and not progress(total, total + 1):
                    cancelled = True  # asked between two modes: the rest is not evaluated
                    break
                if mode.kind == "site_plus_one":
                    # A site loss plus one goes on from the site's state (the second
                    # failure as a second step at time 0): the site is not settled again.
                    state = sim.placement(mode.failed, after=single_states[mode.failed[0]])
                else:
                    # Both at once; only what the lighter failure changes is placed
                    # again beside the heavier one's placement.
                    known = [single_states[e] for e in mode.failed if e in single_states]
                    heavier = max(known, key=lambda st: len(st.databases), default=None)
                    state = sim.placement(mode.failed, beside=heavier)
                results.append(engine.evaluate(mode, state, members_only=True))
            if progress is not None and not cancelled:
                progress(total + 1, total + 1)
    return _report(
        sim,
        engine,
        results,
        modes=modes,
        skipped=skipped,
        cancelled=cancelled,
        pairs_examined=pairs_examined,
        pairs_simulated=pairs_simulated,
        truncated=truncated,
    )


def _combined_modes(
    sim: Simulator,
    engine: CapacityEngine,
    singles: list[str],
    impacts: dict[str, dict[str, DagImpact]],
) -> tuple[list[Mode], int, bool]:
    """The double and site-plus-one failures predicted to load some member most."""
    prep = sim.prep
    active = engine.base_active
    wanted: dict[tuple[str, ...], tuple[ModeKind, int]] = {}
    examined = 0
    truncated = False
    loads = engine.workload.loads()
    #: Site → its hosts (a site loss plus one of its own hosts is not a pair).
    hosts_of: dict[str, frozenset[str]] = {}
    for dag_id in sorted(prep.dags):
        hits = [(e, impacts[e][dag_id]) for e in singles if dag_id in impacts.get(e, {})]
        # The predictor's databases in classes that these failures cannot tell apart
        # (see ``DagPredictor``); the pairs are chosen by the failures as they are and
        # scored with their classes' lost copies.
        predictor = DagPredictor(prep, dag_id, active, loads, [i for _e, i in hits])
        scored = dict(zip(map(id, (i for _e, i in hits)), predictor.classed, strict=True))
        sites = [(e, i) for e, i in hits if e in prep.sites and not i.quorum_lost]
        others: list[tuple[str, DagImpact]] = []
        seen: set[object] = set()
        for element, impact in hits:
            if element in prep.sites or impact.quorum_lost or impact.signature in seen:
                continue
            seen.add(impact.signature)
            others.append((element, impact))
        if len(others) > MAX_CANDIDATES_PER_DAG:
            truncated = True
            others.sort(key=lambda ei: (-len(ei[1].unusable) - len(ei[1].lost), ei[0]))
            others = sorted(others[:MAX_CANDIDATES_PER_DAG])
        best: dict[tuple[ModeKind, str], tuple[int, tuple[str, ...]]] = {}
        doubles = [
            ((a, b), scored[id(ia)], scored[id(ib)]) for (a, ia), (b, ib) in combinations(others, 2)
        ]
        examined += len(doubles)
        predictor.consider(best, "double", doubles)
        plus_one: list[tuple[tuple[str, ...], DagImpact, DagImpact]] = []
        for site, isite in sites:
            hosts_in = hosts_of.get(site)
            if hosts_in is None:
                hosts_in = hosts_of[site] = frozenset(prep.in_site.get(site, {}).get("hosts", ()))
            for element, impact in others:
                if impact.unusable <= isite.unusable and impact.lost_within(isite):
                    continue
                if prep.vm_site.get(element) == site or element in hosts_in:
                    continue
                plus_one.append(((site, element), scored[id(isite)], scored[id(impact)]))
        examined += len(plus_one)
        predictor.consider(best, "site_plus_one", plus_one)
        for (kind, member), (load, failed) in sorted(best.items()):
            key = tuple(sorted(failed)) if kind == "double" else failed
            excess = load - predictor.base.get(member, 0)
            if key not in wanted or excess > wanted[key][1]:
                wanted[key] = (kind, excess)
    ordered = sorted(wanted.items(), key=lambda kv: (-kv[1][1], kv[1][0], kv[0]))
    modes = [_mode(sim, kind, failed) for failed, (kind, _excess) in ordered]
    return modes, examined, truncated


# -- the report ---------------------------------------------------------------------------
def _report(
    sim: Simulator,
    engine: CapacityEngine,
    results: list[ModeResult],
    *,
    modes: ModeSet,
    skipped: int,
    cancelled: bool,
    pairs_examined: int,
    pairs_simulated: int,
    truncated: bool,
) -> CapacityReport:
    prep = sim.prep
    normal = results[0]
    link_kinds: tuple[ModeKind, ...] = ("single", "site")
    failures = results[1:]
    # Only single failures and site losses can be a link's worst (the search's modes
    # have no link figures); each link's figures in every mode are listed when read.
    judged = [r for r in failures if r.links and r.mode.kind in link_kinds]
    figures_of_modes = [(r.mode, r.links) for r in failures if r.links]
    links: list[LinkReport] = []
    for link_id in sorted(prep.links):
        link = prep.links[link_id]
        a_key: LinkKey = (link_id, "a_to_b")
        b_key: LinkKey = (link_id, "b_to_a")
        fig_a = normal.links[a_key]
        fig_b = normal.links[b_key]
        worst: ModeResult | None = None
        worst_util = max(fig_a.utilisation, fig_b.utilisation)
        for result in judged:
            figures = result.links
            a = figures[a_key]
            b = figures[b_key]
            if a is fig_a and b is fig_b:
                continue  # normal operation's own figures (the mode left the link be)
            util = max(a.utilisation, b.utilisation)
            if util > worst_util + 1e-12:
                worst, worst_util = result, util
        links.append(
            LinkReport(
                link,
                ModeLoad(NORMAL, fig_a, fig_b),
                ModeLoad(worst.mode, worst.links[a_key], worst.links[b_key])
                if worst is not None
                else (ModeLoad(NORMAL, fig_a, fig_b) if modes == "all" else None),
                ModeLoads(link_id, figures_of_modes),
                normal.loads if normal.loads is not None else {},  # (not summed now)
            )
        )
    members = _members(engine, results)
    # The JSON and the text read the hosts, the window and the rules do not: built when
    # first read.
    large = len(sim.design.elements) > LARGE
    hosts = Deferred(_as_sized(partial(host_reports, prep, engine.base_members, results), large))
    mirrors = _mirrors(engine, results, modes)
    return CapacityReport(
        design=sim.design,
        figures=engine.figures,
        modes=modes,
        links=links,
        members=members,
        hosts=hosts,
        # Normal operation's only, the same in every mode: built when first read.
        log_luns=Deferred(
            _as_sized(
                partial(log_lun_reports, prep, None, DagCopies.of(engine.flows)),
                large,
            )
        ),
        mirrors=mirrors,
        evaluated=[r.mode for r in results],
        skipped_elements=skipped,
        cancelled=cancelled,
        pairs_examined=pairs_examined,
        pairs_simulated=pairs_simulated,
        truncated=truncated,
        workload_notes=_workload_notes(engine),
    )


def _as_sized(build: Callable[[], list[_T]], large: bool) -> Callable[[], list[_T]]:
    """A deferred report part built as the sizing would have built it: with the cyclic
    collector paused on a large design (16,000 copies' tuples and lists at 25k start
    ~40 collections otherwise)."""
    if not large:
        return build

    def paused() -> list[_T]:
        with collector_paused():
            return build()

    return paused


def _members(engine: CapacityEngine, results: list[ModeResult]) -> list[MemberReport]:
    """Each member's worst mode per kind: the first mode of the kind with the heaviest
    load, normal operation when none is heavier than it. A mode that leaves a member as
    in normal operation (absent from its ``members``) cannot be heavier than normal, so
    only the members each mode changed are read."""
    prep = engine.prep
    kinds: dict[ModeKind, None] = {}  # in the order they first come
    worst: dict[str, dict[ModeKind, tuple[Mode, MemberLoad]]] = defaultdict(dict)
    for result in results[1:]:
        kind = result.mode.kind
        kinds[kind] = None
        for member, load in result.members.items():
            per_kind = worst[member]
            current = per_kind.get(kind)
            if current is None or load.rank > current[1].rank:
                per_kind[kind] = (result.mode, load)
    members: list[MemberReport] = []
    for member in engine.members:
        base = engine.base_members[member]
        found = worst.get(member, {})
        worst_by_kind: dict[ModeKind, tuple[Mode, MemberLoad]] = {}
        for kind in kinds:
            pick = found.get(kind)
            worst_by_kind[kind] = (
                pick
                if pick is not None and pick[1].rank > base.rank
                else (
                    NORMAL,
                    base,
                )
            )
        members.append(MemberReport(prep.vms[member], base, worst_by_kind))
    return members


def _mirrors(
    engine: CapacityEngine, results: list[ModeResult], modes: ModeSet
) -> list[MirrorReport]:
    found: list[MirrorReport] = []
    for mirror_id in engine.async_mirrors():
        normal = results[0].async_rpo.get(mirror_id)
        worst: tuple[Mode, float] | None = (
            (NORMAL, normal) if normal is not None and modes == "all" else None
        )
        for result in results[1:]:
            if result.mode.kind not in ("single", "site"):
                continue
            rpo = result.async_rpo.get(mirror_id)
            if rpo is None:
                continue
            if worst is None or rpo > worst[1] + 1e-9:
                worst = (result.mode, rpo)
        found.append(MirrorReport(engine.prep.mirrors[mirror_id], normal, worst))
    return found


def _workload_notes(engine: CapacityEngine) -> list[str]:
    notes: list[str] = []
    prep = engine.prep
    dbs, loads, database = prep.dbs, engine.workload.loads(), engine.workload.database
    # The (few) databases without a profile found first, then sorted: not the 4,000 ids.
    unsized = [
        dbs[d].name
        for d in sorted(
            [
                d
                for d in engine.cost
                if (loads.get(d) or database(d)).profile is None and dbs[d].mailboxes
            ]
        )
    ]
    if unsized:
        shown = ", ".join(unsized[:5]) + (
            f" and {len(unsized) - 5} more" if len(unsized) > 5 else ""
        )
        notes.append(
            f"no mailbox profile applies to {shown}: their CPU and memory are not sized "
            "(state a profile on the database, its DAG, its users' site or the design)"
        )
    return notes
