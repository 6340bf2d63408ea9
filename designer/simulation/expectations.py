"""Saved scenarios against their expected outcomes: :func:`compare` (the GUI's *Run all
scenarios*) and :func:`run_saved_scenarios` (``dr-designer check --scenarios``)."""

from __future__ import annotations

import argparse
import sys

from designer.domain.design import Design, ExpectedOutcome, SavedScenario
from designer.simulation.engine import SimulationError, Simulator
from designer.simulation.results import StepState

__all__ = ["compare", "run_saved_scenarios"]


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


def _run_one(sim: Simulator, scenario: SavedScenario) -> list[str]:
    try:
        result = sim.run(scenario, events=False)
    except SimulationError as exc:
        return [f"cannot run: {exc}"]
    return compare(scenario.expected, result.final)


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
            print(f"scenario {scenario.name}: FAIL: {'; '.join(problems)}", file=out)
        else:
            print(f"scenario {scenario.name}: pass", file=out)
    print(f"{len(design.scenarios) - failed} of {len(design.scenarios)} scenarios pass", file=out)
    return 1 if failed else 0
