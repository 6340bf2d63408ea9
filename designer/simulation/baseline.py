"""The healthy design's state, computed once per simulator and frozen.

Step states are built from it (only what a scenario changed is recomputed), so the
helpers that build them take this value and the prepared design, never the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from designer.simulation.prepared import Prepared
from designer.simulation.results import DagState, DatabaseState
from designer.simulation.run_state import DbRun

__all__ = ["Baseline"]


@dataclass(frozen=True, slots=True)
class Baseline:
    """Before any failure: each database's run state and public state, each DAG's
    quorum, and per user site the mailbox totals and the CAS arrays in use."""

    prep: Prepared
    db: Mapping[str, DbRun]
    dag: Mapping[str, DagState]
    states: Mapping[str, DatabaseState]
    db_order: tuple[str, ...]
    dag_order: tuple[str, ...]
    #: User site → (mailboxes, mailboxes available).
    site_totals: Mapping[str | None, tuple[int, int]]
    #: User site → CAS array → databases reached through it.
    site_via: Mapping[str | None, Mapping[str, int]]
    #: User site → the CAS arrays its users may use, own site first.
    cas_options: Mapping[str, list[str]]
    #: ``states`` in ``db_order`` (a step's states are these with the changed ones
    #: swapped in at their place).
    state_order: tuple[DatabaseState, ...]
    #: Database → its place in ``db_order``.
    db_place: Mapping[str, int]
