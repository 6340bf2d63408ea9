"""Quitting the designer while its workers run ends the process cleanly (exit code 0,
no "Fatal Python error", nothing left for PySide's clean-up): ``dr-designer gui FILE`` in
a child process, work started (the N-1 sweep, an availability run with its Monte Carlo,
a save, both, the capacity sizing, simulation mode), then File > Quit — or, during a
save, the window's close button — while it runs (tests/ui/quit_child.py). The file on
disk is then the old one or the new one, never a part, and no temporary file is left; a
design with unsaved changes asks to save them (answered Save: the new one).

Before, the process aborted when the sweep still ran at the exit ("QThread: Destroyed
while thread is still running"), and PySide's clean-up at exit deleted the windows and
pyqtgraph's parentless plot forms in no set order: a form before its plot was a
segmentation fault after the window had closed (CI's exit code 139 after every test
passed; designer/ui/app.py ``end_session``)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate_design
from designer.domain import KindFigures, ReliabilitySettings
from designer.persistence import dumps, load

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


FIGURES = ReliabilitySettings(
    kinds={
        "site": KindFigures(mtbf_h=20_000.0, mttr_h=48.0, source="test figures"),
        "wan_link": KindFigures(mtbf_h=4_000.0, mttr_h=8.0),
        "esxi_host": KindFigures(mtbf_h=10_000.0, mttr_h=8.0),
        "storage_array": KindFigures(mtbf_h=20_000.0, mttr_h=12.0),
        "storage_processor": KindFigures(mtbf_h=10_000.0, mttr_h=6.0),
        "load_balancer": KindFigures(mtbf_h=8_000.0, mttr_h=4.0),
        "file_share_witness": KindFigures(mtbf_h=5_000.0, mttr_h=8.0),
    }
)


@pytest.fixture(scope="module")
def designs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The designs' texts: ``1k`` big enough that the N-1 sweep takes a while, small
    enough to open quickly; ``figures`` the three-site sample with failure figures (an
    availability run with a Monte Carlo); ``workload`` a 1k design stating a capacity
    workload (sized on a worker)."""
    three_site = ROOT / "sample_designs" / "three_site_stretched_dag.json"
    return {
        "1k": dumps(generate_design(1000, seed=0)),
        "figures": dumps(load(three_site).model_copy(update={"reliability": FIGURES})),
        "workload": dumps(generate_design(1000, seed=0, workload=True)),
    }


def quit_mid_work(
    tmp_path: Path, work: str, text: str, *, teardown: bool = False
) -> tuple[str, Path]:
    """Run the child with ``work`` on a file holding ``text``; its output, checked for a
    clean end, and the file. The process ends without the interpreter's teardown nor
    PySide's clean-up at exit (``os._exit`` once the session has ended:
    designer.ui.app.leave), unless ``teardown``: it could not (a thread the interpreter
    waits for), and its windows were deleted before that clean-up."""
    folder = tmp_path / "designs"
    folder.mkdir()
    design = folder / "design.json"
    design.write_text(text, encoding="utf-8")
    run = run_child(tmp_path, work, design)
    said = run.stdout + run.stderr
    assert "working" in run.stdout, said
    assert "quitting" in run.stdout or "closing" in run.stdout, said
    assert "Fatal Python error" not in run.stderr, said
    assert "QThread: Destroyed" not in run.stderr, said
    assert "ended before" not in run.stdout and "ended first" not in run.stdout, said
    assert run.returncode == 0, said
    if teardown:
        # The command deleted its windows itself, charts with them, before PySide's
        # clean-up.
        assert "left at exit: 0 []" in run.stdout, said
        assert "interpreter teardown" in run.stdout, said
    else:  # nothing left to PySide's clean-up: it never ran
        assert "interpreter teardown" not in run.stdout, said
    assert [p.name for p in folder.iterdir()] == ["design.json"], said  # no temp file left
    return said, design


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_content(said: str) -> str:
    (line,) = [line for line in said.splitlines() if line.startswith("new content: ")]
    return line.removeprefix("new content: ")


