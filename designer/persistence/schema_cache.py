"""The validators of the design file, kept across processes (issue 10, ``check``'s cold start).

Building a pydantic model's validator means generating its pydantic-core schema in
Python (``GenerateSchema``), for the design file ~3,700 schema nodes over ~40 models:
most of what a short command such as ``dr-designer check small.json`` paid over
importing pydantic. The domain's models are declared with ``defer_build`` (nothing is
built at import); the validator a load needs is made here from the core schema that a
previous process generated and saved, and only when there is none is it generated
(and saved for the next process).

What is saved is the core schema itself as plain data, never a pickle: its dicts,
lists, tuples, strings and numbers in :mod:`marshal`'s format (the one of ``.pyc``
files and of the dataclasses' code cache, read at C speed: wave 22, until then JSON
with a hook called for each of its ~3,700 dicts), and apart, the place of each class,
enum member and function it refers to with its ``module:qualname`` name, put back by
looking the name up again (only in the modules the key covers, and in a few
builtins). The schema's ``metadata`` (pydantic's JSON-Schema hooks, which
pydantic-core never reads) is left out. The same schema gives pydantic-core the same
validator: the same designs, the same errors (``tests/persistence/test_schema_cache.py``).

The key covers everything the schema is made from: the Python, pydantic and
pydantic-core versions and the source of every module of :mod:`designer.domain` and
:mod:`designer.persistence`. Any doubt (no cache folder, an unreadable or stale file,
a name that no longer resolves, a schema pydantic-core refuses) falls back to
pydantic's own build; a cache that cannot be written is simply not written.
``$DR_DESIGNER_CACHE_DIR`` sets the folder (empty: no cache); by default it is the
platform's cache folder for DR Designer.
"""

from __future__ import annotations

import contextlib
import importlib
import marshal
import os
import sys
from enum import Enum
from pathlib import Path
from types import FunctionType
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from designer.cachedir import CACHE_DIR_ENV, cache_dir
from designer.diagnostics import logger

try:  # hashlib's BLAKE2b itself, without importing hashlib (its OpenSSL start: ~3 ms)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python built without its own BLAKE2
    from hashlib import blake2b as _blake2b

__all__ = ["CACHE_DIR_ENV", "cache_dir", "cache_key", "decode", "encode", "validator"]

#: The packages whose sources the key covers; the only ones names are looked up in.
_PACKAGES = ("designer.domain", "designer.persistence")
#: Builtins a schema may name (default factories, ``cls`` of list/dict schemas).
_BUILTINS = {t.__name__: t for t in (list, dict, set, frozenset, tuple, str, int, float, bool)}
_VALIDATORS: dict[type[BaseModel], Any] = {}
_log = logger("designer.persistence.schema_cache")  # logging imported when it logs
#: How many cache files (keys) per model class the folder keeps, the newest first.
KEEP_PER_MODEL = 3
#: The cache files' suffix (``.json`` before wave 22).
SUFFIX = ".marshal"


class Uncacheable(ValueError):
    """The schema holds something this cache cannot write down and read back."""


def _covered_modules() -> dict[str, Path]:
    """Module name → source file, for every module of :data:`_PACKAGES`.

    The names ``Path.glob("*.py")`` gives, in the order ``sorted`` puts those paths in
    (one folder: by name, case-folded where the file system ignores case), listed
    without the pattern ``glob`` compiles at every start (~0.3 ms of a ``check``)."""
    modules: dict[str, Path] = {}
    for package in _PACKAGES:
        folder = Path(importlib.import_module(package).__file__ or "").parent
        listed = [n for n in os.listdir(folder) if os.path.normcase(n).endswith(".py")]
        for entry in sorted(listed, key=os.path.normcase):
            stem = entry[:-3]
            modules[package if stem == "__init__" else f"{package}.{stem}"] = folder / entry
    return modules


def cache_key(cls: type[BaseModel]) -> str:
    """The key of ``cls``'s cached schema: versions, the class, the covered sources.

    A 128-bit BLAKE2b digest (CPython's own, as :func:`hashlib.blake2b` gives it): a
    ``check`` needs no other digest, so it does not import hashlib and start OpenSSL
    for SHA-256 (~3 ms; SHA-256 without OpenSSL hashes the ~230 KB of sources several
    times slower than BLAKE2b)."""
    import pydantic
    import pydantic_core

    digest = _blake2b(digest_size=16)
    for part in (sys.version, pydantic.VERSION, pydantic_core.__version__, _name_of(cls)):
        digest.update(part.encode() + b"\0")
    for name, source in _covered_modules().items():
        digest.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


# -- writing down and reading back --------------------------------------------------------
def _name_of(obj: Any) -> str:
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        raise Uncacheable(f"{obj!r} has no name to look up")
    name = f"{module}:{qualname}"
    if _resolve(name) is not obj:
        raise Uncacheable(f"{name} does not name {obj!r}")
    return name


def _resolve(name: str) -> Any:
    module_name, _, qualname = name.partition(":")
    if module_name == "builtins":
        if qualname not in _BUILTINS:
            raise Uncacheable(f"{name} is not a builtin a schema may name")
        return _BUILTINS[qualname]
    if not any(module_name == p or module_name.startswith(p + ".") for p in _PACKAGES):
        raise Uncacheable(f"{name} is outside the modules the key covers")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _is_metadata(key: str, value: Any) -> bool:
    # A core schema's "metadata" is a dict of pydantic's JSON-Schema hooks; a field
    # called "metadata" would be a schema of its own (with a "type").
    return key == "metadata" and isinstance(value, dict) and "type" not in value


