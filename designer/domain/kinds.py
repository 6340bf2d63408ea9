"""What each element kind is: one table, derived from the element classes.

An element class says what its kind holds: its fields and, through ``Ref``
annotations, which kinds each reference may name and whether it is required. One
:class:`KindSpec` per class says the rest, in terms of those fields:

* how the kind is drawn: a **box**, a **line** between the boxes its two ``ends``
  name (a WAN link), or a **part** its container draws (a VM's virtual disks);
* which references put it ``inside`` a container box (innermost first: a host sits in
  its cluster if it has one, else in its site), which are ``drawn`` as lines, and which
  name the ``members`` a loose box shows while it is selected;
* which connections a user may draw: a line kind (or a kind ``made_by_connecting``
  two references, a virtual disk) is created by connecting what its ends name; a
  :class:`Fill` sets or extends its own reference fields;
* its relations in the dependency graph, its id prefix and default name stem, its
  palette title and group, its default box size and the invariants the Document
  enforces on it.

:data:`KINDS` joins the classes and their specs into one :class:`KindInfo` per kind,
in palette order; the canvas, the factory, the graph, the connection rules and the
structure checks all read it. Adding a kind is one element class plus its entry in
:data:`SPECS` (tests may :func:`register_kind` a throwaway one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from designer.domain import invariants as inv
from designer.domain.elements import (
    Backup,
    CasArray,
    ConsistencyGroup,
    Dag,
    ElementBase,
    EsxiHost,
    Exchange2007Replication,
    FileShareWitness,
    HostReplication,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    Mirror,
    ProtectionGroup,
    RecoveryPlan,
    Site,
    SrmSitePair,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VsphereCluster,
    WanLink,
)
from designer.domain.refs import ref_kinds, targets_reader

__all__ = [
    "KINDS",
    "SPECS",
    "Connection",
    "Fill",
    "GraphRelation",
    "KindInfo",
    "KindSpec",
    "Shape",
    "connectable_kinds",
    "connections_between",
    "container_kinds",
    "register_kind",
    "unregister_kind",
]

Shape = Literal["box", "line", "part"]


@dataclass(frozen=True)
class GraphRelation:
    """An edge of the dependency graph a reference field makes.

    Edges point from an element to what it depends on (``vm -> esxi_host``); with
    ``reverse`` the referenced element depends on this one (a VM uses its disks).
    """

    name: str
    reverse: bool = False


@dataclass(frozen=True)
class Fill:
    """A connection that fills references of this kind: drawing a line from a box of
    this kind to a box one of ``fields`` may name (either way round) sets the first
    empty field, or appends to a list field.

    The texts are templates: ``{a}`` is this element's name, ``{b}`` the other's,
    ``{field}`` the field filled, in words.
    """

    fields: tuple[str, ...]
    #: What releasing will do ("add {b} to DAG {a}"), shown while dragging.
    says: str
    #: The undo step's text ("Add {b} to {a}").
    text: str
    #: The refusal when ``b`` is already there.
    done: str
    #: The refusal when every field is taken (single-valued fields only); without
    #: one, the last field is pointed at the new element instead.
    full: str = ""


@dataclass(frozen=True)
class KindSpec:
    """What the element class alone does not say about its kind (see the module)."""

    #: Palette group ("Infrastructure", "Storage", "Exchange", "Network", "Recovery").
    group: str
    #: Prefix of new ids ("host" → ``host-3``).
    prefix: str
    #: Stem of default names ("ESXi" → ``ESXi-03``).
    stem: str
    #: Palette title; default: the class label with a capital.
    title: str = ""
    shape: Shape = "box"
    #: Reference fields that put the element in a container box, innermost first.
    inside: tuple[str, ...] = ()
    #: Line kinds: the two reference fields it joins (source first).
    ends: tuple[str, str] | None = None
    #: A box or part kind created by connecting what two of its references name.
    made_by_connecting: tuple[str, str] | None = None
    #: What connecting says for kinds made by connecting ("{a}", "{b}": the ends' names).
    connect_says: str = ""
    #: The name of an element made by connecting ("" → a default name).
    connect_name: str = ""
    #: At most one element of this kind between the same two ends (a mirror).
    distinct: bool = False
    #: References filled by drawing a connection.
    fills: tuple[Fill, ...] = ()
    #: References drawn as lines whenever both ends are drawn.
    drawn: tuple[str, ...] = ()
    #: References a loose box shows as lines while it is selected.
    members: tuple[str, ...] = ()
    #: Dependency-graph relations, in the order the edges are added.
    graph: Mapping[str, GraphRelation] = field(default_factory=dict)
    #: Where the element lives, if not through ``inside``: references followed to a site.
    site_via: tuple[str, ...] | None = None
    #: Default box size (width, height) in scene units.
    size: tuple[float, float] = (170.0, 28.0)
    #: A row in its container (a VM, a LUN, a database): summarised when zoomed far out.
    row: bool = False
    invariants: tuple[inv.Invariant, ...] = ()


@dataclass(frozen=True)
class Connection:
    """One way to connect a box of kind ``a`` to a box of kind ``b``.

    ``creates``: a new element of ``kind`` with ``fields[0]`` naming the first box and
    ``fields[1]`` the second. Otherwise the first box (of ``kind``) gets the second in
    the first free field of ``fields`` (see :class:`Fill`).
    """

    a: str
    b: str
    kind: str
    fields: tuple[str, ...]
    creates: bool
    fill: Fill | None = None


@dataclass(frozen=True)
class KindInfo:
    """One kind: its class, its spec and what follows from the two."""

    kind: str
    cls: type[ElementBase]
    spec: KindSpec
    label: str
    title: str
    #: (field, kinds it may name) for each container reference, innermost first.
    containers: tuple[tuple[str, tuple[str, ...]], ...]
    #: True if one of the container references is required (a host must be in a site).
    needs_container: bool
    #: The connections that create an element of this kind or fill its fields.
    connections: tuple[Connection, ...]
    #: Per graph field: a reader of the ids named (same order as ``spec.graph``).
    graph_readers: tuple[tuple[str, GraphRelation, Callable[[Any], list[str]]], ...]

    @property
    def shape(self) -> Shape:
        return self.spec.shape

    @property
    def is_line(self) -> bool:
        return self.spec.shape == "line"

    @property
    def allowed_containers(self) -> tuple[str, ...]:
        """Every kind this kind may sit in."""
        return tuple(dict.fromkeys(k for _, kinds in self.containers for k in kinds))

    def container_of(self, element: Any) -> str | None:
        """The id of the box ``element`` is drawn in (and moves with), if any."""
        for name in self.spec.inside:
            value = getattr(element, name)
            if value:
                return str(value)
        return None

    def ends_of(self, element: Any) -> tuple[str, str] | None:
        """For a line kind, the ids of the two boxes it joins (source first)."""
        ends = self.spec.ends
        if ends is None:
            return None
        return getattr(element, ends[0]), getattr(element, ends[1])

    def drawn_of(self, element: Any) -> Iterator[tuple[str, str]]:
        """(field, id) of each reference drawn as a line."""
        for name in self.spec.drawn:
            value = getattr(element, name)
            if value is None:
                continue
            for target in value if isinstance(value, list) else (value,):
                yield name, target

    def members_of(self, element: Any) -> list[str]:
        """The ids a loose box shows as members while selected, in field order, unique."""
        found: dict[str, None] = {}
        for name in self.spec.members:
            found.update(dict.fromkeys(targets_reader(self.cls, name)(element)))
        return list(found)


_CONTAINED = GraphRelation("contained_in")
_RUNS_ON = GraphRelation("runs_on")
_MEMBER = GraphRelation("member")
_DEPENDS = GraphRelation("depends_on")

#: The entry of each kind, in palette order.
SPECS: dict[type[ElementBase], KindSpec] = {
    Site: KindSpec(group="Infrastructure", prefix="site", stem="Site", size=(700.0, 600.0)),
    WanLink: KindSpec(
        group="Infrastructure",
        prefix="link",
        stem="WAN",
        shape="line",
        ends=("site_a", "site_b"),
        connect_says="add a WAN link between {a} and {b}",
        connect_name="{a} – {b}",
        graph={"site_a": GraphRelation("joins"), "site_b": GraphRelation("joins")},
    ),
    VsphereCluster: KindSpec(
        group="Infrastructure",
        prefix="cluster",
        stem="Cluster",
        title="vSphere cluster",
        inside=("site",),
        graph={"site": _CONTAINED},
        size=(420.0, 280.0),
    ),
    EsxiHost: KindSpec(
        group="Infrastructure",
        prefix="host",
        stem="ESXi",
        inside=("cluster", "site"),
        graph={"cluster": _CONTAINED, "site": _CONTAINED},
        size=(180.0, 110.0),
        invariants=(inv.host_in_its_clusters_site,),
    ),
    VirtualMachine: KindSpec(
        group="Infrastructure",
        prefix="vm",
        stem="VM",
        title="Virtual machine",
        inside=("host",),
        graph={"host": _RUNS_ON},
        size=(160.0, 24.0),
        row=True,
    ),
    VirtualDisk: KindSpec(
        group="Storage",
        prefix="disk",
        stem="vDisk",
        shape="part",
        inside=("vm",),
        made_by_connecting=("vm", "lun"),
        connect_says="add a disk to {a} on LUN {b}",
        fills=(
            Fill(
                ("lun",),
                says="place disk {a} on LUN {b}",
                text="Place {a} on {b}",
                done="{a} is already on {b}",
            ),
        ),
        drawn=("lun",),
        graph={"vm": GraphRelation("uses_disk", reverse=True), "lun": GraphRelation("stored_on")},
        size=(12.0, 12.0),
    ),
    StorageArray: KindSpec(
        group="Storage",
        prefix="array",
        stem="Array",
        inside=("site",),
        graph={"site": _CONTAINED},
        size=(180.0, 110.0),
    ),
    Lun: KindSpec(
        group="Storage",
        prefix="lun",
        stem="LUN",
        inside=("array",),
        graph={"array": _CONTAINED},
        size=(160.0, 24.0),
        row=True,
    ),
    Mirror: KindSpec(
        group="Storage",
        prefix="mirror",
        stem="MV",
        shape="line",
        ends=("source_lun", "target_lun"),
        connect_says="mirror {a} to {b}",
        connect_name="MV {a} → {b}",
        distinct=True,
        graph={"source_lun": _DEPENDS, "target_lun": _DEPENDS},
        site_via=("source_lun",),
        invariants=(inv.mirror_between_two_arrays,),
    ),
    ConsistencyGroup: KindSpec(
        group="Storage", prefix="cg", stem="CG", members=("mirrors",), size=(170.0, 28.0)
    ),
    Dag: KindSpec(
        group="Exchange",
        prefix="dag",
        stem="DAG",
        fills=(
            Fill(
                ("members",),
                says="add {b} to DAG {a}",
                text="Add {b} to {a}",
                done="{b} is already a member of DAG {a}",
            ),
            Fill(
                ("witness", "alternate_witness"),
                says="make {b} the {field} of DAG {a}",
                text="Set {field} of {a}",
                done="{b} is already a witness of DAG {a}",
                full=(
                    "DAG {a} already has a witness and an alternate witness; "
                    "change them in the Inspector"
                ),
            ),
        ),
        drawn=("members", "witness", "alternate_witness"),
        graph={"members": _MEMBER, "witness": GraphRelation("witness")},
        size=(260.0, 90.0),
    ),
    MailboxDatabase: KindSpec(
        group="Exchange",
        prefix="db",
        stem="DB",
        inside=("dag",),
        members=("copies",),
        graph={"copies": GraphRelation("copy_on"), "dag": GraphRelation("in_dag")},
        size=(150.0, 24.0),
        row=True,
        invariants=(inv.copies_on_dag_members,),
    ),
    FileShareWitness: KindSpec(
        group="Exchange",
        prefix="fsw",
        stem="FSW",
        inside=("site",),
        # A VM dragged onto the witness serves its share (eyes25: it was refused, "a VM
        # cannot be connected to a file share witness", the Inspector the only way).
        fills=(
            Fill(
                ("vm",),
                says="make {b} the server of file share witness {a}",
                text="Set server of {a}",
                done="{b} already serves file share witness {a}",
            ),
        ),
        members=("vm",),
        graph={"site": _CONTAINED, "vm": _RUNS_ON},
        size=(180.0, 40.0),
    ),
    CasArray: KindSpec(
        group="Exchange",
        prefix="cas",
        stem="CAS",
        inside=("site",),
        members=("members",),
        graph={"site": _CONTAINED, "members": _MEMBER},
        size=(180.0, 40.0),
    ),
    LoadBalancer: KindSpec(
        group="Network",
        prefix="lb",
        stem="LB",
        inside=("site",),
        fills=(
            Fill(
                ("cas_arrays",),
                says="put {a} in front of CAS array {b}",
                text="{a} fronts {b}",
                done="{a} already fronts {b}",
            ),
        ),
        drawn=("cas_arrays",),
        graph={"site": _CONTAINED, "cas_arrays": GraphRelation("fronted_by", reverse=True)},
        size=(180.0, 40.0),
    ),
    SrmSitePair: KindSpec(
        group="Recovery",
        prefix="srm",
        stem="SRM",
        members=("protected_site", "recovery_site"),
        size=(200.0, 32.0),
    ),
    ProtectionGroup: KindSpec(
        group="Recovery",
        prefix="pg",
        stem="PG",
        members=("consistency_groups", "vms"),
        size=(170.0, 28.0),
    ),
    RecoveryPlan: KindSpec(
        group="Recovery",
        prefix="plan",
        stem="Plan",
        members=("protection_groups",),
        size=(200.0, 32.0),
    ),
    Backup: KindSpec(
        group="Recovery",
        prefix="backup",
        stem="Backup",
        members=("databases", "vms", "proxy"),
        size=(200.0, 28.0),
    ),
    HostReplication: KindSpec(
        group="Recovery",
        prefix="dt",
        stem="DT",
        shape="line",
        ends=("source", "target"),
        connect_says="replicate {a} to {b} (Double-Take)",
        connect_name="DT {a} → {b}",
    ),
    Exchange2007Replication: KindSpec(
        group="Recovery",
        prefix="ex2007",
        stem="E2007",
        members=("nodes", "databases", "target"),
        size=(200.0, 32.0),
    ),
}


def _info(cls: type[ElementBase], spec: KindSpec) -> KindInfo:
    kind: str = cls.model_fields["kind"].default
    named = [*spec.inside, *spec.drawn, *spec.members, *spec.graph, *(spec.ends or ())]
    named += [*(spec.made_by_connecting or ()), *(spec.site_via or ())]
    named += [f for fill in spec.fills for f in fill.fields]
    for name in named:
        if not ref_kinds(cls, name):
            raise TypeError(f"{cls.__name__}.{name} in its KindSpec is not a reference field")
    if (spec.shape == "line") != (spec.ends is not None):
        raise TypeError(f"{cls.__name__}: a line kind names its two ends, and only a line kind")
    containers = tuple((name, ref_kinds(cls, name)) for name in spec.inside)
    needs = any(cls.model_fields[name].is_required() for name in spec.inside)
    connections: list[Connection] = []
    made = spec.ends or spec.made_by_connecting
    if made is not None:
        for a in ref_kinds(cls, made[0]):
            for b in ref_kinds(cls, made[1]):
                connections.append(Connection(a, b, kind, made, creates=True))
    for fill in spec.fills:
        targets = dict.fromkeys(k for name in fill.fields for k in ref_kinds(cls, name))
        for b in targets:
            connections.append(Connection(kind, b, kind, fill.fields, creates=False, fill=fill))
    label = cls.label
    return KindInfo(
        kind=kind,
        cls=cls,
        spec=spec,
        label=label,
        title=spec.title or label[:1].upper() + label[1:],
        containers=containers,
        needs_container=needs,
        connections=tuple(connections),
        graph_readers=tuple(
            (name, relation, targets_reader(cls, name)) for name, relation in spec.graph.items()
        ),
    )


_KINDS: dict[str, KindInfo] = {}
#: Every kind by its name, in palette order (read-only; see :func:`register_kind`).
KINDS: Mapping[str, KindInfo] = MappingProxyType(_KINDS)
_CONNECTIONS: dict[tuple[str, str], list[Connection]] = {}
_DERIVED: dict[str, frozenset[str]] = {}


def _derive() -> None:
    _CONNECTIONS.clear()
    for info in _KINDS.values():
        for connection in info.connections:
            _CONNECTIONS.setdefault((connection.a, connection.b), []).append(connection)
            if connection.a != connection.b:
                _CONNECTIONS.setdefault((connection.b, connection.a), []).append(connection)
    boxes = {k for k, info in _KINDS.items() if info.shape == "box"}
    _DERIVED["containers"] = frozenset(
        c for info in _KINDS.values() if info.shape == "box" for c in info.allowed_containers
    )
    _DERIVED["connectable"] = frozenset(k for (a, b) in _CONNECTIONS for k in (a, b) if k in boxes)


def register_kind(cls: type[ElementBase], spec: KindSpec) -> KindInfo:
    """Add (or replace) a kind in the table; everything that reads it sees it at once.

    The shipped kinds are registered at import from :data:`SPECS`; tests use this to
    add a throwaway kind and :func:`unregister_kind` to take it away again.
    """
    info = _info(cls, spec)
    _KINDS[info.kind] = info
    _derive()
    return info


def unregister_kind(kind: str) -> None:
    """Take a kind added with :func:`register_kind` out of the table."""
    _KINDS.pop(kind, None)
    _derive()


for _cls, _spec in SPECS.items():
    _info_of = _info(_cls, _spec)
    _KINDS[_info_of.kind] = _info_of
_derive()


def container_kinds() -> frozenset[str]:
    """The kinds drawn as boxes that hold other boxes (site, cluster, host, array, DAG).

    Examples
    --------
    >>> sorted(container_kinds())
    ['dag', 'esxi_host', 'site', 'storage_array', 'vsphere_cluster']
    """
    return _DERIVED["containers"]


def connectable_kinds() -> frozenset[str]:
    """The box kinds a connection can start from or end on."""
    return _DERIVED["connectable"]


def connections_between(a: str, b: str) -> list[Connection]:
    """The ways a box of kind ``a`` can be connected to one of kind ``b`` (either way).

    Examples
    --------
    >>> [(c.kind, c.fields) for c in connections_between("vm", "dag")]
    [('dag', ('members',))]
    """
    return list(_CONNECTIONS.get((a, b), ()))
