"""SRM001–SRM010 on small variants of the 002 Fig. 1 fixture (tests/rules/_srm_fixtures.py)."""

from __future__ import annotations

from _srm_fixtures import SrmFixture, findings
from hypothesis import given
from hypothesis import strategies as st

from designer.domain import (
    ArrayModel,
    Dag,
    DiskPlacement,
    DiskPurpose,
    Exchange2007Kind,
    Exchange2007Replication,
    Lun,
    LunUsage,
    Mirror,
    MirrorMode,
    Protocol,
    RecoveryPlanStep,
    Severity,
    VirtualDisk,
    VmRole,
)
from designer.domain import ConsistencyGroup as CG
from designer.rules import check


def test_baseline_fixture_is_clean() -> None:
    fixture = SrmFixture()
    for code in [f"SRM{n:03d}" for n in range(1, 11)]:
        assert findings(fixture, code) == [], code


# -- SRM001 -------------------------------------------------------------------------
def _with_rdm(release: str, *, mirrored: bool = True, cg: str | None = "cg1") -> SrmFixture:
    fixture = SrmFixture().set_intent(srm_release=release)
    if mirrored:
        fixture.mirrored_lun("rdm", usage=LunUsage.RDM, cg=cg)
    else:
        fixture.add(Lun(id="lun-rdm", name="LUN-rdm", array="arr-bos", usage=LunUsage.RDM))
    fixture.add(
        VirtualDisk(
            id="d-rdm",
            name="MBX1-rdm",
            vm="mbx1",
            placement=DiskPlacement.RDM_PHYSICAL,
            purpose=DiskPurpose.DATABASE,
            lun="lun-rdm",
        )
    )
    return fixture


def test_srm001_triggers() -> None:
    (finding,) = findings(_with_rdm("4.0"), "SRM001")
    assert finding.severity is Severity.ERROR
    assert {"mbx1", "d-rdm", "lun-rdm"} <= set(finding.elements)
    assert "MBX1-rdm" in finding.message and "SRM 4.0" in finding.message
    assert "VMFS datastores only" in finding.message


def test_srm001_triggers_for_unmirrored_rdm_in_later_release() -> None:
    (finding,) = findings(_with_rdm("5.0", mirrored=False), "SRM001")
    assert {"mbx1", "d-rdm"} <= set(finding.elements)
    assert "unmirrored" in finding.message


def test_srm001_triggers_for_rdm_mirrored_to_another_array_pair() -> None:
    from designer.domain import ArrayModel, StorageArray

    fixture = _with_rdm("5.0", mirrored=False)
    fixture.add(
        StorageArray(id="arr-x", name="CX-X", site="dr", model=ArrayModel.CX4_240, snapview=True),
        Lun(id="lun-rdm-x", name="LUN-rdm-X", array="arr-x", usage=LunUsage.RDM),
        Mirror(id="m-rdm", name="M-rdm", source_lun="lun-rdm", target_lun="lun-rdm-x"),
    )
    (finding,) = findings(fixture, "SRM001")
    assert "m-rdm" in finding.elements and "CX-X" in finding.message


def test_srm001_passes() -> None:
    # The same mirrored RDM is recoverable once the design uses a later SRM release.
    assert findings(_with_rdm("5.0"), "SRM001") == []
    assert findings(_with_rdm("4.1"), "SRM001") == []


# -- SRM002 -------------------------------------------------------------------------
def _extra_disk(cg: str | None) -> SrmFixture:
    fixture = SrmFixture()
    fixture.mirrored_lun("extra", cg=cg)
    fixture.add(VirtualDisk(id="d-extra", name="MBX1-extra", vm="mbx1", lun="lun-extra"))
    return fixture


def test_srm002_triggers() -> None:
    (finding,) = findings(_extra_disk(cg=None), "SRM002")
    assert finding.severity is Severity.ERROR
    assert {"m-extra", "lun-extra", "mbx1", "pg1"} <= set(finding.elements)
    assert "M-extra" in finding.message and "no consistency group" in finding.message


