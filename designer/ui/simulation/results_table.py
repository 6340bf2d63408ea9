"""Per-database results at the time cursor: state, active on, RPO, RTO, targets met."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from designer.domain.words import natural_key
from designer.simulation import DatabaseState, StepState
from designer.simulation.wording import brief_reason
from designer.ui.simulation.controller import SimulationController
from designer.ui.simulation.frames import AfterPaint

__all__ = ["COLUMNS", "ResultsPanel", "affected_line", "format_duration", "results_title"]

#: Row: the cell texts, whether the database is available, whether it meets targets,
#: and the reason in full (the Why cell's tooltip: the cell says it briefly).
Row = tuple[tuple[str, ...], bool, bool, str]
#: An affected database's place in the first order: its RTO, then its RPO (none yet:
#: infinite), the greatest first.
Rank = tuple[float, float]
#: Longest the UI thread spends filling rows before letting other events run, seconds.
FILL_SLICE_S = 0.012
#: Rows past the last in sight filled with those in sight (see _fill_slice).
IN_SIGHT_MARGIN = 4
#: Tables with more rows than this are built only while shown, and only the rows in
#: sight are made as tall as their reasons (see _fit_rows).
LAZY_ROWS = 500
#: Passes of _fit_rows over the rows in sight of a big table (rows made shorter bring
#: more rows into sight, to fit in the next pass).
FIT_PASSES = 4
GOOD = QColor("#2e7d32")
BAD = QColor("#d32f2f")

COLUMNS = ("Database", "State", "Active on", "RPO", "RTO", "Meets targets", "Why")
#: The reason's column: it takes the table's width the others leave.
WHY = len(COLUMNS) - 1
#: The headers as shown: "Meets targets" on two lines, its column as narrow as its
#: "yes" / "no" allow (on one line it took the room the reason needed: "not affected"
#: wrapped to "not / affec…" in a 1280 x 800 window).
HEADERS = tuple(name.replace("Meets targets", "Meets\ntargets") for name in COLUMNS)
#: A cell's text starts this far in from each side (Qt's style, with a pixel to spare).
CELL_MARGIN = 5
#: Names whose natural sort keys are made between two looks at the clock (see _order).
KEYS_PER_LOOK = 64


def format_duration(seconds: float | None) -> str:
    """``None`` → "—"; otherwise h:mm:ss / m:ss ("0:45" is 45 s)."""
    if seconds is None:
        return "—"
    if seconds == float("inf"):
        return "∞"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def affected_line(affected: int, total: int) -> str:
    """How many databases read other than "not affected" at the cursor.

    >>> affected_line(3, 4000), affected_line(0, 1)
    ('3 of 4,000 databases affected', '0 of 1 database affected')
    """
    noun = "database" if total == 1 else "databases"
    return f"{affected:,} of {total:,} {noun} affected"


def results_title(summary: str) -> str:
    """The Results dock's title: "Results — 2 of 4 databases affected" (a line over the
    table took a row's height: it squeezed the Exchange 2007 sample's rows at 1280 x
    800, resq23, reverted); "Results" alone out of simulation mode."""
    return f"Results — {summary}" if summary else "Results"


class ResultsPanel(QWidget):
    #: The affected count at the cursor (:func:`affected_line`), "" with no simulation:
    #: said when it changes (the dock's title shows it: :func:`results_title`).
    summary_changed = Signal(str)

    def __init__(self, controller: SimulationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        for column, name in enumerate(COLUMNS):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None and name != HEADERS[column]:
                header_item.setToolTip(name)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves a read-only table
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # Columns are sized to their contents once per rebuilt table (see _rebuild), from
        # at most 200 rows; ResizeToContents would re-measure on every cell change.
        header.setResizeContentsPrecision(200)
        # The reason in the width the other columns leave, wrapped over as many lines
        # as it needs (rows sized to it; see _fit_rows), never off to the right where
        # only a sideways scroll shows it. Past LAZY_ROWS rows, the rows in sight only,
        # fitted again as the table scrolls (the reason in full in every row's tooltip).
        self.table.setWordWrap(True)
        header.sectionResized.connect(self._on_section_resized)
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self._fit_rows)
        scroll = self.table.verticalScrollBar()
        scroll.valueChanged.connect(self._on_scrolled)
        scroll.rangeChanged.connect(self._on_scrolled)  # (the dock made taller, too)
        self.table.model().layoutChanged.connect(self._on_rows_moved)  # (sorted)
        #: The viewport's height a big table's last screenful of rows was fitted for
        #: (see _fit_tail); None: not fitted.
        self._tail_fitted: int | None = None
        # The panel sorts, not Qt's sorting (which compares the names as text: DB10
        # before DB2): "Database" in natural order, as ``simulate`` and the review report
        # list them, by placing the rows so as they are made (no sort, no item or Python
        # call per comparison); the other columns by Qt's sort of their texts, whose
        # ties keep that order. First (no indicator) the affected databases come first,
        # the longest RTO, then RPO, first, the rest by name (wave 25, fid25: by name,
        # the one database a failure hit could be row 2,000 of 3,000); a header's
        # clicks sort by it one way, the other, then back to that first order. The
        # names sort first to last on their first click (Qt's starts at descending).
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        name_header = self.table.horizontalHeaderItem(0)
        if name_header is not None:
            name_header.setData(Qt.ItemDataRole.InitialSortOrderRole, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_asked)
        #: The affected databases' ranks the rows were placed by (see _place).
        self._ranks: dict[str, Rank] = {}
        #: The initial state's databases by id, and the state they were read from.
        self._before: tuple[object, dict[str, DatabaseState]] = (None, {})
        #: Each name's natural sort key (kept across tables: the same databases).
        self._keys: dict[str, tuple[tuple[int, int | str], ...]] = {}
        #: The table being built: which database (its place in the state) each row
        #: shows; None: not worked out yet (see _place).
        self._row_order: list[int] | None = None
        #: The databases selected when the rows were made again in another order:
        #: selected again once made.
        self._reselect: list[str] = []
        self.table.cellDoubleClicked.connect(self._on_double_click)
        #: What each row shows now (database id → cell texts, available, meets targets,
        #: the reason in full), in the order the rows were built, and the row's items.
        self._shown: dict[str, Row] = {}
        self._items: dict[str, list[QTableWidgetItem]] = {}
        self._state: StepState | None = None
        self._stale = False
        # A big table is filled in slices (see _fill_slice): the newest state given to
        # the fill and its databases (row i shows the i-th), which of the states given
        # each row was filled from (their count then; 0: the row is not made yet), how
        # many states were given, the first row that may not be made yet, and how a
        # row's texts are made.
        self._pending_state: StepState | None = None
        self._pending: list[DatabaseState] | None = None
        self._filled_from: list[int] = []
        self._generation = 0
        self._cursor = 0
        self._make_row: Callable[[DatabaseState], Row] = self._no_row
        self._building_ids: list[str] = []
        self._building: dict[str, Row] = {}
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self._fill_slice)
        #: What waits for the canvas's next paint (see follow_canvas).
        self._canvas: AfterPaint | None = None
        #: What :attr:`summary_changed` said last.
        self.summary = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        controller.time_changed.connect(self.refresh)
        controller.result_changed.connect(self.refresh)
        self._size_columns()  # an empty table too: its headers, Why the rest (no scrolling)
        self.refresh()

    def follow_canvas(self, canvas: QWidget) -> None:
        """On a big design in simulation mode a new table's first rows come in the
        turns after ``canvas`` (the design view's viewport) has painted the new state,
        not in the turn the canvas paints it (see _rebuild)."""
        self._canvas = AfterPaint(canvas, self)

    def refresh(self, *_args: object) -> None:
        state = self.controller.state() if self.controller.active else None
        self._summarize(state)
        if state is None:
            self.table.setRowCount(0)
            self._shown = {}
            self._items = {}
            self._state = None
            self._pending = None
            self._fill_timer.stop()
            self.table.setUpdatesEnabled(True)
            return
        if state is self._state:
            return  # the controller hands back the same state while nothing changed
        if not self.isVisible() and len(state.databases) > LAZY_ROWS:
            # Building thousands of rows takes a quarter of a second at 25,000 elements:
            # a big hidden table (its dock tabbed behind the timeline) catches up when
            # shown.
            self._stale = True
            return
        self._stale = False
        self._state = state
        self.show_state(state)

    def _summarize(self, state: StepState | None) -> None:
        """Say how many databases ``state`` affects: counted once per state with the
        other figures of its databases (see :mod:`~designer.ui.simulation.facts`; the
        first state's on the worker that prepared the simulator), not from the rows (a
        big table's come in slices, a hidden one's when shown)."""
        summary = ""
        if state is not None:
            facts = self.controller.facts(state)
            summary = affected_line(facts.databases_affected, len(state.databases))
        if summary != self.summary:
            self.summary = summary
            self.summary_changed.emit(summary)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def show_state(self, state: StepState) -> None:
        """Fill the table for ``state``. The rows are rebuilt only when the set of
        databases changes, each row's texts worked out as its slice is filled (4,000
        rows at 25k took ~100 ms at once); on every other call (each frame of playback)
        only the cells whose text changed are touched, so a tick costs what changed."""
        ids = [db.id for db in state.databases]
        if self._pending is not None and ids == self._building_ids:
            # A newer state while the rows are being built (the playhead dragged, a
            # failure clicked): the fill goes on from it, the rows in sight first, so
            # that no row shown reads an older state than the bar's (at 25k ~200 rows
            # read "waiting" for a second after the drag to the end: the newest state
            # waited for the fill's end); the rows made earlier out of sight are
            # brought up to date once all are made (what a tick of playback does).
            order = self._row_order
            databases = state.databases
            self._pending = list(databases) if order is None else [databases[i] for i in order]
            self._pending_state = state
            self._generation += 1
            self._make_row = self._row_maker()
            waiting = self._canvas is not None and self._canvas.waiting
            if not waiting and not self._fill_timer.isActive():
                self._fill_timer.start()
            return
        if ids != list(self._shown) or self._pending is not None:
            self._rebuild(state)
            return
        if self._affected_first() and self._ranks_of(state.databases) != self._ranks:
            # Other databases affected, or their RTO or RPO changed: placed again.
            self._reorder(state)
            return
        rows = {db.id: row for db, row in self._rows(state.databases)}
        renamed = self._update(rows)
        self._shown = rows
        if renamed:
            self._rebuild(state, wait_for_canvas=False)  # the names' order anew

    def _rows(self, databases: Iterable[DatabaseState]) -> Iterator[tuple[DatabaseState, Row]]:
        make = self._row_maker()
        for db in databases:
            yield db, make(db)

    def _initial(self) -> dict[str, DatabaseState]:
        """The simulator's initial state's databases by id (made once per simulator)."""
        initial = self.controller.simulator.initial
        if self._before[0] is not initial:
            self._before = (initial, {db.id: db for db in initial.databases})
        return self._before[1]

    def _affected_first(self) -> bool:
        """Whether the rows are in the first order (no header's sort asked)."""
        return self.table.horizontalHeader().sortIndicatorSection() < 0

    def _ranks_of(self, databases: Iterable[DatabaseState]) -> dict[str, Rank]:
        """The affected databases of ``databases`` (a reason other than "not
        affected") and their ranks; a database the step kept as it was is the initial
        state's own object, passed over at once."""
        before = self._initial()
        inf = math.inf
        ranks: dict[str, Rank] = {}
        for db in databases:
            was = before.get(db.id)
            if db is was or not db.affected(was):
                continue
            ranks[db.id] = (
                inf if db.rto_s is None else db.rto_s,
                inf if db.rpo_s is None else db.rpo_s,
            )
        return ranks

    def _row_maker(self) -> Callable[[DatabaseState], Row]:
        """How a database's row reads (against the simulator's initial state)."""
        names = self.controller.session.document
        before = self._initial()

        def row(db: DatabaseState) -> Row:
            active = names.get(db.active_on) if db.active_on and db.state == "active" else None
            state_text = {"active": "active", "down": "down", "waiting": "waiting"}[db.state]
            if db.state == "active" and not db.reachable:
                state_text = "unreachable"
            why = db.why(before.get(db.id))
            values = (
                db.name,
                state_text,
                active.name if active else "—",
                format_duration(db.rpo_s),
                format_duration(db.rto_s),
                "yes" if db.meets_targets else "no",
                brief_reason(why),
            )
            return values, db.available, db.meets_targets, why

        return row

    @staticmethod
    def _no_row(db: DatabaseState) -> Row:
        raise AssertionError("no simulation to show")

    def _wraps(self) -> bool:
        """Every row is as tall as its reason (not in a table of thousands of rows:
        sizing every row to its text would cost a turn of its own; the rows in sight
        are, see _fit_rows)."""
        return self.table.rowCount() <= LAZY_ROWS

    def _size_columns(self) -> None:
        """Size the columns before the reason to their texts; the reason takes the rest
        of the table's width (it stretches)."""
        table = self.table
        header = table.horizontalHeader()
        # Sized without the sort indicator's room, which Qt's header adds to every
        # column's (the reasons would lose ~20 pixels a column to six arrows' room).
        header.setSortIndicatorShown(False)
        for column in range(WHY):
            table.resizeColumnToContents(column)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)

    def _fit_columns(self) -> None:
        """:meth:`_size_columns`, and the rows as tall as their reasons, wrapped."""
        self._size_columns()
        self._fit_rows()

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == WHY and self._pending is None:
            self._tail_fitted = None
            self._rows_timer.start()  # the dock resized: the reasons wrap anew

    def _on_rows_moved(self) -> None:
        self._tail_fitted = None  # other rows last
        self._on_scrolled()

    def _on_scrolled(self, *_args: object) -> None:
        if not self._wraps() and self._pending is None:
            self._rows_timer.start()  # other rows in sight: fitted in the next turn

    def _fit_rows(self) -> None:
        """Rows as tall as their reasons, wrapped: every row of a table of up to
        LAZY_ROWS rows, else the rows in sight (one pass measures a screenful, however
        many rows the table has). Only the rows whose reason does not fit on one line
        are measured (and those made taller before): Qt's measure of every cell of 160
        rows took ~6 ms of the turn that shows a 1k design's table."""
        if self._pending is not None:
            return
        table = self.table
        count = table.rowCount()
        if self._wraps():
            self._fit(range(count))
            return
        if self._tail_fitted != table.viewport().height():
            # (again in a taller dock: more rows on the last page)
            self._tail_fitted = table.viewport().height()
            self._fit_tail()
        fitted: set[int] = set()
        for _ in range(FIT_PASSES):
            top = max(table.rowAt(0), 0)
            bottom = table.rowAt(table.viewport().height() - 1)
            in_sight = range(top, count if bottom < 0 else bottom + 1)
            rows = [row for row in in_sight if row not in fitted]
            if not rows:
                return
            fitted.update(rows)
            self._fit(rows)

    def _fit_tail(self) -> None:
        """Fit the rows of the table's last screenful, once per table (and again when
        its rows are sorted, its reasons change or the column's width does): the
        scroll bar's range counts the rows that fit on the last page, so it changed
        while scrolling as they were fitted on the way down (max 144 → 149 of 160 rows,
        the thumb jumping under the pointer); fitted first, it stays."""
        table = self.table
        room = table.viewport().height()
        used = 0
        row = table.rowCount() - 1
        while row >= 0 and used <= room:
            self._fit((row,))
            used += table.rowHeight(row)
            row -= 1

    def _fit(self, rows: Iterable[int]) -> None:
        """Make ``rows`` as tall as their reasons (those that need more than a line, or
        had more)."""
        table = self.table
        room = table.columnWidth(WHY) - 2 * CELL_MARGIN
        advance = table.fontMetrics().horizontalAdvance
        one_line = table.verticalHeader().defaultSectionSize()
        for row in rows:
            item = table.item(row, WHY)
            if item is None:
                continue
            if table.rowHeight(row) == one_line and advance(item.text()) <= room:
                continue
            table.resizeRowToContents(row)

    def _item(self, db_id: str, column: int, value: str, good: bool, why: str) -> QTableWidgetItem:
        item = QTableWidgetItem(value)
        item.setData(Qt.ItemDataRole.UserRole, db_id)
        if column == WHY:
            item.setToolTip(why)  # the reason in full, however narrow the column
        if column in (1, 5):
            item.setForeground(GOOD if good else BAD)
        return item

    def _on_sort_asked(self, column: int, order: Qt.SortOrder) -> None:
        """The user clicked a header: "Database" rows made again in the names' natural
        order (in slices, the rows in sight first, on a big table; the selection kept);
        another column by Qt's sort of its texts (its ties in the order they are in);
        none (its third click): the affected databases first again."""
        latest = self._pending_state if self._pending is not None else self._state
        if latest is None:
            return
        if self._pending is not None and (column > 0 or self._row_order is None):
            return  # placed by the new order, or sorted once all rows are made
        if column > 0:
            self.table.sortItems(column, order)
            return
        self._reorder(latest)

    def _reorder(self, latest: StepState) -> None:
        """Make the rows again in the order the header asks (the names', or the
        affected databases first), where the table was scrolled, the selection kept."""
        table = self.table
        self._reselect = [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in table.selectedItems()
            if item.column() == 0
        ] or self._reselect
        scroll = table.verticalScrollBar()
        at = scroll.value()
        self._rebuild(latest, wait_for_canvas=False)
        scroll.setValue(at)  # where it was, as Qt's sort leaves it (the rows there first)

    def _rebuild(self, state: StepState, *, wait_for_canvas: bool = True) -> None:
        table = self.table
        header = table.horizontalHeader()
        # Sizing columns to their contents on every setItem is quadratic (seconds for a
        # few hundred rows): fill with fixed columns, then size them once.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setRowCount(0)
        table.setRowCount(len(state.databases))
        self._items = {}
        self._building = {}
        self._tail_fitted = None
        self._building_ids = [db.id for db in state.databases]
        self._start_fill(state)
        after_canvas = (
            wait_for_canvas
            and self._canvas is not None
            and self.controller.spread
            and self.controller.active
        )
        if after_canvas:
            # On a big design in simulation mode the rows come after the canvas has
            # shown the new state (the overlay's work and the canvas's repaint take a
            # turn each), however few (160 rows of a 1,000 element design, ~10 ms with
            # their sizing, made the first F5 turn that much longer).
            assert self._canvas is not None
            self._canvas.call(self._fill_timer.start)
        elif len(state.databases) > LAZY_ROWS:
            # A big table's first rows come in a turn of their own, not in the one in
            # which a new result reaches every view (the overlay, the scenario bar...).
            self._fill_timer.start()
        else:
            self._fill_slice()

    def _start_fill(self, state: StepState) -> None:
        """Make every row from ``state``: the rows in sight first, then in order."""
        self._pending = list(state.databases)
        self._pending_state = state
        self._row_order = None
        self._filled_from = [0] * len(self._pending)
        self._generation = 1
        self._cursor = 0
        self._make_row = self._row_maker()

    def _place(self, deadline: float | None) -> bool:
        """Put the databases of the table being built in their rows' order: by name in
        natural order (DB2 before DB10), reversed if the header says descending (the
        order any other column's sort starts from, its ties kept). Each name's key is
        made once (~3 µs; 4,000 names at 25k take more than a slice): with a
        ``deadline``, False if the clock ran out first (the keys made are kept)."""
        pending = self._pending
        assert pending is not None
        keys = self._keys
        made = 0
        for db in pending:
            if db.name in keys:
                continue
            keys[db.name] = natural_key(db.name)
            made += 1
            looked = deadline is not None and made % KEYS_PER_LOOK == 0
            if looked and time.perf_counter() > (deadline or 0.0):
                return False
        header = self.table.horizontalHeader()
        descending = (
            header.sortIndicatorSection() == 0
            and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        )
        order = sorted(range(len(pending)), key=lambda i: keys[pending[i].name], reverse=descending)
        self._ranks = ranks = self._ranks_of(pending) if self._affected_first() else {}
        if ranks:
            # The affected first, by their ranks, the greatest first (ties by name).
            hit = [i for i in order if pending[i].id in ranks]
            hit.sort(key=lambda i: ranks[pending[i].id], reverse=True)
            order = hit + [i for i in order if pending[i].id not in ranks]
        self._row_order = order
        self._pending = [pending[i] for i in order]
        return True

    def _fill_slice(self) -> None:
        """Fill rows for at most FILL_SLICE_S, then let the event loop run: a table of
        thousands of rows (a quarter of a second at 25,000 elements) never blocks. The
        rows in sight are filled first in every slice from the newest state (scrolled
        to, or a newer state given meanwhile: a row already made is updated in place),
        then the rows not yet made, in order."""
        pending = self._pending
        if pending is None:
            return
        table = self.table
        deadline = time.perf_counter() + FILL_SLICE_S
        if self._row_order is None:
            big = len(pending) > LAZY_ROWS
            if not self._place(deadline if big else None) or (
                big and time.perf_counter() > deadline
            ):
                self._fill_timer.start()  # the rows in the next turn
                return
            assert self._pending is not None
            pending = self._pending
        # No repaint per cell while a slice fills; between slices the table paints
        # what it has (updates left off across turns showed a black table).
        table.setUpdatesEnabled(False)
        count = len(pending)
        top = max(table.rowAt(0), 0)
        bottom = table.rowAt(table.viewport().height() - 1)
        bottom = count - 1 if bottom < 0 else bottom
        filled = self._filled_from
        newest = self._generation
        done = 0
        # A few rows past the last in sight: a column sized in this slice can take the
        # horizontal scroll bar away and show one more row at the bottom.
        in_sight = range(top, min(bottom + 1 + IN_SIGHT_MARGIN, top + 200, count))
        for row in itertools.chain(in_sight, range(self._cursor, count)):
            if filled[row] == newest or (filled[row] and row not in in_sight):
                continue
            self._fill_row(row, pending[row])
            done += 1
            # The rows in sight all in this slice (at most ~200), then by the clock.
            if done % 16 == 0 and row not in in_sight and time.perf_counter() > deadline:
                cursor = self._cursor
                while cursor < count and filled[cursor]:
                    cursor += 1
                self._cursor = cursor
                if cursor < count:
                    if row < 16 * 4:
                        # The first rows shown are sized to their texts at once (not
                        # "DAG01-" over "DB0001" until the last slice).
                        self._size_columns()
                    table.setUpdatesEnabled(True)
                    self._fill_timer.start()
                    return
        self._pending = None
        building = self._building
        self._shown = {db_id: building[db_id] for db_id in self._building_ids}
        self._fit_columns()
        header = table.horizontalHeader()
        if header.sortIndicatorSection() > 0:
            table.sortItems(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._select_again()
        table.setUpdatesEnabled(True)
        latest, self._pending_state = self._pending_state, None
        if newest > 1 and latest is not None:
            # Rows made out of sight from an older state: the cells that differ.
            self.show_state(latest)

    def _fill_row(self, row: int, db: DatabaseState) -> None:
        """Row ``row`` shows ``db``: its items made, or updated if already there."""
        self._filled_from[row] = self._generation
        db_id = db.id
        values, available, meets, why = shown = self._make_row(db)
        self._building[db_id] = shown
        cells = self._items.get(db_id)
        if cells is None:
            cells = []
            table = self.table
            for column, value in enumerate(values):
                good = available if column == 1 else meets
                item = self._item(db_id, column, value, good, why)
                table.setItem(row, column, item)
                cells.append(item)
            self._items[db_id] = cells
            return
        for column, (item, value) in enumerate(zip(cells, values, strict=True)):
            if column == WHY and item.toolTip() != why:
                item.setToolTip(why)
            if item.text() != value:
                item.setText(value)
            if column in (1, 5):
                brush = GOOD if (available if column == 1 else meets) else BAD
                if item.foreground().color() != brush:
                    item.setForeground(brush)

    def _select_again(self) -> None:
        """Select the rows selected before they were made again in another order."""
        ids, self._reselect = self._reselect, []
        table = self.table
        model = table.model()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for db_id in ids:
            cells = self._items.get(db_id)
            if cells:
                table.selectionModel().select(model.index(cells[0].row(), 0), flags)

    def _update(self, rows: dict[str, Row]) -> bool:
        """Show ``rows``' texts in the cells that differ, the rows sorted again by the
        header's column if its texts changed. True if a name changed (its row's place
        in the names' order is for :meth:`show_state` to make again)."""
        changed = [(db_id, row) for db_id, row in rows.items() if self._shown.get(db_id) != row]
        if not changed:
            return False
        table = self.table
        sorted_by = table.horizontalHeader().sortIndicatorSection()
        resort = False
        metrics = table.fontMetrics()
        header = table.horizontalHeader()
        wider: dict[int, int] = {}
        rewrapped: list[QTableWidgetItem] = []
        for db_id, (values, available, meets, why) in changed:
            for column, (item, value) in enumerate(zip(self._items[db_id], values, strict=True)):
                if column == WHY and item.toolTip() != why:
                    item.setToolTip(why)
                if item.text() != value:
                    item.setText(value)
                    resort = resort or column == sorted_by
                    if column == WHY:
                        rewrapped.append(item)
                    else:
                        # A cell's text grew ("not affected" → "waiting"): its column
                        # grows with it, never "wai…".
                        need = metrics.horizontalAdvance(value) + 18
                        if need > header.sectionSize(column):
                            wider[column] = max(wider.get(column, 0), need)
                if column in (1, 5):
                    brush = GOOD if (available if column == 1 else meets) else BAD
                    if item.foreground().color() != brush:
                        item.setForeground(brush)
        for column, width in wider.items():
            header.resizeSection(column, width)
        if resort and sorted_by > 0:
            table.sortItems(sorted_by, header.sortIndicatorOrder())
        if self._wraps() and not wider:
            for item in rewrapped:  # (rows found after sorting moved them)
                table.resizeRowToContents(item.row())
        elif wider or rewrapped:
            # The reason's column narrowed (every row), or a big table's reasons
            # changed: the rows in sight (a tick of playback changes thousands).
            self._tail_fitted = None
            self._rows_timer.start()
        return resort and sorted_by == 0

    def _on_double_click(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.controller.session.focus(str(item.data(Qt.ItemDataRole.UserRole)))
