"""Fuzzing the loader: a damaged file gives a Design or a LoadError, never anything else.

Inputs are the sample designs (``sample_designs/*.json``) plus a small generated design,
damaged byte-wise (flips, truncation, deletion, non-UTF-8 bytes) or structurally (keys
deleted, values of another type, huge numbers, NaN/Infinity, deep nesting, duplicate
keys, wrong kinds, dangling references). A Design that comes back must be structurally
valid, and every load must finish within a second (a generous guard against
pathological slowness, not a benchmark).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.domain import Design, structural_errors  # noqa: E402
from designer.persistence import LoadError, dumps, load, loads  # noqa: E402

#: The CPU time one load may take (of the process, not the wall clock: on a loaded
#: machine, nine sessions on two cores, a load of 30 ms of CPU took over a second).
TIME_LIMIT_S = 1.0


@cache
def corpus() -> tuple[bytes, ...]:
    samples = sorted((ROOT / "sample_designs").glob("*.json"))
    texts = [path.read_bytes() for path in samples]
    texts.append(dumps(generate_design(220, seed=7)).encode("utf-8"))
    return tuple(texts)


@cache
def parsed(i: int) -> Any:
    return json.loads(corpus()[i])


@cache
def paths(i: int) -> tuple[tuple[Any, ...], ...]:
    """Every location in sample ``i``: a tuple of keys / indices from the root."""
    found: list[tuple[Any, ...]] = []

    def walk(value: Any, here: tuple[Any, ...]) -> None:
        found.append(here)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*here, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*here, index))

    walk(parsed(i), ())
    return tuple(found)


def check_loader(raw: bytes | str, *, via_file: bool = False) -> str:
    """The loader's contract on any input; returns which outcome it was."""
    start = time.process_time()
    try:
        if via_file:
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "fuzzed.json")
                with open(path, "wb") as handle:
                    handle.write(raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace"))
                result = load(path)
        else:
            result = loads(raw)
    except LoadError as exc:
        assert str(exc), "a LoadError must say what is wrong"
        outcome = "LoadError"
    else:
        assert isinstance(result, Design)
        assert structural_errors(result) == []
        outcome = "Design"
    elapsed = time.process_time() - start
    assert elapsed < TIME_LIMIT_S, f"loading took {elapsed:.2f} s of CPU"
    return outcome


# -- byte-level damage ------------------------------------------------------------------
NON_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88\x80"]


@st.composite
def damaged_bytes(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(corpus())))
    kind = draw(st.sampled_from(["flip", "truncate", "delete", "non_utf8", "junk"]))
    position = draw(st.integers(0, len(raw) - 1))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at] ^= draw(st.integers(1, 255))
    elif kind == "truncate":
        del raw[position:]
    elif kind == "delete":
        del raw[position : position + draw(st.integers(1, 64))]
    elif kind == "non_utf8":
        raw[position:position] = draw(st.sampled_from(NON_UTF8))
    else:
        raw[position:position] = draw(st.binary(min_size=1, max_size=32))
    return bytes(raw)


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(raw=damaged_bytes(), via_file=st.booleans())
def test_byte_damage_gives_design_or_load_error(raw: bytes, via_file: bool) -> None:
    event(check_loader(raw, via_file=via_file))


# -- structural damage ------------------------------------------------------------------
HUGE_NUMBERS = [10**400, -(10**400), 2**63, -(2**63) - 1, 1.7976931348623157e308, -1e-320]
#: Tokens that are not what json.dumps would write; spliced in as raw text.
RAW_TOKENS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 5000, "0." + "9" * 5000]
SENTINEL = "\x00raw-token\x00"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = root
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return root


