"""``designer.version()`` reads an installed wheel's metadata beside the package without
importing importlib.metadata, and asks importlib.metadata whenever that is not certain."""

from __future__ import annotations

from importlib.metadata import version as installed
from pathlib import Path

import designer
from designer import _beside_the_package


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
