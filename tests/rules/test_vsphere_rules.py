"""vSphere and storage rules VS001-VS006: a failing and a passing fixture each."""

from __future__ import annotations

from _misc_fixtures import assert_sound, build, findings, random_designs, vm
from hypothesis import given

from designer.domain import (
    DatabaseCopy,
    Design,
    DiskPlacement,
    DiskPurpose,
    EsxiHost,
    Lun,
    LunUsage,
    MailboxDatabase,
    Site,
    StorageArray,
    VirtualDisk,
    VsphereCluster,
)


# -- VS001 -------------------------------------------------------------------------------
def _cluster(vm_memory: list[float], *, ha: bool = True, tolerated: int = 1) -> list:
    """Hosts of 256, 128 and 128 GB; VMs of the given memory spread over them."""
    hosts = [
        EsxiHost(id="h1", name="esx-big", site="s1", cluster="c1", memory_gb=256, cpu_cores=32),
        EsxiHost(id="h2", name="esx-2", site="s1", cluster="c1", memory_gb=128),
        EsxiHost(id="h3", name="esx-3", site="s1", cluster="c1", memory_gb=128),
    ]
    vms = [vm(f"v{i}", host=hosts[i % 3].id, memory_gb=gb) for i, gb in enumerate(vm_memory)]
    return [
        Site(id="s1", name="Boston"),
        VsphereCluster(
            id="c1", name="prod", site="s1", ha_enabled=ha, host_failures_tolerated=tolerated
        ),
        *hosts,
        *vms,
    ]


def test_vs001_triggers() -> None:
    design = build(*_cluster([100, 100, 100]))
    (finding,) = findings(design, "VS001")
    assert finding.code == "VS001"
    assert finding.elements == ("c1", "h1")
    assert "prod" in finding.message and "esx-big" in finding.message
    assert "300 GB" in finding.message and "256 GB" in finding.message


def test_vs001_passes() -> None:
    design = build(*_cluster([80, 80, 80]))
    assert findings(design, "VS001") == []


def test_vs001_counts_the_failures_the_cluster_tolerates() -> None:
    design = build(*_cluster([80, 80, 80], tolerated=2))
    (finding,) = findings(design, "VS001")
    assert finding.elements == ("c1", "h1", "h2")
    assert "128 GB" in finding.message


def test_vs001_ignores_clusters_without_ha() -> None:
    assert findings(build(*_cluster([100, 100, 100], ha=False)), "VS001") == []


def test_vs001_single_host_cluster_cannot_restart() -> None:
    design = build(
        Site(id="s1", name="Boston"),
        VsphereCluster(id="c1", name="solo", site="s1"),
        EsxiHost(id="h1", name="esx", site="s1", cluster="c1"),
        vm("v1", memory_gb=16),
    )
    (finding,) = findings(design, "VS001")
    assert finding.message == (
        "vSphere cluster solo runs 16 GB of VM memory; after losing esx no host is left "
        "in it to restart them on"
    )


# -- VS002 -------------------------------------------------------------------------------
def _mailbox_vm(users: int) -> list:
    return [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1", mailboxes=users),
    ]


def test_vs002_triggers() -> None:
    (finding,) = findings(build(*_mailbox_vm(4500)), "VS002")
    assert finding.elements == ("mbx1",)
    assert "4,500" in finding.message and "4,000" in finding.message


def test_vs002_passes() -> None:
    assert findings(build(*_mailbox_vm(4000)), "VS002") == []


def _active_databases(stated: int, *sizes: int, preferred: int = 1) -> list:
    """mbx1 stating ``stated`` mailboxes; databases of ``sizes`` mailboxes, each with a
    copy on mbx1 and on mbx2, mbx1's of activation preference ``preferred``."""
    return [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1", mailboxes=stated),
        vm("mbx2"),
        *(
            MailboxDatabase(
                id=f"db{n}", name=f"DB{n}", mailboxes=size,
                copies=[DatabaseCopy(member="mbx1", activation_preference=preferred),
                        DatabaseCopy(member="mbx2", activation_preference=3 - preferred)],
            )
            for n, size in enumerate(sizes)
        ),
    ]  # fmt: skip


def test_vs002_triggers_on_active_databases_over_what_the_vm_states() -> None:
    """The users a VM serves are its active databases' (002: users within a VM), even
    when its own figure says fewer."""
    (finding,) = findings(build(*_active_databases(1000, 2500, 2500)), "VS002")
    assert finding.elements == ("mbx1",)
    assert finding.message == (
        "VM mbx1 runs mailbox databases of 5,000 users actively; it states 1,000; "
        "the recommended limit is 4,000"
    )


