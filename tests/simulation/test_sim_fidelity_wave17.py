"""Wave 17, simulator fidelity leftovers (fidb17): each replayed through the user's door
(``dr-designer simulate``'s console function) on a File > New template or a sample, and
checked against DOMAIN.md §4 and the source sentence it follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.document.templates import template
from designer.entry import main
from designer.persistence import load, save


def simulate_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> dict:
    """``dr-designer simulate PATH ARGS --format json``, through the console function."""
    code = main(["simulate", str(path), *args, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def from_template(tmp_path: Path, key: str) -> Path:
    """The File > New template ``key`` saved as a design file."""
    path = tmp_path / f"{key}.drd.json"
    save(template(key), path)
    return path


def at(data: dict, kind: str) -> dict[str, float]:
    """The time of each element's event of ``kind``."""
    return {e["element"]: e["t"] for e in data["events"] if e["kind"] == kind}


# -- a VM whose disks go with its site fails with it ---------------------------------------
# DOMAIN.md §4: "Site failure → everything in it fails"; "Array failure → its LUNs and every
# VM disk on them fail; HA cannot restart VMs whose disks are gone". 000 Table 1: VM fails
# 0:40, HA restart 0:50, DAG peer detects the node failure 1:00.
def test_the_mailbox_vms_fail_with_their_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`simulate --fail Production` on File > New's two-site DAG: the timeline said the
    CAS, DC and witness VMs failed at 0:40 but nothing of PRD-MBX01 and PRD-MBX02, whose
    disks are on Production's arrays (storage lost and host down: neither the host's
    path nor the storage's said a word)."""
    data = simulate_json(capsys, from_template(tmp_path, "two_site_dag"), "--fail", "Production")
    failed = at(data, "vm_failed")
    for vm in ("vm-prd-mbx01", "vm-prd-mbx02", "vm-prd-cas01", "vm-prd-fs01"):
        assert failed.get(vm) == 40.0, vm
    refused = {e["element"]: e["text"] for e in data["events"] if e["kind"] == "ha_restart_failed"}
    assert refused["vm-prd-mbx01"] == (
        "VM PRD-MBX01 cannot be restarted by vSphere HA: its disks are gone"
    )
    detected = [e["text"] for e in data["events"] if e["kind"] == "dag_member_failed"]
    assert detected == [
        "DAG DAG01 detects the failure of member PRD-MBX01",
        "DAG DAG01 detects the failure of member PRD-MBX02",
    ]
    # The recovery site's members are untouched.
    assert "vm-dr-mbx01" not in failed


# -- a catch-up stops when its source does -------------------------------------------------
# 000 Table 1: the returning node "copies and replays the logs" of the node that mounted the
# databases; DOMAIN.md §4: a DAG copy's RPO is its copy queue. With no active copy to copy
# from, the copies stay behind.
def _link_hour_then_production(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lost: str, switchover: str
) -> dict:
    """The two-site template's WAN link down for its first hour, Production lost at
    ``lost``, the datacenter switchover at ``switchover``."""
    return simulate_json(
        capsys,
        from_template(tmp_path, "two_site_dag"),
        "--fail", "link-prd-dr@0", "--restore", "link-prd-dr@1h",
        "--fail", f"Production@{lost}", "--action", f"switchover:dag-1@{switchover}",
    )  # fmt: skip


