"""The window's panels sized to their content (issue 13), opened the user's way
(``dr-designer gui FILE``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from designer.ui.panels import DatabasesPanel

SAMPLES = Path(__file__).parents[2] / "sample_designs"


def test_the_databases_panel_shows_its_dags_databases_whole(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    dock = next(d for d in window.docks if d.objectName() == "DatabasesDock")
    panel = dock.widget()
    assert isinstance(panel, DatabasesPanel)
    dock.raise_()
    QApplication.processEvents()
    QApplication.processEvents()
    table = panel.table
    rows = table.rowCount()
    assert rows == 4
    needed = rows * table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() >= needed, (table.viewport().height(), needed)


def test_the_explain_pane_is_readable_in_the_bottom_dock(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: Explain showed two lines under the findings in the short bottom dock;
    it now sits beside them with the dock's whole height."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from designer.document import SetProperty
    from designer.ui.panels import ProblemsPanel

    window = launch(SAMPLES / "dag_with_ha.json")
    window.session.push(SetProperty("vm-den-mbx01", "mailboxes", 6000))  # a finding
    problems = next(d.widget() for d in window.docks if isinstance(d.widget(), ProblemsPanel))
    qtbot.waitUntil(lambda: problems.table.model().rowCount() > 0, timeout=5000)
    problems.table.setCurrentIndex(problems.table.model().index(0, 2))
    QTest.mouseClick(problems.explain_button, Qt.MouseButton.LeftButton)
    view = problems.explain_view
    assert view.isVisible() and "What it checks" in view.toPlainText()
    assert view.height() >= problems.pages.height() - 2  # the dock's height, not a sliver
    assert view.width() >= problems.width() // 3
    lines = view.height() // view.fontMetrics().lineSpacing()
    assert lines >= 5, lines


def test_find_suggests_virtual_disks_and_selects_one(launch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = launch(SAMPLES / "disk_placements.json")
    disk = next(e for e in window.session.design.elements if e.kind == "virtual_disk")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert f"{disk.name} (virtual disk)" in window._find_model.stringList()
    QTest.keyClicks(window.find_edit, disk.name)
    QTest.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert window.session.selection == [disk.id]


def test_the_canvas_stays_put_when_the_pointer_first_moves(launch, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """review11: just after ``dr-designer gui FILE`` opened, the first mouse move over
    the window laid the panels out again and shifted the drawing ~14 px, so a click
    aimed at a box landed on another. (The capacity report, made a quarter second
    after the load, gave the hidden Capacity tab's summary a second line, and the
    bottom docks took that tab's greater least height.) Nothing may move now."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtTest import QTest

    from designer.ui.panels import CapacityPanel, capacity

    # The report comes a second after the load, not a quarter: surely after the window
    # is shown and measured, however busy the machine.
    monkeypatch.setattr(capacity, "DEBOUNCE_MS", 1000)
    window = launch(SAMPLES / "bidirectional_mirroring.json")
    view = window.view
    viewport = view.viewport()
    sizing = window.findChild(CapacityPanel).controller
    box = next(e.id for e in window.session.design.elements if e.kind == "storage_array")
    rect = window.session.design.layout[box]
    centre = QPointF(rect.x + rect.w / 2, rect.y + rect.h / 2)

    def where() -> tuple[object, ...]:
        docks = tuple((d.objectName(), d.geometry().getRect()) for d in window.docks)
        return (
            viewport.geometry().getRect(),
            viewport.mapTo(window, QPoint(0, 0)).toTuple(),
            view.mapFromScene(centre).toTuple(),
            docks,
        )

    before = where()
    assert sizing.revision != window.session.document.revision  # the report still to come
    QTest.mouseMove(viewport, QPoint(viewport.width() // 2, viewport.height() // 2))
    qtbot.waitUntil(lambda: sizing.revision == window.session.document.revision, timeout=5000)
    QTest.mouseMove(viewport, QPoint(40, 40))
    problems = next(d for d in window.docks if d.objectName() == "ProblemsDock")
    QTest.mouseMove(problems, QPoint(problems.width() // 2, problems.height() // 2))
    QTest.qWait(50)
    QTest.mouseMove(viewport, QPoint(60, 50))
    QApplication.processEvents()
    assert where() == before


def test_the_databases_panel_shows_each_members_name_whole_in_its_header(  # type: ignore[no-untyped-def]
    launch, qtbot, tmp_path
) -> None:
    """A member's header ("DAG01-MBX-DC01-01" over "DC01") is not elided: wider than
    the 110 px column it was cut at both ends, and the members of a site all read
    "AG01-MBX-DC01-0" (a generated enterprise design, opened by its file)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QStyle, QTabBar

    from benchmarks.generate import generate_design
    from designer.persistence import dumps

    path = tmp_path / "enterprise.json"
    path.write_text(dumps(generate_design(300, seed=1)), encoding="utf-8")
    window = launch(path)
    bar = next(
        b
        for b in window.findChildren(QTabBar)
        if b.isVisible() and any(b.tabText(i) == "Databases" for i in range(b.count()))
    )
    tab = next(i for i in range(bar.count()) if bar.tabText(i) == "Databases")
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    panel = next(d.widget() for d in window.docks if d.objectName() == "DatabasesDock")
    assert isinstance(panel, DatabasesPanel) and panel.isVisible()
    table = panel.table
    qtbot.waitUntil(lambda: table.columnCount() > 0, timeout=5000)
    sections = table.horizontalHeader()
    margin = 2 * sections.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    names = []
    for c in range(table.columnCount()):
        item = table.horizontalHeaderItem(c)
        assert item is not None
        lines = item.text().split("\n")
        names.append(lines[0])
        widest = max(sections.fontMetrics().horizontalAdvance(line) for line in lines)
        assert sections.sectionSize(c) >= widest + margin, (lines[0], sections.sectionSize(c))
    assert len(set(names)) == len(names) > 1 and len(names[0]) > 14, names
