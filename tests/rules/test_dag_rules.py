"""DAG001–DAG011: each rule fires on a broken variant of a clean stretched DAG, not on it.

The fixtures (``_dag_fixtures``) build 000 §5.3.1 Fig. 10: two members in Boston, two
in Chicago, the witness in Denver, four copies of each database.
"""

from __future__ import annotations

from _dag_fixtures import DAG_CODES, add, base, copies, design, drop, edit, findings
from hypothesis import given
from hypothesis import strategies as st

from designer.domain import (
    Dag,
    DatabaseCopy,
    Design,
    DiskPurpose,
    EsxiHost,
    FailoverIntent,
    FileShareWitness,
    Lun,
    MailboxDatabase,
    RuleSettings,
    Severity,
    Site,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    Waiver,
    WanLink,
)
from designer.domain.elements import ElementBase
from designer.rules import Finding, check


def _one(found: list[Finding], code: str) -> Finding:
    assert len(found) == 1, [f.message for f in found]
    assert found[0].code == code
    return found[0]


def test_clean_stretched_dag_has_no_dag_findings() -> None:
    assert check(design(base()), codes=DAG_CODES).findings == []


def test_dag_rules_tolerate_empty_and_memberless_designs() -> None:
    empty = Design(elements=[Dag(id="d", name="DAG0"), MailboxDatabase(id="m", name="DB0")])
    assert [f.code for f in check(empty, codes=DAG_CODES).findings] == []


# -- DAG001 ------------------------------------------------------------------------------
def test_dag001_triggers() -> None:
    elements = edit(base(), "l-bd", failure_domain="carrier-1")
    f = _one(findings(elements, "DAG001"), "DAG001")
    assert f.severity is Severity.ERROR
    assert set(f.elements) == {"dag", "fsw", "l-bd", "l-bc"}
    assert "shares failure domain 'carrier-1' with link BOS-CHI" in f.message


def test_dag001_passes() -> None:
    # the same tag on a link that is not the witness site's is harmless
    elements = edit(base(), "l-cd", failure_domain="carrier-2")
    assert findings(elements, "DAG001") == []
    # and a manual-intent DAG is not held to automatic failover's requirements
    manual = edit(base(), "l-bd", failure_domain="carrier-1")
    manual = edit(manual, "dag", failover_intent=FailoverIntent.MANUAL)
    assert findings(manual, "DAG001") == []


def test_dag001_unequal_member_counts() -> None:
    elements = edit(base(), "mbx2", host="esx3")  # 1 in Boston, 3 in Chicago
    f = _one(findings(elements, "DAG001"), "DAG001")
    assert f.elements == ("dag", "chi")
    # wave 24 (rules24): in the simulator's words for the same site loss
    assert f.message.endswith(
        "when site Chicago fails, DAG DAG1 loses quorum: 2 of 5 votes reachable; its databases "
        "dismount"
    )
    assert "1 member in site Boston, 3 in site Chicago" in f.message


def test_dag001_missing_witness() -> None:
    elements = edit(base(), "dag", witness=None)
    f = _one(findings(elements, "DAG001"), "DAG001")
    assert f.elements == ("dag",)
    assert "across 2 sites but has no file share witness" in f.message


def test_dag001_witness_reached_only_through_a_member_site() -> None:
    elements = drop(base(), "l-cd")
    f = _one(findings(elements, "DAG001"), "DAG001")
    assert set(f.elements) == {"dag", "fsw", "den", "chi"}
    assert "no link to member site Chicago" in f.message


def test_dag001_member_sites_connect_only_through_witness_site() -> None:
    elements = drop(base(), "l-bc")
    f = _one(findings(elements, "DAG001"), "DAG001")
    assert set(f.elements) == {"dag", "fsw", "bos", "chi", "den"}
    assert "connect only through witness site Denver" in f.message


def test_dag001_witness_in_a_member_site_of_an_automatic_dag() -> None:
    # 000 §5.3: "A third site with connectivity to both Exchange sites must be available
    # for the file share witness." A witness in a member site breaks that: an error, so
    # `check` fails CI (issue 14, item 1), not DAG002's warning.
    elements = edit(base(), "fsw", site="bos")
    elements = edit(elements, "fsw-vm", host="esx2")
    f = _one(findings(elements, "DAG001"), "DAG001")
    assert f.severity is Severity.ERROR
    assert f.elements == ("dag", "fsw", "bos")
    assert "witness FSW is in member site Boston, not in a third site" in f.message
    assert findings(elements, "DAG002") == []
    # even when the other sites would keep quorum by the vote count
    three = add(
        elements,
        *(
            VirtualMachine(id=f"ny{n}", name=f"NY{n}", host="esx5", roles=[VmRole.MAILBOX])
            for n in (1, 2)
        ),
    )
    three = edit(three, "dag", members=["mbx1", "mbx2", "mbx3", "mbx4", "ny1", "ny2"])
    assert [f.elements for f in findings(three, "DAG001")] == [("dag", "fsw", "bos")]


def test_dag001_witness_server_fails_with_a_member_site() -> None:
    """A witness said to be in Denver whose VM runs on a Boston host, or boots from a
    Boston array, goes down with Boston: what the dependency graph's failure domain of
    Boston holds, and what the simulator (and the cut sets) find."""
    from designer.availability import CutSetFinder
    from designer.graph import build_graph, failure_domain
    from designer.simulation import Simulator

    on_boston_host = edit(base(), "fsw-vm", host="esx2")
    f = _one(findings(on_boston_host, "DAG001"), "DAG001")
    # wave 24 (rules24): the witness is where its server runs (DAG017 says it states
    # Denver; DAG001 does not say it again)
    assert f.elements == ("dag", "fsw", "bos")
    assert (
        "its witness FSW is in member site Boston (where its server FSW01 runs: DAG017), "
        "not in a third site; when site Boston fails, DAG DAG1 loses quorum: 2 of 5 votes "
        "reachable; its databases dismount" in f.message
    )
    assert "Denver" not in f.message
    boots_in_boston = add(
        base(),
        VirtualDisk(id="fsw-os", name="fsw-os", vm="fsw-vm", lun="lun1"),  # on ARR-1 (Boston)
    )
    f = _one(findings(boots_in_boston, "DAG001"), "DAG001")
    assert f.elements == ("dag", "fsw", "bos", "fsw-vm", "fsw-os", "arr1")
    assert (
        "witness FSW in site Denver keeps its system disk on storage array ARR-1 in member "
        "site Boston; when site Boston fails, the witness is down too and DAG DAG1 loses quorum: "
        "2 of 5 votes reachable; its databases dismount" in f.message
    )
    for elements in (on_boston_host, boots_in_boston):
        built = design(elements)
        assert "fsw" in failure_domain(build_graph(built), ["bos"])
        db = next(t for t in CutSetFinder(Simulator(built), 1).find().databases if t.id == "db1")
        assert ("bos",) in [c.elements for c in db.cut_sets]  # Boston alone takes DB01
    # a witness VM on Denver's host and storage is independent of both member sites
    denver = add(
        base(),
        StorageArray(id="arr-den", name="ARR-DEN", site="den"),
        Lun(id="lun-den", name="LUN-DEN", array="arr-den"),
        VirtualDisk(id="fsw-os", name="fsw-os", vm="fsw-vm", lun="lun-den"),
    )
    assert findings(denver, "DAG001") == []