def test_a_catch_up_stops_when_its_source_is_lost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The two-site template's WAN link is down for an hour; back at 1:00:00 the recovery
    copies catch up (replayed by 1:07:50). Production is lost at 1:02:00, before they are:
    the timeline still said "healthy again (60 min of logs copied and replayed)" at
    1:07:50, and the switchover at 1:10:00 activated them with RPO 0. They stop catching
    up when their source goes, and the switchover loses the hour they missed."""
    data = _link_hour_then_production(capsys, tmp_path, "1h2m", "1h10m")
    stopped = [e for e in data["events"] if e["kind"] == "copy_resync_stopped"]
    assert [(e["t"], e["element"]) for e in stopped] == [
        (3720.0, "vm-dr-mbx01"),
        (3720.0, "vm-dr-mbx02"),
        (3720.0, "vm-dr-mbx01"),
        (3720.0, "vm-dr-mbx02"),
    ]
    assert stopped[0]["text"] == (
        "copy of mailbox database DB01 on DR-MBX01 stops catching up (its database is "
        "mounted nowhere): still 60 min behind"
    )
    healthy = [e for e in data["events"] if e["kind"] == "copy_healthy"]
    # No "caught up" from the catch-up that stopped; once the switchover mounts each
    # database on one recovery copy, the other is as current as it (both missed the hour).
    assert all("copied and replayed" not in e["text"] for e in healthy)
    assert [(e["t"], e["element"]) for e in healthy] == [
        (3600 + 25 * 60, "vm-dr-mbx02"),  # the switchover's mounts at 1:25:00
        (3600 + 25 * 60, "vm-dr-mbx01"),
    ]
    for db in data["databases"]:
        assert db["rpo_s"] == 3600.0, db["name"]


def test_a_catch_up_that_ends_before_the_loss_is_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Production lost at 1:10:00, after the catch-up ended (1:07:50): the copies were
    healthy again, and the switchover loses nothing."""
    data = _link_hour_then_production(capsys, tmp_path, "1h10m", "1h20m")
    assert not [e for e in data["events"] if e["kind"] == "copy_resync_stopped"]
    healthy = [e["t"] for e in data["events"] if e["kind"] == "copy_healthy"]
    # 1 h of logs replayed at 000 Table 1's rate (161 s in 21 s): 7:50 after 1:00:00.
    assert healthy == pytest.approx([3600 + 3600 * 21 / 161] * 4)
    for db in data["databases"]:
        assert db["rpo_s"] == 0.0, db["name"]


# -- the quorum's events in the order the DAG lives them -----------------------------------
# DOMAIN.md §4: "A set of members that can reach each other keeps quorum while it holds
# more than half of the voters"; "Witness failure alone → no outage, but the DAG can no
# longer survive the loss of a member site: the design is one failure from an outage".
SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def quorum_texts(data: dict) -> list[tuple[float, str]]:
    kinds = {"witness_down", "dag_member_failed", "quorum_kept", "quorum_lost", "switchover"}
    return [
        (e["t"], e["text"].split(" (static quorum")[0])
        for e in data["events"]
        if e["kind"] in kinds
    ]


