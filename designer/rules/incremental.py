"""The live check after an edit: re-run only the rules the edit can affect.

Each rule declares the element kinds it reads and follows
(:attr:`designer.rules.Rule.reads`, :attr:`~designer.rules.Rule.follows`). A
:class:`LiveCheck` keeps the findings of every rule from its last check; it is told
what each revision of the document changed (:meth:`LiveCheck.note` of
:func:`designer.document.events.change_of`: the kinds of the elements added or removed,
of those changed, the old names of those renamed, or anything: a new design, changed
settings), and its next :meth:`LiveCheck.check` re-runs only the rules that this can
affect (:meth:`designer.rules.Rule.affected_by`; a rename only the rules whose messages
held the old name; a VM without Exchange added or removed not the rules that read only
Exchange servers: :mod:`designer.domain.facets`), keeps the others' findings, and
applies waivers and the order as :func:`designer.rules.check` does: its result is the
full check's
(``tests/rules/test_incremental.py`` compares them over random edit sequences). On any
doubt it runs everything: its first check, a design older than its last one, a change
it was not told about.

Checked without an index (the worker), it keeps its own :class:`LiveIndex` and brings it
from the design it last checked to the next one by the elements that differ
(:meth:`LiveIndex.follow`) instead of indexing the snapshot afresh. When those are DAGs,
databases and VMs only (a DAG's field, a database's size or copies, a VM moved), the
rules whose findings are each about one DAG (:attr:`designer.rules.Rule.per_dag`)
re-run for the DAGs concerned alone (:func:`_with_sharers`; a database outside any DAG
counts as one): their findings about the other DAGs are kept (at 100k elements, 40
DAGs, a DAG field edit re-ran every DAG rule over 16,000 databases).

It is thread-safe: the editing thread notes changes while a worker checks.

Examples
--------
>>> from designer.domain import Design
>>> live = LiveCheck()
>>> live.check(Design(), revision=0).summary()
{'error': 0, 'warning': 0, 'info': 0}
>>> live.note(1, NOTHING)
>>> live.check(Design(), revision=1).findings, live.last_run
([], [])
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from designer.domain.elements import Dag, ElementBase, MailboxDatabase, VirtualMachine
from designer.domain.index import DesignIndex, LiveIndex
from designer.rules.context import RuleContext
from designer.rules.engine import CheckResult, check, finish, load_all_rules, run_rule
from designer.rules.finding import Finding
from designer.rules.registry import Rule

if TYPE_CHECKING:
    from designer.domain.design import Design

__all__ = ["NOTHING", "Change", "LiveCheck"]


#: What a revision changed (:func:`designer.document.events.change_of` of its events):
#: (kinds of elements added or removed with the facets they are in, ``"vm.exchange"``,
#: kinds of elements changed other than by a new name, (kind, old name) of each
#: element renamed); None: anything (a new design, changed settings).
Change = tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]] | None

#: No element changed (a layout edit: no rule reads positions on the canvas).
NOTHING: Change = (frozenset(), frozenset(), frozenset())


#: A rule's findings by the DAG each is about (:func:`_dag_of`); None: not known (the
#: next edit re-runs it whole).
ByDag = dict[str, list[Finding]] | None


def _dags_edited(
    followed: tuple[
        tuple[ElementBase, ...],
        tuple[ElementBase, ...],
        tuple[tuple[ElementBase, ElementBase], ...],
    ],
) -> frozenset[str] | None:
    """The DAGs (ids; a database outside any DAG by its own id) that the DAGs and
    databases added, removed and replaced (old, new) belong to, before or after (the
    VMs changed among them reach their DAGs through :func:`_with_sharers`); None when
    an element of another kind changed."""
    added, removed, replaced = followed
    found: set[str] = set()
    for element in (*added, *removed, *(e for pair in replaced for e in pair)):
        if isinstance(element, Dag):
            found.add(element.id)
        elif isinstance(element, MailboxDatabase):
            found.add(element.dag or element.id)
        elif not isinstance(element, VirtualMachine):
            return None
    return frozenset(found)


def _vms_named(element: ElementBase) -> list[str]:
    """The VMs a DAG names as members or a database as its copies' holders (a VM:
    itself)."""
    if isinstance(element, VirtualMachine):
        return [element.id]
    if isinstance(element, Dag):
        return list(element.members)
    if isinstance(element, MailboxDatabase):
        return [copy.member for copy in element.copies]
    return []


def _with_sharers(
    dags: frozenset[str],
    followed: tuple[
        tuple[ElementBase, ...],
        tuple[ElementBase, ...],
        tuple[tuple[ElementBase, ElementBase], ...],
    ],
    index: DesignIndex,
) -> frozenset[str]:
    """``dags`` and every DAG (or database outside any) that shares a VM with one of
    them, as a member or a copy's holder, before the edit or after it, and so on: a
    per-DAG rule's findings about one DAG may read what another DAG's databases keep on
    its members (DAG016: a member holding no copy; DAG011 and DAG014 gather databases
    by the members they share), so those re-run together. Designs keep a VM in one DAG:
    the set is then the DAGs edited."""
    of_dag = index.group("mailbox_database", "dag")
    by_holder = index.group("mailbox_database", "copies")
    by_member = index.group("dag", "members")
    added, removed, replaced = followed
    vms: list[str] = []
    for element in (*added, *removed, *(e for pair in replaced for e in pair)):
        vms.extend(_vms_named(element))
    found = set(dags)
    todo = list(dags)
    # A VM edited that runs a DAG's file share witness (or alternate): the DAG rules
    # judge the witness by where its server runs (DAG001, DAG002, DAG009, DAG015).
    witnesses = index.group("file_share_witness", "vm")
    by_witness = index.group("dag", "witness")
    by_alternate = index.group("dag", "alternate_witness")
    for vm in dict.fromkeys(vms):
        for witness in witnesses.get(vm, ()):
            for dag in (*by_witness.get(witness.id, ()), *by_alternate.get(witness.id, ())):
                if dag.id not in found:
                    found.add(dag.id)
                    todo.append(dag.id)
    seen_vms: set[str] = set()
    while True:
        for vm in vms:
            if vm in seen_vms:
                continue
            seen_vms.add(vm)
            for other in by_member.get(vm, ()):
                if other.id not in found:
                    found.add(other.id)
                    todo.append(other.id)
            for db in by_holder.get(vm, ()):
                unit = db.dag or db.id  # type: ignore[attr-defined]
                if unit not in found:
                    found.add(unit)
                    todo.append(unit)
        if not todo:
            return frozenset(found)
        unit = todo.pop()
        vms = []
        named = index.get(unit)
        if isinstance(named, (Dag, MailboxDatabase)):
            vms.extend(_vms_named(named))
        for db in of_dag.get(unit, ()):
            vms.extend(_vms_named(db))


def _dag_of(finding: Finding, index: DesignIndex) -> str | None:
    """The DAG (id; a database outside any DAG by its own) that ``finding`` of a
    per-DAG rule is about: that of its DAG and databases; None when they name none or
    several."""
    found: str | None = None
    get = index.get
    for element_id in finding.elements:
        element = get(element_id)
        if isinstance(element, Dag):
            dag = element.id
        elif isinstance(element, MailboxDatabase):
            dag = element.dag or element.id
        else:
            continue
        if found is not None and dag != found:
            return None
        found = dag
    return found


def _by_dag(findings: list[Finding], index: DesignIndex) -> ByDag:
    """``findings`` by the DAG each is about; None when one is about none or several."""
    by_dag: dict[str, list[Finding]] = {}
    for finding in findings:
        dag = _dag_of(finding, index)
        if dag is None:
            return None
        by_dag.setdefault(dag, []).append(finding)
    return by_dag


def _renamed(rule: Rule, findings: list[Finding], renamed: frozenset[tuple[str, str]]) -> bool:
    """Whether renaming elements ((kind, old name) pairs) can change what ``rule`` found
    (``findings``). Rules decide by ids and fields, and use names only to word their
    messages (a rule that decides by names reads :data:`~designer.rules.EVERYTHING`):
    a rule that reads or follows the kind is affected only if one of its messages holds
    the old name."""
    if not renamed:
        return False
    if rule.reads is None:
        return True
    seen = rule.reads | rule.follows
    names = [name for kind, name in renamed if kind in seen]
    return any(name in finding.message for finding in findings for name in names)


class LiveCheck:
    """Findings kept per rule between checks, re-run for what changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the notes
        self._running = threading.Lock()  # the kept findings
        #: (revision, what it changed) not yet checked, in order.
        self._notes: list[tuple[int, Change]] = []
        #: Each rule's findings (settings' severities applied, before waivers) on the
        #: design of ``_revision``; None: no check yet (the next one runs everything).
        self._kept: dict[str, list[Finding]] | None = None
        self._revision = -1
        #: The codes of the rules the last check ran (None: all of them).
        self.last_run: list[str] | None = None
        #: The DAGs the last check re-ran the per-DAG rules for (None: not one by one).
        self.last_per_dag: frozenset[str] | None = None
        #: The lookups of the design last checked without an index given (the worker's).
        self._live: LiveIndex | None = None
        #: Whether the kept findings are those of ``_live``'s design (its next
        #: :meth:`LiveIndex.follow` then says what changed since them).
        self._live_kept = False
        #: The findings of the rules of :attr:`Rule.per_dag` by DAG (see :data:`ByDag`).
        self._by_dag: dict[str, ByDag] = {}

    def note(self, revision: int, change: Change) -> None:
        """The document's ``revision`` made ``change`` (see :data:`Change`)."""
        with self._lock:
            self._notes.append((revision, change))

    def forget(self) -> None:
        """Run everything next time (e.g. after a check that bypassed this one)."""
        with self._lock:
            self._notes.append((-1, None))

    def _take(self, revision: int) -> Change:
        """What changed up to ``revision`` since the kept check (the notes of later
        revisions stay for the next check)."""
        with self._lock:
            taken = [change for rev, change in self._notes if rev <= revision]
            self._notes = [(rev, change) for rev, change in self._notes if rev > revision]
        structural: set[str] = set()
        changed: set[str] = set()
        renamed: set[tuple[str, str]] = set()
        for change in taken:
            if change is None:
                return None
            structural |= change[0]
            changed |= change[1]
            renamed |= change[2]
        return frozenset(structural), frozenset(changed), frozenset(renamed)

    def check(
        self,
        design: Design,
        *,
        revision: int,
        index: DesignIndex | None = None,
        wait: bool = True,
    ) -> CheckResult:
        """The findings of ``design`` (the document at ``revision``): what
        :func:`designer.rules.check` finds, re-running only the rules that what changed
        since the last check can affect. ``wait=False``: when another thread's check is
        running, check the whole design now instead of waiting for it."""
        if not self._running.acquire(blocking=wait):
            self.last_run = None
            return check(design, index=index)
        try:
            return self._check(design, revision, index)
        finally:
            self._running.release()

    def _index_of(self, design: Design) -> DesignIndex:
        return self._following(design)[0]

    def _following(self, design: Design) -> tuple[DesignIndex, frozenset[str] | None]:
        """An index of ``design``: the worker's own, brought from the design of its last
        check to this one by the elements that differ (:meth:`LiveIndex.apply`, as the
        Document does edit by edit) instead of built afresh with its reverse relations
        and placements (0.1-0.5 s at 100k elements). A new one when most elements
        differ. Each design gets a new :class:`DesignIndex` over it: the rules' caches
        keyed on the index never see an older design's facts. With it, the DAGs whose
        per-DAG findings what changed since the kept ones can change, when only DAGs,
        databases and VMs did (:func:`_with_sharers`; else None)."""
        live = self._live
        dags: frozenset[str] | None = None
        if live is not None and live.design is not design:
            try:
                followed = live.follow(design)
            except Exception:  # never trust a half-updated index: build a new one
                followed = False
            if followed and self._live_kept:
                dags = _dags_edited(live.followed)
                if dags is not None:
                    dags = _with_sharers(dags, live.followed, DesignIndex.of_live(live))
            live = live if followed else None
        elif live is not None and self._live_kept:
            dags = frozenset()
        if live is None:
            live = LiveIndex(design)
        self._live = live
        self._live_kept = False  # until the kept findings are this design's
        return DesignIndex.of_live(live), dags

    def _check(self, design: Design, revision: int, index: DesignIndex | None) -> CheckResult:
        rules = load_all_rules()
        kept = self._kept
        if revision < self._revision:
            # An older design than the one kept: check it whole, keep nothing.
            self.last_run = None
            self._live_kept = False
            return check(design, index=index or self._index_of(design))
        change = self._take(revision)
        by_dag = self._by_dag
        if kept is None or change is None or kept.keys() != rules.keys():
            kept = {}
            by_dag = {}
            selected = list(rules)
        else:
            kept = dict(kept)
            by_dag = dict(by_dag)
            selected = [
                code
                for code, rule in rules.items()
                if rule.affected_by(change[0], change[1]) or _renamed(rule, kept[code], change[2])
            ]
        self.last_per_dag = None
        if selected:
            dags: frozenset[str] | None = None
            if index is None:
                index, dags = self._following(design)
            else:
                self._live_kept = False  # the worker's lookups stay on an older design
            context = RuleContext(design, index)
            per_dag = RuleContext(design, index, dags=dags)
            try:
                for code in selected:
                    rule = rules[code]
                    ours = by_dag.get(code) if rule.per_dag and dags is not None else None
                    if ours is not None and dags is not None:
                        found = _by_dag(run_rule(per_dag, rule), index)
                        if found is not None and found.keys() <= dags:
                            ours = {d: f for d, f in ours.items() if d not in dags}
                            ours.update(found)
                            by_dag[code] = ours
                            kept[code] = [f for findings in ours.values() for f in findings]
                            self.last_per_dag = dags
                            continue
                    kept[code] = run_rule(context, rule)
                    if rule.per_dag:
                        by_dag[code] = _by_dag(kept[code], index)
            except BaseException:
                self._kept = None  # the changes taken are lost: everything next time
                raise
            self._live_kept = self._live is not None and self._live.design is design
        self._kept = kept
        self._by_dag = by_dag
        self._revision = revision
        self.last_run = None if len(selected) == len(rules) else selected
        raw = [finding for code in rules for finding in kept[code]]
        return finish(design, raw, all_rules=True)