def test_vs002_passes_passive_copies_and_databases_within_the_limit() -> None:
    # mbx2 holds the 5,000 users' databases passively: not its users until a failover.
    assert findings(build(*_active_databases(1000, 2000, 2000)), "VS002") == []
    (finding,) = findings(build(*_active_databases(0, 2500, 2500, preferred=2)), "VS002")
    assert finding.elements == ("mbx2",) and "it states" not in finding.message


def test_vs002_counts_a_database_without_copies_once_on_its_disks_vm() -> None:
    elements = [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1", mailboxes=100),
        MailboxDatabase(id="db1", name="DB1", mailboxes=4100),
        VirtualDisk(id="d1", name="db", vm="mbx1", purpose=DiskPurpose.DATABASE, database="db1"),
        VirtualDisk(id="d2", name="log", vm="mbx1", purpose=DiskPurpose.LOGS, database="db1"),
    ]
    (finding,) = findings(build(*elements), "VS002")
    assert "4,100 users" in finding.message
    elements[3] = MailboxDatabase(id="db1", name="DB1", mailboxes=2100)
    assert findings(build(*elements), "VS002") == []


# -- VS003 -------------------------------------------------------------------------------
def _storage(*disks: VirtualDisk, usage: LunUsage = LunUsage.VMFS_DATASTORE) -> list:
    return [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1", exchange_version="2013"),
        StorageArray(id="a1", name="array-1", site="s1"),
        Lun(id="l1", name="lun-1", array="a1", usage=usage),
        *disks,
    ]


def test_vs003_triggers() -> None:
    disk = VirtualDisk(
        id="d1", name="db-disk", vm="mbx1", placement=DiskPlacement.NAS,
        purpose=DiskPurpose.DATABASE, lun="l1",
    )  # fmt: skip
    (finding,) = findings(build(*_storage(disk)), "VS003")
    assert finding.severity.value == "error"
    assert finding.elements[:2] == ("d1", "mbx1")
    assert "db-disk" in finding.message and "NAS/NFS" in finding.message


def test_vs003_passes() -> None:
    disk = VirtualDisk(
        id="d1", name="db-disk", vm="mbx1", placement=DiskPlacement.VMDK_VMFS,
        purpose=DiskPurpose.DATABASE, lun="l1",
    )  # fmt: skip
    assert findings(build(*_storage(disk)), "VS003") == []


def test_vs003_vmdk_on_an_nfs_datastore_is_nas_too() -> None:
    disk = VirtualDisk(id="d1", name="logs", vm="mbx1", purpose=DiskPurpose.LOGS, lun="l1")
    (finding,) = findings(build(*_storage(disk, usage=LunUsage.NFS_EXPORT)), "VS003")
    assert "l1" in finding.elements and "logs" in finding.message


def test_vs003_os_disk_on_nas_is_not_exchange_data() -> None:
    disk = VirtualDisk(id="d1", name="os", vm="mbx1", placement=DiskPlacement.NAS)
    assert findings(build(*_storage(disk)), "VS003") == []


# -- VS004 -------------------------------------------------------------------------------
def _db_and_logs(db_rg: str, log_rg: str, *, second_group: bool = False) -> list:
    db2 = "db2" if second_group else "db1"
    return [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1", exchange_version="2007"),
        StorageArray(id="a1", name="cx-a", site="s1"),
        Lun(id="l-db", name="lun-db", array="a1", raid_group=db_rg),
        Lun(id="l-log", name="lun-log", array="a1", raid_group=log_rg),
        MailboxDatabase(id="db1", name="DB1", storage_group="SG1"),
        MailboxDatabase(id="db2", name="DB2", storage_group="SG2"),
        VirtualDisk(
            id="d-db", name="db", vm="mbx1", purpose=DiskPurpose.DATABASE, lun="l-db",
            database="db1",
        ),
        VirtualDisk(
            id="d-log", name="log", vm="mbx1", purpose=DiskPurpose.LOGS, lun="l-log",
            database=db2,
        ),
    ]  # fmt: skip


def test_vs004_triggers() -> None:
    (finding,) = findings(build(*_db_and_logs("RG5", "RG5")), "VS004")
    assert finding.elements == ("mbx1", "l-db", "l-log")
    assert "storage group SG1" in finding.message and "RG5" in finding.message
    assert "cx-a" in finding.message


def test_vs004_passes() -> None:
    assert findings(build(*_db_and_logs("RG5", "RG6")), "VS004") == []


def test_vs004_compares_within_one_storage_group_only() -> None:
    design = build(*_db_and_logs("RG5", "RG5", second_group=True))
    assert findings(design, "VS004") == []


@given(random_designs())
def test_vsphere_rules_never_crash_and_name_real_elements(design: Design) -> None:
    assert_sound(design, ["VS001", "VS002", "VS003", "VS004", "VS005", "VS006"])


