"""A big edit in steps ends in the design of the same edit made at once, and every step
leaves a valid design (issue 10, wave 27, ``slice27``).

Random removals (with what depends on them), pastes and renamings of many names, on generated
designs and the bundled samples: the command's steps run with a small pace (a part of a
few elements per step, the window's way for a big edit), the structure checked after
each step, then its undo's steps, then its redo's; the designs written byte for byte
alike with the command run headless (``redo``/``undo``: the edit of old)."""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate_design
from designer.bundled import sample, sample_names
from designer.document import (
    AddElements,
    Document,
    EditError,
    RemoveElements,
    RenameElements,
    plan_removal,
)
from designer.document.events import ElementsAdded
from designer.document.renaming import NameQuery, plan_renames
from designer.document.steps import Pace, referrers_first
from designer.domain import Design, structural_errors
from designer.persistence import dumps, load


@cache
def _design(name: str) -> Design:
    if name.startswith("generated-"):
        return generate_design(int(name.split("-")[1]), seed=1)
    return load(sample(name))


DESIGNS = ["generated-300", "generated-600", *sample_names()]


def _stepped(doc: Document, steps: object) -> int:
    """Run ``steps``, the design checked after each; how many there were."""
    count = 0
    for _ in steps:  # type: ignore[attr-defined]
        count += 1
        errors = structural_errors(doc.design)
        assert not errors, errors[0]
    return count


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(DESIGNS),
    seed=st.integers(0, 10_000),
    picks=st.integers(1, 4),
    size=st.integers(1, 40),
    undo_size=st.integers(1, 40),
)
def test_a_removal_in_steps_is_the_removal_at_once(
    name: str, seed: int, picks: int, size: int, undo_size: int
) -> None:
    design = _design(name)
    rng = random.Random(seed)
    kinds = sorted({e.kind for e in design.elements})
    # A site, a host, a DAG… whatever the draw: some kinds take thousands with them.
    kind = rng.choice(kinds)
    of_kind = [e.id for e in design.elements if e.kind == kind]
    ids = rng.sample(of_kind, min(picks, len(of_kind)))

    at_once = Document(design)
    whole = RemoveElements(ids)
    whole.redo(at_once)

    doc = Document(design)
    command = RemoveElements(ids)
    steps = _stepped(doc, command.redo_steps(doc, Pace(size=size)))
    assert dumps(doc.design) == dumps(at_once.design)
    assert (command.text, command.status_note) == (whole.text, whole.status_note)
    touched = sum(len(part) for part in command._parts) + len(command._edited)
    assert steps >= touched // size  # (a part of ``size`` at most per step)

    # Undone at a pace of its own (wave 28: a removal's part is restored in parts of
    # the undo's size, each element at its place).
    inserted: list[int] = []
    unsubscribe = doc.subscribe(
        lambda event: inserted.append(len(event.ids)) if isinstance(event, ElementsAdded) else None
    )
    _stepped(doc, command.undo_steps(doc, Pace(size=undo_size)))
    unsubscribe()
    assert dumps(doc.design) == dumps(design)
    last = command._parts[-1] if command._parts else []
    cycles = len(last) if len(last) > size else 0  # (a cycle of references: one part)
    assert all(n <= max(undo_size, cycles) for n in inserted), (inserted, undo_size)
    _stepped(doc, command.redo_steps(doc, Pace(size=size)))
    assert dumps(doc.design) == dumps(at_once.design)
    # Undone headless after stepped, and the other way round: the same designs.
    command.undo(doc)
    assert dumps(doc.design) == dumps(design)
    whole.undo(at_once)
    assert dumps(at_once.design) == dumps(design)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(DESIGNS), seed=st.integers(0, 10_000), size=st.integers(1, 30))
