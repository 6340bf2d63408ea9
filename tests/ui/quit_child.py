"""A designer process that quits while its workers run (run as a script by
tests/ui/test_quit_mid_work.py, never imported by pytest).

``quit_child.py WORK FILE``: ``dr-designer gui FILE`` through the console command's own
function (which makes the process's application, as the installed command does); once
the window shows the design, start WORK — ``sweep``: F5, then the *Single points of
failure* tab's run button (the N-1 sweep on its thread) — print ``working``, and as
soon as the sweep's thread runs, File > Quit: the window closes while it runs, the
command's event loop ends and the process exits with the command's exit code; first
thing at exit it prints ``left at exit: N [...]``, the designer's widgets still alive.
"""

from __future__ import annotations

import atexit
import faulthandler
import os
import signal
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

import designer.ui.app as app_module
from designer.entry import main
from designer.ui.main_window import MainWindow

faulthandler.register(signal.SIGUSR1, all_threads=True)  # a hang: `kill -USR1` shows where
work, path = sys.argv[1], sys.argv[2]


def answer(kind: str, button: QMessageBox.StandardButton) -> object:
    """A message box's static helper that prints what it was asked and answers at once
    (no dialog may block the child): "Save the changes?" when the window closes is
    answered Discard."""

    def show(parent: object, title: str, text: str, *args: object, **kwargs: object) -> object:
        print(f"{kind}: {title}: {text}", flush=True)
        return button

    return staticmethod(show)


for name in ("critical", "warning", "information"):
    setattr(QMessageBox, name, answer(name, QMessageBox.StandardButton.Ok))
QMessageBox.question = answer("question", QMessageBox.StandardButton.Discard)  # type: ignore[method-assign,assignment]


def start(window: MainWindow) -> None:
    if window.session.path is None:  # the design is not open yet
        QTimer.singleShot(20, lambda: start(window))
        return
    window.activateWindow()
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    spof = window.simulation.spof
    tabs = window.simulation.tabs
    tabs.setCurrentWidget(spof)
    QTest.mouseClick(spof.run_button, Qt.MouseButton.LeftButton)
    print("working", flush=True)
    quit_when_sweeping(window)


def quit_when_sweeping(window: MainWindow) -> None:
    spof = window.simulation.spof
    if spof.running:
        print("quitting", flush=True)
        window.act_quit.trigger()  # File > Quit (Ctrl+Q)
        return
    print("the sweep ended before the quit", flush=True)  # the test fails: too quick
    window.close()


def open_window(file: str | None) -> MainWindow:
    window = opened(file)
    assert isinstance(window, MainWindow)
    QTimer.singleShot(0, lambda: start(window))
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
    print(f"left at exit: {len(left)} {sorted(left)}", flush=True)


atexit.register(left_at_exit)
opened = app_module.open_window
app_module.open_window = open_window
assert QApplication.instance() is None  # the command makes the process's application
sys.exit(main(["gui", path]))
