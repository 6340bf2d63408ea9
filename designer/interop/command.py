"""An import applied to an open document as one undoable step (the GUI's File >
Import): the elements it adds, the ones it updates, the placeholders it retires and
the new layout, done and undone together."""

from __future__ import annotations

from designer.document import Command, Document
from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import ElementBase

__all__ = ["ApplyImport"]


class ApplyImport(Command):
    """Turn the document's design ``before`` into ``after`` (an import's result)."""

    def __init__(self, before: Design, after: Design, text: str = "Import") -> None:
        self.text = text
        old = {e.id: e for e in before.elements}
        new = {e.id: e for e in after.elements}
        self.added: list[ElementBase] = [e for e in after.elements if e.id not in old]
        self.removed: list[tuple[int, ElementBase, LayoutEntry | None]] = [
            (i, e, before.layout.get(e.id))
            for i, e in enumerate(before.elements)
            if e.id not in new
        ]
        self.changed_after = [e for e in after.elements if e.id in old and old[e.id] != e]
        self.changed_before = [old[e.id] for e in self.changed_after]
        kept = [e.id for e in after.elements if e.id in old]
        self.layout_after: dict[str, LayoutEntry | None] = {
            k: after.layout.get(k) for k in kept if after.layout.get(k) != before.layout.get(k)
        }
        self.layout_before: dict[str, LayoutEntry | None] = {
            k: before.layout.get(k) for k in self.layout_after
        }
        self.added_layout = {e.id: after.layout[e.id] for e in self.added if e.id in after.layout}

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed_after or self.layout_after)

    def redo(self, doc: Document) -> None:
        if self.added:
            start = len(doc.design.elements)
            doc.insert_elements(
                [(start + i, e) for i, e in enumerate(self.added)], self.added_layout
            )
        if self.changed_after:
            doc.replace_elements(list(self.changed_after))
        if self.removed:
            doc.remove_elements([e.id for _, e, _ in self.removed])
        if self.layout_after:
            doc.set_layout(dict(self.layout_after))

    def undo(self, doc: Document) -> None:
        if self.removed:
            layout = {e.id: entry for _, e, entry in self.removed if entry is not None}
            doc.insert_elements([(i, e) for i, e, _ in self.removed], layout)
        if self.layout_before:
            doc.set_layout(dict(self.layout_before))
        if self.changed_before:
            doc.replace_elements(list(self.changed_before))
        if self.added:
            doc.remove_elements([e.id for e in self.added])
