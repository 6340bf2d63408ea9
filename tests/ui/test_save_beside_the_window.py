"""Ctrl+S and File > Save As write the file on a worker while the
window keeps running (issue 10: a 100,000-element save held the window 4-13 s), through
the user's door (``dr-designer gui FILE``): the status bar says "Saving…", the event
loop turns meanwhile, the file is byte for byte the canonical text, the modified mark
goes only once it is written; a failing save says so and loses nothing; a close asked
for during the save waits for it."""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from designer.persistence import dump, load, loads
from designer.ui import saving, slices
from designer.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402


def _asleep_but_me() -> bool | None:
    """Whether every other thread of this process sleeps (none running, waiting for a
    core or in I/O), from Linux's ``/proc``; None where there is none."""
    me = str(threading.get_native_id())
    try:
        tasks = [t for t in os.scandir("/proc/self/task") if t.name != me]
        stats = [Path(t.path, "stat").read_text(encoding="ascii") for t in tasks]
    except OSError:
        return None
    return all(stat.rsplit(")", 1)[1].split()[0] in "STtZXI" for stat in stats)


def _until_turned(turned: threading.Event) -> None:
    """Wait until the window's loop turned twice, or until the process sat asleep for a
    second without it: a loop that turns wakes every 5 ms for the watch's timer, one
    slowed by a loaded machine waits for a core (runnable, not asleep), while a frozen
    one (its thread waiting for this worker) never wakes. Only the frozen loop ends the
    wait early, however slow the machine (a fixed 10 s ended it on a loaded one too)."""
    asleep_since: float | None = None
    bound = time.monotonic() + 120  # without /proc, a frozen loop ends the wait here
    while not turned.wait(0.01):
        asleep = _asleep_but_me()
        if asleep is None:
            if time.monotonic() > bound:
                return
        elif not asleep:
            asleep_since = None
        elif asleep_since is None:
            asleep_since = time.monotonic()
        elif time.monotonic() - asleep_since > 1.0:
            return


@pytest.fixture
def slow_worker_save(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The save's worker (every design saves on one) waits 0.3 s before it writes (a
    big design's time, on a small one); records the thread it ran on, and what the
    window showed and how often its event loop turned while it ran. Watched (see
    :func:`_watch`), it also waits until the window's loop turned twice
    (:func:`_until_turned`): on a loaded machine the save's first turn (the edit's
    repaint: 60-170 ms of wall clock alone, 0.5-2.5 s at load 10) outlasted the 0.3 s,
    and the loop turned once in the save (a frozen loop never turns, however long the
    worker waits)."""
    seen: dict[str, Any] = {"threads": [], "messages": [], "ticks": 0}
    real_save = saving.save
    started = threading.Event()
    turned = threading.Event()

    def slow_save(*args: Any, **kwargs: Any) -> Any:
        seen["threads"].append(threading.current_thread())
        started.set()
        threading.Event().wait(0.3)
        if seen.get("watched"):
            _until_turned(turned)
        return real_save(*args, **kwargs)

    monkeypatch.setattr(saving, "save", slow_save)
    seen["started"] = started
    seen["turned"] = turned
    return seen


def _watch(window: MainWindow, seen: dict[str, Any]) -> QTimer:
    """A timer of the window's event loop noting the status bar while a save runs."""
    timer = QTimer(window)
    timer.setInterval(5)
    seen["watched"] = True

    def tick() -> None:
        if seen["started"].is_set():
            seen["ticks"] += 1
            seen["messages"].append(window.statusBar().currentMessage())
            if seen["ticks"] >= 2:
                seen["turned"].set()

    timer.timeout.connect(tick)
    timer.start()
    return timer


def _design_file(tmp_path: Path) -> Path:
    path = tmp_path / "design.json"
    path.write_text(dump.reference_dumps(generate_design(300, seed=5)), encoding="utf-8")
    return path


def _edit(window: MainWindow) -> None:
    """A real edit: an element selected, then the arrow key on the canvas (a nudge)."""
    first = next(e.id for e in window.session.design.elements if e.kind == "site")
    window.session.set_selection([first])
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)
    assert window.session.dirty
    assert window.isWindowModified()


