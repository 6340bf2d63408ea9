"""CAP001-CAP006 and MV007's link share, on the stretched DAG of the capacity tests
(BOS-WOR 1,000 Mbit/s unless set; BOS-HFD and WOR-HFD 100 Mbit/s; the witness in
Hartford), each with a design that triggers it and one that passes."""

from __future__ import annotations

import sys
from pathlib import Path

from designer.capacity import plan_copies
from designer.domain import CapacitySettings, Design, MailboxProfile, Severity, Waiver
from designer.rules import Finding, check

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "capacity"))
from cap_designs import stretched

MIB = 1_048_576
PER_COPY = 2000 * 30 * MIB * 8 / 86_400 / 1e6 * 3  # 17.476 Mbit/s at the busiest hour


def findings(design: Design, code: str) -> list[Finding]:
    return [f for f in check(design, codes=[code]).active if f.code == code]


# -- CAP001 ---------------------------------------------------------------------------
def test_cap001_triggers() -> None:
    # Four databases ship 4 × 17.476 = 69.9 Mbit/s from Boston to Worcester.
    (finding,) = findings(
        stretched(databases=4, copies=("bos", "wor"), bandwidth_mbps=50), "CAP001"
    )
    assert finding.severity is Severity.ERROR
    assert finding.elements == ("wan-bos-wor",)
    assert (
        "WAN link BOS-WOR needs 69.9 Mbit/s from BOS to WOR in normal operation" in finding.message
    )
    assert "DAG log shipping 69.9" in finding.message
    assert finding.message.endswith("it has 50 Mbit/s")


def test_cap001_passes() -> None:
    assert (
        findings(stretched(databases=4, copies=("bos", "wor"), bandwidth_mbps=70), "CAP001") == []
    )


def test_capacity_rules_need_a_stated_workload() -> None:
    """A design that states no profile or change rate is not sized."""
    design = stretched(databases=4, copies=("bos", "wor"), bandwidth_mbps=50)
    bare = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"mailbox_profile": None}) if e.kind == "dag" else e
                for e in design.elements
            ]
        }
    )
    assert findings(bare, "CAP001") == []


# -- CAP002 ---------------------------------------------------------------------------
def _reroute(hfd_bandwidth: float) -> Design:
    """5,000 mailboxes per database: 4 × 43.7 = 174.8 Mbit/s Boston → Worcester, fine
    on the direct link; when it fails the traffic takes Hartford's links."""
    design = stretched(databases=4, mailboxes=5000, copies=("bos", "wor"))
    return design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"bandwidth_mbps": hfd_bandwidth})
                if e.kind == "wan_link" and e.id != "wan-bos-wor"
                else e
                for e in design.elements
            ]
        }
    )


def test_cap002_triggers() -> None:
    result = findings(_reroute(100.0), "CAP002")
    assert {f.elements[0] for f in result} == {"wan-bos-hfd", "wan-wor-hfd"}
    (bos_hfd,) = [f for f in result if f.elements[0] == "wan-bos-hfd"]
    assert bos_hfd.severity is Severity.WARNING
    assert (
        "needs 174.8 Mbit/s from BOS to HFD after the failure of WAN link BOS-WOR"
        in bos_hfd.message
    )
    assert "wan-bos-wor" in bos_hfd.elements
    assert findings(_reroute(100.0), "CAP001") == []  # normal operation is fine


def test_cap002_passes() -> None:
    assert findings(_reroute(200.0), "CAP002") == []


# -- CAP003 ---------------------------------------------------------------------------
def _sized(vcpu: int) -> Design:
    """Two databases of 2,000 mailboxes, copies Boston, Boston, Worcester: each Boston
    member runs one (2,000 × 3 megacycles = 6,000) and holds the other's passive copy
    (2,000 × 0.45 = 900): 6,900 megacycles; losing the other Boston member gives it
    both (12,000)."""
    return stretched(databases=2, copies=("bos", "bos", "wor"), vcpu=vcpu)


def test_cap003_triggers() -> None:
    """2 vCPUs give 2 × 3,333 × 80 % = 5,333 megacycles: the Boston members are over
    in normal operation (errors); the Worcester ones, idle in normal operation, only
    after a failure in Boston (warnings naming it). 4 vCPUs (10,666) carry normal
    operation but not a Boston member's failure."""
    by_member = {f.elements[0]: f for f in findings(_sized(2), "CAP003")}
    assert by_member["bos-mbx1"].severity is Severity.ERROR
    assert (
        "needs 6,900 megacycles (129 % of the 5,333 its 2 vCPUs give at the 80 % ceiling) "
        "in normal operation" in by_member["bos-mbx1"].message
    )
    assert by_member["wor-mbx1"].severity is Severity.WARNING
    # Its worst single failure: Boston's array, which holds the Boston copies' logs.
    assert "after the failure of storage array BOS-CX" in by_member["wor-mbx1"].message
    assert "2,000 active mailboxes in 1 database" in by_member["wor-mbx1"].message
    warning = {f.elements[0]: f for f in findings(_sized(4), "CAP003")}["bos-mbx1"]
    assert warning.severity is Severity.WARNING
    assert "needs 12,000 megacycles" in warning.message
    assert "4,000 active mailboxes in 2 databases" in warning.message


def test_cap003_passes() -> None:
    assert findings(_sized(6), "CAP003") == []


# -- CAP004 ---------------------------------------------------------------------------
def test_cap004_triggers() -> None:
    """Each log LUN holds the logs of one database: 62.9 GB a day = 2.62 GB/h; with
    5 GB free it fills in 1.9 h, before the 4 h RTO target."""
    result = findings(stretched(databases=2, copies=("bos", "wor"), log_free_gb=5.0), "CAP004")
    assert result
    finding = result[0]
    assert finding.severity is Severity.WARNING
    assert "fills 1.9 h after a copy or link outage stops log truncation" in finding.message
    assert finding.message.endswith("the RTO target is 4.0 h")


