"""Sample designs of 001 (disk placements) and 002 (CLARiiON SRM with MirrorView)."""

from __future__ import annotations

from _kit import TYPICAL_PROFILE, Kit, scenario
from _parts_2007 import (
    DOMAIN,
    HUBCAS,
    MBX,
    esx_cluster,
    exchange2007_vm,
    infrastructure,
    mirrored_exchange_vm,
    srm_site,
    waive_restore_time,
)

from designer.domain import (
    BackupKind,
    Design,
    DesignIntent,
    DiskPlacement,
    ExpectedOutcome,
    LunUsage,
    MirrorMode,
    PlanPriority,
    ProtectionGroup,
    RecoveryPlan,
    RecoveryPlanStep,
    SiteRole,
    SrmSitePair,
    VmRole,
)

__all__ = ["bidirectional_mirroring", "cx4_srm_mirrorview_s", "disk_placements"]


# -- 001 ----------------------------------------------------------------------------------
def disk_placements() -> Design:
    kit = Kit(
        "Exchange database placements: VMDK, physical RDM, virtual RDM",
        "001 'Options in data protection': three Exchange 2007 mailbox VMs on a VMware "
        "Infrastructure cluster, one per way of storing the database. Option 1 (MSP-MBX-VMDK): "
        "database and logs in VMDKs on their own VMFS datastores, backed up by an "
        "Exchange-aware agent in the guest (mailbox- and message-level restores). Option 2 "
        "(MSP-MBX-RDMP): physical-compatibility RDMs; VMFS cannot snapshot them, so the "
        "in-guest VSS agent drives SnapView snapshots on the CX3-40 that are moved to "
        "tape. Option 3 (MSP-MBX-RDMV): virtual-compatibility RDMs backed up off-host by "
        "VMware Consolidated Backup with pre/post scripts, which 001 says gives only a "
        "crash-consistent (or cold/warm) database: BK002 is waived with that reason. The "
        "application and OS of every Exchange VM are imaged by VCB. Databases follow 004's "
        "50 GB guidance; the RTO target is a full restore from backup.",
        DesignIntent(rpo_target_min=1440.0, rto_target_min=720.0),
    )
    site = kit.site(
        "site-msp",
        "Minneapolis",
        role=SiteRole.PRODUCTION,
        subnet="10.70.0.0/16",
        users=3000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=15000,
        windows_domain=DOMAIN,
    )
    hosts = esx_cluster(kit, "msp", "MSP", site, 3)
    array = kit.array(
        "arr-msp-1", "MSP-CX3-40", site, model="CX3-40", flare_release=26, snapview=True
    )
    os_lun = kit.lun("lun-msp-os", "MSP DS-OS", array, size_gb=1024.0, raid_group="RG-OS")
    vmdk_db = kit.lun("lun-msp-vmdk-db", "MSP DS-VMDK-DB", array, size_gb=300.0, raid_group="RG-1")
    vmdk_log = kit.lun(
        "lun-msp-vmdk-log", "MSP DS-VMDK-LOG", array, size_gb=60.0, raid_group="RG-2", owner_sp="B"
    )
    vms = {}
    for i, (key, label) in enumerate((("vmdk", "VMDK"), ("rdmp", "RDMP"), ("rdmv", "RDMV"))):
        vms[key] = exchange2007_vm(
            kit,
            f"vm-msp-mbx-{key}",
            f"MSP-MBX-{label}",
            hosts[i],
            MBX,
            os_lun,
            memory_gb=16.0,
            mailboxes=1000,
        )
    for i in (1, 2):
        exchange2007_vm(
            kit, f"vm-msp-hubcas{i:02d}", f"MSP-HUBCAS{i:02d}", hosts[i], HUBCAS, os_lun
        )
    infrastructure(kit, "msp", "MSP", hosts, os_lun)
    dbs: dict[str, list[str]] = {}
    placements = {
        "vmdk": DiskPlacement.VMDK_VMFS,
        "rdmp": DiskPlacement.RDM_PHYSICAL,
        "rdmv": DiskPlacement.RDM_VIRTUAL,
    }
    for key, placement in placements.items():
        dbs[key] = []
        label = key.upper()
        for sg in (1, 2):
            db = kit.database(
                f"db-msp-{key}-sg{sg}",
                f"MSP-{label}-SG{sg}-DB",
                size_gb=50.0,
                mailboxes=500,
                storage_group=f"MSP-MBX-{label} SG{sg}",
            )
            dbs[key].append(db)
            if placement is DiskPlacement.VMDK_VMFS:
                db_lun, log_lun = vmdk_db, vmdk_log
            else:
                db_lun = kit.lun(
                    f"lun-msp-{key}-sg{sg}-db",
                    f"MSP {label} SG{sg} DB (RDM)",
                    array,
                    size_gb=60.0,
                    raid_group=f"RG-{label}-DB",
                    usage=LunUsage.RDM,
                )
                log_lun = kit.lun(
                    f"lun-msp-{key}-sg{sg}-log",
                    f"MSP {label} SG{sg} LOG (RDM)",
                    array,
                    size_gb=10.0,
                    raid_group=f"RG-{label}-LOG",
                    usage=LunUsage.RDM,
                    owner_sp="B",
                )
            kit.db_disks(
                vms[key],
                f"MSP-MBX-{label}",
                db,
                f"SG{sg}",
                db_lun,
                log_lun,
                50.0,
                placement=placement,
            )
    kit.backup(
        "bk-msp-vcb-image",
        "VCB image of Exchange VMs",
        backup_kind=BackupKind.VCB_PROXY,
        vms=[vms["vmdk"], "vm-msp-hubcas01", "vm-msp-hubcas02"],
        target="VCB proxy MSP-VCB01 (physical, SAN-attached) to the tape library",
        schedule="weekly full and after every patch or configuration change",
    )
    kit.backup(
        "bk-msp-vmdk",
        "Option 1 in-guest agent",
        backup_kind=BackupKind.IN_GUEST_AGENT,
        databases=dbs["vmdk"],
        vms=[vms["vmdk"]],
        target="backup server disk pool, then tape",
        schedule="daily full 22:00, mailbox-level weekly",
    )
    kit.backup(
        "bk-msp-rdmp",
        "Option 2 array snapshots",
        backup_kind=BackupKind.ARRAY_SNAPSHOT,
        databases=dbs["rdmp"],
        vms=[vms["rdmp"]],
        target="SnapView snapshots on MSP-CX3-40, moved to tape off-host over the SAN",
        schedule="snapshot every 4 h through the in-guest VSS agent",
    )
    kit.backup(
        "bk-msp-rdmv",
        "Option 3 VCB of virtual RDMs",
        backup_kind=BackupKind.VCB_PROXY,
        databases=dbs["rdmv"],
        vms=[vms["rdmv"]],
        scripts=True,
        target="VCB proxy MSP-VCB01 (physical, SAN-attached) to the tape library",
        schedule="daily 01:00 with pre/post scripts quiescing the database",
    )
    kit.waive(
        "BK002",
        ["bk-msp-rdmv"],
        "001 Option 3 accepts it: VCB of a virtual-mode RDM with pre/post scripts gives a "
        "crash-consistent database; hot online backups are options 1 and 2",
    )
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Logical corruption on the virtual RDM",
                    "MSP-RDMV-SG1-DB is corrupted; it is restored from the option 3 VCB "
                    "backup (001 'Recovery and Restore': full database restore)",
                    then=[
                        (0.0, "corrupt", "db-msp-rdmv-sg1"),
                        (600.0, "restore_from_backup", "bk-msp-rdmv"),
                    ],
                    expected=ExpectedOutcome(mailboxes_available=3000, databases_down=[]),
                ),
                scenario(
                    "Loss of the CX3-40",
                    "Every Exchange VM loses its disks: no copy outside the array (001 is a "
                    "single-array backup design)",
                    "arr-msp-1",
                    expected=ExpectedOutcome(mailboxes_available=0),
                ),
            ]
        }
    )


