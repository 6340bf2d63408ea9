"""Wave 24's window leftovers (``ui24``), each through the user's door (``dr-designer gui
FILE`` or ``dr-designer report``) and real widgets:

1. the three-site sample opens whole in the default window (Hartford was off to the right);
2. the Capacity dock's worst-mode column keeps host names whole ("esx-" / "wor-02");
3. the Availability tab, raised, shows its targets' rows (three showed);
4. the scenario bar's clock and mailbox count stand apart at 1,400 px;
5. the Results dock's title counts the databases affected (no row height taken);
6. the review PDF's diagram draws names whole where a smaller print still reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui_door import console_main
from pypdf import PdfReader
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar, QToolButton
from test_capacity_window import capacity_panel

from designer.ui.availability.panel import AvailabilityPanel
from designer.ui.canvas.presentation import HEADER
from designer.ui.canvas.view import DETAIL_SCALE
from designer.ui.simulation.results_table import COLUMNS

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
THREE_SITES = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/ui24-shots")


def _shot(window: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    window.grab().save(str(SHOTS / f"{name}.png"))


def _click_header(window: Any, element_id: str) -> None:
    """A plain click in a box's title bar on the canvas."""
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None, element_id
    point = view.mapFromScene(QPointF(rect.left() + 60, rect.top() + HEADER / 2))
    assert view.viewport().rect().contains(point), point
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _simulate(window: Any, qtbot: Any) -> Any:
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    assert controller.active
    qtbot.waitUntil(lambda: controller.ready, timeout=10_000)
    return controller


# -- 1. the first view of a small design shows all of it ------------------------------------
def test_the_three_site_sample_opens_whole_in_the_default_window(launch: Any, qtbot: Any) -> None:
    """``dr-designer gui three_site_stretched_dag.json``: the whole drawing fits at 34 %,
    its VMs still drawn one by one; the first view took it at 60 % from its top-left
    corner and left Hartford and the DAG off to the right."""
    window = launch(THREE_SITES)
    assert (window.width(), window.height()) == (1600, 1000)  # the default window
    view = window.view
    qtbot.wait(50)  # (the window settles round its first view)
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    scene = view.design_scene
    for element_id in ("site-bos", "site-wor", "site-hfd"):
        site = scene.rect_of(element_id)
        assert site is not None and shown.contains(site), (element_id, shown, site)
    assert shown.contains(view.drawing_rect()), (shown, view.drawing_rect())
    assert view.scale_factor >= DETAIL_SCALE
    (vm,) = [e for e in window.session.design.elements if e.name == "HFD-FS01" and e.kind == "vm"]
    assert scene.nodes[vm.id].isVisible()  # Hartford's VMs drawn one by one
    _shot(window, "three-site-opened")


# -- 2. the worst mode's names stay whole -----------------------------------------------
def _lines(text: str, table: Any, width: int) -> list[str]:
    """``text`` as the table's cells wrap it (the default delegate: at word boundaries)
    in ``width`` pixels."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout = QTextLayout(text, table.font())
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_the_capacity_worst_mode_column_keeps_host_names_whole(launch: Any, qtbot: Any) -> None:
    """The Capacity dock's servers: "loss of site Worcester and failure of ESXi host
    esx-bos-02" wrapped after "esx-"; its lines now break between words only."""
    window = launch(THREE_SITES)
    panel = capacity_panel(window)
    table = panel.table
    qtbot.waitUntil(lambda: table.rowCount() == 4, timeout=10_000)
    column = 4
    width = table.columnWidth(column) - 8  # the cell's text margins
    wrapped = 0
    for row in range(table.rowCount()):
        text = table.item(row, column).text()
        assert "ESXi host esx" in text.replace("\u2011", "-"), text
        lines = _lines(text, table, width)
        wrapped += len(lines) > 1
        for line in lines[:-1]:
            assert line.endswith(" "), (row, lines)  # broken between words
    assert wrapped, "the column is narrow enough to wrap (the case to check)"
    _shot(window, "capacity-worst-mode")


# -- 3. the Availability tab's rows -------------------------------------------------------
def test_the_availability_tab_shows_its_targets_rows(launch: Any, qtbot: Any) -> None:
    """The Availability tab raised, then Compute: the four databases and the two sites'
    users in six rows, every one in sight (the tab's first height showed three)."""
    window = launch(THREE_SITES)
    bars = [b for b in window.findChildren(QTabBar) if b.isVisible()]
    (bar, index) = next(
        (b, i) for b in bars for i in range(b.count()) if b.tabText(i) == "Availability"
    )
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    dock = window.findChild(QDockWidget, "AvailabilityDock")
    qtbot.waitUntil(lambda: isinstance(dock.widget(), AvailabilityPanel), timeout=5000)
    panel = dock.widget()
    QTest.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    table = panel.table
    qtbot.waitUntil(lambda: table.rowCount() == 6, timeout=20_000)
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() == 0, timeout=3000)
    viewport = table.viewport().rect()
    for row in range(table.rowCount()):
        cell = table.visualRect(table.model().index(row, 0))
        assert viewport.contains(cell), (row, cell, viewport)
    assert window.view.height() >= 300, window.view.height()  # the canvas keeps its room
    _shot(window, "availability-rows")


