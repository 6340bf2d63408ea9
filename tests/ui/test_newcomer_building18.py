"""An architect from Visio building a two-site DAG from File > New (wave 18, ``eyes18``):
what went wrong on the way, through the user's doors (``dr-designer gui FILE``, real
clicks, drags and keys on the canvas, the scenario bar's buttons)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from test_canvas_support import click, drag
from test_capacity_window import open_tab
from test_newcomer_drawing import _drop, _name_field, _two_mailbox_servers_and_a_dag
from test_simulation_mode import SimWindow

from designer.domain.design import Design
from designer.persistence import save
from designer.ui.panels import ProblemsPanel
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.simulation.timeline import LANES, lane_of

CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = Path("/tmp/eyes18-shots")


def _design(tmp_path: Path) -> Path:
    """small_design with a mailbox VM in each site, both in DAG1 (no witness), and
    database DB01 with a copy on each."""
    return _two_mailbox_servers_and_a_dag(tmp_path, joined=True)


def _inside(window, element_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """A point in the box's title bar: inside it, clear of what it holds."""
    rect = window.view.design_scene.rect_of(element_id)
    return rect.left() + 30, rect.top() + 8


def test_a_click_on_one_of_several_selected_boxes_picks_it_and_f2_renames_that_one(
    launch,  # type: ignore[no-untyped-def]
) -> None:
    # Five pasted boxes selected, a click on one of them, F2, a name, Enter: the first of
    # the five (the pasted cluster) was renamed, as the click had kept all five selected.
    window = launch(_design(launch.home))
    session, view = window.session, window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    click(view, _inside(window, "esx-b1"))
    click(view, _inside(window, "arr-b"), CTRL)
    click(view, _inside(window, "esx-w1"), CTRL)
    assert session.selection == ["esx-b1", "arr-b", "esx-w1"]
    # A drag of one of them still moves them all ...
    before = {i: session.document.layout_of(i) for i in ("esx-b1", "arr-b")}
    start = _inside(window, "arr-b")
    drag(view, start, (start[0], start[1] + 40))
    assert session.selection == ["esx-b1", "arr-b", "esx-w1"]
    for element_id, entry in before.items():
        assert session.document.layout_of(element_id).y == entry.y + 40, element_id
    # ... and a click (no drag) on one picks it alone.
    click(view, _inside(window, "arr-b"))
    assert session.selection == ["arr-b"]
    for name in ("CX4-B2", "CX4-B3"):
        QTest.keyClick(view.viewport(), Qt.Key.Key_F2)
        field = _name_field(window)
        field.selectAll()
        QTest.keyClicks(field, name)
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert session.document.get("arr-b").name == "CX4-B3"
    assert session.document.get("esx-b1").name == "esx-b1"
    # The two renames in a row are one step that says where it began and ended (it
    # said "Rename CX4-B to CX4-B2" while the name was CX4-B3).
    stack = session.undo_stack
    assert stack.text(stack.count() - 1) == "Rename CX4-B to CX4-B3"
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, CTRL)
    assert session.document.get("arr-b").name == "CX4-B"


def test_a_pasted_server_takes_the_next_number_of_its_name(launch) -> None:  # type: ignore[no-untyped-def]
    # Copying Boston's cluster into the DR site named every box "… (copy)".
    window = launch(_design(launch.home))
    session, view = window.session, window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    click(view, _inside(window, "vm-b1"))
    QTest.keyClick(view.viewport(), Qt.Key.Key_C, CTRL)
    QTest.keyClick(view.viewport(), Qt.Key.Key_V, CTRL)
    QTest.keyClick(view.viewport(), Qt.Key.Key_V, CTRL)
    vms = sorted(e.name for e in session.document.design.elements if e.kind == "vm")
    assert vms == ["MBX-B1", "MBX-B2", "MBX-B3", "MBX-W1"]
    # History names what was pasted ("Paste 1 element" before).
    assert session.undo_stack.undoText() == "Paste VM MBX-B3"
    click(view, _inside(window, "esx-b1"))
    QTest.keyClick(view.viewport(), Qt.Key.Key_D, CTRL)
    assert session.undo_stack.undoText() == "Duplicate ESXi host esx-b2 with 3 elements in it"


