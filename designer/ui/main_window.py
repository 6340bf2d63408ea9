"""The designer window: canvas, docked panels, menus, file handling, export."""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QObject,
    QSettings,
    QSignalBlocker,
    QStringListModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
    qVersion,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QTabBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from designer import bundled, version
from designer.collector import collector_paused
from designer.diagnostics import default_log_dir, log_path
from designer.document.commands import SetDesignMeta, SetScenarios
from designer.document.events import SettingsChanged
from designer.document.templates import TEMPLATES, template
from designer.domain import models_to_build
from designer.domain.design import Design
from designer.domain.errors import DesignError
from designer.persistence import (
    FileChangedError,
    FileStamp,
    LoadError,
    ReadOnlyFileError,
    clean_stale_temps,
    load,
    load_with_stamp,
)
from designer.persistence.journal import PendingRecovery, pending_recoveries
from designer.text import printable
from designer.ui import lifetime, slices
from designer.ui.alt_keys import keep_letters
from designer.ui.canvas import fills
from designer.ui.canvas.layers import LAYER_GROUPS
from designer.ui.canvas.menus import DUPLICATE_KEY, FIT_KEY
from designer.ui.canvas.view import DesignView
from designer.ui.dialogs import choose
from designer.ui.dock_heights import DockHeights
from designer.ui.export_menu import EXPORT_GROUPS, PICTURE_TIPS, dialog_title
from designer.ui.file_ops import (
    RecentFiles,
    beside,
    default_recovery_dir,
    design_file,
    file_name_for,
    in_bundled_samples,
    recent_labels,
    start_folder,
    suggested_path,
)
from designer.ui.icons import app_icon
from designer.ui.panels import ProblemsPanel, create_panels
from designer.ui.panels.capacity import CapacityController, CapacityPanel
from designer.ui.panels.problems import FIRST_ROWS as PROBLEMS_FIRST_ROWS
from designer.ui.panes import PaneKeys
from designer.ui.recovery import RecoveryKeeper
from designer.ui.saving import save_beside_the_window
from designer.ui.session import (
    FIRST_CHECK_HOLD_MS,
    SYNC_CHECK_LIMIT,
    EditorSession,
    QtCommand,
    live_sessions,
)
from designer.ui.window_layout import WindowLayout

if TYPE_CHECKING:
    from designer.ui.availability.feature import AvailabilityFeature
    from designer.ui.simulation.mode import SimulationMode

__all__ = ["APP_NAME", "MainWindow"]

APP_NAME = "DR Designer"
log = logging.getLogger("designer.ui")
FILE_FILTER = "DR Designer designs (*.json *.drd);;All files (*)"
#: What Save As suggests for a new design: the file type `install-desktop` registers.
DESIGN_SUFFIX = ".drd.json"
#: The name File > New gives a design, and the longest name a design may have.
UNTITLED_NAME: str = Design.model_fields["name"].default
NAME_MAX = 200
#: The settings key of View > Mouse Wheel Zooms (see DesignView.wheel_zooms).
WHEEL_ZOOMS_KEY = "canvas/wheel_zooms"
#: A status message older than this goes when the selection or the history changes.
STALE_MESSAGE_S = 0.5
#: How long the work held for a big design's first frame waits when no paint comes (a
#: window covered up or minimised), ms.
FIRST_FRAME_FALLBACK_MS = 2000
#: Files from this size on (~7,000 elements, whose validation alone holds the interpreter
#: ~60-80 ms) are read on a worker when opened in a window on screen (:meth:`_read`).
OPEN_BESIDE_BYTES = 4 * 1024 * 1024
#: Elements looked at per slice when the find box's names are made in idle time (~3 ms
#: at 100,000 elements on the reference machine).
FIND_NAMES_SLICE = 1000
#: Simulation mode and the Availability feature are built after the first frame once
#: the live check has reported, or this long (s) after it at the latest.
SIMULATION_BUILD_WAIT_S = 10.0


#: Keys for the standard actions a platform may bind to nothing (QKeySequence is empty).
_USUAL_KEYS: dict[QKeySequence.StandardKey, str] = {QKeySequence.StandardKey.Quit: "Ctrl+Q"}


#: Where each editing dock sits in the window's first layout (View > Reset Layout too).
_FIRST_AREAS: dict[str, Qt.DockWidgetArea] = {
    "PaletteDock": Qt.DockWidgetArea.LeftDockWidgetArea,
    "OverviewDock": Qt.DockWidgetArea.LeftDockWidgetArea,
    "InspectorDock": Qt.DockWidgetArea.RightDockWidgetArea,
    "HistoryDock": Qt.DockWidgetArea.RightDockWidgetArea,
    "ProblemsDock": Qt.DockWidgetArea.BottomDockWidgetArea,
    "DatabasesDock": Qt.DockWidgetArea.BottomDockWidgetArea,
    "CapacityDock": Qt.DockWidgetArea.BottomDockWidgetArea,
}
#: (front, behind it): the Inspector with the History behind it; Problems with
#: Databases, then Capacity behind it (the Availability dock joins them: its own module).
_FIRST_TABS = (
    ("InspectorDock", "HistoryDock"),
    ("ProblemsDock", "DatabasesDock"),
    ("DatabasesDock", "CapacityDock"),
)


