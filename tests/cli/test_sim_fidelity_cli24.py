"""Simulator fidelity leftovers (wave 24, fid24), through ``dr-designer simulate``'s
console function.

1. RTO is timed per outage, from that outage's start, and a database's RTO in the
   scenario is its longest outage's (DOMAIN.md §4: a DAG's automatic failover ≈ 1 min
   per failure; 002: "as low as a few minutes to switch over"). A second outage two
   hours after the first read an RTO of 2:01:09 (timed from the first's start).
2. The sites' users with access (``simulate --at``'s "Site Boston: …" lines, JSON
   ``sites``) are summed from the databases as they stand at the time asked: they were
   the step's settled view (4,000 of 4,000 at 1:01 while no mailbox was available).
3. A VM vSphere HA restarted on a host that fails later fails with it and is restarted
   again: its new boot counts for quorum (a member or the witness's server has no vote
   until its OS runs; fidq22, fid23). It moved silently, voting all along.
4. Log shipping going round a link down is told again when its way changes: a link of
   its detour lost too (a second detour), and a link back (its own route again).
5. A file share witness is where its server runs (its VM's host's site), as DAG015 and
   DAG017 place it: a site's loss takes it only with its server, its vote counts on
   its server's side, and a switchover's text says its alternate witness is up or down
   from there. The simulator read the site the witness states.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)
from test_sim_fidelity_cli23 import SAMPLES, THREE_SITE, simulate  # simulate: its JSON

DAG_WITH_HA = SAMPLES / "dag_with_ha.json"


def database(data: dict, name: str) -> dict:
    (found,) = [db for db in data["databases"] if db["name"] == name]
    return found


def texts(data: dict, kind: str) -> list[tuple[float, str]]:
    return [(e["t"], e["text"]) for e in data["events"] if e["kind"] == kind]


# -- 1. RTO per outage ----------------------------------------------------------------
def test_a_second_outage_is_timed_from_its_own_start(capsys: pytest.CaptureFixture[str]) -> None:
    """esx-den-01 at 0:00 (DB01 to DEN-MBX02 at 1:09), DEN-MBX02 lost at 2:00:00 (DB01 back
    on DEN-MBX01 at 2:01:09): each outage took 1:09, and so does the scenario's RTO."""
    data = simulate(capsys, DAG_WITH_HA, "--fail", "esx-den-01@0", "--fail", "vm-den-mbx02@2h")
    db01 = database(data, "DEN-DB01")
    assert db01["state"] == "active"
    assert db01["rto_s"] == 69.0  # 7269 before
    assert (
        "down again from T+2:00:00: RTO 69 s for this outage, 69 s for an earlier one"
        in (db01["reason"])
    )
    assert db01["meets_targets"] is True
    code, out = run(
        capsys, "simulate", str(DAG_WITH_HA), "--fail", "esx-den-01@0", "--fail", "vm-den-mbx02@2h"
    )
    assert code == 0
    assert "DEN-DB01: active on DEN-MBX01; RPO 0:00, RTO 1:09; meets targets" in out, out


