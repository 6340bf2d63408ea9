"""One typed editor widget per field: spin boxes with units, combos, checkable lists.

An editor shows a value (``show_value``), reads the user's (``value``) and emits
``edited`` when the user commits a change (Enter, focus out, a click); showing a value
never emits it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.domain.design import Design
from designer.domain.elements import (
    ELEMENT_CLASSES,
    Dag,
    ElementBase,
    EsxiHost,
    MailboxDatabase,
    Site,
    VirtualMachine,
)
from designer.domain.index import DesignIndex
from designer.domain.workload import MailboxProfile
from designer.ui.panels.field_specs import FieldSpec, choice_text

__all__ = [
    "CheckListEditor",
    "CheckListModel",
    "ChoiceModel",
    "FieldEditor",
    "ProfileEditor",
    "ReadOnlyEditor",
    "TextArea",
    "make_editor",
]

_INT_MAX = 2**31 - 1
_NO_INDEX = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_VALUE = Qt.ItemDataRole.UserRole
_CHECK = Qt.ItemDataRole.CheckStateRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_CHECKED = Qt.CheckState.Checked
_UNCHECKED = Qt.CheckState.Unchecked
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
#: A checkable list's row (a QListWidgetItem's flags, less dragging: the list drags none).
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsUserCheckable
    | Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)
_NONE_TEXT = "(none)"
#: The rows a checkable list lays out in one turn (see CheckListEditor).
LIST_LAYOUT_BATCH = 200


class TextArea(QPlainTextEdit):
    """Multi-line text committed on focus out or Ctrl+Enter (Tab moves focus on)."""

    committed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMaximumHeight(70)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.committed.emit()
            return
        super().keyPressEvent(event)


#: What a mixed field "shows": equal to no value, so any edit commits.
_MIXED = object()
#: A mixed choice's first entry.
_MIXED_TEXT = "(mixed)"


class FieldEditor(QWidget):
    """The editor of one field plus an inline error line under it."""

    edited = Signal(str, object)
    #: "Show this element": the referenced element's id (reference fields).
    reveal = Signal(str)

    def __init__(self, spec: FieldSpec, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.editor = editor
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setObjectName("fieldError")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error)
        self.setFocusProxy(editor)
        self._shown: Any = None

    # -- to be specialised ---------------------------------------------------------------
    def value(self) -> Any:
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def set_choices(self, design: Design, index: DesignIndex | None = None) -> None:
        """Refresh the elements a reference editor offers."""

    def step_unset_to(self, value: float | None) -> None:
        """A number editor's unset value steps up to ``value`` (what the field says
        applies while it is unset), not to the field's lowest value; others ignore it."""

    def typed_first(self) -> None:
        """A number editor's unset value stays unset under its arrows (and the wheel)
        until a number is typed: where no value is a sensible start (a WAN link's
        distance stepped from "(not set)" to 0.01 km, sites side by side: wave 27);
        others ignore it."""

    # -- common --------------------------------------------------------------------------
    def show_value(self, value: Any) -> None:
        self._shown = value
        with QSignalBlocker(self.editor):
            self._show(value)

    def _commit(self) -> None:
        value = self.value()
        if value != self._shown:
            self.edited.emit(self.spec.name, value)

    def mark_mixed(self, values: int) -> None:
        """The elements edited together differ here: any edit applies (even to the
        value shown, which is the first element's)."""
        self._shown = _MIXED
        self.editor.setToolTip(f"{values} different values among the selected elements")

    def show_note(self, text: str) -> None:
        """A grey line under the editor saying what the value shown means (a DAG's site
        failover intent: what losing a member site then does); made when first needed,
        hidden when ``text`` is empty."""
        note = self.findChild(QLabel, "fieldNote")
        if note is None:
            if not text:
                return
            note = QLabel(self)
            note.setObjectName("fieldNote")
            note.setWordWrap(True)
            note.setEnabled(False)  # greyed, as the Inspector's other hints
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(1, note)
        note.setText(text)
        note.setVisible(bool(text))

    def show_error(self, message: str) -> None:
        from designer.ui.panels._look import error_text_color

        self.error.setStyleSheet(f"color: {error_text_color().name()};")
        self.error.setText(message)
        self.error.setVisible(bool(message))


