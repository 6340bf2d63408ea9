"""Capacity rules (CAP…): links, servers and log LUNs against the workload they carry.

They read one capacity report per checked design (:mod:`designer.capacity`: every
failure mode through the simulator), computed only when the design states its workload
(a mailbox profile, or an array or LUN change rate): a design that gives no figures is
not judged on them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from designer.domain.design import Severity
from designer.domain.elements import MailboxDatabase
from designer.domain.index import DesignIndex
from designer.domain.words import natural_key
from designer.rules.checks._replication import counted, listing
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import EVERYTHING, rule
from designer.workload import KIND_LABELS, states_workload

if TYPE_CHECKING:  # the simulator is imported only for designs that state a workload
    from designer.capacity import CapacityEngine, CapacityReport
    from designer.capacity.report import LinkReport, ModeLoad

__all__ = [
    "capacity_facts",
    "database_without_mailboxes",
    "link_over_budget_in_failure",
    "link_over_budget_normal",
    "log_lun_fills_before_rto",
    "member_over_sizing",
    "unbalanced_copy_layout",
]


class Unbalanced:
    """A member whose failure sends most of its active databases to one member.

    This and :class:`CapacityFacts` are plain classes with slots (not dataclasses:
    ~0.8 M instructions of every ``check``, issue 10); never compared or printed."""

    __slots__ = ("candidates", "member", "mode", "moved", "target", "total")

    def __init__(
        self,
        member: str,
        target: str,
        moved: int,
        total: int,
        candidates: tuple[str, ...],
        mode: str,
    ) -> None:
        self.member = member
        self.target = target
        self.moved = moved
        self.total = total
        self.candidates = candidates
        self.mode = mode


class CapacityFacts:
    """What the CAP rules (and MV007) read, computed once per checked design."""

    __slots__ = ("report", "unbalanced")

    def __init__(self, report: CapacityReport, unbalanced: list[Unbalanced] | None = None) -> None:
        self.report = report
        self.unbalanced: list[Unbalanced] = [] if unbalanced is None else unbalanced


_FACTS: WeakKeyDictionary[DesignIndex, CapacityFacts | None] = WeakKeyDictionary()


def capacity_facts(ctx: RuleContext) -> CapacityFacts | None:
    """The capacity report of the checked design, or None when it states no workload."""
    if ctx.index in _FACTS:
        return _FACTS[ctx.index]
    facts: CapacityFacts | None = None
    if states_workload(ctx.design, ctx.index):  # the index: at C speed, no pass over all
        # The same sizing the Capacity dock shows for this design (computed once).
        from designer.capacity.shared import SizingStopped, shared_sizing

        try:
            sizing = shared_sizing(ctx.design)
        except SizingStopped:
            return None  # its window is going: the check's findings are dropped (not kept)
        facts = CapacityFacts(sizing.report, _unbalanced(sizing.engine))
    _FACTS[ctx.index] = facts
    return facts


def _unbalanced(engine: CapacityEngine) -> list[Unbalanced]:
    """Members whose failure sends more than half of their active databases (and more
    than an even share) to one other member although two or more members in their site
    hold copies of them."""
    sim, prep = engine.sim, engine.prep
    found: list[Unbalanced] = []
    for member in engine.members:
        actives = [
            db_id
            for db_id in sorted(engine.cost)
            if engine.baseline[db_id].status == "active"
            and engine.baseline[db_id].active_on == member
        ]
        if len(actives) < 2:
            continue
        site = prep.vm_site.get(member)
        candidates = sorted(
            {
                c.member
                for db_id in actives
                for c in prep.dbs[db_id].copies
                if c.member != member
                and not c.replay_lag_days
                and prep.vm_site.get(c.member) == site
            }
        )
        if len(candidates) < 2:
            continue
        settled = sim.settled([member])
        went = Counter(on for db_id in actives if (on := settled.active_on(db_id)) is not None)
        if not went:
            continue
        target, moved = went.most_common(1)[0]
        even = math.ceil(len(actives) / len(candidates))
        if moved * 2 > len(actives) and moved > even:
            found.append(
                Unbalanced(
                    member, target, moved, len(actives), tuple(candidates), sim.describe(member)
                )
            )
    return found


def _site_names(ctx: RuleContext, report: LinkReport) -> tuple[str, str]:
    a = ctx.index.get(report.link.site_a)
    b = ctx.index.get(report.link.site_b)
    return (a.name if a else report.link.site_a, b.name if b else report.link.site_b)


def _over(ctx: RuleContext, report: LinkReport, load: ModeLoad) -> list[tuple[str, float, str]]:
    """(direction text, Mbit/s, what it is made of) of each direction over budget."""
    a, b = _site_names(ctx, report)
    out: list[tuple[str, float, str]] = []
    for way, fig in (("a_to_b", load.a_to_b), ("b_to_a", load.b_to_a)):
        if fig.mbps <= fig.bandwidth_mbps * (1 + 1e-9):
            continue
        parts = ", ".join(
            f"{KIND_LABELS.get(k, k)} {v:,.1f}"
            for k, v in sorted(fig.by_kind.items(), key=lambda kv: -kv[1])
            if not k.startswith("_")
        )
        text = f"from {a} to {b}" if way == "a_to_b" else f"from {b} to {a}"
        out.append((text, fig.mbps, parts))
    return out


@rule(
    code="CAP001",
    name="link-over-budget",
    severity=Severity.ERROR,
    source="002 'Latency' (sufficient bandwidth); Microsoft's calculator (log replication)",
    reads=EVERYTHING,  # the capacity sizing reads the whole design
)
def link_over_budget_normal(ctx: RuleContext) -> Iterator[Finding]:
    """A WAN link cannot carry its replication streams in normal operation.

    What it checks
    --------------
    For each WAN link and direction, the replication it carries in normal operation —
    DAG log shipping to every passive copy across it at the busiest hour, MirrorView/S
    writes at the busiest hour, MirrorView/A updates, Double-Take — against the link's
    bandwidth (each direction has the link's ``bandwidth_mbps``). Streams between sites
    without a direct link cross the path with the fewest links.

    Why
    ---
    A link short of its steady streams queues DAG logs (copies fall behind, the RPO of a
    failover grows), stretches MirrorView/S write latency and never delivers a
    MirrorView/A update in time. 002: "The link should be tested to confirm that it has
    sufficient bandwidth".

    Fix
    ---
    Add bandwidth, move passive copies or mirrors to another link, compress log shipping
    (the design's capacity settings), or lower the workload the figures assume.

    Source
    ------
    Microsoft's published logs per mailbox per message profile and the calculator's
    log replication sizing (``resources/catalog/capacity.json``); 002 "Latency" and
    "MirrorView/A considerations".
    """
    facts = capacity_facts(ctx)
    if facts is None:
        return
    for report in facts.report.links:
        for text, mbps, parts in _over(ctx, report, report.normal):
            yield ctx.finding(
                f"WAN link {report.link.name} needs {mbps:,.1f} Mbit/s {text} in normal "
                f"operation ({parts}); it has {report.link.bandwidth_mbps:,.0f} Mbit/s",
                [report.link],
            )


@rule(
    code="CAP002",
    name="link-over-budget-after-failure",
    severity=Severity.WARNING,
    source="DOMAIN.md §4 (what the simulator activates where after a failure)",
    reads=EVERYTHING,  # the capacity sizing reads the whole design
)
def link_over_budget_in_failure(ctx: RuleContext) -> Iterator[Finding]:
    """A WAN link is big enough in normal operation but not after a failure.

    What it checks
    --------------
    For each WAN link not already over budget in normal operation: its streams in every
    single failure and site loss the simulator plays (databases activated elsewhere,
    traffic rerouted round a lost link, reseeds of copies whose storage was lost). The
    finding names the worst mode.

    Why
    ---
    After a failover the active copies, and so the log shipping, move: a link that
    carried nothing may carry a site's replication, or the survivors' traffic reroutes
    over a smaller link. Sized for normal operation only, the design loses its
    protection exactly when it needs it.

    Fix
    ---
    Size the link for the named failure mode, or change the copy layout so that the
    failover sends less across it.

    Source
    ------
    The simulator's failure modes (DOMAIN.md §4; 000 §5.3.1 Fig. 12); capacity figures
    from ``resources/catalog/capacity.json``.
    """
    facts = capacity_facts(ctx)
    if facts is None:
        return
    for report in facts.report.links:
        if report.over_budget_normal() or report.worst is None:
            continue
        for text, mbps, parts in _over(ctx, report, report.worst):
            yield ctx.finding(
                f"WAN link {report.link.name} needs {mbps:,.1f} Mbit/s {text} after the "
                f"{report.worst.mode.label} ({parts}); it has "
                f"{report.link.bandwidth_mbps:,.0f} Mbit/s",
                [report.link, *(e for e in report.worst.mode.failed if ctx.index.get(e))],
            )


@rule(
    code="CAP003",
    name="member-over-sizing",
    severity=Severity.WARNING,
    source="Microsoft Exchange 2010 mailbox server processor and memory capacity planning; 002",
    reads=EVERYTHING,  # the capacity sizing reads the whole design
)
def member_over_sizing(ctx: RuleContext) -> Iterator[Finding]:
    """A DAG member's vCPUs or memory cannot carry its mailboxes in the worst failure mode.

    What it checks
    --------------
    For each DAG member, in normal operation and in its worst failure mode (single,
    double, site loss, site loss plus one — the most active mailboxes), the megacycles
    of its active mailboxes and passive copies (Microsoft's per-mailbox figures by
    message profile; a passive copy 15 % of an active one) against its vCPUs × the
    megacycles of a vCPU × the 80 % ceiling, and the database cache of its active
    mailboxes plus the base memory against its memory. An error when normal operation
    already exceeds it.

    Why
    ---
    The calculator sizes mailbox servers for the worst failure mode they must survive:
    a member sized for its normal share is overloaded exactly when the DAG needs it.
    002: the memory and CPU of an Exchange VM should meet Microsoft's guidelines.

    Fix
    ---
    Give the member more vCPUs or memory, add members, or spread the copies so that no
    failure concentrates the databases on it (``plan-copies``).

    Source
    ------
    Microsoft, Mailbox Server Processor Capacity Planning and Understanding Memory
    Configurations (Exchange 2010), via ``resources/catalog/capacity.json``; 002.
    """
    facts = capacity_facts(ctx)
    if facts is None:
        return
    report = facts.report
    for member in report.members:
        normal = member.sizing(member.normal, report.figures)
        heaviest = member.worst
        if normal.over:
            mode_text, sizing, load, severity = (
                "in normal operation",
                normal,
                member.normal,
                Severity.ERROR,
            )
        elif heaviest is not None and member.sizing(heaviest[1], report.figures).over:
            mode_text = f"after the {heaviest[0].label}"
            load = heaviest[1]
            sizing = member.sizing(load, report.figures)
            severity = Severity.WARNING
        else:
            continue
        parts = []
        if sizing.cpu_pct > 100 + 1e-9:
            parts.append(
                f"{sizing.megacycles:,.0f} megacycles ({sizing.cpu_pct:.0f} % of the "
                f"{sizing.megacycles_available:,.0f} its {member.vm.vcpu} vCPUs give at the "
                f"{report.figures.max_cpu_pct:g} % ceiling)"
            )
        if sizing.memory_pct > 100 + 1e-9:
            parts.append(
                f"{sizing.memory_gb:,.1f} GB of memory (it has {member.vm.memory_gb:g} GB)"
            )
        yield ctx.finding(
            f"DAG member {member.vm.name} needs {' and '.join(parts)} {mode_text}, with "
            f"{load.active_mailboxes:,} active mailboxes in "
            f"{load.active_databases} database{'' if load.active_databases == 1 else 's'}",
            [member.vm],
            severity=severity,
        )


@rule(
    code="CAP004",
    name="log-lun-fills-before-rto",
    severity=Severity.WARNING,
    source="Exchange Team Blog on transaction log space (2011-11-09); DOMAIN.md §4",
    reads=EVERYTHING,  # the capacity sizing reads the whole design
)
def log_lun_fills_before_rto(ctx: RuleContext) -> Iterator[Finding]:
    """A log LUN fills before the outage that stops log truncation is over.

    What it checks
    --------------
    For each LUN holding the transaction logs of replicated databases: while another copy
    of one of them, or the link to it, is down, logs cannot truncate; the LUN's free
    space (``free_gb``, else the catalog's share of its size) divided by the logs its
    databases write per hour must outlast the design's RTO target, the time the design
    allows the outage to last.

    Why
    ---
    A log LUN that runs out of space dismounts its databases: Microsoft's most common
    cause of Exchange 2010 critical situations. A copy or link outage shorter than the
    RTO must not take the surviving copies down with it.

    Fix
    ---
    Grow the log LUN (or its free space), shorten the outage the design tolerates, or
    plan to truncate (a backup, or circular logging) during long outages.

    Source
    ------
    Exchange Team Blog (2011-11-09) on transaction log space; Microsoft's logs per
    message profile (``resources/catalog/capacity.json``); DOMAIN.md §4 (copies queue
    logs while their link is down).
    """
    facts = capacity_facts(ctx)
    if facts is None:
        return
    target_h = ctx.design.intent.rto_target_min / 60.0
    for lun in facts.report.log_luns:
        if lun.hours_to_full is None or lun.hours_to_full >= target_h:
            continue
        dbs = sorted({d for d, _ in lun.copies})
        db_names = [getattr(ctx.index.get(d), "name", d) for d in dbs]
        assumed = "" if lun.free_stated else " (free space not stated: the catalog's share)"
        yield ctx.finding(
            f"log LUN {lun.lun.name} (logs of {listing(db_names)}) fills "
            f"{_hours(lun.hours_to_full)} after a copy or link outage stops log truncation: "
            f"{lun.free_gb:,.1f} GB free{assumed} at {lun.gb_per_hour:,.2f} GB of logs an "
            f"hour; the RTO target is {_hours(target_h)}",
            [lun.lun, *dbs],
        )


@rule(
    code="CAP005",
    name="unbalanced-copy-layout",
    severity=Severity.WARNING,
    source="Microsoft's Exchange calculator (database copy distribution)",
    reads=EVERYTHING,  # the capacity sizing reads the whole design
)
def unbalanced_copy_layout(ctx: RuleContext) -> Iterator[Finding]:
    """One member's failure sends most of its active databases to one other member.

    What it checks
    --------------
    For each DAG member with two or more active databases whose copies are held by two
    or more other members of its site: the simulator fails the member and counts where
    its databases activate; more than half of them on one member, and more than an even
    share among those members, is unbalanced.

    Why
    ---
    The calculator distributes activation preferences so that a single failure spreads
    the failed member's databases evenly; otherwise one survivor takes the whole load
    (CAP003's worst mode) while the others idle.

    Fix
    ---
    Rotate the second activation preferences (the Databases panel's *Plan copies…*, or
    ``dr-designer plan-copies FILE --dag NAME``).

    Source
    ------
    Microsoft's Exchange Server Role Requirements Calculator (its database copy
    layout); the simulator's activation (DOMAIN.md §4).
    """
    facts = capacity_facts(ctx)
    if facts is None:
        return
    for found in facts.unbalanced:
        member = ctx.index.get(found.member)
        target = ctx.index.get(found.target)
        yield ctx.finding(
            f"DAG member {member.name if member else found.member}: its failure sends "
            f"{found.moved} of its {found.total} active databases to "
            f"{target.name if target else found.target}, though "
            f"{len(found.candidates)} members of its site hold copies of them",
            [e for e in (member, target) if e is not None],
        )


@rule(
    code="CAP006",
    name="database-without-mailboxes",
    severity=Severity.INFO,
    source="DOMAIN.md §2 (mailbox database: mailboxes); Microsoft's Exchange calculator",
    reads=("mailbox_database",),
    gathers="mailbox_database",
)
def database_without_mailboxes(ctx: RuleContext) -> Iterator[Finding]:
    """A mailbox database states no mailboxes: every figure counts it as empty.

    What it checks
    --------------
    Each mailbox database: that its *Mailboxes* figure is above 0 (a new database
    starts at 0). One finding per DAG for its databases at 0 (how many and the first
    three; one finding too for those in no DAG), the database alone when one is: an
    import from the calculator, whose exports state no mailbox counts, gives one
    finding, not one per database. A database that a waiver of CAP006 names alone keeps
    a finding of its own, so the waiver covers it alone.

    Why
    ---
    The mailbox count is what the designer weighs everything by: the simulator's
    "mailboxes available", N-1 and availability rankings ("mailboxes affected"), and
    capacity's log shipping, CPU and memory. A database left at 0 reads "0 of 0
    mailboxes" everywhere and its outages count for nothing. The designer does not
    guess the figure (a DAG or site says how many users it serves, not how they split
    over databases), as Microsoft's calculator asks for it rather than assume it.

    Fix
    ---
    Enter the database's mailboxes in the Inspector (*Mailboxes*); for a finding about
    several, *Select its N elements* on its menu in the Problems list selects them, and
    the Inspector sets a figure on all of them at once. A database that really holds
    none (created ahead of a migration, a journaling database) can keep 0: once the
    others state theirs, its finding is its own; waive it with that reason (or, before,
    *Waive one of its N mailbox databases…* on the finding's menu). A waiver naming
    one database waives it alone, one naming several the finding about them.

    Source
    ------
    DOMAIN.md §2 (a mailbox database's key attributes: size, mailboxes, copies);
    Microsoft's Exchange Server Role Requirements Calculator (the mailbox count is its
    input).
    """
    alone = ctx.waived_alone("mailbox_database") if ctx.design.rules.waivers else frozenset()
    # One finding per DAG (and one for the databases in none), naming its databases:
    # an import from the calculator (its exports state no mailbox counts) gave one per
    # database, 40 findings of one thing to do (wave 25). A database a waiver names
    # alone keeps a finding of its own (a journaling database that really holds none).
    empty: dict[str | None, list[MailboxDatabase]] = {}
    for db in ctx.index.of("mailbox_database", MailboxDatabase):
        if db.mailboxes == 0:
            if db.id in alone:
                yield _no_mailboxes(ctx, db)
            else:
                empty.setdefault(db.dag, []).append(db)
    for dag_id, dbs in empty.items():
        if len(dbs) == 1:
            yield _no_mailboxes(ctx, dbs[0])
            continue
        # By id, as the findings are ordered (db-2 before db-10): rules decide by ids and
        # fields, never by names (a rename re-runs only the rules whose messages hold it).
        dbs.sort(key=lambda db: natural_key(db.id))
        dag = ctx.index.get(dag_id)
        whose = f"of DAG {dag.name} " if dag is not None and dag_id else ""
        yield ctx.finding(
            f"{counted([db.name for db in dbs], 'mailbox database')} {whose}state 0 mailboxes: "
            "simulation, availability and capacity count no users on them; enter their "
            f"Mailboxes in the Inspector (Select its {len(dbs)} elements, on this finding's menu "
            "in the Problems list, selects them to set together)",
            dbs,
            fix_field="mailboxes",
        )


def _no_mailboxes(ctx: RuleContext, db: MailboxDatabase) -> Finding:
    return ctx.finding(
        f"mailbox database {db.name} states 0 mailboxes: simulation, availability "
        "and capacity count no users on it",
        [db],
        fix_field="mailboxes",
    )


def _hours(hours: float) -> str:
    if math.isinf(hours):
        return "never"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:,.1f} h"
