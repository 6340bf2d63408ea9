"""``dr-designer gui FILE`` reads its file ahead (``designer.persistence.read_ahead``,
on a thread while the window is built): the file is read once, the window shows its
design, and nothing read ahead is kept once the window is open. A file that cannot be
opened still gets its message."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from designer.persistence import file_format, load_with_stamp

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = sorted((ROOT / "sample_designs").glob("*.json"))[0]


#: The files read on another thread than the UI's (the read-ahead's).
ahead: list[str] = []


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    ahead.clear()
    real = file_format._read_design_bytes

    def counted(path, where):  # type: ignore[no-untyped-def]
        seen.append(str(path))
        if threading.current_thread() is not threading.main_thread():
            ahead.append(str(path))
        return real(path, where)

    monkeypatch.setattr(file_format, "_read_design_bytes", counted)
    return seen


def test_the_gui_door_reads_its_file_ahead_once(launch, tmp_path: Path, reads: list[str]) -> None:  # type: ignore[no-untyped-def]
    sample = tmp_path / "design.json"
    shutil.copyfile(SAMPLE, sample)
    window = launch(sample)
    assert reads == ahead == [str(sample)]  # the read-ahead's, taken by the open's load
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
