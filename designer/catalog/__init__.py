"""Vendor data from ``resources/catalog``: limits and timings, each with its source.

Nothing here is a literal from a document: the figures live in the JSON files beside
their citation, and this module only reads and types them. The files ship inside the
package (:mod:`designer.bundled`); one that is missing or unreadable raises
:class:`CatalogError` — a broken installation, which the rule engine lets through
instead of turning it into findings about the design.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from designer.bundled import MissingDataError, read_bytes
from designer.domain.enums import ArrayModel, MirrorMode

__all__ = [
    "CatalogError",
    "MirrorLimits",
    "capacity",
    "clariion",
    "edge",
    "exchange_roles",
    "exchange_windows",
    "limits",
    "mirror_limits",
    "model_family",
    "newest_exchange_version",
    "reliability_defaults",
    "timings",
]


class CatalogError(MissingDataError):
    """A catalog file is missing or unreadable: the installation is broken."""


def _where(name: str) -> str:
    return f"designer/resources/catalog/{name}"


@cache
def _read(name: str) -> dict[str, Any]:
    try:
        raw = read_bytes("rule catalog", "catalog", name)
    except MissingDataError as exc:
        raise CatalogError("rule catalog", exc.name) from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise CatalogError("rule catalog", _where(name), f"is damaged ({exc})") from None
    if not isinstance(data, dict):
        raise CatalogError("rule catalog", _where(name), "is damaged (not a JSON object)")
    return data


def clariion() -> dict[str, Any]:
    return _read("clariion_mirrorview.json")


def edge() -> dict[str, Any]:
    return _read("edge_load_balancer.json")


def timings() -> dict[str, Any]:
    return _read("timings.json")


def exchange_windows(version: str | None) -> str | None:
    """The Windows version a new Exchange ``version`` server is given: one every service
    pack of that version supports (None: no version, or one the catalog does not list).

    Examples
    --------
    >>> exchange_windows("2010"), exchange_windows("2007"), exchange_windows(None)
    ('2008 R2 x64', '2008 x64', None)
    """
    table: dict[str, str] = timings()["exchange_platform"]["windows"]
    return table.get(version) if version is not None else None


def exchange_roles(version: str | None) -> frozenset[str] | None:
    """The server roles Exchange ``version`` has (None: a version the catalog does not
    list, such as 2003's front-end/back-end servers, or no version).

    Examples
    --------
    >>> sorted(exchange_roles("2013"))
    ['client_access', 'edge_transport', 'mailbox']
    >>> exchange_roles("2003") is None
    True
    """
    roles = timings()["exchange_roles"]["roles"].get(version) if version is not None else None
    return frozenset(roles) if roles is not None else None


def newest_exchange_version(roles: Iterable[str] = ()) -> str:
    """The newest Exchange version the catalog knows that has every one of ``roles``: a
    new server's version when the design has no other to follow (a new Mailbox server
    was given Exchange 2010, the oldest with DAGs: closing-note25). A role the newest
    version lacks (Hub Transport, Unified Messaging: Exchange 2013's Mailbox servers run
    those services, EX006) takes the newest version that has it.

    Examples
    --------
    >>> newest_exchange_version(["mailbox"]), newest_exchange_version(["hub_transport"])
    ('2013', '2010')
    """
    wanted = set(roles)
    table: dict[str, list[str]] = timings()["exchange_roles"]["roles"]
    fits = [version for version, has in table.items() if wanted <= set(has)]
    return max(fits or table, key=int)


def reliability_defaults() -> dict[str, dict[str, Any]]:
    """Published MTBF/MTTR per element kind (hours), each with its ``source``: none
    ships today (no seed publishes any; see the file's note)."""
    defaults = _read("reliability.json").get("defaults", {})
    return defaults if isinstance(defaults, dict) else {}


def capacity() -> dict[str, Any]:
    """Sizing figures (logs per profile, CPU, memory, assumptions), each with its source."""
    return _read("capacity.json")


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
