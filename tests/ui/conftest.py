"""UI test safety net: no real modal dialog may ever block the suite.

QMessageBox's static helpers and QInputDialog.getText are replaced by recorders that
answer at once (a "save changes?" question is answered Discard). A test that wants
other answers patches them again itself.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch):  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []

    def record(kind: str, answer: object):  # type: ignore[no-untyped-def]
        def show(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            shown.append((kind, str(text)))
            return answer

        return staticmethod(show)

    ok = QMessageBox.StandardButton.Ok
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, record(name, ok))
    monkeypatch.setattr(
        QMessageBox, "question", record("question", QMessageBox.StandardButton.Discard)
    )
    monkeypatch.setattr(QInputDialog, "getText", record("getText", ("", False)))
    return shown
