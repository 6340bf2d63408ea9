"""Issue 14, "Simulator fidelity, second pass": each behaviour the review found wrong,
replayed against the sentence of the source it must follow (quoted beside the check).
"""

from __future__ import annotations

import pytest
import sim_designs as designs

from designer.catalog import timings
from designer.domain import ScenarioStep
from designer.domain.enums import MirrorMode, RecoveryPolicy
from designer.simulation import Simulator, simulate


def fail(target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="fail", target=target)


def restore(target: str, at: float) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="restore", target=target)


def admin(name: str, target: str, at: float = 0.0, **extra: float) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="admin", admin_action=name, target=target, **extra)


def events(result, kind: str) -> list:
    return [e for e in result.events if e.kind == kind]


# -- item 2: the MirrorView recovery policy --------------------------------------------
# 002: set the recovery policy "to Manual, so that synchronization does not start until
# you are ready for it".
def test_manual_recovery_policy_keeps_the_secondary_at_its_fracture_point() -> None:
    design = designs.mirrorview_srm(mode=MirrorMode.SYNC, policy=RecoveryPolicy.MANUAL)
    sim = Simulator(design)
    back = sim.run([fail("pr"), restore("pr", at=3600)]).final
    # the link is back, but nothing synchronises until the administrator says so
    assert "start_mirror_sync:cg" in [a.key for a in back.actions]
    # a site lost later still loses everything written since the fracture
    lost = sim.run(
        [
            fail("pr"),
            restore("pr", at=3600),
            fail("p", at=7200),
            admin("run_recovery_plan", "plan", at=7300),
        ]
    ).final
    assert lost.database("db1").rpo_s == pytest.approx(7200)


def test_starting_the_synchronisation_takes_changed_data_over_the_link() -> None:
    # 9 GB/h changed for 3,700 s is 9.25 GB; over 40 Mbit/s that is 1,850 s of sync.
    design = designs.mirrorview_srm(mode=MirrorMode.SYNC, policy=RecoveryPolicy.MANUAL)
    sim = Simulator(design)
    steps = [fail("pr"), restore("pr", at=3600), admin("start_mirror_sync", "cg", at=3700)]
    result = sim.run(steps)
    done = events(result, "mirror_synchronised")
    assert [e.t for e in done] == [pytest.approx(3700 + 1850)]
    after = sim.run([*steps, fail("p", at=7200), admin("run_recovery_plan", "plan", at=7300)])
    assert after.final.database("db1").rpo_s == 0


def test_automatic_recovery_policy_resynchronises_over_time_not_at_once() -> None:
    # 002: resynchronisation takes the changed data over the link; the secondary is not
    # current until it ends (Automatic: it starts when the link returns).
    design = designs.mirrorview_srm(mode=MirrorMode.ASYNC, policy=RecoveryPolicy.AUTOMATIC)
    sim = Simulator(design)
    steps = [fail("pr"), restore("pr", at=3600)]
    assert "start_mirror_sync:cg" not in [a.key for a in sim.run(steps).final.actions]
    # 9 GB over 40 Mbit/s: 1,800 s. Lost at 4,000 s (mid-resync): the MirrorView/A
    # secondary is protected by its snapshot at the fracture point.
    mid = sim.run([*steps, fail("p", at=4000), admin("run_recovery_plan", "plan", at=4100)])
    interval_and_transfer = 45 * 60
    assert mid.final.database("db1").rpo_s == pytest.approx(4000 + interval_and_transfer)
    late = sim.run([*steps, fail("p", at=7200), admin("run_recovery_plan", "plan", at=7300)])
    assert late.final.database("db1").rpo_s == pytest.approx(interval_and_transfer)


# -- item 3: SRM test recovery needs SnapView ---------------------------------------------
# 002 "Testing failover": SRM will "start a snap session at the recovery site for each
# mirrored target LUN in the protection group being tested".
def test_test_recovery_without_snapview_stops_with_the_reason() -> None:
    sim = Simulator(designs.mirrorview_srm(snapview=False))
    result = sim.run([admin("test_recovery_plan", "plan", at=10)])
    failed = events(result, "srm_test_failed")
    assert failed and "SnapView" in failed[0].text and "CX4-dr" in failed[0].text
    assert not events(result, "srm_test_power_on")
    assert result.final.databases == sim.initial.databases


