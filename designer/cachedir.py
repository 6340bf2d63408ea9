"""The folders of DR Designer's caches kept across processes (the design file's
validators, :mod:`designer.persistence.schema_cache`; the dataclasses' compiled
methods, :mod:`designer.codecache`) and of its log (:mod:`designer.diagnostics`).
Imports nothing of the designer nor pydantic, so the command line can ask for them
before it imports either; on Linux not even platformdirs (with ``tempfile``,
``shutil``, ``bz2`` and ``lzma``: ~11 M instructions, ~1 % of ``check`` of a small
design): :func:`xdg_folder` gives platformdirs' answer there
(``tests/cli/test_folders.py`` compares them)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir", "xdg_folder"]

CACHE_DIR_ENV = "DR_DESIGNER_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder of the caches (None: no cache). ``$DR_DESIGNER_CACHE_DIR`` sets it
    (empty: no cache); by default it is the platform's cache folder for DR Designer."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override is not None:
        return Path(override) if override else None
    folder = xdg_folder("XDG_CACHE_HOME", "~/.cache")
    if folder is not None:
        return folder / "dr-designer"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dr-designer", appauthor=False))


def xdg_folder(variable: str, default: str) -> Path | None:
    """On Linux, the user's folder ``$variable`` (when it is an absolute path, else
    ``default`` in the home folder), as platformdirs finds it; None elsewhere, or when
    the home folder is not an absolute ``$HOME`` (platformdirs then asks the password
    database): ask platformdirs."""
    if not sys.platform.startswith("linux"):
        return None
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value)
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home):
        return None
    return Path(home.rstrip("/") + default.removeprefix("~"))
