"""A headless command sets logging up only when something logs (designer/diagnostics.py,
``setup_logging(lazy=True)``): its command-line record is written to the log file as
logging's handler writes it, the first real record sets logging up on the same file,
a file due to rotate rotates as before, and ``check`` imports no :mod:`logging`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer import diagnostics

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


@pytest.fixture(autouse=True)
def _logging_looks_unused(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """pytest itself imports logging: the lazy set-up is let happen anyway."""
    monkeypatch.setattr(diagnostics, "_logging_imported", lambda: False)
    yield
    diagnostics._close()


def _fixed_clock(monkeypatch: pytest.MonkeyPatch, ns: int) -> None:
    monkeypatch.setattr(time, "time_ns", lambda: ns)
    monkeypatch.setattr(time, "time", lambda: ns / 1e9)


def _note_through(folder: Path, *, lazy: bool, message: str) -> str:
    path = diagnostics.setup_logging(0, folder / "d.log", lazy=lazy)
    assert path is not None
    assert (diagnostics._light is not None) is lazy  # the set-up is (or is not) pending
    diagnostics.note(message)
    diagnostics._close()
    return path.read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(
    message=st.text(max_size=60),
    ns=st.integers(min_value=0, max_value=4_000_000_000 * 10**9),
)
def test_the_command_line_record_is_the_handlers_line(message: str, ns: int) -> None:
    """The lazily written line equals logging's (time with milliseconds, process, level,
    logger, the message escaped), for any message and any clock."""
    import tempfile

    with pytest.MonkeyPatch.context() as monkeypatch:
        _fixed_clock(monkeypatch, ns)
        with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as theirs:
            lazy = _note_through(Path(ours), lazy=True, message=message)
            eager = _note_through(Path(theirs), lazy=False, message=message)
    assert lazy == eager
    assert lazy.count("\n") == 1 and " INFO designer: " in lazy


def test_the_first_record_sets_logging_up_on_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = diagnostics.setup_logging(0, tmp_path / "d.log", lazy=True)
    assert path is not None and diagnostics.log_path() == path
    opened = diagnostics._light
    diagnostics.note("dr-designer 1.0: check x.json")
    assert diagnostics._light is opened and diagnostics._pending is not None  # still pending
    diagnostics.log.warning("look at %s", "this")
    from designer.logfile import RotatingFileHandler

    files = [
        h for h in logging.getLogger("designer").handlers if isinstance(h, RotatingFileHandler)
    ]
    assert diagnostics._light is None and diagnostics._pending is None
    assert len(files) == 1 and files[0].stream is opened  # the same file, taken over
    diagnostics.log.info("quiet", extra={"file_only": True})
    diagnostics.note("a second note")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 3)[3] for line in lines] == [
        "INFO designer: dr-designer 1.0: check x.json",
        "WARNING designer: look at this",
        "INFO designer: quiet",
        "INFO designer: a second note",
    ]
    assert capsys.readouterr().err == "dr-designer: look at this\n"


def test_a_module_logger_sets_logging_up(tmp_path: Path) -> None:
    path = diagnostics.setup_logging(0, tmp_path / "d.log", lazy=True)
    diagnostics.logger("designer.persistence.schema_cache").info("cache %s", "read")
    assert path is not None and diagnostics._light is None
    assert path.read_text().endswith(" INFO designer.persistence.schema_cache: cache read\n")


def test_a_file_due_to_rotate_rotates_as_before(tmp_path: Path) -> None:
    for folder, lazy in ((tmp_path / "lazy", True), (tmp_path / "eager", False)):
        folder.mkdir()
        (folder / "d.log").write_text("x" * (diagnostics.MAX_BYTES - 40) + "\n")
        diagnostics.setup_logging(0, folder / "d.log", lazy=lazy)
        diagnostics.note("a line of more than forty characters, to rotate the file")
        diagnostics._close()
    assert (tmp_path / "lazy" / "d.log.1").read_text() == (
        tmp_path / "eager" / "d.log.1"
    ).read_text()
    ours, theirs = ((tmp_path / f / "d.log").read_text() for f in ("lazy", "eager"))
    assert ours.split(" ", 3)[3] == theirs.split(" ", 3)[3]
    assert ours.endswith(
        "INFO designer: a line of more than forty characters, to rotate the file\n"
    )


def test_verbose_and_unwritable_files_set_logging_up_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert diagnostics.setup_logging(1, tmp_path / "v.log", lazy=True) is not None
    assert diagnostics._light is None and diagnostics._pending is None
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert diagnostics.setup_logging(0, blocked / "d.log", lazy=True) is None
    assert diagnostics._light is None and diagnostics.log_path() is None
    assert "cannot write the log file" in capsys.readouterr().err


def test_check_imports_no_logging_and_logs_its_command_line(tmp_path: Path) -> None:
    code = (
        "import sys; from designer.entry import main; code = main(['check', sys.argv[1]]); "
        "print(code, 'logging' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
    )
    assert run.stdout.splitlines()[-1] == "0 False", run.stderr
    text = (tmp_path / "dr-designer.log").read_text()
    assert text.endswith(f" INFO designer: dr-designer {diagnostics_version()}: check {SAMPLE}\n")
    assert text.count("\n") == 1


def diagnostics_version() -> str:
    from designer import version

    return version()


def test_two_threads_first_records_finish_the_set_up_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    path = diagnostics.setup_logging(0, tmp_path / "d.log", lazy=True)
    real = diagnostics._set_up
    calls: list[int] = []
    second = threading.Event()  # the other thread's first record waits for the set-up

    class Finishing:
        """The set-up's lock, noting when a second thread comes to it."""

        def __init__(self) -> None:
            self.lock = threading.Lock()
            self.came = 0

        def __enter__(self) -> None:
            self.came += 1
            if self.came == 2:
                second.set()
            self.lock.acquire()

        def __exit__(self, *_exc: object) -> None:
            self.lock.release()

    def slow(verbose: int, where: Path) -> Path | None:
        calls.append(verbose)
        # Until the other thread's first record has come (not a fixed 50 ms, which a
        # loaded machine can spend before that thread even starts); the bound ends a
        # wait that code without the lock would make for good.
        second.wait(60)
        return real(verbose, where)

    monkeypatch.setattr(diagnostics, "_finishing", Finishing())
    monkeypatch.setattr(diagnostics, "_set_up", slow)

    def first_record(n: int) -> None:
        diagnostics.log.info("from thread %d", n)  # the logger looked up in the thread

    threads = [threading.Thread(target=first_record, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert second.is_set()  # the second record came during the set-up
    assert calls == [0]
    assert path is not None
    lines = sorted(line.split(": ", 1)[1] for line in path.read_text().splitlines())
    assert lines == ["from thread 1", "from thread 2"]
