"""The Problems panel: live findings, filtered by severity, explained, focused, waived;
and the design's rule settings (each rule's severity in this design, or off)."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFont,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.document.commands import SetRuleSettings
from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    LayoutChanged,
    SettingsChanged,
)
from designer.domain.design import RuleLevel, Severity, Waiver
from designer.domain.field_words import field_label
from designer.domain.kinds import KINDS
from designer.domain.words import SHOWN_NAMES, plural, shown_names
from designer.rules import RULES
from designer.rules.finding import INTERNAL_ERROR_CODE, STALE_WAIVER_CODE, Finding
from designer.ui import lifetime, slices
from designer.ui.panels._keys import PanelKeys
from designer.ui.panels._look import empty_note, severity_icon
from designer.ui.panels.rule_settings import (
    RuleSettingsView,
    ask_choice_and_reason,
    ask_reason,
)
from designer.ui.session import EditorSession

__all__ = [
    "FINDING_ROLE",
    "GROUP_AT",
    "GROUP_ROLE",
    "FindingsModel",
    "ProblemsPanel",
    "explain_html",
    "problems_title",
]

#: More findings than this are made into rows in slices (see ProblemsPanel.refresh).
SLICE_ABOVE = 500
#: Longest the UI thread spends making rows before letting other events run, seconds.
BUILD_SLICE_S = 0.008
#: The model's role for a row's :class:`Finding` (a group's row: its first finding).
FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
#: The model's role for a group's row: how many findings it stands for (else None).
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
#: As many findings of one rule (one severity, waived or not) as this or more are shown
#: as one row that expands ("CAP006 ×72" after a calculator import: 72 rows of one
#: message about as many databases buried every other finding).
GROUP_AT = 10
_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("", "Code", "Message", "Elements")
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        FINDING_ROLE,
        GROUP_ROLE,
    }
)
_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
#: The columns whose text the current row wraps (the message and its elements' names).
_WRAPPED = (2, 3)
#: The Elements column is as wide as the longest of its first rows' texts, at least
#: 180 px and at most this share of the table (the message takes the rest and wraps in
#: the current row), until the user drags its edge: at 180 px it cut "12 elements:
#: PHL-MBX01-SG1-DB, PHL-MBX01-SG2-DB, … and 9 more" to "12 elements: PHL-M…" at
#: 1280 × 800 (eyes26).
ELEMENTS_MOST_SHARE = 0.45
ELEMENTS_LEAST = 180
#: The rows measured for it (thousands of findings: the first screenfuls tell).
ELEMENTS_MEASURED = 200
#: The rows the Problems dock shows at the window's first layout (150 px showed 5, most
#: of a dozen findings below them at 1280 × 800: eyes26 #14).
FIRST_ROWS = 8


def problems_title(counts: dict[Severity, int]) -> str:
    """The dock title: "Problems — 2 errors, 5 warnings" (or "Problems — none")."""
    parts = []
    for severity in Severity:
        n = counts.get(severity, 0)
        if n:
            word = _WORDS[severity]
            parts.append(plural(n, word, word if severity is Severity.INFO else None))
    return "Problems — " + (", ".join(parts) if parts else "none")


def explain_html(code: str) -> str:
    """The rule's documentation as HTML: summary, What it checks, Why, Fix, Source."""
    rule = RULES.get(code)
    if rule is None:
        internal = {
            STALE_WAIVER_CODE: (
                "A waiver in the design matches no finding any more",
                "The rule it waived no longer reports those elements (the design changed, "
                "or the elements were removed). A stale waiver hides nothing and may hide "
                "a future finding by accident.",
                "Remove the waiver (right-click → Remove waiver).",
            ),
            INTERNAL_ERROR_CODE: (
                "A rule failed while checking the design",
                "The other rules still ran; this one's verdict is unknown.",
                "Report the message to the maintainers.",
            ),
        }.get(code, ("Unknown rule", "", ""))
        summary, why, fix = internal
        sections = [("Why", why), ("Fix", fix)]
        name, severity, source = "internal", "", "designer"
    else:
        summary = rule.summary
        sections = [(title, rule.section(title)) for title in ("What it checks", "Why", "Fix")]
        name, severity, source = rule.name, rule.severity.value, rule.section("Source")
        source = source or rule.source
    parts = [
        f"<h3>{html.escape(code)} — {html.escape(summary)}</h3>",
        f"<p><i>{html.escape(name)}</i>{' · default ' + severity if severity else ''}</p>",
    ]
    for title, text in [*sections, ("Source", source)]:
        if text:
            parts.append(f"<p><b>{title}.</b> {_rst_inline(text)}</p>")
    return "\n".join(parts)


def _rst_inline(text: str) -> str:
    """Escape ``text`` and turn its reST literals (``name``) into <code>."""
    return re.sub(r"``(.+?)``", r"<code>\1</code>", html.escape(text))


class _EventSaid(QObject):
    """Says when the widget it watches gets an event of ``kind`` (a mouse button's
    release on the table's viewport, the table's resize)."""

    happened = Signal()

    def __init__(self, parent: QObject, kind: QEvent.Type) -> None:
        super().__init__(parent)
        self._kind = kind

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._kind:
            self.happened.emit()
        return False


class _EnterFilter(QObject):
    """Enter activates the current row; Right and Left open and close a group's row
    (as a tree's branch), given ``opens(bool) -> bool`` (False: not a group's row, the
    key goes on to the table)."""

    activated = Signal()

    def __init__(self, parent: QObject, opens: Callable[[bool], bool]) -> None:
        super().__init__(parent)
        self._opens = opens

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit()
            return True
        if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            return self._opens(event.key() == Qt.Key.Key_Right)
        return False


