"""What eyes30's walk as a newcomer found, each through the user's door.

- The Exchange 2007 sample opened (``dr-designer gui FILE``, 38 %): the box of "SCR
  RED-CCR → POR-MBX-SCR01" showed no name at all, its neighbours "LCR on…LCR01" and
  "CCR cluster RE…": its shared words left out it read "SCR…→…SCR01", too little of
  the name to draw, and nothing else was tried.
- A two-site DAG drawn from the palette, its database given no copy yet, F5 and a
  site clicked: the Results row read "down", "misses targets" and, as Why, "not
  affected" (it was down before the scenario too).
- N-1 at 100k: "No single point of failure among 1781 elements", its count not
  separated as the window's other counts are (also ``dr-designer analyze`` and the
  review report).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget
from test_newcomer_drawing import _two_mailbox_servers_and_a_dag

from designer.domain.design import Design
from designer.domain.elements import EsxiHost, Site, VsphereCluster
from designer.entry import main
from designer.persistence import save
from designer.ui.canvas.labels import MIN_TEXT_PX
from designer.ui.simulation.results_table import COLUMNS

SAMPLES = sorted((Path(__file__).parents[2] / "sample_designs").glob("*.json"))


def _drawn_names(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    scene = window.view.design_scene
    scene.labels.record = []
    window.view.viewport().repaint()
    return {label.owner: label.text.replace("\n", " ") for label in scene.labels.record}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_top_level_box_in_sight_is_named_as_a_sample_opens(launch, sample: Path) -> None:  # type: ignore[no-untyped-def]
    window = launch(sample)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    view = window.view
    scene = view.design_scene
    names = _drawn_names(window)
    shown = view.viewport().rect()
    to_device = view.viewportTransform()
    unnamed = []
    for element_id, node in scene.nodes.items():
        if scene.box_parent.get(element_id) is not None or node.container or node.detail:
            continue
        on_screen = to_device.mapRect(node.scene_rect())
        if not shown.contains(on_screen.toAlignedRect()) or on_screen.height() < MIN_TEXT_PX:
            continue
        if element_id not in names:
            unnamed.append(node.name)
    assert unnamed == []


def test_the_scr_box_keeps_its_start_and_end(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(Path(__file__).parents[2] / "sample_designs" / "exchange2007_lcr_ccr_scr.json")
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    shown = _drawn_names(window)["ex-scr"]
    assert shown.count("…") == 1
    start, end = shown.split("…")
    assert start.startswith("SCR RE") and end.endswith("SCR01")


def test_a_database_down_before_the_scenario_says_so_not_not_affected(launch) -> None:  # type: ignore[no-untyped-def]
    path = _two_mailbox_servers_and_a_dag(launch.home, joined=True)
    document = json.loads(path.read_text(encoding="utf-8"))
    for element in document["design"]["elements"]:
        if element["id"] == "db-1":
            element["copies"] = []  # drawn, its copies not yet given
    path.write_text(json.dumps(document), encoding="utf-8")
    window = launch(path)
    view = window.view
    view.set_zoom(0.6)
    view.centerOn(650, 300)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    assert controller.active
    rect = view.design_scene.rect_of("esx-b1")
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)  # its title bar
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    controller.pause()
    controller.set_time(controller.duration)
    QApplication.processEvents()
    table = window.simulation.results.table
    (row,) = range(table.rowCount())
    cells = {name: table.item(row, c).text() for c, name in enumerate(COLUMNS)}
    assert cells["State"] == "down"
    assert cells["Why"] == "as before the scenario: no copy can serve it"


def _title_spot(window, site: str) -> QPoint:  # type: ignore[no-untyped-def]
    """Where the view shows ``site``'s map title (drawn over its content, zoomed out):
    the middle of its name's text, on the viewport."""
    view = window.view
    scene = view.design_scene
    scene.labels.record = []
    view.viewport().repaint()
    (label,) = [label for label in scene.labels.record if label.owner == site]
    return label.rect.center().toPoint()


