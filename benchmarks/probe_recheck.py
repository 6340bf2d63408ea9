"""The worker's re-check after single edits: its CPU and the rules it ran, per edit.

    python benchmarks/probe_recheck.py SIZE [--tree DIR]

Opens the bench design of SIZE (``bench_scale.py``'s files), checks it once through
:class:`designer.rules.incremental.LiveCheck` as the window's worker does (its own
lookups, followed edit by edit), then for each edit (rename a VM, move an Exchange VM to
another host of its site, a DAG member likewise, a DAG field, a database's size, a
database's copies, a WAN link's bandwidth, delete the host with the fewest VMs, add a
VM) pushes it, times the re-check (``time.thread_time``, collector paused as on the
worker), lists the rules it ran and the DAGs it re-ran per DAG (wave 26), compares it
with the full check, and undoes it (checked too). A warm-up edit first: the worker's
lookups build their order on their first follow.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size")
    parser.add_argument("--tree", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.tree))
    sys.path.insert(1, str(ROOT))
    import designer.rules.incremental as incremental
    from benchmarks.bench_scale import _design_file, _lift_size_limit
    from designer.document import AddElements, Document, RemoveElements, SetProperty, UndoStack
    from designer.document.events import change_of
    from designer.document.factory import new_element
    from designer.persistence import load
    from designer.rules import check

    _lift_size_limit()
    doc = Document(load(_design_file(args.size)))
    stack = UndoStack(doc)
    live = incremental.LiveCheck()
    doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
    ran: dict[str, float] = {}
    run_rule = incremental.run_rule

    def timed(context, rule):  # type: ignore[no-untyped-def]
        start = time.thread_time()
        try:
            return run_rule(context, rule)
        finally:
            ran[rule.code] = ran.get(rule.code, 0.0) + (time.thread_time() - start) * 1000

    incremental.run_rule = timed  # type: ignore[attr-defined]

    def recheck():  # type: ignore[no-untyped-def]
        gc.collect()
        gc.disable()
        try:
            ran.clear()
            start = time.thread_time()
            result = live.check(doc.design, revision=doc.revision)
            return (time.thread_time() - start) * 1000, result
        finally:
            gc.enable()

    recheck()
    elements = doc.design.elements
    vms = [e for e in elements if e.kind == "vm"]
    server = next(v for v in vms if v.exchange_version)
    hosts = [e for e in elements if e.kind == "esxi_host"]
    site = doc.get(server.host).site  # type: ignore[union-attr]
    other = next(h for h in hosts if h.id != server.host and h.site == site)
    dag = next(e for e in elements if e.kind == "dag")
    member = next(v for v in vms if v.id == dag.members[0])
    placed = next(h for h in hosts if h.id == member.host)
    member_host = next(h for h in hosts if h.id != placed.id and h.site == placed.site)
    db = next(e for e in elements if e.kind == "mailbox_database" and e.copies)
    link = next(e for e in elements if e.kind == "wan_link")
    on_host: dict[str, int] = {}
    for vm in vms:
        on_host[vm.host] = on_host.get(vm.host, 0) + 1
    lonely = min(hosts, key=lambda h: on_host.get(h.id, 0))
    edits = [
        ("rename a VM", lambda: SetProperty(server.id, "name", server.name + "-x")),
        ("move a VM to a host", lambda: SetProperty(server.id, "host", other.id)),
        ("move a DAG member to a host", lambda: SetProperty(member.id, "host", member_host.id)),
        ("a DAG field", lambda: SetProperty(dag.id, "dac_mode", not dag.dac_mode)),
        ("a database size", lambda: SetProperty(db.id, "size_gb", db.size_gb * 2)),
        ("a database's copies", lambda: SetProperty(db.id, "copies", db.copies[:-1])),
        ("a link bandwidth", lambda: SetProperty(link.id, "bandwidth_mbps", 10.0)),
        ("delete a host", lambda: RemoveElements([lonely.id])),
        ("add a VM", lambda: AddElements([new_element("vm", doc.design, other.id)])),
    ]
    stack.push(edits[0][1]())  # warm-up
    recheck()
    stack.undo()
    recheck()
    print(f"{args.size}: {len(elements):,} elements, tree {args.tree}")
    for name, edit in edits:
        for step in (name, f"undo {name}"):
            if step == name:
                stack.push(edit())
            else:
                stack.undo()
            ms, result = recheck()
            same = result.findings == check(doc.design).findings
            per_dag = getattr(live, "last_per_dag", None)
            top = sorted(ran.items(), key=lambda kv: -kv[1])[:4]
            print(
                f"  {step:28s} {ms:7.1f} ms CPU  {len(ran):2d} rules"
                f"{'' if per_dag is None else ' (per DAG: ' + str(len(per_dag)) + ')':16s} "
                f"same findings: {same}  most: " + ", ".join(f"{code} {t:.1f}" for code, t in top),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
