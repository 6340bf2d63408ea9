"""Wave 20's window leftovers (``ui20``), each through the user's door
(``dr-designer gui FILE``) with real clicks and keys:

* the Databases panel's member columns by site, then by name (the DAG's own member
  order is the order members were added in, which the user never sees);
* the sizing's assumed figures named in words (``peak factor``, not ``peak_factor``) in
  the Capacity dock's notes, as ``dr-designer capacity`` prints them (tests/cli);
* the HTML review report's diagram at the canvas's 100 % (it was shrunk to the page's
  width: the three-site sample's names ~3 pixels high), at twice the pixel density;
"""

from __future__ import annotations

import base64
import os
import re
import struct
from pathlib import Path
from typing import Any

from gui_door import console_main
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import capacity_panel, open_tab

from designer.document.commands import SetProperty
from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import (
    Dag,
    DatabaseCopy,
    EsxiHost,
    MailboxDatabase,
    Site,
    VirtualMachine,
    VmRole,
    VsphereCluster,
)
from designer.persistence import load, save
from designer.ui.export import image_size
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.problems import FINDING_ROLE, GROUP_AT, GROUP_ROLE, ProblemsPanel
from designer.ui.review_diagram import diagram_scene

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/ui20-shots"))


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


# -- 1. the Databases panel's columns -----------------------------------------------------
def _dag_grown_member_by_member(folder: Path) -> Path:
    """A DAG whose members were added in no order: Worcester's second, Boston's tenth,
    Boston's second, Worcester's first."""
    mbx = [VmRole.MAILBOX]
    elements: list[Any] = [
        Site(id="wor", name="Worcester"),
        Site(id="bos", name="Boston"),
        EsxiHost(id="h-b", name="esx-bos", site="bos"),
        EsxiHost(id="h-w", name="esx-wor", site="wor"),
        VirtualMachine(id="w2", name="WOR-MBX02", host="h-w", roles=mbx),
        VirtualMachine(id="b10", name="BOS-MBX10", host="h-b", roles=mbx),
        VirtualMachine(id="b2", name="BOS-MBX2", host="h-b", roles=mbx),
        VirtualMachine(id="w1", name="WOR-MBX01", host="h-w", roles=mbx),
        Dag(id="dag", name="DAG01", members=["w2", "b10", "b2", "w1"]),
        MailboxDatabase(
            id="db1",
            name="DB01",
            dag="dag",
            copies=[
                DatabaseCopy(member="b2", activation_preference=1),
                DatabaseCopy(member="b10", activation_preference=2),
                DatabaseCopy(member="w1", activation_preference=3),
                DatabaseCopy(member="w2", activation_preference=4, replay_lag_days=7),
            ],
        ),
    ]
    path = folder / "grown.drd.json"
    save(Design(name="Grown", elements=elements), path)
    return path


def _headers(table: Any) -> list[str]:
    return [
        table.horizontalHeaderItem(c).text().replace("\n", " · ")
        for c in range(table.columnCount())
    ]


