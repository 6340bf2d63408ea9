"""The recent files are written off the UI thread (wave 16, life16).

A change to a QSettings object is written in the event loop's next turn on the thread
that made it: the whole file again, then ``fdatasync`` (2-4 ms, up to 50 ms on a busy
disk) on the UI thread after every File > Open and Save. The list is now written by a
thread of its own (``designer.ui.file_ops``), read back from memory until then."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QSettings

from designer.ui import file_ops

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
FIRST = SAMPLES / "dag_with_ha.json"
SECOND = SAMPLES / "three_site_stretched_dag.json"


def test_open_and_save_write_the_recent_files_on_a_thread_of_their_own(
    launch, monkeypatch, tmp_path: Path
) -> None:
    """``dr-designer gui FILE``, File > Open of another, Save As: each shows first in
    the list at once; the file is written by the writer thread, never the UI thread;
    a new QSettings of the same file (the next start) reads the list."""
    writers: list[str] = []
    write = file_ops._write

    def recording(*args: object) -> None:
        writers.append(threading.current_thread().name)
        write(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(file_ops, "_write", recording)
    window = launch(FIRST)
    assert window.recent.paths()[0] == str(FIRST.resolve())
    assert window.open_file(SECOND, ask=False)  # File > Open (the dialog's answer)
    assert window.recent.paths()[:2] == [str(SECOND.resolve()), str(FIRST.resolve())]
    saved = tmp_path / "copy.json"
    assert window.save_to(saved)  # Save As (the dialog's answer)
    assert window.recent.paths()[0] == str(saved.resolve())
    file_ops.flush_settings()
    assert len(writers) == 3
    assert threading.main_thread().name not in writers
    assert all(name.startswith("settings-writer") for name in writers)
    again = QSettings()  # the next start's (the launcher's own settings folder)
    assert again.fileName() == window.settings.fileName()
    assert again.value("recent_files")[:3] == [
        str(saved.resolve()),
        str(SECOND.resolve()),
        str(FIRST.resolve()),
    ]
    assert file_ops._unwritten == {}
