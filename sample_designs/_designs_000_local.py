"""Sample designs of 000's local-site options: Figs. 1, 2, 3-5 and 13-15."""

from __future__ import annotations

from _kit import TYPICAL_PROFILE, Kit, scenario
from _parts import (
    DOMAIN,
    FS,
    exchange_site,
    member_storage,
    rotating_databases,
    set_mailboxes,
    vdp_backup,
    waive_shared_arrays,
)

from designer.domain import (
    BackupKind,
    Design,
    DesignIntent,
    ExpectedOutcome,
    FailoverIntent,
    SiteRole,
    VmRole,
)

__all__ = ["backup_options", "cas_array_edge", "dag_with_ha", "standalone_vm_ha"]


# -- Fig. 1 -----------------------------------------------------------------------------
def standalone_vm_ha() -> Design:
    kit = Kit(
        "Standalone Exchange VM under vSphere HA",
        "000 §4.1.1 Fig. 1: one multi-role Exchange 2013 virtual machine, with no DAG, "
        "protected by vSphere HA in a three-host HA/DRS cluster. If its ESXi host fails, "
        "HA restarts the VM on a surviving host; service is back once Windows has booted "
        "and the Exchange services have started (000 §4.1.1, Table 1: OS running at 1:33). "
        "DRS and vMotion move it back after the host is repaired. Databases are kept at "
        "50 GB so a restore from backup stays manageable (004). Logical corruption is "
        "covered by nightly vSphere Data Protection Advanced backups with the "
        "Exchange-aware agent (000 §6.1).",
        DesignIntent(rpo_target_min=1440.0, rto_target_min=720.0),
    )
    site = kit.site(
        "site-chi",
        "Chicago",
        role=SiteRole.PRODUCTION,
        subnet="10.10.0.0/16",
        users=1500,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=12000,
        windows_domain=DOMAIN,
    )
    cluster = kit.cluster("cl-chi", "CHI-PROD", site, host_failures_tolerated=1)
    hosts = [kit.host(f"esx-chi-{i:02d}", f"esx-chi-{i:02d}", site, cluster) for i in (1, 2, 3)]
    array = kit.array("arr-chi-1", "CHI-SAN1", site)
    os_lun = kit.lun("lun-chi-os", "CHI-SAN1 DS-OS", array, size_gb=1024.0, raid_group="RG-OS")
    db_lun = kit.lun(
        "lun-chi-db", "CHI-SAN1 DS-EX01-DB", array, size_gb=400.0, raid_group="RG-EX01-DB"
    )
    log_lun = kit.lun(
        "lun-chi-log",
        "CHI-SAN1 DS-EX01-LOG",
        array,
        size_gb=100.0,
        raid_group="RG-EX01-LOG",
        owner_sp="B",
    )
    ex = kit.vm(
        "vm-chi-ex01",
        "CHI-EX01",
        hosts[0],
        [VmRole.MAILBOX, VmRole.CLIENT_ACCESS],
        vcpu=8,
        memory_gb=48.0,
        exchange_version="2013",
        mailboxes=1500,
    )
    kit.os_disk(ex, "CHI-EX01", os_lun, 100.0)
    kit.infrastructure_vms(
        "chi",
        "CHI",
        hosts[1:],
        os_lun,
        extra=[("vdp01", "CHI-VDP01", [VmRole.BACKUP_PROXY])],
    )
    dbs = []
    for k in range(1, 5):
        db = kit.database(f"db-chi-db{k:02d}", f"CHI-DB{k:02d}", size_gb=50.0, mailboxes=375)
        kit.db_disks(ex, "CHI-EX01", db, f"CHI-DB{k:02d}", db_lun, log_lun, 50.0)
        dbs.append(db)
    kit.backup(
        "bk-chi-vdp",
        "VDP Advanced nightly",
        backup_kind=BackupKind.VDP_ADVANCED,
        databases=dbs,
        vms=[ex],
        proxy="vm-chi-vdp01",
        target="VDP Advanced appliance CHI-VDP01 (deduplicated store)",
        schedule="daily 22:00, Exchange-aware agent",
    )
    kit.waive(
        "EX002",
        [ex],
        "000 Fig. 1 is a single multi-role server by design: vSphere HA restarts it with its "
        "VMDKs intact, so the transport queue on disk survives a host failure",
    )
    design = kit.design()
    return design.model_copy(
        update={
            "scenarios": [
                scenario(
                    "Host failure: HA restarts CHI-EX01",
                    "000 §4.1.1: the ESXi host fails; HA restarts the VM on another host and "
                    "service is back in just over three minutes",
                    hosts[0],
                    expected=ExpectedOutcome(
                        mailboxes_available=1500, databases_down=[], max_rpo_s=0.0, max_rto_s=300.0
                    ),
                ),
                scenario(
                    "Guest OS failure: VM monitoring resets CHI-EX01",
                    "000 §4.1: a guest OS failure 'can be detected by vSphere HA and the "
                    "affected virtual machine can be restarted'; VM monitoring resets it on "
                    "its host within four minutes",
                    then=[(0.0, "guest_os_failure", ex)],
                    expected=ExpectedOutcome(
                        mailboxes_available=1500, databases_down=[], max_rpo_s=0.0, max_rto_s=240.0
                    ),
                ),
            ]
        }
    )


