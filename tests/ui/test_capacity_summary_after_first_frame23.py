"""The Capacity panel's summary of a big design just opened is filled after its first
frame (wave 23, ``open23b``): whether the design states a workload reads every database's
and LUN's field (~19 M instructions of a 100k opening's UI thread before the first frame,
for a panel behind a tab). A small design's summary is filled as it opens, as before.

Through the door: ``dr-designer gui FILE`` opens a generated design counted as big (the
limit lowered to 20 elements); the question is not asked while the session holds work
for the first frame, and the panel says what it says after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import main_window as main_window_module
from designer.ui import session as session_module
from designer.ui.panels import capacity as capacity_module
from designer.ui.panels.capacity import SIZING, CapacityPanel


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the session held work for the first frame, at each question."""
    asked: list[bool] = []
    real = capacity_module.states_workload
    holding: list[Any] = []

    def states_workload(design: Any, index: Any = None) -> bool:
        asked.append(bool(holding) and holding[0].holding)
        return real(design, index)

    monkeypatch.setattr(capacity_module, "states_workload", states_workload)
    return asked, holding  # type: ignore[return-value]


@pytest.mark.parametrize("workload", [False, True])
def test_a_big_designs_capacity_summary_comes_after_its_first_frame(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workload: bool
) -> None:
    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", 20)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 20)
    path = tmp_path / "big.json"
    path.write_text(dumps(generate_design(1000, seed=0, workload=workload)), encoding="utf-8")
    asked, holding = _asked(monkeypatch)  # type: ignore[misc]
    made = main_window_module.MainWindow.__init__

    def init(window: Any, *args: Any, **kwargs: Any) -> None:
        made(window, *args, **kwargs)
        holding.append(window.session)

    monkeypatch.setattr(main_window_module.MainWindow, "__init__", init)
    window = launch(path)
    session = window.session
    qtbot.waitUntil(lambda: not session.holding, timeout=30000)  # the first frame painted
    panel = window.findChild(CapacityPanel)
    assert panel is not None
    if workload:
        # Sizing, or sized by now: never "no workload stated".
        qtbot.waitUntil(lambda: bool(asked), timeout=30000)
        assert "No capacity workload" not in panel.summary.text()
        qtbot.waitUntil(lambda: panel.summary.text() != SIZING, timeout=60000)
        assert "modes sized" in panel.summary.text()
    else:
        qtbot.waitUntil(lambda: "No capacity workload" in panel.summary.text(), timeout=30000)
    assert asked and True not in asked  # never asked before the first frame


def test_a_small_designs_capacity_summary_is_filled_as_it_opens(launch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "small.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    window = launch(path)
    assert not window.session.holding
    panel = window.findChild(CapacityPanel)
    assert "No capacity workload" in panel.summary.text()


def test_the_workload_question_is_asked_once_per_design(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wave 23 (lead): after a big design's first frame the panel's summary and the
    # sizing each asked whether the design states a workload (~10 ms each at 100k, two
    # idle turns); the answer is now kept for the design it was asked of. An edit asks
    # again: the answer follows the design.
    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", 20)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 20)
    path = tmp_path / "big.json"
    path.write_text(dumps(generate_design(1000, seed=0, workload=True)), encoding="utf-8")
    designs: list[int] = []
    real = capacity_module.states_workload

    def states_workload(design: Any, index: Any = None) -> bool:
        designs.append(id(design))
        return real(design, index)

    monkeypatch.setattr(capacity_module, "states_workload", states_workload)
    window = launch(path)
    panel = window.findChild(CapacityPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: "modes sized" in panel.summary.text(), timeout=60000)
    session = window.session
    opened = session.document.design
    # (the window's empty design before the file was asked once too, at the start)
    assert designs.count(id(opened)) == 1, designs  # the summary's and the sizing's: one ask
    vm = next(e for e in opened.elements if e.kind == "vm")
    from designer.document import SetProperty

    session.push(SetProperty(vm.id, "name", vm.name + "-x"))
    edited = session.document.design
    assert edited is not opened
    qtbot.waitUntil(lambda: id(edited) in designs, timeout=30000)  # asked of the new design
    assert designs.count(id(edited)) == 1
