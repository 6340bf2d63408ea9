"""A small, clean SRM + MirrorView design (002 Fig. 1) that tests vary one field at a time.

``Boston`` (production) runs mailbox server MBX-1 with its OS, database and log disks
on three LUNs of a CX4-120; each is mirrored (MirrorView/S) to a CX4-120 in ``DR``
over a 50 km, 1 ms link; the three mirrors form consistency group CG-1 in protection
group PG-1 of SRM site pair SP-1, recovered by plan RP-1. Both sites run vCenter, SRM,
CAS and Hub Transport servers. The baseline yields no SRM or MV finding.
"""

from __future__ import annotations

from typing import Any

from designer.domain import (
    ArrayModel,
    ConsistencyGroup,
    Design,
    DesignIntent,
    DiskPlacement,
    DiskPurpose,
    EsxiHost,
    Lun,
    LunUsage,
    MailboxDatabase,
    Mirror,
    ProtectionGroup,
    RecoveryPlan,
    Site,
    SrmSitePair,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
    WanLink,
    structural_errors,
)
from designer.domain.elements import ElementBase
from designer.rules import Finding, check

__all__ = ["SrmFixture", "findings"]


class SrmFixture:
    """A mutable bag of elements by id; ``design()`` freezes it and checks structure."""

    def __init__(self) -> None:
        self.elements: dict[str, ElementBase] = {}
        self.intent = DesignIntent(srm_release="5.0", rpo_target_min=60)
        self._baseline()

    # -- editing --------------------------------------------------------------------
    def add(self, *elements: ElementBase) -> SrmFixture:
        for element in elements:
            self.elements[element.id] = element
        return self

    def set(self, element_id: str, **changes: Any) -> SrmFixture:
        old = self.elements[element_id]
        self.elements[element_id] = type(old).model_validate({**old.model_dump(), **changes})
        return self

    def remove(self, *element_ids: str) -> SrmFixture:
        for element_id in element_ids:
            del self.elements[element_id]
        return self

    def set_intent(self, **changes: Any) -> SrmFixture:
        self.intent = self.intent.model_copy(update=changes)
        return self

    def design(self) -> Design:
        design = Design(elements=list(self.elements.values()), intent=self.intent)
        errors = structural_errors(design)
        assert errors == [], errors
        return design

    # -- shorthands -----------------------------------------------------------------
    def mirrored_lun(
        self,
        name: str,
        *,
        site: str = "bos",
        mode: str = "sync",
        cg: str | None = "cg1",
        usage: LunUsage = LunUsage.VMFS_DATASTORE,
        **mirror: Any,
    ) -> str:
        """Add a LUN in ``site`` mirrored to the other site; return the mirror id."""
        src_array, dst_array = ("arr-bos", "arr-dr") if site == "bos" else ("arr-dr", "arr-bos")
        self.add(
            Lun(id=f"lun-{name}", name=f"LUN-{name}", array=src_array, usage=usage),
            Lun(id=f"lun-{name}-r", name=f"LUN-{name}-R", array=dst_array, usage=usage),
            Mirror(
                id=f"m-{name}",
                name=f"M-{name}",
                source_lun=f"lun-{name}",
                target_lun=f"lun-{name}-r",
                mode=mode,
                **mirror,
            ),
        )
        if cg is not None:
            group = self.elements[cg]
            assert isinstance(group, ConsistencyGroup)
            self.set(cg, mirrors=[*group.mirrors, f"m-{name}"])
        return f"m-{name}"

    def vm(self, vm_id: str, *roles: VmRole, site: str = "bos", **fields: Any) -> str:
        self.add(
            VirtualMachine(
                id=vm_id, name=vm_id.upper(), host=f"esx-{site}", roles=list(roles), **fields
            )
        )
        return vm_id

    def _baseline(self) -> None:
        self.add(
            Site(id="bos", name="Boston", subnet="10.1.0.0/16", change_rate_gb_per_hour=2.0),
            Site(id="dr", name="DR", subnet="10.1.0.0/16", role="recovery"),
            WanLink(id="wan", name="BOS-DR", site_a="bos", site_b="dr", distance_km=50, rtt_ms=1),
            VsphereCluster(id="cl-bos", name="CL-BOS", site="bos"),
            VsphereCluster(id="cl-dr", name="CL-DR", site="dr"),
            EsxiHost(id="esx-bos", name="ESX-BOS", site="bos", cluster="cl-bos"),
            EsxiHost(id="esx-dr", name="ESX-DR", site="dr", cluster="cl-dr"),
            StorageArray(
                id="arr-bos",
                name="CX-BOS",
                site="bos",
                model=ArrayModel.CX4_120,
                flare_release=28,
                snapview=True,
            ),
            StorageArray(
                id="arr-dr",
                name="CX-DR",
                site="dr",
                model=ArrayModel.CX4_120,
                flare_release=28,
                snapview=True,
            ),
            ConsistencyGroup(id="cg1", name="CG-1", mode="sync"),
        )
        for site in ("bos", "dr"):
            self.vm(f"vc-{site}", VmRole.VCENTER, site=site)
            self.vm(f"srm-{site}", VmRole.SRM_SERVER, site=site)
            self.vm(f"cas-{site}", VmRole.CLIENT_ACCESS, VmRole.HUB_TRANSPORT, site=site)
        self.vm("mbx1", VmRole.MAILBOX, exchange_version="2007", mailboxes=2000)
        self.add(MailboxDatabase(id="db1", name="DB-1", storage_group="SG1"))
        for purpose, name in ((DiskPurpose.OS, "os"), (DiskPurpose.DATABASE, "db"),
                              (DiskPurpose.LOGS, "log")):  # fmt: skip
            self.mirrored_lun(name)
            self.add(
                VirtualDisk(
                    id=f"d-{name}",
                    name=f"MBX1-{name}",
                    vm="mbx1",
                    purpose=purpose,
                    placement=DiskPlacement.VMDK_VMFS,
                    lun=f"lun-{name}",
                    database=None if purpose is DiskPurpose.OS else "db1",
                )
            )
        self.add(
            SrmSitePair(id="sp1", name="SP-1", protected_site="bos", recovery_site="dr"),
            ProtectionGroup(
                id="pg1", name="PG-1", site_pair="sp1", consistency_groups=["cg1"], vms=["mbx1"]
            ),
            RecoveryPlan(id="rp1", name="RP-1", site_pair="sp1", protection_groups=["pg1"]),
        )


def findings(fixture: SrmFixture | Design, code: str) -> list[Finding]:
    """The active findings of one rule code on the fixture's design."""
    design = fixture.design() if isinstance(fixture, SrmFixture) else fixture
    return [f for f in check(design, codes=[code]).active if f.code == code]
