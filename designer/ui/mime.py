"""What a palette drag carries: the element kind, as UTF-8 bytes, under one MIME type."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

from designer.domain.kinds import KINDS

__all__ = ["KIND_MIME", "kind_from_mime", "kind_mime_data"]

KIND_MIME = "application/x-dr-designer-kind"


def kind_mime_data(kind: str) -> QMimeData:
    """The drag payload for ``kind`` (the canvas reads it back with kind_from_mime)."""
    mime = QMimeData()
    mime.setData(KIND_MIME, kind.encode("utf-8"))
    return mime


def kind_from_mime(mime: QMimeData) -> str | None:
    """The kind a drag carries, or None (not ours, or not a kind the table knows)."""
    if not mime.hasFormat(KIND_MIME):
        return None
    kind = bytes(mime.data(KIND_MIME).data()).decode("utf-8", "replace")
    return kind if kind in KINDS else None
