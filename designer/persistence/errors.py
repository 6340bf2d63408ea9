"""The one error the loader raises: a clear message that names where the problem is."""

from __future__ import annotations

from designer.domain.errors import DesignError

__all__ = ["LoadError"]


class LoadError(DesignError):
    """A design file cannot be read. ``where`` is the file, ``path`` the JSON path."""

    def __init__(self, message: str, *, where: str = "", path: str = "") -> None:
        self.message = message
        self.where = where
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        location = ": ".join(part for part in (self.where, self.path) if part)
        return f"{location}: {self.message}" if location else self.message
