"""What a site's removal leaves, and the words a big estate's user meets (wave 29,
``domain29``): a generated estate opened with ``dr-designer gui FILE``, a site deleted
with the Delete key (in steps), the Problems list, the Inspector's Witness combo, the
canvas's site boxes and the Capacity tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title, settled
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMenu, QTabBar

from benchmarks.generate import generate_design
from designer.domain import Design, MailboxDatabase
from designer.persistence import dumps
from designer.ui.main_window import MainWindow
from designer.ui.panels.capacity import CapacityPanel
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

SHOTS = Path("/tmp/domain29")


def _codes(window: MainWindow) -> dict[str, int]:
    """The findings the Problems panel lists, by code (a group row counts its own)."""
    panel = window.findChild(ProblemsPanel)
    assert panel is not None
    counts: dict[str, int] = {}
    for finding in window.session.findings.active:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    model = panel.table.model()
    shown = {model.index(r, 0).data(FINDING_ROLE) for r in range(model.rowCount())}
    listed = {f.code for f in shown if f is not None}
    assert listed <= set(counts)
    return counts


def _preferences(design: Design) -> dict[str, list[tuple[str, int]]]:
    return {
        e.id: [(c.member, c.activation_preference) for c in e.copies]
        for e in design.elements
        if isinstance(e, MailboxDatabase)
    }


@pytest.fixture
def estate(tmp_path: Path, monkeypatch: Any) -> tuple[Design, Path]:
    # Stepped as a site of a 100k estate is (a site of 1,000 elements is 400-odd).
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    design = generate_design(1000, seed=1)
    path = tmp_path / "estate.json"
    path.write_text(dumps(design), encoding="utf-8")
    return design, path


def test_deleting_a_site_renumbers_the_copies_left_as_exchange_does(
    estate: tuple[Design, Path], launch: Any, qtbot: Any
) -> None:
    # eyes28 item 13: after deleting a site of the 10k estate, 400 DAG007 errors
    # ("database … has activation preferences 3, 4; 2 copies need 1…2, each once"):
    # the copies on the site's servers went, the others kept their ranks. Exchange
    # closes the ranks up when a copy is removed (the copies after it move up).
    design, path = estate
    window: MainWindow = launch(path)
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: settled(window), timeout=120_000)
    assert _codes(window) == {}
    before = _preferences(session.design)
    renumbered = (
        "80 mailbox databases (DAG01-DB0001, DAG01-DB0003, DAG01-DB0005, …) renumber their "
        "remaining copies' activation preferences 1…n, as Exchange does"
    )
    # The context menu's Delete says it before it is done.
    view = window.view
    title = view.design_scene.nodes["site-01"].scene_rect().topLeft() + QPointF(12, 6)
    view.centerOn(title)
    at = view.mapFromScene(title)
    menu_event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at)
    )
    QApplication.sendEvent(view.viewport(), menu_event)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    delete = next(a for a in menu.actions() if a.text().startswith("&Delete"))
    assert renumbered in delete.toolTip(), delete.toolTip()
    menu.close()
    click_title(window, "site-01")
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(
        lambda: not session.busy and session.document.get("site-01") is None, timeout=120_000
    )
    said = window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: settled(window), timeout=120_000)
    codes = _codes(window)
    assert "DAG007" not in codes, codes  # (the base: 80)
    assert codes.get("DAG004") == 80  # (fewer copies than local HA needs: true)
    after = _preferences(session.design)
    moved = 0
    for db_id, copies in after.items():
        ranks = [p for _m, p in copies]
        assert sorted(ranks) == list(range(1, len(ranks) + 1)), (db_id, copies)
        # The order of the copies left is the order they had.
        was = dict(before[db_id])
        assert sorted(copies, key=lambda c: was[c[0]]) == sorted(copies, key=lambda c: c[1])
        moved += any(was[m] != p for m, p in copies)
    assert moved == 80
    assert renumbered in said, said
    # One undo step brings the ranks back as they were.
    window.activateWindow()  # (the context menu had it: shortcuts fire in the active one)
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: not session.busy and session.document.get("site-01") is not None,
        timeout=120_000,
    )
    assert _preferences(session.design) == before
    assert session.design == design


SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _combo_texts(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_witness_combo_names_each_witness_with_its_site(launch: Any, qtbot: Any) -> None:
    # eyes28 item 14: DAG001/DAG013 want the witness in a third site, and the Witness
    # combo listed "DAG01 alternate witness", "DAG02 witness", … by name only.
    window: MainWindow = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: settled(window), timeout=60_000)
    click_title(window, "dag-01")
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    combo = inspector.editors["witness"].editor
    assert isinstance(combo, QComboBox)
    qtbot.waitUntil(combo.isVisible)
    assert _combo_texts(combo) == [
        "(none)",
        "HFD-FS01 share (Hartford)",
        "WOR-FS01 alt. witness (Worcester)",
    ]
    assert combo.currentText() == "HFD-FS01 share (Hartford)"
    SHOTS.mkdir(exist_ok=True)
    inspector.grab().save(str(SHOTS / "witness-combo.png"))
    # The site renamed in its own Inspector: the DAG's combo says the new name.
    click_title(window, "site-hfd")
    name = inspector.editors["name"].editor
    assert isinstance(name, QLineEdit)
    name.setFocus()
    name.selectAll()
    QTest.keyClicks(name, "Hartford West")
    QTest.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.document.get("site-hfd").name == "Hartford West")
    click_title(window, "dag-01")
    combo = inspector.editors["witness"].editor
    assert isinstance(combo, QComboBox)
    assert "HFD-FS01 share (Hartford West)" in _combo_texts(combo)


def test_the_capacity_tab_says_what_the_sites_rates_and_users_are_for(
    estate: tuple[Design, Path], launch: Any, qtbot: Any
) -> None:
    # eyes28 item 15: the estate's sites state a change rate (shown in the Inspector)
    # and users, and the Capacity tab said "this design states no capacity workload"
    # without a word about them: the user is told they stated nothing.
    _design, path = estate
    window: MainWindow = launch(path)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: settled(window), timeout=120_000)
    dock = next(d for d in window.docks if d.windowTitle().startswith("Capacity"))
    bar = next(
        b
        for b in window.findChildren(QTabBar)
        if b.isVisible() and any(b.tabText(i).startswith("Capacity") for i in range(b.count()))
    )
    tab = next(i for i in range(bar.count()) if bar.tabText(i).startswith("Capacity"))
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    panel = dock.widget()
    assert isinstance(panel, CapacityPanel)
    qtbot.waitUntil(lambda: panel.empty_note.isVisible(), timeout=60_000)
    note = panel.empty_note.text()
    assert note.startswith("No streams to chart: this design states no capacity workload. ")
    assert (
        "3 sites (DC01, DC02, DC03) state change rates and users: a site's change rate is "
        "what its LUNs replicate with MirrorView/A (the RPO of MV007 and of the simulator), "
        "and their users need a mailbox profile (messages a day, their size) before they "
        "size anything. State a mailbox profile in the Inspector"
    ) in note, note
    SHOTS.mkdir(exist_ok=True)
    dock.grab().save(str(SHOTS / "capacity-note.png"))


def _choose(combo: QComboBox, text: str) -> None:
    """The keys a user presses on the closed combo until ``text`` is chosen."""
    target = combo.findText(text)
    assert target >= 0, _combo_texts(combo)
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        QTest.keyClick(combo, key)


def test_a_site_holding_only_a_witness_says_so_on_the_canvas(launch: Any, qtbot: Any) -> None:
    # A site drawn for the witness keeps a new site's role, Production, and its box said
    # "Production" (the review's inventory names it a witness site since wave 28).
    window: MainWindow = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: settled(window), timeout=60_000)
    scene = window.view.design_scene
    hartford, boston = scene.nodes["site-hfd"], scene.nodes["site-bos"]
    assert hartford.subtitle.startswith("Witness only")  # (its role says so: as it was)
    click_title(window, "site-hfd")
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    role = inspector.editors["role"].editor
    assert isinstance(role, QComboBox)
    _choose(role, "Production")
    qtbot.waitUntil(lambda: session.document.get("site-hfd").role == "production")
    assert hartford.subtitle.startswith("Witness site (role: Production)"), hartford.subtitle
    assert boston.subtitle.startswith("Production")  # (its Exchange servers and users)
    SHOTS.mkdir(exist_ok=True)
    top = hartford.scene_rect()
    top = QRectF(top.left() - 10, top.top() - 10, min(top.width(), 900) + 20, 140)
    shot = QImage(int(top.width() * 1.5), int(top.height() * 1.5), QImage.Format.Format_ARGB32)
    shot.fill(QColor("white"))
    painter = QPainter(shot)
    scene.render(painter, QRectF(shot.rect()), top)
    painter.end()
    shot.save(str(SHOTS / "witness-site.png"))
    # A Mailbox server placed there makes it a site of its own role again.
    vm = next(
        e.id
        for e in session.design.elements
        if e.kind == "vm" and e.name == "HFD-FS01"  # (the witness's server)
    )
    session.set_selection([vm])
    qtbot.waitUntil(lambda: inspector.element_id == vm)
    version = inspector.editors["exchange_version"].editor
    assert isinstance(version, QComboBox)
    _choose(version, "2013")
    qtbot.waitUntil(lambda: session.document.get(vm).exchange_version is not None)
    assert hartford.subtitle.startswith("Production"), hartford.subtitle
