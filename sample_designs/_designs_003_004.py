"""Sample designs of 003 (Double-Take) and 004 (Exchange 2007 LCR, CCR, SCR)."""

from __future__ import annotations

from _kit import LIGHT_PROFILE, TYPICAL_PROFILE, Kit, scenario
from _parts_2007 import (
    ALL_ROLES,
    DOMAIN,
    HUBCAS,
    MBX,
    esx_cluster,
    exchange2007_vm,
    infrastructure,
    waive_restore_time,
)

from designer.domain import (
    BackupKind,
    Design,
    DesignIntent,
    Exchange2007Kind,
    Exchange2007Replication,
    ExpectedOutcome,
    FailoverMode,
    HostReplication,
    Protocol,
    SiteRole,
)

__all__ = ["double_take", "exchange2007_lcr_ccr_scr"]


# -- 003 ------------------------------------------------------------------------------------
def double_take() -> Design:
    kit = Kit(
        "Stand-alone Exchange server protected by Double-Take",
        "003 'With Stand-Alone Exchange servers': one Exchange 2007 server in New York "
        "runs every role but Edge for 14,000 users in 28 storage groups. Double-Take "
        "Availability replicates its database, log and system files asynchronously at "
        "byte level, in write order, to a standby server in Philadelphia, 150 km away. "
        "If the production server is unreachable for the 5-minute timeout, the Application "
        "Manager fails over automatically: DNS Fail Over re-points the server's records, "
        "the 14,000 mailboxes are re-homed in about 7 minutes, and Exchange services start "
        "on the standby: under 20 minutes in all (45 minutes conservatively); Outlook "
        "may need a restart. Replication is asynchronous, so the RPO is the queue at the "
        "moment of failure. Nightly tape backups keep a point in time against logical "
        "corruption, which Double-Take would replicate. 14,000 users on one server is "
        "003's own example: VS002 (002's 4,000 users per VM recommendation) is waived.",
        DesignIntent(rpo_target_min=5.0, rto_target_min=45.0),
    )
    nyc = kit.site(
        "site-nyc",
        "New York",
        role=SiteRole.PRODUCTION,
        subnet="10.100.0.0/16",
        users=14000,
        mailbox_profile=LIGHT_PROFILE,
        peak_concurrent_connections=70000,
        change_rate_gb_per_hour=4.0,
        windows_domain=DOMAIN,
    )
    phl = kit.site(
        "site-phl",
        "Philadelphia",
        role=SiteRole.RECOVERY,
        subnet="10.101.0.0/16",
        windows_domain=DOMAIN,
    )
    kit.link(
        "wan-nyc-phl",
        "NYC-PHL WAN",
        nyc,
        phl,
        distance_km=150.0,
        rtt_ms=4.0,
        bandwidth_mbps=155.0,
        failure_domain="carrier-nyc-phl",
    )
    servers = {}
    datastores = {}
    for key, label, site, users in (("nyc", "NYC", nyc, 14000), ("phl", "PHL", phl, 0)):
        hosts = esx_cluster(kit, key, label, site, 2)
        array = kit.array(f"arr-{key}-1", f"{label}-SAN1", site)
        os_lun = kit.lun(
            f"lun-{key}-os", f"{label} DS-OS", array, size_gb=500.0, raid_group="RG-OS"
        )
        stores = []
        for n in (1, 2):
            stores.append(
                (
                    kit.lun(
                        f"lun-{key}-db{n}",
                        f"{label} DS-DB{n}",
                        array,
                        size_gb=1000.0,
                        raid_group=f"RG-DB{n}",
                    ),
                    kit.lun(
                        f"lun-{key}-log{n}",
                        f"{label} DS-LOG{n}",
                        array,
                        size_gb=300.0,
                        raid_group=f"RG-LOG{n}",
                        owner_sp="B",
                    ),
                )
            )
        datastores[key] = stores
        servers[key] = exchange2007_vm(
            kit,
            f"vm-{key}-exch01",
            f"{label}-EXCH01",
            hosts[0],
            ALL_ROLES,
            os_lun,
            vcpu=8,
            memory_gb=48.0,
            mailboxes=users,
        )
        infrastructure(kit, key, label, hosts[1:] + hosts[:1], os_lun)
    dbs = []
    for sg in range(1, 29):
        db = kit.database(
            f"db-nyc-sg{sg:02d}",
            f"NYC-SG{sg:02d}-DB",
            size_gb=50.0,
            mailboxes=500,
            storage_group=f"NYC-EXCH01 SG{sg:02d}",
            user_site=nyc,
        )
        dbs.append(db)
        for key in ("nyc", "phl"):
            db_lun, log_lun = datastores[key][(sg - 1) % 2]
            kit.db_disks(
                servers[key],
                f"{key.upper()}-EXCH01",
                db,
                f"SG{sg:02d}",
                db_lun,
                log_lun,
                50.0,
                # The standby's volumes are Double-Take replicas, not a mounted database.
                tie=key == "nyc",
            )
    kit.add(
        HostReplication(
            id="dt-nyc-phl",
            name="Double-Take NYC-EXCH01 → PHL-EXCH01",
            source=servers["nyc"],
            target=servers["phl"],
            failover=FailoverMode.AUTOMATIC,
            dns_failover=True,
            failover_timeout_s=300.0,
        )
    )
    kit.backup(
        "bk-nyc-tape",
        "Nightly tape backup",
        backup_kind=BackupKind.TAPE,
        databases=dbs,
        vms=[servers["nyc"]],
        target="LTO-4 tape library, weekly offsite",
        schedule="daily full 23:00 (ESE backup API)",
    )
    waive_restore_time(
        kit,
        dbs,
        "the 45-minute RTO target is for server or site loss through Double-Take (003); "
        "logical corruption, which Double-Take replicates, is restored from tape and is "
        "accepted to take longer",
    )
    kit.waive(
        "EX002",
        [phl, servers["phl"]],
        "PHL-EXCH01 is the Double-Take standby: it runs the databases only after a "
        "failover, as the single stand-alone server 003 describes",
    )
    kit.waive(
        "VS002",
        [servers["nyc"]],
        "003's stand-alone server holds 14,000 users on one Exchange server; Double-Take, "
        "not a per-VM limit, is what this design demonstrates",
    )
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Loss of NYC-EXCH01",
                    "Double-Take fails over after 5 minutes; 14,000 users re-homed in ~7",
                    servers["nyc"],
                    expected=ExpectedOutcome(mailboxes_available=14000, max_rto_s=2700.0),
                ),
                scenario(
                    "Loss of the New York site",
                    "Automatic failover across the WAN to Philadelphia (003)",
                    nyc,
                    expected=ExpectedOutcome(mailboxes_available=14000, max_rto_s=2700.0),
                ),
            ]
        }
    )


