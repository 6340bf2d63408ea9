"""The designer's modules a command imports, read from one file (``check``'s cold start,
wave 13).

Importing a module the usual way costs ~50 µs of import machinery besides running its
code: the path finder looks the name up among its folder's files and stats the file,
the loader stats the source, opens and reads its ``.pyc`` file and checks it against
the source. ``check`` of a small design imports ~80 of the designer's modules. While a
command runs, :func:`bundled_modules` puts a finder first on :data:`sys.meta_path` that
gives the designer's modules from one file, read once: each module's code as its loader
read it (the ``.pyc`` file's, :mod:`marshal`) with its source file's size and
modification time and its folder's modification time (nanoseconds).

A module is taken from the file only when its source file and its folder are exactly as
they were then (an ``os.stat`` of each; a folder once per command): the check a
``.pyc`` file gets, stricter — a file added to the folder since (one that could shadow
the module, an extension module) changes the folder's time. Its spec is the one the
path finder makes (the same origin, ``__file__``, ``__cached__``, package path) and its
loader a :class:`~importlib.machinery.SourceFileLoader` whose ``get_code`` gives the
bundled code (the source, the resources and ``-OO``'s docstrings read as before).
Anything else goes to the usual machinery: a module not in the file, changed, or in a
changed folder.

When the command ends, what it imported the usual way is added (its loader's
``get_code``: its ``.pyc`` file or a compile, for a source unchanged meanwhile) and the
file is rewritten atomically; nothing is written when nothing was added. The file is
per Python build, optimisation level and installation (the package's folder); any doubt
— no cache folder, an unreadable, foreign or damaged file, another interpreter —
imports as before. The folder is :func:`designer.cachedir.cache_dir`
(``$DR_DESIGNER_CACHE_DIR``, empty: no cache), beside :mod:`designer.codecache`'s.
"""

from __future__ import annotations

import _imp
import contextlib
import marshal
import os
import sys
from collections.abc import Iterator
from importlib.machinery import ModuleSpec, SourceFileLoader
from pathlib import Path
from types import CodeType

from designer.cachedir import cache_dir

__all__ = ["ModuleBundle", "bundle_file", "bundled_modules"]

#: More modules than this in a file means something is wrong: start over.
MAX_MODULES = 2_000

#: (source file, is a package, its st_mtime_ns, its st_size, its folder's st_mtime_ns,
#: its cached (``.pyc``) file's name, the module's code marshalled).
Entry = tuple[str, bool, int, int, int, str | None, bytes]


def bundle_file(folder: Path, scope: str) -> Path:
    """The file of this Python build's modules of ``scope`` (a command) in ``folder``."""
    return folder / f"modules.{scope}.{sys.implementation.cache_tag}.marshal"


class BundledLoader(SourceFileLoader):
    """The source file loader of a module, its code given from the bundle (once: a
    reload reads the files as usual); code that does not unmarshal to code is read as
    usual and the module's name put in ``missed`` (bundled again)."""

    def __init__(self, fullname: str, path: str, code: bytes | None, missed: list[str]) -> None:
        super().__init__(fullname, path)
        self.code = code
        self.missed = missed

    def get_code(self, fullname: str) -> CodeType | None:
        code, self.code = self.code, None
        if code is not None and fullname == self.name:
            with contextlib.suppress(ValueError, EOFError, TypeError):
                found = marshal.loads(code)
                if type(found) is CodeType:
                    _imp._fix_co_filename(found, self.path)  # type: ignore[attr-defined]
                    return found
            self.missed.append(fullname)
        return super().get_code(fullname)


