"""Storage for the copies a copy layout adds: the members' database (and log) disks.

A DAG is a non-shared storage cluster (000 §4.3): each member keeps its copy of a
database on its own disks. When :func:`~designer.capacity.layout.plan_copies` puts a
copy on a member that keeps no disk for that database (a disk on a LUN naming it, or
an unnamed database or log disk: where DAG011 and DAG014 look for a copy's files), the
member gets one following its other copies' layout: a clone of its first database disk
naming another database (same datastore, placement, purpose; sized by the database's
size against that disk's database), and a clone of that database's log disk on the
member when it has one apart. A member with no such disk to follow, or whose disk to
follow is a raw device mapping (an RDM maps one LUN to one disk: a second disk cannot
share it), gets none: the note says so and DAG014 names the copy until the user gives
it storage.

A copy the plan takes off a member leaves that member's disks for it behind (the disks
naming the database: its database and log disks there); they go with the plan
(:func:`left_behind`), so the member's datastores hold only the copies it keeps, as a
copy moved with Exchange's Remove-MailboxDatabaseCopy leaves files the administrator
then deletes. An unnamed database or log disk stays: it holds the member's other
databases too.

A database the plan shrinks (new databases take a share of its mailboxes: 400 → 200 GB)
has its database disks resized as the new copies' disks are sized: each disk naming it
scaled by the database's planned size against its size now (480 → 240 GB), so the
datastores hold what the databases need (:func:`resized`). A log disk keeps its size (a
new copy's log disk is a clone too), and so do an unnamed database disk (it holds other
databases) and an RDM (its size is its LUN's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from designer.domain.elements import DatabaseCopy, Lun, MailboxDatabase, VirtualDisk
from designer.domain.enums import DiskPlacement, DiskPurpose
from designer.domain.index import DesignIndex

__all__ = ["CopyStorage", "copy_disks", "left_behind", "resized"]

_RDM = (DiskPlacement.RDM_PHYSICAL, DiskPlacement.RDM_VIRTUAL)


class CopyStorage(NamedTuple):
    """What a plan does to its copies' storage (:func:`copy_disks`)."""

    #: The disks the copies new to their members get.
    disks: list[VirtualDisk]
    #: The disks the copies taken off their members leave (:func:`left_behind`).
    removed: list[VirtualDisk]
    #: The database disks of the databases the plan resizes, with their new sizes
    #: (:func:`resized`).
    resized: list[VirtualDisk]
    #: What was given, removed and left to the user, or "" when nothing.
    note: str


def copy_disks(
    ix: DesignIndex,
    copies: Mapping[str, list[DatabaseCopy]],
    databases: Iterable[MailboxDatabase],
) -> CopyStorage:
    """The disks the planned ``copies`` (database id → copies) need on their members,
    the disks the copies taken off their members leave, and a note saying what was
    given, removed and left to the user ("" when no copy is new to its member or taken
    off it). ``databases``: every database the plan names, with its planned size (new
    databases and shared sizes included), in the plan's order.

    Only copies new to their member get disks (a copy the database already had keeps
    the storage it had, or its DAG014 finding).

    Examples
    --------
    >>> from designer.domain import Design, EsxiHost, Lun, Site, StorageArray, VirtualMachine
    >>> els = [Site(id="s", name="S"), EsxiHost(id="h", name="H", site="s"),
    ...        StorageArray(id="a", name="A", site="s"),
    ...        Lun(id="l", name="L", array="a", size_gb=1000),
    ...        VirtualMachine(id="m", name="MBX1", host="h"),
    ...        MailboxDatabase(id="d1", name="DB01", size_gb=400,
    ...                        copies=[DatabaseCopy(member="m")]),
    ...        VirtualDisk(id="k", name="MBX1 DB01 database", vm="m", lun="l",
    ...                    purpose=DiskPurpose.DATABASE, size_gb=480, database="d1")]
    >>> new = MailboxDatabase(id="d2", name="DB02", size_gb=200)
    >>> disks, removed, _, note = copy_disks(DesignIndex(Design(elements=els)),
    ...                                      {"d2": [DatabaseCopy(member="m")]}, [new])
    >>> [(d.name, d.lun, d.size_gb, d.database) for d in disks]
    [('MBX1 DB02 database', 'l', 240.0, 'd2')]
    >>> print(note)
    the new copies get 1 disk on their members' datastores, as their other copies
    """
    by_id = {db.id: db for db in databases}
    # A copy's storage as DAG011 and DAG014 read it: the member's disks on a LUN naming
    # the database, or else its unnamed database and log disks.
    held: dict[tuple[str, str | None], list[VirtualDisk]] = {}
    for disk in ix.of("virtual_disk", VirtualDisk):
        if disk.lun and (disk.database or disk.purpose is not DiskPurpose.OS):
            held.setdefault((disk.vm, disk.database), []).append(disk)
    taken = set(ix.by_id)
    made: list[VirtualDisk] = []
    bare: dict[str, list[str]] = {}  # member name → databases left without storage
    for db_id, planned in copies.items():
        db = by_id.get(db_id) or ix.typed(db_id, MailboxDatabase)
        if db is None:
            continue
        before = ix.typed(db_id, MailboxDatabase)
        had = {c.member for c in before.copies} if before is not None else set()
        for copy in planned:
            member = copy.member
            if member in had or (member, db_id) in held or (member, None) in held:
                continue
            pattern = _pattern(ix, held, member)
            if pattern is None:
                vm = ix.get(member)
                bare.setdefault(vm.name if vm is not None else member, []).append(db.name)
                continue
            for disk, like in pattern:
                clone = _clone(disk, like, db, taken)
                made.append(clone)
                held.setdefault((member, db_id), []).append(clone)
    left = left_behind(ix, copies)
    sized = resized(ix, by_id.values(), left)
    overfull = _overfull(ix, made, left, sized)
    shrunk = 0
    for disk in sized:
        was = ix.typed(disk.id, VirtualDisk)
        shrunk += was is not None and disk.size_gb < was.size_gb
    return CopyStorage(made, left, sized, _note(made, left, sized, bare, overfull, shrunk))


