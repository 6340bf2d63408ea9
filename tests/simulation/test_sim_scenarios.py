"""The source documents' scenarios, replayed by the simulator."""

from __future__ import annotations

import pytest
import sim_designs as designs

from designer.catalog import timings
from designer.domain import EsxiHost, ScenarioStep
from designer.domain.enums import FailoverMode, MirrorMode
from designer.simulation import SimulationError, Simulator, simulate


def fail(target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="fail", target=target)


def admin(name: str, target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="admin", admin_action=name, target=target)


def kinds(result, element: str | None = None) -> dict[str, float]:
    return {e.kind: e.t for e in result.events if element is None or e.element == element}


# -- 000 Fig. 4–5 and Table 1: host failure in a DAG with vSphere HA ---------------------
def test_host_failure_in_dag_with_ha_follows_table_1() -> None:
    result = simulate(designs.dag_with_ha(), [fail("s1-h1")])
    final = result.final
    db1 = final.database("db1")
    assert db1.state == "active" and db1.active_on == "dag2"
    assert db1.rto_s == 69 and db1.rpo_s == 0
    db_events = kinds(result, "db1")
    assert db_events["db_mounting"] == 67
    assert db_events["db_active"] == 69
    vm_events = kinds(result, "dag1")
    assert vm_events["ha_restart"] == 50
    assert vm_events["vm_os_up"] == 93
    assert vm_events["copies_healthy"] == 182
    assert final.mailboxes_available == final.mailboxes_total == 2000
    assert final.dag("dag").quorum


def test_state_at_shows_failover_in_progress() -> None:
    result = simulate(designs.dag_with_ha(), [fail("s1-h1")])
    assert result.state_at(68).database("db1").state == "waiting"
    assert result.state_at(69).database("db1").state == "active"
    assert result.state_at(68).mailboxes_available == 1000
    assert result.final.settled_at == 69
    assert result.state_at(10_000) is result.final


def test_ha_restart_refused_without_capacity() -> None:
    design = designs.standalone_ha(memory=48.0)
    result = simulate(design, [fail("s1-h1")])
    db = result.final.database("db1")
    assert db.state == "down"
    refused = [e for e in result.events if e.kind == "ha_restart_failed"]
    assert refused and "64 GB free" in refused[0].text


def test_standalone_vm_under_ha_restarts_with_os_boot_and_services() -> None:
    result = simulate(designs.standalone_ha(), [fail("s1-h1")])
    db = result.final.database("db1")
    assert db.state == "active" and db.rto_s == 93 + 120


def test_ha_off_leaves_vm_down() -> None:
    result = simulate(designs.standalone_ha(ha=False), [fail("s1-h1")])
    assert result.final.database("db1").state == "down"
    assert result.final.mailboxes_available == 0


def test_array_failure_vms_cannot_restart() -> None:
    result = simulate(designs.standalone_ha(), [fail("arr")])
    assert result.final.database("db1").state == "down"
    assert any(e.kind == "vm_storage_lost" and e.element == "ex1" for e in result.events)


def test_sp_failure_trespasses_without_outage_and_cx3_loses_write_cache() -> None:
    design = designs.standalone_ha()
    result = simulate(design, [fail("arr/SP-A")])
    assert result.final.mailboxes_available == 500
    assert any(e.kind == "trespass" for e in result.events)
    assert not any(e.kind == "write_cache_off" for e in result.events)
    cx3 = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"model": "CX3-40"}) if e.id == "arr" else e
                for e in design.elements
            ]
        }
    )
    events = simulate(cx3, [fail("arr/SP-A")]).events
    assert any(e.kind == "write_cache_off" and "latency" in e.text for e in events)
    both = simulate(design, [fail("arr/SP-A"), fail("arr/SP-B")])
    assert both.final.database("db1").state == "down"


# -- 000 Fig. 12: site failure with the witness in a third site ---------------------------
def test_site_failure_with_third_site_witness_fails_over_automatically() -> None:
    result = simulate(designs.stretched_dag(), [fail("s1")])
    final = result.final
    assert final.dag("dag").quorum
    for db in final.databases:
        assert db.state == "active" and db.active_on == "b1"
    assert final.mailboxes_available == 4000
    assert final.site("s1").via == ("s2-casarray",)
    assert not final.actions
    assert any("static quorum" in e.text for e in result.events)


