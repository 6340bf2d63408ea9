"""The designer window's docked panels: palette, inspector, problems, databases,
overview and history. Each panel is a plain QWidget that needs only the session (and
the canvas view, for the overview); :func:`create_panels` wraps them in docks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QGraphicsView, QWidget

from designer.ui.panels.capacity import CapacityController, CapacityPanel
from designer.ui.panels.databases import DatabasesPanel
from designer.ui.panels.history import HistoryPanel
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.overview import OverviewPanel
from designer.ui.panels.palette import KIND_MIME, PalettePanel, kind_from_mime, kind_mime_data
from designer.ui.panels.problems import ProblemsPanel
from designer.ui.session import EditorSession

__all__ = [
    "KIND_MIME",
    "CapacityController",
    "CapacityPanel",
    "DatabasesPanel",
    "HistoryPanel",
    "InspectorPanel",
    "OverviewPanel",
    "PalettePanel",
    "ProblemsPanel",
    "create_panels",
    "kind_from_mime",
    "kind_mime_data",
    "preferred_area",
]

_LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
_RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
_BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def _dock(name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    dock.setProperty("preferredArea", area)
    dock.toggleViewAction().setToolTip(f"Show or hide the {title} panel")
    return dock


def preferred_area(dock: QDockWidget) -> Qt.DockWidgetArea:
    """Where the main window should put ``dock`` by default."""
    area = dock.property("preferredArea")
    return Qt.DockWidgetArea(area) if area is not None else _RIGHT


def create_panels(session: EditorSession, view: QGraphicsView) -> list[QDockWidget]:
    """The seven docks, named PaletteDock, InspectorDock, ProblemsDock, DatabasesDock,
    OverviewDock, HistoryDock and CapacityDock (for saveState/restoreState). Each
    dock's ``preferredArea`` property (see :func:`preferred_area`) says where it belongs.
    """
    problems = ProblemsPanel(session)
    inspector = InspectorPanel(session)
    databases = DatabasesPanel(session)
    sizing = CapacityController(session, session)
    scene = getattr(view, "design_scene", None)
    if scene is not None:
        sizing.attach(scene)
        databases.plan_boxes = scene  # new databases planned take free rows there
    capacity = CapacityPanel(sizing)
    docks = [
        _dock("PaletteDock", "Palette", PalettePanel(session), _LEFT),
        _dock("InspectorDock", "Inspector", inspector, _RIGHT),
        _dock("ProblemsDock", problems.windowTitle(), problems, _BOTTOM),
        _dock("DatabasesDock", "Databases", databases, _BOTTOM),
        _dock("OverviewDock", "Overview", OverviewPanel(view, session=session), _LEFT),
        _dock("HistoryDock", "History", HistoryPanel(session), _RIGHT),
        _dock("CapacityDock", "Capacity", capacity, _BOTTOM),
    ]
    problems.title_changed.connect(docks[2].setWindowTitle)

    # A tab behind another is not shown, hidden nor visible again when raised: the
    # dock says it (the first fill of a big design may still wait: fill_now).
    def databases_shown(shown: bool) -> None:
        if shown:
            databases.fill_now()

    docks[3].visibilityChanged.connect(databases_shown)

    def open_databases(db_id: str) -> None:
        docks[3].show()
        docks[3].raise_()
        databases.show_database(db_id)

    inspector.databases_requested.connect(open_databases)

    def go_to_field(name: str) -> None:
        docks[1].show()
        docks[1].raise_()
        inspector.show_field(name)

    problems.field_requested.connect(go_to_field)
    return docks
