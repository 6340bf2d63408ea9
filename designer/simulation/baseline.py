"""The healthy design's state, computed once per simulator and frozen.

Step states are built from it (only what a scenario changed is recomputed), so the
helpers that build them take this value and the prepared design, never the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from designer.simulation.prepared import Prepared
from designer.simulation.results import DagState, DatabaseState
from designer.simulation.run_state import DbRun

__all__ = ["Baseline"]


class Baseline:
    """Before any failure: each database's run state and public state, each DAG's
    quorum, and per user site the mailbox totals and the CAS arrays in use.

    A plain class with slots, its attributes final (mypy): not a frozen dataclass,
    ~1.1 M instructions of every command that simulates (issue 10); made once per
    simulator and never compared or printed."""

    __slots__ = (
        "cas_options",
        "dag",
        "dag_order",
        "db",
        "db_order",
        "db_place",
        "prep",
        "site_totals",
        "site_via",
        "state_order",
        "states",
    )

    def __init__(
        self,
        prep: Prepared,
        db: Mapping[str, DbRun],
        dag: Mapping[str, DagState],
        states: Mapping[str, DatabaseState],
        db_order: tuple[str, ...],
        dag_order: tuple[str, ...],
        site_totals: Mapping[str | None, tuple[int, int]],
        site_via: Mapping[str | None, Mapping[str, int]],
        cas_options: Mapping[str, list[str]],
        state_order: tuple[DatabaseState, ...],
        db_place: Mapping[str, int],
    ) -> None:
        self.prep: Final = prep
        self.db: Final = db
        self.dag: Final = dag
        self.states: Final = states
        self.db_order: Final = db_order
        self.dag_order: Final = dag_order
        #: User site → (mailboxes, mailboxes available).
        self.site_totals: Final = site_totals
        #: User site → CAS array → databases reached through it.
        self.site_via: Final = site_via
        #: User site → the CAS arrays its users may use, own site first.
        self.cas_options: Final = cas_options
        #: ``states`` in ``db_order`` (a step's states are these with the changed ones
        #: swapped in at their place).
        self.state_order: Final = state_order
        #: Database → its place in ``db_order``.
        self.db_place: Final = db_place
