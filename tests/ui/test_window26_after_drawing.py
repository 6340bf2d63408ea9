"""What a user meets right after drawing (wave 26, ``window26``), through the user's doors
(``dr-designer gui``, Ctrl+N, the palette's Enter, real drags with the Connect tool,
File > Open, Ctrl+S, simulation mode's clicks):

1. A line drawn with the Connect tool that sets a reference (a VM joining a DAG) left
   the Inspector on the previous selection (often something unrelated: the WAN link
   drawn before): the element holding the line is selected, as a new box or a new WAN
   link is.
2. A new WAN link read "0 km" (sites side by side, where nobody had said anything): its
   distance is not set until the user states it, the canvas and the Inspector say so,
   MV005 names a synchronous mirror over a link of no stated distance, and files saved
   with a distance (0 km too) read as before.
3. A new Mailbox server was given Exchange 2010: the newest version the catalog knows
   now (2013) with its Windows version, and no rule about versions fires on a two-site
   DAG drawn from the palette.
4. The timeline said "healthy again" for a copy whose cut-off it never told: it says
   what happened, "caught up: 60 min of logs copied and replayed".
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from check_lists import list_rows
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QListView,
    QToolBar,
)
from test_canvas_support import drag
from test_capacity_window import point_on, simulate
from test_eyes25_walk import _centre, _problem_texts, _title, _two_sites
from test_newcomer_keyboard20 import _enter, _pick

from designer.domain import Design
from designer.domain.elements import (
    EsxiHost,
    Lun,
    Mirror,
    Site,
    StorageArray,
    VirtualMachine,
    WanLink,
)
from designer.domain.enums import MirrorMode
from designer.persistence import load, save
from designer.rules import check
from designer.ui.main_window import MainWindow
from designer.ui.panels.inspector import InspectorPanel

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("DR_DESIGNER_SHOTS", "/tmp/window26-shots"))
CTRL = Qt.KeyboardModifier.ControlModifier


def _shot(window: MainWindow, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    window.grab().save(str(SHOTS / f"{name}.png"))


def _connect_tool(window: MainWindow) -> None:
    toolbar = window.findChild(QToolBar)
    assert toolbar is not None
    QTest.mouseClick(toolbar.widgetForAction(window.act_connect), Qt.MouseButton.LeftButton)
    assert window.view.connect_mode


def _inspector(window: MainWindow) -> InspectorPanel:
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    return inspector


def _drawn_two_site_dag(launch: Any) -> tuple[MainWindow, dict[str, str]]:
    """Ctrl+N, two sites with a host and a VM each and DAG01 from the palette; a WAN link
    and both VMs joined to DAG01 drawn with the Connect tool."""
    window, ids = _two_sites(launch)
    _connect_tool(window)
    drag(window.view, _title(window, ids["Boston"]), _title(window, ids["Worcester"]))
    (link,) = [e.id for e in window.session.design.elements if e.kind == "wan_link"]
    ids["link"] = link
    return window, ids


# -- 1. the Inspector after a Connect drag ---------------------------------------------------
def test_a_member_line_drawn_with_the_connect_tool_shows_its_dag(launch: Any) -> None:
    window, ids = _drawn_two_site_dag(launch)
    session, view = window.session, window.view
    assert session.selection == [ids["link"]]  # the WAN link just drawn, as before
    drag(view, _centre(window, ids["WOR-MBX01"]), _title(window, ids["DAG01"]))
    assert session.document.get(ids["DAG01"]).members == [ids["WOR-MBX01"]]  # type: ignore[union-attr]
    # The Inspector stayed on the WAN link: it shows the DAG the line joins now.
    assert session.selection == [ids["DAG01"]]
    inspector = _inspector(window)
    assert inspector.element_id == ids["DAG01"]
    members = inspector.editors["members"].editor
    assert isinstance(members, QListView)
    ticked = [
        row.data(Qt.ItemDataRole.UserRole)
        for row in list_rows(members)
        if row.checkState() == Qt.CheckState.Checked
    ]
    assert ticked == [ids["WOR-MBX01"]]
    _shot(window, "1-member-line-shows-its-dag")
    # The next member drawn keeps it there; one undo takes the line back.
    drag(view, _centre(window, ids["BOS-MBX01"]), _title(window, ids["DAG01"]))
    assert session.selection == [ids["DAG01"]]
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, CTRL)
    assert session.document.get(ids["DAG01"]).members == [ids["WOR-MBX01"]]  # type: ignore[union-attr]


# -- 2. a new WAN link's distance -------------------------------------------------------------
def test_a_new_wan_link_states_no_distance_until_the_user_sets_one(
    launch: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    window, ids = _drawn_two_site_dag(launch)
    session, view = window.session, window.view
    link = session.document.get(ids["link"])
    assert isinstance(link, WanLink) and link.distance_km is None
    label = view.design_scene.edges[ids["link"]].label_text()
    assert label.endswith("· 1 ms · distance not set"), label
    inspector = _inspector(window)
    assert inspector.element_id == ids["link"]
    distance = inspector.editors["distance_km"].editor
    assert isinstance(distance, QDoubleSpinBox)
    assert distance.text() == "(not set)"
    _shot(window, "2-new-wan-link-distance-not-set")
    # Saved without a distance: no "0 km" in the file (nor a null an earlier version
    # would refuse).
    path = tmp_path / "two-sites.drd.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)  # leaves the Connect tool
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_S, CTRL)  # a new design: Save As
    saved = json.loads(path.read_text())
    (raw,) = [e for e in saved["design"]["elements"] if e["kind"] == "wan_link"]
    assert "distance_km" not in raw
    # Typed in the Inspector: the canvas says it, and the file keeps it.
    distance.setFocus()
    distance.selectAll()
    QTest.keyClicks(distance, "120")
    QTest.keyClick(distance, Qt.Key.Key_Return)
    assert session.document.get(ids["link"]).distance_km == 120.0  # type: ignore[union-attr]
    assert view.design_scene.edges[ids["link"]].label_text().endswith("· 1 ms · 120 km")
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_S, CTRL)
    (raw,) = [
        e for e in json.loads(path.read_text())["design"]["elements"] if e["kind"] == "wan_link"
    ]
    assert raw["distance_km"] == 120.0


def _mirrored_over(distance: float | None) -> Design:
    """Two sites joined by a WAN link of ``distance`` km and a MirrorView/S mirror between
    their arrays."""
    link: dict[str, Any] = {} if distance is None else {"distance_km": distance}
    return Design(
        name="Mirrored",
        elements=[
            Site(id="bos", name="Boston"),
            Site(id="wor", name="Worcester"),
            WanLink(id="wan", name="BOS-WOR", site_a="bos", site_b="wor", **link),
            EsxiHost(id="esx", name="esx-bos", site="bos"),
            VirtualMachine(id="vm", name="MBX01", host="esx"),
            StorageArray(id="arr-b", name="CX4-B", site="bos"),
            StorageArray(id="arr-w", name="CX4-W", site="wor"),
            Lun(id="lun-b", name="LUN-B", array="arr-b"),
            Lun(id="lun-w", name="LUN-W", array="arr-w"),
            Mirror(
                id="m1", name="MV-1", source_lun="lun-b", target_lun="lun-w", mode=MirrorMode.SYNC
            ),
        ],
    )


def test_a_synchronous_mirror_over_a_link_of_no_stated_distance_says_so(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "mirrored.drd.json"
    save(_mirrored_over(None), path)
    window = launch(path)
    qtbot.waitUntil(lambda: bool(_problem_texts(window, "MV005")), timeout=20_000)
    assert _problem_texts(window, "MV005") == [
        "WAN link BOS-WOR carries 1 MirrorView/S mirror and states no distance; EMC "
        "recommends less than 100 km: set its distance"
    ]
    # A stated distance under the recommendation: nothing to say.
    assert [f for f in check(_mirrored_over(40.0)).active if f.code == "MV005"] == []


def test_a_file_saved_with_0_km_still_reads_0_km(launch: Any, tmp_path: Path) -> None:
    # Nothing a user saved is migrated: an explicit 0 km stays 0 km (a link inside one
    # campus), and the file is written back as it was.
    path = tmp_path / "zero.drd.json"
    save(_mirrored_over(0.0), path)
    text = path.read_text()
    assert '"distance_km": 0.0' in text
    window = launch(path)
    link = window.session.document.get("wan")
    assert isinstance(link, WanLink) and link.distance_km == 0.0
    assert window.view.design_scene.edges["wan"].label_text().endswith("· 1 ms · 0 km")
    window.find_element("wan")
    distance = _inspector(window).editors["distance_km"].editor
    assert isinstance(distance, QDoubleSpinBox) and distance.text() == "0.00 km"
    # And written back as it was.
    again = tmp_path / "again.drd.json"
    save(load(path), again)
    assert again.read_text() == text


# -- 3. a new Mailbox server's Exchange version -----------------------------------------------
def test_a_two_site_dag_drawn_from_the_palette_is_exchange_2013_and_no_version_rule_fires(
    launch: Any, qtbot: Any
) -> None:
    window, ids = _drawn_two_site_dag(launch)
    session, view = window.session, window.view
    for vm in ("BOS-MBX01", "WOR-MBX01"):
        drag(view, _centre(window, ids[vm]), _title(window, ids["DAG01"]))
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)  # leaves the Connect tool
    _pick(window, ids["DAG01"])
    _enter(window, "mailbox_database", "DB01")
    design = session.design
    vms = [e for e in design.elements if isinstance(e, VirtualMachine)]
    assert [(v.name, v.exchange_version, v.windows_version) for v in vms] == [
        ("BOS-MBX01", "2013", "2012 x64"),
        ("WOR-MBX01", "2013", "2012 x64"),
    ]
    # What the user reads: the VM's Inspector says 2013 (found by name, Ctrl+F's way).
    assert window.find_element("WOR-MBX01")
    assert session.selection == [ids["WOR-MBX01"]]
    version = _inspector(window).editors["exchange_version"].editor
    assert isinstance(version, QComboBox) and version.currentText() == "2013"
    _shot(window, "3-mailbox-server-exchange-2013")
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    shown = {(f.code, f.message) for f in session.findings.active}
    # No rule about versions (EX003: a guest OS; EX006: a role the version has not).
    assert not [m for c, m in shown if c in ("EX003", "EX006")]
    # (EX002 names the Mailbox servers' version to say why they count as transport
    # servers, eyes27: not a rule about versions.)
    assert not [m for c, m in shown if c != "EX002" and ("Windows" in m or "Exchange 20" in m)]
    # And the same rules fire as with Exchange 2010 (whose Mailbox servers, unlike 2013's,
    # run no Hub Transport service: EX002 counts one Hub Transport server fewer).
    older = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"exchange_version": "2010", "windows_version": "2008 R2 x64"})
                if isinstance(e, VirtualMachine)
                else e
                for e in design.elements
            ]
        }
    )
    assert {c for c, _ in shown} == {f.code for f in check(older).active}


# -- 4. the timeline's words for a copy that catches up ---------------------------------------
def test_a_copy_behind_a_restored_link_caught_up_in_the_timeline(qtbot: Any, launch: Any) -> None:
    window = launch(ROOT / "sample_designs" / "stretched_dag_lagged.json")
    window.resize(1280, 800)
    simulate(window, qtbot)
    controller = window.simulation.controller
    viewport = window.view.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_on(window, "wan-atl-clt"))
    controller.wait_until_ready()
    controller.pause()
    controller.set_time(3600.0)
    qtbot.waitUntil(lambda: not window.simulation.overlay.gliding, timeout=3000)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_on(window, "wan-atl-clt"))
    assert [(s.action, s.target, s.at_s) for s in controller.steps] == [
        ("fail", "wan-atl-clt", 0.0),
        ("restore", "wan-atl-clt", 3600.0),
    ]
    controller.wait_until_ready()
    timeline = window.simulation.timeline
    qtbot.waitUntil(lambda: any(e.kind == "copy_healthy" for e in timeline._events), timeout=20_000)
    said = [e.text for e in timeline._events if e.kind == "copy_healthy"]
    assert said == [
        f"copy of mailbox database ATL-DB0{n} on CLT-MBX01 caught up: 60 min of logs "
        "copied and replayed"
        for n in (1, 2, 3, 4)
    ]
    assert not [e.text for e in timeline._events if "healthy again" in e.text]
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: not window.simulation.overlay.gliding, timeout=3000)
    _shot(window, "4-copies-caught-up")
