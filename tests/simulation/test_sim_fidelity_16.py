"""Wave 16, simulator fidelity (fida16): what eyes15 and fixb15 found the simulator
saying against DOMAIN.md §4 and the sources, each replayed through the user's door
(``dr-designer simulate``'s console function) or the simulator the window runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.entry import main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def simulate_json(capsys: pytest.CaptureFixture[str], name: str, *args: str) -> dict:
    """``dr-designer simulate SAMPLE ARGS --format json``, through the console function."""
    code = main(["simulate", str(SAMPLES / name), *args, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def texts(data: dict, kind: str) -> list[str]:
    return [e["text"] for e in data["events"] if e["kind"] == kind]


# -- the db_waiting event names the actions as the database lines do ---------------------
def test_a_waiting_database_event_names_the_action_by_its_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Losing Atlanta leaves DAG-ATL without quorum: its databases wait for a datacenter
    switchover. The timeline said "waiting for an administrator: switchover:dag-atl" (the
    CLI's --action key) while the database line and the window's Why say "datacenter
    switchover of DAG DAG-ATL"."""
    data = simulate_json(capsys, "stretched_dag_lagged.json", "--fail", "site-atl@0")
    waiting = texts(data, "db_waiting")
    assert waiting, data["events"]
    for text in waiting:
        assert text.endswith("waiting for an administrator: datacenter switchover of DAG DAG-ATL")
        assert "switchover:" not in text
    reasons = [db["reason"] for db in data["databases"] if db["state"] == "waiting"]
    assert reasons and all("datacenter switchover of DAG DAG-ATL" in r for r in reasons)


