"""Simulation mode's badges ("✕ DOWN", "✕ FAILED", "✕ NO QUORUM", "⚠ users cut off")
cover no label: not a WAN link's label, not a box's findings marker, not a box's title
(eyes14: "DOWN" sat on the WAN link's label, "NO QUORUM" on the DAG's marker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyleOptionGraphicsItem

from designer.document.layout import HEADER
from designer.ui.main_window import MainWindow
from designer.ui.simulation.overlay import SimulationOverlay

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path("/tmp/fixa15-shots")


class _Badges:
    """The badges the overlay paints: (text, scene rectangle)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.painted: list[tuple[str, QRectF]] = []
        badge = SimulationOverlay._badge

        def noted(
            overlay: Any, painter: QPainter, at: QPointF, text: str, color: QColor, **kw: Any
        ) -> QRectF:
            rect = badge(overlay, painter, at, text, color, **kw)
            self.painted.append((text, QRectF(rect)))
            return rect

        monkeypatch.setattr(SimulationOverlay, "_badge", noted)


def _fail_a_site(window: MainWindow, qtbot: Any, site: str) -> None:
    """F5, a click in the site's title bar on the canvas, the scenario played to its end,
    then View > Fit to Window (the whole drawing in sight)."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    view = window.view
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.ready, timeout=5000)
    rect = view.design_scene.rect_of(site)
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert site in controller.state().failed
    controller.pause()
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: not window.simulation.overlay.gliding, timeout=3000)
    window.act_zoom_fit.trigger()
    QApplication.processEvents()


def _ink(font: QFont, top: float, height: float) -> tuple[float, float]:
    """Where a name's letters are (capitals' tops to descenders' bottoms) when drawn
    centred in a line from ``top`` of ``height``, as the canvas draws names."""
    metrics = QFontMetricsF(font)
    baseline = top + (height - metrics.height()) / 2 + metrics.ascent()
    return baseline - metrics.capHeight() - 1, baseline + metrics.descent()


def _labels(window: MainWindow) -> list[tuple[str, QRectF]]:
    """What the canvas labels, in scene coordinates: WAN links' labels, findings
    markers and each box's title line (where its name's letters are)."""
    scene = window.view.design_scene
    theme = scene.theme
    lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(window.view.transform())
    found: list[tuple[str, QRectF]] = []
    for link_id, edge in scene.edges.items():
        label = edge.label_scene_rect()
        if label is not None and edge.isVisible():
            found.append((f"label of {link_id}", label))
    for element_id, node in scene.nodes.items():
        if not node.isVisible():
            continue
        rect = node.scene_rect()
        if node.marker is not None and scene.show_findings:
            found.append((f"marker of {element_id}", node.marker_rect(rect, lod)))
        if node.container:  # the name centred in the title bar
            font = theme.title_font if node.kind == "site" else theme.bold
            top, bottom = _ink(font, rect.top(), HEADER)
        elif rect.height() >= 34 and node.subtitle:  # the name on the first line
            top, bottom = _ink(theme.font, rect.top() + 3, 15)
        else:
            continue  # a row: crossed at its right end, no badge
        found.append(
            (f"title of {element_id}", QRectF(rect.left(), top, rect.width(), bottom - top))
        )
    return found


def _assert_no_badge_covers_a_label(window: MainWindow, badges: _Badges, name: str) -> None:
    badges.painted.clear()
    image = window.view.viewport().grab()  # paints the overlay
    SHOTS.mkdir(exist_ok=True)
    image.save(str(SHOTS / f"3-badges-{name}.png"))
    assert badges.painted
    labels = _labels(window)
    covered = [
        (text, what)
        for text, badge in badges.painted
        for what, label in labels
        if badge.intersects(label)
    ]
    assert covered == [], covered


@pytest.mark.parametrize("site", ["site-prd", "site-dr"])
def test_badges_of_a_two_site_dag_from_the_template_cover_no_label(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, site: str
) -> None:
    badges = _Badges(monkeypatch)
    window = launch()
    window.resize(1600, 1000)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()  # File > New > Two-site DAG: a design with findings markers
    assert window.session.design.name == "Two-site DAG"
    _fail_a_site(window, qtbot, site)
    _assert_no_badge_covers_a_label(window, badges, f"template-{site}")
    texts = [text for text, _ in badges.painted]
    if site == "site-prd":  # 2 of 5 votes left: the DAG marked, beside its findings marker
        assert any(text.startswith("✕ NO QUORUM") for text in texts), texts


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.json")))
def test_badges_of_every_sample_cover_no_label(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    badges = _Badges(monkeypatch)
    window = launch(SAMPLES / name)  # dr-designer gui FILE
    window.resize(1600, 1000)
    site = next(e.id for e in window.session.design.elements if e.kind == "site")
    _fail_a_site(window, qtbot, site)
    _assert_no_badge_covers_a_label(window, badges, name.removesuffix(".json"))
