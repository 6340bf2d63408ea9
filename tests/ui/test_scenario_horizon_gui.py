"""Save scenario… records what the scenario causes, at its horizon (wave 21, ``fixo21``;
eyes21): a WAN link degraded below what the DAG's copies need sets a copy queue going
that the state at 0:00 does not show, so the scenario saved "every database not
affected" and passed whatever the link. Now the expected outcome carries the copies'
worst queue up to the end of the scenario's window, and *Run all scenarios* judges it
there (the verdict of ``check --scenarios``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QToolButton
from test_eyes21_sizing_walk import _choose_nested, _point_on_line
from test_simulation_actions import Window

from designer.document import SetScenarios
from designer.domain.design import ExpectedOutcome
from designer.ui import dialogs


def test_save_scenario_records_the_copy_queue_an_hour_on_and_run_all_judges_it(
    qtbot,  # type: ignore[no-untyped-def]
    launch,  # type: ignore[no-untyped-def]
    monkeypatch,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    _no_modal_dialogs,  # type: ignore[no-untyped-def]
) -> None:
    w = Window(qtbot, "three_site_stretched_dag", launch)
    w.enter()
    # The dark fiber between the DAG's sites at 10 Mbit/s, typed in Degrade > Bandwidth…
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (10.0, True))
    chosen: list[str] = []
    _choose_nested("Degrade", "Bandwidth…", chosen)
    QTest.mouseClick(
        w.view.viewport(), Qt.MouseButton.RightButton, pos=_point_on_line(w, "wan-bos-wor")
    )
    assert [(s.action, s.target, s.bandwidth_mbps) for s in w.controller.steps] == [
        ("degrade", "wan-bos-wor", 10.0)
    ], chosen
    w.end()
    bar = w.mode.bar
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: ("Fiber at 10 Mbit/s", True))
    (save,) = [b for b in bar.findChildren(QToolButton) if b.text() == "Save scenario…"]
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    saved = w.window.session.design.scenarios[-1]
    # At 0:00 no copy is behind (it saved 0 implicitly); an hour on they are 51.4 min behind.
    assert saved.expected == ExpectedOutcome(
        mailboxes_available=8000, databases_down=[], max_copies_behind_s=3086
    )
    # The same steps with copies expected at most a minute behind (as a file may say).
    session = w.window.session
    strict = saved.model_copy(
        update={"name": "Copies current", "expected": ExpectedOutcome(max_copies_behind_s=60)}
    )
    session.set_read_only(False)
    assert session.push(SetScenarios([*session.design.scenarios, strict]))
    session.set_read_only(True)
    (run_all,) = [b for b in bar.findChildren(QToolButton) if b.text() == "Run all scenarios"]
    QTest.mouseClick(run_all, Qt.MouseButton.LeftButton)
    verdicts = dict(w.mode.scenarios.last_run)
    assert verdicts["Fiber at 10 Mbit/s"] == []
    assert verdicts["Copies current"] == ["copies behind 51.4 min; expected at most 60 s"]
    # The sample's own four scenarios pass as before.
    kind, text = _no_modal_dialogs[-1]
    assert kind == "information" and text.startswith("5 passed, 1 failed"), text
    w.window.grab().save(str(tmp_path / "saved-at-horizon.png"))
