"""Line routing in callgrind instructions (issue 13), for any tree: A/B without the
shared machine's noise.

Runs one process under ``valgrind --tool=callgrind --instr-atstart=no`` per tree (the
scheme of ``callgrind_capacity.py``): it generates the design (``--size``, seed 0),
builds the canvas's scene offscreen (not counted), then counts each part alone, the
instrumentation switched on and the counters dumped around it with
``callgrind_control``:

* ``route``   ``DesignScene.finish_routing()``: every line routed and spread;
* ``drag``    20 drag steps of the busiest host (``preview_offset``: its lines routed
              afresh and spread at each step), as ``bench_routing.py``'s drag step;
* ``sync``    the drag's end (``sync_geometry``): the moved lines settled.

The session's first check is waited for before, and no check runs after (no document
edit): the counts are the canvas's alone (two runs of one tree: within ~0.3 %). Prints each
part's instructions and, with several trees, each against the first.

Usage (from the checkout root; each 25k tree takes a few minutes)::

    python benchmarks/callgrind_routing.py --tree /tmp/base16 --tree .
    python benchmarks/callgrind_routing.py --size 10k --keep /tmp/cg
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from _callgrind import control, run_under_callgrind  # a sibling module: see its docstring

PARTS = ("route", "drag", "sync")

__all__ = ["main", "measure"]


def _child(size: str) -> None:
    import gc

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtWidgets import QApplication

    from benchmarks.generate import generate_design
    from designer.ui.canvas.scene import DesignScene
    from designer.ui.session import EditorSession

    app = QApplication.instance() or QApplication(sys.argv[:1])
    design = generate_design(size)
    session = EditorSession(design)
    scene = DesignScene(session)
    scene.items(QRectF(0, 0, 1, 1))
    app.processEvents()
    session.wait_for_findings()  # (the first check's thread would be counted too)
    gc.collect()

    def busiest() -> str:
        hosts = [e.id for e in design.elements if e.kind == "esxi_host" and e.id in scene.nodes]
        return max(hosts, key=lambda h: len(scene._lines_at([h, *scene.box_children.get(h, ())])))

    def route() -> None:
        scene.finish_routing()

    state: dict[str, object] = {}

    def drag() -> None:
        host = busiest()
        moved = [host, *scene.box_children.get(host, ())]
        origins = {i: scene.nodes[i].pos() for i in moved if i in scene.nodes}
        state["origins"] = origins
        for i in range(20):
            scene.preview_offset(origins, QPointF(10.0 * (i % 5 + 1), 4.0 * (i % 3)))

    def sync() -> None:
        scene.sync_geometry(state["origins"])  # type: ignore[arg-type]

    for label, fn in (("route", route), ("drag", drag), ("sync", sync)):
        gc.collect()
        control("-i", "on")
        fn()
        control("-d", label)
        control("-i", "off")


def measure(tree: Path, size: str, python: str, keep: Path | None) -> dict[str, int]:
    """One tree's child under callgrind: instructions per part."""
    counts, _ = run_under_callgrind(
        tree,
        str(Path(__file__).resolve()),
        ["--size", size],
        PARTS,
        python=python,
        prefix="callgrind-routing-",
        env={"QT_QPA_PLATFORM": "offscreen"},
        keep=keep,
    )
    missing = [p for p in PARTS if p not in counts]
    if missing:
        raise SystemExit(f"no dump for {missing} from {tree}: is callgrind_control working?")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--size", default="25k")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", type=Path, help="copy the callgrind dumps here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.size)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind and callgrind_control are needed (apt-get install valgrind)")
        return 1
    trees = args.tree or [Path(".")]
    first: dict[str, int] | None = None
    for tree in trees:
        counts = measure(tree, args.size, args.python, args.keep)
        parts = []
        for part in PARTS:
            text = f"{part} {counts[part] / 1e6:,.1f} M"
            if first is not None:
                text += f" ({counts[part] / first[part]:.3f}x)"
            parts.append(text)
        print(f"{tree}: " + "; ".join(parts), flush=True)
        first = first or counts
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
