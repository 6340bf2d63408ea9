"""A/B of ``dr-designer check`` of a small design against its import floor (issue 10:
"≤ 1.2 × the import floor of what it really needs"), installed wheels of two trees.

The floor (since wave 25): what ``check`` really needs is pydantic *in use* — imported,
with a model class declared, as any program that reads a pydantic-modelled file must do
(``ONE_MODEL``). ``from pydantic import BaseModel`` alone (``BARE_IMPORT``, the floor of
waves 7–24) leaves out pydantic's model machinery, which it imports lazily at the first
class declaration (``pydantic.fields``, ``pydantic.types``, ``annotated_types``, the
plugin loader and ``importlib.metadata``): a floor no pydantic reader can reach. Both
ratios are printed; the target's is ``check ÷ floor``.

Each tree is a virtual environment with the designer's wheel installed (its console
script ``dr-designer`` beside its interpreter), e.g. the base's ``/tmp/cc-venv-base16``
and yours (``python -m build --wheel --outdir /tmp/wheel-X .``, a venv from
``sys._base_executable``, ``pip install`` the wheel). Per round, one process after the
other, cwd ``/``: for every tree its bare import, its floor (pydantic with one model
class declared) and ``dr-designer check SAMPLE``, each with that tree's interpreter; the
order of the trees is reversed every other round, so that the machine's load falls on
both alike. What is timed is the CPU (user + system) of the child process, read from
``os.wait4``: wall-clock time swings with the other work on a shared machine, CPU much
less. Each tree has its own cache folder (``$DR_DESIGNER_CACHE_DIR``: the code cache and
the validators' cache), warmed by two runs before the rounds, as a user's would be.

Prints, per tree: the median [min–max] in ms of each process, ``check`` ÷ floor (the
ratio of the medians, and the median of the per-round ratios), ``check`` ÷ the bare
import, and between the trees the ratio of their ``check`` medians. ``--callgrind`` also
counts each process's instructions once under ``valgrind --tool=callgrind``
(deterministic: compare trees whatever the load).
``--phases`` (callgrind, no CPU rounds) splits ``check`` into cumulative phases, one
process each, what :mod:`designer.entry` and ``cmd_check`` do in their order (the
collector paused, the command's code cache active, the process ended by ``os._exit``):
each phase's instructions are its process's minus the one before (``PHASES``).

Usage::

    python benchmarks/bench_cold_check.py --venv base=/tmp/cc-venv-base16 \\
        --venv mine=/tmp/venv-cold16 [--rounds 15] [--sample FILE] [--callgrind]
    python benchmarks/bench_cold_check.py --venv mine=/tmp/venv-cold16 --rounds 31
    python benchmarks/bench_cold_check.py --venv base=/tmp/cc-venv-base16 \\
        --venv mine=/tmp/venv-cold16 --phases
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
#: pydantic imported, nothing declared: the floor of waves 7–24, printed for comparison.
BARE_IMPORT = "from pydantic import BaseModel"
#: The target's floor (since wave 25; cold15's ``cc_ab3.py``): pydantic in use, one model
#: class declared.
ONE_MODEL = "from pydantic import BaseModel\nclass One(BaseModel):\n    name: str = ''\n"


#: ``check``'s work in cumulative phases (``--phases``): a name and the lines that phase
#: adds to the script (``SAMPLE`` is the design's path). The script ends with
#: ``os._exit`` as ``check`` does (:func:`designer.entry._end_process`).
PHASES: list[tuple[str, str]] = [
    (
        "interpreter, collector paused, code cache open",
        "from designer.collector import pause\npause()\n"
        "from designer.codecache import compiled_dataclasses\n"
        "with compiled_dataclasses('check'):\n    pass",
    ),
    ("pydantic's BaseModel (in the code cache)", "    from pydantic import BaseModel"),
    (
        "pydantic.fields (pydantic.types, annotated_types; secrets and platform on first use)",
        # What designer.domain's _import_pydantic_fields does, without the package.
        "    import types\n"
        "    class _OnFirstUse(types.ModuleType):\n"
        "        def __getattr__(self, name):\n"
        "            import importlib, sys\n"
        "            if sys.modules.get(self.__name__) is self:\n"
        "                del sys.modules[self.__name__]\n"
        "            return getattr(importlib.import_module(self.__name__), name)\n"
        "    class _Platform(_OnFirstUse):\n"
        "        def system(self):\n"
        "            return os.uname().sysname\n"
        "    stand_ins = [_OnFirstUse('secrets'), _Platform('platform')]\n"
        "    for stand_in in stand_ins:\n"
        "        sys.modules[stand_in.__name__] = stand_in\n"
        "    import pydantic.fields\n"
        "    for stand_in in stand_ins:\n"
        "        if sys.modules.get(stand_in.__name__) is stand_in:\n"
        "            del sys.modules[stand_in.__name__]",
    ),
    (
        "logging set-up and the commands' module",
        "    from designer.diagnostics import setup_logging\n"
        "    setup_logging(0, None, lazy=True)\n    import designer.cli.main",
    ),
    ("the domain (pydantic model classes, enums, kind table)", "    import designer.domain"),
    (
        "check's imports: output, persistence, rule engine",
        "    from designer.cli.output import FileResult, findings_text\n"
        "    from designer.persistence import LoadError\n"
        "    from designer.rules.engine import check, load_all_rules",
    ),
    (
        "reading the design (schema cache, validation, structure)",
        "    from designer.cli.reading import read_design\n    design = read_design(SAMPLE)",
    ),
    ("the rule modules (load_all_rules)", "    load_all_rules()"),
    (
        "capacity and simulator modules (the CAP rules' sizing)",
        "    import designer.capacity.analysis, designer.capacity.shared",
    ),
    ("running the rules (the sizing included)", "    findings = check(design)"),
    (
        "the text output",
        "    findings_text([FileResult(SAMPLE, design, findings, None)])",
    ),
]


def phase_script(count: int, sample: Path) -> str:
    """The script of the first ``count`` phases of :data:`PHASES`."""
    lines = ["import os, sys", f"SAMPLE = {str(sample)!r}"]
    for _name, code in PHASES[:count]:
        lines.append(code)
    lines.append("os._exit(0)")
    return "\n".join(lines)


@dataclass
class Tree:
    """One installed tree: its label, its venv's interpreter and console script, its
    cache folder and the CPU seconds of each process kind, round by round."""

    label: str
    venv: Path
    cache: Path
    times: dict[str, list[float]] = field(default_factory=dict)

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def commands(self, sample: Path) -> dict[str, list[str]]:
        script = str(self.venv / "bin" / "dr-designer")
        return {
            "bare import": [self.python, "-c", BARE_IMPORT],
            "floor": [self.python, "-c", ONE_MODEL],
            "check": [self.python, script, "check", str(sample)],
        }

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env["DR_DESIGNER_CACHE_DIR"] = str(self.cache)
        env.setdefault("DR_DESIGNER_LOG_DIR", "/tmp/dr-designer-bench-logs")
        return env


def cpu_of(command: list[str], env: dict[str, str]) -> float:
    """The CPU seconds (user + system) of ``command`` as a child process, its output
    discarded; raises if it fails to start."""
    process = subprocess.Popen(
        command, env=env, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped here: keep Popen from waiting again
    return float(usage.ru_utime + usage.ru_stime)


def instructions_of(command: list[str], env: dict[str, str]) -> int:
    """The instructions of ``command`` (and its children) under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
            env=env,
            cwd="/",
            capture_output=True,
            check=False,
        )
        match = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
        return int(match.group(1)) if match else 0