class _BoolEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        box = QCheckBox(spec.label)
        super().__init__(spec, box)
        box.toggled.connect(lambda _checked: self._commit())

    def value(self) -> Any:
        return self.editor.isChecked()  # type: ignore[attr-defined]

    def _show(self, value: Any) -> None:
        self.editor.setChecked(bool(value))  # type: ignore[attr-defined]


def _step_from_unset(spin: QSpinBox | QDoubleSpinBox, start: float | None, steps: int) -> bool:
    """An unset figure (the lowest value, its special text saying what applies: "catalog's:
    3×") stepped up goes to ``start``, the value it said it takes, and on from there (it
    went to the field's lowest value, 1×). True when it was stepped so."""
    if start is None or steps <= 0 or not spin.specialValueText():
        return False
    if spin.value() != spin.minimum():
        return False
    spin.setValue(start + (steps - 1) * spin.singleStep())  # type: ignore[arg-type]
    return True


def _waits_for_a_number(spin: QSpinBox | QDoubleSpinBox, typed_first: bool) -> bool:
    """Whether ``spin`` shows its unset value ("(not set)") and takes a typed number
    before its arrows step (``typed_first``: no value is a sensible start)."""
    return typed_first and bool(spin.specialValueText()) and spin.value() == spin.minimum()


_NO_STEP = QAbstractSpinBox.StepEnabledFlag.StepNone


class _IntSpin(QSpinBox):
    #: What an unset value steps up to (see _step_from_unset); None: the lowest value.
    unset_start: float | None = None
    #: Unset, its arrows wait for a typed number (see FieldEditor.typed_first).
    typed_first = False

    def stepBy(self, steps: int) -> None:
        if _waits_for_a_number(self, self.typed_first):
            return
        if not _step_from_unset(self, self.unset_start, steps):
            super().stepBy(steps)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        return _NO_STEP if _waits_for_a_number(self, self.typed_first) else super().stepEnabled()


class _FloatSpin(QDoubleSpinBox):
    #: What an unset value steps up to (see _step_from_unset); None: the lowest value.
    unset_start: float | None = None
    #: Unset, its arrows wait for a typed number (see FieldEditor.typed_first).
    typed_first = False

    def stepBy(self, steps: int) -> None:
        if _waits_for_a_number(self, self.typed_first):
            return
        if not _step_from_unset(self, self.unset_start, steps):
            super().stepBy(steps)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        return _NO_STEP if _waits_for_a_number(self, self.typed_first) else super().stepEnabled()


class _NumberEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        is_int = spec.editor == "int"
        spin: _IntSpin | _FloatSpin = _IntSpin() if is_int else _FloatSpin()
        step = 1.0
        low = spec.minimum if spec.minimum is not None else -1e12
        high = spec.maximum if spec.maximum is not None else 1e12
        if isinstance(spin, QDoubleSpinBox):
            spin.setDecimals(2)
            if spec.exclusive_min:
                low += 0.01
        else:
            low, high = max(low, -_INT_MAX), min(high, _INT_MAX)
        if spec.optional:
            # One step below the minimum stands for "not set".
            low -= step
            spin.setSpecialValueText(_NONE_TEXT)
        spin.setRange(int(low) if is_int else low, int(high) if is_int else high)  # type: ignore[arg-type]
        if spec.unit:
            spin.setSuffix(f" {spec.unit}")
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        super().__init__(spec, spin)
        spin.valueChanged.connect(lambda _v: self._commit())

    def step_unset_to(self, value: float | None) -> None:
        spin = self.editor
        assert isinstance(spin, _IntSpin | _FloatSpin)
        spin.unset_start = value

    def typed_first(self) -> None:
        spin = self.editor
        assert isinstance(spin, _IntSpin | _FloatSpin)
        spin.typed_first = True

    def value(self) -> Any:
        spin = self.editor
        number = spin.value()  # type: ignore[attr-defined]
        if self.spec.optional and number == spin.minimum():  # type: ignore[attr-defined]
            return None
        return int(number) if self.spec.editor == "int" else float(number)

    def _show(self, value: Any) -> None:
        spin = self.editor
        spin.setValue(spin.minimum() if value is None else value)  # type: ignore[attr-defined]


