"""Failure modes capacity is sized for, named for people.

``normal`` (nothing failed); ``single`` (one infrastructure element: what N-1 analysis
sweeps, plus each DAG member server); ``site`` (one site); ``double`` (two elements);
``site_plus_one`` (a site and one more element); ``scenario`` (the state of a
simulated scenario: failures and degraded links).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["KIND_TEXT", "MODE_KINDS", "NORMAL", "Mode", "ModeKind"]

ModeKind = Literal["normal", "single", "site", "double", "site_plus_one", "scenario"]
#: Mode kinds in report order.
MODE_KINDS: tuple[ModeKind, ...] = (
    "normal",
    "single",
    "site",
    "double",
    "site_plus_one",
    "scenario",
)

KIND_TEXT: dict[str, str] = {
    "normal": "normal operation",
    "single": "single failure",
    "site": "site loss",
    "double": "double failure",
    "site_plus_one": "site loss plus one",
    "scenario": "scenario",
}


@dataclass(frozen=True, slots=True)
class Mode:
    """One failure mode: what failed, and how to say it."""

    kind: ModeKind
    failed: tuple[str, ...] = ()
    #: "loss of site Boston", "failure of ESXi host esx01 and VM MBX02"…
    label: str = "normal operation"

    @property
    def key(self) -> str:
        """A stable identifier: ``normal`` or the failed ids joined by ``+``."""
        return "normal" if not self.failed else "+".join(self.failed)

    @property
    def kind_text(self) -> str:
        return KIND_TEXT[self.kind]

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "kind": self.kind,
            "failed": list(self.failed),
            "label": self.label,
        }


NORMAL = Mode("normal")
