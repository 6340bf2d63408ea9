"""The canvas: real mouse, key and drop events on the view's viewport; assertions on
the model (session.design) and the scene."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from test_canvas_support import click, drag, small_design, vp, wheel

from designer.document import SetProperty
from designer.domain.design import Severity
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.view import DesignView
from designer.ui.mime import KIND_MIME
from designer.ui.session import EditorSession


@pytest.fixture
def canvas(qtbot):
    session = EditorSession(small_design())
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 200)
    messages: list[str] = []
    session.status_message.connect(messages.append)
    return session, view, messages


def _drop(view: DesignView, kind: str, scene_point: tuple[float, float]) -> None:
    mime = QMimeData()
    mime.setData(KIND_MIME, kind.encode())
    pos = vp(view, *scene_point)
    actions = Qt.DropAction.CopyAction
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (
        QDragEnterEvent(pos, actions, mime, left, none),
        QDragMoveEvent(pos, actions, mime, left, none),
        QDropEvent(QPointF(pos), actions, mime, left, none),
    ):
        QApplication.sendEvent(view.viewport(), event)


def test_drop_host_from_palette_lands_in_the_site_under_the_pointer(canvas):
    session, view, _ = canvas
    before = {e.id for e in session.design.elements}
    _drop(view, "esxi_host", (450, 100))  # inside Boston, outside its host
    (new,) = [e for e in session.design.elements if e.id not in before]
    assert new.kind == "esxi_host" and new.site == "bos" and new.cluster is None
    entry = session.design.layout[new.id]
    assert entry.x >= 0 and entry.x + entry.w <= 600
    assert isinstance(view.design_scene.item_for(new.id), NodeItem)
    assert session.selection == [new.id]


def test_drop_host_into_a_cluster_puts_it_in_the_cluster_and_its_site(canvas):
    session, view, _ = canvas
    before = {e.id for e in session.design.elements}
    _drop(view, "esxi_host", (1050, 100))  # the Worcester cluster, beside its host
    (new,) = [e for e in session.design.elements if e.id not in before]
    assert (new.site, new.cluster) == ("wor", "cl-w")


def test_drop_vm_on_empty_canvas_is_refused_with_the_reason(canvas):
    session, view, messages = canvas
    count = len(session.design.elements)
    _drop(view, "vm", (650, 500))
    assert len(session.design.elements) == count
    assert any("host" in m for m in messages)


def test_a_wan_link_dropped_from_the_palette_says_how_to_draw_one(canvas):
    session, view, messages = canvas
    count = len(session.design.elements)
    _drop(view, "wan_link", (650, 500))
    assert len(session.design.elements) == count
    assert messages[-1] == (
        "To add a WAN link, drag from one site's handle (or Alt-drag) to another site,"
        " or select a site and choose Connect To in its menu (Menu key or Shift+F10)"
    )


def test_alt_drag_between_luns_on_two_arrays_draws_a_mirror(canvas):
    session, view, _ = canvas
    drag(view, (100, 242), (800, 242), Qt.KeyboardModifier.AltModifier)
    mirrors = [e for e in session.design.elements if e.kind == "mirror"]
    assert [(m.source_lun, m.target_lun) for m in mirrors] == [("lun-b1", "lun-w1")]
    assert view.design_scene.edges[mirrors[0].id].source == "lun-b1"
    assert session.undo_stack.count() == 1


def test_a_mirror_on_one_array_is_refused_while_dragging(canvas):
    session, view, messages = canvas
    drag(view, (100, 242), (100, 272), Qt.KeyboardModifier.AltModifier)
    assert not [e for e in session.design.elements if e.kind == "mirror"]
    assert any("another array" in m for m in messages)
    assert session.undo_stack.count() == 0


def test_drawing_from_the_hover_handle_connects_two_sites(canvas):
    session, view, _ = canvas
    node = view.design_scene.nodes["bos"]
    handle = node.mapToScene(node.connector_pos())
    drag(view, (300, 200), (handle.x(), handle.y()), steps=1)  # hover first (rubber band)
    drag(view, (handle.x(), handle.y()), (1000, 350))
    links = [e for e in session.design.elements if e.kind == "wan_link"]
    assert [(link.site_a, link.site_b) for link in links] == [("bos", "wor")]


def test_a_rule_breaking_edit_shows_a_marker_at_once_and_undo_removes_it(canvas):
    session, view, _ = canvas
    scene = view.design_scene
    assert scene.marker_of("vm-b1") is None
    session.push(SetProperty("vm-b1", "mailboxes", 9000))
    # Same event-loop turn: no waiting.
    marker = scene.marker_of("vm-b1")
    assert marker is not None and marker[0] in (Severity.WARNING, Severity.ERROR)
    item = scene.nodes["vm-b1"]
    assert item.marker == marker and "VS002" in item.toolTip()
    session.undo_stack.undo()
    assert scene.marker_of("vm-b1") is None and item.marker is None


def test_moving_a_site_moves_its_content_in_one_step(canvas):
    session, view, _ = canvas
    before = dict(session.design.layout)
    drag(view, (300, 10), (300, 60))  # the site's title bar
    after = session.design.layout
    for element_id in ("bos", "esx-b1", "vm-b1", "arr-b", "lun-b1", "lun-b2"):
        assert after[element_id].y == pytest.approx(before[element_id].y + 50)
        assert after[element_id].x == pytest.approx(before[element_id].x)
    assert after["wor"] == before["wor"]
    assert session.undo_stack.count() == 1
    assert view.design_scene.nodes["vm-b1"].pos().y() == pytest.approx(120)
    session.undo_stack.undo()
    assert session.design.layout == before


def test_dragging_a_host_names_the_host_in_edit_undo_and_undo_puts_all_back(canvas):
    """The undo step of a drag says which box was dragged, not how many layout entries
    moved with it (its VMs, the neighbours pushed aside: "Move 4363 elements" for one
    host of a generated 25k design)."""
    session, view, _ = canvas
    before = dict(session.design.layout)
    drag(view, (210, 50), (240, 50))  # esx-b1's title bar, 30 to the right in Boston
    after = session.design.layout
    for element_id in ("esx-b1", "vm-b1"):  # the host and its VM
        assert after[element_id].x == pytest.approx(before[element_id].x + 30)
    assert session.undo_stack.count() == 1
    assert session.undo_stack.undoText() == "Move ESXi host esx-b1"
    session.undo_stack.undo()
    assert session.design.layout == before
    assert view.design_scene.nodes["vm-b1"].pos().x() == pytest.approx(before["vm-b1"].x)


def test_dragging_a_host_into_another_site_changes_its_site(canvas):
    session, view, _ = canvas
    drag(view, (210, 50), (1200, 300))  # esx-b1 into Worcester, outside the cluster
    host = session.document.get("esx-b1")
    assert (host.site, host.cluster) == ("wor", None)
    vm_entry = session.design.layout["vm-b1"]
    assert vm_entry.x > 700  # its VM went with it
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.document.get("esx-b1").site == "bos"
    assert session.design.layout["vm-b1"].x == 30


def test_dragging_a_vm_off_its_host_onto_a_site_is_refused(canvas):
    session, view, messages = canvas
    before = session.design.layout["vm-b1"]
    drag(view, (100, 80), (400, 380))
    assert session.design.layout["vm-b1"] == before
    assert session.document.get("vm-b1").host == "esx-b1"
    assert view.design_scene.nodes["vm-b1"].pos() == QPointF(30, 70)
    assert any("refused" in m.lower() for m in messages)


def test_arrow_keys_nudge_in_one_undo_step(canvas, qtbot):
    session, view, _ = canvas
    click(view, (100, 80))
    assert session.selection == ["vm-b1"]
    for _ in range(3):
        qtbot.keyClick(view.viewport(), Qt.Key.Key_Right)
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    entry = session.design.layout["vm-b1"]
    assert (entry.x, entry.y) == (60, 71)
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert (session.design.layout["vm-b1"].x, session.design.layout["vm-b1"].y) == (30, 70)


def test_delete_removes_the_host_with_its_vm_and_undo_restores(canvas, qtbot):
    session, view, _ = canvas
    before = session.design
    click(view, (210, 50))
    assert session.selection == ["esx-b1"]
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert session.document.get("esx-b1") is None and session.document.get("vm-b1") is None
    assert "vm-b1" not in view.design_scene.nodes
    session.undo_stack.undo()
    assert session.design == before
    assert view.design_scene.nodes["vm-b1"].scene_rect().topLeft() == QPointF(30, 70)


def test_rubber_band_and_ctrl_click_select(canvas):
    session, view, _ = canvas
    drag(view, (10, 190), (260, 330))  # around Boston's array, starting in the site body
    assert set(session.selection) == {"arr-b", "lun-b1", "lun-b2"}
    click(view, (100, 80), Qt.KeyboardModifier.ControlModifier)
    assert "vm-b1" in session.selection
    click(view, (100, 80), Qt.KeyboardModifier.ControlModifier)
    assert "vm-b1" not in session.selection
    assert view.design_scene.nodes["lun-b1"].selected


def test_selection_mirrors_the_session_and_focus_centres(canvas):
    session, view, _ = canvas
    view.set_zoom(0.3)
    session.focus("lun-w1")
    assert view.design_scene.nodes["lun-w1"].selected
    assert view.scale_factor == pytest.approx(1.0)
    centre = view.mapToScene(view.viewport().rect().center())
    assert abs(centre.x() - 815) < 5 and abs(centre.y() - 242) < 5


def test_copy_paste_keeps_internal_links_with_new_ids(canvas):
    session, view, _ = canvas
    click(view, (210, 50))
    view.editor.copy()
    view.editor.paste()
    new_ids = session.selection
    hosts = [
        session.document.get(i) for i in new_ids if session.document.get(i).kind == "esxi_host"
    ]
    vms = [session.document.get(i) for i in new_ids if session.document.get(i).kind == "vm"]
    assert len(hosts) == 1 and len(vms) == 1
    assert hosts[0].id != "esx-b1" and vms[0].host == hosts[0].id
    assert hosts[0].site == "bos"
    # Not 30 px off the original, on top of it (issue 13): a free place in Boston, the VM
    # where it was in its host.
    new_host, old_host = session.design.layout[hosts[0].id], session.design.layout["esx-b1"]
    assert new_host.x >= old_host.x + old_host.w or new_host.y >= old_host.y + old_host.h
    new_vm, old_vm = session.design.layout[vms[0].id], session.design.layout["vm-b1"]
    assert (new_vm.x - new_host.x, new_vm.y - new_host.y) == (
        old_vm.x - old_host.x,
        old_vm.y - old_host.y,
    )
    assert session.undo_stack.count() == 1


def test_wheel_zooms_and_far_zoom_hides_detail(canvas):
    _session, view, _ = canvas
    view.set_zoom(0.1)
    assert not view.design_scene.detail_visible
    assert not view.design_scene.nodes["vm-b1"].isVisible()
    view.zoom_actual()
    assert view.design_scene.nodes["vm-b1"].isVisible()


def test_auto_layout_is_one_undo_step_and_keeps_containment(canvas):
    session, view, _ = canvas
    view.auto_layout()
    layout = session.design.layout
    site, host = layout["bos"], layout["esx-b1"]
    assert site.x <= host.x and host.x + host.w <= site.x + site.w
    assert session.undo_stack.count() == 1


def test_ctrl_wheel_over_the_viewport_zooms_in_and_out_and_the_wheel_alone_if_asked(canvas):
    _session, view, _ = canvas
    before = view.scale_factor
    ctrl = Qt.KeyboardModifier.ControlModifier

    wheel(view, 120, ctrl)
    assert view.scale_factor > before
    wheel(view, -240, ctrl)
    assert view.scale_factor < before
    view.wheel_zooms = True  # View > Mouse Wheel Zooms
    now = view.scale_factor
    wheel(view, 120)
    assert view.scale_factor > now


def test_a_flagged_mirror_shows_a_marker_on_its_line(canvas):
    session, view, _ = canvas
    drag(view, (100, 242), (800, 242), Qt.KeyboardModifier.AltModifier)
    (mirror,) = [e for e in session.design.elements if e.kind == "mirror"]
    session.push(SetProperty(mirror.id, "write_intent_log", False))
    edge = view.design_scene.edges[mirror.id]
    assert edge.marker is not None and "MV008" in edge.toolTip()
    scene = view.design_scene
    # Flagged, it stays under the LUN rows (never across a name) and above its array.
    assert scene.nodes["arr-b"].zValue() < edge.zValue() < scene.nodes["lun-b2"].zValue()
    session.undo_stack.undo()
    assert edge.marker is None


def test_disks_are_counted_on_their_vm_and_their_lun_line_shows_on_selection(canvas):
    session, view, _ = canvas
    drag(view, (100, 82), (800, 242), Qt.KeyboardModifier.AltModifier)  # VM → LUN: a disk
    (disk,) = [e for e in session.design.elements if e.kind == "virtual_disk"]
    assert (disk.vm, disk.lun) == ("vm-b1", "lun-w1")
    scene = view.design_scene
    assert scene.nodes["vm-b1"].disk_count == 1 and disk.id not in scene.nodes
    session.set_selection(["vm-b1"])
    assert f"{disk.id}|lun|lun-w1" in scene.edges
    session.set_selection([])
    assert f"{disk.id}|lun|lun-w1" not in scene.edges


def test_escape_cancels_a_connection_being_drawn(canvas, qtbot):
    from PySide6.QtTest import QTest

    session, view, _ = canvas
    viewport = view.viewport()
    a, b = vp(view, 100, 242), vp(view, 800, 242)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, a)
    QTest.mouseMove(viewport, b)
    qtbot.keyClick(viewport, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    assert not [e for e in session.design.elements if e.kind == "mirror"]
    assert session.undo_stack.count() == 0


def test_a_dark_palette_gives_a_dark_canvas(canvas):
    from PySide6.QtGui import QColor, QPalette

    _session, view, _ = canvas
    palette = QPalette(view.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    view.setPalette(palette)
    theme = view.design_scene.theme
    assert theme.dark and theme.background.lightness() < 60
    assert view.design_scene.backgroundBrush().color() == theme.background
    assert "vm-b1" in view.design_scene.nodes  # rebuilt, nothing lost


def test_a_database_dropped_from_the_palette_onto_a_dag_joins_it(launch, tmp_path):
    """Issue 8: a database dropped on a DAG was drawn inside it but not added to it
    (the Inspector said DAG "(none)"). Opened with ``dr-designer gui FILE``, dropped with
    the palette's own drag payload onto the DAG's box on the real canvas."""
    from designer.domain.design import LayoutEntry
    from designer.domain.elements import Dag
    from designer.persistence import save
    from designer.ui.panels.palette import PalettePanel, kind_mime_data

    design = small_design()
    dag = Dag(id="dag-1", name="DAG-West", members=["vm-b1"])
    layout = {**design.layout, "dag-1": LayoutEntry(x=300, y=40, w=260, h=90)}
    path = tmp_path / "with-dag.json"
    save(design.model_copy(update={"elements": [*design.elements, dag], "layout": layout}), path)
    w = launch(path)
    view = w.view
    view.set_zoom(1.0)
    view.centerOn(430, 85)
    palette = next(d.widget() for d in w.docks if isinstance(d.widget(), PalettePanel))
    assert "mailbox_database" in palette.items  # what the user drags from
    before = {e.id for e in w.session.design.elements}

    pos = vp(view, 430, 85)
    mime = kind_mime_data("mailbox_database")
    actions, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    move = QDragMoveEvent(pos, actions, mime, left, none)
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(pos, actions, mime, left, none))
    QApplication.sendEvent(view.viewport(), move)
    assert move.isAccepted()
    QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(pos), actions, mime, left, none))

    (new,) = [e for e in w.session.design.elements if e.id not in before]
    assert new.kind == "mailbox_database" and new.dag == "dag-1"
    assert w.view.design_scene.box_parent[new.id] == "dag-1"
    entry = w.session.design.layout[new.id]
    assert entry.x >= 300 and entry.x + entry.w <= 560 and 40 <= entry.y <= 130
    inspector = next(d.widget() for d in w.docks if d.objectName() == "InspectorDock")
    assert inspector.element_id == new.id
    assert inspector.editors["dag"].editor.currentText() == "DAG-West"
    w.session.undo_stack.undo()
    assert w.session.document.get(new.id) is None
