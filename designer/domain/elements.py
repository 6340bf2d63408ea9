"""The elements of a design (DOMAIN.md §2): plain, frozen pydantic models.

Every element has a stable ``id``, a ``name`` unique within its kind, and a ``kind``
that discriminates the union :data:`Element`. Relations are id references
(:class:`~designer.domain.refs.Ref`), never nested objects, so a design is a flat list
that diffs cleanly and that the graph projects without special cases.
"""

# No `from __future__ import annotations` here: pydantic would then evaluate every
# field's annotation from a string (a typing.ForwardRef compiled for each, ~600 at
# import), ~10 % of building the domain models at every start (issue 10, cold start).
from typing import Annotated, Any, ClassVar, Literal, Union, get_args

from annotated_types import Ge, Gt, Le, MaxLen, MinLen
from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from designer.domain.enums import (
    ArrayModel,
    BackupKind,
    DiskPlacement,
    DiskPurpose,
    EdgeSize,
    Exchange2007Kind,
    LoadBalancerKind,
    LoadBalancerLayer,
    LunUsage,
    MirrorMode,
    Protocol,
    RecoveryPlanStep,
    SiteRole,
    StorageProcessorSlot,
    Trigger,
    VmRole,
)
from designer.domain.modelconfig import model_options
from designer.domain.refs import ElementId, Ref
from designer.domain.reliability import Hours
from designer.domain.workload import MailboxProfile

__all__ = [
    "ELEMENT_CLASSES",
    "IMPORT_PLACEHOLDER_NOTE",
    "IMPORT_STAND_IN_NOTE",
    "Backup",
    "CasArray",
    "ConsistencyGroup",
    "Dag",
    "DatabaseCopy",
    "Element",
    "ElementBase",
    "EsxiHost",
    "Exchange2007Replication",
    "FileShareWitness",
    "HostReplication",
    "LoadBalancer",
    "Lun",
    "MailboxDatabase",
    "Mirror",
    "PlanPriority",
    "ProtectionGroup",
    "RecoveryPlan",
    "Site",
    "SrmSitePair",
    "StorageArray",
    "VirtualDisk",
    "VirtualMachine",
    "VsphereCluster",
    "WanLink",
]

#: Constraints are annotated_types' markers (``Ge(0), Le(1e12)``), what ``Field(ge=0,
#: le=1e12)`` in an ``Annotated`` becomes: no ``Field()`` call (~90,000 instructions of
#: every start) and no ``FieldInfo`` for pydantic to merge (issue 10, wave 22). Beware:
#: markers are hashable, so typing caches ``Annotated[float, Le(1e6)]`` and gives it for
#: a later ``Annotated[float, Le(1_000_000)]`` (equal): the int or float bound of the
#: first reaches the validators and the JSON schema. Where an equal bound of the other
#: type was declared before, the field keeps ``Field()`` (not cached: not hashable), and
#: ``tests/cli/test_cli.py`` compares the schema's text with the committed copy.
Name = Annotated[str, MinLen(1), MaxLen(200)]
Count = Annotated[int, Ge(0), Le(10**9)]
Positive = Annotated[float, Ge(0), Le(1e12)]
#: The default of every list field here: pydantic copies a default ``FieldInfo`` into
#: each field it declares, so one object serves them all (a ``Field()`` call is ~90,000
#: instructions of every start: issue 10).
_EMPTY_LIST: Any = Field(default_factory=list)

SiteRef = Annotated[str, Ref("site")]
ClusterRef = Annotated[str, Ref("vsphere_cluster")]
HostRef = Annotated[str, Ref("esxi_host")]
VmRef = Annotated[str, Ref("vm")]
LunRef = Annotated[str, Ref("lun")]
ArrayRef = Annotated[str, Ref("storage_array")]
MirrorRef = Annotated[str, Ref("mirror")]
CgRef = Annotated[str, Ref("consistency_group")]
WitnessRef = Annotated[str, Ref("file_share_witness")]
DagRef = Annotated[str, Ref("dag")]
DatabaseRef = Annotated[str, Ref("mailbox_database")]
CasArrayRef = Annotated[str, Ref("cas_array")]
LinkRef = Annotated[str, Ref("wan_link")]
DiskRef = Annotated[str, Ref("virtual_disk")]
SitePairRef = Annotated[str, Ref("srm_site_pair")]
ProtectionGroupRef = Annotated[str, Ref("protection_group")]


