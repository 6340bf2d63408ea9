"""The copy-layout generator's preview in the Databases panel (capacity, issue 11).

"Plan copies…" shows, in place of the DAG's table, the layout
:func:`designer.capacity.plan_copies` proposes for the numbers asked (databases,
copies in each member site, lagged copies): cells that change are tinted, new databases
marked "(new)", and how evenly a member's failure spreads its databases is said under
it. Apply makes it one undoable step
(:func:`~designer.document.gestures.plan_copies_command`, which ``dr-designer
plan-copies`` runs too: each changed database's copies and the new databases, drawn in
free rows of the DAG's box); Cancel leaves the design as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.document.gestures import plan_copies_command
from designer.document.growth import BoxGeometry
from designer.domain.elements import (
    Dag,
    DatabaseCopy,
    EsxiHost,
    MailboxDatabase,
    Site,
    VirtualMachine,
)
from designer.domain.words import plural

if TYPE_CHECKING:
    from designer.capacity import CopyLayout
    from designer.ui.session import EditorSession

__all__ = ["PlanCopiesPreview"]

#: The tint of a cell the plan changes.
CHANGED = QColor("#cfe3ff")


class PlanCopiesPreview(QWidget):
    """The numbers asked, the planned layout and Apply/Cancel."""

    #: The preview is over (applied or cancelled).
    finished = Signal()
    #: The plan shown has another number of rows or lines of notes (the room it needs
    #: changed: see DatabasesPanel.preferred_height).
    resized = Signal()

    def __init__(
        self,
        session: EditorSession,
        parent: QWidget | None = None,
        *,
        headers: Callable[[str], tuple[str, str]] | None = None,
        members: Callable[[list[str]], list[str]] | None = None,
    ) -> None:
        """``headers``: a member's column header and its tooltip, as the Databases
        panel's table heads it ("MBX01\nBoston"); by default the member's name.
        ``members``: the DAG's members in the panel's column order; by default the
        DAG's own order."""
        super().__init__(parent)
        self.setObjectName("PlanCopiesPreview")
        self.session = session
        self._headers = headers
        self._members = members
        #: The rows and lines of notes shown (see resized).
        self._shape = (0, 0)
        #: The cells the plan shown changes and the databases it adds (said on Apply).
        self._changes = (0, 0)
        self.dag_id: str | None = None
        self.layout_planned: CopyLayout | None = None
        #: Where the canvas draws the boxes (new databases take free rows there).
        self.boxes: BoxGeometry | None = None
        self.databases = QSpinBox()
        self.databases.setObjectName("PlanDatabases")
        self.databases.setRange(1, 1000)
        self.databases.setToolTip("How many databases the DAG holds (new ones are added)")
        self.lagged = QSpinBox()
        self.lagged.setObjectName("PlanLagged")
        self.lagged.setRange(0, 4)
        self.lagged.setToolTip("Lagged copies of each database, after the others")
        self.lag_days = QDoubleSpinBox()
        self.lag_days.setObjectName("PlanLagDays")
        self.lag_days.setRange(0.5, 14.0)
        self.lag_days.setSingleStep(1.0)
        self.lag_days.setValue(7.0)
        self.lag_days.setSuffix(" d")
        self.site_spins: dict[str, QSpinBox] = {}
        self.sites_row = QHBoxLayout()
        form = QHBoxLayout()
        form.addWidget(QLabel("Databases"))
        form.addWidget(self.databases)
        form.addSpacing(12)
        form.addWidget(QLabel("Copies per site"))
        form.addLayout(self.sites_row)
        form.addSpacing(12)
        form.addWidget(QLabel("Lagged copies"))
        form.addWidget(self.lagged)
        form.addWidget(QLabel("lag"))
        form.addWidget(self.lag_days)
        form.addStretch(1)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("PlanTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves a read-only table
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setMinimumSectionSize(90)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.notes = QLabel()
        self.notes.setObjectName("PlanNotes")
        self.notes.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("PlanApply")
        self.apply_button.setToolTip("Apply the planned layout as one undoable step")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("PlanCancel")
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        layout.addWidget(buttons)
        self.databases.valueChanged.connect(lambda _v: self.replan())
        self.lagged.valueChanged.connect(lambda _v: self.replan())
        self.lag_days.valueChanged.connect(lambda _v: self.replan())
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.finished.emit)

    # -- the numbers asked ------------------------------------------------------------------
    def start(self, dag_id: str) -> None:
        """Preview a layout for ``dag_id``: the DAG's own numbers to begin with."""
        self.dag_id = dag_id
        document = self.session.document
        dag = document.get(dag_id)
        assert isinstance(dag, Dag)
        existing = [
            d
            for d in (document.get(r) for r in document.referrers_of(dag_id))
            if isinstance(d, MailboxDatabase) and d.dag == dag_id
        ]
        by_site: dict[str, int] = {}
        for member in dag.members:
            vm = document.get(member)
            host = document.get(vm.host) if isinstance(vm, VirtualMachine) and vm.host else None
            if isinstance(host, EsxiHost):
                by_site[host.site] = by_site.get(host.site, 0) + 1
        # The DAG's own numbers, as `plan-copies` starts from them: each site's copies and
        # the lagged copies of a database as its databases have them, so that a DAG
        # planned as it stands keeps its layout (a lagged DR copy is not turned into an
        # ordinary one). The sizing package is imported when a plan is first asked for.
        from designer.capacity.layout import own_numbers

        copies_in, lagged, lag_days = own_numbers(self.session.design, dag_id)
        while self.sites_row.count():
            item = self.sites_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.site_spins = {}
        for site_id, count in by_site.items():
            site = document.get(site_id)
            spin = QSpinBox()
            spin.setObjectName(f"PlanCopies-{site_id}")
            spin.setRange(0, count)
            spin.setValue(copies_in.get(site_id, 0) if copies_in else min(2, count))
            spin.setPrefix(f"{site.name if isinstance(site, Site) else site_id}: ")
            spin.setToolTip(f"Copies of each database in this site ({count} members)")
            spin.valueChanged.connect(lambda _v: self.replan())
            self.sites_row.addWidget(spin)
            self.site_spins[site_id] = spin
        # In the Tab chain where they are drawn, between Databases and Lagged copies (made
        # after those, they came last: Tab went from Databases to Lagged copies: eyes20).
        chain = [self.databases, *self.site_spins.values(), self.lagged]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        asked: tuple[QWidget, ...] = (self.databases, self.lagged, self.lag_days)
        for box in asked:
            box.blockSignals(True)
        # As many databases as the DAG has (more are asked for here); a DAG without any
        # starts with one per member. It proposed one per member at least: a four-member
        # DAG with two databases was offered "2 new databases" before anything was asked.
        self.databases.setMinimum(max(1, len(existing)))
        self.databases.setValue(len(existing) or len(dag.members))
        self.lagged.setValue(lagged)
        self.lag_days.setValue(lag_days)
        for box in asked:
            box.blockSignals(False)
        self.replan()

    def replan(self) -> None:
        """Plan again with the numbers asked and show it."""
        if self.dag_id is None:
            return
        # The sizing package (and the simulator below it) is imported when a plan is
        # first asked for, not with the window: its first frame does not need it.
        from designer.capacity import LayoutError, plan_copies

        try:
            planned = plan_copies(
                self.session.design,
                self.dag_id,
                databases=self.databases.value(),
                copies_per_site={s: spin.value() for s, spin in self.site_spins.items()},
                lagged=self.lagged.value(),
                lag_days=self.lag_days.value(),
            )
        except LayoutError as exc:
            self.layout_planned = None
            self.table.setRowCount(0)
            self.notes.setText(str(exc))
            self.apply_button.setEnabled(False)
            return
        self.layout_planned = planned
        self.apply_button.setEnabled(True)
        self._show(planned)

    # -- the preview ------------------------------------------------------------------------
    def _show(self, planned: CopyLayout) -> None:
        document = self.session.document
        members = list(planned.dag.members)
        if self._members is not None:
            members = self._members(members)
        table = self.table
        table.clear()
        table.setColumnCount(len(members))
        table.setRowCount(len(planned.names))
        for c, member in enumerate(members):
            if self._headers is not None:
                text, tip = self._headers(member)
            else:
                vm = document.get(member)
                text = tip = vm.name if vm else member
            header = QTableWidgetItem(text)
            header.setToolTip(tip)
            table.setHorizontalHeaderItem(c, header)
        new_ids = {d.id for d in planned.new_databases}
        changed_cells = 0
        tint = QBrush(CHANGED, Qt.BrushStyle.SolidPattern)
        bold = QFont(self.font())
        bold.setBold(True)
        for r, (db_id, name) in enumerate(planned.names.items()):
            header = QTableWidgetItem(f"{name} (new)" if db_id in new_ids else name)
            table.setVerticalHeaderItem(r, header)
            db = document.get(db_id)
            before = {c.member: c for c in db.copies} if isinstance(db, MailboxDatabase) else {}
            after = {c.member: c for c in planned.copies[db_id]}
            for c, member in enumerate(members):
                text = _copy_text(after.get(member))
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if _copy_text(before.get(member)) != text:
                    item.setBackground(tint)
                    item.setFont(bold)
                    item.setToolTip(f"was: {_copy_text(before.get(member)) or 'no copy'}")
                    changed_cells += 1
                table.setItem(r, c, item)
        # Nothing to change (the DAG planned already, or laid out as planned): said in
        # words, and nothing to apply ("0 cells change" with Apply offered read as
        # though something would).
        unchanged = not changed_cells and not new_ids
        if unchanged:
            said = f"No change: the copies of {planned.dag.name} already follow this layout"
        else:
            said = f"{plural(changed_cells, 'cell')} change" + (
                f", {plural(len(new_ids), 'new database')}" if new_ids else ""
            )
        self._changes = (changed_cells, len(new_ids))
        self.apply_button.setEnabled(not unchanged)
        self.apply_button.setToolTip(
            "Nothing to apply: the layout is the DAG's own"
            if unchanged
            else "Apply the planned layout as one undoable step"
        )
        if planned.share_note:
            said += f" sharing {planned.share_note}"
        if planned.backup_note:
            said += f"; {planned.backup_note}"
        if planned.spread_note and planned.spread_note not in planned.notes:
            said += f"; {planned.spread_note}"
        # The new copies' storage on its own line: which disks they get, which disks go
        # with the copies taken off their members, which members had none to follow
        # (DAG014 names those copies after Apply).
        notes = [said, *planned.notes, *([planned.storage_note] if planned.storage_note else [])]
        shape = (table.rowCount(), len(notes))
        self.notes.setText("\n".join(notes))
        if shape != self._shape:
            self._shape = shape
            self.resized.emit()

    def apply(self) -> None:
        """Apply the planned layout: one undoable step."""
        if self.layout_planned is None:
            return
        command = plan_copies_command(self.session.document, self.layout_planned, self.boxes)
        if command is not None:
            # Said where the user looks next: the preview closes, and the grid alone
            # left them to find what changed.
            cells, new = self._changes
            done = [f"{plural(cells, 'cell')} changed"] if cells else []
            done += [f"{plural(new, 'database')} added"] if new else []
            disks = len(self.layout_planned.disks)
            done += [f"{plural(disks, 'disk')} added"] if disks else []
            gone = len(self.layout_planned.removed_disks)
            done += [f"{plural(gone, 'disk')} removed"] if gone else []
            sized = len(self.layout_planned.resized_disks)
            done += [f"{plural(sized, 'disk')} resized"] if sized else []
            command.status_note = (
                f"Plan copies of {self.layout_planned.dag.name}: {', '.join(done) or 'applied'}"
                " (Ctrl+Z undoes it)"
            )
            self.session.push(command)
        self.finished.emit()


def _copy_text(copy: DatabaseCopy | None) -> str:
    """A cell's text as the Databases panel writes it (``"3 (lag 7d)"``)."""
    if copy is None:
        return ""
    if copy.replay_lag_days:
        return f"{copy.activation_preference} (lag {copy.replay_lag_days:g}d)"
    return str(copy.activation_preference)