# -- Fig. 2 -----------------------------------------------------------------------------
def cas_array_edge() -> Design:
    kit = Kit(
        "CAS array behind vCloud Networking and Security Edge",
        "000 §4.2.1 Fig. 2: a Client Access server array of four Exchange 2013 CAS VMs "
        "load balanced by a vCloud Networking and Security Edge HA pair (extra-large "
        "appliance, layer 7 HTTPS, pool of 4 of its 10 allowed members; 400,000 concurrent "
        "connections at layer 7, 000 §4.2). Behind it, a single-site DAG of three mailbox "
        "servers keeps three copies of each database on two arrays (000 §4.3).",
        DesignIntent(rpo_target_min=15.0, rto_target_min=60.0),
    )
    site = kit.site(
        "site-sea",
        "Seattle",
        role=SiteRole.PRODUCTION,
        subnet="10.20.0.0/16",
        users=6000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=60000,
        windows_domain=DOMAIN,
    )
    s = exchange_site(
        kit,
        "sea",
        "SEA",
        site,
        hosts=4,
        mailbox=3,
        cas=4,
        extra=[("fs01", "SEA-FS01", FS), ("vdp01", "SEA-VDP01", [VmRole.BACKUP_PROXY])],
    )
    witness = kit.witness("fsw-sea", "SEA-FS01 share", site, vm="vm-sea-fs01")
    members = [m for m, _ in s.mailbox]
    dag = kit.dag(
        "dag-sea",
        "DAG-SEA",
        members,
        witness=witness,
        anti_affinity=True,
        failover_intent=FailoverIntent.MANUAL,
    )
    per_member = rotating_databases(
        kit,
        dag,
        site,
        ["SEA-DB01", "SEA-DB02", "SEA-DB03"],
        members,
        size_gb=500.0,
        mailboxes=2000,
    )
    for i, m in enumerate(members):
        member_storage(kit, s, i, per_member[m])
    set_mailboxes(kit, {m: 2000 for m in members})
    waive_shared_arrays(kit, s)
    vdp_backup(kit, "sea", ["db-sea-db01", "db-sea-db02", "db-sea-db03"], members + s.cas)
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Edge load balancer pair fails",
                    "Both Edge appliances are lost: the only CAS array becomes unreachable "
                    "although every database stays mounted",
                    s.load_balancer or "",
                    expected=ExpectedOutcome(mailboxes_available=0, databases_down=[]),
                )
            ]
        }
    )


# -- Figs. 3-5 --------------------------------------------------------------------------
def dag_with_ha() -> Design:
    kit = Kit(
        "Exchange 2013 DAG protected with vSphere HA",
        "000 §4.3.1 Figs. 3-5: a four-host vSphere HA/DRS cluster runs four DAG members, "
        "one per host (DRS anti-affinity rule), each database with three copies on "
        "members whose storage sits on two arrays. When an ESXi host fails (Fig. 4) the "
        "passive copies on surviving members are activated in about a minute (000 Table 1: "
        "databases mounted at 1:09); in the background vSphere HA restarts the failed "
        "member on another host and its copies resynchronise (Fig. 5, healthy at 3:02). "
        "Single-site DAG: the witness is a file server in the same site and there is no "
        "site failover (DAG001-003 do not apply).",
        DesignIntent(rpo_target_min=15.0, rto_target_min=60.0),
    )
    site = kit.site(
        "site-den",
        "Denver",
        role=SiteRole.PRODUCTION,
        subnet="10.30.0.0/16",
        users=8000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=80000,
        windows_domain=DOMAIN,
    )
    s = exchange_site(
        kit,
        "den",
        "DEN",
        site,
        hosts=4,
        mailbox=4,
        cas=2,
        edge=False,
        extra=[("fs01", "DEN-FS01", FS), ("vdp01", "DEN-VDP01", [VmRole.BACKUP_PROXY])],
    )
    witness = kit.witness("fsw-den", "DEN-FS01 share", site, vm="vm-den-fs01")
    members = [m for m, _ in s.mailbox]
    dag = kit.dag("dag-den", "DAG-DEN", members, witness=witness, anti_affinity=True)
    names = [f"DEN-DB{k:02d}" for k in range(1, 5)]
    per_member: dict[str, list[tuple[str, str, float]]] = {m: [] for m in members}
    for k, name in enumerate(names):
        order = [members[(k + j) % 4] for j in range(3)]  # three copies each
        db_id = f"db-{name.lower()}"
        kit.database(
            db_id,
            name,
            dag=dag,
            size_gb=500.0,
            mailboxes=2000,
            user_site=site,
            copies=[(m, p, 0.0) for p, m in enumerate(order, start=1)],
        )
        for m in order:
            per_member[m].append((db_id, name, 500.0))
    for i, m in enumerate(members):
        member_storage(kit, s, i, per_member[m])
    set_mailboxes(kit, {m: 2000 for m in members})
    waive_shared_arrays(kit, s)
    vdp_backup(kit, "den", [f"db-{n.lower()}" for n in names], members)
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Fig. 4-5: ESXi host failure",
                    "esx-den-01 fails: DEN-DB01 fails over to DEN-MBX02, HA restarts DEN-MBX01",
                    s.hosts[0],
                    expected=ExpectedOutcome(
                        mailboxes_available=8000, databases_down=[], max_rpo_s=0.0, max_rto_s=69.0
                    ),
                )
            ]
        }
    )


