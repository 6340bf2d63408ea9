"""PySide6 6.12.0 on Python < 3.12 decrements None from void methods and aborts.

pyproject.toml keeps 6.11 there; this guards the combination actually installed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QGraphicsRectItem


def test_void_methods_do_not_leak_none_references() -> None:
    item = QGraphicsRectItem(0, 0, 10, 10)
    before = sys.getrefcount(None)
    for i in range(10_000):
        item.setPos(i % 100, i % 50)
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None lost {before - after} references"
