"""A design file validated in slices, for a loader running beside the window (issue 10:
File > Open and Open Recent of a 100,000-element design held the window 1-3 s, and
16 s on a loaded machine).

pydantic-core's ``validate_json`` of a whole 100k file is one call of ~0.65-1.2 s that
holds the interpreter lock throughout: on a worker thread it stops the window as surely
as on the UI thread. A file the designer wrote (``json.dumps(..., sort_keys=True,
indent=2)``, :mod:`designer.persistence.dump`) puts the design's two big parts, its
``elements`` list and its ``layout`` dict, on lines of their own, each item opening
at six spaces and closing with a line ``      }``: the item ends are found by one
``bytes.find`` each (JSON strings hold no raw newline), and each slice of ~256 KB of
items is validated alone by a model holding just that field (:class:`_Elements`,
:class:`_Layout`: the design's own field types and configuration), ~4-5 ms a call at
100k. The rest of the file (the envelope with both parts empty) is validated as the
whole file is. The pieces make the same design: a JSON list or object cut between two
of its items is the concatenation of its parts, and ``model_copy(update=...)`` sets the
two fields as given (``tests/persistence/test_load_in_slices.py`` compares designs,
fields set and every element with the whole file's validation).

Anything else — another spelling, a part not where it should be, a slice pydantic
refuses — gives None, and the caller validates the whole file (whose errors and
messages are the loader's own). The key count of the duplicate-key guard
(:func:`quoted_colons_in_slices`) is made in slices the same way: cut right after a
``,`` ending a line, no key's ``":`` nor a spaced key can straddle a cut.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from designer.bytecheck import quoted_colons
from designer.domain.design import ElementId, LayoutEntry
from designer.domain.elements import Element
from designer.domain.modelconfig import model_options
from designer.persistence.schema_cache import validator

__all__ = ["SLICE_BYTES", "envelope_in_slices", "quoted_colons_in_slices"]

#: Bytes of items validated by one call (~4-5 ms at 100k on this machine, quiet).
SLICE_BYTES = 256 * 1024
#: Bytes scanned by one call of the key count (~2 ms).
COUNT_BYTES = 1024 * 1024

#: The model of a whole file (``designer.persistence.file_format._CurrentFile``).
_File = TypeVar("_File", bound=BaseModel)

#: Called with the share of the file done so far (0-1), from the loading thread.
Progress = Callable[[float], None]

_ELEMENTS_OPEN = b'\n    "elements": [\n'
_LAYOUT_OPEN = b'\n    "layout": {\n'
_LIST_CLOSE = b"\n    ]"
_DICT_CLOSE = b"\n    }"
#: Where an item of either part ends and the next begins (``},`` then a newline).
_ITEM_END = b"\n      },\n"


class _Elements(BaseModel):
    """The design's ``elements``, a slice of them (the design's configuration)."""

    model_config = model_options(
        extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True, cache_strings="keys"
    )
    elements: list[Element]


class _Layout(BaseModel):
    """The design's ``layout``, a slice of its entries (the design's configuration)."""

    model_config = model_options(
        extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True, cache_strings="keys"
    )
    layout: dict[ElementId, LayoutEntry]


def _find(raw: bytes, what: bytes, start: int, end: int) -> int:
    """``raw.find(what, start, end)`` in steps of :data:`COUNT_BYTES` (one call over tens
    of MB holds the interpreter lock ~10-30 ms)."""
    at = start
    while at < end:
        stop = min(at + COUNT_BYTES + len(what), end)
        found = raw.find(what, at, stop)
        if found >= 0:
            return found
        at += COUNT_BYTES
    return -1


def _slices(raw: bytes, first: int, last: int) -> list[tuple[int, int]]:
    """The slices of ``raw[first:last]`` (the items of a part), each ending at an item's
    ``}`` and the next starting after its ``,`` and newline."""
    spans = []
    at = first
    while at < last:
        end = raw.find(_ITEM_END, min(at + SLICE_BYTES, last), last)
        if end < 0:
            spans.append((at, last))
            break
        end += len(_ITEM_END) - 2  # up to the item's "}"
        spans.append((at, end))
        at = end + 2  # after ",\n"
    return spans


def envelope_in_slices(raw: bytes, progress: Progress, *, file_class: type[_File]) -> _File | None:
    """The envelope ``validator(file_class).validate_json(raw)`` gives, made in slices
    (see the module's text); None where the caller must validate the whole file. Raises
    what ``validate_json`` raises for the envelope without its two big parts."""
    begin = _find(raw, _ELEMENTS_OPEN, 0, len(raw))
    if begin < 0:
        return None
    first_item = begin + len(_ELEMENTS_OPEN)
    elements_end = _find(raw, _LIST_CLOSE, first_item, len(raw))
    if elements_end < 0:
        return None
    layout = _find(raw, _LAYOUT_OPEN, elements_end, len(raw))
    if layout < 0:
        return None
    first_entry = layout + len(_LAYOUT_OPEN)
    layout_end = _find(raw, _DICT_CLOSE, first_entry, len(raw))
    if layout_end < 0:
        return None
    rest = b"".join(
        (
            raw[: first_item - 1],
            b"]",
            raw[elements_end + len(_LIST_CLOSE) : first_entry - 1],
            b"}",
            raw[layout_end + len(_DICT_CLOSE) :],
        )
    )
    envelope: _File = validator(file_class).validate_json(rest)
    design: Any = getattr(envelope, "design", None)
    fields = design.model_fields_set
    if design.elements or design.layout or "elements" not in fields or "layout" not in fields:
        return None  # the parts cut out were not the design's own
    total = max(len(raw), 1)
    elements: list[Any] = []
    entries: dict[str, Any] = {}
    try:
        validate = validator(_Elements).validate_json
        for start, end in _slices(raw, first_item, elements_end):
            elements += validate(b"".join((b'{"elements":[', raw[start:end], b"]}"))).elements
            progress(end / total)
        validate = validator(_Layout).validate_json
        for start, end in _slices(raw, first_entry, layout_end):
            entries.update(validate(b"".join((b'{"layout":{', raw[start:end], b"}}"))).layout)
            progress(end / total)
    except (ValidationError, RecursionError, ValueError):
        return None
    whole = design.model_copy(update={"elements": elements, "layout": entries})
    return envelope.model_copy(update={"design": whole})


def quoted_colons_in_slices(raw: bytes) -> int | None:
    """:func:`designer.bytecheck.quoted_colons` of ``raw``, counted in slices of about
    :data:`COUNT_BYTES` cut right after a ``,`` that ends a line."""
    count = 0
    at = 0
    size = len(raw)
    while at < size:
        cut = raw.find(b",\n", min(at + COUNT_BYTES, size), size)
        end = size if cut < 0 else cut + 2
        found = quoted_colons(raw[at:end])
        if found is None:
            return None
        count += found
        at = end
    return count
