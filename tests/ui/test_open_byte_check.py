"""``dr-designer gui FILE`` of a big file starts a child process counting its keys
(``designer.bytecheck``) before the window's modules are imported (File > Open: its
load starts it); the open's load takes its answer (the loader then counts nothing
itself, and checks only the columns of a structure the child found whole), ends and
reaps it; a bad file keeps its message; no child is left once the window has opened,
nor after File > Quit (the loader's side: tests/persistence/test_byte_check.py,
tests/persistence/test_child_structure.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from design_reads import count_guard
from gui_door import user_folders
from PySide6.QtWidgets import QFileDialog

from designer import bytecheck
from designer.domain.structure import child_plan
from designer.persistence import LoadError, file_format, load

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = sorted((ROOT / "sample_designs").glob("*.json"))[0]
QUIT_CHILD = Path(__file__).with_name("quit_child.py")


def _big(tmp_path: Path) -> Path:
    """A sample padded with white space past the size that gets a child (JSON allows it)."""
    path = tmp_path / "big design.json"
    shutil.copyfile(SAMPLE, path)
    with path.open("ab") as out:
        out.write(b"\n" * (bytecheck.CHILD_FROM_BYTES + 1))
    return path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[bytecheck.ByteCheck]:
    """The children started, each waited for until it has said all it will say (so
    that the load has its answer, however fast the window opens)."""
    checks: list[bytecheck.ByteCheck] = []
    start = bytecheck.start

    def start_and_wait(path: str) -> None:
        start(path)
        for check in bytecheck._STARTED:
            if check not in checks:
                checks.append(check)
                check.tell(child_plan())  # as the read-ahead or the load tells it
                assert check.ended(60)

    monkeypatch.setattr(bytecheck, "start", start_and_wait)
    return checks


@pytest.fixture
def counted_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The loader's own counts (the guard's two sides)."""
    return count_guard(monkeypatch)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The loader's structure checks from now on: whether each was vouched for (the
    columns only) or in full."""
    made: list[bool] = []
    real = file_format.checked_columns

    def checked(design: Any, *, vouched: Any = False) -> Any:
        made.append(vouched() if callable(vouched) else vouched)  # (asked: the same)
        return real(design, vouched=vouched)

    monkeypatch.setattr(file_format, "checked_columns", checked)
    return made


def test_the_door_takes_the_childs_answer(
    launch: Any,
    tmp_path: Path,
    started: list[bytecheck.ByteCheck],
    counted_here: list[str],
    checks: list[bool],
) -> None:
    big = _big(tmp_path)
    expected = load(SAMPLE)
    small = launch(SAMPLE).view.design_scene  # no child: the structure checked in full
    drawn = set(small.nodes) | set(small.edges)
    counted_here.clear()
    checks.clear()
    window = launch(big)
    assert window.session.path == big.resolve()
    assert window.session.design == expected
    (check,) = started  # one child: the open's read-ahead kept the door's
    assert check.lines[1:] == ["unique", "whole"]
    assert counted_here == []  # its answer taken: the loader counted nothing
    assert checks == [True]  # and checked only the columns
    # What the user sees: the canvas draws what it draws of the sample without a child.
    scene = window.view.design_scene
    assert set(scene.nodes) | set(scene.edges) == drawn and drawn
    assert check.ended(10) and check.process.returncode == 0  # reaped
    assert bytecheck._STARTED == []


def test_a_big_file_with_a_key_twice_through_the_door_keeps_its_message(
    launch: Any,
    tmp_path: Path,
    started: list[bytecheck.ByteCheck],
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    big = _big(tmp_path)
    text = big.read_text(encoding="utf-8")
    at = text.index('"notes": ')
    big.write_text(text[:at] + '"notes": "one",\n' + text[at:], encoding="utf-8")
    window = launch(big)
    assert any("duplicate key 'notes'" in text for _, text in no_modal_dialogs)
    assert window.session.path != big.resolve()
    (check,) = started
    assert check.lines[1:] == ["repeated"]
    assert check.ended(10)
    assert bytecheck._STARTED == []


def test_a_big_file_with_a_dangling_reference_through_the_door_keeps_its_message(
    launch: Any,
    tmp_path: Path,
    started: list[bytecheck.ByteCheck],
    no_modal_dialogs: list[tuple[str, str]],
    checks: list[bool],
) -> None:
    """The child finds the structure broken: the loader checks in full, its message."""
    big = _big(tmp_path)
    text = big.read_text(encoding="utf-8")
    big.write_text(text.replace('"site": "', '"site": "gone-', 1), encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        load(big)
    checks.clear()
    window = launch(big)
    assert any(str(refused.value) in text for _, text in no_modal_dialogs)
    assert window.session.path != big.resolve()
    (check,) = started
    assert check.lines[1:] == ["unique", "broken"]
    assert checks[:1] == [False]


def test_the_door_starts_the_child_before_it_imports_the_window(tmp_path: Path) -> None:
    """In a process of its own: nothing of Qt imported when the child is started."""
    big = _big(tmp_path)
    code = (
        "import sys\n"
        "from designer import bytecheck, entry\n"
        "def start(path):\n"
        "    print('qt imported:', 'PySide6' in sys.modules, 'at', path, flush=True)\n"
        "    raise SystemExit(0)\n"
        "bytecheck.start = start\n"
        f"entry.main(['gui', {str(big)!r}])\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert f"qt imported: False at {big}" in run.stdout, run.stdout + run.stderr


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="processes looked up in /proc")
def test_no_child_is_left_after_file_quit(tmp_path: Path) -> None:
    """``python -m designer gui FILE`` (the console command's own door), File > Quit as
    soon as the design shows (tests/ui/quit_child.py): the child it started is gone."""
    big = _big(tmp_path)
    env = {
        **os.environ,
        **user_folders(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, str(QUIT_CHILD), "open", str(big)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    pids = [
        int(line.split()[-1]) for line in run.stdout.splitlines() if line.startswith("byte check:")
    ]
    assert len(set(pids)) == 1, run.stdout  # one child (the open kept the door's)
    for pid in set(pids):
        deadline = time.monotonic() + 60  # a child killed at the load may still be ending
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists(), f"child {pid} still there"
    # Nor any process reading the file (a child started by someone else).
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        assert str(big).encode() not in cmdline, proc


def test_file_open_of_a_big_file_takes_its_childs_answer(
    launch: Any,
    tmp_path: Path,
    started: list[bytecheck.ByteCheck],
    counted_here: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """File > Open (no read-ahead): the load starts the child itself."""
    window = launch()  # the bundled sample
    big = _big(tmp_path)
    expected = load(SAMPLE)
    counted_here.clear()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(big), ""))
    )
    window.act_open.trigger()
    assert window.session.path == big.resolve()
    assert window.session.design == expected
    (check,) = started
    assert check.lines[1:] == ["unique", "whole"]
    assert counted_here == []
    assert check.ended(10) and bytecheck._STARTED == []