class MainWindow(QMainWindow):
    """One design in one window."""

    #: Simulation mode's modules were imported on the background thread.
    _simulation_imported = Signal()

    def __init__(
        self,
        session: EditorSession | None = None,
        *,
        settings: QSettings | None = None,
        recovery_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)  # a design file dropped anywhere on the window opens
        self.session = session or EditorSession()
        if self.session.parent() is None:
            self.session.setParent(self)
        self.settings = settings or QSettings()
        self.recent = RecentFiles(self.settings)
        #: The crash-recovery journal of this window (one record per change).
        self.recovery = RecoveryKeeper(self.session, recovery_dir or default_recovery_dir(), self)
        #: What the file held when this window last opened or saved it.
        self._stamp: FileStamp | None = None
        #: A save is writing the file (designer.ui.saving); a close waits for it.
        self._saving = False
        self._opening = False  # a big file read on a worker (_read)
        self._on_screen = False  # the window has painted (_first_frame_shown)
        self._close_when_saved = False
        #: Windows opened for further recovered designs (kept alive with this one).
        self.sibling_windows: list[MainWindow] = []
        self.view = DesignView(self.session, self)
        self.setCentralWidget(self.view)
        self.docks: list[QDockWidget] = []
        self._dock_sizes: list[tuple[QDockWidget, int, Qt.Orientation]] = []
        self._shown_once = False
        #: The dock areas' heights: grown by panels, left as the user drags them.
        self.dock_heights = DockHeights(self)
        self._build_actions()
        self._build_menus()
        self._build_status()
        # Size first: tab bars made while tabifying docks keep the geometry of the
        # window at that moment (Qt 6.11 leaves them visible at 640x480 positions).
        self.resize(1600, 1000)
        self._add_panels()
        self._add_simulation()
        self._add_interop()
        self._add_availability()
        # F6 / Shift+F6 from pane to pane, Escape back to the canvas (eyes20 #21).
        self.pane_keys = PaneKeys(self, self.view, self._all_docks, [self.find_edit])
        self.session.file_state_changed.connect(self._on_file_state)
        self._message_at = 0.0
        self.session.status_message.connect(self._show_message)
        self.session.selection_changed.connect(self._clear_stale_message)
        self.session.undo_stack.indexChanged.connect(self._clear_stale_message)
        self.session.findings_changed.connect(self._update_findings_label)
        self.session.selection_changed.connect(self._update_actions)
        self.session.read_only_changed.connect(self._on_read_only)
        # A big edit running in steps: edits, undo and redo wait for its end.
        self.session.busy_changed.connect(self._on_busy)
        # After the undo actions' own connections (made with them): the mode keeps them off.
        self.session.undo_stack.canUndoChanged.connect(self._update_actions)
        self.session.undo_stack.canRedoChanged.connect(self._update_actions)
        self.session.undo_stack.indexChanged.connect(self._update_actions)
        self.session.selection_changed.connect(self._reveal_selected_layers)
        self.session.document_edited.connect(self._on_document_edited)
        self.view.zoom_changed.connect(lambda _scale: self._update_actions())
        self.recovery.status_changed.connect(self._on_recovery_status)
        self.resize(1600, 1000)
        #: The docks' places and sizes kept between sessions (View > Reset Layout).
        self.layout_memory = WindowLayout(
            self,
            self.settings,
            self.dock_heights,
            [*self.docks, self._availability_dock],
            self._dock_sizes,
            self._place_docks_first,
        )
        self.layout_memory.restore()
        self._on_file_state()
        self._update_findings_label()
        self._update_actions()
        self._refresh_find_names()
        _AfterFirstPaint(
            self.view.viewport(), self._first_frame_shown, fallback_ms=FIRST_FRAME_FALLBACK_MS
        )

    def _first_frame_shown(self) -> None:
        """The window has painted: from now on a big file is read beside it (``_read``),
        and the domain's models are built in idle slices."""
        self._on_screen = True
        self._build_models_in_slices()

    def _build_models_in_slices(self) -> None:
        """The domain's models not built yet, built one at a time in idle slices once
        the window has painted (see designer/ui/__init__.py): neither the first frame
        (all of them ~45 ms CPU) nor the first edit (``Design``'s ~14 ms) pays for
        them. A model something used meanwhile was built then by pydantic. With the
        collector paused and what they made frozen at the end (``long_lived``), as their
        build at import was.

        QGradient's Python type too, in a turn of its own (~4 ms; the first frame's
        fills did without it: designer.ui.canvas.fills)."""
        lifetime.soon(self, fills.make_gradients)
        models = models_to_build()

        def step(deadline: float) -> bool:
            while models:
                models.pop(0).model_rebuild()  # nothing to do if built meanwhile
                if time.perf_counter() >= deadline:
                    break
            return not models

        if models:
            slices.shared().start(("build models", id(self)), self, step, long_lived=True)

    # -- actions -------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = QKeySequence(shortcut)
            if keys.isEmpty() and isinstance(shortcut, QKeySequence.StandardKey):
                # The platform binds none (Quit on a generic X11 desktop): the usual key.
                keys = QKeySequence(_USUAL_KEYS.get(shortcut, ""))
            action.setShortcut(keys)
        if tip:
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(lambda *_: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        v = self.view
        e = self.view.editor
        self.act_new = self._action("&Blank Design", self.new_design, K.New, "Start a new design")
        self.act_open = self._action("&Open…", self.open_dialog, K.Open, "Open a design file")
        self.act_save = self._action("&Save", self.save, K.Save, "Save the design")
        self.act_save_as = self._action("Save &As…", self.save_as, K.SaveAs)
        # File > Export's pictures of the drawing (the menu's first group; see _build_menus).
        self.act_export_png = self._action(
            "&PNG Image…", lambda: self.export_dialog("png"), tip=PICTURE_TIPS["png"]
        )
        self.act_export_svg = self._action(
            "&SVG Image…", lambda: self.export_dialog("svg"), tip=PICTURE_TIPS["svg"]
        )
        self.act_export_pdf = self._action(
            "PD&F Document…", lambda: self.export_dialog("pdf"), tip=PICTURE_TIPS["pdf"]
        )
        self.act_quit = self._action("&Quit", self.close, K.Quit)
        self.act_about = self._action("&About DR Designer", self.about)
        self.act_log_folder = self._action(
            "Show &Log Folder", self.show_log_folder, tip="Open the folder of the log files"
        )
        self.act_undo = self.session.undo_stack.createUndoAction(self, "&Undo")
        # Every key the platform binds (QKeySequence(K.Redo) is only the first: Ctrl+Y
        # on a generic X11 desktop, where Ctrl+Shift+Z, the README's redo, did nothing).
        self.act_undo.setShortcuts(K.Undo)
        self.act_redo = self.session.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts(K.Redo)
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_cut = self._action("Cu&t", e.cut, K.Cut)
        self.act_copy = self._action("&Copy", e.copy, K.Copy)
        self.act_paste = self._action(
            "&Paste", v.paste_at, K.Paste, "Paste at the pointer (into the box under it)"
        )
        self.act_duplicate = self._action("Dupl&icate", e.duplicate, DUPLICATE_KEY)
        self.act_delete = self._action("&Delete", e.delete_selection, K.Delete)
        # On the canvas only, as Rename: in a table Delete and Ctrl+X deleted the
        # canvas's selection behind the user's back (eyes19: Delete on a Databases cell,
        # which clears that copy, removed the BOS CAS array selected earlier and left the
        # copy). The table's own keys run there; the Edit menu still reaches the canvas.
        for action in (self.act_cut, self.act_delete):
            self.removeAction(action)
            v.addAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_rename = self._action(
            "Re&name…", v.rename, "F2", "Type a new name over the selected element"
        )
        # On the canvas only: F2 in a table (Databases, Availability) edits its cell.
        self.removeAction(self.act_rename)
        v.addAction(self.act_rename)
        self.act_rename.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_select_all = self._action("Select &All", self.select_all, K.SelectAll)
        self.act_select_same_kind = self._action(
            "Select Same &Kind",
            e.select_same_kind,
            tip="Select every element of the selected elements' kinds",
        )
        self.act_find = self._action("&Find Element…", self.focus_find, K.Find)
        self.act_replace_names = self._action(
            "R&eplace in Names…",
            self.replace_in_names,
            "Ctrl+H",
            "Find text in element names and replace it (a design renamed for a customer)",
        )
        self.act_align = {
            how: self._action(text, functools.partial(e.align, how))
            for how, text in (
                ("left", "Align &Left Edges"),
                ("hcenter", "Align &Centres"),
                ("right", "Align &Right Edges"),
                ("top", "Align &Top Edges"),
                ("vcenter", "Align &Middles"),
                ("bottom", "Align &Bottom Edges"),
                ("hdistribute", "Distribute &Horizontally"),
                ("vdistribute", "Distribute &Vertically"),
            )
        }
        self.act_auto_layout = self._action(
            "&Auto-Layout by Site", v.auto_layout, "Ctrl+Shift+L", "Tidy the drawing, site by site"
        )
        self.act_fit_content = self._action(
            "&Fit to Content",
            e.fit_to_content,
            "Ctrl+Shift+F",
            "Shrink (or grow) the selected boxes round what they hold",
        )
        self.act_connect = self._action(
            "C&onnect Tool",
            lambda: v.set_connect_mode(self.act_connect.isChecked()),
            "C",
            "Drag from one box to another to connect them (Esc to stop)",
            checkable=True,
        )
        # A letter: only while the canvas has the focus (typing elsewhere stays typing).
        self.removeAction(self.act_connect)
        v.addAction(self.act_connect)
        self.act_connect.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        v.connect_mode_changed.connect(self.act_connect.setChecked)
        self.act_snap = self._action("&Snap to Grid", self._toggle_snap, checkable=True)
        self.act_snap.setChecked(True)
        self.act_grid = self._action("Show &Grid", self._toggle_grid, checkable=True)
        self.act_grid.setChecked(True)
        self.act_zoom_in = self._action("Zoom &In", v.zoom_in, K.ZoomIn)
        self.act_zoom_out = self._action("Zoom &Out", v.zoom_out, K.ZoomOut)
        self.act_zoom_fit = self._action("&Fit to Window", v.zoom_fit, FIT_KEY)
        self.act_zoom_100 = self._action("&Actual Size (100 %)", v.zoom_actual, "Ctrl+1")
        self.act_wheel_zooms = self._action(
            "Mouse &Wheel Zooms",
            self._toggle_wheel_zooms,
            tip="The wheel zooms (on) or scrolls, Ctrl+wheel zooming (off); Shift+wheel "
            "scrolls sideways",
            checkable=True,
        )
        v.wheel_zooms = bool(self.settings.value(WHEEL_ZOOMS_KEY, False, type=bool))
        self.act_wheel_zooms.setChecked(v.wheel_zooms)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = self.file_menu = bar.addMenu("&File")
        self.new_menu = m.addMenu("&New")
        self.new_menu.addAction(self.act_new)
        self.new_menu.addSeparator()
        self.act_templates: dict[str, QAction] = {}
        for key, entry in TEMPLATES.items():
            action = self.new_menu.addAction(f"{entry.title} (Exchange {entry.exchange})")
            action.setStatusTip(f"Start from a template: {entry.says} (Exchange {entry.exchange})")
            action.triggered.connect(functools.partial(lambda k, *_: self.new_design(k), key))
            self.act_templates[key] = action
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.samples_menu = m.addMenu("Open Sa&mple")
        self.samples_menu.aboutToShow.connect(self._fill_samples_menu)
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as])
        # Grouped as a user looks for them: a picture of the drawing here; the report and
        # the data for other tools follow (designer.ui.interop_actions).
        export = self.export_menu = m.addMenu("&Export")
        export.addSection(EXPORT_GROUPS[0])
        export.addActions([self.act_export_png, self.act_export_svg, self.act_export_pdf])
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        m.addSeparator()
        m.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_duplicate])
        m.addActions([self.act_rename, self.act_delete])
        m.addSeparator()
        m.addActions([self.act_select_all, self.act_select_same_kind, self.act_find])
        m.addAction(self.act_replace_names)
        m.addSeparator()
        m.addAction(self.act_connect)
        m = bar.addMenu("&Arrange")
        for key in ("left", "hcenter", "right"):
            m.addAction(self.act_align[key])
        m.addSeparator()
        for key in ("top", "vcenter", "bottom"):
            m.addAction(self.act_align[key])
        m.addSeparator()
        m.addActions([self.act_align["hdistribute"], self.act_align["vdistribute"]])
        m.addSeparator()
        m.addActions([self.act_fit_content, self.act_auto_layout, self.act_snap])
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addActions(
            [self.act_zoom_in, self.act_zoom_out, self.act_zoom_fit, self.act_zoom_100]
        )
        self.view_menu.addAction(self.act_wheel_zooms)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.act_grid)
        layers = self.layers_menu = self.view_menu.addMenu("&Layers")
        self.act_layers: dict[str, QAction] = {}
        for group in LAYER_GROUPS:
            action = layers.addAction(group)
            action.setCheckable(True)
            action.setChecked(True)
            action.setStatusTip(f"Show or hide the {group.lower()} elements and their lines")
            action.toggled.connect(functools.partial(self._toggle_layer, group))
            self.act_layers[group] = action
        layers.addSeparator()
        findings = layers.addAction("Findings")
        findings.setCheckable(True)
        findings.setChecked(True)
        findings.setStatusTip("Show or hide the findings markers on the canvas")
        findings.toggled.connect(lambda on: self.view.design_scene.layers.set_findings(on))
        self.act_layers["Findings"] = findings
        self.act_dim = self.view_menu.addAction("&Dim Unrelated to Selection")
        self.act_dim.setCheckable(True)
        self.act_dim.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.act_dim.setStatusTip("Fade what is not related to the selected elements")
        self.act_dim.toggled.connect(lambda on: self.view.design_scene.layers.set_dim(on))
        self.view_menu.addSeparator()
        # The docks' entries go here as the docks are made (:meth:`_add_view_entry`).
        self._docks_entries_end = self.view_menu.addSeparator()
        self.act_reset_layout = self._action(
            "&Reset Layout",
            self.reset_layout,
            tip="Put every panel back in its first place and size",
        )
        self.view_menu.addAction(self.act_reset_layout)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addActions([self.act_log_folder, self.act_about])
        # An open menu's letters run its entries (Alt+E, C: Copy, not the Connect Tool's C).
        for action in bar.actions():
            if (menu := action.menu()) is not None:
                keep_letters(menu)  # type: ignore[arg-type]
        tools = self.addToolBar("Main")
        tools.setObjectName("MainToolBar")
        tools.setMovable(False)
        self.act_new.setIconText("New")
        tools.addActions([self.act_new, self.act_open, self.act_save])
        # Ctrl+N and a click on New start a blank design at once, as Office's and Visio's
        # do (File > New is where they keep the templates); the button's arrow offers
        # File > New's templates too, where a newcomer starts (they were in the menu
        # only).
        new_button = tools.widgetForAction(self.act_new)
        if isinstance(new_button, QToolButton):
            new_button.setMenu(self.new_menu)
            new_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
            new_button.setToolTip("Start a new design: blank, or from a template (the arrow)")
        tools.addSeparator()
        # Fixed words on the toolbar (the menu's say what they undo): the buttons keep
        # their width and the toolbar does not shift as the history changes.
        stack = self.session.undo_stack
        self.tool_undo = QAction("Undo", self)
        self.tool_undo.triggered.connect(stack.undo)
        self.tool_redo = QAction("Redo", self)
        self.tool_redo.triggered.connect(stack.redo)
        for proxy, source in ((self.tool_undo, self.act_undo), (self.tool_redo, self.act_redo)):
            proxy.setEnabled(source.isEnabled())
            proxy.setToolTip(source.text().replace("&", ""))
            source.changed.connect(functools.partial(self._follow, proxy, source))
        tools.addActions([self.tool_undo, self.tool_redo, self.act_connect])
        tools.addSeparator()
        tools.addActions([self.act_zoom_fit, self.act_zoom_100, self.act_auto_layout])
        tools.addSeparator()
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("FindEdit")
        self.find_edit.setPlaceholderText("Find element (Ctrl+F)")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMaximumWidth(280)
        self._find_model = QStringListModel(self)
        #: The names being made in the idle slices (a generator of _find_names_steps) and
        #: the revision they name: focused before they are done, the rest is made at once.
        self._find_steps: Iterator[list[str] | None] | None = None
        self._find_steps_revision = -1
        completer = QCompleter(self._find_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self.find_element)
        # Rows of one height: the popup laid out every name it offers to measure each
        # one (the first letter typed at 100k offered ~40,000: 0.5 s of UI CPU, wave 30).
        popup = completer.popup()
        assert isinstance(popup, QListView)
        popup.setUniformItemSizes(True)
        self.find_edit.setCompleter(completer)
        self.find_edit.returnPressed.connect(lambda: self.find_element(self.find_edit.text()))
        _OnFocusIn(self.find_edit, self._find_focused)
        tools.addWidget(self.find_edit)

    def _toggle_layer(self, group: str, shown: bool) -> None:
        self.view.design_scene.layers.set_layer(group, shown)

    def _reveal_selected_layers(self) -> None:
        """An element selected in a hidden layer (from Find, Problems, Databases) shows
        its layer again: a selection is never invisible."""
        layers = self.view.design_scene.layers
        for group in layers.hidden_groups_of(self.session.selection):
            self.act_layers[group].setChecked(True)

    def _fit_dock(self, dock: QDockWidget, visible: bool, asked: bool = False) -> None:
        """Grow ``dock`` to its content when its tab is raised (not past a height the
        user set by hand: see :mod:`designer.ui.dock_heights`), or when its panel
        ``asked`` for room (the copy plan's preview, more rows)."""
        if visible and self.isVisible():
            # After the tab switch has settled: a resize inside it is undone by it.
            lifetime.soon(self, functools.partial(self._resize_dock_to_content, dock, asked))

    def _fit_dock_now(self, dock: QDockWidget, asked: bool) -> None:
        """The panel asks for room (``asked``: for what the user opened, the plan
        preview shown, its rows or lines of notes changed; else more rows of a design):
        the dock grows in this turn, its layout handled before the window's paint. A
        turn later (as a tab switch needs), the window painted the preview squeezed
        first: one row of the table beside two lines of notes (fid22)."""
        if self.isVisible():
            self._resize_dock_to_content(dock, asked)

    def _resize_dock_to_content(self, dock: QDockWidget, asked: bool = False) -> None:
        panel = dock.widget()
        wanted = getattr(panel, "preferred_height", None)
        if wanted is None or not dock.isVisible() or not shiboken6.isValid(self):
            return
        if dock.visibleRegion().isEmpty():
            # A tab behind another (Databases behind Problems: its panel filled after a
            # big design's first frame): `isVisible` is true for it, but nothing of it is
            # shown. Growing the dock area then relaid out every dock and repainted the
            # whole window beside the first check's worker (a turn of 40-90 ms); the dock
            # is fitted when its tab is raised (``visibilityChanged``).
            return
        title = dock.height() - panel.height()
        # Tabbed docks: the size given covers the tab bar under them too.
        tabs = max(
            (bar.height() for bar in self.findChildren(QTabBar) if bar.isVisible()), default=0
        )
        # Up to three fifths of the window: two fifths held a panel of ~294 px at
        # 1280 x 800, where a DAG's 12 databases (the most the panel asks room for)
        # scrolled; the canvas keeps ~240 px above it there.
        height = min(int(wanted()) + title + tabs, self.height() * 3 // 5)
        self.dock_heights.grow(dock, height, asked=asked)

    @staticmethod
    def _follow(proxy: QAction, source: QAction) -> None:
        if not (shiboken6.isValid(proxy) and shiboken6.isValid(source)):
            return  # the window is being torn down
        proxy.setEnabled(source.isEnabled())
        proxy.setToolTip(source.text().replace("&", ""))

    def _build_status(self) -> None:
        self.findings_label = QLabel()
        self.findings_label.setObjectName("FindingsLabel")
        self.zoom_label = QLabel()
        #: Shown while the recovery copy cannot be written (a full disk).
        self.recovery_label = QLabel()
        self.recovery_label.setObjectName("RecoveryProblemLabel")
        self.recovery_label.setTextFormat(Qt.TextFormat.PlainText)
        self.recovery_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.recovery_label.hide()
        self.statusBar().addPermanentWidget(self.recovery_label)
        self.statusBar().addPermanentWidget(self.findings_label)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _add_panels(self) -> None:
        docks = create_panels(self.session, self.view)
        by_name = {d.objectName(): d for d in docks}
        palette = by_name.get("PaletteDock")
        if palette is not None:  # Enter or a double-click on a kind adds one
            palette.widget().kind_activated.connect(self.view.add_kind)  # type: ignore[attr-defined]
        for dock in docks:
            area = _FIRST_AREAS.get(dock.objectName(), Qt.DockWidgetArea.RightDockWidgetArea)
            self.addDockWidget(area, dock, Qt.Orientation.Vertical)
            self._add_view_entry(self._dock_view_action(dock))
        for front, back in _FIRST_TABS:
            if front in by_name and back in by_name:
                self.tabifyDockWidget(by_name[front], by_name[back])
                by_name[front].raise_()
        # Shown, the copy layout gets the height its rows need (a DAG's databases whole,
        # not one and a half rows), the capacity chart its least height and the servers
        # table its rows.
        for name in ("DatabasesDock", "CapacityDock"):
            fitted = by_name.get(name)
            if fitted is not None:
                fitted.visibilityChanged.connect(functools.partial(self._fit_dock, fitted))
                wanted = getattr(fitted.widget(), "height_wanted", None)
                if wanted is not None:  # (the Databases panel's plan preview shown)
                    wanted.connect(functools.partial(self._fit_dock_now, fitted))
        if "ProblemsDock" in by_name:
            by_name["ProblemsDock"].raise_()
        self._dock_sizes = [
            (by_name[name], size, orientation)
            for name, size, orientation in (
                ("PaletteDock", 210, Qt.Orientation.Horizontal),
                ("InspectorDock", 310, Qt.Orientation.Horizontal),
                ("ProblemsDock", self._problems_height(by_name), Qt.Orientation.Vertical),
                ("OverviewDock", 180, Qt.Orientation.Vertical),
            )
            if name in by_name
        ]
        self.docks = docks
        # Qt 6.11 leaves the tab bar of a dock group visible where it was when the
        # dock area is laid out again (a third dock in the bottom area, a title that
        # changes): hide those left behind once the layout settles.
        for dock in docks:
            dock.windowTitleChanged.connect(lambda _t: lifetime.soon(self, self._tidy_tab_bars))
        lifetime.soon(self, self._tidy_tab_bars)

    @staticmethod
    def _problems_height(by_name: dict[str, QDockWidget]) -> int:
        """The Problems dock's first height: its first rows of findings whole
        (:data:`~designer.ui.panels.problems.FIRST_ROWS`; it was 150 px, 5 rows)."""
        dock = by_name.get("ProblemsDock")
        panel = dock.widget() if dock is not None else None
        if dock is None or not isinstance(panel, ProblemsPanel):
            return 150
        # The dock's title over the panel.
        title = dock.fontMetrics().height() + 2 * dock.style().pixelMetric(
            QStyle.PixelMetric.PM_DockWidgetTitleMargin, None, dock
        )
        return max(150, panel.height_for_rows(PROBLEMS_FIRST_ROWS) + title)

    def _tidy_tab_bars(self) -> None:
        """Hide the dock tab bars Qt left behind: a live one sits right under a visible
        dock whose title is one of its tabs."""
        if not shiboken6.isValid(self):
            return
        # The window's own: a dock and the tab bars of the dock areas are its direct
        # children (a search of every descendant cost each call ~3 ms at a big design's
        # start, where it runs twice before the first frame).
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        docks = [d for d in self.findChildren(QDockWidget, options=direct) if d.isVisible()]
        for bar in self.findChildren(QTabBar, options=direct):
            if not bar.isVisible():
                continue
            texts = {bar.tabText(i) for i in range(bar.count())}
            live = any(
                d.windowTitle() in texts
                and abs(d.geometry().bottom() + 1 - bar.geometry().top()) <= 4
                for d in docks
            )
            if not live:
                bar.hide()

    def _add_view_entry(self, action: QAction) -> None:
        """A dock's entry in the View menu: with the others, above Reset Layout."""
        self.view_menu.insertAction(self._docks_entries_end, action)

    def reset_layout(self) -> None:
        """View > Reset Layout: the panels in their first places, tabs and sizes (see
        :mod:`designer.ui.window_layout`); simulation mode is left first (its layout
        is the editing one's stand-in until then)."""
        if self._simulation is not None and self._simulation.active:
            self._simulation.controller.set_active(False)
        self.layout_memory.reset()
        self._show_message("Panels back in their first places and sizes")

    def _place_docks_first(self) -> None:
        """Every dock in its place, tab and order of the window's first layout, shown
        (simulation mode's hidden: the mode is off), as :meth:`_add_panels`,
        ``availability_dock`` and the mode placed them. (Qt's ``restoreState`` of the
        layout saved before the first show waits for the window to be that size again.)"""
        by_name = {d.objectName(): d for d in self._all_docks()}
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        for dock in self.docks:
            dock.setFloating(False)
            area = _FIRST_AREAS.get(dock.objectName(), Qt.DockWidgetArea.RightDockWidgetArea)
            self.addDockWidget(area, dock, Qt.Orientation.Vertical)
        for front, back in _FIRST_TABS:
            if front in by_name and back in by_name:
                self.tabifyDockWidget(by_name[front], by_name[back])
                by_name[front].raise_()
        availability = self._availability_dock
        availability.setFloating(False)
        self.addDockWidget(bottom, availability)
        if "DatabasesDock" in by_name:
            self.tabifyDockWidget(by_name["DatabasesDock"], availability)
        mode = self._simulation
        for dock in mode.docks if mode is not None else []:
            dock.setFloating(False)
            area = bottom if dock.objectName() == "TimelineDock" else _FIRST_AREAS["InspectorDock"]
            self.addDockWidget(area, dock)
            dock.hide()
        for dock in (*self.docks, availability):
            dock.show()
        for front in ("InspectorDock", "ProblemsDock"):
            if front in by_name:
                by_name[front].raise_()
        lifetime.soon(self, self._tidy_tab_bars)

    def _dock_view_action(self, dock: QDockWidget) -> QAction:
        """The View menu's entry for ``dock``: shows it and brings it to the front when
        it is hidden or behind another tab, hides it when it is in front. (A dock's own
        toggle would hide a dock that sits behind another tab.)"""
        toggle = dock.toggleViewAction()
        # The panel's name: the Problems dock's title goes on with its count, and the
        # menu kept "Problems — none" from the window's start beside 290 warnings.
        action = QAction(toggle.text().split(" — ")[0], self)
        action.setCheckable(True)
        action.setToolTip(toggle.toolTip())
        action.setChecked(toggle.isChecked())
        toggle.toggled.connect(action.setChecked)

        def triggered() -> None:
            if dock.isVisible() and not dock.visibleRegion().isEmpty():
                dock.hide()
            else:
                dock.show()
                dock.raise_()
            action.setChecked(not dock.isHidden())

        action.triggered.connect(triggered)
        return action

    def _add_simulation(self) -> None:
        """Simulation mode (F5): its toggle in the toolbar and a Simulate menu.

        The mode itself (its docks, pyqtgraph, numpy and the simulator: about a second
        of a cold start) is built after the window's first frame — imported on a
        background thread, then made on the UI thread — or at once when something asks
        for :attr:`simulation` (the toggle, a menu entry, a test)."""
        from designer.document.events import DesignReplaced
        from designer.ui.simulation.toggle import simulate_action

        self._simulation: SimulationMode | None = None
        #: The mode while the idle slices build it a part at a time (see
        #: :meth:`_build_simulation`); :attr:`simulation` finishes it.
        self._simulation_partly: SimulationMode | None = None
        #: Called with the mode once it is built (see :attr:`simulation`).
        self._when_simulation_built: list[Callable[[SimulationMode], None]] = []
        self._simulation_import_started = False
        #: The thread importing simulation mode's modules (see
        #: :meth:`_import_simulation_in_background`), joined at the process's end.
        self._simulation_import: threading.Thread | None = None
        #: Building it waits for the live check (see :meth:`_build_simulation`), at
        #: most until then.
        self._simulation_waits = False
        self._simulation_wait_until = 0.0
        #: The window was closed: its idle build stops (see :meth:`closeEvent`).
        self._closed = False
        action = self.simulate_action = simulate_action(self)
        self.addAction(action)
        action.toggled.connect(self._on_simulate_toggled)
        action.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        menu = QMenu("&Simulate", self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        menu.addAction(action)
        menu.addAction("Run all saved scenarios", lambda: self.simulation.scenarios.run_all())
        tools = self.findChild(QToolBar, "MainToolBar")
        if tools is not None:
            tools.addSeparator()
            tools.addAction(action)
            button = tools.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._simulation_imported.connect(self._build_simulation)
        # Once the canvas has painted its first frame, the mode is imported meanwhile.
        self._after_first_paint = _AfterFirstPaint(
            self.view.viewport(), self._import_simulation_in_background
        )
        # A new or opened design leaves simulation mode.
        self.session.document_edited.connect(
            lambda events: (
                self._simulation.controller.set_active(False)
                if self._simulation is not None
                and any(isinstance(event, DesignReplaced) for event in events)
                else None
            )
        )
        # In simulation mode the WAN links show the scenario's load at the time cursor
        # (connected once the mode is built).
        self._when_simulation_built.append(self._show_scenario_loads)
        self._when_simulation_built.append(self._hold_slices_while_preparing)

    def _hold_slices_while_preparing(self, mode: SimulationMode) -> None:
        """The window's sliced work (designer.ui.slices: findings' rows and marks, the
        Overview's picture) waits while simulation mode prepares a big design's
        simulator on a worker, and goes on once it is ready or the mode is left:
        running beside the worker, each of its calls into Qt waited for the
        interpreter lock (F5 stalled 458 ms at 100k with 3,000 marks being cleared,
        200 ms without)."""
        sim = mode.controller
        key = ("simulation", id(self))

        def follow(*_: object) -> None:
            if sim.active and not sim.ready:
                slices.shared().hold(key, sim)
            else:
                slices.shared().release(key)

        sim.mode_changed.connect(follow)
        sim.result_changed.connect(follow)

    def _show_scenario_loads(self, mode: SimulationMode) -> None:
        sim = mode.controller
        sizing = self.capacity_controller
        if sizing is None:
            return

        shown: list[object] = [False]  # what the canvas shows: (simulator, steps, time)

        def show_scenario() -> None:
            # (A new result or entering the mode signals it two or three times.)
            now = (sim.simulator, list(sim.steps), sim.time) if sim.active and sim.ready else None
            if shown[0] == now:
                return
            shown[0] = now
            if now is None:
                sizing.set_simulation(None, [], 0.0)
            else:
                sizing.set_simulation(*now)

        sim.mode_changed.connect(lambda _active: show_scenario())
        sim.result_changed.connect(show_scenario)
        sim.time_changed.connect(lambda _t: show_scenario())

    @property
    def capacity_controller(self) -> CapacityController | None:
        """The Capacity dock's controller (sizing after edits; link loads on the canvas)."""
        for dock in self.docks:
            widget = dock.widget()
            if isinstance(widget, CapacityPanel):
                return widget.controller
        return None

    @property
    def simulation(self) -> SimulationMode:
        """Simulation mode, built now if it is not yet (the rest of it, when the idle
        slices have built part of it: :meth:`_simulation_part`)."""
        if self._simulation is None:
            # The mode starts off and unchecks the toggle; a toggle being pressed (F5
            # before the mode was built) must not come back here meanwhile.
            with QSignalBlocker(self.simulate_action):
                mode = self._simulation_partly or self._new_simulation(in_parts=False)
                mode.building.finish()
            self._simulation_partly = None
            self._simulation = mode
            for dock in mode.docks:
                self._add_view_entry(self._dock_view_action(dock))
                if self.restoreDockWidget(dock) and not mode.active:
                    dock.hide()  # where it was last time, shown when the mode is on
            for then in self._when_simulation_built:
                then(mode)
        return self._simulation

    def _new_simulation(self, *, in_parts: bool) -> SimulationMode:
        from designer.ui.simulation.mode import SimulationMode

        return SimulationMode(
            self,
            self.session,
            self.view.design_scene,
            self.view,
            self.simulate_action,
            in_parts=in_parts,
        )

    def _simulation_part(self) -> bool:
        """One part of simulation mode's build (a turn of the idle slices); whether it
        is built."""
        if self._simulation is None:
            with QSignalBlocker(self.simulate_action):
                if self._simulation_partly is None:
                    self._simulation_partly = self._new_simulation(in_parts=True)
                if not self._simulation_partly.building.step():
                    return False
            _ = self.simulation  # built: the window's part of it
        return True

    def _on_simulate_toggled(self, checked: bool) -> None:
        # The first use of the toggle before the mode was built builds it (the mode
        # connects the toggle itself from then on).
        controller = self.simulation.controller
        if controller.active != checked:
            controller.set_active(checked)

    def _import_simulation_in_background(self) -> None:
        if self._simulation_import_started or self._simulation is not None:
            return
        self._simulation_import_started = True
        self._simulation_wait_until = time.perf_counter() + SIMULATION_BUILD_WAIT_S
        if self.session.checking:
            # A big design's first frame: the idle slices wait for the import as they
            # wait for the first check (EditorSession._start_check). At 25k it outlasts
            # the check (~0.3 s CPU of pyqtgraph and numpy); beside it the slices' turns
            # waited for the interpreter lock at every call from Qt into a new item.
            key = self._import_hold_key
            slices.shared().hold(key, self, max_ms=FIRST_CHECK_HOLD_MS)
            self._simulation_imported.connect(lambda: slices.shared().release(key))

        def run() -> None:
            try:
                # Long-lived (modules, their classes and functions: ~20,000 objects),
                # as the window's own imports are (designer/ui/__init__.py): left to the
                # collector, the window's first tidy after opening visited them all.
                with collector_paused(freeze=True):
                    importlib.import_module("designer.ui.simulation.mode")
                    importlib.import_module("designer.ui.availability.feature")
            except Exception:  # built (and reported) on the UI thread instead
                log.debug("importing simulation mode in the background failed", exc_info=True)
            with contextlib.suppress(RuntimeError):  # the window is gone
                # Not once the process's end has begun: it deletes the window meanwhile.
                lifetime.unless_ending(self._simulation_imported.emit)

        thread = threading.Thread(target=run, name="import simulation mode", daemon=True)
        self._simulation_import = thread
        thread.start()

    @property
    def _import_hold_key(self) -> tuple[str, int]:
        return ("simulation import", id(self))

    def _build_simulation(self) -> None:
        """Build the Availability feature, then simulation mode, a part at a time
        (:mod:`designer.ui.parts`: 3 and 5 parts, none making more than one of their
        three pyqtgraph plots; each whole was one turn of ~17 and ~30 ms CPU at 100k,
        50-70 ms of wall time on a busy machine: the one idle turn over 50 ms after
        opening): steps of the shared idle slices, each part alone in its turn, once
        the live check of a big design just opened has reported (beside its worker,
        every call into Qt waited for the interpreter lock: 20-40 ms of CPU took 60-90
        ms). F5, a menu entry or the dock asking for either meanwhile builds the rest of
        it at once (:attr:`simulation`, :attr:`availability`)."""
        if (
            not shiboken6.isValid(self)
            or self._closed
            or (self._simulation is not None and self._availability is not None)
        ):
            return
        session = self.session
        if session.findings_revision != session.document.revision and (
            time.perf_counter() < self._simulation_wait_until
        ):
            if not self._simulation_waits:
                self._simulation_waits = True
                session.findings_changed.connect(self._build_simulation_when_checked)
                QTimer.singleShot(
                    int(SIMULATION_BUILD_WAIT_S * 1000) + 1, self._build_simulation_when_checked
                )
            return
        parts: list[Callable[[], bool]] = [self._availability_part, self._simulation_part]

        def step(deadline: float) -> bool:
            if deadline - time.perf_counter() < slices.TURN_BUDGET_S * 0.75:
                return False  # the turn is partly spent: first in a turn of its own
            if parts[0]():  # one part of it (each holds at most one of the plots)
                parts.pop(0)
            slices.shared().end_turn()  # and nothing after it in this turn
            return not parts

        # What it builds stays as long as the window (long_lived: made with the
        # collector paused, frozen at the end, out of the next tidies' way).
        slices.shared().start(self._build_key, self, step, long_lived=True)

    @property
    def _build_key(self) -> tuple[str, int]:
        return ("build simulation", id(self))

    def _build_simulation_when_checked(self) -> None:
        if self._simulation_waits and shiboken6.isValid(self):
            self._simulation_waits = False
            self.session.findings_changed.disconnect(self._build_simulation_when_checked)
            self._build_simulation()

    def _add_interop(self) -> None:
        """File > Import, the interop exports and the design review report (issue 12)."""
        from designer.ui.interop_actions import InteropActions

        self.interop = InteropActions(
            self, self.session, self.view.zoom_fit, self.file_menu, self.export_menu
        )

    def _add_availability(self) -> None:
        """View > Availability and F9 now; the Availability dock and the cut-set
        highlight (issue 16; pyqtgraph, numpy and the simulator) after the first frame,
        with simulation mode, or at once when something asks for :attr:`availability`."""
        from designer.ui.availability import (
            availability_compute_action,
            availability_dock,
            availability_view_action,
        )

        self._availability: AvailabilityFeature | None = None
        #: The feature while the idle slices build it (see :attr:`availability`).
        self._availability_partly: AvailabilityFeature | None = None
        #: Whether the feature's cut sets are shown in simulation mode's N-1 panel.
        self._cut_sets_shown = False
        # The dock is made now, before the window restores its saved state (so it
        # comes back where the user left it), and filled when the feature is built —
        # at once if it is shown first.
        dock = self._availability_dock = availability_dock(self)
        dock.visibilityChanged.connect(lambda shown: shown and self.availability)
        # Its tab raised, the dock grows to show the targets' rows (it showed three).
        dock.visibilityChanged.connect(functools.partial(self._fit_dock, dock))
        view = self.availability_view_action = availability_view_action(self)
        view.triggered.connect(lambda: self.availability.view_triggered())
        dock.toggleViewAction().toggled.connect(view.setChecked)
        view.setChecked(dock.toggleViewAction().isChecked())
        self._add_view_entry(view)
        compute = self.availability_compute_action = availability_compute_action(self)
        compute.triggered.connect(lambda: self.availability.compute())
        self.addAction(compute)
        # Simulation mode is built after the first frame: wire its N-1 panel then.
        self._when_simulation_built.append(self._connect_cut_sets)

    @property
    def availability(self) -> AvailabilityFeature:
        """The Availability feature, built now if it is not yet (the rest of it, when
        the idle slices have built part of it: :meth:`_availability_part`)."""
        if self._availability is None:
            feature = self._availability_partly or self._new_availability(in_parts=False)
            feature.building.finish()
            self._availability_partly = None
            self._availability = feature
            if self._simulation is not None:
                self._show_cut_sets_in(self._simulation)
        return self._availability

    def _new_availability(self, *, in_parts: bool) -> AvailabilityFeature:
        from designer.ui.availability.feature import AvailabilityFeature

        return AvailabilityFeature(
            self,
            self.session,
            self.view.design_scene,
            self._availability_dock,
            self.availability_view_action,
            self.availability_compute_action,
            in_parts=in_parts,
        )

    def _availability_part(self) -> bool:
        """One part of the Availability feature's build (a turn of the idle slices);
        whether it is built."""
        if self._availability is None:
            if self._availability_partly is None:
                self._availability_partly = self._new_availability(in_parts=True)
            if not self._availability_partly.building.step():
                return False
            _ = self.availability  # built: the window's part of it
        return True

    def _connect_cut_sets(self, mode: SimulationMode) -> None:
        """The N-1 panel's cut sets come from the Availability feature, built when the
        panel first asks for them if it is not yet: F5 before the idle build builds the
        mode alone (the feature was ~15-20 ms of that F5)."""
        mode.spof.cut_sets_requested.connect(
            lambda order: self.availability.model.start_cut_sets(order)
        )
        if self._availability is not None:
            self._show_cut_sets_in(mode)

    def _show_cut_sets_in(self, mode: SimulationMode) -> None:
        if self._cut_sets_shown:
            return
        self._cut_sets_shown = True
        spof, model = mode.spof, self.availability.model
        model.changed.connect(lambda: spof.show_cut_sets(model.cut_sets if model.current else None))

    # -- state ---------------------------------------------------------------------------
    def _on_file_state(self) -> None:
        path = self.session.path
        name = path.name if path else f"{self.session.design.name} (unsaved)"
        self.setWindowTitle(f"{name}[*] — {APP_NAME} {version()}")
        self.setWindowModified(self.session.dirty)
        self._update_findings_label()  # another design: "checking…" until its findings

    def _on_document_edited(self, events: tuple[object, ...]) -> None:
        self._find_dirty = True
        if any(isinstance(event, SettingsChanged) and event.what == "meta" for event in events):
            self._on_file_state()  # an unsaved design's title is its name

    def _update_findings_label(self) -> None:
        if self.session.checking:
            self.findings_label.setText("checking…")
            return
        counts = self.session.findings.summary()
        # The Problems dock's words: "info" stays "info" (the bar said "notes").
        parts = [
            f"{counts[key]} {key}{'s' if counts[key] != 1 and key != 'info' else ''}"
            for key in ("error", "warning", "info")
        ]
        self.findings_label.setText(" · ".join(parts))

    def _update_actions(self) -> None:
        """The Edit and Arrange actions follow the selection; those that edit the design
        are off in simulation mode, where the session refuses every edit (eyes20 #10:
        Undo, the Connect tool and Auto-Layout stayed enabled there, and Undo changed
        the design under the simulation)."""
        session = self.session
        has = bool(session.selection)
        busy = session.busy
        editable = not session.read_only and not busy
        for action in (self.act_copy, self.act_select_same_kind):
            action.setEnabled(has)
        for action in (self.act_cut, self.act_duplicate, self.act_rename, self.act_delete):
            action.setEnabled(has and editable)
        several = len(session.selection) >= 2
        for action in self.act_align.values():
            action.setEnabled(several and editable)
        for action in (
            self.act_paste,
            self.act_fit_content,
            self.act_auto_layout,
            self.act_replace_names,
        ):
            action.setEnabled(editable)
        self.act_connect.setEnabled(editable)
        # (Their stack enables them as it changes; this runs after, see __init__.)
        stack = session.undo_stack
        index = stack.index()
        self.act_undo.setEnabled(
            stack.canUndo() and not busy and (editable or self._saved_scenario(index - 1))
        )
        self.act_redo.setEnabled(
            stack.canRedo() and not busy and (editable or self._saved_scenario(index))
        )
        interop = getattr(self, "interop", None)
        if interop is not None:
            interop.import_menu.setEnabled(editable)
        self.zoom_label.setText(f"{self.view.scale_factor * 100:.0f} %")

    def _saved_scenario(self, index: int) -> bool:
        """Whether the undo stack's step ``index`` saved a scenario: the one step the
        simulation mode makes, so Undo/Redo stay on for it there (fixe19's "Ctrl+Z brings
        it back" after a scenario saved over another of its name)."""
        step = self.session.undo_stack.command(index)
        return isinstance(step, QtCommand) and isinstance(step.command, SetScenarios)

    def _on_busy(self, _busy: bool) -> None:
        self._update_actions()

    def _on_read_only(self, read_only: bool) -> None:
        """Simulation mode entered or left: the editing actions follow (the Connect
        tool, if on, is put down: a drag in the mode fails nothing)."""
        if read_only and self.view.connect_mode:
            self.view.set_connect_mode(False)
        self._update_actions()

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)
        self._message_at = time.monotonic()

    def _clear_stale_message(self, *_args: object) -> None:
        """A message about what just happened goes once the user does something else
        (selects, undoes): it would describe the past as if it were now."""
        if time.monotonic() - self._message_at > STALE_MESSAGE_S:
            self.statusBar().clearMessage()

    def _toggle_snap(self) -> None:
        self.view.snap_to_grid = self.act_snap.isChecked()

    def select_all(self) -> None:
        """Edit > Select All (Ctrl+A) acts where the keyboard focus is: a panel's table,
        list or text field selects its own contents (rows, cells, text); the canvas, or
        a panel with nothing to select, the design's elements. (The shortcut is the
        window's: Ctrl+A in Plan copies' preview selected every box on the canvas.)"""
        focus = QApplication.focusWidget()
        select = getattr(focus, "selectAll", None)
        if (
            focus is not None
            and focus is not self.view
            and not self.view.isAncestorOf(focus)
            and callable(select)
        ):
            select()
            return
        self.view.editor.select_all()

    def _toggle_wheel_zooms(self) -> None:
        on = self.act_wheel_zooms.isChecked()
        self.view.wheel_zooms = on
        self.settings.setValue(WHEEL_ZOOMS_KEY, on)

    def _toggle_grid(self) -> None:
        self.view.design_scene.show_grid = self.act_grid.isChecked()
        self.view.viewport().update()

    # -- find ----------------------------------------------------------------------------
    def _find_names_steps(self) -> Iterator[list[str] | None]:
        """The names the find box offers, made a slice at a time: ``None`` after every
        :data:`FIND_NAMES_SLICE` elements, then the list."""
        scene = self.view.design_scene
        # The boxes built and those still to build (a big design just opened builds
        # its boxes in slices too: reading scene.nodes would build them all at once).
        nodes, waiting = scene.boxes_built, scene.boxes_waiting
        # The parts too, noted or still waiting to be (reading scene.box_parent would
        # note every waiting part in this turn).
        edges, parts, unnoted = scene.lines_built, scene.boxes_parent, scene.parts_waiting
        lines = scene.lines_waiting  # (likewise the lines still to make)
        names: list[str] = []
        # One pass over the elements: a slice of the design's list from its start each
        # time went over all the elements before it again (100 slices at 100k).
        elements = iter(self.session.design.elements)
        while chunk := list(islice(elements, FIND_NAMES_SLICE)):
            # Boxes, the parts their boxes draw (a VM's virtual disks: two thirds of a
            # big design's elements, asked first after the boxes built) and lines.
            names.extend(
                f"{e.name} ({e.label})"
                for e in chunk
                if (i := e.id) in nodes
                or i in parts
                or i in unnoted
                or i in waiting
                or i in edges
                or i in lines
            )
            yield None
        yield names

    def _refresh_find_names(self) -> None:
        """Make the find box's names now (ending the sliced making, if under way: what
        its slices made of the design as it is stays made, the rest is made now)."""
        steps, revision = self._find_steps, self._find_steps_revision
        if steps is None or revision != self.session.document.revision:
            steps = self._find_names_steps()  # (an edit since: what was made named the old)
        slices.shared().cancel(self._find_job_key)
        self._find_steps = None
        *_, names = steps  # the last step gives the list
        assert names is not None
        self._find_model.setStringList(names)
        self._find_dirty = False

    def _refresh_find_names_in_slices(self) -> None:
        """Make the find box's names in the shared idle slices (after opening a big
        design: one turn made all 100,000 names, ~300 ms of a stalled window). Focusing
        the find box before they are done makes them at once (:meth:`_find_focused`)."""
        self._find_dirty = True
        revision = self.session.document.revision
        steps = self._find_steps = self._find_names_steps()
        self._find_steps_revision = revision

        def step(deadline: float) -> bool:
            for names in steps:
                if names is not None:
                    self._find_model.setStringList(names)
                    self._find_steps = None
                    # An edit while they were made: made again when next focused.
                    self._find_dirty = self.session.document.revision != revision
                    return True
                if time.perf_counter() >= deadline:
                    return False
            return True

        slices.shared().start(self._find_job_key, self, step)

    @property
    def _find_job_key(self) -> tuple[int, str]:
        return (id(self), "find names")

    @property
    def find_names_pending(self) -> bool:
        """Whether the find box's names are still being made in idle slices."""
        return slices.shared().running(self._find_job_key)

    def _forget_find_text(self) -> None:
        """Another design: the find box's words for the last one go (eyes18: "DR-MBX0"
        stayed in it after File > New)."""
        self.find_edit.clear()

    def _find_focused(self) -> None:
        # However the box gets the focus (Ctrl+F, a click, Tab): the names as they are.
        if getattr(self, "_find_dirty", False) or self.find_names_pending:
            self._refresh_find_names()

    def focus_find(self) -> None:
        self._find_focused()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def replace_in_names(self) -> None:
        """Edit > Replace in Names… (Ctrl+H): the dialog, kept from one opening to the
        next (its module imported when first asked for: no cost to a start)."""
        dialog = getattr(self, "replace_names_dialog", None)
        if dialog is None:
            from designer.ui.replace_names import ReplaceNamesDialog

            dialog = self.replace_names_dialog = ReplaceNamesDialog(self.session, self)
            # Ctrl+Z right after Replace All undoes it there too (a text box keeps its own).
            dialog.addActions([self.act_undo, self.act_redo])
        dialog.open_on()

    def find_element(self, text: str) -> bool:
        """Select and centre the element whose name (or id) is ``text``."""
        query = text.strip()
        if not query:
            return False
        if query.endswith(")") and " (" in query:
            query = query[: query.rindex(" (")]
        doc = self.session.document
        element = doc.get(query)
        if element is None:
            lowered = query.lower()
            matches = [e for e in doc.design.elements if e.name.lower() == lowered] or [
                e for e in doc.design.elements if lowered in e.name.lower()
            ]
            element = matches[0] if matches else None
        if element is None:
            self._show_message(f"No element named {query!r}")
            return False
        self.session.focus(element.id)
        self.view.setFocus()
        self._show_message(f"Found {element.describe()}")
        return True

    # -- files ---------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False if the user cancels."""
        if not self.session.dirty:
            return True
        answer = QMessageBox.question(
            self,
            APP_NAME,
            f"Save the changes to {self._display_name()}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _display_name(self) -> str:
        return self.session.path.name if self.session.path else self.session.design.name

    def new_design(self, template_key: str | None = None) -> None:
        """File > New: a blank design, or one from a template (a starting point to edit;
        it is not saved anywhere until Save As)."""
        if not self.maybe_save():
            return
        design = template(template_key) if template_key else Design()
        self.session.replace_design(design, None)
        self._stamp = None
        self.recovery.mark_clean()
        self.view.reset_zoom()
        if template_key:
            self.view.zoom_to_open()
            found = len(self.session.findings.active)
            self._show_message(
                f"New design from the template {TEMPLATES[template_key].title}: "
                f"{found} finding{'s' if found != 1 else ''} to look at"
            )
        else:
            self._show_message(
                "New blank design: drag a Site from the palette to begin, or start from a "
                "template (File > New)"
            )
        self._forget_find_text()
        self._refresh_find_names()

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(start_folder(self.session.path, self.recent.paths()))
        path, _ = QFileDialog.getOpenFileName(self, "Open design", start, FILE_FILTER)
        if path:
            self.open_file(path, ask=False)

    def open_file(self, path: str | Path, *, ask: bool = True) -> bool:
        """Load ``path``; on failure show why and keep the current design (a big file in
        a window on screen: read on a worker, :meth:`_read`)."""
        if ask and not self.maybe_save():
            return False
        path = Path(path)
        # Loading allocates a few million objects: each allocation burst would start a
        # full cyclic collection over everything already loaded (a third of the time
        # to open a 25k-element design). Collect once afterwards instead.
        # The design is a long-lived snapshot: later collections need not walk it.
        with collector_paused(freeze=True):
            return self._open(path)

    def _read(self, path: Path) -> tuple[Design, FileStamp]:
        """The design in ``path`` and its stamp. A file of :data:`OPEN_BESIDE_BYTES` or
        more in a window that has painted (File > Open, Open Recent, a reload; not
        ``dr-designer gui FILE``, whose first frame is the design's) is read on a worker
        (:mod:`designer.ui.opening`): at 100k the read held the window in one turn of
        1-3 s (16 s on a loaded machine) with nothing said; now the window paints, the
        status bar says "Opening NAME… N %", and keys and clicks are refused until it
        is read."""
        big = False
        if self._on_screen and self.isVisible():
            with contextlib.suppress(OSError):  # (the load says why)
                big = os.stat(path).st_size >= OPEN_BESIDE_BYTES
        if not big:
            return load_with_stamp(path)
        from designer.ui.opening import load_beside_the_window

        opening = f"Opening {printable(path.name)}…"
        self.statusBar().showMessage(opening)

        def refused() -> None:
            self.statusBar().showMessage(f"{opening} the window waits until it is read")

        def progress(share: float) -> None:
            self.statusBar().showMessage(f"{opening} {min(99, int(share * 100))} %")

        self._opening = True
        try:
            return load_beside_the_window(path, window=self, refused=refused, progress=progress)
        finally:
            self._opening = False
            self.statusBar().clearMessage()
            if self._close_when_saved:
                self._close_when_saved = False
                lifetime.soon(self, self.close)

    def _open(self, path: Path) -> bool:
        try:
            design, stamp = self._read(path)
        except LoadError as exc:
            self._cannot_open(path, str(exc), str(LoadError(exc.message, path=exc.path)))
            return False
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self._cannot_open(path, f"{path}: {reason}", reason)
            return False
        if len(design.elements) > SYNC_CHECK_LIMIT and self.view.viewport().isVisible():
            # A big design: its first frame first, then the check, the panels that fill
            # from the whole design, the names to find and the lookups of later edits.
            self.session.hold_until_shown()
            _AfterFirstPaint(
                self.view.viewport(),
                lambda: self.session.release_held(later=True),
                fallback_ms=FIRST_FRAME_FALLBACK_MS,
            )
        try:
            # load() has checked the structure: do not pay for it twice.
            self.session.replace_design(design, path.resolve(), checked=True)
        except DesignError as exc:
            self.session.release_held()
            self._cannot_open(path, f"{path}: {exc}", str(exc))
            return False
        self._stamp = stamp
        self.recovery.mark_clean(path.resolve(), stamp)
        clean_stale_temps(path.resolve().parent)  # left by saves that were killed
        self.recent.add(path)
        self.view.zoom_to_open()
        self._forget_find_text()
        self._find_dirty = True
        self.session.after_first_frame(self._refresh_find_names_in_slices)
        self.session.after_first_frame(self.session.prepare_edits)
        self._show_message(f"Opened {path.name}: {len(design.elements):,} elements")
        return True

    def _cannot_open(self, path: Path, text: str, reason: str) -> None:
        """Say why ``path`` did not open: in a dialog, and in the status bar once the
        dialog is closed (after ``dr-designer gui broken.json`` nothing in the window
        said what had happened). The message stays until the user does something."""
        QMessageBox.critical(self, "Cannot open design", text)
        self.statusBar().showMessage(f"Could not open {printable(path.name)}: {reason}")
        self._message_at = time.monotonic()

    def open_sample(self, name: str = bundled.DEFAULT_SAMPLE) -> bool:
        """Open a bundled sample design as an unsaved copy (Save asks where to put it:
        the installed sample stays as it is)."""
        if not self.maybe_save():
            return False
        try:
            design = load(bundled.sample(name))
        except (LoadError, bundled.MissingDataError) as exc:
            QMessageBox.critical(self, "Cannot open the sample", str(exc))
            return False
        self.session.replace_design(design, None, checked=True)
        self._stamp = None
        self.recovery.mark_clean()
        self.view.zoom_to_open()
        self._forget_find_text()
        self._refresh_find_names()
        self._show_message(f"Opened the sample {design.name}: save it to keep your changes")
        return True

    def save(self) -> bool:
        """Save to the design's file; a new design, or a bundled sample opened by its
        path, goes to :meth:`save_as` (the installed samples stay as they are)."""
        path = self.session.path
        if path is None or in_bundled_samples(path):
            return self.save_as()
        return self.save_to(path)

    def save_as(self) -> bool:
        path = self.session.path
        caption = "Save design as"
        if path is None:
            start = self._unsaved_file(DESIGN_SUFFIX)
        elif in_bundled_samples(path):
            # Under the sample's name, where the user keeps their files (eyes20 #7).
            start = start_folder(None, self.recent.paths()) / path.name
            caption = "Save your copy of the sample as"
        else:
            start = path
        chosen, _ = QFileDialog.getSaveFileName(self, caption, str(start), FILE_FILTER)
        if not chosen:
            return False
        path = design_file(Path(chosen))
        if path != Path(chosen) and path.exists() and not self._replace_file(path):
            return False
        return self.save_to(path, name=self._name_after_file(path))

    def _replace_file(self, path: Path) -> bool:
        """Whether ``path``, which the name typed became with its design suffix added,
        may be replaced: the dialog asked about the name as typed, not about it."""
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"{path.name} already exists in {path.parent}.\n\nReplace it with this design?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _name_after_file(self, path: Path) -> str | None:
        """The name a design still named as File > New names it ("Untitled design")
        takes from the file it is saved as ("boston-dr.json": "boston-dr"), or None:
        the window's reports and exports said "Design review: Untitled design" (eyes20
        #19). A design named by its user keeps its name, as does one in simulation mode
        (it cannot be edited there)."""
        if self.session.design.name != UNTITLED_NAME or self.session.read_only:
            return None
        return beside(path, "").name.strip()[:NAME_MAX] or None

    def _unsaved_file(self, suffix: str) -> Path:
        """The file a save or export dialog suggests for a design not saved yet: named
        after the design, in the folder last used (see ``start_folder``)."""
        folder = start_folder(None, self.recent.paths())
        return folder / file_name_for(self.session.design.name, suffix)

    def save_to(self, path: Path, *, overwrite: bool = False, name: str | None = None) -> bool:
        """Save to ``path``. If it is the file this window opened or last saved and
        another program changed it since, ask first (reload, overwrite, save as);
        ``overwrite`` writes without that check. ``name``: the design takes it (one
        undoable step) once it is written under it: a write that fails leaves the
        design and its undo steps as they were."""
        same = self.session.path is not None and _same_file(path, self.session.path)
        expected = self._stamp if same and not overwrite else None
        self.session.finish_steps()  # a big edit running in steps: saved once done
        design = self.session.design
        if name is not None:
            design = design.model_copy(update={"name": name})  # as SetDesignMeta makes it
        try:
            stamp = self._write(path, expected, design)
        except FileChangedError:
            return self._changed_on_disk(path, name)
        except ReadOnlyFileError:
            QMessageBox.critical(
                self,
                "Cannot save design",
                f"{path} is read-only, so it was not changed.\n\n"
                "Use File > Save As to save your design under another name, or make the "
                "file writable and save again.",
            )
            return False
        except OSError as exc:
            QMessageBox.critical(self, "Cannot save design", f"{path}: {exc.strerror or exc}")
            return False
        if name is not None:
            command = SetDesignMeta(name=name)
            command.text = f"Name the design {name} after its file"
            self.session.apply(command)
        self.session.mark_saved(path.resolve())
        self._stamp = stamp
        self.recovery.mark_clean(path.resolve(), stamp)
        self.recent.add(path)
        self._show_message(f"Saved {path.name}")
        return True

    def _write(self, path: Path, expected: FileStamp | None, design: Design) -> FileStamp:
        """Write ``design`` (the window's, or it renamed) to ``path``. A worker writes
        it while the window keeps painting and says "Saving…"; the user's keys and
        clicks on the window are refused until the file is written, with a word in the
        status bar (:mod:`designer.ui.saving`), a close waits until after it."""
        self._saving = True
        saving = f"Saving {path.name}…"
        self.statusBar().showMessage(saving)

        def refused() -> None:
            self.statusBar().showMessage(
                f"{saving} the design cannot be changed until it is written"
            )

        try:
            stamp = save_beside_the_window(
                design, path, expected=expected, window=self, refused=refused
            )
        except BaseException:
            self._close_when_saved = False  # the window stays: the user reads why
            raise
        finally:
            self._saving = False
            self.statusBar().clearMessage()
        if self._close_when_saved:
            self._close_when_saved = False
            lifetime.soon(self, self.close)
        return stamp

    def _changed_on_disk(self, path: Path, name: str | None = None) -> bool:
        """The file changed on disk since it was opened: reload, overwrite or save as."""
        answer = choose(
            self,
            "File changed on disk",
            f"{path.name} was changed by another program since you opened it.\n\n"
            "Reload it (your unsaved changes here are lost), overwrite it with your "
            "version (the other changes are lost), or save your version under another "
            "name?",
            ["Reload", "Overwrite", "Save As…", "Cancel"],
            default="Save As…",
            escape="Cancel",
            icon=QMessageBox.Icon.Warning,
        )
        if answer == "Reload":
            self._open(path)
            return False  # nothing was saved
        if answer == "Overwrite":
            return self.save_to(path, overwrite=True, name=name)
        if answer == "Save As…":
            return self.save_as()
        return False

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        # The files' names (their folders too where two share a name), each path whole
        # in its tooltip and the status bar: full paths made a menu as wide as the screen.
        self.recent_menu.setToolTipsVisible(True)
        for number, (text, label) in enumerate(zip(paths, recent_labels(paths), strict=True)):
            shown = printable(label).replace("&", "&&")
            action = self.recent_menu.addAction(f"&{number + 1} {shown}")  # (at most 8)
            action.setToolTip(printable(text))
            action.setStatusTip(printable(text))
            action.triggered.connect(lambda *_, p=text: self._open_recent(p))
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Menu", self.recent.clear)

    def _fill_samples_menu(self) -> None:
        """The bundled samples by their designs' names (read once, when first shown)."""
        if self.samples_menu.actions():
            return
        titles = {}
        for name in bundled.sample_names():
            try:
                with bundled.sample(name).open(encoding="utf-8") as handle:
                    titles[name] = str(json.load(handle)["design"]["name"])
            except (OSError, ValueError, KeyError, TypeError, bundled.MissingDataError):
                titles[name] = name.replace("_", " ")
        for name, title in sorted(titles.items(), key=lambda item: item[1].lower()):
            action = self.samples_menu.addAction(title)
            action.setData(name)
            action.triggered.connect(functools.partial(lambda n, *_: self.open_sample(n), name))

    def _open_recent(self, path: str) -> None:
        if not Path(path).exists():
            QMessageBox.warning(self, APP_NAME, f"{path} no longer exists")
            self.recent.remove(path)
            return
        self.open_file(path)

    # -- recovery ------------------------------------------------------------------------
    def _on_recovery_status(self, message: object) -> None:
        if isinstance(message, str):
            self.recovery_label.setText(f"⚠ {message}")
            self.recovery_label.setToolTip(
                f"Unsaved changes cannot be kept for crash recovery in {self.recovery.folder}. "
                "Free some space, or save your design."
            )
            self.recovery_label.show()
            self._show_message(message)
        else:
            self.recovery_label.hide()

    def offer_recovery(self) -> bool:
        """After a crash: offer every recovery copy back, newest first. The first one
        restored comes into this window, each further one into a window of its own.
        True if this window restored one."""
        restored = False
        for copy in pending_recoveries(self.recovery.folder):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(copy.saved_at))
            what = copy.original.name if copy.original else "an unsaved design"
            edits = f"{copy.edits} change{'s' if copy.edits != 1 else ''}, " if copy.edits else ""
            answer = QMessageBox.question(
                self,
                "Recover unsaved changes?",
                f"DR Designer closed unexpectedly while {what} had unsaved changes "
                f"({edits}last copied {when}). Restore them?\n\n"
                "No discards this copy; Cancel keeps it for the next start.",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.No:
                copy.discard()
                continue
            if answer != QMessageBox.StandardButton.Yes:
                continue  # kept for the next start
            target = self if not restored else self._sibling()
            if target._restore(copy) and target is self:
                restored = True
        return restored

    def _sibling(self) -> MainWindow:
        window = MainWindow(settings=self.settings, recovery_dir=self.recovery.folder)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Not the siblings closed (and deleted) since: their emptied Python side.
        self.sibling_windows[:] = [w for w in self.sibling_windows if shiboken6.isValid(w)]
        self.sibling_windows.append(window)
        window.show()
        return window

    def _restore(self, copy: PendingRecovery) -> bool:
        try:
            design = copy.load()
        except LoadError as exc:
            folder = copy.set_aside()  # never delete work that could not be read
            QMessageBox.critical(
                self,
                "Cannot recover",
                f"{exc}\n\nThe copy was kept in {folder} (its files end in .unrecoverable).",
            )
            return False
        self.session.replace_design(design, copy.original)
        self.session.undo_stack.resetClean()
        # What the file held before the crash: saving notices if it changed since.
        digest = copy.original_digest
        self._stamp = FileStamp(-1, -1, -1, -1, digest) if digest else None
        self.recovery.adopt(design, digest)  # this window's own copy first, then the old one goes
        copy.discard()
        self.view.zoom_fit()
        self._refresh_find_names()
        self._show_message("Recovered unsaved changes; save them to keep them")
        return True

    # -- export --------------------------------------------------------------------------
    def export_dialog(self, fmt: str) -> None:
        base = suggested_path(
            self.session.path, self.session.design.name, self.recent.paths(), f".{fmt}"
        )
        entry = {"png": self.act_export_png, "svg": self.act_export_svg, "pdf": self.act_export_pdf}
        path, _ = QFileDialog.getSaveFileName(
            self, dialog_title(entry[fmt].text()), str(base), f"{fmt.upper()} (*.{fmt})"
        )
        if not path:
            return
        from designer.ui.export import export_scene

        if Path(path).suffix.casefold() != f".{fmt}":  # a name typed without the suffix
            path += f".{fmt}"  # (as File > Export's draw.io, GraphML and GEXF do)
        try:
            export_scene(self.view.design_scene, Path(path))
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            QMessageBox.critical(self, "Export failed", f"{path}: {reason}")
            return
        self._show_message(f"Exported {Path(path).name}")

    # -- help ----------------------------------------------------------------------------
    def about(self) -> None:
        where = log_path() or default_log_dir()
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {version()}</h3>"
            "<p>Design, check and simulate the disaster-recovery topology of Microsoft "
            "Exchange on VMware.</p>"
            f"<p>Python {sys.version.split()[0]} · Qt {qVersion()}<br>"
            f"Log: {where}</p>",
        )

    def show_log_folder(self) -> None:
        where = log_path()
        folder = where.parent if where else default_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- dropping a file on the window ---------------------------------------------------
    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        local = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        return next((path for path in local if path.is_file()), None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)  # type: ignore[arg-type]

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Open after the drop returns: the source (a file manager) is not kept waiting
        # while a "save changes?" question or a big load runs.
        QTimer.singleShot(0, self, lambda: self.open_file(path))

    def stop_background_work(self, *, wait: bool = True) -> None:
        """Stop this window's workers, or wait for those that cannot stop, so that none
        still runs when the process ends (:func:`designer.ui.app.end_session`): the
        N-1 sweep, an availability run and the review report are cancelled; the live
        check, the sizing and the simulator's preparation are waited for (their queued
        runs dropped), and the import of simulation mode is joined — unless not
        ``wait``: the process then leaves without its interpreter's teardown, and these
        write nothing. Their Qt threads run Python: one still running while the
        interpreter shuts down can crash it."""
        for mode in (self._simulation, self._simulation_partly):
            if mode is not None:
                mode.stop_workers(wait=wait)
        for feature in (self._availability, self._availability_partly):
            if feature is not None:
                feature.stop_workers()
        interop = getattr(self, "interop", None)
        job = interop.review_job if interop is not None else None
        if job is not None:
            job.stop()
        capacity = self.capacity_controller
        if capacity is not None:
            capacity.stop_workers(wait=wait)
        self.session.stop_workers(wait=wait)
        if self._simulation_import is not None and wait:
            self._simulation_import.join()

    # -- Qt ------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # Sizes apply once the window is laid out: the canvas gets the room.
            self.layout_memory.apply_first_sizes()

    def _all_docks(self) -> list[QDockWidget]:
        """The window's docks, the simulation's and availability's too, in creation order."""
        return self.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab as Qt's, past the widgets of the docks tabbed away: Qt
        keeps those shown, moved off screen, and walked the focus through 13 of them
        (Databases, History, Capacity, Availability) between the Problems table and the
        Inspector's fields, the focus out of sight for 13 presses (eyes20). The chain is
        walked here without focusing what is skipped (a table given the focus picks a
        current row, which selects on the canvas)."""
        current = QApplication.focusWidget()
        if (
            current is None
            or current.window() is not self
            or not current.isVisible()
            or not current.isEnabled()
        ):
            # Not a Tab press: Qt moving the focus off a widget being hidden or disabled
            # (taken here, that broke F5: the simulator never became ready) does it its way.
            return super().focusNextPrevChild(next)
        wanted = Qt.FocusPolicy.TabFocus
        widget: QWidget | None = current
        for _ in range(100_000):  # the chain is a ring (bounded all the same)
            assert widget is not None
            widget = widget.nextInFocusChain() if next else widget.previousInFocusChain()
            if widget is None or widget is current:
                break
            if (
                widget.focusPolicy() & wanted == wanted
                and widget.focusProxy() is None
                and widget.window() is self
                and widget.isVisibleTo(self)
                and widget.isEnabled()
            ):
                if _in_tabbed_away_dock(widget, self):
                    continue
                reason = (
                    Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
                )
                widget.setFocus(reason)  # as Qt's own move does
                return True
        return super().focusNextPrevChild(next)

    def event(self, event: QEvent) -> bool:
        if event.type() != QEvent.Type.DeferredDelete:
            return super().event(event)
        # Deleted (pytest-qt after a test, ``dr-designer gui`` at its end): the window's
        # Qt objects go with it, then the cycles of their Python side are broken, so the
        # session, its design and its undo history are freed now (designer.ui.lifetime).
        # The workers first, waited for here with the interpreter lock released: the
        # thread pools' destructors wait for them holding it (a check running Python on
        # its worker then never ends: a deadlock).
        self.stop_background_work()
        if lifetime.process_ending():
            return super().event(event)
        parts = lifetime.gather(self)
        handled = super().event(event)
        lifetime.release(parts)
        # The capacity sizings kept for this window's designs hold them; the other
        # windows' current designs keep theirs.
        # (Not imported here: none was kept if it is not; being imported by another
        # window's worker, it may lack the function yet.)
        keep_only = getattr(sys.modules.get("designer.capacity.shared"), "keep_only", None)
        if keep_only is not None:
            keep_only(s.design for s in live_sessions())
        return handled

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving or self._opening:
            # A close that reaches the window while it saves: asked again once the file
            # is written (with the design clean, it then closes without a question);
            # while it opens one: asked once it is read.
            event.ignore()
            self._close_when_saved = True
            return
        self.session.finish_steps()  # a big edit running in steps: done, then asked
        if not self.maybe_save():
            event.ignore()
            return
        self.recovery.close()
        if self._simulation is not None:  # the sweep's thread ends before the window goes
            self._simulation.spof.stop()
        if self._availability is not None:  # and an availability run's
            self._availability.stop_workers()
        # A closed window builds nothing more. Its idle build went on: it made simulation
        # mode and the Availability feature again for a window nobody sees, and their
        # half-made panels, parentless until their last part, were left as top-level
        # widgets once the window was deleted (tests/ui/test_close_mid_build.py).
        self._closed = True
        slices.shared().cancel(self._build_key)
        for partly in (self._simulation_partly, self._availability_partly):
            if partly is not None:
                partly.building.cancel()
        self._simulation_partly = self._availability_partly = None
        mode = self._simulation
        self.layout_memory.save(mode.editing_layout() if mode is not None else None)
        event.accept()
        if any(shiboken6.isValid(w) and w.isVisible() for w in self.sibling_windows):
            # The process goes on with the recovered designs' windows: this one is done
            # with, and kept its session, design and history until the process ended
            # (the siblings go when closed: WA_DeleteOnClose).
            self.deleteLater()


def _in_tabbed_away_dock(widget: QWidget, window: QMainWindow) -> bool:
    """Whether ``widget`` lies in a dock of ``window`` whose tab is not the current one
    (Qt moves such a dock off screen, shown: nothing of it is visible)."""
    parent: QWidget | None = widget
    while parent is not None and parent is not window:
        if isinstance(parent, QDockWidget):
            return not parent.isFloating() and parent.visibleRegion().isEmpty()
        parent = parent.parentWidget()
    return False


class _OnFocusIn(QObject):
    """Calls ``then`` whenever ``widget`` gets the keyboard focus."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self._then()
        return False


class _AfterFirstPaint(QObject):
    """Calls ``then`` once, in the event-loop turn after ``widget`` first painted (or,
    with ``fallback_ms``, if no paint came that long after the event loop next ran: a
    window covered up)."""

    def __init__(
        self, widget: QWidget, then: Callable[[], None], *, fallback_ms: int | None = None
    ) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        self._widget = widget
        widget.installEventFilter(self)
        if fallback_ms is not None:
            # Counted from the event loop's next turn, not from now: opening a big
            # design takes seconds before the loop runs again, and a fallback that had
            # expired by then would release the held work ahead of the first paint.
            QTimer.singleShot(0, self, lambda: QTimer.singleShot(fallback_ms, self, self._fire))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            lifetime.soon(self, self._fire)  # once the paint is done
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is None:
            return
        self._widget.removeEventFilter(self)
        self.deleteLater()
        then()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False
