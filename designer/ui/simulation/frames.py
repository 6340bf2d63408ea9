"""Simulation mode's work on a big design in event-loop turns of its own.

Entering the mode, or a new result, changes the canvas and every dock at once; done in
one turn, their work and their paints made one long frame (the window laid out, the
canvas repainted at its new size, pyqtgraph's first paint of the timeline, the results
table's first rows). What waits here runs in a later turn:

* :class:`AfterPaint`: in the turn after a widget (the canvas's viewport) has next
  painted;
* :func:`next_turn`: in the next pass of the event loop's timers, after whatever it
  posted meanwhile (a repaint) and after the timers already due (another view's slice).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from designer.ui import lifetime

__all__ = ["HOLD_MAX_MS", "AfterPaint", "next_turn"]

#: Longest what waits for the canvas's next frame waits (the canvas may never paint:
#: hidden, minimised), ms.
HOLD_MAX_MS = 500


def next_turn(owner: QObject, then: Callable[[], None]) -> QTimer:
    """Run ``then`` in a later turn of the event loop: a zero-interval timer, not a
    posted call, so the events posted meanwhile (a repaint) and the timers already due
    run first, each in a turn of its own. Returns the timer (stopped when ``owner`` is
    destroyed)."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(then)
    timer.timeout.connect(timer.deleteLater)
    timer.start()
    return timer


class AfterPaint(QObject):
    """Calls what waits in the event-loop turn after ``widget`` has next painted (or
    after :data:`HOLD_MAX_MS` if it does not paint)."""

    def __init__(self, widget: QObject, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        self._waiting: list[Callable[[], None]] = []

    @property
    def waiting(self) -> bool:
        return bool(self._waiting)

    def call(self, then: Callable[[], None]) -> None:
        """Call ``then`` after the widget's next paint (once, however often asked)."""
        if not self._waiting:
            self.widget.installEventFilter(self)
            QTimer.singleShot(HOLD_MAX_MS, self, self.flush)  # if it never paints
        if then not in self._waiting:
            self._waiting.append(then)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Paint and self._waiting:
            lifetime.soon(self, self.flush)
        return False

    def flush(self) -> None:
        """Call what waits now."""
        waiting, self._waiting = self._waiting, []
        if waiting:
            self.widget.removeEventFilter(self)
        for then in waiting:
            then()
