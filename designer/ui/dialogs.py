"""A question with buttons of its own words (QMessageBox's static helpers offer only
the standard buttons: "Reset" where the user must read "Reload"), and a line of text
asked for in a box as wide as the text it offers (QInputDialog.getText's box is about
150 px whatever it holds)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

__all__ = ["TEXT_BOX_MAX_PX", "ask_item", "ask_text", "choose", "text_dialog"]

#: The widest a text box of :func:`ask_text` grows to fit the text it offers.
TEXT_BOX_MAX_PX = 640


def choose(
    parent: QWidget | None,
    title: str,
    text: str,
    options: Sequence[str],
    *,
    default: str | None = None,
    escape: str | None = None,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> str:
    """Ask with one button per option (in order); the option clicked, or ``escape``
    when the dialog is closed another way (Esc, the window's close button)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("ChooseDialog")
    buttons: dict[QAbstractButton, str] = {}
    for option in options:
        role = (
            QMessageBox.ButtonRole.RejectRole
            if option == escape
            else QMessageBox.ButtonRole.AcceptRole
        )
        button = box.addButton(option, role)
        buttons[button] = option
        if option == default:
            box.setDefaultButton(button)
        if option == escape:
            box.setEscapeButton(button)
    box.exec()
    clicked = box.clickedButton()
    chosen = buttons.get(clicked) if clicked is not None else None
    box.deleteLater()
    return chosen or escape or options[-1]


def text_dialog(parent: QWidget | None, name: str, title: str, label: str) -> QInputDialog:
    """A dialog that asks for a line of text (``name``: its object name)."""
    dialog = QInputDialog(parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    return dialog


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """``QInputDialog.getText(parent, title, label, text=text)``, its box wide enough
    for ``text`` (up to :data:`TEXT_BOX_MAX_PX`): a scenario's offered name, "degrade
    Primary – DR-Site (100 Mbit/s)", showed as "rimary – DR-Site (100 Mbit/s)" (eyes21
    #10). The text typed, and whether OK was chosen."""
    dialog = text_dialog(parent, "AskTextDialog", title, label)
    dialog.setTextValue(text)
    box = dialog.findChild(QLineEdit)
    if box is not None:
        # The text, the box's frame and margins, and room for a few letters more.
        wanted = box.fontMetrics().horizontalAdvance(text + "MMM") + 16
        box.setMinimumWidth(min(max(wanted, box.sizeHint().width()), TEXT_BOX_MAX_PX))
    ok = dialog.exec() == QInputDialog.DialogCode.Accepted
    value = dialog.textValue()
    dialog.deleteLater()
    return value, ok


def ask_item(
    parent: QWidget | None, title: str, label: str, items: Sequence[str]
) -> tuple[str, bool]:
    """``QInputDialog.getItem(parent, title, label, items, 0, True)`` whose first Enter
    picks the item typed: in Qt's, the editable list took the first Enter to complete
    what was typed ("DAG" to "DAG01 (DAG) — joins its members") and a second was needed
    for OK (eyes22 #8). The item chosen, and whether it was chosen (an item's text)."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("AskItemDialog")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(list(items))
    dialog.setComboBoxEditable(True)
    box = dialog.findChild(QComboBox)
    line = box.lineEdit() if box is not None else None
    if line is not None:

        def picked() -> None:
            if line.text() in items:
                dialog.accept()

        line.returnPressed.connect(picked)
    ok = dialog.exec() == QInputDialog.DialogCode.Accepted
    value = dialog.textValue()
    dialog.deleteLater()
    return value, ok and value in items
