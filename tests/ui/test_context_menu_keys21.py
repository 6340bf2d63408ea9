"""Every entry of every context menu has an Alt key of its own (wave 21, ``ui21`` item
1; fixm20 did the window's menus): the canvas's menu of each kind of element and of the
empty canvas, the simulation's menu of each kind (a degraded link's too), the Problems
table's (a finding's, a group's, the rule's level submenu), and the Databases table's
new one (a cell's). "D&uplicate" and "&Rename…"
were the Edit menu's old letters, Rename and Reset Route shared R, Add and Select All
shared A, and the entries made from names (Connect To's targets, the kinds to add, Fail
and Degrade) had none. Walked through the user's door (``dr-designer gui FILE``), the
menus opened by the keyboard's Menu key, Shift+F10 and a right-click."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from test_capacity_window import open_tab, simulate
from test_window_leftovers20 import _twelve_empty_databases

from designer.ui.main_window import MainWindow
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.problems import GROUP_ROLE, ProblemsPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"


def _letter(text: str) -> str | None:
    """The entry's Alt key: the character after a single ``&`` (``&&`` shows one)."""
    match = re.search(r"&([^&])", text.split("\t")[0].replace("&&", ""))
    return match[1].lower() if match else None


def _walk(menu: QMenu, path: str, problems: list[str], walked: list[str]) -> None:
    """Every entry of ``menu`` and its submenus has an Alt key no other entry of its
    menu has; what does not goes to ``problems``."""
    walked.append(path)
    seen: dict[str, str] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible() or not action.text():
            continue
        text = action.text().split("\t")[0]
        letter = _letter(text)
        if letter is None:
            problems.append(f"{path}: {text!r} has no Alt key")
        elif letter in seen:
            problems.append(f"{path}: {seen[letter]!r} and {text!r} share {letter.upper()}")
        else:
            seen[letter] = text
        sub = action.menu()
        if isinstance(sub, QMenu):
            _walk(sub, f"{path} > {text.replace('&', '')}", problems, walked)


def _one_of_each_kind(window: MainWindow) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in window.session.design.elements:
        found.setdefault(element.kind, element.id)
    return found


def _keyboard_menu(window: MainWindow) -> QMenu:
    """Shift+F10 on the canvas: the edit menu of the selection (a popup)."""
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    return menu


def test_the_canvas_menus_entries_each_have_an_alt_key(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    session, view = window.session, window.view
    problems: list[str] = []
    walked: list[str] = []
    kinds = _one_of_each_kind(window)
    assert len(kinds) >= 14, sorted(kinds)
    for kind, element_id in sorted(kinds.items()):
        session.set_selection([element_id])
        menu = _keyboard_menu(window)
        _walk(menu, kind, problems, walked)
        menu.close()
    # The empty canvas, right-clicked beyond the design's content.
    scene = view.design_scene
    beyond = scene.content_rect().bottomRight() + QPointF(60, 60)
    view.centerOn(beyond)
    QApplication.processEvents()
    at = view.mapFromScene(beyond)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), event)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    _walk(menu, "canvas", problems, walked)
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    menu.close()
    assert not problems, "\n".join(problems)
    # The walk met the submenus made from names, and the Edit menu's letters.
    assert {"dag > Connect To", "site > Add Inside", "canvas > Add"} <= set(walked), walked
    assert texts == ["&Paste Here", "A&dd", "Select &All", "&Fit to Window", "Auto-&Layout by Site"]
    session.set_selection([kinds["dag"]])
    menu = _keyboard_menu(window)
    entries = {a.text().split("\t")[0] for a in menu.actions()}
    assert {"Re&name…", "Dupl&icate", "C&onnect To", "&Add Inside"} <= entries, entries
    # A letter runs its entry: N (as Edit's Re&name…) opens the name field on the DAG.
    QTest.keyClick(menu, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: view._name_field is not None, timeout=3000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)


def _open_and_walk(open_menu: Any, path: str, problems: list[str], walked: list[str]) -> list[str]:
    """Call ``open_menu`` (a key or a click that opens a menu with ``exec``, which runs
    its own event loop: the test acts from inside it), walk the menu, close it; the
    texts of its entries (none: no menu opened)."""
    seen: list[str] = []
    done = [False]

    def walk() -> None:
        if done[0]:
            return
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, walk)
            return
        seen.extend(a.text() for a in menu.actions() if a.text())
        _walk(menu, path, problems, walked)
        menu.close()

    QTimer.singleShot(50, walk)
    open_menu()
    QApplication.processEvents()
    done[0] = True
    return seen


