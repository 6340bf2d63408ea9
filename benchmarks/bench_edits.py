"""Edit costs of the Document at several design sizes, against the smallest (same run).

Each edit goes through the undo stack as the window's does (headless: no scene, no
check): rename a VM, add a VM to a host (and undo it), delete a VM (and undo it);
then a host with its VMs, a DAG with its databases and 50 VMs deleted (and undone).
Since the Document keeps its index current edit by edit (issue 9), an edit costs what
it touches; what still grows with the design is copying the element list and the
layout map into the next immutable snapshot (C-speed copies).

    python benchmarks/bench_edits.py [--sizes 1k 25k 100000] [--repeat 7]

Prints per size the best CPU time of each edit in ms, and its ratio to the smallest
size. Timings are CPU time of this process (the machine is shared; see README.md).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate_design
from designer.document import AddElements, Document, RemoveElements, SetProperty, UndoStack
from designer.document.factory import new_element

__all__ = ["edit_costs", "main"]

EDITS = ("rename", "add", "undo add", "delete", "undo delete")
#: Edits of many elements at once (wave 25): a host with its VMs, a DAG with its
#: databases, 50 VMs across the design (and each one's undo).
GROUP_EDITS = ("delete host", "delete DAG", "delete 50 VMs")


def _best(fn: Callable[[], float], repeat: int) -> float:
    return min(fn() for _ in range(repeat)) * 1000


def edit_costs(scale: str | int, repeat: int) -> dict[str, float]:
    """Best CPU ms of each edit on a generated design of ``scale``."""
    design = generate_design(scale, seed=0)
    doc = Document(design)
    stack = UndoStack(doc)
    vm = next(e for e in design.elements if e.kind == "vm")
    host = next(e for e in design.elements if e.kind == "esxi_host")
    # The first edit builds the lookups the Document checks against; not an edit's cost.
    stack.push(SetProperty(vm.id, "vcpu", 6))
    stack.undo()
    gc.collect()
    gc.freeze()  # as the window does after opening a design

    def timed(action: Callable[[], object]) -> float:
        start = time.process_time()
        action()
        return time.process_time() - start

    def rename() -> float:
        cost = timed(lambda: stack.push(SetProperty(vm.id, "name", vm.name + "-x")))
        stack.undo()
        return cost

    undo_add: list[float] = []

    def add() -> float:
        element = new_element("vm", doc.design, host.id)  # made outside the timing
        cost = timed(lambda: stack.push(AddElements([element])))
        undo_add.append(timed(stack.undo))
        return cost

    undo_delete: list[float] = []

    def delete() -> float:
        cost = timed(lambda: stack.push(RemoveElements([vm.id])))
        undo_delete.append(timed(stack.undo))
        return cost

    costs = {"rename": _best(rename, repeat), "add": _best(add, repeat)}
    costs["undo add"] = min(undo_add) * 1000
    costs["delete"] = _best(delete, repeat)
    costs["undo delete"] = min(undo_delete) * 1000
    dag = next(e for e in design.elements if e.kind == "dag")
    vms = [e.id for e in design.elements if e.kind == "vm"]
    groups = {
        "delete host": [host.id],
        "delete DAG": [dag.id],
        "delete 50 VMs": vms[:: max(1, len(vms) // 50)][:50],
    }
    for name, ids in groups.items():
        undone: list[float] = []

        def group(ids: list[str] = ids, undone: list[float] = undone) -> float:
            cost = timed(lambda: stack.push(RemoveElements(ids)))
            undone.append(timed(stack.undo))
            return cost

        costs[name] = _best(group, repeat)
        costs[f"undo {name}"] = min(undone) * 1000
    gc.unfreeze()
    return costs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Document edit costs against design size.")
    parser.add_argument("--sizes", nargs="+", default=["1k", "25k", "100000"])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    rows = [(size, edit_costs(size, args.repeat)) for size in args.sizes]
    floor = rows[0][1]
    print("# best CPU ms per edit (ratio to the smallest size)")
    for names in (EDITS, tuple(n for g in GROUP_EDITS for n in (g, f"undo {g}"))):
        print(f"{'size':>8} " + " ".join(f"{name:>20}" for name in names))
        for size, costs in rows:
            cells = " ".join(
                f"{costs[n]:>10.2f} ({costs[n] / max(floor[n], 1e-3):>5.1f}x)" for n in names
            )
            print(f"{size:>8} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
