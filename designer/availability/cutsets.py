"""Minimal cut sets: the smallest sets of elements whose joint failure leaves a mailbox
database, or a site's users, without service with no administrator action.

The simulator is the judge: a set of elements is a cut set of a database when, failed
together and settled (``Simulator.impact``), the database is no longer mounted and
reachable by its users, so DAG quorum and the witness, activation preferences and
lagged copies, vSphere HA restarts, CAS arrays and load balancers all count. A
database waiting for an administrator (a datacenter switchover, an SRM recovery plan)
is down.

The graph prunes what the simulator is asked. A database's candidates are the
elements of the kinds that fail (``RELIABILITY_KINDS``) in its dependency closure
(``nx.descendants``: its copies' servers, their hosts, disks, LUNs, arrays, storage
processors and sites, its DAG's members and witness, the CAS arrays and load
balancers its users go through), the hosts vSphere HA may restart its servers on, and
the sites and WAN links that can cut its sites apart in ``order`` failures
(:func:`designer.graph.network.separating_elements`): in a well-meshed network no link
is a candidate at all. Then, order by order: a set is tried only when none of its
subsets is already a cut set (so every cut set found is minimal) and no member fails
with another (``failure_domain``: {site, a host in it} is the site). Databases whose
candidates, DAG, copies and disks' arrays are the same are judged once, on a
representative, and every set is judged for all the databases asking it at once.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations, pairwise
from typing import Any

from designer.domain.reliability import RELIABILITY_KINDS
from designer.graph.failure import failure_domain
from designer.graph.gates import ALL
from designer.graph.network import separating_elements
from designer.simulation.engine import Simulator
from designer.simulation.prepared import database_servers
from designer.simulation.world import compute_world

__all__ = [
    "CutSet",
    "CutSetFinder",
    "CutSetResult",
    "ProgressFn",
    "TargetCutSets",
    "minimal_cut_sets",
]

#: ``progress(done, total)``; return False to cancel.
ProgressFn = Callable[[int, int], bool]

_CANDIDATE_KINDS = frozenset(RELIABILITY_KINDS)
#: Kinds that may matter only together with others (see ``CutSetFinder._partners``).
_GATED_KINDS = frozenset({"esxi_host", "storage_processor", "load_balancer"})
DEFAULT_ORDER = 3
MAX_ORDER = 4


@dataclass(frozen=True, slots=True)
class CutSet:
    """Elements whose joint failure takes a target down; ``mailboxes_affected``: the
    mailboxes of every database (design-wide) they take down together."""

    elements: tuple[str, ...]
    names: tuple[str, ...]
    mailboxes_affected: int

    @property
    def order(self) -> int:
        return len(self.elements)

    def to_json(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "elements": list(self.elements),
            "names": list(self.names),
            "mailboxes_affected": self.mailboxes_affected,
        }


@dataclass(frozen=True, slots=True)
class TargetCutSets:
    """The minimal cut sets of one database (``kind`` "database") or of one site's
    users (``kind`` "site": some database of theirs down), ranked by order, then by
    mailboxes affected (most first)."""

    kind: str
    id: str
    name: str
    mailboxes: int
    cut_sets: tuple[CutSet, ...]
    #: Down with nothing failed (the design serves it not at all): no cut sets.
    down_already: bool = False

    def of_order(self, order: int) -> tuple[CutSet, ...]:
        return tuple(c for c in self.cut_sets if c.order == order)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "mailboxes": self.mailboxes,
            "down_already": self.down_already,
            "cut_sets": [c.to_json() for c in self.cut_sets],
        }


@dataclass(frozen=True)
class CutSetResult:
    """Every database's and every user site's minimal cut sets up to ``order``."""

    order: int
    databases: tuple[TargetCutSets, ...]
    sites: tuple[TargetCutSets, ...]
    #: Elements that are a candidate of some database, and the sets the simulator judged.
    candidates: int
    judged: int
    cancelled: bool = False
    _by_id: dict[tuple[str, str], TargetCutSets] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for target in (*self.databases, *self.sites):
            self._by_id[target.kind, target.id] = target

    def database(self, db_id: str) -> TargetCutSets | None:
        return self._by_id.get(("database", db_id))

    def site(self, site_id: str) -> TargetCutSets | None:
        return self._by_id.get(("site", site_id))

    def to_json(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "candidates": self.candidates,
            "sets_judged": self.judged,
            "cancelled": self.cancelled,
            "judge": "the simulator's settled state, no administrator action",
            "databases": [t.to_json() for t in self.databases],
            "sites": [t.to_json() for t in self.sites],
        }


class CutSetFinder:
    """One design's candidates and judgements, kept for several questions (cut sets,
    then availability from them)."""

    def __init__(self, sim: Simulator, order: int = DEFAULT_ORDER, *, workers: int = 1) -> None:
        if not 1 <= order <= MAX_ORDER:
            raise ValueError(f"the order of cut sets is 1 to {MAX_ORDER}, not {order}")
        self.sim = sim
        self.order = order
        #: Processes judging (forked only: with a GUI toolkit loaded, one).
        self.workers = max(1, workers)
        self.prep = sim.prep
        self.topology = sim.prep.topology
        self._descendants: dict[str, frozenset[str]] = {}
        self._separating: dict[frozenset[str], set[str]] = {}
        self._domains: dict[str, frozenset[str]] = {}
        self._partner_memo: dict[str, frozenset[str] | None] = {}
        self._closures: dict[frozenset[str], tuple[frozenset[str], dict[str, frozenset[str]]]] = {}
        self.judged = 0

    # -- candidates ----------------------------------------------------------------------
    def _below(self, node: str) -> frozenset[str]:
        found = self._descendants.get(node)
        if found is None:
            import networkx as nx

            found = self._descendants[node] = frozenset(nx.descendants(self.topology.graph, node))
        return found

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {node: data["kind"] for node, data in self.topology.graph.nodes(data=True)}

    def candidates(self, db_id: str) -> frozenset[str]:
        """The elements that may be in a cut set of ``db_id`` (see the module)."""
        return self._candidates(db_id)[0]

    def _candidates(self, db_id: str) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
        """The candidates of ``db_id``, and for each host that is one only as room for
        vSphere HA restarts, the hosts of its cluster whose loss it can matter with."""
        prep = self.prep
        graph = self.topology.graph
        db = prep.dbs[db_id]
        roots = set(database_servers(prep, db))
        if db.dag and db.dag in graph:
            roots.add(db.dag)
        for vm in list(roots):
            roots.update(r.target for r in prep.repls_from_vm.get(vm, ()))
        repl = prep.e2007_of_db.get(db_id)
        if repl is not None:
            roots.update(repl.nodes)
        for cas_id, geo in prep.cas_paths(prep.db_user_site.get(db_id)):
            roots.add(cas_id)
            roots.update(geo)
        if db.dag and db.dag in graph:  # what the DAG needs holds its members' needs
            below_dag = self._below(db.dag)
            roots = {r for r in roots if r not in below_dag}
        key = frozenset(roots)
        known = self._closures.get(key)
        if known is None:
            known = self._closures[key] = self._closure(roots)
        return known

    def _closure(self, roots: set[str]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
        prep = self.prep
        graph = self.topology.graph
        nodes = set(roots)
        for root in roots:
            if root in graph:
                nodes |= self._below(root)
        kinds = self.kinds
        # vSphere HA restarts a lost server on another host of its cluster: those hosts
        # matter, but only together with the loss of a host running such a server.
        partners: dict[str, frozenset[str]] = {}
        for host in [n for n in nodes if kinds[n] == "esxi_host"]:
            cluster = prep.clusters.get(prep.hosts[host].cluster or "")
            if cluster is None or not cluster.ha_enabled:
                continue
            hosts = prep.hosts_in_cluster.get(cluster.id, [])
            running = frozenset(h for h in hosts if h in nodes)
            for mate in hosts:
                if mate not in nodes:
                    partners[mate] = running
        # A host whose loss vSphere HA recovers whole (every VM restarted) matters only
        # with another loss in its cluster (room for the restarts); a storage processor
        # only with its peer; a load balancer beside others in front of the same CAS
        # arrays only with them (the "all" gates of the graph).
        for element in [n for n in nodes if kinds[n] in _GATED_KINDS]:
            peers = self._partners(element)
            if peers is not None:
                partners[element] = peers
        sites = frozenset(n for n in nodes if kinds[n] == "site")
        cut_apart = self._separating.get(sites)
        if cut_apart is None:
            cut_apart = self._separating[sites] = separating_elements(
                self.topology, sites, self.order
            )
        nodes |= cut_apart
        nodes.update(partners)
        wanted = _CANDIDATE_KINDS
        return frozenset(n for n in nodes if kinds[n] in wanted), partners

    def _partners(self, element: str) -> frozenset[str] | None:
        """What ``element`` must fail with to matter, or None when it matters alone
        (see :meth:`_candidates`)."""
        if element in self._partner_memo:
            return self._partner_memo[element]
        graph = self.topology.graph
        prep = self.prep
        found: frozenset[str] | None = None
        kind = self.kinds[element]
        if kind == "esxi_host":
            host = prep.hosts[element]
            cluster = prep.clusters.get(host.cluster or "")
            if cluster is not None and cluster.ha_enabled:
                world = compute_world(prep, frozenset([element]))
                if not world.vm_down:
                    found = frozenset(
                        h for h in prep.hosts_in_cluster.get(cluster.id, []) if h != element
                    )
        else:  # a storage processor, a load balancer: its "all" gates' other inputs
            others: set[str] = set()
            for dependent, data in graph.pred[element].items():
                if data["gate"] != ALL:
                    others = set()
                    found = None
                    break
                inputs = {
                    t
                    for t, d in graph.succ[dependent].items()
                    if d["relation"] == data["relation"] and d["gate"] == ALL and t != element
                }
                if not inputs:  # it closes the gate by itself
                    others = set()
                    break
                others |= inputs
            else:
                found = frozenset(others) if graph.pred[element] else None
            if kind == "load_balancer" and element in self._geographic:
                found = None  # read by itself: clients' way to another site's array
        self._partner_memo[element] = found
        return found

    @cached_property
    def _geographic(self) -> set[str]:
        prep = self.prep
        return {lb for lbs in prep.geo_lbs_of_cas.values() for lb in lbs}

    def _domain(self, element: str) -> frozenset[str]:
        found = self._domains.get(element)
        if found is None:
            found = self._domains[element] = frozenset(failure_domain(self.topology, [element]))
        return found

    def _signature(self, db_id: str, candidates: frozenset[str]) -> tuple[Any, ...]:
        """What the simulator reads of a database for its availability: databases with
        the same signature are judged alike."""
        prep = self.prep
        db = prep.dbs[db_id]
        copies = tuple(
            sorted((c.member, c.activation_preference, c.replay_lag_days) for c in db.copies)
        )
        disks = tuple(
            sorted(
                (d.vm, d.purpose.value, str(prep.raid_set(d.lun)))
                for d in prep.disks_of_db.get(db_id, ())
            )
        )
        repl = prep.e2007_of_db.get(db_id)
        return (
            candidates,
            db.dag,
            copies,
            disks,
            prep.db_user_site.get(db_id),
            tuple(database_servers(prep, db)),
            repl.id if repl is not None else None,
        )

    # -- judging -------------------------------------------------------------------------
    def _judge(self, combo: tuple[str, ...], reps: Iterable[str]) -> frozenset[str]:
        wanted = frozenset(reps)
        impact = self.sim.impact(combo, databases=wanted)
        self.judged += 1
        return wanted & frozenset(impact.databases_unavailable)

    def _judge_all(
        self, todo: list[tuple[str, ...]], asked: dict[tuple[str, ...], list[str]]
    ) -> Iterator[tuple[tuple[str, ...], frozenset[str]]]:
        """Each set of ``todo`` with the databases it takes down, in order: in this
        process, or spread over forked workers (they inherit the prepared simulator)
        when there are many and :attr:`workers` allows."""
        context = _fork_context()
        if self.workers <= 1 or len(todo) < _PARALLEL_FROM or context is None:
            for combo in todo:
                yield combo, self._judge(combo, asked[combo])
            return
        global _FINDER
        _FINDER = self
        pieces = max(1, min(len(todo) // 16, self.workers * 8))
        bounds = [len(todo) * i // pieces for i in range(pieces + 1)]
        try:
            with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
                jobs = [
                    pool.submit(_judge_piece, [(c, asked[c]) for c in todo[a:b]])
                    for a, b in pairwise(bounds)
                ]
                try:
                    for job, (a, b) in zip(jobs, pairwise(bounds), strict=True):
                        verdicts = job.result()
                        self.judged += b - a
                        yield from zip(todo[a:b], verdicts, strict=True)
                finally:
                    for job in jobs:
                        job.cancel()
        finally:
            _FINDER = None

    def _absorbed(self, combo: tuple[str, ...]) -> bool:
        """Whether one member fails with another (the set is then the smaller one).

        Only an element that ``b`` depends on can take ``b`` down (every node of a
        failure domain reaches the failed element in the graph), so the domain, a walk
        over thousands of nodes for a site, is asked only then."""
        return any(
            a != b and a in self._below(b) and b in self._domain(a) for a in combo for b in combo
        )

    def find(self, *, progress: ProgressFn | None = None) -> CutSetResult:
        """Every database's and user site's minimal cut sets up to :attr:`order`."""
        prep = self.prep
        base = self.sim.baseline.states
        classes: dict[tuple[Any, ...], list[str]] = {}
        cands: dict[str, frozenset[str]] = {}
        mates_of: dict[str, dict[str, frozenset[str]]] = {}
        down_already: set[str] = set()
        for db_id in sorted(prep.dbs):
            if not base[db_id].available:
                down_already.add(db_id)
                continue
            cand, mates = self._candidates(db_id)
            key = self._signature(db_id, cand)
            members = classes.setdefault(key, [])
            if not members:
                cands[db_id] = cand
                mates_of[db_id] = mates
            members.append(db_id)
        reps = sorted(members[0] for members in classes.values())
        found: dict[str, list[tuple[str, ...]]] = {rep: [] for rep in reps}
        done = 0
        cancelled = False
        for size in range(1, self.order + 1):
            asked: dict[tuple[str, ...], list[str]] = {}
            for rep in reps:
                known = {frozenset(c) for c in found[rep]}
                alive = sorted(e for e in cands[rep] if frozenset((e,)) not in known)
                for combo in _combos(alive, size, mates_of[rep]):
                    if size > 2 and any(
                        frozenset(sub) in known
                        for n in range(2, size)
                        for sub in combinations(combo, n)
                    ):
                        continue  # a smaller cut set is inside: not minimal
                    asked.setdefault(combo, []).append(rep)
            todo = [c for c in sorted(asked) if size == 1 or not self._absorbed(c)]
            total = done + len(todo)
            for combo, verdict in self._judge_all(todo, asked):
                for rep in verdict:
                    found[rep].append(combo)
                done += 1
                if progress is not None and not progress(done, total):
                    cancelled = True
                    break
            if cancelled:
                break
        return self._result(classes, found, down_already, cands, cancelled)

    # -- results -------------------------------------------------------------------------
    def _result(
        self,
        classes: dict[tuple[Any, ...], list[str]],
        found: dict[str, list[tuple[str, ...]]],
        down_already: set[str],
        cands: dict[str, frozenset[str]],
        cancelled: bool,
    ) -> CutSetResult:
        prep = self.prep
        of_rep = {members[0]: members for members in classes.values()}
        sets_of: dict[str, list[tuple[str, ...]]] = {}
        for rep, members in of_rep.items():
            for db_id in members:
                sets_of[db_id] = found[rep]
        # A database is down under C when one of its minimal cut sets is inside C
        # (counted per representative, with the mailboxes of its whole class).
        weight = {
            rep: sum(prep.dbs[d].mailboxes for d in members) for rep, members in of_rep.items()
        }
        holders: dict[frozenset[str], set[str]] = {}
        for rep, sets in found.items():
            for combo in sets:
                holders.setdefault(frozenset(combo), set()).add(rep)
        affected_memo: dict[tuple[str, ...], int] = {}

        def affected(combo: tuple[str, ...]) -> int:
            value = affected_memo.get(combo)
            if value is None:
                down: set[str] = set()
                for size in range(1, len(combo) + 1):
                    for sub in combinations(combo, size):
                        down |= holders.get(frozenset(sub), set())
                value = affected_memo[combo] = sum(weight[rep] for rep in down)
            return value

        def ranked(sets: Iterable[tuple[str, ...]]) -> tuple[CutSet, ...]:
            made = [CutSet(c, tuple(self.name(e) for e in c), affected(c)) for c in sets]
            return tuple(sorted(made, key=lambda c: (c.order, -c.mailboxes_affected, c.elements)))

        # the databases judged alike share their representative's sets: ranked once
        rep_of = {db_id: rep for rep, members in of_rep.items() for db_id in members}
        ranked_of: dict[str, tuple[CutSet, ...]] = {}

        def ranked_once(db_id: str) -> tuple[CutSet, ...]:
            rep = rep_of.get(db_id)
            if rep is None:
                return ()
            found = ranked_of.get(rep)
            if found is None:
                found = ranked_of[rep] = ranked(sets_of[db_id])
            return found

        databases = tuple(
            TargetCutSets(
                "database",
                db_id,
                prep.dbs[db_id].name,
                prep.dbs[db_id].mailboxes,
                ranked_once(db_id),
                down_already=db_id in down_already,
            )
            for db_id in sorted(prep.dbs, key=lambda d: (prep.dbs[d].name, d))
        )
        sites: list[TargetCutSets] = []
        for site_id in sorted(prep.sites, key=lambda s: (prep.sites[s].name, s)):
            dbs = prep.dbs_of_user_site.get(site_id, [])
            if not dbs:
                continue
            union = sorted({c for d in dbs for c in sets_of.get(d, ())}, key=lambda c: (len(c), c))
            minimal: list[tuple[str, ...]] = []
            for combo in union:
                chosen = frozenset(combo)
                if not any(frozenset(m) < chosen for m in minimal):
                    minimal.append(combo)
            sites.append(
                TargetCutSets(
                    "site",
                    site_id,
                    prep.sites[site_id].name,
                    sum(prep.dbs[d].mailboxes for d in dbs),
                    ranked(minimal),
                    down_already=any(d in down_already for d in dbs),
                )
            )
        union_candidates = set().union(*cands.values()) if cands else set()
        return CutSetResult(
            self.order,
            databases,
            tuple(sites),
            len(union_candidates),
            self.judged,
            cancelled,
        )

    def name(self, element: str) -> str:
        """An element's name; a storage processor as ``ARRAY SP-A``."""
        found = self.prep.index.get(element)
        if found is not None:
            return found.name
        array = self.prep.sp_array.get(element)
        if array is not None:
            return f"{self.prep.arrays[array].name} {element.rsplit('/', 1)[-1]}"
        return element