def test_cap004_passes() -> None:
    assert findings(stretched(databases=2, copies=("bos", "wor"), log_free_gb=11.0), "CAP004") == []


# -- CAP005 ---------------------------------------------------------------------------
def _one_site(layout: bool) -> Design:
    design = stretched(databases=6, members_per_site=3, copies=("bos", "bos", "bos"))
    if layout:
        design = plan_copies(design, "DAG01", copies_per_site={"bos": 3, "wor": 0}).apply(design)
    return design


def test_cap005_triggers() -> None:
    result = findings(_one_site(layout=False), "CAP005")
    assert result and all(f.severity is Severity.WARNING for f in result)
    assert "its failure sends 2 of its 2 active databases to" in result[0].message
    assert "2 members of its site hold copies of them" in result[0].message


def test_cap005_passes() -> None:
    assert findings(_one_site(layout=True), "CAP005") == []


# -- CAP006 (wave 15, ``fixb15``) -------------------------------------------------------
def test_cap006_triggers() -> None:
    """A new database starts at 0 mailboxes: an info finding names it and what it means,
    whatever else the design states (no workload needed)."""
    design = stretched(databases=1, copies=("bos", "wor"), mailboxes=0)
    result = findings(design, "CAP006")
    assert [f.message for f in result] == [
        "mailbox database DB01 states 0 mailboxes: simulation, availability and capacity "
        "count no users on it"
    ]
    assert all(f.severity is Severity.INFO for f in result)
    assert [f.elements for f in result] == [
        (e.id,) for e in design.elements if e.kind == "mailbox_database"
    ]


def test_cap006_says_it_once_per_dag() -> None:
    """rules25: the databases of one DAG stating none are one thing to do, one finding
    naming how many and the first three (a calculator import: 40 findings before),
    whose elements are the databases (selected together, the Inspector sets them all)."""
    design = stretched(databases=5, copies=("bos", "wor"), mailboxes=0)
    (found,) = findings(design, "CAP006")
    assert found.severity is Severity.INFO
    assert found.message == (
        "5 mailbox databases (DB01, DB02, DB03 and 2 more) of DAG DAG01 state 0 mailboxes: "
        "simulation, availability and capacity count no users on them; enter their "
        "Mailboxes in the Inspector (Select its 5 elements, on this finding's menu in the "
        "Problems list, selects them to set together)"
    )
    assert found.elements == tuple(e.id for e in design.elements if e.kind == "mailbox_database")


def test_cap006_keeps_a_waived_database_apart() -> None:
    """A waiver written for one database (a journaling database really holds none)
    waives that one alone: it keeps a finding of its own, the others stay open."""
    design = stretched(databases=3, copies=("bos", "wor"), mailboxes=0)
    ids = [e.id for e in design.elements if e.kind == "mailbox_database"]
    rules = design.rules.model_copy(
        update={"waivers": [Waiver(code="CAP006", elements=[ids[1]], reason="journaling")]}
    )
    result = check(design.model_copy(update={"rules": rules}), codes=["CAP006"])
    waived = [f for f in result.findings if f.waived]
    assert [(f.elements, f.waiver_reason) for f in waived] == [((ids[1],), "journaling")]
    (open_one,) = [f for f in result.active if f.code == "CAP006"]
    assert open_one.elements == (ids[0], ids[2])
    assert open_one.message.startswith("2 mailbox databases (DB01, DB03) of DAG DAG01 state 0")


def test_cap006_waived_whole_stays_one_waived_finding() -> None:
    """The Problems list's Waive… on the gathered finding names all its databases: that
    waiver waives it (not one finding per database, each unwaived, the waiver stale)."""
    design = stretched(databases=3, copies=("bos", "wor"), mailboxes=0)
    ids = [e.id for e in design.elements if e.kind == "mailbox_database"]
    rules = design.rules.model_copy(
        update={"waivers": [Waiver(code="CAP006", elements=ids, reason="sized later")]}
    )
    result = check(design.model_copy(update={"rules": rules}))
    assert [(f.code, f.elements, f.waived) for f in result.findings if f.code == "CAP006"] == [
        ("CAP006", tuple(ids), True)
    ]
    assert not [f for f in result.findings if "matches no finding" in f.message]


def test_cap006_passes() -> None:
    assert findings(stretched(databases=2, copies=("bos", "wor"), mailboxes=1), "CAP006") == []


# -- MV007 with the link share ---------------------------------------------------------
def test_mv007_uses_the_links_share_once_the_workload_is_stated() -> None:
    """The 002 example as a finding: 30 min updates + 15 min transfer over what the DAG
    log shipping leaves of the link; a 40 min target is missed."""
    dag = 10_000 * 30 * MIB * 8 / 86_400 / 1e6
    design = stretched(
        databases=1,
        mailboxes=10_000,
        copies=("bos", "wor"),
        bandwidth_mbps=dag + 400 / 9,
        settings=CapacitySettings(peak_factor=1.0),
        mirror_rate_gb_per_hour=10.0,
    )
    design = design.model_copy(
        update={"intent": design.intent.model_copy(update={"rpo_target_min": 40})}
    )
    (finding,) = findings(design, "MV007")
    assert "RPO of 45 min (30 min updates + 15 min transfer)" in finding.message


def test_profile_is_a_mailbox_profile() -> None:
    assert MailboxProfile().messages_per_day == 150
