"""Past-tense events the Document emits after every change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from designer.domain.elements import ElementBase

__all__ = [
    "Change",
    "DesignReplaced",
    "DocumentEvent",
    "ElementChanged",
    "ElementsAdded",
    "ElementsRemoved",
    "LayoutChanged",
    "SettingsChanged",
    "change_of",
    "changes_of",
]


@dataclass(frozen=True)
class ElementsAdded:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class ElementsRemoved:
    ids: tuple[str, ...]
    #: The kinds of the elements removed (they can no longer be looked up).
    kinds: tuple[str, ...] = field(default=(), compare=False)
    #: The facets of the elements removed (:func:`designer.domain.facets.facets_of`);
    #: None: not known (every facet of their kinds).
    facets: tuple[str, ...] | None = field(default=None, compare=False)


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


#: What an event changed for the live check (see :func:`change_of`).
Change = tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]] | None


def change_of(event: DocumentEvent, get: Callable[[str], ElementBase | None]) -> Change:
    """What ``event`` changed, the kinds of its elements looked up with ``get`` (the
    document right after the event), for the live check
    (:class:`designer.rules.incremental.LiveCheck`): (kinds of elements added or
    removed and the facets they are in, ``"vm.exchange"``:
    :func:`designer.domain.facets.facets_of`; kinds of elements changed other than by a
    new name; (kind, old name) of each element renamed); None: anything (a new design,
    changed settings).

    Examples
    --------
    >>> change_of(LayoutChanged(("h1",)), lambda _id: None)
    (frozenset(), frozenset(), frozenset())
    >>> change_of(SettingsChanged("intent"), lambda _id: None) is None
    True
    """
    # Here, not at the top: the events are imported by code that never checks.
    from designer.domain.facets import all_facets, facets_of

    if isinstance(event, LayoutChanged):
        return frozenset(), frozenset(), frozenset()  # no rule reads the canvas layout
    if isinstance(event, ElementsRemoved):
        if event.ids and not event.kinds:
            return None
        facets = event.facets
        if facets is None:
            facets = tuple(f for kind in event.kinds for f in all_facets(kind))
        return frozenset((*event.kinds, *facets)), frozenset(), frozenset()
    if isinstance(event, ElementsAdded):
        ids: Iterable[str] = event.ids
    elif isinstance(event, ElementChanged):
        ids = (event.id,)
    else:
        return None  # DesignReplaced, SettingsChanged
    kinds: set[str] = set()
    added = isinstance(event, ElementsAdded)
    #: The kinds whose every facet is found already (a site's 8,600 disks put back: the
    #: facets of the first few say all there is).
    whole: set[str] = set()
    for element_id in ids:
        element = get(element_id)
        if element is None:
            return None
        kind = element.kind
        if kind in whole:
            continue
        kinds.add(kind)
        if added:
            kinds.update(facets_of(element))
            if kinds.issuperset(all_facets(kind)):
                whole.add(kind)
    if added:
        return frozenset(kinds), frozenset(), frozenset()
    if isinstance(event, ElementChanged) and event.field == "name" and isinstance(event.old, str):
        return frozenset(), frozenset(), frozenset((kind, event.old) for kind in kinds)
    return frozenset(), frozenset(kinds), frozenset()


def changes_of(events: Iterable[DocumentEvent], get: Callable[[str], ElementBase | None]) -> Change:
    """What the events of one edit changed together: the union of their
    :func:`change_of` (None when any is None), for one note of the live check per edit
    (a site's deletion at 100k gives 6,073 events).

    Examples
    --------
    >>> changes_of([LayoutChanged(("h1",)), ElementsRemoved(("h1",), ("esxi_host",), ())],
    ...            lambda _id: None)
    (frozenset({'esxi_host'}), frozenset(), frozenset())
    >>> changes_of([LayoutChanged(("h1",)), SettingsChanged("intent")], lambda _id: None) is None
    True
    """
    structural: set[str] = set()
    changed: set[str] = set()
    renamed: set[tuple[str, str]] = set()
    for event in events:
        if isinstance(event, ElementChanged):  # (most of a big edit's: inline)
            element = get(event.id)
            if element is None:
                return None
            if event.field == "name" and isinstance(event.old, str):
                renamed.add((element.kind, event.old))
            else:
                changed.add(element.kind)
            continue
        change = change_of(event, get)
        if change is None:
            return None
        structural |= change[0]
        changed |= change[1]
        renamed |= change[2]
    return frozenset(structural), frozenset(changed), frozenset(renamed)
