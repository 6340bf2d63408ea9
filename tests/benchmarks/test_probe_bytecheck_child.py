"""The byte-check child's probe (benchmarks/probe_bytecheck_child.py): the child run as
the window runs it, told the plan, reaped by the probe with its own usage; what it said
is the child's three lines."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import probe_bytecheck_child as probe  # noqa: E402

SAMPLE = sorted((ROOT / "sample_designs").glob("*.json"))[0]


@pytest.mark.parametrize("normal", [False, True], ids=["idle class", "normal priority"])
def test_each_round_reports_the_childs_peak_cpu_and_lines(
    capsys: pytest.CaptureFixture[str], normal: bool
) -> None:
    argv = ["--tree", str(ROOT), "--file", str(SAMPLE), "--rounds", "2"]
    assert probe.main([*argv, "--normal"] if normal else argv) == 0
    printed = capsys.readouterr().out
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()[:16]
    rounds = [line for line in printed.splitlines() if "peak RSS" in line]
    assert len(rounds) == 2
    for line in rounds:
        assert line.endswith(f"said: {digest}, unique, whole"), line
        rss = int(line.split("peak RSS ")[1].split(" KB")[0].replace(",", ""))
        assert rss > 1000  # KB: a Python process's own
