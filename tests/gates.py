"""Gates a test holds a worker thread at, with no time limit (the ``gates`` fixture).

A test that wants a worker's job to be still running when it looks (a check, a sizing,
an import) makes the job wait for an event the test sets. Waited with a time limit
(``gate.wait(20)``), the gate opened by itself on a loaded machine before the test had
looked (nine sessions on two cores: a window's opening alone took seconds), and the test
failed or, worse, passed having checked nothing. These gates wait until the test opens
them, however long that takes; whatever the test's outcome, every gate it made is opened
as soon as its body ends (:func:`open_all`, called from tests/conftest.py), before
pytest-qt closes its windows: a window that waits for its workers as it closes never
waits for a gate left shut.
"""

from __future__ import annotations

import threading

import pytest

__all__ = ["GATES", "Gates", "open_all"]


class Gates:
    """Makes the test's gates (each a :class:`threading.Event`, shut at first)."""

    def __init__(self) -> None:
        self._made: list[threading.Event] = []

    def __call__(self) -> threading.Event:
        gate = threading.Event()
        self._made.append(gate)
        return gate

    def open_all(self) -> None:
        for gate in self._made:
            gate.set()


#: Where a test item keeps its gates.
GATES = pytest.StashKey[Gates]()


def open_all(item: pytest.Item) -> None:
    """Open every gate ``item``'s test made (none if it asked for no ``gates``)."""
    gates = item.stash.get(GATES, None)
    if gates is not None:
        gates.open_all()
