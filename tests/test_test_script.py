"""The README's (and CI's) test command, ``./scripts/test``: a crash of the process after
the tests passed — while the interpreter shuts down, when pytest's own faulthandler is
already off — still prints the crashing thread's stack into the log."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CRASH_AT_EXIT = """
import atexit
import ctypes


def test_passes() -> None:
    # A segfault once pytest is done: in the interpreter's shutdown, as CI's exit 139.
    atexit.register(crash_now)


def crash_now() -> None:
    ctypes.string_at(0)
"""


def test_a_crash_at_shutdown_prints_its_stack(tmp_path: Path) -> None:
    test = tmp_path / "test_crash_at_exit.py"
    test.write_text(CRASH_AT_EXIT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONFAULTHANDLER", "PYTEST_ADDOPTS")}
    run = subprocess.run(
        [str(ROOT / "scripts" / "test"), "-q", "-p", "no:cacheprovider", str(test)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    assert run.returncode == -11 or run.returncode == 139, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert "Fatal Python error: Segmentation fault" in run.stderr, run.stderr
    assert "in crash_now" in run.stderr, run.stderr
