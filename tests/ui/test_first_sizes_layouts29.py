"""Less before a design's first frame (wave 29, ``open29``): the docks' first sizes lay
the window out three times, not five; the Plan copies preview is made when first asked for.

A big design's opening sets the docks' first sizes in the window's first show, before
its first frame: each ``layout.activate()`` after a ``resizeDocks`` lays out the whole
window again (~6 M instructions at 100k). The widths of the Palette and the Inspector
are set without reading anything, so no layout is needed between them; the Problems
dock, tabbed with Databases, Capacity and Availability, is given its tab bar's height at
once instead of being measured short and resized again (window27's fix of its rows).

Through the door: ``dr-designer gui FILE`` of a generated design; the layouts the first
sizes redo are counted (``QLayout.activate`` answering that it laid out), and the docks'
sizes are those the first sizes ask for (the Problems dock's rows whole)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDockWidget, QLayout, QMainWindow

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import window_layout as window_layout_module


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The layouts redone and the docks resized while the first sizes are set."""
    counts = {"layouts": 0, "resizes": 0, "runs": 0}
    inside: list[bool] = []
    activate = QLayout.activate
    resize_docks = QMainWindow.resizeDocks

    def counted_activate(layout: QLayout) -> bool:
        redone = activate(layout)
        if inside and redone:
            counts["layouts"] += 1
        return redone

    def counted_resize(window: QMainWindow, *args: Any) -> None:
        if inside:
            counts["resizes"] += 1
        resize_docks(window, *args)

    real = window_layout_module.WindowLayout._set_first_sizes

    def set_first_sizes(memory: Any) -> None:
        inside.append(True)
        counts["runs"] += 1
        try:
            real(memory)
        finally:
            inside.pop()

    monkeypatch.setattr(QLayout, "activate", counted_activate)
    monkeypatch.setattr(QMainWindow, "resizeDocks", counted_resize)
    monkeypatch.setattr(window_layout_module.WindowLayout, "_set_first_sizes", set_first_sizes)
    return counts


def test_the_docks_first_sizes_lay_the_window_out_twice_before_the_loops_own(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "estate.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    counts = _counting(monkeypatch)
    window = launch(path)
    assert counts["runs"] == 1
    # Before: a layout before each dock's size and one after the Problems dock's (measured
    # one tab bar short, then resized again): 5 layouts and 5 resizes.
    assert counts["layouts"] == 2, counts
    assert counts["resizes"] == 4, counts
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    qtbot.waitUntil(lambda: docks["PaletteDock"].width() == 210, timeout=5000)
    assert docks["InspectorDock"].width() == 310
    assert docks["OverviewDock"].height() == 180
    wanted = {d.objectName(): s for d, s, _o in window.layout_memory.first_sizes}
    assert docks["ProblemsDock"].height() == wanted["ProblemsDock"]  # its rows whole


def test_view_reset_layout_gives_the_same_first_sizes(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "estate.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    window = launch(path)
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    wanted = {d.objectName(): s for d, s, _o in window.layout_memory.first_sizes}
    window.resize(1500, 950)
    qtbot.waitUntil(lambda: window.width() == 1500, timeout=5000)
    counts = _counting(monkeypatch)
    window.act_reset_layout.trigger()  # View > Reset Layout
    qtbot.waitUntil(lambda: counts["runs"] == 1, timeout=5000)
    qtbot.waitUntil(lambda: docks["ProblemsDock"].height() == wanted["ProblemsDock"], timeout=5000)
    assert docks["PaletteDock"].width() == 210
    assert docks["InspectorDock"].width() == 310
    assert docks["OverviewDock"].height() == 180
    assert counts["layouts"] == 2, counts


def test_the_plan_copies_preview_is_made_when_first_asked_for(
    qtbot, launch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # Wave 29: the Databases panel's preview (spin boxes, a table, buttons: ~4 M
    # instructions of a big design's opening before its first frame, behind a tab)
    # is made by Plan copies…, not with the window.
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from test_capacity_window import SAMPLES, open_tab

    from designer.ui.panels.databases import DatabasesPanel
    from designer.ui.panels.plan_copies import PlanCopiesPreview

    window = launch(SAMPLES / "three_site_stretched_dag.json")
    assert window.findChildren(PlanCopiesPreview) == []  # made by no one yet
    window.session.wait_for_findings()
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    assert window.findChildren(PlanCopiesPreview) == []  # the tab shown: still not
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    (made,) = window.findChildren(PlanCopiesPreview)
    assert made.isVisible() and not panel.table.isVisible()
    assert made.table.rowCount() > 0
    assert made.boxes is window.view.design_scene  # new databases take free rows there
    # The focus goes on to its first field, and Tab runs through its fields, as when it
    # was made with the panel (its widgets came before the table's in the Tab chain).
    qtbot.waitUntil(lambda: QApplication.focusWidget() is made.databases, timeout=5000)
    chain, widget = [], made.databases
    while widget is not panel.table and len(chain) < 200:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    spins = list(made.site_spins.values())
    assert [
        w for w in chain if w.parent() is not None and w.objectName() != "qt_spinbox_lineedit"
    ] == [
        made.databases,
        *spins,
        made.lagged,
        made.lag_days,
        made.table,
        made.apply_button,
        made.cancel_button,
    ]
    QTest.mouseClick(made.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.table.isVisible() and not made.isVisible()
