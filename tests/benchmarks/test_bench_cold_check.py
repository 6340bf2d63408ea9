"""The cold-check A/B script (benchmarks/bench_cold_check.py): its phase scripts still
do what ``check`` does with this tree's API, and a round prints the ratios; the
timings themselves are the benchmark's, never a test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_cold_check import PHASES, SAMPLE, cpu_of, main, phase_script  # noqa: E402


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DR_DESIGNER_CACHE_DIR"] = str(tmp_path / "cache")
    env["DR_DESIGNER_LOG_DIR"] = str(tmp_path / "logs")
    return env


def test_every_phase_script_runs_and_the_last_reads_and_checks_the_sample(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each cumulative script ends with ``os._exit(0)``: an exception (a name of the
    designer renamed, a phase out of order) exits 1 before it. The last one's design
    and findings are those of ``check``."""
    for count in range(1, len(PHASES) + 1):
        script = phase_script(count, SAMPLE)
        if count == len(PHASES):
            script = script.replace(
                "os._exit(0)",
                "print(len(design.elements), findings.summary(), flush=True)\nos._exit(0)",
            )
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=_env(tmp_path),
            cwd="/",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (count, done.stderr[-2000:])
    elements, summary = done.stdout.split(" ", 1)
    assert int(elements) > 10
    assert "'error': 0" in summary


def test_phase_script_imports_pydantic_fields_without_secrets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """As ``designer.domain`` does: the phase of ``pydantic.fields`` would otherwise
    count hashlib and OpenSSL's start, which ``check`` never pays."""
    script = phase_script(3, SAMPLE).replace(
        "os._exit(0)", "print('secrets' in sys.modules, 'hashlib' in sys.modules)\nos._exit(0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=_env(tmp_path), capture_output=True, text=True
    )
    assert done.stdout.split() == ["False", "False"], done.stderr[-2000:]


def test_cpu_of_a_child_counts_its_own_work() -> None:
    idle = cpu_of([sys.executable, "-c", "pass"], dict(os.environ))
    busy = cpu_of([sys.executable, "-c", "sum(range(3_000_000))"], dict(os.environ))
    assert 0 < idle < busy


def test_a_round_prints_each_tree_and_its_ratio(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    venv = Path(sys.executable).parent.parent  # this checkout's venv: bin/dr-designer
    main(["--venv", f"here={venv}", "--rounds", "1", "--cache-root", str(tmp_path)])
    out = capsys.readouterr().out
    assert "here: " in out and "check exits 0" in out
    row = next(line for line in out.splitlines() if line.startswith("| here |"))
    assert row.count("ms") == 3 and row.count("×") == 2
    assert (tmp_path / "here").is_dir()
