"""The design file's validators kept across processes (designer/persistence/schema_cache.py):
a validator read back from the cache accepts, builds and refuses exactly what pydantic's
own does; a stale, damaged or unwritable cache is never used; the file names nothing
outside the modules its key covers."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from designer.domain.design import Design
from designer.persistence import schema_cache
from designer.persistence.file_format import _CurrentFile

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


def _round_trip(cls: type[BaseModel], folder: Path) -> Any:
    """``cls``'s validator written to ``folder`` and read back (never pydantic's own)."""
    cls.model_rebuild()
    key = schema_cache.cache_key(cls)
    path = folder / f"{cls.__name__}-{key}{schema_cache.SUFFIX}"
    schema_cache._write(path, key, cls)
    assert path.is_file(), "the schema of the design file can be cached"
    cached = schema_cache._read(path, key)
    assert cached is not None and cached is not cls.__pydantic_validator__
    return cached


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> dict[type[BaseModel], Any]:
    folder = tmp_path_factory.mktemp("schema-cache")
    return {cls: _round_trip(cls, folder) for cls in (_CurrentFile, Design)}


def _outcome(run: Any) -> tuple[str, Any]:
    try:
        value = run()
    except ValidationError as exc:
        return "refused", json.dumps(exc.errors(include_url=False), default=repr)
    return "read", (value, value.model_dump(mode="json"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_reads_the_same_through_the_cached_validators(
    path: Path, cached: dict[type[BaseModel], Any]
) -> None:
    raw = path.read_bytes()
    own = _outcome(lambda: _CurrentFile.__pydantic_validator__.validate_json(raw))
    assert own[0] == "read"
    assert _outcome(lambda: cached[_CurrentFile].validate_json(raw)) == own
    design = json.loads(raw)["design"]
    own_design = _outcome(lambda: Design.__pydantic_validator__.validate_python(design))
    assert _outcome(lambda: cached[Design].validate_python(design)) == own_design


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["site", "vm", "a-1", "#00ff00", "ERR001", "active", "off"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _containers(value: Any, found: list[Any]) -> list[Any]:
    if isinstance(value, (dict, list)):
        found.append(value)
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, found)
    return found


@given(
    sample=st.sampled_from(SAMPLES),
    where=st.integers(min_value=0),
    how=st.sampled_from(["replace", "replace", "replace", "delete", "add"]),
    key=st.text(max_size=10) | st.sampled_from(["kind", "id", "name", "site", "layout", "x"]),
    value=_JSON,
)
def test_damaged_designs_get_the_same_errors_from_the_cached_validators(
    sample: Path, where: int, how: str, key: str, value: Any, cached: dict[type[BaseModel], Any]
) -> None:
    data = json.loads(sample.read_bytes())
    containers = _containers(data["design"], [])
    target = containers[where % len(containers)]
    slots = sorted(target) if isinstance(target, dict) else list(range(len(target)))
    if how == "add" or not slots:
        if isinstance(target, dict):
            target[key] = value
        else:
            target.append(value)
    elif how == "delete":
        del target[slots[where % len(slots)]]
    else:
        target[slots[where % len(slots)]] = value
    raw = json.dumps(data).encode()
    assert _outcome(lambda: cached[_CurrentFile].validate_json(raw)) == _outcome(
        lambda: _CurrentFile.__pydantic_validator__.validate_json(raw)
    )
    design = data["design"]
    assert _outcome(lambda: cached[Design].validate_python(design)) == _outcome(
        lambda: Design.__pydantic_validator__.validate_python(design)
    )


def test_a_second_process_reads_the_validator_from_the_cache(tmp_path: Path) -> None:
    """The first process writes the cache, the next one uses it and builds no model."""
    code = (
        "import sys; from designer.persistence import load; "
        "from designer.persistence.file_format import _CurrentFile; "
        f"design = load({str(SAMPLES[0])!r}); "
        "print(len(design.elements), _CurrentFile.__pydantic_complete__)"
    )
    env = {**os.environ, schema_cache.CACHE_DIR_ENV: str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == ["_CurrentFile"]
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    count = first.stdout.split()[0]
    assert first.stdout.split() == [count, "True"], first.stderr  # built by pydantic
    assert second.stdout.split() == [count, "False"], second.stderr  # read from the cache


def _fresh(monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    monkeypatch.setenv(schema_cache.CACHE_DIR_ENV, folder)
    monkeypatch.setattr(schema_cache, "_VALIDATORS", {})
    monkeypatch.setattr(_CurrentFile, "__pydantic_complete__", False)


def test_a_stale_or_damaged_cache_file_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = schema_cache.cache_key(_CurrentFile)
    path = tmp_path / f"_CurrentFile-{key}{schema_cache.SUFFIX}"
    raw = SAMPLES[0].read_bytes()
    good = schema_cache.encode({"key": key, "schema": {"type": "int"}, "config": {}})
    for data in (
        b"not marshal",
        json.dumps({"key": key, "schema": {"type": "int"}, "config": {}}).encode(),  # JSON
        schema_cache.encode({"key": "another", "schema": {}, "config": {}}),
        good[:-3],
        marshal.dumps(
            ({"key": key, "schema": None, "config": {}}, ((("schema",), "os:system", None),))
        ),
        marshal.dumps(
            ({"key": key, "schema": None, "config": {}}, ((("schema", "x"), "builtins:int", None),))
        ),
        marshal.dumps(({"key": key, "schema": {}, "config": {}}, [])),
        marshal.dumps([1, 2]),
    ):
        path.write_bytes(data)
        assert schema_cache._read(path, key) is None
        _fresh(monkeypatch, str(tmp_path))
        validator = schema_cache.validator(_CurrentFile)
        assert validator is _CurrentFile.__pydantic_validator__  # pydantic's own, rebuilt
        assert validator.validate_json(raw).design.name
        assert schema_cache._read(path, key) is not None  # and the file written again


def test_writing_a_new_key_prunes_the_models_oldest_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each upgrade writes a file under a new key; only the newest few per model stay
    (the JSON files of the versions before wave 22 among them), and nothing else in the
    folder (other models, other caches) is touched."""
    old = []
    for age, digit in enumerate("abcde"):
        suffix = ".json" if digit in "bd" else schema_cache.SUFFIX
        path = tmp_path / f"_CurrentFile-{digit * 32}{suffix}"
        path.write_text("{}")
        os.utime(path, (1_000_000 - age * 1000, 1_000_000 - age * 1000))
        old.append(path)  # newest first
    others = [
        tmp_path / f"Design-{'f' * 32}.json",
        tmp_path / f"Design-{'f' * 32}{schema_cache.SUFFIX}",
        tmp_path / "dataclass-code.check.cpython-311.marshal",
        tmp_path / "_CurrentFile-notes.json",
        tmp_path / f"_CurrentFile-{'9' * 32}.txt",
    ]
    for path in others:
        path.write_text("{}")
    _fresh(monkeypatch, str(tmp_path))
    assert schema_cache.validator(_CurrentFile).validate_json(SAMPLES[0].read_bytes())
    key = schema_cache.cache_key(_CurrentFile)
    written = tmp_path / f"_CurrentFile-{key}{schema_cache.SUFFIX}"
    kept = sorted(
        p.name
        for p in tmp_path.glob("_CurrentFile-" + "?" * 32 + ".*")
        if p.suffix in (".json", schema_cache.SUFFIX)
    )
    expected = [written, *old[: schema_cache.KEEP_PER_MODEL - 1]]
    assert kept == sorted(p.name for p in expected)
    assert all(p.exists() for p in others)
    assert not list(tmp_path.glob("*.tmp"))


