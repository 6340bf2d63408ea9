"""Start-up benchmark of the command line: how long ``dr-designer --help``, ``--version``,
``check SAMPLE`` and ``rules`` take as processes, against the floor of the same run
(``python -c pass``: starting the interpreter), and which heavy packages each imports.

Each command runs ``--repeat`` times (``python -m designer …``, the console script's
code; with ``--python``, the ``dr-designer`` script installed beside that interpreter,
as a user runs it); the table shows the median, the spread (min–max) and the ratio to the floor.
``--baseline DIR`` times another checkout's code in the same run (``PYTHONPATH=DIR``),
e.g. the main branch before a change.

Usage::

    python benchmarks/bench_startup.py
    python benchmarks/bench_startup.py --repeat 15 --baseline /path/to/other/checkout
    python benchmarks/bench_startup.py --python ~/.cache/dr-designer-smoke/venv-*/bin/python

Each command is also compared with its own floor: a process importing only the libraries
the command really needs (``FLOOR_OF``), issue 10's "≤ 1.2 × the import floor of what
they really need" (the headline). ``check`` is also shown against a second, wider floor:
a process importing exactly the third-party modules ``check`` itself imports (pydantic's
``fields`` and ``types``, annotated_types, sortedcontainers, immutables…), found by
running it once (``_third_party_imports``). The checkout is compiled first, as pip
compiles an installed wheel.
"""

from __future__ import annotations

import argparse
import json
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


