"""What the views do in each step of a big edit: in proportion to what the step
changed, and right when the edit is done (issue 10, wave 28, ``canvas28``).

Through ``dr-designer gui FILE`` on a generated design, with the size above which an
edit is stepped lowered (``DR_DESIGNER_STEP_ABOVE``) so that a site of a 1,000-element
design is a big edit. At 100k, the undo of a site's deletion gave back copies to
databases a few dozen a step, and each step repainted every row of their DAGs' boxes;
each step that touched the DAG the Databases panel shows refilled the panel; the step
that took the design's last RDM disks tagged every VM's disks again in its own turn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title
from generated import disk_drawing as _disks
from generated import settled as _settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget

from benchmarks.generate import generate_design
from designer.document.events import ElementChanged
from designer.domain.design import Design
from designer.domain.enums import DiskPlacement
from designer.domain.kinds import KINDS
from designer.persistence import dumps
from designer.ui.canvas.scene import DesignScene
from designer.ui.panels.databases import DatabasesPanel

#: Fields an element's neighbours show (its name, the box it sits in).
_NEIGHBOURS = {"name", *(f for info in KINDS.values() for f in info.spec.inside)}


def _site_with_rdm(design: Design) -> tuple[Design, str]:
    """``design`` with the first site's VMs' disks raw-mapped (the only RDM disks of
    the design: deleting the site leaves one placement), and that site's id."""
    site = next(e for e in design.elements if e.kind == "site")
    hosts = {e.id for e in design.elements if e.kind == "esxi_host" and e.site == site.id}
    vms = {e.id for e in design.elements if e.kind == "vm" and e.host in hosts}
    elements = [
        e.model_copy(update={"placement": DiskPlacement.RDM_PHYSICAL})
        if e.kind == "virtual_disk" and e.vm in vms
        else e
        for e in design.elements
    ]
    assert any(e.kind == "virtual_disk" and e.vm in vms for e in design.elements)
    return design.model_copy(update={"elements": elements}), site.id


@pytest.fixture
def design() -> Design:
    return _site_with_rdm(generate_design(1000, seed=1))[0]


@pytest.fixture
def site_id(design: Design) -> str:
    return next(e.id for e in design.elements if e.kind == "site")


@pytest.fixture
def path(design: Design, tmp_path: Path) -> Path:
    path = tmp_path / "generated.json"
    path.write_text(dumps(design), encoding="utf-8")
    return path


@pytest.fixture
def opened(path: Path, launch: Any, qtbot: Any, monkeypatch: Any) -> Any:
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    window = launch(path)
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    return window


def _table(panel: DatabasesPanel) -> tuple[object, ...]:
    """What the Databases panel shows: its DAG, summary, headers and cells with tints."""
    table = panel.table
    cells = [
        [
            (item.text(), item.background().color().name(), item.toolTip())
            for c in range(table.columnCount())
            if (item := table.item(r, c)) is not None
        ]
        for r in range(table.rowCount())
    ]
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return panel.dag_id, panel.summary.text(), headers, cells


