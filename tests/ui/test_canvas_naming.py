"""Fewer clicks per element (issue 13): a box dropped from the palette is named by typing
over it (drop, type, Enter: one undo step), F2 renames the selection, Enter or a
double-click on a palette kind adds one in the selected box or at the middle of the
view, the window title follows the design's name. Opened with ``dr-designer gui`` and
File > New; real key and drop events."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from test_canvas_support import vp

from designer.document import SetDesignMeta
from designer.ui.panels.palette import PalettePanel, kind_mime_data


def _drop(view, kind: str, at: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    pos = vp(view, *at)
    mime = kind_mime_data(kind)
    a, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    for event in (
        QDragEnterEvent(pos, a, mime, left, none),
        QDragMoveEvent(pos, a, mime, left, none),
        QDropEvent(QPointF(pos), a, mime, left, none),
    ):
        QApplication.sendEvent(view.viewport(), event)


def _name_field(window) -> QLineEdit:  # type: ignore[no-untyped-def]
    shown = [
        f
        for f in window.view.viewport().findChildren(QLineEdit, "CanvasNameField")
        if f.isVisible()
    ]
    assert len(shown) == 1, "no name field over the box"
    return shown[0]


def _type(window, text: str) -> None:  # type: ignore[no-untyped-def]
    field = _name_field(window)
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)


def test_drop_type_the_name_enter_is_one_undo_step(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # File > New
    session, view = window.session, window.view
    assert session.design.elements == []
    view.set_zoom(1.0)
    view.centerOn(0, 0)
    _drop(view, "site", (0, 0))
    field = _name_field(window)
    assert field.text() == "Site-01" and field.selectedText() == "Site-01"
    QTest.keyClicks(field, "Boston")
    QTest.keyClick(field, Qt.Key.Key_Return)
    (site,) = session.design.elements
    assert site.name == "Boston"
    assert session.undo_stack.count() == 1
    assert session.undo_stack.text(0) == "Add site Boston"
    session.undo_stack.undo()
    assert session.design.elements == []
    session.undo_stack.redo()
    assert session.design.elements[0].name == "Boston"


def test_escape_keeps_the_default_name_and_f2_renames_the_selection(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    session, view = window.session, window.view
    view.set_zoom(1.0)
    view.centerOn(0, 0)
    _drop(view, "site", (0, 0))
    QTest.keyClick(_name_field(window), Qt.Key.Key_Escape)
    (site,) = session.design.elements
    assert site.name == "Site-01" and session.selection == [site.id]
    QTest.keyClick(view, Qt.Key.Key_F2)
    field = _name_field(window)
    QTest.keyClicks(field, "Worcester")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert session.document.get(site.id).name == "Worcester"  # type: ignore[union-attr]
    assert session.undo_stack.text(session.undo_stack.count() - 1) == "Rename Site-01 to Worcester"


def test_enter_on_a_palette_kind_adds_it_into_the_selected_box(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    session, view = window.session, window.view
    palette = next(d.widget() for d in window.docks if isinstance(d.widget(), PalettePanel))
    palette.tree.setFocus()
    palette.tree.setCurrentItem(palette.items["site"])
    QTest.keyClick(palette.tree, Qt.Key.Key_Return)
    _type(window, "Boston")
    (site,) = session.design.elements
    assert site.name == "Boston" and session.selection == [site.id]
    palette.tree.setCurrentItem(palette.items["esxi_host"])
    palette.tree.setFocus()
    QTest.keyClick(palette.tree, Qt.Key.Key_Return)
    _type(window, "esx-bos-01")
    host = session.design.elements[1]
    assert (host.kind, host.name, host.site) == ("esxi_host", "esx-bos-01", site.id)  # type: ignore[attr-defined]
    rect = view.design_scene.rect_of(host.id)
    assert rect is not None and view.design_scene.rect_of(site.id).contains(rect)  # type: ignore[union-attr]
    assert session.undo_stack.count() == 2


def test_the_window_title_follows_the_design_name(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "Untitled design" in window.windowTitle()
    window.session.push(SetDesignMeta(name="Contoso DR"))
    assert window.windowTitle().startswith("Contoso DR (unsaved)")


def test_c_toggles_the_connect_tool_and_the_toolbar_keeps_its_width(launch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QToolBar

    window = launch()
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_C)
    assert view.connect_mode and window.act_connect.isChecked()
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not view.connect_mode and not window.act_connect.isChecked()
    tools = window.findChild(QToolBar, "MainToolBar")
    undo = tools.widgetForAction(window.tool_undo)
    simulate = tools.widgetForAction(window.simulation.action)
    before = (undo.width(), simulate.x())
    view.set_zoom(1.0)
    view.centerOn(0, 0)
    _drop(view, "site", (0, 0))
    _type(window, "A site with a very long name indeed, for the undo text")
    QApplication.processEvents()
    assert window.tool_undo.isEnabled() and "very long name" in window.tool_undo.toolTip()
    assert (undo.width(), simulate.x()) == before


def test_file_new_offers_the_templates_as_starting_points(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    titles = [a.text() for a in window.new_menu.actions() if a.text()]
    assert titles == [
        "&Blank Design",
        "Two-site DAG (Exchange 2010)",
        "Three-site DAG with witness (Exchange 2010)",
        "SRM pair with MirrorView (Exchange 2010)",
    ]
    window.act_templates["three_site_dag"].trigger()
    session = window.session
    assert session.design.name == "Three-site DAG with witness"
    assert window.windowTitle().startswith("Three-site DAG with witness (unsaved)")
    assert session.undo_stack.count() == 0 and session.path is None
    scene = window.view.design_scene
    assert {"site-prd", "site-dr", "site-wit", "dag-1"} <= set(scene.nodes)
    assert session.findings.active == []


def test_a_status_message_goes_once_the_user_moves_on(launch, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import designer.ui.main_window as main_window

    window = launch()
    window.session.status_message.emit("Release: Move esx01 into Boston")
    assert window.statusBar().currentMessage() == "Release: Move esx01 into Boston"
    monkeypatch.setattr(main_window, "STALE_MESSAGE_S", -1.0)  # as if a second went by
    window.session.set_selection([window.session.design.elements[0].id])
    assert window.statusBar().currentMessage() == ""


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_file_new_from_a_template_shows_the_drawing_from_its_top(launch, qtbot, size) -> None:  # type: ignore[no-untyped-def]
    """File > New > Two-site DAG opened at 60 % with the lines above the sites (the WAN
    link's lane and label, the DAG's membership lines) scrolled out of view; each later
    resize (a dock's tab raised) kept the view's centre and moved the drawing further.
    The first view now takes in the lines, shows the drawing whole where it fits (the
    default window) and from its top-left corner where it does not, and keeps it there
    while the window settles; the user's own scroll then stays as it is."""
    from PySide6.QtWidgets import QTabBar

    window = launch()
    window.resize(*size)
    QApplication.processEvents()
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()
    view = window.view
    scene = view.design_scene
    QApplication.processEvents()
    lines_top = min(edge.sceneBoundingRect().top() for edge in scene.edges.values())
    drawing = view.drawing_rect()
    assert drawing.top() <= lines_top < scene.content_rect().top()  # lines above the boxes

    def shown():  # type: ignore[no-untyped-def]
        return view.mapToScene(view.viewport().rect()).boundingRect()

    def check(where: str) -> None:
        seen = shown()
        assert seen.top() <= drawing.top() and seen.left() <= drawing.left(), (where, seen)
        if size == (1600, 1000):
            assert seen.contains(drawing), (where, seen, drawing)

    check("opened")
    shots = Path("/tmp/uia16-shots")
    shots.mkdir(exist_ok=True)
    window.grab().save(str(shots / f"new-two-site-{size[0]}x{size[1]}.png"))
    # The Databases dock raised (it grows to show its rows): the drawing stays in place.
    for bar in window.findChildren(QTabBar):
        for i in range(bar.count()):
            if bar.isVisible() and bar.tabText(i).startswith("Databases"):
                QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
    qtbot.wait(100)
    check("a dock raised")
    window.resize(size[0] - 200, size[1] - 150)
    QApplication.processEvents()
    seen = shown()
    assert seen.top() <= drawing.top() and seen.left() <= drawing.left(), seen
    # Scrolled by the user, the view keeps its centre on a resize (it is not put back).
    bar = view.verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderPageStepAdd)
    QApplication.processEvents()
    centre = shown().center()
    assert abs(centre.y() - seen.center().y()) > 10
    window.resize(*size)
    QApplication.processEvents()
    assert abs(shown().center().y() - centre.y()) < 2, (shown().center(), centre)
