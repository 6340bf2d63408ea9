"""Simulator fidelity leftovers (wave 23, fid23), through ``dr-designer simulate``'s
console function.

1. A DAG that loses quorum until members vSphere HA restarted run their OS again
   (fidq22) dismounts its databases when it detects the failures (000 Table 1: "DAG node
   failure detected" at 1:00): a database mounted on a member up all along stays mounted
   until then. ``simulate --at 30`` showed it waiting from 0:00 and its RTO counted from
   0:00 (1:42, where its users lost it for 42 s).
2. A file share witness whose server vSphere HA restarts (or VM monitoring resets) is
   away until that server's OS runs (000 Table 1: 1:33): no vote meanwhile (DOMAIN.md §4
   "DAG quorum"; alone, "no outage, but ... one failure from an outage"). It counted as
   up all along: Worcester lost with Hartford's witness host kept quorum "3 of 5".
3. "loses quorum" was told twice: steps of one second (two arrays at 0:00) and a DAG
   already without quorum losing more votes (or judged inside a restart's gap).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from design_variants import hartford_in_ha
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
THREE_SITE = SAMPLES / "three_site_stretched_dag.json"


def simulate(capsys: pytest.CaptureFixture[str], design: Path, *args: str) -> dict:
    code, out = run(capsys, "simulate", str(design), *args, "--format", "json")
    assert code == 0, out
    data: dict = json.loads(out)
    return data


def quorum_events(data: dict, dag: str) -> list[tuple[float, str, str]]:
    return [
        (e["t"], e["kind"], e["text"])
        for e in data["events"]
        if e["element"] == dag and e["kind"] in ("quorum_lost", "quorum_kept")
    ]


def states(data: dict) -> dict[str, tuple[str, str | None, float | None]]:
    return {db["name"]: (db["state"], db["active_on"], db["rto_s"]) for db in data["databases"]}


@pytest.fixture
def hartford_ha(tmp_path: Path) -> Path:
    return hartford_in_ha(tmp_path)


# -- 1. the databases wait from the DAG's detection, not from the step ------------------
def test_a_database_stays_mounted_until_its_dag_detects_the_quorum_loss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Worcester and Boston's esx-bos-02 lost at 0:00: DB01, active on BOS-MBX01 (up all
    along), serves its 2,000 mailboxes until the DAG loses quorum at 1:00, and is back at
    1:42: RTO 0:42. The DAG reads quorum until 1:00, none from 1:00 to 1:33."""
    fail = ("--fail", "Worcester", "--fail", "esx-bos-02")
    at_30 = simulate(capsys, THREE_SITE, *fail, "--at", "30")
    assert states(at_30)["DB01"] == ("active", "vm-bos-mbx01", 0.0), at_30["databases"]
    assert {n: s[0] for n, s in states(at_30).items() if n != "DB01"} == {
        "DB02": "waiting",
        "DB03": "waiting",
        "DB04": "waiting",
    }
    assert at_30["mailboxes"]["available"] == 2000
    assert at_30["dags"][0]["quorum"] is True
    at_61 = simulate(capsys, THREE_SITE, *fail, "--at", "61")
    assert {s[0] for s in states(at_61).values()} == {"waiting"}, at_61["databases"]
    assert {db["reason"] for db in at_61["databases"]} == {"DAG DAG01 has no quorum until T+1:33"}
    assert at_61["mailboxes"]["available"] == 0
    assert (at_61["dags"][0]["quorum"], at_61["dags"][0]["votes"]) == (False, 2)
    at_95 = simulate(capsys, THREE_SITE, *fail, "--at", "95")
    assert at_95["dags"][0]["quorum"] is True  # regained at 1:33, mounting until 1:42
    final = states(simulate(capsys, THREE_SITE, *fail))
    assert final["DB01"] == ("active", "vm-bos-mbx01", 42.0)
    assert {final[n][2] for n in ("DB02", "DB03", "DB04")} == {102.0}


# -- 2. a witness whose server restarts has no vote until its OS runs --------------------
def test_a_restarting_witness_server_costs_the_quorum_of_a_site_loss(
    capsys: pytest.CaptureFixture[str], hartford_ha: Path
) -> None:
    """Worcester lost with Hartford's host esx-hfd-01: Boston's two members hold 2 of 5
    votes while HA restarts HFD-FS01 (0:50) and it boots (1:33): the DAG loses quorum at
    1:00 and regains it at 1:33; its databases mount at 1:42 (they activated at 1:09)."""
    data = simulate(capsys, hartford_ha, "--fail", "Worcester", "--fail", "esx-hfd-01")
    assert [(t, k) for t, k, _ in quorum_events(data, "dag-01")] == [
        (60.0, "quorum_lost"),
        (93.0, "quorum_kept"),
    ]
    lost, kept = (text for _, _, text in quorum_events(data, "dag-01"))
    assert lost.startswith(
        "DAG DAG01 loses quorum: 2 of 5 votes (witness server HFD-FS01 restarting); its "
        "databases dismount"
    ), lost
    assert kept.startswith(
        "DAG DAG01 regains quorum with 3 of 5 votes: the operating system of witness server "
        "HFD-FS01 is running"
    ), kept
    final = states(data)
    assert final["DB01"] == ("active", "vm-bos-mbx01", 42.0)  # mounted until 1:00
    assert final["DB03"] == ("active", "vm-bos-mbx01", 102.0)  # Worcester's: from 0:00
    away = [e for e in data["events"] if e["element"] == "fsw-hfd"]
    assert [(e["t"], e["kind"]) for e in away] == [(40.0, "witness_away"), (93.0, "witness_up")]
    # With its host restored before the failures, the witness votes: 3 of 5 at 1:00.
    data = simulate(capsys, hartford_ha, "--fail", "Worcester")
    assert [k for _, k, _ in quorum_events(data, "dag-01")] == ["quorum_kept"]
    assert states(data)["DB03"] == ("active", "vm-bos-mbx01", 69.0)


