"""A placement's DAG quorum taken as normal operation's when its inputs are (wave 19).

``Simulator._quorum_as_normal``: in a placement (``run.light``) a DAG none of whose
members is down, whose witness is up, with no site down or cut off, no VM relocated and
no switchover, vote change or moved witness of it, has normal operation's quorum state
(``quorum`` reads the same inputs): it is not worked out again (a host's failure: every
member restarted by vSphere HA).

- Every placement ``capacity(sim, max_combined=None)`` asks for (states, order, DAGs)
  and its report are the same with the shortcut and without it, on the samples,
  generated 1k and 10k designs and Hypothesis designs; the shortcut is taken (counted).
- A state it gives equals ``quorum``'s for the same run (checked on every call).
- Mutants that leave out a condition fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs
from test_takeover_placement import _placements_and_report

from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.simulation import engine as sim_engine
from designer.simulation.options import quorum

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


def _checked(real: Any, taken: list[str]) -> Any:
    """``_quorum_as_normal`` whose every yes is checked against ``quorum`` itself."""

    def check(self: Simulator, run: Any, w: Any, dag_id: str) -> bool:
        found = real(self, run, w, dag_id)
        if found:
            assert quorum(self.prep, run, w, dag_id, run.now) == self._base_dag[dag_id], dag_id
            taken.append(dag_id)
        return bool(found)

    return check


def _both(design: Design, real: Any = Simulator._quorum_as_normal) -> tuple[Any, Any, int]:
    taken: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Simulator, "_quorum_as_normal", _checked(real, taken))
        fast = _placements_and_report(design)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Simulator, "_quorum_as_normal", lambda *_a: False)
        slow = _placements_and_report(design)
    return fast, slow, len(taken)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_samples_are_placed_alike_with_and_without_it(path: Path) -> None:
    loaded = load(path)
    fast, slow, _taken = _both(getattr(loaded, "design", loaded))
    assert fast == slow


@pytest.mark.parametrize(("size", "seed", "least"), [("1k", 0, 5), ("1k", 1, 5), ("10k", 0, 50)])
def test_generated_designs_are_placed_alike_with_and_without_it(
    size: str, seed: int, least: int
) -> None:
    fast, slow, taken = _both(_generated(size, seed))
    assert fast == slow
    assert taken >= least  # the hosts' failures take it


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_stretched_designs_are_placed_alike_with_and_without_it(design: Design) -> None:
    fast, slow, _taken = _both(design)
    assert fast == slow


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("return members.isdisjoint(w.vm_down) and", "return"),
        ("if w.comp is not None or w.sites_down or w.vm_relocated:", "if w.vm_relocated:"),
    ],
    ids=["members-down-ignored", "sites-ignored"],
)
def test_a_wrong_condition_is_caught(old: str, new: str) -> None:
    import inspect
    import textwrap

    source = textwrap.dedent(inspect.getsource(Simulator._quorum_as_normal))
    assert old in source
    space: dict[str, Any] = {}
    exec(compile(source.replace(old, new), "<mutant>", "exec"), vars(sim_engine), space)
    wrong = space["_quorum_as_normal"]
    caught = 0
    for path in sorted(SAMPLES.glob("*.json")):
        loaded = load(path)
        try:
            fast, slow, _taken = _both(getattr(loaded, "design", loaded), wrong)
        except AssertionError:
            caught += 1  # a state unlike quorum's
        else:
            caught += fast != slow
    assert caught
