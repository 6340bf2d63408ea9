"""Issue 17, "Fidelity, third pass": the simulator items, each beside the sentence of the
source it follows."""

from __future__ import annotations

import pytest
import sim_designs as designs

from designer.catalog import timings
from designer.domain import ScenarioStep
from designer.domain.enums import MirrorMode, RecoveryPolicy
from designer.simulation import Simulator, simulate


def fail(target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="fail", target=target)


def guest(target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="guest_os_failure", target=target)


def restore(target: str, at: float) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="restore", target=target)


def admin(name: str, target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="admin", admin_action=name, target=target)


def events(result, kind: str) -> list:
    return [e for e in result.events if e.kind == kind]


def _edit(design, element_id: str, **changes):
    return design.model_copy(
        update={
            "elements": [
                e.model_copy(update=changes) if e.id == element_id else e for e in design.elements
            ]
        }
    )


# -- item 5: guest OS failure ---------------------------------------------------------------
# 000 §4.1: "if the virtual machine experiences a failure related to the guest operating
# system, the failure can be detected by vSphere HA and the affected virtual machine can
# be restarted to correct the failure."
def test_guest_os_failure_is_reset_by_vm_monitoring() -> None:
    tm = timings()
    result = simulate(designs.standalone_ha(), [guest("ex1", at=100)])
    db = result.final.database("db1")
    assert db.state == "active" and db.active_on == "ex1"
    expected = (
        tm["vm_monitoring"]["failure_interval_s"]
        + tm["vm_monitoring"]["os_boot_s"]
        + tm["standalone_ha"]["exchange_services_start_s"]
    )
    assert db.rto_s == expected
    reset = events(result, "vm_monitoring_reset")
    assert [e.t for e in reset] == [100 + tm["vm_monitoring"]["failure_interval_s"]]
    assert "heartbeats" in reset[0].text
    # distinct from losing the VM, which no one restarts
    lost = simulate(designs.standalone_ha(), [fail("ex1", at=100)]).final.database("db1")
    assert lost.state == "down"


def test_guest_os_failure_without_vm_monitoring_stays_down() -> None:
    design = _edit(designs.standalone_ha(), "s1-cl", vm_monitoring=False)
    result = simulate(design, [guest("ex1")])
    assert result.final.database("db1").state == "down"
    refused = events(result, "ha_restart_failed")
    assert refused and "VM monitoring is off" in refused[0].text


def test_guest_os_failure_of_a_dag_member_fails_its_databases_over() -> None:
    result = simulate(designs.dag_with_ha(), [guest("dag1")])
    db1 = result.final.database("db1")
    assert db1.active_on == "dag2" and db1.rto_s == 69
    assert any(e.kind == "vm_os_up" and e.element == "dag1" for e in result.events)


# -- item 6: losing the log disk is not losing the database ---------------------------------
# 004: "If you lose your transaction logs, you will still have up-to-date Exchange
# databases on the other drives that will let you continue normal operations with new
# transaction logs. If you lose the database drives, your recovery strategy is to go back
# to your previous night's full backup for the Exchange databases and then apply the
# current day's transaction logs to bring it up-to-date."
def test_a_lost_log_disk_continues_with_new_logs() -> None:
    sim = Simulator(designs.standalone_ha(ha=False, log_lun="lun-log"))
    lost = sim.run([fail("lun-log")]).final
    assert [a.key for a in lost.actions] == ["mount_with_new_logs:db1"]
    assert "log disk" in lost.database("db1").reason
    db = sim.run([fail("lun-log"), admin("mount_with_new_logs", "db1", at=60)]).final
    db1 = db.database("db1")
    assert db1.state == "active" and db1.rpo_s == 0
    assert db1.rto_s == 60 + timings()["exchange_storage"]["new_logs_mount_s"]


def test_a_lost_database_disk_is_brought_up_to_date_by_the_surviving_logs() -> None:
    sim = Simulator(designs.standalone_ha(ha=False, log_lun="lun-log"))
    steps = [fail("lun-db"), admin("restore_from_backup", "bk", at=60)]
    db1 = sim.run(steps).final.database("db1")
    assert db1.state == "active" and db1.rpo_s == 0
    text = next(e.text for e in sim.run(steps).events if e.kind == "db_active")
    assert "surviving transaction logs" in text


def test_database_and_logs_on_one_raid_set_cost_the_backups_age() -> None:
    # the logs on the database's own LUN are lost with it
    shared = Simulator(designs.standalone_ha(ha=False, log_lun="lun-db"))
    steps = [fail("lun-db"), admin("restore_from_backup", "bk", at=60)]
    assert shared.run(steps).final.database("db1").rpo_s == 86400
    # a log LUN of its own but in the database LUN's RAID group: lost together too
    same_set = _edit(
        designs.standalone_ha(ha=False, log_lun="lun-log"), "lun-log", raid_group="RG0"
    )
    assert Simulator(same_set).run(steps).final.database("db1").rpo_s == 86400


