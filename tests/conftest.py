"""Test-wide settings: Qt runs offscreen; the command's log and the schema cache go to
temporary folders, not the user's; hypothesis stays within CI's time budget."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "DR_DESIGNER_LOG_DIR" not in os.environ:
    _logs = tempfile.mkdtemp(prefix="dr-designer-test-logs-")
    atexit.register(shutil.rmtree, _logs, True)
    os.environ["DR_DESIGNER_LOG_DIR"] = _logs
if "DR_DESIGNER_CACHE_DIR" not in os.environ:  # the design file's validators, per run
    _cache = tempfile.mkdtemp(prefix="dr-designer-test-cache-")
    atexit.register(shutil.rmtree, _cache, True)
    os.environ["DR_DESIGNER_CACHE_DIR"] = _cache

# Imported whole before any window exists: a window imports simulation mode (pyqtgraph,
# numpy) on a background thread after its first frame, and pytest.approx uses numpy as
# soon as it is in sys.modules, so a test comparing while that import ran failed with
# "partially initialized module 'numpy'" (intermittently, test_canvas_room). The import lock
# protects every `import numpy`; only a sys.modules lookup like approx's can see it
# half-made. The tests that check what the first frame imports run fresh processes.
import numpy  # noqa: F401
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """End the Qt side of the run as ``dr-designer gui`` ends its own
    (:func:`designer.ui.app.end_session`): workers stopped or waited for, the designer's
    windows and widgets deleted, charts with them, while the interpreter is whole.

    pytest-qt owns this process's QApplication (the command's own end never runs here),
    and the last test's windows, closed, are only deleted later: without this, PySide's
    clean-up at exit deleted them in no set order, and a pyqtgraph plot's parentless
    form deleted before its plot crashed the process after the summary (exit code 139).
    """
    import sys

    if "designer.ui.app" not in sys.modules:  # no window in this run
        return
    from PySide6.QtWidgets import QApplication

    from designer.ui.app import end_session

    app = QApplication.instance()
    if isinstance(app, QApplication):
        end_session(app)
