"""Exchange's log writes under MirrorView/S: one estimate, read by the MV006 rule for the
design's links and by the simulator for a link a step degrades.

A synchronous write completes only once the remote array has stored it, so each log
write pays the link's round trip on top of the local write (``sync_latency_model`` in
``resources/catalog/clariion_mirrorview.json``); Microsoft's guideline asks for 10 ms
average log writes and less than 40 ms at most (002 'Latency'). Only mirrors of LUNs
that hold transaction logs count: an OS or database LUN's writes are not log writes,
and database reads are served by the local array.
"""

from __future__ import annotations

from typing import Final

from designer.catalog import clariion
from designer.domain.enums import DiskPurpose
from designer.domain.index import DesignIndex
from designer.domain.words import word_for

__all__ = ["SyncLogWrite", "holds_logs", "sync_log_write"]


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class SyncLogWrite:
    """The estimated average log-write latency of MirrorView/S over a round trip.

    A plain class with slots, its attributes final (mypy): not a frozen dataclass,
    ~0.6 M instructions of every ``check`` (issue 10); read, never compared or printed."""

    __slots__ = ("average_ms", "estimate_ms", "maximum_ms", "rtt_ms")

    def __init__(
        self, rtt_ms: float, estimate_ms: float, average_ms: float, maximum_ms: float
    ) -> None:
        self.rtt_ms: Final = rtt_ms
        self.estimate_ms: Final = estimate_ms
        #: Exchange's limits for log writes: the average, and the most any may take.
        self.average_ms: Final = average_ms
        self.maximum_ms: Final = maximum_ms

    @property
    def over(self) -> bool:
        """Whether the estimate is over the average Exchange asks for."""
        return self.estimate_ms > self.average_ms

    def words(self, link_name: str, mirrors: int) -> str:
        """What the estimate means for the log mirrors crossing a link (MV006's finding
        and the simulator's event read the same). Every synchronous write waits the
        round trip, so the estimate is also about the least a write takes: at the
        maximum or over, no log write meets it.

        Examples
        --------
        >>> print(sync_log_write(20.0).words("PHL-WIL", 2))  # doctest: +NORMALIZE_WHITESPACE
        WAN link PHL-WIL (RTT 20 ms) puts the estimated log-write latency of 2
        MirrorView/S log mirrors at 22 ms; Exchange needs 10 ms average
        """
        needs = f"{_fmt(self.average_ms)} ms average"
        if self.estimate_ms >= self.maximum_ms:
            needs += f" and less than {_fmt(self.maximum_ms)} ms at most, which no log write meets"
        return (
            f"WAN link {link_name} (RTT {_fmt(self.rtt_ms)} ms) puts the estimated log-write "
            f"latency of {mirrors} MirrorView/S log {word_for(mirrors, 'mirror')} "
            f"at {_fmt(self.estimate_ms)} ms; Exchange needs {needs}"
        )


def sync_log_write(rtt_ms: float) -> SyncLogWrite:
    """The local log-write latency plus the round trips a synchronous write waits for.

    Examples
    --------
    >>> latency = sync_log_write(38.0)
    >>> latency.estimate_ms, latency.over
    (40.0, True)
    """
    data = clariion()
    model = data["sync_latency_model"]
    guidelines = data["guidelines"]
    return SyncLogWrite(
        rtt_ms,
        float(model["local_log_write_ms"] + model["round_trips_per_write"] * rtt_ms),
        float(guidelines["log_write_latency_avg_ms"]),
        float(guidelines["latency_max_ms"]),
    )


def holds_logs(index: DesignIndex, lun_id: str) -> bool:
    """Whether the LUN holds Exchange transaction logs: a ``logs`` disk, or a
    ``database`` disk of a database with no separate logs disk on that VM (logs kept
    with the database).

    Examples
    --------
    >>> from designer.domain import Design
    >>> holds_logs(DesignIndex(Design()), "lun-1")
    False
    """
    for disk in index.disks_on_lun.get(lun_id, ()):
        if disk.purpose is DiskPurpose.LOGS:
            return True
        if disk.purpose is DiskPurpose.DATABASE and disk.database is not None:
            separate = any(
                d.purpose is DiskPurpose.LOGS and d.database == disk.database
                for d in index.disks_of_vm.get(disk.vm, ())
            )
            if not separate:
                return True
    return False
