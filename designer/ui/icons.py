"""Icons per element kind, from ``resources/icons/<kind>.svg`` (palette, canvas, menus)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

__all__ = ["ICON_DIR", "icon_for_kind", "icon_image"]

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"


def _path(kind: str) -> Path:
    path = ICON_DIR / f"{kind}.svg"
    return path if path.exists() else ICON_DIR / "element.svg"


@cache
def icon_for_kind(kind: str) -> QIcon:
    """The icon of an element kind (a generic square for unknown kinds)."""
    return QIcon(str(_path(kind)))


@cache
def icon_image(kind: str, size: int = 48) -> QImage:
    """The icon rendered once at ``size`` pixels: items draw it scaled, so a 2x screen
    and a zoomed-in canvas still get a sharp image without re-rendering the SVG."""
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(str(_path(kind)))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def icon_pixmap(kind: str, size: int = 48) -> QPixmap:
    return QPixmap.fromImage(icon_image(kind, size))
