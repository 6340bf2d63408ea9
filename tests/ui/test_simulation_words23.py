"""Simulation mode's words for what a reviewer sees (eyesq23, wave 23): a WAN link
failed whose copies' logs go round it said "1 event", every database "not affected",
nothing of where the traffic went; with the N-1 overlay on, the timeline still asked
for a click as if the canvas showed nothing. ``dr-designer gui FILE``, F5, a real click
on the link's line on the canvas; *Show N-1 overlay* clicked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import point_on, simulate

from designer.ui.simulation.timeline import CLICK_CAPTION, N1_CAPTION

ROOT = Path(__file__).resolve().parents[2]
THREE_SITE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/resq23-shots"))


def test_a_failed_link_says_where_its_log_shipping_goes(qtbot: Any, launch: Any) -> None:
    window = launch(THREE_SITE)
    window.resize(1280, 800)
    simulate(window, qtbot)
    controller = window.simulation.controller
    QTest.mouseClick(
        window.view.viewport(), Qt.MouseButton.LeftButton, pos=point_on(window, "wan-bos-wor")
    )
    assert "wan-bos-wor" in controller.state().failed
    controller.wait_until_ready()
    timeline = window.simulation.timeline
    qtbot.waitUntil(lambda: timeline.caption.text().startswith("2 events"))
    texts = [e.text for e in timeline._events]
    assert (
        "log shipping between Boston and Worcester (8 database copies) goes round WAN link "
        "BOS-WOR dark fiber by Hartford, over WAN links BOS-HFD MPLS (carrier 1) and "
        "WOR-HFD MPLS (carrier 2)"
    ) in texts
    controller.pause()
    qtbot.waitUntil(lambda: len(timeline.scatter.data) == 2)
    window.view.viewport().repaint()  # the plots come after the canvas's paint
    qtbot.waitUntil(lambda: timeline.graphics.isVisible())
    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "link-rerouted.png"))


def test_the_timeline_says_what_the_n1_overlay_shows(qtbot: Any, launch: Any) -> None:
    window = launch(THREE_SITE)
    window.resize(1280, 800)
    simulate(window, qtbot)
    timeline = window.simulation.timeline
    assert timeline.caption.text() == CLICK_CAPTION
    spof, tabs = window.simulation.spof, window.simulation.tabs
    QTest.mouseClick(
        tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center()
    )
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert timeline.caption.text() == N1_CAPTION
    qtbot.waitUntil(lambda: not spof.running, timeout=30000)
    QApplication.processEvents()
    assert timeline.caption.text() == N1_CAPTION
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "n1-caption.png"))
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert timeline.caption.text() == CLICK_CAPTION