def _ms(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:.1f} "
        f"[{min(values) * 1000:.0f}–{max(values) * 1000:.0f}] ms"
    )


def _tree(text: str, cache_root: Path) -> Tree:
    label, _sep, path = text.rpartition("=")
    venv = Path(path).resolve()
    label = label or venv.name
    if not (venv / "bin" / "dr-designer").is_file():
        raise SystemExit(f"{venv}: no bin/dr-designer (a venv with the wheel installed?)")
    return Tree(label, venv, cache_root / label)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--venv",
        action="append",
        required=True,
        metavar="[LABEL=]VENV",
        help="a venv with a tree's wheel installed; give two to compare them",
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument(
        "--cache-root",
        type=Path,
        default=Path(tempfile.gettempdir()) / "bench-cold-check",
        help="each tree's cache folder is CACHE_ROOT/LABEL",
    )
    for flag, text in (
        ("--callgrind", "also count instructions once per process"),
        ("--phases", "only callgrind's instructions of check's cumulative phases (no CPU rounds)"),
    ):
        parser.add_argument(flag, action="store_true", help=text)
    options = parser.parse_args(argv)
    trees = [_tree(text, options.cache_root) for text in options.venv]
    sample = options.sample.resolve()
    _warm(trees, sample)
    if options.phases:
        _print_phases(trees, sample)
        return
    _rounds(trees, sample, options.rounds)
    if options.callgrind:
        _print_instructions(trees, sample)
    sys.stdout.flush()