def test_witness_in_failed_site_loses_quorum_and_switchover_restores_service() -> None:
    sim = Simulator(designs.stretched_dag(witness_site="s1"))
    lost = sim.run([fail("s1")]).final
    assert not lost.dag("dag").quorum
    assert lost.mailboxes_available == 0
    assert {db.state for db in lost.databases} == {"waiting"}
    assert [a.key for a in lost.actions] == ["switchover:dag"]
    assert "alternate witness" in lost.actions[0].label
    result = sim.run([fail("s1"), admin("switchover", "dag", at=600)])
    after = result.final
    assert after.dag("dag").quorum
    assert after.mailboxes_available == 4000
    assert after.database("db1").rto_s == 600 + 900


def test_witness_failure_alone_is_no_outage_but_warns() -> None:
    result = simulate(designs.stretched_dag(), [fail("fsw")])
    assert result.final.mailboxes_available == 4000
    assert any(e.kind == "witness_down" and "one failure" in e.text for e in result.events)


def test_wan_partition_keeps_majority_side() -> None:
    # s1 keeps the witness link: 2 members + witness = 3 of 5; s2 is cut off.
    result = simulate(designs.stretched_dag(), [fail("l12"), fail("l23")])
    final = result.final
    assert final.dag("dag").quorum_sites == ("s1", "s3")
    assert final.database("db2").active_on == "a2"
    assert final.database("db1").active_on == "a1"


def test_copies_cut_off_by_a_partition_accumulate_rpo() -> None:
    # s2 is isolated at 0 s (its copies queue logs), s1 is lost at 600 s, and s2 gets
    # back to the witness at 601 s: DB1 activates on b1 missing 601 s of logs.
    steps = [
        fail("l12"),
        fail("l23"),
        fail("s1", at=600),
        ScenarioStep(at_s=601, action="restore", target="l23"),
    ]
    result = simulate(designs.stretched_dag(), steps)
    assert not result.steps[2].dag("dag").quorum
    db1 = result.final.database("db1")
    assert db1.state == "active" and db1.active_on == "b1"
    assert db1.rpo_s == 601


def test_load_balancer_failure_sends_users_to_the_other_site() -> None:
    # The geographic load balancer sends s1's users to s2's CAS array (000 §5.3.1).
    via_glb = simulate(designs.stretched_dag(), [fail("s1-lb")]).final
    assert via_glb.site("s1").via == ("s2-casarray",)
    # Without it, the single namespace takes s1's users to s2's CAS array too.
    result = simulate(designs.stretched_dag(), [fail("s1-lb"), fail("glb")])
    final = result.final
    assert final.mailboxes_available == 4000
    assert final.site("s1").via == ("s2-casarray",)
    assert any(e.kind == "cas_unreachable" for e in result.events)
    cut = simulate(designs.stretched_dag(), [fail("s1-lb"), fail("s2-lb"), fail("glb")]).final
    assert cut.mailboxes_available == 0
    assert cut.site("s1").users_with_access == 0


# -- 000 Fig. 9: lagged copies need manual activation -------------------------------------
def test_lagged_copies_need_an_administrator() -> None:
    sim = Simulator(designs.lagged_dr())
    waiting = sim.run([fail("s1")]).final
    db = waiting.database("db1")
    assert db.state == "waiting" and db.active_on is None
    assert "activate_lagged_copy:db1" in [a.key for a in waiting.actions]
    after = sim.run([fail("s1"), admin("activate_lagged_copy", "db1", at=300)]).final
    db = after.database("db1")
    assert db.state == "active" and db.active_on == "d1"
    # 30 min to start, then the 7-day lag window replayed up to the failure (000 §5.2)
    replay = timings()["dag"]["lagged_replay"]
    window = 7 * 86400 - 300
    assert db.rto_s == pytest.approx(
        300 + 1800 + window * replay["duration_s"] / replay["window_s"]
    )
    assert db.rpo_s == 0


def test_logical_corruption_offers_lagged_copy_and_backup() -> None:
    sim = Simulator(designs.lagged_dr())
    corrupt = ScenarioStep(action="corrupt", target="db1")
    waiting = sim.run([corrupt]).final
    assert waiting.database("db1").state == "waiting"
    assert [a.key for a in waiting.actions] == [
        "activate_lagged_copy:db1",
        "restore_from_backup:bk",
    ]
    restored = sim.run([corrupt, admin("restore_from_backup", "bk", at=100)]).final
    assert restored.database("db1").rpo_s == 86400
    lagged = sim.run([corrupt, admin("activate_lagged_copy", "db1", at=100)]).final
    assert lagged.database("db1").active_on == "d1"