# -- 002 Fig. 1 -----------------------------------------------------------------------------


def cx4_srm_mirrorview_s() -> Design:
    kit = Kit(
        "Exchange 2007 on CX4 with SRM and MirrorView/S",
        "002 Table 1 and Fig. 1: Exchange 2007 mailbox servers on Windows 2008 x64 VMs "
        "(at most 4,000 users each) in Philadelphia, protected by VMware SRM 4.0 with the "
        "MirrorView SRA to Wilmington, 45 km away (under EMC's 100 km for synchronous "
        "mirroring). Both sites have a CLARiiON CX4-240 with MirrorView and SnapView (SRM "
        "test failover runs on snapshots), an HA cluster of ESX servers, vCenter and an SRM "
        "server, two domain controllers / global catalogs, and Client Access and Hub "
        "Transport servers of their own in one Windows domain. Each storage group has one "
        "database on its own VMFS datastore and its logs on another, on separate spindles; "
        "all LUNs of a server plus its OS datastore are mirrored with MirrorView/S (write "
        "intent log, manual recovery policy) in one consistency group and one SRM "
        "protection group per server. Only VMFS datastores are used: SRM of 002's era "
        "cannot recover RDMs. The Hub Transport server is protected too, for mail in "
        "flight. Replication Manager keeps local SnapView clones of the databases.",
        DesignIntent(rpo_target_min=1.0, rto_target_min=60.0, srm_release="4.0"),
    )
    phl = kit.site(
        "site-phl",
        "Philadelphia",
        role=SiteRole.PRODUCTION,
        subnet="10.80.0.0/16",
        users=6000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=30000,
        change_rate_gb_per_hour=3.0,
        windows_domain=DOMAIN,
    )
    wil = kit.site(
        "site-wil",
        "Wilmington",
        role=SiteRole.RECOVERY,
        subnet="10.81.0.0/16",
        windows_domain=DOMAIN,
    )
    link = kit.link(
        "wan-phl-wil",
        "PHL-WIL MirrorView link",
        phl,
        wil,
        distance_km=45.0,
        rtt_ms=0.9,
        bandwidth_mbps=1000.0,
        failure_domain="fiber-phl-wil",
    )
    p_hosts, p_array, p_local = srm_site(kit, "phl", "PHL", phl, "CX4-240", 28)
    r_hosts, r_array, r_local = srm_site(kit, "wil", "WIL", wil, "CX4-240", 28)
    protected = []
    all_dbs: list[str] = []
    groups = []
    for i in (1, 2):
        vm, dbs, cgs = mirrored_exchange_vm(
            kit,
            f"phl-mbx{i:02d}",
            f"PHL-MBX{i:02d}",
            p_hosts[i - 1],
            p_array,
            r_array,
            link,
            storage_groups=6,
            users=3000,
            mode=MirrorMode.SYNC,
            cg_size=16,
        )
        protected.append(vm)
        all_dbs += dbs
        groups.append((vm, cgs))
    hub, _, hub_cgs = mirrored_exchange_vm(
        kit,
        "phl-hub01",
        "PHL-HUB01",
        p_hosts[2],
        p_array,
        r_array,
        link,
        storage_groups=0,
        users=0,
        mode=MirrorMode.SYNC,
        cg_size=16,
        roles=[VmRole.HUB_TRANSPORT],
    )
    groups.append((hub, hub_cgs))
    exchange2007_vm(kit, "vm-phl-cas01", "PHL-CAS01", p_hosts[2], [VmRole.CLIENT_ACCESS], p_local)
    exchange2007_vm(kit, "vm-phl-rm01", "PHL-RM01", p_hosts[1], [VmRole.BACKUP_PROXY], p_local)
    exchange2007_vm(kit, "vm-wil-cas01", "WIL-CAS01", r_hosts[0], [VmRole.CLIENT_ACCESS], r_local)
    exchange2007_vm(kit, "vm-wil-hub01", "WIL-HUB01", r_hosts[1], [VmRole.HUB_TRANSPORT], r_local)
    pair = kit.add(
        SrmSitePair(
            id="srm-phl-wil",
            name="SRM Philadelphia → Wilmington",
            protected_site=phl,
            recovery_site=wil,
        )
    )
    pgs = [
        kit.add(
            ProtectionGroup(
                id=f"pg-{vm.removeprefix('vm-')}",
                name=f"PG-{vm[3:].upper()}",
                site_pair=pair,
                consistency_groups=cgs,
                vms=[vm],
            )
        )
        for vm, cgs in groups
    ]
    kit.add(
        RecoveryPlan(
            id="rp-phl",
            name="RP-Philadelphia-Exchange",
            site_pair=pair,
            protection_groups=pgs,
            priorities=[PlanPriority(vm=hub, priority=1)]
            + [PlanPriority(vm=vm, priority=2) for vm in protected],
            ip_customization=True,
            steps=[RecoveryPlanStep.DNS_UPDATE],
        )
    )
    kit.backup(
        "bk-phl-rm",
        "Replication Manager clones",
        backup_kind=BackupKind.ARRAY_CLONE,
        databases=all_dbs,
        vms=protected,
        proxy="vm-phl-rm01",
        target="SnapView clones on PHL-CX4-240, then EMC Disk Library DL3D",
        schedule="clone every 6 h; nightly to the disk library",
    )
    # No BK003 waiver: every database and log LUN is mirrored with MirrorView/S, a second,
    # current copy (002); after logical corruption the SnapView clones restore in minutes.
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Loss of the Philadelphia site",
                    "An administrator runs RP-Philadelphia-Exchange after 10 minutes; "
                    "MirrorView/S loses no data (002 'Failover')",
                    phl,
                    then=[(600.0, "run_recovery_plan", "rp-phl")],
                    expected=ExpectedOutcome(
                        mailboxes_available=6000, databases_down=[], max_rpo_s=0.0
                    ),
                ),
                scenario(
                    "Mirror link down, then Philadelphia lost",
                    "002 'Loss of the mirrored link': the mirrors fracture; when Philadelphia "
                    "is lost an hour later, the writes of that hour are lost",
                    link,
                    then=[(3600.0, "fail", phl), (4200.0, "run_recovery_plan", "rp-phl")],
                    expected=ExpectedOutcome(mailboxes_available=6000, max_rpo_s=3600.0),
                ),
                scenario(
                    "Mirror link back, not yet synchronised, then Philadelphia lost",
                    "002: recovery policy Manual, 'so that synchronization does not start "
                    "until you are ready for it': the link is back after an hour, nobody "
                    "starts the synchronisation, and Philadelphia is lost an hour later: "
                    "the secondaries still stand at the fracture, two hours of writes are lost",
                    link,
                    then=[
                        (3600.0, "restore", link),
                        (7200.0, "fail", phl),
                        (7800.0, "run_recovery_plan", "rp-phl"),
                    ],
                    expected=ExpectedOutcome(mailboxes_available=6000, max_rpo_s=7200.0),
                ),
            ]
        }
    )


