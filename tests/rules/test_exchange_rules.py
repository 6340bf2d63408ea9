"""Exchange rules EX001-EX003: a failing and a passing fixture each."""

from __future__ import annotations

from _misc_fixtures import (
    assert_sound,
    build,
    findings,
    noted,
    random_designs,
    two_sites,
    unplaced,
    vm,
)
from hypothesis import given

from designer.domain import (
    CasArray,
    Dag,
    DatabaseCopy,
    Design,
    Exchange2007Kind,
    Exchange2007Replication,
    HostReplication,
    MailboxDatabase,
    ProtectionGroup,
    SrmSitePair,
    VmRole,
    WanLink,
)
from designer.domain.design import Severity

MBX = [VmRole.MAILBOX]
HUB = [VmRole.HUB_TRANSPORT]


# -- EX001 -------------------------------------------------------------------------------
def test_ex001_triggers() -> None:
    design = build(
        *two_sites(),
        vm("edge1", roles=[VmRole.EDGE_TRANSPORT, VmRole.HUB_TRANSPORT], exchange_version="2007"),
    )
    (finding,) = findings(design, "EX001")
    assert finding.elements == ("edge1",)
    assert "Edge Transport VM edge1" in finding.message and "hub transport" in finding.message


def test_ex001_passes() -> None:
    design = build(
        *two_sites(),
        vm("edge1", roles=[VmRole.EDGE_TRANSPORT], exchange_version="2007"),
        vm("hub1", roles=[VmRole.HUB_TRANSPORT, VmRole.CLIENT_ACCESS], exchange_version="2007"),
    )
    assert findings(design, "EX001") == []


def _replication(kind: Exchange2007Kind, nodes: int, passive: int = 1) -> list:
    servers = [vm(f"n{i}", roles=MBX, exchange_version="2007") for i in range(nodes)]
    rep = Exchange2007Replication(
        id="rep", name="cluster-1", replication=kind, nodes=[s.id for s in servers],
        passive_nodes=passive,
    )  # fmt: skip
    return [*two_sites(), *servers, rep]


def test_ex001_cluster_limits() -> None:
    (ccr,) = findings(build(*_replication(Exchange2007Kind.CCR, 3)), "EX001")
    assert ccr.elements[0] == "rep" and ccr.message == "CCR cluster-1 has 3 nodes; CCR allows 2"
    (scc,) = findings(build(*_replication(Exchange2007Kind.SCC, 9)), "EX001")
    assert "9 nodes; MSCS allows 8" in scc.message
    (passive,) = findings(build(*_replication(Exchange2007Kind.SCC, 4, passive=0)), "EX001")
    assert passive.elements == ("rep",) and "0 passive nodes" in passive.message
    assert findings(build(*_replication(Exchange2007Kind.SCC, 8)), "EX001") == []
    assert findings(build(*_replication(Exchange2007Kind.CCR, 2)), "EX001") == []


def _lcr(second_group: str) -> list:
    return [
        *two_sites(),
        vm("mbx1", roles=MBX, exchange_version="2007"),
        MailboxDatabase(id="db1", name="DB1", storage_group="SG1",
                        copies=[DatabaseCopy(member="mbx1")]),
        MailboxDatabase(id="db2", name="DB2", storage_group=second_group,
                        copies=[DatabaseCopy(member="mbx1")]),
        Exchange2007Replication(id="lcr", name="lcr-1", replication=Exchange2007Kind.LCR,
                                nodes=["mbx1"], databases=["db1"]),
    ]  # fmt: skip


def test_ex001_lcr_storage_group_with_two_databases() -> None:
    (finding,) = findings(build(*_lcr("SG1")), "EX001")
    assert finding.elements == ("lcr", "db1", "db2")
    assert "storage group SG1 holds 2 databases; LCR allows 1" in finding.message
    assert findings(build(*_lcr("SG2")), "EX001") == []


# -- EX002 -------------------------------------------------------------------------------
def _hubs(count: int, *, protect: str | None = None, version: str = "2010") -> list:
    hubs = [vm(f"hub{i}", roles=HUB, exchange_version=version) for i in range(count)]
    elements = [
        *two_sites(),
        vm("mbx1", roles=MBX, exchange_version=version),
        vm("mbx-c", "h2", exchange_version=version),
        MailboxDatabase(id="db1", name="DB1", copies=[DatabaseCopy(member="mbx1")]),
        *hubs,
        vm("hub-c1", "h2", roles=HUB),
        vm("hub-c2", "h2", roles=HUB),
    ]
    if protect == "srm":
        elements += [
            SrmSitePair(id="pair", name="pair", protected_site="s1", recovery_site="s2"),
            ProtectionGroup(id="pg", name="pg", site_pair="pair", vms=["hub0"]),
        ]
    elif protect == "double_take":
        elements.append(HostReplication(id="dt", name="dt", source="hub0", target="hub-c1"))
    return elements


