"""Data that ships inside the package: the rule catalog, icons, desktop files and the
sample designs, read with :mod:`importlib.resources`.

The repository keeps them at its top level (``resources/``, ``sample_designs/``);
``setup.py`` installs them as the packages ``designer.resources`` and
``designer.sample_designs``, so a checkout's editable install, a wheel, pipx and an
sdist build all find them the same way. Nothing here computes a path from
``__file__``: a package installed as files (its import loader a file loader, as pip
installs it) is the folder its loader reads it from — the ``Path`` that
``importlib.resources.files`` gives for it, without importing :mod:`importlib.resources`
(with ``tempfile`` and ``shutil``: ~20 M instructions, ~2 % of ``check`` of a small
design); anything else (a zipped install) asks :mod:`importlib.resources`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "DEFAULT_SAMPLE",
    "MissingDataError",
    "file_path",
    "read_bytes",
    "resource",
    "sample",
    "sample_names",
    "samples_folder",
]

#: The sample the designer opens when started without a file.
DEFAULT_SAMPLE = "three_site_stretched_dag"
_RESOURCES = "designer.resources"
_SAMPLES = "designer.sample_designs"


class MissingDataError(Exception):
    """A data file of the installation is missing: the install is broken, not the input
    (the command line reports it as an internal error, exit code 3)."""

    def __init__(
        self, what: str, name: str, problem: str = "is missing from its installation"
    ) -> None:
        super().__init__(f"DR Designer's {what} {problem} ({name}); reinstall dr-designer")
        self.name = name


def files(package: str) -> Traversable:
    """``importlib.resources.files(package)``: for a package installed as files, the
    folder its loader reads it from (what that function returns for it)."""
    spec = importlib.import_module(package).__spec__
    if spec is not None and isinstance(spec.loader, (SourceFileLoader, SourcelessFileLoader)):
        return Path(spec.loader.path).parent
    from importlib.resources import files as resource_files

    return resource_files(package)


def resource(*parts: str) -> Traversable:
    """``resources/<parts…>`` (e.g. ``resource("catalog", "timings.json")``)."""
    node: Traversable = files(_RESOURCES)
    for part in parts:
        node = node / part
    return node


def read_bytes(what: str, *parts: str) -> bytes:
    """The bytes of ``resources/<parts…>``; :class:`MissingDataError` names ``what``."""
    try:
        return resource(*parts).read_bytes()
    except (FileNotFoundError, NotADirectoryError, ModuleNotFoundError):
        raise MissingDataError(what, "/".join(("designer", "resources", *parts))) from None


def sample_names() -> list[str]:
    """The bundled sample designs, by file stem, sorted."""
    return sorted(
        entry.name.removesuffix(".json")
        for entry in files(_SAMPLES).iterdir()
        if entry.name.endswith(".json")
    )


def samples_folder() -> Path | None:
    """The folder of the bundled sample designs when installed as files (a checkout's
    ``sample_designs/``), else None (a zipped install: no folder a user saves into)."""
    folder = files(_SAMPLES)
    return folder if isinstance(folder, Path) else None


def sample(name: str = DEFAULT_SAMPLE) -> Path:
    """The file of a bundled sample design (``name`` without ``.json``)."""
    path = file_path(files(_SAMPLES) / f"{name}.json")
    if not path.is_file():
        raise MissingDataError(f"sample design {name!r}", f"designer/sample_designs/{name}.json")
    return path


_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)
_copies: dict[str, Path] = {}


def file_path(node: Traversable) -> Path:
    """A real file for ``node`` (Qt and ``open()`` need one): the file itself when the
    package is installed as files, as it is by pip; else a temporary copy that lasts
    until the process exits (a zipped install)."""
    if isinstance(node, Path):
        return node
    key = str(node)
    if key not in _copies:
        from importlib.resources import as_file

        _copies[key] = _extracted.enter_context(as_file(node))
    return _copies[key]
