"""What a reviewing architect found illegible or surprising on the canvas: WAN links
across a third site, mirrors through LUN names, a host silently leaving its cluster,
disk placements, cut host headers and names, loose boxes without visible members.

Real mouse events on the view's viewport; assertions on the model and the scene."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF
from test_canvas_support import click, drag, small_design, with_names

from designer.document import SetProperty
from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import (
    ConsistencyGroup,
    EsxiHost,
    Lun,
    Mirror,
    Site,
    VirtualDisk,
    WanLink,
)
from designer.domain.enums import DiskPlacement, DiskPurpose
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem, elide_name, name_tokens, subtitle_of
from designer.ui.canvas.view import DesignView
from designer.ui.session import EditorSession


def _view(qtbot, design: Design, centre=(650, 200)) -> tuple[EditorSession, DesignView, list]:
    session = EditorSession(design)
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(*centre)
    messages: list[str] = []
    session.status_message.connect(messages.append)
    return session, view, messages


def _points(edge: EdgeItem, n: int = 200) -> list[QPointF]:
    path = edge.path()
    return [path.pointAtPercent(i / n) for i in range(n + 1)]


def _three_sites() -> Design:
    """Boston and Worcester side by side, Hartford beyond Worcester; a link from
    Boston to Hartford would cross Worcester if drawn straight."""
    design = small_design()
    hfd = Site(id="hfd", name="Hartford")
    link = WanLink(id="wan-bh", name="BOS-HFD MPLS", site_a="bos", site_b="hfd")
    layout = dict(design.layout)
    layout["hfd"] = LayoutEntry(x=1400, y=0, w=400, h=400)
    return design.model_copy(update={"elements": [*design.elements, hfd, link], "layout": layout})


def test_a_wan_link_goes_around_a_third_site_and_its_label_covers_no_box(qtbot):
    _session, view, _ = _view(qtbot, _three_sites(), centre=(900, 200))
    scene = view.design_scene
    edge = scene.edges["wan-bh"]
    worcester = scene.nodes["wor"].scene_rect()
    assert not any(worcester.contains(p) for p in _points(edge))
    label = edge.label_scene_rect()
    assert not [i for i in scene.items(label) if isinstance(i, NodeItem) and i.isVisible()], (
        "the label covers a box"
    )


def test_a_renamed_wan_link_keeps_its_label_off_the_boxes(qtbot):
    session, view, _ = _view(qtbot, _three_sites(), centre=(900, 200))
    scene = view.design_scene
    session.push(SetProperty("wan-bh", "name", "BOS-HFD MPLS carrier 1 with a much longer name"))
    edge = scene.edges["wan-bh"]
    assert "much longer" in edge.label_text()
    covered = [i for i in scene.items(edge.label_scene_rect()) if isinstance(i, NodeItem)]
    assert covered == []


def test_moving_the_third_site_out_of_the_way_straightens_the_link(qtbot):
    session, view, _ = _view(qtbot, _three_sites(), centre=(900, 200))
    scene = view.design_scene
    edge = scene.edges["wan-bh"]
    assert edge.path().elementCount() > 2  # routed around Worcester
    view.centerOn(1000, 400)
    drag(view, (1000, 10), (1000, 610))  # Worcester's title bar, down below the others
    assert session.design.layout["wor"].y == pytest.approx(600)
    worcester = scene.nodes["wor"].scene_rect()
    assert not any(worcester.contains(p) for p in _points(edge))
    assert edge.path().elementCount() == 2  # a straight line again


def _mirrored() -> Design:
    """Boston's array with two LUN columns; the left column's LUN is mirrored to
    Worcester, so the right column stands between."""
    design = small_design()
    extra = Lun(id="lun-b3", name="LUN-B3", array="arr-b")
    mirror = Mirror(id="mv-1", name="MV-1", source_lun="lun-b1", target_lun="lun-w1")
    layout = dict(design.layout)
    layout["arr-b"] = LayoutEntry(x=20, y=200, w=380, h=120)
    layout["lun-b3"] = LayoutEntry(x=210, y=230, w=170, h=24)
    return design.model_copy(
        update={"elements": [*design.elements, extra, mirror], "layout": layout}
    )


def test_a_mirror_leaves_its_lun_row_at_the_side_and_never_crosses_a_lun(qtbot):
    session, view, _ = _view(qtbot, _mirrored())
    scene = view.design_scene
    edge = scene.edges["mv-1"]
    start = edge.path().elementAt(0)
    source = scene.nodes["lun-b1"].scene_rect()
    assert start.y == pytest.approx(source.center().y())
    assert start.x in (pytest.approx(source.left()), pytest.approx(source.right()))
    luns = [scene.nodes[i].scene_rect().adjusted(1, 1, -1, -1) for i in ("lun-b2", "lun-b3")]
    assert not any(r.contains(p) for r in luns for p in _points(edge))
    # Selected, it stays under the LUN rows rather than striking through their names.
    click(view, (450, 205))  # empty part of the array: nothing else under the line
    session.set_selection(["mv-1"])
    assert edge.zValue() < scene.nodes["lun-b3"].zValue()
    assert edge.pen().color() == scene.theme.highlight


def test_dragging_a_host_out_of_its_cluster_says_it_leaves_the_cluster(qtbot):
    session, view, messages = _view(qtbot, small_design())
    drag(view, (900, 80), (1200, 300))  # esx-w1's title bar, out of Cluster-W
    host = session.document.get("esx-w1")
    assert isinstance(host, EsxiHost) and (host.site, host.cluster) == ("wor", None)
    text = "esx-w1 leaves cluster Cluster-W (no vSphere HA or DRS)"
    assert session.undo_stack.text(0) == text
    assert any(m == f"Release: {text}" for m in messages)  # said before releasing
    assert messages[-1] == text  # and after
    session.undo_stack.undo()
    assert session.document.get("esx-w1").cluster == "cl-w"


def test_moving_a_host_into_a_cluster_keeps_the_plain_wording(qtbot):
    session, view, _ = _view(qtbot, small_design())
    drag(view, (210, 50), (1050, 100))  # esx-b1 into the Worcester cluster
    assert session.document.get("esx-b1").cluster == "cl-w"
    assert session.undo_stack.text(0) == "Move esx-b1 into Cluster-W"


def _with_disks(placements: list[DiskPlacement]) -> Design:
    design = small_design()
    disks = [
        VirtualDisk(
            id=f"d{i}",
            name=f"disk {i}",
            vm="vm-b1",
            lun="lun-b1",
            placement=p,
            purpose=DiskPurpose.DATABASE if i else DiskPurpose.OS,
        )
        for i, p in enumerate(placements)
    ]
    return design.model_copy(update={"elements": [*design.elements, *disks]})


def test_a_vm_shows_its_disk_placements_when_the_design_mixes_them(qtbot):
    mixed = [DiskPlacement.VMDK_VMFS, DiskPlacement.RDM_PHYSICAL, DiskPlacement.RDM_PHYSICAL]
    _session, view, _ = _view(qtbot, _with_disks(mixed))
    scene = view.design_scene
    assert scene.nodes["vm-b1"].disk_tags == ["VMDK", "RDM-p×2"]
    click(view, (100, 82))  # the VM: its disk → LUN lines say how each disk is placed
    labels = {
        e.label_text() for k, e in scene.edges.items() if k.startswith("d")
    }  # fmt: skip
    assert labels == {"VMDK · OS", "RDM-p · Database"}  # the Inspector's words
    for key, edge in scene.edges.items():
        if key.startswith("d"):
            label = edge.label_scene_rect()
            covered = [
                i.element_id
                for i in scene.items(label)
                if isinstance(i, NodeItem) and not i.container
            ]
            assert covered == [], f"{key}'s label covers {covered}"


def test_an_all_vmdk_design_shows_no_disk_badges(qtbot):
    _session, view, _ = _view(qtbot, _with_disks([DiskPlacement.VMDK_VMFS] * 2))
    node = view.design_scene.nodes["vm-b1"]
    assert node.disk_count == 2 and node.disk_tags == []


def test_host_subtitle_is_short_enough_to_show_the_ram():
    host = EsxiHost(id="h", name="esx-bos-02", site="s", cpu_cores=24, memory_gb=192)
    assert subtitle_of(host) == "24c · 192 GB"


def test_names_sharing_a_prefix_stay_apart_when_elided(qapp):
    names = [f"PHL-MBX0{m}-SG{g}-DB" for m in (1, 2) for g in (1, 2, 3, 4)]
    common = {"": len(names)}
    for name in names:
        for word in set(name_tokens(name)):
            common[word] = common.get(word, 0) + 1
    metrics = QFontMetricsF(QFont())
    width = metrics.horizontalAdvance("PHL-MBX01-SG1") + 2  # too narrow for any name
    shown = [elide_name(metrics, n, width, Counter(common)) for n in names]
    assert len(set(shown)) == len(names), shown
    assert all(metrics.horizontalAdvance(s) <= width for s in shown)


def _with_group() -> Design:
    design = _mirrored()
    group = ConsistencyGroup(id="cg-1", name="CG-1", mirrors=["mv-1"])
    layout = dict(design.layout)
    layout["cg-1"] = LayoutEntry(x=20, y=450, w=170, h=28)
    return design.model_copy(update={"elements": [*design.elements, group], "layout": layout})


def test_selecting_a_loose_box_shows_lines_to_its_members(qtbot):
    session, view, _ = _view(qtbot, _with_group(), centre=(650, 300))
    scene = view.design_scene
    assert scene.member_lines_of("cg-1") == []
    click(view, (100, 464))  # the consistency group's box
    assert session.selection == ["cg-1"]
    (key,) = scene.member_lines_of("cg-1")
    edge = scene.edges[key]
    assert (edge.source, edge.target) == ("cg-1", "lun-b1")  # the mirror's source LUN
    assert edge.zValue() > scene.nodes["lun-b1"].zValue()
    click(view, (650, 600))  # empty canvas: deselect
    assert key not in scene.edges and scene.member_lines_of("cg-1") == []


def _drawn_names(view: DesignView) -> dict[str, str]:
    scene = view.design_scene
    scene.labels.record = []
    view.viewport().grab()
    return {label.owner: label.text for label in scene.labels.record}


def test_a_renamed_neighbour_changes_how_a_long_name_is_shortened(qtbot):
    """Names fitted in one paint are kept for the next; a neighbour's rename (the
    words they share go first) fits them anew, as a fresh view of the design does."""
    design = small_design()
    names = {
        "lun-b1": "BOSTON-EXCHANGE01 StorageGroup1 LUN",
        "lun-b2": "BOSTON-EXCHANGE01 StorageGroup2 LUN",
    }
    design = with_names(design, names)
    session, view, _ = _view(qtbot, design, centre=(300, 250))
    before = _drawn_names(view)["lun-b1"]
    assert before == _drawn_names(view)["lun-b1"]  # the kept fit draws the same
    assert "StorageGroup1" in before and "BOSTON" not in before  # the shared words went first
    session.push(SetProperty("lun-b2", "name", "Spare"))
    after = _drawn_names(view)["lun-b1"]
    _fresh_session, fresh, _ = _view(qtbot, session.design, centre=(300, 250))
    assert after == _drawn_names(fresh)["lun-b1"]
    assert after != before


def test_a_host_whose_member_name_is_too_long_for_its_row_still_names_its_vms(qtbot):
    """A generated design's hosts hold a DAG member, "DAG01-MBX-DC01-01", whose row
    shortens it to "DAG……01" at every zoom (its box is as wide in the scene whatever
    the zoom). That made its host say "3 VMs" over blank blocks at every zoom, up to
    400 %: the other VMs' names ("…APP0027") could never be read on the canvas."""
    from benchmarks.generate import generate_design

    design = generate_design(300, seed=0)
    _session, view, _ = _view(qtbot, design)
    scene = view.design_scene
    member = next(
        e
        for e in design.elements
        if e.kind == "vm" and e.name.startswith("DAG") and e.host  # type: ignore[attr-defined]
    )
    host = member.host  # type: ignore[attr-defined]
    others = [
        e.id
        for e in design.elements
        if e.kind == "vm" and e.host == host and e.id != member.id  # type: ignore[attr-defined]
    ]
    assert others, "a host with a DAG member and other VMs"
    view.set_zoom(2.0)
    node = scene.nodes[member.id]
    view.centerOn(node.mapToScene(node.rect().center()))
    drawn = _drawn_names(view)
    assert host not in scene.labels.summarised
    for vm in others:
        assert vm in drawn, drawn