# -- item 7: a fracture fractures the whole consistency group -------------------------------
# 002: "any fracture to one of the LUNs in the consistency group will cause a fracture for
# all LUNs in the consistency group at the same point".
def test_a_fracture_of_one_mirror_freezes_its_whole_group() -> None:
    design = designs.mirrorview_srm(mode=MirrorMode.SYNC, second_vm=True)
    steps = [fail("m-db"), fail("p", at=3600), admin("run_recovery_plan", "plan", at=3700)]
    final = simulate(design, steps).final
    assert final.database("db1").rpo_s == pytest.approx(3600)
    # DB2's mirrors (m-os, m-db2) stayed healthy, but its group was promoted at 0:00
    db2 = final.database("db2")
    assert db2.state == "active" and db2.rpo_s == pytest.approx(3600)


# -- item 8: the secondary is unusable during a resynchronisation ---------------------------
# 002: "The synchronization will overwrite the mirrored replica and will be unusable until
# the sync completes."
def test_a_site_lost_mid_resynchronisation_cannot_be_recovered_from_the_mirror() -> None:
    design = designs.mirrorview_srm(mode=MirrorMode.SYNC, policy=RecoveryPolicy.AUTOMATIC)
    steps = [
        fail("pr"),
        restore("pr", at=3600),  # 9 GB over 40 Mbit/s: synchronising until 5,400 s
        fail("p", at=4000),
        admin("run_recovery_plan", "plan", at=4100),
    ]
    result = simulate(design, steps)
    assert result.final.database("db1").state != "active"
    failed = events(result, "srm_vm_failed")
    assert failed and "unusable" in failed[0].text
    assert events(result, "mirror_sync_interrupted")


# -- item 9: SRM needs the recovery site's vCenter and SRM server ---------------------------
# 002: "SRM relies on independent VMware VirtualCenter servers to be in place at both the
# protected (primary) site and at the recovery (secondary) site"; the administrator
# "logs in to the VMware Virtual Infrastructure client at the recovery site and initiates
# the SRM recovery plan".
@pytest.mark.parametrize("down", ["r-vc", "r-srm"])
def test_no_recovery_plan_without_the_recovery_sites_vcenter_and_srm(down: str) -> None:
    sim = Simulator(designs.mirrorview_srm())
    waiting = sim.run([fail("p"), fail(down)]).final
    assert "run_recovery_plan:plan" not in [a.key for a in waiting.actions]
    assert "recovery site R has its" in waiting.database("db1").reason
    tested = sim.run([fail(down), admin("test_recovery_plan", "plan", at=10)])
    assert events(tested, "srm_test_failed")


# -- item 10: recovered VMs on another subnet need IP customisation -------------------------
# 002: "If the VMs at the recovery site are on a different subnet from the VMs at the
# protected site, you must go through a few additional steps before the new Exchange VM
# can be accessed by users."
def test_a_recovered_server_on_another_subnet_is_unreachable_without_customisation() -> None:
    design = _edit(
        _edit(designs.mirrorview_srm(), "p", subnet="10.1.0.0/16"), "r", subnet="10.2.0.0/16"
    )
    steps = [fail("p"), admin("run_recovery_plan", "plan", at=60)]
    result = simulate(design, steps)
    db = result.final.database("db1")
    assert db.state == "active" and not db.reachable
    assert result.final.site("p").users_with_access == 0
    assert events(result, "srm_ip_stale")
    customised = simulate(_edit(design, "plan", ip_customization=True), steps).final
    assert customised.database("db1").reachable
    assert customised.site("p").users_with_access == 800


# -- restore rates: the in-guest agent's disk pool is not tape ------------------------------
def test_an_in_guest_agent_restores_faster_than_tape() -> None:
    def rto(kind: str) -> float:
        design = designs.standalone_ha(ha=False, backup_kind=kind, size_gb=75.0)
        steps = [fail("lun-db"), admin("restore_from_backup", "bk")]
        value = simulate(design, steps).final.database("db1").rto_s
        assert value is not None
        return value

    assert rto("in_guest_agent") < rto("tape") / 4


def test_snapshots_go_with_their_lun_and_clones_with_their_array() -> None:
    # A snapshot shares its LUN's blocks; a clone is a copy inside the same array.
    snap = Simulator(designs.standalone_ha(ha=False, backup_kind="array_snapshot"))
    assert "restore_from_backup:bk" not in [a.key for a in snap.run([fail("lun-db")]).final.actions]
    clone = Simulator(designs.standalone_ha(ha=False, backup_kind="array_clone"))
    assert "restore_from_backup:bk" in [a.key for a in clone.run([fail("lun-db")]).final.actions]
    assert "restore_from_backup:bk" not in [
        a.key for a in clone.run([fail("arr/SP-A"), fail("arr/SP-B")]).final.actions
    ]