def test_dag002_witness_server_in_a_member_site_of_a_manual_dag() -> None:
    manual = edit(base(), "dag", failover_intent=FailoverIntent.MANUAL)
    assert findings(manual, "DAG002") == []
    on_boston_host = edit(manual, "fsw-vm", host="esx2")
    f = _one(findings(on_boston_host, "DAG002"), "DAG002")
    assert f.elements == ("dag", "fsw", "bos")
    assert f.message.endswith(
        "has its witness FSW in member site Boston (where its server FSW01 runs: DAG017); "
        "when site Boston fails, DAG DAG1 loses quorum: 2 of 5 votes reachable; its databases "
        "dismount; move the witness to a third site linked to both member sites, or give "
        "the DAG an alternate witness in Chicago for a datacenter switchover"
    )
    boots_in_boston = add(
        manual,
        VirtualDisk(id="fsw-os", name="fsw-os", vm="fsw-vm", lun="lun1"),  # on ARR-1 (Boston)
    )
    f = _one(findings(boots_in_boston, "DAG002"), "DAG002")
    assert f.elements == ("dag", "fsw", "bos", "fsw-vm", "fsw-os", "arr1")
    assert f.message.endswith(
        "witness FSW in site Denver keeps its system disk on storage array ARR-1 in member "
        "site Boston; when site Boston fails, DAG DAG1 loses quorum: 2 of 5 votes reachable; its "
        "databases dismount; move the witness's system disk to storage outside member site "
        "Boston, or give the DAG an alternate witness in Chicago for a datacenter switchover"
    )
    assert findings(on_boston_host, "DAG001") == []  # manual intent: DAG002's warning


def test_dag001_witness_in_member_site_makes_check_exit_1(tmp_path) -> None:
    # The reference three-site design checks clean; with its witness and alternate
    # witness swapped (the witness in member site Worcester) it can no longer fail over
    # automatically, and `check` must say so with exit code 1.
    from pathlib import Path

    from designer.entry import main
    from designer.persistence import load, save

    sample = Path(__file__).resolve().parents[2] / "sample_designs"
    clean = load(sample / "three_site_stretched_dag.json")
    assert main(["check", str(sample / "three_site_stretched_dag.json")]) == 0
    swapped = clean.model_copy(
        update={
            "elements": [
                e.model_copy(update={"witness": "fsw-wor", "alternate_witness": "fsw-hfd"})
                if e.id == "dag-01"
                else e
                for e in clean.elements
            ]
        }
    )
    path = tmp_path / "witness-in-worcester.json"
    save(swapped, path)
    assert main(["check", str(path)]) == 1


# -- DAG002 ------------------------------------------------------------------------------
def _witness_in_boston(intent: FailoverIntent = FailoverIntent.MANUAL) -> list[ElementBase]:
    elements = edit(edit(base(), "fsw", site="bos"), "fsw-vm", host="esx2")
    return edit(elements, "dag", failover_intent=intent)


def test_dag002_triggers() -> None:
    # DOMAIN.md §3 (after issue 14): the same placement in a manual-intent design is a
    # warning — losing the witness's site leaves the other without quorum.
    f = _one(findings(_witness_in_boston(), "DAG002"), "DAG002")
    assert f.severity is Severity.WARNING
    assert f.elements == ("dag", "fsw", "bos")
    # wave 15 (``fixb15``, found by ``eyes14``): the finding says what to do, not only
    # what is wrong (its rule's Fix)
    assert f.message.endswith(
        "in member site Boston; when site Boston fails, DAG DAG1 loses quorum: 2 of 5 votes "
        "reachable; its databases dismount; move the witness to a third site linked to both "
        "member sites, or give the DAG an alternate witness in Chicago for a datacenter "
        "switchover"
    )
    alternate = FileShareWitness(id="fsw2", name="FSW2", site="chi")
    with_alternate = edit(add(_witness_in_boston(), alternate), "dag", alternate_witness="fsw2")
    f = _one(findings(edit(with_alternate, "dag", dac_mode=False), "DAG002"), "DAG002")
    assert f.message.endswith(
        "move the witness to a third site linked to both member sites, or keep alternate "
        "witness FSW2 ready for a datacenter switchover"
    )
    # eyes18 (fid #3): with the alternate witness in the other member site and DAC mode
    # on, the Fix is done but for the decision: the message names the step left, the
    # waiver (the source, 000 §5.3, still puts the witness in a third site: a warning).
    planned = edit(with_alternate, "dag", dac_mode=True)
    f = _one(findings(planned, "DAG002"), "DAG002")
    assert f.severity is Severity.WARNING
    assert f.message.endswith(
        "when site Boston fails, DAG DAG1 loses quorum: 2 of 5 votes reachable; its databases "
        "dismount; alternate witness FSW2 in Chicago and DAC mode are set for the datacenter "
        "switchover: if that is the plan, waive this finding "
        "with the switchover plan as its reason, or move the witness to a third site "
        "linked to both member sites"
    )
    # An alternate witness in the site that is lost is no help: the message asks for one
    # in the other site, DAC or not.
    beside = edit(edit(planned, "fsw2", site="bos"), "dag", dac_mode=True)
    f = _one(findings(beside, "DAG002"), "DAG002")
    assert f.message.endswith(
        "give the DAG an alternate witness in Chicago for a datacenter switchover"
    )