def test_the_databases_columns_go_by_site_then_by_name(launch: Any, qtbot: Any) -> None:
    window = launch(_dag_grown_member_by_member(launch.home))
    window.resize(1280, 800)
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    table = panel.table
    qtbot.waitUntil(lambda: table.columnCount() == 4, timeout=5000)
    expected = [
        "BOS-MBX2 · Boston",
        "BOS-MBX10 · Boston",
        "WOR-MBX01 · Worcester",
        "WOR-MBX02 · Worcester",
    ]
    assert _headers(table) == expected
    assert [table.item(0, c).text() for c in range(4)] == ["1", "2", "3", "4 (lag 7d)"]
    _shot(panel, "databases-columns-by-site")
    # A click on a header still shows that member.
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.session.selection == ["b10"]

    # The cursor on BOS-MBX10's cell; renamed BOS-MBX01, its column moves first and the
    # cursor goes with it.
    rect = table.visualItemRect(table.item(0, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (table.currentRow(), table.currentColumn()) == (0, 1)
    window.session.push(SetProperty("b10", "name", "BOS-MBX01"))
    assert _headers(table)[:2] == ["BOS-MBX01 · Boston", "BOS-MBX2 · Boston"]
    assert (table.currentRow(), table.currentColumn()) == (0, 0)
    assert table.item(0, 0).text() == "2"

    # Plan copies' preview heads its columns the same way.
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    plan = panel.plan.table
    qtbot.waitUntil(lambda: plan.columnCount() == 4 and plan.isVisible(), timeout=5000)
    assert _headers(plan) == _headers(table)


# -- 2. the assumed figures in words ----------------------------------------------------------
def test_the_capacity_docks_notes_name_the_assumed_figures_in_words(
    launch: Any, qtbot: Any
) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    panel = capacity_panel(window)
    qtbot.waitUntil(lambda: "assumption" in panel.summary.toolTip(), timeout=20_000)
    notes = [n for n in panel.summary.toolTip().splitlines() if n.startswith("assumption: ")]
    named = {n.removeprefix("assumption: ").split(": ", 1)[0] for n in notes}
    assert {"peak factor", "Double-Take write factor", "vCPU megacycles"} <= named
    assert not any("_" in name for name in named), named


# -- 3. the review report's diagram at the canvas's 100 % -----------------------------------
def test_the_html_reports_diagram_is_drawn_at_the_canvass_size(qapp: Any, tmp_path: Path) -> None:
    sample = SAMPLES / "three_site_stretched_dag.json"
    page = tmp_path / "review.html"
    assert console_main()(["report", str(sample), "-o", str(page)]) == 0  # dr-designer report
    text = page.read_text(encoding="utf-8")
    found = re.search(
        r'<figure class="diagram"><img alt="[^"]*" width="(\d+)" height="(\d+)" '
        r'(?:usemap="#shortened" )?src="data:image/png;base64,([^"]+)">',
        text,
    )
    assert found is not None
    width, height = int(found[1]), int(found[2])
    png = base64.b64decode(found[3])
    pixels = struct.unpack(">II", png[16:24])  # the PNG's IHDR: width, height
    # Shown at the drawing's own size (the canvas at 100 %: 1 page pixel a scene unit),
    # drawn with twice the pixels; the page says so.
    session, scene = diagram_scene(load(sample))
    drawing = image_size(scene, 1.0)  # what File > Export draws at 100 %
    assert (width, height) == (drawing.width(), drawing.height())
    assert width > 3000  # wider than the page: the figure scrolls sideways
    assert pixels == (2 * width, 2 * height)
    assert "The drawing at the canvas's 100 %" in text
    del session


# -- 4. the Problems table's first row current ---------------------------------------------
def test_the_problems_tables_first_finding_is_current_at_once(launch: Any, qtbot: Any) -> None:
    window = launch(_dag_grown_member_by_member(launch.home))  # 9 findings
    window.resize(1280, 800)
    session = window.session
    window.view.setFocus()
    session.set_selection([])
    panel = window.findChild(ProblemsPanel)
    assert isinstance(panel, ProblemsPanel)
    open_tab(window, "Problems")
    table, model = panel.table, panel.table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 2, timeout=10_000)
    first = model.index(0, 0).data(FINDING_ROLE)
    assert table.currentIndex().row() == 0 and panel.current_finding() == first
    assert panel.waive_button.isEnabled() == (not first.waived)
    assert session.selection == []  # the canvas's selection is the user's
    _shot(panel, "problems-first-row-current")
    # The keyboard: into the table, Down goes to the second finding, F1 explains it.
    table.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    QTest.keyClick(table, Qt.Key.Key_F1)
    second = model.index(1, 0).data(FINDING_ROLE)
    assert panel.explain_view.isVisible() and second.code in panel.explain_view.toPlainText()
    assert session.selection == []
    # A filter that hides the current finding: the first one shown becomes current.
    QTest.keyClicks(panel.filter_edit, first.code)
    assert model.rowCount() >= 1 and table.currentIndex().isValid()
    assert model.index(table.currentIndex().row(), 0).data(FINDING_ROLE).code == first.code


# -- 5. a cluster's name over its hosts when zoomed out --------------------------------------
def _tall_hosts(folder: Path) -> Path:
    """A site with a cluster of four hosts of twenty VMs each, the cluster well below
    the site's own name."""
    elements: list[Any] = [
        Site(id="bos", name="Boston"),
        VsphereCluster(id="cl", name="BOS-Cluster", site="bos"),
    ]
    layout = {
        "bos": LayoutEntry(x=0, y=0, w=1400, h=1000),
        "cl": LayoutEntry(x=20, y=160, w=1300, h=700),
    }
    for h in range(4):
        host = f"h{h}"
        elements.append(EsxiHost(id=host, name=f"esx-bos-{h + 1:02d}", site="bos", cluster="cl"))
        layout[host] = LayoutEntry(x=40 + h * 320, y=200, w=300, h=600)
        for v in range(20):
            vm = f"v{h}-{v}"
            elements.append(VirtualMachine(id=vm, name=f"BOS-APP{h}{v:02d}", host=host))
            layout[vm] = LayoutEntry(x=50 + h * 320, y=232 + v * 28, w=280, h=24)
    path = folder / "tall-hosts.drd.json"
    save(Design(name="Tall hosts", elements=elements, layout=layout), path)
    return path


def tall_hosts_window(launch: Any) -> Any:
    """``dr-designer gui tall-hosts.drd.json`` (see :func:`_tall_hosts`), 1200 × 800."""
    window = launch(_tall_hosts(launch.home))
    window.resize(1200, 800)
    QTest.qWaitForWindowExposed(window)
    return window


def test_a_zoomed_out_clusters_name_is_drawn_over_its_hosts(launch: Any, qtbot: Any) -> None:
    view = tall_hosts_window(launch).view
    scene = view.design_scene
    view.set_zoom(0.2)
    view.centerOn(scene.content_rect().center())
    scene.labels.record = []
    view.viewport().repaint()
    drawn = list(scene.labels.record)
    _shot(view.viewport(), "cluster-name-over-its-hosts-20pc")
    named = [i for i, label in enumerate(drawn) if label.owner == "cl" and label.text != "1"]
    assert len(named) == 1, [(label.owner, label.text) for label in drawn]
    title = drawn[named[0]]
    assert title.text == "BOS-Cluster"
    # Drawn after every label of its hosts (over them), overlapping none of them; but
    # esx-bos-01's findings marker, drawn again over it (wave 21, ui21 item 2).
    inside = {f"h{h}" for h in range(4)} | {f"v{h}-{v}" for h in range(4) for v in range(20)}
    names = [label for label in drawn if label.text != "1"]
    assert [i for i, label in enumerate(drawn) if label.owner in inside and i > named[0]] == [
        i for i, label in enumerate(drawn) if (label.owner, label.text) == ("h0", "1")
    ]
    inner = title.rect.adjusted(0.5, 0.5, -0.5, -0.5)
    assert not any(inner.intersects(label.rect) for label in names if label is not title)
    # The pixels: the name's pill (the canvas's background), not esx-bos-01's body.
    image: QImage = view.viewport().grab().toImage()
    rect: QRectF = title.rect
    # Left of the first letter, in the pill (3 px wide there).
    pixel = image.pixelColor(round(rect.left()) - 2, round(rect.center().y()))
    background = QColor(scene.theme.background)
    assert abs(pixel.lightness() - background.lightness()) < 40, pixel.name()
    # A pan (the titles' pictures copied to their new place) keeps it named.
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 15)
    scene.labels.record = []
    view.viewport().repaint()
    assert "BOS-Cluster" in [label.text for label in scene.labels.record if label.owner == "cl"]


