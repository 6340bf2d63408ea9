"""The index's order keys when a gap's float precision is used up: the keys round it
are spread out again, nothing numbered afresh (issue 10, wave 29, ``site29``).

A site's undo at 100k puts back each VM's disks in turn, each into the gap the VM
before left (a generated design's disks of one site alternate between its VMs): the
same gap was halved past the float's precision, and the index numbered all 100,000
elements afresh and sorted every group again in that step (~0.4 s of one turn)."""

from __future__ import annotations

from typing import Any

from designer.document import Document
from designer.domain import Design, EsxiHost, Site
from designer.domain.elements import ElementBase
from designer.domain.index import DesignIndex, LiveIndex


def test_inserting_into_one_gap_again_and_again_renumbers_nothing_afresh(
    monkeypatch: Any,
) -> None:
    """300 sites added one at a time, each right after the last host (before the site
    added just before it): the gap after that host is halved 300 times (its float's
    precision lasts ~46). The index spreads the keys round the gap, never numbers the
    design afresh, and keeps the design's order: its positions and its kinds' lists
    are a fresh index's."""
    elements: list[ElementBase] = [Site(id="s-first", name="First")]
    elements += [EsxiHost(id=f"h{i}", name=f"esx{i:03}", site="s-first") for i in range(50)]
    elements.append(Site(id="s-last", name="Last"))
    doc = Document(Design(elements=elements))
    assert doc.position_of("s-last") == 51  # (the index built)
    renumbered: list[int] = []
    regroup = LiveIndex._regroup

    def counted(index: LiveIndex) -> None:
        renumbered.append(1)
        regroup(index)

    monkeypatch.setattr(LiveIndex, "_regroup", counted)
    for i in range(300):
        doc.insert_elements([(51, Site(id=f"s{i:03}", name=f"Site {i:03}"))])
    assert renumbered == [], "numbered afresh"
    design = doc.design
    fresh = DesignIndex(design)
    for position, element in enumerate(design.elements):
        assert doc.position_of(element.id) == position
    for kind in ("site", "esxi_host"):
        assert [e.id for e in doc.index.of(kind, ElementBase)] == [
            e.id for e in fresh.of(kind, ElementBase)
        ]
    assert [e.id for e in design.elements[50:53]] == ["h49", "s299", "s298"]


def test_an_edit_puts_a_kinds_new_elements_into_its_list_in_one_pass(
    monkeypatch: Any,
) -> None:
    """Ctrl+Z of removing 60 of a design's 694 disks (too few to make the kind's list
    again): the disks go back into the kind's list in one pass once they all have
    their keys, not one ``insort`` each (at 100k, 300 disks of 68,000 a step: each
    moved the list's tail); the index then equals a fresh one's."""
    from benchmarks.generate import generate_design
    from designer.document import RemoveElements, UndoStack
    from designer.domain import index as index_module

    design = generate_design(1000, seed=1)
    doc = Document(design)
    stack = UndoStack(doc)
    disks = [e.id for e in design.elements if e.kind == "virtual_disk"][::11][:60]
    assert doc.position_of(disks[-1]) > 0  # (the index built)
    live = doc._live
    sorted_in: list[int] = []
    insort = index_module.insort

    def counted(members: list[Any], *args: Any, **kwargs: Any) -> None:
        if members is live.by_kind.get("virtual_disk"):
            sorted_in.append(1)
        insort(members, *args, **kwargs)

    monkeypatch.setattr(index_module, "insort", counted)
    stack.push(RemoveElements(disks))
    stack.undo()
    assert doc.design.elements == design.elements
    assert sorted_in == [], f"{len(sorted_in)} disks put in the kind's list one by one"
    fresh = DesignIndex(doc.design)
    for kind in ("vm", "virtual_disk", "lun"):
        assert [e.id for e in doc.index.of(kind, ElementBase)] == [
            e.id for e in fresh.of(kind, ElementBase)
        ]
    for field in ("vm", "lun"):
        mine, theirs = doc.index.group("virtual_disk", field), fresh.group("virtual_disk", field)
        assert {k: [e.id for e in v] for k, v in mine.items()} == {
            k: [e.id for e in v] for k, v in theirs.items()
        }
