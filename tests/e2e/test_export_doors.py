"""Export through its two doors, ``dr-designer export`` and File > Export, on the three-site
sample: the BOS–HFD WAN link is routed below the sites, and it and its label must be
inside the image (the area used to be the boxes' only, which cut them off)."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QGraphicsSimpleTextItem

from designer.persistence import load
from designer.ui.canvas.scene import DesignScene
from designer.ui.export import MARGIN, light_theme
from designer.ui.session import EditorSession

ROOT = Path(__file__).resolve().parents[2]
THREE_SITE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def _link_and_label(scene: DesignScene) -> tuple[QRectF, QRectF]:
    link = scene.edges["wan-bos-hfd"]
    (label,) = [c for c in link.childItems() if isinstance(c, QGraphicsSimpleTextItem)]
    assert label.text().startswith("BOS-HFD MPLS")
    return link.sceneBoundingRect(), label.sceneBoundingRect()


def _drawn(image: QImage, area: QRectF, background: QColor) -> float:
    """The share of ``area``'s pixels (image coordinates) that are not background."""
    drawn = total = 0
    for y in range(math.floor(area.top()), math.ceil(area.bottom())):
        for x in range(math.floor(area.left()), math.ceil(area.right())):
            if not image.rect().contains(x, y):
                return 0.0  # outside the image: cut off
            total += 1
            drawn += image.pixelColor(x, y) != background
    return drawn / max(total, 1)


def _assert_link_and_label_in(image: QImage, scene: DesignScene) -> None:
    link, label = _link_and_label(scene)
    boxes = scene.content_rect()
    # Nothing is drawn above or left of the sites in this sample: the image starts at
    # the boxes' corner less the margin, so scene → image is a plain translation.
    origin = boxes.topLeft() - QRectF(0, 0, MARGIN, MARGIN).bottomRight()
    assert link.bottom() > boxes.bottom() + 50, "the link runs below the sites"
    assert image.height() >= link.bottom() - origin.y() + MARGIN - 1
    text = label.translated(-origin)
    assert _drawn(image, text, image.pixelColor(2, 2)) > 0.1, "the label's text is drawn"


def test_dr_designer_export_keeps_links_below_the_sites(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from designer.entry import main

    out = tmp_path / "three-site.png"
    assert main(["export", str(THREE_SITE), "-o", str(out)]) == 0
    image = QImage(str(out))
    assert not image.isNull()
    scene = DesignScene(EditorSession(load(THREE_SITE)), light_theme())
    _assert_link_and_label_in(image, scene)


def test_file_export_keeps_links_below_the_sites(launch, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = launch(THREE_SITE)
    out = tmp_path / "from-the-window.png"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), ""))
    )
    window.act_export_png.trigger()  # File > Export > Export as PNG…
    image = QImage(str(out))
    assert not image.isNull()
    _assert_link_and_label_in(image, window.view.design_scene)


def test_file_export_adds_the_suffix_to_a_name_typed_without_it(  # type: ignore[no-untyped-def]
    launch, monkeypatch, tmp_path, no_modal_dialogs
) -> None:
    # A name typed without ".svg" in File > Export > Export as SVG… ended in "Export
    # failed: cannot export to drawing: use .png, .svg or .pdf"; the draw.io, GraphML and
    # GEXF exports of the same menu add their suffix.
    window = launch(THREE_SITE)
    typed = tmp_path / "drawing"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(typed), ""))
    )
    window.act_export_svg.trigger()
    assert no_modal_dialogs == []
    written = tmp_path / "drawing.svg"
    assert written.read_bytes().lstrip().startswith(b"<?xml") and b"<svg" in written.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["drawing.svg"]
    assert window.statusBar().currentMessage() == "Exported drawing.svg"
