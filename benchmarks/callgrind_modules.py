"""Where ``dr-designer check``'s instructions go, module by module and class by class,
deterministically (callgrind), for one or more installed trees (issue 10).

``bench_cold_check.py --phases`` splits ``check`` into eleven cumulative phases, one
process per prefix. This splits one process into every module's own body (its imports
not counted), every pydantic model class and every dataclass made (their own
work: pydantic's metaclass, ``dataclasses._process_class``), and any function named with
``--wrap``: a marker (a call of :func:`os.getppid`, whose C function ``os_getppid`` is
left in CPython's symbols) is put before and after each, and callgrind, run with
``--dump-before=os_getppid``, writes the instructions counted since the previous marker
at each one. What ran between two markers is charged to the innermost item open then:
a module's "self" is its body's work less the modules it imports and the classes it makes.
The markers and their wrappers (~1,500) add ~4 % (the sample: 630 M against 607 M
without them); compare trees, not a figure against ``check``'s own count.

Beware what the markers change: a wrapped function is one frame deeper (the
metaclass's marker is named so that pydantic's ``parent_frame_namespace`` skips it, as
it skips a PEP 695 annotation scope; a function that looks at its caller's frame must
not be given to ``--wrap``), and a module's attribute is replaced only after it is
imported (its own calls of the function during its import are not seen).

Usage::

    python benchmarks/callgrind_modules.py --venv base=/tmp/cc-venv-base17 \\
        --venv mine=/tmp/cc-venv-cold17 [--top 60] [--sample FILE] \\
        [--wrap designer.rules.registry:_clean_doc ...] [--keep DIR]

Prints per tree the total, the floor's modules' share (those ``from pydantic import
BaseModel`` imports) and the rest, a table of the largest items and a table of groups
(pydantic classes, dataclasses by package, modules by package, functions).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"

#: The script run under callgrind: the markers, then ``designer.entry.main`` as the
#: console script runs it (argv: labels file, then the command's arguments).
PROFILER = r"""
import os, sys
LABELS = []
_marker = os.getppid


def mark(label):
    LABELS.append(label)
    _marker()


import importlib._bootstrap as _bootstrap
import importlib._bootstrap_external as _external


def _around(method, prefix, name_of):
    def wrapped(self, arg):
        name = prefix + name_of(arg)
        mark(("+", name))
        try:
            return method(self, arg)
        finally:
            mark(("-", name))
    return wrapped


_external._LoaderBasics.exec_module = _around(
    _external._LoaderBasics.exec_module, "mod:", lambda m: m.__name__)
_external.ExtensionFileLoader.create_module = _around(
    _external.ExtensionFileLoader.create_module, "ext:", lambda s: s.name)
_external.ExtensionFileLoader.exec_module = _around(
    _external.ExtensionFileLoader.exec_module, "ext:", lambda m: m.__name__)
_hooked = set()


def _hook_classes():
    modules = sys.modules
    construction = modules.get("pydantic._internal._model_construction")
    if "pyd" not in _hooked and hasattr(construction, "ModelMetaclass"):
        _hooked.add("pyd")
        meta = construction.ModelMetaclass
        original = meta.__new__

        def new(mcs, name, *args, **kwargs):
            mark(("+", "pyd:" + name))
            try:
                return original(mcs, name, *args, **kwargs)
            finally:
                mark(("-", "pyd:" + name))
        # pydantic looks one frame up for the class's namespace, skipping a frame of this
        # name (PEP 695's annotation scope): the class's own caller, as without the marker
        new.__code__ = new.__code__.replace(co_name="<generic parameters of a marker>")
        meta.__new__ = new
    dataclasses = modules.get("dataclasses")
    if "dc" not in _hooked and hasattr(dataclasses, "_process_class"):
        _hooked.add("dc")
        process = dataclasses._process_class

        def process_class(cls, *args, **kwargs):
            name = "dc:" + cls.__module__ + "." + cls.__qualname__
            mark(("+", name))
            try:
                return process(cls, *args, **kwargs)
            finally:
                mark(("-", name))
        dataclasses._process_class = process_class


