"""A question with buttons of its own words (QMessageBox's static helpers offer only
the standard buttons: "Reset" where the user must read "Reload")."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

__all__ = ["choose"]


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
