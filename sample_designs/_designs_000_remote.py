"""Sample designs of 000's remote-site options: Figs. 6-7, 8-9 and 10-12."""

from __future__ import annotations

from _kit import DC, TYPICAL_PROFILE, Kit, lun_size, scenario
from _parts import (
    DOMAIN,
    FS,
    database_ids,
    exchange_site,
    member_storage,
    rotating_databases,
    set_mailboxes,
    vdp_backup,
    waive_shared_arrays,
)

from designer.domain import (
    Design,
    DesignIntent,
    ExpectedOutcome,
    FailoverIntent,
    LoadBalancerKind,
    LoadBalancerLayer,
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

__all__ = ["srm_dag_recovery", "stretched_dag_lagged", "three_site_stretched_dag"]


# -- Figs. 6-7 --------------------------------------------------------------------------
def srm_dag_recovery() -> Design:
    kit = Kit(
        "SRM recovery of a site with a DAG",
        "000 §5.1.1 Figs. 6-7: a single-site DAG (three members, three copies per "
        "database) in the protected site Dallas, its datastores mirrored with MirrorView/S "
        "to Fort Worth (55 km) in one consistency group per source array. Activating the "
        "DR site is a conscious decision: the SRM recovery plan makes the mirror targets "
        "writable, powers the DAG members on in priority order and re-addresses them "
        "(the recovery site is on another subnet), then updates the DAG IP and the witness "
        "to a local server (FTW-FS01) and the DNS records of the DAG, its nodes and the "
        "client namespaces (000 §5.1.1 steps 1-4). Client Access is not protected by SRM: "
        "Fort Worth has its own CAS array (002). SRM tests failover on SnapView snapshots "
        "without touching production.",
        DesignIntent(rpo_target_min=5.0, rto_target_min=120.0, srm_release="5.1"),
    )
    dal = kit.site(
        "site-dal",
        "Dallas",
        role=SiteRole.PRODUCTION,
        subnet="10.40.0.0/16",
        users=6000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=60000,
        change_rate_gb_per_hour=2.0,
        windows_domain=DOMAIN,
    )
    ftw = kit.site(
        "site-ftw",
        "Fort Worth",
        role=SiteRole.RECOVERY,
        subnet="10.41.0.0/16",
        windows_domain=DOMAIN,
    )
    kit.link(
        "wan-dal-ftw",
        "DAL-FTW metro fiber",
        dal,
        ftw,
        distance_km=55.0,
        rtt_ms=1.2,
        bandwidth_mbps=10000.0,
        failure_domain="metro-fiber-dal-ftw",
    )
    mgmt = [
        ("vc01", "{}-VC01", [VmRole.VCENTER]),
        ("srm01", "{}-SRM01", [VmRole.SRM_SERVER]),
        ("fs01", "{}-FS01", FS),
    ]
    p = exchange_site(
        kit,
        "dal",
        "DAL",
        dal,
        hosts=3,
        mailbox=3,
        cas=2,
        array_model="CX4-480",
        snapview=True,
        flare_release=30,
        separate_mailbox_os=True,
        extra=[(k, n.format("DAL"), roles) for k, n, roles in mgmt]
        + [("vdp01", "DAL-VDP01", [VmRole.BACKUP_PROXY])],
    )
    r = exchange_site(
        kit,
        "ftw",
        "FTW",
        ftw,
        hosts=3,
        mailbox=0,
        cas=2,
        arrays=1,
        array_model="CX4-480",
        snapview=True,
        flare_release=30,
        extra=[(k, n.format("FTW"), roles) for k, n, roles in mgmt],
    )
    witness = kit.witness("fsw-dal", "DAL-FS01 share", dal, vm="vm-dal-fs01")
    alt = kit.witness("fsw-ftw", "FTW-FS01 share", ftw, vm="vm-ftw-fs01")
    members = [m for m, _ in p.mailbox]
    dag = kit.dag(
        "dag-dal",
        "DAG-DAL",
        members,
        witness=witness,
        alternate_witness=alt,
        anti_affinity=True,
        dac_mode=True,
        failover_intent=FailoverIntent.MANUAL,
    )
    per_member = rotating_databases(
        kit,
        dag,
        dal,
        ["DAL-DB01", "DAL-DB02", "DAL-DB03"],
        members,
        size_gb=500.0,
        mailboxes=2000,
    )
    source_luns: dict[str, list[str]] = {
        a: [lun] for (a, _), lun in zip(p.arrays, p.os_luns, strict=True)
    }
    for i, m in enumerate(members):
        db_lun, log_lun = member_storage(kit, p, i, per_member[m])
        source_luns[p.arrays[i % len(p.arrays)][0]] += [db_lun, log_lun]
    set_mailboxes(kit, {m: 2000 for m in members})
    waive_shared_arrays(kit, p)
    target_array = r.arrays[0][0]
    cgs = []
    for array_id, array_name in p.arrays:
        luns = source_luns[array_id]
        mirrors = []
        for lun in luns:
            tail = lun.removeprefix("lun-")
            target = kit.lun(
                f"lun-ftw-{tail}",
                f"{kit.name_of(lun)} (sec)",
                target_array,
                size_gb=lun_size(kit, lun),
                raid_group=f"RG-MV-{tail}",
                usage=LunUsage.VMFS_DATASTORE,
            )
            mirrors.append(
                kit.mirror(
                    f"mv-{tail}",
                    f"MV/S {tail}",
                    lun,
                    target,
                    mode=MirrorMode.SYNC,
                    write_intent_log=True,
                    wan_link="wan-dal-ftw",
                )
            )
        cgs.append(
            kit.consistency_group(
                f"cg-{array_id.removeprefix('arr-')}",
                f"CG-{array_name}",
                mirrors,
                mode=MirrorMode.SYNC,
            )
        )
    pair = kit.add(
        SrmSitePair(
            id="srm-dal-ftw", name="SRM Dallas → Fort Worth", protected_site=dal, recovery_site=ftw
        )
    )
    pg = kit.add(
        ProtectionGroup(
            id="pg-dag-dal", name="PG-DAG-DAL", site_pair=pair, consistency_groups=cgs, vms=members
        )
    )
    kit.add(
        RecoveryPlan(
            id="rp-dal",
            name="RP-Dallas-site",
            site_pair=pair,
            protection_groups=[pg],
            priorities=[PlanPriority(vm=m, priority=2) for m in members],
            ip_customization=True,
            steps=[
                RecoveryPlanStep.WITNESS_UPDATE,
                RecoveryPlanStep.DAG_IP_UPDATE,
                RecoveryPlanStep.DNS_UPDATE,
            ],
        )
    )
    vdp_backup(kit, "dal", list(database_ids(kit)), members)
    kit.waive(
        "SRM010",
        [dag],
        "000 §5.1.1 protects the DAG members with SRM; the recovery runbook re-creates the "
        "DAG anti-affinity rule on the placeholder VMs in FTW-EXCH before the plan is run",
    )
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Fig. 7: loss of the Dallas site",
                    "Dallas fails; after 10 minutes an administrator runs RP-Dallas-site to "
                    "recover the DAG members in Fort Worth (000 §5.1.1 steps 1-4)",
                    dal,
                    then=[(600.0, "run_recovery_plan", "rp-dal")],
                    expected=ExpectedOutcome(
                        mailboxes_available=6000, databases_down=[], max_rpo_s=0.0
                    ),
                )
            ]
        }
    )


