"""The report's note on databases no mailbox profile applies to: their names in id
order, the first five and how many more (the list is found among the databases first,
then sorted: wave 14), against the former expression over every database in id order."""

from __future__ import annotations

import pytest
from cap_designs import stretched

from designer.capacity import CapacityEngine, capacity
from designer.capacity.analysis import _workload_notes
from designer.domain import Design
from designer.domain.elements import Dag, MailboxDatabase, MailboxProfile
from designer.simulation import Simulator

PROFILE = MailboxProfile(messages_per_day=100, average_message_kb=75)


def _design(sized: set[str], empty: frozenset[str] | set[str] = frozenset()) -> Design:
    """A stretched DAG without a profile of its own, 12 databases; those in ``sized``
    state a profile, those in ``empty`` have no mailboxes."""
    design = stretched(databases=12)
    elements = []
    for element in design.elements:
        if isinstance(element, Dag):
            element = element.model_copy(update={"mailbox_profile": None})
        elif isinstance(element, MailboxDatabase):
            if element.id in sized:
                element = element.model_copy(update={"mailbox_profile": PROFILE})
            if element.id in empty:
                element = element.model_copy(update={"mailboxes": 0})
        elements.append(element)
    return Design(
        name=design.name, intent=design.intent, elements=elements, capacity=design.capacity
    )


def _former(engine: CapacityEngine) -> list[str]:
    prep = engine.prep
    unsized = [
        prep.dbs[d].name
        for d in sorted(engine.cost)
        if engine.workload.database(d).profile is None and prep.dbs[d].mailboxes
    ]
    if not unsized:
        return []
    shown = ", ".join(unsized[:5]) + (f" and {len(unsized) - 5} more" if len(unsized) > 5 else "")
    return [
        f"no mailbox profile applies to {shown}: their CPU and memory are not sized "
        "(state a profile on the database, its DAG, its users' site or the design)"
    ]


@pytest.mark.parametrize(
    ("sized", "empty", "shown"),
    [
        ({"db2", "db5"}, set(), "DB01, DB10, DB11, DB12, DB03 and 5 more"),
        ({"db2", "db5"}, {"db10", "db12"}, "DB01, DB11, DB03, DB04, DB06 and 3 more"),
        ({f"db{k}" for k in range(1, 10)}, set(), "DB10, DB11, DB12"),
        ({f"db{k}" for k in range(1, 13)}, set(), None),
    ],
)
def test_the_note_names_the_unsized_databases_in_id_order(
    sized: set[str], empty: set[str], shown: str | None
) -> None:
    sim = Simulator(_design(sized, empty))
    engine = CapacityEngine(sim)
    notes = _workload_notes(engine)
    assert notes == _former(engine)
    assert capacity(sim, modes="normal", engine=engine).workload_notes == notes
    if shown is None:
        assert notes == []
    else:
        assert notes[0].startswith(f"no mailbox profile applies to {shown}: ")
