"""Issue 13's legibility proof: every bundled sample, opened the user's way
(``dr-designer gui FILE``) in a 1600×1000 window and fitted with View > Fit to Window
(Ctrl+0), draws no text smaller than 8 px and no two labels over each other, and
still names every site and top-level box.

What is drawn is read from the scene's label log (``scene.labels.record``): every text
the canvas paints goes through it, with its rectangle on the screen and its size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.ui.canvas.labels import MIN_TEXT_PX

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_fit_to_window_draws_no_small_and_no_overlapping_text(launch, sample: Path) -> None:
    window = launch(sample)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    scene = window.view.design_scene
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert shown.contains(scene.content_rect()), "Fit to Window shows the whole drawing"
    scene.labels.record = []
    window.view.viewport().repaint()
    drawn = list(scene.labels.record)
    assert drawn, "nothing was named"
    smallest = min(drawn, key=lambda label: label.px)
    assert smallest.px >= MIN_TEXT_PX, f"{smallest.text!r} drawn at {smallest.px:.1f} px"
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            inner = a.rect.adjusted(0.5, 0.5, -0.5, -0.5)
            assert not inner.intersects(b.rect), f"{a.text!r} overlaps {b.text!r}"
    named = {label.owner for label in drawn}
    top = [i for i, node in scene.nodes.items() if scene.box_parent.get(i) is None]
    assert [i for i in top if scene.nodes[i].container and i not in named] == []


def test_a_name_too_long_for_one_line_goes_whole_on_two(launch) -> None:  # type: ignore[no-untyped-def]
    """At Fit to Window (34 %) the alternate witness's box has room for two lines of
    8 px text: its name is drawn whole on them, not cut to 'WOR-…ness'."""
    window = launch(Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json")
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    scene = window.view.design_scene
    scene.labels.record = []
    window.view.viewport().repaint()
    names = {label.owner: label.text for label in scene.labels.record}
    assert "\n" in names["fsw-wor"]
    assert names["fsw-wor"].replace("\n", " ") == "WOR-FS01 alt. witness"
    assert names["casarr-bos"].replace("\n", " ") == scene.nodes["casarr-bos"].name


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_fit_to_window_leaves_no_row_unnamed_and_unsummarised(launch, sample: Path) -> None:
    """Every VM, LUN and database row on screen is named, or what holds it says what it
    holds ("4 VMs"), or, drawn loose at the top level, its column does ("10 DBs" over
    the databases of exchange2007_lcr_ccr_scr and cx4_srm_mirrorview_s)."""
    window = launch(sample)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    view = window.view
    scene = view.design_scene
    scene.labels.record = []
    view.viewport().repaint()
    drawn = list(scene.labels.record)
    named = {label.owner for label in drawn}
    to_device = view.viewportTransform()
    unnamed = []
    for element_id, node in scene.nodes.items():
        if not node.detail or not node.isVisible() or element_id in named:
            continue
        holder = scene.box_parent.get(element_id)
        if holder is not None:
            if holder in scene.labels.summarised and holder in named:
                continue
        else:
            column = next(c for c in scene.loose_columns() if element_id in c)
            over = to_device.mapRect(node.scene_rect())
            counts = [
                label
                for label in drawn
                if label.owner == column[0] and label.text[0].isdigit() and len(column) > 1
            ]
            if element_id in scene.labels.summarised and counts:
                area = to_device.mapRect(
                    scene.nodes[column[0]].scene_rect().united(scene.nodes[column[-1]].scene_rect())
                )
                assert area.contains(over)
                continue
        unnamed.append(element_id)
    assert unnamed == []
