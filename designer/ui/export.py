"""Export the drawing to PNG, SVG or PDF, from the window or headless (``dr-designer
export``). SVG goes through QSvgGenerator (pyqtgraph's exporter is broken on PySide6
6.11); PNG is rendered at a device pixel ratio so it stays crisp on high-DPI screens.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
)
from PySide6.QtSvg import QSvgGenerator

from designer.ui.canvas.scene import DesignScene
from designer.ui.canvas.theme import Theme

__all__ = ["FORMATS", "MARGIN", "MAX_PIXELS", "export_file", "export_scene", "image_size"]

FORMATS = ("png", "svg", "pdf")
MARGIN = 24.0
#: Longest side of an exported bitmap; bigger drawings are scaled down to fit.
MAX_PIXELS = 16384


def _source_rect(scene: DesignScene) -> QRectF:
    rect = scene.content_rect()
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 100)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def image_size(scene: DesignScene, scale: float = 1.0) -> QSize:
    """Logical size of the exported image (before the device pixel ratio)."""
    rect = _source_rect(scene)
    scale = min(scale, MAX_PIXELS / max(rect.width(), rect.height()))
    return QSize(math.ceil(rect.width() * scale), math.ceil(rect.height() * scale))


def export_scene(scene: DesignScene, path: Path, *, scale: float = 1.0, dpr: float = 1.0) -> Path:
    """Render the whole drawing to ``path`` (format from the suffix); returns the path."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot export to {path.name}: use .png, .svg or .pdf")
    source = _source_rect(scene)
    size = image_size(scene, scale)
    target = QRectF(0, 0, size.width(), size.height())
    # An export shows the design, not the editing state: full detail, no selection.
    detail, selected = scene.detail_visible, scene.session.selection
    scene.set_detail_visible(True)
    if selected:
        scene.session.set_selection([])
    try:
        if fmt == "png":
            dpr = max(1.0, min(dpr, MAX_PIXELS / max(size.width(), size.height())))
            image = QImage(
                math.ceil(size.width() * dpr),
                math.ceil(size.height() * dpr),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(dpr)
            image.fill(scene.theme.background)
            painter = QPainter(image)
            _render(painter, scene, target, source)
            # The stub asks for bytes; PySide 6.11 accepts only str here.
            if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
                raise OSError(f"cannot write {path}")
        elif fmt == "svg":
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(size)
            generator.setViewBox(target)
            generator.setTitle(scene.session.design.name)
            generator.setDescription("Exported by DR Designer")
            painter = QPainter(generator)
            painter.fillRect(target, scene.theme.background)
            _render(painter, scene, target, source)
        else:
            writer = QPdfWriter(str(path))
            writer.setTitle(scene.session.design.name)
            writer.setCreator("DR Designer")
            writer.setResolution(72)
            writer.setPageLayout(
                QPageLayout(
                    QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point),
                    QPageLayout.Orientation.Portrait,
                    QMarginsF(0, 0, 0, 0),
                )
            )
            painter = QPainter(writer)
            page = QRectF(0, 0, writer.width(), writer.height())
            _render(painter, scene, page, source)
    finally:
        scene.set_detail_visible(detail)
        if selected:
            scene.session.set_selection(selected)
    if not path.exists():
        raise OSError(f"cannot write {path}")
    return path


def _render(painter: QPainter, scene: DesignScene, target: QRectF, source: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    grid = scene.show_grid
    scene.show_grid = False
    try:
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        scene.show_grid = grid
        painter.end()


def light_theme() -> Theme:
    """Exports are documents: a light palette whatever the desktop uses."""
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.white)
    palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.white)
    palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
    palette.setColor(QPalette.ColorRole.Highlight, "#2a6ebb")
    return Theme(palette)


def export_file(source: Path, output: Path, *, scale: float = 1.0, dpr: float = 1.0) -> Path:
    """Load ``source`` and export it to ``output`` (the headless command)."""
    from PySide6.QtWidgets import QApplication

    from designer.persistence import load
    from designer.ui.session import EditorSession

    design = load(source)
    app = QGuiApplication.instance() or QApplication(sys.argv[:1])
    session = EditorSession(design, path=source)
    session.wait_for_findings()
    app.processEvents()  # deliver a background check's result
    scene = DesignScene(session, light_theme())
    result = export_scene(scene, output, scale=scale, dpr=dpr)
    del app
    return result


def export_command(source: str, output: str, *, scale: float = 1.0, dpr: float = 1.0) -> int:
    """``dr-designer export``: 0 on success; raises LoadError/ValueError/OSError."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    out = export_file(Path(source), Path(output), scale=scale, dpr=dpr)
    print(f"wrote {out}")
    return 0