class _Row:
    """One finding as shown, with its elements' names (computed when findings arrive).
    A group's row (:class:`_Group`) stands for several; a row in an open group is
    ``inner`` (its code indented)."""

    __slots__ = ("finding", "inner", "key", "listed", "names", "shown")

    def __init__(
        self,
        finding: Finding,
        names: str,
        *,
        inner: bool = False,
        shown: str | None = None,
        listed: Sequence[str] = (),
    ) -> None:
        self.finding = finding
        #: Every element's name (what the filter searches); ``shown``: the column's text;
        #: ``listed``: the names one by one (a group's row names each element once).
        self.names = names
        self.shown = names if shown is None else shown
        self.listed = listed
        self.inner = inner
        # waiver_reason is not part of a Finding's equality, but it is shown.
        self.key: tuple[object, ...] = (finding, finding.waiver_reason, names, inner)

    @property
    def code_text(self) -> str:
        return f"    {self.finding.code}" if self.inner else self.finding.code

    @property
    def message(self) -> str:
        return self.finding.message

    @property
    def tip(self) -> str:
        tip = html.escape(self.finding.message)
        if self.finding.waived:
            tip += f"<br><i>Waived: {html.escape(self.finding.waiver_reason)}</i>"
        return tip


class _Group(_Row):
    """The row of many findings of one rule ("CAP006 ×72"), open or closed: the words
    their messages share, the first names of their elements."""

    __slots__ = ("members", "opened", "shared")

    def __init__(self, members: list[_Row], opened: bool) -> None:
        super().__init__(members[0].finding, _group_names(members), inner=False)
        self.members = members
        self.opened = opened
        self.shared = _shared_words([m.finding.message for m in members])
        self.key = ("group", tuple(m.key for m in members), opened)

    @property
    def code_text(self) -> str:
        return f"{'▾' if self.opened else '▸'} {self.finding.code} ×{len(self.members)}"

    @property
    def message(self) -> str:
        return self.shared

    @property
    def tip(self) -> str:
        shown = "".join(f"<br>{html.escape(m.finding.message)}" for m in self.members[:5])
        more = len(self.members) - 5
        return (
            f"{len(self.members)} findings of {self.finding.code}{shown}"
            + (f"<br>… and {more} more" if more > 0 else "")
            + "<br><i>Enter, a click or → opens the group; ← closes it</i>"
        )


def _group_names(members: list[_Row], first: int = SHOWN_NAMES) -> str:
    """A group's Elements text: its first ``first`` elements' names, each once, and how
    many findings ("DAG03-DB0001, DC04, DAG03-MBX-DC04-01, DAG03-DB0003, … (200)": the
    site each finding names was said once per finding, eyes28)."""
    names: dict[str, None] = {}
    for member in members:
        for name in member.listed or (member.shown,):
            names[name] = None
            if len(names) > first:
                break
        if len(names) > first:
            break
    return ", ".join(list(names)[:first]) + f", … ({len(members):,})"


def _group_key(finding: Finding) -> tuple[str, Severity, bool]:
    return finding.code, finding.severity, finding.waived


def _shared_words(messages: list[str]) -> str:
    """The words at the start and the end that every message has, with "…" for the
    rest ("mailbox database … states 0 mailboxes: …"); the first message if they
    share none."""
    split = [m.split(" ") for m in messages]
    first = split[0]
    head = 0
    while head < len(first) and all(len(w) > head and w[head] == first[head] for w in split):
        head += 1
    if head == len(first) and all(len(w) == head for w in split):
        return messages[0]  # all the same
    tail = 0
    shortest = min(len(w) for w in split)
    while tail < shortest - head and all(w[-1 - tail] == first[-1 - tail] for w in split):
        tail += 1
    if not head and not tail:
        return messages[0] + " …"
    start = " ".join(first[:head])
    end = " ".join(first[len(first) - tail :]) if tail else ""
    return " ".join(part for part in (start, "…", end) if part)


class FindingsModel(QAbstractTableModel):
    """The shown findings, one row each: severity icon, code, message, element names.

    Thousands of findings are cheap here (no item objects); :meth:`set_rows` resets the
    model only when the shown rows really changed.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []
        self._italic = QFont()
        self._italic.setItalic(True)
        self.icons: dict[Severity, QIcon] = {}
        self.restyle()

    def restyle(self) -> None:
        """New severity icons (after a light/dark palette change)."""
        self.icons = {severity: severity_icon(severity) for severity in Severity}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def set_rows(self, rows: list[_Row]) -> bool:
        """Show ``rows``; False (and no reset) when they are the rows already shown."""
        if [r.key for r in rows] == [r.key for r in self.rows]:
            return False
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        return True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None  # the view asks for a dozen roles per cell; most are unused
        row = self.rows[index.row()]
        finding = row.finding
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return ("", row.code_text, row.message, row.shown)[column]
        if role == FINDING_ROLE:
            return finding
        if role == GROUP_ROLE:
            return len(row.members) if isinstance(row, _Group) else None
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self.icons[finding.severity]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return finding.severity.value
            if column == 1:
                if isinstance(row, _Group):
                    return row.tip
                rule = RULES.get(finding.code)
                return rule.summary if rule is not None else None
            if column == 2:
                return row.tip
            if row.shown != row.names and not isinstance(row, _Group):
                # Rich text: the whole list wraps in the tooltip.
                count = len(finding.elements)
                return f"<p><b>{count} elements:</b> {html.escape(row.names)}</p>"
            return ", ".join(finding.elements)
        if role == Qt.ItemDataRole.FontRole and finding.waived:
            return self._italic
        return None


class _CurrentRowWraps(QStyledItemDelegate):
    """The current row's message and element names wrap onto the lines they need, as
    Qt Creator's Issues pane does; the other rows keep one line each, elided (a long
    message's last clause, often the action to take, was cut off: eyes18)."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)  # (the table, its parent: no reference of its own)

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        table = self.parent()
        if (
            index.column() in _WRAPPED
            and isinstance(table, QTableView)
            and index.row() == table.currentIndex().row()
        ):
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText


