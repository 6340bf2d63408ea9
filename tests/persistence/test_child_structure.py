"""The byte-check child's word on a design's structure (``designer.bytecheck._whole``,
told where references stand by ``designer.domain.structure.child_plan``) is the
loader's own verdict: for every file the fast path validates, "whole" exactly when
``checked_columns`` finds nothing to say, on the samples, a generated design and
Hypothesis' damage that keeps a file valid JSON of the current version (names and ids
given twice, references rewired, fields copied between elements of a kind: the
relation invariants, the layout's keys). A check the child vouched for reads the same
columns the full one reads (the Document's index and the canvas's build take them).
The door (``dr-designer gui FILE`` of a big file): tests/ui/test_open_byte_check.py."""

from __future__ import annotations

import copy
import io
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer import bytecheck  # noqa: E402
from designer.domain.elements import ELEMENT_CLASSES  # noqa: E402
from designer.domain.refs import ref_paths  # noqa: E402
from designer.domain.structure import (  # noqa: E402
    CHILD_INVARIANTS,
    checked_columns,
    child_plan,
)
from designer.persistence import dumps  # noqa: E402
from designer.persistence.file_format import _fast_design  # noqa: E402


@cache
def corpus() -> tuple[Any, ...]:
    texts = [path.read_text("utf-8") for path in sorted((ROOT / "sample_designs").glob("*.json"))]
    texts.append(dumps(generate_design(400, seed=3)))
    return tuple(json.loads(text) for text in texts)


@cache
def plan() -> dict[str, Any]:
    made = child_plan()
    assert made is not None
    return json.loads(made)


def _verdicts(text: str) -> tuple[bool, bool | None] | None:
    """(the loader's check finds nothing, the child's word) for a file the fast path
    validates; None for one it does not (the full path's: the child is not asked)."""
    design = _fast_design(text.encode("utf-8"))
    if design is None:
        return None
    errors, _ = checked_columns(design)
    try:
        child: bool | None = bytecheck._whole(json.loads(text), plan())
    except Exception:
        child = None
    return not errors, child


