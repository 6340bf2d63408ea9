"""A newcomer's walk (wave 27, ``eyes27``): the bundled sample simulated, a two-site
stretched DAG drawn from File > New and its findings fixed the way the app says; what
went wrong on the way, through the user's doors (``dr-designer gui``, F5 and clicks on
the canvas, the palette's Enter, the Inspector's checkboxes)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QToolBar
from test_canvas_support import click, drag
from test_eyes26_walk import _boston
from test_newcomer_keyboard20 import _enter

from designer.ui.main_window import MainWindow
from designer.ui.panels import ProblemsPanel
from designer.ui.panels.inspector import InspectorPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _title(window: MainWindow, element_id: str) -> tuple[float, float]:
    rect = window.view.design_scene.rect_of(element_id)
    assert rect is not None
    window.view.ensureVisible(rect, 10, 10)
    return rect.left() + 30, rect.top() + 8


def test_a_link_clicked_after_a_host_played_a_while_gives_its_scenario_not_an_error(
    qtbot, launch
) -> None:  # type: ignore[no-untyped-def]
    # ./scripts/run's sample, F5, a host clicked and played for a while, then the
    # BOS-WOR link clicked: its scenario is over at 0:00 (the DAG keeps quorum through
    # Hartford's witness), and the scenario bar put the old playhead (0:40) on a
    # timeline of no length: "OverflowError" in the window's error dialog, twice.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    view = window.view
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    mode = window._simulation
    assert mode is not None
    controller = mode.controller
    qtbot.waitUntil(lambda: controller.ready, timeout=20000)
    click(view, _title(window, "esx-bos-01"))
    qtbot.waitUntil(lambda: controller.time > 5, timeout=20000)
    edge = view.design_scene.edges["wan-bos-wor"]
    view.ensureVisible(edge.mapToScene(edge.path()).boundingRect(), 10, 10)
    middle = edge.mapToScene(edge.path().pointAtPercent(0.5))
    click(view, (middle.x(), middle.y()))
    qtbot.waitUntil(lambda: [s.target for s in controller.steps] == ["wan-bos-wor"])
    assert controller.duration == 0 and controller.time == 0
    bar = mode.bar
    assert bar.slider.value() == 0
    assert bar.clock.text() == "T+0:00"
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("A new scenario: WAN link BOS-WOR dark fiber fails")
    )
    if shots := os.environ.get("EYES27_SHOTS"):
        window.grab().save(f"{shots}/link-after-host.png")


def _problems(window: MainWindow) -> list[tuple[str, str]]:
    """The Problems panel's rows as the user reads them: (code, message)."""
    panel = next(d.widget() for d in window.docks if isinstance(d.widget(), ProblemsPanel))
    model = panel.table.model()
    return [
        (str(model.index(r, 1).data()), str(model.index(r, 2).data()))
        for r in range(model.rowCount())
    ]


def test_a_mailbox_server_of_exchange_2013_is_not_called_a_hub_transport_server(
    qtbot, launch
) -> None:  # type: ignore[no-untyped-def]
    # BOS-MBX01 joined DAG01 (and so became an Exchange 2013 Mailbox server): EX002 read
    # "site Boston has Mailbox server BOS-MBX01 with 1 Hub Transport server …", Explain
    # said "add a second Hub Transport server", and the one ticked on a new VM was an
    # error (EX006: Exchange 2013 has no such role).
    window = _boston(launch)
    vm = _enter(window, "vm", "BOS-MBX01")
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    window.view.setFocus()
    dag = _enter(window, "dag", "DAG01")
    assert vm is not None and dag is not None
    window.act_zoom_fit.trigger()
    toolbar = window.findChild(QToolBar)
    assert toolbar is not None
    QTest.mouseClick(toolbar.widgetForAction(window.act_connect), Qt.MouseButton.LeftButton)
    scene = window.view.design_scene
    rect = scene.rect_of(vm)
    assert rect is not None
    drag(window.view, (rect.center().x(), rect.center().y()), _title(window, dag))
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    assert window.session.document.get(vm).exchange_version == "2013"  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: any(code == "EX002" for code, _ in _problems(window)), timeout=10000)
    (message,) = [m for code, m in _problems(window) if code == "EX002"]
    assert message == (
        "site Boston has Mailbox server BOS-MBX01 with 1 server running the Transport "
        "service (BOS-MBX01: Exchange 2013 Mailbox servers run it; 2013 has no Hub "
        "Transport role) and no protection of it; 2 are needed: add an Exchange 2013 "
        "Mailbox server in the site, or protect one with SRM or Double-Take"
    )


def _choose(combo: QComboBox, text: str) -> None:
    """The keys a user presses on the closed combo box until it shows ``text``."""
    target = combo.findText(text)
    assert target >= 0, text
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        QTest.keyClick(combo, key)


def test_a_size_that_follows_a_database_is_said_with_its_unit(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # A disk added to a Mailbox server from the palette and made DB01's database disk
    # took DB01's size; the status bar said "Also set, to agree: Size 100.0 (yours to
    # change)" where the Inspector shows "100.00 GB".
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session = window.session
    window.view.set_zoom(1.0)
    rect = window.view.design_scene.rect_of("vm-bos-mbx01")
    assert rect is not None
    window.view.ensureVisible(rect, 10, 10)
    click(window.view, (rect.center().x(), rect.center().y()))
    assert session.selection == ["vm-bos-mbx01"]
    disk = _enter(window, "virtual_disk")
    assert disk is not None and session.selection == [disk]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == disk
    _choose(inspector.editors["purpose"].editor, "Database")
    _choose(inspector.editors["database"].editor, "DB01")
    qtbot.waitUntil(lambda: session.document.get(disk).database == "db-db01", timeout=5000)  # type: ignore[union-attr]
    size = session.document.get("db-db01").size_gb  # type: ignore[union-attr]
    assert session.document.get(disk).size_gb == size  # type: ignore[union-attr]
    assert window.statusBar().currentMessage() == (
        f"Also set, to agree: Size {size:g} GB (yours to change)"
    )