def test_dag002_passes() -> None:
    # an automatic-intent DAG gets DAG001's error for this placement, not the warning
    automatic = _witness_in_boston(FailoverIntent.AUTOMATIC)
    assert findings(automatic, "DAG002") == []
    # a single-site DAG keeps its witness at home
    single = edit(_witness_in_boston(), "dag", members=["mbx1", "mbx2"])
    single = edit(single, "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    single = edit(single, "db2", copies=copies(("mbx2", 1), ("mbx1", 2)))
    assert findings(single, "DAG002") == []


def test_dag002_quiet_when_survivors_keep_quorum() -> None:
    # three member sites of two each plus the witness: losing Boston leaves 4 of 7
    elements = add(
        _witness_in_boston(),
        *(
            VirtualMachine(id=f"ny{n}", name=f"NY{n}", host="esx5", roles=[VmRole.MAILBOX])
            for n in (1, 2)
        ),
    )
    elements = edit(elements, "dag", members=["mbx1", "mbx2", "mbx3", "mbx4", "ny1", "ny2"])
    assert findings(elements, "DAG002") == []


# -- DAG003 ------------------------------------------------------------------------------
def test_dag003_triggers() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    f = _one(findings(elements, "DAG003"), "DAG003")
    assert f.severity is Severity.ERROR
    assert f.elements == ("db1", "dag", "bos")
    assert f.message == (
        "database DB01 has 2 copies, both in site Boston; a stretched DAG with automatic "
        "failover needs one in each datacenter"
    )


def test_dag003_passes() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx3", 2)))
    assert findings(elements, "DAG003") == []


def test_dag003_is_a_warning_for_manual_intent() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1)))
    elements = edit(elements, "dag", failover_intent=FailoverIntent.MANUAL)
    f = _one(findings(elements, "DAG003"), "DAG003")
    assert f.severity is Severity.WARNING
    assert f.message.startswith("database DB01 has 1 copy, in site Boston; a stretched DAG needs")


def test_dag003_of_a_database_without_copies_says_it_once() -> None:
    # eyes23: a database just dropped on a DAG "has 0 copies, none in any site".
    elements = edit(base(), "db1", copies=[])
    f = _one(findings(elements, "DAG003"), "DAG003")
    assert f.message == (
        "database DB01 has no copies; a stretched DAG with automatic failover needs one in "
        "each datacenter"
    )


# -- DAG004 ------------------------------------------------------------------------------
def test_dag004_triggers() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx3", 2), ("mbx4", 3)))
    f = _one(findings(elements, "DAG004"), "DAG004")
    assert f.elements == ("db1", "bos", "mbx1")
    assert f.message == (
        "database DB01 has 1 non-lagged copy in its primary site Boston; "
        "local high availability needs 2: add a copy on DAG member MBX2"
    )


def test_dag004_asks_for_a_second_member_in_each_site() -> None:
    # wave 28 (fidelity28; eyes27 item 3): a two-member stretched DAG, the witness in
    # Denver. "Needs 2" led a newcomer to a third member in Boston alone: 3 members, the
    # witness without a vote, and Boston's loss then lost quorum (1 of 3) where 1 member
    # and the witness had kept it (2 of 3). The fix now says a member in each site.
    two = drop(base(), "mbx2", "mbx4", "mbx2-db1", "mbx2-db2", "mbx4-db1", "mbx4-db2")
    two = edit(two, "dag", members=["mbx1", "mbx3"])
    two = edit(two, "db1", copies=copies(("mbx1", 1), ("mbx3", 2)))
    two = edit(two, "db2", copies=copies(("mbx3", 1), ("mbx1", 2)))
    found = {f.elements[0]: f.message for f in findings(two, "DAG004")}
    assert found["db1"] == (
        "database DB01 has 1 non-lagged copy in its primary site Boston; local high "
        "availability needs 2: add a DAG member in site Boston for it, and one in site "
        "Chicago too: a second member in each site keeps the witness voting (with 3 "
        "members it has no vote) and the sites' member counts equal (DAG001)"
    )
    assert found["db2"].endswith(
        "add a DAG member in site Chicago for it, and one in site Boston too: a second "
        "member in each site keeps the witness voting (with 3 members it has no vote) and "
        "the sites' member counts equal (DAG001)"
    )
    # No witness: nothing said of its vote.
    bare = edit(two, "dag", witness=None)
    assert next(f.message for f in findings(bare, "DAG004")).endswith(
        "and one in site Chicago too: a second member in each site keeps the sites' "
        "member counts equal (DAG001)"
    )


def test_dag004_passes() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3, 7.0)))
    assert findings(elements, "DAG004") == []


def test_dag004_lagged_local_copy_does_not_count() -> None:
    elements = edit(
        base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2, 1.0), ("mbx3", 3), ("mbx4", 4))
    )
    f = _one(findings(elements, "DAG004"), "DAG004")
    assert "1 non-lagged copy" in f.message


def test_dag004_primary_site_is_the_user_site() -> None:
    # users in Chicago, preferred copy in Boston: Chicago must hold two copies
    elements = edit(
        base(), "db1", user_site="chi", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3))
    )
    f = _one(findings(elements, "DAG004"), "DAG004")
    assert f.elements == ("db1", "chi", "mbx3")
    # users in Denver, where no copy runs: the preferred copy's Boston is the primary site
    branch = edit(elements, "db1", user_site="den")
    assert findings(branch, "DAG004") == []
    assert findings(edit(branch, "db1", copies=copies(("mbx1", 1), ("mbx3", 2))), "DAG004")


# -- DAG005 ------------------------------------------------------------------------------
def test_dag005_triggers() -> None:
    elements = edit(
        base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3), ("mbx4", 4, 21.0))
    )
    f = _one(findings(elements, "DAG005"), "DAG005")
    assert f.severity is Severity.ERROR
    assert f.elements == ("db1", "mbx4")
    assert f.message == "database DB01 copy on MBX4 lags 21 days; Exchange allows at most 14"


def test_dag005_passes() -> None:
    elements = edit(
        base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3), ("mbx4", 4, 14.0))
    )
    assert findings(elements, "DAG005") == []


# -- DAG006 ------------------------------------------------------------------------------
def _lagged_in_chicago(intent: FailoverIntent = FailoverIntent.AUTOMATIC) -> list[ElementBase]:
    elements = edit(
        base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3, 7.0), ("mbx4", 4, 3.0))
    )
    return edit(elements, "dag", failover_intent=intent)


def test_dag006_triggers() -> None:
    f = _one(findings(_lagged_in_chicago(), "DAG006"), "DAG006")
    assert f.elements == ("db1", "dag", "mbx3", "mbx4")
    assert f.message == (
        "database DB01 has only lagged copies outside its primary site Boston "
        "(MBX3, MBX4), so it cannot fail over there automatically; the shortest lag is 3 days"
    )


def test_dag006_passes() -> None:
    one_current = edit(
        base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3, 7.0), ("mbx4", 4))
    )
    assert findings(one_current, "DAG006") == []


