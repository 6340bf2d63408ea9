"""The byte-check child's cost (``designer/bytecheck.py``, issue 10's opening): its peak
memory, CPU and what it says, for any trees, on one design file.

Runs each tree's child script as the window runs it (``python -I -S
TREE/designer/bytecheck.py FILE``, in the lowest scheduling class the script puts itself
in), the plan of the structure check (this checkout's
``designer.domain.structure.child_plan``) on its standard input, rounds alternated
between the trees. Prints, per tree, each round's peak RSS (the child's ``ru_maxrss``),
its CPU (user + system) and its lines::

    python benchmarks/probe_bytecheck_child.py --tree /tmp/base25 --tree . --rounds 3

The scheduling class makes the CPU figure the child's own, not how soon it answers: on
a machine with no idle core it may wait long before it runs (``--normal`` runs it at
normal priority instead, by a copy of the script without that step).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = Path("/tmp/dr-designer-bench-scale/design-100k-seed0-v7.json")


def plan() -> bytes:
    """This checkout's plan of the structure check (empty: none; the child then says
    ``unknown`` as its third line)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from designer.domain.structure import child_plan

    return child_plan() or b""


def script(tree: Path, *, normal: bool, folder: Path) -> Path:
    """The child's script of ``tree``; with ``normal``, a copy that stays at normal
    priority."""
    source = tree / "designer" / "bytecheck.py"
    if not normal:
        return source
    text = source.read_text(encoding="utf-8")
    copy = folder / f"bytecheck_{len(list(folder.iterdir()))}.py"
    copy.write_text(text.replace("        _yield_to_the_window()\n", ""), encoding="utf-8")
    return copy


def run_child(path: Path, file: Path, told: bytes, python: str) -> tuple[int, float, list[str]]:
    """(peak RSS in KB, CPU in ms, the lines said) of one child run on ``file``, reaped
    here by ``wait4`` (its own usage, not every child's)."""
    process = subprocess.Popen(
        [python, "-I", "-S", str(path), str(file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(told)
    process.stdin.close()
    out = process.stdout.read()
    process.stdout.close()
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped here: subprocess must not wait for it again
    cpu = (usage.ru_utime + usage.ru_stime) * 1000
    return usage.ru_maxrss, cpu, out.decode("ascii", "replace").splitlines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="a design file")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--normal", action="store_true", help="the child at normal priority")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    trees = args.tree or [ROOT]
    told = plan()
    results: dict[Path, list[tuple[int, float, list[str]]]] = {tree: [] for tree in trees}
    with tempfile.TemporaryDirectory(prefix="bytecheck-probe-") as folder:
        scripts = {tree: script(tree, normal=args.normal, folder=Path(folder)) for tree in trees}
        for n in range(args.rounds):
            order = trees if n % 2 == 0 else list(reversed(trees))
            for tree in order:
                results[tree].append(run_child(scripts[tree], args.file, told, args.python))
    print(f"{args.file} ({args.file.stat().st_size / 1e6:.1f} MB), {args.rounds} rounds")
    for tree, runs in results.items():
        print(f"\n{tree}:")
        for rss, cpu, lines in runs:
            said = ", ".join(line[:16] for line in lines)
            print(f"  peak RSS {rss:,} KB  CPU {cpu:,.0f} ms  said: {said}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
