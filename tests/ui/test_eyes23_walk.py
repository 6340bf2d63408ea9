"""A field architect's first design, drawn from File > New (wave 23, ``eyes23``): what
went wrong on the way, through the user's doors (``dr-designer gui FILE``, real mouse
drags and clicks on the viewport, the buttons of the simulation's bar)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton
from test_canvas_support import drag, small_design

from designer.persistence import save
from designer.ui.canvas.items.node import NodeItem

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_designs"


def _title(window, element_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """A point in the title bar of the element's box."""
    rect = window.view.design_scene.rect_of(element_id)
    return rect.left() + 40, rect.top() + 8


def _top_box_at(window, point: QPointF) -> str | None:  # type: ignore[no-untyped-def]
    """The element whose box the user sees at scene ``point`` (the topmost box)."""
    for item in window.view.design_scene.items(point):  # topmost first
        if isinstance(item, NodeItem):
            return item.element_id
    return None


def test_a_host_dragged_onto_a_host_of_another_box_takes_a_free_place(
    launch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # esx-b1 dragged by its title from Boston onto esx-w1's title in Worcester's
    # cluster went into the cluster exactly where it was released: over esx-w1, hiding
    # it (and its own name, the labels never drawn over each other). A palette drop
    # there takes a free place; a move now does too.
    path = tmp_path / "two-sites.drd.json"
    save(small_design(), path)
    window = launch(path)
    view, scene = window.view, window.view.design_scene
    view.set_zoom(0.6)
    view.centerOn(650, 200)
    before_w1 = QRectF(scene.rect_of("esx-w1"))
    grab = _title(window, "esx-b1")
    offset = (grab[0] - scene.rect_of("esx-b1").left(), grab[1] - scene.rect_of("esx-b1").top())
    drag(view, grab, (before_w1.left() + offset[0], before_w1.top() + offset[1]))
    QApplication.processEvents()
    doc = window.session.document
    assert doc.get("esx-b1").cluster == "cl-w"  # type: ignore[union-attr]
    moved, other = scene.rect_of("esx-b1"), scene.rect_of("esx-w1")
    assert other == before_w1, "the host already there stays where it was"
    assert not moved.intersects(other), f"{moved} covers esx-w1 at {other}"
    assert scene.rect_of("cl-w").contains(moved), "in the cluster, which grew round it"
    assert moved.contains(scene.rect_of("vm-b1")), "its VM went with it"
    # What the user sees: each host's own title bar, neither under the other.
    assert _top_box_at(window, QPointF(*_title(window, "esx-w1"))) == "esx-w1"
    assert _top_box_at(window, QPointF(*_title(window, "esx-b1"))) == "esx-b1"
    # One undo step puts it back in Boston where it was.
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.get("esx-b1").site == "bos" and doc.get("esx-b1").cluster is None  # type: ignore[union-attr]


def test_a_host_dragged_into_free_room_stays_where_released(launch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Only a drop over a box already there moves: released in the cluster's free
    # room, the host lands where the user put it.
    path = tmp_path / "two-sites.drd.json"
    save(small_design(), path)
    window = launch(path)
    view, scene = window.view, window.view.design_scene
    view.set_zoom(0.6)
    view.centerOn(650, 200)
    start = scene.rect_of("esx-b1")
    grab = _title(window, "esx-b1")
    target_left, target_top = 930.0, 70.0  # Cluster-W's free right half (720–1120)
    drag(view, grab, (target_left + grab[0] - start.left(), target_top + grab[1] - start.top()))
    QApplication.processEvents()
    assert window.session.document.get("esx-b1").cluster == "cl-w"  # type: ignore[union-attr]
    moved = scene.rect_of("esx-b1")
    assert abs(moved.left() - target_left) < 12 and abs(moved.top() - target_top) < 12, moved


def test_report_with_the_n1_overlay_on_says_the_scenario_is_set_aside(  # type: ignore[no-untyped-def]
    launch, qtbot, monkeypatch
) -> None:
    # A host failed, then Show N-1 overlay (the scenario waits aside), then Report…:
    # "Nothing to report: fail something first", as if the failure had been lost.
    window = launch(SAMPLES / "dag_with_ha.json")
    asked: list[object] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: asked.append(a) or ("", ""))
    )
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    rect = window.view.design_scene.rect_of("esx-den-01")
    window.view.ensureVisible(rect, 10, 10)
    point = window.view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(
        window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    assert "esx-den-01" in controller.state().failed
    spof, tabs = window.simulation.spof, window.simulation.tabs
    QTest.mouseClick(
        tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center()
    )
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert spof.set_aside is not None
    bar, status = window.simulation.bar, window.statusBar()
    for text, verb in (("Report…", "report"), ("Save scenario…", "save")):
        (button,) = [b for b in bar.findChildren(QToolButton) if b.text() == text]
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        assert status.currentMessage() == (
            f"Nothing to {verb} while the N-1 overlay is on: the scenario you played (1 step) "
            "is set aside; Hide N-1 overlay brings it back"
        )
    assert asked == [], "no file dialog for a report of nothing"
    # Its words are true: Hide N-1 overlay brings the failure back, and Report… asks where.
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    assert "esx-den-01" in controller.state().failed
    (report,) = [b for b in bar.findChildren(QToolButton) if b.text() == "Report…"]
    QTest.mouseClick(report, Qt.MouseButton.LeftButton)
    assert len(asked) == 1


def test_the_export_dialogs_name_the_format_as_the_menu_does(launch, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # File > Export > (as) draw.io Diagram… opened a dialog titled "Export as drawio".
    window = launch(SAMPLES / "dag_with_ha.json")
    titles: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda _parent, title, *a, **k: titles.append(title) or ("", "")),
    )
    (file_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    file_menu.aboutToShow.emit()
    (export,) = [a.menu() for a in file_menu.actions() if a.text() == "&Export"]
    export.aboutToShow.emit()
    for entry in ("d&raw.io Diagram…", "&GraphML Graph…", "G&EXF Graph…"):
        (action,) = [a for a in export.actions() if a.text() == entry]
        action.trigger()
    assert titles == ["Export draw.io Diagram", "Export GraphML Graph", "Export GEXF Graph"]


def test_file_import_of_a_workbook_without_a_sheet_counts_no_value_ignored(  # type: ignore[no-untyped-def]
    launch, monkeypatch, no_modal_dialogs
) -> None:
    # File > Import > RVTools of a workbook without its vDatastore sheet said "1 values
    # ignored" over a report that named no value, only the missing sheet.
    window = launch()
    window.act_new.trigger()
    workbook = ROOT / "tests" / "interop" / "data" / "rvtools" / "rvtools-small-complete.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(workbook)], ""))
    )
    (file_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    file_menu.aboutToShow.emit()
    (imports,) = [a.menu() for a in file_menu.actions() if a.text() == "&Import"]
    imports.aboutToShow.emit()
    (rvtools,) = [a for a in imports.actions() if "RVTools" in a.text()]
    rvtools.trigger()
    summary = "11 rows read: 12 elements created, 0 updated, 0 rows skipped, 0 values ignored"
    assert window.statusBar().currentMessage() == summary
    (shown,) = [text for kind, text in no_modal_dialogs if kind == "information"]
    assert shown.splitlines()[:2] == [
        summary,
        "rvtools-small-complete.xlsx: sheet vDatastore is missing; datastore types and sizes "
        "are unknown",
    ]
