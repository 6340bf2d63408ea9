"""Small things a user meets on the canvas, in Problems and in the PDF (wave 28,
``window28``; eyes27 items 2, 5, 11), through the user's doors (``dr-designer gui
FILE``, real clicks and keys) at 1280 × 800: a DAG box far out says what it holds and a
click in its body picks it; a box too small to name itself says what it is when
hovered; Enter on a finding goes to the field that fixes it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QToolTip
from test_canvas_support import click, vp
from test_window27_rough_edges import _design

from designer.ui.main_window import MainWindow
from designer.ui.panels import InspectorPanel, ProblemsPanel

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_designs"
SHOTS = Path(os.environ.get("WINDOW28_SHOTS", "/tmp/window28-shots"))


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _shot_with(window: Any, name: str, *popups: Any) -> None:
    """The window's picture with its open menus (windows of their own) drawn over it
    where they show."""
    from PySide6.QtGui import QPainter

    picture = window.grab()
    painter = QPainter(picture)
    for popup in popups:
        painter.drawPixmap(window.mapFromGlobal(popup.pos()), popup.grab())
    painter.end()
    SHOTS.mkdir(parents=True, exist_ok=True)
    picture.save(str(SHOTS / f"{name}.png"))


def _open(launch: Any, qtbot: Any, path: Path) -> MainWindow:
    window: MainWindow = launch(path)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: not window.session.checking, timeout=20000)
    return window


def _fit(window: MainWindow) -> None:
    """View > Fit to Window, as Ctrl+0 on the canvas, then a full paint."""
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    window.view.viewport().repaint()


# -- 1. a DAG box far out: what it holds, a click in its body, a tip on a small box --------
def test_at_fit_to_window_a_dag_box_says_how_many_databases_it_holds(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # At Fit to Window (23 %) DAG01 showed its name over grey bars, and nothing said
    # that the bars were its four databases (a host says "2 VMs"; eyes27 #5).
    window = _open(launch, qtbot, SAMPLES / "three_site_stretched_dag.json")
    _fit(window)
    scene = window.view.design_scene
    assert window.view.scale_factor < 0.3
    scene.labels.record = []
    window.view.viewport().repaint()
    said = {label.owner: label.text for label in scene.labels.record}
    assert said.get("dag-01") == "DAG01" or "DAG01" in said.values()
    assert [label.text for label in scene.labels.record if label.owner == "dag-01"].count(
        "4 DBs"
    ) == 1
    _shot(window, "1-dag-at-fit")


def test_at_fit_to_window_a_click_in_a_dag_box_body_selects_the_dag(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # Only the title bar (6 px tall at 23 %) picked the DAG; a click in its body started
    # a rubber band and selected nothing.
    window = _open(launch, qtbot, SAMPLES / "three_site_stretched_dag.json")
    _fit(window)
    scene = window.view.design_scene
    rect = scene.rect_of("dag-01")
    assert rect is not None
    # Clear of its ports (the middle of its sides, shown while it is hovered).
    body = (rect.left() + rect.width() * 0.3, rect.top() + rect.height() * 0.6)
    click(window.view, body)
    assert window.session.selection == ["dag-01"]
    # And dragged from its body, it moves as from its title bar.
    was = window.session.document.layout_of("dag-01")
    start = vp(window.view, *body)
    viewport = window.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + QPoint(0, 8 * step))
    QTest.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(0, 40)
    )
    now = window.session.document.layout_of("dag-01")
    assert now.y > was.y and now.x == was.x
    _shot(window, "1-dag-selected-at-fit")
    # At 100 % (its databases drawn as rows, each picked by a click), a click in its
    # body beside them is the rubber band's, as in a site's body: nothing selected.
    QTest.keyClick(window.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.view.scale_factor == 1.0
    rect = scene.rect_of("dag-01")
    assert rect is not None
    beside = (rect.right() - 30, rect.bottom() - 20)
    window.view.centerOn(*beside)
    row = scene.rect_of("db-db01")
    assert row is not None
    click(window.view, (row.center().x(), row.center().y()))
    assert window.session.selection == ["db-db01"]
    click(window.view, beside)
    assert window.session.selection == []


def test_a_box_too_small_to_name_itself_says_what_it_is_when_hovered(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # The Backup under DAG01 at Fit to Window was a nameless grey pill (eyes27 #5).
    window = _open(launch, qtbot, SAMPLES / "three_site_stretched_dag.json")
    _fit(window)
    scene = window.view.design_scene
    scene.labels.record = []
    window.view.viewport().repaint()
    assert "bk-bos-vdp" not in {label.owner for label in scene.labels.record}
    rect = scene.rect_of("bk-bos-vdp")
    assert rect is not None
    at = vp(window.view, rect.center().x(), rect.center().y())
    viewport = window.view.viewport()
    QTest.mouseMove(viewport, at)
    QApplication.sendEvent(
        viewport, QHelpEvent(QHelpEvent.Type.ToolTip, at, viewport.mapToGlobal(at))
    )
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    name = window.session.document.get("bk-bos-vdp").name  # type: ignore[union-attr]
    assert QToolTip.text().splitlines()[0] == f"{name} (backup)"
    _shot(window, "1-backup-tip")
    (tip,) = [
        w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()
    ]
    _shot(tip, "1-backup-tip-label")
    QToolTip.hideText()
    # The box's tip is not shown over a line's own: a WAN link hovered where it ends in
    # its site still says the link's load.
    from designer.ui.canvas.items.node import NodeItem

    view = window.view
    view.set_zoom(1.0)
    scene = view.design_scene
    edge = scene.edges["wan-bos-wor"]
    # (A WAN link's tip says its load once the capacity sizing has run.)
    qtbot.waitUntil(lambda: bool(edge.toolTip()), timeout=60000)
    path = edge.mapToScene(edge.path())
    found = None
    for n in range(0, 40):
        for point in (path.pointAtPercent(n / 1000), path.pointAtPercent(1 - n / 1000)):
            under = [i for i in scene.items(point) if i.isVisible()]
            if under and under[0] is edge and any(isinstance(i, NodeItem) for i in under):
                found = point
                break
        if found is not None:
            break
    assert found is not None, "the link's end in its site"
    view.centerOn(found)
    at = view.mapFromScene(found)
    viewport = view.viewport()
    QTest.mouseMove(viewport, at)
    QApplication.sendEvent(
        viewport, QHelpEvent(QHelpEvent.Type.ToolTip, at, viewport.mapToGlobal(at))
    )
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert QToolTip.text() == edge.toolTip()
    QToolTip.hideText()


# -- 3. Enter on a finding does what a double-click does ----------------------------------
def test_enter_on_a_finding_goes_to_the_field_that_fixes_it(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A double-click on DAG012 selected the DAG and focused its DAC mode checkbox in the
    # Inspector; Enter on the same row only selected the DAG, and the keyboard user was
    # left to find the field.
    window = _open(launch, qtbot, _design(tmp_path, "stretched_dag_lagged.json", dac_mode=False))
    problems = window.findChild(ProblemsPanel)
    inspector = window.findChild(InspectorPanel)
    assert problems is not None and inspector is not None
    qtbot.waitUntil(
        lambda: any(r.finding.code == "DAG012" for r in problems.model.rows), timeout=20000
    )
    table = problems.table
    table.setFocus()
    # Down from the first row until DAG012's is the current one, as a user would.
    QTest.keyClick(table, Qt.Key.Key_Home)
    for _ in range(len(problems.model.rows)):
        finding = problems.current_finding()
        if finding is not None and finding.code == "DAG012":
            break
        QTest.keyClick(table, Qt.Key.Key_Down)
    finding = problems.current_finding()
    assert finding is not None and finding.code == "DAG012"
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.session.selection == [finding.elements[0]]
    box = inspector.editors["dac_mode"].editor
    qtbot.waitUntil(box.hasFocus, timeout=5000)
    _shot(window, "3-enter-on-dag012")
    # Space then turns DAC mode on, as after the double-click.
    assert isinstance(box, QCheckBox) and not box.isChecked()
    QTest.keyClick(box, Qt.Key.Key_Space)
    assert window.session.document.get(finding.elements[0]).dac_mode is True  # type: ignore[union-attr]


# -- 4. the review report's PDF keeps each name on one line ------------------------------
def test_the_review_pdf_keeps_each_name_on_one_line(qtbot, launch, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Qt's rich text broke a line after a hyphen, even in the report's nowrap spans:
    # the load balancers' pools read "BOS-CAS01, BOS-" over "CAS02", the backups'
    # "appliance BOS-" over "VDP01", the findings' messages "copies on DEN-" over "SAN1".
    import subprocess

    from gui_door import ask_review_report

    window = _open(launch, qtbot, SAMPLES / "three_site_stretched_dag.json")
    target = tmp_path / "review.pdf"
    ask_review_report(window, monkeypatch, target)
    qtbot.waitUntil(lambda: target.exists() and window.interop.review_job is None, timeout=120_000)
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    # No line (in -layout, a cell's line: cells side by side) ends in the first part of a
    # name cut at one of its hyphens.
    names = {e.name for e in window.session.design.elements if "-" in e.name}
    starts = {n[: m.end()] for n in names for m in re.finditer(r"\w-(?=\w)", n)}
    cut = re.compile("|".join(rf"(?<![\w-]){re.escape(s)}(\s{{2,}}|\s*$)" for s in starts))
    broken = [line for line in text.splitlines() if cut.search(line)]
    assert broken == []
    # Every hyphenated name of the design is read whole, as typed (a reader copying
    # or searching it finds "BOS-CAS02", the hyphen a plain one).
    flat = " ".join(text.split())
    assert "BOS-CAS01, BOS-CAS02" in flat
    assert [n for n in sorted(names) if n.split()[0] not in flat] == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "4-review.pdf").write_bytes(target.read_bytes())


# -- 6. Hub Transport on a VM of no version in an Exchange 2013 design -------------------
def test_hub_transport_is_not_offered_on_a_new_vm_of_a_2013_design(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Ticked, it set "Exchange version 2013, to agree" on the VM, and EX006 (an error)
    # followed: 2013 has no Hub Transport role (eyes27 #2). The row now says so, with a
    # sign, and cannot be ticked; the other roles set 2013 as before.
    from check_lists import ListRow, list_rows
    from PySide6.QtWidgets import QListView

    from designer.domain import Design, EsxiHost, Site, VirtualMachine, VmRole
    from designer.persistence import dumps

    design = Design(
        name="Exchange 2013",
        elements=[
            Site(id="s1", name="Boston"),
            EsxiHost(id="h1", name="esx-bos-01", site="s1"),
            VirtualMachine(
                id="mbx1", name="BOS-MBX01", host="h1", exchange_version="2013",
                roles=[VmRole.MAILBOX],
            ),
            VirtualMachine(id="vm2", name="BOS-HT01", host="h1"),
        ],
    )  # fmt: skip
    path = tmp_path / "roles.drd.json"
    path.write_text(dumps(design), encoding="utf-8")
    window = _open(launch, qtbot, path)
    view, session = window.view, window.session
    view.set_zoom(1.0)
    rect = view.design_scene.rect_of("vm2")
    assert rect is not None
    view.centerOn(rect.center())
    click(view, (rect.left() + 40, rect.center().y()))
    assert session.selection == ["vm2"]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    roles = inspector.editors["roles"].editor
    assert isinstance(roles, QListView)
    rows = {row.data(Qt.ItemDataRole.UserRole): row for row in list_rows(roles)}
    hub = rows["hub_transport"]
    assert hub.toolTip().startswith(
        "This design's Exchange servers run Exchange 2013, which has no Hub Transport role "
        "(EX006): its Mailbox servers run that service."
    )
    assert not hub.icon().isNull()
    inspector.scroll_area.ensureWidgetVisible(roles)
    _shot(window, "6-hub-transport-not-offered")
    _shot(inspector, "6-hub-transport-not-offered-inspector")

    def click_row(item: ListRow) -> None:
        inspector.scroll_area.ensureWidgetVisible(roles)
        roles.scrollTo(item.index)
        at = roles.visualRect(item.index)
        QTest.mouseClick(
            roles.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(at.left() + 10, at.center().y())
        )

    click_row(hub)
    vm = session.document.get("vm2")
    assert isinstance(vm, VirtualMachine)
    assert (vm.roles, vm.exchange_version) == ([], None)
    # Mailbox is offered, and takes the design's 2013 as before.
    QTest.qWait(QApplication.doubleClickInterval() + 50)
    click_row(rows["mailbox"])
    vm = session.document.get("vm2")
    assert isinstance(vm, VirtualMachine)
    assert (vm.roles, vm.exchange_version) == ([VmRole.MAILBOX], "2013")


# -- 2. a DAG's Connect To: only what can be a member -------------------------------------
def _context_menu(window: MainWindow, element_id: str) -> Any:
    """The canvas's menu of ``element_id``, as a right-click on its title bar opens it."""
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QMenu

    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None
    view.ensureVisible(rect, 10, 10)
    pos = view.mapFromScene(rect.left() + 20, rect.top() + 6)
    click(view, (rect.left() + 20, rect.top() + 6))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    return menu


