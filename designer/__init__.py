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
    short command such as ``check`` a tenth of its start-up (issue 10). Anything else
    (an editable install, a checkout, two versions side by side) asks
    :mod:`importlib.metadata` as before."""
    found = _beside_the_package()
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
