"""Panel-local keys that never clash with the main window's shortcuts.

A QShortcut scoped to a panel is still ambiguous with a window-wide one on the same
key (Ctrl+F: the canvas's Find), and then neither fires. Accepting the key's
ShortcutOverride while focus is inside the panel takes it as a plain key press instead,
so the panel wins only when the user is working in it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

__all__ = ["PanelKeys", "UndoPassesOn"]

Key = QKeySequence | QKeySequence.StandardKey


class PanelKeys:
    """Mixin for a panel QWidget: ``self.bind_key(sequence, action)``."""

    _panel_keys: list[tuple[Key, Callable[[], object], Callable[[], bool] | None]]

    def bind_key(
        self, key: Key, action: Callable[[], object], when: Callable[[], bool] | None = None
    ) -> None:
        """``key`` runs ``action`` while the focus is in the panel (and ``when()`` holds:
        otherwise the window's shortcut on that key runs)."""
        if not hasattr(self, "_panel_keys"):
            self._panel_keys = []
        self._panel_keys.append((key, action, when))

    def escape_clears(self, edit: QLineEdit) -> None:
        """Escape in the filter box ``edit`` clears it first; the next one goes on (to
        the canvas, see designer/ui/panes.py)."""
        self.bind_key(
            QKeySequence(Qt.Key.Key_Escape),
            edit.clear,
            when=lambda: edit.hasFocus() and bool(edit.text()),
        )

    def _action_for(self, event: QKeyEvent) -> Callable[[], object] | None:
        for key, action, when in getattr(self, "_panel_keys", []):
            if when is not None and not when():
                continue
            if isinstance(key, QKeySequence.StandardKey):
                if event.matches(key):
                    return action
            elif QKeySequence(event.keyCombination()) == key:
                return action
        return None

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._action_for(event) is not None
        ):
            event.accept()
            return True
        return QWidget.event(self, event)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._action_for(event)
        if action is not None:
            action()
            event.accept()
            return
        QWidget.keyPressEvent(self, event)  # type: ignore[arg-type]


class UndoPassesOn(QObject):
    """Undo and redo keys in a text field reach the window's Undo and Redo once the
    field has nothing of its own to undo or redo.

    A QLineEdit (a spin box's too) takes Ctrl+Z for itself whenever it has focus, even
    with an empty undo history, as it has once its value is committed and shown again:
    after typing a bandwidth and Enter, Ctrl+Z did nothing at all (eyes17). While the
    field still holds typing of its own, the keys stay the field's."""

    def watch(self, body: QWidget) -> None:
        """Pass undo and redo on from the text fields in ``body`` (again: harmless)."""
        # A spin box, not its line edit, has the focus and takes the key for it.
        for kind in (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit):
            for field in body.findChildren(kind):
                field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if event.matches(QKeySequence.StandardKey.Undo):
            own = _history(watched, redo=False)
        elif event.matches(QKeySequence.StandardKey.Redo):
            own = _history(watched, redo=True)
        else:
            return False
        if own:
            return False
        event.ignore()  # not the field's: the window's shortcut runs
        return True


def _history(field: QObject, *, redo: bool) -> bool:
    """Whether ``field`` has typing of its own to undo (or redo)."""
    if isinstance(field, QAbstractSpinBox | QComboBox):
        inner = field.findChild(QLineEdit)
        if inner is None:  # a combo box that is not editable
            return False
        field = inner
    if isinstance(field, QLineEdit):
        if field.isReadOnly():
            return False
        return field.isRedoAvailable() if redo else field.isUndoAvailable()
    if isinstance(field, QPlainTextEdit):
        if field.isReadOnly():
            return False
        document = field.document()
        return document.isRedoAvailable() if redo else document.isUndoAvailable()
    return True