class _LineEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        edit = QLineEdit()
        if spec.optional:
            edit.setPlaceholderText(_NONE_TEXT)
        super().__init__(spec, edit)
        edit.editingFinished.connect(self._commit)

    def value(self) -> Any:
        text = self.editor.text()  # type: ignore[attr-defined]
        return None if self.spec.optional and not text.strip() else text

    def _show(self, value: Any) -> None:
        edit: QLineEdit = self.editor  # type: ignore[assignment]
        edit.setText("" if value is None else str(value))
        if not edit.hasFocus():
            # Its start in sight: the cursor left at the end scrolled a text wider than the
            # field to its tail ("p.example.com" for corp.example.com: eyes28).
            edit.setCursorPosition(0)


class _TextEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        area = TextArea()
        super().__init__(spec, area)
        area.committed.connect(self._commit)

    def value(self) -> Any:
        return self.editor.toPlainText()  # type: ignore[attr-defined]

    def _show(self, value: Any) -> None:
        if self.editor.toPlainText() != (value or ""):  # type: ignore[attr-defined]
            self.editor.setPlainText(value or "")  # type: ignore[attr-defined]


class ChoiceModel(QAbstractListModel):
    """A combo box's choices: a text and a value each (an element's id, also the row's
    tooltip). The combo asks for the rows it draws: a virtual disk's form at 100k made
    its VM, LUN and database combos' 28,000 items one by one, ~110 ms of one turn
    (wave 30); now filling one sets two lists."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.texts: list[str] = []
        self.values: list[str | None] = []
        #: Rows from this one on show their value as their tooltip (an element's id).
        self._tips_from = 0
        self._tips_to = 0
        self._rows: dict[str | None, int] = {}

    def fill(self, entries: list[tuple[str, str | None]], tips_from: int = 0) -> None:
        """Rows ``(text, value)``; those from ``tips_from`` on show their value as
        their tooltip."""
        self.beginResetModel()
        self.texts = [text for text, _value in entries]
        self.values = [value for _text, value in entries]
        self._tips_from, self._tips_to = tips_from, len(entries)
        self._index()
        self.endResetModel()

    def insert(self, row: int, text: str, value: str | None) -> None:
        """One more row at ``row`` (no tooltip): "(mixed)", "DC09 (missing)"."""
        self.beginInsertRows(_NO_INDEX, row, row)
        self.texts.insert(row, text)
        self.values.insert(row, value)
        if row <= self._tips_from:
            self._tips_from += 1
        if row < self._tips_to:
            self._tips_to += 1
        self._index()
        self.endInsertRows()

    def _index(self) -> None:
        rows: dict[str | None, int] = {}
        for row, value in enumerate(self.values):
            rows.setdefault(value, row)  # the first row of a value, as findData's
        self._rows = rows

    def row_of(self, value: str | None) -> int:
        """The first row of ``value``; -1 when none."""
        return self._rows.get(value, -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.values)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self.values):
            return None
        if role in (_DISPLAY, _EDIT):
            return self.texts[row]
        if role == _VALUE:
            return self.values[row]
        if role == _TOOLTIP and self._tips_from <= row < self._tips_to:
            return self.values[row]
        return None


class _ComboEditor(FieldEditor):
    """Enum values, or elements of the allowed kinds listed by name."""

    def __init__(self, spec: FieldSpec) -> None:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        self.choices = ChoiceModel(combo)
        combo.setModel(self.choices)
        popup = combo.view()
        if isinstance(popup, QListView):
            popup.setUniformItemSizes(True)  # (16,000 databases: one row measured)
        super().__init__(spec, combo)
        if spec.editor == "enum":
            self._fill([(choice_text(c), c) for c in spec.choices])
        combo.activated.connect(lambda _i: self._commit())
        if spec.editor == "ref":
            self.go_button = QToolButton(self)
            self.go_button.setText("→")
            self.go_button.setAutoRaise(True)
            self.go_button.setToolTip("Show the referenced element on the canvas")
            self.go_button.setAccessibleName(f"Show {spec.label.lower()}")
            self.go_button.clicked.connect(self._reveal)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(2)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.removeWidget(combo)
            row.addWidget(combo, 1)
            row.addWidget(self.go_button)
            layout.insertLayout(0, row)

    def _reveal(self) -> None:
        target = self.editor.currentData()  # type: ignore[attr-defined]
        if target:
            self.reveal.emit(target)

    def _fill(self, entries: list[tuple[str, str]]) -> None:
        combo: QComboBox = self.editor  # type: ignore[assignment]
        rows: list[tuple[str, str | None]] = [(_NONE_TEXT, None)] if self.spec.optional else []
        with QSignalBlocker(combo):
            self.choices.fill([*rows, *entries], tips_from=len(rows))

    def set_choices(self, design: Design, index: DesignIndex | None = None) -> None:
        if self.spec.editor != "ref":
            return
        self._fill(_ref_entries(design, self.spec.kinds, index))
        self.show_value(self._shown)

    def mark_mixed(self, values: int) -> None:
        """Show "(mixed)", not the first element's value (eyes20 #9: several VMs on
        different hosts showed one host); choosing it again changes nothing."""
        super().mark_mixed(values)
        with QSignalBlocker(self.editor):
            self._show(_MIXED)

    def value(self) -> Any:
        combo: QComboBox = self.editor  # type: ignore[assignment]
        if self._shown is _MIXED and combo.currentIndex() == 0:
            return self._shown
        return combo.currentData()

    def _show(self, value: Any) -> None:
        combo: QComboBox = self.editor  # type: ignore[assignment]
        if value is _MIXED:
            self.choices.insert(0, _MIXED_TEXT, None)
            combo.setCurrentIndex(0)
            button = getattr(self, "go_button", None)
            if button is not None:
                button.setEnabled(False)
            return
        wanted = None if value is None else str(value)
        index = self.choices.row_of(wanted)
        if index < 0 and wanted is not None:
            self.choices.insert(len(self.choices.values), f"{wanted} (missing)", wanted)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        button = getattr(self, "go_button", None)
        if button is not None:
            button.setEnabled(wanted is not None)


class CheckListModel(QAbstractListModel):
    """The rows of a checkable list: a text and a value each, which are checked, which
    do not apply (a warning sign, a tooltip, not checkable). A view asks for the rows it
    draws: a DAG's Members list of 4,752 VMs at 100k was made item by item, each given
    its check state, sign and tooltip, in one turn of ~300 ms whenever a DAG was shown
    or the form followed an edit (wave 30); now filling and marking it set a few lists."""

    #: A row's check box was clicked (or its Space pressed): the user changed the value.
    toggled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.texts: list[str] = []
        self.values: list[str] = []
        self._rows: dict[str, int] = {}
        self.checked: set[str] = set()
        #: The values that do not apply, the tooltip naming why (``{}``: the value's name),
        #: and whether rows carry a sign (a warning, or a blank one to keep names aligned).
        self.unavailable: frozenset[str] = frozenset()
        self._tip = ""
        self._signs = False
        self._icons: tuple[QIcon, QIcon] | None = None

    def fill(self, entries: list[tuple[str, str]]) -> None:
        """Rows ``(text, value)`` in this order, none checked."""
        self.beginResetModel()
        self.texts = [text for text, _value in entries]
        self.values = [value for _text, value in entries]
        self._rows = {value: row for row, value in enumerate(self.values)}
        self.checked = set()
        self._signs = not self.unavailable.isdisjoint(self._rows)
        self.endResetModel()

    def row_of(self, value: str) -> int:
        """The row of ``value``; -1 when it is not listed."""
        return self._rows.get(value, -1)

    def check(self, values: set[str]) -> None:
        """Check exactly ``values`` (those listed)."""
        checked = {v for v in values if v in self._rows}
        if checked != self.checked:
            self.checked = checked
            self._changed_all()

    def mark(self, values: frozenset[str], tip: str) -> None:
        """``values`` do not apply, ``tip`` says why (see CheckListEditor.mark_unavailable)."""
        signs = not values.isdisjoint(self._rows)
        if (values, tip, signs) != (self.unavailable, self._tip, self._signs):
            self.unavailable, self._tip, self._signs = values, tip, signs
            self._changed_all()

    def _changed_all(self) -> None:
        if self.values:
            self.dataChanged.emit(self.index(0), self.index(len(self.values) - 1))

    # -- QAbstractListModel --------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.values)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self.values):
            return None
        value = self.values[row]
        if role in (_DISPLAY, _EDIT):
            return self.texts[row]
        if role == _VALUE:
            return value
        if role == _CHECK:
            return _CHECKED if value in self.checked else _UNCHECKED
        if role == _TOOLTIP:
            return self._tip.format(choice_text(value)) if value in self.unavailable else None
        if role == _DECORATION and self._signs:
            return self._sign(value in self.unavailable)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        value = self.values[index.row()]
        # One that does not apply cannot be checked; one checked already can be unchecked.
        if value in self.unavailable and value not in self.checked:
            return _ROW_FLAGS & ~Qt.ItemFlag.ItemIsEnabled
        return _ROW_FLAGS

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = _EDIT
    ) -> bool:
        if role != _CHECK or not index.isValid():
            return False
        state = value.value if isinstance(value, Qt.CheckState) else int(value)
        row_value = self.values[index.row()]
        if state == _CHECKED.value:
            self.checked.add(row_value)
        else:
            self.checked.discard(row_value)
        self.dataChanged.emit(index, index, [role])
        self.toggled.emit()
        return True

    def _sign(self, warning: bool) -> QIcon:
        if self._icons is None:
            blank = QPixmap(12, 12)
            blank.fill(Qt.GlobalColor.transparent)
            style = QApplication.style()
            self._icons = (
                QIcon(blank),
                style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            )
        return self._icons[warning]


class CheckListEditor(FieldEditor):
    """A list of references or of enum values, as a checkable list (a list view over a
    :class:`CheckListModel`: what it costs is the rows in sight)."""

    def __init__(self, spec: FieldSpec) -> None:
        widget = QListView()
        widget.setMaximumHeight(110)
        widget.setUniformItemSizes(True)
        widget.setIconSize(QSize(12, 12))  # mark_unavailable's signs: rows keep their height
        # Cut in the middle: names of one estate share their start ("DAG03-MBX-DC03-01",
        # "DAG03-MBX-DC04-01"); cut at the end, every member read "DAG03-MBX-DC…" (eyes29).
        widget.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Laid out a batch of rows a turn: laying out asks the model for each row's
        # index (a call into Python each: 16,000 databases of a backup's list at 100k,
        # ~40 ms in the turn that showed the form).
        widget.setLayoutMode(QListView.LayoutMode.Batched)
        widget.setBatchSize(LIST_LAYOUT_BATCH)
        self.model = CheckListModel(widget)
        widget.setModel(self.model)
        super().__init__(spec, widget)
        #: The rows' order (lowest first, ties as listed; unranked: 1), asked at each
        #: fill: what the field most likely wants comes first (a DAG's Mailbox servers).
        self.ranks: Callable[[], dict[str, int]] | None = None
        #: The element whose ranks ordered the rows at the last fill (a DAG's members).
        self.ranked_for: str | None = None
        if spec.editor == "enum_list":
            self._fill([(choice_text(c), c) for c in spec.choices])
        self.model.toggled.connect(self._commit)

    def _fill(self, entries: list[tuple[str, str]]) -> None:
        model = self.model
        if entries != list(zip(model.texts, model.values, strict=True)):
            # (The same rows again keep their place in the list: a rename elsewhere.)
            model.fill(entries)
        if not entries:
            self.editor.setToolTip("Nothing of this kind in the design yet")

    def set_choices(self, design: Design, index: DesignIndex | None = None) -> None:
        if self.spec.editor == "ref_list":
            entries = _ref_entries(design, self.spec.kinds, index)
            if self.ranks is not None:
                ranks = self.ranks()
                entries.sort(key=lambda entry: ranks.get(entry[1], 1))
            self._fill(entries)
            self.show_value(self._shown)

    def mark_unavailable(self, values: frozenset[str], tip: str = "") -> None:
        """Say which enum values do not apply: their rows carry a warning sign and ``tip``
        (``{}`` stands for the value's name) as their tooltip, and can no longer be
        checked (one checked already can be unchecked). The names stay whole: a note
        after them was cut off in the dock's usual width."""
        self.model.mark(values, tip)

    def value(self) -> Any:
        model = self.model
        checked = [v for v in model.values if v in model.checked]
        # Keep the model's order for what stays; new ones go last, in list order.
        shown = self._shown if isinstance(self._shown, list) else []
        kept = [v for v in shown if v in model.checked]
        return kept + [v for v in checked if v not in kept]

    def _show(self, value: Any) -> None:
        model = self.model
        model.check({str(v) for v in (value or [])})
        names = [model.texts[row] for row in sorted(map(model.row_of, model.checked))]
        self.editor.setToolTip(
            f"{len(names)} chosen: {', '.join(names)}" if names else "None chosen"
        )


class ProfileEditor(FieldEditor):
    """A mailbox profile (capacity, issue 11): stated or not, messages sent and received
    per mailbox per day, their average size, the busiest hour against the day's average
    (lowest value: the design's or the catalog's)."""

    def __init__(self, spec: FieldSpec) -> None:
        box = QWidget()
        self.stated = QCheckBox("Stated")
        self.stated.setObjectName("profile_stated")
        self.stated.setToolTip("Whether this element states its users' mailbox profile")
        self.messages = QDoubleSpinBox()
        self.messages.setObjectName("profile_messages")
        self.messages.setDecimals(0)
        self.messages.setRange(0, 100_000)
        self.messages.setSingleStep(50)
        self.messages.setSuffix(" msg/day")
        self.messages.setToolTip(
            "Messages sent and received per mailbox per day (Microsoft's tables: 50 to 500)"
        )
        self.kb = QDoubleSpinBox()
        self.kb.setObjectName("profile_kb")
        self.kb.setDecimals(0)
        self.kb.setRange(1, 1_000_000)
        self.kb.setSingleStep(25)
        self.kb.setSuffix(" KB")
        self.kb.setToolTip("Average message size (the tables assume 75 KB)")
        self.peak = QDoubleSpinBox()
        self.peak.setObjectName("profile_peak")
        self.peak.setDecimals(1)
        self.peak.setRange(0.9, 24)
        self.peak.setSingleStep(0.5)
        self.peak.setSpecialValueText("peak: default")
        self.peak.setPrefix("peak ×")
        self.peak.setToolTip(
            "The busiest hour's log generation against the day's average hour "
            "(lowest value: the design's or the catalog's)"
        )
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(3)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.stated)
        line = QHBoxLayout()
        line.addWidget(self.messages)
        line.addWidget(self.kb)
        column.addLayout(line)
        column.addWidget(self.peak)
        # Unstated, the profile that applies instead and where it is stated (a database
        # of 50-message users showed Microsoft's 150 here, greyed, as if it applied).
        self.applies = QLabel()
        self.applies.setObjectName("profile_applies")
        self.applies.setWordWrap(True)
        self.applies.setEnabled(False)
        self.applies.hide()
        column.addWidget(self.applies)
        row.addLayout(column)
        self._inherited: tuple[MailboxProfile | None, str] = (None, "")
        super().__init__(spec, box)
        for spin in (self.messages, self.kb, self.peak):
            spin.setKeyboardTracking(False)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.valueChanged.connect(lambda _v: self._commit())
        self.stated.toggled.connect(self._toggled)

    def _toggled(self, on: bool) -> None:
        for spin in (self.messages, self.kb, self.peak):
            spin.setEnabled(on)
        self._commit()

    def value(self) -> Any:
        if not self.stated.isChecked():
            return None
        peak = self.peak.value()
        return MailboxProfile(
            messages_per_day=self.messages.value(),
            average_message_kb=self.kb.value(),
            peak_factor=None if peak < 1 else peak,
        )

    def show_value(self, value: Any) -> None:
        self._shown = value
        widgets = (self.stated, self.messages, self.kb, self.peak)
        blockers = [QSignalBlocker(w) for w in widgets]
        self._show(value)
        del blockers

    def show_inherited(self, profile: MailboxProfile | None, text: str) -> None:
        """What applies while this element states no profile: ``profile`` (shown greyed
        in the fields, and the start of a profile stated here) and ``text`` saying where
        it is stated, or that none applies."""
        self._inherited = (profile, text)
        self.show_value(self._shown)

    def _show(self, value: Any) -> None:
        stated = value is not None
        inherited, text = self._inherited
        shown = value if stated else inherited
        self.stated.setChecked(stated)
        self.messages.setValue(shown.messages_per_day if shown is not None else 150.0)
        self.kb.setValue(shown.average_message_kb if shown is not None else 75.0)
        peak = shown.peak_factor if shown is not None else None
        self.peak.setValue(self.peak.minimum() if peak is None else peak)
        for spin in (self.messages, self.kb, self.peak):
            spin.setEnabled(stated)
        self.applies.setText(text)
        self.applies.setVisible(bool(text) and not stated)