# -- 004 ------------------------------------------------------------------------------------
def exchange2007_lcr_ccr_scr() -> Design:
    kit = Kit(
        "Exchange 2007 LCR, CCR and SCR",
        "004: the Exchange 2007 replication continuum in one organisation. A branch-sized "
        "mailbox server uses Local Continuous Replication: each storage group has one "
        "database, and the LCR copy of the database sits on the RAID set that holds the "
        "active logs while the copy of the logs sits with the active database (004 Fig. 3), "
        "so losing either RAID set leaves a full set; activation is manual. The main "
        "mailbox service is a two-node Cluster Continuous Replication cluster stretched "
        "over Windows 2008 (004: the secondary node 'could be remote from the primary "
        "datacenter, in a location that does not have a SAN infrastructure'): the active "
        "node in Redmond on the SAN, the passive node 25 km away in Bellevue on a "
        "lower-cost iSCSI array; its majority node set's file share witness is on a Hub "
        "Transport server in Portland, so the cluster survives the loss of either "
        "datacenter. Standby Continuous Replication (SP1) ships the active node's logs to "
        "a standby server in Portland, 280 km away, activated manually when both "
        "datacenters are lost. Databases stay at 50 GB or less (004) and are backed up "
        "nightly to tape. Capacity: 4,000 mailboxes of 150 messages a day (30 logs each) "
        "ship about 35 Mbit/s at the busiest hour; Redmond-Portland (100 Mbit/s) carries "
        "it, but once the cluster fails over to Bellevue (Redmond lost, or the active "
        "node's host esx-red-02 or the Redmond SAN) the SCR logs leave from Bellevue over "
        "its 20 Mbit/s backup line to Portland, and with either of Redmond's links down "
        "the logs bound for the other site take that line: it is over budget only then "
        "(CAP002 names the loss of Redmond; 004: the network implications of SCR and CCR "
        "must be planned for).",
        DesignIntent(rpo_target_min=60.0, rto_target_min=720.0),
    )
    red = kit.site(
        "site-red",
        "Redmond",
        role=SiteRole.PRODUCTION,
        subnet="10.110.0.0/16",
        users=5000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=25000,
        change_rate_gb_per_hour=2.0,
        windows_domain=DOMAIN,
    )
    bel = kit.site(
        "site-bel",
        "Bellevue",
        role=SiteRole.PRODUCTION,
        subnet="10.112.0.0/16",
        windows_domain=DOMAIN,
    )
    por = kit.site(
        "site-por",
        "Portland",
        role=SiteRole.RECOVERY,
        subnet="10.111.0.0/16",
        windows_domain=DOMAIN,
    )
    kit.link(
        "wan-red-bel",
        "RED-BEL metro fiber",
        red,
        bel,
        distance_km=25.0,
        rtt_ms=1.0,
        bandwidth_mbps=1000.0,
        failure_domain="fiber-red-bel",
    )
    kit.link(
        "wan-red-por",
        "RED-POR WAN",
        red,
        por,
        distance_km=280.0,
        rtt_ms=7.0,
        bandwidth_mbps=100.0,
        failure_domain="carrier-red-por",
    )
    kit.link(
        "wan-bel-por",
        "BEL-POR backup line",
        bel,
        por,
        distance_km=290.0,
        rtt_ms=8.0,
        bandwidth_mbps=20.0,
        failure_domain="carrier-bel-por",
    )
    r_hosts = esx_cluster(kit, "red", "RED", red, 3)
    b_hosts = esx_cluster(kit, "bel", "BEL", bel, 2)
    p_hosts = esx_cluster(kit, "por", "POR", por, 2)
    san = kit.array("arr-red-1", "RED-SAN1", red)
    iscsi = kit.array("arr-bel-1", "BEL-ISCSI1", bel, protocol=Protocol.ISCSI)
    por_san = kit.array("arr-por-1", "POR-SAN1", por)
    r_os = kit.lun("lun-red-os", "RED DS-OS", san, size_gb=1024.0, raid_group="RG-OS")
    b_os = kit.lun("lun-bel-os", "BEL-ISCSI1 DS-OS", iscsi, size_gb=500.0, raid_group="RG-OS")
    p_os = kit.lun("lun-por-os", "POR DS-OS", por_san, size_gb=500.0, raid_group="RG-OS")
    # LCR server: RAID set 1 and RAID set 2 each hold one side of every storage group.
    lcr_vm = exchange2007_vm(
        kit, "vm-red-lcr01", "RED-MBX-LCR01", r_hosts[0], MBX, r_os, mailboxes=1000
    )
    rs1 = kit.lun("lun-red-lcr-rs1", "RED LCR RAID set 1", san, size_gb=300.0, raid_group="RG-LCR1")
    rs2 = kit.lun(
        "lun-red-lcr-rs2",
        "RED LCR RAID set 2",
        san,
        size_gb=300.0,
        raid_group="RG-LCR2",
        owner_sp="B",
    )
    lcr_dbs = []
    for sg in (1, 2):
        db = kit.database(
            f"db-red-lcr-sg{sg}",
            f"RED-LCR-SG{sg}-DB",
            size_gb=50.0,
            mailboxes=500,
            storage_group=f"RED-MBX-LCR01 SG{sg}",
            user_site=red,
        )
        lcr_dbs.append(db)
        kit.db_disks(lcr_vm, "RED-MBX-LCR01", db, f"SG{sg}", rs1, rs2, 50.0)
        kit.db_disks(lcr_vm, "RED-MBX-LCR01", db, f"SG{sg}", rs2, rs1, 50.0, suffix=" LCR copy")
    # CCR cluster: active node on the Redmond SAN, passive node on the Bellevue iSCSI array.
    nodes = []
    for n, (host, os_lun) in enumerate(((r_hosts[1], r_os), (b_hosts[0], b_os)), start=1):
        nodes.append(
            exchange2007_vm(
                kit,
                f"vm-red-ccr-n{n}",
                f"RED-CCR-N{n}",
                host,
                MBX,
                os_lun,
                vcpu=8,
                memory_gb=48.0,
                mailboxes=4000 if n == 1 else 0,
            )
        )
    ccr_luns = {}
    for n, array in ((1, san), (2, iscsi)):
        ccr_luns[n] = (
            kit.lun(
                f"lun-red-ccr-n{n}-db",
                f"RED-CCR-N{n} DS-DB",
                array,
                size_gb=600.0,
                raid_group=f"RG-CCR{n}-DB",
            ),
            kit.lun(
                f"lun-red-ccr-n{n}-log",
                f"RED-CCR-N{n} DS-LOG",
                array,
                size_gb=150.0,
                raid_group=f"RG-CCR{n}-LOG",
                owner_sp="B",
            ),
        )
    scr_vm = exchange2007_vm(
        kit, "vm-por-scr01", "POR-MBX-SCR01", p_hosts[0], MBX, p_os, memory_gb=32.0
    )
    scr_db = kit.lun(
        "lun-por-scr-db", "POR-MBX-SCR01 DS-DB", por_san, size_gb=600.0, raid_group="RG-SCR-DB"
    )
    scr_log = kit.lun(
        "lun-por-scr-log",
        "POR-MBX-SCR01 DS-LOG",
        por_san,
        size_gb=150.0,
        raid_group="RG-SCR-LOG",
        owner_sp="B",
    )
    ccr_dbs = []
    for sg in range(1, 9):
        db = kit.database(
            f"db-red-ccr-sg{sg}",
            f"RED-CCR-SG{sg}-DB",
            size_gb=50.0,
            mailboxes=500,
            storage_group=f"RED-CCR SG{sg}",
            user_site=red,
        )
        ccr_dbs.append(db)
        for n, vm in enumerate(nodes, start=1):
            kit.db_disks(vm, f"RED-CCR-N{n}", db, f"SG{sg}", *ccr_luns[n], 50.0)
        kit.db_disks(scr_vm, "POR-MBX-SCR01", db, f"SG{sg}", scr_db, scr_log, 50.0)
    exchange2007_vm(kit, "vm-red-hubcas01", "RED-HUBCAS01", r_hosts[2], HUBCAS, r_os)
    exchange2007_vm(kit, "vm-red-hubcas02", "RED-HUBCAS02", r_hosts[0], HUBCAS, r_os)
    exchange2007_vm(kit, "vm-bel-hubcas01", "BEL-HUBCAS01", b_hosts[1], HUBCAS, b_os)
    exchange2007_vm(kit, "vm-bel-hubcas02", "BEL-HUBCAS02", b_hosts[0], HUBCAS, b_os)
    por_hub = exchange2007_vm(kit, "vm-por-hubcas01", "POR-HUBCAS01", p_hosts[1], HUBCAS, p_os)
    exchange2007_vm(kit, "vm-por-hubcas02", "POR-HUBCAS02", p_hosts[0], HUBCAS, p_os)
    infrastructure(kit, "red", "RED", r_hosts[2:] + r_hosts[:2], r_os)
    infrastructure(kit, "bel", "BEL", b_hosts[1:] + b_hosts[:1], b_os)
    infrastructure(kit, "por", "POR", p_hosts[1:] + p_hosts[:1], p_os)
    kit.witness("fsw-por-ccr", "POR-HUBCAS01 CCR FSW", por, vm=por_hub)
    kit.add(
        Exchange2007Replication(
            id="ex-lcr",
            name="LCR on RED-MBX-LCR01",
            replication=Exchange2007Kind.LCR,
            nodes=[lcr_vm],
            passive_nodes=0,
            databases=lcr_dbs,
            # The copy's own disks (004 Fig. 3): each database's copy on RAID set 2 beside
            # the active logs, the copy of its logs on RAID set 1 beside the database.
            copy_disks=[
                f"{lcr_vm}-{db}-lcr-copy-{part}" for db in lcr_dbs for part in ("edb", "log")
            ],
        )
    )
    kit.add(
        Exchange2007Replication(
            id="ex-ccr",
            name="CCR cluster RED-CCR",
            replication=Exchange2007Kind.CCR,
            nodes=nodes,
            passive_nodes=1,
            databases=ccr_dbs,
        )
    )
    kit.add(
        Exchange2007Replication(
            id="ex-scr",
            name="SCR RED-CCR → POR-MBX-SCR01",
            replication=Exchange2007Kind.SCR,
            nodes=nodes,
            passive_nodes=0,
            databases=ccr_dbs,
            target=scr_vm,
        )
    )
    for raid_set in (rs1, rs2):
        kit.waive(
            "VS004",
            [lcr_vm, raid_set],
            "004 Fig. 3: LCR puts the copy of the logs on the RAID set of the active database "
            "and the database copy on the RAID set of the active logs, so either set can fail; "
            "active database and active logs are on separate sets",
        )
    kit.backup(
        "bk-red-tape",
        "Nightly full backup",
        backup_kind=BackupKind.IN_GUEST_AGENT,
        databases=lcr_dbs + ccr_dbs,
        vms=[lcr_vm, *nodes],
        target="tape library, offsite rotation",
        schedule="daily full 22:00 (VSS, passive copy)",
    )
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "CCR active node fails",
                    "RED-CCR-N2 takes over automatically",
                    nodes[0],
                    expected=ExpectedOutcome(mailboxes_available=5000, databases_down=[]),
                ),
                scenario(
                    "LCR RAID set 1 fails",
                    "An administrator activates the LCR copies after 15 minutes (004)",
                    rs1,
                    then=[(900.0, "activate_lcr", "ex-lcr")],
                    expected=ExpectedOutcome(mailboxes_available=5000, databases_down=[]),
                ),
                scenario(
                    "Loss of Redmond",
                    "The CCR cluster fails over to its Bellevue node (the witness in Portland "
                    "keeps the majority); the LCR server's users have no remote copy (004). "
                    "SCR now ships from Bellevue over the 20 Mbit/s backup line (CAP002)",
                    red,
                    expected=ExpectedOutcome(mailboxes_available=4000, databases_down=lcr_dbs),
                ),
                scenario(
                    "Loss of Redmond and Bellevue",
                    "An administrator activates the SCR target in Portland after 30 minutes",
                    red,
                    bel,
                    then=[(1800.0, "activate_scr", "ex-scr")],
                    expected=ExpectedOutcome(mailboxes_available=4000, databases_down=lcr_dbs),
                ),
            ]
        }
    )
