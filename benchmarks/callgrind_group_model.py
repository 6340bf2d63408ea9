"""The Document's side of the edits of many elements, in callgrind instructions, for any
tree (issue 10: a site's deletion at 100k): no window, no listeners, only what the
Document, its index and the commands do.

Runs one process per tree under ``valgrind --tool=callgrind --instr-atstart=no``: it
reads the design file as a load does, builds every lookup that edits use
(``Document.preparing_edits``, as the window does in idle time after opening), makes
one small edit (the first edit builds what is left), then counts each group edit alone
through an :class:`~designer.document.UndoStack` (each done, undone and redone, then
undone; the counts are of the first time):

* ``delete_site``  the first site with everything in it (``RemoveElements``), its
  ``undo_delete_site`` and ``redo_delete_site``;
* ``delete_dag``, ``delete_50``  a DAG with its databases, ~50 VMs across the design;
* ``paste_host``  the first host with its VMs and their disks pasted (``AddElements``
  of ``paste_elements``), its undo;
* ``rename``  Edit > Replace in Names of the first site's name in every name.

    python benchmarks/callgrind_group_model.py --file DESIGN.json --tree /tmp/base --tree .

``--cpu``: the same edits timed by ``time.thread_time()`` instead (no valgrind; each
edit's best of ``--repeat``), for a quick look on a quiet machine. Prints each edit in
millions of instructions (or ms) and, with several trees, each against the first.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from _callgrind import against_first, control, run_under_callgrind

EDITS = (
    "delete_site",
    "undo_delete_site",
    "redo_delete_site",
    "delete_dag",
    "undo_delete_dag",
    "delete_50",
    "undo_delete_50",
    "paste_host",
    "undo_paste_host",
    "rename",
    "undo_rename",
)


def _counted(label: str, fn: Callable[[], object]) -> None:
    control("-i", "on")
    fn()
    control("-d", label)
    control("-i", "off")


def run(path: Path, counted: Callable[[str, Callable[[], object]], None]) -> None:
    """Open ``path`` headless and run :data:`EDITS`, each through ``counted``."""
    import gc

    from designer.document import AddElements, Document, RemoveElements, SetProperty, UndoStack
    from designer.document.clipboard import Taken, copy_payload, paste_elements
    from designer.document.renaming import NameQuery, plan_renames
    from designer.persistence import load

    design = load(path)
    doc = Document(design)
    for _ in doc.preparing_edits():
        pass
    stack = UndoStack(doc)
    elements = doc.design.elements
    site = next(e for e in elements if e.kind == "site")
    host = next(e for e in elements if e.kind == "esxi_host")
    dag = next(e for e in elements if e.kind == "dag")
    vms = [e.id for e in elements if e.kind == "vm"]
    fifty = vms[:: max(1, len(vms) // 50)][:50]
    other = next(e for e in elements if e.kind == "vm" and e.id not in fifty)
    stack.push(SetProperty(other.id, "name", other.name + "-w"))
    index = doc.index
    on_host = [v.id for v in index.vms_on_host.get(host.id, ())]
    disks = [d.id for v in on_host for d in index.disks_of_vm.get(v, ())]
    payload = copy_payload(doc.design, [host.id, *on_host, *disks], get=doc.get)
    gc.collect()
    gc.freeze()

    def paste() -> None:
        # As the window's paste asks: the document's lookups, not a pass over the design.
        taken = Taken(doc.index.by_id.__contains__, lambda k, n: doc.name_holder(k, n) is not None)
        pasted, layout = paste_elements(doc.design, payload, taken=taken)
        stack.push(AddElements(pasted, layout))

    def rename() -> None:
        command = plan_renames(doc, NameQuery(site.name, site.name + "R")).command()
        assert command is not None
        stack.push(command)

    groups: list[tuple[str, Callable[[], object]]] = [
        ("delete_site", lambda: stack.push(RemoveElements([site.id]))),
        ("delete_dag", lambda: stack.push(RemoveElements([dag.id]))),
        ("delete_50", lambda: stack.push(RemoveElements(fifty))),
        ("paste_host", paste),
        ("rename", rename),
    ]
    for name, action in groups:
        counted(name, action)
        counted(f"undo_{name}", stack.undo)
        if name == "delete_site":
            counted(f"redo_{name}", stack.redo)
            stack.undo()
        gc.collect()


def _cpu(path: Path, repeat: int) -> dict[str, float]:
    found: dict[str, list[float]] = {}

    def timed(label: str, fn: Callable[[], object]) -> None:
        start = time.thread_time()
        fn()
        found.setdefault(label, []).append((time.thread_time() - start) * 1000)

    for _ in range(repeat):
        run(path, timed)
    return {label: min(values) for label, values in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, help="the design file (JSON)")
    parser.add_argument("--tree", type=Path, action="append", default=[])
    parser.add_argument("--cpu", action="store_true", help="thread CPU ms, no valgrind")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args(argv)
    if args.child is not None:
        sys.path.insert(0, str(Path.cwd()))
        if args.cpu:
            for label, ms in _cpu(Path(args.child[0]), args.repeat).items():
                print(f"CPU {label} {ms:.2f}")
        else:
            run(Path(args.child[0]), _counted)
        return 0
    if args.file is None:
        parser.error("--file DESIGN.json is needed (e.g. a bench design of bench_scale.py)")
    trees = args.tree or [Path(".")]
    results: list[tuple[Path, dict[str, int]]] = []
    for tree in trees:
        if args.cpu:
            import subprocess

            done = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--file",
                    str(args.file.resolve()),
                    "--cpu",
                    "--repeat",
                    str(args.repeat),
                    "--child",
                    str(args.file.resolve()),
                ],
                cwd=tree,
                capture_output=True,
                text=True,
                env={**__import__("os").environ, "PYTHONPATH": str(tree.resolve())},
            )
            if done.returncode:
                sys.stderr.write(done.stderr[-4000:])
                return 1
            counts = {
                line.split()[1]: int(float(line.split()[2]) * 1000)
                for line in done.stdout.splitlines()
                if line.startswith("CPU ")
            }
        else:
            counts, _ = run_under_callgrind(
                tree,
                str(Path(__file__).resolve()),
                [str(args.file.resolve())],
                EDITS,
                python=sys.executable,
                prefix="cg-group-model-",
            )
        results.append((tree, counts))
        unit = "ms" if args.cpu else "M instructions"
        print(f"{tree} ({unit}):")
        for label in EDITS:
            if label in counts:
                value = counts[label] / (1000 if args.cpu else 1e6)
                print(f"  {label:18s} {value:10.1f}")
    against_first(results, EDITS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