def test_ex002_triggers() -> None:
    (finding,) = findings(build(*_hubs(1)), "EX002")
    assert finding.elements == ("s1", "hub0")
    assert "Boston" in finding.message and "1 Hub Transport server" in finding.message
    assert finding.message.endswith("2 are needed")


def test_ex002_passes() -> None:
    assert findings(build(*_hubs(2)), "EX002") == []


def test_ex002_passes_the_imports_placeholder_site() -> None:
    # wave 23 (rules23): "Unplaced (import)" holds the servers an import's sources place
    # nowhere: not a site whose Hub Transport servers a site failure takes (as NET005).
    placeholder = unplaced(_hubs(1))
    assert findings(build(*placeholder), "EX002") == []
    real = noted(placeholder, "s1", "")
    assert [f.elements for f in findings(build(*real), "EX002")] == [("s1", "hub0")]


def test_ex002_protection_or_2013_mailbox_transport_counts() -> None:
    assert findings(build(*_hubs(1, protect="srm")), "EX002") == []
    assert findings(build(*_hubs(1, protect="double_take")), "EX002") == []
    (none,) = findings(build(*_hubs(0)), "EX002")
    assert "0 Hub Transport servers" in none.message
    # Exchange 2013: mbx1 carries the Transport service, plus one hub VM makes two.
    assert findings(build(*_hubs(1, version="2013")), "EX002") == []


def test_ex002_names_exchange_2013_mailbox_servers_as_what_they_are() -> None:
    # eyes27: a site whose one transport server is an Exchange 2013 Mailbox server read
    # "with 1 Hub Transport server … 2 are needed", and the Fix "add a second Hub
    # Transport server" led to a role Exchange 2013 has not (EX006, an error).
    (finding,) = findings(build(*_hubs(0, version="2013")), "EX002")
    assert finding.elements == ("s1", "mbx1")
    assert "with 1 server running the Transport service (mbx1: Exchange 2013" in (finding.message)
    assert "Hub Transport server" not in finding.message
    assert finding.message.endswith(
        "2 are needed: add an Exchange 2013 Mailbox server in the site, or protect one "
        "with SRM or Double-Take"
    )


def test_ex002_says_runs_mailbox_databases_only_when_it_does() -> None:
    # issue 14, wording: a site with a Mailbox server but no database modelled on it has
    # a Mailbox server; it does not "run mailbox databases".
    elements = [e for e in _hubs(1) if e.id != "db1"]
    (finding,) = findings(build(*elements), "EX002")
    assert "runs mailbox databases" not in finding.message
    assert "site Boston has Mailbox server mbx1 with 1 Hub Transport server" in finding.message
    (with_db,) = findings(build(*_hubs(1)), "EX002")
    assert "site Boston runs mailbox databases with 1 Hub Transport server" in with_db.message


# -- EX003 -------------------------------------------------------------------------------
def _dag_domains(chicago_domain: str | None, windows: str = "2008 x64") -> list:
    return [
        *two_sites(),
        vm("mbx-b", "h1", roles=MBX, exchange_version="2010", windows_version=windows),
        vm("mbx-c", "h2", roles=MBX, exchange_version="2010", windows_version=windows,
           windows_domain=chicago_domain),
        Dag(id="dag1", name="DAG1", members=["mbx-b", "mbx-c"]),
    ]  # fmt: skip


def test_ex003_triggers() -> None:
    (finding,) = findings(build(*_dag_domains("branch.example.com")), "EX003")
    assert finding.severity.value == "info"
    assert finding.elements == ("dag1", "mbx-c")
    assert "DAG DAG1" in finding.message and "2 Windows domains" in finding.message
    assert "branch.example.com" in finding.message


def test_ex003_passes() -> None:
    assert findings(build(*_dag_domains("CORP.example.com")), "EX003") == []


def test_ex003_srm_pair_compares_with_the_recovery_site_domain() -> None:
    elements = two_sites()
    elements[1] = elements[1].model_copy(update={"windows_domain": "dr.example.com"})
    design = build(
        *elements,
        vm("mbx1", roles=MBX, exchange_version="2010"),
        SrmSitePair(id="pair", name="pair-1", protected_site="s1", recovery_site="s2"),
    )
    (finding,) = findings(design, "EX003")
    assert finding.elements == ("pair",) and "dr.example.com" in finding.message


