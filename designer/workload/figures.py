"""The sizing figures of one design: the catalog's, overridden by the design's settings.

Every figure keeps where it came from (``source``), so outputs can say which numbers
are published, which are assumptions and which the design set.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Final

from designer.catalog import capacity
from designer.domain.design import unvalidated_default
from designer.domain.workload import CapacitySettings, MailboxProfile

__all__ = [
    "ASSUMED_LABELS",
    "BYTES_PER_GB",
    "Figures",
    "assumed_label",
    "catalog_figures",
    "catalog_values",
    "figures_for",
    "gb_per_hour_to_mbps",
    "interpolate",
    "mbps_to_gb_per_hour",
]

#: The assumed figures (:attr:`Figures.assumptions`' keys) in words, as the Capacity dock,
#: the review report and ``dr-designer capacity`` name them (docs/capacity.md's words).
ASSUMED_LABELS = {
    "peak_factor": "peak factor",
    "log_shipping_compression": "log shipping compression",
    "host_replication_write_factor": "Double-Take write factor",
    "reseed_window": "reseed window",
    "log_lun_free": "log LUN free share",
    "megacycles_per_vcpu": "vCPU megacycles",
    "max_cpu_utilisation": "CPU ceiling",
    "base_memory": "base memory",
}


def assumed_label(key: str) -> str:
    """An assumed figure's name in words.

    Examples
    --------
    >>> assumed_label("host_replication_write_factor"), assumed_label("log_file")
    ('Double-Take write factor', 'log file')
    """
    return ASSUMED_LABELS.get(key, key.replace("_", " "))


#: Decimal units throughout, as the MirrorView figures already use (1 GB = 8,000 Mbit).
BYTES_PER_GB = 1e9


def gb_per_hour_to_mbps(gb_per_hour: float) -> float:
    """GB per hour as Mbit/s.

    Examples
    --------
    >>> round(gb_per_hour_to_mbps(45.0), 3)
    100.0
    """
    return gb_per_hour * 8000.0 / 3600.0


def mbps_to_gb_per_hour(mbps: float) -> float:
    """Mbit/s as GB per hour (the inverse of :func:`gb_per_hour_to_mbps`)."""
    return mbps * 3600.0 / 8000.0


def interpolate(points: Sequence[Sequence[float]], x: float) -> float:
    """Piecewise-linear value of a published table at ``x``; outside it, the line
    through the origin and the nearest end point (the tables are proportional).

    Examples
    --------
    >>> interpolate([[50, 10], [100, 20]], 75)
    15.0
    >>> interpolate([[50, 10], [100, 20]], 600)
    120.0
    """
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    if x <= xs[0]:
        return ys[0] * x / xs[0] if xs[0] else ys[0]
    if x >= xs[-1]:
        return ys[-1] * x / xs[-1]
    i = bisect_left(xs, x)
    if xs[i] == x:
        return ys[i]
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


class Figures:
    """Resolved figures; ``sources`` names where each came from (for the outputs).

    A plain class with slots, its attributes final (mypy): not a frozen dataclass,
    ~1.7 M instructions of every command that sizes (issue 10); made once per sizing
    (:func:`figures_for`) and never compared or printed."""

    __slots__ = (
        "active_megacycles",
        "active_megacycles_override",
        "assumptions",
        "base_memory_gb",
        "cache_mb",
        "cache_mb_override",
        "compression_pct",
        "default_profile",
        "host_replication_factor",
        "log_bytes_by_version",
        "log_bytes_default",
        "log_bytes_override",
        "log_lun_free_pct",
        "logs_per_day",
        "max_cpu_pct",
        "megacycles_per_vcpu",
        "passive_megacycles_override",
        "passive_share",
        "peak_factor",
        "reseed_window_h",
        "size_points",
        "sources",
        "table_message_kb",
    )

    def __init__(
        self,
        *,
        logs_per_day: tuple[tuple[float, float], ...],
        table_message_kb: float,
        size_points: tuple[tuple[float, float], ...],
        log_bytes_by_version: dict[str, int],
        log_bytes_default: int,
        log_bytes_override: int | None,
        peak_factor: float,
        active_megacycles: tuple[tuple[float, float], ...],
        passive_share: float,
        active_megacycles_override: float | None,
        passive_megacycles_override: float | None,
        cache_mb: tuple[tuple[float, float], ...],
        cache_mb_override: float | None,
        megacycles_per_vcpu: float,
        max_cpu_pct: float,
        base_memory_gb: float,
        compression_pct: float,
        host_replication_factor: float,
        reseed_window_h: float,
        log_lun_free_pct: float,
        default_profile: MailboxProfile | None,
        sources: dict[str, str] | None = None,
        assumptions: tuple[str, ...] = (),
    ) -> None:
        self.logs_per_day: Final = logs_per_day
        self.table_message_kb: Final = table_message_kb
        self.size_points: Final = size_points
        self.log_bytes_by_version: Final = log_bytes_by_version
        self.log_bytes_default: Final = log_bytes_default
        #: The design's own log file size, bytes (None: by Exchange version).
        self.log_bytes_override: Final = log_bytes_override
        self.peak_factor: Final = peak_factor
        self.active_megacycles: Final = active_megacycles
        self.passive_share: Final = passive_share
        self.active_megacycles_override: Final = active_megacycles_override
        self.passive_megacycles_override: Final = passive_megacycles_override
        self.cache_mb: Final = cache_mb
        self.cache_mb_override: Final = cache_mb_override
        self.megacycles_per_vcpu: Final = megacycles_per_vcpu
        self.max_cpu_pct: Final = max_cpu_pct
        self.base_memory_gb: Final = base_memory_gb
        self.compression_pct: Final = compression_pct
        self.host_replication_factor: Final = host_replication_factor
        self.reseed_window_h: Final = reseed_window_h
        self.log_lun_free_pct: Final = log_lun_free_pct
        self.default_profile: Final = default_profile
        self.sources: Final[dict[str, str]] = {} if sources is None else sources
        #: Figures that are assumptions (catalog) and not overridden by the design.
        self.assumptions: Final = assumptions

    # -- logs --------------------------------------------------------------------------
    def size_factor(self, message_kb: float) -> float:
        """How much more a mailbox logs for larger messages than for 75 KB ones.

        Examples
        --------
        >>> f = figures_for(CapacitySettings())
        >>> f.size_factor(75), f.size_factor(150), round(f.size_factor(300), 2)
        (1.0, 1.9, 3.8)
        """
        (x0, y0), (x1, y1) = self.size_points[0], self.size_points[-1]
        if message_kb <= x0:
            return y0
        if message_kb <= x1:
            return y0 + (y1 - y0) * (message_kb - x0) / (x1 - x0)
        return y1 * message_kb / x1

    def logs_per_mailbox_per_day(self, profile: MailboxProfile) -> float:
        """Transaction logs a mailbox of this profile writes per day.

        Examples
        --------
        >>> f = figures_for(CapacitySettings())
        >>> f.logs_per_mailbox_per_day(MailboxProfile(messages_per_day=150))
        30.0
        >>> f.logs_per_mailbox_per_day(MailboxProfile(messages_per_day=150,
        ...                                           average_message_kb=150))
        57.0
        """
        base = interpolate(self.logs_per_day, profile.messages_per_day)
        return base * self.size_factor(profile.average_message_kb)

    def log_bytes(self, version: str | None) -> int:
        if self.log_bytes_override is not None:
            return self.log_bytes_override
        return self.log_bytes_by_version.get(version or "", self.log_bytes_default)

    def peak(self, profile: MailboxProfile | None) -> float:
        if profile is not None and profile.peak_factor is not None:
            return profile.peak_factor
        return self.peak_factor

    # -- CPU and memory ----------------------------------------------------------------
    def active_megacycles_per_mailbox(self, profile: MailboxProfile) -> float:
        if self.active_megacycles_override is not None:
            return self.active_megacycles_override
        return interpolate(self.active_megacycles, profile.messages_per_day)

    def passive_megacycles_per_mailbox(self, profile: MailboxProfile) -> float:
        if self.passive_megacycles_override is not None:
            return self.passive_megacycles_override
        return self.active_megacycles_per_mailbox(profile) * self.passive_share

    def cache_mb_per_mailbox(self, profile: MailboxProfile) -> float:
        if self.cache_mb_override is not None:
            return self.cache_mb_override
        return interpolate(self.cache_mb, profile.messages_per_day)


def _pairs(rows: Sequence[Sequence[float]]) -> tuple[tuple[float, float], ...]:
    return tuple((float(a), float(b)) for a, b in rows)


def catalog_figures() -> dict[str, tuple[str, str]]:
    """What each of the design's sizing settings takes while it is unset: the catalog's
    figure in a few words with its unit, and in full (the table it is read from, the
    other versions' figures). The Inspector shows them in the unset fields, which read
    only "catalog's".

    Examples
    --------
    >>> figures = catalog_figures()
    >>> figures["peak_factor"], figures["max_cpu_utilisation_pct"]
    (('3×', "3× the day's average hour"), ('80 %', '80 %'))
    >>> figures["megacycles_per_active_mailbox"]
    ('by profile', "by profile: Microsoft's table, 3 at 150 messages a day")
    >>> figures["log_file_mb"]
    ('1 MB', '1 MB (Exchange 2003: 5 MB)')
    """
    figures = figures_for(unvalidated_default(CapacitySettings))  # no validator built
    others = sorted(
        (version, size)
        for version, size in figures.log_bytes_by_version.items()
        if size != figures.log_bytes_default
    )
    log_file = f"{figures.log_bytes_default / 2**20:g} MB"

    def by_profile(points: Sequence[Sequence[float]], unit: str = "") -> tuple[str, str]:
        # The row of Microsoft's 150-message profile, else the table's first.
        x, y = next(((x, y) for x, y in points if x == 150), points[0])
        return "by profile", f"by profile: Microsoft's table, {y:g}{unit} at {x:g} messages a day"

    def same(text: str) -> tuple[str, str]:
        return text, text

    return {
        "peak_factor": (
            f"{figures.peak_factor:g}×",
            f"{figures.peak_factor:g}× the day's average hour",
        ),
        "log_file_mb": (
            log_file,
            log_file
            + "".join(f" (Exchange {version}: {size / 2**20:g} MB)" for version, size in others),
        ),
        "megacycles_per_active_mailbox": by_profile(figures.active_megacycles),
        "megacycles_per_passive_mailbox": same(f"{figures.passive_share * 100:g} % of active"),
        "database_cache_mb_per_mailbox": by_profile(figures.cache_mb, " MB"),
        "megacycles_per_vcpu": same(f"{figures.megacycles_per_vcpu:,g}"),
        "max_cpu_utilisation_pct": same(f"{figures.max_cpu_pct:g} %"),
        "base_memory_gb": same(f"{figures.base_memory_gb:g} GB"),
        "log_shipping_compression_pct": same(f"{figures.compression_pct:g} %"),
        "host_replication_write_factor": (
            f"{figures.host_replication_factor:g}×",
            f"{figures.host_replication_factor:g}× the source's log generation",
        ),
        "reseed_window_h": same(f"{figures.reseed_window_h:g} h"),
        "log_lun_free_pct": same(f"{figures.log_lun_free_pct:g} %"),
    }


def catalog_values() -> dict[str, float]:
    """What each of the design's sizing settings takes while it is unset, as the number
    the setting would hold (a figure by profile: the row of Microsoft's 150-message
    profile, as :func:`catalog_figures` says it). The Inspector's arrows step an unset
    figure to it, not to the field's lowest value.

    Examples
    --------
    >>> values = catalog_values()
    >>> values["peak_factor"], values["megacycles_per_active_mailbox"], values["log_file_mb"]
    (3.0, 3.0, 1.0)
    >>> round(values["megacycles_per_passive_mailbox"], 2)
    0.45
    """
    figures = figures_for(unvalidated_default(CapacitySettings))  # no validator built

    def at_150(points: Sequence[Sequence[float]]) -> float:
        return float(next((y for x, y in points if x == 150), points[0][1]))

    active = at_150(figures.active_megacycles)
    return {
        "peak_factor": figures.peak_factor,
        "log_file_mb": figures.log_bytes_default / 2**20,
        "megacycles_per_active_mailbox": active,
        "megacycles_per_passive_mailbox": active * figures.passive_share,
        "database_cache_mb_per_mailbox": at_150(figures.cache_mb),
        "megacycles_per_vcpu": figures.megacycles_per_vcpu,
        "max_cpu_utilisation_pct": figures.max_cpu_pct,
        "base_memory_gb": figures.base_memory_gb,
        "log_shipping_compression_pct": figures.compression_pct,
        "host_replication_write_factor": figures.host_replication_factor,
        "reseed_window_h": figures.reseed_window_h,
        "log_lun_free_pct": figures.log_lun_free_pct,
    }


def figures_for(settings: CapacitySettings) -> Figures:
    """The catalog's figures with the design's settings on top.

    Examples
    --------
    >>> figures_for(CapacitySettings(peak_factor=2.0)).peak_factor
    2.0
    """
    cat = capacity()
    s = settings
    sources: dict[str, str] = {
        "logs": cat["transaction_logs"]["source"],
        "message_size": cat["message_size"]["source"],
        "log_file": cat["log_file"]["source"],
        "cpu": cat["cpu"]["source"],
        "memory": cat["memory"]["source"],
    }
    assumptions: list[str] = []

    def pick(value: float | None, key: str, catalog_value: float, source: str) -> float:
        if value is not None:
            sources[key] = "the design's capacity settings"
            return float(value)
        sources[key] = source
        if source.startswith("assumption"):
            assumptions.append(f"{key}: {source.removeprefix('assumption: ')}")
        return float(catalog_value)

    peak = pick(
        s.peak_factor, "peak_factor", cat["peak_factor"]["value"], cat["peak_factor"]["source"]
    )
    compression = pick(
        s.log_shipping_compression_pct,
        "log_shipping_compression",
        cat["log_shipping"]["compression_pct"],
        cat["log_shipping"]["source"],
    )
    hr_factor = pick(
        s.host_replication_write_factor,
        "host_replication_write_factor",
        cat["host_replication"]["write_factor"],
        "assumption: " + cat["host_replication"]["source"],
    )
    reseed = pick(
        s.reseed_window_h,
        "reseed_window",
        cat["reseed"]["window_h"],
        "assumption: " + cat["reseed"]["source"],
    )
    free_pct = pick(
        s.log_lun_free_pct,
        "log_lun_free",
        cat["log_lun"]["free_pct_unstated"],
        "assumption: " + cat["log_lun"]["source"],
    )
    per_vcpu = pick(
        s.megacycles_per_vcpu,
        "megacycles_per_vcpu",
        cat["cpu"]["megacycles_per_vcpu"],
        cat["cpu"]["megacycles_per_vcpu_note"],
    )
    max_cpu = pick(
        s.max_cpu_utilisation_pct,
        "max_cpu_utilisation",
        cat["cpu"]["max_utilisation_pct"],
        cat["cpu"]["quote_utilisation"],
    )
    base_memory = pick(
        s.base_memory_gb, "base_memory", cat["memory"]["base_memory_gb"], cat["memory"]["source"]
    )
    log_bytes = None if s.log_file_mb is None else round(s.log_file_mb * 1024 * 1024)
    if log_bytes is not None:
        sources["log_file"] = "the design's capacity settings"
    for key, value in (
        ("megacycles_per_active_mailbox", s.megacycles_per_active_mailbox),
        ("megacycles_per_passive_mailbox", s.megacycles_per_passive_mailbox),
        ("database_cache_per_mailbox", s.database_cache_mb_per_mailbox),
    ):
        if value is not None:
            sources[key] = "the design's capacity settings"
    return Figures(
        logs_per_day=_pairs(cat["transaction_logs"]["logs_per_mailbox_per_day"]),
        table_message_kb=float(cat["transaction_logs"]["table_message_kb"]),
        size_points=_pairs(cat["message_size"]["points"]),
        log_bytes_by_version={k: int(v) for k, v in cat["log_file"]["bytes_by_version"].items()},
        log_bytes_default=int(cat["log_file"]["default_bytes"]),
        log_bytes_override=log_bytes,
        peak_factor=peak,
        active_megacycles=_pairs(cat["cpu"]["active_megacycles_per_mailbox"]),
        passive_share=float(cat["cpu"]["passive_share"]),
        active_megacycles_override=s.megacycles_per_active_mailbox,
        passive_megacycles_override=s.megacycles_per_passive_mailbox,
        cache_mb=_pairs(cat["memory"]["database_cache_mb_per_mailbox"]),
        cache_mb_override=s.database_cache_mb_per_mailbox,
        megacycles_per_vcpu=per_vcpu,
        max_cpu_pct=max_cpu,
        base_memory_gb=base_memory,
        compression_pct=compression,
        host_replication_factor=hr_factor,
        reseed_window_h=reseed,
        log_lun_free_pct=free_pct,
        default_profile=s.mailbox_profile,
        sources=sources,
        assumptions=tuple(assumptions),
    )