def test_a_two_site_dag_losing_its_witness_then_a_member(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The witness (in Production) fails, then PRD-MBX01 by itself: the quorum fell to 3
    of 5 at 6:00 with no word of which member it lost (a VM failed by itself had no
    detection event, a host's failure had), and nothing said the DAG was now one vote
    from dismounting every database."""
    data = simulate_json(
        capsys,
        from_template(tmp_path, "two_site_dag"),
        "--fail", "PRD-FS01@0", "--fail", "PRD-MBX01@5m",
    )  # fmt: skip
    assert quorum_texts(data) == [
        (0.0, "file share witness PRD-FS01 share is down; DAG DAG01 runs on but is one "
              "failure from an outage"),
        (60.0, "DAG DAG01 keeps quorum with 4 of 5 votes"),
        (360.0, "DAG DAG01 detects the failure of member PRD-MBX01"),
        (360.0, "DAG DAG01 keeps quorum with 3 of 5 votes: one vote fewer and its databases "
                "dismount"),
    ]  # fmt: skip


def test_a_witness_lost_with_members_says_no_runs_on(capsys: pytest.CaptureFixture[str]) -> None:
    """backup_options' array PHX-SAN1 holds the witness's VM and two of the three members:
    the timeline said "witness is down; DAG DAG-PHX runs on but is one failure from an
    outage" at 0:00, then "loses quorum" at 1:00. The witness's line no longer says what
    the quorum event then contradicts."""
    data = simulate_json(capsys, SAMPLES / "backup_options.json", "--fail", "arr-phx-1")
    texts = quorum_texts(data)
    assert texts[0] == (0.0, "file share witness PHX-FS01 share is down")
    assert texts[-1] == (
        60.0,
        "DAG DAG-PHX loses quorum: 1 of 3 votes reachable; its databases dismount",
    )


def test_the_alternate_witness_lost_with_its_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The witness, then Recovery (with the alternate witness): the alternate witness's
    line said "DAG DAG01 runs on but is one failure from an outage" a minute before the
    DAG lost quorum, and the switchover was offered (and ran) "with the alternate
    witness DR-FS01", which was down with its site."""
    data = simulate_json(
        capsys,
        from_template(tmp_path, "two_site_dag"),
        "--fail", "PRD-FS01@0", "--fail", "Recovery@5m", "--action", "switchover:dag-1",
    )  # fmt: skip
    texts = quorum_texts(data)
    assert (300.0, "file share witness DR-FS01 share is down; it is the alternate witness "
            "of DAG DAG01 (no vote): a datacenter switchover cannot use it") in texts  # fmt: skip
    assert (
        360.0,
        "DAG DAG01 loses quorum: 2 of 5 votes reachable; its databases dismount",
    ) in texts
    assert (360.0, "DAG DAG01: datacenter switchover stops the members in the failed site (2) "
            "and restarts the DAG with 2 members (its alternate witness DR-FS01 share is "
            "down too)") in texts  # fmt: skip
    assert texts[-1] == (420.0, "DAG DAG01 regains quorum with 2 of 3 votes: one vote fewer "
                         "and its databases dismount")  # fmt: skip


# -- copy queues take the capacity report's routes -----------------------------------------
# DOMAIN.md §4: "Replication link loss → … DAG copies across the link queue up"; the capacity
# report routes a stream round a lost link over the path with the fewest links
# (designer.workload.route). 004 (the sample's description): "with either of Redmond's links
# down the logs bound for the other site take that line: it is over budget only then".
E2007 = SAMPLES / "exchange2007_lcr_ccr_scr.json"


def _capacity_mode(capsys: pytest.CaptureFixture[str], link: str, mode: str) -> dict:
    assert main(["capacity", str(E2007), "--mode", "all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (found,) = [x for x in data["links"] if x["id"] == link]
    (row,) = [m for m in found["modes"] if m["mode_key"] == mode]
    return row


def test_a_stream_routed_round_a_lost_link_queues_where_capacity_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """RED-POR WAN fails: the SCR logs from Redmond to Portland take Redmond → Bellevue →
    Portland, over the 20 Mbit/s BEL-POR backup line. `capacity` sized that mode at 35.0
    Mbit/s Bellevue → Portland (175 %); `simulate` charged log shipping to the direct link
    only and said nothing."""
    sized = _capacity_mode(capsys, "wan-bel-por", "wan-red-por")
    assert sized["a_to_b_mbps"] == pytest.approx(34.953)
    data = simulate_json(capsys, E2007, "--fail", "wan-red-por")
    (queue,) = [e for e in data["events"] if e["kind"] == "copy_queue"]
    assert (queue["t"], queue["element"]) == (0.0, "wan-bel-por")
    assert queue["text"].startswith(
        "Exchange 2007 CCR/SCR log shipping from Bellevue to Portland needs 35.0 Mbit/s at "
        "the busiest hour and gets 20.0 of WAN link BEL-POR backup line's 20: 8 copies queue"
    )
    # And the other way: RED-BEL lost, the CCR logs to Bellevue go round by Portland.
    sized = _capacity_mode(capsys, "wan-bel-por", "wan-red-bel")
    assert sized["b_to_a_mbps"] == pytest.approx(34.953)
    data = simulate_json(capsys, E2007, "--fail", "wan-red-bel")
    (queue,) = [e for e in data["events"] if e["kind"] == "copy_queue"]
    assert queue["text"].startswith(
        "Exchange 2007 CCR/SCR log shipping from Portland to Bellevue needs 35.0 Mbit/s"
    )


@pytest.mark.parametrize(("restored", "rpo"), [(True, 0.0), (False, 856.68)])
def test_the_detours_queue_is_what_an_scr_activation_loses(
    capsys: pytest.CaptureFixture[str], restored: bool, rpo: float
) -> None:
    """The SCR target queues on the detour (the queue capacity gives that mode: 1,540 s
    behind for each hour of it); Bellevue is lost at 10 min (the queue, 257 s by then,
    stops growing: Portland is cut off) then Redmond at 20 min, and the SCR target is
    activated: it loses the queue and the 10 min it was cut off (856.68 s; fidc17),
    unless RED-POR came back first (its logs took the direct line again:
    "no longer crosses WAN link BEL-POR backup line", the queue over). The detour's first
    link (RED-BEL, 1 Gbit/s) carries the stream: it did not clear the queue the second
    link set."""
    back = ["--restore", "wan-red-por@5m"] if restored else []
    data = simulate_json(
        capsys, E2007, "--fail", "wan-red-por", *back, "--fail", "site-bel@10m",
        "--fail", "site-red@20m", "--action", "activate_scr:ex-scr",
    )  # fmt: skip
    ccr = [db for db in data["databases"] if db["name"].startswith("RED-CCR-")]
    assert {(db["active_on"], round(db["rpo_s"], 2)) for db in ccr} == {("vm-por-scr01", rpo)}
    ended = [e["text"] for e in data["events"] if e["kind"] == "copy_queue_ended"]
    assert ended == (
        [
            "log shipping from Bellevue to Portland no longer crosses WAN link BEL-POR backup "
            "line (another route): its copies no longer fall behind"
        ]
        if restored
        else []
    )


@pytest.mark.parametrize(
    "name", ["exchange2007_lcr_ccr_scr", "three_site_stretched_dag", "stretched_dag_lagged"]
)
def test_every_queue_after_a_link_loss_is_a_direction_capacity_puts_over_budget(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """One routing: for each WAN link lost alone, every link direction on which the
    simulator queues log shipping is one the capacity report's mode of that loss puts
    over its bandwidth (the report also counts mirrors and reseeds, so not the converse)."""
    path = SAMPLES / f"{name}.json"
    assert main(["capacity", str(path), "--mode", "all", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    over: dict[str, set[tuple[str, str]]] = {}
    for link in report["links"]:
        for mode in link["modes"]:
            for way, src in (("a_to_b_mbps", link["site_a"]), ("b_to_a_mbps", link["site_b"])):
                if mode[way] > link["bandwidth_mbps"]:
                    over.setdefault(mode["mode_key"], set()).add((link["id"], src))
    site_of = {e.name: e.id for e in load(path).elements if e.kind == "site"}
    queued_any = False
    for lost in [link["id"] for link in report["links"]]:
        data = simulate_json(capsys, path, "--fail", lost)
        for event in data["events"]:
            if event["kind"] != "copy_queue":
                continue
            queued_any = True
            # "… log shipping from SITE to SITE needs …": the direction it queues on.
            source = event["text"].split(" from ", 1)[1].split(" to ", 1)[0]
            assert (event["element"], site_of[source]) in over.get(lost, set()), (
                lost,
                event["text"],
            )
    assert queued_any == (name == "exchange2007_lcr_ccr_scr")


def test_an_scr_target_cut_off_loses_the_time_it_was_cut_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Both of Portland's links lost at 0: the SCR target receives nothing for an hour;
    Redmond and Bellevue then lost, its activation recovers the databases to what reached
    Portland an hour ago (DOMAIN.md §4: RPO is the copy's queue; a DAG copy cut off by a
    partition already counted it). It said RPO 0 (base), then the queue of the moment
    only the first link was down (25:40)."""
    data = simulate_json(
        capsys, E2007, "--fail", "wan-red-por", "--fail", "wan-bel-por", "--fail",
        "site-red@1h", "--fail", "site-bel@1h", "--action", "activate_scr:ex-scr",
    )  # fmt: skip
    ccr = [db for db in data["databases"] if db["name"].startswith("RED-CCR-")]
    assert len(ccr) == 8
    assert {(db["active_on"], db["rpo_s"]) for db in ccr} == {("vm-por-scr01", 3600.0)}


# -- MV006's 40 ms maximum on the timeline (rulz17) --------------------------------------
@pytest.mark.parametrize(
    ("latency", "estimate", "maximum"), [("38ms", "40 ms", True), ("20ms", "22 ms", False)]
)
def test_a_degraded_sync_link_says_the_40_ms_maximum_once_it_is_reached(
    capsys: pytest.CaptureFixture[str], latency: str, estimate: str, maximum: bool
) -> None:
    # 002 'Latency': "10 milliseconds average for log writes (< 40 ms max)"; each
    # synchronous write waits the round trip, so at an estimated 40 ms none stays under.
    sample = SAMPLES / "cx4_srm_mirrorview_s.json"
    data = simulate_json(capsys, sample, "--degrade", f"wan-phl-wil:latency={latency}@0")
    events = [e["text"] for e in data["events"] if e["kind"] == "mirror_latency"]
    # One event for the link's MirrorView/S log mirrors, as MV006 words it (wave 18).
    assert len(events) == 1 and f"log mirrors at {estimate}; Exchange needs" in events[0]
    assert "Exchange needs 10 ms average" in events[0]
    ends = "10 ms average and less than 40 ms at most, which no log write meets"
    assert events[0].endswith(ends) == maximum
