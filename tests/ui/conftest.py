"""UI test fixtures.

``launch`` opens the window the user's way, ``dr-designer gui [FILE]`` through the
console command's own function (tests/gui_door.py); the window tests get their window
from it. Panel, canvas and export tests build just the widget they test, around a
prepared session: they are about that widget, not about how the window opens.

No real modal dialog may ever block the suite: QMessageBox's static helpers,
QInputDialog.getText and the designer's dialogs.ask_text answer at once (a "save
changes?" question is answered Discard); a test that wants other answers patches them
again itself.
"""

from __future__ import annotations

import pytest
from gui_door import launch, no_modal_dialogs

__all__ = ["launch", "no_modal_dialogs"]


@pytest.fixture(autouse=True)
def _no_modal_dialogs(no_modal_dialogs):  # type: ignore[no-untyped-def]
    return no_modal_dialogs
