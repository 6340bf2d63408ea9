"""Lay an imported (or merged) design out by site with the project's auto-layout.

The one place interop reaches the auto-layout, so that where it lives is a one-line
change here.
"""

from __future__ import annotations

from designer.document.layout import auto_layout
from designer.domain.design import Design, LayoutEntry

__all__ = ["lay_out"]


def lay_out(design: Design) -> Design:
    """``design`` with every box placed by the auto-layout (sites side by side)."""
    placed = auto_layout(design)
    layout: dict[str, LayoutEntry] = {k: v for k, v in placed.items() if v is not None}
    kept = {e.id for e in design.elements}
    for key, entry in design.layout.items():
        if key in kept and key not in layout and key not in placed:
            layout[key] = entry
    return design.model_copy(update={"layout": layout})
