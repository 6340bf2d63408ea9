"""Capacity in the window (issue 11), driven through real events on the window opened as
``dr-designer gui SAMPLE`` opens it (tests/gui_door.py): the Capacity dock's stacked
streams per mode with the bandwidth line and its servers' table, the canvas drawing
WAN links by utilisation, a mailbox profile and the design's figures edited in the
Inspector, degraded-link what-ifs from a link's menu in simulation mode, and the
copy-layout generator's preview in the Databases panel applied as one undoable step.

Figures (exchange2007_lcr_ccr_scr): Redmond's 4,000 CCR mailboxes at Microsoft's 150
messages a day log 30 MiB each a day; at three times the average hour that is
4,000 × 30 × 1,048,576 × 8 / 86,400 × 3 / 10^6 = 34.95 Mbit/s per copy. The SCR copy in
Portland takes it over RED-POR (100 Mbit/s: 35 %) and, once Redmond is lost, from
Bellevue over the 20 Mbit/s BEL-POR line (175 %).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from gui_door import console_main
from PySide6.QtCore import QPoint, QRectF, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabBar,
    QToolButton,
    QWidget,
)

from benchmarks.generate import generate_design
from designer.document.commands import SetCapacity
from designer.domain import Design, Site
from designer.domain.workload import CapacitySettings
from designer.persistence import dumps, load, save
from designer.ui import dialogs
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.main_window import MainWindow
from designer.ui.panels import capacity as capacity_module
from designer.ui.panels.capacity import CHART_MIN_HEIGHT, CapacityPanel, _short
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.inspector import InspectorPanel
from designer.workload import states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
E2007 = SAMPLES / "exchange2007_lcr_ccr_scr.json"
PER_COPY = 4000 * 30 * 1_048_576 * 8 / 86_400 * 3 / 1e6  # 34.95 Mbit/s


def open_tab(window: MainWindow, title: str) -> QDockWidget:
    """Click the dock tab ``title`` (the bottom docks are tabbed)."""
    for bar in window.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        for i in range(bar.count()):
            if bar.tabText(i).startswith(title):
                QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
                docks = [d for d in window.docks if d.windowTitle().startswith(title)]
                assert docks and docks[0].isVisible()
                return docks[0]
    raise AssertionError(f"no visible tab {title!r}")


def capacity_panel(window: MainWindow) -> CapacityPanel:
    dock = open_tab(window, "Capacity")
    panel = dock.widget()
    assert isinstance(panel, CapacityPanel)
    panel.controller.wait()
    # The chart is drawn on the event loop's next turn after the tab shows the panel.
    for _ in range(300):
        if panel.plot_widget is not None and not panel._chart_stale:
            break
        QTest.qWait(10)
    return panel


def edge_of(window: MainWindow, link_id: str) -> EdgeItem:
    scene = window.view.design_scene
    found = [e for e in scene.edges.values() if e.element_id == link_id]
    assert found, link_id
    return found[0]


def point_on(window: MainWindow, link_id: str) -> QPoint:
    """A viewport point on the link's line (near its middle, clear of its label)."""
    edge = edge_of(window, link_id)
    view = window.view
    scene_point = edge.mapToScene(edge.path().pointAtPercent(0.35))
    view.centerOn(scene_point)
    QApplication.processEvents()
    return view.mapFromScene(scene_point)


def choose(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    """Pick ``data`` in a combo box with the keyboard, as a user would."""
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0, data
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(target):
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == target


def type_into(spin, text: str) -> None:  # type: ignore[no-untyped-def]
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, text)
    QTest.keyClick(spin, Qt.Key.Key_Return)


def open_plan(launch, path: Path) -> tuple[MainWindow, DatabasesPanel]:  # type: ignore[no-untyped-def]
    """``dr-designer gui PATH`` at 1400×900, its check reported, then Databases → Plan
    copies…: the window and the Databases panel showing the preview."""
    window = launch(path)
    window.resize(1400, 900)
    window.session.wait_for_findings()
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    return window, panel


def stacked(panel: CapacityPanel, index: int) -> float:
    """The height of the stack drawn for the ``index``-th mode shown."""
    total = 0.0
    for bar in panel.bars:
        heights = bar.opts["height"]
        total += float(heights[index])
    return total


