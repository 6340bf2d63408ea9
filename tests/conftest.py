"""Test-wide settings: Qt runs offscreen; the command's log and the schema cache go to
temporary folders, not the user's; hypothesis stays within CI's time budget; waits on
a condition are bounded for a loaded machine, and the gates a test holds workers at
open when its body ends."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Bytecode is written (into __pycache__, which git ignores) even where the caller's
# environment says not to (PYTHONDONTWRITEBYTECODE, set on the project's build machine):
# the suite starts hundreds of Python child processes (the command's doors, reports,
# crash and quit children), each of which otherwise compiled the designer's modules from
# source again, and pytest rewrote every test module's asserts again at every run.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
    sys.dont_write_bytecode = False
# The log and the design file's validators in folders of the run's own, unless the
# caller chose them; a run's workers (tests/parallel.py) each make their own, as told by
# DR_DESIGNER_TEST_MADE_DIRS (the ones the run's conftest made).
if "DR_DESIGNER_LOG_DIR" not in os.environ or "LOG" in os.environ.get(
    "DR_DESIGNER_TEST_MADE_DIRS", ""
):
    _logs = tempfile.mkdtemp(prefix="dr-designer-test-logs-")
    atexit.register(shutil.rmtree, _logs, True)
    os.environ["DR_DESIGNER_LOG_DIR"] = _logs
    os.environ["DR_DESIGNER_TEST_MADE_DIRS"] = " ".join(
        {*os.environ.get("DR_DESIGNER_TEST_MADE_DIRS", "").split(), "LOG"}
    )
if "DR_DESIGNER_CACHE_DIR" not in os.environ or "CACHE" in os.environ.get(
    "DR_DESIGNER_TEST_MADE_DIRS", ""
):
    _cache = tempfile.mkdtemp(prefix="dr-designer-test-cache-")
    atexit.register(shutil.rmtree, _cache, True)
    os.environ["DR_DESIGNER_CACHE_DIR"] = _cache
    os.environ["DR_DESIGNER_TEST_MADE_DIRS"] = " ".join(
        {*os.environ.get("DR_DESIGNER_TEST_MADE_DIRS", "").split(), "CACHE"}
    )

# Imported whole before any window exists: a window imports simulation mode (pyqtgraph,
# numpy) on a background thread after its first frame, and pytest.approx uses numpy as
# soon as it is in sys.modules, so a test comparing while that import ran failed with
# "partially initialized module 'numpy'" (intermittently, test_canvas_room). The import lock
# protects every `import numpy`; only a sys.modules lookup like approx's can see it
# half-made. The tests that check what the first frame imports run fresh processes.
import numpy  # noqa: F401
import parallel
import pytest
from gates import GATES, Gates, open_all
from hypothesis import HealthCheck, settings
from wait_bounds import scale_qtbot_waits

parallel.enable_faulthandler_for_exit()

settings.register_profile(
    "default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")

# Waits on a condition bounded for a loaded machine (tests/wait_bounds.py).
scale_qtbot_waits()


# The designer's windows alive after each test's teardown, counted over the run: a test
# that leaves one (closed but never deleted) fails its teardown, so the process's count
# stays flat (0) however many tests open windows.
_windows_left: list[int] = []


def _designer_windows() -> list[MainWindow]:
    """The designer's main windows alive now, once the deletions already asked for are
    done (pytest-qt closes a test's widgets and asks for their deletion at its end)."""
    if "designer.ui.main_window" not in sys.modules:
        return []
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from designer.ui.main_window import MainWindow

    if not isinstance(QApplication.instance(), QApplication):
        return []
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


@pytest.fixture
def gates(request: pytest.FixtureRequest) -> Gates:
    """``gate = gates()``: an event a worker waits for with no time limit, opened by the
    test or, at the latest, as the test's body ends (tests/gates.py)."""
    made = request.node.stash.setdefault(GATES, Gates())
    return made


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """The test's gates open as its body ends, passed or failed (tests/gates.py)."""
    try:
        return (yield)
    finally:
        open_all(item)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> object:
    """After the test's own teardown (its fixtures, pytest-qt's closing of its widgets):
    no window of the designer may be left alive."""
    open_all(item)  # a set-up that failed after making gates: opened before any close
    result = yield
    left = _designer_windows()
    _windows_left.append(len(left))
    if left:
        titles = ", ".join(repr(w.windowTitle()) for w in left)
        for window in left:  # the next tests start from none either way (no close: no
            window.stop_background_work(wait=True)  # "Save the changes?" to block on)
            window.deleteLater()
        count = len(left)
        del window, left
        _designer_windows()
        pytest.fail(f"{count} window(s) left alive after the test: {titles}", pytrace=False)
    return result


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # (not the variable: a test's own run inherits it)
        config.pluginmanager.register(parallel.Worker(), "dr-designer-worker")
    elif getattr(config.option, "dist", "no") != "no":
        config.pluginmanager.register(parallel.Controller(), "dr-designer-controller")


def pytest_collection_finish(session: pytest.Session) -> None:
    """The slow checks that need no window start now, beside the tests (early_checks).
    Not in a worker (tests/parallel.py): every worker collects every test, and the
    other workers keep the machine's cores busy anyway; its test runs it at its turn."""
    import early_checks

    if not hasattr(session.config, "workerinput"):
        early_checks.start([getattr(item, "originalname", item.name) for item in session.items])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary: tuple[int, int] | None = None
    if _windows_left:
        summary = len(_windows_left), max(_windows_left)
    controller = terminalreporter.config.pluginmanager.get_plugin("dr-designer-controller")
    if isinstance(controller, parallel.Controller):
        summary = controller.windows_summary()
    if summary is not None:
        tests, most = summary
        terminalreporter.write_line(
            f"designer windows alive after a test's teardown: at most {most} over {tests} tests"
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """End the Qt side of the run as ``dr-designer gui`` ends its own
    (:func:`designer.ui.app.end_session`): workers stopped or waited for, the designer's
    windows and widgets deleted, charts with them, while the interpreter is whole.

    pytest-qt owns this process's QApplication (the command's own end never runs here),
    and the last test's windows, closed, are only deleted later: without this, PySide's
    clean-up at exit deleted them in no set order, and a pyqtgraph plot's parentless
    form deleted before its plot crashed the process after the summary (exit code 139).
    """
    import early_checks

    early_checks.stop()
    output = parallel.worker_output(session.config)
    if output is not None and _windows_left:
        output["windows_left"] = (len(_windows_left), max(_windows_left))
    if "designer.ui.app" not in sys.modules:  # no window in this run
        return
    from PySide6.QtWidgets import QApplication

    from designer.ui.app import end_session

    app = QApplication.instance()
    if isinstance(app, QApplication):
        end_session(app)
