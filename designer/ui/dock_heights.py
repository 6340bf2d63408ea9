"""The height of the main window's dock areas: grown for what a panel shows, never
shrunk by a panel, and left as the user sets it.

A tabbed dock area (Problems, Databases, Capacity, Availability at the bottom) has one
height for all its tabs. A panel shown may grow it to hold its content (the Databases
panel a DAG's copies whole, the Capacity chart its least height, the Availability chart);
none shrinks it. Once the user drags the area's edge, raising a tab keeps that height:
only a panel asking for more room for something the user opened (the copy plan's
preview) still grows it (wave 22, ``ui22``; eyes21 #6: the canvas jumped at each tab,
F9 set the area to 330 px, Databases grew it back to 432, and a height dragged by hand
was undone by the next tab raised).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow

__all__ = ["DockHeights"]


class DockHeights(QObject):
    """Watches ``window`` for the user's drags of a dock area's edge, and grows docks."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        #: The dock areas whose height the user set by hand.
        self.by_hand: set[Qt.DockWidgetArea] = set()
        #: At a press on the window's own surface (a separator between its docks and
        #: the canvas): the visible docks' heights then.
        self._pressed: dict[QDockWidget, int] | None = None
        window.installEventFilter(self)

    def _heights(self) -> dict[QDockWidget, int]:
        return {
            dock: dock.height()
            for dock in self.window.findChildren(QDockWidget)
            if dock.isVisible() and not dock.isFloating()
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            # No child under the mouse: the press is on a separator (QMainWindow moves
            # it); a press on the canvas or a dock goes to them, not here.
            on_child = self.window.childAt(event.position().toPoint()) is not None
            self._pressed = None if on_child else self._heights()
        elif kind == QEvent.Type.MouseButtonRelease and self._pressed is not None:
            before, self._pressed = self._pressed, None
            for dock, height in self._heights().items():
                if before.get(dock, height) != height:
                    self.by_hand.add(self.window.dockWidgetArea(dock))
        return False

    def grow(self, dock: QDockWidget, height: int, *, asked: bool = False) -> None:
        """``dock``'s area at least ``height`` px tall (never shrunk): not when the user
        set that area's height by hand, unless the panel ``asked`` for the room for
        something the user opened."""
        if not asked and self.window.dockWidgetArea(dock) in self.by_hand:
            return
        if height > dock.height():
            self.window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
