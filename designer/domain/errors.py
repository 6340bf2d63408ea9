"""Typed errors of the domain: each names the element and the JSON path concerned."""

from __future__ import annotations

__all__ = ["DesignError", "StructuralError"]


class DesignError(Exception):
    """Base of the project's own errors about a design."""


class StructuralError(DesignError):
    """A structural invariant is broken: duplicate id, dangling reference, wrong kind…

    ``path`` is a JSON path into the design (``design.elements[4].site``), ``element``
    the id of the element concerned (when there is one).
    """

    def __init__(self, message: str, *, path: str = "", element: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.element = element

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