def test_the_longest_outage_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Boston and Hartford (the witness's site) lost: the switchover mounts DB01 on
    Worcester at 16:00 (from 1:00, when the DAG lost quorum); esx-wor-01 lost two hours
    on moves it in 1:09. Its RTO stays 16:00 (the first outage's), and the database's
    reason and its timeline event say why."""
    data = simulate(
        capsys,
        THREE_SITE,
        *("--fail", "site-hfd@0", "--fail", "site-bos@0"),
        *("--action", "switchover:dag-01", "--fail", "esx-wor-01@2h"),
    )
    db01 = database(data, "DB01")
    assert (db01["active_on"], db01["rto_s"]) == ("vm-wor-mbx02", 960.0)  # 7269 before
    why = (
        "down again from T+2:00:00: back in 69 s this time; its RTO stays 16 min, an earlier "
        "outage's: each outage is timed from its own start, and the longest counts"
    )
    assert why in db01["reason"]
    assert any(why in text for _t, text in texts(data, "db_active")), data["events"]


# -- 2. the sites at the time asked ------------------------------------------------------
@pytest.mark.parametrize(
    ("at", "boston", "worcester"),
    [("30", 2000, 0), ("61", 0, 0), ("103", 4000, 4000)],
)
def test_the_sites_users_with_access_follow_the_time_asked(
    capsys: pytest.CaptureFixture[str], at: str, boston: int, worcester: int
) -> None:
    """Worcester and esx-bos-02 lost at 0:00: at 0:30 Boston's DB01 (2,000 mailboxes,
    on BOS-MBX01 up all along) is served, the rest still failing over; at 1:01 the DAG
    has no quorum (until 1:33); at 1:43 all are back. The sites said 4,000 and 4,000
    (the settled view) at each time."""
    fail = ("--fail", "Worcester", "--fail", "esx-bos-02", "--at", at)
    data = simulate(capsys, THREE_SITE, *fail)
    sites = {s["name"]: s["users_with_access"] for s in data["sites"] if s["users"]}
    assert sites == {"Boston": boston, "Worcester": worcester}, data["sites"]
    assert data["mailboxes"]["available"] == boston + worcester
    via = {s["name"]: s["via"] for s in data["sites"]}
    assert via["Boston"] == (["casarr-bos"] if boston else []), data["sites"]
    code, out = run(capsys, "simulate", str(THREE_SITE), *fail)
    assert code == 0
    assert f"Site Boston: {boston:,} of 4,000 users with access" in out, out


# -- 3. a second vSphere HA restart ---------------------------------------------------------
def test_a_member_restarted_again_has_no_vote_until_its_os_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """esx-den-02 at 0:00 restarts DEN-MBX02 on esx-den-01; esx-den-01 and DEN-MBX04 lost
    at 2:00:00: DEN-MBX01 and DEN-MBX02 both restart, and the DAG (2 of 5 votes without
    them) has no quorum from 2:01:00 until their OS runs at 2:01:33. DEN-MBX02 stayed up
    ("keeps quorum with 4 of 5"), and DB01 mounted on it at 2:01:09."""
    data = simulate(
        capsys,
        DAG_WITH_HA,
        *("--fail", "esx-den-02@0", "--fail", "esx-den-01@2h", "--fail", "vm-den-mbx04@2h"),
    )
    assert (7240.0, "VM DEN-MBX02 fails") in texts(data, "vm_failed")
    restarts = [text for t, text in texts(data, "ha_restart") if t == 7250.0]
    assert any(text.startswith("VM DEN-MBX02 restarted by vSphere HA") for text in restarts)
    lost = texts(data, "quorum_lost")
    assert lost and lost[-1][0] == 7260.0, lost
    assert "2 of 5 votes (DEN-MBX01 and DEN-MBX02 restarting)" in lost[-1][1]
    db01 = database(data, "DEN-DB01")
    assert (db01["active_on"], db01["rto_s"]) == ("vm-den-mbx03", 102.0)
    at = simulate(
        capsys,
        DAG_WITH_HA,
        *("--fail", "esx-den-02@0", "--fail", "esx-den-01@2h", "--fail", "vm-den-mbx04@2h"),
        *("--at", "2h1m10s"),
    )
    assert at["dags"][0]["quorum"] is False
    assert at["mailboxes"]["available"] == 0


def test_a_witness_server_restarted_again_is_away_until_its_os_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """esx-den-02 at 0:00 restarts the witness server DEN-FS01 on esx-den-03; esx-den-03
    and DEN-MBX04 lost at 2:00:00: DEN-FS01 restarts again, its share is away until
    2:01:33, and the DAG loses quorum meanwhile (it kept "4 of 5" with the witness
    voting all along, and nothing said DEN-FS01 went down)."""
    data = simulate(
        capsys,
        DAG_WITH_HA,
        *("--fail", "esx-den-02@0", "--fail", "esx-den-03@2h", "--fail", "vm-den-mbx04@2h"),
    )
    away = texts(data, "witness_away")
    assert len(away) == 2, away
    assert away[1][0] == 7240.0
    assert "until its operating system runs at T+2:01:33" in away[1][1]
    lost = texts(data, "quorum_lost")
    assert lost and lost[-1][0] == 7260.0, lost
    assert "(DEN-MBX03 and witness server DEN-FS01 restarting)" in lost[-1][1]
    assert (
        7293.0,
        "file share witness DEN-FS01 share is back: the operating system "
        "of its server DEN-FS01 is running",
    ) in texts(data, "witness_up")


# -- 4. a second detour, and the way back ---------------------------------------------------
def _parallel_link(folder: Path) -> Path:
    """The three-site sample with a second Boston–Worcester link (another carrier)."""
    data = json.loads(THREE_SITE.read_text(encoding="utf-8"))
    elements = data["design"]["elements"]
    (fiber,) = [e for e in elements if e["id"] == "wan-bos-wor"]
    elements.append(
        {
            **fiber,
            "id": "wan-bos-wor-2",
            "name": "BOS-WOR MPLS (carrier 3)",
            "failure_domain": "carrier3-bos-wor",
            "bandwidth_mbps": 1000.0,
            "rtt_ms": 3.0,
        }
    )
    path = folder / "parallel-link.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_second_detour_and_the_way_back_are_told(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = simulate(
        capsys,
        _parallel_link(tmp_path),
        *("--fail", "wan-bos-wor@0", "--fail", "wan-bos-wor-2@10m"),
        *("--restore", "wan-bos-wor-2@1h", "--restore", "wan-bos-wor@2h"),
    )
    what = "log shipping between Boston and Worcester (8 database copies)"
    assert texts(data, "copy_rerouted") == [
        (
            0.0,
            f"{what} goes round WAN link BOS-WOR dark fiber, over WAN link BOS-WOR MPLS "
            "(carrier 3)",
        ),
        (
            600.0,
            f"{what} goes round WAN links BOS-WOR dark fiber and BOS-WOR MPLS (carrier 3) "
            "by Hartford, over WAN links BOS-HFD MPLS (carrier 1) and WOR-HFD MPLS (carrier 2)",
        ),
        (
            3600.0,
            f"{what} goes round WAN link BOS-WOR dark fiber, over WAN link BOS-WOR MPLS "
            "(carrier 3)",
        ),
    ]
    assert texts(data, "copy_route_back") == [
        (7200.0, f"{what} takes its own route again, over WAN link BOS-WOR dark fiber")
    ]


def test_a_link_back_is_told_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    data = simulate(capsys, THREE_SITE, "--fail", "wan-bos-wor@0", "--restore", "wan-bos-wor@1h")
    assert [t for t, _text in texts(data, "copy_rerouted")] == [0.0]
    assert texts(data, "copy_route_back") == [
        (
            3600.0,
            "log shipping between Boston and Worcester (8 database copies) takes its own "
            "route again, over WAN link BOS-WOR dark fiber",
        )
    ]


# -- 5. a witness is where its server runs ---------------------------------------------------
def _witness_served_from(folder: Path, vm: str, host: str, lun: str) -> Path:
    """The three-site sample with the witness server ``vm`` (and its OS disk) moved to
    ``host`` (and ``lun``) in another site than the one its witness states (DAG017)."""
    data = json.loads(THREE_SITE.read_text(encoding="utf-8"))
    for element in data["design"]["elements"]:
        if element["id"] == vm:
            element["host"] = host
        if element["id"] == f"{vm}-os":
            element["lun"] = lun
    path = folder / f"{vm}-on-{host}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_witness_goes_down_with_its_server_s_site_not_the_one_it_states(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """HFD-FS01 share states Hartford, its server runs in Worcester: Hartford and
    Boston lost leave Worcester's two members with the witness, 3 of 5 votes, and the
    databases fail over by themselves (the base: the witness "down" with Hartford, no
    quorum, every database waiting for a switchover)."""
    design = _witness_served_from(tmp_path, "vm-hfd-fs01", "esx-wor-01", "lun-wor-1-os")
    _code, out = run(capsys, "check", str(design))
    assert "DAG017" in out
    data = simulate(capsys, design, "--fail", "Hartford", "--fail", "Boston")
    assert not [e for e in data["events"] if e["element"] == "fsw-hfd"], data["events"]
    kept = texts(data, "quorum_kept")
    assert kept and kept[-1][1].startswith("DAG DAG01 keeps quorum with 3 of 5 votes"), kept
    assert data["mailboxes"]["available"] == 8000
    assert {db["active_on"] for db in data["databases"]} == {"vm-wor-mbx01", "vm-wor-mbx02"}


def test_a_switchover_names_its_alternate_witness_up_where_its_server_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """WOR-FS01 alt. witness states Worcester, its server runs in Boston: Worcester and
    Hartford lost, the switchover offered is "with the alternate witness WOR-FS01 alt.
    witness" (the base: "its alternate witness … is down too", and a witness_down
    event for it at 0:00)."""
    design = _witness_served_from(tmp_path, "vm-wor-fs01", "esx-bos-01", "lun-bos-1-os")
    data = simulate(capsys, design, "--fail", "Worcester", "--fail", "Hartford")
    assert [a["label"] for a in data["actions_available"]] == [
        "datacenter switchover of DAG DAG01 with the alternate witness WOR-FS01 alt. witness"
    ]
    assert not [e for e in data["events"] if e["element"] == "fsw-wor"], data["events"]
    switched = simulate(
        capsys, design, "--fail", "Worcester", "--fail", "Hartford", "--action", "switchover"
    )
    (said,) = texts(switched, "switchover")
    assert said[1].endswith("and the alternate witness WOR-FS01 alt. witness"), said
    assert switched["mailboxes"]["available"] == 8000


def test_a_database_back_from_an_earlier_outage_is_mounted_until_its_dag_loses_quorum(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """esx-bos-01 at 0:00 moves DB01 to BOS-MBX02 (1:09); Worcester and Hartford lost at
    2:00:00 leave Boston without quorum from 2:01:00 (the DAG's detection). DB01, back
    from its first outage, is mounted until then as DB02 on the same member is, and its
    switchover's RTO counts from then (it read waiting from 2:00:00: 16:00)."""
    fail = ("--fail", "esx-bos-01@0", "--fail", "Worcester@2h", "--fail", "Hartford@2h")
    at = simulate(capsys, THREE_SITE, *fail, "--at", "2h30s")
    assert [(db["name"], db["state"]) for db in at["databases"][:2]] == [
        ("DB01", "active"),
        ("DB02", "active"),
    ], at["databases"]
    final = simulate(capsys, THREE_SITE, *fail, "--action", "switchover")
    assert [db["rto_s"] for db in final["databases"]] == [900.0, 900.0, 960.0, 960.0]
