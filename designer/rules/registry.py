"""The rule catalogue: one small pure function per rule, registered with its metadata.

``@rule(code="MV001", name="consistency-group-over-model-limit", severity=ERROR,
source="002 Tables 2, 3")`` registers a function ``(ctx) -> Iterable[Finding]``. Its
docstring must have the sections *What it checks*, *Why*, *Fix* and *Source*; a missing
section or a duplicate code is refused at import. The docstring is looked at as written
there (each title on a line of its own over a line of dashes); its indentation is
removed when the documentation is first read (:attr:`Rule.doc`), not at every start.

The docstring is the rule's documentation (``dr-designer rule``, *Explain*, SARIF).
``python -OO`` — which packagers use to byte-compile — strips docstrings from the code;
the registry then reads them from the module's source with :mod:`ast`, so the
catalogue reads the same either way.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import compress
from operator import itemgetter, sub
from typing import TYPE_CHECKING

from designer.domain.design import Severity
from designer.domain.facets import FACETS
from designer.domain.kinds import KINDS

if TYPE_CHECKING:
    from designer.rules.context import RuleContext
    from designer.rules.finding import Finding

__all__ = ["EVERYTHING", "RULES", "Rule", "RuleDefinitionError", "missing_sections", "rule"]

CODE_PATTERN = re.compile(r"^[A-Z]{2,4}\d{3}$")
SECTIONS = ("What it checks", "Why", "Fix", "Source")


@cache
def _underlined_pattern(title: str) -> re.Pattern[str]:
    """``title`` underlined with dashes, searched for from the title's own text: the
    regular expression engine skips ahead to it (a pattern that starts with ``^`` is
    tried at every character of the docstring); it counts only where ``^`` would match.
    Compiled on first use (:func:`missing_sections` is not on a command's start)."""
    return re.compile(rf"{re.escape(title)}\s*\n-+$", re.M)


#: Each title of :data:`SECTIONS` on a line of its own in a docstring as written (after
#: its indentation) over a line of dashes, searched for from the title's own text.
_WRITTEN_UNDERLINED = {
    title: re.compile(rf"{re.escape(title)}\s*\n[ \t]*-+[ \t]*$", re.M) for title in SECTIONS
}

RuleCheck = Callable[["RuleContext"], Iterable["Finding"]]

#: A rule's ``reads`` when it cannot say which kinds of elements it reads: it is re-run
#: after every edit of an element.
EVERYTHING: frozenset[str] | None = None


class RuleDefinitionError(Exception):
    """A rule is declared wrongly (bad or duplicate code, undocumented)."""


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, metadata, check function and documentation."""

    code: str
    name: str
    severity: Severity
    source: str
    family: str
    check: RuleCheck = field(repr=False)
    #: The check function's docstring as written (indented); :attr:`doc` is its text.
    written_doc: str = field(repr=False, default="")
    #: The element kinds the rule goes through (every element of the kind, a reverse
    #: relation such as the VMs on a host, a count); None (:data:`EVERYTHING`): it may
    #: read anything. An element of one of them added, removed or changed can change
    #: its findings. Rules decide by ids and fields and use names only in their
    #: messages; one that decides by names (or reads the element list) reads
    #: EVERYTHING.
    reads: frozenset[str] | None = field(repr=False, default=None)
    #: The kinds of the elements it reaches only by following references (ids in fields)
    #: from what it reads: only a change of such an element can change its findings (an
    #: element added or removed is reached only through a referrer, which changes too).
    follows: frozenset[str] = field(repr=False, default=frozenset())
    #: Kinds of ``reads`` of which the rule goes through one facet only
    #: (:mod:`designer.domain.facets`: ``{"vm": "exchange"}``, the Exchange servers): an
    #: element of the kind outside the facet added or removed cannot change its
    #: findings (a change of one still can: it may enter the facet).
    narrow: Mapping[str, str] = field(repr=False, default_factory=dict)
    #: The kind of element the rule gathers into one finding (BK001, CAP006, DAG011 and
    #: DAG014 their mailbox databases): a waiver naming one element of that kind alone
    #: (:meth:`RuleContext.waived_alone`) takes it out into a finding of its own, the
    #: gathered finding staying for the rest (the Problems list's *Waive One Element…*).
    gathers: str | None = field(repr=False, default=None)
    #: Each of its findings is about one DAG (its DAG and databases, or one database
    #: outside any DAG), found from that DAG's own databases, members and what they
    #: follow, and none gathers several DAGs: after an edit of DAGs and databases only,
    #: the live check re-runs it for the DAGs edited alone, through the rule's
    #: :func:`~designer.rules.checks._dag_facts.dag_facts` (:mod:`designer.rules.incremental`).
    per_dag: bool = field(repr=False, default=False)

    def affected_by(self, structural: frozenset[str], changed: frozenset[str]) -> bool:
        """Whether an edit that added or removed elements of the kinds ``structural``
        (with the facets they are in: ``"vm.exchange"``) and changed elements of the
        kinds ``changed`` can change the rule's findings (the live check re-runs only
        those: :mod:`designer.rules.incremental`). The design's settings (intent,
        capacity figures, rule levels) are not declared: a change of them re-runs every
        rule. No rule reads the canvas layout."""
        reads = self.reads
        if reads is None:
            return bool(structural or changed)
        if not (reads.isdisjoint(changed) and self.follows.isdisjoint(changed)):
            return True
        narrow = self.narrow
        for kind in reads.intersection(structural):
            facet = narrow.get(kind)
            if facet is None or f"{kind}.{facet}" in structural:
                return True
        return False

    @cached_property
    def doc(self) -> str:
        """The documentation: the docstring without its indentation, made when first
        read (``dr-designer rule``, *Explain*, SARIF), not for each of the ~60 rules at
        every start (~1 % of ``check``'s instructions: issue 10)."""
        return _clean_doc(self.written_doc)

    @property
    def summary(self) -> str:
        """The docstring's first line: what the rule is about."""
        return self.doc.split("\n", 1)[0].rstrip(".")

    def section(self, title: str) -> str:
        """The text of one docstring section ("Why", "Fix", …)."""
        pattern = rf"^{re.escape(title)}\s*\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)"
        found = re.search(pattern, self.doc, re.S | re.M)
        return " ".join(found.group(1).split()) if found else ""


#: Every registered rule by code, in registration order.
RULES: dict[str, Rule] = {}


@cache
def _source_docstrings(module: str) -> dict[str, str]:
    """Docstrings of a module's top-level functions, read from its source file."""
    import importlib.util  # only under python -OO

    spec = importlib.util.find_spec(module)
    loader = spec.loader if spec is not None else None
    get_source = getattr(loader, "get_source", None)
    source = get_source(module) if get_source is not None else None
    if source is None:
        return {}
    return {
        node.name: ast.get_docstring(node, clean=False) or ""
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
    }


def _docstring(check: RuleCheck) -> str:
    if check.__doc__ is not None or sys.flags.optimize < 2:
        return check.__doc__ or ""
    # python -OO stripped it: the rule's source still has it.
    return _source_docstrings(check.__module__).get(check.__name__, "")


def _clean_doc(doc: str) -> str:
    """The docstring without its indentation: the first line stripped, the others less
    the smallest indentation of those not blank, the whole stripped. Each step a map
    over the lines (no Python-level loop: 56 rules' docstrings at every start)."""
    lines = doc.expandtabs().splitlines() or [""]
    rest = lines[1:]
    left = list(map(len, map(str.lstrip, rest)))  # 0: a blank line
    indent = min(compress(map(sub, map(len, rest), left), left), default=0)
    return "\n".join([lines[0].strip(), *map(itemgetter(slice(indent, None)), rest)]).strip()


def missing_sections(doc: str) -> list[str]:
    """The titles of :data:`SECTIONS` that ``doc`` (a cleaned docstring) lacks, in order:
    those not on a line of their own (trailing whitespace allowed) over a line of dashes,
    as ``re.search(rf"^{title}\\s*\\n-+$", doc, re.M)`` finds them."""
    return [title for title in SECTIONS if not _underlined(doc, title)]


def _underlined(doc: str, title: str) -> bool:
    search = _underlined_pattern(title).search
    found = search(doc)
    while found is not None:
        start = found.start()
        if start == 0 or doc[start - 1] == "\n":  # where ``^`` matches under re.M
            return True
        found = search(doc, start + 1)
    return False


def missing_written_sections(doc: str) -> list[str]:
    """The titles of :data:`SECTIONS` that ``doc``, a docstring as written (indented),
    lacks: those not on a line of their own — after nothing but spaces and tabs, before
    trailing whitespace — over a line of dashes (spaces and tabs around them). Every
    title :func:`missing_sections` finds in the cleaned docstring is found here."""
    return [title for title in SECTIONS if not _written_underlined(doc, title)]


def _written_underlined(doc: str, title: str) -> bool:
    search = _WRITTEN_UNDERLINED[title].search
    found = search(doc)
    while found is not None:
        start = found.start()
        if not doc[doc.rfind("\n", 0, start) + 1 : start].strip(" \t"):  # only indentation
            return True
        found = search(doc, start + 1)
    return False


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    source: str,
    reads: Iterable[str] | None = EVERYTHING,
    follows: Iterable[str] = (),
    narrow: Mapping[str, str] | None = None,
    gathers: str | None = None,
    per_dag: bool = False,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule function under ``code``. ``reads``: the element kinds it goes
    through (every kind when not given), ``follows``: those it only reaches through
    references, ``narrow``: kinds of ``reads`` of which it goes through one facet only
    (see :attr:`Rule.reads`, :attr:`Rule.follows`, :attr:`Rule.narrow`), ``gathers``: the
    kind it gathers into one finding and splits out when a waiver names one alone
    (:attr:`Rule.gathers`), ``per_dag``: its findings are each about one DAG
    (:attr:`Rule.per_dag`)."""
    declared = None if reads is None else frozenset(reads)
    followed = frozenset(follows)
    unknown = sorted((declared or frozenset()).union(followed).difference(KINDS))
    if unknown:
        raise RuleDefinitionError(f"rule {code} declares unknown kinds: {unknown}")
    facets = dict(narrow or {})
    wrong = sorted(
        f"{kind}.{facet}"
        for kind, facet in facets.items()
        if declared is None or kind not in declared or facet not in FACETS.get(kind, {})
    )
    if wrong:
        raise RuleDefinitionError(f"rule {code} narrows to unknown or unread facets: {wrong}")
    if gathers is not None and gathers not in KINDS:
        raise RuleDefinitionError(f"rule {code} gathers an unknown kind: {gathers}")

    def register(check: RuleCheck) -> RuleCheck:
        if not CODE_PATTERN.match(code):
            raise RuleDefinitionError(f"rule code {code!r} is not like 'MV001'")
        if code in RULES:
            raise RuleDefinitionError(f"rule code {code} is registered twice")
        doc = _docstring(check)
        missing = missing_written_sections(doc)
        if missing:
            raise RuleDefinitionError(
                f"rule {code} ({check.__qualname__}) lacks docstring sections: {missing}"
            )
        family = re.sub(r"\d+$", "", code)
        RULES[code] = Rule(
            code,
            name,
            severity,
            source,
            family,
            check,
            doc,
            declared,
            followed,
            facets,
            gathers,
            per_dag,
        )
        check.code = code  # type: ignore[attr-defined]
        return check

    return register