def test_a_steps_rows_are_repainted_only_where_it_changed_them(
    opened: Any, site_id: str, qtbot: Any, monkeypatch: Any
) -> None:
    """Delete on a site, then Ctrl+Z: the undo's last steps give back the copies and
    members the deletion took from the databases and DAGs that stay. A step that
    changes only such fields repaints the boxes the changed elements sit in, not all
    their rows (the rows' names and number did not change); when done, the drawing is
    the one before the deletion."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    before = {i: tuple(node.box()) for i, node in scene.nodes.items()}
    steps: list[tuple[set[str], int]] = []  # (boxes of the changed elements, repaints)
    repaints = [0]
    events: list[Any] = []
    session.document.subscribe_events(events.extend)
    step, repaint = type(session)._step, DesignScene._repaint

    def counted_step(self: Any, job: Any) -> bool:
        repaints[0] = 0
        events.clear()
        more: bool = step(self, job)
        if events and all(
            isinstance(e, ElementChanged) and e.field not in _NEIGHBOURS for e in events
        ):
            boxes = {p for e in events if (p := scene.box_parent.get(e.id)) is not None}
            steps.append((boxes, repaints[0]))
        return more

    def counted(self: DesignScene, element_id: str) -> None:
        repaints[0] += 1
        repaint(self, element_id)

    click_title(window, site_id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    monkeypatch.setattr(type(session), "_step", counted_step)
    monkeypatch.setattr(DesignScene, "_repaint", counted)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.busy
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert steps, "the undo gave back fields in steps of their own"
    rows = sum(len(scene.box_children.get(b, ())) for boxes, _ in steps for b in boxes)
    assert rows > sum(len(boxes) for boxes, _ in steps), "(their boxes have other rows)"
    for boxes, count in steps:
        assert count <= len(boxes), (count, len(boxes))
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert {i: tuple(node.box()) for i, node in scene.nodes.items()} == before


def test_the_databases_panel_waits_for_a_big_edit_and_is_right_when_it_is_done(
    opened: Any, path: Path, launch: Any, site_id: str, qtbot: Any, tmp_path: Path
) -> None:
    """The Databases panel shows a DAG with members in the site. Delete on the site:
    while the steps run the panel is not refilled (it shows the DAG as it was, greyed,
    saying it is updated when the edit is done); when done it shows what a fresh window
    on the saved result shows, tints included, and keeps no marks of cells it does not
    show (the check's findings of every other DAG)."""
    window = opened
    session = window.session
    design = session.design
    panel = window.findChild(DatabasesPanel)
    assert panel is not None
    hosts = {e.id for e in design.elements if e.kind == "esxi_host" and e.site == site_id}
    vms = {e.id for e in design.elements if e.kind == "vm" and e.host in hosts}
    dag = next(e for e in design.elements if e.kind == "dag" and vms & set(e.members))
    dock = window.findChild(QDockWidget, "DatabasesDock")
    dock.raise_()  # (its tab, behind Problems)
    # Clicking a DAG on the canvas shows it in the panel.
    click_title(window, dag.id)
    qtbot.waitUntil(lambda: panel.dag_id == dag.id and not panel.rows_pending)
    refreshes: list[bool] = []
    refresh = panel.refresh

    def counted() -> None:
        refreshes.append(session.busy)
        refresh()

    panel.refresh = counted  # type: ignore[method-assign]
    greyed: list[str] = []
    click_title(window, site_id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy or not panel.table.isEnabled(), timeout=60_000)
    if session.busy:
        greyed.append(panel.summary.text())
        shot = tmp_path / "databases-mid-edit.png"
        window.grab().save(str(shot))
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    window.grab().save(str(tmp_path / "databases-done.png"))
    assert greyed and greyed[0].endswith("updated when the edit is done…"), greyed
    assert True not in refreshes, "no refill while the steps ran"
    assert refreshes == [False], "one refill once the edit was done"
    assert panel.table.isEnabled()
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert set(panel._marks) <= {(d, m) for d in panel.database_ids for m in panel.member_ids}, (
        "marks of the table's own cells only"
    )

    # A fresh window on the saved result shows the same table.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    fresh = launch(Path(session.path))
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    other = fresh.findChild(DatabasesPanel)
    click_title(fresh, dag.id)
    qtbot.waitUntil(lambda: other.dag_id == dag.id and not other.rows_pending)
    qtbot.waitUntil(lambda: _table(other) == _table(panel), timeout=30_000)
    fresh.close()


def test_the_step_that_takes_the_last_rdm_disks_tags_the_other_vms_when_idle(
    opened: Any, path: Path, launch: Any, site_id: str, qtbot: Any, monkeypatch: Any
) -> None:
    """The site holds the design's only raw-mapped disks: the step that removes the last
    of them makes every VM's placement tags go (one placement left). That step tags only
    the boxes it touches; the other VMs are tagged in the idle turns after it; when the
    edit is done and idle, every box's disks are what a fresh window draws of the result
    (and Ctrl+Z brings the tags back the same way)."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    before = _disks(scene)
    assert any(tags for *_, tags in before.values()), "(placements mixed: tags shown)"
    per_step: list[set[str]] = []  # the boxes whose disks each step tagged
    tagged: list[set[str]] = []
    step, set_tags = type(session)._step, DesignScene._set_disk_tags

    def counted_step(self: Any, job: Any) -> bool:
        tagged.append(set())
        try:
            more: bool = step(self, job)
        finally:
            per_step.append(tagged.pop())
        return more

    def counted(self: DesignScene, box_id: str | None, *args: Any) -> None:
        if tagged and box_id is not None:
            tagged[-1].add(box_id)
        set_tags(self, box_id, *args)

    monkeypatch.setattr(type(session), "_step", counted_step)
    monkeypatch.setattr(DesignScene, "_set_disk_tags", counted)
    ids = {e.id for e in session.design.elements}
    parent_of = dict(scene.box_parent)
    click_title(window, site_id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    qtbot.waitUntil(
        lambda: _settled(window) and not getattr(scene, "retag_pending", False), timeout=120_000
    )
    # (The boxes the steps touched: those removed, and the boxes they were in.)
    gone = ids - {e.id for e in session.design.elements}
    inside = gone | {parent_of.get(i) for i in gone}
    outside = set().union(*per_step) - inside
    assert per_step and not outside, f"{len(outside)} boxes outside the site tagged in a step"
    after = _disks(scene)
    assert not any(tags for *_, tags in after.values()), "one placement left: no tags"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    fresh = launch(Path(session.path))
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    assert _disks(fresh.view.design_scene) == after
    fresh.close()

    per_step.clear()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    qtbot.waitUntil(
        lambda: _settled(window) and not getattr(scene, "retag_pending", False), timeout=120_000
    )
    outside = set().union(*per_step) - inside
    assert per_step and not outside, f"{len(outside)} boxes outside the site tagged in a step"
    assert _disks(scene) == before


def test_the_overview_pictures_a_big_edit_once_it_is_done(
    opened: Any, site_id: str, qtbot: Any, monkeypatch: Any
) -> None:
    """Delete on a site: the Overview draws no picture of the design while the steps
    run (each would show a half-removed site, and cost the edit's turns), however soon
    it may picture a change; once the edit is done it pictures the result, without the
    site's boxes."""
    from designer.ui.panels import overview as overview_module
    from designer.ui.panels.overview import OverviewPanel

    window = opened
    session = window.session
    overview = window.findChild(OverviewPanel)
    assert overview is not None and overview.isVisible()
    # (No waiting for the check: a picture as soon as a change allows.)
    monkeypatch.setattr(overview_module, "MAX_HOLD_MS", 0)
    monkeypatch.setattr(overview_module, "HOLD_CHECKS", 0.0)
    renders: list[bool] = []
    render = OverviewPanel._render

    def counted(self: OverviewPanel, **kwargs: Any) -> None:
        renders.append(session.busy)
        render(self, **kwargs)

    monkeypatch.setattr(OverviewPanel, "_render", counted)
    click_title(window, site_id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert session.busy
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    qtbot.waitUntil(lambda: _settled(window) and bool(renders), timeout=120_000)
    assert True not in renders, "no picture while the steps ran"
    scene = window.view.design_scene
    rendered = overview.render_count
    qtbot.waitUntil(lambda: not overview._dirty and overview._job is None, timeout=60_000)
    assert overview.render_count >= rendered and site_id not in scene.nodes
