"""A newcomer's walk at 100k (wave 29, ``eyes29``): the generated estates opened through
``dr-designer gui FILE`` and worked as an architect would (Find, rename, add, delete,
undo, Replace in Names, paste, F5, N-1, Save As, recent files, File > New)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from check_lists import list_rows
from generated import click_title, generated_file, settled
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem
from test_eyes28_walk import _find, _opened  # a window on FILE; Ctrl+F, typed, Enter

from designer.ui.panels.inspector import InspectorPanel


def test_a_database_found_in_a_big_dag_is_drawn_not_summarised(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # Ctrl+F "DAG03-DB0101" at 60 % in the 100k estate: the view went to the database,
    # but its DAG box showed its rows as plain bars, the found one neither named nor
    # marked. The level of detail counted every row of each box in view (a DAG of 480
    # databases: over the 400 a frame draws), not the rows in view (about 200).
    window = _opened(launch, qtbot, generated_file(tmp_path, 3000))
    view, scene = window.view, window.view.design_scene
    rows = [e for e in window.session.design.elements if e.kind == "mailbox_database"]
    assert len(rows) > 400  # one DAG holds them all
    found = rows[100]
    _find(window, qtbot, found.name)
    assert window.session.selection == [found.id]
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    rect = scene.rect_of(found.id)
    assert rect is not None and seen.contains(rect.center())
    assert view.scale_factor >= 0.3  # legible: no far zoom to blame
    # The scroll re-decides the level of detail shortly after (a timer): wait for it.
    qtbot.waitUntil(lambda: not view._detail_timer.isActive())
    assert scene.detail_visible, "the found database's box is summarised"
    assert scene.nodes[found.id].isVisible()
    in_view = sum(1 for r in rows if (b := scene.rect_of(r.id)) and b.intersects(seen))
    assert 0 < in_view <= 400


def test_deleting_a_host_names_the_lost_references_as_the_inspector_does(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # Delete on esx02003 of the 100k estate said "protection group PG DC02 001 loses
    # DC02-APP0111 from its vms": the field's code name; the Inspector calls it "VMs".
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    click_title(window, "esx-01-005")  # DC01-APP0001, in protection group PG DC01 001
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "esx-01-005" not in window.view.design_scene.nodes)
    said = window.statusBar().currentMessage()
    assert "protection group PG DC01 001 loses DC01-APP0001" in said, said
    assert "from its VMs" in said and "from its vms" not in said, said


def _drawn_texts(widget: QListView) -> list[str]:
    """Each row's text as the list draws it in its width (elided as it elides)."""
    shown = []
    for row in range(widget.model().rowCount()):
        index = widget.model().index(row, 0)
        option = QStyleOptionViewItem()
        option.initFrom(widget)
        option.rect = widget.visualRect(index)
        option.textElideMode = widget.textElideMode()
        option.decorationSize = widget.iconSize()
        widget.itemDelegate().initStyleOption(option, index)  # type: ignore[attr-defined]
        style = widget.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        width = text_rect.width() - 2 * margin
        shown.append(widget.fontMetrics().elidedText(option.text, option.textElideMode, width))
    return shown


