"""``needs_any`` (designer/domain/refs.py) says whether an element cannot stand without
some doomed elements exactly when ``drop_refs`` gives None, without dumping it: the
removal's plan asks it once per (doomed element, referrer) pair (wave 26, ``group26``).
Every element of every sample design and of a generated design, against each element
it refers to and against random sets of them, and a nested model's required
reference."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BaseModel

from benchmarks.generate import generate_design
from designer.domain.design import Design
from designer.domain.refs import Ref, drop_refs, iter_refs, needs_any
from designer.persistence import load

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))


def _designs() -> list[tuple[str, Design]]:
    return [(p.stem, load(p)) for p in SAMPLES] + [("generated", generate_design(600, seed=5))]


@pytest.mark.parametrize(("name", "design"), _designs())
def test_needs_any_is_drop_refs_giving_none(name: str, design: Design) -> None:
    rng = random.Random(name)
    asked = 0
    for element in design.elements:
        targets = [r.target for r in iter_refs(element)]
        sets = [{t} for t in targets] + [
            set(rng.sample(targets, rng.randint(0, len(targets)))) for _ in range(4)
        ]
        for doomed in sets:
            asked += 1
            assert needs_any(element, doomed) == (drop_refs(element, doomed) is None), (
                element.id,
                sorted(doomed),
            )
    assert asked


class _Leg(BaseModel):
    start: Annotated[str, Ref("vm")] | None = None
    end: Annotated[str, Ref("vm")]  # required within a required part


class _Route(BaseModel):
    id: str
    leg: _Leg
    spare: list[_Leg] = []


def test_a_nested_models_required_reference_is_needed() -> None:
    route = _Route(id="p", leg=_Leg(start="a", end="b"), spare=[_Leg(end="c")])
    for doomed in ({"a"}, {"b"}, {"c"}, {"a", "c"}, set()):
        assert needs_any(route, doomed) == (drop_refs(route, doomed) is None), doomed
    assert needs_any(route, {"b"}) and not needs_any(route, {"a", "c"})
