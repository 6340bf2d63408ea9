"""The History panel: the undo stack, click a step to go back to it."""

from __future__ import annotations

from PySide6.QtWidgets import QUndoView, QVBoxLayout, QWidget

from designer.ui.session import EditorSession

__all__ = ["HistoryPanel"]


class HistoryPanel(QWidget):
    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("History")
        self.view = QUndoView(session.undo_stack, self)
        self.view.setEmptyLabel("Opened design")
        self.view.setToolTip("Every edit since the design was opened; click one to go back")
        self.view.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        self.setFocusProxy(self.view)
