"""The Databases panel: a DAG's copy layout, like Microsoft's Exchange calculator.

Rows are the DAG's mailbox databases, columns its members ("VM · site") by site, then
by name (:meth:`DatabasesPanel.ordered_members`), a cell the copy on that member: its
activation preference and replay lag ("1", "3 (lag 7d)").
Double-click or F2 edits a cell (preference, lag, or no copy); Delete clears it. Each
cell edit is one undo step (edits of one database's cells do not merge into one).
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Mapping

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFocusEvent, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.document.commands import ChangeElements
from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    ElementsAdded,
    ElementsRemoved,
    LayoutChanged,
)
from designer.document.growth import BoxGeometry
from designer.domain.design import Severity
from designer.domain.elements import Dag, DatabaseCopy, MailboxDatabase
from designer.domain.words import natural_key, plural
from designer.rules.finding import Finding
from designer.ui import slices
from designer.ui.alt_keys import plain
from designer.ui.panels._look import severity_tint
from designer.ui.panels.plan_copies import PlanCopiesPreview
from designer.ui.session import EditorSession

__all__ = ["CopyEditor", "DatabasesPanel", "copy_text"]

_Index = QModelIndex | QPersistentModelIndex
_DB_ROLE = Qt.ItemDataRole.UserRole + 1
_MEMBER_ROLE = Qt.ItemDataRole.UserRole + 2
#: What the table shows, by kind: the fields whose change redraws it (None: any field).
_SHOWN_FIELDS: dict[str, frozenset[str] | None] = {
    "dag": None,
    "mailbox_database": None,
    "vm": frozenset({"name", "host"}),
    "esxi_host": frozenset({"site"}),
    "site": frozenset({"name"}),
}
#: Rules whose findings on a copy colour its cell.
_CELL_CODES = ("DAG005", "DAG007")
#: A table of more cells than this makes its rows in the shared idle slices
#: (:mod:`designer.ui.slices`): a 100k design's first DAG, 400 databases × 16 members,
#: took one turn of ~50 ms CPU after the first frame (wave 10's probe).
FILL_AT_ONCE_CELLS = 2_000


def _editor_height() -> int:
    probe = CopyEditor()
    height = probe.sizeHint().height()
    probe.deleteLater()
    return height


def _copy_said(text: str, result: tuple[int, float] | None) -> str:
    """The status bar's words for a copy's edit, from its History entry ("Add copy of
    DB01 on WOR-MBX01"): "Added copy of DB01 on WOR-MBX01: activation preference 2"."""
    verb, rest = text.split(" ", 1)
    said = {"Add": "Added", "Change": "Changed", "Remove": "Removed"}.get(verb, verb) + " " + rest
    if result is None:
        return said
    preference, lag = result
    lagged = f", replay lag {lag:g} {'day' if lag == 1 else 'days'}" if lag else ""
    return f"{said}: activation preference {preference}{lagged}"


def copy_text(copy: DatabaseCopy | None) -> str:
    """A cell's text: ``"2"``, ``"3 (lag 7d)"``, or ``""`` for no copy.

    Examples
    --------
    >>> copy_text(DatabaseCopy(member="vm-1", activation_preference=3, replay_lag_days=7))
    '3 (lag 7d)'
    """
    if copy is None:
        return ""
    if copy.replay_lag_days:
        return f"{copy.activation_preference} (lag {copy.replay_lag_days:g}d)"
    return str(copy.activation_preference)


class CopyEditor(QFrame):
    """Preference spin + lag spin + "No copy"; Enter applies, Escape cancels."""

    #: True: apply the edit; False: cancel it.
    finished = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.preference = QSpinBox(self)
        self.preference.setRange(1, 64)
        self.preference.setPrefix("pref ")
        self.preference.setToolTip("Activation preference (1 = preferred active copy)")
        self.lag = QDoubleSpinBox(self)
        self.lag.setRange(0, 365)
        self.lag.setDecimals(1)
        self.lag.setSuffix(" d lag")
        self.lag.setToolTip("Replay lag in days (0 = not lagged; Exchange allows up to 14)")
        self.no_copy = QCheckBox("No copy", self)
        self.no_copy.setToolTip("Remove the copy from this member")
        self.no_copy.toggled.connect(self._sync_enabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 1, 2, 1)
        layout.setSpacing(3)
        layout.addWidget(self.preference)
        layout.addWidget(self.lag)
        layout.addWidget(self.no_copy)
        self.setFocusProxy(self.preference)
        for child in (self.preference, self.lag, self.no_copy):
            child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The delegate only sees keys that reach the editor itself, not its spin boxes.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                for spin in (self.preference, self.lag):
                    spin.interpretText()
                self.finished.emit(True)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.finished.emit(False)
                return True
        return False

    def _sync_enabled(self, off: bool) -> None:
        self.preference.setEnabled(not off)
        self.lag.setEnabled(not off)

    def set_copy(self, copy: DatabaseCopy | None, next_preference: int) -> None:
        self.no_copy.setChecked(copy is None)
        self.preference.setValue(copy.activation_preference if copy else next_preference)
        self.lag.setValue(copy.replay_lag_days if copy else 0.0)
        if copy is None:
            # Editing an empty cell means adding a copy there.
            self.no_copy.setChecked(False)
        self._sync_enabled(self.no_copy.isChecked())

    def result(self) -> tuple[int, float] | None:
        if self.no_copy.isChecked():
            return None
        return self.preference.value(), self.lag.value()


class _CopyDelegate(QStyledItemDelegate):
    def __init__(self, panel: DatabasesPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = CopyEditor(parent)
        editor.finished.connect(lambda apply: self._finish(editor, apply))
        return editor

    def _finish(self, editor: CopyEditor, apply: bool) -> None:
        if apply:
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        else:
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        db = self.panel.database(index.data(_DB_ROLE))
        if db is None or not isinstance(editor, CopyEditor):
            return
        member = index.data(_MEMBER_ROLE)
        copy = next((c for c in db.copies if c.member == member), None)
        editor.set_copy(copy, len(db.copies) + 1)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, CopyEditor):
            self.panel.set_copy(index.data(_DB_ROLE), index.data(_MEMBER_ROLE), editor.result())

    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Over its cell, wider than the column if it must, but always wholly in view:
        # moved left or up where the cell is at the table's right or bottom edge.
        rect = option.rect
        hint = editor.sizeHint()
        width, height = max(rect.width(), hint.width()), max(rect.height(), hint.height())
        area = self.panel.table.viewport().rect()
        x = max(0, min(rect.x(), area.right() + 1 - width))
        y = max(0, min(rect.y(), area.bottom() + 1 - height))
        editor.setGeometry(x, y, width, height)


class _CopyTable(QTableWidget):
    # The focus, a click or a key in the table: every cell is there to be edited (a
    # big table's rows are made in idle slices, see DatabasesPanel._build).
    def _finish_rows(self) -> None:
        panel = self.parent()
        if isinstance(panel, DatabasesPanel):
            panel.finish_rows()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._finish_rows()
        super().focusInEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._finish_rows()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._finish_rows()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.state() != QAbstractItemView.State.EditingState
        ):
            item = self.currentItem()
            if item is not None and item.text():
                panel = self.parent()
                while panel is not None and not isinstance(panel, DatabasesPanel):
                    panel = panel.parent()
                if panel is not None:
                    panel.set_copy(item.data(_DB_ROLE), item.data(_MEMBER_ROLE), None)
                return
        super().keyPressEvent(event)