# -- 6. many findings of one rule, one row -----------------------------------------------------
def _twelve_empty_databases(folder: Path) -> Path:
    """The grown DAG with twelve databases of one copy in Boston (DAG004 each), without
    a backup nor a lagged copy (BK001 says that once for the DAG since rules26) and
    stating no mailboxes (CAP006 once since rules25)."""
    design = load(_dag_grown_member_by_member(folder))
    copies = [
        DatabaseCopy(member="b2", activation_preference=1),
        DatabaseCopy(member="w1", activation_preference=2),
    ]
    databases = [
        MailboxDatabase(id=f"x{n:02d}", name=f"DB-X{n:02d}", dag="dag", copies=copies)
        for n in range(1, 13)
    ]
    path = folder / "twelve.drd.json"
    save(design.model_copy(update={"elements": [*design.elements, *databases]}), path)
    return path


def _codes(model: Any) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_many_findings_of_one_rule_are_one_row_that_opens(launch: Any, qtbot: Any) -> None:
    window = launch(_twelve_empty_databases(launch.home))
    window.resize(1280, 800)
    session = window.session
    panel = window.findChild(ProblemsPanel)
    assert isinstance(panel, ProblemsPanel)
    open_tab(window, "Problems")
    table, model = panel.table, panel.table.model()
    qtbot.waitUntil(lambda: any("DAG004" in c for c in _codes(model)), timeout=10_000)
    # The rules' output is the same: 12 DAG004 findings (the twelve have one copy in
    # Boston). (BK001 said the twelve once since wave 26, as CAP006 since wave 25.)
    dag004 = [f for f in session.findings.findings if f.code == "DAG004"]
    assert len(dag004) == 12 >= GROUP_AT
    codes = _codes(model)
    assert codes.count("▸ DAG004 ×12") == 1 and "DAG004" not in codes, codes
    row = codes.index("▸ DAG004 ×12")
    assert model.index(row, 0).data(GROUP_ROLE) == 12
    assert model.index(row, 2).data() == (
        "database … has 1 non-lagged copy in its primary site Boston; local high "
        "availability needs 2: add a copy on DAG member BOS-MBX10"  # (wave 28: its fix)
    ), model.index(row, 2).data()
    _shot(panel, "problems-group-closed")

    # A click opens it: the twelve follow, indented; Waive… is for one finding.
    table.scrollTo(model.index(row, 2))
    rect = table.visualRect(model.index(row, 2))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentIndex().row() == row and not panel.waive_button.isEnabled()
    assert _codes(model)[row] == "▾ DAG004 ×12"
    assert _codes(model)[row + 1 : row + 13] == ["    DAG004"] * 12
    _shot(panel, "problems-group-open")
    # ← closes it, → opens it, Enter closes it: the keyboard's way.
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Left)
    assert _codes(model)[row] == "▸ DAG004 ×12" and model.rowCount() == len(codes)
    QTest.keyClick(table, Qt.Key.Key_Right)
    assert model.rowCount() == len(codes) + 12
    # Down to a finding of the group, Enter shows its database on the canvas.
    QTest.keyClick(table, Qt.Key.Key_Down)
    inner = model.index(row + 1, 0).data(FINDING_ROLE)
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert session.selection == [inner.elements[0]]
    # ← from inside the group closes it, its row current again.
    QTest.keyClick(table, Qt.Key.Key_Left)
    assert model.rowCount() == len(codes) and table.currentIndex().row() == row
    # The filter: one finding of each rule left about DB-X07, each a row of its own.
    QTest.keyClicks(panel.filter_edit, "DB-X07")
    # (Wave 21: the twelve databases' copies have no disks, DAG014 on each of the two.)
    assert sorted(_codes(model)) == ["BK001", "CAP006", "DAG004", "DAG014", "DAG014"]