def test_a_witness_restart_alone_is_no_outage_but_says_the_dag_is_exposed(
    capsys: pytest.CaptureFixture[str], hartford_ha: Path
) -> None:
    data = simulate(capsys, hartford_ha, "--fail", "esx-hfd-01")
    assert quorum_events(data, "dag-01") == []
    texts = {e["kind"]: (e["t"], e["text"]) for e in data["events"] if e["element"] == "fsw-hfd"}
    assert texts["witness_away"] == (
        40.0,
        "file share witness HFD-FS01 share is away while vSphere HA restarts its "
        "server HFD-FS01, until its operating system runs at T+1:33; DAG DAG01 runs on but "
        "is one failure from an outage until then",
    )
    assert texts["witness_up"][0] == 93.0
    assert {s[2] for s in states(data).values()} == {0.0}
    assert data["mailboxes"]["available"] == 8000


def test_a_witness_reset_by_vm_monitoring_has_no_vote_until_its_os_runs_again(
    capsys: pytest.CaptureFixture[str], hartford_ha: Path
) -> None:
    """HFD-FS01's guest OS fails at 0:00: VM monitoring resets it at 1:00, it runs again at
    1:43 (the catalog's 60 s + 43 s)."""
    data = simulate(capsys, hartford_ha, "--fail", "Worcester", "--fail-guest", "HFD-FS01")
    assert [(t, k) for t, k, _ in quorum_events(data, "dag-01")] == [
        (60.0, "quorum_lost"),
        (103.0, "quorum_kept"),
    ]
    assert states(data)["DB03"] == ("active", "vm-bos-mbx01", 112.0)


def test_a_witness_restarted_at_an_earlier_step_votes_once_its_os_runs(
    capsys: pytest.CaptureFixture[str], hartford_ha: Path
) -> None:
    """Worcester lost at 0:20 is detected at 1:20 while HFD-FS01 boots until 1:33: no
    quorum from 1:20 to 1:33. Lost at 1:00, it is detected at 2:00: the witness runs
    again and votes (3 of 5)."""
    for worcester_at, expected in (
        ("20", [(80.0, "quorum_lost"), (93.0, "quorum_kept")]),
        ("60", [(120.0, "quorum_kept")]),
    ):
        data = simulate(
            capsys, hartford_ha, "--fail", "esx-hfd-01@0", "--fail", f"Worcester@{worcester_at}"
        )
        assert [(t, k) for t, k, _ in quorum_events(data, "dag-01")] == expected, worcester_at


# -- 3. "loses quorum" once ------------------------------------------------------------
@pytest.mark.parametrize(("second_at", "lost_at"), [("0", 60.0), ("30", 60.0)])
def test_a_dag_already_without_quorum_does_not_lose_it_again(
    capsys: pytest.CaptureFixture[str], second_at: str, lost_at: float
) -> None:
    """backup_options: PHX-SAN1 holds two of DAG-PHX's three members, PHX-SAN2 the third.
    Both at 0:00 are one judgement at 1:00 ("0 of 3"); the second at 0:30 finds the DAG
    without quorum already (it said "loses quorum: 0 of 3" again at 1:30)."""
    data = simulate(
        capsys,
        SAMPLES / "backup_options.json",
        "--fail",
        "arr-phx-1@0",
        "--fail",
        f"arr-phx-2@{second_at}",
    )
    events = quorum_events(data, "dag-phx")
    assert [(t, k) for t, k, _ in events] == [(lost_at, "quorum_lost")], events
    votes = "0 of 3" if second_at == "0" else "1 of 3"
    assert f"loses quorum: {votes} votes reachable" in events[0][2]


