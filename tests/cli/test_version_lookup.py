"""``designer.version()`` reads an installed wheel's metadata beside the package without
importing importlib.metadata, and asks importlib.metadata whenever that is not certain."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version as installed
from pathlib import Path

import designer
from designer import _beside_the_package, _in_the_checkout


def _site(tmp_path: Path, infos: dict[str, tuple[str, str]]) -> str:
    package = tmp_path / "designer"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, (metadata, record) in infos.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "METADATA").write_text(metadata)
        (tmp_path / name / "RECORD").write_text(record)
    return str(package)


METADATA = "Metadata-Version: 2.1\nName: dr-designer\nVersion: 9.8.7\n\nVersion: 1.0 (the text)\n"
RECORD = "designer/__init__.py,sha256=x,0\ndesigner/entry.py,sha256=y,1\n"


def test_an_installed_wheels_version_is_read_beside_the_package(tmp_path: Path) -> None:
    package = _site(tmp_path, {"dr_designer-9.8.7.dist-info": (METADATA, RECORD)})
    assert _beside_the_package(package) == "9.8.7"


def test_anything_uncertain_is_left_to_importlib_metadata(tmp_path: Path) -> None:
    other = "otherpkg/__init__.py,sha256=x,0\n"
    cases = {
        "none": {},
        "not this package's": {"dr_designer-9.8.7.dist-info": (METADATA, other)},
        "two": {
            "dr_designer-9.8.7.dist-info": (METADATA, RECORD),
            "dr_designer-1.0.dist-info": (METADATA, RECORD),
        },
        "no version": {"dr_designer-9.8.7.dist-info": ("Name: dr-designer\n\n", RECORD)},
    }
    for name, infos in cases.items():
        folder = tmp_path / name.replace(" ", "-").replace("'", "")
        folder.mkdir()
        assert _beside_the_package(_site(folder, infos)) is None, name


def test_the_version_is_the_package_metadatas() -> None:
    assert designer.version() == installed("dr-designer")


def _checkout(tmp_path: Path, pyproject: str) -> str:
    package = tmp_path / "designer"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(pyproject)
    return str(package)


PYPROJECT = (
    '[build-system]\nrequires = ["setuptools"]\nversion = "0.0.0"\n\n'
    '[project]\nname = "dr-designer"\nversion = "4.5.6"\ndescription = "x = y"\n\n'
    '[project.urls]\nversion = "not this"\n'
)


def test_a_checkouts_version_is_read_from_its_pyproject(tmp_path: Path) -> None:
    assert _in_the_checkout(_checkout(tmp_path, PYPROJECT)) == "4.5.6"


def test_a_pyproject_that_does_not_say_it_plainly_is_left_to_importlib_metadata(
    tmp_path: Path,
) -> None:
    cases = {
        "none": None,
        "another project": PYPROJECT.replace('"dr-designer"', '"other"'),
        "dynamic": PYPROJECT.replace('version = "4.5.6"\n', 'dynamic = ["version"]\n'),
        "a comment after it": PYPROJECT.replace('"4.5.6"', '"4.5.6"  # bumped'),
        "single quotes": PYPROJECT.replace('"4.5.6"', "'4.5.6'"),
        "empty": PYPROJECT.replace('"4.5.6"', '""'),
    }
    for name, text in cases.items():
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        if text is None:
            (folder / "designer").mkdir()
            assert _in_the_checkout(str(folder / "designer")) is None, name
        else:
            assert _in_the_checkout(_checkout(folder, text)) is None, name


def test_this_checkout_names_its_version_without_importlib_metadata() -> None:
    """Run from the repository (as the benchmarks and a developer do), the window's
    title asks the version without importing importlib.metadata (~48 M instructions of
    the window's construction), and gets what importlib.metadata says."""
    root = Path(designer.__file__).resolve().parent.parent
    code = (
        "import sys, designer; v = designer.version(); "
        "print(v, 'importlib.metadata' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [installed("dr-designer"), "False"]
