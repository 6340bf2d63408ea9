"""The one error the loader raises: a clear message that names where the problem is."""

from __future__ import annotations

from designer.domain.errors import DesignError
from designer.text import printable, shorten

__all__ = ["LoadError"]

#: Caps on what one message shows of the file name, the JSON path and the message: a
#: hostile file must not turn one line on stderr into 100,000 characters.
_WHERE_LIMIT, _PATH_LIMIT, _MESSAGE_LIMIT = 400, 200, 600


class LoadError(DesignError):
    """A design file cannot be read. ``where`` is the file, ``path`` the JSON path.

    Its text is one line, safe for a terminal: control and bidi characters of the
    file name or of quoted values are shown as escapes, and long parts are cut.
    """

    def __init__(self, message: str, *, where: str = "", path: str = "") -> None:
        self.message = message
        self.where = where
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = shorten(self.where, _WHERE_LIMIT)
        path = shorten(self.path, _PATH_LIMIT)
        location = ": ".join(part for part in (where, path) if part)
        text = f"{location}: {self.message}" if location else self.message
        return printable(shorten(text, len(location) + 2 + _MESSAGE_LIMIT))
