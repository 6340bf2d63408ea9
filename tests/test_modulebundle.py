"""The designer's modules of a command read from one file (designer.modulebundle): a
module given from the bundle is the module the usual import gives (its file, cached
file, package path, loader, code, source); a module whose file or folder changed since
it was bundled, or a damaged, foreign or unwritable bundle, imports as before; what was
imported the usual way is added at the end; ``check`` reads its modules from it and
prints what it printed without it."""

from __future__ import annotations

import importlib
import inspect
import marshal
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.machinery import SourceFileLoader
from pathlib import Path
from typing import Any

import pytest

from designer import modulebundle
from designer.modulebundle import ModuleBundle, bundle_file, bundled_modules

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
MODULES = ("a", "sub", "sub.b")
_made = 0


@pytest.fixture()
def package(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A package of its own (a new name each time) in ``tmp_path/src``: ``a``, ``sub``
    and ``sub.b``, the package imported (as the designer is when a command starts)."""
    global _made
    _made += 1
    name = f"bundleprobe{_made}"
    top = tmp_path / "src" / name
    (top / "sub").mkdir(parents=True)
    (top / "__init__.py").write_text('"""A probe package."""\n')
    (top / "a.py").write_text('"""Module a."""\n\nVALUE = 1\n\n\ndef twice(x):\n    return 2 * x\n')
    (top / "sub" / "__init__.py").write_text("from . import b\n")
    (top / "sub" / "b.py").write_text("from .. import a\n\nVALUE = a.VALUE + 1\n")
    sys.path.insert(0, str(tmp_path / "src"))
    importlib.invalidate_caches()
    importlib.import_module(name)
    try:
        yield name, top
    finally:
        sys.path.remove(str(tmp_path / "src"))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def _forget(name: str) -> None:
    """The package's modules (not the package) out of sys.modules: imported again next."""
    for module in [m for m in sys.modules if m.startswith(f"{name}.")]:
        del sys.modules[module]


def _import_all(name: str, folder: Path) -> tuple[ModuleBundle, dict[str, Any]]:
    _forget(name)
    with bundled_modules("test", folder, name) as bundle:
        modules = {m: importlib.import_module(f"{name}.{m}") for m in MODULES}
    assert bundle is not None
    return bundle, modules


def _looks(module: Any) -> tuple[object, ...]:
    spec = module.__spec__
    return (
        module.__file__,
        module.__cached__,
        getattr(module, "__path__", None),
        module.__package__,
        spec.origin,
        spec.cached,
        spec.submodule_search_locations,
        spec.parent,
        spec.has_location,
        module.__loader__.path,
        isinstance(module.__loader__, SourceFileLoader),
        module.VALUE if hasattr(module, "VALUE") else None,
        inspect.getsource(module),
    )


def test_a_bundled_module_is_the_module_the_usual_import_gives(
    package: tuple[str, Path], tmp_path: Path
) -> None:
    name, _ = package
    folder = tmp_path / "cache"
    first, usual = _import_all(name, folder)  # nothing bundled yet: the usual import
    assert first.given == 0 and bundle_file(folder, "test").exists()
    second, bundled = _import_all(name, folder)
    assert second.given == len(MODULES) and second.missed == []
    for m in MODULES:
        assert _looks(bundled[m]) == _looks(usual[m]), m
        assert type(bundled[m].__loader__).__name__ == "BundledLoader"
    assert bundled["a"].twice(21) == 42
    assert bundled["a"].twice.__code__.co_code == usual["a"].twice.__code__.co_code
    assert bundled["a"].twice.__code__.co_filename == usual["a"].__file__
    assert bundled["sub.b"].VALUE == 2
    assert sys.meta_path.count(second) == 0  # the finder is gone after the block


def test_nothing_is_written_when_nothing_was_added(
    package: tuple[str, Path], tmp_path: Path
) -> None:
    name, _ = package
    folder = tmp_path / "cache"
    _import_all(name, folder)
    written = bundle_file(folder, "test").read_bytes()
    bundle_file(folder, "test").chmod(0o444)
    os.utime(bundle_file(folder, "test"), ns=(1, 1))
    _import_all(name, folder)
    assert bundle_file(folder, "test").stat().st_mtime_ns == 1  # not rewritten
    assert bundle_file(folder, "test").read_bytes() == written


def test_a_changed_file_or_folder_imports_as_usual_and_is_bundled_again(
    package: tuple[str, Path], tmp_path: Path
) -> None:
    name, top = package
    folder = tmp_path / "cache"
    _import_all(name, folder)
    # A changed source (written in place: the folder's time is as it was).
    (top / "a.py").write_text(
        '"""Module a."""\n\nVALUE = 10\n\n\ndef twice(x):\n    return 2 * x\n'
    )
    importlib.invalidate_caches()
    bundle, modules = _import_all(name, folder)
    assert bundle.missed == [f"{name}.a"] and bundle.given == len(MODULES) - 1
    assert modules["a"].VALUE == 10 and modules["sub.b"].VALUE == 11
    again, modules = _import_all(name, folder)  # the new code was bundled
    assert again.given == len(MODULES) and modules["a"].VALUE == 10
    # A file added to a folder (one that could shadow a module) changes the folder's
    # time: nothing of that folder comes from the bundle.
    (top / "sub" / "c.py").write_text("")
    importlib.invalidate_caches()
    shadowed, modules = _import_all(name, folder)
    assert sorted(shadowed.missed) == [f"{name}.sub", f"{name}.sub.b"]
    assert shadowed.given == 1 and modules["sub.b"].VALUE == 11


def test_a_source_changed_in_place_with_the_same_size_is_seen(
    package: tuple[str, Path], tmp_path: Path
) -> None:
    name, top = package
    folder = tmp_path / "cache"
    _import_all(name, folder)
    source = top / "a.py"
    before = source.stat()
    source.write_text(source.read_text().replace("VALUE = 1", "VALUE = 7"))
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    importlib.invalidate_caches()
    bundle, modules = _import_all(name, folder)
    assert f"{name}.a" in bundle.missed and modules["a"].VALUE == 7


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        marshal.dumps((("Python 0.1", 0, None, "/elsewhere"), {})),
        marshal.dumps(["a list"]),
        "damaged entries",
        "code that is not code",
    ],
    ids=["empty", "garbage", "foreign", "not-a-tuple", "bad-entries", "bad-code"],
)
def test_a_damaged_or_foreign_file_imports_as_before_and_is_rewritten(
    package: tuple[str, Path], tmp_path: Path, content: bytes | str
) -> None:
    name, _ = package
    folder = tmp_path / "cache"
    _, usual = _import_all(name, folder)
    path = bundle_file(folder, "test")
    header, entries = marshal.loads(path.read_bytes())
    if content == "damaged entries":
        first = f"{name}.a"
        entries = {
            **entries,
            first: ("too", "short"),
            f"{name}.sub": (1, 2, 3, 4, 5, 6, 7),
            f"{name}.sub.b": None,
        }
        content = marshal.dumps((header, entries))
    elif content == "code that is not code":
        entries = {m: (*entry[:6], marshal.dumps("not code")) for m, entry in entries.items()}
        content = marshal.dumps((header, entries))
    assert isinstance(content, bytes)
    path.write_bytes(content)
    bundle, modules = _import_all(name, folder)
    for m in MODULES:
        assert _looks(modules[m]) == _looks(usual[m])
        assert modules[m].__loader__.get_code(modules[m].__name__) is not None
    assert sorted(bundle.missed) == [f"{name}.{m}" for m in MODULES]  # imported as usual
    again, modules = _import_all(name, folder)
    assert again.given == len(MODULES) and again.missed == []  # rewritten, good entries
    assert modules["sub.b"].VALUE == 2