# -- Figs. 8-9 --------------------------------------------------------------------------
def stretched_dag_lagged() -> Design:
    kit = Kit(
        "Stretched DAG with a lagged DR copy",
        "000 §5.2.1 Figs. 8-9: a DAG stretched from Atlanta (two members, two up-to-date "
        "copies of every database for local high availability) to a DR datacenter in "
        "Charlotte whose third copy of each database replays its logs 7 days late "
        "(ReplayLagTime, at most 14 days). The lag protects against logical corruption; "
        "the DR copies are activated only by an administrator (Fig. 9), possibly as part "
        "of a datacenter switchover with the alternate witness in Charlotte, so the DAG's "
        "site failover intent is manual and DAG006 is expected and waived per database. "
        "The lagged copies are the point-in-time recovery option (no separate backup).",
        DesignIntent(rpo_target_min=15.0, rto_target_min=240.0),
    )
    atl = kit.site(
        "site-atl",
        "Atlanta",
        role=SiteRole.PRODUCTION,
        subnet="10.50.0.0/16",
        users=8000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=80000,
        windows_domain=DOMAIN,
    )
    clt = kit.site(
        "site-clt",
        "Charlotte",
        role=SiteRole.RECOVERY,
        subnet="10.51.0.0/16",
        windows_domain=DOMAIN,
    )
    kit.link(
        "wan-atl-clt",
        "ATL-CLT WAN",
        atl,
        clt,
        distance_km=390.0,
        rtt_ms=9.0,
        bandwidth_mbps=1000.0,
        failure_domain="carrier-atl-clt",
    )
    # Sized like the calculator for the worst failure mode: one Atlanta member carries
    # all 8,000 mailboxes (24,000 megacycles, 4 GB + 8,000 × 9 MB of cache; CAP003).
    a = exchange_site(
        kit,
        "atl",
        "ATL",
        atl,
        hosts=3,
        mailbox=2,
        cas=2,
        extra=[("fs01", "ATL-FS01", FS)],
        mailbox_vcpu=12,
        mailbox_gb=96.0,
    )
    c = exchange_site(
        kit,
        "clt",
        "CLT",
        clt,
        hosts=2,
        mailbox=1,
        cas=2,
        arrays=1,
        extra=[("fs01", "CLT-FS01", FS)],
    )
    witness = kit.witness("fsw-atl", "ATL-FS01 share", atl, vm="vm-atl-fs01")
    alt = kit.witness("fsw-clt", "CLT-FS01 share", clt, vm="vm-clt-fs01")
    local = [m for m, _ in a.mailbox]
    dr = c.mailbox[0][0]
    dag = kit.dag(
        "dag-atl",
        "DAG-ATL",
        [*local, dr],
        witness=witness,
        alternate_witness=alt,
        anti_affinity=True,
        dac_mode=True,
        failover_intent=FailoverIntent.MANUAL,
    )
    kit.waive(
        "DAG002",
        ["dag-atl", "fsw-atl", "site-atl"],
        "000 §5.2.1 Fig. 9: the DR site is activated manually; losing Atlanta (with the "
        "witness) means a datacenter switchover with the Charlotte alternate witness",
    )
    names = [f"ATL-DB{k:02d}" for k in range(1, 5)]
    per_member: dict[str, list[tuple[str, str, float]]] = {m: [] for m in [*local, dr]}
    for k, name in enumerate(names):
        db_id = f"db-{name.lower()}"
        first, second = local[k % 2], local[(k + 1) % 2]
        kit.database(
            db_id,
            name,
            dag=dag,
            size_gb=400.0,
            mailboxes=2000,
            user_site=atl,
            copies=[(first, 1, 0.0), (second, 2, 0.0), (dr, 3, 7.0)],
        )
        for m in (first, second, dr):
            per_member[m].append((db_id, name, 400.0))
        kit.waive(
            "DAG006",
            [db_id],
            "000 §5.2.1: the Charlotte copy is lagged on purpose and activated manually "
            "(Fig. 9); local failover stays automatic between the Atlanta copies",
        )
    member_storage(kit, a, 0, per_member[local[0]])
    member_storage(kit, a, 1, per_member[local[1]])
    member_storage(kit, c, 0, per_member[dr])
    set_mailboxes(kit, {local[0]: 4000, local[1]: 4000})
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Logical corruption of ATL-DB01",
                    "Corruption replicates to the Atlanta copies; the lagged Charlotte copy "
                    "keeps a clean point in time; an administrator activates it after "
                    "30 minutes (Fig. 9: manual activation)",
                    then=[
                        (0.0, "corrupt", "db-atl-db01"),
                        (1800.0, "activate_lagged_copy", "db-atl-db01"),
                    ],
                    expected=ExpectedOutcome(mailboxes_available=8000, databases_down=[]),
                ),
                scenario(
                    "Loss of the Atlanta site",
                    "Datacenter switchover: after 15 minutes an administrator switches the DAG "
                    "over to Charlotte (alternate witness), then activates the lagged copies "
                    "(Fig. 9)",
                    atl,
                    then=[
                        (900.0, "switchover", dag),
                        *((1200.0, "activate_lagged_copy", f"db-{n.lower()}") for n in names),
                    ],
                    expected=ExpectedOutcome(mailboxes_available=8000, databases_down=[]),
                ),
            ]
        }
    )


