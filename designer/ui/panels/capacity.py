"""The Capacity dock (issue 11): what each WAN link carries per failure mode, and each
mailbox server's load with its worst mode; and the link utilisation on the canvas.

:class:`CapacityController` sizes the design (:func:`designer.capacity.capacity`, every
failure mode through the simulator) after each edit, on a worker thread for large
designs, and paints each WAN link on the canvas by the share of its bandwidth it
carries: in normal operation or its worst mode while editing, in the scenario's current
state (failures and degraded links at the time cursor) in simulation mode.
:class:`CapacityPanel` shows a link's streams stacked by kind for normal operation and
its heaviest modes, with the link's bandwidth as a line (pyqtgraph), and the servers'
table.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QHideEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer import stopping
from designer.document.events import DesignReplaced
from designer.domain.design import Design, ScenarioStep
from designer.domain.elements import WanLink
from designer.text import json_printable
from designer.ui import lifetime
from designer.ui.alt_keys import keep_letters
from designer.ui.canvas.items.edge import load_percent
from designer.ui.file_ops import suggested_path
from designer.ui.session import sharing_the_ui_thread
from designer.ui.simulation.words import link_changes
from designer.workload import KIND_LABELS, states_workload, unsized_site_figures

if TYPE_CHECKING:
    import pyqtgraph as pg

    from designer.capacity import (
        CapacityEngine,
        CapacityReport,
        LinkReport,
        Mode,
        ModeLoad,
        Sizing,
    )
    from designer.capacity.shared import SharedSizing
    from designer.simulation import Simulator
    from designer.ui.canvas.scene import DesignScene
    from designer.ui.session import EditorSession

__all__ = ["KIND_COLORS", "CapacityController", "CapacityPanel"]

#: Designs up to this many elements are sized on the UI thread after an edit; larger
#: ones on a worker, so editing never waits for every failure mode.
SYNC_CAPACITY_LIMIT = 400
#: How long edits settle before the design is sized again, ms.
DEBOUNCE_MS = 250
#: Stream kinds in stacking order, with their colours.
KIND_COLORS: dict[str, str] = {
    "dag_log_shipping": "#1f77b4",
    "e2007_log_shipping": "#17becf",
    "mirrorview_s": "#9467bd",
    "double_take": "#8c564b",
    "mirrorview_a": "#ff7f0e",
    "dag_reseed": "#7f7f7f",
}
#: Modes shown per link: normal operation and this many of the heaviest others.
HEAVIEST_MODES = 7
#: The stream chart's least height (px): bars, their mode names and the axis readable.
CHART_MIN_HEIGHT = 180
#: Bars lower than this share of the bandwidth get their peak written over them.
PEAK_NOTE_BELOW = 0.05
#: Pixels kept clear between two bars' labels on the chart's axis.
TICK_GAP = 8
#: What the chart's place and the summary say while a large design is sized on the
#: worker (they said "this design states no capacity workload" until it was done).
SIZING = "Sizing the design for every failure mode…"
#: The servers' table rows the dock's default height shows whole (at most).
TABLE_ROWS_SHOWN = 6
#: The Log LUNs tab when the sizing found none.
NO_LOG_LUNS = (
    "No log LUN: no LUN holds the logs of a replicated database copy (a DAG member's "
    "log disk on a LUN)"
)


class _Job(QRunnable):
    def __init__(self, controller: CapacityController, design: Design, revision: int) -> None:
        super().__init__()
        self.controller = controller
        self.design = design
        self.revision = revision

    def run(self) -> None:
        if self.revision != self.controller.wanted:
            return  # edited again meanwhile: a newer job sizes the newer design
        from designer.capacity.shared import SizingStopped

        try:
            with sharing_the_ui_thread():
                # The sizing the rule check (CAP001–CAP005) reads too: one per revision.
                report = shared_sizing(self.design).report
        except SizingStopped:
            return  # the window is going (CapacityController.stop_workers)
        self.controller._done.emit(self.revision, report)


def shared_sizing(design: Design) -> SharedSizing:
    """:func:`designer.capacity.shared.shared_sizing` (the one sizing per revision the
    CAP rules read too), imported when first needed: the sizing imports the simulator,
    which the window's first frame does not wait for."""
    from designer.capacity.shared import shared_sizing as sizing

    return sizing(design)


