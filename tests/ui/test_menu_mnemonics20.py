"""Every entry of every menu of the main window has an Alt key of its own (``fixm20``,
eyes20 #16's remainder): File > Export's S and D, Edit's U, R and C and Arrange's L
were each shared by two entries, so Alt+letter picked the first and the other was
reached only with the arrows. Through the user's door (``dr-designer gui``)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu


def _letter(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match[1].lower() if match else None


def _walk(menu: QMenu, path: str, clashes: list[str], walked: list[str]) -> None:
    menu.aboutToShow.emit()  # Open Recent / Open Sample fill themselves as they open
    walked.append(path)
    seen: dict[str, str] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        text = action.text()
        letter = _letter(text)
        if letter is not None:
            if letter in seen:
                clashes.append(f"{path}: {seen[letter]!r} and {text!r} share {letter.upper()}")
            seen[letter] = text
        if (sub := action.menu()) is not None:
            assert isinstance(sub, QMenu)
            _walk(sub, f"{path} > {text.replace('&', '')}", clashes, walked)


def test_no_two_entries_of_a_menu_share_an_alt_key(launch: Any) -> None:
    window = launch()
    bar = window.menuBar()
    clashes: list[str] = []
    walked: list[str] = []
    top: dict[str, str] = {}
    for action in bar.actions():
        if not action.isVisible() or action.menu() is None:
            continue
        letter = _letter(action.text())
        assert letter is not None, f"{action.text()!r} has no Alt key"
        assert letter not in top, f"the bar's {top[letter]!r} and {action.text()!r}"
        top[letter] = action.text()
        _walk(action.menu(), action.text().replace("&", ""), clashes, walked)  # type: ignore[arg-type]
    assert not clashes, "\n".join(clashes)
    # The walk reached the submenus, not only the bar's menus.
    assert {"File > Export", "Edit", "Arrange", "View > Layers"} <= set(walked), walked
    # Alt+F, D still opens the review report (eyes20 #16's first half).
    file_letters = {
        _letter(a.text()): a for a in window.file_menu.actions() if isinstance(a, QAction)
    }
    assert file_letters["d"] is window.interop.review_action