def test_srm002_passes() -> None:
    assert findings(_extra_disk(cg="cg1"), "SRM002") == []


# -- SRM003 -------------------------------------------------------------------------
def _logs_in_second_cg() -> SrmFixture:
    fixture = SrmFixture().add(CG(id="cg2", name="CG-2", mirrors=["m-log"]))
    fixture.set("cg1", mirrors=["m-os", "m-db"])
    return fixture.set("pg1", consistency_groups=["cg1", "cg2"])


def test_srm003_triggers() -> None:
    result = findings(_logs_in_second_cg(), "SRM003")
    warnings = [f for f in result if f.severity is Severity.WARNING]
    assert len(warnings) == 1
    assert {"mbx1", "lun-db", "lun-log", "cg1", "cg2"} <= set(warnings[0].elements)
    assert "storage group SG1" in warnings[0].message
    assert "CG-1" in warnings[0].message and "CG-2" in warnings[0].message


def test_srm003_triggers_when_the_log_lun_is_not_mirrored() -> None:
    fixture = SrmFixture()
    fixture.set("cg1", mirrors=["m-os", "m-db"]).remove("m-log")
    (finding,) = findings(fixture, "SRM003")
    assert "LUN-log" in finding.message and "lun-log" in finding.elements


def test_srm003_info_for_os_disk_outside_the_group() -> None:
    fixture = SrmFixture().add(CG(id="cg-os", name="CG-OS", mirrors=["m-os"]))
    fixture.set("cg1", mirrors=["m-db", "m-log"])
    fixture.set("pg1", consistency_groups=["cg1", "cg-os"])
    (finding,) = findings(fixture, "SRM003")
    assert finding.severity is Severity.INFO
    assert {"mbx1", "d-os", "lun-os", "cg1"} <= set(finding.elements)
    assert "CG-1" in finding.message


def test_srm003_passes() -> None:
    # Database, logs and OS all in CG-1 (the baseline): nothing to say, not even info.
    assert findings(SrmFixture(), "SRM003") == []


# -- SRM004 -------------------------------------------------------------------------
def test_srm004_triggers() -> None:
    fixture = SrmFixture().remove("vc-dr").set("sp1", adapter_at_recovery=False)
    (finding,) = findings(fixture, "SRM004")
    assert finding.severity is Severity.ERROR
    assert set(finding.elements) == {"sp1", "dr"}
    assert "recovery site DR" in finding.message
    assert "vCenter" in finding.message and "adapter" in finding.message


def test_srm004_triggers_without_srm_server_at_protected_site() -> None:
    (finding,) = findings(SrmFixture().remove("srm-bos"), "SRM004")
    assert "protected site Boston" in finding.message and "SRM server" in finding.message


def test_srm004_passes() -> None:
    # The vCenter server may share a VM with the SRM server.
    fixture = SrmFixture().remove("vc-dr", "srm-dr")
    fixture.vm("mgmt-dr", VmRole.VCENTER, VmRole.SRM_SERVER, site="dr")
    assert findings(fixture, "SRM004") == []


# -- SRM005 -------------------------------------------------------------------------
def test_srm005_triggers() -> None:
    fixture = SrmFixture().remove("cas-dr")
    (finding,) = findings(fixture, "SRM005")
    assert finding.severity is Severity.ERROR
    assert set(finding.elements) == {"dr", "sp1"}
    assert "Client Access server" in finding.message
    assert "Hub Transport server" in finding.message and "MBX1" in finding.message


def test_srm005_triggers_for_missing_hub_only() -> None:
    fixture = SrmFixture().set("cas-dr", roles=[VmRole.CLIENT_ACCESS])
    (finding,) = findings(fixture, "SRM005")
    assert "Hub Transport" in finding.message and "Client Access" not in finding.message


def test_srm005_passes() -> None:
    # CAS and Hub Transport on separate VMs at the recovery site are just as good,
    # and no CAS is needed at the recovery site of a pair that protects no mailbox VM.
    fixture = SrmFixture().set("cas-dr", roles=[VmRole.CLIENT_ACCESS])
    fixture.vm("hub-dr", VmRole.HUB_TRANSPORT, site="dr")
    assert findings(fixture, "SRM005") == []


