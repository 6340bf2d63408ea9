"""A finding: one rule's verdict on some elements of a design."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from designer.domain.design import Severity

__all__ = ["INTERNAL_ERROR_CODE", "STALE_WAIVER_CODE", "Finding"]

#: A rule crashed; its finding says which and why (the other rules still ran).
INTERNAL_ERROR_CODE = "INT001"
#: A waiver in the design matches no finding any more.
STALE_WAIVER_CODE = "INT002"


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=65_536)  # a live check sorts the same findings after each edit
def _id_key(element_id: str) -> str:
    """An id sorted in natural order as a string ("db-2" → "db-0000000002", before
    "db-0000000010"): strings compare in C, tuples of parts would not.

    >>> sorted(["db-10", "db-2", "db-1"], key=_id_key)
    ['db-1', 'db-2', 'db-10']
    """
    return _DIGITS.sub(lambda m: m.group().rjust(10, "0"), element_id)


@dataclass(frozen=True, order=False)
class Finding:
    """``message`` is a fragment: subject first, numbers last, no trailing period."""

    code: str
    message: str
    elements: tuple[str, ...]
    severity: Severity = Severity.WARNING
    source: str = ""
    waived: bool = False
    waiver_reason: str = field(default="", compare=False)
    #: The field of its first element that fixes it, where one field does ("dac_mode":
    #: DAG012's "turn on its DAC mode"); "" where the fix is more than one edit. The
    #: Problems list's *go to* (a double-click, Explain's link) takes the user there.
    fix_field: str = field(default="", compare=False)

    def sort_key(self) -> tuple[int, str, tuple[str, ...], str]:
        """Severity, code, then the elements' ids in natural order (an import's "db-2"
        before "db-10": the Problems panel listed DAG-nn-DB01, DB10 … DB19, DB02), then
        the message."""
        return (self.severity.rank, self.code, tuple(map(_id_key, self.elements)), self.message)

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "elements": list(self.elements),
            "source": self.source,
        }
