"""The README's (and CI's) test command, ``./scripts/test``: a crash of the process after
the tests passed — while the interpreter shuts down, when pytest's own faulthandler is
already off — still prints the crashing thread's stack into the log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


LEFTOVER_PROBE = """
import atexit


def pytest_unconfigure(config):
    # Registered last: runs first at exit, before PySide's own clean-up.
    atexit.register(count)


def count():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    left = [
        type(w).__name__
        for w in app.topLevelWidgets()
        if w.parent() is None and type(w).__module__.startswith("designer.")
    ]
    print("left at exit:", len(left), sorted(left), flush=True)
"""


def test_the_windows_are_gone_before_pyside_cleans_up_at_exit(tmp_path: Path) -> None:
    """The suite ends its Qt side as the command does (tests/conftest.py): when the
    interpreter's exit begins, none of the designer's windows or widgets is left for
    PySide's clean-up to delete in no set order (a plot's form before its plot was
    CI's segmentation fault after the summary)."""
    (tmp_path / "leftover_probe.py").write_text(LEFTOVER_PROBE, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(tmp_path)}
    test = "tests/e2e/test_window_doors.py::test_window_icon_and_version"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "leftover_probe",
            "-p",
            "no:cacheprovider",
            test,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    assert "1 passed" in run.stdout, run.stdout + run.stderr
    assert "left at exit: 0 []" in run.stdout, run.stdout + run.stderr
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_workers_crash_at_shutdown_fails_the_run_and_prints_its_stack(tmp_path: Path) -> None:
    """The whole run is in worker processes (``-n``, tests/parallel.py): a worker that
    crashes in its interpreter's shutdown, its tests passed, fails the run (it passed,
    unseen) and names the worker; the worker's own faulthandler prints the crashing
    thread's stack. The run's summary counts the windows left over every worker's tests."""
    test = tmp_path / "test_crash_at_exit.py"
    test.write_text(CRASH_AT_EXIT + "\n\ndef test_beside() -> None:\n    pass\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONFAULTHANDLER", "PYTEST_ADDOPTS")}
    # The suite's own conftest, as a plugin: the file in tmp_path is outside tests/.
    env["PYTHONPATH"] = str(ROOT / "tests")
    run = subprocess.run(
        [
            str(ROOT / "scripts" / "test"),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "conftest",
            "-n",
            "2",
            "--dist",
            "loadfile",
            str(test),
        ],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 passed" in run.stdout, run.stdout
    assert re.search(r"ended badly after their tests: gw\d killed by SIGSEGV", run.stdout)
    assert "at most 0 over 2 tests" in run.stdout, run.stdout
    assert "Fatal Python error: Segmentation fault" in run.stderr, run.stderr
    assert "in crash_now" in run.stderr, run.stderr


LOGS_A_HOSTILE_NAME = """
import logging


def test_logs_a_name_utf8_cannot_hold() -> None:
    # A file's name read with surrogateescape, as the designer logs a hostile one.
    logging.getLogger("designer").warning("cannot open %s", "caf\\udce9.json")
"""


def test_a_workers_report_that_utf8_cannot_hold_still_reaches_the_run(tmp_path: Path) -> None:
    """In worker processes a report travels to the run's process (execnet, UTF-8 only):
    a test's captured log with a lone surrogate stopped the whole run with an internal
    error at 91 % (the fuzz test's hostile file names). It arrives escaped."""
    test = tmp_path / "test_hostile_log.py"
    test.write_text(LOGS_A_HOSTILE_NAME, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env["PYTHONPATH"] = str(ROOT / "tests")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "conftest",
         "-n", "2", "-rA", str(test)],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "INTERNALERROR" not in run.stdout + run.stderr
    assert "1 passed" in run.stdout, run.stdout
    assert "cannot open caf\\udce9.json" in run.stdout, run.stdout
