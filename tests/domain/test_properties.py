"""Properties of the domain model: the file format round-trips, references are consistent.

Designs come from the scale generator (small scales, random seeds) and from hypothesis
strategies for the elements whose references sit in lists and nested models.
"""

from __future__ import annotations

import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.domain import (  # noqa: E402
    ELEMENT_CLASSES,
    Backup,
    Dag,
    DatabaseCopy,
    Design,
    DesignIndex,
    LoadBalancer,
    MailboxDatabase,
    PlanPriority,
    RecoveryPlan,
    iter_refs,
    remap_refs,
    structural_errors,
)
from designer.domain.refs import ref_targets  # noqa: E402
from designer.persistence import dumps, load, loads, save  # noqa: E402

seeds = st.integers(min_value=0, max_value=2**20)
scales = st.integers(min_value=200, max_value=450)


@cache
def _design(scale: int, seed: int) -> Design:
    return generate_design(scale, seed=seed)


# -- save -> load is the identity -------------------------------------------------------
@settings(max_examples=12)
@given(scale=scales, seed=seeds)
def test_dumps_then_loads_is_the_identity(scale: int, seed: int) -> None:
    design = _design(scale, seed)
    text = dumps(design)
    again = loads(text)
    assert again == design
    assert dumps(again) == text, "canonical text is not a fixed point"


@settings(max_examples=5)
@given(seed=seeds)
def test_save_then_load_file_is_the_identity(seed: int) -> None:
    design = _design(250, seed)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "design.json")
        save(design, path)
        assert load(path) == design
        assert os.listdir(folder) == ["design.json"]


# -- iter_refs / remap_refs -------------------------------------------------------------
ids = st.from_regex(r"[a-z][a-z0-9\-]{0,11}", fullmatch=True)
refs_list = st.lists(ids, max_size=5)


def _element(kind: str, **fields: Any) -> st.SearchStrategy[Any]:
    return st.builds(ELEMENT_CLASSES[kind], id=ids, name=ids, **fields)


elements_with_nested_refs = st.one_of(
    _element(
        "dag",
        members=refs_list,
        witness=st.none() | ids,
        alternate_witness=st.none() | ids,
    ),
    _element(
        "mailbox_database",
        dag=st.none() | ids,
        user_site=st.none() | ids,
        copies=st.lists(st.builds(DatabaseCopy, member=ids), max_size=4),
    ),
    _element(
        "recovery_plan",
        site_pair=ids,
        protection_groups=refs_list,
        priorities=st.lists(st.builds(PlanPriority, vm=ids), max_size=4),
    ),
    _element("load_balancer", site=st.none() | ids, pool=refs_list, cas_arrays=refs_list),
    _element("backup", databases=refs_list, vms=refs_list, proxy=st.none() | ids),
    _element("virtual_disk", vm=ids, lun=st.none() | ids, database=st.none() | ids),
)


def _at(data: Any, path: str) -> Any:
    """Follow ``copies[1].member`` into dumped data."""
    for part in path.replace("[", ".[").split("."):
        data = data[int(part[1:-1])] if part.startswith("[") else data[part]
    return data


def _check_refs_consistent(element: Any) -> None:
    sites = list(iter_refs(element))
    data = element.model_dump(mode="json")
    # Every reference site names a path whose value is the target.
    for site in sites:
        assert _at(data, site.path) == site.target
    # The identity mapping changes nothing.
    assert remap_refs(element, {}) == data
    # Renaming every target renames exactly the references, in the same places.
    mapping = {site.target: f"new-{site.target}" for site in sites}
    remapped = type(element).model_validate(remap_refs(element, mapping))
    after = list(iter_refs(remapped))
    assert [(s.path, s.kinds) for s in after] == [(s.path, s.kinds) for s in sites]
    assert [s.target for s in after] == [mapping[s.target] for s in sites]
    # Non-reference data is untouched: mapping back restores the element exactly.
    back = {new: old for old, new in mapping.items()}
    assert type(element).model_validate(remap_refs(remapped, back)) == element
    # The loader's path-free walk finds the same references, in the same order.
    assert ref_targets(element) == [(s.target, s.kinds) for s in sites]


@given(element=elements_with_nested_refs)
def test_remap_refs_renames_exactly_what_iter_refs_finds(element: Any) -> None:
    _check_refs_consistent(element)


@settings(max_examples=10)
@given(scale=scales, seed=seeds, data=st.data())
def test_refs_of_generated_elements_are_consistent(scale: int, seed: int, data) -> None:
    design = _design(scale, seed)
    by_kind: dict[str, Any] = {}
    for element in design.elements:
        by_kind.setdefault(element.kind, element)
    for kind in sorted(by_kind):  # one of every kind, then a few at random
        _check_refs_consistent(by_kind[kind])
    for element in data.draw(st.lists(st.sampled_from(design.elements), max_size=10)):
        _check_refs_consistent(element)


def test_iter_refs_finds_list_and_nested_references_in_order() -> None:
    db = MailboxDatabase(
        id="db",
        name="DB",
        dag="dag",
        copies=[DatabaseCopy(member="m1"), DatabaseCopy(member="m2", activation_preference=2)],
        user_site="s",
    )
    assert [(r.path, r.target, r.kinds) for r in iter_refs(db)] == [
        ("dag", "dag", ("dag",)),
        ("copies[0].member", "m1", ("vm",)),
        ("copies[1].member", "m2", ("vm",)),
        ("user_site", "s", ("site",)),
    ]
    plan = RecoveryPlan(id="rp", name="rp", site_pair="p", priorities=[PlanPriority(vm="v")])
    assert [r.path for r in iter_refs(plan)] == ["site_pair", "priorities[0].vm"]
    lb = LoadBalancer(id="lb", name="lb", pool=["a", "b"], cas_arrays=["c"])
    assert [r.path for r in iter_refs(lb)] == ["pool[0]", "pool[1]", "cas_arrays[0]"]
    assert [r.path for r in iter_refs(Dag(id="d", name="d"))] == []
    assert [r.path for r in iter_refs(Backup(id="b", name="b", proxy="v"))] == ["proxy"]


# -- structure and the index agree on references ----------------------------------------
@settings(max_examples=15)
@given(seed=seeds, data=st.data())
def test_removing_an_element_dangles_exactly_its_referrers(seed: int, data) -> None:
    design = _design(300, seed)
    victim = data.draw(st.sampled_from(design.elements))
    referrers = DesignIndex(design).referrers_of(victim.id)
    broken = design.model_copy(
        update={
            "elements": [e for e in design.elements if e.id != victim.id],
            "layout": {k: v for k, v in design.layout.items() if k != victim.id},
        }
    )
    errors = structural_errors(broken)
    assert sorted((e.element, e.path.split(".", 2)[2]) for e in errors) == sorted(
        (element.id, path) for element, path in referrers
    )
    assert all(f"{victim.id!r}, which does not exist" in e.message for e in errors)