# -- eyes20's notes ----------------------------------------------------------------------------
def test_the_canvas_menu_says_the_keys_of_its_entries(launch: Any, qtbot: Any) -> None:
    # eyes20 #3: only Rename said its key (F2); Cut, Copy, Paste Here, Duplicate and Delete
    # said none, and keyboard users learn the keys from menus.
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1280, 800)
    session, view = window.session, window.view
    session.set_selection(["site-bos"])
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert menu is not None and menu.isVisible()
    _shot(menu, "canvas-menu-keys")
    hints = {
        a.text().split("\t")[0].replace("&", ""): a.text().partition("\t")[2]
        for a in menu.actions()
        if a.text()
    }
    native = QKeySequence.SequenceFormat.NativeText
    for entry, action in [
        ("Cut", window.act_cut),
        ("Copy", window.act_copy),
        ("Paste Here", window.act_paste),
        ("Duplicate", window.act_duplicate),
        ("Delete", window.act_delete),
    ]:
        assert hints[entry] == action.shortcut().toString(native), entry
    assert hints["Rename…"] == "F2"
    menu.close()


def test_each_entry_of_the_file_menu_has_a_letter_of_its_own(launch: Any) -> None:
    # eyes20 #16: "Open &Recent" and "Design &Review Report…" shared R: Alt+F, R went to
    # the recent files; the report was reached only with the arrows.
    window = launch()
    letters = [
        match[1].lower()
        for action in window.file_menu.actions()
        if action.isVisible() and (match := re.search(r"&([^&])", action.text()))
    ]
    assert len(letters) == len(set(letters)), letters
    assert "&Design Review Report…" in [a.text() for a in window.file_menu.actions()]
