"""The palette: every element kind, grouped, dragged onto the canvas to add one."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.document.factory import palette
from designer.domain.kinds import KINDS
from designer.domain.words import with_article
from designer.ui.mime import KIND_MIME, kind_from_mime, kind_mime_data
from designer.ui.panels._keys import PanelKeys
from designer.ui.panels._look import empty_note, kind_icon
from designer.ui.session import EditorSession

__all__ = ["KIND_MIME", "PalettePanel", "kind_from_mime", "kind_mime_data"]

_KIND_ROLE = Qt.ItemDataRole.UserRole + 1


def _tooltip(kind: str, title: str) -> str:
    info = KINDS[kind]
    lines = [f"<b>{title}</b>"]
    if info.cls.__doc__:
        lines.append(info.cls.__doc__.strip().split("\n")[0])
    boxes = " or ".join(with_article(KINDS[k].label) for k in info.allowed_containers)
    if info.is_line:
        lines.append(
            "Draw it from one box's handle (or Alt-drag) to another, or select a box"
            " and choose Connect To in its menu (Menu key)."
        )
    elif info.needs_container:
        lines.append(f"Drop it on {boxes}.")
    elif boxes:
        lines.append(f"Drop it on {boxes}, or anywhere on the canvas.")
    else:
        lines.append("Drop it anywhere on the canvas.")
    return "<br>".join(lines)


class _KindTree(QTreeWidget):
    """The kinds' tree, with a type-ahead that stays on the current kind while it
    matches: Qt's starts a new search after it, so with "Virtual machine" current,
    typing "Virtual" went on to "Virtual disk" (eyes20 #22). The same letter typed
    again at once ("vv") goes on to the next kind with that letter, as Qt's does."""

    _typed = ""
    _typed_at = -1e9

    def keyboardSearch(self, search: str) -> None:
        now = time.monotonic()
        if now - self._typed_at > QApplication.keyboardInputInterval() / 1000:
            self._typed = ""
        self._typed_at = now
        self._typed += search.lower()
        if not self._typed:
            return
        kinds = [
            item
            for group in (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
            if group is not None and not group.isHidden()
            for item in (group.child(j) for j in range(group.childCount()))
            if item is not None and not item.isHidden()
        ]
        if not kinds:
            return
        current = self.currentItem()
        start = kinds.index(current) if current in kinds else 0
        needle = self._typed
        if len(needle) > 1 and len(set(needle)) == 1:  # "vv": the next "v"
            needle, start = needle[0], start + 1
        for k in range(len(kinds)):
            item = kinds[(start + k) % len(kinds)]
            if item.text(0).lower().startswith(needle):
                self.setCurrentItem(item)
                return

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """The arrow keys, Home, End and the page keys go from kind to kind, past the
        groups' headings: Home stopped on "Infrastructure", where Enter adds nothing, and
        a newcomer's next keys ("Boston", meant for the name) went to the type-ahead and
        added a Backup (eyes30)."""
        index = super().moveCursor(cursorAction, modifiers)
        action = QAbstractItemView.CursorAction
        up = cursorAction in (action.MoveUp, action.MovePageUp, action.MoveEnd)
        found = index
        while found.isValid() and found.data(_KIND_ROLE) is None:
            found = self.indexAbove(found) if up else self.indexBelow(found)
        if found.isValid():
            return found
        current = self.currentIndex()
        return current if current.data(_KIND_ROLE) is not None else index

    def startDrag(self, supported: Qt.DropAction) -> None:
        item = self.currentItem()
        kind = item.data(0, _KIND_ROLE) if item is not None else None
        if item is None or not kind:
            return
        drag = QDrag(self)
        drag.setMimeData(kind_mime_data(kind))
        drag.setPixmap(item.icon(0).pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)


class PalettePanel(PanelKeys, QWidget):
    """Element kinds by group, with a filter box (Ctrl+F in it selects its text)."""

    #: Enter or double-click on a kind (the main window may place it at the centre).
    kind_activated = Signal(str)

    def __init__(self, session: EditorSession | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Palette")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter kinds")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Show only the kinds whose name contains this text")
        self.tree = _KindTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(8)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setIconSize(QSize(22, 22))
        self.tree.setToolTip("Drag a kind onto the canvas or onto a container")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.groups: dict[str, QTreeWidgetItem] = {}
        for entry in palette():
            group_name = entry.spec.group
            group = self.groups.get(group_name)
            if group is None:
                group = QTreeWidgetItem(self.tree, [group_name])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setExpanded(True)
                self.groups[group_name] = group
            item = QTreeWidgetItem(group, [entry.title])
            item.setIcon(0, kind_icon(entry.kind))
            item.setData(0, _KIND_ROLE, entry.kind)
            item.setToolTip(0, _tooltip(entry.kind, entry.title))
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            self.items[entry.kind] = item
        self.tree.expandAll()
        #: Over the list when the filter hides every kind: what the empty box means
        #: (a typo, "fn", left a blank palette: eyes30), as the Problems panel says.
        self.empty_note = empty_note(self.tree, "PaletteEmptyNote")
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.filter_edit.returnPressed.connect(self._focus_first_visible)
        self.tree.itemActivated.connect(self._on_activated)
        # Ctrl+F is Edit > Find Element but in the filter box itself (eyes20 #2).
        self.bind_key(
            QKeySequence.StandardKey.Find, self._focus_filter, when=self.filter_edit.hasFocus
        )
        # Escape in the filter box clears it first; the next one goes on to the canvas.
        self.escape_clears(self.filter_edit)
        self.setFocusProxy(self.tree)

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for group in self.groups.values():
            shown = 0
            for item in self._children(group):
                kind = item.data(0, _KIND_ROLE)
                hit = not needle or needle in item.text(0).lower() or needle in kind
                item.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)
        empty = bool(needle) and not self.visible_kinds()
        self.empty_note.setText(
            f"No kind matches “{text.strip()}”: Escape clears the filter" if empty else ""
        )
        self.empty_note.setVisible(empty)

    @staticmethod
    def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [c for c in (group.child(i) for i in range(group.childCount())) if c]

    def visible_kinds(self) -> list[str]:
        return [k for k, item in self.items.items() if not item.isHidden()]

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _focus_first_visible(self) -> None:
        kinds = self.visible_kinds()
        if kinds:
            self.tree.setCurrentItem(self.items[kinds[0]])
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_activated(self, item: QTreeWidgetItem) -> None:
        kind = item.data(0, _KIND_ROLE)
        if kind:
            self.kind_activated.emit(kind)
