"""Wave 21's window leftovers (``ui21``), each through the user's door (``dr-designer gui
FILE``) and real widgets:

2. a zoomed-out cluster's name keeps off (or under) its first host's findings marker;
3. a bundled sample opened by its path is not saved in place: Save goes to Save As;
4. "Untitled design" takes the file's name only once the file is written;
5. Connect To's entries name a reference in words ("virtual disk's LUN"), not by its
   field (``lun``, ``cas_arrays``);

and eyes21's: #2 the Capacity dock's Export button shows its menu's arrow beside its text;
#7 the review PDF's diagram takes in a WAN link's label left of the sites; #8 the PDF's
RPO/RTO matrix in tables as wide as its page; #10 the scenario's name box is as wide as
the name it offers; #13 an align that puts boxes over others says so; #14 the Capacity
dock shows the log LUNs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from gui_door import console_main
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPdfWriter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QStyle,
    QToolButton,
)
from test_capacity_window import capacity_panel, degrade_from_menu, open_tab, simulate
from test_window_leftovers20 import tall_hosts_window

from designer import bundled
from designer.document.commands import SetDesignMeta, SetIntent
from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import Dag, EsxiHost, MailboxDatabase, Site, WanLink
from designer.interop.importing import import_sources
from designer.interop.review_html import names_whole, report_parts
from designer.persistence import load, save
from designer.ui import dialogs
from designer.ui.panels.capacity import NO_LOG_LUNS
from designer.ui.review import _document, diagram_source, pdf_parts, prepare_review
from designer.ui.review_diagram import diagram_scene as review_scene

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/ui21-shots"))
#: The designer's text box, before no_modal_dialogs replaces it.
_REAL_ASK_TEXT = dialogs.ask_text


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _connect_to_entries(window: Any, element_id: str) -> list[str]:
    """The entries of Connect To in the canvas menu of ``element_id`` (Shift+F10), as
    shown (without their Alt keys' marks): its submenu's, or those of the chooser it
    opens when there are many (read, then cancelled)."""
    window.session.set_selection([element_id])
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    found = [a for a in menu.actions() if a.text().replace("&", "").startswith("Connect To")]
    assert len(found) == 1, [a.text() for a in menu.actions()]
    sub = found[0].menu()
    if isinstance(sub, QMenu):
        entries = [a.text().replace("&", "") for a in sub.actions() if a.text()]
        menu.close()
        return entries
    chooser: list[str] = []

    def read_and_cancel() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog)]
        if not dialogs or not dialogs[0].isVisible():
            QTimer.singleShot(20, read_and_cancel)
            return
        chooser.extend(dialogs[0].comboBoxItems())
        dialogs[0].reject()

    QTimer.singleShot(20, read_and_cancel)
    found[0].trigger()
    return chooser


# -- 5. Connect To names a reference in words ------------------------------------------------
def test_connect_to_names_the_reference_it_sets_in_words(launch: Any) -> None:
    window = launch(SAMPLE)
    lun = _connect_to_entries(window, "lun-bos-mbx01-db")  # 70 targets: the chooser
    disk = [e for e in lun if "(virtual disk)" in e]
    # What each does (wave 22, eyes22 #8: "— virtual disk's LUN" read as a name).
    assert len(disk) == 44 and all(e.endswith(" — becomes its LUN") for e in disk), disk
    balancer = _connect_to_entries(window, "lb-bos")
    assert balancer == ["WOR CAS array (CAS array) — added to the load balancer's CAS arrays"], (
        balancer
    )
    assert not [e for e in lun + balancer if "_" in e or "'s lun" in e or "cas arrays" in e]


# -- 2. a zoomed-out cluster's name and its first host's findings marker --------------------
def _marker_pixel(window: Any, element_id: str) -> tuple[QColor, QRectF]:
    """The colour inside ``element_id``'s findings marker on the canvas (right of its
    count) and the marker's rectangle on the viewport."""
    view = window.view
    node = view.design_scene.nodes[element_id]
    scale = view.transform().m11()
    badge = node.marker_rect(node.rect(), scale).translated(node.pos())
    rect = QRectF(view.mapFromScene(badge).boundingRect())
    image = view.viewport().grab().toImage()
    at = rect.center() + QPointF(rect.width() * 0.3, 0)
    return image.pixelColor(round(at.x()), round(at.y())), rect


