"""A big design's idle slices wait for its first live check (idle14, wave 14).

After opening 100k, the live check runs on a worker (and simulation mode is imported on
another thread) while the idle slices build the rest of the canvas's boxes, the
Databases panel's rows and the find box's names. Each of those turns called from Qt
into Python for every new item (its first look-ups) and waited for the interpreter lock
each time: 3-8 ms of CPU took 30-75 ms, the one idle turn over 50 ms after opening. The
slices are held until the first check's findings arrive; a later check (after an edit)
does not hold them. These tests count what was made, never time it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from gates import Gates
from turns import turns

from benchmarks.generate import generate_design
from designer.document import SetProperty
from designer.persistence import dumps
from designer.ui import session as session_module
from designer.ui import slices
from designer.ui.panels import DatabasesPanel
from designer.ui.panels import databases as databases_module


def _big(tmp_path: Path, monkeypatch: Any, gates: Gates) -> tuple[Path, threading.Event]:
    """A generated design checked on the worker, whose check waits for the gate. The
    holds last until what they wait for ends, however loaded the machine (their time
    limit, for a check that never reports, is not what these tests are about)."""
    from designer.ui import main_window as main_window_module
    from designer.ui.canvas import scene as scene_module

    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", 20)
    # Its lines routed in slices after its boxes, not at once among them (which builds
    # every box first): the boxes are built in slices, as at 100k.
    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 0)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 20)
    monkeypatch.setattr(databases_module, "FILL_AT_ONCE_CELLS", 0)  # rows in slices
    monkeypatch.setattr(session_module, "FIRST_CHECK_HOLD_MS", 3_600_000)
    monkeypatch.setattr(main_window_module, "FIRST_CHECK_HOLD_MS", 3_600_000)
    path = tmp_path / "big.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    gate = gates()
    check_job = session_module._CheckJob

    class Gated(check_job):  # type: ignore[misc, valid-type]
        def run(self) -> None:
            gate.wait()
            super().run()

    monkeypatch.setattr(session_module, "_CheckJob", Gated)
    return path, gate


def test_the_idle_slices_wait_for_the_first_check_of_a_design_opened(
    qtbot, launch, tmp_path, monkeypatch, gates
) -> None:
    path, gate = _big(tmp_path, monkeypatch, gates)
    window = launch()  # the bundled sample first, then File > Open of the big design
    assert window.open_file(path, ask=False)
    scene = window.view.design_scene
    panel = window.findChild(DatabasesPanel)
    assert panel is not None
    session = window.session
    try:
        qtbot.waitUntil(lambda: not session.holding, timeout=20000)  # first frame painted
        turns(qtbot)
        assert session.checking  # the check is running (held by the gate)
        waiting = len(scene.boxes_waiting)
        assert scene.building and waiting > 0
        turns(qtbot)
        # Nothing of the idle work was made meanwhile: not a box, not a row.
        assert len(scene.boxes_waiting) == waiting
        assert panel.rows_pending and panel._made == 0
        assert session._first_check_key in slices.shared()._holds
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not session.checking, timeout=20000)
    # The check's hold ended with it; simulation mode's import (on another thread) may
    # still hold the slices a while on a loaded machine (test 3), then they go on.
    assert session._first_check_key not in slices.shared()._holds
    qtbot.waitUntil(lambda: not slices.shared().held, timeout=20000)
    qtbot.waitUntil(lambda: not scene.building and not panel.rows_pending, timeout=30000)
    assert panel._made == panel.table.rowCount() > 0


def test_the_check_of_an_edit_does_not_hold_the_idle_slices(
    qtbot, launch, tmp_path, monkeypatch, gates
) -> None:
    path, gate = _big(tmp_path, monkeypatch, gates)
    gate.set()
    window = launch()
    assert window.open_file(path, ask=False)
    session = window.session
    qtbot.waitUntil(lambda: not session.checking, timeout=20000)
    assert session._first_check_key not in slices.shared()._holds
    qtbot.waitUntil(lambda: not slices.shared().held, timeout=20000)  # (the import's too)
    gate.clear()  # the edit's check waits: it is running while the slices go on
    try:
        vm = next(e for e in session.document.design.elements if e.kind == "vm")
        session.apply(SetProperty(vm.id, "name", "renamed-vm"))
        qtbot.waitUntil(lambda: session.findings_revision != session.document.revision)
        turns(qtbot, 5)
        assert session.findings_revision != session.document.revision  # still checking
        assert not slices.shared().held
    finally:
        gate.set()
    qtbot.waitUntil(lambda: session.findings_revision == session.document.revision, timeout=20000)


def test_the_idle_slices_wait_for_the_background_import_of_simulation_mode(
    qtbot, launch, tmp_path, monkeypatch, gates
) -> None:
    """At 25k the import (pyqtgraph, numpy) outlasts the first check: the slices wait
    for it too (a big design's first frame only)."""
    import importlib

    from PySide6.QtCore import QObject

    from designer.ui import main_window as main_window_module

    path, gate = _big(tmp_path, monkeypatch, gates)
    gate.set()  # the check runs at once
    imported = gates()

    class GatedImport:
        @staticmethod
        def import_module(name: str) -> Any:
            imported.wait()
            return importlib.import_module(name)

    monkeypatch.setattr(main_window_module, "importlib", GatedImport)
    window = launch(path)  # dr-designer gui FILE
    session = window.session
    ran: list[int] = []
    owner = QObject()
    try:
        qtbot.waitUntil(
            lambda: window._simulation_import_started and not session.checking, timeout=20000
        )
        slices.shared().start("test job", owner, lambda _deadline: ran.append(1) or True)
        turns(qtbot)
        assert not ran  # waits for the import
    finally:
        imported.set()
    qtbot.waitUntil(lambda: bool(ran), timeout=20000)
    assert not slices.shared().held
