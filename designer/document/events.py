"""Past-tense events the Document emits after every change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DesignReplaced",
    "DocumentEvent",
    "ElementChanged",
    "ElementsAdded",
    "ElementsRemoved",
    "LayoutChanged",
    "SettingsChanged",
]


@dataclass(frozen=True)
class ElementsAdded:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class ElementsRemoved:
    ids: tuple[str, ...]
    #: The kinds of the elements removed (they can no longer be looked up).
    kinds: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class ElementChanged:
    id: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class LayoutChanged:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class SettingsChanged:
    """The design's name/description, intent, rule settings or scenarios changed."""

    what: str


@dataclass(frozen=True)
class DesignReplaced:
    """A whole new design was loaded (not undoable)."""


DocumentEvent = (
    ElementsAdded
    | ElementsRemoved
    | ElementChanged
    | LayoutChanged
    | SettingsChanged
    | DesignReplaced
)