def test_ctrl_s_saves_on_a_worker_while_the_window_runs(
    launch: Callable[..., MainWindow], tmp_path: Path, slow_worker_save: dict[str, Any]
) -> None:
    path = _design_file(tmp_path)
    window = launch(path)
    _edit(window)
    edited = window.session.design
    _watch(window, slow_worker_save)
    QTest.keySequence(window, "Ctrl+S")  # returns once the save is done
    assert slow_worker_save["threads"] and all(
        t is not threading.main_thread() for t in slow_worker_save["threads"]
    )
    # The timer ticks every 5 ms; the worker waits for two ticks (see slow_worker_save):
    # fewer, the window's loop stood still while the file was written.
    assert slow_worker_save["ticks"] >= 2, "the event loop stood still during the save"
    assert any(m.startswith("Saving design.json") for m in slow_worker_save["messages"])
    assert path.read_bytes() == dump.reference_dumps(edited).encode("utf-8")
    assert load(path) == edited
    assert not window.session.dirty
    assert not window.isWindowModified()
    assert "Saved design.json" in window.statusBar().currentMessage()


def test_save_as_writes_a_new_file_on_a_worker(
    launch: Callable[..., MainWindow],
    tmp_path: Path,
    slow_worker_save: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _design_file(tmp_path)
    window = launch(path)
    _edit(window)
    target = tmp_path / "copy.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    window.act_save_as.trigger()
    assert target.read_bytes() == dump.reference_dumps(window.session.design).encode("utf-8")
    assert loads(target.read_bytes()) == window.session.design
    assert window.session.path == target.resolve()
    assert not window.session.dirty
    assert path.read_bytes() != target.read_bytes()  # the first file is untouched


def _read_only_file(folder: Path) -> Path:
    target = folder / "locked.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    return target


def _missing_folder(folder: Path) -> Path:
    return folder / "gone" / "copy.json"


def _read_only_folder(folder: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return locked / "copy.json"


@pytest.mark.parametrize(
    "where", [_read_only_file, _missing_folder, _read_only_folder], ids=lambda f: f.__name__[1:]
)
def test_a_failing_save_says_so_and_loses_nothing(
    launch: Callable[..., MainWindow],
    tmp_path: Path,
    slow_worker_save: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    no_modal_dialogs: list[tuple[str, str]],
    where: Callable[[Path], Path],
) -> None:
    path = _design_file(tmp_path)
    before = path.read_bytes()
    window = launch(path)
    _edit(window)
    edited = window.session.design
    target = where(tmp_path)
    existed = target.read_bytes() if target.exists() else None
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    window.act_save_as.trigger()
    assert slow_worker_save["threads"], "the save did not run on the worker"
    (_kind, text), *_ = [s for s in no_modal_dialogs if s[0] == "critical"]
    assert str(target) in text
    assert (target.read_bytes() if target.exists() else None) == existed
    assert window.session.design == edited
    assert window.session.dirty and window.isWindowModified()
    assert window.session.path == path.resolve()
    assert path.read_bytes() == before
    QTest.keySequence(window, "Ctrl+S")  # the same design still saves where it was
    assert path.read_bytes() == dump.reference_dumps(edited).encode("utf-8")
    assert not window.session.dirty


def test_a_close_during_the_save_waits_for_it(
    launch: Callable[..., MainWindow], tmp_path: Path, slow_worker_save: dict[str, Any]
) -> None:
    path = _design_file(tmp_path)
    window = launch(path)
    _edit(window)
    edited = window.session.design
    closes: list[bool] = []

    def close_now() -> None:
        if slow_worker_save["started"].is_set() and not closes:
            closes.append(window.close())  # refused for now: the save is running

    timer = QTimer(window)
    timer.timeout.connect(close_now)
    timer.start(5)
    QTest.keySequence(window, "Ctrl+S")
    timer.stop()
    assert closes == [False]
    assert window.isVisible()
    assert path.read_bytes() == dump.reference_dumps(edited).encode("utf-8")
    QApplication.processEvents()  # the close asked for runs now, on a clean design
    assert not window.isVisible()


def test_an_edit_during_the_save_is_refused_and_said_never_applied_after(
    qtbot,  # type: ignore[no-untyped-def]
    launch: Callable[..., MainWindow],
    tmp_path: Path,
    slow_worker_save: dict[str, Any],
) -> None:
    """While the file is written, a key, a click and a second Ctrl+S on the window are
    refused and the status bar says so: the file, the design and its clean state agree
    once the save ends, and nothing the user did runs later behind their back. (An
    edit that reached the window during the save changed the design, then the save
    marked it clean though the file lacked it: quitting lost it without a question.)"""
    path = _design_file(tmp_path)
    window = launch(path)
    _edit(window)
    edited = window.session.design
    selected = window.session.selection
    viewport = window.view.viewport()
    corner = viewport.rect().topLeft() + QPoint(3, 3)
    said: list[str] = []

    def try_to_edit() -> None:
        if slow_worker_save["started"].is_set() and not said:
            QTest.keyClick(viewport, Qt.Key.Key_Right)  # a nudge of the selected site
            QTest.keyClick(viewport, Qt.Key.Key_Delete)
            QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=corner)
            QTest.keySequence(window, "Ctrl+S")  # a second save
            said.append(window.statusBar().currentMessage())
            shots = Path("/tmp/fix13-shots")
            shots.mkdir(exist_ok=True)
            window.grab().save(str(shots / "save-refuses-an-edit.png"))

    timer = QTimer(window)
    timer.timeout.connect(try_to_edit)
    timer.start(5)
    QTest.keySequence(window, "Ctrl+S")  # returns once the save is done
    timer.stop()
    assert said == ["Saving design.json… the design cannot be changed until it is written"]
    assert len(slow_worker_save["threads"]) == 1, "a second save started during the first"
    assert path.read_bytes() == dump.reference_dumps(edited).encode("utf-8")
    assert window.session.design == edited
    assert not window.session.dirty and not window.isWindowModified()
    assert "Saved design.json" in window.statusBar().currentMessage()
    qtbot.wait(50)  # nothing held back runs now
    assert window.session.design == edited and window.session.selection == selected
    # The same key and click act once the file is written.
    QTest.keyClick(viewport, Qt.Key.Key_Right)
    assert window.session.design != edited and window.isWindowModified()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=corner)
    assert window.session.selection != selected


