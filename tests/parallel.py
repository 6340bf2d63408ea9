"""The suite run in worker processes (pytest-xdist, ``./scripts/test``'s whole run:
``-n`` workers, ``--dist loadfile``), as honest as one process.

Each worker is a pytest of its own: its own QApplication, temporary log and cache
folders (tests/conftest.py), windows check after each test. What one process gave for
free the run's controller gathers here:

* **A crash after the tests.** A worker that crashes while its interpreter shuts down
  (CI's exit 139 after the summary: tests/test_test_script.py) reported nothing, and
  the run passed. Each worker's exit code is read once the controller has ended them;
  one that did not end cleanly fails the run, naming it; its stack (faulthandler,
  enabled in each worker for its shutdown) is on the run's standard error.
* **Reports that UTF-8 cannot hold.** A report's text with a lone surrogate is escaped
  before it travels (execnet refuses it: the whole run stopped).
* **The windows left.** The summary's "designer windows alive after a test's teardown"
  line counts the tests of every worker.
"""

from __future__ import annotations

import faulthandler
import os
import signal
from typing import Any

import pytest

__all__ = [
    "WORKER",
    "Controller",
    "Worker",
    "enable_faulthandler_for_exit",
    "worker_output",
]

#: This process's worker name (``gw0``…), or None in the run's own process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def enable_faulthandler_for_exit() -> None:
    """In a worker: a crash, even in its interpreter's shutdown after pytest's own
    faulthandler is off, prints every thread's stack on the standard error (what
    ``python -X faulthandler`` gives the run's own process). pytest re-enables it as
    it ends when it was on before pytest started."""
    if WORKER and not faulthandler.is_enabled():
        faulthandler.enable(file=2, all_threads=True)


def worker_output(config: pytest.Config) -> dict[str, Any] | None:
    """What a worker hands back to the controller when it ends (None elsewhere)."""
    output: dict[str, Any] | None = getattr(config, "workeroutput", None)
    return output


def _utf8(value: Any) -> Any:
    """``value`` with each string that UTF-8 cannot hold (a lone surrogate: a hostile
    file's name read with ``surrogateescape``) escaped, lists, tuples and dicts within."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {_utf8(k): _utf8(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_utf8(v) for v in value)
    return value


class Worker:
    """Registered in each worker: its reports travel to the controller as UTF-8 (execnet
    refuses a lone surrogate, and the whole run stopped with an internal error where one
    process only printed it: a fuzz test's captured log of hostile file names)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_report_to_serializable(self, config: pytest.Config, report: Any) -> Any:
        data = yield
        return _utf8(data)


class Controller:
    """Registered in the run's own process when it runs workers (``-n``)."""

    def __init__(self) -> None:
        self.gateways: list[Any] = []
        #: per worker: (tests, most windows left after one)
        self.windows_left: dict[str, tuple[int, int]] = {}

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_newgateway(self, gateway: Any) -> None:
        self.gateways.append(gateway)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object | None) -> None:
        output = getattr(node, "workeroutput", None) or {}
        if "windows_left" in output:
            self.windows_left[node.gateway.id] = tuple(output["windows_left"])

    def windows_summary(self) -> tuple[int, int] | None:
        """(tests, most windows left after one) over every worker."""
        if not self.windows_left:
            return None
        tests = sum(count for count, _ in self.windows_left.values())
        return tests, max(most for _, most in self.windows_left.values())

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> object:
        result = yield  # xdist's own (trylast) has ended the workers by now
        bad = []
        for gateway in self.gateways:
            popen = getattr(getattr(gateway, "_io", None), "popen", None)
            code = popen.poll() if popen is not None else None
            if code:
                bad.append(f"{gateway.id} {_exit_named(code)}")
        if bad:
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            message = (
                "worker process(es) ended badly after their tests: "
                + ", ".join(bad)
                + " (a crash's stack is printed above, on the standard error)"
            )
            if reporter is not None:
                reporter.write("\n")
                reporter.write_line(message, red=True, bold=True)
            if not session.exitstatus:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return result


def _exit_named(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
