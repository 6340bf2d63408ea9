"""Simulation mode's new failure kind and administrator actions (issues 14 and 17), driven
through real events on the window opened the way ``dr-designer gui FILE`` opens it:
a guest OS failure from a VM's right-click menu, MirrorView's "start synchronisation"
button, and the lagged copy's recovery point chosen from its button's menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget

from designer.domain import ScenarioStep
from designer.ui.main_window import MainWindow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


class Window:
    """The main window opened on a sample by ``dr-designer gui SAMPLE`` (the ``launch``
    fixture, tests/gui_door.py)."""

    def __init__(self, qtbot, name: str, launch) -> None:  # type: ignore[no-untyped-def]
        self.window: MainWindow = launch(SAMPLES / f"{name}.json")
        assert self.window.session.path == (SAMPLES / f"{name}.json").resolve()
        self.view = self.window.view
        self.scene = self.view.design_scene
        self.mode = self.window.simulation
        self.controller = self.mode.controller
        self.qtbot = qtbot

    def enter(self) -> None:
        self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=3000)
        self.view.setFocus()
        QTest.keyClick(self.view.viewport(), Qt.Key.Key_F5)
        assert self.controller.active
        self.controller.wait_until_ready()

    def point_of(self, element_id: str) -> QPoint:
        rect = self.scene.rect_of(element_id)
        assert rect is not None, element_id
        self.view.ensureVisible(rect, 10, 10)
        return self.view.mapFromScene(rect.topLeft()) + QPoint(40, 8)

    def end(self) -> None:
        self.controller.pause()
        self.controller.set_time(self.controller.duration)
        self.qtbot.wait(50)


def choose_from_popup(text: str, chosen: list[str]) -> Callable[[], None]:
    """A timer callback that clicks the entry of the open popup menu containing
    ``text`` (a popup menu runs its own event loop, so the test acts from inside it)."""

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, pick)
            return
        for action in menu.actions():
            shown = action.text().replace("&", "")  # without its Alt key's mark
            if text in shown:
                chosen.append(shown)
                QTest.mouseClick(
                    menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center()
                )
                return
        menu.close()

    return pick


def test_guest_os_failure_from_the_vm_menu_restarts_it_under_vm_monitoring(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path
) -> None:
    w = Window(qtbot, "dag_with_ha", launch)
    w.enter()
    chosen: list[str] = []
    QTimer.singleShot(50, choose_from_popup("Guest OS failure", chosen))
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.RightButton, pos=w.point_of("vm-den-mbx01"))
    assert chosen == ["Guest OS failure (HA VM monitoring resets it)"]
    assert [(s.action, s.target) for s in w.controller.steps] == [
        ("guest_os_failure", "vm-den-mbx01")
    ]
    chip = w.mode.bar.steps_widget.findChild(QWidget, "step-0")
    assert chip is not None and "guest os failure DEN-MBX01" in chip.text()
    w.controller.pause()
    w.controller.set_time(30.0)
    during = w.controller.state()
    assert during is not None and "vm-den-mbx01" in during.down, "down until its OS is up"
    w.end()
    state = w.controller.state()
    assert state is not None
    assert "vm-den-mbx01" not in state.down, "reset and running again"
    assert state.database("db-den-db01").active_on == "vm-den-mbx02"  # the DAG failed over
    kinds = {p.data().kind for p in w.mode.timeline.scatter.points()}
    assert "vm_monitoring_reset" in kinds, "the timeline shows VM monitoring's reset"
    w.window.grab().save(str(tmp_path / "guest-os-failure.png"))


def test_start_mirrorview_synchronisation_button(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = Window(qtbot, "cx4_srm_mirrorview_s", launch)
    w.enter()
    w.controller.set_steps(
        [
            ScenarioStep(at_s=0, action="fail", target="wan-phl-wil"),
            ScenarioStep(at_s=3600, action="restore", target="wan-phl-wil"),
        ]
    )
    w.end()
    keys = [k for k in w.mode.bar.action_buttons if k.startswith("start_mirror_sync:")]
    assert keys, "recovery policy Manual: the administrator starts the synchronisation"
    button = w.mode.bar.action_buttons[keys[0]]
    assert button.isVisible() and button.text().startswith("Start mirror sync")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    step = w.controller.steps[-1]
    assert (step.action, step.admin_action) == ("admin", "start_mirror_sync")
    assert step.at_s >= 3600
    w.end()
    assert w.controller.result is not None
    assert any(e.kind == "mirror_synchronised" for e in w.controller.result.events)
    w.window.grab().save(str(tmp_path / "mirror-sync.png"))
    # The report says what was done in words, never the simulator's keys (issue 13).
    report = w.mode.scenarios.export_report(str(tmp_path / "report.html"))
    assert report is not None
    text = report.read_text(encoding="utf-8")
    assert "administrator: start mirror sync on" in text
    assert "start_mirror_sync" not in text and f">{keys[0]}<" not in text


def lagged_copy_button(qtbot, launch) -> tuple[Window, QPushButton]:  # type: ignore[no-untyped-def]
    """``stretched_dag_lagged`` in simulation mode, a logical corruption injected from the
    database's right-click menu: the lagged copy's administrator button (its menu: the
    recovery points)."""
    w = Window(qtbot, "stretched_dag_lagged", launch)
    w.enter()
    w.controller.set_time(0.0)
    chosen: list[str] = []
    QTimer.singleShot(50, choose_from_popup("Inject logical corruption", chosen))
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.RightButton, pos=w.point_of("db-atl-db01"))
    assert chosen and [(s.action, s.target) for s in w.controller.steps] == [
        ("corrupt", "db-atl-db01")
    ]
    w.end()
    key = "activate_lagged_copy:db-atl-db01"
    qtbot.waitUntil(lambda: key in w.mode.bar.action_buttons, timeout=3000)
    button = w.mode.bar.action_buttons[key]
    assert button.menu() is not None, "the recovery point is chosen from a menu"
    return w, button


@pytest.mark.parametrize("entry", ["one hour before", "latest clean point"])
def test_lagged_copy_recovery_point_is_chosen_from_the_buttons_menu(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path, entry: str
) -> None:
    w, button = lagged_copy_button(qtbot, launch)
    chosen: list[str] = []
    QTimer.singleShot(50, choose_from_popup(entry, chosen))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    # the button pops its menu up once the click is handled: wait for the choice
    qtbot.waitUntil(lambda: w.controller.steps[-1].action == "admin", timeout=3000)
    assert entry in chosen[-1]
    step = w.controller.steps[-1]
    assert step.admin_action == "activate_lagged_copy"
    expected = -3600.0 if entry == "one hour before" else 0.0
    assert step.recovery_point_s == expected
    w.end()
    state = w.controller.state()
    assert state is not None
    db = state.database("db-atl-db01")
    assert db.state == "active" and db.rpo_s == -expected


def find_by_keyboard(w: Window, name: str) -> None:
    """Ctrl+F, the name typed, Enter: the element is selected, the canvas has the focus."""
    w.view.setFocus()
    QTest.keyClick(w.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = w.window.find_edit
    assert find.hasFocus()
    QTest.keyClicks(find, name)
    QTest.keyClick(find, Qt.Key.Key_Return)
    popup = find.completer().popup()
    if popup.isVisible():  # the completer's list took the first Enter
        QTest.keyClick(find, Qt.Key.Key_Return)
    w.qtbot.waitUntil(lambda: w.view.hasFocus(), timeout=3000)


def test_simulation_from_the_keyboard_enter_fails_and_restores_the_menu_key_opens_its_menu(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path
) -> None:
    """eyes20 #5: a keyboard user selects with Find, Enter fails or restores what is
    selected (as a click does), the Menu key and Shift+F10 open the simulation's menu for
    it (not the editing menu, which stays off)."""
    w = Window(qtbot, "dag_with_ha", launch)
    w.enter()
    find_by_keyboard(w, "esx-den-01")
    assert w.window.session.selection == ["esx-den-01"]
    assert "Enter fails or restores the selection" in w.mode.bar.hint.toolTip()
    QTest.keyClick(w.view, Qt.Key.Key_Return)
    assert [(s.action, s.target) for s in w.controller.steps] == [("fail", "esx-den-01")]
    assert "esx-den-01" in w.controller.failed_now()
    w.window.grab().save(str(tmp_path / "keyboard-host-failed.png"))
    w.controller.pause()
    QTest.keyClick(w.view, Qt.Key.Key_Enter)  # the keypad's Enter too: restored
    assert [(s.action, s.target) for s in w.controller.steps][-1] == ("restore", "esx-den-01")
    assert "esx-den-01" not in w.controller.failed_now()

    # The Menu key on a database: its simulation menu, logical corruption in it.
    find_by_keyboard(w, "DEN-DB01")
    assert w.window.session.selection == ["db-den-db01"]
    chosen: list[str] = []
    QTimer.singleShot(50, choose_from_popup("Inject logical corruption", chosen))
    QTest.keyClick(w.view, Qt.Key.Key_Menu)
    assert chosen == ["Inject logical corruption"]
    assert ("corrupt", "db-den-db01") in [(s.action, s.target) for s in w.controller.steps]

    # Shift+F10 on an array: its storage processors, at its box.
    find_by_keyboard(w, "DEN-SAN1")
    seen: list[str] = []
    where: list[QPoint] = []

    def record_then_pick() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            seen.extend(a.text().replace("&", "") for a in menu.actions())
            where.append(menu.pos())
            menu.grab().save(str(tmp_path / "keyboard-array-menu.png"))
        choose_from_popup("Fail storage processor A", chosen)()

    QTimer.singleShot(50, record_then_pick)
    QTest.keyClick(w.view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert seen[:3] == ["Fail DEN-SAN1", "Fail storage processor A", "Fail storage processor B"]
    assert chosen[-1] == "Fail storage processor A"
    assert w.controller.steps[-1].target == "arr-den-1/SP-A"
    box = w.scene.rect_of("arr-den-1")
    assert box is not None
    at = w.view.mapToScene(w.view.viewport().mapFromGlobal(where[0]))
    assert box.contains(at), "the menu opens at the array's box"
    assert not w.window.session.dirty, "the design was not edited"


def test_simulation_mode_disables_the_editing_actions_and_leaving_enables_them(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path
) -> None:
    """eyes20 #10: in simulation mode Undo/Redo (menu and toolbar), the Connect tool,
    Auto-Layout, Paste, the selection's edits, Align and File > Import are disabled (Ctrl+Z
    there changes nothing); leaving the mode enables them again as they were."""
    w = Window(qtbot, "dag_with_ha", launch)
    win = w.window
    find_by_keyboard(w, "esx-den-01")
    before = w.scene.rect_of("esx-den-01")
    assert before is not None
    QTest.keyClick(w.view, Qt.Key.Key_Right)  # a nudge: something to undo
    moved = w.scene.rect_of("esx-den-01")
    assert moved is not None and moved.x() > before.x()
    editing = {
        "Undo (menu)": win.act_undo,
        "Undo (toolbar)": win.tool_undo,
        "Connect Tool": win.act_connect,
        "Auto-Layout": win.act_auto_layout,
        "Paste": win.act_paste,
        "Delete": win.act_delete,
        "Duplicate": win.act_duplicate,
        "Fit to Content": win.act_fit_content,
        "Import": win.interop.import_menu.menuAction(),
    }
    assert all(a.isEnabled() for a in editing.values()), "editing: all on"
    assert not win.act_redo.isEnabled()

    w.enter()
    find_by_keyboard(w, "esx-den-01")  # a selection in the mode: still no edits
    assert [name for name, a in editing.items() if a.isEnabled()] == []
    assert not win.act_redo.isEnabled() and not win.tool_redo.isEnabled()
    assert win.act_copy.isEnabled() and win.act_find.isEnabled(), "reading stays"
    assert win.act_zoom_fit.isEnabled()
    win.grab().save(str(tmp_path / "simulation-toolbar.png"))
    QTest.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(w.view, Qt.Key.Key_C)  # the Connect tool's letter
    assert not w.view.connect_mode
    now = w.scene.rect_of("esx-den-01")
    assert now is not None and now.x() == moved.x(), "Ctrl+Z undid nothing in the mode"

    QTest.keyClick(w.view, Qt.Key.Key_F5)
    assert not w.controller.active
    find_by_keyboard(w, "esx-den-01")
    assert [name for name, a in editing.items() if not a.isEnabled()] == []
    QTest.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = w.scene.rect_of("esx-den-01")
    assert back is not None and back.x() == before.x(), "Ctrl+Z undoes again"
    assert win.act_redo.isEnabled() and win.tool_redo.isEnabled()
