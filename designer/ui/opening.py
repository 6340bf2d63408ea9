"""Read a big design file on a worker thread while the window keeps painting (issue 10:
File > Open and Open Recent of a 100,000-element design held the window in one turn of
1-3 s, 16 s on a loaded machine, the status bar saying nothing).

As a save does (:mod:`designer.ui.saving`), the window waits in a local event loop: it
repaints, its timers run, and the status bar says "Opening NAME… N %" as the file is
validated. The worker reads with :func:`designer.persistence.load_with_stamp`'s
``progress``: the file validated in slices of a few ms each
(:mod:`designer.persistence.in_slices`), so no call of it holds the interpreter lock
for long and the UI thread's turns stay short. What would change the design or start
another file action — a key, a click, a drop — is refused meanwhile (the design shown
is about to be replaced) and the status bar says so; the pointer is the busy one. The
caller gets the load's result or its exception, as from ``load_with_stamp``; the design
is then put in the window on the UI thread as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from designer.collector import collector_paused
from designer.domain.design import Design
from designer.persistence import FileStamp, load_with_stamp
from designer.ui import slices
from designer.ui.saving import _Done, _RefuseInput
from designer.ui.session import sharing_the_ui_thread

__all__ = ["PROGRESS_MS", "load_beside_the_window"]

#: How often the status bar's share is brought up to date while a file is read.
PROGRESS_MS = 100


def load_beside_the_window(
    path: Path,
    *,
    window: QWidget,
    refused: Callable[[], None],
    progress: Callable[[float], None],
) -> tuple[Design, FileStamp]:
    """``load_with_stamp(path)`` on a worker while the event loop runs, ``window``
    refusing the user's edits meanwhile (``refused`` says so); ``progress`` is called on
    the UI thread every :data:`PROGRESS_MS` with the share of the file validated. Its
    result, or its exception re-raised."""
    outcome: list[tuple[Design, FileStamp] | BaseException] = []
    share = [0.0]
    done = _Done()
    loop = QEventLoop()
    done.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def note(part: float) -> None:
        share[0] = part

    def work() -> None:
        try:
            with sharing_the_ui_thread(), collector_paused():
                outcome.append(load_with_stamp(path, progress=note))
        except BaseException as exc:  # handed to the UI thread, raised there
            outcome.append(exc)
        finally:
            done.finished.emit()

    guard = _RefuseInput(window, refused)
    app = QCoreApplication.instance()
    if app is not None:
        app.installEventFilter(guard)
    ticker = QTimer()
    ticker.setInterval(PROGRESS_MS)
    ticker.timeout.connect(lambda: progress(share[0]))
    ticker.start()
    # The idle slices of the design shown wait: it is about to be replaced.
    runner = slices.shared()
    hold = ("open design", id(done))
    runner.hold(hold, done)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)  # the pointer says so too
    worker = threading.Thread(target=work, name="open design", daemon=True)
    worker.start()
    try:
        loop.exec(QEventLoop.ProcessEventsFlag.AllEvents)
    finally:
        worker.join()
        QGuiApplication.restoreOverrideCursor()
        ticker.stop()
        runner.release(hold)
        if app is not None:
            app.removeEventFilter(guard)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