def test_the_idle_slices_wait_while_the_file_is_written(
    qtbot,  # type: ignore[no-untyped-def]
    launch: Callable[..., MainWindow],
    tmp_path: Path,
    slow_worker_save: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window's idle work in slices (lines routed, boxes built after opening a big
    design) makes no step while the worker writes the file, and goes on after it: beside
    the worker, each such turn waited for the interpreter lock at every call between Qt
    and Python (wave 15, ``save15``: the longest turns of a Save As at 100k)."""
    path = _design_file(tmp_path)
    window = launch(path)
    _edit(window)
    steps: list[int] = []

    def step(_deadline: float) -> bool:
        steps.append(1)
        return len(steps) >= 100_000

    runner = slices.shared()
    runner.start("test: idle work", window, step)
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=5000)
    seen: dict[str, int] = {}
    slow = saving.save  # the fixture's: waits 0.3 s on the worker, then writes

    def observed(*args: Any, **kwargs: Any) -> Any:
        seen["before"] = len(steps)
        try:
            return slow(*args, **kwargs)
        finally:
            seen["after"] = len(steps)

    monkeypatch.setattr(saving, "save", observed)
    _watch(window, slow_worker_save)
    try:
        QTest.keySequence(window, "Ctrl+S")  # returns once the save is done
        assert slow_worker_save["ticks"] >= 2, "the event loop stood still during the save"
        assert seen["after"] == seen["before"], "an idle slice ran while the file was written"
        assert path.read_bytes() == dump.reference_dumps(window.session.design).encode("utf-8")
        assert not runner.held
        qtbot.waitUntil(lambda: len(steps) > seen["after"] + 2, timeout=5000)  # on again
    finally:
        runner.cancel("test: idle work")