class DatabasesPanel(QWidget):
    """The copy layout of one DAG (chosen at the top), editable cell by cell."""

    #: What the panel shows needs another height: the window sizes the dock to
    #: :meth:`preferred_height` again. True: for what the user opened (the plan's
    #: preview shown, its rows or notes changed), even past a height the user set by
    #: hand; False: more rows (another design or DAG), not past such a height (see
    #: designer.ui.dock_heights: the next session's start filled the table and grew
    #: back the height the user had kept).
    height_wanted = Signal(bool)

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Databases")
        self.dag_combo = QComboBox(self)
        self.dag_combo.setToolTip("The DAG whose database copies are shown")
        self.dag_combo.activated.connect(lambda _i: self.refresh())
        self.summary = QLabel(self)
        self.summary.setEnabled(False)
        top = QFormLayout()
        caption = QLabel("&DAG:")
        caption.setBuddy(self.dag_combo)
        # The copy-layout generator (capacity, issue 11): a preview in place of the table.
        self.plan_button = QPushButton("Plan copies…", self)
        self.plan_button.setObjectName("PlanCopiesButton")
        self.plan_button.setToolTip(
            "Propose activation preferences that spread a failure evenly (Microsoft's "
            "calculator's rotation); preview, then apply as one undoable step"
        )
        self.plan_button.clicked.connect(self.start_plan)
        #: The preview, made when first asked for (:attr:`plan`); and where the canvas
        #: draws the boxes, handed to it then (new databases take free rows there).
        self._plan: PlanCopiesPreview | None = None
        self.plan_boxes: BoxGeometry | None = None
        chooser = QHBoxLayout()
        chooser.addWidget(self.dag_combo, 1)
        chooser.addWidget(self.plan_button)
        top.addRow(caption, chooser)
        self.table = _CopyTable(self)
        self.table.setItemDelegate(_CopyDelegate(self))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(110)
        # Fixed rows: ResizeToContents re-measures every row on each header item set,
        # quadratic in the databases of a large DAG (seconds at 400 databases).
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # As tall as the cell editor, so that editing a row does not cover the next.
        rows.setDefaultSectionSize(max(self.fontMetrics().height() + 8, _editor_height()))
        self.table.setToolTip(
            "Activation preference per member (lag in days); double-click or F2 to edit, "
            "Delete to remove a copy; click a header to show that database or VM"
        )
        self.table.currentCellChanged.connect(self._on_current_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.verticalHeader().sectionClicked.connect(self._reveal_database)
        self.table.horizontalHeader().sectionClicked.connect(self._reveal_member)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)  # (the plan's preview goes above it: see plan)
        self.setFocusProxy(self.table)
        self.dag_id: str | None = None
        self._base_summary = ""
        self.member_ids: list[str] = []
        self.database_ids: list[str] = []
        #: What the table shows, to update only what an edit changed: the DAG, each
        #: row's database (the element object), each column's header, each cell's mark.
        self._shown: str | None = None
        self._rows: list[MailboxDatabase | None] = []
        self._headers: list[tuple[str, str]] = []
        self._marks: dict[tuple[str, str], tuple[Severity, str]] = {}
        #: The members, their hosts and sites: the elements whose edits the headers show.
        self._sources: set[str] = set()
        #: Rows made so far (a big table makes them in idle slices: :meth:`_build`), and
        #: the databases every row is to show (the latest, edits included).
        self._made = 0
        self._databases: list[MailboxDatabase] = []
        self._rows_job = ("databases rows", id(self))
        #: The first fill of a big design just opened, while the panel is a tab behind
        #: another: a job of the idle slices (see :meth:`_fill_after_first_frame`).
        self._fill_job = ("databases fill", id(self))
        #: The document's revision the table was last refreshed for by an edit.
        self._refreshed_at = -1
        #: A big edit running in steps changed what the table shows: refreshed once,
        #: when it is done (see :meth:`_on_busy`).
        self._refresh_when_done = False
        session.document_edited.connect(self._on_document_edited)
        session.busy_changed.connect(self._on_busy)
        session.findings_changed.connect(self._paint_findings)
        session.selection_changed.connect(self._follow_selection)
        self.refresh()

    # -- the copy-layout generator's preview ------------------------------------------------
    @property
    def plan(self) -> PlanCopiesPreview:
        """The copy-layout generator's preview, in the table's place while shown. Made
        when first asked for (Plan copies…), not with the window: its spin boxes and
        table were ~4 M instructions of a big design's opening before its first frame,
        for a panel behind a tab (wave 29, ``open29``)."""
        plan = self._plan
        if plan is None:
            plan = self._plan = PlanCopiesPreview(
                self.session, self, headers=self._member_header, members=self.ordered_members
            )
            plan.boxes = self.plan_boxes
            plan.hide()
            plan.finished.connect(self._end_plan)
            plan.resized.connect(self._plan_resized)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.indexOf(self.table) + 1, plan, 1)
            # Tab goes from Plan copies… to the preview's fields, then to the table, as
            # when the preview was made with the panel (the table hidden, the focus goes
            # to its first field).
            fields = (plan.databases, plan.lagged, plan.lag_days, plan.table)
            chain = (self.plan_button, *fields, plan.apply_button, plan.cancel_button)
            for before, after in itertools.pairwise((*chain, self.table)):
                QWidget.setTabOrder(before, after)
        return plan

    def _plan_shown(self) -> bool:
        """Whether the preview is shown (never made: not)."""
        return self._plan is not None and self._plan.isVisible()

    def start_plan(self) -> None:
        """Show the planned layout of the DAG shown (Apply or Cancel ends it)."""
        if self.dag_id is None or self.session.read_only or self._refresh_when_done:
            return
        self.plan.start(self.dag_id)
        self.table.hide()
        self.plan.show()
        self.plan_button.setEnabled(False)
        self.dag_combo.setEnabled(False)
        self.height_wanted.emit(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The tables' scroll bars again once the layout has settled: grown with the dock
        # to show every row, a table kept the vertical bar of its smaller size (range 0,
        # shown).
        tables = [self.table] if self._plan is None else [self.table, self._plan.table]
        for table in tables:
            QTimer.singleShot(0, table, table.updateGeometries)

    def _plan_resized(self) -> None:
        if self._plan_shown():
            self.height_wanted.emit(True)

    def _end_plan(self) -> None:
        if self._plan is not None:
            self._plan.hide()
        self.table.show()
        self.plan_button.setEnabled(True)
        self.dag_combo.setEnabled(True)

    # -- model access --------------------------------------------------------------------
    def database(self, db_id: str | None) -> MailboxDatabase | None:
        element = self.session.document.get(db_id) if db_id else None
        return element if isinstance(element, MailboxDatabase) else None

    def _dags(self) -> list[Dag]:
        # From the index (a scan of every element took ~40 ms at 50k, after every add).
        dags = self.session.document.index.by_kind.get("dag", ())
        return [e for e in dags if isinstance(e, Dag)]

    def set_copy(self, db_id: str, member: str, result: tuple[int, float] | None) -> bool:
        """Set (or, with None, remove) ``db_id``'s copy on ``member``: one undo step."""
        db = self.database(db_id)
        if db is None:
            return False
        copies = list(db.copies)
        position = next((i for i, c in enumerate(copies) if c.member == member), None)
        vm = self.session.document.get(member)
        where = vm.name if vm else member
        if result is None:
            if position is None:
                return False
            del copies[position]
            text = f"Remove copy of {db.name} on {where}"
        else:
            preference, lag = result
            copy = DatabaseCopy(
                member=member, activation_preference=preference, replay_lag_days=lag
            )
            if position is None:
                copies.append(copy)
                text = f"Add copy of {db.name} on {where}"
            elif copies[position] == copy:
                return False
            else:
                copies[position] = copy
                text = f"Change copy of {db.name} on {where}"
        try:
            changed = MailboxDatabase.model_validate({**db.model_dump(), "copies": copies})
        except ValueError as exc:
            self.session.status_message.emit(str(exc).splitlines()[0])
            return False
        # One undo step per cell (a SetProperty would merge the edits of one database).
        command = ChangeElements([changed], text)
        # Said in the status bar, as the canvas's edits are ("Added VM …"): a copy added
        # by double-click and Enter said nothing, only the History had it (eyes26 #10).
        command.status_note = _copy_said(text, result)
        return self.session.push(command)

    def preferred_height(self) -> int:
        """The panel's height to show the DAG's databases whole (3 to 12 rows): what it
        takes around its table now (the plan's preview's, while it is shown), plus the
        rows; the dock is sized to it when shown and when the preview starts (its
        numbers, notes and buttons took the table's room: 1½ rows were left)."""
        plan = self._plan
        table = plan.table if plan is not None and plan.isVisible() else self.table
        # The room around the table as laid out now: a note's new line or the preview
        # just shown are otherwise laid out in the event loop's next turn.
        for widget in (self,) if plan is None else (plan, self):
            layout = widget.layout()
            if widget.isVisible() and layout is not None:
                layout.activate()
        rows = max(3, min(12, table.rowCount()))
        around = self.height() - table.viewport().height()
        return around + rows * table.verticalHeader().defaultSectionSize() + 2

    # -- content -------------------------------------------------------------------------
    def refresh(self) -> None:
        slices.shared().cancel(self._fill_job)  # (done now, if it was waiting)
        dags = self._dags()
        wanted = self.dag_combo.currentData() or self.dag_id
        self.dag_combo.blockSignals(True)
        self.dag_combo.clear()
        for dag in dags:
            self.dag_combo.addItem(f"{dag.name} ({len(dag.members)} members)", dag.id)
        index = self.dag_combo.findData(wanted)
        self.dag_combo.setCurrentIndex(index if index >= 0 else (0 if dags else -1))
        self.dag_combo.blockSignals(False)
        self.dag_id = self.dag_combo.currentData()
        found = self.session.document.get(self.dag_id) if self.dag_id else None
        self._fill(found if isinstance(found, Dag) else None)

    def _databases_of(self, dag: Dag) -> list[MailboxDatabase]:
        """The DAG's databases in design order, from the index's databases-by-DAG group
        (kept current by each edit; the referrer map of every reference in the design
        took ~0.5 s to build at 25,000 elements, on the way to the first frame)."""
        found = self.session.document.index.group("mailbox_database", "dag").get(dag.id, ())
        return [d for d in found if isinstance(d, MailboxDatabase)]

    def _member_names(self, member: str) -> tuple[str, str | None]:
        """A member's VM name and its site's name (None: no host or site)."""
        doc = self.session.document
        vm = doc.get(member)
        # A VM's site is its host's (as DesignIndex.site_of has it), without the index.
        host = doc.get(getattr(vm, "host", None) or "") if vm is not None else None
        site = doc.get(getattr(host, "site", None) or "") if host is not None else None
        vm_name = vm.name if vm else member
        return vm_name, site.name if site is not None and site.kind == "site" else None

    def ordered_members(self, members: list[str]) -> list[str]:
        """The DAG's members in the table's column order: by site, then by VM name, in
        natural order (MBX2 before MBX10); members of no known site last.

        The DAG's own member order is the order they were added in, which a user does
        not see anywhere: a DAG grown one member at a time put a Worcester column
        between two Boston ones. Sorted like the calculator's layout (each datacenter's
        servers side by side), and stable while copies are edited (only renaming a VM
        or a site, or moving a VM, moves a column)."""
        names = {m: self._member_names(m) for m in members}
        return sorted(
            members,
            key=lambda m: (
                names[m][1] is None,
                natural_key(names[m][1] or ""),
                natural_key(names[m][0]),
            ),
        )

    def _member_header(self, member: str) -> tuple[str, str]:
        """A member column's header text and tooltip ("MBX01\nBoston")."""
        vm_name, site_name = self._member_names(member)
        return (
            f"{vm_name}\n{site_name or '—'}",
            f"DAG member {vm_name} in site {site_name or 'unknown'}",
        )

    def _fill(self, dag: Dag | None) -> None:
        """Show ``dag``: the whole table when its rows or columns changed, otherwise
        only the headers and cells whose text changed (an edit touches one row)."""
        table = self.table
        if dag is None:
            # No rows left to make (a big table's were being made when its design went).
            slices.shared().cancel(self._rows_job)
            self._made, self._databases = 0, []
            table.clear()
            table.setRowCount(0)
            table.setColumnCount(0)
            self.member_ids, self.database_ids = [], []
            self._rows, self._headers, self._marks = [], [], {}
            self._shown = None
            self._base_summary = "No DAG in the design: add one from the palette."
            self.summary.setText(self._base_summary)
            return
        databases = self._databases_of(dag)
        member_ids = self.ordered_members(list(dag.members))
        database_ids = [d.id for d in databases]
        headers = [self._member_header(m) for m in member_ids]
        doc = self.session.document
        hosts = [getattr(doc.get(m), "host", None) for m in member_ids]
        sites = [getattr(doc.get(h), "site", None) for h in hosts if h]
        self._sources = {*member_ids, *(h for h in hosts if h), *(s for s in sites if s)}
        if (dag.id, member_ids, database_ids) != (self._shown, self.member_ids, self.database_ids):
            rows = table.rowCount()
            self._build(dag.id, member_ids, databases, headers)
            if table.rowCount() > rows:
                # More rows than the dock was sized for (another design opened, another
                # DAG chosen, databases added while the panel is shown): 2½ were shown.
                self.height_wanted.emit(False)
        else:
            self._update(databases, headers)
        copies = sum(len(d.copies) for d in databases)
        self._base_summary = (
            f"{plural(len(databases), 'database')} · {plural(len(self.member_ids), 'member')}"
            f" · {plural(copies, 'copy')}"
        )
        self.summary.setText(self._base_summary)
        self._paint_findings()

    def _build(
        self,
        dag_id: str,
        member_ids: list[str],
        databases: list[MailboxDatabase],
        headers: list[tuple[str, str]],
    ) -> None:
        table = self.table
        row, column = table.currentRow(), table.currentColumn()
        if 0 <= column < len(self.member_ids) and self.member_ids[column] in member_ids:
            # The cursor stays on its member where the columns moved (a VM renamed).
            column = member_ids.index(self.member_ids[column])
        slices.shared().cancel(self._rows_job)
        table.clear()
        self._shown = dag_id
        self.member_ids = member_ids
        self.database_ids = [d.id for d in databases]
        self._rows = [None] * len(databases)
        self._headers = [("", "")] * len(member_ids)
        self._marks = {}
        self._made = 0
        table.setColumnCount(len(member_ids))
        # The headers (and the widths they ask) before the rows: a column resized in a
        # table of thousands of rows cost ~2-3 ms each (~40 ms a DAG at 100k).
        self._update(databases, headers)
        table.setRowCount(len(databases))
        if len(databases) * len(member_ids) > FILL_AT_ONCE_CELLS:
            # The rows in idle slices; their marks once they are all made.
            slices.shared().start(self._rows_job, self, self._make_rows_step)
        else:
            self._make_rows(len(databases))
        if 0 <= row < table.rowCount() and 0 <= column < table.columnCount():
            table.setCurrentCell(row, column)

    def _make_rows(self, upto: int) -> None:
        """Make the cells of the rows not made yet, up to row ``upto`` (excluded), with
        the text of the database each is to show now."""
        table = self.table
        base = self.palette().base()
        member_ids = self.member_ids
        while self._made < upto:
            r = self._made
            db = self._databases[r]
            for c, member in enumerate(member_ids):
                item = QTableWidgetItem()  # its text is set by _update_row
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(_DB_ROLE, db.id)
                item.setData(_MEMBER_ROLE, member)
                item.setBackground(base)
                table.setItem(r, c, item)
            self._made = r + 1
            self._update_row(r, db)

    def _make_rows_step(self, deadline: float) -> bool:
        """A slice of :meth:`_make_rows` (a job of :mod:`designer.ui.slices`)."""
        total = len(self._databases)
        while self._made < total:
            self._make_rows(self._made + 1)
            if time.perf_counter() >= deadline:
                break
        if self._made < total:
            return False
        self._paint_findings()
        return True

    def _fill_after_first_frame(self) -> None:
        """Fill the table for the design just opened: now if the panel is shown, else
        (a tab behind another, as by default) in the shared idle slices, which wait for
        the design's first check and the background import of simulation mode.

        Filled in the turn after a big design's first frame, beside that import (and
        soon the check's worker), the panel's 13 ms of CPU at 100k (the index's group of
        16,000 databases by DAG, then the headers and rows) waited for the interpreter
        lock at its calls into Qt: 30-85 ms, the worst idle turn after opening. In the
        slices: the group in one turn, the rest in a later one; at once if anything
        needs the table first (its tab raised: :func:`designer.ui.panels.create_panels`
        connects its dock; a database shown, a cell asked for)."""
        if self.parent() is None or not self.visibleRegion().isEmpty():
            self.refresh()  # shown (or in no window: nothing would raise it)
            return
        grouped = False

        def step(deadline: float) -> bool:
            nonlocal grouped
            if deadline - time.perf_counter() < slices.TURN_BUDGET_S * 0.75:
                return False  # the turn is partly spent: first in a turn of its own
            if not grouped:
                _ = self.session.document.index.group("mailbox_database", "dag")
                grouped = True
                slices.shared().end_turn()
                return False
            self.refresh()
            slices.shared().end_turn()
            return True

        slices.shared().start(self._fill_job, self, step)

    @property
    def fill_pending(self) -> bool:
        """Whether the first fill of a design just opened waits in the idle slices."""
        return slices.shared().running(self._fill_job)

    def fill_now(self) -> None:
        """The waiting first fill, now (something needs the table: see
        :meth:`_fill_after_first_frame`)."""
        if self.fill_pending:
            self.refresh()

    @property
    def rows_pending(self) -> bool:
        """Whether a big table's rows are still being made in idle slices (or the
        table's first fill waits there)."""
        return self._made < len(self._databases) or self.fill_pending

    def finish_rows(self) -> None:
        """Make the rows still to be made now (something needs the whole table)."""
        self.fill_now()
        if self._made < len(self._databases):
            slices.shared().cancel(self._rows_job)
            self._make_rows(len(self._databases))
            self._paint_findings()

    def _update(self, databases: list[MailboxDatabase], headers: list[tuple[str, str]]) -> None:
        table = self.table
        self._databases = databases
        sections = table.horizontalHeader()
        metrics = sections.fontMetrics()
        for c, (text, tip) in enumerate(headers):
            if self._headers[c] != (text, tip):
                self._headers[c] = (text, tip)
                header = QTableWidgetItem(text)
                header.setToolTip(tip)
                table.setHorizontalHeaderItem(c, header)
                # A header's lines are not elided: one wider than its column was cut
                # at both ends ("AG01-MBX-DC01-0" over every DC01 member). The column
                # grows to show it whole.
                need = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 16
                if need > sections.sectionSize(c):
                    sections.resizeSection(c, need)
        for r in range(self._made):  # rows still to be made show the latest when made
            self._update_row(r, databases[r])

    def _update_row(self, r: int, db: MailboxDatabase) -> None:
        if self._rows[r] is db:
            return  # elements are replaced on every change: same object, same row
        table = self.table
        previous = self._rows[r]
        self._rows[r] = db
        if previous is None or (previous.name, previous.size_gb, previous.mailboxes) != (
            db.name,
            db.size_gb,
            db.mailboxes,
        ):
            header = QTableWidgetItem(db.name)
            header.setToolTip(f"{db.name}: {db.size_gb:g} GB, {db.mailboxes} mailboxes")
            table.setVerticalHeaderItem(r, header)
        if previous is not None and previous.copies == db.copies:
            return
        by_member = {c.member: c for c in db.copies}
        for c, member in enumerate(self.member_ids):
            item = table.item(r, c)
            text = copy_text(by_member.get(member))
            if item is not None and item.text() != text:
                item.setText(text)

    def cell_item(self, db_id: str, member: str) -> QTableWidgetItem | None:
        self.fill_now()
        if db_id not in self.database_ids or member not in self.member_ids:
            return None
        self.finish_rows()
        return self.table.item(self.database_ids.index(db_id), self.member_ids.index(member))

    def _paint_findings(self) -> None:
        """Tint the cells of DAG005/DAG007 findings; only cells whose mark changed are
        touched (the check reports after every edit, mostly with the same findings).
        While a big table's rows are being made, the marks wait for them (the last
        slice paints them)."""
        if self.rows_pending:
            return
        # Only the findings of the databases in the table (a 100k design's check gives
        # DAG005/DAG007 findings of every DAG: each one's cells were worked out and
        # looked for in the table's lists, 70 ms when a site's deletion was checked).
        rows = {db_id: r for r, db_id in enumerate(self.database_ids)}
        columns = {member: c for c, member in enumerate(self.member_ids)}
        grouped: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.session.findings.active:
            if finding.code not in _CELL_CODES:
                continue
            for db_id, member in self._cells_of(finding, rows, columns):
                grouped.setdefault((db_id, member), []).append(finding)
        marks: dict[tuple[str, str], tuple[Severity, str]] = {}
        for cell, findings in grouped.items():
            worst = min((f.severity for f in findings), key=lambda s: s.rank)
            marks[cell] = (worst, "\n".join(f"{f.code}: {f.message}" for f in findings))
        if marks == self._marks:
            return
        base = self.palette().base()
        table = self.table

        def cell_item(db_id: str, member: str) -> QTableWidgetItem | None:
            r, c = rows.get(db_id), columns.get(member)
            return None if r is None or c is None else table.item(r, c)

        for cell in self._marks.keys() - marks.keys():
            item = cell_item(*cell)
            if item is not None:
                item.setBackground(base)
                item.setToolTip("")
        for cell, mark in marks.items():
            if self._marks.get(cell) == mark:
                continue
            item = cell_item(*cell)
            if item is not None:
                item.setBackground(QBrush(severity_tint(mark[0])))
                item.setToolTip(mark[1])
        self._marks = marks

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Unmarked cells carry the base colour explicitly: repaint them all.
            base = self.palette().base()
            for r in range(self.table.rowCount()):
                for c in range(self.table.columnCount()):
                    item = self.table.item(r, c)
                    if item is not None:
                        item.setBackground(base)
            self._marks = {}
            self._paint_findings()

    def _cells_of(
        self, finding: Finding, rows: Mapping[str, int], columns: Mapping[str, int]
    ) -> list[tuple[str, str]]:
        """The table's cells ``finding`` marks (``rows``, ``columns``: where each of
        the table's databases and members stands); none when its database is not in
        the table."""
        db = next((d for e in finding.elements if (d := self.database(e)) is not None), None)
        if db is None or db.id not in rows:
            return []
        members = [e for e in finding.elements if e in columns]
        if members:
            return [(db.id, m) for m in members]
        # A database-wide preference finding: mark the copies out of 1…n or repeated.
        counts = Counter(c.activation_preference for c in db.copies)
        n = len(db.copies)
        return [
            (db.id, c.member)
            for c in db.copies
            if c.member in columns
            and (counts[c.activation_preference] > 1 or not 1 <= c.activation_preference <= n)
        ]

    # -- following the session -----------------------------------------------------------
    def _on_document_edited(self, events: tuple[DocumentEvent, ...]) -> None:
        if all(isinstance(event, LayoutChanged) for event in events):
            return
        replaced = any(isinstance(event, DesignReplaced) for event in events)
        plan = self._plan
        planned = plan.dag_id if plan is not None else None
        if (
            plan is not None
            and not plan.isHidden()
            and (replaced or planned is None or self.session.document.get(planned) is None)
        ):
            # The preview planned another design (File > New, Open, Revert) or a DAG
            # since deleted: its Apply would write that plan into this one.
            plan.layout_planned = None
            plan.dag_id = None
            self._end_plan()
        if replaced:
            if self.session.holding:  # a big design's first frame first, then the table
                self.dag_combo.blockSignals(True)
                self.dag_combo.clear()
                self.dag_combo.blockSignals(False)
                slices.shared().cancel(self._fill_job)  # (the design before's)
                self._fill(None)
                self.summary.setText("Reading the DAGs of the design just opened…")
                self.session.after_first_frame(self._fill_after_first_frame)
            else:
                self.refresh()
            return
        revision = self.session.document.revision
        if revision == self._refreshed_at or self._refresh_when_done:
            return  # (the table refreshed for this edit shows all of it, or will)
        # The events of one edit, each read after the whole edit was made: the table
        # refreshed once if any of them shows in it (a DAG removed: 400 databases
        # edited, the table refilled 400 times at 100k before wave 20; a site removed:
        # 6,073 events, each looked at until wave 27).
        shown = self._sources.union(self.database_ids)
        if any(self._shows(event, shown) for event in events):
            if self.session.busy:
                self._wait_for_edit()
                return
            self._refreshed_at = revision
            self.refresh()

    def _wait_for_edit(self) -> None:
        """A step of a big edit (a site's deletion) changed what the table shows: it
        is refreshed once the edit is done, not after each step (15-35 ms a step at
        100k); meanwhile it shows the design as it was, greyed, and says so (a step's
        half-removed site is not the result). Plan copies… and the DAG list wait with
        it: a plan of the design as it was, or another DAG's table, would be neither
        (Plan copies… stayed enabled beside the greyed table: eyes28)."""
        self._refresh_when_done = True
        self.table.setEnabled(False)
        self.plan_button.setEnabled(False)
        self.dag_combo.setEnabled(False)
        self.summary.setText(f"{self._base_summary} · updated when the edit is done…")

    def _on_busy(self, busy: bool) -> None:
        if not busy and self._refresh_when_done:
            self._refresh_when_done = False
            self.table.setEnabled(True)
            if not self.plan.isVisible():  # (a plan shown keeps them off until it ends)
                self.plan_button.setEnabled(True)
                self.dag_combo.setEnabled(True)
            self._refreshed_at = self.session.document.revision
            self.refresh()

    def _shows(self, event: DocumentEvent, shown: set[str]) -> bool:
        """Whether this event of an edit may change the table or the DAG list;
        ``shown``: the ids of the DAG's databases and of the VMs, hosts and sites the
        table shows."""
        if isinstance(event, LayoutChanged):
            return False
        if isinstance(event, ElementsAdded | ElementsRemoved):
            return self._touches(event, shown)  # a VM, a LUN… outside the table: no
        if isinstance(event, ElementChanged):
            element = self.session.document.get(event.id)
            if element is None or element.kind not in _SHOWN_FIELDS:
                return False  # a LUN's size does not change the table
            fields = _SHOWN_FIELDS[element.kind]
            if fields is not None and event.field not in fields:
                return False  # nor does a VM's memory
            if element.kind in ("vm", "esxi_host", "site") and event.id not in shown:
                return False  # nor a VM outside the DAG, or its host or site
            joins_or_leaves = event.field == "dag" and self.dag_id in (event.old, event.new)
            if element.kind == "mailbox_database" and event.id not in shown:
                return joins_or_leaves  # (else a database of another DAG)
        return True

    def _touches(self, event: ElementsAdded | ElementsRemoved, shown: set[str]) -> bool:
        """Whether elements added or removed may change the table or the DAG list: a
        DAG or a database, or one of the VMs, hosts and sites the table shows."""
        kinds = ("dag", "mailbox_database")
        if not shown.isdisjoint(event.ids):
            return True
        if isinstance(event, ElementsRemoved):
            return not event.kinds or any(k in kinds for k in event.kinds)
        document = self.session.document
        return any((e := document.get(i)) is None or e.kind in kinds for i in event.ids)

    def _follow_selection(self) -> None:
        """Selecting a DAG or one of its databases on the canvas shows that DAG."""
        selection = self.session.selection
        if len(selection) != 1:
            return
        element = self.session.document.get(selection[0])
        if self.fill_pending and isinstance(element, Dag | MailboxDatabase):
            self.fill_now()
        dag_id = None
        if isinstance(element, Dag):
            dag_id = element.id
        elif isinstance(element, MailboxDatabase):
            dag_id = element.dag
        if dag_id and dag_id != self.dag_id:
            index = self.dag_combo.findData(dag_id)
            if index >= 0:
                self.dag_combo.setCurrentIndex(index)
                self.refresh()

    def show_database(self, db_id: str) -> None:
        """Show ``db_id``'s DAG and put the cursor on its row (the inspector's link)."""
        self.fill_now()
        db = self.database(db_id)
        if db is None or db.dag is None:
            return
        index = self.dag_combo.findData(db.dag)
        if index >= 0 and db.dag != self.dag_id:
            self.dag_combo.setCurrentIndex(index)
            self.refresh()
        if db_id in self.database_ids:
            row = self.database_ids.index(db_id)
            column = max(self.table.currentColumn(), 0)
            self.table.setCurrentCell(row, column)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def cell_menu(self, row: int, column: int) -> QMenu | None:
        """The menu of a cell (a right-click, the Menu key): edit or remove its copy,
        show its database or VM on the canvas, plan the DAG's copies; each entry with
        an Alt key of its own. None where there is no cell."""
        item = self.table.item(row, column)
        if item is None:
            return None
        db_id, member = item.data(_DB_ROLE), item.data(_MEMBER_ROLE)
        db = self.database(db_id)
        editable = not self.session.read_only
        menu = QMenu(self)
        menu.setObjectName("DatabasesMenu")
        has_copy = bool(item.text())
        edit = menu.addAction(
            "&Edit Copy…\tF2" if has_copy else "&Add Copy…\tF2",
            lambda: self.table.editItem(item),
        )
        edit.setEnabled(editable)
        remove = menu.addAction("&Remove Copy\tDel", lambda: self.set_copy(db_id, member, None))
        remove.setEnabled(editable and has_copy)
        menu.addSeparator()
        db_name = plain(db.name if db is not None else db_id)
        menu.addAction(f"Show &Database {db_name}", lambda: self._reveal_database(row))
        vm_name = plain(self._member_names(member)[0])
        menu.addAction(f"Show &VM {vm_name}", lambda: self._reveal_member(column))
        menu.addSeparator()
        plan = menu.addAction("&Plan Copies…", self.start_plan)
        plan.setEnabled(editable)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        """A cell's menu at ``pos`` (the viewport's), or the current cell's (the Menu
        key or Shift+F10 where no cell is under the pointer)."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            index = self.table.currentIndex()
            if not index.isValid():
                return
            pos = self.table.visualRect(index).center()
        self.table.setCurrentCell(index.row(), index.column())
        menu = self.cell_menu(index.row(), index.column())
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()  # its entry has run: not one menu more per right-click

    def _reveal_database(self, row: int) -> None:
        if 0 <= row < len(self.database_ids):
            self.session.focus(self.database_ids[row])

    def _reveal_member(self, column: int) -> None:
        if 0 <= column < len(self.member_ids):
            self.session.focus(self.member_ids[column])

    def _on_current_changed(self, row: int, column: int, *_: int) -> None:
        item = self.table.item(row, column)
        if item is None:
            return
        tip = item.toolTip()
        self.summary.setText(tip.splitlines()[0] if tip else self._base_summary)
