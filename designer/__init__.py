"""DR Designer: design, check and simulate Exchange disaster recovery on VMware."""

from __future__ import annotations

from functools import cache

__all__ = ["version"]


@cache
def version() -> str:
    """The installed version, from the package metadata (``0+unknown`` without it).

    Installed from a wheel, the metadata sits beside the package
    (``dr_designer-VERSION.dist-info``) and is read directly: importing
    :mod:`importlib.metadata` (with :mod:`email`, :mod:`zipfile`, :mod:`csv`) cost a
    short command such as ``check`` a tenth of its start-up (issue 10). Run from a
    checkout (an editable install too), the package sits beside the checkout's
    ``pyproject.toml``, whose ``[project]`` table names the version the metadata is
    made from: read directly as well (importlib.metadata was ~48 M instructions of the
    window's construction at a checkout's opening, wave 22). Anything else (two
    versions side by side, a version the table does not state plainly) asks
    :mod:`importlib.metadata` as before."""
    found = _beside_the_package()
    if found is None:
        found = _in_the_checkout()
    if found is not None:
        return found
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("dr-designer")
    except PackageNotFoundError:
        return "0+unknown"


def _beside_the_package(package_dir: str | None = None) -> str | None:
    """The ``Version`` of the one ``dr_designer-*.dist-info`` beside this package (or
    ``package_dir``) whose RECORD lists the package's ``__init__.py``, or None."""
    import os

    here = package_dir or os.path.dirname(os.path.abspath(__file__))
    site = os.path.dirname(here)
    try:
        infos = [
            n for n in os.listdir(site) if n.startswith("dr_designer-") and n.endswith(".dist-info")
        ]
    except OSError:
        return None
    if len(infos) != 1:
        return None
    info = os.path.join(site, infos[0])
    try:
        with open(os.path.join(info, "RECORD"), encoding="utf-8") as record:
            if not any(line.startswith("designer/__init__.py,") for line in record):
                return None
        with open(os.path.join(info, "METADATA"), encoding="utf-8") as metadata:
            for line in metadata:
                if not line.strip():
                    break
                name, _, value = line.partition(":")
                if name == "Version":
                    return value.strip() or None
    except OSError:
        return None
    return None


def _in_the_checkout(package_dir: str | None = None) -> str | None:
    """The ``version`` of the ``[project]`` table of the ``pyproject.toml`` beside this
    package (or ``package_dir``) when that table names ``dr-designer`` with both keys as
    plain one-line strings, else None. (Not :mod:`tomllib`: its import and patterns cost
    more than the lines read here.)"""
    import os

    here = package_dir or os.path.dirname(os.path.abspath(__file__))
    found: dict[str, str] = {}
    try:
        with open(os.path.join(os.path.dirname(here), "pyproject.toml"), encoding="utf-8") as f:
            table = ""
            for raw in f:
                line = raw.strip()
                if line.startswith("["):
                    table = line
                    continue
                if table != "[project]":
                    continue
                key, sep, value = line.partition("=")
                key, value = key.strip(), value.strip()
                if sep and key in ("name", "version"):
                    if len(value) < 2 or value[0] != '"' or value.find('"', 1) != len(value) - 1:
                        return None  # not a plain string: left to importlib.metadata
                    found[key] = value[1:-1]
    except (OSError, UnicodeDecodeError):
        return None
    if found.get("name") != "dr-designer" or not found.get("version"):
        return None
    return found["version"]