class ProblemsPanel(PanelKeys, QWidget):
    """Findings of the live check; click or Enter shows the element on the canvas."""

    #: The title with the counts ("Problems — 2 errors, 5 warnings"), for the dock.
    title_changed = Signal(str)
    #: A finding's *go to*: its first element is selected; the Inspector should show and
    #: focus this field of it (a double-click on the finding, Explain's link).
    field_requested = Signal(str)

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.toggles: dict[Severity, QToolButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for severity, key in zip(Severity, ("1", "2", "3"), strict=True):
            button = QToolButton(self)
            button.setCheckable(True)
            button.setChecked(True)
            button.setIcon(severity_icon(severity))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.bind_key(QKeySequence(f"Alt+{key}"), button.toggle)
            button.setToolTip(f"Show {_WORDS[severity]} findings (Alt+{key})")
            button.toggled.connect(self._apply_filter)
            bar.addWidget(button)
            self.toggles[severity] = button
        self.waived_toggle = QToolButton(self)
        self.waived_toggle.setCheckable(True)
        self.waived_toggle.setText("Waived")
        self.waived_toggle.setToolTip("Also show the findings waived in the design (Alt+4)")
        self.bind_key(QKeySequence("Alt+4"), self.waived_toggle.toggle)
        self.waived_toggle.toggled.connect(self._apply_filter)
        bar.addWidget(self.waived_toggle)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Show findings whose code, message or elements contain this")
        self.filter_edit.textChanged.connect(self._apply_filter)
        # Escape clears the filter first, as the palette's; the next one goes to the canvas.
        self.escape_clears(self.filter_edit)
        bar.addWidget(self.filter_edit, 1)
        self.explain_button = QToolButton(self)
        self.explain_button.setText("Explain")
        self.explain_button.setCheckable(True)
        self.explain_button.setToolTip("Show the rule's documentation for the current finding (F1)")
        self.explain_button.toggled.connect(self._toggle_explain)
        bar.addWidget(self.explain_button)
        self.waive_button = QToolButton(self)
        self.waive_button.setText("Waive…")
        self.waive_button.setToolTip("Accept this finding on these elements, with a reason")
        self.waive_button.clicked.connect(self.waive_current)
        bar.addWidget(self.waive_button)
        self.rules_button = QToolButton(self)
        self.rules_button.setCheckable(True)
        self.rules_button.setText("Rules")
        self.rules_button.setToolTip(
            "This design's rule settings: a rule at another severity, or off (Alt+5)"
        )
        self.bind_key(QKeySequence("Alt+5"), self.rules_button.toggle)
        self.rules_button.toggled.connect(self._toggle_rules)
        bar.addWidget(self.rules_button)

        self.model = FindingsModel(self)
        #: Every finding of the check, as rows; the model shows those the filter keeps.
        self._all_rows: list[_Row] = []
        # A table view, not a tree: QTreeView's layout asks the model whether each of
        # thousands of rows has children after every reset.
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Tab leaves the table (rows are read, not edited): with tab-key navigation it
        # moved the current cell and wrapped at the last, a trap for keyboard users (eyes20).
        self.table.setTabKeyNavigation(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # Fixed widths, not ResizeToContents: that asks the model for a thousand rows'
        # size hints after every reset (hundreds of ms with thousands of findings).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 16 + 12)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        # Room for a group's code and count ("▾ CAP006 ×72"), see _Group.
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("▾ DAG0000 ×000") + 16)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 180)
        #: The Elements column follows the table's width (see ELEMENTS_SHARE) until the
        #: user drags its edge.
        self._elements_by_hand = False
        self._fitting_elements = False
        header.sectionResized.connect(self._elements_resized)
        self._resized = _EventSaid(self, QEvent.Type.Resize)
        self._resized.happened.connect(self._fit_elements_column)
        self.table.installEventFilter(self._resized)
        self.model.modelReset.connect(self._fit_elements_column)
        self.table.setItemDelegate(_CurrentRowWraps(self.table))
        #: What an empty list means, over it: "No problems" rather than a blank box
        #: (the dock starts 8 rows tall, for a design with findings). The dock is not
        #: made lower while the design is clean: the canvas, anchored at its middle,
        #: moved under the pointer when the first findings grew it back (wave 28).
        self.empty_note = empty_note(self.table, "ProblemsEmptyNote")
        #: The row made tall to show its whole message (see _fit_current_row).
        self._tall_row: int | None = None
        # After the resize is done (mid-way the column still has its old width).
        header.sectionResized.connect(self._refit_soon)
        self._refit_pending = False
        self.table.clicked.connect(self._focus_index)
        self.table.doubleClicked.connect(self._go_to_index)
        self.table.selectionModel().currentChanged.connect(self._on_current_changed)
        #: The groups shown open (see _Group), by rule, severity and waived.
        self._opened: set[tuple[str, Severity, bool]] = set()
        self._toggled_at = 0.0
        self._enter = _EnterFilter(self, self._open_current)
        self._enter.activated.connect(self._activate_current)
        self.table.installEventFilter(self._enter)
        #: The current row changed under a pressed button: its height waits for the
        #: release (see _on_current_changed).
        self._fit_on_release = False
        self._release = _EventSaid(self, QEvent.Type.MouseButtonRelease)
        self._release.happened.connect(self._released)
        self.table.viewport().installEventFilter(self._release)

        self.explain_view = QTextBrowser(self)
        self.explain_view.setOpenExternalLinks(False)
        self.explain_view.setOpenLinks(False)  # its one link: the field that fixes it
        self.explain_view.anchorClicked.connect(self._explain_link)
        self.explain_view.hide()
        self._rules_view: RuleSettingsView | None = None  # made when first needed
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        # Beside the findings in a wide, short panel (the bottom dock: two lines of
        # text under them would be unreadable), under them in a tall one.
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.explain_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        # Ctrl+F is Edit > Find Element but in the filter box itself (eyes20 #2).
        self.bind_key(
            QKeySequence.StandardKey.Find, self._focus_filter, when=self.filter_edit.hasFocus
        )
        self.bind_key(QKeySequence(Qt.Key.Key_F1), self.explain_button.toggle)
        self.setFocusProxy(self.table)
        #: The findings last shown, and whether an element was renamed, added or removed
        #: since (the rows show names): unchanged, a check's report costs nothing.
        self._shown_keys: list[tuple[Finding, str]] | None = None
        self._names_changed = False
        #: Rows made so far and the rest to make, while new findings become rows.
        self._building: tuple[list[_Row], Iterator[_Row]] | None = None
        session.findings_changed.connect(self.refresh)
        session.document_edited.connect(self._on_document_edited)
        session.file_state_changed.connect(self._update_counts)  # another design: checking…
        self.refresh()
        self._show_rule_settings()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.model.restyle()  # the severity icons follow light/dark
        super().changeEvent(event)

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- content -------------------------------------------------------------------------
    def _name(self, element_id: str) -> str:
        element = self.session.document.get(element_id)
        return element.name if element is not None else element_id

    def refresh(self) -> None:
        """Follow the session's findings. The check reports after every edit, mostly
        with the same findings: then nothing is rebuilt. Thousands of new findings are
        made into rows a slice at a time (see _build_slice): the panel shows them, and
        its counts, once all are made."""
        findings = self.session.findings.findings
        keys = [(f, f.waiver_reason) for f in findings]
        if keys == self._shown_keys and not self._names_changed:
            if self._building is None and self.windowTitle().endswith("checking…"):
                self._update_counts()  # a new design's first check found what was shown
            return  # same findings, same names: the rows shown are current
        self._shown_keys = keys
        self._names_changed = False
        doc = self.session.document
        names: dict[str, str] = {}

        def name(element_id: str) -> str:
            if element_id not in names:
                element = doc.get(element_id)
                names[element_id] = element.name if element is not None else element_id
            return names[element_id]

        def row(finding: Finding) -> _Row:
            listed = [name(e) for e in finding.elements]
            return _Row(finding, ", ".join(listed), shown=shown_names(listed), listed=listed)

        rows = map(row, findings)
        self._building = ([], rows)
        if len(findings) <= SLICE_ABOVE:
            self._build_slice(float("inf"), budget_s=float("inf"))
        else:
            # Within the turn's budget shared with the canvas's markers and the
            # Overview's picture (designer.ui.slices).
            slices.shared().start((id(self), "rows"), self, self._build_slice, long_lived=True)

    @property
    def building(self) -> bool:
        """Whether new findings are still being made into rows (see refresh)."""
        return self._building is not None

    def _build_slice(self, deadline: float, budget_s: float | None = None) -> bool:
        """Make rows until ``deadline`` (at most for ``budget_s``, BUILD_SLICE_S unless
        given), then let the event loop run (paints, the canvas's markers, the other
        panels): 3,000 findings at 25,000 elements took ~40 ms at once, in the same turn
        as every other panel's refresh. True once every row is made (and shown)."""
        if self._building is None:
            return True
        done, rows = self._building
        budget_s = BUILD_SLICE_S if budget_s is None else budget_s
        deadline = min(deadline, time.perf_counter() + budget_s)
        for n, row in enumerate(rows, 1):
            done.append(row)
            if n % 64 == 0 and time.perf_counter() > deadline:
                return False
        self._building = None
        self._all_rows = done
        self._apply_filter()
        self._update_counts()
        return True

    def _on_document_edited(self, events: tuple[DocumentEvent, ...]) -> None:
        if any(
            isinstance(event, DesignReplaced)
            or (isinstance(event, SettingsChanged) and event.what == "rules")
            for event in events
        ):
            self._show_rule_settings()
        self._names_changed = self._names_changed or any(
            not isinstance(event, LayoutChanged | SettingsChanged)
            and (not isinstance(event, ElementChanged) or event.field == "name")
            for event in events
        )

    def _update_counts(self) -> None:
        counts = {s: 0 for s in Severity}
        for finding in self.session.findings.active:
            counts[finding.severity] += 1
        for severity, button in self.toggles.items():
            word = _WORDS[severity]
            n = counts[severity]
            button.setText(f"{n} {word if n == 1 or severity is Severity.INFO else word + 's'}")
        waived = sum(f.waived for f in self.session.findings.findings)
        self.waived_toggle.setText(f"{waived} waived")
        title = "Problems — checking…" if self.session.checking else problems_title(counts)
        self.setWindowTitle(title)
        self.title_changed.emit(title)
        self._update_empty_note()

    def _update_empty_note(self) -> None:
        """Over an empty list, what it means: no problems (and how many are waived), or
        that the filter hides them; nothing while the first check runs."""
        note = ""
        if self.model.rowCount() == 0 and not self.session.checking and self._building is None:
            active = len(self.session.findings.active)
            waived = sum(f.waived for f in self.session.findings.findings)
            if active or (waived and self.waived_toggle.isChecked()):
                note = "No finding shown: the filter or the severity buttons hide them"
            elif waived:
                note = (
                    "No problems: the design meets every rule that is on "
                    f"({waived} waived: the Waived button shows them)"
                )
            else:
                note = "No problems: the design meets every rule that is on"
        self.empty_note.setText(note)
        self.empty_note.setVisible(bool(note))

    def _apply_filter(self) -> None:
        needle = self.filter_edit.text().strip().lower()
        show_waived = self.waived_toggle.isChecked()
        shown = {s for s, button in self.toggles.items() if button.isChecked()}
        rows = []
        for row in self._all_rows:
            finding = row.finding
            if finding.severity not in shown or (finding.waived and not show_waived):
                continue
            if needle:
                haystack = f"{finding.code} {finding.message} {row.names}".lower()
                if needle not in haystack and not any(needle in e for e in finding.elements):
                    continue
            rows.append(row)
        rows = self._grouped(rows)
        current = self.current_finding()
        chosen = self.table.selectionModel().isSelected(self.table.currentIndex())
        if self.model.set_rows(rows) and current is not None:
            index = self.index_for(current)
            if index is not None:
                self._set_current(index, selected=chosen)
        self._update_empty_note()
        if self.current_finding() is None and rows:
            # The first finding current, as a list's first item is: Tab into the table
            # lands on it, F1 explains it, Down goes to the second (there was no
            # current row: the first key only made one). Only the table's cursor: the
            # canvas's selection follows a click or Enter, not the current row; nor is
            # the row highlighted, as if the user had picked it (uiq23).
            self._set_current(self.model.index(0, 0), selected=False)
        self._update_actions()
        after = self.current_finding()
        kept = after is current or (
            after is not None and current is not None and _same(after, current)
        )
        if self.explain_view.isVisible() and not kept:
            # The finding explained is gone (fixed, or another design opened): the
            # rule's text stayed over an empty list after File > New.
            self._show_explanation()

    def _set_current(self, index: QModelIndex, *, selected: bool) -> None:
        """``index`` the table's current row, highlighted only if ``selected``."""
        flags = QItemSelectionModel.SelectionFlag
        how = flags.ClearAndSelect | flags.Rows if selected else flags.Clear
        self.table.selectionModel().setCurrentIndex(index, how)

    def _grouped(self, rows: list[_Row]) -> list[_Row]:
        """``rows`` with the findings of one rule, :data:`GROUP_AT` or more, as one
        row where the first of them was, followed by them if the group is open."""
        groups: dict[tuple[str, Severity, bool], list[_Row]] = {}
        for row in rows:
            groups.setdefault(_group_key(row.finding), []).append(row)
        if all(len(members) < GROUP_AT for members in groups.values()):
            return rows
        shown: list[_Row] = []
        for row in rows:
            key = _group_key(row.finding)
            members = groups[key]
            if len(members) < GROUP_AT:
                shown.append(row)
            elif row is members[0]:
                opened = key in self._opened
                shown.append(_Group(members, opened))
                if opened:
                    shown += [
                        _Row(m.finding, m.names, inner=True, shown=m.shown, listed=m.listed)
                        for m in members
                    ]
        return shown

    def current_row(self) -> _Row | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def _open_current(self, opened: bool) -> bool:
        """Open (or close) the group of the current row; False if it is in none."""
        row = self.current_row()
        if isinstance(row, _Group):
            self.open_group(row.finding, opened)
            return True
        if row is not None and row.inner and not opened:
            self.open_group(row.finding, False)  # ← in an open group closes it
            return True
        return False

    def open_group(self, finding: Finding, opened: bool) -> None:
        """Show the findings of ``finding``'s group (or close it to one row); the group's
        row stays current."""
        key = _group_key(finding)
        if (key in self._opened) == opened:
            return
        if opened:
            self._opened.add(key)
        else:
            self._opened.discard(key)
        self._apply_filter()
        for n, row in enumerate(self.model.rows):
            if isinstance(row, _Group) and _group_key(row.finding) == key:
                index = self.model.index(n, 0)
                self.table.setCurrentIndex(index)
                # Opened, at the top: its findings in view under it.
                hint = QAbstractItemView.ScrollHint
                self.table.scrollTo(index, hint.PositionAtTop if opened else hint.EnsureVisible)
                break

    def index_for(self, finding: Finding) -> QModelIndex | None:
        """The shown row of ``finding`` (same code and elements), column 0: its group's
        row while the group is closed."""
        for n, row in enumerate(self.model.rows):
            if isinstance(row, _Group):
                if not row.opened and any(_same(m.finding, finding) for m in row.members):
                    return self.model.index(n, 0)
            elif _same(row.finding, finding):
                return self.model.index(n, 0)
        return None

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()].finding

    # -- actions -------------------------------------------------------------------------
    def _focus_index(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.model.rows[index.row()]
            if isinstance(row, _Group):
                # A group's row opens (closes); the second click of a double click
                # does not close it again.
                now = time.monotonic()
                if now - self._toggled_at > QApplication.doubleClickInterval() / 1000:
                    self._toggled_at = now
                    self.open_group(row.finding, not row.opened)
            else:
                self._focus_finding(row.finding)

    def _activate_current(self) -> None:
        """Enter: a group's row opens or closes; a finding's does what a double-click
        does (its element selected and the field that fixes it focused in the Inspector;
        one fixed by more than one edit: its element shown on the canvas). Enter only
        showed the element, leaving the keyboard user to find the field (wave 28)."""
        row = self.current_row()
        if isinstance(row, _Group):
            self.open_group(row.finding, not row.opened)
        elif row is not None:
            self.go_to_field(row.finding)

    def _present(self, finding: Finding) -> list[str]:
        """The elements of ``finding`` still in the design, each once."""
        document = self.session.document
        return list(dict.fromkeys(e for e in finding.elements if document.get(e) is not None))

    def _focus_finding(self, finding: Finding) -> None:
        present = self._present(finding)
        if present:
            self.session.focus(present[0])

    def go_to_field(self, finding: Finding | None = None) -> bool:
        """A finding's *go to*: select its first element and have the Inspector show and
        focus the field that fixes it (:attr:`Finding.fix_field`); a finding fixed by
        more than one edit shows its element on the canvas, as a click does. True when
        a field was asked for."""
        finding = finding or self.current_finding()
        if finding is None:
            return False
        element = self._fixed_element(finding)
        if element is None:
            self._focus_finding(finding)
            return False
        self.session.focus(element)
        self.field_requested.emit(finding.fix_field)
        return True

    def _fixed_element(self, finding: Finding) -> str | None:
        """The element whose :attr:`Finding.fix_field` fixes ``finding``, if still there."""
        if not finding.fix_field or not finding.elements:
            return None
        first = finding.elements[0]
        return first if self.session.document.get(first) is not None else None

    def _go_to_index(self, index: QModelIndex) -> None:
        if index.isValid() and not isinstance(self.model.rows[index.row()], _Group):
            self.go_to_field(self.model.rows[index.row()].finding)

    def _explain_link(self, url: QUrl) -> None:
        if url.scheme() == "field":
            self.go_to_field()

    def _on_current_changed(self, *_args: object) -> None:
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            # A click's press: the rows resized now (the last current one back to one
            # line) move under the pointer, and the release lands on another row: no
            # click, the element not shown (the first row current from the first view
            # made every first click below it miss).
            self._fit_on_release = True
        else:
            self._fit_current_row()
        self._update_actions()
        if self.explain_view.isVisible():
            self._show_explanation()

    def _released(self) -> None:
        if self._fit_on_release:
            self._fit_on_release = False
            self._refit_soon()  # after the view has taken the release (its click)

    def _refit_soon(self, *_args: object) -> None:
        if not self._refit_pending:
            self._refit_pending = True
            lifetime.soon(self, self._refit)

    def _refit(self) -> None:
        self._refit_pending = False
        self._fit_current_row()

    def _fit_current_row(self) -> None:
        """Make the current row as tall as its wrapped message and names need (at most
        the table's height less a row), the row made tall before one line again."""
        rows = self.table.verticalHeader()
        line = rows.defaultSectionSize()
        tall, self._tall_row = self._tall_row, None
        if tall is not None and tall < self.model.rowCount():
            rows.resizeSection(tall, line)
        index = self.table.currentIndex()
        if not index.isValid():
            return
        metrics = self.table.fontMetrics()
        # The style's text margins: QStyle's focus-frame margin plus one, each side.
        style = self.table.style()
        margin = 2 * (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1
        )
        needed = line
        for column in _WRAPPED:
            text = self.model.index(index.row(), column).data()
            width = self.table.columnWidth(column) - margin
            if not text or width <= 0 or metrics.horizontalAdvance(text) <= width:
                continue
            box = metrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
            needed = max(needed, box.height() + line - metrics.height())
        needed = min(needed, max(line, self.table.viewport().height() - line))
        if needed > line:
            rows.resizeSection(index.row(), needed)
            self._tall_row = index.row()
            self.table.scrollTo(index)

    def _elements_resized(self, column: int, *_sizes: int) -> None:
        if column == 3 and not self._fitting_elements:
            self._elements_by_hand = True

    def _fit_elements_column(self) -> None:
        """The Elements column as wide as its texts need, within :data:`ELEMENTS_LEAST`
        and :data:`ELEMENTS_MOST_SHARE` of the table, unless the user set it by hand."""
        if self._elements_by_hand:
            return
        table = self.table
        metrics = table.fontMetrics()
        texts = {row.shown for row in self.model.rows[:ELEMENTS_MEASURED]}
        style = table.style()
        margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
        needed = max((metrics.horizontalAdvance(t) for t in texts), default=0) + margin + 4
        most = max(ELEMENTS_LEAST, round(table.viewport().width() * ELEMENTS_MOST_SHARE))
        width = min(most, max(ELEMENTS_LEAST, needed))
        if width != self.table.columnWidth(3):
            self._fitting_elements = True
            try:
                self.table.horizontalHeader().resizeSection(3, width)
            finally:
                self._fitting_elements = False

    def height_for_rows(self, rows: int) -> int:
        """The panel's height that shows ``rows`` rows of findings under its bar and
        the table's header (the dock's first height: :data:`FIRST_ROWS`)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        margins = layout.contentsMargins()
        table = self.table
        frame = 2 * table.frameWidth()
        header = table.horizontalHeader().sizeHint().height()
        bar = layout.itemAt(0)  # the toggles, filter and buttons
        bar_height = bar.sizeHint().height() if bar is not None else 0
        return (
            margins.top() + margins.bottom() + bar_height + layout.spacing() + frame + header
            + rows * table.verticalHeader().defaultSectionSize()
        )  # fmt: skip

    def _update_actions(self) -> None:
        finding = self.current_finding()
        group = isinstance(self.current_row(), _Group)  # one finding is waived at a time
        self.waive_button.setEnabled(_waivable(finding) and not group)
        self.explain_button.setEnabled(finding is not None or self.explain_button.isChecked())

    # -- rule settings -------------------------------------------------------------------
    @property
    def rules_view(self) -> RuleSettingsView:
        """The rules table (the Rules button's page), made the first time it is asked
        for: shown, a rule's level set, a finding's context menu. Made with the panel it
        loaded every rule's module and filled a row per rule before a window's first
        frame (~17 ms CPU, issue 10) that the first frame never shows."""
        if self._rules_view is None:
            self._rules_view = RuleSettingsView(self.session, self)
            self.pages.addWidget(self._rules_view)
        return self._rules_view

    def _toggle_rules(self, on: bool) -> None:
        self.pages.setCurrentWidget(self.rules_view if on else self.table)

    def _show_rule_settings(self) -> None:
        rules = self.session.design.rules
        off = sum(1 for s in rules.severities.values() if s.level is RuleLevel.OFF)
        self.rules_button.setText(f"Rules ({off} off)" if off else "Rules")

    def set_rule_level(self, code: str, level: RuleLevel | None, reason: str | None = None) -> bool:
        """Report ``code`` at ``level`` in this design (see RuleSettingsView)."""
        return self.rules_view.set_rule_level(code, level, reason)

    def _toggle_explain(self, on: bool) -> None:
        self.explain_view.setVisible(on)
        if on:
            self._orient()
            total = max(self.splitter.width(), 1)
            if self.splitter.orientation() == Qt.Orientation.Vertical:
                total = max(self.splitter.height(), 1)
            self.splitter.setSizes([total * 11 // 20, total * 9 // 20])
            self._show_explanation()

    def _orient(self) -> None:
        wide = self.width() > 1.5 * self.height()
        self.splitter.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._orient()

    def _show_explanation(self) -> None:
        finding = self.current_finding()
        if finding is None:
            self.explain_view.setHtml("<p>Select a finding to see its rule.</p>")
            return
        text = explain_html(finding.code)
        element = self._fixed_element(finding)
        if element is not None:
            shown = self.session.document.get(element)
            assert shown is not None
            label = field_label(finding.fix_field)
            # Under the title, where a short panel shows it without scrolling.
            title, rest = text.split("\n", 1)
            text = (
                f'{title}\n<p><a href="field:{finding.fix_field}">Go to '
                f"{html.escape(shown.name)}'s {html.escape(label)}</a> in the Inspector "
                f"(or double-click the finding)</p>\n{rest}"
            )
        if len(finding.elements) > SHOWN_NAMES:  # the Elements column shows the first few
            names = ", ".join(self._name(e) for e in finding.elements)
            text += f"<p><b>Its {len(finding.elements)} elements:</b> {html.escape(names)}</p>"
        if finding.waived:
            text += f"<p><b>Waived.</b> {html.escape(finding.waiver_reason)}</p>"
        self.explain_view.setHtml(text)

    def waive_current(self) -> bool:
        """Ask for a reason and waive the current finding (one undo step)."""
        finding = self.current_finding()
        if not _waivable(finding) or isinstance(self.current_row(), _Group):
            return False
        assert finding is not None
        names = ", ".join(self._name(e) for e in finding.elements)
        reason = ask_reason(
            self,
            f"Waive {finding.code}",
            f"Why is {finding.code} acceptable on {names}?\n"
            "The reason is saved in the design with the waiver.",
            "Waive",
        )
        if not reason:
            self.session.status_message.emit("a waiver needs a written reason; nothing waived")
            return False
        rules = self.session.design.rules
        waiver = Waiver(code=finding.code, elements=list(finding.elements), reason=reason)
        settings = rules.model_copy(update={"waivers": [*rules.waivers, waiver]})
        return self.session.push(SetRuleSettings(settings, text=f"Waive {finding.code} on {names}"))

    def gathered(self, finding: Finding | None) -> list[str]:
        """The elements a waiver can take out of ``finding`` one at a time: those of
        the kind its rule gathers (BK001's, CAP006's, DAG011's, DAG014's databases),
        when it names more than one; else none."""
        rule = RULES.get(finding.code) if _waivable(finding) and finding else None
        if rule is None or rule.gathers is None:
            return []
        assert finding is not None
        get, kind = self.session.document.get, rule.gathers
        ids = [e for e in finding.elements if (el := get(e)) is not None and el.kind == kind]
        return ids if len(ids) > 1 else []

    def waive_one(self, finding: Finding | None = None) -> bool:
        """Ask which of a gathered finding's elements and why, and waive the rule on
        that element alone (one undo step): the rule then reports it on a finding of its
        own, which the waiver covers, and the gathered finding stays for the rest."""
        finding = finding or self.current_finding()
        ids = self.gathered(finding)
        if not ids:
            return False
        assert finding is not None
        label = _gathered_label(finding.code)
        names = [self._name(e) for e in ids]
        chosen = ask_choice_and_reason(
            self,
            f"Waive {finding.code} on one {label}",
            f"Waive {finding.code} on which of its {plural(len(ids), label)}? "
            "The finding stays for the others.",
            names,
            "Waive",
        )
        if chosen is None:
            self.session.status_message.emit("a waiver needs a written reason; nothing waived")
            return False
        i, reason = chosen
        rules = self.session.design.rules
        # The element and what the finding names besides the gathered ones (DAG011's
        # array and members, DAG014's member): the waiver says which copies it is about
        # and matches the element's own finding only.
        others = [e for e in finding.elements if e not in ids]
        waiver = Waiver(code=finding.code, elements=[ids[i], *others], reason=reason)
        settings = rules.model_copy(update={"waivers": [*rules.waivers, waiver]})
        text = f"Waive {finding.code} on {names[i]}"
        return self.session.push(SetRuleSettings(settings, text=text))

    def remove_waiver(self, finding: Finding) -> bool:
        """Drop the waiver behind a waived finding, or a stale waiver (INT002)."""
        rules = self.session.design.rules
        findings = self.session.findings.findings
        if finding.code == STALE_WAIVER_CODE:
            doomed = [w for w in rules.waivers if _is_stale(w, findings)]
            doomed = [w for w in doomed if f"waiver of {w.code} on " in finding.message]
            doomed = [w for w in doomed if ", ".join(w.elements) in finding.message][:1]
        else:
            doomed = [
                w
                for w in rules.waivers
                if w.code == finding.code and set(w.elements) <= set(finding.elements)
            ][:1]
        if not doomed:
            return False
        kept = [w for w in rules.waivers if w not in doomed]
        text = f"Remove waiver of {doomed[0].code}"
        return self.session.push(
            SetRuleSettings(rules.model_copy(update={"waivers": kept}), text=text)
        )

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        row = self.model.rows[index.row()]
        finding = row.finding
        menu = QMenu(self)
        if isinstance(row, _Group):
            toggle = QAction("&Collapse" if row.opened else "&Expand", menu)
            toggle.triggered.connect(lambda: self.open_group(finding, not row.opened))
            menu.addAction(toggle)
            select = QAction(f"&Select their {len(row.members)} elements", menu)
            select.triggered.connect(lambda: self._select_group(row))
            menu.addAction(select)
        else:
            show = QAction("&Show on canvas", menu)
            show.triggered.connect(lambda: self._focus_finding(finding))
            menu.addAction(show)
            if self._fixed_element(finding) is not None:
                # The double-click's go-to, for the keyboard (the menu key, then G).
                field = field_label(finding.fix_field).replace("&", "&&")
                go = QAction(f"&Go to its {field} in the Inspector", menu)
                # After the menu has closed: it gives the focus back to the table.
                go.triggered.connect(lambda: lifetime.soon(self, lambda: self.go_to_field(finding)))
                menu.addAction(go)
            present = self._present(finding)
            if len(present) > 1:
                # One finding about many elements (CAP006's databases of a DAG, wave 25):
                # selected together, the Inspector edits their fields at once.
                select = QAction(f"Se&lect its {len(present)} elements", menu)
                select.triggered.connect(lambda: self.session.set_selection(present))
                menu.addAction(select)
        explain = QAction("E&xplain", menu)
        explain.triggered.connect(lambda: self.explain_button.setChecked(True))
        menu.addAction(explain)
        if _waivable(finding) and not isinstance(row, _Group):
            waive = QAction("&Waive…", menu)
            waive.triggered.connect(self.waive_current)
            menu.addAction(waive)
            gathered = self.gathered(finding)
            if gathered:
                # One element out of a gathered finding (a journaling database among a
                # DAG's 40 stating 0 mailboxes): the finding stays for the others.
                label = _gathered_label(finding.code)
                one = QAction(f"Waive &one of its {plural(len(gathered), label)}…", menu)
                one.triggered.connect(lambda: self.waive_one(finding))
                menu.addAction(one)
        if not isinstance(row, _Group) and (finding.waived or finding.code == STALE_WAIVER_CODE):
            remove = QAction("&Remove waiver", menu)
            remove.triggered.connect(lambda: self.remove_waiver(finding))
            menu.addAction(remove)
        if finding.code in RULES:
            submenu = menu.addMenu(f"&In this design, report {finding.code}")
            self.rules_view.level_menu(finding.code, submenu)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()  # its entry has run: not one menu more per right-click

    def _select_group(self, group: _Group) -> None:
        """Select the element each finding of ``group`` is about (its first, present)
        on the canvas: to edit them together in the Inspector (eyes19: 72 databases
        stating 0 mailboxes, Ctrl-clicked one by one)."""
        document = self.session.document
        ids = [
            next(e for e in m.finding.elements if document.get(e) is not None)
            for m in group.members
            if any(document.get(e) is not None for e in m.finding.elements)
        ]
        if ids:
            self.session.set_selection(list(dict.fromkeys(ids)))


def _same(a: Finding | None, b: Finding | None) -> bool:
    return a is not None and b is not None and (a.code, a.elements) == (b.code, b.elements)


def _waivable(finding: Finding | None) -> bool:
    return (
        finding is not None
        and not finding.waived
        and bool(finding.elements)
        and finding.code not in (STALE_WAIVER_CODE, INTERNAL_ERROR_CODE)
    )


def _gathered_label(code: str) -> str:
    """What the elements a rule gathers are called ("mailbox database")."""
    kind = RULES[code].gathers if code in RULES else None
    return KINDS[kind].label if kind is not None and kind in KINDS else "element"


def _is_stale(waiver: Waiver, findings: list[Finding]) -> bool:
    return not any(
        f.code == waiver.code and f.waived and set(waiver.elements) <= set(f.elements)
        for f in findings
    )
