"""The suite's waits: a wait on a condition is bounded only to end a hang (its bound
scaled for a loaded machine), and a gate a test holds a worker at opens when the test
ends, whatever its outcome (tests/conftest.py, tests/gates.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import wait_bounds
from gates import GATES, Gates, open_all


def test_a_conditions_bound_is_scaled_up_to_the_most_a_test_may_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wait_bounds, "WAIT_SCALE", 4.0)

    def wait(self: Any, *args: Any, timeout: int = 5000) -> int:
        return timeout

    scaled = wait_bounds.longer(wait)
    assert scaled(None) == 20_000  # the default, 5 s
    assert scaled(None, timeout=3000) == 12_000
    assert scaled(None, timeout=120_000) == wait_bounds.WAIT_BOUND_MAX_MS
    assert scaled(None, timeout=300_000) == 300_000  # never shorter than written
    assert scaled(None, timeout=0) == 0  # no bound stays none
    monkeypatch.setattr(wait_bounds, "WAIT_SCALE", 1.0)
    assert scaled(None, timeout=3000) == 3000
    from pytestqt.qtbot import QtBot

    for name in wait_bounds.SCALED:
        assert getattr(QtBot, name).__name__ == name
        assert getattr(QtBot, name).__wrapped__ is not None


def test_a_tests_gates_open_when_its_body_ends(request: pytest.FixtureRequest) -> None:
    """What the run does once a test's body has ended, failed or not (its gates were
    made by the ``gates`` fixture): a worker waiting at one goes on."""

    class Item:
        stash = pytest.Stash()

    item = Item()
    gates = item.stash.setdefault(GATES, Gates())
    first, second = gates(), gates()
    went_on: list[int] = []
    worker = threading.Thread(target=lambda: (first.wait(), went_on.append(1)))
    worker.start()
    assert not first.is_set() and not second.is_set()
    open_all(item)  # type: ignore[arg-type]
    worker.join(60)
    assert went_on == [1] and second.is_set()
    open_all(request.node)  # a test that made none: nothing to do


def test_the_gates_fixture_keeps_the_tests_gates(
    gates: Gates, request: pytest.FixtureRequest
) -> None:
    gate = gates()
    assert request.node.stash[GATES] is gates and not gate.is_set()


def test_a_failed_tests_gates_open_before_its_teardown(tmp_path: Any) -> None:
    """Through pytest itself: a test holds a worker at a gate and fails; the gate opens
    as its body ends (before its teardown would close a window waiting for that worker),
    and the next test sees that the worker went on."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for name in ("conftest.py", "gates.py", "wait_bounds.py", "early_checks.py", "parallel.py"):
        shutil.copy(here / name, tmp_path / name)
    (tmp_path / "test_held.py").write_text(
        "import threading\n"
        "went_on = []\n"
        "def test_holds_then_fails(gates, request):\n"
        "    gate = gates()\n"
        "    def worker():\n"
        "        gate.wait()\n"
        "        went_on.append(1)\n"
        "    thread = threading.Thread(target=worker)\n"
        "    thread.start()\n"
        "    request.addfinalizer(lambda: thread.join(60) or went_on.append('joined'))\n"
        "    assert False, 'the body fails with its gate shut'\n"
        "def test_after():\n"
        "    assert went_on == [1, 'joined']\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-o", "addopts=", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert "the body fails with its gate shut" in run.stdout
