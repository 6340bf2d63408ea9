"""The inspector: typed editors for the selected element, or the design's own fields.

Every edit is a command on the session's undo stack (repeated edits of one field merge
into one step). A refused edit shows its reason under the field and in the status bar,
and the editor goes back to the model's value.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.catalog import exchange_roles
from designer.document import Refusal
from designer.document.commands import (
    ChangeElements,
    Command,
    MacroCommand,
    SetCapacity,
    SetDesignMeta,
    SetIntent,
    SetProperty,
)
from designer.document.events import (
    DesignReplaced,
    DocumentEvent,
    ElementChanged,
    ElementsAdded,
    ElementsRemoved,
    SettingsChanged,
)
from designer.document.factory import (
    follow_defaults,
    joining_members,
    servers_exchange_version,
)
from designer.domain.design import Severity
from designer.domain.elements import Dag, ElementBase, Lun, VirtualMachine, WanLink
from designer.domain.enums import VmRole
from designer.domain.facets import EXCHANGE_ROLES
from designer.domain.field_words import choice_hint
from designer.domain.words import plural, word_for
from designer.domain.workload import CapacitySettings
from designer.text import printable
from designer.ui import lifetime
from designer.ui.panels._keys import UndoPassesOn
from designer.ui.panels._look import error_text_color, kind_icon, severity_color
from designer.ui.panels.field_editors import (
    CheckListEditor,
    FieldEditor,
    ProfileEditor,
    ReadOnlyEditor,
    TextArea,
    inherited_profile,
    make_editor,
)
from designer.ui.panels.field_specs import field_specs
from designer.ui.session import EditorSession
from designer.workload import catalog_figures, catalog_values, figures_for

__all__ = ["FINDINGS_SHARE", "SRM_RELEASES", "InspectorPanel"]

#: The most of the Inspector's height its findings take over the form (see _FindingsArea).
FINDINGS_SHARE = 0.35

#: SRM releases offered for the design's intent (any "N.N[.N]" may be typed).
#: More findings than this and the findings label follows them a turn later.
MANY_FINDINGS = 500
SRM_RELEASES = ("4.0", "4.1", "5.0", "5.1", "5.5", "5.8", "6.0", "6.1", "6.5", "8.1")


def _in_sentence(label: str) -> str:
    """A field label inside a sentence: "memory", but "MTBF", "CPU cores", "vCPU".

    >>> _in_sentence("Memory"), _in_sentence("MTBF"), _in_sentence("CPU cores")
    ('memory', 'MTBF', 'CPU cores')
    """
    first = label.split(" ", 1)[0]
    if sum(c.isupper() for c in first) > 1:
        return label
    return label[:1].lower() + label[1:]


def _follow_note(cls: type[ElementBase], follow: dict[str, Any]) -> str:
    """What the status bar says of the fields that followed an edit (follow_defaults).

    >>> _follow_note(VirtualMachine, {"exchange_version": "2010", "windows_version": "2008 R2"})
    'Also set, to agree: Exchange version 2010, Windows version 2008 R2 (yours to change)'

    A figure with its unit, as the field shows it (a disk made a database's said "Size
    100.0": eyes27):

    >>> from designer.domain.elements import VirtualDisk
    >>> _follow_note(VirtualDisk, {"size_gb": 100.0})
    'Also set, to agree: Size 100 GB (yours to change)'
    """
    specs = {s.name: s for s in field_specs(cls)}
    said = []
    for key, value in follow.items():
        spec = specs.get(key)
        label = spec.label if spec is not None else key.replace("_", " ")
        if isinstance(value, int | float) and not isinstance(value, bool):
            unit = f" {spec.unit}" if spec is not None and spec.unit else ""
            said.append(f"{label} {value:g}{unit}")
        else:
            said.append(f"{label} {value}")
    return f"Also set, to agree: {', '.join(said)} (yours to change)"


#: Forms kept for reuse (one per element class, and the design's), most recent last.
KEPT_FORMS = 8
#: A DAG's members list: the rank of a VM of other roles than Mailbox (greyed, last).
_NOT_MAILBOX = 2
#: The rank of a DAG's own members in its members list: first.
_MEMBER = -1
#: What a WAN link's distance reads before the user states one, and its tooltip's word.
_NOT_SET = "(not set)"
_NOT_SET_TIP = "lowest value: not set (the rules that need it say so); type the distance to set it"


@dataclass
class _Form:
    """A built form kept for the next selection of the same kind: its widget, its
    editors, and the revision at which its reference choices were filled."""

    body: QWidget
    layout: QFormLayout
    editors: dict[str, FieldEditor]
    capacity_editors: dict[str, FieldEditor]
    choices_at: int


class _FindingsArea(QScrollArea):
    """The shown element's findings over its form: as tall as they need, at most
    :data:`FINDINGS_SHARE` of the panel, scrolled beyond (a DAG's six findings took the
    whole Inspector at 1280 × 800, its form two rows under them and DAG012's own words
    cut off at the bottom)."""

    def __init__(self, label: QLabel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _needed(self) -> int:
        label = self.widget()
        if not isinstance(label, QLabel) or not label.text():
            return 0
        return max(label.heightForWidth(max(self.viewport().width(), 1)), 0)

    def sizeHint(self) -> QSize:
        needed = self._needed()
        panel = self.parentWidget()
        most = int(panel.height() * FINDINGS_SHARE) if panel is not None else needed
        return QSize(super().sizeHint().width(), min(needed, most))

    def refit(self) -> None:
        """After a new text or width: the text whole in the area (scrolled where the
        area is shorter), the area as tall as the text allows."""
        label = self.widget()
        if label is not None:
            label.setMinimumHeight(self._needed())
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.refit()  # its text wraps to another height


class InspectorPanel(QWidget):
    """Edits what is selected; with nothing selected, the design's name and intent."""

    #: "Edit this database's copies": the Databases panel should show and take focus.
    databases_requested = Signal(str)

    def __init__(self, session: EditorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Inspector")
        self.header_icon = QLabel(self)
        # Names come from design files: plain text, never HTML (a name such as
        # <img src=…> must not load a file into the panel).
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = self.header.font()
        bold.setBold(True)
        self.header.setFont(bold)
        self.header_detail = QLabel(self)
        self.header_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.header_detail.setWordWrap(True)
        self.header_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        small = self.header_detail.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.header_detail.setFont(small)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.header)
        titles.addWidget(self.header_detail)
        top = QHBoxLayout()
        top.addWidget(self.header_icon)
        top.addLayout(titles, 1)
        #: The shown element's active findings (or the design's counts), in colour.
        self.findings_label = QLabel(self)
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        self.findings_label.setToolTip("Findings of the live check (details in Problems)")
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # No Tab stop of its own (it showed no focus: one Tab press seemed lost); Tab goes
        # to its first field, and a field given the focus is still scrolled into sight.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        self.findings_area = _FindingsArea(self.findings_label, self)
        layout.addWidget(self.findings_area)
        layout.addWidget(self.scroll_area, 1)
        #: The element shown (None: the design form or a multi-selection).
        self.element_id: str | None = None
        self.editors: dict[str, FieldEditor] = {}
        self._refresh_pending = False
        #: A big edit in steps changed what the form shows: it follows once it is done,
        #: in a turn of its own (this timer's).
        self._after_steps = False
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(0)
        self._follow_timer.timeout.connect(self._follow_steps)
        #: The design's sizing figures' editors (capacity), and whether they are shown.
        self.capacity_editors: dict[str, FieldEditor] = {}
        self._capacity_open = False
        #: Built forms by element class (or "design"), reused when the selection comes
        #: back to that kind: a new element form costs tens of milliseconds of widgets.
        self._forms: dict[object, _Form] = {}
        #: The revision at which elements of a kind were last added or renamed (their
        #: names are a reference field's choices), and at which any were removed.
        self._names_changed: dict[str, int] = {}
        self._removed_at = 0
        self._header_kind: str | None = None
        session.selection_changed.connect(self.rebuild)
        session.document_edited.connect(self._on_document_edited)
        # Thousands of findings: the label follows a turn later, not in the turn in
        # which every panel and the canvas take the new findings.
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(0)
        self._findings_timer.timeout.connect(self._show_findings)
        session.findings_changed.connect(self._on_findings_changed)
        #: Ctrl+Z in a field whose value is committed undoes the design's last step.
        self._undo_keys = UndoPassesOn(self)
        self.rebuild()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height():
            self.findings_area.updateGeometry()  # its greatest height is a share of ours

    def _on_findings_changed(self) -> None:
        if len(self.session.findings.findings) > MANY_FINDINGS:
            self._findings_timer.start()
        else:
            self._show_findings()

    # -- building ------------------------------------------------------------------------
    def rebuild(self) -> None:
        selection = self.session.selection
        element = self.session.document.get(selection[0]) if len(selection) == 1 else None
        key: object = type(element) if element is not None else (None if selection else "design")
        kept = self._forms.get(key) if key is not None else None
        current = self.scroll_area.widget()
        if kept is not None and kept.body is current:
            focus = QApplication.focusWidget()
            if focus is not None and current.isAncestorOf(focus):
                # Being edited: a late commit must go to the element it was typed for,
                # so this form goes (as it always did) and a new one is built.
                del self._forms[key]
                kept = None
        if kept is not None:
            self._reuse(key, kept, element)
            return
        self._build(selection, element, key)

    def _reuse(self, key: object, form: _Form, element: ElementBase | None) -> None:
        """Show a kept form for ``element`` (None: the design's)."""
        self._forms[key] = self._forms.pop(key)  # the most recently used, last
        self.form = form.layout
        self.editors = form.editors
        self.capacity_editors = form.capacity_editors
        if element is None:
            self.element_id = None
            self._sync_design()
            for label in self.design_errors.values():
                if label.text():
                    self._show_design_error_label(label, "")
        else:
            self.element_id = element.id
            cls = type(element)
            self._set_header(element.name, f"{cls.label} · id {element.id}", element.kind)
            self._refill_choices(form)
            members = form.editors.get("members")
            if isinstance(members, CheckListEditor) and members.ranked_for not in (
                None,
                element.id,
            ):
                # A DAG's form shown for another DAG: its own members first again.
                members.set_choices(self.session.design, self.session.document.index)
            for name, editor in form.editors.items():
                editor.edited.disconnect()
                editor.edited.connect(partial(self._edit_field, element.id))
                if isinstance(editor, ReadOnlyEditor):
                    editor.open_elsewhere.disconnect()
                    editor.open_elsewhere.connect(
                        lambda _what, db=element.id: self.databases_requested.emit(db)
                    )
                editor.show_value(getattr(element, name))
                if editor.error.text():
                    editor.show_error("")
            self._show_inherited(element, form.editors)
        self._show_findings()
        if self.scroll_area.widget() is not form.body:
            self._swap(form.body)

    def show_field(self, name: str, *, focus: bool = True) -> bool:
        """Scroll the shown element's field ``name`` into sight, its label too, and with
        ``focus`` give it the keyboard focus: a finding's *go to* (DAG012's "turn on its
        DAC mode" named a field below the fold of a DAG's form at 1280 × 800, and nothing
        took the user there: eyes26 #11). False when the form shows no such field."""
        editor = self.editors.get(name)
        if editor is None or self.element_id is None:
            return False
        if focus:
            # As a shortcut's: the style draws the focus frame (it does not after a click).
            editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._scroll_to(editor)
        # A form just built or swapped in is laid out in the next turn: scroll again then.
        lifetime.soon(self, lambda: self._scroll_to(editor))
        return True

    def _scroll_to(self, editor: FieldEditor) -> None:
        body = self.scroll_area.widget()
        if not shiboken6.isValid(editor) or body is None or not body.isAncestorOf(editor):
            return
        label = self.form.labelForField(editor)
        self.scroll_area.ensureWidgetVisible(editor, 8, 8)
        if label is not None:
            self.scroll_area.ensureWidgetVisible(label, 8, 8)

    def _swap(self, body: QWidget) -> None:
        old = self.scroll_area.takeWidget()
        self.scroll_area.setWidget(body)
        if old is not None and all(f.body is not old for f in self._forms.values()):
            old.deleteLater()

    def _refill_choices(self, form: _Form) -> None:
        """Refill the reference choices that elements added, renamed or removed since
        the form was filled may have changed."""
        revision = self.session.document.revision
        if form.choices_at == revision:
            return
        stale_all = self._removed_at > form.choices_at
        for editor in form.editors.values():
            kinds = editor.spec.kinds
            if "file_share_witness" in kinds:
                kinds = (*kinds, "site")  # (each witness is listed with its site's name)
            if kinds and (
                stale_all or any(self._names_changed.get(k, -1) > form.choices_at for k in kinds)
            ):
                editor.set_choices(self.session.design, self.session.document.index)
        form.choices_at = revision

    def _build(self, selection: list[str], element: ElementBase | None, key: object) -> None:
        self.editors = {}
        self.capacity_editors = {}
        self.element_id = None
        body = QWidget()
        # Parentless while kept for reuse and not shown: it goes with the panel (its
        # connections held it, and the window's session, for the rest of the process).
        lifetime.delete_with(self, body)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if element is not None:
            self._build_element(element)
        elif selection:
            self._build_multi(selection)
        else:
            self._build_design()
        self._show_findings()
        self._undo_keys.watch(body)
        if key is not None:
            self._forms.pop(key, None)
            self._forms[key] = _Form(
                body,
                self.form,
                self.editors,
                self.capacity_editors,
                self.session.document.revision,
            )
            while len(self._forms) > KEPT_FORMS:
                oldest = next(iter(self._forms))
                dropped = self._forms.pop(oldest)
                if dropped.body is not self.scroll_area.widget():
                    dropped.body.deleteLater()
        self._swap(body)

    def _set_header(self, title: str, subtitle: str, kind: str | None) -> None:
        self.header.setText(printable(title))  # a control character shown as its escape
        self.header_detail.setText(printable(subtitle))
        if kind:
            if kind != self._header_kind:  # the same kind's icon is there already
                self.header_icon.setPixmap(kind_icon(kind).pixmap(28, 28))
                self._header_kind = kind
            self.header_icon.show()
        else:
            self.header_icon.hide()

    def _build_element(self, element: ElementBase) -> None:
        self.element_id = element.id
        cls = type(element)
        kind: str = element.kind
        self._set_header(element.name, f"{cls.label} · id {element.id}", kind)
        for spec in field_specs(cls):
            editor = make_editor(spec)
            if isinstance(element, Dag) and spec.name == "members":
                assert isinstance(editor, CheckListEditor)
                editor.ranks = partial(self._shown_dags_ranks, editor)
            editor.set_choices(self.session.design, self.session.document.index)
            editor.show_value(getattr(element, spec.name))
            # Bind the id now: a late focus-out commit must not land on the next element.
            editor.edited.connect(partial(self._edit_field, element.id))
            editor.reveal.connect(self.session.focus)
            if isinstance(editor, ReadOnlyEditor):
                editor.open_elsewhere.connect(
                    lambda _what, db=element.id: self.databases_requested.emit(db)
                )
            self.editors[spec.name] = editor
            if spec.editor == "bool":
                # Full width: a long check box text must not wrap under the labels.
                self.form.addRow(editor)
            else:
                label = QLabel(spec.label + ":")
                label.setBuddy(editor.editor)
                label.setToolTip(editor.editor.toolTip())
                self.form.addRow(label, editor)
        self._show_inherited(element, self.editors)

    def _show_inherited(self, element: ElementBase, editors: dict[str, FieldEditor]) -> None:
        """An unstated mailbox profile shows the one that applies and where it is stated;
        a LUN's unset free space and change rate say what the sizing takes instead (its
        free space read "(none)" where ``capacity`` takes half its size as free); a VM's
        roles its Exchange version lacks say so and cannot be chosen; a WAN link's
        unstated distance reads "(not set)"."""
        editor = editors.get("mailbox_profile")
        if isinstance(editor, ProfileEditor):
            editor.show_inherited(
                *inherited_profile(self.session.design, self.session.document.index, element)
            )
        if isinstance(element, VirtualMachine):
            roles = editors.get("roles")
            if isinstance(roles, CheckListEditor):
                # The roles its Exchange version does not have (EX006): 2013's Mailbox
                # servers run transport, and it has no Hub Transport or UM role.
                version: str | None = element.exchange_version
                tip = (
                    f"Exchange {version} has no {{}} role (EX006): its Mailbox servers run "
                    "that service"
                )
                if version is None:
                    # A role ticked on a VM of no version gives it the version of the
                    # design's other Exchange servers: Hub Transport ticked in a 2013
                    # design made it a 2013 server with a role 2013 lacks, and EX006
                    # followed (eyes27 #2). Not offered; the tip says why and the way.
                    version = servers_exchange_version(self.session.document.index, element.id)
                    tip = (
                        f"This design's Exchange servers run Exchange {version}, which has "
                        "no {} role (EX006): its Mailbox servers run that service. A server "
                        "of an older version: set its Exchange version first"
                    )
                allowed = exchange_roles(version) or EXCHANGE_ROLES
                lacking = frozenset(r.value for r in EXCHANGE_ROLES if r.value not in allowed)
                roles.mark_unavailable(lacking, tip)
        intent = editors.get("failover_intent")
        if isinstance(element, Dag) and intent is not None:
            intent.show_note(choice_hint("failover_intent", element.failover_intent.value))
        members = editors.get("members")
        if isinstance(element, Dag) and isinstance(members, CheckListEditor):
            ranks = self._member_ranks()
            members.mark_unavailable(
                frozenset(vm for vm, rank in ranks.items() if rank == _NOT_MAILBOX),
                "Not a Mailbox server: a DAG's members are its Mailbox servers "
                "(a domain controller as a member is DAG009)",
            )
        if isinstance(element, Lun):
            free = editors.get("free_gb")
            if free is not None and isinstance(free.editor, QDoubleSpinBox):
                share = figures_for(self.session.design.capacity).log_lun_free_pct
                assumed = element.size_gb * share / 100
                free.editor.setSpecialValueText(f"(unset: {assumed:,.0f} GB assumed)")
                free.step_unset_to(round(assumed))
            rate = editors.get("change_rate_gb_per_hour")
            if rate is not None and isinstance(rate.editor, QDoubleSpinBox):
                rate.editor.setSpecialValueText("(unset: its share of the array's or site's)")
        if isinstance(element, WanLink):
            # A new link states no distance (it read "0.00 km", sites side by side: wave 26).
            distance = editors.get("distance_km")
            if distance is not None and isinstance(distance.editor, QDoubleSpinBox):
                spin = distance.editor
                spin.setSpecialValueText(_NOT_SET)
                spin.setToolTip(spin.toolTip().replace("lowest value: (none)", _NOT_SET_TIP))
                # No distance is a sensible start: the arrows wait for a typed one.
                distance.typed_first()

    def _shown_dags_ranks(self, editor: CheckListEditor) -> dict[str, int]:
        """The members list's order for the DAG shown now (a kept form is reused for the
        next DAG selected)."""
        editor.ranked_for = self.element_id
        return self._member_ranks(self.element_id)

    def _member_ranks(self, dag_id: str | None = None) -> dict[str, int]:
        """A DAG's possible members: the members of DAG ``dag_id`` first (in a big
        design they were scattered among every other DAG's Mailbox servers, unticked
        rows first: eyes28), then the Mailbox servers (the Mailbox/DAG member role,
        DOMAIN.md), then VMs with no role stated yet, then the VMs of other roles only
        (domain controllers, Client Access …), which :meth:`_show_inherited` greys."""
        dag = self.session.document.get(dag_id) if dag_id is not None else None
        members = set(dag.members) if isinstance(dag, Dag) else set()
        return {
            vm.id: _MEMBER
            if vm.id in members
            else 0
            if VmRole.MAILBOX in vm.roles
            else _NOT_MAILBOX
            if vm.roles
            else 1
            for vm in self.session.document.index.by_kind.get("vm", ())
            if isinstance(vm, VirtualMachine)
        }

    def _build_multi(self, selection: list[str]) -> None:
        elements = [e for e in (self.session.document.get(i) for i in selection) if e]
        kinds = Counter(type(e).label for e in elements)
        if len(kinds) == 1:
            ((label, count),) = kinds.items()
            title = f"{_counted(count, label)} selected"
            kind = elements[0].kind
        else:
            title = f"{_counted(len(elements), 'element')} selected"
            kind = None
        detail = ", ".join(_counted(n, label) for label, n in kinds.most_common())
        self._set_header(title, detail, kind)
        classes = {type(e) for e in elements}
        if len(classes) == 1:
            self._build_common(elements)
        else:
            hint = QLabel("Select elements of one kind to edit their fields together.")
            hint.setEnabled(False)
            hint.setWordWrap(True)
            self.form.addRow(hint)
        names = QLabel("\n".join(sorted(e.name for e in elements)[:40]))
        names.setWordWrap(True)
        self.form.addRow("Elements:", names)

    def _build_common(self, elements: list[ElementBase]) -> None:
        """The fields of several elements of one kind: a value they share shows, a
        field where they differ says "mixed"; an edit sets it on all of them, one step (a
        checkable list's tick or untick: each element's own list takes it)."""
        ids = [e.id for e in elements]
        for spec in field_specs(type(elements[0])):
            if spec.name == "name":
                continue  # names are unique: one at a time
            editor = make_editor(spec)
            if isinstance(editor, ReadOnlyEditor):
                continue
            editor.set_choices(self.session.design, self.session.document.index)
            values = [getattr(e, spec.name) for e in elements]
            editor.show_value(values[0])
            mixed = any(v != values[0] for v in values[1:])
            if mixed:
                editor.mark_mixed(len({repr(v) for v in values}))
            editor.edited.connect(partial(self._edit_many, ids))
            self.editors[spec.name] = editor
            if spec.editor == "bool":
                self.form.addRow(editor)
            else:
                label = QLabel(spec.label + (" (mixed):" if mixed else ":"))
                label.setBuddy(editor.editor)
                self.form.addRow(label, editor)

    def _edit_many(self, ids: list[str], field: str, value: Any) -> None:
        doc = self.session.document
        elements = [e for e in (doc.get(i) for i in ids) if e is not None]
        if not elements:
            return
        cls = type(elements[0])
        spec = next((s for s in field_specs(cls) if s.name == field), None)
        label = _in_sentence(spec.label) if spec else field.replace("_", " ")
        editor = self.editors.get(field)
        index = doc.index
        values = [value] * len(elements)
        if isinstance(editor, CheckListEditor):
            # A checkable list ticks or unticks rows: each element takes that change to
            # its own list (two DAGs' mixed Members list shows the first's; a tick set
            # the first's members on both, the second's own were lost).
            shown = list(getattr(elements[0], field) or [])
            added = [v for v in value if v not in shown]
            removed = {v for v in shown if v not in value}
            values = [
                [
                    *(v for v in getattr(e, field) or [] if v not in removed),
                    *(v for v in added if v not in (getattr(e, field) or [])),
                ]
                for e in elements
            ]
        try:
            news = [
                type(e).model_validate(
                    {**e.model_dump(), field: v, **follow_defaults(index, e, field, v)}
                )
                for e, v in zip(elements, values, strict=True)
            ]
        except ValueError as exc:
            if editor is not None:
                editor.show_error(str(exc).splitlines()[0])
            return
        text = f"Set {label} of {plural(len(elements), cls.label)}"
        refusal = self._push(ChangeElements(news, text))
        if editor is not None:
            editor.show_error(refusal.reason if refusal is not None else "")

    def _build_design(self) -> None:
        design = self.session.design
        self._set_design_header()
        self.name_edit = QLineEdit(design.name)
        self.name_edit.setObjectName("design_name")
        self.name_edit.setToolTip("The design's name (window title, reports)")
        self.name_edit.setCursorPosition(0)
        self.name_edit.editingFinished.connect(self._edit_name)
        self.description_edit = TextArea()
        self.description_edit.setObjectName("design_description")
        self.description_edit.setPlainText(design.description)
        self.description_edit.setToolTip("What the design is for; Ctrl+Enter applies")
        self.description_edit.committed.connect(self._edit_description)
        self.rpo_spin = self._minutes_spin("rpo", design.intent.rpo_target_min)
        self.rpo_spin.setToolTip("Recovery point objective: data loss the design may accept")
        self.rto_spin = self._minutes_spin("rto", design.intent.rto_target_min)
        self.rto_spin.setToolTip("Recovery time objective: how long recovery may take")
        self.srm_combo = QComboBox()
        self.srm_combo.setObjectName("srm_release")
        self.srm_combo.setEditable(True)
        self.srm_combo.addItems(list(SRM_RELEASES))
        self.srm_combo.setCurrentText(design.intent.srm_release)
        self.srm_combo.setToolTip(
            "Site Recovery Manager release assumed by the rules (4.0: VMFS only, no RDM)"
        )
        self.srm_combo.activated.connect(lambda _i: self._edit_intent())
        line_edit = self.srm_combo.lineEdit()
        assert line_edit is not None
        line_edit.editingFinished.connect(self._edit_intent)
        self.design_errors: dict[str, QLabel] = {}
        for key, label, widget in (
            ("name", "Name:", self.name_edit),
            ("description", "Description:", self.description_edit),
            ("rpo", "RPO target:", self.rpo_spin),
            ("rto", "RTO target:", self.rto_spin),
            ("srm", "SRM release:", self.srm_combo),
        ):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(widget)
            error = QLabel()
            error.setWordWrap(True)
            error.hide()
            box.addWidget(error)
            holder.setFocusProxy(widget)
            self.design_errors[key] = error
            caption = QLabel(label)
            caption.setBuddy(widget)
            self.form.addRow(caption, holder)
        self._add_capacity_settings()
        hint = QLabel("Select an element on the canvas to edit it.")
        hint.setEnabled(False)
        hint.setWordWrap(True)
        self.form.addRow(hint)

    def _add_capacity_settings(self) -> None:
        """The design's sizing figures (capacity, issue 11), behind a toggle: the default
        mailbox profile and the catalog figures the design overrides ("catalog's": unset)."""
        toggle = QToolButton()
        toggle.setObjectName("capacity_toggle")
        toggle.setText("Capacity figures")
        toggle.setCheckable(True)
        toggle.setChecked(self._capacity_open)
        toggle.setArrowType(
            Qt.ArrowType.DownArrow if self._capacity_open else Qt.ArrowType.RightArrow
        )
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setAutoRaise(True)
        toggle.setToolTip(
            "The design's own sizing figures; unset ones take the catalog's "
            "(resources/catalog/capacity.json, each with its source)"
        )
        self.form.addRow(toggle)
        # The figures have a form of their own, one row of the design's: their long
        # labels ("Megacycles per passive mailbox:") widened the design form's label
        # column and squeezed the Name and Description fields to a sliver once opened.
        figures = QWidget()
        figures.setObjectName("capacity_figures")
        sub = QFormLayout(figures)
        sub.setContentsMargins(0, 0, 0, 0)
        sub.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        sub.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow(figures)
        # Filled in place when first opened (the form keeps this dict): closed, as they
        # start, their dozen editors and the catalog's figures cost every window's start
        # ~25 M instructions before its first frame (wave 20, `open20a`).
        editors: dict[str, FieldEditor] = {}
        self.capacity_editors = editors

        def fill() -> None:
            settings = self.session.design.capacity
            # An unset figure says what it takes: "catalog's: 3×" (it read "catalog's").
            catalog = catalog_figures()
            # Its arrows step it to that figure (they went to the field's lowest value).
            values = catalog_values()
            for spec in field_specs(CapacitySettings):
                editor = make_editor(spec)
                editor.step_unset_to(values.get(spec.name))
                if isinstance(editor.editor, QDoubleSpinBox | QSpinBox):
                    short, whole = catalog.get(spec.name, ("", ""))
                    editor.editor.setSpecialValueText(
                        f"catalog's: {short}" if short else "catalog's"
                    )
                    if whole:
                        tip = editor.editor.toolTip()
                        editor.editor.setToolTip(
                            (tip + "\n" if tip else "") + f"Unset: the catalog's {whole}"
                        )
                editor.show_value(getattr(settings, spec.name))
                editor.edited.connect(self._edit_capacity)
                editors[spec.name] = editor
                label = QLabel(
                    ("Default mailbox profile" if spec.name == "mailbox_profile" else spec.label)
                    + ":"
                )
                label.setBuddy(editor.editor)
                label.setToolTip(editor.editor.toolTip())
                sub.addRow(label, editor)
            self._undo_keys.watch(figures)

        def show(on: bool) -> None:
            self._capacity_open = on
            toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
            if on and not editors:
                fill()
            figures.setVisible(on)

        toggle.toggled.connect(show)
        show(self._capacity_open)

    def _edit_capacity(self, field: str, value: Any) -> None:
        """One sizing figure of the design: one undoable step."""
        current = self.session.design.capacity
        editor = self.capacity_editors.get(field)
        try:
            new = CapacitySettings.model_validate({**current.model_dump(), field: value})
        except ValueError as exc:
            if editor is not None:
                editor.show_error(str(exc).splitlines()[-1])
                editor.show_value(getattr(current, field))
            return
        if editor is not None:
            editor.show_error("")
        if new != current:
            label = field.replace("_", " ")
            self._push(SetCapacity(new, text=f"Set the design's {label}"))

    def _minutes_spin(self, name: str, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(f"intent_{name}")
        spin.setDecimals(1)
        spin.setRange(0, 1e7)
        spin.setSuffix(" min")
        spin.setValue(value)
        spin.setKeyboardTracking(False)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(lambda _v: self._edit_intent())
        return spin

    def _show_findings(self) -> None:
        self._findings_timer.stop()
        result = self.session.findings
        if self.element_id is not None:
            findings = result.for_element(self.element_id)
            lines = [
                f'<span style="color:{severity_color(f.severity).name()}">'
                f"<b>{f.code}</b></span> {html.escape(f.message)}"
                for f in findings[:6]
            ]
            if len(findings) > 6:
                lines.append(f"… and {len(findings) - 6} more in Problems")
            text = "<br>".join(lines)
        elif not self.session.selection and self.session.checking:
            text = "Check: running…"
        elif not self.session.selection:
            counts = result.summary()
            parts = [
                f'<span style="color:{severity_color(s).name()}">'
                f"{plural(counts[s.value], s.value, 'info' if s is Severity.INFO else None)}</span>"
                for s in Severity
                if counts[s.value]
            ]
            text = ("Check: " + ", ".join(parts)) if parts else "Check: no findings"
        else:
            text = ""
        self.findings_label.setText(text)
        self.findings_label.setVisible(bool(text))
        self.findings_area.setVisible(bool(text))
        self.findings_area.refit()

    # -- editing -------------------------------------------------------------------------
    def _push(self, command: Command) -> Refusal | None:
        """Push ``command``; why it was refused, or None if it was applied."""
        return self.session.apply(command)

    def _edit_field(self, element_id: str, field: str, value: Any) -> None:
        element = self.session.document.get(element_id)
        if element is None:
            return
        spec = next((s for s in field_specs(type(element)) if s.name == field), None)
        label = _in_sentence(spec.label) if spec else field.replace("_", " ")
        text = f"Set {label} of {element.name}"
        command: Command = SetProperty(element_id, field, value, text=text)
        follow = follow_defaults(self.session.document.index, element, field, value)
        if follow:
            command = MacroCommand(
                text, [command, *(SetProperty(element_id, k, v) for k, v in follow.items())]
            )
            command.status_note = _follow_note(type(element), follow)
        elif isinstance(element, Dag) and field == "members":
            # A VM of no role ticked as a member becomes a Mailbox server (eyes25).
            added = [m for m in value or () if m not in element.members]
            joining = joining_members(self.session.document.index, added)
            if joining:
                names = ", ".join(vm.name for vm in joining)
                command = MacroCommand(text, [command, ChangeElements(joining, text)])
                command.status_note = f"Also set, to agree: {names} role Mailbox (yours to change)"
        refusal = self._push(command)
        if element_id != self.element_id:
            return
        # The refusal says which field is to blame when it is one of this element's
        # (another element's invariant shows at the field edited).
        blamed = refusal.field if refusal is not None and refusal.element == element_id else None
        shown_at = blamed if blamed in self.editors else field
        reason = refusal.reason if refusal is not None else ""
        other = refusal.element if refusal is not None and blamed is None else None
        culprit = self.session.document.get(other) if other and other != element_id else None
        if culprit is not None:  # another element's fragment: say whose
            reason = f"{culprit.describe()} {reason}"
        for name, shown in self.editors.items():
            if name == shown_at:
                shown.show_error(reason)
            elif name == field:
                shown.show_error("")
        editor = self.editors.get(field)
        if refusal is not None and editor is not None:
            current = self.session.document.get(element_id)
            if current is not None:
                editor.show_value(getattr(current, field))

    def _show_design_error(self, key: str, refusal: Refusal | str | None) -> None:
        reason = refusal.reason if isinstance(refusal, Refusal) else (refusal or "")
        label = self.design_errors.get(key)
        if label is not None:
            self._show_design_error_label(label, reason)

    @staticmethod
    def _show_design_error_label(label: QLabel, reason: str) -> None:
        label.setStyleSheet(f"color: {error_text_color().name()};")
        label.setText(reason)
        label.setVisible(bool(reason))

    def _edit_name(self) -> None:
        name = self.name_edit.text()
        if name == self.session.design.name:
            return
        refusal = self._push(SetDesignMeta(name=name))
        self._show_design_error("name", refusal)
        if refusal is not None:
            self.name_edit.setText(self.session.design.name)

    def _edit_description(self) -> None:
        text = self.description_edit.toPlainText()
        if text != self.session.design.description:
            self._show_design_error("description", self._push(SetDesignMeta(description=text)))

    def _edit_intent(self) -> None:
        intent = self.session.design.intent
        release = self.srm_combo.currentText().strip()
        changes = {
            "rpo_target_min": self.rpo_spin.value(),
            "rto_target_min": self.rto_spin.value(),
            "srm_release": release,
        }
        if all(getattr(intent, k) == v for k, v in changes.items()):
            return
        try:
            new = type(intent).model_validate({**intent.model_dump(), **changes})
        except ValueError:
            reason = f"SRM release {release!r} is not a version like 5.0 or 6.1"
            self.session.status_message.emit(reason)
            self._show_design_error("srm", reason)
            self.srm_combo.setCurrentText(intent.srm_release)
            return
        self._show_design_error("srm", "")
        self._push(SetIntent(new, text="Change design targets"))

    # -- following the model -------------------------------------------------------------
    def _on_document_edited(self, events: tuple[DocumentEvent, ...]) -> None:
        if any(isinstance(event, DesignReplaced) for event in events):
            self._design_replaced()  # (a new design's events come alone)
            return
        for event in events:
            self._note_names(event)
        if self.session.busy:
            # A big edit in steps (Replace in Names, a site deleted): the form follows
            # once it is done. Each step refilled a DAG's choices and fields, ~300 ms a
            # step at 100k, the renaming of 2,253 names 330 such turns (wave 29).
            if not self._after_steps:
                self._after_steps = True
                self.session.when_done(self._steps_done)
            return
        if self._after_steps:
            self._follow_steps()  # (a big edit that failed part-way: its end never came)
        if self.element_id is None:
            selection = self.session.selection
            if not selection:
                if any(isinstance(event, SettingsChanged) for event in events):
                    self._sync_design()
                elif any(isinstance(event, ElementsAdded | ElementsRemoved) for event in events):
                    # The design's element count (it read 52 after Plan copies added two).
                    self._set_design_header()
            elif not self._refresh_pending:
                selected = set(selection)
                if any(isinstance(e, ElementChanged) and e.id in selected for e in events):
                    # Several elements edited together: one refresh once the edit is done.
                    self._refresh_pending = True
                    lifetime.soon(self, self._refresh_multi)
            return
        element = self.session.document.get(self.element_id)
        if element is None:
            return  # the selection change that follows rebuilds the form
        structural = any(
            isinstance(event, ElementsAdded | ElementsRemoved)
            or (isinstance(event, ElementChanged) and event.field == "name")
            for event in events
        )
        if structural:
            self._refill_shown()
        if structural or any(
            isinstance(event, ElementChanged) and event.id == self.element_id for event in events
        ):
            self._sync_element(element)

    def _refill_shown(self) -> None:
        """The shown form's reference fields' choices, as the design is now."""
        shown = next((f for f in self._forms.values() if f.editors is self.editors), None)
        if shown is not None:
            self._refill_choices(shown)
        else:
            for editor in self.editors.values():
                editor.set_choices(self.session.design, self.session.document.index)

    def _steps_done(self) -> None:
        if shiboken6.isValid(self):
            self._follow_timer.start()

    def _follow_steps(self) -> None:
        """What a big edit's steps changed, shown once it is done (see
        :meth:`_on_document_edited`): the design's header, the selected elements' form,
        or the element's choices and fields."""
        if not self._after_steps or self.session.busy:
            return  # (another big edit since: once it is done)
        self._after_steps = False
        if self.element_id is None:
            if self.session.selection:
                self._refresh_multi()
            else:
                self._set_design_header()
            return
        element = self.session.document.get(self.element_id)
        if element is not None:
            self._refill_shown()
            self._sync_element(element)

    def _design_replaced(self) -> None:
        current = self.scroll_area.widget()
        for form in self._forms.values():
            if form.body is not current:
                form.body.deleteLater()
        # The design's form shown is refilled for the new design (rebuild reuses
        # it, unless it is being edited): every opening built it a second time
        # before its first frame, and deleted the first one (wave 20, `open20a`).
        shown = self._forms.get("design")
        self._forms.clear()
        if shown is not None and shown.body is current:
            self._forms["design"] = shown
        self.rebuild()
        self.scroll_area.verticalScrollBar().setValue(0)  # from its top, as a new form

    def _note_names(self, event: DocumentEvent) -> None:
        """Which kinds' names (the choices of reference fields) this edit changed."""
        revision = self.session.document.revision
        if isinstance(event, ElementsRemoved):
            if not event.kinds:
                self._removed_at = revision  # which kinds went is not known
            for kind in event.kinds:
                self._names_changed[kind] = revision
        elif isinstance(event, ElementsAdded) or (
            isinstance(event, ElementChanged) and event.field in ("name", "site")
        ):
            ids = event.ids if isinstance(event, ElementsAdded) else (event.id,)
            for element_id in ids:
                element = self.session.document.get(element_id)
                if element is None:
                    self._removed_at = revision
                else:
                    self._names_changed[element.kind] = revision

    def _refresh_multi(self) -> None:
        self._refresh_pending = False
        if shiboken6.isValid(self) and self.element_id is None and self.session.selection:
            self.rebuild()

    def _sync_element(self, element: ElementBase) -> None:
        cls = type(element)
        self._set_header(element.name, f"{cls.label} · id {element.id}", element.kind)
        for name, editor in self.editors.items():
            editor.show_value(getattr(element, name))
        self._show_inherited(element, self.editors)

    def _set_design_header(self) -> None:
        design = self.session.design
        self._set_header(design.name, f"design · {_counted(len(design.elements), 'element')}", None)

    def _sync_design(self) -> None:
        design = self.session.design
        self._set_design_header()
        for widget, value in (
            (self.rpo_spin, design.intent.rpo_target_min),
            (self.rto_spin, design.intent.rto_target_min),
        ):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        if self.srm_combo.currentText() != design.intent.srm_release:
            self.srm_combo.setCurrentText(design.intent.srm_release)
        if self.name_edit.text() != design.name:
            self.name_edit.setText(design.name)
            self.name_edit.setCursorPosition(0)  # its start shown, as a new form's
        if self.description_edit.toPlainText() != design.description:
            self.description_edit.setPlainText(design.description)
        for name, editor in self.capacity_editors.items():
            editor.show_value(getattr(design.capacity, name))


def _counted(n: int, word: str) -> str:
    """A count of elements as the status bar gives it, thousands separated: "25,001
    elements" (``plural`` gives "25001 elements", which a reviewer of a big design read
    beside the status bar's "Opened …: 25,001 elements")."""
    return f"{n:,} {word_for(n, word)}"
