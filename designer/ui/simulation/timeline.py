"""The timeline dock: events over time, mailboxes available, the RTO, a draggable playhead.

pyqtgraph is used here for plots only (the canvas stays on plain QGraphicsView).
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterator, Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from designer.domain.elements import MailboxDatabase
from designer.domain.words import plural
from designer.simulation import Event, SimulationResult
from designer.simulation.results import focus_end
from designer.ui.count_axis import CountAxis
from designer.ui.parts import Parts, plot_frame
from designer.ui.simulation.controller import SimulationController
from designer.ui.simulation.frames import AfterPaint, next_turn
from designer.ui.simulation.results_table import format_duration

__all__ = [
    "LANES",
    "CountAxis",
    "DurationAxis",
    "TimelinePanel",
    "focus_end",
    "lane_of",
    "mailboxes_series",
    "stacked_dots",
    "time_unit",
]

#: Room beside the longest lane name on the left axes: tick, margins (px).
LEFT_AXIS_PAD = 14

#: The caption while nothing has failed.
CLICK_CAPTION = "Click an element on the canvas to fail it."
#: The caption while nothing has failed and the N-1 overlay shows (eyesq23: the timeline
#: asked for a click while the canvas showed the overlay's colours, unexplained).
N1_CAPTION = (
    "N-1 overlay: each element is coloured by the mailboxes its failure alone cuts off "
    "(ranked under Single points of failure). Click an element to play its failure."
)

#: Event lanes, top to bottom, and the event kinds that fall in each.
LANES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Failures", ("failed", "restored", "link", "fracture", "partition", "sp_", "trespass",
                  "site_down", "array_down", "write_cache")),
    ("vSphere HA", ("host_", "vm_", "ha_")),
    ("DAG", ("quorum", "db_", "copy", "copies", "switchover", "dag", "lagged", "witness",
             "log_lun", "new_logs")),
    ("Recovery", ("srm", "mirror", "recovery", "promote", "double", "dt_", "e2007", "ccr",
                  "scr", "lcr", "restore", "backup", "corrupt", "admin")),
    ("Clients", ("client", "cas", "lb", "users", "site")),
)  # fmt: skip


@functools.cache
def lane_of(kind: str) -> int:
    """The lane (row) an event kind is plotted on; unknown kinds go to the last.

    Worked out once per kind: a site's failure at 100k has ~5,600 events of a few dozen
    kinds, and the timeline asked ~39,000 times (eyes29: 0.4 s of the click's turn)."""
    for number, (_title, prefixes) in enumerate(LANES):
        if kind.startswith(prefixes):
            return number
    for number, (_title, prefixes) in enumerate(LANES):
        if any(p in kind for p in prefixes):
            return number
    return len(LANES) - 1


#: The dots' colours: a failure, what follows it, what is healthy again.
_FAILED, _OTHER, _HEALTHY = "#d32f2f", "#1f7f8c", "#2e7d32"

#: How far above or below its lane's line a stacked dot may sit (lanes are 1 apart): the
#: lane still reads as ``round(y)``, and two dots stacked are a dot's size apart on screen
#: in the smallest timeline dock (lanes ~17 px tall at 1400 × 900).
STACK_SPREAD = 0.42
#: QGraphicsTextItem's margin round an event label's text (px).
LABEL_MARGIN = 4
#: The dots' size (px); smaller where three kinds or more stack in a lane at one moment.
DOT_SIZE = 11
STACKED_DOT_SIZE = 8
#: The least time span the plots show, seconds: a scenario whose horizon is its start
#: (nothing follows the failure) is drawn over this much, its playhead held at 0:00.
MIN_SPAN_S = 20.0


def stacked_dots(events: Sequence[Event]) -> list[tuple[float, int]]:
    """The height and size of each event's dot: its lane's height, moved up or down when
    events of other kinds share its lane and moment, so that each kind at that moment
    has a dot of its own (8 databases failing over at 2:00 and the SCR copies' queue
    beside them: the queue's dot lay under theirs). Events of one kind at one moment
    share a dot (its label counts them); the kinds stack top to bottom in the order
    they happened, spread over the lane's band (smaller dots when three or more do).

    Examples
    --------
    >>> from types import SimpleNamespace as E
    >>> stacked_dots([E(t=120.0, kind="db_active"), E(t=120.0, kind="db_active"),
    ...               E(t=120.0, kind="copy_queue"), E(t=0.0, kind="failed")])
    [(1.58, 11), (1.58, 11), (2.42, 11), (0.0, 11)]
    """
    kinds: dict[tuple[int, float], list[str]] = {}
    for event in events:
        row = kinds.setdefault((lane_of(event.kind), round(event.t, 3)), [])
        if event.kind not in row:
            row.append(event.kind)
    dots: list[tuple[float, int]] = []
    for event in events:
        lane = lane_of(event.kind)
        row = kinds[(lane, round(event.t, 3))]
        if len(row) == 1:
            dots.append((float(lane), DOT_SIZE))
            continue
        step = 2 * STACK_SPREAD / (len(row) - 1)
        y = round(lane + (row.index(event.kind) - (len(row) - 1) / 2) * step, 6)
        dots.append((y, DOT_SIZE if len(row) == 2 else STACKED_DOT_SIZE))
    return dots


def time_unit(span_s: float) -> tuple[str, float]:
    """The unit a time axis spanning ``span_s`` seconds reads best in, and its length
    in seconds: seconds up to two minutes, minutes up to two hours, then hours.

    Examples
    --------
    >>> time_unit(90), time_unit(1800), time_unit(86400)
    (('s', 1.0), ('min', 60.0), ('h', 3600.0))
    """
    if span_s <= 120:
        return "s", 1.0
    if span_s <= 7200:
        return "min", 60.0
    return "h", 3600.0


#: Tick steps, in the axis's unit: round numbers a clock reads (5, 10, 15, 30…).
_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1000)