# -- Figs. 10-12 (the app's default design) ---------------------------------------------
def three_site_stretched_dag() -> Design:
    kit = Kit(
        "Three-site stretched DAG with automated failover",
        "000 §5.3.1 Figs. 10-12: an Exchange 2013 DAG stretched over two well-connected "
        "datacenters, Boston and Worcester, with an equal number of members in each (two) "
        "and its file share witness in a third site, Hartford, that has its own links to "
        "both and shares no failure domain with the Boston-Worcester fiber (000 §5.3). "
        "Every database has four copies, two per datacenter, so a single server failure "
        "(Fig. 11) is handled locally and a whole-site failure (Fig. 12) fails over "
        "automatically to the other datacenter, whose DAG members still reach the witness. "
        "Each datacenter has a load-balanced CAS array (vCloud Networking and Security "
        "Edge HA pair) under the single namespace mail.contoso.com, and a geographic load "
        "balancer sends clients to whichever CAS array is up; any CAS array proxies to "
        "the active copy (000 §5.3.1). Nightly VDP Advanced backups cover logical "
        "corruption (000 §6.1).",
        DesignIntent(rpo_target_min=5.0, rto_target_min=30.0),
    )
    bos = kit.site(
        "site-bos",
        "Boston",
        role=SiteRole.PRODUCTION,
        subnet="10.1.0.0/16",
        users=4000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=40000,
        change_rate_gb_per_hour=2.0,
        windows_domain=DOMAIN,
    )
    wor = kit.site(
        "site-wor",
        "Worcester",
        role=SiteRole.PRODUCTION,
        subnet="10.2.0.0/16",
        users=4000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=40000,
        change_rate_gb_per_hour=2.0,
        windows_domain=DOMAIN,
    )
    hfd = kit.site(
        "site-hfd",
        "Hartford",
        role=SiteRole.WITNESS_ONLY,
        subnet="10.3.0.0/16",
        windows_domain=DOMAIN,
    )
    kit.link(
        "wan-bos-wor",
        "BOS-WOR dark fiber",
        bos,
        wor,
        distance_km=65.0,
        rtt_ms=1.5,
        bandwidth_mbps=10000.0,
        failure_domain="fiber-bos-wor",
    )
    kit.link(
        "wan-bos-hfd",
        "BOS-HFD MPLS (carrier 1)",
        bos,
        hfd,
        distance_km=160.0,
        rtt_ms=4.0,
        bandwidth_mbps=1000.0,
        failure_domain="carrier1-bos-hfd",
    )
    kit.link(
        "wan-wor-hfd",
        "WOR-HFD MPLS (carrier 2)",
        wor,
        hfd,
        distance_km=100.0,
        rtt_ms=3.0,
        bandwidth_mbps=1000.0,
        failure_domain="carrier2-wor-hfd",
    )
    # Members sized like the calculator for the worst failure mode, site loss plus one:
    # one member then carries all 8,000 mailboxes (24,000 megacycles at 150 messages a
    # day, 4 GB + 8,000 × 9 MB of database cache; CAP003).
    b = exchange_site(
        kit,
        "bos",
        "BOS",
        bos,
        hosts=4,
        mailbox=2,
        cas=2,
        extra=[("vdp01", "BOS-VDP01", [VmRole.BACKUP_PROXY])],
        mailbox_vcpu=12,
        mailbox_gb=96.0,
    )
    w = exchange_site(
        kit,
        "wor",
        "WOR",
        wor,
        hosts=4,
        mailbox=2,
        cas=2,
        extra=[("fs01", "WOR-FS01", FS)],
        mailbox_vcpu=12,
        mailbox_gb=96.0,
    )
    # The witness site: one standalone host with the witness server and a DC.
    hfd_host = kit.host("esx-hfd-01", "esx-hfd-01", hfd, None, cpu_cores=8, memory_gb=64.0)
    hfd_array = kit.array("arr-hfd-1", "HFD-SAN1", hfd)
    hfd_lun = kit.lun("lun-hfd-os", "HFD-SAN1 DS-OS", hfd_array, size_gb=500.0)
    fsw_vm = kit.vm(
        "vm-hfd-fs01", "HFD-FS01", hfd_host, FS, vcpu=2, memory_gb=8.0, windows_version="2012 x64"
    )
    kit.os_disk(fsw_vm, "HFD-FS01", hfd_lun, 60.0)
    dc = kit.vm("vm-hfd-dc01", "HFD-DC01", hfd_host, DC, vcpu=2, memory_gb=8.0)
    kit.os_disk(dc, "HFD-DC01", hfd_lun, 60.0)
    witness = kit.witness("fsw-hfd", "HFD-FS01 share", hfd, vm=fsw_vm)
    alt = kit.witness("fsw-wor", "WOR-FS01 alt. witness", wor, vm="vm-wor-fs01")
    members = [m for m, _ in b.mailbox] + [m for m, _ in w.mailbox]
    dag = kit.dag(
        "dag-01",
        "DAG01",
        members,
        witness=witness,
        alternate_witness=alt,
        failover_intent=FailoverIntent.AUTOMATIC,
        dac_mode=True,
        anti_affinity=True,
    )
    bos_m, wor_m = [m for m, _ in b.mailbox], [m for m, _ in w.mailbox]
    plan = {
        "DB01": (bos, [bos_m[0], bos_m[1], wor_m[0], wor_m[1]]),
        "DB02": (bos, [bos_m[1], bos_m[0], wor_m[1], wor_m[0]]),
        "DB03": (wor, [wor_m[0], wor_m[1], bos_m[0], bos_m[1]]),
        "DB04": (wor, [wor_m[1], wor_m[0], bos_m[1], bos_m[0]]),
    }
    per_member: dict[str, list[tuple[str, str, float]]] = {m: [] for m in members}
    for name, (user_site, order) in plan.items():
        db_id = f"db-{name.lower()}"
        kit.database(
            db_id,
            name,
            dag=dag,
            size_gb=400.0,
            mailboxes=2000,
            user_site=user_site,
            copies=[(m, p, 0.0) for p, m in enumerate(order, start=1)],
        )
        for m in order:
            per_member[m].append((db_id, name, 400.0))
    for site in (b, w):
        for i, (m, _) in enumerate(site.mailbox):
            member_storage(kit, site, i, per_member[m])
    set_mailboxes(kit, {m: 2000 for m in members})
    kit.load_balancer(
        "gslb-mail",
        "GSLB mail.contoso.com",
        None,
        lb_kind=LoadBalancerKind.GEOGRAPHIC,
        ha_pair=True,
        layer=LoadBalancerLayer.L4,
        cas_arrays=[b.cas_array or "", w.cas_array or ""],
    )
    vdp_backup(kit, "bos", [f"db-{n.lower()}" for n in plan], members)
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Fig. 11: single server failure",
                    "BOS-MBX01 fails: DB01 activates on BOS-MBX02; clients keep their CAS array",
                    bos_m[0],
                    expected=ExpectedOutcome(
                        mailboxes_available=8000, databases_down=[], max_rpo_s=0.0, max_rto_s=69.0
                    ),
                ),
                scenario(
                    "Fig. 12: automatic site failover",
                    "Boston fails: Worcester keeps quorum with the Hartford witness and "
                    "activates every database; the geographic load balancer sends clients "
                    "to the Worcester CAS array",
                    bos,
                    expected=ExpectedOutcome(
                        mailboxes_available=8000, databases_down=[], max_rpo_s=0.0, max_rto_s=69.0
                    ),
                ),
                scenario(
                    "Boston Edge pair fails",
                    "Clients are redirected to the Worcester CAS array, which proxies to "
                    "the active copies in Boston",
                    b.load_balancer or "",
                    expected=ExpectedOutcome(mailboxes_available=8000, databases_down=[]),
                ),
                scenario(
                    "Witness site lost, then Boston",
                    "Without the witness the DAG is one failure from an outage: Worcester "
                    "holds 2 of 5 votes and dismounts every database (static quorum)",
                    hfd,
                    bos,
                    expected=ExpectedOutcome(
                        mailboxes_available=0, databases_down=[f"db-{n.lower()}" for n in plan]
                    ),
                ),
            ]
        }
    )
