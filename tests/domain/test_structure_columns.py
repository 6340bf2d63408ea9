"""The structure check's ids and names, checked a column at a time, agree with the
element-by-element walk that spells the errors: same kinds and elements by id when no
id and no name within a kind is used twice, and the walk (its errors) otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.domain import (  # noqa: E402
    Design,
    structural_errors,
    structure,
)
from designer.domain.design import LayoutEntry  # noqa: E402
from designer.domain.elements import ElementBase, Lun, Site, StorageArray  # noqa: E402
from designer.domain.invariants import copies_on_dag_members  # noqa: E402
from designer.domain.refs import targets_columns, targets_plan  # noqa: E402
from designer.domain.structure import (  # noqa: E402
    _ids_and_names,
    _ref_errors,
    _unbroken_ids_and_names,
    _whole_columns,
    relation_errors,
)
from designer.persistence import load  # noqa: E402

SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


def _agree(elements: Sequence[ElementBase]) -> None:
    errors, kinds, by_id = _ids_and_names(elements)
    unbroken = _unbroken_ids_and_names(elements)
    if errors:
        assert unbroken is None
    else:
        assert unbroken is not None
        assert list(unbroken[0].items()) == list(kinds.items())
        assert list(unbroken[1].items()) == list(by_id.items())
        assert all(a is b for a, b in zip(unbroken[1].values(), by_id.values(), strict=True))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_agree(path: Path) -> None:
    elements = list(load(path).elements)
    _agree(elements)
    assert _unbroken_ids_and_names(elements) is not None
    # a name used twice within a kind, and an id used twice
    twin = elements[-1].model_copy(update={"id": elements[-1].id + "-twin"})
    _agree([*elements, twin])
    again = elements[0].model_copy(update={"name": elements[0].name + " 2"})
    _agree([*elements, again])


@pytest.mark.parametrize("size, seed", [(1_000, 0), (10_000, 1)])
def test_generated_designs_agree(size: int, seed: int) -> None:
    design = generate_design(size, seed=seed)
    elements = list(design.elements)
    _agree(elements)
    assert structural_errors(design) == []
    renamed = elements[5].model_copy(update={"name": elements[7].name})
    if renamed.kind == elements[7].kind:
        broken = [*elements[:5], renamed, *elements[6:]]
        _agree(broken)
        assert [e.path for e in structural_errors(design.model_copy(update={"elements": broken}))]


def test_a_duplicate_name_or_id_is_still_reported_in_element_order() -> None:
    site = Site(id="s", name="Boston")
    array = StorageArray(id="a", name="CX-1", site="s")
    design = Design(
        elements=[
            site,
            array,
            Lun(id="l1", name="LUN-1", array="a"),
            Lun(id="l2", name="LUN-1", array="a"),
            Site(id="a", name="Worcester"),
            Lun(id="l3", name="LUN-1", array="gone"),
        ]
    )
    # as the element-by-element check gave them before the columns (wave 10)
    assert [(e.path, e.message) for e in structural_errors(design)] == [
        ("design.elements[3].name", "LUN name 'LUN-1' is used by l1 too"),
        ("design.elements[4].id", "duplicate id 'a' (also design.elements[1])"),
        ("design.elements[5].name", "LUN name 'LUN-1' is used by l1 too"),
        ("design.elements[5].array", "LUN LUN-1 (l3) refers to 'gone', which does not exist"),
    ]


_ids = st.sampled_from(["s1", "s2", "a1", "l1", "l2"])
_names = st.sampled_from(["A", "B", "C"])


@st.composite
def _elements(draw: st.DrawFn) -> ElementBase:
    element_id, name = draw(_ids), draw(_names)
    kind = draw(st.sampled_from(["site", "array", "lun"]))
    if kind == "site":
        return Site(id=element_id, name=name)
    if kind == "array":
        return StorageArray(id=element_id, name=name, site=draw(_ids))
    return Lun(id=element_id, name=name, array=draw(_ids))


@given(st.lists(_elements(), max_size=8))
def test_any_elements_agree(elements: list[ElementBase]) -> None:
    _agree(elements)
    design = Design(elements=elements)
    errors = structural_errors(design)
    if _unbroken_ids_and_names(elements) is None:
        assert any(e.path.endswith((".id", ".name")) for e in errors)


def _walked(design: Design) -> list[tuple[str, str]]:
    """Every error the slow way: the ids and names walk, then each element's reference
    errors (the walk over every reference) and its invariants, in element order."""
    errors, kinds, by_id = _ids_and_names(design.elements)
    found = [(e.path, e.message) for e in errors]
    for i, element in enumerate(design.elements):
        found += [(e.path, e.message) for e in _ref_errors(element, f"design.elements[{i}]", kinds)]
        found += [
            (f"design.elements[{i}].{where}", message)
            for where, message in relation_errors(element, by_id.get)
        ]
    return found


@pytest.mark.parametrize("seed", [0, 1])
def test_broken_references_of_a_generated_design_are_found_as_the_walk_finds_them(
    seed: int,
) -> None:
    design = generate_design(1_000, seed=seed)
    elements = list(design.elements)
    site = next(e for e in elements if e.kind == "site")
    damaged = 0
    for i, element in enumerate(elements):
        if i % 97 and i % 101:
            continue
        fields = type(element).model_fields
        for name in ("lun", "array", "host", "vm", "site", "database"):
            if name in fields and getattr(element, name) is not None:
                # a missing target, or one of the wrong kind
                target = "gone" if i % 2 else site.id
                if name == "site":
                    target = "gone"
                elements[i] = element.model_copy(update={name: target})
                damaged += 1
                break
    assert damaged > 10
    # and an invariant: the last host moved to a cluster of another site
    h = max(i for i, e in enumerate(elements) if e.kind == "esxi_host")
    host = elements[h]
    cluster = next(
        e
        for e in elements
        if e.kind == "vsphere_cluster" and getattr(e, "site", None) != getattr(host, "site", None)
    )
    elements[h] = host.model_copy(update={"cluster": cluster.id})
    broken = design.model_copy(update={"elements": elements})
    assert any(path == f"design.elements[{h}].cluster" for path, _ in _walked(broken))
    errors = [(e.path, e.message) for e in structural_errors(broken)]
    assert len(errors) >= damaged
    assert errors == _walked(broken)
    assert [(e.path, e.message) for e in structural_errors(design)] == _walked(design) == []


def test_a_name_shared_across_kinds_is_fine_and_within_a_kind_is_not() -> None:
    """The columns first compare the names across all kinds (a set of names), and the
    (kind, name) pairs only when two elements share a name: a site and an array may
    both be called Boston, two LUNs may not."""
    shared = [
        Site(id="s", name="Boston"),
        StorageArray(id="a", name="Boston", site="s"),
        Lun(id="l1", name="LUN-1", array="a"),
    ]
    assert _unbroken_ids_and_names(shared) is not None
    _agree(shared)
    assert structural_errors(Design(elements=shared)) == []
    twins = [*shared, Lun(id="l2", name="LUN-1", array="a")]
    assert _unbroken_ids_and_names(twins) is None
    _agree(twins)
    assert [e.path for e in structural_errors(Design(elements=twins))] == [
        "design.elements[3].name"
    ]
    # a layout entry for no element is still reported after the elements' errors
    laid = Design(elements=shared, layout={"s": LayoutEntry(), "gone": LayoutEntry()})
    assert [e.path for e in structural_errors(laid)] == ["design.layout.gone"]


def _break_field(element: ElementBase, name: str, target: str) -> ElementBase | None:
    """``element`` with the references of its field ``name`` all naming ``target`` (None
    if the field holds nothing to break)."""
    value = getattr(element, name)
    if not value:
        return None
    if isinstance(value, str):
        return element.model_copy(update={name: target})
    items = list(value)
    if isinstance(items[0], str):
        return element.model_copy(update={name: [target, *items[1:]]})
    inner = next(f for f, _, _ in targets_plan(type(items[0])))
    items[0] = items[0].model_copy(update={inner: target})
    return element.model_copy(update={name: items})


@pytest.mark.parametrize("walk_all", [False, True], ids=["columns", "walked"])
@pytest.mark.parametrize("seed", [0, 1])
def test_every_reference_field_broken_alone_fails_the_columns(
    seed: int, walk_all: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each element class's each reference field (plain, a list of references, a list
    of database copies; read by :func:`targets_columns`, or with ``walk_all`` by each
    field's walker, as a field of another shape is), broken in one element of a
    generated design: to a missing id, and to one of a wrong kind. The columns never
    let it through, and the walk spells the same errors as before."""
    if walk_all:
        monkeypatch.setattr(
            structure, "targets_columns", lambda cls: [(n, None) for n, _, _ in targets_plan(cls)]
        )
    design = generate_design(1_000, seed=seed)
    assert _whole_columns(design) is not None
    elements = list(design.elements)
    # an id of a kind no reference names
    wrong = next(e.id for e in elements if e.kind == "recovery_plan")
    tried: set[tuple[str, str]] = set()
    for i, element in enumerate(elements):
        for name, _, _ in targets_plan(type(element)):
            if (element.kind, name) in tried:
                continue
            for target in ("gone", wrong):
                changed = _break_field(element, name, target)
                if changed is None:
                    break
                tried.add((element.kind, name))
                broken = design.model_copy(
                    update={"elements": [*elements[:i], changed, *elements[i + 1 :]]}
                )
                assert _whole_columns(broken) is None, (element.kind, name, target)
                walked = _walked(broken)
                assert walked, (element.kind, name, target)
                assert [(e.path, e.message) for e in structural_errors(broken)] == walked
    assert len(tried) >= 15  # the generated design's reference fields