def test_ex003_exchange_2007_needs_windows_2008_x64() -> None:
    def guest(windows: str) -> list:
        return [*two_sites(), vm("mbx1", exchange_version="2007", windows_version=windows)]

    (finding,) = findings(build(*guest("2003 x86")), "EX003")
    assert finding.elements == ("mbx1",)
    assert "Windows 2003 x86" in finding.message and "2008 x64" in finding.message
    assert findings(build(*guest("2008 x64")), "EX003") == []
    assert findings(build(*guest("2008 R2")), "EX003") == []
    assert len(findings(build(*guest("2008 x86")), "EX003")) == 1


def test_ex002_a_site_of_passive_copies_only_has_no_mail_in_flight() -> None:
    copies = [
        DatabaseCopy(member="mbx-b", activation_preference=1),
        DatabaseCopy(member="mbx-c", activation_preference=2),
    ]
    design = build(
        *two_sites(),
        vm("mbx-b", "h1", roles=[*MBX, *HUB], exchange_version="2010"),
        vm("hub-b", "h1", roles=HUB, exchange_version="2010"),
        vm("mbx-c", "h2", roles=[*MBX, *HUB], exchange_version="2010"),
        Dag(id="dag1", name="DAG1", members=["mbx-b", "mbx-c"]),
        MailboxDatabase(id="db1", name="DB1", dag="dag1", copies=copies),
    )
    assert findings(design, "EX002") == []
    swapped = [c.model_copy(update={"activation_preference": 3 - i}) for i, c in enumerate(copies)]
    moved = build(*[e if e.id != "db1" else e.model_copy(update={"copies": swapped})
                    for e in design.elements])  # fmt: skip
    assert [f.elements for f in findings(moved, "EX002")] == [("s2", "mbx-c")]


@given(random_designs())
def test_exchange_rules_never_crash_and_name_real_elements(design: Design) -> None:
    assert_sound(design, ["EX001", "EX002", "EX003", "EX004", "EX005"])


# -- EX004 (issue 17, item 2) -------------------------------------------------------------
def _store(version: str, groups: int, per_group: int = 1, edition: str = "enterprise") -> list:
    server = vm("mbx1", roles=MBX, exchange_version=version, exchange_edition=edition)
    dbs = [
        MailboxDatabase(id=f"db{g}-{d}", name=f"SG{g}-DB{d}", storage_group=f"SG{g}",
                        copies=[DatabaseCopy(member="mbx1")])
        for g in range(1, groups + 1)
        for d in range(1, per_group + 1)
    ]  # fmt: skip
    return [*two_sites(), server, *dbs]


def test_ex004_triggers() -> None:
    # 004: "Exchange 2007 Enterprise Edition allows up to 50 storage groups"
    found = findings(build(*_store("2007", 51)), "EX004")
    assert {f.severity.value for f in found} == {"error"}
    assert {f.elements for f in found} == {("mbx1",)}
    assert {f.message.split(" holds ")[1] for f in found} == {
        "51 storage groups; 2007 Enterprise allows 50",
        "51 mailbox databases; 2007 Enterprise allows 50",
    }
    # 004: Exchange 2003 Enterprise: "four storage groups of up to five databases each"
    found = findings(build(*_store("2003", 5)), "EX004")
    assert [f.message for f in found] == [
        "Exchange 2003 Enterprise server mbx1 holds 5 storage groups; 2003 Enterprise allows 4"
    ]
    (six,) = findings(build(*_store("2003", 1, per_group=6)), "EX004")
    assert "6 databases in storage group SG1; 2003 allows 5 per storage group" in six.message


def test_ex004_passes() -> None:
    assert findings(build(*_store("2007", 50)), "EX004") == []
    assert findings(build(*_store("2003", 4, per_group=5)), "EX004") == []
    # the Standard edition's limit is lower [product fact]
    assert findings(build(*_store("2010", 5, edition="standard")), "EX004") == []
    assert len(findings(build(*_store("2010", 6, edition="standard")), "EX004")) == 1


# -- EX005 (issue 17, item 3) -------------------------------------------------------------
def _stretched_ccr(rtt: float, windows: str = "2008 x64") -> list:
    return [
        *two_sites(),
        WanLink(id="wan", name="BOS-CHI", site_a="s1", site_b="s2", rtt_ms=rtt),
        vm("n1", roles=MBX, exchange_version="2007", windows_version=windows),
        vm("n2", "h2", roles=MBX, exchange_version="2007", windows_version=windows),
        Exchange2007Replication(id="ccr", name="CCR-1", replication=Exchange2007Kind.CCR,
                                nodes=["n1", "n2"]),
    ]  # fmt: skip


