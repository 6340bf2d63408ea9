"""Colours and icons the panels share: severity marks and element-kind icons.

Colours follow the system palette: severity colours are tuned for contrast against
the window background, light or dark.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QVBoxLayout

from designer.domain.design import Severity
from designer.domain.kinds import KINDS
from designer.ui.icons import icon_for_kind

__all__ = [
    "dark_mode",
    "error_text_color",
    "kind_icon",
    "severity_color",
    "severity_icon",
    "severity_tint",
]

_SEVERITY_RGB = {
    Severity.ERROR: ("#c62828", "#ef5350"),
    Severity.WARNING: ("#b26a00", "#ffb300"),
    Severity.INFO: ("#1565c0", "#64b5f6"),
}

_GROUP_RGB = {
    "Infrastructure": "#546e7a",
    "Storage": "#6d4c41",
    "Exchange": "#1565c0",
    "Network": "#2e7d32",
    "Recovery": "#6a1b9a",
}


def dark_mode() -> bool:
    """True when the window background is dark (the system's dark theme)."""
    app = QApplication.instance()
    if app is None:
        return False
    window = app.palette().color(QPalette.ColorRole.Window)  # type: ignore[attr-defined]
    return window.lightness() < 128


def severity_color(severity: Severity) -> QColor:
    light, dark = _SEVERITY_RGB[severity]
    return QColor(dark if dark_mode() else light)


def severity_tint(severity: Severity) -> QColor:
    """A cell background for a severity, readable with the palette's text colour."""
    color = severity_color(severity)
    color.setAlpha(70 if dark_mode() else 45)
    return color


def error_text_color() -> QColor:
    return severity_color(Severity.ERROR)


@cache
def _severity_pixmap(severity: Severity, dark: bool, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(_SEVERITY_RGB[severity][1 if dark else 0])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    m = size * 0.06
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    if severity is Severity.ERROR:
        painter.drawEllipse(box)
        glyph = "!"
    elif severity is Severity.WARNING:
        path = QPainterPath()
        path.moveTo(QPointF(size / 2, m))
        path.lineTo(QPointF(size - m, size - m))
        path.lineTo(QPointF(m, size - m))
        path.closeSubpath()
        painter.drawPath(path)
        glyph = "!"
    else:
        painter.drawEllipse(box)
        glyph = "i"
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("black") if severity is Severity.WARNING else QColor("white"))
    text_box = box.adjusted(0, size * 0.12, 0, 0) if severity is Severity.WARNING else box
    painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return pixmap


def severity_icon(severity: Severity) -> QIcon:
    """An icon for a severity: a red disc, an amber triangle, a blue disc."""
    return _severity_icon(severity, dark_mode())


@cache
def _severity_icon(severity: Severity, dark: bool) -> QIcon:
    # Made once per look: the Problems panel asked twice per severity as the window
    # started (its rows' icons and its filter buttons), nine pixmaps painted each time.
    icon = QIcon()
    for size in (16, 24, 32):
        icon.addPixmap(_severity_pixmap(severity, dark, size))
    return icon


def _initials(title: str) -> str:
    words = [w for w in title.replace("-", " ").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:3] if words[0].isupper() else words[0][:2].capitalize()
    return "".join(w[0] for w in words[:2]).upper()


@cache
def _fallback_icon(kind: str, title: str, group: str) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(_GROUP_RGB.get(group, "#455a64"))
    painter.setPen(QPen(color.darker(130), 1.5))
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(2, 2, 28, 28), 6, 6)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(12)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(2, 2, 28, 28), Qt.AlignmentFlag.AlignCenter, _initials(title))
    painter.end()
    return QIcon(pixmap)


def kind_icon(kind: str) -> QIcon:
    """The canvas's icon for ``kind`` (designer.ui.icons), else a drawn badge."""
    icon = icon_for_kind(kind)
    if not icon.isNull():
        return icon
    info = KINDS.get(kind)
    title = info.title if info is not None else kind.replace("_", " ")
    group = info.spec.group if info is not None else ""
    return _fallback_icon(kind, title, group)


def empty_note(view: QAbstractScrollArea, name: str) -> QLabel:
    """A hidden grey note centred over ``view``'s viewport, saying what an empty list
    means when shown ("No problems", "No kind matches …") rather than a blank box."""
    note = QLabel(view.viewport())
    note.setObjectName(name)
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    note.setWordWrap(True)
    note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    layout = QVBoxLayout(view.viewport())
    layout.setContentsMargins(6, 0, 6, 0)
    layout.addWidget(note)
    note.hide()
    return note