def test_dag006_is_raised_for_manual_intent_too_and_waivable() -> None:
    # 000 Fig. 8-9: a lagged DR copy activated by hand; the design waives the finding
    elements = _lagged_in_chicago(FailoverIntent.MANUAL)
    f = _one(findings(elements, "DAG006"), "DAG006")
    assert f.elements[0] == "db1"
    waived = design(elements).model_copy(
        update={
            "rules": RuleSettings(
                waivers=[Waiver(code="DAG006", elements=["db1"], reason="000 §5.2.1 Fig. 9")]
            )
        }
    )
    assert findings(waived, "DAG006") == []


# -- DAG007 ------------------------------------------------------------------------------
def test_dag007_triggers() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx1", 2), ("mbx3", 3)))
    f = _one(findings(elements, "DAG007"), "DAG007")
    assert f.severity is Severity.ERROR
    assert f.elements == ("db1", "mbx1")
    assert f.message == "database DB01 has 2 copies on DAG member MBX1"


def test_dag007_passes() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx4", 1), ("mbx1", 3), ("mbx3", 2)))
    assert findings(elements, "DAG007") == []


def test_dag007_activation_preferences_not_one_to_n() -> None:
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 1), ("mbx3", 4)))
    f = _one(findings(elements, "DAG007"), "DAG007")
    assert f.elements == ("db1",)
    assert (
        f.message
        == "database DB01 has activation preferences 1, 1, 4; 3 copies need 1…3, each once"
    )
    # a tie whose largest preference is still n
    tie = edit(base(), "db1", copies=copies(("mbx1", 3), ("mbx2", 1), ("mbx3", 3)))
    assert "activation preferences 1, 3, 3" in _one(findings(tie, "DAG007"), "DAG007").message


# -- DAG008 ------------------------------------------------------------------------------
def test_dag008_triggers() -> None:
    elements = edit(base(), "mbx2", host="esx1")
    found = findings(elements, "DAG008")
    assert [f.elements for f in found] == [
        ("db1", "esx1", "mbx1", "mbx2"),
        ("db2", "esx1", "mbx1", "mbx2"),
    ]
    assert found[0].message == (
        "database DB01 has copies on MBX1, MBX2, all on ESXi host esx-bos-1; "
        "one host failure takes 2 copies"
    )


def test_dag008_passes() -> None:
    assert findings(base(), "DAG008") == []
    # without anti-affinity, members of one database in separate clusters are fine
    elements = edit(base(), "dag", anti_affinity=False)
    elements = edit(elements, "db1", copies=copies(("mbx1", 1), ("mbx3", 2)))
    elements = edit(elements, "db2", copies=copies(("mbx4", 1), ("mbx2", 2)))
    assert findings(elements, "DAG008") == []


def test_dag008_shared_cluster_without_anti_affinity() -> None:
    elements = edit(base(), "dag", anti_affinity=False)
    found = findings(elements, "DAG008")
    assert [f.elements for f in found] == [
        ("dag", "cl-bos", "mbx1", "mbx2"),
        ("dag", "cl-chi", "mbx3", "mbx4"),
    ]
    assert found[0].message == (
        "DAG DAG1 has no anti-affinity rule and members MBX1, MBX2 in vSphere cluster "
        "CL-BOS hold copies of the same 2 databases; turn on its anti-affinity rule"
    )
    # One database is named (it read "databases concerned: 1").
    elements = edit(elements, "db2", copies=copies(("mbx1", 1), ("mbx3", 2)))
    messages = [f.message for f in findings(elements, "DAG008")]
    assert (
        "DAG DAG1 has no anti-affinity rule and members MBX1, MBX2 in vSphere cluster "
        "CL-BOS hold copies of database DB01; turn on its anti-affinity rule"
    ) in messages


# -- DAG009 ------------------------------------------------------------------------------
def _with_members(count: int) -> list[ElementBase]:
    extra = [f"x{n}" for n in range(count - 4)]
    elements = add(
        base(),
        *(VirtualMachine(id=x, name=x.upper(), host="esx2", roles=[VmRole.MAILBOX]) for x in extra),
    )
    members = ["mbx1", "mbx2", "mbx3", "mbx4", *extra]
    elements = edit(elements, "dag", members=members)
    return edit(
        elements,
        "db1",
        copies=[
            DatabaseCopy(member=m, activation_preference=i) for i, m in enumerate(members, start=1)
        ],
    )


def test_dag009_triggers() -> None:
    elements = edit(base(), "mbx3", roles=[VmRole.MAILBOX, VmRole.DOMAIN_CONTROLLER])
    f = _one(findings(elements, "DAG009"), "DAG009")
    assert f.severity is Severity.ERROR
    assert f.elements == ("dag", "mbx3")
    assert f.message == "DAG DAG1 member MBX3 is also a domain controller"


def test_dag009_passes() -> None:
    # 16 members and a database with 16 copies are within Exchange's limits
    assert findings(_with_members(16), "DAG009") == []


def test_dag009_over_sixteen_members_and_copies() -> None:
    found = findings(_with_members(17), "DAG009")
    assert sorted((f.elements, f.message) for f in found) == [
        (("dag",), "DAG DAG1 has 17 members; Exchange allows at most 16"),
        (("db1",), "database DB01 has 17 copies; Exchange allows at most 16"),
    ]


def test_dag009_witness_on_a_member() -> None:
    elements = edit(base(), "fsw", vm="mbx3", site="chi")
    elements = add(elements, FileShareWitness(id="fsw2", name="FSW2", site="den", vm="fsw-vm"))
    elements = edit(elements, "dag", witness="fsw2", alternate_witness="fsw")
    f = _one(findings(elements, "DAG009"), "DAG009")
    assert f.elements == ("dag", "fsw", "mbx3")
    assert f.message == "file share witness FSW of DAG DAG1 runs on its member MBX3"


def test_dag009_member_of_a_version_without_dags_or_of_mixed_versions() -> None:
    """wave 17: DAGs came with Exchange 2010, one version per DAG ([product fact]; 004:
    Exchange 2007 replicates with LCR, CCR and SCR)."""
    unstated = edit(base(), "mbx1", exchange_version=None)
    assert findings(unstated, "DAG009") == [], "members stating one version, one none"
    old = base()
    for member in ("mbx1", "mbx2", "mbx3", "mbx4"):
        old = edit(old, member, exchange_version="2007")
    f = _one(findings(old, "DAG009"), "DAG009")
    assert f.elements == ("dag", "mbx1", "mbx2", "mbx3", "mbx4")
    assert f.message == (
        "DAG DAG1 members MBX1, MBX2, MBX3, MBX4 run Exchange 2007; DAGs need Exchange 2010 or 2013"
    )
    mixed = edit(unstated, "mbx3", exchange_version="2010")
    f = _one(findings(mixed, "DAG009"), "DAG009")
    assert f.elements == ("dag",)
    assert f.message == (
        "DAG DAG1 mixes Exchange versions (1 on Exchange 2010, 2 on Exchange 2013); a DAG's "
        "members run one version"
    )


