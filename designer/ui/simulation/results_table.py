"""Per-database results at the time cursor: state, active on, RPO, RTO, targets met."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from designer.simulation import StepState
from designer.ui.simulation.controller import SimulationController

__all__ = ["COLUMNS", "ResultsPanel", "format_duration"]

COLUMNS = ("Database", "State", "Active on", "RPO", "RTO", "Meets targets", "Why")


def format_duration(seconds: float | None) -> str:
    """``None`` → "—"; otherwise h:mm:ss / m:ss ("0:45" is 45 s)."""
    if seconds is None:
        return "—"
    if seconds == float("inf"):
        return "∞"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ResultsPanel(QWidget):
    def __init__(self, controller: SimulationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._on_double_click)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        controller.time_changed.connect(self.refresh)
        controller.result_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        state = self.controller.state() if self.controller.active else None
        if state is None:
            self.table.setRowCount(0)
            return
        self.show_state(state)

    def show_state(self, state: StepState) -> None:
        names = self.controller.session.document
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(state.databases))
        for row, db in enumerate(state.databases):
            active = names.get(db.active_on) if db.active_on else None
            state_text = {"active": "active", "down": "down", "waiting": "waiting for action"}[
                db.state
            ]
            if db.state == "active" and not db.reachable:
                state_text = "active, unreachable"
            values = (
                db.name,
                state_text,
                active.name if active else "—",
                format_duration(db.rpo_s),
                format_duration(db.rto_s),
                "yes" if db.meets_targets else "no",
                db.reason,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, db.id)
                if column in (1, 5):
                    good = db.available if column == 1 else db.meets_targets
                    item.setForeground(QColor("#2e7d32") if good else QColor("#d32f2f"))
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)

    def _on_double_click(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.controller.session.focus(str(item.data(Qt.ItemDataRole.UserRole)))
