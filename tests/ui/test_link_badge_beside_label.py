"""A WAN link with findings keeps its label (eyes17: the three-site sample's BOS-HFD
MPLS link cut to 50 Mbit/s in the Inspector lost its "name · RTT · km · %" label: its
findings badge was painted first where the label sits, and the label, which never
covers another label, was left out). The badge now sits beside the label, at its right
end, and both are drawn."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication
from test_link_fix_by_keyboard import MPLS, SAMPLE, _edge, cut_the_mpls_link

from designer.ui.main_window import MainWindow

SHOTS = Path("/tmp/fixd17-shots")


def _drawn(window: MainWindow) -> list[tuple[str, QRectF, str]]:
    """What the canvas draws in a full paint: (text, device rect, owner)."""
    scene = window.view.design_scene
    scene.labels.record = []
    window.view.viewport().grab()
    drawn = [(label.text, label.rect, label.owner) for label in scene.labels.record]
    scene.labels.record = None
    return drawn


def test_a_flagged_link_shows_its_label_and_its_badge_beside_it(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLE)  # dr-designer gui SAMPLE
    window.resize(1600, 1000)
    session = window.session
    session.wait_for_findings()
    view = window.view
    mpls = _edge(window, MPLS)
    view.centerOn(mpls.label_anchor())
    QApplication.processEvents()
    label_text = mpls.label_text()
    assert label_text.startswith("BOS-HFD"), label_text
    assert label_text in [text for text, _rect, owner in _drawn(window) if owner == MPLS]
    cut_the_mpls_link(window)  # click the link, type 50 in Bandwidth, Enter
    session.wait_for_findings()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: mpls.marker is not None, timeout=10000)
    view.centerOn(mpls.label_anchor())
    QApplication.processEvents()
    drawn = [(text, rect) for text, rect, owner in _drawn(window) if owner == MPLS]
    texts = [text for text, _rect in drawn]
    assert any(text.startswith("BOS-HFD") for text in texts), texts  # the label
    count = str(mpls.marker[1])
    (badge,) = [rect for text, rect in drawn if text == count]  # the badge's count
    (label,) = [rect for text, rect in drawn if text.startswith("BOS-HFD")]
    assert not badge.intersects(label)
    # Beside it: at its right end, level with it.
    assert 0 <= badge.left() - label.right() <= 16, (badge, label)
    assert label.top() - 8 <= badge.center().y() <= label.bottom() + 8, (badge, label)
    SHOTS.mkdir(exist_ok=True)
    view.viewport().grab().save(str(SHOTS / "1-link-badge-beside-label.png"))