# -- DAG010 ------------------------------------------------------------------------------
def test_dag010_triggers() -> None:
    elements = edit(base(), "l-bc", rtt_ms=620)
    elements = edit(elements, "l-bd", rtt_ms=400)
    elements = edit(elements, "l-cd", rtt_ms=400)
    f = _one(findings(elements, "DAG010"), "DAG010")
    assert f.severity is Severity.ERROR
    assert f.elements == ("dag", "bos", "chi", "l-bc")
    assert f.message == (
        "DAG DAG1 member sites Boston and Chicago are 620 ms apart (round trip); "
        "Exchange allows at most 500"
    )


def test_dag010_passes() -> None:
    elements = edit(base(), "l-bc", rtt_ms=500)
    elements = edit(elements, "l-bd", rtt_ms=400)
    elements = edit(elements, "l-cd", rtt_ms=400)
    assert findings(elements, "DAG010") == []


def test_dag010_takes_the_fastest_path_and_needs_one() -> None:
    slow_direct = edit(base(), "l-bc", rtt_ms=900)  # via Denver: 30 + 25 ms
    assert findings(slow_direct, "DAG010") == []
    cut = drop(base(), "l-bc", "l-bd", "l-cd")
    f = _one(findings(cut, "DAG010"), "DAG010")
    assert "have no WAN path between them" in f.message


# -- DAG011 ------------------------------------------------------------------------------
def test_dag011_triggers() -> None:
    elements = add(base(), Lun(id="lun5", name="LUN-5", array="arr1"))
    elements = edit(elements, "mbx2-db1", lun="lun5")  # MBX2's DB01 disk on Boston's ARR-1
    f = _one(findings(elements, "DAG011"), "DAG011")
    assert f.severity is Severity.WARNING
    assert f.elements == ("db1", "arr1", "mbx1", "mbx2")
    assert f.message == (
        "database DB01 has copies on MBX1, MBX2 with their database disks on storage array "
        "ARR-1; one storage array failure takes 2 copies; move the database and log disks of "
        "MBX2 to another storage array, one array per copy"
    )


def test_dag011_passes() -> None:
    # the OS disk of MBX2 on ARR-1 is not a database disk
    elements = add(
        base(),
        VirtualDisk(id="mbx2-os", name="mbx2-os", vm="mbx2", purpose=DiskPurpose.OS, lun="lun1"),
    )
    assert findings(elements, "DAG011") == []


def test_dag011_same_datastore_and_unnamed_database_disks() -> None:
    # MBX1 and MBX3 keep their databases on unnamed data disks of one datastore
    elements = drop(base(), "mbx1-db1", "mbx3-db1")
    elements = add(
        elements,
        VirtualDisk(id="d1", name="d1", vm="mbx1", purpose=DiskPurpose.LOGS, lun="lun3"),
        VirtualDisk(id="d3", name="d3", vm="mbx3", purpose=DiskPurpose.DATABASE, lun="lun3"),
    )
    f = _one(findings(elements, "DAG011"), "DAG011")
    assert f.elements == ("db1", "lun3", "mbx1", "mbx3")
    assert "on LUN LUN-3; one LUN failure takes 2 copies" in f.message


# -- robustness --------------------------------------------------------------------------
_copy_specs = st.lists(
    st.tuples(
        st.sampled_from(["mbx1", "mbx2", "mbx3", "mbx4"]),
        st.integers(min_value=1, max_value=6),
        st.sampled_from([0.0, 0.0, 1.0, 14.0, 20.0]),
    ),
    max_size=6,
)


@given(
    spec=_copy_specs,
    hosts=st.lists(
        st.sampled_from(["esx1", "esx2", "esx3", "esx4", "esx5"]), min_size=4, max_size=4
    ),
    intent=st.sampled_from(list(FailoverIntent)),
    anti_affinity=st.booleans(),
)
def test_dag_rules_never_crash_and_dag007_matches_its_definition(
    spec: list[tuple[str, int, float]],
    hosts: list[str],
    intent: FailoverIntent,
    anti_affinity: bool,
) -> None:
    elements = edit(base(), "db1", copies=copies(*spec))
    elements = edit(elements, "dag", failover_intent=intent, anti_affinity=anti_affinity)
    for vm_id, host in zip(["mbx1", "mbx2", "mbx3", "mbx4"], hosts, strict=True):
        elements = edit(elements, vm_id, host=host)
    result = check(design(elements), codes=DAG_CODES)
    assert not [f for f in result.findings if f.code == "INT001"]
    members = [s[0] for s in spec]
    prefs = sorted(s[1] for s in spec)
    broken = bool(spec) and (
        len(set(members)) < len(members) or prefs != list(range(1, len(prefs) + 1))
    )
    assert broken == any(f.code == "DAG007" and "db1" in f.elements for f in result.findings)
    over_lag = sum(1 for s in spec if s[2] > 14)
    assert over_lag == sum(1 for f in result.findings if f.code == "DAG005")


# -- DAG012 ------------------------------------------------------------------------------
def test_dag012_triggers() -> None:
    # DOMAIN.md §2 lists the DAG's Datacenter Activation Coordination mode; a DAG
    # stretched over sites without it can split-brain when a lost site returns.
    elements = edit(base(), "dag", dac_mode=False)
    f = _one(findings(elements, "DAG012"), "DAG012")
    assert f.severity is Severity.WARNING
    assert f.elements == ("dag",)
    assert "members in 2 sites (2 in site Boston, 2 in site Chicago)" in f.message
    assert "Datacenter Activation Coordination" in f.message
    # wave 15 (``fixb15``, found by ``eyes14``): and what to do about it
    assert f.message.endswith(
        "without Datacenter Activation Coordination mode; turn on its DAC mode"
    )


def test_dag012_passes() -> None:
    assert findings(base(), "DAG012") == []  # DAC on
    # a single-site DAG does not need it
    single = edit(base(), "dag", dac_mode=False, members=["mbx1", "mbx2"])
    single = edit(single, "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    single = edit(single, "db2", copies=copies(("mbx2", 1), ("mbx1", 2)))
    assert findings(single, "DAG012") == []


def test_dag_findings_say_1_day_not_1_days() -> None:
    # issue 14, wording: "1 days" → "1 day"
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3, 1),
                                                  ("mbx4", 4, 1)))  # fmt: skip
    (f,) = findings(elements, "DAG006")
    assert f.message.endswith("the shortest lag is 1 day")


