"""Find and replace in element names: a design renamed for a customer in one step.

A consultant turns a sample's ``BOS-MBX01``, ``BOS-Cluster``… into ``NYC-MBX01``,
``NYC-Cluster``… by asking once (Edit > Replace in Names…, ``dr-designer rename``).
:func:`plan_renames` says what would change (each element's old and new name) and what
stands in the way (a new name another element of the kind keeps, two elements given
one name, a name left empty or too long), naming the elements; :meth:`RenamePlan.command`
is the edit, one :class:`~designer.document.commands.RenameElements` (one undo step,
checked together by the Document, so that two names may be swapped). Finding reads each
name in scope once; the edit costs what it changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from designer.document.commands import RenameElements
from designer.domain.elements import ElementBase
from designer.domain.words import plural, word_for

if TYPE_CHECKING:
    from designer.document.document import Document

__all__ = [
    "CHECK_COST",
    "COPY_STEP",
    "MAX_NAME",
    "PLAN_STEP",
    "NameChange",
    "NameQuery",
    "RenamePlan",
    "plan_renames",
    "plan_renames_in_steps",
]

#: The longest name an element may have (``elements.Name``).
MAX_NAME = 200
#: Renamed elements made between two yields of :meth:`RenamePlan.command_in_steps`
#: (~9 ms at 100k).
COPY_STEP = 500


@dataclass(frozen=True)
class NameQuery:
    """What to find in names and what to put in its place: plain text (no patterns),
    every occurrence in a name.

    Examples
    --------
    >>> NameQuery("BOS", "NYC").replaced("BOS-MBX01")
    'NYC-MBX01'
    >>> NameQuery("bos", "NYC").replaced("BOS-MBX01") is None
    True
    >>> NameQuery("bos", "NYC", match_case=False).replaced("Boston BOS")
    'NYCton NYC'
    >>> NameQuery("DC1", "DC9", whole_word=True).replaced("DC1-Cluster DC10")
    'DC9-Cluster DC10'
    """

    find: str
    replace: str
    match_case: bool = True
    whole_word: bool = False

    def _pattern(self) -> re.Pattern[str]:
        text = re.escape(self.find)
        if self.whole_word:
            text = rf"(?<!\w){text}(?!\w)"
        return re.compile(text, 0 if self.match_case else re.IGNORECASE)

    def replaced(self, name: str) -> str | None:
        """``name`` with every occurrence replaced, or None where there is none."""
        return _Replacer(self).replaced(name)


class _Replacer:
    """A query made ready to run over many names."""

    def __init__(self, query: NameQuery) -> None:
        self.find = query.find
        self.replace = query.replace
        # Plain, case-sensitive, any part of a word: str's own search and replace.
        self.plain = query.match_case and not query.whole_word
        self.pattern = query._pattern()

    def replaced(self, name: str) -> str | None:
        if not self.find:
            return None
        if self.plain:
            return name.replace(self.find, self.replace) if self.find in name else None
        if self.pattern.search(name) is None:
            return None
        replace = self.replace
        return self.pattern.sub(lambda _m: replace, name)


@dataclass(frozen=True)
class NameChange:
    """One element's name, before and after."""

    element: ElementBase
    new: str

    @property
    def old(self) -> str:
        return self.element.name

    @property
    def kind_label(self) -> str:
        return self.element.label


