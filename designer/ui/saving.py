"""Save a big design on a worker thread while the window keeps painting (issue 10:
Ctrl+S on a 100,000-element design held the window 4-13 s).

A design is immutable, so the worker writes the very snapshot the user saved
(:func:`designer.persistence.save`: the text in ~1 ms pieces, the atomic writer). The
window waits in a local event loop that leaves out the user's input: it repaints,
its timers run and the status bar says "Saving…", while keys and clicks wait their
turn and reach it after the save, so nothing can change the design between the
snapshot and the file state the save sets (the modified mark, the undo stack's clean
state). The caller gets the save's result or its exception, as from ``save`` itself.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal

from designer.collector import collector_paused
from designer.domain.design import Design
from designer.persistence import FileStamp, save
from designer.ui.session import sharing_the_ui_thread

__all__ = ["BACKGROUND_SAVE_ELEMENTS", "save_beside_the_window"]

#: From this many elements on, a save runs on a worker (below it, a save takes a few
#: milliseconds at most: no thread, no local event loop).
BACKGROUND_SAVE_ELEMENTS = 5_000


class _Done(QObject):
    finished = Signal()


def save_beside_the_window(
    design: Design, path: Path, *, expected: FileStamp | None = None
) -> FileStamp:
    """``save(design, path, expected=expected)``, on a worker for a big design while
    the event loop runs without user input; its result, or its exception re-raised."""
    if len(design.elements) < BACKGROUND_SAVE_ELEMENTS:
        return save(design, path, expected=expected)
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

    worker = threading.Thread(target=work, name="save design", daemon=True)
    worker.start()
    # The queued quit reaches this loop even when the worker finished before it ran.
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    worker.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