# -- DAG013 (wave 18, fid18; found by eyes18) ---------------------------------------------
def test_dag013_triggers() -> None:
    # DOMAIN.md §4: the witness votes when the member count is even; without it, half
    # the members lost leaves no majority. A manual-intent DAG said nothing (DAG002 looks
    # at where its witness is, DAG001 only at automatic intent).
    elements = edit(base(), "dag", witness=None, failover_intent=FailoverIntent.MANUAL)
    f = _one(findings(elements, "DAG013"), "DAG013")
    assert f.severity is Severity.WARNING
    assert f.elements == ("dag", "bos")
    assert f.message == (
        "DAG DAG1 has 4 members and no file share witness: when site Boston fails (2 of its "
        "4 members), DAG DAG1 loses quorum: 2 of 4 votes reachable; its databases dismount; give "
        "it a file share witness: in a third site linked to both member sites, it keeps the "
        "DAG's quorum when a member site fails, and the other site's copies then activate by "
        "themselves only with site failover intent Automatic (with Manual they wait for a "
        "datacenter switchover)"
    )
    assert findings(elements, "DAG002") == []
    # One site, two members: losing one leaves 1 of 2 votes.
    single = edit(base(), "dag", witness=None, members=["mbx1", "mbx2"])
    single = edit(single, "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    single = edit(single, "db2", copies=copies(("mbx2", 1), ("mbx1", 2)))
    f = _one(findings(single, "DAG013"), "DAG013")
    assert f.elements == ("dag",)
    assert (
        "when 1 of its 2 members fail, DAG DAG1 loses quorum: 1 of 2 votes reachable" in f.message
    )


def test_dag013_passes() -> None:
    assert findings(base(), "DAG013") == []  # a witness
    # Automatic intent across sites: DAG001's error already says it.
    automatic = edit(base(), "dag", witness=None)
    assert findings(automatic, "DAG013") == [] and findings(automatic, "DAG001")
    # Three members: a majority of 3 needs no witness.
    odd = edit(base(), "dag", witness=None, members=["mbx1", "mbx2", "mbx3"],
               failover_intent=FailoverIntent.MANUAL)  # fmt: skip
    odd = edit(odd, "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    odd = edit(odd, "db2", copies=copies(("mbx2", 1), ("mbx3", 2)))
    assert findings(odd, "DAG013") == []


# -- DAG014 (wave 21, fid21: plan-copies added copies without storage) --------------------
def test_dag014_triggers() -> None:
    # 000 §4.3: a DAG keeps each copy on its member's own storage. MBX3's DB01 disk gone:
    # its copy has no storage, and no LUN, array or site storage failure reaches it.
    elements = drop(base(), "mbx3-db1")
    f = _one(findings(elements, "DAG014"), "DAG014")
    assert f.severity is Severity.WARNING
    assert f.elements == ("db1", "mbx3")
    assert f.message == (
        "database DB01 has a copy on MBX3, which keeps it on no disk (no database or log "
        "disk on a LUN naming DB01, nor an unnamed one): no storage failure reaches the "
        "copy; give it a database disk on its datastore"
    )
    # Neither an OS disk, nor a disk on no LUN, nor another database's disk holds it.
    more = add(
        elements,
        VirtualDisk(id="o3", name="o3", vm="mbx3", purpose=DiskPurpose.OS, lun="lun3"),
        VirtualDisk(id="n3", name="n3", vm="mbx3", purpose=DiskPurpose.DATABASE,
                    database="db1"),
    )  # fmt: skip
    assert [f.elements for f in findings(more, "DAG014")] == [("db1", "mbx3")]
    # One finding per member: a new database copied to three members, no disks.
    new = add(
        base(),
        MailboxDatabase(id="db3", name="DB03", dag="dag",
                        copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3))),
    )  # fmt: skip
    assert [f.elements for f in findings(new, "DAG014")] == [
        ("db3", "mbx1"),
        ("db3", "mbx2"),
        ("db3", "mbx3"),
    ]


def test_dag014_passes() -> None:
    assert findings(base(), "DAG014") == []  # a database disk for each copy
    # An unnamed data disk holds whichever databases the member has none of its own for
    # (as DAG011 reads it); a log disk naming the database is where its files are too.
    elements = drop(base(), "mbx3-db1", "mbx3-db2", "mbx4-db1")
    elements = add(
        elements,
        VirtualDisk(id="d3", name="d3", vm="mbx3", purpose=DiskPurpose.DATABASE, lun="lun3"),
        VirtualDisk(id="l4", name="l4", vm="mbx4", purpose=DiskPurpose.LOGS, lun="lun4",
                    database="db1"),
    )  # fmt: skip
    assert findings(elements, "DAG014") == []
    # A database with no copies is not a DAG copy (its disks say where it runs).
    alone = add(base(), MailboxDatabase(id="db9", name="DB09"))
    assert findings(alone, "DAG014") == []


# -- DAG015 (wave 22, rules22; found by eyes22 #14) ---------------------------------------
def _says(
    elements: list[ElementBase], what: tuple[str, Severity, tuple[str, ...]], text: str
) -> None:
    """The design's one finding of the code in ``what`` has its severity, elements, text."""
    code, severity, ids = what
    f = _one(findings(elements, code), code)
    assert (f.severity, f.elements, f.message) == (severity, ids, text)


def _second_share(site: str, vm: str) -> list[ElementBase]:
    """A second file share witness FSW2 in ``site``, served by ``vm`` (made when new)."""
    new: list[ElementBase] = [FileShareWitness(id="fsw2", name="FSW2", site=site, vm=vm)]
    if vm == "fsw2-vm":
        host = {"den": "esx5", "chi": "esx3", "bos": "esx1"}[site]
        new.append(
            VirtualMachine(id=vm, name="FSW02", host=host, roles=[VmRole.FILE_SHARE_WITNESS])
        )
    return new


