"""The Problems panel's Rules view: every rule of the catalogue with its level in this
design (its default, another severity, or off with a reason), editable in place.

Each change is one undoable step (``SetRuleSettings``) saved with the design; the
panel decides how a change is made (switching a rule off asks why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.document.commands import SetRuleSettings
from designer.document.events import DesignReplaced, DocumentEvent, SettingsChanged
from designer.domain.design import RuleLevel, RuleSettings, unvalidated_default
from designer.rules import load_all_rules
from designer.rules.registry import Rule
from designer.ui.dialogs import text_dialog
from designer.ui.session import EditorSession

__all__ = ["LEVEL_CHOICES", "RuleSettingsModel", "RuleSettingsView", "ask_reason"]

_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("Code", "Rule", "Default", "In this design", "Reason")
LEVEL_COLUMN, REASON_COLUMN = 3, 4
#: What the level column offers: the rule's default, a severity, or off.
LEVEL_CHOICES: list[tuple[str, RuleLevel | None]] = [
    ("default", None),
    ("error", RuleLevel.ERROR),
    ("warning", RuleLevel.WARNING),
    ("info", RuleLevel.INFO),
    ("off", RuleLevel.OFF),
]

#: Called with (code, level or None for the default, reason or None to ask/keep).
Change = Callable[[str, RuleLevel | None, str | None], bool]


class RuleSettingsModel(QAbstractTableModel):
    """The catalogue, one row per rule, with the design's setting for it."""

    def __init__(self, change: Change, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalogue = sorted(load_all_rules().values(), key=lambda r: r.code)
        #: The rules in the order shown: those this design sets first, then by code.
        self.rules: list[Rule] = list(self._catalogue)
        self.settings = unvalidated_default(RuleSettings)  # none built before a first frame
        self._change = change
        self._bold = QFont()
        self._bold.setBold(True)

    def set_settings(self, settings: RuleSettings) -> None:
        if settings == self.settings:
            return
        order = sorted(self._catalogue, key=lambda r: (r.code not in settings.severities, r.code))
        if [r.code for r in order] != [r.code for r in self.rules]:
            self.beginResetModel()
            self.settings, self.rules = settings, order
            self.endResetModel()
        else:
            self.settings = settings
            if self.rules:
                last = self.index(len(self.rules) - 1, len(_HEADERS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)

    def row_of(self, code: str) -> int:
        return next(i for i, rule in enumerate(self.rules) if rule.code == code)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rules)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rule = self.rules[index.row()]
        setting = self.settings.severities.get(rule.code)
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            level = setting.level.value if setting is not None else "default"
            reason = setting.reason if setting is not None else ""
            return (rule.code, rule.summary, rule.severity.value, level, reason)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == LEVEL_COLUMN:
                return "Double-click to report this rule at another severity, or switch it off"
            if column == REASON_COLUMN and setting is not None:
                return setting.reason or "Double-click to say why"
            return rule.summary
        if role == Qt.ItemDataRole.FontRole and setting is not None:
            return self._bold
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == LEVEL_COLUMN:
            return flags | Qt.ItemFlag.ItemIsEditable
        code = self.rules[index.row()].code
        if index.column() == REASON_COLUMN and code in self.settings.severities:
            return flags | Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        code = self.rules[index.row()].code
        if index.column() == LEVEL_COLUMN:
            level = dict(LEVEL_CHOICES).get(str(value))
            if str(value) == self.data(index):
                return False
            return self._change(code, level, None)
        if index.column() == REASON_COLUMN:
            current = self.settings.level_of(code)
            if current is None or str(value) == self.data(index):
                return False
            return self._change(code, current, str(value).strip())
        return False


class _LevelDelegate(QStyledItemDelegate):
    """A drop-down of the levels in the level column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("ruleLevelEditor")
        combo.addItems([text for text, _ in LEVEL_CHOICES])
        combo.activated.connect(lambda _i: self._chosen(combo))
        return combo

    def _chosen(self, combo: QComboBox) -> None:
        """A level picked from the list is applied at once (one undo step)."""

        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


def ask_reason(parent: QWidget, title: str, label: str, ok: str) -> str:
    """Ask for a written reason in a modal dialog ("" if cancelled or left empty)."""
    dialog = text_dialog(parent, "reasonDialog", title, label)
    dialog.setOkButtonText(ok)
    return dialog.textValue().strip() if dialog.exec() else ""


def ask_choice_and_reason(
    parent: QWidget, title: str, label: str, choices: list[str], ok: str
) -> tuple[int, str] | None:
    """Ask which of ``choices`` and a written reason in one modal dialog: the index
    chosen and the reason, or None if cancelled or the reason is left empty."""
    dialog = QDialog(parent)
    dialog.setObjectName("choiceReasonDialog")
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    which = QLabel(label, dialog)
    which.setWordWrap(True)
    combo = QComboBox(dialog)
    combo.setObjectName("choice")
    combo.addItems(choices)
    which.setBuddy(combo)
    why = QLabel("&Reason (saved in the design with the waiver):", dialog)
    reason = QLineEdit(dialog)
    reason.setObjectName("reason")
    why.setBuddy(reason)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    accept = buttons.button(QDialogButtonBox.StandardButton.Ok)
    accept.setText(ok)
    accept.setEnabled(False)  # a waiver needs its reason
    reason.textChanged.connect(lambda text: accept.setEnabled(bool(text.strip())))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    for widget in (which, combo, why, reason, buttons):
        layout.addWidget(widget)
    combo.setFocus()
    try:
        if not dialog.exec() or not reason.text().strip():
            return None
        return combo.currentIndex(), reason.text().strip()
    finally:
        dialog.deleteLater()


class RuleSettingsView(QWidget):
    """The rules table and a line saying what a level does; follows the session."""

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = RuleSettingsModel(self.set_rule_level, self)
        self.model.set_settings(session.design.rules)
        session.document_edited.connect(self._on_document_edited)
        self.table = QTableView(self)
        self.table.setObjectName("ruleSettingsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(LEVEL_COLUMN, _LevelDelegate(self.table))
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance("DAG0000") + 16)
        header.resizeSection(2, metrics.horizontalAdvance("warning") + 20)
        header.resizeSection(3, metrics.horizontalAdvance("In this design") + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(4, 220)
        note = QLabel(
            "This design's rule settings (first): a rule at another severity, or off with "
            "a reason. Saved with the design; Undo takes a change back.",
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)

    def _on_document_edited(self, events: tuple[DocumentEvent, ...]) -> None:
        if any(
            isinstance(event, DesignReplaced)
            or (isinstance(event, SettingsChanged) and event.what == "rules")
            for event in events
        ):
            current = self.table.currentIndex()
            code = self.model.rules[current.row()].code if current.isValid() else None
            self.model.set_settings(self.session.design.rules)
            if code is not None:  # the rule changed may have moved: keep it current
                index = self.model.index(self.model.row_of(code), current.column())
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)

    def set_rule_level(self, code: str, level: RuleLevel | None, reason: str | None = None) -> bool:
        """Report ``code`` at ``level`` in this design (None: its default). Switching a
        rule off asks why unless ``reason`` says. One undo step; False if refused."""
        rules = self.session.design.rules
        current = rules.severities.get(code)
        if level is RuleLevel.OFF and not (reason or (current is not None and current.reason)):
            reason = ask_reason(
                self,
                f"Switch {code} off",
                f"Why is {code} not checked in this design?\n"
                "The reason is saved in the design with the setting.",
                "Switch off",
            )
            if not reason:
                self.session.status_message.emit(
                    "switching a rule off needs a written reason; nothing changed"
                )
                return False
        if reason is None:
            reason = current.reason if current is not None else ""
        if level is None:
            text = f"Report {code} at its default severity"
        elif level is RuleLevel.OFF:
            text = f"Switch {code} off"
        else:
            text = f"Report {code} as {level.value}"
        return self.session.push(SetRuleSettings(rules.with_level(code, level, reason), text=text))

    def level_menu(self, code: str, menu: QMenu) -> QMenu:
        """The choices of a rule's level in this design (a finding's context menu)."""
        current = self.session.design.rules.level_of(code)
        words = {"default": "at its &default severity", "off": "&not at all (off)…"}
        for text, level in LEVEL_CHOICES:
            action = QAction(words.get(text, f"as &{text}"), menu)
            action.setCheckable(True)
            action.setChecked(level is current)
            action.triggered.connect(lambda _=False, lv=level: self.set_rule_level(code, lv))
            menu.addAction(action)
        return menu
