"""Line routing on the generated design (offscreen, no display needed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_routing.py [--scale 25k]

Measures, in one run (issue 13's targets):

* route all: every line of the design routed round the boxes and its channels spread
  (``DesignScene.finish_routing`` on a freshly built scene), against the scene build
  itself, with the garbage collection it defers (target: routing ≤ the build);
* drag step: one mouse move of a host being dragged (the host and its VMs moved, every
  line at them routed afresh: ``DesignScene.preview_offset``), against the same move with
  no routing (the items moved only) — target ≤ 16 ms, one frame; the same for a whole
  site (its inner lines carried along, the others routed while the frame allows);
* move: the committed move through the undo stack; the scene's part of it (placing the
  boxes, routing their lines) against the same with the routing switched off (target
  ≤ 16 ms); the whole push is printed beside it.

Best of ``--repeat`` with the median beside it. The move's scene part is also given in
CPU time of the UI thread (``time.thread_time``: what the move itself costs, whatever
else the machine runs meanwhile). ``--tree OTHER_CHECKOUT`` measures another checkout's
code (e.g. ``git archive main``) with this benchmark, for before/after figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "--tree" in sys.argv[:-1]:  # before the designer package is imported
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--tree") + 1]).resolve()))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.document import MoveElements
from designer.domain.design import Design
from designer.ui.canvas.scene import DRAG_ROUTE_S, DesignScene
from designer.ui.session import EditorSession

BUDGET_STEP_MS = 16.0


def _build(session: EditorSession) -> tuple[DesignScene, float]:
    gc.collect()
    start = time.perf_counter()
    scene = DesignScene(session)
    scene.items(QRectF(0, 0, 1, 1))  # the index, as the first paint builds it
    # The build holds the cyclic collector off (tens of thousands of new wrappers); the
    # full collection it puts off is its own cost, not that of whatever runs next.
    gc.collect()
    return scene, time.perf_counter() - start


def _busiest_host(scene: DesignScene, design: Design) -> str:
    """The host whose VMs have the most lines (a DAG member's host: copies, members)."""

    def lines(host: str) -> int:
        return len(scene._lines_at([host, *scene.box_children.get(host, ())]))

    hosts = [e.id for e in design.elements if e.kind == "esxi_host" and e.id in scene.nodes]
    return max(hosts, key=lines)


def _times(
    action: Callable[[int], None], repeat: int, before: Callable[[], object] = lambda: None
) -> list[float]:
    out = []
    for i in range(repeat):
        before()
        t = time.perf_counter()
        action(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def _line(label: str, times: list[float]) -> str:
    return f"{label}: best {min(times):.1f} ms, median {statistics.median(times):.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="25k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tree", type=Path, help="measure this checkout's code")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    import designer

    print(f"code: {Path(designer.__file__).parents[1]}")
    design = generate_design(args.scale)
    session = EditorSession(design)
    print(f"design: {len(design.elements):,} elements, {len(design.layout):,} layout entries")
    ok = True

    # -- route all lines against the scene build ------------------------------------------
    builds, routes = [], []
    scene: DesignScene | None = None
    for _ in range(args.repeat):
        if scene is not None:
            scene.deleteLater()
            app.processEvents()
        scene, built = _build(session)
        builds.append(built)
        start = time.perf_counter()
        scene.finish_routing()
        routes.append(time.perf_counter() - start)
    assert scene is not None
    build, route = min(builds), min(routes)
    within = route <= build
    ok &= within
    print(
        f"route all {len(scene.edges):,} lines: best {route * 1000:.0f} ms (median "
        f"{statistics.median(routes) * 1000:.0f}); scene build best {build * 1000:.0f} ms "
        f"(median {statistics.median(builds) * 1000:.0f}); ratio {route / build:.2f} "
        f"[target ≤ 1] {'OK' if within else 'OVER'}"
    )

    # -- one drag step of a busy host -------------------------------------------------------
    host = _busiest_host(scene, design)
    moved = [host, *scene.box_children.get(host, ())]
    origins = {i: scene.nodes[i].pos() for i in moved if i in scene.nodes}
    lines = scene._lines_at(moved)
    steps = 20

    def drag(i: int) -> None:
        assert scene is not None
        scene.preview_offset(origins, QPointF(10.0 * (i % 5 + 1), 4.0 * (i % 3)))

    def bare(i: int) -> None:
        delta = QPointF(10.0 * (i % 5 + 1), 4.0 * (i % 3))
        for element_id, origin in origins.items():
            scene.nodes[element_id].setPos(origin + delta)  # type: ignore[union-attr]

    routed = _times(drag, steps)
    plain = _times(bare, steps)
    scene.sync_geometry(origins)
    step_ok = statistics.median(routed) <= BUDGET_STEP_MS
    ok &= step_ok
    print(
        f"drag step of {host} ({len(origins)} boxes, {len(lines)} lines routed): "
        f"{_line('with routing', routed)}; {_line('items moved only', plain)}; "
        f"ratio {statistics.median(routed) / max(statistics.median(plain), 1e-6):.0f}x "
        f"[budget {BUDGET_STEP_MS:.0f} ms] {'OK' if step_ok else 'OVER'}"
    )

    # -- one drag step of a whole site (hundreds of boxes, dozens of lines) -------------------
    site = max(
        (e.id for e in design.elements if e.kind == "site" and e.id in scene.nodes),
        key=lambda i: len(scene._lines_at(scene.descendants([i]))),
    )
    site_origins = {i: scene.nodes[i].pos() for i in scene.descendants([site]) if i in scene.nodes}
    site_lines = len(set(scene._lines_at(site_origins)))

    def drag_site(i: int) -> None:
        assert scene is not None
        scene.preview_offset(site_origins, QPointF(10.0 * (i % 5 + 1), 4.0 * (i % 3)))

    site_steps = _times(drag_site, steps)
    scene.sync_geometry(site_origins)
    later = site_steps[1:]  # the first step also measures what each line costs to route
    site_ok = statistics.median(later) <= BUDGET_STEP_MS
    ok &= site_ok
    print(
        f"drag step of {site} ({len(site_origins)} boxes, {site_lines} lines: inner ones "
        f"carried, the others routed within {DRAG_ROUTE_S * 1000:.0f} ms, else straight): "
        f"first step {site_steps[0]:.1f} ms; {_line('the next', later)} "
        f"[budget {BUDGET_STEP_MS:.0f} ms] {'OK' if site_ok else 'OVER'}"
    )

    # -- the committed move through the undo stack -------------------------------------------
    # The whole push (snapshot, panels' signals, check scheduling) is timed too, but the
    # budget is the scene's own part: placing the boxes and routing their lines. Each
    # move starts once the check of the one before is done (the check's thread would
    # share the interpreter with it: that stall is the check's, bench_gui.py's figure).
    entry = session.design.layout[host]
    on_layout = scene._on_layout
    spent: list[float] = []
    cpu: list[float] = []

    def timed(ids: object) -> None:
        t, c = time.perf_counter(), time.thread_time()
        on_layout(ids)  # type: ignore[arg-type]
        spent.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)

    scene._on_layout = timed  # type: ignore[method-assign]

    def move(i: int) -> None:
        x = entry.x + 20.0 * (i % 2 + 1)
        session.push(MoveElements({host: entry.model_copy(update={"x": x})}))

    pushes = _times(move, steps, session.wait_for_findings)
    with_routing, spent = spent, []
    with_routing_cpu, cpu = cpu, []
    reroute = scene.reroute
    scene.reroute = lambda keys: None  # type: ignore[method-assign]
    try:
        _times(move, steps, session.wait_for_findings)
    finally:
        scene.reroute = reroute  # type: ignore[method-assign]
        scene._on_layout = on_layout  # type: ignore[method-assign]
    without = spent
    move_ok = statistics.median(with_routing) <= BUDGET_STEP_MS
    ok &= move_ok
    print(
        f"move {host} through the undo stack: the scene's part "
        f"{_line('with routing', with_routing)}; "
        f"{_line('routing off', without)}; ratio "
        f"{statistics.median(with_routing) / max(statistics.median(without), 1e-6):.1f}x "
        f"[budget {BUDGET_STEP_MS:.0f} ms] {'OK' if move_ok else 'OVER'}; "
        f"CPU of the UI thread {_line('with routing', with_routing_cpu)}, "
        f"{_line('routing off', cpu)}; "
        f"the whole push (document, panels, check scheduling) median "
        f"{statistics.median(pushes):.1f} ms"
    )
    # -- the committed move of the whole site: many lines, routed in slices after it ----------
    site_ids = [i for i in scene.descendants([site]) if i in session.design.layout]
    site_spent: list[float] = []
    slices: list[float] = []

    def move_site(i: int) -> None:
        layout = session.design.layout
        dy = 30.0 if i % 2 == 0 else -30.0
        new = {k: layout[k].model_copy(update={"y": layout[k].y + dy}) for k in site_ids}
        session.push(MoveElements(new))

    def settle_slices() -> None:
        session.wait_for_findings()
        assert scene is not None
        while scene.routing_pending:
            t = time.perf_counter()
            scene._route_slice(float("inf"))  # (a slice of ROUTE_SLICE_S at most)
            slices.append((time.perf_counter() - t) * 1000)

    def timed_site(ids: object) -> None:
        t = time.perf_counter()
        on_layout(ids)  # type: ignore[arg-type]
        site_spent.append((time.perf_counter() - t) * 1000)

    scene._on_layout = timed_site  # type: ignore[method-assign]
    try:
        _times(move_site, 6, settle_slices)
        settle_slices()
    finally:
        scene._on_layout = on_layout  # type: ignore[method-assign]
    print(
        f"move {site} through the undo stack: the scene's part "
        f"{_line('(its lines drawn straight)', site_spent)}; then {len(slices)} slices "
        f"routing them, {_line('each', slices)}, longest {max(slices, default=0):.1f} ms"
    )
    session.undo_stack.setClean()
    session.wait_for_findings()  # the check thread must not outlive the session
    print("all within budget" if ok else "SOME BUDGETS EXCEEDED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
