"""Commands only the panels need (plain Python, like designer.document.commands)."""

from __future__ import annotations

from designer.document.commands import Command
from designer.document.document import Document

__all__ = ["SetDesignMeta"]


class SetDesignMeta(Command):
    """Rename the design or change its description; repeated edits of one merge."""

    merge_id = 40

    def __init__(self, *, name: str | None = None, description: str | None = None) -> None:
        self.name = name
        self.description = description
        self.text = "Rename design" if name is not None else "Change design description"
        self._old: tuple[str, str] | None = None

    def redo(self, doc: Document) -> None:
        old = doc.set_meta(name=self.name, description=self.description)
        if self._old is None:
            self._old = old

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_meta(name=self._old[0], description=self._old[1])

    def merge_with(self, other: Command) -> bool:
        if (
            isinstance(other, SetDesignMeta)
            and (other.name is None) == (self.name is None)
            and (other.description is None) == (self.description is None)
        ):
            self.name, self.description = other.name, other.description
            return True
        return False
