"""Start-up benchmark of the command line: how long ``dr-designer --help``, ``--version``,
``check SAMPLE`` and ``rules`` take as processes, against the floor of the same run
(``python -c pass``: starting the interpreter), and which heavy packages each imports.

Each command runs ``--repeat`` times (``python -m designer …``, the console script's
code); the table shows the median, the spread (min–max) and the ratio to the floor.
``--baseline DIR`` times another checkout's code in the same run (``PYTHONPATH=DIR``),
e.g. the main branch before a change.

Usage::

    python benchmarks/bench_startup.py
    python benchmarks/bench_startup.py --repeat 15 --baseline /path/to/other/checkout
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "--version": ["--version"],
    "check SAMPLE": ["check", str(SAMPLE)],
    "rules": ["rules"],
}
HEAVY = ("pydantic", "networkx", "PySide6", "pyqtgraph", "designer.simulation", "shtab")


def _env(code_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if code_dir is not None:
        env["PYTHONPATH"] = str(code_dir)
    env.setdefault("DR_DESIGNER_LOG_DIR", "/tmp/dr-designer-bench-logs")
    return env


def _time(args: list[str], env: dict[str, str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env, cwd="/", check=False)
        times.append(time.perf_counter() - start)
    return times


def _heavy_imports(args: list[str], env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
    )
    modules = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    return [h for h in HEAVY if any(m == h or m.startswith(h + ".") for m in modules)]


def _row(name: str, times: list[float], floor: float, heavy: str = "") -> str:
    median = statistics.median(times)
    return (
        f"| {name} | {median * 1000:.0f} ms | {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms "
        f"| {median / floor:.1f} × | {heavy} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--baseline", type=Path, help="another checkout to time alongside")
    options = parser.parse_args()
    floor_times = _time([sys.executable, "-c", "pass"], _env(None), options.repeat)
    floor = statistics.median(floor_times)
    print(f"Python {sys.version.split()[0]}, {options.repeat} runs each, cwd /\n")
    print("| command | median | spread | × floor | heavy imports |")
    print("|---|---|---|---|---|")
    print(_row("python -c pass (floor)", floor_times, floor))
    for label, code_dir in (("", None), ("baseline ", options.baseline)):
        if label and code_dir is None:
            continue
        env = _env(code_dir)
        for name, args in COMMANDS.items():
            full = [sys.executable, "-m", "designer", *args]
            heavy = ", ".join(_heavy_imports(["-m", "designer", *args], env)) or "none"
            print(_row(f"{label}{name}", _time(full, env, options.repeat), floor, heavy))


if __name__ == "__main__":
    main()
