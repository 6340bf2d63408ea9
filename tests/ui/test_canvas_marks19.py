"""Wave 19 (canvas19): a selected or hovered box's marks (resize handles, connection
ports) reach past the box, and its bounds take them in (designer/ui/canvas/reach.py).

eyes18 ui #18: a small box's ports sat over its name (a selected witness read "BOS-FS("
with the ports on the "W"); they now sit on its border. uid18 moved them there in wave
18 and it was reverted: past the box's bounds, a dragged selected box could leave marks
behind. It did, before this wave, with the handles alone: a drag drew a trail of their
corners. Checked here on the pixels the canvas shows (the window's backing store, not a
fresh rendering), against the same view repainted whole, through ``dr-designer gui
FILE`` and real mouse events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_canvas_support import vp

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import FileShareWitness, LoadBalancer, Site
from designer.persistence.file_format import save
from designer.ui.canvas.items.node import PORT_PX
from designer.ui.canvas.reach import REACH_AT_ONCE, reach_at

SHOTS = Path("/tmp/canvas19-shots")


def _on_screen(view: Any) -> QImage:
    """The canvas as last drawn: the window's backing store (what the user sees)."""
    QApplication.processEvents()
    window = view.window()
    picture = window.screen().grabWindow(window.winId())
    corner = view.viewport().mapTo(window, QPoint(0, 0))
    size = view.viewport().size()
    return picture.copy(corner.x(), corner.y(), size.width(), size.height()).toImage()


def _left_behind(view: Any, qtbot: Any) -> int:
    """Pixels the canvas shows that a repaint of the whole view draws otherwise."""
    shown = _on_screen(view)
    view.viewport().update()
    qtbot.wait(50)
    whole = _on_screen(view)
    assert shown.size() == whole.size()
    return sum(
        shown.pixel(x, y) != whole.pixel(x, y)
        for y in range(0, shown.height())
        for x in range(0, shown.width())
    )


def _lone_boxes(tmp_path: Path, count: int = 1) -> Path:
    """A site with a file share witness (and ``count - 1`` load balancers) and no line."""
    elements: list[Any] = [
        Site(id="s", name="Boston"),
        FileShareWitness(id="w", name="BOS-FSW", site="s"),
    ]
    height = max(700, 350 + count // 8 * 50)
    layout = {
        "s": LayoutEntry(x=0, y=0, w=900, h=height),
        "w": LayoutEntry(x=100, y=100, w=100, h=40),
    }
    for n in range(1, count):
        elements.append(LoadBalancer(id=f"lb{n}", name=f"LB{n:02}", site="s"))
        layout[f"lb{n}"] = LayoutEntry(x=20 + (n % 8) * 110, y=300 + (n // 8) * 50, w=100, h=40)
    path = tmp_path / "lone.drd.json"
    save(Design(name="Lone boxes", elements=elements, layout=layout), path)
    return path


def _drag_steps(view: Any, qtbot: Any, start: tuple[float, float], steps: int) -> QPoint:
    """Press at scene point ``start`` and move the mouse in ``steps`` steps (held)."""
    viewport = view.viewport()
    a = vp(view, *start)
    QTest.mouseMove(viewport, a)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    p = a
    for i in range(1, steps + 1):
        p = QPoint(a.x() + 14 * i, a.y() + 11 * i)
        QTest.mouseMove(viewport, p)
        qtbot.wait(15)
    return p


def test_a_dragged_selected_box_leaves_no_marks_behind(launch: Any, qtbot: Any, tmp_path) -> None:
    window = launch(_lone_boxes(tmp_path))  # dr-designer gui FILE
    view = window.view
    scene = view.scene()
    view.resetTransform()
    view.centerOn(QPointF(300, 250))
    QApplication.processEvents()
    witness = scene.item_for("w")
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=vp(view, 130, 130))
    qtbot.waitUntil(lambda: window.session.selection == ["w"], timeout=3000)
    # Its bounds take in its handles and ports at this zoom; the hit area is the box.
    qtbot.waitUntil(lambda: witness.marks_fit(1.0), timeout=3000)
    box = witness.rect()
    assert witness.boundingRect().contains(box.adjusted(-10, -10, 10, 10))
    assert witness.shape().boundingRect() == box
    assert scene.node_at(QPointF(95, 120)) is not witness  # 5 px left of it: the site
    end = _drag_steps(view, qtbot, (130, 130), 10)
    qtbot.wait(100)
    SHOTS.mkdir(exist_ok=True)
    _on_screen(view).save(str(SHOTS / "mid-drag.png"))
    assert _left_behind(view, qtbot) == 0  # mid-drag: no trail of handles or ports
    QTest.mouseRelease(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end
    )
    qtbot.waitUntil(lambda: window.session.design.layout["w"].x == 240.0, timeout=3000)
    assert _left_behind(view, qtbot) == 0
    # Zoomed out (the marks take more of the scene): the bounds follow; a drag back.
    view.set_zoom(0.5)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: witness.marks_fit(0.5), timeout=3000)
    assert witness.boundingRect().contains(box.adjusted(-20, -20, 20, 20))
    end = _drag_steps(view, qtbot, (260, 250), 6)
    qtbot.wait(100)
    assert _left_behind(view, qtbot) == 0
    QTest.mouseRelease(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end
    )
    # Unselected and not hovered: the bounds are the box again.
    QTest.mouseMove(view.viewport(), vp(view, 700, 600))
    window.session.set_selection([])
    qtbot.waitUntil(lambda: witness.boundingRect() == witness.rect(), timeout=3000)


def test_a_selected_small_box_shows_its_ports_on_its_border_clear_of_its_name(
    launch: Any, qtbot: Any, tmp_path
) -> None:
    window = launch(_lone_boxes(tmp_path))
    view = window.view
    scene = view.scene()
    view.resetTransform()  # 100 %
    view.centerOn(QPointF(150, 120))
    QApplication.processEvents()
    witness = scene.item_for("w")
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=vp(view, 140, 132))
    qtbot.waitUntil(lambda: window.session.selection == ["w"], timeout=3000)
    ports = witness.ports(1.0)
    assert set(ports) == {"l", "r", "t", "b"}
    # The name's line: after the icon (7 + 16 + 5 px), 3 px down, as wide as the name.
    r = witness.rect()
    width = QFontMetricsF(scene.theme.font).horizontalAdvance(witness.name)
    name = QRectF(r.left() + 28, r.top() + 3, width, 15)
    half = PORT_PX / 2
    for side, centre in ports.items():
        circle = QRectF(centre.x() - half, centre.y() - half, PORT_PX, PORT_PX)
        assert not circle.intersects(name), (side, circle, name)
        assert witness.port_at(centre, 1.0) == side
    assert ports["t"].y() + half == r.top() + 3 and ports["b"].y() - half == r.bottom() - 3
    assert ports["l"].x() == r.left() and ports["r"].x() == r.right()
    # The top port's outer half, above the box: the pointer says a press connects.
    top = vp(view, *(witness.mapToScene(ports["t"] + QPointF(0, -5)).toTuple()))
    QTest.mouseMove(view.viewport(), top)
    qtbot.waitUntil(
        lambda: view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor, timeout=3000
    )
    SHOTS.mkdir(exist_ok=True)
    around = view.mapFromScene(witness.scene_rect()).boundingRect().adjusted(-30, -30, 30, 30)
    view.viewport().grab(around).save(str(SHOTS / "witness-selected.png"))


