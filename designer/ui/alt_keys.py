"""Alt keys (mnemonics) for menus made from names: a context menu's entries for the
elements of a design ("Connect To › Worcester (site)"), the kinds to add, the
simulation's steps. An entry written by hand names its own key ("Re&name…"); the
others get one here, so that a keyboard user reaches each with one letter.

Qt gives no entry a key by itself (KDE's accelerator manager does, on KDE only), and a
menu whose entries share a key only moves between them. A name's own ``&`` must not
become a key ("R&D" underlined the D and lost the ampersand): :func:`plain` doubles it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

__all__ = ["alt_key", "give_alt_keys", "plain"]


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
    return menu