def test_a_clusters_name_keeps_its_first_hosts_marker_in_sight(launch: Any, qtbot: Any) -> None:
    window = tall_hosts_window(launch)
    view = window.view
    scene = view.design_scene
    qtbot.waitUntil(lambda: scene.marker_of("h0") is not None, timeout=10_000)
    warning = QColor(scene.theme.severity[scene.marker_of("h0")[0]])
    for zoom in (0.2, 0.25):
        view.set_zoom(zoom)
        view.centerOn(scene.content_rect().center())
        scene.labels.record = []
        view.viewport().repaint()
        drawn = list(scene.labels.record)
        _shot(view.viewport(), f"cluster-name-and-host-marker-{round(zoom * 100)}pc")
        (title,) = [label for label in drawn if label.owner == "cl" and label.text != "1"]
        pixel, badge = _marker_pixel(window, "h0")
        # The marker shows: its colour, not the title's pill (the canvas's background).
        assert abs(pixel.hue() - warning.hue()) < 12 and pixel.saturation() > 120, (
            zoom,
            pixel.name(),
            warning.name(),
        )
        if zoom == 0.25:
            # Room for a readable name before the marker: shortened to end before it.
            assert title.text != "BOS-Cluster" and "…" in title.text, title.text
            assert title.rect.right() < badge.left(), (title.rect, badge)
        else:
            # No room for a readable name before it: the marker is drawn over the name.
            assert title.text == "BOS-Cluster"
            assert title.rect.intersects(badge)
            assert [label.owner for label in drawn].index("cl") < len(drawn) - 1
            assert (drawn[-1].owner, drawn[-1].text) == ("h0", "1")


# -- 3. a bundled sample opened by its path is not saved in place ------------------------------
class _SaveDialog:
    """QFileDialog.getSaveFileName: records its title and where it started, answers
    ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked: list[tuple[str, Path]] = []
        self.answer = ""
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(self._ask))

    def _ask(self, _parent, title, start, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        self.asked.append((title, Path(start)))
        return self.answer, ""


def _samples_here(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled samples' folder (three_site_stretched_dag.json only) that
    the designer takes for it: a failing test must not write over the checkout's."""
    samples = folder / "installed" / "designer" / "sample_designs"
    samples.mkdir(parents=True)
    shutil.copy(SAMPLE, samples / SAMPLE.name)
    monkeypatch.setattr(bundled, "samples_folder", lambda: samples)
    return samples / SAMPLE.name


