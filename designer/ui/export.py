"""Export the drawing to PNG, SVG or PDF, from the window or headless (``dr-designer
export``). SVG goes through QSvgGenerator (pyqtgraph's exporter is broken on PySide6
6.11); PNG is rendered at a device pixel ratio so it stays crisp on high-DPI screens.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSize, QSizeF, Qt
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

from designer.domain.design import Design
from designer.domain.errors import DesignError
from designer.persistence.atomic import write_atomic
from designer.streams import OutputError
from designer.text import printable, xml_safe
from designer.ui.canvas.scene import DesignScene
from designer.ui.canvas.theme import Theme

__all__ = [
    "FORMATS",
    "MARGIN",
    "MAX_PIXELS",
    "ExportError",
    "drawing_rect",
    "export_command",
    "export_design",
    "export_file",
    "export_scene",
    "image_size",
]

FORMATS = ("png", "svg", "pdf")
MARGIN = 24.0
#: Longest side of an exported bitmap; bigger drawings are scaled down to fit.
MAX_PIXELS = 16384


def drawing_rect(scene: DesignScene) -> QRectF:
    """What is drawn: every visible item with its children — the boxes, and the WAN
    links routed around and below them with their labels (the boxes alone cut those
    off)."""
    rect = QRectF()
    # A box showing its marks (hovered, or still selected) is measured by itself: its
    # bounds take them in (see designer.ui.canvas.reach).
    reaching = set(scene.marks_reach.reaching())
    for item in scene.items():
        if item.isVisible():
            rect = rect.united(item.scene_rect() if item in reaching else item.sceneBoundingRect())
    return rect


def _source_rect(scene: DesignScene) -> QRectF:
    rect = drawing_rect(scene)
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 100)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def image_size(scene: DesignScene, scale: float = 1.0, source: QRectF | None = None) -> QSize:
    """Logical size of the exported image (before the device pixel ratio)."""
    rect = source if source is not None else _source_rect(scene)
    scale = min(scale, MAX_PIXELS / max(rect.width(), rect.height()))
    return QSize(math.ceil(rect.width() * scale), math.ceil(rect.height() * scale))


def export_scene(
    scene: DesignScene,
    path: Path,
    *,
    scale: float = 1.0,
    dpr: float = 1.0,
    fmt: str | None = None,
) -> Path:
    """Render the whole drawing to ``path`` (format ``fmt``, or from the suffix);
    returns the path.

    The drawing is rendered in memory and written with the designer's one atomic
    writer: a folder, a read-only file or a full disk raises ``OSError`` and leaves
    nothing behind, never a half-written file reported as exported.
    """
    fmt = fmt or path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot export to {path.name}: use .png, .svg or .pdf")
    write_atomic(path, render_bytes(scene, fmt, scale=scale, dpr=dpr))
    return path


def render_bytes(scene: DesignScene, fmt: str, *, scale: float = 1.0, dpr: float = 1.0) -> bytes:
    """The whole drawing as the bytes of a PNG, SVG or PDF file."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # An export shows the design, not the editing state: full detail, no selection.
    detail, hosts, selected = scene.detail_visible, scene.hosts_visible, scene.session.selection
    scene.finish_routing()  # a big drawing's lines may still be drawn straight
    scene.set_detail_visible(True)
    if selected:
        scene.session.set_selection([])
    try:
        source = _source_rect(scene)
        size = image_size(scene, scale, source)
        target = QRectF(0, 0, size.width(), size.height())
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
            if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
                raise OSError("cannot encode the PNG image")
        elif fmt == "svg":
            generator = QSvgGenerator()
            generator.setOutputDevice(buffer)
            generator.setSize(size)
            generator.setViewBox(target)
            generator.setTitle(scene.session.design.name)
            generator.setDescription("Exported by DR Designer")
            painter = QPainter(generator)
            painter.fillRect(target, scene.theme.background)
            _render(painter, scene, target, source)
        else:
            writer = QPdfWriter(buffer)
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
        scene.set_detail_visible(detail, hosts=hosts)
        if selected:
            scene.session.set_selection(selected)
    data = bytes(buffer.data().data())
    buffer.close()
    if not data:
        raise OSError(f"the {fmt.upper()} renderer produced nothing")
    if fmt == "svg":
        # QSvgGenerator writes names as they are; XML 1.0 forbids control characters
        # even escaped, and one of them would make the whole file unreadable.
        data = xml_safe(data.decode("utf-8", "replace")).encode("utf-8")
    return data


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