# -- an SCR copy falls behind on the link share capacity gives it -------------------------
def _capacity_direction(capsys: pytest.CaptureFixture[str], link: str, mode: str) -> dict:
    assert main(["capacity", str(SAMPLES / E2007), "--mode", "all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (found,) = [x for x in data["links"] if x["id"] == link]
    (row,) = [m for m in found["modes"] if m["mode_key"] == mode]
    worst = found["worst"]
    assert worst["mode"] == row["mode"]
    return worst["a_to_b"]


E2007 = "exchange2007_lcr_ccr_scr.json"


def test_losing_redmond_queues_the_scr_copies_on_the_backup_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The sample's CCR cluster fails over to RED-CCR-N2 in Bellevue, which then ships
    its logs to the SCR target in Portland over the 20 Mbit/s BEL-POR line: 35 Mbit/s
    at the busiest hour. Capacity said the SCR copies fall ~1,540 s behind; the
    simulator gave no event and the SCR copy stayed current."""
    sized = _capacity_direction(capsys, "wan-bel-por", "site-red")
    assert sized["copy_behind_s"] == pytest.approx(1540.1, abs=0.1)
    data = simulate_json(capsys, E2007, "--fail", "site-red@0")
    (queue,) = [e for e in data["events"] if e["kind"] == "copy_queue"]
    assert queue["element"] == "wan-bel-por"
    assert queue["t"] == 120  # once the CCR databases mount on RED-CCR-N2 and ship
    assert queue["text"].startswith(
        "Exchange 2007 CCR/SCR log shipping from Bellevue to Portland needs 35.0 Mbit/s "
        "at the busiest hour and gets 20.0 of WAN link BEL-POR backup line's 20: 8 copies "
        f"queue {sized['copy_queue_logs']:,} logs an hour, 25.7 min behind"
    )


def test_activating_the_scr_target_after_losing_bellevue_too_loses_the_queue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Then Bellevue is lost an hour later: activating the SCR target recovers the
    databases to what reached Portland, the queue's length (DOMAIN §4: a DAG copy's RPO
    is its copy queue length), not to RPO 0: from 2:00 to 1:00:00 the copies fall 1,540 s
    behind an hour (capacity's figure), 1,489 s in all (wave 17, fidc17: the queue grows
    while the link is short; it was the hour's 1,540 s whenever the failover came)."""
    sized = _capacity_direction(capsys, "wan-bel-por", "site-red")
    args = ["--fail", "site-red@0", "--fail", "site-bel@1h", "--action", "activate_scr:ex-scr"]
    data = simulate_json(capsys, E2007, *args)
    ccr = [db for db in data["databases"] if db["name"].startswith("RED-CCR-")]
    assert len(ccr) == 8
    for db in ccr:
        assert (db["state"], db["active_on"]) == ("active", "vm-por-scr01")
        assert db["rpo_s"] == pytest.approx(sized["copy_behind_s"] * 3480 / 3600, abs=0.1)
    # Without the Redmond loss the CCR node in Redmond ships over the 100 Mbit/s line:
    # nothing queues, and the SCR target is current.
    data = simulate_json(
        capsys, E2007, "--fail", "site-bel@0", "--fail", "site-red@1h", "--action",
        "activate_scr:ex-scr",
    )  # fmt: skip
    assert not [e for e in data["events"] if e["kind"] == "copy_queue"]
    assert {db["rpo_s"] for db in data["databases"] if db["name"].startswith("RED-CCR-")} == {0}


def test_a_saved_scenario_without_events_gives_the_same_rpo() -> None:
    """A saved scenario's verdict runs the simulator without events: the queue's RPO
    is the same there."""
    from designer.domain import ScenarioStep
    from designer.persistence import load
    from designer.simulation import Simulator

    sim = Simulator(load(SAMPLES / E2007))
    steps = [
        ScenarioStep(action="fail", target="site-red"),
        ScenarioStep(action="fail", target="site-bel", at_s=3600),
        ScenarioStep(action="admin", admin_action="activate_scr", target="ex-scr", at_s=3600),
    ]
    with_events = sim.run(steps).final.database("db-red-ccr-sg1")
    without = sim.run(steps, events=False).final.database("db-red-ccr-sg1")
    assert with_events.rpo_s == without.rpo_s == pytest.approx(1540.06 * 3480 / 3600, abs=0.01)


# -- a host back before vSphere HA restarted its VMs ---------------------------------------
def _chain(data: dict, after: float) -> list[tuple[float, str, str]]:
    kinds = {"host_failure_detected", "vm_failed", "ha_restart", "ha_restart_failed", "vm_os_up"}
    return [
        (e["t"], e["kind"], e["element"])
        for e in data["events"]
        if e["kind"] in kinds and e["t"] > after
    ]


def test_a_host_back_at_0_10_calls_off_its_ha_restart(capsys: pytest.CaptureFixture[str]) -> None:
    """esx-den-01 fails and is back 10 s later: the timeline went on "ESXi host
    esx-den-01 failure detected" at 0:32, "VM DEN-MBX01 fails" at 0:40 and "restarted
    by vSphere HA on host esx-den-02" at 0:50 (000 Table 1's clock), none of which can
    happen to a host that is back. Its VMs, powered off with it, start again on it and
    boot from the restore (Table 1: 43 s from the restart to the OS running)."""
    data = simulate_json(
        capsys, "dag_with_ha.json", "--fail", "esx-den-01@0", "--restore", "esx-den-01@10"
    )
    assert _chain(data, 10) == [
        (53.0, "vm_os_up", "vm-den-mbx01"),
        (53.0, "vm_os_up", "vm-den-vdp01"),
    ]
    back = [e for e in data["events"] if e["kind"] == "vm_restarted_with_host"]
    assert [(e["t"], e["element"]) for e in back] == [
        (10.0, "vm-den-mbx01"),
        (10.0, "vm-den-vdp01"),
    ]
    assert back[0]["text"] == (
        "VM DEN-MBX01 starts again on host esx-den-01, back before vSphere HA restarted it "
        "elsewhere"
    )
    healthy = [e["t"] for e in data["events"] if e["kind"] == "copies_healthy"]
    assert healthy == [10 + 182 - 50]  # Table 1: healthy 2:12 after the restart at 0:50
    # DEN-MBX01 is still booting when its DAG detects the failure (1:00): DEN-DB01
    # fails over as before.
    (db01,) = [db for db in data["databases"] if db["name"] == "DEN-DB01"]
    assert (db01["active_on"], db01["rto_s"]) == ("vm-den-mbx02", 69.0)


def test_a_host_back_after_the_restart_keeps_it(capsys: pytest.CaptureFixture[str]) -> None:
    """Back at 0:55, after HA restarted the VMs elsewhere at 0:50: the restart and the
    boot there happened; nothing is called off."""
    data = simulate_json(
        capsys, "dag_with_ha.json", "--fail", "esx-den-01@0", "--restore", "esx-den-01@55"
    )
    assert _chain(data, 0) == [
        (32.0, "host_failure_detected", "esx-den-01"),
        (40.0, "vm_failed", "vm-den-mbx01"),
        (40.0, "vm_failed", "vm-den-vdp01"),
        (50.0, "ha_restart", "vm-den-mbx01"),
        (50.0, "ha_restart", "vm-den-vdp01"),
        (93.0, "vm_os_up", "vm-den-mbx01"),
        (93.0, "vm_os_up", "vm-den-vdp01"),
    ]
    assert not [e for e in data["events"] if e["kind"] == "vm_restarted_with_host"]


# -- what a later step makes not happen leaves the timeline ---------------------------------
def test_a_failover_overtaken_by_a_site_loss_leaves_the_timeline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """esx-den-01 fails (DEN-DB01 to mount on DEN-MBX02 at 1:09, DEN-MBX01 to restart on
    esx-den-02 at 0:50), then all of Denver is lost at 0:30: the mount and the restart
    stayed on the timeline, on a DAG down without quorum and hosts that are gone."""
    data = simulate_json(
        capsys, "dag_with_ha.json", "--fail", "esx-den-01@0", "--fail", "site-den@30"
    )
    later = [(e["t"], e["kind"], e["element"]) for e in data["events"] if e["t"] > 30]
    for kind in ("db_mounting", "db_active", "ha_restart", "vm_os_up", "copy_resync",
                 "copies_healthy"):  # fmt: skip
        assert kind not in {k for _t, k, _e in later}, later
    assert (90.0, "quorum_lost", "dag-den") in later
    # The state agrees: every database down from 0:30 on.
    assert {db["state"] for db in data["databases"]} == {"down"}
    assert data["mailboxes"]["available"] == 0


# -- a copy away while its database was dismounted part of the time ------------------------
def test_a_copy_misses_only_the_logs_written_while_its_database_ran() -> None:
    """Site s1 (two members and the witness) is lost at 0: the DAG loses quorum and its
    databases wait, dismounted, for the datacenter switchover (possible at 1:00), which
    mounts them on b1 in s2 at 16:00; s1 is back at 20:00. Its members' copies missed the
    logs b1 wrote from 16:00 to 20:00, 4 minutes' worth: the simulator counted the whole
    20-minute absence (fixb15 fixed only a database dismounted the whole time)."""
    import sim_designs

    from designer.domain import ScenarioStep
    from designer.simulation import simulate

    steps = [
        ScenarioStep(action="fail", target="s1"),
        ScenarioStep(action="admin", admin_action="switchover", target="dag"),
        ScenarioStep(action="restore", target="s1", at_s=1200),
    ]
    result = simulate(sim_designs.stretched_dag(witness_site="s1"), steps)
    assert {e.t for e in result.events if e.kind == "db_active"} == {960}
    healthy = sorted((e.element, e.text) for e in result.events if e.kind == "copy_healthy")
    assert len(healthy) == 3
    # DB2, active on b1 in s2, stays mounted until the DAG detects its loss of quorum at
    # 1:00 (wave 23, fid23): a2's copy missed that minute too.
    assert [text.rsplit(": ", 1)[1] for _, text in healthy] == [
        "4 min of logs copied and replayed",
        "4 min of logs copied and replayed",
        "5 min of logs copied and replayed",
    ], healthy


@pytest.mark.parametrize("name", ["dag_with_ha", "backup_options", "exchange2007_lcr_ccr_scr"])
def test_no_event_contradicts_the_state_after_a_second_failure(name: str) -> None:
    """Every pair of sites, hosts, arrays and links of a sample, the second failing
    10, 30 or 65 s after the first (before, between and after Table 1's HA restart at
    0:50 and mount at 1:09): at the time of each event dated after the second step,
    a database said to activate is active, and a VM said to restart or to boot is up.
    Before, the first step's foreseen events stayed whatever the second did (364
    contradictions over the samples)."""
    import itertools

    from designer.bundled import sample
    from designer.domain import ScenarioStep
    from designer.persistence import load
    from designer.simulation import Simulator

    sim = Simulator(load(sample(name)))
    kinds = ("site", "esxi_host", "storage_array", "wan_link")
    elements = [e.id for e in sim.design.elements if e.kind in kinds]
    wrong = []
    for a, b in itertools.permutations(elements, 2):
        for dt in (10.0, 30.0, 65.0):
            steps = [
                ScenarioStep(action="fail", target=a),
                ScenarioStep(action="fail", target=b, at_s=dt),
            ]
            result = sim.run(steps)
            for e in result.events:
                if e.t <= dt:
                    continue
                state = result.state_at(e.t + 1e-6)
                if e.kind == "db_active" and state.database(e.element).state != "active":
                    wrong.append((a, b, dt, e.text))
                if e.kind in ("ha_restart", "vm_os_up") and e.element in state.down:
                    wrong.append((a, b, dt, e.text))
    assert wrong == []


def test_a_queue_ends_only_when_the_link_carries_its_copies_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The backup line itself lost after the queue began: its copies receive nothing
    (still behind, no word of the queue ending), and its return queues them again. A
    degraded link restored says its copies no longer fall behind."""
    data = simulate_json(capsys, E2007, "--fail", "site-red@0", "--fail", "wan-bel-por@1h")
    assert [e["t"] for e in data["events"] if e["kind"] == "copy_queue"] == [120]
    assert not [e for e in data["events"] if e["kind"] == "copy_queue_ended"]
    args = ["--fail", "site-red@0", "--fail", "wan-bel-por@1h", "--restore", "wan-bel-por@2h"]
    data = simulate_json(capsys, E2007, *args)
    assert [e["t"] for e in data["events"] if e["kind"] == "copy_queue"] == [120, 7200]
    data = simulate_json(
        capsys, "stretched_dag_lagged.json", "--degrade", "wan-atl-clt:bandwidth=5Mbps@0",
        "--restore", "wan-atl-clt@1h",
    )  # fmt: skip
    assert [e["t"] for e in data["events"] if e["kind"] == "copy_queue"] == [0]
    assert texts(data, "copy_queue_ended") == [
        "log shipping from Atlanta to Charlotte fits WAN link ATL-CLT WAN again: its copies "
        "no longer fall behind and catch up on 55.7 min of logs in 4.19 min"
    ]
