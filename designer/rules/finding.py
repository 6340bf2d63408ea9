"""A finding: one rule's verdict on some elements of a design."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from designer.domain.design import Severity

__all__ = ["INTERNAL_ERROR_CODE", "STALE_WAIVER_CODE", "Finding"]

#: A rule crashed; its finding says which and why (the other rules still ran).
INTERNAL_ERROR_CODE = "INT001"
#: A waiver in the design matches no finding any more.
STALE_WAIVER_CODE = "INT002"


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

    def sort_key(self) -> tuple[int, str, tuple[str, ...], str]:
        return (self.severity.rank, self.code, self.elements, self.message)

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