#: Sets to judge before forking workers pays.
_PARALLEL_FROM = 400
_FINDER: CutSetFinder | None = None


def _fork_context() -> Any:
    """A fork context when it is safe (no GUI toolkit's threads) and available."""
    if "fork" in multiprocessing.get_all_start_methods() and "PySide6" not in sys.modules:
        return multiprocessing.get_context("fork")
    return None


def _judge_piece(
    piece: list[tuple[tuple[str, ...], list[str]]],
) -> list[frozenset[str]]:
    finder = _FINDER
    assert finder is not None, "a judging worker runs forked from its finder"
    return [finder._judge(combo, reps) for combo, reps in piece]


def _partnered(combo: tuple[str, ...], partners: dict[str, frozenset[str]]) -> bool:
    """Whether every element of ``combo`` that matters only with others fails with one."""
    for element in combo:
        needed = partners.get(element)
        if needed is not None and not any(other in needed for other in combo):
            return False
    return True


def _combos(
    alive: list[str], size: int, partners: dict[str, frozenset[str]]
) -> Iterable[tuple[str, ...]]:
    """The ``size``-sets of ``alive`` (sorted tuples, in order) in which every element
    that matters only with others has one of them: built around those pairs rather
    than filtered from every combination."""
    free = [e for e in alive if e not in partners]
    if size == 1 or not partners:
        yield from combinations(free if size == 1 else alive, size)
        return
    present = set(alive)
    found: set[tuple[str, ...]] = set(combinations(free, size))
    # Every other set holds a tied element with one of its partners: grow those pairs.
    for element in alive:
        needed = partners.get(element)
        if needed is None:
            continue
        for partner in needed:
            if partner not in present or partner == element:
                continue
            core: tuple[str, ...] = (element, partner)
            if size == 2:
                pair = tuple(sorted(core))
                if pair not in found and _partnered(pair, partners):
                    found.add(pair)
                continue
            rest = [e for e in alive if e != element and e != partner]
            for more in combinations(rest, size - 2):
                combo = tuple(sorted(core + more))
                if combo not in found and _partnered(combo, partners):
                    found.add(combo)
    yield from sorted(found)


def minimal_cut_sets(
    design_or_sim: Any,
    order: int = DEFAULT_ORDER,
    *,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> CutSetResult:
    """The minimal cut sets of every mailbox database and every site's users, up to
    ``order`` elements (see the module).

    Examples
    --------
    >>> from designer.domain import Design, Site, EsxiHost, VirtualMachine, MailboxDatabase
    >>> from designer.domain import DatabaseCopy
    >>> design = Design(elements=[Site(id="s", name="Boston", users=10),
    ...     EsxiHost(id="h", name="esx", site="s"), VirtualMachine(id="vm", name="mbx", host="h"),
    ...     MailboxDatabase(id="db", name="DB1", mailboxes=10, user_site="s",
    ...                     copies=[DatabaseCopy(member="vm")])])
    >>> [c.elements for c in minimal_cut_sets(design, 2).database("db").cut_sets]
    [('h',), ('s',)]
    """
    sim = design_or_sim if isinstance(design_or_sim, Simulator) else Simulator(design_or_sim)
    return CutSetFinder(sim, order, workers=workers).find(progress=progress)
