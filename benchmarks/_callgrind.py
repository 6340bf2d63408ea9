"""What the callgrind benchmarks share (``callgrind_capacity.py``, ``callgrind_routing.py``,
``callgrind_open.py``, ``callgrind_window.py``, ``callgrind_build.py``):
switching a child's instrumentation from inside it, and reading its dumps' counts.

Imported as a sibling module (the scripts run as files, so their folder is
``sys.path[0]``), not through ``benchmarks.``: the child puts the measured tree first on
its path, and that tree's own ``benchmarks`` folder may predate this module."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

__all__ = [
    "DESC",
    "MAIN_THREAD_DUMP",
    "TOTALS",
    "against_first",
    "control",
    "dump_counts",
    "environment_with",
    "fresh_home_env",
    "run_under_callgrind",
]

# ``totals`` (the dump's cost lines summed): ``summary`` can be garbage after the
# instrumentation was switched off and on (valgrind 3.19 printed 2**64 minus a little).
TOTALS = re.compile(r"^totals:\s*(\d+)", re.MULTILINE)
#: The part a dump counted: the label of its ``callgrind_control -d LABEL`` trigger.
DESC = re.compile(r"^desc: Trigger: .*?(\w+)\s*$", re.MULTILINE)


def control(*args: str) -> None:
    """``callgrind_control`` on this very process (valgrind's gdbserver answers it)."""
    subprocess.run(
        ["callgrind_control", *args, str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def fresh_home_env(home: Path) -> dict[str, str | None]:
    """A window child's environment over this one's, for :func:`run_under_callgrind`'s
    ``env`` (``None``: removed): a fresh home (no settings, recent files or recovery
    offer), offscreen unless ``QT_QPA_PLATFORM`` says otherwise, and the tree's modules
    compiled as an installed package's are."""
    return {
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "DR_DESIGNER_LOG_DIR": str(home / "logs"),
        "PYTHONDONTWRITEBYTECODE": None,
    }


def environment_with(env: Mapping[str, str | None] | None) -> dict[str, str]:
    """This process's environment with ``env`` over it (a name given ``None``: removed);
    a child's environment, e.g. ``environment_with(fresh_home_env(home))``."""
    environment = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


#: A per-thread dump's file of thread 1, the main thread (``--separate-threads=yes``:
#: ``cg.out.PID.N-01``; the UI thread in a window's child).
MAIN_THREAD_DUMP = re.compile(r"^cg\.out\.\d+\.\d+-01$")


def dump_counts(
    folder: Path,
    labels: Collection[str] | Callable[[str], bool],
    *,
    main_thread_only: bool = False,
) -> dict[str, int]:
    """The instructions of the dumps in ``folder`` by label (``labels``: the labels
    read, or a test of a label); a label dumped several times (a part cut by another's
    dump): its dumps summed. ``main_thread_only``: per-thread dumps, thread 1's only."""
    wanted = labels if callable(labels) else labels.__contains__
    counts: dict[str, int] = {}
    for path in sorted(folder.glob("cg.out.*")):
        if main_thread_only and not MAIN_THREAD_DUMP.match(path.name):
            continue
        text = path.read_text(errors="replace")
        desc, total = DESC.search(text), TOTALS.search(text)
        if desc is not None and total is not None and wanted(desc.group(1)):
            label = desc.group(1)
            counts[label] = counts.get(label, 0) + int(total.group(1))
    return counts


def run_under_callgrind(
    tree: Path,
    script: str,
    args: list[str],
    labels: Collection[str] | Callable[[str], bool],
    *,
    python: str,
    prefix: str,
    env: Mapping[str, str | None] | None = None,
    keep: Path | None = None,
    separate_threads: bool = False,
) -> tuple[dict[str, int], str]:
    """Run ``python script --child ARGS`` on ``tree`` (first on ``PYTHONPATH``, the
    working folder; ``PYTHONHASHSEED`` 0 unless set, ``env`` added, a name given
    ``None`` removed) under ``valgrind --tool=callgrind --instr-atstart=no``: the
    instructions of each dump labelled with one of ``labels`` (``control("-d", LABEL)``;
    :func:`dump_counts`), and the child's output. ``separate_threads``: per-thread dumps
    (``--separate-threads=yes``), the main thread's counted only (a window's UI thread:
    not its reading threads). ``keep``: copy the dumps to ``keep/TREE_NAME``. A failed
    child ends the benchmark with its reason."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    hash_seed = os.environ.get("PYTHONHASHSEED", "0")
    environment = environment_with({"PYTHONHASHSEED": hash_seed, **(env or {})})
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(tree.resolve()), environment.get("PYTHONPATH", "")]
    )
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        *(["--separate-threads=yes"] if separate_threads else []),
        f"--callgrind-out-file={folder}/cg.out.%p",
        python,
        script,
        "--child",
        *args,
    ]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=tree)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"the child under valgrind failed for {tree} (rc {done.returncode})")
    counts = dump_counts(folder, labels, main_thread_only=separate_threads)
    if keep is not None:
        target = keep / tree.resolve().name
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.glob("cg.out.*"):
            shutil.copy(path, target / path.name)
    shutil.rmtree(folder, ignore_errors=True)
    return counts, done.stdout


def against_first(results: list[tuple[Path, dict[str, int]]], labels: Collection[str]) -> None:
    """Print each tree's counts after the first against the first tree's, label by label."""
    if len(results) < 2:
        return
    first, base = results[0]
    print(f"\nagainst {first}:")
    for tree, counts in results[1:]:
        ratios = ", ".join(
            f"{label} {counts[label] / base[label] - 1:+.1%}" for label in labels if base.get(label)
        )
        print(f"  {tree}: {ratios}")