def test_srm005_exchange_2013_mailbox_servers_carry_transport() -> None:
    """An Exchange 2013 Mailbox server runs the Transport service [product fact]: a
    recovered 2013 mailbox server brings its own, and a 2013 Mailbox server at the
    recovery site counts as its Hub Transport; a 2007 one does not."""
    no_hub = SrmFixture().set("cas-dr", roles=[VmRole.CLIENT_ACCESS])
    no_hub.set("mbx1", exchange_version="2013")
    assert findings(no_hub, "SRM005") == []
    local = SrmFixture().set("cas-dr", roles=[VmRole.CLIENT_ACCESS])
    local.vm("mbx-dr", VmRole.MAILBOX, site="dr", exchange_version="2013")
    assert findings(local, "SRM005") == []
    old = SrmFixture().set("cas-dr", roles=[VmRole.CLIENT_ACCESS])
    old.vm("mbx-dr", VmRole.MAILBOX, site="dr", exchange_version="2007")
    (finding,) = findings(old, "SRM005")
    assert "Hub Transport" in finding.message


# -- SRM006 -------------------------------------------------------------------------
def _dag_plan(*steps: RecoveryPlanStep, subnet: str = "10.1.0.0/16", ip: bool = False):  # type: ignore[no-untyped-def]
    fixture = SrmFixture()
    fixture.vm("mbx2", VmRole.MAILBOX)
    fixture.add(Dag(id="dag1", name="DAG-1", members=["mbx1", "mbx2"]))
    fixture.set("pg1", vms=["mbx1", "mbx2"])
    fixture.set("dr", subnet=subnet)
    return fixture.set("rp1", steps=list(steps), ip_customization=ip)


def test_srm006_triggers() -> None:
    (finding,) = findings(_dag_plan(), "SRM006")
    assert finding.severity is Severity.WARNING
    assert {"rp1", "dag1"} <= set(finding.elements)
    assert "RP-1" in finding.message and "witness update" in finding.message


def test_srm006_triggers_on_another_subnet() -> None:
    fixture = _dag_plan(RecoveryPlanStep.WITNESS_UPDATE, subnet="10.2.0.0/16")
    (finding,) = findings(fixture, "SRM006")
    assert {"rp1", "dag1", "dr"} <= set(finding.elements)
    for missing in ("IP customization", "DAG IP update", "DNS update", "10.2.0.0/16"):
        assert missing in finding.message


def test_srm006_passes() -> None:
    steps = list(RecoveryPlanStep)
    assert findings(_dag_plan(*steps, subnet="10.2.0.0/16", ip=True), "SRM006") == []
    # Same subnet: the witness update alone is enough.
    assert findings(_dag_plan(RecoveryPlanStep.WITNESS_UPDATE), "SRM006") == []


def test_srm006_any_exchange_server_on_another_subnet_needs_ip_customization() -> None:
    # 002: "If the VMs at the recovery site are on a different subnet from the VMs at the
    # protected site, you must go through a few additional steps before the new Exchange
    # VM can be accessed by users ... If you created a customized specification make sure
    # the recovery plan for the VM being protected has the associated customization
    # specification file associated with it." Not only for DAG members (issue 17, item 4).
    fixture = SrmFixture().set("dr", subnet="10.2.0.0/16")
    (finding,) = findings(fixture, "SRM006")
    assert set(finding.elements) == {"rp1", "mbx1", "dr"}
    assert "recovers Exchange server MBX1 into site DR on another subnet" in finding.message
    assert "without IP customization" in finding.message
    assert "witness" not in finding.message and "DNS" not in finding.message
    customized = SrmFixture().set("dr", subnet="10.2.0.0/16").set("rp1", ip_customization=True)
    assert findings(customized, "SRM006") == []


