"""Outside-in tests: the GUI started the way a user starts it (``dr-designer gui``)."""

from __future__ import annotations

import pytest
from gui_door import launch, no_modal_dialogs

__all__ = ["launch", "no_modal_dialogs"]


@pytest.fixture(autouse=True)
def _no_modal_dialogs(no_modal_dialogs):  # type: ignore[no-untyped-def]
    return no_modal_dialogs
