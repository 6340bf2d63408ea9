"""DR Designer: design, check and simulate Exchange disaster recovery on VMware."""

from __future__ import annotations

from functools import cache

__all__ = ["version"]


@cache
def version() -> str:
    """The installed version, from the package metadata (``0+unknown`` without it)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("dr-designer")
    except PackageNotFoundError:
        return "0+unknown"