# -- 4. the scenario bar's clock and count ------------------------------------------------
def test_the_scenario_bars_clock_and_count_stand_apart_at_1400(launch: Any, qtbot: Any) -> None:
    """At 1,400 px, Boston failed and the playhead at the end: "T+22:53:17 8,000 / 8,000
    mailboxes" ran together against Clear (2 px between each). Each now has room."""
    window = launch(THREE_SITES)
    window.resize(1400, 900)
    qtbot.wait(50)
    controller = _simulate(window, qtbot)
    _click_header(window, "site-bos")
    qtbot.waitUntil(lambda: bool(controller.steps), timeout=3000)
    bar = window.simulation.bar
    QTest.keyClick(bar.slider, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: bar.slider.value() == bar.slider.maximum(), timeout=3000)
    clear = next(b for b in bar.findChildren(QToolButton) if b.text() == "Clear")
    clock, count = bar.clock, bar.mailboxes
    QApplication.processEvents()

    def text_span(label: Any) -> tuple[int, int]:
        left = label.x() + label.contentsMargins().left()
        return left, left + label.fontMetrics().horizontalAdvance(label.text())

    assert count.text() == "8,000 / 8,000 mailboxes", count.text()
    assert text_span(count)[0] - text_span(clock)[1] >= 10, (clock.geometry(), count.geometry())
    assert clear.x() - text_span(count)[1] >= 6, (count.geometry(), clear.geometry())
    assert count.width() >= text_span(count)[1] - count.x()  # whole
    # The count keeps its width as it falls and rises (the slider and buttons stay put).
    width = count.width()
    QTest.keyClick(bar.slider, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: bar.slider.value() == 0, timeout=3000)
    assert count.width() == width
    _shot(window, "scenario-bar-1400")


# -- 5. the Results' affected count ---------------------------------------------------------
def test_the_results_dock_title_counts_the_databases_affected(launch: Any, qtbot: Any) -> None:
    """Simulation mode: the Results dock's title says how many databases the scenario
    affects at the cursor, as many as the rows whose Why reads other than "not
    affected"; the table keeps all its height (a line over it squeezed the rows)."""
    window = launch(THREE_SITES)
    controller = _simulate(window, qtbot)
    dock = window.findChild(QDockWidget, "ResultsDock")
    table = window.simulation.results.table
    qtbot.waitUntil(lambda: table.rowCount() == 4, timeout=5000)
    assert dock.windowTitle() == "Results — 0 of 4 databases affected"
    top = table.mapTo(dock, table.rect().topLeft()).y()
    _click_header(window, "site-bos")
    qtbot.waitUntil(lambda: bool(controller.steps), timeout=3000)
    qtbot.waitUntil(lambda: "2 of 4" in dock.windowTitle(), timeout=5000)
    assert dock.windowTitle() == "Results — 2 of 4 databases affected"
    why = COLUMNS.index("Why")
    qtbot.waitUntil(
        lambda: sum(table.item(r, why).text() != "not affected" for r in range(4)) == 2,
        timeout=5000,
    )
    assert table.mapTo(dock, table.rect().topLeft()).y() == top  # nothing over the table
    _shot(window, "results-title-affected")
    clear = next(b for b in window.simulation.bar.findChildren(QToolButton) if b.text() == "Clear")
    QTest.mouseClick(clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.windowTitle() == "Results — 0 of 4 databases affected")


# -- 6. the review PDF's diagram --------------------------------------------------------------
def test_the_review_pdfs_diagram_draws_names_whole_in_a_smaller_print(tmp_path: Path) -> None:
    """``dr-designer report three_site_stretched_dag.json -o review.pdf``: the diagram's
    page read "WOR…X01", "…MBX02", "WOR-…E-LB": the names were grown to the screen's
    8 px and then cut, on a page read at print size. Drawn a little smaller (never under
    5 pt), they are whole."""
    out = tmp_path / "review.pdf"
    assert console_main()(["report", str(THREE_SITES), "-o", str(out)]) == 0
    pages = [page.extract_text() or "" for page in PdfReader(out).pages]
    (diagram,) = [p for p in pages if p.lstrip().startswith("Diagram")]
    lines = [line.strip() for line in diagram.splitlines()]
    for whole in ("WOR-MBX01", "WOR-MBX02", "WOR-CAS01", "WOR-CAS02", "WOR-EDGE-LB"):
        assert whole in lines, (whole, lines)
    assert "BOS\tCAS" in lines and "array" in lines  # wrapped whole as before, not shrunk