def _heavy_imports(args: list[str], env: dict[str, str], python: str) -> list[str]:
    done = subprocess.run(
        [python, "-X", "importtime", *args],
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


#: pydantic in use: imported with one model class declared, as any reader of a
#: pydantic-modelled file must (``from pydantic import BaseModel`` alone leaves pydantic's
#: model machinery unimported until the first class; that bare import was the floor of
#: waves 7–24: see docs/performance.md, "Wave 25: the floor of `check`").
PYDANTIC_IN_USE = "from pydantic import BaseModel\nclass One(BaseModel):\n    name: str = ''"

#: What each command really needs besides the designer's own code (issue 10: "≤ 1.2 ×
#: the import floor of what they really need"): the interpreter and argparse for the
#: help and the version; pydantic in use (the model) and networkx (the rules' topology
#: graph) for ``check`` (networkx only if it imports it: see ``_own_floor``); pydantic
#: in use for ``rules``.
FLOORS: dict[str, str] = {
    "import argparse": "import argparse",
    "import argparse, importlib.metadata": "import argparse, importlib.metadata",
    "pydantic in use + networkx": PYDANTIC_IN_USE + "\nimport networkx",
    "pydantic in use": PYDANTIC_IN_USE,
}
#: The second floor of ``check``: a process importing exactly the third-party modules
#: ``check SAMPLE`` imports (listed by running it; the first tree's list).
THIRD_PARTY_FLOOR = "check's third-party imports"
FLOOR_OF: dict[str, str] = {
    "--help": "import argparse",
    "--version": "import argparse, importlib.metadata",
    "check SAMPLE": "pydantic in use + networkx",
    "rules": "pydantic in use",
}


def _own_floor(name: str, imported: list[str]) -> str:
    """The floor of command ``name``: ``FLOOR_OF``'s, with networkx only when the
    command did import it (``check`` of the sample did until its path questions stopped
    using networkx; its floor is then pydantic's alone)."""
    own = FLOOR_OF[name]
    if own == "pydantic in use + networkx" and "networkx" not in imported:
        return "pydantic in use"
    return own


#: Lists the modules of the site-packages folders (not the designer's) that a command
#: leaves in ``sys.modules``, in import order, as JSON; run as ``python -c`` with the
#: command's arguments after it.
_LIST_IMPORTS = """\
import contextlib, io, json, sys, sysconfig
arguments = sys.argv[1:]
if arguments:
    sys.argv = ["dr-designer", *arguments]
    from designer.entry import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main()
paths = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
names = [
    name for name, module in list(sys.modules.items())
    if (getattr(module, "__file__", None) or "").startswith(tuple(paths))
    and name.partition(".")[0] != "designer"
]
print(json.dumps(names))
"""


def _third_party_imports(args: list[str], env: dict[str, str], python: str) -> list[str]:
    """The third-party modules (site-packages, not the designer's) the command with
    ``args`` imports, in import order, less those every interpreter imports (a ``.pth``
    file's ``_distutils_hack``); run in-process once through :func:`designer.entry.main`."""

    def listed(arguments: list[str]) -> list[str]:
        done = subprocess.run(
            [python, "-c", _LIST_IMPORTS, *arguments],
            capture_output=True,
            text=True,
            env=env,
            cwd="/",
            check=True,
        )
        names: list[str] = json.loads(done.stdout.splitlines()[-1])
        return names

    always = set(listed([]))
    return [name for name in listed(args) if name not in always]


def _packages(modules: list[str]) -> list[str]:
    """The distinct top-level packages of ``modules``, in order."""
    return list(dict.fromkeys(name.partition(".")[0] for name in modules))


def _door(python: str) -> list[str]:
    """How the installed package's commands are started: the ``dr-designer`` console
    script pip installed beside ``python`` (what a user types: no ``runpy``), else
    ``python -m designer``.
    Either way it is ``python`` that runs it (the script's first line names it)."""
    script = Path(python).parent / "dr-designer"
    if script.is_file():
        return [python, str(script)]
    return [python, "-m", "designer"]


def _row(
    name: str, times: list[float], floor: float, own: float | None = None, heavy: str = ""
) -> str:
    median = statistics.median(times)
    own_ratio = f"{median / own:.2f} ×" if own else ""
    return (
        f"| {name} | {median * 1000:.0f} ms | {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms "
        f"| {median / floor:.1f} × | {own_ratio} | {heavy} |"
    )


def _compile(code_dir: Path) -> None:
    """As pip does for an installed wheel: with ``PYTHONDONTWRITEBYTECODE`` set (these
    machines), a checkout would otherwise recompile the package at every start."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(code_dir / "designer")],
        env=env,
        capture_output=True,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--baseline", type=Path, help="another checkout to time alongside")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter for every process, e.g. an environment the wheel is installed "
        "in (scripts/smoke-installed's): the commands then run the installed package",
    )
    options = parser.parse_args()
    python = options.python
    trees: list[tuple[str, Path | None]] = [("", None)]
    if options.baseline is not None:
        trees.append(("baseline ", options.baseline))
    if python == sys.executable:
        for _label, code_dir in trees:
            _compile(code_dir or ROOT)
    door = _door(python) if python != sys.executable else [python, "-m", "designer"]
    # check's second floor: exactly the third-party modules it imports (of this tree).
    third_party = _third_party_imports(COMMANDS["check SAMPLE"], _env(trees[0][1]), python)
    floors = dict(FLOORS)
    floors[THIRD_PARTY_FLOOR] = "import " + ", ".join(third_party)
    # Every process of a round one after the other, round after round, so that the
    # machine's load falls on floors and commands alike.
    jobs: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass (floor)": ([python, "-c", "pass"], _env(None))
    }
    for name, code in floors.items():
        jobs[f"{name} (floor)"] = ([python, "-c", code], _env(None))
    for label, code_dir in trees:
        env = _env(code_dir)
        for name, args in COMMANDS.items():
            jobs[f"{label}{name}"] = ([*door, *args], env)
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(options.repeat):
        for name, (command, env) in jobs.items():
            times[name] += _time(command, env, 1)
    floor = statistics.median(times["python -c pass (floor)"])
    used: dict[str, str] = {}
    print(
        f"Python {sys.version.split()[0]}, {options.repeat} rounds, cwd /, package compiled; "
        f"commands run as: {' '.join(door)}\n"
    )
    print("| command | median | spread | × python | × its own floor | heavy imports |")
    print("|---|---|---|---|---|---|")
    for name in ("python -c pass (floor)", *(f"{n} (floor)" for n in floors)):
        print(_row(name, times[name], floor))
    for label, code_dir in trees:
        env = _env(code_dir)
        for name, args in COMMANDS.items():
            imported = _heavy_imports([*door[1:], *args], env, python)
            own_floor = _own_floor(name, imported)
            used[f"{label}{name}"] = own_floor
            own = statistics.median(times[f"{own_floor} (floor)"])
            heavy = ", ".join(imported) or "none"
            print(_row(f"{label}{name}", times[f"{label}{name}"], floor, own, heavy))
    print(
        "\nOwn floors: "
        + "; ".join(f"{name}: {floor_name}" for name, floor_name in used.items())
        + " (issue 10's target: ≤ 1.2 × its own floor)."
    )
    wide = statistics.median(times[f"{THIRD_PARTY_FLOOR} (floor)"])
    print(
        f"\nSecond floor of check (not the target's): {THIRD_PARTY_FLOOR}, "
        f"{len(third_party)} modules of {', '.join(_packages(third_party))}: "
        + "; ".join(
            f"{label}check SAMPLE {statistics.median(times[f'{label}check SAMPLE']) / wide:.2f} ×"
            for label, _code_dir in trees
        )
        + "."
    )


if __name__ == "__main__":
    main()
