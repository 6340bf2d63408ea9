"""A DAG member vSphere HA restarts is no quorum voter until its OS runs (fidq22, from
eyes22's #4): the three-site sample with Worcester lost and Boston's host esx-bos-02
failed at once. At 1:00, when the DAG detects the failures, only BOS-MBX01 and the
Hartford witness are up (2 of 5 votes: BOS-MBX02 boots until 1:33, 000 Table 1), so the
DAG loses quorum and every database dismounts (DOMAIN.md §4 "DAG quorum"); it regains
quorum when BOS-MBX02's OS runs, and the databases mount 9 s later (as after a failure's
detection, Table 1). `simulate` said "keeps quorum with 3 of 5 votes" at 1:00 and RTO
1:09, and the order of the two --fail options changed where DB04 went (BOS-MBX02, still
booting, at 1:09)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
LOST = "1:00  DAG DAG01 loses quorum: 2 of 5 votes (BOS-MBX02 restarting); its databases dismount"
REGAINED = (
    "1:33  DAG DAG01 regains quorum with 3 of 5 votes: the operating system of BOS-MBX02 "
    "is running; its databases mount again"
)


@pytest.mark.parametrize(
    "order", [("Worcester", "esx-bos-02"), ("esx-bos-02", "Worcester")], ids=["site", "host"]
)
def test_a_restarting_member_has_no_vote_until_its_os_runs(
    capsys: pytest.CaptureFixture[str], order: tuple[str, str]
) -> None:
    code, out = run(capsys, "simulate", str(SAMPLE), "--fail", order[0], "--fail", order[1])
    assert code == 0, out
    assert LOST in out and REGAINED in out, out
    assert out.index(LOST) < out.index(REGAINED)
    assert "keeps quorum" not in out, out
    for db in ("DB01", "DB02", "DB03", "DB04"):
        assert f"1:40  mailbox database {db} begins to mount" in out, out
        assert (
            f"1:42  mailbox database {db} mounts on DAG member BOS-MBX01 once its DAG "
            "regains quorum" in out
        ), out
        # DB01 was active on BOS-MBX01 all along: it dismounts too (RTO 0:00 before), when
        # the DAG loses quorum at 1:00 (wave 23, fid23: its RTO counted from 0:00, 1:42).
        rto = "0:42" if db == "DB01" else "1:42"
        assert f"  {db}: active on BOS-MBX01; RPO 0:00, RTO {rto}; meets targets" in out, out
    assert "Mailboxes: 8,000 of 8,000 available" in out
    code, out = run(
        capsys, "simulate", str(SAMPLE), "--fail", order[0], "--fail", order[1], "--format", "json"
    )
    events = json.loads(out)["events"]
    quorum = [
        (e["t"], e["kind"]) for e in events if e["element"] == "dag-01" and "quorum" in e["kind"]
    ]
    assert quorum == [(60.0, "quorum_lost"), (93.0, "quorum_kept")], quorum


def test_a_guest_os_reset_member_has_no_vote_until_its_os_runs_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """VM monitoring resets BOS-MBX02 at 1:00 (60 s without heartbeats); its OS runs again
    at 1:43 (the catalog's 43 s boot)."""
    code, out = run(
        capsys, "simulate", str(SAMPLE), "--fail", "Worcester", "--fail-guest", "BOS-MBX02"
    )
    assert code == 0, out
    assert LOST in out, out
    assert "1:43  DAG DAG01 regains quorum with 3 of 5 votes" in out, out
    assert "  DB01: active on BOS-MBX01; RPO 0:00, RTO 0:52; meets targets" in out, out
    assert "  DB02: active on BOS-MBX01; RPO 0:00, RTO 1:52; meets targets" in out, out


def test_a_restart_the_others_outvote_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """esx-bos-02 alone: the other three members and the witness hold 4 of 5 votes while
    BOS-MBX02 boots: no quorum lost, the results as before (the N-1 sweep's)."""
    code, out = run(capsys, "simulate", str(SAMPLE), "--fail", "esx-bos-02")
    assert code == 0, out
    assert "quorum_lost" not in out and "loses quorum" not in out and "regains" not in out
    assert "  DB01: active on BOS-MBX01; RPO 0:00, RTO 0:00; meets targets" in out, out
    assert "  DB02: active on BOS-MBX01; RPO 0:00, RTO 1:09; meets targets" in out, out
