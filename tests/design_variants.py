"""Variants of a design that several test folders ask for (importable from any of them,
as ``gui_door`` is)."""

from __future__ import annotations

from designer.domain import Design, MailboxDatabase

__all__ = ["without_mailboxes"]


def without_mailboxes(design: Design) -> Design:
    """``design`` with every mailbox database stating no mailboxes (CAP006's info on
    each): no users to size, and a copy plan's new databases share none."""
    elements = [
        e.model_copy(update={"mailboxes": 0}) if isinstance(e, MailboxDatabase) else e
        for e in design.elements
    ]
    return design.model_copy(update={"elements": elements})
