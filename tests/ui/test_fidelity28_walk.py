"""A site's loss with quorum kept, and the words that lead a newcomer there (wave 28,
``fidelity28``; eyes27 items 3, 4, 9, 10), through ``dr-designer gui FILE`` (a click on
the DAG, the Inspector's intent, F5, a click on the site, the timeline and the Results
read as the user reads them), File > New and ``dr-designer report``.

The design is the newcomer's own after DAG013's fix (``third_site_witness_newcomer``:
BOS-MBX01 and WOR-MBX01 in DAG01, the witness FSW-01 in a third site Hartford linked to
both, intent Manual, a new DAG's):

1. Losing Boston kept quorum and ended "needs an administrator: datacenter switchover
   (manual site failover intent)" with no word of why. That is right for intent Manual
   (000 §5.1.1: activating the DR facility as "a conscious decision"); with Automatic,
   the surviving site fails over by itself (000 §5.3.1 Fig. 12). Now the timeline and
   the Results say that the intent, not the quorum, waits, and the Inspector says what
   each intent does under the field; chosen there, Automatic fails over at 1:09.
2. DAG004's fix led the newcomer to a third member, an odd count that took the
   witness's vote away: it now asks for a second member in each site. DAG013's fix
   says the witness pays only with intent Automatic.
3. File > New > Two-site DAG: DAG002 read "its witness PRD-FS01 witness".
4. The review report's inventory called Hartford, holding only the witness,
   "Production".
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLabel
from test_capacity_window import simulate
from test_fidelity27_walk import _row  # a results row by its database's name
from test_sim_leftovers_window25 import _end  # F5's results settled at the scenario's end
from test_table_keys19 import _click_element  # a box clicked in its header

from designer.persistence import load, save
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import ProblemsPanel
from designer.ui.simulation.results_table import WHY

DATA = Path(__file__).resolve().parent / "data"
NEWCOMER = DATA / "third_site_witness_newcomer.drd.json"
SHOTS = Path("/tmp/fidelity28-shots")

HOLDS = (
    "DAG DAG01 keeps quorum, but its site failover intent is Manual: activating its copy "
    "in site Worcester is an administrator's decision; with intent Automatic it would "
    "fail over by itself"
)


def _shot(window: Any, name: str, qtbot: Any = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if qtbot is not None:  # the timeline drawn once its events settle
        qtbot.waitUntil(lambda: not window.simulation.timeline.held, timeout=3000)
    QApplication.processEvents()
    window.grab().save(str(SHOTS / f"{name}.png"))


def _intent_note(window: Any) -> str:
    """The grey line under the DAG's *Failover intent* in the Inspector, as shown."""
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "dag-1"
    editor = inspector.editors["failover_intent"]
    notes = [n for n in editor.findChildren(QLabel, "fieldNote") if n.isVisible()]
    return notes[0].text() if notes else ""


def _problems(window: Any) -> dict[str, list[str]]:
    """The Problems panel's rows as the user reads them: code → messages."""
    panel = next(d.widget() for d in window.docks if isinstance(d.widget(), ProblemsPanel))
    model = panel.table.model()
    rows: dict[str, list[str]] = {}
    for r in range(model.rowCount()):
        rows.setdefault(str(model.index(r, 1).data()), []).append(str(model.index(r, 2).data()))
    return rows


def test_boston_lost_with_the_witness_in_hartford_says_the_intent_waits_not_the_quorum(
    qtbot: Any, launch: Any
) -> None:
    window = launch(NEWCOMER)  # dr-designer gui FILE
    window.resize(1280, 800)
    _click_element(window, "dag-1")
    note = _intent_note(window)
    assert note == (
        "Manual: a member site's loss waits for an administrator's datacenter switchover, "
        "even with quorum kept by a witness in a third site. Automatic fails over by itself."
    ), note
    _shot(window, "dag-intent-manual")
    simulate(window, qtbot)  # F5
    _click_element(window, "site-1")  # Boston
    assert [s.target for s in window.simulation.controller.steps] == ["site-1"]
    _end(window, qtbot)
    said = [(e.t, e.text) for e in window.simulation.timeline._events]
    assert (
        60.0,
        "mailbox database DB01 is down (BOS-MBX01 is down; " + HOLDS + "); waiting for an "
        "administrator: datacenter switchover of DAG DAG01 (manual site failover intent)",
    ) in said, said
    assert any(text.startswith("DAG DAG01 keeps quorum with 2 of 3 votes") for _t, text in said)
    row = _row(window.simulation.results.table, "DB01")
    assert row[1] == "waiting", row
    assert row[WHY] == (
        "BOS-MBX01 is down; " + HOLDS + "; needs an administrator: datacenter switchover of "
        "DAG DAG01 (manual site failover intent)"
    ), row
    _shot(window, "boston-lost-manual", qtbot)


