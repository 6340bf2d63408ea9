"""Which design files the loader reads, and on which thread: for the tests of the file
read ahead (``designer.persistence.read_ahead``) headless and through the window; and
which keys it counts itself (the tests of ``designer.bytecheck``'s child)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from designer.persistence import file_format

__all__ = ["Reads", "count_guard", "count_reads"]


@dataclass
class Reads:
    """The files read, in order: all of them, and those read on another thread than the
    main one (the read-ahead's)."""

    all: list[str] = field(default_factory=list)
    ahead: list[str] = field(default_factory=list)


def count_reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    """Count every read of a design file's bytes from now on (the test's monkeypatch
    undoes it)."""
    reads = Reads()
    real = file_format._read_design_bytes

    def counted(path, where):  # type: ignore[no-untyped-def]
        reads.all.append(str(path))
        if threading.current_thread() is not threading.main_thread():
            reads.ahead.append(str(path))
        return real(path, where)

    monkeypatch.setattr(file_format, "_read_design_bytes", counted)
    return reads


def count_guard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The counts the loader's duplicate-key guard makes itself from now on, in order:
    ``colons`` (the bytes' side), ``keys`` (the models' side)."""
    calls: list[str] = []
    colons, keys = file_format._quoted_colons, file_format._keys_in

    def counting_colons(raw: bytes) -> int | None:
        calls.append("colons")
        return colons(raw)

    def counting_keys(value: object) -> int:
        if calls[-1:] != ["keys"]:  # once per count (it calls itself, through its name)
            calls.append("keys")
        return keys(value)

    monkeypatch.setattr(file_format, "_quoted_colons", counting_colons)
    monkeypatch.setattr(file_format, "_keys_in", counting_keys)
    return calls
