"""Findings markers: which drawn item shows which findings (pure, no Qt)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from designer.domain.design import Severity
from designer.rules.finding import Finding

__all__ = ["Mark", "iter_marks", "marks_of"]

#: Tooltips list at most this many findings.
MAX_LINES = 12


class Mark(NamedTuple):
    """What an item shows: its worst severity, how many findings, and their text."""

    severity: Severity
    findings: int
    tip: str


def marks_of(findings: Iterable[Finding], shown_on: Callable[[str], str | None]) -> dict[str, Mark]:
    """The mark of each drawn item. ``shown_on(id)`` is the item an element's findings
    show on (itself, a disk's VM…) or None if it is not drawn; each finding counts once
    per item.

    Examples
    --------
    >>> f = Finding(code="VS002", message="VM x over", elements=("vm1", "d1"))
    >>> marks_of([f], {"vm1": "vm1", "d1": "vm1"}.get)["vm1"][:2]
    (<Severity.WARNING: 'warning'>, 1)
    """
    return dict(iter_marks(findings, shown_on))


def iter_marks(
    findings: Iterable[Finding], shown_on: Callable[[str], str | None]
) -> Iterator[tuple[str, Mark]]:
    """:func:`marks_of` one item at a time, so that a caller can spread thousands of
    marks over several turns of the event loop (building each tooltip is the cost).

    >>> f = Finding(code="VS002", message="VM x over", elements=("vm1",))
    >>> [item for item, _ in iter_marks([f], {}.get)]
    ['vm1']
    """
    per: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        shown: set[str] = set()
        for element_id in finding.elements:
            item = shown_on(element_id) or element_id
            if item not in shown:
                shown.add(item)
                per[item].append(finding)
    for item, found in per.items():
        worst = min(f.severity.rank for f in found)
        severity = next(f.severity for f in found if f.severity.rank == worst)
        lines = [
            f"{f.severity.value} {f.code}: {f.message}"
            for f in sorted(found, key=lambda f: f.sort_key())
        ]
        if len(lines) > MAX_LINES:
            lines = [*lines[:MAX_LINES], f"… and {len(lines) - MAX_LINES} more"]
        yield item, Mark(severity, len(found), "\n".join(lines))
