"""The size sweep's arithmetic and report (benchmarks/bench_scale.py); the timings
themselves are the benchmark's, never a test's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_scale import fit_exponent, main  # noqa: E402


def test_growth_exponent_is_the_log_log_slope() -> None:
    assert fit_exponent([(1_000, 2.0), (10_000, 20.0), (100_000, 200.0)]) == pytest.approx(1.0)
    assert fit_exponent([(1_000, 5.0), (100_000, 5.0)]) == pytest.approx(0.0)
    assert fit_exponent([(1_000, 1.0), (10_000, 100.0)]) == pytest.approx(2.0)
    assert fit_exponent([(1_000, 1.0)]) is None


def test_report_prints_ratios_to_each_floor_and_the_exponent(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    saved = {
        "1k": {"elements": 1000, "json.loads": 5.0, "load": 20.0, "rename: direct": 2.0},
        "10k": {"elements": 10000, "json.loads": 50.0, "load": 200.0, "rename: direct": 3.0},
    }
    path = tmp_path / "run.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    assert main(["--report", str(path), "--sizes", "1k", "10k"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "20.0 (4.0×)" in lines["load"] and "200.0 (4.0×)" in lines["load"]
    assert lines["load"].split()[-2] == "1.00" and lines["load"].endswith("json.loads")
    # An edit is compared with the same edit on the smallest design (target ≤ 2×).
    assert "3.0 (1.5×)" in lines["rename:"] and lines["rename:"].endswith("smallest")