@pytest.mark.slow
def test_quit_while_the_sweep_runs_exits_cleanly(tmp_path: Path, designs: dict[str, str]) -> None:
    said, design = quit_mid_work(tmp_path, "sweep", designs["1k"])
    assert design.read_text(encoding="utf-8") == designs["1k"]
    assert "question:" not in said  # nothing changed: nothing to ask


@pytest.mark.slow
def test_quit_during_the_monte_carlo_exits_cleanly(tmp_path: Path, designs: dict[str, str]) -> None:
    said, design = quit_mid_work(tmp_path, "availability", designs["figures"])
    assert "monte carlo" in said  # the quit came while its processes ran
    assert design.read_text(encoding="utf-8") == designs["figures"]
    assert "question:" not in said


@pytest.mark.slow
@pytest.mark.parametrize(("work", "name"), [("save", "1k"), ("availability+save", "figures")])
def test_closing_during_a_save_waits_for_it_then_exits(
    tmp_path: Path, designs: dict[str, str], work: str, name: str
) -> None:
    """The close that comes while the file is written waits for it; the design is then
    clean, so the window closes without a question, and the file is the new one."""
    said, design = quit_mid_work(tmp_path, work, designs[name])
    assert "closing" in said and "close returned, visible: True" in said  # waited
    assert "save returned, modified: False" in said
    assert digest(design) == new_content(said) != hashlib.sha256(designs[name].encode()).hexdigest()
    assert "question:" not in said


@pytest.mark.slow
def test_quit_with_unsaved_changes_asks_and_saves(tmp_path: Path, designs: dict[str, str]) -> None:
    said, design = quit_mid_work(tmp_path, "edit+sweep", designs["1k"])
    assert said.count("question: DR Designer: Save the changes to design.json?") == 1, said
    assert digest(design) == new_content(said)


@pytest.mark.slow
@pytest.mark.parametrize(("work", "name"), [("capacity", "workload"), ("simulation", "1k")])
def test_quit_while_sizing_or_in_simulation_mode_exits_cleanly(
    tmp_path: Path, designs: dict[str, str], work: str, name: str
) -> None:
    said, design = quit_mid_work(tmp_path, work, designs[name])
    assert design.read_text(encoding="utf-8") == designs[name]
    assert "question:" not in said


def settings_file(tmp_path: Path) -> str:
    (path,) = (tmp_path / "config").rglob("*.conf")
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_quit_right_after_opening_leaves_at_once_with_the_settings_written(
    tmp_path: Path, designs: dict[str, str]
) -> None:
    """An edit, then File > Quit the moment the window shows a 1k design stating a
    workload (the live check, the sizing and the background import of simulation mode
    under way): the process ends without waiting for them and without the interpreter's
    teardown, and what it writes is written: the design ("Save the changes?" answered
    Save), the recent files and the window's geometry; its recovery copy removed."""
    said, design = quit_mid_work(tmp_path, "edit+open", designs["workload"])
    assert said.count("question: DR Designer: Save the changes to design.json?") == 1, said
    assert digest(design) == new_content(said)
    settings = settings_file(tmp_path)
    assert str(design.resolve()) in settings, settings  # the recent files
    assert "geometry=" in settings and "state=" in settings, settings  # the window's
    recovery = tmp_path / "data"
    assert recovery.is_dir()  # the recovery copy was kept there while editing...
    assert not [p for p in recovery.rglob("*") if p.is_file()], said  # ...and removed


@pytest.mark.slow
def test_a_thread_the_interpreter_waits_for_leaves_the_exit_to_it(
    tmp_path: Path, designs: dict[str, str]
) -> None:
    """A thread of the program's that is not a daemon is alive at the end: the command
    does not end the process under it; its windows are deleted (their workers waited
    for) and the interpreter's exit follows, the settings written all the same."""
    _said, design = quit_mid_work(tmp_path, "thread", designs["workload"], teardown=True)
    assert str(design.resolve()) in settings_file(tmp_path)
