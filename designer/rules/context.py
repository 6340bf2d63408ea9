"""What a rule sees: the design, its index and graph, built once per check."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from designer.domain.design import Design, Severity
from designer.domain.elements import ElementBase
from designer.domain.index import DesignIndex
from designer.rules.finding import Finding

if TYPE_CHECKING:
    from designer.graph.topology import Topology

__all__ = ["RuleContext"]


class RuleContext:
    """Shared, read-only inputs of the rules; ``finding`` builds a rule's finding."""

    def __init__(
        self,
        design: Design,
        index: DesignIndex | None = None,
        *,
        dags: frozenset[str] | None = None,
    ) -> None:
        self.design = design
        self.index = index or DesignIndex(design)
        #: The DAGs (ids; a database outside any DAG by its own id) whose findings the
        #: rules of :attr:`designer.rules.Rule.per_dag` look for; None: the whole design
        #: (the live check's re-run after an edit of DAGs and databases only).
        self.dags = dags
        self.current_code = ""
        self.current_severity = Severity.WARNING
        self.current_source = ""

    @cached_property
    def topology(self) -> Topology:
        # networkx is imported by the first rule that asks for the graph, not by every
        # `dr-designer check` (none of today's rules needs it).
        from designer.graph.topology import build_graph

        return build_graph(self.design, self.index)

    def waived_alone(self, kind: str) -> frozenset[str]:
        """The elements of ``kind`` that a waiver of the rule being run names as its only
        one of that kind. A rule that gathers many elements' problem into one finding
        (DAG011 and CAP006 their databases) reports these on findings of their own, as
        before it gathered them: a waiver written for one database then still waives
        that one alone, not the others it was gathered with; a waiver of a gathered
        finding (naming all its databases) still matches that finding."""
        code, get = self.current_code, self.index.get
        found: set[str] = set()
        for waiver in self.design.rules.waivers:
            if waiver.code == code:
                named = [
                    e for e in waiver.elements if (el := get(e)) is not None and el.kind == kind
                ]
                if len(named) == 1:
                    found.add(named[0])
        return frozenset(found)

    def finding(
        self,
        message: str,
        elements: Iterable[ElementBase | str],
        *,
        severity: Severity | None = None,
        fix_field: str = "",
    ) -> Finding:
        """A finding of the rule being run; ``severity`` overrides its default (e.g. info);
        ``fix_field``: the field of the first element that fixes it (see Finding)."""
        ids = tuple(e if isinstance(e, str) else e.id for e in elements)
        return Finding(
            code=self.current_code,
            message=message,
            elements=ids,
            severity=severity or self.current_severity,
            source=self.current_source,
            fix_field=fix_field,
        )
