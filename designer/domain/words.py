"""Small English helpers for messages: counts with plurals, labels with articles, and
names in the order a reader expects (DB2 before DB10)."""

from __future__ import annotations

import re

__all__ = ["SHOWN_NAMES", "natural_key", "plural", "shown_names", "with_article", "word_for"]

_DIGITS = re.compile(r"(\d+)")

#: Labels whose plural is not the label plus "s".
_PLURALS = {"copy": "copies", "non-lagged copy": "non-lagged copies"}


def word_for(n: float, word: str, many: str | None = None) -> str:
    """``word`` as ``n`` of it is said: the singular for one, else ``many`` (or word + s).

    Examples
    --------
    >>> word_for(2, "mirror"), word_for(1, "mirror"), word_for(3, "copy")
    ('mirrors', 'mirror', 'copies')
    >>> word_for(2, "file share witness"), word_for(2, "mailbox")
    ('file share witnesses', 'mailboxes')
    """
    if n == 1:
        return word
    if many or word in _PLURALS:
        return many or _PLURALS[word]
    # "witnesss" in the review report's element counts (eyes17).
    return f"{word}es" if word.endswith(("s", "x", "ch", "sh", "z")) else f"{word}s"


def plural(n: float, word: str, many: str | None = None) -> str:
    """The count and the word: ``"1 element"``, ``"3 elements"``, ``"1.5 days"``; thousands
    separated, as the status bar counts ("1,776 names" beside "9,986 elements": eyes28).

    Examples
    --------
    >>> plural(3, "VM"), plural(1, "dependent"), plural(2, "copy"), plural(0.5, "day")
    ('3 VMs', '1 dependent', '2 copies', '0.5 days')
    >>> plural(1776, "name"), plural(1500.5, "day")
    ('1,776 names', '1,500.5 days')
    """
    number = f"{n:,g}" if isinstance(n, float) else f"{n:,}"
    return f"{number} {word_for(n, word, many)}"


def with_article(label: str) -> str:
    """The label with its indefinite article, as it is spoken.

    Examples
    --------
    >>> with_article("ESXi host"), with_article("LUN"), with_article("SRM site pair")
    ('an ESXi host', 'a LUN', 'an SRM site pair')
    """
    spoken_vowel = label[:1] in tuple("AEIOUaeiou") or label.startswith(("ESX", "SRM"))
    return f"{'an' if spoken_vowel else 'a'} {label}"


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key of names in natural order: case aside, numbers by their value.

    The command line's and the review report's database lists use it (a plan's new
    databases come after the others in the file, and the simulator keeps ids' order).
    Hand-written rather than natsort: one regular expression, and no new dependency to
    ship for it.

    Examples
    --------
    >>> sorted(["DB10", "db2", "DB03", "DB1"], key=natural_key)
    ['DB1', 'db2', 'DB03', 'DB10']
    """
    # split() puts the runs of digits at the odd places.
    return tuple(
        (0, int(part)) if i % 2 else (1, part.casefold())
        for i, part in enumerate(_DIGITS.split(name))
        if part
    )


#: A finding about more elements than this shows how many and the first few in the
#: Elements column (a DAG's 400 databases filled it with 400 names); the tooltip and
#: the details (Explain) list them all; the review report's findings tables alike.
SHOWN_NAMES = 4


def shown_names(names: list[str]) -> str:
    """The Elements column's text for a finding's element names: all of them, or for
    more than :data:`SHOWN_NAMES` how many and the first three.

    >>> shown_names(["DB01", "DB02"])
    'DB01, DB02'
    >>> shown_names([f"DB{n:02d}" for n in range(1, 13)])
    '12 elements: DB01, DB02, DB03 and 9 more'
    """
    if len(names) <= SHOWN_NAMES:
        return ", ".join(names)
    return f"{len(names):,} elements: {', '.join(names[:3])} and {len(names) - 3:,} more"
