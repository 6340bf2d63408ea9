"""The window's interpreter settings (designer.ui.app.apply_runtime_settings).

numpy is imported on a background thread right after a big design's first frame; its
OpenBLAS started a worker thread per core (50-80 ms of CPU in that first second on a
machine of two cores) that nothing uses. The window's process runs it with one thread
(idle14, wave 14). Child processes: numpy must not have been imported before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import os, sys
from designer.ui.app import apply_runtime_settings
apply_runtime_settings()
assert "numpy" not in sys.modules
import numpy
print(len(os.listdir("/proc/self/task")), os.environ["OPENBLAS_NUM_THREADS"])
"""


def _child(env_value: str | None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if env_value is not None:
        env["OPENBLAS_NUM_THREADS"] = env_value
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    return int(out[0]), out[1]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_numpy_in_the_window_process_starts_no_blas_threads() -> None:
    threads, value = _child(None)
    assert value == "1"
    assert threads == 1  # the main thread alone: no OpenBLAS worker


def test_a_users_blas_threads_setting_is_kept() -> None:
    if not Path("/proc/self/task").is_dir():
        pytest.skip("counts threads in /proc")
    _threads, value = _child("3")
    assert value == "3"
