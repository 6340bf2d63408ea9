"""The Document: the one thing that changes a Design, and tells listeners what changed.

The design itself is an immutable snapshot; each mutation builds the next snapshot and
emits past-tense events. Structural invariants (unique ids and names, references that
resolve to the right kind, allowed relations) are checked for what changed, so an edit
costs what it touches, not the size of the design. Undo lives in ``commands``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    ElementsAdded,
    ElementsRemoved,
    LayoutChanged,
    SettingsChanged,
)
from designer.domain.design import Design, DesignIntent, LayoutEntry, RuleSettings, SavedScenario
from designer.domain.elements import ElementBase
from designer.domain.errors import StructuralError
from designer.domain.index import DesignIndex
from designer.domain.refs import iter_refs
from designer.domain.structure import _relation_errors, structural_errors

__all__ = ["Document", "EditError", "Listener"]

Listener = Callable[[DocumentEvent], None]


class EditError(StructuralError):
    """An edit would break a structural invariant; the document is unchanged."""


class Document:
    """An editing session over one design.

    Examples
    --------
    >>> from designer.domain import Site
    >>> doc = Document()
    >>> doc.insert_elements([(0, Site(id="s1", name="Boston"))])
    >>> doc.design.elements[0].name
    'Boston'
    """

    def __init__(self, design: Design | None = None) -> None:
        self._listeners: list[Listener] = []
        self._design = Design()
        self._index: DesignIndex | None = None
        self.revision = 0
        self._load(design or Design())

    # -- observation -------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, *events: DocumentEvent) -> None:
        self.revision += 1
        self._index = None
        for event in events:
            for listener in list(self._listeners):
                listener(event)

    @property
    def design(self) -> Design:
        return self._design

    @property
    def index(self) -> DesignIndex:
        index = self._index
        if index is None:
            index = self._index = DesignIndex(self._design)
        return index

    def get(self, element_id: str) -> ElementBase | None:
        position = self._positions.get(element_id)
        return None if position is None else self._design.elements[position]

    def position_of(self, element_id: str) -> int:
        return self._positions[element_id]

    def referrers_of(self, element_id: str) -> list[str]:
        """Ids of the elements that reference ``element_id``, in design order."""
        return sorted(self._referrers.get(element_id, ()), key=self._positions.__getitem__)

    def layout_of(self, element_id: str) -> LayoutEntry | None:
        return self._design.layout.get(element_id)

    # -- whole design --------------------------------------------------------------------
    def replace_design(self, design: Design, *, checked: bool = False) -> None:
        """Load a new design (from a file): not an edit, so not undoable.

        ``checked=True`` skips the structural check when the caller just ran it
        (``designer.persistence.load`` does): it is the costliest part of opening a
        big design."""
        errors = [] if checked else structural_errors(design)
        if errors:
            raise EditError(str(errors[0]), path=errors[0].path, element=errors[0].element)
        self._load(design)
        self._emit(DesignReplaced())

    def _load(self, design: Design) -> None:
        self._design = design
        self._index = None
        self._reindex()

    def _reindex(self) -> None:
        self._positions = {e.id: i for i, e in enumerate(self._design.elements)}
        self._names: dict[tuple[str, str], str] = {
            (e.kind, e.name): e.id for e in self._design.elements
        }
        self._referrers: dict[str, set[str]] = defaultdict(set)
        for element in self._design.elements:
            for ref in iter_refs(element):
                self._referrers[ref.target].add(element.id)

    # -- element mutations ---------------------------------------------------------------
    def insert_elements(
        self,
        items: Iterable[tuple[int, ElementBase]],
        layout: dict[str, LayoutEntry] | None = None,
    ) -> None:
        """Insert elements at positions (ascending, as in the resulting list)."""
        items = sorted(items, key=lambda item: item[0])
        new_ids = [e.id for _, e in items]
        if len(set(new_ids)) != len(new_ids):
            raise EditError("the elements added have duplicate ids")
        kinds: dict[str, str] = {e.id: e.kind for e in self._design.elements}
        names = dict(self._names)
        for _, element in items:
            if element.id in kinds:
                raise EditError(f"id {element.id!r} is already used", element=element.id)
            key = (element.kind, element.name)
            if key in names:
                raise EditError(
                    f"{element.label} name {element.name!r} is already used", element=element.id
                )
            kinds[element.id] = element.kind
            names[key] = element.id
        elements: list[Any] = list(self._design.elements)
        for position, element in items:
            elements.insert(min(position, len(elements)), element)
        by_id = {e.id: e for e in elements}
        for _, element in items:
            self._check_element(element, kinds, by_id)
        new_layout = dict(self._design.layout)
        for layout_key, entry in (layout or {}).items():
            if layout_key not in by_id:
                raise EditError(f"layout entry for {layout_key!r}, which is not an element")
            new_layout[layout_key] = entry
        self._design = self._design.model_copy(update={"elements": elements, "layout": new_layout})
        self._reindex()
        self._emit(ElementsAdded(tuple(new_ids)))

    def remove_elements(
        self, ids: Iterable[str]
    ) -> list[tuple[int, ElementBase, LayoutEntry | None]]:
        """Remove elements nothing else refers to; returns (position, element, layout)."""
        doomed = set(ids)
        for element_id in doomed:
            if element_id not in self._positions:
                raise EditError(f"no element {element_id!r}", element=element_id)
            outside = self._referrers.get(element_id, set()) - doomed
            if outside:
                other = self.get(sorted(outside)[0])
                raise EditError(
                    f"{self.get(element_id).describe()} is still referenced by "  # type: ignore[union-attr]
                    f"{other.describe() if other else sorted(outside)[0]}",
                    element=element_id,
                )
        removed: list[tuple[int, ElementBase, LayoutEntry | None]] = [
            (i, e, self._design.layout.get(e.id))
            for i, e in enumerate(self._design.elements)
            if e.id in doomed
        ]
        elements = [e for e in self._design.elements if e.id not in doomed]
        layout = {k: v for k, v in self._design.layout.items() if k not in doomed}
        self._design = self._design.model_copy(update={"elements": elements, "layout": layout})
        self._reindex()
        self._emit(ElementsRemoved(tuple(e.id for _, e, _ in removed)))
        return removed

    def replace_element(self, new: ElementBase) -> ElementBase:
        """Swap an element for a changed version with the same id and kind."""
        return self.replace_elements([new])[0]

    def replace_elements(self, news: list[ElementBase]) -> list[ElementBase]:
        """Swap several elements at once (checked together); returns the old versions."""
        elements: list[Any] = list(self._design.elements)
        olds: list[ElementBase] = []
        names = dict(self._names)
        for new in news:
            position = self._positions.get(new.id)
            if position is None:
                raise EditError(f"no element {new.id!r}", element=new.id)
            old = self._design.elements[position]
            if old.kind != new.kind:
                raise EditError(f"{old.describe()} cannot change kind", element=new.id)
            names.pop((old.kind, old.name), None)
            olds.append(old)
            elements[position] = new
        for new in news:
            key = (new.kind, new.name)
            if names.get(key, new.id) != new.id:
                raise EditError(f"{new.label} name {new.name!r} is already used", element=new.id)
            names[key] = new.id
        kinds = {e.id: e.kind for e in elements}
        by_id = {e.id: e for e in elements}
        for new in news:
            self._check_element(new, kinds, by_id)
            for referrer in self._referrers.get(new.id, ()):
                self._check_element(by_id[referrer], kinds, by_id)
        self._design = self._design.model_copy(update={"elements": elements})
        self._names = names
        events: list[DocumentEvent] = []
        for previous, changed in zip(olds, news, strict=True):
            for ref in iter_refs(previous):
                self._referrers[ref.target].discard(previous.id)
            for ref in iter_refs(changed):
                self._referrers[ref.target].add(changed.id)
            events.extend(
                ElementChanged(changed.id, name, getattr(previous, name), getattr(changed, name))
                for name in type(changed).model_fields
                if getattr(previous, name) != getattr(changed, name)
            )
        self._emit(*events)
        return olds

    def set_property(self, element_id: str, field: str, value: Any) -> ElementBase:
        """Validate and apply one field change; returns the old element."""
        element = self.get(element_id)
        if element is None:
            raise EditError(f"no element {element_id!r}", element=element_id)
        if field in ("id", "kind") or field not in type(element).model_fields:
            raise EditError(f"{element.label} has no editable field {field!r}", element=element_id)
        data = element.model_dump()
        data[field] = value
        try:
            new = type(element).model_validate(data)
        except ValueError as exc:
            raise EditError(
                f"{element.describe()}: {field}: {_first_error(exc)}", element=element_id
            ) from None
        return self.replace_element(new)

    def _check_element(
        self, element: ElementBase, kinds: Mapping[str, str], by_id: Mapping[str, Any]
    ) -> None:
        who = f"{element.label} {element.name} ({element.id})"
        for ref in iter_refs(element):
            kind = kinds.get(ref.target)
            if kind is None:
                raise EditError(
                    f"{who} refers to {ref.target!r}, which does not exist", element=element.id
                )
            if kind not in ref.kinds:
                raise EditError(
                    f"{who} cannot refer to {ref.target!r}, a {kind}; "
                    f"{ref.path} takes {' or '.join(ref.kinds)}",
                    element=element.id,
                )
        errors = _relation_errors(element, by_id, "", who)
        if errors:
            raise EditError(errors[0].message, element=element.id)

    # -- layout and settings -------------------------------------------------------------
    def set_layout(self, changes: dict[str, LayoutEntry | None]) -> dict[str, LayoutEntry | None]:
        """Set (or clear, with None) layout entries; returns the previous entries."""
        layout = dict(self._design.layout)
        previous: dict[str, LayoutEntry | None] = {}
        for key, entry in changes.items():
            if key not in self._positions:
                raise EditError(f"no element {key!r} to place", element=key)
            previous[key] = layout.get(key)
            if entry is None:
                layout.pop(key, None)
            else:
                layout[key] = entry
        self._design = self._design.model_copy(update={"layout": layout})
        self._emit(LayoutChanged(tuple(changes)))
        return previous

    def set_rule_settings(self, settings: RuleSettings) -> RuleSettings:
        old = self._design.rules
        self._design = self._design.model_copy(update={"rules": settings})
        self._emit(SettingsChanged("rules"))
        return old

    def set_intent(self, intent: DesignIntent) -> DesignIntent:
        old = self._design.intent
        self._design = self._design.model_copy(update={"intent": intent})
        self._emit(SettingsChanged("intent"))
        return old

    def set_scenarios(self, scenarios: list[SavedScenario]) -> list[SavedScenario]:
        old = self._design.scenarios
        self._design = self._design.model_copy(update={"scenarios": list(scenarios)})
        self._emit(SettingsChanged("scenarios"))
        return old

    def set_meta(
        self, *, name: str | None = None, description: str | None = None
    ) -> tuple[str, str]:
        old = (self._design.name, self._design.description)
        update: dict[str, str] = {}
        if name is not None:
            if not name.strip():
                raise EditError("a design needs a name")
            update["name"] = name
        if description is not None:
            update["description"] = description
        self._design = self._design.model_copy(update=update)
        self._emit(SettingsChanged("meta"))
        return old


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return str(first.get("msg", exc))
    return str(exc)