def test_the_simulations_menus_entries_each_have_an_alt_key(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    simulate(window, qtbot)
    session, view = window.session, window.view
    controller = window.simulation.controller
    kinds = _one_of_each_kind(window)
    problems: list[str] = []
    walked: list[str] = []
    link = kinds["wan_link"]
    controller.degrade_link(link, bandwidth_mbps=1.0)  # a degraded link: its Restore too
    controller.click(kinds["esxi_host"], add=True)  # a failed host: Restore it
    view.setFocus()
    menus = len(view.findChildren(QMenu))
    for kind, element_id in sorted(kinds.items()):
        session.set_selection([element_id])
        seen = _open_and_walk(lambda: QTest.keyClick(view, Qt.Key.Key_Menu), kind, problems, walked)
        if kind == "wan_link":
            assert any("'s design" in text for text in seen), seen
        if kind == "esxi_host":
            assert seen and seen[0].startswith("&Restore "), seen
    assert not problems, "\n".join(problems)
    assert {"wan_link > Degrade", "storage_array", "vm", "mailbox_database"} <= set(walked)
    # Each menu is deleted once closed: no menu more per right-click.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(view.findChildren(QMenu)) == menus


def test_the_problems_menus_entries_each_have_an_alt_key(launch: Any, qtbot: Any) -> None:
    window = launch(_twelve_empty_databases(launch.home))
    panel = window.findChild(ProblemsPanel)
    assert isinstance(panel, ProblemsPanel)
    open_tab(window, "Problems")
    table, model = panel.table, panel.table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 1, timeout=10_000)
    groups = [r for r in range(model.rowCount()) if model.index(r, 0).data(GROUP_ROLE)]
    singles = [r for r in range(model.rowCount()) if not model.index(r, 0).data(GROUP_ROLE)]
    assert groups and singles
    problems: list[str] = []
    walked: list[str] = []
    for row in (groups[0], singles[0]):
        at: QPoint = table.visualRect(model.index(row, 2)).center()
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, at, table.viewport().mapToGlobal(at)
        )
        seen = _open_and_walk(
            lambda e=event: QApplication.sendEvent(table.viewport(), e),
            f"row {row}",
            problems,
            walked,
        )
        assert any(text.startswith("&In this design, report") for text in seen), seen
    assert not problems, "\n".join(problems)
    assert any(" > In this design, report " in path for path in walked), walked
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not panel.findChildren(QMenu)  # each deleted once closed


def test_the_databases_table_has_a_menu_whose_entries_each_have_an_alt_key(
    launch: Any, qtbot: Any
) -> None:
    """The Databases panel had no menu at all (a right-click did nothing): a cell's
    offers its copy's edit and removal, its database and VM on the canvas, Plan copies."""
    window = launch(SAMPLE)
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    table, session = panel.table, window.session
    qtbot.waitUntil(lambda: table.rowCount() > 0 and table.columnCount() > 1, timeout=10_000)
    cells = [(r, c) for r in range(table.rowCount()) for c in range(table.columnCount())]
    row, column = next((r, c) for r, c in cells if table.item(r, c) and table.item(r, c).text())
    item = table.item(row, column)
    db_id, member = item.data(Qt.ItemDataRole.UserRole + 1), item.data(Qt.ItemDataRole.UserRole + 2)
    at = table.visualRect(table.model().index(row, column)).center()

    def right_click() -> None:
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, at, table.viewport().mapToGlobal(at)
        )
        QApplication.sendEvent(table.viewport(), event)

    problems: list[str] = []
    walked: list[str] = []
    seen = _open_and_walk(right_click, "cell", problems, walked)
    assert not problems, "\n".join(problems)
    db = session.document.get(db_id)
    assert [t.split("\t")[0].replace("&", "") for t in seen] == [
        "Edit Copy…",
        "Remove Copy",
        f"Show Database {db.name}",
        f"Show VM {session.document.get(member).name}",
        "Plan Copies…",
    ], seen
    # D shows the database on the canvas; R removes the copy, one undo step.
    _press_in_menu(right_click, Qt.Key.Key_D)
    assert session.selection == [db_id]
    steps = session.undo_stack.count()
    _press_in_menu(right_click, Qt.Key.Key_R)
    assert member not in [c.member for c in session.document.get(db_id).copies]
    assert session.undo_stack.count() == steps + 1 and not table.item(row, column).text()


def _press_in_menu(open_menu: Any, key: Qt.Key) -> None:
    """Open a menu (its own event loop) and press ``key`` in it, as a user would."""

    def press() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, press)
            return
        QTest.keyClick(menu, key)

    QTimer.singleShot(50, press)
    open_menu()
    QApplication.processEvents()
