"""Slow checks that need no window, started in the background when the run's tests are
collected and awaited by their test: ``mypy designer`` (~10 s of CPU from an empty cache,
as in a clean clone's CI) runs on the machine's other core while the tests before it run,
instead of on its own at its turn. Niced: the tests come first.

The check and what its test asserts are the same as when it ran at its turn; only when
it runs moves. A run that does not select its test does not start it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# test name (the node id's function) -> its command, run in ROOT
CHECKS: dict[str, list[str]] = {
    "test_mypy_is_clean_on_the_package": ["mypy", "designer"],
}


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is a test dependency"
    return found


class Started:
    """A check running in the background: its process and its combined output."""

    def __init__(self, command: Sequence[str]) -> None:
        self.output: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        nice = shutil.which("nice")
        self.process = subprocess.Popen(
            [*([nice, "-n", "10"] if nice else []), tool(command[0]), *command[1:]],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def result(self, timeout: float) -> tuple[int, str]:
        """Its exit code and output, once it has ended (killed past ``timeout``)."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        self.output.seek(0)
        text = self.output.read()
        self.output.close()
        return code, text


_started: dict[str, Started] = {}


def start(names: Sequence[str]) -> None:
    """Start the checks of the tests named (the run's collected test functions)."""
    for name in set(names) & CHECKS.keys():
        if name not in _started:
            _started[name] = Started(CHECKS[name])


def result(name: str, timeout: float = 600) -> tuple[int, str]:
    """The check of test ``name``: started now if the run did not start it."""
    start([name])
    return _started.pop(name).result(timeout)


def stop() -> None:
    """End the checks whose tests did not run (an interrupted run)."""
    for started in _started.values():
        started.process.kill()
        started.process.wait()
        started.output.close()
    _started.clear()