def test_no_folder_an_unwritable_folder_or_another_package_change_nothing(
    package: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, _ = package
    before = list(sys.meta_path)
    monkeypatch.setattr(modulebundle, "cache_dir", lambda: None)  # DR_DESIGNER_CACHE_DIR=""
    with bundled_modules("test", None, name) as bundle:
        pass
    with bundled_modules("../elsewhere", tmp_path, name) as other:
        pass
    with bundled_modules("test", tmp_path, "no_such_package_here") as missing:
        pass
    assert bundle is None and other is None and missing is None and sys.meta_path == before
    blocked = tmp_path / "file"
    blocked.write_text("")
    _forget(name)
    with bundled_modules("test", blocked / "cache", name) as unwritable:
        importlib.import_module(f"{name}.a")
    assert unwritable is not None and not (blocked / "cache").exists()


def test_check_reads_its_modules_from_the_bundle_and_prints_the_same(tmp_path: Path) -> None:
    """``check`` of the sample run three times: without a cache folder, then twice with
    one (the bundle written, then read: the designer's modules no longer read from
    their .pyc files); the same output, standard error and exit code each time."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DR_DESIGNER_LOG_DIR"] = str(tmp_path / "logs")
    runs = []
    for cache in ("", str(tmp_path / "cache"), str(tmp_path / "cache")):
        run = subprocess.run(
            [sys.executable, "-v", "-m", "designer", "check", str(SAMPLE)],
            capture_output=True,
            text=True,
            env={**env, "DR_DESIGNER_CACHE_DIR": cache},
            timeout=300,
        )
        read = [
            line
            for line in run.stderr.splitlines()
            if line.startswith("# code object from") and f"{os.sep}designer{os.sep}" in line
        ]
        errors = [line for line in run.stderr.splitlines() if not line.startswith(("#", "import "))]
        runs.append((run.returncode, run.stdout, errors, len(read)))
    assert runs[0][:3] == runs[1][:3] == runs[2][:3]
    assert runs[0][0] == 0 and runs[0][1].startswith("0 errors")
    assert runs[0][3] > 60  # the designer's modules from their .pyc files
    assert runs[2][3] < 15  # only those imported before the command's start
    assert bundle_file(tmp_path / "cache", "check").exists()