@st.composite
def damaged_documents(draw: st.DrawFn) -> str:
    i = draw(st.integers(0, len(corpus()) - 1))
    doc = json.loads(corpus()[i])  # a fresh copy to damage
    where = draw(st.sampled_from(paths(i)))
    raw_token: str | None = None
    kind = draw(
        st.sampled_from(
            [
                "delete_key",
                "retype",
                "huge_number",
                "raw_token",
                "deep_nesting",
                "duplicate_key",
                "wrong_kind",
                "rewire_ref",
                "drop_element",
            ]
        )
    )
    if kind == "delete_key":
        dict_paths = [p for p in paths(i) if isinstance(_get(parsed(i), p), dict)]
        target = draw(st.sampled_from(dict_paths))
        keys = sorted(_get(doc, target))
        if keys:
            del _get(doc, target)[draw(st.sampled_from(keys))]
    elif kind == "retype":
        doc = _set(doc, where, draw(json_values))
    elif kind == "huge_number":
        doc = _set(doc, where, draw(st.sampled_from(HUGE_NUMBERS)))
    elif kind in ("raw_token", "deep_nesting"):
        if kind == "raw_token":
            raw_token = draw(st.sampled_from(RAW_TOKENS))
        else:
            depth = draw(st.sampled_from([64, 1_000, 100_000]))
            open_, close = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
            raw_token = open_ * depth + "0" + close * depth
        doc = _set(doc, where, SENTINEL)
    elif kind == "duplicate_key":
        dict_paths = [p for p in paths(i) if _get(parsed(i), p)]
        dict_paths = [p for p in dict_paths if isinstance(_get(parsed(i), p), dict)]
        target = draw(st.sampled_from(dict_paths))
        key = draw(st.sampled_from(sorted(_get(doc, target))))
        text = json.dumps(doc)
        marker = json.dumps({key: _get(doc, (*target, key))})[1:-1]
        # Repeat the first occurrence of that "key": value pair right after itself.
        at = text.find(marker)
        return (
            text if at < 0 else text[: at + len(marker)] + ", " + marker + text[at + len(marker) :]
        )
    elif kind in ("wrong_kind", "rewire_ref", "drop_element"):
        elements = doc.get("design", {}).get("elements", [])
        if elements:
            n = draw(st.integers(0, len(elements) - 1))
            element = elements[n]
            if kind == "drop_element":
                del elements[n]
            elif kind == "wrong_kind":
                element["kind"] = draw(
                    st.sampled_from([*sorted({e["kind"] for e in elements}), "toaster"])
                )
            else:
                fields = sorted(k for k, v in element.items() if isinstance(v, str))
                other = elements[draw(st.integers(0, len(elements) - 1))]["id"]
                element[draw(st.sampled_from(fields))] = draw(st.sampled_from([other, "ghost"]))
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    if raw_token is not None:
        text = text.replace(json.dumps(SENTINEL), raw_token)
    return text


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        root = root[key]
    return root


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(text=damaged_documents(), as_bytes=st.booleans())
def test_structural_damage_gives_design_or_load_error(text: str, as_bytes: bool) -> None:
    event(check_loader(text.encode("utf-8") if as_bytes else text))


# -- named cases, so every kind of damage runs on every test run ------------------------
def _base() -> bytes:
    return corpus()[-1]


