"""The canonical text of a design file, written in pieces (issue 10: Save at 100k).

The text is exactly ``json.dumps(envelope, sort_keys=True, indent=2,
ensure_ascii=False) + "\\n"`` of ``{format, schema_version, design.model_dump(
mode="json")}`` (:func:`reference_dumps`; ``tests/persistence/test_dump.py`` compares
the two on the samples, generated designs and Hypothesis' designs), made two ways
cheaper and in small steps:

* Python 3.11's ``json`` has no C encoder for indented output: its pure-Python one
  passes every piece of text up a chain of generators, one per level of nesting. This
  writer appends each value's text to one list (a dict's sorted keys, each scalar by
  the same functions ``json`` uses: :func:`json.encoder.encode_basestring`,
  ``int.__repr__``, ``float.__repr__``), about three times cheaper per value.
* The elements and the layout, nearly all of a big design, are dumped by pydantic in
  chunks of :data:`CHUNK` (a copy of the design holding just that chunk, through the
  design's own serializer), and :func:`dump_chunks` yields the text chunk by chunk. No
  single call holds the interpreter lock for long, so a worker thread can write a
  100,000-element design while the window keeps painting (``designer.ui.saving``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from designer.domain.design import Design
from designer.persistence.migrations import CURRENT_SCHEMA_VERSION, FORMAT

__all__ = ["CHUNK", "dump_bytes", "dump_chunks", "dump_pieces", "dumps", "reference_dumps"]

#: Elements (or layout entries) dumped by one pydantic call: ~1 ms of work each.
CHUNK = 256
#: Keys sorted by one call in :func:`sorted_in_steps` (~1 ms each).
SORT_RUN = 4096

_encode_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
_INFINITY = float("inf")


def _float(value: float) -> str:
    # json.encoder's floatstr with allow_nan=True (the default json.dumps used).
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _true_false(value: bool) -> str:
    return "true" if value else "false"


def _null(_value: None) -> str:
    return "null"


#: The text of a scalar by its exact type (``model_dump(mode="json")`` gives only these).
_SCALAR: dict[type, Any] = {
    str: _encode_str,
    int: int.__repr__,
    float: _float,
    bool: _true_false,
    type(None): _null,
}


def _put(out: list[str], value: Any, newline: str) -> None:
    """Append the indented text of the dict or list ``value``; ``newline`` is a line
    break and the indentation of the line ``value`` starts on."""
    scalar = _SCALAR.get(type(value))
    if scalar is not None:
        out.append(scalar(value))
        return
    append = out.append
    inner = newline + "  "
    if type(value) is dict:
        if not value:
            append("{}")
            return
        for key, prefix in _shape(tuple(value), inner):
            item = value[key]
            text = _SCALAR.get(type(item))
            if text is not None:
                append(prefix + text(item))
            else:
                append(prefix)
                _put(out, item, inner)
        append(newline + "}")
        return
    if type(value) is list:
        if not value:
            append("[]")
            return
        sep = "[" + inner
        between = "," + inner
        for item in value:
            text = _SCALAR.get(type(item))
            if text is not None:
                append(sep + text(item))
            else:
                append(sep)
                _put(out, item, inner)
            sep = between
        append(newline + "]")
        return
    # Anything else (never in a design's JSON dump): json's own text, re-indented by it.
    text_of = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
    append(text_of.replace("\n", newline))


#: (a dict's keys in its order, the indentation of its items) → its keys sorted, each
#: with the text before its value (``{`` or ``,``, the line break, the quoted key).
_SHAPES: dict[tuple[tuple[str, ...], str], tuple[tuple[str, str], ...]] = {}
#: Dicts of more keys than this (maps keyed by ids, never a model's fields) are not
#: kept; nor more shapes than :data:`_MAX_SHAPES` (the cache starts again).
_MAX_SHAPE_KEYS = 64
_MAX_SHAPES = 4096


def _shape(keys: tuple[str, ...], inner: str) -> tuple[tuple[str, str], ...]:
    """The sorted keys of a dict with ``keys`` and the text before each value (the
    models' dicts come in a few dozen shapes: worked out once per shape)."""
    found = _SHAPES.get((keys, inner))
    if found is not None:
        return found
    ordered = sorted(keys)
    shape = tuple(
        (key, ("{" if i == 0 else ",") + inner + _encode_str(key) + ": ")
        for i, key in enumerate(ordered)
    )
    if len(keys) <= _MAX_SHAPE_KEYS:
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[(keys, inner)] = shape
    return shape


_ELEMENTS = object()
_LAYOUT = object()


def dump_chunks(design: Design) -> Iterator[str]:
    """The canonical text of ``design`` in pieces (one per :data:`CHUNK` elements or
    layout entries); ``"".join`` of them is :func:`dumps`."""
    head = design.model_dump(mode="json", exclude={"elements", "layout"})
    head["elements"] = _ELEMENTS
    head["layout"] = _LAYOUT
    out: list[str] = []
    sep = '{\n  "design": {\n    '
    for key in sorted(head):
        value = head[key]
        out.append(sep + _encode_str(key) + ": ")
        sep = ",\n    "
        if value is _ELEMENTS:
            yield "".join(out)
            out.clear()
            yield from _elements(design, design.elements)
        elif value is _LAYOUT:
            yield "".join(out)
            out.clear()
            yield from _layout(design, design.layout)
        else:
            _put(out, value, "\n    ")
    out.append(
        f'\n  }},\n  "format": {_encode_str(FORMAT)},\n'
        f'  "schema_version": {CURRENT_SCHEMA_VERSION!r}\n}}\n'
    )
    yield "".join(out)


def _elements(design: Design, elements: Sequence[Any]) -> Iterator[str]:
    if not elements:
        yield "[]"
        return
    newline = "\n      "
    sep = "[" + newline
    between = "," + newline
    for start in range(0, len(elements), CHUNK):
        part = list(elements[start : start + CHUNK])
        dumped = design.model_copy(update={"elements": part, "layout": {}}).model_dump(
            mode="json", include={"elements"}
        )["elements"]
        out: list[str] = []
        for item in dumped:
            out.append(sep)
            _put(out, item, newline)
            sep = between
        yield "".join(out)
    yield "\n    ]"


def sorted_in_steps(items: Iterable[str]) -> list[str]:
    """``sorted(items)``, made by calls that each hold the interpreter lock briefly:
    runs of :data:`SORT_RUN` sorted, then merged two by two (a list of two sorted runs
    sorts in one linear merge), the last merge ~100,000 comparisons at 100,000 items.
    A window's layout is a trie in its keys' hash order (``PersistentMap``): one
    ``sorted`` of its 100,000 keys was a single call of 100-300 ms, the window's
    thread waiting for the lock all along (the longest turn of a Save As at 100k)."""
    source = iter(items)
    runs: list[list[str]] = []
    while run := sorted(islice(source, SORT_RUN)):
        runs.append(run)
    while len(runs) > 1:
        merged: list[list[str]] = []
        for first, second in zip(runs[::2], runs[1::2], strict=False):
            first.extend(second)
            first.sort()
            merged.append(first)
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    return runs[0] if runs else []


def _layout(design: Design, layout: Mapping[str, Any]) -> Iterator[str]:
    if not layout:
        yield "{}"
        return
    keys = sorted_in_steps(layout)
    newline = "\n      "
    sep = "{" + newline
    between = "," + newline
    for start in range(0, len(keys), CHUNK):
        part = {key: layout[key] for key in keys[start : start + CHUNK]}
        dumped = design.model_copy(update={"elements": [], "layout": part}).model_dump(
            mode="json", include={"layout"}
        )["layout"]
        out: list[str] = []
        for key, item in dumped.items():
            out.append(sep + _encode_str(key) + ": ")
            _put(out, item, newline)
            sep = between
        yield "".join(out)
    yield "\n    }"


def dumps(design: Design) -> str:
    """Canonical text of a design: sorted keys, 2-space indent, trailing newline."""
    return "".join(dump_chunks(design))


def dump_bytes(design: Design) -> bytes:
    """:func:`dumps` encoded as UTF-8, a piece at a time (no one long encode)."""
    return b"".join(dump_pieces(design))


def dump_pieces(design: Design) -> list[bytes]:
    """:func:`dump_bytes` in pieces (one per :func:`dump_chunks` piece), never joined:
    what a save hands the atomic writer. Joining the 57 MB of a 100,000-element design
    was one call of 20-130 ms holding the interpreter lock (and freeing the result
    another), the window's thread waiting for it."""
    return [piece.encode("utf-8") for piece in dump_chunks(design)]


def reference_dumps(design: Design) -> str:
    """The text the way it was first written (``json.dumps`` of the whole dump): what
    :func:`dumps` must equal byte for byte (the tests), and the benchmark's floor."""
    envelope = {
        "format": FORMAT,
        "schema_version": CURRENT_SCHEMA_VERSION,
        "design": design.model_dump(mode="json"),
    }
    return json.dumps(envelope, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
