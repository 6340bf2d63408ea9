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
