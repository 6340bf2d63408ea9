"""The design file read ahead on a thread (``read_ahead``), taken by the load that
follows (``load_with_stamp``) only while the file is still the one read: same design
and stamp as a plain load, the file read once; read again when it changed, when the
read-ahead failed or was of another file; the usual message for a file that cannot be
read (the window's door: tests/ui/test_open_read_ahead.py)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from design_reads import Reads, count_reads

from designer.persistence import (
    LoadError,
    file_format,
    forget_read_ahead,
    load_with_stamp,
    read_ahead,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """The files read (by the read-ahead's thread or by the load)."""
    yield count_reads(monkeypatch)
    forget_read_ahead()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "design.json"
    shutil.copyfile(SAMPLES[0], path)
    return path


def test_the_load_takes_the_bytes_read_ahead(sample: Path, reads: Reads) -> None:
    expected, expected_stamp = load_with_stamp(sample)
    reads.all.clear()
    read_ahead(sample)
    design, stamp = load_with_stamp(str(sample))  # spelt otherwise: the same file
    assert reads.all == reads.ahead == [str(sample)]  # the thread's read only
    assert design == expected
    assert stamp == expected_stamp
    # once: the next load reads the file itself
    load_with_stamp(sample)
    assert reads.all == [str(sample), str(sample)]


def test_a_file_changed_since_it_was_read_ahead_is_read_again(sample: Path, reads: Reads) -> None:
    read_ahead(sample)
    file_format._AHEAD[0].done.wait()
    data = json.loads(sample.read_text(encoding="utf-8"))
    data["design"]["name"] = "Changed " + data["design"]["name"]
    sample.write_text(json.dumps(data), encoding="utf-8")
    st = sample.stat()
    os.utime(sample, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    design, stamp = load_with_stamp(sample)
    assert len(reads.all) == 2
    assert design.name.startswith("Changed ")
    assert stamp.same_file_state(sample.stat())


def test_a_read_ahead_of_another_file_is_not_taken(
    sample: Path, tmp_path: Path, reads: Reads
) -> None:
    other = tmp_path / "other.json"
    shutil.copyfile(SAMPLES[-1], other)
    read_ahead(other)
    design, _ = load_with_stamp(sample)
    assert design == load_with_stamp(SAMPLES[0])[0]
    assert reads.all[-2:] == [str(sample), str(SAMPLES[0])]


def test_a_file_that_cannot_be_read_gets_the_usual_message(tmp_path: Path, reads: Reads) -> None:
    missing = tmp_path / "missing.json"
    read_ahead(missing)
    with pytest.raises(LoadError, match="no such file"):
        load_with_stamp(missing)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    read_ahead(folder)
    with pytest.raises(LoadError, match="is a folder"):
        load_with_stamp(folder)
    assert reads.all == [str(missing), str(missing), str(folder), str(folder)]


def test_a_bad_file_read_ahead_is_refused_as_before(tmp_path: Path, reads: Reads) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "dr-designer", "schema_version": 7, "design": {"elements": [', encoding="utf-8"
    )
    read_ahead(bad)
    with pytest.raises(LoadError, match="not valid JSON"):
        load_with_stamp(bad)


def test_forgotten_bytes_are_not_taken(sample: Path, reads: Reads) -> None:
    read_ahead(sample)
    file_format._AHEAD[0].done.wait()
    forget_read_ahead()
    load_with_stamp(sample)
    assert reads.all == [str(sample), str(sample)]
