"""The design review's Capacity section (issue 11): links, servers and log LUNs.

Importing this module registers its provider with
:func:`designer.interop.review.register_capacity_provider`; the review report's writers
(:mod:`designer.ui.review`) import it. A design that states no capacity workload (no
mailbox profile, no array or LUN change rate) gets one paragraph saying it is not sized.
"""

from __future__ import annotations

import math

from designer.capacity import CapacityReport
from designer.capacity.shared import SizingStopped, shared_sizing
from designer.domain.design import Design
from designer.interop.review import CapacitySection, register_capacity_provider
from designer.workload import assumed_label, states_workload, unsized_site_figures

__all__ = [
    "NOT_SIZED",
    "capacity_sections",
    "link_section",
    "log_lun_section",
    "not_sized_section",
    "server_section",
]

#: What the report says of a design that states no workload: ``dr-designer capacity``'s
#: words (designer/cli/capacity_cmd.py), the Capacity dock's with the file's fields.
NOT_SIZED = (
    "Not sized: this design states no capacity workload. Give a site, DAG or database a "
    "mailbox profile (the window's Inspector, or mailbox_profile in the file), or an "
    "array or LUN a change rate (change_rate_gb_per_hour), to size links and servers for "
    "every failure mode."
)


def _report(design: Design) -> CapacityReport | None:
    if not states_workload(design):
        return None
    # The sizing the Capacity dock and the CAP rules read for this design, computed once
    # and kept there (the three sections share it); no copy of it here: one kept for
    # the process's life held the last design reported on (docs/reliability.md).
    try:
        return shared_sizing(design).report
    except SizingStopped:
        return None  # its window is going: the report that asked is cancelled too


def _pct(value: float) -> str:
    return "—" if math.isinf(value) else f"{value:.0f} %"


def not_sized_section(design: Design) -> CapacitySection | None:
    """Why a design that states no workload has no figures (as the Availability section
    says why it has none)."""
    if states_workload(design):
        return None
    sites = unsized_site_figures(design)  # (what the sites' figures are for)
    return CapacitySection("Not sized", (NOT_SIZED, sites) if sites else (NOT_SIZED,), (), ())


def link_section(design: Design) -> CapacitySection | None:
    report = _report(design)
    if report is None or not report.links:
        return None
    names = {e.id: e.name for e in design.elements}
    rows = []
    for r in report.links:
        a, b = names.get(r.link.site_a, r.link.site_a), names.get(r.link.site_b, r.link.site_b)
        worst = r.worst
        rows.append(
            (
                r.link.name,
                # Thousands separated, as the Inventory's WAN links (eyes24: "10000"
                # in the table below its "10,000").
                f"{r.link.bandwidth_mbps:,g}",
                f"{r.normal.a_to_b.mbps:.1f} / {r.normal.b_to_a.mbps:.1f}",
                _pct(r.normal.utilisation * 100),
                "—"
                if worst is None
                else "none worse than normal"
                if worst.mode.kind == "normal"
                else worst.mode.label,
                f"{worst.a_to_b.mbps:.1f} / {worst.b_to_a.mbps:.1f}" if worst else "—",
                _pct(worst.utilisation * 100) if worst else "—",
                f"{a} → {b} / {b} → {a}",
            )
        )
    over = [r.link.name for r in report.links if r.over_budget_worst()]
    paragraphs = [
        "Replication each WAN link carries per direction (Mbit/s): DAG and Exchange 2007 "
        "log shipping and MirrorView/S at the busiest hour, MirrorView/A updates, "
        "Double-Take and reseeds, in normal operation and in the single failure or site "
        "loss that loads it most (the simulator decides which copies are active where)."
    ]
    if over:
        paragraphs.append("Over budget in some mode: " + ", ".join(over) + ".")
    return CapacitySection(
        "WAN links",
        tuple(paragraphs),
        (
            "link",
            "bandwidth Mbit/s",
            "normal a→b / b→a",
            "normal",
            "worst mode",
            "worst a→b / b→a",
            "worst",
            "directions",
        ),
        tuple(rows),
    )


def server_section(design: Design) -> CapacitySection | None:
    report = _report(design)
    if report is None or not report.members:
        return None
    rows = []
    for m in report.members:
        normal = m.sizing(m.normal, report.figures)
        worst = m.worst
        need = m.sizing(worst[1], report.figures) if worst else normal
        rows.append(
            (
                m.vm.name,
                f"{m.vm.vcpu} vCPU, {m.vm.memory_gb:g} GB",
                f"{m.normal.active_databases} / {m.normal.active_mailboxes:,}",
                f"{worst[1].active_databases} / {worst[1].active_mailboxes:,}" if worst else "—",
                worst[0].label if worst else "—",
                f"{_pct(need.cpu_pct)} / {_pct(need.memory_pct)}",
            )
        )
    return CapacitySection(
        "Mailbox servers",
        (
            "Active databases and mailboxes per server in normal operation and in its "
            "worst failure mode (single, double, site loss, site loss plus one), and the "
            "CPU and memory that mode needs of its vCPUs and memory (Microsoft's "
            "per-mailbox figures; assumptions: "
            + "; ".join(assumed_label(a.split(":", 1)[0]) for a in report.assumptions)
            + ").",
        ),
        ("server", "sizing", "normal", "worst", "worst mode", "CPU / memory (worst)"),
        tuple(rows),
    )


def log_lun_section(design: Design) -> CapacitySection | None:
    report = _report(design)
    if report is None or not report.log_luns:
        return None
    target = design.intent.rto_target_min / 60.0
    rows = tuple(
        (
            r.lun.name,
            f"{r.free_gb:,.1f}" + ("" if r.free_stated else " (assumed)"),
            f"{r.gb_per_hour:.2f}",
            "—" if r.hours_to_full is None else f"{r.hours_to_full:.1f}",
        )
        for r in report.log_luns
    )
    return CapacitySection(
        "Log LUNs",
        (
            f"Hours until each log LUN fills while a copy or a link is down (logs cannot "
            f"truncate); the design's RTO target is {target:g} h.",
        ),
        ("LUN", "free GB", "logs GB/h", "hours to full"),
        rows,
    )


def capacity_sections(design: Design) -> list[CapacitySection]:
    """Every section this module provides, in report order."""
    found = (
        not_sized_section(design),
        link_section(design),
        server_section(design),
        log_lun_section(design),
    )
    return [s for s in found if s is not None]


for _provider in (not_sized_section, link_section, server_section, log_lun_section):
    register_capacity_provider(_provider)
