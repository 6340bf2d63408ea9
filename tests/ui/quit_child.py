"""A designer process that quits while its workers run (run as a script by
tests/ui/test_quit_mid_work.py, never imported by pytest).

``quit_child.py WORK FILE``: ``python -m designer gui FILE`` (the console command's own
door: the process's application is the command's, and the process ends with the
command, as the installed ``dr-designer`` does); once
the window shows the design, start WORK, print ``working``, and as soon as it runs, quit
(print ``quitting``): the window closes, the command's event loop ends and the process
exits with the command's exit code; first thing at exit it prints ``left at exit: N
[...]``, the designer's widgets still alive. WORK, ``+``-separated:

* ``sweep``: F5, then the *Single points of failure* tab's run button (the N-1 sweep on
  its thread); File > Quit while the sweep runs.
* ``availability``: F9 (Compute Availability: the cut sets, then a Monte Carlo over
  spawned processes); File > Quit once the Monte Carlo has started.
* ``edit``: an edit first (Select All, then a nudge): the design has unsaved changes.
* ``save``: an edit, then File > Save (Ctrl+S): the file is written on a worker while
  the window waits; the window's close button is pressed during the save (its keys and
  clicks are refused meanwhile: the window manager's close is the one way out). Prints
  ``new content: SHA256`` of what the save writes.
* ``capacity``: File > Quit while the capacity sizing of a design stating a workload
  runs on its worker.
* ``simulation``: F5 (simulation mode; its simulator prepared on a worker), File > Quit
  at once.
* ``open``: File > Quit as soon as the window shows the design (simulation mode's
  modules still being imported in the background, the live check and a sizing under
  way).
* ``thread``: a thread of the program's that the interpreter waits for (not a daemon)
  runs for a second: the command cannot end the process itself and leaves it to the
  interpreter's exit (its windows deleted first); then as ``open``.

The process normally ends without the interpreter's teardown (designer.ui.app.leave);
if the teardown runs, it prints ``interpreter teardown``.

``availability+save``: the Monte Carlo runs, then the save, the close during it. A
question ("Save the changes?") is printed and answered Save (``edit``: the quit saves
first) — a question no one asked would fail the test.

Guarded by ``__main__``: the Monte Carlo's processes are spawned (never forked from a Qt
process), and a spawned process imports the parent's main module; an unguarded script
ran the whole designer again in each of them.
"""

from __future__ import annotations

import atexit
import faulthandler
import hashlib
import os
import runpy
import signal
import sys
import threading
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

import designer.ui.app as app_module
from designer import bytecheck
from designer.persistence import dumps
from designer.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
STARTED = time.perf_counter()


def say(text: str) -> None:
    print(text, flush=True)


def answer(kind: str, button: QMessageBox.StandardButton) -> object:
    """A message box's static helper that prints what it was asked and answers at once
    (no dialog may block the child): "Save the changes?" when the window closes is
    answered Save."""

    def show(parent: object, title: str, text: str, *args: object, **kwargs: object) -> object:
        say(f"{kind}: {title}: {text}")
        return button

    return staticmethod(show)


def later(then: Callable[[], None], ms: int = 20) -> None:
    QTimer.singleShot(ms, then)


