"""The simulator's engine imports the WAN links', mirrors', SRM's and timeline's modules
when a scenario first calls one of their functions (``check``'s sizing never does):
each stand-in names a function of its module, and its first call imports the module,
gives the function's result and leaves the function itself in the engine's names."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from designer.simulation import engine, wording


def test_a_stand_in_imports_calls_and_gives_way_to_its_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_in = engine._OnFirstCall("designer.simulation.wording", "span")
    monkeypatch.setattr(engine, "span", stand_in)
    assert engine.span(5400.0) == wording.span(5400.0) == "90 min"
    assert engine.span is wording.span  # later calls go straight to the function
    assert engine.span(90.0) == wording.span(90.0)


def test_every_stand_in_names_a_function_of_a_scenario_module() -> None:
    """In a fresh process: 18 stand-ins, each for a function its module has, and none of
    the four modules imported by importing the simulator."""
    probe = (
        "import importlib, inspect, sys\n"
        "import designer.simulation as s, designer.simulation.engine as e\n"
        "pending = {n: v for n, v in vars(e).items() if isinstance(v, e._OnFirstCall)}\n"
        "real = [n for n, v in pending.items() if n == v.name\n"
        "        and inspect.isfunction(getattr(importlib.import_module(v.module), n))]\n"
        "print(len(pending), len(real), sorted({v.module for v in pending.values()}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    before = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, designer.simulation\n"
            "print(sorted(m for m in sys.modules if m.rsplit('.', 1)[-1] in "
            "('links', 'mirrors', 'srm', 'timeline')))",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert before.stdout.split("\n")[0] == "[]", before.stderr[-2000:]
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    count, real, modules = run.stdout.strip().split(" ", 2)
    assert (count, real) == ("23", "23"), run.stderr[-2000:]
    assert modules == str(
        [f"designer.simulation.{m}" for m in ("links", "mirrors", "srm", "timeline")]
    )