class ExportError(DesignError):
    """The export cannot run as asked (one line on stderr, exit code 2)."""


def export_file(source: Path, output: Path, *, scale: float = 1.0, dpr: float = 1.0) -> Path:
    """Load ``source`` and export it to ``output`` (the headless command)."""
    from designer.persistence import load

    return export_design(load(source), output, source=source, scale=scale, dpr=dpr)


def export_design(
    design: Design,
    output: Path,
    *,
    source: Path | None = None,
    scale: float = 1.0,
    dpr: float = 1.0,
    fmt: str | None = None,
) -> Path:
    """Draw ``design`` (with its findings) as the window would and export it (format
    ``fmt``, or from ``output``'s suffix)."""
    from PySide6.QtWidgets import QApplication

    from designer.ui.session import EditorSession

    app = QGuiApplication.instance() or QApplication(sys.argv[:1])
    session = EditorSession(design, path=source)
    session.wait_for_findings()
    app.processEvents()  # deliver a background check's result
    scene = DesignScene(session, light_theme())
    result = export_scene(scene, output, scale=scale, dpr=dpr, fmt=fmt)
    del app
    return result


def _read_input(name: str) -> tuple[Design, Path | None]:
    from designer.persistence import MAX_FILE_BYTES, LoadError, load, loads

    if name == "-":
        if sys.stdin is None:  # closed (``<&-``): bad input, not an internal error
            raise LoadError("standard input is closed", where="<stdin>")
        return loads(sys.stdin.buffer.read(MAX_FILE_BYTES + 1), where="<stdin>"), None
    return load(name), Path(name)


def export_command(args: argparse.Namespace) -> int:
    """``dr-designer export FILE -o OUT [--format] [--scale] [--dpr]``: 0 on success;
    a bad option is an :class:`ExportError`, an unreadable design a LoadError. ``-`` reads
    the design from standard input; ``-o -`` writes the file to standard output."""
    to_stdout = args.output == "-"
    fmt = args.format or ("" if to_stdout else Path(args.output).suffix.lower().lstrip("."))
    if to_stdout and not fmt:
        raise ExportError("with -o - (standard output), say the format: --format png|svg|pdf")
    if fmt not in FORMATS:
        raise ExportError(
            f"cannot export to {args.output!r}: the name must end in .png, .svg or .pdf"
        )
    if not 0.01 <= args.scale <= 16:
        raise ExportError("--scale must be between 0.01 and 16")
    if not 1 <= args.dpr <= 4:
        raise ExportError("--dpr must be between 1 and 4")
    design, source = _read_input(args.file)
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not to_stdout:
        try:
            out = export_design(
                design, Path(args.output), source=source, scale=args.scale, dpr=args.dpr, fmt=fmt
            )
        except OSError as exc:  # the design was read: the output failed (exit 4)
            raise OutputError.from_os_error(args.output, exc) from None
        print(f"wrote {printable(str(out))}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="dr-designer-export-") as folder:
        out = export_design(
            design, Path(folder) / f"drawing.{fmt}", source=source, scale=args.scale, dpr=args.dpr
        )
        try:
            sys.stdout.buffer.write(out.read_bytes())
            sys.stdout.buffer.flush()
        except OSError as exc:
            raise OutputError.from_os_error("standard output", exc) from None
    return 0
