"""The reading of a design file when the window opens it, in callgrind instructions, step
by step, for any tree (issue 10: opening 100k to the first frame).

Runs one process under ``valgrind --tool=callgrind --instr-atstart=no`` per tree: it
reads the design file (``--file``, or the generated ``--size`` design written to a
temporary file) as ``designer.persistence.load_with_stamp`` does on the fast path, with
the cyclic collector paused as the loader pauses it, and counts each step alone
(``callgrind_control -i on``, the step, ``-d STEP``, ``-i off``; deterministic: the load
of a shared machine does not move the counts):

* ``read``      the file's bytes (``_read_design_bytes``);
* ``validate``  pydantic-core's ``validate_json`` of the bytes (the design's models);
* ``guard``     the duplicate-key guard (``_quoted_colons`` and ``_keys_in``);
* ``vouched``   the structure check as the window's opening of a big file runs it when
                the byte-check child has found the structure whole
                (``checked_columns(design, vouched=True)``: the columns only; counted
                before ``check``, so it pays the check's first-use costs; 0 for a tree
                without it);
* ``check``     the structure check (``checked_columns``, in full);
* ``document``  the Document's load of the checked design (its index from the check).

Prints each step in millions of instructions and, with several trees, each against the
first (``--tree /tmp/base --tree .``). Each child imports its tree's ``designer`` (the
tree first on ``sys.path``); ``PYTHONHASHSEED`` is 0 unless set. 100k takes ~3 minutes
per tree.
"""

from __future__ import annotations

import argparse
import inspect
import shutil
import sys
import tempfile
from pathlib import Path

from _callgrind import (  # a sibling module: see its docstring
    against_first,
    control,
    run_under_callgrind,
)

STEPS = ("read", "validate", "guard", "vouched", "check", "document")

__all__ = ["STEPS", "main", "steps"]


def _counted(label: str, fn: object) -> object:
    control("-i", "on")
    result = fn()  # type: ignore[operator]
    control("-d", label)  # dumps the counters since the last dump (and zeroes them)
    control("-i", "off")
    return result


def steps(path: Path, counted=_counted) -> int:  # type: ignore[no-untyped-def]
    """Read ``path`` step by step, each through ``counted(label, fn)``; its elements."""
    from designer.collector import collector_paused
    from designer.document.document import Document
    from designer.domain.structure import checked_columns, keep_columns
    from designer.persistence import file_format as ff
    from designer.persistence.schema_cache import validator

    check = validator(ff._CurrentFile)  # the cached validator, made before any count
    with collector_paused():
        raw, _ = counted("read", lambda: ff._read_design_bytes(path, str(path)))
        envelope = counted("validate", lambda: check.validate_json(raw))
        keys = counted("guard", lambda: (ff._quoted_colons(raw), ff._keys_in(envelope)))
        if keys[0] != keys[1]:
            raise SystemExit(f"{path}: the guard refuses it (a duplicate key?)")
        design = envelope.design
        if "vouched" in inspect.signature(checked_columns).parameters:
            counted("vouched", lambda: checked_columns(design, vouched=True))
        else:  # a tree without it: an empty count
            counted("vouched", lambda: None)
        errors, columns = counted("check", lambda: checked_columns(design))
        if errors or columns is None:
            raise SystemExit(f"{path}: breaks the structure ({errors[0] if errors else '?'})")

        # The window's Document exists before the load: one made after ``keep_columns``
        # would take (and drop) the columns for its empty design, and the load's index
        # would read every element again, as no opening does.
        document = Document()

        def load() -> None:
            keep_columns(columns)
            document.replace_design(design, checked=True)

        counted("document", load)
    return len(design.elements)


def _design_file(size: str, seed: int, folder: Path) -> Path:
    """The generated design written to ``folder`` (by this checkout's code)."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
        sys.path.insert(0, root)
    from benchmarks.generate import generate_design
    from designer.persistence import save

    path = folder / f"design-{size}-seed{seed}.json"
    save(generate_design(size, seed=seed), path)
    return path


def measure(tree: Path, file: Path, python: str, keep: Path | None = None) -> dict[str, int]:
    """One tree's child under callgrind: the instructions of each step (``keep``: copy
    its dumps to ``keep/TREE_NAME``, for ``callgrind_annotate``)."""
    script = str(Path(__file__).resolve())
    counts, _ = run_under_callgrind(
        tree,
        script,
        ["--file", str(file)],
        STEPS,
        python=python,
        prefix="callgrind-open-",
        keep=keep,
    )
    missing = [s for s in STEPS if s not in counts]
    if missing:
        raise SystemExit(f"no dump for {missing} from {tree}: is callgrind_control working?")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--file", type=Path, help="a design file (default: --size generated)")
    parser.add_argument("--size", default="100k")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", type=Path, help="copy the callgrind dumps to DIR/TREE_NAME")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(f"{steps(args.file):,} elements", flush=True)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind and callgrind_control are needed (apt-get install valgrind)")
        return 2
    trees = [t.resolve() for t in args.tree or [Path(__file__).resolve().parents[1]]]
    with tempfile.TemporaryDirectory(prefix="callgrind-open-file-") as made:
        file = args.file.resolve() if args.file else _design_file(args.size, args.seed, Path(made))
        print(f"{file} ({file.stat().st_size / 1e6:.1f} MB)")
        results: list[tuple[Path, dict[str, int]]] = []
        for tree in trees:
            counts = measure(tree, file, args.python, args.keep)
            results.append((tree, counts))
            print(f"\n{tree}:")
            for step in STEPS:
                print(f"  {step:<10}{counts[step] / 1e6:12,.1f} M")
            sys.stdout.flush()
    against_first(results, STEPS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
