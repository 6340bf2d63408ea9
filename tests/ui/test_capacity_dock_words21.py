"""The Capacity dock's status line when no double or site-plus-one failure is simulated
(wave 21, fixn21, eyes21 #3): "…, none simulated: no pair is predicted to add mailboxes
to a member", not "0 simulated (those predicted to load a member
most)". Through ``dr-designer gui FILE`` and the dock's tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_capacity_window import capacity_panel

from designer.persistence import load, save

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def test_the_docks_status_says_none_is_simulated(launch: Any, qtbot: Any, tmp_path: Path) -> None:
    design = load(SAMPLE)
    # (A design imported before its mailboxes are known: eyes21's calculator export.)
    zero = {"mailboxes": 0}
    elements = [
        e.model_copy(update=zero) if e.kind == "mailbox_database" else e for e in design.elements
    ]
    path = tmp_path / "no-mailboxes.json"
    save(design.model_copy(update={"elements": elements}), path)
    window = launch(path)
    window.resize(1600, 1000)
    panel = capacity_panel(window)
    qtbot.waitUntil(lambda: "pairs ranked" in panel.summary.text(), timeout=30_000)
    window.grab().save(str(tmp_path / "capacity-none-simulated.png"))
    if (shots := Path("/tmp/fixn21-shots")).is_dir():
        panel.grab().save(str(shots / "capacity-none-simulated.png"))
    text = panel.summary.text()
    assert "36 pairs ranked by the activation preferences, none simulated: no pair is " in text
    assert "0 simulated" not in text