def inherited_profile(
    design: Design, index: DesignIndex, element: object
) -> tuple[MailboxProfile | None, str]:
    """The mailbox profile that applies to ``element`` (a database, DAG or site) where it
    states none, and words saying where that one is stated: docs/capacity.md's order,
    the database's own, then its DAG's, then its users' site's (stated, else its first
    copy's member's), then the design's default (as ``Workload.profile`` reads it)."""
    default = design.capacity.mailbox_profile
    if isinstance(element, MailboxDatabase):
        dag = index.get(element.dag) if element.dag else None
        if isinstance(dag, Dag) and dag.mailbox_profile is not None:
            return dag.mailbox_profile, f"DAG {dag.name}'s profile applies"
        site_id = element.user_site
        if not site_id and element.copies:
            first = min(element.copies, key=lambda c: (c.activation_preference, c.member))
            vm = index.get(first.member)
            host = index.get(vm.host) if isinstance(vm, VirtualMachine) and vm.host else None
            site_id = host.site if isinstance(host, EsxiHost) else None
        site = index.get(site_id) if site_id else None
        if isinstance(site, Site) and site.mailbox_profile is not None:
            return site.mailbox_profile, f"site {site.name}'s profile applies (its users' site)"
        if default is not None:
            return default, "the design's default profile applies"
        return None, "no profile applies: its mailboxes are not sized"
    if isinstance(element, Dag):
        return None, "unstated: each database's users' site's profile applies (else the design's)"
    if isinstance(element, Site):
        if default is not None:
            return default, "the design's default profile applies"
        return None, "no profile applies to its users' databases unless they or their DAG state one"
    return None, ""


