"""Icons per element kind, from ``resources/icons/<kind>.svg`` (palette, canvas, menus),
and the application's own icon."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from designer.bundled import file_path, resource

__all__ = ["APP_ICON", "app_icon", "icon_for_kind", "icon_image"]

#: The application icon's file in ``resources/icons`` (also the desktop's hicolor icon).
APP_ICON = "dr-designer.svg"


def _path(kind: str) -> Path:
    node = resource("icons", f"{kind}.svg")
    return file_path(node if node.is_file() else resource("icons", "element.svg"))


@cache
def app_icon() -> QIcon:
    """DR Designer's icon: window, task bar, About box."""
    return QIcon(str(file_path(resource("icons", APP_ICON))))


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