# -- VS005 -------------------------------------------------------------------------------
def _datastore(*sizes: float, usage: LunUsage = LunUsage.VMFS_DATASTORE) -> list:
    """A 500 GB LUN holding disks of ``sizes`` (GB) of VM mbx1."""
    placement = DiskPlacement.RDM_PHYSICAL if usage is LunUsage.RDM else DiskPlacement.VMDK_VMFS
    return [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1"),
        StorageArray(id="a1", name="cx-a", site="s1"),
        Lun(id="l1", name="DS-DB", array="a1", size_gb=500, usage=usage),
        *(
            VirtualDisk(
                id=f"d{i}", name=f"disk{i}", vm="mbx1", purpose=DiskPurpose.DATABASE, lun="l1",
                size_gb=size, placement=placement,
            )
            for i, size in enumerate(sizes)
        ),
    ]  # fmt: skip


def test_vs005_triggers() -> None:
    (finding,) = findings(build(*_datastore(300, 250)), "VS005")
    assert finding.elements == ("l1", "d0", "d1")
    assert finding.message == (
        "datastore DS-DB is 500 GB; the 2 virtual disks on it take 550 GB, 50 GB more"
    )


def test_vs005_passes() -> None:
    # Filled to the last GB is not over-committed.
    assert findings(build(*_datastore(300, 200)), "VS005") == []


def test_vs005_a_raw_lun_smaller_than_its_disk() -> None:
    (finding,) = findings(build(*_datastore(500.5, usage=LunUsage.RDM)), "VS005")
    assert finding.message == (
        "raw LUN DS-DB is 500 GB; the virtual disk on it takes 500.5 GB, 0.5 GB more"
    )


# -- VS006 -------------------------------------------------------------------------------
def _copies(db_gb: float, *disks: tuple[str, DiskPurpose, float, str | None]) -> list:
    """Database DB01 of ``db_gb`` GB with copies on mbx1 and mbx2, and the ``disks``
    (VM, purpose, size, database) on a 4 TB datastore."""
    return [
        Site(id="s1", name="Boston"),
        EsxiHost(id="h1", name="esx", site="s1"),
        vm("mbx1"),
        vm("mbx2"),
        StorageArray(id="a1", name="cx-a", site="s1"),
        Lun(id="l1", name="DS-DB", array="a1", size_gb=4000),
        MailboxDatabase(
            id="db1", name="DB01", size_gb=db_gb,
            copies=[
                DatabaseCopy(member="mbx1"), DatabaseCopy(member="mbx2", activation_preference=2)
            ],
        ),
        *(
            VirtualDisk(
                id=f"k{i}", name=f"disk{i}", vm=on, purpose=purpose, lun="l1", size_gb=size,
                database=db,
            )
            for i, (on, purpose, size, db) in enumerate(disks)
        ),
    ]  # fmt: skip


_DB = DiskPurpose.DATABASE


def test_vs006_triggers() -> None:
    # eyes24: a 600 GB database whose copies sit on 480 GB database disks.
    design = build(*_copies(600, ("mbx1", _DB, 480, "db1"), ("mbx2", _DB, 600, "db1")))
    (finding,) = findings(design, "VS006")
    assert finding.elements == ("db1", "mbx1", "k0")
    assert finding.message == (
        "mailbox database DB01 is 600 GB; on mbx1 its database disk is 480 GB, 120 GB short: "
        "it cannot hold the database"
    )


def test_vs006_passes() -> None:
    # Sized to the database exactly, or above it, holds it.
    design = build(*_copies(600, ("mbx1", _DB, 600, "db1"), ("mbx2", _DB, 720, "db1")))
    assert findings(design, "VS006") == []


def test_vs006_adds_up_a_member_s_database_disks_of_the_database() -> None:
    # Two database disks of mbx1 for DB01 add up (a spanned volume); a log disk, an
    # unnamed database disk and another database's disk do not count for it.
    design = build(
        *_copies(
            600,
            ("mbx1", _DB, 300, "db1"),
            ("mbx1", _DB, 300, "db1"),
            ("mbx2", _DB, 500, "db1"),
            ("mbx2", DiskPurpose.LOGS, 200, "db1"),
            ("mbx2", _DB, 2000, None),
        )
    )
    (finding,) = findings(design, "VS006")
    assert finding.elements == ("db1", "mbx2", "k2")
    assert "its database disk is 500 GB, 100 GB short" in finding.message
    short = build(*_copies(600, ("mbx1", _DB, 297.5, "db1"), ("mbx1", _DB, 300, "db1")))
    (finding,) = findings(short, "VS006")
    assert finding.elements == ("db1", "mbx1", "k0", "k1")
    assert "its database disks add up to 597.5 GB, 2.5 GB short" in finding.message
