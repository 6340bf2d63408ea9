"""The Availability panel, the cut-set highlight and the N-1/N-2 panel's cut sets,
driven like a user: the window opened as ``dr-designer gui FILE`` (tests/gui_door.py),
clicks on the canvas and the panel's buttons, keys in its fields."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from designer.domain import KindFigures, ReliabilitySettings
from designer.persistence import load, save
from designer.ui.availability.highlight import order_color
from designer.ui.availability.panel import FiguresDialog
from designer.ui.main_window import MainWindow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
FIGURES = ReliabilitySettings(
    kinds={
        "site": KindFigures(mtbf_h=20_000.0, mttr_h=48.0, source="test figures"),
        "wan_link": KindFigures(mtbf_h=4_000.0, mttr_h=8.0),
        "esxi_host": KindFigures(mtbf_h=10_000.0, mttr_h=8.0),
        "storage_array": KindFigures(mtbf_h=20_000.0, mttr_h=12.0),
        "storage_processor": KindFigures(mtbf_h=10_000.0, mttr_h=6.0),
        "load_balancer": KindFigures(mtbf_h=8_000.0, mttr_h=4.0),
        "file_share_witness": KindFigures(mtbf_h=5_000.0, mttr_h=8.0),
    }
)


def _with_figures(tmp_path: Path) -> Path:
    path = tmp_path / "three-site.json"
    save(
        load(SAMPLES / "three_site_stretched_dag.json").model_copy(update={"reliability": FIGURES}),
        path,
    )
    return path


def _click_element(window: MainWindow, element_id: str, *, header: bool = False) -> None:
    """Click an element's box: its middle, or (a container) its header."""
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None, element_id
    view.ensureVisible(rect, 10, 10)
    if header:
        point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    else:
        point = view.mapFromScene(rect.center())
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )


def _view_availability(window: MainWindow) -> None:
    """View > Availability, as the menu bar offers it."""
    view = next(a for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    menu = view.menu()
    menu.aboutToShow.emit()  # type: ignore[union-attr]
    action = next(a for a in menu.actions() if a.text() == "Availability")  # type: ignore[union-attr]
    action.trigger()
    QApplication.processEvents()


def _in_front(window: MainWindow) -> bool:
    dock = window.availability.dock
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def _type_into(spin, text: str) -> None:  # type: ignore[no-untyped-def]
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(spin, text)
    QTest.keyClick(spin, Qt.Key.Key_Tab)


def test_selecting_a_database_highlights_its_cut_sets(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """The issue's example on the three-site sample (2+2 DAG, witness in Hartford):
    clicking DB01 on the canvas lists its cut sets and outlines them; no site alone."""
    window: MainWindow = launch(SAMPLES / "three_site_stretched_dag.json")
    feature = window.availability
    _click_element(window, "db-db01")
    assert window.session.selection == ["db-db01"]
    qtbot.waitUntil(lambda: feature.model.current and not feature.model.running, timeout=60_000)
    panel = feature.panel
    assert panel.cut_tree.isColumnHidden(2)  # no failure figures: no share of downtime
    target = panel.selected_target()
    assert target is not None and target.id == "db-db01"
    sets = {frozenset(c.elements) for c in target.cut_sets}
    assert frozenset({"site-bos", "site-hfd"}) in sets
    assert frozenset({"wan-bos-wor", "site-hfd"}) in sets
    assert not any(len(c) == 1 and next(iter(c)).startswith("site-") for c in sets)
    # listed in the panel, ranked by order
    texts = [
        panel.cut_tree.topLevelItem(i).text(0) for i in range(panel.cut_tree.topLevelItemCount())
    ]
    assert any(t.startswith("2  ") and "Boston" in t and "Hartford" in t for t in texts)
    assert [int(t.split()[0]) for t in texts] == sorted(int(t.split()[0]) for t in texts)
    # outlined on the canvas, in the colour of order 2
    highlight = feature.highlight
    assert highlight.orders["site-hfd"] == 2 and highlight.orders["site-bos"] == 2
    assert "site-bos" in highlight.orders and highlight.isVisible()
    view = window.view
    rect = view.design_scene.rect_of("arr-hfd-1")
    assert rect is not None
    view.ensureVisible(rect, 40, 40)
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    corner = view.mapFromScene(rect.topLeft())
    amber = order_color(2)
    found = [
        QColor(image.pixel(corner.x() + dx, corner.y() + dy))
        for dx in range(-6, 3)
        for dy in range(6, 30, 4)
        if 0 <= corner.x() + dx < image.width() and 0 <= corner.y() + dy < image.height()
    ]
    assert any(
        abs(c.red() - amber.red()) < 40 and abs(c.green() - amber.green()) < 40 and c.blue() < 80
        for c in found
    ), "no order-2 outline beside the Hartford array"
    # selecting something else clears it
    _click_element(window, "site-bos", header=True)
    qtbot.waitUntil(
        lambda: panel.selected_target() is not None and panel.selected_target().kind == "site"
    )
    assert window.session.selection == ["site-bos"]
    assert frozenset({"site-bos", "site-hfd"}) in {
        frozenset(c.elements)
        for c in panel.selected_target().cut_sets  # type: ignore[union-attr]
    }
    _click_element(window, "esx-bos-01", header=True)
    assert window.session.selection == ["esx-bos-01"]
    assert highlight.orders == {}


def test_compute_availability_fills_the_table_and_the_chart(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(_with_figures(tmp_path))
    feature = window.availability
    # behind the Databases tab at first: View > Availability brings it to the front
    assert not _in_front(window)
    _view_availability(window)
    assert _in_front(window) and feature.view_action.isChecked()
    _view_availability(window)  # in front: the menu entry hides it
    assert feature.dock.isHidden() and not feature.view_action.isChecked()
    _view_availability(window)
    assert _in_front(window) and feature.view_action.isChecked()
    panel = feature.panel
    _type_into(panel.years, "300")
    assert panel.years.value() == 300
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert feature.model.running and not panel.compute_button.isEnabled()
    qtbot.waitUntil(lambda: not feature.model.running, timeout=120_000)
    report = feature.model.report
    assert report is not None and report.monte_carlo is not None and report.monte_carlo.years == 300
    assert panel.table.rowCount() == len(report.databases) + len(report.sites)
    row = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert row[0] == "DB01" and row[2].startswith("99.99") and row[2].endswith("%")
    assert "[" in row[5] and "]" in row[5]
    assert (
        "user-supplied" in panel.figures_label.text()
        and "test figures" in panel.figures_label.text()
    )
    assert "CAS arrays (2)" in panel.figures_label.text()
    assert "300 years of Monte Carlo" in panel.status.text()
    # the chart: one bar per important element, the largest first
    assert panel.bars is not None and panel.chart_rows
    shares = [r.fussell_vesely for r in panel.chart_rows]
    assert shares == sorted(shares, reverse=True)
    # a row picked in the table: its cut sets, its chart, its database selected
    panel.table.selectRow(2)
    qtbot.mouseClick(
        panel.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.table.visualItemRect(panel.table.item(2, 0)).center(),
    )
    assert window.session.selection == ["db-db03"]
    assert panel.chart_title.text() == "Importance for DB03"
    # each cut set's share of DB03's downtime: sum over its cut sets = 100 %
    tree = panel.cut_tree
    assert not tree.isColumnHidden(2) and tree.headerItem().text(2) == "Downtime"
    rows = range(tree.topLevelItemCount())
    shares = [float(tree.topLevelItem(i).text(2).rstrip(" %")) for i in rows]
    assert abs(sum(shares) - 100.0) < 0.1 * len(shares) and max(shares) > 0
    # an edit makes the results stale
    window.view.setFocus()
    _click_element(window, "db-db03")
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert window.session.document.get("db-db03") is None
    assert not feature.model.current and panel.table.rowCount() == 0


def test_cancel_stops_the_monte_carlo(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(_with_figures(tmp_path))
    feature = window.availability
    feature.show()
    panel = feature.panel
    _type_into(panel.order, "1")  # the cut sets quickly, then the long Monte Carlo
    _type_into(panel.years, "5000000")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F9)  # Compute's shortcut
    assert feature.model.running
    qtbot.waitUntil(lambda: panel.phase.text().startswith("Monte Carlo"), timeout=60_000)
    assert panel.progress.isVisible()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.phase.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not feature.model.running, timeout=120_000)
    assert panel.status.text() == "Cancelled"
    assert feature.model.report is None and panel.compute_button.isEnabled()
    assert not panel.progress.isVisible()


def test_a_quit_the_user_cancels_leaves_the_run_going(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path, monkeypatch
) -> None:
    """File > Quit with unsaved changes, "Save the changes?" answered Cancel: the window
    stays, and so does its availability run (a close's event filter cancelled it before
    the window had asked, so a quit the user took back lost the run)."""
    window: MainWindow = launch(_with_figures(tmp_path))
    feature = window.availability
    feature.show()
    panel = feature.panel
    _type_into(panel.order, "1")  # the cut sets quickly, then the long Monte Carlo
    _type_into(panel.years, "5000000")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    _click_element(window, "esx-hfd-01", header=True)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)  # an edit: unsaved changes
    assert window.session.dirty
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F9)  # Compute's shortcut
    qtbot.waitUntil(lambda: panel.phase.text().startswith("Monte Carlo"), timeout=60_000)
    asked: list[str] = []

    def cancel(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(cancel))
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Save the changes to three-site.json?"]
    assert window.isVisible() and feature.model.running
    assert panel.status.text() != "Cancelled"
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)  # done with it
    qtbot.waitUntil(lambda: not feature.model.running, timeout=120_000)