def test_a_copy_off_its_dag_fails_the_columns_as_the_walk() -> None:
    """The databases' invariant asked of all of them at once
    (:attr:`designer.domain.invariants.Invariant.holds`): a copy on a VM that is not a
    member of the database's DAG, in one database of many."""
    design = generate_design(1_000, seed=0)
    elements = list(design.elements)
    i, db = next((i, e) for i, e in enumerate(elements) if e.kind == "mailbox_database" and e.dag)
    dag = next(e for e in elements if e.id == db.dag)
    outsider = next(e for e in elements if e.kind == "vm" and e.id not in dag.members)
    copies = [*db.copies[:-1], db.copies[-1].model_copy(update={"member": outsider.id})]
    broken = design.model_copy(
        update={
            "elements": [
                *elements[:i],
                db.model_copy(update={"copies": copies}),
                *elements[i + 1 :],
            ]
        }
    )
    assert _whole_columns(broken) is None
    errors = structural_errors(broken)
    assert [(e.path, e.message) for e in errors] == _walked(broken)
    assert errors[0].path == f"design.elements[{i}].copies[{len(copies) - 1}].member"
    # a database without a DAG, or whose DAG is not one (the reference's error), is not
    # the invariant's to report
    assert copies_on_dag_members.held_by(
        [db.model_copy(update={"dag": None, "copies": copies})], {}.get
    )


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_column_readers_read_what_the_walk_reads(path: Path) -> None:
    """Per class and field, the targets :func:`targets_columns` reads of all the
    elements' fields are those the walk (:func:`ref_targets`) finds, with the same
    kinds."""
    design = load(path)
    by_class: dict[type, list[ElementBase]] = {}
    for element in design.elements:
        by_class.setdefault(type(element), []).append(element)
    assert _whole_columns(design) is not None
    for cls, group in by_class.items():
        for (name, _, walk), (_, column) in zip(
            targets_plan(cls), targets_columns(cls), strict=True
        ):
            walked: list[tuple[str, tuple[str, ...]]] = []
            for element in group:
                value = getattr(element, name)
                if value is not None:
                    walk(value, walked)
            if column is None:
                continue
            kinds, read = column
            read_targets = [t for t in read([e.__dict__ for e in group]) if t is not None]
            assert sorted(read_targets) == sorted(t for t, _ in walked), (cls, name)
            assert {k for _, k in walked} <= {kinds}, (cls, name)