@pytest.mark.parametrize("mode", ["edit", "simulation"])
def test_a_click_on_a_sites_name_over_its_content_picks_the_site(launch, mode: str) -> None:  # type: ignore[no-untyped-def]
    """Zoomed out (Fit to Window of a big design) a site's name is drawn over its
    hosts; a click on it selected, or in simulation mode failed, the host under it."""
    window = launch(Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json")
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    view = window.view
    view.set_zoom(0.12)
    view.centerOn(view.design_scene.rect_of("site-bos").center())
    at = _title_spot(window, "site-bos")
    scene = view.design_scene
    beneath = scene.node_at(view.mapToScene(at))
    assert beneath is not None and beneath.element_id != "site-bos", "the name lies over a box"
    if mode == "simulation":
        QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
        assert window.simulation.controller.active
        at = _title_spot(window, "site-bos")
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    if mode == "edit":
        assert window.session.selection == ["site-bos"]
        # A double-click there centres the site too, not the box under its name.
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
        assert window.session.selection == ["site-bos"]
    else:
        steps = window.simulation.controller.steps
        assert [(step.action, step.target) for step in steps] == [("fail", "site-bos")]


def test_a_palette_filter_that_matches_no_kind_says_so(launch) -> None:  # type: ignore[no-untyped-def]
    """A typo in the palette's filter ("fn") left a blank palette, no word why."""
    window = launch()
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    palette = window.findChild(QDockWidget, "PaletteDock").widget()
    box = palette.filter_edit
    QTest.mouseClick(box, Qt.MouseButton.LeftButton)
    QTest.keyClicks(box, "fn")
    assert palette.visible_kinds() == []
    assert palette.empty_note.isVisible()
    assert palette.empty_note.text() == "No kind matches “fn”: Escape clears the filter"
    window.grab().save(str(launch.home / "palette-no-kind.png"))
    QTest.keyClick(box, Qt.Key.Key_Backspace)  # "f": File share witness, Mirror …
    assert palette.visible_kinds() and not palette.empty_note.isVisible()
    QTest.keyClicks(box, "n")
    assert palette.empty_note.isVisible()
    QTest.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == "" and not palette.empty_note.isVisible()


def _a_thousand_hosts(folder: Path) -> Path:
    elements = [Site(id="s1", name="Alpha"), VsphereCluster(id="c1", name="CL", site="s1")]
    elements += [
        EsxiHost(id=f"h{i}", name=f"esx{i:04d}", cluster="c1", site="s1") for i in range(1000)
    ]
    path = folder / "many-hosts.drd.json"
    save(Design(name="Many hosts", elements=elements), path)
    return path


def test_the_n1_count_separates_thousands(launch, qtbot, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _a_thousand_hosts(launch.home)
    assert main(["analyze", str(path)]) == 0
    assert capsys.readouterr().out.startswith("N-1 analysis: 1,001 scenarios examined, ")
    window = launch(path)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    tabs = window.simulation.tabs
    (index,) = [i for i in range(tabs.count()) if tabs.tabText(i) == "Single points of failure"]
    tabs.setCurrentIndex(index)
    spof = window.simulation.spof
    qtbot.waitExposed(spof)
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not spof.running and spof.result is not None, timeout=60000)
    assert spof.summary.text() == "No single point of failure among 1,001 elements"


def test_the_palettes_keys_go_from_kind_to_kind_past_the_headings(launch) -> None:  # type: ignore[no-untyped-def]
    """Home in the palette stopped on the "Infrastructure" heading, where Enter adds
    nothing; the newcomer's next keys went to the type-ahead."""
    window = launch()
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    palette = window.findChild(QDockWidget, "PaletteDock").widget()
    tree = palette.tree
    lun = tree.visualItemRect(palette.items["lun"]).center()
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=lun)
    assert tree.currentItem() is palette.items["lun"]
    QTest.keyClick(tree, Qt.Key.Key_Home)
    assert tree.currentItem() is palette.items["site"]
    QTest.keyClick(tree, Qt.Key.Key_Up)
    assert tree.currentItem() is palette.items["site"]
    for _ in range(4):  # WAN link, vSphere cluster, ESXi host, Virtual machine
        QTest.keyClick(tree, Qt.Key.Key_Down)
    assert tree.currentItem() is palette.items["vm"]
    QTest.keyClick(tree, Qt.Key.Key_Down)  # past "Storage"
    assert tree.currentItem() is palette.items["virtual_disk"]
    QTest.keyClick(tree, Qt.Key.Key_Up)
    assert tree.currentItem() is palette.items["vm"]
    QTest.keyClick(tree, Qt.Key.Key_Home)
    sites = len([e for e in window.session.design.elements if e.kind == "site"])
    QTest.keyClick(tree, Qt.Key.Key_Return)
    assert len([e for e in window.session.design.elements if e.kind == "site"]) == sites + 1
