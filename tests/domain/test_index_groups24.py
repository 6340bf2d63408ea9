"""The index's groups of elements by a reference field (idle24, wave 24).

A field holding one id or None is grouped from the elements' fields as they are, not
through the reference reader: the Databases panel's first fill after opening 100k
grouped 16,000 databases by DAG in ~11 ms, now ~3. The groups are the reader's, for
every reference field of every kind, in design order."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import generate_design
from designer.domain import index as index_module
from designer.domain.design import Design
from designer.domain.elements import ELEMENT_CLASSES
from designer.domain.index import LiveIndex
from designer.domain.refs import holds_one_reference, ref_kinds, targets_reader
from designer.persistence import load

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))


def _designs() -> list[tuple[str, Design]]:
    return [(p.stem, load(p)) for p in SAMPLES] + [("generated-1k", generate_design(1000))]


def _reference_fields() -> list[tuple[str, str]]:
    return [
        (kind, field)
        for kind, cls in ELEMENT_CLASSES.items()
        for field in cls.model_fields
        if ref_kinds(cls, field)
    ]


def _by_reader(design: Design, kind: str, field: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for element in design.elements:
        if element.kind == kind:
            for target in targets_reader(type(element), field)(element):
                groups.setdefault(target, []).append(element.id)
    return groups


def _ids(groups: object) -> dict[str, list[str]]:
    assert isinstance(groups, dict)
    return {target: [e.id for e in elements] for target, elements in groups.items()}


@pytest.mark.parametrize("name, design", _designs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_group_is_the_readers(name: str, design: Design) -> None:
    fields = _reference_fields()
    assert any(holds_one_reference(ELEMENT_CLASSES[k], f) for k, f in fields)
    assert any(not holds_one_reference(ELEMENT_CLASSES[k], f) for k, f in fields)
    live = LiveIndex(design)
    for kind, field in fields:
        assert _ids(live.group(kind, field)) == _by_reader(design, kind, field), (kind, field)


def test_a_field_of_one_id_is_grouped_without_the_reader(monkeypatch) -> None:
    design = generate_design(1000)
    read: list[str] = []
    targets = index_module._targets

    def counted(element, field):  # type: ignore[no-untyped-def]
        read.append(field)
        return targets(element, field)

    monkeypatch.setattr(index_module, "_targets", counted)
    live = LiveIndex(design)
    databases = _ids(live.group("mailbox_database", "dag"))
    assert sum(map(len, databases.values())) > 100
    assert read == []  # not once per database
    copies = live.group("mailbox_database", "copies")  # a list of copies: the reader's
    assert copies and len(read) == sum(e.kind == "mailbox_database" for e in design.elements)