def _shown(text: str) -> str:
    """A menu entry's text as shown: its Alt key's "&" gone, "&&" an ampersand."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _submenu(menu: Any, title: str) -> Any:
    found = [a for a in menu.actions() if _shown(a.text()) == title]
    return found[0].menu() if found else None


def test_a_dags_connect_to_offers_no_domain_controller(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # DAG01's Connect To offered every VM "added to the DAG's members": the domain
    # controllers, Client Access servers and the witness's file server too (eyes27 #11),
    # which the Inspector's members list greys.
    data = json.loads((SAMPLES / "three_site_stretched_dag.json").read_text(encoding="utf-8"))
    for element in data["design"]["elements"]:
        if element["id"] == "vm-bos-cas01":
            element["roles"] = []  # a VM of no role yet: it may become a Mailbox server
    path = tmp_path / "three.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    window = _open(launch, qtbot, path)
    window.view.set_zoom(1.0)
    menu = _context_menu(window, "dag-01")
    connect = _submenu(menu, "Connect To")
    entries = [a for a in connect.actions() if not a.isSeparator()]
    offered = [_shown(a.text()) for a in entries if a.isEnabled()]
    assert offered == ["BOS-CAS01 (VM) — added to the DAG's members"]
    (apart,) = [a for a in entries if not a.isEnabled()]
    assert _shown(apart.text()) == (
        "Not offered: 11 VMs of other roles (a DAG's members are its Mailbox servers)"
    )
    assert apart.toolTip().startswith("Not Mailbox servers: BOS-CAS02, BOS-DC01, BOS-DC02, ")
    (entry,) = [a for a in menu.actions() if a.menu() is connect]
    connect.popup(menu.mapToGlobal(menu.actionGeometry(entry).topRight()))
    qtbot.waitUntil(connect.isVisible, timeout=5000)
    _shot_with(window, "2-dag-connect-to", menu, connect)
    connect.hide()
    menu.hide()
    # A domain controller's own menu does not offer the DAG either, and says why.
    menu = _context_menu(window, "vm-bos-dc01")
    if (connect := _submenu(menu, "Connect To")) is not None:
        texts = [_shown(a.text()) for a in connect.actions() if a.isEnabled()]
        chooser = None
    else:
        (chooser,) = [
            a for a in menu.actions() if a.text().replace("&", "").startswith("Connect To…")
        ]
        texts = []
    assert not any(t.startswith("DAG01") for t in texts)
    if chooser is not None:
        assert chooser.statusTip().startswith(
            "Not offered: DAG01 (a DAG's members are its Mailbox servers). BOS-DC01 is not "
            "a Mailbox server"
        )
    menu.hide()


# -- 5. the Problems dock of a clean design: "No problems", not an empty box -------------
def test_a_clean_designs_problems_list_says_no_problems(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # A clean design showed the Problems dock's rows empty (8 rows tall, wave 27's first
    # height for a design with findings): a big empty box under the canvas. It now says
    # what the empty list means. (Made lower while clean, the dock grew back with the
    # first finding and the canvas, anchored at its middle, moved under the pointer: a
    # click after a Delete landed 48 px off, in tests/ui/test_collector_tidy26.py.)
    from PySide6.QtWidgets import QDockWidget

    window = _open(launch, qtbot, SAMPLES / "three_site_stretched_dag.json")
    dock = window.findChild(QDockWidget, "ProblemsDock")
    problems = window.findChild(ProblemsPanel)
    assert dock is not None and problems is not None
    assert problems.model.rowCount() == 0
    note = problems.empty_note
    qtbot.waitUntil(note.isVisible, timeout=5000)
    assert note.text() == "No problems: the design meets every rule that is on"
    # In the middle of the list, where the eye goes.
    viewport = problems.table.viewport()
    middle = note.mapTo(viewport, note.rect().center())
    assert abs(middle.y() - viewport.height() / 2) <= 2
    assert abs(middle.x() - viewport.width() / 2) <= 2
    height = dock.height()
    _shot(window, "5-clean-problems")
    # A finding comes (DAC mode turned off in the DAG's Inspector: DAG012): its row
    # shows, the note goes; the dock keeps its height.
    window.view.set_zoom(1.0)
    rect = window.view.design_scene.rect_of("dag-01")
    assert rect is not None
    window.view.centerOn(rect.center())
    click(window.view, (rect.left() + 30, rect.top() + 8))
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    box = inspector.editors["dac_mode"].editor
    assert isinstance(box, QCheckBox) and box.isChecked()
    inspector.scroll_area.ensureWidgetVisible(box)
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: problems.model.rowCount() > 0, timeout=20000)
    assert not note.isVisible() and dock.height() == height
    _shot(window, "5-a-finding-came")
    # Undone, the design is clean again: the note comes back.
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(note.isVisible, timeout=20000)
    assert problems.model.rowCount() == 0
    # The filter hiding every finding says so rather than "No problems".
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: problems.model.rowCount() > 0, timeout=20000)
    QTest.keyClicks(problems.filter_edit, "no such words")
    assert note.isVisible() and note.text().startswith("No finding shown: the filter")
    _shot(window, "5-filter-hides")