class ReadOnlyEditor(FieldEditor):
    """A count and where to edit it; for copies, a link that opens the Databases panel."""

    #: The link was followed (the inspector opens the panel that edits this field).
    open_elsewhere = Signal(str)

    def __init__(self, spec: FieldSpec, hint: str) -> None:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self._hint = hint
        super().__init__(spec, label)
        label.linkActivated.connect(self.open_elsewhere.emit)

    def value(self) -> Any:
        return self._shown

    def _show(self, value: Any) -> None:
        count = len(value) if isinstance(value, list) else value
        if self.spec.name == "copies":
            text = f'{count} — <a href="databases">edit in the Databases panel</a>'
        else:
            text = f"{count} — {html.escape(self._hint)}"
        self.editor.setText(text)  # type: ignore[attr-defined]


def _ref_entries(
    design: Design, kinds: tuple[str, ...], index: DesignIndex | None = None
) -> list[tuple[str, str]]:
    """The choices of a reference field; with ``index``, read from its elements of those
    kinds (an Inspector rebuild scanned all 50,000 elements of a design per field)."""
    many = len(kinds) > 1
    found = (
        [e for kind in kinds for e in index.by_kind.get(kind, ())]
        if index is not None
        else [e for e in design.elements if e.kind in kinds]
    )
    if kinds == ("file_share_witness",):
        # DAG001/DAG013 want the witness in a third site: say where each one is.
        get = index.by_id.get if index is not None else {e.id: e for e in design.elements}.get
        return sorted(
            ((_witness_text(e, get), e.id) for e in found), key=lambda entry: entry[0].lower()
        )
    entries = [
        (
            f"{e.name} ({ELEMENT_CLASSES[e.kind].label})" if many else e.name,
            e.id,
        )
        for e in found
    ]
    return sorted(entries, key=lambda entry: entry[0].lower())


