"""Saved scenarios against their expected outcomes: :func:`compare` (the GUI's *Run all
scenarios*), :func:`evaluate` (one scenario's verdict as data: pass or fail, expected,
actual, the step where it diverged) and :func:`run_saved_scenarios` (``dr-designer check
--scenarios``)."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from typing import Any

from designer.domain.design import Design, ExpectedOutcome, SavedScenario
from designer.simulation.engine import SimulationError, Simulator
from designer.simulation.results import StepState
from designer.text import printable

__all__ = ["ScenarioOutcome", "compare", "evaluate", "evaluate_all", "run_saved_scenarios"]


def compare(expected: ExpectedOutcome | None, state: StepState) -> list[str]:
    """How ``state`` differs from ``expected`` (empty when it matches)."""
    if expected is None:
        return []
    problems: list[str] = []
    available = state.mailboxes_available
    if expected.mailboxes_available is not None and available != expected.mailboxes_available:
        problems.append(
            f"mailboxes available {available:,}; expected {expected.mailboxes_available:,}"
        )
    if expected.databases_down is not None:
        down = {db.id for db in state.databases if db.state != "active"}
        names = {db.id: db.name for db in state.databases}
        by_name = {db.name: db.id for db in state.databases}
        wanted = {by_name.get(key, key) for key in expected.databases_down}
        if down != wanted:
            shown = ", ".join(sorted(names.get(d, d) for d in down)) or "none"
            want = ", ".join(sorted(names.get(d, d) for d in wanted)) or "none"
            problems.append(f"databases down {shown}; expected {want}")
    if expected.max_rpo_s is not None and state.max_rpo_s > expected.max_rpo_s:
        problems.append(f"worst RPO {state.max_rpo_s:g} s; expected at most {expected.max_rpo_s:g}")
    if expected.max_rto_s is not None and state.max_rto_s > expected.max_rto_s:
        problems.append(f"worst RTO {state.max_rto_s:g} s; expected at most {expected.max_rto_s:g}")
    return problems


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """One saved scenario's verdict.

    ``diverged_at_step`` is the (1-based) step from which every state misses the
    expectation (0: it is missed before any step), or the step that could not be run;
    None when the scenario passes or expects nothing.
    """

    name: str
    passed: bool
    expected: ExpectedOutcome | None
    actual: dict[str, Any]
    problems: tuple[str, ...]
    diverged_at_step: int | None = None
    diverged_at_s: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "result": "pass" if self.passed else "fail",
            "expected": self.expected.model_dump(mode="json", exclude_none=True)
            if self.expected is not None
            else None,
            "actual": self.actual,
            "problems": list(self.problems),
            "diverged_at_step": self.diverged_at_step,
            "diverged_at_s": self.diverged_at_s,
            "error": self.error,
        }


def _actual(state: StepState) -> dict[str, Any]:
    def seconds(value: float) -> float | None:
        return None if math.isinf(value) else value

    return {
        "mailboxes_available": state.mailboxes_available,
        "databases_down": sorted(db.id for db in state.databases if db.state != "active"),
        "max_rpo_s": seconds(state.max_rpo_s),
        "max_rto_s": seconds(state.max_rto_s),
    }


def evaluate(sim: Simulator, scenario: SavedScenario) -> ScenarioOutcome:
    """Run ``scenario`` and judge its final state against its expected outcome."""
    try:
        result = sim.run(scenario, events=False)
    except SimulationError as exc:
        step = exc.step
        at = scenario.steps[step - 1].at_s if step and step <= len(scenario.steps) else None
        return ScenarioOutcome(
            scenario.name,
            False,
            scenario.expected,
            {},
            (f"cannot run: {exc}",),
            step,
            at,
            str(exc),
        )
    problems = tuple(compare(scenario.expected, result.final))
    if not problems:
        return ScenarioOutcome(scenario.name, True, scenario.expected, _actual(result.final), ())
    # The step from which the expectation is missed for good.
    states = [result.initial, *result.steps]
    first = len(states) - 1
    while first > 0 and compare(scenario.expected, states[first - 1]):
        first -= 1
    return ScenarioOutcome(
        scenario.name,
        False,
        scenario.expected,
        _actual(result.final),
        problems,
        first,
        states[first].t if first else 0.0,
    )


def evaluate_all(design: Design) -> list[ScenarioOutcome]:
    """Every saved scenario of ``design``, judged."""
    if not design.scenarios:
        return []
    sim = Simulator(design)
    return [evaluate(sim, scenario) for scenario in design.scenarios]


def _run_one(sim: Simulator, scenario: SavedScenario) -> list[str]:
    return list(evaluate(sim, scenario).problems)


def run_saved_scenarios(design: Design, args: argparse.Namespace) -> int:
    """Run every saved scenario; print pass/fail per scenario; 1 when any fails."""
    out = sys.stdout if getattr(args, "format", "text") == "text" else sys.stderr
    if not design.scenarios:
        print("no saved scenarios", file=out)
        return 0
    sim = Simulator(design)
    failed = 0
    for scenario in design.scenarios:
        problems = _run_one(sim, scenario)
        if problems:
            failed += 1
            shown = printable(f"{scenario.name}: FAIL: {'; '.join(problems)}")
            print(f"scenario {shown}", file=out)
        else:
            print(f"scenario {printable(scenario.name)}: pass", file=out)
    print(f"{len(design.scenarios) - failed} of {len(design.scenarios)} scenarios pass", file=out)
    return 1 if failed else 0