WRAP = {}
for item in os.environ.get("CALLGRIND_MODULES_WRAP", "").split():
    module_name, _, qualname = item.partition(":")
    WRAP.setdefault(module_name, []).append(qualname)


def _wrap(function, label):
    def wrapped(*args, **kwargs):
        mark(("+", label))
        try:
            return function(*args, **kwargs)
        finally:
            mark(("-", label))
    return wrapped


_load = _bootstrap._load_unlocked


def _load_unlocked(spec):
    module = _load(spec)
    _hook_classes()
    for qualname in WRAP.get(spec.name, ()):
        *path, last = qualname.split(".")
        owner = module
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, last, _wrap(getattr(owner, last), "fn:" + qualname))
    return module


_bootstrap._load_unlocked = _load_unlocked
_hook_classes()
labels_file = sys.argv[1]
_exit = os._exit


def _save():
    mark(("=", "end"))
    with open(labels_file, "w") as out:
        out.write(repr(LABELS))


def _save_and_exit(code):
    _save()
    _exit(code)


os._exit = _save_and_exit  # designer.entry ends the console script's process with it
sys.argv[0] = "dr-designer"
mark(("+", "main"))
from designer.entry import main
code = main(sys.argv[2:])
_save()
sys.stdout.flush()
_exit(code or 0)
"""


def self_costs(labels: list[tuple[str, str]], costs: list[int]) -> collections.Counter[str]:
    """Each item's own instructions: ``costs[0]`` ran before the first marker,
    ``costs[i + 1]`` between marker ``i`` and the next; each is charged to the item open
    innermost after marker ``i`` (``+`` opens, ``-`` closes, ``=`` neither)."""
    own: collections.Counter[str] = collections.Counter()
    stack = ["<start>"]
    own["<start>"] += costs[0] if costs else 0
    for index, (op, name) in enumerate(labels):
        if op == "+":
            stack.append(name)
        elif op == "-":
            stack.pop()
        if index + 1 < len(costs):
            own[stack[-1]] += costs[index + 1]
    return own


def group_of(label: str, floor: set[str]) -> str:
    """The group a label counts in: the floor's modules, or a kind and package."""
    kind, _, name = label.partition(":")
    if kind in ("mod", "ext"):
        if name in floor:
            return "floor's modules (as check imports them)"
        if name == "designer" or name.startswith("designer."):
            return "modules: " + ".".join(name.split(".")[:2])
        return "modules: other (" + name.split(".")[0] + "…)"
    if kind == "dc":
        module = name.rsplit(".", 1)[0]
        if module.split(".")[0] == "designer":
            return "dataclasses: " + ".".join(module.split(".")[:2])
        if any(module == m or module.startswith(m + ".") for m in floor):
            return "dataclasses of the floor's modules"
        return "dataclasses: other"
    if kind == "pyd":
        return "pydantic model classes"
    if kind == "fn":
        return "functions named with --wrap"
    return label  # <start>, main