def test_intent_automatic_chosen_in_the_inspector_fails_boston_over_by_itself(
    qtbot: Any, launch: Any
) -> None:
    window = launch(NEWCOMER)
    window.resize(1280, 800)
    _click_element(window, "dag-1")
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    combo = inspector.editors["failover_intent"].editor
    assert isinstance(combo, QComboBox) and combo.currentText() == "Manual"
    combo.setFocus()
    while combo.currentText() != "Automatic":  # the keys a user presses on the closed combo
        QTest.keyClick(combo, Qt.Key.Key_Up if combo.currentIndex() else Qt.Key.Key_Down)
    qtbot.waitUntil(
        lambda: window.session.document.get("dag-1").failover_intent == "automatic",
        timeout=5000,
    )
    qtbot.waitUntil(lambda: _intent_note(window).startswith("Automatic:"), timeout=5000)
    assert "a member site's loss fails over by itself" in _intent_note(window)
    _shot(window, "dag-intent-automatic")
    simulate(window, qtbot)
    _click_element(window, "site-1")
    _end(window, qtbot)
    said = [(e.t, e.text) for e in window.simulation.timeline._events]
    assert (69.0, "mailbox database DB01 activates on DAG member WOR-MBX01") in said, said
    assert not any("switchover" in text or "site failover intent" in text for _t, text in said)
    assert _row(window.simulation.results.table, "DB01")[1:3] == ["active", "WOR-MBX01"]
    _shot(window, "boston-lost-automatic", qtbot)


def test_the_fixes_of_dag004_and_dag013_say_where_members_and_the_witness_pay(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    window = launch(NEWCOMER)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: "DAG004" in _problems(window), timeout=10000)
    assert _problems(window)["DAG004"] == [
        "database DB01 has 1 non-lagged copy in its primary site Boston; local high "
        "availability needs 2: add a DAG member in site Boston for it, and one in site "
        "Worcester too: a second member in each site keeps the witness voting (with 3 "
        "members it has no vote) and the sites' member counts equal (DAG001)"
    ]
    _shot(window, "dag004-in-problems")
    # Before the fix DAG013 asked for: the same design without its witness.
    design = load(NEWCOMER)
    bare = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"witness": None}) if e.id == "dag-1" else e
                for e in design.elements
                if e.id != "fsw-1"
            ],
            "layout": {k: v for k, v in design.layout.items() if k != "fsw-1"},
        }
    )
    path = tmp_path / "no-witness.drd.json"
    save(bare, path)
    window = launch(path)
    qtbot.waitUntil(lambda: "DAG013" in _problems(window), timeout=10000)
    (dag013,) = _problems(window)["DAG013"]
    assert dag013.endswith(
        "give it a file share witness: in a third site linked to both member sites, it "
        "keeps the DAG's quorum when a member site fails, and the other site's copies then "
        "activate by themselves only with site failover intent Automatic (with Manual they "
        "wait for a datacenter switchover)"
    ), dag013


def test_the_two_site_templates_dag002_names_its_witness_once(qtbot: Any, launch: Any) -> None:
    window = launch()  # dr-designer gui
    window.resize(1280, 800)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()  # File > New > Two-site DAG
    qtbot.waitUntil(lambda: window.session.design.name == "Two-site DAG", timeout=3000)
    qtbot.waitUntil(lambda: "DAG002" in _problems(window), timeout=10000)
    (dag002,) = _problems(window)["DAG002"]
    assert dag002.startswith(
        "DAG DAG01 has its witness PRD-FS01 share in member site Production;"
    ), dag002
    assert "witness witness" not in dag002 and "FS01 witness" not in dag002
    _shot(window, "two-site-template")


def test_the_review_reports_inventory_says_hartford_is_a_witness_site(tmp_path: Path) -> None:
    page_path = tmp_path / "review.html"
    assert console_main()(["report", str(NEWCOMER), "-o", str(page_path)]) == 0
    page = page_path.read_text(encoding="utf-8")
    cells = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    ]
    hartford = [c for c in cells if c.startswith("Hartford ")]
    assert hartford and hartford[0].startswith(
        "Hartford Witness site (role stated: Production): file share witness FSW-01, no "
        "Exchange server"
    ), hartford
    boston = [c for c in cells if c.startswith("Boston Production")]
    assert boston, cells[:20]  # a datacenter keeps its stated role
