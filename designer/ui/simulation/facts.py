"""What simulation mode's views derive from one state by walking its every database.

The overlay (database markers, users with access, client paths) and the scenario bar
(mailbox counts) each walked the state's databases (16,000 at 100,000 elements, ~80 ms
together on the UI thread when the simulator arrived). :func:`state_facts` walks them
once, in plain Python with no Qt, so that the first state's facts are worked out on the
worker that prepares the simulator (:class:`~designer.ui.simulation.controller.
SimulationController`), and every later state's once for all its views.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from designer.simulation import DatabaseState, StepState

__all__ = ["StateFacts", "state_facts"]


@dataclass(frozen=True, slots=True)
class StateFacts:
    """One state's sums and groupings (see :func:`state_facts`)."""

    #: Mailboxes whose database is available (active and reachable), and all of them.
    mailboxes_available: int
    mailboxes_total: int
    #: Per user site (None: databases of no site's users): its databases' mailboxes,
    #: those available, and the members serving its available databases.
    site_total: dict[str | None, int]
    site_available: dict[str | None, int]
    site_members: dict[str | None, set[str]]
    #: Member (VM) → its active databases' ids, in the state's order.
    active_on: dict[str, list[str]]
    #: Databases whose Why reads other than "not affected" (DatabaseState.affected).
    databases_affected: int = 0


def state_facts(
    state: StepState,
    db_user_site: Mapping[str, str | None],
    before: Mapping[str, DatabaseState] | None = None,
) -> StateFacts:
    """One pass over ``state``'s databases; ``db_user_site``: database id → the site of
    its users (the simulator's ``prep.db_user_site``); ``before``: the scenario's first
    state's databases by id (None: ``state`` is that first state).

    The sums are the state's own (``state.mailboxes_available``, ``mailboxes_total``);
    the per-site figures are what the overlay showed before (its ``_site_totals``).
    """
    available = total = 0
    site_total: dict[str | None, int] = defaultdict(int)
    site_available: dict[str | None, int] = defaultdict(int)
    site_members: dict[str | None, set[str]] = defaultdict(set)
    active_on: dict[str, list[str]] = {}
    affected = 0
    first = before.get if before is not None else None
    for db in state.databases:
        was = db if first is None else first(db.id)
        # A state keeps the first state's object of a database the scenario left as it
        # was: not affected, unless down meanwhile or its copies behind (no call).
        if (was is not db or db.rto_s or db.copies_queue is not None) and db.affected(was):
            affected += 1
        mailboxes = db.mailboxes
        total += mailboxes
        active = db.state == "active"
        member = db.active_on
        if active and member is not None:
            group = active_on.get(member)
            if group is None:
                active_on[member] = [db.id]
            else:
                group.append(db.id)
        up = active and db.reachable  # (db.available, inlined)
        if up:
            available += mailboxes
        site_id = db_user_site.get(db.id)
        if site_id is None:
            continue
        site_total[site_id] += mailboxes
        if up:
            site_available[site_id] += mailboxes
            if member:
                site_members[site_id].add(member)
    return StateFacts(
        mailboxes_available=available,
        mailboxes_total=total,
        site_total=site_total,
        site_available=site_available,
        site_members=site_members,
        active_on=active_on,
        databases_affected=affected,
    )