# -- item 4: LCR activation needs the copy's own disks ------------------------------------
# 004: LCR keeps "a secondary copy of the database on the array that stores the primary
# copy of the logs"; "If either the RAID controller or the array fails, you still have
# your database and transaction logs on the other array."
def test_lcr_is_not_offered_when_the_copy_disks_are_gone_too() -> None:
    sim = Simulator(designs.lcr())
    everything = sim.run([fail("arr")]).final
    assert "activate_lcr:lcr" not in [a.key for a in everything.actions]
    assert everything.database("db1").state != "active"
    both = sim.run([fail("lun-a"), fail("lun-c")]).final
    assert "activate_lcr:lcr" not in [a.key for a in both.actions]


def test_lcr_activates_when_only_the_active_copy_lost_its_disks() -> None:
    sim = Simulator(designs.lcr())
    lost = sim.run([fail("lun-a")]).final
    assert [a.key for a in lost.actions] == ["activate_lcr:lcr"]
    done = sim.run([fail("lun-a"), admin("activate_lcr", "lcr", at=60)]).final.database("db1")
    assert done.state == "active" and done.rpo_s == 0
    # Fig. 3's cross placement: the copy of the database beside the active logs
    crossed = Simulator(designs.lcr(copy_on_own_luns=False))
    assert "activate_lcr:lcr" in [a.key for a in crossed.run([fail("lun-a")]).final.actions]
    assert "activate_lcr:lcr" not in [
        a.key for a in crossed.run([fail("lun-a"), fail("lun-b")]).final.actions
    ]


# -- item 5: a geographic load balancer does not hide a site's lost load balancers ---------
# 000 §5.3.1: "If one CAS array fails to be accessible, for instance, due to load balancer
# failure, clients can be redirected to another site's CAS array".
def test_losing_a_sites_load_balancer_reroutes_through_the_other_cas_array() -> None:
    result = simulate(designs.stretched_dag(), [fail("s1-lb")])
    final = result.final
    assert final.site("s1").via == ("s2-casarray",)
    assert final.site("s1").users_with_access == 3000
    assert any(e.kind == "cas_unreachable" and e.element == "s1-casarray" for e in result.events)


def test_single_namespace_and_geographic_paths_agree() -> None:
    # Without the geographic load balancer, the single namespace takes the same path.
    with_glb = simulate(designs.stretched_dag(), [fail("s1-lb")]).final
    without = simulate(designs.stretched_dag(), [fail("s1-lb"), fail("glb")]).final
    assert with_glb.site("s1").via == without.site("s1").via == ("s2-casarray",)


# -- item 6: a lagged copy is recovered to a point before the corruption -------------------
# 000 §5.2: recover "up to the last copied and inspected log file, or to a specific point
# in time within the lag window".
def test_lagged_copy_after_corruption_recovers_to_a_point_before_it() -> None:
    sim = Simulator(designs.lagged_dr())
    corrupt = ScenarioStep(at_s=3600, action="corrupt", target="db1")
    result = sim.run(
        [corrupt, admin("activate_lagged_copy", "db1", at=4000, recovery_point_s=1800)]
    )
    db = result.final.database("db1")
    assert db.state == "active" and db.active_on == "d1"
    assert db.rpo_s == pytest.approx(3600 - 1800)  # the point to the corruption
    activated = events(result, "db_active")[-1]
    assert "up to the failure" not in activated.text
    assert "before the corruption" in activated.text


def test_lagged_copy_replay_of_the_lag_window_takes_time() -> None:
    # The copy has replayed up to 7 days before the activation; the logs from there to
    # the recovery point are replayed at the catalog's rate.
    lag_s = 7 * 86400
    replay = timings()["dag"]["lagged_replay"]
    rate = replay["window_s"] / replay["duration_s"]
    sim = Simulator(designs.lagged_dr())
    corrupt = ScenarioStep(at_s=3600, action="corrupt", target="db1")
    db = sim.run([corrupt, admin("activate_lagged_copy", "db1", at=4000)]).final.database("db1")
    point = 3600  # default: just before the corruption
    expected = timings()["dag"]["lagged_copy_activation_s"] + (point - (4000 - lag_s)) / rate
    assert db.rto_s == pytest.approx(4000 - 3600 + expected)
    assert db.rpo_s == 0


