"""The loader's fast path (pydantic-core reading the bytes of a current-version file in
one pass) gives exactly what the full path gives, or leaves the file to it.

The damaged files of ``test_fuzz_loader.py`` check the same equivalence on random
damage (``test_fast_path_agrees_*`` there).
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.bytecheck import _SPACED_KEY  # noqa: E402
from designer.persistence import CURRENT_SCHEMA_VERSION, LoadError, dumps, loads  # noqa: E402
from designer.persistence.file_format import (  # noqa: E402
    _CurrentFile,
    _fast_design,
    _full_loads,
    _quoted_colons,
)

SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


def _same_as_full(raw: bytes) -> None:
    fast = _fast_design(raw)
    assert fast is not None, "a well-formed current file takes the fast path"
    full = _full_loads(raw, where="x")
    assert fast == full
    assert dumps(fast) == dumps(full)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_read_the_same_both_ways(path: Path) -> None:
    _same_as_full(dumps(loads(path.read_bytes())).encode("utf-8"))


@pytest.mark.parametrize("size, seed", [(300, 0), (1_000, 3)])
def test_generated_designs_read_the_same_both_ways(size: int, seed: int) -> None:
    _same_as_full(dumps(generate_design(size, seed=seed)).encode("utf-8"))


@functools.cache
def _generated() -> bytes:
    return dumps(generate_design(200, seed=1)).encode("utf-8")


def _loaded_error(raw: bytes) -> str:
    with pytest.raises(LoadError) as caught:
        loads(raw)
    return str(caught.value)


def test_a_duplicate_key_inside_an_element_is_still_refused() -> None:
    raw = _generated()
    damaged = raw.replace(b'"name": "', b'"name": "first", "name": "', 1)
    assert _fast_design(damaged) is None
    assert "duplicate key 'name'" in _loaded_error(damaged)


def test_a_duplicate_key_hidden_by_a_spaced_key_is_still_refused() -> None:
    # One key fewer counted (spelt with a space before its colon), one key twice: the
    # counts would agree if spaced keys were not sent the full way.
    raw = _generated()
    damaged = raw.replace(b'"notes": ', b'"notes" : ', 1).replace(
        b'"name": "', b'"name": "first", "name": "', 1
    )
    assert damaged.count(b'" :') == 1
    assert _fast_design(damaged) is None
    assert "duplicate key 'name'" in _loaded_error(damaged)


def test_a_quote_and_colon_inside_a_string_only_costs_the_full_path() -> None:
    raw = _generated()
    odd = raw.replace(b'"description": "', b'"description": "say \\": ', 1)
    assert odd != raw
    assert _fast_design(odd) is None
    assert loads(odd).description.startswith('say ":')


@pytest.mark.parametrize(
    "version, message",
    [
        (f"{CURRENT_SCHEMA_VERSION}.0", "schema_version must be a whole number"),
        ("true", "schema_version must be a whole number"),
    ],
)
def test_a_version_that_is_not_a_whole_number_gets_the_full_message(
    version: str, message: str
) -> None:
    raw = _generated().replace(
        f'"schema_version": {CURRENT_SCHEMA_VERSION}'.encode(),
        f'"schema_version": {version}'.encode(),
    )
    assert _fast_design(raw) is None
    assert message in _loaded_error(raw)


def test_a_file_with_a_byte_order_mark_reads_the_same() -> None:
    raw = _generated()
    assert _fast_design(b"\xef\xbb\xbf" + raw) == loads(raw)


def test_every_number_of_the_format_refuses_nan_and_infinities() -> None:
    """The fast path parses ``NaN``/``Infinity`` as numbers where the full path refuses
    the token: the two agree only because every float field of the format refuses
    them (bounded on both sides, or ``allow_inf_nan=False``)."""
    floats: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "float":
                floats.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    # Built now: declared with defer_build, and a load may take its validator from the
    # schema cache without building it (alone, or first in a run, the test found no
    # schema to walk: 0 floats).
    _CurrentFile.model_rebuild()
    walk(_CurrentFile.__pydantic_core_schema__)
    assert len(floats) > 20
    for node in floats:
        bounded = ("ge" in node or "gt" in node) and ("le" in node or "lt" in node)
        assert bounded or node.get("allow_inf_nan") is False, node
    raw = json.loads(_generated())
    site = next(e for e in raw["design"]["elements"] if e["kind"] == "wan_link")
    site["rtt_ms"] = "NAN-HERE"
    text = json.dumps(raw).replace('"NAN-HERE"', "NaN").encode()
    assert _fast_design(text) is None
    assert "not a number JSON allows" in _loaded_error(text)


def test_the_published_schema_takes_what_the_app_saves() -> None:
    """``dr-designer schema`` (the Envelope model) names the version files are written
    with: it said 6 after the format moved to 7, so every saved file failed it."""
    from designer.persistence import envelope_schema
    from designer.persistence.envelope import Envelope

    assert envelope_schema()["properties"]["schema_version"]["const"] == CURRENT_SCHEMA_VERSION
    Envelope.model_validate(json.loads(_generated()))


def _plain_quoted_colons(raw: bytes) -> int | None:
    """What the duplicate-key guard computed before wave 10's ``open10b``: one regex
    scan for a spaced key, one count."""
    return None if _SPACED_KEY.search(raw) else raw.count(b'":')


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_the_quoted_colon_count_of_samples_is_the_plain_one(path: Path) -> None:
    raw = path.read_bytes()
    written = dumps(loads(raw)).encode("utf-8")
    for text in (raw, written, written.replace(b'": ', b'" : ', 1)):
        assert _quoted_colons(text) == _plain_quoted_colons(text)
    assert _quoted_colons(written) == written.count(b'":') > 0


@pytest.mark.parametrize("size, seed", [(300, 0), (1_000, 1)])
def test_the_quoted_colon_count_of_generated_designs_is_the_plain_one(size: int, seed: int) -> None:
    raw = dumps(generate_design(size, seed=seed)).encode("utf-8")
    assert b'"schedule": "daily 22:00"' in raw  # colons inside strings, not after a quote
    assert _quoted_colons(raw) == raw.count(b'":')
    for space in (b" ", b"\t", b"\r", b"\n"):
        spaced = raw.replace(b'"notes": ', b'"notes"' + space + b": ", 1)
        assert spaced != raw and _quoted_colons(spaced) is None, space


@given(st.lists(st.sampled_from([b'"', b":", b" ", b"\t", b"\n", b"\r", b"a", b"\\", b"{"])))
def test_the_quoted_colon_count_is_the_plain_one_on_any_bytes(parts: list[bytes]) -> None:
    raw = b"".join(parts)
    assert _quoted_colons(raw) == _plain_quoted_colons(raw)


def _two_equal_values(design: Any) -> tuple[str, str]:
    """Two of the design's string values that are equal (a VM's host and its
    neighbour's: the generator puts many VMs on each host)."""
    seen: dict[str, str] = {}
    for element in design.elements:
        host = getattr(element, "host", None)
        if isinstance(host, str):
            if host in seen:
                return seen[host], host
            seen[host] = host
    raise AssertionError("no two VMs share a host")


def test_the_fast_path_does_not_look_string_values_up_in_pydantic_cores_cache() -> None:
    """pydantic-core's string cache (on by default) shares equal strings read from JSON
    by looking each one up: a hash and, for a design's mostly distinct ids, names and
    references, a miss (~20 % of ``validate_json`` at 100k). The fast path keeps it for
    keys only, through pydantic's build and the schema cache alike; the design read is
    the full path's (the tests above), its equal values equal but not shared."""
    from designer.persistence.schema_cache import _core_config, validator

    assert _core_config(_CurrentFile)["cache_strings"] == "keys"
    raw = dumps(generate_design(300, seed=2)).encode("utf-8")
    fast = validator(_CurrentFile).validate_json(raw).design
    first, second = _two_equal_values(fast)
    assert first == second and first is not second
    assert fast == _full_loads(raw, where="x")
