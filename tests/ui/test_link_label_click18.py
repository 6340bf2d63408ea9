"""Wave 18 (uid18): a small box's connection ports, shown while it is selected, sat
over its name (eyes18 ui #18: a selected file share witness read "BOS-FS(" with the
port circles on the "W"). Through the real window: ``dr-designer gui``, File > New's
Two-site DAG, a real click on the witness at 100 %."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_eyes_leftovers18 import _two_site_dag

SHOTS = Path("/tmp/uid18-shots")


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