def test_dag015_triggers() -> None:
    # The alternate witness serves after a datacenter switchover, when the witness's site
    # is lost (000 §5.1.1; Restore-DatabaseAvailabilityGroup): the same share cannot.
    _says(
        edit(base(), "dag", alternate_witness="fsw"),
        ("DAG015", Severity.WARNING, ("dag", "fsw")),
        "DAG DAG1 alternate witness FSW is also its witness: when site Denver fails, it is "
        "down too: a datacenter switchover cannot use it; put the alternate witness on a "
        "server in the member site the DAG would switch over to",
    )
    # Another share on the witness's server.
    server = edit(add(base(), *_second_share("den", "fsw-vm")), "dag", alternate_witness="fsw2")
    f = _one(findings(server, "DAG015"), "DAG015")
    assert f.elements == ("dag", "fsw2", "fsw")
    assert "alternate witness FSW2 is on server FSW01 with its witness FSW:" in f.message
    # Another server in the witness's site.
    site = edit(add(base(), *_second_share("den", "fsw2-vm")), "dag", alternate_witness="fsw2")
    f = _one(findings(site, "DAG015"), "DAG015")
    assert "alternate witness FSW2 is in site Denver with its witness FSW:" in f.message
    # The same share of a single-site DAG serves no better.
    single = edit(base(), "dag", members=["mbx1", "mbx2"], alternate_witness="fsw")
    single = edit(single, "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    single = edit(single, "db2", copies=copies(("mbx2", 1), ("mbx1", 2)))
    assert [f.elements for f in findings(single, "DAG015")] == [("dag", "fsw")]


def test_dag015_passes() -> None:
    assert findings(base(), "DAG015") == []  # no alternate witness
    # An alternate witness in the member site the DAG would switch over to, on its own VM.
    other = edit(add(base(), *_second_share("chi", "fsw2-vm")), "dag", alternate_witness="fsw2")
    assert findings(other, "DAG015") == []
    # A single-site DAG has no other datacenter: another server in the same site is fine.
    single = edit(
        add(base(), *_second_share("den", "fsw2-vm")),
        "dag",
        members=["mbx1", "mbx2"],
        alternate_witness="fsw2",
    )
    single = edit(single, "db1", copies=copies(("mbx1", 1), ("mbx2", 2)))
    single = edit(single, "db2", copies=copies(("mbx2", 1), ("mbx1", 2)))
    assert findings(single, "DAG015") == []
    # An alternate witness with no witness: DAG013/DAG001 speak of the missing witness.
    alone = edit(add(base(), *_second_share("chi", "fsw2-vm")), "dag", witness=None,
                 alternate_witness="fsw2")  # fmt: skip
    assert findings(alone, "DAG015") == []


# -- DAG016 (wave 22, rules22; found by eyes22 #12) ---------------------------------------
def test_dag016_triggers() -> None:
    # A fifth member with no copy (eyes22: BOS-MBX03 added, copy layout empty): it votes
    # (DOMAIN.md §4) but takes over nothing (000 §4.3).
    elements = add(
        base(),
        VirtualMachine(id="mbx5", name="MBX5", host="esx1", roles=[VmRole.MAILBOX],
                       exchange_version="2013"),
    )  # fmt: skip
    elements = edit(elements, "dag", members=[*base_members(), "mbx5"])
    _says(
        elements,
        ("DAG016", Severity.INFO, ("dag", "mbx5")),
        "DAG DAG1 member MBX5 holds no database copy: it votes for quorum but takes over no "
        "database when another member fails; give it copies (Plan copies…) or take it out "
        "of the DAG",
    )
    # One finding per member: MBX4's copies gone too.
    elements = edit(elements, "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3)))
    elements = edit(elements, "db2", copies=copies(("mbx3", 1), ("mbx1", 2), ("mbx2", 3)))
    assert [f.elements for f in findings(elements, "DAG016")] == [
        ("dag", "mbx4"),
        ("dag", "mbx5"),
    ]


def test_dag016_says_what_taking_a_member_out_of_a_stretched_dag_costs() -> None:
    # wave 28 (fidelity28): MBX4 (Chicago) holds nothing; "take it out of the DAG" left 3
    # members, the witness without a vote: Boston's loss then loses quorum (1 of 3).
    elements = edit(base(), "db1", copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3)))
    elements = edit(elements, "db2", copies=copies(("mbx3", 1), ("mbx1", 2), ("mbx2", 3)))
    (f,) = findings(elements, "DAG016")
    assert f.message.endswith(
        "give it copies (Plan copies…) or take it out of the DAG with a member of site "
        "Boston (with 3 members the witness has no vote)"
    )


def base_members() -> list[str]:
    (dag,) = [e for e in base() if isinstance(e, Dag)]
    return list(dag.members)


def test_dag016_passes() -> None:
    assert findings(base(), "DAG016") == []  # every member holds copies
    disks = {db: [f"{m}-{db}" for m in base_members()] for db in ("db1", "db2")}
    # A DAG with no database yet: nothing to hold (a design being drawn).
    assert findings(drop(base(), "db1", "db2", *disks["db1"], *disks["db2"]), "DAG016") == []
    # One database is enough: each member holds a copy of DB01.
    assert findings(drop(base(), "db2", *disks["db2"]), "DAG016") == []


# -- wave 23 (rules23): DAG015 follows the witnesses' servers; DAG017; DAG014's fix --------
def _alternate_served_from(stated: str, host: str) -> list[ElementBase]:
    """The base design with an alternate witness FSW2 stated in ``stated`` and served by
    a VM FSW02 on ``host``."""
    elements = add(
        base(),
        VirtualMachine(id="fsw2-vm", name="FSW02", host=host, roles=[VmRole.FILE_SHARE_WITNESS]),
        FileShareWitness(id="fsw2", name="FSW2", site=stated, vm="fsw2-vm"),
    )
    return edit(elements, "dag", alternate_witness="fsw2")


def test_dag015_follows_the_alternate_witness_servers_host() -> None:
    # Stated in Chicago, but its VM runs on Denver's host with the witness's: losing
    # Denver takes both (the stated site said otherwise, and the rule read only that).
    f = _one(findings(_alternate_served_from("chi", "esx5"), "DAG015"), "DAG015")
    assert f.elements == ("dag", "fsw2", "fsw")
    assert f.message.startswith(
        "DAG DAG1 alternate witness FSW2 is in site Denver with its witness FSW: when "
        "site Denver fails, it is down too"
    )
    # The witness too is where its server runs: its VM moved to a Chicago host.
    moved = edit(_alternate_served_from("chi", "esx3"), "fsw-vm", host="esx4")
    f = _one(findings(moved, "DAG015"), "DAG015")
    assert f.message.startswith(
        "DAG DAG1 alternate witness FSW2 is in site Chicago with its witness FSW: when "
        "site Chicago fails, it is down too"
    )


def test_dag015_passes_an_alternate_witness_stated_with_the_witness_but_served_apart() -> None:
    # Stated in Denver with the witness, but its VM runs in Chicago: a switchover there
    # finds it up (DAG017 says the stated site is wrong).
    elements = _alternate_served_from("den", "esx3")
    assert findings(elements, "DAG015") == []
    assert [f.elements for f in findings(elements, "DAG017")] == [("fsw2", "fsw2-vm", "chi")]


