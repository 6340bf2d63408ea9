"""Copy, paste and duplicate: elements with fresh ids and their internal links kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import Element, ElementBase
from designer.domain.refs import remap_refs

__all__ = ["CLIPBOARD_MIME", "ClipboardError", "Taken", "copy_payload", "paste_elements"]

_Key = TypeVar("_Key")

CLIPBOARD_MIME = "application/x-dr-designer-elements+json"


@cache
def _element_adapter() -> TypeAdapter[Element]:
    """The validator of one pasted element, made at the first paste: made at import it
    built the schema of every element model before a window's first frame (~25 ms)."""
    return TypeAdapter(Element)


class ClipboardError(ValueError):
    """The clipboard holds nothing DR Designer can paste."""


def copy_payload(
    design: Design,
    ids: Iterable[str],
    *,
    get: Callable[[str], ElementBase | None] | None = None,
) -> str:
    """The JSON text put on the clipboard for the elements ``ids`` (in design order).
    ``get``: the document's look-up, ``ids`` then already in design order (not a pass
    over every element of the design)."""
    if get is not None:
        elements = [e for e in map(get, ids) if e is not None]
    else:
        wanted = set(ids)
        elements = [e for e in design.elements if e.id in wanted]
    layout = {e.id: design.layout[e.id].model_dump() for e in elements if e.id in design.layout}
    data = {"elements": [e.model_dump(mode="json") for e in elements], "layout": layout}
    return json.dumps(data, sort_keys=True)


@dataclass(frozen=True)
class Taken:
    """Whether an id, and a name of a kind, are used in the design pasted into (the
    document's lookups: a set of every id and name of a 100k design took 0.6 s of the
    paste)."""

    id: Callable[[str], bool]
    name: Callable[[str, str], bool]


class _Used(Generic[_Key]):
    """The keys a check says are used, and those taken since (``in``, ``add``)."""

    def __init__(self, used: Callable[[_Key], bool]) -> None:
        self._used = used
        self._added: set[_Key] = set()

    def __contains__(self, key: _Key) -> bool:
        return key in self._added or self._used(key)

    def add(self, key: _Key) -> None:
        self._added.add(key)


def _fresh(base: str, taken: _Used[str]) -> str:
    stem = re.sub(r"-copy\d*$", "", base)[:100]
    n = 1
    while True:
        candidate = f"{stem}-copy{n if n > 1 else ''}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        n += 1


def paste_elements(
    design: Design,
    payload: str,
    *,
    offset: tuple[float, float] = (30.0, 30.0),
    taken: Taken | None = None,
) -> tuple[list[ElementBase], dict[str, LayoutEntry]]:
    """New elements from a clipboard payload, ready for :class:`AddElements`.

    Ids and names are made unique; references among the pasted elements follow the new
    ids; references to elements outside stay if those still exist, else the pasted
    element is left out with the elements that need it (``ClipboardError`` if nothing
    is left).
    """
    try:
        data: Any = json.loads(payload)
        raw_elements = data["elements"]
        adapter = _element_adapter()
        elements = [adapter.validate_python(item) for item in raw_elements]
        raw_layout = data.get("layout", {})
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        raise ClipboardError(f"the clipboard holds no DR Designer elements ({exc})") from None
    if taken is None:
        ids = {e.id for e in design.elements}
        names = {(e.kind, e.name) for e in design.elements}
        taken = Taken(ids.__contains__, lambda kind, name: (kind, name) in names)
    taken_ids: _Used[str] = _Used(taken.id)
    taken_names: _Used[tuple[str, str]] = _Used(lambda key: taken.name(*key))
    mapping = {e.id: _fresh(e.id, taken_ids) for e in elements}
    existing = taken.id
    by_id = {e.id: e for e in elements}
    given: dict[str, str] = {}

    def named(element: ElementBase) -> str:
        """The pasted element's name: its own, else one its copies' names do not take;
        a name that starts with the name of the pasted element it belongs to follows
        that one's new name ("DC01-AD1-os" of VM DC01-AD1 pasted as DC01-AD3 is
        "DC01-AD3-os", not "DC01-AD1-os (copy)": eyes28)."""
        name = given.get(element.id)
        if name is not None:
            return name
        given[element.id] = name = element.name  # (a cycle of references stops here)
        for owner in _owners(element, by_id):
            old, new = owner.name, named(owner)
            rest = name[len(old) :]
            if new != old and name.startswith(old) and not rest[:1].isalnum():
                name = new + rest
                break
        while (element.kind, name) in taken_names:
            name = _copy_name(name)
        taken_names.add((element.kind, name))
        given[element.id] = name
        return name

    result: list[ElementBase] = []
    layout: dict[str, LayoutEntry] = {}
    for element in elements:
        data_new = remap_refs(element, mapping)
        data_new["id"] = mapping[element.id]
        data_new["name"] = named(element)
        new = type(element).model_validate(data_new)
        result.append(new)
        entry = raw_layout.get(element.id)
        if entry:
            moved = LayoutEntry.model_validate(entry)
            layout[new.id] = moved.model_copy(
                update={"x": moved.x + offset[0], "y": moved.y + offset[1]}
            )
    # Drop elements whose outside references no longer resolve.
    from designer.domain.refs import iter_refs

    valid = {e.id for e in result}
    changed = True
    while changed:
        changed = False
        for pasted in list(result):
            if any(
                ref.target not in valid and not existing(ref.target) for ref in iter_refs(pasted)
            ):
                result.remove(pasted)
                valid.discard(pasted.id)
                layout.pop(pasted.id, None)
                changed = True
    if not result:
        raise ClipboardError("nothing to paste: the copied elements' surroundings are gone")
    return result, layout


def _owners(element: ElementBase, pasted: Mapping[str, ElementBase]) -> list[ElementBase]:
    """The pasted elements ``element`` refers to, the longest-named first (a disk's VM
    before its LUN, if both are pasted and both start its name)."""
    from designer.domain.refs import iter_refs

    found = {ref.target: pasted[ref.target] for ref in iter_refs(element) if ref.target in pasted}
    return sorted(found.values(), key=lambda owner: -len(owner.name))


def _copy_name(name: str) -> str:
    """The next name to try for a copy of ``name``: a name that ends in a number gets
    the next number, as wide ("BOS-MBX01" -> "BOS-MBX02", "esx-bos-9" -> "esx-bos-10"):
    Exchange and vSphere names are numbered and a copy is the next server, not
    "BOS-MBX01 (copy)" to retype. Other names get "(copy)", "(copy 2)"…"""
    numbered = re.match(r"^(.*\D)?(\d+)$", name)
    if numbered:
        digits = numbered.group(2)
        return f"{numbered.group(1) or ''}{int(digits) + 1:0{len(digits)}d}"
    match = re.match(r"^(.*) \(copy(?: (\d+))?\)$", name)
    if match:
        n = int(match.group(2) or 1) + 1
        return f"{match.group(1)} (copy {n})"
    return f"{name} (copy)"
