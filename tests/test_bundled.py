"""The package's data files (designer.bundled): a package installed as files is read
from the folder its loader reads it from — what importlib.resources gives for it —
without importing importlib.resources; anything else (a zipped install) through it."""

from __future__ import annotations

import importlib.resources
import sys
import zipfile
from pathlib import Path

import pytest

from designer import bundled


@pytest.mark.parametrize("package", ["designer.resources", "designer.sample_designs"])
def test_an_installed_package_is_the_folder_importlib_resources_gives(package: str) -> None:
    assert bundled.files(package) == importlib.resources.files(package)
    assert isinstance(bundled.files(package), Path)


def test_resources_and_samples_read_as_through_importlib_resources() -> None:
    timings = importlib.resources.files("designer.resources") / "catalog" / "timings.json"
    assert bundled.read_bytes("catalog", "catalog", "timings.json") == timings.read_bytes()
    samples = importlib.resources.files("designer.sample_designs")
    assert bundled.sample_names() == sorted(
        e.name.removesuffix(".json") for e in samples.iterdir() if e.name.endswith(".json")
    )
    assert bundled.sample().read_bytes() == (samples / "three_site_stretched_dag.json").read_bytes()
    with pytest.raises(bundled.MissingDataError, match=r"designer/resources/catalog/nothing\.json"):
        bundled.read_bytes("catalog", "catalog", "nothing.json")


def test_a_zipped_package_is_read_through_importlib_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped_data_pkg/__init__.py", "")
        z.writestr("zipped_data_pkg/data.txt", "inside the zip")
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_data_pkg", raising=False)
    node = bundled.files("zipped_data_pkg") / "data.txt"
    assert not isinstance(node, Path)  # not a folder: importlib.resources' own answer
    assert node.read_bytes() == b"inside the zip"
    assert bundled.file_path(node).read_bytes() == b"inside the zip"  # a real copy
    sys.modules.pop("zipped_data_pkg", None)