# -- 002: MirrorView and SRM ---------------------------------------------------------------
def test_mirrorview_async_rpo_is_interval_plus_transfer() -> None:
    result = simulate(
        designs.mirrorview_srm(),
        [fail("p"), admin("run_recovery_plan", "plan", at=60)],
    )
    db = result.final.database("db1")
    assert db.state == "active" and db.active_on == "ex1"
    assert db.rpo_s == pytest.approx(45 * 60)
    assert db.meets_targets


def test_mirrorview_sync_rpo_is_zero() -> None:
    result = simulate(
        designs.mirrorview_srm(mode=MirrorMode.SYNC),
        [fail("p"), admin("run_recovery_plan", "plan", at=60)],
    )
    assert result.final.database("db1").rpo_s == 0


def test_link_down_before_site_loss_adds_the_outage() -> None:
    result = simulate(
        designs.mirrorview_srm(mode=MirrorMode.SYNC),
        [fail("pr"), fail("p", at=3600), admin("run_recovery_plan", "plan", at=3700)],
    )
    assert result.final.database("db1").rpo_s == 3600
    fractured = [e for e in result.events if e.kind == "mirror_fractured"]
    assert fractured and fractured[0].t == 300


def test_srm_recovery_needs_the_decision_and_powers_on_at_recovery_site() -> None:
    sim = Simulator(designs.mirrorview_srm())
    before = sim.run([fail("p")]).final
    assert before.database("db1").state == "waiting"
    assert {"run_recovery_plan:plan", "test_recovery_plan:plan"} <= {a.key for a in before.actions}
    result = sim.run([fail("p"), admin("run_recovery_plan", "plan", at=60)])
    power_on = [e for e in result.events if e.kind == "srm_power_on"]
    assert power_on and power_on[0].t == 60 + 120 + 180
    assert result.final.database("db1").rto_s == 60 + 120 + 180
    assert any(e.kind == "srm_resync_needed" for e in result.events)


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"srm_release": "4.0", "rdm": True}, "VMFS datastores only"),
        ({"in_cg": False}, "in no consistency group"),
        ({"srm_release": "5.0", "unprotected_neighbour": True}, "unprotected VM other"),
    ],
)
def test_srm_recovery_fails_where_rules_forbid(options: dict, reason: str) -> None:
    result = simulate(
        designs.mirrorview_srm(**options), [fail("p"), admin("run_recovery_plan", "plan", at=60)]
    )
    failed = [e for e in result.events if e.kind == "srm_vm_failed"]
    assert failed and reason in failed[0].text
    assert result.final.database("db1").state == "down"


def test_later_srm_allows_rdm_and_test_recovery_changes_nothing() -> None:
    ok = simulate(
        designs.mirrorview_srm(srm_release="5.0", rdm=True),
        [fail("p"), admin("run_recovery_plan", "plan", at=60)],
    )
    assert ok.final.database("db1").state == "active"
    sim = Simulator(designs.mirrorview_srm())
    tested = sim.run([admin("test_recovery_plan", "plan", at=10)])
    assert tested.final.database("db1").active_on == "ex1"
    assert tested.final.databases == sim.initial.databases
    assert any(e.kind == "srm_test_power_on" for e in tested.events)
    assert not any(e.kind == "srm_power_on" for e in tested.events)


# -- 003: Double-Take ----------------------------------------------------------------------
def test_double_take_automatic_failover_timing() -> None:
    result = simulate(designs.double_take(), [fail("p-h1")])
    db = result.final.database("db1")
    assert db.active_on == "dst"
    # failover timeout 300 s + 14,000 mailboxes re-homed in ~7 minutes (003)
    assert db.rto_s == 300 + 420
    # asynchronous: the queue at the failure is lost, so the RPO is not 0 (DOMAIN §4)
    queue = timings()["double_take"]["queue_at_failure_s"]
    assert queue > 0 and db.rpo_s == queue


def test_double_take_manual_failover_waits_for_the_administrator() -> None:
    sim = Simulator(designs.double_take(mode=FailoverMode.MANUAL))
    assert sim.run([fail("p")]).final.database("db1").state == "waiting"
    done = sim.run([fail("p"), admin("fail_over_double_take", "dt", at=60)]).final
    assert done.database("db1").active_on == "dst" and done.database("db1").rto_s == 480


