"""A host pasted over its cluster takes a free place there, as a dropped box does
(eyes28's walk, item 7: Ctrl+C on esx01001, Ctrl+V with the pointer over the cluster's
hosts, and the new host sat over esx01003 and esx01005, its VMs' names hidden).

Through ``dr-designer gui FILE`` on the bundled HA sample: a click on host esx-den-01's
title, Ctrl+C, Ctrl+V with the pointer still there: the new host is in the same
cluster and covers none of the boxes already in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generated import click_title
from generated import settled as _settled
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor
from PySide6.QtTest import QTest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json"


def test_a_host_pasted_over_its_cluster_takes_a_free_place_there(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    session, view = window.session, window.view
    scene = view.design_scene
    host = next(e for e in session.design.elements if e.kind == "esxi_host")
    cluster = host.cluster
    siblings = [
        e.id for e in session.design.elements if e.kind == "esxi_host" and e.cluster == cluster
    ]
    assert len(siblings) >= 2
    click_title(window, host.id)
    viewport = view.viewport()
    rect = scene.nodes[host.id].scene_rect()
    over = view.mapFromScene(QPointF(rect.left() + 12, rect.top() + 6))
    QCursor.setPos(viewport.mapToGlobal(over))  # the pointer stays on the copied host
    QTest.keyClick(viewport, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    before = {e.id for e in session.design.elements}
    QTest.keyClick(viewport, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy and len(session.design.elements) > len(before))
    pasted = [e for e in session.design.elements if e.id not in before and e.kind == "esxi_host"]
    assert len(pasted) == 1
    new = pasted[0]
    assert new.cluster == cluster  # pasted into the cluster under the pointer
    new_rect = scene.nodes[new.id].scene_rect()
    covered = [s for s in siblings if scene.nodes[s].scene_rect().intersects(new_rect)]
    assert not covered, (new_rect, {s: scene.nodes[s].scene_rect() for s in covered})
    # Its VMs sit in it, not over one another.
    vms = [e.id for e in session.design.elements if e.kind == "vm" and e.host == new.id]
    assert vms
    rects = [scene.nodes[v].scene_rect() for v in vms]
    assert all(new_rect.contains(r) for r in rects)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
