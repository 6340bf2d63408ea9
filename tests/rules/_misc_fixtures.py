"""Small builders for the vSphere, network, backup and Exchange rule tests.

Each test assembles the few elements its rule needs; :func:`build` refuses a design
that is not structurally valid, so no rule is ever tested on an impossible design.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from designer.domain import (
    Backup,
    BackupKind,
    CasArray,
    Dag,
    DatabaseCopy,
    Design,
    DesignIntent,
    DiskPlacement,
    DiskPurpose,
    ElementBase,
    EsxiHost,
    Exchange2007Kind,
    Exchange2007Replication,
    FailoverIntent,
    HostReplication,
    LoadBalancer,
    LoadBalancerKind,
    LoadBalancerLayer,
    Lun,
    LunUsage,
    MailboxDatabase,
    ProtectionGroup,
    Site,
    SrmSitePair,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
    structural_errors,
)
from designer.domain.elements import IMPORT_PLACEHOLDER_NOTE
from designer.rules import Finding, check

__all__ = [
    "assert_sound",
    "build",
    "findings",
    "noted",
    "random_designs",
    "two_sites",
    "unplaced",
    "vm",
]


def build(*elements: ElementBase, **intent: Any) -> Design:
    """A design of ``elements`` (and intent fields), checked to be structurally valid."""
    design = Design(elements=list(elements), intent=DesignIntent(**intent))
    errors = structural_errors(design)
    assert errors == [], [str(e) for e in errors]
    return design


def findings(design: Design, code: str) -> list[Finding]:
    """The active findings of rule ``code`` only."""
    return [f for f in check(design, codes=[code]).active if f.code == code]


def two_sites(**site_fields: Any) -> list[ElementBase]:
    """Sites Boston (s1) and Chicago (s2), one cluster and one host in each."""
    return [
        Site(id="s1", name="Boston", **site_fields),
        Site(id="s2", name="Chicago", **site_fields),
        VsphereCluster(id="c1", name="prod", site="s1"),
        VsphereCluster(id="c2", name="dr", site="s2"),
        EsxiHost(id="h1", name="esx-b1", site="s1", cluster="c1"),
        EsxiHost(id="h2", name="esx-c1", site="s2", cluster="c2"),
    ]


def vm(vm_id: str, host: str = "h1", **fields: Any) -> VirtualMachine:
    """A VM named like its id."""
    return VirtualMachine(id=vm_id, name=vm_id, host=host, **fields)


# -- random valid designs for "no rule crashes" properties -------------------------------
@st.composite
def random_designs(draw: st.DrawFn) -> Design:
    """A structurally valid design exercising the VS, NET, BK and EX rules' inputs."""
    n_vms = draw(st.integers(1, 6))
    n_dbs = draw(st.integers(0, 4))
    pick = st.sampled_from
    sites = [
        Site(id=f"s{i}", name=f"site{i}",
             peak_concurrent_connections=draw(st.integers(0, 2 * 10**6)),
             windows_domain=draw(pick(["a.example", "b.example"])))
        for i in range(3)
    ]  # fmt: skip
    clusters = [
        VsphereCluster(id=f"c{i}", name=f"cl{i}", site=f"s{i}", ha_enabled=draw(st.booleans()),
                       host_failures_tolerated=draw(st.integers(0, 3)))
        for i in range(3)
    ]  # fmt: skip
    hosts = [
        EsxiHost(id=f"h{i}", name=f"esx{i}", site=f"s{i % 3}",
                 cluster=f"c{i % 3}" if draw(st.booleans()) else None,
                 memory_gb=draw(st.floats(1, 512)), cpu_cores=draw(st.integers(1, 64)))
        for i in range(4)
    ]  # fmt: skip
    vms = [
        VirtualMachine(
            id=f"v{i}", name=f"vm{i}", host=draw(pick([h.id for h in hosts])),
            memory_gb=draw(st.floats(0.5, 256)),
            roles=draw(st.lists(pick(list(VmRole)), max_size=3)),
            exchange_version=draw(pick([None, "2007", "2010", "2013"])),
            windows_version=draw(pick(["2003 x86", "2008 x64", "2008 R2", "2012 x64"])),
            windows_domain=draw(pick([None, "a.example", "b.example"])),
            mailboxes=draw(st.integers(0, 6000)),
        )
        for i in range(n_vms)
    ]  # fmt: skip
    vm_ids = [v.id for v in vms]
    members = draw(st.lists(pick(vm_ids), unique=True, max_size=4))
    dag = Dag(id="dag", name="dag", members=members,
              failover_intent=draw(pick(list(FailoverIntent))))  # fmt: skip
    databases = []
    for i in range(n_dbs):
        in_dag = bool(members) and draw(st.booleans())
        holders = draw(st.lists(pick(members if in_dag else vm_ids), unique=True, max_size=3))
        databases.append(
            MailboxDatabase(
                id=f"db{i}", name=f"DB{i}", dag="dag" if in_dag else None,
                size_gb=draw(st.floats(0, 2000)), storage_group=draw(pick([None, "SG1", "SG2"])),
                copies=[DatabaseCopy(member=m, activation_preference=j + 1,
                                     replay_lag_days=draw(pick([0.0, 3.0])))
                        for j, m in enumerate(holders)],
            )
        )  # fmt: skip
    db_ids = [d.id for d in databases]
    arrays = [
        StorageArray(id="a0", name="arr0", site="s0"),
        StorageArray(id="a1", name="arr1", site="s1"),
    ]
    luns = [
        Lun(id=f"l{i}", name=f"lun{i}", array=draw(pick(["a0", "a1"])),
            raid_group=draw(pick(["RG0", "RG1"])), usage=draw(pick(list(LunUsage))))
        for i in range(3)
    ]  # fmt: skip
    disks = [
        VirtualDisk(
            id=f"d{i}", name=f"disk{i}", vm=draw(pick(vm_ids)),
            placement=draw(pick(list(DiskPlacement))),
            purpose=draw(pick(list(DiskPurpose))), lun=draw(pick([None, "l0", "l1", "l2"])),
            database=draw(pick([None, *db_ids])), size_gb=draw(st.floats(1, 600)),
        )
        for i in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    cas = [
        CasArray(id=f"ca{i}", name=f"cas{i}", site=f"s{i}", namespace=draw(pick(["m.a", "m.b"])),
                 members=draw(st.lists(pick(vm_ids), unique=True, max_size=3)))
        for i in range(2)
    ]  # fmt: skip
    lbs = [
        LoadBalancer(
            id=f"lb{i}", name=f"lb{i}", site=draw(pick([None, "s0", "s1"])),
            lb_kind=draw(pick(list(LoadBalancerKind))), ha_pair=draw(st.booleans()),
            layer=draw(pick(list(LoadBalancerLayer))),
            pool=draw(st.lists(pick(vm_ids), max_size=12)),
            cas_arrays=draw(st.lists(pick(["ca0", "ca1"]), max_size=2)),
        )
        for i in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    backups = [
        Backup(id=f"bk{i}", name=f"bk{i}", backup_kind=draw(pick(list(BackupKind))),
               vms=draw(st.lists(pick(vm_ids), max_size=2)),
               databases=draw(st.lists(pick(db_ids), max_size=2)) if db_ids else [],
               scripts=draw(st.booleans()))
        for i in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    replications = [
        Exchange2007Replication(
            id=f"x{i}", name=f"x{i}", replication=draw(pick(list(Exchange2007Kind))),
            nodes=draw(st.lists(pick(vm_ids), max_size=10)), passive_nodes=draw(st.integers(0, 2)),
            databases=draw(st.lists(pick(db_ids), max_size=3)) if db_ids else [],
            target=draw(pick([None, *vm_ids])),
        )
        for i in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    pair = SrmSitePair(id="pair", name="pair", protected_site="s0", recovery_site="s1")
    group = ProtectionGroup(id="pg", name="pg", site_pair="pair",
                            vms=draw(st.lists(pick(vm_ids), unique=True, max_size=2)))  # fmt: skip
    dt = [HostReplication(id="dt", name="dt", source=vm_ids[0], target=vm_ids[-1])]
    return build(
        *sites, *clusters, *hosts, *vms, dag, *databases, *arrays, *luns, *disks, *cas, *lbs,
        *backups, *replications, pair, group, *(dt if len(vm_ids) > 1 else []),
    )  # fmt: skip


def assert_sound(design: Design, codes: list[str]) -> None:
    """The rules ran without crashing and every finding names elements of the design."""
    ids = {e.id for e in design.elements}
    result = check(design, codes=codes)
    assert [f.message for f in result.findings if f.code == "INT001"] == []
    for finding in result.findings:
        assert finding.code in codes
        assert finding.elements and set(finding.elements) <= ids, finding
        assert not finding.message.endswith("."), finding.message


def noted(
    elements: list[ElementBase], element_id: str, notes: str, **fields: Any
) -> list[ElementBase]:
    """The elements with ``element_id``'s notes (and ``fields``) changed."""
    update = {"notes": notes, **fields}
    return [e.model_copy(update=update) if e.id == element_id else e for e in elements]


def unplaced(elements: list[ElementBase], site_id: str = "s1") -> list[ElementBase]:
    """The elements with site ``site_id`` made the import's placeholder site (wave 23):
    named and noted as ``designer.interop.builder`` makes it."""
    note = f"{IMPORT_PLACEHOLDER_NOTE}: the sources do not say which site these servers are in."
    return noted(elements, site_id, note, name="Unplaced (import)")
