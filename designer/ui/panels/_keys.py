"""Panel-local keys that never clash with the main window's shortcuts.

A QShortcut scoped to a panel is still ambiguous with a window-wide one on the same
key (Ctrl+F: the canvas's Find), and then neither fires. Accepting the key's
ShortcutOverride while focus is inside the panel takes it as a plain key press instead,
so the panel wins only when the user is working in it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

__all__ = ["PanelKeys"]

Key = QKeySequence | QKeySequence.StandardKey


class PanelKeys:
    """Mixin for a panel QWidget: ``self.bind_key(sequence, action)``."""

    _panel_keys: list[tuple[Key, Callable[[], object]]]

    def bind_key(self, key: Key, action: Callable[[], object]) -> None:
        if not hasattr(self, "_panel_keys"):
            self._panel_keys = []
        self._panel_keys.append((key, action))

    def _action_for(self, event: QKeyEvent) -> Callable[[], object] | None:
        for key, action in getattr(self, "_panel_keys", []):
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
