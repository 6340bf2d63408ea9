"""The stalls after single edits, many times over (benchmarks/probe_edit_stalls.py):
one round on a sample through the benchmark's door, each edit's line and the summary.
The times themselves are the probe's, never a test's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "benchmarks"):  # the script imports its siblings
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from _callgrind import environment_with, fresh_home_env  # noqa: E402

from benchmarks.probe_edit_stalls import percentile  # noqa: E402

SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
EDITS = ("rename", "undo rename", "move", "undo move", "add", "undo add", "delete")


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([], 95) == 0.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0
    assert percentile([float(v) for v in range(1, 21)], 95) == 19.0
    assert percentile([float(v) for v in range(1, 21)], 50) == 10.0


def test_one_round_on_a_sample_prints_each_edit_and_the_worst(tmp_path: Path) -> None:
    out = tmp_path / "edits.jsonl"
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "probe_edit_stalls.py"),
        str(SAMPLE),
        "--rounds",
        "1",
        "--after-s",
        "0.1",
        "--json",
        str(out),
    ]
    env = environment_with(fresh_home_env(tmp_path / "home"))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {line.split("  ")[0].strip(): line for line in done.stdout.splitlines()}
    for edit in (*EDITS, "undo delete", "all"):
        assert edit in rows, done.stdout
    assert rows["all"].split()[1] == "8"
    assert "tidies:" in done.stdout
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["edit"] for r in records][:7] == list(EDITS)
    assert all(r["stall"] >= 0 and isinstance(r["stalls"], list) for r in records)


def test_visited_prints_what_each_tidy_visits(tmp_path: Path) -> None:
    """``--visited``: each tidy from the opening on, the objects its collection visits
    and their commonest types (wave 27)."""
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "probe_edit_stalls.py"),
        str(SAMPLE),
        "--rounds",
        "1",
        "--after-s",
        "1.3",  # (each tidy comes a second after its edit's check)
        "--visited",
    ]
    env = environment_with(fresh_home_env(tmp_path / "home"))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("  tidy ")]
    assert lines and lines[0].startswith("  tidy 0: "), done.stdout
    assert all("objects visited" in line and "ms CPU (" in line for line in lines)