def test_ex005_triggers() -> None:
    # 004: stretch clusters need "network latency between nodes [that] is reliably less
    # than 500ms" — a stretched CCR at 520 ms passed, the latency rule covered DAGs only.
    (finding,) = findings(build(*_stretched_ccr(520)), "EX005")
    assert finding.severity.value == "error"
    assert finding.elements == ("ccr", "s1", "s2", "wan")
    assert "CCR cluster CCR-1 is stretched over sites Boston and Chicago, 520 ms" in (
        finding.message
    )
    (old,) = findings(build(*_stretched_ccr(20, windows="2003 x64")), "EX005")
    assert "does not run Windows Server 2008" in old.message


def test_ex005_passes() -> None:
    assert findings(build(*_stretched_ccr(480)), "EX005") == []
    # nodes in one site are not stretched
    local = [e.model_copy(update={"host": "h1"}) if e.id == "n2" else e
             for e in _stretched_ccr(520)]  # fmt: skip
    assert findings(build(*local), "EX005") == []


# -- EX006 ---------------------------------------------------------------------------------
def test_ex006_triggers() -> None:
    """Exchange 2013 has no Hub Transport or Unified Messaging role (000 §5.3, §6.1.1;
    [product fact])."""
    design = build(
        *two_sites(),
        vm("mbx1", roles=[VmRole.MAILBOX, VmRole.HUB_TRANSPORT], exchange_version="2013"),
        vm("cas1", roles=[VmRole.CLIENT_ACCESS, VmRole.HUB_TRANSPORT, VmRole.UNIFIED_MESSAGING],
           exchange_version="2013"),
    )  # fmt: skip
    by_vm = {f.elements: f for f in findings(design, "EX006")}
    assert set(by_vm) == {("mbx1",), ("cas1",)}
    first, second = by_vm[("mbx1",)], by_vm[("cas1",)]
    assert first.severity is Severity.ERROR
    assert first.message == (
        "Exchange 2013 VM mbx1 has the Hub Transport role, which Exchange 2013 does not "
        "have (its Mailbox servers run the Transport service)"
    )
    assert "Hub Transport and Unified Messaging roles" in second.message


def test_ex006_passes() -> None:
    # 2013's own roles; the five roles of 2007 and 2010; 2003 and unstated versions are
    # not checked; a CAS array of 2013 Client Access servers is fine (000 §5.3.1).
    five = [VmRole.MAILBOX, VmRole.CLIENT_ACCESS, VmRole.HUB_TRANSPORT,
            VmRole.UNIFIED_MESSAGING]  # fmt: skip
    design = build(
        *two_sites(),
        vm("mbx1", roles=[VmRole.MAILBOX, VmRole.CLIENT_ACCESS], exchange_version="2013"),
        vm("edge1", roles=[VmRole.EDGE_TRANSPORT], exchange_version="2013"),
        vm("old7", roles=five, exchange_version="2007"),
        vm("old10", roles=five, exchange_version="2010"),
        vm("old3", roles=[VmRole.MAILBOX, VmRole.HUB_TRANSPORT], exchange_version="2003"),
        vm("any", roles=[VmRole.HUB_TRANSPORT]),
        CasArray(id="ca", name="CAS array", site="s1", members=["mbx1"]),
    )
    assert findings(design, "EX006") == []


def test_ex002_counts_an_exchange_2013_mailbox_server_as_hub_transport() -> None:
    """With EX006 asking to drop the role, two 2013 Mailbox servers are the site's two
    Hub Transport servers; two 2010 ones are not."""

    def site(version: str) -> Design:
        return build(
            *two_sites(),
            *(vm(f"mbx{i}", roles=MBX, exchange_version=version) for i in (1, 2)),
        )

    assert findings(site("2013"), "EX002") == []
    (finding,) = findings(site("2010"), "EX002")
    assert "0 Hub Transport servers" in finding.message


def test_ex006_through_the_check_command(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The door: ``dr-designer check`` of a saved design with an Exchange 2013 Hub
    Transport server exits 1 and names EX006; ``rules`` lists it with its source."""
    from designer.entry import main
    from designer.persistence import save

    path = tmp_path / "hub2013.drd.json"
    save(build(*two_sites(), vm("hub1", roles=HUB, exchange_version="2013")), path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "error EX006: Exchange 2013 VM hub1 has the Hub Transport role" in out
    assert main(["rules"]) == 0
    assert "EX006" in capsys.readouterr().out