class Driver:
    def __init__(self, window: MainWindow, work: list[str]) -> None:
        self.window = window
        self.work = work
        self.quit_at = 0.0

    def start(self) -> None:
        window = self.window
        if window.session.path is None:  # the design is not open yet
            later(self.start)
            return
        window.activateWindow()
        window.view.setFocus()
        self.next()

    def next(self) -> None:
        if not self.work:
            return
        getattr(self, "do_" + self.work.pop(0))()

    def quit(self) -> None:
        self.say_new_content()
        say("quitting")
        self.quit_at = time.perf_counter()
        self.window.act_quit.trigger()  # File > Quit (Ctrl+Q)

    def say_new_content(self) -> None:
        """What a save of the design now writes (a quit with unsaved changes saves)."""
        design = self.window.session.design
        if self.window.session.dirty:
            say("new content: " + hashlib.sha256(dumps(design).encode()).hexdigest())

    # -- the work ------------------------------------------------------------------------
    def do_sweep(self) -> None:
        window = self.window
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
        spof = window.simulation.spof
        window.simulation.tabs.setCurrentWidget(spof)
        QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
        say("working")
        if spof.running:
            self.quit()
            return
        say("the sweep ended before the quit")  # the test fails: too quick
        window.close()

    def do_edit(self) -> None:
        window = self.window
        if not window.session.dirty:
            window.view.setFocus()
            QTest.keyClick(window.view.viewport(), Qt.Key.Key_A, CTRL)  # Select All
            QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)  # a nudge
        if not window.session.dirty:  # the window not ready for edits yet
            later(self.do_edit)
            return
        say("edited")
        later(self.next, 0)

    def do_availability(self) -> None:
        window = self.window
        window.view.setFocus()
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_F9)  # Compute Availability
        if not window.availability.model.running:  # the shortcut not live yet
            later(self.do_availability)
            return
        say("working")
        self.wait_for_monte_carlo()

    def wait_for_monte_carlo(self) -> None:
        feature = self.window.availability
        if not feature.model.running:
            say("the availability run ended first")  # the test fails: too quick
        elif not feature.panel.phase.text().startswith("Monte Carlo"):
            later(self.wait_for_monte_carlo, 5)
            return
        say("monte carlo")
        if self.work:
            self.next()
        else:
            self.quit()

    def do_save(self) -> None:
        window = self.window
        if not window.session.dirty:
            self.work.insert(0, "save")
            self.do_edit()
            return
        self.say_new_content()
        later(self.close_while_saving, 0)  # runs in the save's own event loop
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, CTRL)  # File > Save
        say(f"save returned, modified: {window.session.dirty}")

    def close_while_saving(self) -> None:
        window = self.window
        if not window._saving:
            say("the save ended before the close")  # the test fails: too quick
        say("working")
        say("closing")
        self.quit_at = time.perf_counter()
        window.close()  # the window's close button (the window manager's close event)
        say(f"close returned, visible: {window.isVisible()}")

    def do_capacity(self) -> None:
        controller = self.window.capacity_controller
        if controller is None:
            later(self.do_capacity, 5)
            return
        if controller.sizing:
            say("working")
            self.quit()
            return
        if controller.report is not None:
            say("the sizing ended first")  # the test fails: too quick
            self.quit()
            return
        # The quit the moment the sizing starts: polling every 5 ms missed a 1k sizing
        # once it took less than that on an idle machine.
        controller.sizing_started.connect(self.quit_as_sizing_starts)

    def quit_as_sizing_starts(self) -> None:
        controller = self.window.capacity_controller
        assert controller is not None
        controller.sizing_started.disconnect(self.quit_as_sizing_starts)
        if not controller.sizing:
            say("the sizing ended first")
        else:
            say("working")
        self.quit()

    def do_open(self) -> None:
        say("working")
        self.quit()

    def do_thread(self) -> None:
        threading.Thread(target=time.sleep, args=(1.0,), daemon=False).start()
        self.do_open()

    def do_simulation(self) -> None:
        QTest.keyClick(self.window.view.viewport(), Qt.Key.Key_F5)
        say("working")
        self.quit()


def open_window(file: str | None) -> MainWindow:
    window = opened(file)
    assert isinstance(window, MainWindow)
    driver = Driver(window, WORK.split("+"))
    drivers.append(driver)
    QTimer.singleShot(0, driver.start)
    return window


def left_at_exit() -> None:
    """Registered after PySide's own clean-up, so run before it: what the command left
    for it to delete (the designer's top-level widgets still alive)."""
    app = QApplication.instance()
    left = [
        type(w).__name__
        for w in (app.topLevelWidgets() if isinstance(app, QApplication) else [])
        if w.parent() is None and type(w).__module__.startswith("designer.")
    ]
    took = [f"{time.perf_counter() - d.quit_at:.2f}" for d in drivers if d.quit_at]
    say(f"quit to exit: {' '.join(took)} s")
    say(f"left at exit: {len(left)} {sorted(left)}")


class Teardown:
    """Says when it is freed: by the interpreter's teardown, which a process ending with
    ``os._exit`` skips. Kept on the ``sys`` module, whose attributes the teardown
    clears near its very end, and written to the descriptor (``sys.stdout`` may be gone
    by then). Kept in ``__main__``'s globals it said so only while something else held
    the ``__main__`` module until the teardown cleared the modules still alive: the
    domain's models built at ``import designer.ui`` did, by chance (a module whose
    globals are in a reference cycle frozen by ``gc.freeze`` and that is freed before
    then never has them cleared)."""

    def __del__(self, write: Callable[[int, bytes], int] = os.write) -> None:
        write(1, b"interpreter teardown\n")


if __name__ == "__main__":
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # a hang: `kill -USR1` shows where
    for name in ("critical", "warning", "information"):
        setattr(QMessageBox, name, answer(name, QMessageBox.StandardButton.Ok))
    QMessageBox.question = answer("question", QMessageBox.StandardButton.Save)  # type: ignore[method-assign,assignment]
    WORK = sys.argv[1]
    sys.dr_designer_teardown = Teardown()  # see Teardown
    drivers: list[Driver] = []
    atexit.register(left_at_exit)
    opened = app_module.open_window
    app_module.open_window = open_window
    started = bytecheck.start

    def start_said(path: str) -> None:  # the child counting a big file's keys, said
        started(path)
        for check in bytecheck._STARTED:
            say(f"byte check: {check.process.pid}")

    bytecheck.start = start_said
    assert QApplication.instance() is None  # the command makes the process's application
    # `python -m designer gui FILE`: designer/__main__.py as the main module, the door
    # that ends the process with the command (designer.entry), as `dr-designer` does.
    sys.argv = [sys.argv[0], "gui", sys.argv[2]]
    runpy.run_module("designer", run_name="__main__", alter_sys=True)