def _print_phases(trees: list[Tree], sample: Path) -> None:
    """Each tree's instructions of :data:`PHASES`, one process per cumulative script,
    against the floor's, and the whole command's."""
    counts: dict[str, list[int]] = {}
    floors: dict[str, int] = {}
    bare: dict[str, int] = {}
    wholes: dict[str, int] = {}
    for tree in trees:
        commands = tree.commands(sample)
        floors[tree.label] = instructions_of(commands["floor"], tree.env())
        bare[tree.label] = instructions_of(commands["bare import"], tree.env())
        wholes[tree.label] = instructions_of(commands["check"], tree.env())
        counts[tree.label] = [
            instructions_of([tree.python, "-c", phase_script(n, sample)], tree.env())
            for n in range(1, len(PHASES) + 1)
        ]
    labels = [tree.label for tree in trees]
    print(f"`check {sample.name}`, instructions (M) of cumulative phases (callgrind)\n")
    print("| phase | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    for number, (name, _code) in enumerate(PHASES):
        cells = []
        for label in labels:
            done = counts[label][number] - (counts[label][number - 1] if number else 0)
            cells.append(f"{done / 1e6:.1f}")
        print(f"| {number + 1}. {name} | " + " | ".join(cells) + " |")
    rows = {
        "all phases (the script)": counts,
        "`dr-designer check` (the console script)": {k: [v] for k, v in wholes.items()},
        "floor: pydantic with one model class declared (its own process)": {
            k: [v] for k, v in floors.items()
        },
        "`from pydantic import BaseModel` (its own process)": {k: [v] for k, v in bare.items()},
    }
    for name, values in rows.items():
        print(f"| **{name}** | " + " | ".join(f"{values[k][-1] / 1e6:.1f}" for k in labels) + " |")
    print(
        "| **check ÷ floor** | "
        + " | ".join(f"{wholes[k] / floors[k]:.3f} ×" for k in labels)
        + " |"
    )
    print(
        "| check ÷ bare import | "
        + " | ".join(f"{wholes[k] / bare[k]:.3f} ×" for k in labels)
        + " |"
    )


def _warm(trees: list[Tree], sample: Path) -> None:
    for tree in trees:
        tree.cache.mkdir(parents=True, exist_ok=True)
        command = tree.commands(sample)["check"]
        for _ in range(2):  # the caches as a user's are after the first run
            done = subprocess.run(command, env=tree.env(), cwd="/", capture_output=True)
        print(f"{tree.label}: {tree.venv}, check exits {done.returncode}")


def _rounds(trees: list[Tree], sample: Path, rounds: int) -> None:
    """The CPU rounds and their table."""
    for number in range(rounds):
        order = trees if number % 2 == 0 else trees[::-1]
        for tree in order:
            for kind, command in tree.commands(sample).items():
                tree.times.setdefault(kind, []).append(cpu_of(command, tree.env()))
    load = os.getloadavg()[0]
    print(
        f"\n`check {sample.name}`, CPU (user + sys) of each process, {rounds} "
        f"alternated rounds, load {load:.1f} at the end\n"
    )
    print(
        "| tree | `from pydantic import BaseModel` | floor: pydantic, one model declared | "
        "check | check ÷ floor | per-round ratio, median [min–max] | check ÷ bare import |"
    )
    print("|---|---|---|---|---|---|---|")
    for tree in trees:
        bare, floor, check = (tree.times[k] for k in ("bare import", "floor", "check"))
        ratios = [c / f for c, f in zip(check, floor, strict=True)]
        print(
            f"| {tree.label} | {_ms(bare)} | {_ms(floor)} | {_ms(check)} | "
            f"**{statistics.median(check) / statistics.median(floor):.2f} ×** | "
            f"{statistics.median(ratios):.2f} [{min(ratios):.2f}–{max(ratios):.2f}] | "
            f"{statistics.median(check) / statistics.median(bare):.2f} × |"
        )
    if len(trees) > 1:
        first = statistics.median(trees[0].times["check"])
        for tree in trees[1:]:
            mine = statistics.median(tree.times["check"])
            print(f"\n{tree.label} ÷ {trees[0].label}, check CPU medians: {mine / first:.3f} ×")


def _print_instructions(trees: list[Tree], sample: Path) -> None:
    """Each process's instructions, once, under callgrind."""
    print("\nInstructions (callgrind, one process each):\n")
    print(
        "| tree | `from pydantic import BaseModel` | floor: pydantic, one model declared | "
        "check | check ÷ floor | check ÷ bare import |"
    )
    print("|---|---|---|---|---|---|")
    for tree in trees:
        counts = {
            kind: instructions_of(command, tree.env())
            for kind, command in tree.commands(sample).items()
        }
        print(
            f"| {tree.label} | {counts['bare import'] / 1e6:.1f} M | "
            f"{counts['floor'] / 1e6:.1f} M | {counts['check'] / 1e6:.1f} M | "
            f"**{counts['check'] / max(counts['floor'], 1):.3f} ×** | "
            f"{counts['check'] / max(counts['bare import'], 1):.3f} × |"
        )


if __name__ == "__main__":
    main()
