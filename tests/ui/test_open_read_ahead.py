"""``dr-designer gui FILE`` reads its file ahead (``designer.persistence.read_ahead``,
on a thread while the window is built): the file is read once, the window shows its
design, and nothing read ahead is kept once the window is open. A file that cannot be
opened still gets its message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from design_reads import Reads, count_reads

from designer.persistence import file_format, load_with_stamp

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = sorted((ROOT / "sample_designs").glob("*.json"))[0]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return count_reads(monkeypatch)


def test_the_gui_door_reads_its_file_ahead_once(launch, tmp_path: Path, reads: Reads) -> None:  # type: ignore[no-untyped-def]
    sample = tmp_path / "design.json"
    shutil.copyfile(SAMPLE, sample)
    window = launch(sample)
    assert reads.all == reads.ahead == [str(sample)]  # the read-ahead's, taken by the open's load
    assert window.session.design == load_with_stamp(sample)[0]
    assert window.session.path == sample.resolve()
    assert not window.isWindowModified()
    assert file_format._AHEAD == []


def test_a_broken_file_through_the_door_is_still_refused(  # type: ignore[no-untyped-def]
    launch, tmp_path: Path, no_modal_dialogs
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"format": "dr-designer", "schema_version": 7, "design": [', encoding="utf-8"
    )
    window = launch(broken)
    assert any("not valid JSON" in text for _, text in no_modal_dialogs)
    assert window.session.path != broken.resolve()
    assert file_format._AHEAD == []