def _locations(value: Any, path: list[str], here: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The places of ``path`` ("*": each item) in the object ``value`` (at ``here``)."""
    if not path:
        return [here]
    step, rest = path[0], path[1:]
    if step == "*":
        if not isinstance(value, list):
            return []
        return [
            found for i, item in enumerate(value) for found in _locations(item, rest, (*here, i))
        ]
    if not isinstance(value, dict) or step not in value:
        return [(*here, step)] if not rest and isinstance(value, dict) else []
    return _locations(value[step], rest, (*here, step))


def _set(root: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        root = root[key]
    root[path[-1]] = value


MUTATIONS = ("rewire", "copy_field", "copy_id", "copy_name", "layout_key", "none")


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A design file whose JSON stays valid and current, its structure maybe broken."""
    doc = copy.deepcopy(corpus()[draw(st.integers(0, len(corpus()) - 1))])
    design = doc["design"]
    elements = design.get("elements", [])
    for _ in range(draw(st.integers(1, 3))):
        if not elements:
            break
        mutation = draw(st.sampled_from(MUTATIONS))
        element = elements[draw(st.integers(0, len(elements) - 1))]
        ids = [e["id"] for e in elements]
        if mutation == "rewire":  # a reference to any element, or none
            spots = [
                spot
                for path, _ in plan()["refs"][element["kind"]]
                for spot in _locations(element, path, ())
            ]
            if spots:
                target = draw(st.sampled_from([*ids, "ghost"]))
                _set(element, draw(st.sampled_from(spots)), target)
        elif mutation == "copy_field":  # a field of another element of the kind
            same = [e for e in elements if e["kind"] == element["kind"]]
            other = same[draw(st.integers(0, len(same) - 1))]
            keys = sorted(set(other) - {"id", "kind"})
            if keys:
                key = draw(st.sampled_from(keys))
                element[key] = copy.deepcopy(other[key])
        elif mutation == "copy_id":
            element["id"] = draw(st.sampled_from(ids))
        elif mutation == "copy_name":
            element["name"] = elements[draw(st.integers(0, len(elements) - 1))]["name"]
        elif mutation == "layout_key":
            layout = design.setdefault("layout", {})
            entry = next(iter(layout.values()), {"x": 0.0, "y": 0.0})
            layout[draw(st.sampled_from([*ids, "ghost"]))] = copy.deepcopy(entry)
    return json.dumps(doc, indent=draw(st.sampled_from([None, 2])))


def test_the_plan_places_every_reference_and_invariant() -> None:
    """Every kind is planned: its references' places and its invariants by name (a kind
    the plan could not tell would make the child vouch for nothing)."""
    assert set(plan()["refs"]) == set(ELEMENT_CLASSES)
    for kind, cls in ELEMENT_CLASSES.items():
        paths = ref_paths(cls)
        assert paths is not None
        assert plan()["refs"][kind] == [[list(p), list(ok)] for p, ok in paths]
    assert {name for _, name in CHILD_INVARIANTS} == set(bytecheck.INVARIANTS)
    named = {name for names in plan()["invariants"].values() for name in names}
    assert named == set(bytecheck.INVARIANTS)


@pytest.mark.parametrize("index", range(len(corpus())))
def test_the_child_finds_every_sample_whole_as_the_loader_does(index: int) -> None:
    assert _verdicts(json.dumps(corpus()[index])) == (True, True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=damaged())
def test_the_childs_word_is_the_loaders_verdict(text: str) -> None:
    verdicts = _verdicts(text)
    if verdicts is None:
        event("refused by the validation")
        return
    loader, child = verdicts
    event(f"whole: {loader}")
    assert child == loader


@pytest.mark.parametrize(
    "break_it",
    [
        # each: a structural break only the named check finds
        lambda d: d["elements"][1].update(name=d["elements"][0]["name"]),
        lambda d: d["layout"].update(ghost={"x": 0.0, "y": 0.0}),
        lambda d: _first(d, "esxi_host").update(cluster=_first(d, "site")["id"]),
        lambda d: _first(d, "esxi_host").update(
            site=next(
                e["id"]
                for e in d["elements"]
                if e["kind"] == "site" and e["id"] != _first(d, "esxi_host")["site"]
            )
        ),
        lambda d: _first(d, "mirror").update(target_lun=_same_array_lun(d)),
        lambda d: _first(d, "mailbox_database")["copies"][0].update(member="ghost"),
    ],
    ids=["name twice", "layout key", "kind", "host's site", "mirror's array", "copy's member"],
)
def test_each_break_is_found_by_both(break_it: Any) -> None:
    doc = copy.deepcopy(corpus()[-1])  # the generated design: every kind
    break_it(doc["design"])
    assert _verdicts(json.dumps(doc)) == (False, False)


def _first(design: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e for e in design["elements"] if e["kind"] == kind)


def _same_array_lun(design: dict[str, Any]) -> str:
    """Another LUN on the first mirror's source LUN's array."""
    luns = {e["id"]: e for e in design["elements"] if e["kind"] == "lun"}
    source = luns[_first(design, "mirror")["source_lun"]]
    return next(i for i, e in luns.items() if e["array"] == source["array"] and e is not source)


def test_a_vouched_check_reads_the_columns_the_full_check_reads() -> None:
    for doc in corpus():
        design = _fast_design(json.dumps(doc).encode("utf-8"))
        assert design is not None
        full = checked_columns(design)
        vouched = checked_columns(design, vouched=True)
        assert full[0] == vouched[0] == []
        assert full[1] is not None and vouched[1] is not None
        assert full[1]._asdict() == vouched[1]._asdict()


def test_the_child_says_whole_broken_or_unknown_after_its_plan(tmp_path: Path) -> None:
    """Its third line, told the plan on its standard input; none told: "unknown"."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps(corpus()[-1]), "utf-8")
    doc = copy.deepcopy(corpus()[-1])
    doc["design"]["layout"]["ghost"] = {"x": 0.0, "y": 0.0}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), "utf-8")
    said = []
    for path, told in ((good, child_plan()), (bad, child_plan()), (good, b"")):
        out = io.BytesIO()
        assert bytecheck._child(str(path), out, io.BytesIO(told or b"")) == 0
        said.append(out.getvalue().decode("ascii").splitlines()[1:])
    assert said == [["unique", "whole"], ["unique", "broken"], ["unique", "unknown"]]


def test_a_field_the_json_may_not_say_as_the_model_holds_it_gets_no_path() -> None:
    """A model whose references the JSON may not give as the model holds them (a
    default naming an element, another key, a validator that may change the value)
    gets no paths: the plan is not made, the child vouches for nothing."""
    from typing import Annotated

    from pydantic import BaseModel, Field, field_validator, model_validator

    from designer.domain.refs import Ref

    Site = Annotated[str, Ref("site")]

    class Plain(BaseModel):
        site: Site | None = None
        sites: list[Site] = Field(default_factory=list)

    class Defaulted(BaseModel):
        site: Site = "hq"

    class Aliased(BaseModel):
        site: Site = Field(alias="where")

    class Validated(BaseModel):
        site: Site

        @field_validator("site")
        @classmethod
        def _lower(cls, value: str) -> str:
            return value.lower()

    class Before(BaseModel):
        site: Site

        @model_validator(mode="before")
        @classmethod
        def _fill(cls, data: Any) -> Any:
            return data

    assert ref_paths(Plain) == [(("site",), ("site",)), (("sites", "*"), ("site",))]
    for refused in (Defaulted, Aliased, Validated, Before):
        assert ref_paths(refused) is None, refused


@pytest.mark.parametrize("said", [True, False])
def test_the_word_is_asked_once_the_columns_are_read(
    said: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word not given by the validation's end is asked after the columns (the child
    has had their time to say it): "whole" skips the verdicts, anything else runs them."""
    from designer.domain import structure

    design = _fast_design(json.dumps(corpus()[-1]).encode("utf-8"))
    assert design is not None
    order: list[str] = []
    holds = structure._holds
    read = structure.targets_columns

    def reading(cls: Any) -> Any:
        if order[-1:] != ["columns"]:
            order.append("columns")
        return read(cls)

    def verdicts(*args: Any) -> bool:
        order.append("verdicts")
        return holds(*args)

    def word() -> bool:
        order.append("asked")
        return said

    monkeypatch.setattr(structure, "targets_columns", reading)
    monkeypatch.setattr(structure, "_holds", verdicts)
    errors, columns = checked_columns(design, vouched=word)
    assert errors == [] and columns is not None
    assert order[:2] == ["columns", "asked"]
    assert ("verdicts" in order) is not said