def test_capacity_dock_stacks_streams_per_mode_under_the_bandwidth_line(
    qtbot,
    launch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    window = launch(E2007)
    panel = capacity_panel(window)
    links = [panel.link_combo.itemText(i) for i in range(panel.link_combo.count())]
    assert sorted(links) == ["BEL-POR backup line", "RED-BEL metro fiber", "RED-POR WAN"]
    # The link over budget in its worst mode comes first, its busier direction too.
    assert panel.link_combo.currentText() == "BEL-POR backup line"
    assert panel.direction_combo.currentText() == "Bellevue → Portland"
    assert panel.bandwidth_line is not None and panel.bandwidth_line.value() == 20.0
    modes = panel.modes_shown()
    assert modes[0].mode.kind == "normal" and stacked(panel, 0) == 0.0
    assert modes[1].mode.label == "loss of site Redmond"
    assert stacked(panel, 1) == pytest.approx(PER_COPY, rel=1e-3)
    assert "over budget in some mode: BEL-POR backup line" in panel.summary.text()
    # Another link, chosen with the keyboard: its own bandwidth line and streams.
    choose(panel.link_combo, "wan-red-por")
    assert panel.bandwidth_line.value() == 100.0
    assert stacked(panel, 0) == pytest.approx(PER_COPY, rel=1e-3)
    # The servers' table: each mailbox server, its worst mode and its sizing.
    table = panel.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert set(rows) == {"POR-MBX-SCR01", "RED-CCR-N1", "RED-CCR-N2", "RED-MBX-LCR01"}
    n2 = rows["RED-CCR-N2"]
    assert table.item(n2, 2).text() == "0 / 0"
    assert table.item(n2, 3).text() == "8 / 4,000"
    assert table.item(n2, 4).text() != ""
    panel.grab().save(str(tmp_path / "capacity-dock.png"))


def test_a_design_without_workload_says_how_to_start(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    design = load(E2007)
    plain = [
        e.model_copy(update={"mailbox_profile": None}) if hasattr(e, "mailbox_profile") else e
        for e in design.elements
    ]
    path = tmp_path / "no-workload.json"
    save(design.model_copy(update={"elements": plain}), path)
    window = launch(path)
    panel = capacity_panel(window)
    assert panel.controller.report is None
    assert panel.link_combo.count() == 0 and panel.table.rowCount() == 0
    # The advice is said once, in the chart's place; the summary line under it did say
    # it again in other words (uiq23).
    assert panel.summary.text() == "No capacity workload stated: nothing sized."
    assert panel.empty_note.isVisible() and panel.summary.isVisible()
    note = panel.empty_note.text()
    assert "State a mailbox profile" in note and "an array or LUN a change rate" in note
    assert edge_of(window, "wan-red-por").load is None, "links keep their normal look"


def test_a_large_design_being_sized_says_so_not_that_it_states_no_workload(
    qtbot,
    launch,
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
    gates,
) -> None:
    """A design over SYNC_CAPACITY_LIMIT is sized on the worker: until that was done its
    Capacity tab said "this design states no capacity workload" (chart and summary),
    though it states one. It now says it is being sized, then shows the chart."""
    path = tmp_path / "generated-workload.json"
    design = generate_design(300, seed=0, workload=True)
    assert len(design.elements) > capacity_module.SYNC_CAPACITY_LIMIT
    path.write_text(dumps(design), encoding="utf-8")
    release = gates()  # shut until the test has seen the tab while its design is sized
    sizing = capacity_module.shared_sizing

    def held(design):  # type: ignore[no-untyped-def]
        release.wait()
        return sizing(design)

    monkeypatch.setattr(capacity_module, "shared_sizing", held)
    window = launch(path)
    try:
        window.resize(1600, 1000)
        dock = open_tab(window, "Capacity")
        panel = dock.widget()
        assert isinstance(panel, CapacityPanel)
        qtbot.waitUntil(lambda: panel.empty_note.isVisible())
        # From the first moment it shows this design (its sizing may not have started:
        # the refresh waits for the first frame and a debounce), never "no workload".
        assert len(window.session.document.design.elements) == len(design.elements)
        assert panel.empty_note.text() == capacity_module.SIZING
        assert panel.summary.text() == capacity_module.SIZING
        qtbot.waitUntil(lambda: panel.controller.sizing)
        assert panel.controller.report is None
        assert panel.empty_note.text() == capacity_module.SIZING
        shots = Path("/tmp/flake12-shots")
        shots.mkdir(exist_ok=True)
        panel.grab().save(str(shots / "capacity-sizing.png"))
    finally:
        release.set()
    qtbot.waitUntil(lambda: bool(panel.bars) and panel.plot_widget.isVisible(), timeout=30000)
    assert not panel.controller.sizing
    assert not panel.empty_note.isVisible()
    assert " modes sized" in panel.summary.text()


def test_an_empty_chart_says_why_in_its_place(
    qtbot,
    launch,
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """A generated design states no workload: the Capacity tab showed an empty plot with
    axis ticks 0.1–0.9 and a faint title. The chart's place now says why it is empty and
    what to do, and the chart comes back once there are streams to draw."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    window = launch(path)
    window.resize(1600, 1000)
    panel = capacity_panel(window)
    assert panel.controller.report is None
    qtbot.waitUntil(lambda: panel.empty_note.isVisible())
    note = panel.empty_note.text()
    assert note.startswith("No streams to chart: this design states no capacity workload.")
    assert "mailbox profile in the Inspector" in note
    assert panel.plot_widget is not None and not panel.plot_widget.isVisible()
    assert panel.empty_note.width() > 300, "the note takes the chart's place"
    shots = Path("/tmp/dir11-shots")
    shots.mkdir(exist_ok=True)
    panel.grab().save(str(shots / "capacity-empty.png"))
    # File > Open a design with streams: the chart, not the note.
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(E2007), ""))
    )
    window.act_open.trigger()
    panel.controller.wait()
    qtbot.waitUntil(lambda: bool(panel.bars) and panel.plot_widget.isVisible())
    assert not panel.empty_note.isVisible()
    # A direction nothing crosses in any mode says so too (and which way to look).
    choose(panel.link_combo, "wan-red-por")
    choose(panel.direction_combo, "b_to_a")
    assert not panel.bars and panel.empty_note.isVisible()
    name = window.session.document.get("wan-red-por").name  # type: ignore[union-attr]
    assert panel.empty_note.text() == (
        f"Nothing crosses {name} Portland → Redmond in any mode: its streams go the other "
        "way (choose the other direction above)."
    )
    panel.grab().save(str(shots / "capacity-other-direction.png"))
    choose(panel.direction_combo, "a_to_b")
    assert panel.bars and panel.plot_widget.isVisible() and not panel.empty_note.isVisible()


def axis_labels(panel: CapacityPanel) -> list[tuple[QRectF, str]]:
    """The mode labels the chart's axis draws, where (what pyqtgraph paints)."""
    axis = panel.plot.getAxis("bottom")
    image = QImage(axis.boundingRect().size().toSize(), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(QRectF(rect), text) for rect, _flags, text in texts]


def _joined(text: str) -> str:
    """An axis label's lines as one name: joined by a space, or by nothing after a
    hyphen (the fitted labels break there too)."""
    lines = text.split("\n")
    out = lines[0]
    for line in lines[1:]:
        out += line if out.endswith("-") else " " + line
    return out


def _glued(name: str) -> str:
    """A one-word name as the axis cuts it where letters meet digits, lines joined by a
    space as _joined joins them ("esx01001" -> "esx 01001")."""
    return re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", name, count=1)


def test_many_modes_label_their_bars_without_overlapping(
    qtbot,
    launch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """With a site's mailbox profile stated on a generated design, a link's chart has a
    bar per mode: its labels overlapped ("array DC02-CX2" over "site DC03") and the last
    bar had none. Each label now fits its bar's share (wrapped, elided past that), at
    the window's size and after a resize.

    The chart shows only the modes heavier than normal operation (fix13b): on the
    generated design as it is (each database's second copy in its own datacenter) a
    link has one, two bars. With each database's second copy in the other datacenter
    (a stretched DAG that fails over across the WAN), the loss of each DC01 host and of
    an array moves active copies over WAN DC01-DC02: five modes heavier than normal,
    six bars, hosts' one-word names among them."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(_second_copy_across(generate_design(1000, seed=0))), encoding="utf-8")
    window = launch(path)
    window.resize(1600, 1000)
    panel = capacity_panel(window)
    site = next(
        e for e in window.session.document.design.elements if e.kind == "site" and e.name == "DC01"
    )
    window.session.focus(site.id)  # Find: select it (tested with the canvas)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == site.id
    stated = inspector.editors["mailbox_profile"].findChild(QCheckBox, "profile_stated")
    assert stated is not None
    QTest.mouseClick(stated, Qt.MouseButton.LeftButton, pos=QPoint(6, stated.height() // 2))
    panel.controller.wait()
    qtbot.waitUntil(lambda: panel.link_combo.count() == 3)
    shots = Path("/tmp/dir11-shots")
    shots.mkdir(exist_ok=True)
    seen = singles = 0
    for width in (1600, 1400, 1100):
        window.resize(width, 1000)
        for i in range(panel.link_combo.count()):
            choose(panel.link_combo, panel.link_combo.itemData(i))
            whole = [_short(m.mode, panel._failed_links(m.mode)) for m in panel.modes_shown()]
            # The axis grows to its labels' lines once the chart's layout has run.
            qtbot.waitUntil(lambda: len(axis_labels(panel)) == len(whole), timeout=3000)  # noqa: B023
            labels = axis_labels(panel)
            assert len(labels) == len(whole), "every bar has its label"
            for (_rect, text), full in zip(labels, whole, strict=True):
                # Its own mode's name: whole, or on two or three lines (split at a space
                # or after a hyphen), or cut short with "…".
                assert text == full or "…" in text or _joined(text) in (full, _glued(full))
                assert text.count("\n") <= 2
                for part in text.split("\n"):
                    head, _cut, tail = part.partition("…")
                    assert head in full and tail in full, (part, full)
                # A kind and a hyphenated name ("array DC02-CX2", "WAN DC01-DC02") reads
                # whole on three lines in a 1,100 px window (it was "array" over "D…2").
                if width == 1100 and re.fullmatch(r"\w+ \w+-\w+", full):
                    assert _joined(text) == full, (text, full)
                # A host's one-word name ("esx01001") reads whole at 1,100 and 1,400 px,
                # cut where its letters meet its digits (it read "es…01").
                if width <= 1400 and re.fullmatch(r"[a-z]+\d+", full):
                    assert "…" not in text and text.replace("\n", "") == full, (text, full)
                    singles += 1
            for (a, ta), (b, tb) in itertools.pairwise(labels):
                assert a.right() <= b.left(), f"{ta!r} overlaps {tb!r}"
            seen = max(seen, len(labels))
            panel.grab().save(str(shots / f"ticks-{width}-{i}.png"))
    # WAN DC01-DC02's five heavier modes and normal operation (two bars when every
    # database's second copy is in its own datacenter).
    assert seen >= 6, "a link with many failure modes was looked at"
    assert singles, "a host's one-word label was looked at"


def _second_copy_across(design: Design) -> Design:
    """Each database's second and third activation preferences swapped: the generated
    DAGs keep a database's first two copies in one datacenter and the next two in the
    other, so its second copy is now across the WAN."""
    elements = []
    for e in design.elements:
        if e.kind == "mailbox_database" and len(e.copies) >= 3:
            copies = list(e.copies)
            second, third = copies[1], copies[2]
            assert (second.activation_preference, third.activation_preference) == (2, 3)
            copies[1] = second.model_copy(update={"activation_preference": 3})
            copies[2] = third.model_copy(update={"activation_preference": 2})
            e = e.model_copy(update={"copies": copies})
        elements.append(e)
    return design.model_copy(update={"elements": elements})


def test_a_hosts_one_word_label_is_cut_where_letters_meet_digits(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """A host's one-word name too wide for its bar's share reads "esx" over "01001" in
    the chart's axis font (it read "es…01" at 1,100 px and "esx…001" at 1,400)."""
    from designer.ui.panels.capacity import _fit

    window = launch(E2007)
    panel = capacity_panel(window)
    axis = panel.plot.getAxis("bottom") if hasattr(panel, "plot") else None
    font = axis.style.get("tickFont") if axis is not None else None
    metrics = QFontMetrics(font if font is not None else panel.font())
    word = "esx01001"
    room = metrics.horizontalAdvance(word) - 4
    assert _fit(word, metrics, room) == "esx\n01001"
    assert _fit(word, metrics, metrics.horizontalAdvance(word) + 1) == word


def test_canvas_draws_wan_links_by_their_utilisation(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(E2007)
    panel = capacity_panel(window)
    red_por, bel_por = edge_of(window, "wan-red-por"), edge_of(window, "wan-bel-por")
    assert red_por.load == pytest.approx(PER_COPY / 100, rel=1e-3)
    assert bel_por.load == 0.0
    normal_width = red_por.pen().widthF()
    assert "35 %" in red_por.toolTip() and "Redmond → Portland" in red_por.toolTip()
    # The canvas shows each link's worst mode when asked.
    choose(panel.canvas_combo, "worst")
    assert bel_por.load == pytest.approx(PER_COPY / 20, rel=1e-3)
    assert bel_por.pen().color().name() == "#d32f2f", "over its bandwidth: red"
    assert "loss of site Redmond" in bel_por.toolTip()
    assert red_por.load is not None and red_por.pen().widthF() > normal_width
    # …or nothing.
    choose(panel.canvas_combo, "off")
    assert red_por.load is None and bel_por.load is None


def test_a_wan_links_tooltip_keeps_its_load_when_clicked_or_marked(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """Selecting a line restyles it with its findings' marker: its tooltip kept only the
    finding (or became empty) and lost the load figures the canvas shows."""
    window = launch(E2007)
    capacity_panel(window)
    red_por, bel_por = edge_of(window, "wan-red-por"), edge_of(window, "wan-bel-por")
    viewport = window.view.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_on(window, "wan-red-por"))
    assert window.session.selection == ["wan-red-por"]
    assert "35 % of 100 Mbit/s" in red_por.toolTip()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_on(window, "wan-bel-por"))
    assert window.session.selection == ["wan-bel-por"]
    for edge in (red_por, bel_por):  # the one left and the one chosen
        assert "% of " in edge.toolTip() and "Mbit/s (normal operation)" in edge.toolTip()
    tip = bel_por.toolTip().splitlines()
    assert tip[0] == "BEL-POR backup line: 0 % of 20 Mbit/s (normal operation)"
    assert tip[-1].startswith("warning CAP002: WAN link BEL-POR backup line needs 35.0")
    # Loads switched off: the finding alone.
    choose(capacity_panel(window).canvas_combo, "off")
    assert bel_por.toolTip().startswith("warning CAP002:") and red_por.toolTip() == ""


def test_a_sites_mailbox_profile_edited_in_the_inspector_resizes_the_links(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    window = launch(E2007)
    capacity_panel(window)
    red_por = edge_of(window, "wan-red-por")
    window.session.focus("site-red")  # Find: select it (tested with the canvas)
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "site-red"
    editor = inspector.editors["mailbox_profile"]
    messages = editor.findChild(QDoubleSpinBox, "profile_messages")
    assert messages is not None
    type_into(messages, "300")
    profile = window.session.document.get("site-red").mailbox_profile  # type: ignore[union-attr]
    assert profile is not None and profile.messages_per_day == 300
    # Microsoft's table: 300 messages a day log 60 per mailbox, twice 150's 30.
    qtbot.waitUntil(lambda: red_por.load == pytest.approx(2 * PER_COPY / 100, rel=1e-3))
    window.view.setFocus()
    QTest.keySequence(window, "Ctrl+Z")
    qtbot.waitUntil(lambda: red_por.load == pytest.approx(PER_COPY / 100, rel=1e-3))
    # Not stated: the site's users generate nothing sized.
    stated = editor.findChild(QCheckBox, "profile_stated")
    assert stated is not None
    QTest.mouseClick(stated, Qt.MouseButton.LeftButton, pos=QPoint(6, stated.height() // 2))
    assert window.session.document.get("site-red").mailbox_profile is None  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: red_por.load is None)


def test_the_designs_capacity_figures_in_the_inspector(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(E2007)
    capacity_panel(window)
    red_por = edge_of(window, "wan-red-por")
    window.session.set_selection([])
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    toggle = inspector.findChild(QToolButton, "capacity_toggle")
    assert toggle is not None
    QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)
    peak = inspector.capacity_editors["peak_factor"]
    assert peak.isVisible()
    # An unset figure says what it takes (it read "catalog's", no value): the catalog's
    # busiest hour is three times the average hour.
    assert peak.editor.text() == "catalog's: 3×"  # type: ignore[attr-defined]
    shown = {
        name: editor.editor.text()  # type: ignore[attr-defined]
        for name, editor in inspector.capacity_editors.items()
        if name != "mailbox_profile"
    }
    assert shown == {
        "peak_factor": "catalog's: 3×",
        "log_file_mb": "catalog's: 1 MB",
        "megacycles_per_active_mailbox": "catalog's: by profile",
        "megacycles_per_passive_mailbox": "catalog's: 15 % of active",
        "database_cache_mb_per_mailbox": "catalog's: by profile",
        "megacycles_per_vcpu": "catalog's: 3,333",
        "max_cpu_utilisation_pct": "catalog's: 80 %",
        "base_memory_gb": "catalog's: 4 GB",
        "log_shipping_compression_pct": "catalog's: 0 %",
        "host_replication_write_factor": "catalog's: 2×",
        "reseed_window_h": "catalog's: 24 h",
        "log_lun_free_pct": "catalog's: 50 %",
    }
    active = inspector.capacity_editors["megacycles_per_active_mailbox"].editor
    assert "Unset: the catalog's by profile: Microsoft's table, 3 at 150" in active.toolTip()
    # Said in a few words: the figures fit the dock's width (no sideways scrolling).
    QApplication.processEvents()
    scroller = next(w for w in _ancestors(peak) if isinstance(w, QScrollArea))
    assert not scroller.horizontalScrollBar().isVisible()
    shots = Path("/tmp/uia16-shots")
    shots.mkdir(exist_ok=True)
    inspector.grab().save(str(shots / "inspector-catalog-figures.png"))
    type_into(peak.editor, "6")
    assert window.session.design.capacity.peak_factor == 6.0
    # Twice the catalog's busiest hour (3 × the average hour): twice the stream.
    qtbot.waitUntil(lambda: red_por.load == pytest.approx(2 * PER_COPY / 100, rel=1e-3))
    assert window.session.undo_stack.undoText() == "Set the design's peak factor"


def _ancestors(widget: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def test_opening_the_capacity_figures_keeps_the_designs_fields_wide(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """Opening *Capacity figures* in the design's Inspector (nothing selected) squeezed
    its Name and Description fields to ~70 px at the default dock width ("Exchange 20",
    the description broken inside words): the figures' long labels widened the whole
    form's label column. They now have a column of their own."""
    window = launch(E2007)
    window.resize(1400, 900)
    capacity_panel(window)
    window.session.set_selection([])
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    QApplication.processEvents()
    name = inspector.findChild(QWidget, "design_name")
    description = inspector.findChild(QWidget, "design_description")
    assert name is not None and description is not None
    closed = (name.width(), description.width())
    assert min(closed) > 150
    toggle = inspector.findChild(QToolButton, "capacity_toggle")
    assert toggle is not None
    QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)
    peak = inspector.capacity_editors["peak_factor"]
    qtbot.waitUntil(peak.isVisible)
    QApplication.processEvents()
    name = inspector.findChild(QWidget, "design_name")
    description = inspector.findChild(QWidget, "design_description")
    assert name is not None and description is not None
    # A scroll bar may take its width from them, nothing more.
    assert name.width() >= closed[0] - 30, (closed, name.width())
    assert description.width() >= closed[1] - 30, (closed, description.width())
    shots = Path("/tmp/eyes13-shots")
    shots.mkdir(exist_ok=True)
    inspector.grab().save(str(shots / "inspector-capacity-figures-open.png"))


def test_large_designs_are_sized_on_a_worker_and_stale_jobs_skip(
    qtbot,
    launch,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Above the limit sizing runs on a worker; edits made while it runs queue one job
    each, and only the newest design's job does the work."""
    monkeypatch.setattr(capacity_module, "SYNC_CAPACITY_LIMIT", 0)
    sized: list[float | None] = []
    running: list[float | None] = []
    gate = threading.Event()
    real = capacity_module.shared_sizing

    def gated(design):  # type: ignore[no-untyped-def]
        running.append(design.capacity.peak_factor)
        # Held until the test opens the gate, however long its edits take (a 10 s bound
        # let the first edit's job end while a loaded machine still made the next edits:
        # then the 5.0 job ran, not stale). The test opens it when it ends, whatever
        # happened: the window's end waits for this job.
        gate.wait()
        sized.append(design.capacity.peak_factor)
        return real(design)

    monkeypatch.setattr(capacity_module, "shared_sizing", gated)
    gate.set()
    window = launch(E2007)
    panel = capacity_panel(window)
    assert panel.controller.report is not None and sized == [None]
    gate.clear()
    session = window.session
    try:
        for peak in (4.0, 5.0, 6.0):
            session.push(SetCapacity(CapacitySettings(peak_factor=peak)))
            panel.controller.refresh()  # as the debounce timer would, edit by edit
            # The edits after the first come while its job runs: on a loaded machine the
            # worker could start it after the next edit, and then skip it as stale too.
            qtbot.waitUntil(lambda: running == [None, 4.0], timeout=60_000)
    finally:
        gate.set()
    panel.controller.wait()
    qtbot.waitUntil(lambda: panel.controller.revision == session.document.revision)
    assert sized == [None, 4.0, 6.0], "the job for 5.0 was stale by the time it ran"
    assert panel.controller.report.design.capacity.peak_factor == 6.0  # type: ignore[union-attr]
    red_por = edge_of(window, "wan-red-por")
    assert red_por.load == pytest.approx(2 * PER_COPY / 100, rel=1e-3)


def test_the_dock_and_the_cap_rules_share_one_sizing_per_edit(
    qtbot,
    launch,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Both on their workers (as for a large design): after an edit the Capacity dock
    and the rule check (CAP001–CAP005) read the same report, sized once."""
    from designer.capacity import shared
    from designer.ui import session as session_module

    monkeypatch.setattr(capacity_module, "SYNC_CAPACITY_LIMIT", 0)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 0)
    window = launch(E2007)
    panel = capacity_panel(window)
    session = window.session
    session.wait_for_findings()
    before = shared.computations()
    session.push(SetCapacity(CapacitySettings(peak_factor=6.0)))
    panel.controller.wait()
    session.wait_for_findings()
    qtbot.waitUntil(lambda: panel.controller.revision == session.document.revision)
    qtbot.waitUntil(lambda: session.findings_revision == session.document.revision)
    assert shared.computations() == before + 1
    report = panel.controller.report
    assert report is shared.shared_sizing(session.document.design).report
    assert shared.computations() == before + 1
    # The rules judged that report: the BEL-POR line over budget once Redmond is lost.
    assert any(
        f.code == "CAP002" and "BEL-POR backup line" in f.message for f in session.findings.active
    )


def test_a_sized_design_is_checked_off_the_ui_thread(
    qtbot,
    launch,
    monkeypatch,  # type: ignore[no-untyped-def]
    gates,
) -> None:
    """The CAP rules size every failure mode: above the sized-check limit an edit of a
    design with a workload returns before its check (the worker runs it), while a design
    without one is still checked at once."""
    from designer.ui import session as session_module

    monkeypatch.setattr(session_module, "SYNC_SIZED_CHECK_LIMIT", 0)
    window = launch(E2007)
    session = window.session
    session.wait_for_findings()
    gate = gates()  # shut until the test has seen the edit return before its check
    real = session_module.LiveCheck.check

    def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            gate.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(session_module.LiveCheck, "check", gated)
    session.push(SetCapacity(CapacitySettings(peak_factor=5.0)))
    assert session.findings_revision != session.document.revision  # on the worker
    gate.set()
    session.wait_for_findings()
    qtbot.waitUntil(lambda: session.findings_revision == session.document.revision)
    # Without a workload the same edit is checked at once, on the UI thread.
    plain = Design(name="plain", elements=[Site(id="bos", name="Boston")])
    assert not states_workload(plain)
    session.replace_design(plain, None)
    session.push(SetCapacity(CapacitySettings(peak_factor=5.0)))
    assert session.findings_revision == session.document.revision


# -- simulation mode -----------------------------------------------------------------------


def pick_from_menus(path: list[str], chosen: list[str]) -> Callable[[], None]:
    """A timer callback that follows ``path`` through the open popup menus (a submenu
    by its title, opened with the Right key, then the entry, clicked), as a user would;
    it gives up (closing every menu) after two seconds."""
    tries = [0]
    current: list[QMenu] = []

    def give_up() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMenu) and widget.isVisible():
                widget.close()

    def pick() -> None:
        tries[0] += 1
        if tries[0] > 100:
            give_up()
            return
        menu = current[-1] if current else QApplication.activePopupWidget()
        if not isinstance(menu, QMenu) or not menu.isVisible():
            QTimer.singleShot(20, pick)
            return
        wanted = path[len(chosen)]
        for action in menu.actions():
            text = action.text().replace("&", "")  # as shown, without its Alt key's mark
            if text.startswith(wanted):
                chosen.append(text)
                sub = action.menu()
                if isinstance(sub, QMenu):
                    menu.setActiveAction(action)
                    QTest.keyClick(menu, Qt.Key.Key_Right)
                    current.append(sub)
                    QTimer.singleShot(20, pick)
                else:
                    QTest.mouseClick(
                        menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center()
                    )
                return
        chosen.append("not found: " + ", ".join(a.text() for a in menu.actions()))
        give_up()

    return pick


def simulate(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    assert controller.active
    controller.wait_until_ready()


def degrade_from_menu(window: MainWindow, link_id: str, path: list[str]) -> list[str]:
    chosen: list[str] = []
    QTimer.singleShot(50, pick_from_menus(path, chosen))
    QTest.mouseClick(
        window.view.viewport(), Qt.MouseButton.RightButton, pos=point_on(window, link_id)
    )
    return chosen


def lagged_sample_degraded(launch, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    """``dr-designer gui stretched_dag_lagged.json``, F5, ATL-CLT WAN → Degrade →
    Bandwidth to 5 % from its menu on the canvas."""
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Bandwidth to 5 %"])
    assert chosen == ["Degrade", "Bandwidth to 5 % (50 Mbit/s)"]
    return window


def test_a_degraded_link_from_its_menu_queues_the_copies_across(
    qtbot,
    launch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    window = lagged_sample_degraded(launch, qtbot)
    controller = window.simulation.controller
    assert [(s.action, s.target, s.bandwidth_mbps) for s in controller.steps] == [
        ("degrade", "wan-atl-clt", 50.0)
    ]
    result = controller.result
    assert result is not None
    queued = [e for e in result.events if e.kind == "copy_queue"]
    assert queued and "needs 69.9 Mbit/s" in queued[0].text and "gets 50.0" in queued[0].text
    # The canvas shows the scenario's load: 69.9 of the 50 Mbit/s left.
    edge = edge_of(window, "wan-atl-clt")
    qtbot.waitUntil(lambda: edge.load is not None and edge.load > 1.0)
    assert edge.load == pytest.approx(69.9 / 50, rel=1e-2)
    assert edge.pen().color().name() == "#d32f2f"
    window.grab().save(str(tmp_path / "degraded.png"))
    # Restoring the link's design from the same menu.
    controller.pause()
    controller.set_time(controller.duration)
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Restore ATL-CLT WAN"])
    assert chosen == ["Restore ATL-CLT WAN's design"]
    assert controller.steps[-1].action == "restore"
    qtbot.waitUntil(lambda: edge.load == pytest.approx(69.9 / 1000, rel=1e-2))


def test_one_degraded_link_reads_one_event(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """The Timeline's caption counts in words (eyes19): BOS-WOR dark fiber cut to 5 %
    from its menu is one event, "1 event · …" (it read "1 events")."""
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    simulate(window, qtbot)
    chosen = degrade_from_menu(window, "wan-bos-wor", ["Degrade", "Bandwidth to 5 %"])
    assert chosen == ["Degrade", "Bandwidth to 5 % (500 Mbit/s)"]
    result = window.simulation.controller.result
    assert result is not None and len(result.events) == 1
    caption = window.simulation.timeline.caption
    qtbot.waitUntil(lambda: caption.text().startswith("1 event "))
    assert caption.text() == "1 event · mailboxes available at the end: 8,000 of 8,000"


def test_a_cut_links_tooltip_gives_its_share_of_the_bandwidth_left(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """A link cut to 5 % from its menu was labelled "140 %" on the canvas while its
    tooltip read "140 % of 1000 Mbit/s": the share is of the 50 Mbit/s left, and the
    tooltip now says so (naming the design's figure beside it)."""
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    edge = edge_of(window, "wan-atl-clt")
    qtbot.waitUntil(lambda: edge.load is not None)
    assert edge.toolTip().splitlines()[0].startswith("ATL-CLT WAN: 7 % of 1,000 Mbit/s (")
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Bandwidth to 5 %"])
    assert chosen == ["Degrade", "Bandwidth to 5 % (50 Mbit/s)"]
    qtbot.waitUntil(lambda: edge.load is not None and edge.load > 1.0)
    assert "140 %" in edge.label_text()
    assert edge.toolTip().splitlines()[0] == (
        "ATL-CLT WAN: 140 % of 50 Mbit/s (cut from 1,000) (the scenario at the time cursor)"
    )


def test_one_direction_failed_from_the_menu_starts_the_log_lun_clocks(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    controller = window.simulation.controller
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Fail direction Atlanta"])
    assert chosen == ["Degrade", "Fail direction Atlanta → Charlotte"]
    step = controller.steps[0]
    assert (step.action, step.failed_direction) == ("degrade", "a_to_b")
    result = controller.result
    assert result is not None
    kinds = {e.kind for e in result.events}
    assert {"link_direction_failed", "log_lun_full"} <= kinds
    timeline = {p.data().kind for p in window.simulation.timeline.scatter.points()}
    assert "log_lun_full" in timeline, "the timeline shows when the log LUNs fill"
    # Nothing crosses Atlanta → Charlotte any more: the canvas shows no load that way.
    edge = edge_of(window, "wan-atl-clt")
    qtbot.waitUntil(lambda: edge.load == 0.0)


def amber_near(window: MainWindow, link_id: str) -> int:
    """Pixels of the overlay's amber (a degraded or down element) on the viewport
    around the link's middle, as the user sees it."""
    edge = edge_of(window, link_id)
    view = window.view
    mid = edge.mapToScene(edge.path().pointAtPercent(0.5))
    view.centerOn(mid)
    QApplication.processEvents()
    centre = view.mapFromScene(mid)
    image = view.viewport().grab().toImage()
    found = 0
    for x in range(max(0, centre.x() - 120), min(image.width(), centre.x() + 120), 2):
        for y in range(max(0, centre.y() - 40), min(image.height(), centre.y() + 40), 2):
            colour = image.pixelColor(x, y)
            if colour.red() > 220 and 120 < colour.green() < 160 and colour.blue() < 40:
                found += 1
    return found


def test_a_failed_direction_bandwidth_cut_and_round_trip_show_on_the_link(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """A direction failed from the link's menu was drawn as a thin green "· 0 %" line:
    nothing said a direction was down. The link is now drawn amber dashed with a badge,
    and its label says which direction is down; a bandwidth cut and a raised round trip
    show on its label too, and a restore takes the marks away."""
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    controller = window.simulation.controller
    overlay = window.simulation.overlay
    edge = edge_of(window, "wan-atl-clt")
    qtbot.waitUntil(lambda: edge.load is not None)
    assert amber_near(window, "wan-atl-clt") == 0, "a healthy link has no amber mark"
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Fail direction Atlanta"])
    qtbot.waitUntil(lambda: "Atlanta → Charlotte down" in edge.label_text())
    assert overlay.degraded_links() == {"wan-atl-clt": "Atlanta → Charlotte down"}
    qtbot.waitUntil(lambda: amber_near(window, "wan-atl-clt") > 50)
    shots = Path("/tmp/dir11-shots")
    shots.mkdir(exist_ok=True)
    window.grab().save(str(shots / "direction-down.png"))
    controller.pause()
    controller.set_time(controller.duration)
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Bandwidth to 5 %"])
    controller.pause()
    controller.set_time(controller.duration)
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Round trip +50"])
    controller.pause()
    controller.set_time(controller.duration)
    rtt = window.session.document.get("wan-atl-clt").rtt_ms  # type: ignore[union-attr]
    both = f"50 Mbit/s, round trip {rtt + 50:g} ms, Atlanta → Charlotte down"
    qtbot.waitUntil(lambda: both in edge.label_text())
    assert overlay.degraded_links() == {"wan-atl-clt": both}
    window.view.viewport().grab().save(str(shots / "direction-bandwidth-rtt.png"))
    # Back to its design: no mark, no words.
    assert degrade_from_menu(window, "wan-atl-clt", ["Restore ATL-CLT WAN"])
    qtbot.waitUntil(lambda: "down" not in edge.label_text())
    assert overlay.degraded_links() == {}
    assert "Mbit/s" not in edge.label_text()
    qtbot.waitUntil(lambda: amber_near(window, "wan-atl-clt") == 0)


def test_a_degraded_direction_saved_as_a_scenario_reruns_from_the_file(
    qtbot,
    launch,
    tmp_path,
    monkeypatch,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    """A what-if made on the canvas is saved in the design (Save scenario…, Ctrl+S) and
    re-runs from the file (dr-designer check --scenarios) with the failed direction."""
    path = tmp_path / "lagged.json"
    shutil.copyfile(SAMPLES / "stretched_dag_lagged.json", path)
    window = launch(path)
    simulate(window, qtbot)
    chosen = degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Fail direction Atlanta"])
    assert chosen == ["Degrade", "Fail direction Atlanta → Charlotte"]
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: ("ATL to CLT down", True))
    save = next(
        b
        for b in window.simulation.bar.findChildren(QToolButton)
        if b.text().startswith("Save scenario")
    )
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)  # back to editing
    assert not window.simulation.controller.active
    window.view.setFocus()
    QTest.keySequence(window, "Ctrl+S")
    saved = next(s for s in load(path).scenarios if s.name == "ATL to CLT down")
    assert [(s.action, s.target, s.failed_direction) for s in saved.steps] == [
        ("degrade", "wan-atl-clt", "a_to_b")
    ]
    capsys.readouterr()
    assert console_main()(["check", str(path), "--scenarios", "--format", "json"]) == 0
    verdicts = {v["name"]: v["result"] for v in json.loads(capsys.readouterr().out)["scenarios"]}
    assert verdicts["ATL to CLT down"] == "pass"


# -- the copy-layout generator -------------------------------------------------------------


def test_plan_copies_preview_applies_as_one_undoable_step(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    dock = open_tab(window, "Databases")
    panel = dock.widget()
    assert isinstance(panel, DatabasesPanel)
    document = window.session.document
    before = {e.id: e.copies for e in document.design.elements if e.kind == "mailbox_database"}  # type: ignore[attr-defined]
    assert len(before) == 4
    button = panel.findChild(QPushButton, "PlanCopiesButton")
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert panel.plan.isVisible() and not panel.table.isVisible()
    type_into(panel.plan.databases, "8")
    table = panel.plan.table
    assert table.rowCount() == 8
    headers = [table.verticalHeaderItem(r).text() for r in range(8)]
    assert headers[:4] == ["DB01", "DB02", "DB03", "DB04"]
    assert all(h.endswith("(new)") for h in headers[4:])
    assert "4 new databases" in panel.plan.notes.text()
    panel.grab().save(str(tmp_path / "plan-copies.png"))
    assert len(before) == 4 and document.design == document.design  # nothing applied yet
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    assert not panel.plan.isVisible() and panel.table.isVisible()
    databases = [e for e in document.design.elements if e.kind == "mailbox_database"]
    assert len(databases) == 8
    assert panel.table.rowCount() == 8
    assert window.session.undo_stack.undoText() == "Plan copies of DAG01"
    # Every member is active for two of the eight databases.
    actives = [min(d.copies, key=lambda c: c.activation_preference).member for d in databases]  # type: ignore[attr-defined]
    assert sorted(actives.count(m) for m in set(actives)) == [2, 2, 2, 2]
    # One undo step takes it all back.
    window.view.setFocus()
    QTest.keySequence(window, "Ctrl+Z")
    after = {e.id: e.copies for e in document.design.elements if e.kind == "mailbox_database"}  # type: ignore[attr-defined]
    assert after == before


def test_plan_copies_cancel_leaves_the_design(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    revision = window.session.document.revision
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    # Every member holds a copy at two per site: one fewer in Worcester frees a member
    # there for the lagged copy asked.
    assert "no lagged copy made" not in panel.plan.notes.text()
    type_into(panel.plan.lagged, "1")
    assert "no lagged copy made (1 lagged copy asked per database)" in panel.plan.notes.text()
    type_into(panel.plan.site_spins["site-wor"], "1")
    assert "lag 7d" in " ".join(
        panel.plan.table.item(0, c).text() for c in range(panel.plan.table.columnCount())
    )
    QTest.mouseClick(panel.plan.cancel_button, Qt.MouseButton.LeftButton)
    assert window.session.document.revision == revision
    assert panel.table.isVisible() and not panel.plan.isVisible()


def test_plan_copies_of_a_new_two_site_dag_proposes_its_own_databases_whole(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """File > New > Two-site DAG has DAG01 with four members and two databases. Its
    *Plan copies…* proposed four databases ("2 new databases" before anything was asked),
    headed the members' columns without their sites (the Databases table says
    "PRD-MBX01 / Production") and, its numbers, notes and buttons taking the table's
    room, showed about one and a half rows in a 1280 × 800 window."""
    window = launch()
    window.resize(1280, 800)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()
    QApplication.processEvents()
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    assert panel.table.rowCount() == 2
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    plan = panel.plan
    assert plan.databases.value() == 2
    assert "new database" not in plan.notes.text()
    table = plan.table
    assert table.rowCount() == 2
    assert [table.verticalHeaderItem(r).text() for r in range(2)] == ["DB01", "DB02"]
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == [
        "PRD-MBX01\nProduction",
        "PRD-MBX02\nProduction",
        "DR-MBX01\nRecovery",
        "DR-MBX02\nRecovery",
    ]
    assert table.horizontalHeaderItem(0).toolTip() == "DAG member PRD-MBX01 in site Production"
    # The dock grows to show the plan's rows whole (room for three at least).
    qtbot.waitUntil(
        lambda: table.viewport().height() >= 3 * table.verticalHeader().defaultSectionSize(),
        timeout=2000,
    )
    last = table.visualItemRect(table.item(1, 0))
    assert last.bottom() <= table.viewport().height()
    qtbot.waitUntil(lambda: not table.verticalScrollBar().isVisible(), timeout=2000)
    shots = Path("/tmp/uia16-shots")
    shots.mkdir(exist_ok=True)
    window.grab().save(str(shots / "plan-copies-two-site.png"))
    # Asked for more, the new ones are marked, and the dock grows to show them whole
    # (it kept the height of the two it started with).
    type_into(plan.databases, "4")
    assert "2 new databases" in plan.notes.text()
    qtbot.waitUntil(
        lambda: table.visualItemRect(table.item(3, 0)).bottom() <= table.viewport().height(),
        timeout=2000,
    )


def test_a_chart_retry_pending_when_the_panel_goes_is_dropped(
    qtbot,
    launch,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """A panel shown before it was laid out looks again 25 ms later; if the panel is
    deleted meanwhile (its window closed), that look is cancelled, not run on a deleted
    widget (it raised "Internal C++ object (CapacityPanel) already deleted")."""
    window = launch(E2007)
    panel = capacity_panel(window)
    panel._chart_stale = True
    monkeypatch.setattr(panel, "_shown", lambda: False)  # visible, not yet laid out
    panel._draw_if_stale()  # schedules the retry
    panel.deleteLater()
    qtbot.waitUntil(lambda: not _alive(panel), timeout=2000)
    qtbot.wait(100)  # the retry's time passes: pytest-qt fails on an exception in it


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return bool(isValid(widget))


def test_capacity_dock_gives_the_chart_and_servers_room_at_its_default_height(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    # At its default height the stream chart was ~60 px tall, its legend over the bars
    # and the axis, and the servers' table showed two rows.
    window = launch(E2007)
    window.resize(1280, 800)
    panel = capacity_panel(window)
    qtbot.waitUntil(
        lambda: panel.plot_widget is not None and panel.plot_widget.height() >= CHART_MIN_HEIGHT,
        timeout=3000,
    )
    QApplication.processEvents()
    shots = Path("/tmp/ux10-shots")
    shots.mkdir(exist_ok=True)
    window.grab().save(str(shots / "capacity-dock.png"))
    plot = panel.plot
    view = plot.getViewBox()
    view_rect = view.mapRectToScene(view.boundingRect())
    legend_rect = panel.legend.mapRectToScene(panel.legend.boundingRect())
    assert panel.legend.isVisible() and legend_rect.width() > 0
    assert not legend_rect.intersects(view_rect), (legend_rect, view_rect)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        assert not legend_rect.intersects(axis.mapRectToScene(axis.boundingRect()))
    # The servers' table shows its four servers whole.
    rows = panel.table.rowCount()
    assert rows == 4
    last = panel.table.visualItemRect(panel.table.item(rows - 1, 0))
    assert last.bottom() <= panel.table.viewport().height()


def test_the_bandwidth_line_is_named_in_the_legend_clear_of_the_bars(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """The bandwidth line's label sat on the line, 85 % along: over a bar taller than the
    line there ("bandwidth 20 Mbit/s" across the third bar of BEL-POR, over budget once
    Redmond is lost). The legend under the chart names it now, beside the streams'
    colours, at every size and on every link; the bars and the line stay in range."""
    window = launch(E2007)
    shots = Path("/tmp/uia16-shots")
    shots.mkdir(exist_ok=True)
    checked = 0
    for width, height in ((1100, 800), (1100, 1000), (1600, 1000)):
        window.resize(width, height)
        panel = capacity_panel(window)
        for i in range(panel.link_combo.count()):
            choose(panel.link_combo, panel.link_combo.itemData(i))
            QApplication.processEvents()
            if panel.bandwidth_line is None:
                continue  # (nothing to chart on that link)
            link = panel._link()
            assert link is not None
            named = {label.text: label for _sample, label in panel.legend.items}
            wanted = f"bandwidth {link.link.bandwidth_mbps:,g} Mbit/s"
            assert wanted in named, list(named)
            label = named[wanted]
            assert label.isVisible()
            view = panel.plot.getViewBox()
            shown = view.mapRectToScene(view.boundingRect())
            place = label.mapRectToScene(label.boundingRect())
            assert not place.intersects(shown), (width, height, place, shown)
            # Whole within the chart (three entries in a row ran past a narrow one's edge).
            on_screen = panel.plot_widget.mapFromScene(place).boundingRect()
            assert panel.plot_widget.rect().contains(on_screen), (width, height, on_screen)
            assert getattr(panel.bandwidth_line, "label", None) is None  # none over the bars
            top = view.viewRange()[1][1]
            assert max(stacked(panel, j) for j in range(len(panel.modes_shown()))) < top
            assert panel.bandwidth_line.value() < top
            checked += 1
            panel.grab().save(str(shots / f"bandwidth-{width}x{height}-{i}.png"))
    assert checked >= 3


def test_a_short_window_shows_the_chart_whole_above_the_summary_and_its_labels_whole(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """In a 1,100 × 800 window the summary's notes wrapped onto more lines than the
    panel's least height counted: the layout took them from the chart, which ran out of
    its splitter under the summary (the legend hidden, the axis labels half cut). The
    dock now holds both. And a link's name over 22 characters was cut short on the axis
    ("PHL-WIL MirrorView li…") with room to spare: the axis fits it itself."""
    shots = Path("/tmp/fix13-shots")
    shots.mkdir(exist_ok=True)
    checked = 0
    # One after the other, as a user restarts it: each window takes the dock's height
    # the last one left (a two-line summary's), then states its own summary.
    for name in ("exchange2007_lcr_ccr_scr", "three_site_stretched_dag", "cx4_srm_mirrorview_s"):
        window = launch(SAMPLES / f"{name}.json")
        window.resize(1100, 800)
        QApplication.processEvents()  # the window laid out at its size, then the tab
        panel = capacity_panel(window)
        dock = panel.parentWidget()
        assert isinstance(dock, QDockWidget)
        (tabs,) = [
            bar
            for bar in window.findChildren(QTabBar)
            if bar.isVisible() and "Capacity" in [bar.tabText(i) for i in range(bar.count())]
        ]
        for i in range(panel.link_combo.count()):
            choose(panel.link_combo, panel.link_combo.itemData(i))
            whole = [_short(m.mode, panel._failed_links(m.mode)) for m in panel.modes_shown()]
            qtbot.waitUntil(lambda: len(axis_labels(panel)) == len(whole), timeout=3000)  # noqa: B023
            QApplication.processEvents()
            chart = panel.plot_widget
            assert chart is not None
            bottom = chart.mapTo(panel, QPoint(0, chart.height())).y()
            assert bottom <= panel.summary.geometry().top(), (name, bottom, panel.summary.y())
            assert bottom <= panel.split.geometry().bottom() + 1
            legend = panel.legend.mapRectToScene(panel.legend.boundingRect())
            assert legend.bottom() <= chart.viewport().height(), (name, legend)
            assert (
                dock.mapTo(window, QPoint(0, dock.height())).y()
                <= tabs.mapTo(window, QPoint(0, 0)).y()
            )
            for _rect, text in axis_labels(panel):
                assert "…" not in text, (name, text)
            window.grab().save(str(shots / f"capacity-1100x800-{name}-{i}.png"))
            checked += 1
        window.close()
    assert checked >= 7


def test_a_long_chart_title_is_cut_short_within_the_chart(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """A link's title ("BOS-HFD MPLS (carrier 1): streams per mode (Mbit/s at the busiest
    hour)") ran on past the chart's right edge in a 1,100 px window, cut mid-word by the
    widget. It is now cut short with "…" within the chart (whole in its tooltip), and
    whole again in a wider window."""
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    shots = Path("/tmp/flake12-shots")
    shots.mkdir(exist_ok=True)
    for width, cut in ((1100, True), (1600, False)):
        window.resize(width, 1000)
        panel = capacity_panel(window)
        choose(panel.link_combo, "wan-bos-hfd")
        qtbot.waitUntil(lambda: panel.plot.titleLabel.item.toPlainText() != "")  # noqa: B023
        QApplication.processEvents()
        whole = "BOS-HFD MPLS (carrier 1): streams per mode (Mbit/s at the busiest hour)"
        title = panel.plot.titleLabel
        drawn = title.item.mapRectToScene(title.item.boundingRect())
        chart = panel.plot_widget.viewport().rect()
        assert drawn.left() >= 0 and drawn.right() <= chart.width(), (width, drawn, chart)
        text = title.item.toPlainText()
        assert title.toolTip() == whole
        assert (text.endswith("…") and whole.startswith(text[:-1])) if cut else text == whole
        panel.grab().save(str(shots / f"title-{width}.png"))


def test_the_chart_is_drawn_when_its_tab_is_clicked_a_while_after_opening(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """The window's first show shows the Capacity panel behind the Problems tab (visible,
    nothing of it on screen): its chart waited for it to be laid out for half a second,
    then gave up, and a click on the Capacity tab later (no new show event) left the
    chart's side of the dock empty until the user chose another link."""
    window = launch(E2007)
    panel = window.findChild(CapacityPanel)
    assert panel is not None and panel.plot_widget is None
    qtbot.wait(2000)  # the user looks at the canvas first
    assert panel.plot_widget is None  # nothing drawn behind the Problems tab
    dock = open_tab(window, "Capacity")
    assert dock.widget() is panel
    qtbot.waitUntil(lambda: panel.plot_widget is not None and bool(panel.bars), timeout=3000)
    assert panel.bandwidth_line is not None and panel.bandwidth_line.value() == 20.0
    assert stacked(panel, 1) == pytest.approx(PER_COPY, rel=1e-3)
    qtbot.waitUntil(lambda: panel.plot_widget.width() > 100, timeout=2000)


def test_plan_copies_starts_from_the_dags_own_layout_lagged_copy_included(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """The stretched DAG keeps a 7-day lagged copy of each database in Charlotte. The
    plan began at two copies per site and no lagged copy: its first preview turned the
    four lagged copies into ordinary ones (4 cells tinted), and Apply dropped the lag."""
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    document = window.session.document

    def lags() -> list[float]:
        return sorted(
            c.replay_lag_days
            for e in document.design.elements
            if e.kind == "mailbox_database"
            for c in e.copies  # type: ignore[attr-defined]
        )

    before = lags()
    assert before.count(7.0) == 4
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    plan = panel.plan
    assert plan.isVisible()
    assert plan.lagged.value() == 1 and plan.lag_days.value() == 7.0
    assert plan.notes.text().startswith("No change: the copies of DAG-ATL already follow")
    assert not plan.apply_button.isEnabled()  # nothing to apply
    cells = [
        plan.table.item(r, c).text()
        for r in range(plan.table.rowCount())
        for c in range(plan.table.columnCount())
    ]
    assert cells.count("3 (lag 7d)") == 4
    QTest.mouseClick(plan.cancel_button, Qt.MouseButton.LeftButton)
    assert lags() == before


def test_the_scenario_bar_says_how_each_degraded_step_changes_the_link(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """Two what-ifs on one link read "0:00 degrade ATL-CLT WAN" and "0:20 degrade
    ATL-CLT WAN" alike in the scenario bar: each step's chip says what it does."""
    window = launch(SAMPLES / "stretched_dag_lagged.json")
    simulate(window, qtbot)
    controller = window.simulation.controller
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Bandwidth to 5 %"])
    controller.pause()
    controller.set_time(controller.duration)
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Fail direction Atlanta"])
    controller.pause()
    controller.set_time(controller.duration)
    assert degrade_from_menu(window, "wan-atl-clt", ["Degrade", "Round trip +50"])
    bar = window.simulation.bar
    chips = [bar.findChild(QToolButton, f"step-{n}") for n in range(3)]
    texts = [chip.text() for chip in chips if chip is not None]
    assert len(texts) == 3
    assert "ATL-CLT WAN" in texts[0] and "50 Mbit/s" in texts[0]
    assert "Atlanta → Charlotte down" in texts[1]
    rtt = window.session.document.get("wan-atl-clt").rtt_ms  # type: ignore[union-attr]
    assert f"round trip {rtt + 50:g} ms" in texts[2]


def test_the_chart_shows_only_modes_heavier_than_normal_operation(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """eyes13: three_site_stretched_dag's BOS-HFD MPLS carries nothing Boston → Hartford
    in normal operation and 69.9 Mbit/s only once BOS-WOR dark fiber fails; the chart
    listed "site Boston" and "esx-bos-01" beside it at 0 as if they were among the
    heaviest modes. BOS-WOR dark fiber carries 69.9 in normal operation and no mode more:
    its chart said nothing of that and showed modes at exactly normal's figure."""
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1400, 900)
    panel = capacity_panel(window)
    shots = Path("/tmp/fix13b-shots")
    shots.mkdir(exist_ok=True)
    choose(panel.link_combo, "wan-bos-hfd")
    choose(panel.direction_combo, "a_to_b")
    modes = panel.modes_shown()
    assert [m.mode.label for m in modes] == [
        "normal operation",
        "failure of WAN link BOS-WOR dark fiber",
    ]
    qtbot.waitUntil(lambda: len(axis_labels(panel)) == 2, timeout=3000)
    assert [text for _rect, text in axis_labels(panel)] == ["normal", "BOS-WOR dark fiber down"]
    assert stacked(panel, 1) == pytest.approx(69.9, abs=0.1)
    assert "streams per mode" in panel.plot.titleLabel.toolTip()
    qtbot.wait(300)  # the chart's layout settles
    panel.grab().save(str(shots / "chart-heavier-only.png"))
    choose(panel.link_combo, "wan-bos-wor")
    for way in ("a_to_b", "b_to_a"):
        choose(panel.direction_combo, way)
        assert [m.mode.kind for m in panel.modes_shown()] == ["normal"]
        qtbot.waitUntil(lambda: len(axis_labels(panel)) == 1, timeout=3000)
        assert stacked(panel, 0) == pytest.approx(69.9, abs=0.1)
        assert panel.plot.titleLabel.toolTip() == (
            "BOS-WOR dark fiber: no mode is heavier than normal operation (Mbit/s at the "
            "busiest hour)"
        )
    qtbot.wait(300)
    panel.grab().save(str(shots / "chart-none-heavier.png"))


def test_the_summary_names_the_servers_over_their_sizing(
    qtbot,
    launch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """eyes13: on a generated 1k design with a workload some mailbox servers need
    108–112 % of their CPU in their worst mode (red cells in the table; "OVER SIZING" in
    `dr-designer capacity`), yet the dock's summary said only "37 modes sized". It now
    names them as it names the links over budget: how many, and the most over."""
    import subprocess
    import sys

    path = tmp_path / "1k-workload.json"
    path.write_text(dumps(generate_design("1k", seed=0, workload=True)), encoding="utf-8")
    window = launch(path)
    window.resize(1400, 900)
    panel = capacity_panel(window)
    qtbot.waitUntil(lambda: panel.controller.report is not None, timeout=60000)
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0)
    table = panel.table
    red: dict[str, float] = {}
    for row in range(table.rowCount()):
        cpu, memory = table.item(row, 5), table.item(row, 6)
        if cpu.toolTip() or memory.toolTip():  # the red cells' "over the server's sizing"
            red[table.item(row, 0).text()] = max(
                float(cpu.text().split()[0]), float(memory.text().split()[0])
            )
    assert len(red) >= 2
    most = max(red, key=lambda name: (red[name], name))
    summary = panel.summary.text().splitlines()[0]
    match = re.search(
        r"(\d+) servers over their sizing in the worst mode \(the most: (\S+), CPU (\d+) %, "
        r"memory (\d+) %\)",
        summary,
    )
    assert match, summary
    assert int(match.group(1)) == len(red)
    assert match.group(2) == most
    assert max(int(match.group(3)), int(match.group(4))) == pytest.approx(red[most], abs=1)
    # The CLI marks the same servers over their sizing in their worst mode.
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "dr-designer"), "capacity", str(path)],
        capture_output=True,
        timeout=240,
    )
    marked: set[str] = set()
    server = ""
    for line in cli.stdout.decode().splitlines():
        if line.startswith("  ") and not line.startswith("    ") and " vCPU, " in line:
            server = line.split(" (")[0].strip()
        elif not line.startswith("    "):
            server = ""
        elif server and line.endswith("OVER SIZING"):
            marked.add(server)
    assert marked == set(red)
    shots = Path("/tmp/fix13b-shots")
    shots.mkdir(exist_ok=True)
    qtbot.wait(300)
    panel.grab().save(str(shots / "summary-over-sizing.png"))


def test_a_links_label_and_colour_agree_at_the_amber_threshold(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """eyes13: RED-POR WAN's worst mode (RED-BEL metro fiber failed) carries 2 × 34.95
    = 69.9 Mbit/s of its 100: 69.9 %, drawn green (amber from 70 %) but labelled
    "70 %". The label no longer rounds across a colour's threshold: "69.9 %", green."""
    window = launch(E2007)
    window.resize(1400, 900)
    panel = capacity_panel(window)
    red_por, bel_por = edge_of(window, "wan-red-por"), edge_of(window, "wan-bel-por")
    choose(panel.canvas_combo, "worst")
    assert red_por.load == pytest.approx(2 * PER_COPY / 100, rel=1e-3)
    assert red_por.load < 0.7
    assert red_por.pen().color().name() == "#2e7d32", "under 70 %: green"
    assert red_por.label_text().endswith(" · 69.9 %"), red_por.label_text()
    assert red_por.toolTip().splitlines()[0] == (
        "RED-POR WAN: 69.9 % of 100 Mbit/s (failure of WAN link RED-BEL metro fiber)"
    )
    # Away from a threshold the label stays a whole percent: BEL-POR's 175 %, red.
    assert bel_por.label_text().endswith(" · 175 %") and bel_por.pen().color().name() == "#d32f2f"
    shots = Path("/tmp/fix13b-shots")
    shots.mkdir(exist_ok=True)
    window.view.centerOn(red_por.mapToScene(red_por.label_anchor()))
    qtbot.wait(300)
    window.grab().save(str(shots / "link-69.9-green.png"))


def test_an_unstated_mailbox_profile_shows_the_one_that_applies(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """eyes15: double_take's users in New York send 50 messages a day (003's light
    users, stated on the site); a database there states no profile of its own, and its
    Inspector showed Microsoft's 150 messages, greyed, as if they applied. Unstated, the
    fields now show the profile that applies and a line says where it is stated;
    ticking *Stated* starts from it."""
    window = launch(SAMPLES / "double_take.json")
    view = window.view
    node = view.design_scene.nodes["db-nyc-sg01"]
    view.centerOn(node)
    QApplication.processEvents()
    point = view.mapFromScene(node.sceneBoundingRect().center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.session.selection == ["db-nyc-sg01"]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    QApplication.processEvents()
    editor = inspector.editors["mailbox_profile"]
    profile = editor.findChild(QCheckBox, "profile_stated")
    messages = editor.findChild(QDoubleSpinBox, "profile_messages")
    applies = [
        label for label in editor.findChildren(QLabel, "profile_applies") if label.isVisible()
    ]
    assert profile is not None and messages is not None and profile.isVisible()
    assert not profile.isChecked() and not messages.isEnabled()
    assert messages.value() == 50.0, "the site's 50 messages apply, not the catalog's 150"
    assert [label.text() for label in applies] == [
        "site New York's profile applies (its users' site)"
    ]
    inspector.grab().save(str(tmp_path / "inspector-database.png"))
    QTest.mouseClick(profile, Qt.MouseButton.LeftButton, pos=QPoint(6, profile.height() // 2))
    db = window.session.document.get("db-nyc-sg01")
    assert db is not None and db.mailbox_profile is not None  # type: ignore[attr-defined]
    assert db.mailbox_profile.messages_per_day == 50.0  # type: ignore[attr-defined]
    assert not any(label.isVisible() for label in editor.findChildren(QLabel, "profile_applies"))


def test_the_servers_table_says_its_cpu_and_memory_are_the_worst_modes(
    qtbot,
    launch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """eyes15: RED-CCR-N2, Exchange 2007's passive node, is idle in normal operation; the
    dock's row read "normal 0 / 0 … CPU 56 %, memory 82 %" under headers "CPU" and
    "memory", while ``capacity`` prints its normal operation at CPU 8 % and memory 8 %
    and 56 / 82 % for its worst mode. The figures are the worst mode's (as the review
    report's "CPU / memory (worst)"); the headers now say so, and their tooltips what
    each count is."""
    window = launch(E2007)
    window.resize(1600, 1000)
    panel = capacity_panel(window)
    table = panel.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[5:] == ["CPU (worst)", "memory (worst)"]
    assert "normal operation" in table.horizontalHeaderItem(2).toolTip()
    assert "active mailboxes" in table.horizontalHeaderItem(3).toolTip()
    (row,) = [r for r in range(table.rowCount()) if table.item(r, 0).text() == "RED-CCR-N2"]
    cells = [table.item(row, c).text() for c in range(table.columnCount())]
    assert cells[2:4] == ["0 / 0", "8 / 4,000"]
    # (the name's hyphens unbreakable: a wrapped cell keeps it whole, ui24)
    assert cells[4] == "failure of ESXi host esx\u2011red\u201102"
    assert cells[5:] == ["56 %", "82 %"]
    header = table.horizontalHeader()
    # Each header is shown whole.
    metrics = QFontMetrics(header.font())
    for column in (5, 6):
        assert header.sectionSize(column) >= metrics.horizontalAdvance(headers[column])
    panel.grab().save(str(tmp_path / "capacity-servers.png"))


def test_a_log_luns_unset_free_space_says_what_the_sizing_assumes(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """eyes15: three_site_stretched_dag's log LUNs state no free space; ``capacity``
    sizes BOS-MBX01 DS-LOG with "240 GB free (assumed)" (half of its 480 GB, the
    catalog's share), but its Inspector read "Free: (none)", as if it had none. Unset,
    the field now says what the sizing takes, and the change rate whose share it takes."""
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    view = window.view
    node = view.design_scene.nodes["lun-bos-mbx01-log"]
    view.centerOn(node)
    QApplication.processEvents()
    point = view.mapFromScene(node.sceneBoundingRect().center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.session.selection == ["lun-bos-mbx01-log"]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    QApplication.processEvents()
    free = inspector.editors["free_gb"].editor
    rate = inspector.editors["change_rate_gb_per_hour"].editor
    assert isinstance(free, QDoubleSpinBox) and isinstance(rate, QDoubleSpinBox)
    assert free.text() == "(unset: 240 GB assumed)"
    assert rate.text() == "(unset: its share of the array's or site's)"
    # What the command line's sizing of the same LUN says.
    run = subprocess_run_capacity(SAMPLES / "three_site_stretched_dag.json")
    assert "  BOS-MBX01 DS-LOG: 22.9 h (240 GB free (assumed), " in run
    # A stated free space shows as itself.
    type_into(free, "100")
    lun = window.session.document.get("lun-bos-mbx01-log")
    assert lun is not None and lun.free_gb == 100.0  # type: ignore[attr-defined]
    assert free.text().startswith("100")


def subprocess_run_capacity(path: Path) -> str:
    """``dr-designer capacity PATH`` as the installed script prints it."""
    script = Path(sys.executable).parent / "dr-designer"
    run = subprocess.run([str(script), "capacity", str(path)], capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.decode()


def test_a_plan_preview_ends_when_file_new_replaces_the_design(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # eyes16: the preview of the three-site sample's plan stayed open over File > New's
    # template, and over File > Open Sample; its Apply then wrote the old design's plan
    # into the new one ("mailbox database name 'DB03' is already used", or silently
    # where the ids matched).
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    type_into(panel.plan.databases, "8")
    assert panel.plan.isVisible() and panel.plan.table.rowCount() == 8
    file_action = next(a for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    file_menu = file_action.menu()
    assert isinstance(file_menu, QMenu)
    file_menu.aboutToShow.emit()
    new = next(a for a in file_menu.actions() if a.text().replace("&", "") == "New").menu()
    assert isinstance(new, QMenu)
    new.aboutToShow.emit()
    next(a for a in new.actions() if a.text().startswith("Two-site DAG")).trigger()
    qtbot.waitUntil(lambda: window.session.design.name == "Two-site DAG")
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    assert not panel.plan.isVisible() and panel.table.isVisible()
    assert panel.plan_button.isEnabled() and panel.plan.layout_planned is None
    revision = window.session.document.revision
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)  # hidden: nothing
    assert window.session.document.revision == revision
    # A new preview plans the design shown.
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    headers = [panel.plan.table.horizontalHeaderItem(c).text().split("\n")[0] for c in range(4)]
    assert headers == ["PRD-MBX01", "PRD-MBX02", "DR-MBX01", "DR-MBX02"]


def test_the_databases_dock_grows_for_a_design_opened_while_it_is_shown(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    """The Databases dock was sized to its rows only when its tab was raised: a design
    with more databases opened while it was shown kept the height of the last one (a
    new two-site DAG's two rows, then about 2½ of the three-site sample's four)."""
    window = launch()
    window.resize(1280, 800)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    table = panel.table
    assert table.rowCount() == 2
    QApplication.processEvents()
    assert window.open_file(SAMPLES / "three_site_stretched_dag.json", ask=False)
    assert table.rowCount() == 4
    qtbot.waitUntil(
        lambda: table.visualItemRect(table.item(3, 0)).bottom() <= table.viewport().height(),
        timeout=2000,
    )
    qtbot.waitUntil(lambda: not table.verticalScrollBar().isVisible(), timeout=2000)
    shots = Path("/tmp/uia16-shots")
    shots.mkdir(exist_ok=True)
    window.grab().save(str(shots / "databases-after-open.png"))
