"""Migrations of older files, one raw-dict step per schema version.

Each step takes the envelope's ``design`` dict of version N and returns version N+1.
They run before validation, so a step may rename, move or default anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CURRENT_SCHEMA_VERSION", "FORMAT", "MIGRATIONS", "migrate"]

RawDesign = dict[str, Any]
#: The envelope's ``format``: what names a file as a design file, in every version.
FORMAT = "dr-designer"
CURRENT_SCHEMA_VERSION = 7


def _v1_to_v2(design: RawDesign) -> RawDesign:
    """Version 1 kept each element's drawing position inline as ``position: [x, y]``.

    Version 2 keeps layout apart from the semantics, in ``design.layout``.
    """
    layout: dict[str, Any] = dict(design.get("layout") or {})
    elements = []
    for element in design.get("elements", []):
        if isinstance(element, dict) and "position" in element:
            element = dict(element)
            position = element.pop("position")
            if isinstance(position, list) and len(position) == 2 and "id" in element:
                layout[str(element["id"])] = {"x": position[0], "y": position[1]}
        elements.append(element)
    return {**design, "elements": elements, "layout": layout}


def _v2_to_v3(design: RawDesign) -> RawDesign:
    """Version 3 adds fields the simulator's sources need, all with defaults: a DAG's
    ``dynamic_quorum`` (off: the static model), an LCR's ``copy_disks``, a cluster's
    ``vm_monitoring``, a VM's ``exchange_edition`` (enterprise), and scenario steps of
    kind ``guest_os_failure`` and ``degrade`` with their ``recovery_point_s``,
    ``latency_ms`` and ``bandwidth_mbps``. A version-2 design is a valid version-3 one;
    the number changes so that an older DR Designer refuses the new fields plainly
    ("written by a newer DR Designer") instead of naming them one by one.
    """
    return design


def _v3_to_v4(design: RawDesign) -> RawDesign:
    """Version 3 kept per-rule severities as ``rules.severity_overrides: {code: level}``.

    Version 4 keeps ``rules.severities: {code: {"level": …, "reason": …}}``, where a
    level may also be ``"off"`` (with a reason).
    """
    rules = design.get("rules")
    if not isinstance(rules, dict) or "severity_overrides" not in rules:
        return design
    rules = dict(rules)
    overrides = rules.pop("severity_overrides")
    if isinstance(overrides, dict):
        rules["severities"] = {code: {"level": level} for code, level in overrides.items()}
    else:
        rules["severities"] = overrides  # validation names what is wrong with it
    return {**design, "rules": rules}


def _v4_to_v5(design: RawDesign) -> RawDesign:
    """Version 5 gives a layout entry ``points``: the waypoints of a line's route (a WAN
    link, a mirror), empty by default. A version-4 design is a valid version-5 one; the
    number changes so that an older DR Designer refuses a file with waypoints plainly.
    """
    return design


def _v5_to_v6(design: RawDesign) -> RawDesign:
    """Version 6 adds failure figures for availability analysis, all optional: the
    design's ``reliability`` (MTBF and MTTR per kind) and an element's own ``mtbf_h`` and
    ``mttr_h`` (sites, WAN links, ESXi hosts, storage arrays, file share witnesses, CAS
    arrays, load balancers). A version-5 design is a valid version-6 one; the number
    changes so that an older DR Designer refuses the new fields plainly.
    """
    return design


def _v6_to_v7(design: RawDesign) -> RawDesign:
    """Version 7 adds the capacity workload (issue 11), all with defaults: a mailbox
    profile on sites, DAGs and databases, a change rate on arrays and LUNs, a LUN's free
    space, the design's ``capacity`` settings (unset: the catalog's figures) and the
    ``failed_direction`` of a degrade step. A version-6 design is a valid version-7 one;
    the number changes so that an older DR Designer refuses the new fields plainly.
    """
    return design


#: ``MIGRATIONS[n]`` turns a version-n design into version n+1.
MIGRATIONS: dict[int, Callable[[RawDesign], RawDesign]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
}


def migrate(design: RawDesign, version: int) -> RawDesign:
    """Bring a raw design of ``version`` up to :data:`CURRENT_SCHEMA_VERSION`.

    Examples
    --------
    >>> migrate({"elements": [{"id": "s1", "position": [10, 20]}]}, 1)["layout"]
    {'s1': {'x': 10, 'y': 20}}
    """
    while version < CURRENT_SCHEMA_VERSION:
        design = MIGRATIONS[version](design)
        version += 1
    return design