def _witness_text(witness: ElementBase, get: Callable[[str], ElementBase | None]) -> str:
    """A file share witness with its site: "DAG02 witness (DC04)"."""
    site = get(getattr(witness, "site", ""))
    return f"{witness.name} ({site.name})" if site is not None else witness.name


_READ_ONLY_HINTS = {
    "copies": "edited in the Databases panel",
    "priorities": "power-on priorities of the plan's VMs",
}


def make_editor(spec: FieldSpec) -> FieldEditor:
    """The editor widget for ``spec``."""
    if spec.editor == "bool":
        editor: FieldEditor = _BoolEditor(spec)
    elif spec.editor in ("int", "float"):
        editor = _NumberEditor(spec)
    elif spec.editor == "str":
        editor = _LineEditor(spec)
    elif spec.editor == "text":
        editor = _TextEditor(spec)
    elif spec.editor in ("enum", "ref"):
        editor = _ComboEditor(spec)
    elif spec.editor in ("ref_list", "enum_list"):
        editor = CheckListEditor(spec)
    elif spec.editor == "profile":
        editor = ProfileEditor(spec)
    else:
        editor = ReadOnlyEditor(spec, _READ_ONLY_HINTS.get(spec.name, "not editable here"))
    editor.editor.setObjectName(f"field_{spec.name}")
    editor.editor.setAccessibleName(spec.label)
    tip = _tooltip(spec)
    if tip:
        editor.editor.setToolTip(tip)
    return editor


def _tooltip(spec: FieldSpec) -> str:
    parts = [spec.description] if spec.description else []
    if spec.editor in ("int", "float") and (spec.minimum is not None or spec.maximum is not None):
        low = "" if spec.minimum is None else f"{spec.minimum:g}"
        high = "" if spec.maximum is None else f"{spec.maximum:g}"
        above = "above " if spec.exclusive_min else "from "
        parts.append(f"{above}{low} to {high} {spec.unit}".strip())
    if spec.optional and spec.editor in ("int", "float"):
        parts.append(f"lowest value: {_NONE_TEXT}")
    if spec.editor == "ref":
        labels = " or ".join(ELEMENT_CLASSES[k].label for k in spec.kinds)
        parts.append(f"a {labels} of the design")
    return "; ".join(parts)
