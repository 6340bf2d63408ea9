"""Packaging details pyproject.toml cannot express: the data folders at the top of the
repository ship inside the ``designer`` package.

``resources/`` (rule catalog, icons, desktop files) installs as ``designer.resources``,
the ``*.json`` of ``sample_designs/`` as ``designer.sample_designs`` and the reference
pages of ``docs/`` (rule catalogue, file format, schema) as ``designer.docs``; the code reads
them with :mod:`importlib.resources` (``designer/bundled.py``), in a checkout, an
editable install, a wheel or an sdist alike. Only their data ships: the sample builder
scripts in ``sample_designs/`` stay in the repository.
"""

from __future__ import annotations

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

#: Installed package → folder of the repository.
DATA_PACKAGES = {
    "designer.resources": "resources",
    "designer.sample_designs": "sample_designs",
    "designer.docs": "docs",
}


class BuildPy(build_py):
    """build_py that ships no modules of the data packages (only their __init__)."""

    def find_package_modules(self, package: str, package_dir: str) -> list[tuple[str, str, str]]:
        modules = super().find_package_modules(package, package_dir)
        if package in DATA_PACKAGES:
            return [m for m in modules if m[1] == "__init__"]
        return modules


setup(
    packages=[*find_packages(include=["designer", "designer.*"]), *DATA_PACKAGES],
    package_dir=DATA_PACKAGES,
    package_data={
        "designer": ["py.typed"],
        "designer.resources": ["catalog/*.json", "icons/*.svg", "desktop/*"],
        "designer.sample_designs": ["*.json"],
        "designer.docs": ["rules.md", "file-format.md", "design-file.schema.json"],
    },
    cmdclass={"build_py": BuildPy},
)
