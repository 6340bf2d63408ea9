"""A saved scenario is judged at its horizon (eyes21): a WAN link degraded below what
the DAG's copies need at 0:00 sets a copy queue going that the state at 0:00 does not
show. ``check --scenarios``, the review report and ``diff`` judge it where the window's
timeline ends (an hour of the queue's growth), or at the time its expectation states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.domain import ExpectedOutcome, SavedScenario, ScenarioStep
from designer.entry import main
from designer.persistence import load, save

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
#: BOS-WOR at 10 Mbit/s: the copies need 69.9 at the busiest hour, 51.4 min behind an hour.
STEP = ScenarioStep(action="degrade", target="wan-bos-wor", bandwidth_mbps=10.0)


def _design_with(tmp_path: Path, *expected: ExpectedOutcome) -> Path:
    design = load(SAMPLE)
    scenarios = [
        SavedScenario(name=f"dark fiber at 10 Mbit/s #{i + 1}", steps=[STEP], expected=e)
        for i, e in enumerate(expected)
    ]
    path = tmp_path / "degraded.json"
    save(design.model_copy(update={"scenarios": scenarios}), path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_a_copy_queue_is_judged_at_the_scenario_s_horizon(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _design_with(
        tmp_path,
        # What the state at 0:00 says (eyes21's saved expectation), with copies current:
        # at 0:00 it holds, an hour on the copies are 51.4 min behind.
        ExpectedOutcome(mailboxes_available=8000, databases_down=[], max_copies_behind_s=0),
        # The same, judged at the time the user states: 0:00.
        ExpectedOutcome(mailboxes_available=8000, max_copies_behind_s=0, at_s=0),
        # What the scenario causes: passes.
        ExpectedOutcome(mailboxes_available=8000, max_copies_behind_s=3600),
    )
    code, out = run(capsys, "check", str(path), "--scenarios")
    assert code == 1
    assert (
        "scenario dark fiber at 10 Mbit/s #1: FAIL: copies behind 51.4 min; "
        "expected at most 0 s" in out
    ), out
    assert "scenario dark fiber at 10 Mbit/s #2: pass" in out
    assert "scenario dark fiber at 10 Mbit/s #3: pass" in out
    code, out = run(capsys, "check", str(path), "--scenarios", "--format", "json")
    first, at_zero, causes = json.loads(out)["scenarios"]
    assert first["result"] == "fail" and first["actual"]["at_s"] == 3600
    assert first["actual"]["max_copies_behind_s"] == pytest.approx(3085, abs=1)
    assert first["diverged_at_step"] == 1 and first["diverged_at_s"] == 0
    assert at_zero["actual"] == {**at_zero["actual"], "at_s": 0, "max_copies_behind_s": 0}
    assert causes["result"] == "pass"


def test_the_review_report_shows_the_state_it_judges(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _design_with(tmp_path, ExpectedOutcome(mailboxes_available=8000))
    html = tmp_path / "review.html"
    code, _ = run(capsys, "report", str(path), "-o", str(html))
    assert code == 0
    text = html.read_text(encoding="utf-8")
    section = text[text.index("dark fiber at 10 Mbit/s #1") :]
    assert "Databases at T+1:00:00 (the end of the scenario" in section
    # Each database's why: its copies' queue an hour on, not "not affected" (0:00's).
    assert section.count("copies behind 51.4 min") == 4, section[:3000]


def test_diff_reads_a_scenario_at_its_horizon(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = ExpectedOutcome(mailboxes_available=8000, max_copies_behind_s=0)
    before = _design_with(tmp_path, expected)
    after = tmp_path / "wider.json"
    design = load(before)
    # The dark fiber's 10 Mbit/s step now degrades a link the copies do not use.
    steps = [STEP.model_copy(update={"target": "wan-bos-hfd"})]
    scenario = design.scenarios[0].model_copy(update={"steps": steps})
    save(design.model_copy(update={"scenarios": [scenario]}), after)
    code, out = run(capsys, "diff", str(before), str(after), "--format", "json")
    assert code == 1  # the designs differ
    (changed,) = json.loads(out)["scenarios"]
    assert changed["before"]["copies behind s"] == pytest.approx(3085, abs=1)
    assert changed["after"]["copies behind s"] == 0
    assert (changed["before"]["meets expected"], changed["after"]["meets expected"]) == (
        False,
        True,
    )