#: How the notes of an element an import made up (because its sources imply it but do
#: not say it: the site ``Unplaced (import)``, a server's unplaced host) begin.
IMPORT_PLACEHOLDER_NOTE = "Placeholder made by an import"
#: How the notes of an element an import made to stand for one its source cannot name
#: (RVTools: the storage array behind a site's datastores) begin.
IMPORT_STAND_IN_NOTE = "Stand-in made by an import"


class ElementBase(BaseModel):
    """Fields every element has."""

    model_config = model_options(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    #: Human label of the kind, for messages ("consistency group CG-1 …").
    label: ClassVar[str] = "element"
    #: True for elements the simulator can fail and N-1 analysis sweeps.
    infrastructure: ClassVar[bool] = False

    #: The discriminator; each subclass narrows it to its own literal.
    kind: str
    id: ElementId
    name: Name
    notes: Annotated[str, MaxLen(10_000)] = ""

    def describe(self) -> str:
        return f"{self.label} {self.name}"

    @property
    def import_placeholder(self) -> bool:
        """Whether an import made it up until a source or an edit says what is really
        there (its notes still say so): not a real site, host... of the design."""
        return self.notes.startswith(IMPORT_PLACEHOLDER_NOTE)


class Site(ElementBase):
    """A datacenter."""

    label: ClassVar[str] = "site"
    infrastructure: ClassVar[bool] = True
    kind: Literal["site"] = "site"
    role: SiteRole = SiteRole.PRODUCTION
    subnet: Annotated[str | None, MaxLen(64)] = None
    users: Count = 0
    peak_concurrent_connections: Count = 0
    #: Mail data change rate, GB per hour; drives MirrorView/A transfer time.
    change_rate_gb_per_hour: Positive = 0.0
    windows_domain: Annotated[str, MaxLen(200)] = "corp.example.com"
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None
    #: Message profile of the users homed here (capacity: logs, CPU, memory).
    mailbox_profile: MailboxProfile | None = None


class WanLink(ElementBase):
    """A network link between two sites."""

    label: ClassVar[str] = "WAN link"
    infrastructure: ClassVar[bool] = True
    kind: Literal["wan_link"] = "wan_link"
    site_a: SiteRef
    site_b: SiteRef
    #: Kilometres between the sites; None: not stated yet (a new link's: it read "0 km",
    #: sites side by side, where nobody had said anything; wave 26). Written only when
    #: set, so that a file without it reads as before, in earlier versions too.
    distance_km: Positive | None = None
    rtt_ms: Positive = 1.0
    bandwidth_mbps: Annotated[float, Gt(0), Le(1e9)] = 1000.0
    #: Links with the same tag fail together (same conduit, same carrier).
    failure_domain: Annotated[str | None, MaxLen(100)] = None
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None

    @model_validator(mode="after")
    def _two_ends(self) -> "WanLink":
        if self.site_a == self.site_b:
            raise ValueError("a WAN link joins two different sites")
        return self

    @model_serializer(mode="wrap")
    def _without_unset_distance(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("distance_km", 0) is None:
            del data["distance_km"]
        return data


class VsphereCluster(ElementBase):
    label: ClassVar[str] = "vSphere cluster"
    infrastructure: ClassVar[bool] = False
    kind: Literal["vsphere_cluster"] = "vsphere_cluster"
    site: SiteRef
    ha_enabled: bool = True
    drs_enabled: bool = True
    host_failures_tolerated: Annotated[int, Ge(0), Le(32)] = 1
    #: vSphere HA VM monitoring: a guest OS that stops sending heartbeats is reset
    #: (000 §4.1); only with ``ha_enabled``.
    vm_monitoring: bool = True


class EsxiHost(ElementBase):
    label: ClassVar[str] = "ESXi host"
    infrastructure: ClassVar[bool] = True
    kind: Literal["esxi_host"] = "esxi_host"
    site: SiteRef
    cluster: ClusterRef | None = None
    cpu_cores: Annotated[int, Ge(1), Le(4096)] = 16
    # Field(): typing's cache would give average_message_kb's Le(1_000_000), an int.
    memory_gb: Annotated[float, Field(gt=0, le=1e6)] = 128.0
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None


class VirtualMachine(ElementBase):
    label: ClassVar[str] = "VM"
    infrastructure: ClassVar[bool] = True
    kind: Literal["vm"] = "vm"
    host: HostRef
    vcpu: Annotated[int, Ge(1), Le(768)] = 4
    memory_gb: Annotated[float, Gt(0), Le(1e5)] = 16.0
    roles: list[VmRole] = _EMPTY_LIST
    exchange_version: Literal["2003", "2007", "2010", "2013"] | None = None
    #: Exchange edition: storage group and database limits differ (004; EX004).
    exchange_edition: Literal["standard", "enterprise"] = "enterprise"
    windows_version: Annotated[str, MaxLen(100)] = "2012 x64"
    windows_domain: Annotated[str | None, MaxLen(200)] = None
    #: Exchange users whose mailboxes this server hosts (VS002).
    mailboxes: Count = 0


class VirtualDisk(ElementBase):
    label: ClassVar[str] = "virtual disk"
    kind: Literal["virtual_disk"] = "virtual_disk"
    vm: VmRef
    placement: DiskPlacement = DiskPlacement.VMDK_VMFS
    purpose: DiskPurpose = DiskPurpose.OS
    #: The VMFS datastore LUN (VMDK), the raw LUN (RDM) or the NFS export LUN (NAS).
    lun: LunRef | None = None
    size_gb: Positive = 40.0
    #: The mailbox database whose files (database or logs) this disk holds.
    database: DatabaseRef | None = None


class StorageArray(ElementBase):
    label: ClassVar[str] = "storage array"
    infrastructure: ClassVar[bool] = True
    kind: Literal["storage_array"] = "storage_array"
    site: SiteRef
    model: ArrayModel = ArrayModel.GENERIC
    flare_release: Annotated[int, Ge(1), Le(99)] | None = None
    protocol: Protocol = Protocol.FC
    snapview: bool = False
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None
    #: Data written to the array's mirrored LUNs, GB per hour, shared among those
    #: without a figure of their own; None: the site's change rate.
    change_rate_gb_per_hour: Annotated[float, Ge(0), Le(1e9)] | None = None


class Lun(ElementBase):
    label: ClassVar[str] = "LUN"
    infrastructure: ClassVar[bool] = True
    kind: Literal["lun"] = "lun"
    array: ArrayRef
    size_gb: Positive = 500.0
    raid_group: Annotated[str, MaxLen(100)] = "RG0"
    usage: LunUsage = LunUsage.VMFS_DATASTORE
    owner_sp: StorageProcessorSlot = StorageProcessorSlot.A
    #: Data written to this LUN, GB per hour (what MirrorView replicates); None: its
    #: share of the array's or the site's change rate.
    change_rate_gb_per_hour: Annotated[float, Ge(0), Le(1e9)] | None = None
    #: Free space, GB, in normal operation (a log LUN's room before it fills while logs
    #: cannot truncate); None: the catalog's share of the size.
    free_gb: Annotated[float, Ge(0), Le(1e12)] | None = None


class Mirror(ElementBase):
    """A MirrorView mirror from a source LUN to a target LUN on another array."""

    label: ClassVar[str] = "mirror"
    infrastructure: ClassVar[bool] = True
    kind: Literal["mirror"] = "mirror"
    source_lun: LunRef
    target_lun: LunRef
    mode: MirrorMode = MirrorMode.SYNC
    write_intent_log: bool = True
    recovery_policy: Trigger = Trigger.MANUAL
    #: MirrorView/A update interval, minutes (ignored for /S).
    # Field(): typing's cache would give VirtualMachine.memory_gb's Le(1e5), a float.
    update_interval_min: Annotated[float, Field(gt=0, le=100_000)] = 30.0
    #: The link the mirror crosses; by default the direct link between the arrays' sites.
    wan_link: LinkRef | None = None

    @model_validator(mode="after")
    def _two_luns(self) -> "Mirror":
        if self.source_lun == self.target_lun:
            raise ValueError("a mirror joins two different LUNs")
        return self


class ConsistencyGroup(ElementBase):
    label: ClassVar[str] = "consistency group"
    kind: Literal["consistency_group"] = "consistency_group"
    mode: MirrorMode = MirrorMode.SYNC
    mirrors: list[MirrorRef] = _EMPTY_LIST


class FileShareWitness(ElementBase):
    label: ClassVar[str] = "file share witness"
    infrastructure: ClassVar[bool] = True
    kind: Literal["file_share_witness"] = "file_share_witness"
    site: SiteRef
    #: The VM serving the share; None for a physical server.
    vm: VmRef | None = None
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None


class Dag(ElementBase):
    label: ClassVar[str] = "DAG"
    kind: Literal["dag"] = "dag"
    members: list[VmRef] = _EMPTY_LIST
    witness: WitnessRef | None = None
    alternate_witness: WitnessRef | None = None
    #: One IP address per subnet (False: an IP-less DAG).
    ip_per_subnet: bool = True
    failover_intent: Trigger = Trigger.MANUAL
    dac_mode: bool = False
    #: Windows 2012+ dynamic quorum: votes follow the members still up, so failures
    #: that come one at a time can be outlasted. Off: the static, conservative model.
    dynamic_quorum: bool = False
    anti_affinity: bool = False
    #: The anti-affinity rule is also set on SRM's placeholder VMs at the recovery site.
    anti_affinity_at_recovery: bool = False
    #: Message profile of the DAG's mailboxes (a database's own profile wins).
    mailbox_profile: MailboxProfile | None = None


class DatabaseCopy(BaseModel):
    model_config = model_options(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    member: VmRef
    activation_preference: Annotated[int, Ge(1), Le(64)] = 1
    replay_lag_days: Annotated[float, Ge(0), Le(365)] = 0.0


class MailboxDatabase(ElementBase):
    label: ClassVar[str] = "mailbox database"
    kind: Literal["mailbox_database"] = "mailbox_database"
    dag: DagRef | None = None
    size_gb: Positive = 100.0
    mailboxes: Count = 0
    copies: list[DatabaseCopy] = _EMPTY_LIST
    #: The site whose users have their mailboxes here; default: the preferred copy's site.
    user_site: SiteRef | None = None
    storage_group: Annotated[str | None, MaxLen(200)] = None
    #: Message profile of this database's mailboxes (wins over the DAG's and the site's).
    mailbox_profile: MailboxProfile | None = None


class CasArray(ElementBase):
    label: ClassVar[str] = "CAS array"
    infrastructure: ClassVar[bool] = True
    kind: Literal["cas_array"] = "cas_array"
    site: SiteRef
    members: list[VmRef] = _EMPTY_LIST
    namespace: Annotated[str, MaxLen(253)] = "mail.example.com"
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None


class LoadBalancer(ElementBase):
    label: ClassVar[str] = "load balancer"
    infrastructure: ClassVar[bool] = True
    kind: Literal["load_balancer"] = "load_balancer"
    #: None for a global (geographic) load balancer.
    site: SiteRef | None = None
    lb_kind: LoadBalancerKind = LoadBalancerKind.HARDWARE
    ha_pair: bool = True
    layer: LoadBalancerLayer = LoadBalancerLayer.L7
    pool: list[VmRef] = _EMPTY_LIST
    edge_size: EdgeSize | None = None
    cas_arrays: list[CasArrayRef] = _EMPTY_LIST
    #: Its own failure figures, hours (None: its kind's, in ``Design.reliability``).
    mtbf_h: Hours | None = None
    mttr_h: Hours | None = None


class SrmSitePair(ElementBase):
    label: ClassVar[str] = "SRM site pair"
    kind: Literal["srm_site_pair"] = "srm_site_pair"
    protected_site: SiteRef
    recovery_site: SiteRef
    adapter_at_protected: bool = True
    adapter_at_recovery: bool = True


class ProtectionGroup(ElementBase):
    label: ClassVar[str] = "protection group"
    kind: Literal["protection_group"] = "protection_group"
    site_pair: SitePairRef
    consistency_groups: list[CgRef] = _EMPTY_LIST
    vms: list[VmRef] = _EMPTY_LIST


class PlanPriority(BaseModel):
    model_config = model_options(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    vm: VmRef
    priority: Annotated[int, Ge(1), Le(5)] = 3


class RecoveryPlan(ElementBase):
    label: ClassVar[str] = "recovery plan"
    kind: Literal["recovery_plan"] = "recovery_plan"
    site_pair: SitePairRef
    protection_groups: list[ProtectionGroupRef] = _EMPTY_LIST
    priorities: list[PlanPriority] = _EMPTY_LIST
    ip_customization: bool = False
    steps: list[RecoveryPlanStep] = _EMPTY_LIST


class Backup(ElementBase):
    label: ClassVar[str] = "backup"
    kind: Literal["backup"] = "backup"
    backup_kind: BackupKind = BackupKind.VDP_ADVANCED
    databases: list[DatabaseRef] = _EMPTY_LIST
    vms: list[VmRef] = _EMPTY_LIST
    proxy: VmRef | None = None
    target: Annotated[str, MaxLen(200)] = ""
    schedule: Annotated[str, MaxLen(200)] = "daily"
    #: Pre/post scripts quiesce the database for VCB (BK002).
    scripts: bool = False


class HostReplication(ElementBase):
    """Double-Take host-based replication from one server to another."""

    label: ClassVar[str] = "Double-Take replication"
    infrastructure: ClassVar[bool] = True
    kind: Literal["host_replication"] = "host_replication"
    source: VmRef
    target: VmRef
    failover: Trigger = Trigger.MANUAL
    dns_failover: bool = True
    failover_timeout_s: Annotated[float, Ge(0), Le(86_400)] = 300.0


class Exchange2007Replication(ElementBase):
    label: ClassVar[str] = "Exchange 2007 replication"
    kind: Literal["exchange2007_replication"] = "exchange2007_replication"
    replication: Exchange2007Kind = Exchange2007Kind.CCR
    #: Cluster nodes (CCR, SCC) or the source server (LCR, SCR).
    nodes: list[VmRef] = _EMPTY_LIST
    passive_nodes: Annotated[int, Ge(0), Le(64)] = 1
    databases: list[DatabaseRef] = _EMPTY_LIST
    #: SCR standby target.
    target: VmRef | None = None
    #: LCR: the disks (of the same server) holding the passive copy of the database
    #: and its logs, on their own LUNs (004 Fig. 3).
    copy_disks: list[DiskRef] = _EMPTY_LIST


Element = Annotated[
    Union[  # noqa: UP007 - pydantic's discriminated union reads clearest this way
        Site,
        WanLink,
        VsphereCluster,
        EsxiHost,
        VirtualMachine,
        VirtualDisk,
        StorageArray,
        Lun,
        Mirror,
        ConsistencyGroup,
        FileShareWitness,
        Dag,
        MailboxDatabase,
        CasArray,
        LoadBalancer,
        SrmSitePair,
        ProtectionGroup,
        RecoveryPlan,
        Backup,
        HostReplication,
        Exchange2007Replication,
    ],
    Field(discriminator="kind"),
]

#: Every element class by its ``kind``, in the order of the union above.
ELEMENT_CLASSES: dict[str, type[ElementBase]] = {
    cls.model_fields["kind"].default: cls for cls in get_args(get_args(Element)[0])
}
