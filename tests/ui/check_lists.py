"""The Inspector's checkable lists (a DAG's members, a VM's roles) read as the user sees
them: each row of the list view with what its model gives the view to draw — its text,
value, check state, flags, tooltip and sign — and a click on a row's check box. The
lists are list views over a model since wave 30 (`inspector30`): a row is asked for when
it is drawn, not made as a ``QListWidgetItem``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QListView, QStyle, QStyleOptionViewItem

__all__ = ["ListRow", "click_check", "list_rows", "row_valued"]


@dataclass(frozen=True)
class ListRow:
    """One row of a checkable list view, read through its model as the view reads it."""

    view: QListView
    index: QModelIndex

    def text(self) -> str:
        return str(self.index.data(Qt.ItemDataRole.DisplayRole))

    def data(self, role: Qt.ItemDataRole) -> Any:
        return self.index.data(role)

    def checkState(self) -> Qt.CheckState:
        return Qt.CheckState(self.index.data(Qt.ItemDataRole.CheckStateRole))

    def flags(self) -> Qt.ItemFlag:
        return self.index.flags()

    def toolTip(self) -> str:
        return str(self.index.data(Qt.ItemDataRole.ToolTipRole) or "")

    def icon(self) -> QIcon:
        icon = self.index.data(Qt.ItemDataRole.DecorationRole)
        return icon if isinstance(icon, QIcon) else QIcon()


def list_rows(view: QListView) -> list[ListRow]:
    """Every row of ``view``, top to bottom."""
    model = view.model()
    return [ListRow(view, model.index(row, 0)) for row in range(model.rowCount())]


def row_valued(view: QListView, value: str) -> ListRow:
    """The one row of ``view`` whose value (``UserRole``) is ``value``."""
    (row,) = [row for row in list_rows(view) if row.data(Qt.ItemDataRole.UserRole) == value]
    return row


def click_check(row: ListRow) -> None:
    """A click on ``row``'s check box (scrolled into sight first; not a double click)."""
    view = row.view
    view.scrollTo(row.index)
    QApplication.processEvents()
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(row.index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    QApplication.processEvents()
