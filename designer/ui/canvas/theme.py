"""Canvas colours, pens and fonts, derived from a QPalette (light or dark)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette, QPen

from designer.domain.design import Severity

__all__ = ["KIND_HUES", "Theme"]

#: The boxes' brushes are solid: given, not left to ``QBrush(color)``, whose overload
#: resolution makes QGradient's Python type (designer.ui.canvas.fills).
_SOLID = Qt.BrushStyle.SolidPattern

#: A hue per kind family, so sites, compute, storage and Exchange read apart.
KIND_HUES: dict[str, str] = {
    "site": "#3d6fb6",
    "wan_link": "#3d6fb6",
    "vsphere_cluster": "#2f8a5b",
    "esxi_host": "#2f8a5b",
    "vm": "#6b5fb5",
    "virtual_disk": "#8a6d3b",
    "storage_array": "#b5651d",
    "lun": "#b5651d",
    "mirror": "#b5651d",
    "consistency_group": "#b5651d",
    "file_share_witness": "#a23b72",
    "dag": "#a23b72",
    "mailbox_database": "#a23b72",
    "cas_array": "#1f7f8c",
    "load_balancer": "#1f7f8c",
    "srm_site_pair": "#c0392b",
    "protection_group": "#c0392b",
    "recovery_plan": "#c0392b",
    "backup": "#555e6b",
    "host_replication": "#555e6b",
    "exchange2007_replication": "#555e6b",
}

SEVERITY_COLORS = {
    Severity.ERROR: QColor("#d32f2f"),
    Severity.WARNING: QColor("#ef8f00"),
    Severity.INFO: QColor("#1e88e5"),
}


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    )


class Theme:
    """Everything the items paint with; built once per palette, shared by all items."""

    def __init__(self, palette: QPalette | None = None) -> None:
        if palette is None:
            app = QGuiApplication.instance()
            palette = QGuiApplication.palette() if app is not None else QPalette()
        self.palette = palette
        self.background = palette.color(QPalette.ColorRole.Base)
        self.text = palette.color(QPalette.ColorRole.Text)
        self.dark = self.background.lightness() < 128
        self.muted = _mix(self.text, self.background, 0.45)
        self.highlight = palette.color(QPalette.ColorRole.Highlight)
        self.grid = _mix(self.text, self.background, 0.93)
        self.text_pen = QPen(self.text)
        self.muted_pen = QPen(self.muted)
        self.selection_pen = QPen(self.highlight, 2.5)
        self.selection_pen.setCosmetic(True)
        self.drop_pen = QPen(self.highlight, 3.0, Qt.PenStyle.DashLine)
        self.drop_pen.setCosmetic(True)
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.title_font = QFont(self.font)
        self.title_font.setPointSizeF(10.5)
        self.title_font.setBold(True)
        self.small_font = QFont(self.font)
        self.small_font.setPointSizeF(7.0)
        self.badge_font = QFont(self.font)
        self.badge_font.setPointSizeF(7.0)
        self.badge_font.setBold(True)
        self._kind: dict[str, tuple[QBrush, QBrush, QPen, QColor]] = {}
        self.severity = dict(SEVERITY_COLORS)

    def kind_style(self, kind: str) -> tuple[QBrush, QBrush, QPen, QColor]:
        """(body brush, header brush, border pen, accent colour) of a kind."""
        style = self._kind.get(kind)
        if style is None:
            accent = QColor(KIND_HUES.get(kind, "#555e6b"))
            if self.dark:
                accent = accent.lighter(135)
            body_t = 0.10 if kind in ("site",) else 0.16
            body = _mix(self.background, accent, body_t if not self.dark else body_t + 0.06)
            header = _mix(self.background, accent, 0.30 if not self.dark else 0.38)
            if kind not in ("site", "vsphere_cluster", "esxi_host", "storage_array", "dag"):
                body = _mix(self.background, accent, 0.06 if not self.dark else 0.14)
            pen = QPen(_mix(accent, self.text, 0.15), 1.2)
            pen.setCosmetic(True)
            style = (QBrush(body, _SOLID), QBrush(header, _SOLID), pen, accent)
            self._kind[kind] = style
        return style

    def edge_pen(
        self, kind: str, width: float = 1.4, style: Qt.PenStyle = Qt.PenStyle.SolidLine
    ) -> QPen:
        accent = QColor(KIND_HUES.get(kind, "#555e6b"))
        if self.dark:
            accent = accent.lighter(140)
        pen = QPen(accent, width, style)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen
