"""The folder of DR Designer's caches kept across processes (the design file's
validators, :mod:`designer.persistence.schema_cache`; the dataclasses' compiled
methods, :mod:`designer.codecache`). Imports nothing of the designer nor pydantic, so
the command line can ask for it before it imports either."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir"]

CACHE_DIR_ENV = "DR_DESIGNER_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder of the caches (None: no cache). ``$DR_DESIGNER_CACHE_DIR`` sets it
    (empty: no cache); by default it is the platform's cache folder for DR Designer."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override is not None:
        return Path(override) if override else None
    if sys.platform.startswith("linux"):  # platformdirs' answer, without importing it
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg or os.path.expanduser("~/.cache")) / "dr-designer"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dr-designer", appauthor=False))
