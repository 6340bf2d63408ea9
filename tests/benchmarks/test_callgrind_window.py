"""The UI thread's stages of an opening (benchmarks/callgrind_window.py): its child opens
a design through the benchmark's door and dumps each stage once, in order, from
``MainWindow()`` to the first frame's end; its parent reads the UI thread's dumps only,
summing a stage cut by late timers. The instructions themselves are the benchmark's
(valgrind), never a test's: here ``callgrind_control`` is replaced by a recorder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "benchmarks"):  # the script imports its siblings
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from _callgrind import environment_with, fresh_home_env  # noqa: E402

from benchmarks.callgrind_window import LATE, STAGES, ui_thread_counts  # noqa: E402

SAMPLE = sorted((ROOT / "sample_designs").glob("*.json"))[0]

_CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{benchmarks!r}]
    import callgrind_window as cw
    cw.control = lambda *args: print("CONTROL", *args, flush=True)
    cw._child(cw.Path({file!r}), {skip!r})
    """
)


def _controls(tmp_path: Path, *, skip_load: bool) -> list[str]:
    home = tmp_path / "home"
    env = environment_with({**fresh_home_env(home), "BENCH_SCALE_TREE": str(ROOT)})
    code = _CHILD.format(benchmarks=str(ROOT / "benchmarks"), file=str(SAMPLE), skip=skip_load)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "FIRST-FRAME" in done.stdout
    return [line.removeprefix("CONTROL ") for line in done.stdout.splitlines() if "CONTROL" in line]


def test_every_stage_is_dumped_once_in_order(tmp_path: Path) -> None:
    controls = _controls(tmp_path, skip_load=False)
    assert controls[0] == "-i on" and controls[-1] == "-i off"
    dumped = [c.removeprefix("-d ") for c in controls if c.startswith("-d ") and c != f"-d {LATE}"]
    # A stage cut by a late timer is dumped in parts: each part under its label.
    stages = [d for i, d in enumerate(dumped) if i == 0 or dumped[i - 1] != d]
    assert tuple(stages) == STAGES
    assert [c for c in controls if c.startswith("-i")] == ["-i on", "-i off"]


def test_the_reading_is_left_uncounted_when_asked(tmp_path: Path) -> None:
    controls = _controls(tmp_path, skip_load=True)
    show = controls.index("-d show")
    # Off after the show, on again for the reading's (empty) dump, off at the end.
    assert controls[show + 1 : show + 4] == ["-i off", "-i on", "-d show_to_load"]
    assert controls[-1] == "-i off"


def test_the_ui_threads_dumps_are_read_and_a_cut_stage_summed(tmp_path: Path) -> None:
    def dump(name: str, label: str, total: int) -> None:
        (tmp_path / name).write_text(
            f"version: 1\ndesc: Trigger: dump {label}\nevents: Ir\ntotals: {total}\n"
        )

    for n, stage in enumerate(STAGES, start=1):
        dump(f"cg.out.42.{n}-01", stage, 1000 * n)
        dump(f"cg.out.42.{n}-02", stage, 7)  # another thread's: not read
    dump("cg.out.42.20-01", "before_paint", 5)  # the rest of a stage cut by a timer
    dump("cg.out.42.21-01", LATE, 300)
    counts = ui_thread_counts(tmp_path)
    assert counts["window"] == 1000
    assert counts["before_paint"] == 1000 * (STAGES.index("before_paint") + 1) + 5
    assert counts[LATE] == 300
    assert set(counts) == {*STAGES, LATE}
