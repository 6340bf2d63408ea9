"""Anything the loader accepts saves to a file the loader accepts again (issue 15: a
scenario bound of ``1e400`` loaded as infinity and saved as ``Infinity``).

Hypothesis puts hostile values (every float including infinities, huge and negative
numbers, strings with lone surrogates and control characters) at any number or string
of a design that uses every part of the model; each is either refused with a clear
message naming the JSON path, or loaded, saved, and loaded back equal, byte for byte.
"""

from __future__ import annotations

import json
import math
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from designer.domain import (
    Design,
    DesignIntent,
    ExpectedOutcome,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    SavedScenario,
    ScenarioStep,
    Waiver,
)
from designer.persistence import LoadError, dumps, loads

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulation"))
import sim_designs as designs

ROOT = Path(__file__).resolve().parents[2]


def full_design() -> Design:
    """A design that uses every part of the model: elements of many kinds, layout,
    intent, rule settings and a scenario with every expected bound set."""
    sample = json.loads((ROOT / "sample_designs" / "cx4_srm_mirrorview_s.json").read_text())
    design = loads(json.dumps(sample))
    extra = designs.dag_with_ha()
    return design.model_copy(
        update={
            "description": "all parts",
            "intent": DesignIntent(rpo_target_min=15, rto_target_min=60),
            "rules": RuleSettings(
                severities={"VS002": RuleSeverity(level=RuleLevel.ERROR)},
                waivers=[*design.rules.waivers, Waiver(code="BK001", elements=["x"], reason="r")],
            ),
            "scenarios": [
                SavedScenario(
                    name="host",
                    steps=[ScenarioStep(at_s=5, action="fail", target=extra.elements[0].id)],
                    expected=ExpectedOutcome(
                        mailboxes_available=10,
                        databases_down=["DB1"],
                        max_rpo_s=30.5,
                        max_rto_s=600.0,
                    ),
                )
            ],
        }
    )


@cache
def base_text() -> str:
    return dumps(full_design())


@cache
def leaves() -> tuple[tuple[Any, ...], ...]:
    """A path to every number and string field of the model the base design uses:
    one per field of each element kind (the first element of a kind stands for all)."""
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def walk(value: Any, here: tuple[Any, ...], generic: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            kind = value.get("kind") if isinstance(value.get("kind"), str) else None
            for key, item in value.items():
                field = key if generic[-1:] != ("layout",) else "*"
                walk(item, (*here, key), (*generic, kind, field) if kind else (*generic, field))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*here, i), (*generic, "[]"))
        elif isinstance(value, int | float | str) and not isinstance(value, bool):
            found.setdefault((*generic, type(value).__name__), here)

    walk(json.loads(base_text())["design"], ("design",), ("design",))
    return tuple(found.values())


def numeric_leaves() -> list[tuple[Any, ...]]:
    doc = json.loads(base_text())
    return [p for p in leaves() if not isinstance(_get(doc, p), str)]


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        root = root[key]
    return root


def put(path: tuple[Any, ...], token: str) -> str:
    """The base design's text with the raw JSON ``token`` at ``path``."""
    doc = json.loads(base_text())
    parent = _get(doc, path[:-1])
    parent[path[-1]] = SENTINEL
    return json.dumps(doc).replace(json.dumps(SENTINEL), token)


def assert_refused_or_round_trips(text: str) -> str:
    try:
        design = loads(text)
    except LoadError as exc:
        assert exc.path, f"the message names no JSON path: {exc}"
        return "refused"
    saved = dumps(design)
    raw = saved.encode("utf-8")  # a str the encoder cannot write is a save that fails
    again = loads(raw)
    assert again == design
    assert dumps(again) == saved
    return "loaded"


#: Floats as JSON text: infinities as the overflowing literals a file can hold.
def float_token(value: float) -> str:
    if math.isnan(value):
        return "1e400"  # NaN has no JSON spelling the loader takes; overflow instead
    if math.isinf(value):
        return "1e400" if value > 0 else "-1e400"
    return repr(value)


hostile_strings = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), min_size=0, max_size=30
) | st.sampled_from(["\ud800", "a\udcffb", "\x00", "\x1b[2J", "\u202e", "x" * 300])
hostile_numbers = st.floats() | st.integers(min_value=-(10**30), max_value=10**30)
SENTINEL = "@@hostile@@"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(leaves()), value=hostile_numbers | hostile_strings)
def test_what_loads_saves_and_loads_back_byte_for_byte(path: tuple[Any, ...], value: Any) -> None:
    token = float_token(value) if isinstance(value, float) else json.dumps(value)
    event(assert_refused_or_round_trips(put(path, token)))


@pytest.mark.parametrize("token", ["1e400", "-1e400", "1e308", "-1e-320", "1" + "0" * 40])
def test_every_number_field_refuses_or_round_trips_extremes(token: str) -> None:
    paths = numeric_leaves()
    assert len(paths) > 20  # the base design does use the model's many number fields
    outcomes = [assert_refused_or_round_trips(put(path, token)) for path in paths]
    if token.endswith("e400"):
        assert set(outcomes) == {"refused"}  # no field takes an infinity


@pytest.mark.parametrize("field", ["max_rpo_s", "max_rto_s"])
@pytest.mark.parametrize("token", ["1e400", "-1e400"])
def test_an_infinite_scenario_bound_is_refused_naming_the_path(field: str, token: str) -> None:
    text = base_text().replace(f'"{field}": ', f'"{field}": {token}, "_was": ', 1)
    text = text.replace(', "_was": 30.5', "").replace(', "_was": 600.0', "")
    with pytest.raises(LoadError) as caught:
        loads(text)
    assert caught.value.path == f"design.scenarios[0].expected.{field}"
    assert "finite" in str(caught.value)


def test_the_model_refuses_infinity_and_nan_when_built_in_code() -> None:
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValidationError):
            ExpectedOutcome(max_rpo_s=bad)
        with pytest.raises(ValidationError):
            DesignIntent(rpo_target_min=bad)


def test_a_lone_surrogate_in_any_string_is_refused_or_round_trips() -> None:
    doc = json.loads(base_text())
    paths = [p for p in leaves() if isinstance(_get(doc, p), str)]
    outcomes = {assert_refused_or_round_trips(put(path, '"bad \\ud800 x"')) for path in paths}
    assert "refused" in outcomes
