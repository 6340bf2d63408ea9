"""Export to PNG, SVG and PDF: sizes, content, and that editing state stays out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from test_canvas_support import small_design

from designer.persistence import save
from designer.ui.canvas.scene import DesignScene
from designer.ui.export import MARGIN, export_file, export_scene, image_size, light_theme
from designer.ui.session import EditorSession


@pytest.fixture
def scene(qapp):
    session = EditorSession(small_design())
    return DesignScene(session, light_theme())


def _non_background(image: QImage, background) -> int:
    count = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            if image.pixelColor(x, y) != background:
                count += 1
    return count


def test_png_has_the_drawing_size_and_shows_the_drawing(scene, tmp_path):
    path = export_scene(scene, tmp_path / "out.png")
    image = QImage(str(path))
    # The design spans 0..1300 x 0..400; the export adds a margin on each side.
    assert (image.width(), image.height()) == (1300 + 2 * MARGIN, 400 + 2 * MARGIN)
    assert image_size(scene).width() == image.width()
    assert _non_background(image, scene.theme.background) > 500


def test_png_at_device_pixel_ratio_two_is_twice_as_many_pixels(scene, tmp_path):
    image = QImage(str(export_scene(scene, tmp_path / "hi.png", dpr=2.0)))
    assert (image.width(), image.height()) == (2 * (1300 + 2 * MARGIN), 2 * (400 + 2 * MARGIN))


def test_export_leaves_out_the_selection_and_restores_it(scene, tmp_path):
    scene.session.set_selection(["vm-b1"])
    export_scene(scene, tmp_path / "sel.png")
    assert scene.session.selection == ["vm-b1"]


def test_svg_and_pdf_are_written(scene, tmp_path):
    svg = export_scene(scene, tmp_path / "out.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and "Boston" in svg
    pdf = export_scene(scene, tmp_path / "out.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")


def test_unknown_format_is_refused(scene, tmp_path):
    with pytest.raises(ValueError, match=r"png, \.svg or \.pdf"):
        export_scene(scene, tmp_path / "out.bmp")


def test_export_file_loads_and_renders(qapp, tmp_path):
    source = tmp_path / "d.json"
    save(small_design(), source)
    out = export_file(source, tmp_path / "d.png", scale=0.5)
    image = QImage(str(out))
    assert image.width() == pytest.approx((1300 + 2 * MARGIN) / 2, abs=1)
    assert Path(out).stat().st_size > 1000
