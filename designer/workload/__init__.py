"""Workload arithmetic below the simulator: what users and arrays generate, and what it
means on a WAN link (no failures here; :mod:`designer.capacity` adds them).

Headless and simulation-free, so the simulator (log LUN clocks, MirrorView/A transfers
under a link's share, copy queues on a degraded link) and the capacity sizing share one
set of figures (``resources/catalog/capacity.json``).
"""

from __future__ import annotations

from designer.workload.figures import (
    ASSUMED_LABELS,
    BYTES_PER_GB,
    Figures,
    assumed_label,
    catalog_figures,
    catalog_values,
    figures_for,
    gb_per_hour_to_mbps,
    interpolate,
    mbps_to_gb_per_hour,
)
from designer.workload.model import DatabaseLoad, Workload, states_workload, unsized_site_figures
from designer.workload.streams import (
    KIND_LABELS,
    STEADY_KINDS,
    Direction,
    LinkEnds,
    LinkLoad,
    Stream,
    async_rpo_s,
    async_transfer_s,
    copy_queue,
    direction_of,
    mirror_link_id,
    route,
    stream_label,
    sum_by_link,
)

__all__ = [
    "ASSUMED_LABELS",
    "BYTES_PER_GB",
    "KIND_LABELS",
    "STEADY_KINDS",
    "DatabaseLoad",
    "Direction",
    "Figures",
    "LinkEnds",
    "LinkLoad",
    "Stream",
    "Workload",
    "assumed_label",
    "async_rpo_s",
    "async_transfer_s",
    "catalog_figures",
    "catalog_values",
    "copy_queue",
    "direction_of",
    "figures_for",
    "gb_per_hour_to_mbps",
    "interpolate",
    "mbps_to_gb_per_hour",
    "mirror_link_id",
    "route",
    "states_workload",
    "stream_label",
    "sum_by_link",
    "unsized_site_figures",
]
