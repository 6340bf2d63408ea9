"""The log file's rotation (designer/diagnostics.py ``_RotatingFileHandler``, which spares
every command the import of logging.handlers) leaves the same files with the same lines
as the standard library's RotatingFileHandler."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from designer.diagnostics import _RotatingFileHandler


def _write(handler: logging.Handler, messages: list[str]) -> None:
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    for message in messages:
        handler.emit(logging.LogRecord("designer", logging.INFO, "", 0, message, None, None))
    handler.close()


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


@given(
    messages=st.lists(st.text(min_size=0, max_size=120), max_size=40),
    # Records shorter than max_bytes (or no rotation): an empty file is never rotated
    # here, as in Python 3.12+; 3.11's own handler rotated it (next test).
    max_bytes=st.sampled_from([0]) | st.integers(min_value=130, max_value=600),
    backups=st.integers(min_value=0, max_value=3),
)
def test_rotation_leaves_what_the_standard_handler_leaves(
    messages: list[str], max_bytes: int, backups: int
) -> None:
    with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as theirs:
        _write(
            _RotatingFileHandler(
                Path(ours) / "d.log",
                max_bytes,
                backups,
                encoding="utf-8",
                errors="backslashreplace",
            ),
            messages,
        )
        _write(
            logging.handlers.RotatingFileHandler(
                Path(theirs) / "d.log",
                maxBytes=max_bytes,
                backupCount=backups,
                encoding="utf-8",
                errors="backslashreplace",
            ),
            messages,
        )
        assert _files(Path(ours)) == _files(Path(theirs))


def test_an_empty_log_file_is_never_rotated(tmp_path: Path) -> None:
    handler = _RotatingFileHandler(
        tmp_path / "d.log", 10, 2, encoding="utf-8", errors="backslashreplace"
    )
    _write(handler, ["longer than ten characters", "and another one"])
    assert _files(tmp_path) == {
        "d.log": "INFO and another one\n",
        "d.log.1": "INFO longer than ten characters\n",
    }


def test_logging_set_up_imports_no_socket(tmp_path: Path) -> None:
    code = (
        "import sys; from designer.diagnostics import setup_logging, log; "
        f"setup_logging(0, {str(tmp_path / 'x.log')!r}); log.info('hello'); "
        "print(sorted(m for m in ('logging.handlers', 'socket', 'pickle') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip() == "[]", run.stderr
    assert "INFO designer: hello" in (tmp_path / "x.log").read_text()
