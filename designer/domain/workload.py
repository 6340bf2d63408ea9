"""What the users of a design generate, and the sizing figures a design may override.

A :class:`MailboxProfile` (messages sent and received per mailbox per day, their
average size, the busiest hour against the day's average) can be stated on a site (its
users), a DAG or a mailbox database; the most specific one applies. Microsoft's
published tables turn it into transaction logs per mailbox per day and CPU and memory
per mailbox (``resources/catalog/capacity.json``, each figure with its source).
:class:`CapacitySettings` holds the design's own values of those catalog figures; any
left unset (None) takes the catalog's.
"""

# No `from __future__ import annotations` here: pydantic would then evaluate every
# field's annotation from a string (a typing.ForwardRef compiled for each, ~600 at
# import), ~10 % of building the domain models at every start (issue 10, cold start).
from typing import Annotated

from annotated_types import Ge, Gt, Le
from pydantic import BaseModel, Field

from designer.domain.modelconfig import model_options

__all__ = ["CapacitySettings", "MailboxProfile"]

#: Constraints as annotated_types' markers: see designer/domain/elements.py.
_Fraction = Annotated[float, Ge(0), Le(100)]
#: The constraints more than one field states, each declared once (a ``Field()`` and
#: its ``Annotated`` are ~100,000 instructions of every start: issue 10).
_PeakFactor = Annotated[float, Ge(1), Le(24)]
_Megacycles = Annotated[float, Ge(0), Le(1e4)]
_Memory = Annotated[float, Ge(0), Le(1e5)]


class _Model(BaseModel):
    model_config = model_options(extra="forbid", frozen=True, defer_build=True)


class MailboxProfile(_Model):
    """How much mail a mailbox handles: Microsoft's "message profile"."""

    #: Messages sent plus received per mailbox per day (Microsoft's tables: 50 to 500).
    # Field(): typing's cache would give _Memory's Le(1e5) (equal), a float bound.
    messages_per_day: Annotated[float, Field(ge=0, le=100_000)] = 150.0
    #: Average message size in KB (the tables assume 75 KB; larger messages log more).
    average_message_kb: Annotated[float, Gt(0), Le(1_000_000)] = 75.0
    #: The busiest hour's log generation against the day's average hour; None: the
    #: catalog's figure.
    peak_factor: _PeakFactor | None = None


class CapacitySettings(_Model):
    """The design's own sizing figures; None everywhere means "the catalog's"."""

    #: Profile of every database no site, DAG or database profile covers; None: such
    #: databases generate no sized load (the figures say so).
    mailbox_profile: MailboxProfile | None = None
    #: The busiest hour against the day's average, for profiles that do not say.
    peak_factor: _PeakFactor | None = None
    #: Transaction log file size in MB (1 MB for Exchange 2007 to 2013).
    log_file_mb: Annotated[float, Gt(0), Le(1024)] | None = None
    #: Megacycles per active mailbox and per passive copy of a mailbox (per second, at
    #: the busy hour); None: Microsoft's table by messages per day.
    megacycles_per_active_mailbox: _Megacycles | None = None
    megacycles_per_passive_mailbox: _Megacycles | None = None
    #: Database cache per active mailbox, MB; None: Microsoft's table.
    database_cache_mb_per_mailbox: _Memory | None = None
    #: Megacycles one vCPU delivers (the tables' baseline core).
    # Field(): typing's cache would give average_message_kb's Le(1_000_000), an int.
    megacycles_per_vcpu: Annotated[float, Field(gt=0, le=1e6)] | None = None
    #: Highest CPU use a mailbox server should reach, percent.
    max_cpu_utilisation_pct: Annotated[float, Gt(0), Le(100)] | None = None
    #: Memory of a mailbox server before its per-mailbox cache, GB.
    base_memory_gb: _Memory | None = None
    #: How much DAG log shipping compression saves, percent.
    log_shipping_compression_pct: _Fraction | None = None
    #: Double-Take replicates the writes of both database and logs: its stream over the
    #: source's log generation.
    host_replication_write_factor: Annotated[float, Ge(0), Le(100)] | None = None
    #: Hours a reseed of a lost copy may take; its stream is the database over them.
    reseed_window_h: Annotated[float, Gt(0), Le(10_000)] | None = None
    #: Free share of a log LUN whose ``free_gb`` is not stated, percent.
    log_lun_free_pct: _Fraction | None = None