@dataclass(frozen=True)
class RenamePlan:
    """What a :class:`NameQuery` changes in a scope, and why it cannot (``problems``:
    each a sentence naming the elements; ``blocked``: their ids)."""

    query: NameQuery
    changes: tuple[NameChange, ...]
    problems: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether applying it would change something and nothing stands in the way."""
        return bool(self.changes) and not self.problems

    def summary(self) -> str:
        """One line: how many names change, or why none can.

        Examples
        --------
        >>> RenamePlan(NameQuery("BOS", "NYC"), ()).summary()
        'No name contains "BOS"'
        """
        q = self.query
        if not q.find:
            return "Type the text to find"
        if not self.changes:
            if self.problems:
                return f"Nothing can be replaced: {self.problems[0]}"
            return f"No name contains {_quoted(q.find)}"
        n = len(self.changes)
        said = f"{plural(n, 'name')} would change"
        if self.problems:
            k = len(self.problems)
            return (
                f"{said}, but {k:,} of them cannot (below): nothing is replaced until "
                f"{'it is' if k == 1 else 'they are'} settled"
            )
        return said

    def command_text(self) -> str:
        """The undo step's name: Replace "BOS" with "NYC" in 12 names."""
        q = self.query
        n = len(self.changes)
        return f"Replace {_quoted(q.find)} with {_quoted(q.replace)} in {plural(n, 'name')}"

    def command(self) -> RenameElements | None:
        """The edit (one undo step), or None when there is nothing to do or a problem."""
        steps = self.command_in_steps(every=0)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                command: RenameElements | None = done.value
                return command

    def command_in_steps(
        self, every: int = COPY_STEP
    ) -> Generator[None, None, RenameElements | None]:
        """:meth:`command`, yielding after every ``every`` renamed elements made (0:
        never; 2,253 at 100k: ~40 ms); the command is the generator's return value."""
        if not self.ok:
            return None
        news: list[ElementBase] = []
        changes = self.changes
        # A swap: a new name that another renamed element has now (the plan's changes
        # are every renamed element, each with a name of its own in its kind).
        olds = {(c.element.kind, c.element.name) for c in changes}
        swaps = any((c.element.kind, c.new) in olds for c in changes)
        step = every or len(changes)
        for start in range(0, len(changes), step):
            if start:
                yield
            news.extend(
                c.element.model_copy(update={"name": c.new}) for c in changes[start : start + step]
            )
        return RenameElements(news, self.command_text(), swaps=swaps)


def _said(change: NameChange) -> str:
    """A change as a problem names it: ``site BOS → NYC``."""
    element = change.element
    return f"{element.label} {element.name} → {change.new or '(nothing)'}"


def _quoted(text: str, limit: int = 40) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f'"{shown}"'


def _control(text: str) -> str | None:
    """The first control (or other invisible format) character of ``text``, if any."""
    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")), None)


def _in_scope(
    doc: Document, kinds: Iterable[str] | None, ids: Iterable[str] | None
) -> Iterable[ElementBase]:
    index = doc.index
    if ids is not None:
        found = (index.get(i) for i in dict.fromkeys(ids))
        chosen = [e for e in found if e is not None]
        if kinds is not None:
            wanted = set(kinds)
            chosen = [e for e in chosen if e.kind in wanted]
        return sorted(chosen, key=lambda e: index.position_of(e.id))
    if kinds is not None:
        by_kind = index.by_kind
        return [e for kind in kinds for e in by_kind.get(kind, ())]
    return doc.design.elements


def plan_renames(
    doc: Document,
    query: NameQuery,
    *,
    kinds: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
) -> RenamePlan:
    """What replacing ``query.find`` by ``query.replace`` does to the names of the
    elements in scope: those of ``ids`` (a selection) and of ``kinds``, or all.

    Examples
    --------
    >>> from designer.document import Document
    >>> from designer.domain import Site
    >>> doc = Document()
    >>> doc.insert_elements([(0, Site(id="s1", name="BOS")), (1, Site(id="s2", name="NYC"))])
    >>> plan = plan_renames(doc, NameQuery("BOS", "NYC"))
    >>> [(c.old, c.new) for c in plan.changes], plan.problems
    ([('BOS', 'NYC')], ('site BOS → NYC: site NYC already has that name',))
    """
    steps = plan_renames_in_steps(doc, query, kinds=kinds, ids=ids, every=0)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            plan: RenamePlan = done.value
            return plan


