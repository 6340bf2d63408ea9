"""bench_capacity.py's collector line (wave 20, ``capa20``): the cyclic collector's
passes are counted for the timed call they fall in, and only then."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_capacity import _Collections, main  # noqa: E402


def test_passes_are_counted_per_label_and_only_inside_a_timing() -> None:
    collector = _Collections()
    try:
        gc.collect()  # no label: not counted
        collector.label = "all"
        gc.collect()
        gc.collect()
        collector.label = "sweep"
        gc.collect()
        collector.label = None
        gc.collect()
    finally:
        collector.close()
    assert collector.count == {"all": 2, "sweep": 1}
    assert set(collector.cpu) == {"all", "sweep"}
    assert collector.summary("all", 2).startswith("all 1.0 passes, ")
    assert collector.summary("none", 1) == "none 0.0 passes, 0.0 ms CPU"
    gc.collect()
    assert collector.count == {"all": 2, "sweep": 1}  # closed: no longer listening


def test_the_benchmark_prints_the_collector_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "1k", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "collector (" in x)
    assert "sweep " in line and "; all 1.0 passes, " in line  # the pass after the pause
