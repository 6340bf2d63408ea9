"""The dataclasses' compiled methods, kept across processes (``check``'s cold start, wave 8).

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``
and (frozen) ``__setattr__``/``__delattr__`` as Python source and compiles each with
``exec``: ~1 ms a class, and a short command creates ~110 dataclasses (the simulator's,
capacity's, the kind table's, the rules', pydantic's and annotated_types' own) — about a
fifth of ``dr-designer check`` of a small design. While a command runs,
:func:`compiled_dataclasses` gives the :mod:`dataclasses` module an ``exec`` that keeps
the code each source text compiles to: the first process compiles it as before and
saves the code objects when the command ends (:mod:`marshal`, the format of ``.pyc``
files); later processes run the saved code instead of compiling the text again.

An entry's key is the whole source text, and it is compiled exactly as ``exec`` would
have compiled it (no inherited ``__future__`` flags, file name ``<string>``), so an
entry gives the same code as compiling: the same classes (``tests/test_codecache.py``).
The file is per Python build (:data:`sys.version` inside it, the cache tag in its name:
bytecode and the marshal format change between versions). Any doubt — no cache folder,
an unreadable, foreign or damaged file, anything but a text given to ``exec`` with a
namespace — compiles as before; a file that cannot be written is simply not written.
The folder is :func:`designer.cachedir.cache_dir` (``$DR_DESIGNER_CACHE_DIR``, empty:
no cache). Only CPython: other interpreters' code objects do not marshal like this.

The same file keeps the code of :mod:`typing`'s forward references (wave 15): a
``typing.ForwardRef`` compiles its text as an expression when it is made, ~10 µs each,
and a short command makes ~780 (pydantic-core's typed dicts and the named tuples of
modules with ``from __future__ import annotations``: ~6 % of ``check``'s instructions).
While the block runs :mod:`typing` gets a ``compile`` that gives the code of such a text
from the cache (compiled exactly as typing's own call does: ``<string>``, ``eval``, no
``__future__`` flags: typing has none to inherit); any other call goes to the builtin.
"""

from __future__ import annotations

import builtins
import contextlib
import marshal
import os
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

from designer.cachedir import cache_dir

__all__ = ["CodeCache", "cache_file", "compiled_dataclasses"]

#: More entries than this means something creates dataclasses without end: start over.
MAX_ENTRIES = 5_000
#: What a forward reference's expression is kept under, before its text: a NUL, which
#: no source text given to ``exec`` holds (compile refuses it), so an expression's key is
#: never a dataclass method's, and a designer of another version sharing the folder reads
#: and keeps these entries as its own (the file's form is the same as before wave 15).
EXPRESSION = "\0expression\0"


def cache_file(folder: Path, scope: str) -> Path:
    """The file of this Python build's compiled methods for ``scope`` (a command: each
    reads only the dataclasses it creates, not the window's) in ``folder``."""
    return folder / f"dataclass-code.{scope}.{sys.implementation.cache_tag}.marshal"


class CodeCache:
    """Source text → compiled code, read from and saved to ``path``: the texts
    :mod:`dataclasses` executes, and the expressions :mod:`typing` compiles, under
    their text after :data:`EXPRESSION` (no text given to ``exec`` holds a NUL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.codes: dict[str, CodeType] | None = None  # read on first use
        self.compiled = 0  # texts compiled by this process (saved at the end)

    def _load(self) -> dict[str, CodeType]:
        codes: dict[str, CodeType] = {}
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            data = None
        if (
            isinstance(data, tuple)
            and len(data) == 2
            and data[0] == sys.version
            and isinstance(data[1], dict)
            and len(data[1]) <= MAX_ENTRIES
        ):
            codes = {
                text: code
                for text, code in data[1].items()
                if type(text) is str and type(code) is CodeType
            }
        self.codes = codes
        return codes

    def code(self, text: str) -> CodeType:
        """The code ``exec(text, …)`` would compile (from the cache, or compiled now)."""
        codes = self.codes if self.codes is not None else self._load()
        code = codes.get(text)
        if code is None:
            code = compile(text, "<string>", "exec", dont_inherit=True)
            codes[text] = code
            self.compiled += 1
        return code

    def expression(self, text: str) -> CodeType:
        """The code ``compile(text, "<string>", "eval")`` gives in a module without
        ``__future__`` imports (from the cache, or compiled now)."""
        codes = self.codes if self.codes is not None else self._load()
        key = EXPRESSION + text
        code = codes.get(key)
        if code is None:
            code = compile(text, "<string>", "eval", dont_inherit=True)
            codes[key] = code
            self.compiled += 1
        return code

    def compile(self, source: Any, filename: Any, mode: Any, *args: Any, **kw: Any) -> Any:
        """``compile`` for the :mod:`typing` module: an expression's text compiled as
        a forward reference compiles it (``<string>``, ``eval``, nothing else given)
        comes from the cache; any other call goes to the builtin as it came (typing's
        code has no ``__future__`` flags for the builtin to inherit)."""
        if (
            type(source) is str
            and filename == "<string>"
            and mode == "eval"
            and not args
            and not kw
        ):
            return self.expression(source)
        return builtins.compile(source, filename, mode, *args, **kw)

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **kw: Any) -> None:
        """``exec`` for the :mod:`dataclasses` module: a text with a namespace runs its
        cached code; anything else goes to the builtin as it came."""
        if type(source) is str and type(globals) is dict and not kw and "\0" not in source[:1]:
            builtins.exec(self.code(source), globals, locals)
        elif globals is None:  # the builtin would use the caller's namespaces
            caller = sys._getframe(1)
            namespace = caller.f_locals if locals is None else locals
            builtins.exec(source, caller.f_globals, namespace, **kw)
        else:
            builtins.exec(source, globals, locals, **kw)

    def save(self) -> None:
        """Write the cache if this process compiled anything (atomically; a folder that
        cannot be written means no cache, and so does a cache grown past its limit)."""
        if not self.compiled or self.codes is None:
            return
        codes = self.codes if len(self.codes) <= MAX_ENTRIES else {}
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(marshal.dumps((sys.version, codes)))
            os.replace(partial, self.path)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                partial.unlink()
        self.compiled = 0


@contextlib.contextmanager
def compiled_dataclasses(scope: str, folder: Path | None = None) -> Iterator[CodeCache | None]:
    """Within the block, the dataclasses created take their compiled methods from the
    cache of ``scope`` (a word: letters, digits, ``-``, ``_``) in ``folder`` (default
    :func:`~designer.cachedir.cache_dir`); at its end the
    :mod:`dataclasses` module is as before and what was compiled is saved. Yields the
    cache (None: no cache, nothing changed)."""
    folder = folder if folder is not None else cache_dir()
    import dataclasses

    if (
        folder is None
        or sys.implementation.name != "cpython"
        or "exec" in vars(dataclasses)
        or not scope.replace("-", "").replace("_", "").isalnum()
    ):
        yield None  # no cache, another interpreter, or someone else's exec: leave it
        return
    cache = CodeCache(cache_file(folder, scope))
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    # typing's forward references too, unless someone else gave typing a compile.
    expressions = "compile" not in vars(typing)
    if expressions:
        typing.compile = cache.compile  # type: ignore[attr-defined]
    try:
        yield cache
    finally:
        if vars(dataclasses).get("exec") == cache.exec:
            del dataclasses.exec  # type: ignore[attr-defined]
        if expressions and vars(typing).get("compile") == cache.compile:
            del typing.compile  # type: ignore[attr-defined]
        cache.save()
