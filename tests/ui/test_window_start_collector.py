"""The window's start runs without the cyclic garbage collector's passes (issue 10,
opening 100k): importing the window's modules and building the window allocate enough
to start dozens of collections, a full one among them (~27 ms CPU before a big design's
first frame), and they free nothing. ``open_window`` builds the window with the
collector paused and freezes what it made, as the file's opening does."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from designer.ui.main_window import MainWindow

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json"


def test_no_collection_runs_while_the_window_is_built_and_the_collector_is_on_after(  # type: ignore[no-untyped-def]
    launch, monkeypatch, qtbot
):
    building: list[bool] = []
    collections: list[int] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and building:
            collections.append(info["generation"])

    real_init = MainWindow.__init__

    def init(self: MainWindow, *args: Any, **kwargs: Any) -> None:
        building.append(True)
        try:
            real_init(self, *args, **kwargs)
        finally:
            building.clear()

    monkeypatch.setattr(MainWindow, "__init__", init)
    gc.callbacks.append(watch)
    try:
        window = launch(SAMPLE)
    finally:
        gc.callbacks.remove(watch)
    assert window.session.design.name  # the window opened its file
    assert collections == []  # without the pause: gen-0 passes, often a full one
    qtbot.waitUntil(gc.isenabled, timeout=10_000)  # once the live check's own pause ends
    # What the start made is out of later passes (frozen: in no generation). Not the
    # freeze count: the windows of earlier tests, deleted meanwhile, free frozen objects.
    session = window.session
    assert not any(o is window or o is session for o in gc.get_objects())
