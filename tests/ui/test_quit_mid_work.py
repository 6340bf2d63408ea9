"""Quitting the designer while its workers run ends the process cleanly (exit code 0,
no "Fatal Python error"): ``dr-designer gui FILE`` in a child process, the N-1 sweep
started, then File > Quit while it runs (tests/ui/quit_child.py).

Before, the process aborted when the sweep still ran at the exit ("QThread: Destroyed
while thread is still running"), and PySide's clean-up at exit deleted the windows and
pyqtgraph's parentless plot forms in no set order: a form before its plot was a
segmentation fault after the window had closed (CI's exit code 139 after every test
passed; designer/ui/app.py ``end_session``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate_design
from designer.persistence import dumps

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("quit_child.py")


def run_child(tmp_path: Path, work: str, design: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "DR_DESIGNER_LOG_DIR": str(tmp_path / "logs"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", str(CHILD), work, str(design)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=240,
    )


@pytest.fixture(scope="module")
def design(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Big enough that the N-1 sweep takes a while; small enough to open quickly.
    path = tmp_path_factory.mktemp("quit") / "design-1k.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    return path


@pytest.mark.slow
def test_quit_while_the_sweep_runs_exits_cleanly(tmp_path: Path, design: Path) -> None:
    run = run_child(tmp_path, "sweep", design)
    said = run.stdout + run.stderr
    assert "working" in run.stdout, said
    assert "quitting" in run.stdout, said  # the sweep ran when the window closed
    assert "Fatal Python error" not in run.stderr, said
    assert "QThread: Destroyed" not in run.stderr, said
    assert run.returncode == 0, said
    # The command deleted its windows itself, charts with them, before PySide's clean-up.
    assert "left at exit: 0 []" in run.stdout, said
