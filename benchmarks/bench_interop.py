"""Interop benchmark (issue 12): exports, the calculator round trip, the diff and the
review report's content on generated designs, against ``load`` of the same design
measured in the same run (the floor: every interop command starts by loading).

Times (best of ``--repeat``, median too) and ratios to ``load``:

* ``drawio``     draw.io XML with the findings layer (checks the design) and the
  healthy simulation moment;
* ``graphml``    GraphML through networkx;
* ``calc-out``   the calculator CSVs and PowerShell scripts;
* ``calc-in``    importing those CSVs back (a new design, auto-layout included);
* ``diff``       diff of the design against a copy with one element changed, elements
  only (``--no-analysis``) and ``diff-full`` with findings, N-1 and scenarios;
* ``review``     the review report's content (check, N-1, N-2 up to 2,000 pairs, every
  scenario, the RPO/RTO matrix); no diagram (that is Qt's canvas export).

Usage::

    python benchmarks/bench_interop.py                 # 1k, 10k
    python benchmarks/bench_interop.py --sizes 25k --repeat 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_core import time_best
from benchmarks.generate import generate_design
from designer.interop.calculator_export import calculator_files
from designer.interop.diff import diff_designs
from designer.interop.drawio import drawio_xml
from designer.interop.graph_export import export_graph
from designer.interop.importing import import_sources
from designer.interop.review import build_review
from designer.persistence import load, save

__all__ = ["main"]


def run(size: str, repeat: int, folder: Path) -> None:
    design = generate_design(size, seed=0)
    path = folder / f"{size}.json"
    save(design, path)
    n = len(design.elements)
    rows: list[tuple[str, float, float]] = []
    best, median, loaded = time_best(lambda: load(path), repeat)
    rows.append(("load", best, median))
    files = calculator_files(loaded)
    for name in ("MailboxDatabases.csv", "MailboxDatabaseCopies.csv"):
        (folder / name).write_text(files[name], encoding="utf-8-sig", newline="")
    vm = next(e for e in loaded.elements if e.kind == "vm")
    changed = loaded.model_copy(
        update={
            "elements": [
                e.model_copy(update={"memory_gb": 99.0}) if e.id == vm.id else e
                for e in loaded.elements
            ]
        }
    )
    cases = [
        ("drawio", lambda: drawio_xml(loaded)),
        ("graphml", lambda: export_graph(loaded, folder / "g.graphml")),
        ("calc-out", lambda: calculator_files(loaded)),
        (
            "calc-in",
            lambda: import_sources(
                "calculator",
                [folder / "MailboxDatabases.csv", folder / "MailboxDatabaseCopies.csv"],
            ),
        ),
        ("diff", lambda: diff_designs(loaded, changed, analysis=False)),
        ("diff-full", lambda: diff_designs(loaded, changed)),
        ("review", lambda: build_review(loaded)),
    ]
    for name, fn in cases:
        best, median, _ = time_best(fn, repeat)
        rows.append((name, best, median))
    floor = rows[0][1]
    print(f"\n{size}: {n:,} elements")
    print(f"  {'what':<10} {'best s':>8} {'median s':>9} {'× load':>7}")
    for name, best, median in rows:
        print(f"  {name:<10} {best:8.3f} {median:9.3f} {best / floor:7.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "10k"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            run(size, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
