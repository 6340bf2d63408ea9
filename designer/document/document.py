"""The Document: the one thing that changes a Design, and tells listeners what changed.

The design itself is an immutable snapshot; each mutation builds the next snapshot and
emits past-tense events. A snapshot's element list and layout are persistent
(:mod:`designer.domain.persistent`): the next snapshot shares all but what the edit
changed. Structural invariants (unique ids and names, references that resolve to the
right kind, each kind's relation invariants) are checked for what changed, and the
Document's :class:`~designer.domain.index.DesignIndex` follows each edit in place, so
an edit costs what it touches, not the size of the design. Undo lives in ``commands``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
from designer.domain.design import (
    Design,
    DesignIntent,
    LayoutEntry,
    RuleSettings,
    SavedScenario,
    empty_design,
)
from designer.domain.elements import Element, ElementBase
from designer.domain.errors import StructuralError
from designer.domain.facets import all_facets, facets_of
from designer.domain.index import LOOKUPS, DesignIndex, LiveIndex
from designer.domain.kinds import KINDS
from designer.domain.persistent import PersistentList, PersistentMap
from designer.domain.refs import RefSite, iter_refs, iter_refs_in, ref_fields
from designer.domain.reliability import ReliabilitySettings
from designer.domain.structure import Columns, relation_errors, structural_errors, take_columns
from designer.domain.workload import CapacitySettings

__all__ = ["Document", "EditError", "EventsListener", "Listener", "Refusal"]

Listener = Callable[[DocumentEvent], None]
#: Told the events of one edit at once, in order (see :meth:`Document.subscribe_events`).
EventsListener = Callable[[tuple[DocumentEvent, ...]], None]


@dataclass(frozen=True)
class Refusal:
    """Why an edit or a gesture was refused: the element concerned, the field (when
    one is to blame) and the reason, a fragment ready to show next to that field.

    Examples
    --------
    >>> str(Refusal("a mirror's target is on another array"))
    "a mirror's target is on another array"
    >>> Refusal("must be at least 1", element="vm-1", field="vcpu").field
    'vcpu'
    """

    reason: str
    element: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return self.reason


class EditError(StructuralError):
    """An edit would break a structural invariant; the document is unchanged.

    :attr:`refusal` says the same as a value (element, field, reason).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        element: str | None = None,
        field: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, path=path, element=element)
        self.field = field
        self.reason = reason if reason is not None else message

    @property
    def refusal(self) -> Refusal:
        return Refusal(self.reason, element=self.element, field=self.field)


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
        self._events_listeners: list[EventsListener] = []
        self._settled_listeners: list[Callable[[], None]] = []
        #: Inside :meth:`one_change` (its depth), and whether a change was made in it.
        self._one_change = 0
        self._one_change_made = False
        # Made without validation (the same object as ``Design()``): see empty_design.
        self._design = empty_design()
        self._elements: PersistentList[Element] = PersistentList()
        self._layout: PersistentMap[str, LayoutEntry] = PersistentMap()
        self._live = LiveIndex(self._design)
        self._index: DesignIndex | None = None
        self._columns: Columns | None = None
        self.revision = 0
        self._load(design or self._design)

    # -- observation -------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def subscribe_events(self, listener: EventsListener) -> Callable[[], None]:
        """Call ``listener`` once per edit with all of its events, in order (a site's
        deletion at 100k edits ~4,000 survivors: 6,073 events, told in one call, so that
        a view does once what does not depend on each: its redraw, its bounds, its
        check of the selection); returns a function that unsubscribes. Told after the
        :meth:`subscribe` listeners got them one by one."""
        self._events_listeners.append(listener)
        listeners = self._events_listeners
        return lambda: listeners.remove(listener) if listener in listeners else None

    def subscribe_settled(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after the events of each change, once all of them were
        given to the :meth:`subscribe` listeners (a removal that edits 400 databases
        gives 400 events: a view may redraw once, after the last); returns a function
        that unsubscribes."""
        self._settled_listeners.append(listener)
        listeners = self._settled_listeners
        return lambda: listeners.remove(listener) if listener in listeners else None

    def _emit(self, *events: DocumentEvent) -> None:
        self.revision += 1
        self._index = None
        if not (len(events) == 1 and type(events[0]) is DesignReplaced):
            self._columns = None  # (they describe the design as loaded)
        try:
            if self._listeners:
                for event in events:
                    for listener in list(self._listeners):
                        listener(event)
            if events:
                for told in list(self._events_listeners):
                    told(events)
        finally:
            if self._one_change:
                self._one_change_made = True
            else:
                self._settled()

    def _settled(self) -> None:
        for settled in list(self._settled_listeners):
            settled()

    @contextmanager
    def one_change(self) -> Iterator[None]:
        """The edits made inside are one change for the :meth:`subscribe_settled`
        listeners: told once, after the last of their events (a command that inserts
        elements, then edits 400 others: a DAG's deletion undone), not after each edit."""
        self._one_change += 1
        try:
            yield
        finally:
            self._one_change -= 1
            if not self._one_change and self._one_change_made:
                self._one_change_made = False
                self._settled()

    @property
    def design(self) -> Design:
        return self._design

    @property
    def index(self) -> DesignIndex:
        """The lookups of the current design; valid until the next edit."""
        index = self._index
        if index is None:
            index = self._index = DesignIndex.of_live(self._live)
        return index

    def name_holder(self, kind: str, name: str) -> str | None:
        """The id of the element of ``kind`` named ``name``, or None."""
        return self._live.names.get((kind, name))

    def get(self, element_id: str) -> ElementBase | None:
        return self._live.by_id.get(element_id)

    @property
    def load_columns(self) -> Columns | None:
        """What the loader's structure check read of the design as loaded (its ids,
        each kind's ids, fields and plain references, the runs of one kind), until the
        first edit; None after it, or for a design not read from a file (the canvas's
        build reads them: ``DesignScene._check_columns``)."""
        return self._columns

    def elements_by_id(self) -> dict[str, ElementBase]:
        """The current design's elements by id: a copy of the index's map (C-speed),
        for a caller that follows later edits itself (the recovery journal)."""
        return dict(self._live.by_id)

    def preparing_edits(self) -> Iterator[None]:
        """Build the lookups that edits use (positions, names, references, the reverse
        relations that edits, gestures and the canvas ask for) a slice at a time,
        yielding between slices: run it in idle time after opening a big design so that
        its first edit costs what later ones do (:meth:`LiveIndex.prepare`). Stops when
        another design is loaded. The layout's trie first (a design read from its file
        answers reads from its dict until then: :class:`PersistentMap`)."""
        live = self._live
        for _ in self._layout.prepare():
            if self._live is not live:
                return
            yield
        groups = dict.fromkeys(
            [
                *(
                    (info.kind, name)
                    for info in KINDS.values()
                    for invariant in info.spec.invariants
                    for name in invariant.reads
                ),
                *LOOKUPS.values(),
                *(
                    (info.kind, field)
                    for info in KINDS.values()
                    if info.shape == "part"
                    for field in info.spec.drawn
                ),
            ]
        )
        for _ in live.prepare(groups):
            if self._live is not live:
                return
            yield

    def position_of(self, element_id: str) -> int:
        return self.index.position_of(element_id)

    def referrers_of(self, element_id: str) -> list[str]:
        """Ids of the elements that reference ``element_id``, in design order."""
        return self.index.referrer_ids(element_id)

    def layout_of(self, element_id: str) -> LayoutEntry | None:
        return self._layout.get(element_id)

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
        # A design the loader just checked: its index starts from what the check read.
        columns = take_columns(design.elements)
        self._columns = columns
        self._elements = PersistentList(design.elements)
        self._layout = PersistentMap(design.layout)
        self._design = design.model_copy(
            update={"elements": self._elements, "layout": self._layout}
        )
        self._live = LiveIndex(self._design, columns)
        self._index = None

    def _next(self, **update: Any) -> Design:
        """The next snapshot: this one with ``update``, sharing the element list and
        layout (or their new versions)."""
        return self._design.model_copy(
            update={"elements": self._elements, "layout": self._layout, **update}
        )

    def _commit(
        self,
        design: Design,
        *,
        added: list[tuple[int, ElementBase]] | None = None,
        removed: list[ElementBase] | None = None,
        replaced: list[tuple[ElementBase, ElementBase]] | None = None,
        refs_of: dict[str, list[RefSite]] | None = None,
    ) -> None:
        self._live.apply(
            design,
            added=added or (),
            removed=removed or (),
            replaced=replaced or (),
            refs_of=refs_of,
        )
        self._design = design

    # -- element mutations ---------------------------------------------------------------
    def insert_elements(
        self,
        items: Iterable[tuple[int, ElementBase]],
        layout: dict[str, LayoutEntry] | None = None,
    ) -> None:
        """Insert elements at positions (ascending, as in the resulting list)."""
        items = sorted(items, key=lambda item: item[0])
        new_ids = [e.id for _, e in items]
        refs_of = self._check_insert([e for _, e in items])
        by_id = self._live.by_id
        pending = set(new_ids)
        new_layout = self._layout
        if layout:
            for layout_key in layout:
                if layout_key not in by_id and layout_key not in pending:
                    raise EditError(f"layout entry for {layout_key!r}, which is not an element")
            new_layout = new_layout.update(layout)
        size = len(self._elements)
        placed: list[tuple[int, ElementBase]] = []
        for count, (position, element) in enumerate(items):
            placed.append((min(position, size + count), element))
        self._elements = self._elements.insert_many(placed)  # type: ignore[arg-type]
        self._layout = new_layout
        self._commit(self._next(), added=placed, refs_of=refs_of)
        self._emit(ElementsAdded(tuple(new_ids)))

    def _check_insert(self, elements: list[ElementBase]) -> dict[str, list[RefSite]]:
        """Check an insertion; returns each element's references by id (walked by the
        check, kept for the index: one walk per element)."""
        new_ids = [e.id for e in elements]
        if len(set(new_ids)) != len(new_ids):
            raise EditError("the elements added have duplicate ids")
        live = self._live
        by_id = live.by_id
        names = live.names
        new_names: set[tuple[str, str]] = set()
        for element in elements:
            if element.id in by_id:
                raise EditError(f"id {element.id!r} is already used", element=element.id)
            key = (element.kind, element.name)
            if key in names or key in new_names:
                raise EditError(
                    f"{element.label} name {element.name!r} is already used",
                    element=element.id,
                    field="name",
                    reason=f"the name {element.name!r} is already used",
                )
            new_names.add(key)
        pending = {e.id: e for e in elements}

        def lookup(element_id: str) -> ElementBase | None:
            return pending.get(element_id) or by_id.get(element_id)

        return {element.id: self._check_element(element, lookup) for element in elements}

    def check_insert(self, elements: list[ElementBase]) -> Refusal | None:
        """Why adding ``elements`` would be refused, or None (nothing changes)."""
        try:
            self._check_insert(elements)
        except EditError as exc:
            return exc.refusal
        return None

    def check_replace(self, news: list[ElementBase]) -> Refusal | None:
        """Why replacing elements by ``news`` would be refused, or None (nothing changes)."""
        try:
            self._check_replace(news)
        except EditError as exc:
            return exc.refusal
        return None

    def remove_elements(
        self, ids: Iterable[str]
    ) -> list[tuple[int, ElementBase, LayoutEntry | None]]:
        """Remove elements nothing else refers to; returns (position, element, layout)."""
        doomed = set(ids)
        index = self.index
        for element_id in doomed:
            element = self.get(element_id)
            if element is None:
                raise EditError(f"no element {element_id!r}", element=element_id)
            # Sorted into design order only to name the first one left behind.
            if any(r not in doomed for r in index.referring(element_id)):
                outside = [r for r in index.referrer_ids(element_id) if r not in doomed]
                other = self.get(outside[0])
                raise EditError(
                    f"{element.describe()} is still referenced by "
                    f"{other.describe() if other else outside[0]}",
                    element=element_id,
                )
        layout_of = self._layout.get
        removed: list[tuple[int, ElementBase]]
        if len(doomed) * 64 > len(self._elements):
            # Many: found by one pass over the elements, not one search each.
            removed = [(i, e) for i, e in enumerate(self._elements) if e.id in doomed]
        else:
            removed = sorted(
                ((index.position_of(i), self._live.by_id[i]) for i in doomed),
                key=lambda p: p[0],
            )
        result = [(position, e, layout_of(e.id)) for position, e in removed]
        self._elements = self._elements.delete_many(position for position, _ in removed)
        self._layout = self._layout.update(
            {e.id: None for _, e, entry in result if entry is not None}
        )
        self._commit(self._next(), removed=[e for _, e in removed])
        self._emit(
            ElementsRemoved(
                tuple(e.id for _, e in removed),
                kinds=tuple(dict.fromkeys(e.kind for _, e in removed)),
                facets=_facets_among(e for _, e in removed),
            )
        )
        return result

    def replace_element(self, new: ElementBase) -> ElementBase:
        """Swap an element for a changed version with the same id and kind."""
        return self.replace_elements([new])[0]

    def _check_replace(self, news: list[ElementBase]) -> list[ElementBase]:
        """Check a replacement of elements by ``news``; returns the old versions."""
        return self._checked_replace(news)[0]

    def _checked_replace(
        self, news: list[ElementBase]
    ) -> tuple[list[ElementBase], list[list[str]]]:
        """Check a replacement of elements by ``news``; returns the old versions and
        each new one's changed fields (in its class's order).

        Each new version's references are checked in the fields that changed only: the
        others named elements that exist and keep their kind (a survivor of a removal
        that lost a member from a list is checked for what it still lists and its
        kind's invariants, not again for its site and cluster); the elements whose
        invariants read a changed one are checked for those invariants only (their
        references did not change)."""
        live = self._live
        by_id = live.by_id
        index = self.index
        olds: list[ElementBase] = []
        changes: list[list[str]] = []
        pending: dict[str, ElementBase] = {}
        for new in news:
            old = by_id.get(new.id)
            if old is None:
                raise EditError(f"no element {new.id!r}", element=new.id)
            if old.kind != new.kind:
                raise EditError(f"{old.describe()} cannot change kind", element=new.id)
            olds.append(old)
            was, now = old.__dict__, new.__dict__
            changes.append([name for name in fields_of(type(new)) if was[name] != now[name]])
            pending[new.id] = new
        # Names are unique per kind; changed elements give theirs up together (a swap).
        names = live.names
        overlay: dict[tuple[str, str], str | None] = {}
        for old in olds:
            if names.get((old.kind, old.name)) == old.id:
                overlay[old.kind, old.name] = None
        for new in news:
            key = (new.kind, new.name)
            holder = overlay[key] if key in overlay else names.get(key)
            if holder is not None and holder != new.id:
                raise EditError(
                    f"{new.label} name {new.name!r} is already used",
                    element=new.id,
                    field="name",
                    reason=f"the name {new.name!r} is already used",
                )
            overlay[key] = new.id

        def lookup(element_id: str) -> ElementBase | None:
            return pending.get(element_id) or by_id.get(element_id)

        for new, changed in zip(news, changes, strict=True):
            self._check_element(new, lookup, changed)
            for referrer in self._readers_of(new.id, index):
                if referrer.id not in pending:
                    self._check_element(referrer, lookup, ())
        return olds, changes

    def replace_elements(self, news: list[ElementBase]) -> list[ElementBase]:
        """Swap several elements at once (checked together); returns the old versions."""
        olds, changes = self._checked_replace(news)
        index = self.index
        self._elements = self._elements.set_many(
            {index.position_of(new.id): new for new in news}  # type: ignore[misc]
        )
        self._commit(self._next(), replaced=list(zip(olds, news, strict=True)))
        events: list[DocumentEvent] = []
        for previous, changed, fields in zip(olds, news, changes, strict=True):
            was, now = previous.__dict__, changed.__dict__
            events.extend(ElementChanged(changed.id, name, was[name], now[name]) for name in fields)
        self._emit(*events)
        return olds

    @staticmethod
    def _readers_of(element_id: str, index: DesignIndex) -> list[ElementBase]:
        """The elements whose relation invariants look at ``element_id``."""
        found: dict[str, ElementBase] = {}
        for kind, name in _invariant_reads():
            for element in index.group(kind, name).get(element_id, ()):
                found[element.id] = element
        return list(found.values())

    def set_property(self, element_id: str, field: str, value: Any) -> ElementBase:
        """Validate and apply one field change; returns the old element."""
        element = self.get(element_id)
        if element is None:
            raise EditError(f"no element {element_id!r}", element=element_id)
        if field in ("id", "kind") or field not in type(element).model_fields:
            raise EditError(
                f"{element.label} has no editable field {field!r}", element=element_id, field=field
            )
        data = element.model_dump()
        data[field] = value
        try:
            new = type(element).model_validate(data)
        except ValueError as exc:
            reason = _first_error(exc)
            raise EditError(
                f"{element.describe()}: {field}: {reason}",
                element=element_id,
                field=field,
                reason=reason,
            ) from None
        try:
            return self.replace_element(new)
        except EditError as exc:
            if exc.field is None:
                exc.field = field
            raise

    def _check_element(
        self,
        element: ElementBase,
        get: Callable[[str], ElementBase | None],
        changed: Container[str] | None = None,
    ) -> list[RefSite]:
        """Check ``element``'s references (those in the ``changed`` fields only, when
        given) and its kind's invariants; returns the references it walked."""
        who = f"{element.label} {element.name} ({element.id})"
        if changed is None:
            refs = list(iter_refs(element))
        else:
            fields = [f for f in ref_fields(type(element)) if f in changed]
            refs = iter_refs_in(element, fields) if fields else []
        for ref in refs:
            target = get(ref.target)
            field = ref.path.split("[", 1)[0].split(".", 1)[0]
            if target is None:
                raise EditError(
                    f"{who} refers to {ref.target!r}, which does not exist",
                    element=element.id,
                    field=field,
                    reason=f"{ref.target!r} does not exist",
                )
            if target.kind not in ref.kinds:
                takes = " or ".join(ref.kinds)
                raise EditError(
                    f"{who} cannot refer to {ref.target!r}, a {target.kind}; "
                    f"{ref.path} takes {takes}",
                    element=element.id,
                    field=field,
                    reason=f"{target.describe()} is not a {takes}",
                )
        errors = relation_errors(element, get)
        if errors:
            path, message = errors[0]
            raise EditError(
                message,
                element=element.id,
                field=path.split("[", 1)[0].split(".", 1)[0],
                reason=message.removeprefix(f"{who} "),
            )
        return refs

    # -- layout and settings -------------------------------------------------------------
    def set_layout(self, changes: dict[str, LayoutEntry | None]) -> dict[str, LayoutEntry | None]:
        """Set (or clear, with None) layout entries; returns the previous entries."""
        previous: dict[str, LayoutEntry | None] = {}
        by_id = self._live.by_id
        layout_of = self._layout.get
        for key in changes:
            if key not in by_id:
                raise EditError(f"no element {key!r} to place", element=key)
            previous[key] = layout_of(key)
        self._layout = self._layout.update(changes)
        self._design = self._next()
        self._live.design = self._design
        self._emit(LayoutChanged(tuple(changes)))
        return previous

    def _set(self, what: str, **update: Any) -> None:
        self._design = self._design.model_copy(update=update)
        self._live.design = self._design
        self._emit(SettingsChanged(what))

    def set_rule_settings(self, settings: RuleSettings) -> RuleSettings:
        old = self._design.rules
        self._set("rules", rules=settings)
        return old

    def set_reliability(self, settings: ReliabilitySettings) -> ReliabilitySettings:
        """The failure figures per kind (availability analysis); returns the old ones."""
        old = self._design.reliability
        self._set("reliability", reliability=settings)
        return old

    def set_intent(self, intent: DesignIntent) -> DesignIntent:
        old = self._design.intent
        self._set("intent", intent=intent)
        return old

    def set_capacity(self, settings: CapacitySettings) -> CapacitySettings:
        """The design's own sizing figures (capacity, issue 11)."""
        old = self._design.capacity
        self._set("capacity", capacity=settings)
        return old

    def set_scenarios(self, scenarios: list[SavedScenario]) -> list[SavedScenario]:
        old = self._design.scenarios
        self._set("scenarios", scenarios=list(scenarios))
        return old

    def set_meta(
        self, *, name: str | None = None, description: str | None = None
    ) -> tuple[str, str]:
        old = (self._design.name, self._design.description)
        update: dict[str, str] = {}
        if name is not None:
            if not name.strip():
                raise EditError("a design needs a name", field="name")
            update["name"] = name
        if description is not None:
            update["description"] = description
        self._set("meta", **update)
        return old


_FIELDS: dict[type, tuple[str, ...]] = {}


def fields_of(cls: type[ElementBase]) -> tuple[str, ...]:
    """The names of ``cls``'s fields, in order (``model_fields`` is a property of the
    class that pydantic works out on each read: 4,000 reads per removal at 100k)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(cls.model_fields)
    return names


def _facets_among(elements: Iterable[ElementBase]) -> tuple[str, ...]:
    """The facets of ``elements`` in the order first met: each element's asked until
    every facet of its kind is met (a site's 8,600 disks: a few asked, not each)."""
    found: dict[str, None] = {}
    complete: set[str] = set()
    for element in elements:
        kind = element.kind
        if kind in complete:
            continue
        found.update(dict.fromkeys(facets_of(element)))
        if all(facet in found for facet in all_facets(kind)):
            complete.add(kind)
    return tuple(found)


_READS: list[tuple[str, str]] = []


def _invariant_reads() -> list[tuple[str, str]]:
    """(kind, field) of every field a kind's relation invariants read, once each."""
    if not _READS:
        _READS.extend(
            dict.fromkeys(
                (info.kind, name)
                for info in KINDS.values()
                for invariant in info.spec.invariants
                for name in invariant.reads
            )
        )
    return _READS


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return str(first.get("msg", exc))
    return str(exc)