def test_a_big_selections_bounds_follow_as_they_are_painted(
    launch: Any, qtbot: Any, tmp_path
) -> None:
    """Select All of many boxes: the first few at once, the rest as the canvas comes to
    paint them (re-filing 25,000 boxes' bounds in Qt's index took ~100 ms, at Ctrl+A and
    again at Escape, for boxes mostly never seen selected); a box whose bounds do not
    take its marks in yet does not draw them."""
    count = REACH_AT_ONCE * 6
    window = launch(_lone_boxes(tmp_path, count))
    view = window.view
    scene = view.scene()
    view.resetTransform()
    view.set_zoom(0.5)
    view.centerOn(QPointF(450, 700))
    QApplication.processEvents()
    boxes = [scene.item_for("w"), *(scene.item_for(f"lb{n}") for n in range(1, count))]
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    grown = sum(b.boundingRect() != b.rect() for b in boxes)
    assert grown <= REACH_AT_ONCE + 1  # the rest wait to be painted
    shown = [b for b in boxes if view._visible_rect().intersects(b.scene_rect())]
    assert len(shown) > REACH_AT_ONCE + 1
    qtbot.waitUntil(lambda: all(b.marks_fit(0.5) for b in shown), timeout=5000)
    assert all(b.boundingRect() == b.rect().adjusted(-32, -32, 32, 32) for b in shown)
    assert reach_at(0.5) == 32
    # Out of view, never painted selected (those of the first turn aside): not re-filed.
    away = view._visible_rect().adjusted(-40, -40, 40, 40)
    unseen = [b for b in boxes if not away.intersects(b.scene_rect()) and not b.marks_fit(0.5)]
    assert len(unseen) > count // 4
    last = unseen[-1]
    view.centerOn(last)
    qtbot.waitUntil(lambda: last.marks_fit(0.5), timeout=5000)
    # A rectangle round the box itself picks it (the rubber band), its bounds grown.
    assert view.ids_in(last.scene_rect().adjusted(-1, -1, 1, 1)) == [last.element_id]
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    now = [b for b in boxes if view._visible_rect().intersects(b.scene_rect())]
    qtbot.waitUntil(lambda: all(b.boundingRect() == b.rect() for b in now), timeout=5000)
