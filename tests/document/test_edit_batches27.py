"""A document edit told to its listeners as one batch of its events (issue 10, wave 27,
``views27``).

A site's deletion at 100k gives 6,073 events. The window's views now take them as one
tuple per edit (``Document.subscribe_events``) and the live check notes what they
changed together (``changes_of``): the same events, in the same order, as the
one-by-one listeners get, and the same change as the union of each event's."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.generate import generate_design
from designer.document import (
    Document,
    DocumentEvent,
    ElementsAdded,
    RemoveElements,
    SetProperty,
    UndoStack,
)
from designer.document.events import Change, change_of, changes_of
from designer.document.renaming import NameQuery, plan_renames
from designer.domain.design import Design
from designer.domain.facets import facets_of


@pytest.fixture(scope="module")
def design() -> Design:
    return generate_design(1000, seed=1)


def _union(changes: list[Change]) -> Change:
    if any(change is None for change in changes):
        return None
    structural: set[str] = set()
    changed: set[str] = set()
    renamed: set[tuple[str, str]] = set()
    for change in changes:
        assert change is not None
        structural |= change[0]
        changed |= change[1]
        renamed |= change[2]
    return frozenset(structural), frozenset(changed), frozenset(renamed)


def _edits(design: Design) -> list[tuple[str, Any]]:
    elements = design.elements
    site = next(e for e in elements if e.kind == "site")
    dag = next(e for e in elements if e.kind == "dag")
    vms = [e.id for e in elements if e.kind == "vm"]
    return [
        ("delete site", lambda doc: RemoveElements([site.id])),
        ("delete DAG", lambda doc: RemoveElements([dag.id])),
        ("delete VMs", lambda doc: RemoveElements(vms[::7][:30])),
        ("rename site", lambda doc: SetProperty(site.id, "name", site.name + "X")),
        (
            "replace in names",
            lambda doc: plan_renames(doc, NameQuery(site.name, site.name + "R")).command(),
        ),
    ]


@pytest.mark.parametrize("edit", range(5), ids=lambda i: f"edit{i}")
def test_each_edit_is_one_batch_of_the_events_told_one_by_one(design: Design, edit: int) -> None:
    """Redo, undo and redo again of a group edit: each Document edit tells its events
    listeners once, with the tuple the one-by-one listeners got in the same order; the
    change the batch notes is the union of what each event changed, read at the same
    moment (after the edit)."""
    doc = Document(design)
    name, make = _edits(design)[edit]
    one_by_one: list[DocumentEvent] = []
    batches: list[tuple[DocumentEvent, ...]] = []
    notes: list[tuple[Change, Change]] = []
    doc.subscribe(one_by_one.append)

    def told(events: tuple[DocumentEvent, ...]) -> None:
        batches.append(events)
        each = [change_of(event, doc.get) for event in events]
        notes.append((changes_of(events, doc.get), _union(each)))
        for event, change in zip(events, each, strict=True):
            if isinstance(event, ElementsAdded):  # every element's kind and facets
                found = [doc.get(i) for i in event.ids]
                kinds = {e.kind for e in found} | {f for e in found for f in facets_of(e)}
                assert change == (frozenset(kinds), frozenset(), frozenset()), name

    unsubscribe = doc.subscribe_events(told)
    stack = UndoStack(doc)
    for step in ("do", "undo", "redo"):
        revision = doc.revision
        one_by_one.clear()
        batches.clear()
        notes.clear()
        if step == "do":
            stack.push(make(doc))
        elif step == "redo":
            stack.redo()
        else:
            stack.undo()
        edits = doc.revision - revision
        assert edits >= 1, name
        # One batch per edit that said anything, each event once, in order.
        assert 1 <= len(batches) <= edits, (name, step, len(batches), edits)
        assert [e for batch in batches for e in batch] == one_by_one, (name, step)
        for batched, united in notes:
            assert batched == united, (name, step)
    unsubscribe()
    told_before = len(batches)
    stack.undo()
    assert len(batches) == told_before, "told until unsubscribed only"


def test_a_removal_notes_its_kinds_and_an_unknown_element_anything() -> None:
    from designer.document.events import ElementChanged, ElementsRemoved, LayoutChanged

    kinds = {"h1": "esxi_host"}

    class _Element:
        def __init__(self, kind: str) -> None:
            self.kind = kind

    def get(element_id: str) -> Any:
        kind = kinds.get(element_id)
        return _Element(kind) if kind else None

    removed = ElementsRemoved(("v1",), ("vm",), ("vm.exchange",))
    renamed = ElementChanged("h1", "name", "esx01", "esx02")
    moved = ElementChanged("h1", "memory_gb", 128, 256)
    assert changes_of([LayoutChanged(("h1",)), removed, renamed, moved], get) == (
        frozenset({"vm", "vm.exchange"}),
        frozenset({"esxi_host"}),
        frozenset({("esxi_host", "esx01")}),
    )
    assert changes_of([moved, ElementChanged("gone", "name", "a", "b")], get) is None
