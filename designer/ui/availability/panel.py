"""The Availability panel: availability in nines and downtime per database and per
site's users, from the cut sets and from the Monte Carlo, the selected target's cut
sets, and a bar chart of each element's importance (pyqtgraph).

Compute runs :class:`~designer.ui.availability.model.AvailabilityModel` (cut sets,
then the seeded Monte Carlo over processes) with a progress bar and Cancel. "Failure
figures…" edits the design's MTBF/MTTR per kind (one undoable step); the figures are
the user's, and the panel says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.availability import (
    AvailabilityReport,
    CutSetResult,
    ElementImportance,
    TargetCutSets,
)
from designer.availability.analysis import TargetAvailability, nines
from designer.availability.figures import (
    KIND_LABELS,
    KIND_PLURALS,
    MINUTES_PER_YEAR,
    minutes_text,
    percent_text,
)
from designer.document.commands import SetReliability
from designer.domain.reliability import RELIABILITY_KINDS, KindFigures, ReliabilitySettings
from designer.ui.availability.highlight import order_color
from designer.ui.availability.model import AvailabilityModel, Request
from designer.ui.parts import Parts, plot_frame
from designer.ui.session import EditorSession

__all__ = ["AvailabilityPanel", "FiguresDialog"]

_TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
#: Bars in the importance chart, at most.
CHART_BARS = 12
#: The targets' rows the dock shows whole when its tab is raised: at least the first
#: (room for a DAG's four databases and its sites' users before anything is computed;
#: the tab's first height showed three), at most the second (then the table scrolls).
TABLE_ROWS_SHOWN = (6, 10)


def _label_for(box: QSpinBox, text: str) -> QLabel:
    """``text`` to stand beside ``box``, naming it (its tooltip, the box's accessible
    name); it is made the box's buddy once both are in the panel's layout."""
    label = QLabel(text)
    label.setToolTip(box.toolTip())
    box.setAccessibleName(text)
    return label


class FiguresDialog(QDialog):
    """MTBF and MTTR (hours) and their source, per kind; empty cells: no figures."""

    COLUMNS = ("Kind", "MTBF (h)", "MTTR (h)", "Source")

    def __init__(self, settings: ReliabilitySettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Failure figures")
        self.table = QTableWidget(len(RELIABILITY_KINDS), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for row, kind in enumerate(RELIABILITY_KINDS):
            label = QTableWidgetItem(KIND_LABELS[kind])
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            label.setData(_TARGET_ROLE, kind)
            self.table.setItem(row, 0, label)
            figures = settings.kinds.get(kind)  # type: ignore[call-overload]
            values = (
                ("", "", "")
                if figures is None
                else (f"{figures.mtbf_h:g}", f"{figures.mttr_h:g}", figures.source)
            )
            for column, value in enumerate(values, start=1):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020")
        note = QLabel(
            "No published source gives these figures: they are yours (an operator's "
            "incident history, a vendor's sheet). Empty: that kind never fails in the "
            "analysis. An element's own MTBF/MTTR (Inspector) overrides its kind's."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter commits a cell, it does not close
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 380)
        self.settings = settings

    def _accept(self) -> None:
        kinds: dict[str, KindFigures] = {}
        for row, kind in enumerate(RELIABILITY_KINDS):
            texts = [self._text(row, c) for c in (1, 2, 3)]
            if not texts[0] and not texts[1]:
                continue
            try:
                mtbf, mttr = float(texts[0]), float(texts[1])
                kinds[kind] = KindFigures(mtbf_h=mtbf, mttr_h=mttr, source=texts[2])
            except ValueError:
                self.error.setText(
                    f"{KIND_LABELS[kind]}: MTBF and MTTR are hours, at least one minute (1/60) each"
                )
                self.table.setCurrentCell(row, 1)
                return
        self.settings = ReliabilitySettings(kinds=kinds)
        self.accept()

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""


class AvailabilityPanel(QWidget):
    """Controls, the per-target table, the selected target's cut sets, the chart."""

    #: (kind, id) of the target shown: "database" or "site".
    target_selected = Signal(object)

    HEADERS = (
        "Target",
        "Mailboxes",
        "Availability",
        "Nines",
        "Min/year",
        "Monte Carlo [95 %]",
        "Cut sets 1/2/3",
    )

    def __init__(
        self, model: AvailabilityModel, parent: QWidget | None = None, *, in_parts: bool = False
    ) -> None:
        """``in_parts``: built by :attr:`building`'s steps, the chart a part of its own
        (see :mod:`designer.ui.parts`); otherwise at once."""
        super().__init__(parent)
        self.building = Parts(self._build(model))
        if not in_parts:
            self.building.finish()

    def _build(self, model: AvailabilityModel) -> Iterator[None]:
        self.model = model
        self.session: EditorSession = model.session
        self.setObjectName("AvailabilityPanel")
        self.order = QSpinBox()
        self.order.setRange(1, 4)
        self.order.setValue(3)
        self.order.setPrefix("order ≤ ")
        self.order.setToolTip("The largest cut sets counted")
        self.years = QSpinBox()
        self.years.setRange(0, 10_000_000)
        self.years.setSingleStep(1000)
        self.years.setValue(10_000)
        self.years.setGroupSeparatorShown(True)
        self.years.setSuffix(" years")
        self.years.setToolTip("Years of Monte Carlo (0: from the cut sets only)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(
            "The Monte Carlo's random seed: the same seed gives the same figures again"
        )
        # The boxes named beside them (eyes24: "10,000 years" and "seed 0" did not say
        # what they were for).
        self.order_label, self.years_label, self.seed_label = (
            _label_for(self.order, "Cut sets"),
            _label_for(self.years, "Monte Carlo"),
            _label_for(self.seed, "Seed"),
        )
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("Cut sets, availability and the Monte Carlo (F9)")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel)
        self.figures_button = QPushButton("Failure figures…")
        self.figures_button.clicked.connect(self.edit_figures)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setFormat("%p %")
        self.phase = QLabel("")
        self.figures_label = QLabel("")
        self.figures_label.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves a read-only table
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setToolTip(
            "Availability and downtime (minutes a year) from the cut sets; the Monte "
            "Carlo's downtime with its 95 % interval"
        )
        self.table.itemSelectionChanged.connect(self._on_row)

        self.cut_tree = QTreeWidget()
        self.cut_tree.setHeaderLabels(["Cut set", "Mailboxes", "Downtime"])
        self.cut_tree.headerItem().setToolTip(
            2, "The cut set's share of the target's downtime (its product of MTTR/(MTBF+MTTR))"
        )
        self.cut_tree.setRootIsDecorated(False)
        self.cut_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.cut_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.cut_tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.cut_tree.header().setStretchLastSection(False)
        self.cut_title = QLabel("Cut sets")

        frame = plot_frame()  # (the chart's view box and axes, a part ahead of it)
        yield
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        self.foreground = palette.color(QPalette.ColorRole.Text)
        self.chart = pg.PlotWidget(background=background, **frame)
        self.chart.setObjectName("ImportanceChart")
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.setMenuEnabled(False)
        self.chart.setLabel("bottom", "Fussell–Vesely importance, % of downtime")
        for axis in ("left", "bottom"):
            self.chart.getAxis(axis).setTextPen(self.foreground)
            self.chart.getAxis(axis).setPen(self.foreground)
        self.chart.getPlotItem().invertY(True)
        self.chart_title = QLabel("Importance")
        self.bars: pg.BarGraphItem | None = None
        self.chart_rows: list[ElementImportance] = []
        yield  # the chart, then the panel around it

        controls = QHBoxLayout()
        for label, box in (
            (self.order_label, self.order),
            (self.years_label, self.years),
            (self.seed_label, self.seed),
        ):
            controls.addWidget(label)
            controls.addWidget(box)
            controls.addSpacing(6)
            # Here, not when made: PySide's setBuddy keeps the box alive with the label,
            # and a build cancelled before this part (a window closed mid-build) left
            # the parentless boxes behind (test_close_mid_build).
            label.setBuddy(box)
        for widget in (self.compute_button, self.cancel_button):
            controls.addWidget(widget)
        controls.addWidget(self.progress, 1)
        controls.addWidget(self.phase)
        controls.addStretch(0)
        # The figures' button ends the line about them (which names it), not the
        # controls' row: with the boxes' labels that row grew the window's least width
        # from 675 to 832 px (a window kept at 780 px wide was widened).
        figures = QHBoxLayout()
        figures.addWidget(self.figures_label, 1)
        figures.addWidget(self.figures_button, 0, Qt.AlignmentFlag.AlignTop)
        cuts = QWidget()
        cuts_layout = QVBoxLayout(cuts)
        cuts_layout.setContentsMargins(0, 0, 0, 0)
        cuts_layout.addWidget(self.cut_title)
        cuts_layout.addWidget(self.cut_tree)
        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart_title)
        chart_layout.addWidget(self.chart)
        # Side by side: the dock sits below the canvas, wide and low.
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(cuts)
        split.addWidget(chart)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 4)
        split.setSizes([640, 380, 520])
        self.split = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addLayout(figures)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

        model.changed.connect(self.refresh)
        model.progress.connect(self._on_progress)
        model.running_changed.connect(self._on_running)
        model.message.connect(self.status.setText)
        # Once a change's events are all given out (a site removed: 6,000 events).
        self.session.changes_applied.connect(self._show_figures)
        self._selected: tuple[str, str] | None = None
        self._show_figures()
        self.refresh()

    def preferred_height(self) -> int:
        """The panel's height to show its targets' rows whole (TABLE_ROWS_SHOWN): what
        it takes around its table now, plus the rows; the dock is sized to it when its
        tab is raised (never shrunk: see :mod:`designer.ui.dock_heights`)."""
        layout = self.layout()
        if self.isVisible() and layout is not None:
            layout.activate()  # a status line's new text is laid out a turn later
        table = self.table
        least, most = TABLE_ROWS_SHOWN
        rows = max(least, min(most, table.rowCount()))
        around = self.height() - table.viewport().height()
        return around + rows * table.verticalHeader().defaultSectionSize() + 2

    # -- actions -------------------------------------------------------------------------
    def compute(self) -> None:
        """Cut sets, availability and Monte Carlo of the design as it is now."""
        self.status.setText("")
        self.model.start(
            Request(order=self.order.value(), years=self.years.value(), seed=self.seed.value())
        )

    def compute_cut_sets(self) -> None:
        """Cut sets alone (for the highlight when nothing was computed yet)."""
        self.model.start(Request(order=self.order.value(), cut_sets_only=True))

    def edit_figures(self) -> FiguresDialog:
        """Open the figures dialog (window-modal); OK applies them as one undo step."""
        dialog = FiguresDialog(self.session.design.reliability, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            if dialog.settings != self.session.design.reliability:
                self.session.apply(SetReliability(dialog.settings))

        dialog.accepted.connect(apply)
        dialog.open()
        return dialog

    def select_target(self, kind: str, target_id: str) -> None:
        """Select the row of a database ("database") or a site's users ("site")."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(_TARGET_ROLE) == (kind, target_id):
                self.table.selectRow(row)
                return
        self._selected = (kind, target_id)
        self._show_target()

    # -- display -------------------------------------------------------------------------
    def _show_figures(self) -> None:
        kinds = self.session.design.reliability.kinds
        if kinds:
            sources = sorted({f.source for f in kinds.values() if f.source})
            text = "Failure figures: user-supplied for " + ", ".join(KIND_PLURALS[k] for k in kinds)
            if sources:
                text += f" ({'; '.join(sources)})"
        else:
            text = (
                "No failure figures yet: cut sets only. Enter MTBF and MTTR per kind "
                "with Failure figures… (no published source gives them)."
            )
        report = self.model.report
        if report is not None and report.figures.missing:
            text += f". Without figures, never fail: {report.figures.missing_text()}"
        self.figures_label.setText(text)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.phase.setText("Cancelling…")
        self.model.request_cancel()

    def _on_progress(self, phase: str, done: int, total: int) -> None:
        if not self.cancel_button.isEnabled():
            return  # cancelling: the last chunks finish
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.phase.setText(f"{phase} {done:,}/{total:,}")

    def _on_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.compute_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)
            self.phase.setText("Starting…")
        else:
            self.phase.setText("")

    def refresh(self) -> None:
        """Fill the table from the model's results."""
        model = self.model
        self._show_figures()
        report = model.report
        cuts = model.cut_sets
        rows: list[tuple[TargetCutSets, TargetAvailability | None]] = []
        if cuts is not None:
            by_key = {}
            if report is not None:
                by_key = {(r.kind, r.id): r for r in (*report.databases, *report.sites)}
            rows = [(t, by_key.get((t.kind, t.id))) for t in (*cuts.databases, *cuts.sites)]
        self.table.setRowCount(len(rows))
        for row, (target, values) in enumerate(rows):
            self._fill_row(row, target, values, report, cuts)
        self.table.resizeColumnsToContents()
        if cuts is None:
            self.status.setText("" if not model.running else self.status.text())
        elif report is not None and report.monte_carlo is not None:
            mc = report.monte_carlo
            self.status.setText(
                f"Cut sets up to order {report.order} (rare-event approximation) and "
                f"{mc.years:,} years of Monte Carlo (seed {mc.seed}, {mc.workers} "
                f"process{'es' if mc.workers != 1 else ''}, 95 % interval); settled states, "
                "no administrator action"
            )
        elif report is not None:
            self.status.setText(
                f"Cut sets up to order {report.order}, rare-event approximation; settled "
                "states, no administrator action"
            )
        else:  # the cut sets alone
            message = model.last_message
            if not self.session.design.reliability.kinds:
                # The line above says there are no figures (eyes19: said twice, in two
                # wordings); a message is kept for figures the design's kinds lack.
                message = ""
            self.status.setText(
                message
                or f"Cut sets up to order {cuts.order}; settled states, no administrator action"
            )
        self._show_target()

    def _fill_row(
        self,
        row: int,
        target: TargetCutSets,
        values: TargetAvailability | None,
        report: AvailabilityReport | None,
        cuts: CutSetResult | None,
    ) -> None:
        title = ("" if target.kind == "database" else "users of ") + target.name
        counts = "/".join(str(len(target.of_order(k))) for k in range(1, 4))
        cells = [title, f"{target.mailboxes:,}", "", "", "", "", counts]
        if target.down_already:
            cells[2] = "down with nothing failed"
        elif values is not None:
            n = nines(values.unavailability)
            cells[2] = percent_text(values.availability)
            cells[3] = "∞" if math.isinf(n) else f"{n:.1f}"
            cells[4] = minutes_text(values.downtime_min_per_year)
            if values.monte_carlo is not None:
                u, half = values.monte_carlo
                low, high = max(0.0, u - half), u + half
                shown = [minutes_text(x * MINUTES_PER_YEAR) for x in (u, low, high)]
                cells[5] = f"{shown[0]} [{shown[1]}, {shown[2]}]" + (
                    "" if values.agrees else "  differs"
                )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setData(_TARGET_ROLE, (target.kind, target.id))
            self.table.setItem(row, column, item)

    def _on_row(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        key = items[0].data(_TARGET_ROLE)
        self._selected = (str(key[0]), str(key[1]))
        self._show_target()
        self.target_selected.emit(self._selected)

    def selected_target(self) -> TargetCutSets | None:
        cuts = self.model.cut_sets
        if cuts is None or self._selected is None:
            return None
        kind, target_id = self._selected
        return cuts.database(target_id) if kind == "database" else cuts.site(target_id)

    def _show_target(self) -> None:
        target = self.selected_target()
        self.cut_tree.clear()
        if target is None:
            self.cut_title.setText("Cut sets: select a database or a site's users")
        else:
            what = "database" if target.kind == "database" else "users of"
            self.cut_title.setText(
                f"Minimal cut sets of {what} {target.name}: {len(target.cut_sets)}"
            )
            report = self.model.report if self.model.current else None
            weights = (
                [math.prod(map(report.figures.q, cut.elements)) for cut in target.cut_sets]
                if report is not None
                else []
            )
            total = sum(weights)
            for index, cut in enumerate(target.cut_sets):
                share = f"{weights[index] / total * 100:.1f} %" if total > 0 else ""
                item = QTreeWidgetItem(
                    [
                        f"{cut.order}  " + " + ".join(cut.names),
                        f"{cut.mailboxes_affected:,}",
                        share,
                    ]
                )
                item.setToolTip(0, " + ".join(cut.names))
                item.setForeground(0, order_color(cut.order))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
                self.cut_tree.addTopLevelItem(item)
            self.cut_tree.setColumnHidden(2, total <= 0)
        self._show_chart(target)

    def _show_chart(self, target: TargetCutSets | None) -> None:
        report = self.model.report
        plot = self.chart.getPlotItem()
        if self.bars is not None:
            plot.removeItem(self.bars)
            self.bars = None
        rows: tuple[ElementImportance, ...] = ()
        if report is not None:
            if target is not None:
                rows = report.target_importance(target.kind, target.id)
                self.chart_title.setText(f"Importance for {target.name}")
            else:
                rows = report.importance
                self.chart_title.setText("Importance, whole design (mailbox-weighted)")
        else:
            self.chart_title.setText("Importance: compute with failure figures")
        rows = tuple(r for r in rows if r.fussell_vesely > 0)[:CHART_BARS]
        self.chart_rows = list(rows)
        if not rows:
            plot.getAxis("left").setTicks([[]])
            return
        values = [r.fussell_vesely * 100 for r in rows]
        self.bars = pg.BarGraphItem(
            x0=0,
            y=list(range(len(rows))),
            height=0.65,
            width=values,
            brush=pg.mkBrush("#1e63b5"),
            pen=pg.mkPen(self.foreground, width=0.5),
        )
        plot.addItem(self.bars)
        plot.getAxis("left").setTicks(
            [[(i, f"{r.name} ({KIND_LABELS.get(r.kind, r.kind)})") for i, r in enumerate(rows)]]
        )
        plot.setXRange(0, max(values) * 1.08 or 1.0, padding=0)
        plot.setYRange(-0.6, len(rows) - 0.4, padding=0)
