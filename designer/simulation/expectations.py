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
from designer.simulation.results import SimulationResult, StepState
from designer.simulation.wording import span
from designer.text import printable

__all__ = [
    "ScenarioOutcome",
    "compare",
    "evaluate",
    "evaluate_all",
    "judged_at",
    "judged_state",
    "run_saved_scenarios",
    "worst_copies_behind",
]


def judged_at(result: SimulationResult, expected: ExpectedOutcome | None) -> float:
    """When a scenario's outcome is judged: the time its expectation states, else its
    horizon (``end_s``: its last change and what its steps set going, e.g. a copy queue
    growing for an hour). Judging the state of its last step instead passed a link
    degraded to a third of what its copies need: at 0:00 no copy is behind yet
    (eyes21)."""
    if expected is not None and expected.at_s is not None:
        return expected.at_s
    return result.end_s


def worst_copies_behind(result: SimulationResult, until: float) -> float:
    """The most any database's passive copies are behind from the start to ``until``
    (a queue grows or drains in a straight line between steps: its worst is at a
    step's start or end)."""
    states = [result.initial, *result.steps]
    worst = 0.0
    for i, state in enumerate(states):
        if state.t > until:
            break
        end = min(states[i + 1].t, until) if i + 1 < len(states) else until
        for db in state.databases:
            if db.copies_queue is not None:
                worst = max(worst, db.at(state.t).copies_behind_s, db.at(end).copies_behind_s)
    return worst


def judged_state(
    result: SimulationResult, expected: ExpectedOutcome | None
) -> tuple[StepState, float]:
    """The state a scenario's verdict reads, and its copies' worst queue up to then."""
    at = judged_at(result, expected)
    return result.state_at(at), worst_copies_behind(result, at)


def compare(
    expected: ExpectedOutcome | None, state: StepState, copies_behind_s: float = 0.0
) -> list[str]:
    """How ``state`` differs from ``expected`` (empty when it matches);
    ``copies_behind_s`` is the worst copy queue up to the state's time."""
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
        problems.append(_worst("RPO", state.max_rpo_s, expected.max_rpo_s))
    if expected.max_rto_s is not None and state.max_rto_s > expected.max_rto_s:
        problems.append(_worst("RTO", state.max_rto_s, expected.max_rto_s))
    limit = expected.max_copies_behind_s
    if limit is not None and copies_behind_s > limit:
        problems.append(f"copies behind {span(copies_behind_s)}; expected at most {span(limit)}")
    return problems


def _worst(what: str, actual: float, limit: float) -> str:
    """ "worst RPO 120 s; expected at most 0 s"; a database not active has no RPO or RTO
    yet (``inf``): said in words, not "inf s" (eyes22)."""
    shown = f"{actual:g} s" if math.isfinite(actual) else "none (a database is not active)"
    return f"worst {what} {shown}; expected at most {limit:g} s"


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


def _actual(state: StepState, copies_behind_s: float, at: float) -> dict[str, Any]:
    def seconds(value: float) -> float | None:
        return None if math.isinf(value) else value

    return {
        "mailboxes_available": state.mailboxes_available,
        "databases_down": sorted(db.id for db in state.databases if db.state != "active"),
        "max_rpo_s": seconds(state.max_rpo_s),
        "max_rto_s": seconds(state.max_rto_s),
        "max_copies_behind_s": copies_behind_s,
        "at_s": at,
    }


def evaluate(
    sim: Simulator, scenario: SavedScenario, result: SimulationResult | None = None
) -> ScenarioOutcome:
    """Run ``scenario`` (or read its ``result``, run with events) and judge it against
    its expected outcome at :func:`judged_at`."""
    try:
        # With its events: the horizon is the window's end the timeline shows.
        result = sim.run(scenario) if result is None else result
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
    expected = scenario.expected
    at = judged_at(result, expected)
    state, behind = result.state_at(at), worst_copies_behind(result, at)
    problems = tuple(compare(expected, state, behind))
    if not problems:
        return ScenarioOutcome(scenario.name, True, expected, _actual(state, behind, at), ())
    # The step from which the expectation is missed for good (each step's state with
    # its copies' worst queue up to the next step).
    states = [s for s in (result.initial, *result.steps) if s.t <= at]
    first = len(states) - 1

    def missed(k: int) -> bool:
        end = states[k + 1].t
        return bool(compare(expected, states[k], worst_copies_behind(result, end)))

    while first > 0 and missed(first - 1):
        first -= 1
    return ScenarioOutcome(
        scenario.name,
        False,
        expected,
        _actual(state, behind, at),
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