def test_a_recovery_point_outside_the_lag_window_is_refused() -> None:
    from designer.simulation import SimulationError

    sim = Simulator(designs.lagged_dr())
    corrupt = ScenarioStep(at_s=3600, action="corrupt", target="db1")
    with pytest.raises(SimulationError, match="after the corruption"):
        sim.run([corrupt, admin("activate_lagged_copy", "db1", at=4000, recovery_point_s=3700)])
    with pytest.raises(SimulationError, match="lag window"):
        sim.run([corrupt, admin("activate_lagged_copy", "db1", at=4000, recovery_point_s=-9e6)])


# -- item 7: quorum and action timing agree -----------------------------------------------
def test_waiting_starts_when_the_dag_loses_quorum_not_before() -> None:
    sim = Simulator(designs.stretched_dag(witness_site="s1"))
    result = sim.run([fail("s1")])
    lost = events(result, "quorum_lost")
    assert [e.t for e in lost] == [60]
    assert {e.t for e in events(result, "db_waiting")} == {60}
    action = result.final.actions[0]
    assert action.key == "switchover:dag" and action.since == 60
    # before the loss is known, nothing is offered
    assert result.state_at(30).actions == ()


def test_an_action_given_too_early_runs_when_it_becomes_possible() -> None:
    sim = Simulator(designs.stretched_dag(witness_site="s1"))
    result = sim.run([fail("s1"), admin("switchover", "dag")])
    taken = events(result, "admin_action")
    assert [e.t for e in taken] == [60]
    assert events(result, "switchover")[0].t == 60
    assert result.final.database("db1").rto_s == 60 + 900


def test_switchover_with_the_alternate_witness_regains_quorum() -> None:
    sim = Simulator(designs.stretched_dag(witness_site="s1"))
    result = sim.run([fail("s1"), admin("switchover", "dag", at=600)])
    texts = [e.text for e in result.events if e.kind == "quorum_kept"]
    assert texts and "regains quorum" in texts[-1] and "keeps quorum" not in texts[-1]


# -- item 8: restore speed depends on the backup kind ------------------------------------
# 001: "Secondary storage on same SAN is the best and fastest way to restore the data."
# 004: "eight hours to restore that 75GB database from tape".
@pytest.mark.parametrize(
    ("kind", "within_h"),
    [("array_clone", 1.0), ("array_snapshot", 1.0), ("vdp_advanced", 2.0), ("tape", 24.0)],
)
def test_restore_time_follows_the_backup_kind(kind: str, within_h: float) -> None:
    design = designs.standalone_ha(ha=False, backup_kind=kind, size_gb=40.0)
    sim = Simulator(design)
    # A snapshot shares its LUN's blocks: it helps against corruption, not a lost LUN.
    loss = (
        ScenarioStep(action="corrupt", target="db1") if kind == "array_snapshot" else fail("lun-db")
    )
    steps = [loss, admin("restore_from_backup", "bk", at=0)]
    db = sim.run(steps).final.database("db1")
    assert db.state == "active"
    assert db.rto_s is not None and db.rto_s <= within_h * 3600
    if kind == "tape":
        # 40 GB at 75 GB per ~8 h, plus fetching the tapes
        rate = timings()["restore"]["kinds"]["tape"]["rate_gb_per_hour"]
        assert db.rto_s >= 40 / rate * 3600
    text = next(e.text for e in sim.run(steps).events if e.kind == "db_active")
    assert kind.replace("_", " ") in text


# -- missing: dynamic quorum, rejoining members, copies that catch up ---------------------
def _dynamic(design):
    return design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"dynamic_quorum": True}) if e.id == "dag" else e
                for e in design.elements
            ]
        }
    )


