"""File > Quit during the capacity sizing stops it between two failure modes (wave 16,
life16). The window went at once but the process then waited for the whole sizing of
the design (1.16 s at 1k elements, load 5-8; docs/reliability.md "What each quit costs
now"): the end of ``dr-designer gui`` waits for its workers, and a sizing could not stop
part-way. The window's end now stops it (``designer.stopping.stop``): the mode in hand
ends, no other starts, and nothing half-done is kept."""

from __future__ import annotations

import threading
from pathlib import Path

from gates import Gates
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer import stopping
from designer.capacity import CapacityEngine, shared
from designer.persistence import dumps

CTRL = Qt.KeyboardModifier.ControlModifier


def test_quit_during_the_sizing_stops_it_at_the_next_mode(
    qtbot, launch, monkeypatch, tmp_path: Path, gates: Gates
) -> None:
    """``dr-designer gui FILE`` on a 1k design stating a workload (sized on the worker):
    File > Quit while a worker evaluates its second failure mode (the Capacity dock's
    sizing or the live check's, which share one), then the window's end (as the
    command's end deletes it): the sizing evaluates no further mode, the Capacity dock
    gets no report, and the sizing is not kept."""
    path = tmp_path / "workload.json"
    # A name of its own: in a full run a sizing an earlier test's window started may still
    # be evaluating on its worker (the patched evaluate sees every engine's modes).
    name = f"quit during the sizing {id(path)}"
    design = generate_design(1000, seed=0, workload=True).model_copy(update={"name": name})
    path.write_text(dumps(design), encoding="utf-8")
    in_second = threading.Event()
    go_on = gates()
    evaluated: list[str] = []
    real_evaluate = CapacityEngine.evaluate

    def evaluate(self, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.sim.design.name != name:
            return real_evaluate(self, mode, *args, **kwargs)
        evaluated.append(mode.label)
        if len(evaluated) == 2:
            in_second.set()
            go_on.wait()  # until the window's end asks the sizing to stop
        return real_evaluate(self, mode, *args, **kwargs)

    real_stop = stopping.stop

    def stop(design):  # type: ignore[no-untyped-def]
        real_stop(design)
        # File > Quit ends every window of the process: in a full run an earlier test's
        # window is stopped too, and the worker must go on only once this design is.
        if design.name == name:
            go_on.set()

    monkeypatch.setattr(CapacityEngine, "evaluate", evaluate)
    monkeypatch.setattr(stopping, "stop", stop)
    before = shared.computations()
    window = launch(path)
    controller = window.capacity_controller
    assert controller is not None
    reports: list[object] = []
    controller.report_changed.connect(lambda c=controller: reports.append(c.report))
    # The first sizing on a worker: the Capacity dock's or the live check's (CAP rules).
    qtbot.waitUntil(in_second.is_set, timeout=60_000)
    QTest.keyClick(window, Qt.Key.Key_Q, CTRL)  # File > Quit
    assert not window.isVisible()
    launch.forget_windows()
    window.deleteLater()  # the command's end (end_session) deletes its windows
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del window, controller
    assert go_on.is_set()  # the sizing was asked to stop, and waited for
    assert len(evaluated) == 2  # the mode in hand ended; none started after it
    assert shared.computations() == before  # nothing kept
    assert [r for r in reports if r is not None] == []
