"""Capacity sizing on the drawn topology (issue 11): replication bandwidth per WAN link,
server load after failures, log LUN clocks and the copy layout.

Headless; above :mod:`designer.simulation`, whose settled states decide which copy of
each database is active where in every failure mode; the workload arithmetic
(profiles → logs → Mbit/s, link shares) is :mod:`designer.workload`.

```python
from designer.capacity import capacity

report = capacity(design)                 # every failure mode; modes="normal" for one
report.link("BOS-WOR").worst.mode.label   # 'loss of site Boston'
report.to_json()                          # the CLI's JSON
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designer.capacity.analysis import ProgressFn, capacity, relevant_elements
from designer.capacity.engine import CapacityEngine, LinkFigures, MemberLoad, ModeResult
from designer.capacity.modes import MODE_KINDS, NORMAL, Mode, ModeKind
from designer.capacity.report import (
    CapacityReport,
    HostReport,
    LinkReport,
    LogLunReport,
    MemberReport,
    MirrorReport,
    ModeLoad,
    Sizing,
)

if TYPE_CHECKING:
    from designer.capacity.layout import CopyLayout, LayoutError, plan_copies, spread

#: The copy-layout planner's names, imported when first asked for: sizing (the CAP
#: rules of ``check``, the Capacity dock) does not plan copies.
_LAYOUT = ("CopyLayout", "LayoutError", "plan_copies", "spread")


def __getattr__(name: str) -> Any:
    if name in _LAYOUT:
        from designer.capacity import layout

        return getattr(layout, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MODE_KINDS",
    "NORMAL",
    "CapacityEngine",
    "CapacityReport",
    "CopyLayout",
    "HostReport",
    "LayoutError",
    "LinkFigures",
    "LinkReport",
    "LogLunReport",
    "MemberLoad",
    "MemberReport",
    "MirrorReport",
    "Mode",
    "ModeKind",
    "ModeLoad",
    "ModeResult",
    "ProgressFn",
    "Sizing",
    "capacity",
    "plan_copies",
    "relevant_elements",
    "spread",
]
