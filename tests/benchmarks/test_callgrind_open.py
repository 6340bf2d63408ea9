"""The reading's instructions by step (benchmarks/callgrind_open.py): its child reads a
design file through every step, in order, each counted once, and refuses a file the
loader would refuse. The instructions themselves are the benchmark's (valgrind), never
a test's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "benchmarks"):  # the script imports its sibling _callgrind
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from benchmarks.callgrind_open import STEPS, steps  # noqa: E402
from designer.persistence import load  # noqa: E402

SAMPLE = sorted((ROOT / "sample_designs").glob("*.json"))[0]


def test_every_step_is_counted_once_in_order() -> None:
    counted: list[str] = []

    def count(label: str, fn: Any) -> Any:
        counted.append(label)
        return fn()

    assert steps(SAMPLE, counted=count) == len(load(SAMPLE).elements)
    assert tuple(counted) == STEPS


def test_a_file_the_loader_refuses_is_refused(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"
    # a reference to an element that does not exist
    broken.write_text(text.replace('"site": "', '"site": "gone-', 1), encoding="utf-8")
    with pytest.raises(SystemExit, match="breaks the structure"):
        steps(broken, counted=lambda _label, fn: fn())