def test_a_renaming_in_steps_is_the_renaming_at_once(name: str, seed: int, size: int) -> None:
    design = _design(name)
    rng = random.Random(seed)
    element = rng.choice(design.elements)
    find = element.name[: rng.randint(1, min(4, len(element.name)))]
    plan = plan_renames(Document(design), NameQuery(find, find + "-x"))
    if not plan.ok:
        return
    at_once = Document(design)
    whole = plan.command()
    assert isinstance(whole, RenameElements)
    whole.redo(at_once)

    doc = Document(design)
    command = plan.command()
    assert command is not None
    steps = _stepped(doc, command.redo_steps(doc, Pace(size=size)))
    assert steps == -(-len(command.news) // size)
    assert dumps(doc.design) == dumps(at_once.design)
    _stepped(doc, command.undo_steps(doc, Pace(size=size)))
    assert dumps(doc.design) == dumps(design)


def test_names_swapped_are_renamed_in_one_step() -> None:
    """Two names swapped (BOS ↔ NYC in each): half-way, two sites would share a name."""
    from designer.domain import Site

    design = Design(elements=[Site(id="a", name="BOS"), Site(id="b", name="NYC")])
    doc = Document(design)
    swap = RenameElements(
        [Site(id="a", name="NYC"), Site(id="b", name="BOS")], "Swap the sites' names"
    )
    assert _stepped(doc, swap.redo_steps(doc, Pace(size=1))) == 0
    assert [e.name for e in doc.design.elements] == ["NYC", "BOS"]
    assert _stepped(doc, swap.undo_steps(doc, Pace(size=1))) == 0
    assert [e.name for e in doc.design.elements] == ["BOS", "NYC"]


def test_small_edits_are_one_edit_as_of_old() -> None:
    """At most ``above`` elements: the plain edit (its events as before), no step."""
    design = _design("generated-300")
    host = next(e for e in design.elements if e.kind == "esxi_host")
    doc = Document(design)
    events: list[object] = []
    doc.subscribe(events.append)
    command = RemoveElements([host.id])
    assert list(command.redo_steps(doc, Pace(size=2, above=10_000))) == []
    assert [type(e).__name__ for e in events][-1] == "ElementsRemoved"
    assert sum(type(e).__name__ == "ElementsRemoved" for e in events) == 1


@pytest.mark.parametrize("name", DESIGNS)
def test_referrers_come_first(name: str) -> None:
    design = _design(name)
    doc = Document(design)
    everything = {e.id for e in design.elements}
    order, together = referrers_first(doc, everything)
    assert sorted(order) == sorted(everything) and together == 0
    place = {element_id: n for n, element_id in enumerate(order)}
    for element_id in everything:
        for referrer in doc.referrers_of(element_id):
            assert place[referrer] < place[element_id]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(DESIGNS), seed=st.integers(0, 10_000), size=st.integers(1, 40))
def test_a_paste_in_steps_is_the_paste_at_once(name: str, seed: int, size: int) -> None:
    """What a removal took (a site, a host, a DAG… with all that depends on it), added
    back as a paste of those elements in their order, with their layout."""
    design = _design(name)
    rng = random.Random(seed)
    kind = rng.choice(sorted({e.kind for e in design.elements}))
    picked = rng.choice([e for e in design.elements if e.kind == kind])
    doomed, _edits = plan_removal(Document(design), [picked.id])
    pasted = [e for e in design.elements if e.id in doomed]
    layout = {e.id: design.layout[e.id] for e in pasted if e.id in design.layout}
    emptied = Document(design)
    RemoveElements([picked.id]).redo(emptied)
    start = emptied.design

    at_once = Document(start)
    try:
        AddElements(pasted, layout).redo(at_once)
    except EditError:
        return  # (a survivor lost a reference the pasted elements need: not a paste)
    doc = Document(start)
    command = AddElements(pasted, layout)
    steps = _stepped(doc, command.redo_steps(doc, Pace(size=size)))
    assert steps >= len(pasted) // size
    assert dumps(doc.design) == dumps(at_once.design)
    _stepped(doc, command.undo_steps(doc, Pace(size=size)))
    assert dumps(doc.design) == dumps(start)
    command.redo(doc)
    assert dumps(doc.design) == dumps(at_once.design)
