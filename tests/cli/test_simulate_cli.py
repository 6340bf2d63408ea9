"""``dr-designer simulate`` / ``analyze`` / ``check --scenarios``: output and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from designer.domain import ExpectedOutcome, SavedScenario, ScenarioStep
from designer.entry import main
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
    assert set(data) == {
        "databases", "dags", "sites", "events", "actions_available", "mailboxes", "steps"
    }  # fmt: skip
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


# -- issue 14: timed sequences, --fail-on, scenario verdicts in JSON and SARIF ------------
@pytest.fixture
def mirrorview(tmp_path: Path) -> Path:
    path = tmp_path / "mv.json"
    save(designs.mirrorview_srm(), path)
    return path


@pytest.fixture
def lagged(tmp_path: Path) -> Path:
    path = tmp_path / "lagged.json"
    save(designs.lagged_dr(), path)
    return path


def test_timed_steps_are_the_saved_scenarios_steps(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # s2 isolated at 0, s1 lost at 10 minutes, s2 back to the witness a second later:
    # DB1 comes up on b1 missing 601 s of logs (as the same saved scenario does).
    steps = [
        ScenarioStep(at_s=0, action="fail", target="l12"),
        ScenarioStep(at_s=0, action="fail", target="l23"),
        ScenarioStep(at_s=600, action="fail", target="s1"),
        ScenarioStep(at_s=601, action="restore", target="l23"),
    ]
    design = designs.stretched_dag().model_copy(
        update={"scenarios": [SavedScenario(name="partition", steps=steps)]}
    )
    path = tmp_path / "timed.json"
    save(design, path)
    code, out, _ = run(
        capsys, "simulate", str(path), "--fail", "s1-s2@0", "--restore", "s2-s3@601",
        "--fail", "S1@10m", "--fail", "s2-s3", "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert [ScenarioStep.model_validate(s) for s in data["steps"]] == steps
    db1 = next(d for d in data["databases"] if d["id"] == "db1")
    assert db1["active_on"] == "b1" and db1["rpo_s"] == 601 and isinstance(db1["rto_s"], float)
    from designer.simulation import Simulator

    assert Simulator(design).run(design.scenarios[0]).to_json() == {
        k: v for k, v in data.items() if k != "steps"
    }


def test_corrupt_and_recovery_point_from_the_command_line(
    capsys: pytest.CaptureFixture[str], lagged: Path
) -> None:
    code, out, _ = run(
        capsys, "simulate", str(lagged), "--corrupt", "DB1@1h", "--action",
        "activate_lagged_copy:DB1@2h", "--recovery-point", "DB1=30m", "--format", "json",
    )  # fmt: skip
    assert code == 0
    db1 = next(d for d in json.loads(out)["databases"] if d["id"] == "db1")
    assert db1["state"] == "active" and db1["rpo_s"] == 1800  # 30 min before the corruption


def test_degrade_and_guest_failure_from_the_command_line(
    capsys: pytest.CaptureFixture[str], mirrorview: Path, dag_ha: Path
) -> None:
    # Half the bandwidth doubles MirrorView/A's transfer: 30 min interval + 30 min.
    code, out, _ = run(
        capsys, "simulate", str(mirrorview), "--degrade", "p-r:bandwidth=20Mbps,latency=20ms@0",
        "--fail", "p@1h", "--action", "run_recovery_plan:plan@1h5m", "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert next(d for d in data["databases"] if d["id"] == "db1")["rpo_s"] == 3600
    assert any(e["kind"] == "link_degraded" for e in data["events"])
    code, out, _ = run(capsys, "simulate", str(dag_ha), "--fail-guest", "dag1@5m")
    assert code == 0
    assert "VM monitoring" in out and "Mailboxes: 2,000 of 2,000 available" in out


def test_an_action_without_a_time_runs_when_it_becomes_possible(
    capsys: pytest.CaptureFixture[str], stretched: Path
) -> None:
    # issue 14, item 7: "Actions with no time run at the moment they become possible."
    code, out, _ = run(
        capsys, "simulate", str(stretched), "--fail", "S1", "--action", "switchover",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    taken = [e for e in data["events"] if e["kind"] == "admin_action"]
    assert [e["t"] for e in taken] == [60]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fail", "S1@soon"], "time of --fail"),
        (["--degrade", "s1-s2:jitter=5@0"], "unknown setting"),
        (["--degrade", "S1:latency=5ms"], "only a WAN link"),
        (["--recovery-point", "DB1"], "DATABASE=TIME"),
        (["--fail-guest", "S1"], "only a VM"),
    ],
)
def test_timed_options_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], stretched: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "simulate", str(stretched), *argv)
    assert code == 2 and message in err and out == ""


def test_unknown_fail_on_condition_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], stretched: Path
) -> None:
    assert main(["simulate", str(stretched), "--fail-on", "everything"]) == 2
    assert "invalid choice: 'everything'" in capsys.readouterr().err


def test_fail_on_mailboxes_lost_and_targets_missed(
    capsys: pytest.CaptureFixture[str], stretched: Path, dag_ha: Path
) -> None:
    code, _, err = run(capsys, "simulate", str(stretched), "--fail", "S1",
                       "--fail-on", "mailboxes-lost")  # fmt: skip
    assert code == 1 and "mailboxes-lost: 4,000 of 4,000 mailboxes" in err
    code, _, err = run(capsys, "simulate", str(stretched), "--fail", "S1",
                       "--fail-on", "targets-missed")  # fmt: skip
    assert code == 1 and "targets-missed: 2 databases" in err
    # a host failure in a DAG with HA loses nothing and meets the targets
    code, _, err = run(capsys, "simulate", str(dag_ha), "--fail", "s1-h1",
                       "--fail-on", "mailboxes-lost", "--fail-on", "targets-missed")  # fmt: skip
    assert code == 0 and err == ""
    code, _, err = run(capsys, "analyze", str(stretched), "--fail-on", "mailboxes-lost")
    assert code == 1 and "mailboxes-lost" in err and "S1" in err
    code, _, _ = run(capsys, "analyze", str(stretched), "--fail-on", "targets-missed")
    assert code == 1
    three = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
    code, _, err = run(capsys, "analyze", str(three), "--fail-on", "targets-missed")
    assert (code == 1) == ("targets-missed" in err)


def _scenario_design(tmp_path: Path) -> Path:
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
                    steps=[
                        ScenarioStep(action="fail", target="s1-h3"),
                        ScenarioStep(at_s=60, action="fail", target="s1"),
                    ],
                    expected=ExpectedOutcome(databases_down=[]),
                ),
            ]
        }
    )
    path = tmp_path / "scen.json"
    save(design, path)
    return path


def test_check_scenarios_json_carries_each_verdict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "check", str(_scenario_design(tmp_path)), "--scenarios",
                         "--format", "json")  # fmt: skip
    assert code == 1 and err == ""
    data = json.loads(out)
    passed, failed = data["scenarios"]
    assert passed["name"] == "host failure" and passed["result"] == "pass"
    assert passed["actual"]["mailboxes_available"] == 2000
    assert failed["result"] == "fail"
    assert failed["expected"] == {"databases_down": []}
    assert failed["actual"]["databases_down"] == ["db1", "db2"]
    assert failed["diverged_at_step"] == 2 and failed["diverged_at_s"] == 60
    assert data["scenario_summary"] == {"passed": 1, "failed": 1}


def test_check_scenarios_sarif_carries_each_verdict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "check", str(_scenario_design(tmp_path)), "--scenarios",
                       "--format", "sarif")  # fmt: skip
    assert code == 1
    run_ = json.loads(out)["runs"][0]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    scenario = [r for r in run_["results"] if r["ruleId"] == "SCENARIO"]
    assert [r["kind"] for r in scenario] == ["pass", "fail"]
    assert [r["level"] for r in scenario] == ["none", "error"]
    assert all(rules[r["ruleIndex"]] == "SCENARIO" for r in scenario)
    failed = scenario[1]
    assert "diverged at step 2" in failed["message"]["text"]
    assert failed["properties"]["actual"]["databases_down"] == ["db1", "db2"]
    assert failed["locations"][0]["logicalLocations"][0] == {"name": "site lost",
                                                              "kind": "scenario"}  # fmt: skip
