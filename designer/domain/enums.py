"""Enumerations of the domain vocabulary (DOMAIN.md §2)."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ArrayModel",
    "BackupKind",
    "DiskPlacement",
    "DiskPurpose",
    "EdgeSize",
    "Exchange2007Kind",
    "FailoverIntent",
    "FailoverMode",
    "LoadBalancerKind",
    "LoadBalancerLayer",
    "LunUsage",
    "MirrorMode",
    "Protocol",
    "RecoveryPlanStep",
    "RecoveryPolicy",
    "SiteRole",
    "StorageProcessorSlot",
    "Trigger",
    "VmRole",
]


class SiteRole(StrEnum):
    PRODUCTION = "production"
    RECOVERY = "recovery"
    WITNESS_ONLY = "witness_only"


class VmRole(StrEnum):
    MAILBOX = "mailbox"
    CLIENT_ACCESS = "client_access"
    HUB_TRANSPORT = "hub_transport"
    EDGE_TRANSPORT = "edge_transport"
    UNIFIED_MESSAGING = "unified_messaging"
    DOMAIN_CONTROLLER = "domain_controller"
    FILE_SHARE_WITNESS = "file_share_witness"
    VCENTER = "vcenter"
    SRM_SERVER = "srm_server"
    BACKUP_PROXY = "backup_proxy"


class DiskPlacement(StrEnum):
    VMDK_VMFS = "vmdk_vmfs"
    RDM_PHYSICAL = "rdm_physical"
    RDM_VIRTUAL = "rdm_virtual"
    NAS = "nas"


class DiskPurpose(StrEnum):
    OS = "os"
    DATABASE = "database"
    LOGS = "logs"


class ArrayModel(StrEnum):
    GENERIC = "generic"
    AX4_5 = "AX4-5"
    AX4_5F = "AX4-5F"
    CX3_10C = "CX3-10c"
    CX3_20 = "CX3-20"
    CX3_20C = "CX3-20c"
    CX3_40 = "CX3-40"
    CX3_40C = "CX3-40c"
    CX3_80 = "CX3-80"
    CX4_120 = "CX4-120"
    CX4_240 = "CX4-240"
    CX4_480 = "CX4-480"
    CX4_960 = "CX4-960"


class Protocol(StrEnum):
    FC = "fc"
    ISCSI = "iscsi"


class StorageProcessorSlot(StrEnum):
    A = "A"
    B = "B"


class LunUsage(StrEnum):
    VMFS_DATASTORE = "vmfs_datastore"
    RDM = "rdm"
    NFS_EXPORT = "nfs_export"


class MirrorMode(StrEnum):
    SYNC = "sync"  # MirrorView/S
    ASYNC = "async"  # MirrorView/A


class Trigger(StrEnum):
    """Whether something happens by itself or waits for an administrator: a DAG's
    failover, a Double-Take failover, a MirrorView recovery."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


#: The names the fields use (one vocabulary, one enum): a DAG's ``failover_intent``,
#: a Double-Take ``failover``, a mirror's ``recovery_policy``.
FailoverIntent = Trigger
FailoverMode = Trigger
RecoveryPolicy = Trigger


class LoadBalancerKind(StrEnum):
    HARDWARE = "hardware"
    EDGE = "edge"
    DNS_ROUND_ROBIN = "dns_round_robin"
    GEOGRAPHIC = "geographic"


class LoadBalancerLayer(StrEnum):
    L4 = "L4"
    L7 = "L7"


class EdgeSize(StrEnum):
    COMPACT = "compact"
    LARGE = "large"
    X_LARGE = "x_large"


class RecoveryPlanStep(StrEnum):
    WITNESS_UPDATE = "witness_update"
    DAG_IP_UPDATE = "dag_ip_update"
    DNS_UPDATE = "dns_update"


class BackupKind(StrEnum):
    VDP_ADVANCED = "vdp_advanced"
    VCB_PROXY = "vcb_proxy"
    IN_GUEST_AGENT = "in_guest_agent"
    ARRAY_SNAPSHOT = "array_snapshot"
    ARRAY_CLONE = "array_clone"
    TAPE = "tape"


class Exchange2007Kind(StrEnum):
    LCR = "lcr"
    CCR = "ccr"
    SCR = "scr"
    SCC = "scc"
