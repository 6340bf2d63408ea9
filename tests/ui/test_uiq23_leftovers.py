"""Window leftovers found by eyes23 and ui23 (wave 23, ``uiq23``), through the user's
doors (``dr-designer gui FILE``, real mouse drags and keys on the canvas's viewport,
clicks on the dock tabs and the table)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from test_canvas_support import drag, small_design
from test_capacity_window import open_tab

from designer.domain import Dag, EsxiHost, LayoutEntry, VirtualMachine
from designer.persistence import save
from designer.ui.canvas.items.node import NodeItem

SHOTS = Path("/tmp/uiq23-shots")
SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _two_hosts_in_a_cluster(tmp_path: Path) -> Path:
    """small_design with a second host, esx-w2, beside esx-w1 in Worcester's cluster."""
    design = small_design()
    design = design.model_copy(
        update={
            "elements": [
                *design.elements,
                EsxiHost(id="esx-w2", name="esx-w2", site="wor", cluster="cl-w"),
            ],
            "layout": {**design.layout, "esx-w2": LayoutEntry(x=940, y=70, w=160, h=90)},
        }
    )
    path = tmp_path / "two-hosts.drd.json"
    save(design, path)
    return path


def _title(window, element_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    rect = window.view.design_scene.rect_of(element_id)
    return rect.left() + 40, rect.top() + 8


def _top_box_at(window, point: QPointF) -> str | None:  # type: ignore[no-untyped-def]
    for item in window.view.design_scene.items(point):  # topmost first
        if isinstance(item, NodeItem):
            return item.element_id
    return None


def _centre(window, element_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    c = window.view.design_scene.rect_of(element_id).center()
    return c.x(), c.y()


def test_a_host_dragged_onto_a_host_of_its_own_cluster_takes_a_free_place(
    launch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # esx-w2 dragged by its title onto esx-w1's, in the cluster both are in, lay exactly
    # over it (eyes23 fixed only a drop into another container).
    window = launch(_two_hosts_in_a_cluster(tmp_path))
    view, scene = window.view, window.view.design_scene
    view.set_zoom(0.6)
    view.centerOn(900, 200)
    before_w1 = scene.rect_of("esx-w1")
    grab = _title(window, "esx-w2")
    start = scene.rect_of("esx-w2")
    drag(view, grab, (before_w1.left() + grab[0] - start.left(), before_w1.top() + 8))
    QApplication.processEvents()
    doc = window.session.document
    assert doc.get("esx-w2").cluster == "cl-w"  # type: ignore[union-attr]
    moved, other = scene.rect_of("esx-w2"), scene.rect_of("esx-w1")
    assert other == before_w1, "the host already there stays where it was"
    assert not moved.intersects(other), f"{moved} covers esx-w1 at {other}"
    assert scene.rect_of("cl-w").contains(moved)
    assert _top_box_at(window, QPointF(*_title(window, "esx-w1"))) == "esx-w1"
    assert _top_box_at(window, QPointF(*_title(window, "esx-w2"))) == "esx-w2"
    view.viewport().grab().save(str(SHOTS / "same-cluster-drop.png"))
    # Released in the cluster's free room, a host stays where it was put.
    target_left, target_top = 945.0, 75.0  # its first place, free again
    grab = _title(window, "esx-w2")
    start = scene.rect_of("esx-w2")
    drag(view, grab, (target_left + grab[0] - start.left(), target_top + grab[1] - start.top()))
    QApplication.processEvents()
    moved = scene.rect_of("esx-w2")
    assert abs(moved.left() - target_left) < 12 and abs(moved.top() - target_top) < 12, moved


def test_the_connect_tool_does_not_move_a_box_no_line_starts_from(
    launch, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # With the Connect tool on, esx-b1 (a host: no connection starts from it) dragged
    # over Worcester went into Worcester, neither a line drawn nor a word said.
    path = tmp_path / "two-sites.drd.json"
    save(small_design(), path)
    window = launch(path)
    view, scene, session = window.view, window.view.design_scene, window.session
    view.set_zoom(0.6)
    view.centerOn(650, 200)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_C)
    assert view.connect_mode
    before = scene.rect_of("esx-b1")
    drag(view, _title(window, "esx-b1"), (1000, 300))
    QApplication.processEvents()
    assert session.document.get("esx-b1").site == "bos"  # type: ignore[union-attr]
    assert scene.rect_of("esx-b1") == before, "it stays where it was"
    assert session.undo_stack.count() == 0
    said = window.statusBar().currentMessage()
    assert said.startswith("esx-b1 (an ESXi host) has no connections to draw"), said
    assert "press C or Esc to move it" in said
    assert view.connect_mode, "the tool stays on"
    # Its pointer says so before the press: not the Connect tool's cross.
    title = QPointF(*_title(window, "esx-b1")) + QPointF(10, 0)
    QTest.mouseMove(view.viewport(), view.mapFromScene(title))
    qtbot.waitUntil(
        lambda: view.viewport().cursor().shape() == Qt.CursorShape.ForbiddenCursor, timeout=3000
    )
    # Off (C), the same drag moves it, as ever.
    QTest.keyClick(view.viewport(), Qt.Key.Key_C)
    drag(view, _title(window, "esx-b1"), (1000, 300))
    QApplication.processEvents()
    assert session.document.get("esx-b1").site == "wor"  # type: ignore[union-attr]


def test_escape_after_a_connect_tool_line_keeps_what_was_done_in_the_status_bar(  # type: ignore[no-untyped-def]
    launch, tmp_path: Path
) -> None:
    # "Done: Add WAN link …" went the moment Esc put the Connect tool away.
    path = tmp_path / "two-sites.drd.json"
    save(small_design(), path)
    window = launch(path)
    view, status = window.view, window.statusBar()
    view.set_zoom(0.6)
    view.centerOn(650, 200)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_C)
    assert status.currentMessage().startswith("Connect: drag from one box to another")
    drag(view, (300, 370), (1000, 370))  # Boston's empty body to Worcester's
    done = status.currentMessage()
    assert done.startswith("Done: Add WAN link"), done
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    assert not view.connect_mode
    assert status.currentMessage() == done
    window.grab().save(str(SHOTS / "escape-after-connect.png"))
    # The tool's own hint still goes with it.
    QTest.keyClick(view.viewport(), Qt.Key.Key_C)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    assert status.currentMessage() == ""


def _highlighted_rows(table: QTableView) -> list[int]:
    """The rows of ``table`` painted in the selection's colour (what the user sees)."""
    image = table.viewport().grab().toImage()
    colour = table.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    inactive = table.palette().color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
    rows = []
    ratio = image.devicePixelRatio()
    for row in range(table.model().rowCount()):
        y = table.rowViewportPosition(row) + table.rowHeight(row) // 2
        if y >= table.viewport().height():
            break
        xs = range(2, table.viewport().width() - 2, 7)
        painted = [QColor(image.pixel(int(x * ratio), int(y * ratio))) for x in xs]
        if sum(c in (colour, inactive) for c in painted) > len(painted) // 3:
            rows.append(row)
    return rows


def test_the_problems_table_highlights_only_the_row_the_user_picked(
    launch, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # The first finding was painted as selected on opening: no one had picked it.
    design = small_design()
    design = design.model_copy(
        update={
            "elements": [
                *design.elements,
                VirtualMachine(id="vm-w1", name="MBX-W1", host="esx-w1"),
                Dag(id="dag-1", name="DAG1", members=["vm-b1", "vm-w1"]),
            ],
            "layout": {
                **design.layout,
                "vm-w1": LayoutEntry(x=750, y=100, w=160, h=24),
                "dag-1": LayoutEntry(x=400, y=500, w=160, h=60),
            },
        }
    )
    path = tmp_path / "dag.drd.json"
    save(design, path)  # four findings: DAG010, DAG012, DAG013, VS001
    window = launch(path)
    dock = open_tab(window, "Problems")
    panel = dock.widget()
    table = panel.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 4)
    assert table.currentIndex().row() == 0, "the first finding is still the current one"
    assert table.selectionModel().selectedRows() == []
    assert _highlighted_rows(table) == []
    dock.grab().save(str(SHOTS / "problems-on-opening.png"))
    # A click on the second row highlights it, and only it.
    rect = table.visualRect(table.model().index(1, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert _highlighted_rows(table) == [1]


def test_the_scenario_bar_hint_follows_its_title(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    # With no step yet, the empty steps' row took half the bar: a wide gap between
    # "Scenario" and "Click an element to fail it".
    window = launch(SAMPLES / "exchange2007_lcr_ccr_scr.json")
    window.resize(1400, 900)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    bar = window.simulation.bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.hint.isVisible())
    (title,) = [w for w in bar.findChildren(QLabel) if w.text() == "<b>Scenario</b>"]
    hint_text_left = bar.hint.mapTo(bar, bar.hint.contentsRect().topLeft()).x()
    title_right = title.mapTo(bar, title.rect().topRight()).x()
    assert 0 < hint_text_left - title_right < 30, (title_right, hint_text_left)
    height = bar.height()
    bar.grab().save(str(SHOTS / "scenario-bar-empty.png"))
    # A step: its chip where the hint was, the bar as high as before.
    bar.controller.set_steps([*bar.controller.steps, _first_failure(window)])
    qtbot.waitUntil(lambda: bar.steps_scroll.isVisible() and not bar.hint.isVisible())
    assert bar.height() == height
    bar.grab().save(str(SHOTS / "scenario-bar-step.png"))


def _first_failure(window):  # type: ignore[no-untyped-def]
    from designer.domain import ScenarioStep

    site = next(e for e in window.session.document.design.elements if e.kind == "site")
    return ScenarioStep(at_s=0, action="fail", target=site.id)
