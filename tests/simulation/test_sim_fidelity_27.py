"""A server's loss in a stretched DAG with manual site failover intent, and a WAN link's
own loss (wave 27, fidelity27), against the sources.

eyes26 (item 12) lost one host (esx-bos-01) of a two-member DAG stretched over Boston and
Worcester, quorum kept: the simulator had DB01 wait for "datacenter switchover of DAG
DAG1 (manual site failover intent)". The sources keep the intent for a site's loss:

- 000 §5.1.1: "With DAGs, a failover can occur automatically at the database or server
  level and can take place within seconds of a detected failure. [...] Many
  organizations require that the choice to activate the DR facility be a conscious
  decision" — the decision is the datacenter's, not a server's.
- 000 §4.3.1: "In the event of an ESXi host failure, virtual machines running on that
  host also fail, causing passive databases to be activated on surviving DAG members."
- 000 §5.3 ("Minor failures result in clients connecting across the [...] wide area
  networks for access to mailbox data"), §5.3.1 Fig. 11 ("In the case of a single
  database or server failure, passive databases are automatically activated").
- DOMAIN §4 "Database activation": the healthy, non-lagged copy with the best
  activation preference on a member with quorum becomes active (no site condition).

So a host lost with its site still holding quorum fails over to the copy in the other
site by itself (1:09, 000 Table 1); the site lost (or cut off from the quorum) still
waits for the administrator's datacenter switchover. A WAN link lost with no way round
says its copies are cut off (it said nothing, though their copies fell behind).
"""

from __future__ import annotations

from pathlib import Path

from designer.domain import Design, ScenarioStep
from designer.domain.enums import FailoverIntent
from designer.persistence import load
from designer.simulation import Simulator, analyze, simulate

NEWCOMER = Path(__file__).resolve().parents[1] / "ui" / "data" / "two_site_newcomer.drd.json"

ACROSS = (
    "mailbox database DB01 activates on DAG member MBX2 in site Worcester by itself: a "
    "server was lost, not site Boston; DAG DAG1's manual site failover intent waits for "
    "an administrator only when a site is lost or cut off"
)


def fail(target: str, at: float = 0.0) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="fail", target=target)


def restore(target: str, at: float) -> ScenarioStep:
    return ScenarioStep(at_s=at, action="restore", target=target)


def _newcomer(
    *, intent: FailoverIntent = FailoverIntent.MANUAL, witness_site: str = "site-1"
) -> Design:
    """The newcomer's two-site DAG (MBX1 in Boston on esx-bos-01a, MBX2 in Worcester; DB01
    and DB02 with copies on both, Boston's preferred; no vSphere cluster, so no HA
    restart), with its intent and its (physical) witness's site as given."""
    design = load(NEWCOMER)

    def changed(e):  # type: ignore[no-untyped-def]
        if e.kind == "dag":
            return e.model_copy(update={"failover_intent": intent})
        if e.kind == "file_share_witness":
            return e.model_copy(update={"site": witness_site})
        return e

    return design.model_copy(update={"elements": [changed(e) for e in design.elements]})


def test_a_host_lost_fails_over_to_the_other_site_by_itself() -> None:
    result = simulate(_newcomer(), [fail("host-1")])
    final = result.final
    assert final.dag("dag-1").quorum
    for db_id in ("db-1", "db-2"):
        db = final.database(db_id)
        assert (db.state, db.active_on, db.rpo_s, db.rto_s) == ("active", "vm-2", 0.0, 69.0)
    assert final.actions == ()  # nothing waits for an administrator
    assert final.database("db-1").reason == ACROSS
    said = [(e.t, e.text, e.source) for e in result.events if e.element == "db-1"]
    assert (69.0, ACROSS, "000 §4.1 Table 1; 000 §5.1.1, §5.3.1 Fig. 11") in said, said


def test_an_automatic_intent_dag_says_it_plainly() -> None:
    db = simulate(_newcomer(intent=FailoverIntent.AUTOMATIC), [fail("host-1")]).final
    db1 = db.database("db-1")
    assert (db1.active_on, db1.rto_s) == ("vm-2", 69.0)
    assert db1.reason == "mailbox database DB01 activates on DAG member MBX2"


def test_a_site_lost_with_quorum_kept_still_waits_for_the_switchover() -> None:
    # Witness in Worcester: losing Boston leaves MBX2 and the witness, 2 of 3 votes.
    sim = Simulator(_newcomer(witness_site="site-2"))
    final = sim.run([fail("site-1")]).final
    assert final.dag("dag-1").quorum
    db = final.database("db-1")
    assert db.state == "waiting"
    assert "datacenter switchover of DAG DAG1 (manual site failover intent)" in db.reason
    assert "switchover:dag-1" in [a.key for a in final.actions]
    done = sim.run(
        [
            fail("site-1"),
            ScenarioStep(at_s=600, action="admin", target="dag-1", admin_action="switchover"),
        ]
    )
    assert done.final.database("db-1").active_on == "vm-2"


def test_back_home_after_losing_the_site_a_host_loss_moved_it_to() -> None:
    """DB01 moved to Worcester when esx-bos-01a failed; the host is back, then Worcester
    is lost with Boston (and the witness) keeping quorum: going back to its preferred
    copy's site is no activation of the DR facility, so it is no switchover either."""
    steps = [fail("host-1"), restore("host-1", 300.0), fail("site-2", at=600.0)]
    result = simulate(_newcomer(), steps)
    db = result.final.database("db-1")
    assert (db.state, db.active_on, db.rto_s) == ("active", "vm-1", 69.0)
    assert result.final.actions == ()


def test_a_site_cut_off_from_the_quorum_still_waits_for_the_switchover() -> None:
    # Witness in Worcester, the WAN link lost: Boston (MBX1 alone, 1 of 3) loses quorum;
    # the database's site is cut off: the copy in Worcester waits for the administrator.
    final = simulate(_newcomer(witness_site="site-2"), [fail("link-1")]).final
    assert final.dag("dag-1").quorum_sites == ("site-2",)
    db = final.database("db-1")
    assert db.state == "waiting"
    assert "switchover:dag-1" in [a.key for a in final.actions]


def test_the_n1_sweep_no_longer_lists_the_host() -> None:
    names = [e.names for e in analyze(_newcomer()).entries]
    assert names == [("Boston",)], names  # the site still needs its switchover


def test_a_wan_link_lost_with_no_way_round_cuts_its_copies_off() -> None:
    """No workload stated (0 mailboxes): the copies' route is told all the same."""
    result = simulate(_newcomer(), [fail("link-1"), restore("link-1", 3600.0)])
    said = [(e.t, e.kind, e.element, e.text) for e in result.events if e.kind.startswith("copy_")]
    assert said[0] == (
        0.0,
        "copy_cut_off",
        "link-1",
        "log shipping from Boston to Worcester (2 database copies) has no route left (WAN "
        "link Boston – Worcester down): its copies in Worcester are cut off, receive no "
        "logs and fall further behind each second (a failover to one loses what it missed)",
    )
    assert (
        3600.0,
        "copy_route_back",
        "link-1",
        "log shipping from Boston to Worcester (2 database copies) takes its own route "
        "again, over WAN link Boston – Worcester",
    ) in said, said
    # Told once, while cut off (a later step does not tell it again).
    again = simulate(_newcomer(), [fail("link-1"), fail("host-2", at=60.0)])
    assert [e.t for e in again.events if e.kind == "copy_cut_off"] == [0.0]