# -- scenario mechanics ----------------------------------------------------------------------
def test_restore_brings_service_back() -> None:
    sim = Simulator(designs.standalone_ha(ha=False))
    result = sim.run([fail("s1-h1"), ScenarioStep(at_s=600, action="restore", target="s1-h1")])
    assert result.steps[0].database("db1").state == "down"
    assert result.final.database("db1").state == "active"


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([fail("nope")], "no element"),
        ([fail("dag")], "cannot fail"),
        ([admin("switchover", "dag")], "not available"),
        ([admin("fly_away", "dag")], "unknown administrator action"),
        ([ScenarioStep(action="restore", target="s1")], "not failed"),
        ([fail("s1", at=50), fail("s2", at=10)], "comes before"),
        ([ScenarioStep(action="corrupt", target="s1")], "only a mailbox database"),
    ],
)
def test_impossible_scenarios_raise(steps: list[ScenarioStep], message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        simulate(designs.stretched_dag(), steps)


def test_each_step_has_a_state_and_events_are_sorted() -> None:
    result = simulate(designs.stretched_dag(), [fail("fsw"), fail("s1", at=100)])
    assert [s.t for s in result.steps] == [0, 100]
    assert result.steps[0].mailboxes_available == 4000
    times = [e.t for e in result.events]
    assert times == sorted(times)
    assert not result.final.dag("dag").quorum


# -- 004: Exchange 2007 CCR and SCR ----------------------------------------------------------
def test_ccr_fails_over_automatically_and_scr_waits_for_activation() -> None:
    sim = Simulator(designs.exchange2007())
    ccr = sim.run([fail("p-h1")]).final.database("db1")
    assert ccr.active_on == "n2" and ccr.rto_s == 120
    lost = sim.run([fail("p")]).final
    assert lost.database("db1").state == "waiting"
    assert [a.key for a in lost.actions] == ["activate_scr:scr"]
    scr = sim.run([fail("p"), admin("activate_scr", "scr", at=60)]).final.database("db1")
    assert scr.active_on == "scr1" and scr.rto_s == 60 + 1800


def test_dag_detects_member_failure_at_one_minute() -> None:
    result = simulate(designs.dag_with_ha(), [fail("s1-h1")])
    detected = [e for e in result.events if e.kind == "dag_member_failed"]
    assert [(e.element, e.t) for e in detected] == [("dag", 60.0)]


def test_srm_6_1_recovers_despite_unprotected_neighbour_but_test_fails() -> None:
    design = designs.mirrorview_srm(srm_release="6.1", unprotected_neighbour=True)
    sim = Simulator(design)
    real = sim.run([fail("p"), admin("run_recovery_plan", "plan", at=60)])
    assert real.final.database("db1").state == "active"
    tested = sim.run([admin("test_recovery_plan", "plan")])
    assert any(e.kind == "srm_vm_failed" for e in tested.events)


def test_ha_restart_beats_a_slower_double_take_failover() -> None:
    design = designs.double_take()
    # Give the source's cluster a second host: HA restarts src (213 s) before
    # Double-Take's timeout and re-homing (720 s) would complete.
    extra = EsxiHost(id="p-h2", name="p-esx2", site="p", cluster="p-cl")
    design = design.model_copy(update={"elements": [*design.elements, extra]})
    db = simulate(design, [fail("p-h1")]).final.database("db1")
    assert db.active_on == "src" and db.rto_s == 213


def test_storage_processor_by_array_name() -> None:
    sim = Simulator(designs.standalone_ha())
    assert sim.resolve("arr1/SP-B") == "arr/SP-B"


def test_manual_intent_dag_waits_for_switchover_even_after_later_steps() -> None:
    design = designs.stretched_dag()
    manual = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"failover_intent": "manual"}) if e.id == "dag" else e
                for e in design.elements
            ]
        }
    )
    sim = Simulator(manual)
    steps = [fail("s1"), fail("s2-lb", at=100)]
    result = sim.run(steps)
    assert result.final.dag("dag").quorum
    assert result.final.database("db1").state == "waiting"
    assert "switchover:dag" in [a.key for a in result.final.actions]
    done = sim.run([*steps, admin("switchover", "dag", at=200)]).final.database("db1")
    assert done.state == "active" and done.active_on == "b1"
    assert done.rto_s == 200 + 900