NAMED: dict[str, bytes | str] = {
    "empty": b"",
    "only whitespace": b" \n\t ",
    "bom only": b"\xef\xbb\xbf",
    "truncated in half": _base()[: len(_base()) // 2],
    "truncated by one byte": _base()[:-2],
    "leading non-utf8": b"\xff" + _base(),
    "latin-1 name": _base().replace(b'"name": "', b'"name": "\xe9', 1),
    "array nested 100k deep": b"[" * 100_000 + b"]" * 100_000,
    "object nested 100k deep": b'{"a":' * 100_000 + b"0" + b"}" * 100_000,
    "design nested 5k deep": b'{"format": "dr-designer", "schema_version": 2, "design": '
    + b"[" * 5_000
    + b"]" * 5_000
    + b"}",
    "huge integer version": b'{"format": "dr-designer", "schema_version": 1'
    + b"0" * 4000
    + b', "design": {}}',
    "float version": b'{"format": "dr-designer", "schema_version": 2.0, "design": {}}',
    "bool version": b'{"format": "dr-designer", "schema_version": true, "design": {}}',
    "NaN in design": _base().replace(b'"size_gb": ', b'"size_gb": NaN, "x": ', 1),
    "1e999 in design": _base().replace(b'"rtt_ms": ', b'"rtt_ms": 1e999, "x": ', 1),
    "a list, not an object": b"[]",
    "a string": b'"dr-designer"',
    "null design": b'{"format": "dr-designer", "schema_version": 2, "design": null}',
    "v1 with junk position": b'{"format": "dr-designer", "schema_version": 1, "design": '
    b'{"elements": [{"kind": "site", "id": "s", "name": "S", "position": "here"}, 7]}}',
    "v1 elements not a list": b'{"format": "dr-designer", "schema_version": 1, '
    b'"design": {"elements": 5}}',
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_damage_gives_design_or_load_error(name: str) -> None:
    check_loader(NAMED[name])
    check_loader(NAMED[name], via_file=True)


def test_named_damage_really_damages() -> None:
    for name in ("NaN in design", "1e999 in design", "latin-1 name"):
        assert NAMED[name] != _base(), name


def test_undamaged_corpus_loads() -> None:
    assert len(corpus()) >= 1
    for raw in corpus():
        assert isinstance(loads(raw), Design)


# -- the fast path (pydantic-core on the bytes) agrees with the full path --------------
def _fast_agrees(raw: bytes) -> str:
    from designer.persistence.file_format import _checked, _fast_design, _full_loads

    fast = _fast_design(raw)
    if fast is None:
        return "full path"
    try:
        full = _full_loads(raw, where="x")
    except LoadError as exc:
        with pytest.raises(LoadError) as caught:
            _checked(fast, "x")
        assert str(caught.value) == str(exc)
        return "same LoadError"
    assert _checked(fast, "x") == full
    assert dumps(fast) == dumps(full)
    return "same Design"


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(text=damaged_documents())
def test_fast_path_agrees_on_structural_damage(text: str) -> None:
    event(_fast_agrees(text.encode("utf-8")))


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(raw=damaged_bytes())
def test_fast_path_agrees_on_byte_damage(raw: bytes) -> None:
    event(_fast_agrees(raw))


@pytest.mark.parametrize("name", sorted(NAMED))
def test_fast_path_agrees_on_named_damage(name: str) -> None:
    raw = NAMED[name]
    _fast_agrees(raw if isinstance(raw, bytes) else raw.encode("utf-8"))


# -- a child's count of the keys (designer.bytecheck) changes no outcome -----------------
def _outcome(raw: bytes, counted: Any = None) -> str:
    from designer.persistence.file_format import _loads

    try:
        return dumps(_loads(raw, where="x", counted=counted))
    except LoadError as exc:
        return f"LoadError: {exc}"


def _child_agrees(raw: bytes) -> str:
    """The load with the child's answer for ``raw`` (its work run here, on a file of
    those bytes) is the load without it: the same design or the same message."""
    import hashlib
    import io

    from designer import bytecheck
    from designer.domain.structure import child_plan
    from designer.persistence.file_format import _Counted

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "design.json"
        path.write_bytes(raw)
        out = io.BytesIO()
        bytecheck._child(str(path), out, io.BytesIO(child_plan() or b""))
    said = object.__new__(bytecheck.ByteCheck)
    said.lines = out.getvalue().decode("ascii").splitlines()
    digest = hashlib.sha256(raw).hexdigest()
    counted = _Counted(said, lambda: digest)
    assert counted.answer().counted  # its answer is about these bytes
    assert _outcome(raw, counted) == _outcome(raw)
    return said.lines[1]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(text=damaged_documents())
def test_the_childs_answer_changes_nothing_on_structural_damage(text: str) -> None:
    event(_child_agrees(text.encode("utf-8")))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(raw=damaged_bytes())
def test_the_childs_answer_changes_nothing_on_byte_damage(raw: bytes) -> None:
    event(_child_agrees(raw))


@pytest.mark.parametrize("name", sorted(NAMED))
def test_the_childs_answer_changes_nothing_on_named_damage(name: str) -> None:
    raw = NAMED[name]
    _child_agrees(raw if isinstance(raw, bytes) else raw.encode("utf-8"))


@pytest.mark.parametrize(
    ("key", "value"),
    [(b"name", b'"first"'), (b"x", b"99.0"), (b"format", b'"dr-designer"'), (b"notes", b'""')],
)
def test_the_childs_answer_changes_nothing_on_a_key_twice(key: bytes, value: bytes) -> None:
    """The first object holding ``key`` gets it twice (pydantic-core would keep the last):
    the child says so, and the load still refuses the file with the full path's words."""
    raw = corpus()[0]
    raw = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    spelt = b'"' + key + b'": '
    damaged = raw.replace(spelt, spelt + value + b", " + spelt, 1)
    assert damaged != raw
    assert _child_agrees(damaged) == "repeated"
    assert _outcome(damaged).startswith("LoadError: x: not valid JSON: duplicate key")