def resized(
    ix: DesignIndex, databases: Iterable[MailboxDatabase], removed: Iterable[VirtualDisk] = ()
) -> list[VirtualDisk]:
    """The database disks naming each of ``databases`` (with its planned size) whose
    size the plan changes, with their new sizes, in the design's order: each disk's
    size scaled by the database's planned size against its size in the design, as a
    new copy's disk is sized (:func:`_clone`). Log disks, unnamed disks, RDMs, the
    ``removed`` disks and databases of no size keep theirs.

    Examples
    --------
    >>> from designer.domain import Design
    >>> els = [MailboxDatabase(id="d", name="DB01", size_gb=400),
    ...        VirtualDisk(id="k1", name="DB01 database", vm="m", purpose=DiskPurpose.DATABASE,
    ...                    size_gb=480, database="d"),
    ...        VirtualDisk(id="k2", name="DB01 logs", vm="m", purpose=DiskPurpose.LOGS,
    ...                    size_gb=50, database="d")]
    >>> shrunk = MailboxDatabase(id="d", name="DB01", size_gb=200)
    >>> [(d.id, d.size_gb) for d in resized(DesignIndex(Design(elements=els)), [shrunk])]
    [('k1', 240.0)]
    """
    factor: dict[str, float] = {}
    for db in databases:
        before = ix.typed(db.id, MailboxDatabase)
        if before is not None and before.size_gb > 0 and db.size_gb != before.size_gb:
            factor[db.id] = db.size_gb / before.size_gb
    if not factor:
        return []
    gone = {disk.id for disk in removed}
    found = []
    for disk in ix.of("virtual_disk", VirtualDisk):
        if (
            disk.database in factor
            and disk.purpose is DiskPurpose.DATABASE
            and disk.placement not in _RDM
            and disk.id not in gone
        ):
            size = round(disk.size_gb * factor[disk.database], 1) or disk.size_gb
            if size != disk.size_gb:
                found.append(disk.model_copy(update={"size_gb": size}))
    return found


def left_behind(ix: DesignIndex, copies: Mapping[str, list[DatabaseCopy]]) -> list[VirtualDisk]:
    """The disks the planned ``copies`` (database id → copies) leave on the members they
    take copies off: each disk of such a member naming such a database (its database and
    log disks there), in the design's order. A member's unnamed disks stay (they hold
    its other databases), and so does a disk something else names (an LCR's copy disk).

    Examples
    --------
    >>> from designer.domain import Design, VirtualMachine
    >>> els = [VirtualMachine(id=m, name=m.upper(), host="h") for m in ("m1", "m2")] + [
    ...     MailboxDatabase(id="d", name="DB01", copies=[
    ...         DatabaseCopy(member="m1"), DatabaseCopy(member="m2", activation_preference=2)]),
    ...     VirtualDisk(id="k1", name="M1 DB01", vm="m1", purpose=DiskPurpose.DATABASE,
    ...                 database="d"),
    ...     VirtualDisk(id="k2", name="M2 DB01", vm="m2", purpose=DiskPurpose.DATABASE,
    ...                 database="d"),
    ...     VirtualDisk(id="k3", name="M2 data", vm="m2", purpose=DiskPurpose.DATABASE)]
    >>> [d.id for d in left_behind(DesignIndex(Design(elements=els)),
    ...                            {"d": [DatabaseCopy(member="m1")]})]
    ['k2']
    """
    gone: set[tuple[str, str]] = set()
    for db_id, planned in copies.items():
        before = ix.typed(db_id, MailboxDatabase)
        if before is None:
            continue
        kept = {c.member for c in planned}
        gone.update((c.member, db_id) for c in before.copies if c.member not in kept)
    if not gone:
        return []
    left = [
        disk
        for member in dict.fromkeys(m for m, _ in gone)
        for disk in ix.disks_of_vm.get(member, ())
        if disk.database is not None and (member, disk.database) in gone
    ]
    left = [disk for disk in left if not ix.referrer_ids(disk.id)]
    return sorted(left, key=lambda d: ix.position_of(d.id))