# -- Figs. 13-15 ------------------------------------------------------------------------
def backup_options() -> Design:
    kit = Kit(
        "Backup options for Exchange virtual machines",
        "000 §6 Figs. 13-15, one option per database of a three-member single-site DAG: "
        "PHX-DB01 and the CAS VMs are backed up by vSphere Data Protection Advanced with "
        "its Exchange-aware in-guest agent (Fig. 13, §6.1.1); PHX-DB02 by an array-based "
        "VSS clone on the SAN, streamed to tape with no I/O on production (Fig. 14, "
        "§6.2.1); PHX-DB03 by a traditional in-guest Exchange-aware agent under "
        "centralized backup management, using the guest's VSS snapshot (Fig. 15, §6.3.1).",
        DesignIntent(rpo_target_min=15.0, rto_target_min=60.0),
    )
    site = kit.site(
        "site-phx",
        "Phoenix",
        role=SiteRole.PRODUCTION,
        subnet="10.60.0.0/16",
        users=6000,
        mailbox_profile=TYPICAL_PROFILE,
        peak_concurrent_connections=60000,
        windows_domain=DOMAIN,
    )
    s = exchange_site(
        kit,
        "phx",
        "PHX",
        site,
        hosts=3,
        mailbox=3,
        cas=2,
        snapview=True,
        extra=[
            ("fs01", "PHX-FS01", FS),
            ("vdp01", "PHX-VDP01", [VmRole.BACKUP_PROXY]),
            ("bkp01", "PHX-BKP01", [VmRole.BACKUP_PROXY]),
        ],
    )
    witness = kit.witness("fsw-phx", "PHX-FS01 share", site, vm="vm-phx-fs01")
    members = [m for m, _ in s.mailbox]
    dag = kit.dag("dag-phx", "DAG-PHX", members, witness=witness, anti_affinity=True)
    per_member = rotating_databases(
        kit,
        dag,
        site,
        ["PHX-DB01", "PHX-DB02", "PHX-DB03"],
        members,
        size_gb=500.0,
        mailboxes=2000,
    )
    for i, m in enumerate(members):
        member_storage(kit, s, i, per_member[m])
    set_mailboxes(kit, {m: 2000 for m in members})
    waive_shared_arrays(kit, s)
    kit.backup(
        "bk-phx-vdp",
        "Fig. 13 VDP Advanced",
        backup_kind=BackupKind.VDP_ADVANCED,
        databases=["db-phx-db01"],
        vms=[members[0], *s.cas],
        proxy="vm-phx-vdp01",
        target="VDP Advanced appliance PHX-VDP01 (deduplicated store)",
        schedule="daily 21:00, Exchange-aware agent; CAS VM images weekly",
    )
    kit.backup(
        "bk-phx-array",
        "Fig. 14 array-based VSS clone",
        backup_kind=BackupKind.ARRAY_CLONE,
        databases=["db-phx-db02"],
        vms=[members[1]],
        proxy="vm-phx-bkp01",
        target="clone LUNs on PHX-SAN2, streamed to LTO-5 tape by PHX-BKP01",
        schedule="clone every 6 h; weekly full to tape",
    )
    kit.backup(
        "bk-phx-guest",
        "Fig. 15 in-guest Exchange-aware agent",
        backup_kind=BackupKind.IN_GUEST_AGENT,
        databases=["db-phx-db03"],
        vms=[members[2]],
        proxy="vm-phx-bkp01",
        target="backup server PHX-BKP01 disk pool, then tape",
        schedule="daily full 23:00, VSS snapshot in the guest",
    )
    return kit.design().model_copy(
        update={
            "scenarios": [
                scenario(
                    "Logical corruption of PHX-DB02",
                    "The corruption replicates to every DAG copy; after 10 minutes an "
                    "administrator restores the database from its array-based clone (Fig. 14)",
                    then=[
                        (0.0, "corrupt", "db-phx-db02"),
                        (600.0, "restore_from_backup", "bk-phx-array"),
                    ],
                    expected=ExpectedOutcome(mailboxes_available=6000, databases_down=[]),
                )
            ]
        }
    )
