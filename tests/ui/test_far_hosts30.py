"""Far out, a cluster draws its hosts (issue 10, wave 30, ``canvas30``).

Below ``HOST_SCALE`` (5 %: a host a few pixels wide) the ESXi hosts are hidden and the
box they sit in draws each as a bar, as a host draws its VMs below ``DETAIL_SCALE``. At
Fit to Window at 100k (1.3 %) the canvas met ~1,600 hosts among ~2,400 boxes, each a
picture Qt found, sorted and copied at every repaint between a big edit's steps.

Through ``dr-designer gui FILE`` with real keys and clicks on the canvas's viewport.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title
from generated import settled as _settled
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.domain.design import Design
from designer.persistence import dumps
from designer.ui import export
from designer.ui.canvas.menus import FIT_KEY
from designer.ui.canvas.view import HOST_SCALE

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _zoom_out_far(window: Any) -> None:
    """Ctrl+- on the canvas until the hosts are below HOST_SCALE."""
    view = window.view
    view.setFocus()
    for _ in range(40):
        if view.scale_factor < HOST_SCALE:
            return
        QTest.keyClick(view.viewport(), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    raise AssertionError(f"still at {view.scale_factor}")


def _fit(window: Any) -> None:
    combo = QKeySequence(FIT_KEY)[0]
    QTest.keyClick(window.view.viewport(), combo.key(), combo.keyboardModifiers())


def _grab(window: Any) -> QImage:
    return window.view.viewport().grab().toImage()


def _hosts(scene: Any) -> list[str]:
    return [i for i, n in scene.nodes.items() if n.kind == "esxi_host"]


def test_far_out_a_cluster_draws_its_hosts_and_a_click_in_it_picks_it(
    launch: Any, qtbot: Any, no_modal_dialogs: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    """Ctrl+- until 5 %: the hosts are hidden, their cluster draws them (its picture
    without them is another); a click where a host is drawn picks the cluster (a
    rubber band started there before); Fit to Window (34 %) shows the hosts again."""
    window = launch(SAMPLE)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: _settled(window), timeout=60_000)
    view = window.view
    scene = view.design_scene
    hosts = _hosts(scene)
    assert hosts and all(scene.nodes[h].isVisible() for h in hosts)
    _zoom_out_far(window)
    assert not scene.hosts_visible
    assert not any(scene.nodes[h].isVisible() for h in hosts)
    cluster = scene.nodes["cl-bos"]
    assert cluster.isVisible()
    host = scene.nodes["esx-bos-01"]
    view.centerOn(cluster.scene_rect().center())
    qtbot.wait(100)
    window.grab().save(str(tmp_path / "far-hosts.png"))
    drawn = _grab(window)
    # The same view with the cluster drawing no hosts differs where they are.
    with monkeypatch.context() as patched:
        patched.setattr(type(scene), "far_rects", lambda self, element_id: [])
        scene._repaint_pictures()
        without = _grab(window)
    assert drawn != without
    scene._repaint_pictures()
    assert _grab(window) == drawn
    # An image exported meanwhile shows every host; the canvas stays as it was.
    shown: list[bool] = []
    render = export._render

    def noted(painter: Any, drawn_scene: Any, *args: Any) -> None:
        shown.extend(drawn_scene.nodes[h].isVisible() for h in hosts)
        render(painter, drawn_scene, *args)

    with monkeypatch.context() as patched:
        patched.setattr(export, "_render", noted)
        assert export.render_bytes(scene, "png")
    assert shown and all(shown)
    assert not scene.hosts_visible and not host.isVisible()
    # A click where the host is drawn picks its cluster.
    at: QPoint = view.mapFromScene(host.scene_rect().center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    assert window.session.selection == ["cl-bos"]
    _fit(window)
    qtbot.waitUntil(lambda: view.scale_factor >= HOST_SCALE)
    assert scene.hosts_visible
    assert all(scene.nodes[h].isVisible() for h in hosts)


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


def test_a_sites_stepped_deletion_and_undo_far_out_keep_its_hosts_drawn_by_their_clusters(
    launch: Any, qtbot: Any, no_modal_dialogs: Any, monkeypatch: Any, design: Design, tmp_path: Path
) -> None:
    """Far out, a site's deletion (in steps: DR_DESIGNER_STEP_ABOVE) then Ctrl+Z: the
    hosts put back are hidden like the others, and the canvas shows what it shows once
    every picture is painted afresh (the clusters' kept host bars were made again)."""
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    path = tmp_path / "generated.json"
    path.write_text(dumps(design), encoding="utf-8")
    window = launch(path)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    session = window.session
    view = window.view
    scene = view.design_scene
    site = next(e.id for e in design.elements if e.kind == "site")
    hosts_before = set(_hosts(scene))
    click_title(window, site)
    _zoom_out_far(window)
    view.centerOn(scene.nodes[site].scene_rect().center())
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert session.busy, "(a big edit: in steps)"
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert site not in scene.nodes
    gone = hosts_before - set(_hosts(scene))
    assert gone
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy and site in scene.nodes, timeout=60_000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert set(_hosts(scene)) == hosts_before
    assert not any(scene.nodes[h].isVisible() for h in hosts_before)
    window.grab().save(str(tmp_path / "far-undone.png"))
    shown = _grab(window)
    scene._far_rects.clear()
    scene._child_rects.clear()
    scene._repaint_pictures()
    assert _grab(window) == shown