def test_dynamic_quorum_outlasts_failures_that_come_one_at_a_time() -> None:
    # DOMAIN §4: "Windows 2012's dynamic quorum can outlast failures that come one at a
    # time; the static model here is the conservative one, and says so."
    one_by_one = [fail("a1"), fail("a2", at=100), fail("b1", at=200)]
    static = simulate(designs.stretched_dag(), one_by_one)
    assert not static.final.dag("dag").quorum
    assert any("static quorum model" in e.text for e in static.events)
    assert static.final.database("db2").state != "active"
    dynamic = simulate(_dynamic(designs.stretched_dag()), one_by_one)
    assert dynamic.final.dag("dag").quorum
    # DB2 (copies on b1, b2, a2) survives on b2; DB1 had no copy left anyway
    assert dynamic.final.database("db2").active_on == "b2"
    assert dynamic.final.mailboxes_available == 1000
    assert [e.kind for e in dynamic.events].count("dynamic_quorum") == 3
    # together, the same three failures still take quorum down
    together = simulate(_dynamic(designs.stretched_dag()), [fail("a1"), fail("a2"), fail("b1")])
    assert not together.final.dag("dag").quorum


def test_evicted_members_rejoin_when_their_site_returns() -> None:
    sim = Simulator(designs.stretched_dag(witness_site="s1"))
    steps = [fail("s1"), admin("switchover", "dag", at=600), restore("s1", at=3600)]
    result = sim.run(steps)
    assert [e.t for e in events(result, "dag_member_rejoined")] == [3600]
    # four members and the alternate witness vote again
    assert result.final.dag("dag").voters == 5 and result.final.dag("dag").votes == 5
    # their copies catch up over time, not at once
    healthy = [e for e in events(result, "copy_healthy") if e.element in ("a1", "a2")]
    assert healthy and all(e.t > 3600 for e in healthy)


def test_a_copy_back_from_a_partition_catches_up_before_it_is_current() -> None:
    # s2 is cut off for 600 s; its copies queue that much and replay it before they are
    # current (000 Table 1's replay rate; no change rate stated, so no link transfer).
    replay = timings()["dag"]["lagged_replay"]
    catch_up = 600 * replay["duration_s"] / replay["window_s"]
    cut = [fail("l12"), fail("l23"), restore("l12", at=600), restore("l23", at=600)]
    soon = simulate(designs.stretched_dag(), [*cut, fail("s1", at=610)]).final.database("db1")
    assert soon.active_on == "b1" and soon.rpo_s == pytest.approx(600)
    later = simulate(designs.stretched_dag(), [*cut, fail("s1", at=600 + catch_up + 1)])
    assert later.final.database("db1").rpo_s == 0


def test_an_empty_cas_array_is_no_path_for_clients() -> None:
    # NET006: a CAS array without Client Access servers serves nobody; its users go to
    # the other site's array (000 §5.3.1) rather than "through" the empty one.
    design = designs.stretched_dag()
    empty = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"members": []}) if e.id == "s1-casarray" else e
                for e in design.elements
            ]
        }
    )
    state = Simulator(empty).initial
    assert state.site("s1").via == ("s2-casarray",)


# -- wave 15 (``fixb15``; found by ``eyes14``) -------------------------------------------------
def test_a_database_dismounted_while_its_member_was_away_has_no_logs_to_catch_up() -> None:
    # eyes14: a host failed and came back 80 s later; its database had waited, dismounted,
    # for an administrator the whole time, yet mounted again with "RPO 1:20" after "80 s
    # of logs copied and replayed". A returning copy catches up on the logs the active
    # copy wrote while it was away (000 Table 1: "Ex2010-dagnode1 begins copying and
    # replaying log files" that dagnode2 wrote since it mounted the databases); a database
    # mounted nowhere writes no logs (DOMAIN §4: without quorum "every database in the
    # DAG dismounts"; RPO of DAG copies is the copy queue, 0 when healthy). Here the whole
    # site (members and witness) is down for an hour, then back.
    result = simulate(designs.dag_with_ha(), [fail("s1"), restore("s1", at=3600)])
    assert events(result, "copy_healthy") == []
    for db_id in ("db1", "db2"):
        db = result.final.database(db_id)
        assert (db.state, db.rpo_s) == ("active", 0.0), db
    # A copy away while its database ran elsewhere still catches up on what it missed:
    # dag1 fails, DB1 mounts on dag2 at 1:09; dag1 returns at 10 min behind by the logs
    # dag2 wrote since it mounted DB1, 8 min 51 s (wave 16: not the whole absence).
    moved = simulate(designs.dag_with_ha(), [fail("dag1"), restore("dag1", at=600)])
    (healthy,) = [e for e in events(moved, "copy_healthy") if "DB1" in e.text]
    assert healthy.t > 600 and healthy.text.endswith(": 8.85 min of logs copied and replayed")