# -- 002 Fig. 2 -----------------------------------------------------------------------------
def bidirectional_mirroring() -> Design:
    kit = Kit(
        "Bi-directional mirroring between two production sites",
        "002 Fig. 2: Chicago and Indianapolis are both production Exchange 2007 sites and "
        "each is the other's SRM recovery site. Each CLARiiON CX4-120 holds the primary "
        "images of its own site's LUNs and the secondary images of the other's: mirroring "
        "runs in both directions with a one-to-one relationship per LUN. The sites are "
        "290 km apart, beyond the 100 km EMC recommends for synchronous mirroring, so the "
        "mirrors are MirrorView/A with a 30-minute update interval: RPO = interval + time "
        "to ship one interval's changes (002's example: 30 + 15 = 45 minutes), inside the "
        "60-minute target. A CX4-120 allows 8 LUNs per MirrorView/A consistency group "
        "(002 Table 3), so each mailbox server's 13 mirrored LUNs span two consistency "
        "groups, as 002 advises, never splitting a storage group's database and log LUNs.",
        DesignIntent(rpo_target_min=60.0, rto_target_min=120.0, srm_release="4.0"),
    )
    chi = kit.site(
        "site-chi",
        "Chicago",
        role=SiteRole.PRODUCTION,
        subnet="10.90.0.0/16",
        users=3000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=15000,
        change_rate_gb_per_hour=3.0,
        windows_domain=DOMAIN,
    )
    ind = kit.site(
        "site-ind",
        "Indianapolis",
        role=SiteRole.PRODUCTION,
        subnet="10.91.0.0/16",
        users=3000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=15000,
        change_rate_gb_per_hour=3.0,
        windows_domain=DOMAIN,
    )
    link = kit.link(
        "wan-chi-ind",
        "CHI-IND DS3 pair",
        chi,
        ind,
        distance_km=290.0,
        rtt_ms=6.0,
        bandwidth_mbps=90.0,
        failure_domain="carrier-chi-ind",
    )
    sites = {
        "chi": (chi, "CHI", *srm_site(kit, "chi", "CHI", chi, "CX4-120", 29)),
        "ind": (ind, "IND", *srm_site(kit, "ind", "IND", ind, "CX4-120", 29)),
    }
    for key, (_site, label, hosts, _array, local) in sites.items():
        exchange2007_vm(
            kit, f"vm-{key}-cas01", f"{label}-CAS01", hosts[2], [VmRole.CLIENT_ACCESS], local
        )
        exchange2007_vm(
            kit, f"vm-{key}-hub02", f"{label}-HUB02", hosts[0], [VmRole.HUB_TRANSPORT], local
        )
    for key, other in (("chi", "ind"), ("ind", "chi")):
        site, label, hosts, array, _ = sites[key]
        o_site, o_label, _, o_array, _ = sites[other]
        vm, dbs, cgs = mirrored_exchange_vm(
            kit,
            f"{key}-mbx01",
            f"{label}-MBX01",
            hosts[0],
            array,
            o_array,
            link,
            storage_groups=6,
            users=3000,
            mode=MirrorMode.ASYNC,
            cg_size=8,
        )
        hub, _, hub_cgs = mirrored_exchange_vm(
            kit,
            f"{key}-hub01",
            f"{label}-HUB01",
            hosts[1],
            array,
            o_array,
            link,
            storage_groups=0,
            users=0,
            mode=MirrorMode.ASYNC,
            cg_size=8,
            roles=[VmRole.HUB_TRANSPORT],
        )
        pair = kit.add(
            SrmSitePair(
                id=f"srm-{key}-{other}",
                name=f"SRM {label} → {o_label}",
                protected_site=site,
                recovery_site=o_site,
            )
        )
        pg_mbx = kit.add(
            ProtectionGroup(
                id=f"pg-{key}-mbx01",
                name=f"PG-{label}-MBX01",
                site_pair=pair,
                consistency_groups=cgs,
                vms=[vm],
            )
        )
        pg_hub = kit.add(
            ProtectionGroup(
                id=f"pg-{key}-hub01",
                name=f"PG-{label}-HUB01",
                site_pair=pair,
                consistency_groups=hub_cgs,
                vms=[hub],
            )
        )
        kit.add(
            RecoveryPlan(
                id=f"rp-{key}",
                name=f"RP-{label}-to-{o_label}",
                site_pair=pair,
                protection_groups=[pg_hub, pg_mbx],
                priorities=[PlanPriority(vm=hub, priority=1), PlanPriority(vm=vm, priority=2)],
                ip_customization=True,
                steps=[RecoveryPlanStep.DNS_UPDATE],
            )
        )
        kit.backup(
            f"bk-{key}",
            f"{label} nightly backup",
            backup_kind=BackupKind.IN_GUEST_AGENT,
            databases=dbs,
            vms=[vm],
            target=f"EMC Disk Library DL3D in {label}",
            schedule="daily full 23:00",
        )
        waive_restore_time(
            kit,
            dbs,
            "the 2-hour RTO target is for site loss through SRM (002); a restore from the "
            "DL3D disk library after logical corruption is accepted to take longer",
        )
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Loss of Chicago",
                    "Indianapolis runs RP-CHI-to-IND after 10 minutes; RPO within one "
                    "MirrorView/A update interval plus its transfer",
                    chi,
                    then=[(600.0, "run_recovery_plan", "rp-chi")],
                    expected=ExpectedOutcome(mailboxes_available=6000, max_rpo_s=3600.0),
                ),
                scenario(
                    "Loss of Indianapolis",
                    "Chicago runs RP-IND-to-CHI after 10 minutes",
                    ind,
                    then=[(600.0, "run_recovery_plan", "rp-ind")],
                    expected=ExpectedOutcome(mailboxes_available=6000, max_rpo_s=3600.0),
                ),
            ]
        }
    )