def test_an_administrators_action_is_plotted_in_the_recovery_lane_not_clients(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    # F5, Hartford and Boston failed (DAG01 loses quorum), the switchover button: the
    # timeline put "administrator takes action switchover on DAG1" in the Clients lane.
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    w.click("site-hfd")
    w.click("site-bos", Qt.KeyboardModifier.ShiftModifier)
    w.end()
    button = w.mode.bar.action_buttons.get("switchover:dag-01")
    assert button is not None and button.isVisible()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    w.end()
    lanes = {p.data().kind: LANES[round(p.pos().y())][0] for p in w.mode.timeline.scatter.points()}
    assert lanes["admin_action"] == "Recovery"
    SHOTS.mkdir(exist_ok=True)
    qtbot.waitUntil(lambda: not w.mode.timeline.held, timeout=3000)
    w.mode.timeline.grab().save(str(SHOTS / "timeline-admin-action-lane.png"))
    # The other kinds that fell through to the last lane.
    assert LANES[lane_of("array_down")][0] == "Failures"
    assert LANES[lane_of("write_cache_off")][0] == "Failures"
    assert LANES[lane_of("new_logs")][0] == "DAG"
    assert LANES[lane_of("users_cut_off")][0] == "Clients"


def test_the_databases_footer_counts_one_database_in_the_singular(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    # "1 databases · 2 members · 2 copies" under the copy layout.
    window = launch(_design(launch.home))
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    qtbot.waitUntil(lambda: panel.summary.text() != "", timeout=3000)
    assert panel.summary.text().startswith("1 database · 2 members · 2 copies")


def test_a_site_dropped_near_the_views_corner_shows_its_name_field(launch) -> None:  # type: ignore[no-untyped-def]
    # A blank design, the palette's Site dropped 40 px from the view's top-left corner:
    # the site (centred on the pointer) had its header, and the name field opened for
    # typing, above and left of the view; the name was typed blind.
    path = launch.home / "blank.drd.json"
    save(Design(name="Blank"), path)
    window = launch(path)
    view = window.view
    view.set_zoom(1.0)
    corner = view.mapToScene(QPoint(40, 40))
    _drop(view, "site", (corner.x(), corner.y()))
    field = _name_field(window)
    shown = view.viewport().rect()
    assert shown.contains(field.geometry().topLeft()), (field.geometry(), shown)
    assert shown.contains(field.geometry().bottomLeft() + QPoint(150, 0))
    QTest.keyClicks(field, "Boston")
    QTest.keyClick(field, Qt.Key.Key_Return)
    (site,) = window.session.document.design.elements
    assert site.name == "Boston"


def test_the_switchover_button_leaves_the_view_where_the_user_looks(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # The scenario bar's Switchover button zoomed the canvas to 100 % onto the DAG's box
    # (followed as if it were a new failure), the sites where the databases mount out
    # of sight.
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    w.click("site-hfd")
    w.click("site-bos", Qt.KeyboardModifier.ShiftModifier)
    w.end()
    view = w.view
    view.set_zoom(0.8)
    view.centerOn(w.scene.rect_of("site-wor").center())
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert not shown.contains(w.scene.rect_of("dag-01"))

    def where() -> tuple[float, int, int]:
        bars = view.horizontalScrollBar(), view.verticalScrollBar()
        return (view.scale_factor, bars[0].value(), bars[1].value())

    before = where()
    button = w.mode.bar.action_buttons["switchover:dag-01"]
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    w.end()
    assert w.controller.steps[-1].action == "admin"
    assert w.controller.state().mailboxes_available == 8000
    assert where() == before


def test_the_explain_pane_does_not_keep_a_rule_of_the_design_before_file_new(
    launch,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    # A finding explained (F1), then Ctrl+N: the blank design's empty Problems list sat
    # beside the old design's DAG002 text, Explain still pressed.
    window = launch(_design(launch.home))
    problems = next(d.widget() for d in window.docks if isinstance(d.widget(), ProblemsPanel))
    qtbot.waitUntil(lambda: problems.table.model().rowCount() > 0, timeout=5000)
    problems.table.setCurrentIndex(problems.table.model().index(0, 2))
    code = problems.current_finding().code
    QTest.mouseClick(problems.explain_button, Qt.MouseButton.LeftButton)
    view = problems.explain_view
    assert view.isVisible() and f"{code} —" in view.toPlainText()
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_N, CTRL)
    assert window.session.design.elements == []
    qtbot.waitUntil(lambda: problems.table.model().rowCount() == 0, timeout=5000)
    assert f"{code} —" not in view.toPlainText()
    assert "Select a finding" in view.toPlainText()
