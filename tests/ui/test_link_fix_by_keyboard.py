"""An architect's fix of a link over budget, by keyboard, on the window ``dr-designer gui
SAMPLE`` opens (tests/gui_door.py): the three-site sample's BOS-HFD MPLS link cut to
50 Mbit/s in the Inspector carries the 69.9 Mbit/s of DAG log shipping rerouted over it
when the BOS-WOR dark fibre fails (CAP002 on both links); Ctrl+Z and Ctrl+Shift+Z typed
in the field undo and redo the edit (eyes17: with the field's focus they did nothing),
and the findings badges on the canvas come and go on screen with the findings (eyes17:
the dark fibre, drawn by its load, kept a stale "2" after the undo, and showed none after
the edit until something else repainted it).

What is on screen is read from the window's backing store (``QScreen.grabWindow``):
``QWidget.grab()`` repaints the whole widget and would hide a missing repaint.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDoubleSpinBox
from test_capacity_window import open_tab, type_into

from designer.domain.design import Severity
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.main_window import MainWindow
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.inspector import InspectorPanel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
MPLS, FIBRE = "wan-bos-hfd", "wan-bos-wor"


def _edge(window: MainWindow, link_id: str) -> EdgeItem:
    (edge,) = [e for e in window.view.design_scene.edges.values() if e.element_id == link_id]
    return edge


def _on_screen(window: MainWindow) -> QImage:
    QApplication.processEvents()
    return window.screen().grabWindow(window.winId()).toImage()


def _badge_shown(window: MainWindow, link_id: str) -> bool:
    """Whether the window shows a warning badge at the link's badge point (beside its
    label): a pixel of the warning colour within a few pixels of it (its middle holds
    the white count)."""
    edge = _edge(window, link_id)
    view = window.view
    image = _on_screen(window)
    centre = view.viewport().mapTo(window, view.mapFromScene(edge.badge_centre()))
    ratio = image.devicePixelRatio()
    warning = QColor(edge._theme.severity[Severity.WARNING]).rgb()
    return any(
        image.pixel(int((centre.x() + dx) * ratio), int((centre.y() + dy) * ratio)) == warning
        for dx in range(-7, 8)
        for dy in range(-7, 8)
    )


def cut_the_mpls_link(window: MainWindow) -> QDoubleSpinBox:
    """eyes17's steps: click the BOS-HFD MPLS link on the canvas, type 50 in the
    Inspector's Bandwidth, Enter; the field."""
    view, session = window.view, window.session
    mpls = _edge(window, MPLS)
    on_line = mpls.mapToScene(mpls.path().pointAtPercent(0.35))
    view.centerOn(on_line)
    QApplication.processEvents()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(on_line))
    assert session.selection == [MPLS]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    QApplication.processEvents()
    field = inspector.editors["bandwidth_mbps"].editor
    assert isinstance(field, QDoubleSpinBox)
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "50")
    QTest.keyClick(field, Qt.Key.Key_Return)
    return field


def plan_databases(window: MainWindow, databases: int) -> DatabasesPanel:
    """Databases dock → Plan copies…, the number of databases typed, Apply."""
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    type_into(panel.plan.databases, str(databases))
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    return panel


def _press(widget, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(widget, key, modifiers)
    QApplication.processEvents()


def test_a_link_cut_below_its_rerouted_load_is_undone_and_redone_from_its_field(
    launch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLE)
    session = window.session
    session.wait_for_findings()
    view = window.view
    view.set_zoom(0.6)  # the badge's pixels as at 60 % (the sample opens whole at 34 %)
    view.centerOn(_edge(window, FIBRE).label_anchor())
    assert not _badge_shown(window, FIBRE)
    # Select the MPLS link on the canvas (a click on its line) and type its bandwidth.
    field = cut_the_mpls_link(window)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    link = session.document.get(MPLS)
    assert link is not None and link.bandwidth_mbps == 50.0  # type: ignore[attr-defined]
    session.wait_for_findings()
    QApplication.processEvents()
    cap002 = [f for f in session.findings.active if f.code == "CAP002"]
    assert len(cap002) == 2 and all(set(f.elements) == {MPLS, FIBRE} for f in cap002)
    assert "needs 69.9 Mbit/s from Boston to Hartford after the failure of WAN link BOS-WOR" in (
        " ".join(f.message for f in cap002)
    )
    view.centerOn(_edge(window, FIBRE).label_anchor())
    # Painted without anything else repainting it (the canvas's update() requests are
    # served in later turns: wait for them, not for a fixed number of turns).
    qtbot.waitUntil(lambda: _badge_shown(window, FIBRE))
    # Ctrl+Z typed in the field (its focus kept): the design's undo.
    assert field.hasFocus() or field.lineEdit().hasFocus()
    _press(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    link = session.document.get(MPLS)
    assert link is not None and link.bandwidth_mbps == 1000.0  # type: ignore[attr-defined]
    session.wait_for_findings()
    QApplication.processEvents()
    assert not [f for f in session.findings.active if f.code == "CAP002"]
    qtbot.waitUntil(lambda: not _badge_shown(window, FIBRE))  # no stale badge
    # Ctrl+Shift+Z: redone.
    focused = QApplication.focusWidget()
    assert focused is not None and inspector.isAncestorOf(focused)
    _press(
        focused,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    link = session.document.get(MPLS)
    assert link is not None and link.bandwidth_mbps == 50.0  # type: ignore[attr-defined]
    session.wait_for_findings()
    qtbot.waitUntil(lambda: _badge_shown(window, FIBRE))  # eyes24: read one turn early
    # Nothing selected: the Inspector counts the design's findings in words.
    session.set_selection([])
    QApplication.processEvents()
    assert inspector.findings_label.isVisible()
    assert "2 warnings" in inspector.findings_label.text()


def test_a_field_with_typing_of_its_own_keeps_ctrl_z(launch) -> None:  # type: ignore[no-untyped-def]
    # While the field holds typing not yet committed, Ctrl+Z is the field's: the text
    # comes back, the design is untouched.
    window = launch(SAMPLE)
    session = window.session
    session.set_selection([MPLS])
    QApplication.processEvents()
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    field = inspector.editors["name"].editor
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_End)
    QTest.keyClicks(field, " X")
    assert field.text() == "BOS-HFD MPLS (carrier 1) X"
    steps = session.undo_stack.count()
    _press(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.text() != "BOS-HFD MPLS (carrier 1) X"
    assert session.undo_stack.count() == steps
    link = session.document.get(MPLS)
    assert link is not None and link.name == "BOS-HFD MPLS (carrier 1)"


def test_the_design_header_counts_the_databases_plan_copies_adds(launch) -> None:  # type: ignore[no-untyped-def]
    # eyes17: with nothing selected the Inspector said "design · 52 elements" after Plan
    # copies had added two databases to the two-site template (54).
    window = launch(SAMPLE)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and not window.session.selection
    assert inspector.header_detail.text() == "design · 112 elements"
    plan_databases(window, 6)
    # Two databases, and (wave 21) a database and a log disk for each of their 8 copies.
    assert len(window.session.design.elements) == 130
    assert inspector.header_detail.text() == "design · 130 elements"
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert inspector.header_detail.text() == "design · 112 elements"