def test_a_dags_members_are_told_apart_in_the_inspectors_narrow_list(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # DAG03's Members list in the 100k estate: every row read "DAG03-MBX-DC…", the
    # part that tells the members apart (site, number) cut off at the dock's width.
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    click_title(window, "dag-01")
    panel = window.findChild(InspectorPanel)
    assert panel is not None
    members = panel.editors["members"].editor
    assert isinstance(members, QListView)
    qtbot.waitUntil(lambda: members.isVisible() and members.model().rowCount() > 0)
    names = [row.text() for row in list_rows(members)]
    assert "DAG01-MBX-DC01-01" in names and "DAG01-MBX-DC02-01" in names
    drawn = _drawn_texts(members)
    cut = [(name, text) for name, text in zip(names, drawn, strict=True) if name != text]
    assert cut, "the list is wide enough to show every name: nothing to check"
    assert len(set(drawn)) == len(drawn), drawn
    assert drawn[0].startswith("DAG01-") and drawn[0].endswith("DC01-01"), drawn[0]


def test_a_host_pasted_over_its_cluster_is_scrolled_into_sight(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # esx01001 copied, the pointer over its cluster's hosts below it, Ctrl+V: the new
    # host took the free place nearest the pointer, below the view; the canvas did not
    # move and showed nothing new (only the Inspector's list said what was pasted).
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    view, scene, session = window.view, window.view.design_scene, window.session
    click_title(window, "esx-01-001")
    QTest.keyClick(view.viewport(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    host = scene.rect_of("esx-01-001")
    assert host is not None
    spot = QPointF(host.left() + 20, host.bottom() + 150)
    view.centerOn(spot)
    QTest.mouseMove(view.viewport(), view.mapFromScene(spot))
    over = scene.node_at(spot)
    assert over is not None and over.kind == "esxi_host"  # another host of the cluster
    QTest.keyClick(view.viewport(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: settled(window) and len(session.selection) > 1)
    doc = session.document
    (new,) = [i for i in session.selection if (e := doc.get(i)) and e.kind == "esxi_host"]
    pasted = scene.rect_of(new)
    assert pasted is not None
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(pasted), (seen, pasted)


class _CountedLanes(tuple):  # type: ignore[type-arg]
    """The timeline's lanes, counting how often an event's lane is looked for."""

    looks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        _CountedLanes.looks += 1
        return super().__iter__()


def test_a_sites_failure_draws_its_timeline_dots_once_per_look(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # F5, site DC02 clicked in the 100k estate: the window stopped for 21 s (a loaded
    # machine; 13.6 s at 25k), much of it the timeline: each of ~5,600 events' lane
    # looked for ~7 times by prefix (39,000 looks), and a dot's picture drawn per event
    # (a new brush each: pyqtgraph keys its pictures by the brush object).
    from designer.ui.simulation import timeline

    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    getattr(timeline.lane_of, "cache_clear", lambda: None)()
    monkeypatch.setattr(timeline, "LANES", _CountedLanes(timeline.LANES))
    view, scene = window.view, window.view.design_scene
    window.activateWindow()
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    simulation = window.simulation
    assert simulation is not None
    controller = simulation.controller
    qtbot.waitUntil(lambda: controller.ready, timeout=60_000)
    site = scene.rect_of("site-02")
    assert site is not None
    spot = QPointF(site.left() + 12, site.top() + 6)
    view.centerOn(spot)
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), view.mapFromScene(spot)
    )
    scatter = simulation.timeline.scatter
    qtbot.waitUntil(lambda: controller.result is not None and len(scatter.data) > 0)
    events = controller.result.events
    kinds = {event.kind for event in events}
    assert len(events) > 100 and len(scatter.data) == len(events)
    assert _CountedLanes.looks <= 2 * len(kinds), (_CountedLanes.looks, len(kinds), len(events))
    # The dots' pictures: one per colour and size (3 × 2), not one per event.
    qtbot.waitUntil(lambda: len(scatter.fragmentAtlas) > 0)
    assert len(scatter.fragmentAtlas) <= 6, len(scatter.fragmentAtlas)


def test_a_click_on_a_sites_title_routes_no_line(
    launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # Clicking DC03's title at 100k stopped the window 1.5–2.2 s (a loaded machine; 25k:
    # 0.5 s of the click in the router): the click, a drag that never started, put
    # every box of the site "back" where it was and routed their lines again.
    window = _opened(launch, qtbot, generated_file(tmp_path, 1000))
    scene = window.view.design_scene
    click_title(window, "site-01")
    qtbot.waitUntil(lambda: settled(window))
    routed: list[str] = []
    route = scene.router._route

    def counted(key: str, *args: Any, **kwargs: Any) -> Any:
        routed.append(key)
        return route(key, *args, **kwargs)

    monkeypatch.setattr(scene.router, "_route", counted)
    click_title(window, "site-02")
    qtbot.waitUntil(lambda: settled(window))
    assert window.session.selection == ["site-02"]
    assert routed == [], f"{len(routed)} lines routed by a click"
