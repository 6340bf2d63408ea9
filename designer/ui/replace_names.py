"""Edit > Replace in Names… (Ctrl+H): a design renamed for a customer in one step.

The dialog asks what to find and what to put in its place (plain text; match case,
whole words), in which elements (all, the selection, or one kind), and shows what would
change before anything does: how many names, and each element's old and new name. What
stands in the way (a new name another element of its kind keeps, two elements given one
name, a name left empty or too long) is listed naming the elements, and Replace All is
off until it is gone. Replace All is one undo step (Ctrl+Z undoes all of it); the live
check, the canvas's labels and the Inspector follow as after any edit. The plan is
:func:`designer.document.renaming.plan_renames`, which ``dr-designer rename`` runs too.

The dialog is not modal (the canvas's selection may change the scope while it is open)
and is kept by the window: its choices stay from one opening to the next.

In a big design (more elements than the session's ``plan_above``, 5,000) the preview is
planned in the window's idle slices (:func:`~designer.document.renaming.
plan_renames_in_steps`): reading 100,000 names took 25-70 ms of one turn. Meanwhile the
summary says so; the plan shown is always one made whole on the design as it is (an
edit meanwhile starts it again), and Replace All pressed before it is ready replaces
once it is.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.document.commands import RenameElements
from designer.document.renaming import (
    NameQuery,
    RenamePlan,
    plan_renames,
    plan_renames_in_steps,
)
from designer.domain.kinds import KINDS
from designer.domain.words import plural, word_for
from designer.text import printable
from designer.ui import slices
from designer.ui.panels._look import error_text_color
from designer.ui.session import EditorSession

__all__ = ["ReplaceNamesDialog"]


def _refused_tint() -> QColor:
    """The tint of a row whose new name is refused: the error colour, faint (light or
    dark theme alike)."""
    tint = QColor(error_text_color())
    tint.setAlpha(56)
    return tint


def _error_style() -> str:
    return f"color: {error_text_color().name()};"


#: A pause in the typing before the preview follows (each keystroke of a 100k design
#: would read every name again).
PREVIEW_DELAY_MS = 120
W = TypeVar("W", bound=QWidget)
#: Scope choices besides the kinds.
ALL, SELECTION = "all", "selection"


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


class _ChangesModel(QAbstractTableModel):
    """The names that change: kind, name now, new name (rows made as they show: a
    rename of 30,000 names lists at once)."""

    HEADERS = ("Kind", "Name", "New name")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: RenamePlan | None = None
        self.blocked: set[str] = set()

    def show_plan(self, plan: RenamePlan) -> None:
        self.beginResetModel()
        self.plan = plan
        self.blocked = set(plan.blocked)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.plan is None:
            return 0
        return len(self.plan.changes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if self.plan is None or not index.isValid():
            return None
        change = self.plan.changes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return change.kind_label
            return printable(change.old if column == 1 else change.new)
        if role == Qt.ItemDataRole.BackgroundRole and change.element.id in self.blocked:
            return QBrush(_refused_tint())
        return None


class ReplaceNamesDialog(QDialog):
    """Find, replace with, options, scope, the preview, Replace All."""

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReplaceNamesDialog")
        self.setWindowTitle("Replace in Names")
        self.session = session
        self.plan: RenamePlan | None = None
        self._planned_revision = -1
        self._scopes_stale = True
        #: The plan being made in slices (big designs): the revision it reads, its
        #: steps, the summary's words once shown; None when none is.
        self._planning: tuple[int, Iterator[None], str | None] | None = None
        #: Replace All was pressed while the plan was being made: applied once it is.
        self._replace_when_planned = False
        #: The edit of the plan shown being made in slices (big designs): the revision
        #: it was planned on, the plan, the steps that make it.
        self._making: (
            tuple[int, RenamePlan, Generator[None, None, RenameElements | None]] | None
        ) = None
        #: The edit made (its last copies in one turn), applied in the next (its first
        #: step: a turn of its own).
        self._made: RenameElements | None = None

        self.find_edit = _named(QLineEdit(), "ReplaceFindEdit")
        self.find_edit.setPlaceholderText("text in names, e.g. BOS")
        self.replace_edit = _named(QLineEdit(), "ReplaceWithEdit")
        self.replace_edit.setPlaceholderText("e.g. NYC (empty: take the text out)")
        self.match_case = _named(QCheckBox("Match &case"), "ReplaceMatchCase")
        self.match_case.setChecked(True)  # "BOS" → "NYC" must not make Boston "NYCton"
        self.whole_word = _named(QCheckBox("Whole words &only"), "ReplaceWholeWord")
        self.scope = _named(QComboBox(), "ReplaceScope")
        form = QFormLayout()
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.find_edit)
        form.addRow(find_label, self.find_edit)
        with_label = QLabel("Replace &with:")
        with_label.setBuddy(self.replace_edit)
        form.addRow(with_label, self.replace_edit)
        options = QHBoxLayout()
        options.addWidget(self.match_case)
        options.addWidget(self.whole_word)
        options.addStretch(1)
        form.addRow("", options)
        scope_label = QLabel("&In:")
        scope_label.setBuddy(self.scope)
        form.addRow(scope_label, self.scope)

        self.summary = _named(QLabel(), "ReplaceSummary")
        self.summary.setWordWrap(True)
        self.problems = _named(QPlainTextEdit(), "ReplaceProblems")
        self.problems.setReadOnly(True)
        self.problems.setStyleSheet(f"QPlainTextEdit {{ color: {error_text_color().name()}; }}")
        self.problems.hide()
        self.model = _ChangesModel(self)
        self.table = _named(QTableView(), "ReplacePreview")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip("Double-click a row to show its element on the canvas")
        self.table.doubleClicked.connect(self._show_element)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        # The widest kind's label, not each row's (sized to its contents, the column
        # read 1,000 rows' data at every preview: ~8,000 calls, 50 ms at 2,253 names).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        kind_width = max(
            self.table.fontMetrics().horizontalAdvance(k.label) for k in KINDS.values()
        )
        header.resizeSection(0, kind_width + 2 * self.table.fontMetrics().averageCharWidth() + 8)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        buttons = QDialogButtonBox()
        self.replace_button = _named(QPushButton("&Replace All"), "ReplaceAllButton")
        self.replace_button.setDefault(True)
        self.replace_button.setAutoDefault(True)
        buttons.addButton(self.replace_button, QDialogButtonBox.ButtonRole.ApplyRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        self.replace_button.clicked.connect(self.replace_all)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 440)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._refresh_now)
        for edit in (self.find_edit, self.replace_edit):
            edit.textChanged.connect(self._later)
        for box in (self.match_case, self.whole_word):
            box.toggled.connect(self._refresh_now)
        self.scope.currentIndexChanged.connect(self._refresh_now)
        session.document_edited.connect(self._design_changed)
        session.selection_changed.connect(self._selection_changed)
        session.read_only_changed.connect(self._read_only_changed)
        QShortcut(QKeySequence("Ctrl+H"), self, self._focus_find)
        self.refresh()

    # -- scope ---------------------------------------------------------------------------
    def _fill_scopes(self) -> None:
        """All elements, the selection, and each kind the design has (with counts)."""
        chosen = self.scope.currentData()
        index = self.session.document.index
        by_kind = index.by_kind
        total = sum(len(v) for v in by_kind.values())
        selected = len(self.session.selection)
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(f"All elements ({total:,})", ALL)
        self.scope.addItem(f"The selection ({plural(selected, 'element')})", SELECTION)
        kinds = sorted(
            (k for k, v in by_kind.items() if v and k in KINDS),
            key=lambda k: KINDS[k].label.lower(),
        )
        for kind in kinds:
            label = KINDS[kind].label
            count = len(by_kind[kind])
            self.scope.addItem(f"{word_for(2, label).capitalize()} ({count:,})", kind)
        found = self.scope.findData(chosen) if chosen is not None else 0
        self.scope.setCurrentIndex(max(found, 0))
        self.scope.blockSignals(False)
        self._scopes_stale = False

    def _scope_args(self) -> dict[str, Any]:
        chosen = self.scope.currentData()
        if chosen == SELECTION:
            return {"ids": list(self.session.selection)}
        if chosen in (None, ALL):
            return {}
        return {"kinds": [chosen]}

    # -- the preview ---------------------------------------------------------------------
    def query(self) -> NameQuery:
        return NameQuery(
            self.find_edit.text(),
            self.replace_edit.text(),
            match_case=self.match_case.isChecked(),
            whole_word=self.whole_word.isChecked(),
        )

    def _later(self) -> None:
        # Enter typed before the preview follows still replaces (planned anew first).
        self._replace_when_planned = False  # (a Replace All pressed before: not this text)
        self.replace_button.setEnabled(bool(self.find_edit.text()) and not self.session.read_only)
        self._timer.start()

    def _refresh_now(self, *_args: object) -> None:
        self.refresh()

    def refresh(self, said: str | None = None) -> None:
        """Plan again from what is asked and the design as it is now; show it, the
        summary saying ``said`` if given (a big design's plan: made in the idle
        slices, shown when whole)."""
        self._timer.stop()
        self._stop_planning()
        if self.session.busy:
            # A big edit in steps: planned again once it is done (a pause after it).
            self.session.when_done(self._timer.start)
            return
        if self._scopes_stale:
            self._fill_scopes()
        if said is None and self.scope.currentData() == SELECTION and not self.session.selection:
            said = "Nothing is selected: select elements on the canvas"
        document = self.session.document
        if len(document.design.elements) <= self.session.plan_above:
            self._show(plan_renames(document, self.query(), **self._scope_args()), said)
            return
        steps = plan_renames_in_steps(document, self.query(), **self._scope_args())
        self._planning = (document.revision, steps, said)
        self.summary.setText(printable(said or "Looking through the names…"))
        self.summary.setStyleSheet("")
        slices.shared().start(self._plan_key, self, self._plan_slice)

    @property
    def planning(self) -> bool:
        """Whether a plan, or the edit Replace All applies, is being made in the idle
        slices (a big design)."""
        return self._planning is not None or self._making is not None

    @property
    def _plan_key(self) -> tuple[int, str]:
        return (id(self), "rename plan")

    def _stop_planning(self) -> None:
        if self._planning is not None or self._making is not None:
            self._planning = self._making = self._made = None
            slices.shared().cancel(self._plan_key)

    def _plan_slice(self, deadline: float) -> bool:
        """Steps of the plan until ``deadline`` (a job of :mod:`designer.ui.slices`);
        whether done. Begun again if the design changed since it began."""
        planning = self._planning
        if planning is None:
            return True
        revision, steps, said = planning
        if revision != self.session.document.revision or self.session.busy:
            self._planning = None
            self._timer.start()  # (planned anew after a pause, or once the edit is done)
            return True
        while True:
            try:
                next(steps)
            except StopIteration as done:
                self._planning = None
                self._show(done.value, said)
                if self._replace_when_planned:
                    self._replace_when_planned = False
                    self.replace_all()
                return True
            if time.perf_counter() >= deadline:
                return False

    def _show(self, plan: RenamePlan, said: str | None = None) -> None:
        self.plan = plan
        self._planned_revision = self.session.document.revision
        self.model.show_plan(plan)
        self.summary.setText(printable(said or plan.summary()))
        self.summary.setStyleSheet(_error_style() if plan.problems else "")
        if plan.problems:
            self.problems.setPlainText("\n".join(printable(p) for p in plan.problems))
            lines = min(len(plan.problems), 5)
            margins = 2 * (self.problems.frameWidth() + self.problems.document().documentMargin())
            self.problems.setFixedHeight(
                int(self.problems.fontMetrics().lineSpacing() * lines + margins)
            )
            self.problems.show()
        else:
            self.problems.clear()
            self.problems.hide()
        self.replace_button.setEnabled(plan.ok and not self.session.read_only)

    # -- applying ------------------------------------------------------------------------
    def replace_all(self) -> None:
        """Apply the plan shown (planned anew if the design changed since) as one step;
        a big design's plan not made yet: once it is."""
        if (
            self._timer.isActive()
            or self._planning is not None
            or self._planned_revision != self.session.document.revision
        ):
            if self._planning is None or self._timer.isActive():
                self.refresh()
            if self._planning is not None:
                self._replace_when_planned = True
                return
        plan = self.plan
        if plan is None or not plan.ok:
            return
        if len(self.session.document.design.elements) <= self.session.plan_above:
            self._apply(plan, plan.command())
            return
        # The renamed elements made in the idle slices too (2,253 at 100k: ~40 ms).
        self._made = None
        self._making = (self.session.document.revision, plan, plan.command_in_steps())
        slices.shared().start(self._plan_key, self, self._make_slice)

    def _make_slice(self, deadline: float) -> bool:
        """Steps of making the edit of the plan shown until ``deadline`` (a job of
        :mod:`designer.ui.slices`); whether done. Applied once made, in a turn of its
        own (its first step is one: with the last copies and the other jobs' slices,
        that turn took 30-45 ms at 100k); planned again (then applied) if the design
        changed meanwhile."""
        making = self._making
        if making is None:
            return True
        revision, plan, steps = making
        if revision != self.session.document.revision or self.session.busy:
            self._making = self._made = None
            self._replace_when_planned = True
            self._timer.start()
            return True
        made = self._made
        if made is not None:
            self._making = self._made = None
            self._apply(plan, made)
            slices.shared().end_turn()
            return True
        while True:
            try:
                next(steps)
            except StopIteration as done:
                if done.value is None:
                    self._making = None
                    return True
                self._made = done.value
                slices.shared().end_turn()
                return False
            if time.perf_counter() >= deadline:
                return False

    def _apply(self, plan: RenamePlan, command: RenameElements | None) -> None:
        if command is None:
            return
        refusal = self.session.apply(command)
        self._timer.stop()  # (the edit's own refresh: planned below)
        if refusal is not None:
            self.summary.setText(printable(f"Not replaced: {refusal.reason}"))
            self.summary.setStyleSheet(_error_style())
            return
        n = len(plan.changes)
        done = f"Replaced {plan.query.find!r} in {plural(n, 'name')} (Ctrl+Z undoes it)"

        def replaced() -> None:
            self._timer.stop()
            self.session.status_message.emit(printable(f"Renamed {plural(n, 'element')}"))
            # Planned again (nothing left to replace), said as done.
            self.refresh(done)

        # (Thousands of names are renamed in steps: said once all of them are.)
        self.session.when_done(replaced)

    # -- following the window ------------------------------------------------------------
    def _design_changed(self, *_args: object) -> None:
        # Once for the edit, not for each of its events (a rename of 2,000 names is
        # 2,000 of them): the scopes' counts and the preview at the next pause.
        if self.isVisible():
            self._scopes_stale = True
            self._timer.start()

    def _selection_changed(self) -> None:
        if self.isVisible():
            self._scopes_stale = True
            self._timer.start()

    def _read_only_changed(self, _read_only: bool) -> None:
        if self.plan is not None:
            self._show(self.plan)

    def _show_element(self, index: QModelIndex) -> None:
        """A row double-clicked: its element selected and centred on the canvas (the
        one whose new name clashes, say, to rename it first)."""
        plan = self.plan
        if plan is not None and 0 <= index.row() < len(plan.changes):
            element_id = plan.changes[index.row()].element.id
            if self.session.document.get(element_id) is not None:
                self.session.focus(element_id)

    def _focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def open_on(self, text: str = "") -> None:
        """Show the dialog (again), the find box focused and holding ``text`` if given
        (the selected element's name is no guess at what to replace: left as it was)."""
        if text:
            self.find_edit.setText(text)
        self._scopes_stale = True
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        self._focus_find()
