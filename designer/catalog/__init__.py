"""Vendor data from ``resources/catalog``: limits and timings, each with its source.

Nothing here is a literal from a document: the figures live in the JSON files beside
their citation, and this module only reads and types them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from designer.domain.enums import ArrayModel, MirrorMode

__all__ = [
    "MirrorLimits",
    "catalog_dir",
    "clariion",
    "edge",
    "limits",
    "mirror_limits",
    "model_family",
    "timings",
]


def catalog_dir() -> Path:
    """The folder of catalog files: ``resources/catalog`` of the checkout or the install."""
    here = Path(__file__).resolve()
    for base in (here.parents[2], here.parents[1]):
        candidate = base / "resources" / "catalog"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("resources/catalog not found next to the designer package")


@cache
def _read(name: str) -> dict[str, Any]:
    with open(catalog_dir() / name, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def clariion() -> dict[str, Any]:
    return _read("clariion_mirrorview.json")


def edge() -> dict[str, Any]:
    return _read("edge_load_balancer.json")


def timings() -> dict[str, Any]:
    return _read("timings.json")


def limits() -> dict[str, Any]:
    return timings()["limits"]


class MirrorLimits:
    """MirrorView limits of one array model and mode (002 Tables 2, 3)."""

    def __init__(self, model: str, mode: MirrorMode, data: dict[str, int]) -> None:
        self.model = model
        self.mode = mode
        self.max_mirrored_pairs = data["max_mirrored_pairs"]
        self.max_luns_per_cg = data["max_luns_per_cg"]
        self.max_cgs_per_array = data["max_cgs_per_array"]

    @property
    def mode_label(self) -> str:
        return "MirrorView/S" if self.mode is MirrorMode.SYNC else "MirrorView/A"


def mirror_limits(model: ArrayModel | str, mode: MirrorMode) -> MirrorLimits | None:
    """Limits for a model and mode, or None for a generic array.

    Examples
    --------
    >>> mirror_limits("CX4-120", MirrorMode.ASYNC).max_luns_per_cg
    8
    """
    data = clariion()
    base = data["limit_model"].get(str(model))
    if base is None:
        return None
    return MirrorLimits(str(model), mode, data["limits"][base][mode.value])


def model_family(model: ArrayModel | str) -> str:
    """'CX3', 'CX4', 'AX4' or 'generic'."""
    text = str(model)
    return text[:3] if text[:3] in ("CX3", "CX4", "AX4") else "generic"
