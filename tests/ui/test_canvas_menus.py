"""Context menus, the Connect tool, paste at the pointer and delete that says what goes
(issue 13). Real mouse and key events on the canvas; the menus are driven by keyboard
as a user without a mouse would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from test_canvas_support import click, drag, small_design, vp

from designer.document import SetProperty
from designer.domain.design import LayoutEntry
from designer.domain.elements import Dag
from designer.ui.canvas.view import DesignView
from designer.ui.session import EditorSession


@pytest.fixture
def canvas(qtbot):  # type: ignore[no-untyped-def]
    design = small_design()
    dag = Dag(id="dag-1", name="DAG-West")
    layout = {**design.layout}
    layout["dag-1"] = LayoutEntry(x=300, y=40, w=260, h=90)
    session = EditorSession(
        design.model_copy(update={"elements": [*design.elements, dag], "layout": layout})
    )
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 250)
    messages: list[str] = []
    session.status_message.connect(messages.append)
    return session, view, messages


def _right_click(view: DesignView, at: tuple[float, float]) -> QMenu:
    pos = vp(view, *at)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    return menu


def _texts(menu: QMenu) -> list[str]:
    return [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]


def _sub(menu: QMenu, title: str) -> QMenu:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == title)
    sub = action.menu()
    assert sub is not None
    return sub


def test_a_boxs_menu_offers_rename_connect_add_and_the_edits(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, _ = canvas
    menu = _right_click(view, (100, 82))  # VM MBX-B1
    assert session.selection == ["vm-b1"]
    texts = _texts(menu)
    for wanted in ("Rename…", "Connect To", "Cut", "Copy", "Paste Here", "Duplicate", "Delete"):
        assert wanted in texts, texts
    targets = _texts(_sub(menu, "Connect To"))
    # By name: the DAG it may join, the LUNs it may have a disk on; each says what it
    # makes (eyes20 #15: LUN to LUN made a mirror, LUN to VM a disk, unsaid).
    assert targets == [
        "DAG-West (DAG) — joins its members",
        "LUN-B1 (LUN) — new virtual disk",
        "LUN-B2 (LUN) — new virtual disk",
        "LUN-W1 (LUN) — new virtual disk",
    ]
    menu.close()


def test_connect_to_is_reachable_by_keyboard_and_connects(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, messages = canvas
    click(view, (100, 82))
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    sub = _sub(menu, "Connect To")
    sub.actions()[0].trigger()
    assert session.document.get("dag-1").members == ["vm-b1"]  # type: ignore[union-attr]
    # MBX-B1 states no role: it joins as the DAG's Mailbox server (eyes25).
    assert session.undo_stack.text(session.undo_stack.count() - 1) == (
        "Add MBX-B1 to DAG-West as a Mailbox server"
    )
    # And says so, as a drag with the Connect tool does (it was silent: eyes20).
    assert messages[-1].startswith(
        "Done: Add MBX-B1 to DAG-West as a Mailbox server. Also set, to agree: role Mailbox"
    )
    # A reference set: the DAG holding it is selected, as a drag with the Connect tool
    # selects it (wave 26: the Inspector stayed where it was).
    assert session.selection == ["dag-1"]


def test_connect_to_selects_the_disk_it_made(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, messages = canvas
    click(view, (100, 82))  # VM MBX-B1
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    sub = _sub(view._menu, "Connect To")
    entry = next(a for a in sub.actions() if a.text().replace("&", "").startswith("LUN-W1"))
    before = {e.id for e in session.design.elements}
    entry.trigger()
    (made,) = [e for e in session.design.elements if e.id not in before]
    assert made.kind == "virtual_disk" and made.lun == "lun-w1"  # type: ignore[attr-defined]
    assert session.selection == [made.id]  # eyes20 #23: the Inspector shows it at once
    assert messages[-1] == f"Done: Add virtual disk {made.name}"


def test_the_empty_canvas_menu_adds_at_the_pointer(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, _ = canvas
    menu = _right_click(view, (200, 550))
    add = _sub(menu, "Add")
    site = next(a for a in add.actions() if a.text().replace("&", "") == "Site")
    site.trigger()
    new = session.design.elements[-1]
    assert new.kind == "site"
    entry = session.design.layout[new.id]
    assert entry.x <= 200 <= entry.x + (entry.w or 0)


def test_the_connect_tool_draws_from_anywhere_on_a_box(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, _ = canvas
    view.set_connect_mode(True)
    drag(view, (300, 350), (1000, 350))  # Boston's body to Worcester's
    links = [e for e in session.design.elements if e.kind == "wan_link"]
    assert [(link.site_a, link.site_b) for link in links] == [("bos", "wor")]  # type: ignore[attr-defined]
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not view.connect_mode


def test_paste_lands_at_the_pointer_in_the_box_under_it(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, _ = canvas
    click(view, (100, 82))  # VM MBX-B1 on esx-b1
    view.editor.copy()
    view.paste_at(view.mapToScene(vp(view, 800, 110)))  # over esx-w1 in Worcester
    new = session.design.elements[-1]
    assert new.kind == "vm" and new.host == "esx-w1"  # type: ignore[attr-defined]
    entry = session.design.layout[new.id]
    host = session.design.layout["esx-w1"]
    assert host.x <= entry.x and entry.x + (entry.w or 0) <= host.x + (host.w or 0)
    assert session.selection == [new.id]
    # And where nothing may hold it, beside the original in its own host, not on it.
    view.paste_at(view.mapToScene(vp(view, 650, 600)))
    again = session.design.elements[-1]
    assert again.host == "esx-b1"  # type: ignore[attr-defined]
    a, b = session.design.layout[again.id], session.design.layout["vm-b1"]
    assert a.y >= b.y + (b.h or 0) or b.y >= a.y + (a.h or 0)


def test_delete_says_exactly_what_goes_with_it(canvas) -> None:  # type: ignore[no-untyped-def]
    session, view, messages = canvas
    session.push(SetProperty("dag-1", "members", ["vm-b1"]))
    click(view, (100, 50))  # esx-b1's title bar
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert messages[-1] == (
        "Remove ESXi host esx-b1 with 1 VM (MBX-B1); DAG DAG-West loses MBX-B1 from its "
        "members. Undo brings them back"
    )
    assert session.document.get("dag-1").members == []  # type: ignore[union-attr]


def test_delete_of_one_element_names_it_in_the_undo_history(canvas) -> None:  # type: ignore[no-untyped-def]
    """Edit > Undo and the History said "Remove 1 element" after the Delete key took a
    VM nothing else goes with; they name it, as a removal that takes more does."""
    session, view, _ = canvas
    click(view, (100, 82))  # VM MBX-B1 on esx-b1
    assert session.selection == ["vm-b1"]
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert session.document.get("vm-b1") is None
    assert session.undo_stack.undoText() == "Remove VM MBX-B1"
    session.undo_stack.undo()  # Edit > Undo (the window's; this is the bare canvas)
    assert session.document.get("vm-b1") is not None
    assert session.undo_stack.redoText() == "Remove VM MBX-B1"


def test_arrow_nudges_name_the_box_in_the_undo_history(canvas) -> None:  # type: ignore[no-untyped-def]
    """Arrow keys moved the selection under the bare name "Nudge"; the step says what
    moved, and three presses stay one step."""
    session, view, _ = canvas
    click(view, (100, 82))  # VM MBX-B1 on esx-b1
    before = session.design.layout["vm-b1"]
    view.setFocus()
    for _ in range(3):
        QTest.keyClick(view, Qt.Key.Key_Right)
    assert session.design.layout["vm-b1"].x > before.x
    assert session.undo_stack.undoText() == "Nudge MBX-B1"
    session.undo_stack.undo()
    assert session.design.layout["vm-b1"].x == before.x


def test_cut_names_what_it_took_and_copy_counts_in_words(canvas) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+X was "Cut" in Edit > Undo and the History, whatever it took, and the status
    bar said "Copied 1 element(s)"."""
    session, view, messages = canvas
    click(view, (100, 82))  # VM MBX-B1 on esx-b1
    menu = _right_click(view, (100, 82))
    cut = next(a for a in menu.actions() if a.text().split("\t")[0].replace("&", "") == "Cut")
    menu.close()
    cut.trigger()
    assert session.document.get("vm-b1") is None
    assert session.undo_stack.undoText() == "Cut VM MBX-B1"
    assert "Copied 1 element" in messages and not any("(s)" in m for m in messages)


def test_paste_here_is_greyed_until_something_is_copied(canvas) -> None:  # type: ignore[no-untyped-def]
    # eyes30: Paste Here was offered with nothing copied; chosen, it said only that the
    # clipboard held no elements.
    session, view, _ = canvas
    QApplication.clipboard().clear()
    menu = _right_click(view, (1300, 600))  # the empty canvas
    (paste,) = [a for a in menu.actions() if a.text().startswith("&Paste Here")]
    assert not paste.isEnabled() and "clipboard holds none" in paste.toolTip()
    menu.close()
    menu = _right_click(view, (100, 82))  # VM MBX-B1, copied from its menu
    (copy,) = [a for a in menu.actions() if a.text().startswith("&Copy")]
    copy.trigger()
    menu.close()
    for at in ((1300, 600), (100, 82)):  # the empty canvas, a box
        menu = _right_click(view, at)
        (paste,) = [a for a in menu.actions() if a.text().startswith("&Paste Here")]
        assert paste.isEnabled(), at
        menu.close()
    count = len(session.design.elements)
    paste.trigger()
    assert len(session.design.elements) > count
