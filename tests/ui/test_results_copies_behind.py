"""Simulation mode's Results for a database whose passive copies are behind (wave 17,
fidc17): RPO stays 0 (nothing failed over: DOMAIN.md §4, RPO is what a failover lost),
but its Why no longer says "not affected": "copies behind …", as far as the cursor's
time puts them. Opened as ``dr-designer gui SAMPLE``, the link degraded from its menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_capacity_window import lagged_sample_degraded

from designer.ui.simulation.results_table import COLUMNS


def test_the_why_says_how_far_behind_the_copies_are(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    window = lagged_sample_degraded(launch, qtbot)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.result is not None and bool(controller.steps))
    controller.pause()
    table = window.simulation.results.table

    def why() -> dict[str, str]:
        return {
            table.item(r, COLUMNS.index("Database")).text(): table.item(
                r, COLUMNS.index("Why")
            ).text()
            for r in range(table.rowCount())
        }

    def rpo() -> set[str]:
        return {table.item(r, COLUMNS.index("RPO")).text() for r in range(table.rowCount())}

    controller.set_time(0.0)
    qtbot.waitUntil(lambda: "not affected" in why().values())
    # (1 − 50/69.9) s behind for each second: 3 s after 10 s, 6 s after 20 s (the
    # timeline then runs on to the hour its event speaks of: tests/ui/test_timeline_window.py).
    for t, behind in ((10.0, "3 s"), (20.0, "6 s")):
        controller.set_time(t)
        qtbot.waitUntil(lambda b=behind: f"copies behind {b}" in why().values())
        queued = [name for name, text in why().items() if text == f"copies behind {behind}"]
        assert queued and not [n for n in queued if why()[n] == "not affected"]
        assert rpo() == {"0:00"}
    window.grab().save(str(tmp_path / "copies-behind.png"))
