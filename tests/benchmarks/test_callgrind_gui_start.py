"""The window's start, start after start (benchmarks/callgrind_gui_start.py): its child
imports the window's modules inside the gui's code-cache block and opens the bundled
sample, dumping ``imports`` then ``open``; the block's compiled code is in the cache
folder for the next start (wave 24, ``open24a``). The instructions themselves are the
benchmark's (valgrind), never a test's: here ``callgrind_control`` is replaced by a
recorder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "benchmarks") not in sys.path:  # the scripts import their siblings
    sys.path.insert(0, str(ROOT / "benchmarks"))

from _callgrind import environment_with, fresh_home_env  # noqa: E402

_CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{benchmarks!r}]
    import callgrind_gui_start as start
    start.control = lambda *args: print("CONTROL", *args, flush=True)
    start._child()
    """
)


def test_the_imports_then_the_opening_are_dumped_and_the_code_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cache = tmp_path / "cache"
    env = environment_with(
        {**fresh_home_env(home), "DR_DESIGNER_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    )
    code = _CHILD.format(benchmarks=str(ROOT / "benchmarks"))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "OPENED" in done.stdout
    controls = [
        line.removeprefix("CONTROL ") for line in done.stdout.splitlines() if "CONTROL" in line
    ]
    assert controls == ["-i on", "-d imports", "-d open", "-i off"]
    # The window saved the code its imports compiled: the next start reads it.
    assert list(cache.glob(f"dataclass-code.gui.{sys.implementation.cache_tag}.marshal"))