class ModuleBundle:
    """The finder of the modules of ``package`` (the designer) in the file ``path``, for
    the package whose folder is ``root``; it remembers what it did not find (added by
    :meth:`save`)."""

    def __init__(self, path: Path, root: str, package: str = "designer") -> None:
        self.path = path
        self.root = root
        self.prefix = f"{package}."
        self.entries: dict[str, Entry] | None = None  # read at the first import
        self.folders: dict[str, bool] = {}  # folder -> unchanged since it was bundled
        self.missed: list[str] = []  # the designer's modules imported the usual way
        self.given = 0  # modules given from the file

    def _load(self) -> dict[str, Entry]:
        entries: dict[str, Entry] = {}
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            data = None
        if (
            type(data) is tuple
            and len(data) == 2
            and data[0] == _build(self.root)
            and type(data[1]) is dict
            and len(data[1]) <= MAX_MODULES
        ):
            entries = data[1]  # an entry is checked when used (find_spec)
        self.entries = entries
        return entries

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        """The spec of a designer module from the file, or None (the usual finders)."""
        if not name.startswith(self.prefix):
            return None
        entries = self.entries if self.entries is not None else self._load()
        entry = entries.get(name)
        if type(entry) is tuple and len(entry) == 7:
            origin, package, mtime, size, folder_mtime, cached, code = entry
            try:
                folder = os.path.dirname(origin)
                same = self.folders.get(folder)
                if same is None:
                    same = self.folders[folder] = os.stat(folder).st_mtime_ns == folder_mtime
                if same:
                    st = os.stat(origin)
                    same = st.st_mtime_ns == mtime and st.st_size == size
            except (OSError, TypeError, ValueError):  # a damaged entry: as a changed file
                same = False
            if same:
                spec = ModuleSpec(
                    name, BundledLoader(name, origin, code, self.missed), origin=origin
                )
                spec.has_location = True  # __file__ and __cached__, as the path finder's
                spec.cached = cached  # cache_from_source(origin), computed when saved
                if package:
                    spec.submodule_search_locations = [folder]
                self.given += 1
                return spec
        self.missed.append(name)
        return None

    def save(self) -> None:
        """Add the designer's modules imported the usual way to the file and rewrite it
        (atomically; nothing is written when nothing was added; a folder that cannot be
        written means no file)."""
        if not self.missed or self.entries is None:
            return
        entries = dict(self.entries)
        added = 0
        for name in dict.fromkeys(self.missed):
            entry = _entry(name, self.root)
            if entry is not None and entries.get(name) != entry:
                entries[name] = entry
                added += 1
        if not added:
            return
        if len(entries) > MAX_MODULES:
            entries = {}
        data = (_build(self.root), entries)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(marshal.dumps(data))
            os.replace(partial, self.path)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                partial.unlink()


def _build(root: str) -> tuple[str, int, str | None, str]:
    """What a file's code and cached file names hold for: the Python build, its
    optimisation level and ``.pyc`` folder prefix, and the package's folder."""
    return (sys.version, sys.flags.optimize, sys.pycache_prefix, root)


def _entry(name: str, root: str) -> Entry | None:
    """The entry of the module ``name`` as it is imported now: its source file's and
    folder's times and size around its loader's code (None: not a source file of the
    package, or a file changed meanwhile)."""
    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None)
    loader = getattr(spec, "loader", None)
    origin = getattr(spec, "origin", None)
    if (
        spec is None
        or type(loader) not in (SourceFileLoader, BundledLoader)
        or not isinstance(origin, str)
        or not spec.has_location
        or not origin.startswith(root + os.sep)
    ):
        return None
    from importlib.util import cache_from_source  # (not at every start: ~0.3 ms)

    folder = os.path.dirname(origin)
    try:
        before = os.stat(origin)
        folder_mtime = os.stat(folder).st_mtime_ns
        code = SourceFileLoader(name, origin).get_code(name)
        after = os.stat(origin)
    except (OSError, ImportError, SyntaxError, ValueError):
        return None
    if (before.st_mtime_ns, before.st_size) != (after.st_mtime_ns, after.st_size):
        return None
    return (
        origin,
        spec.submodule_search_locations is not None,
        after.st_mtime_ns,
        after.st_size,
        folder_mtime,
        cache_from_source(origin),
        marshal.dumps(code),
    )


@contextlib.contextmanager
def bundled_modules(
    scope: str, folder: Path | None = None, package: str = "designer"
) -> Iterator[ModuleBundle | None]:
    """Within the block, the modules of ``package`` (imported already: the designer)
    imported come from the bundle of ``scope`` (a word: letters, digits, ``-``, ``_``)
    in ``folder`` (default :func:`~designer.cachedir.cache_dir`) when their files are
    as bundled; at its end the finder is removed and what was imported the usual way is
    saved. Yields the bundle (None: no cache, nothing changed)."""
    folder = folder if folder is not None else cache_dir()
    locations = list(getattr(sys.modules.get(package), "__path__", None) or ())
    if (
        folder is None
        or sys.implementation.name != "cpython"
        or len(locations) != 1
        or not scope.replace("-", "").replace("_", "").isalnum()
    ):
        yield None  # no cache, another interpreter, or a package spread over folders
        return
    bundle = ModuleBundle(bundle_file(folder, scope), os.path.abspath(locations[0]), package)
    sys.meta_path.insert(0, bundle)
    try:
        yield bundle
    finally:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(bundle)
        bundle.save()
