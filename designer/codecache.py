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

And two more kinds of text compiled at every start (wave 23, ``cold23``): the ``__new__``
of each named tuple (:func:`collections.namedtuple` evaluates a ``lambda``'s text: ~30 in
a ``check``), given :mod:`collections` an ``eval`` as :mod:`typing` gets its
``compile``; and the ~30 one-line functions pydantic's dependency ``typing_inspection``
writes and runs with ``exec`` when :data:`TYPING_OBJECTS` is imported: that module's body
runs with this ``exec`` in its namespace (:class:`_TypingObjectsFinder`). It writes each
text with :func:`textwrap.dedent`; :func:`dedented` gives the dedented texts from the
cache too (kept under :data:`DEDENTED`, then the text given), so that while pydantic is
imported :mod:`designer.domain` can give a stand-in for :mod:`textwrap`, which compiles
half a dozen regular expressions at its import and which nothing else in a ``check``
uses (~10 M instructions together, ~1.7 % of ``check`` of a small design).
"""

from __future__ import annotations

import builtins
import contextlib
import marshal
import os
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from designer.cachedir import cache_dir

__all__ = ["CodeCache", "cache_file", "compiled_dataclasses", "save_compiled"]

#: More entries than this means something creates dataclasses without end: start over.
MAX_ENTRIES = 5_000
#: What a forward reference's expression is kept under, before its text: a NUL, which
#: no source text given to ``exec`` holds (compile refuses it), so an expression's key is
#: never a dataclass method's, and a designer of another version sharing the folder reads
#: and keeps these entries as its own (the file's form is the same as before wave 15).
EXPRESSION = "\0expression\0"
#: What a text :func:`textwrap.dedent` dedented is kept under, before the text given to
#: it; the entry is the dedented text, not code (a designer of an earlier version reading
#: the file leaves such entries out, as anything that is not code).
DEDENTED = "\0dedented\0"
#: The module whose generated functions and their texts come from the cache.
TYPING_OBJECTS = "typing_inspection.typing_objects"

_active: CodeCache | None = None  # the cache of the block under way (:func:`dedented`)


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
        self.codes: dict[str, CodeType | str] | None = None  # read on first use
        self.compiled = 0  # texts compiled by this process (saved at the end)

    def _load(self) -> dict[str, CodeType | str]:
        codes: dict[str, CodeType | str] = {}
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
                if type(text) is str
                and (type(code) is CodeType or (type(code) is str and text.startswith(DEDENTED)))
            }
        self.codes = codes
        return codes

    def code(self, text: str) -> CodeType:
        """The code ``exec(text, …)`` would compile (from the cache, or compiled now)."""
        codes = self.codes if self.codes is not None else self._load()
        code = codes.get(text)
        if type(code) is not CodeType:
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
        if type(code) is not CodeType:
            code = compile(text, "<string>", "eval", dont_inherit=True)
            codes[key] = code
            self.compiled += 1
        return code

    def dedent(self, text: str, dedent: Callable[[], Callable[[str], str]]) -> str:
        """:func:`textwrap.dedent` of ``text``: from the cache, or dedented now by
        ``dedent()``'s function (:mod:`textwrap`'s, imported then)."""
        codes = self.codes if self.codes is not None else self._load()
        key = DEDENTED + text
        done = codes.get(key)
        if type(done) is not str:
            done = dedent()(text)
            codes[key] = done
            self.compiled += 1
        return done

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

    def eval(self, source: Any, globals: Any = None, locals: Any = None, /) -> Any:
        """``eval`` for the :mod:`collections` module (a named tuple's ``__new__``): a
        text with a namespace evaluates the code typing's ``compile`` gives it (the
        builtin compiles the same way: ``<string>``, ``eval``, :mod:`collections` has no
        ``__future__`` flags); anything else goes to the builtin as it came."""
        if (
            type(source) is str
            and type(globals) is dict
            and locals is None
            and source[:1] not in (" ", "\t")  # the builtin strips them; compile does not
            and "\0" not in source
        ):
            return builtins.eval(self.expression(source), globals)
        if globals is None:  # the builtin would use the caller's namespaces
            caller = sys._getframe(1)
            namespace = caller.f_locals if locals is None else locals
            return builtins.eval(source, caller.f_globals, namespace)
        return builtins.eval(source, globals, locals)

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
    import collections

    cache = CodeCache(cache_file(folder, scope))
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    # typing's forward references and the named tuples' __new__ too, unless someone
    # else gave typing a compile or collections an eval.
    expressions = "compile" not in vars(typing)
    if expressions:
        typing.compile = cache.compile  # type: ignore[attr-defined]
    tuples = "eval" not in vars(collections)
    if tuples:
        collections.eval = cache.eval  # type: ignore[attr-defined]
    finder = None
    if TYPING_OBJECTS not in sys.modules:
        finder = _TypingObjectsFinder(cache)
        sys.meta_path.insert(0, finder)
    global _active
    before, _active = _active, cache
    try:
        yield cache
    finally:
        _active = before
        if vars(dataclasses).get("exec") == cache.exec:
            del dataclasses.exec  # type: ignore[attr-defined]
        if expressions and vars(typing).get("compile") == cache.compile:
            del typing.compile  # type: ignore[attr-defined]
        if tuples and vars(collections).get("eval") == cache.eval:
            del collections.eval  # type: ignore[attr-defined]
        if finder is not None:
            finder.leave()
        cache.save()


def save_compiled() -> None:
    """Save now what the block under way (:func:`compiled_dataclasses`) has compiled so
    far, if anything (nothing outside a block, nothing when every text came from the
    cache).

    For a command that does not end its block: the window (``gui``) ends its process
    with :func:`os._exit` once its session is over (``designer.ui.app.leave``), inside
    the block, whose end never came, so its cache was never written and every start of
    the window compiled its ~120 dataclass methods and named tuples again (~60 M
    instructions, ~15 ms of the window's imports; wave 24, ``open24a``). The window
    saves once its modules are imported and again at the process's exit."""
    if _active is not None:
        _active.save()


class _TypingObjectsFinder:
    """An import finder for :data:`TYPING_OBJECTS` alone (first on :data:`sys.meta_path`
    until that module is imported or the block ends): the module's own spec, found by
    the finders after it, with a loader that runs its body with the cache's ``exec`` and
    ``dedent`` (:class:`_GivingLoader`)."""

    def __init__(self, cache: CodeCache) -> None:
        self.cache = cache

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != TYPING_OBJECTS:
            return None
        for finder in list(sys.meta_path):
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(name, path, target)
            if spec is None:
                continue
            if hasattr(spec.loader, "exec_module"):
                spec.loader = _GivingLoader(spec.loader, self)
            return spec
        return None

    def leave(self) -> None:
        """Off :data:`sys.meta_path` (not while the import system walks it: a finder
        removed then would make it skip the next one)."""
        if self in sys.meta_path:
            sys.meta_path.remove(self)


class _GivingLoader:
    """Runs the module's body through its own loader (the module's ``__loader__`` and
    its spec's loader are that loader again before it starts) with the cache's ``exec``
    in its namespace, taken away after it."""

    def __init__(self, loader: Any, finder: _TypingObjectsFinder) -> None:
        self.loader = loader
        self.finder = finder

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.finder.leave()
        cache = self.finder.cache
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        namespace = vars(module)
        namespace["exec"] = cache.exec
        try:
            self.loader.exec_module(module)
        finally:
            if namespace.get("exec") == cache.exec:
                del namespace["exec"]


def dedented(text: str, dedent: Callable[[], Callable[[str], str]]) -> str:
    """:func:`textwrap.dedent` of ``text``: from the cache of the block under way (kept
    for the next process), or from ``dedent()``'s function (the one of :mod:`textwrap`:
    its import is what a cached text saves) when no block is under way."""
    cache = _active
    if cache is None:
        return dedent()(text)
    return cache.dedent(text, dedent)