def test_no_cache_folder_or_an_unwritable_one_still_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = SAMPLES[0].read_bytes()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    for folder in ("", str(blocked / "cache")):
        _fresh(monkeypatch, folder)
        assert schema_cache.validator(_CurrentFile).validate_json(raw).design.name
    assert schema_cache.cache_dir() is not None
    assert not list(tmp_path.glob("**/*.json"))


def test_the_key_covers_the_versions_and_every_covered_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    covered = schema_cache._covered_modules()
    assert "designer.domain.elements" in covered and "designer.persistence.migrations" in covered
    before = schema_cache.cache_key(_CurrentFile)
    assert schema_cache.cache_key(Design) != before
    changed = tmp_path / "elements.py"
    changed.write_bytes(covered["designer.domain.elements"].read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(
        schema_cache,
        "_covered_modules",
        lambda: {**covered, "designer.domain.elements": changed},
    )
    assert schema_cache.cache_key(_CurrentFile) != before
    monkeypatch.undo()
    monkeypatch.setattr("pydantic.VERSION", "0.0.0")
    assert schema_cache.cache_key(_CurrentFile) != before


def _covered_by_glob() -> dict[str, Path]:
    """``_covered_modules`` as it was before wave 13: ``Path.glob`` and ``sorted``."""
    import importlib

    modules: dict[str, Path] = {}
    for package in schema_cache._PACKAGES:
        folder = Path(importlib.import_module(package).__file__ or "").parent
        for source in sorted(folder.glob("*.py")):
            name = package if source.stem == "__init__" else f"{package}.{source.stem}"
            modules[name] = source
    return modules


def test_the_covered_sources_are_those_glob_lists_in_its_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert list(schema_cache._covered_modules().items()) == list(_covered_by_glob().items())
    # A package holding every kind of name the pattern must take or leave (hidden
    # files, other suffixes, a folder named like a module, names out of order).
    package = tmp_path / "oddpkg"
    package.mkdir()
    for name in (
        "__init__.py",
        "b.py",
        "a.py",
        ".hidden.py",
        "Z.py",
        "_u.py",
        "c.pyc",
        "d.py~",
        "e.txt",
        "f.pyi",
        "g.py.bak",
        "ä.py",
        "xpy",
        "1.py",
    ):
        (package / name).write_text("", encoding="utf-8")
    (package / "folder.py").mkdir()
    (package / "__pycache__").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(schema_cache, "_PACKAGES", ("oddpkg",))
    listed = schema_cache._covered_modules()
    assert list(listed.items()) == list(_covered_by_glob().items())
    assert "oddpkg" in listed and "oddpkg.folder" in listed and "oddpkg.c" not in listed


def test_the_cache_names_only_what_it_can_look_up_again() -> None:
    for value in (lambda: 0, os.system, Path, {1: "a"}, object(), (Path,), {"a": (Design,)}):
        with pytest.raises(schema_cache.Uncacheable):
            schema_cache.encode(value)
    for name in ("os:system", "builtins:eval", "subprocess:run", "designer.ui.window:Window"):
        with pytest.raises(schema_cache.Uncacheable):
            schema_cache.decode(marshal.dumps(({"cls": None}, ((("cls",), name, None),))))


def test_the_written_schema_is_pydantics_without_its_metadata() -> None:
    _CurrentFile.model_rebuild()
    schema = _CurrentFile.__pydantic_core_schema__

    def without_metadata(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: without_metadata(v)
                for k, v in value.items()
                if not schema_cache._is_metadata(k, v)
            }
        if isinstance(value, list):
            return [without_metadata(v) for v in value]
        if isinstance(value, tuple):
            return tuple(without_metadata(v) for v in value)
        return value

    raw = schema_cache.encode(schema)
    assert b"pydantic_js_functions" not in raw
    # the same data, with the same types (a tuple stays a tuple, an int an int)
    decoded = schema_cache.decode(raw)
    expected = without_metadata(schema)
    assert decoded == expected
    assert repr(decoded) == repr(expected)
    # only plain data in the file: the objects are names, looked up again
    data, places = marshal.loads(raw)
    assert len(places) > 100 and all(type(name) is str for _path, name, _member in places)

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(type(k) is str and plain(v) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return value is None or type(value) in (bool, int, float, str)

    assert plain(data)


def test_the_default_folder_is_platformdirs_user_cache_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv(schema_cache.CACHE_DIR_ENV)
    for xdg in (None, "/tmp/elsewhere"):
        if xdg is None:
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert schema_cache.cache_dir() == Path(user_cache_dir("dr-designer", appauthor=False))


def test_the_key_is_hashlibs_blake2b_of_the_versions_the_class_and_the_sources() -> None:
    """The key is the 128-bit BLAKE2b digest :func:`hashlib.blake2b` gives of the
    versions, the class's name and each covered module's name and source, in order
    (without importing hashlib in the command: the same function)."""
    import hashlib

    import pydantic
    import pydantic_core

    assert schema_cache._blake2b is hashlib.blake2b
    expected = hashlib.blake2b(digest_size=16)
    name = "designer.persistence.file_format:_CurrentFile"
    for part in (sys.version, pydantic.VERSION, pydantic_core.__version__, name):
        expected.update(part.encode() + b"\0")
    for module, source in schema_cache._covered_modules().items():
        expected.update(module.encode() + b"\0" + source.read_bytes() + b"\0")
    key = schema_cache.cache_key(_CurrentFile)
    assert key == expected.hexdigest() and len(key) == 32
