"""A log file that is a FIFO (``DR_DESIGNER_LOG_DIR`` pointing at a folder whose
``dr-designer.log`` is a named pipe): with no program reading it, every command hung
opening it for writing. It is now one line on stderr and the command runs; a pipe that
a program reads gets the log as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: The console script pip installed next to this Python: the user's door.
SCRIPT = Path(sys.executable).parent / "dr-designer"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _check(log_dir: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(SCRIPT), "check", str(SAMPLE), *extra],
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(log_dir)},
        capture_output=True,
        timeout=60,  # it hung for ever
    )


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "-v"])
def test_a_log_fifo_nobody_reads_is_one_line_and_the_command_runs(
    tmp_path: Path, verbose: list[str]
) -> None:
    plain = _check(tmp_path / "logs", *verbose)  # a regular log file, for comparison
    fifo = tmp_path / "fifo" / "dr-designer.log"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    run = _check(fifo.parent, *verbose)
    assert (run.returncode, run.stdout) == (plain.returncode, plain.stdout)
    assert run.returncode == 0 and b"0 errors" in run.stdout
    assert run.stderr.decode().splitlines() == [
        *plain.stderr.decode().splitlines(),
        f"dr-designer: cannot write the log file {fifo}: a pipe no program reads",
    ]


def test_a_log_fifo_a_program_reads_gets_the_log(tmp_path: Path) -> None:
    fifo = tmp_path / "dr-designer.log"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a `tail -f` of the pipe
    try:
        run = _check(tmp_path)
        received = os.read(reader, 65536).decode()
    finally:
        os.close(reader)
    assert run.returncode == 0 and run.stderr == b"", run.stderr
    assert " INFO designer: " in received and "check" in received, received