@pytest.mark.usefixtures("no_modal_dialogs")
def test_ctrl_s_on_a_sample_opened_by_its_path_saves_a_copy_in_documents(
    launch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = _samples_here(tmp_path, monkeypatch)
    before = sample.read_bytes()
    documents = launch.home / "Documents"
    documents.mkdir()
    window = launch(sample)  # dr-designer gui …/sample_designs/three_site_stretched_dag.json
    assert window.session.path == sample.resolve()
    window.session.apply(SetDesignMeta(description="my copy"))
    dialog = _SaveDialog(monkeypatch)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # cancelled
    assert dialog.asked == [("Save your copy of the sample as", documents / sample.name)]
    assert sample.read_bytes() == before and window.session.dirty
    # Exports of it start in Documents too, not beside the installed sample.
    dialog.answer = ""
    window.export_dialog("png")
    assert dialog.asked[-1][1] == documents / "three_site_stretched_dag.png"
    # Saved as the user's own file, Ctrl+S saves there, without asking.
    mine = documents / "boston.json"
    dialog.answer = str(mine)
    QTest.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.session.path == mine.resolve() and not window.session.dirty
    assert load(mine).description == "my copy" and sample.read_bytes() == before
    window.session.apply(SetDesignMeta(description="my copy, again"))
    asked = len(dialog.asked)
    QTest.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(dialog.asked) == asked and load(mine).description == "my copy, again"
    assert sample.read_bytes() == before


# -- 4. "Untitled design" takes the file's name once the file is written -----------------------
@pytest.mark.usefixtures("no_modal_dialogs")
def test_a_failed_save_as_leaves_the_untitled_design_as_it_was(
    launch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_modal_dialogs: Any
) -> None:
    window = launch()
    session = window.session
    window.act_new.trigger()
    session.apply(SetDesignMeta(description="Boston's DR"))
    steps, index = session.undo_stack.count(), session.undo_stack.index()
    dialog = _SaveDialog(monkeypatch)
    dialog.answer = str(tmp_path / "no such folder" / "boston-dr.json")  # cannot be written
    window.act_save_as.trigger()
    assert no_modal_dialogs and no_modal_dialogs[-1][0] == "critical", no_modal_dialogs
    assert session.design.name == "Untitled design" and session.path is None
    assert (session.undo_stack.count(), session.undo_stack.index()) == (steps, index)
    assert session.undo_stack.undoText() == "Change design description" and session.dirty
    # Written: the name, one step of its own, and the file says it.
    target = tmp_path / "boston-dr.json"
    dialog.answer = str(target)
    window.act_save_as.trigger()
    assert session.design.name == "boston-dr" and load(target).name == "boston-dr"
    assert session.undo_stack.count() == steps + 1 and not session.dirty
    assert session.undo_stack.undoText() == "Name the design boston-dr after its file"


# -- eyes21 #2: the Capacity dock's Export button --------------------------------------------
def test_the_capacity_export_buttons_arrow_is_beside_its_text(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    window.resize(1600, 1000)
    open_tab(window, "Capacity")
    panel = capacity_panel(window)
    qtbot.waitUntil(lambda: panel.export_button.isEnabled(), timeout=20_000)
    button = panel.export_button
    _shot(panel, "capacity-export-button")
    # Wide enough for its text, the menu's arrow and the margins each side (a tool
    # button's drew the arrow over the "t": 56 px).
    style, metrics = button.style(), button.fontMetrics()
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
    text = metrics.horizontalAdvance(button.text().replace("&", ""))
    assert button.width() >= text + arrow + 2 * margin, (button.width(), text, arrow, margin)
    # Whole inside the dock, its right border in sight.
    inside = button.mapTo(panel, button.rect().bottomRight())
    assert inside.x() < panel.width() - 1, (inside, panel.width())
    # A click opens its menu.
    seen: list[str] = []

    def read_and_close() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, read_and_close)
            return
        seen.extend(a.text().replace("&", "") for a in menu.actions())
        menu.close()

    QTimer.singleShot(20, read_and_close)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)  # the menu opens after the press
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == ["Copy Figures as JSON", "Save Figures as JSON…"]


