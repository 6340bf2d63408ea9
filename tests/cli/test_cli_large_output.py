"""A read-only command's large output through the console script's door, now that
``check``, ``rules``, ``rule`` and ``schema`` end their process with ``os._exit`` after
flushing (cold11, wave 11): whole and byte for byte what the command prints in-process,
to a pipe whose reader is late and reads in small pieces, and to a file (review11)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from designer.entry import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))
SCRIPT = Path(sys.executable).parent / "dr-designer"
#: Every sample checked this many times: SARIF of ~1.2 MB, far beyond a pipe's buffer
#: (64 KiB), and text of ~21 KB, beyond the stream's buffer (8 KiB).
REPEAT = 15
CHECKED = [str(path) for path in SAMPLES * REPEAT]
#: The child's environment: its standard output buffered, as a user's is (this suite
#: may run with PYTHONUNBUFFERED set, which would hide an unflushed end).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


@pytest.mark.parametrize(
    ("arguments", "least"),
    [
        (["check", "--format", "sarif", *CHECKED], 1_000_000),
        (["check", *CHECKED], 16_384),
        (["rules"], 4_096),  # less than the stream's buffer: whole only if flushed
        (["rules", "--format", "json"], 8_192),
        (["schema"], 8_192),
        (["rule", "MV001"], 500),
    ],
    ids=["check-sarif", "check-text", "rules", "rules-json", "schema", "rule"],
)
def test_a_read_only_commands_output_is_whole_through_a_late_pipe_and_to_a_file(
    arguments: list[str], least: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(arguments)
    expected = capsys.readouterr().out.encode("utf-8")
    assert len(expected) > least
    # A pipe read late (the command blocks on a full pipe first), then 4 KiB at a time.
    with subprocess.Popen(
        [str(SCRIPT), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=ENV,
        bufsize=0,  # each read below is one read of the pipe
    ) as child:
        assert child.stdout is not None
        time.sleep(0.5)  # not a timing assertion: only lets the writer fill the pipe
        pieces = []
        while piece := child.stdout.read(4096):
            pieces.append(piece)
        assert child.wait(timeout=300) == code
    assert b"".join(pieces) == expected
    # A file.
    out = tmp_path / "out"
    with out.open("wb") as sink:
        ran = subprocess.run(
            [str(SCRIPT), *arguments],
            stdout=sink,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=ENV,
            timeout=300,
        )
    assert ran.returncode == code
    assert out.read_bytes() == expected
