"""What the canvas's repaints between a big edit's steps ask per box (issue 10, wave 29,
``paint29``).

Through ``dr-designer gui FILE`` on a generated design, with the size above which an
edit is stepped lowered (``DR_DESIGNER_STEP_ABOVE``) so that a site of a 1,000-element
design is a big edit. At Fit to Window at 100k a repaint between two steps of a site's
deletion took 20–67 ms of the UI thread: each box in the exposed area was asked of Qt
whether it keeps its picture (``cacheMode()`` and its enum, ~2,300 boxes) and, for each
box whose picture the step changed, its rows' bars were made again from Qt's geometry
(``scene_rect()``: four Qt calls a row). Both are read from Python now; the pixels are
the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title
from generated import settled as _settled
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.domain.design import Design
from designer.persistence import dumps
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.menus import FIT_KEY


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.fixture
def path(design: Design, tmp_path: Path) -> Path:
    path = tmp_path / "generated.json"
    path.write_text(dumps(design), encoding="utf-8")
    return path


@pytest.fixture
def opened(path: Path, launch: Any, qtbot: Any, monkeypatch: Any, no_modal_dialogs: Any) -> Any:
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    window = launch(path)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    return window


class _Paints(QObject):
    """Counts the canvas viewport's paint events while a big edit runs."""

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.during = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.session.busy:
            self.during += 1
        return False


def _fit(window: Any, qtbot: Any) -> None:
    """View > Fit to Window, by its key."""
    view = window.view
    view.setFocus()
    before = view.scale_factor
    sequence = QKeySequence(FIT_KEY)
    combo = sequence[0]
    QTest.keyClick(view.viewport(), combo.key(), combo.keyboardModifiers())
    qtbot.waitUntil(lambda: view.scale_factor != before)


def _grab(window: Any) -> QImage:
    return window.view.viewport().grab().toImage()


def test_repaints_between_a_site_deletions_steps_ask_qt_nothing_per_box(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    """Click a site's title, Fit to Window (Ctrl+0), Delete: the canvas repaints between
    the steps; in those repaints no box is asked of Qt whether it keeps its picture, and
    no row's bar is made from Qt's geometry. When done the canvas shows what it shows
    once every picture is painted afresh."""
    window = opened
    session = window.session
    view = window.view
    scene = view.design_scene
    site = next(e.id for e in design.elements if e.kind == "site")
    click_title(window, site)
    _fit(window, qtbot)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    window.grab().save(str(tmp_path / "fit-before.png"))
    asked = {"cacheMode": 0, "scene_rect": 0}
    cache_mode, scene_rect = NodeItem.cacheMode, NodeItem.scene_rect

    def counted_cache_mode(self: NodeItem) -> Any:
        if self._scene.painting_view is not None:
            asked["cacheMode"] += 1
        return cache_mode(self)

    def counted_scene_rect(self: NodeItem) -> Any:
        if self._scene.painting_view is not None:
            asked["scene_rect"] += 1
        return scene_rect(self)

    monkeypatch.setattr(NodeItem, "cacheMode", counted_cache_mode)
    monkeypatch.setattr(NodeItem, "scene_rect", counted_scene_rect)
    paints = _Paints(session)
    view.viewport().installEventFilter(paints)
    try:
        QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
        assert session.busy, "(a big edit: in steps)"
        qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
        qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    finally:
        view.viewport().removeEventFilter(paints)
    assert site not in scene.nodes
    assert paints.during > 0, "the canvas was repainted between the steps"
    assert asked == {"cacheMode": 0, "scene_rect": 0}, asked
    window.grab().save(str(tmp_path / "fit-after.png"))
    # The same pixels as every box's picture painted afresh (and its rows' bars made
    # again) shows.
    shown = _grab(window)
    scene._child_rects.clear()
    scene._repaint_pictures()
    afresh = _grab(window)
    assert shown == afresh


def test_a_box_deselected_keeps_its_picture_again(opened: Any, qtbot: Any) -> None:
    """A selected box is painted directly (it shows handles); clicked away from, it
    keeps its picture again, as Qt's cache mode says."""
    window = opened
    scene = window.view.design_scene
    site = next(i for i, n in scene.nodes.items() if n.kind == "site")
    click_title(window, site)
    node = scene.nodes[site]
    qtbot.waitUntil(lambda: node.selected)
    assert not node.keeps_picture
    assert node.cacheMode() == NodeItem.CacheMode.NoCache
    window.session.set_selection([])
    view = window.view
    qtbot.waitUntil(lambda: not node.selected)
    view.viewport().update()
    qtbot.waitUntil(lambda: node.keeps_picture, timeout=10_000)
    assert node.cacheMode() == NodeItem.CacheMode.DeviceCoordinateCache


def test_a_sites_drag_steps_read_no_box_of_it_from_qt(
    opened: Any, design: Design, qtbot: Any, monkeypatch: Any
) -> None:
    """Drag a site by its title with the mouse: its drag steps read where its boxes
    were and where its straight-drawn lines' ends are from the boxes' kept geometry,
    none from Qt (``scene_rect()``: four calls a box; a site's first step at 25k read
    586 boxes; the lines a step routes while its frame lasts are not counted: how many
    depends on the machine's speed); dropped, the site has moved by the drag."""
    from test_canvas_support import drag

    window = opened
    view = window.view
    scene = view.design_scene
    site = next(e.id for e in design.elements if e.kind == "site")
    inner = set(scene.descendants([site])) - {site}
    assert len(inner) > 50
    steps: list[int] = []
    reads = [0]
    routing = [0]  # (the lines a step routes while its frame lasts: their own reads)
    preview, scene_rect = type(scene).preview_offset, NodeItem.scene_rect
    reroute = type(scene).reroute

    def counted_preview(self: Any, origins: Any, delta: Any) -> None:
        reads[0] = 0
        preview(self, origins, delta)
        steps.append(reads[0])

    def counted_reroute(self: Any, *args: Any, **kwargs: Any) -> None:
        routing[0] += 1
        try:
            reroute(self, *args, **kwargs)
        finally:
            routing[0] -= 1

    def counted_scene_rect(self: NodeItem) -> Any:
        if self.element_id in inner and not routing[0]:
            reads[0] += 1
        return scene_rect(self)

    before = window.session.document.layout_of(site)
    assert before is not None
    rect = scene.nodes[site].scene_rect()
    view.centerOn(rect.center())
    start = (rect.left() + 12, rect.top() + 6)
    scale = view.scale_factor
    with monkeypatch.context() as patched:
        patched.setattr(type(scene), "preview_offset", counted_preview)
        patched.setattr(NodeItem, "scene_rect", counted_scene_rect)
        patched.setattr(type(scene), "reroute", counted_reroute)
        drag(view, start, (start[0] + 200 / scale, start[1]), steps=6)
    assert len(steps) >= 3, steps
    assert steps == [0] * len(steps), steps
    after = window.session.document.layout_of(site)
    assert after is not None and after.x > before.x + 50, (before, after)