@given(st.lists(_elements(), max_size=8))
def test_the_columns_pass_exactly_the_designs_the_walk_passes(elements: list[ElementBase]) -> None:
    design = Design(elements=elements)
    assert (_whole_columns(design) is not None) == (not _walked(design))


def _grouped(elements: Sequence[ElementBase]) -> dict[str, list[ElementBase]]:
    """The elements by kind in element order, as the index groups them without columns."""
    by_kind: dict[str, list[ElementBase]] = {}
    for element in elements:
        by_kind.setdefault(element.kind, []).append(element)
    return by_kind


def _same_groups(a: dict[str, list[ElementBase]], b: dict[str, list[ElementBase]]) -> bool:
    return a.keys() == b.keys() and all(
        len(a[k]) == len(b[k]) and all(x is y for x, y in zip(a[k], b[k], strict=True)) for k in a
    )


@pytest.mark.parametrize(
    "design",
    [*(load(p) for p in SAMPLES), generate_design(1_000, seed=0), generate_design(1_000, seed=1)],
    ids=[*(p.stem for p in SAMPLES), "generated-1k-0", "generated-1k-1"],
)
def test_the_index_takes_the_checks_elements_by_kind(design: Design) -> None:
    """The check's columns carry each kind's elements in element order (its groups by
    class): the index of a loaded design takes them instead of grouping 100,000
    elements again, and holds what it would have grouped itself; the Document that
    opens the loaded design does."""
    from designer.document import Document
    from designer.domain.index import LiveIndex
    from designer.persistence import loads

    columns = _whole_columns(design)
    assert columns is not None and columns.by_kind is not None
    assert _same_groups(columns.by_kind, _grouped(design.elements))
    index = LiveIndex(design, columns)
    assert index.by_kind is columns.by_kind
    assert _same_groups(index.by_kind, LiveIndex(design).by_kind)
    assert index.by_id == LiveIndex(design).by_id
    # through the loader and the Document, as File > Open goes
    from designer.persistence import dumps

    document = Document()
    loaded = loads(dumps(design).encode())
    document.replace_design(loaded, checked=True)
    live = document._live
    assert _same_groups(live.by_kind, _grouped(loaded.elements))
    assert [e.id for e in document.design.elements] == [e.id for e in design.elements]


def test_elements_of_a_class_with_another_kind_are_grouped_by_their_kinds() -> None:
    """An element whose kind is not its class's (made without validation), or two
    classes sharing a kind: the columns carry no groups by kind, and the index groups
    the elements by the kinds read, as it always did."""
    from designer.domain.index import LiveIndex

    one = Site(id="s1", name="Boston")
    other = Site(id="s2", name="Worcester").model_copy(update={"kind": "storage_array"})
    third = Site(id="s3", name="Albany")
    shared = StorageArray(id="a", name="CX-1", site="s1").model_copy(update={"kind": "site"})
    for elements in ([one, other, third], [one, shared], [shared, one]):
        design = Design(elements=[one]).model_copy(update={"elements": elements})
        errors, columns = structure.checked_columns(design)
        assert errors == []
        assert columns is not None
        assert columns.by_kind is None
        index = LiveIndex(design, columns)
        assert _same_groups(index.by_kind, _grouped(elements))
        assert _same_groups(index.by_kind, LiveIndex(design).by_kind)
    # the whole columns themselves (no walk) for an element of another kind
    design = Design(elements=[one]).model_copy(update={"elements": [one, other, third]})
    whole = _whole_columns(design)
    assert whole is not None and whole.by_kind is None
