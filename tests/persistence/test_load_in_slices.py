"""A design file read in slices (``load_with_stamp(path, progress=...)``, wave 30,
``open30``: the window's File > Open and Open Recent of a big file) gives what the
whole file's validation gives — the same design, the same fields set on it and on
every element — or leaves the file to the whole validation, whose messages stay the
loader's own."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402
from designer.bytecheck import quoted_colons  # noqa: E402
from designer.persistence import (  # noqa: E402
    CURRENT_SCHEMA_VERSION,
    LoadError,
    dumps,
    in_slices,
    load,
    load_with_stamp,
    loads,
)
from designer.persistence.file_format import _CurrentFile  # noqa: E402

SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


@pytest.fixture(autouse=True)
def _small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices of a few items each, and the key count in slices of 2 KB."""
    monkeypatch.setattr(in_slices, "SLICE_BYTES", 2048)
    monkeypatch.setattr(in_slices, "COUNT_BYTES", 2048)


def _in_slices(path: Path) -> tuple[object, list[float]]:
    said: list[float] = []
    design, _ = load_with_stamp(path, progress=said.append)
    return design, said


def _same_as_whole(path: Path) -> list[float]:
    whole = load(path)
    design, said = _in_slices(path)
    assert design == whole
    assert design.model_fields_set == whole.model_fields_set  # type: ignore[attr-defined]
    for mine, theirs in zip(design.elements, whole.elements, strict=True):  # type: ignore[attr-defined]
        assert mine.model_fields_set == theirs.model_fields_set
    assert dumps(design) == dumps(whole)  # type: ignore[arg-type]
    return said


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_read_in_slices_are_the_same_design(path: Path, tmp_path: Path) -> None:
    written = tmp_path / path.name
    written.write_text(dumps(load(path)), encoding="utf-8")
    said = _same_as_whole(written)
    assert said, "a design file the designer wrote is read in slices"


@pytest.mark.parametrize("size, seed", [(300, 0), (1_000, 3)])
def test_generated_designs_read_in_slices_are_the_same_design(
    size: int, seed: int, tmp_path: Path
) -> None:
    path = tmp_path / "design.json"
    path.write_text(dumps(generate_design(size, seed=seed)), encoding="utf-8")
    said = _same_as_whole(path)
    assert len(said) > 20 and said == sorted(said) and 0 < said[-1] <= 1


def test_a_file_in_another_spelling_is_read_whole_to_the_same_design(tmp_path: Path) -> None:
    design = generate_design(200, seed=2)
    path = tmp_path / "compact.json"
    text = dumps(design)
    path.write_text(text.replace("\n", "").replace("  ", ""), encoding="utf-8")
    read, said = _in_slices(path)
    assert read == design
    assert said == [], "not the designer's own spelling: validated whole"


def test_a_duplicate_key_in_a_later_slice_is_refused_as_the_loader_refuses_it(
    tmp_path: Path,
) -> None:
    text = dumps(generate_design(300, seed=1))
    at = text.rindex('"name": "')
    path = tmp_path / "twice.json"
    path.write_text(text[:at] + '"name": "first", ' + text[at:], encoding="utf-8")
    with pytest.raises(LoadError) as whole:
        load(path)
    with pytest.raises(LoadError) as sliced:
        load_with_stamp(path, progress=lambda share: None)
    assert "duplicate key 'name'" in str(whole.value)
    assert str(sliced.value) == str(whole.value)


def test_a_bad_element_in_a_later_slice_gets_the_loaders_message(tmp_path: Path) -> None:
    text = dumps(generate_design(300, seed=1))
    at = text.rindex('"kind": "esxi_host"')
    path = tmp_path / "bad.json"
    path.write_text(text[:at] + '"kind": "esxi_hots"' + text[at + 19 :], encoding="utf-8")
    with pytest.raises(LoadError) as whole:
        loads(path.read_bytes(), where=str(path))
    with pytest.raises(LoadError) as sliced:
        load_with_stamp(path, progress=lambda share: None)
    assert str(sliced.value) == str(whole.value)


def test_the_envelope_is_read_in_slices_only_where_both_parts_are_the_designs(
    tmp_path: Path,
) -> None:
    # A design without elements or layout writes them as [] and {} on one line: nothing
    # to cut, the file is validated whole.
    empty = (
        f'{{"format": "dr-designer", "schema_version": {CURRENT_SCHEMA_VERSION}, "design": {{}}}}'
    )
    raw = dumps(loads(empty))
    assert (
        in_slices.envelope_in_slices(raw.encode(), lambda share: None, file_class=_CurrentFile)
        is None
    )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # (slices' sizes only)
@given(st.lists(st.sampled_from([b'"', b":", b" ", b"\t", b"\n", b"\r", b"a", b",", b",\n", b"{"])))
def test_the_key_count_in_slices_is_the_whole_count_on_any_bytes(parts: list[bytes]) -> None:
    raw = b"".join(parts)
    with mock.patch.object(in_slices, "COUNT_BYTES", 3):
        assert in_slices.quoted_colons_in_slices(raw) == quoted_colons(raw)


def test_the_key_count_in_slices_of_a_generated_design() -> None:
    raw = dumps(generate_design(300, seed=0)).encode("utf-8")
    assert in_slices.quoted_colons_in_slices(raw) == quoted_colons(raw) == raw.count(b'":')
