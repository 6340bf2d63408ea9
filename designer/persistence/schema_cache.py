"""The validators of the design file, kept across processes (issue 10, ``check``'s cold start).

Building a pydantic model's validator means generating its pydantic-core schema in
Python (``GenerateSchema``), for the design file ~3,700 schema nodes over ~40 models:
most of what a short command such as ``dr-designer check small.json`` paid over
importing pydantic. The domain's models are declared with ``defer_build`` (nothing is
built at import); the validator a load needs is made here from the core schema that a
previous process generated and saved, and only when there is none is it generated
(and saved for the next process).

What is saved is the core schema itself as JSON, never a pickle: the classes, enums
and functions it refers to are written as ``module:qualname`` names and read back by
looking them up again (only in the modules the key covers, and in a few builtins).
The schema's ``metadata`` (pydantic's JSON-Schema hooks, which pydantic-core never
reads) is left out. The same schema gives pydantic-core the same validator: the same
designs, the same errors (``tests/persistence/test_schema_cache.py``).

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
import json
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


def encode(value: Any) -> Any:
    """``value`` (a core schema or a part of it) as JSON data, without its metadata."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is tuple:
        return {"$tuple": [encode(item) for item in value]}
    if kind is dict:
        if any(type(key) is not str or key.startswith("$") for key in value):
            raise Uncacheable(f"a dict with keys {list(value)!r}")
        return {key: encode(item) for key, item in value.items() if not _is_metadata(key, item)}
    if isinstance(value, Enum):
        return {"$member": _name_of(type(value)), "name": value.name}
    if isinstance(value, (type, FunctionType)):
        return {"$object": _name_of(value)}
    raise Uncacheable(f"{value!r} ({kind.__name__})")


def decode(text: str) -> Any:
    """What :func:`encode` wrote (as JSON text), with its names looked up again (each
    name once: a design file's schema names ~40 objects ~350 times)."""
    found: dict[str, Any] = {}

    def look_up(name: str) -> Any:
        value = found.get(name, found)
        if value is found:
            value = found[name] = _resolve(name)
        return value

    def decode_object(data: dict[str, Any]) -> Any:
        if "$tuple" in data:
            return tuple(data["$tuple"])
        if "$object" in data:
            return look_up(data["$object"])
        if "$member" in data:
            return look_up(data["$member"])[data["name"]]
        return data

    return json.loads(text, object_hook=decode_object)


# -- the validators -----------------------------------------------------------------------
def _core_config(cls: type[BaseModel]) -> dict[str, Any]:
    from pydantic._internal._config import ConfigWrapper

    return dict(ConfigWrapper(cls.model_config, check=False).core_config(title=cls.__name__))


def _read(path: Path, key: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        data = decode(text)
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
        text = json.dumps(
            {
                "key": key,
                "schema": encode(cls.__pydantic_core_schema__),
                "config": encode(_core_config(cls)),
            },
            separators=(",", ":"),
        )
    except (Uncacheable, AttributeError, LookupError, ImportError) as exc:
        _log.debug("schema of %s not cached: %s", cls.__name__, exc)
        return
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
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
    two installed versions used in turn do not rebuild each other's validators."""
    pattern = f"{cls.__name__}-{'?' * 32}.json"
    try:
        files = [(p.stat().st_mtime, p) for p in written.parent.glob(pattern) if p != written]
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
            path = folder / f"{cls.__name__}-{key}.json"
            found = _read(path, key)
    if found is None:
        cls.model_rebuild()
        found = cls.__pydantic_validator__
        if folder is not None:
            _write(path, key, cls)
    _VALIDATORS[cls] = found
    return found
