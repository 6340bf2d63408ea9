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