def _counts(folder: Path) -> list[int]:
    """The instructions of each dump: one before each marker (``cg.out.N``), the last
    at the process's end (``cg.out``)."""
    files = sorted(folder.glob("cg.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    files.append(folder / "cg.out")
    counts = []
    for path in files:
        match = re.search(r"^(?:summary|totals): (\d+)", path.read_text(), re.MULTILINE)
        counts.append(int(match.group(1)) if match else 0)
    return counts


def profile(
    venv: Path, sample: Path, cache: Path, wraps: list[str], keep: Path | None
) -> dict[str, int]:
    """Each item's own instructions in one ``check`` of ``sample`` by ``venv``'s tree."""
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["DR_DESIGNER_CACHE_DIR"] = str(cache)
    env.setdefault("DR_DESIGNER_LOG_DIR", "/tmp/dr-designer-bench-logs")
    env["CALLGRIND_MODULES_WRAP"] = " ".join(wraps)
    for _ in range(2):  # the caches warm, as a user's are
        subprocess.run(
            [str(venv / "bin" / "dr-designer"), "check", str(sample)],
            env=env,
            cwd="/",
            capture_output=True,
            check=False,
        )
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        script = folder / "profiler.py"
        script.write_text(PROFILER)
        labels_file = folder / "labels.txt"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--dump-before=os_getppid",
                "--dump-instr=no",
                f"--callgrind-out-file={folder / 'cg.out'}",
                python,
                str(script),
                str(labels_file),
                "check",
                str(sample),
            ],
            env=env,
            cwd="/",
            capture_output=True,
            check=False,
        )
        import ast

        labels = ast.literal_eval(labels_file.read_text()) if labels_file.exists() else []
        counts = _counts(folder)
    if len(counts) != len(labels) + 1:
        raise SystemExit(
            f"{venv}: {len(counts)} dumps for {len(labels)} markers "
            "(is CPython's os_getppid symbol there? is valgrind installed?)"
        )
    return dict(self_costs(labels, counts))


def floor_modules(venv: Path) -> set[str]:
    """The modules ``from pydantic import BaseModel`` imports with ``venv``'s Python."""
    done = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sys, json; from pydantic import BaseModel; "
            "print(json.dumps(sorted(sys.modules)))",
        ],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", action="append", required=True, metavar="LABEL=PATH")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--wrap", action="append", default=[], metavar="MODULE:QUALNAME")
    parser.add_argument("--keep", type=Path, help="keep callgrind's dumps in DIR/LABEL")
    parser.add_argument("--cache-root", type=Path, default=Path("/tmp/bench-cold-check"))
    options = parser.parse_args(argv)
    trees = [text.split("=", 1) for text in options.venv]
    results: dict[str, dict[str, int]] = {}
    floor: set[str] = set()
    for label, venv in trees:
        floor |= floor_modules(Path(venv))
        keep = options.keep / label if options.keep else None
        results[label] = profile(
            Path(venv), options.sample, options.cache_root / label, options.wrap, keep
        )
    labels = [label for label, _ in trees]
    print(f"`check {options.sample.name}`: each item's own instructions (M), callgrind\n")
    print("| | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    for title, pick in (
        ("total", lambda n: True),
        ("of which the floor's modules", lambda n: group_of(n, floor).startswith("floor's")),
    ):
        print(
            f"| {title} | "
            + " | ".join(
                f"{sum(c for n, c in results[t].items() if pick(n)) / 1e6:.1f}" for t in labels
            )
            + " |"
        )
    grouped: dict[str, collections.Counter[str]] = {t: collections.Counter() for t in labels}
    for tree in labels:
        for name, count in results[tree].items():
            grouped[tree][group_of(name, floor)] += count
    print("\n| group | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    names = sorted(
        {g for t in labels for g in grouped[t]}, key=lambda g: -max(grouped[t][g] for t in labels)
    )
    for name in names:
        print(f"| {name} | " + " | ".join(f"{grouped[t][name] / 1e6:.2f}" for t in labels) + " |")
    print(
        f"\n| item (not the floor's modules), the {options.top} largest | "
        + " | ".join(labels)
        + " |"
    )
    print("|---|" + "---|" * len(labels))
    items = {n for t in labels for n in results[t] if not group_of(n, floor).startswith("floor's")}
    for name in sorted(items, key=lambda n: -max(results[t].get(n, 0) for t in labels))[
        : options.top
    ]:
        print(
            f"| {name} | "
            + " | ".join(f"{results[t].get(name, 0) / 1e6:.2f}" for t in labels)
            + " |"
        )


if __name__ == "__main__":
    main()
