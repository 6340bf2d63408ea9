"""Save a design on a worker thread while the window keeps painting (issue 10:
Ctrl+S on a 100,000-element design held the window 4-13 s).

Every save runs this way (a small design's took the UI thread only a few ms to dump,
but the atomic writer's two fsyncs 70-90 ms on a loaded disk). A design is immutable,
so the worker writes the very snapshot the user saved (:func:`designer.persistence.
save`: the text in ~1 ms pieces, the atomic writer). The window waits in a local event
loop: it repaints, its timers run, the pointer's hover and the wheel's scrolling work,
and the status bar says "Saving…". What would change the design or start another file
action — a key, a click, a drop, a context menu on the window — is refused while the
file is written, and the status bar says so: the design the save set clean (the
modified mark, the undo stack's clean state) is the one in the file, and nothing the
user did is applied later behind their back (held input used to run, all of it, once
the save ended). The caller gets the save's result or its exception, as from ``save``.

The window's idle work done in slices (:mod:`designer.ui.slices`: lines routed, boxes
built, rows made after opening a big design) waits while the file is written, and goes
on after it. Beside the worker, each such turn waited for the interpreter lock at every
call between Qt and Python: a turn of 3-8 ms of the UI thread's CPU took 15-110 ms of
wall clock, the longest turns of a Save As at 100,000 elements (wave 15, ``save15``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from designer.collector import collector_paused
from designer.domain.design import Design
from designer.persistence import FileStamp, save
from designer.ui import slices
from designer.ui.session import sharing_the_ui_thread

__all__ = ["REFUSED_INPUT", "save_beside_the_window"]

#: The user's input a window refuses while its design is being written: what could
#: edit the design or start another file action (not hovering, not scrolling).
REFUSED_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.ContextMenu,
        QEvent.Type.DragEnter,
        QEvent.Type.DragMove,
        QEvent.Type.Drop,
        QEvent.Type.InputMethod,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class _Done(QObject):
    finished = Signal()


class _RefuseInput(QObject):
    """Eats the refused input aimed at ``window`` (its own widgets only: a dialog the
    save's loop runs stays usable) and calls ``refused`` for each key or click."""

    def __init__(self, window: QWidget, refused: Callable[[], None]) -> None:
        super().__init__()
        self.window = window
        self.refused = refused

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in REFUSED_INPUT or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut runs: the key press then comes here, refused
            return True
        if kind in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Drop):
            self.refused()
        event.ignore()
        return True


def save_beside_the_window(
    design: Design,
    path: Path,
    *,
    expected: FileStamp | None = None,
    window: QWidget | None = None,
    refused: Callable[[], None] = lambda: None,
) -> FileStamp:
    """``save(design, path, expected=expected)`` on a worker while the event loop runs,
    ``window`` refusing the user's edits meanwhile (``refused`` says so); its result,
    or its exception re-raised."""
    outcome: list[FileStamp | BaseException] = []
    done = _Done()
    loop = QEventLoop()
    done.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        try:
            with sharing_the_ui_thread(), collector_paused():
                outcome.append(save(design, path, expected=expected))
        except BaseException as exc:  # handed to the UI thread, raised there
            outcome.append(exc)
        finally:
            done.finished.emit()

    guard = _RefuseInput(window, refused) if window is not None else None
    app = QCoreApplication.instance()
    if guard is not None and app is not None:
        app.installEventFilter(guard)
    # The idle slices wait until the file is written (see the module's docstring).
    runner = slices.shared()
    hold = ("save design", id(done))
    runner.hold(hold, done)
    worker = threading.Thread(target=work, name="save design", daemon=True)
    worker.start()
    try:
        # The queued quit reaches this loop even when the worker finished before it ran.
        # Without a window, the user's input waits until the file is written.
        loop.exec(
            QEventLoop.ProcessEventsFlag.AllEvents
            if guard is not None
            else QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents
        )
    finally:
        worker.join()
        runner.release(hold)
        if guard is not None and app is not None:
            app.removeEventFilter(guard)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
