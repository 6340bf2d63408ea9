"""The canvas grows with the design (wave 20, ``fixh20``; eyes20 #11 "related"); the
canvas menu's Connect To says and selects the line it makes (#15, #23).

The scene rect was set only on a full rebuild: a design drawn from File > New scrolled
only within ±2000 px of the empty design, whatever was drawn past it. Through the door
(``dr-designer gui``, File > New, the canvas menu's Add > Site at the far right, a drag
further right) the scroll bars must follow the boxes."""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from test_canvas_support import drag

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import Site
from designer.persistence.file_format import save
from designer.ui.canvas.view import DesignView
from designer.ui.panels.inspector import InspectorPanel


def _scroll_to_the_right_end(view: DesignView) -> None:
    bar = view.horizontalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()


def _add_site_at(view: DesignView, pos: QPoint) -> None:
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    add = next(a.menu() for a in menu.actions() if a.text().replace("&", "") == "Add")
    assert add is not None
    next(a for a in add.actions() if a.text().replace("&", "") == "Site").trigger()
    QApplication.processEvents()


def test_a_new_design_scrolls_past_the_empty_designs_room(launch, no_modal_dialogs) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # File > New
    QApplication.processEvents()
    session, view = window.session, window.view
    assert not session.design.elements
    scene = view.scene()
    empty = scene.sceneRect()
    bar = view.horizontalScrollBar()
    empty_max = bar.maximum()

    # A site at the far right of all the room the empty design had.
    _scroll_to_the_right_end(view)
    viewport = view.viewport()
    at = QPoint(viewport.width() - 20, viewport.height() // 2)
    _add_site_at(view, at)
    site = next(e for e in session.design.elements if e.kind == "site")
    box = scene.rect_of(site.id)
    assert box is not None and box.right() > empty.right()  # it stands past the old room
    assert scene.sceneRect().contains(box.adjusted(-900, -900, 900, 900))
    assert bar.maximum() > empty_max  # the scroll bar follows
    _scroll_to_the_right_end(view)
    shown = view.mapToScene(viewport.rect()).boundingRect()
    assert shown.right() > box.right() + 500  # room beyond it to draw more

    # Drags further right, each to the viewport's edge (moves: layout changes), carry the
    # site past that room too; each time the room grows again beyond it.
    QTest.keyClick(viewport, Qt.Key.Key_Escape)  # leave the new site's name as it is
    room = scene.sceneRect().right()
    moved = box
    while moved.right() < room + 500:
        view.centerOn(moved.right(), moved.center().y())
        QApplication.processEvents()
        grip = QPointF(moved.right() - 100, moved.top() + 10)  # its title bar
        edge = view.mapToScene(QPoint(viewport.width() - 10, view.mapFromScene(grip).y()))
        drag(view, (grip.x(), grip.y()), (edge.x(), edge.y()))
        QApplication.processEvents()
        now = scene.rect_of(site.id)
        assert now is not None and now.right() > moved.right() + 300, (moved, now)
        moved = now
        assert session.design.layout[site.id].x == moved.x()  # the move is the design's
        assert scene.sceneRect().contains(moved.adjusted(-900, -900, 900, 900))
    _scroll_to_the_right_end(view)
    shown = view.mapToScene(viewport.rect()).boundingRect()
    assert shown.right() > moved.right() + 1000
    assert shown.right() > room + 1000
    if os.environ.get("FIXH20_SHOT"):  # (the screenshot looked at for the report)
        view.centerOn(moved.right(), moved.center().y())
        window.grab().save(os.environ["FIXH20_SHOT"])


def test_connect_to_by_keyboard_selects_the_wan_link_it_made(launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """eyes20 #23 / #15 through the door: ``dr-designer gui FILE`` with two sites, Boston
    selected, Shift+F10, Connect To: the entry says it makes a WAN link, and the new link
    is selected (the Inspector shows its fields, ready for its distance and RTT)."""
    design = Design(
        name="Two sites",
        elements=[Site(id="bos", name="Boston"), Site(id="wor", name="Worcester")],
        layout={
            "bos": LayoutEntry(x=0, y=0, w=400, h=300),
            "wor": LayoutEntry(x=600, y=0, w=400, h=300),
        },
    )
    path = tmp_path / "two-sites.json"
    save(design, path)
    window = launch(path)
    session, view = window.session, window.view
    messages: list[str] = []
    session.status_message.connect(messages.append)
    session.set_selection(["bos"])
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    action = next(a for a in menu.actions() if a.text().replace("&", "") == "Connect To")
    sub = action.menu()
    assert sub is not None
    # (Each entry with an Alt key of its own: wave 21, ui21.)
    assert [a.text() for a in sub.actions()] == ["&Worcester (site) — new WAN link"]
    if os.environ.get("FIXH20_SHOT"):
        menu.setActiveAction(action)
        sub.popup(menu.geometry().topRight())
        QApplication.processEvents()
        sub.grab().save(os.environ["FIXH20_SHOT"].replace(".png", "-menu.png"))
    sub.actions()[0].trigger()
    menu.close()
    QApplication.processEvents()
    (link,) = [e for e in session.design.elements if e.kind == "wan_link"]
    assert session.selection == [link.id]
    assert messages[-1] == f"Done: Add WAN link {link.name}"
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.header.text() == link.name
    assert view.design_scene.edges[link.id].selected  # drawn as selected on the canvas
    if os.environ.get("FIXH20_SHOT"):
        window.grab().save(os.environ["FIXH20_SHOT"].replace(".png", "-link.png"))
