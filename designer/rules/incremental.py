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
(:meth:`LiveIndex.follow`) instead of indexing the snapshot afresh.

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
        #: The lookups of the design last checked without an index given (the worker's).
        self._live: LiveIndex | None = None

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
        """An index of ``design``: the worker's own, brought from the design of its last
        check to this one by the elements that differ (:meth:`LiveIndex.apply`, as the
        Document does edit by edit) instead of built afresh with its reverse relations
        and placements (0.1-0.5 s at 100k elements). A new one when most elements
        differ. Each design gets a new :class:`DesignIndex` over it: the rules' caches
        keyed on the index never see an older design's facts."""
        live = self._live
        if live is not None and live.design is not design:
            try:
                followed = live.follow(design)
            except Exception:  # never trust a half-updated index: build a new one
                followed = False
            live = live if followed else None
        if live is None:
            live = LiveIndex(design)
        self._live = live
        return DesignIndex.of_live(live)

    def _check(self, design: Design, revision: int, index: DesignIndex | None) -> CheckResult:
        rules = load_all_rules()
        kept = self._kept
        if revision < self._revision:
            # An older design than the one kept: check it whole, keep nothing.
            self.last_run = None
            return check(design, index=index or self._index_of(design))
        change = self._take(revision)
        if kept is None or change is None or kept.keys() != rules.keys():
            kept = {}
            selected = list(rules)
        else:
            kept = dict(kept)
            selected = [
                code
                for code, rule in rules.items()
                if rule.affected_by(change[0], change[1]) or _renamed(rule, kept[code], change[2])
            ]
        if selected:
            context = RuleContext(design, index or self._index_of(design))
            try:
                for code in selected:
                    kept[code] = run_rule(context, rules[code])
            except BaseException:
                self._kept = None  # the changes taken are lost: everything next time
                raise
        self._kept = kept
        self._revision = revision
        self.last_run = None if len(selected) == len(rules) else selected
        raw = [finding for code in rules for finding in kept[code]]
        return finish(design, raw, all_rules=True)
