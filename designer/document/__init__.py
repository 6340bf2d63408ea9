"""The Qt-free editing session: the Document (the only mutator), undoable commands,
what canvas gestures mean (``gestures``), the layout algorithm (``layout``), new
elements (``factory``) and the clipboard."""

from __future__ import annotations

from designer.document.clipboard import (
    CLIPBOARD_MIME,
    ClipboardError,
    copy_payload,
    paste_elements,
)
from designer.document.commands import (
    AddElements,
    ChangeElements,
    Command,
    MacroCommand,
    Merge,
    MoveElements,
    NameNew,
    RemoveElements,
    Rename,
    SetDesignMeta,
    SetIntent,
    SetProperty,
    SetReference,
    SetReliability,
    SetRuleSettings,
    SetScenarios,
    UndoStack,
    plan_removal,
)
from designer.document.document import Document, EditError, EventsListener, Listener, Refusal
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
    "ChangeElements",
    "ClipboardError",
    "Command",
    "DesignReplaced",
    "Document",
    "DocumentEvent",
    "EditError",
    "ElementChanged",
    "ElementsAdded",
    "ElementsRemoved",
    "EventsListener",
    "LayoutChanged",
    "Listener",
    "MacroCommand",
    "Merge",
    "MoveElements",
    "NameNew",
    "Refusal",
    "RemoveElements",
    "Rename",
    "SetDesignMeta",
    "SetIntent",
    "SetProperty",
    "SetReference",
    "SetReliability",
    "SetRuleSettings",
    "SetScenarios",
    "SettingsChanged",
    "UndoStack",
    "copy_payload",
    "paste_elements",
    "plan_removal",
]