def _pattern(
    ix: DesignIndex, held: Mapping[tuple[str, str | None], list[VirtualDisk]], member: str
) -> list[tuple[VirtualDisk, MailboxDatabase | None]] | None:
    """The disks a new copy on ``member`` follows: the member's first database disk on a
    LUN naming a database (in the design's order), with that database's log disks on
    the member; None when there is none, or it is an RDM."""
    for disk in ix.disks_of_vm.get(member, ()):
        if disk.purpose is DiskPurpose.DATABASE and disk.database is not None and disk.lun:
            if disk.placement in _RDM:
                return None
            like = ix.typed(disk.database, MailboxDatabase)
            logs = [
                d
                for d in held.get((member, disk.database), ())
                if d.purpose is DiskPurpose.LOGS and d.placement not in _RDM
            ]
            return [(disk, like), *((d, like) for d in logs)]
    return None


def _clone(
    disk: VirtualDisk, like: MailboxDatabase | None, db: MailboxDatabase, taken: set[str]
) -> VirtualDisk:
    """``disk`` (of database ``like``) made over for ``db``: its name with the other
    database's name replaced, a free id, and (a database disk) its size scaled by the
    databases' sizes."""
    name = (
        disk.name.replace(like.name, db.name)
        if like is not None and like.name and like.name in disk.name
        else f"{disk.name} ({db.name})"
    )
    base = f"disk-{disk.vm}-{db.id}-{disk.purpose.value}"
    new_id, n = base, 2
    while new_id in taken:
        new_id, n = f"{base}-{n}", n + 1
    taken.add(new_id)
    size = disk.size_gb
    if disk.purpose is DiskPurpose.DATABASE and like is not None and like.size_gb > 0:
        size = round(disk.size_gb * db.size_gb / like.size_gb, 1) or disk.size_gb
    return disk.model_copy(update={"id": new_id, "name": name, "size_gb": size, "database": db.id})


def _overfull(
    ix: DesignIndex,
    made: list[VirtualDisk],
    removed: list[VirtualDisk],
    sized: list[VirtualDisk],
) -> list[str]:
    """The LUNs the new and ``sized`` disks land on whose disks then (without the
    ``removed`` ones, the ``sized`` ones at their new sizes) add up to more than the
    LUN's size ("DS-DB on BOS-SAN1 (2,400 of 2,080 GB)"), in the new disks' order, then
    the resized ones'."""
    added: dict[str, float] = {}
    for disk in made:
        if disk.lun is not None:
            added[disk.lun] = added.get(disk.lun, 0.0) + disk.size_gb
    for disk in sized:
        if disk.lun is not None:
            added.setdefault(disk.lun, 0.0)
    gone = {disk.id for disk in removed}
    now = {disk.id: disk.size_gb for disk in sized}
    found: list[str] = []
    for lun_id, extra in added.items():
        lun = ix.typed(lun_id, Lun)
        if lun is None:
            continue
        on = ix.disks_on_lun.get(lun_id, ())
        kept = (now.get(d.id, d.size_gb) for d in on if d.id not in gone)
        total = extra + sum(kept)
        if total > lun.size_gb:
            found.append(f"{lun.name} ({total:,.0f} of {lun.size_gb:,.0f} GB)")
    return found


def _note(
    made: list[VirtualDisk],
    removed: list[VirtualDisk],
    sized: list[VirtualDisk],
    bare: Mapping[str, list[str]],
    overfull: list[str],
    shrunk: int = 0,
) -> str:
    said: list[str] = []
    if made:
        said.append(
            f"the new copies get {_disks(made)} on their members' datastores, as their other copies"
        )
    if removed:
        said.append(
            f"the plan removes the {_disks(removed)} of the copies it takes off their members "
            f"({_some([d.name for d in removed])})"
        )
    if sized:
        said.append(
            f"the databases' new sizes resize their {_disks(sized)} "
            f"({_some([f'{d.name} to {d.size_gb:,g} GB' for d in sized])})"
        )
    if shrunk:
        # vSphere grows a virtual disk but cannot shrink one [product fact: the vSphere
        # Client offers no smaller size; only a copy to a new disk, e.g. vCenter
        # Converter, makes one smaller] (wave 23, fid23).
        said.append(
            f"vSphere cannot shrink a virtual disk: reseed the copies on the {_disks_n(shrunk)} "
            "made smaller on new disks of the new size, or keep the disks as they are"
        )
    if overfull:
        said.append(f"grow the datastores their disks overfill: {_some(overfull)}")
    if bare:
        who = _some([f"{m} ({', '.join(dbs)})" for m, dbs in bare.items()])
        said.append(f"no database disk to follow on {who}: give those copies storage (DAG014)")
    return "; ".join(said)


def _disks(disks: list[VirtualDisk]) -> str:
    return _disks_n(len(disks))


def _disks_n(n: int) -> str:
    return f"{n:,} {'disk' if n == 1 else 'disks'}"


def _some(items: list[str], shown: int = 2) -> str:
    """The first ``shown`` of ``items``, and how many more.

    >>> _some(["a", "b", "c"], 2)
    'a, b and 1 more'
    """
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {more:,} more" if more > 0 else "")