#: Where an object was in the schema: the keys and indexes from the top, its name, and
#: the member's name for an enum member (None for a class or function).
_Place = tuple[tuple[str | int, ...], str, str | None]


def _plain(value: Any, path: tuple[str | int, ...], places: list[_Place]) -> Any:
    """``value`` as plain data (objects as None, their places in ``places``)."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [_plain(item, (*path, at), places) for at, item in enumerate(value)]
    if kind is tuple:
        known = len(places)
        plain = tuple(_plain(item, (*path, at), places) for at, item in enumerate(value))
        if len(places) != known:  # an object is put back into a list or a dict only
            raise Uncacheable(f"an object inside a tuple at {path!r}")
        return plain
    if kind is dict:
        if any(type(key) is not str for key in value):
            raise Uncacheable(f"a dict with keys {list(value)!r}")
        return {
            key: _plain(item, (*path, key), places)
            for key, item in value.items()
            if not _is_metadata(key, item)
        }
    if not path and isinstance(value, (Enum, type, FunctionType)):
        raise Uncacheable(f"{value!r} has no place to be put back in")
    if isinstance(value, Enum):
        places.append((path, _name_of(type(value)), value.name))
        return None
    if isinstance(value, (type, FunctionType)):
        places.append((path, _name_of(value), None))
        return None
    raise Uncacheable(f"{value!r} ({kind.__name__})")


def encode(value: Any) -> bytes:
    """``value`` (a core schema or a part of it) as the cache's bytes, without its
    metadata: the marshalled pair (the plain data, the objects' places)."""
    places: list[_Place] = []
    data = _plain(value, (), places)
    return marshal.dumps((data, tuple(places)))


def decode(raw: bytes) -> Any:
    """What :func:`encode` wrote, with its objects looked up again and put back in
    their places (each name once: a design file's schema names ~40 objects ~170
    times). Raises on anything else (:class:`Uncacheable` for a name it may not look
    up, ``ValueError``, ``TypeError``, ``LookupError`` for damaged data)."""
    data, places = marshal.loads(raw)
    if type(places) is not tuple:
        raise TypeError("no places")
    found: dict[str, Any] = {}
    for path, name, member in places:
        if type(name) is not str or type(path) is not tuple or not path:
            raise TypeError(f"a damaged place {path!r}")
        value = found.get(name, found)
        if value is found:
            value = found[name] = _resolve(name)
        if member is not None:
            value = value[member]
        target = data
        for step in path[:-1]:
            target = target[step]
        if type(target) not in (dict, list):
            raise TypeError(f"no place at {path!r}")
        target[path[-1]] = value
    return data


# -- the validators -----------------------------------------------------------------------
def _core_config(cls: type[BaseModel]) -> dict[str, Any]:
    from pydantic._internal._config import ConfigWrapper

    return dict(ConfigWrapper(cls.model_config, check=False).core_config(title=cls.__name__))


def _read(path: Path, key: str) -> Any:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        data = decode(raw)
        if data["key"] != key:
            return None
        # Never a nested class's own validator (pydantic-core's "prebuilt" reuse): the
        # cached schema alone decides, whatever was built before in this process.
        return SchemaValidator(data["schema"], data["config"], _use_prebuilt=False)
    except Exception as exc:  # any doubt: pydantic's own build
        _log.debug("schema cache %s not used: %s", path, exc)
        return None


def _write(path: Path, key: str, cls: type[BaseModel]) -> None:
    try:
        raw = encode(
            {"key": key, "schema": cls.__pydantic_core_schema__, "config": _core_config(cls)}
        )
    except (Uncacheable, AttributeError, LookupError, ImportError) as exc:
        _log.debug("schema of %s not cached: %s", cls.__name__, exc)
        return
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(raw)
        os.replace(partial, path)
    except OSError as exc:
        _log.debug("schema cache %s not written: %s", path, exc)
        with contextlib.suppress(OSError):
            partial.unlink()
        return
    _prune(path, cls)


def _prune(written: Path, cls: type[BaseModel]) -> None:
    """Remove ``cls``'s older cache files beyond the newest :data:`KEEP_PER_MODEL`.

    Every change of a covered source (an upgrade) gives a new key and so a new file;
    without pruning the folder would keep one file per version ever run. A few stay, so
    two installed versions used in turn do not rebuild each other's validators. Files
    in the JSON form of the versions before wave 22 count among them (and so go too)."""
    pattern = f"{cls.__name__}-{'?' * 32}.*"
    try:
        files = [
            (p.stat().st_mtime, p)
            for p in written.parent.glob(pattern)
            if p != written and p.suffix in (SUFFIX, ".json")
        ]
    except OSError:
        return
    files.sort(reverse=True)
    for _, stale in files[KEEP_PER_MODEL - 1 :]:
        with contextlib.suppress(OSError):
            stale.unlink()


def validator(cls: type[BaseModel]) -> Any:
    """The validator of model ``cls`` (declared with ``defer_build``): from the cache
    when it holds ``cls``'s schema under the current key, else pydantic's own (built
    now if it was not, and its schema saved for the next process)."""
    known = _VALIDATORS.get(cls)
    if known is not None:
        return known
    if cls.__pydantic_complete__:  # built already (something used the class)
        return cls.__pydantic_validator__
    folder = cache_dir()
    found = None
    if folder is not None:
        try:
            key = cache_key(cls)
        except OSError:
            folder = None
        else:
            path = folder / f"{cls.__name__}-{key}{SUFFIX}"
            found = _read(path, key)
    if found is None:
        cls.model_rebuild()
        found = cls.__pydantic_validator__
        if folder is not None:
            _write(path, key, cls)
    _VALIDATORS[cls] = found
    return found
