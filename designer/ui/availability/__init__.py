"""Availability in the window: the Availability dock, the cut-set highlight on the
canvas and the cut sets in the N-1/N-2 panel, over one shared
:class:`~designer.ui.availability.model.AvailabilityModel`.

Selecting a mailbox database (or a site, for its users) selects its row in the panel,
lists its minimal cut sets and outlines them on the canvas; on a design of at most
:data:`AUTO_CUT_SETS_UP_TO` elements the cut sets are computed on that first
selection, on bigger ones by Compute.

Importing this package (for the window's View > Availability and F9 actions, made
before the feature) does not import pyqtgraph, numpy or the simulator: the feature
(:mod:`designer.ui.availability.feature`) is built after the window's first frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

if TYPE_CHECKING:
    from designer.ui.availability.feature import AUTO_CUT_SETS_UP_TO, AvailabilityFeature
    from designer.ui.availability.model import AvailabilityModel, Request

__all__ = [
    "AUTO_CUT_SETS_UP_TO",
    "PANEL_MINIMUM_HEIGHT",
    "AvailabilityFeature",
    "AvailabilityModel",
    "Request",
    "availability_compute_action",
    "availability_dock",
    "availability_view_action",
]

#: The panel's least height, that of the placeholder too: the bottom docks keep their
#: height when the panel takes the placeholder's place after the first frame.
PANEL_MINIMUM_HEIGHT = 160

_HOMES = {
    "AUTO_CUT_SETS_UP_TO": "designer.ui.availability.feature",
    "AvailabilityFeature": "designer.ui.availability.feature",
    "AvailabilityModel": "designer.ui.availability.model",
    "Request": "designer.ui.availability.model",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def availability_view_action(window: QMainWindow) -> QAction:
    """View > Availability, checkable (made by the window before the feature is)."""
    action = QAction("Availability", window)
    action.setCheckable(True)
    action.setToolTip("Show or hide the Availability panel")
    return action


def availability_compute_action(window: QMainWindow) -> QAction:
    """Compute Availability on F9 anywhere in the window."""
    action = QAction("Compute Availability", window)
    action.setShortcut(QKeySequence(Qt.Key.Key_F9))
    return action


def availability_dock(window: QMainWindow) -> QDockWidget:
    """The Availability dock, empty until the feature fills it, added to ``window``
    behind the Databases tab (like it behind Problems)."""
    dock = QDockWidget("Availability", window)
    dock.setObjectName("AvailabilityDock")
    placeholder = QLabel("Loading…")
    placeholder.setMinimumHeight(PANEL_MINIMUM_HEIGHT)
    dock.setWidget(placeholder)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    databases = window.findChild(QDockWidget, "DatabasesDock")
    if databases is not None:
        window.tabifyDockWidget(databases, dock)
        problems = window.findChild(QDockWidget, "ProblemsDock")
        if problems is not None:
            problems.raise_()
    return dock
