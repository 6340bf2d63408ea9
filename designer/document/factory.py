"""New elements: sensible defaults, a free id and name, a container; the palette.

Everything per kind comes from the kind table (:mod:`designer.domain.kinds`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from designer.catalog import exchange_windows, newest_exchange_version
from designer.domain.design import Design
from designer.domain.elements import (
    ElementBase,
    MailboxDatabase,
    ProtectionGroup,
    Site,
    SrmSitePair,
    VirtualDisk,
    VirtualMachine,
)
from designer.domain.enums import DiskPurpose, SiteRole, VmRole
from designer.domain.errors import DesignError
from designer.domain.facets import EXCHANGE_ROLES
from designer.domain.index import DesignIndex
from designer.domain.kinds import KINDS, KindInfo
from designer.domain.words import with_article

__all__ = [
    "fit_in_container",
    "follow_defaults",
    "free_name",
    "joining_members",
    "new_element",
    "palette",
    "servers_exchange_version",
]


def palette() -> list[KindInfo]:
    """The kinds the palette offers, in its order (``info.title`` under ``info.spec.group``).

    Examples
    --------
    >>> [(k.title, k.spec.group) for k in palette()][:2]
    [('Site', 'Infrastructure'), ('WAN link', 'Infrastructure')]
    """
    return list(KINDS.values())


def _index_of(design: Design | DesignIndex) -> DesignIndex:
    return design if isinstance(design, DesignIndex) else DesignIndex(design)


def free_name(index: DesignIndex, kind: str, wanted: str) -> str:
    """``wanted``, or ``wanted (2)``, ``(3)``… if an element of ``kind`` has that name."""
    name, n = wanted[:190], 2
    while index.named(kind, name) is not None:
        name = f"{wanted[:180]} ({n})"
        n += 1
    return name


def _free_id_and_name(index: DesignIndex, info: KindInfo) -> tuple[str, str]:
    # Counting from the number of elements of the kind finds a free number at once in a
    # big design, and does not hand a removed element's id (and its waivers) to a new one.
    count = len(index.by_kind.get(info.kind, ()))
    n = count + 1
    while index.get(f"{info.spec.prefix}-{n}") is not None:
        n += 1
    m = count + 1
    while index.named(info.kind, f"{info.spec.stem}-{m:02d}") is not None:
        m += 1
    return f"{info.spec.prefix}-{n}", f"{info.spec.stem}-{m:02d}"


def fit_in_container(info: KindInfo, container: ElementBase | None) -> dict[str, Any]:
    """The container fields of a new (or moved) element of ``info`` placed in ``container``.

    The innermost field that may name the container names it; an outer container field
    takes the container's own value of that field (a host put in a cluster is in the
    cluster's site) or is cleared. Raises :class:`DesignError` with the reason when the
    element must sit in something else (a VM goes in an ESXi host).
    """
    fields: dict[str, Any] = {}
    chosen = None
    if container is not None:
        chosen = next((f for f, kinds in info.containers if container.kind in kinds), None)
    if chosen is None:
        if info.needs_container:
            allowed = " or ".join(with_article(KINDS[k].label) for k in info.allowed_containers)
            where = f"on {container.describe()}" if container is not None else "on empty canvas"
            raise DesignError(f"{with_article(info.label)} goes in {allowed}, not {where}")
        return {name: None for name, _ in info.containers}
    assert container is not None
    for name, _ in info.containers:
        if name == chosen:
            fields[name] = container.id
        elif name in type(container).model_fields:
            fields[name] = getattr(container, name)
        else:
            fields[name] = None
    return fields


def new_element(
    kind: str, design: Design | DesignIndex, container: str | None = None, **fields: Any
) -> ElementBase:
    """A new element of ``kind`` with a free id and name, placed in ``container``.

    Raises :class:`DesignError` with the reason when the container does not fit
    (a VM must be dropped on a host, a LUN on an array…).

    Examples
    --------
    >>> from designer.domain import Site, VsphereCluster
    >>> design = Design(elements=[Site(id="site-1", name="Boston"),
    ...                           VsphereCluster(id="cl", name="CL", site="site-1")])
    >>> host = new_element("esxi_host", design, "cl")
    >>> host.id, host.name, host.site, host.cluster
    ('host-1', 'ESXi-01', 'site-1', 'cl')
    """
    info = KINDS.get(kind)
    if info is None:
        raise DesignError(f"unknown element kind {kind!r}")
    index = _index_of(design)
    target = index.get(container) if container else None
    data: dict[str, Any] = {}
    if info.containers:
        placed = fit_in_container(info, target)
        data.update({k: v for k, v in placed.items() if v is not None})
    element_id, name = _free_id_and_name(index, info)
    data.update(id=element_id, name=name)
    data.update({k: v for k, v in _required_links(kind, index).items() if k not in fields})
    data.update(fields)
    return info.cls.model_validate(data)


def _required_links(kind: str, index: DesignIndex) -> dict[str, Any]:
    """The references a new element of ``kind`` cannot be without, taken from the design:
    an SRM site pair's protected site (the first production site) and recovery site (the
    first recovery site, else the next site); a protection group's or recovery plan's
    site pair (the first), a plan with that pair's protection groups. Raises
    :class:`DesignError` naming what to add first. (The palette offered these three kinds
    and refused each with pydantic's "2 validation errors for SrmSitePair": eyes20.)

    Examples
    --------
    >>> design = Design(elements=[Site(id="a", name="Boston"), Site(id="b", name="DR")])
    >>> pair = new_element("srm_site_pair", design)
    >>> pair.protected_site, pair.recovery_site
    ('a', 'b')
    >>> new_element("protection_group", design)
    Traceback (most recent call last):
    ...
    designer.domain.errors.DesignError: a protection group needs an SRM site pair: add one first
    """
    if kind == "srm_site_pair":
        sites = index.of("site", Site)
        if len(sites) < 2:
            raise DesignError(
                "an SRM site pair joins a protected site and a recovery site: add two sites first"
            )
        protected = next((s for s in sites if s.role == SiteRole.PRODUCTION), sites[0])
        others = [s for s in sites if s is not protected]
        recovery = next((s for s in others if s.role == SiteRole.RECOVERY), others[0])
        return {"protected_site": protected.id, "recovery_site": recovery.id}
    if kind in ("protection_group", "recovery_plan"):
        pairs = index.of("srm_site_pair", SrmSitePair)
        if not pairs:
            label = KINDS[kind].label
            raise DesignError(f"a {label} needs an SRM site pair: add one first")
        links: dict[str, Any] = {"site_pair": pairs[0].id}
        if kind == "recovery_plan":
            groups = index.of("protection_group", ProtectionGroup)
            links["protection_groups"] = [g.id for g in groups if g.site_pair == pairs[0].id]
        return links
    return {}


#: A VM's Windows version when nothing set it (the model's default).
_WINDOWS_DEFAULT = VirtualMachine.model_fields["windows_version"].default
#: A virtual disk's size when nothing set it (the model's default: an OS disk's).
_DISK_DEFAULT_GB = VirtualDisk.model_fields["size_gb"].default


def follow_defaults(
    design: Design | DesignIndex, element: ElementBase, field: str, value: Any
) -> dict[str, Any]:
    """The other fields of ``element`` that follow ``field`` set to ``value``: defaults
    the user has not changed, kept in agreement with the rules (one undo step with the
    edit). A VM given an Exchange role with no Exchange version takes the version of
    the design's other Exchange servers, else the newest the catalog knows that has the
    role (the rules know no version until one is set); a VM's Windows version still at
    its Exchange version's default follows a new Exchange version (an Exchange 2010
    server was left on Windows 2012, which only 2010 SP3 supports; a 2007 one on what
    EX003 reports).

    Examples
    --------
    >>> from designer.domain.enums import VmRole
    >>> vm = VirtualMachine(id="vm-1", name="MBX01", host="h")
    >>> follow_defaults(Design(), vm, "roles", [VmRole.MAILBOX])  # Windows: 2013's already
    {'exchange_version': '2013'}
    >>> follow_defaults(Design(), vm, "roles", [VmRole.HUB_TRANSPORT])  # not in 2013
    {'exchange_version': '2010', 'windows_version': '2008 R2 x64'}
    >>> follow_defaults(Design(), vm, "exchange_version", "2007")
    {'windows_version': '2008 x64'}
    >>> chosen = vm.model_copy(update={"windows_version": "2016"})
    >>> follow_defaults(Design(), chosen, "exchange_version", "2013")
    {}

    A disk still at its default size (40 GB, an OS disk's) made a database disk of a
    database takes the database's size, so that it holds it (VS006):

    >>> from designer.domain.elements import MailboxDatabase, VirtualDisk
    >>> design = Design(elements=[MailboxDatabase(id="db", name="DB01", size_gb=600)])
    >>> disk = VirtualDisk(id="k", name="Disk-01", vm="vm-1", purpose="database")
    >>> follow_defaults(design, disk, "database", "db")
    {'size_gb': 600.0}
    """
    if isinstance(element, VirtualDisk):
        return _disk_follows(_index_of(design), element, field, value)
    if not isinstance(element, VirtualMachine):
        return {}
    updates: dict[str, Any] = {}
    version = element.exchange_version
    if field == "roles" and version is None and EXCHANGE_ROLES.intersection(value or ()):
        updates["exchange_version"] = _design_exchange_version(
            _index_of(design), element.id, EXCHANGE_ROLES.intersection(value)
        )
    elif field == "exchange_version" and value is not None:
        updates["exchange_version"] = value
    new = updates.get("exchange_version")
    if new is None or new == version:
        return {k: v for k, v in updates.items() if k != field}
    was = exchange_windows(version) or _WINDOWS_DEFAULT
    windows = exchange_windows(new)
    if windows is not None and element.windows_version in (was, _WINDOWS_DEFAULT):
        updates["windows_version"] = windows
    return {k: v for k, v in updates.items() if k != field and v != getattr(element, k)}


def joining_members(design: Design | DesignIndex, vm_ids: Iterable[str]) -> list[VirtualMachine]:
    """The VMs among ``vm_ids`` that state no role yet, as the Mailbox servers they become
    on joining a DAG: a DAG's members are its Mailbox servers (DOMAIN.md §2: the
    Mailbox/DAG member role), and a VM drawn from the palette states none, so a newcomer's
    BOS-MBX01 joined DAG01 and held its copies as a server of no role (eyes25): the
    rules, capacity and transport counts that look for Mailbox servers passed it by. Its
    Exchange and Windows versions follow as when the role is ticked in the Inspector
    (:func:`follow_defaults`). A VM stating other roles keeps them.

    >>> vm = VirtualMachine(id="vm-1", name="BOS-MBX01", host="h")
    >>> [(v.roles, v.exchange_version) for v in joining_members(Design(elements=[vm]), ["vm-1"])]
    [([<VmRole.MAILBOX: 'mailbox'>], '2013')]

    A VM stating other roles keeps them (the Inspector greys it as no Mailbox server):

    >>> cas = vm.model_copy(update={"roles": [VmRole.CLIENT_ACCESS]})
    >>> joining_members(Design(elements=[cas]), ["vm-1"])
    []
    """
    index = _index_of(design)
    joining: list[VirtualMachine] = []
    for vm_id in vm_ids:
        vm = index.typed(vm_id, VirtualMachine)
        if vm is None or vm.roles:
            continue
        roles = [VmRole.MAILBOX]
        follow = follow_defaults(index, vm, "roles", roles)
        joining.append(vm.model_copy(update={"roles": roles, **follow}))
    return joining


def _disk_follows(index: DesignIndex, disk: VirtualDisk, field: str, value: Any) -> dict[str, Any]:
    """A disk still at its default size that becomes a database disk naming a database
    (its purpose or its database set) takes the database's size when that is larger: a
    disk drawn from the palette is 40 GB, a new database 100 GB, and VS006 found every
    such disk too small for its database."""
    if field not in ("database", "purpose") or disk.size_gb != _DISK_DEFAULT_GB:
        return {}
    after = {"database": disk.database, "purpose": disk.purpose, field: value}
    if after["purpose"] != DiskPurpose.DATABASE or after["database"] is None:
        return {}
    db = index.typed(after["database"], MailboxDatabase)
    if db is None or db.size_gb <= disk.size_gb:
        return {}
    return {"size_gb": db.size_gb}


def _design_exchange_version(index: DesignIndex, skip: str, roles: Iterable[str]) -> str:
    """The Exchange version most of the design's Exchange servers run (but ``skip``),
    else the newest the catalog knows with every one of ``roles``."""
    return servers_exchange_version(index, skip) or newest_exchange_version(roles)


def servers_exchange_version(design: Design | DesignIndex, skip: str) -> str | None:
    """The Exchange version most of the design's Exchange servers run, ``skip`` left
    out (None: none states one): the version a VM of no version takes when an Exchange
    role is ticked on it (:func:`follow_defaults`).

    >>> vms = [VirtualMachine(id=f"v{n}", name=f"V{n}", host="h") for n in range(3)]
    >>> vms[0] = vms[0].model_copy(update={"exchange_version": "2013"})
    >>> servers_exchange_version(Design(elements=vms), "v2")
    '2013'
    >>> servers_exchange_version(Design(elements=vms), "v0") is None
    True
    """
    counts = Counter(
        vm.exchange_version
        for vm in _index_of(design).of("vm", VirtualMachine)
        if vm.exchange_version is not None and vm.id != skip
    )
    return counts.most_common(1)[0][0] if counts else None
