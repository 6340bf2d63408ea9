"""The Qt-free editing session: Document (the only mutator) and undoable commands."""

from __future__ import annotations

from designer.document.clipboard import (
    CLIPBOARD_MIME,
    ClipboardError,
    copy_payload,
    paste_elements,
)
from designer.document.commands import (
    AddElements,
    Command,
    MacroCommand,
    MoveElements,
    RemoveElements,
    SetIntent,
    SetProperty,
    SetRuleSettings,
    SetScenarios,
    UndoStack,
    plan_removal,
)
from designer.document.document import Document, EditError, Listener
from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    ElementsAdded,
    ElementsRemoved,
    LayoutChanged,
    SettingsChanged,
)

__all__ = [
    "CLIPBOARD_MIME",
    "AddElements",
    "ClipboardError",
    "Command",
    "DesignReplaced",
    "Document",
    "DocumentEvent",
    "EditError",
    "ElementChanged",
    "ElementsAdded",
    "ElementsRemoved",
    "LayoutChanged",
    "Listener",
    "MacroCommand",
    "MoveElements",
    "RemoveElements",
    "SetIntent",
    "SetProperty",
    "SetRuleSettings",
    "SetScenarios",
    "SettingsChanged",
    "UndoStack",
    "copy_payload",
    "paste_elements",
    "plan_removal",
]
