"""The Simulate toggle (F5), which the window shows before simulation mode is built.

Kept apart from :mod:`designer.ui.simulation.mode` so that the window can show the
toggle, its menu and toolbar entries without importing the mode (pyqtgraph, numpy and
the simulator, about a second of a cold start): the mode is built after the window's
first frame, or at once when the toggle is used first (see MainWindow.simulation).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

__all__ = ["SIMULATE_SHORTCUT", "simulate_action"]

SIMULATE_SHORTCUT = QKeySequence(Qt.Key.Key_F5)


def simulate_action(parent: QObject) -> QAction:
    """The Simulate toggle (F5)."""
    action = QAction("Simulate", parent)
    action.setCheckable(True)
    action.setShortcut(SIMULATE_SHORTCUT)
    action.setToolTip("Simulation mode (F5): click elements to fail them and watch what fails over")
    return action
