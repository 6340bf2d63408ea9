"""An edit of many elements costs what it changes (issue 10, wave 25, ``edit25``).

Deleting a DAG edits each of its databases (their ``dag`` field): one change of the
document, given out as one event per database. Each event refilled the Databases
panel's table and the combo of DAGs, walked the rows of the boxes it touched, and
routed the lines it made afresh, one by one: 400 refills and 80,000 repaints for a DAG
at 100k (6.8 s), 100 reroutes and 482,000 repaints for 50 VMs (18 s). Now the panel
refreshes once per change and the canvas repaints and routes once, after the change's
last event (``EditorSession.changes_applied``).

Counted here, not timed, at two sizes (48 and 160 databases in the DAG), through
``dr-designer gui FILE``, a click on the DAG's box and the Delete key, then Ctrl+Z and
Ctrl+Y; the canvas ends as it began."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import generated_file as _generated
from generated import settled as _settled
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from designer.document import Document
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.scene import DesignScene
from designer.ui.panels.databases import DatabasesPanel


@pytest.fixture(params=[300, 1000])
def opened(request: Any, launch: Any, qtbot: Any, tmp_path: Path) -> tuple[Any, int]:
    """``dr-designer gui FILE`` on a generated design of ``request.param`` elements (its
    window at 1600 × 1000, checked and every line routed), and that size."""
    window = launch(_generated(tmp_path, request.param))
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    return window, request.param


def _drawing(scene: DesignScene) -> tuple[set[str], set[str], int]:
    """The boxes, the lines, and the lines the scene holds as items."""
    lines = sum(1 for item in scene.items() if isinstance(item, EdgeItem))
    return set(scene.nodes), set(scene.edges), lines


def test_deleting_a_dag_refreshes_the_table_once_and_routes_once(
    opened: tuple[Any, int], qtbot: Any, monkeypatch: Any
) -> None:
    window, size = opened
    session = window.session
    scene = window.view.design_scene
    document = session.document
    dag: Any = next(e for e in document.design.elements if e.kind == "dag")
    databases = [e.id for e in document.design.elements if getattr(e, "dag", None) == dag.id]
    assert len(databases) == {300: 48, 1000: 160}[size]
    before = _drawing(scene)

    refreshes: list[int] = []
    reroutes: list[int] = []
    panel_refresh = DatabasesPanel.refresh
    scene_reroute = DesignScene.reroute

    def refresh(panel: DatabasesPanel) -> None:
        refreshes.append(document.revision)
        panel_refresh(panel)

    def reroute(self: DesignScene, keys: Any, **kwargs: Any) -> None:
        reroutes.append(document.revision)
        scene_reroute(self, keys, **kwargs)

    monkeypatch.setattr(DatabasesPanel, "refresh", refresh)
    monkeypatch.setattr(DesignScene, "reroute", reroute)

    # The user clicks the DAG's box and presses Delete.
    view = window.view
    rect = scene.nodes[dag.id].scene_rect()
    view.centerOn(rect.center())
    at = view.mapFromScene(rect.left() + 12, rect.top() + 6)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    assert session.selection == [dag.id]
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert document.get(dag.id) is None, "deleted"
    assert all(getattr(document.get(i), "dag", None) is None for i in databases)
    changes = len(set(refreshes))
    # One refresh per change of the document (the databases edited, then the DAG gone),
    # not one per database (the old code: 48 and 160).
    assert len(refreshes) == changes <= 2, refreshes
    panel = window.findChild(DatabasesPanel)
    assert panel is not None and panel.dag_combo.count() == 0
    # The lines the change made or took away routed once per change, not one by one.
    assert len(reroutes) <= 2 * changes, reroutes
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    nodes, edges, lines = _drawing(scene)
    assert dag.id not in nodes
    assert lines == len(edges), "the lines taken away left the scene"

    # Ctrl+Z brings it all back as it was; Ctrl+Y deletes it again.
    refreshes.clear()
    reroutes.clear()
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.get(dag.id) is not None
    assert len(refreshes) <= 2 and len(reroutes) <= 4, (refreshes, reroutes)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == before
    qtbot.waitUntil(lambda: panel.table.rowCount() == len(databases), timeout=60_000)
    refreshes.clear()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert document.get(dag.id) is None
    assert len(refreshes) <= 2, refreshes
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == (nodes, edges, lines)


def test_pasting_a_copied_host_looks_up_only_the_names_it_makes(
    opened: tuple[Any, int], qtbot: Any, monkeypatch: Any
) -> None:
    """Ctrl+C on a host, Ctrl+V beside it: the host and its VMs come with the next free
    names and fresh ids, looked up in the document's names (a few per pasted element),
    not in sets of every name and id of the design (0.6 s of a paste at 100k); Ctrl+Z
    takes them away."""
    window, _size = opened
    session = window.session
    scene = window.view.design_scene
    document = session.document
    host: Any = next(e for e in document.design.elements if e.kind == "esxi_host")
    vms = [e for e in document.design.elements if getattr(e, "host", None) == host.id]
    count = len(document.design.elements)
    view = window.view
    rect = scene.nodes[host.id].scene_rect()
    view.centerOn(rect.center())
    at = view.mapFromScene(rect.left() + 12, rect.top() + 6)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    assert session.selection == [host.id]
    looked_up: list[tuple[str, str]] = []
    holder = Document.name_holder

    def name_holder(doc: Document, kind: str, name: str) -> str | None:
        looked_up.append((kind, name))
        return holder(doc, kind, name)

    monkeypatch.setattr(Document, "name_holder", name_holder)
    QTest.keyClick(view.viewport(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.mouseMove(view.viewport(), at + QPoint(0, int(rect.height()) + 60))
    QTest.keyClick(view.viewport(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    added = [e for e in document.design.elements[count:]]
    assert added, "pasted"
    names = {(e.kind, e.name) for e in document.design.elements}
    assert len(names) == len(document.design.elements), "every name unique per kind"
    pasted_host = next(e for e in added if e.kind == "esxi_host")
    assert pasted_host.name != host.name and pasted_host.id != host.id
    assert len([e for e in added if e.kind == "vm"]) == len(vms)
    assert all(e.id in scene.nodes for e in added if e.kind in ("esxi_host", "vm"))
    # Each pasted name tried against the document's until free: the copied names, then
    # the next numbers (the generated names are numbered densely: a few tries each).
    assert len(added) <= len(looked_up) <= 4 * len(added), (len(added), len(looked_up))
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(document.design.elements) == count