# -- SRM007 -------------------------------------------------------------------------
def _exchange2007(kind: Exchange2007Kind) -> SrmFixture:
    fixture = SrmFixture()
    fixture.vm("mbx2", VmRole.MAILBOX, exchange_version="2007")
    return fixture.add(
        Exchange2007Replication(id="x1", name="EX-1", replication=kind, nodes=["mbx1", "mbx2"])
    )


def test_srm007_triggers() -> None:
    (finding,) = findings(_exchange2007(Exchange2007Kind.CCR), "SRM007")
    assert finding.severity is Severity.ERROR
    assert {"x1", "mbx1", "pg1"} <= set(finding.elements)
    assert "mbx2" not in finding.elements
    assert "CCR cluster EX-1" in finding.message and "MBX1" in finding.message


def test_srm007_passes() -> None:
    # SCR is not a Windows cluster: a protected SCR source is fine.
    assert findings(_exchange2007(Exchange2007Kind.SCR), "SRM007") == []


# -- SRM008 -------------------------------------------------------------------------
def test_srm008_triggers() -> None:
    fixture = SrmFixture().add(
        Lun(id="lun-db-r2", name="LUN-db-R2", array="arr-dr"),
        Mirror(id="m-db2", name="M-db2", source_lun="lun-db", target_lun="lun-db-r2"),
    )
    (finding,) = findings(fixture, "SRM008")
    assert finding.severity is Severity.ERROR
    assert {"lun-db", "m-db", "m-db2"} <= set(finding.elements)
    assert "LUN-db" in finding.message and "not 2" in finding.message


def test_srm008_triggers_for_unmirrored_datastore() -> None:
    fixture = SrmFixture().remove("m-os").set("cg1", mirrors=["m-db", "m-log"])
    (finding,) = findings(fixture, "SRM008")
    assert {"lun-os", "d-os", "mbx1"} <= set(finding.elements)
    assert "no mirror" in finding.message


def test_srm008_triggers_for_two_sources_into_one_target() -> None:
    fixture = SrmFixture().add(
        Lun(id="lun-x", name="LUN-x", array="arr-bos"),
        Mirror(id="m-x", name="M-x", source_lun="lun-x", target_lun="lun-db-r"),
    )
    (finding,) = findings(fixture, "SRM008")
    assert {"lun-db-r", "m-db", "m-x"} <= set(finding.elements)


def test_srm008_passes() -> None:
    # A second mirror on an unprotected LUN is no concern of SRM's.
    fixture = SrmFixture().add(
        Lun(id="lun-x", name="LUN-x", array="arr-bos"),
        Lun(id="lun-x-r", name="LUN-x-R", array="arr-dr"),
        Lun(id="lun-x-r2", name="LUN-x-R2", array="arr-dr"),
        Mirror(id="m-x", name="M-x", source_lun="lun-x", target_lun="lun-x-r"),
        Mirror(id="m-x2", name="M-x2", source_lun="lun-x", target_lun="lun-x-r2"),
    )
    assert findings(fixture, "SRM008") == []


# -- SRM009 -------------------------------------------------------------------------
def _stray_vm(release: str, *, protect: bool = False) -> SrmFixture:
    fixture = SrmFixture().set_intent(srm_release=release)
    fixture.vm("app1")
    fixture.add(VirtualDisk(id="d-app", name="APP1-os", vm="app1", lun="lun-os"))
    if protect:
        fixture.set("pg1", vms=["mbx1", "app1"])
    return fixture


def test_srm009_triggers() -> None:
    (finding,) = findings(_stray_vm("5.0"), "SRM009")
    assert finding.severity is Severity.ERROR
    assert {"lun-os", "pg1", "app1"} <= set(finding.elements)
    assert "LUN-os" in finding.message and "APP1" in finding.message
    assert "every VM" in finding.message


def test_srm009_triggers_as_warning_from_6_1() -> None:
    (finding,) = findings(_stray_vm("6.1"), "SRM009")
    assert finding.severity is Severity.WARNING
    assert "test recovery and planned migration" in finding.message


def test_srm009_passes() -> None:
    assert findings(_stray_vm("5.0", protect=True), "SRM009") == []