def test_one_second_s_failures_are_one_quorum_judgement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Three DAG-DEN members failed at 0:00 said "keeps quorum with 4 of 5", "keeps quorum
    with 3 of 5" and "loses quorum: 2 of 5", all at 1:00."""
    args = ("--fail", "vm-den-mbx01", "--fail", "vm-den-mbx02", "--fail", "vm-den-mbx03")
    data = simulate(capsys, SAMPLES / "dag_with_ha.json", *args)
    events = quorum_events(data, "dag-den")
    assert [(t, k) for t, k, _ in events] == [(60.0, "quorum_lost")], events
    assert "loses quorum: 2 of 5 votes reachable" in events[0][2]
    data = simulate(capsys, SAMPLES / "dag_with_ha.json", *args[:4])
    events = quorum_events(data, "dag-den")
    assert [(t, k) for t, k, _ in events] == [(60.0, "quorum_kept")], events
    assert "keeps quorum with 3 of 5 votes: one vote fewer" in events[0][2]


def test_a_failure_inside_a_restart_gap_does_not_lose_quorum_twice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Worcester and esx-bos-02 at 0:00 (no quorum from 1:00 until BOS-MBX02 runs at
    1:33), then BOS-MBX01 at 0:30: the DAG never regains quorum. It said "loses quorum"
    at 1:00 and again at 1:30; the switchover is offered from 1:00."""
    data = simulate(
        capsys,
        THREE_SITE,
        "--fail",
        "Worcester@0",
        "--fail",
        "esx-bos-02@0",
        "--fail",
        "BOS-MBX01@30",
    )
    events = quorum_events(data, "dag-01")
    assert [(t, k) for t, k, _ in events] == [(60.0, "quorum_lost")], events
    assert {a["since_s"] for a in data["actions_available"] if "switchover" in a["key"]} == {60.0}
    assert {db["state"] for db in data["databases"]} == {"waiting"}


def test_the_quorum_events_name_every_server_restarting_and_the_votes_regained(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """dag_with_ha: esx-den-01 and esx-den-02 at 0:00 (DEN-MBX01; DEN-MBX02 and the
    witness server DEN-FS01): DEN-MBX03 and DEN-MBX04 hold 2 of 5 votes until the three
    run their OS at 1:33 (the witness counted as up: "keeps quorum with 3 of 5" before)."""
    data = simulate(
        capsys, SAMPLES / "dag_with_ha.json", "--fail", "esx-den-01", "--fail", "esx-den-02"
    )
    events = quorum_events(data, "dag-den")
    assert [(t, k) for t, k, _ in events] == [(60.0, "quorum_lost"), (93.0, "quorum_kept")]
    assert events[0][2].startswith(
        "DAG DAG-DEN loses quorum: 2 of 5 votes (DEN-MBX01, DEN-MBX02 and witness server "
        "DEN-FS01 restarting); its databases dismount"
    ), events[0][2]
    assert events[1][2].startswith(
        "DAG DAG-DEN regains quorum with 5 of 5 votes: the operating systems of DEN-MBX01, "
        "DEN-MBX02 and witness server DEN-FS01 are running"
    ), events[1][2]


def test_a_witness_server_restarted_again_is_away_until_its_second_boot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """DEN-FS01, restarted on esx-den-03 at 0:50, loses that host at 1:00: HA restarts it
    again at 1:50 and it runs at 2:33; the timeline says the witness is away until then."""
    data = simulate(
        capsys,
        SAMPLES / "dag_with_ha.json",
        "--fail",
        "esx-den-02@0",
        "--fail",
        "esx-den-03@60",
    )
    told = [(e["t"], e["kind"], e["text"]) for e in data["events"] if e["element"] == "fsw-den"]
    assert [(t, k) for t, k, _ in told] == [
        (40.0, "witness_away"),
        (60.0, "witness_away"),
        (153.0, "witness_up"),
    ]
    assert told[0][2].endswith("until its operating system runs at T+1:33")
    assert told[1][2].endswith("until its operating system runs at T+2:33")


def test_a_database_up_all_along_stays_mounted_until_a_plain_quorum_loss_is_detected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Hartford (the witness) and Worcester lost at 0:00: Boston's two members hold 2 of 5
    votes. DB01 and DB02, on them, are served until the DAG detects the loss at 1:00 (the
    db_waiting events said 1:00 while the state read them down from 0:00); after the
    datacenter switchover (mounted at 16:00) their RTO counts from 1:00: 15:00 (16:00)."""
    fail = ("--fail", "Hartford", "--fail", "Worcester")
    at_30 = states(simulate(capsys, THREE_SITE, *fail, "--at", "30"))
    assert (at_30["DB01"][0], at_30["DB02"][0]) == ("active", "active"), at_30
    assert (at_30["DB03"][0], at_30["DB04"][0]) == ("waiting", "waiting"), at_30
    at_61 = states(simulate(capsys, THREE_SITE, *fail, "--at", "61"))
    assert {s[0] for s in at_61.values()} == {"waiting"}, at_61
    final = states(simulate(capsys, THREE_SITE, *fail, "--action", "switchover:dag-01"))
    assert {n: s[2] for n, s in final.items()} == {
        "DB01": 900.0,
        "DB02": 900.0,
        "DB03": 960.0,
        "DB04": 960.0,
    }
