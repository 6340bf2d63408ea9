"""``dr-designer simulate`` / ``analyze`` / ``check --scenarios``: output and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from designer.cli.main import main
from designer.domain import ExpectedOutcome, SavedScenario, ScenarioStep
from designer.persistence import save

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulation"))
import sim_designs as designs


@pytest.fixture
def stretched(tmp_path: Path) -> Path:
    path = tmp_path / "stretched.json"
    save(designs.stretched_dag(witness_site="s1"), path)
    return path


@pytest.fixture
def dag_ha(tmp_path: Path) -> Path:
    path = tmp_path / "dag.json"
    save(designs.dag_with_ha(), path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_json_shape(capsys: pytest.CaptureFixture[str], dag_ha: Path) -> None:
    code, out, _ = run(capsys, "simulate", str(dag_ha), "--fail", "s1-esx1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"databases", "dags", "sites", "events", "actions_available", "mailboxes"}
    db1 = next(d for d in data["databases"] if d["id"] == "db1")
    assert {"id", "name", "state", "active_on", "rpo_s", "rto_s", "meets_targets"} <= set(db1)
    assert db1["active_on"] == "dag2" and db1["rto_s"] == 69
    assert data["dags"][0]["quorum"] is True
    assert {"id", "name", "users", "users_with_access", "via"} <= set(data["sites"][0])
    assert {"t", "element", "kind", "text", "source"} <= set(data["events"][0])
    assert data["mailboxes"] == {"total": 2000, "available": 2000}


def test_simulate_at_shows_the_failover_window(
    capsys: pytest.CaptureFixture[str], dag_ha: Path
) -> None:
    code, out, _ = run(
        capsys, "simulate", str(dag_ha), "--fail", "s1-h1", "--at", "60", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0
    assert data["mailboxes"]["available"] == 1000
    assert max(e["t"] for e in data["events"]) <= 60


def test_simulate_text_and_actions(capsys: pytest.CaptureFixture[str], stretched: Path) -> None:
    code, out, _ = run(capsys, "simulate", str(stretched), "--fail", "S1")
    assert code == 0
    assert "NO quorum" in out and "switchover:dag" in out
    assert "Mailboxes: 0 of 4,000 available" in out
    code, out, _ = run(
        capsys, "simulate", str(stretched), "--fail", "S1", "--action", "switchover@600"
    )
    assert code == 0
    assert "Mailboxes: 4,000 of 4,000 available" in out
    assert "25:00" in out  # 600 s + 900 s switchover


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fail", "nowhere"], "no element"),
        (["--fail", "DAG1"], "cannot fail"),
        (["--fail", "S1", "--at", "-5"], "--at"),
        (["--fail", "S1", "--at", "soon"], "--at"),
        (["--fail", "S2", "--action", "switchover:dag"], "not available"),
        (["--action", "teleport"], "unknown action"),
    ],
)
def test_simulate_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], stretched: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "simulate", str(stretched), *argv)
    assert code == 2
    assert message in err
    assert out == ""


def test_analyze_text_and_json(capsys: pytest.CaptureFixture[str], stretched: Path) -> None:
    code, out, _ = run(capsys, "analyze", str(stretched))
    assert code == 0
    assert "1. S1 (s1): 4,000 mailboxes affected" in out
    code, out, _ = run(capsys, "analyze", str(stretched), "--depth", "2", "--format", "json")
    data = json.loads(out)
    assert data["depth"] == 2
    assert data["single_points_of_failure"][0]["elements"] == ["s1"]


def test_check_scenarios_pass_and_fail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    design = designs.dag_with_ha().model_copy(
        update={
            "scenarios": [
                SavedScenario(
                    name="host failure",
                    steps=[ScenarioStep(action="fail", target="s1-h1")],
                    expected=ExpectedOutcome(mailboxes_available=2000, max_rto_s=120),
                ),
                SavedScenario(
                    name="site lost",
                    steps=[ScenarioStep(action="fail", target="s1")],
                    expected=ExpectedOutcome(databases_down=[]),
                ),
            ]
        }
    )
    path = tmp_path / "scen.json"
    save(design, path)
    code, out, _ = run(capsys, "check", str(path), "--scenarios")
    assert "scenario host failure: pass" in out
    assert "scenario site lost: FAIL: databases down DB1, DB2; expected none" in out
    assert code == 1
    passing = design.model_copy(update={"scenarios": design.scenarios[:1]})
    save(passing, path)
    code, out, _ = run(capsys, "check", str(path), "--scenarios")
    assert "1 of 1 scenarios pass" in out