# -- eyes21 #10: the scenario's name box --------------------------------------------------
def test_the_scenario_name_box_shows_the_whole_name_it_offers(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Bandwidth to 25 %"])
    saved = list(window.session.design.scenarios)  # the sample's own
    monkeypatch.setattr(dialogs, "ask_text", _REAL_ASK_TEXT)  # the real box, this once
    seen: dict[str, Any] = {}

    def look_and_cancel() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(20, look_and_cancel)
            return
        edit = box.findChild(QLineEdit)
        assert edit is not None
        seen.update(text=edit.text(), width=edit.width())
        seen["needs"] = edit.fontMetrics().horizontalAdvance(edit.text())
        _shot(box, "save-scenario-name")
        box.reject()

    QTimer.singleShot(0, look_and_cancel)
    save = next(
        b
        for b in window.simulation.bar.findChildren(QToolButton)
        if b.text().startswith("Save scenario")
    )
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    assert seen["text"].startswith("degrade ATL-CLT WAN"), seen
    # The whole name in the box, with its frame's margins (it was ~150 px: "rimary – …").
    assert seen["width"] >= seen["needs"] + 8, seen
    assert window.session.design.scenarios == saved  # cancelled: nothing saved


# -- eyes21 #8: the PDF's RPO/RTO matrix as wide as its page -----------------------------
def _thirteen_failures(folder: Path) -> Path:
    """The calculator-prod import (72 databases, its site and 8 hosts) with four hosts
    more: 13 failures across the matrix."""
    data = Path(__file__).resolve().parents[1] / "interop" / "data" / "calculator-prod"
    design = import_sources("calculator", sorted(data.glob("*.csv")), into=Design()).design
    site = next(e for e in design.elements if e.kind == "site")
    extra = [EsxiHost(id=f"dr-{i}", name=f"SRV-DR-{i:02d}", site=site.id) for i in (1, 2, 3, 4)]
    path = folder / "thirteen.json"
    save(design.model_copy(update={"elements": [*design.elements, *extra]}), path)
    return path


def test_the_pdfs_rpo_rto_matrix_fits_its_page(qapp: Any, tmp_path: Path) -> None:
    path = _thirteen_failures(tmp_path)
    out = tmp_path / "review.pdf"
    assert console_main()(["report", str(path), "-o", str(out)]) == 0  # the user's door
    assert out.read_bytes().startswith(b"%PDF")
    data = prepare_review(load(path))
    assert len(data.matrix_failures) == 13 and len(data.matrix_databases) == 72
    # What write_pdf lays out on an A4 page (15 mm margins, 96 dpi): nothing wider.
    writer = QPdfWriter(str(tmp_path / "probe.pdf"))
    writer.setResolution(96)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    _, body = pdf_parts(data, lambda _key, _svg: "")
    assert body.count("Failures 1–8 of 13:") == 1 and body.count("Failures 9–13 of 13:") == 1
    page = writer.width()
    document = _document(body, page, {})  # as write_pdf lays it out
    assert document.idealWidth() <= page + 2, (document.idealWidth(), page)
    # One table of all 13 (as before) is ~150 px wider than the page.
    _, whole = report_parts(data, lambda _key, _svg: "")
    document = _document(names_whole(whole), page, {})
    assert document.idealWidth() > page + 100, (document.idealWidth(), page)
    # The HTML report (a browser scrolls sideways) keeps one table.
    assert "Failures 1–8" not in whole


# -- eyes21 #14: the log LUNs' clocks in the Capacity dock ---------------------------------
def test_the_capacity_dock_shows_the_log_luns_clocks(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    open_tab(window, "Capacity")
    panel = capacity_panel(window)
    controller = panel.controller
    qtbot.waitUntil(lambda: controller.report is not None, timeout=20_000)
    assert panel.tables.currentWidget() is panel.table  # the servers first, as before
    bar = panel.tables.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    table = panel.log_table
    assert table is not None and table.isVisible()
    _shot(panel, "capacity-log-luns")
    rows = [[table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())]
    # What `dr-designer capacity` says of them: "BOS-MBX01 DS-LOG: 22.9 h (240 GB free
    # (assumed), 10.486 GB/h of logs)".
    assert rows == [
        [f"{site}-MBX0{n} DS-LOG", "DB01, DB02, DB03, DB04", "240.0 (assumed)", "10.49", "22.9"]
        for site in ("BOS", "WOR")
        for n in (1, 2)
    ], rows
    assert table.item(0, 4).toolTip() == ""  # 22.9 h outlasts the RTO target (30 min)
    # A double-click (a click, then the double-click event) finds the LUN on the canvas.
    rect = table.visualItemRect(table.item(2, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    lun = window.session.design.elements
    assert [e.name for e in lun if e.id in window.session.selection] == ["WOR-MBX01 DS-LOG"]
    # An RTO target of 24 h: each fills before it (CAP004's finding), in red.
    intent = window.session.design.intent.model_copy(update={"rto_target_min": 24 * 60.0})
    window.session.apply(SetIntent(intent))
    qtbot.waitUntil(
        lambda: table.item(0, 4) is not None and table.item(0, 4).toolTip() != "", timeout=20_000
    )
    assert "(CAP004)" in table.item(0, 4).toolTip()
    assert table.item(0, 4).foreground().color().name() == "#d32f2f"
    # A design whose sizing finds no log LUN says so (Exchange 2007: no DAG).
    window = launch(SAMPLES / "exchange2007_lcr_ccr_scr.json")
    open_tab(window, "Capacity")
    panel = capacity_panel(window)
    qtbot.waitUntil(lambda: panel.controller.report is not None, timeout=20_000)
    panel.tables.setCurrentIndex(1)
    table = panel.log_table
    assert table.rowCount() == 1 and table.item(0, 0).text() == NO_LOG_LUNS
    assert table.columnSpan(0, 0) == 5


# -- eyes21 #13: an align that puts boxes over others says so ----------------------------
def _two_columns_of_databases(folder: Path) -> Path:
    """A DAG holding six databases in two columns of three, side by side."""
    elements: list[Any] = [Dag(id="dag", name="DAG01")]
    layout = {"dag": LayoutEntry(x=0, y=0, w=420, h=200)}
    for n in range(6):
        column, row = divmod(n, 3)
        elements.append(MailboxDatabase(id=f"db{n + 1}", name=f"DB0{n + 1}", dag="dag"))
        layout[f"db{n + 1}"] = LayoutEntry(x=10 + 200 * column, y=40 + 40 * row, w=150, h=24)
    path = folder / "two-columns.json"
    save(Design(name="Two columns", elements=elements, layout=layout), path)
    return path


def test_aligning_boxes_onto_others_says_so(launch: Any) -> None:
    window = launch(_two_columns_of_databases(launch.home))
    session = window.session
    # DB01 (left column) and DB05, DB06 (right column): aligned left, DB05 and DB06
    # land on DB02 and DB03.
    session.set_selection(["db1", "db5", "db6"])
    window.act_align["left"].trigger()
    layout = session.design.layout
    assert layout["db5"].x == layout["db2"].x == 10 and layout["db5"].y == layout["db2"].y
    message = window.statusBar().currentMessage()
    assert message == (
        "2 boxes now lie over others in their container (DB05, DB06): Undo (Ctrl+Z) puts them back"
    ), message
    # Undone, and aligned where nothing lies under them: nothing said.
    window.act_undo.trigger()
    assert layout != session.design.layout and session.design.layout["db5"].x == 210
    window.statusBar().clearMessage()
    session.set_selection(["db4", "db5"])
    window.act_align["left"].trigger()
    assert "lie over" not in window.statusBar().currentMessage()


# -- eyes21 #7: the review PDF's diagram takes in the lines' labels ------------------------
def test_the_pdfs_diagram_takes_in_a_wan_links_label_left_of_the_sites(
    qapp: Any, tmp_path: Path
) -> None:
    """DR-Site below Primary and a little right: the link leaves Primary's left side and
    its label lies left of both sites, where the diagram page cut it ("te · 1 ms")."""
    design = Design(
        name="Primary and DR",
        elements=[
            Site(id="a", name="Primary"),
            Site(id="b", name="DR-Site"),
            WanLink(id="w", name="Primary – DR-Site", site_a="a", site_b="b"),
        ],
        layout={
            "a": LayoutEntry(x=0, y=0, w=400, h=200),
            "b": LayoutEntry(x=300, y=400, w=400, h=200),
        },
    )
    path = tmp_path / "primary-dr.json"
    save(design, path)
    out = tmp_path / "review.pdf"
    assert console_main()(["report", str(path), "-o", str(out)]) == 0  # the user's door
    session, scene = review_scene(load(path))
    source = diagram_source(scene)
    edge = scene.edges["w"]
    label = edge.mapRectToScene(edge.childrenBoundingRect())
    assert label.left() < scene.content_rect().left()  # past the boxes: it was cut off
    assert source.contains(label), (source, label)
    del session
