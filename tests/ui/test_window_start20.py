"""The window's start before its first frame (wave 20, ``open20a``), through the user's
door (``dr-designer gui FILE``, File > Open) with real clicks and keys:

* the Inspector's design form is built once: the window's own start builds it for the
  empty design and the opened design refills it (it was built again, and the first one
  deleted, before every opening's first frame); a form being edited is still rebuilt;
* the design's capacity figures (behind their toggle, closed) are made when first
  opened, with the values of the design shown then, and their fields pass Ctrl+Z on to
  the window as the other fields do;
* the dock tab bars Qt leaves behind are still hidden (the tidy looks at the window's
  direct children only).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QTabBar,
    QToolButton,
)
from test_capacity_window import type_into

from designer.ui.panels.inspector import InspectorPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _inspector(window: Any) -> InspectorPanel:
    dock = window.findChild(QDockWidget, "InspectorDock")
    assert dock is not None
    panel = dock.widget()
    assert isinstance(panel, InspectorPanel)
    return panel


def _variant(tmp_path: Path, sample: str, name: str, peak: float, rpo: float) -> Path:
    """A copy of ``sample`` with another name, a peak factor of its own and an RPO."""
    data = json.loads((SAMPLES / f"{sample}.json").read_text(encoding="utf-8"))
    design = data["design"]
    design["name"] = name
    design["capacity"]["peak_factor"] = peak
    design["intent"]["rpo_target_min"] = rpo
    path = tmp_path / f"{sample}-variant.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _open_by_menu(window: Any, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    window.act_open.trigger()  # File > Open…
    assert window.session.path == path.resolve()


def test_the_design_form_is_built_once_and_refilled_by_each_opening(
    qtbot: Any, launch: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    builds: list[str] = []
    real = InspectorPanel._build_design

    def counted(self: InspectorPanel) -> None:
        builds.append(self.session.design.name)
        real(self)

    monkeypatch.setattr(InspectorPanel, "_build_design", counted)
    first = _variant(tmp_path, "dag_with_ha", "First of two", 4.0, 12.0)
    window = launch(first)
    inspector = _inspector(window)
    body = inspector.scroll_area.widget()
    # Built by the window's start (the empty design), refilled by the opening.
    assert len(builds) == 1
    assert inspector.name_edit.text() == "First of two"
    assert inspector.rpo_spin.value() == 12.0
    assert inspector.header.text() == "First of two"
    # Closed, the capacity figures have no editors yet.
    assert inspector.capacity_editors == {}
    assert inspector.findChild(QDoubleSpinBox, "field_peak_factor") is None
    toggle = inspector.findChild(QToolButton, "capacity_toggle")
    assert toggle is not None and toggle.isVisible()
    QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)
    peak = inspector.findChild(QDoubleSpinBox, "field_peak_factor")
    assert peak is not None and peak.isVisible()
    assert peak.value() == 4.0  # the opened design's, not the empty design's
    assert set(inspector.capacity_editors) >= {"peak_factor", "megacycles_per_vcpu"}

    scroller = inspector.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: scroller.maximum() > 0)  # the figures open: it scrolls
    scroller.setValue(scroller.maximum())
    second = _variant(tmp_path, "three_site_stretched_dag", "Second of two", 6.0, 7.0)
    _open_by_menu(window, second, monkeypatch)
    qtbot.waitUntil(lambda: inspector.name_edit.text() == "Second of two")
    assert inspector.scroll_area.widget() is body  # the same form, refilled
    assert len(builds) == 1
    assert scroller.value() == 0  # shown from its top, as a new form was
    # Its start shown (setText leaves the cursor at the end: the name's tail showed).
    assert inspector.name_edit.cursorPosition() == 0
    assert inspector.rpo_spin.value() == 7.0
    assert inspector.capacity_editors["peak_factor"].editor is peak
    assert peak.value() == 6.0 and peak.isVisible()
    # An edit in the refilled form goes to the design now open.
    type_into(peak, "8")
    assert window.session.design.capacity.peak_factor == 8.0
    assert window.session.design.name == "Second of two"


def test_capacity_figures_made_on_opening_take_the_design_then_shown(
    qtbot: Any, launch: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = launch(_variant(tmp_path, "dag_with_ha", "First", 4.0, 12.0))
    inspector = _inspector(window)
    _open_by_menu(window, _variant(tmp_path, "double_take", "Second", 5.0, 9.0), monkeypatch)
    assert inspector.capacity_editors == {}
    toggle = inspector.findChild(QToolButton, "capacity_toggle")
    assert toggle is not None
    toggle.setFocus()
    QTest.keyClick(toggle, Qt.Key.Key_Space)  # the keyboard opens them too
    peak = inspector.findChild(QDoubleSpinBox, "field_peak_factor")
    assert peak is not None and peak.value() == 5.0
    assert inspector.rpo_spin.value() == 9.0
    # Ctrl+Z in a made-late figure whose value is committed undoes the design's step.
    type_into(peak, "6")
    assert window.session.design.capacity.peak_factor == 6.0
    assert peak.hasFocus()
    QTest.keySequence(peak, QKeySequence(QKeySequence.StandardKey.Undo))
    qtbot.waitUntil(lambda: window.session.design.capacity.peak_factor == 5.0)
    # Closing and opening again keeps the same editors.
    QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not peak.isVisible()
    QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert inspector.findChild(QDoubleSpinBox, "field_peak_factor") is peak


def test_a_design_form_being_edited_is_rebuilt_for_the_design_opened(
    qtbot: Any, launch: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = launch(_variant(tmp_path, "dag_with_ha", "First", 4.0, 12.0))
    inspector = _inspector(window)
    body = inspector.scroll_area.widget()
    name = inspector.name_edit
    name.setFocus()
    QTest.keyClicks(name, " typed")
    assert QApplication.focusWidget() is name
    _open_by_menu(window, _variant(tmp_path, "double_take", "Second", 5.0, 9.0), monkeypatch)
    # The half-typed name must not reach the design just opened: a new form.
    qtbot.waitUntil(lambda: inspector.scroll_area.widget() is not body)
    assert inspector.name_edit is not name
    assert inspector.name_edit.text() == "Second"
    assert window.session.design.name == "Second"


def test_left_behind_dock_tab_bars_are_still_hidden(qtbot: Any, launch: Any) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1600, 1000)
    qtbot.wait(50)
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    bars = [b for b in window.findChildren(QTabBar, options=direct)]
    assert bars
    # Every dock of the window is its direct child (what the tidy looks at).
    assert {d.objectName() for d in window.findChildren(QDockWidget)} == {
        d.objectName() for d in window.findChildren(QDockWidget, options=direct)
    }
    # The live ones stay.
    live = [b for b in bars if b.isVisible()]
    assert live
    window._tidy_tab_bars()
    assert all(b.isVisible() for b in live)
    # A bar left where no dock is (as Qt 6.11 leaves them): hidden.
    stale = live[0]
    stale.move(0, 0)  # under no dock's bottom edge
    window._tidy_tab_bars()
    assert not stale.isVisible()
