"""How long File > Quit takes to end the process, trees alternated.

``python benchmarks/bench_quit.py --tree base=/tmp/base17 --tree mine=. [--work open]
[--size 1000] [--rounds 5]``

Each round runs, for each tree in turn, ``tests/ui/quit_child.py WORK FILE`` of this
checkout (``python -m designer gui FILE`` driven through its menus: WORK, then File >
Quit) with the tree's ``designer`` first on ``PYTHONPATH``, on a generated design stating
a capacity workload (``benchmarks.generate``, seed 0). Measured from the moment the child
prints ``quitting`` (read from its pipe) to the process's exit, as the user sees it: the
window goes at once, the process then ends. Prints each time, then the median per tree
and its ratio to the first tree's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHILD = ROOT / "tests" / "ui" / "quit_child.py"


def quit_time(tree: Path, work: str, design: Path, home: Path) -> tuple[float, int, str]:
    """Seconds from "quitting" to the child's exit, its exit code and its output."""
    from benchmarks.probe_window_lifetime import FOLDERS  # a user's folders of its own

    env = {**os.environ, **{name: str(home / sub) for name, sub in FOLDERS.items()}}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(tree))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), work, str(design)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=str(home),
    )
    assert child.stdout is not None
    lines: list[str] = []
    quit_at = None
    for line in child.stdout:
        lines.append(line)
        if line.strip() == "quitting" and quit_at is None:
            quit_at = time.perf_counter()
    code = child.wait()
    ended = time.perf_counter()
    return (ended - quit_at if quit_at is not None else float("nan")), code, "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH")
    parser.add_argument("--work", default="open")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = [(t.split("=", 1)[0], Path(t.split("=", 1)[1]).resolve()) for t in args.tree]

    from benchmarks.generate import generate_design
    from designer.persistence import dumps

    times: dict[str, list[float]] = {label: [] for label, _ in trees}
    with tempfile.TemporaryDirectory(prefix="bench-quit-") as folder:
        design = Path(folder) / "design.json"
        design.write_text(dumps(generate_design(args.size, seed=0, workload=True)), "utf-8")
        for round_ in range(args.rounds):
            for label, tree in trees:
                home = Path(folder) / f"home-{label}-{round_}"
                home.mkdir()
                took, code, said = quit_time(tree, args.work, design, home)
                if code != 0 or "quitting" not in said:
                    print(f"{label}: exit {code}\n{said}", file=sys.stderr)
                times[label].append(took)
                print(f"round {round_ + 1} {label}: {took:.3f} s (exit {code})", flush=True)
    first = statistics.median(times[trees[0][0]])
    for label, _ in trees:
        median = statistics.median(times[label])
        print(f"{label}: median {median:.3f} s ({median / first:.2f}x), all {times[label]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
