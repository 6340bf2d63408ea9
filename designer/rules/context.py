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

    def __init__(self, design: Design, index: DesignIndex | None = None) -> None:
        self.design = design
        self.index = index or DesignIndex(design)
        self.current_code = ""
        self.current_severity = Severity.WARNING
        self.current_source = ""

    @cached_property
    def topology(self) -> Topology:
        # networkx is imported by the first rule that asks for the graph, not by every
        # `dr-designer check` (none of today's rules needs it).
        from designer.graph.topology import build_graph

        return build_graph(self.design, self.index)

    def finding(
        self,
        message: str,
        elements: Iterable[ElementBase | str],
        *,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of the rule being run; ``severity`` overrides its default (e.g. info)."""
        ids = tuple(e if isinstance(e, str) else e.id for e in elements)
        return Finding(
            code=self.current_code,
            message=message,
            elements=ids,
            severity=severity or self.current_severity,
            source=self.current_source,
        )