def test_failure_figures_are_one_undoable_step(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(SAMPLES / "dag_with_ha.json")
    feature = window.availability
    feature.show()
    panel = feature.panel
    assert "No failure figures yet" in panel.figures_label.text()
    qtbot.mouseClick(panel.figures_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(FiguresDialog)
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "ESXi host")
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    for column, text in ((1, "43830"), (2, "8"), (3, "ops history")):
        rect = table.visualItemRect(table.item(row, column))
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.keyClick(table.viewport(), Qt.Key.Key_F2)  # edit the current cell
        editor = QApplication.focusWidget()
        assert editor is not None and editor is not table, editor
        QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(editor, text)
        QTest.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits, queued
        qtbot.waitUntil(lambda column=column, text=text: table.item(row, column).text() == text)
        assert dialog.isVisible(), "Enter in a cell must not close the dialog"
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    figures = window.session.design.reliability.kinds
    assert figures["esxi_host"] == KindFigures(mtbf_h=43830.0, mttr_h=8.0, source="ops history")
    assert "user-supplied for ESXi hosts (ops history)" in panel.figures_label.text()
    assert window.session.undo_stack.undoText() == "Change failure figures"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.design.reliability.kinds == {}
    assert "No failure figures yet" in panel.figures_label.text()


def test_bad_figures_are_refused_at_the_cell(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(SAMPLES / "dag_with_ha.json")
    panel = window.availability.panel
    dialog = panel.edit_figures()
    table = dialog.table
    table.item(0, 1).setText("often")
    table.item(0, 2).setText("2")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "site: MTBF and MTTR are hours" in dialog.error.text()
    assert window.session.design.reliability.kinds == {}


def test_n1_panel_lists_the_minimal_cut_sets(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(SAMPLES / "three_site_stretched_dag.json")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    spof = window.simulation.spof
    tab_bar = window.simulation.tabs.tabBar()  # Results | Single points of failure
    QTest.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(1).center())
    assert spof.isVisible()
    qtbot.mouseClick(spof.cut_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: spof.cut_table.rowCount() > 0, timeout=60_000)
    rows = [spof.cut_table.item(r, 0).text() for r in range(spof.cut_table.rowCount())]
    assert "minimal cut sets up to order 2 (0 single points of failure)" in spof.cut_summary.text()
    assert any(r.startswith("2  ") and "Boston" in r and "Hartford" in r for r in rows)
    assert all(r.startswith("2  ") for r in rows)
    mailboxes = [int(spof.cut_table.item(r, 1).text().replace(",", "")) for r in range(len(rows))]
    assert mailboxes == sorted(mailboxes, reverse=True)


def test_closing_the_window_with_the_dock_shown_is_quiet(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """When the window goes, the highlight (on the scene) can go before the dock says it
    is hidden: that must not raise."""
    window: MainWindow = launch(SAMPLES / "dag_with_ha.json")
    _view_availability(window)
    assert _in_front(window)
    highlight = window.availability.highlight
    shiboken6.delete(highlight)  # as the scene's destruction does
    assert not shiboken6.isValid(highlight)
    window.availability.dock.hide()  # visibilityChanged after the highlight went
    qtbot.wait(10)
    assert not window.availability.view_action.isChecked()


def test_an_elements_own_figures_are_typed_in_the_inspector(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Click a host, type its own MTBF (hours) in the Inspector: one undo step, and the
    panel then counts that host with its own figure, the rest with their kind's."""
    from designer.ui.panels.inspector import InspectorPanel

    window: MainWindow = launch(_with_figures(tmp_path))
    _click_element(window, "esx-hfd-01", header=True)
    assert window.session.selection == ["esx-hfd-01"]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    mtbf = inspector.editors["mtbf_h"].editor
    buddies = {label.buddy(): label.text() for label in inspector.findChildren(QLabel)}
    assert buddies[mtbf] == "MTBF:" and buddies[inspector.editors["mttr_h"].editor] == "MTTR:"
    assert mtbf.specialValueText() == "(none)" and mtbf.suffix().strip() == "h"
    mtbf.setFocus()
    QTest.keyClick(mtbf, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(mtbf, "2000")
    QTest.keyClick(mtbf, Qt.Key.Key_Return)
    host = window.session.document.get("esx-hfd-01")
    assert host is not None and host.mtbf_h == 2000.0 and host.mttr_h is None  # type: ignore[attr-defined]
    assert window.session.undo_stack.undoText() == "Set MTBF of esx-hfd-01"
    feature = window.availability
    _view_availability(window)
    _type_into(feature.panel.years, "0")  # no Monte Carlo: the cut sets carry the figures
    qtbot.mouseClick(feature.panel.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not feature.model.running, timeout=120_000)
    report = feature.model.report
    assert report is not None
    own = report.figures.figures["esx-hfd-01"]
    assert (own.mtbf_h, own.mttr_h, own.origin) == (2000.0, 8.0, "user-supplied (element)")