class CapacityController(QObject):
    """The current design's capacity report, recomputed after edits."""

    report_changed = Signal()
    #: A sizing job was started on the worker (see :attr:`sizing`).
    sizing_started = Signal()
    _done = Signal(int, object)

    def __init__(self, session: EditorSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report: CapacityReport | None = None
        self.revision = -1
        #: The document revision the newest sizing job was started for (a queued job
        #: for an older one skips its work).
        self.wanted = -1
        #: "normal" or "worst": what the canvas shows while editing.
        self.canvas_mode = "normal"
        self.scene: DesignScene | None = None
        self.show_on_canvas = True
        self._simulation: tuple[Simulator, list[ScenarioStep], float] | None = None
        self._engine: tuple[int, CapacityEngine] | None = None
        self._scenario: tuple[object, dict[str, tuple[float, str]]] | None = None
        self._names: tuple[CapacityReport, dict[str, str]] | None = None
        #: Whether the design states a workload, for the (revision, design) it was asked
        #: of: the panel's summary and the sizing both ask, in two turns after a big
        #: design's first frame (each ~10 ms at 100k: every database's and LUN's field).
        self._workload: tuple[int, int, bool] | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        # An opened big design's first frame first (the session holds work until then).
        self._timer.timeout.connect(lambda: session.after_first_frame(self.refresh))
        self._done.connect(self._on_done)
        session.document_edited.connect(lambda _events: self._timer.start())
        self.refresh()

    # -- sizing ---------------------------------------------------------------------------
    @property
    def sized(self) -> bool:
        """Whether the design states the capacity workload it can be sized for."""
        return self._states_workload()

    def _states_workload(self) -> bool:
        """``states_workload`` of the current design, asked once per revision (the
        revision changes with every edit and replacement; the design's id as well, in
        case)."""
        document = self.session.document
        design = document.design
        known = self._workload
        if known is not None and known[0] == document.revision and known[1] == id(design):
            return known[2]
        stated = states_workload(design, document.index)
        self._workload = (document.revision, id(design), stated)
        return stated

    @property
    def pending(self) -> bool:
        """No report yet for a design that states a workload: its sizing is under way,
        or about to start (an opened design's refresh waits for the first frame and a
        short debounce; until then "states no workload" would be untrue)."""
        return self.report is None and (self.sizing or self.sized)

    @property
    def sizing(self) -> bool:
        """Whether the current design's sizing is under way on the worker (no report yet
        then does not mean no workload: a large design opened with one)."""
        revision = self.session.document.revision
        return self.wanted == revision and self.revision != revision

    def refresh(self) -> None:
        """Size the current design now (a worker does it for large designs)."""
        document = self.session.document
        design = document.design
        if not self._states_workload():
            self.report, self.revision = None, document.revision
            self._apply_canvas()
            self.report_changed.emit()
            return
        if len(design.elements) <= SYNC_CAPACITY_LIMIT:
            self._on_done(document.revision, shared_sizing(design).report)
        elif self.wanted != document.revision:  # else its job is queued, running or done
            self.wanted = document.revision
            self._pool.start(_Job(self, design, document.revision))
            self.sizing_started.emit()

    def stop_workers(self, *, wait: bool = True) -> None:
        """Drop pending sizing and wait for the job running (the process's end:
        :func:`designer.ui.app.end_session`; not without ``wait``): a queued job skips
        its work once :attr:`wanted` names no revision."""
        self._timer.stop()
        self.wanted = -1
        self._pool.clear()
        # A sizing of the design under way (this job's, the live check's CAP rules')
        # ends at its next failure mode, not after the last; none starts after it (one
        # whose worker is still importing the sizing: it raises once imported).
        stopping.stop(self.session.design)
        if wait:
            self._pool.waitForDone()

    def wait(self) -> None:
        """Finish pending sizing (tests, exports)."""
        if self._timer.isActive():
            self._timer.stop()
            self.refresh()
        self._pool.waitForDone()
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()

    def _on_done(self, revision: int, report: CapacityReport) -> None:
        if revision != self.session.document.revision:
            return
        self.report, self.revision = report, revision
        self._engine = None
        self._apply_canvas()
        self.report_changed.emit()

    # -- the canvas -----------------------------------------------------------------------
    def attach(self, scene: DesignScene) -> None:
        self.scene = scene
        self._apply_canvas()

    def set_canvas_mode(self, mode: str) -> None:
        self.canvas_mode = mode
        self._apply_canvas()

    def set_show_on_canvas(self, show: bool) -> None:
        self.show_on_canvas = show
        self._apply_canvas()

    def set_simulation(
        self, simulator: Simulator | None, steps: list[ScenarioStep], time: float
    ) -> None:
        """Simulation mode: show the scenario's state at ``time`` (None: leave it)."""
        self._simulation = None if simulator is None else (simulator, list(steps), time)
        self._apply_canvas()

    def names(self) -> dict[str, str]:
        """Names of the sites at the ends of the sized links (what the link figures are
        told by), kept per report; looked up, not gathered from a large design's every
        element (tens of ms)."""
        report = self.report
        if report is None:
            return {}
        if self._names is None or self._names[0] is not report:
            self._names = (report, self._sites_names(r.link for r in report.links))
        return self._names[1]

    def _sites_names(self, links: Iterable[WanLink]) -> dict[str, str]:
        document = self.session.document
        names: dict[str, str] = {}
        for link in links:
            for site_id in (link.site_a, link.site_b):
                site = document.get(site_id)
                names[site_id] = site.name if site is not None else site_id
        return names

    def loads(self) -> dict[str, tuple[float, str]]:
        """What the canvas shows: per WAN link, its utilisation and a tooltip."""
        report = self.report
        if report is None:
            return {}
        if self._simulation is not None:
            return self._scenario_loads(*self._simulation)
        names = self.names()
        found: dict[str, tuple[float, str]] = {}
        for link in report.links:
            load = link.worst if self.canvas_mode == "worst" and link.worst else link.normal
            found[link.link.id] = (load.utilisation, _tip(link.link, load, names))
        return found

    def _scenario_loads(
        self, simulator: Simulator, steps: list[ScenarioStep], time: float
    ) -> dict[str, tuple[float, str]]:
        failed: list[str] = []
        bandwidth: dict[str, float] = {}
        directions: dict[str, str] = {}
        for step in steps:
            if step.at_s > time or step.target is None:
                continue
            if step.action == "fail":
                failed.append(step.target)
            elif step.action == "restore":
                failed = [f for f in failed if f != step.target]
                bandwidth.pop(step.target, None)
                directions.pop(step.target, None)
            elif step.action == "degrade":
                if step.bandwidth_mbps is not None:
                    bandwidth[step.target] = step.bandwidth_mbps
                if step.failed_direction is not None:
                    directions[step.target] = step.failed_direction
        from designer.capacity import CapacityEngine, Mode, ModeLoad  # imported by now

        if self._engine is None or self._engine[0] != id(simulator):
            self._engine = (id(simulator), CapacityEngine(simulator))
            self._scenario = None
        engine = self._engine[1]
        key = (tuple(failed), tuple(sorted(bandwidth.items())), tuple(sorted(directions.items())))
        if self._scenario is not None and self._scenario[0] == key:
            return self._scenario[1]
        failed = [
            f
            for f in dict.fromkeys(failed)
            if f in simulator.prep.sp_array or simulator.index.get(f)
        ]
        label = "the scenario at the time cursor"
        mode = Mode("scenario", tuple(failed), label)
        try:
            settled = simulator.settled(failed) if failed else None
        except Exception:  # an element the scenario names is gone: show nothing
            return {}
        result = engine.evaluate(
            mode,
            settled,
            bandwidth=bandwidth,
            directions_down=directions,  # type: ignore[arg-type]
        )
        names = self._sites_names(simulator.prep.links.values())
        found: dict[str, tuple[float, str]] = {}
        for link_id, link in simulator.prep.links.items():
            a = result.links[(link_id, "a_to_b")]
            b = result.links[(link_id, "b_to_a")]
            load = ModeLoad(mode, a, b)
            found[link_id] = (load.utilisation, _tip(link, load, names, bandwidth.get(link_id)))
        self._scenario = (key, found)
        return found

    def _apply_canvas(self) -> None:
        if self.scene is None:
            return
        if not self.show_on_canvas:
            self.scene.set_link_loads(None)
            return
        notes = None
        if self._simulation is not None:
            _simulator, steps, time = self._simulation
            notes = link_changes(steps, time, self.session.document)
        self.scene.set_link_loads(self.loads(), notes)


def _tip(
    link: WanLink, load: ModeLoad, names: dict[str, str], degraded_mbps: float | None = None
) -> str:
    """The link's tooltip; ``degraded_mbps`` is a scenario's cut bandwidth, which the
    utilisation is of (the design's figure is named beside it)."""
    a, b = names.get(link.site_a, link.site_a), names.get(link.site_b, link.site_b)
    if degraded_mbps is None:
        of = f"{link.bandwidth_mbps:,g} Mbit/s"
    else:
        of = f"{degraded_mbps:,g} Mbit/s (cut from {link.bandwidth_mbps:,g})"
    lines = [
        f"{link.name}: {load_percent(load.utilisation)} % of {of} ({load.mode.label})",
        f"{a} → {b}: {load.a_to_b.mbps:,.1f} Mbit/s · {b} → {a}: {load.b_to_a.mbps:,.1f} Mbit/s",
    ]
    for way, fig in ((f"{a} → {b}", load.a_to_b), (f"{b} → {a}", load.b_to_a)):
        parts = ", ".join(
            f"{KIND_LABELS.get(k, k)} {v:,.1f}"
            for k, v in fig.by_kind.items()
            if not k.startswith("_")
        )
        if parts:
            lines.append(f"{way}: {parts}")
    return "\n".join(lines)


def _over_sizing(report: CapacityReport) -> list[tuple[float, str, Sizing]]:
    """The servers over their sizing in their worst mode (the table's red cells, the
    CLI's "OVER SIZING"), the most over first: (its larger share, name, sizing)."""
    found: list[tuple[float, str, Sizing]] = []
    for member in report.members:
        worst = member.worst
        need = member.sizing(worst[1] if worst else member.normal, report.figures)
        if need.over:
            found.append((max(need.cpu_pct, need.memory_pct), member.vm.name, need))
    found.sort(key=lambda f: (-f[0], f[1]))
    return found


#: A hyphen no line breaks after (U+2011): a name wrapped in a table cell stays whole.
NO_BREAK_HYPHEN = "\u2011"


def names_whole(text: str) -> str:
    """``text`` with its hyphens made unbreakable: a cell that wraps breaks it between
    words only. The worst mode's column broke "esx-wor-02" after "esx-" (Qt breaks
    lines after a hyphen).

    >>> names_whole("failure of ESXi host esx-wor-02") == "failure of ESXi host esx‑wor‑02"
    True
    """
    return text.replace("-", NO_BREAK_HYPHEN)


def _pct(fraction: float) -> str:
    return "∞ %" if math.isinf(fraction) else f"{fraction * 100:.0f} %"


class CapacityPanel(QWidget):
    """Per link: stacked streams per mode with the bandwidth line; per server: load."""

    def __init__(self, controller: CapacityController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CapacityPanel")
        self.controller = controller
        self.link_combo = QComboBox()
        self.link_combo.setObjectName("CapacityLink")
        self.link_combo.setToolTip("The WAN link whose streams the chart shows")
        self.direction_combo = QComboBox()
        self.direction_combo.setObjectName("CapacityDirection")
        self.canvas_combo = QComboBox()
        self.canvas_combo.setObjectName("CapacityCanvasMode")
        self.canvas_combo.addItem("Canvas: normal operation", "normal")
        self.canvas_combo.addItem("Canvas: worst mode", "worst")
        self.canvas_combo.addItem("Canvas: no utilisation", "off")
        self.canvas_combo.setToolTip("What the WAN links on the canvas show")
        self.summary = QLabel()
        self.summary.setObjectName("CapacitySummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(QLabel("Link"))
        top.addWidget(self.link_combo, 2)
        top.addWidget(self.direction_combo, 1)
        top.addStretch(1)
        top.addWidget(self.canvas_combo)
        # The figures to hand over (eyes20 #18): what `dr-designer capacity FILE
        # --format json` writes, copied or saved.
        # A push button with a menu: the style draws its arrow beside the text and
        # counts it in the width (a tool button's drew it over the "t", eyes21 #2).
        # Alt+X: Alt+E is the Edit menu's (the window's menu bar takes F, E, A, V, H).
        self.export_button = QPushButton("E&xport")
        self.export_button.setObjectName("CapacityExport")
        self.export_button.setToolTip(
            "The capacity figures as JSON, as `dr-designer capacity FILE --format json` writes them"
        )
        export_menu = QMenu(self.export_button)
        self.act_copy_json = export_menu.addAction("&Copy Figures as JSON", self.copy_json)
        self.act_save_json = export_menu.addAction("&Save Figures as JSON…", self.save_json)
        self.export_button.setMenu(keep_letters(export_menu))  # C, S: not the canvas's C
        top.addWidget(self.export_button)
        # The chart (pyqtgraph and numpy: about half a second of a cold start) is
        # made when the panel is first shown, not with the window.
        self.plot_widget: pg.PlotWidget | None = None
        self.chart_holder = QWidget()
        QVBoxLayout(self.chart_holder).setContentsMargins(0, 0, 0, 0)
        #: In the chart's place when it has nothing to draw: why, and what to do (an
        #: empty plot with axis ticks 0.1–0.9 said neither).
        self.empty_note = QLabel()
        self.empty_note.setObjectName("CapacityChartEmpty")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setContentsMargins(16, 16, 16, 16)
        self.empty_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_note.hide()
        holder_layout = self.chart_holder.layout()
        assert holder_layout is not None
        holder_layout.addWidget(self.empty_note)
        self._chart_stale = False
        self._follows_dock = False
        #: Whether the panel's dock is in front (not behind another tab): see
        #: minimumSizeHint.
        self._in_front = True
        #: The summary's lines over what the layout counts (see _summary_excess).
        self._summary_extra = 0
        self.bars: list[pg.BarGraphItem] = []
        #: The bars' labels whole (the axis shows them fitted: see _fit_ticks).
        self._tick_labels: list[str] = []
        self.bandwidth_line: pg.InfiniteLine | None = None
        #: Over bars too low to see against the bandwidth: their peak (see _peak_note).
        self.peak_note: pg.TextItem | None = None
        #: The highest bar and the bandwidth, Mbit/s (the y range: see _fit_range).
        self._heights: tuple[float, float] | None = None
        #: The chart's title whole, and as last shown (cut to the width: _fit_title).
        self._title_text = ""
        self._title_shown: str | None = None
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("CapacityServers")
        # CPU and memory are the worst mode's (the report's "CPU / memory (worst)"): a
        # passive node idle in normal operation read "normal 0 / 0 … CPU 56 %".
        self.table.setHorizontalHeaderLabels(
            [
                "server",
                "sizing",
                # eyes19 #14: "1 / 2,000" read without a unit (the tooltips had it).
                "normal\nDBs / mailboxes",
                "worst\nDBs / mailboxes",
                "worst mode",
                "CPU (worst)",
                "memory (worst)",
            ]
        )
        for column, tip in (
            (1, "The server's vCPUs and memory"),
            (2, "Active databases / active mailboxes in normal operation"),
            (3, "Active databases / active mailboxes in the server's worst failure mode"),
            (4, "The failure mode that loads the server most (single, double, site, site + 1)"),
            (5, "CPU its worst mode needs, of its vCPUs × megacycles × the CPU ceiling"),
            (6, "Memory its worst mode needs (database cache and base), of its memory"),
        ):
            item = self.table.horizontalHeaderItem(column)
            if item is not None:
                item.setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves a read-only table
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # The log LUNs' clocks beside the servers (eyes21 #14: they were in `capacity`,
        # the review report and CAP004 only): their table made and filled when their
        # tab is first shown (the window's construction pays only for the tab bar).
        self.log_table: QTableWidget | None = None
        self._log_tab = QWidget()
        self._log_tab.setObjectName("CapacityLogLunsTab")
        QVBoxLayout(self._log_tab).setContentsMargins(0, 0, 0, 0)
        self._logs_shown: object = None  # the report the log table shows
        self.tables = QTabWidget()
        self.tables.setObjectName("CapacityTables")
        self.tables.setDocumentMode(True)
        self.tables.addTab(self.table, "Servers")
        self.tables.addTab(self._log_tab, "Log LUNs")
        self.tables.currentChanged.connect(lambda _i: self._fill_log_table())
        split = self.split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart_holder)
        split.addWidget(self.tables)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        self.link_combo.currentIndexChanged.connect(self._fill_directions)
        self.direction_combo.currentIndexChanged.connect(lambda _i: self.draw_link())
        self.canvas_combo.currentIndexChanged.connect(self._canvas_mode)
        self.table.cellDoubleClicked.connect(self._focus_server)
        controller.report_changed.connect(self.reload)
        controller.sizing_started.connect(self._sizing_started)
        # A design opened with no report yet: say at once whether one is coming (only
        # then: an edit's sizing says so itself, and this costs ~3 ms an edit at 100k).
        controller.session.document_edited.connect(self._on_document_edited)
        self.reload()

    # -- content ----------------------------------------------------------------------------
    def reload(self) -> None:
        report = self.controller.report
        current = self.link_combo.currentData()
        self.link_combo.blockSignals(True)
        self.link_combo.clear()
        if report is not None:
            for link in report.links:
                self.link_combo.addItem(link.link.name, link.link.id)
            index = self.link_combo.findData(current)
            if index < 0 and report.links:
                heaviest = max(report.links, key=lambda r: r.worst.utilisation if r.worst else 0)
                index = self.link_combo.findData(heaviest.link.id)
            self.link_combo.setCurrentIndex(max(index, 0))
        self.link_combo.blockSignals(False)
        self.export_button.setEnabled(report is not None)
        self._fill_directions()
        self._fill_table()
        self._fill_log_table()
        self._fill_summary()

    # -- export ---------------------------------------------------------------------------
    def figures_json(self) -> str | None:
        """The report as `dr-designer capacity FILE --format json` writes it (the worst
        mode; ``None`` before there is one)."""
        report = self.controller.report
        if report is None:
            return None
        text = json.dumps(report.to_json(all_modes=False), indent=2, ensure_ascii=False)
        return json_printable(text) + "\n"

    def copy_json(self) -> None:
        text = self.figures_json()
        if text is None:
            return
        QGuiApplication.clipboard().setText(text)
        self.controller.session.status_message.emit("Copied the capacity figures as JSON")

    def save_json(self, path: str | None = None) -> Path | None:
        """Ask where (unless ``path``), then write the figures there."""
        from designer.interop.exporting import write_text_atomic

        text = self.figures_json()
        if text is None:
            return None
        session = self.controller.session
        if path is None:
            recent = getattr(self.window(), "recent", None)
            start = suggested_path(
                session.path, session.design.name, recent.paths() if recent else [],
                "-capacity.json",
            )  # fmt: skip
            path, _ = QFileDialog.getSaveFileName(
                self, "Save capacity figures", str(start), "JSON (*.json)"
            )
            if not path:
                return None
        target = Path(path)
        try:
            write_text_atomic(target, text)
        except OSError as exc:
            QMessageBox.critical(self, "Save capacity figures", str(exc))
            return None
        session.status_message.emit(f"Capacity figures saved to {target}")
        return target

    def _on_document_edited(self, events: tuple[object, ...]) -> None:
        if any(isinstance(event, DesignReplaced) for event in events):
            # A big design just opened: after its first frame (at once otherwise). Its
            # summary asks whether the design states a workload, which reads every
            # database's and LUN's field (~19 M instructions of a 100k opening's UI
            # thread before its first frame, for a panel behind a tab; wave 23, open23b).
            self.controller.session.after_first_frame(self._sizing_started)

    def _sizing_started(self) -> None:
        """With no report yet, say that one is coming (not that no workload is stated)."""
        if self.controller.report is None:
            self._fill_summary()
            self.draw_link()

    def _fill_directions(self) -> None:
        report = self.controller.report
        current = self.direction_combo.currentData()
        self.direction_combo.blockSignals(True)
        self.direction_combo.clear()
        link = self._link()
        if report is not None and link is not None:
            names = self.controller.names()
            a, b = names.get(link.link.site_a, ""), names.get(link.link.site_b, "")
            self.direction_combo.addItem(f"{a} → {b}", "a_to_b")
            self.direction_combo.addItem(f"{b} → {a}", "b_to_a")
            busier = (
                "a_to_b"
                if (link.worst or link.normal).a_to_b.mbps
                >= (link.worst or link.normal).b_to_a.mbps
                else "b_to_a"
            )
            index = self.direction_combo.findData(current if current else busier)
            self.direction_combo.setCurrentIndex(max(index, 0))
        self.direction_combo.blockSignals(False)
        self.draw_link()

    def _link(self) -> LinkReport | None:
        report = self.controller.report
        key = self.link_combo.currentData()
        if report is None or key is None:
            return None
        return next((r for r in report.links if r.link.id == key), None)

    def modes_shown(self) -> list[ModeLoad]:
        """Normal operation and the heaviest modes of the chosen link and direction: only
        those heavier than normal operation (a mode at or under normal's figure is not
        one of the "heaviest"; with none, normal operation alone)."""
        link = self._link()
        if link is None:
            return []
        way = self.direction_combo.currentData() or "a_to_b"

        def mbps(load: ModeLoad) -> float:
            return (load.a_to_b if way == "a_to_b" else load.b_to_a).mbps

        normal = round(mbps(link.normal), 6)

        # Heaviest first; among equals a site loss before a single failure (it names
        # the event an architect plans for), and one mode per distinct load of a kind.
        rank = {"site": 0, "single": 1}
        others = sorted(
            link.modes, key=lambda m: (-round(mbps(m), 6), rank.get(m.mode.kind, 2), m.mode.label)
        )
        heaviest: list[ModeLoad] = []
        seen: set[tuple[object, ...]] = set()
        for load in others:
            if round(mbps(load), 6) <= normal:
                break  # heaviest first: the rest are no heavier either
            fig = load.a_to_b if way == "a_to_b" else load.b_to_a
            key = (load.mode.kind, *(round(v, 6) for v in fig.by_kind.values()))
            if key in seen:
                continue
            seen.add(key)
            heaviest.append(load)
            if len(heaviest) == HEAVIEST_MODES:
                break
        return [link.normal, *heaviest]

    def _make_chart(self) -> None:
        import pyqtgraph as pg

        from designer.ui.count_axis import CountAxis

        # "1,000" on the axis, as the legend and the report write it.
        self.plot_widget = pg.PlotWidget(axisItems={"left": CountAxis()})
        self.plot_widget.setObjectName("CapacityPlot")
        self.plot_widget.setBackground(self.palette().base().color())
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabel("left", "Mbit/s")
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        # The legend under the plot, not over it: at the dock's height it covered the
        # bars and the axis (beside it, it took the bars' width).
        self.legend = pg.LegendItem(colCount=3)
        self.plot.layout.addItem(self.legend, 4, 1)
        self.plot.getViewBox().sigResized.connect(self._fit_ticks)
        self.plot.getViewBox().sigResized.connect(self._fit_range)
        self.plot.getViewBox().sigResized.connect(self._fit_title)
        self.plot.getViewBox().sigResized.connect(self._fit_legend)
        layout = self.chart_holder.layout()
        assert layout is not None
        layout.addWidget(self.plot_widget)
        # The splitter sized itself round the empty holder: share it 3:4 now.
        width = sum(self.split.sizes())
        self.split.setSizes([width * 3 // 7, width - width * 3 // 7])

    def preferred_height(self) -> int:
        """The panel's height for the chart's least height and the servers' table whole
        (up to TABLE_ROWS_SHOWN rows); the dock is sized to it when shown."""
        table = self.table
        rows = max(1, min(TABLE_ROWS_SHOWN, table.rowCount()))
        wanted = (
            self.tables.tabBar().sizeHint().height()
            + table.horizontalHeader().height()
            + rows * table.verticalHeader().defaultSectionSize()
            + 2 * table.frameWidth()
            + table.horizontalScrollBar().sizeHint().height()
        )
        around = self.height() - self.split.height()
        return around + max(CHART_MIN_HEIGHT, wanted)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The chart's least height while the panel shows (not with the dock behind
        # another tab: the bottom docks' area would keep the capacity chart's height).
        self.chart_holder.setMinimumHeight(CHART_MIN_HEIGHT)
        # After the event: the window's first show shows every dock before the tabs
        # behind others are hidden again.
        lifetime.soon(self, self._draw_if_stale)
        # A dock tabbed behind another stays "visible" with nothing of it on screen:
        # raising its tab later brings no show event, only the dock's visibilityChanged.
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget) and not self._follows_dock:
            self._follows_dock = True
            dock.visibilityChanged.connect(self._dock_visible)

    def _dock_visible(self, visible: bool) -> None:
        if visible != self._in_front:
            self._in_front = visible
            self.updateGeometry()
        if visible:
            lifetime.soon(self, self._draw_if_stale)

    def minimumSizeHint(self) -> QSize:
        """No least height while the dock is behind another tab: a tab group takes the
        greatest least height of its docks, so the hidden panel's (its chart's and its
        summary's, which gains lines when the report comes a quarter second after a
        load) made the bottom docks grow and the canvas jump under the pointer."""
        hint = super().minimumSizeHint()
        if not self._in_front:
            return QSize(hint.width(), 0)
        return QSize(hint.width(), hint.height() + self._summary_excess())

    def _summary_excess(self) -> int:
        """How much taller the summary's wrapped lines are at the panel's width than the
        least height the layout counts for it (its lines at some narrower width): the
        layout gave the summary its lines and took them from the chart, whose least
        height then ran out of the splitter under the summary, the legend hidden (1,100
        px window). The panel's least height holds both."""
        summary = self.summary
        layout = self.layout()
        if layout is None or summary.isHidden() or not summary.text():
            return 0
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        if width <= 0:
            return 0
        return max(0, summary.heightForWidth(width) - summary.minimumSizeHint().height())

    def _summary_changed(self) -> None:
        """The least height again when the summary's lines may have changed."""
        excess = self._summary_excess()
        if excess != self._summary_extra:
            self._summary_extra = excess
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._summary_changed()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.chart_holder.setMinimumHeight(0)

    def _draw_if_stale(self, tries: int = 20) -> None:
        if not (self._chart_stale or self.plot_widget is None):
            return
        if self._shown():
            self.draw_link()
        elif self.isVisible() and tries > 0:
            # Shown but not laid out yet (its tab was just raised): look again shortly.
            # With the panel as context: a panel deleted meanwhile (its window closed)
            # cancels the call instead of running it on a deleted widget.
            QTimer.singleShot(25, self, lambda: self._draw_if_stale(tries - 1))

    def _shown(self) -> bool:
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def draw_link(self) -> None:
        """Draw the chosen link's streams per mode (when the panel is shown: a hidden
        panel draws when it is next shown)."""
        if not self._shown():
            self._chart_stale = True
            return
        self._chart_stale = False
        if self.plot_widget is None:
            self._make_chart()
        import pyqtgraph as pg

        for item in self.bars:
            self.plot.removeItem(item)
        self.bars = []
        if self.bandwidth_line is not None:
            self.plot.removeItem(self.bandwidth_line)
            self.bandwidth_line = None
        if self.peak_note is not None:
            self.plot.removeItem(self.peak_note)
            self.peak_note = None
        self.legend.clear()
        link = self._link()
        if link is None:
            self._show_empty(
                "No WAN link carries replication in this design: there are no streams to chart."
                if self.controller.report
                else SIZING
                if self.controller.pending
                else self._no_workload_note()
            )
            return
        way = self.direction_combo.currentData() or "a_to_b"
        loads = self.modes_shown()
        base = [0.0] * len(loads)
        xs = list(range(len(loads)))
        for kind, color in KIND_COLORS.items():
            heights = [
                (load.a_to_b if way == "a_to_b" else load.b_to_a).by_kind.get(kind, 0.0)
                for load in loads
            ]
            if not any(heights):
                continue
            bar = pg.BarGraphItem(
                x=xs, y0=list(base), height=heights, width=0.6, brush=pg.mkBrush(QColor(color)),
                pen=pg.mkPen(QColor(color).darker(130)),
            )  # fmt: skip
            self.plot.addItem(bar)
            self.legend.addItem(bar, KIND_LABELS.get(kind, kind))
            self.bars.append(bar)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        if not self.bars:
            # Any mode's streams the other way (not only those charted: PRD-WIT WAN
            # carries nothing in normal operation, so the witness-bound failover's
            # streams read as "no mailboxes are stated").
            other = any(
                (load.b_to_a if way == "a_to_b" else load.a_to_b).mbps > 0
                for load in (link.normal, *link.modes)
            )
            self._show_empty(
                f"Nothing crosses {link.link.name} {self.direction_combo.currentText()} in any "
                "mode: its streams go the other way (choose the other direction above)."
                if other
                else f"No streams on {link.link.name}: no mailboxes (or change rates) are "
                "stated for what replicates across it. State a mailbox profile in the "
                "Inspector on the site, DAG or databases behind it."
            )
            return
        self._show_empty(None)
        pen = pg.mkPen("#d32f2f", width=2, style=Qt.PenStyle.DashLine)
        self.bandwidth_line = pg.InfiniteLine(pos=link.link.bandwidth_mbps, angle=0, pen=pen)
        self.plot.addItem(self.bandwidth_line)
        # The line is named in the legend, not on itself: there its label lay over any
        # bar taller than the line where it stood ("bandwidth 20 Mbit/s" across the
        # third bar of Exchange 2007's BEL-POR line).
        self.legend.addItem(pg.PlotDataItem(pen=pen), "")
        _sample, label = self.legend.items[-1]
        label.setText(f"bandwidth {link.link.bandwidth_mbps:,g} Mbit/s", color="#d32f2f")
        self._fit_legend()
        self._tick_labels = [_short(load.mode, self._failed_links(load.mode)) for load in loads]
        self._heights = (max(base), link.link.bandwidth_mbps)
        self._peak_note(base, link.link.bandwidth_mbps)
        self._fit_range()
        self.plot.setXRange(-0.6, len(loads) - 0.4, padding=0)
        self._fit_ticks()
        self._title(
            f"{link.link.name}: streams per mode (Mbit/s at the busiest hour)"
            if len(loads) > 1
            else f"{link.link.name}: no mode is heavier than normal operation (Mbit/s at "
            "the busiest hour)"
        )

    def _peak_note(self, tops: list[float], bandwidth: float) -> None:
        """Over the highest bar, its figure, when the bars are too low to see against
        the bandwidth line (eyes19 #14: 10 of 1,000 Mbit/s drew 1 px bars, the chart
        read as empty): "peak 9.6 Mbit/s (1 % of 1,000)"."""
        import pyqtgraph as pg

        peak = max(tops)
        if bandwidth <= 0 or peak >= PEAK_NOTE_BELOW * bandwidth:
            return
        text = f"peak {peak:,.1f} Mbit/s ({_pct(peak / bandwidth)} of {bandwidth:,g})"
        note = pg.TextItem(text, color=self.palette().text().color())
        at = tops.index(peak)
        # Its bottom over the bar: its middle, or its edge nearer the chart's side (a
        # side bar's note ran past the plot).
        side = 0.5 if len(tops) == 1 else 0.0 if at == 0 else 1.0 if at == len(tops) - 1 else 0.5
        note.setAnchor((side, 1.0))
        note.setPos(at, peak)
        self.plot.addItem(note)
        self.peak_note = note

    def _failed_links(self, mode: Mode) -> list[str]:
        """The names of the WAN links ``mode`` fails."""
        document = self.controller.session.document
        found = (document.get(f) for f in mode.failed)
        return [e.name for e in found if isinstance(e, WanLink)]

    def _fit_range(self, *_args: object) -> None:
        """The y range: 15 % over the highest bar or the bandwidth line."""
        if self.plot_widget is None or self._heights is None:
            return
        bars, bandwidth = self._heights
        self.plot.setYRange(0, max(bars, bandwidth) * 1.15, padding=0)

    def _fit_legend(self, *_args: object) -> None:
        """As many of the legend's entries side by side as the chart's width holds (at
        most three): three in a row ran past a 1,100 px window's chart, the bandwidth's
        entry cut ("bandwidth 100 M"). Again when the chart is resized."""
        if self.plot_widget is None or not self.legend.items:
            return
        # An entry: its sample (20 px), its text and the layout's spacing.
        widths = [
            label.boundingRect().width() + sample.boundingRect().width() + 12
            for sample, label in self.legend.items
        ]
        room = self.plot.boundingRect().width() - 8
        columns = 1
        for count in range(min(3, len(widths)), 1, -1):
            if sum(max(widths[k::count]) for k in range(count)) <= room:
                columns = count
                break
        self.legend.setColumnCount(columns)

    def _fit_ticks(self, *_args: object) -> None:
        """The modes' labels under their bars, each within its bar's share of the axis:
        wrapped onto two lines at a space, elided past that (side by side they overlapped,
        "array DC08-CX2" over "WAN DC07-DC08" at 1600 px, and the last went missing).
        Again when the chart is resized."""
        if self.plot_widget is None or not self._tick_labels:
            return
        axis = self.plot.getAxis("bottom")
        room = self.plot.getViewBox().width() / len(self._tick_labels) - TICK_GAP
        metrics = QFontMetrics(axis.style.get("tickFont") or self.plot_widget.font())
        ticks = [(i, _fit(label, metrics, room)) for i, label in enumerate(self._tick_labels)]
        # The axis as tall as its labels' lines (grown by itself, it cut the second off).
        lines = max(text.count("\n") + 1 for _i, text in ticks)
        axis.setStyle(autoExpandTextSpace=False, tickTextHeight=lines * metrics.height())
        axis.setTicks([ticks])

    def _no_workload_note(self) -> str:
        """Why a design that states no workload has no chart, what its sites' change
        rates and users are used for (eyes28 item 15), and what to state."""
        document = self.controller.session.document
        sites = unsized_site_figures(document.design, document.index)
        return (
            "No streams to chart: this design states no capacity workload. "
            + (f"{sites} " if sites else "")
            + "State a mailbox profile in the Inspector (on a site, DAG or database), or an "
            "array or LUN a change rate, to size its WAN links and servers for every failure "
            "mode."
        )

    def _show_empty(self, why: str | None) -> None:
        """Show the chart, or (``why``) a plain note in its place saying why it is empty
        and what to do."""
        assert self.plot_widget is not None
        if why is not None:
            self._tick_labels = []
            self._heights = None
        self.empty_note.setText(why or "")
        self.empty_note.setVisible(why is not None)
        self.plot_widget.setVisible(why is None)

    def _title(self, text: str) -> None:
        """The chart's title, a size smaller than pyqtgraph's: it no longer sets the chart's
        least width (a long one pushed the plot's right part, legend and all, out of its
        widget); the tooltip has it whole."""
        self._title_text = text
        self._title_shown = None
        self.plot.titleLabel.setToolTip(text)
        self._fit_title()

    def _fit_title(self, *_args: object) -> None:
        """The title cut short with "…" to the plot's width (a long link name's title ran
        on past the chart's edge, cut mid-word: "… (Mbit/s at the busiest |" in a 1,100 px
        window); again when the chart is resized. As text, not markup."""
        text = self._title_text
        if self.plot_widget is None or not text:
            return
        label = self.plot.titleLabel
        font = QFont(label.item.font())
        font.setPointSizeF(9.0)
        # The text item's margins (4 px a side) and a little room.
        room = max(int(self.plot.getViewBox().width()) - 12, 24)
        shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, room)
        if shown == self._title_shown:
            return
        self._title_shown = shown
        self.plot.setTitle(html.escape(shown), size="9pt")
        label.setMinimumWidth(0)

    def _fill_table(self) -> None:
        report = self.controller.report
        self.table.setRowCount(0)
        if report is None:
            return
        self.table.setRowCount(len(report.members))
        red = QBrush(QColor("#d32f2f"), Qt.BrushStyle.SolidPattern)
        for row, member in enumerate(report.members):
            worst = member.worst
            load = worst[1] if worst else member.normal
            need = member.sizing(load, report.figures)
            cells = [
                member.vm.name,
                f"{member.vm.vcpu} vCPU, {member.vm.memory_gb:g} GB",
                f"{member.normal.active_databases} / {member.normal.active_mailboxes:,}",
                f"{load.active_databases} / {load.active_mailboxes:,}",
                names_whole(worst[0].label) if worst else "",
                _pct(need.cpu_pct / 100),
                _pct(need.memory_pct / 100),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, member.vm.id)
                if column in (5, 6) and (need.cpu_pct if column == 5 else need.memory_pct) > 100:
                    item.setForeground(red)
                    item.setToolTip("over the server's sizing in its worst mode (CAP003)")
                self.table.setItem(row, column, item)

    def _make_log_table(self) -> QTableWidget:
        table = self.log_table = QTableWidget(0, 5)
        table.setObjectName("CapacityLogLuns")
        table.setHorizontalHeaderLabels(
            ["log LUN", "logs of", "free GB", "logs GB/h", "hours to full"]
        )
        for column, tip in (
            (1, "The databases whose copies keep their logs on the LUN"),
            (2, "Its free space (its stated free GB, else the catalog's share of its size)"),
            (3, "Logs its copies write an hour at the busiest hour"),
            (4, "Hours until it fills while a copy or a link is down (logs cannot truncate)"),
        ):
            item = table.horizontalHeaderItem(column)
            if item is not None:
                item.setToolTip(tip)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)  # Tab leaves a read-only table
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.cellDoubleClicked.connect(self._focus_log_lun)
        layout = self._log_tab.layout()
        assert layout is not None
        layout.addWidget(table)
        table.show()  # (a child added to a shown widget is shown only when asked)
        return table

    def _fill_log_table(self) -> None:
        """The log LUNs of the report, when their tab shows (reading them builds them:
        a sizing's report makes its log LUNs when first read)."""
        report = self.controller.report
        if self.tables.currentWidget() is not self._log_tab or report is self._logs_shown:
            return
        self._logs_shown = report
        table = self.log_table or self._make_log_table()
        table.setRowCount(0)
        table.clearSpans()
        if report is None:
            return
        design = self.controller.session.design
        target_h = design.intent.rto_target_min / 60.0
        document = self.controller.session.document
        red = QBrush(QColor("#d32f2f"), Qt.BrushStyle.SolidPattern)
        if not report.log_luns:
            # Not an empty table without a word (eyes19: the servers' table so stood).
            table.setRowCount(1)
            table.setSpan(0, 0, 1, table.columnCount())
            table.setItem(0, 0, QTableWidgetItem(NO_LOG_LUNS))
            return
        table.setRowCount(len(report.log_luns))
        for row, lun in enumerate(report.log_luns):
            dbs = sorted({getattr(document.get(d), "name", d) for d, _ in lun.copies})
            hours = lun.hours_to_full
            cells = [
                lun.lun.name,
                ", ".join(dbs),
                f"{lun.free_gb:,.1f}" + ("" if lun.free_stated else " (assumed)"),
                f"{lun.gb_per_hour:.2f}",
                "—" if hours is None else f"{hours:,.1f}",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, lun.lun.id)
                if column == 4 and hours is not None and hours < target_h:
                    item.setForeground(red)
                    item.setToolTip(
                        f"fills before the RTO target ({target_h:g} h) is over (CAP004)"
                    )
                table.setItem(row, column, item)

    def _fill_summary(self) -> None:
        self._set_summary()
        self._summary_changed()

    def _set_summary(self) -> None:
        report = self.controller.report
        if report is None and self.controller.pending:
            self.summary.setText(SIZING)
            return
        if report is None:
            # Only that: how to state one is the chart's note, above (the same advice
            # was said twice, in the chart's place and here: uiq23).
            self.summary.setText("No capacity workload stated: nothing sized.")
            return
        over = [r.link.name for r in report.links if r.over_budget_worst()]
        parts = [f"{len(report.evaluated)} modes sized"]
        if not report.members:
            # (the servers' table stood empty without a word: the SRM template's)
            parts.append("no mailbox server holds a mailbox database: no server to size")
        if over:
            parts.append("over budget in some mode: " + ", ".join(over))
        servers = _over_sizing(report)
        if servers:
            count, name, need = len(servers), servers[0][1], servers[0][2]
            parts.append(
                f"{count} server{'' if count == 1 else 's'} over {'its' if count == 1 else 'their'}"
                f" sizing in the worst mode ({'' if count == 1 else 'the most: '}{name}, CPU "
                f"{_pct(need.cpu_pct / 100)}, memory {_pct(need.memory_pct / 100)})"
            )
        notes = [n for n in report.notes() if not n.startswith("assumption")]
        self.summary.setText(" · ".join(parts) + ("" if not notes else "\n" + "\n".join(notes)))
        self.summary.setToolTip("\n".join(report.notes()))

    # -- actions ----------------------------------------------------------------------------
    def _canvas_mode(self) -> None:
        mode = self.canvas_combo.currentData()
        self.controller.set_show_on_canvas(mode != "off")
        if mode != "off":
            self.controller.set_canvas_mode(mode)

    def _focus_log_lun(self, row: int, _column: int) -> None:
        assert self.log_table is not None
        item = self.log_table.item(row, 0)
        if item is not None:
            self.controller.session.focus(str(item.data(Qt.ItemDataRole.UserRole)))

    def _focus_server(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.controller.session.focus(str(item.data(Qt.ItemDataRole.UserRole)))


def _fit(label: str, metrics: QFontMetrics, room: float) -> str:
    """``label`` within ``room`` pixels: whole, else on two lines split at the space that
    balances them best, a line still too wide split again after a hyphen or at a space
    (three lines at most: "array" over "DC02-" over "CX2" where two lines read "array"
    over "D…2"), each cut short in its middle if it is still too wide."""
    width = max(int(room), 12)
    if metrics.horizontalAdvance(label) <= width:
        return label
    lines = _split(label, metrics, spaces_only=True) or [label]
    if len(lines) < 3:
        widest = max(range(len(lines)), key=lambda i: metrics.horizontalAdvance(lines[i]))
        if metrics.horizontalAdvance(lines[widest]) > width:
            lines[widest : widest + 1] = (
                _split(lines[widest], metrics)
                or _split_word(lines[widest], metrics)
                or [lines[widest]]
            )
    # Cut in the middle: modes' names differ at both ends ("array DC02-CX1", "…-CX2").
    return "\n".join(metrics.elidedText(t, Qt.TextElideMode.ElideMiddle, width) for t in lines)


def _split(text: str, metrics: QFontMetrics, *, spaces_only: bool = False) -> list[str]:
    """``text`` as two lines, split at the space (or, unless ``spaces_only``, just after
    the hyphen) that makes the wider of them narrowest; [] if it has neither."""
    cuts = [(text[:i], text[i + 1 :]) for i, c in enumerate(text) if c == " "]
    if not spaces_only:
        cuts += [(text[: i + 1], text[i + 1 :]) for i, c in enumerate(text[:-1]) if c == "-"]
    cuts = [(a, b) for a, b in cuts if a and b]
    if not cuts:
        return []
    return list(min(cuts, key=lambda ab: max(metrics.horizontalAdvance(t) for t in ab)))


def _split_word(word: str, metrics: QFontMetrics) -> list[str]:
    """A name with neither space nor hyphen as two lines, cut where its letters meet its
    digits ("esx" over "01001": a host's name read "es…01" under its bar), at the cut
    that makes the wider line narrowest; [] if it has no such cut."""
    cuts = [
        (word[:i], word[i:])
        for i in range(1, len(word))
        if word[i - 1].isalpha() != word[i].isalpha()
        and (word[i - 1].isalnum() and word[i].isalnum())
    ]
    if not cuts:
        return []
    return list(min(cuts, key=lambda ab: max(metrics.horizontalAdvance(t) for t in ab)))


def _short(mode: Mode, links: Iterable[str] = ()) -> str:
    """A mode's label for an axis tick: its kind's words shortened ("site", "array"); a
    failed WAN link (``links``: the names of those it fails) reads "PRD-DR WAN down"
    (under another link's chart its bare name read as that link's own streams)."""
    if mode.kind == "normal":
        return "normal"
    text = mode.label
    for name in links:
        text = text.replace(f"WAN link {name}", f"{name} down")
    text = (
        text.replace("failure of ", "")
        .replace("loss of site ", "site ")
        .replace("ESXi host ", "")
        .replace("storage array ", "array ")
        .replace("WAN link ", "")
    )
    # Whole: _fit wraps it, and cuts it short only past three lines' room.
    return text