#: Names read between two yields of :func:`plan_renames_in_steps` (~2-6 ms at 100k, by
#: the query: a plain one is str's own search, the others a pattern).
PLAN_STEP = 4000
#: New names checked (taken by another element? given twice?) per name read in one
#: step: a check costs ~8 times a read (the index's lookup, the element's kind). The
#: 2,253 new names of a site at 100k, checked in one step of 4,000, took 25-35 ms of one
#: turn (the dialog's plan again after a Replace All's redo: wave 30).
CHECK_COST = 8


def plan_renames_in_steps(
    doc: Document,
    query: NameQuery,
    *,
    kinds: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    every: int | None = None,
) -> Generator[None, None, RenamePlan]:
    """:func:`plan_renames`, yielding after every ``every`` names read or checked
    (:data:`PLAN_STEP` if not given; 0: never): the dialog plans a 100k design's names
    in the window's idle slices (one pass over 100,000 names took 25-70 ms of one
    turn). The plan is the generator's return value; it is :func:`plan_renames`'s only
    while ``doc`` is not edited meanwhile (its caller starts again if it is).

    Examples
    --------
    >>> from designer.document import Document
    >>> from designer.domain import Site
    >>> doc = Document()
    >>> doc.insert_elements([(0, Site(id="s1", name="BOS")), (1, Site(id="s2", name="BOSX"))])
    >>> steps = plan_renames_in_steps(doc, NameQuery("BOS", "NYC"), every=1)
    >>> yields, plan = 0, None
    >>> while plan is None:
    ...     try:
    ...         next(steps)
    ...         yields += 1
    ...     except StopIteration as done:
    ...         plan = done.value
    >>> [(c.old, c.new) for c in plan.changes], yields
    ([('BOS', 'NYC'), ('BOSX', 'NYCX')], 4)
    """
    if every is None:
        every = PLAN_STEP
    check_every = max(1, every // CHECK_COST) if every else 0
    replacer = _Replacer(query)
    problems: list[str] = []
    blocked: list[str] = []
    changes: list[NameChange] = []
    if not query.find:
        return RenamePlan(query, ())
    bad = _control(query.replace)
    if bad is not None:
        return RenamePlan(
            query,
            (),
            (f"the replacement holds a control character ({ascii(bad)[1:-1]}): names cannot",),
        )
    scope = iter(_in_scope(doc, kinds, ids))
    replaced = replacer.replaced
    while True:
        part = list(islice(scope, every)) if every else list(scope)
        if not part:
            break
        for element in part:
            new = replaced(element.name)
            if new is not None and new != element.name:
                changes.append(NameChange(element, new))
        if not every:
            break
        yield
    if not changes:
        return RenamePlan(query, ())
    index = doc.index
    renamed = {c.element.id for c in changes}
    taken: dict[tuple[str, str], NameChange] = {}
    named = index.named
    for count, change in enumerate(changes, 1):
        if check_every and not count % check_every:
            yield
        element = change.element
        if not change.new.strip():
            problems.append(f"{_said(change)}: a name cannot be empty")
            blocked.append(element.id)
            continue
        if len(change.new) > MAX_NAME:
            problems.append(
                f"{element.label} {element.name}: its new name would have {len(change.new)} "
                f"characters; a name has at most {MAX_NAME}"
            )
            blocked.append(element.id)
            continue
        key = (element.kind, change.new)
        holder = named(element.kind, change.new)
        if holder is not None and holder not in renamed:
            other = index.get(holder)
            who = other.describe() if other is not None else holder
            problems.append(f"{_said(change)}: {who} already has that name")
            blocked.append(element.id)
            continue
        first = taken.get(key)
        if first is not None:
            problems.append(
                f"{_said(change)}: {first.element.describe()} would be given that name too "
                f"(two {word_for(2, element.label)} cannot share a name)"
            )
            blocked.append(element.id)
            continue
        taken[key] = change
    return RenamePlan(query, tuple(changes), tuple(problems), tuple(blocked))