# -- SRM010 -------------------------------------------------------------------------
def _protected_dag(*, at_recovery: bool) -> SrmFixture:
    fixture = SrmFixture()
    fixture.vm("mbx2", VmRole.MAILBOX)
    fixture.add(
        Dag(
            id="dag1",
            name="DAG-1",
            members=["mbx1", "mbx2"],
            anti_affinity=True,
            anti_affinity_at_recovery=at_recovery,
        )
    )
    return fixture.set("pg1", vms=["mbx1", "mbx2"])


def test_srm010_triggers() -> None:
    (finding,) = findings(_protected_dag(at_recovery=False), "SRM010")
    assert finding.severity is Severity.WARNING
    assert set(finding.elements) == {"dag1", "mbx1", "mbx2"}
    assert "DAG-1" in finding.message and "2 members" in finding.message


def test_srm010_passes() -> None:
    assert findings(_protected_dag(at_recovery=True), "SRM010") == []
    # One protected member has no peer to keep apart from.
    assert findings(_protected_dag(at_recovery=False).set("pg1", vms=["mbx1"]), "SRM010") == []


# -- robustness ---------------------------------------------------------------------
_FAMILY = [f"SRM{n:03d}" for n in range(1, 11)] + [f"MV{n:03d}" for n in range(1, 10)]


@given(
    release=st.sampled_from(["1.0", "4.0", "4.1", "5.0", "5.8", "6.1", "8.3"]),
    model=st.sampled_from(list(ArrayModel)),
    protocol=st.sampled_from(list(Protocol)),
    flare=st.one_of(st.none(), st.integers(1, 40)),
    mode=st.sampled_from(list(MirrorMode)),
    rtt=st.floats(0, 200),
    bandwidth=st.floats(0.001, 10_000),
    change=st.floats(0, 500),
    interval=st.floats(0.5, 1_000),
    subnet=st.one_of(st.none(), st.just("10.9.0.0/16")),
    drop=st.sets(st.sampled_from(["cg1", "pg1", "rp1", "m-os", "d-db", "vc-dr", "cas-dr"])),
)
def test_srm_and_mv_rules_never_crash_and_name_real_elements(  # type: ignore[no-untyped-def]
    release, model, protocol, flare, mode, rtt, bandwidth, change, interval, subnet, drop
) -> None:
    fixture = SrmFixture().set_intent(srm_release=release, rpo_target_min=30)
    fixture.set("arr-dr", model=model, protocol=protocol, flare_release=flare)
    fixture.set("wan", rtt_ms=rtt, bandwidth_mbps=bandwidth, distance_km=rtt * 50)
    fixture.set("bos", change_rate_gb_per_hour=change).set("dr", subnet=subnet)
    fixture.set("m-log", mode=mode, update_interval_min=interval)
    fixture.vm("mbx2", VmRole.MAILBOX)
    fixture.add(Dag(id="dag1", name="DAG-1", members=["mbx1", "mbx2"]))
    fixture.set("pg1", vms=["mbx1", "mbx2"])
    if "rp1" in drop or "pg1" in drop:
        fixture.remove("rp1")
    if "pg1" in drop:
        fixture.remove("pg1")
    if "cg1" in drop and "pg1" not in drop:
        fixture.set("pg1", consistency_groups=[])
    if "cg1" in drop:
        fixture.remove("cg1")
    if "m-os" in drop:
        fixture.remove("m-os")
        if "cg1" not in drop:
            fixture.set("cg1", mirrors=["m-db", "m-log"])
    for element_id in drop & {"d-db", "vc-dr", "cas-dr"}:
        fixture.remove(element_id)
    design = fixture.design()
    ids = {e.id for e in design.elements}
    first = check(design, codes=_FAMILY).findings
    assert [f for f in first if f.code == "INT001"] == []
    for finding in first:
        assert finding.code in _FAMILY and set(finding.elements) <= ids, finding
        assert not finding.message.endswith("."), finding.message
    assert check(design, codes=_FAMILY).findings == first, "deterministic"
