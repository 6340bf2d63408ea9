"""Opening a design builds its scene in one pass (issue 10): what a box shows of the
parts drawn inside it (a VM's disks) comes from that pass, and must be what the
incremental path (used after each edit) gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF

from designer.persistence import dumps, load
from designer.ui.canvas.items.node import NodeItem

ROOT = Path(__file__).resolve().parents[2]


def _disk_state(node: NodeItem) -> tuple[Any, ...]:
    return (node.disk_count, list(node.disk_ids), dict(node.disk_tag_of), list(node.disk_tags))


def test_the_disks_a_vm_shows_after_opening_match_the_incremental_path(  # type: ignore[no-untyped-def]
    launch, tmp_path
):
    # The sample mixes placements (tags shown); its disks listed in reverse design
    # order, so that design order and the order of the file's VMs differ.
    design = load(ROOT / "sample_designs" / "disk_placements.json")
    disks = [e for e in design.elements if e.kind == "virtual_disk"]
    others = [e for e in design.elements if e.kind != "virtual_disk"]
    path = tmp_path / "disks.json"
    reordered = design.model_copy(update={"elements": [*others, *reversed(disks)]})
    path.write_text(dumps(reordered), encoding="utf-8")
    window = launch(path)
    scene = window.view.design_scene
    vms = [n for n in scene.nodes.values() if n.disk_count]
    assert len(vms) >= 2
    assert any(n.disk_tags for n in vms), "the sample mixes placements: tags are shown"
    built = {n.element_id: _disk_state(n) for n in vms}
    for node in vms:
        assert node.disk_ids == [d.id for d in reversed(disks) if d.vm == node.element_id]
    scene._mixed = None  # the path an edit takes: each VM from the document's index
    assert scene._refresh_disk_tags()
    assert {n.element_id: _disk_state(n) for n in vms} == built
    assert scene._part_lines, "a disk's line to its LUN is known, to draw when selected"
    for disk in disks:
        assert disk.id in scene._part_lines


def test_the_boxes_of_an_opened_design_stand_where_its_layout_says(  # type: ignore[no-untyped-def]
    launch, tmp_path
):
    from benchmarks.generate import generate_design
    from designer.document.layout import default_size
    from designer.ui.canvas.presentation import z_of

    design = generate_design(400, seed=5)
    # One box without a layout entry: placed by the scene, in the union of the boxes too.
    host = next(e for e in design.elements if e.kind == "esxi_host")
    layout = {k: v for k, v in design.layout.items() if k != host.id}
    path = tmp_path / "generated.json"
    path.write_text(dumps(design.model_copy(update={"layout": layout})), encoding="utf-8")
    window = launch(path)
    scene = window.view.design_scene
    boxes = [e for e in design.elements if e.id in scene.nodes]
    assert len(boxes) > 50 and scene.nodes[host.id].auto_placed
    for element in boxes:
        node = scene.nodes[element.id]
        assert node.zValue() == z_of(element.kind)
        entry = layout.get(element.id)
        if entry is None:
            continue
        w, h = default_size(element.kind)
        assert node.scene_rect() == QRectF(entry.x, entry.y, entry.w or w, entry.h or h)
        assert not node.auto_placed
    # The union kept while building is the one a walk over the boxes gives.
    left, top, right, bottom = scene._boxes_edges()
    assert scene.content_rect() == QRectF(left, top, right - left, bottom - top)


def _expected_relations(design: Any) -> tuple[Any, ...]:
    """What the scene keeps of each element, from the kind table's own readers (the
    per-element path edits take: ``KindInfo.container_of``, ``drawn_of``, the disk's
    placement)."""
    from collections import Counter

    from designer.domain.kinds import KINDS

    box_parent: dict[str, str | None] = {}
    box_children: dict[str, set[str]] = {}
    placement: dict[str, str] = {}
    part_lines: dict[str, tuple[str, str]] = {}
    for element in design.elements:
        info = KINDS.get(element.kind)
        if info is None or info.shape == "line":
            continue
        parent = info.container_of(element)
        box_parent[element.id] = parent
        if parent is not None:
            box_children.setdefault(parent, set()).add(element.id)
        if info.shape == "part":
            value = getattr(element, "placement", None)
            if value is not None:
                placement[element.id] = value.value
            for field, target in info.drawn_of(element):
                part_lines[element.id] = (field, target)
    counts = Counter(placement.values())
    return box_parent, box_children, placement, +counts, part_lines


def test_the_one_pass_build_keeps_what_the_kind_table_says(launch, tmp_path):  # type: ignore[no-untyped-def]
    """The build reads each element's container, placement and drawn references from a
    plan per class; they equal the kind table's per-element readers, on every sample
    and a generated design."""
    from benchmarks.generate import generate_design

    designs = [load(p) for p in sorted((ROOT / "sample_designs").glob("*.json"))]
    designs.append(generate_design(600, seed=3))
    window = launch()
    scene = window.view.design_scene
    for design in designs:
        window.session.replace_design(design, None, checked=True)
        assert window.session.design.elements == design.elements
        kept = (
            dict(scene.box_parent),
            {k: set(v) for k, v in scene.box_children.items() if v},
            dict(scene._disk_placement),
            +scene._placements,
            dict(scene._part_lines),
        )
        assert kept == _expected_relations(design)
        assert set(scene.box_parent) >= set(scene.nodes)
