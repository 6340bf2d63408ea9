"""The per-module profiler of ``check`` (benchmarks/callgrind_modules.py): its script
runs ``check`` through the entry with every marker in place and leaves the design's
findings as they are; the accounting charges each stretch to the innermost open item.
The instructions themselves are the benchmark's (valgrind), never a test's."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.callgrind_modules import PROFILER, SAMPLE, group_of, self_costs  # noqa: E402


def test_self_costs_charge_each_stretch_to_the_innermost_open_item() -> None:
    labels = [
        ("+", "mod:a"),
        ("+", "pyd:A"),
        ("-", "pyd:A"),
        ("+", "mod:b"),
        ("-", "mod:b"),
        ("-", "mod:a"),
        ("=", "end"),
    ]
    costs = [5, 10, 20, 1, 30, 2, 3, 4]  # before the first marker, then after each
    own = self_costs(labels, costs)
    assert own == {"<start>": 5 + 3 + 4, "mod:a": 10 + 1 + 2, "pyd:A": 20, "mod:b": 30}
    assert sum(own.values()) == sum(costs)


def test_groups() -> None:
    floor = {"pydantic", "pydantic.main", "typing"}
    assert group_of("mod:typing", floor).startswith("floor's")
    assert group_of("mod:designer.domain.kinds", floor) == "modules: designer.domain"
    assert (
        group_of("dc:designer.simulation.run_state.Run", floor)
        == "dataclasses: designer.simulation"
    )
    assert group_of("dc:pydantic.main.X", floor) == "dataclasses of the floor's modules"
    assert group_of("pyd:Site", floor) == "pydantic model classes"


def test_the_profiler_script_checks_the_sample_with_its_markers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without valgrind the markers are plain calls: ``check``'s output is the console
    script's, every module, model class and dataclass opened is closed, the classes and
    modules ``check`` makes are seen, and a wrapped function is marked."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DR_DESIGNER_CACHE_DIR"] = str(tmp_path / "cache")
    env["DR_DESIGNER_LOG_DIR"] = str(tmp_path / "logs")
    env["CALLGRIND_MODULES_WRAP"] = "designer.rules.registry:missing_written_sections"
    script = tmp_path / "profiler.py"
    script.write_text(PROFILER)
    labels_file = tmp_path / "labels.txt"
    done = subprocess.run(
        [sys.executable, str(script), str(labels_file), "check", str(SAMPLE)],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    plain = subprocess.run(
        [sys.executable, "-m", "designer", "check", str(SAMPLE)],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (plain.returncode, plain.stdout), done.stderr[-2000:]
    labels = ast.literal_eval(labels_file.read_text())
    depth = 0
    for op, _name in labels:
        depth += {"+": 1, "-": -1, "=": 0}[op]
        assert depth >= 0
    assert depth == 1 and labels[-1] == ("=", "end")  # "main" stays open to the end
    opened = {name for op, name in labels if op == "+"}
    assert {
        "mod:designer.domain.elements",
        "pyd:Site",
        "pyd:Design",
        "dc:designer.rules.registry.Rule",
        "fn:missing_written_sections",
    } <= opened