def test_dag017_triggers() -> None:
    # The witness states Denver, but its VM was moved onto a Boston host.
    elements = edit(base(), "fsw-vm", host="esx2")
    _says(
        elements,
        ("DAG017", Severity.WARNING, ("fsw", "fsw-vm", "bos")),
        "file share witness FSW states site Denver, but its server FSW01 runs on host "
        "esx-bos-2 in site Boston: the canvas draws it in Denver, while it goes down with "
        "Boston, where the simulator counts its vote and the quorum rules judge it; set its "
        "site to Boston, or move FSW01 to a host in Denver",
    )
    # Any site: an alternate witness stated in Chicago, served from Denver.
    f = _one(findings(_alternate_served_from("chi", "esx5"), "DAG017"), "DAG017")
    assert f.elements == ("fsw2", "fsw2-vm", "den")


def test_dag017_passes() -> None:
    assert findings(base(), "DAG017") == []  # FSW01 runs on Denver's host
    # A physical server (no VM) has only its stated site.
    physical = edit(base(), "fsw", vm=None)
    assert findings(physical, "DAG017") == []
    # The witness's site set to where its server runs.
    moved = edit(edit(base(), "fsw-vm", host="esx2"), "fsw", site="bos")
    assert findings(moved, "DAG017") == []


def test_dag014_says_what_to_do_for_a_member_with_no_data_disk() -> None:
    # MBX3 has neither database nor log disk anywhere: it has no datastore to follow.
    elements = drop(base(), "mbx3-db1", "mbx3-db2")
    found = findings(elements, "DAG014")
    # wave 24 (rules24): one finding for the member, not one per copy
    assert [f.elements for f in found] == [("mbx3", "db1", "db2")]
    assert found[0].message == (
        "MBX3 keeps its copies of 2 databases (DB01, DB02) on no disk (MBX3 has no database "
        "or log disk on any LUN): no storage failure reaches them; give MBX3 a virtual disk "
        "for them (purpose database) on a LUN of a storage array, as a VMFS datastore or an "
        "RDM"
    )
    one = drop(base(), "mbx3-db1", "mbx3-db2", "db2", *(f"{m}-db2" for m in base_members()))
    assert [f.message for f in findings(one, "DAG014")] == [
        "database DB01 has a copy on MBX3, which keeps it on no disk (MBX3 has no database "
        "or log disk on any LUN): no storage failure reaches the copy; give MBX3 a virtual "
        "disk for DB01 (purpose database) on a LUN of a storage array, as a VMFS datastore "
        "or an RDM"
    ]
    # An OS disk on a LUN is no database storage: the same words.
    with_os = add(
        elements,
        VirtualDisk(id="o3", name="o3", vm="mbx3", purpose=DiskPurpose.OS, lun="lun3"),
    )
    assert [f.message for f in findings(with_os, "DAG014")] == [f.message for f in found]


# -- wave 24 (rules24): DAG001/DAG002 follow the witness's server; DAG015 its system disk --
def test_dag001_judges_the_witness_where_its_server_runs() -> None:
    # Stated in Boston (a member site), but its VM runs on Denver's host: the witness is
    # in a third site; DAG017 alone says the stated site is wrong (it said DAG001 too).
    stated_in_boston = edit(base(), "fsw", site="bos")
    assert findings(stated_in_boston, "DAG001") == []
    assert [f.elements for f in findings(stated_in_boston, "DAG017")] == [("fsw", "fsw-vm", "den")]
    manual = edit(stated_in_boston, "dag", failover_intent=FailoverIntent.MANUAL)
    assert findings(manual, "DAG002") == []
    # Stated in Denver, served from a fourth site linked to Boston only: its links are
    # judged from where it runs (they were judged from Denver's, which reach both).
    fourth = add(
        base(),
        Site(id="nyc", name="New York"),
        EsxiHost(id="esx-nyc", name="esx-nyc", site="nyc"),
        WanLink(id="l-bn", name="BOS-NYC", site_a="bos", site_b="nyc"),
    )
    fourth = edit(fourth, "fsw-vm", host="esx-nyc")
    f = _one(findings(fourth, "DAG001"), "DAG001")
    assert f.elements == ("dag", "fsw", "nyc", "chi")
    assert f.message == (
        "DAG DAG1 witness FSW in site New York has no link to member site Chicago that "
        "avoids the other member sites"
    )


def test_dag015_follows_the_witnesses_system_disks() -> None:
    # The alternate witness in Chicago (the site the DAG switches over to) boots from
    # Denver's array, where the witness runs: losing Denver takes both (the simulator
    # takes a VM down with its system disk's LUN).
    elements = add(
        base(),
        *_second_share("chi", "fsw2-vm"),
        StorageArray(id="arr-den", name="ARR-DEN", site="den"),
        Lun(id="lun-den", name="LUN-DEN", array="arr-den"),
        VirtualDisk(id="fsw2-os", name="fsw2-os", vm="fsw2-vm", lun="lun-den"),
    )
    elements = edit(elements, "dag", alternate_witness="fsw2")
    f = _one(findings(elements, "DAG015"), "DAG015")
    assert f.elements == ("dag", "fsw2", "fsw")
    assert f.message.startswith(
        "DAG DAG1 alternate witness FSW2 keeps its system disk on storage array ARR-DEN in "
        "site Denver, and its witness FSW is in site Denver: when site Denver fails, it is "
        "down too: a datacenter switchover cannot use it"
    )
    # The other way round: the witness boots from Chicago's array (ARR-3), where the
    # alternate witness runs.
    other = add(
        base(),
        *_second_share("chi", "fsw2-vm"),
        VirtualDisk(id="fsw-os", name="fsw-os", vm="fsw-vm", lun="lun3"),
    )
    other = edit(other, "dag", alternate_witness="fsw2")
    f = _one(findings(other, "DAG015"), "DAG015")
    assert f.message.startswith(
        "DAG DAG1 alternate witness FSW2 is in site Chicago, and its witness FSW keeps its "
        "system disk on storage array ARR-3 in site Chicago: when site Chicago fails"
    )
    # Its system disk on its own site's array: no finding; a database disk elsewhere
    # does not take the server down (only the system disk does).
    own = add(
        base(),
        *_second_share("chi", "fsw2-vm"),
        VirtualDisk(id="fsw2-os", name="fsw2-os", vm="fsw2-vm", lun="lun3"),
        VirtualDisk(
            id="fsw2-data", name="fsw2-data", vm="fsw2-vm", lun="lun1",
            purpose=DiskPurpose.DATABASE,
        ),
    )  # fmt: skip
    assert findings(edit(own, "dag", alternate_witness="fsw2"), "DAG015") == []
