"""Wave 18 (uid18): a small box's connection ports, shown while it is selected, sat
over its name (eyes18 ui #18: a selected file share witness read "BOS-FS(" with the
port circles on the "W"). Through the real window: ``dr-designer gui``, File > New's
Two-site DAG, a real click on the witness at 100 %."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_eyes_leftovers18 import _two_site_dag

from designer.ui.canvas.items.node import PORT_PX

SHOTS = Path("/tmp/uid18-shots")


def test_a_selected_witness_shows_its_ports_clear_of_its_name(launch: Any, qtbot: Any) -> None:
    window = _two_site_dag(launch, qtbot)
    view = window.view
    scene = view.scene()
    witness = scene.item_for("fsw-prd")
    assert witness is not None and not witness.container and not witness.detail
    view.resetTransform()  # 100 %
    view.centerOn(witness)
    QApplication.processEvents()
    box = witness.scene_rect()
    # A click on the box's body (below its name, left of its middle) selects it.
    click = view.mapFromScene(QPointF(box.left() + 40, box.bottom() - 8))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=click)
    qtbot.waitUntil(lambda: window.session.selection == ["fsw-prd"], timeout=3000)
    assert witness.selected and witness.shows_ports()
    ports = witness.ports(view.transform().m11())
    assert set(ports) == {"l", "r", "t", "b"}
    # The name's line: after the icon (7 + 16 + 5 px), 3 px down, as wide as the name.
    r = witness.rect()
    width = QFontMetricsF(scene.theme.font).horizontalAdvance(witness.name)
    name = QRectF(r.left() + 28, r.top() + 3, width, 15)
    half = PORT_PX / 2
    for side, centre in ports.items():
        circle = QRectF(centre.x() - half, centre.y() - half, PORT_PX, PORT_PX)
        assert not circle.intersects(name), (side, circle, name)
        # Still on the box's side, where a line leaves it (a drag from it connects).
        assert witness.port_at(centre, 1.0) == side
    assert ports["t"].y() + half == r.top() + 3 and ports["b"].y() - half == r.bottom() - 3
    assert ports["l"].x() == r.left() and ports["r"].x() == r.right()
    # A press on the top port (on the border, half outside the box) starts a connection.
    top = view.mapFromScene(witness.mapToScene(ports["t"] + QPointF(0, -3)))
    QTest.mouseMove(view.viewport(), top)
    qtbot.waitUntil(
        lambda: view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor, timeout=3000
    )
    SHOTS.mkdir(exist_ok=True)
    around = view.mapFromScene(box).boundingRect().adjusted(-30, -30, 30, 30)
    view.viewport().grab(around).save(str(SHOTS / "witness-selected.png"))


def test_a_click_on_a_wan_links_label_selects_the_link(launch: Any, qtbot: Any) -> None:
    """eyes18 ui #13: a link between two sites that nearly touch is a short stub with its
    label away on a leader; the label, what the user sees of the link, now picks it."""
    window = _two_site_dag(launch, qtbot)
    view = window.view
    scene = view.scene()
    links = [e for e in scene.edges.values() if e.element_id == e.key and e.has_label]
    assert links
    link = links[0]
    label = link.label_scene_rect()
    assert label is not None
    view.resetTransform()
    view.centerOn(label.center())
    QApplication.processEvents()
    window.session.set_selection([])
    # Above the line (the label's upper edge), where only the label is.
    at = QPointF(label.center().x(), label.top() + 2)
    assert not link.shape().contains(link.mapFromScene(at))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(at))
    qtbot.waitUntil(lambda: window.session.selection == [link.element_id], timeout=3000)
    SHOTS.mkdir(exist_ok=True)
    around = view.mapFromScene(label.united(link.sceneBoundingRect())).boundingRect()
    view.viewport().grab(around.adjusted(-20, -20, 20, 20)).save(str(SHOTS / "link-label.png"))
