"""A copy queue grows while its link is short and drains once it carries more (wave 17,
fidc17), replayed through ``dr-designer simulate``'s console function on File > New's
two-site DAG with four databases planned (``dr-designer plan-copies``).

DOMAIN.md §4: "DAG copies: copy queue length (0 when healthy)" is the RPO of a failover
to them; "Replication link loss → … DAG copies across the link queue up". eyes17: PRD-DR
WAN degraded, the event said the 8 copies were "17.1 min behind (a failover to them
loses it)", and ``simulate … --at 2h`` still said 17.1 min: a failover a minute after
the degradation lost the busiest hour's whole queue.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.document.templates import template
from designer.entry import main
from designer.persistence import save

#: (1 − 50 / 69.9) × 3600: how far the copies fall behind in each hour at 50 Mbit/s.
PER_HOUR = 1025.08


@pytest.fixture
def planned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """File > New's two-site DAG, Plan copies with 4 databases, saved."""
    empty = tmp_path / "two-site.drd.json"
    save(template("two_site_dag"), empty)
    out = tmp_path / "planned.drd.json"
    code = main(["plan-copies", str(empty), "--dag", "DAG01", "--databases", "4", "-o", str(out)])
    assert code == 0
    capsys.readouterr()
    return out


def simulate(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> str:
    assert main(["simulate", str(path), *args]) == 0
    return capsys.readouterr().out


def databases(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> list[dict]:
    data = json.loads(simulate(capsys, path, *args, "--format", "json"))
    return data["databases"]


SHORT = ("--degrade", "PRD-DR WAN:bandwidth=50Mbps@0")


def test_the_queue_grows_with_the_time_the_link_is_short(
    capsys: pytest.CaptureFixture[str], planned: Path
) -> None:
    """The event gives the rate; the databases' lines say how far behind their copies are
    at --at (RPO still 0: nothing failed over), an hour's worth at 1 h, twice at 2 h."""
    text = simulate(capsys, planned, *SHORT, "--at", "1h")
    assert (
        "8 copies queue 8,542 logs an hour, 17.1 min behind for each hour the link stays "
        "short (a failover to them loses the queue)"
    ) in text
    assert (
        "  DB01: active on PRD-MBX01; RPO 0:00, RTO 0:00; meets targets; copies 17:05 behind"
        in text
    )
    assert text.count("copies 17:05 behind") == 4
    assert simulate(capsys, planned, *SHORT, "--at", "2h").count("copies 34:10 behind") == 4
    for at, hours in (("30m", 0.5), ("1h", 1), ("2h", 2)):
        dbs = databases(capsys, planned, *SHORT, "--at", at)
        assert {round(db["copies_behind_s"], 2) for db in dbs} == {round(PER_HOUR * hours, 2)}
        assert {db["rpo_s"] for db in dbs} == {0.0}
    # Before it starts, and on the full link, nothing is behind (the key is absent).
    assert all("copies_behind_s" not in db for db in databases(capsys, planned, "--at", "1h"))


@pytest.mark.parametrize("lost_at", [60, 3600, 7200])
def test_a_failover_loses_the_queue_of_the_moment(
    capsys: pytest.CaptureFixture[str], planned: Path, lost_at: int
) -> None:
    """Production lost at 1 min, 1 h or 2 h, the DAG switched over to Recovery: the RPO is
    the queue when Production went (it was the hour's 17:05 at any time)."""
    dbs = databases(
        capsys, planned, *SHORT, "--fail", f"Production@{lost_at}", "--action", "switchover:dag-1"
    )
    assert {db["active_on"][:6] for db in dbs} == {"vm-dr-"}
    assert {round(db["rpo_s"], 1) for db in dbs} == {round(PER_HOUR * lost_at / 3600, 1)}


def test_the_queue_drains_once_the_link_carries_more(
    capsys: pytest.CaptureFixture[str], planned: Path
) -> None:
    """Restored at 1 h, the full 1 Gbit/s link carries the 69.9 Mbit/s and catches up on
    the rest: 17.1 min of logs in 77 s (1,025 s ÷ (1000 / 69.9 − 1)); Production lost
    during the catch-up loses what is left, after it nothing."""
    back = (*SHORT, "--restore", "PRD-DR WAN@1h")
    text = simulate(capsys, planned, *back)
    assert (
        "log shipping from Production to Recovery fits WAN link PRD-DR WAN again: its copies "
        "no longer fall behind and catch up on 17.1 min of logs in 77 s"
    ) in text
    drain = 1000 / 69.9 - 1
    halfway = databases(capsys, planned, *back, "--at", "3630")
    assert {round(db["copies_behind_s"]) for db in halfway} == {round(PER_HOUR - 30 * drain)}
    assert all(
        "copies_behind_s" not in db for db in databases(capsys, planned, *back, "--at", "1h2m")
    )
    switch = ("--action", "switchover:dag-1")
    during = databases(capsys, planned, *back, "--fail", "Production@3630", *switch)
    assert {round(db["rpo_s"]) for db in during} == {round(PER_HOUR - 30 * drain)}
    after = databases(capsys, planned, *back, "--fail", "Production@1h5m", *switch)
    assert {db["rpo_s"] for db in after} == {0.0}