class DurationAxis(pg.AxisItem):
    """A time axis in seconds, minutes or hours (never pyqtgraph's "ks"), its label
    saying which."""

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation)
        self.unit, self.scale_s = "s", 1.0
        self.enableAutoSIPrefix(False)
        self.setLabel("time (s)")

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        unit, scale = time_unit(max(maxVal - minVal, 1e-9))
        if unit != self.unit:
            self.unit, self.scale_s = unit, scale
            shown = self.label.isVisible()
            self.setLabel(f"time ({unit})")
            self.showLabel(shown)  # (setLabel shows it: the events plot's stays hidden)
        span = (maxVal - minVal) / scale
        wanted = max(2, int(size / 70))  # a label every 70 px or so
        major = next((s for s in _STEPS if span / s <= wanted), _STEPS[-1]) * scale
        minor = major / 5 if major / scale >= 5 else major / 2
        return [(major, 0.0), (minor, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{v / self.scale_s:g}" for v in values]


def mailboxes_series(result: SimulationResult, end: float) -> tuple[list[float], list[int]]:
    """Mailboxes available over time as a step series sampled at every change (events,
    steps, mounts)."""
    times = sorted({0.0, end, *(t for t in result.change_times() if t <= end)})
    values = [result.state_at(t).mailboxes_available for t in times]
    return times, values


class _Plots(pg.GraphicsLayoutWidget):
    """The plots' view. While ``held`` (laid out in one turn, painted in the next: see
    TimelinePanel._release) it paints its background only: held with its updates turned
    off, nothing painted its area and the dock showed black right after F5 (in a grab,
    and for a frame on screen where the backing store had nothing there yet)."""

    held = False

    def paintEvent(self, ev: QPaintEvent) -> None:
        if self.held:
            painter = QPainter(self.viewport())
            painter.fillRect(ev.rect(), self.backgroundBrush())
            painter.end()
            return
        super().paintEvent(ev)


class TimelinePanel(QWidget):
    """Two linked plots: events by lane, and mailboxes available with the RTO."""

    def __init__(
        self,
        controller: SimulationController,
        parent: QWidget | None = None,
        *,
        in_parts: bool = False,
    ) -> None:
        """``in_parts``: built by :attr:`building`'s steps, a plot each (see
        :mod:`designer.ui.parts`); otherwise at once."""
        super().__init__(parent)
        self.controller = controller
        #: Whether the N-1 overlay shows (its caption while nothing has failed).
        self._n1_overlay = False
        self.building = Parts(self._build(controller))
        if not in_parts:
            self.building.finish()

    def _build(self, controller: SimulationController) -> Iterator[None]:
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        foreground = palette.color(QPalette.ColorRole.Text)
        self.graphics = _Plots()
        self.graphics.setBackground(background)
        events = plot_frame(bottom=DurationAxis())
        yield  # a part per plot, each plot's view box and axes a part ahead of it
        self.events_plot = self.graphics.addPlot(row=0, col=0, **events)
        yield
        self.axis = DurationAxis()
        mailbox = plot_frame(bottom=self.axis, left=CountAxis())
        yield
        self.mailbox_plot = self.graphics.addPlot(row=1, col=0, **mailbox)
        self.mailbox_plot.setXLink(self.events_plot)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.setMinimumHeight(240)
        for plot in (self.events_plot, self.mailbox_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMouseEnabled(x=True, y=False)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen(foreground)
                plot.getAxis(axis).setPen(foreground)
        self.events_plot.getAxis("left").setTicks([[(i, t) for i, (t, _) in enumerate(LANES)]])
        # Both left axes one fixed width, the lane names': the plots' time axes line up,
        # and the plots are not laid out again once their first paint has measured the
        # tick texts (pyqtgraph sizes an axis to the texts it paints: a big design's
        # simulation mode laid out and painted the plots three or four times over).
        names = QFontMetricsF(self.font())
        width = max(names.horizontalAdvance(title) for title, _ in LANES) + LEFT_AXIS_PAD
        for plot in (self.events_plot, self.mailbox_plot):
            plot.getAxis("left").setWidth(math.ceil(width))
        self.events_plot.invertY(True)
        self.mailbox_plot.setLabel("left", "mailboxes")
        self.events_plot.getAxis("bottom").setStyle(showValues=False)
        self.events_plot.getAxis("bottom").showLabel(False)  # the plot under it says
        yield
        #: Each event's label (a few words beside its dot) where there is room in its lane.
        self.labels: list[pg.TextItem] = []
        self._label_font = self.font()
        self._label_font.setPointSizeF(max(7.5, self._label_font.pointSizeF() * 0.85))
        self.events_plot.sigXRangeChanged.connect(lambda *_: self._place_labels())
        # The labels' room is worked out in pixels: placed again once the plot has a new
        # width (a label placed for a narrower dock overlapped the next at 1400 px).
        self._labels_timer = QTimer(self)
        self._labels_timer.setSingleShot(True)
        self._labels_timer.setInterval(0)
        self._labels_timer.timeout.connect(self._place_labels)
        self.events_plot.getViewBox().sigResized.connect(lambda *_: self._labels_timer.start())
        self.scatter = pg.ScatterPlotItem(
            size=DOT_SIZE,
            pen=pg.mkPen(foreground, width=1),
            hoverable=True,
            tip=lambda x, y, data: f"{format_duration(data.t)}  {data.text}\n{data.source}",
        )
        self.scatter.sigClicked.connect(self._on_point_clicked)
        self.events_plot.addItem(self.scatter)
        self.curve = self.mailbox_plot.plot(
            [], [], stepMode="right", pen=pg.mkPen("#2e7d32", width=2), name="available"
        )
        self.rto_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen("#ef8f00", width=2, style=Qt.PenStyle.DashLine),
            label="RTO target", labelOpts={"position": 0.9, "color": "#ef8f00"},
        )  # fmt: skip
        self.mailbox_plot.addItem(self.rto_line)
        #: Before any failure: what the mailbox plot will show (centred in its view).
        self.empty_note = pg.TextItem("", color=foreground, anchor=(0.5, 0.5))
        self.empty_note.setParentItem(self.mailbox_plot.getViewBox())
        self.mailbox_plot.getViewBox().sigResized.connect(self._place_empty_note)
        self.playheads = []
        for plot in (self.events_plot, self.mailbox_plot):
            line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen("#d32f2f", width=2))
            line.sigPositionChanged.connect(self._on_playhead_dragged)
            plot.addItem(line)
            self.playheads.append(line)
        yield  # the plots' items, then the panel around them
        self.caption = QLabel()
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        #: Shown when far events lie beyond the view: the whole time span, and back.
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit all")
        self.fit_button.setToolTip(
            "Show the whole time span, far events included (again: back to the failover)"
        )
        self.fit_button.setCheckable(True)
        self.fit_button.toggled.connect(self._fit_all)
        self.fit_button.hide()
        #: Where the view opens to when far events lie beyond it (None: it shows them all).
        self._focus: float | None = None
        #: The labels at the view's right edge naming the events beyond it.
        self.off_range: list[pg.TextItem] = []
        #: "RTO target T+… →" at the mailbox plot's right edge when the line is beyond it.
        self.rto_edge: pg.TextItem | None = None
        #: Where the plots are while they wait for the canvas (see hold_until_painted).
        self.placeholder = QWidget(self)
        self.placeholder.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.placeholder, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.caption, 1)
        footer.addWidget(self.fit_button)
        layout.addLayout(footer)
        self._syncing = False
        #: What waits for the canvas's next paint (see follow_canvas).
        self._canvas: AfterPaint | None = None
        controller.result_changed.connect(self._on_result)
        controller.time_changed.connect(self._on_time)
        self.refresh()

    # -- a big design: the plots' work in frames of their own ----------------------------
    def follow_canvas(self, canvas: QWidget) -> None:
        """On a big design the plots do their work in the turn after ``canvas`` (the
        design view's viewport) has painted: a frame of their own (see hold_until_painted
        and _on_result)."""
        self._canvas = AfterPaint(canvas, self)

    def hold_until_painted(self) -> None:
        """Show the plots only in the event-loop turn after the canvas has painted:
        laying out and painting them (four axes, ~30–60 ms) no longer falls in the same
        frame as the canvas at its new size when simulation mode starts. The dock keeps
        its size meanwhile (an empty placeholder stands in for the plots)."""
        if self._canvas is None or not self.graphics.isVisibleTo(self):
            return
        self.graphics.hide()
        self.placeholder.show()
        self._canvas.call(self._release)

    @property
    def held(self) -> bool:
        """Whether the plots wait for the canvas's next frame (or, shown, for their
        first paint: see _release)."""
        return self.placeholder.isVisibleTo(self) or self.graphics.held

    def settle(self) -> None:
        """Do now what waits for the canvas's next frame (a report pictures the plots)."""
        if self._canvas is not None:
            self._canvas.flush()
        self._paint_now()

    def picture(self) -> QImage:
        """The plots as a scenario report shows them: up to date (see settle), on the
        failover as a new result opens them (the whole span with "Fit all" down), not
        on the page the playhead last turned to: a report written after the scenario
        played on showed 1:40-3:20 of a site loss, no event in it (eyes22). The user's
        view comes back afterwards."""
        self.settle()
        (x0, x1), _ = self.events_plot.getViewBox().viewRange()
        end = self.controller.duration
        whole = self.fit_button.isChecked() or not self._focus
        self.events_plot.setXRange(0, end if whole else self._focus, padding=0.02)
        try:
            return self.graphics.grab().toImage()
        finally:
            self.events_plot.setXRange(x0, x1, padding=0)

    def _release(self) -> None:
        """The plots take the placeholder's place; laying them out (pyqtgraph's ranges
        and axes follow the new size) is this turn's work, their first paint the next
        turn's (together ~40 ms at 25,000 elements in one frame)."""
        if not self.placeholder.isVisibleTo(self):
            return
        self.graphics.held = True
        self.placeholder.hide()
        self.graphics.show()
        next_turn(self, self._draw_axes_ahead)

    def _draw_axes_ahead(self) -> None:
        """Work out the axes' pictures (ticks, their texts: pyqtgraph does it in an
        axis's first paint, most of the plots' first frame) in a turn before the one
        that paints them, the plots' sizes and ranges settled first."""
        if not self.graphics.held:
            return  # already painted (settle)
        self.graphics.scene().prepareForPaint()  # the views' ranges, as a paint would
        scratch = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(scratch)
        try:
            for plot in (self.events_plot, self.mailbox_plot):
                for name in ("left", "bottom"):
                    axis = plot.getAxis(name)
                    if axis.picture is None and axis.isVisible():
                        axis.paint(painter, None, None)  # keeps the picture it draws
        finally:
            painter.end()
        next_turn(self, self._paint_now)

    def _paint_now(self) -> None:
        if self.graphics.held:
            self.graphics.held = False
            self.graphics.viewport().update()

    def _on_result(self) -> None:
        """A new result. On a big design the plots follow after the canvas's next frame,
        so that their repaint is a frame apart from the canvas's (the simulator has just
        arrived and the overlay draws it for the first time)."""
        if self.controller.spread and self.controller.active and self._canvas is not None:
            self._canvas.call(self.refresh)
        else:
            self.refresh()

    @property
    def playhead(self) -> pg.InfiniteLine:
        return self.playheads[0]

    def show_n1_overlay(self, shown: bool) -> None:
        """The N-1 overlay shown or hidden: the caption says what the canvas shows."""
        self._n1_overlay = shown
        if self.controller.result is None:
            self.caption.setText(N1_CAPTION if shown else CLICK_CAPTION)

    def refresh(self) -> None:
        result = self.controller.result
        # The playhead ends at the scenario's horizon; one over at its start (a witness
        # failed, nothing follows) is drawn over its first seconds all the same.
        end = max(self.controller.duration, MIN_SPAN_S)
        rto_target = self.controller.session.design.intent.rto_target_min * 60.0
        self.rto_line.setPos(rto_target)
        self.rto_line.setVisible(rto_target <= end * 1.5)
        if result is None:
            self._events = []
            self._heights = []
            self.scatter.setData([])
            self.curve.setData([], [])
            # Nothing has failed yet: the axis reads 0 to the design's mailboxes (not
            # pyqtgraph's empty 0.2–0.8), and the plot says what will appear in it.
            databases = self.controller.session.document.index.of(
                "mailbox_database", MailboxDatabase
            )
            total = sum(db.mailboxes for db in databases)
            self.mailbox_plot.setYRange(0, max(total, 1) * 1.08, padding=0)
            self.empty_note.setText(
                f"{total:,} mailboxes · fail an element to plot how many stay available"
                if total
                else "No database states its mailboxes"
            )
            self.caption.setText(N1_CAPTION if self._n1_overlay else CLICK_CAPTION)
        else:
            spots = []
            dots = stacked_dots(result.events)
            # One brush per colour: pyqtgraph draws a dot's picture once per brush
            # object, and a brush per event drew ~2,000 pictures for a site's failure
            # at 100k (eyes29).
            brushes = {c: pg.mkBrush(QColor(c)) for c in (_FAILED, _OTHER, _HEALTHY)}
            for event, (y, size) in zip(result.events, dots, strict=True):
                color = _FAILED if lane_of(event.kind) == 0 else _OTHER
                if "active" in event.kind or "healthy" in event.kind or "restart" in event.kind:
                    color = _HEALTHY
                spots.append(
                    {"pos": (event.t, y), "size": size, "brush": brushes[color], "data": event}
                )
            self.scatter.setData(spots)
            self._events = list(result.events)
            self._heights = [y for y, _size in dots]
            times, values = mailboxes_series(result, end)
            self.curve.setData(times, values)
            self.mailbox_plot.setYRange(0, max(result.initial.mailboxes_total, 1) * 1.08)
            self.empty_note.setText("")
            final = result.final
            self.caption.setText(
                f"{plural(len(result.events), 'event')} · mailboxes available at the end: "
                f"{final.mailboxes_available:,} of {final.mailboxes_total:,}"
                if final.mailboxes_total
                else f"{plural(len(result.events), 'event')} · no database states its mailboxes"
            )
        # A failover over in a minute and a log LUN that fills in 45 h: the view opens on
        # the failover, the far events named at its right edge ("Fit all" shows them).
        times = [e.t for e in result.events] + [s.t for s in result.steps] if result else []
        near = focus_end(times)
        self._focus = None if near is None else max(near * 1.5, near + 10.0)
        self.fit_button.setVisible(self._focus is not None)
        self.fit_button.blockSignals(True)
        self.fit_button.setChecked(False)
        self.fit_button.blockSignals(False)
        self.events_plot.setXRange(0, self._focus if self._focus else end, padding=0.02)
        # Room above the first lane and below the last for the dots stacked there (their
        # centres STACK_SPREAD off the lane, their half height more).
        margin = STACK_SPREAD + 0.38
        self.events_plot.setYRange(-margin, len(LANES) - 1 + margin, padding=0)
        self._place_labels()
        for line in self.playheads:
            line.setMovable(self.controller.duration > 0)  # as the scenario bar's slider
        self._on_time(self.controller.time)

    def _place_empty_note(self) -> None:
        """Keep the empty plot's note in the middle of the plot's box."""
        self.empty_note.setPos(self.mailbox_plot.getViewBox().boundingRect().center())

    def _fit_all(self, whole: bool) -> None:
        """ "Fit all" down: the whole time span; up again: back to the failover."""
        end = max(self.controller.duration, MIN_SPAN_S)
        self.events_plot.setXRange(
            0, end if whole or not self._focus else self._focus, padding=0.02
        )

    def _place_labels(self) -> None:
        """Label the event dots with what happened, each lane left to right, where the
        label has room before the next one (hover a dot for any left out); the first
        event beyond the view's right edge in each lane is named at that edge."""
        for item in self.labels + self.off_range:
            self.events_plot.removeItem(item)
        self.labels = []
        self.off_range = []
        events = getattr(self, "_events", [])
        view = self.events_plot.getViewBox()
        (x0, x1), _ = view.viewRange()
        width = max(view.width(), 1.0)
        per_px = (x1 - x0) / width
        metrics = QFontMetrics(self._label_font)
        foreground = self.palette().color(QPalette.ColorRole.Text)
        ordered = sorted(events, key=lambda e: e.t)
        by_lane: dict[int, list[float]] = {}
        for event in ordered:
            by_lane.setdefault(lane_of(event.kind), []).append(event.t)
        #: Where each lane's edge label starts: the labels of the dots stop before it.
        edge_from: dict[int, float] = {}
        for lane in by_lane:
            beyond = [e for e in ordered if lane_of(e.kind) == lane and e.t > x1]
            if not beyond:
                continue
            first = beyond[0]
            words = first.text if len(first.text) <= 26 else first.text[:25] + "…"
            more = f" (+{len(beyond) - 1} more)" if len(beyond) > 1 else ""
            text = f"{words}{more} · T+{format_duration(first.t)} →"
            backdrop = self.palette().color(QPalette.ColorRole.Base)
            backdrop.setAlpha(220)
            label = pg.TextItem(text, color=foreground, anchor=(1, 0.5), fill=backdrop)
            label.setFont(self._label_font)
            label.setToolTip(f"{format_duration(first.t)}  {first.text}\n{first.source}")
            label.setPos(x1 - 4 * per_px, lane)
            self.events_plot.addItem(label)
            self.off_range.append(label)
            edge_from[lane] = x1 - (metrics.horizontalAdvance(text) + 14) * per_px
        # A dot stands for every event of its kind at its moment (stacked_dots): its
        # label names the first and counts the others.
        heights = dict(zip(map(id, events), getattr(self, "_heights", []), strict=False))
        sharing: dict[tuple[int, float, str], int] = {}
        for event in ordered:
            key = (lane_of(event.kind), round(event.t, 3), event.kind)
            sharing[key] = sharing.get(key, 0) + 1
        (_y0, _y1) = view.viewRange()[1]
        lane_px = max(view.height(), 1.0) / max(abs(_y1 - _y0), 1e-9)
        # A label's text's height (its box has QGraphicsTextItem's margin round it,
        # which may overlap the next lane's: only the words must not).
        box_h = metrics.height()
        taken: list[tuple[float, float, float, float]] = []  # x from, to; y px from, to

        def free(x_from: float, x_to: float, y: float) -> bool:
            top, bottom = y * lane_px - box_h / 2, y * lane_px + box_h / 2
            return all(x_to <= a or x_from >= b or bottom <= c or top >= d for a, b, c, d in taken)

        for event in ordered:
            lane = lane_of(event.kind)
            key = (lane, round(event.t, 3), event.kind)
            if key not in sharing or event.t < x0:
                continue  # named with the first of its dot, or before the view
            others = sharing.pop(key) - 1
            text = event.text if len(event.text) <= 32 else event.text[:31] + "…"
            if others:
                text += f" (+{others})"
            y = heights.get(id(event), float(lane))
            stacked = abs(y - lane) * lane_px + box_h / 2 > lane_px / 2
            if stacked:
                # A stacked dot's label at its height would reach into the next lane
                # (lanes ~15 px tall in a small dock): on its lane's line instead.
                y = float(lane)
            width = (metrics.horizontalAdvance(text) + 2 * LABEL_MARGIN + 2) * per_px
            times = by_lane[lane]  # (in time order)
            after = bisect.bisect_right(times, event.t + 1e-9)
            before = bisect.bisect_left(times, event.t - 1e-9)
            later, earlier = times[after : after + 1], times[before - 1 : before] if before else []
            # Right of the dot, clear of the next dot in its lane and of the edge (the
            # plot's border clipped a label that reached it); else left of it, clear of
            # the dot before; else none (its dot's tooltip says it).
            limit = min(
                later[0] - 7 * per_px if later else x1 - 2 * per_px, edge_from.get(lane, x1)
            )
            left = event.t + 8 * per_px
            if stacked and not free(left, left + width, y):
                # The label of a dot stacked over it: after that one, on the same line.
                row = [b for a, b, c, d in taken if c < y * lane_px < d and a < left + width]
                left = max(row, default=left) + 4 * per_px
            if left + width <= limit and free(left, left + width, y):
                anchor, at, span = (0.0, 0.5), left, (left, left + width)
            else:
                end = event.t - 8 * per_px
                if stacked and not free(end - width, end, y):
                    row = [a for a, b, c, d in taken if c < y * lane_px < d and b > end - width]
                    end = min(row, default=end) - 4 * per_px  # before that one
                floor = max(earlier[-1] + 7 * per_px if earlier else x0, x0 + 2 * per_px)
                if end - width < floor or not free(end - width, end, y):
                    continue
                anchor, at, span = (1.0, 0.5), end, (end - width, end)
            label = pg.TextItem(text, color=foreground, anchor=anchor)
            label.setFont(self._label_font)
            label.setPos(at, y)
            self.events_plot.addItem(label)
            self.labels.append(label)
            taken.append((*span, y * lane_px - box_h / 2, y * lane_px + box_h / 2))
        self._place_rto_edge(x1, per_px)

    def _place_rto_edge(self, x1: float, per_px: float) -> None:
        """Name the RTO target at the right edge when its line lies beyond the view."""
        if self.rto_edge is not None:
            self.mailbox_plot.removeItem(self.rto_edge)
            self.rto_edge = None
        rto = float(self.rto_line.value())
        if not self.rto_line.isVisible() or rto <= x1:
            return
        backdrop = self.palette().color(QPalette.ColorRole.Base)
        backdrop.setAlpha(220)
        label = pg.TextItem(
            f"RTO target T+{format_duration(rto)} →", color="#ef8f00", anchor=(1, 0), fill=backdrop
        )
        label.setFont(self._label_font)
        _, (_y0, y1) = self.mailbox_plot.getViewBox().viewRange()
        label.setPos(x1 - 4 * per_px, y1)
        self.mailbox_plot.addItem(label)
        self.rto_edge = label

    def _on_time(self, t: float) -> None:
        self._syncing = True
        try:
            for line in self.playheads:
                line.setValue(t)
        finally:
            self._syncing = False
        if self.controller.playing:
            self._follow(t)

    def _follow(self, t: float) -> None:
        """While playing, the plots follow the playhead: past the view's right edge (or
        before its left) they turn a page, the playhead near the left edge and the view
        as wide as it was, not past the end. It ran off the view at the failover's end
        (the view opens on the failover; a site loss plays on for 45 hours). A page at a
        time: the labels are placed again at each turn, not at every frame."""
        view = self.events_plot.getViewBox()
        (x0, x1), _ = view.viewRange()
        if x0 <= t <= x1:
            return
        width = x1 - x0
        start = min(max(0.0, t - 0.05 * width), max(0.0, self.controller.duration - width))
        self.events_plot.setXRange(start, start + width, padding=0)

    def _on_playhead_dragged(self, line: pg.InfiniteLine) -> None:
        if not self._syncing:
            self.controller.pause()
            self.controller.set_time(float(line.value()))

    def _on_point_clicked(self, _item: object, points: list[pg.SpotItem]) -> None:
        if points:
            self.controller.set_time(float(points[0].pos().x()))
