"""The who-takes-over table's plain rows (wave 19): a moved-VMs step decided row by row.

A few-rows placement step found from its moved VMs (``FEW_VMS``: a host's failure, ~3
VMs, ~25 rows) with no copy lost, nothing relocated or reset and every (DAG, member)
pair in quorum is decided in plain Python (``TakeoverTable._place_rows``,
``PLAIN_MAX_ROWS``) rather than through ~30 small numpy calls.

- Forced for every step it can take (and the few-rows and moved-VMs paths forced), every
  placement ``capacity(sim, max_combined=None)`` asks for equals ``_resolve``'s one by
  one (``test_takeover_placement._differences``) on the samples, generated 1k and 10k
  designs and Hypothesis designs.
- Never taken, capacity's placements (states and order) and report equal the default's,
  which takes it (counted).
- Mutants fail: the active copy kept on a restarted member, lagged copies taken, the
  last copy by preference among equals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs
from test_takeover_placement import _differences, _mutant, _placements_and_report, _threshold

from designer.domain import Design
from designer.domain.elements import MailboxDatabase
from designer.persistence import load
from designer.simulation import takeover
from designer.simulation.takeover import TakeoverTable

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
ALWAYS = 10**9


@contextmanager
def _plain(rows: int, *, forced: bool = True) -> Iterator[None]:
    """``PLAIN_MAX_ROWS`` set to ``rows``; ``forced``: the few-rows and moved-VMs paths
    taken by every step that can (so every such step can reach the plain rows)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(takeover, "PLAIN_MAX_ROWS", rows)
        if forced:
            mp.setattr(takeover, "FEW_VMS", ALWAYS)
            mp.setattr(takeover, "FEW_AFFECTED_SHARE", 0)
        yield


def _generated(size: str, seed: int) -> Design:
    from benchmarks.generate import generate_design

    return generate_design(size, seed=seed, workload=True)


def _counting() -> tuple[list[int], Any]:
    calls: list[int] = []
    real = TakeoverTable._place_rows

    def counted(self: TakeoverTable, run: Any, w: Any, affected: Any, t: float, rows: Any) -> Any:
        calls.append(len(rows))
        return real(self, run, w, affected, t, rows)

    return calls, counted


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_plain_rows_place_every_sample_as_resolve_does(path: Path) -> None:
    loaded = load(path)
    with _plain(ALWAYS):
        found, _sim = _differences(getattr(loaded, "design", loaded))
    assert found == []


@pytest.mark.parametrize(("size", "seed"), [("1k", 0), ("1k", 1), ("10k", 0)])
def test_the_plain_rows_place_generated_designs_as_resolve_does(size: str, seed: int) -> None:
    calls, counted = _counting()
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", counted)
        found, _sim = _differences(_generated(size, seed))
    assert found == []
    assert calls and max(calls) > 0  # taken, with rows to decide


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_the_plain_rows_place_stretched_designs_as_resolve_does(design: Design) -> None:
    with _plain(ALWAYS):
        found, _sim = _differences(design)
    assert found == []


@pytest.mark.parametrize(
    ("size", "seed", "forced"), [("1k", 0, True), ("1k", 1, True), ("10k", 0, False)]
)
def test_capacity_is_the_same_with_and_without_the_plain_rows(
    size: str, seed: int, forced: bool
) -> None:
    """The default ``PLAIN_MAX_ROWS`` against never. At 10k a host's failure takes the
    plain rows by default; at 1k a host's failure is not a few-rows step (its databases
    are more than 1/8 of the table's): the few-rows paths are forced there."""
    design = _generated(size, seed)
    calls, counted = _counting()
    with pytest.MonkeyPatch.context() as mp, _threshold(0):
        mp.setattr(TakeoverTable, "_place_rows", counted)
        with _plain(takeover.PLAIN_MAX_ROWS, forced=forced):
            default = _placements_and_report(design)
        assert calls and max(calls) > 0
        taken = len(calls)
        with _plain(0, forced=forced):
            never = _placements_and_report(design)
        assert len(calls) == taken  # not taken
    assert default == never


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # The active copy kept though its member was restarted.
        ("and active not in down and active not in fresh", "and active not in down"),
        # Lagged copies taken.
        ("if open_ and vm not in down:", "if vm not in down:"),
        # The last copy by preference among equals.
        ("elif failover < soonest:", "elif failover <= soonest:"),
    ],
    ids=["restarted-active-kept", "lagged-taken", "last-among-equals"],
)
def test_a_wrong_plain_row_is_caught(old: str, new: str) -> None:
    """On a generated design whose second copies by preference are lagged (a host's
    failure then leaves a lagged copy first among those up)."""
    wrong = _mutant(TakeoverTable._place_rows, old, new)
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", wrong)
        found, _sim = _differences(_second_copies_lagged(_generated("1k", 0)))
    assert found


def _second_copies_lagged(design: Design) -> Design:
    """``design`` with each database's second copy by preference lagged (7 days) and its
    others not, where it has three copies or more."""
    elements = []
    for element in design.elements:
        copies = getattr(element, "copies", None)
        if isinstance(element, MailboxDatabase) and copies and len(copies) >= 3:
            ordered = sorted(copies, key=lambda c: c.activation_preference)
            second = ordered[1].member
            element = element.model_copy(
                update={
                    "copies": [
                        c.model_copy(update={"replay_lag_days": 7.0 if c.member == second else 0.0})
                        for c in copies
                    ]
                }
            )
        elements.append(element)
    return design.model_copy(update={"elements": elements})


def test_the_lagged_design_is_placed_as_resolve_does() -> None:
    """The mutants' design itself: the plain rows (taken, with lagged copies among
    them) place it as ``_resolve`` does."""
    calls, counted = _counting()
    design = _second_copies_lagged(_generated("1k", 0))
    with _plain(ALWAYS), pytest.MonkeyPatch.context() as mp:
        mp.setattr(TakeoverTable, "_place_rows", counted)
        found, sim = _differences(design)
    assert found == [] and calls
    table = sim._takeover_table()
    assert table._row_copies is not None
    # Second by preference and lagged, in the rows the plain path reads.
    assert sum(not row[1][2] for row in table._row_copies if len(row) >= 3) > 10
