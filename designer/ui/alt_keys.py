"""Alt keys (mnemonics) for menus made from names: a context menu's entries for the
elements of a design ("Connect To › Worcester (site)"), the kinds to add, the
simulation's steps. An entry written by hand names its own key ("Re&name…"); the
others get one here, so that a keyboard user reaches each with one letter.

Qt gives no entry a key by itself (KDE's accelerator manager does, on KDE only), and a
menu whose entries share a key only moves between them. A name's own ``&`` must not
become a key ("R&D" underlined the D and lost the ampersand): :func:`plain` doubles it.

An open menu's letters are its own (:func:`keep_letters`): a letter that is also a
shortcut of the window (the Edit menu's Connect Tool is C, on the canvas) ran that
shortcut instead of the entry, whenever the focus stayed where the shortcut applies
(Alt+E then C toggled the Connect Tool rather than Copy; the Capacity dock's Export menu
opened with Alt+X from the canvas, then C, the same).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMenu

__all__ = ["alt_key", "give_alt_keys", "keep_letters", "plain"]


def plain(text: str) -> str:
    """``text`` shown as it is in a menu entry: its ampersands are not Alt keys.

    Examples
    --------
    >>> plain("R&D (site)")
    'R&&D (site)'
    """
    return text.replace("&", "&&")


def alt_key(text: str) -> str | None:
    """The Alt key of the menu entry ``text`` (lower case), or None: the character
    after its single ``&`` (``&&`` is an ampersand shown; a tab starts the shortcut).

    Examples
    --------
    >>> alt_key("Re&name…\\tF2"), alt_key("R&&D (site)"), alt_key("A&&B &Cut")
    ('n', None, 'c')
    """
    label = text.split("\t", 1)[0]
    i = 0
    while i < len(label) - 1:
        if label[i] == "&":
            if label[i + 1] != "&":
                return label[i + 1].lower()
            i += 2
            continue
        i += 1
    return None


#: Where an entry's name ends and what is said of it begins ("BOS-DC01 (VM) — DAG's
#: members"): its key is looked for in the name first.
_AFTER_NAME = (" (", " — ")


def _with_key(text: str, taken: set[str]) -> str:
    """``text`` (no Alt key of its own) with the first free ASCII letter or digit that
    starts a word of its name, else any of its name's, else the same in the rest of
    it; as it is when none is free.

    Examples
    --------
    >>> _with_key("BOS-DC02 (VM) — DAG's members", {"b", "d"})
    "B&OS-DC02 (VM) — DAG's members"
    >>> _with_key("AB (VM)", {"a", "b"}), _with_key("R&&D (site)", {"r"})
    ('AB (&VM)', 'R&&&D (site)')
    """
    label, tab, shortcut = text.partition("\t")
    name_end = min((label.find(cut) for cut in _AFTER_NAME if cut in label), default=len(label))
    found: list[list[int]] = [[], [], [], []]  # name's starts, name's others, the rest's
    i = 0
    before = " "
    while i < len(label):
        char = label[i]
        if char == "&":  # an ampersand shown ("&&"): not a key
            i += 2
            before = "&"
            continue
        if char.isascii() and char.isalnum() and char.lower() not in taken:
            found[(i >= name_end) * 2 + before.isalnum()].append(i)
        before = char
        i += 1
    for at in found[0] + found[1] + found[2] + found[3]:
        taken.add(label[at].lower())
        return f"{label[:at]}&{label[at:]}{tab}{shortcut}"
    return text


def give_alt_keys(menu: QMenu) -> QMenu:
    """Give every entry of ``menu`` and of its submenus that names no Alt key one of
    its own (see the module); the entries that name one keep it. Returns ``menu``."""
    actions = [a for a in menu.actions() if not a.isSeparator() and a.text()]
    taken = {key for a in actions if (key := alt_key(a.text())) is not None}
    for action in actions:
        if alt_key(action.text()) is None:
            action.setText(_with_key(action.text(), taken))
        sub = action.menu()
        if isinstance(sub, QMenu):
            give_alt_keys(sub)
    return keep_letters(menu)


#: The modifiers with which an open menu claims a letter (Alt+letter is left to the
#: shortcuts: the menu bar's Alt+V moves to the View menu as before).
_LETTER_MODIFIERS = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


class _Letters(QObject):
    """Claims for an open menu the letters of its entries' Alt keys (see the module)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QMenu):
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text().lower()
        if len(text) != 1 or event.modifiers() not in _LETTER_MODIFIERS:
            return False
        for action in watched.actions():
            if action.isVisible() and action.isEnabled() and alt_key(action.text()) == text:
                event.accept()  # no shortcut: the key goes to the menu, which runs the entry
                return True
        return False


def keep_letters(menu: QMenu) -> QMenu:
    """Let ``menu``, while open, take the letters of its entries' Alt keys before any
    shortcut of the window does (its submenus too, as they are now). Returns ``menu``."""
    if menu.findChild(_Letters, options=Qt.FindChildOption.FindDirectChildrenOnly) is None:
        menu.installEventFilter(_Letters(menu))
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            keep_letters(sub)
    return menu
