"""kill -9 in the middle of editing loses at most the last edit (issue 15: the recovery
copy was written every 30 s, up to 29 edits were lost). A real designer process,
started through its console entry, makes real edits and is killed with SIGKILL; a
second process started the same way is offered the copy and restores it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("crash_child.py")
SAMPLE = ROOT / "sample_designs" / "stretched_dag_lagged.json"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    return env


def crash_after(path: Path, env: dict[str, str], edits: int, delay: float) -> tuple[list[str], int]:
    """Start, edit, kill -9 once ``edits`` edits were made (and ``delay`` more seconds);
    the design hashes after 0, 1, 2, … edits and the number of edits made."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "edit", str(path), "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    hashes: list[str] = []
    try:
        for line in child.stdout:
            word, *rest = line.split()
            if word == "ready":
                hashes.append(rest[0])
            elif word == "edited":
                hashes.append(rest[1])
                if int(rest[0]) == edits:
                    break
        else:
            pytest.fail("the designer process ended before it was killed")
        if delay:
            import time

            time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        for line in child.stdout:  # what it managed to do before the signal landed
            word, *rest = line.split()
            if word == "edited":
                hashes.append(rest[1])
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    return hashes, len(hashes) - 1


def restart(env: dict[str, str]) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, str(CHILD), "restart"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    lines = dict(line.split(" ", 1) for line in run.stdout.splitlines() if " " in line)
    assert "design" in lines, run.stdout + run.stderr[-3000:]
    return int(lines["asked"]), lines["design"].split()[0]


@pytest.mark.parametrize("seed", [1, 3])
def test_kill_9_while_editing_loses_at_most_the_last_edit(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    path = tmp_path / "design.json"
    shutil.copy(SAMPLE, path)
    env = environment(tmp_path)
    edits = rnd.randint(1, 6)
    hashes, made = crash_after(path, env, edits, delay=rnd.uniform(0, 0.08))
    assert made >= edits
    asked, recovered = restart(env)
    if asked == 0:  # no copy yet: only allowed when the one edit lost was the first
        assert made == 1, f"{made} edits made, no recovery copy offered"
        return
    assert asked == 1
    assert recovered in (hashes[made], hashes[made - 1]), (
        f"{made} edits made; recovered {recovered} is not after edit {made} "
        f"({hashes[made]}) or {made - 1} ({hashes[made - 1]}); all: {hashes}"
    )
    assert path.read_bytes() == SAMPLE.read_bytes()  # the file itself was never touched


@pytest.mark.parametrize("edits", [2, 5])
def test_kill_9_on_a_slow_disk_loses_at_most_the_last_edit(tmp_path: Path, edits: int) -> None:
    """Every fsync of the designer takes 0.3 s (a loaded disk; 70-90 ms were seen). The
    first change's base, three files flushed one after the other, was not written yet
    when the second edit, 50 ms later, was followed by a kill: no copy was offered, or
    one without the first edit; later records waited behind the earlier ones' fsyncs.
    (Under load it happened by chance: 2-4 of 12 cases of the test above, base too.)
    What is written now survives the kill whether or not it was flushed yet."""
    path = tmp_path / "design.json"
    shutil.copy(SAMPLE, path)
    env = {**environment(tmp_path), "DR_TEST_SLOW_FSYNC": "0.3"}
    hashes, made = crash_after(path, env, edits, delay=0)
    asked, recovered = restart(env)
    assert asked == 1, f"{made} edits made, no recovery copy offered"
    assert recovered in (hashes[made], hashes[made - 1]), (
        f"{made} edits made; recovered {recovered}; all: {hashes}"
    )
    assert path.read_bytes() == SAMPLE.read_bytes()
