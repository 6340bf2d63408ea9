"""Naming on the canvas: a name field over the box (or line) itself.

F2 (or the context menu's *Rename*) opens it on the selected element; a box dropped from
the palette opens it at once, with its default name selected, so the user types the
name and presses Enter: the add and the name are one undo step (:class:`NameNew` merges
into the add). Enter keeps the name, Escape leaves it as it was, clicking elsewhere
keeps it; a name the model refuses (taken by another element of the kind) is said in
the status bar and the field stays open.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from designer.document import NameNew, Rename
from designer.domain.kinds import KINDS
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.presentation import HEADER
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

__all__ = ["NameField", "RenameHost"]


class RenameHost(Protocol):
    """What the name field needs from the view (the view is one)."""

    session: EditorSession
    design_scene: DesignScene

    def viewport(self) -> QWidget: ...

    def view_rect(self, scene_rect: QRectF) -> QRectF:
        """Where ``scene_rect`` shows in the viewport."""
        ...

    def setFocus(self) -> None: ...


class NameField(QLineEdit):
    """The name of one element, typed over it on the canvas."""

    def __init__(self, host: RenameHost, element_id: str, *, just_added: bool) -> None:
        super().__init__(host.viewport())
        self.setObjectName("CanvasNameField")
        self.host = host
        self.element_id = element_id
        self.just_added = just_added
        self._closing = False
        element = host.session.document.get(element_id)
        self.old = element.name if element is not None else ""
        self.setText(self.old)
        self.selectAll()
        self.setFrame(True)
        self._place()
        self.returnPressed.connect(self.commit)
        self.installEventFilter(self)
        self.show()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _place(self) -> None:
        scene = self.host.design_scene
        item = scene.item_for(self.element_id)
        if isinstance(item, NodeItem):
            r = item.scene_rect()
            if item.container:
                r.setHeight(HEADER)
        elif isinstance(item, EdgeItem):
            label = item.label_scene_rect()
            r = label if label is not None else item.sceneBoundingRect()
        else:
            r = QRectF(0, 0, 160, 24)
        view_rect = self.host.view_rect(r)
        height = max(24, self.sizeHint().height())
        width = max(view_rect.width(), 160)
        self.setGeometry(
            int(view_rect.left()), int(view_rect.center().y() - height / 2), int(width), height
        )

    def commit(self) -> None:
        """Keep the typed name (one undo step with the add, if just added)."""
        if self._closing:
            return
        name = self.text().strip()
        if not name or name == self.old:
            self.close_field()
            return
        command = (
            NameNew(self.element_id, name)
            if self.just_added
            else Rename(self.element_id, self.old, name)
        )
        refusal = self.host.session.apply(command)
        if refusal is not None:
            self.selectAll()  # taken: say why (the status bar) and let the user retype
            return
        if self.just_added:
            self._say_added()
        self.close_field()

    def _say_added(self) -> None:
        """The drop's "Added VM VM-02 in esx-01" again, with the name just typed."""
        doc = self.host.session.document
        element = doc.get(self.element_id)
        info = KINDS.get(element.kind) if element is not None else None
        if element is None or info is None:
            return
        box_id = info.container_of(element)
        box = doc.get(box_id) if box_id else None
        where = f" in {box.name}" if box is not None else ""
        self.host.session.status_message.emit(f"Added {element.describe()}{where}")

    def cancel(self) -> None:
        self.close_field()

    def close_field(self) -> None:
        if self._closing:
            return
        self._closing = True
        self.hide()
        self.host.setFocus()
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.cancel()
                return True
        if watched is self and event.type() == QEvent.Type.FocusOut and not self._closing:
            self.commit()
            if not self._closing:  # refused: keep it open, it still has the text
                self.close_field()
        return super().eventFilter(watched, event)
